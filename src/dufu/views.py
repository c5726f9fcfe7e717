"""What the everyday commands show: Rich renderables for people, plain data for scripts.

Nothing here prints; the CLI prints what these functions build.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from rich.console import Group
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from .cjkwrap import WrappedText
from .config import DUE_SOON_DAYS
from .fasttable import FastTable
from .ledger import RoundTally, UnitTally
from .models import Task
from .schedule import PACE_WORDS, WARNING_STYLES, adjustment_words, checkpoint_goal, checkpoints, timing
from .templates import circled, zh_date

_STATUS_STYLE = {
    "已完成": "green",
    "已销号": "green",
    "基本完成": "cyan",
    "未达到序时进度": "yellow",
    "尚未启动": "yellow",
}


def _status_text(task: Task, day: date, window: int) -> Text:
    """The status on day, with its warning: red overdue, yellow behind, blue due soon."""
    status, t = task.status_at(day), timing(task, day, window)
    label = f"{status}({t.note})" if t.note else status
    return Text(label, style=WARNING_STYLES[t.warning] if t.warning else _STATUS_STYLE.get(status, ""))


def _last_report(task: Task, day: date) -> Text:
    report = task.report_at(day)
    return Text(zh_date(report.as_of) if report else "—")


def status_view(
    tallies: list[RoundTally],
    open_tasks: list[Task],
    day: date,
    limit: int = 0,
    window: int = DUE_SOON_DAYS,
    itemized: bool = True,
) -> Group:
    """The `dufu status` screen: per-round tallies, the warnings, then the open tasks
    (itemized: whether any task is entered one by one)."""
    parts: list = [_ByWidth(lambda width: _rounds_table(tallies, day, width))]
    shown = open_tasks[:limit] if limit else open_tasks
    warnings = warning_counts(open_tasks, day, window)
    if any(warnings.values()):
        line = Text("预警:")
        words = {"red": "红色(逾期)", "yellow": "黄色(滞后)", "blue": f"蓝色({window}天内到期)"}
        colours = [colour for colour in words if warnings[colour]]
        for colour in colours:
            line.append(f"{words[colour]}{warnings[colour]}项", style=WARNING_STYLES[colour])
            line.append(" " if colour != colours[-1] else "")
        parts.append(line)
    if open_tasks:
        parts.append(task_table(shown, day, title="未完成的任务", window=window))
    elif itemized:
        parts.append(Text("所有逐项录入的任务均已完成。"))
    else:  # a repository just made: nothing is done
        parts.append(Text("还没有逐项录入的任务(dufu new task 录入一项,dufu import ledger 导入台账)。"))
    if len(shown) < len(open_tasks):
        parts.append(
            Text(f"另有 {len(open_tasks) - len(shown)} 项未完成的任务未列出:用 dufu list 查看全部,或加 --limit 0。")
        )
    return Group(*parts)


class _ByWidth:
    """A renderable built for the width it is given (Rich asks at print time)."""

    def __init__(self, build) -> None:
        self.build = build

    def __rich_console__(self, console, options):
        yield self.build(options.max_width)


def _rounds_table(tallies: list[RoundTally], day: date, width: int) -> Table:
    """Per-round tallies; below 60 columns the cell padding goes, never a number."""
    rounds = Table(title=f"整改情况(截至{zh_date(day)})", title_justify="left", padding=(0, 1) if width >= 60 else 0)
    rounds.add_column("轮次", overflow="fold", min_width=4)
    digits = max((len(str(t.total)) for t in tallies), default=1)  # numbers never collapse to "…"
    for header in ("总数", "已完成", "正在推进", "逾期"):
        rounds.add_column(header, justify="right", overflow="fold", min_width=max(digits, 2))
    rounds.add_column("完成率", ratio=1, min_width=5, overflow="fold")  # the bar is what gives way on a narrow screen
    for t in tallies:
        bar = Table.grid(padding=(0, 1), expand=True)
        bar.add_column(ratio=1, max_width=20)
        bar.add_column(no_wrap=True, min_width=4, justify="right")
        bar.add_row(ProgressBar(total=max(t.total, 1), completed=t.done, width=None), f"{t.percent_shown}%")
        overdue = Text(str(t.overdue), style="bold red" if t.overdue else "")
        rounds.add_row(Text(t.round.short_name), str(t.total), str(t.done), str(t.open), overdue, bar)
    return rounds


def warning_counts(tasks: list[Task], day: date, window: int) -> dict[str, int]:
    """How many tasks carry each warning colour on day."""
    counts = {"red": 0, "yellow": 0, "blue": 0}
    for task in tasks:
        colour = timing(task, day, window).warning
        if colour:
            counts[colour] += 1
    return counts


def status_record(tallies: list[RoundTally], open_tasks: list[Task], day: date, window: int = DUE_SOON_DAYS) -> dict:
    """`dufu status --format json`: every round's tally, the warnings and every open task."""
    return {
        "as_of": day.isoformat(),
        "due_soon_days": window,
        "rounds": [tally_record(t) for t in tallies],
        "warnings": warning_counts(open_tasks, day, window),
        "open_tasks": [task_record(t, day, window) for t in open_tasks],
    }


