"""The one write path: every command that changes a data repository goes through here.

A change is a set of whole new file contents, computed by the caller so that it keeps every
byte it does not mean to change. ``commit_changes`` then checks the repository as it would be
(in a staging copy: no error may be added, and no published notice may change unless the user
accepts it), shows the diff, and writes every file atomically — or writes nothing.
"""

from __future__ import annotations

import difflib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .files import NotRegularFile, read_regular, reason, walk_files, write_all_atomic
from .problems import DufuError, InvalidData, Problem, RenderError
from .textsafety import visible

# What the checks read besides data/: copied into the staging repository.
_CONFIG_FILES = ("dufu.toml", "pyproject.toml")
# Errors that say only that a notice cannot be rendered (template missing, or broken): the
# guard still tries, so that it refuses rather than looks away.
_TEMPLATE_ERRORS = ("E354", "E355")


@dataclass(frozen=True)
class Change:
    """One file's new content; old is None for a file that does not exist yet."""

    rel: str  # repository-relative, with /
    new: bytes
    old: bytes | None


class WriteRefused(InvalidData):
    """The change would add errors or change a published notice; nothing was written.
    Carries the errors it would add (the CLI prints them like any invalid data)."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        DufuError.__init__(self, message)
        self.problems = problems or []


def change_file(root: Path, rel: str, new: bytes) -> Change:
    """A Change for root/rel, reading what is there now. rel must stay inside the repository
    (callers check the ids they build it from; this is the last line)."""
    if rel.startswith("/") or ".." in rel.split("/"):
        raise DufuError(f"{rel} 不在数据仓库之内,不会写入")
    path = root / rel
    try:
        old = read_regular(path) if os.path.lexists(path) else None
    except NotRegularFile as exc:  # never read (nor show in a diff) what a symlink points at
        raise DufuError(f"{rel} 是{exc.what},不是普通文件,不会修改") from None
    except OSError as exc:
        raise DufuError(f"无法读取 {rel}:{reason(exc)}") from None
    return Change(rel, new, old)


def diff_changes(changes: list[Change]) -> str:
    """A unified diff of every change (new files against nothing)."""
    out = []
    for change in changes:
        old = (change.old or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = change.new.decode("utf-8", "replace").splitlines(keepends=True)
        rel = visible(change.rel)  # a name that is not UTF-8 shows its bytes as \xff
        before = f"a/{rel}" if change.old is not None else "/dev/null"
        lines = difflib.unified_diff(old, new, before, f"b/{rel}")
        out.extend(line if line.endswith("\n") else line + "\n\\ 文件末尾没有换行\n" for line in lines)
    return "".join(out)


def _stage(root: Path, changes: list[Change], into: Path) -> None:
    """Lay a copy of the repository's data and settings at into, with the changes applied.
    Unchanged files are hard-linked where possible (never written through)."""
    changed = {c.rel: c.new for c in changes}
    sources = [root / name for name in _CONFIG_FILES if (root / name).is_file()]
    for folder in ("data", "templates"):
        if (root / folder).is_dir():
            sources.extend(Path(path) for path, info in walk_files(root / folder) if stat.S_ISREG(info.st_mode))
    for source in sources:
        rel = source.relative_to(root).as_posix()
        if rel in changed:
            continue
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    for rel, content in changed.items():
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _state(root: Path, today: date) -> tuple[set[tuple], dict[str, bytes | RenderError], dict[str, int]]:
    """The errors of a repository (position left out: edits move lines), the text of each
    notice, or why it cannot be rendered (a notice that fails is not one the guard may skip,
    or a broken template would switch the guard off), and how far each round is from its
    total."""
    from .bulletin import render_bulletin
    from .validate import WRITABLE_DESPITE, validate_repository

    result = validate_repository(root, today)
    errors = {(p.path, p.code, p.field, p.message) for p in result.problems if p.is_error}
    notices: dict[str, bytes | RenderError] = {}
    if all(code in _TEMPLATE_ERRORS or code in WRITABLE_DESPITE for _, code, _, _ in errors):
        for bulletin_id, bulletin in result.data.bulletins.items():
            try:
                notices[bulletin_id] = render_bulletin(result.data, bulletin).encode("utf-8")
            except RenderError as exc:  # one is enough to refuse: a slow template is not run again
                notices[bulletin_id] = exc
                break
    return errors, notices, _short(result.data)


def _short(data) -> dict[str, int]:
    """Each round file's shortfall of its stated total (Dataset.shortfall)."""
    return {} if data is None else {data.where(rnd): data.shortfall(rnd.id) for rnd in data.rounds.values()}


def _no_further(before: int | None, after: int | None) -> bool:
    """Whether a round that missed its total before (E350) misses it after by no more, on the
    same side: a task entered towards the total is no new error."""
    return before is not None and after is not None and before * after > 0 and abs(after) <= abs(before)


