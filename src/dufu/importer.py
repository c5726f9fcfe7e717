"""`dufu import notice`: a published notice into the data repository, exactly.

The notice is read (``noticeparse``), then compared with what the repository already knows:
rounds by name, tasks by round and title, units through the registry. The result is a set of
file changes written through the one write path, which checks the repository as it would be
and, here, that the imported bulletin renders back to the notice byte for byte.
"""

from __future__ import annotations

import difflib
import itertools

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import yamlwrite as yw
from .files import FileTooLarge, NotRegularFile, read_regular, reason
from .importrounds import complete_by, first_counts, listing_round, plan_round, take_open
from .models import DONE_STATUSES, CountedTasks, Measure, Report, Task
from .newfiles import units_to_add
from .noticeparse import NoticeError, ParsedNotice, ParsedSection, parse_notice
from .problems import DufuError, InvalidData, UsageError
from .repo import Dataset
from .templates import zh_date
from .words import LABELS, PUNCTUATION, TASK_FIELDS
from .writer import change_file, commit_changes
from .yamlload import MAX_FILE_BYTES
from .yamlsplice import SpliceError, add_list_item

_MAX_NOTICE_BYTES = 8 * 1024 * 1024


class ImportRefused(InvalidData):
    """The notice (or its fit with the repository) was not understood; nothing was written."""

    def __init__(self, path: str, error: NoticeError) -> None:
        super().__init__([error.problem(path)])
        where = f"(第 {error.line} 行)" if error.line else ""  # 0: the notice as a whole (an empty file)
        self.args = (f"没有导入 {path}:{error.message}{where},没有写入任何文件",)

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class Plan:
    """What an import changes, as new file texts keyed by repository path."""

    root: Path
    data: Dataset
    notice: ParsedNotice
    files: dict[str, str] = field(default_factory=dict)
    new_units: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # round -> tasks created
    unlisted: dict[str, list[Task]] = field(default_factory=dict)  # round -> open tasks not listed
    listed: str | None = None  # the round of the tasks listed, as --round gives it (id or name)
    basic: frozenset[int] = frozenset()  # the listed tasks (一、 is 1) --basic says are 基本完成

    def text(self, rel: str) -> str:
        if rel not in self.files:
            self.files[rel] = read_regular(self.root / rel, MAX_FILE_BYTES).decode("utf-8")
        return self.files[rel]


def import_notice_file(
    root: Path, file: Path, today: date, *, dry_run: bool = False, listed: str | None = None, basic: frozenset[int] = frozenset()
) -> tuple[str, int]:
    """Import one notice; the diff of what was (or, with dry_run, would be) written, and how
    many of its lines had blanks before or after them, which the notice recorded leaves out.
    listed: the round whose tasks the notice lists, when its intro does not say (--round);
    basic: the numbers of the listed tasks that are 基本完成, when its summary counts such tasks
    and does not say which (--basic)."""
    from .validate import load_for_writing

    raw = _read_notice(file)
    try:
        notice = parse_notice(raw)
        plan = Plan(root, load_for_writing(root, today), notice, listed=listed, basic=basic)
        bulletin_id = plan_import(plan)
    except NoticeError as exc:
        raise ImportRefused(file.name, exc) from None
    changes = [change_file(root, rel, text.encode("utf-8")) for rel, text in sorted(plan.files.items())]
    verify = _round_trip_check(file.name, notice.text, bulletin_id, today)
    return commit_changes(root, changes, today, dry_run=dry_run, verify=verify), notice.trimmed


def _read_notice(file: Path) -> bytes:
    try:
        return read_regular(file, _MAX_NOTICE_BYTES)
    except FileTooLarge:
        raise DufuError(f"{file} 超过 8 MB,不像一期公告") from None
    except FileNotFoundError:  # a missing path is a usage error (exit 2), as for every command
        raise UsageError(f"找不到公告文件 {file}") from None
    except NotRegularFile as exc:
        raise DufuError(f"{file} 是{exc.what},不是普通文件,不会读取") from None
    except OSError as exc:
        raise DufuError(f"无法读取公告文件 {file}:{reason(exc)}") from None