def task_table(tasks: list[Task], day: date, title: str | None = None, window: int = DUE_SOON_DAYS) -> _ByWidth:
    """Tasks one line each; on a narrow terminal the unit and deadline columns are left out (said so)."""
    return _ByWidth(lambda width: _task_table(tasks, day, title, width, window))


NARROW = 72  # below this many columns the six columns would squeeze some to nothing


def _task_table(tasks: list[Task], day: date, title: str | None, width: int, window: int) -> Table:
    narrow = width < NARROW
    if narrow and title:
        title += "(终端较窄,未列牵头单位和整改时限,可用 dufu show 编号 查看)"
    table = FastTable(title=title, title_justify="left", padding=0 if narrow else (0, 1))
    table.add_column("编号", no_wrap=True)
    table.add_column("问题", overflow="fold", min_width=4)
    table.add_column("状态", no_wrap=True)
    if not narrow:
        table.add_column("牵头单位", overflow="fold")
        table.add_column("整改时限", overflow="fold")
    table.add_column("最近进展", no_wrap=True)
    for task in tasks:
        now = task.at(day)
        units = [] if narrow else [WrappedText(now.lead_units), WrappedText(now.deadline)]
        table.add_row(  # data as Text, never read as Rich markup ("[a]" kept, "[/]" no crash)
            Text(task.id), WrappedText(task.title), _status_text(task, day, window), *units, _last_report(task, day)
        )
    return table


def task_facts(task: Task, round_name: str, day: date, window: int = DUE_SOON_DAYS) -> list[tuple[str, str]]:
    """A task's facts as they stood on day, labelled, in the order `show` prints them (its
    status, which each view marks in its own way, apart): `show` and the site's task page."""
    now, t = task.at(day), timing(task, day, window)
    rows = [
        ("轮次", f"{round_name} 第{task.number}项"),
        ("牵头单位", now.lead_units),
        ("责任单位", now.responsible_units),
        ("整改时限", now.deadline + (f"(到期日 {zh_date(t.due)})" if t.due else "")),
        ("整改目标", now.target),
    ]
    if t.pace:
        rows.append(("序时进度", PACE_WORDS[t.pace]))
    for due, met in checkpoints(task, day):
        mark = f"{zh_date(met)}达成" if met and met <= day else ("未达成" if due < day else "未到期")
        rows.append(("节点", f"{zh_date(due)}:{checkpoint_goal(task, day, due)}({mark})"))
    for adjustment in (a for a in task.adjustments if a.on <= day):
        rows.append(("调整", adjustment_words(adjustment)))
    before = f"(此前{task.status_before})" if task.status_before else ""
    if task.completed_on and task.completed_on <= day:  # as it stood on day: not what came after
        rows.append(("完成日期", zh_date(task.completed_on) + before))
    if task.completed_by and task.completed_by <= day:
        rows.append(("完成日期", f"不晚于{zh_date(task.completed_by)}{before}"))
    if task.closed_on and task.closed_on <= day:
        rows.append(("销号日期", zh_date(task.closed_on)))
    return rows


