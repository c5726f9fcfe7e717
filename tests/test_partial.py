"""`dufu validate PATH…`: only the named files are reported, with their references checked."""

from __future__ import annotations

import json

from conftest import TODAY, edit


def _problems(cli, repo, *paths):
    named = [p if p.startswith("--") else str(repo / p) for p in paths]
    args = ["validate", "-C", str(repo), "--today", TODAY, "--format", "json", *named]
    result = cli(*args)
    return result.exit_code, json.loads(result.stdout) if result.stdout else None


def test_only_named_files_are_reported(cli, repo):
    edit(repo / "data/tasks/r2-03.yaml", "round: r2", "round: r9")
    exit_code, report = _problems(cli, repo, "data/tasks/r2-01.yaml")
    assert exit_code == 0 and report["problems"] == [] and report["files"] == 1
    exit_code, report = _problems(cli, repo, "data/tasks/r2-03.yaml")
    assert exit_code == 1
    assert [(p["line"], p["code"]) for p in report["problems"]] == [(3, "E310")]


def test_duplicate_id_with_an_unnamed_file_is_found(cli, repo):
    text = (repo / "data/tasks/r2-01.yaml").read_text(encoding="utf-8").replace("number: 1", "number: 5")
    (repo / "data/tasks/zz-new.yaml").write_text(text, encoding="utf-8")
    exit_code, report = _problems(cli, repo, "data/tasks/zz-new.yaml")
    assert exit_code == 1
    assert [p["code"] for p in report["problems"]] == ["E302"]


def test_duplicate_number_with_an_unnamed_file_is_found(cli, repo):
    edit(repo / "data/tasks/r2-03.yaml", "number: 3", "number: 1")
    exit_code, report = _problems(cli, repo, "data/tasks/r2-03.yaml")
    assert exit_code == 1 and [p["code"] for p in report["problems"]] == ["E303"]


def test_a_named_file_that_sorts_before_its_duplicate_is_reported(cli, repo):
    """The full run reports the second of two files with one id or number; a named file that
    sorts first (a new `a-….yaml` beside `r2-04.yaml`) is the one being checked, so it is
    reported too, naming the other."""
    text = (repo / "data/tasks/r2-04.yaml").read_text(encoding="utf-8")
    new = repo / "data/tasks/a-new.yaml"
    for ident, codes in (("r2-04", ["E302"]), ("R2-04", ["E306", "E303"]), ("r2-09", ["E303"])):
        new.write_text(text.replace("id: r2-04", f"id: {ident}"), encoding="utf-8")
        for cache in ([], ["--no-cache"]):
            exit_code, report = _problems(cli, repo, "data/tasks/a-new.yaml", *cache)
            assert exit_code == 1 and [p["code"] for p in report["problems"]] == codes
            assert all("data/tasks/r2-04.yaml" in p["message"] for p in report["problems"])
        full = json.loads(cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json").stdout)
        found = [(p["path"], p["code"]) for p in full["problems"] if p["code"] in ("E302", "E303", "E306")]
        assert found == [("data/tasks/r2-04.yaml", code) for code in codes]  # the full run: the second only


def test_unknown_unit_in_a_named_file(cli, repo):
    edit(repo / "data/tasks/r2-04.yaml", "工信局", "工信厅")
    exit_code, report = _problems(cli, repo, "data/tasks/r2-04.yaml")
    assert exit_code == 1 and [p["code"] for p in report["problems"]] == ["E312"]


def test_naming_a_bulletin_checks_it_against_all_tasks(cli, repo):
    bulletin = repo / "data/bulletins/2024-06-24.yaml"
    edit(bulletin, "r2: {total: 11, done: 7}", "r2: {total: 11, done: 8}")
    exit_code, report = _problems(cli, repo, "data/bulletins/2024-06-24.yaml")
    assert exit_code == 1 and [p["code"] for p in report["problems"]] == ["E351"]


def test_missing_path_and_path_outside_data_are_usage_errors(cli, repo):
    assert cli("validate", "-C", str(repo), str(repo / "data/tasks/nope.yaml")).exit_code == 2
    (repo / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    result = cli("validate", "-C", str(repo), str(repo / "notes.yaml"))
    assert result.exit_code == 2 and "不是数据文件" in result.stderr


def test_named_file_finds_its_repository_without_dash_c(cli, repo, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = cli("validate", "--today", TODAY, str(repo / "data/tasks/r2-01.yaml"))
    assert result.exit_code == 0, result.output


def test_a_file_in_a_hidden_folder_is_not_said_to_be_checked(cli, repo):
    # dufu never reads it (hidden folders are passed over): "检查了 1 个文件,没有发现问题" was untrue
    (repo / "data/tasks/.old").mkdir()
    (repo / "data/tasks/.old/x.yaml").write_text("id: [\n", encoding="utf-8")
    result = cli("validate", "-C", str(repo), "data/tasks/.old/x.yaml")
    assert result.exit_code == 2 and "在隐藏目录 .old 中(名称以 . 开头),dufu 不读取其中的文件" in result.stderr, result.output
