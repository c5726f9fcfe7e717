"""Where templates come from, and the one Jinja2 environment that renders them.

A data repository's own ``templates/`` folder is searched first, then the defaults shipped
inside the package: a repository overrides a default by putting a file of the same name in
its ``templates/``. Templates may come from a data repository, so they run sandboxed.
"""

from __future__ import annotations

import calendar
import os
import re
import signal
import stat
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from .files import read_regular, reason

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
MAX_TEMPLATE_BYTES = 1024 * 1024
# Bounds on one rendering, since a template may come from a stranger's pull request. Each is
# far above a real notice: 30,000 tasks render in about 0.3 s to 7 MB of text.
MAX_RENDER_SECONDS = 10.0
MAX_OUTPUT_CHARS = 64 * 1024 * 1024
MAX_RENDER_MEMORY = 2 * 1024**3  # bytes of address space a rendering may add (Linux only)
MAX_NUMBER_BITS = 1 << 20  # an integer * or ** past this runs in C, beyond the clock's reach
_CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474)) + "".join(
    chr(c) for c in (*range(0x3251, 0x3260), *range(0x32B1, 0x32C0))
)
_DIGITS = "零一二三四五六七八九"
_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ZH_MONTH_END = re.compile(r"(\d{4})年(\d{1,2})月底")


def template_dirs(root: Path) -> list[Path]:
    return [root / "templates", PACKAGE_TEMPLATES]


def find_template(root: Path, name: str) -> Path | None:
    """The file a template name resolves to, or None. Only a regular file reached without any
    symlink counts (a symlink in templates/ is reported by validation, never followed)."""
    if "\\" in name or "\0" in name or name.startswith("/") or ".." in Path(name).parts:
        return None  # (a NUL is no file's name: the system refuses it with ValueError)
    for folder in template_dirs(root):
        if _regular_below(folder, name):
            return folder / name
    return None


def _regular_below(folder: Path, name: str) -> bool:
    """True when folder/name is a regular file and neither it nor a folder on the way (folder
    itself included) is a symlink."""
    path = folder
    for part in ("", *Path(name).parts):
        path = path / part if part else path
        try:
            mode = path.lstat().st_mode
        except OSError:
            return False
        if stat.S_ISLNK(mode):
            return False
    return stat.S_ISREG(mode)


def _loader(root: Path):
    """A Jinja2 loader that reads templates with read_regular: a symlink, FIFO or device in
    templates/ is never followed, opened or printed."""
    from jinja2 import BaseLoader, TemplateError, TemplateNotFound

    class RegularFileLoader(BaseLoader):
        def get_source(self, environment, template):
            path = find_template(root, template)
            if path is None:
                raise TemplateNotFound(template)
            try:
                text = read_regular(path, MAX_TEMPLATE_BYTES).decode("utf-8-sig")  # Notepad's BOM is no text
            except UnicodeDecodeError:  # it exists: say what is wrong with it, not "not found"
                raise TemplateError(f"模板“{template}”不是 UTF-8 编码") from None
            except OSError as exc:
                raise TemplateError(f"无法读取模板“{template}”:{reason(exc)}") from None
            return text, str(path), lambda: False

    return RegularFileLoader()


