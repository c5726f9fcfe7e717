"""Find a data repository, read every file in it and build the typed Dataset.

Pipeline: find_root -> discover (which file is which kind) -> parse (bytes -> plain data,
in parallel) -> validate (plain data -> model) -> Dataset. Cross-file checks run afterwards
(``checks``). Every failure becomes a Problem; nothing here raises for bad data.
"""

from __future__ import annotations

import difflib
import functools
import gc
import os
import re
import typing
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from .filechecks import check_file, check_strings
from .files import FileTooLarge, NotRegularFile, read_or_empty, read_regular, reason
from .models import KINDS, Bulletin, Report, Round, Task, UnitsFile
from .problems import MAX_PER_CODE, Problem, RepositoryNotFound, bound_problems, format_field
from .sources import DATA_DIR, FOLDERS, TEMPLATES_DIR, UNITS_FILE, SourceFile, discover, misplaced_problem  # noqa: F401
from .textsafety import explain_value
from .units import UnitRegistry
from .workers import fork_map
from .yamlload import MAX_FILE_BYTES, compose, load_yaml, locate, too_large


def find_root(start: Path) -> Path:
    """The nearest directory at or above start that holds a data/ folder (like git)."""
    start = start.resolve()
    if not start.is_dir():
        raise RepositoryNotFound(f"目录不存在:{start}")
    for folder in (start, *start.parents):
        if (folder / DATA_DIR).is_dir():
            return folder
    raise RepositoryNotFound(
        f"在 {start} 及其上级目录中没有找到数据仓库(含有 data/ 目录的文件夹)。请进入数据仓库目录,或用 -C 目录 指定。"
    )


def natural_key(text: str) -> list:
    """Sort key that puts r2 before r10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


_MESSAGES = {
    "missing": ("E201", "缺少必填字段“{field}”"),
    "extra_forbidden": ("E202", "未知字段“{field}”(拼写错误?)"),
    "literal_error": ("E203", "取值不在允许范围内,应为 {expected} 之一"),
    "string_type": ("E204", "应为文本"),
    "int_type": ("E204", "应为整数"),
    "int_parsing": ("E204", "应为整数"),
    "list_type": ("E204", "应为列表"),
    "dict_type": ("E204", "应为映射(字段: 值)"),
    "model_type": ("E204", "应为映射(字段: 值)"),
    "model_attributes_type": ("E204", "应为映射(字段: 值)"),
    "bool_type": ("E204", "应为 true 或 false"),
    "string_too_short": ("E205", "不能为空"),
    "too_short": ("E205", "至少要有 {min_length} 项"),
    "greater_than_equal": ("E205", "应不小于 {ge}"),
    "string_pattern_mismatch": ("E205", "编号只能由字母、数字和 - _ . 组成"),
    "string_too_long": ("E205", "过长(最多 {max_length} 个字符)"),
    "value_error": ("E206", "{error}"),
}


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _value_at(data: object, loc: tuple) -> object:
    """The parsed value at a field path, or None."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _pydantic_problem(rel: str, node, error: dict, data: object = None) -> Problem:
    loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    ctx["field"] = loc[-1] if loc else ""
    if kind == "missing" or kind == "extra_forbidden":
        where = loc[:-1] if kind == "missing" else loc
    else:
        where = loc
    code, template = _MESSAGES.get(kind, ("E200", "取值无效:" + error["msg"]))
    hint = None
    if kind == "literal_error":
        ctx["expected"] = "、".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    explained = explain_value(kind, _value_at(data, loc), error.get("ctx") or {})
    if explained is not None:  # "正在推进 " is not "正在推进": say what differs
        template, hint = _braces(explained[0]), explained[1]
    if kind == "value_error":
        ctx["error"] = str(ctx.get("error", error["msg"]))
    try:
        message = template.format(**ctx)
    except (KeyError, IndexError):
        message = template
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(ctx["field"]), _field_names(), n=1)
        hint = f"是不是“{close[0]}”?" if close else None
    if kind == "string_type":
        hint = "纯数字、true/false 等要加引号,写成文本"
    line, col = locate(node, where, key=kind == "extra_forbidden")
    return Problem(rel, line, col, code, message, field=format_field(loc), hint=hint)


@functools.cache
def _field_names() -> list[str]:
    """Every field name of every model, for 'did you mean' hints on unknown fields."""
    names: set[str] = set()
    todo = list(KINDS.values())
    while todo:
        model = todo.pop()
        for name, info in model.model_fields.items():
            names.add(name)
            todo.extend(
                arg for arg in _nested_types(info.annotation) if isinstance(arg, type) and hasattr(arg, "model_fields")
            )
    return sorted(names)


