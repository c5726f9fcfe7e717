"""Start-up: an option or argument given no value, or its own default member of an enum, needs
no coercion.

Typer 0.29 coerces every parameter through a Pydantic TypeAdapter that it builds, lazily, the
first time the parameter is processed, even when there is no value to coerce (it then returns
None, or () for a list). The options before a command name (``-C``) are processed for every
command, so ``dufu status --help`` imported Pydantic for nothing: 2.7 times the start-up of
``import typer``. This gives what Typer gives for a missing value without building the adapter, and
passes through an enum member of the parameter's own enum (what ``--format`` defaults to:
the adapter gives back that same member); any other value is left to Typer. Guarded by tests/test_chinese_help.py and the
start-up benchmark; a Typer without these internals is left as it is.
"""

from __future__ import annotations

import enum


def install() -> None:
    try:
        from typer._click.exceptions import MissingParameter
        from typer.core import _TyperParameter
    except ImportError:
        return
    original = getattr(_TyperParameter, "_dufu_process_value", _TyperParameter.process_value)
    _TyperParameter._dufu_process_value = original

    def process_value(self, ctx, value):
        if getattr(self, "_runtime_param", True) is not None or not _as_is(self, value):
            return original(self, ctx, value)
        if value is None:
            value = () if (self.multiple or self.nargs == -1) else None  # as RuntimeParam.coerce(None)
        if self.required and self.value_is_missing(value):
            raise MissingParameter(ctx=ctx, param=self)
        if self.callback is not None:
            value = self.callback(ctx, self, value)
        return value

    _TyperParameter.process_value = process_value


def _as_is(param, value) -> bool:
    """Whether value needs no coercion: None, or a member of the parameter's own enum."""
    if value is None:
        return True
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    return isinstance(annotation, type) and issubclass(annotation, enum.Enum) and type(value) is annotation
