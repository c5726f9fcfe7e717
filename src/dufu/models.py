"""The pydantic models of every file kind in a data repository: units, rounds, tasks, bulletins.

Models check the shape of one file. Checks that need several files (references, numbering,
tallies) live in ``checks``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Union, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .deadline import Deadline, parse_day, parse_deadline
from .words import ALL_DONE_WORDS, DEFAULT_WORDING, DONE_WORDS, REST_WORDS, TOTAL_WORDS

# The status words of published notices and ledgers (see DOMAIN.md), in order of progress.
Status = Literal[
    "尚未启动",
    "未达到序时进度",
    "达到序时进度",
    "超过序时进度",
    "正在推进",
    "正在整改",
    "基本完成",
    "已完成",
    "已销号",
]
STATUSES: tuple[str, ...] = get_args(Status)
DONE_STATUSES = frozenset({"已完成", "已销号"})
OPEN_STATUS = "正在推进"


def _date_from_text(value: object) -> object:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("日期应写成 YYYY-MM-DD,例如 2024-05-31")
    return parse_day(value)


Day = Annotated[date, BeforeValidator(_date_from_text)]
BLANK_PATTERN = r"\S"  # text must hold something besides blanks
Text = Annotated[str, Field(min_length=1, pattern=BLANK_PATTERN)]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ID_MAX = 64
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX)]


def is_id(value: str) -> bool:
    """Whether value may be an id: what Id accepts, so no separator or .. can take a path
    built from it out of its folder."""
    return len(value) <= ID_MAX and re.fullmatch(ID_PATTERN, value) is not None


_EVERY_FIELD: dict[type, set[str]] = {}  # construct's shared default sets


def construct(cls, values: dict, fields_set: set[str] | None = None):
    """cls.model_construct(**values) for values naming every field (fields_set: the fields
    model_construct would count as given; all of them by default), about four times faster:
    no per-field default lookup. For the index's models and the stand-ins of a one-file
    validation, made by the tens of thousands; values are trusted (nothing is validated).
    The default set is one for all models of cls (700 bytes each saved): pydantic never
    changes a frozen model's set, and model_copy changes a copy of it."""
    if fields_set is None:
        fields_set = _EVERY_FIELD.get(cls)
        if fields_set is None or values.keys() != fields_set:
            fields_set = set(values)
            if fields_set == cls.model_fields.keys() and cls.model_config.get("frozen"):
                _EVERY_FIELD[cls] = fields_set
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True, defer_build=True)


class Unit(_Model):
    """A unit (单位) with its canonical name and the short forms used in text."""

    model_config = ConfigDict(title="单位", json_schema_extra={"description": "单位全称及正文中使用的其他写法"})

    name: Annotated[Text, Field(title="规范名称", description="单位全称,如“市生态环境局”")]
    aliases: Annotated[list[Text], Field(title="简称", description="正文中出现的其他写法,如“市发改委”")] = []


class UnitsFile(_Model):
    """``data/units.yaml``: the registry of units."""

    model_config = ConfigDict(title="单位名录", json_schema_extra={"description": "data/units.yaml:单位全称及其简称"})

    units: Annotated[list[Unit], Field(title="单位名录")]


class CountedTasks(_Model):
    """Tasks of a round known only by count (e.g. closed before this ledger was kept)."""

    model_config = ConfigDict(title="仅有数量的任务", json_schema_extra={"description": "只知道数量、未逐项录入的任务"})

    status: Annotated[Status, Field(title="状态")]
    count: Annotated[int, Field(ge=1, strict=True, title="项数")]
    note: Annotated[Text | None, Field(title="说明")] = None
    completed_by: Annotated[
        Day | None,
        Field(
            title="最迟完成日期",
            description="这些任务在这一天或更早已完成(确切日期不详):此前按 status 计,此日起按已完成计",
        ),
    ] = None

    def status_at(self, day: date) -> str:
        """The group's status on day."""
        return "已完成" if self.completed_by is not None and self.completed_by <= day else self.status


