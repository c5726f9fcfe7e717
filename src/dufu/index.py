"""The index kept between runs in ``.dufu/``: what each data file gave last time, its stat data,
content hash and problems in ``index.json``, its model a line of ``models.jsonl`` (read only
by the commands that need models, a line at a time, and used only for the content hash it
was made from).

``index.json`` is a signature line, a head line (environment, verdict of the checks across
files, the whole repository's problems for the stat data of all its files: see warm.py), the
entries, which are decoded only when a run needs them, a line of keys (for each entry where
it starts and its task id: what ``show`` needs to find one task) and a line of stubs (each
entry's stat data and stand-in: what ``validate FILE`` needs to know the other task files),
both read without decoding the entries. A run that changed a few entries
(at most ``JOURNAL_MAX``) writes ``journal.json`` instead: the head and those entries (models
in them), read on top of the index.json whose signature it names; one that changed more
writes index.json whole again (copying the unchanged entries' text), and the journal goes.

An entry is used only for a file whose content is known to be unchanged: its size, mtime,
ctime and inode are those recorded and it was last changed well before the index was
written (else it is read and its content hash compared, git's answer to "racy" files).
Everything is signed with a key kept outside the repository (in the user's cache folder): an
index or journal that is corrupt, truncated, from another dufu, Python, library version,
repository, written by someone else, or committed into the data repository fails the check
and is ignored; it is then rebuilt. Nothing in it is ever executed (plain JSON).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.util
import itertools
import json
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .files import MAX_FILE_BYTES, read_regular, write_atomic
from .problems import DufuError
from .sources import DATA_DIR, UNITS_FILE

FOLDER = ".dufu"
NAME = "index.json"
MODELS = "models.jsonl"  # the entries' models, a line each: a warm validation never reads them
JOURNAL = "journal.json"  # the entries changed since index.json was written whole, and the head
FORMAT = "dufu-index 6"
RACY_NS = 3_000_000_000  # files changed this close to the index's writing are hashed again
MAX_INDEX_BYTES = 1 << 30
MODELS_SLACK = 1000  # unused lines the models file may carry beyond as many as it uses
JOURNAL_MAX = 256  # entries the journal may hold; beyond, index.json is written whole again
UNKNOWN = object()  # stand_in_of: the index cannot tell


# what parses and validates, and what draws a kept answer (answers.py): tables, notices, options
_LIBRARIES = ("pydantic", "pydantic_core", "yaml", "_yaml", "rich", "jinja2", "markupsafe", "typer", "click")


@functools.cache
def code_version() -> str:
    """A hash of dufu's own source, Python's version and where and when the libraries that
    parse, validate and draw were installed: any upgrade (even of an editable install) makes a
    new index, and no answer kept by another Rich or Jinja2 is replayed. The libraries are
    located, not imported (a warm run never needs most of them)."""
    digest = hashlib.sha256(sys.version.encode())
    for name in _LIBRARIES:
        digest.update(repr(_installed(name)).encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".txt", ".toml", ".yaml"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _installed(name: str) -> tuple | None:
    """A library's files as installed: the path, size and mtime of each file of its package
    (a reinstall or upgrade rewrites them), found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent if spec.submodule_search_locations else None
    paths = sorted(folder.iterdir()) if folder is not None else [Path(spec.origin)]
    out = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            out.append((path.name, info.st_size, info.st_mtime_ns))
    return (spec.origin, out)


def _secret() -> bytes | None:
    """The signing key, created on first use in the user's cache folder; None when there is
    none to be had (the index is then not used)."""
    given = os.environ.get("XDG_CACHE_HOME", "")
    # a relative path is invalid by the XDG spec, and would put the key in the current folder
    base = Path(given) if os.path.isabs(given) else Path.home() / ".cache"
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


