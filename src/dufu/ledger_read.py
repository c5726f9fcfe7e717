"""The sheets of an Excel ledger (a stranger's file) read as bounded grids of cell values.

openpyxl's normal mode builds an object for every cell and for every cell a merged range
covers, so one `A10:XFD1048576` takes all memory; its read-only mode streams the XML instead.
Here no more than MAX_ROWS × MAX_COLUMNS values are kept, merged ranges are spread only over
the cells read, and whatever openpyxl cannot parse is one "cannot read this workbook" error.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .problems import DufuError, UsageError

MAX_ROWS = 20_000  # rows read per sheet: a ledger has one per task, never this many
MAX_COLUMNS = 200  # columns read per row; a ledger has a dozen
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # the workbook's parts unpacked: deflate packs XML ~1000:1
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # the last row and column Excel allows
# what the whole package may hold (a ledger of MAX_ROWS rows holds far less), so that reading
# it takes bounded time and memory whatever it holds
_LIMITS = {"row": 5 * MAX_ROWS, "c": 50 * MAX_ROWS, "merged": 10 * MAX_ROWS, "all": 150 * MAX_ROWS}
HEADER_ROWS = 30  # rows searched for the header (under any title rows)


@dataclass
class Grid:
    """One sheet's values, row 1 first; each row at most MAX_COLUMNS long, blanks at its end
    left out. Rows and columns count from 1, as Excel's do."""

    title: str
    rows: list[list]

    @property
    def max_row(self) -> int:
        return len(self.rows)

    def value(self, row: int, col: int):
        cells = self.rows[row - 1] if 0 < row <= len(self.rows) else ()
        return cells[col - 1] if 0 < col <= len(cells) else None


class Workbook:
    """A workbook opened read-only; each sheet read as a Grid of its first rows or all of them."""

    def __init__(self, file: Path, raw: bytes) -> None:
        from openpyxl import load_workbook

        self.file = file
        with _reading(self.file):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
                if unpacked > MAX_UNPACKED_BYTES:  # zipfile reads no more than the sizes declared
                    raise DufuError(
                        f"{file} 解压后有 {unpacked // 1024 // 1024} MB,超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB:"
                        "不像整改台账,没有读取"
                    )
                self.merged = _survey(file, archive)
            self.book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)

    def close(self) -> None:
        self.book.close()

    def sheets(self, sheet_name: str | None) -> list:
        names = [ws.title for ws in self.book.worksheets]
        if sheet_name is not None and sheet_name not in names:
            raise UsageError(f"{self.file} 中没有工作表“{sheet_name}”。已有:{'、'.join(names)}")
        return [ws for ws in self.book.worksheets if sheet_name in (None, ws.title)]

    def grid(self, sheet, whole: bool) -> Grid:
        """The sheet's first HEADER_ROWS rows, or (whole) all its rows: refused when a value
        lies past MAX_ROWS, rather than leaving rows of the ledger out unsaid."""
        with _reading(self.file):
            rows = self._rows(sheet, MAX_ROWS if whole else HEADER_ROWS, whole)
            grid = Grid(sheet.title, rows)
            _spread_merged(grid, self.merged.get(sheet._worksheet_path, []))  # the part it was read from
            return grid

    def _rows(self, sheet, limit: int, whole: bool) -> list[list]:
        rows = []
        for index, values in enumerate(
            sheet.iter_rows(max_row=EXCEL_ROWS if whole else limit, max_col=MAX_COLUMNS, values_only=True), 1
        ):
            if index > limit:
                if any(values):
                    raise DufuError(f"工作表“{sheet.title}”超过 {MAX_ROWS} 行:请拆分成几个工作簿再导入")
                continue
            values = [_unescaped(v) if isinstance(v, str) and "_x" in v else v for v in values]
            while values and values[-1] is None:
                values.pop()
            rows.append(values)
        return rows


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(text: str) -> str:
    """A cell's text as Excel shows it: the workbook writes characters XML cannot hold as
    _xHHHH_ (a line break typed on Windows is _x000D_ before its \n; a literal _x0041_ is
    _x005F_x0041_), which openpyxl hands on as they are written."""
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text).replace("\r\n", "\n").replace("\r", "\n")


