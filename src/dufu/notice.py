"""The computed notice: everything a bulletin says, as of its cut-off, numbered and worded.

One model, several renderers (text, and any other format): each renderer lays out a
``Notice``; none re-derives numbering, tallies or wording on its own. Everything is computed
as of the bulletin's cut-off date, so a past notice regenerates byte for byte however the
ledger has moved on since.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ledger import RoundTally, tally_round
from .models import DONE_STATUSES, Bulletin, Measure, Report, Task
from .problems import RenderError
from .repo import Dataset
from .templates import circled, zh_cutoff, zh_date, zh_number
from .words import LABELS, PUNCTUATION, TASK_FIELDS, Punctuation, summary_sentence


@dataclass(frozen=True)
class Item:
    """A circled item of a measure: ① and its text."""

    marker: str
    text: str


@dataclass(frozen=True)
class NoticeMeasure:
    """A numbered measure: 1. heading, then circled items or plain text ("" when neither)."""

    number: int
    heading: str
    items: tuple[Item, ...]
    text: str


@dataclass(frozen=True)
class Section:
    """One listed task: 一、title, its labelled lines, then its progress as of the cut-off."""

    number: int
    numeral: str
    title: str
    fields: tuple[tuple[str, str], ...]  # (label, value) in print order
    progress_label: str
    measures: tuple[NoticeMeasure, ...]
    task: Task
    report: Report


@dataclass(frozen=True)
class Notice:
    """A bulletin fully computed: what every renderer lays out."""

    bulletin: Bulletin
    p: Punctuation
    title: str
    preamble: str
    cutoff: str  # 2024年5月底
    summary: tuple[RoundTally, ...]
    summary_sentence: str  # 截至2024年5月底,第一轮……正在推进。
    intro: str
    sections: tuple[Section, ...]
    issuers: tuple[str, ...]
    date: str  # 2024年6月24日

    @property
    def opening(self) -> str:
        """The paragraph after the title: preamble, summary sentence, listing intro."""
        return self.preamble + self.summary_sentence + self.intro


def listed_tasks(data: Dataset, bulletin: Bulletin) -> list[Task]:
    """The tasks a bulletin describes in full, in number order."""
    listing = bulletin.listing
    if listing.tasks == "open":
        return [task for task in data.tasks_of(listing.round) if task.status_at(bulletin.as_of) not in DONE_STATUSES]
    return [data.tasks[task_id] for task_id in listing.tasks if task_id in data.tasks]


def _measure(number: int, measure: Measure) -> NoticeMeasure:
    items = tuple(Item(circled(i), text) for i, text in enumerate(measure.items or (), 1))
    return NoticeMeasure(number, measure.heading, items, measure.text or "")


def _section(number: int, task: Task, as_of) -> Section:
    report = task.report_at(as_of)
    if report is None:
        raise RenderError(f"任务 {task.id} 没有 {as_of} 或更早的整改进展,无法公开")
    return Section(
        number=number,
        numeral=zh_number(number),
        title=task.title,
        fields=tuple((LABELS[name], getattr(task.at(as_of), name)) for name in TASK_FIELDS),
        progress_label=LABELS["progress"],
        measures=tuple(_measure(i, m) for i, m in enumerate(report.measures, 1)),
        task=task,
        report=report,
    )


def build_notice(data: Dataset, bulletin: Bulletin) -> Notice:
    """Compute everything a bulletin says, as of its cut-off."""
    p = PUNCTUATION[bulletin.punctuation]
    summary = tuple(tally_round(data, round_id, bulletin.as_of) for round_id in bulletin.summary_rounds)
    names = [t.round.name if i == 0 else t.round.short_name for i, t in enumerate(summary)]
    cutoff = zh_cutoff(bulletin.as_of, bulletin.month_end)
    apart = bulletin.basic_done == "单列"
    counts = [(n, t.total, t.done, t.basic if apart else 0) for n, t in zip(names, summary, strict=True)]
    sentence = summary_sentence(cutoff, counts, p, bulletin.wording)
    sections = tuple(_section(i, task, bulletin.as_of) for i, task in enumerate(listed_tasks(data, bulletin), 1))
    return Notice(
        bulletin=bulletin,
        p=p,
        title=bulletin.title,
        preamble=bulletin.preamble,
        cutoff=cutoff,
        summary=summary,
        summary_sentence=sentence,
        intro=bulletin.listing.intro or "",
        sections=sections,
        issuers=tuple(bulletin.issuers),
        date=zh_date(bulletin.date),
    )
