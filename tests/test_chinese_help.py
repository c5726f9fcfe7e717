"""Help and usage errors are Chinese, like the rest of dufu's output."""

from __future__ import annotations

import re

import pytest

COMMANDS = [[], ["completion"], ["status"], ["list"], ["show"], ["validate"], ["render"], ["schema"], ["init"], ["import"], ["import", "notice"], ["site"]]
COMMANDS += [["done"], ["close"], ["progress", "add"], ["new", "task"], ["units", "add"], ["bulletin", "new"]]
COMMANDS += [["export", "ledger"], ["import", "ledger"], ["diff"], ["adjust"], ["milestone"], ["milestone", "add"], ["milestone", "done"], ["log"]]
ALLOWED = {"LibreOffice", "PDF", "shell", "yaml", "dufu", "JSON", "Schema", "YYYY", "MM", "DD", "data", "schemas", "dufu", "r2", "r2-01", "table", "text"}
ALLOWED |= {"completion", "bash", "zsh", "fish", "eval", "status", "list", "show", "validate", "render", "schema", "init", "import", "notice", "site", "--help"}
ALLOWED |= {"done", "close", "progress", "add", "new", "task", "units", "bulletin", "export", "ledger", "Excel", "xlsx", "EDITOR"}
ALLOWED |= {"diff", "adjust", "milestone", "log", "git", "unit", "overdue", "behind", "due", "soon", "json", "CI"}


def english_left(text: str) -> set[str]:
    text = re.sub(r"--?[a-zA-Z][a-zA-Z-]*", "", text)  # option names are typed as they are
    text = re.sub(r"<[a-z|]+>|\{[^}]*\}|'[a-z]+'", "", text)  # choices: the values to type
    return {word for word in re.findall(r"[A-Za-z]{2,}", text) if word not in ALLOWED}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "dufu")
def test_help_has_no_english_left(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("用法:dufu")
    assert "显示本帮助并退出。" in result.stdout
    assert english_left(result.stdout) == set(), result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["show"], "错误:缺少参数 任务编号。"),
        (["status", "--bogus"], "错误:没有选项 --bogus"),
        (["nope"], "错误:没有命令“nope”。"),
        (["status", "--format", "x"], "错误:--format 的值无效:“x”不是可选的值"),
        (["status", "--limit", "-1"], "错误:--limit 的值无效:应不小于 0"),
        (["status", "--limit"], "错误:选项 --limit 需要一个值。"),
        (["status", "--limit", "x"], "错误:--limit 的值无效"),
        (["show", "r2-01", "extra"], "错误:多余的参数:extra"),
        (["status", "--as-of", "2020-13-01"], "错误:--as-of 的值无效:日期 2020-13-01 不存在"),
    ],
)
def test_usage_errors_are_chinese(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    if "需要一个值" not in message:  # Click gives that one without the usage lines
        assert result.stderr.startswith("用法:dufu") and "查看帮助。" in result.stderr
    assert english_left(result.stderr) <= {"nope", "extra", "x"}, result.stderr


def test_no_arguments_shows_chinese_help(cli):
    result = cli()
    assert "用法:dufu [选项] 命令 [参数]..." in result.stdout + result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "dufu")
def test_help_columns_line_up_with_chinese_metavars(cli, command):
    from dufu.zhclick import cell_len

    lines = cli(*command, "--help").stdout.splitlines()
    options = [line for line in lines if re.match(r"  -", line) and "  " in line.strip()]
    starts = {cell_len(re.match(r"(  \S.*?\S  +)\S", line).group(1)) for line in options}
    assert len(starts) == 1, "\n".join(options)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["list", "--round", "r1", "--round", "r2"], "--round"),
        (["list", "--status", "正在推进", "--status", "已完成"], "--status"),
        (["status", "--as-of", "2024-06-24", "--as-of", "2024-06-30"], "--as-of"),
        (["validate", "--today", "2026-01-01", "--today", "2026-01-02"], "--today"),
    ],
)
def test_a_single_valued_option_given_twice_is_a_usage_error(cli, repo, args, option):
    """Click keeps the last of them silently: `list --round r1 --round r2` showed r2 alone."""
    result = cli(*args, "-C", str(repo))
    assert result.exit_code == 2
    assert result.stderr.startswith("用法:dufu ") and result.stderr.endswith(f"错误:选项 {option} 只能给一次\n")


def test_options_that_take_many_values_and_c_before_and_after_the_command_still_work(cli, repo):
    result = cli("units", "add", "市新设局", "--alias", "新设局", "--alias", "新局", "-C", str(repo), "--dry-run")
    assert result.exit_code == 0, result.output
    assert cli("-C", str(repo), "status", "-C", str(repo)).exit_code == 0


def test_the_messages_of_the_completion_code_and_an_empty_command_are_chinese(cli, capsys):
    import typer._click as click

    import dufu.cli  # noqa: F401  (installs the translation)

    click.echo("Shell  not supported.", err=True)  # no shell detected (from a script)
    click.echo("Usage: the script it prints is code")  # stdout: left as it is
    out, err = capsys.readouterr()
    assert "不支持当前的 shell" in err and out == "Usage: the script it prints is code\n"
    assert "没有命令“”" in cli("").output  # `dufu ''` was "No such command ''."
