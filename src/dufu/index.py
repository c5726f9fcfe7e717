"""The index kept between runs in ``.dufu/``: what each data file gave last time, its stat data,
content hash and problems in ``index.json``, its model in ``models.json`` (read only by the
commands that need models, and used only for the content hash it was made from).

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
import itertools
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
MODELS = "models.json"  # the entries' models, apart: a warm validation never reads them
FORMAT = "dufu-index 2"
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
    models: dict[str, list] | None = None  # rel -> [content hash, model], read when first needed

    @property
    def path(self) -> Path:
        return self.root / FOLDER / NAME

    def with_model(self, rel: str, entry: dict) -> dict | None:
        """The entry with its model, from models.json (read once, checked like the index);
        None when models.json has no model for this content (the file is then loaded again)."""
        if "model" in entry or not entry.get("m"):
            return entry if "model" in entry else {**entry, "model": None}
        stored = self._stored_model(rel, (self.new.get(rel) or self.old.get(rel) or [None] * 5)[4])
        return None if stored is None else {**entry, "model": stored[1]}

    def _stored_model(self, rel: str, digest: str | None) -> list | None:
        """[digest, model] from models.json (read once) when it holds rel's model for that content."""
        if self.models is None:
            self.models = _read_document(self.key, self.root / FOLDER / MODELS, self.env) or {}
        stored = self.models.get(rel)
        return stored if isinstance(stored, list) and len(stored) == 2 and stored[0] == digest else None

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
        head = {"env": self.env, "stamp": self.started, "verdict": self.verdict}
        return self._signed(head, ((rel, [*record[:5], _meta(record[5])]) for rel, record in self.new.items()))

    def _signed_models(self) -> bytearray:
        """models.json: every entry's model by file, with the content hash it belongs to."""
        def models():
            for rel, record in self.new.items():
                entry = record[5]
                if "model" in entry:
                    if entry["model"] is not None:
                        yield rel, [record[4], entry["model"]]
                elif entry.get("m") and (stored := self._stored_model(rel, record[4])) is not None:
                    yield rel, stored

        return self._signed({"env": self.env}, models())

    def _signed(self, head: dict, items) -> bytearray:
        """The signed document: head, then the items as "files", encoded 1,000 at a time into
        one buffer (never the whole index as one string, nor one encoder call per file)."""
        encode = json.JSONEncoder(ensure_ascii=False).encode
        out = bytearray(b"0" * 64 + b"\n" + encode(head)[:-1].encode("utf-8") + b', "files": {')
        items, first = iter(items), True
        while chunk := dict(itertools.islice(items, 1000)):
            out += ("" if first else ", ").encode() + encode(chunk)[1:-1].encode("utf-8")
            first = False
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
            if folder.is_symlink() or not folder.is_dir() or self.path.is_symlink() or (folder / MODELS).is_symlink():
                return
            if any("model" in record[5] for record in self.new.values()):  # new models: models.json first
                write_atomic(folder / MODELS, self._signed_models())
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
    document = _read_document(index.key, index.path, index.env, whole=True)
    if document is None:
        return index
    index.old, index.stamp = document["files"], document["stamp"]
    verdict = document.get("verdict")
    index.verdict = verdict if isinstance(verdict, dict) else None
    return index


def _read_document(key: bytes | None, path: Path, env: dict, whole: bool = False):
    """A signed document's files (the whole document when whole), or None when it is missing,
    damaged, signed by someone else or made for another environment."""
    raw = None if key is None else _read_regular(path, MAX_INDEX_BYTES)
    if raw is None:
        return None
    text = _verified(key, raw)
    del raw  # neither the bytes nor the text are kept alongside the entries
    try:
        document = None if text is None else json.loads(text)
    except ValueError:
        return None
    del text
    if not isinstance(document, dict) or document.get("env") != env or not isinstance(document.get("files"), dict):
        return None
    return document if whole else document["files"]


def _meta(entry: dict) -> dict:
    """What index.json keeps of an entry: all but the model, and whether there is one."""
    if "model" not in entry:
        return entry
    meta = {name: value for name, value in entry.items() if name != "model"}
    meta["m"] = entry["model"] is not None
    return meta
