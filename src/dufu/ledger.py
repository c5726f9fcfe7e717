"""Where things stand on a given day: tallies per round and task selection.

Every number dufu prints comes from here, computed from itemized tasks plus the tasks a
round knows only by count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .models import DONE_STATUSES, STATUSES, Round, Task
from .problems import UsageError
from .repo import Dataset
from .schedule import Timing, is_overdue, timing
from .textsafety import closest_id


@dataclass(frozen=True)
class RoundTally:
    """A round's counts on one day."""

    round: Round
    total: int
    done: int
    overdue: int
    by_status: dict[str, int]

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def basic(self) -> int:
        """Open tasks 基本完成 (a notice may count them apart from those 正在推进)."""
        return self.by_status.get("基本完成", 0)

    @property
    def percent_done(self) -> float:
        return 100.0 * self.done / self.total if self.total else 100.0

    @property
    def percent_shown(self) -> int:
        """The whole percentage a person reads: 100 only when all is done, 0 only when nothing is."""
        if not self.total:
            return 100
        floor = 100 * self.done // self.total
        return max(floor, 1) if self.done else 0


def tally_round(data: Dataset, round_id: str, day: date) -> RoundTally:
    """Count a round's tasks by status as they stood on day."""
    rnd = data.rounds[round_id]
    counts: Counter[str] = Counter()
    overdue = 0
    for group in rnd.counted:
        counts[group.status_at(day)] += group.count
    for task in data.tasks_of(round_id):
        status = task.status_at(day)
        counts[status] += 1
        overdue += is_overdue(task, day, status)
    by_status = {status: counts[status] for status in STATUSES if counts[status]}
    done = sum(n for status, n in by_status.items() if status in DONE_STATUSES)
    return RoundTally(rnd, sum(by_status.values()), done, overdue, by_status)


def published_counts(published, tally) -> list[tuple[str, int]]:
    """(name, what the tasks give) of each number a bulletin's totals record for a round: the
    基本完成 count only where it was recorded (a notice counting those tasks apart)."""
    counts = [("total", tally.total), ("done", tally.done)]
    return counts + [("basic", tally.basic)] if published.basic is not None else counts


def tally_all(data: Dataset, day: date) -> list[RoundTally]:
    return [tally_round(data, round_id, day) for round_id in data.rounds]


def _timely(t: Timing, overdue: bool, behind: bool, due_within: int | None) -> bool:
    """Whether a task's timing passes the filters that need it."""
    if (overdue and not t.overdue) or (behind and not t.behind):
        return False
    return due_within is None or (t.days_left is not None and 0 <= t.days_left <= due_within)


def select_tasks(
    data: Dataset,
    day: date,
    *,
    round_id: str | None = None,
    status: str | None = None,
    unit: str | None = None,
    overdue: bool = False,
    open_only: bool = False,
    due_within: int | None = None,
    behind: bool = False,
) -> list[Task]:
    """Itemized tasks matching every given filter, in round and number order."""
    if round_id is not None and round_id not in data.rounds:
        raise UsageError(f"没有轮次“{round_id}”。已有轮次:{'、'.join(data.rounds)}")
    if status is not None and status not in STATUSES:
        raise UsageError(f"没有状态“{status}”。可用状态:{'、'.join(STATUSES)}")
    canonical = resolve_unit_query(data, unit) if unit is not None else None
    chosen = []
    for rid in data.rounds if round_id is None else [round_id]:
        for task in data.tasks_of(rid, canonical):
            task_status = task.status_at(day)
            if status is not None and task_status != status:
                continue
            if open_only and task_status in DONE_STATUSES:
                continue
            if (overdue or behind or due_within is not None) and not _timely(timing(task, day), overdue, behind, due_within):
                continue
            if canonical is not None and canonical not in units_of(data, task.at(day)):
                continue
            chosen.append(task)
    return chosen


def units_of(data: Dataset, task: Task) -> list[str]:
    """The units that lead or are responsible for a task, each once: by registered name, and
    one the registry lacks (where E312 is turned off) as written."""
    return list(dict.fromkeys(data.units.named_in(task.lead_units) + data.units.named_in(task.responsible_units)))


def resolve_unit_query(data: Dataset, written: str) -> str:
    """The canonical unit a --unit value names: a registered form, or an unambiguous short form."""
    name = data.units.resolve(written)
    if name is None:
        matches = data.units.short_form_matches(written)
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UsageError(f"“{written}”可能指多个单位:{'、'.join(matches)}。请写出全称")
        guess = data.units.suggest(written)
        hint = f"是不是“{guess}”?" if guess else "请查看 data/units.yaml"
        raise UsageError(f"单位名录中没有“{written}”。{hint}")
    return name


def find_task(data: Dataset, task_id: str) -> Task:
    try:
        return data.tasks[task_id]
    except KeyError:
        close = closest_id(task_id, data.tasks)
        hint = f"是不是“{close}”?" if close else "用 dufu list 查看所有任务"
        raise UsageError(f"没有编号为“{task_id}”的任务。{hint}") from None


@dataclass
class UnitTally:
    """One unit's tasks on a day: those it leads or is responsible for."""

    unit: str
    tasks: int = 0
    lead: int = 0
    done: int = 0
    overdue: int = 0
    behind: int = 0
    due_soon: int = 0
    overdue_ids: list[str] = field(default_factory=list)

    @property
    def open(self) -> int:
        return self.tasks - self.done

    def worst_first(self) -> tuple:
        return (-self.overdue, -self.behind, -self.due_soon, -self.open, -self.tasks)


def tally_units(data: Dataset, day: date, due_soon_days: int) -> list[UnitTally]:
    """Every unit with itemized tasks, worst first: most overdue, then behind, due soon, open.
    A unit counts under its registered name; one the registry lacks (where E312 is turned off)
    under the name as written, so no task goes uncounted."""
    tallies: dict[str, UnitTally] = {}
    for round_id in data.rounds:
        for task in data.tasks_of(round_id):
            now = task.at(day)
            lead = data.units.named_in(now.lead_units)
            t = timing(task, day, due_soon_days)
            for name in units_of(data, now):
                tally = tallies.setdefault(name, UnitTally(name))
                tally.tasks += 1
                tally.lead += name in lead
                tally.done += t.done
                tally.overdue += t.overdue
                tally.behind += t.behind
                tally.due_soon += t.due_soon
                if t.overdue:
                    tally.overdue_ids.append(task.id)
    order = {name: i for i, name in enumerate(data.units.names)}
    return sorted(tallies.values(), key=lambda u: (*u.worst_first(), order.get(u.unit, len(order)), u.unit))
