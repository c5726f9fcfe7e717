"""Whether the index vouches for the whole repository as it is now: every data file unchanged
since it was last validated whole, the same files misplaced or refused, the same templates.
Then the problems are known without reading a file or a model (``open_warm``), and the
commands that need data read the models they use from the index (``indexed.warm_dataset``).

Only light modules are imported here: a warm ``dufu validate`` never imports pydantic.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import index as index_module
from .collector import gc_paused
from .files import walk_files
from .index import Index, content_hash, open_index
from .problems import Problem, decode_problem, encode_problem
from .sources import TEMPLATES_DIR, SourceFile, discover, misplaced_problem


@dataclass
class Warm:
    """What open_warm found: the sources, the index, and the problems of the whole repository
    when the index vouches for all of it (else None). entries: each data file's current entry
    (by its position in sources; None where the file changed), looked up when first asked for."""

    sources: list[SourceFile]
    index: Index
    templates: list  # the templates' stat data, as open_warm found them with the sources
    tree: str  # the hash of both (_tree): what the index's head vouches for
    problems: list[Problem] | None = None
    vouched: bool = False  # found by the stat data of the whole repository: every entry holds
    selected: list[Problem] | None = None  # the problems of the files named (only), when the index vouches for them
    loaded: bool = False  # load_indexed ran: files were read again, as they are now, not as open_warm found them
    _entries: dict[int, dict | None] | None = None

    @property
    def entries(self) -> dict[int, dict | None]:
        if self._entries is None:
            with gc_paused():
                if self.vouched:  # as lookup finds them, without comparing stat data again
                    old, new = self.index.old, self.index.new
                    self._entries = {}
                    for i, source in enumerate(self.sources):
                        if source.kind is not None:
                            record = old.get(source.rel)
                            self._entries[i] = None if record is None else record[5]
                            if record is not None:
                                new[source.rel] = record
                else:
                    self.index.old  # every entry decoded at once: lookup then finds each there
                    self._entries = {i: self.index.lookup(s) for i, s in enumerate(self.sources) if s.kind is not None}
        return self._entries

    def entry(self, i: int) -> dict | None:
        """The current entry of sources[i], found alone until every entry is asked for: where
        the index vouches for every file, decoded alone, else looked up alone."""
        if self._entries is not None:
            return self._entries.get(i)
        if self.sources[i].kind is None:  # a misplaced file has no entry
            return None
        if self.vouched:
            record = self.index.record(self.sources[i].rel)
            return None if record is None else record[5]
        return self.index.lookup(self.sources[i])

    def task_ids(self) -> dict[int, str] | None:
        """The id in each task file's entry, by position in sources (None where the index
        cannot say without decoding every entry)."""
        if self._entries is not None or not self.vouched:
            return None
        keys = self.index.keys
        out = {}
        for i, source in enumerate(self.sources):
            if source.kind == "task":
                found = keys.get(source.rel)
                if found is None or found[1] is None:
                    return None
                out[i] = found[1]
        return out


def open_warm(root: Path, today: date, only: set[str] | None = None) -> Warm:
    """The repository as the index knows it. Two ways to find it unchanged: the stat data of
    every file (and of the templates) is what it was when the index last vouched for the
    whole repository — its problems are then read from the index's head, no entry decoded
    (git's index does the same with stat data) —, or, file by file, each entry is current
    (racy files hashed again) and the verdict of the checks across files is for these
    contents. only: the files `validate FILE…` names; when the stat data of every file is
    what it was when the same files were last validated, their problems are read from the
    head too (warm.selected); else nothing more is looked at here (load_indexed looks up the
    files named, and takes the other task files' stand-ins from the stubs line)."""
    with gc_paused():
        return _open_warm(root, today, only)


def _open_warm(root: Path, today: date, only: set[str] | None) -> Warm:
    sources = discover(root)
    index = open_index(root, today)
    templates = _templates_state(root)
    tree = _tree(sources, templates)
    warm = Warm(sources, index, templates, tree)
    picked = index.selection
    if only is not None and _holds(picked, tree, index.today) and picked.get("only") == sorted(only):
        warm.selected = [decode_problem(p) for p in picked["problems"]]
        return warm
    whole = index.whole
    if only is not None:  # load_indexed looks up the files named, the others' stand-ins in the stubs line
        if not _holds(whole, tree, index.today):
            index.set_whole(None)
        return warm
    if _holds(whole, tree, index.today):
        warm.problems = [decode_problem(p) for p in whole["problems"]]
        warm.vouched = True
        return warm
    index.set_whole(None)  # stands again only if every file is found as it was
    entries = warm.entries
    if index.verdict is None:
        return warm
    if any(e is None or e.get("partial") for e in entries.values()):
        if not _refreshed(root, today, warm):  # the verdict then stands for these contents
            return warm
    elif verdict_key(sources, index, templates) != index.verdict.get("key"):
        return warm
    problems = []
    for i, source in enumerate(sources):
        if source.kind is None:
            problems.append(misplaced_problem(source))
        else:
            problems.extend(decode_problem(p) for p in entries[i]["problems"])
    problems.extend(decode_problem(p) for p in index.verdict["cross"])
    warm.problems = problems
    index.set_whole(_vouched(warm, problems, index.new.values()))
    index.save()  # racy files hashed again are now settled, and the whole repository vouched for
    return warm


REFRESH_MAX = 64  # changed task files re-checked alone, at most


def _refreshed(root: Path, today: date, warm: Warm) -> bool:
    """When a few task files changed since the verdict and nothing else did: load them (their
    entries then current) and, if each keeps its id, round and number and its facts for the
    checks across files (``checks.cross_facts``), keep the verdict's problems for the new
    contents, without reading every task's model. False when that cannot be told: the
    whole repository is then checked."""
    index, sources, templates = warm.index, warm.sources, warm.templates
    changed = [i for i, e in warm.entries.items() if e is None or e.get("partial")]
    if len(changed) > REFRESH_MAX or any(sources[i].kind != "task" for i in changed):
        return False
    old = {sources[i].rel: index.old.get(sources[i].rel) for i in changed}
    if any(r is None or r[5].get("partial") or not r[5].get("k") or not _has_model(r[5]) for r in old.values()):
        return False
    if any(problem[0] in old for problem in index.verdict.get("cross", [])):
        return False  # its position in the file may have moved
    if verdict_key(sources, index, templates, {rel: r[4] for rel, r in old.items()}) != index.verdict.get("key"):
        return False  # something else changed too
    from .indexed import refresh_tasks

    if not refresh_tasks(root, today, warm, changed, old):
        return False
    index.set_verdict({**index.verdict, "key": verdict_key(sources, index, templates)})
    return True


def _has_model(entry: dict) -> bool:
    """Whether an entry has a model: in the models file (at line "m") or, in the journal, in it."""
    return entry.get("m") is not None or entry.get("model") is not None


def record_verdict(warm: Warm, file_problems: list[Problem], cross: list[Problem]) -> None:
    """Record in the index what the whole repository, just loaded (every file in index.new)
    and checked, gave: the verdict of the checks across files (cross) and, for the stat data
    open_warm found, all its problems."""
    index = warm.index
    key = verdict_key(warm.sources, index, warm.templates)
    index.set_verdict(None if key is None else {"key": key, "cross": [encode_problem(p) for p in cross]})
    if key is not None:
        index.set_whole(_vouched(warm, [*file_problems, *cross], index.new.values()))


def record_selection(warm: Warm, only: set[str], problems: list[Problem]) -> None:
    """Record in the index's head what validating only these files (just loaded and checked)
    gave, for the stat data open_warm found: the same files named again with nothing changed
    are answered by open_warm. Nothing is recorded while a file is racy, or when a named
    file has no entry."""
    index = warm.index
    records = [index.new.get(rel) for rel in sorted(only)]
    if any(record is None or record[5].get("partial") for record in records):
        return
    selected = _vouched(warm, [p for p in problems if p.path in only], records)
    if selected is not None:
        index.set_selection({**selected, "only": sorted(only)})


def _settled(index: Index, sources: list[SourceFile], templates: list) -> bool:
    """Whether no file nor template changed too close to now for its stat data to be trusted."""
    limit = index.started - index_module.RACY_NS
    if any(max(s.stat[1], s.stat[2]) >= limit for s in sources if s.stat is not None):
        return False
    return all(max(mtime, ctime) < limit for _rel, _mode, _size, mtime, ctime, _inode in templates)


def _walk_failed(sources: list[SourceFile]) -> bool:
    """Whether discovery could not look into a folder (E100): what the folder holds was not
    seen, so the index vouches for nothing found by that walk; the run reports it as it is."""
    return any(s.refused is not None and s.refused[0] == "E100" for s in sources)


def _tree(sources: list[SourceFile], templates: list) -> str:
    """A hash of what discovery found: every file's path, kind, refusal and stat data (size,
    mtime, ctime, inode), and the templates' stat data."""
    lines = [f"{rel}\0{kind}\0{refused}\0{stat}" for _root, rel, kind, refused, stat in sources]
    lines.append(json.dumps(templates, ensure_ascii=False))
    return content_hash("\n".join(lines).encode("utf-8", "surrogateescape"))


def _vouched(warm: Warm, problems: list[Problem], records) -> dict | None:
    """What the index's head keeps of problems found for the stat data open_warm found (the
    whole repository's, or those of the files `validate FILE…` named): the hash of that stat
    data, the problems, the day they are for and the latest date the records of the files
    they come from state (problems that compare dates with today hold on another day only
    when no file states a later date). None when a file changed too close to now for its
    stat data to be trusted."""
    index = warm.index
    if _walk_failed(warm.sources) or not _settled(index, warm.sources, warm.templates):
        return None
    return {
        "tree": warm.tree,
        "problems": [encode_problem(p) for p in problems],
        "day": index.today,
        "latest": _latest(records),
    }


def _latest(records) -> str | None:
    """The latest date the entries of these records state (see Index._same_day)."""
    days = [record[5]["latest"] for record in records if record[5].get("latest")]
    return max(days) if days else None


def _holds(vouched: dict | None, tree: str, today: str) -> bool:
    """Whether what _vouched recorded holds now: for the same stat data, and on this day."""
    return vouched is not None and vouched.get("tree") == tree and _same_day(vouched, today)


def _same_day(whole: dict, today: str) -> bool:
    """As Index._same_day, for what _vouched recorded."""
    latest = whole.get("latest")
    return whole.get("day") == today or latest is None or latest <= min(whole.get("day") or "", today)


def verdict_key(sources: list[SourceFile], index: Index, templates: list, digests: dict | None = None) -> str | None:
    """What the cross-file checks of the whole repository depend on: every data file's content
    (by its hash in the index, or in digests), the misplaced and refused files, and the files
    under templates/ (a bulletin's template must exist). None when a file has no hash, or
    when a folder could not be looked into."""
    if _walk_failed(sources):
        return None
    state = []
    new, digests = index.new, digests or {}
    for _root, rel, kind, refused, _stat in sources:
        if rel in digests:
            digest = digests[rel]
        elif kind is None:
            digest = None
        elif (record := new.get(rel)) is not None:
            digest = record[4]
        else:
            return None
        state.append(f"{rel}\0{kind}\0{refused}\0{digest}")
    state.append(json.dumps(templates, ensure_ascii=False))
    return content_hash("\n".join(state).encode("utf-8", "surrogateescape"))


def _templates_state(root: Path) -> list:
    """Every file under templates/ with its stat data, the link itself for a symlink: mode,
    size, mtime, ctime and inode (a template moved away and back keeps the first three)."""
    out = []
    for path, info in walk_files(root / TEMPLATES_DIR):
        rel = os.path.relpath(path, root)
        out.append([rel, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino])
    return sorted(out)
