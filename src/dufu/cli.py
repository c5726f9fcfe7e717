"""The `dufu` command line: parse options, call one core function, show the result.

Heavy imports (pydantic, jinja2, most of rich) happen inside the commands, so that
`dufu --help` and `dufu --version` stay fast. No `from __future__ import annotations` here:
Typer would have to eval every annotation string on each start.
"""

import enum
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__, collector, fastparams, zhclick

zhclick.install()  # help and usage errors in Chinese
fastparams.install()  # no Pydantic import for options given no value (dufu status --help)

app = typer.Typer(
    name="dufu",
    help="督复:督察整改任务台账——查看进展、校验数据、生成整改情况公告。",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def _parse_day(value: Optional[str]) -> Optional[date]:
    from .deadline import parse_day

    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


class ListFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ProblemFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


Directory = Annotated[
    Optional[Path],
    typer.Option("-C", "--directory", help="数据仓库所在目录(默认:当前目录或其上级中含 data/ 的目录);给出时,命令中的相对路径都从这个目录算起"),
]
AsOf = Annotated[
    Optional[str],
    typer.Option("--as-of", help="按某一日期查看(YYYY-MM-DD,默认今天)", metavar="日期", callback=_parse_day),
]
NoCache = Annotated[
    bool,
    typer.Option("--no-cache", help="不使用也不更新 .dufu/ 中的索引,逐个重新读取全部数据文件"),
]
Today = Annotated[
    Optional[str],
    typer.Option("--today", help="把这一天当作今天(YYYY-MM-DD),便于重现结果", metavar="日期", callback=_parse_day),
]


def _completer(kind: str):
    """Tab completion of ids and unit names, from the repository named by -C or found around."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from .completion import candidates

        directory = ctx.params.get("directory") or (ctx.parent.params.get("directory") if ctx.parent else None)
        return candidates(kind, incomplete, directory)

    return complete


def _today(value: Optional[date]) -> date:
    return value or date.today()


def _console(stderr: bool = False):
    from rich.console import Console

    # messages never wrap mid-path; data's ":x:" is text, never an emoji
    console = Console(stderr=stderr, highlight=False, soft_wrap=stderr, emoji=False)
    # no narrower than the tables are laid out for: COLUMNS=0 printed nothing at all, errors
    # included, and a few columns cut every number to …
    console.width = max(console.width, MIN_WIDTH)
    return console


MIN_WIDTH = 40


def _print_streamed(console, renderable) -> None:
    """console.print(renderable, crop=False), the same bytes written a few thousand lines at a
    time: Rich's print holds every segment, and then their text, until the end (a table of
    30,000 tasks is half a million lines). crop=False: FastTable cuts its own lines to the
    terminal's width, as print would after measuring every line again."""
    from rich.segment import Segments

    batch: list = []
    lines = 0
    for segment in console.render(renderable):  # the console's options, as print(renderable) has them
        batch.append(segment)
        lines += segment.text.endswith("\n")
        if lines == 5000:
            console.print(Segments(batch), crop=False)
            batch, lines = [], 0
    if batch:
        console.print(Segments(batch), crop=False)


def _echo(text: str | bytes | memoryview) -> None:
    """Write text (or UTF-8 bytes, a kept answer) to stdout as UTF-8 bytes, whatever the
    locale, with no newline translation."""
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(text if isinstance(text, str) else bytes(text).decode("utf-8", "replace"))
    else:
        stream.write(text.encode("utf-8", "replace") if isinstance(text, str) else text)  # a lone surrogate: "?"
        stream.flush()


def _answer(root: Path, day: date, skip: bool, *command) -> tuple:
    """For a read-only command: what the index found of the repository (for load_valid, so it
    is looked at once) and the question whose answer is kept (answers.py): the command and
    its options, the day, the configuration and the terminal; (None, None) when skip
    (--no-cache, or output that is not kept)."""
    if skip:
        return None, None
    from .answers import ask
    from .warm import open_warm

    warm = open_warm(root, day)
    console = _console()
    screen = [console.is_terminal, console.width, console.height, console.color_system, console.encoding]
    screen += [console.legacy_windows, console.no_color, console.is_dumb_terminal]
    return warm, ask(warm, [*command, day, date.today(), screen])


def _replayed(warm, asked) -> bool:
    """Print the kept answer of the question asked, if there is one."""
    if asked is None or asked.key is None:
        return False
    from .answers import replay

    body = replay(warm, asked.key)
    if body is None:
        return False
    _echo(body)
    return True


@contextmanager
def _keeping(warm, asked) -> Iterator[None]:
    """Run the command's body recording stdout; keep it as the answer to the question asked
    if the body ends normally and wrote nothing to stderr (a run that built or repaired the
    index keeps it under the content it loaded)."""
    if asked is None:
        yield
        return
    from .answers import answer_key, keep, recording

    with recording() as result:
        yield
    if result["stdout"] is not None and not result["stderr"]:
        key = answer_key(warm, asked)
        if key is not None:
            keep(warm, key, result["stdout"])


def _shown(text: str) -> str:
    """A message safe on a terminal: its lines kept, any control or invisible character in
    them shown as an escape."""
    from .textsafety import visible

    return "\n".join(visible(line) for line in text.split("\n"))


