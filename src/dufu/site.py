"""A static site of the ledger: a dashboard, a page per notice and a page per task.

Plain HTML with inline CSS and inline SVG, no script, relative links, so it works from
file://. The site is built in a temporary directory beside the target and renamed into
place; a target that is not a dufu site is never replaced."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

from jinja2 import Environment

from .config import DUE_SOON_DAYS
from .dataset import Dataset
from .files import write_atomic
from .ledger import tally_round, tally_units
from .models import DONE_STATUSES, Task
from .notice import build_notice
from .problems import UsageError
from .renderers.html import render_html
from .schedule import timing
from .templates import circled, zh_date
from .views import task_facts

MARKER = ".dufu-site"

_STYLE = """body { max-width: 60em; margin: 0 auto; padding: 1em; line-height: 1.7;
  font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; }
td.n { text-align: right; } svg { max-width: 100%; }
.red { background: #ffc7ce; color: #9c0006; font-weight: bold; } .yellow { background: #ffeb9c; } .blue { background: #bdd7ee; }
.wrap { overflow-x: auto; } main { overflow-wrap: anywhere; } @media print { a { color: inherit; text-decoration: none; } }"""

_BASE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title><style>{{ style }}</style></head>
<body><main>
<nav><a href="index.html">总览</a></nav>
<h1>{{ title }}</h1>
{{ body }}
</main></body></html>
"""

_DASHBOARD = """<p>统计日期:<time datetime="{{ today }}">{{ today_zh }}</time></p>
<section><h2>各轮次整改进度</h2>
{% for t in tallies %}
<figure><figcaption>{{ t.round.name }}:已完成 {{ t.done }} / {{ t.total }} 项{% if t.overdue %},逾期 {{ t.overdue }} 项{% endif %}</figcaption>
<svg role="img" aria-label="{{ t.round.name }} 完成 {{ t.done }} / {{ t.total }}" width="400" height="20" viewBox="0 0 400 20">
<rect width="400" height="20" fill="#e5e5e5"/><rect width="{{ (400 * t.done / t.total) | round(1) if t.total else 0 }}" height="20" fill="#2e7d32"/></svg>
</figure>
{% endfor %}</section>
<section><h2>各单位(牵头或负责的任务,最需关注的在前)</h2><div class="wrap"><table>
<thead><tr><th scope="col">单位</th><th scope="col">任务</th><th scope="col">牵头</th><th scope="col">已完成</th><th scope="col">未完成</th><th scope="col">逾期</th><th scope="col">滞后</th><th scope="col">{{ window }}天内到期</th></tr></thead>
<tbody>{% for u in units %}<tr><td>{{ u.unit }}</td><td class="n">{{ u.tasks }}</td><td class="n">{{ u.lead }}</td><td class="n">{{ u.done }}</td><td class="n">{{ u.open }}</td><td class="n{% if u.overdue %} red{% endif %}">{{ u.overdue }}</td><td class="n{% if u.behind %} yellow{% endif %}">{{ u.behind }}</td><td class="n{% if u.due_soon %} blue{% endif %}">{{ u.due_soon }}</td></tr>
{% endfor %}</tbody></table></div></section>
<section><h2>未完成的任务</h2>{% if open_tasks %}<div class="wrap"><table>
<thead><tr><th scope="col">编号</th><th scope="col">问题</th><th scope="col">状态</th><th scope="col">整改时限</th></tr></thead>
<tbody>{% for t in open_tasks %}<tr{% if t.warning %} class="{{ t.warning }}"{% endif %}><td><a href="{{ t.page }}">{{ t.task.id }}</a></td><td>{{ t.task.title }}</td><td>{{ t.status }}{% if t.note %}({{ t.note }}){% endif %}</td><td>{{ t.deadline }}</td></tr>
{% endfor %}</tbody></table></div>{% else %}<p>没有未完成的任务。</p>{% endif %}</section>
<section><h2>与上一期公告相比</h2>{% if changes is none %}<p>公告不足两期,没有可比较的上一期。</p>
{% elif changes %}<p>{{ previous }} → {{ latest }}</p><ul>{% for c in changes %}<li><a href="{{ c.page }}">{{ c.task.id }}</a> {{ c.task.title }}:{{ c.before }} → {{ c.after }}</li>{% endfor %}</ul>
{% else %}<p>{{ previous }} → {{ latest }}:各任务状态没有变化。</p>{% endif %}</section>
<section><h2>公告</h2>{% if bulletins %}<ul>{% for b in bulletins %}<li><a href="{{ b.page }}">{{ b.title }}</a>(<time datetime="{{ b.date }}">{{ b.date_zh }}</time>)</li>{% endfor %}</ul>{% else %}<p>还没有发布公告。</p>{% endif %}</section>
"""

_TASK = """<dl><dt>编号</dt><dd>{{ task.id }}</dd>
{% for label, value in facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>
{% if loop.first %}<dt>状态</dt><dd{% if timing.warning %} class="{{ timing.warning }}"{% endif %}>{{ status }}{% if timing.note %}({{ timing.note }}){% endif %}</dd>
{% endif %}{% endfor %}</dl>
<section><h2>整改进展</h2>{% for r in reports %}<article><h3><time datetime="{{ r.as_of }}">截至{{ zh(r.as_of) }}</time>{% if r.status %}({{ r.status }}){% endif %}</h3>
{% for m in r.measures %}<p>{{ loop.index }}.{{ m.heading }}{% for i in m.items or () %}{{ circled(loop.index) }}{{ i }}{% endfor %}{{ m.text or "" }}</p>
{% endfor %}</article>{% else %}<p>尚无整改进展记录。</p>{% endfor %}</section>
"""

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)


