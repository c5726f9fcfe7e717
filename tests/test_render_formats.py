"""render --format html|md: the same Notice laid out, paragraph for paragraph, data escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path

from conftest import edit


def _html_paragraphs(page: str) -> list[str]:
    body = page.split("<body>", 1)[1]
    blocks = re.findall(r"<(h1|h2|p)>(.*?)</\1>", body, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", inner)) for _, inner in blocks]


def test_html_paragraphs_equal_text_notice(repo: Path, cli) -> None:
    text = cli("-C", str(repo), "render")
    page = cli("-C", str(repo), "render", "--format", "html")
    assert text.exit_code == 0 and page.exit_code == 0, page.output
    assert _html_paragraphs(page.output) == [line for line in text.output.split("\n") if line]
    assert '<html lang="zh-CN">' in page.output and "<script" not in page.output


def test_markdown_paragraphs_equal_text_notice(repo: Path, cli) -> None:
    text = cli("-C", str(repo), "render").output
    md = cli("-C", str(repo), "render", "--format", "md").output
    plain = [re.sub(r"\\(.)", r"\1", re.sub(r"^#+ |\*\*", "", block)) for block in md.strip().split("\n\n")]
    flat = [line for block in plain for line in block.split("  \n")]
    assert flat == [line for line in text.split("\n") if line]


def test_html_shows_markup_in_data_as_text(repo: Path, cli, tmp_path: Path) -> None:
    bulletin = next((repo / "data" / "bulletins").glob("*.yaml"))
    edit(bulletin, "title: 三明市", "title: <script>alert(1)</script><img src=x onerror=alert(2)>三明市")
    out = tmp_path / "notice.html"
    result = cli("-C", str(repo), "render", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in page


def test_unknown_format_is_refused_and_writes_nothing(repo: Path, cli, tmp_path: Path) -> None:
    out = tmp_path / "notice.xyz"
    result = cli("-C", str(repo), "render", "--format", "xyz", "-o", str(out))
    assert result.exit_code != 0
    assert "不支持的输出格式" in result.output and not out.exists()


def test_docx_layout_and_text(repo: Path, cli, tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out = tmp_path / "notice.docx"
    assert cli("-C", str(repo), "render", "--format", "docx", "-o", str(out)).exit_code == 0
    text = [line for line in cli("-C", str(repo), "render").output.split("\n") if line]
    doc = Document(str(out))
    section = doc.sections[0]
    got = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
           section.left_margin, section.right_margin)
    assert [round(length.mm, 1) for length in got] == [210, 297, 37, 35, 28, 26]
    # the text's paragraphs, with a blank line after the title and before the signature
    assert [p.text for p in doc.paragraphs] == [text[0], "", *text[1:-3], "", *text[-3:]]
    title, opening = doc.paragraphs[0], doc.paragraphs[2]
    assert title.runs[0].font.size == Pt(22) and title.alignment == 1
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert opening.runs[0].font.size == Pt(16) and opening.paragraph_format.first_line_indent == Pt(32)
    assert opening.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    heading = next(p for p in doc.paragraphs if p.text.startswith("一、"))
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    signature = doc.paragraphs[-3:]  # 2 issuers and the date: right-aligned, two characters from the edge
    assert all(p.alignment == 2 and p.paragraph_format.right_indent == Pt(32) for p in signature)
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml
    assert section.footer.paragraphs[0].alignment == 2 and section.even_page_footer.paragraphs[0].alignment == 0
    # the last paragraph, the blank line and the issuers keep with what follows: the signature
    # never stands on a page of its own (it did, after a long last measure)
    assert [p.paragraph_format.keep_with_next for p in doc.paragraphs[-5:]] == [True, True, True, True, None]
    assert not any(p.paragraph_format.keep_with_next for p in doc.paragraphs[:-5])
    assert opening.alignment == 3  # justified, both edges straight
    props = doc.core_properties  # the notice's, not python-docx's template's
    assert (props.title, props.author, props.comments) == (text[0], "中共三明市委、三明市人民政府", "")
    assert props.created.date().isoformat() == "2024-06-24" == props.modified.date().isoformat()


def test_docx_is_the_same_bytes_whenever_it_is_rendered(repo: Path, monkeypatch) -> None:
    """No clock in the document: python-docx dated each zip entry with the time of saving."""
    import io
    import time
    import types
    import zipfile
    from datetime import date

    from dufu.bulletin import get_bulletin
    from dufu.notice import build_notice
    from dufu.renderers.docx import render_docx
    from dufu.validate import load_valid

    data = load_valid(repo, date(2026, 1, 1))
    notice = build_notice(data, get_bulletin(data, None))
    rendered = []
    for moment in (1_700_000_000, 1_800_000_000):
        clock = types.SimpleNamespace(time=lambda moment=moment: moment, localtime=time.localtime)
        monkeypatch.setattr(zipfile, "time", clock)
        rendered.append(render_docx(notice))
    assert rendered[0] == rendered[1]
    with zipfile.ZipFile(io.BytesIO(rendered[0])) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_docx_needs_an_output_file(repo: Path, cli) -> None:
    result = cli("-C", str(repo), "render", "--format", "docx")
    assert result.exit_code != 0 and "-o" in result.output


def test_docx_grid_is_22_lines_of_28_characters(repo: Path, cli, tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    out = tmp_path / "notice.docx"
    assert cli("-C", str(repo), "render", "--format", "docx", "-o", str(out)).exit_code == 0
    doc = Document(str(out))
    section = doc.sections[0]
    grids = section._sectPr.findall(qn("w:docGrid"))
    assert len(grids) == 1  # the template's own grid replaced, never a second one (Word would repair)
    assert grids[0].get(qn("w:type")) == "lines" and grids[0].get(qn("w:linePitch")) == "579"
    from docx.shared import Length

    width = Length(section.page_width - section.left_margin - section.right_margin).pt
    height = Length(section.page_height - section.top_margin - section.bottom_margin).pt
    assert int(height // 28.95) == 22
    body = doc.paragraphs[1].runs[0]._element.rPr
    children = [child.tag.split("}")[1] for child in body]
    assert children.index("spacing") < children.index("sz")  # schema order inside w:rPr
    pitch = 16 + int(body.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert int(width // pitch) == 28


def test_markdown_shows_entities_and_tildes_in_data_as_text(repo: Path, cli) -> None:
    # &rlm; and &ZeroWidthSpace; became invisible marks (past E209), ~~ a strikethrough
    bulletin = next((repo / "data" / "bulletins").glob("*.yaml"))
    edit(bulletin, "title: 三明市", "title: abc&rlm;def&ZeroWidthSpace;&amp;~~删除~~三明市")
    md = cli("-C", str(repo), "render", "--format", "md").output
    assert r"abc\&rlm;def\&ZeroWidthSpace;\&amp;\~\~删除\~\~三明市" in md


def test_the_output_files_name_gives_the_format(repo: Path, cli, tmp_path: Path) -> None:
    # render -o notice.docx wrote the text notice into a file Word refuses as corrupt
    import zipfile

    docx, page = tmp_path / "notice.docx", tmp_path / "notice.HTML"
    assert cli("-C", str(repo), "render", "-o", str(docx)).exit_code == 0
    assert zipfile.is_zipfile(docx) and "word/document.xml" in zipfile.ZipFile(docx).namelist()
    assert cli("-C", str(repo), "render", "-o", str(page)).exit_code == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    text = tmp_path / "notice.txt"
    assert cli("-C", str(repo), "render", "-o", str(text)).output == "" and text.read_text(encoding="utf-8").startswith("三明市")
    clash = cli("-C", str(repo), "render", "--format", "text", "-o", str(tmp_path / "x.docx"))
    assert clash.exit_code == 2 and "x.docx 的扩展名是 docx 格式,与 --format text 不符" in clash.output
    assert not (tmp_path / "x.docx").exists()


def test_a_custom_template_is_said_to_make_the_text_only(repo: Path, cli, tmp_path: Path) -> None:
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates" / "own.txt.j2").write_text("{{ notice.title }}\n(第12期)\n", encoding="utf-8")
    bulletin = repo / "data" / "bulletins" / "2024-06-24.yaml"
    bulletin.write_text(bulletin.read_text(encoding="utf-8") + "template: own.txt.j2\n", encoding="utf-8")
    md = cli("-C", str(repo), "render", "--format", "md")
    assert md.exit_code == 0 and "模板只用于文本格式;md 按 dufu 的标准版式生成" in md.stderr, md.output
    assert "模板" not in cli("-C", str(repo), "render").stderr
