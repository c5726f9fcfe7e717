"""PDF: the Word notice converted by headless LibreOffice (soffice).

The conversion runs in a temporary directory with its own LibreOffice profile, in its own
process group, under a timeout; on timeout the whole group is killed. Nothing is returned
unless LibreOffice produced a PDF, so a failure never leaves a partial file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
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
                               stderr=subprocess.STDOUT, start_new_session=True)
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

    return docx_to_pdf(render_docx(notice))
