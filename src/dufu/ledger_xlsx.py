"""`dufu export ledger`: the ledger (整改台账) as an Excel workbook, as of a day.

Sheet 整改任务: one row per itemized task, headed with the field labels of ``words``; the
progress column holds the latest report in the notice's own text form. Sheet 汇总: one row per
round with the same tallies as ``dufu status`` (counted-only tasks included).
"""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .config import DUE_SOON_DAYS
from .files import pinned_zip
from .ledger import tally_all
from .models import DONE_STATUSES, STATUSES, Task
from .problems import DufuError
from .progress_text import format_measures
from .repo import Dataset
from .schedule import timing
from .words import LABELS

TASK_SHEET, SUMMARY_SHEET = "整改任务", "汇总"
# Columns of the task sheet: field, width (in Excel character units).
COLUMNS: tuple[tuple[str, int], ...] = (
    ("number", 6),
    ("round", 16),
    ("title", 28),
    ("lead_units", 18),
    ("responsible_units", 22),
    ("deadline", 14),
    ("target", 40),
    ("progress", 60),
    ("progress_as_of", 12),
    ("status", 12),
    ("completed_on", 12),
    ("closed_on", 12),
)
EXTRA_LABELS = {"progress_as_of": "进展截至"}  # the date of the report shown, so that import keeps it
DATE_FORMAT = "yyyy-mm-dd"
EXCEL_CELL_CHARS = 32_767  # the most a cell holds
_LITERAL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
BEFORE = "前"  # 完成时间 written "2024-05-31前": done on or before that day (completed_by)

_FILLS = {  # the warning colours of supervising offices: red overdue, yellow behind, blue due soon
    "done": PatternFill("solid", fgColor="C6EFCE"),
    "closed": PatternFill("solid", fgColor="D9D9D9"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
    "yellow": PatternFill("solid", fgColor="FFEB9C"),
    "blue": PatternFill("solid", fgColor="BDD7EE"),
}
_HEADER_FONT, _OVERDUE_FONT = Font(bold=True), Font(bold=True, color="9C0006")


def label(field: str) -> str:
    return EXTRA_LABELS.get(field) or LABELS[field]


def ledger_workbook(data: Dataset, day: date, due_soon_days: int = DUE_SOON_DAYS) -> bytes:
    """The workbook as .xlsx bytes (written by the caller, atomically)."""
    book = Workbook()
    sheet = book.active
    sheet.title = TASK_SHEET
    sheet.append([label(field) for field, _ in COLUMNS])
    for task in (t for round_id in data.rounds for t in data.tasks_of(round_id)):
        row = _task_row(data, task, day)
        for (name, _), value in zip(COLUMNS, row, strict=True):
            if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:  # openpyxl cuts it, unsaid
                raise DufuError(
                    f"任务 {task.id} 的{label(name)}有 {len(value)} 个字,超过 Excel 单元格能存的 {EXCEL_CELL_CHARS} 个字:"
                    "导出会截去后面的部分,没有写入"
                )
        sheet.append(row)
        _style_status(sheet, sheet.max_row, task, day, due_soon_days)
    _lay_out(sheet, [width for _, width in COLUMNS])
    _summary(book.create_sheet(SUMMARY_SHEET), data, day)
    out = io.BytesIO()
    book.save(out)
    return _deterministic(out.getvalue(), day)


def _deterministic(raw: bytes, day: date) -> bytes:
    """The same workbook for the same data and day: openpyxl stamps the time of saving into
    docProps/core.xml and every zip entry; the first is set to the ledger's day, the entries
    pinned."""
    stamp = f"{day.isoformat()}T00:00:00Z".encode()

    def dated(name: str, content: bytes) -> bytes:
        if name != "docProps/core.xml":
            return content
        return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, content)

    return pinned_zip(raw, dated)


def _task_row(data: Dataset, task: Task, day: date) -> list:
    """The task as it stood on day: its adjustments in effect then, its completion by then."""
    report, now = task.report_at(day), task.at(day)
    completed = task.completed_on if task.completed_on and task.completed_on <= day else None
    if completed is None and task.completed_by is not None and task.completed_by <= day:
        completed = f"{task.completed_by.isoformat()}{BEFORE}"
    values = {
        "number": task.number,
        "round": data.rounds[task.round].name,
        "progress": format_measures(report.measures).rstrip("\n") if report else None,
        "progress_as_of": report.as_of if report else None,
        "status": task.status_at(day),
        "completed_on": completed,
        "closed_on": task.closed_on if task.closed_on and task.closed_on <= day else None,
    }
    return [values[f] if f in values else getattr(now, f) for f, _ in COLUMNS]


def _style_status(sheet, row: int, task: Task, day: date, due_soon_days: int) -> None:
    """The status cell coloured: done green, closed grey, else its warning colour (none when
    on track). The word stays the status dufu reads back."""
    status, warning = task.status_at(day), timing(task, day, due_soon_days).warning
    kind = "closed" if status == "已销号" else "done" if status in DONE_STATUSES else warning
    cell = sheet.cell(row, [f for f, _ in COLUMNS].index("status") + 1)
    if kind is not None:
        cell.fill = _FILLS[kind]
    if warning == "red":
        cell.font = _OVERDUE_FONT


def _lay_out(sheet, widths: list[int], header: int = 1) -> None:
    """Header bold and frozen, widths set, text wrapped, dates as real Excel dates, and text
    always text: openpyxl takes a string beginning with = for a formula, so a title written
    =HYPERLINK(…) would become a live link in the office that opens the ledger."""
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[header]:
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in sheet.iter_rows(min_row=header + 1):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if "_x" in cell.value:  # Excel would show _x0041_ as A: its own escape for an underscore first
                    cell.value = _LITERAL_ESCAPE.sub(r"_x005F\g<0>", cell.value)
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    sheet.page_setup.orientation = "landscape"  # printed: A4 across, every column on the page, the header on each page
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header}:{header}"
    sheet.freeze_panes = f"A{header + 1}"
    sheet.auto_filter.ref = f"A{header}:{get_column_letter(sheet.max_column)}{sheet.max_row}"  # from the header row down


SUMMARY_HEADERS = ("轮次", "任务总数", "已完成", "未完成", "逾期", "其中仅有数量(未逐项录入)")


def _summary(sheet, data: Dataset, day: date) -> None:
    """One row per round: the tallies of `dufu status`, then the count per status word."""
    sheet.append([f"截至 {day.isoformat()}"])
    sheet.append([*SUMMARY_HEADERS, *STATUSES])
    for tally in tally_all(data, day):
        counted = sum(group.count for group in tally.round.counted)
        row = [tally.round.name, tally.total, tally.done, tally.open, tally.overdue, counted]
        sheet.append(row + [tally.by_status.get(status, 0) for status in STATUSES])
    _lay_out(sheet, [28, 10, 10, 10, 10, 14] + [10] * len(STATUSES), header=2)  # under the 截至 line
    sheet.freeze_panes = "B3"
