"""Text that would corrupt the notice or a terminal is refused, data is never read as markup,
and a look-alike value is explained (the codes themselves are in fixtures/invalid/)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import PROJECT, TODAY, edit

from dufu.problems import RULES
from dufu.textsafety import visible

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "invalid"
RAW_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")


def _overlay(repo: Path, case: str) -> Path:
    import shutil

    shutil.copytree(FIXTURES / case / "data", repo / "data", dirs_exist_ok=True)
    return repo


def _messages(cli, repo: Path) -> list[dict]:
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    return [p for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"]


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("status-trailing-space", "取值“正在推进 ”末尾多了空格"),
        ("status-fullwidth-space", "取值“正在推进\u3000”末尾多了全角空格"),
        ("fullwidth-date", "日期“２０２４-05-31”含有全角字母、数字或符号,应写作“2024-05-31”"),
        ("unit-not-nfc", "不是 Unicode 规范形式(NFC"),
        ("zero-width-unit", "含有不可见字符 U+200B(ZERO WIDTH SPACE)"),
        ("round-ref-differs-in-case", "“R2”与“r2”只有大小写或全角半角之差"),
        ("fullwidth-id", "编号“ｒ2-04”含有全角字母、数字或符号,应写作“r2-04”"),
        ("ids-differ-in-case", "“R2-01”与“r2-01”(data/tasks/r2-01.yaml)只有大小写或全角半角之差"),
        ("bulletin-task-listed-twice", "任务“r2-01”在这里第二次列出"),
        ("title-line-break", "文字中有换行"),
    ],
)
def test_look_alikes_are_explained_not_called_missing(cli, repo, case, words):
    problems = _messages(cli, _overlay(repo, case))
    assert any(words in p["message"] for p in problems), [p["message"] for p in problems]
    # never "did you mean" the identical-looking value
    assert not any(p["hint"] and "是不是" in p["hint"] for p in problems)


@pytest.mark.parametrize("case", ["escape-sequence", "c1-control", "bidi-override", "zero-width-unit"])
def test_no_control_character_reaches_the_terminal(cli, repo, case):
    _overlay(repo, case)
    for fmt in ("text", "github", "json", "sarif"):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", fmt)
        assert result.exit_code == 1
        assert not RAW_UNSAFE.search(result.stdout), fmt
    for command in (["status"], ["list"], ["show", "r2-01"], ["render"]):
        result = cli(*command, "-C", str(repo))
        assert result.exit_code == 1 and not RAW_UNSAFE.search(result.output)


def test_a_forged_heading_is_refused_by_render(cli, repo):
    _overlay(repo, "title-line-break")
    result = cli("render", "-C", str(repo))
    assert result.exit_code == 1 and "二、伪造的标题" not in result.stdout


def test_the_refusal_of_unsafe_text_cannot_be_configured_away(cli, repo):
    (repo / "dufu.toml").write_text('[rules]\nE207 = "off"\n', encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 2 and "级别不能更改" in result.stderr


def test_visible_shows_every_unsafe_character_as_an_escape():
    assert visible("a\x1b[31mb\x9bc\u202ed\ne\tf") == "a\\x1b[31mb\\x9bc<U+202E>d\\x0ae f"
    assert visible("整改情况") == "整改情况"


@pytest.mark.parametrize("title", ["思想认识[a]不够到位", "思想认识[/]问题", "[bold]伪造[/bold]", "[link=x]y"])
def test_titles_are_never_read_as_rich_markup(cli, repo, title):
    edit(repo / "data/tasks/r2-01.yaml", "title: 思想认识不够到位问题", f'title: "{title}"')
    for command in (["show", "r2-01"], ["list"], ["status", "--as-of", "2024-06-24"]):
        result = cli(*command, "-C", str(repo))
        assert result.exit_code == 0, (command, result.output)
        assert title in result.stdout.replace("\n", "").replace("│", "").replace(" ", ""), command


def test_every_new_code_is_in_the_readme_rule_table():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for code in ("E114", "E115", "E116", "E207", "E208", "E209", "E306", "E307", "E355"):
        assert code in RULES and code in readme


def _unsafe_chars() -> list[str]:
    from dufu.textsafety import CONTROL, INVISIBLE, LINE_BREAK

    astral = [*range(0x1D100, 0x1D200), *range(0xE0000, 0xE0200)]  # the planes INVISIBLE has characters in
    codes = [*range(0xD800), *range(0xE000, 0x10000), *astral]  # no lone surrogate: not in any file
    return [chr(c) for c in codes if any(r.match(chr(c)) for r in (CONTROL, INVISIBLE, LINE_BREAK))]


def test_every_unsafe_character_written_raw_is_found(tmp_path):
    """The quick byte test in check_strings never lets one through: each unsafe character,
    written raw (where YAML accepts it at all) in a plain, a quoted or a multi-line value."""
    from dufu.filechecks import check_strings
    from dufu.yamlload import load_yaml

    missed, unsafe = [], _unsafe_chars()
    for char in unsafe:
        for text in (f"title: 甲{char}乙\n", f"title: '甲{char}乙'\n", f"title: 甲\n  {char}\n\n  乙\n"):
            raw = text.encode("utf-8")
            (tmp_path / "x.yaml").write_bytes(raw)
            loaded = load_yaml("x.yaml", raw)
            if loaded.problems or not isinstance(loaded.data, dict):
                continue  # refused by the reader already (E113 and the like)
            value = loaded.data["title"]
            if any(c in value for c in unsafe) and not check_strings(loaded.data, "x.yaml", tmp_path, raw):
                missed.append((hex(ord(char)), text))
    assert not missed


def test_a_blank_line_in_a_plain_value_is_a_line_break(cli, repo):
    edit(repo / "data/tasks/r2-01.yaml", "title: 思想认识不够到位问题", "title: 思想认识\n\n  二、伪造的标题")
    assert [p["code"] for p in _messages(cli, repo)] == ["E207"]


def test_a_key_or_file_name_with_an_escape_never_reaches_the_terminal(cli, repo):
    edit(
        repo / "data/tasks/r2-01.yaml", "title: 思想认识不够到位问题", 'title: 思想认识不够到位问题\n"x\\e[2J\\x9b": 1'
    )
    for fmt in ("text", "github", "json", "sarif"):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", fmt)
        assert result.exit_code == 1
        assert "E202" in result.stdout and not RAW_UNSAFE.search(result.stdout), fmt
    (repo / "data/tasks/r2-01.yaml").rename(repo / "data/tasks/r2-01\x1b[31m.yaml")  # refused unread (E117), shown
    for fmt in ("text", "github", "json", "sarif"):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", fmt)
        assert result.exit_code == 1
        assert "E117" in result.stdout and not RAW_UNSAFE.search(result.stdout), fmt
    result = cli("status", "-C", str(repo))
    assert result.exit_code == 1 and not RAW_UNSAFE.search(result.output)


def test_a_file_name_that_is_not_utf8_is_shown_by_its_bytes(cli, repo):
    """A file name the file system gives as bytes that are not UTF-8 (\\xff) is shown as
    \\xff in every format (JSON and SARIF cannot hold it as it is), and in a write's diff."""
    task = repo / "data/tasks/r2-04.yaml"
    task.rename(repo / "data/tasks" / os.fsdecode(b"\xff.yaml"))
    edit(repo / "data/tasks" / os.fsdecode(b"\xff.yaml"), "status: 正在推进", "status: 坏")
    for fmt in ("text", "github", "json", "sarif"):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", fmt)
        assert result.exit_code == 1, result.output
        assert "data/tasks/\\xff.yaml" in result.stdout.replace("\\\\", "\\"), fmt
    edit(repo / "data/tasks" / os.fsdecode(b"\xff.yaml"), "status: 坏", "status: 正在推进")
    result = cli("done", "r2-04", "--on", "2024-07-01", "--today", "2024-08-01", "--dry-run", "-C", str(repo))
    assert result.exit_code == 0 and "+++ b/data/tasks/\\xff.yaml" in result.stdout


