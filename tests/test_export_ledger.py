"""dufu export ledger: the workbook re-read with openpyxl."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime

import openpyxl
from conftest import TODAY, edit
from freshrepo import make_fresh_repo

from dufu.progress_text import parse_measures
from dufu.validate import load_valid

HEADERS = [
    "序号",
    "轮次",
    "问题",
    "牵头单位",
    "责任单位",
    "整改时限",
    "整改目标",
    "整改进展",
    "进展截至",
    "状态",
    "完成时间",
    "销号时间",
]


def export(cli, repo, tmp_path, as_of):
    out = tmp_path / "台账.xlsx"
    result = cli("export", "ledger", "-o", str(out), "-C", str(repo), "--as-of", as_of, "--today", TODAY)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out), out


def test_every_task_is_present_with_its_latest_report(repo, cli, tmp_path):
    book, _ = export(cli, repo, tmp_path, "2024-06-30")
    sheet = book["整改任务"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["H"].width == 60
    assert sheet["H2"].alignment.wrap_text
    data = load_valid(repo, date(2026, 1, 1))
    assert [(r[0], r[2]) for r in rows[1:]] == [(t.number, t.title) for t in data.tasks_of("r2")]
    for row, task in zip(rows[1:], data.tasks_of("r2")):
        assert parse_measures(row[7]) == list(task.progress[-1].measures)
        assert row[8] == datetime(2024, 5, 31) and row[9] == "正在推进" and row[1] == "第二轮中央生态环境保护督察"


def test_summary_totals_equal_status_json(repo, cli, tmp_path):
    edit(repo / "data/tasks/r2-04.yaml", "deadline: 立行立改、长期坚持", "deadline: 2024年6月底前")
    assert cli("done", "r2-02", "--on", "2024-07-10", "-C", str(repo), "--today", TODAY).exit_code == 0
    book, _ = export(cli, repo, tmp_path, "2024-08-01")
    rows = list(book["汇总"].iter_rows(values_only=True))
    status = json.loads(cli("status", "-C", str(repo), "--as-of", "2024-08-01", "--format", "json").stdout)
    by_name = {row[0]: row for row in rows[2:]}
    assert len(by_name) == len(status["rounds"]) == 2
    for tally in status["rounds"]:
        row = by_name[tally["name"]]
        assert list(row[1:5]) == [tally["total"], tally["done"], tally["open"], tally["overdue"]]
        statuses = rows[1][6:]
        assert {s: n for s, n in zip(statuses, row[6:]) if n} == tally["by_status"]
    assert by_name["第一轮中央生态环境保护督察"][5] == 17  # counted-only tasks are in the summary
    tasks = book["整改任务"]
    overdue = next(r for r in tasks.iter_rows(min_row=2) if r[2].value == "保护区管控不力问题")
    assert overdue[9].fill.fgColor.rgb.endswith("FFC7CE")  # overdue: red
    done = next(r for r in tasks.iter_rows(min_row=2) if r[2].value == "法治观念淡薄问题")
    assert (
        done[9].value == "已完成" and done[10].value == datetime(2024, 7, 10) and done[10].number_format == "yyyy-mm-dd"
    )


def test_the_workbook_is_deterministic(repo, cli, tmp_path):
    _, first = export(cli, repo, tmp_path, "2024-06-30")
    once = first.read_bytes()
    _, second = export(cli, repo, tmp_path, "2024-06-30")
    assert second.read_bytes() == once


def test_today_is_the_default_as_of_date(repo, cli, tmp_path):
    """--today D stands for today everywhere, the as-of date it defaults to included (the
    ledger was drawn up as of the real today)."""
    _, given = export(cli, repo, tmp_path, "2024-08-01")
    expected = given.read_bytes()
    out = tmp_path / "today.xlsx"
    result = cli("export", "ledger", "-o", str(out), "-C", str(repo), "--today", "2024-08-01")
    assert result.exit_code == 0 and "截至 2024-08-01" in result.stderr, result.output
    assert out.read_bytes() == expected


def test_text_beginning_with_an_equals_sign_is_text_not_a_formula(repo, cli, tmp_path):
    """A title or target written =HYPERLINK(…) is data: Excel must show it, not follow it, and
    import must read back the same text (no apostrophe added)."""
    edit(
        repo / "data/tasks/r2-03.yaml",
        "title: 突出生态环境问题重视不够问题",
        'title: \'=HYPERLINK("http://evil.example/","点击")\'',
    )
    edit(repo / "data/tasks/r2-01.yaml", "target: 坚定不移", "target: =1+1坚定不移")
    book, out = export(cli, repo, tmp_path, TODAY)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    original = load_valid(repo, date(2026, 1, 1)).tasks
    texts = {cell.value for cell in cells}
    assert original["r2-03"].title.startswith("=HYPERLINK") and original["r2-03"].title in texts
    assert original["r2-01"].target.startswith("=1+1") and original["r2-01"].target in texts
    with zipfile.ZipFile(out) as written:
        assert b"<f>" not in written.read("xl/worksheets/sheet1.xml")
    fresh = make_fresh_repo(tmp_path / "fresh")
    result = cli("import", "ledger", str(out), "-C", str(fresh), "--today", TODAY)
    assert result.exit_code == 0, result.output
    copied = load_valid(fresh, date(2026, 1, 1)).tasks
    assert (copied["r2-03"].title, copied["r2-01"].target) == (original["r2-03"].title, original["r2-01"].target)


def test_a_file_name_of_another_format_is_refused_before_anything_is_written(repo, cli, tmp_path):
    # x.csv held xlsx bytes: a spreadsheet program then failed to open it, or showed zip bytes
    for name in ("台账.csv", "台账.xls"):
        result = cli("export", "ledger", "-o", str(tmp_path / name), "-C", str(repo), "--today", TODAY)
        assert result.exit_code == 2 and "文件名应以 .xlsx 结尾" in result.stderr
        assert not (tmp_path / name).exists()
    assert cli("export", "ledger", "-o", str(tmp_path / "台账.XLSX"), "-C", str(repo), "--today", TODAY).exit_code == 0


def test_a_workbook_in_another_format_is_told_to_be_saved_as_xlsx(repo, cli, tmp_path):
    for name, content in (("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504), ("台账.csv", "问题,牵头单位\n".encode())):
        (tmp_path / name).write_bytes(content)
        result = cli("import", "ledger", str(tmp_path / name), "-C", str(repo), "--today", TODAY)
        assert result.exit_code == 1 and "另存为 .xlsx" in result.stderr, result.stderr


def test_a_task_is_exported_as_it_stood_on_the_day_its_adjustments_in_effect(cli, tmp_path):
    # the plan's deadline and lead unit were exported after an adjustment had changed them
    import shutil

    from conftest import PROJECT

    root = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests/fixtures/timeline/data", root / "data")
    listed = {t["id"]: t for t in json.loads(cli("list", "--as-of", "2025-09-01", "-C", str(root), "--format", "json").stdout)}
    book, _ = export(cli, root, tmp_path, "2025-09-01")
    rows = {row[0]: row for row in list(book["整改任务"].iter_rows(values_only=True))[1:]}
    for number in (7, 8):  # r3-07: a deadline adjusted; r3-08: a lead unit adjusted
        task = listed[f"r3-0{number}"]
        assert (rows[number][3], rows[number][5]) == (task["lead_units"], task["deadline"])
    assert rows[7][5] == "2025年12月底前" and rows[8][3] == "市住建局"


def test_the_filters_start_at_the_header_rows(repo, cli, tmp_path):
    # the summary sheet's filter was on its 截至 line, and sorted the header among the rows
    book, _ = export(cli, repo, tmp_path, "2024-06-30")
    assert book["整改任务"].auto_filter.ref == "A1:L5"
    summary = book["汇总"]
    assert summary.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(summary.max_column)}4"
    assert summary["A2"].font.bold and not summary["A1"].font.bold and summary.freeze_panes == "B3"
    tasks = book["整改任务"]  # printed on A4 across, the columns fitted to the page, the header on each page
    assert (tasks.page_setup.orientation, tasks.page_setup.fitToWidth, tasks.print_title_rows) == ("landscape", 1, "$1:$1")
    assert tasks.sheet_properties.pageSetUpPr.fitToPage and summary.print_title_rows == "$2:$2"


def test_a_text_longer_than_a_cell_holds_is_refused_not_cut(repo, cli, tmp_path):
    edit(repo / "data/tasks/r2-04.yaml", "一律不予审批、核准。", "一律不予审批、核准。" + "审" * 33000)
    out = tmp_path / "台账.xlsx"
    result = cli("export", "ledger", "-o", str(out), "-C", str(repo), "--as-of", "2024-06-30", "--today", TODAY)
    assert result.exit_code == 1 and "任务 r2-04 的整改进展有" in result.stderr and "超过 Excel 单元格能存的 32767 个字" in result.stderr
    assert not out.exists()