def own_folder(root: Path) -> bool:
    """Whether .dufu is a plain folder of the repository, not a symlink: nothing is read
    through one (a repository's content may come from a stranger) nor written into one."""
    try:
        return stat.S_ISDIR(os.lstat(root / FOLDER).st_mode)
    except OSError:
        return False


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
    files_text: str = "[]"  # the entries as stored (a JSON array, an entry a line), decoded into base when first needed
    keys_text: str = "[]"  # [file, where its entry starts in files_text, task id] of every entry
    stubs_text: str = "[]"  # [stat data..., stand-in] of every entry, in the same order
    stamp: int = 0
    base_mac: str | None = None  # the signature of index.json: what a journal extends
    journal: dict[str, list | None] = field(default_factory=dict)  # entries since (None: the file is gone)
    new: dict[str, list] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)  # files found as recorded, their records kept undecoded (stand_in_of)
    changed: bool = False
    verdict: dict | None = None  # the cross-file problems of the repository as last validated whole
    started: int = field(default_factory=time.time_ns)
    whole: dict | None = None  # the whole repository's problems, for the stat data of all its files (see warm.py)
    selection: dict | None = None  # the same for the files `validate FILE…` last named (see warm.py)
    models_mac: str | None = None  # the signature of the models file the entries point into
    models: bytes | None = None  # that file, read (and checked) when a model is first asked for
    offsets: dict[str, int] = field(default_factory=dict)  # where save put each file's model
    foreign: bool = False  # the run checked files with a units registry env does not name: nothing is saved

    @property
    def path(self) -> Path:
        return self.root / FOLDER / NAME

    @functools.cached_property
    def base(self) -> dict[str, list]:
        """The entries of index.json, decoded when first needed (a warm run that finds every
        file as the index last saw it never decodes them)."""
        try:
            files = dict(json.loads(self.files_text))
        except (ValueError, TypeError):
            files = None
        self.files_text = ""
        return files if isinstance(files, dict) else {}

    @functools.cached_property
    def old(self) -> dict[str, list]:
        """The entries read from disk: index.json's, as the journal changed them."""
        files = dict(self.base)
        for rel, record in self.journal.items():
            if record is None:
                files.pop(rel, None)
            else:
                files[rel] = record
        return files

    @functools.cached_property
    def base_keys(self) -> dict[str, tuple[int, str | None]]:
        """Each file with an entry in index.json: where it starts in the entries' text and,
        for a task, its id; read without decoding the entries."""
        try:
            return {rel: (at, ident) for rel, at, ident in json.loads(self.keys_text)}
        except (ValueError, TypeError):
            return {}

    @functools.cached_property
    def base_stubs(self) -> dict[str, list]:
        """Each file with an entry in index.json: its stat data and the stand-in's [id, round,
        number] peek_task would make of it (or None), read without decoding the entries."""
        try:
            stubs = json.loads(self.stubs_text)
        except ValueError:
            return {}
        ok = isinstance(stubs, list) and len(stubs) == len(self.base_keys)
        return dict(zip(self.base_keys, stubs)) if ok else {}

    @functools.cached_property
    def keys(self) -> dict[str, tuple[int | None, str | None]]:
        """Each file with an entry, as base_keys, the journal's entries (where, None: in the
        journal) in place of index.json's."""
        keys = {rel: found for rel, found in self.base_keys.items() if rel not in self.journal}
        for rel, record in self.journal.items():
            if record is not None:
                keys[rel] = (None, _task_id(record))
        return keys

    def stand_in_of(self, source):
        """The stand-in's [id, round, number] (None: the file gives none) the index holds for a
        task file found as it was recorded (its stat data, settled, as lookup trusts it), read
        from the stubs line without decoding its entry, whose record is then kept as it is;
        UNKNOWN when the index cannot tell. (`validate FILE` needs no more of the other
        30,000.)"""
        rel = source.rel
        if rel in self.journal:  # None there: the file was gone when the journal was written
            found = None if self.journal[rel] is None else _stub(self.journal[rel])
        else:
            found = self.base_stubs.get(rel)
        if not isinstance(found, list) or len(found) != 5 or source.stat is None:
            return UNKNOWN
        *stat, peek = found
        if not self._unchanged(stat, list(source.stat)):
            return UNKNOWN
        if peek is not None and not (isinstance(peek, list) and len(peek) == 3):
            return UNKNOWN
        self.kept.add(source.rel)
        return peek

    def record(self, rel: str) -> list | None:
        """The stored record of one file, decoded alone when the entries are not decoded yet
        (``show`` reads one task's entry, not 30,000)."""
        if "old" in self.__dict__ or "base" in self.__dict__:  # decoded (and files_text let go)
            return self.old.get(rel)
        if rel in self.journal:
            return self.journal[rel]
        if rel not in self.base_keys:
            return None
        found = self.__dict__.setdefault("_records", {})
        if rel not in found:
            try:
                value, _ = _DECODER.raw_decode(self.files_text, self.base_keys[rel][0])
            except (ValueError, TypeError):
                value = None
            ok = isinstance(value, list) and len(value) == 2 and value[0] == rel and isinstance(value[1], list)
            found[rel] = value[1] if ok and len(value[1]) == 6 else None
        return found[rel]

    def set_whole(self, whole: dict | None) -> None:
        if whole != self.whole:
            self.whole, self.changed = whole, True

    def set_selection(self, selection: dict | None) -> None:
        if selection != self.selection:
            self.selection, self.changed = selection, True

    def with_models(self, wanted: list[tuple]) -> list[dict | None]:
        """Each (rel, entry[, content hash]) with its model's JSON text, read from the models
        file at the line the entry names; None where that file does not hold rel's model for
        this content (the file is then loaded again). Nothing is decoded here
        (``stored.decode_entries`` decodes the models a run needs, together)."""
        out: list[dict | None] = [None] * len(wanted)
        for n, (rel, entry, *given) in enumerate(wanted):
            if "model" in entry or entry.get("m") is None:
                out[n] = entry if "model" in entry else {**entry, "model": None}
                continue
            line = self._model_line(entry["m"])
            digest = given[0] if given else (self.new.get(rel) or self.record(rel) or [None] * 5)[4]
            try:
                prefix = _line_prefix(rel, digest) if isinstance(digest, str) else None
                if line is not None and prefix is not None and line.startswith(prefix) and line.endswith(b"]"):
                    out[n] = {**entry, "model": line[len(prefix) : -1].decode("utf-8")}
            except UnicodeError:  # a name that is not UTF-8 has no line
                continue
        return out

    def models_ready(self) -> bool:
        """Whether the models file the index was written with is there and checks out."""
        if self.models is None:
            self.models = _read_models(self.key, self.root / FOLDER / MODELS, self.models_mac)
        return bool(self.models)

    def _model_line(self, offset) -> bytes | None:
        """The line at offset of the models file (read once, its signature checked, and the
        one the index was written with), without its line end; None when there is none."""
        if not self.models_ready() or not isinstance(offset, int) or not 0 < offset < len(self.models):
            return None
        if self.models[offset - 1] != ord("\n"):  # not the start of a line
            return None
        end = self.models.find(b"\n", offset)
        return None if end < 0 else self.models[offset:end]

    def _unchanged(self, recorded: list, now: list) -> bool:
        """Whether a file whose stat data are now is the one recorded, by its stat data alone:
        they are those recorded, and it last changed well before the index was written."""
        return recorded == now and max(now[1], now[2]) < self.stamp - RACY_NS

    def lookup(self, source) -> dict | None:
        """The stored entry of a file (a SourceFile) whose content is unchanged, else None. The
        stat discovery took (lstat of a regular file) is compared, saving a second one."""
        rel = source.rel
        record = self.record(rel)
        now = list(source.stat) if source.stat is not None else file_stat(source.path)
        if record is None or now is None or not self._same_day(record[5]):
            return None
        if self._unchanged(record[:4], now):
            self.new[rel] = record
            return record[5]
        raw = read_data_file(source.path)
        if raw is None or len(raw) != now[0] or content_hash(raw) != record[4]:
            return None
        self.remember(rel, now, record[4], record[5])
        return record[5]

    def _write_document(self, handle) -> None:
        """Write index.json to handle: a signature line, the head on a line of its own, the
        entries as a JSON array of [file, record], one a line, then a line of keys (where each
        starts, in characters of the decoded text, and for a task its id) and a line of stubs
        (each entry's stat data and stand-in, in the same order)."""
        self._written_mac = self._write_signed(handle, self._document_body(self._head()))

    def _head(self) -> dict:
        head = {"env": self.env, "stamp": self.started, "verdict": self.verdict, "models": self.models_mac}
        head["whole"], head["selection"] = self.whole, self.selection
        return head

    def _document_body(self, head: dict):
        """The pieces of index.json after its signature line. Entries this run found as the
        index had them are copied from the index's text (read again: it is not kept
        meanwhile), a run of neighbours at a time, not encoded again."""
        encode = json.JSONEncoder(ensure_ascii=False).encode
        yield encode(head).encode("utf-8") + b"\n["
        old_text, old = self._old_text(), self.__dict__.get("base", {})
        ends = self._old_ends(old_text) if old_text is not None else {}
        keys, stubs, at = [], [], 1  # at: where the next separator goes in the decoded text
        run: list | None = None  # [separator, old start, old end, new start] of neighbours copied together
        for n, (rel, record) in enumerate(self.new.items()):
            sep = "\n" if n == 0 else ",\n"
            copied = rel in ends and record is old.get(rel)
            start = self.base_keys[rel][0] if copied else None
            if run is not None and copied and start == run[2] + 2:  # the next one in the old text too
                keys.append([rel, run[3] + start - run[1], _task_id(record)])
                stubs.append(_stub(record))
                run[2] = ends[rel]
                continue
            if run is not None:
                yield (run[0] + old_text[run[1] : run[2]]).encode("utf-8")
                at += len(run[0]) + run[2] - run[1]
                run = None
            if copied and old_text.startswith(f"[{_quoted(rel)}, ", start):
                run = [sep, start, ends[rel], at + len(sep)]
                keys.append([rel, at + len(sep), _task_id(record)])
                stubs.append(_stub(record))
                continue
            line = sep + encode([rel, [*record[:5], self._meta(rel, record[5])]])
            keys.append([rel, at + len(sep), _task_id(record)])
            stubs.append(_stub(record))
            at += len(line)
            yield line.encode("utf-8")
        if run is not None:
            yield (run[0] + old_text[run[1] : run[2]]).encode("utf-8")
        yield b"\n]\n" + encode(keys).encode("utf-8")
        yield b"\n" + encode(stubs).encode("utf-8")
        self._written = keys, stubs

    def _old_ends(self, old_text: str) -> dict[str, int]:
        """Where each entry of the old text ends: where the next one starts, less its ",\\n"
        (the last: before the closing "\\n]")."""
        starts = [(rel, at) for rel, (at, _) in self.base_keys.items()]
        ends = {rel: following - 2 for (rel, _), (_, following) in zip(starts, starts[1:])}
        if starts:
            ends[starts[-1][0]] = len(old_text) - 2
        return ends

    def _old_text(self) -> str | None:
        """The entries' text of the index.json this run read, when entries were decoded from
        it and the file on disk is still that one (its signature is the one read); else None."""
        if "base" not in self.__dict__ or self.base_mac is None:
            return None
        found = _read_document(self.key, self.path, self.env)
        if found is None or found[2] != self.base_mac:
            return None
        return _split_body(found[1])[0]

    def _write_signed(self, handle, pieces) -> str:
        """Write a signature line, then the pieces, signing them as they go (a large index is
        never held as one buffer); the signature, written over the first line at the end."""
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        handle.write(b"0" * 64 + b"\n")
        buffer = bytearray()  # small pieces go out a megabyte at a time
        for piece in itertools.chain(pieces, [None]):
            if piece is None or len(buffer) + len(piece) >= 1 << 20:
                mac.update(buffer)
                handle.write(buffer)
                buffer.clear()
            if piece is not None and len(piece) >= 1 << 20:
                mac.update(piece)
                handle.write(piece)
            elif piece is not None:
                buffer += piece
        signature = mac.hexdigest().encode("ascii")
        handle.seek(0)
        handle.write(signature)
        return signature.decode("ascii")

    def _meta(self, rel: str, entry: dict) -> dict:
        """What index.json keeps of an entry: all but the model, and where the models file has
        it ("m": its line's offset; None: the file gave no model)."""
        if "model" not in entry:
            return entry
        meta = {name: value for name, value in entry.items() if name != "model"}
        meta["m"] = None if entry["model"] is None else self.offsets[rel]
        return meta

    def _write_models(self, handle) -> None:
        """Write the models file to handle, signing it as it goes (30,000 models are never
        held as one buffer): a signature line, then one line per model, [file, content hash,
        model]; each entry learns its line's offset (self.offsets)."""
        signature = self._write_signed(handle, self._models_body())
        # the entries now point into this file: a run that needs a model or saves again
        # reads it back (the old file is forgotten, and this one is not held)
        self.models_mac, self.models = signature, None

    def _models_body(self):
        """The models file after its signature line, in pieces. A few new models are
        appended to the file this index was read with (its lines stay where the entries say:
        one edit does not rewrite 30,000 models); the file is written anew with only the
        lines in use when it has as many unused, or cannot be used. Then a model the old file
        no longer gives (damaged, replaced meanwhile) drops its entry: that file is read
        again. An entry whose model is written no longer holds its text."""
        fresh = [(rel, record) for rel, record in self.new.items() if record[5].get("model") is not None]
        kept = sum(1 for record in self.new.values() if "model" not in record[5] and record[5].get("m") is not None)
        at = 65  # where the next piece starts in the file
        if self.models_ready() and self.models.count(b"\n") - 1 <= 2 * kept + MODELS_SLACK:
            with memoryview(self.models) as view:
                yield view[65:]
            at = len(self.models)
            for rel, record in fresh:
                line = _model_text_line(rel, record[4], record[5]["model"])
                self.offsets[rel], at = at, at + len(line)
                record[5] = self._meta(rel, record[5])
                yield line
            return
        for rel, record in list(self.new.items()):
            entry = record[5]
            if "model" in entry:
                if entry["model"] is None:
                    record[5] = self._meta(rel, entry)
                    continue
                line = _model_text_line(rel, record[4], entry["model"])
            elif entry.get("m") is not None:
                line = self._model_line(entry["m"])
                if line is None or not line.startswith(_line_prefix(rel, record[4])):
                    del self.new[rel]
                    continue
                line += b"\n"
            else:
                continue
            self.offsets[rel], at = at, at + len(line)
            # a new record, not the old one changed: save copies unchanged old records as they were
            entry = self._meta(rel, entry) if "model" in entry else {**entry, "m": self.offsets[rel]}
            self.new[rel] = [*record[:5], entry]
            yield line

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
        if self.key is None or self.foreign or ("old" not in self.__dict__ and not self.new):
            return  # no entry was looked at (a run that found everything as it was): nothing to write
        if not (self.changed or self.new.keys() | self.kept != self.keys.keys()):
            return
        folder = self.root / FOLDER
        try:
            if not folder.exists():
                folder.mkdir()
                write_atomic(folder / ".gitignore", b"# dufu's index of this repository: never commit it\n*\n")
            if folder.is_symlink() or not folder.is_dir() or any((folder / n).is_symlink() for n in (MODELS, NAME, JOURNAL)):
                return
            journal = self._changes()
            if journal is not None:  # a few changes: the journal alone is written
                write_atomic(folder / JOURNAL, functools.partial(self._write_journal, journal))
                self._as_journaled(journal)
                return
            for rel in sorted(self.kept - self.new.keys()):  # written whole: kept records too
                if rel in self.old:
                    self.new[rel] = self.old[rel]
            if any("model" in record[5] for record in self.new.values()):  # new models: their file first
                write_atomic(folder / MODELS, self._write_models)
            write_atomic(self.path, self._write_document)
        except (OSError, DufuError, ValueError):  # ValueError: text json cannot write as UTF-8
            return
        self._as_written()
        try:
            (folder / JOURNAL).unlink(missing_ok=True)  # it extends the index.json just replaced
        except OSError:
            pass

    def _changes(self) -> dict[str, list | None] | None:
        """What the journal would hold: each entry of this run that is not index.json's (None
        for a file index.json has and this run has not); None when index.json is to be
        written whole (there is none, or too many changes)."""
        if self.base_mac is None or not self.base_keys:
            return None
        base = self.__dict__.get("base")  # when not decoded: the records decoded alone (record)
        if base is None:
            base = {rel: r for rel, r in self.__dict__.get("_records", {}).items() if rel not in self.journal}
        kept = self.kept - self.new.keys()
        changes = {rel: None for rel in self.base_keys if rel not in self.new and rel not in kept}
        changes.update((rel, self.journal[rel]) for rel in kept if rel in self.journal)
        for rel, record in self.new.items():
            if base.get(rel) is not record:
                changes[rel] = record
                if len(changes) > JOURNAL_MAX:
                    return None
        return changes if len(changes) <= JOURNAL_MAX else None

    def _write_journal(self, changes: dict, handle) -> None:
        """Write the journal to handle: a signature line, then the JSON of the index.json it
        extends (its signature), the head and the changed entries, models in them."""
        body = {"base": self.base_mac, "head": self._head(), "entries": list(changes.items())}
        self._write_signed(handle, [json.dumps(body, ensure_ascii=False).encode("utf-8")])

    def _as_journaled(self, changes: dict) -> None:
        """After the journal was written: the index is index.json with these changes."""
        self.journal = changes
        if self.kept:  # old, when asked for again, is index.json with these changes
            self.__dict__.pop("old", None)
        else:
            self.__dict__["old"] = dict(self.new)
        self.__dict__.pop("keys", None)
        self.stamp, self.changed = self.started, False

    def _as_written(self) -> None:
        """After index.json was written whole, the index is the one just written, as
        open_index would read it back: a second save in the same run copies its entries and
        writes only what changed since."""
        self.__dict__["base"] = self.__dict__["old"] = dict(self.new)
        keys, stubs = self.__dict__.pop("_written")
        self.__dict__["base_keys"] = {rel: (at, ident) for rel, at, ident in keys}
        self.__dict__["base_stubs"] = dict(zip(self.base_keys, stubs))
        self.kept = set()  # index.json now holds their records as new does
        self.__dict__.pop("keys", None)
        self.base_mac, self.journal = self.__dict__.pop("_written_mac"), {}
        self.files_text, self.stamp, self.changed = "", self.started, False


