"""Checks across files: unique ids, references that resolve, numbering, tallies.

Checks of one file alone live in ``filechecks`` and run while loading, in parallel.
"""

from __future__ import annotations

import os
import stat

from .filechecks import Collector
from .ledger import published_counts, tally_round
from .models import DONE_STATUSES, Bulletin, Round, Task
from .notice import listed_tasks
from .problems import Problem
from .repo import DATA_DIR, UNITS_FILE, Dataset
from .templates import find_template, template_problem
from .textsafety import closest_id, find_lookalike, fold, lookalike_note
from .units import name_problem


def cross_facts(task: Task, days: list) -> list:
    """All that the checks below read of a task besides its id, round, number and file: on
    each day a bulletin is as of, whether it is done and whether it has a report by then.
    The index re-checks a changed task file alone when these and its id, round and number
    are as before (``indexed.refresh_tasks``): a check that reads more of a task must add
    it here."""
    return [[task.status_at(day) in DONE_STATUSES, task.report_at(day) is not None] for day in days]


def check_dataset(data: Dataset) -> list[Problem]:
    """Every cross-file problem of a loaded dataset (file-level checks ran while loading)."""
    out = Collector(data.root)
    problems = []
    if not _regular(data.root / DATA_DIR / UNITS_FILE):
        hint = "每个数据仓库都需要单位名录,格式见 README"
        problems.append(Problem(f"{DATA_DIR}/{UNITS_FILE}", 0, 0, "E112", "缺少单位名录文件", hint=hint))
    _check_duplicates(data, out)
    _check_units(data, out)
    for task in data.tasks.values():
        if task.round not in data.rounds and data.where(task) not in data.peeked:
            _unknown_ref(data, out, task, ("round",), "轮次", task.round, data.rounds)
    if data.peeked:  # only some task files were named: the checks over the whole set wait
        for rnd in data.rounds.values():  # but a number past a total the round file states is the file's own
            named = [task for task in data.tasks_of(rnd.id) if data.where(task) not in data.peeked]
            _past_total(data, named, rnd.total, f"本轮次任务总数 {rnd.total}", out)
        return problems + out.problems()
    templates: dict[str, str | None] = {}  # each template parsed once, however many bulletins name it
    for bulletin in data.bulletins.values():
        _check_bulletin(data, bulletin, out, templates)
    if not data.incomplete:  # counts over a partly loaded dataset would only add noise
        for rnd in data.rounds.values():
            _check_round(data, rnd, out)
        for bulletin in data.bulletins.values():
            _check_bulletin_totals(data, bulletin, out)
    return problems + out.problems()


