"""One formatter per output style of `dufu validate`: text, json, github, sarif."""

from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .files import read_or_empty
from .problems import RULES, Problem
from .textsafety import visible
from .yamlload import MAX_FILE_BYTES

EXCERPT = 60  # a longer source line is cut to this many characters on each side of the caret


def _source_line(root: Path, problem: Problem, cache: dict) -> str | None:
    if problem.line < 1:
        return None
    if problem.path not in cache:  # the last file's lines only: memory stays bounded
        cache.clear()
        raw = read_or_empty(root / problem.path, MAX_FILE_BYTES)
        cache[problem.path] = raw.decode("utf-8", "replace").split("\n") if raw else []
    lines = cache[problem.path]
    return lines[problem.line - 1].rstrip("\r") if problem.line <= len(lines) else None


def excerpt(line: str, col: int) -> tuple[str, int]:
    """A window of the source line around column col, safe to print (control characters
    shown as escapes), and the terminal cells before the caret (CJK characters take two)."""
    from rich.cells import cell_len

    start, end = (0, len(line)) if len(line) <= 2 * EXCERPT else (max(0, col - 1 - EXCERPT), col - 1 + EXCERPT)
    before = ("…" if start else "") + visible(line[start : col - 1])
    after = visible(line[col - 1 : end]) + ("…" if end < len(line) else "")
    return before + after, cell_len(before)


def problem_headline(problem: Problem) -> str:
    path = visible(problem.path)  # a file name is anyone's text
    where = f"{path}:{problem.line}:{problem.col}" if problem.line else path
    return f"{where}: {problem.code} {problem.message}{_field_note(problem)}"


def _field_note(problem: Problem) -> str:
    """(field path) after the message, unless the message already names that field."""
    if not problem.field or f"“{problem.field}”" in problem.message:
        return ""
    return f"({problem.field})"


def format_text(root: Path, problems: list[Problem], files: int):
    """Rich text: each problem with its source line and a caret, then a summary line."""
    from rich.text import Text

    out = Text()
    cache: dict = {}
    for problem in problems:
        style = "bold red" if problem.is_error else "bold yellow"
        out.append(problem_headline(problem) + "\n", style=style)
        line = _source_line(root, problem, cache)
        if line is not None:
            gutter = f"{problem.line:>5} | "
            shown, caret = excerpt(line, problem.col)
            out.append(gutter + shown + "\n", style="dim")
            out.append(" " * (len(gutter) - 2) + "| " + " " * caret + "^\n", style=style)
        if problem.hint:
            out.append(f"      提示:{problem.hint}\n", style="cyan")
    out.append(summary_line(problems, files) + "\n", style="bold")
    return out


def summary_line(problems: list[Problem], files: int) -> str:
    errors = sum(p.count for p in problems if p.is_error)
    warnings = sum(p.count for p in problems) - errors
    if not problems:
        return f"检查了 {files} 个文件,没有发现问题。"
    return f"检查了 {files} 个文件:{errors} 个错误,{warnings} 个警告。"


def format_json(problems: list[Problem], files: int) -> str:
    errors = sum(p.count for p in problems if p.is_error)
    document = {
        "version": 1,
        "files": files,
        "errors": errors,
        "warnings": sum(p.count for p in problems) - errors,
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "column": p.col,
                "code": p.code,
                "severity": p.severity,
                "field": p.field,
                "message": p.message,
                "hint": p.hint,
            }
            | ({"omitted": p.omitted} if p.omitted else {})
            for p in problems
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands: one ::error or ::warning line per problem."""
    lines = []
    for p in problems:
        props = [f"file={_gh_escape(p.path, True)}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.col}"]
        props.append(f"title={_gh_escape(p.code, True)}")
        message = p.message + _field_note(p) + (f" 提示:{p.hint}" if p.hint else "")
        lines.append(f"::{p.severity} {','.join(props)}::{_gh_escape(message)}")
    return "".join(line + "\n" for line in lines)


def format_sarif(problems: list[Problem]) -> str:
    """SARIF 2.1.0, for code-scanning dashboards."""
    codes = sorted({p.code for p in problems})
    errors = sum(p.count for p in problems if p.is_error)
    rules = [{"id": code, "shortDescription": {"text": RULES.get(code, code)}} for code in codes]
    results = []
    for p in problems:
        location: dict = {"artifactLocation": {"uri": p.path}}
        if p.line:
            location["region"] = {"startLine": p.line, "startColumn": max(p.col, 1)}
        text = p.message + _field_note(p) + (f" 提示:{p.hint}" if p.hint else "")
        result = {
            "ruleId": p.code,
            "ruleIndex": codes.index(p.code),
            "level": p.severity,
            "message": {"text": text},
            "locations": [{"physicalLocation": location}],
        }
        if p.omitted:  # a count line: how many results of this rule in this file it stands for
            result["properties"] = {"omitted": p.omitted}
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "dufu", "version": __version__, "rules": rules}},
                "results": results,
                "properties": {"errors": errors, "warnings": sum(p.count for p in problems) - errors},
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
