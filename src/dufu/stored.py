"""One loaded file as plain JSON data for the index, and back to the same models and problems.

Tasks are stored as the queries need them (without their progress prose, as
``load._without_text`` leaves them); other records in full. An entry is only made when
decoding it gives back a model equal to the one loaded, so the index cannot change a model.
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from types import UnionType
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .load import LoadedFile, _without_text
from .models import KINDS, Adjustment, Milestone, Report, Task, construct
from .peek import stand_in
from .problems import decode_problem, encode_problem
from .sources import SourceFile
from .units import UnitRegistry


def _encode_task(task: Task) -> list:
    """A light task as a JSON array of its fields (as _decode_task reads them): about 40% less
    text than an object, and decoded in half the time."""

    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return [
        task.id, task.round, task.number, task.title, task.lead_units, task.responsible_units, task.deadline,
        task.status, task.status_before, day(task.completed_on), day(task.closed_on), day(task.completed_by),
        [[r.as_of.isoformat(), r.status] for r in task.progress],
        [m.model_dump(mode="json") for m in task.milestones],
        [a.model_dump(mode="json") for a in task.adjustments],
    ]  # fmt: skip


def _decode_task(value: list, reports: dict) -> Task:
    """The light task _encode_task stored, made without validation (encode_model's round
    trip vouched for it when it was stored); its fields in Task's order."""
    (ident, round_id, number, title, lead, responsible, deadline, status, before,
     done, closed, done_by, progress, milestones, adjustments) = value  # fmt: skip
    reports_made = []
    for day, report_status in progress:
        report = reports.get((day, report_status))
        if report is None:  # a light report (no prose) is shared by every task that has it: models are frozen
            values = {"as_of": date.fromisoformat(day), "status": report_status, "measures": []}
            report = reports[day, report_status] = construct(Report, values)
        reports_made.append(report)
    fields = {
        "id": ident, "round": round_id, "number": number, "title": title, "lead_units": lead,
        "responsible_units": responsible, "deadline": deadline, "target": "", "status": status, "status_before": before,
        "completed_on": None if done is None else date.fromisoformat(done),
        "closed_on": None if closed is None else date.fromisoformat(closed),
        "completed_by": None if done_by is None else date.fromisoformat(done_by),
        "progress": reports_made,
        "milestones": [_built(Milestone, m) for m in milestones],
        "adjustments": [_built(Adjustment, a) for a in adjustments],
    }  # fmt: skip
    return construct(Task, fields)


def encode_model(kind: str, model) -> dict | list | None:
    """The model as JSON data (a task without its prose), or None when it would not come back
    equal."""
    if kind == "task":
        light = model if model.target == "" else _without_text(model)  # loaded light already
        value = _encode_task(light)
    else:
        light, value = model, model.model_dump(mode="json")
    try:
        back = decode_model(kind, value)
    except (ValidationError, ValueError, TypeError, KeyError):
        return None
    return value if back == light else None


def decode_model(kind: str, value, reports: dict | None = None):
    """The model stored as value; reports: the light reports already made (shared)."""
    if kind == "task":
        return _decode_task(value, {} if reports is None else reports)
    return _built(KINDS[kind], value)


def _built(cls, value: dict):
    """The model of cls whose model_dump(mode="json") value is, made without validation and
    so without building a validator (encode_model's round trip vouched for it when it was
    stored): nested models, lists, dicts and dates as the fields' annotations say."""
    return construct(cls, {name: _as(field.annotation, value[name]) for name, field in cls.model_fields.items()})


def _as(annotation, value):
    """value (JSON data) as the annotated type holds it; TypeError for a type this does not
    know, so that such a model is not stored."""
    if value is None:
        return None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _as(args[0], value)
    if _as_is(annotation):
        return value
    if origin in (Union, UnionType):
        kinds = [arg for arg in args if arg is not type(None)]
        if len(kinds) == 1:
            return _as(kinds[0], value)
    elif origin is list:
        return [_as(args[0], item) for item in value]
    elif origin is dict:
        return {key: _as(args[1], item) for key, item in value.items()}
    elif annotation is date:
        return date.fromisoformat(value)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _built(annotation, value)
    raise TypeError(f"cannot rebuild {annotation!r} from JSON")