def plan_import(plan: Plan) -> str:
    """Fill plan.files; the id of the imported bulletin."""
    notice = plan.notice
    same = _imported_before(plan)
    if same is not None:
        _basic_as_recorded(plan, same)
        return same
    round_ids = [plan_round(plan, index) for index in range(len(notice.rounds))]
    later = [
        b for b in plan.data.bulletins.values() if b.as_of > notice.cutoff and {*b.summary_rounds, b.listing.round} & {*round_ids}
    ]
    if later:  # its changes would land before what later notices of its rounds already recorded
        last = max(later, key=lambda b: (b.as_of, b.id))
        raise NoticeError(
            2, f"数据仓库中已有截至 {last.as_of} 的公告 {last.id},晚于这期的截至日期 {notice.cutoff}:请按时间先后导入公告", "E505"
        )
    listing = listing_round(plan, round_ids)
    if listing is not None:  # the tasks listed are open ones: no more than the summary leaves open
        written, total, done, _ = notice.rounds[round_ids.index(listing)]
        if len(notice.sections) > total - done:
            raise NoticeError(
                2, f"{written}剩余 {total - done} 项正在推进,但公告逐项列出了 {len(notice.sections)} 项", "E503"
            )
    _check_basic_given(plan, listing, round_ids)
    _carry_basic(plan, listing, round_ids)
    task_ids = _plan_tasks(plan, listing) if listing is not None else []
    for (_, total, done, _), round_id in zip(notice.rounds, round_ids, strict=True):
        if round_id != listing and done == total:  # all done: so is each task it had open
            tasks = plan.data.tasks_of(round_id)
            plan.unlisted[round_id] = [t for t in tasks if t.status_at(notice.cutoff) not in DONE_STATUSES]
    for index, round_id in enumerate(round_ids):
        groups = _plan_counts(plan, round_id, notice.rounds[index], listed=round_id == listing)
        _check_basic(plan, round_id, notice.rounds[index], task_ids if round_id == listing else None, groups)
    _plan_units(plan)
    return _plan_bulletin(plan, round_ids, listing or round_ids[-1], task_ids)


def _report(plan: Plan, section: ParsedSection) -> Report:
    """A listed task's report as of the cut-off: 基本完成 then when --basic names it."""
    measures = [Measure(heading=m.heading, items=m.items, text=m.text) for m in section.measures]
    basic = plan.notice.sections.index(section) + 1 in plan.basic
    return Report(as_of=plan.notice.cutoff, status="基本完成" if basic else None, measures=measures)


def _basic_as_recorded(plan: Plan, bulletin_id: str) -> None:
    """--basic for a notice imported before: what it says must be what the data says of the
    tasks that notice lists (it is not a way to rewrite them)."""
    if not plan.basic:
        return
    bulletin = plan.data.bulletins[bulletin_id]
    ids = bulletin.listing.tasks if isinstance(bulletin.listing.tasks, list) else []
    _basic_within(plan, len(ids))
    recorded = {n for n, task_id in enumerate(ids, 1) if plan.data.tasks[task_id].status_at(bulletin.as_of) == "基本完成"}
    if recorded != plan.basic:
        said = "、".join(map(str, sorted(recorded))) or "没有"
        raise NoticeError(
            2, f"这期公告已经导入,数据中它列出的任务基本完成的是第 {said} 项,与 --basic 不同:要改请直接编辑任务文件", "E505"
        )


def _carry_basic(plan: Plan, listing: str | None, round_ids: list[str]) -> None:
    """Without --basic, the listed tasks that were 基本完成 by the data before this notice stay
    so when they are as many as its summary counts (the notice after the one --basic named
    them need not name them again); otherwise the count is checked, and refused, as before."""
    if plan.basic or listing is None:
        return
    basic = plan.notice.rounds[round_ids.index(listing)][3]
    if not basic:
        return
    by_title = {t.title: t for t in reversed(plan.data.tasks_of(listing))}  # the first of a title, as _plan_tasks
    cutoff = plan.notice.cutoff
    carried = frozenset(
        n for n, section in enumerate(plan.notice.sections, 1)
        if (task := by_title.get(section.title)) is not None and task.status_at(cutoff) == "基本完成"
    )
    if len(carried) == basic:
        plan.basic = carried


