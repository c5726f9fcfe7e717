"""The everyday commands through the CLI: exit codes, stdout, stderr."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from conftest import PROJECT, edit

from dufu import __version__


def test_status_table_shows_rounds_and_open_tasks(cli):
    result = cli("status", "-C", str(PROJECT), "--as-of", "2024-06-24")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "整改情况(截至2024年6月24日)" in out
    assert "第一轮督察" in out and "100%" in out
    assert "第二轮督察" in out and "63%" in out  # 7 of 11, floored
    for task_id in ("r2-01", "r2-02", "r2-03", "r2-04"):
        assert task_id in out
    assert "2024年5月31日" in out


def test_status_json_counts(cli):
    result = cli("status", "-C", str(PROJECT), "--format", "json", "--as-of", "2024-06-24")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    rounds = {r["id"]: r for r in data["rounds"]}
    assert (rounds["r1"]["total"], rounds["r1"]["done"], rounds["r1"]["open"]) == (17, 17, 0)
    assert (rounds["r2"]["total"], rounds["r2"]["done"], rounds["r2"]["open"]) == (11, 7, 4)
    assert [t["id"] for t in data["open_tasks"]] == ["r2-01", "r2-02", "r2-03", "r2-04"]


def test_status_as_of_a_past_date_ignores_later_completion(cli, repo):
    edit(repo / "data/tasks/r2-03.yaml", "status: 正在推进", "status: 已完成\ncompleted_on: 2025-03-01")
    before = json.loads(cli("status", "-C", str(repo), "--format", "json", "--as-of", "2025-02-28").stdout)
    after = json.loads(cli("status", "-C", str(repo), "--format", "json", "--as-of", "2025-03-01").stdout)
    assert before["rounds"][1]["done"] == 7
    assert after["rounds"][1]["done"] == 8
    assert "r2-03" not in [t["id"] for t in after["open_tasks"]]


def test_overdue_tasks_are_counted_and_listed(cli, repo):
    edit(repo / "data/tasks/r2-02.yaml", "deadline: 立行立改、长期坚持", "deadline: 2025年6月底前")
    status = json.loads(cli("status", "-C", str(repo), "--format", "json", "--as-of", "2025-07-01").stdout)
    assert status["rounds"][1]["overdue"] == 1
    listed = json.loads(cli("list", "-C", str(repo), "--overdue", "--format", "json", "--as-of", "2025-07-01").stdout)
    assert [t["id"] for t in listed] == ["r2-02"]
    assert listed[0]["due_date"] == "2025-06-30"
    on_time = json.loads(cli("list", "-C", str(repo), "--overdue", "--format", "json", "--as-of", "2025-06-30").stdout)
    assert on_time == []
    table = cli("list", "-C", str(repo), "--as-of", "2025-07-01").stdout
    assert "逾期" in table


def test_list_filters_by_unit_with_the_shared_prefix(cli):
    result = cli("list", "-C", str(PROJECT), "--unit", "市生态环境局", "--format", "json")
    assert result.exit_code == 0
    assert [t["id"] for t in json.loads(result.stdout)] == ["r2-02", "r2-04"]


def test_list_unit_alias_and_collective_unit(cli):
    by_alias = json.loads(cli("list", "-C", str(PROJECT), "--unit", "市发改委", "--format", "json").stdout)
    assert [t["id"] for t in by_alias] == ["r2-04"]
    everyone = cli("list", "-C", str(PROJECT), "--unit", "各县(市、区)党委和人民政府", "--format", "json")
    assert len(json.loads(everyone.stdout)) == 4


def test_list_unknown_unit_is_a_usage_error_with_suggestion(cli):
    result = cli("list", "-C", str(PROJECT), "--unit", "市生态环镜局")
    assert result.exit_code == 2
    assert "市生态环境局" in result.stderr


def test_list_round_and_status_filters(cli):
    assert json.loads(cli("list", "-C", str(PROJECT), "--round", "r1", "--format", "json").stdout) == []
    in_progress = json.loads(cli("list", "-C", str(PROJECT), "--status", "正在推进", "--format", "json").stdout)
    assert len(in_progress) == 4
    assert cli("list", "-C", str(PROJECT), "--round", "r9").exit_code == 2
    assert cli("list", "-C", str(PROJECT), "--status", "进行中").exit_code == 2


def test_list_csv_has_chinese_headers_and_one_row_per_task(cli):
    result = cli("list", "-C", str(PROJECT), "--format", "csv")
    assert result.stdout.startswith("\ufeff")  # the BOM Excel needs
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["编号", "轮次", "序号", "问题", "状态"]
    assert [row[0] for row in rows[1:]] == ["r2-01", "r2-02", "r2-03", "r2-04"]


def test_list_table(cli):
    result = cli("list", "-C", str(PROJECT))
    assert result.exit_code == 0
    assert "共 4 项任务" in result.stdout and "保护区管控不力问题" in result.stdout


def test_show_prints_the_task_and_its_progress(cli):
    result = cli("show", "r2-04", "-C", str(PROJECT))
    assert result.exit_code == 0
    out = result.stdout
    assert "r2-04 保护区管控不力问题" in out
    assert "第二轮中央生态环境保护督察 第4项" in out
    assert "整改进展(截至2024年5月31日)" in out
    assert "①制定印发《全面开展自然保护地环境执法专项行动方案》" in out


def test_show_history_lists_every_report_newest_first(cli, repo):
    task = repo / "data/tasks/r2-04.yaml"
    with task.open("a", encoding="utf-8") as handle:
        handle.write(
            "  - as_of: 2024-09-30\n    status: 达到序时进度\n    measures:\n      - heading: 九月进展。\n        text: 新内容。\n"
        )
    out = cli("show", "r2-04", "-C", str(repo), "--as-of", "2025-01-01").stdout
    assert out.index("截至2024年9月30日") < out.index("截至2024年5月31日")
    assert "达到序时进度" in out


def test_show_unknown_task(cli):
    result = cli("show", "r2-4", "-C", str(PROJECT))
    assert result.exit_code == 2
    assert "r2-04" in result.stderr


def test_an_id_written_without_its_zero_is_taken_for_the_one_with_it(cli, repo):
    # difflib finds r3-12 closer to r3-1 than r3-01 is, and r3-12 closer to r3-2
    (repo / "data/rounds/r3.yaml").write_text("id: r3\nname: 第三轮中央生态环境保护督察\nshort_name: 第三轮督察\n", encoding="utf-8")
    for number in range(1, 13):
        task = (repo / "data/tasks/r2-01.yaml").read_text(encoding="utf-8").replace("r2-01", f"r3-{number:02}")
        (repo / f"data/tasks/r3-{number:02}.yaml").write_text(task.replace("round: r2", "round: r3").replace("number: 1", f"number: {number}"), encoding="utf-8")
    for written, meant in (("r3-1", "r3-01"), ("r3-2", "r3-02"), ("r3-012", "r3-12"), ("r3-02x", "r3-02"), ("r3-" + "0" * 4400 + "1", "r3-01")):
        result = cli("show", written, "-C", str(repo), "--no-cache")
        assert f"是不是“{meant}”?" in result.stderr, (written, result.stderr)


def test_repository_is_found_by_walking_up(cli, repo, monkeypatch):
    monkeypatch.chdir(repo / "data" / "tasks")
    result = cli("list", "--format", "json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 4


def test_folder_without_repository_is_a_clear_message(cli, tmp_path):
    result = cli("status", "-C", str(tmp_path))
    assert result.exit_code == 2
    assert "没有找到数据仓库" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_given_as_the_directory_is_not_said_to_be_missing(cli, tmp_path):
    """-C naming a file that exists: "目录不存在" sent the user looking for a missing path."""
    (tmp_path / "notes.txt").write_text("x")
    result = cli("status", "-C", str(tmp_path / "notes.txt"))
    assert result.exit_code == 2 and "不是目录(是普通文件)" in result.stderr and "不存在" not in result.stderr
    missing = cli("status", "-C", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "目录不存在" in missing.stderr


def _elsewhere(tmp_path, monkeypatch):
    """Run from a folder that is not the repository (and holds nothing of it)."""
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")


def test_relative_files_to_validate_are_taken_from_the_directory_given(cli, repo, tmp_path, monkeypatch):
    """As with git -C, a relative path is taken from the -C directory, before or after the command."""
    _elsewhere(tmp_path, monkeypatch)
    for args in (("-C", str(repo), "validate", "data/tasks/r2-01.yaml"), ("validate", "data/tasks/r2-01.yaml", "-C", str(repo))):
        result = cli(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["files"] == 1
    result = cli("-C", str(repo / "data"), "validate", "tasks", "--format", "json")  # a folder below the repository root
    assert result.exit_code == 0 and json.loads(result.stdout)["files"] == 4, result.output


def test_a_file_outside_the_repository_given_before_the_command_is_said_to_be_outside(cli, repo, tmp_path, monkeypatch):
    # it was said that no repository was found where the file is, and to use -C, which was given
    _elsewhere(tmp_path, monkeypatch)
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("id: r9\n", encoding="utf-8")
    for args in (("-C", str(repo), "validate", str(outside)), ("validate", str(outside), "-C", str(repo))):
        result = cli(*args)
        assert result.exit_code == 2 and f"{outside} 不在数据仓库 {repo} 中" in result.output, result.output


def test_relative_outputs_are_written_in_the_directory_given(cli, repo, tmp_path, monkeypatch):
    _elsewhere(tmp_path, monkeypatch)
    for args in (
        ("render", "--today", "2024-08-01", "-o", "notice.txt"),
        ("export", "ledger", "--today", "2024-08-01", "-o", "ledger.xlsx"),
        ("site", "--today", "2024-08-01", "-o", "site"),
        ("schema", "-o", "schemas-out"),
    ):
        result = cli("-C", str(repo), *args)
        assert result.exit_code == 0, (args, result.output)
        assert (repo / args[-1]).exists(), args
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert cli("-C", str(tmp_path), "init", "new-repo").exit_code == 0
    assert (tmp_path / "new-repo" / "data").is_dir() and list((tmp_path / "elsewhere").iterdir()) == []


def test_relative_inputs_are_read_from_the_directory_given(cli, repo, tmp_path, monkeypatch):
    (repo / "notice.txt").write_bytes((PROJECT / "tests/fixtures/notices/sanming-2024-06-24.txt").read_bytes())
    _elsewhere(tmp_path, monkeypatch)
    result = cli("-C", str(repo), "import", "notice", "notice.txt", "--today", "2024-08-01")
    assert result.exit_code == 0 and "已有这期公告的全部内容" in result.stderr, result.output


def test_bad_date_option_is_a_usage_error(cli):
    result = cli("status", "-C", str(PROJECT), "--as-of", "2024/05/31")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_version_and_help(cli):
    assert cli("--version").stdout.strip() == f"dufu {__version__}"
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("status", "list", "show", "validate", "render"):
        assert command in result.stdout


def test_every_command_has_help(cli):
    for command in ("status", "list", "show", "validate", "render"):
        result = cli(command, "--help")
        assert result.exit_code == 0 and "用法:" in result.stdout


def test_python_dash_m_runs_the_same_cli():
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # output must not depend on the locale
    done = subprocess.run(
        [sys.executable, "-m", "dufu", "render", "-C", str(PROJECT)], capture_output=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == (PROJECT / "tests/golden/sanming-2024-06-24.txt").read_bytes()


def test_status_limits_the_open_task_table(cli):
    result = cli("status", "-C", str(PROJECT), "--limit", "2")
    assert "r2-02" in result.stdout and "r2-03" not in result.stdout
    assert "另有 2 项未完成的任务未列出" in result.stdout
    assert "r2-04" in cli("status", "-C", str(PROJECT), "--limit", "0").stdout


def test_console_version_fast_path():
    done = subprocess.run([sys.executable, "-m", "dufu", "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, f"dufu {__version__}\n")


def test_a_long_json_list_is_written_in_pieces_as_the_same_bytes(capsysbinary):
    # list --format json writes its records a thousand at a time: the bytes are those of the whole
    from dufu.cli import _dumps, _echo_list

    def record(n):
        return {"id": f"r1-{n:04d}", "单位": ["市生态环境局"] * (n % 3), "empty": {}, "n": n}

    for size in (0, 1, 999, 1000, 1001, 2500):
        items = list(range(size))
        _echo_list(items, record)
        assert capsysbinary.readouterr().out == _dumps([record(n) for n in items]).encode("utf-8"), size


def test_a_long_table_is_printed_in_pieces_as_the_same_bytes():
    # list's table is written a few thousand lines at a time: the bytes are Rich's print of the whole
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from dufu.cli import _print_streamed
    from dufu.cjkwrap import WrappedText
    from dufu.fasttable import FastTable

    def table(cls):
        grid = cls(title="共 6001 项任务", title_justify="left")
        grid.add_column("编号", no_wrap=True)
        grid.add_column("状态", overflow="fold")
        for n in range(6001):
            grid.add_row(Text(f"r1-{n:04d}"), WrappedText("正在推进(逾期3天)" * (n % 3), style="bold red" if n % 2 else ""))
        return grid

    for cls in (Table, FastTable):
        for width, colours in ((80, None), (30, "truecolor"), (200, "standard")):
            printed, streamed = (
                Console(file=io.StringIO(), width=width, color_system=colours, force_terminal=bool(colours), emoji=False)
                for _ in range(2)
            )
            printed.print(table(cls), crop=False)
            _print_streamed(streamed, table(cls))
            assert streamed.file.getvalue() == printed.file.getvalue() and printed.file.getvalue().count("\n") > 6000


def test_a_directory_that_is_a_symlink_loop_is_a_usage_error(cli, tmp_path):
    # Python 3.11's resolve() raises RuntimeError on a loop: it was an internal error
    (tmp_path / "l1").symlink_to(tmp_path / "l2")
    (tmp_path / "l2").symlink_to(tmp_path / "l1")
    result = cli("-C", str(tmp_path / "l1"), "status")
    assert result.exit_code == 2 and "符号链接循环" in result.stderr, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["render", "-o", "data/units.yaml"],  # replaced the unit registry with the notice
        ["render", "-o", "templates/bulletin.txt.j2"],
        ["export", "ledger", "-o", "data/台账.xlsx"],
        ["site", "-o", "data/site"],
        ["schema", "-o", "data/tasks/schemas"],  # made a folder validation then refused (E116)
        ["render", "-o", ".git/config"],
    ],
)
def test_no_output_goes_into_the_repositorys_own_folders(cli, repo, args):
    (repo / ".git").mkdir(exist_ok=True)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".dufu" not in p.parts}
    result = cli(*args, "-C", str(repo))
    assert result.exit_code == 2 and "输出会覆盖数据仓库自己的文件" in result.stderr, result.output
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".dufu" not in p.parts} == before


def test_an_output_file_that_is_a_folder_is_a_usage_error(cli, repo, tmp_path):
    result = cli("render", "-o", str(tmp_path), "-C", str(repo))
    assert result.exit_code == 2 and "是目录:请给出要写入的文件名" in result.stderr, result.output
