"""Chinese typography checks on prose fields (warnings: published text is kept as written).

``check_texts`` takes every prose field of a file at once: one pass over all of them finds
the (usual) clean file, and only a file with something to report is looked at text by text.
"""

from __future__ import annotations

import re
import unicodedata

from .models import Bulletin, Task
from .textsafety import describe_char

# The same mark in both widths inside one text is a slip; a consistent style is not.
_WIDTH_PAIRS = [(",", "，"), (":", "："), (";", "；"), ("(", "（"), (")", "）"), ("?", "？"), ("!", "！")]
_BRACKETS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _BRACKETS.items()}
_SEP = "\x00"  # joins the texts of a file; it cannot occur in YAML text
_BRACKET_OR_SEP = re.compile("[" + re.escape("".join(_BRACKETS) + "".join(_CLOSERS)) + _SEP + "]")
_PAIR = re.compile("|".join(re.escape(o + c) for o, c in _BRACKETS.items()))
_IN_NUMBER = re.compile(r"(?<=[0-9])[,:](?=[0-9])")  # a thousands separator, a time of day
_FULL_WIDTH = re.compile("[" + "".join(full for _, full in _WIDTH_PAIRS) + "]")
_HAN = "\u3400-\u9fff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
# spaces, with the no-break, en, em, figure, thin and narrow no-break spaces web pages carry
_SPACES = " \t\xa0\u2002\u2003\u2007\u2009\u202f"
_STRAY_SPACE = re.compile(rf"(?<=[{_HAN}{_CJK_PUNCT},.;:!?])[{_SPACES}]+(?=[{_HAN}])|\u3000")


def _any_space(text: str) -> bool:
    """Whether text holds a space of either width (str's own search: a regex class is 3 to 7
    times slower over prose without one, and every task's prose is looked at)."""
    return any(space in text for space in _SPACES + "\u3000")

# full-width digits: an input method left in full-width mode (GB/T 15835 writes Arabic
# numerals half-width); looked for with str's own search, ten times cheaper than a regex class
_FULL_DIGITS = "０１２３４５６７８９"
_FULL_DIGIT_RUN = re.compile(f"[{_FULL_DIGITS}]+")


def _any_full_digit(text: str) -> bool:
    return any(digit in text for digit in _FULL_DIGITS)

_CIRCLED = re.compile("[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]")
_HAND_NUMBER = re.compile(r"^\s*(?:\d+[.、．]|[(（]\d+[)）]|[一二三四五六七八九十]+、)")

# What a field is decides the extra checks: numbering typed by hand, circled numbers typed by hand.
TITLE, HEADING, ITEM, BODY, PROSE = "title", "heading", "item", "body", "prose"
_NUMBERED = {TITLE: "问题标题", HEADING: "措施标题"}

Finding = tuple[tuple, str, str, int]  # (field path, code, message, offset in the text)


def check_text(text: str) -> list[tuple[str, str, int]]:
    """Typography problems of one piece of prose: (code, message, offset)."""
    found = []
    if _FULL_WIDTH.search(text):
        marks = _IN_NUMBER.sub("0", text) if "," in text or ":" in text else text  # 2,350万元, 9:30: no punctuation
        for half, full in _WIDTH_PAIRS:
            if half in marks and full in marks:
                second = max(marks.index(half), marks.index(full))
                found.append(("W401", f"同一段文字中混用了半角“{half}”和全角“{full}”", second))
    if _any_space(text):
        for m in _STRAY_SPACE.finditer(text):
            odd = next((char for char in m.group() if char not in " \t\u3000"), None)  # one no eye can tell
            what = "" if odd is None else f",是 {describe_char(odd)}"
            found.append(("W402", f"中文之间有多余的空格{what}", m.start()))
    found.extend(_unbalanced(text))
    if _any_full_digit(text):
        m = _FULL_DIGIT_RUN.search(text)
        found.append(("W406", f"“{m.group()}”是全角数字,应写作半角“{unicodedata.normalize('NFKC', m.group())}”", m.start()))
    return found


