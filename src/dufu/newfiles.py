"""New data files in the house layout: a task (`dufu new task`, `dufu import ledger`) and the
next bulletin (`dufu bulletin new`). Laid out here, checked and written by the writer."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from . import yamlwrite as yw
from .bulletin import draft_bulletin, latest_bulletin
from .deadline import typed_deadline_problem
from .filechecks import unknown_units
from .files import read_regular
from .ledger import tally_round
from .models import ID_MAX, STATUSES, Report, Unit, is_id
from .problems import DufuError, UsageError
from .repo import Dataset
from .templates import parse_zh_number, zh_number
from .textsafety import visible
from .units import UnitRegistry
from .words import TASK_FIELDS
from .writer import Change, change_file
from .yamlload import MAX_FILE_BYTES

# What a new task needs, in file order (labels from words.LABELS).
TASK_INPUTS = ("round", "title", *TASK_FIELDS)


def next_number(data: Dataset, round_id: str, taken: set[int] = frozenset()) -> int:
    """The number after the round's highest itemized one (or one taken by the same write)."""
    numbers = {task.number for task in data.tasks_of(round_id)} | set(taken)
    return max(numbers, default=0) + 1


def free_id(data: Dataset, root: Path, round_id: str, number: int, taken: set[str] = frozenset()) -> str:
    task_id = f"{round_id}-{number:02d}"
    while task_id in data.tasks or task_id in taken or (root / f"data/tasks/{task_id}.yaml").exists():
        task_id += "x"  # a hand-made repository may use another id scheme
    return task_id


def check_id(value: str | None, what: str, example: str) -> None:
    """Refuse an id given on the command line that the data would not accept, before a path
    is built from it: data/tasks/<id>.yaml with an id like ../../x would lie outside the
    repository (staged and checked there, written there)."""
    if value is not None and not is_id(value):
        raise UsageError(
            f"{what}编号“{visible(value)}”无效:只能由英文字母、数字和 _ . - 组成,"
            f"以字母或数字开头,至多 {ID_MAX} 个字符(如 {example})"
        )
    if value is not None and value.lower().endswith((".yaml", ".yml")):  # a file name: r4-01.yaml.yaml
        raise UsageError(f"{what}编号“{visible(value)}”不要带文件扩展名(写 {value.rsplit('.', 1)[0]})")


def task_text(fields: list[tuple[str, object]], reports: list[Report]) -> str:
    """A task file: schema line, fields in house order, its progress (or an empty list)."""
    body = yw.mapping(fields)
    progress = "progress:\n" + "".join(yw.report_item(r) for r in reports) if reports else "progress: []\n"
    return yw.header("task", 2) + body + progress


def new_task(root: Path, data: Dataset, values: dict[str, str], status: str, number: int | None, task_id: str | None):
    """`dufu new task`: the Change that creates data/tasks/<id>.yaml."""
    check_id(task_id, "任务", "r2-05")
    round_id = values["round"]
    if (problem := task_answer_problem(data, "round", values)) is not None:
        raise UsageError(problem)
    if status not in STATUSES:
        raise UsageError(f"没有状态“{status}”。可用状态:{'、'.join(STATUSES)}")
    if (problem := task_answer_problem(data, "title", values)) is not None:
        raise DufuError(problem)
    if (problem := task_answer_problem(data, "deadline", values)) is not None:
        raise UsageError(problem)
    number = number or next_number(data, round_id)
    task_id = task_id or free_id(data, root, round_id, number)
    if task_id in data.tasks:
        raise DufuError(f"已有编号为 {task_id} 的任务({data.where(data.tasks[task_id])})")
    fields = [("id", task_id), ("round", round_id), ("number", number), ("title", values["title"])]
    fields += [(name, values[name]) for name in TASK_FIELDS] + [("status", status)]
    return change_file(root, f"data/tasks/{task_id}.yaml", task_text(fields, []).encode("utf-8"))


def task_answer_problem(data: Dataset, name: str, values: dict[str, str]) -> str | None:
    """What is wrong with a new task's value of name, given the values before it, in words
    (with what to do), or None: an unknown round, a problem its round already holds, a unit
    the registry lacks, a deadline dufu cannot read. On a terminal the question is asked
    again; the rest of what validation finds refuses the write as for any other."""
    value = values[name]
    if name == "round" and value not in data.rounds:
        return f"没有轮次“{visible(value)}”。已有轮次:{'、'.join(data.rounds) or '(无)'}"
    if name == "title" and values["round"] in data.rounds:
        same = next((t for t in data.tasks_of(values["round"]) if t.title == value), None)
        if same is not None:  # a task entered twice (and import notice, matching by title, could not tell them apart)
            return f"轮次 {values['round']} 已有问题相同的任务 {same.id}({data.where(same)}):同一问题只录入一次"
    if name in ("lead_units", "responsible_units") and data.units_file is not None:
        found = unknown_units(value, data.units)
        return "\n".join(message + (f"({hint})" if hint else "") for message, hint in found) or None
    if name == "deadline":
        return typed_deadline_problem(value)
    return None


_ISSUE = re.compile(r"(?:(?P<year>[0-9]{4})年)?第(?P<n>[0-9]+|[一二三四五六七八九十]+)期")


