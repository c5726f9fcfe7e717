"""PDF: the Word notice converted by headless LibreOffice (soffice).

The conversion runs in a temporary directory with its own LibreOffice profile, in its own
process group, under a timeout; on timeout the whole group is killed. Nothing is returned
unless LibreOffice produced a PDF, so a failure never leaves a partial file."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from ..notice import Notice
from ..problems import RenderError

TIMEOUT_SECONDS = 180
INSTALL_HINT = "请安装 LibreOffice(Debian/Ubuntu:apt-get install libreoffice-writer fonts-noto-cjk)"


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(f"无法生成 PDF:找不到 LibreOffice 的 soffice 命令。{INSTALL_HINT}")


def docx_to_pdf(docx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="dufu-pdf-") as tmp:
        work = Path(tmp)
        (work / "notice.docx").write_bytes(docx)
        profile = f"-env:UserInstallation={(work / 'profile').as_uri()}"
        command = [soffice, profile, "--headless", "--norestore", "--convert-to", "pdf",
                   "--outdir", str(work / "out"), str(work / "notice.docx")]
        _run(command, timeout)
        pdf = work / "out" / "notice.pdf"
        if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF"):
            raise RenderError("无法生成 PDF:LibreOffice 没有输出 PDF 文件")
        return pdf.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "TZ": "UTC"})  # the same date suffix on any machine
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RenderError(f"无法生成 PDF:LibreOffice 超过 {timeout:g} 秒没有完成,已终止") from None
    finally:
        _kill_group(process)
    if process.returncode != 0:
        tail = output.decode("utf-8", "replace").strip()[-300:]
        raise RenderError(f"无法生成 PDF:LibreOffice 退出码 {process.returncode}。{tail}")


def _kill_group(process: subprocess.Popen) -> None:
    """Kill LibreOffice and any helper it started (they share its new session's group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def render_pdf(notice: Notice) -> bytes:
    from .docx import render_docx

    docx = render_docx(notice)
    return pinned(docx_to_pdf(docx), notice.bulletin.date, docx)


def pinned(pdf: bytes, day: date, docx: bytes) -> bytes:
    """The same PDF for the same notice: LibreOffice writes the time of conversion as the
    creation date, a random file /ID and a checksum of its own (/DocChecksum, read by no
    viewer). The date becomes the notice's day, the /ID and checksum a digest of the Word
    document; each replacement has the length of what it replaces, so every offset in the
    cross-reference table stays right. Anything not found is left as it is."""
    stamp = day.strftime("%Y%m%d").encode("ascii") + b"000000"
    pdf = re.sub(rb"(/(?:CreationDate|ModDate)\(D:)\d{14}", lambda m: m[1] + stamp, pdf)
    ident = hashlib.md5(docx, usedforsecurity=False).hexdigest().upper().encode("ascii")
    pdf = re.sub(rb"(/DocChecksum /)[0-9A-Fa-f]{32}", lambda m: m[1] + ident, pdf)
    return re.sub(rb"(/ID\s*\[\s*<)[0-9A-Fa-f]{32}(>\s*<)[0-9A-Fa-f]{32}>", lambda m: m[1] + ident + m[2] + ident + b">", pdf)
