"""One formatter per output style of `dufu validate`: text, json, github, sarif."""

from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .problems import RULES, Problem


def _source_line(root: Path, problem: Problem, cache: dict) -> str | None:
    if problem.line < 1:
        return None
    if problem.path not in cache:
        try:
            cache[problem.path] = (root / problem.path).read_bytes().decode("utf-8", "replace").splitlines()
        except OSError:
            cache[problem.path] = []
    lines = cache[problem.path]
    return lines[problem.line - 1] if problem.line <= len(lines) else None


def _caret_offset(line: str, col: int) -> int:
    """Terminal cells before column col (CJK characters take two cells)."""
    from rich.cells import cell_len

    return cell_len(line[: col - 1])


def problem_headline(problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}:{problem.col}" if problem.line else problem.path
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
            out.append(gutter + line + "\n", style="dim")
            out.append(" " * (len(gutter) - 2) + "| " + " " * _caret_offset(line, problem.col) + "^\n", style=style)
        if problem.hint:
            out.append(f"      提示:{problem.hint}\n", style="cyan")
    out.append(summary_line(problems, files) + "\n", style="bold")
    return out


def summary_line(problems: list[Problem], files: int) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return f"检查了 {files} 个文件,没有发现问题。"
    return f"检查了 {files} 个文件:{errors} 个错误,{warnings} 个警告。"


def format_json(problems: list[Problem], files: int) -> str:
    errors = sum(p.is_error for p in problems)
    document = {
        "version": 1,
        "files": files,
        "errors": errors,
        "warnings": len(problems) - errors,
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
    rules = [{"id": code, "shortDescription": {"text": RULES.get(code, code)}} for code in codes]
    results = []
    for p in problems:
        location: dict = {"artifactLocation": {"uri": p.path}}
        if p.line:
            location["region"] = {"startLine": p.line, "startColumn": max(p.col, 1)}
        text = p.message + _field_note(p) + (f" 提示:{p.hint}" if p.hint else "")
        results.append(
            {
                "ruleId": p.code,
                "ruleIndex": codes.index(p.code),
                "level": p.severity,
                "message": {"text": text},
                "locations": [{"physicalLocation": location}],
            }
        )
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "dufu", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