def _balanced(marks: str) -> bool:
    """True when stripping matched pairs leaves nothing but separators."""
    while True:
        stripped = _PAIR.sub("", marks)
        if stripped == marks:
            return not stripped.strip(_SEP)
        marks = stripped


def _unbalanced(text: str) -> list[tuple[str, str, int]]:
    if _balanced("".join(_BRACKET_OR_SEP.findall(text))):
        return []
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_OR_SEP.finditer(text):
        char, index = m.group(), m.start()
        if char in _BRACKETS:
            stack.append((char, index))
        elif stack and stack[-1][0] == _CLOSERS[char]:
            stack.pop()
        else:
            return [("W403", f"“{char}”没有与之配对的“{_CLOSERS[char]}”", index)]
    char, index = stack[0]
    return [("W403", f"“{char}”没有与之配对的“{_BRACKETS[char]}”", index)]


def _kind_checks(text: str, kind: str) -> list[tuple[str, str, int]]:
    if kind in _NUMBERED and _HAND_NUMBER.match(text):
        return [("W405", f"{_NUMBERED[kind]}前手写了编号,编号由模板自动加上", 0)]
    if kind == ITEM and _CIRCLED.match(text.lstrip()):
        return [("W404", "分项开头手写了圈号,圈号由模板自动加上", 0)]
    if kind == ITEM and (m := _CIRCLED.search(text)):  # ①…③…: ② skipped, so ③ stayed in ①'s text
        return [("W404", f"分项中有圈号“{m.group()}”:分项编号是否不连续?分项请依次编为①②③……", m.start())]
    if kind == BODY:
        m = _CIRCLED.search(text)
        if m:
            return [("W404", "正文中有手写的圈号,分项请写成 items 列表", m.start())]
    return []


def check_texts(entries: list[tuple[tuple, str, str]]) -> list[Finding]:
    """Findings for a file's prose fields, given as (field path, text, kind)."""
    joined = _SEP.join(text for _, text, _ in entries)
    suspect = (
        any(half in joined and full in joined for half, full in _WIDTH_PAIRS)
        or _any_space(joined)
        or _CIRCLED.search(joined)
        or not _balanced("".join(_BRACKET_OR_SEP.findall(joined)))
        or _any_full_digit(joined)
    )
    findings: list[Finding] = []
    for loc, text, kind in entries if suspect else [e for e in entries if e[2] in _NUMBERED]:
        found = check_text(text) + _kind_checks(text, kind) if suspect else _kind_checks(text, kind)
        for code, message, offset in found:
            findings.append((loc, code, message, offset))
    return findings


def task_texts(task: Task) -> list[tuple[tuple, str, str]]:
    """(field path, text, kind) of every prose field of a task."""
    entries = [(("title",), task.title, TITLE), (("deadline",), task.deadline, PROSE), (("target",), task.target, PROSE)]
    entries += [(("adjustments", i, "target"), a.target, PROSE) for i, a in enumerate(task.adjustments) if a.target]
    for r, report in enumerate(task.progress):
        for m, measure in enumerate(report.measures):
            base = ("progress", r, "measures", m)
            entries.append((base + ("heading",), measure.heading, HEADING))
            if measure.items:
                entries.extend((base + ("items", i), item, ITEM) for i, item in enumerate(measure.items))
            if measure.text is not None:
                entries.append((base + ("text",), measure.text, BODY))
    return entries


def bulletin_texts(bulletin: Bulletin) -> list[tuple[tuple, str, str]]:
    return [
        (("title",), bulletin.title, PROSE),
        (("preamble",), bulletin.preamble, PROSE),
    ] + ([(("listing", "intro"), bulletin.listing.intro, PROSE)] if bulletin.listing.intro else [])
