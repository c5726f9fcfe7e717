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