def zh_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 11 -> 十一, 20 -> 二十, 105 -> 一百零五 (1..9999)."""
    if not 0 < n < 10000:
        raise ValueError(f"无法写成中文数字:{n}")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out[1:] if out.startswith("一十") else out


def circled(n: int) -> str:
    """1 -> ①, … 50 -> ㊿; Unicode has no circled numbers past 50, so (51) from there."""
    return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else f"({n})"


def zh_date(day: date) -> str:
    """2024-06-24 -> 2024年6月24日."""
    return f"{day.year}年{day.month}月{day.day}日"


def zh_cutoff(day: date, month_end: str = "底") -> str:
    """A month's last day reads 2024年5月底 (month_end "日": 2024年5月31日, as some notices
    write it), any other day 2024年5月20日."""
    if month_end == "底" and is_month_end(day):
        return f"{day.year}年{day.month}月底"
    return zh_date(day)


def is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def parse_zh_number(text: str) -> int | None:
    """The inverse of zh_number: 十一 -> 11; None for anything zh_number would not write."""
    value, part = 0, 0
    units = {"千": 1000, "百": 100, "十": 10}
    for char in text:
        if char in _DIGITS:
            part = _DIGITS.index(char)
        elif char in units:
            value += (part or 1) * units[char]
            part = 0
        else:
            return None
    value += part
    return value if 0 < value < 10000 and zh_number(value) == text else None


def parse_zh_date(text: str) -> date | None:
    """The inverse of zh_date: 2024年6月24日 -> 2024-06-24; None when it is not one."""
    match = _ZH_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return day if zh_date(day) == text else None


def parse_zh_cutoff(text: str) -> date | None:
    """The inverse of zh_cutoff: 2024年5月底 -> 2024-05-31, 2024年5月20日 -> 2024-05-20."""
    match = _ZH_MONTH_END.fullmatch(text)
    if match is None:
        day = parse_zh_date(text)
    elif 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        try:
            day = date(year, month, calendar.monthrange(year, month)[1])
        except ValueError:  # year 0, or past 9999
            day = None
    else:
        day = None
    return day if day is not None and zh_cutoff(day) == text else None


def _refuse_none(value):
    if value is None:
        raise ValueError("模板输出了空值(None)")
    return value


def template_problem(root: Path, name: str) -> str | None:
    """Why a repository's own template cannot be used (a syntax error, not UTF-8, unreadable,
    past what Python compiles), or None. Compiled only, never run; a packaged default is
    dufu's own, tested with it."""
    from jinja2 import TemplateError, TemplateSyntaxError

    path = find_template(root, name)
    if path is None or path.is_relative_to(PACKAGE_TEMPLATES):
        return None
    env = make_environment(root)
    try:
        source, filename, _ = env.loader.get_source(env, name)
        # Jinja's parse, then Python's compile of the code it makes, within a rendering's bounds
        # (Jinja evaluates constant output as it compiles: 'x'|center(3000000000))
        with _memory(MAX_RENDER_MEMORY), _clock(MAX_RENDER_SECONDS):
            env.compile(source, name, filename)
    except TemplateSyntaxError as exc:
        return f"模板“{name}”第 {exc.lineno} 行语法错误:{exc.message}"
    except TemplateError as exc:  # the loader's own words: not UTF-8, cannot be read
        return str(exc)
    except (RecursionError, SyntaxError, MemoryError, ValueError, OverflowError, RenderLimit):
        return f"模板“{name}”无法编译:嵌套过深、表达式过长或常量过大"
    return None


class RenderLimit(Exception):
    """A template went past one of the bounds on a rendering; the message is for the user."""


# the methods of dufu's records a template may call: a task as it stood on a day (reading its
# own data, nothing else)
TEMPLATE_METHODS = frozenset({"status_at", "at", "report_at"})


def _ours(obj) -> bool:
    """Whether obj is one of dufu's records or pydantic's (a model, its class, a computed
    notice): a template reads their data, never calls their methods. Pydantic's own
    (parse_raw with pickle, parse_file, model_copy, model_dump_json…) would reach files, run
    code or abort the process."""
    module = type(obj).__module__ if not isinstance(obj, type) else obj.__module__
    return module.split(".")[0] in ("dufu", "pydantic", "pydantic_core") or type(obj).__module__.startswith("pydantic")


