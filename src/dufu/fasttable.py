"""A Rich Table that stays quick at tens of thousands of rows.

Rich measures and draws every cell through its general machinery (a Padding, a Measurement,
options copied, lines split and cropped), about half a millisecond a row. Where every body
cell is a plain Text of one style, this table measures and lays out the rows itself, by the
same rules as ``rich.table.Table`` and with the same functions (``cell_len``,
``set_cell_size``, the Chinese line breaks of WrappedText): the same characters and the same
styled segments. The title, the header and the rules are still Rich's; a table or cell this
does not cover is left to Rich whole.
"""

from __future__ import annotations

import re
from copy import copy
from dataclasses import replace

from rich.cells import cell_len, set_cell_size
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from .cjkwrap import WrappedText, break_offsets

_TRAILING_SPACE = re.compile(r"\s+$")  # rich.text's own, for Text.rstrip_end


def _plain(cell) -> bool:
    """A Text this table can lay out as Rich would: no spans, no settings of its own, one
    line per "\\n", no tab to expand, and each part as wide as Rich measures it alone."""
    return (
        type(cell) in (Text, WrappedText)
        and not cell.spans
        and cell.justify is None
        and cell.overflow is None
        and cell.no_wrap is None
        and cell.end == "\n"
        and "\t" not in cell.plain
        and "\u200d" not in cell.plain  # a joiner or variation selector makes Rich measure a
        and "\ufe0f" not in cell.plain  # line otherwise than the sum of its parts
    )


def _measure(text: str) -> tuple[int, int]:
    """Text.__rich_measure__: the longest word, the longest line."""
    lines = text.splitlines()
    longest = max(map(cell_len, lines)) if lines else 0
    words = text.split()
    if words == lines:  # one line, one word: most cells
        return longest, longest
    return (max(map(cell_len, words)) if words else longest), longest


