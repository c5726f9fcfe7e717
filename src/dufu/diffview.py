"""`dufu diff` for people (Rich) and for scripts (plain data)."""

from __future__ import annotations

import difflib

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .changes import Changes, Side, TaskChanges, TextChange
from .cjkwrap import WrappedText
from .templates import circled, zh_date
from .words import LABELS


def side_words(side: Side) -> str:
    day = f"截至{zh_date(side.day)}"
    return f"{side.bulletin.id} 公告({day})" if side.bulletin else day


def changes_view(changes: Changes, note: str) -> Group:
    parts: list = [Text(f"{side_words(changes.before)} → {side_words(changes.after)}", style="bold")]
    rounds = Table(title="各轮次", title_justify="left")
    rounds.add_column("轮次", overflow="fold")  # on a narrow screen text wraps, never "…"
    for header in ("总数", "已完成(前)", "已完成(后)", "未完成(后)", "逾期(后)"):
        rounds.add_column(header, justify="right", overflow="fold")
    for old, new in changes.rounds:
        style = "bold green" if new.done > old.done else ""
        rounds.add_row(Text(new.round.short_name), str(new.total), str(old.done), Text(str(new.done), style=style), str(new.open), str(new.overdue))
    parts.append(rounds)
    if not changes.tasks:
        parts.append(Text("逐项录入的任务没有变化。"))
    for found in changes.tasks:
        parts.append(_task_block(found))
    parts.append(Text("\n可用于报送说明的一段话:", style="bold"))
    parts.append(WrappedText(note))
    return Group(*parts)


def _task_block(found: TaskChanges) -> Group:
    lines: list = [Text(f"{found.task.id} {found.task.title}", style="bold")]
    if found.status:
        style = "bold green" if found.newly_done else "yellow"
        lines.append(Text(f"  状态:{found.status[0]} → {found.status[1]}", style=style))
    for day in found.reports:
        lines.append(Text(f"  新的整改进展:截至{zh_date(day)}" + ("" if found.texts else "(内容与此前的进展相同)")))
    for name, before, after in found.fields:
        lines.append(Text(f"  {LABELS[name]}:{before} → {after}", style="yellow"))
    for due, goal, met in found.milestones:
        lines.append(Text(f"  达成节点目标:{goal}(时限{zh_date(due)},{zh_date(met)}达成)", style="green"))
    for change in found.texts:
        lines.extend(_text_lines(change))
    return Group(*lines)


def _where(change: TextChange) -> str:
    if change.part == "item":
        return f"措施{change.measure}“{change.heading}”第{circled(change.item)}项"
    if change.part == "text":
        return f"措施{change.measure}“{change.heading}”正文"
    return f"措施{change.measure}"


def _text_lines(change: TextChange) -> list:
    if change.before is None:
        head = Text(f"  新增{_where(change)}:", style="green")
    elif change.after is None:
        head = Text(f"  删去{_where(change)}:", style="red")
    else:
        head = Text(f"  改写{_where(change)}:", style="yellow")
    if change.before is not None and change.after is not None:
        return [head, *_marked(change.before, change.after)]
    out: list = [head]
    if change.before is not None:
        out.append(WrappedText("    - " + change.before, style="red"))
    if change.after is not None:
        out.append(WrappedText("    + " + change.after, style="green"))
    return out


def _marked(before: str, after: str) -> tuple[WrappedText, WrappedText]:
    """The old and new text with the characters that differ highlighted."""
    old, new = WrappedText("    - ", style="red"), WrappedText("    + ", style="green")
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        same = op == "equal"
        old.append(before[i1:i2], style="red" if same else "bold white on red")
        new.append(after[j1:j2], style="green" if same else "bold white on green")
    return old, new


def changes_record(changes: Changes, note: str) -> dict:
    """`dufu diff --format json`."""

    def side(s: Side) -> dict:
        return {"as_of": s.day.isoformat(), "bulletin": s.bulletin.id if s.bulletin else None}

    def tally(t) -> dict:
        return {"total": t.total, "done": t.done, "open": t.open, "overdue": t.overdue}

    return {
        "from": side(changes.before),
        "to": side(changes.after),
        "rounds": [{"id": new.round.id, "before": tally(old), "after": tally(new)} for old, new in changes.rounds],
        "newly_done": [t.task.id for t in changes.newly_done],
        "tasks": [_task_record(t) for t in changes.tasks],
        "summary": note,
    }


def _task_record(found: TaskChanges) -> dict:
    return {
        "id": found.task.id,
        "title": found.task.title,
        "status": list(found.status) if found.status else None,
        "reports": [d.isoformat() for d in found.reports],
        "fields": [{"field": n, "before": b, "after": a} for n, b, a in found.fields],
        "milestones": [{"due": d.isoformat(), "goal": g, "done_on": m.isoformat()} for d, g, m in found.milestones],
        "texts": [
            {"part": c.part, "measure": c.measure, "item": c.item, "heading": c.heading, "before": c.before, "after": c.after}
            for c in found.texts
        ],
    }
