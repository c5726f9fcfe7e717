"""Reading and writing files safely.

Reading: only regular files, opened without following a final symlink and without blocking
on a FIFO, checked with fstat after opening (so a file swapped in between cannot fool it).
Writing: a reader sees the old file or the new one, never half of one; a target that is not a
regular file (a device such as /dev/null or /dev/full, a FIFO) is written through, never
replaced; signals cannot leave a temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .problems import DufuError

MAX_FILE_BYTES = 2 * 1024 * 1024  # the largest data file dufu reads

# errno -> what it means, in the words a user needs
_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.ENOENT: "目录不存在",
    errno.ENOTDIR: "路径中有一部分不是目录",
    errno.EISDIR: "这是一个目录",
    errno.ELOOP: "符号链接循环",
    errno.ENXIO: "设备或管道没有接收方",
    errno.EFBIG: "文件过大",
    errno.EIO: "输入输出错误",
    errno.EPIPE: "读取的一方已经关闭",
    errno.EEXIST: "已有同名的文件或链接",
}
_SIGNALS = {signal.SIGINT, signal.SIGTERM} | ({signal.SIGHUP} if hasattr(signal, "SIGHUP") else set())


def reason(exc: OSError, writing: bool | None = False) -> str:
    """An OSError in plain Chinese (writing None: reading or writing, not known which)."""
    if exc.errno in (errno.EACCES, errno.EPERM) and not writing:
        return "没有权限" if writing is None else "没有读取权限"
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


class NotRegularFile(OSError):
    """A path that is not a regular file (symlink, FIFO, device, socket, directory)."""

    def __init__(self, what: str):
        super().__init__(errno.EINVAL, what)
        self.what = what


def file_kind(mode: int) -> str:
    """What kind of file a mode is, in Chinese."""
    for test, name in (
        (stat.S_ISREG, "普通文件"),
        (stat.S_ISLNK, "符号链接"),
        (stat.S_ISDIR, "目录"),
        (stat.S_ISFIFO, "命名管道(FIFO)"),
        (stat.S_ISSOCK, "套接字"),
        (stat.S_ISCHR, "字符设备"),
        (stat.S_ISBLK, "块设备"),
    ):
        if test(mode):
            return name
    return "特殊文件"


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file; NotRegularFile for anything else (a symlink as the last
    component, a FIFO, a device…), never following, never blocking. With limit, a file larger
    than limit raises FileTooLarge (nothing read)."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
            raise NotRegularFile("符号链接") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(file_kind(info.st_mode))
        if limit is not None and info.st_size > limit:
            raise FileTooLarge(info.st_size)
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size > limit:  # it grew while being read
                raise FileTooLarge(size)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_or_empty(path: Path, limit: int | None = None) -> bytes:
    """read_regular, or b"" when the file is not a regular file or cannot be read (for
    locating problems and quoting lines: that failure is reported on its own)."""
    try:
        return read_regular(path, limit)
    except OSError:
        return b""


class FileTooLarge(OSError):
    def __init__(self, size: int):
        super().__init__(errno.EFBIG, "file too large")
        self.size = size


def _mode_for(path: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_error(path: Path, exc: OSError) -> DufuError:
    return DufuError(f"无法写入 {path}:{reason(exc, writing=True)}")


def write_atomic(path: Path, content: bytes | Callable[[BinaryIO], None]) -> None:
    """Write content to path: bytes, or a function that writes them to the open file (a large
    file is then never held whole in memory). A regular file (or a new one) is replaced
    atomically, via a temporary file in the same folder and os.replace; a symlink keeps
    pointing at its target. A character device or FIFO is written through, never replaced;
    anything else is refused. Every failure is a DufuError naming the path."""
    path = Path(path)
    info = _stat_target(path)
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        if callable(content):
            buffer = io.BytesIO()
            content(buffer)
            content = buffer.getvalue()
        return _write_through(path, content)
    _replace(_replaceable(path), content, display=path)


def write_all_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Write several regular files as one change: each to a temporary file beside it first,
    and only when every one is written (a read-only file, a folder that takes no new file, a
    full disk refuse it there) are they renamed into place; on any failure none is, and the
    temporary files and the folders made for them are gone. Signals are held back meanwhile."""
    held = _hold_signals()
    made: list[Path] = []  # folders made for new files, deepest last
    ready: list[tuple[str, Path]] = []  # (temporary file, target) written and synced
    folders: list[Path] = []
    written = False
    try:
        for path, content in files:
            path = Path(path)
            for folder in reversed([path.parent, *path.parent.parents]):
                if not folder.exists():
                    try:
                        folder.mkdir()
                    except OSError as exc:
                        raise _write_error(folder, exc) from None
                    made.append(folder)
            target = _replaceable(path)  # a FIFO or device too is refused here: not written through
            ready.append((_written_beside(target, content, path), target))
        folders = list(dict.fromkeys(target.parent for _, target in ready))
        for tmp, target in ready:
            try:
                os.replace(tmp, target)
            except OSError as exc:  # a rename within its folder, after a file was made there
                raise _write_error(target, exc) from None
        ready, written = [], True
    finally:
        for tmp, _ in ready:
            Path(tmp).unlink(missing_ok=True)
        if not written:
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
        _release_signals(held)
    for folder in folders:
        _sync_folder(folder)