def _basic_within(plan: Plan, listed: int) -> None:
    """--basic names places in a listing of this many tasks."""
    wrong = sorted(n for n in plan.basic if not 1 <= n <= listed)
    if wrong:
        raise UsageError(f"--basic {wrong[0]}:公告逐项列出的任务只有 {listed} 项(第一项“一、”是 1)")


def _check_basic_given(plan: Plan, listing: str | None, round_ids: list[str]) -> None:
    """--basic names listed tasks, of a summary that counts tasks 基本完成 in the listed round."""
    if not plan.basic:
        return
    _basic_within(plan, len(plan.notice.sections))
    if listing is None or not plan.notice.rounds[round_ids.index(listing)][3]:
        raise UsageError("--basic 只用于汇总句单列了列出任务所在轮次的基本完成数(……基本完成Y项……)而没写明是哪几项的公告")


def _plan_tasks(plan: Plan, round_id: str) -> list[str]:
    """Listed tasks matched by title (a new report each) or created; the ids in listed order.
    Tasks of the round that were open and are no longer listed are noted for _plan_counts."""
    existing = plan.data.tasks_of(round_id)
    by_title = {}
    for task in existing:
        by_title.setdefault(task.title, task)
    number = max((t.number for t in existing), default=0)
    ids, seen, created = [], set(), 0
    for section in plan.notice.sections:
        if section.title in seen:
            raise NoticeError(section.line, f"同一个任务“{section.title}”列出了两次", "E503")
        seen.add(section.title)
        task = by_title.get(section.title)
        if task is not None:
            _update_task(plan, task, section)
        else:
            if existing and created >= _open_counted(plan, round_id) + _unentered(plan, round_id):
                raise NoticeError(section.line, _unmatched(section.title, existing), "E503")
            number, created = number + 1, created + 1
            task = _new_task(plan, round_id, number, section)
            by_title[task.title] = task
        ids.append(task.id)
    cutoff = plan.notice.cutoff
    for task in existing:
        if task.id not in ids and task.status_at(cutoff) not in DONE_STATUSES:
            plan.unlisted.setdefault(round_id, []).append(task)
    return ids


def _open_counted(plan: Plan, round_id: str) -> int:
    """The round's tasks known only by count and open at the cut-off: a listed task that is
    new to the data is one of these."""
    cutoff = plan.notice.cutoff
    groups = plan.data.rounds[round_id].counted
    return sum(g.count for g in groups if g.status not in DONE_STATUSES and g.status_at(cutoff) not in DONE_STATUSES)


def _unentered(plan: Plan, round_id: str) -> int:
    """The tasks a round's stated total has beyond those entered or counted (E350): a listed
    task that is new to the data may be one of these, as one is entered by hand."""
    return max(plan.data.shortfall(round_id), 0)


def _unmatched(title: str, existing: list[Task]) -> str:
    """Why a listed task can be neither one of the data nor a new one, with the likeliest."""
    message = f"“{title}”与数据中这一轮次的任务都不同名,而这一轮次已没有尚未录入或只知数量的未完成任务可以对应"
    close = difflib.get_close_matches(title, [t.title for t in existing], n=1, cutoff=0.5)
    if close:
        task = next(t for t in existing if t.title == close[0])
        message += f";最接近的是 {task.id}“{task.title}”:问题名称改了吗?(问题名称须与数据中的一致)"
    return message


