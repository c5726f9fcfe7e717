"""The Word notice as LibreOffice lays it out: A4, the text notice's text, page numbers.

Needs soffice (libreoffice-writer) and poppler-utils; locally a missing tool skips with its
name, in CI (CI=true) it fails, since .ci/run installs them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def _need(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must have {', '.join(missing)} (.ci/run installs them)")
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")


def test_docx_through_libreoffice(repo: Path, cli, tmp_path: Path) -> None:
    _need("soffice", "pdftotext", "pdfinfo")
    docx = tmp_path / "notice.docx"
    assert cli("-C", str(repo), "render", "--format", "docx", "-o", str(docx)).exit_code == 0
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "notice.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for number in range(1, pages + 1):
        assert re.search(rf"—\s*{number}\s*—", text), number
    body = re.sub(r"—\s*\d+\s*—", "", text)
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - pdftotext wraps lines and adds spaces
    assert squash(body) == squash(cli("-C", str(repo), "render").output)


def test_render_format_pdf_writes_an_a4_pdf(repo: Path, cli, tmp_path: Path) -> None:
    _need("soffice", "pdfinfo", "pdftotext")
    out = tmp_path / "notice.pdf"
    result = cli("-C", str(repo), "render", "--format", "pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "(A4)" in subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert "三明市中央生态环境保护督察整改情况" in text and re.search(r"—\s*1\s*—", text)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "repo") == ["notice.pdf"]


def test_render_format_pdf_without_libreoffice_says_what_to_install(repo: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from dufu.cli import app

    out = tmp_path / "notice.pdf"
    args = ["-C", str(repo), "render", "--format", "pdf", "-o", str(out)]
    result = CliRunner().invoke(app, args, env={"PATH": ""})  # no soffice to be found
    assert result.exit_code == 1
    assert "需要 LibreOffice" in result.stderr and "apt-get install libreoffice-writer-nogui" in result.stderr
    assert not out.exists()


def test_binary_formats_need_an_output_file(repo: Path, cli) -> None:
    for fmt in ("docx", "pdf"):
        result = cli("-C", str(repo), "render", "--format", fmt)
        assert result.exit_code == 2 and "-o" in result.stderr
