"""Loading through the index: unchanged files come from ``.dufu/index.json``, the others are
loaded as ``repo.load_repository`` loads them, and the index is brought up to date.

The Dataset built here is the one ``load_repository`` builds, except that tasks taken from
the index carry no progress prose; ``with_text`` loads it for the few tasks a command prints.
"""

from __future__ import annotations

import functools
from collections.abc import MutableMapping
from datetime import date
from pathlib import Path

from .dataset import Dataset, build_dataset
from .index import UNKNOWN, Index, content_hash, file_stat, read_data_file
from .load import LoadedFile, LoadOptions, _load_one, _parse, _validate, gc_paused, load_all
from .models import Task
from .peek import peek_task, peek_text, stand_in, task_stub
from .problems import DufuError
from .sources import SourceFile
from .stored import decode_entries, decode_stub, encode_entry, peek_entry
from .units import UnitRegistry
from .warm import Warm


def load_indexed(root: Path, today: date, only: set[str] | None, warm: Warm) -> Dataset:
    """What load_repository(root, today, only, keep_text=False) gives, reading only changed
    files (warm: what open_warm found); the new entries go into warm.index, which the caller
    saves once it has the verdict."""
    sources, index = warm.sources, warm.index
    warm.loaded = True
    loaded: list[LoadedFile | None] = [None] * len(sources)
    units = _load_units(root, today, warm, loaded)
    peeked = set()
    if only is not None and all(s.kind == "task" for s in sources if s.rel in only):
        peeked = _peek_others(index, sources, only, loaded, today)
    todo = [i for i, item in enumerate(loaded) if item is None]
    entries = {i: warm.entry(i) for i in todo} if peeked else warm.entries
    options = LoadOptions(root, today, units, keep_text=False)  # with_text loads prose where needed
    for i, item in zip(todo, _load_some(index, sources, todo, entries, options), strict=True):
        loaded[i] = item
    data = build_dataset(root, loaded)
    data.files = len(sources)
    data.peeked = peeked
    data.digest = _digests(index, vouched=False)
    return data


def _digests(index: Index, vouched: bool):
    """Dataset.digest for a dataset made from the index: the hash in each file's current
    record. Those are the ones this run looked up or made (index.new) or, where the index
    vouched for the whole repository, every one it holds."""

    def digest(rel: str) -> str | None:
        record = index.new.get(rel) or (index.record(rel) if vouched else None)
        return None if record is None else record[4]

    return digest


def _load_units(root: Path, today: date, warm: Warm, loaded: list) -> UnitRegistry | None:
    """The units registry (loaded[its position] filled), which the other files' checks use."""
    i = next((i for i, s in enumerate(warm.sources) if s.kind == "units"), None)
    if i is None:
        return None
    loaded[i] = _load_some(warm.index, warm.sources, [i], {i: warm.entry(i)}, LoadOptions(root, today, None))[0]
    rel = warm.sources[i].rel
    record = warm.index.new.get(rel) or (warm.index.record(rel) if warm.vouched else None)
    if record is None or record[4] != warm.index.env["units"]:  # rewritten since open_index read it
        warm.index.foreign = True  # entries checked with this registry must not pass for the other's
    return None if loaded[i].model is None else UnitRegistry(loaded[i].model.units)


