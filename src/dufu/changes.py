"""What changed between two days (or two notices): tallies, statuses, reports, measures,
adjustments and milestones, all read from the dated facts in the data.

A side is a bulletin (its cut-off) or a date. Both sides are computed from the same data, the
way a notice is: a report, completion, closure, adjustment or milestone dated after A and on or
before B is a change; nothing else is.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, timedelta

from .bulletin import bulletin_before
from .deadline import parse_day
from .ledger import RoundTally, tally_all
from .models import ADJUSTABLE, DONE_STATUSES, Bulletin, Measure, Report, Task
from .problems import UsageError
from .repo import Dataset
from .templates import circled, zh_cutoff
from .words import DEFAULT_WORDING, PUNCTUATION


@dataclass(frozen=True)
class Side:
    """One end of a comparison: a day, and the bulletin it came from, if any."""

    day: date
    bulletin: Bulletin | None = None


@dataclass(frozen=True)
class TextChange:
    """One measure or item: added (before None), removed (after None) or rewritten."""

    part: str  # "heading" (a measure added, removed or renamed), "text" or "item"
    measure: int  # the measure's number in the newer report (in the older one when removed)
    item: int  # the item's number the same way; 0 for the measure's heading or plain text
    before: str | None
    after: str | None
    heading: str = ""  # the heading of the measure


@dataclass
class TaskChanges:
    task: Task
    status: tuple[str, str] | None = None
    reports: list[date] = field(default_factory=list)
    texts: list[TextChange] = field(default_factory=list)
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)
    milestones: list[tuple[date, str, date]] = field(default_factory=list)  # (due, goal, met on)

    @property
    def newly_done(self) -> bool:
        return self.status is not None and self.status[0] not in DONE_STATUSES and self.status[1] in DONE_STATUSES

    def __bool__(self) -> bool:
        return bool(self.status or self.reports or self.texts or self.fields or self.milestones)


@dataclass(frozen=True)
class Changes:
    before: Side
    after: Side
    rounds: list[tuple[RoundTally, RoundTally]]
    tasks: list[TaskChanges]
    voice: Bulletin | None = None  # whose style the cover note writes in: a side's notice, else the latest by then

    @property
    def newly_done(self) -> list[TaskChanges]:
        return [t for t in self.tasks if t.newly_done]


def resolve_side(data: Dataset, text: str) -> Side:
    """A bulletin id (preferred when one has that id) or a YYYY-MM-DD date."""
    if text in data.bulletins:
        bulletin = data.bulletins[text]
        return Side(bulletin.as_of, bulletin)
    try:
        return Side(parse_day(text))
    except ValueError as exc:
        known = "、".join(data.bulletins) or "(无)"
        if str(exc).endswith("不存在"):  # written as a date, of a day there is not (2025-06-31)
            raise UsageError(f"{exc}。已有公告:{known}") from None
        raise UsageError(f"“{text}”既不是公告编号,也不是 YYYY-MM-DD 日期。已有公告:{known}") from None


def default_before(data: Dataset, after: Side) -> Side:
    """The latest bulletin cut off before the later side: "since the last notice"."""
    latest = bulletin_before(data, after.day)
    if latest is None:
        raise UsageError("没有截至日期早于比较日期的公告,请写明要比较的两个公告或日期")
    return Side(latest.as_of, latest)


def compare(data: Dataset, before: Side, after: Side) -> Changes:
    """Everything that changed after before.day and on or before after.day."""
    if after.day < before.day:
        raise UsageError(f"比较的两端颠倒了:{before.day} 晚于 {after.day}")
    rounds = list(zip(tally_all(data, before.day), tally_all(data, after.day)))
    printed = list(data.rounds)
    if after.bulletin is not None:  # the rounds that notice prints (a round first published later is not yet)
        printed = [rid for rid in printed if rid in {*after.bulletin.summary_rounds, after.bulletin.listing.round}]
        rounds = [(old, new) for old, new in rounds if new.round.id in printed]
    tasks = []
    for round_id in printed:
        for task in data.tasks_of(round_id):
            found = task_changes(task, before.day, after.day)
            if found:
                tasks.append(found)
    voice = after.bulletin or before.bulletin or bulletin_before(data, after.day + timedelta(days=1))
    return Changes(before, after, rounds, tasks, voice)


def task_changes(task: Task, a: date, b: date) -> TaskChanges:
    found = TaskChanges(task)
    status = (task.status_at(a), task.status_at(b))
    found.status = status if status[0] != status[1] else None
    found.reports = [r.as_of for r in task.progress if a < r.as_of <= b]
    old, new = task.report_at(a), task.report_at(b)
    if new is not None and new is not old:
        found.texts = measure_changes(old, new)
    was, now = task.at(a), task.at(b)
    found.fields = [(name, getattr(was, name), getattr(now, name)) for name in ADJUSTABLE if getattr(was, name) != getattr(now, name)]
    found.milestones = [(m.due, m.goal, m.done_on) for m in task.milestones if m.done_on and a < m.done_on <= b]
    return found


def _whole(measure: Measure) -> str:
    """A measure as the notice prints it, without its number: heading, then ①② items or text."""
    return measure.heading + "".join(circled(i) + item for i, item in enumerate(measure.items or [], 1)) + (measure.text or "")


def _measure_text(measure: Measure) -> tuple[str, ...]:
    return tuple(measure.items) if measure.items is not None else (measure.text or "",)


def _aligned(a: list, b: list):
    """(i, j, same) for two sequences lined up: equal elements and those rewritten in place are
    paired; i is None for an element only b has, j None for one only a has."""
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        pairs = i2 - i1 if op == "equal" else min(i2 - i1, j2 - j1) if op == "replace" else 0
        yield from ((i1 + k, j1 + k, op == "equal") for k in range(pairs))
        yield from ((i, None, False) for i in range(i1 + pairs, i2))
        yield from ((None, j, False) for j in range(j1 + pairs, j2))


def measure_changes(old: Report | None, new: Report) -> list[TextChange]:
    """Measures added, removed or rewritten between two reports, and within a measure kept,
    the items added, removed or rewritten."""
    before = old.measures if old else []
    after = new.measures
    out: list[TextChange] = []
    for i, j, same in _aligned([m.heading for m in before], [m.heading for m in after]):
        if i is None:
            out.append(TextChange("heading", j + 1, 0, None, _whole(after[j]), after[j].heading))
        elif j is None:
            out.append(TextChange("heading", i + 1, 0, _whole(before[i]), None, before[i].heading))
        else:
            if not same:  # a heading rewritten in place
                out.append(TextChange("heading", j + 1, 0, before[i].heading, after[j].heading, after[j].heading))
            out += _item_changes(before[i], after[j], j + 1)
    return out


def _item_changes(old: Measure, new: Measure, number: int) -> list[TextChange]:
    a, b = _measure_text(old), _measure_text(new)
    if a == b:
        return []
    heading = new.heading
    if new.items is None or old.items is None:  # plain text, or items turned into text
        return [TextChange("text", number, 0, "".join(a), "".join(b), heading)]
    return [
        TextChange("item", number, (i if j is None else j) + 1, None if i is None else a[i], None if j is None else b[j], heading)
        for i, j, same in _aligned(list(a), list(b))
        if not same
    ]


def cover_note(changes: Changes) -> str:
    """A short paragraph for the cover note: 较上期新增完成整改N项……, counts from the data."""
    voice = changes.voice
    month_end = voice.month_end if voice else "底"
    apart = voice is not None and voice.basic_done == "单列"  # tasks 基本完成 counted apart, as the notice does
    before = zh_cutoff(changes.before.day, month_end)
    since = "较上期" if changes.before.bulletin else f"较{before}"  # as notices write a cut-off
    p = PUNCTUATION[_punctuation(changes)]
    done = changes.newly_done
    count = sum(new.done - old.done for old, new in changes.rounds)  # tasks known only by count too
    if count > 0:
        # titles only: the paragraph goes out as it is, and a notice never names a task by its id
        names = ("" if len(done) == count else "其中") + "、".join(t.task.title for t in done)
        text = f"{since}新增完成整改{count}项" + ("。" if not done else f"({names})。" if p.name == "半角" else f"（{names}）。")
    else:
        text = f"{since}没有新增完成整改的任务。"
    phrases = []
    w = voice.wording if voice else DEFAULT_WORDING  # the notice's own words
    for old, new in changes.rounds:
        phrase = f"{new.round.short_name}整改任务{'共' if w.total == '共' else ''}{new.total}项"
        if new.done == new.total:
            phrase += f"{p.comma}{w.all_done}"
        else:
            was = f"上期{old.done}项" if changes.before.bulletin else f"{before}为{old.done}项"
            was = f"({was})" if p.name == "半角" else f"（{was}）"
            phrase += f"{p.comma}{w.done}{new.done}项{was if old.done != new.done else ''}"
            basic = new.basic if apart else 0
            phrase += f"{p.comma}基本完成{basic}项" if basic else ""
            phrase += f"{p.comma}{w.rest}{new.open - basic}项正在推进" if new.open - basic else ""
        phrases.append(phrase)
    text += f"截至{zh_cutoff(changes.after.day, month_end)}{p.comma}" + (";" if p.name == "半角" else "；").join(phrases) + "。" if phrases else ""
    return text + _other_changes(changes, p.comma)


def _other_changes(changes: Changes, comma: str) -> str:
    reported = sum(1 for t in changes.tasks if t.reports)
    adjusted = {name: sum(1 for t in changes.tasks if any(f[0] == name for f in t.fields)) for name in ADJUSTABLE}
    words = {"deadline": "整改时限", "lead_units": "牵头单位", "responsible_units": "责任单位", "target": "整改目标"}
    parts = [f"{reported}项任务报告了新的整改进展"] if reported else []
    parts += [f"{n}项任务调整了{words[name]}" for name, n in adjusted.items() if n]
    met = sum(len(t.milestones) for t in changes.tasks)
    parts += [f"达成节点目标{met}个"] if met else []
    return ("另有" + comma.join(parts) + "。") if parts else ""


def _punctuation(changes: Changes) -> str:
    return changes.voice.punctuation if changes.voice else "半角"
