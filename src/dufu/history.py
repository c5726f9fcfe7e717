"""A task's history (`dufu log`): the dated facts in its file, and the git commits that changed it.

Git runs as a plain subprocess (no shell, no pager, no external diff, textconv or signature
program, fsmonitor off, no bare repository found inside the data repository, so no config a
stranger committed; paths taken literally, a timeout that kills it, bounded output); each
version of the file it gives back is read by dufu's own strict YAML loader. A shallow clone's history is incomplete: it is then said to
be missing rather than shown as if it were all there.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .models import Task
from .schedule import adjustment_words
from .templates import zh_date
from .textsafety import visible
from .words import LABELS
from .yamlload import MAX_FILE_BYTES, load_yaml

GIT_TIMEOUT = 30  # seconds, for each git command
MAX_COMMITS = 100
_SCALARS = ("title", "lead_units", "responsible_units", "deadline", "target", "status", "status_before", "completed_on", "completed_by", "closed_on")


@dataclass(frozen=True)
class Event:
    """A dated fact of the task's data: a report, a completion, an adjustment, a milestone met."""

    day: date
    kind: str  # report, completed, completed_by, closed, adjustment, milestone
    words: str


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    day: str  # YYYY-MM-DD (author date)
    subject: str
    changes: tuple[str, ...]


@dataclass
class GitHistory:
    state: str  # ok, not-git, shallow, no-git, failed
    commits: list[Commit] = field(default_factory=list)
    more: bool = False  # older commits left out
    message: str = ""
    uncommitted: bool = False  # the file differs from the last commit (or is not in git yet)


def data_events(task: Task, day: date) -> list[Event]:
    """The task's dated facts on or before day, oldest first."""
    events = []
    for report in task.progress:
        status = f",{report.status}" if report.status else ""
        events.append(Event(report.as_of, "report", f"整改进展({len(report.measures)}条措施{status})"))
    if task.completed_on:
        events.append(Event(task.completed_on, "completed", "完成整改"))
    if task.completed_by:
        events.append(Event(task.completed_by, "completed_by", "已完成(确切日期不详,不晚于这一天)"))
    if task.closed_on:
        events.append(Event(task.closed_on, "closed", "销号"))
    events += [Event(a.on, "adjustment", "调整:" + adjustment_words(a)) for a in task.adjustments]
    events += [Event(m.done_on, "milestone", f"达成节点目标:{m.goal}(时限{zh_date(m.due)})") for m in task.milestones if m.done_on]
    return sorted((e for e in events if e.day <= day), key=lambda e: e.day)


def git_history(root: Path, rel: str) -> GitHistory:
    """The commits that changed root/rel (renames followed), newest first, with what changed."""
    try:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
    except FileNotFoundError:
        return GitHistory("no-git", message="没有安装 git,无法查看提交记录")
    except _GitFailed as exc:
        if "not a git repository" in exc.stderr:
            return GitHistory("not-git", message="数据仓库不在 git 中,没有提交记录")
        return GitHistory("failed", message=f"无法读取 git 历史:{exc.stderr.strip()[:200]}")
    if inside.strip() != "true":
        return GitHistory("not-git", message="数据仓库不在 git 中,没有提交记录")
    try:
        if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
            return GitHistory("shallow", message="这是浅克隆(shallow clone),git 历史不完整,不列出提交记录;"
                              "运行 git fetch --unshallow 取回完整历史后再查看")
        log = _git(root, "log", "--follow", f"-n{MAX_COMMITS + 1}", "--date=short", "--no-color", "--no-show-signature",
                   "--no-ext-diff", "--no-textconv", "-z", "--format=%x00%H%x00%P%x00%an%x00%ad%x00%s", "--name-only", "--", rel)
    except _GitFailed as exc:
        return GitHistory("failed", message=f"无法读取 git 历史:{exc.stderr.strip()[:200]}")
    entries = _parse_log(log)
    history = GitHistory("ok", more=len(entries) > MAX_COMMITS)
    history.uncommitted = _uncommitted(root, rel)
    entries = entries[: MAX_COMMITS + 1]
    versions = [_version(root, sha, path) for sha, *_, path in entries]
    for i, (sha, parent, author, day, subject, path) in enumerate(entries[:MAX_COMMITS]):
        # compared with the file in its parent: the next commit listed, unless branches were
        # merged (then the next listed may be another branch's); the oldest made the file
        then = entries[i + 1][5] if i + 1 < len(entries) else path  # its name before, followed through renames
        if i + 1 < len(entries) and entries[i + 1][0] == parent:
            older = versions[i + 1]
        elif parent:
            older = _version(root, parent, path)
            older = _version(root, parent, then) if older is None and then != path else older
        else:
            older = None
        changes = describe(older, versions[i])
        if then != path:
            changes = [f"文件改名:{visible(then)} → {visible(path)}"] + [c for c in changes if c != _UNCHANGED]
        # an author or subject is anyone's text: never an escape sequence for the terminal
        history.commits.append(Commit(sha[:10], visible(author), day, visible(subject), tuple(changes)))
    return history


def _uncommitted(root: Path, rel: str) -> bool:
    """Whether the file differs from the last commit (or is not in git yet), as `git status`
    tells it: line-end conversion, a data repository in a folder of the git repository. (The
    clean filters it runs are named by the user's own git config: one committed inside the
    data repository is never read, safe.bareRepository.)"""
    try:
        return bool(_git(root, "status", "--porcelain", "--untracked-files=all", "--", rel).strip())
    except _GitFailed:
        return False