def _line_prefix(rel: str, digest: str) -> bytes:
    """How a line of the models file starts: the line is the JSON of [rel, digest, model]
    (json.dumps([rel, digest], ensure_ascii=False)[:-1] + ", ", without its generality)."""
    return f"[{_quoted(rel)}, {_quoted(digest)}, ".encode("utf-8")


def _model_text_line(rel: str, digest: str, model: str) -> bytes:
    """The models file's line, with its line end, for a model's JSON text."""
    return _line_prefix(rel, digest) + model.encode("utf-8") + b"]\n"


_quoted = json.encoder.encode_basestring  # a str as JSON writes it (ensure_ascii=False)
_DECODER = json.JSONDecoder()


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
    found = _read_document(index.key, index.path, index.env) if own_folder(root) else None
    if found is None:
        return index
    head, body, index.base_mac = found
    index.files_text, index.keys_text, index.stubs_text = _split_body(body)
    index.stamp = head["stamp"]
    journal = _read_journal(index.key, root / FOLDER / JOURNAL, index.env, index.base_mac)
    if journal is not None:
        head, index.journal = journal
        index.stamp = head["stamp"]
    index.models_mac = head.get("models") if isinstance(head.get("models"), str) else None
    verdict, whole, selection = head.get("verdict"), head.get("whole"), head.get("selection")
    index.verdict = verdict if isinstance(verdict, dict) else None
    index.whole = whole if isinstance(whole, dict) else None
    index.selection = selection if isinstance(selection, dict) else None
    return index


