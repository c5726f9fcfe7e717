"""The one write path: check the repository as it would be, protect published notices,
write atomically or not at all, show the diff."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import GOLDEN

from dufu.writer import WriteRefused, change_file, commit_changes

TODAY = date(2026, 1, 1)
TASK = "data/tasks/r2-04.yaml"


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def replaced(root, rel, old, new):
    text = (root / rel).read_bytes()
    assert old.encode() in text
    return change_file(root, rel, text.replace(old.encode(), new.encode(), 1))


def test_a_valid_change_is_written_and_its_diff_returned(repo):
    change = replaced(repo, TASK, "status: 正在推进", "status: 基本完成")
    diff = commit_changes(repo, [change], TODAY)
    assert "-status: 正在推进\n+status: 基本完成\n" in diff and diff.startswith(f"--- a/{TASK}\n+++ b/{TASK}\n")
    assert (repo / TASK).read_bytes() == change.new


def test_dry_run_writes_nothing(repo):
    before = snapshot(repo)
    diff = commit_changes(repo, [replaced(repo, TASK, "status: 正在推进", "status: 基本完成")], TODAY, dry_run=True)
    assert "+status: 基本完成" in diff and snapshot(repo) == before


def test_a_change_that_adds_an_error_is_refused_and_nothing_is_written(repo):
    before = snapshot(repo)
    good = replaced(repo, TASK, "status: 正在推进", "status: 基本完成")
    bad = replaced(repo, "data/tasks/r2-03.yaml", "round: r2", "round: r9")
    with pytest.raises(WriteRefused) as caught:
        commit_changes(repo, [good, bad], TODAY)
    assert sorted(p.code for p in caught.value.problems) == ["E310", "E350", "E351"]
    assert snapshot(repo) == before


def test_a_change_to_a_published_notice_needs_consent(repo):
    before = snapshot(repo)
    done = replaced(repo, TASK, "status: 正在推进", "status: 已完成\ncompleted_on: 2024-05-01")
    with pytest.raises(WriteRefused, match="已发布公告 2024-06-24"):
        commit_changes(repo, [done], TODAY)
    assert snapshot(repo) == before
    commit_changes(repo, [done], TODAY, accept_published=True)
    assert (repo / TASK).read_bytes() == done.new


def test_a_completion_after_the_cutoff_leaves_the_notice_alone(repo):
    done = replaced(repo, TASK, "status: 正在推进", "status: 已完成\ncompleted_on: 2024-07-15")
    commit_changes(repo, [done], TODAY)
    from dufu.bulletin import get_bulletin, render_bulletin
    from dufu.validate import load_valid

    data = load_valid(repo, TODAY)
    assert render_bulletin(data, get_bulletin(data, None)).encode() == (GOLDEN / "sanming-2024-06-24.txt").read_bytes()


def test_new_files_and_unchanged_files(repo):
    assert commit_changes(repo, [change_file(repo, TASK, (repo / TASK).read_bytes())], TODAY) == ""
    units = (repo / "data/units.yaml").read_bytes()
    change = change_file(repo, "data/units.yaml", units + "  - name: 市新设局\n".encode())
    diff = commit_changes(repo, [change], TODAY)
    assert "+  - name: 市新设局" in diff
