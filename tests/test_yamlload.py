"""The strict YAML loader: text stays text, traps become located problems."""

from __future__ import annotations

import pytest

from dufu.yamlload import compose, load_yaml, locate


def load(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_yaml("f.yaml", raw)


@pytest.mark.parametrize(
    "value",
    ["yes", "no", "on", "off", "NO", "2024-05-31", "010", "1:30", "0x1F", "1_000", "2024-02-30", ".inf"],
)
def test_yaml_11_implicit_types_stay_text(value):
    assert load(f"a: {value}\n").data == {"a": value}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("false", False), ("12", 12), ("-3", -3), ("1.5", 1.5), ("null", None), ("~", None), ("", None)],
)
def test_json_like_scalars_are_typed(value, expected):
    assert load(f"a: {value}\n").data == {"a": expected}


def test_duplicate_key_names_both_positions():
    loaded = load("a: 1\nb: 2\na: 3\n")
    (problem,) = loaded.problems
    assert (problem.line, problem.col, problem.code) == (3, 1, "E104")
    assert "第 1 行第 1 列" in problem.message


def test_alias_bomb_is_refused_before_expansion():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    (problem,) = load(bomb).problems
    assert problem.code == "E105"


def test_python_tags_are_never_constructed():
    (problem,) = load('a: !!python/object/apply:os.system ["false"]\n').problems
    assert problem.code == "E106"


@pytest.mark.parametrize("tag", ["!!binary aGk=", "!!timestamp 2024-01-01", "!!set {a}", "!custom x"])
def test_other_explicit_tags_are_refused(tag):
    assert load(f"a: {tag}\n").problems[0].code == "E106"


def test_non_text_keys_are_refused():
    assert load("1: a\n").problems[0].code == "E107"


def test_full_width_colon_is_not_a_mapping():
    assert load("title:文字\n").data == "title:文字"


def test_stray_colon_in_prose_is_located():
    (problem,) = load("target: 要求: 坚定\n").problems
    assert (problem.code, problem.line, problem.col) == ("E103", 1, 11)


def test_tab_indentation_is_explained():
    (problem,) = load("a:\n\t- b\n").problems
    assert problem.code == "E103" and "Tab" in problem.message


def test_gbk_bytes_are_recognised():
    (problem,) = load("a: 落实工作\n".encode("gb18030")).problems
    assert problem.code == "E101" and "GB18030" in problem.message and problem.line == 1


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
def test_byte_order_marks_are_reported(bom):
    assert load(bom + b"a: 1\n").problems[0].code == "E102"


def test_empty_file():
    assert load("").problems[0].code == "E109"
    assert load("# only a comment\n").problems[0].code == "E109"


def test_deep_nesting_is_refused():
    (problem,) = load("a: " + "[" * 5000 + "]" * 5000 + "\n").problems
    assert problem.code == "E103"


def test_oversized_file_is_refused_without_parsing():
    (problem,) = load(b"a: " + b"x" * (3 * 1024 * 1024) + b"\n").problems
    assert problem.code == "E108"


def test_locate_points_at_value_or_key():
    node = compose("a:\n  - x: 1\n    y: [2, 3]\n".encode())
    assert locate(node, ("a", 0, "y", 1)) == (3, 12)
    assert locate(node, ("a", 0, "y"), key=True) == (3, 5)
    assert locate(node, ("a", 5)) == (2, 3)  # missing index: the nearest parent


def test_control_character_is_located():
    (problem,) = load("标题: 中文\nb: x\x07y\n").problems
    assert (problem.code, problem.line, problem.col) == ("E113", 2, 5)


def test_two_documents_in_one_file():
    (problem,) = load("a: 1\n---\nb: 2\n").problems
    assert problem.code == "E103" and "---" in problem.message