class FastTable(Table):
    """A rich.table.Table, drawn the same, quickly when its cells are plain Text."""

    _plain_now = False  # set while drawing; a table measured from outside is Rich's

    def __rich_console__(self, console, options):
        self._measures = {}
        self._plain_now = bool(self.columns) and self._fast(console)  # for this drawing
        if self._plain_now:
            widths = self._calculate_column_widths(console, options.update_width(options.max_width - self._extra_width))
            inner = [width - self._get_padding_width(i) for i, width in enumerate(widths)]
            if min(inner) >= 1:
                yield from self._draw(console, options, widths, inner)
                return
        self._plain_now = False
        drawn = super().__rich_console__(console, options)
        for line in Segment.split_and_crop_lines(drawn, options.max_width, pad=False):  # as _draw cuts
            yield from line

    def _fast(self, console) -> bool:
        """Whether Rich would draw this table as this class does: its defaults for the
        rules and styles, and body cells of plain Text (a wrapping column's, WrappedText)."""
        styled = console.get_style
        return (
            self.box is not None
            and self.width is None
            and self.show_header
            and not self.show_footer
            and not self.caption
            and self.show_edge
            and not self.show_lines
            and not self.leading
            and not self.row_styles
            and not styled(self.style or "")
            and not styled(self.border_style or "")
            and not self.collapse_padding
            and self.pad_edge
            and self.padding[0] == self.padding[2] == 0
            and all(row.style is None and not row.end_section for row in self.rows)
            and all(
                c.width is None
                and not styled(c.style or "")
                and c.justify == "left"
                and c.vertical == "top"
                and not c.highlight
                and c.overflow in ("fold", "crop", "ellipsis")
                and all(_plain(cell) and (c.no_wrap or type(cell) is WrappedText) for cell in c._cells)
                for c in self.columns
            )
        )

    def _measure_column(self, console, options, column):
        if options.max_width < 1 or not self._plain_now:
            return super()._measure_column(console, options, column)
        width = options.max_width
        padding = self._get_padding_width(column._index)
        header = replace(column, _cells=[])  # the header cell measured by Rich itself
        low, high = Measurement.get(console, options, next(self._get_cells(console, column._index, header)).renderable)
        if column._cells:  # each a Text in a Padding: Padding.__rich_measure__ of Text.__rich_measure__
            body_low, body_high = self._body_measure(column)
            if width - padding < 1:
                body_low = body_high = width
            else:
                body_low, body_high = min(min(body_low, width) + padding, width), min(min(body_high, width) + padding, width)
            low, high = max(low, body_low), max(high, body_high)
        return (
            Measurement(low, high)
            .with_maximum(width)
            .clamp(
                None if column.min_width is None else column.min_width + padding,
                None if column.max_width is None else column.max_width + padding,
            )
        )

    def _body_measure(self, column) -> tuple[int, int]:
        """The longest word and the longest line among the column's body cells (kept: Rich
        measures each column twice when the table is too wide)."""
        kept = self._measures
        if column._index not in kept:
            low = high = 0
            for cell in column._cells:
                word, line = _measure(cell.plain)
                low, high = max(low, word), max(high, line)
            kept[column._index] = low, high
        return kept[column._index]

    def _draw(self, console, options, widths: list[int], inner: list[int]):
        """The table as Table.__rich_console__ draws it, each line cut to the room there is as
        the console would cut it (so print(crop=False) prints the same): the title, the
        header and the rules by Rich itself, the body rows here."""
        room = options.max_width
        options = options.update(width=sum(widths) + self._extra_width, highlight=self.highlight, height=None)
        ruled: list[Segment] = []
        if self.title:
            title = self.title
            if isinstance(title, str):
                title = console.render_str(
                    title, style=Style.pick_first(self.title_style, "table.title"), highlight=False
                )
            ruled += console.render(title, options.update(justify=self.title_justify))
        head = copy(self)
        head.columns, head.rows = [replace(c, _cells=[]) for c in self.columns], []
        ruled += Table._render(head, console, options, widths)  # rule, header, rule below it, bottom rule
        *top, bottom = Segment.split_and_crop_lines(ruled, room, pad=False)
        for line in top:
            yield from line
        yield from self._body(console, options, inner, room)
        yield from bottom

    def _body(self, console, options, inner: list[int], room: int):
        """The body rows, a line at a time: the text of no style as one segment, a styled
        cell's line as its own, as Rich gives them; each line cut to room cells."""
        box = self.box.substitute(options, safe=console.safe_box if self.safe_box is None else self.safe_box)
        left, right = (" " * self.padding[3], " " * self.padding[1]) if any(self.padding) else ("", "")
        blank = [" " * width for width in inner]
        # a line's parts: the left edge, then each column's divider ("" before the first),
        # left padding, text and right padding, then the right edge
        sizes = [1]
        for width in inner:
            sizes += (1, len(left), width, len(right))
        sizes[1] = 0
        sizes.append(1)
        cut = None  # (the part the room ends in, the cells of it that fit): where Rich cuts
        if sum(sizes) > room:  # a table wider than the room
            used = 0
            for at, size in enumerate(sizes):
                if used + size >= room:
                    cut = (at, room - used)
                    break
                used += size
        columns, last = list(zip(self.columns, inner, strict=True)), len(self.rows) - 1
        for index, row in enumerate(zip(*(column._cells for column in self.columns), strict=True)):
            cells = [_lay_out(console, cell, width, column) for cell, (column, width) in zip(row, columns, strict=True)]
            bar = (
                (box.foot_left, box.foot_vertical, box.foot_right)
                if index == last
                else (box.mid_left, box.mid_vertical, box.mid_right)
            )
            for line_no in range(max(len(lines) for lines, _ in cells)):
                parts, styled = [bar[0]], []
                for column_no, (lines, style) in enumerate(cells):
                    if line_no < len(lines):
                        parts += (bar[1] if column_no else "", left, lines[line_no], right)
                        if style:
                            styled.append((len(parts) - 2, style))
                    else:
                        parts += (bar[1] if column_no else "", left, blank[column_no], right)
                parts.append(bar[2])
                if cut is not None:
                    at, fits = cut
                    parts[at:] = [set_cell_size(parts[at], fits)]
                start = 0
                for at, style in styled:
                    if at < len(parts):
                        yield Segment("".join(parts[start:at]))
                        yield Segment(parts[at], style)
                        start = at + 1
                yield Segment("".join(parts[start:]) + "\n")


def _lay_out(console, cell: Text, width: int, column) -> tuple[list[str], object]:
    """A body cell as Text.__rich_console__ gives it at this width, left-justified (a
    WrappedText broken the Chinese way unless the column does not wrap): its lines, each
    exactly width cells, and its style (None when it has none)."""
    lines = []
    ellipsis = column.overflow == "ellipsis"
    for line in cell.plain.split("\n"):
        if column.no_wrap:
            pieces = [line]
        else:
            offsets = break_offsets(line, max(width, 2))
            pieces = [line[a:b] for a, b in zip([0, *offsets], [*offsets, len(line)], strict=True)]
            pieces = [_rstrip_end(piece, width) if len(piece) > width else piece for piece in pieces]
        for piece in pieces:
            size = cell_len(piece)
            if size > width:
                piece = set_cell_size(piece, width - 1) + "…" if ellipsis else set_cell_size(piece, width)
            elif size < width:
                piece += " " * (width - size)
            lines.append(piece)
    return lines, (console.get_style(cell.style) if cell.style else None)


def _rstrip_end(text: str, size: int) -> str:
    """Text.rstrip_end: trailing whitespace beyond size characters dropped."""
    if len(text) > size:
        match = _TRAILING_SPACE.search(text)
        if match is not None:
            return text[: len(text) - min(len(match.group(0)), len(text) - size)]
    return text