def _update_task(plan: Plan, task: Task, section: ParsedSection) -> None:
    cutoff, rel = plan.notice.cutoff, plan.data.where(task)
    now = task.at(cutoff)
    changed = [(name, section.fields[name]) for name in TASK_FIELDS if getattr(now, name) != section.fields[name]]
    if changed:
        _adjust(plan, task, section, changed)
    if task.status_at(cutoff) in DONE_STATUSES:
        raise NoticeError(section.line, f"公告把它列为正在整改,但任务 {task.id} 截至 {cutoff} 已完成", "E503")
    report = _report(plan, section)
    same_day = [r for r in task.progress if r.as_of == cutoff]
    if same_day:
        if list(same_day[0].measures) != list(report.measures):
            raise NoticeError(section.line, f"任务 {task.id} 已有截至 {cutoff} 的进展,且与公告不同", "E505")
        return
    if any(r.as_of > cutoff for r in task.progress):
        raise NoticeError(section.line, f"任务 {task.id} 已有晚于 {cutoff} 的进展:请按时间先后导入公告", "E505")
    text = yw.splice_report(plan.text(rel), report)
    if text is None:
        raise NoticeError(section.line, f"{rel} 的最后一项不是 progress,无法追加进展", "E505")
    plan.files[rel] = text


def _adjust(plan: Plan, task: Task, section: ParsedSection, changed: list[tuple[str, str]]) -> None:
    """A notice that prints a task's deadline, units or target differently from the data: an
    adjustment in effect from its cut-off (the day it is known to hold; earlier notices keep
    the old text). Only the newest notice may do so: the order of adjustments is the order of time."""
    cutoff, rel = plan.notice.cutoff, plan.data.where(task)
    line = section.line + 1 + TASK_FIELDS.index(changed[0][0])
    if "deadline" in dict(changed):
        _readable_deadline(section)
    if any(a.on >= cutoff for a in task.adjustments) or any(r.as_of > cutoff for r in task.progress):
        raise NoticeError(line, f"任务 {task.id}({rel})的{LABELS[changed[0][0]]}与已有数据不同,且已有更晚的记录:请按时间先后导入公告", "E505")
    item = yw.adjustment_item(cutoff, changed, f"{zh_date(plan.notice.date)}公告所载")
    try:
        plan.files[rel] = add_list_item(plan.text(rel), rel, "adjustments", item)
    except SpliceError as exc:
        raise NoticeError(line, f"无法在 {rel} 中记下调整:{exc}", "E505") from None


def _readable_deadline(section: ParsedSection) -> None:
    """A listed task's 整改时限 as dufu reads deadlines, or E502 at its line of the notice."""
    from .deadline import parse_deadline

    try:
        parse_deadline(section.fields["deadline"])
    except ValueError as exc:
        raise NoticeError(section.line + 1 + TASK_FIELDS.index("deadline"), f"整改时限无法识别:{exc}", "E502") from None


def _new_task(plan: Plan, round_id: str, number: int, section: ParsedSection) -> Task:
    _readable_deadline(section)
    task_id = f"{round_id}-{number:02d}"
    while task_id in plan.data.tasks or (plan.root / f"data/tasks/{task_id}.yaml").exists():
        task_id += "x"  # a hand-made repository may use another id scheme
    fields = [("id", task_id), ("round", round_id), ("number", number), ("title", section.title)]
    fields += [(name, section.fields[name]) for name in TASK_FIELDS]
    fields.append(("status", "正在推进"))
    report = _report(plan, section)
    body = yw.mapping(fields) + "progress:\n" + yw.report_item(report)
    plan.files[f"data/tasks/{task_id}.yaml"] = yw.header("task", 2) + body
    plan.created.setdefault(round_id, 0)
    plan.created[round_id] += 1
    return Task(**dict(fields), progress=[report])


def _mark_done_by(plan: Plan, task: Task, cutoff: date) -> None:
    rel = plan.data.where(task)
    if any(r.as_of > cutoff for r in task.progress):
        raise NoticeError(2, f"任务 {task.id} 没有列出,却有晚于 {cutoff} 的进展:请按时间先后导入公告", "E505")
    text = yw.splice_completed_by(plan.text(rel), cutoff, task.status)
    if text is None:
        raise NoticeError(2, f"无法在 {rel} 中记下任务已完成(status 或 progress 的位置不对)", "E505")
    plan.files[rel] = text


