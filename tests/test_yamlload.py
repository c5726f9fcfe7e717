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


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        # a key indented off its level: an indentation slip, not a stray colon in prose
        ("title: x\n status: 正在推进\ntarget: y\n", 2, 8, "缩进不一致:这一行的“status: ”"),
        ("milestones:\n  - due: 2025-06-30\n    goal: a\n     done_on: 2025-06-20\n", 4, 13, "“done_on: ”"),
        ("target: 要求: 坚定\n", 1, 11, "多余的“: ”"),
        # a full-width colon (a Chinese IME) or no space: blamed on its own line, not the next
        ("title: x\ntarget：压紧\nstatus: 正在推进\n", 2, 1, "字段“target”之后应是半角冒号加空格“: ”,这里是全角冒号“：”"),
        ("title: x\ntarget:压紧\nstatus: 正在推进\n", 2, 1, "这里是后面没有空格的冒号"),
        # an unclosed quote: where it opens, not past the end of the file
        ('id: a\ntitle: "畜禽\ntarget: y\nstatus: z\n', 2, 8, "引号没有闭合"),
        # the same slip on a list item's first field: blamed there, not on the field under it
        ("progress:\n  - as_of：2024-12-31\n    measures: []\n", 2, 5, "字段“as_of”之后应是半角冒号加空格“: ”,这里是全角冒号“：”"),
        ("m:\n  - heading:推进。\n    text: 正文\n", 2, 5, "这里是后面没有空格的冒号"),
        # a wrapped line of prose that holds ": " is no mis-indented field
        ("target: 达到\n  GB3838: 2002 IV类标准。\n", 2, 9, "多余的“: ”"),
        # an item that lost its "- "
        ("progress:\n  - as_of: 2024-01-01\n    measures: []\n  as_of: 2024-02-01\n", 4, 3, "应以“- ”开头"),
    ],
)
def test_a_syntax_slip_is_named_for_what_it_is_where_it_is(text, line, col, words):
    (problem,) = load(text).problems
    assert (problem.code, problem.line, problem.col) == ("E103", line, col) and words in problem.message, problem


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


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("number: !!int abc\n", "E106"),  # was a ValueError from int(): an internal error
        ("number: !!float abc\n", "E106"),
        ("number: !!int 010\n", "E106"),  # not octal 8
        ("done: !!bool yes\n", "E106"),  # not true
        ("? [a]\n: 1\n", "E107"),  # was a TypeError (an unhashable key)
        ("? !!str [a]\n: 1\n", "E107"),
        ("a: !!str {b: 1}\n", "E103"),
    ],
)
def test_explicit_tags_and_odd_keys_are_problems_not_crashes(text, code):
    (problem,) = load(text).problems
    assert (problem.code, problem.line) == (code, 1)


def test_explicit_tags_that_fit_keep_their_value():
    assert load("a: !!int 12\nb: !!float -0.5\nc: !!bool TRUE\nd: !!null ~\ne: !!str 12\n").data == {
        "a": 12,
        "b": -0.5,
        "c": True,
        "d": None,
        "e": "12",
    }


_SCALARS = [
    "0", "-0", "+7", "12", "010", "1:30", "0x1F", "1_000", "1.", ".5", "-0.0", "1e5", "1.5e-3", "+.5E+2", ".inf",
    "true", "True", "TRUE", "tRue", "false", "yes", "no", "on", "~", "null", "Null", "NULL", "nULL", "",
    "2024-05-31", "中文", "第一轮督察", "a b", "'q'", '"d"',
]
_ODD = ["x #c", "a: b", "- x", "[1]", "{a: 1}", "# c", "|", ">", "&a x", "*a", "!!int 5"]


