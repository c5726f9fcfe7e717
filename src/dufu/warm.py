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

from .collector import gc_paused
from .index import Index, content_hash, open_index
from .problems import Problem, decode_problem
from .sources import TEMPLATES_DIR, SourceFile, discover, misplaced_problem


@dataclass
class Warm:
    """What open_warm found: the sources, the index, each data file's current entry (by its
    position in sources; missing where the file changed), and the problems of the whole
    repository when the index vouches for all of it (else None)."""

    sources: list[SourceFile]
    index: Index
    entries: dict[int, dict]
    problems: list[Problem] | None


def open_warm(root: Path, today: date) -> Warm:
    with gc_paused():
        return _open_warm(root, today)


def _open_warm(root: Path, today: date) -> Warm:
    sources = discover(root)
    index = open_index(root, today)
    entries = {i: index.lookup(s) for i, s in enumerate(sources) if s.kind is not None}
    warm = Warm(sources, index, entries, None)
    if index.verdict is None or any(e is None or e.get("partial") for e in entries.values()):
        return warm
    if verdict_key(root, sources, index) != index.verdict.get("key"):
        return warm
    problems = []
    for i, source in enumerate(sources):
        if source.kind is None:
            problems.append(misplaced_problem(source))
        else:
            problems.extend(decode_problem(p) for p in entries[i]["problems"])
    problems.extend(decode_problem(p) for p in index.verdict["cross"])
    warm.problems = problems
    index.save()  # racy files hashed again are now settled
    return warm


def verdict_key(root: Path, sources: list[SourceFile], index: Index) -> str | None:
    """What the cross-file checks of the whole repository depend on: every data file's content
    (by its hash in the index), the misplaced and refused files, and the files under
    templates/ (a bulletin's template must exist). None when a file has no hash."""
    state = []
    new = index.new
    for _root, rel, kind, refused, _stat in sources:
        record = new.get(rel) if kind is not None else None
        if kind is not None and record is None:
            return None
        state.append(f"{rel}\0{kind}\0{refused}\0{record[4] if record else None}")
    state.append(json.dumps(_templates_state(root), ensure_ascii=False))
    return content_hash("\n".join(state).encode("utf-8", "surrogateescape"))


def _templates_state(root: Path) -> list:
    out = []
    for folder, dirs, files in os.walk(root / TEMPLATES_DIR):
        dirs.sort()
        for name in sorted(files):
            try:
                info = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            out.append([os.path.relpath(os.path.join(folder, name), root), info.st_mode, info.st_size, info.st_mtime_ns])
    return out