def _read_document(key: bytes | None, path: Path, env: dict) -> tuple[dict, str, str] | None:
    """A signed index's head, the text of its entries (decoded when needed) and its
    signature, or None when it is missing, damaged, signed by someone else or made for
    another environment."""
    raw = None if key is None else _read_regular(path, MAX_INDEX_BYTES)
    if raw is None:
        return None
    text = _verified(key, raw)
    mac = raw[:64].decode("ascii", "replace")
    del raw  # the bytes are not kept alongside the text
    head_text, _, files_text = (text or "").partition("\n")
    try:
        head = json.loads(head_text) if text is not None else None
    except ValueError:
        return None
    if not _head_ok(head, env):
        return None
    return head, files_text, mac


def _split_body(body: str) -> tuple[str, str, str]:
    """index.json after its head line: the entries' text, the keys line, the stubs line."""
    rest, _, stubs = body.rpartition("\n")
    files, _, keys = rest.rpartition("\n")
    return files, keys, stubs


def _head_ok(head, env: dict) -> bool:
    return isinstance(head, dict) and head.get("env") == env and isinstance(head.get("stamp"), int)


def _read_journal(key: bytes | None, path: Path, env: dict, base: str) -> tuple[dict, dict] | None:
    """The journal's head and changed entries, when it extends the index.json read (its
    signature is base) and checks out; else None (index.json alone is then the index)."""
    raw = None if key is None else _read_regular(path, MAX_INDEX_BYTES)
    text = None if raw is None else _verified(key, raw)
    try:
        body = json.loads(text) if text is not None else None
        if not isinstance(body, dict) or body.get("base") != base or not _head_ok(body.get("head"), env):
            return None
        entries = dict(body["entries"])
    except (ValueError, TypeError, KeyError):
        return None
    if any(record is not None and not (isinstance(record, list) and len(record) == 6) for record in entries.values()):
        return None
    return body["head"], entries


def _task_id(record: list) -> str | None:
    """The task id an entry's key holds (None for another record, or a file that gave none)."""
    key = record[5].get("k") if isinstance(record[5], dict) else None
    return key[0] if isinstance(key, list) and key else None


def _stub(record: list) -> list:
    """What the stubs line holds of a record: its stat data and its stand-in's [id, round,
    number] (None: none)."""
    return [*record[:4], record[5].get("peek") if isinstance(record[5], dict) else None]


def _read_models(key: bytes | None, path: Path, expected: str | None) -> bytes:
    """The models file when it is the one the index was written with and its signature
    checks; else empty (every model is then missing, and its file read again)."""
    usable = key is not None and expected is not None and own_folder(path.parent.parent)
    raw = _read_regular(path, MAX_INDEX_BYTES) if usable else None
    if raw is None or raw[:64].decode("ascii", "replace") != expected or raw[64:65] != b"\n":
        return b""
    with memoryview(raw) as view:
        if not hmac.compare_digest(_mac(key, view[65:]), raw[:64]):
            return b""
    return raw
