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
import selectors
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


def fork_map(func: Callable, items: list, workers: int, done: Callable[[int], None] | None = None) -> list:
    """[func(item) for item in items], over `workers` forked processes (item i goes to worker
    i % workers); done(n) is called in the parent after each n-th result arrives. On any
    exception or signal in the parent, the workers are killed at once."""
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
        shares = _receive_all(children, [len(items[i::workers]) for i in range(workers)], done)
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


_HEADER = struct.Struct("!cQ")  # kind (r: a result, e: an error), length of the pickle after it


def _child(parent: int, func: Callable, share: list, write: int) -> None:  # pragma: no cover
    """Work through a share, sending each result up as it is made; never returns (no parent
    clean-up runs)."""
    code = 0
    try:
        tie_to_parent(parent)
        with os.fdopen(write, "wb") as pipe:
            try:
                for item in share:
                    _send(pipe, b"r", func(item))
            except Exception as exc:  # reported by the parent, as dufu reports its own bugs
                _send(pipe, b"e", f"{type(exc).__name__}: {exc}")
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _send(pipe, kind: bytes, value) -> None:  # pragma: no cover - runs in the child
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_HEADER.pack(kind, len(body)) + body)
    pipe.flush()


def _receive_all(children: list[tuple[int, int]], counts: list[int], done: Callable[[int], None] | None) -> list[list]:
    """Every child's results, read from all pipes as they come (so no child waits on a full
    pipe while another is read)."""
    shares: list[list] = [[] for _ in children]
    buffers = [b"" for _ in children]
    received = 0
    with selectors.DefaultSelector() as selector:
        for index, (_, read) in enumerate(children):
            selector.register(read, selectors.EVENT_READ, index)
        while selector.get_map():
            for key, _ in selector.select():
                index = key.data
                chunk = os.read(key.fd, 1 << 20)
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                buffers[index] += chunk
                while len(buffers[index]) >= _HEADER.size:
                    kind, size = _HEADER.unpack_from(buffers[index])
                    if len(buffers[index]) < _HEADER.size + size:
                        break
                    body = buffers[index][_HEADER.size : _HEADER.size + size]
                    buffers[index] = buffers[index][_HEADER.size + size :]
                    if kind != b"r":
                        raise RuntimeError(f"工作进程出错:{pickle.loads(body)}")
                    shares[index].append(pickle.loads(body))
                    received += 1
                    if done is not None:
                        done(received)
    for (pid, _), share, count in zip(children, shares, counts, strict=True):
        if len(share) != count:
            raise RuntimeError(f"工作进程 {pid} 意外退出")
    return shares


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