def status_to_keep(status: str) -> str | None:
    """The status a task had before it was done, to keep as status_before (the notices that
    counted it so must not change), or None when it is the open default (or a done one)."""
    return None if status == OPEN_STATUS or status in DONE_STATUSES else status


class Round(_Model):
    """An inspection round (督察轮次)."""

    model_config = ConfigDict(title="督察轮次", json_schema_extra={"description": "data/rounds/*.yaml:一轮督察"})

    id: Annotated[Id, Field(title="编号", description="任务文件用它引用本轮次,如 r2")]
    name: Annotated[Text, Field(title="全称", description="如“第二轮中央生态环境保护督察”")]
    short_name: Annotated[Text, Field(title="简称", description="如“第二轮督察”")]
    total: Annotated[
        int | None,
        Field(ge=1, strict=True, title="整改任务总数", description="整改方案中的任务数,用于核对"),
    ] = None
    counted: Annotated[list[CountedTasks], Field(title="仅有数量的任务", description="未逐项录入、只知数量的任务")] = []


class Measure(_Model):
    """One numbered measure of a progress report: a heading, then items or plain text."""

    model_config = ConfigDict(
        title="整改措施", json_schema_extra={"description": "一条编号措施:标题,加分项(items)或正文(text)"}
    )

    heading: Annotated[Text, Field(title="标题", description="如“深入学习领会习近平生态文明思想。”")]
    items: Annotated[list[Text] | None, Field(title="分项", description="以①②③编号的分项,不含编号")] = None
    text: Annotated[Text | None, Field(title="正文", description="不分项时的正文")] = None

    @model_validator(mode="after")
    def _items_or_text(self) -> "Measure":
        if self.items is not None and self.text is not None:
            raise ValueError("items 与 text 只能填写一个")
        if self.items is not None and not self.items:
            raise ValueError("items 不能是空列表")
        return self


class Report(_Model):
    """Progress of one task as of a cut-off date (整改进展)."""

    model_config = ConfigDict(title="整改进展", json_schema_extra={"description": "截至某日的整改进展"})

    as_of: Annotated[Day, Field(title="截至日期")]
    status: Annotated[Status | None, Field(title="当时状态")] = None
    measures: Annotated[list[Measure], Field(min_length=1, title="整改措施")]


class Milestone(_Model):
    """A dated intermediate goal (节点目标) that 序时进度 is measured against."""

    model_config = ConfigDict(
        title="节点目标", json_schema_extra={"description": "整改过程中的阶段性目标及其时限,用于判断是否达到序时进度"}
    )

    due: Annotated[Day, Field(title="节点时限", description="到这一天(含)应达到目标;分阶段的整改时限中各阶段的日期也是节点")]
    goal: Annotated[Text, Field(title="节点目标")]
    done_on: Annotated[Day | None, Field(title="达成日期", description="实际达到目标的日期,未达到则不填")] = None


ADJUSTABLE = ("deadline", "lead_units", "responsible_units", "target")


class Adjustment(_Model):
    """An approved change of a task's deadline, units or target, in effect from a day on."""

    model_config = ConfigDict(
        title="调整",
        json_schema_extra={"description": "经批准调整整改时限、单位或整改目标:自生效日期起按新的内容,此前的公告不受影响"},
    )

    on: Annotated[Day, Field(title="生效日期")]
    deadline: Annotated[Text | None, Field(title="整改时限")] = None
    lead_units: Annotated[Text | None, Field(title="牵头单位")] = None
    responsible_units: Annotated[Text | None, Field(title="责任单位")] = None
    target: Annotated[Text | None, Field(title="整改目标")] = None
    reason: Annotated[Text | None, Field(title="调整依据", description="如批准调整的文件")] = None

    @model_validator(mode="after")
    def _changes_something(self) -> "Adjustment":
        if all(getattr(self, name) is None for name in ADJUSTABLE):
            raise ValueError("调整应至少写明 deadline、lead_units、responsible_units、target 中的一项")
        return self


