"""Line breaking for Chinese prose on a terminal: Rich breaks CJK text after any character,
which splits 2020年 into 202 / 0年 and starts lines with a comma. Here a run of digits or
Latin letters stays whole with the character after it (2020年, 36次), closing punctuation never
starts a line and opening punctuation never ends one."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.measure import Measurement
from rich.segment import Segment

_OPENING = "“‘（《「『("
_CLOSING = "，。、；：？！）》」』”’,.;:!?)%"
# one unbreakable piece: a Latin/digit run with its unit, or one character; closing marks stick
_PIECE = re.compile(rf"[{re.escape(_OPENING)}]*(?:[0-9A-Za-z][0-9A-Za-z.+\-/:]*[^\x00-\x7f\s]?|.)[{re.escape(_CLOSING)}]*", re.S)


def wrap_zh(text: str, width: int) -> list[str]:
    """text cut into lines of at most width cells (a piece wider than a line is folded)."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for piece in _PIECE.findall(paragraph):
            size = cell_len(piece)
            if used + size > width and line:
                lines.append(line)
                line, used = "", 0
            while size > width:  # longer than a whole line: fold it by character
                head = ""
                for char in piece:
                    if cell_len(head + char) > width:
                        break
                    head += char
                lines.append(head)
                piece = piece[len(head) :]
                size = cell_len(piece)
            line, used = line + piece, used + size
        lines.append(line)
    return lines


class Wrapped:
    """A Rich renderable of prose broken with wrap_zh at whatever width it is given."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = text, style

    def __rich_console__(self, console, options):
        style = console.get_style(self.style) if self.style else None
        for line in wrap_zh(self.text, options.max_width):
            yield Segment(line, style)
            yield Segment.line()

    def __rich_measure__(self, console, options) -> Measurement:
        longest = max((cell_len(p) for p in self.text.split("\n")), default=0)
        return Measurement(min(4, longest), longest)
