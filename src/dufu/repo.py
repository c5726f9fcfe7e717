"""Find a data repository, read every file in it and build the typed Dataset.

Pipeline: find_root -> discover (which file is which kind) -> parse (bytes -> plain data,
in parallel) -> validate (plain data -> model) -> Dataset. Cross-file checks run afterwards
(``checks``). Every failure becomes a Problem; nothing here raises for bad data.

The stages live in their own modules (discover, translate, load, peek, dataset); the old
names stay importable from here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .dataset import Dataset, build_dataset, natural_key  # noqa: F401
from .load import (  # noqa: F401
    PARALLEL_MIN_FILES,
    LoadedFile,
    LoadOptions,
    _load_chunk,
    _load_one,
    _parse,
    _validate,
    _without_text,
    gc_paused,
    load_all,
)
from .peek import _peek, peek_ids, peek_task  # noqa: F401
from .sources import DATA_DIR, FOLDERS, TEMPLATES_DIR, UNITS_FILE, SourceFile, discover, find_root, misplaced_problem  # noqa: F401
from .translate import _MESSAGES, _field_names, _is_union_tag, _nested_types, _pydantic_problem  # noqa: F401
from .units import UnitRegistry


def load_repository(root: Path, today: date, only: set[str] | None = None, keep_text: bool = True) -> Dataset:
    """Discover, read, validate and check each file of the repository on its own.

    With only (repository-relative paths) naming nothing but task files, the other task files
    are just peeked at for their id, round and number: enough for the checks of the named files.
    """
    sources = discover(root)
    loaded: list[LoadedFile | None] = [None] * len(sources)
    units_index = next((i for i, s in enumerate(sources) if s.kind == "units"), None)
    units = None
    if units_index is not None:
        options = LoadOptions(root, today, None)
        loaded[units_index] = _load_one(sources[units_index], options)
        if loaded[units_index].model is not None:
            units = UnitRegistry(loaded[units_index].model.units)
    peeked = set()
    if only is not None and all(s.kind == "task" for s in sources if s.rel in only):
        for index, source in enumerate(sources):
            if source.kind == "task" and source.rel not in only:
                stub = peek_task(source)
                if stub is not None:
                    loaded[index] = LoadedFile(source, stub, ())
                    peeked.add(source.rel)
    todo = [i for i, item in enumerate(loaded) if item is None]
    options = LoadOptions(root, today, units, keep_text)
    for index, item in zip(todo, load_all([sources[i] for i in todo], options), strict=True):
        loaded[index] = item
    data = build_dataset(root, loaded)
    data.files = len(sources)
    data.peeked = peeked
    return data