@contextmanager
def _errors_to_exit() -> Iterator[None]:
    """Map dufu's errors to a short message and an exit code; never a traceback."""
    from .config import one_reading
    from .problems import DufuError, InvalidData

    try:
        with one_reading():  # one version of dufu.toml for the whole command
            yield
    except InvalidData as exc:
        from .reporters import problem_headline

        err = _console(stderr=True)
        shown = [p for p in exc.problems if p.is_error][:20]
        for problem in shown:
            err.print(problem_headline(problem), style="red", markup=False)
            if problem.hint:  # what to do, as validate says it
                err.print(f"      提示:{_shown(problem.hint)}", markup=False)
        err.print(f"错误:{_shown(str(exc))}", style="bold red", markup=False)
        raise typer.Exit(EXIT_ERRORS) from None
    except DufuError as exc:  # a message may quote a file name, a template's words: shown, never obeyed
        _console(stderr=True).print(f"错误:{_shown(str(exc))}", style="bold red", markup=False)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:  # Ctrl-C: one line, no traceback, the shell's usual 130
        _console(stderr=True).print("已中断。", style="bold red", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:  # `dufu list | head`: the reader has gone, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    except OSError as exc:  # the environment (disk, permissions), not a bug in dufu
        from .files import reason

        where = f" {exc.filename}" if exc.filename else ""
        _console(stderr=True).print(f"错误:无法访问{_shown(where)}:{reason(exc, writing=None)}", style="bold red", markup=False)
        raise typer.Exit(EXIT_ERRORS) from None
    except Exception as exc:  # an internal error: say so, never a traceback
        _console(stderr=True).print(
            f"内部错误:{type(exc).__name__}: {_shown(str(exc))}\n这是 dufu 的缺陷,请附上命令和数据报告给维护者。",
            style="bold red",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def _root(directory: Optional[Path]) -> Path:
    from .sources import find_root

    return find_root(directory or _global_directory() or Path.cwd())


def _output(directory: Optional[Path], root: Path, path: Optional[Path], folder: bool = False) -> Optional[Path]:
    """An output path the user typed (_at), refused when a symlink inside the repository
    would lead the write elsewhere, when it lies in the repository's data, templates, git or
    index (`render -o data/units.yaml` replaced the unit registry), and, for a file, when
    it is a folder (a usage error, before any work)."""
    from .files import refuse_links_in
    from .problems import UsageError

    path = _at(directory, path)
    if path is None:
        return None
    refuse_links_in(root, path)
    target, base = Path(os.path.realpath(path)), Path(os.path.realpath(root))
    kept = next((name for name in _KEPT_FOLDERS if target.is_relative_to(base / name)), None)
    if kept is not None:
        raise UsageError(f"{path} 在数据仓库的 {kept}/ 中:输出会覆盖数据仓库自己的文件,请写到别处")
    if not folder and target.is_dir():
        raise UsageError(f"{path} 是目录:请给出要写入的文件名")
    return path


_KEPT_FOLDERS = ("data", "templates", ".git", ".dufu")  # the repository's own: never an output


def _at(directory: Optional[Path], path: Optional[Path]) -> Optional[Path]:
    """A path the user typed, taken as git takes it after -C: relative to the -C directory when
    one is given (to the command, else before it), else to the current directory. Absolute
    paths and "-" (standard input) stay as they are."""
    base = directory or _global_directory()
    if path is None or base is None or path.is_absolute() or str(path) == "-":
        return path
    return base / path


def _global_directory() -> Optional[Path]:
    """`dufu -C DIR status`: the -C given before the command, as git takes it."""
    return _before_command.get("directory")


_before_command: dict = {}  # options given before the command name, set by main()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dufu {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    directory: Directory = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本并退出")
    ] = False,
) -> None:
    """督复:督察整改任务台账——查看进展、校验数据、生成整改情况公告。"""
    _before_command["directory"] = directory
    from .progress import REPORT

    REPORT.set(_show_progress if sys.stderr.isatty() and not os.environ.get("CI") else None)


def _show_progress(share: float) -> None:
    """On a terminal, one line on stderr that says how far loading has got (gone when done)."""
    line = f"\r正在读取数据文件……{int(share * 100)}%" if share < 1 else "\r" + " " * 30 + "\r"
    sys.stderr.write(line)
    sys.stderr.flush()


class FailOn(str, enum.Enum):
    overdue = "overdue"
    behind = "behind"
    due_soon = "due-soon"


_FAIL_WORDS = {"overdue": "逾期", "behind": "滞后于序时进度", "due-soon": "临近到期"}


class By(str, enum.Enum):
    unit = "unit"


@app.command()
def status(
    directory: Directory = None,
    as_of: AsOf = None,
    by: Annotated[Optional[By], typer.Option("--by", help="按单位汇总(unit):每个牵头或责任单位的任务、完成、逾期、滞后,最差的在前")] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="输出格式")] = ListFormat.table,
    fail_on: Annotated[
        Optional[list[FailOn]],
        typer.Option("--fail-on", metavar="<overdue|behind|due-soon>", help="有逾期(overdue)、滞后(behind)或临近到期(due-soon)的任务时以 1 退出,可重复;用于定时提醒的 CI"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="<整数>", help="表格中最多列出多少项未完成任务,0 表示全部", min=0)] = 100,
    no_cache: NoCache = False,
) -> None:
    """各轮次整改任务的总体情况、预警,以及所有未完成的任务;--by unit 按单位汇总。"""
    with _errors_to_exit():
        from .config import load_config
        from .validate import load_valid

        day, root = _today(as_of), _root(directory)
        window = load_config(root).due_soon_days
        warm, asked = _answer(root, date.today(), no_cache, "status", day, by, fmt, fail_on, limit)
        if _replayed(warm, asked):
            return
        with _keeping(warm, asked):
            from . import views
            from .ledger import select_tasks, tally_all, tally_units

            data = load_valid(root, date.today(), keep_text=False, cache=not no_cache, warm=warm)
            open_tasks = select_tasks(data, day, open_only=True)
            if by is By.unit:
                units = tally_units(data, day, window)
                shown = (
                    lambda: views.units_record(units, day, window),
                    lambda: views.units_csv(units),
                    lambda: views.unit_table(units, day, window),
                )
            else:
                tallies = tally_all(data, day)
                shown = (
                    lambda: views.status_record(tallies, open_tasks, day, window),
                    lambda: views.rounds_csv(tallies),
                    lambda: views.status_view(tallies, open_tasks, day, limit, window, bool(data.tasks)),
                )
            failed = _failures(open_tasks, day, window, fail_on or [])
            if fmt is ListFormat.json:
                record = shown[0]()
                if fail_on:
                    record["failed"] = failed
                _echo(_dumps(record))
            elif fmt is ListFormat.csv:
                _echo(shown[1]())
            else:
                _console().print(shown[2]())
            _fail_if(failed)


def _failures(open_tasks, day: date, window: int, kinds: list) -> dict:
    """Ids of the open tasks each --fail-on kind names (overdue, behind, due-soon)."""
    from .schedule import timing

    if not kinds:
        return {}
    timings = [(task.id, timing(task, day, window)) for task in open_tasks]
    attribute = {"overdue": "overdue", "behind": "behind", "due-soon": "due_soon"}
    return {kind.value: [i for i, t in timings if getattr(t, attribute[kind.value])] for kind in kinds}


def _fail_if(failed: dict) -> None:
    found = [(kind, ids) for kind, ids in failed.items() if ids]
    for kind, ids in found:
        shown = "、".join(ids[:20]) + ("等" if len(ids) > 20 else "")
        _console(stderr=True).print(f"有 {len(ids)} 项任务{_FAIL_WORDS[kind]}:{shown}", style="bold red", markup=False)
    if found:
        raise typer.Exit(EXIT_ERRORS)


def _days(value: Optional[str]) -> Optional[int]:
    """A number of days: 30, 30d, 30天, 2w, 2周."""
    import re

    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{1,4})\s*(d|天|日|w|周)?\s*", value)
    if not m:
        raise typer.BadParameter(f"应写成天数,如 30d、30天 或 2w,而不是“{value}”")
    return int(m.group(1)) * (7 if m.group(2) in ("w", "周") else 1)