def _parse_log(text: str) -> list[tuple[str, str, str, str, str, str]]:
    """(sha, first parent or "", author, date, subject, path then) of each commit in
    `git log -z --name-only` output: its fields after NUL bytes, which no author, subject or
    path holds (any other byte may be typed into a commit message or a file name), then its
    paths, each ended by a NUL, the first after a newline."""

    def starts_entry(i: int) -> bool:
        fields = tokens[i : i + 4]
        return len(fields) == 4 and bool(_SHA.fullmatch(fields[0]) and _PARENTS.fullmatch(fields[1]) and _DAY.fullmatch(fields[3]))

    out = []
    tokens = text.split("\x00")
    i = 0
    while i + 4 < len(tokens):
        if not starts_entry(i):
            if out or tokens[i]:
                break  # not the layout asked for: no entry is guessed
            i += 1  # the NUL the format starts with
            continue
        sha, parents, author, day, subject = tokens[i : i + 5]
        i += 5
        paths = []
        while i < len(tokens) and not starts_entry(i):
            if tokens[i]:
                paths.append(tokens[i].removeprefix("\n") if not paths else tokens[i])
            i += 1
        out.append((sha, parents.split(" ")[0], author, day, subject, paths[-1] if paths else ""))
    return out


_SHA = re.compile(r"[0-9a-f]{40,64}")
_PARENTS = re.compile(r"(?:[0-9a-f]{40,64}(?: [0-9a-f]{40,64})*)?")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


_MISSING = object()
_UNCHANGED = "格式或注释改动,数据未变"


def _version(root: Path, sha: str, path: str):
    """The task file as it was in commit sha (a dict), None when it did not exist there, or
    _MISSING when it cannot be read as a task file."""
    if not path:
        return None
    try:
        if int(_git(root, "cat-file", "-s", f"{sha}:{path}")) > MAX_FILE_BYTES:
            return _MISSING  # never read a blob larger than a data file may be
        raw = _git_bytes(root, "show", "--no-textconv", f"{sha}:{path}")
    except (_GitFailed, ValueError):
        return None
    loaded = load_yaml(path, raw)
    return loaded.data if isinstance(loaded.data, dict) else _MISSING


def describe(before, after) -> list[str]:
    """What changed between two versions of a task file, in words."""
    if after is _MISSING:
        return ["(这一版本无法作为任务文件读取)"]
    if before is _MISSING:
        return ["(上一版本无法作为任务文件读取,无法列出改动)"]
    if before is None and after is None:
        return []
    if before is None:
        return ["新建文件"]
    if after is None:
        return ["删除文件"]
    out = []
    for name in _SCALARS:
        old, new = before.get(name), after.get(name)
        if old != new:
            out.append(f"{LABELS.get(name, name)}:{_short(old, new)} → {_short(new, old)}")
    out += _list_changes(before, after, "progress", "as_of", "整改进展(截至{})")
    out += _list_changes(before, after, "adjustments", "on", "调整(自{}起)")
    out += _list_changes(before, after, "milestones", "due", "节点目标(时限{})")
    return out or [_UNCHANGED]


def _list_changes(before: dict, after: dict, key: str, by: str, words: str) -> list[str]:
    def items(data: dict) -> dict:
        value = data.get(key)
        return {str(i.get(by)): i for i in value if isinstance(i, dict)} if isinstance(value, list) else {}

    old, new = items(before), items(after)
    old, new = ({visible(k): v for k, v in side.items()} for side in (old, new))  # any version's text: never obeyed
    out = [f"新增{words.format(k)}" for k in new if k not in old]
    out += [f"修改{words.format(k)}" for k in new if k in old and new[k] != old[k]]
    out += [f"删去{words.format(k)}" for k in old if k not in new]
    return out


def _short(value, other=None) -> str:
    """An old or new value, shown: one line of at most 40 characters, from a little before
    where it first differs from the other (a long text changed at its end showed the same
    start on both sides). An old version's text was never checked: its nesting may be deeper
    than repr goes."""
    if value is None:
        return "(无)"
    if isinstance(value, (dict, list)):
        return "(嵌套的值)"
    text = visible(str(value))
    if len(text) <= 40:
        return text
    if isinstance(other, str):
        other = visible(other)
        same = next((i for i, (a, b) in enumerate(zip(text, other)) if a != b), min(len(text), len(other)))
        if same > 30:  # the first 30 characters are the same: start 10 before the difference
            start = min(same - 10, len(text) - 38)
            return "…" + text[start : start + 38] + ("…" if start + 38 < len(text) else "")
    return text[:39] + "…"


class _GitFailed(Exception):
    def __init__(self, stderr: str) -> None:
        super().__init__(stderr)
        self.stderr = stderr


def _git(root: Path, *args: str) -> str:
    return _git_bytes(root, *args).decode("utf-8", "replace")


def _git_bytes(root: Path, *args: str) -> bytes:
    """Run git in root, safely: no shell, pager, prompt, fsmonitor or external diff; killed
    whole after GIT_TIMEOUT; output capped. FileNotFoundError when git is not installed."""
    # a bare repository committed inside the data repository is never taken for its git
    # (its config could name a program: gpg.program, a filter); paths are paths, not patterns
    safe = ["-c", "safe.bareRepository=explicit", "-c", "log.showSignature=false", "-c", "core.fsmonitor=false"]
    command = ["git", *safe, "-c", "core.quotepath=false", "--no-pager", *args]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    env.update(GIT_LITERAL_PATHSPECS="1", GIT_NO_REPLACE_OBJECTS="1")
    with subprocess.Popen(
        command, cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=GIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise _GitFailed(f"git 超过 {GIT_TIMEOUT} 秒没有结束,已终止") from None
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    if proc.returncode != 0:
        raise _GitFailed(err.decode("utf-8", "replace"))
    if len(out) > 4 * MAX_FILE_BYTES:
        raise _GitFailed("git 的输出过长")
    return out