def _random_document(rng) -> str:
    """A YAML text of nested mappings and lists with the scalars above written raw (plain,
    flow or block), sometimes with a duplicate or a non-text key."""
    def value(depth: int) -> str:
        roll = rng.random()
        if depth > 3 or roll < 0.5:
            return rng.choice(_ODD if rng.random() < 0.03 else _SCALARS)
        if roll < 0.75:
            return "[" + ", ".join(value(depth + 1) for _ in range(rng.randrange(4))) + "]"
        keys = rng.sample(["a", "b", "c", "中", "x y", "'1'"], rng.randrange(4))
        keys += [rng.choice(["a", "1", "true", "~", "-0", "[x]"])] * (rng.random() < 0.05)  # a duplicate or non-text key
        return "{" + ", ".join(f"{key}: {value(depth + 1)}" for key in keys) + "}"

    lines = []
    for n in range(rng.randrange(1, 6)):
        key = rng.choice([f"k{n}"] * 30 + ["k0", "1", "null", "标题"])
        if rng.random() < 0.3:
            lines.append(f"{key}:")
            lines += [f"  - {value(1)}" for _ in range(rng.randrange(1, 4))]
        else:
            lines.append(f"{key}: {value(0)}")
    return "\n".join(lines) + "\n"


def _outcome(raw: bytes, plain: bool) -> str:
    from dufu.yamlload import StrictLoader

    loader = StrictLoader(raw)
    loader.plain = plain
    try:
        return repr(loader.get_single_data())  # repr: 1, 1.0, True and -0.0 differ
    except Exception as exc:  # noqa: BLE001 - both ways must fail alike
        return f"{type(exc).__name__}: {exc}"
    finally:
        loader.dispose()


def test_the_fast_build_gives_what_pyyamls_constructor_gives():
    """_plain (files without tags or aliases) against PyYAML's constructor, on random documents
    of tricky scalars, flow and block collections, duplicate and non-text keys, and on every
    shipped data file."""
    import random

    from conftest import PROJECT

    rng = random.Random(11)
    documents = [_random_document(rng).encode("utf-8") for _ in range(3000)]
    documents += [path.read_bytes() for path in sorted((PROJECT / "data").rglob("*.yaml"))]
    differ = [raw for raw in documents if _outcome(raw, True) != _outcome(raw, False)]
    assert not differ, differ[:3]
    loaded = [raw for raw in documents if not _outcome(raw, True).startswith(("YamlProblem", "ScannerError", "ParserError"))]
    assert 1500 < len(loaded) < len(documents)  # most load; some fail, alike


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("title: &\n", "& 或 * 之后应是名字"),
        ("a: x\n...\nb: y\n", "一个文件只能有一个 YAML 文档"),
        ('title: "\\UFFFFFFFF"\n', "转义不是有效的字符"),
        ("%FOO bar\n--- \ntitle: x\n", "不认识的指令"),
        ("a: - b\n", "列表项“- ”的位置不对"),
        ("title: !!map 思想\n", "标签 !!map 要求映射"),
        ("title: !!seq 思想\n", "标签 !!seq 要求列表"),
        ("title: !!str [1]\n", "标签要求单个值"),
    ],
)
def test_libyaml_messages_are_said_in_chinese(text, words):
    (problem,) = load_yaml("t.yaml", text.encode("utf-8")).problems
    assert problem.code == "E103" and words in problem.message, problem.message


@pytest.mark.parametrize("other", ["\u2028", "\u2029", "\x85", "\r"])
def test_lines_are_counted_as_an_editor_counts_them(other):
    """libyaml also ends a line at CR, NEL, LS and PS; dufu names lines as an editor does (at
    LF), so that the line quoted is the line reported."""
    text = f'a: "甲{other}乙"\nb: 1\nc: [\n'
    (problem,) = load_yaml("t.yaml", text.encode("utf-8")).problems
    assert problem.line == 4, problem  # the end of the file, where the [ is left open
    node = compose(f'a: "甲{other}乙"\nb: 1\n'.encode("utf-8"))
    assert locate(node, ("b",)) == (2, 4)
    assert locate(node, ("b",), key=True) == (2, 1)


def test_recounting_the_lines_of_a_large_file_takes_linear_time():
    """Every mark of a 40,000-item file holding one U+2028 is placed once the line ends are
    known: looking for another line break in the whole file again for each mark took 277 s."""
    import subprocess
    import sys

    code = (
        "from dufu.yamlload import compose, locate\n"
        "items = [f'  - as_of: 2024-01-{i % 28 + 1:02}' for i in range(40000)]\n"
        "raw = ('\\n'.join(['id: r1', 'progress:', *items, '  - \"x\\u2028y\"']) + '\\n').encode()\n"
        "print(locate(compose(raw), ('progress', 39999)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "(40002, 5)"