@contextmanager
def _reading(file: Path) -> Iterator[None]:
    """Anything openpyxl raises while parsing the file (a bad zip, bad XML or styles, an entity
    bomb expat stopped, a value its descriptors refuse) means the workbook cannot be read: one
    message naming the failure, never a traceback. dufu's own errors pass through."""
    try:
        yield
    except DufuError:
        raise
    except Exception as exc:
        other = Path(file).suffix.lower() in (".xls", ".csv", ".et", ".ods", ".wps")  # a format of its own
        hint = ";请在 Excel 或 WPS 中另存为 .xlsx 后再导入" if other else ""
        raise DufuError(f"{file} 不是可读取的 Excel 工作簿(.xlsx):{_what_failed(exc)}{hint}") from None


def _what_failed(exc: Exception) -> str:
    """What reading the workbook met, in plain words (its exception's name is no help)."""
    if isinstance(exc, zipfile.BadZipFile):
        return "文件不是 zip 压缩包(.xlsx 是)"
    if isinstance(exc, KeyError):
        return "缺少工作簿的组成部分"
    if "ParseError" in type(exc).__name__ or "XML" in type(exc).__name__:
        return "其中的 XML 无法解析"
    return "文件内容无法解析"


def _survey(file: Path, archive: zipfile.ZipFile) -> dict[str, list[tuple[int, int, int, int]]]:
    """Each part's merged ranges (min_row, min_col, max_row, max_col), after counting what the
    parts hold before openpyxl reads them: openpyxl keeps an element for every row it has
    passed, and for every cell of the row it is reading, so a few MB of `<row/>` fill the
    memory. The count streams each part, dropping every element once read (memory stays flat),
    and stops at the first limit. A part that is not XML is left for openpyxl to refuse."""
    from xml.etree.ElementTree import ParseError, iterparse

    counts = {"row": 0, "c": 0, "all": 0, "merged": 0}
    ranges: dict[str, list[tuple[int, int, int, int]]] = {}
    for info in archive.infolist():
        in_row, stack = 0, []
        with archive.open(info) as source:
            try:
                for event, element in iterparse(source, events=("start", "end")):
                    if event == "start":
                        stack.append(element)
                        continue
                    stack.pop()
                    name = element.tag.rpartition("}")[2]
                    counts["all"] += 1
                    if name in ("row", "c"):
                        counts[name] += 1
                        if name == "row" and int(element.get("r") or 0) > EXCEL_ROWS:  # read-only mode skips it
                            raise ValueError(f"row {element.get('r')}")
                        in_row = 0 if name == "row" else in_row + 1
                    elif name == "mergeCell":
                        counts["merged"] += 1
                        ranges.setdefault(info.filename, []).append(_merged(element.get("ref")))
                    if any(counts[k] > limit for k, limit in _LIMITS.items()) or in_row > EXCEL_COLUMNS:
                        raise DufuError(
                            f"{file} 的 {info.filename} 太大(行、单元格或合并单元格过多):不像整改台账,没有读取"
                        )
                    if stack:
                        stack[-1].remove(element)
            except ParseError:
                continue
    return ranges


def _merged(ref: str | None) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref or "")
    return min_row or 1, min_col or 1, max_row or EXCEL_ROWS, max_col or EXCEL_COLUMNS


def _spread_merged(grid: Grid, ranges) -> None:
    """Each merged range's top-left value copied over the cells it covers, as far as the grid
    was read. Ranges of a sound workbook do not overlap, so the cells they cover are at most the
    grid's: more is refused, keeping the work bounded by the grid."""
    budget = len(grid.rows) * MAX_COLUMNS
    for min_row, min_col, max_row, max_col in ranges:
        last_row, last_col = min(max_row, len(grid.rows)), min(max_col, MAX_COLUMNS)
        if min_row > last_row or min_col > last_col:
            continue
        budget -= (last_row - min_row + 1) * (last_col - min_col + 1)
        if budget < 0:
            raise DufuError(f"工作表“{grid.title}”的合并单元格相互重叠:不是可读取的 Excel 工作簿")
        value = grid.value(min_row, min_col)
        for row in grid.rows[min_row - 1 : last_row]:
            if len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            row[min_col - 1 : last_col] = [value] * (last_col - min_col + 1)
