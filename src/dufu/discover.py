"""Find a data repository and every data file in it, each with its kind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem, RepositoryNotFound

DATA_DIR = "data"
# folder (relative to data/) -> kind of every .yaml file below it
FOLDERS = {"rounds": "round", "tasks": "task", "bulletins": "bulletin"}
UNITS_FILE = "units.yaml"


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


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    rel: str  # as shown in messages, relative to the repository root, with /
    kind: str | None  # None: a file that does not belong where it is


def discover(root: Path) -> list[SourceFile]:
    """Every YAML file under data/, each with its kind; misplaced ones have kind None."""
    data = root / DATA_DIR
    found = []
    for rel_parts in sorted(_files(data, ()), key=lambda parts: [os.path.normcase(p) for p in parts]):
        path = data.joinpath(*rel_parts)
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        kind = None
        if path.suffix == ".yaml":
            if rel_parts == (UNITS_FILE,):
                kind = "units"
            elif len(rel_parts) > 1:
                kind = FOLDERS.get(rel_parts[0])
        found.append(SourceFile(path, "/".join((DATA_DIR, *rel_parts)), kind))
    return found


def _files(folder: Path, parts: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """The path parts (below data/) of every file that is not hidden, as sorted(rglob("*"))
    with is_file() would find them, in one os.scandir per folder: symlinked folders are not
    entered, unreadable folders are skipped."""
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.is_dir() and not entry.is_symlink(), entry.is_file()) for entry in entries]
    except (PermissionError, FileNotFoundError, NotADirectoryError):
        return
    for name, is_folder, is_file in found:
        if name.startswith("."):
            continue
        if is_folder:
            yield from _files(folder / name, (*parts, name))
        elif is_file:
            yield (*parts, name)


def misplaced_problem(source: SourceFile) -> Problem:
    if source.path.suffix != ".yaml":
        return Problem(source.rel, 0, 0, "E110", "扩展名应为 .yaml,这个文件不会被读取", hint="把文件改名为 .yaml")
    return Problem(
        source.rel,
        0,
        0,
        "E111",
        "文件不在已知目录中,不会被读取",
        hint="数据文件应放在 data/rounds/、data/tasks/、data/bulletins/ 或 data/units.yaml",
    )
