"""Worker processes that never outlive dufu, and a parallel map over them.

A parallel validation forks workers; whatever ends dufu (Ctrl-C, SIGTERM, SIGHUP, SIGKILL),
they must end too, or they keep the caller's stdout open and a CI runner waits for minutes.
``fork_map`` is deliberately small: forked children, one pipe each, no threads in the parent
(a ProcessPoolExecutor interrupted mid-run could hang at exit on its own helper threads).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def fork_map(func: Callable, items: list, workers: int) -> list:
    """[func(item) for item in items], over `workers` forked processes (item i goes to worker
    i % workers). On any exception or signal in the parent, the workers are killed at once."""
    parent = os.getpid()
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    try:
        for index in range(workers):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read)
                _child(parent, func, items[index::workers], write)
            os.close(write)
            children.append((pid, read))
        shares = [_receive(pid, read) for pid, read in children]
    except BaseException:
        for pid, _ in children:
            _kill(pid)
        raise
    finally:
        for pid, read in children:
            _close(read)
            _reap(pid)
    out = [None] * len(items)
    for index, share in enumerate(shares):
        out[index::workers] = share
    return out


def _child(parent: int, func: Callable, share: list, write: int) -> None:  # pragma: no cover
    """Work through a share and send the results up; never returns (no parent clean-up runs)."""
    code = 0
    try:
        tie_to_parent(parent)
        with os.fdopen(write, "wb") as pipe:
            try:
                result = ("ok", [func(item) for item in share])
            except Exception as exc:  # reported by the parent, as dufu reports its own bugs
                result = ("error", f"{type(exc).__name__}: {exc}")
            pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _receive(pid: int, read: int) -> list:
    with os.fdopen(os.dup(read), "rb") as pipe:
        try:
            status, value = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError):
            raise RuntimeError(f"工作进程 {pid} 意外退出") from None
    if status != "ok":
        raise RuntimeError(f"工作进程出错:{value}")
    return value


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def tie_to_parent(parent: int) -> None:
    """In a worker: die with the parent, however it ends (SIGKILL included), and leave Ctrl-C
    to the parent, which alone reports it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's clean-up handlers are not theirs
    if hasattr(signal, "SIGHUP"):
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


def _watch_parent(parent: int) -> None:
    """Where the parent-death signal does not exist: notice the parent's end within 0.25 s."""
    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)