@app.command("list")
def list_tasks(
    directory: Directory = None,
    as_of: AsOf = None,
    round_id: Annotated[Optional[str], typer.Option("--round", help="只列出这一轮次(编号,如 r2)", autocompletion=_completer("rounds"))] = None,
    status_: Annotated[Optional[str], typer.Option("--status", help="只列出这一状态,如 正在推进")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="只列出该单位牵头或负责的任务", autocompletion=_completer("units"))] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列出逾期的任务(红色预警)")] = False,
    due_within: Annotated[
        Optional[str], typer.Option("--due-within", help="只列出未完成、今天起这么多天内到期的任务,如 30d", metavar="天数", callback=_days)
    ] = None,
    behind: Annotated[bool, typer.Option("--behind", help="只列出滞后于序时进度的任务(黄色预警)")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", help="输出格式")] = ListFormat.table,
    no_cache: NoCache = False,
) -> None:
    """逐项列出任务,可按轮次、状态、单位、逾期、到期、序时进度筛选。"""
    with _errors_to_exit():
        from .config import load_config
        from .validate import load_valid

        day, root = _today(as_of), _root(directory)
        window = load_config(root).due_soon_days
        options = (day, round_id, status_, unit, overdue, due_within, behind, fmt)
        warm, asked = _answer(root, date.today(), no_cache, "list", *options)
        if _replayed(warm, asked):
            return
        with _keeping(warm, asked):
            from .ledger import select_tasks

            data = load_valid(root, date.today(), keep_text=False, cache=not no_cache, warm=warm)
            tasks = select_tasks(
                data, day, round_id=round_id, status=status_, unit=unit, overdue=overdue, due_within=due_within, behind=behind
            )
            if fmt is ListFormat.json:
                from .views import task_record

                _echo_list(tasks, lambda task: task_record(task, day, window))
            elif fmt is ListFormat.csv:
                from .views import tasks_csv

                _echo(tasks_csv(tasks, day, window))
            else:
                from .views import task_table

                # tasks known by count that the filters could have listed: they have no unit or deadline
                groups = [g for rid in ([round_id] if round_id else data.rounds) for g in data.rounds[rid].counted]
                matching = not (unit or overdue or due_within is not None or behind)
                counted = sum(g.count for g in groups if matching and (status_ is None or g.status_at(day) == status_))
                title = f"共 {len(tasks)} 项任务" + (f"(另有 {counted} 项只知数量、未逐项录入,不在此列)" if counted else "")
                if not tasks:  # the line says it all: no empty table under it
                    _console().print(title, markup=False)
                else:
                    _print_streamed(_console(), task_table(tasks, day, title=title, window=window))


@app.command()
def show(
    task_id: Annotated[str, typer.Argument(metavar="任务编号", help="任务编号,如 r2-01", autocompletion=_completer("tasks"))],
    directory: Directory = None,
    as_of: AsOf = None,
    no_cache: NoCache = False,
) -> None:
    """显示一项任务的全部信息和历次整改进展。"""
    with _errors_to_exit():
        from .config import load_config
        from .validate import load_valid

        day, root = _today(as_of), _root(directory)
        warm, asked = _answer(root, date.today(), no_cache, "show", task_id, day)
        if _replayed(warm, asked):
            return
        with _keeping(warm, asked):
            from .indexed import with_text
            from .ledger import find_task
            from .views import task_detail

            data = load_valid(root, date.today(), keep_text=False, cache=not no_cache, warm=warm)
            (task,) = with_text(data, [find_task(data, task_id)])
            _console().print(task_detail(task, data.rounds[task.round].name, day, load_config(root).due_soon_days))


class LogFormat(str, enum.Enum):
    table = "table"
    json = "json"


@app.command()
def log(
    task_id: Annotated[str, typer.Argument(metavar="任务编号", help="任务编号,如 r2-01", autocompletion=_completer("tasks"))],
    directory: Directory = None,
    as_of: AsOf = None,
    fmt: Annotated[LogFormat, typer.Option("--format", help="输出格式")] = LogFormat.table,
    no_cache: NoCache = False,
) -> None:
    """一项任务的历史:数据中带日期的记录(进展、完成、调整、节点),以及改动其文件的 git 提交。"""
    with _errors_to_exit():
        from .history import data_events, git_history
        from .indexed import with_text
        from .ledger import find_task
        from .logview import log_record, log_view
        from .validate import load_valid

        root = _root(directory)
        data = load_valid(root, date.today(), keep_text=False, cache=not no_cache)
        (task,) = with_text(data, [find_task(data, task_id)])
        rel = data.where(task)
        events, history = data_events(task, _today(as_of)), git_history(root, rel)
        if fmt is LogFormat.json:
            _echo(_dumps(log_record(task, rel, events, history)))
        else:
            _console().print(log_view(task, rel, events, history))


class DiffFormat(str, enum.Enum):
    table = "table"
    json = "json"
    text = "text"


@app.command()
def diff(
    before: Annotated[
        Optional[str], typer.Argument(metavar="甲", help="公告编号或日期(YYYY-MM-DD);默认:乙之前的最近一期公告", autocompletion=_completer("bulletins"))
    ] = None,
    after: Annotated[Optional[str], typer.Argument(metavar="乙", help="公告编号或日期;默认:今天", autocompletion=_completer("bulletins"))] = None,
    directory: Directory = None,
    as_of: AsOf = None,
    fmt: Annotated[DiffFormat, typer.Option("--format", help="输出格式:table、json,或 text(只输出报送说明的一段话)")] = DiffFormat.table,
    no_cache: NoCache = False,
) -> None:
    """两期公告(或两个日期)之间的变化:新完成的任务、状态、进展、措施、时限和单位调整、各轮次数字。"""
    with _errors_to_exit():
        from .validate import load_valid

        root = _root(directory)
        warm, asked = _answer(root, date.today(), no_cache, "diff", before, after, _today(as_of), fmt)
        if _replayed(warm, asked):
            return
        with _keeping(warm, asked):
            from .changes import Side, compare, cover_note, default_before, resolve_side
            from .diffview import changes_record, changes_view
            from .indexed import with_text

            data = load_valid(root, date.today(), cache=not no_cache, warm=warm)
            later = resolve_side(data, after) if after is not None else Side(_today(as_of))
            earlier = resolve_side(data, before) if before is not None else default_before(data, later)
            with_text(data, list(data.tasks.values()))
            changes = compare(data, earlier, later)
            note = cover_note(changes)
            if fmt is DiffFormat.json:
                _echo(_dumps(changes_record(changes, note)))
            elif fmt is DiffFormat.text:
                _echo(note + "\n")
            else:
                _console().print(changes_view(changes, note))


@app.command()
def validate(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(metavar="路径", help="只检查这些文件、目录下的 .yaml 文件(及其引用);默认检查全部数据", show_default=False),
    ] = None,
    directory: Directory = None,
    today: Today = None,
    fmt: Annotated[ProblemFormat, typer.Option("--format", help="输出格式")] = ProblemFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以 1 退出")] = False,
    no_cache: NoCache = False,
) -> None:
    """校验全部数据:有错误时以 1 退出,并列出每个问题的文件、行、列。"""
    with _errors_to_exit():
        from .validate import validate_repository

        paths = [_at(directory, path) for path in paths] if paths else None
        root = _root(directory or _global_directory() or _common_folder(paths))
        result = validate_repository(root, _today(today), paths or None, keep_text=False, cache=not no_cache, need_data=False)
        _report(root, result, fmt)
        if result.errors or (strict and result.warnings):
            raise typer.Exit(EXIT_ERRORS)


def _common_folder(paths: Optional[list[Path]]) -> Optional[Path]:
    """Where to look for the repository when only paths are named: the first one's folder."""
    if not paths:
        return None
    if paths[0].is_dir():
        return paths[0]
    return paths[0].parent if paths[0].parent.is_dir() else Path.cwd()


