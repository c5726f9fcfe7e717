"""`dufu import notice` refuses what it does not understand: line number, code, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TODAY
from test_import_notice import NOTICES, run_import, snapshot

SEED = (NOTICES / "sanming-2024-06-24.txt").read_text(encoding="utf-8")
LATER = (NOTICES / "sanming-2024-12-20.txt").read_text(encoding="utf-8")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _without_line(text: str, number: int) -> str:
    lines = _lines(text)
    del lines[number - 1]
    return "\n".join(lines)


def _truncated_block(text: str) -> str:
    lines = _lines(text)  # section 2 stops after 整改时限 (line 17); issuers and date follow
    return "\n".join(lines[:17] + lines[-4:])


BAD = {
    "missing label line": (lambda t: _without_line(t, 16), 16, "E502"),
    "truncated task block": (_truncated_block, 18, "E502"),
    "tally contradicts the listing": (lambda t: t.replace("已完成整改7项,剩余4项", "已完成整改8项,剩余3项"), 2, "E503"),
    "a round's own numbers do not add up": (lambda t: t.replace("任务11项中", "任务12项中"), 2, "E503"),
    "the first round's numbers do not add up": (
        lambda t: t.replace("任务17项,均已完成整改", "任务17项中,已完成整改16项,剩余2项正在推进"),
        2,
        "E503",
    ),
    "a count written with a leading zero": (lambda t: t.replace("已完成整改7项", "已完成整改07项"), 2, "E502"),
    "a cut-off written 月末": (lambda t: t.replace("截至2024年5月底", "截至2024年5月末"), 2, "E502"),
    "blank line inside": (lambda t: t.replace("\n二、", "\n\n二、"), 14, "E502"),
    "cut-off not as dufu writes it": (lambda t: t.replace("截至2024年5月底", "截至2024年05月31日"), 2, "E502"),
    "no summary sentence": (lambda t: t.replace("截至2024年5月底,", ""), 2, "E502"),
    "no date line": (lambda t: t.replace("2024年6月24日\n", "六月二十四日\n"), 48, "E502"),
    "measure numbering skips": (lambda t: t.replace("\n2.严格落实", "\n3.严格落实"), 10, "E502"),
    "a task listed twice": (lambda t: t.replace("四、保护区管控不力问题", "四、法治观念淡薄问题"), 35, "E503"),
    "a round of no tasks": (lambda t: t.replace("任务17项", "任务0项"), 2, "E502"),
    "year 0": (lambda t: t.replace("2024年5月底", "0000年5月底"), 2, "E502"),
    "a count of 5,000 digits": (lambda t: t.replace("任务17项", "任务" + "9" * 5000 + "项"), 2, "E502"),
    "a count in other digits": (lambda t: t.replace("任务17项", "任务١٧项"), 2, "E502"),
    "a contact line before the issuers": (
        lambda t: t.replace("\n中共三明市委", "\n欢迎社会各界监督,监督电话:0598-8888888。\n中共三明市委"),
        46,
        "E502",
    ),
    "an attachment line before the issuers": (lambda t: t.replace("\n中共三明市委", "\n附件:整改台账\n中共三明市委"), 46, "E502"),
    "a paragraph after a task's measures": (lambda t: t.replace("\n二、", "\n下一步,将持续推进整改。\n二、"), 14, "E502"),
    "tasks numbered from 二": (lambda t: t.replace("\n一、思想", "\n二、思想").replace("\n二、法治", "\n三、法治"), 3, "E502"),
    "a measure numbered with a full-width digit": (lambda t: t.replace("\n2.严格落实", "\n２.严格落实"), 10, "E502"),
    "measures numbered 1、": (lambda t: t.replace("\n1.深入学习", "\n1、深入学习"), 9, "E502"),
    "a cut-off that does not exist": (lambda t: t.replace("截至2024年5月底", "截至2024年13月底"), 2, "E502"),
    "a date that does not exist": (lambda t: t.replace("\n2024年6月24日", "\n2024年2月30日"), 48, "E502"),
    "wrong punctuation for the style": (
        lambda t: t.replace("牵头单位:市委办公室", "牵头单位：市委办公室", 1),
        4,
        "E502",
    ),
}


@pytest.fixture
def fresh(cli, tmp_path) -> Path:
    root = tmp_path / "city"
    assert cli("init", str(root)).exit_code == 0
    return root


def _refused(cli, root: Path, notice: Path, line: int, code: str) -> None:
    before = snapshot(root)
    result = run_import(cli, root, notice)
    assert result.exit_code == 1, result.output
    assert f"{notice.name}:{line}:1: {code}" in result.stderr, result.stderr
    assert "没有写入任何文件" in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_notice_not_understood_is_refused_with_its_line(cli, fresh, tmp_path, case):
    change, line, code = BAD[case]
    notice = tmp_path / "notice.txt"
    notice.write_text(change(SEED), encoding="utf-8")
    _refused(cli, fresh, notice, line, code)


def test_a_cut_off_not_written_as_dufu_writes_it_is_named_as_such(cli, fresh, tmp_path):
    # not "第二行应含汇总句": the summary is there, its date is not in the form dufu writes
    notice = tmp_path / "notice.txt"
    notice.write_text(SEED.replace("截至2024年5月底", "截至2024年5月末"), encoding="utf-8")
    assert "E502 截至日期“2024年5月末”无法原样重现:月末写作“X月底”" in run_import(cli, fresh, notice).stderr
    # a cut-off as dufu writes it, before a summary that is not: the summary is what is wrong
    notice.write_text(SEED.replace("均已完成整改", "已全部整改完毕"), encoding="utf-8")
    result = run_import(cli, fresh, notice).stderr
    assert "E502 汇总句“第一轮中央生态环境保护督察整改任务17项,已全部整改完毕”不是 dufu 公告的写法" in result
    assert "截至日期" not in result


def test_a_summary_in_another_form_is_quoted_with_the_forms_dufu_writes(cli, fresh, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(SEED.replace("剩余4项正在推进", "尚有4项正在推进"), encoding="utf-8")
    result = run_import(cli, fresh, notice).stderr
    assert "汇总句“第一轮中央生态环境保护督察整改任务17项,均已完成整改" not in result  # the one not read
    assert "已完成整改7项,尚有4项正在推进”不是 dufu 公告的写法" in result
    assert "“……整改任务N项中,已完成整改X项,基本完成Y项,剩余Z项正在推进。”" in result
    notice.write_text(SEED.replace("截至2024年5月底", "截止2024年5月底"), encoding="utf-8")
    assert "第二行应含汇总句(“截止”应为“截至”)" in run_import(cli, fresh, notice).stderr


def test_a_tally_that_does_not_add_up_is_named_with_its_numbers(cli, fresh, tmp_path):
    # not read as the end of the summary, which left the round out ("汇总句说各轮次任务均已完成")
    notice = tmp_path / "notice.txt"
    notice.write_text(SEED.replace("任务11项中", "任务12项中"), encoding="utf-8")
    result = run_import(cli, fresh, notice)
    assert "E503 汇总句说第二轮督察整改任务12项,但已完成7项加剩余4项是11项" in result.stderr, result.stderr


def test_a_later_notice_listing_more_than_it_leaves_open_says_so(cli, fresh, tmp_path):
    # as a first notice does; it said "已完成数比数据仓库中能对应的多 …"
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    notice = tmp_path / "later.txt"
    notice.write_text(LATER.replace("已完成整改7项,剩余4项", "已完成整改9项,剩余2项"), encoding="utf-8")
    before = snapshot(fresh)
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1 and snapshot(fresh) == before
    assert "later.txt:2:1: E503 第二轮督察剩余 2 项正在推进,但公告逐项列出了 4 项" in result.stderr


def test_a_reworded_title_in_a_later_notice_is_named_at_its_line_with_the_likeliest_task(cli, fresh, tmp_path):
    # it was a line-2 error about the round having no open tasks known only by count
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    notice = tmp_path / "later.txt"
    notice.write_text(LATER.replace("二、法治观念淡薄问题", "二、法治观念淡漠问题"), encoding="utf-8")
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1
    line = LATER.split("\n").index("二、法治观念淡薄问题") + 1
    assert f"later.txt:{line}:1: E503 “法治观念淡漠问题”与数据中这一轮次的任务都不同名" in result.stderr
    assert "最接近的是 r2-02“法治观念淡薄问题”" in result.stderr


def test_a_refusal_on_the_day_today_gives_names_it(cli, fresh, tmp_path):
    # the notices' reports are after 2024-01-01: errors on that day only (plain validate passes)
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    result = cli("import", "notice", str(NOTICES / "sanming-2024-12-20.txt"), "-C", str(fresh), "--today", "2024-01-01")
    assert result.exit_code == 1 and "(以 2024-01-01 为今天:dufu validate --today 2024-01-01)" in result.stderr


def test_bytes_in_no_known_encoding(cli, fresh, tmp_path):
    notice = tmp_path / "notice.txt"
    lines = SEED.encode("utf-8").split(b"\n")
    lines[2] = b"\x81\x20" + lines[2]
    notice.write_bytes(b"\n".join(lines))
    _refused(cli, fresh, notice, 3, "E501")


def test_a_rewritten_task_in_a_notice_older_than_the_data_is_refused(cli, fresh, tmp_path):
    assert run_import(cli, fresh, NOTICES / "sanming-2024-12-20.txt").exit_code == 0
    notice = tmp_path / "earlier.txt"
    earlier = (NOTICES / "sanming-2024-06-24.txt").read_text(encoding="utf-8")
    notice.write_text(earlier.replace("整改时限:立行立改、长期坚持", "整改时限:2025年12月底前", 1), encoding="utf-8")
    _refused(cli, fresh, notice, 2, "E505")  # its cut-off is before the data's latest notice


def test_a_later_notice_that_rewrites_a_task_records_an_adjustment(cli, fresh, tmp_path):
    """The notice of 2024-12-20 prints another deadline and lead units: both notices still
    render exactly, and diff names the adjustment."""
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    notice = tmp_path / "later.txt"
    changed = LATER.replace("整改时限:立行立改、长期坚持", "整改时限:2025年12月底前", 1)
    changed = changed.replace("牵头单位:市委办公室、市政府办公室", "牵头单位:市委办公室、市林业局", 1)
    notice.write_text(changed, encoding="utf-8")
    assert run_import(cli, fresh, notice).exit_code == 0
    task = (fresh / "data" / "tasks" / "r2-01.yaml").read_text(encoding="utf-8")
    assert "adjustments:\n  - on: 2024-11-30\n    lead_units: 市委办公室、市林业局\n    deadline: 2025年12月底前\n" in task
    assert "    reason: 2024年12月20日公告所载\nprogress:\n" in task
    for bulletin_id, text in (("2024-06-24", (NOTICES / "sanming-2024-06-24.txt").read_bytes()), ("2024-12-20", changed.encode())):
        rendered = cli("render", bulletin_id, "-C", str(fresh), "--today", TODAY)
        assert rendered.stdout_bytes == text
    record = json.loads(cli("diff", "2024-06-24", "2024-12-20", "-C", str(fresh), "--format", "json").stdout)
    fields = {t["id"]: t["fields"] for t in record["tasks"] if t["fields"]}
    assert fields == {"r2-01": [
        {"field": "deadline", "before": "立行立改、长期坚持", "after": "2025年12月底前"},
        {"field": "lead_units", "before": "市委办公室、市政府办公室", "after": "市委办公室、市林业局"},
    ]}
    assert run_import(cli, fresh, notice).exit_code == 0  # the same notice again changes nothing
    assert (fresh / "data" / "tasks" / "r2-01.yaml").read_text(encoding="utf-8") == task


def test_a_later_notice_with_another_round_total_is_refused(cli, fresh, tmp_path):
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    notice = tmp_path / "later.txt"
    notice.write_text(LATER.replace("整改任务11项中,已完成整改7项", "整改任务12项中,已完成整改8项"), encoding="utf-8")
    _refused(cli, fresh, notice, 2, "E505")


def test_done_grown_by_fewer_than_the_tasks_that_left_the_listing_is_refused(cli, fresh, tmp_path):
    assert run_import(cli, fresh, NOTICES / "jiangchuan-2025-04-08.txt").exit_code == 0
    later = (NOTICES / "jiangchuan-2025-10-15.txt").read_text(encoding="utf-8")
    notice = tmp_path / "later.txt"
    notice.write_text(later.replace("已完成整改5项，剩余10项", "已完成整改3项，剩余12项"), encoding="utf-8")
    _refused(cli, fresh, notice, 2, "E503")


def test_an_older_notice_after_a_newer_one_is_refused(cli, fresh):
    assert run_import(cli, fresh, NOTICES / "sanming-2024-12-20.txt").exit_code == 0
    _refused(cli, fresh, NOTICES / "sanming-2024-06-24.txt", 2, "E505")
    result = run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt")
    assert "已有截至 2024-11-30 的公告 2024-12-20,晚于这期的截至日期 2024-05-31:请按时间先后导入公告" in result.stderr


def test_an_older_notice_that_leaves_a_task_done_later_is_refused_as_out_of_order(cli, fresh, tmp_path):
    # it spliced a second completed_by into r2-03, refused as a duplicate key of the data file
    later = NOTICES / "qingshan-2025-06-12.txt"
    older = (NOTICES / "qingshan-2024-12-10.txt").read_text(encoding="utf-8")
    older = older.replace("截至2024年11月底", "截至2025年3月底").replace("\n2024年12月10日", "\n2025年4月10日")
    older = older.replace("已完成整改6项,剩余3项", "已完成整改7项,剩余2项")
    older = older[: older.index("三、")] + older[older.index("青山市人民政府\n") :]
    notice = tmp_path / "older.txt"
    notice.write_text(older, encoding="utf-8")
    assert run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt").exit_code == 0
    assert run_import(cli, fresh, later).exit_code == 0
    _refused(cli, fresh, notice, 2, "E505")


def test_a_notice_the_repository_template_cannot_reproduce(cli, fresh):
    (fresh / "templates").mkdir()
    packaged = Path(__import__("dufu").__file__).parent / "templates" / "bulletin.txt.j2"
    (fresh / "templates" / "bulletin.txt.j2").write_text(
        packaged.read_text(encoding="utf-8").replace("{{ notice.title }}\n", "{{ notice.title }}(公开)\n"),
        encoding="utf-8",
    )
    _refused(cli, fresh, NOTICES / "qingshan-2024-12-10.txt", 1, "E504")


def test_a_missing_file_is_refused(cli, fresh, tmp_path):
    before = snapshot(fresh)
    result = run_import(cli, fresh, tmp_path / "nowhere.txt")
    assert result.exit_code == 2 and "找不到公告文件" in result.stderr  # a missing path: a usage error
    assert snapshot(fresh) == before


def test_every_line_removed_is_refused_with_a_line_or_still_round_trips(fresh, tmp_path):
    """Whatever line is missing, the import either names a line or (dry run) passes its own
    byte-for-byte check; never an internal error, never a write."""
    from datetime import date

    from dufu.importer import import_notice_file
    from dufu.problems import InvalidData

    before = snapshot(fresh)
    outcomes = {"refused": 0, "imported": 0}
    for number in range(1, len(_lines(SEED))):
        notice = tmp_path / "notice.txt"
        notice.write_text(_without_line(SEED, number), encoding="utf-8")
        try:
            import_notice_file(fresh, notice, date(2026, 1, 1), dry_run=True)
            outcomes["imported"] += 1
        except InvalidData as exc:
            assert exc.problems and all(p.line >= 1 for p in exc.problems), number
            outcomes["refused"] += 1
    assert snapshot(fresh) == before
    assert outcomes["refused"] > 30 and outcomes["imported"] > 0  # e.g. an issuer or a whole measure removed


def test_what_stands_where_the_issuers_do_is_named_for_what_it_is(cli, fresh, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(SEED.replace("\n中共三明市委", "\n附件:整改台账\n中共三明市委"), encoding="utf-8")
    assert "它在发文机关的位置,却不像机关名称(含有“:”)" in run_import(cli, fresh, notice).stderr
    notice.write_text(SEED.replace("\n二、", "\n下一步,将持续推进整改。\n二、"), encoding="utf-8")
    assert "它在第 1 项的措施之后,却既不是下一条措施" in run_import(cli, fresh, notice).stderr
    notice.write_text(SEED.replace("\n一、思想", "\n二、思想").replace("\n二、法治", "\n三、法治"), encoding="utf-8")
    assert "任务编号应为“一、”(任务从“一、”起依次编号),而这里是“二、”" in run_import(cli, fresh, notice).stderr
    notice.write_text(SEED.replace("\n2.严格落实", "\n2、严格落实"), encoding="utf-8")
    assert "10:1: E502 措施编号应写作“2.”,而这里是“2、”" in run_import(cli, fresh, notice).stderr


def test_a_notice_indented_and_aligned_with_blanks_is_read_without_them(cli, fresh, tmp_path):
    """Text copied from a web page or a PDF: paragraphs indented with full-width spaces, the
    signature and date pushed right with spaces, blanks at line ends. The notice recorded is
    the text without them, and says so."""
    lines = SEED.rstrip("\n").split("\n")
    laid_out = ["\u3000\u3000" + line for line in lines[:-3]] + [" " * 30 + line + " \t" for line in lines[-3:]]
    notice = tmp_path / "notice.txt"
    notice.write_text("\n".join(laid_out) + "\n", encoding="utf-8")
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert "公告有 48 行行首或行尾有空白" in result.stderr
    rendered = cli("render", "2024-06-24", "-C", str(fresh), "--today", TODAY)
    assert rendered.stdout_bytes == SEED.encode("utf-8")


def test_a_day_no_calendar_has_is_said_not_to_exist(cli, fresh, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text(SEED.replace("截至2024年5月底", "截至2024年2月30日"), encoding="utf-8")
    assert "E502 截至日期“2024年2月30日”不存在" in run_import(cli, fresh, notice).stderr
    notice.write_text(SEED.replace("截至2024年5月底", "截至2024年13月底"), encoding="utf-8")
    assert "E502 截至日期“2024年13月底”不存在" in run_import(cli, fresh, notice).stderr
    notice.write_text(SEED.replace("\n2024年6月24日", "\n2024年2月30日"), encoding="utf-8")
    assert "E502 成文日期“2024年2月30日”不存在" in run_import(cli, fresh, notice).stderr


def test_a_deadline_a_later_notice_rewrites_unreadably_is_named_at_its_line_of_the_notice(cli, fresh, tmp_path):
    # it was E320 at a line of the task file the adjustment would have been written to
    text = (NOTICES / "qingshan-2024-12-10.txt").read_text(encoding="utf-8")
    later = text.replace("截至2024年11月底", "截至2025年1月底").replace("\n2024年12月10日", "\n2025年2月10日")
    later = later.replace("\n整改时限:2025年底前\n", "\n整改时限:2025年13月底前\n")
    line = later.split("\n").index("整改时限:2025年13月底前") + 1
    notice = tmp_path / "later.txt"
    notice.write_text(later, encoding="utf-8")
    assert run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt").exit_code == 0
    _refused(cli, fresh, notice, line, "E502")


INTRO = "现将三明市第二轮中央生态环境保护督察正在整改任务进展情况公开如下:"


@pytest.mark.parametrize(
    ("old", "new", "quoted"),
    [
        # joined to the intro by a comma: kept as the intro, the round left out
        ("剩余4项正在推进。现将", "剩余4项正在推进。第三轮督察整改任务5项中,已完成整改2项,剩余3项正在推进,现将",
         "第三轮督察整改任务5项中,已完成整改2项,剩余3项正在推进,现将"),
        # where the intro should be (no intro at all), a tally without its 。
        ("剩余4项正在推进。" + INTRO, "剩余4项正在推进。第三轮督察整改任务10项中,已完成整改3项,剩余7项正在推进",
         "第三轮督察整改任务10项中,已完成整改3项,剩余7项正在推进”"),
        # in the intro's own sentence, without 现将
        (INTRO, "第三轮督察整改任务6项,已完成4项,第二轮督察剩余任务进展情况公开如下:",
         "第三轮督察整改任务6项,已完成4项,第二轮督察剩余任务进展情况公开如下:”"),
    ],
)
def test_a_round_tally_where_the_intro_should_be_is_not_taken_for_the_intro(cli, fresh, tmp_path, old, new, quoted):
    notice = tmp_path / "notice.txt"
    notice.write_text(SEED.replace(old, new), encoding="utf-8")
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1 and f"汇总句“{quoted}" in result.stderr, result.stderr


def test_tasks_grouped_under_categories_are_named_as_such(cli, fresh, tmp_path):
    # it said 应为“牵头单位:……”, taking the category for a task
    grouped = SEED.replace("一、思想认识不够到位问题\n", "一、思想认识方面\n(一)思想认识不够到位问题\n", 1)
    notice = tmp_path / "notice.txt"
    notice.write_text(grouped, encoding="utf-8")
    _refused(cli, fresh, notice, 4, "E502")
    said = run_import(cli, fresh, notice).stderr
    assert "“思想认识方面”之后是“(一)思想认识不够到位问题”:这期公告把任务分在类别之下" in said, said


def test_an_empty_notice_is_refused_without_a_line_zero(cli, fresh, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text("", encoding="utf-8")
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1 and "公告太短" in result.stderr and "第 0 行" not in result.stderr, result.stderr
