"""The notice as PDF: the Word document (GB/T 9704 layout) converted by headless LibreOffice.

LibreOffice runs with a private, throw-away profile (so a running desktop instance neither
blocks nor is disturbed), in its own process group, killed whole on timeout."""

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
INSTALL_HINT = (
    "生成 PDF 需要 LibreOffice,但没有找到 soffice 命令。"
    "请安装 LibreOffice(Debian/Ubuntu:apt-get install libreoffice-writer-nogui fonts-noto-cjk;"
    "其他系统见 libreoffice.org),或改用 --format docx 再自行转换"
)


def render_pdf(notice: Notice) -> bytes:
    from .docx import render_docx

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RenderError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="dufu-pdf-") as tmp:
        folder = Path(tmp)
        (folder / "notice.docx").write_bytes(render_docx(notice))
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(folder / "notice.docx"),
        ]
        _run(command)
        pdf = folder / "notice.pdf"
        if not pdf.is_file():
            raise RenderError("LibreOffice 没有生成 PDF(转换失败),没有写入任何文件")
        return pdf.read_bytes()


def _run(command: list[str]) -> None:
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        _, err = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderError(f"LibreOffice 在 {TIMEOUT_SECONDS} 秒内没有完成转换,已终止") from None
    except BaseException:  # Ctrl-C, SIGTERM: LibreOffice and its helpers go with dufu
        _kill_group(process)
        raise
    if process.returncode != 0:
        raise RenderError(f"LibreOffice 转换失败:{err.decode('utf-8', 'replace').strip()[:300]}")


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.wait()
