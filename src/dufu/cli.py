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

from . import __version__, zhclick

zhclick.install()  # help and usage errors in Chinese

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


class TableFormat(str, enum.Enum):
    table = "table"
    json = "json"


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
    typer.Option("-C", "--directory", help="数据仓库所在目录(默认:当前目录或其上级中含 data/ 的目录)"),
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

    return Console(stderr=stderr, highlight=False, soft_wrap=stderr)  # messages never wrap mid-path


def _echo(text: str) -> None:
    """Write text to stdout as UTF-8 bytes, whatever the locale, with no newline translation."""
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(text)
    else:
        stream.write(text.encode("utf-8"))
        stream.flush()


@contextmanager
def _errors_to_exit() -> Iterator[None]:
    """Map dufu's errors to a short message and an exit code; never a traceback."""
    from .problems import DufuError, InvalidData

    try:
        yield
    except InvalidData as exc:
        from .reporters import problem_headline

        err = _console(stderr=True)
        shown = [p for p in exc.problems if p.is_error][:20]
        for problem in shown:
            err.print(problem_headline(problem), style="red", markup=False)
        err.print(f"错误:{exc}", style="bold red", markup=False)
        raise typer.Exit(EXIT_ERRORS) from None
    except DufuError as exc:
        _console(stderr=True).print(f"错误:{exc}", style="bold red", markup=False)
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
        _console(stderr=True).print(f"错误:无法访问{where}:{reason(exc, writing=None)}", style="bold red", markup=False)
        raise typer.Exit(EXIT_ERRORS) from None
    except Exception as exc:  # an internal error: say so, never a traceback
        _console(stderr=True).print(
            f"内部错误:{type(exc).__name__}: {exc}\n这是 dufu 的缺陷,请附上命令和数据报告给维护者。",
            style="bold red",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def _root(directory: Optional[Path]) -> Path:
    from .repo import find_root

    return find_root(directory or _global_directory() or Path.cwd())


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


@app.command()
def status(
    directory: Directory = None,
    as_of: AsOf = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="输出格式")] = TableFormat.table,
    limit: Annotated[int, typer.Option("--limit", metavar="<整数>", help="表格中最多列出多少项未完成任务,0 表示全部", min=0)] = 100,
    no_cache: NoCache = False,
) -> None:
    """各轮次整改任务的总体情况,以及所有未完成的任务。"""
    with _errors_to_exit():
        from . import views
        from .ledger import select_tasks, tally_all
        from .validate import load_valid

        day = _today(as_of)
        data = load_valid(_root(directory), date.today(), keep_text=False, cache=not no_cache)
        tallies, open_tasks = tally_all(data, day), select_tasks(data, day, open_only=True)
        if fmt is TableFormat.json:
            _echo(_dumps(views.status_record(tallies, open_tasks, day)))
        else:
            _console().print(views.status_view(tallies, open_tasks, day, limit))


@app.command("list")
def list_tasks(
    directory: Directory = None,
    as_of: AsOf = None,
    round_id: Annotated[Optional[str], typer.Option("--round", help="只列出这一轮次(编号,如 r2)", autocompletion=_completer("rounds"))] = None,
    status_: Annotated[Optional[str], typer.Option("--status", help="只列出这一状态,如 正在推进")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="只列出该单位牵头或负责的任务", autocompletion=_completer("units"))] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列出逾期的任务")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", help="输出格式")] = ListFormat.table,
    no_cache: NoCache = False,
) -> None:
    """逐项列出任务,可按轮次、状态、单位、是否逾期筛选。"""
    with _errors_to_exit():
        from .ledger import select_tasks
        from .validate import load_valid

        day = _today(as_of)
        data = load_valid(_root(directory), date.today(), keep_text=False, cache=not no_cache)
        tasks = select_tasks(data, day, round_id=round_id, status=status_, unit=unit, overdue=overdue)
        if fmt is ListFormat.json:
            from .views import task_record

            _echo(_dumps([task_record(t, day) for t in tasks]))
        elif fmt is ListFormat.csv:
            from .views import tasks_csv

            _echo(tasks_csv(tasks, day))
        else:
            from .views import task_table

            counted = sum(g.count for rid in ([round_id] if round_id else data.rounds) for g in data.rounds[rid].counted)
            title = f"共 {len(tasks)} 项任务" + (f"(另有 {counted} 项只知数量、未逐项录入,不在此列)" if counted else "")
            _console().print(task_table(tasks, day, title=title))


