"""Characters that would corrupt a notice or a terminal, and how to show text that holds them.

Data may come from a stranger: a line break in a title forges a heading in the notice, an
escape sequence (ESC, or the one-byte C1 CSI U+009B) rewrites a terminal, a bidi override
(U+202E) shows text in another order than it is read. The checks refuse them in the data;
``visible`` makes any text safe to print by showing such characters as escapes.
"""

from __future__ import annotations

import re
import unicodedata

LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
# C0 controls but tab and line breaks, DEL, C1 controls but NEL (a line break)
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# bidi controls, zero-width and other invisible format characters (Unicode category Cf), the
# fillers and joiners that draw nothing (Hangul fillers, the combining grapheme joiner), the
# variation selectors, and the tag characters that can smuggle hidden ASCII text
INVISIBLE_BMP = (
    f"{BIDI}\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2064\u206a-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
)
# beyond the BMP: in UTF-8 each starts with F0 9D 85 (U+1D17x) or F3 A0 (U+E00xx, U+E01xx)
INVISIBLE_ASTRAL = "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef"
INVISIBLE = re.compile(f"[{INVISIBLE_BMP}{INVISIBLE_ASTRAL}]")
SURROGATE = "\ud800-\udfff"  # a byte of a file name that is not UTF-8 (surrogateescape), never valid text
# what a file or folder name may not hold (E117): a byte that is not UTF-8 is no such thing
UNSAFE_IN_NAME = re.compile(f"{CONTROL.pattern}|{LINE_BREAK.pattern}|{INVISIBLE.pattern}|\t")
UNSAFE = re.compile(f"{UNSAFE_IN_NAME.pattern}|[{SURROGATE}]")


def _escape(match: re.Match) -> str:
    char = match.group()
    if char == "\t":
        return " "
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # the byte os.fsdecode could not decode
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"<U+{code:04X}>"


def visible(text: str) -> str:
    """text with every control, line break, bidi or invisible character shown as an escape
    (a tab as one space): safe to print on a terminal, one line."""
    return UNSAFE.sub(_escape, text) if UNSAFE.search(text) else text


def describe_char(char: str) -> str:
    """U+202E(RIGHT-TO-LEFT OVERRIDE) — for messages."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f"({name})" if name else "")


def lookalike_note(written: str, intended: str) -> str | None:
    """What makes written differ from intended when they look alike (or None): spaces at the
    ends, full-width characters, decomposed Unicode (NFD), invisible characters, case."""
    if written == intended:
        return None
    if written.strip(" \t\u3000") == intended:
        kind = "全角空格" if "\u3000" in written else "空格"
        where = "开头" if written.endswith(intended) else "末尾" if written.startswith(intended) else "前后"
        return f"“{visible(written)}”{where}多了{kind}"
    if INVISIBLE.sub("", written) == intended:
        found = INVISIBLE.search(written).group()
        return f"“{visible(written)}”含有不可见字符 {describe_char(found)}"
    if unicodedata.normalize("NFC", written) == intended:
        return f"“{written}”不是 Unicode 规范形式(NFC,常见于从 macOS 或 PDF 复制的文字),看起来相同,但与“{intended}”不是同一串字符"
    if unicodedata.normalize("NFKC", written) == intended:
        return f"“{written}”含有全角字母、数字或符号,应写作“{intended}”"
    if fold(written) == fold(intended):
        return f"“{written}”与“{intended}”只有大小写或全角半角之差"
    return None


def fold(text: str) -> str:
    """The form in which ids that look the same are equal: NFKC (width), then casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


def find_lookalike(written: str, known) -> tuple[str, str] | None:
    """(known value, note) for a known value that written only looks like, or None."""
    key = fold(INVISIBLE.sub("", written).strip(" \t\u3000"))
    for candidate in known:
        if fold(candidate) == key:
            note = lookalike_note(written, candidate)
            if note:
                return candidate, note
    return None


def closest_id(written: str, known) -> str | None:
    """The known id written most likely meant: the one its numbers, unpadded, name (r3-1 for
    r3-01, not r3-12, which difflib finds closer), else the closest spelling, else None."""
    import difflib  # only when an id is not found

    known = list(known)
    unpadded = [k for k in known if _unpad(k) == _unpad(written)]
    if len(unpadded) == 1:
        return unpadded[0]
    close = difflib.get_close_matches(written, known, n=1)
    return close[0] if close else None


def _unpad(text: str) -> str:
    return re.sub(r"\d+", lambda m: m[0].lstrip("0") or "0", text)  # (not int: 4,300 digits are its limit)


def explain_value(kind: str, value: object, ctx: dict) -> tuple[str, str] | None:
    """(message, hint) when a value only looks right: a status with a trailing space, an id or
    a number in full-width characters; None otherwise."""
    if not isinstance(value, str):
        return None
    if kind == "literal_error":
        found = find_lookalike(value, re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return ("取值" + found[1], f"改为“{found[0]}”") if found else None
    plain = unicodedata.normalize("NFKC", value).strip()
    if plain == value:
        return None
    if kind == "string_pattern_mismatch" and re.fullmatch(str(ctx.get("pattern", "")), plain):
        return "编号" + (lookalike_note(value, plain) or ""), f"改为“{plain}”"
    if kind in ("int_type", "int_parsing") and plain.isdigit():
        return f"应为整数:“{value}”含有全角数字或空格,应写作 {plain}", f"改为 {plain}"
    return None
