"""Checks of one file on its own: dates, deadline, units, typography. They run while loading
(in the worker processes), so only cross-file checks remain for ``checks``.

Each check adds problems to a Collector with the file and field path of the offending
value; line and column are looked up only for files that have a problem.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .deadline import parse_deadline
from .models import DONE_STATUSES, Bulletin, Task
from .problems import Problem, format_field
from .typography import bulletin_texts, check_texts, task_texts
from .units import UnitRegistry
from .yamlload import compose, locate


class Collector:
    """Problems found by the checks, located lazily (one compose per file with problems)."""

    def __init__(self, root: Path):
        self.root = root
        self._pending: list[tuple[str, tuple, str, str, str | None, int]] = []

    def add(self, rel: str, loc: tuple, code: str, message: str, hint: str | None = None, offset: int = 0) -> None:
        self._pending.append((rel, loc, code, message, hint, offset))

    def problems(self) -> list[Problem]:
        nodes: dict[str, object] = {}
        out = []
        for rel, loc, code, message, hint, offset in self._pending:
            if rel not in nodes:
                nodes[rel] = compose((self.root / rel).read_bytes())
            line, col = locate(nodes[rel], loc, offset=offset)
            out.append(Problem(rel, line, col, code, message, field=format_field(loc), hint=hint))
        return out


def check_file(model, rel: str, today: date, units: UnitRegistry | None, root: Path) -> list[Problem]:
    """Problems of one loaded file that need no other file (but the units registry)."""
    out = Collector(root)
    if isinstance(model, Task):
        check_task_file(model, rel, today, units, out)
    elif isinstance(model, Bulletin):
        _check_typography(rel, bulletin_texts(model), out)
    return out.problems()


def _check_typography(rel: str, entries, out: Collector) -> None:
    for loc, code, message, offset in check_texts(entries):
        out.add(rel, loc, code, message, offset=offset)


def check_task_file(task: Task, rel: str, today: date, units: UnitRegistry | None, out: Collector) -> None:
    """Checks of one task on its own (the units registry given, None when it did not load)."""
    for field in ("lead_units", "responsible_units") if units is not None else ():
        _, unknown = units.read_line(getattr(task, field))
        for written in unknown:
            guess = units.suggest(written)
            hint = f"是不是“{guess}”?" if guess else "请在 data/units.yaml 中登记这个单位"
            out.add(rel, (field,), "E312", f"单位“{written}”不在单位名录中", hint)
    try:
        parse_deadline(task.deadline)
    except ValueError as exc:
        out.add(rel, ("deadline",), "E320", str(exc))
    _check_task_dates(task, rel, today, out)
    _check_reports(task, rel, today, out)
    _check_typography(rel, task_texts(task), out)


def _check_task_dates(task: Task, rel: str, today: date, out: Collector) -> None:
    if task.status in DONE_STATUSES and task.completed_on is None and task.completed_by is None:
        out.add(rel, ("status",), "E321", f"状态为“{task.status}”,但没有填写完成日期 completed_on")
    if task.status == "已销号" and task.closed_on is None:
        out.add(rel, ("status",), "E322", "状态为“已销号”,但没有填写销号日期 closed_on")
    for field in ("completed_on", "completed_by"):
        if task.status not in DONE_STATUSES and getattr(task, field) is not None:
            out.add(rel, (field,), "E323", f"填写了完成日期,但状态是“{task.status}”")
    if task.status != "已销号" and task.closed_on is not None:
        out.add(rel, ("closed_on",), "E323", f"填写了销号日期,但状态是“{task.status}”")
    if task.completed_on and task.closed_on and task.closed_on < task.completed_on:
        out.add(rel, ("closed_on",), "E324", "销号日期早于完成日期")
    for field in ("completed_on", "closed_on", "completed_by"):
        day = getattr(task, field)
        if day is not None and day > today:
            out.add(rel, (field,), "E333", f"日期 {day} 晚于今天({today})")


def _check_reports(task: Task, rel: str, today: date, out: Collector) -> None:
    previous = None
    for index, report in enumerate(task.progress):
        if report.as_of > today:
            out.add(rel, ("progress", index, "as_of"), "E332", f"进展日期 {report.as_of} 晚于今天({today})")
        if previous is not None:
            if report.as_of == previous:
                out.add(rel, ("progress", index, "as_of"), "E331", f"同一日期 {previous} 有两份进展")
            elif report.as_of < previous:
                out.add(
                    rel,
                    ("progress", index, "as_of"),
                    "E330",
                    f"进展应按日期先后排列:{report.as_of} 排在 {previous} 之后",
                )
        previous = report.as_of
