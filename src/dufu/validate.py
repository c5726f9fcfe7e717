"""Validate a data repository: load every file, run the cross-file checks, apply settings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .config import load_config
from .problems import InvalidData, Problem, UsageError, bound_problems
from .sources import DATA_DIR

if TYPE_CHECKING:
    from .dataset import Dataset


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
    root: Path,
    today: date,
    paths: list[Path] | None = None,
    keep_text: bool = True,
    cache: bool = False,
    need_data: bool = True,
    warm=None,
) -> ValidationResult:
    """Every problem in the repository (or in the named files), sorted by file and position,
    with the repository's configured severities applied. keep_text=False drops the progress
    prose once checked (validation alone needs no more). cache=True reads unchanged files'
    results from the repository's index (and updates it); tasks taken from it have no prose
    (``indexed.with_text`` loads it). need_data=False (the validate command) lets a warm run
    answer from the index alone; the result's data is then None. warm: what open_warm found
    for this root and day, when the caller already asked."""
    config = load_config(root)
    only = None if paths is None else _selection(root, paths)
    if cache:
        from .warm import open_warm

        warm = warm or open_warm(root, today, only)
        if warm.selected is not None and not need_data:
            return _result(None, config, warm.selected, only, len(only))
    if cache and only is None:
        if warm.problems is not None:
            result = _result(None, config, warm.problems, None, len(warm.sources))
            if not need_data or result.errors:  # with errors, load_valid stops before any query
                return result
            from .indexed import warm_dataset

            data = warm_dataset(root, today, warm)
            if data is not None:
                return ValidationResult(data, result.problems, result.files)
    from .checks import check_dataset
    from .repo import gc_paused, load_repository

    with gc_paused():
        if cache:
            data, cross = _load_and_check_indexed(root, today, only, warm)
        else:
            data = load_repository(root, today, only, keep_text)
            cross = check_dataset(data)
    return _result(data, config, [*data.problems, *cross], only, data.files if only is None else len(only))


def _load_and_check_indexed(root: Path, today: date, only: set[str] | None, warm):
    """load_indexed and the checks across files; the index is saved with their verdict (when
    the whole repository was loaded)."""
    from .checks import check_dataset
    from .indexed import load_indexed
    from .warm import record_selection, record_verdict

    data = load_indexed(root, today, only, warm)
    cross = check_dataset(data)
    if only is None:
        record_verdict(warm, data.problems, cross)
    else:
        record_selection(warm, only, [*data.problems, *cross])
    warm.index.save()
    return data, cross


def _result(data, config, problems: list, only: set[str] | None, files: int) -> "ValidationResult":
    if only is not None:
        problems = [p for p in problems if p.path in only]
    problems = bound_problems(config.apply(problems))
    problems.sort(key=lambda p: (p.path, p.omitted > 0, p.line, p.col, p.code))
    return ValidationResult(data, problems, files)


def _selection(root: Path, paths: list[Path]) -> set[str] | None:
    """The repository-relative data files named: a file as itself, a folder as every data file
    below it; None (everything) when a folder holds the whole of data/."""
    only: set[str] = set()
    folders = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            rel = _inside(root, path.resolve(), path)
            if rel in ("", DATA_DIR):
                return None
            folders.append(rel + "/")
        else:
            only.add(_relative(root, path))
    if folders:
        from .sources import discover

        under = {s.rel for s in discover(root) if (s.rel + "/").startswith(tuple(folders))}  # an unreadable folder itself too
        if not under:
            raise UsageError(f"{'、'.join(f.rstrip('/') for f in folders)} 下没有 .yaml 数据文件")
        only.update(under)
    return only


def _inside(root: Path, resolved: Path, named: Path) -> str:
    try:
        rel = resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{named} 不在数据仓库 {root} 中") from None
    return "" if rel == "." else rel


def _relative(root: Path, path: Path) -> str:
    """A named file as a repository-relative path; a usage error if it is not a data file."""
    resolved = path.absolute().parent.resolve() / path.name  # a named symlink is reported, not followed
    if not os.path.lexists(resolved):
        raise UsageError(f"文件不存在:{path}")
    rel = _inside(root, resolved, path)
    if rel.split("/")[0] != DATA_DIR or resolved.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"{path} 不是数据文件(应为 data/ 下的 .yaml 文件)")
    hidden = next((part for part in rel.split("/")[1:-1] if part.startswith(".")), None)
    if hidden is not None:  # never read: "checked, no problems" would be untrue
        raise UsageError(f"{path} 在隐藏目录 {hidden} 中(名称以 . 开头),dufu 不读取其中的文件")
    return rel


# Errors a write may start from: a round whose tasks entered so far do not add up to its total
# (E350), as while a round's tasks are entered one by one. Every file loads whole, and the
# writer refuses a change that adds an error or takes a round further from its total; a new
# notice is not drafted while a round it prints is short (newfiles.next_bulletin).
WRITABLE_DESPITE = ("E350",)


def load_for_writing(root: Path, today: date) -> Dataset:
    """load_valid for a command that writes: the dataset, or InvalidData when it has an error
    a write may not start from (WRITABLE_DESPITE)."""
    result = validate_repository(root, today)
    if any(p.is_error and p.code not in WRITABLE_DESPITE for p in result.problems):
        raise InvalidData(result.problems)
    return result.data


def load_valid(root: Path, today: date, keep_text: bool = True, cache: bool = False, warm=None) -> Dataset:
    """The dataset, or InvalidData when it has errors (warnings do not stop anything)."""
    result = validate_repository(root, today, keep_text=keep_text, cache=cache, warm=warm)
    if result.errors:
        raise InvalidData(result.problems)
    return result.data