def warm_dataset(root: Path, today: date, warm: Warm) -> Dataset | None:
    """The dataset of a repository the index vouches for whole (warm.problems known, no
    error): the units, rounds and bulletins read from the index at once, each task's model
    when a query first asks for it (``show`` reads one, and decodes only its entry). None
    when the models file cannot serve them; the caller then loads through load_indexed."""
    index, sources = warm.index, warm.sources
    if not index.models_ready():
        return None
    ids = warm.task_ids()
    if ids is None:  # every entry decoded, and each checked to be whole
        if any(entry is None or entry.get("partial") for entry in warm.entries.values()):
            return None
        ids = {i: entry["k"][0] for i, entry in warm.entries.items() if sources[i].kind == "task" and entry.get("k")}
    loaded: list[LoadedFile | None] = [None] * len(sources)
    units = _load_units(root, today, warm, loaded)
    options = LoadOptions(root, today, units, keep_text=False)
    others = [i for i, s in enumerate(sources) if s.kind not in (None, "task", "units")]
    entries = {i: warm.entry(i) for i in others}
    if any(entry is None or entry.get("partial") for entry in entries.values()):
        return None
    for i, item in zip(others, _load_some(index, sources, others, entries, options), strict=True):
        loaded[i] = item
    data = build_dataset(root, [item for item in loaded if item is not None])
    data.files = len(sources)

    def tasks(chosen: list[int]) -> list[Task]:
        # a few entries decoded alone; many, all at once
        some = {i: warm.entry(i) for i in chosen} if len(chosen) < 1000 else warm.entries
        with gc_paused():
            items = _load_some(index, sources, chosen, some, options)
        for i, item in zip(chosen, items, strict=True):
            if item.model is None:  # the file changed since the index vouched for it
                raise DufuError(f"{sources[i].rel} 在读取期间被修改,请重新运行")
            data.origin[id(item.model)] = sources[i].rel
        return [item.model for item in items]

    positions: dict[str, int] = {}
    for i, ident in ids.items():
        positions.setdefault(ident, i)  # the first file of an id wins, as in build_dataset
    data.tasks = LazyTasks(positions, tasks)

    @functools.cache
    def light(unit: str) -> dict | None:  # what list --unit reads before any task
        entries = warm.entries
        if not all(isinstance(entries[i].get("u"), list) for i in positions.values()):
            return None
        number = data.units.number(unit)
        stored = unit if number is None else number  # as stored._numbered keeps it
        found = {ident: tuple(entries[i]["k"][1:]) for ident, i in positions.items() if stored in entries[i]["u"]}
        data.tasks.fetch(list(found))
        return found

    data.light = light
    data.digest = _digests(index, vouched=True)
    return data


def refresh_tasks(root: Path, today: date, warm: Warm, changed: list[int], old: dict[str, list]) -> bool:
    """Load the changed task files (warm.entries then holds their new entries) and tell
    whether each, as before (old: its record when the verdict was made), has a model with the
    same id, round and number and the same facts for the checks across files on every
    bulletin's day: then no problem across files can have changed."""
    from .checks import cross_facts

    index, sources, entries = warm.index, warm.sources, warm.entries
    loaded: list[LoadedFile | None] = [None] * len(sources)
    options = LoadOptions(root, today, _load_units(root, today, warm, loaded), keep_text=False)
    new = _load_some(index, sources, changed, {}, options)
    for i in changed:
        record = index.new.get(sources[i].rel)
        entries[i] = None if record is None else record[5]
    found = index.with_models([(rel, record[5], record[4]) for rel, record in old.items()])  # as they were
    bulletins = [i for i, s in enumerate(sources) if s.kind == "bulletin"]
    if any(full is None for full in found) or any(entries.get(i) is None for i in [*changed, *bulletins]):
        return False  # a file that could not be kept, or a model the models file no longer has
    before = decode_entries([(sources[i], full) for i, full in zip(changed, found, strict=True)])
    stated = _load_some(index, sources, bulletins, entries, options)
    days = sorted({item.model.as_of for item in stated if item.model is not None})
    for now, then in zip(new, before, strict=True):
        if now.model is None or then is None or then.model is None:
            return False
        if (now.model.id, now.model.round, now.model.number) != (then.model.id, then.model.round, then.model.number):
            return False
        if cross_facts(now.model, days) != cross_facts(then.model, days):
            return False
    return True


class LazyTasks(MutableMapping):
    """``Dataset.tasks`` read from the index: every id known at once, in the order
    build_dataset gives them; a model made when first asked for, then kept. Going over all
    of them (values, items) makes the missing ones in one batch."""

    def __init__(self, positions: dict[str, int], load) -> None:
        self._positions = positions  # id -> what load takes, for the models not made yet
        self._load = load  # list of positions -> their models
        self._models: dict = dict.fromkeys(positions)

    def __getitem__(self, key):
        model = self._models[key]
        if model is None:
            (model,) = self._load([self._positions.pop(key)])
            self._models[key] = model
        return model

    def fetch(self, keys: list) -> None:
        """Make the models of these keys not made yet, in one batch."""
        ids = [key for key in keys if key in self._positions]
        if ids:
            models = self._load([self._positions.pop(ident) for ident in ids])
            self._models.update(zip(ids, models, strict=True))

    def _load_missing(self) -> None:
        self.fetch(list(self._positions))

    def values(self):
        self._load_missing()
        return self._models.values()

    def items(self):
        self._load_missing()
        return self._models.items()

    def __setitem__(self, key, value) -> None:
        self._models[key] = value
        self._positions.pop(key, None)

    def __delitem__(self, key) -> None:
        del self._models[key]
        self._positions.pop(key, None)

    def __iter__(self):
        return iter(self._models)

    def __len__(self) -> int:
        return len(self._models)

    def __contains__(self, key) -> bool:
        return key in self._models


