"""Chinese numbering and dates used by the notice templates."""

from __future__ import annotations

from datetime import date

import pytest

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
