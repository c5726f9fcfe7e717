"""Checks of one file on its own: dates, deadline, units, typography. They run while loading
(in the worker processes), so only cross-file checks remain for ``checks``.

Each check adds problems to a Collector with the file and field path of the offending
value; line and column are looked up only for files that have a problem.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .deadline import YEAR, UNREAD_HINT, parse_deadline
from .files import read_or_empty
from .models import DONE_STATUSES, Bulletin, Task
from .problems import MAX_PER_CODE, Problem, format_field
from .textsafety import CONTROL, INVISIBLE, INVISIBLE_BMP, LINE_BREAK, describe_char, find_lookalike
from .typography import bulletin_texts, check_texts, task_texts
from .units import SEPARATORS, UnitRegistry
from .yamlload import MAX_FILE_BYTES, compose, locate


class Collector:
    """Problems found by the checks, located lazily (one compose per file with problems): in
    raw, the bytes a file was loaded from, when given (read again, a file rewritten meanwhile
    would place its problems by another version than the one hashed and kept)."""

    def __init__(self, root: Path, raw: dict[str, bytes] | None = None):
        self.root = root
        self.raw = raw or {}
        self._pending: list[tuple[str, tuple, str, str, str | None, int]] = []
        self._counts: dict[tuple[str, str], int] = {}

    def add(self, rel: str, loc: tuple, code: str, message: str, hint: str | None = None, offset: int = 0) -> None:
        self._pending.append((rel, loc, code, message, hint, offset))
        self._counts[rel, code] = self._counts.get((rel, code), 0) + 1

    def crowded(self, rel: str, code: str) -> bool:
        """True once a file has MAX_PER_CODE problems of a code: the rest only count, so costly
        hints (closest names among thousands) are not worked out for them."""
        return self._counts.get((rel, code), 0) >= MAX_PER_CODE

    def problems(self) -> list[Problem]:
        nodes: dict[str, object] = {}
        out = []
        for rel, loc, code, message, hint, offset in self._pending:
            if rel not in nodes:
                text = self.raw.get(rel)
                nodes[rel] = compose(text if text is not None else read_or_empty(self.root / rel, MAX_FILE_BYTES))
            line, col = locate(nodes[rel], loc, offset=offset)
            out.append(Problem(rel, line, col, code, message, field=format_field(loc), hint=hint))
        return out


def check_file(
    model, rel: str, today: date, units: UnitRegistry | None, root: Path, raw: bytes | None = None
) -> list[Problem]:
    """Problems of one loaded file that need no other file (but the units registry), placed in
    raw (the bytes it was loaded from) when given."""
    out = Collector(root, None if raw is None else {rel: raw})
    if isinstance(model, Task):
        check_task_file(model, rel, today, units, out)
    elif isinstance(model, Bulletin):
        _check_typography(rel, bulletin_texts(model), out)
    return out.problems()


UNSAFE_TEXT = [  # also refused where progress text is typed (progress_text)
    (
        LINE_BREAK,
        "E207",
        "文字中有换行:每段文字只能写在一行内(换行会在公告中另起一段,可能伪造出一个标题)",
        "删除换行,写成一行",
    ),
    (CONTROL, "E208", "文字中有终端控制字符 {char}:它能改写终端的显示,也会被写进公告", "删除这个字符"),
    (INVISIBLE, "E209", "文字中有看不见的字符 {char}:它会改变文字的显示顺序,或让看起来相同的文字不同", "删除这个字符"),
]
_ANY_UNSAFE = "|".join(regexp.pattern for regexp, *_ in UNSAFE_TEXT)


# What a file's text holds wherever a parsed text could hold one of the characters above: an
# escape (\\), a block scalar (| >), a blank line or CR inside a scalar, or the character itself
# (C1, U+2028, U+2029, anything INVISIBLE matches; raw C0 controls never get past the YAML
# reader). A file without any is clean. One character class of the BMP over the decoded text:
# five times faster than matching UTF-8 sequences in the bytes, where every full-width comma
# starts a candidate (and 2.5 times faster than a class holding the astral ones too). Those
# start with the byte F0 (U+1D17x) or F3 (U+E00xx, U+E01xx) in UTF-8: a file holding either
# byte (an emoji, a rare CJK character) is walked.
_SUSPECT_CHARS = re.compile(f"[\\\\|>\r\x80-\x9f\u2028\u2029{INVISIBLE_BMP}]")
_SUSPECT_ASTRAL = (b"\xf0", b"\xf3")
_BLANK_LINE = re.compile(rb"\n[ \t]*\n")


def suspect(raw: bytes) -> bool:
    """Whether a file's bytes might give a text one of the characters above (bytes that are
    not UTF-8 might: the walk decides)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    if _SUSPECT_CHARS.search(text) is not None or _BLANK_LINE.search(raw) is not None:
        return True
    return any(start in raw for start in _SUSPECT_ASTRAL)


