"""FastTable draws what rich.table.Table draws, byte for byte, with colour and without, on
tables too wide for the terminal and too narrow for their columns, and on the task list."""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dufu import fasttable, views
from dufu.cjkwrap import WrappedText
from dufu.validate import load_valid

from conftest import PROJECT

PIECES = [
    *"问题整改水体黑臭市生态环境局、,。()0123456789abcXYZ- ",
    "r2-01",
    "2020年",
    "   ",
    "——",
    "😀",
    "é",
    "\n",
]


def _words(rng: random.Random) -> str:
    text = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 2, 5, 10, 20, 40, 80])))
    return text + "👨\u200d👩 x" if rng.random() < 0.002 else text  # joined emoji: Rich's to draw


def _table(cls, seed: int) -> Table:
    """A random table: columns that wrap the Chinese way or do not wrap, each overflow, some
    least and most widths, cells with and without a style, several boxes, expanded or not;
    now and then something only Rich draws (a styled span, lines between rows, a row style),
    which FastTable leaves to it."""
    rng = random.Random(seed)
    rich_only = rng.random() < 0.15
    table = cls(
        title=rng.choice([None, "共 3 项任务", _words(rng)]),
        title_justify=rng.choice(["left", "center", "right"]),
        padding=rng.choice([(0, 1), 0, (0, 2), (0, 1, 0, 0)]),
        show_lines=rich_only and rng.random() < 0.5,
        box=rng.choice([box.HEAVY_HEAD, box.HEAVY_HEAD, box.ROUNDED, box.SIMPLE, box.ASCII, box.MINIMAL, box.DOUBLE_EDGE]),
        expand=rng.random() < 0.2,
        header_style=rng.choice(["bold", "", "italic red"]),
        min_width=rng.choice([None, None, None, rng.randint(10, 120)]),
        safe_box=rng.choice([None, True, False]),
    )
    wraps = []
    for _ in range(rng.randint(1, 6)):
        no_wrap = rng.random() < 0.5
        options = (
            {"no_wrap": True, "overflow": rng.choice(["ellipsis", "fold", "crop"])}
            if no_wrap
            else {"overflow": rng.choice(["fold", "ellipsis"])}
        )
        if rng.random() < 0.3:
            options["min_width"] = rng.randint(1, 8)
        if rng.random() < 0.1:
            options["max_width"] = rng.randint(3, 30)
        table.add_column(rng.choice(["编号", "问题", "状态", "牵头单位", "整改时限", "最近进展", "x"]), **options)
        wraps.append(not no_wrap)
    for _ in range(rng.randint(0, 12)):
        cells = []
        for wrap in wraps:
            style = rng.choice(["", "", "red", "bold yellow", "blue"])
            cell = WrappedText(_words(rng)) if wrap else rng.choice([Text, WrappedText])(_words(rng), style=style)
            if rich_only and rng.random() < 0.2 and cell.plain:
                cell.stylize("bold", 0, 1)
            cells.append(cell)
        table.add_row(*cells, style="italic" if rich_only and rng.random() < 0.1 else None)
    return table


def _printed(renderable, width: int, colour: bool, crop: bool = True) -> str:
    console = Console(
        file=io.StringIO(),
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
    )
    console.print(renderable, crop=crop)
    return console.file.getvalue()


def test_random_tables_come_out_as_rich_draws_them(monkeypatch):
    laid = []
    monkeypatch.setattr(fasttable, "_lay_out", lambda *a: laid.append(1) or _lay_out(*a))
    fast = 0
    for seed in range(1500):
        rng = random.Random(seed * 7 + 1)
        width, colour = rng.choice([8, 12, 20, 30, 40, 60, 71, 80, 100, 140]), rng.random() < 0.5
        before = len(laid)
        # dufu prints a FastTable with crop=False: it cuts its own lines as the console would
        assert _printed(_table(fasttable.FastTable, seed), width, colour, crop=False) == _printed(
            _table(Table, seed), width, colour
        ), (seed, width, colour)
        fast += len(laid) > before
    assert fast > 400  # the rest: too narrow a column, no rows, or something only Rich draws


_lay_out = fasttable._lay_out


@pytest.mark.parametrize("folder", [PROJECT, PROJECT / "tests" / "fixtures" / "timeline"], ids=["shipped", "timeline"])
def test_the_task_list_comes_out_as_rich_draws_it(folder, monkeypatch):
    data = load_valid(folder, date(2026, 1, 1), keep_text=False, cache=False)
    tasks = [task for round_id in data.rounds for task in data.tasks_of(round_id)]
    assert tasks
    for day in (date(2024, 6, 24), date(2025, 6, 30), date(2026, 1, 1)):
        for width in (50, 71, 72, 80, 120, 200):
            for colour in (False, True):
                fast = _printed(views.task_table(tasks, day, title="共 N 项任务"), width, colour, crop=False)
                with monkeypatch.context() as patched:
                    patched.setattr(views, "FastTable", Table)
                    assert fast == _printed(views.task_table(tasks, day, title="共 N 项任务"), width, colour), (
                        day,
                        width,
                    )
