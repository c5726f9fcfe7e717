"""completed_by: "done on or before", for tasks and counted groups; checks accept it honestly."""

from __future__ import annotations

from datetime import date

from conftest import edit

from dufu.models import CountedTasks, Task
from dufu.validate import validate_repository

REPORT = {"as_of": "2024-05-31", "measures": [{"heading": "措施。"}]}
TASK = {
    "id": "r2-01", "round": "r2", "number": 1, "title": "问题", "lead_units": "甲", "responsible_units": "乙",
    "deadline": "立行立改、长期坚持", "target": "目标", "progress": [REPORT],
}  # fmt: skip


def test_a_task_done_by_a_cutoff_is_open_before_it_and_done_from_it():
    task = Task.model_validate({**TASK, "status": "已完成", "completed_by": "2024-11-30"})
    assert task.status_at(date(2024, 5, 31)) == "正在推进"
    assert task.status_at(date(2024, 11, 29)) == "正在推进"
    assert task.status_at(date(2024, 11, 30)) == "已完成"


def test_a_counted_group_done_by_a_cutoff():
    group = CountedTasks(status="正在推进", count=2, completed_by=date(2024, 11, 30))
    assert [group.status_at(date(2024, 11, d)) for d in (29, 30)] == ["正在推进", "已完成"]


def _codes(root):
    return {(p.code, p.field) for p in validate_repository(root, date(2026, 1, 1)).problems}


def test_completed_by_stands_for_completed_on_and_must_agree_with_status(repo):
    path = repo / "data/tasks/r2-01.yaml"
    edit(path, "status: 正在推进", "status: 已完成\ncompleted_by: 2024-11-30")
    assert not any(code.startswith("E3") for code, _ in _codes(repo))
    edit(path, "status: 已完成", "status: 正在推进")
    assert ("E323", "completed_by") in _codes(repo)
    edit(path, "completed_by: 2024-11-30", "completed_by: 2027-01-01")
    assert ("E333", "completed_by") in _codes(repo)
