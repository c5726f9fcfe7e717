"""Everyday terminal habits: -C before the command, honest percentages, narrow terminals,
non-UTF-8 stdout, counted tasks in `list --round`, CSV for Excel."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest
from conftest import PROJECT
from rich.cells import cell_len
from rich.console import Console, Group

from dufu.ledger import RoundTally
from dufu.models import Round
from dufu.views import status_view


def test_directory_before_the_command_as_git(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = cli("-C", str(PROJECT), "status", "--format", "json")
    after = cli("status", "-C", str(PROJECT), "--format", "json")
    assert before.exit_code == 0, before.stderr
    assert before.stdout == after.stdout
    assert cli("status").exit_code != 0  # the -C of an earlier run is not remembered


def _tally(total: int, done: int) -> RoundTally:
    rnd = Round(id="r9", name="第九轮督察", short_name="第九轮督察")
    return RoundTally(rnd, total, done, 0, {"已完成": done, "正在推进": total - done})


@pytest.mark.parametrize(
    "total, done, shown", [(1000, 996, 99), (1000, 999, 99), (1000, 1000, 100), (1000, 1, 1), (1000, 0, 0), (11, 7, 63)]
)
def test_percentage_is_floored_and_never_100_or_0_early(total, done, shown):
    assert _tally(total, done).percent_shown == shown


@pytest.mark.parametrize("width", [40, 50, 60, 80])
def test_narrow_status_never_hides_numbers(width):
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(status_view([_tally(1000, 996)], [], date(2024, 6, 24)))
    text = console.export_text()
    assert all(len(line) <= width for line in text.splitlines())
    for number in ("1000", "996", "99%"):
        assert number in text, text
    assert "100%" not in text


@pytest.mark.parametrize("encoding", ["ascii", "gbk"])
@pytest.mark.parametrize("args", [["status"], ["list"], ["show", "r2-01"], ["validate"], ["render"]])
def test_stdout_that_is_not_utf8_still_gets_output(encoding, args):
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    code = "from dufu.cli import run; run()"
    proc = subprocess.run([sys.executable, "-c", code, *args, "-C", str(PROJECT)], capture_output=True, env=env)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    utf8 = encoding == "ascii" or args == ["render"]  # a notice is always its UTF-8 bytes
    text = proc.stdout.decode("utf-8" if utf8 else "gbk")
    assert "内部错误" not in text and text.strip()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)  # Chinese, readable


def test_list_round_says_how_many_are_known_only_by_count(cli):
    result = cli("list", "-C", str(PROJECT), "--round", "r1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "共 0 项任务(另有 17 项只知数量、未逐项录入,不在此列)\n"  # and no empty table
    # only those the filters could have listed: of the status asked for, and none for a unit or a deadline
    nothing = cli("list", "-C", str(PROJECT), "--status", "尚未启动")
    assert (nothing.exit_code, nothing.stdout) == (0, "共 0 项任务\n")
    done = cli("list", "-C", str(PROJECT), "--status", "已完成")
    assert done.stdout.startswith("共 0 项任务(另有 24 项只知数量、未逐项录入,不在此列)"), done.stdout
    unit = cli("list", "-C", str(PROJECT), "--unit", "市生态环境局")
    assert unit.stdout.split("\n")[0].strip() == "共 2 项任务", unit.stdout


def test_csv_starts_with_a_utf8_bom(cli):
    result = cli("list", "-C", str(PROJECT), "--format", "csv")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf\xe7\xbc\x96\xe5\x8f\xb7")  # BOM, then 编号


SAMPLE = "到2020年底前完成整改,共清理违规项目1234个、r2-01相关问题12项,并于2021年6月30日前通过验收。" * 3


@pytest.mark.parametrize("width", [11, 17, 23, 40, 60, 80])
def test_chinese_wrapping_never_splits_numbers_or_ascii(width):
    from dufu.cjkwrap import WrappedText

    console = Console(width=width, record=True, color_system=None)
    console.print(Group(WrappedText(SAMPLE)))  # print() would merge a bare Text into a plain one
    lines = console.export_text().splitlines()
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(line.rstrip() for line in lines) == SAMPLE
    runs = [run for line in lines for run in re.findall(r"[0-9A-Za-z\-]+", line)]
    assert runs == re.findall(r"[0-9A-Za-z\-]+", SAMPLE)


@pytest.mark.parametrize("width", ["40", "60", "80"])
def test_show_never_splits_a_number_across_lines(width):
    env = {**os.environ, "COLUMNS": width, "PYTHONIOENCODING": "utf-8"}
    code = "from dufu.cli import run; run()"
    args = ["show", "r2-01", "-C", str(PROJECT), "--as-of", "2024-06-24"]
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=env, text=True).stdout
    assert "2024年" in out
    assert all(cell_len(line) <= int(width) for line in out.splitlines())
    assert not re.search(r"[0-9A-Za-z] *│\n│ *[0-9A-Za-z]", out), out


def test_validate_a_folder_checks_the_files_under_it(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / "data" / "tasks" / "r2-03.yaml").write_text("id: [\n", encoding="utf-8")
    folder = cli("validate", "data/tasks", "--format", "json")
    assert folder.exit_code == 1
    record = json.loads(folder.stdout)
    assert record["files"] >= 4
    assert any(p["path"] == "data/tasks/r2-03.yaml" and p["severity"] == "error" for p in record["problems"])
    assert cli("validate", "data/rounds").exit_code == 0  # the broken task file is not under data/rounds


def test_validate_an_empty_folder_is_a_usage_error(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    (repo / "data" / "empty").mkdir()
    result = cli("validate", "data/empty")
    assert result.exit_code == 2 and "data/empty 下没有 .yaml 数据文件" in result.stderr


@pytest.mark.parametrize("width", [40, 60, 71, 80, 120])
def test_narrow_open_task_table_never_collapses_a_column(width):
    from dufu.views import task_table

    from dufu.validate import load_valid

    data = load_valid(PROJECT, date(2024, 6, 24), keep_text=False, cache=False)
    tasks = [t for t in data.tasks.values() if t.status_at(date(2024, 6, 24)) != "已完成"][:3]
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(task_table(tasks, date(2024, 6, 24), title="未完成的任务"))
    text = console.export_text()
    assert all(cell_len(line) <= width for line in text.splitlines())
    assert "┳┳" not in text and "││" not in text  # no column squeezed to nothing
    assert all(t.id in text for t in tasks) and "2024年5月31日" in text
    header = next(line for line in text.splitlines() if "编号" in line and "┃" in line)
    assert ("牵头单位" in header) == (width >= 72) and ("终端较窄" in text) == (width < 72)



DUFU = os.path.join(os.path.dirname(sys.executable), "dufu")  # the console script pip installed beside python
PLAIN = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}


def _with_closed(fd: str, *args: str) -> subprocess.CompletedProcess:
    """dufu started with a standard stream closed (`>&-` or `2>&-`)."""
    script = f'"$0" "$@" {fd}>&-'
    return subprocess.run(["sh", "-c", script, DUFU, *args], capture_output=True, text=True, env=PLAIN, check=False)


@pytest.mark.parametrize("args", [["status"], ["validate"], ["--help"], ["--version"], ["render", "--today", "2026-01-01"]])
def test_a_closed_stdout_is_one_line_and_exit_1(repo, args):
    result = _with_closed("1", "-C", str(repo), *args)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "错误:标准输出已关闭,dufu 无处写出结果。\n")


def test_a_closed_stderr_changes_nothing_on_stdout(repo):
    """What dufu would say on stderr goes nowhere; its output and exit code are as ever."""
    for args, code in ((["status", "--as-of", "2024-06-24"], 0), (["show", "nope"], 2), (["validate"], 0)):
        shown = _with_closed("2", "-C", str(repo), *args)
        expected = subprocess.run([DUFU, "-C", str(repo), *args], capture_output=True, text=True, env=PLAIN, check=False)
        assert (shown.returncode, shown.stdout, shown.stderr) == (code, expected.stdout, "")
        assert expected.returncode == code and (code == 0 or expected.stderr)


@pytest.mark.parametrize("width", [40, 60])
@pytest.mark.parametrize(
    "args", [["status", "--by", "unit", "--as-of", "2024-06-24"], ["diff", "2024-01-01", "2024-06-24"]], ids=["units", "diff"]
)
def test_on_a_narrow_screen_headers_and_names_wrap_instead_of_ending_in_an_ellipsis(repo, width, args):
    from typer.testing import CliRunner

    from dufu.cli import app

    result = CliRunner().invoke(app, [*args, "-C", str(repo)], env={"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0 and "…" not in result.stdout
    assert all(cell_len(line) <= width for line in result.stdout.splitlines())


@pytest.mark.parametrize("width", [40, 50, 60, 80])
def test_on_a_narrow_screen_every_unit_header_is_shown_whole(repo, width):
    from typer.testing import CliRunner

    from dufu.cli import app

    args = ["status", "--by", "unit", "--as-of", "2024-06-24", "-C", str(repo)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("┡"))
    cells = [line.strip("┃").split("┃") for line in lines[top + 1 : bottom]]
    headers = ["".join(row[column].strip() for row in cells) for column in range(len(cells[0]))]
    assert headers == ["单位", "任务", "牵头", "已完成", "未完成", "逾期", "滞后", "临近到期"]


@pytest.mark.parametrize("width", ["0", "5", "20"])
def test_a_terminal_said_to_be_too_narrow_still_gets_every_message_and_number(width, tmp_path):
    # COLUMNS=0 printed nothing at all, errors included; 20 cut the numbers to …
    env = {**os.environ, "COLUMNS": width, "PYTHONIOENCODING": "utf-8"}
    code = "from dufu.cli import run; run()"

    def dufu(*args):
        return subprocess.run([sys.executable, "-c", code, *args, "-C", str(PROJECT)], capture_output=True, env=env, text=True)

    missing = dufu("show", "r2-99")
    assert missing.returncode == 2 and "没有编号为“r2-99”的任务" in missing.stderr, missing
    status = dufu("status", "--as-of", "2024-06-24").stdout
    assert "…" not in status and "63%" in status and "│  11│     7│" in status, status