def _plan_counts(plan: Plan, round_id: str, tally: tuple[str, int, int, int], listed: bool) -> list[CountedTasks]:
    """Make the round's counted tasks give the published totals at the cut-off (listed: the
    notice lists this round's open tasks)."""
    written, total, done, basic = tally
    cutoff, rnd = plan.notice.cutoff, plan.data.rounds[round_id]
    comma = PUNCTUATION[plan.notice.punctuation].comma
    tasks = plan.data.tasks_of(round_id)
    created = plan.created.get(round_id, 0)
    itemized_done = sum(t.status_at(cutoff) in DONE_STATUSES for t in tasks)
    if not rnd.counted and not tasks:  # a round met for the first time
        groups = first_counts(written, total, done, len(tasks) + created, comma, basic)
    else:
        itemized_done += _left_listing(plan, round_id, tally, itemized_done)
        groups = take_open(list(rnd.counted), created, _unentered(plan, round_id), cutoff, written)
        unknown = [] if listed else [t.id for t in tasks if t.status_at(cutoff) not in DONE_STATUSES]
        groups = complete_by(groups, done - itemized_done, cutoff, written, comma, unknown)
    if groups != list(rnd.counted):
        rel = f"data/rounds/{round_id}.yaml"
        if rel not in plan.files:
            rel = plan.data.where(rnd)
        plan.files[rel] = yw.splice_counted(plan.text(rel), groups)
    return groups


def _check_basic(
    plan: Plan, round_id: str, tally: tuple[str, int, int, int], listed: list[str] | None, groups: list[CountedTasks]
) -> None:
    """A summary counting tasks 基本完成 apart: the data must say which they are (a notice
    does not), by a task's status (what a listed task's new report, which has none, shows)
    or by the round's counted tasks (groups, as the import leaves them); listed: the ids of
    the tasks the notice lists, when they are this round's."""
    written, _, _, basic = tally
    if not basic:
        return
    cutoff, entered = plan.notice.cutoff, plan.data.tasks_of(round_id)
    shown = set(listed or ())
    named = {listed[n - 1] for n in plan.basic} if listed else set()  # --basic: listed, entered now or before
    known = sum((t.status if t.id in shown else t.status_at(cutoff)) == "基本完成" for t in entered if t.id not in named)
    known += sum(g.count for g in groups if g.status_at(cutoff) == "基本完成")
    known += len(named)
    if known != basic:
        how = (
            "请用 --basic 序号 指明公告列出的哪几项是基本完成的(第一项“一、”是 1,可重复,如 --basic 2 --basic 5)"
            if listed is not None
            else "请先把这几项任务的 status 改为 基本完成,再导入"
            if entered
            else "这一轮的任务还没有录入:请先用 dufu import ledger 或 dufu new task --status 基本完成 录入这几项,再导入"
        )
        raise NoticeError(2, f"汇总句说{written}基本完成 {basic} 项,而数据中基本完成的有 {known} 项:公告没有写明是哪几项,{how}", "E503")


def _left_listing(plan: Plan, round_id: str, tally: tuple[str, int, int, int], itemized_done: int) -> int:
    """Tasks that were open and left the listing: done on or before the cut-off when the done
    count grew by at least their number, still open (just not listed) when it did not grow;
    anything between cannot be told apart. How many were marked done."""
    written, _, done, _ = tally
    cutoff, unlisted = plan.notice.cutoff, plan.unlisted.get(round_id, [])
    counted_done = sum(g.count for g in plan.data.rounds[round_id].counted if g.status_at(cutoff) in DONE_STATUSES)
    grown = done - itemized_done - counted_done
    if not unlisted or grown <= 0:
        return 0
    if grown < len(unlisted):
        ids = "、".join(t.id for t in unlisted)
        raise NoticeError(
            2, f"公告不再列出任务 {ids},但{written}已完成数只增加了 {grown} 项,无法判断哪些已完成", "E503"
        )
    for task in unlisted:
        _mark_done_by(plan, task, cutoff)
    return len(unlisted)


