"""Read, parse, validate and check each file on its own, over all cores when there are many."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from .collector import gc_paused  # noqa: F401  (loading is where it is used most)
from .filechecks import check_file, check_strings
from .files import FileTooLarge, NotRegularFile, read_or_empty, read_regular, reason
from .models import KINDS, Report, Task
from .problems import MAX_PER_CODE, Problem, bound_problems
from .progress import reporter
from .sources import SourceFile, misplaced_problem
from .translate import _MESSAGES, _pydantic_problem
from .units import UnitRegistry
from .workers import fork_map
from .yamlload import MAX_FILE_BYTES, compose, load_yaml, too_large


@dataclass(frozen=True)
class LoadedFile:
    source: SourceFile
    model: object | None
    problems: tuple[Problem, ...]


def _parse(source: SourceFile, raw: bytes | None = None) -> tuple[object, tuple[Problem, ...], bytes]:
    """Read and parse one file (the costly half of loading; runs in worker processes). raw:
    its bytes, when the caller has just read them."""
    if source.kind is None:
        return None, (misplaced_problem(source),), b""
    if raw is not None:
        loaded = load_yaml(source.rel, raw)
        return loaded.data, loaded.problems, raw
    try:  # refused unread when too large: memory stays bounded whatever lies in data/
        raw = read_regular(source.path, MAX_FILE_BYTES)
    except FileTooLarge as exc:
        return None, (too_large(source.rel, exc.size),), b""
    except NotRegularFile as exc:  # it changed since discovery
        code = "E114" if exc.what == "符号链接" else "E115"
        return None, (Problem(source.rel, 0, 0, code, f"是{exc.what},不是普通文件,不会读取"),), b""
    except OSError as exc:
        return None, (Problem(source.rel, 0, 0, "E100", f"无法读取文件:{reason(exc)}"),), b""
    loaded = load_yaml(source.rel, raw)
    return loaded.data, loaded.problems, raw


def _validate(source: SourceFile, data: object, raw: bytes | None = None) -> LoadedFile:
    """Turn parsed data into a model; pydantic errors are located by composing the file again."""
    if not isinstance(data, dict):
        what = "列表" if isinstance(data, list) else "单个值"
        problem = Problem(source.rel, 1, 1, "E204", f"文件内容应为映射(字段: 值),而不是{what}")
        return LoadedFile(source, None, (problem,))
    try:
        return LoadedFile(source, KINDS[source.kind].model_validate(data), ())
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
        del exc
        return LoadedFile(source, None, tuple(_pydantic_problems(source, errors, data, raw)))


def _pydantic_problems(source: SourceFile, errors: list[dict], data: object, raw: bytes | None = None) -> list[Problem]:
    """The problems of a failed validation, at most MAX_PER_CODE of a code, then a count line:
    a file of 20,000 empty entries makes 40,000 errors, not 40,000 Problems. Placed in raw,
    the bytes the data was parsed from, when given."""
    node = compose(raw if raw is not None else read_or_empty(source.path, MAX_FILE_BYTES))
    out, more = [], {}
    shown: dict[str, int] = {}
    for error in errors:
        code = _MESSAGES.get(error["type"], ("E200",))[0]
        if shown.get(code, 0) < MAX_PER_CODE:
            shown[code] = shown.get(code, 0) + 1
            out.append(_pydantic_problem(source.rel, node, error, data, KINDS.get(source.kind)))
        else:
            more[code] = more.get(code, 0) + 1
    for code, count in more.items():
        out.append(Problem(source.rel, 0, 0, code, f"另有 {count} 处同类问题", omitted=count))
    return out


@dataclass(frozen=True)
class LoadOptions:
    """What loading needs besides the files: for the file-level checks, and whether to keep
    the prose (commands that print it do; validation does not)."""

    root: Path
    today: date
    units: UnitRegistry | None
    keep_text: bool = True


def _load_one(source: SourceFile, options: LoadOptions, raw: bytes | None = None) -> LoadedFile:
    """Read (unless raw, its bytes, is given), parse, validate and check one file; every
    failure becomes a Problem."""
    parsed, problems, raw = _parse(source, raw)
    if problems:
        return LoadedFile(source, None, problems)
    text_problems = check_strings(parsed, source.rel, options.root, raw)
    item = _validate(source, parsed, raw)
    if item.model is None:
        return LoadedFile(source, None, bound_problems(text_problems + list(item.problems)))
    problems = text_problems + check_file(item.model, source.rel, options.today, options.units, options.root, raw)
    model = item.model if options.keep_text else _without_text(item.model)
    return LoadedFile(source, model, tuple(bound_problems(problems)))


def _without_text(model):
    """A task without its progress prose: all the cross-file checks need, cheap to send back."""
    if not isinstance(model, Task):
        return model
    reports = [Report.model_construct(as_of=r.as_of, status=r.status, measures=[]) for r in model.progress]
    return model.model_copy(update={"progress": reports, "target": ""})


def _load_chunk(sources: list[SourceFile], options: LoadOptions) -> list[LoadedFile]:
    return [_load_one(source, options) for source in sources]


PARALLEL_MIN_FILES = 400  # below this, starting worker processes costs more than it saves


def load_all(sources: list[SourceFile], options: LoadOptions, work=_load_chunk) -> list:
    """Load every file, over all cores when there are many: work(chunk, options) for each chunk
    of sources, one result per source."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(sources) < PARALLEL_MIN_FILES or not hasattr(os, "fork"):
        return work(sources, options)
    size = max(50, len(sources) // (workers * 4))
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    results = fork_map(functools.partial(work, options=options), chunks, workers, reporter(len(chunks)))
    return [item for chunk in results for item in chunk]
