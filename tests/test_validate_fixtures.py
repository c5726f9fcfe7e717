"""`dufu validate` on broken copies of the shipped data: each fixture folder under
fixtures/invalid/ overlays files onto the data, and expected.txt lists every problem
(path:line:col CODE) that must be reported — no more, no less. Warnings are left out here:
the shipped data has one (a stray space kept as published), tested on its own."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT, TODAY

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "invalid"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != ".dufu"  # dufu's own index, not data
    }


def _broken_repo(tmp_path: Path, case: str) -> Path:
    root = tmp_path / case
    shutil.copytree(PROJECT / "data", root / "data")
    shutil.copytree(FIXTURES / case / "data", root / "data", dirs_exist_ok=True)
    return root


def test_there_are_fixtures():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_fixture_reports_exactly_the_expected_problems(cli, tmp_path, case):
    root = _broken_repo(tmp_path, case)
    before = _snapshot(root)
    result = cli("validate", "-C", str(root), "--today", TODAY, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    found = sorted(f"{p['path']}:{p['line']}:{p['column']} {p['code']}" for p in errors)
    expected = sorted((FIXTURES / case / "expected.txt").read_text(encoding="utf-8").split("\n")[:-1])
    assert found == expected
    assert all(p["message"] for p in report["problems"])
    assert _snapshot(root) == before, "validate must never change the data"


@pytest.mark.parametrize("case", ["syntax-error", "dangling-round", "duplicate-id", "unknown-field"])
def test_text_output_names_file_line_column_and_code(cli, tmp_path, case):
    root = _broken_repo(tmp_path, case)
    result = cli("validate", "-C", str(root), "--today", TODAY)
    assert result.exit_code == 1
    for line in (FIXTURES / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        where, code = line.split(" ")
        assert f"{where}: {code} " in result.stdout
    assert "Traceback" not in result.output


def test_shipped_data_is_valid_with_one_typography_warning(cli):
    result = cli("validate", "-C", str(PROJECT), "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert (report["files"], report["errors"], report["warnings"]) == (8, 0, 1)
    (warning,) = report["problems"]
    assert (warning["path"], warning["line"], warning["column"], warning["code"]) == (
        "data/tasks/r2-02.yaml",
        25,
        27,
        "W402",
    )


def test_strict_turns_warnings_into_failure(cli):
    assert cli("validate", "-C", str(PROJECT), "--today", TODAY, "--strict").exit_code == 1


def test_unknown_field_suggests_the_right_name(cli, tmp_path):
    result = cli("validate", "-C", str(_broken_repo(tmp_path, "unknown-field")), "--today", TODAY)
    assert "是不是“deadline”?" in result.stdout


def test_a_task_file_in_the_rounds_folder_is_called_misplaced_not_misspelt(cli, repo):
    """round and number are a task's fields: in data/rounds/ they are not typos (the hint
    used to be “是不是“round”?” for round itself)."""
    shutil.copy(repo / "data/tasks/r2-01.yaml", repo / "data/rounds/r2-01.yaml")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    found = {p["message"]: p["hint"] for p in json.loads(result.stdout)["problems"] if p["path"] == "data/rounds/r2-01.yaml"}
    assert found["这类文件没有字段“round”"] == "这是另一类数据文件的字段,这个文件是否放错了目录?"
    assert not any(hint and "是不是" in hint for hint in found.values())


def test_a_field_named_like_a_pydantic_union_member_is_located(cli, repo):
    """pydantic writes union members into an error's location (“list[str]”); a field the
    data names “x[0]” is a field, reported by name where it stands."""
    path = repo / "data/tasks/r2-04.yaml"
    lines = path.read_text(encoding="utf-8").count("\n")
    path.write_text(path.read_text(encoding="utf-8") + '"x[0]": 1\n', encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "E202"]
    assert (problem["line"], problem["message"], problem["field"]) == (lines + 1, "未知字段“x[0]”(拼写错误?)", "x[0]")


def test_unknown_unit_suggests_the_closest_registered_name(cli, tmp_path):
    result = cli("validate", "-C", str(_broken_repo(tmp_path, "unknown-unit")), "--today", TODAY)
    assert "单位“市生态环镜局”不在单位名录中" in result.stdout
    assert "是不是“市生态环境局”?" in result.stdout


def test_gbk_file_is_named_as_such_with_a_fix(cli, tmp_path):
    result = cli("validate", "-C", str(_broken_repo(tmp_path, "gbk-encoding")), "--today", TODAY)
    assert "GBK/GB18030" in result.stdout
    assert "iconv -f GB18030 -t UTF-8" in result.stdout


def test_commands_other_than_validate_refuse_broken_data(cli, tmp_path):
    root = _broken_repo(tmp_path, "dangling-round")
    for command in (["status"], ["list"], ["show", "r2-02"], ["render"]):
        result = cli(*command, "-C", str(root))
        assert result.exit_code == 1, command
        assert "data/tasks/r2-01.yaml:3:8: E310" in result.stderr
        assert result.stdout == ""


def test_yaml_11_lookalikes_in_text_fields_stay_exactly_as_written(cli, repo):
    task = repo / "data/tasks/r2-01.yaml"
    text = task.read_text(encoding="utf-8")
    text = text.replace("title: 思想认识不够到位问题", "title: no")
    text = text.replace("target: 坚定不移", "target: 2024-05-31")
    text = text.replace("          - 按照省上部署", "          - 010\n          - 1:30\n          - 按照省上部署")
    task.write_text(text, encoding="utf-8")
    from datetime import date

    from dufu.validate import load_valid

    data = load_valid(repo, date(2026, 1, 1))
    loaded = data.tasks["r2-01"]
    assert loaded.title == "no"
    assert loaded.target.startswith("2024-05-31")
    assert loaded.progress[0].measures[0].items[:2] == ["010", "1:30"]
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0


def test_missing_unit_registry_is_an_error(cli, repo):
    (repo / "data/units.yaml").unlink()
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert result.exit_code == 1
    assert [p["code"] for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"] == ["E112"]


def test_oversized_file_is_refused(cli, repo):
    (repo / "data/tasks/huge.yaml").write_bytes(b"id: x\ntarget: " + b"a" * (3 * 1024 * 1024) + b"\n")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert result.exit_code == 1
    problems = [p for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"]
    assert [(p["path"], p["code"]) for p in problems] == [("data/tasks/huge.yaml", "E108")]


@pytest.mark.parametrize(
    ("rel", "written", "wrong", "meant"),
    [
        ("data/tasks/r3-04.yaml", "    done_on: 2025-06-20", "    done: 2025-06-20", "done_on"),  # a milestone's
        ("data/tasks/r3-04.yaml", "  - as_of: 2024-12-31", "  - date: 2024-12-31", "as_of"),  # a report's
        ("data/tasks/r3-07.yaml", "  - on: 2025-05-20", "  - date: 2025-05-20", "on"),  # an adjustment's
        ("data/tasks/r3-04.yaml", "      - heading: 推进管网建设。", "      - title: 推进管网建设。", "heading"),  # a measure's
        ("data/tasks/r3-04.yaml", "title: ", "name: ", "title"),  # a round's field, once: a slip, not a wrong folder
        ("data/rounds/r3.yaml", "name: ", "title: ", "name"),
        ("data/tasks/r3-04.yaml", "deadline: ", "due: ", "deadline"),
    ],
)
def test_an_unknown_field_is_told_the_field_of_its_own_record_it_means(cli, tmp_path, rel, written, wrong, meant):
    # the hint used to look among every model's fields, and offered "done" for "done"
    root = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests/fixtures/timeline/data", root / "data")
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert written in text
    path.write_text(text.replace(written, wrong, 1), encoding="utf-8")
    result = cli("validate", "-C", str(root), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "E202"]
    assert (problem["path"], problem["hint"]) == (rel, f"是不是“{meant}”?")


def test_a_gap_in_a_round_without_a_total_is_the_gap_not_a_total_it_never_wrote(cli, tmp_path):
    # E340 said "序号 8 超过本轮次任务总数 7" of r3-08, for a round file with no total
    root = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests/fixtures/timeline/data", root / "data")
    rounds = root / "data/rounds/r3.yaml"
    rounds.write_text(rounds.read_text(encoding="utf-8").replace("total: 8\n", ""), encoding="utf-8")
    (root / "data/tasks/r3-04.yaml").unlink()
    result = cli("validate", "-C", str(root), "--today", TODAY, "--format", "json")
    found = [(p["path"], p["code"], p["message"]) for p in json.loads(result.stdout)["problems"]]
    assert found == [("data/rounds/r3.yaml", "E341", "任务序号不连续,缺少 4")]
    rounds.write_text(rounds.read_text(encoding="utf-8") + "counted:\n  - status: 已完成\n    count: 1\n", encoding="utf-8")
    (root / "data/tasks/r3-07.yaml").unlink()  # 6 entered and 1 counted: r3-08 is past the 7 the round has
    result = cli("validate", "-C", str(root), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "E340"]
    assert problem["path"] == "data/tasks/r3-08.yaml" and "轮次文件没有写总数" in problem["message"]


def test_a_number_with_a_leading_zero_is_told_why_it_is_not_a_number(cli, tmp_path):
    root = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests/fixtures/timeline/data", root / "data")
    path = root / "data/tasks/r3-04.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("number: 4\n", "number: 08\n"), encoding="utf-8")
    result = cli("validate", "-C", str(root), "--today", TODAY, "--format", "json")
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["code"], problem["hint"]) == ("E204", "以 0 开头的数字在 YAML 中是文本:写作 8")


@pytest.mark.parametrize(
    ("written", "column"),
    [
        ("市住建局、住建", 25),  # not inside 市住建局, which holds it too
        ("市林业局、生态环竟局", 25),  # read as 市生态环竟局: found without the prefix it lent
        ("市生态环竟局、市住建局", 20),
    ],
)
def test_an_unknown_unit_is_pointed_at_where_it_stands_in_its_line(cli, tmp_path, written, column):
    root = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests/fixtures/timeline/data", root / "data")
    path = root / "data/tasks/r3-01.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("responsible_units: 市城市管理局,各县(市、区)人民政府", f"responsible_units: {written}"), encoding="utf-8")
    result = cli("validate", "-C", str(root), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "E312"]
    assert (problem["line"], problem["column"]) == (6, column)


def test_an_unknown_field_of_a_record_under_a_key_is_told_that_records_field(cli, repo):
    # a bulletin's totals.r2 is a Totals: "finished" means its done, not a milestone's done_on
    path = repo / "data/bulletins/2024-06-24.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("r2: {total: 11, done: 7}", "r2: {total: 11, finished: 7}"), encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "E202"]
    assert (problem["field"], problem["hint"]) == ("totals.r2.finished", "是不是“done”?")


def test_a_huge_task_number_is_a_gap_said_in_runs_in_bounded_work(cli, tmp_path):
    # set(range(1, number + 1)) took 2.7 GB for 20240531 (a date typed as a number): MemoryError beyond
    root = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests/fixtures/timeline/data", root / "data")
    rounds = root / "data/rounds/r3.yaml"
    rounds.write_text(rounds.read_text(encoding="utf-8").replace("total: 8\n", ""), encoding="utf-8")
    task = root / "data/tasks/r3-04.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("number: 4\n", "number: 1000000000000\n"), encoding="utf-8")
    result = cli("validate", "-C", str(root), "--today", TODAY, "--format", "json")
    found = [(p["code"], p["message"]) for p in json.loads(result.stdout)["problems"]]
    assert ("E341", "任务序号不连续,缺少 4、9–999999999999(共 999999999992 个)") in found, found


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("data/tasks/r2-04.yaml", "title: 保护区管控不力问题", 'title: "  "'),
        ("data/tasks/r2-04.yaml", "title: 保护区管控不力问题", 'title: "\\u3000"'),
        ("data/tasks/r2-04.yaml", "title: 保护区管控不力问题", 'title: "\\xa0"'),
        ("data/tasks/r2-04.yaml", "- heading: 严格考核监督落实。", '- heading: " "'),
        ("data/bulletins/2024-06-24.yaml", "title: 三明市中央生态环境保护督察整改情况", 'title: " "'),
    ],
)
def test_text_of_blanks_alone_is_refused_as_empty_text_is(cli, repo, rel, old, new):
    # render printed a blank title line, or a heading with no words (一、　)
    path = repo / rel
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    problems = [(p["path"], p["code"], p["message"]) for p in json.loads(result.stdout)["problems"] if p["code"] == "E205"]
    assert result.exit_code == 1 and len(problems) == 1 and problems[0][0] == rel
    assert problems[0][2].startswith("只有空白,没有文字")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_typed_into_text_is_named_where_it_is(cli, repo, char):
    # YAML ends a line there: it was said to be a colon with no space after it (E103)
    path = repo / "data/tasks/r2-04.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("保护区管控不力", f"保护区管控{char}不力", 1), encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["path"] == "data/tasks/r2-04.yaml"]
    assert (problem["line"], problem["column"], problem["code"]) == (5, 13, "E207"), problem


@pytest.mark.parametrize(("name", "said"), [("市住建局(", "括号“(”没有配对"), ("市住建局,市城管局", "含有“,”")])
def test_a_unit_name_no_unit_line_could_name_is_refused_in_the_units_file_as_by_units_add(cli, repo, name, said):
    # units add refused these names; written into units.yaml by hand, they validated, and E312
    # then suggested the broken name itself
    path = repo / "data/units.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"  - name: {name}\n", encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    problems = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "E308"]
    assert result.exit_code == 1 and len(problems) == 1 and said in problems[0]["message"]
    assert problems[0]["path"] == "data/units.yaml"


def test_a_full_width_space_as_indent_is_named_on_its_own_line(cli, repo):
    # it was blamed on the line after, as a field not aligned
    path = repo / "data/tasks/r2-04.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\n  - as_of: 2024-05-31", "\n\u3000- as_of: 2024-05-31"), encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["path"] == "data/tasks/r2-04.yaml"]
    assert (problem["line"], problem["column"], problem["code"]) == (12, 1, "E103")
    assert "全角空格" in problem["message"]


def test_a_number_past_the_total_its_round_states_is_found_when_the_file_alone_is_checked(cli, tmp_path):
    # the pre-commit check of one file left it to the full run
    root = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests/fixtures/timeline/data", root / "data")
    task = root / "data/tasks/r3-04.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("number: 4\n", "number: 20240531\n"), encoding="utf-8")
    for cache in (["--no-cache"], [], []):  # cold, then building the index, then using it
        result = cli("validate", str(task), "-C", str(root), "--format", "json", "--today", TODAY, *cache)
        found = [(p["path"], p["code"], p["message"]) for p in json.loads(result.stdout)["problems"]]
        assert found == [("data/tasks/r3-04.yaml", "E340", "序号 20240531 超过本轮次任务总数 8")], found


def test_a_paragraph_indented_with_full_width_spaces_inside_text_is_no_indent_slip(cli, repo):
    # a real slip two lines below was blamed on the paragraph's 　　
    path = repo / "data/tasks/r2-01.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("target: ", "target: |\n  \u3000\u3000坚定不移。\n  第二段\n bad: x\nextra: ", 1), encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    (problem,) = [p for p in json.loads(result.stdout)["problems"] if p["path"] == "data/tasks/r2-01.yaml"]
    assert problem["line"] == 12 and "全角空格" not in problem["message"], problem


def test_a_short_form_written_twice_in_one_unit_is_a_duplicate(cli, repo):
    path = repo / "data/units.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - name: 市新局\n    aliases: [市新, 市新局]\n", encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    problems = [(p["code"], p["message"]) for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"]
    assert problems == [("E305", "单位名称“市新局”在名录中重复出现")], problems