def next_issue(title: str, last: date, day: date) -> str:
    """The title of the notice after one titled title: its issue number (第2期, 2025年第2期,
    第二期) one more, or 第1期 of the new year when the number is the year's and the year has
    turned; a title without one as it is."""
    match = _ISSUE.search(title)
    if match is None:
        return title
    written = match["n"]
    number = int(written) if written.isdigit() else parse_zh_number(written)
    if number is None or number >= 9999:
        return title
    year = match["year"]
    if year is not None and int(year) == last.year and day.year > last.year:
        year, number = str(day.year), 0
    new = str(number + 1) if written.isdigit() else zh_number(number + 1)
    return title[: match.start()] + (f"{year}年" if year else "") + f"第{new}期" + title[match.end() :]


def units_to_add(data: Dataset, lines: list[str]) -> list[str]:
    """Units the unit lines name that the registry does not know (a name after 、 in a group
    takes the place prefix of the nearest name before it that has one), in order of first mention."""
    registry, added = UnitRegistry(data.units_file.units if data.units_file else []), []
    for line in lines:
        for _, meant in registry.unknown_in_line(line):
            if meant not in added:  # named twice in one line
                added.append(meant)
                registry.add(Unit(name=meant))
    return added


def units_file(root: Path, data: Dataset) -> tuple[str, str]:
    """The units registry's path and text (an empty registry when there is none yet)."""
    rel = data.where(data.units_file) if data.units_file is not None else "data/units.yaml"
    return rel, read_regular(root / rel, MAX_FILE_BYTES).decode("utf-8") if (root / rel).exists() else "units: []\n"


def units_change(root: Path, data: Dataset, names: list[str]) -> Change | None:
    if not names:
        return None
    rel, old = units_file(root, data)
    return change_file(root, rel, yw.splice_units(old, names).encode("utf-8"))


def next_bulletin(root: Path, data: Dataset, as_of: date, day: date, bulletin_id: str | None, today: date) -> Change:
    """`dufu bulletin new`: the next notice, carrying over title, preamble, listing, issuers,
    template and punctuation from the latest one, with the totals it publishes."""
    check_id(bulletin_id, "公告", "2024-07-22")
    if not data.bulletins:
        raise DufuError(
            "还没有任何一期公告可以沿用:请先用 dufu import notice 导入已发布的公告;"
            "还没有发布过公告的,把 examples/bulletin.yaml 复制到 data/bulletins/ 下写好第一期"
        )
    last = latest_bulletin(data)
    bulletin_id = bulletin_id or day.isoformat()
    if bulletin_id in data.bulletins or (root / f"data/bulletins/{bulletin_id}.yaml").exists():
        raise DufuError(f"已有编号为 {bulletin_id} 的公告")
    if as_of <= last.as_of:
        raise DufuError(f"截至日期 {as_of} 不晚于上一期公告 {last.id} 的截至日期 {last.as_of}")
    printed = dict.fromkeys([*last.summary_rounds, last.listing.round])  # the rounds whose numbers it prints
    short = [rid for rid in printed if rid in data.rounds and data.shortfall(rid)]
    if short:  # (a round it does not print may be short: its tasks are being entered)
        raise DufuError(
            f"轮次 {'、'.join(short)} 的任务总数与逐项录入加仅有数量的任务数不符(E350):新一期公告的数字会与台账不符,"
            "请先补齐任务或改正任务总数"
        )
    late = [f"{what} {day_} 晚于今天 {today}" for what, day_ in (("截至日期", as_of), ("成文日期", day)) if day_ > today]
    if late:  # a notice is recorded once written; every write then keeps its words
        raise DufuError(f"{'、'.join(late)}:公告成文后再记下;要先看看下一期公告,用 dufu render --as-of {as_of} 起草")
    # as render --as-of drafts it: the listing without the tasks done since (and no intro when
    # none is left), tasks 基本完成 counted apart unless the last notice merged them
    draft = draft_bulletin(data, as_of, day)
    listing = draft.listing
    tallies = [tally_round(data, round_id, as_of) for round_id in last.summary_rounds]

    def basic(tally) -> str:  # counted apart, the 基本完成 count is published too
        return f", basic: {tally.basic}" if draft.basic_done == "单列" else ""

    tasks = "open" if listing.tasks == "open" else f"[{', '.join(listing.tasks)}]"
    text = (
        yw.header("bulletin", 2)
        + yw.mapping([("id", bulletin_id), ("title", next_issue(last.title, last.date, day)), ("as_of", as_of), ("date", day)])
        + yw.mapping([("preamble", last.preamble)])
        + f"summary_rounds: [{', '.join(last.summary_rounds)}]\n"
        + f"listing:\n  round: {listing.round}\n  tasks: {tasks}\n"
        + (f"  intro: {yw.scalar(listing.intro)}\n" if listing.intro else "")
        + yw.mapping([("issuers", list(last.issuers))])
        + (f"template: {yw.scalar(last.template)}\n" if last.template != "bulletin.txt.j2" else "")
        + (f"punctuation: {last.punctuation}\n" if last.punctuation != "半角" else "")
        + (f"month_end: {last.month_end}\n" if last.month_end != "底" else "")
        + f"basic_done: {draft.basic_done}\n"
        + yw.summary_words_line(last.wording)
        + "totals:\n"  # what it publishes: validate then names a later edit that changes it (E351)
        + "".join(f"  {t.round.id}: {{total: {t.total}, done: {t.done}{basic(t)}}}\n" for t in tallies)
    )
    return change_file(root, f"data/bulletins/{bulletin_id}.yaml", text.encode("utf-8"))
