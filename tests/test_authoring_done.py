"""dufu done / close: spliced edits, published-notice protection, refusals that write nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import yaml
from conftest import TODAY

TASK = "data/tasks/r2-04.yaml"


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


UNUSUAL = """\
# yaml-language-server: $schema=../../schemas/task.schema.json
# A hand-kept file: comments, quoting and spacing as a person left them.
id:   r2-04
round: r2   # second round
number: 4
title: '矿山生态修复问题'
lead_units: "市自然资源局"
responsible_units: 各县(市、区)党委和政府
deadline: 2025年12月底前
target: >-
  完成历史遗留矿山
  生态修复。
status:    "正在推进"    # as of the last report

# reports, oldest first
progress:
- as_of: 2024-05-31
  measures:
  - heading: 开展排查。
    text: 已完成排查。
"""


def test_done_on_an_unusual_file_changes_only_the_lines_it_must(repo, cli):
    (repo / TASK).write_text(UNUSUAL, encoding="utf-8")
    result = cli("done", "r2-04", "--on", "2024-06-10", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    expected = UNUSUAL.replace('status:    "正在推进"    #', "status:    已完成    #").replace(
        "    # as of the last report\n", "    # as of the last report\ncompleted_on: 2024-06-10\n"
    )
    assert (repo / TASK).read_text(encoding="utf-8") == expected
    assert '-status:    "正在推进"    # as of the last report\n' in result.stdout
    assert "+status:    已完成    # as of the last report\n+completed_on: 2024-06-10\n" in result.stdout
    changed = [line for line in result.stdout.splitlines()[2:] if line[:1] in "+-"]
    assert len(changed) == 3  # one line replaced, one added: nothing else moved


def test_close_after_done(repo, cli):
    assert cli("done", "r2-04", "--on", "2024-06-10", "-C", str(repo), "--today", TODAY).exit_code == 0
    result = cli("close", "r2-04", "--on", "2024-07-01", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = (repo / TASK).read_text(encoding="utf-8")
    assert "status: 已销号\ncompleted_on: 2024-06-10\nclosed_on: 2024-07-01\nprogress:" in text


def test_close_before_done_is_refused(repo, cli):
    before = snapshot(repo)
    result = cli("close", "r2-04", "--on", "2024-07-01", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "尚未完成" in result.output
    assert snapshot(repo) == before


def test_dry_run_prints_the_diff_and_writes_nothing(repo, cli):
    before = snapshot(repo)
    result = cli("done", "r2-04", "--on", "2024-06-10", "--dry-run", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0 and "+completed_on: 2024-06-10" in result.stdout
    assert snapshot(repo) == before


def test_a_completion_before_a_published_cutoff_is_refused(repo, cli):
    before = snapshot(repo)
    result = cli("done", "r2-04", "--on", "2024-05-20", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1
    assert "已发布公告" in result.output and "2024-06-24" in result.output
    assert "--accept-published-change" in result.output
    assert snapshot(repo) == before


def test_accepting_a_published_change_restates_the_recorded_totals(repo, cli):
    result = cli("done", "r2-04", "--on", "2024-05-20", "--accept-published-change", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "  r2: {total: 11, done: 8}\n" in (repo / "data/bulletins/2024-06-24.yaml").read_text(encoding="utf-8")
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0


def test_an_unknown_id_is_refused(repo, cli):
    before = snapshot(repo)
    result = cli("done", "r2-09", "--on", "2024-06-10", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 2 and "没有编号为“r2-09”的任务" in result.output
    assert snapshot(repo) == before


def test_done_twice_is_refused(repo, cli):
    assert cli("done", "r2-04", "--on", "2024-06-10", "-C", str(repo), "--today", TODAY).exit_code == 0
    before = snapshot(repo)
    result = cli("done", "r2-04", "--on", "2024-06-11", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "已经是“已完成”" in result.output
    assert snapshot(repo) == before



def test_a_task_written_in_flow_style_is_refused_as_such_not_as_invalid(repo, cli):
    # valid YAML that validates clean: the hint is to edit it by hand, not to run validate
    path = repo / TASK
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, default_flow_style=True, width=100000), encoding="utf-8")
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    before = snapshot(repo)
    result = cli("done", "r2-04", "--on", "2024-06-10", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "花括号" in result.output and "请手工修改" in result.output
    assert "dufu validate" not in result.output
    assert snapshot(repo) == before


def test_a_refusal_on_a_day_given_by_today_names_that_day(repo, cli):
    # reports dated after --today are errors on that day only: plain `dufu validate` passes
    result = cli("done", "r2-04", "--on", "2024-05-01", "-C", str(repo), "--today", "2024-01-01")
    assert result.exit_code == 1 and "E332" in result.output
    assert "(以 2024-01-01 为今天:dufu validate --today 2024-01-01)" in result.output

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from dufu.writer import apply_changes, change_file
    root, rel, base = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]).read_bytes()
    versions = [base, base + b"# " + b"x" * 4_000_000 + b"\\n"]
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        apply_changes(root, [change_file(root, rel, versions[n % 2])])
    """
)


def test_kill_9_during_writes_leaves_the_old_or_the_new_file(repo, tmp_path):
    old = (repo / TASK).read_bytes()
    (tmp_path / "base").write_bytes(old)
    new = old + b"# " + b"x" * 4_000_000 + b"\n"
    for delay in (0.05, 0.13, 0.29, 0.41):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(repo), TASK, str(tmp_path / "base")], stdout=subprocess.PIPE
        )
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert (repo / TASK).read_bytes() in (old, new)
        leftovers = [p.name for p in (repo / TASK).parent.iterdir() if not p.name.endswith(".yaml")]
        assert len(leftovers) <= 1  # at most the temporary file of the write that was killed
        for name in leftovers:
            (repo / TASK).parent.joinpath(name).unlink()


def test_a_file_with_crlf_line_ends_keeps_them(repo, cli):
    path = repo / TASK
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = cli("done", "r2-04", "--on", "2024-06-10", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert b"status: \xe5\xb7\xb2\xe5\xae\x8c\xe6\x88\x90\r\ncompleted_on: 2024-06-10\r\nprogress:" in path.read_bytes()
    assert path.read_bytes().count(b"\n") == path.read_bytes().count(b"\r\n")


def test_kill_9_during_dufu_done_leaves_the_old_or_the_new_file(repo):
    old = (repo / TASK).read_bytes()
    new = old.replace("status: 正在推进".encode(), "status: 已完成\ncompleted_on: 2024-06-10".encode())
    for delay in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3):  # a whole run takes about 0.2 s
        (repo / TASK).write_bytes(old)
        command = [sys.executable, "-m", "dufu", "done", "r2-04", "--on", "2024-06-10", "-C", str(repo)]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert (repo / TASK).read_bytes() in (old, new)


def test_a_date_field_written_empty_is_filled_where_it_stands(repo, cli):
    # `completed_on:` with nothing after it is valid YAML (null): the date goes after its colon
    path = repo / TASK
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: 正在推进\n", "status: 正在推进\ncompleted_on: \nclosed_on:   # 待验收\n"),
        encoding="utf-8",
    )
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    assert cli("done", "r2-04", "--on", "2024-06-10", "-C", str(repo), "--today", TODAY).exit_code == 0
    result = cli("close", "r2-04", "--on", "2024-07-01", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "status: 已销号\ncompleted_on: 2024-06-10\nclosed_on: 2024-07-01  # 待验收\n" in text