def _peek_others(index: Index, sources, only: set[str], loaded: list, today: date) -> set[str]:
    """Stand-ins for the task files not named (as load_repository makes them), from the index
    where it has them (from its stubs line, for a file found as recorded); a file peeked at anew
    gets a partial entry, good for peeking only."""
    peeked = set()
    for i, source in enumerate(sources):
        if source.kind != "task" or source.rel in only:
            continue
        found = index.stand_in_of(source)
        if found is not UNKNOWN:
            stub = None if found is None else stand_in(*found)
        elif (entry := index.lookup(source)) is not None:
            stub = decode_stub(entry)
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
    out: dict[int, LoadedFile | None] = {}
    stored = [i for i in chosen if entries.get(i) is not None and not entries[i].get("partial")]
    wanted = index.with_models([(sources[i].rel, entries[i]) for i in stored])
    found = [(i, full) for i, full in zip(stored, wanted, strict=True) if full is not None]
    out.update(zip((i for i, _ in found), decode_entries([(sources[i], full) for i, full in found]), strict=True))
    misses = [i for i in chosen if out.get(i) is None]
    fresh = []
    for i, (item, stat, digest, entry) in zip(
        misses, load_all([sources[i] for i in misses], options, _load_keyed), strict=True
    ):
        out[i] = item
        if item is None:  # the entry holds it
            fresh.append((i, entry))
        index.remember(sources[i].rel, stat, digest, entry)
    out.update(zip((i for i, _ in fresh), decode_entries([(sources[i], entry) for i, entry in fresh]), strict=True))
    return [out[i] for i in chosen]


def _load_keyed(sources: list[SourceFile], options: LoadOptions) -> list[tuple]:
    """Load each file (in a worker process) and make its index entry: (the loaded file, or
    None when the entry holds it; stat; content hash; entry or None)."""
    out = []
    for source in sources:
        # stat, then the bytes, before loading: a file changed meanwhile gets no entry or a
        # stale hash, never a result that passes for newer than it is
        stat, raw = file_stat(source.path), read_data_file(source.path)
        item = _load_one(source, options, raw)  # the bytes hashed are the bytes loaded
        entry = None
        if raw is not None and source.kind is not None and stat is not None and len(raw) == stat[0]:
            stub = task_stub(peek_text(raw.decode("utf-8", "replace"))) if source.kind == "task" else None
            entry = encode_entry(item, stub, options.today, options.units)
        digest = None if entry is None else content_hash(raw)
        light = entry is not None and not options.keep_text
        out.append((None if light else item, stat, digest, entry))
    return out


def with_text(data: Dataset, tasks: list[Task]) -> list[Task]:
    """The given tasks with their progress prose, loaded again from their files where the index
    left it out (over all cores when there are many); the dataset then holds the full tasks."""
    light = [task for task in tasks if task.target == ""]  # a required text: only the index's lack it
    sources = [SourceFile(data.root, data.where(task), "task") for task in light]
    with gc_paused():
        checked = data.digest is not None  # hashed only where there is a hash to compare with
        full = dict(zip(map(id, light), load_all(sources, checked, _read_chunk), strict=True))
    out = []
    for task in tasks:
        model, digest = full.get(id(task), (task, None))
        expected = None if digest is None or data.digest is None else data.digest(data.where(task))
        if model is None or model.id != task.id or (expected is not None and digest != expected):
            # changed since it was checked a moment ago: its prose is not the light model's
            raise DufuError(f"{data.where(task)} 在读取期间被修改,请重新运行")
        if model is not task:
            if data.tasks.get(task.id) is task:
                data.tasks[task.id] = model
            data.origin[id(model)] = data.where(task)
            data._by_round = None
            task = model
        out.append(task)
    return out


def _read_chunk(sources: list[SourceFile], options: bool) -> list[tuple[Task | None, str | None]]:
    """Each file's model, parsed and validated (its checks already ran; None if it fails), and
    when options (load_all's name for it) is true, the content hash of the bytes it was made
    from."""
    out = []
    for source in sources:
        parsed, problems, raw = _parse(source)
        out.append((None if problems else _validate(source, parsed).model, content_hash(raw) if options else None))
    return out