def check_strings(data: object, rel: str, root: Path, raw: bytes | None = None) -> list[Problem]:
    """Line breaks, terminal control characters, bidi and invisible characters in any text of
    a parsed file: refused everywhere, since every text is one line of the notice. With the
    file's bytes, a file that cannot hold any is passed without walking its data."""
    if raw is not None and not suspect(raw):
        return []
    texts = list(_strings(data))
    if not re.search(_ANY_UNSAFE, "\t".join(text for _, text in texts)):
        return []
    out = Collector(root, None if raw is None else {rel: raw})
    for loc, text in texts:
        for regexp, code, message, hint in UNSAFE_TEXT:
            found = regexp.search(text)
            if found:
                char = describe_char(found.group())
                out.add(rel, loc, code, message.format(char=char), hint, offset=found.start())
    return out.problems()


def _strings(data: object):
    """(field path, text) of every string value in parsed YAML data."""
    todo = [((), data)]
    while todo:
        loc, value = todo.pop()
        if isinstance(value, str):
            yield loc, value
        elif isinstance(value, dict):
            todo.extend((loc + (key,), item) for key, item in value.items())
        elif isinstance(value, list):
            todo.extend((loc + (index,), item) for index, item in enumerate(value))


def _check_typography(rel: str, entries, out: Collector) -> None:
    for loc, code, message, offset in check_texts(entries):
        out.add(rel, loc, code, message, offset=offset)


def check_task_file(task: Task, rel: str, today: date, units: UnitRegistry | None, out: Collector) -> None:
    """Checks of one task on its own (the units registry given, None when it did not load)."""
    for path, written_units in _unit_fields(task) if units is not None else ():
        _check_units(written_units, path, rel, units, out)
    deadlines = [(("deadline",), task.deadline)]
    deadlines += [(("adjustments", i, "deadline"), a.deadline) for i, a in enumerate(task.adjustments) if a.deadline]
    for path, text in deadlines:
        try:
            deadline = parse_deadline(text)
        except ValueError as exc:
            out.add(rel, path, "E320", str(exc))
            continue
        for part in deadline.vague:
            year = YEAR.search(part)[1]
            out.add(rel, path, "W321", f"整改时限“{part}”只读得出年份:按{year}年底判断是否逾期", UNREAD_HINT)
        for part in deadline.unread:
            out.add(rel, path, "W322", f"无法识别整改时限“{part}”:不据此判断是否逾期", UNREAD_HINT)
    _check_task_dates(task, rel, today, out)
    _check_adjustments_and_milestones(task, rel, today, out)
    _check_reports(task, rel, today, out)
    _check_typography(rel, task_texts(task), out)


def _unit_fields(task: Task) -> list[tuple[tuple, str]]:
    """(field path, text) of every unit line of a task, adjustments included."""
    fields = [((name,), getattr(task, name)) for name in ("lead_units", "responsible_units")]
    for i, adjustment in enumerate(task.adjustments):
        for name in ("lead_units", "responsible_units"):
            if getattr(adjustment, name):
                fields.append((("adjustments", i, name), getattr(adjustment, name)))
    return fields