def _as_is(annotation) -> bool:
    """Whether JSON data of this type is the value a model holds: text, a whole number, a
    literal, a list of these, or a choice between them (Literal["open"] | list[Id])."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated or origin is list:
        return _as_is(args[0])
    if origin in (Union, UnionType):
        return all(_as_is(arg) for arg in args if arg is not type(None))
    return origin is Literal or annotation in (str, int)


def encode_entry(item: LoadedFile, stub: Task | None, today: date, units: UnitRegistry | None = None) -> dict | None:
    """What the index keeps of a file loaded on today: its problems, its model (light, as JSON
    text: what crosses from a worker process and what the models file holds), the
    stand-in peek_task would make of it, the latest date it states that a check compares
    with today and, for a task, every unit it names at any time (by the units registry, for
    `list --unit`). None when the model cannot be stored faithfully."""
    model = None
    if item.model is not None:
        value = encode_model(item.source.kind, item.model)
        if value is None:
            return None
        model = json.dumps(value, ensure_ascii=False)  # as the models file keeps it
    key = _ident(item.model) if isinstance(item.model, Task) else None
    return {
        "problems": [encode_problem(p) for p in item.problems],
        "model": model,
        "k": key,
        "u": None if key is None or units is None else _numbered(units, units_ever_named(units, item.model)),
        "peek": _ident(stub),
        "today": today.isoformat(),
        "latest": _latest_date(item.model),
    }


def units_ever_named(units: UnitRegistry, task: Task) -> list[str]:
    """Every unit a task's lead or responsible line names, as ledger.units_of counts them (a
    registered name, or the form written when the registry lacks it), in the plan's wording
    and after each adjustment: whatever day a query asks about, the task's units are among
    these."""
    names: set[str] = set()
    for state in (task, *(task.at(adjustment.on) for adjustment in task.adjustments)):
        for line in (state.lead_units, state.responsible_units):
            names.update(units.named_in(line))
    return sorted(names)


def _numbered(units: UnitRegistry, names: list[str]) -> list:
    """Names as their positions in the registry (a name it lacks stays as written): the
    index keeps these for every task, so short."""
    out = []
    for name in names:
        number = units.number(name)
        out.append(name if number is None else number)
    return out


def peek_entry(stub: Task | None, today: date) -> dict:
    """A partial entry: only the stand-in of a task file that was peeked at, not loaded."""
    return {"partial": True, "peek": _ident(stub), "today": today.isoformat(), "latest": None}


def _ident(task: Task | None) -> list | None:
    """A task's id, round and number as an entry keeps them (for its model, or its stand-in)."""
    return None if task is None else [task.id, task.round, task.number]


def _latest_date(model) -> str | None:
    """The latest completed_on, closed_on or report date of a task (the dates filechecks
    compares with today), as ISO text."""
    if not isinstance(model, Task):
        return None
    stated = (model.completed_on, model.completed_by, model.closed_on, *(r.as_of for r in model.progress))
    days = [d for d in (*stated, *(m.done_on for m in model.milestones)) if d is not None]
    return max(days).isoformat() if days else None


def decode_entries(pairs: list[tuple[SourceFile, dict]]) -> list[LoadedFile | None]:
    """Each (source, entry with its model's JSON text) as the loaded file, the models' JSON
    decoded a thousand in one call (30,000 tasks: 30 calls, not 30,000), the light reports
    shared; None for an entry whose model does not decode (the file is then read again)."""
    texts = [entry["model"] for _, entry in pairs if entry["model"] is not None]
    values = itertools.chain.from_iterable(_decoded_batch(texts[i : i + 1000]) for i in range(0, len(texts), 1000))
    out: list[LoadedFile | None] = []
    reports: dict = {}
    for source, entry in pairs:
        value = None if entry["model"] is None else next(values)
        try:
            model = None if value is None else decode_model(source.kind, value, reports)
        except (ValidationError, ValueError, TypeError, KeyError):
            out.append(None)
            continue
        if entry["model"] is not None and model is None:
            out.append(None)
            continue
        out.append(LoadedFile(source, model, tuple(decode_problem(p) for p in entry["problems"])))
    return out


def _decoded_batch(texts: list[str]) -> list:
    """The JSON texts decoded, a thousand in one call (fewer calls, and no copy of them all)."""
    try:
        return json.loads("[" + ",".join(texts) + "]")
    except ValueError:  # a damaged one among them: each on its own
        return [_decoded(text) for text in texts]


def _decoded(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def decode_stub(entry: dict) -> Task | None:
    if entry["peek"] is None:
        return None
    ident, round_id, number = entry["peek"]
    return stand_in(ident, round_id, number)
