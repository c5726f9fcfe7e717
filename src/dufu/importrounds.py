"""The rounds of an imported notice: matched by name or created, and their counts.

Rounds are matched by the name the summary sentence writes (the first in full, the others by
short name). Its counts are the tasks a notice tallies but does not list: a round met for the first time gets counted groups for its done and its unlisted open tasks.
A later notice may only move counted tasks forward: tasks it now lists fill the round's stated
total where the data falls short of it (E350), then leave the open counts,
and counted tasks that became done are split off as done on or before its cut-off
(``completed_by``), so every earlier notice keeps its numbers.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from pydantic import ValidationError

from . import yamlwrite as yw
from .models import DONE_STATUSES, CountedTasks, Round
from .noticeparse import NoticeError
from .templates import parse_zh_number
from .translate import _pydantic_problem

if TYPE_CHECKING:
    from .importer import Plan

_ORDINAL = re.compile(r"第([零一二三四五六七八九十百]+)轮")
_LEVELS = (("兵团", ("兵团",)), ("省", ("省", "自治区")), ("市", ("市", "州", "盟")), ("县", ("县", "区", "旗")))
_BATCH = re.compile(r"第[零一二三四五六七八九十百]+批")  # 第一批: a batch within a round, not another round


def _same_round_by_name(a: str, b: str) -> bool:
    """Whether two names of rounds are, most likely, one round written two ways: the same
    ordinal (第二轮) and the same level (中央, 省, 兵团…), both 回头看 or neither, both 专项 or
    neither. Other words (省委 or 省级, 例行, 第一批) do not make another round. Names without an ordinal must be
    the same text."""
    x, y = _ORDINAL.match(a), _ORDINAL.match(b)
    if x is None or y is None:
        return a == b
    return x[0] == y[0] and _level(a[x.end() :]) == _level(b[y.end() :])


def _level(words: str) -> tuple[str, bool, bool]:
    """The level a round's words name (中央 unless 兵团, 省 or 自治区, 市, 县 or 区 or 旗), and
    whether it is a 回头看 and whether a 专项 (special) inspection, each another round."""
    before = words.split("督察")[0]
    level = next((kind for kind, marks in _LEVELS if any(mark in before for mark in marks)), "中央")
    return level, "回头看" in words, "专项" in words


def _round_names(plan: Plan, index: int) -> tuple[str, str]:
    """(name, short_name) of the index-th round of the summary: the first is written in full,
    the others by short name; the missing form follows the ordinal (第二轮…)."""
    written = plan.notice.rounds[index][0]
    first = plan.notice.rounds[0][0]
    ordinal = _ORDINAL.match(written)
    if index == 0:  # 第一轮中央生态环境保护督察“回头看” is short 第一轮督察“回头看”; no other level's is guessed
        after = written[ordinal.end() :] if ordinal else ""
        level, _, special = _level(after)
        if "督察" not in after or level != "中央" or special:  # no 省级, no 专项
            return written, written
        return written, ordinal[0] + after[after.index("督察") :]
    first_ordinal = _ORDINAL.match(first)
    after = written[ordinal.end() :] if ordinal else ""
    level = after[: after.index("督察")] if "督察" in after else None  # 第二轮督察: "", 第二轮省级督察“回头看”: 省级
    rest = _BATCH.sub("", first[first_ordinal.end() :]) if first_ordinal else ""  # 第三轮第一批…: 第二轮 is no batch of it
    if level is not None and first_ordinal and rest.startswith(level) and ("督察" in rest or not level):
        # 第二轮督察, 第一轮督察“回头看”, 第二轮省级督察“回头看” after 第二轮省级生态环境保护督察: the
        # first round's words to its 督察 (not a “回头看” after them), then what follows 督察 here
        head = rest[: rest.index("督察") + 2] if "督察" in rest else rest
        return ordinal[0] + head + after[len(level) + 2 :], written
    return written, written


def plan_round(plan: Plan, index: int) -> str:
    name, short = _round_names(plan, index)
    written, total, *_ = plan.notice.rounds[index]
    rounds = plan.data.rounds.values()
    if index == 0:  # written in full
        rnd = next((rnd for rnd in rounds if rnd.name == written), None)
    else:  # by the short name, of the round its full name would be (第二轮督察 after 第一轮省级…: a provincial one)
        rnd = next((rnd for rnd in rounds if rnd.short_name == written and _same_round_by_name(name, rnd.name)), None)
    if rnd is not None:
        if rnd.total is not None and rnd.total != total:
            raise NoticeError(2, f"{written}的任务总数是 {total} 项,而数据仓库中的{rnd.id}是 {rnd.total} 项", "E505")
        return rnd.id
    for rnd in rounds:  # a known round, written as dufu's notice does not write it in this place
        if _same_round_by_name(name, rnd.name):
            form = f"全称“{rnd.name}”" if index == 0 else f"简称“{rnd.short_name}”"
            raise NoticeError(
                2,
                f"汇总句中的“{written}”是数据中的轮次 {rnd.id},而 dufu 的公告在这个位置写它的{form}:"
                "无法原样重现(同一轮次的写法与已导入的公告不同)",
                "E505",
            )
    if index == 0 and any(short == rnd.short_name for rnd in rounds):  # a guess another round has
        short = name  # (a notice writing it after the first prints it as it is written)
    ordinal = _ORDINAL.match(written)
    number = parse_zh_number(ordinal[1]) if ordinal else None
    round_id = f"r{number}" if number else f"r{index + 1}"
    while round_id in plan.data.rounds or f"data/rounds/{round_id}.yaml" in plan.files:
        round_id += "x"
    try:
        rnd = Round(id=round_id, name=name, short_name=short, total=total)
    except ValidationError as exc:  # a total of 0, a name too long: said as validation says it
        problem = _pydantic_problem("", None, exc.errors(include_input=False)[0])
        raise NoticeError(2, f"{written}无法记为一个轮次:{problem.field} {problem.message}", "E502") from None
    fields = [("id", rnd.id), ("name", name), ("short_name", short), ("total", total)]
    plan.files[f"data/rounds/{round_id}.yaml"] = yw.header("round", 2) + yw.mapping(fields)
    plan.data.rounds[round_id] = rnd
    return round_id


def listing_round(plan: Plan, round_ids: list[str]) -> str | None:
    """The round whose tasks are listed: named in the intro (in full or short), or given by
    --round (which must agree with the intro), else the one open round that can be."""
    notice = plan.notice
    if not notice.sections:
        return None
    # the round whose name (or short name) the intro writes; the longest written wins, as
    # 第一轮中央生态环境保护督察“回头看” names the 回头看, not the first round
    named = [
        (len(form), position, rid)
        for position, rid in enumerate(round_ids)
        for form in (plan.data.rounds[rid].name, plan.data.rounds[rid].short_name)
        if form in notice.intro
    ]
    if plan.listed is not None:  # --round: by id, or by the name the summary writes
        given = _given_round(plan, round_ids)
        if named and max(named)[2] != given:
            raise NoticeError(2, f"引言写明列出的是{max(named)[2]}的任务,而 --round 给出的是 {given}", "E503")
        return given
    if named:
        return max(named)[2]
    open_rounds = [rid for rid, (_, total, done, _) in zip(round_ids, notice.rounds) if total > done]
    if not open_rounds:
        raise NoticeError(2, "公告逐项列出了任务,但汇总句说各轮次任务均已完成", "E503")
    if len(open_rounds) > 1:  # the intro names none: the one that has a listed task, or room for them all
        titles = {section.title for section in notice.sections}
        known = [rid for rid in open_rounds if any(t.title in titles for t in plan.data.tasks_of(rid))]
        room = [rid for rid, (_, total, done, _) in zip(round_ids, notice.rounds) if total - done >= len(titles)]
        open_rounds = known or [rid for rid in open_rounds if rid in room]
    if not open_rounds:
        raise NoticeError(2, f"引言没有写明列出的是哪一轮次的任务,而没有一个轮次剩余的任务有 {len(notice.sections)} 项", "E503")
    if len(open_rounds) > 1:
        names = "、".join(plan.notice.rounds[round_ids.index(rid)][0] for rid in open_rounds)
        raise NoticeError(
            2, f"引言没有写明列出的是哪一轮次的任务,而{names}都可能是:无法判断,请用 --round 指定", "E503"
        )
    return open_rounds[0]


def _given_round(plan: Plan, round_ids: list[str]) -> str:
    for rid, (written, *_) in zip(round_ids, plan.notice.rounds):
        rnd = plan.data.rounds[rid]
        if plan.listed in (rid, written, rnd.name, rnd.short_name):
            return rid
    names = "、".join(f"{rid}({written})" for rid, (written, *_) in zip(round_ids, plan.notice.rounds))
    raise NoticeError(2, f"--round 给出的“{plan.listed}”不是汇总句中的轮次(汇总句中有:{names})", "E503")


def first_counts(written: str, total: int, done: int, listed: int, comma: str, basic: int = 0) -> list[CountedTasks]:
    """The counted tasks of a round met for the first time: done, then open ones not listed
    (those 基本完成 apart, when none of its tasks is listed: then they are among these)."""
    open_unlisted = total - done - listed
    basic = basic if not listed else 0
    if open_unlisted < 0:
        raise NoticeError(2, f"{written}剩余 {total - done} 项正在推进,但公告逐项列出了 {listed} 项", "E503")
    out = []
    if done:
        out.append(CountedTasks(status="已完成", count=done, note=f"已完成整改{comma}未逐项录入本台账"))
    if basic:
        out.append(CountedTasks(status="基本完成", count=basic, note=f"基本完成{comma}公告未逐项列出"))
    if open_unlisted - basic:
        out.append(CountedTasks(status="正在推进", count=open_unlisted - basic, note=f"正在推进{comma}公告未逐项列出"))
    return out


def _open_groups(groups: list[CountedTasks], cutoff: date) -> list[int]:
    return [
        i for i, g in enumerate(groups) if g.status not in DONE_STATUSES and g.status_at(cutoff) not in DONE_STATUSES
    ]


def take_open(
    groups: list[CountedTasks], created: int, unentered: int, cutoff: date, written: str
) -> list[CountedTasks]:
    """Newly itemized open tasks are ones the round's total has but the data had not entered,
    then ones counted open before: take the rest out of the counts."""
    counted_open = sum(groups[i].count for i in _open_groups(groups, cutoff))
    if created > unentered + counted_open:
        raise NoticeError(
            2,
            f"公告逐项列出了{written}的 {created} 项新任务,而数据中该轮次只有 {unentered} 项尚未录入、"
            f"{counted_open} 项只知数量的未完成任务",
            "E503",
        )
    count = max(created - unentered, 0)
    for index in reversed(_open_groups(groups, cutoff)):
        take = min(count, groups[index].count)
        count -= take
        rest = groups[index].count - take
        groups[index : index + 1] = [groups[index].model_copy(update={"count": rest})] if rest else []
    return groups


def complete_by(
    groups: list[CountedTasks], need: int, cutoff: date, written: str, comma: str, unknown: list[str]
) -> list[CountedTasks]:
    """need more counted tasks are done at the cut-off than the counts say: split them off
    the open counts as done on or before it. unknown: the round's itemized tasks open in the
    data that the notice does not list, of which it cannot say which became done."""
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
        message = f"{written}已完成数比数据仓库中能对应的多 {need} 项"
        if unknown:
            message += f";公告没有列出这一轮次的任务,无法判断其中未完成的 {'、'.join(unknown)} 哪些已完成"
        raise NoticeError(2, message, "E503")
    return groups