def page_name(kind: str, ident: str) -> str:
    """The page of a record: its id as it is (an id holds only letters, digits, _ . -, and ids
    that differ only in case are refused, E306), so two records never share a page; anything
    else an id could hold is written as its code point."""
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_.-]', lambda m: f'~{ord(m[0]):x}~', ident)}.html"


def _page(title: str, body: str) -> bytes:
    from markupsafe import Markup

    return _ENV.from_string(_BASE).render(title=title, style=Markup(_STYLE), body=Markup(body)).encode("utf-8")


def _published(data: Dataset, today: date) -> list:
    """The notices out by today (the site as of a day shows no later one)."""
    return [b for b in data.bulletins.values() if b.date <= today]


def _changes(data: Dataset, today: date) -> tuple[list[dict] | None, str, str]:
    ordered = sorted(_published(data, today), key=lambda b: (b.as_of, b.id))
    if len(ordered) < 2:
        return None, "", ""
    before, after = ordered[-2], ordered[-1]
    changes = [
        {"task": t, "page": page_name("task", t.id), "before": t.status_at(before.as_of), "after": t.status_at(after.as_of)}
        for t in sorted(data.tasks.values(), key=lambda t: (t.round, t.number))
        if t.status_at(before.as_of) != t.status_at(after.as_of)
    ]
    return changes, before.title + "(" + zh_date(before.date) + ")", after.title + "(" + zh_date(after.date) + ")"


def _open_row(task: Task, today: date, window: int) -> dict:
    t = timing(task, today, window)
    page = page_name("task", task.id)
    return {"task": task, "page": page, "status": task.status_at(today), "warning": t.warning, "note": t.note, "deadline": task.at(today).deadline}


def _dashboard(data: Dataset, today: date, window: int) -> bytes:
    tasks = sorted(data.tasks.values(), key=lambda t: (t.round, t.number))
    open_tasks = [_open_row(t, today, window) for t in tasks if t.status_at(today) not in DONE_STATUSES]
    changes, previous, latest = _changes(data, today)
    bulletins = [
        {"title": b.title, "date": b.date, "date_zh": zh_date(b.date), "page": page_name("notice", b.id)}
        for b in sorted(_published(data, today), key=lambda b: (b.date, b.id), reverse=True)
    ]
    body = _ENV.from_string(_DASHBOARD).render(
        today=today, today_zh=zh_date(today), tallies=[tally_round(data, r, today) for r in data.rounds],
        units=tally_units(data, today, window), window=window, open_tasks=open_tasks, changes=changes, previous=previous, latest=latest,
        bulletins=bulletins)
    return _page("督察整改情况总览", body)


def build_site(data: Dataset, today: date, window: int = DUE_SOON_DAYS) -> dict[str, bytes]:
    """Every page of the site by file name, as things stood on today."""
    pages = {"index.html": _dashboard(data, today, window), MARKER: b"dufu site\n"}
    for bulletin in _published(data, today):
        pages[page_name("notice", bulletin.id)] = render_html(build_notice(data, bulletin)).encode("utf-8")
    for task in data.tasks.values():
        body = _ENV.from_string(_TASK).render(  # the facts `dufu show` gives, as things stood on the day
            task=task, facts=task_facts(task, data.rounds[task.round].name, today, window), status=task.status_at(today),
            timing=timing(task, today, window), zh=zh_date, circled=circled, reports=[r for r in task.progress if r.as_of <= today],
        )
        pages[page_name("task", task.id)] = _page(task.title, body)
    return pages


def write_site(pages: dict[str, bytes], target: Path) -> None:
    """Write the pages into a temporary directory beside target, then swap it into place."""
    target = target.absolute()
    if target.exists() and not (target.is_dir() and (target / MARKER).is_file()):
        raise UsageError(f"{target} 已存在且不是 dufu 生成的网站目录,不会覆盖;请换一个目录或先删除它")
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        for name, content in pages.items():
            write_atomic(fresh / name, content)
        fresh.chmod(0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            target.rename(old / "site")
            fresh.rename(target)
            shutil.rmtree(old)
        else:
            fresh.rename(target)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
