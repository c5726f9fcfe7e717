"""Writing data files in the house layout, and splicing edits into existing ones.

New files get the schema line and the field order of the shipped data. An existing file is
never re-dumped: an edit replaces or adds only the lines it means to change, so comments,
quoting and every other byte stay as the person who wrote them left them.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

from .models import CountedTasks, Measure, Report, status_to_keep
from .problems import UsageError
from .yamlload import load_yaml

_SCHEMA_LINE = "# yaml-language-server: $schema={up}schemas/{kind}.schema.json\n"


def scalar(value: str | int | date) -> str:
    """A value as YAML writes it here: plain when it reads back as the same text, else quoted."""
    if not isinstance(value, str):
        return str(value) if not isinstance(value, date) else value.isoformat()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # bytes of another encoding on the command line, kept as surrogates
        shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")  # the bytes: \xff
        raise UsageError(f"“{shown}”含有无法识别的字节,不是 UTF-8 文本(终端或脚本的编码不是 UTF-8?)") from None
    for probe in (f"k: {value}\n", f"- {value}\n"):
        loaded = load_yaml("", probe.encode("utf-8"))
        if loaded.problems or loaded.data not in ({"k": value}, [value]) or value != value.strip():
            # YAML reads NEL, LS and PS in a quoted text as line breaks, and folds them: escaped,
            # they read back as themselves (and validation names them)
            return json.dumps(value, ensure_ascii=False).translate(_YAML_BREAKS)
    return value


_YAML_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def header(kind: str, depth: int) -> str:
    return _SCHEMA_LINE.format(up="../" * depth, kind=kind)


def mapping(fields: list[tuple[str, object]], indent: str = "") -> str:
    """key: value lines; None values left out, lists written one item a line."""
    out = []
    for key, value in fields:
        if value is None:
            continue
        if isinstance(value, list):
            out.append(f"{indent}{key}:\n" + "".join(f"{indent}  - {scalar(v)}\n" for v in value))
        else:
            out.append(f"{indent}{key}: {scalar(value)}\n")
    return "".join(out)


def _measure(measure: Measure) -> str:
    text = f"      - heading: {scalar(measure.heading)}\n"
    if measure.items is not None:
        text += "        items:\n" + "".join(f"          - {scalar(item)}\n" for item in measure.items)
    if measure.text is not None:
        text += f"        text: {scalar(measure.text)}\n"
    return text


def report_item(report: Report) -> str:
    """One entry of a task's progress list."""
    head = f"  - as_of: {report.as_of.isoformat()}\n"
    if report.status is not None:
        head += f"    status: {scalar(report.status)}\n"
    return head + "    measures:\n" + "".join(_measure(m) for m in report.measures)


def counted_block(groups: list[CountedTasks]) -> str:
    if not groups:
        return ""
    out = "counted:\n"
    for group in groups:
        fields = [("status", group.status), ("count", group.count), ("note", group.note)]
        fields.append(("completed_by", group.completed_by))
        out += "  - " + mapping(fields, "    ")[4:]
    return out


def _top_level_block(text: str, key: str) -> tuple[int, int] | None:
    """Character span of a top-level key's block: its line and the indented (or `- `) lines
    after it; comments and blank lines at the block's end belong to what follows."""
    match = re.search(rf"^{re.escape(key)}:.*(?:\n|$)", text, re.MULTILINE)
    if match is None:
        return None
    end = kept = match.end()
    for line in text[end:].splitlines(keepends=True):
        if line[0] not in " -#\r\n":
            break
        end += len(line)
        if line[0] in " -" and line.strip() and not line.lstrip().startswith("#"):
            kept = end
    return match.start(), kept


def splice_counted(text: str, groups: list[CountedTasks]) -> str:
    """Replace a round file's counted block (or add one at the end)."""
    span = _top_level_block(text, "counted")
    if span is None:
        return _ensure_newline(text) + counted_block(groups)
    return text[: span[0]] + counted_block(groups) + text[span[1] :]


def splice_report(text: str, report: Report) -> str | None:
    """Append a report to a task file whose last field is progress; None when it is not."""
    span = _top_level_block(text, "progress")
    if span is None or any(line.strip() and not line.startswith("#") for line in text[span[1] :].splitlines()):
        return None
    start, end = span
    if re.match(r"progress:\s*\[\]\s*(?:#.*)?\n?$", text[start:end]):
        return text[:start] + "progress:\n" + report_item(report) + text[end:]
    return _ensure_newline(text[:end]) + report_item(report) + text[end:]


def splice_completed_by(text: str, day: date, before: str) -> str | None:
    """Mark a task done on or before day: status 已完成 (and, when before, the status it had,
    is not the open default, status_before) and completed_by, before progress."""
    status = re.search(r"^status:.*$", text, re.MULTILINE)
    progress = _top_level_block(text, "progress")
    if status is None or progress is None or progress[0] < status.end():
        return None
    kept = f"\nstatus_before: {scalar(before)}" if status_to_keep(before) else ""
    text = text[: status.start()] + "status: 已完成" + kept + text[status.end() :]
    at = _top_level_block(text, "progress")[0]
    return text[:at] + f"completed_by: {day.isoformat()}\n" + text[at:]


def summary_words_line(words) -> str:
    """A bulletin's summary_words (words.Wording or models.SummaryWords) as one line, with the
    words that are not dufu's default; "" when all are."""
    from .words import DEFAULT_WORDING, Wording

    changed = [(f.name, getattr(words, f.name)) for f in dataclasses.fields(Wording)]
    changed = [(slot, word) for slot, word in changed if word != getattr(DEFAULT_WORDING, slot)]
    return f"summary_words: {{{', '.join(f'{slot}: {word}' for slot, word in changed)}}}\n" if changed else ""


def adjustment_item(on: date, changes: list[tuple[str, str]], reason: str | None) -> str:
    """One adjustment as list-item lines (two-space indent)."""
    item = f"  - on: {on.isoformat()}\n" + "".join(f"    {name}: {scalar(value)}\n" for name, value in changes)
    return item + (f"    reason: {scalar(reason)}\n" if reason else "")


def splice_before_progress(text: str, block: str) -> str | None:
    """Insert block (top-level lines) just before progress; None when there is no progress."""
    progress = _top_level_block(text, "progress")
    if progress is None:
        return None
    return text[: progress[0]] + block + text[progress[0] :]


def splice_units(text: str, names: list[str]) -> str:
    """Add units at the end of units.yaml (turning `units: []` into a list)."""
    lines = "".join(f"  - name: {scalar(name)}\n" for name in names)
    empty = re.search(r"^units:[ \t]*\[\][ \t]*$", text, re.MULTILINE)
    if empty is not None:
        return text[: empty.start()] + "units:\n" + lines.rstrip("\n") + text[empty.end() :]
    return _ensure_newline(text) + lines


def _ensure_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"