class Task(_Model):
    """A rectification task (整改任务)."""

    model_config = ConfigDict(
        title="整改任务", json_schema_extra={"description": "data/tasks/**/*.yaml:一项整改任务及其历次进展"}
    )

    id: Annotated[Id, Field(title="编号", description="全库唯一,如 r2-01")]
    round: Annotated[Id, Field(title="轮次", description="轮次编号,如 r2")]
    number: Annotated[int, Field(ge=1, strict=True, title="序号", description="在本轮次中的序号")]
    title: Annotated[Text, Field(title="问题", description="如“思想认识不够到位问题”")]
    lead_units: Annotated[Text, Field(title="牵头单位", description="照公告原文书写")]
    responsible_units: Annotated[Text, Field(title="责任单位", description="照公告原文书写")]
    deadline: Annotated[Text, Field(title="整改时限", description="如“立行立改、长期坚持”或“2025年12月底前”")]
    target: Annotated[Text, Field(title="整改目标")]
    status: Annotated[Status, Field(title="状态")]
    status_before: Annotated[
        Status | None,
        Field(
            title="完成前的状态",
            description="状态为已完成或已销号时,完成之前的状态(如“基本完成”):完成日期前按它计,"
            "已发布的公告不变;不填即“正在推进”。dufu done 会写入",
        ),
    ] = None
    completed_on: Annotated[Day | None, Field(title="完成日期")] = None
    closed_on: Annotated[Day | None, Field(title="销号日期")] = None
    completed_by: Annotated[
        Day | None,
        Field(
            title="最迟完成日期",
            description="确切完成日期不详,只知道在这一天或更早已完成(如公告不再列出它、已完成数增加);"
            "此前的进展照旧,此日起按已完成计",
        ),
    ] = None
    progress: Annotated[list[Report], Field(title="整改进展", description="按日期先后排列")] = []
    milestones: Annotated[
        list[Milestone], Field(title="节点目标", description="阶段性目标及其时限,用于判断是否达到序时进度")
    ] = []
    adjustments: Annotated[
        list[Adjustment],
        Field(
            title="调整",
            description="经批准的整改时限、单位、目标调整,按生效日期先后排列;上面的字段保留整改方案的原文",
        ),
    ] = []

    def at(self, day: date) -> "Task":
        """The task as it stood on day: adjustments in effect by then applied."""
        changes = {}
        for adjustment in self.adjustments:
            if adjustment.on <= day:
                changes.update({name: getattr(adjustment, name) for name in ADJUSTABLE if getattr(adjustment, name)})
        return self.model_copy(update=changes) if changes else self

    @property
    def due(self) -> Deadline | None:
        """The parsed deadline, or None when its text is not understood (a validation error)."""
        try:
            return parse_deadline(self.deadline)
        except ValueError:
            return None

    def report_at(self, day: date) -> Report | None:
        """The latest progress report on or before day."""
        found = None
        for report in self.progress:
            if report.as_of <= day and (found is None or report.as_of >= found.as_of):
                found = report
        return found

    def status_at(self, day: date) -> str:
        """The task's status as it stood on day."""
        if self.closed_on is not None and self.closed_on <= day:
            return "已销号"
        if self.completed_on is not None and self.completed_on <= day:
            return "已完成"
        if self.completed_by is not None and self.completed_by <= day:
            return "已完成"
        report = self.report_at(day)
        if report is not None and report.status is not None and report.status not in DONE_STATUSES:
            return report.status
        if self.status in DONE_STATUSES:
            return self.status_before if self.status_before not in (None, *DONE_STATUSES) else OPEN_STATUS
        return self.status


class SummaryWords(_Model):
    """How a bulletin's summary sentence words each round's tally: the slots and words of
    words.Wording, the first of each the default."""

    model_config = ConfigDict(title="汇总句的用词", json_schema_extra={"description": "汇总句中各轮次数字的说法,照已发布的公告"})

    total: Annotated[
        Literal[TOTAL_WORDS], Field(title="总数", description="整改任务11项中(中)、整改任务共11项(共)或整改任务11项(不写)")
    ] = TOTAL_WORDS[0]
    done: Annotated[Literal[DONE_WORDS], Field(title="已完成的", description="已完成整改7项或已完成7项")] = DONE_WORDS[0]
    rest: Annotated[Literal[REST_WORDS], Field(title="未完成的", description="剩余4项正在推进或其余4项正在推进")] = REST_WORDS[0]
    all_done: Annotated[Literal[ALL_DONE_WORDS], Field(title="全部完成", description="一轮任务全部完成时的说法")] = ALL_DONE_WORDS[0]


