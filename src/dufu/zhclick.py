"""Help and usage errors in Chinese, like the rest of dufu's output.

Typer vendors Click (typer._click) with its English strings written in, not behind gettext,
so a gettext catalogue cannot reach them. Instead the few places that write help and usage
errors (the modules' `echo`, and typer.core's `_`) get a translating function: the whole text
goes through one ordered table of patterns. English that no pattern knows stays English; the
tests run every command's --help and the common usage errors and fail on any English word left.
"""

from __future__ import annotations

import re
import unicodedata

_PATTERNS = [
    (r"(?m)^Usage: ", "用法:"),
    (r"\[OPTIONS\]", "[选项]"),
    (r"COMMAND \[ARGS\]\.\.\.", "命令 [参数]..."),
    (r"Try '(.+?)' for help\.", r"用 “\1” 查看帮助。"),
    (r"(?m)^Error: ", "错误:"),
    (r"Show this message and exit\.", "显示本帮助并退出。"),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"\s*\(Possible options: (.+?)\)", r"(可能是:\1)"),
    (r"\s*Did you mean (\S+)\?", r"(是不是 \1?)"),
    (r"No such command '(.*?)'\.", r"没有命令“\1”。"),
    (r"Shell ?(\S*) not supported\.", r"不支持当前的 shell \1:请用 dufu completion bash(或 zsh、fish)生成补全脚本。"),
    (r"Missing argument '(.+?)'\.", r"缺少参数 \1。"),
    (r"Missing option '(.+?)'\.", r"缺少选项 \1。"),
    (r"Missing command\.", "缺少命令。"),
    (r"Option '(.+?)' requires an argument\.", r"选项 \1 需要一个值。"),
    (r"Option '(.+?)' does not take a value\.", r"选项 \1 不带值。"),
    (r"Got unexpected extra arguments?(?:\(s\))? \((.+?)\)", r"多余的参数:\1"),
    (r"Invalid value for '(.+?)': ", r"\1 的值无效:"),
    (r"Value error, '(.+?)' is not one of (.+?)\.", r"“\1”不是可选的值,可选:\2。"),
    (r"'(.+?)' is not one of (.+?)\.", r"“\1”不是可选的值,可选:\2。"),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Input should be a valid boolean.*", "应为真假值"),
    (r"<list\[Path\]>", "<路径>..."),
    (r"<list\[str\]>", "<文字>..."),
    (r"<path>", "<路径>"),
    (r"<integer range ([^>]*)>", r"<整数 \1>"),
    (r"<integer>|<int range>|<int>", "<整数>"),
    (r"<text>", "<文本>"),
    (r"\[default: (.*?)\]", r"[默认:\1]"),
    (r"\[required\]", "[必填]"),
    (r"Aborted!", "已中止。"),
    (r"Install completion for the current shell\.", "为当前 shell 安装命令补全。"),
    (r"Show completion for the current shell, to copy it or\s+customize the installation\.", "显示当前 shell 的补全脚本,可复制或自行安装。"),
]
_WORD = re.compile(r"[A-Za-z]{3,}")


def _needle(pattern: str) -> str:
    """A word every match of pattern contains ("" when there is no single one): patterns whose
    word is not in a text are skipped, and compiled only when first needed (start-up)."""
    return "" if "|" in pattern else _WORD.search(pattern.replace("(?m)", "")).group()


_TABLE = [(_needle(pattern), pattern, repl) for pattern, repl in _PATTERNS]
_WORDS = {  # what typer.core passes through gettext
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "required": "必填",
    "(dynamic)": "(动态)",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
}


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def translate(text):
    """dufu's help and usage text in Chinese; anything not a string is passed through."""
    if not isinstance(text, str):
        return text
    text = _WORDS.get(text, text)
    for needle, pattern, repl in _TABLE:
        if needle in text:
            text = re.sub(pattern, repl, text)  # re caches what it compiles
    return text


def _gettext(message: str) -> str:
    word = _WORDS.get(message)
    if word is not None:
        return word
    if message.startswith("default: "):
        return "默认:" + message[len("default: ") :]
    if message.startswith("env var: "):
        return "环境变量:" + message[len("env var: ") :]
    return translate(message)


def install() -> None:
    """Route Typer's and its Click's help and usage messages through translate()."""
    import typer.core

    try:
        from typer._click import core, decorators, exceptions, formatting
    except ImportError:  # a Typer without its own Click: help stays English rather than failing
        return

    import typer._click as package

    for module in (core, decorators, exceptions):
        original = getattr(module, "_dufu_echo", module.echo)
        module._dufu_echo = original
        module.echo = _translating(original)
    # the completion modules call the package's echo: their errors (Shell … not supported), not
    # the scripts they print on stdout, which are code
    original = getattr(package, "_dufu_echo", package.echo)
    package._dufu_echo = original
    package.echo = _translating(original, errors_only=True)
    typer.core._ = _gettext
    formatting.term_len = cell_len
    _once_only()


def _once_only() -> None:
    """A single-valued option given twice (`list --round r1 --round r2`) is a usage error:
    Click keeps the last one, silently, and the list would show one round as if both."""
    try:
        from typer._click.exceptions import BadOptionUsage
        from typer._click.globals import get_current_context
        from typer._click.parser import _Option
    except ImportError:
        return
    original = getattr(_Option, "_dufu_process", _Option.process)
    _Option._dufu_process = original

    def process(self, value, state):
        if self.action == "store" and self.dest in state.opts:
            name = max(self._long_opts or self._short_opts, key=len)
            raise BadOptionUsage(name, f"选项 {name} 只能给一次", ctx=get_current_context(silent=True))
        original(self, value, state)

    _Option.process = process


def cell_len(text: str) -> int:
    """Terminal columns of text: CJK characters take two, so help columns line up."""
    text = _ANSI.sub("", text)
    return len(text) + sum(1 for ch in text if ch >= "\u1100" and unicodedata.east_asian_width(ch) in "WF")


def _translating(echo, errors_only: bool = False):
    def translated_echo(message=None, *args, **kwargs):
        if errors_only and not kwargs.get("err"):
            return echo(message, *args, **kwargs)
        return echo(translate(message), *args, **kwargs)

    return translated_echo
