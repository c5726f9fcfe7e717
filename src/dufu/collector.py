"""The cyclic garbage collector paused while many long-lived objects are made."""

from __future__ import annotations

import gc
from contextlib import contextmanager

FREEZE = False  # set by the `dufu` command (cli.run), whose process ends with the command


@contextmanager
def gc_paused():
    """Loading makes many long-lived objects and no cycles: the cyclic collector only costs
    time here (measured: half of a 10,000-task validation). Wrap loading in it; forked
    worker processes inherit the paused state.

    In the `dufu` command, what was made meanwhile is frozen on leaving (gc.freeze) rather
    than handed to the collector: otherwise its first runs afterwards walk every loaded object
    (measured: `render` 1.2 s -> 0.25 s at 10,000 tasks). Frozen objects are still freed by
    reference counting, but cycles among them never are: that costs nothing in a process that
    ends with its command, and would grow a process that loads again and again (dufu used as
    a library, or run in-process by tests) by every cycle a command left. There nothing is
    frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if FREEZE:
                gc.freeze()
            gc.enable()
