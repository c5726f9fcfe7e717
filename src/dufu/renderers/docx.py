"""The notice as a Word document laid out per GB/T 9704-2012 (党政机关公文格式).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 22 lines of 28 characters;
title 22 pt 方正小标宋简体 centred; body 16 pt 仿宋_GB2312 with a two-character first-line
indent and a fixed line pitch; 一、 headings in 黑体; a blank line after the title and
before the signature; issuers and date right-aligned two characters from the right edge;
page numbers "— 1 —" in 14 pt, odd pages right, even pages left. East-Asian fonts are set
with w:eastAsia and a common fallback for machines without the official fonts."""

from __future__ import annotations

import io
from datetime import datetime, time, timezone

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..files import pinned_zip
from ..notice import Notice

TITLE_FONT, BODY_FONT, HEADING_FONT, NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
FALLBACK = {"方正小标宋简体": "SimSun", "仿宋_GB2312": "FangSong", "黑体": "SimHei", "宋体": "SimSun"}
BODY_SIZE, TITLE_SIZE, NUMBER_SIZE = Pt(16), Pt(22), Pt(14)
CHARS_PER_LINE = 28
# 156 mm of type area / 28 characters = 15.79 pt a character: 16 pt characters condensed by
# 0.25 pt (spacing in twentieths of a point) fit 28 to a line, as GB/T 9704 asks
BODY_CONDENSE = -5
LINE_PITCH = Pt(28.95)  # 225 mm text height / 22 lines, rounded to the usual 28.95 pt


def _font(run, name: str, size) -> None:
    run.font.size = size
    run.font.name = FALLBACK[name]
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), FALLBACK[name])
    fonts.set(qn("w:hAnsi"), FALLBACK[name])


def _paragraph(doc, text: str, font: str = BODY_FONT, size=BODY_SIZE, indent: bool = True, align=None, right=0):
    """A paragraph at the fixed line pitch; indent: two characters at its first line; right:
    characters kept clear at the right edge."""
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    if right:
        fmt.right_indent = Pt(size.pt * right)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        para.alignment = align
    run = para.add_run(text)
    _font(run, font, size)
    if size == BODY_SIZE:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(BODY_CONDENSE))
        run._element.get_or_add_rPr().find(qn("w:sz")).addprevious(spacing)  # schema order: before w:sz
    return para


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # 22 lines on the line grid (the template's own docGrid is replaced, never doubled); the 28
    # characters a line come from the body runs' condensed spacing (see BODY_CONDENSE)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
    doc.settings.odd_and_even_pages_header_footer = True
    section.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(para, align) -> None:
    para.alignment = align
    _font(para.add_run("— "), NUMBER_FONT, NUMBER_SIZE)
    run = para.add_run()
    _font(run, NUMBER_FONT, NUMBER_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        else:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._element.append(node)
    _font(para.add_run(" —"), NUMBER_FONT, NUMBER_SIZE)


def _properties(doc, notice: Notice) -> None:
    """The document's own title, author (the issuers) and dates (the notice's), not python-docx's
    template's: a file manager, Word's 属性 and the PDF made from it show these."""
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = notice.title, "、".join(notice.issuers), ""
    props.comments = props.subject = props.keywords = props.category = ""
    day = datetime.combine(notice.bulletin.date, time(), tzinfo=timezone.utc)
    props.created = props.modified = day
    props.revision = 1


def notice_paragraphs(notice: Notice) -> list[tuple[str, str]]:
    """(kind, text) in print order: the same paragraphs as the text notice."""
    out = [("title", notice.title), ("body", notice.opening)]
    p = notice.p
    for s in notice.sections:
        out.append(("heading", f"{s.numeral}、{s.title}"))
        out += [("body", f"{label}{p.colon}{value}") for label, value in s.fields]
        out.append(("body", f"{s.progress_label}{p.colon}"))
        for m in s.measures:
            items = "".join(i.marker + i.text for i in m.items)
            out.append(("body", f"{m.number}.{m.heading}{items}{m.text}"))
    out += [("sign", issuer) for issuer in notice.issuers]
    return out + [("sign", notice.date)]


def render_docx(notice: Notice) -> bytes:
    doc = Document()
    _page_setup(doc)
    _properties(doc, notice)
    previous, last = None, None
    for kind, text in notice_paragraphs(notice):
        if kind == "title":
            _paragraph(doc, text, TITLE_FONT, TITLE_SIZE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
            _paragraph(doc, "", indent=False)  # GB/T 9704: a blank line between title and text
        elif kind == "heading":
            last = _paragraph(doc, text, HEADING_FONT)
        elif kind == "sign":
            if previous != "sign":  # a blank line after the text, then the signature
                last.paragraph_format.keep_with_next = True  # never a page with the signature alone
                last = _paragraph(doc, "", indent=False)
            last.paragraph_format.keep_with_next = True
            last = _paragraph(doc, text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, right=2)
        else:
            last = _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)  # both edges, as documents are set
        previous = kind
    buffer = io.BytesIO()
    doc.save(buffer)
    return pinned_zip(buffer.getvalue())  # python-docx stamps the time of saving on every entry
