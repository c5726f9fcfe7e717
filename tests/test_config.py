"""Rule severities from dufu.toml or pyproject.toml."""

from __future__ import annotations

import json

import pytest
from conftest import TODAY, edit


def _codes(cli, repo, *extra):
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json", *extra)
    return result.exit_code, [(p["code"], p["severity"]) for p in json.loads(result.stdout)["problems"]]


def test_default_severity(cli, repo):
    assert _codes(cli, repo) == (0, [("W402", "warning")])


def test_dufu_toml_turns_a_rule_off(cli, repo):
    (repo / "dufu.toml").write_text('[rules]\nW402 = "off"\n', encoding="utf-8")
    assert _codes(cli, repo) == (0, [])


def test_dufu_toml_raises_a_warning_to_an_error(cli, repo):
    (repo / "dufu.toml").write_text('[rules]\nW402 = "error"\n', encoding="utf-8")
    assert _codes(cli, repo) == (1, [("W402", "error")])


def test_pyproject_tool_table(cli, repo):
    (repo / "pyproject.toml").write_text('[tool.dufu.rules]\nW402 = "error"\n', encoding="utf-8")
    assert _codes(cli, repo)[0] == 1


def test_an_error_rule_can_become_a_warning(cli, repo):
    edit(repo / "data/bulletins/2024-06-24.yaml", "r2: {total: 11, done: 7}", "r2: {total: 11, done: 8}")
    assert ("E351", "error") in _codes(cli, repo)[1]
    (repo / "dufu.toml").write_text('[rules]\nE351 = "warning"\n', encoding="utf-8")
    exit_code, codes = _codes(cli, repo)
    assert exit_code == 0 and ("E351", "warning") in codes
    assert cli("render", "-C", str(repo)).exit_code == 0  # warnings never block


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[rules]\nW999 = "off"\n', "没有规则 W999"),
        ('[rules]\nW402 = "loud"\n', "error、warning 或 off"),
        ('[rules]\nE103 = "off"\n', "不能更改"),
        ("[rules\n", "dufu.toml: 第 1 行第 7 列:配置文件不是有效的 TOML"),
        ("a = " + "[" * 2000 + "]" * 2000 + "\n", "配置文件嵌套过深"),
        (b"a = 1\n\xff\n", "不是 UTF-8 编码"),
        ('[rules]\n"\\u001b[31mX" = "off"\n', "没有规则 \\x1b[31mX"),
        # a table or a rule misplaced had no effect and no word
        ('[rule]\nW402 = "off"\n', "dufu.toml: 没有设置项 rule(可用的表:[rules]、[deadlines])"),
        ("[deadline]\ndue_soon_days = 15\n", "没有设置项 deadline"),
        ('W402 = "off"\n', "dufu.toml: 规则 W402 应写在 [rules] 表下"),
    ],
)
def test_bad_configuration_is_a_usage_error(cli, repo, content, message):
    (repo / "dufu.toml").write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = cli("validate", "-C", str(repo))
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[tool.dufu]\nW402 = "off"\n', "pyproject.toml: 规则 W402 应写在 [tool.dufu.rules] 表下"),
        ('[tool.dufu.rule]\nW402 = "off"\n', "没有设置项 rule(可用的表:[tool.dufu.rules]、[tool.dufu.deadlines])"),
    ],
)
def test_a_misplaced_setting_in_pyproject_names_its_tables(cli, repo, content, message):
    (repo / "pyproject.toml").write_text(content, encoding="utf-8")
    result = cli("validate", "-C", str(repo))
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("content", ["tool = 1\n", '[tool]\ndufu = "x"\n', "[tool]\ndufu = [1]\n"])
def test_a_pyproject_whose_tool_dufu_is_not_a_table_is_a_usage_error(cli, repo, content):
    (repo / "pyproject.toml").write_text(content, encoding="utf-8")
    result = cli("validate", "-C", str(repo))
    assert (result.exit_code, result.stderr) == (2, "错误:pyproject.toml: tool.dufu 应为表,如 [tool.dufu.rules]\n")
