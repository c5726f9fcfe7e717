"""Help and usage errors in Chinese, like the rest of dufu's output.

Typer prints its help and usage errors through (its copy of) click, whose words are English and
not translatable through gettext. ``install`` wraps the two places they are printed (the help
text and a usage error's ``show``) so that they pass through ``zh``, a table of click's phrases.
Part of the command line layer: only ``cli`` imports it.
"""

from __future__ import annotations

import io
import re
import sys

# (pattern, replacement), applied in order to help text and usage errors.
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.M), r)
    for p, r in [
        (r"^Usage: ", "用法:"),
        (r"\[OPTIONS\]", "[选项]"),
        (r"COMMAND \[ARGS\]\.\.\.", "命令 [参数]..."),
        (r"^Arguments:$", "参数:"),
        (r"^Options:$", "选项:"),
        (r"^Commands:$", "命令:"),
        (r"Show this message and exit\.", "显示本帮助并退出。"),
        (r"\[default: ([^\]]*)\]", r"[默认:\1]"),
        (r"\[required\]", "[必填]"),
        (r"\[env var: ([^\]]*)\]", r"[环境变量:\1]"),
        (r"Try '([^']*)' for help\.", r"运行 “\1” 查看帮助。"),
        (r"^Error: ", "错误:"),
        (r"Missing argument '([^']*)'\.", r"缺少参数 \1。"),
        (r"Missing option '([^']*)'\.", r"缺少选项 \1。"),
        (r"Missing parameter: (\S+)", r"缺少参数 \1"),
        (r"Missing command\.", "缺少命令。"),
        (r"No such option: (\S+)", r"没有选项 \1"),
        (r"No such command '([^']*)'\.", r"没有命令 “\1”。"),
        (r"Did you mean ([^?]*)\?", r"是不是 \1?"),
        (r"\(Possible options: ([^)]*)\)", r"(可能是:\1)"),
        (r"Option '([^']*)' requires an argument\.", r"选项 \1 需要一个值。"),
        (r"Option '([^']*)' does not take a value\.", r"选项 \1 不带值。"),
        (r"Got unexpected extra argument(?:s|\(s\))? \(([^)]*)\)", r"多余的参数:\1"),
        (r"Invalid value for '([^']*)': (?:Value error, )?", r"\1 的值无效:"),
        (r"Invalid value: (?:Value error, )?", "值无效:"),
        (r"'([^']*)' is not one of (.*)\.$", r"“\1”不是可选的值,可选:\2。"),
        (r"(?:Value )?'([^']*)' is not a valid (?:integer|int)\.", r"“\1”不是整数。"),
        (r"(?:Value )?'([^']*)' is not a valid (\w+)\.", r"“\1”不是有效的 \2。"),
        (r"(\S+) is not in the range (.*)\.", r"\1 超出范围 \2。"),
        (r"^Aborted!$", "已中止。"),
        # metavars Typer derives from the annotation (padded to keep the columns aligned)
        (r" <list\[Path\]>", "...          "),
        (r"<path>", "路径  "),
        (r"<integer>", "整数     "),
        (r"<int>", "整数 "),
        (r"<text>", "文本  "),
        (r"\{TASK\}", "TASK"),
    ]
]


def zh(text: str) -> str:
    """click's English phrases in text, in Chinese."""
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _shows_in_chinese(show):
    def translated(self, file=None) -> None:
        buffer = io.StringIO()
        show(self, buffer)
        (file if file is not None else sys.stderr).write(zh(buffer.getvalue()))

    return translated


def install() -> None:
    """Route help text and usage errors through zh (once; harmless where click differs)."""
    try:
        from typer._click import core, exceptions
    except ImportError:  # a Typer on the real click
        import click.core as core
        import click.exceptions as exceptions
    if getattr(core.Context.get_help, "_dufu_zh", False):
        return
    get_help = core.Context.get_help

    def translated_help(self) -> str:
        return zh(get_help(self))

    translated_help._dufu_zh = True
    core.Context.get_help = translated_help
    for name in ("ClickException", "UsageError"):
        cls = getattr(exceptions, name, None)
        if cls is not None and "show" in vars(cls):
            cls.show = _shows_in_chinese(cls.show)