def _plan_units(plan: Plan) -> None:
    """Add every unit the unit lines name that the registry does not know."""
    lines = [section.fields[name] for section in plan.notice.sections for name in ("lead_units", "responsible_units")]
    plan.new_units = units_to_add(plan.data, lines)
    if plan.new_units:
        plan.files["data/units.yaml"] = yw.splice_units(plan.text("data/units.yaml"), plan.new_units)


def _plan_bulletin(plan: Plan, round_ids: list[str], listing: str, task_ids: list[str]) -> str:
    notice = plan.notice
    bulletin_id = next(i for i in _ids_of_the_day(notice) if not _taken(plan, i))
    apart = any(basic for *_, basic in notice.rounds)  # its summary counts tasks 基本完成 apart
    totals = "".join(
        f"  {rid}: {{total: {total}, done: {done}" + (f", basic: {basic}" if apart else "") + "}\n"
        for rid, (_, total, done, basic) in zip(round_ids, notice.rounds)
    )
    text = (
        yw.header("bulletin", 2)
        + yw.mapping([("id", bulletin_id), ("title", notice.title), ("as_of", notice.cutoff), ("date", notice.date)])
        + yw.mapping([("preamble", notice.preamble)])
        + f"summary_rounds: [{', '.join(round_ids)}]\n"
        + f"listing:\n  round: {listing}\n  tasks: [{', '.join(task_ids)}]\n  intro: {yw.scalar(notice.intro)}\n"
        + yw.mapping([("issuers", notice.issuers), ("punctuation", notice.punctuation)])
        + ("month_end: 日\n" if _month_end(plan) == "日" else "")
        + ("basic_done: 单列\n" if apart else "")
        + yw.summary_words_line(notice.wording)
        + "totals:\n"
        + totals
    )
    plan.files[f"data/bulletins/{bulletin_id}.yaml"] = text
    return bulletin_id


def _month_end(plan: Plan) -> str:
    """How the notice writes a month-end cut-off: as read, when its own cut-off is one; else
    as the latest notice before it did (a mid-month notice does not say, and the next notice
    bulletin new drafts from it should write the city's way)."""
    from .bulletin import bulletin_before
    from .templates import is_month_end

    if is_month_end(plan.notice.cutoff):
        return plan.notice.month_end
    earlier = bulletin_before(plan.data, plan.notice.cutoff)
    return "底" if earlier is None else earlier.month_end


def _ids_of_the_day(notice: ParsedNotice):
    """The ids a notice of its date may have: 2024-12-10, then (another that day) 2024-12-10-2…"""
    yield notice.date.isoformat()
    yield from (f"{notice.date.isoformat()}-{n}" for n in itertools.count(2))


def _taken(plan: Plan, bulletin_id: str) -> bool:
    return bulletin_id in plan.data.bulletins or (plan.root / f"data/bulletins/{bulletin_id}.yaml").exists()


def _imported_before(plan: Plan) -> str | None:
    """The id of the bulletin that already renders as this notice, or None."""
    for bulletin_id in _ids_of_the_day(plan.notice):
        if not _taken(plan, bulletin_id):
            return None
        existing = plan.data.bulletins.get(bulletin_id)
        if existing is not None and _renders_as(plan, existing, plan.notice.text):
            return bulletin_id
    return None


def _renders_as(plan: Plan, bulletin, text: str) -> bool:
    from .bulletin import render_bulletin

    try:
        return render_bulletin(plan.data, bulletin) == text
    except DufuError:
        return False


def _round_trip_check(name: str, text: str, bulletin_id: str, today: date):
    """The writer's extra check: in the staged repository the bulletin renders to the notice."""

    def verify(staged: Path) -> None:
        from .bulletin import render_bulletin
        from .validate import load_valid

        data = load_valid(staged, today)
        rendered = render_bulletin(data, data.bulletins[bulletin_id])
        if rendered != text:
            wanted, got = text.splitlines(), rendered.splitlines()
            line = next((i for i, (a, b) in enumerate(zip(wanted, got), 1) if a != b), min(len(wanted), len(got)) + 1)
            error = NoticeError(line, "导入后重新生成的公告与原文在这一行不同,dufu 无法原样重现这期公告", "E504")
            raise ImportRefused(name, error)

    return verify