def _regular(path) -> bool:
    """Whether path is a regular file, a symlink not followed (it is E114, never read): the
    answer depends only on what discovery saw there, as the index's stat data does."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _unknown_ref(data: Dataset, out: Collector, model, loc: tuple, kind: str, value: str, known) -> None:
    if value in data.broken_ids:  # it exists, in a file with an error of its own
        return
    if out.crowded(data.where(model), "E310"):
        out.add(data.where(model), loc, "E310", f"引用了不存在的{kind}“{value}”")
        return
    lookalike = find_lookalike(value, known)
    if lookalike is not None:  # say what differs, not "did you mean" the identical-looking id
        out.add(data.where(model), loc, "E310", f"引用了不存在的{kind}:{lookalike[1]}", f"改为“{lookalike[0]}”")
        return
    close = closest_id(value, known)
    hint = f"是不是“{close}”?" if close else f"已有{kind}:{'、'.join(known) or '(无)'}"
    out.add(data.where(model), loc, "E310", f"引用了不存在的{kind}“{value}”", hint)


def _check_duplicates(data: Dataset, out: Collector) -> None:
    """The second of two records with one id (or number in a round) is reported. When only
    some task files were named (the others peeked at), a named file that comes first is
    reported too: it is the one being checked."""
    first: dict[tuple[str, str], object] = {}
    labels = {Round: "轮次", Task: "任务", Bulletin: "公告"}
    codes = {Round: "E301", Task: "E302", Bulletin: "E304"}
    for model in data.records:
        kind = type(model)
        if kind not in labels:
            continue
        key = (kind.__name__, model.id)
        folded = (kind.__name__, "folded", fold(model.id))
        for this, that in _both_ways(data, model, first.get(key) or first.get(folded)):
            if key in first:
                message = f"{labels[kind]}编号“{this.id}”重复(另见 {data.where(that)})"
                out.add(data.where(this), ("id",), codes[kind], message)
            else:
                differ = f"“{this.id}”与“{that.id}”({data.where(that)})只有大小写或全角半角之差,容易混淆"
                out.add(data.where(this), ("id",), "E306", f"{labels[kind]}编号{differ}", "换一个编号")
        if key not in first and folded not in first:
            first[key] = first[folded] = model
    numbers: dict[tuple[str, int], Task] = {}
    for task in data.tasks.values():
        key = (task.round, task.number)
        for this, that in _both_ways(data, task, numbers.get(key)):
            message = f"轮次 {this.round} 中序号 {this.number} 重复(另见任务 {that.id},{data.where(that)})"
            out.add(data.where(this), ("number",), "E303", message)
        numbers.setdefault(key, task)


def _both_ways(data: Dataset, model, earlier) -> list[tuple]:
    """(reported, the other) for a model clashing with an earlier one (none when earlier is
    None): the model, and the earlier one too when it is a named file and the model is only
    peeked at (`validate FILE`)."""
    if earlier is None:
        return []
    pairs = [(model, earlier)]
    if data.peeked and data.where(model) in data.peeked and data.where(earlier) not in data.peeked:
        pairs.append((earlier, model))
    return pairs


def _check_units(data: Dataset, out: Collector) -> None:
    if data.units_file is None:
        return
    seen: dict[str, int] = {}
    folded: dict[str, tuple[str, int]] = {}
    for index, unit in enumerate(data.units_file.units):
        forms = (unit.name, *unit.aliases)
        for alias_index, form in enumerate(forms):
            loc = ("units", index, "name") if alias_index == 0 else ("units", index, "aliases", alias_index - 1)
            if form in seen and (seen[form] != index or form in forms[:alias_index]):  # twice in one unit too
                out.add(data.where(data.units_file), loc, "E305", f"单位名称“{form}”在名录中重复出现")
            elif form not in seen and folded.get(fold(form), (form, index))[1] != index:
                other = folded[fold(form)][0]
                note = lookalike_note(form, other) or f"“{form}”与“{other}”看起来相同"
                out.add(data.where(data.units_file), loc, "E306", f"单位名称{note},与另一个单位混淆")
            seen.setdefault(form, index)
            folded.setdefault(fold(form), (form, index))
            problem = name_problem(form)
            if problem is not None:
                out.add(data.where(data.units_file), loc, "E308", problem, "单位名称中不要用“、”“,”“;”,括号要配对")


def _check_round(data: Dataset, rnd: Round, out: Collector) -> None:
    rel = data.where(rnd)
    tasks = data.tasks_of(rnd.id)
    counted = sum(group.count for group in rnd.counted)
    if data.shortfall(rnd.id):
        out.add(
            rel,
            ("total",),
            "E350",
            f"任务总数写的是 {rnd.total} 项,但逐项录入 {len(tasks)} 项加仅有数量的 {counted} 项共 "
            f"{len(tasks) + counted} 项",
        )
    numbers = {task.number for task in tasks}
    if rnd.total is not None:
        limit, what = rnd.total, f"本轮次任务总数 {rnd.total}"
    else:  # no total written: the tasks the round has (a gap without counted ones is E341's)
        limit = counted + len(tasks) if rnd.counted else None
        what = f"本轮次的任务数 {limit}(逐项录入 {len(tasks)} 项加仅有数量的 {counted} 项,轮次文件没有写总数)"
    _past_total(data, tasks, limit, what, out)
    if not rnd.counted and numbers:
        gaps = _gaps(numbers)
        if gaps:
            out.add(rel, ("id",), "E341", f"任务序号不连续,缺少 {_said(gaps)}", "序号应从 1 开始连续编排")


def _past_total(data: Dataset, tasks: list[Task], limit: int | None, what: str, out: Collector) -> None:
    for task in tasks:
        if limit is not None and task.number > limit:
            out.add(data.where(task), ("number",), "E340", f"序号 {task.number} 超过{what}")


def _gaps(numbers: set[int]) -> list[tuple[int, int]]:
    """The runs (first, last) of numbers from 1 up to the largest that are missing: work by
    the numbers there are, never by their size (a date typed as a number: 20240531)."""
    gaps, expected = [], 1
    for number in sorted(numbers):
        if number > expected:
            gaps.append((expected, number - 1))
        expected = max(expected, number + 1)
    return gaps


def _said(gaps: list[tuple[int, int]]) -> str:
    """Missing numbers one by one when few (4、7), else as runs (5–20240530), at most ten."""
    missing = sum(last - first + 1 for first, last in gaps)
    if missing <= 20:
        return "、".join(str(n) for first, last in gaps for n in range(first, last + 1))
    shown = "、".join(str(first) if first == last else f"{first}–{last}" for first, last in gaps[:10])
    more = f" 等 {len(gaps)} 段" if len(gaps) > 10 else ""
    return f"{shown}{more}(共 {missing} 个)"


def _check_bulletin(data: Dataset, bulletin: Bulletin, out: Collector, templates: dict[str, str | None]) -> None:
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
    else:
        if bulletin.template not in templates:
            templates[bulletin.template] = template_problem(data.root, bulletin.template)
        if templates[bulletin.template] is not None:
            out.add(rel, ("template",), "E355", templates[bulletin.template], "修正模板后运行 dufu render 检查公告")
    _check_listed_twice(out, rel, ("summary_rounds",), bulletin.summary_rounds, "轮次")
    _check_listed_twice(out, rel, ("issuers",), bulletin.issuers, "发文机关")
    if isinstance(listing.tasks, list):
        _check_listed_twice(out, rel, ("listing", "tasks"), listing.tasks, "任务")
        for index, task_id in enumerate(listing.tasks):
            task = data.tasks.get(task_id)
            if task is None:
                _unknown_ref(data, out, bulletin, ("listing", "tasks", index), "任务", task_id, data.tasks)
            elif task.round != listing.round:
                out.add(rel, ("listing", "tasks", index), "E311", f"任务 {task_id} 不属于轮次 {listing.round}")
    if listing.round in data.rounds:
        for task in listed_tasks(data, bulletin):
            if task.report_at(bulletin.as_of) is None:
                out.add(
                    data.where(task),
                    ("progress",),
                    "E352",
                    f"公告 {bulletin.id} 要公开此任务,但它没有 {bulletin.as_of} 或更早的进展",
                )


def _check_listed_twice(out: Collector, rel: str, loc: tuple, ids: list[str], kind: str) -> None:
    """A bulletin naming the same task (or round) twice would print it twice (as 一 and 三)."""
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        key = fold(value)
        if key in seen:
            first = ids[seen[key]]
            same = "" if first == value else f"(与“{first}”只有大小写或全角半角之差)"
            out.add(
                rel, loc + (index,), "E307", f"{kind}“{value}”{same}在这里第二次列出,公告中会出现两次", "删除重复的一项"
            )
        else:
            seen[key] = index


def _check_bulletin_totals(data: Dataset, bulletin: Bulletin, out: Collector) -> None:
    rel = data.where(bulletin)
    for round_id, published in (bulletin.totals or {}).items():
        if round_id not in data.rounds:
            _unknown_ref(data, out, bulletin, ("totals", round_id), "轮次", round_id, data.rounds)
            continue
        tally = tally_round(data, round_id, bulletin.as_of)
        if any(getattr(published, name) != value for name, value in published_counts(published, tally)):
            basic = published.basic is not None
            out.add(
                rel,
                ("totals", round_id),
                "E351",
                f"公告记载轮次 {round_id} 共 {published.total} 项、已完成 {published.done} 项"
                + (f"、基本完成 {published.basic} 项" if basic else "")
                + f",但按任务数据截至 {bulletin.as_of} 共 {tally.total} 项、已完成 {tally.done} 项"
                + (f"、基本完成 {tally.basic} 项" if basic else ""),
            )