def _nested_types(annotation) -> list:
    args = list(typing.get_args(annotation))
    out = [annotation]
    for arg in args:
        out.extend(_nested_types(arg))
    return out


def _is_union_tag(part) -> bool:
    # pydantic puts the union member ('list[str]', "literal['open']") into the location
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


@dataclass(frozen=True)
class LoadedFile:
    source: SourceFile
    model: object | None
    problems: tuple[Problem, ...]


def _parse(source: SourceFile) -> tuple[object, tuple[Problem, ...], bytes]:
    """Read and parse one file (the costly half of loading; runs in worker processes)."""
    if source.kind is None:
        return None, (misplaced_problem(source),), b""
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


def _validate(source: SourceFile, data: object) -> LoadedFile:
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
        return LoadedFile(source, None, tuple(_pydantic_problems(source, errors, data)))


def _pydantic_problems(source: SourceFile, errors: list[dict], data: object) -> list[Problem]:
    """The problems of a failed validation, at most MAX_PER_CODE of a code, then a count line:
    a file of 20,000 empty entries makes 40,000 errors, not 40,000 Problems."""
    node = compose(read_or_empty(source.path, MAX_FILE_BYTES))
    out, more = [], {}
    shown: dict[str, int] = {}
    for error in errors:
        code = _MESSAGES.get(error["type"], ("E200",))[0]
        if shown.get(code, 0) < MAX_PER_CODE:
            shown[code] = shown.get(code, 0) + 1
            out.append(_pydantic_problem(source.rel, node, error, data))
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


def _load_one(source: SourceFile, options: LoadOptions) -> LoadedFile:
    """Read, parse, validate and check one file; every failure becomes a Problem."""
    parsed, problems, raw = _parse(source)
    if problems:
        return LoadedFile(source, None, problems)
    text_problems = check_strings(parsed, source.rel, options.root, raw)
    item = _validate(source, parsed)
    if item.model is None:
        return LoadedFile(source, None, bound_problems(text_problems + list(item.problems)))
    problems = text_problems + check_file(item.model, source.rel, options.today, options.units, options.root)
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


@contextmanager
def gc_paused():
    """Loading makes many long-lived objects and no cycles: the cyclic collector only costs
    time here (measured: half of a 10,000-task validation). Wrap loading in it; forked
    worker processes inherit the paused state."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


PARALLEL_MIN_FILES = 400  # below this, starting worker processes costs more than it saves


def load_all(sources: list[SourceFile], options: LoadOptions) -> list[LoadedFile]:
    """Load every file, over all cores when there are many."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(sources) < PARALLEL_MIN_FILES or not hasattr(os, "fork"):
        return _load_chunk(sources, options)
    size = max(50, len(sources) // (workers * 4))
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    results = fork_map(functools.partial(_load_chunk, options=options), chunks, workers)
    return [item for chunk in results for item in chunk]


_PEEK = {
    key: re.compile(rf"^{key}:[ \t]*(['\"]?)([^'\"\s#]+)\1[ \t]*(?:#.*)?$", re.M) for key in ("id", "round", "number")
}


def _peek(source: SourceFile) -> dict[str, list[str]]:
    """The plainly written top-level id, round and number values of a file, without parsing
    YAML (empty lists when it cannot be read)."""
    text = read_or_empty(source.path, MAX_FILE_BYTES).decode("utf-8", "replace")
    return {key: [m[1] for m in regexp.findall(text)] for key, regexp in _PEEK.items()}


def peek_ids(source: SourceFile) -> list[str]:
    """The id a file that failed to load seems to state, so references to it are not also
    reported as dangling."""
    return _peek(source)["id"]


def peek_task(source: SourceFile) -> Task | None:
    """A stand-in holding just a task file's id, round and number, read without parsing YAML;
    None when the file does not state them plainly (it is then loaded in full)."""
    found = _peek(source)
    if any(len(values) != 1 for values in found.values()) or not found["number"][0].isdigit():
        return None
    return Task.model_construct(id=found["id"][0], round=found["round"][0], number=int(found["number"][0]))


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
    _by_round: dict[str, list[Task]] | None = None

    def where(self, model) -> str:
        return self.origin[id(model)]

    def tasks_of(self, round_id: str) -> list[Task]:
        """A round's itemized tasks in number order."""
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
