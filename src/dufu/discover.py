"""Find a data repository and every data file in it, each with its kind."""

from __future__ import annotations

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
    for path in sorted(data.rglob("*")):
        rel_parts = path.relative_to(data).parts
        if any(part.startswith(".") for part in rel_parts) or not path.is_file():
            continue
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        kind = None
        if path.suffix == ".yaml":
            if rel_parts == (UNITS_FILE,):
                kind = "units"
            elif len(rel_parts) > 1:
                kind = FOLDERS.get(rel_parts[0])
        found.append(SourceFile(path, path.relative_to(root).as_posix(), kind))
    return found


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
