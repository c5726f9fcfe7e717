"""The typed Dataset the queries read, whatever it was loaded from."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .load import LoadedFile
from .models import Bulletin, Round, Task, UnitsFile
from .peek import peek_ids
from .problems import Problem
from .units import UnitRegistry


def natural_key(text: str) -> list:
    """Sort key that puts r2 before r10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


@dataclass
class Dataset:
    """Everything in a data repository, typed, with where each record came from."""

    root: Path
    units: UnitRegistry = field(default_factory=UnitRegistry)
    rounds: dict[str, Round] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    bulletins: dict[str, Bulletin] = field(default_factory=dict)
    origin: dict[int, str] = field(default_factory=dict)  # id(model) -> file, for messages
    problems: list[Problem] = field(default_factory=list)
    units_file: UnitsFile | None = None
    records: list[object] = field(default_factory=list)  # every model loaded, duplicates too
    incomplete: bool = False  # some file did not load: counts across files are not to be trusted
    files: int = 0
    peeked: set[str] = field(default_factory=set)  # task files known only by id/round/number
    broken_ids: set[str] = field(default_factory=set)  # ids stated in files that did not load
    # from the index, before any task is read: given a unit, id -> (round, number) of every task
    # that names it on some day (their models then made together), or None when it cannot tell
    light: Callable[[str], dict[str, tuple[str, int]] | None] | None = None
    # from the index: the content hash of the bytes a file's model was made from (None: unknown)
    digest: Callable[[str], str | None] | None = None
    _by_round: dict[str, list[Task]] | None = None

    def where(self, model) -> str:
        return self.origin[id(model)]

    def shortfall(self, round_id: str) -> int:
        """How many tasks a round's stated total has that the data has not (entered or
        counted): negative for more, 0 when it states none (E350 when not 0)."""
        rnd = self.rounds[round_id]
        if rnd.total is None:
            return 0
        return rnd.total - len(self.tasks_of(round_id)) - sum(group.count for group in rnd.counted)

    def tasks_of(self, round_id: str, unit: str | None = None) -> list[Task]:
        """A round's itemized tasks in number order; with unit, at least those that name it
        (only those the index knows may name it are read, when it knows)."""
        light = self.light(unit) if unit is not None and self.light is not None and self._by_round is None else None
        if light is not None:
            ids = [i for i, (rid, _) in light.items() if rid == round_id]
            return [self.tasks[i] for i in sorted(ids, key=lambda i: (light[i][1], i))]
        if self._by_round is None:
            self._by_round = {}
            for task in sorted(self.tasks.values(), key=lambda t: (t.number, t.id)):
                self._by_round.setdefault(task.round, []).append(task)
        return self._by_round.get(round_id, [])


def build_dataset(root: Path, loaded: list[LoadedFile]) -> Dataset:
    """Collect loaded models into a Dataset; first occurrence of an id wins (duplicates are
    reported by the checks)."""
    data = Dataset(root)
    for item in loaded:
        data.problems.extend(item.problems)
        if item.model is None:
            data.incomplete = True
            if item.source.kind in ("round", "task", "bulletin"):
                data.broken_ids.update(peek_ids(item.source))
            continue
        data.origin[id(item.model)] = item.source.rel
        data.records.append(item.model)
        if isinstance(item.model, UnitsFile):
            data.units_file = item.model
            data.units = UnitRegistry(item.model.units)
            continue
        table = {"round": data.rounds, "task": data.tasks, "bulletin": data.bulletins}[item.source.kind]
        table.setdefault(item.model.id, item.model)
    data.rounds = dict(sorted(data.rounds.items(), key=lambda kv: natural_key(kv[0])))
    return data
