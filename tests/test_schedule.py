"""Deadlines against the calendar: every form's due date, and each derived state on the day
before, on and after the date it turns on (the due day itself is still in time)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dufu.deadline import parse_deadline
from dufu.models import Task
from dufu.schedule import timing

ONE = timedelta(days=1)


def task(deadline: str, **extra) -> Task:
    fields = {"id": "t-1", "round": "r1", "number": 1, "title": "问题", "lead_units": "甲", "responsible_units": "乙"}
    fields.update(deadline=deadline, target="目标", status="正在推进")
    fields.update(extra)
    return Task.model_validate(fields)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("2024年12月底前", date(2024, 12, 31)),
        ("2023年9月30日前", date(2023, 9, 30)),
        ("2025年底前", date(2025, 12, 31)),
        ("2025年上半年", date(2025, 6, 30)),
        ("2025年下半年", date(2025, 12, 31)),
        ("2024年第三季度", date(2024, 9, 30)),
        ("2024年一季度末", date(2024, 3, 31)),
        ("2024年第4季度前完成", date(2024, 12, 31)),
        ("2024年6月中旬前", date(2024, 6, 20)),
        ("2024年2月下旬", date(2024, 2, 29)),
        ("立行立改、2024年12月底前", date(2024, 12, 31)),
        ("2025年6月底前、长期坚持", date(2025, 6, 30)),
        ("短期:2024年底前;中期:2025年6月底前;长期:长期坚持", date(2025, 6, 30)),
    ],
)
def test_each_dated_form_is_overdue_only_after_its_due_day(text, due):
    t = task(text)
    assert parse_deadline(text).date == due
    before, on, after = timing(t, due - ONE), timing(t, due), timing(t, due + ONE)
    assert (before.overdue, on.overdue, after.overdue) == (False, False, True)
    assert (before.days_left, on.days_left, after.days_left) == (1, 0, -1)
    assert after.warning == "red" and after.note == "逾期1天"
    if not parse_deadline(text).stages[:-1]:  # a staged one is behind by then (its 短期 unmet)
        assert (before.warning, on.warning, on.note) == ("blue", "blue", "今天到期")


def test_stages_keep_their_labels_and_dates():
    stages = parse_deadline("短期:2024年底前;中期:2025年6月底前;长期:长期坚持").stages
    assert [(s.label, s.date) for s in stages] == [("短期", date(2024, 12, 31)), ("中期", date(2025, 6, 30))]


@pytest.mark.parametrize("text", ["立行立改", "长期坚持", "立行立改、长期坚持"])
def test_undated_deadlines_are_never_overdue(text):
    for day in (date(2000, 1, 1), date(2099, 12, 31)):
        t = timing(task(text), day)
        assert not t.overdue and not t.due_soon and t.due is None and t.warning is None
    assert timing(task(text), date(2030, 1, 1)).long_term == ("长期坚持" in text)


def test_due_soon_window_starts_window_days_before():
    t, due = task("2024年12月底前"), date(2024, 12, 31)
    assert [timing(t, due - timedelta(days=n), 30).due_soon for n in (31, 30, 29)] == [False, True, True]
    assert [timing(t, due - timedelta(days=n), 7).due_soon for n in (8, 7)] == [False, True]
    assert timing(t, due, 0).due_soon and not timing(t, due - ONE, 0).due_soon


def test_done_tasks_are_neither_overdue_nor_due_soon_and_lateness_is_kept():
    late = task("2024年9月30日前", status="已完成", completed_on=date(2024, 10, 1))
    in_time = task("2024年9月30日前", status="已完成", completed_on=date(2024, 9, 30))
    assert not timing(late, date(2024, 9, 30)).overdue and timing(late, date(2024, 9, 30)).due_soon
    for day in (date(2024, 10, 1), date(2025, 1, 1)):
        assert not timing(late, day).overdue and timing(late, day).done_late
        assert not timing(in_time, day).done_late
    assert timing(late, date(2024, 10, 1)).note == "逾期完成"
    unknown = task("2024年9月30日前", status="已完成", completed_by=date(2024, 12, 31))
    assert not timing(unknown, date(2025, 1, 1)).done_late  # only "done by": lateness unknown


def test_pace_from_milestones_day_before_on_and_after():
    t = task("2025年12月底前", milestones=[{"due": "2025-06-30", "goal": "完成一半"}])
    due = date(2025, 6, 30)
    assert [timing(t, d).pace for d in (due - ONE, due, due + ONE)] == ["on", "on", "behind"]
    assert timing(t, due + ONE).warning == "yellow" and timing(t, due + ONE).note == "滞后"
    met = task("2025年12月底前", milestones=[{"due": "2025-06-30", "goal": "完成一半", "done_on": "2025-06-01"}])
    assert [timing(met, d).pace for d in (date(2025, 5, 31), date(2025, 6, 1), date(2025, 7, 1))] == ["on", "ahead", "on"]
    late = task("2025年12月底前", milestones=[{"due": "2025-06-30", "goal": "完成一半", "done_on": "2025-07-10"}])
    assert [timing(late, d).pace for d in (date(2025, 7, 9), date(2025, 7, 10))] == ["behind", "on"]


def test_pace_from_the_stages_of_a_staged_deadline():
    staged = "短期:2024年底前;中期:2025年底前;长期:长期坚持"
    t = task(staged)
    assert [timing(t, d).pace for d in (date(2024, 12, 31), date(2025, 1, 1))] == ["on", "behind"]
    met = task(staged, milestones=[{"due": "2024-12-31", "goal": "短期目标", "done_on": "2024-12-15"}])
    assert timing(met, date(2025, 1, 1)).pace == "on"
    assert timing(task("2025年底前"), date(2025, 6, 1)).pace is None  # nothing to compare with


def test_pace_from_the_reported_status_word():
    t = task("2025年底前", progress=[{"as_of": "2025-06-30", "status": "超过序时进度", "measures": [{"heading": "做了。"}]}])
    assert [timing(t, d).pace for d in (date(2025, 6, 29), date(2025, 6, 30))] == [None, "ahead"]
    behind = task("2025年底前", progress=[{"as_of": "2025-06-30", "status": "未达到序时进度", "measures": [{"heading": "做了。"}]}])
    assert timing(behind, date(2025, 7, 1)).warning == "yellow"


def test_an_adjusted_deadline_counts_from_the_day_it_takes_effect():
    t = task("2025年6月底前", adjustments=[{"on": "2025-05-20", "deadline": "2025年12月底前", "reason": "同意延期"}])
    assert timing(t, date(2025, 5, 19)).due == date(2025, 6, 30)
    assert timing(t, date(2025, 5, 20)).due == date(2025, 12, 31)
    assert not timing(t, date(2025, 7, 1)).overdue and timing(t, date(2026, 1, 1)).overdue
    assert t.at(date(2025, 5, 19)).deadline == "2025年6月底前" and t.at(date(2025, 5, 20)).deadline == "2025年12月底前"


def test_an_adjustment_must_change_something():
    with pytest.raises(ValueError, match="至少写明"):
        task("2025年底前", adjustments=[{"on": "2025-05-20", "reason": "无"}])