def _report(root: Path, result, fmt: ProblemFormat) -> None:
    from . import reporters

    if fmt is ProblemFormat.json:
        _echo(reporters.format_json(result.problems, result.files))
    elif fmt is ProblemFormat.github:
        _echo(reporters.format_github(result.problems))
    elif fmt is ProblemFormat.sarif:
        _echo(reporters.format_sarif(result.problems))
    else:
        _console().print(reporters.format_text(root, result.problems, result.files), end="", soft_wrap=True)


@app.command()
def render(
    bulletin_id: Annotated[Optional[str], typer.Argument(metavar="公告编号", help="公告编号(默认:最新一期)", autocompletion=_completer("bulletins"))] = None,
    directory: Directory = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="写入文件而不是标准输出")] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option("--as-of", help="起草截至这一天的下一期公告(草稿,不写入公告记录;沿用最新一期或所给公告的文字)", metavar="日期", callback=_parse_day),
    ] = None,
    today: Today = None,
    no_cache: NoCache = False,
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", metavar="<text|html|md|docx|pdf>", help="输出格式(生成 PDF 需要 LibreOffice;默认按 -o 的扩展名,否则 text)"),
    ] = None,
) -> None:
    """生成整改情况公告正文;加 --as-of 则起草下一期公告。"""
    with _errors_to_exit():
        from .validate import load_valid

        root = _root(directory)
        output = None if output is not None and str(output) == "-" else _output(directory, root, output)  # -: stdout
        fmt = _format_for(output, fmt)
        skip = no_cache or output is not None or fmt not in ("text", "md", "html")  # kept: what goes to stdout as text
        warm, asked = _answer(root, _today(today), skip, "render", bulletin_id, as_of, fmt)
        if _replayed(warm, asked):
            return
        with _keeping(warm, asked):
            from .bulletin import draft_bulletin, get_bulletin, render_bulletin
            from .indexed import with_text
            from .notice import listed_tasks

            data = load_valid(root, _today(today), keep_text=False, cache=not no_cache, warm=warm)
            if as_of is None:
                bulletin = get_bulletin(data, bulletin_id)
            else:
                bulletin = draft_bulletin(data, as_of, _today(today), bulletin_id)
            with_text(data, listed_tasks(data, bulletin))
            if fmt != "text":
                if bulletin.template != "bulletin.txt.j2":  # the other formats lay out the computed notice
                    typer.echo(
                        f"注意:公告 {bulletin.id} 使用模板 {_shown(bulletin.template)},模板只用于文本格式;"
                        f"{fmt} 按 dufu 的标准版式生成,模板中增改的文字不在其中",
                        err=True,
                    )
                _render_format(data, bulletin, fmt, output)
            else:
                text = render_bulletin(data, bulletin)
                if output is None:
                    _echo(text)
                else:
                    from .files import write_atomic

                    write_atomic(output, text.encode("utf-8"))
            if as_of is not None:  # once the draft exists: a draft that cannot be made says only why
                _say_stale(data, bulletin)


def _say_stale(data, draft, drafted: bool = True) -> None:
    """On stderr: this is a draft (drafted: not a new notice bulletin new wrote), and which
    listed tasks have nothing new since the last notice."""
    from .bulletin import stale_tasks
    from .templates import zh_date

    previous, stale = stale_tasks(data, draft)
    err = _console(stderr=True)
    latest = max(data.bulletins.values(), key=lambda b: (b.as_of, b.date, b.id), default=None)
    if drafted and (latest is None or draft.as_of > latest.as_of):
        err.print(f"草稿:截至{zh_date(draft.as_of)}的下一期公告,没有写入公告记录(发布时用 dufu bulletin new)。", markup=False)
    elif drafted:  # not a next notice: an earlier day seen in the words of a later one
        err.print(
            f"草稿:截至{zh_date(draft.as_of)}的公告,没有写入公告记录;它不晚于最新一期公告 {latest.id}"
            f"(截至{zh_date(latest.as_of)}),不是下一期。",
            markup=False,
        )
    if stale:
        since = f"上期公告 {previous.id}(截至{zh_date(previous.as_of)})以来" if previous else "截至日期前"
        which = "草稿" if drafted else "新一期公告"
        err.print(f"{len(stale)} 项任务{since}没有新的整改进展,{which}沿用旧的进展:", style="yellow", markup=False)
        for task in stale:
            err.print(f"  {task.id} {task.title}", markup=False)


_SUFFIX_FORMATS = {".txt": "text", ".html": "html", ".htm": "html", ".md": "md", ".docx": "docx", ".pdf": "pdf"}


def _format_for(output: Optional[Path], fmt: Optional[str]) -> str:
    """The format asked for, else the one the output file's name says (notice.docx), else
    text; a name that says another format than the one asked for is refused (text in a file
    named .docx is a document Word cannot open)."""
    from .problems import UsageError

    named = _SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and named is not None and named != fmt:
        raise UsageError(f"{output.name} 的扩展名是 {named} 格式,与 --format {fmt} 不符:请改文件名或 --format")
    return fmt or named or "text"


def _render_format(data, bulletin, fmt: str, output: Optional[Path]) -> None:
    from .files import write_atomic
    from .notice import build_notice
    from .problems import UsageError
    from .renderers import RENDERERS

    if fmt not in RENDERERS:
        raise UsageError(f"不支持的输出格式“{fmt}”。可选:{'、'.join(RENDERERS)}")
    if output is None and fmt in ("docx", "pdf"):
        raise UsageError(f"{fmt} 是二进制格式,请用 -o 指定输出文件")
    content = RENDERERS[fmt](build_notice(data, bulletin), data.root)
    if output is None:
        _echo(content.decode("utf-8"))
    else:
        write_atomic(output, content)


@app.command()
def site(
    output: Annotated[Path, typer.Option("-o", "--output", help="网站写入这个目录")],
    directory: Directory = None,
    as_of: AsOf = None,
    today: Today = None,
    no_cache: NoCache = False,
) -> None:
    """生成静态网站:总览、每期公告和每项任务的页面,可直接用浏览器打开。"""
    with _errors_to_exit():
        from .config import load_config
        from .indexed import with_text
        from .site import build_site, write_site
        from .validate import load_valid

        root = _root(directory)
        output = _output(directory, root, output, folder=True)
        data = load_valid(root, _today(today), cache=not no_cache)
        with_text(data, list(data.tasks.values()))
        write_site(build_site(data, as_of or _today(today), load_config(root).due_soon_days), output)
        _echo(f"已生成网站:{output / 'index.html'}\n")


@app.command()
def schema(
    directory: Directory = None,
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="写入这个目录(默认:数据仓库的 schemas/)")
    ] = None,
) -> None:
    """生成各类数据文件的 JSON Schema,供编辑器补全和检查字段。"""
    with _errors_to_exit():
        from .schema import write_schemas

        if output is None:
            folder = _root(directory) / "schemas"
        else:
            from .problems import RepositoryNotFound

            try:  # in a repository: not into its data, nor through a link planted there
                folder = _output(directory, _root(directory), output, folder=True)
            except RepositoryNotFound:
                folder = _at(directory, output)
        for path in write_schemas(folder, follow=output is not None):
            typer.echo(f"已写入 {path}")


