"""Reading a ledger's cells: which column is which field, and the values offices put in them.

Real ledgers name and order their columns differently (问题名称, 牵头部门, 完成时限…), write
dates as text (2024.5.31, 2024年5月底前) and statuses in their own words. Everything here is
a plain function of a header or cell value; ``ledger_import`` walks the sheet.
"""

from __future__ import annotations

import calendar

import re
from datetime import date, datetime

from .deadline import FULL_WIDTH_DIGITS
from .ledger_xlsx import BEFORE, EXTRA_LABELS
from .models import STATUSES
from .words import LABELS

# Header words per field, most specific first; the labels dufu itself writes come first.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "问题序号", "任务序号"),
    "round": ("轮次", "督察轮次", "批次"),
    "title": ("问题", "问题名称", "反馈问题", "整改问题", "存在问题", "问题描述", "督察反馈问题", "任务名称"),
    "lead_units": ("牵头单位", "牵头部门", "牵头责任单位", "牵头领导单位"),
    "responsible_units": ("责任单位", "责任部门", "配合单位", "整改责任单位"),
    "deadline": ("整改时限", "完成时限", "整改期限", "时限"),
    "target": ("整改目标", "整改要求"),
    "progress": ("整改进展", "整改进展情况", "进展情况", "工作进展", "整改情况"),
    "progress_as_of": ("进展截至", "进展日期", "填报日期"),
    "status": ("状态", "整改状态", "完成情况", "是否完成"),
    "completed_on": ("完成时间", "完成日期", "实际完成时间"),
    "closed_on": ("销号时间", "销号日期"),
}
FIELDS = tuple(HEADER_WORDS)
REQUIRED = ("title", "lead_units", "responsible_units", "deadline", "target")
IGNORE = ("忽略", "-")

_STATUS_WORDS = {
    "完成": "已完成",
    "已完成整改": "已完成",
    "已整改": "已完成",
    "整改完成": "已完成",
    "是": "已完成",
    "推进中": "正在推进",
    "整改中": "正在整改",
    "进行中": "正在推进",
    "否": "正在推进",
    "未完成": "正在推进",
    "销号": "已销号",
    "已验收销号": "已销号",
}
_SPACES = re.compile(r"\s+")
_NUMERIC_DAY = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?")
_MONTH_END = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?\s*底")


def normalize(header: object) -> str:
    """A header cell as compared: no spaces or line breaks, no note in brackets after it."""
    text = _SPACES.sub("", str(header or ""))
    return re.sub(r"[(（【\[].*$", "", text) or text


def field_for(header: str, mapping: dict[str, str]) -> str | None:
    """The field a header names: --map first (its value may be a field or a label), then the
    house words (exact, then as the start of a longer header). None: not a ledger column."""
    if header in mapping:
        return mapping[header]
    for field, words in HEADER_WORDS.items():
        if header in words:
            return field
    for field, words in HEADER_WORDS.items():
        if any(header.startswith(word) for word in words if len(word) > 1):
            return field
    return None


def map_target(value: str) -> str | None:
    """--map 表头=字段: the field named by key or label; None for 忽略; ValueError otherwise."""
    if value in IGNORE:
        return None
    labels = {**{v: k for k, v in LABELS.items()}, **{v: k for k, v in EXTRA_LABELS.items()}}
    field = labels.get(value, value)
    if field not in FIELDS:
        names = "、".join(EXTRA_LABELS.get(f) or LABELS[f] for f in FIELDS)
        raise ValueError(f"--map 中的字段“{value}”不是台账字段;可用:{names},或“忽略”")
    return field


def read_day(value: object) -> tuple[date, bool]:
    """A date cell: (day, before) where before means "on or before" (…前). Excel dates, text
    2024.5.31 / 2024-05-31 / 2024/5/31 / 2024年5月31日 / 2024年5月底, with or without 前."""
    if isinstance(value, datetime):
        return value.date(), False
    if isinstance(value, date):
        return value, False
    text = _SPACES.sub("", str(value))
    before = text.endswith(BEFORE)
    core = text[: -len(BEFORE)] if before else text
    try:
        if match := _NUMERIC_DAY.fullmatch(core):
            return date(int(match[1]), int(match[2]), int(match[3])), before
        if match := _MONTH_END.fullmatch(core):
            year, month = int(match[1]), int(match[2])
            first = date(year, month, 1)  # month 13 is no month
            return first.replace(day=calendar.monthrange(year, month)[1]), before
    except (ValueError, OverflowError):  # 2024-02-30, month 13, year 0: Python's words are English
        raise ValueError(f"日期“{text}”不存在") from None
    raise ValueError(f"无法识别日期“{text}”:可写 2024-05-31、2024.5.31、2024年5月31日 或 2024年5月底")


def read_deadline(value: object) -> str:
    """整改时限 as the house writes it: an Excel date or 2024.5.31 becomes 2024年5月31日前."""
    if isinstance(value, (date, datetime)) or _NUMERIC_DAY.fullmatch(_SPACES.sub("", str(value)).rstrip(BEFORE)):
        day, _ = read_day(value)
        return f"{day.year}年{day.month}月{day.day}日前"
    return str(value).strip()


def read_status(value: object) -> str:
    text = _SPACES.sub("", str(value))
    status = _STATUS_WORDS.get(text, text)
    if status not in STATUSES:
        raise ValueError(f"无法识别状态“{text}”:应为 {'、'.join(STATUSES)} 之一")
    return status


_MAX_NUMBER = 999_999  # a task number; more is a date or an id typed into the column


def read_number(value: object) -> int:
    if isinstance(value, float) and value.is_integer() and abs(value) <= _MAX_NUMBER:
        value = int(value)
    text = str(value).strip().translate(FULL_WIDTH_DIGITS)  # １２ typed with a Chinese input method
    # ASCII digits only: "①".isdigit() and "²".isdigit() are true, and int() refuses them
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or not text.strip("0"):
        raise ValueError(f"序号“{text[:20]}”不是正整数")
    if len(text.lstrip("0")) > len(str(_MAX_NUMBER)) or int(text) > _MAX_NUMBER:
        raise ValueError(f"序号“{text[:20]}”过大(最大 {_MAX_NUMBER})")
    return int(text)
