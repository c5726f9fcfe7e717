"""Per-repository settings: the severity of each rule, and the warning window of deadlines.

Read from ``dufu.toml`` (tables ``[rules]`` and ``[deadlines]``) in the data repository, or else
from ``pyproject.toml`` (``[tool.dufu.rules]``, ``[tool.dufu.deadlines]``). A rule maps to
"error", "warning" or "off". Problems that stop a file from loading (E1xx, E2xx) cannot be
changed. ``due_soon_days`` (default 30) is how many days before its due date a task is "due soon".
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .files import NotRegularFile, read_regular, reason
from .problems import RULES, Problem, UsageError
from .textsafety import visible

SEVERITIES = ("error", "warning", "off")
DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class Config:
    source: str | None = None
    rules: dict[str, str] = field(default_factory=dict)
    due_soon_days: int = DUE_SOON_DAYS

    def apply(self, problems: list[Problem]) -> list[Problem]:
        """Problems with configured severities; rules turned off are dropped."""
        out = []
        for problem in problems:
            severity = self.rules.get(problem.code)
            if severity == "off":
                continue
            out.append(problem.with_severity(severity) if severity else problem)
        return out


def _read(path: Path) -> dict:
    """A settings file, read as any data file: a regular file only, never through a symlink."""
    try:
        raw = read_regular(path, 1024 * 1024)
    except NotRegularFile as exc:
        raise UsageError(f"{path.name}: 是{exc.what},不是普通文件,不会读取") from None
    except OSError as exc:
        raise UsageError(f"{path.name}: 无法读取:{reason(exc)}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path.name}: 配置文件不是 UTF-8 编码") from None
    except tomllib.TOMLDecodeError as exc:  # its message is English: keep only where it is
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        at = f"第 {where[1]} 行第 {where[2]} 列:" if where else ""
        raise UsageError(f"{path.name}: {at}配置文件不是有效的 TOML") from None
    except RecursionError:
        raise UsageError(f"{path.name}: 配置文件嵌套过深") from None


_read_once: dict[Path, Config] | None = None  # within one_reading: each repository's, as first read


@contextmanager
def one_reading() -> Iterator[None]:
    """Within it, load_config reads a repository's configuration once and gives that reading
    every time: a command that reads it in several places (its own options, the checks' rules,
    the key of its kept answer) uses one version of it, whatever is written meanwhile."""
    global _read_once
    outer = _read_once
    _read_once = {} if outer is None else outer
    try:
        yield
    finally:
        _read_once = outer


def load_config(root: Path, fresh: bool = False) -> Config:
    """The repository's configuration; defaults when it has none. fresh: as the file is now,
    even within one_reading."""
    if _read_once is None or fresh:
        return _load_config(root)
    key = Path(root)
    if key not in _read_once:
        _read_once[key] = _load_config(root)
    return _read_once[key]


def _load_config(root: Path) -> Config:
    own = root / "dufu.toml"
    if os.path.lexists(own):
        source, settings = own.name, _read(own)
    elif os.path.lexists(root / "pyproject.toml"):
        source = "pyproject.toml"
        tool = _read(root / "pyproject.toml").get("tool", {})
        settings = tool.get("dufu", {}) if isinstance(tool, dict) else None
        if not isinstance(settings, dict):
            raise UsageError(f"{source}: tool.dufu 应为表,如 [tool.dufu.rules]")
    else:
        return Config()
    unknown = sorted(set(settings) - {"rules", "deadlines"})
    if unknown:  # [rule], a rule written above any table: silently without effect otherwise
        name, prefix = visible(str(unknown[0])), "tool.dufu." if source == "pyproject.toml" else ""
        where = "[tool.dufu] 中" if prefix else ""
        if name in RULES:
            raise UsageError(f"{source}: 规则 {name} 应写在 [{prefix}rules] 表下")
        raise UsageError(f"{source}: {where}没有设置项 {name}(可用的表:[{prefix}rules]、[{prefix}deadlines])")
    return Config(source, _rules(source, settings.get("rules", {})), _due_soon_days(source, settings.get("deadlines", {})))


def _due_soon_days(source: str, table: object) -> int:
    if not isinstance(table, dict):
        raise UsageError(f"{source}: deadlines 应为表,如 [deadlines] 下写 due_soon_days = 30")
    unknown = sorted(set(table) - {"due_soon_days"})
    if unknown:
        raise UsageError(f"{source}: [deadlines] 中没有设置项 {visible(unknown[0])}(可用:due_soon_days)")
    days = table.get("due_soon_days", DUE_SOON_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3660:
        raise UsageError(f"{source}: due_soon_days 应为 0 到 3660 之间的整数(天),而不是 {days!r}")
    return days


def _rules(source: str, table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        raise UsageError(f'{source}: rules 应为表,如 [rules] 下写 W401 = "off"')
    rules = {}
    for code, severity in table.items():
        if code not in RULES:
            raise UsageError(f"{source}: 没有规则 {visible(code)}(规则列表见 README)")
        if severity not in SEVERITIES:
            raise UsageError(f"{source}: 规则 {code} 的级别应为 error、warning 或 off,而不是 {severity!r}")
        if code[1] in "12":
            raise UsageError(f"{source}: 规则 {code} 使文件无法读取,级别不能更改")
        rules[code] = severity
    return rules