@pytest.mark.parametrize("char", ["\U000e0041", "\ufe0f", "\u3164", "\u034f", "\u206a", "\U000e0100"])
def test_tag_characters_fillers_and_variation_selectors_are_invisible_characters(cli, repo, char):
    """Tag characters hide ASCII text in plain sight; Hangul fillers and the grapheme joiner
    draw nothing; variation selectors change a glyph unseen: E209, shown as an escape."""
    edit(repo / "data/tasks/r2-01.yaml", "title: 思想认识不够到位问题", f"title: 思想认识{char}不够到位问题")
    (problem,) = _messages(cli, repo)
    assert problem["code"] == "E209" and f"U+{ord(char):04X}" in problem["message"]
    assert visible(char) == f"<U+{ord(char):04X}>"


def test_a_commit_author_or_subject_never_writes_an_escape_to_the_terminal(cli, repo):
    from test_log import git

    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=Evil\x1b[31m", "commit", "-qm", "init \x1b]0;pwned\x07\x1b[2J")
    for fmt in ("table", "json"):
        result = cli("log", "r2-01", "-C", str(repo), "--format", fmt)
        assert result.exit_code == 0 and "Evil" in result.stdout and not RAW_UNSAFE.search(result.stdout)


def test_emoji_codes_in_the_data_stay_text(cli, repo):
    """Rich would draw “:x:” as ❌ in any text it prints as a string."""
    from dufu.cli import app

    edit(repo / "data/tasks/r2-01.yaml", "title: 思想认识不够到位问题", 'title: "思想认识:x:不够到位问题:smile:"')
    for args in (["show", "r2-01"], ["list"], ["status", "--as-of", "2024-06-24"]):
        result = cli(*args, "-C", str(repo))
        assert result.exit_code == 0 and ":x:" in result.stdout and "❌" not in result.stdout, args
    args = ["progress", "add", "r2-01", "--as-of", "2024-07-01", "--from", "-", "-C", str(repo)]
    result = cli.runner.invoke(app, args, input="标题:x:甲\n", env={"NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 1 and "标题:x:甲" in result.output and "❌" not in result.output
