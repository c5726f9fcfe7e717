"""Validate a data repository: load every file, run the cross-file checks, apply settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .checks import check_dataset
from .config import load_config
from .problems import InvalidData, Problem, UsageError, bound_problems
from .repo import DATA_DIR, Dataset, gc_paused, load_repository


@dataclass(frozen=True)
class ValidationResult:
    data: Dataset
    problems: list[Problem]
    files: int

    @property
    def errors(self) -> int:
        return sum(p.count for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return sum(p.count for p in self.problems) - self.errors


def validate_repository(
    root: Path, today: date, paths: list[Path] | None = None, keep_text: bool = True, cache: bool = False
) -> ValidationResult:
    """Every problem in the repository (or in the named files), sorted by file and position,
    with the repository's configured severities applied. keep_text=False drops the progress
    prose once checked (validation alone needs no more). cache=True reads unchanged files'
    results from the repository's index (and updates it); tasks taken from it have no prose
    (``indexed.with_text`` loads it)."""
    config = load_config(root)
    only = None if paths is None else {_relative(root, path) for path in paths}
    with gc_paused():
        if cache:
            from .indexed import load_indexed

            data = load_indexed(root, today, only)
        else:
            data = load_repository(root, today, only, keep_text)
        problems = list(data.problems)
        problems.extend(check_dataset(data))
    if only is not None:
        problems = [p for p in problems if p.path in only]
    problems = bound_problems(config.apply(problems))
    problems.sort(key=lambda p: (p.path, p.omitted > 0, p.line, p.col, p.code))
    return ValidationResult(data, problems, data.files if only is None else len(only))


def _relative(root: Path, path: Path) -> str:
    """A named file as a repository-relative path; a usage error if it is not a data file."""
    resolved = path.absolute().parent.resolve() / path.name  # a named symlink is reported, not followed
    if not os.path.lexists(resolved):
        raise UsageError(f"文件不存在:{path}")
    try:
        rel = resolved.relative_to(root.resolve())
    except ValueError:
        raise UsageError(f"{path} 不在数据仓库 {root} 中") from None
    if rel.parts[0] != DATA_DIR or resolved.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{path} 不是数据文件(应为 data/ 下的 .yaml 文件)")
    return rel.as_posix()


def load_valid(root: Path, today: date, keep_text: bool = True, cache: bool = False) -> Dataset:
    """The dataset, or InvalidData when it has errors (warnings do not stop anything)."""
    result = validate_repository(root, today, keep_text=keep_text, cache=cache)
    if result.errors:
        raise InvalidData(result.problems)
    return result.data
