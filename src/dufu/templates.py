"""Where templates come from, and the one Jinja2 environment that renders them.

A data repository's own ``templates/`` folder is searched first, then the defaults shipped
inside the package: a repository overrides a default by putting a file of the same name in
its ``templates/``. Templates may come from a data repository, so they run sandboxed.
"""

from __future__ import annotations

import calendar
import re
import stat
from datetime import date
from pathlib import Path

from .files import read_regular

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
MAX_TEMPLATE_BYTES = 1024 * 1024
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
    if "\\" in name or name.startswith("/") or ".." in Path(name).parts:
        return None
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
    from jinja2 import BaseLoader, TemplateNotFound

    class RegularFileLoader(BaseLoader):
        def get_source(self, environment, template):
            path = find_template(root, template)
            if path is None:
                raise TemplateNotFound(template)
            try:
                text = read_regular(path, MAX_TEMPLATE_BYTES).decode("utf-8")
            except (OSError, UnicodeDecodeError):
                raise TemplateNotFound(template) from None
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


def zh_cutoff(day: date) -> str:
    """A month's last day reads 2024年5月底, any other day 2024年5月20日."""
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"{day.year}年{day.month}月底"
    return zh_date(day)


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


def make_environment(root: Path):
    """The single Jinja2 environment: sandboxed, StrictUndefined, None refused."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class Sandbox(SandboxedEnvironment):
        """Jinja2's sandbox, with its verdict on an attribute kept per type of object and
        attribute name. The rule it keeps looks at nothing else: the name (no "_" first) and
        the kind of object (a function, method, class, code, frame or generator has names
        of its own refused). A notice reads the same few attributes of thousands of tasks:
        about 40% of its rendering time went to asking again."""

        def __init__(self, **options) -> None:
            super().__init__(**options)
            self.verdicts: dict[tuple[type, str], bool] = {}

        def is_safe_attribute(self, obj, attr, value) -> bool:
            key = (type(obj), attr)
            verdict = self.verdicts.get(key)
            if verdict is None:
                verdict = self.verdicts[key] = super().is_safe_attribute(obj, attr, value)
            return verdict

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
    return env
