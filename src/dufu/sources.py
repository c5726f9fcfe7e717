"""Which files of a data repository are data, and of what kind, found without opening any.

Only regular files are data. Symlinks (wherever they point), FIFOs, devices, sockets and
folders named like data files under data/ or templates/ come back refused, to be reported by
name; nothing here follows, opens or reads them.
"""

from __future__ import annotations

import operator
import os
import stat
from pathlib import Path
from typing import NamedTuple

from .files import file_kind, reason
from .problems import Problem, RepositoryNotFound
from .textsafety import UNSAFE_IN_NAME, visible

DATA_DIR = "data"
TEMPLATES_DIR = "templates"
# folder (relative to data/) -> kind of every .yaml file below it
FOLDERS = {"rounds": "round", "tasks": "task", "bulletins": "bulletin"}
UNITS_FILE = "units.yaml"


def find_root(start: Path) -> Path:
    """The nearest directory at or above start that holds a data/ folder (like git)."""
    try:
        start = start.resolve()
    except (RuntimeError, OSError):  # Python 3.11: a symlink loop is a RuntimeError; later ones raise OSError
        raise RepositoryNotFound(f"无法访问目录 {start}:符号链接循环(链接最终指回自己)") from None
    try:
        mode = start.stat().st_mode
    except FileNotFoundError:
        raise RepositoryNotFound(f"目录不存在:{start}") from None
    except OSError as exc:
        raise RepositoryNotFound(f"无法访问目录 {start}:{reason(exc, writing=None)}") from None
    if not stat.S_ISDIR(mode):  # it exists: "does not exist" would send the user looking for it
        raise RepositoryNotFound(f"{start} 不是目录(是{file_kind(mode)}),请用 -C 指定数据仓库所在的目录")
    for folder in (start, *start.parents):
        if (folder / DATA_DIR).is_dir():
            return folder
    raise RepositoryNotFound(
        f"在 {start} 及其上级目录中没有找到数据仓库(含有 data/ 目录的文件夹)。请进入数据仓库目录,或用 -C 目录 指定。"
    )


class SourceFile(NamedTuple):
    """A file discovery found. A tuple, its Path made only when asked for: at tens of
    thousands of files a warm run, which only compares stat data, would otherwise spend more
    on making these than on the walk."""

    root: Path
    rel: str  # as shown in messages, relative to the repository root, with /
    kind: str | None  # None: a file that does not belong where it is
    refused: tuple[str, str] | None = None  # (code, message): not a regular file, never read
    stat: tuple[int, int, int, int] | None = None  # size, mtime, ctime, inode when found

    @property
    def path(self) -> Path:
        return self.root / self.rel


def discover(root: Path) -> list[SourceFile]:
    """Every YAML file under data/, each with its kind; misplaced ones have kind None.

    Nothing is followed or opened here: symlinks, FIFOs, devices, sockets (under data/ or
    templates/) and folders named like data files come back refused, to be reported."""
    found = []
    for folder in (DATA_DIR, TEMPLATES_DIR):
        for rel, info in _walk(root, folder, found if folder == DATA_DIR else None):
            if isinstance(info, OSError):
                found.append(unreadable(root, rel, info))
                continue
            source = _classify(root, rel, info, data_file=folder == DATA_DIR)
            if source is not None:
                found.append(source)
    found.sort(key=_by_rel)
    return found


_by_rel = operator.itemgetter(1)


