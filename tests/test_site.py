"""dufu site: dashboard, notice and task pages; data shown as text; built beside DIR and swapped in."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import PROJECT, edit

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_site_pages_and_dashboard(repo: Path, cli, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = cli("-C", str(repo), "site", "-o", str(out), "--today", "2024-06-30")
    assert result.exit_code == 0, result.output
    tasks = sorted(p.stem for p in (repo / "data" / "tasks").glob("*.yaml"))
    assert sorted(p.name for p in out.glob("task-*.html")) == [f"task-{t}.html" for t in tasks]
    assert [p.name for p in out.glob("notice-*.html")] == ["notice-2024-06-24.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "已完成 17 / 17 项" in index and "已完成 7 / 11 项" in index
    assert index.count("<svg") == 2 and '<rect width="254.5"' in index  # 7/11 of 400
    for link in re.findall(r'href="([^"]+)"', index):
        assert (out / link).is_file(), link  # relative links only: works from file://
    assert "<script" not in index and 'lang="zh-CN"' in index
    task = (out / "task-r2-01.html").read_text(encoding="utf-8")
    assert "整改进展" in task and "截至2024年5月31日" in task
    assert "<p>1.深入学习领会习近平生态文明思想。①按照省上部署" in task  # numbered as the notice numbers items, not 1. 2.


def test_a_site_without_notices_says_so(cli, tmp_path: Path) -> None:
    root = tmp_path / "city"
    assert cli("init", str(root)).exit_code == 0
    assert cli("-C", str(root), "site", "-o", str(tmp_path / "site")).exit_code == 0
    assert "<h2>公告</h2><p>还没有发布公告。</p>" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_site_shows_markup_in_data_as_text(repo: Path, cli, tmp_path: Path) -> None:
    edit(repo / "data" / "tasks" / "r2-01.yaml", "title: 思想认识", f"title: {HOSTILE}思想认识")
    out = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(out)).exit_code == 0
    for page in out.glob("*.html"):
        assert "<script" not in page.read_text(encoding="utf-8") and "<img" not in page.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in (out / "task-r2-01.html").read_text(encoding="utf-8")


def test_site_replaces_its_own_output_but_not_other_folders(repo: Path, cli, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(out)).exit_code == 0
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert cli("-C", str(repo), "site", "-o", str(out)).exit_code == 0
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []
    other = tmp_path / "mine"
    other.mkdir()
    (other / "keep.txt").write_text("x", encoding="utf-8")
    result = cli("-C", str(repo), "site", "-o", str(other))
    assert result.exit_code != 0 and "不会覆盖" in result.output
    assert [p.name for p in other.iterdir()] == ["keep.txt"]


def test_site_unit_table_resolves_names_through_the_registry(repo: Path, cli, tmp_path: Path) -> None:
    """A short form counts under the unit's canonical name; the shared 市 prefix is understood."""
    edit(repo / "data" / "tasks" / "r2-01.yaml", "lead_units: 市委办公室、市政府办公室", "lead_units: 市委办公室、市发改委")
    edit(repo / "data" / "tasks" / "r2-02.yaml", "lead_units: 市委办公室、市政府办公室", "lead_units: 市委办公室、发展和改革委员会")
    out = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(out), "--today", "2024-06-30").exit_code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"n\">(\d+)</td>", index)
    # led in r2-01 and r2-02, responsible (as 发改委) in r2-04: one row, three tasks
    assert ("市发展和改革委员会", "3") in rows and ("市委办公室", "4") in rows
    assert not [name for name, _ in rows if name in ("市发改委", "发展和改革委员会")]


def test_a_site_as_of_a_day_shows_no_notice_published_after_it(repo: Path, cli, tmp_path: Path) -> None:
    # it linked a later notice and compared "the last two" notices, both after the day
    later = repo / "data/bulletins/2024-12-20.yaml"
    text = (repo / "data/bulletins/2024-06-24.yaml").read_text(encoding="utf-8")
    later.write_text(text.replace("2024-06-24", "2024-12-20").replace("as_of: 2024-05-31", "as_of: 2024-11-30").split("totals:")[0], encoding="utf-8")
    out = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(out), "--as-of", "2024-07-01", "--today", "2025-01-01").exit_code == 0
    assert [p.name for p in out.glob("notice-*.html")] == ["notice-2024-06-24.html"]
    assert "2024-12-20" not in (out / "index.html").read_text(encoding="utf-8")
    assert cli("-C", str(repo), "site", "-o", str(out), "--today", "2025-01-01").exit_code == 0
    assert sorted(p.name for p in out.glob("notice-*.html")) == ["notice-2024-06-24.html", "notice-2024-12-20.html"]


def test_a_site_as_of_a_day_shows_no_report_after_it(repo: Path, cli, tmp_path: Path) -> None:
    path = repo / "data/tasks/r2-02.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - as_of: 2025-03-31\n    measures:\n      - heading: 后来的进展。\n", encoding="utf-8")
    out = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(out), "--as-of", "2024-06-30", "--today", "2025-06-01").exit_code == 0
    page = (out / "task-r2-02.html").read_text(encoding="utf-8")
    assert "截至2024年5月31日" in page and "2025年3月31日" not in page and "后来的进展" not in page


def test_a_task_page_says_what_show_says(cli, tmp_path: Path) -> None:
    # it left out the round, the due date, milestones and the completion date
    repo = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "timeline", repo)
    out = tmp_path / "site"
    assert cli("-C", str(repo), "site", "-o", str(out), "--today", "2025-09-01").exit_code == 0
    page = (out / "task-r3-04.html").read_text(encoding="utf-8")
    for fact in ("第三轮中央生态环境保护督察 第4项", "(到期日 2025年9月30日)", "2025年8月31日:完成管网改造40公里(未达成)"):
        assert fact in page, fact
    assert "<dt>完成日期</dt><dd>2024年12月20日</dd>" in (out / "task-r3-01.html").read_text(encoding="utf-8")


def test_ids_that_differ_in_a_dot_or_an_underscore_get_pages_of_their_own(repo: Path, cli, tmp_path: Path) -> None:
    # both were task-r2_4.html: one page replaced the other
    tasks = repo / "data" / "tasks"
    (tasks / "r2.4.yaml").write_text((tasks / "r2-04.yaml").read_text(encoding="utf-8").replace("id: r2-04", "id: r2.4"), encoding="utf-8")
    (tasks / "r2_4.yaml").write_text((tasks / "r2-03.yaml").read_text(encoding="utf-8").replace("id: r2-03", "id: r2_4"), encoding="utf-8")
    (tasks / "r2-04.yaml").unlink()
    (tasks / "r2-03.yaml").unlink()
    out = tmp_path / "site"
    result = cli("-C", str(repo), "site", "-o", str(out), "--today", "2024-07-01")
    assert result.exit_code == 0, result.output
    assert "保护区管控不力问题" in (out / "task-r2.4.html").read_text(encoding="utf-8")
    assert "突出生态环境问题重视不够问题" in (out / "task-r2_4.html").read_text(encoding="utf-8")
