"""Render a bulletin (the published progress notice) from the data, exactly.

Everything a notice states is computed as of the bulletin's cut-off date, so a past notice
regenerates byte for byte however the ledger has moved on since.
"""

from __future__ import annotations

import re
import sys
from datetime import date

from .models import DONE_STATUSES, Bulletin, Task
from .notice import Notice, build_notice, listed_tasks
from .problems import RenderError, UsageError
from .repo import Dataset
from .textsafety import CONTROL, INVISIBLE_ASTRAL, INVISIBLE_BMP, LINE_BREAKS, describe_char


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


def render_text(notice: Notice, root) -> str:
    """The notice as plain text, one paragraph a line, from its (sandboxed, bounded) template.

    Templates get ``notice`` (the computed notice) and, for templates written before it,
    ``bulletin``, ``summary`` (round tallies) and ``listed`` (sections, each with ``task`` and
    ``report``). A template may come from a stranger, so whatever it raises is its own fault:
    a RenderError naming the template and line, never dufu's "internal error"."""
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
    from jinja2.sandbox import SecurityError

    from .templates import RenderLimit, make_environment, render_bounded

    name = notice.bulletin.template
    context = dict(notice=notice, p=notice.p, bulletin=notice.bulletin, summary=notice.summary, listed=notice.sections)
    try:
        text = render_bounded(make_environment(root), name, context)
    except TemplateNotFound as exc:  # the bulletin's own template, or one it includes
        raise RenderError(f"{_template_line(exc)}找不到模板“{exc.name}”") from None
    except TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: 模板语法错误:{exc.message}") from None
    except RenderLimit as exc:
        raise RenderError(f"{_template_line(exc)}模板“{name}”{exc}") from None
    except TemplateError as exc:  # a loader's message (not UTF-8, unreadable) included
        raise RenderError(f"{_template_line(exc)}模板渲染失败:{exc}") from None
    except SecurityError as exc:
        raise RenderError(f"{_template_line(exc)}模板做了沙箱不允许的操作:{exc}") from None
    except MemoryError:
        raise RenderError(f"模板“{name}”渲染占用的内存超过上限,已中止") from None
    except RecursionError as exc:
        raise RenderError(f"{_template_line(exc)}模板“{name}”嵌套或递归过深(模板包含自身,或宏调用自身)") from None
    except Exception as exc:  # 1/0, an overflow, a bad argument to a filter or method
        raise RenderError(f"{_template_line(exc)}模板渲染失败:{type(exc).__name__}: {exc}") from None
    if found := _unprintable(text):  # written by the template itself: the data's text is checked
        line = text.count("\n", 0, found.start()) + 1
        raise RenderError(f"模板“{name}”输出的公告第 {line} 行有控制字符或看不见的字符 {describe_char(found.group())}")
    return text


# what no notice holds: a terminal control (ESC…), a line break but \n, an invisible or bidi character
_UNPRINTABLE_BMP = re.compile("[" + CONTROL.pattern[1:-1] + LINE_BREAKS.replace("\n", "") + INVISIBLE_BMP + "]")
_UNPRINTABLE_ASTRAL = re.compile(f"[{INVISIBLE_ASTRAL}]")


def _unprintable(text: str) -> re.Match | None:
    """The first character no notice holds. The class of the astral ones is 4 times slower
    over a notice: it is searched only in a text that may hold one (Python stores a text
    with a character past U+FFFF at 4 bytes a character)."""
    found = _UNPRINTABLE_BMP.search(text)
    if sys.getsizeof(text) >= 4 * len(text):
        astral = _UNPRINTABLE_ASTRAL.search(text)
        if astral is not None and (found is None or astral.start() < found.start()):
            return astral
    return found


def render_bulletin(data: Dataset, bulletin: Bulletin) -> str:
    """The notice text of a bulletin."""
    return render_text(build_notice(data, bulletin), data.root)


def _template_line(exc: BaseException) -> str:
    """'path:line: ' of the innermost template frame the error passed through (Jinja rewrites
    tracebacks to template lines), or '' when it never reached a template's code."""
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # a frame Jinja made for a template line
            found = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return found


def draft_bulletin(data: Dataset, as_of: date, today: date, base_id: str | None = None) -> Bulletin:
    """The next notice as of a day, from the latest one's words, never written to data/."""
    base = get_bulletin(data, base_id)
    listing = base.listing.model_copy(update={"tasks": carried_tasks(data, base, as_of)})
    update = {"id": "draft", "as_of": as_of, "date": today, "totals": None, "listing": listing}
    draft = base.model_copy(update={**update, "basic_done": base.basic_done or "单列"})  # as bulletin new writes
    if not listed_tasks(data, draft):  # nothing left to list: no intro announcing a listing
        draft = draft.model_copy(update={"listing": listing.model_copy(update={"intro": None})})
    return draft


def carried_tasks(data: Dataset, last: Bulletin, as_of: date) -> list[str] | str:
    """The tasks the next notice, as of a day, lists after last: "open" as it was, or the
    tasks last listed by id but for those done by then (the notice lists the open ones)."""
    if last.listing.tasks == "open":
        return "open"
    return [
        task_id
        for task_id in last.listing.tasks
        if task_id not in data.tasks or data.tasks[task_id].status_at(as_of) not in DONE_STATUSES
    ]


def bulletin_before(data: Dataset, day: date) -> Bulletin | None:
    """The latest notice cut off before day ("the last notice"), or None."""
    earlier = [b for b in data.bulletins.values() if b.as_of < day]
    return max(earlier, key=lambda b: (b.as_of, b.date, b.id)) if earlier else None


def stale_tasks(data: Dataset, draft: Bulletin) -> tuple[Bulletin | None, list[Task]]:
    """The previous notice before a draft, and the tasks the draft lists that have no report
    dated after that notice's cut-off (the draft repeats their old progress)."""
    previous = bulletin_before(data, draft.as_of)
    since = previous.as_of if previous else date.min
    stale = [t for t in listed_tasks(data, draft) if not any(since < r.as_of <= draft.as_of for r in t.progress)]
    return previous, stale
