"""Worker processes that never outlive dufu.

A parallel validation forks workers; whatever ends dufu (Ctrl-C, SIGTERM, SIGHUP, SIGKILL),
they must end too, or they keep the caller's stdout open and a CI runner waits for minutes.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers at once (on Ctrl-C or an error: no waiting for their chunks)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


def tie_to_parent(parent: int) -> None:
    """Worker initializer: die with the parent, however it ends (SIGKILL included), and leave
    Ctrl-C to the parent, which alone reports it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's clean-up handlers are not theirs
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    """Where the parent-death signal does not exist: notice the parent's end within a second."""
    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)
