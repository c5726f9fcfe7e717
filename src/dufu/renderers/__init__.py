"""Renderers: each lays out one computed Notice in one output format.

``RENDERERS`` maps a --format name to a function (notice, root) -> bytes. Every renderer
reads the Notice only; none parses rendered text."""

from __future__ import annotations

from ..bulletin import render_text
from ..notice import Notice
from .html import render_html
from .markdown import render_markdown


def _text(notice: Notice, root) -> bytes:
    return render_text(notice, root).encode("utf-8")


def _html(notice: Notice, root) -> bytes:
    return render_html(notice).encode("utf-8")


def _md(notice: Notice, root) -> bytes:
    return render_markdown(notice).encode("utf-8")


def _docx(notice: Notice, root) -> bytes:
    from .docx import render_docx

    return render_docx(notice)


def _pdf(notice: Notice, root) -> bytes:
    from .pdf import render_pdf

    return render_pdf(notice)


RENDERERS = {"text": _text, "html": _html, "md": _md, "docx": _docx, "pdf": _pdf}
