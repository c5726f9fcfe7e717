"""The Word notice as LibreOffice lays it out: A4, the text notice's text, page numbers.

Needs soffice (libreoffice-writer) and poppler-utils; locally a missing tool skips with its
name, in CI (CI=true) it fails, since .ci/run installs them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
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


def _pdf_text_and_pages(pdf: Path) -> tuple[str, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text, pages


def test_render_format_pdf(repo: Path, cli, tmp_path: Path) -> None:
    _need("soffice", "pdftotext", "pdfinfo", "pdftoppm")
    pdf = tmp_path / "notice.pdf"
    result = cli("-C", str(repo), "render", "--format", "pdf", "-o", str(pdf))
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    text, pages = _pdf_text_and_pages(pdf)
    for number in range(1, pages + 1):
        assert re.search(rf"—\s*{number}\s*—", text), number
    # Paragraph by paragraph: each text-notice line appears, in order, once wrapping is undone.
    squashed = re.sub(r"\s+", "", re.sub(r"—\s*\d+\s*—", "", text))
    position = 0
    for line in filter(None, cli("-C", str(repo), "render").output.split("\n")):
        found = squashed.find(re.sub(r"\s+", "", line), position)
        assert found == position, line
        position = found + len(re.sub(r"\s+", "", line))
    assert position == len(squashed)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    png = next(tmp_path.glob("page*.png")).read_bytes()
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") < int.from_bytes(png[20:24], "big")


def test_pdf_without_libreoffice_fails_clearly(repo: Path, cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "notice.pdf"
    result = cli("-C", str(repo), "render", "--format", "pdf", "-o", str(out))
    assert result.exit_code != 0
    assert "LibreOffice" in result.output and "apt-get install libreoffice-writer" in result.output
    assert list(out.parent.iterdir()) == []


def test_pdf_timeout_kills_the_process_group(tmp_path: Path, monkeypatch) -> None:
    from dufu.problems import RenderError
    from dufu.renderers import pdf

    marker = tmp_path / "child.pid"
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {marker}\nsleep 300\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    with pytest.raises(RenderError, match="超过"):
        pdf.docx_to_pdf(b"PK", timeout=3)
    child = int(marker.read_text())
    assert _gone(child), f"LibreOffice's child {child} survived the timeout"


def _gone(pid: int) -> bool:
    """The process has ended (or is a zombie awaiting its reaper); SIGKILL lands within moments."""
    for _ in range(50):
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX":
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.1)
    return False


def test_pdf_text_stays_inside_the_gbt9704_type_area(repo: Path, cli, tmp_path: Path) -> None:
    """Every word of the body lies within the margins (top 37, bottom 35, left 28, right 26 mm);
    only the page number sits below the type area."""
    _need("soffice", "pdftotext")
    out = tmp_path / "notice.pdf"
    assert cli("-C", str(repo), "render", "--format", "pdf", "-o", str(out)).exit_code == 0
    boxes = subprocess.run(["pdftotext", "-bbox", str(out), "-"], check=True, capture_output=True, text=True).stdout
    mm = 72 / 25.4
    left, right, top, bottom = 28 * mm, 595.28 - 26 * mm, 37 * mm, 841.89 - 35 * mm
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', boxes)
    body = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in words if not re.fullmatch(r"—|\d+", w)]
    assert body
    assert min(w[0] for w in body) == pytest.approx(left, abs=1.5)  # lines start at the left margin
    assert max(w[2] for w in body) <= right + 1.5
    assert min(w[1] for w in body) >= top - 1.5 and max(w[3] for w in body) <= bottom + 1.5


def test_pdf_is_the_same_bytes_whenever_it_is_rendered(repo: Path) -> None:
    """LibreOffice wrote the time of conversion and a random /ID: now the notice's day and a
    digest of the Word document, the cross-reference offsets still right."""
    _need("soffice", "pdfinfo")
    from datetime import date

    from dufu.bulletin import get_bulletin
    from dufu.notice import build_notice
    from dufu.renderers.pdf import render_pdf
    from dufu.validate import load_valid

    data = load_valid(repo, date(2026, 1, 1))
    notice = build_notice(data, get_bulletin(data, None))
    first = render_pdf(notice)
    time.sleep(1.1)  # the creation date is to the second
    assert render_pdf(notice) == first
    assert b"/CreationDate(D:20240624000000" in first
    pdf = repo / "notice.pdf"
    pdf.write_bytes(first)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "2024" in info.stdout and "(A4)" in info.stdout and not info.stderr
