"""What the authoring commands change: done, close, adjust, progress add, units add.

Each function reads the repository, computes the new text of the one file it edits (spliced,
never re-dumped) and returns the Change; ``writer.commit_changes`` checks and writes it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .deadline import typed_deadline_problem
from .files import NotRegularFile, read_regular, reason
from .ledger import find_task
from .models import DONE_STATUSES, STATUSES, Report, Task, status_to_keep
from .newfiles import units_file
from .problems import DufuError, InvalidData, UsageError
from .progress_text import ProgressTextError, parse_measures
from .repo import Dataset
from .schedule import checkpoint_goal, checkpoints
from .textsafety import visible
from .units import name_problem
from .words import LABELS
from .writer import Change, change_file
from .yamlload import MAX_FILE_BYTES
from .yamlsplice import add_list_item, append_to_list, set_fields, set_in_item
from .yamlwrite import adjustment_item, report_item, scalar

# Where a new top-level task field goes: after the nearest of these that the file has.
TASK_ORDER = (
    "id",
    "round",
    "number",
    "title",
    "lead_units",
    "responsible_units",
    "deadline",
    "target",
    "status",
    "status_before",
    "completed_on",
    "closed_on",
    "completed_by",
    "progress",
)


def _task_text(data: Dataset, task: Task) -> tuple[str, str]:
    rel = data.where(task)
    return rel, read_regular(data.root / rel, MAX_FILE_BYTES).decode("utf-8")


def mark_done(data: Dataset, task_id: str, day: date) -> Change:
    """`dufu done`: status 已完成, completed_on day."""
    task = find_task(data, task_id)
    if task.status in DONE_STATUSES or task.completed_on is not None:
        when = task.completed_on or task.completed_by
        raise DufuError(f"任务 {task.id} 已经是“{task.status}”" + (f"(完成于 {when})" if when else "") + ",没有修改")
    rel, text = _task_text(data, task)
    fields = {"status": "已完成", **kept_status(task), "completed_on": day}
    return change_file(data.root, rel, set_fields(text, rel, fields, TASK_ORDER).encode())


def kept_status(task: Task) -> dict:
    """The field that keeps a task's status before it is done, when that is not the open
    default (基本完成 set by hand): the notices published before say it, and would change."""
    before = status_to_keep(task.status)
    return {} if before is None else {"status_before": before}


def mark_closed(data: Dataset, task_id: str, day: date) -> Change:
    """`dufu close` (销号): status 已销号, closed_on day; the task must be done first."""
    task = find_task(data, task_id)
    if task.status == "已销号" or task.closed_on is not None:
        raise DufuError(f"任务 {task.id} 已于 {task.closed_on or '此前'} 销号,没有修改")
    done_on = task.completed_on or task.completed_by
    if task.status not in DONE_STATUSES and done_on is None:
        raise DufuError(f"任务 {task.id} 尚未完成(状态“{task.status}”):先用 dufu done {task.id} --on 日期 记下完成")
    if done_on is not None and day < done_on:
        raise DufuError(f"销号日期 {day} 早于完成日期 {done_on}")
    rel, text = _task_text(data, task)
    return change_file(
        data.root, rel, set_fields(text, rel, {"status": "已销号", "closed_on": day}, TASK_ORDER).encode()
    )


def add_progress(
    data: Dataset, task_id: str, as_of: date, text: str, status: str | None = None, source: str = "进展"
) -> Change:
    """`dufu progress add`: a report parsed from the notice's text form (read from source),
    appended to progress."""
    task = find_task(data, task_id)
    if status is not None and status not in STATUSES:
        raise UsageError(f"没有状态“{status}”。可用状态:{'、'.join(STATUSES)}")
    if status in DONE_STATUSES:  # a report's status says how the work goes; it never completes a task
        verb = "done" if status == "已完成" else "close"
        if task.status_at(as_of) == status:
            raise UsageError(f"进展报告不记“{status}”(任务 {task.id} 已经是“{status}”):请去掉 --status")
        raise UsageError(f"进展报告不记“{status}”:请用 dufu {verb} {task.id} --on 日期 记下,它会写入日期并改变任务状态")
    if any(report.as_of == as_of for report in task.progress):
        raise DufuError(f"任务 {task.id} 已有截至 {as_of} 的进展;要修改请直接编辑 {data.where(task)}")
    try:
        report = Report(as_of=as_of, status=status, measures=parse_measures(text))
    except ProgressTextError as exc:
        refused = InvalidData([exc.problem(source)])
        refused.args = (f"无法把{source}分成整改措施(第 {exc.line} 行:{exc.message}),没有写入任何文件",)
        raise refused from None
    rel, old = _task_text(data, task)
    later = [r.as_of for r in task.progress if r.as_of > as_of]
    if later:
        raise DufuError(f"任务 {task.id} 已有更晚(截至 {max(later)})的进展;进展应按日期先后追加")
    new = append_to_list(old, rel, "progress", report_item(report), "")
    return change_file(data.root, rel, new.encode("utf-8"))


def add_adjustment(data: Dataset, task_id: str, on: date, changes: dict[str, str | None], reason: str | None) -> Change:
    """`dufu adjust`: an approved change of deadline, units or target, in effect from on."""
    task = find_task(data, task_id)
    blank = [name for name, value in changes.items() if value is not None and not value.strip()]
    if blank:  # --lead '' said nothing, and was passed over
        flags = {"deadline": "--deadline", "lead_units": "--lead", "responsible_units": "--responsible", "target": "--target"}
        raise UsageError(f"{flags.get(blank[0], blank[0])} 的值是空的:调整要写明新的{LABELS.get(blank[0], blank[0])}")
    given = [(name, value.strip()) for name, value in changes.items() if value is not None and value.strip()]
    if not given:
        raise UsageError("请至少给出 --deadline、--lead、--responsible、--target 中的一项")
    later = [a.on for a in task.adjustments if a.on >= on]
    if later:
        raise DufuError(f"任务 {task.id} 已有 {max(later)} 生效的调整;调整应按生效日期先后追加")
    if "deadline" in dict(given) and (problem := typed_deadline_problem(dict(given)["deadline"])) is not None:
        raise UsageError(problem)
    now = task.at(on)
    same = [LABELS[name] for name, value in given if getattr(now, name) == value]
    if same:
        raise DufuError(f"任务 {task.id} 的{'、'.join(same)}在 {on} 已经是这样,没有修改")
    rel, text = _task_text(data, task)
    item = adjustment_item(on, given, reason.strip() if reason and reason.strip() else None)
    return change_file(data.root, rel, add_list_item(text, rel, "adjustments", item).encode("utf-8"))


def add_milestone(data: Dataset, task_id: str, due: date, goal: str, done_on: date | None) -> Change:
    """`dufu milestone add`: a dated intermediate goal that 序时进度 is measured against."""
    task = find_task(data, task_id)
    if not goal.strip():
        raise UsageError("请用 --goal 写明节点目标")
    if any(m.due == due for m in task.milestones):
        raise DufuError(f"任务 {task.id} 已有 {due} 的节点目标;要修改请直接编辑 {data.where(task)}")
    rel, text = _task_text(data, task)
    item = f"  - due: {due.isoformat()}\n    goal: {scalar(goal.strip())}\n"
    item += f"    done_on: {done_on.isoformat()}\n" if done_on else ""
    return change_file(data.root, rel, add_list_item(text, rel, "milestones", item).encode("utf-8"))


def mark_milestone(data: Dataset, task_id: str, due: date, day: date) -> Change:
    """`dufu milestone done`: the milestone due that day was met on day."""
    task = find_task(data, task_id)
    found = [i for i, m in enumerate(task.milestones) if m.due == due]
    deadline = task.at(day).due
    if not found and deadline is not None and [s.date for s in deadline.stages] == [due]:  # with milestones or not
        raise UsageError(f"{due} 是任务 {task.id} 的整改时限,不是节点目标:任务完成时用 dufu done {task.id} --on 日期")
    stage_goal = None if found else checkpoint_goal(task, day, due)
    if stage_goal is not None:  # a stage of a staged deadline: recorded as a milestone met
        return add_milestone(data, task_id, due, stage_goal, day)
    if not found:  # the checkpoints it takes: milestones, and the stages of the deadline in effect on day
        known = "、".join(str(point) for point, _ in checkpoints(task, day)) or "(无)"
        raise UsageError(f"任务 {task.id} 没有 {due} 的节点目标。已有节点:{known}")
    milestone = task.milestones[found[0]]
    if milestone.done_on is not None:
        raise DufuError(f"任务 {task.id} 的节点目标“{milestone.goal}”已于 {milestone.done_on} 达成,没有修改")
    rel, text = _task_text(data, task)
    return change_file(data.root, rel, set_in_item(text, rel, "milestones", found[0], "done_on", day).encode("utf-8"))


def add_units(root: Path, data: Dataset, names: list[str], aliases: list[str]) -> Change:
    """`dufu units add`: one unit (with its short forms) at the end of data/units.yaml."""
    if len(names) != 1 and aliases:
        raise UsageError("--alias 只能和一个单位名称一起使用")
    given = [*names, *aliases]
    for index, name in enumerate(given):
        problem = name_problem(name)
        if problem is not None:
            raise UsageError(visible(problem))
        if name in given[:index]:
            raise UsageError(f"“{visible(name)}”给了两次(名称和简称不能重复)")
        known = data.units.resolve(name)
        if known is not None:
            raise DufuError(f"单位名录中已有“{name}”" + (f"(即“{known}”)" if known != name else ""))
    rel, old = units_file(root, data)
    block = "".join(f"  - name: {scalar(name)}\n" for name in names)
    if aliases:
        block += "    aliases:\n" + "".join(f"      - {scalar(alias)}\n" for alias in aliases)
    return change_file(root, rel, append_to_list(old, rel, "units", block, "").encode("utf-8"))


def read_input(path: Path, limit: int) -> bytes:
    """A file the user hands to a command (progress text, a ledger): a regular file, or a
    DufuError that names it and says why not."""
    try:
        return read_regular(path, limit)
    except NotRegularFile as exc:
        raise DufuError(f"{path} 是{exc.what},不是普通文件,不会读取") from None
    except FileNotFoundError:  # a missing path is a usage error (exit 2), as for every command
        raise UsageError(f"文件不存在:{path}") from None
    except OSError as exc:
        raise DufuError(f"无法读取 {path}:{reason(exc)}") from None
