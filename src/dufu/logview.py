"""`dufu log` for people (Rich) and for scripts (plain data)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .cjkwrap import WrappedText
from .history import Event, GitHistory
from .models import Task
from .templates import zh_date
from .textsafety import visible


def log_view(task: Task, rel: str, events: list[Event], history: GitHistory) -> Group:
    parts: list = [Text(f"{task.id} {task.title}({visible(rel)})", style="bold"), Text("数据中的记录", style="bold")]
    if events:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for event in events:
            table.add_row(Text(zh_date(event.day)), WrappedText(event.words))
        parts.append(table)
    else:
        parts.append(Text("  (没有带日期的记录)"))
    parts.append(Text("git 提交记录", style="bold"))
    if history.state != "ok":
        parts.append(WrappedText(history.message, style="yellow"))
        return Group(*parts)
    if history.uncommitted:
        parts.append(Text("工作区中这个文件有尚未提交的修改(上面的记录已包括,下面的提交不包括)", style="yellow"))
    if not history.commits:
        parts.append(Text("  (这个文件还没有提交过)"))
    for commit in history.commits:
        parts.append(Text(f"{commit.day} {commit.sha[:7]} {commit.author}  {commit.subject}"))
        parts.extend(WrappedText(f"    {change}", style="dim") for change in commit.changes)
    if history.more:
        parts.append(Text(f"(只列出最近 {len(history.commits)} 次提交)"))
    return Group(*parts)


def log_record(task: Task, rel: str, events: list[Event], history: GitHistory) -> dict:
    return {
        "id": task.id,
        "file": rel,
        "events": [{"date": e.day.isoformat(), "kind": e.kind, "words": e.words} for e in events],
        "git": {
            "state": history.state,
            "message": history.message or None,
            "more": history.more,
            "uncommitted": history.uncommitted,
            "commits": [
                {"sha": c.sha, "author": c.author, "date": c.day, "subject": c.subject, "changes": list(c.changes)}
                for c in history.commits
            ],
        },
    }