def _stat_target(path: Path):
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _write_error(path, exc) from None


def _replaceable(path: Path) -> Path:
    """The file to replace for path: checked to be a regular file (or none yet) that may be
    written, in a folder that exists; through a symlink, its target."""
    info = _stat_target(path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise DufuError(f"无法写入 {path}:这是{file_kind(info.st_mode)},不是普通文件")
    # a read-only file is not replaced behind its back: not writable by us, or by no one (root
    # may write anything, but a file without a write bit was made read-only on purpose)
    if info is not None and (not os.access(path, os.W_OK) or not info.st_mode & 0o222):
        raise DufuError(f"无法写入 {path}:{_REASONS[errno.EACCES]}(文件是只读的)")
    target = Path(os.path.realpath(path))  # through a symlink: replace its target, keep the link
    if not target.parent.is_dir():
        raise DufuError(f"无法写入 {path}:目录 {target.parent} 不存在")
    return target


def walk_files(top: Path):
    """(path, lstat result) of every entry below top that is not a folder, hidden ones too,
    in name order, no symlink followed; iterative (os.walk and rglob recurse, and a deep
    enough tree of folders exhausts Python 3.11's stack). Unreadable folders are passed over."""
    todo = [str(top)]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                folders.append(entry.path)
            else:
                yield entry.path, info
        todo.extend(reversed(folders))  # the first folder is walked next


def refuse_links_in(root: Path, path: Path) -> None:
    """DufuError when path, or a folder on the way to it, is a symlink inside the repository
    root: a link there may come from a stranger's pull request and lead a write (`render -o
    notice.txt` in CI) to any file outside. A link outside the repository is the user's own."""
    base = Path(os.path.realpath(root))
    current = Path("/")
    # the path as the system will follow it, a component at a time: a link outside the
    # repository (the user's own, or the way the repository itself was reached) is followed,
    # one inside it refused, wherever it stands (sub/.. would pass a lexical check)
    for part in (Path.cwd() / path).parts[1:]:  # (not abspath: it drops sub/.. unread)
        if part == "..":
            current = current.parent
            continue
        candidate = current / part
        try:
            mode = os.lstat(candidate).st_mode
        except OSError:  # absent (a new file), or unreadable: the write itself says why
            return
        if stat.S_ISLNK(mode):
            if candidate.parent.is_relative_to(base):
                where = candidate.relative_to(base).as_posix()
                raise DufuError(f"无法写入 {path}:{where} 是数据仓库中的符号链接,不会经由它写入(它可能指向仓库之外)")
            candidate = Path(os.path.realpath(candidate))
        current = candidate


def refuse_unless_plain(path: Path, folder: bool = False) -> None:
    """Raise DufuError unless path is absent or, not followed, a regular file (a folder, with
    folder). For what dufu names itself inside a repository, whose content may come from a
    stranger: write_atomic writes through a symlink (right for a path the user typed), so a
    link planted there would otherwise lead the write to any file the user may change."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _write_error(path, exc) from None
    if stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode):
        return
    kind = file_kind(mode)
    wanted = "目录" if folder else "普通文件"
    why = "dufu 不通过符号链接写入," if stat.S_ISLNK(mode) else ""
    raise DufuError(f"无法写入 {path}:这是{kind},不是{wanted};{why}没有写入任何文件")


def pinned_zip(raw: bytes, edit: Callable[[str, bytes], bytes] | None = None) -> bytes:
    """A zip package (docx, xlsx) with every entry dated 1980-01-01, the earliest a zip can
    say, instead of the time it was saved: the same content gives the same bytes. edit(name,
    content): each entry's content as it is to be written. Entry order is kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if edit is not None:
                content = edit(info.filename, content)
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _write_through(path: Path, content: bytes) -> None:
    try:
        # O_NONBLOCK: a FIFO nobody reads is an error (ENXIO), not a hang; writes then block as usual
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except OSError as exc:
        raise _write_error(path, exc) from None


def _replace(target: Path, content: bytes | Callable[[BinaryIO], None], display: Path) -> None:
    """Temporary file, write, fsync, rename, with SIGINT/SIGTERM/SIGHUP held back meanwhile, so
    a signal can never leave the temporary file behind (it arrives once the step is over)."""
    held = _hold_signals()
    tmp = None
    try:
        tmp = _written_beside(target, content, display)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise _write_error(display, exc) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        _release_signals(held)
    _sync_folder(target.parent)


def _written_beside(target: Path, content: bytes | Callable[[BinaryIO], None], display: Path) -> str:
    """A temporary file in target's folder holding content, synced, with target's mode: its
    path (gone again when writing it fails)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except FileNotFoundError:  # the folder exists (checked): this file system takes no new files
        raise DufuError(f"无法写入 {display}:无法在目录 {target.parent} 中创建文件") from None
    except OSError as exc:
        raise _write_error(display, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.chmod(tmp, _mode_for(target))
            if callable(content):
                content(handle)
            else:
                handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(display, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _hold_signals():
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)


def _release_signals(held) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); the file is already in place if this fails."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        dir_fd = os.open(folder, os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