def make_environment(root: Path):
    """The single Jinja2 environment: sandboxed, StrictUndefined, None refused."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class Sandbox(SandboxedEnvironment):
        """Jinja2's sandbox, with its verdict on an attribute kept per type of object and
        attribute name. The rule it keeps looks at nothing else: the name (no "_" first) and
        the kind of object (a function, method, class, code, frame or generator has names
        of its own refused). A notice reads the same few attributes of thousands of tasks:
        about 40% of its rendering time went to asking again.

        Integer * and ** are checked first: one huge multiplication runs in C for minutes,
        where neither the clock nor Ctrl-C can stop it."""

        intercepted_binops = frozenset({"*", "**"})

        def __init__(self, **options) -> None:
            super().__init__(**options)
            self.verdicts: dict[tuple[type, str], bool] = {}

        def is_safe_attribute(self, obj, attr, value) -> bool:
            key = (type(obj), attr)
            verdict = self.verdicts.get(key)
            if verdict is None:
                verdict = super().is_safe_attribute(obj, attr, value) and not (
                    callable(value) and _ours(obj) and attr not in TEMPLATE_METHODS
                )
                self.verdicts[key] = verdict
            return verdict

        def unsafe_undefined(self, obj, attribute):
            return self.undefined(
                f"模板不允许读取 {type(obj).__name__} 对象的属性“{attribute}”(沙箱限制)",
                name=attribute, obj=obj, exc=SecurityError,
            )

        def call_binop(self, context, operator, left, right):
            _check_size(operator, left, right)
            return super().call_binop(context, operator, left, right)

    env = Sandbox(
        loader=_loader(root),
        undefined=StrictUndefined,
        finalize=_refuse_none,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # plain-text notices; an .html template would need select_autoescape
    )
    env.filters.update(zh_number=zh_number, circled=circled, zh_date=zh_date, zh_cutoff=zh_cutoff)
    env.globals["range"] = _range
    return env


def _range(*args: int) -> range:
    """Jinja's sandboxed range (at most MAX_RANGE numbers), refusing in Chinese."""
    from jinja2.sandbox import MAX_RANGE

    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise RenderLimit(f"中 range 的范围过大({len(numbers)} 个数,上限 {MAX_RANGE})")
    return numbers


def _check_size(operator: str, left, right) -> None:
    """Refuse an integer product or power, or a repeated text or list, past the bounds."""
    if isinstance(left, int) and isinstance(right, int):
        bits = left.bit_length() + right.bit_length()
        if operator == "**":
            bits = left.bit_length() * right if abs(left) > 1 and right > 0 else 0
        if bits > MAX_NUMBER_BITS:
            raise RenderLimit("中的数字过大(乘法或乘方的结果超过上限),已中止")
    elif operator == "*":
        count, times = (left, right) if isinstance(right, int) else (right, left)
        if isinstance(times, int) and hasattr(count, "__len__") and len(count) * times > MAX_OUTPUT_CHARS:
            raise RenderLimit(f"中重复的文字或列表过长(超过 {MAX_OUTPUT_CHARS} 个),已中止")


def render_bounded(env, name: str, context: dict) -> str:
    """The template named name rendered with context, within the bounds: at most
    MAX_RENDER_SECONDS (a clock, on Unix in the main thread), MAX_OUTPUT_CHARS characters and
    MAX_RENDER_MEMORY more bytes of memory (Linux); past one, RenderLimit (or MemoryError).
    Compiling is bounded too: a template is compiled at its first use."""
    with _memory(MAX_RENDER_MEMORY), _clock(MAX_RENDER_SECONDS):  # the clock stops first
        parts, size = [], 0
        for part in env.get_template(name).generate(**context):
            size += len(part)
            if size > MAX_OUTPUT_CHARS:
                raise RenderLimit(f"输出超过 {MAX_OUTPUT_CHARS} 个字符,已中止")
            parts.append(part)
        return "".join(parts)


@contextmanager
def _clock(seconds: float):
    """Raise RenderLimit in the code running when seconds have passed; then once a second
    more, should something inside swallow it. The previous handler and timer are restored.
    Only the main thread receives signals, and only Unix has setitimer: elsewhere, no clock."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = [True]

    def expire(signum, frame):
        if armed[0]:  # not once the rendering is over: the alarm may be due as it ends
            raise RenderLimit(f"渲染超过 {seconds:g} 秒,已中止")

    start = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    before = signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if before[0]:  # a caller's timer: what remains of it, or at once if it fell due meanwhile
            signal.setitimer(signal.ITIMER_REAL, max(before[0] - (time.monotonic() - start), 1e-6), before[1])


@contextmanager
def _memory(extra: int):
    """Limit the address space to what the process uses now plus extra bytes, so that one
    huge string (a width of billions in center or format) fails with MemoryError at once
    instead of exhausting the machine. Linux only (it reads /proc); the limit is restored."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    limit = used + extra
    if soft != resource.RLIM_INFINITY and soft <= limit or hard != resource.RLIM_INFINITY and hard < limit:
        yield  # already as tight as this
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