class Totals(_Model):
    """Published tallies of one round, kept to check against the tasks."""

    model_config = ConfigDict(
        title="已公布的数字", json_schema_extra={"description": "公告中公布的某轮次任务数和已完成数"}
    )

    total: Annotated[int, Field(ge=0, strict=True, title="任务总数")]
    done: Annotated[int, Field(ge=0, strict=True, title="已完成数")]
    basic: Annotated[
        int | None, Field(ge=0, strict=True, title="基本完成数", description="汇总句单列基本完成的任务时公布的数")
    ] = None


class Listing(_Model):
    """Which tasks a bulletin describes in full."""

    model_config = ConfigDict(title="逐项公开", json_schema_extra={"description": "公告中逐项公开哪些任务"})

    round: Annotated[Id, Field(title="轮次")]
    tasks: Annotated[
        Union[Literal["open"], list[Id]],
        Field(title="任务", description="open 表示截至日期时尚未完成的任务,或列出任务编号"),
    ] = "open"
    intro: Annotated[
        Text | None,
        Field(title="引言", description="列出任务之前的一句话;不写时公告不印引言(没有要逐项公开的任务时)"),
    ] = None


class Bulletin(_Model):
    """A progress notice (整改进展情况公开), kept so it can be regenerated exactly."""

    model_config = ConfigDict(
        title="整改情况公告", json_schema_extra={"description": "data/bulletins/*.yaml:一期整改情况公告"}
    )

    id: Annotated[Id, Field(title="编号", description="如 2024-06-24")]
    title: Annotated[Text, Field(title="标题")]
    as_of: Annotated[Day, Field(title="截至日期", description="统计截至日期")]
    date: Annotated[Day, Field(title="成文日期")]
    preamble: Annotated[Text, Field(title="导语")]
    summary_rounds: Annotated[list[Id], Field(min_length=1, title="汇总的轮次")]
    listing: Annotated[Listing, Field(title="逐项公开")]
    issuers: Annotated[list[Text], Field(min_length=1, title="发文机关")]
    template: Annotated[Text, Field(title="模板")] = "bulletin.txt.j2"
    punctuation: Annotated[
        Literal["半角", "全角"],
        Field(
            title="标点",
            description="dufu 在文字之间加的标点:半角(, :,如网页版公告)或全角(， ：,如正式公文)",
        ),
    ] = "半角"
    month_end: Annotated[
        Literal["底", "日"],
        Field(
            title="月末截至日期的写法",
            description="截至日期是月末时:底(截至2024年5月底)或日(截至2024年5月31日),照已发布的公告",
        ),
    ] = "底"
    basic_done: Annotated[
        Literal["单列", "并入"] | None,
        Field(
            title="基本完成的任务",
            description="汇总句中基本完成的任务:单列(……已完成整改7项,基本完成2项,剩余2项正在推进。)"
            "或并入正在推进的任务;不写时并入,照此前的公告",
        ),
    ] = None
    summary_words: Annotated[
        SummaryWords | None,
        Field(title="汇总句的用词", description="汇总句中各轮次数字的说法,照已发布的公告;不写的用 dufu 的默认说法"),
    ] = None  # (not SummaryWords(): made at import, it would build a validator for every command)

    @property
    def wording(self):
        """The words of its summary: summary_words, dufu's own where it says none."""
        return self.summary_words or DEFAULT_WORDING
    totals: Annotated[dict[Id, Totals] | None, Field(title="已公布的数字", description="用于核对的各轮次任务数")] = None


KINDS: dict[str, type[_Model]] = {
    "units": UnitsFile,
    "round": Round,
    "task": Task,
    "bulletin": Bulletin,
}