def _refuse_unrendered(notices: dict[str, bytes | RenderError], when: str) -> None:
    """Refuse the write when a published notice cannot be rendered (when: 现在, 修改后): the
    guard cannot tell whether the change would alter it."""
    failed = sorted((n, exc) for n, exc in notices.items() if isinstance(exc, RenderError))
    if failed:
        reasons = ";".join(f"{n}:{exc}" for n, exc in failed)
        raise WriteRefused(
            f"已发布公告 {'、'.join(n for n, _ in failed)} {when}无法生成,无法确认这次修改不会改变它,"
            f"没有写入任何文件。请先修正模板;确需写入,请加 --accept-published-change。原因:{reasons}"
        )


def check_changes(
    root: Path,
    changes: list[Change],
    today: date,
    accept_published: bool = False,
    verify: Callable[[Path], None] | None = None,
) -> None:
    """Raise WriteRefused when the changes would add an error, or change the text of a notice
    that exists now (unless accept_published). verify, if given, is called with the staged
    repository (after validation) for a caller's own check; it raises to refuse."""
    from .validate import validate_repository

    errors_before, notices_before, short_before = _state(root, today)
    with tempfile.TemporaryDirectory(prefix="dufu-stage-") as tmp:
        staged = Path(tmp)
        _stage(root, changes, staged)
        result = validate_repository(staged, today)
        short_after = _short(result.data)
        added = [
            p
            for p in result.problems
            if p.is_error
            and (p.path, p.code, p.field, p.message) not in errors_before
            and not (p.code == "E350" and _no_further(short_before.get(p.path), short_after.get(p.path)))
        ]
        if added and all(p.code == "E351" for p in added):  # the totals a bulletin records as published
            ids = sorted({Path(p.path).stem for p in added})
            raise WriteRefused(
                f"这次修改会改变已发布公告 {'、'.join(ids)} 的内容(公布的任务数、已完成数等),没有写入任何文件。"
                "确需更正已发布的公告,请加 --accept-published-change",
                added,
            )
        if added:
            raise WriteRefused(f"这次修改会带来 {len(added)} 个错误,没有写入任何文件", added)
        if verify is not None:
            verify(staged)
        if accept_published:
            return
        _refuse_unrendered(notices_before, "现在")
        _, notices_after, _ = _state(staged, today)
    _refuse_unrendered({n: notices_after.get(n) for n in notices_before}, "修改后")
    changed = sorted(n for n, text in notices_before.items() if notices_after.get(n) != text)
    if changed:
        raise WriteRefused(
            f"这次修改会改变已发布公告 {'、'.join(changed)} 的内容,没有写入任何文件。"
            "确需更正已发布的公告,请加 --accept-published-change"
        )


def apply_changes(root: Path, changes: list[Change]) -> None:
    """Write every change as one: all of them, or (a read-only file, a full disk) none; each
    file replaced atomically (a reader sees the old file or the new one)."""
    write_all_atomic([(root / change.rel, change.new) for change in changes])


def commit_changes(
    root: Path,
    changes: list[Change],
    today: date,
    *,
    dry_run: bool = False,
    accept_published: bool = False,
    verify: Callable[[Path], None] | None = None,
) -> str:
    """Check, then (unless dry_run) write the changes; the diff either way. Files whose content
    would not change are left alone."""
    changes = [c for c in changes if c.new != c.old]
    if not changes:
        return ""
    if accept_published:  # the recorded published totals move with the accepted change
        from .published import restated_totals

        changes = [c for c in restated_totals(root, changes, today) if c.new != c.old]
    check_changes(root, changes, today, accept_published, verify)
    if not dry_run:
        apply_changes(root, changes)
    return diff_changes(changes)


def create_repository(target: Path, files: dict[str, bytes], today: date) -> None:
    """Lay out a new repository at target: built and validated in a folder beside it, then
    renamed into place, so a new target is either absent or complete. An existing folder is
    accepted only if none of the new top-level entries exists in it (e.g. just .git); each
    entry is then renamed in."""
    from .validate import validate_repository

    target = target.absolute()
    tops = sorted({rel.split("/", 1)[0] for rel in files})
    if target.exists() and not target.is_dir():
        raise DufuError(f"{target} 已存在且不是目录")
    clashes = [name for name in tops if (target / name).exists() or (target / name).is_symlink()]
    if clashes:
        raise DufuError(f"{target} 中已有 {'、'.join(clashes)},不会覆盖已有的数据仓库")
    if not target.parent.is_dir():
        raise DufuError(f"目录不存在:{target.parent}")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.dufu-init-", dir=target.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; a repository is an ordinary folder
        for rel, content in files.items():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_bytes(content)
        errors = [p for p in validate_repository(staging, today).problems if p.is_error]
        if errors:
            raise WriteRefused(f"新数据仓库没有通过校验({len(errors)} 个错误),没有写入任何文件", errors)
        if not target.exists():
            os.rename(staging, target)
            return
        for name in tops:
            os.rename(staging / name, target / name)
    except OSError as exc:
        raise DufuError(f"无法创建数据仓库 {target}:{exc.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
