"""Chinese typography warnings: located to the character, never errors."""

from __future__ import annotations

import json

import pytest
from conftest import TODAY, edit

from dufu.textsafety import describe_char
from dufu.typography import check_text


@pytest.mark.parametrize(
    ("text", "code", "offset"),
    [
        ("加强会商,共同督导，形成合力", "W401", 9),
        ("投资2,350万元,共同督导，形成合力", "W401", 14),  # a comma beside the number's is still named
        ("工作机制, 组织开展", "W402", 5),
        ("生态 环境", "W402", 2),
        ("生态\u3000环境", "W402", 2),
        ("推进“绿盾行动", "W403", 2),
        ("推进绿盾”行动", "W403", 4),
        ("印发《方案", "W403", 2),
        ("各县(市、区", "W403", 2),
        ("沿线５.3公里", "W406", 2),
        ("完成ＰＭ２.５监测", "W406", 4),
    ],
)
def test_each_rule_with_its_position(text, code, offset):
    assert (code, offset) in [(c, o) for c, _, o in check_text(text)]


@pytest.mark.parametrize(
    "text",
    [
        "市直有关单位,各县(市、区)党委和人民政府",  # consistent half-width style, as published
        "以“6•5环境日”为契机,推出《中国绿都•最氧三明》。",
        "GB/T 9704 规定了公文格式",
        "共 17 项",
        "河长＋网格员,ＧＢ/T 9704",  # full-width signs and letters are a style; only digits are named
        "完成投资2,350万元，占年度计划的85%",  # a thousands separator is no comma
        "于9:30召开会议：部署整治",  # nor is the colon of a time of day
    ],
)
def test_clean_text_has_no_warnings(text):
    assert check_text(text) == []


def test_hand_typed_numbers_in_the_data_are_warned(cli, repo):
    task = repo / "data/tasks/r2-01.yaml"
    edit(task, "          - 按照省上部署", "          - ①按照省上部署")
    edit(task, "      - heading: 严格落实", "      - heading: 2.严格落实")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert result.exit_code == 0  # warnings only
    codes = {(p["path"], p["line"], p["code"]) for p in json.loads(result.stdout)["problems"]}
    assert ("data/tasks/r2-01.yaml", 16, "W404") in codes
    assert ("data/tasks/r2-01.yaml", 19, "W405") in codes


def test_a_full_width_digit_in_a_deadline_is_warned_at_it(cli, repo):
    # an input method left in full-width mode: the deadline parses, and the notice printed ２０２６
    edit(repo / "data/tasks/r2-01.yaml", "deadline: 立行立改、长期坚持", "deadline: ２０２６年12月底前")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert result.exit_code == 0
    (found,) = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "W406"]
    assert (found["line"], found["column"]) == (8, 11) and "“２０２６”是全角数字,应写作半角“2026”" in found["message"]


def test_a_circled_number_inside_an_item_is_warned_at_it(cli, repo):
    # ①…③…: ② skipped, so ③ stayed inside ①'s text (import notice keeps the text as published)
    task = repo / "data/tasks/r2-01.yaml"
    edit(task, "          - 按照省上部署", "          - 按照省上③部署")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert result.exit_code == 0  # a warning: a published text may hold it
    (found,) = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "W404"]
    assert (found["line"], found["column"]) == (16, 17) and "分项中有圈号“③”" in found["message"]


@pytest.mark.parametrize("space", ["\xa0", "\u2002", "\u2003", "\u2007", "\u2009", "\u202f"])
def test_a_no_break_or_typographic_space_between_chinese_is_a_stray_space_named(space):
    # web pages carry these where a space was typed: unseen, and not warned of before
    assert check_text(f"工作机制{space}组织开展") == [("W402", f"中文之间有多余的空格,是 {describe_char(space)}", 4)]
