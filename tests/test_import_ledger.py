"""dufu import ledger: ledgers laid out the way offices lay them out, the round trip with
export ledger, and every rejected row reported with nothing written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from conftest import PROJECT, TODAY, edit
from freshrepo import make_fresh_repo

from dufu.validate import load_valid

TITLE = "三明市第二轮中央生态环境保护督察反馈问题整改落实情况台账"
HEADER = [
    "序号",
    "问题名称",
    "牵头部门",
    "配合单位",
    "完成时限",
    "整改要求",
    "进展情况",
    "完成情况",
    "完成时间",
    "备注",
]
ROWS = [
    [
        1,
        "矿山生态修复不到位问题",
        "市自然资源局",
        "市林业局、生态环境局",
        "2024.5.31",
        "完成修复",
        "已完成复绿120亩。",
        "已完成",
        "2024.5.31",
        "",
    ],
    [
        2,
        "黑臭水体治理滞后问题",
        "市生态环境局",
        "市住房和城乡建设局,各县(市、区)党委和政府",
        "2024年12月底前",
        "消除黑臭",
        "1.开展排查。①完成排查12条。②建立清单。\n2.推进治理。已完工5条。",
        "推进中",
        None,
        None,
    ],
    None,
    ["合计", None, None, None, None, None, None, None, None, None],
    [
        3,
        "森林防火责任落实不够问题",
        "市林业局",
        "各县(市、区)党委和政府",
        datetime(2025, 6, 30),
        "压实责任",
        None,
        "已完成",
        datetime(2024, 6, 20),
        "提前完成",
    ],
]


def office_ledger(path, rows=ROWS, header=HEADER):
    """A ledger as an office keeps it: a merged title row, a merged note row, its own column
    names and order, blank and subtotal rows, dates as text and as Excel dates."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "第二轮"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(["填报单位:市督察整改办", None, None, None, None, None, "填报日期:2024年6月5日"])
    sheet.merge_cells("A2:F2")
    sheet.append(header)
    for row in rows:
        sheet.append(row or [])
    book.create_sheet("说明").append(["本表按月报送"])
    book.save(path)
    return path


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_an_office_ledger_is_imported(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    ledger = office_ledger(tmp_path / "台账.xlsx")
    result = cli(
        "import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root), "--today", TODAY
    )
    assert result.exit_code == 0, result.output
    assert "3 项任务,新登记 3 个单位(跳过 2 个空行、小计行或重复表头)" in result.stderr
    data = load_valid(root, date(2026, 1, 1))
    first, second, third = (data.tasks[i] for i in ("r2-01", "r2-02", "r2-03"))
    assert (first.title, first.deadline, first.status, first.completed_on) == (
        "矿山生态修复不到位问题",
        "2024年5月31日前",
        "已完成",
        date(2024, 5, 31),
    )
    assert first.progress[0].measures[0].heading == "已完成复绿120亩。"
    assert (second.deadline, second.status, second.completed_on) == ("2024年12月底前", "正在推进", None)
    measures = second.progress[0].measures
    assert (measures[0].items, measures[1].text) == (["完成排查12条。", "建立清单。"], "已完工5条。")
    assert (third.deadline, third.completed_on, third.progress) == ("2025年6月30日前", date(2024, 6, 20), [])
    units = (root / "data/units.yaml").read_text(encoding="utf-8")
    added = "  - name: 市自然资源局\n  - name: 市住房和城乡建设局\n  - name: 各县(市、区)党委和政府\n"
    assert units.endswith("  - name: 市林业局\n" + added)


def test_a_blank_after_a_measures_number_in_a_cell_is_left_out(tmp_path, cli):
    # typed by hand: the whole workbook was refused (progress add, where it is typed, refuses it where it stands)
    root = make_fresh_repo(tmp_path / "fresh")
    rows = [ROWS[0], [*ROWS[1][:6], "1. 开展排查。①完成排查12条。②建立清单。\n2.\u3000推进治理。已完工5条。", *ROWS[1][7:]]]
    ledger = office_ledger(tmp_path / "台账.xlsx", rows=rows)
    result = cli("import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    measures = load_valid(root, date(2026, 1, 1)).tasks["r2-02"].progress[0].measures
    assert [m.heading for m in measures] == ["开展排查。", "推进治理。"]


def test_a_ledger_is_imported_into_a_round_that_states_its_total(tmp_path, cli):
    # the round file written first, with the plan's total (E350 until its tasks are there)
    rounds = {"r2": "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\ntotal: 3\n"}
    root = make_fresh_repo(tmp_path / "fresh", rounds)
    ledger = office_ledger(tmp_path / "台账.xlsx")
    result = cli(
        "import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root), "--today", TODAY
    )
    assert result.exit_code == 0, result.output
    assert cli("validate", "-C", str(root), "--today", TODAY).exit_code == 0


def test_every_rejected_row_is_reported_and_nothing_is_written(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    rows = [list(r) if r else r for r in ROWS]
    rows[0][4] = "2024.13.40"  # no such day
    rows[1][7] = "差不多"  # no such status
    rows[4][1] = None  # no title
    ledger = office_ledger(tmp_path / "台账.xlsx", rows)
    before = snapshot(root)
    result = cli("import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root))
    assert result.exit_code == 1
    assert "台账.xlsx:4:5: E530 工作表“第二轮”第 4 行(第二轮!E4):日期“2024.13.40”不存在" in result.stderr
    assert "out of range" not in result.stderr  # Python's own words
    assert "台账.xlsx:5:8: E530 工作表“第二轮”第 5 行(第二轮!H5):无法识别状态“差不多”" in result.stderr
    assert "台账.xlsx:8:2: E530 工作表“第二轮”第 8 行(第二轮!B8):缺少问题" in result.stderr
    assert "有 3 行无法导入" in result.stderr and "没有写入任何文件" in result.stderr
    assert snapshot(root) == before


def test_a_month_end_is_the_last_day_of_a_month_that_exists():
    from dufu.ledger_columns import read_day

    assert read_day("2024年2月底") == (date(2024, 2, 29), False)
    assert read_day("2023年2月底前") == (date(2023, 2, 28), True)
    assert read_day("9999年12月底") == (date(9999, 12, 31), False)
    for text in ("2024年13月底", "2024年0月底", "2024-02-30", "2024年6月31日前"):  # 2024年13月底 was 2025-01-31
        with pytest.raises(ValueError, match=f"日期“{text}”不存在"):
            read_day(text)


def test_dry_run_and_map_and_sheet(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    header = [word if word != "问题名称" else "反映问题" for word in HEADER]
    ledger = office_ledger(tmp_path / "台账.xlsx", header=header)
    before = snapshot(root)
    args = (
        "import",
        "ledger",
        str(ledger),
        "--sheet",
        "第二轮",
        "--round",
        "r2",
        "--as-of",
        "2024-05-31",
        "-C",
        str(root),
    )
    assert "找不到表头行" in cli(*args).stderr
    result = cli(*args, "--map", "反映问题=问题", "--map", "备注=忽略", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+title: 矿山生态修复不到位问题" in result.stdout and snapshot(root) == before
    assert "不是台账字段" in cli(*args, "--map", "反映问题=问题名").stderr
    assert "没有工作表“第三轮”" in cli("import", "ledger", str(ledger), "--sheet", "第三轮", "-C", str(root)).stderr


def test_export_then_import_into_a_fresh_repository_gives_the_same_tasks(repo, cli, tmp_path):
    assert cli("done", "r2-02", "--on", "2024-07-10", "-C", str(repo), "--today", TODAY).exit_code == 0
    assert cli("close", "r2-02", "--on", "2024-08-01", "-C", str(repo), "--today", TODAY).exit_code == 0
    ledger = tmp_path / "台账.xlsx"
    assert (
        cli("export", "ledger", "-o", str(ledger), "-C", str(repo), "--as-of", TODAY, "--today", TODAY).exit_code == 0
    )
    fresh = make_fresh_repo(tmp_path / "fresh")
    result = cli("import", "ledger", str(ledger), "-C", str(fresh), "--today", TODAY)
    assert result.exit_code == 0, result.output
    for day in ("2024-06-30", TODAY):
        before = json.loads(cli("list", "-C", str(repo), "--as-of", day, "--format", "json").stdout)
        after = json.loads(cli("list", "-C", str(fresh), "--as-of", day, "--format", "json").stdout)
        assert after == before and len(after) == 4
    old, new = load_valid(repo, date(2026, 1, 1)), load_valid(fresh, date(2026, 1, 1))
    for task_id, task in old.tasks.items():
        copy = new.tasks[task_id]
        assert copy.model_dump(exclude={"progress"}) == task.model_dump(exclude={"progress"})
        assert copy.progress == [task.progress[-1]]  # the ledger carries the latest report


def test_a_problem_the_imported_tasks_would_have_is_placed_at_its_cell(repo, cli, tmp_path):
    # not at a line of data/tasks/….yaml, a file that does not exist (nothing is written)
    ledger = tmp_path / "台账.xlsx"
    assert cli("export", "ledger", "-o", str(ledger), "-C", str(repo), "--as-of", TODAY, "--today", TODAY).exit_code == 0
    book = openpyxl.load_workbook(ledger)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    as_of, responsible = header.index("进展截至") + 1, header.index("责任单位") + 1
    sheet.cell(2, as_of).value = "2030-01-31"  # a report dated after today (E332)
    sheet.cell(3, responsible).value = "各县（市、区）党委和政府"  # full-width: a second unit like row 2's (E306)
    book.save(ledger)
    fresh = make_fresh_repo(tmp_path / "fresh")
    before = snapshot(fresh)
    result = cli("import", "ledger", str(ledger), "-C", str(fresh), "--today", TODAY)
    assert result.exit_code == 1 and snapshot(fresh) == before
    title = sheet.title
    letter = openpyxl.utils.get_column_letter
    assert f"台账.xlsx:2:{as_of}: E332 工作表“{title}”第 2 行({title}!{letter(as_of)}2):进展日期 2030-01-31 晚于今天" in result.stderr
    assert f"台账.xlsx:3:{responsible}: E306 工作表“{title}”第 3 行({title}!{letter(responsible)}3):" in result.stderr
    assert "data/" not in result.stderr


def test_a_new_unit_one_character_off_a_known_one_is_pointed_out(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")  # knows 市生态环境局 and 市林业局
    rows = [list(r) if r else r for r in ROWS]
    rows[0][2] = "市生态环竟局"  # a typo: registered as a new unit, as the ledger says
    rows[1][2] = "市农业局"  # another unit beside 市林业局, not a typo of it
    ledger = office_ledger(tmp_path / "台账.xlsx", rows)
    result = cli("import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "注意:新登记的单位“市生态环竟局”与已有的“市生态环境局”只差一个字,是否写错?" in result.stderr
    assert result.stderr.count("注意:") == 1  # not 市农业局, 市自然资源局 and the others


def test_a_round_column_merged_down_the_rows_and_a_repeated_header(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    header = ["轮次", *HEADER]
    rows = [["第二轮督察", *ROWS[0]], [None, *ROWS[1]], header, ["第一轮中央生态环境保护督察", 1, *ROWS[4][1:]]]
    path = office_ledger(tmp_path / "台账.xlsx", rows, header)
    book = openpyxl.load_workbook(path)
    book["第二轮"].merge_cells("A4:A5")  # 轮次 written once for two rows
    book.save(path)
    result = cli("import", "ledger", str(path), "--as-of", "2024-05-31", "-C", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    data = load_valid(root, date(2026, 1, 1))
    assert sorted((t.id, t.title) for t in data.tasks.values()) == [
        ("r1-01", "森林防火责任落实不够问题"),
        ("r2-01", "矿山生态修复不到位问题"),
        ("r2-02", "黑臭水体治理滞后问题"),
    ]


def test_files_that_are_not_ledgers(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    (tmp_path / "bad.xlsx").write_text("not a workbook", encoding="utf-8")
    assert "不是可读取的 Excel 工作簿(.xlsx):文件不是 zip 压缩包" in cli("import", "ledger", str(tmp_path / "bad.xlsx"), "-C", str(root)).stderr
    missing = cli("import", "ledger", str(tmp_path / "none.xlsx"), "-C", str(root))
    assert "文件不存在" in missing.stderr and missing.exit_code == 2  # a missing path is a usage error
    missing = cli("progress", "add", "r2-01", "--as-of", "2024-06-30", "--from", str(tmp_path / "none.txt"), "-C", str(root))
    assert "文件不存在" in missing.stderr and missing.exit_code == 2
    (tmp_path / "link.xlsx").symlink_to(tmp_path / "bad.xlsx")
    assert "是符号链接" in cli("import", "ledger", str(tmp_path / "link.xlsx"), "-C", str(root)).stderr


# Workbooks from strangers: bounded work and memory, one "cannot read" error, never a traceback


def crafted(path, edits):
    """office_ledger's workbook with parts rewritten as a stranger's file may hold them: edits
    maps the end of a part's name to a function of its bytes."""
    source = office_ledger(path.with_name("source.xlsx"))
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            part = src.read(info.filename)
            for ending, change in edits.items():
                part = change(part) if info.filename.endswith(ending) else part
            out.writestr(info.filename, part)
    return path


def rows_added(rows: bytes):
    return {"sheet1.xml": lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")}


def import_limited(root, ledger, timeout):
    """`dufu import ledger` in a process of its own, under a memory limit and a time limit."""
    limit = 600 * 1024 * 1024
    script = (
        f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
        "sys.argv = ['dufu', *sys.argv[1:]]\nfrom dufu.cli import run; run()\n"
    )
    args = ["import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root)]
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, timeout=timeout)
    return done.returncode, done.stderr.decode("utf-8")


def test_a_merged_range_to_the_last_cell_of_the_sheet_is_read_under_a_memory_limit(tmp_path):
    """One `<mergeCell>` over 17 billion cells: openpyxl's normal mode made an object per cell
    (MemoryError); the range is spread only over the cells read."""
    root = make_fresh_repo(tmp_path / "fresh")
    merge = {"sheet1.xml": lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="A20:XFD1048576"/></mergeCells>')}
    code, stderr = import_limited(root, crafted(tmp_path / "台账.xlsx", merge), timeout=60)
    assert code == 0, stderr
    assert "3 项任务" in stderr


def test_20000_rows_are_read_in_linear_time(tmp_path):
    """Rows holding only a number: 20,000 took 54 s (each row measured the whole sheet again)."""
    root = make_fresh_repo(tmp_path / "fresh")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(9, 20001))
    code, stderr = import_limited(root, crafted(tmp_path / "台账.xlsx", rows_added(rows)), timeout=30)
    assert code == 1
    assert "有 19992 行无法导入" in stderr and "内部错误" not in stderr


BOMB = (
    b"<!DOCTYPE x [<!ENTITY a0 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'>"
    + b"".join(b"<!ENTITY a%d '%s'>" % (i + 1, b"&a%d;" % i * 20) for i in range(8))
    + b"]>"
)
UNREADABLE = {
    "truncated sheet": {"sheet1.xml": lambda xml: b"<worksheet><sheetData><row"},
    "truncated styles": {"styles.xml": lambda xml: xml[: len(xml) // 2]},
    "entity bomb": {"sheet1.xml": lambda xml: BOMB + xml.replace(b"<v>1</v>", b"<v>&a8;</v>", 1)},
    "row past Excel's last": rows_added(b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>'),
}


@pytest.mark.parametrize("edits", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_corrupt_workbook_is_one_cannot_read_error(tmp_path, cli, edits):
    root = make_fresh_repo(tmp_path / "fresh")
    result = cli("import", "ledger", str(crafted(tmp_path / "台账.xlsx", edits)), "--round", "r2", "-C", str(root))
    assert result.exit_code == 1
    assert "不是可读取的 Excel 工作簿" in result.stderr and "内部错误" not in result.stderr


TOO_MUCH = {
    "a value past the rows read": (rows_added(b'<row r="30000"><c r="B30000"><v>7</v></c></row>'), "超过 20000 行"),
    "a flood of empty rows": (rows_added(b"<row/>" * 200_000), "太大"),
    "overlapping merged ranges": (
        {"sheet1.xml": lambda xml: xml.replace(b"</mergeCells>", b'<mergeCell ref="A3:GR8"/>' * 50 + b"</mergeCells>")},
        "合并单元格相互重叠",
    ),
}


@pytest.mark.parametrize("edits, message", TOO_MUCH.values(), ids=TOO_MUCH.keys())
def test_more_than_a_ledger_holds_is_refused(tmp_path, cli, edits, message):
    root = make_fresh_repo(tmp_path / "fresh")
    before = snapshot(root)
    result = cli("import", "ledger", str(crafted(tmp_path / "台账.xlsx", edits)), "--round", "r2", "-C", str(root))
    assert result.exit_code == 1
    assert message in result.stderr and "内部错误" not in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("number", "said"),
    [("①", "序号“①”不是正整数"), ("²", "序号“²”不是正整数"), ("20240531", "序号“20240531”过大"), (1e300, "序号“1e+300”不是正整数")],
)
def test_a_number_cell_that_is_no_task_number_is_named_at_its_cell(tmp_path, cli, number, said):
    # "①" and "²" pass str.isdigit(): int() then refused them in English; 1e300 made a file
    # name too long for the file system
    root = make_fresh_repo(tmp_path / "fresh")
    rows = [list(r) if r else r for r in ROWS]
    rows[0][0] = number
    before = snapshot(root)
    result = cli("import", "ledger", str(office_ledger(tmp_path / "台账.xlsx", rows)), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root))
    assert result.exit_code == 1 and snapshot(root) == before
    assert f"台账.xlsx:4:1: E530 工作表“第二轮”第 4 行(第二轮!A4):{said}" in result.stderr, result.stderr
    assert "invalid literal" not in result.stderr and "too long" not in result.stderr


def test_a_round_named_in_a_repository_without_rounds_says_there_are_none(tmp_path, cli):
    # it said "没有轮次“第二轮”(已有:)", an empty list
    root = tmp_path / "empty"
    assert cli("init", str(root)).exit_code == 0
    rows = [["轮次", *HEADER]] + [[("第二轮" if row[0] != "合计" else None), *row] if row else row for row in ROWS]
    ledger = office_ledger(tmp_path / "台账.xlsx", rows[1:], header=rows[0])
    result = cli("import", "ledger", str(ledger), "--as-of", "2024-05-31", "-C", str(root))
    assert result.exit_code == 1 and "没有轮次“第二轮”(数据仓库中还没有轮次,先照 examples/round.yaml 在 data/rounds/ 中建轮次文件)" in result.stderr, result.stderr


def test_a_number_typed_in_full_width_digits_is_the_number(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    rows = [list(r) if r else r for r in ROWS]
    rows[0][0], rows[1][0] = "１", "２"
    ledger = office_ledger(tmp_path / "台账.xlsx", rows)
    result = cli("import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root))
    assert result.exit_code == 0, result.output
    assert {p.name for p in (root / "data/tasks").iterdir()} >= {"r2-01.yaml", "r2-02.yaml"}


def test_round_given_by_name_is_the_round_and_an_unknown_one_is_named(tmp_path, cli):
    # --round 第二轮中央生态环境保护督察 was taken for an id: Pydantic's English pattern message
    root = make_fresh_repo(tmp_path / "fresh")
    ledger = office_ledger(tmp_path / "台账.xlsx")
    args = ("import", "ledger", str(ledger), "--as-of", "2024-05-31", "-C", str(root), "--dry-run")
    assert cli(*args, "--round", "第二轮中央生态环境保护督察").exit_code == 0
    unknown = cli(*args, "--round", "第九轮督察")
    assert unknown.exit_code == 2 and "没有轮次“第九轮督察”(已有:r1(第一轮中央生态环境保护督察)、r2(" in unknown.stderr


def test_a_round_name_two_rounds_share_is_refused_as_ambiguous(tmp_path, cli):
    # a central and a provincial 第二轮督察: the first was taken without a word
    rounds = {
        "r2": "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\n",
        "r2x": "id: r2x\nname: 第二轮省级生态环境保护督察\nshort_name: 第二轮督察\n",
    }
    root = make_fresh_repo(tmp_path / "fresh", rounds)
    ledger = office_ledger(tmp_path / "台账.xlsx")
    result = cli("import", "ledger", str(ledger), "--round", "第二轮督察", "--as-of", "2024-05-31", "-C", str(root))
    assert result.exit_code == 2 and "“第二轮督察”可以指 r2、r2x 中的任一个:请用轮次编号" in result.stderr, result.stderr


def _exported(repo, cli, tmp_path, edit):
    """The shipped data's ledger exported, edited by edit(sheet, column of a header) as a unit
    filling it in would, and saved."""
    ledger = tmp_path / "台账.xlsx"
    assert cli("export", "ledger", "-o", str(ledger), "-C", str(repo), "--today", "2024-07-01").exit_code == 0
    book = openpyxl.load_workbook(ledger)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    edit(sheet, lambda name: header.index(name) + 1)
    book.save(ledger)
    return ledger


def test_a_ledger_filled_in_by_the_units_updates_the_tasks_already_there(repo, cli, tmp_path):
    # every row of a ledger dufu exported was refused: its tasks were there already
    def fill_in(sheet, col):
        sheet.cell(3, col("整改进展")).value = "1.完成岸线整治。\n2.开展巡河120次。"  # r2-02
        sheet.cell(3, col("进展截至")).value = datetime(2024, 9, 30)
        sheet.cell(3, col("状态")).value = "基本完成"
        sheet.cell(4, col("状态")).value = "已完成"  # r2-03
        sheet.cell(4, col("完成时间")).value = "2024.9.15"

    ledger = _exported(repo, cli, tmp_path, fill_in)
    before = snapshot(repo)
    refused = cli("import", "ledger", str(ledger), "-C", str(repo), "--today", TODAY)
    assert refused.exit_code == 1 and snapshot(repo) == before
    assert "轮次 r2 中已有序号 1 或同名问题的任务(r2-01);要把台账中的进展和完成情况记入已有任务,加 --update" in refused.stderr
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "已导入工作表“整改任务”:0 项任务,更新 2 项已有任务(r2-02、r2-03)" in result.stderr
    data = load_valid(repo, date(2026, 1, 1))
    report = data.tasks["r2-02"].progress[-1]
    assert (report.as_of, report.status, [m.heading for m in report.measures]) == (
        date(2024, 9, 30), "基本完成", ["完成岸线整治。", "开展巡河120次。"],
    )  # fmt: skip
    done = data.tasks["r2-03"]
    assert (done.status, done.completed_on, len(done.progress)) == ("已完成", date(2024, 9, 15), 1)
    text = (repo / "data/tasks/r2-03.yaml").read_text(encoding="utf-8")
    assert "status: 已完成\ncompleted_on: 2024-09-15\nprogress:\n" in text  # spliced, the rest as it was
    again = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert again.exit_code == 0 and "已有任务没有新的内容" in again.stderr and again.stdout == ""
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0


def test_an_unchanged_ledger_updates_nothing(repo, cli, tmp_path):
    ledger = _exported(repo, cli, tmp_path, lambda sheet, col: None)
    before = snapshot(repo)
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0 and "0 项任务,已有任务没有新的内容" in result.stderr, result.output
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        # what was approved changes by dufu adjust, with its day
        (lambda s, col: setattr(s.cell(2, col("整改时限")), "value", "2025年底前"),
         "E530 工作表“整改任务”第 2 行(整改任务!F2):整改时限与数据中任务 r2-01 的不同(数据中是“立行立改、长期坚持”):经批准的调整请用 dufu adjust r2-01 记下"),
        (lambda s, col: setattr(s.cell(2, col("整改进展")), "value", "1.改写过的措施。"),
         "任务 r2-01 已有截至 2024-05-31 的进展,与台账中的不同;要修改请直接编辑 data/tasks/r2-01.yaml"),
        (lambda s, col: setattr(s.cell(2, col("状态")), "value", "基本完成"),
         "状态“基本完成”与数据中任务 r2-01 的“正在推进”不同,但没有新的整改进展"),
        (lambda s, col: setattr(s.cell(2, col("问题")), "value", "别的问题"),
         "序号和问题与轮次 r2 中已有的任务对不上:r2-01(序号 1,"),
        (lambda s, col: [setattr(s.cell(3, c), "value", s.cell(2, c).value) for c in range(1, 13)],
         "任务 r2-01 在台账中出现了两次(另见第 2 行)"),
        (lambda s, col: [setattr(s.cell(2, col("进展截至")), "value", "2024-04-30"), setattr(s.cell(2, col("整改进展")), "value", "1.更早的措施。")],
         "任务 r2-01 已有更晚(截至 2024-05-31)的进展"),
    ],
)  # fmt: skip
def test_a_row_that_says_otherwise_than_the_data_is_refused_and_nothing_written(repo, cli, tmp_path, edit, said):
    ledger = _exported(repo, cli, tmp_path, edit)
    before = snapshot(repo)
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert "没有写入任何文件" in result.stderr and snapshot(repo) == before


def test_a_completion_the_data_dates_otherwise_is_refused(repo, cli, tmp_path):
    assert cli("done", "r2-03", "--on", "2024-06-20", "-C", str(repo), "--today", TODAY).exit_code == 0
    ledger = _exported(repo, cli, tmp_path, lambda s, col: setattr(s.cell(4, col("完成时间")), "value", "2024-06-21"))
    assert cli("export", "ledger", "-o", str(tmp_path / "x.xlsx"), "-C", str(repo), "--today", "2024-07-01").exit_code == 0
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "完成时间与数据中任务 r2-03 的 2024-06-20 不同(台账中是 2024-06-21)" in result.stderr, result.stderr
    closing = _exported(repo, cli, tmp_path, lambda s, col: [setattr(s.cell(4, col("状态")), "value", "已销号"), setattr(s.cell(4, col("销号时间")), "value", "2024-08-01")])
    result = cli("import", "ledger", str(closing), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    task = load_valid(repo, date(2026, 1, 1)).tasks["r2-03"]
    assert (task.status, task.completed_on, task.closed_on) == ("已销号", date(2024, 6, 20), date(2024, 8, 1))


def test_a_problem_an_updated_task_would_have_is_placed_at_its_cell(repo, cli, tmp_path):
    def later(sheet, col):
        sheet.cell(2, col("进展截至")).value = "2030-01-31"  # after today (E332)
        sheet.cell(2, col("整改进展")).value = "1.新的措施。"

    ledger = _exported(repo, cli, tmp_path, later)
    before = snapshot(repo)
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and snapshot(repo) == before
    assert "台账.xlsx:2:9: E332 工作表“整改任务”第 2 行(整改任务!I2):进展日期 2030-01-31 晚于今天" in result.stderr, result.stderr


def test_a_completion_known_only_by_a_day_is_compared_as_such(repo, cli, tmp_path):
    # completed_by (完成时间 written 2024-06-20前) differing from the ledger's was a KeyError
    edit(repo / "data/tasks/r2-03.yaml", "status: 正在推进", "status: 已完成\ncompleted_by: 2024-06-20")
    ledger = _exported(repo, cli, tmp_path, lambda s, col: setattr(s.cell(4, col("完成时间")), "value", "2024-06-19前"))
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "完成时间与数据中任务 r2-03 的 2024-06-20 不同(台账中是 2024-06-19)" in result.stderr, result.output


def test_excels_own_escapes_in_cells_are_read_as_excel_shows_them(tmp_path, cli):
    # a line break typed on Windows is _x000D_ before its \n in the workbook, and openpyxl
    # hands that on: the imported progress held "_x000D_"
    root = make_fresh_repo(tmp_path / "fresh")
    rows = [list(r) if r else r for r in ROWS]
    rows[1][6] = "1.开展排查。_x000D_\n2.推进治理。"
    rows[0][1] = "矿山_x005F_x0041_修复问题"  # a literal _x0041_, as Excel writes one
    ledger = office_ledger(tmp_path / "台账.xlsx", rows)
    result = cli("import", "ledger", str(ledger), "--round", "r2", "--as-of", "2024-05-31", "-C", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    data = load_valid(root, date(2026, 1, 1))
    assert [m.heading for m in data.tasks["r2-02"].progress[0].measures] == ["开展排查。", "推进治理。"]
    assert data.tasks["r2-01"].title == "矿山_x0041_修复问题"


def test_a_title_holding_what_excel_reads_as_an_escape_is_exported_as_written(repo, cli, tmp_path):
    edit(repo / "data/tasks/r2-01.yaml", "title: 思想认识不够到位问题", "title: 思想认识_x0041_不够到位问题")
    ledger = _exported(repo, cli, tmp_path, lambda s, col: None)
    raw = zipfile.ZipFile(ledger).read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "_x005F_x0041_" in raw  # Excel shows it _x0041_, not A
    again = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert again.exit_code == 0 and "已有任务没有新的内容" in again.stderr, again.output


def test_the_status_a_row_reports_is_kept_on_its_report(tmp_path, cli):
    # r3-03's last report says 未达到序时进度 (its own status 正在推进): a new report in the same
    # status was written without it, the task read 正在推进, and the same ledger was refused next time
    repo = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "timeline", repo)
    ledger = tmp_path / "台账.xlsx"
    assert cli("export", "ledger", "-o", str(ledger), "-C", str(repo), "--today", "2025-07-05").exit_code == 0
    book = openpyxl.load_workbook(ledger)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    title = load_valid(repo, date(2025, 7, 5)).tasks["r3-03"].title
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, header.index("问题") + 1).value == title)
    assert sheet.cell(row, header.index("状态") + 1).value == "未达到序时进度"
    sheet.cell(row, header.index("整改进展") + 1).value = "1.开展排查。完成10个项目的拆除。"
    sheet.cell(row, header.index("进展截至") + 1).value = datetime(2025, 7, 31)
    book.save(ledger)
    for _ in range(2):
        result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", "2025-08-05")
        assert result.exit_code == 0, result.output
    assert load_valid(repo, date(2025, 8, 5)).tasks["r3-03"].status_at(date(2025, 8, 5)) == "未达到序时进度"


def test_an_untouched_ledger_whose_text_prints_as_it_was_is_no_change(repo, cli, tmp_path):
    # a heading without its full stop, then a text, prints as one line that reads back otherwise
    task = repo / "data/tasks/r2-02.yaml"
    task.write_text(task.read_text(encoding="utf-8") + "  - as_of: 2024-06-30\n    measures:\n      - heading: 压实责任\n        text: 修订责任清单。\n", encoding="utf-8")
    ledger = _exported(repo, cli, tmp_path, lambda s, col: None)
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0 and "已有任务没有新的内容" in result.stderr, result.output


def test_a_closed_task_in_a_ledger_without_a_status_column_is_no_contradiction(repo, cli, tmp_path):
    assert cli("done", "r2-02", "--on", "2024-06-20", "-C", str(repo), "--today", TODAY).exit_code == 0
    assert cli("close", "r2-02", "--on", "2024-06-28", "-C", str(repo), "--today", TODAY).exit_code == 0

    def drop(sheet, col):
        sheet.delete_cols(col("销号时间"))
        sheet.delete_cols(col("状态"))

    ledger = _exported(repo, cli, tmp_path, drop)
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0 and "已有任务没有新的内容" in result.stderr, result.output


def test_a_completion_day_after_the_one_the_data_knows_it_done_by_is_refused(repo, cli, tmp_path):
    edit(repo / "data/tasks/r2-03.yaml", "status: 正在推进", "status: 已完成\ncompleted_by: 2024-06-20")
    ledger = _exported(repo, cli, tmp_path, lambda s, col: setattr(s.cell(4, col("完成时间")), "value", "2024-07-05"))
    result = cli("import", "ledger", str(ledger), "--update", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "完成时间 2024-07-05 晚于数据中任务 r2-03 已知的完成日期(不晚于 2024-06-20)" in result.stderr, result.output


def test_a_ledger_dated_by_as_of_adds_no_report_for_text_sent_back_unchanged(repo, cli, tmp_path):
    # every row became a new report at --as-of, done tasks' included
    def undated(sheet, col):
        sheet.cell(3, col("整改进展")).value = "1.新的措施。"  # r2-02: new text
        sheet.delete_cols(col("进展截至"))

    ledger = _exported(repo, cli, tmp_path, undated)
    result = cli("import", "ledger", str(ledger), "--update", "--as-of", "2024-06-30", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0 and "更新 1 项已有任务(r2-02)" in result.stderr, result.output
