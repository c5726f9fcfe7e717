"""dufu log: a task's dated records, and the git commits that changed its file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_time_commands import add_report

if shutil.which("git") is None and not os.environ.get("CI"):
    pytest.skip("git is not installed", allow_module_level=True)


def git(root: Path, *args: str, day: str = "2024-07-01T10:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": day, "GIT_COMMITTER_DATE": day}
    command = ["git", "-c", "user.name=张三", "-c", "user.email=z@example.org", "-c", "init.defaultBranch=main", *args]
    return subprocess.run(command, cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def history(repo: Path) -> Path:
    """The shipped data in git: the seed, then a new report for r2-03, an adjustment, a move."""
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "导入2024-06-24公告")
    add_report(repo, "r2-03")
    git(repo, "commit", "-q", "-am", "9月进展", day="2024-10-08T09:00:00+08:00")
    text = (repo / "data/tasks/r2-03.yaml").read_text(encoding="utf-8")
    text = text.replace("progress:\n", "adjustments:\n  - on: 2024-10-01\n    deadline: 2025年底前\nprogress:\n", 1)
    (repo / "data/tasks/r2-03.yaml").write_text(text, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "调整时限", day="2024-10-09T09:00:00+08:00")
    (repo / "data/tasks/r2").mkdir()
    git(repo, "mv", "data/tasks/r2-03.yaml", "data/tasks/r2/r2-03.yaml")
    git(repo, "commit", "-q", "-m", "按轮次分目录", day="2024-10-10T09:00:00+08:00")
    return repo


def log(cli, root: Path, *args: str) -> dict:
    result = cli("log", "r2-03", "-C", str(root), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_commits_with_what_changed_renames_followed(cli, history):
    record = log(cli, history)
    assert record["file"] == "data/tasks/r2/r2-03.yaml" and record["git"]["state"] == "ok"
    commits = [(c["date"], c["author"], c["subject"], c["changes"]) for c in record["git"]["commits"]]
    assert commits == [
        ("2024-10-10", "张三", "按轮次分目录", ["文件改名:data/tasks/r2-03.yaml → data/tasks/r2/r2-03.yaml"]),
        ("2024-10-09", "张三", "调整时限", ["新增调整(自2024-10-01起)"]),
        ("2024-10-08", "张三", "9月进展", ["新增整改进展(截至2024-09-30)"]),
        ("2024-07-01", "张三", "导入2024-06-24公告", ["新建文件"]),
    ]


def test_data_events_are_dated_and_follow_as_of(cli, history):
    events = [(e["date"], e["kind"]) for e in log(cli, history)["events"]]
    assert events == [("2024-05-31", "report"), ("2024-09-30", "report"), ("2024-10-01", "adjustment")]
    assert [e["date"] for e in log(cli, history, "--as-of", "2024-09-30")["events"]] == ["2024-05-31", "2024-09-30"]
    words = log(cli, history)["events"][-1]["words"]
    assert words == "调整:自2024年10月1日起,整改时限改为“2025年底前”"


def test_status_and_field_changes_are_named(cli, history):
    path = history / "data/tasks/r2/r2-03.yaml"
    text = path.read_text(encoding="utf-8").replace("status: 正在推进", "status: 已完成\ncompleted_on: 2024-10-20", 1)
    path.write_text(text, encoding="utf-8")
    git(history, "commit", "-q", "-am", "完成", day="2024-10-21T09:00:00+08:00")
    (latest,) = log(cli, history)["git"]["commits"][:1]
    assert latest["changes"] == ["状态:正在推进 → 已完成", "完成时间:(无) → 2024-10-20"]


def test_a_shallow_clone_says_history_is_missing(cli, history, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history}", str(clone)], check=True, capture_output=True)
    record = log(cli, clone)
    assert record["git"]["state"] == "shallow" and record["git"]["commits"] == []
    assert "git fetch --unshallow" in record["git"]["message"]
    assert len(record["events"]) == 3  # the data's own records are still all there
    table = cli("log", "r2-03", "-C", str(clone)).stdout
    assert "浅克隆" in table and "按轮次分目录" not in table


def test_outside_git_and_without_git(cli, repo, tmp_path, monkeypatch):
    plain = tmp_path / "plain"
    shutil.copytree(repo / "data", plain / "data")
    (plain / ".git").mkdir()  # not a repository, just a folder of that name: git says so
    assert log(cli, plain)["git"]["state"] in ("not-git", "failed")
    shutil.rmtree(plain / ".git")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert log(cli, plain)["git"] == {
        "state": "not-git", "message": "数据仓库不在 git 中,没有提交记录", "more": False, "uncommitted": False, "commits": []
    }
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert log(cli, plain)["git"]["state"] == "no-git"


def test_an_unknown_task_is_a_usage_error(cli, repo):
    result = cli("log", "r9-99", "-C", str(repo))
    assert result.exit_code == 2 and "没有编号为“r9-99”的任务" in result.stderr


def test_uncommitted_changes_are_said(cli, history):
    assert log(cli, history)["git"]["uncommitted"] is False
    add_report(history, "r2-01")
    record = log(cli, history)
    assert record["git"]["uncommitted"] is False  # r2-01 changed, not r2-03
    path = history / "data/tasks/r2/r2-03.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    assert log(cli, history)["git"]["uncommitted"] is True
    assert "尚未提交的修改" in cli("log", "r2-03", "-C", str(history)).stdout


def test_a_subject_holding_the_bytes_of_any_separator_is_read_as_written(cli, history):
    # \x1e and \x1f once separated the fields: such a subject hid its commit or forged a rename
    path = history / "data/tasks/r2/r2-03.yaml"
    for number, subject in enumerate(["改状态\x1e伪造", "x\x1fy\x1fz"], 1):
        path.write_text(path.read_text(encoding="utf-8") + f"# 备注{number}\n", encoding="utf-8")
        git(history, "commit", "-q", "-am", subject, day=f"2024-10-2{number}T09:00:00+08:00")
    commits = [(c["date"], c["subject"], c["changes"]) for c in log(cli, history)["git"]["commits"][:3]]
    assert commits == [
        ("2024-10-22", "x\\x1fy\\x1fz", ["格式或注释改动,数据未变"]),
        ("2024-10-21", "改状态\\x1e伪造", ["格式或注释改动,数据未变"]),
        ("2024-10-10", "按轮次分目录", ["文件改名:data/tasks/r2-03.yaml → data/tasks/r2/r2-03.yaml"]),
    ]


def test_a_version_read_again_after_one_that_could_not_be_is_not_blamed(cli, history):
    path = history / "data/tasks/r2/r2-03.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "id: r2-03\n", encoding="utf-8")  # a duplicate key: no task file
    git(history, "commit", "-q", "-am", "坏", day="2024-10-21T09:00:00+08:00")
    path.write_text(good, encoding="utf-8")
    git(history, "commit", "-q", "-am", "修复", day="2024-10-22T09:00:00+08:00")
    commits = [(c["subject"], c["changes"]) for c in log(cli, history)["git"]["commits"][:2]]
    assert commits == [("修复", ["(上一版本无法作为任务文件读取,无法列出改动)"]), ("坏", ["(这一版本无法作为任务文件读取)"])]


def test_a_git_directory_committed_into_the_repository_runs_nothing(cli, repo, tmp_path):
    # a stranger's pull request makes the data repository's folder a bare git directory whose
    # config names a signature program; git log --show-signature ran it
    marker = tmp_path / "ran"
    program = tmp_path / "evil.sh"
    program.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    program.chmod(0o755)
    git(repo, "init", "-q")
    git(repo, "add", "-A", "data")
    git(repo, "commit", "-q", "-m", "init")
    for key, value in (("log.showSignature", "true"), ("gpg.program", str(program)), ("core.bare", "false"), ("core.worktree", ".")):
        git(repo, "config", key, value)
    (repo / "data/tasks/r2-01.yaml").write_text((repo / "data/tasks/r2-01.yaml").read_text(encoding="utf-8") + "# edit\n", encoding="utf-8")
    git(repo, "add", "data/tasks/r2-01.yaml")  # a signed commit of the task's file: log checks its signature
    head = git(repo, "rev-parse", "HEAD").strip()
    tree = git(repo, "write-tree").strip()
    signed = (
        f"tree {tree}\nparent {head}\nauthor a <a@b> 1700000000 +0000\ncommitter a <a@b> 1700000000 +0000\n"
        "gpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----\n\nsigned\n"
    )
    commit = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo, input=signed,
                            capture_output=True, text=True, check=True).stdout.strip()
    git(repo, "update-ref", "HEAD", commit)
    for part in (repo / ".git").iterdir():
        part.rename(repo / part.name)
    (repo / ".git").rmdir()
    result = cli("log", "r2-01", "-C", str(repo))
    assert result.exit_code == 0, result.output
    assert not marker.exists()


def test_a_file_name_is_a_path_not_a_pattern(cli, repo):
    # r2-0*.yaml as a pathspec matched every task file: commits of others were listed as renames
    (repo / "data/tasks/r2-01.yaml").rename(repo / "data/tasks/r2-0*.yaml")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    add_report(repo, "r2-02")
    git(repo, "commit", "-q", "-am", "r2-02 的进展", day="2024-10-08T09:00:00+08:00")
    result = cli("log", "r2-01", "-C", str(repo), "--format", "json")
    assert [c["subject"] for c in json.loads(result.stdout)["git"]["commits"]] == ["init"], result.output


def test_a_former_file_name_with_a_line_break_keeps_its_history(cli, repo):
    # (a name dufu refuses now, E117, but history may hold it) git quoted it, and no version was read
    (repo / "data/tasks/r2-01.yaml").rename(repo / "data/tasks/r2\n01.yaml")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    text = (repo / "data/tasks/r2\n01.yaml").read_text(encoding="utf-8")
    (repo / "data/tasks/r2\n01.yaml").write_text(text.replace("status: 正在推进", "status: 达到序时进度"), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "状态", day="2024-10-08T09:00:00+08:00")
    git(repo, "mv", "data/tasks/r2\n01.yaml", "data/tasks/r2-01.yaml")
    git(repo, "commit", "-q", "-m", "改名", day="2024-10-09T09:00:00+08:00")
    record = json.loads(cli("log", "r2-01", "-C", str(repo), "--format", "json").stdout)
    commits = [(c["subject"], c["changes"]) for c in record["git"]["commits"]]
    assert commits[1:] == [("状态", ["状态:正在推进 → 达到序时进度"]), ("init", ["新建文件"])], commits


def test_an_old_versions_text_is_shown_never_obeyed(cli, repo):
    # an old version's text was never validated: an escape sequence in it reached the terminal
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "init")
    path = repo / "data/tasks/r2-01.yaml"
    clean = path.read_text(encoding="utf-8")
    path.write_text(clean.replace("title: 思想认识不够到位问题", 'title: "\\e]2;PWNED\\e\\\\\\e[2J"'), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "坏的标题", day="2024-10-08T09:00:00+08:00")
    deep = "title: " + "[" * 990 + "]" * 990 + "\n"
    path.write_text(clean.replace("title: 思想认识不够到位问题\n", deep), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "嵌套的标题", day="2024-10-09T09:00:00+08:00")
    path.write_text(clean, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "改回", day="2024-10-10T09:00:00+08:00")
    result = cli("log", "r2-01", "-C", str(repo))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\\x1b]2;PWNED" in result.stdout


def test_a_data_repository_in_a_folder_of_the_git_repository_is_not_called_uncommitted(cli, repo, tmp_path):
    # HEAD:<path> is read from the top of the git repository: every file looked uncommitted
    top = tmp_path / "top"
    top.mkdir()
    repo.rename(top / "ledger")
    git(top, "init", "-q")
    git(top, "-c", "core.autocrlf=true", "add", "-A")
    git(top, "commit", "-q", "-m", "init")
    record = json.loads(cli("log", "r2-04", "-C", str(top / "ledger"), "--format", "json").stdout)
    assert record["git"]["state"] == "ok" and record["git"]["uncommitted"] is False, record["git"]
    (top / "ledger/data/tasks/r2-04.yaml").write_text((top / "ledger/data/tasks/r2-04.yaml").read_text(encoding="utf-8") + "# edit\n", encoding="utf-8")
    record = json.loads(cli("log", "r2-04", "-C", str(top / "ledger"), "--format", "json").stdout)
    assert record["git"]["uncommitted"] is True


def test_a_commit_on_a_merged_branch_is_compared_with_its_own_parent(cli, history):
    # each commit was compared with the next one listed: after a merge, another branch's, so
    # a title changed on one branch showed as changed back by a commit on the other
    path = history / "data/tasks/r2/r2-03.yaml"
    git(history, "checkout", "-q", "-b", "branch")
    path.write_text(path.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 甲", 1), encoding="utf-8")
    git(history, "commit", "-q", "-am", "支线改问题", day="2024-10-11T09:00:00+08:00")
    git(history, "checkout", "-q", "main")
    path.write_text(path.read_text(encoding="utf-8").replace("\ntarget: ", "\ntarget: 乙", 1), encoding="utf-8")
    git(history, "commit", "-q", "-am", "主线改时限", day="2024-10-12T09:00:00+08:00")
    git(history, "merge", "-q", "--no-edit", "branch", day="2024-10-13T09:00:00+08:00")
    changes = {c["subject"]: c["changes"] for c in log(cli, history)["git"]["commits"]}
    (main,) = changes["主线改时限"]
    (branch,) = changes["支线改问题"]
    assert main.startswith("整改目标:") and " → 乙" in main, main
    assert branch.startswith("问题:") and " → 甲" in branch, branch
    assert changes["按轮次分目录"] == ["文件改名:data/tasks/r2-03.yaml → data/tasks/r2/r2-03.yaml"]


def test_a_long_text_changed_at_its_end_shows_where_it_changed(cli, history):
    path = history / "data/tasks/r2/r2-03.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ntitle: ", "\ntitle: " + "很长的问题名称" * 8, 1), encoding="utf-8")
    git(history, "commit", "-q", "-am", "长问题", day="2024-10-21T09:00:00+08:00")
    path.write_text(path.read_text(encoding="utf-8").replace("问题\n", "问题(已修订)\n", 1), encoding="utf-8")
    git(history, "commit", "-q", "-am", "改末尾", day="2024-10-22T09:00:00+08:00")
    (change,) = log(cli, history)["git"]["commits"][0]["changes"]
    old, new = change.removeprefix("问题:").split(" → ")
    assert old.startswith("…") and new.startswith("…") and new.endswith("问题(已修订)"), change
    assert len(old) <= 40 and len(new) <= 40