def _walk(root: Path, top: str, data: list | None = None):
    """(path relative to root with /, lstat result) of top and everything below it, hidden
    entries skipped, no symlink followed; iterative, so no depth of folders can exhaust the
    stack. Paths stay strings: at tens of thousands of files Path objects cost more than the walk.
    A folder that cannot be listed, or whose entries cannot be looked at, comes again with
    the OSError in place of its lstat result: what it holds was not seen, so it must be
    reported, never passed over as if empty. An entry gone since it was listed is skipped.

    data: where the plain case goes straight, without a yield and _classify (most of a
    warm run's walk): a regular .yaml file in a folder below data/, whose kind its first
    folder gives."""
    base = str(root) + os.sep
    try:
        todo = [(top, os.lstat(base + top))]
    except FileNotFoundError:  # no templates/ (data/ is there: find_root saw it)
        return
    except OSError as exc:
        todo = [(top, exc)]
    while todo:
        rel, info = todo.pop()
        yield rel, info
        if isinstance(info, OSError) or not stat.S_ISDIR(info.st_mode):
            continue
        parts = rel.split("/")
        kind = FOLDERS.get(parts[1]) if data is not None and len(parts) > 1 and rel.isprintable() else None
        try:
            with os.scandir(base + rel) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith(".") and not (data is not None and _hidden_yaml(entry)):
                        continue  # .git, .gitkeep, an editor's lock file: not data
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:  # removed since it was listed
                        continue
                    plain = kind is not None and name.endswith(".yaml") and name[0] != "." and name.isprintable()
                    if plain and stat.S_ISREG(info.st_mode):
                        stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
                        data.append(SourceFile(root, rel + "/" + name, kind, None, stamp))
                    else:
                        todo.append((rel + "/" + name, info))
        except FileNotFoundError:  # removed since it was found: nothing left unseen
            continue
        except OSError as exc:
            yield rel, exc


def unreadable(root: Path, rel: str, exc: OSError) -> SourceFile:
    """A folder the walk could not look into, refused as E100: nothing it holds was checked,
    so the repository cannot pass as valid (nor the index vouch for it)."""
    return SourceFile(root, rel, None, ("E100", f"无法读取这个目录:{reason(exc)},其中的文件都没有检查"))


def _hidden_yaml(entry: os.DirEntry) -> bool:
    """A hidden regular file named like a data file (.r2-05.yaml): reported, never passed
    over in silence (git keeps it, a reviewer may not see it)."""
    return entry.name.lower().endswith((".yaml", ".yml")) and entry.is_file(follow_symlinks=False)


def _classify(root: Path, rel: str, info: os.stat_result, data_file: bool) -> SourceFile | None:
    mode = info.st_mode
    name = rel.rsplit("/", 1)[-1]
    if not rel.isprintable() and UNSAFE_IN_NAME.search(rel):  # a control, line break or invisible character: never read
        part = next(part for part in rel.split("/") if UNSAFE_IN_NAME.search(part))  # its own name, or a folder's
        return SourceFile(root, rel, None, ("E117", f"名称中有控制字符或看不见的字符({visible(part)}),不会读取:请改名"))
    if name.startswith(".") and data_file and stat.S_ISREG(mode):  # _walk passes only those named .yaml/.yml
        hidden = "是隐藏文件(名称以 . 开头),不会被读取;如是数据文件,请去掉开头的点"
        return SourceFile(root, rel, None, ("E111", hidden))
    suffix = name[name.rfind(".") :] if "." in name[1:] else ""
    is_yaml = suffix.lower() in (".yaml", ".yml")
    if stat.S_ISLNK(mode):
        return SourceFile(
            root, rel, None, ("E114", f"是符号链接({_link_target(root, root / rel)}),dufu 不跟随符号链接,不会读取")
        )
    if stat.S_ISDIR(mode):
        if is_yaml:
            return SourceFile(root, rel, None, ("E116", "是一个目录,却以数据文件的扩展名命名"))
        return None
    if not stat.S_ISREG(mode):
        return SourceFile(root, rel, None, ("E115", f"是{file_kind(mode)},不是普通文件,不会读取"))
    if not data_file or not is_yaml:
        return None
    parts = rel.split("/")[1:]  # below data/
    kind = None
    if suffix == ".yaml":
        if parts == [UNITS_FILE]:
            kind = "units"
        elif len(parts) > 1:
            kind = FOLDERS.get(parts[0])
    return SourceFile(root, rel, kind, stat=(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))


def _link_target(root: Path, path: Path) -> str:
    """Where a symlink leads, in words; the target itself is never named (nor read)."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError:
        return "链接循环或指向不存在的文件"
    if not target.is_relative_to(root.resolve()):
        return "指向数据仓库之外"
    return "指向数据仓库之内"


def misplaced_problem(source: SourceFile) -> Problem:
    if source.refused is not None:
        return Problem(source.rel, 0, 0, *source.refused)
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
