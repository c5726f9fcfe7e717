"""Where a long load reports how far it has got: the command line sets a callback here (on a
terminal only), and loading calls it with the share done, from 0 to 1. Core code never prints."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

REPORT: ContextVar[Callable[[float], None] | None] = ContextVar("dufu_progress", default=None)


def reporter(total: int) -> Callable[[int], None] | None:
    """A done(n) callback for n of total parts finished, or None when nobody listens."""
    report = REPORT.get()
    if report is None or total <= 0:
        return None
    return lambda n: report(n / total)
