"""Chinese numbering and dates used by the notice templates."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import PROJECT

from dufu.templates import circled, find_template, zh_cutoff, zh_date, zh_number


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1005, "一千零五"),
    ],
)
def test_zh_number(n, text):
    assert zh_number(n) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "①"), (10, "⑩"), (11, "⑪"), (20, "⑳"), (21, "㉑"), (35, "㉟"), (36, "㊱"), (50, "㊿"), (51, "(51)")],
)
def test_circled(n, text):
    assert circled(n) == text


def test_dates_have_no_zero_padding():
    assert zh_date(date(2024, 6, 4)) == "2024年6月4日"
    assert zh_cutoff(date(2024, 5, 31)) == "2024年5月底"
    assert zh_cutoff(date(2024, 2, 29)) == "2024年2月底"
    assert zh_cutoff(date(2023, 2, 28)) == "2023年2月底"
    assert zh_cutoff(date(2024, 2, 28)) == "2024年2月28日"
    assert zh_cutoff(date(2024, 5, 20)) == "2024年5月20日"


def test_template_names_cannot_escape_the_template_folders(tmp_path):
    assert find_template(tmp_path, "bulletin.txt.j2") is not None
    assert find_template(tmp_path, "../pyproject.toml") is None
    assert find_template(tmp_path, "/etc/passwd") is None


def _render_with(repo, text: str):
    from dufu.bulletin import get_bulletin, render_bulletin
    from dufu.validate import load_valid

    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text(text, encoding="utf-8")
    data = load_valid(repo, date(2026, 1, 1))
    return render_bulletin(data, get_bulletin(data, None))


def test_a_template_that_runs_too_long_is_stopped_and_the_clock_restored(repo, monkeypatch):
    import signal

    from dufu import templates
    from dufu.problems import RenderError

    monkeypatch.setattr(templates, "MAX_RENDER_SECONDS", 0.3)
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    handler = signal.getsignal(signal.SIGALRM)
    with pytest.raises(RenderError, match=r"bulletin.txt.j2:2: 模板“bulletin.txt.j2”渲染超过 0.3 秒"):
        _render_with(repo, "\n" + loops)
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    # arithmetic of ordinary sizes is untouched by the checks on * and **
    assert _render_with(repo, "{{ 2**10 }} {{ 3 * 4 }} {{ 'ab' * 2 }} {{ [0] * 2 }}\n") == "1024 12 abab [0, 0]\n"


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{% for i in range(100000) %}{% for j in range(100000) %}{{ 'x' * 40 }}{% endfor %}{% endfor %}", "输出超过"),
        ("{{ 'x'|center(3000000000) }}", "内存超过上限"),
        ("{{ '%3000000000d' % 1 }}", "内存超过上限"),
        ("{{ 'x' * 10**10 }}", "过长"),
        ("{{ 10**(10**10) }}", "数字过大"),
        ("{% set n = 10**100000 %}{{ n * n * n * n * n * n * n * n * n * n * n }}", "数字过大"),
    ],
)
def test_a_template_cannot_take_unbounded_memory_or_output(repo, template, words):
    import resource

    from dufu.problems import RenderError

    limit = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(RenderError, match=words):
        _render_with(repo, template + "\n")
    assert resource.getrlimit(resource.RLIMIT_AS) == limit  # the address-space limit is restored



def test_validate_reports_a_template_that_does_not_parse(cli, repo):
    """E355: a bulletin's template with a syntax error (or not UTF-8) is found by validate, not
    first by render or by a write command; the packaged default is never reported."""
    from dufu.problems import RULES

    (repo / "templates").mkdir(exist_ok=True)
    template = repo / "templates/bulletin.txt.j2"
    template.write_text("第一行\n{% if %}\n", encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", "2026-01-01")
    assert result.exit_code == 1, result.output
    assert "E355 模板“bulletin.txt.j2”第 2 行语法错误" in result.stdout
    template.write_bytes(b"\xff\xfe")
    again = cli("validate", "-C", str(repo), "--today", "2026-01-01")
    assert again.exit_code == 1 and "E355 模板“bulletin.txt.j2”不是 UTF-8 编码" in again.stdout
    # past what Python compiles: it passed validate, then render named a line of Jinja's code
    for source in ("{% for a in [1] %}" * 25 + "x" + "{% endfor %}" * 25, "{{ " + "+".join(["1"] * 100000) + " }}"):
        template.write_text(source + "\n", encoding="utf-8")
        deep = cli("validate", "-C", str(repo), "--today", "2026-01-01")
        assert deep.exit_code == 1 and "E355 模板“bulletin.txt.j2”无法编译:嵌套过深、表达式过长或常量过大" in deep.stdout, deep.output
    template.unlink()
    assert cli("validate", "-C", str(repo), "--today", "2026-01-01").exit_code == 0
    assert "E355" in RULES


def test_a_template_saved_with_a_bom_renders_without_it(cli, repo):
    # Notepad writes one: the notice began with U+FEFF (and then was refused as an invisible character)
    (repo / "templates").mkdir(exist_ok=True)
    packaged = (PROJECT / "src/dufu/templates/bulletin.txt.j2").read_bytes()
    (repo / "templates/bulletin.txt.j2").write_bytes(b"\xef\xbb\xbf" + packaged)
    result = cli("render", "-C", str(repo), "--today", "2026-01-01")
    assert result.exit_code == 0 and result.stdout_bytes == (PROJECT / "tests/golden/sanming-2024-06-24.txt").read_bytes()
