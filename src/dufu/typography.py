"""Chinese typography checks on prose fields (warnings: published text is kept as written).

Each check returns (code, message, offset) where offset is the character index in the text.
"""

from __future__ import annotations

import re

from .models import Bulletin, Task

# The same mark in both widths inside one text is a slip; a consistent style is not.
_WIDTH_PAIRS = [(",", "，"), (":", "："), (";", "；"), ("(", "（"), (")", "）"), ("?", "？"), ("!", "！")]
_BRACKETS = {"“": "”", "‘": "’", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "「": "」", "『": "』"}
_CLOSERS = {close: open_ for open_, close in _BRACKETS.items()}
_HAN = "\u3400-\u9fff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
_STRAY_SPACE = re.compile(rf"(?<=[{_HAN}{_CJK_PUNCT},.;:!?])[ \t]+(?=[{_HAN}])|\u3000")
_CIRCLED = re.compile("[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]")
_HAND_NUMBER = re.compile(r"^\s*(?:\d+[.、．]|[(（]\d+[)）]|[一二三四五六七八九十]+、)")


def check_text(text: str) -> list[tuple[str, str, int]]:
    """Typography problems of one piece of prose."""
    found = []
    for half, full in _WIDTH_PAIRS:
        if half in text and full in text:
            second = max(text.index(half), text.index(full))
            found.append(("W401", f"同一段文字中混用了半角“{half}”和全角“{full}”", second))
    for m in _STRAY_SPACE.finditer(text):
        found.append(("W402", "中文之间有多余的空格", m.start()))
    found.extend(_unbalanced(text))
    return found


def _unbalanced(text: str) -> list[tuple[str, str, int]]:
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(text):
        if char in _BRACKETS:
            stack.append((char, index))
        elif char in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[char]:
                stack.pop()
            else:
                return [("W403", f"“{char}”没有与之配对的“{_CLOSERS[char]}”", index)]
    if stack:
        char, index = stack[0]
        return [("W403", f"“{char}”没有与之配对的“{_BRACKETS[char]}”", index)]
    return []


def _numbering(text: str, what: str) -> list[tuple[str, str, int]]:
    if _HAND_NUMBER.match(text):
        return [("W405", f"{what}前手写了编号,编号由模板自动加上", 0)]
    return []


def task_texts(task: Task):
    """(field path, text, extra checks) for every prose field of a task."""
    yield ("title",), task.title, _numbering(task.title, "问题标题")
    yield ("target",), task.target, []
    for r, report in enumerate(task.progress):
        for m, measure in enumerate(report.measures):
            base = ("progress", r, "measures", m)
            yield base + ("heading",), measure.heading, _numbering(measure.heading, "措施标题")
            for i, item in enumerate(measure.items or []):
                extra = []
                if _CIRCLED.match(item.lstrip()):
                    extra.append(("W404", "分项开头手写了圈号,圈号由模板自动加上", 0))
                yield base + ("items", i), item, extra
            if measure.text is not None:
                m_circled = _CIRCLED.search(measure.text)
                extra = []
                if m_circled:
                    extra.append(("W404", "正文中有手写的圈号,分项请写成 items 列表", m_circled.start()))
                yield base + ("text",), measure.text, extra


def bulletin_texts(bulletin: Bulletin):
    yield ("title",), bulletin.title, []
    yield ("preamble",), bulletin.preamble, []
    yield ("listing", "intro"), bulletin.listing.intro, []
