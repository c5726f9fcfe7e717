"""Checks across files: unique ids, references that resolve, numbering, dates, tallies.

Each check adds problems to a Collector with the file and field path of the offending
value; line and column are looked up only for files that have a problem.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from .deadline import parse_deadline
from .ledger import tally_round
from .models import DONE_STATUSES, Bulletin, Round, Task
from .problems import Problem, format_field
from .repo import Dataset
from .templates import find_template
from .typography import bulletin_texts, check_text, task_texts
from .yamlload import compose, locate


class Collector:
    """Problems found by the checks, located lazily (one compose per file with problems)."""

    def __init__(self, root: Path):
        self.root = root
        self._pending: list[tuple[str, tuple, str, str, str | None, int]] = []

    def add(
        self, rel: str, loc: tuple, code: str, message: str, hint: str | None = None, offset: int = 0
    ) -> None:
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


def check_dataset(data: Dataset, today: date) -> list[Problem]:
    """Every cross-file problem of a loaded dataset."""
    out = Collector(data.root)
    _check_duplicates(data, out)
    _check_units(data, out)
    for task in data.tasks.values():
        if data.where(task) not in data.peeked:
            _check_task(data, task, today, out)
            _check_typography(data.where(task), task_texts(task), out)
    if data.peeked:  # only some task files were named: the checks over the whole set wait
        return out.problems()
    for bulletin in data.bulletins.values():
        _check_bulletin(data, bulletin, out)
        _check_typography(data.where(bulletin), bulletin_texts(bulletin), out)
    if not data.incomplete:  # counts over a partly loaded dataset would only add noise
        for rnd in data.rounds.values():
            _check_round(data, rnd, out)
        for bulletin in data.bulletins.values():
            _check_bulletin_totals(data, bulletin, out)
    return out.problems()


def _check_typography(rel: str, texts, out: Collector) -> None:
    for loc, text, extra in texts:
        for code, message, offset in check_text(text) + extra:
            out.add(rel, loc, code, message, offset=offset)


def _unknown_ref(data: Dataset, out: Collector, model, loc: tuple, kind: str, value: str, known) -> None:
    import difflib

    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f"是不是“{close[0]}”?" if close else f"已有{kind}:{'、'.join(known) or '(无)'}"
    out.add(data.where(model), loc, "E310", f"引用了不存在的{kind}“{value}”", hint)


def _check_duplicates(data: Dataset, out: Collector) -> None:
    first: dict[tuple[str, str], object] = {}
    labels = {Round: "轮次", Task: "任务", Bulletin: "公告"}
    codes = {Round: "E301", Task: "E302", Bulletin: "E304"}
    for model in data.records:
        kind = type(model)
        if kind not in labels:
            continue
        key = (kind.__name__, model.id)
        if key in first:
            other = data.where(first[key])
            out.add(data.where(model), ("id",), codes[kind], f"{labels[kind]}编号“{model.id}”重复(另见 {other})")
        else:
            first[key] = model
    numbers: dict[tuple[str, int], Task] = {}
    for task in data.tasks.values():
        key = (task.round, task.number)
        if key in numbers:
            other = numbers[key]
            out.add(
                data.where(task),
                ("number",),
                "E303",
                f"轮次 {task.round} 中序号 {task.number} 重复(另见任务 {other.id},{data.where(other)})",
            )
        else:
            numbers[key] = task


def _check_units(data: Dataset, out: Collector) -> None:
    if data.units_file is None:
        return
    seen: dict[str, int] = {}
    for index, unit in enumerate(data.units_file.units):
        for alias_index, form in enumerate((unit.name, *unit.aliases)):
            loc = ("units", index, "name") if alias_index == 0 else ("units", index, "aliases", alias_index - 1)
            if form in seen and seen[form] != index:
                out.add(data.where(data.units_file), loc, "E305", f"单位名称“{form}”在名录中重复出现")
            seen.setdefault(form, index)


def _check_task(data: Dataset, task: Task, today: date, out: Collector) -> None:
    rel = data.where(task)
    if task.round not in data.rounds:
        _unknown_ref(data, out, task, ("round",), "轮次", task.round, data.rounds)
    for field in ("lead_units", "responsible_units"):
        _, unknown = data.units.read_line(getattr(task, field))
        for written in unknown:
            guess = data.units.suggest(written)
            hint = f"是不是“{guess}”?" if guess else "请在 data/units.yaml 中登记这个单位"
            out.add(rel, (field,), "E312", f"单位“{written}”不在单位名录中", hint)
    try:
        parse_deadline(task.deadline)
    except ValueError as exc:
        out.add(rel, ("deadline",), "E320", str(exc))
    _check_task_dates(task, rel, today, out)
    _check_reports(task, rel, today, out)


def _check_task_dates(task: Task, rel: str, today: date, out: Collector) -> None:
    if task.status in DONE_STATUSES and task.completed_on is None:
        out.add(rel, ("status",), "E321", f"状态为“{task.status}”,但没有填写完成日期 completed_on")
    if task.status == "已销号" and task.closed_on is None:
        out.add(rel, ("status",), "E322", "状态为“已销号”,但没有填写销号日期 closed_on")
    if task.status not in DONE_STATUSES and task.completed_on is not None:
        out.add(rel, ("completed_on",), "E323", f"填写了完成日期,但状态是“{task.status}”")
    if task.status != "已销号" and task.closed_on is not None:
        out.add(rel, ("closed_on",), "E323", f"填写了销号日期,但状态是“{task.status}”")
    if task.completed_on and task.closed_on and task.closed_on < task.completed_on:
        out.add(rel, ("closed_on",), "E324", "销号日期早于完成日期")
    for field in ("completed_on", "closed_on"):
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


def _check_round(data: Dataset, rnd: Round, out: Collector) -> None:
    rel = data.where(rnd)
    tasks = data.tasks_of(rnd.id)
    counted = sum(group.count for group in rnd.counted)
    if rnd.total is not None and rnd.total != counted + len(tasks):
        out.add(
            rel,
            ("total",),
            "E350",
            f"任务总数写的是 {rnd.total} 项,但逐项录入 {len(tasks)} 项加仅有数量的 {counted} 项共 "
            f"{len(tasks) + counted} 项",
        )
    limit = rnd.total if rnd.total is not None else counted + len(tasks)
    numbers = {task.number for task in tasks}
    for task in tasks:
        if task.number > limit:
            out.add(data.where(task), ("number",), "E340", f"序号 {task.number} 超过本轮次任务总数 {limit}")
    if not rnd.counted and numbers:
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            out.add(
                rel,
                ("id",),
                "E341",
                f"任务序号不连续,缺少 {'、'.join(map(str, missing))}",
                "序号应从 1 开始连续编排",
            )


def _check_bulletin(data: Dataset, bulletin: Bulletin, out: Collector) -> None:
    rel = data.where(bulletin)
    for index, round_id in enumerate(bulletin.summary_rounds):
        if round_id not in data.rounds:
            _unknown_ref(data, out, bulletin, ("summary_rounds", index), "轮次", round_id, data.rounds)
    listing = bulletin.listing
    if listing.round not in data.rounds:
        _unknown_ref(data, out, bulletin, ("listing", "round"), "轮次", listing.round, data.rounds)
    if bulletin.as_of > bulletin.date:
        out.add(rel, ("as_of",), "E353", f"截至日期 {bulletin.as_of} 晚于成文日期 {bulletin.date}")
    if find_template(data.root, bulletin.template) is None:
        out.add(rel, ("template",), "E354", f"找不到模板“{bulletin.template}”", "模板放在数据仓库的 templates/ 目录中")
    if isinstance(listing.tasks, list):
        for index, task_id in enumerate(listing.tasks):
            task = data.tasks.get(task_id)
            if task is None:
                _unknown_ref(data, out, bulletin, ("listing", "tasks", index), "任务", task_id, data.tasks)
            elif task.round != listing.round:
                out.add(rel, ("listing", "tasks", index), "E311", f"任务 {task_id} 不属于轮次 {listing.round}")
    from .bulletin import listed_tasks

    if listing.round in data.rounds:
        for task in listed_tasks(data, bulletin):
            if task.report_at(bulletin.as_of) is None:
                out.add(
                    data.where(task),
                    ("progress",),
                    "E352",
                    f"公告 {bulletin.id} 要公开此任务,但它没有 {bulletin.as_of} 或更早的进展",
                )


def _check_bulletin_totals(data: Dataset, bulletin: Bulletin, out: Collector) -> None:
    rel = data.where(bulletin)
    for round_id, published in (bulletin.totals or {}).items():
        if round_id not in data.rounds:
            _unknown_ref(data, out, bulletin, ("totals", round_id), "轮次", round_id, data.rounds)
            continue
        tally = tally_round(data, round_id, bulletin.as_of)
        if (published.total, published.done) != (tally.total, tally.done):
            out.add(
                rel,
                ("totals", round_id),
                "E351",
                f"公告记载轮次 {round_id} 共 {published.total} 项、已完成 {published.done} 项,"
                f"但按任务数据截至 {bulletin.as_of} 共 {tally.total} 项、已完成 {tally.done} 项",
            )
