"""`dufu import ledger`: the tasks of an Excel ledger (整改台账) into the data repository.

The header row is found under any merged title rows; merged cells are spread over the cells
they cover; blank rows, repeated headers and subtotal rows are skipped. Every other row must
become a task, or it is reported with its sheet and row, and nothing is written (all or
nothing). New units named by the rows are registered; everything goes through the writer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from . import ledger_columns as lc
from .authoring import TASK_ORDER, kept_status, read_input
from .files import read_regular
from .ledger_read import HEADER_ROWS, Grid, Workbook
from .models import DONE_STATUSES, OPEN_STATUS, Report, Task
from .newfiles import free_id, next_number, task_text, units_change, units_file, units_to_add
from .problems import DufuError, InvalidData, Problem, UsageError
from .progress_text import ProgressTextError, format_measures, parse_measures
from .repo import Dataset
from .words import LABELS, TASK_FIELDS
from .yamlload import MAX_FILE_BYTES
from .yamlsplice import append_to_list, set_fields
from .yamlwrite import report_item

MAX_LEDGER_BYTES = 50 * 1024 * 1024
_SUBTOTAL = ("合计", "小计", "总计")


@dataclass
class Imported:
    """What an import did (or, with dry_run, would do)."""

    diff: str
    sheet: str
    tasks: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    skipped: int = 0
    updated: list[str] = field(default_factory=list)  # with update: tasks already there that rows added to


class RowRejected(ValueError):
    def __init__(self, column: int, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def find_header(sheet: Grid, mapping: dict[str, str | None]) -> tuple[int, dict[int, str]] | None:
    """The first row (of the first HEADER_ROWS) naming a title column and at least two more fields."""
    for number, row in enumerate(sheet.rows[:HEADER_ROWS], 1):
        columns = {}
        for column, value in enumerate(row, 1):
            header = lc.normalize(value)
            if header and (name := lc.field_for(header, mapping)) is not None:
                columns.setdefault(name, []).append(column)
        if "title" in columns and len(columns) >= 3:
            doubled = {name: cols for name, cols in columns.items() if len(cols) > 1}
            if doubled:
                name, cols = next(iter(doubled.items()))
                letters = "、".join(_letter(c) for c in cols)
                raise UsageError(
                    f"工作表“{sheet.title}”第 {number} 行有多列都是“{name}”({letters}):用 --map 表头=忽略 去掉多余的"
                )
            return number, {cols[0]: name for name, cols in columns.items()}
    return None


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) + "列"


def import_ledger_file(
    root: Path,
    data: Dataset,
    file: Path,
    today: date,
    *,
    sheet_name: str | None = None,
    maps: dict[str, str | None] | None = None,
    round_id: str | None = None,
    as_of: date | None = None,
    dry_run: bool = False,
    update: bool = False,
) -> Imported:
    from .writer import WriteRefused, change_file, commit_changes

    sheet, header_row, columns = _header_sheet(file, sheet_name, maps or {})
    missing = [lc.HEADER_WORDS[f][0] for f in lc.REQUIRED if f not in columns.values()]
    if missing:
        raise DufuError(f"工作表“{sheet.title}”缺少这些列:{'、'.join(missing)}(列名不同时用 --map 表头=字段)")
    plan = _Plan(file.name, root, data, sheet, columns, _given_round(data, round_id), as_of, update, today)
    plan.read_rows(header_row)
    if plan.problems:
        raise _refused(sheet.title, plan.problems)
    units = units_to_add(
        data, [line for fields, _ in plan.tasks for line in (fields["lead_units"], fields["responsible_units"])]
    )
    changes = [units_change(root, data, units)] if units else []
    changes += [_task_change(root, fields, reports) for fields, reports in plan.tasks]
    changes += [change_file(root, rel, text.encode("utf-8")) for _, rel, text in plan.updated]
    try:
        diff = commit_changes(root, changes, today, dry_run=dry_run)
    except WriteRefused as exc:
        raise plan.at_cells(exc, units) from None
    updated = [task_id for task_id, _, _ in plan.updated]
    return Imported(diff, sheet.title, [f["id"] for f, _ in plan.tasks], units, plan.skipped, updated)


def _header_sheet(file: Path, sheet_name: str | None, mapping: dict) -> tuple[Grid, int, dict[int, str]]:
    """The first sheet with a header row, read whole (only the top of the others is read)."""
    book = Workbook(file, read_input(file, MAX_LEDGER_BYTES))
    try:
        for sheet in book.sheets(sheet_name):
            found = find_header(book.grid(sheet, whole=False), mapping)
            if found is not None:
                return book.grid(sheet, whole=True), *found
    finally:
        book.close()
    raise DufuError(
        f"{file} 中找不到表头行(应有“问题”列和至少两列其他台账字段):可用 --sheet 指定工作表,--map 表头=字段 说明列名"
    )


def _task_change(root: Path, fields: dict, reports: list[Report]):
    from .writer import change_file

    rel = f"data/tasks/{fields['id']}.yaml"
    return change_file(root, rel, task_text([(k, v) for k, v in fields.items()], reports).encode("utf-8"))


def _refused(sheet: str, problems: list[Problem]) -> InvalidData:
    refused = InvalidData(problems)
    refused.args = (f"工作表“{sheet}”有 {len(problems)} 行无法导入(见上),没有写入任何文件",)
    return refused


_NO_ROUNDS = "数据仓库中还没有轮次,先照 examples/round.yaml 在 data/rounds/ 中建轮次文件"


def _given_round(data: Dataset, given: str | None) -> str | None:
    """The id of the round --round names (by id, name or short name), or a usage error."""
    if given is None:
        return None
    if given in data.rounds:
        return given
    found = [rnd.id for rnd in data.rounds.values() if given in (rnd.name, rnd.short_name)]
    if len(found) == 1:
        return found[0]
    known = "、".join(f"{r.id}({r.name})" for r in data.rounds.values())
    if found:  # 第二轮督察: a central round's short name and a provincial one's
        raise UsageError(f"“{given}”可以指 {'、'.join(found)} 中的任一个:请用轮次编号(已有:{known})")
    have = f"已有:{known}" if known else _NO_ROUNDS
    raise UsageError(f"没有轮次“{given}”({have})")


class _Plan:
    """The rows of one sheet read into task fields; problems collected per row."""

    def __init__(self, file, root, data, sheet, columns, round_id, as_of, update: bool, today: date) -> None:
        self.file, self.root, self.data, self.sheet, self.columns = file, root, data, sheet, columns
        self.round_id, self.as_of = round_id, as_of
        self.update, self.today = update, today  # update: rows of tasks already there add to them
        self.tasks: list[tuple[dict, list[Report]]] = []
        self.rows: list[int] = []  # the sheet row of each task
        self.problems: list[Problem] = []
        self.skipped = 0
        # what the repository and earlier rows hold, kept as rows are read: a row looks up its
        # number, title and id here, so reading n rows takes time linear in n
        self.known: dict[str, tuple[dict, dict, int]] = {}
        self.taken: dict[str, set[int]] = {}
        self.highest: dict[str, int] = {}
        self.ids: set[str] = set()
        self.updated: list[tuple[str, str, str]] = []  # (task id, file, new text) of tasks already there
        self.updated_rows: dict[str, int] = {}  # the sheet row of each task already there a row names

    def read_rows(self, header_row: int) -> None:
        header = [self.sheet.value(header_row, col) for col in self.columns]
        for row in range(header_row + 1, self.sheet.max_row + 1):
            cells = {name: self.sheet.value(row, col) for col, name in self.columns.items()}
            values = {k: v for k, v in cells.items() if v is not None and str(v).strip()}
            if not values or list(cells.values()) == header or self._subtotal(row, values):
                self.skipped += 1
                continue
            try:
                taken = self._task(values)
                if isinstance(taken, Task):  # a task already there: the row updates it
                    self._updating(row, taken, values)
                else:
                    self._take(*taken)
                    self.rows.append(row)
            except RowRejected as exc:
                where = f"{self.sheet.title}!{_letter(exc.column)[:-1]}{row}"
                message = f"工作表“{self.sheet.title}”第 {row} 行({where}):{exc.message}"
                self.problems.append(Problem(self.file, row, exc.column, "E530", message))

    def at_cells(self, refused, units: list[str]):
        """refused (the writer's WriteRefused) with each problem in a file this import would
        write placed at the row and cell it came from: those files do not exist yet."""
        rows = {f"data/tasks/{fields['id']}.yaml": (row, fields) for row, (fields, _) in zip(self.rows, self.tasks)}
        rows.update({rel: (self.updated_rows[rel], None) for _, rel, _ in self.updated})
        registry = units_file(self.root, self.data)[0] if units else None  # read once, not per problem
        out = []
        for problem in refused.problems:
            row, column = self._cell_of(problem, rows, units, registry)
            if row is None:
                out.append(problem)
                continue
            where = f"{self.sheet.title}!{_letter(column)[:-1]}{row}"
            message = f"工作表“{self.sheet.title}”第 {row} 行({where}):{problem.message}"
            out.append(Problem(self.file, row, column, problem.code, message, hint=problem.hint))
        refused.problems = out
        return refused

    def _cell_of(self, problem: Problem, rows: dict, units: list[str], registry: str | None) -> tuple[int | None, int]:
        """The row and column a problem of the staged repository came from, or (None, 0);
        registry: the units file's path, when this import registers units."""
        if problem.path in rows:
            row, _ = rows[problem.path]
            name = re.split(r"[.\[]", problem.field or "", maxsplit=1)[0]
            if name == "progress" and problem.field.endswith(".as_of") and "progress_as_of" in self.columns.values():
                name = "progress_as_of"
            elif name == "completed_by":
                name = "completed_on"
            return row, self._col(name)
        if problem.path == registry:  # a unit this import registers
            named = next((unit for unit in units if unit in problem.message), None)
            for row, (fields, _) in zip(self.rows, self.tasks):  # the first row that names it
                for name in ("lead_units", "responsible_units"):
                    if named is not None and named in fields[name]:
                        return row, self._col(name)
        return None, 0

    def _take(self, fields: dict, reports: list[Report]) -> None:
        self.tasks.append((fields, reports))
        round_id, number = fields["round"], fields["number"]
        self.taken.setdefault(round_id, set()).add(number)
        self.highest[round_id] = max(self.highest.get(round_id, 0), number)
        self.ids.add(fields["id"])

    def _subtotal(self, row: int, values: dict) -> bool:
        texts = [str(value or "") for value in self.sheet.rows[row - 1]]
        numbered = str(values.get("number", "")).strip().isdigit()
        return not numbered and any(word in text for text in texts for word in _SUBTOTAL)

    def _col(self, name: str) -> int:
        return next((col for col, field in self.columns.items() if field == name), 1)

    def _read(self, name: str, values: dict, reader):
        try:
            return reader(values[name])
        except ValueError as exc:
            raise RowRejected(self._col(name), str(exc)) from None

    def _task(self, values: dict) -> tuple[dict, list[Report]]:
        for name in lc.REQUIRED:
            if name not in values:
                raise RowRejected(self._col(name), f"缺少{lc.HEADER_WORDS[name][0]}")
        round_id = self._round(values)
        taken = self.taken.get(round_id, set())
        by_number, by_title, highest = self._known(round_id)
        number = (
            self._read("number", values, lc.read_number)
            if "number" in values
            else max(highest, self.highest.get(round_id, 0)) + 1
        )
        title = str(values["title"]).strip()
        clash = sorted(c for c in (by_number.get(number), by_title.get(title)) if c)
        clash = [task_id for _, task_id in clash]
        if clash and self.update and number not in taken:
            return self._matched(round_id, number if "number" in values else None, title, clash)
        if clash or number in taken:
            twice = f"台账中轮次 {round_id} 的序号 {number} 出现了两次"
            there = f"轮次 {round_id} 中已有序号 {number} 或同名问题的任务{('(' + clash[0] + ')') if clash else ''}"
            how = ";要把台账中的进展和完成情况记入已有任务,加 --update" if clash and not self.update else ""
            raise RowRejected(self._col("number"), (twice if number in taken and not clash else there) + how)
        task_id = free_id(self.data, self.root, round_id, number, self.ids)
        fields = {"id": task_id, "round": round_id, "number": number, "title": str(values["title"]).strip()}
        fields.update({name: str(values[name]).strip() for name in TASK_FIELDS if name != "deadline"})
        fields["deadline"] = self._read("deadline", values, lc.read_deadline)
        fields = {k: fields[k] for k in ("id", "round", "number", "title", *TASK_FIELDS)}
        fields.update(self._state(values))
        reports = self._reports(values)
        try:
            Task(**fields, progress=reports)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise RowRejected(self._col(str(first["loc"][0])), f"{first['loc'][0]}:{first['msg']}") from None
        return fields, reports

    def _matched(self, round_id: str, number: int | None, title: str, clash: list[str]) -> Task:
        """The task already there that a row names (with update): the same number and problem,
        or the same problem when the ledger has no number column."""
        task = self.data.tasks[clash[0]]
        if len(set(clash)) > 1 or task.title != title or (number is not None and task.number != number):
            found = "、".join(f"{t.id}(序号 {t.number},“{t.title}”)" for t in map(self.data.tasks.get, dict.fromkeys(clash)))
            raise RowRejected(
                self._col("number"), f"序号和问题与轮次 {round_id} 中已有的任务对不上:{found};台账中这一行是序号 {number},“{title}”"
            )
        return task

    def _updating(self, row: int, task: Task, values: dict) -> None:
        """A row of a task already there (with update): its newer progress and its completion
        are recorded in the task's file; what was approved (units, deadline, target) must be as
        the data has it, in the plan or after an adjustment: changing it is `dufu adjust`."""
        rel = self.data.where(task)
        if rel in self.updated_rows:
            raise RowRejected(self._col("number"), f"任务 {task.id} 在台账中出现了两次(另见第 {self.updated_rows[rel]} 行)")
        self.updated_rows[rel] = row
        for name in TASK_FIELDS:
            if name not in values:
                continue
            written = self._read(name, values, lc.read_deadline) if name == "deadline" else str(values[name]).strip()
            if all(written != getattr(state, name) for state in (task, *(task.at(a.on) for a in task.adjustments))):
                raise RowRejected(
                    self._col(name),
                    f"{LABELS[name]}与数据中任务 {task.id} 的不同(数据中是“{getattr(task.at(self.today), name)}”):"
                    f"经批准的调整请用 dufu adjust {task.id} 记下,台账导入只记进展和完成情况",
                )
        marks = ("status", "completed_on", "closed_on")
        state = self._state(values) if any(name in values for name in marks) else {}
        reports = self._reports(values)
        report = reports[0] if reports else None
        latest = task.progress[-1] if task.progress else None
        if report is not None and "progress_as_of" not in values and latest is not None:
            # dated by --as-of, not by the row: the latest report sent back as it was is no new one
            if format_measures(latest.measures) == format_measures(report.measures):
                report = None
        if report is not None:
            same = next((r for r in task.progress if r.as_of == report.as_of), None)
            later = max((r.as_of for r in task.progress if r.as_of > report.as_of), default=None)
            if same is not None and format_measures(same.measures) != format_measures(report.measures):  # as the cell prints them
                raise RowRejected(
                    self._col("progress"), f"任务 {task.id} 已有截至 {report.as_of} 的进展,与台账中的不同;要修改请直接编辑 {rel}"
                )
            if same is None and later is not None:
                raise RowRejected(self._col("progress"), f"任务 {task.id} 已有更晚(截至 {later})的进展;进展应按日期先后追加")
            report = None if same is not None else report
        fields = self._completion(task, state, "status" in values)
        status = state.get("status")
        # a report without a status reads as the task's own, not as the report before it
        own = (task.status_before or OPEN_STATUS) if task.status in DONE_STATUSES else task.status
        if report is not None and status is not None and status not in DONE_STATUSES and status != own:
            report = Report(as_of=report.as_of, status=status, measures=report.measures)  # the status it reports
        elif report is None and status is not None and status not in DONE_STATUSES and status != task.status_at(self.today):
            raise RowRejected(
                self._col("status"),
                f"状态“{status}”与数据中任务 {task.id} 的“{task.status_at(self.today)}”不同,但没有新的整改进展:状态随进展记下(填写进展和进展截至)",
            )
        if report is None and not fields:
            return
        text = read_regular(self.root / rel, MAX_FILE_BYTES).decode("utf-8")
        if report is not None:
            text = append_to_list(text, rel, "progress", report_item(report), "")
        if fields:
            text = set_fields(text, rel, fields, TASK_ORDER)
        self.updated.append((task.id, rel, text))

    def _completion(self, task: Task, state: dict, said: bool) -> dict:
        """The fields that record what the row says of the task's completion (completed or
        closed, and when), where the data does not say it yet; a row that says otherwise than
        the data is refused. said: the row has a 状态 (else its status is inferred from its
        dates, and a closed task's 完成时间 alone says nothing against it)."""
        status = state.get("status")
        done_then = task.status in DONE_STATUSES or task.completed_on is not None or task.completed_by is not None
        if not said and status in DONE_STATUSES and task.status in DONE_STATUSES:
            status = task.status
        if status is None or status not in DONE_STATUSES:
            if done_then and status is not None:
                raise RowRejected(
                    self._col("status"), f"数据中任务 {task.id} 已是“{task.status}”,台账写的是“{status}”"
                )
            return {}
        fields: dict = {}
        for name in ("completed_on", "completed_by", "closed_on"):
            given, there = state.get(name), getattr(task, name)
            column = "closed_on" if name == "closed_on" else "completed_on"  # 完成时间 holds completed_by too (…前)
            if given is not None and there is not None and given != there:
                raise RowRejected(
                    self._col(column), f"{LABELS[column]}与数据中任务 {task.id} 的 {there} 不同(台账中是 {given})"
                )
            if given is not None and there is None:
                fields[name] = given
        if "completed_on" in fields and task.completed_by is not None:  # the data knows it done by that day
            if fields["completed_on"] > task.completed_by:
                raise RowRejected(
                    self._col("completed_on"),
                    f"完成时间 {fields['completed_on']} 晚于数据中任务 {task.id} 已知的完成日期(不晚于 {task.completed_by})",
                )
            fields.pop("completed_on")  # on or before it: the data's "done by" stands (a hand edit may make it exact)
        if status != task.status:
            if task.status == "已销号":
                raise RowRejected(self._col("status"), f"数据中任务 {task.id} 已销号,台账写的是“{status}”")
            fields = {"status": status, **({} if done_then else kept_status(task)), **fields}
        return fields

    def _known(self, round_id: str) -> tuple[dict, dict, int]:
        """The round's tasks in the repository by number and by title (each with its place in
        number order, so that the first clash is named), and its highest number."""
        if round_id not in self.known:
            by_number, by_title = {}, {}
            for place, task in enumerate(self.data.tasks_of(round_id)):
                by_number.setdefault(task.number, (place, task.id))
                by_title.setdefault(task.title, (place, task.id))
            self.known[round_id] = by_number, by_title, next_number(self.data, round_id) - 1
        return self.known[round_id]

    def _round(self, values: dict) -> str:
        if "round" not in values:
            if self.round_id is None and len(self.data.rounds) != 1:
                raise RowRejected(
                    1, f"没有轮次列:请用 --round 指定轮次({'、'.join(self.data.rounds) or '数据仓库中还没有轮次'})"
                )
            return self.round_id or next(iter(self.data.rounds))
        written = str(values["round"]).strip()
        for rnd in self.data.rounds.values():
            if written in (rnd.id, rnd.name, rnd.short_name):
                return rnd.id
        known = "、".join(r.name for r in self.data.rounds.values())
        have = f"已有:{known}" if known else _NO_ROUNDS
        raise RowRejected(self._col("round"), f"没有轮次“{written}”({have})")

    def _state(self, values: dict) -> dict:
        status = self._read("status", values, lc.read_status) if "status" in values else None
        out: dict = {}
        if "completed_on" in values:
            day, before = self._read("completed_on", values, lc.read_day)
            out["completed_by" if before else "completed_on"] = day
        if "closed_on" in values:
            out["closed_on"] = self._read("closed_on", values, lc.read_day)[0]
        status = status or ("已销号" if "closed_on" in out else "已完成" if out else "正在推进")
        if status in DONE_STATUSES and not out:
            raise RowRejected(self._col("completed_on"), f"状态是“{status}”,但没有完成时间")
        if status == "已销号" and "closed_on" not in out:
            raise RowRejected(self._col("closed_on"), "状态是“已销号”,但没有销号时间")
        ordered = {"status": status}
        ordered.update({k: out[k] for k in ("completed_on", "closed_on", "completed_by") if k in out})
        return ordered

    def _reports(self, values: dict) -> list[Report]:
        if "progress" not in values:
            return []
        text = str(values["progress"]).strip()
        if not re.match(r"\d+\.", text):  # free text: one measure, the way the template writes it back
            text = "1." + "".join(line.strip() for line in text.splitlines())
        day = self._read("progress_as_of", values, lc.read_day)[0] if "progress_as_of" in values else self.as_of
        if day is None:
            raise RowRejected(self._col("progress"), "有整改进展,但不知道截至哪天:请加“进展截至”列,或用 --as-of 指定")
        try:
            return [Report(as_of=day, measures=parse_measures(text, loose=True))]
        except ProgressTextError as exc:
            raise RowRejected(self._col("progress"), f"整改进展第 {exc.line} 行:{exc.message}") from None
