"""`dufu import notice`: published notices into a fresh repository, rendered back byte for byte."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dufu.validate import load_valid

NOTICES = Path(__file__).resolve().parent / "fixtures" / "notices"
TODAY = "2026-01-01"
# fixture -> (bulletin id, warnings a faithful import keeps: the seed has a stray space)
SINGLE = {
    "sanming-2024-06-24.txt": ("2024-06-24", 1),
    "sanming-2024-06-24-fullwidth.txt": ("2024-06-24", 1),
    "jiangchuan-2025-04-08.txt": ("2025-04-08", 0),
    "qingshan-2024-12-10.txt": ("2024-12-10", 0),
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def fresh(cli, tmp_path) -> Path:
    root = tmp_path / "city"
    assert cli("init", str(root)).exit_code == 0
    return root


def run_import(cli, root: Path, notice: Path, *extra: str):
    return cli("import", "notice", str(notice), "-C", str(root), "--today", TODAY, *extra)


def render(cli, root: Path, bulletin_id: str) -> bytes:
    result = cli("render", bulletin_id, "-C", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_a_notice_imported_into_a_fresh_repository_renders_back_byte_for_byte(cli, fresh, name):
    bulletin_id, warnings = SINGLE[name]
    result = run_import(cli, fresh, NOTICES / name)
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, bulletin_id) == (NOTICES / name).read_bytes()
    checked = cli("validate", "-C", str(fresh), "--today", TODAY, "--format", "json")
    problems = json.loads(checked.stdout)["problems"]
    assert [p["code"] for p in problems] == ["W402"] * warnings


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_status_at_the_cutoff_shows_the_published_totals(cli, fresh, name):
    run_import(cli, fresh, NOTICES / name)
    data = load_valid(fresh, date.fromisoformat(TODAY))
    bulletin = data.bulletins[SINGLE[name][0]]
    status = json.loads(cli("status", "-C", str(fresh), "--as-of", str(bulletin.as_of), "--format", "json").stdout)
    shown = {r["id"]: (r["total"], r["done"]) for r in status["rounds"]}
    published = {rid: (t.total, t.done) for rid, t in bulletin.totals.items()}
    assert shown == published and len(published) == len(bulletin.summary_rounds)


def test_a_notice_is_imported_into_a_round_whose_file_states_its_total_first(cli, fresh):
    # E350 until the round's tasks are in: the import that brings them may start from it
    (fresh / "data/rounds/r2.yaml").write_text(
        "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\ntotal: 11\n", encoding="utf-8"
    )
    result = run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt")
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, "2024-06-24") == (NOTICES / "sanming-2024-06-24.txt").read_bytes()
    assert cli("validate", "-C", str(fresh), "--today", TODAY).exit_code == 0


def test_listed_tasks_not_yet_entered_fill_the_round_total_its_file_states(cli, fresh):
    # r2 states 11 tasks and counts its 7 done ones: the 4 the notice lists are the 4 not entered
    (fresh / "data/rounds/r2.yaml").write_text(
        "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\ntotal: 11\n"
        "counted:\n  - status: 已完成\n    count: 7\n    note: 已完成整改,未逐项录入本台账\n",
        encoding="utf-8",
    )
    result = run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt")
    assert result.exit_code == 0, result.output
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert sorted(data.tasks) == ["r2-01", "r2-02", "r2-03", "r2-04"] and data.shortfall("r2") == 0
    assert render(cli, fresh, "2024-06-24") == (NOTICES / "sanming-2024-06-24.txt").read_bytes()


def test_listed_tasks_beyond_a_round_total_are_refused(cli, fresh):
    # r2 states 11 and counts 8 done: 3 not entered leave no room for the notice's fourth task
    (fresh / "data/rounds/r2.yaml").write_text(
        "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\ntotal: 11\n"
        "counted:\n  - status: 已完成\n    count: 8\n    note: 已完成整改,未逐项录入本台账\n",
        encoding="utf-8",
    )
    before = snapshot(fresh)
    result = run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt")
    assert result.exit_code != 0 and snapshot(fresh) == before
    assert "列出了第二轮督察的 4 项新任务,而数据中该轮次只有 3 项尚未录入、0 项只知数量" in result.output


def test_the_same_notice_twice_changes_nothing(cli, fresh):
    assert run_import(cli, fresh, NOTICES / "jiangchuan-2025-04-08.txt").exit_code == 0
    before = snapshot(fresh)
    again = run_import(cli, fresh, NOTICES / "jiangchuan-2025-04-08.txt")
    assert again.exit_code == 0 and again.stdout == "" and "没有修改" in again.stderr
    assert snapshot(fresh) == before


def test_dry_run_shows_the_files_and_writes_nothing(cli, fresh):
    before = snapshot(fresh)
    result = run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt", "--dry-run")
    assert result.exit_code == 0
    assert "+++ b/data/bulletins/2024-12-10.yaml" in result.stdout and "+++ b/data/units.yaml" in result.stdout
    assert snapshot(fresh) == before


def test_units_are_registered_once_with_the_shared_prefix(cli, fresh):
    run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt")
    run_import(cli, fresh, NOTICES / "sanming-2024-12-20.txt")
    units = (fresh / "data" / "units.yaml").read_text(encoding="utf-8")
    names = [line.split(": ", 1)[1] for line in units.splitlines() if line.startswith("  - name: ")]
    assert len(names) == len(set(names))
    assert "市生态环境局" in names and "市林业局" in names and "林业局" not in names
    assert units.startswith("# yaml-language-server: $schema=../schemas/units.schema.json\n")
    assert units.endswith("\n") and "\n\n" not in units


def test_a_three_character_prefix_is_shared_too(cli, fresh):
    run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt")
    units = (fresh / "data" / "units.yaml").read_text(encoding="utf-8")
    assert "  - name: 青山市生态环境局\n" in units and "  - name: 青山市自然资源局\n" in units


def test_two_notices_half_a_year_apart_give_one_task_set_with_two_reports(cli, fresh):
    first, second = NOTICES / "sanming-2024-06-24.txt", NOTICES / "sanming-2024-12-20.txt"
    assert run_import(cli, fresh, first).exit_code == 0
    tasks_before = sorted(p.name for p in (fresh / "data" / "tasks").glob("*.yaml"))
    result = run_import(cli, fresh, second)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (fresh / "data" / "tasks").glob("*.yaml")) == tasks_before
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert len(data.tasks) == 4
    assert all([str(r.as_of) for r in t.progress] == ["2024-05-31", "2024-11-30"] for t in data.tasks.values())
    assert render(cli, fresh, "2024-06-24") == first.read_bytes()
    assert render(cli, fresh, "2024-12-20") == second.read_bytes()


def test_a_task_that_left_the_listing_is_done_on_or_before_the_cutoff(cli, fresh):
    first, second = NOTICES / "jiangchuan-2025-04-08.txt", NOTICES / "jiangchuan-2025-10-15.txt"
    run_import(cli, fresh, first)
    task_file = (fresh / "data" / "tasks" / "r3-03.yaml").read_text(encoding="utf-8")
    assert run_import(cli, fresh, second).exit_code == 0
    edited = (fresh / "data" / "tasks" / "r3-03.yaml").read_text(encoding="utf-8")
    # only the status line changes and completed_by is added: every other byte stays
    assert edited == task_file.replace("status: 正在推进\n", "status: 已完成\ncompleted_by: 2025-09-30\n")
    data = load_valid(fresh, date.fromisoformat(TODAY))
    task = data.tasks["r3-03"]
    assert task.completed_on is None and task.status_at(data.bulletins["2025-04-08"].as_of) == "正在推进"
    assert task.status_at(data.bulletins["2025-10-15"].as_of) == "已完成"
    assert render(cli, fresh, "2025-04-08") == first.read_bytes()
    assert render(cli, fresh, "2025-10-15") == second.read_bytes()
    assert cli("validate", "-C", str(fresh), "--strict", "--today", TODAY).exit_code == 0


def _variant(name: str, encoding: str, crlf: bool, footer: str) -> bytes:
    text = (NOTICES / name).read_text(encoding="utf-8") + footer
    if crlf:
        text = text.replace("\n", "\r\n")
    return text.encode(encoding)


@pytest.mark.parametrize(
    "name, encoding, crlf, footer",
    [
        ("sanming-2024-06-24.txt", "utf-8-sig", False, ""),
        ("sanming-2024-06-24.txt", "gb18030", False, ""),
        ("qingshan-2024-12-10.txt", "gbk", True, ""),  # the seed's • has no GBK code
        ("jiangchuan-2025-04-08.txt", "gb18030", False, "\n扫一扫在手机上查看当前页面\n"),
        ("sanming-2024-06-24.txt", "utf-8", True, "\n\n扫一扫在手机上查看当前页面\n【打印】【关闭】\n\n"),
        ("sanming-2024-06-24.txt", "utf-8", False, "\n   \n"),
    ],
)
def test_input_as_people_have_it(cli, fresh, tmp_path, name, encoding, crlf, footer):
    notice = tmp_path / "notice.txt"
    notice.write_bytes(_variant(name, encoding, crlf, footer))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, SINGLE[name][0]) == (NOTICES / name).read_bytes()


def test_a_hand_made_repository_is_matched_not_duplicated(cli, repo):
    """The shipped repository was typed by hand; its own notice imports as no change, and a
    later notice adds one report per task to the same files."""
    before = snapshot(repo)
    again = run_import(cli, repo, NOTICES / "sanming-2024-06-24.txt")
    assert again.exit_code == 0 and again.stdout == ""
    assert snapshot(repo) == before
    assert run_import(cli, repo, NOTICES / "sanming-2024-12-20.txt").exit_code == 0
    assert sorted(snapshot(repo)) == sorted([*before, "data/bulletins/2024-12-20.yaml"])
    assert render(cli, repo, "2024-06-24") == (NOTICES / "sanming-2024-06-24.txt").read_bytes()
    assert render(cli, repo, "2024-12-20") == (NOTICES / "sanming-2024-12-20.txt").read_bytes()


def test_tasks_that_left_the_listing_while_done_did_not_grow_stay_open(cli, fresh, tmp_path):
    later = (NOTICES / "jiangchuan-2025-10-15.txt").read_text(encoding="utf-8")
    notice = tmp_path / "later.txt"
    notice.write_text(later.replace("已完成整改5项，剩余10项", "已完成整改2项，剩余13项"), encoding="utf-8")
    run_import(cli, fresh, NOTICES / "jiangchuan-2025-04-08.txt")
    assert run_import(cli, fresh, notice).exit_code == 0
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert data.tasks["r3-03"].completed_by is None and data.tasks["r3-03"].status_at(date(2025, 9, 30)) == "正在推进"
    assert render(cli, fresh, "2025-10-15") == notice.read_bytes()


def test_a_task_listed_for_the_first_time_takes_a_counted_open_task(cli, fresh, tmp_path):
    """The first notice tallies 13 open tasks and lists 12; a later one lists the 13th too."""
    first = NOTICES / "jiangchuan-2025-04-08.txt"
    extra = (
        "十三、工业固体废物堆存不规范问题\n牵头单位：市生态环境局\n责任单位：市工业和信息化局，各县（市、区）人民政府\n"
        "整改时限：2025年12月底前\n整改目标：工业固体废物规范贮存。\n整改进展：\n1.开展排查。已排查企业45家。\n"
    )
    text = first.read_text(encoding="utf-8").replace("截至2025年3月20日", "截至2025年4月底")
    notice = tmp_path / "later.txt"
    notice.write_text(
        text.replace("2025年4月8日\n", "2025年5月12日\n").replace("中共江川市委\n", extra + "中共江川市委\n"),
        encoding="utf-8",
    )
    run_import(cli, fresh, first)
    assert run_import(cli, fresh, notice).exit_code == 0
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert [g.status for g in data.rounds["r3"].counted] == ["已完成"] and len(data.tasks) == 13
    assert render(cli, fresh, "2025-04-08") == first.read_bytes()
    assert render(cli, fresh, "2025-05-12") == notice.read_bytes()


QINGSHAN = (NOTICES / "qingshan-2024-12-10.txt").read_text(encoding="utf-8")
QINGSHAN_SUMMARY = "第二轮中央生态环境保护督察整改任务9项中,已完成整改6项,剩余3项正在推进。现将正在推进的"


TWO_OPEN_ROUNDS = (  # r2 and r3 both open; the intro names neither
    "第二轮中央生态环境保护督察整改任务9项中,已完成整改6项,剩余3项正在推进。"
    "第三轮督察整改任务12项中,已完成整改1项,剩余11项正在推进。现将正在推进的"
)


def _written(tmp_path: Path, text: str) -> Path:
    notice = tmp_path / "notice.txt"
    notice.write_text(text, encoding="utf-8")
    return notice


def _listed_round(root: Path, bulletin_id: str) -> str:
    return load_valid(root, date.fromisoformat(TODAY)).bulletins[bulletin_id].listing.round


def test_the_round_the_intro_names_by_its_short_name_is_the_one_listed(cli, fresh, tmp_path):
    # r3 is open too (and last): the intro's 第二轮督察 says the tasks listed are r2's
    summary = (
        "第二轮中央生态环境保护督察整改任务9项中,已完成整改6项,剩余3项正在推进。"
        "第三轮督察整改任务12项中,已完成整改1项,剩余11项正在推进。现将第二轮督察正在推进的"
    )
    notice = _written(tmp_path, QINGSHAN.replace(QINGSHAN_SUMMARY, summary))
    assert run_import(cli, fresh, notice).exit_code == 0
    assert _listed_round(fresh, "2024-12-10") == "r2" and render(cli, fresh, "2024-12-10") == notice.read_bytes()


@pytest.mark.parametrize(
    ("summary", "names"),
    [
        # the intro writes r1's full name too, inside the 回头看's: the longer name is the one meant
        ("第一轮中央生态环境保护督察整改任务40项,均已完成整改。第一轮督察“回头看”整改任务9项中,已完成整改6项,剩余3项正在推进。"
         "现将第一轮中央生态环境保护督察“回头看”正在推进的", ("第一轮中央生态环境保护督察“回头看”", "第一轮督察“回头看”")),
        # a provincial one's name was taken as written (第二轮省级督察“回头看”), so the intro's
        # full words named the round before it: the tasks went there, or (its open count
        # another) were refused
        *(("第二轮省级生态环境保护督察整改任务26项中,已完成整改{}项,剩余{}项正在推进。".format(26 - n, n)
           + "第二轮省级督察“回头看”整改任务9项中,已完成整改6项,剩余3项正在推进。现将第二轮省级生态环境保护督察“回头看”正在推进的",
           ("第二轮省级生态环境保护督察“回头看”", "第二轮省级督察“回头看”")) for n in (4, 3)),
    ],
)  # fmt: skip
def test_a_huitoukan_round_named_in_full_in_the_intro_is_the_one_listed(cli, fresh, tmp_path, summary, names):
    notice = _written(tmp_path, QINGSHAN.replace(QINGSHAN_SUMMARY, summary))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    data = load_valid(fresh, date.fromisoformat(TODAY))
    listed = data.rounds[data.bulletins["2024-12-10"].listing.round]
    assert (listed.name, listed.short_name) == names
    assert render(cli, fresh, "2024-12-10") == notice.read_bytes()


def test_a_known_round_written_where_dufu_writes_its_other_name_is_refused_not_duplicated(cli, fresh, tmp_path):
    later = (NOTICES / "sanming-2024-12-20.txt").read_text(encoding="utf-8")
    first_round = "第一轮中央生态环境保护督察整改任务17项,均已完成整改。第二轮督察"
    notice = _written(tmp_path, later.replace(first_round, "第二轮督察"))
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    before = snapshot(fresh)
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1 and snapshot(fresh) == before
    assert "“第二轮督察”是数据中的轮次 r2,而 dufu 的公告在这个位置写它的全称“第二轮中央生态环境保护督察”" in result.stderr


def test_the_open_tasks_of_a_round_the_summary_calls_all_done_are_done_by_the_cutoff(cli, fresh, tmp_path):
    """The first notice lists r2's three open tasks; the next says r2 is all done and lists r3's."""
    later = NOTICES / "qingshan-2025-06-12.txt"
    run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt")
    assert run_import(cli, fresh, later).exit_code == 0
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert {t.completed_by for t in data.tasks_of("r2")} == {date(2025, 5, 31)}
    assert render(cli, fresh, "2025-06-12") == later.read_bytes()
    assert render(cli, fresh, "2024-12-10") == (NOTICES / "qingshan-2024-12-10.txt").read_bytes()
    # done grown by one of three: which is not said, so the import is refused, naming them
    partial = later.read_text(encoding="utf-8").replace("整改任务9项,均已完成整改", "整改任务9项中,已完成整改7项,剩余2项正在推进")
    root = tmp_path / "again"
    cli("init", str(root))
    run_import(cli, root, NOTICES / "qingshan-2024-12-10.txt")
    result = run_import(cli, root, _written(tmp_path, partial))
    assert result.exit_code == 1 and "无法判断其中未完成的 r2-01、r2-02、r2-03 哪些已完成" in result.stderr


def test_when_the_intro_names_no_round_and_two_could_be_listed_round_says_which(cli, fresh, tmp_path):
    # both r2 (3 open) and r3 (11 open) could hold the three tasks listed: it was the last, a guess
    summary = TWO_OPEN_ROUNDS
    notice = _written(tmp_path, QINGSHAN.replace(QINGSHAN_SUMMARY, summary))
    before = snapshot(fresh)
    refused = run_import(cli, fresh, notice)
    assert refused.exit_code == 1 and snapshot(fresh) == before
    assert "引言没有写明列出的是哪一轮次的任务,而第二轮中央生态环境保护督察、第三轮督察都可能是" in refused.stderr
    assert "--round" in refused.stderr
    assert "不是汇总句中的轮次" in run_import(cli, fresh, notice, "--round", "r9").stderr
    assert run_import(cli, fresh, notice, "--round", "第二轮中央生态环境保护督察").exit_code == 0
    assert _listed_round(fresh, "2024-12-10") == "r2" and render(cli, fresh, "2024-12-10") == notice.read_bytes()


def test_when_the_intro_names_no_round_the_one_holding_a_listed_task_is_listed(cli, fresh, tmp_path):
    summary = TWO_OPEN_ROUNDS
    first = _written(tmp_path, QINGSHAN.replace(QINGSHAN_SUMMARY, summary))
    assert run_import(cli, fresh, first, "--round", "r2").exit_code == 0
    later = tmp_path / "later.txt"
    later.write_text(first.read_text(encoding="utf-8").replace("2024年12月10日", "2024年12月11日"), encoding="utf-8")
    assert run_import(cli, fresh, later).exit_code == 0  # its tasks are r2's: no --round needed
    assert _listed_round(fresh, "2024-12-11") == "r2"


def test_a_provincial_round_published_the_same_day_is_a_round_and_a_notice_of_its_own(cli, fresh, tmp_path):
    # 第二轮省级… was taken for the central 第二轮督察 (same ordinal), and a second notice of a
    # day was refused as "another notice with this id"
    provincial = _written(tmp_path, QINGSHAN.replace("中央", "省级"))
    assert run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt").exit_code == 0
    result = run_import(cli, fresh, provincial)
    assert result.exit_code == 0, result.output
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert sorted((r.id, r.name, r.short_name) for r in data.rounds.values()) == [
        ("r2", "第二轮中央生态环境保护督察", "第二轮督察"),
        ("r2x", "第二轮省级生态环境保护督察", "第二轮省级生态环境保护督察"),
    ]
    assert render(cli, fresh, "2024-12-10-2") == provincial.read_bytes()
    assert render(cli, fresh, "2024-12-10") == (NOTICES / "qingshan-2024-12-10.txt").read_bytes()
    again = run_import(cli, fresh, provincial)
    assert again.exit_code == 0 and "没有修改" in again.stderr


def test_an_intro_that_counts_the_tasks_it_lists_is_an_intro(cli, fresh, tmp_path):
    # "整改任务11项" in it was taken for a round's tally written in another form
    intro = "现将三明市第二轮中央生态环境保护督察正在整改任务进展情况公开如下:"
    counted = "现将第二轮督察整改任务11项中尚未完成的4项整改任务进展情况公开如下:"
    seed = (NOTICES / "sanming-2024-06-24.txt").read_text(encoding="utf-8")
    notice = _written(tmp_path, seed.replace(intro, counted))
    assert run_import(cli, fresh, notice).exit_code == 0
    assert render(cli, fresh, "2024-06-24") == notice.read_bytes()


def test_a_round_after_a_huitoukan_written_first_is_not_named_a_huitoukan(cli, fresh, tmp_path):
    summary = (
        "第一轮中央生态环境保护督察“回头看”整改任务40项,均已完成整改。第二轮督察整改任务9项中,已完成整改6项,"
        "剩余3项正在推进。现将正在推进的"
    )
    notice = _written(tmp_path, QINGSHAN.replace(QINGSHAN_SUMMARY, summary))
    assert run_import(cli, fresh, notice).exit_code == 0
    data = load_valid(fresh, date.fromisoformat(TODAY))
    names = sorted((r.name, r.short_name) for r in data.rounds.values())
    assert names == [
        ("第一轮中央生态环境保护督察“回头看”", "第一轮督察“回头看”"),
        ("第二轮中央生态环境保护督察", "第二轮督察"),
    ]
    assert render(cli, fresh, "2024-12-10") == notice.read_bytes()


def test_a_round_given_against_the_one_the_intro_names_is_refused(cli, fresh, tmp_path):
    result = run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt", "--round", "r1")
    assert result.exit_code == 1 and "引言写明列出的是r2的任务,而 --round 给出的是 r1" in result.stderr
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt", "--round", "第二轮督察").exit_code == 0


def test_a_cut_off_at_a_month_end_written_as_its_day_is_kept_as_written(cli, fresh, tmp_path):
    # 截至2024年11月30日 was refused: dufu wrote a month's last day only as 11月底
    notice = _written(tmp_path, QINGSHAN.replace("截至2024年11月底", "截至2024年11月30日"))
    assert run_import(cli, fresh, notice).exit_code == 0
    assert "month_end: 日\n" in (fresh / "data/bulletins/2024-12-10.yaml").read_text(encoding="utf-8")
    assert render(cli, fresh, "2024-12-10") == notice.read_bytes()
    draft = cli("render", "--as-of", "2024-12-31", "-C", str(fresh), "--today", TODAY)
    assert "截至2024年12月31日," in draft.stdout  # the next notice writes it the same way
    made = cli("bulletin", "new", "--as-of", "2024-12-31", "--date", "2025-01-10", "-C", str(fresh), "--today", TODAY)
    assert made.exit_code == 0 and "month_end: 日\n" in (fresh / "data/bulletins/2025-01-10.yaml").read_text(encoding="utf-8")


def test_a_provincial_round_imported_first_does_not_take_the_central_ones_short_name(cli, fresh, tmp_path):
    # its short name was guessed 第二轮督察: a central notice's 第二轮督察 then matched it
    provincial = _written(tmp_path, QINGSHAN.replace("中央", "省级"))
    assert run_import(cli, fresh, provincial).exit_code == 0
    central = (NOTICES / "sanming-2024-12-20.txt").read_text(encoding="utf-8").replace("三明", "青山")
    assert run_import(cli, fresh, _written(tmp_path, central)).exit_code == 0
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert sorted((r.id, r.short_name) for r in data.rounds.values()) == [
        ("r1", "第一轮督察"), ("r2", "第二轮省级生态环境保护督察"), ("r2x", "第二轮督察")
    ]
    assert {t.round for t in data.tasks.values() if "法治观念" in t.title} == {"r2x"}


def test_a_known_round_written_without_its_level_word_is_refused_not_made_a_new_round(cli, fresh, tmp_path):
    # 第二轮生态环境保护督察 for 第二轮中央生态环境保护督察: a new round r2x kept r2's tasks open for good
    assert run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt").exit_code == 0
    later = (NOTICES / "qingshan-2025-06-12.txt").read_text(encoding="utf-8").replace("第二轮中央生态", "第二轮生态")
    result = run_import(cli, fresh, _written(tmp_path, later))
    assert result.exit_code == 1 and "汇总句中的“第二轮生态环境保护督察”是数据中的轮次 r2" in result.stderr


def test_an_older_notice_of_other_rounds_is_not_out_of_order(cli, fresh, tmp_path):
    # a provincial notice cut off before the central one imported: they share no round
    assert run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt").exit_code == 0
    provincial = QINGSHAN.replace("中央", "省级").replace("截至2024年11月底", "截至2024年10月底")
    provincial = provincial.replace("\n2024年12月10日", "\n2024年11月10日")
    notice = _written(tmp_path, provincial)
    assert run_import(cli, fresh, notice).exit_code == 0
    assert render(cli, fresh, "2024-11-10") == notice.read_bytes()


SANMING = (NOTICES / "sanming-2024-06-24.txt").read_text(encoding="utf-8")
SANMING_ROUNDS = "第一轮中央生态环境保护督察整改任务17项,均已完成整改。第二轮督察整改任务11项中,已完成整改7项,剩余4项正在推进。"


@pytest.mark.parametrize(
    "intro",
    [
        "现公开第二轮督察剩余整改任务4项进展情况如下:",
        "现就第二轮督察整改任务4项进展情况公示如下:",
        "其中正在推进的整改任务4项进展情况公开如下:",
        "第二轮督察未完成的整改任务4项进展情况如下:",
        "现将第二轮督察整改任务11项中,正在推进的4项进展情况公开如下:",
        "现将第二轮督察反馈的11个问题中,剩余4个问题整改进展情况公开如下:",
        "下一步将持续推进整改。现将第二轮督察正在整改任务进展情况公开如下:",  # prose before it, no count
        "现将第二轮督察剩余2项整改任务进展情况公布如下。",  # no colon
        "按照“一个问题、一套方案”要求推进。现将整改任务进展情况公开如下:",  # 一个: no count of tasks
        "今年以来,全市累计实施整改项目45个。现将整改任务进展情况公开如下:",  # a count, of no round
    ],
)
def test_an_intro_in_other_words_that_counts_its_tasks_is_an_intro(cli, fresh, tmp_path, intro):
    # refused as a round tally written in another form: only intros starting 现将 were let through
    notice = _written(tmp_path, SANMING.replace("现将三明市第二轮中央生态环境保护督察正在整改任务进展情况公开如下:", intro))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, "2024-06-24") == notice.read_bytes()


@pytest.mark.parametrize(
    "tally",
    [
        "第三轮督察反馈问题10个,已完成整改3个,剩余7个正在推进。",
        "第三轮督察整改任务15项,目前已完成整改11项,剩余4项正在推进。",
        "第三轮督察整改任务15项,11项已完成整改,4项正在推进。",
        "第三轮督察整改任务已完成两项,其余正在推进。",
        "第三轮督察整改任务均已完成。",
    ],
)
def test_a_round_tally_in_another_wording_is_not_kept_as_the_intro(cli, fresh, tmp_path, tally):
    notice = _written(tmp_path, SANMING.replace(SANMING_ROUNDS, SANMING_ROUNDS + tally))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1 and f"汇总句“{tally[:-1]}”不是 dufu 公告的写法" in result.stderr, result.stderr


def test_a_round_tallied_in_other_words_than_the_rounds_before_it_is_named(cli, fresh, tmp_path):
    tally = "第三轮督察整改任务共10项,已完成整改3项,剩余7项正在推进。"  # 共10项 after 11项中
    result = run_import(cli, fresh, _written(tmp_path, SANMING.replace(SANMING_ROUNDS, SANMING_ROUNDS + tally)))
    assert result.exit_code == 1 and f"汇总句“{tally}”与前面的轮次用词不同" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("11项中,已完成整改7项,剩余4项", "共11项,已完成7项,其余4项"),  # DOMAIN.md's words
        ("11项中,已完成整改7项,剩余4项", "11项,已完成整改7项,其余4项"),
        ("17项,均已完成整改", "共17项,已全部完成整改"),
    ],
)
def test_a_summary_in_other_words_imports_renders_back_and_carries_over(cli, fresh, tmp_path, old, new):
    words = SANMING.replace(old, new, 1)
    if "共11项" in new:
        words = words.replace("17项,均已完成整改", "共17项,均已完成整改", 1)  # one way for all rounds
    if "共17项" in new:
        words = words.replace("11项中,已完成整改7项", "共11项,已完成整改7项", 1)
    notice = _written(tmp_path, words)
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, "2024-06-24") == notice.read_bytes()
    made = cli("bulletin", "new", "--as-of", "2024-07-31", "--date", "2024-08-10", "-C", str(fresh), "--today", TODAY)
    assert made.exit_code == 0, made.output
    later = render(cli, fresh, "2024-08-10").decode("utf-8").split("\n")[1]
    summary = words.split("\n")[1]
    assert later[later.index("第一轮") : later.index("现将")] == summary[summary.index("第一轮") : summary.index("现将")]
    note = cli("diff", "2024-06-24", "2024-08-10", "--format", "text", "-C", str(fresh)).stdout
    assert ("其余4项正在推进" in note) == ("其余" in new), note  # the cover note in the notice's words


def test_a_second_round_after_a_provincial_first_round_is_the_provinces(cli, fresh, tmp_path):
    # 第二轮督察 after 第一轮省级… took the central round's short name and tasks
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    provincial = SANMING.replace("第一轮中央生态环境保护督察整改任务17项", "第一轮省级生态环境保护督察整改任务10项")
    provincial = provincial.replace("截至2024年5月底", "截至2024年11月底").replace("\n2024年6月24日", "\n2024年12月10日")
    provincial = provincial.replace("法治观念淡薄问题", "省级问题甲").replace("思想认识不够到位问题", "省级问题乙")
    provincial = provincial.replace("突出生态环境问题重视不够问题", "省级问题丙").replace("保护区管控不力问题", "省级问题丁")
    provincial = provincial.replace("现将三明市第二轮中央生态环境保护督察", "现将三明市第二轮省级生态环境保护督察")
    notice = _written(tmp_path, provincial)
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert {t.round for t in data.tasks.values() if t.title.startswith("省级问题")} == {"r2x"}
    assert data.rounds["r2x"].name == "第二轮省级生态环境保护督察" and data.rounds["r2x"].short_name == "第二轮督察"
    assert render(cli, fresh, "2024-12-10") == notice.read_bytes()
    assert render(cli, fresh, "2024-06-24") == (NOTICES / "sanming-2024-06-24.txt").read_bytes()


def test_a_known_round_written_another_way_after_the_first_is_refused_too(cli, fresh, tmp_path):
    # 第二轮生态环境保护督察 in the second place made r2x, copies of r2's tasks
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    later = (NOTICES / "sanming-2024-12-20.txt").read_text(encoding="utf-8").replace("第二轮督察整改任务", "第二轮生态环境保护督察整改任务")
    result = run_import(cli, fresh, _written(tmp_path, later))
    assert result.exit_code == 1 and "汇总句中的“第二轮生态环境保护督察”是数据中的轮次 r2" in result.stderr, result.stderr


def test_a_bingtuan_round_is_not_the_central_one(cli, fresh, tmp_path):
    # 兵团 has no 省/市/县 in it: it was taken for the central round
    bingtuan = QINGSHAN.replace("第二轮中央生态环境保护督察整改任务9项中", "第二轮兵团生态环境保护督察整改任务9项中")
    assert run_import(cli, fresh, _written(tmp_path, bingtuan)).exit_code == 0
    central = _written(tmp_path, (NOTICES / "qingshan-2025-06-12.txt").read_text(encoding="utf-8"))
    result = run_import(cli, fresh, central)
    assert result.exit_code == 0, result.output
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert sorted(r.name for r in data.rounds.values()) == [
        "第三轮中央生态环境保护督察", "第二轮中央生态环境保护督察", "第二轮兵团生态环境保护督察"
    ]


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("第二轮省委生态环境保护督察", "第二轮省级生态环境保护督察"),
        ("第二轮自治区生态环境保护督察", "第二轮自治区党委生态环境保护督察"),
        ("第二轮中央生态环境保护督察", "第二轮中央生态环境保护例行督察"),
    ],
)
def test_one_round_written_with_other_words_of_its_level_is_refused_not_duplicated(cli, fresh, tmp_path, first, then):
    # 省委, 省级 and 省 were three levels: the second notice made r2x with copies of the tasks
    one = _written(tmp_path, QINGSHAN.replace("第二轮中央生态环境保护督察", first))
    assert run_import(cli, fresh, one).exit_code == 0
    later = QINGSHAN.replace("第二轮中央生态环境保护督察", then).replace("\n2024年12月10日", "\n2024年12月11日")
    result = run_import(cli, fresh, _written(tmp_path, later))
    assert result.exit_code == 1 and f"汇总句中的“{then}”是数据中的轮次 r2" in result.stderr, result.stderr


def test_a_short_name_after_a_first_round_of_a_batch_is_the_round_not_a_batch_of_it(cli, fresh, tmp_path):
    # 第二轮督察 after 第三轮第一批…: derived 第二轮第一批…, a new round with copies of r2's tasks
    assert run_import(cli, fresh, NOTICES / "sanming-2024-06-24.txt").exit_code == 0
    later = (NOTICES / "sanming-2024-12-20.txt").read_text(encoding="utf-8").replace(
        "第一轮中央生态环境保护督察整改任务17项", "第三轮第一批中央生态环境保护督察整改任务9项"
    ).replace("均已完成整改。第二轮督察", "均已完成整改。第二轮督察", 1)
    result = run_import(cli, fresh, _written(tmp_path, later))
    assert result.exit_code == 0, result.output
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert sorted(data.rounds) == ["r1", "r2", "r3"] and len(data.tasks_of("r2")) == 4


def test_a_special_inspection_of_a_round_is_a_round_of_its_own(cli, fresh, tmp_path):
    # 专项 is no other wording of the routine round: it was refused as r2 written another way
    assert run_import(cli, fresh, NOTICES / "qingshan-2024-12-10.txt").exit_code == 0
    special = QINGSHAN.replace("第二轮中央生态环境保护督察", "第二轮中央生态环境保护专项督察")
    special = special.replace("\n2024年12月10日", "\n2024年12月11日")
    assert run_import(cli, fresh, _written(tmp_path, special)).exit_code == 0
    data = load_valid(fresh, date.fromisoformat(TODAY))
    assert sorted((r.id, r.short_name) for r in data.rounds.values()) == [
        ("r2", "第二轮督察"), ("r2x", "第二轮中央生态环境保护专项督察")
    ]


def test_a_mid_month_notice_keeps_the_way_the_notice_before_it_wrote_a_month_end(cli, fresh, tmp_path):
    # its own cut-off does not say: it was recorded 底, and bulletin new drafted 截至…月底 again
    first = _written(tmp_path, QINGSHAN.replace("截至2024年11月底", "截至2024年11月30日"))
    assert run_import(cli, fresh, first).exit_code == 0
    mid = QINGSHAN.replace("截至2024年11月底", "截至2024年12月20日").replace("\n2024年12月10日", "\n2024年12月28日")
    later = tmp_path / "mid.txt"
    later.write_text(mid, encoding="utf-8")
    assert run_import(cli, fresh, later).exit_code == 0
    assert "month_end: 日\n" in (fresh / "data/bulletins/2024-12-28.yaml").read_text(encoding="utf-8")
    assert render(cli, fresh, "2024-12-28") == later.read_bytes()


def test_a_summary_counting_tasks_basically_done_apart_imports_once_the_data_says_which(cli, fresh, tmp_path):
    # a notice may count tasks 基本完成 apart (DOMAIN.md); it does not say which they are
    first = NOTICES / "sanming-2024-06-24.txt"
    second = (NOTICES / "sanming-2024-12-20.txt").read_text(encoding="utf-8")
    apart = "已完成整改7项,基本完成1项,剩余3项正在推进。"
    notice = _written(tmp_path, second.replace("已完成整改7项,剩余4项正在推进。", apart, 1))
    assert run_import(cli, fresh, first).exit_code == 0
    before = snapshot(fresh)
    refused = run_import(cli, fresh, notice)
    assert refused.exit_code == 1 and "E503" in refused.stderr, refused.output
    assert "第二轮督察基本完成 1 项,而数据中基本完成的有 0 项" in refused.stderr and snapshot(fresh) == before
    task = fresh / "data" / "tasks" / "r2-02.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("status: 正在推进", "status: 基本完成"), encoding="utf-8")
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert "basic_done: 单列\n" in (fresh / "data" / "bulletins" / "2024-12-20.yaml").read_text(encoding="utf-8")
    assert render(cli, fresh, "2024-12-20") == notice.read_bytes()
    assert render(cli, fresh, "2024-06-24") == first.read_bytes()  # counted it 正在推进, and still does


def test_a_task_basically_done_by_hand_then_done_keeps_what_the_notices_said(cli, fresh, tmp_path):
    # done replaced status 基本完成 with 已完成: before its completion the task then read
    # 正在推进, and the notice that counted it 基本完成 changed (refused as E351)
    first, second = NOTICES / "sanming-2024-06-24.txt", (NOTICES / "sanming-2024-12-20.txt").read_text(encoding="utf-8")
    notice = _written(tmp_path, second.replace("已完成整改7项,剩余4项正在推进。", "已完成整改7项,基本完成1项,剩余3项正在推进。", 1))
    assert run_import(cli, fresh, first).exit_code == 0
    task = fresh / "data" / "tasks" / "r2-02.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("status: 正在推进", "status: 基本完成"), encoding="utf-8")
    assert run_import(cli, fresh, notice).exit_code == 0
    done = cli("done", "r2-02", "--on", "2025-01-10", "-C", str(fresh), "--today", "2025-02-01")
    assert done.exit_code == 0, done.output
    assert "status: 已完成\nstatus_before: 基本完成\ncompleted_on: 2025-01-10\n" in task.read_text(encoding="utf-8")
    assert render(cli, fresh, "2024-12-20") == notice.read_bytes()
    listed = cli("list", "--as-of", "2025-01-09", "--format", "json", "-C", str(fresh)).stdout
    assert '"id": "r2-02"' in listed and '"status": "基本完成"' in listed.split('"id": "r2-02"')[1].split("\n")[0]
    shown = cli("show", "r2-02", "-C", str(fresh), "--as-of", "2025-01-09")
    assert shown.exit_code == 0 and "基本完成" in shown.stdout, shown.output
    assert "完成日期  2025年1月10日(此前基本完成)" in cli("show", "r2-02", "-C", str(fresh)).stdout


def test_a_summary_whose_basically_done_count_does_not_add_up_is_named(cli, fresh, tmp_path):
    notice = _written(tmp_path, SANMING.replace("剩余4项正在推进", "基本完成1项,剩余4项正在推进"))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1
    assert "第二轮督察整改任务11项,但已完成7项加基本完成1项加剩余4项是12项" in result.stderr, result.stderr


def test_tasks_basically_done_of_a_round_not_listed_are_counted(cli, fresh, tmp_path):
    # none of its tasks is listed: the 基本完成 ones are among those known by count
    notice = _written(tmp_path, (NOTICES / "jiangchuan-2025-04-08.txt").read_text(encoding="utf-8").replace(
        "第二轮督察整改任务14项，均已完成整改。", "第二轮督察整改任务14项中，已完成整改12项，基本完成2项。", 1))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, "2025-04-08") == notice.read_bytes()
    assert "  - status: 基本完成\n    count: 2\n" in (fresh / "data/rounds/r2.yaml").read_text(encoding="utf-8")


def test_tasks_basically_done_of_the_listed_round_are_named_by_basic(cli, fresh, tmp_path):
    # the hint sent a fresh repository to new task, which had no round yet, and its units unknown
    notice = _written(tmp_path, (NOTICES / "jiangchuan-2025-04-08.txt").read_text(encoding="utf-8").replace(
        "已完成整改2项，剩余13项正在推进", "已完成整改2项，基本完成1项，剩余12项正在推进", 1))
    before = snapshot(fresh)
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 1 and "请用 --basic 序号 指明公告列出的哪几项是基本完成的" in result.stderr, result.output
    for wrong, said in ((["--basic", "40"], "--basic 40:公告逐项列出的任务只有"), (["--basic", "1", "--basic", "2"], "基本完成的有 2 项")):
        refused = run_import(cli, fresh, notice, *wrong)
        assert refused.exit_code in (1, 2) and said in refused.stderr and snapshot(fresh) == before, refused.output
    result = run_import(cli, fresh, notice, "--basic", "2")
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, "2025-04-08") == notice.read_bytes()
    data = load_valid(fresh, date.fromisoformat(TODAY))
    second = data.tasks_of("r3")[1]
    assert (second.status, second.status_at(data.bulletins["2025-04-08"].as_of)) == ("正在推进", "基本完成")  # dated by its report
    assert run_import(cli, fresh, notice, "--basic", "2").exit_code == 0  # again: as recorded, nothing to do
    for wrong, said in ((["--basic", "3"], "基本完成的是第 2 项,与 --basic 不同"), (["--basic", "40"], "--basic 40:")):
        again = run_import(cli, fresh, notice, *wrong)  # it said 已有全部内容 and took --basic for nothing
        assert again.exit_code in (1, 2) and said in again.stderr, again.output
    # the next notice counts it again: the task 基本完成 before is the one meant, unnamed
    later = _written(tmp_path, (NOTICES / "jiangchuan-2025-10-15.txt").read_text(encoding="utf-8").replace(
        "已完成整改5项，剩余10项正在推进", "已完成整改5项，基本完成1项，剩余9项正在推进", 1))
    result = run_import(cli, fresh, later)
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, "2025-10-15") == later.read_bytes()
    second = load_valid(fresh, date.fromisoformat(TODAY)).tasks_of("r3")[1]
    assert second.status_at(date(2025, 9, 30)) == "基本完成"
    assert cli("init", str(tmp_path / "other")).exit_code == 0
    plain = run_import(cli, tmp_path / "other", NOTICES / "sanming-2024-06-24.txt", "--basic", "1")
    assert plain.exit_code == 2 and "--basic 只用于汇总句单列了" in plain.stderr


def test_a_summary_that_says_qiyu_for_the_open_tasks_imports_renders_and_carries_over(cli, fresh, tmp_path):
    # DOMAIN.md's own form, 其余Z项正在推进, was refused
    notice = _written(tmp_path, SANMING.replace("剩余4项正在推进", "其余4项正在推进", 1))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert "summary_words: {rest: 其余}\n" in (fresh / "data/bulletins/2024-06-24.yaml").read_text(encoding="utf-8")
    assert render(cli, fresh, "2024-06-24") == notice.read_bytes()
    made = cli("bulletin", "new", "--as-of", "2024-07-31", "--date", "2024-08-10", "-C", str(fresh), "--today", TODAY)
    assert made.exit_code == 0, made.output
    assert "已完成整改7项,其余4项正在推进。" in render(cli, fresh, "2024-08-10").decode("utf-8")


def test_a_deadline_dufu_reads_only_in_part_imports_with_a_warning_at_its_line(cli, fresh, tmp_path):
    # the notice is the record: a deadline written otherwise than dufu reads refused the import
    notice = _written(tmp_path, SANMING.replace("整改时限:立行立改、长期坚持", "整改时限:2025年汛期前", 1).replace(
        "整改时限:立行立改、长期坚持", "整改时限:常态化推进，按要求落实", 1))
    result = run_import(cli, fresh, notice)
    assert result.exit_code == 0, result.output
    assert render(cli, fresh, "2024-06-24") == notice.read_bytes()
    checked = cli("validate", "-C", str(fresh), "--today", TODAY)
    assert checked.exit_code == 0, checked.output
    assert "data/tasks/r2-01.yaml:8:11: W321 整改时限“2025年汛期前”只读得出年份:按2025年底判断是否逾期" in checked.stdout
    assert "data/tasks/r2-02.yaml:8:11: W322 无法识别整改时限“按要求落实”:不据此判断是否逾期" in checked.stdout
    assert cli("validate", "--strict", "-C", str(fresh), "--today", TODAY).exit_code == 1
