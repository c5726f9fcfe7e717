"""Deadline text: the forms real plans use, and a clear error for anything else."""

from __future__ import annotations

from datetime import date

import pytest

from dufu.deadline import parse_day, parse_deadline


@pytest.mark.parametrize(
    ("text", "due", "immediate", "ongoing"),
    [
        ("立行立改", None, True, False),
        ("长期坚持", None, False, True),
        ("立行立改、长期坚持", None, True, True),
        ("2024年12月底前", date(2024, 12, 31), False, False),
        ("2024年2月底前", date(2024, 2, 29), False, False),
        ("2023年9月30日前", date(2023, 9, 30), False, False),
        ("2017年底前", date(2017, 12, 31), False, False),
        ("2025年上半年", date(2025, 6, 30), False, False),
        ("2025年6月底前、长期坚持", date(2025, 6, 30), False, True),
        ("短期:2024年底前;长期:长期坚持", date(2024, 12, 31), False, True),
        ("短期:2024年底前;中期:2026年6月底前", date(2026, 6, 30), False, False),
        ("２０２４年１２月底前", date(2024, 12, 31), False, False),
        ("2023年6月30日前完成", date(2023, 6, 30), False, False),
        ("2025年底前基本完成整改,长期坚持", date(2025, 12, 31), False, True),
        ("2025年底前完成并长期坚持", date(2025, 12, 31), False, True),
        ("2025年6月底前完成并持续推进", date(2025, 6, 30), False, True),
        # forms real notices use that were refused, and the whole import with them
        ("2025年6月底前完成，并长期坚持", date(2025, 6, 30), False, True),
        ("2025年底前基本完成，2027年底前全面完成", date(2027, 12, 31), False, False),
        ("常态化推进", None, False, True),
    ],
)
def test_deadline_forms(text, due, immediate, ongoing):
    deadline = parse_deadline(text)
    assert (deadline.date, deadline.immediate, deadline.ongoing) == (due, immediate, ongoing)


@pytest.mark.parametrize("text", ["2024年13月底前", "2023年2月30日前", "、"])
def test_impossible_deadlines_are_errors(text):
    with pytest.raises(ValueError):
        parse_deadline(text)


@pytest.mark.parametrize(
    ("text", "due", "vague", "unread"),
    [
        # kept as the notice writes it: a year read is due at its end, nothing read is never overdue
        ("2025年汛期前", date(2025, 12, 31), ("2025年汛期前",), ()),
        ("尽快完成", None, (), ("尽快完成",)),
        ("明年", None, (), ("明年",)),
        ("2024年底前、按要求推进", date(2024, 12, 31), (), ("按要求推进",)),
    ],
)
def test_a_deadline_dufu_cannot_read_in_full_is_kept_with_what_it_reads(text, due, vague, unread):
    deadline = parse_deadline(text)
    assert (deadline.date, deadline.vague, deadline.unread) == (due, vague, unread)


def test_parse_day_accepts_only_iso_dates():
    assert parse_day("2024-05-31") == date(2024, 5, 31)
    for text in ("20240531", "2024/05/31", "2024-5-31", "2024-02-30"):
        with pytest.raises(ValueError):
            parse_day(text)


def test_a_word_holding_bing_is_not_split_there():
    # 并 joins a date and an ongoing duty only after 完成 or 前: "合并长期坚持" is quoted whole
    assert parse_deadline("合并长期坚持").unread == ("合并长期坚持",)
