"""Where a task stands against its deadline on a given day.

The rules (documented in the README, tested on the day before, on and after each date):

- A task is **overdue** on day D when it is not done by D and D is after its due date: the due
  day itself is still in time. The due date is the last dated stage of the deadline in effect
  on D (adjustments applied). 立行立改 and 长期坚持 without a date are never overdue.
- It is **due soon** when it is not done and its due date is D or one of the next N days
  (N = ``due_soon_days`` in dufu.toml, default 30).
- It was **done late** when its completion date is after the due date in effect that day.
- 序时进度 (**pace**) compares it with its dated checkpoints: the task's milestones and the dates
  of a staged deadline (短期/中期/长期). A checkpoint is met when a milestone with that date
  records ``done_on`` by D, or the task is done. Behind: a checkpoint before D is not met, or the
  latest report says 未达到序时进度. Ahead: a checkpoint not yet due is already met, or the
  report says 超过序时进度. On schedule otherwise, where there is anything to compare with.
- Warning colours as supervising offices use them: red overdue, yellow behind, blue due soon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import ADJUSTABLE, DONE_STATUSES, Adjustment, Task
from .templates import zh_date
from .words import LABELS

BEHIND, ON, AHEAD = "behind", "on", "ahead"
PACE_WORDS = {BEHIND: "滞后", ON: "达到序时进度", AHEAD: "超前"}
_REPORTED_PACE = {"未达到序时进度": BEHIND, "达到序时进度": ON, "超过序时进度": AHEAD}
WARNING_STYLES = {"red": "bold red", "yellow": "bold yellow", "blue": "bold blue"}


@dataclass(frozen=True)
class Timing:
    """A task against its deadline on one day."""

    day: date
    due: date | None
    done: bool
    overdue: bool
    due_soon: bool
    long_term: bool
    done_late: bool
    pace: str | None

    @property
    def days_left(self) -> int | None:
        """Days from day to the due date of an open task (negative when overdue)."""
        return None if self.done or self.due is None else (self.due - self.day).days

    @property
    def behind(self) -> bool:
        return self.pace == BEHIND

    @property
    def warning(self) -> str | None:
        """red (overdue), yellow (behind schedule), blue (due soon) or None."""
        if self.overdue:
            return "red"
        if self.behind:
            return "yellow"
        return "blue" if self.due_soon else None

    @property
    def note(self) -> str:
        """A few words a person reads beside the status: 逾期12天, 滞后, 还剩5天, 逾期完成."""
        if self.overdue:
            return f"逾期{-self.days_left}天"
        words = []
        if self.behind:
            words.append(PACE_WORDS[BEHIND])
        if self.due_soon:
            words.append("今天到期" if self.days_left == 0 else f"还剩{self.days_left}天")
        if self.done_late:
            words.append("逾期完成")
        return "、".join(words)


def is_overdue(task: Task, day: date, status: str) -> bool:
    """timing(task, day).overdue, for status (the task's on day), without the rest of timing:
    not done by day, and past the due date of the deadline in effect then."""
    if status in DONE_STATUSES:
        return False
    deadline = task.at(day).due
    return _past_due(deadline.date if deadline else None, day)


def _past_due(due: date | None, day: date) -> bool:
    """Whether day is after due (a task with no due date is never past it)."""
    return due is not None and day > due


def timing(task: Task, day: date, due_soon_days: int = 30) -> Timing:
    """Where task stands on day."""
    status = task.status_at(day)
    done = status in DONE_STATUSES
    deadline = task.at(day).due
    due = deadline.date if deadline else None
    overdue = not done and _past_due(due, day)
    due_soon = not done and due is not None and 0 <= (due - day).days <= due_soon_days
    return Timing(
        day=day,
        due=due,
        done=done,
        overdue=overdue,
        due_soon=due_soon,
        long_term=deadline is not None and deadline.long_term,
        done_late=done and _done_late(task),
        pace=None if done else _pace(task, day, status),
    )


def _done_late(task: Task) -> bool:
    if task.completed_on is None:  # only completed_by known: whether it was late is unknown
        return False
    deadline = task.at(task.completed_on).due
    return deadline is not None and deadline.date is not None and task.completed_on > deadline.date


def checkpoints(task: Task, day: date) -> list[tuple[date, date | None]]:
    """(due, met on) of each dated checkpoint: milestones, then stage dates no milestone names."""
    points = [(m.due, m.done_on) for m in task.milestones]
    deadline = task.at(day).due
    named = {m.due for m in task.milestones}
    points += [(stage.date, None) for stage in (deadline.stages if deadline else ()) if stage.date not in named]
    if len(points) == 1 and not task.milestones:
        return []  # a single date is the deadline itself: overdue, not pace, tells about it
    return sorted(points, key=lambda point: point[0])


def checkpoint_goal(task: Task, day: date, due: date) -> str | None:
    """What the checkpoint due that day asks: its milestone's goal, or for a stage of the
    deadline in effect on day, 短期目标, 中期目标 … (阶段目标 for a stage without a label;
    整改时限 for a deadline of one date, a checkpoint beside milestones)."""
    for milestone in task.milestones:
        if milestone.due == due:
            return milestone.goal
    deadline = task.at(day).due
    stages = deadline.stages if deadline else ()
    stage = next((s for s in stages if s.date == due), None)
    if stage is None or (len(stages) == 1 and not task.milestones):  # the deadline itself, as checkpoints says
        return None
    if len(stages) == 1 and stage.label is None:
        return "整改时限"
    return f"{stage.label or '阶段'}目标"


def _pace(task: Task, day: date, status: str) -> str | None:
    reported = _REPORTED_PACE.get(status)
    points = checkpoints(task, day)
    if not points and reported is None:
        return None
    missed = any(due < day and (met is None or met > day) for due, met in points)
    early = any(due >= day and met is not None and met <= day for due, met in points)
    if missed or reported == BEHIND:
        return BEHIND
    if early or reported == AHEAD:
        return AHEAD
    return ON


def adjustment_words(adjustment: Adjustment) -> str:
    """自2025年5月20日起,整改时限改为“2025年12月底前”(依据:…)"""
    changed = [f"{LABELS[name]}改为“{getattr(adjustment, name)}”" for name in ADJUSTABLE if getattr(adjustment, name)]
    reason = f"(依据:{adjustment.reason})" if adjustment.reason else ""
    return f"自{zh_date(adjustment.on)}起," + ",".join(changed) + reason
