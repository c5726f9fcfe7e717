"""Everyday terminal habits: Chinese help and usage errors, -C before the command, a folder
to validate, narrow terminals, honest percentages, Chinese-aware line breaks."""

from __future__ import annotations

import re

import pytest
import typer
from conftest import PROJECT
from typer.testing import CliRunner

from dufu.cli import app
from dufu.views import percent_text
from dufu.zhwrap import wrap_zh

ENGLISH = re.compile(r"Usage|Options|Arguments|Commands|Show this|default:|required\\]|Error|Try '|Missing|No such|<list")


def _commands(group=None, prefix=()):
    group = group or typer.main.get_command(app)
    yield prefix
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*prefix, name)) if hasattr(command, "commands") else [(*prefix, name)]


def test_every_command_and_group_has_chinese_help(cli):
    seen = list(_commands())
    assert ("status",) in seen and ("import", "notice") in seen
    for words in seen:
        result = cli(*words, "--help")
        assert result.exit_code == 0, words
        assert result.stdout.startswith("用法:dufu"), words
        assert not ENGLISH.search(result.stdout), (words, ENGLISH.search(result.stdout))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show"], "错误:缺少参数 TASK。"),
        (["status", "--bogus"], "错误:没有选项 --bogus"),
        (["list", "--format", "xx"], "错误:--format 的值无效:“xx”不是可选的值"),
        (["nope"], "错误:没有命令 “nope”。"),
        (["status", "--limit"], "错误:选项 --limit 需要一个值。"),
        (["show", "r2-01", "extra"], "错误:多余的参数:extra"),
    ],
)
def test_usage_errors_are_in_chinese(args, expected):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert expected in result.stderr, result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_directory_before_the_command_as_git_takes_it(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no repository here
    before = cli("-C", str(PROJECT), "status", "--format", "json", "--as-of", "2024-06-24")
    after = cli("status", "-C", str(PROJECT), "--format", "json", "--as-of", "2024-06-24")
    assert before.exit_code == 0 and before.stdout == after.stdout
    assert cli("status").exit_code == 2  # and it does not stick to the next run


def test_validate_a_folder_checks_the_files_under_it(cli, repo):
    (repo / "data/tasks/r2-03.yaml").write_text("id: [\n", encoding="utf-8")
    tasks = cli("validate", str(repo / "data/tasks"), "--format", "json")
    rounds = cli("validate", str(repo / "data/rounds"), "--format", "json")
    assert tasks.exit_code == 1 and '"path": "data/tasks/r2-03.yaml"' in tasks.stdout
    assert rounds.exit_code == 0 and '"files": 2' in rounds.stdout


@pytest.mark.parametrize(
    ("done", "total", "text"),
    [(996, 1000, "99%"), (999, 1000, "99%"), (1000, 1000, "100%"), (1, 1000, "1%"), (0, 9, "0%"), (7, 11, "64%")],
)
def test_a_percentage_never_claims_all_or_nothing_wrongly(done, total, text):
    assert percent_text(done, total) == text


@pytest.mark.parametrize("width", [40, 50, 60, 80])
def test_narrow_terminals_never_hide_the_numbers(width):
    result = CliRunner().invoke(
        app, ["status", "-C", str(PROJECT), "--as-of", "2024-06-24"], env={"COLUMNS": str(width), "TERM": "dumb"}
    )
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if re.search(r"│\s*\d+\s*│", line)]
    numbers = [re.findall(r"│\s*(\d+)\s*(?=│)", row) for row in rows[:2]]
    assert numbers == [["17", "17", "0", "0"], ["11", "7", "4", "0"]], result.stdout
    assert "100%" in result.stdout and "64%" in result.stdout and "…" not in result.stdout


def test_chinese_lines_keep_numbers_and_punctuation_in_place():
    text = "市委主要负责同志召开常委会会议研究生态环境保护工作,2020年以来共36次。“两打”专项行动"
    for width in range(6, 40):
        lines = wrap_zh(text, width)
        assert "".join(lines) == text
        assert all(not line.startswith((",", "。", "”")) and not line.endswith("“") for line in lines)
        assert any("2020年" in line for line in lines) and any("36次。" in line for line in lines)


def test_show_never_breaks_a_line_inside_a_number_and_its_unit():
    for width in range(40, 81, 3):
        result = CliRunner().invoke(app, ["show", "r2-01", "-C", str(PROJECT)], env={"COLUMNS": str(width)})
        assert result.exit_code == 0
        inside = [line.strip("│ ") for line in result.stdout.splitlines() if line.startswith("│")]
        assert inside and not [line for line in inside if re.search(r"\d$", line)], width
        assert any("2020年以来" in line for line in inside)
