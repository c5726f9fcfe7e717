"""Start-up: a parameter whose value Typer would give back as it is, or only turn into a Path,
needs no coercion through Pydantic.

Typer 0.29 coerces every parameter through a Pydantic TypeAdapter that it builds, lazily, the
first time the parameter is processed, even when there is no value to coerce (it then returns
None, or () for a list). The options before a command name (``-C``) are processed for every
command, so ``dufu status --help`` imported Pydantic for nothing: 2.7 times the start-up of
``import typer``; and building the adapters for ``-C DIR --today DAY`` cost about 0.05 s of a
warm run. This gives what the adapter gives, without building it, for: no value; a value that
is already of the parameter's type (a str, a flag's bool, a member of the parameter's own
enum, an int default within its range: the adapter gives back the same object); an enum's
value given as text, matched by Typer's own ``coerce_cli_choice``; and a path, or a list of
paths, given as text, which Typer's own path check (``coerce_cli_path``: exists, readable,
…) then sees as the Path the adapter would have made. Any other value (a text no member
matches, among others) is left to Typer. Guarded by tests/test_startup.py (the same results as Typer's own coercion)
and the start-up benchmark; a Typer without these internals is left as it is.
"""

from __future__ import annotations

import enum
from pathlib import Path

_TYPER = object()  # not for us: Typer coerces the value


def install() -> None:
    try:
        from typer._click.exceptions import MissingParameter
        from typer._param_types import coerce_cli_choice, coerce_cli_path
        from typer.core import _TyperParameter
    except ImportError:
        return
    original = getattr(_TyperParameter, "_dufu_process_value", _TyperParameter.process_value)
    _TyperParameter._dufu_process_value = original

    def process_value(self, ctx, value):
        if getattr(self, "_runtime_param", True) is not None:
            return original(self, ctx, value)

        def path(text: str) -> Path:
            info = self.type_descriptor.parameter_info
            return coerce_cli_path(Path(text), info, path_type=Path, param=self, ctx=ctx)

        def choice(text: str, members: type[enum.Enum]):
            info = self.type_descriptor.parameter_info
            try:
                return coerce_cli_choice(text, choices=list(members), case_sensitive=info.case_sensitive, ctx=ctx)
            except ValueError:  # not one of them: Typer says so
                return _TYPER

        coerced = _coerced(self, value, path, choice)
        if coerced is _TYPER:
            return original(self, ctx, value)
        if self.required and self.value_is_missing(coerced):
            raise MissingParameter(ctx=ctx, param=self)
        if self.callback is not None:
            coerced = self.callback(ctx, self, coerced)
        return coerced

    _TyperParameter.process_value = process_value


def _coerced(param, value, path, choice):
    """What Typer's adapter gives for value, or _TYPER where this cannot tell."""
    if value is None:
        return () if (param.multiple or param.nargs == -1) else None  # as RuntimeParam.coerce(None)
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or descriptor.file_annotation is not None:
        return _TYPER
    info = descriptor.parameter_info
    if any(getattr(info, name, None) is not None for name in ("path_type", "parser")):
        return _TYPER  # converted the parameter's own way
    annotation = descriptor.annotation
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        if type(value) is str:  # `--format json`: the member, by Typer's own matching
            return choice(value, annotation)
        return value if type(value) is annotation else _TYPER
    if annotation in (str, bool):
        return value if type(value) is annotation else _TYPER
    if annotation is int and type(value) is int:  # a default (`--limit`): the adapter checks its range
        fits = (info.min is None or value >= info.min) and (info.max is None or value <= info.max)
        return value if fits else _TYPER
    if annotation is Path and type(value) is str:
        return path(value)
    if annotation == list[Path] and type(value) is tuple and all(type(item) is str for item in value):
        return [path(item) for item in value]
    return _TYPER
