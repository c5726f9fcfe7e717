"""`validate FOLDER`: a folder stands for every data file discovered under it."""

from __future__ import annotations

import os

from conftest import TODAY


def test_validate_a_folder_checks_the_files_under_it(cli, repo):
    (repo / "data/tasks/r2-03.yaml").write_text("id: [\n", encoding="utf-8")
    tasks = cli("validate", str(repo / "data/tasks"), "--format", "json", "--today", TODAY)
    rounds = cli("validate", str(repo / "data/rounds"), "--format", "json", "--today", TODAY)
    assert tasks.exit_code == 1 and '"path": "data/tasks/r2-03.yaml"' in tasks.stdout
    assert rounds.exit_code == 0 and '"files": 2' in rounds.stdout


def test_validate_the_data_folder_is_the_whole_check(cli, repo):
    """Naming data/ itself runs every check, misplaced and refused files included."""
    os.mkfifo(repo / "data/tasks/pipe.yaml")
    (repo / "data/tasks/r2-09.yml").write_text("id: x\n", encoding="utf-8")
    result = cli("validate", str(repo / "data"), "--format", "json", "--today", TODAY)
    assert result.exit_code == 1
    assert '"code": "E115"' in result.stdout and '"code": "E110"' in result.stdout
    assert '"files": 10' in result.stdout
