"""Output formats of `dufu validate`: json, github annotations, SARIF 2.1.0."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import PROJECT, TODAY, edit


@pytest.fixture
def broken(repo):
    edit(repo / "data/tasks/r2-01.yaml", "round: r2", "round: r9")
    edit(repo / "data/tasks/r2-03.yaml", "status: 正在推进", "status: 进行中")
    return repo


def test_json_is_documented_shape(cli, broken):
    result = cli("validate", "-C", str(broken), "--today", TODAY, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert set(report) == {"version", "files", "errors", "warnings", "problems"}
    assert report["errors"] == 2  # tallies are not checked while a file fails to load
    for problem in report["problems"]:
        assert set(problem) == {"path", "line", "column", "code", "severity", "field", "message", "hint"}
    codes = {p["code"] for p in report["problems"]}
    assert {"E310", "E203"} <= codes


GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,:]+(,line=\d+,col=\d+)?,title=[EW]\d{3}::[^\n]+$")


def test_github_annotations_are_valid_workflow_commands(cli, broken):
    result = cli("validate", "-C", str(broken), "--today", TODAY, "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(GITHUB_LINE.match(line) for line in lines), lines
    assert "::error file=data/tasks/r2-01.yaml,line=3,col=8,title=E310::" in result.stdout


def test_github_escapes_newlines_and_percent():
    from dufu.problems import Problem
    from dufu.reporters import _gh_escape, format_github

    text = format_github([Problem("a,b:c.yaml", 1, 2, "E103", "100% 错\n误")])
    # a line break never reaches the log raw: problems show it as an escape
    assert text == "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=E103::100%25 错\\x0a误\n"
    assert _gh_escape("错\r\n误") == "错%0D%0A误"


def test_sarif_validates_against_the_sarif_210_model(cli, broken):
    from pydantic_sarif.model import StaticAnalysisResultsFormatSarifVersion210JsonSchema as SarifLog

    result = cli("validate", "-C", str(broken), "--today", TODAY, "--format", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    SarifLog.model_validate(document)  # raises when the document does not fit the schema
    assert document["version"] == "2.1.0"
    results = document["runs"][0]["results"]
    rules = [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]]
    assert {r["ruleId"] for r in results} == set(rules)
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    first = next(r for r in results if r["ruleId"] == "E310")
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "data/tasks/r2-01.yaml"},
        "region": {"startLine": 3, "startColumn": 8},
    }


def test_clean_run_in_every_format(cli, repo):
    shutil.rmtree(repo / "data/tasks")  # no tasks: nothing to warn about, tallies come from counts
    edit(repo / "data/rounds/r2.yaml", "count: 7", "count: 11")
    edit(repo / "data/bulletins/2024-06-24.yaml", "tasks: open", "tasks: []")
    edit(repo / "data/bulletins/2024-06-24.yaml", "r2: {total: 11, done: 7}", "r2: {total: 11, done: 11}")
    for fmt in ("text", "json", "github", "sarif"):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", fmt)
        assert result.exit_code == 0, (fmt, result.stdout)
    assert cli("validate", "-C", str(repo), "--format", "github").stdout == ""
    assert json.loads(cli("validate", "-C", str(repo), "--format", "sarif").stdout)["runs"][0]["results"] == []


def test_text_format_shows_source_line_and_caret(cli, broken):
    out = cli("validate", "-C", str(broken), "--today", TODAY).stdout
    assert "data/tasks/r2-01.yaml:3:8: E310 引用了不存在的轮次“r9”(round)\n    3 | round: r9\n      |        ^\n" in out
    assert "检查了 8 个文件:2 个错误,1 个警告。" in out


def test_shipped_project_is_untouched_by_validate():
    before = {p: p.read_bytes() for p in (PROJECT / "data").rglob("*.yaml")}
    from datetime import date

    from dufu.validate import validate_repository

    validate_repository(PROJECT, date(2026, 1, 1))
    assert before == {p: p.read_bytes() for p in (PROJECT / "data").rglob("*.yaml")}