@app.command()
def show(
    task_id: Annotated[str, typer.Argument(metavar="任务编号", help="任务编号,如 r2-01", autocompletion=_completer("tasks"))],
    directory: Directory = None,
    as_of: AsOf = None,
    no_cache: NoCache = False,
) -> None:
    """显示一项任务的全部信息和历次整改进展。"""
    with _errors_to_exit():
        from .indexed import with_text
        from .ledger import find_task
        from .validate import load_valid
        from .views import task_detail

        day = _today(as_of)
        data = load_valid(_root(directory), date.today(), cache=not no_cache)
        (task,) = with_text(data, [find_task(data, task_id)])
        _console().print(task_detail(task, data.rounds[task.round].name, day))


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

        root = _root(directory or _common_folder(paths))
        result = validate_repository(root, _today(today), paths or None, keep_text=False, cache=not no_cache)
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
    today: Today = None,
    no_cache: NoCache = False,
    fmt: Annotated[
        str, typer.Option("--format", metavar="<text|html|md|docx|pdf>", help="输出格式(生成 PDF 需要 LibreOffice)")
    ] = "text",
) -> None:
    """生成整改情况公告正文。"""
    with _errors_to_exit():
        from .bulletin import get_bulletin, render_bulletin
        from .indexed import with_text
        from .notice import listed_tasks
        from .validate import load_valid

        data = load_valid(_root(directory), _today(today), cache=not no_cache)
        bulletin = get_bulletin(data, bulletin_id)
        with_text(data, listed_tasks(data, bulletin))
        if fmt != "text":
            _render_format(data, bulletin, fmt, output)
            return
        text = render_bulletin(data, bulletin)
        if output is None:
            _echo(text)
        else:
            from .files import write_atomic

            write_atomic(output, text.encode("utf-8"))


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
    today: Today = None,
    no_cache: NoCache = False,
) -> None:
    """生成静态网站:总览、每期公告和每项任务的页面,可直接用浏览器打开。"""
    with _errors_to_exit():
        from .indexed import with_text
        from .site import build_site, write_site
        from .validate import load_valid

        data = load_valid(_root(directory), _today(today), cache=not no_cache)
        with_text(data, list(data.tasks.values()))
        write_site(build_site(data, _today(today)), output)
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

        folder = output if output is not None else _root(directory) / "schemas"
        for path in write_schemas(folder):
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

        files = repository_files()
        create_repository(target, files, _today(today))
        typer.echo(f"已在 {target} 新建数据仓库({len(files)} 个文件)。下一步:dufu import notice 公告.txt -C {target}")


import_app = typer.Typer(help="把已有的材料导入数据仓库。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(import_app, name="import")


@import_app.command("notice")
def import_notice(
    file: Annotated[Path, typer.Argument(metavar="文件", help="已发布的整改情况公告(纯文本)")],
    directory: Directory = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示将要写入的修改,不写入")] = False,
    today: Today = None,
) -> None:
    """导入一期已发布的公告:单位、轮次、任务及其进展、公告本身;重新生成的公告与原文逐字节相同。"""
    with _errors_to_exit():
        from .importer import import_notice_file

        diff = import_notice_file(_root(directory), file, _today(today), dry_run=dry_run)
        _echo(diff)
        files = diff.count("\n+++ b/") + diff.startswith("+++ b/")
        if not diff:
            typer.echo("数据仓库中已有这期公告的全部内容,没有修改。", err=True)
        elif dry_run:
            typer.echo(f"(--dry-run:以上 {files} 个文件的修改没有写入)", err=True)
        else:
            typer.echo(f"已导入 {file.name}:写入 {files} 个文件。", err=True)


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
    import json

    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


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


def run() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:  # answered before Typer builds the command tree
        print(f"dufu {__version__}")
        return
    _readable_streams()
    _end_cleanly_on(*(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)))
    try:
        app()
    except KeyboardInterrupt:  # Ctrl-C outside a command (while starting up)
        sys.stderr.write("已中断。\n")
        sys.exit(EXIT_INTERRUPTED)