@app.command()
def init(
    target: Annotated[Path, typer.Argument(metavar="目录", help="新数据仓库的目录(不存在则新建)")],
    today: Today = None,
) -> None:
    """新建一个空的数据仓库:data/ 目录、单位名录、示例、校验配置和说明。"""
    with _errors_to_exit():
        from .scaffold import repository_files
        from .writer import create_repository

        files, target = repository_files(), _at(None, target)
        create_repository(target, files, _today(today))
        typer.echo(f"已在 {target} 新建数据仓库({len(files)} 个文件)。下一步:dufu -C {target} import notice 公告.txt(相对路径从 {target} 算起)")


import_app = typer.Typer(help="把已有的材料导入数据仓库。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(import_app, name="import")


@import_app.command("notice")
def import_notice(
    file: Annotated[Path, typer.Argument(metavar="文件", help="已发布的整改情况公告(纯文本)")],
    directory: Directory = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将要写入的修改,不写入")] = False,
    listed: Annotated[
        Optional[str],
        typer.Option("--round", help="列出的任务所属的轮次(编号或名称;引言没有写明而有几个轮次未完成时需要)", metavar="轮次"),
    ] = None,
    basic: Annotated[
        Optional[list[int]],
        typer.Option("--basic", help="列出的第几项任务是基本完成的(一、是 1;汇总句单列了基本完成数而没写明是哪几项时需要),可重复", metavar="序号"),
    ] = None,
    today: Today = None,
) -> None:
    """导入一期已发布的公告:单位、轮次、任务及其进展、公告本身;重新生成的公告与原文逐字节相同。"""
    with _errors_to_exit():
        from .importer import import_notice_file

        file = _at(directory, file)
        with _naming_the_day(today):
            diff, trimmed = import_notice_file(
                _root(directory), file, _today(today), dry_run=dry_run, listed=listed, basic=frozenset(basic or ())
            )
        _echo(diff)
        files = diff.count("\n+++ b/") + diff.startswith("+++ b/")
        if trimmed:
            typer.echo(f"注意:公告有 {trimmed} 行行首或行尾有空白(缩进、对齐),记录的公告不含这些空白。", err=True)
        if not diff:
            typer.echo("数据仓库中已有这期公告的全部内容,没有修改。", err=True)
        elif dry_run:
            typer.echo(f"(--dry-run:以上 {files} 个文件的修改没有写入)", err=True)
        else:
            typer.echo(f"已导入 {file.name}:写入 {files} 个文件。", err=True)


DryRun = Annotated[bool, typer.Option("--dry-run", help="只显示将要写入的修改,不写入")]
AcceptPublished = Annotated[
    bool,
    typer.Option("--accept-published-change", help="明知会改变已发布公告的内容,仍然写入(更正已发布的公告时才用)"),
]
TaskId = Annotated[str, typer.Argument(metavar="任务编号", help="任务编号,如 r2-01", autocompletion=_completer("tasks"))]


def _required_day(value: Optional[str]) -> Optional[date]:
    return _parse_day(value)


def _load_for_writing(root: Path, today: Optional[date]):
    """The dataset a write starts from (validate.load_for_writing)."""
    from .validate import load_for_writing

    with _naming_the_day(today):
        return load_for_writing(root, _today(today))


@contextmanager
def _naming_the_day(today: Optional[date]) -> Iterator[None]:
    """A refusal to start from invalid data names the day --today gave: dates checked against
    today may be errors on that day that validate alone (today's today) does not report."""
    from .problems import InvalidData

    try:
        yield
    except InvalidData as exc:
        if today is not None and type(exc) is InvalidData:  # not a write's own refusal
            exc.args = (f"{exc}(以 {today} 为今天:dufu validate --today {today})",)
        raise


def _write(directory: Optional[Path], build, today, dry_run: bool, accept: bool):
    """Load the repository, build the changes (build(root, data) -> list[Change]), commit them,
    print the diff and say what was done; the data as loaded, before the changes."""
    from .writer import commit_changes

    root = _root(directory)
    data = _load_for_writing(root, today)
    changes = build(root, data)
    diff = commit_changes(root, changes, _today(today), dry_run=dry_run, accept_published=accept)
    _echo(diff)
    files = diff.count("\n+++ b/") + diff.startswith("+++ b/")
    if not diff:
        typer.echo("没有需要修改的内容。", err=True)
    elif dry_run:
        typer.echo(f"(--dry-run:以上 {files} 个文件的修改没有写入)", err=True)
    else:
        typer.echo(f"已写入 {files} 个文件。", err=True)
    return data


OnDay = Annotated[str, typer.Option("--on", help="日期(YYYY-MM-DD)", metavar="日期", callback=_required_day)]


@app.command()
def done(
    task_id: TaskId,
    on: OnDay,
    directory: Directory = None,
    dry_run: DryRun = False,
    accept_published_change: AcceptPublished = False,
    today: Today = None,
) -> None:
    """记下一项任务已完成:状态改为“已完成”,写入完成日期。"""
    with _errors_to_exit():
        from .authoring import mark_done

        _write(directory, lambda root, data: [mark_done(data, task_id, on)], today, dry_run, accept_published_change)


@app.command()
def close(
    task_id: TaskId,
    on: OnDay,
    directory: Directory = None,
    dry_run: DryRun = False,
    accept_published_change: AcceptPublished = False,
    today: Today = None,
) -> None:
    """记下一项已完成的任务通过验收销号:状态改为“已销号”,写入销号日期。"""
    with _errors_to_exit():
        from .authoring import mark_closed

        _write(directory, lambda root, data: [mark_closed(data, task_id, on)], today, dry_run, accept_published_change)


@app.command()
def adjust(
    task_id: TaskId,
    on: OnDay,
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="新的整改时限,如 2025年12月底前", metavar="文字")] = None,
    lead_units: Annotated[Optional[str], typer.Option("--lead", help="新的牵头单位(照公告原文书写)", metavar="文字")] = None,
    responsible_units: Annotated[Optional[str], typer.Option("--responsible", help="新的责任单位(照公告原文书写)", metavar="文字")] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="新的整改目标", metavar="文字")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="调整依据,如批准延期的文件", metavar="文字")] = None,
    directory: Directory = None,
    dry_run: DryRun = False,
    accept_published_change: AcceptPublished = False,
    today: Today = None,
) -> None:
    """记下经批准的调整:自 --on 这一天起按新的整改时限、单位或目标,此前的公告不受影响。"""
    with _errors_to_exit():
        from .authoring import add_adjustment

        changes = {"deadline": deadline, "lead_units": lead_units, "responsible_units": responsible_units, "target": target}
        _write(directory, lambda root, data: [add_adjustment(data, task_id, on, changes, reason)], today, dry_run, accept_published_change)


