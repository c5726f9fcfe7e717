"""dufu new task, units add, bulletin new: new files in the house layout, through the write path."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import TODAY, edit
from freshrepo import make_fresh_repo

REFERENCE = Path(__file__).parent / "golden" / "sanming-2024-06-24.txt"  # the published notice, byte for byte

OPTIONS = (
    "--round",
    "r2",
    "--title",
    "矿山生态修复不到位问题",
    "--lead",
    "市林业局",
    "--responsible",
    "市生态环境局",
    "--deadline",
    "2025年12月底前",
    "--target",
    "完成修复",
)


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_task_takes_the_next_number_and_writes_the_house_layout(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    assert cli("new", "task", *OPTIONS, "-C", str(root), "--today", TODAY).exit_code == 0
    result = cli("new", "task", *OPTIONS[:2], "--title", "第二个问题", *OPTIONS[4:], "-C", str(root), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert (root / "data/tasks/r2-02.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schemas/task.schema.json\n"
        "id: r2-02\nround: r2\nnumber: 2\ntitle: 第二个问题\nlead_units: 市林业局\nresponsible_units: 市生态环境局\n"
        "deadline: 2025年12月底前\ntarget: 完成修复\nstatus: 正在推进\nprogress: []\n"
    )
    assert result.stdout.startswith("--- /dev/null\n+++ b/data/tasks/r2-02.yaml\n")
    listed = cli("list", "-C", str(root), "--format", "json", "--as-of", "2024-06-30")
    assert [t["id"] for t in __import__("json").loads(listed.stdout)] == ["r2-01", "r2-02"]


def test_new_task_refuses_a_problem_its_round_already_holds(tmp_path, cli):
    # entered twice by mistake; import notice, which matches tasks by title, could not tell them apart
    root = make_fresh_repo(tmp_path / "fresh")
    assert cli("new", "task", *OPTIONS, "-C", str(root), "--today", TODAY).exit_code == 0
    before = snapshot(root)
    result = cli("new", "task", *OPTIONS, "-C", str(root), "--today", TODAY)
    assert result.exit_code == 1 and "轮次 r2 已有问题相同的任务 r2-01(data/tasks/r2-01.yaml)" in result.stderr, result.output
    assert snapshot(root) == before


def test_new_task_without_a_terminal_names_the_missing_options(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    before = snapshot(root)
    result = cli("new", "task", "--round", "r2", "-C", str(root))
    assert result.exit_code == 2 and "--title(问题)" in result.output and "--target(整改目标)" in result.output
    assert snapshot(root) == before


def test_new_task_with_an_unknown_unit_or_round_is_refused(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    before = snapshot(root)
    result = cli("new", "task", *OPTIONS[:4], "--lead", "市林草局", *OPTIONS[6:], "-C", str(root))
    assert result.exit_code == 1 and "E312" in result.output and "没有写入任何文件" in result.output
    result = cli("new", "task", "--round", "r7", *OPTIONS[2:], "-C", str(root))
    assert result.exit_code == 2 and "没有轮次“r7”" in result.output
    assert snapshot(root) == before


def test_tasks_are_entered_one_by_one_towards_a_round_total_stated_first(tmp_path, cli):
    """A round file states its total before its tasks are entered (E350 until they are all
    there): each new task moves towards it, so is no new error; one past it is refused."""
    rounds = {"r2": "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\ntotal: 2\n"}
    root = make_fresh_repo(tmp_path / "fresh", rounds)
    assert "E350" in cli("validate", "-C", str(root), "--today", TODAY).output
    assert cli("units", "add", "市水利局", "-C", str(root), "--today", TODAY).exit_code == 0
    for n in (1, 2):
        added = cli("new", "task", *OPTIONS[:2], "--title", f"问题{n}", *OPTIONS[4:], "-C", str(root), "--today", TODAY)
        assert added.exit_code == 0, added.output
    assert cli("validate", "-C", str(root), "--today", TODAY).exit_code == 0
    before = snapshot(root)
    over = cli("new", "task", *OPTIONS[:2], "--title", "问题3", *OPTIONS[4:], "-C", str(root), "--today", TODAY)
    assert over.exit_code == 1 and "E350" in over.output and "这次修改会带来" in over.output
    assert snapshot(root) == before


def test_a_new_notice_is_never_drafted_while_a_round_it_prints_is_short_of_its_total(repo, cli):
    # its numbers would not be the ledger's; a round it does not print may be short (being entered)
    args = ("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-22", "-C", str(repo), "--today", TODAY)
    (repo / "data/rounds/r3.yaml").write_text("id: r3\nname: 第三轮中央生态环境保护督察\nshort_name: 第三轮督察\ntotal: 5\n", encoding="utf-8")
    assert cli(*args, "--dry-run").exit_code == 0
    path = repo / "data/rounds/r2.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("total: 11", "total: 12"), encoding="utf-8")
    before = snapshot(repo)
    result = cli(*args)
    assert result.exit_code == 1 and "轮次 r2 的任务总数与逐项录入加仅有数量的任务数不符(E350)" in result.output
    assert snapshot(repo) == before


def test_a_write_never_starts_from_any_other_error(tmp_path, cli):
    rounds = {"r2": "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\ntotal: 3\n"}
    root = make_fresh_repo(tmp_path / "fresh", rounds)
    for title in ("问题1", "问题2"):
        assert cli("new", "task", *OPTIONS[:2], "--title", title, *OPTIONS[4:], "-C", str(root), "--today", TODAY).exit_code == 0
    path = root / "data/rounds/r2.yaml"
    for broken in (rounds["r2"].replace("total: 3", "total: 1"), rounds["r2"] + "bogus: 1\n"):  # past its total (E340)
        path.write_text(broken, encoding="utf-8")
        before = snapshot(root)
        more = cli("new", "task", *OPTIONS[:2], "--title", "问题3", *OPTIONS[4:], "-C", str(root), "--today", TODAY)
        assert more.exit_code == 1 and "请先运行 dufu validate 修正" in more.output
        assert snapshot(root) == before


def test_units_add_appends_to_the_registry(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    result = cli("units", "add", "市住房和城乡建设局", "--alias", "市住建局", "-C", str(root))
    assert result.exit_code == 0, result.output
    assert (
        (root / "data/units.yaml")
        .read_text(encoding="utf-8")
        .endswith("  - name: 市林业局\n  - name: 市住房和城乡建设局\n    aliases:\n      - 市住建局\n")
    )
    again = cli("units", "add", "市住建局", "-C", str(root))
    assert again.exit_code == 1 and "已有“市住建局”(即“市住房和城乡建设局”)" in again.output
    for args in (("市新局", "--alias", "市新", "--alias", "市新"), ("市新局", "--alias", "市新局")):  # were written twice
        twice = cli("units", "add", *args, "-C", str(root))
        assert twice.exit_code == 2 and "给了两次" in twice.output, twice.output


def test_units_add_points_out_a_name_one_character_off_a_known_one(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    typo = cli("units", "add", "市生态环竟局", "-C", str(root))
    assert typo.exit_code == 0, typo.output
    assert "注意:新登记的单位“市生态环竟局”与已有的“市生态环境局”只差一个字,是否写错?" in typo.stderr
    for other in ("市农业局", "市交通运输局"):  # another unit, or one that differs in its kind or place
        assert "只差一个字" not in cli("units", "add", other, "-C", str(root)).stderr


@pytest.mark.parametrize(
    ("name", "words"),
    [
        *((name, "这个名称永远不会被认出") for name in ("市甲局、市乙局", "市甲局,市乙局", "市甲局,市乙局", "市甲局;市乙局")),
        # its brackets do not pair: it would swallow the units after it on every line naming it
        ("各乡(镇、街道办事处", "括号“(”没有配对"),
        # registered beside 市甲局, looking the same: a unit line reads names without their blanks
        ("市甲局 ", "前后有空格"),
        ("\u3000市甲局", "前后有空格"),
    ],
)
def test_units_add_refuses_a_name_no_unit_line_could_name(tmp_path, cli, name, words):
    """A unit line is split at 、 , , ; ; outside brackets: a unit named with one of them would never be found."""
    root = make_fresh_repo(tmp_path / "fresh")
    before = snapshot(root)
    for args in (["units", "add", name], ["units", "add", "市丙局", "--alias", name]):
        result = cli(*args, "-C", str(root))
        assert result.exit_code == 2 and words in result.output
    assert snapshot(root) == before


def test_units_add_takes_a_name_with_separators_inside_brackets(tmp_path, cli):
    # a unit line splits only outside brackets: 各县(市、区)人民政府 is one unit (E312's own hint)
    root = make_fresh_repo(tmp_path / "fresh")
    result = cli("units", "add", "各县(市、区)人民政府", "--alias", "各县（市、区）人民政府", "-C", str(root))
    assert result.exit_code == 0, result.output
    assert "  - name: 各县(市、区)人民政府\n    aliases:\n      - 各县（市、区）人民政府\n" in (root / "data/units.yaml").read_text(
        encoding="utf-8"
    )


def test_bulletin_new_carries_over_the_latest_notice(repo, cli):
    result = cli("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-20", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = (repo / "data/bulletins/2024-07-20.yaml").read_text(encoding="utf-8")
    old = (repo / "data/bulletins/2024-06-24.yaml").read_text(encoding="utf-8")
    assert text == old.split("totals:")[0].replace("id: 2024-06-24", "id: 2024-07-20").replace(
        "as_of: 2024-05-31\ndate: 2024-06-24", "as_of: 2024-06-30\ndate: 2024-07-20"
    ) + "basic_done: 单列\ntotals:\n  r1: {total: 17, done: 17, basic: 0}\n  r2: {total: 11, done: 7, basic: 0}\n"
    # a new notice counts tasks 基本完成 apart (the imported one never did), and records its numbers
    rendered = cli("render", "2024-07-20", "-C", str(repo), "--today", TODAY)
    assert rendered.exit_code == 0 and "截至2024年6月底," in rendered.stdout
    # it says which listed tasks repeat the last notice's progress, as a draft does
    assert "4 项任务上期公告 2024-06-24(截至2024年5月31日)以来没有新的整改进展,新一期公告沿用旧的进展" in result.stderr
    assert "  r2-04 保护区管控不力问题\n" in result.stderr


def test_a_hand_edit_that_changes_a_notice_bulletin_new_wrote_fails_validation(repo, cli):
    assert cli("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-20", "-C", str(repo), "--today", TODAY).exit_code == 0
    edit(repo / "data/tasks/r2-01.yaml", "status: 正在推进", "status: 已完成\ncompleted_on: 2024-06-15")
    result = cli("validate", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1
    assert "E351 公告记载轮次 r2 共 11 项、已完成 7 项、基本完成 0 项,但按任务数据截至 2024-06-30 共 11 项、已完成 8 项、基本完成 0 项" in result.stdout
    # a task marked 基本完成 by hand changes the notice's 基本完成 count: named as well
    edit(repo / "data/tasks/r2-01.yaml", "status: 已完成\ncompleted_on: 2024-06-15", "status: 基本完成")
    result = cli("validate", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "已完成 7 项、基本完成 1 项" in result.stdout, result.stdout


@pytest.mark.parametrize(("as_of", "on", "said"), [("2024-06-30", "2026-01-02", "成文日期 2026-01-02 晚于今天"), ("2026-01-31", "2026-01-01", "截至日期 2026-01-31 晚于今天")])
def test_bulletin_new_refuses_a_notice_not_yet_written(repo, cli, as_of, on, said):
    # it was recorded, and every later write then refused as changing a published notice
    result = cli("bulletin", "new", "--as-of", as_of, "--date", on, "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and said in result.stderr and "dufu render --as-of" in result.stderr, result.output
    assert sorted(p.name for p in (repo / "data/bulletins").iterdir()) == ["2024-06-24.yaml"]


def test_tasks_basically_done_are_counted_apart_in_a_new_notice_only(repo, cli):
    # r2-01 reports 基本完成 by 2024-05-31: the published notice (no basic_done) keeps its
    # words; a new one, and a draft, count it apart
    edit(repo / "data/tasks/r2-01.yaml", "  - as_of: 2024-05-31\n", "  - as_of: 2024-05-31\n    status: 基本完成\n")
    published = cli("render", "-C", str(repo), "--today", TODAY)
    assert published.exit_code == 0, published.output
    assert published.stdout == REFERENCE.read_text(encoding="utf-8")
    draft = cli("render", "--as-of", "2024-06-30", "-C", str(repo), "--today", TODAY)
    assert "第二轮督察整改任务11项中,已完成整改7项,基本完成1项,剩余3项正在推进。" in draft.stdout
    assert cli("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-20", "-C", str(repo), "--today", TODAY).exit_code == 0
    edit(repo / "data/bulletins/2024-07-20.yaml", "basic_done: 单列", "basic_done: 并入")
    merged = cli("render", "2024-07-20", "-C", str(repo), "--today", TODAY)
    assert "已完成整改7项,剩余4项正在推进。" in merged.stdout
    assert cli("bulletin", "new", "--as-of", "2024-07-31", "--date", "2024-08-20", "-C", str(repo), "--today", TODAY).exit_code == 0
    assert "basic_done: 并入\n" in (repo / "data/bulletins/2024-08-20.yaml").read_text(encoding="utf-8")  # carried over


def test_bulletin_new_refuses_a_cutoff_that_is_not_later(repo, cli):
    before = snapshot(repo)
    result = cli("bulletin", "new", "--as-of", "2024-05-31", "--date", "2024-07-20", "-C", str(repo))
    assert result.exit_code == 1 and "不晚于上一期公告 2024-06-24" in result.output
    assert snapshot(repo) == before


def test_an_id_that_is_not_an_id_is_refused_before_any_path_is_built(tmp_path, cli, repo):
    """--id becomes a file name: ../../x would write outside the repository. The id pattern
    of the data (letters, digits, _ . -) is enforced first, as a usage error."""
    root = make_fresh_repo(tmp_path / "fresh")
    before = snapshot(root)
    for bad in ("../../../outside-task", "a/b", ".hidden", "r2-01\n", "x" * 65):
        result = cli("new", "task", *OPTIONS, "--id", bad, "-C", str(root), "--today", TODAY)
        assert result.exit_code == 2 and "任务编号" in result.stderr and "无效" in result.stderr, (bad, result.output)
    before_repo = snapshot(repo)
    result = cli("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-22", "--id", "../../../outside-b",
                 "-C", str(repo), "--today", "2024-08-01")
    assert result.exit_code == 2 and "公告编号" in result.stderr and "无效" in result.stderr, result.output
    assert snapshot(root) == before and snapshot(repo) == before_repo
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "repo"]
    named = cli("new", "task", *OPTIONS, "--id", "r2-09.yaml", "-C", str(root), "--today", TODAY)  # wrote r2-09.yaml.yaml
    assert named.exit_code == 2 and "不要带文件扩展名(写 r2-09)" in named.stderr and snapshot(root) == before


def test_the_writer_never_builds_a_change_outside_the_repository(repo):
    import pytest

    from dufu.problems import DufuError
    from dufu.writer import change_file

    for rel in ("data/tasks/../../../x.yaml", "/tmp/x.yaml"):
        with pytest.raises(DufuError, match="不在数据仓库之内"):
            change_file(repo, rel, b"id: x\n")


def test_a_listing_by_ids_is_carried_to_the_next_notice_without_the_tasks_done_since(repo, cli):
    # an imported notice lists its tasks by id: the draft and the new notice listed a done one too
    path = repo / "data/bulletins/2024-06-24.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("tasks: open", "tasks: [r2-01, r2-02, r2-03, r2-04]"), encoding="utf-8")
    assert cli("done", "r2-01", "--on", "2024-07-15", "-C", str(repo), "--today", TODAY).exit_code == 0
    draft = cli("render", "--as-of", "2024-07-31", "-C", str(repo), "--today", TODAY)
    assert draft.exit_code == 0 and "剩余3项正在推进" in draft.stdout
    assert "思想认识不够到位问题" not in draft.stdout and "\n三、保护区管控不力问题\n" in draft.stdout
    result = cli("bulletin", "new", "--as-of", "2024-07-31", "--date", "2024-08-05", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "  tasks: [r2-02, r2-03, r2-04]\n" in (repo / "data/bulletins/2024-08-05.yaml").read_text(encoding="utf-8")


def test_bulletin_new_names_a_round_with_open_tasks_its_summary_leaves_out(repo, cli):
    (repo / "data/rounds/r3.yaml").write_text("id: r3\nname: 第三轮中央生态环境保护督察\nshort_name: 第三轮督察\n", encoding="utf-8")
    assert cli("new", "task", "--round", "r3", *OPTIONS[2:], "-C", str(repo), "--today", TODAY).exit_code == 0
    result = cli("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-20", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    said = "有未完成任务的轮次 r3 不在汇总句中(沿用上一期的 summary_rounds):要写入这期公告,在 data/bulletins/2024-07-20.yaml"
    assert "并在 totals 中照 dufu status --as-of 2024-06-30 记下它的数" in result.stderr
    assert said in result.stderr
    assert "summary_rounds: [r1, r2]\n" in (repo / "data/bulletins/2024-07-20.yaml").read_text(encoding="utf-8")


def test_bulletin_new_without_a_notice_to_follow_points_at_the_example(tmp_path, cli):
    root = make_fresh_repo(tmp_path / "fresh")
    for path in (root / "data/bulletins").glob("*.yaml"):
        path.unlink()
    result = cli("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-20", "-C", str(root), "--today", TODAY)
    assert result.exit_code == 1 and "把 examples/bulletin.yaml 复制到 data/bulletins/ 下写好第一期" in result.stderr, result.output


def test_a_refused_write_says_what_to_do_as_validate_does(tmp_path, cli):
    # the hints were left out: only the problems' headlines were printed
    root = make_fresh_repo(tmp_path / "fresh")
    result = cli("new", "task", *OPTIONS[:4], "--lead", "市水务和海洋局", *OPTIONS[6:], "-C", str(root), "--today", TODAY)
    assert result.exit_code == 1
    assert "E312 单位“市水务和海洋局”不在单位名录中(lead_units)\n      提示:是新单位的话,用 dufu units add 市水务和海洋局 登记\n" in result.stderr, result.stderr


def test_a_notice_with_nothing_left_to_list_has_no_intro(repo, cli):
    # it printed 现将……公开如下: with nothing after it
    for task in ("r2-01", "r2-02", "r2-03", "r2-04"):
        args = ("done", task, "--on", "2024-06-20", "--accept-published-change")
        assert cli(*args, "-C", str(repo), "--today", TODAY).exit_code == 0
    draft = cli("render", "--as-of", "2024-06-30", "-C", str(repo), "--today", TODAY)
    assert draft.stdout.split("\n")[1].endswith("第二轮督察整改任务11项,均已完成整改。"), draft.stdout
    result = cli("bulletin", "new", "--as-of", "2024-06-30", "--date", "2024-07-10", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0 and "没有要逐项公开的任务:这期公告只有汇总句,不写引言" in result.stderr, result.output
    text = (repo / "data/bulletins/2024-07-10.yaml").read_text(encoding="utf-8")
    assert "listing:\n  round: r2\n  tasks: open\nissuers:" in text
    rendered = cli("render", "2024-07-10", "-C", str(repo), "--today", TODAY).stdout
    assert rendered == draft.stdout.replace("2026年1月1日", "2024年7月10日")
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0


def test_new_task_asks_on_a_terminal_naming_the_rounds_there_are(tmp_path, cli, monkeypatch):
    root = make_fresh_repo(tmp_path / "fresh")
    monkeypatch.setattr("dufu.cli._interactive", lambda: True)
    answers = "r2\n矿山生态修复不到位问题\n市林业局\n市生态环境局\n2025年12月底前\n完成修复\n"
    result = cli("new", "task", "-C", str(root), "--today", TODAY, input=answers)
    assert result.exit_code == 0, result.output
    assert "轮次(已有:r1、r2): r2\n问题: " in result.output
    assert "title: 矿山生态修复不到位问题" in (root / "data/tasks/r2-01.yaml").read_text(encoding="utf-8")


def test_new_task_on_a_terminal_asks_again_after_an_answer_it_cannot_take(tmp_path, cli, monkeypatch):
    # it asked every question, then refused the whole task for one unknown unit
    root = make_fresh_repo(tmp_path / "fresh")
    monkeypatch.setattr("dufu.cli._interactive", lambda: True)
    (root / "data/tasks").mkdir()
    (root / "data/tasks/r2-01.yaml").write_text(
        "id: r2-01\nround: r2\nnumber: 1\ntitle: 已有问题\nlead_units: 市林业局\nresponsible_units: 市林业局\n"
        "deadline: 2025年12月底前\ntarget: 完成\nstatus: 正在推进\nprogress: []\n",
        encoding="utf-8",
    )
    answers = "r9\nr2\n已有问题\n新问题\n市交通运输局\n市林业局\n市生态环竟局\n市生态环境局\n2025年13月底前\n2025年12月底前\n完成修复\n"
    result = cli("new", "task", "-C", str(root), "--today", TODAY, input=answers)
    assert result.exit_code == 0, result.output
    for said in (
        "没有轮次“r9”。已有轮次:r1、r2,请重新输入",
        "轮次 r2 已有问题相同的任务 r2-01(data/tasks/r2-01.yaml):同一问题只录入一次,请重新输入",
        "单位“市交通运输局”不在单位名录中(是新单位的话,用 dufu units add 市交通运输局 登记),请重新输入",
        "整改时限“2025年13月底前”中的日期不存在",
        "单位“市生态环竟局”不在单位名录中(是不是“市生态环境局”?),请重新输入",
    ):
        assert said in result.stderr, result.stderr
    text = (root / "data/tasks/r2-02.yaml").read_text(encoding="utf-8")
    assert "title: 新问题\nlead_units: 市林业局\nresponsible_units: 市生态环境局\ndeadline: 2025年12月底前\n" in text
    assert cli("validate", "-C", str(root), "--today", TODAY).exit_code == 0


def test_new_task_on_a_terminal_stops_before_asking_when_an_option_is_wrong(tmp_path, cli, monkeypatch):
    root = make_fresh_repo(tmp_path / "fresh")
    monkeypatch.setattr("dufu.cli._interactive", lambda: True)
    result = cli("new", "task", "--round", "r9", "-C", str(root), "--today", TODAY, input="问题\n")
    assert result.exit_code == 2 and "没有轮次“r9”" in result.stderr and "问题:" not in result.output, result.output
    assert not (root / "data/tasks").exists()


@pytest.mark.parametrize(
    ("title", "on", "then"),
    [
        ("三明市整改情况(2024年第6期)", "2024-07-20", "三明市整改情况(2024年第7期)"),
        ("三明市整改情况(2024年第6期)", "2025-01-10", "三明市整改情况(2025年第1期)"),  # the year's numbering starts again
        ("三明市整改情况通报第九期", "2024-07-20", "三明市整改情况通报第十期"),
    ],
)
def test_bulletin_new_numbers_the_next_issue(repo, cli, title, on, then):
    # the title was copied with the last issue's number
    edit(repo / "data/bulletins/2024-06-24.yaml", "title: 三明市中央生态环境保护督察整改情况", f"title: {title}")
    result = cli("bulletin", "new", "--as-of", "2024-06-30", "--date", on, "-C", str(repo), "--today", "2025-02-01")
    assert result.exit_code == 0, result.output
    assert f"title: {then}\n" in (repo / f"data/bulletins/{on}.yaml").read_text(encoding="utf-8")
    assert f"期数随之改为:{then}" in result.stderr


def test_an_unknown_unit_is_to_be_registered_by_the_name_its_line_means(repo, cli):
    # the hint said `dufu units add 城市管理局`: after 市委办公室、 the line means 市城市管理局
    edit(repo / "data/tasks/r2-01.yaml", "lead_units: 市委办公室、市政府办公室", "lead_units: 市委办公室、城市管理局")
    result = cli("validate", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "提示:是新单位的话,用 dufu units add 市城市管理局 登记" in result.stdout, result.stdout


def test_text_that_is_no_utf8_or_holds_a_yaml_line_break_is_refused_not_mangled(repo, cli):
    # bytes of another encoding were an internal error; a NEL was written raw and read back as a blank
    before = snapshot(repo)
    bad = cli("units", "add", "\udcff\udcfe市局", "-C", str(repo), "--today", TODAY)  # how Python hands on \xff\xfe
    assert bad.exit_code == 2 and "“\\xff\\xfe市局”含有无法识别的字节" in bad.stderr, bad.output
    for text in ("a\u0085b", "a\u2028b"):
        result = cli("milestone", "add", "r2-03", "--due", "2025-09-30", "--goal", text, "-C", str(repo), "--today", TODAY)
        assert result.exit_code == 1 and "E207" in result.stderr, result.output
    assert snapshot(repo) == before


def test_a_name_after_another_places_unit_is_hinted_as_the_line_means_it(repo, cli):
    # 林业局 after 县农业局、 is 县林业局: the hint offered only 市林业局
    edit(repo / "data/units.yaml", "units:\n", "units:\n  - name: 县农业局\n")
    edit(repo / "data/tasks/r2-01.yaml", "lead_units: 市委办公室、市政府办公室", "lead_units: 县农业局、林业局")
    result = cli("validate", "-C", str(repo), "--today", TODAY)
    assert "提示:是不是“市林业局”?是新单位的话,用 dufu units add 县林业局 登记" in result.stdout, result.stdout
