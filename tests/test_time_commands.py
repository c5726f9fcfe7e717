"""Time on the command line: warnings in list/status, status --by unit, --fail-on, render
drafts and diff, on the timeline fixture, the shipped data and two imported notices."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT, TODAY, edit

FIXTURES = Path(__file__).parent / "fixtures"
NOTICES = FIXTURES / "notices"
REFERENCE = Path(__file__).parent / "golden" / "sanming-2024-06-24.txt"  # the published notice, byte for byte


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    root = tmp_path / "timeline"
    shutil.copytree(FIXTURES / "timeline" / "data", root / "data")
    return root


def run_json(cli, *args):
    result = cli(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def ids(records) -> list[str]:
    return [r["id"] for r in records]


def test_list_overdue_due_within_and_behind_on_a_day(cli, timeline):
    at = ("-C", str(timeline), "--as-of", "2025-07-15")
    assert ids(run_json(cli, "list", *at, "--overdue")) == ["r3-03"]
    assert ids(run_json(cli, "list", *at, "--due-within", "30d")) == ["r3-08"]
    assert ids(run_json(cli, "list", *at, "--due-within", "16天")) == ["r3-08"]
    assert ids(run_json(cli, "list", *at, "--due-within", "15")) == []
    assert ids(run_json(cli, "list", *at, "--behind")) == ["r3-03"]
    # the adjusted deadline counts: r3-07 was due 2025-06-30, extended to 2025-12-31 on 2025-05-20
    assert ids(run_json(cli, "list", "-C", str(timeline), "--as-of", "2025-05-19", "--due-within", "2w")) == []
    assert "r3-07" not in ids(run_json(cli, "list", *at, "--overdue"))
    assert ids(run_json(cli, "list", "-C", str(timeline), "--as-of", "2026-01-01", "--overdue")) == [
        "r3-03", "r3-04", "r3-05", "r3-07", "r3-08"
    ]


def test_list_records_say_why(cli, timeline):
    records = {r["id"]: r for r in run_json(cli, "list", "-C", str(timeline), "--as-of", "2025-07-15")}
    assert records["r3-03"]["warning"] == "red" and records["r3-03"]["days_left"] == -15
    assert records["r3-08"]["warning"] == "blue" and records["r3-08"]["lead_units"] == "市住建局"  # adjusted
    assert records["r3-02"]["done_late"] and not records["r3-01"]["done_late"]
    assert records["r3-06"]["long_term"] and records["r3-06"]["due_date"] is None
    assert records["r3-04"]["pace"] == "on" and records["r3-04"]["due_date"] == "2025-09-30"
    assert records["r3-07"]["deadline"] == "2025年12月底前"
    before = {r["id"]: r for r in run_json(cli, "list", "-C", str(timeline), "--as-of", "2025-02-28")}
    assert before["r3-08"]["lead_units"] == "市城市管理局" and before["r3-07"]["deadline"] == "2025年6月底前"


def test_bad_day_counts_are_usage_errors(cli, timeline):
    result = cli("list", "-C", str(timeline), "--due-within", "soon")
    assert result.exit_code == 2 and "应写成天数" in result.stderr


def test_status_fail_on_overdue_exits_1_and_says_what(cli, timeline):
    result = cli("status", "-C", str(timeline), "--as-of", "2025-07-15", "--fail-on", "overdue", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failed"] == {"overdue": ["r3-03"]}
    assert "有 1 项任务逾期:r3-03" in result.stderr
    calm = cli("status", "-C", str(timeline), "--as-of", "2025-06-30", "--fail-on", "overdue")
    assert calm.exit_code == 0, calm.output  # the due day of r3-03 is still in time
    both = cli("status", "-C", str(timeline), "--as-of", "2025-06-30", "--fail-on", "overdue", "--fail-on", "due-soon", "--format", "json")
    assert both.exit_code == 1 and json.loads(both.stdout)["failed"] == {"overdue": [], "due-soon": ["r3-03"]}


def test_status_shows_the_warnings(cli, timeline):
    result = cli("status", "-C", str(timeline), "--as-of", "2025-07-15")
    assert result.exit_code == 0
    assert "预警:红色(逾期)1项 蓝色(30天内到期)1项\n" in result.stdout  # each task by its worst colour
    assert "未达到序时进度(逾期15天)" in result.stdout and "正在推进(还剩16天)" in result.stdout
    record = run_json(cli, "status", "-C", str(timeline), "--as-of", "2025-07-15")
    assert record["warnings"] == {"red": 1, "yellow": 0, "blue": 1} and record["due_soon_days"] == 30
    later = run_json(cli, "status", "-C", str(timeline), "--as-of", "2025-09-01")  # r3-04 missed its 8-31 milestone
    assert later["warnings"] == {"red": 2, "yellow": 1, "blue": 0}  # behind outranks due soon


def test_the_due_soon_window_comes_from_dufu_toml(cli, timeline):
    (timeline / "dufu.toml").write_text("[deadlines]\ndue_soon_days = 10\n", encoding="utf-8")
    assert ids(run_json(cli, "status", "-C", str(timeline), "--as-of", "2025-07-15")["open_tasks"])  # loads
    assert run_json(cli, "status", "-C", str(timeline), "--as-of", "2025-07-15")["warnings"]["blue"] == 0
    assert run_json(cli, "status", "-C", str(timeline), "--as-of", "2025-07-22")["warnings"]["blue"] == 1
    (timeline / "dufu.toml").write_text("[deadlines]\ndue_soon_days = -1\n", encoding="utf-8")
    result = cli("status", "-C", str(timeline))
    assert result.exit_code == 2 and "due_soon_days 应为 0 到 3660 之间的整数" in result.stderr


def test_status_by_unit_counts_each_unit_once_per_task_worst_first(cli, timeline):
    units = run_json(cli, "status", "-C", str(timeline), "--as-of", "2025-07-15", "--by", "unit")["units"]
    rows = {u["unit"]: u for u in units}
    # 市住建局 is an alias: r3-01 and r3-04 name it, r3-08 has it since an adjustment of 2025-03-01
    assert rows["市住房和城乡建设局"] | {"overdue_tasks": []} == {
        "unit": "市住房和城乡建设局", "tasks": 3, "lead": 3, "done": 1, "open": 2, "overdue": 0, "behind": 0,
        "due_soon": 1, "overdue_tasks": [],
    }
    assert rows["市城市管理局"]["tasks"] == 1  # r3-01 only: r3-08 moved to 市住建局
    assert rows["市生态环境局"]["tasks"] == 5 and rows["市生态环境局"]["lead"] == 2
    worst = [(u["overdue"], u["behind"], u["due_soon"], u["open"]) for u in units]
    assert worst == sorted(worst, key=lambda w: (-w[0], -w[1], -w[2], -w[3]))
    assert units[0]["unit"] == "各县(市、区)人民政府" and units[0]["overdue_tasks"] == ["r3-03"]
    table = cli("status", "-C", str(timeline), "--as-of", "2025-07-15", "--by", "unit").stdout
    assert table.index("各县(市、区)人民政府") < table.index("市工业和信息化局")
    rows_csv = list(csv.reader(io.StringIO(cli("status", "-C", str(timeline), "--by", "unit", "--format", "csv").stdout.lstrip("\ufeff"))))
    assert rows_csv[0][:3] == ["单位", "任务", "牵头"] and len(rows_csv) == len(units) + 1
    assert cli("status", "-C", str(timeline), "--by", "round").exit_code == 2


def test_show_tells_milestones_adjustments_and_pace(cli, timeline):
    out = cli("show", "r3-07", "-C", str(timeline), "--as-of", "2025-07-15").stdout
    assert "2025年12月底前(到期日 2025年12月31日)" in out
    assert "自2025年5月20日起,整改时限改为“2025年12月底前”(依据:经市督察整改工作领导小组同意延期)" in out
    early = cli("show", "r3-07", "-C", str(timeline), "--as-of", "2025-05-01").stdout
    assert "2025年6月底前(到期日 2025年6月30日)" in early and "调整" not in early
    staged = cli("show", "r3-05", "-C", str(timeline), "--as-of", "2025-07-15").stdout
    assert "2024年12月31日:完成10个废弃矿山复绿(2024年12月15日达成)" in staged
    assert "2025年12月31日:中期目标(未到期)" in staged and "序时进度  达到序时进度" in staged
    # a deadline of one date beside milestones is a checkpoint named as such (it read 阶段目标)
    single = cli("show", "r3-04", "-C", str(timeline), "--as-of", "2025-09-01").stdout
    assert "2025年9月30日:整改时限(未到期)" in single and "阶段目标" not in single


def test_render_as_of_drafts_without_writing_and_names_stale_tasks(cli, repo):
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    result = cli("render", "-C", str(repo), "--as-of", "2024-11-30", "--today", "2024-12-20")
    assert result.exit_code == 0, result.output
    assert "截至2024年11月底," in result.stdout and result.stdout.rstrip().endswith("2024年12月20日")
    assert "4 项任务上期公告 2024-06-24(截至2024年5月31日)以来没有新的整改进展" in result.stderr
    assert "r2-03 突出生态环境问题重视不够问题" in result.stderr
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".dufu" not in p.parts} == {
        p: b for p, b in before.items()
    }
    assert cli("render", "-C", str(repo), "--today", TODAY).stdout_bytes == REFERENCE.read_bytes()



def test_a_draft_not_later_than_the_latest_notice_is_not_called_the_next_one(cli, repo):
    result = cli("render", "-C", str(repo), "--as-of", "2024-05-31", "--today", "2024-12-20")
    assert result.exit_code == 0, result.output
    assert "下一期" not in result.stderr.replace("不是下一期", "")
    assert "它不晚于最新一期公告 2024-06-24(截至2024年5月31日),不是下一期" in result.stderr


def test_a_draft_that_cannot_be_made_says_only_why(cli, repo):
    # before the shipped tasks' first report: no draft, so no word of a draft or its stale tasks
    result = cli("render", "-C", str(repo), "--as-of", "2024-05-01", "--today", "2024-12-20")
    assert result.exit_code == 1 and result.stdout == ""
    assert "没有 2024-05-01 或更早的整改进展,无法公开" in result.stderr
    assert "草稿" not in result.stderr and "沿用旧的进展" not in result.stderr

def add_report(repo: Path, task_id: str = "r2-03") -> None:
    """One new progress report, dated 2024-09-30, copying the last one with one item changed."""
    path = repo / "data" / "tasks" / f"{task_id}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("progress:\n") + len("progress:\n")
    report = text[start:].replace("as_of: 2024-05-31", "as_of: 2024-09-30", 1)
    path.write_text(text + report.replace("其中已销号197件,剩余4件基本完成整改", "其中已销号199件,剩余2件基本完成整改"), encoding="utf-8")


def test_diff_on_the_shipped_data_shows_one_new_report_and_nothing_else(cli, repo):
    add_report(repo)
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    assert cli("render", "-C", str(repo), "--today", TODAY).stdout_bytes == REFERENCE.read_bytes()
    record = run_json(cli, "diff", "2024-06-24", "2024-10-01", "-C", str(repo))
    assert record["newly_done"] == [] and [t["id"] for t in record["tasks"]] == ["r2-03"]
    (task,) = record["tasks"]
    assert task["reports"] == ["2024-09-30"] and task["status"] is None and task["fields"] == []
    assert [(c["part"], c["measure"], c["item"]) for c in task["texts"]] == [("text", 2, 0)]
    assert "已销号197件" in task["texts"][0]["before"] and "已销号199件" in task["texts"][0]["after"]
    assert [(r["before"], r["after"]) for r in record["rounds"]] == [(r["before"], r["before"]) for r in record["rounds"]]
    default = run_json(cli, "diff", "-C", str(repo), "--as-of", "2024-10-01")  # since the last notice
    assert default == record | {"to": {"as_of": "2024-10-01", "bulletin": None}}
    note = cli("diff", "2024-06-24", "2024-10-01", "-C", str(repo), "--format", "text").stdout
    assert note.startswith("较上期没有新增完成整改的任务。截至2024年10月1日,") and "另有1项任务报告了新的整改进展。" in note


def test_the_cover_note_between_days_writes_as_the_notices_do(cli, repo):
    # no notice on either side: it wrote 半角 and 月底 whatever the city's notices write
    edit(repo / "data/bulletins/2024-06-24.yaml", "issuers:", "punctuation: 全角\nmonth_end: 日\nissuers:")
    note = cli("diff", "2024-07-01", "2024-09-30", "-C", str(repo), "--format", "text").stdout
    assert note.startswith("较2024年7月1日没有新增完成整改的任务。截至2024年9月30日，第一轮督察整改任务17项，均已完成整改；"), note
    # the cut-off before written the notice's way too, and tasks 基本完成 counted apart as it counts them
    edit(repo / "data/bulletins/2024-06-24.yaml", "issuers:", "basic_done: 单列\nissuers:")
    edit(repo / "data/tasks/r2-01.yaml", "status: 正在推进", "status: 基本完成")
    add_report(repo, "r2-02")
    note = cli("diff", "2024-05-31", "2024-09-30", "-C", str(repo), "--format", "text").stdout
    assert note.startswith("较2024年5月31日没有新增完成整改的任务。"), note
    assert "第二轮督察整改任务11项，已完成整改7项，基本完成1项，剩余3项正在推进。" in note, note


def test_diff_without_changes_and_wrong_sides(cli, repo):
    record = run_json(cli, "diff", "2024-06-24", "2024-10-01", "-C", str(repo))
    assert record["tasks"] == [] and "另有" not in record["summary"]
    assert cli("diff", "2024-10-01", "2024-06-24", "-C", str(repo)).exit_code == 2
    wrong = cli("diff", "去年", "-C", str(repo))
    assert wrong.exit_code == 2 and "既不是公告编号,也不是 YYYY-MM-DD 日期" in wrong.stderr
    no_such_day = cli("diff", "2025-06-31", "-C", str(repo))  # written as a date: the day is what is wrong
    assert no_such_day.exit_code == 2 and "日期 2025-06-31 不存在。已有公告:2024-06-24" in no_such_day.stderr


def test_diff_reports_adjustments_milestones_and_new_completions(cli, timeline):
    record = run_json(cli, "diff", "2024-12-31", "2025-06-30", "-C", str(timeline))
    tasks = {t["id"]: t for t in record["tasks"]}
    assert sorted(tasks) == ["r3-03", "r3-04", "r3-05", "r3-07", "r3-08"]
    assert tasks["r3-07"]["fields"] == [{"field": "deadline", "before": "2025年6月底前", "after": "2025年12月底前"}]
    assert tasks["r3-08"]["fields"] == [{"field": "lead_units", "before": "市城市管理局", "after": "市住建局"}]
    assert tasks["r3-04"]["milestones"] == [{"due": "2025-06-30", "goal": "完成管网改造20公里", "done_on": "2025-06-20"}]
    assert tasks["r3-04"]["status"] == ["正在推进", "达到序时进度"]
    assert [(c["part"], c["measure"], c["item"], c["before"]) for c in tasks["r3-03"]["texts"]] == [
        ("item", 1, 2, "完成5个项目的拆除和生态修复。"), ("heading", 2, 0, None)
    ]
    assert tasks["r3-03"]["texts"][1]["after"] == "加强执法。对3个逾期未拆除项目立案查处。"
    done = run_json(cli, "diff", "2024-10-01", "2024-12-31", "-C", str(timeline))
    assert done["newly_done"] == ["r3-01", "r3-02"]
    assert done["summary"].startswith("较2024年10月1日新增完成整改2项(城区黑臭水体反弹问题、工业园区污水处理厂超负荷运行问题)。")
    assert "1项任务调整了整改时限" in record["summary"] and "达成节点目标1个" in record["summary"]


@pytest.fixture
def imported(cli, tmp_path) -> Path:
    root = tmp_path / "city"
    assert cli("init", str(root)).exit_code == 0
    return root


@pytest.mark.parametrize("city, first, second", [("sanming", "2024-06-24", "2024-12-20"), ("jiangchuan", "2025-04-08", "2025-10-15")])
def test_two_notices_half_a_year_apart(cli, imported, city, first, second):
    for bulletin in (first, second):
        result = cli("import", "notice", str(NOTICES / f"{city}-{bulletin}.txt"), "-C", str(imported), "--today", TODAY)
        assert result.exit_code == 0, result.output
    record = run_json(cli, "diff", first, second, "-C", str(imported))
    from datetime import date

    from dufu.validate import load_valid

    data = load_valid(imported, date.fromisoformat(TODAY))
    a, b = data.bulletins[first], data.bulletins[second]
    for side, bulletin in (("before", a), ("after", b)):  # the counts each notice printed
        shown = {r["id"]: (r[side]["total"], r[side]["done"]) for r in record["rounds"]}
        assert shown == {rid: (t.total, t.done) for rid, t in bulletin.totals.items()}
        status = run_json(cli, "status", "-C", str(imported), "--as-of", str(bulletin.as_of))
        assert {r["id"]: (r["total"], r["done"]) for r in status["rounds"]} == shown
    # exactly the tasks with a report in the second notice or done in between, nothing else
    reported = {t.id for t in data.tasks.values() if any(a.as_of < r.as_of <= b.as_of for r in t.progress)}
    done = {t.id for t in data.tasks.values() if t.status_at(a.as_of) != t.status_at(b.as_of)}
    assert {t["id"] for t in record["tasks"]} == reported | done
    assert record["newly_done"] == sorted(done, key=lambda i: (data.tasks[i].round, data.tasks[i].number))
    assert all(t["fields"] == [] and t["milestones"] == [] for t in record["tasks"])
    # the cover note counts what the tallies count, tasks known only by count included
    grown = sum(r["after"]["done"] - r["before"]["done"] for r in record["rounds"])
    assert record["summary"].startswith(f"较上期新增完成整改{grown}项" if grown else "较上期没有新增完成整改的任务。")
    # every rewritten text is one the second notice prints and the first does not
    first_text, second_text = (NOTICES / f"{city}-{first}.txt").read_text(), (NOTICES / f"{city}-{second}.txt").read_text()
    for t in record["tasks"]:
        for change in t["texts"]:
            assert change["after"] is None or change["after"] in second_text
            assert change["before"] is None or change["before"] in first_text
            assert change["after"] not in first_text.replace(change["before"] or "\0", "")


def test_the_sanming_notices_differ_by_exactly_four_reports_and_four_rewritten_texts(cli, imported):
    for bulletin in ("2024-06-24", "2024-12-20"):
        assert cli("import", "notice", str(NOTICES / f"sanming-{bulletin}.txt"), "-C", str(imported), "--today", TODAY).exit_code == 0
    record = run_json(cli, "diff", "2024-06-24", "2024-12-20", "-C", str(imported))
    found = {t["id"]: (t["status"], t["reports"], [(c["part"], c["measure"], c["item"]) for c in t["texts"]]) for t in record["tasks"]}
    assert found == {
        "r2-01": (None, ["2024-11-30"], [("item", 4, 2)]),  # 2024年1—4月 … 100% -> 1—10月 … 99.6%
        "r2-02": (None, ["2024-11-30"], [("item", 2, 3)]),  # 843件 -> 901件
        "r2-03": (None, ["2024-11-30"], [("text", 2, 0)]),  # 已销号197件 -> 199件
        "r2-04": (None, ["2024-11-30"], [("text", 2, 0)]),  # 待批复 -> 已获批复
    }
    assert record["newly_done"] == [] and record["summary"] == (
        "较上期没有新增完成整改的任务。截至2024年11月底,第一轮督察整改任务17项,均已完成整改;"
        "第二轮督察整改任务11项,已完成整改7项,剩余4项正在推进。另有4项任务报告了新的整改进展。"
    )


def test_units_the_registry_lacks_are_counted_as_written_when_e312_is_off(cli, timeline):
    (timeline / "dufu.toml").write_text('[rules]\nE312 = "off"\n', encoding="utf-8")
    edit(timeline / "data/tasks/r3-06.yaml", "lead_units: 市生态环境局", "lead_units: 市生态环境局、市外事办")
    rows = {u["unit"]: u for u in run_json(cli, "status", "-C", str(timeline), "--by", "unit", "--as-of", "2025-07-15")["units"]}
    assert rows["市外事办"]["tasks"] == 1 and rows["市外事办"]["lead"] == 1
    assert rows["市生态环境局"]["tasks"] == 5  # still counted once for r3-06


def test_between_two_notices_only_the_rounds_the_later_one_prints_are_compared(cli, tmp_path):
    # the 2025-06-12 notice is the first to print 第三轮: a comparison up to an earlier notice
    # listed it, with counts only known later
    root = tmp_path / "qingshan"
    cli("init", str(root))
    for name in ("qingshan-2024-12-10.txt", "qingshan-2025-06-12.txt"):
        notice = PROJECT / "tests/fixtures/notices" / name
        assert cli("import", "notice", str(notice), "-C", str(root), "--today", TODAY).exit_code == 0
    record = run_json(cli, "diff", "2024-10-31", "2024-12-10", "-C", str(root))
    assert [r["id"] for r in record["rounds"]] == ["r2"]
    assert "第三轮" not in record["summary"]


def test_a_completion_after_the_day_asked_about_is_not_shown_on_it(cli, timeline):
    # r3-02 was done on 2024-10-15: on 2024-10-01 it was open, with no completion date yet
    record = {t["id"]: t for t in run_json(cli, "list", "--as-of", "2024-10-01", "-C", str(timeline))}
    assert record["r3-02"]["status"] == "正在推进" and record["r3-02"]["completed_on"] is None
    shown = cli("show", "r3-02", "--as-of", "2024-10-01", "-C", str(timeline)).stdout
    assert "完成日期" not in shown
    assert "完成日期" in cli("show", "r3-02", "--as-of", "2024-10-15", "-C", str(timeline)).stdout


def test_between_two_notices_only_the_tasks_of_the_rounds_the_later_one_prints_are_compared(cli, tmp_path):
    # a central task done showed in a diff of two provincial notices, and the cover note counted its report
    root = tmp_path / "city"
    cli("init", str(root))
    central = PROJECT / "tests/fixtures/notices/qingshan-2024-12-10.txt"
    provincial = tmp_path / "provincial.txt"
    provincial.write_text(central.read_text(encoding="utf-8").replace("中央", "省级"), encoding="utf-8")
    for notice in (central, provincial):
        assert cli("import", "notice", str(notice), "-C", str(root), "--today", TODAY).exit_code == 0
    assert cli("done", "r2-03", "--on", "2024-12-20", "-C", str(root), "--today", TODAY).exit_code == 0
    made = cli("bulletin", "new", "--as-of", "2025-01-31", "--date", "2025-02-10", "-C", str(root), "--today", TODAY)
    assert made.exit_code == 0 and "summary_rounds: [r2x]" in made.stdout, made.output
    record = run_json(cli, "diff", "2024-12-10-2", "2025-02-10", "-C", str(root))
    assert [r["id"] for r in record["rounds"]] == ["r2x"] and record["tasks"] == [] and record["newly_done"] == []