def _check_units(line: str, path: tuple, rel: str, units: UnitRegistry, out: Collector) -> None:
    after = 0
    for written, meant in units.unknown_in_line(line):  # in the line's order: each looked for after the one before
        at = _offset_in(line, written, after)
        after = at + 1
        if out.crowded(rel, "E312"):
            out.add(rel, path, "E312", f"单位“{written}”不在单位名录中", offset=at)
            continue
        lookalike = find_lookalike(written, units.forms())
        if lookalike is not None:  # looks registered, is not: say why, not "did you mean" itself
            hint = f"改为“{lookalike[0]}”,或在 data/units.yaml 中把这种写法登记为别名"
            out.add(rel, path, "E312", f"单位{lookalike[1]},不在单位名录中", hint, offset=at)
            continue
        guess = units.suggest(written)
        add = f"是新单位的话,用 dufu units add {meant} 登记"  # 城市管理局 after 市…: 市城市管理局
        # a guess for a name written whole (a typo, most likely); for a name that shares its
        # prefix, the one it means may be new: both said
        hint = add if not guess or guess == meant else f"是不是“{guess}”?" + (add if meant != written else "")
        out.add(rel, path, "E312", f"单位“{written}”不在单位名录中", hint, offset=at)


def unknown_units(line: str, units: UnitRegistry) -> list[tuple[str, str | None]]:
    """(message, hint) for each unit a line names that the registry lacks, as E312 says it."""
    out = Collector(Path("."))
    _check_units(line, (), "", units, out)
    return [(message, hint) for _, _, _, message, hint, _ in out._pending]


def _offset_in(line: str, name: str, after: int) -> int:
    """Where in a unit line a name stands, from after on and as a whole unit (not inside a
    longer one): as written, or without the place prefix the line's first unit lent it
    (生态环竟局 after 市林业局、 reads 市生态环竟局); else after."""
    def bounded(at: int, end: int) -> bool:  # a separator (or the line's edge) on either side
        return (at == 0 or line[at - 1] in SEPARATORS) and (end == len(line) or line[end] in SEPARATORS)

    for start in range(min(4, len(name))):
        part = name[start:]
        for match in re.finditer(re.escape(part), line[after:]):
            if bounded(after + match.start(), after + match.end()):
                return after + match.start()
    return after


def _check_adjustments_and_milestones(task: Task, rel: str, today: date, out: Collector) -> None:
    for i in range(1, len(task.adjustments)):
        before, after = task.adjustments[i - 1].on, task.adjustments[i].on
        if after <= before:
            out.add(rel, ("adjustments", i, "on"), "E334", f"调整应按生效日期先后排列,且每天至多一次:{after} 排在 {before} 之后")
    for i, milestone in enumerate(task.milestones):
        if milestone.done_on is not None and milestone.done_on > today:
            out.add(rel, ("milestones", i, "done_on"), "E333", f"日期 {milestone.done_on} 晚于今天({today})")


def _check_task_dates(task: Task, rel: str, today: date, out: Collector) -> None:
    if task.status in DONE_STATUSES and task.completed_on is None and task.completed_by is None:
        out.add(rel, ("status",), "E321", f"状态为“{task.status}”,但没有填写完成日期 completed_on")
    if task.status == "已销号" and task.closed_on is None:
        out.add(rel, ("status",), "E322", "状态为“已销号”,但没有填写销号日期 closed_on")
    for field in ("completed_on", "completed_by"):
        if task.status not in DONE_STATUSES and getattr(task, field) is not None:
            out.add(rel, (field,), "E323", f"填写了完成日期,但状态是“{task.status}”")
    if task.status_before is not None and (task.status not in DONE_STATUSES or task.status_before in DONE_STATUSES):
        said = f"状态是“{task.status}”" if task.status not in DONE_STATUSES else f"它本身是“{task.status_before}”"
        out.add(rel, ("status_before",), "E325", f"完成前的状态只在任务已完成或已销号时填写,且不能是完成状态:{said}")
    if task.status != "已销号" and task.closed_on is not None:
        out.add(rel, ("closed_on",), "E323", f"填写了销号日期,但状态是“{task.status}”")
    if task.completed_on and task.closed_on and task.closed_on < task.completed_on:
        out.add(rel, ("closed_on",), "E324", "销号日期早于完成日期")
    for field in ("completed_on", "closed_on", "completed_by"):
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
