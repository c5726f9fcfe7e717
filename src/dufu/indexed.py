"""Loading through the index: unchanged files come from ``.dufu/index.json``, the others are
loaded as ``repo.load_repository`` loads them, and the index is brought up to date.

The Dataset built here is the one ``load_repository`` builds, except that tasks taken from
the index carry no progress prose; ``with_text`` loads it for the few tasks a command prints.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from .dataset import Dataset, build_dataset
from .index import Index, content_hash, file_stat, open_index, read_data_file
from .load import LoadedFile, LoadOptions, _load_one, _parse, _validate, gc_paused, load_all
from .models import Task
from .peek import peek_task, peek_text, task_stub
from .problems import DufuError, Problem
from .sources import TEMPLATES_DIR, SourceFile, discover, misplaced_problem
from .stored import decode_entry, decode_problem, decode_stub, encode_entry, peek_entry
from .units import UnitRegistry


def load_indexed(
    root: Path, today: date, only: set[str] | None = None, opened: tuple[list[SourceFile], Index] | None = None
) -> tuple[Dataset, Index, list[SourceFile]]:
    """What load_repository(root, today, only, keep_text=False) gives, reading only changed
    files; with the index (to be saved by the caller, once it has the verdict) and the sources.
    opened: the sources and index warm_problems found, when it could not answer."""
    sources, index = opened or (discover(root), open_index(root, today))
    entries = {i: index.lookup(s.rel, s.path, s.stat) for i, s in enumerate(sources) if s.kind is not None}
    loaded: list[LoadedFile | None] = [None] * len(sources)
    units = None
    units_index = next((i for i, s in enumerate(sources) if s.kind == "units"), None)
    if units_index is not None:
        loaded[units_index] = _load_some(index, sources, [units_index], entries, LoadOptions(root, today, None))[0]
        if loaded[units_index].model is not None:
            units = UnitRegistry(loaded[units_index].model.units)
    peeked = set()
    if only is not None and all(s.kind == "task" for s in sources if s.rel in only):
        peeked = _peek_others(index, sources, only, entries, loaded, today)
    todo = [i for i, item in enumerate(loaded) if item is None]
    options = LoadOptions(root, today, units, keep_text=False)  # with_text loads prose where needed
    for i, item in zip(todo, _load_some(index, sources, todo, entries, options), strict=True):
        loaded[i] = item
    data = build_dataset(root, loaded)
    data.files = len(sources)
    data.peeked = peeked
    return data, index, sources


def verdict_key(root: Path, sources: list[SourceFile], index: Index) -> str | None:
    """What the cross-file checks of the whole repository depend on: every data file's content
    (by its hash in the index), the misplaced and refused files, and the files under
    templates/ (a bulletin's template must exist). None when a file has no hash."""
    state = []
    for source in sources:
        record = index.new.get(source.rel) if source.kind is not None else None
        if source.kind is not None and record is None:
            return None
        state.append([source.rel, source.kind, source.refused, record[4] if record else None])
    return content_hash(json.dumps([state, _templates_state(root)], ensure_ascii=False).encode("utf-8"))


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


def warm_problems(root: Path, today: date) -> tuple[list[Problem] | None, tuple[list[SourceFile], Index]]:
    """The problems of the whole repository straight from the index, when no data file changed
    since it was last validated whole (no model read); else None, with the sources and index
    found on the way (for load_indexed)."""
    sources = discover(root)
    index = open_index(root, today)
    opened = (sources, index)
    if index.verdict is None:
        return None, opened
    problems = []
    for source in sources:
        if source.kind is None:
            problems.append(misplaced_problem(source))
            continue
        entry = index.lookup(source.rel, source.path, source.stat)
        if entry is None or entry.get("partial"):
            return None, opened
        problems.extend(decode_problem(p) for p in entry["problems"])
    if verdict_key(root, sources, index) != index.verdict.get("key"):
        return None, opened
    problems.extend(decode_problem(p) for p in index.verdict["cross"])
    index.save()
    return problems, opened


def _peek_others(index: Index, sources, only: set[str], entries: dict, loaded: list, today: date) -> set[str]:
    """Stand-ins for the task files not named (as load_repository makes them), from the index
    where it has them; a file peeked at anew gets a partial entry, good for peeking only."""
    peeked = set()
    for i, source in enumerate(sources):
        if source.kind != "task" or source.rel in only:
            continue
        if entries.get(i) is not None:
            stub = decode_stub(entries[i])
        else:
            stat, raw = file_stat(source.path), read_data_file(source.path)
            if raw is None or stat is None or len(raw) != stat[0]:
                stub = peek_task(source)
            else:
                stub = task_stub(peek_text(raw.decode("utf-8", "replace")))
                index.remember(source.rel, stat, content_hash(raw), peek_entry(stub, today))
        if stub is not None:
            loaded[i] = LoadedFile(source, stub, ())
            peeked.add(source.rel)
    return peeked


def _load_some(index: Index, sources: list[SourceFile], chosen: list[int], entries: dict, options) -> list[LoadedFile]:
    """The chosen files: from their entries where the index had them, else loaded (and their
    new entries remembered)."""
    out: dict[int, LoadedFile] = {}
    misses = []
    for i in chosen:
        entry = entries.get(i)
        full = None if entry is None or entry.get("partial") else index.with_model(sources[i].rel, entry)
        if full is not None:
            out[i] = decode_entry(sources[i], full)
        else:
            misses.append(i)
    for i, (item, stat, digest, entry) in zip(
        misses, load_all([sources[i] for i in misses], options, _load_keyed), strict=True
    ):
        out[i] = decode_entry(sources[i], entry) if item is None else item
        index.remember(sources[i].rel, stat, digest, entry)
    return [out[i] for i in chosen]


def _load_keyed(sources: list[SourceFile], options: LoadOptions) -> list[tuple]:
    """Load each file (in a worker process) and make its index entry: (the loaded file, or
    None when the entry holds it; stat; content hash; entry or None)."""
    out = []
    for source in sources:
        # stat, then the bytes, before loading: a file changed meanwhile gets no entry or a
        # stale hash, never a result that passes for newer than it is
        stat, raw = file_stat(source.path), read_data_file(source.path)
        item = _load_one(source, options)
        entry = None
        if raw is not None and source.kind is not None and stat is not None and len(raw) == stat[0]:
            stub = task_stub(peek_text(raw.decode("utf-8", "replace"))) if source.kind == "task" else None
            entry = encode_entry(item, stub, options.today)
        digest = None if entry is None else content_hash(raw)
        light = entry is not None and not options.keep_text
        out.append((None if light else item, stat, digest, entry))
    return out


def with_text(data: Dataset, tasks: list[Task]) -> list[Task]:
    """The given tasks with their progress prose, loaded again from their files where the index
    left it out (over all cores when there are many); the dataset then holds the full tasks."""
    light = [task for task in tasks if task.target == ""]  # a required text: only the index's lack it
    sources = [SourceFile(data.root / data.where(task), data.where(task), "task") for task in light]
    with gc_paused():
        full = dict(zip(map(id, light), load_all(sources, None, _read_chunk), strict=True))
    out = []
    for task in tasks:
        model = full.get(id(task), task)
        if model is None or model.id != task.id:  # changed since it was checked a moment ago
            raise DufuError(f"{data.where(task)} 在读取期间被修改,请重新运行")
        if model is not task:
            if data.tasks.get(task.id) is task:
                data.tasks[task.id] = model
            data.origin[id(model)] = data.where(task)
            data._by_round = None
            task = model
        out.append(task)
    return out


def _read_chunk(sources: list[SourceFile], options) -> list[Task | None]:
    """Each file's model, parsed and validated (its checks already ran); None if it fails."""
    out = []
    for source in sources:
        parsed, problems, _ = _parse(source)
        out.append(None if problems else _validate(source, parsed).model)
    return out
