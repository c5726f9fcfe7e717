"""Understand deadline text (整改时限) such as ``立行立改、长期坚持`` or ``2025年12月底前``."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .textsafety import lookalike_note

_SEPARATORS = re.compile(r"[、,，;；]|(?:(?<=完成)|(?<=前))并(?=长期坚持|持续推进|持续整改)")  # …完成并长期坚持
_PHASE = re.compile(r"^(近期|短期|中期|远期|长期)(?:目标)?[:：]")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_TENDAYS = {"上旬": 10, "中旬": 20}
_BY = r"(?:之?前)?(?:基本|全面)?(?:完成(?:整改)?)?"  # 前 / 之前 / 前完成 / 前基本完成整改 / 前全面完成 …
_ONGOING = ("长期坚持", "持续推进", "持续整改", "持续开展", "常态化推进", "常态化开展", "长期推进")
YEAR = re.compile(r"(?<![0-9])([0-9]{4})年")
_DATE_FORMS = [
    # 2023年9月30日前
    (re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(\d{{1,2}})日{_BY}$"), "day"),
    # 2024年12月底前, 2024年12月底, 2024年12月
    (re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(?:底|末)?{_BY}$"), "month"),
    # 2017年底前, 2017年年底前, 2017年末
    (re.compile(rf"^(\d{{4}})年(?:年)?(?:底|末){_BY}$"), "year"),
    (re.compile(rf"^(\d{{4}})年{_BY}$"), "year"),
    (re.compile(rf"^(\d{{4}})年上半年{_BY}$"), "h1"),
    (re.compile(rf"^(\d{{4}})年下半年{_BY}$"), "year"),
    # 2024年第三季度, 2024年三季度末, 2024年第3季度前
    (re.compile(rf"^(\d{{4}})年第?([一二三四1-4])季度(?:末|底)?{_BY}$"), "quarter"),
    # 2024年6月中旬前
    (re.compile(rf"^(\d{{4}})年(\d{{1,2}})月(上旬|中旬|下旬){_BY}$"), "tendays"),
]
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date; ValueError with a Chinese message otherwise."""
    if not _ISO_DAY.match(text):
        plain = unicodedata.normalize("NFKC", text).strip()
        if plain != text and _ISO_DAY.match(plain):  # looks right, is not: say what differs
            raise ValueError(f"日期{lookalike_note(text, plain)}")
        raise ValueError(f"日期应写成 YYYY-MM-DD,例如 2024-05-31,而不是“{text}”")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期 {text} 不存在") from None


@dataclass(frozen=True)
class Stage:
    """One dated point of a deadline: ``短期:2024年底前`` gives Stage("短期", 2024-12-31)."""

    label: str | None
    date: date


@dataclass(frozen=True)
class Deadline:
    """What a deadline text says: its dated stages, fix-at-once, keep-at-it.

    The due date is the last dated stage. A task is overdue only after that day: the due day
    itself is still in time. A deadline without a date (立行立改, 长期坚持) is never overdue.
    """

    text: str
    date: date | None
    immediate: bool = False
    ongoing: bool = False
    stages: tuple[Stage, ...] = ()
    vague: tuple[str, ...] = ()  # parts of which only the year is read (2025年汛期前): due at its end
    unread: tuple[str, ...] = ()  # parts without a date dufu reads: never overdue on their account

    @property
    def long_term(self) -> bool:
        """长期坚持 with no date to meet: the task can never be overdue."""
        return self.ongoing and self.date is None


def _part_date(part: str) -> date | None:
    for regexp, kind in _DATE_FORMS:
        m = regexp.match(part)
        if not m:
            continue
        year = int(m.group(1))
        if kind == "day":
            return date(year, int(m.group(2)), int(m.group(3)))
        if kind == "month":
            month = int(m.group(2))
            return date(year, month, calendar.monthrange(year, month)[1])
        if kind == "h1":
            return date(year, 6, 30)
        if kind == "quarter":
            month = 3 * _QUARTERS[m.group(2)]
            return date(year, month, calendar.monthrange(year, month)[1])
        if kind == "tendays":
            month = int(m.group(2))
            return date(year, month, _TENDAYS.get(m.group(3)) or calendar.monthrange(year, month)[1])
        return date(year, 12, 31)
    return None


@lru_cache(maxsize=4096)
def parse_deadline(text: str) -> Deadline:
    """Parse deadline text; raise ValueError with a Chinese message when it is not understood."""
    immediate = ongoing = False
    stages: list[Stage] = []
    vague: list[str] = []
    unread: list[str] = []
    parts = [p.strip() for p in _SEPARATORS.split(text) if p.strip()]
    if not parts:
        raise ValueError("整改时限是空的")
    for raw in parts:
        phase = _PHASE.match(raw)
        part = raw[phase.end() :].translate(FULL_WIDTH_DIGITS) if phase else raw.translate(FULL_WIDTH_DIGITS)
        if part in ("立行立改", "立即整改"):
            immediate = True
            continue
        if part.removeprefix("并") in _ONGOING:  # …完成，并长期坚持
            ongoing = True
            continue
        try:
            day = _part_date(part)
        except ValueError:
            raise ValueError(f"整改时限“{raw}”中的日期不存在") from None
        if day is None and (year := YEAR.search(part)) is not None:  # 2025年汛期前: by the end of 2025 at the latest
            vague.append(raw)
            day = date(int(year[1]), 12, 31)
        if day is None:
            unread.append(raw)
            continue
        stages.append(Stage(phase.group(1) if phase else None, day))
    stages.sort(key=lambda stage: stage.date)
    return Deadline(text, stages[-1].date if stages else None, immediate, ongoing, tuple(stages), tuple(vague), tuple(unread))


def typed_deadline_problem(text: str) -> str | None:
    """What is wrong with a deadline typed into a command (new task, adjust), or None. Stricter
    than the data's check: a form read in no part (明年) is refused there, where the person
    can say it otherwise; in a file or a notice being imported it is only named (W322)."""
    try:
        deadline = parse_deadline(text)
    except ValueError as exc:
        return str(exc)
    if deadline.unread:
        return f"无法识别整改时限“{deadline.unread[0]}”:{UNREAD_HINT}"
    return None


UNREAD_HINT = (
    "dufu 读得懂“立行立改”“长期坚持”,或“2024年12月底前”“2023年9月30日前”“2025年上半年”“2024年第三季度”"
    "这样的日期,分阶段的写“短期:2024年底前;中期:2025年底前”"
)