milestone_app = typer.Typer(help="节点目标(序时进度的依据)。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(milestone_app, name="milestone")
DueDay = Annotated[str, typer.Option("--due", help="节点时限(YYYY-MM-DD)", metavar="日期", callback=_required_day)]


@milestone_app.command("add")
def milestone_add(
    task_id: TaskId,
    due: DueDay,
    goal: Annotated[str, typer.Option("--goal", help="节点目标,如 完成管网改造20公里", metavar="文字")],
    done_on: Annotated[Optional[str], typer.Option("--done-on", help="已达成的日期(YYYY-MM-DD)", metavar="日期", callback=_parse_day)] = None,
    directory: Directory = None,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """给任务加一个节点目标:到 --due 这一天(含)应达到 --goal。"""
    with _errors_to_exit():
        from .authoring import add_milestone

        _write(directory, lambda root, data: [add_milestone(data, task_id, due, goal, done_on)], today, dry_run, False)


@milestone_app.command("done")
def milestone_done(
    task_id: TaskId,
    due: DueDay,
    on: OnDay,
    directory: Directory = None,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """记下任务 --due 那个节点目标在 --on 这一天达成。"""
    with _errors_to_exit():
        from .authoring import mark_milestone

        _write(directory, lambda root, data: [mark_milestone(data, task_id, due, on)], today, dry_run, False)


progress_app = typer.Typer(help="整改进展。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(progress_app, name="progress")


@progress_app.command("add")
def progress_add(
    task_id: TaskId,
    as_of: Annotated[str, typer.Option("--as-of", help="进展截至日期(YYYY-MM-DD)", metavar="日期", callback=_required_day)],
    source: Annotated[
        Optional[Path], typer.Option("--from", help="从这个文件读取进展(公告的写法,每行一条措施;- 表示标准输入)", metavar="文件")
    ] = None,
    use_editor: Annotated[bool, typer.Option("--edit", help="在 $EDITOR 中编辑进展(以最近一次进展为底稿)")] = False,
    status_: Annotated[Optional[str], typer.Option("--status", help="这次进展报告的状态,如 达到序时进度", metavar="状态")] = None,
    directory: Directory = None,
    dry_run: DryRun = False,
    accept_published_change: AcceptPublished = False,
    today: Today = None,
) -> None:
    """追加一次整改进展,按公告的写法书写:“1.标题。①……②……”每行一条措施。"""
    with _errors_to_exit():
        from .authoring import add_progress

        source = _at(directory, source)

        def build(root, data):
            text = _progress_source(data, task_id, source, use_editor)
            name = "进展" if source is None or str(source) == "-" else str(source)
            return [add_progress(data, task_id, as_of, text, status_, name)]

        data = _write(directory, build, today, dry_run, accept_published_change)
        task = data.tasks.get(task_id)
        before = task.report_at(as_of) if task is not None and status_ is None else None
        if before is not None and before.status is not None and task.status != before.status:
            # a report without a status shows the task's own: say what the one before said
            typer.echo(
                f"上一次进展(截至{before.as_of})的状态是“{before.status}”;这次没有写 --status,"
                f"状态按任务本身的“{task.status}”计",
                err=True,
            )


def _progress_source(data, task_id: str, source: Optional[Path], use_editor: bool) -> str:
    from .problems import UsageError

    if (source is None) == (not use_editor):
        raise UsageError("请用 --from 文件 或 --edit 给出进展(二者选一)")
    if source is not None:
        from .authoring import read_input

        if str(source) == "-":
            raw = sys.stdin.buffer.read(PROGRESS_BYTES + 1)
            if len(raw) > PROGRESS_BYTES:
                raise UsageError(f"标准输入超过 {PROGRESS_BYTES // 1024 // 1024} MB,不像一次整改进展,没有读完")
        else:
            raw = read_input(source, PROGRESS_BYTES)
        return _progress_text(raw, str(source))
    if not _interactive():  # no one to edit: an editor would wait for a terminal that is not there
        raise UsageError("--edit 需要在终端上运行;不在终端上时请用 --from 文件(或 --from - 读标准输入)")
    from .ledger import find_task
    from .progress_text import format_measures

    task = find_task(data, task_id)
    draft = format_measures(task.progress[-1].measures) if task.progress else "1.\n"
    edited = _edit_in_editor(draft)
    if edited.strip() == draft.strip():
        raise UsageError("进展没有改动(仍是最近一次进展的底稿),没有修改")
    return edited


PROGRESS_BYTES = 1024 * 1024  # a report's text: a notice's few pages, never this many


def _progress_text(raw: bytes, name: str) -> str:
    """Progress text from a file, standard input or the editor: UTF-8 (BOM or not) or
    GB18030/GBK, as Windows' Notepad may save it, read as a notice is."""
    from .noticeparse import NoticeError, decode_notice
    from .problems import UsageError

    try:
        return decode_notice(raw)
    except NoticeError as exc:
        raise UsageError(f"{name} 既不是 UTF-8 也不是 GB18030/GBK 编码的文本(第 {exc.line} 行有无法识别的字节)") from None


def _edit_in_editor(draft: str) -> str:
    """The text after the user's $EDITOR (VISUAL first, vi when neither is set) has edited
    draft, read back as --from reads a file: a regular file (an editor that leaves a link or
    a FIFO there is not followed), at most PROGRESS_BYTES, in UTF-8 or GB18030/GBK."""
    import subprocess
    import tempfile

    from .authoring import read_input
    from .problems import UsageError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="dufu-edit-") as tmp:
        path = Path(tmp) / "进展.txt"
        path.write_text(draft, encoding="utf-8")
        if subprocess.run(f'{editor} "{path}"', shell=True, check=False).returncode != 0:
            raise UsageError(f"编辑器 {editor} 没有正常退出,没有修改")
        return _progress_text(read_input(path, PROGRESS_BYTES), "编辑器保存的文件")


new_app = typer.Typer(help="新建数据文件。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(new_app, name="new")


def _text_option(field: str, flag: str):
    from .words import LABELS

    return Annotated[Optional[str], typer.Option(flag, help=f"{LABELS[field]}(照公告原文书写)", metavar="文字")]


@new_app.command("task")
def new_task(
    round_id: Annotated[Optional[str], typer.Option("--round", help="轮次编号,如 r2", metavar="轮次", autocompletion=_completer("rounds"))] = None,
    title: _text_option("title", "--title") = None,
    lead_units: _text_option("lead_units", "--lead") = None,
    responsible_units: _text_option("responsible_units", "--responsible") = None,
    deadline: _text_option("deadline", "--deadline") = None,
    target: _text_option("target", "--target") = None,
    status_: Annotated[str, typer.Option("--status", help="状态", metavar="状态")] = "正在推进",
    number: Annotated[Optional[int], typer.Option("--number", help="序号(默认:本轮次下一个)", metavar="序号", min=1)] = None,
    task_id: Annotated[Optional[str], typer.Option("--id", help="任务编号(默认:轮次-序号,如 r2-05)", metavar="编号")] = None,
    directory: Directory = None,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """新建一项整改任务:终端上逐项询问缺少的内容,也可全部用选项给出(便于脚本)。"""
    with _errors_to_exit():
        from .newfiles import TASK_INPUTS, task_answer_problem
        from .newfiles import new_task as build_task

        given = {"round": round_id, "title": title, "lead_units": lead_units, "responsible_units": responsible_units}
        given.update(deadline=deadline, target=target)

        def build(root: Path, data):
            values = _ask_missing({name: given[name] for name in TASK_INPUTS}, data, task_answer_problem)
            return [build_task(root, data, values, status_, number, task_id)]

        _write(directory, build, today, dry_run, False)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask_missing(values: dict, data, problem_of) -> dict:
    """Prompt for each missing value on a terminal (the round's with the rounds there are),
    asking again while problem_of(data, name, values so far) finds something wrong with the
    answer; elsewhere name the options to give."""
    from .problems import DufuError, UsageError
    from .textsafety import visible
    from .words import LABELS

    flags = {"round": "--round", "title": "--title", "lead_units": "--lead", "responsible_units": "--responsible"}
    missing = [name for name, value in values.items() if not (value or "").strip()]
    if missing and not _interactive():
        names = "、".join(f"{flags.get(n, '--' + n)}({LABELS[n]})" for n in missing)
        raise UsageError(f"缺少 {names}:不在终端上运行时,请用选项给出")
    values = {name: (value or "").strip() for name, value in values.items()}
    for name in values if missing else ():  # a value given wrong stops the command before any question
        if name not in missing and (problem := problem_of(data, name, values)) is not None:
            raise (UsageError if name in ("round", "deadline") else DufuError)(problem)  # as build_task would
    for name in missing:
        label = LABELS[name]
        if name == "round" and data.rounds:
            label += f"(已有:{'、'.join(visible(r) for r in data.rounds)})"
        while not values[name]:
            values[name] = typer.prompt(label).strip()
            problem = problem_of(data, name, values) if values[name] else None
            if problem is not None:
                typer.echo(_shown(problem) + ",请重新输入", err=True)
                values[name] = ""
    return values


units_app = typer.Typer(help="单位名录。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(units_app, name="units")


@units_app.command("add")
def units_add(
    names: Annotated[list[str], typer.Argument(metavar="单位全称", help="要登记的单位全称,可写多个")],
    alias: Annotated[Optional[list[str]], typer.Option("--alias", help="这个单位在正文中的其他写法(简称),可重复", metavar="简称")] = None,
    directory: Directory = None,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """在单位名录(data/units.yaml)末尾登记单位及其简称。"""
    with _errors_to_exit():
        from .authoring import add_units

        data = _write(directory, lambda root, data: [add_units(root, data, names, alias or [])], today, dry_run, False)
        _warn_typos(data, [*names, *(alias or [])])


bulletin_app = typer.Typer(help="整改情况公告。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(bulletin_app, name="bulletin")


@bulletin_app.command("new")
def bulletin_new(
    as_of: Annotated[str, typer.Option("--as-of", help="统计截至日期(YYYY-MM-DD)", metavar="日期", callback=_required_day)],
    on: Annotated[str, typer.Option("--date", help="成文日期(YYYY-MM-DD)", metavar="日期", callback=_required_day)],
    bulletin_id: Annotated[Optional[str], typer.Option("--id", help="公告编号(默认:成文日期)", metavar="编号")] = None,
    directory: Directory = None,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """新建下一期公告:标题、导语、引言、发文机关沿用最近一期,统计截至新的日期。"""
    with _errors_to_exit():
        from .bulletin import draft_bulletin, latest_bulletin
        from .ledger import tally_round
        from .newfiles import next_bulletin, next_issue

        day = _today(today)
        data = _write(directory, lambda root, data: [next_bulletin(root, data, as_of, on, bulletin_id, day)], today, dry_run, False)
        draft = draft_bulletin(data, as_of, on)
        last = latest_bulletin(data)
        if (title := next_issue(last.title, last.date, on)) != last.title:
            typer.echo(f"标题沿用上一期,期数随之改为:{_shown(title)}", err=True)
        _say_stale(data, draft, drafted=False)
        if draft.listing.intro is None:
            typer.echo("截至这一天没有要逐项公开的任务:这期公告只有汇总句,不写引言。", err=True)
        left_out = [rid for rid in data.rounds if rid not in draft.summary_rounds and tally_round(data, rid, as_of).open]
        if left_out:  # a round entered since, with tasks open: the words carried over do not name it
            typer.echo(
                f"有未完成任务的轮次 {'、'.join(left_out)} 不在汇总句中(沿用上一期的 summary_rounds):要写入这期公告,"
                f"在 data/bulletins/{bulletin_id or on.isoformat()}.yaml 的 summary_rounds 中加上它,"
                f"并在 totals 中照 dufu status --as-of {as_of} 记下它的数",
                err=True,
            )


export_app = typer.Typer(help="把数据导出为其他格式。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(export_app, name="export")


@export_app.command("ledger")
def export_ledger(
    output: Annotated[Path, typer.Option("-o", "--output", help="写入的 Excel 文件(.xlsx)", metavar="文件")],
    directory: Directory = None,
    as_of: AsOf = None,
    today: Today = None,
) -> None:
    """导出整改台账(Excel):每项任务一行(含最近一次进展),另附各轮次汇总。"""
    with _errors_to_exit():
        from .config import load_config
        from .files import write_atomic
        from .indexed import with_text
        from .ledger_xlsx import ledger_workbook
        from .validate import load_valid

        from .problems import UsageError

        root = _root(directory)
        output = _output(directory, root, output)
        if output.suffix and output.suffix.lower() != ".xlsx":  # x.csv, x.xls: xlsx bytes under another name
            raise UsageError(f"{output.name}:导出的是 Excel 工作簿,文件名应以 .xlsx 结尾(要 CSV 请用 dufu list --format csv)")
        data = load_valid(root, _today(today))
        with_text(data, list(data.tasks.values()))
        day = as_of or _today(today)
        write_atomic(output, ledger_workbook(data, day, load_config(root).due_soon_days))
        typer.echo(f"已写入 {output}({len(data.tasks)} 项任务,截至 {day})", err=True)


@import_app.command("ledger")
def import_ledger(
    file: Annotated[Path, typer.Argument(metavar="文件", help="整改台账(Excel .xlsx)")],
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="读取这个工作表(默认:第一个有表头的)", metavar="名称")] = None,
    maps: Annotated[
        Optional[list[str]],
        typer.Option("--map", help="表头=字段:这一列是哪个字段(字段写台账列名如 问题、牵头单位,或“忽略”),可重复", metavar="表头=字段"),
    ] = None,
    round_id: Annotated[Optional[str], typer.Option("--round", help="台账没有轮次列时,任务所属的轮次", metavar="轮次", autocompletion=_completer("rounds"))] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="台账没有“进展截至”列时,整改进展的截至日期", metavar="日期", callback=_parse_day)] = None,
    update: Annotated[bool, typer.Option("--update", help="已有任务的行不报错,把其中新的整改进展和完成、销号情况记入该任务(如各单位填回的台账)")] = False,
    directory: Directory = None,
    dry_run: DryRun = False,
    today: Today = None,
) -> None:
    """导入整改台账(Excel):每行一项任务;有一行不能导入就什么也不写。"""
    with _errors_to_exit():
        from .ledger_import import import_ledger_file

        root, file = _root(directory), _at(directory, file)
        data = _load_for_writing(root, today)
        done = import_ledger_file(
            root, data, file, _today(today), sheet_name=sheet, maps=_column_map(maps or []), round_id=round_id,
            as_of=as_of, dry_run=dry_run, update=update,
        )
        _echo(done.diff)
        what = f"工作表“{done.sheet}”:{len(done.tasks)} 项任务" + (f",新登记 {len(done.units)} 个单位" if done.units else "")
        named = "、".join(done.updated[:10]) + ("等" if len(done.updated) > 10 else "")
        what += f",更新 {len(done.updated)} 项已有任务({named})" if done.updated else ""
        what += ",已有任务没有新的内容" if update and not done.updated and not done.tasks else ""
        what += f"(跳过 {done.skipped} 个空行、小计行或重复表头)" if done.skipped else ""
        typer.echo(("(--dry-run:没有写入)" if dry_run else "已导入") + what, err=True)
        _warn_typos(data, done.units)


def _warn_typos(data, names: list[str]) -> None:
    """A unit newly registered one character off a known one is most likely a typo: say so."""
    for name in names:
        twin = next((f for f in data.units.forms() if _typo_of(name, f)), None)
        if twin is not None:
            typer.echo(f"注意:新登记的单位“{_shown(name)}”与已有的“{_shown(twin)}”只差一个字,是否写错?", err=True)


def _typo_of(name: str, known: str) -> bool:
    """Whether name is known with one character inside it changed (市生态环竟局 for 市生态环境局):
    not the place (市/县) or the kind (局/委/厅) at its ends, which tell units apart (市农业局 is
    not a typo of 市林业局), in a name long enough to tell."""
    differ = [i for i, (a, b) in enumerate(zip(name, known)) if a != b]
    return len(name) == len(known) >= 5 and len(differ) == 1 and 0 < differ[0] < len(name) - 1


def _column_map(items: list[str]) -> dict:
    from .ledger_columns import map_target, normalize
    from .problems import UsageError

    mapping = {}
    for item in items:
        header, sep, value = item.partition("=")
        if not sep or not header.strip():
            raise UsageError(f"--map 应写成 表头=字段,如 --map 问题名称=问题,而不是“{item}”")
        try:
            mapping[normalize(header)] = map_target(value.strip())
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return mapping


class Shell(str, enum.Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@app.command()
def completion(shell: Annotated[Shell, typer.Argument(metavar="shell", help="bash、zsh 或 fish")]) -> None:
    """打印该 shell 的补全脚本,如 eval "$(dufu completion bash)"。"""
    from typer._completion_shared import get_completion_script

    _echo(get_completion_script(prog_name="dufu", complete_var="_DUFU_COMPLETE", shell=shell.value))


def _dumps(value) -> str:
    """JSON with one record (a task, a round, a unit) per line: as readable as indented JSON,
    easy to grep and diff, and written by the C encoder (indent=2 runs the pure-Python one,
    0.4 s for 10,000 tasks). The top level and lists under it are laid out; dicts below are not."""
    import json

    return _layout(value, 0, json.JSONEncoder(ensure_ascii=False).encode) + "\n"


def _echo_list(items: list, record) -> None:
    """_echo(_dumps([record(item) for item in items])), the same bytes written a thousand
    records at a time: 30,000 tasks' records and their JSON (18 MB) are never held at once."""
    import json

    encode = json.JSONEncoder(ensure_ascii=False).encode
    if not items:
        _echo(_dumps([]))
    for start in range(0, len(items), 1000):
        lines = ",\n".join("  " + _layout(record(item), 1, encode) for item in items[start : start + 1000])
        _echo(("[\n" if start == 0 else ",\n") + lines + ("\n]\n" if start + 1000 >= len(items) else ""))


def _layout(value, depth: int, encode) -> str:
    if not value or not isinstance(value, (list, dict)) or depth >= 2 or (depth and isinstance(value, dict)):
        return encode(value)
    pad = "  " * (depth + 1)
    if isinstance(value, list):
        inner = [pad + _layout(item, depth + 1, encode) for item in value]
        return "[\n" + ",\n".join(inner) + "\n" + "  " * depth + "]"
    inner = [pad + encode(key) + ": " + _layout(item, depth + 1, encode) for key, item in value.items()]
    return "{\n" + ",\n".join(inner) + "\n" + "  " * depth + "}"


def _end_cleanly_on(*signals: int) -> None:
    """Turn these signals into SystemExit(128 + n), so that `with` blocks and `finally` clauses
    (temporary files and folders, worker processes) are cleaned up before dufu ends."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    for sig in signals:
        signal.signal(sig, handler)


def _readable_streams() -> None:
    """A stdout/stderr that cannot encode Chinese (PYTHONIOENCODING=ascii) gets UTF-8, as --format
    output always does; one that can (GBK) keeps its encoding, unencodable characters replaced."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "督复整改".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            stream.reconfigure(encoding="utf-8")
        else:
            stream.reconfigure(errors="replace")


def _keep_only_the_command(args: list[str]) -> None:
    """Start-up: Typer builds the Click parameters of every command before it parses anything
    (17 ms for dufu's 30 commands). A run that names a known command needs only that one, so
    the others are left out; a list of commands (`dufu --help`, `dufu import --help`) needs
    their names and help only, so they stand in without their parameters; for an unknown
    command (its error suggests the others) and while completing, all are kept as they are."""
    if os.environ.get("_DUFU_COMPLETE"):
        return
    words = iter(args)
    name, rest = None, []
    for word in words:
        if word in ("-C", "--directory"):
            next(words, None)
        elif not word.startswith("-"):
            name, rest = word, list(words)
            break
    if name is None and args in ([], ["--help"]):
        _stand_in_all(app)
        return
    commands = [c for c in app.registered_commands if (c.name or c.callback.__name__.replace("_", "-")) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups
    if groups and rest in ([], ["--help"]):
        _stand_in_all(groups[0].typer_instance)


def _stand_in_all(typer_app: typer.Typer) -> None:
    for info in [*typer_app.registered_commands, *(c for g in typer_app.registered_groups for c in g.typer_instance.registered_commands)]:
        info.callback = _stand_in(info.callback)


def _stand_in(callback):
    """A command without parameters, named and documented as callback: what `dufu --help` lists."""

    def command() -> None:
        pass

    command.__name__, command.__doc__ = callback.__name__, callback.__doc__
    return command


def run() -> None:
    """Console-script entry point."""
    if sys.stderr is None:  # started with its stderr closed (`2>&-`): what it says there goes nowhere
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # for the life of the process
    if sys.stdout is None:  # started with its stdout closed (`>&-`): nowhere to write what it is asked for
        sys.stderr.write("错误:标准输出已关闭,dufu 无处写出结果。\n")
        sys.exit(EXIT_ERRORS)
    if sys.argv[1:] == ["--version"]:  # answered before Typer builds the command tree
        print(f"dufu {__version__}")
        return
    _readable_streams()
    _keep_only_the_command(sys.argv[1:])
    collector.FREEZE = True  # the process ends with this command (see gc_paused)
    _end_cleanly_on(*(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)))
    try:
        app()
    except KeyboardInterrupt:  # Ctrl-C outside a command (while starting up)
        sys.stderr.write("已中断。\n")
        sys.exit(EXIT_INTERRUPTED)
