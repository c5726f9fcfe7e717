"""Render a bulletin (the published progress notice) from the data, exactly.

Everything a notice states is computed as of the bulletin's cut-off date, so a past notice
regenerates byte for byte however the ledger has moved on since.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ledger import RoundTally, tally_round
from .models import DONE_STATUSES, Bulletin, Report, Task
from .problems import RenderError, UsageError
from .repo import Dataset


@dataclass(frozen=True)
class ListedTask:
    """A task as a notice describes it: the task and its progress as of the cut-off."""

    task: Task
    report: Report


@dataclass(frozen=True)
class BulletinView:
    """All a bulletin template gets: the record, round tallies, the listed tasks."""

    bulletin: Bulletin
    summary: list[RoundTally]
    listed: list[ListedTask]


def latest_bulletin(data: Dataset) -> Bulletin:
    if not data.bulletins:
        raise UsageError("数据仓库中还没有公告(data/bulletins/)")
    return max(data.bulletins.values(), key=lambda b: (b.date, b.as_of, b.id))


def get_bulletin(data: Dataset, bulletin_id: str | None) -> Bulletin:
    if bulletin_id is None:
        return latest_bulletin(data)
    try:
        return data.bulletins[bulletin_id]
    except KeyError:
        known = "、".join(data.bulletins) or "(无)"
        raise UsageError(f"没有编号为“{bulletin_id}”的公告。已有公告:{known}") from None


def listed_tasks(data: Dataset, bulletin: Bulletin) -> list[Task]:
    """The tasks a bulletin describes in full, in number order."""
    listing = bulletin.listing
    if listing.tasks == "open":
        return [task for task in data.tasks_of(listing.round) if task.status_at(bulletin.as_of) not in DONE_STATUSES]
    return [data.tasks[task_id] for task_id in listing.tasks if task_id in data.tasks]


def build_view(data: Dataset, bulletin: Bulletin) -> BulletinView:
    summary = [tally_round(data, round_id, bulletin.as_of) for round_id in bulletin.summary_rounds]
    listed = []
    for task in listed_tasks(data, bulletin):
        report = task.report_at(bulletin.as_of)
        if report is None:
            raise RenderError(f"任务 {task.id} 没有 {bulletin.as_of} 或更早的整改进展,无法公开")
        listed.append(ListedTask(task, report))
    return BulletinView(bulletin, summary, listed)


def render_bulletin(data: Dataset, bulletin: Bulletin) -> str:
    """The notice text for a bulletin, from its template."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError

    from .templates import make_environment

    view = build_view(data, bulletin)
    env = make_environment(data.root)
    try:
        template = env.get_template(bulletin.template)
        return template.render(bulletin=view.bulletin, summary=view.summary, listed=view.listed)
    except TemplateNotFound:
        raise RenderError(f"找不到模板“{bulletin.template}”") from None
    except TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: 模板语法错误:{exc.message}") from None
    except (TemplateError, ValueError, TypeError, AttributeError) as exc:
        where = _template_line(exc, bulletin.template)
        raise RenderError(f"{where}模板渲染失败:{exc}") from None


def _template_line(exc: BaseException, name: str) -> str:
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(name):
            found = f"{filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return found
