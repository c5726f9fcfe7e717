"""The index kept between runs in ``.dufu/index.json``: what each data file gave last time.

An entry is used only for a file whose content is known to be unchanged: its size, mtime,
ctime and inode are those recorded and it was last changed well before the index was
written (else it is read and its content hash compared, git's answer to "racy" files).
The whole index is signed with a key kept outside the repository (in the user's cache
folder): an index that is corrupt, truncated, from another dufu, Python, library version,
repository, written by someone else, or committed into the data repository fails the
check and is ignored; it is then rebuilt. Nothing in it is ever executed (plain JSON).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pydantic
import pydantic_core
import yaml

from .files import read_regular, write_atomic
from .problems import DufuError
from .sources import DATA_DIR, UNITS_FILE
from .yamlload import MAX_FILE_BYTES

FOLDER = ".dufu"
NAME = "index.json"
FORMAT = "dufu-index 1"
RACY_NS = 3_000_000_000  # files changed this close to the index's writing are hashed again
MAX_INDEX_BYTES = 1 << 30


@functools.cache
def code_version() -> str:
    """A hash of dufu's own source and the versions of what parses and validates: any upgrade
    (even of an editable install) makes a new index."""
    versions = (sys.version, pydantic.VERSION, pydantic_core.__version__, yaml.__version__, yaml.__with_libyaml__)
    digest = hashlib.sha256(repr(versions).encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".txt", ".toml", ".yaml"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _secret() -> bytes | None:
    """The signing key, created on first use in the user's cache folder; None when there is
    none to be had (the index is then not used)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "dufu" / "index-key"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = _read_regular(path, 1024)
            return key if key is not None and len(key) >= 32 else None
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
        return path.read_bytes()
    except (OSError, RuntimeError):
        return None


def _read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file (never a FIFO, device or symlink, never more than limit),
    else None."""
    try:
        return read_regular(path, limit)
    except OSError:
        return None


def file_stat(path: Path) -> list[int] | None:
    """What the index compares: size, mtime, ctime, inode (None: not a regular file)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_data_file(path: Path) -> bytes | None:
    """A data file's bytes for hashing; None when it is not a regular file or too large
    (such files are never taken from the index)."""
    return _read_regular(path, MAX_FILE_BYTES)


def environment(root: Path) -> dict:
    """Everything besides a file's own bytes and the day that its entry depends on."""
    units = read_data_file(root / DATA_DIR / UNITS_FILE)
    return {
        "format": FORMAT,
        "code": code_version(),
        "root": str(root.resolve()),
        "units": None if units is None else content_hash(units),
    }


@dataclass
class Index:
    """The entries read from disk (empty when there was no trustworthy index) and the ones
    this run will write back."""

    root: Path
    today: str
    env: dict
    key: bytes | None
    old: dict[str, list] = field(default_factory=dict)
    stamp: int = 0
    new: dict[str, list] = field(default_factory=dict)
    changed: bool = False
    verdict: dict | None = None  # the cross-file problems of the repository as last validated whole
    started: int = field(default_factory=time.time_ns)

    @property
    def path(self) -> Path:
        return self.root / FOLDER / NAME

    def lookup(self, rel: str, path: Path, found: tuple | None = None) -> dict | None:
        """The stored entry of a file whose content is unchanged, else None. found: the file's
        stat as discovery saw it (lstat of a regular file), saving a second stat."""
        record = self.old.get(rel)
        now = list(found) if found is not None else file_stat(path)
        if record is None or now is None or not self._same_day(record[5]):
            return None
        if record[:4] == now and max(now[1], now[2]) < self.stamp - RACY_NS:
            self.new[rel] = record
            return record[5]
        raw = read_data_file(path)
        if raw is None or len(raw) != now[0] or content_hash(raw) != record[4]:
            return None
        self.remember(rel, now, record[4], record[5])
        return record[5]

    def _signed_document(self) -> bytearray:
        """What _sign(key, json of the index) gives, built entry by entry in one buffer: the
        index is never held as one string, its bytes and a signed copy at once."""
        head = json.dumps({"env": self.env, "stamp": self.started, "verdict": self.verdict}, ensure_ascii=False)
        out = bytearray(b"0" * 64 + b"\n" + head[:-1].encode("utf-8") + b', "files": {')
        for n, (rel, record) in enumerate(self.new.items()):
            item = json.dumps({rel: record}, ensure_ascii=False)[1:-1]
            out += (", " + item if n else item).encode("utf-8")
        out += b"}}"
        with memoryview(out) as view:
            out[:64] = _mac(self.key, view[65:])
        return out

    def _same_day(self, entry: dict) -> bool:
        """Whether the entry's problems are those of today: it was made today, or the file
        states no date later than today or than the day it was made (only such dates give
        problems that depend on the day)."""
        latest = entry["latest"]
        return entry["today"] == self.today or latest is None or latest <= min(entry["today"], self.today)

    def set_verdict(self, verdict: dict | None) -> None:
        if verdict != self.verdict:
            self.verdict, self.changed = verdict, True

    def remember(self, rel: str, stat: list[int] | None, digest: str | None, entry: dict | None) -> None:
        """Keep an entry for the file whose stat (taken before reading) and content hash are given."""
        self.changed = True
        if stat is not None and digest is not None and entry is not None:
            self.new[rel] = [*stat, digest, entry]

    def save(self) -> None:
        """Write the index back when anything changed; a repository that cannot take it (read
        only, .dufu not a plain folder) simply goes without."""
        if self.key is None or not (self.changed or self.new.keys() != self.old.keys()):
            return
        folder = self.root / FOLDER
        try:
            if not folder.exists():
                folder.mkdir()
                write_atomic(folder / ".gitignore", b"# dufu's index of this repository: never commit it\n*\n")
            if folder.is_symlink() or not folder.is_dir() or self.path.is_symlink():
                return
            write_atomic(self.path, self._signed_document())
        except (OSError, DufuError, ValueError):  # ValueError: text json cannot write as UTF-8
            return


def _mac(key: bytes, body) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")


def _sign(key: bytes, body: bytes) -> bytes:
    """The index file: the signature of the body on the first line, then the body."""
    return _mac(key, body) + b"\n" + body


def _verified(key: bytes, raw: bytes) -> str | None:
    """The JSON text of a signed index, or None when the signature does not match (the body
    is checked and decoded without copying it)."""
    newline = raw.find(b"\n")
    with memoryview(raw) as view:
        body = view[newline + 1 :]
        mac = _mac(key, body)
        if newline < 0 or not hmac.compare_digest(mac, raw[:newline]):
            return None
        try:
            text = str(body, "utf-8")
        except UnicodeDecodeError:
            return None
        finally:
            body.release()
    return text


def open_index(root: Path, today: date) -> Index:
    """The repository's index if it checks out, else an empty one to be filled this run. Entries
    are made for a day (today's date gives "later than today" problems) and reused on another
    day when the file states no date that late."""
    index = Index(root, today.isoformat(), environment(root), _secret())
    raw = None if index.key is None else _read_regular(index.path, MAX_INDEX_BYTES)
    if raw is None:
        return index
    text = _verified(index.key, raw)
    del raw  # neither the index's bytes nor its text are kept alongside its entries
    try:
        document = None if text is None else json.loads(text)
    except ValueError:
        return index
    del text
    if not isinstance(document, dict) or document.get("env") != index.env:
        return index
    index.old, index.stamp = document["files"], document["stamp"]
    verdict = document.get("verdict")
    index.verdict = verdict if isinstance(verdict, dict) else None
    return index
