"""A progress report in the notice's own text form, read and written.

Staff write progress the way the notice prints it, one measure a line:
``1.强化宣传教育。①……。②……。``, or ``2.标题。正文`` for a measure without circled items.
Reading uses the notice reader's own measure-line rule (``noticeparse``, the inverse of the
template); every line read is checked by writing it back, and a line that cannot be split
is refused with its number.
"""

from __future__ import annotations

from pydantic import ValidationError

from .filechecks import UNSAFE_TEXT
from .models import Measure
from .notice import _measure as notice_measure
from .noticeparse import _MEASURE, NoticeError, _measure
from .problems import Problem
from .templates import circled
from .textsafety import describe_char


class ProgressTextError(NoticeError):
    """A line of the progress text that could not be split into a measure (E520), or that
    holds a character no text may hold (E207, E208, E209, at its column)."""

    def __init__(self, line: int, message: str, code: str = "E520", column: int = 1) -> None:
        super().__init__(line, message, code)
        self.column = column

    def problem(self, path: str) -> Problem:
        return Problem(path, self.line, self.column, self.code, self.message)


def format_measure(number: int, measure: Measure) -> str:
    """One measure as the notice prints it: 1.heading①item②item, or 1.heading text."""
    shown = notice_measure(number, measure)
    return f"{number}.{shown.heading}" + "".join(i.marker + i.text for i in shown.items) + shown.text


def format_measures(measures: list[Measure] | tuple[Measure, ...]) -> str:
    """The inverse of parse_measures: one numbered line per measure."""
    return "".join(format_measure(number, m) + "\n" for number, m in enumerate(measures, 1))


def parse_measures(text: str, loose: bool = False) -> list[Measure]:
    """Measures from text in the notice's form; ProgressTextError naming the line otherwise.
    Blank lines are skipped; every other line must be the next numbered measure. loose: a
    blank after a measure's number (1. 标题, as a ledger's cells are often typed) is left out
    rather than refused."""
    measures: list[Measure] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        _refuse_unsafe(raw, line, number)
        match = _MEASURE.fullmatch(line)
        if match is None:
            raise ProgressTextError(number, f"应以措施编号“{len(measures) + 1}.”开头,而这里是“{line[:20]}”")
        if not match[1].isascii():  # １. with a full-width digit: the notice writes 1.
            raise ProgressTextError(number, f"措施编号应写作半角数字“{len(measures) + 1}.”,而这里是“{match[1]}.”")
        if int(match[1]) != len(measures) + 1:
            raise ProgressTextError(number, f"措施编号应为“{len(measures) + 1}.”,而这里是“{match[1]}.”")
        at = raw.lstrip("\ufeff").index(line)  # where the line starts, for columns
        rest = match[2]
        if rest[:1].isspace():  # 1. 标题: the notice would print the blank
            if not loose:
                heading = rest.lstrip()[:10]
                raise ProgressTextError(number, f"措施编号后不留空格:写作“{match[1]}.{heading}……”", "E520", at + match.start(2) + 1)
            rest = rest.lstrip()  # (a ledger's cell, whose errors are told by cell, not column)
            line = match[1] + "." + rest
        measures.append(_read_line(rest, number, line, at))
    if not measures:
        raise ProgressTextError(1, "没有整改措施:每行写一条,如“1.强化宣传教育。①……②……”")
    return measures


def _refuse_unsafe(raw: str, line: int, number: int) -> None:
    """ProgressTextError at the first character of line (raw stripped) that no text may hold:
    the data checks' refusal, made where the text was typed."""
    found = [(m.start(), code, message) for regexp, code, message, _ in UNSAFE_TEXT if (m := regexp.search(line))]
    if found:
        start, code, message = min(found)
        column = raw.lstrip("\ufeff").index(line) + start + 1  # as an editor counts it: the BOM is no column
        raise ProgressTextError(number, message.format(char=describe_char(line[start])), code, column)


_CIRCLED = {circled(k): k for k in range(1, 51)}


def _stray_circled(line: str) -> int | None:
    """Where the first circled number out of ①②③ order stands in line (a skipped or repeated
    one stays inside the item before it), or None."""
    expected, first = 1, line.find(circled(1))
    for at, char in enumerate(line[first:], first):
        if char in _CIRCLED:
            if _CIRCLED[char] != expected:
                return at
            expected += 1
    return None


def _read_line(rest: str, number: int, line: str, indent: int) -> Measure:
    try:
        parsed = _measure(rest, number)
        measure = Measure(heading=parsed.heading, items=parsed.items, text=parsed.text)
    except NoticeError as exc:
        raise ProgressTextError(number, exc.message) from None
    except ValidationError:
        raise ProgressTextError(number, "无法分出措施的标题和内容") from None
    stray = _stray_circled(line) if any(c in _CIRCLED for part in parsed.items or [] for c in part) else None
    after = "不接着上一个编号"
    if parsed.items is None:  # no ①: a circled number here is one that does not start at ①
        stray, after = next((at for at, char in enumerate(line) if char in _CIRCLED), None), "之前没有①"
    if stray is not None:
        column = indent + stray + 1
        raise ProgressTextError(number, f"分项编号“{line[stray]}”{after}:分项应依次编为①②③……", column=column)
    if format_measure(int(line.split(".", 1)[0]), measure) != line:
        raise ProgressTextError(number, "这一行无法原样写回(分项编号须为①②③……依次排列)")
    return measure