def task_detail(task: Task, round_name: str, day: date, window: int = DUE_SOON_DAYS) -> Group:
    """`dufu show`: one task in full as it stood on day, then its progress reports, newest first."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    rows: list = task_facts(task, round_name, day, window)
    rows.insert(1, ("状态", _status_text(task, day, window)))
    for label, value in rows:
        facts.add_row(label, WrappedText(value) if isinstance(value, str) else value)
    parts: list = [Panel(facts, title=Text(f"{task.id} {task.title}"), title_align="left")]
    reports = [r for r in task.progress if r.as_of <= day]
    if not reports:
        parts.append(Text("尚无整改进展。"))
    for report in sorted(reports, key=lambda r: r.as_of, reverse=True):
        lines = []
        for n, measure in enumerate(report.measures, 1):
            body = measure.text or "".join(circled(i) + item for i, item in enumerate(measure.items or [], 1))
            lines.append(f"{n}.{measure.heading}{body}")
        title = f"整改进展(截至{zh_date(report.as_of)})"
        if report.status:
            title += f" {report.status}"
        parts.append(Panel(WrappedText("\n".join(lines)), title=Text(title), title_align="left"))
    return Group(*parts)


def task_record(task: Task, day: date, window: int = DUE_SOON_DAYS) -> dict:
    """A task as plain data for JSON and CSV, as it stood on day."""
    now, t = task.at(day), timing(task, day, window)
    report = task.report_at(day)
    return {
        "id": task.id,
        "round": task.round,
        "number": task.number,
        "title": task.title,
        "status": task.status_at(day),
        "done": t.done,
        "overdue": t.overdue,
        "due_soon": t.due_soon,
        "pace": t.pace,
        "done_late": t.done_late,
        "long_term": t.long_term,
        "warning": t.warning,
        "days_left": t.days_left,
        "lead_units": now.lead_units,
        "responsible_units": now.responsible_units,
        "deadline": now.deadline,
        "due_date": t.due.isoformat() if t.due else None,
        "completed_on": task.completed_on.isoformat() if task.completed_on and task.completed_on <= day else None,
        "last_report": report.as_of.isoformat() if report else None,
    }


def tally_record(tally: RoundTally) -> dict:
    return {
        "id": tally.round.id,
        "name": tally.round.name,
        "total": tally.total,
        "done": tally.done,
        "open": tally.open,
        "overdue": tally.overdue,
        "by_status": tally.by_status,
    }


_CSV_HEADERS = {
    "id": "编号",
    "round": "轮次",
    "number": "序号",
    "title": "问题",
    "status": "状态",
    "overdue": "逾期",
    "warning": "预警",
    "days_left": "距到期天数",
    "lead_units": "牵头单位",
    "responsible_units": "责任单位",
    "deadline": "整改时限",
    "due_date": "到期日",
    "completed_on": "完成日期",
    "last_report": "最近进展",
}


_WARNING_WORDS = {"red": "红色", "yellow": "黄色", "blue": "蓝色", None: ""}


def _csv(header, rows) -> str:
    """CSV for spreadsheets: a UTF-8 BOM first (Excel then reads the Chinese as UTF-8, not the
    ANSI code page), the header, the rows, \n line ends."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def tasks_csv(tasks: list[Task], day: date, window: int = DUE_SOON_DAYS) -> str:
    """Tasks as CSV with Chinese headers."""

    def row(task: Task) -> list:
        record = task_record(task, day, window)
        record["overdue"] = "是" if record["overdue"] else "否"
        record["warning"] = _WARNING_WORDS[record["warning"]]
        return ["" if record[key] is None else record[key] for key in _CSV_HEADERS]

    return _csv(_CSV_HEADERS.values(), map(row, tasks))


_UNIT_COLUMNS = {
    "unit": "单位",
    "tasks": "任务",
    "lead": "牵头",
    "done": "已完成",
    "open": "未完成",
    "overdue": "逾期",
    "behind": "滞后",
    "due_soon": "临近到期",
}


def unit_record(tally: UnitTally) -> dict:
    record = {key: getattr(tally, key) for key in _UNIT_COLUMNS}
    record["overdue_tasks"] = tally.overdue_ids
    return record


def units_record(tallies: list[UnitTally], day: date, window: int) -> dict:
    """`dufu status --by unit --format json`."""
    return {"as_of": day.isoformat(), "due_soon_days": window, "units": [unit_record(u) for u in tallies]}


def unit_table(tallies: list[UnitTally], day: date, window: int) -> _ByWidth:
    """`dufu status --by unit`: each unit's tasks, worst first, warning counts coloured."""
    return _ByWidth(lambda width: _unit_table(tallies, day, window, width))


def _unit_table(tallies: list[UnitTally], day: date, window: int, width: int) -> Table:
    """Below 60 columns the cell padding goes, so that every header keeps room to wrap in."""
    title = f"各单位整改情况(截至{zh_date(day)},牵头或负责的任务;临近到期指{window}天内到期)"
    table = Table(title=title, title_justify="left", padding=(0, 1) if width >= 60 else 0)
    for key, header in _UNIT_COLUMNS.items():  # on a narrow screen headers wrap, never "…"
        if key == "unit":
            table.add_column(header, overflow="fold")
        else:
            table.add_column(header, justify="right", overflow="fold")
    styles = {"overdue": WARNING_STYLES["red"], "behind": WARNING_STYLES["yellow"], "due_soon": WARNING_STYLES["blue"]}
    for tally in tallies:
        record = unit_record(tally)
        cells = [Text(tally.unit)]
        for key in list(_UNIT_COLUMNS)[1:]:
            cells.append(Text(str(record[key]), style=styles.get(key, "") if record[key] else ""))
        table.add_row(*cells)
    if not tallies:
        table.caption = "没有逐项录入的任务。"
    return table


def units_csv(tallies: list[UnitTally]) -> str:
    """`dufu status --by unit --format csv`: one line per unit."""
    rows = ([*(getattr(t, key) for key in _UNIT_COLUMNS), "、".join(t.overdue_ids)] for t in tallies)
    return _csv([*_UNIT_COLUMNS.values(), "逾期任务"], rows)


def rounds_csv(tallies: list[RoundTally]) -> str:
    """`dufu status --format csv`: one line per round."""
    rows = ([t.round.id, t.round.name, t.total, t.done, t.open, t.overdue] for t in tallies)
    return _csv(["轮次", "名称", "总数", "已完成", "未完成", "逾期"], rows)
