"""The counts of an imported round: the tasks a notice tallies but does not list.

A round met for the first time gets counted groups for its done and its unlisted open tasks.
A later notice may only move counted tasks forward: tasks it now lists leave the open counts,
and counted tasks that became done are split off as done on or before its cut-off
(``completed_by``), so every earlier notice keeps its numbers.
"""

from __future__ import annotations

from datetime import date

from .models import DONE_STATUSES, CountedTasks
from .noticeparse import NoticeError


def first_counts(written: str, total: int, done: int, listed: int, comma: str) -> list[CountedTasks]:
    open_unlisted = total - done - listed
    if open_unlisted < 0:
        raise NoticeError(2, f"{written}剩余 {total - done} 项正在推进,但公告逐项列出了 {listed} 项", "E503")
    out = []
    if done:
        out.append(CountedTasks(status="已完成", count=done, note=f"已完成整改{comma}未逐项录入本台账"))
    if open_unlisted:
        out.append(CountedTasks(status="正在推进", count=open_unlisted, note=f"正在推进{comma}公告未逐项列出"))
    return out


def _open_groups(groups: list[CountedTasks], cutoff: date) -> list[int]:
    return [
        i for i, g in enumerate(groups) if g.status not in DONE_STATUSES and g.status_at(cutoff) not in DONE_STATUSES
    ]


def take_open(groups: list[CountedTasks], count: int, cutoff: date, written: str) -> list[CountedTasks]:
    """Newly itemized open tasks were counted open before: take them out of the counts."""
    for index in reversed(_open_groups(groups, cutoff)):
        take = min(count, groups[index].count)
        count -= take
        rest = groups[index].count - take
        groups[index : index + 1] = [groups[index].model_copy(update={"count": rest})] if rest else []
    if count:
        raise NoticeError(2, f"公告逐项列出了{written}的新任务,但数据中该轮次已没有未逐项录入的未完成任务", "E503")
    return groups


def complete_by(groups: list[CountedTasks], need: int, cutoff: date, written: str, comma: str) -> list[CountedTasks]:
    """need more counted tasks are done at the cut-off than the counts say: split them off
    the open counts as done on or before it."""
    need -= sum(g.count for g in groups if g.status_at(cutoff) in DONE_STATUSES)
    if need < 0:
        raise NoticeError(2, f"{written}已完成数比数据仓库中截至同日的少 {-need} 项", "E503")
    for index in _open_groups(groups, cutoff):
        if not need:
            break
        group = groups[index]
        if group.completed_by is not None:
            continue
        take = min(need, group.count)
        need -= take
        note = f"公告未逐项列出{comma}{cutoff.isoformat()}或更早已完成{comma}确切日期不详"
        done = group.model_copy(update={"count": take, "completed_by": cutoff, "note": note})
        rest = [group.model_copy(update={"count": group.count - take})] if group.count > take else []
        groups[index : index + 1] = rest + [done]
    if need:
        raise NoticeError(2, f"{written}已完成数比数据仓库中能对应的多 {need} 项", "E503")
    return groups
