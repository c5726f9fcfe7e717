"""The notice as Markdown: title, opening, one heading per section, issuers and date."""

from __future__ import annotations

import re

from ..notice import Notice, NoticeMeasure

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~])")  # escaped, & keeps an entity (&rlm;) text, ~ no strikethrough


def _esc(text: str) -> str:
    """Escape Markdown and HTML syntax so data shows as written."""
    return _SPECIAL.sub(r"\\\1", text)


def _measure(measure: NoticeMeasure) -> list[str]:
    items = "".join(f"{item.marker}{_esc(item.text)}" for item in measure.items)
    return [f"{measure.number}\\.{_esc(measure.heading)}{items}{_esc(measure.text)}"]


def render_markdown(notice: Notice) -> str:
    """A Markdown document, one paragraph per block."""
    blocks = [f"# {_esc(notice.title)}", _esc(notice.opening)]
    for section in notice.sections:
        blocks.append(f"## {section.numeral}、{_esc(section.title)}")
        blocks += [f"**{_esc(label)}**{notice.p.colon}{_esc(value)}" for label, value in section.fields]
        blocks.append(f"**{_esc(section.progress_label)}**{notice.p.colon}")
        for measure in section.measures:
            blocks += _measure(measure)
    blocks.append("  \n".join(_esc(issuer) for issuer in (*notice.issuers, notice.date)))
    return "\n\n".join(blocks) + "\n"
