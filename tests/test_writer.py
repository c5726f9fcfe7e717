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


def _template(root, text: str) -> None:
    from dufu.templates import PACKAGE_TEMPLATES

    (root / "templates").mkdir(exist_ok=True)
    default = (PACKAGE_TEMPLATES / "bulletin.txt.j2").read_text(encoding="utf-8")
    (root / "templates/bulletin.txt.j2").write_text(default + text, encoding="utf-8")


def test_a_published_notice_that_cannot_be_rendered_refuses_the_write(repo):
    """A broken template must not switch the guard off: it cannot tell what the change does."""
    _template(repo, "{% if %}\n")
    before = snapshot(repo)
    moved = replaced(repo, "data/tasks/r2-01.yaml", "deadline: 立行立改、长期坚持", "deadline: 2025年底前")
    with pytest.raises(WriteRefused, match="已发布公告 2024-06-24 现在无法生成.*模板语法错误"):
        commit_changes(repo, [moved], TODAY)
    assert snapshot(repo) == before
    commit_changes(repo, [moved], TODAY, accept_published=True)  # the user's word, as for any change
    assert (repo / "data/tasks/r2-01.yaml").read_bytes() == moved.new


def test_a_change_after_which_a_published_notice_cannot_be_rendered_is_refused(repo):
    _template(repo, "{% if '2025年底前' in notice.sections|map(attribute='fields')|list|string %}{{ 1/0 }}{% endif %}\n")
    before = snapshot(repo)
    moved = replaced(repo, "data/tasks/r2-01.yaml", "deadline: 立行立改、长期坚持", "deadline: 2025年底前")
    with pytest.raises(WriteRefused, match="已发布公告 2024-06-24 修改后无法生成.*ZeroDivisionError"):
        commit_changes(repo, [moved], TODAY)
    assert snapshot(repo) == before


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


def test_a_write_command_is_not_hung_by_a_template(cli, repo, monkeypatch):
    """Every write renders each published notice again: a slow template ends it, with exit 1."""
    from dufu import templates

    monkeypatch.setattr(templates, "MAX_RENDER_SECONDS", 0.3)
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n", encoding="utf-8"
    )
    result = cli("done", "r2-01", "--on", "2024-07-01", "--dry-run", "-C", str(repo), "--today", "2026-01-01")
    assert result.exit_code == 1, result.output
    assert "超过 0.3 秒" in result.stderr and "内部错误" not in result.stderr


def _files(root):
    """Every file (with its bytes) and folder, the index's aside."""
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*")) if ".dufu" not in p.parts}


def test_a_write_of_several_files_is_all_or_nothing(cli, repo, tmp_path):
    # the files before the read-only one were written: the repository was left half-changed
    notice = tmp_path / "notice.txt"
    notice.write_bytes(cli("render", "-C", str(repo)).stdout_bytes)
    fresh = tmp_path / "fresh"
    assert cli("init", str(fresh)).exit_code == 0
    (fresh / "data/units.yaml").chmod(0o444)
    before = _files(fresh)
    result = cli("import", "notice", str(notice), "-C", str(fresh), "--today", "2024-07-25")
    assert result.exit_code == 1 and "units.yaml" in result.stderr and "只读" in result.stderr, result.output
    assert _files(fresh) == before
    (repo / "data/bulletins/2024-06-24.yaml").chmod(0o444)  # done also restates the notice's totals
    before = _files(repo)
    done = cli("done", "r2-02", "--on", "2024-05-20", "--accept-published-change", "-C", str(repo), "--today", "2024-07-25")
    assert done.exit_code == 1 and _files(repo) == before, done.output


def test_folders_made_for_a_write_that_fails_are_removed(tmp_path):
    from dufu.files import write_all_atomic
    from dufu.problems import DufuError

    (tmp_path / "locked.yaml").write_bytes(b"old")
    (tmp_path / "locked.yaml").chmod(0o444)
    with pytest.raises(DufuError):  # the new folder is made first, the read-only file refuses after
        write_all_atomic([(tmp_path / "new/deep/a.yaml", b"a"), (tmp_path / "locked.yaml", b"new")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked.yaml"]
    with pytest.raises(DufuError):  # refused before any temporary file was written
        write_all_atomic([(tmp_path / "locked.yaml", b"new"), (tmp_path / "new/a.yaml", b"a")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked.yaml"]
