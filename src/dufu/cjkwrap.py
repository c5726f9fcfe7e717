"""Chinese-aware line wrapping for Rich: break between Chinese characters, never inside a run
of digits or ASCII (so `2020年` and `r2-01` stay whole on narrow terminals)."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.containers import Lines
from rich.text import Text

# an ASCII run, spaces, or one character; closing punctuation stays with what it follows, so
# that no line starts with "," ":" ";" "、" "。" or a closing bracket
# (a number keeps the measure word after it: 2020年, 36次, 6项)
_UNIT = re.compile(r"(?:[0-9A-Za-z.,:;%/+_\-]+[\u4e00-\u9fff]?|\s+|.)[,.:;!?)\]、，。：；！？）》」』”’]*\s*")


def break_offsets(line: str, width: int) -> list[int]:
    """Where to break one line so that each piece fits width cells (an over-long run is chopped)."""
    if cell_len(line) <= width:  # it fits whole (the loop below would find no break in it)
        return []
    offsets, used = [], 0
    for match in _UNIT.finditer(line):
        start, piece = match.start(), match.group()
        whole = cell_len(piece)
        size = cell_len(piece.rstrip()) if piece[-1].isspace() else whole
        if used and used + size > width:
            offsets.append(start)
            used = 0
        if size > width:  # a run longer than a whole line: chop it by cells
            for i, char in enumerate(piece):
                if used + cell_len(char) > width and used:
                    offsets.append(start + i)
                    used = 0
                used += cell_len(char)
            continue
        used += whole
    return offsets


class WrappedText(Text):
    """A Text that wraps the Chinese way (see module docstring)."""

    def wrap(self, console, width, *, justify=None, overflow=None, tab_size=8, no_wrap=None) -> Lines:
        if no_wrap:
            return super().wrap(console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=True)
        lines = Lines()
        for line in self.split(allow_blank=True):
            pieces = line.divide(break_offsets(line.plain, max(width, 2)))
            for piece in pieces:
                piece.rstrip_end(width)
            lines.extend(pieces)
        if justify:
            lines.justify(console, width, justify=justify, overflow=overflow or "fold")
        return lines
