"""Pydantic validation errors as Problems in plain Chinese, located in the YAML source."""

from __future__ import annotations

import difflib
import functools
import re
import typing

from .models import BLANK_PATTERN, KINDS
from .problems import Problem, format_field
from .textsafety import explain_value
from .yamlload import locate

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


# Names staff write for a field, and the fields they may mean: the first that the record has
# is suggested (a milestone's "done" is done_on, a report's "date" its as_of).
_MEANT = {
    "name": ("title",),
    "title": ("name", "heading"),
    "due": ("deadline",),
    "date": ("as_of", "on", "due"),
    "day": ("as_of", "on", "due"),
    "done": ("done_on", "completed_on"),
    "finished": ("done_on", "completed_on", "done"),
    "completed": ("completed_on", "done"),
    "closed": ("closed_on",),
    "lead": ("lead_units",),
    "responsible": ("responsible_units",),
    "units": ("lead_units",),
    "goal": ("target",),
    "target": ("goal",),
    "content": ("text",),
    "body": ("text",),
}


def _meant(field: str, record, spelled: bool) -> str | None:
    """The field of record (a model class, or None when unknown) that an unknown field most
    likely means: a usual other name for it, or (spelled) a close spelling; never the name
    itself."""
    names = list(record.model_fields) if record is not None else _field_names()
    for candidate in _MEANT.get(field.lower(), ()):
        if candidate in names:
            return candidate
    close = difflib.get_close_matches(field, [name for name in names if name != field], n=1) if spelled else []
    return close[0] if close else None


def _of_another_kind(field, model) -> bool:
    """Whether field is not one of model's (a file's model class, None: unknown) but a
    top-level field of another kind of file."""
    mine = model.model_fields if model is not None else ()
    return field not in mine and any(field in other.model_fields for other in KINDS.values())


def _record_at(model, path: tuple):
    """The model class of the record at path in a file whose model is model (None: unknown)."""
    keyed = False  # the field before holds a dict: this part is one of its keys
    for part in path:
        if model is None:
            return None
        if isinstance(part, int) or keyed:  # an item of the list (or dict) the field before holds
            keyed = False
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        types = _nested_types(info.annotation)
        keyed = any(typing.get_origin(a) is dict for a in types)
        nested = [a for a in types if isinstance(a, type) and hasattr(a, "model_fields")]
        model = nested[0] if nested else None
    return model


def _pydantic_problem(rel: str, node, error: dict, data: object = None, model=None) -> Problem:
    loc = _data_loc(error["loc"], data)
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
    value = _value_at(data, loc)
    explained = explain_value(kind, value, error.get("ctx") or {})
    if explained is not None:  # "正在推进 " is not "正在推进": say what differs
        template, hint = _braces(explained[0]), explained[1]
    if kind == "value_error":
        ctx["error"] = str(ctx.get("error", error["msg"]))
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == BLANK_PATTERN:
        template = "只有空白,没有文字"
    try:
        message = template.format(**ctx)
    except (KeyError, IndexError):
        message = template
    if kind == "extra_forbidden":
        field = str(ctx["field"])
        elsewhere = len(loc) == 1 and _of_another_kind(field, model)
        # one such field is a slip (a task's "name" for its title); several, a file in the wrong folder
        misplaced = elsewhere and isinstance(data, dict) and sum(_of_another_kind(key, model) for key in data) > 1
        meant = None if misplaced else _meant(field, _record_at(model, loc[:-1]), spelled=not elsewhere)
        if meant is not None:
            hint = f"是不是“{meant}”?"
        elif elsewhere:
            message = f"这类文件没有字段“{field}”"  # a field of another kind of file: not a typo
            hint = "这是另一类数据文件的字段,这个文件是否放错了目录?"
    if kind == "string_type":
        hint = "纯数字、true/false 等要加引号,写成文本"
    if kind == "int_type" and isinstance(value, str) and re.fullmatch(r"0[0-9]+", value):  # 08: YAML's text
        hint = f"以 0 开头的数字在 YAML 中是文本:写作 {int(value)}"
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


def _data_loc(loc: tuple, data: object) -> tuple:
    """The location without the union members pydantic puts into it, keeping a key of the
    data that merely looks like one (a field written "x[0]")."""
    out = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif _is_union_tag(part):
            continue
        else:
            data = data[part] if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data) else None
        out.append(part)
    return tuple(out)


def _is_union_tag(part) -> bool:
    # pydantic puts the union member ('list[str]', "literal['open']") into the location
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))
