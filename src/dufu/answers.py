"""Answers kept in the index: what a read-only command printed, replayed when it is asked
again with nothing changed.

A command's output (``status``, ``list``, ``show``, ``render``, ``diff``) is a function of the
repository's content, the configuration, the templates, dufu itself, the day, the command's
options and the terminal it prints to. The key of a kept answer is a hash of all of them:

- the verdict key of the index, which open_warm has just checked against the repository as
  it is (every data file's content hash, the misplaced and refused files, the templates'
  stat data) — an answer is only replayed when the index vouches for the whole repository,
  never after an edit it has not seen; a run that loaded the files itself (building or
  repairing the index) keeps its answer under the verdict key of what it loaded;
- the bytes of every file under ``templates/`` (a template rewritten with the same size and
  mtime still changes the key);
- the configuration as read (``dufu.toml`` or ``[tool.dufu]``), dufu's code version (its
  source, Python and the libraries), today's date;
- the command and every option as given;
- what the output depends on besides: whether it is a terminal, its width, height, colours
  and encoding, as Rich sees them.

A kept answer is signed like the index (a damaged or foreign one is never replayed) and only
the newest ``KEEP``, and ``KEEP_BYTES`` in all, are kept. Only a run that ended normally,
wrote nothing to stderr and found the templates at its end as they were at its start is
kept; its stdout is recorded byte for byte as it is written.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .files import read_regular, write_atomic
from .index import FOLDER, own_folder
from .problems import DufuError
from .warm import Warm

ANSWERS = "answers"
KEEP = 16  # answers kept; the oldest go first
KEEP_BYTES = 128 * 1024 * 1024  # and no more than this in all (the newest is always kept)
MAX_ANSWER_BYTES = 256 * 1024 * 1024


@dataclass
class Question:
    """A read-only command as asked: what its answer depends on besides the repository's data
    files, and the key of its answer when the index vouched for the whole repository at the
    start (else None: the answer is not replayed, and is kept under the key of what the run
    loaded, see answer_key)."""

    parts: list  # the command, its options, the day, the terminal
    templates: list  # every file under templates/ with the hash of its bytes, at the start
    configuration: str  # dufu.toml or [tool.dufu] as read at the start
    key: str | None


def ask(warm: Warm, parts: list) -> Question | None:
    """The question a command asks; None when its answer cannot be kept (no index key, or a
    template that cannot be read: the command itself reports it)."""
    index = warm.index
    templates, configuration = _templates_content(warm), _configuration(index.root)
    if index.key is None or templates is None or configuration is None:
        return None
    parts = [*parts, configuration]
    vouched = warm.problems is not None and index.verdict is not None
    key = _key(index, index.verdict["key"], templates, parts) if vouched else None
    return Question(parts, templates, configuration, key)


def answer_key(warm: Warm, question: Question) -> str | None:
    """The key to keep the answer just computed under: the question's key or, when the index
    did not vouch at the start or the run read files again, the verdict key of what the run
    loaded (every data file's content hash as the index now holds it: the files the answer
    was computed from); None when a file has no hash, or when a template or the configuration
    changed during the run (the command may have read them again)."""
    configuration = _configuration(warm.index.root, fresh=True)  # the file now, against what the command used
    if _templates_content(warm) != question.templates or configuration != question.configuration:
        return None
    if warm.index.foreign:  # the units registry changed during the run
        return None
    if question.key is not None and not warm.loaded:  # computed from what the index vouched for
        return question.key
    from .warm import verdict_key

    verdict = verdict_key(warm.sources, warm.index, warm.templates)
    return None if verdict is None else _key(warm.index, verdict, question.templates, question.parts)


def _key(index, verdict: str, templates: list, parts: list) -> str:
    material = [index.env, verdict, templates, parts]  # env: dufu's code version, root, units
    return hashlib.sha256(json.dumps(material, ensure_ascii=False, default=repr).encode("utf-8", "replace")).hexdigest()


def _configuration(root: Path, fresh: bool = False) -> str | None:
    """The configuration as the command reads it (fresh: as the file is now); None when it
    cannot be read (the command reports it)."""
    from .config import load_config

    try:
        return repr(load_config(root, fresh))
    except DufuError:
        return None


def _templates_content(warm: Warm) -> list | None:
    """Each file under templates/ open_warm found with the hash of its bytes; None when one
    cannot be read (a FIFO, a symlink: the command itself reports it)."""
    out = []
    for rel, *_ in warm.templates:
        try:
            digest = hashlib.sha256(read_regular(warm.index.root / rel, MAX_ANSWER_BYTES)).hexdigest()
        except (OSError, ValueError):
            return None
        out.append([Path(rel).as_posix(), digest])
    return out


def _folder(warm: Warm) -> Path:
    return warm.index.root / FOLDER / ANSWERS


def replay(warm: Warm, key: str) -> memoryview | None:
    """The kept answer of key, if there is one and its signature checks."""
    folder = _folder(warm)
    if not own_folder(warm.index.root) or folder.is_symlink():
        return None
    try:
        raw = read_regular(folder / key, MAX_ANSWER_BYTES)
    except (OSError, ValueError):
        return None
    end = raw.find(b"\n")
    if end < 0:
        return None
    body = memoryview(raw)[end + 1 :]  # not copied: an answer may be tens of megabytes
    return body if hmac.compare_digest(raw[:end], _mac(warm.index.key, key, body)) else None


def keep(warm: Warm, key: str, body: bytes | bytearray) -> None:
    """Keep body as key's answer (atomically), and only the newest answers (KEEP of them, at
    most KEEP_BYTES in all); a repository that cannot take it goes without."""
    folder = _folder(warm)
    try:
        if not own_folder(warm.index.root):
            return
        if not folder.exists():
            folder.mkdir()
        if folder.is_symlink() or not folder.is_dir():
            return
        mac = _mac(warm.index.key, key, body)

        def write(out) -> None:  # body not copied: an answer may be tens of megabytes
            out.write(mac + b"\n")
            out.write(body)

        write_atomic(folder / key, write)
        kept = sorted(((p.lstat(), p) for p in folder.iterdir()), key=lambda item: -item[0].st_mtime_ns)
        total = 0
        for n, (info, path) in enumerate(kept):
            total += info.st_size
            if n >= KEEP or (n and total > KEEP_BYTES):
                path.unlink()
    except (OSError, ValueError, DufuError):  # an answer is only ever a saving
        return


def _mac(secret: bytes, key: str, body) -> bytes:
    signed = hmac.new(secret, key.encode("ascii") + b"\n", hashlib.sha256)
    signed.update(body)
    return signed.hexdigest().encode("ascii")


class _Recorder(io.RawIOBase):
    """A binary stream that writes through to the real one and keeps a copy."""

    def __init__(self, real) -> None:
        super().__init__()
        self.real = real
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        self.data += chunk
        self.real.write(chunk)
        return len(chunk)

    def flush(self) -> None:
        self.real.flush()

    def isatty(self) -> bool:
        return self.real.isatty()

    def fileno(self) -> int:
        return self.real.fileno()


@contextmanager
def recording():
    """Within: sys.stdout recorded byte for byte (text and bytes alike, in order) and
    sys.stderr watched. Gives a dict whose "stdout" is the bytes written and "stderr" whether
    anything was written there; the streams are put back on leaving."""
    out, err = sys.stdout, sys.stderr
    result: dict = {"stdout": None, "stderr": False}
    if getattr(out, "buffer", None) is None or getattr(err, "buffer", None) is None:
        yield result  # not real streams (an embedding, a test runner): nothing recorded
        return
    recorder, watcher = _Recorder(out.buffer), _Recorder(err.buffer)
    out.flush()
    err.flush()
    sys.stdout = _text(out, recorder)
    sys.stderr = _text(err, watcher)
    try:
        yield result
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = out, err
    result["stdout"] = recorder.data  # a bytearray, not copied
    result["stderr"] = bool(watcher.data)


def _text(like, raw: _Recorder) -> io.TextIOWrapper:
    """A text stream over raw encoding as like does."""
    return io.TextIOWrapper(
        raw, encoding=like.encoding, errors=like.errors, line_buffering=like.line_buffering, write_through=True
    )
