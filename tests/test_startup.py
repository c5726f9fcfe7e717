"""The start-up shortcuts of `dufu` (only the named command is built; command lists without
parameters; no Pydantic for options given no value) change nothing a person sees."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DUFU = [str(Path(sys.executable).parent / "dufu")]  # the console script pip installed beside python
FULL = [sys.executable, "-c", "from dufu.cli import app; app(prog_name='dufu')"]  # every command built


def run(*args: str, command: list[str] = DUFU) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, check=False)


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["status", "--help"], ["import"], ["import", "--help"], ["import", "notice", "--help"],
     ["progress", "--help"], ["milestone", "done", "--help"], ["log", "--help"], ["nope"], ["status", "--bogus"]],
    ids=lambda a: " ".join(a) or "dufu",
)
def test_the_same_help_and_errors_as_with_every_command_built(args):
    shown, full = run(*args), run(*args, command=FULL)
    assert (shown.returncode, shown.stdout, shown.stderr) == (full.returncode, full.stdout, full.stderr)
    assert shown.stdout.startswith("用法:dufu") or shown.stderr.startswith("用法:dufu")


def test_options_before_the_command_still_work(repo):
    before = run("-C", str(repo), "status", "--as-of", "2024-06-24", "--format", "json")
    after = run("status", "-C", str(repo), "--as-of", "2024-06-24", "--format", "json")
    assert before.returncode == 0 and before.stdout == after.stdout and '"total": 11' in before.stdout


def test_pydantic_is_not_imported_for_help():
    code = "import sys; from dufu.cli import run; sys.argv = ['dufu', 'status', '--help'];\n"
    code += "try:\n    run()\nexcept SystemExit:\n    pass\nprint('pydantic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("False")




def test_a_warm_validation_imports_no_pydantic_and_says_the_same(repo):
    """`dufu validate` on a repository the index vouches for needs no model, so no Pydantic:
    not for its own work, nor for Typer's coercion of the values given (`-C DIR`, `--today`,
    `--strict`, `--format json`); it prints what Typer's own coercion gives."""
    code = "import sys; from dufu import index; from dufu.cli import run\n"
    code += "sys.argv = ['dufu', 'validate', '-C', '.', '--today', '2024-06-24', '--strict', '--format', 'json']\n"
    code += "index.RACY_NS = 0  # the fixture's files were written just now: trust their stat data at once\n"
    code += "try:\n    run()\nexcept SystemExit:\n    pass\nprint('pydantic' in sys.modules)"
    for _ in range(2):  # the index built, then vouching for the repository
        result = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    full = run("validate", "-C", str(repo), "--today", "2024-06-24", "--strict", "--format", "json", "--no-cache", command=FULL)
    assert result.stdout == full.stdout.rstrip("\n") + "\nFalse\n"


def test_a_warm_status_builds_no_validator(repo):
    """`dufu status` from the index rebuilds its models from their stored JSON without
    validating them, so it builds no Pydantic validator (each costs milliseconds, the first
    one more: Pydantic then looks for plugins among the installed packages)."""
    code = "import sys; from dufu import index; from dufu.cli import run\n"
    code += "sys.argv = ['dufu', 'status', '-C', '.']\n"
    code += "index.RACY_NS = 0  # the fixture's files were written just now: trust their stat data at once\n"
    code += "try:\n    run()\nexcept SystemExit:\n    pass\n"
    code += "print('pydantic' in sys.modules, 'pydantic.plugin._loader' in sys.modules)"
    answers = repo / ".dufu" / "answers"
    for _ in range(2):  # the index built, then vouching for the repository (no answer kept to replay)
        shutil.rmtree(answers, ignore_errors=True)
        result = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True)
    assert result.stdout.endswith("True False\n")  # models made, none validated


@pytest.mark.parametrize(
    ("command", "name", "value"),
    [
        ("validate", "paths", ("data/tasks/r1-01.yaml", "nowhere/x.yaml", "", ".")),
        ("validate", "paths", ()),
        ("validate", "directory", "."),
        ("validate", "directory", "no/such/folder"),
        ("validate", "today", "2024-06-24"),
        ("validate", "strict", True),
        ("validate", "fmt", "json"),  # an enum's value as text
        ("validate", "fmt", "xml"),  # none of them: Typer says so
        ("status", "limit", "5"),  # text: left to Typer
        ("status", "limit", 100),  # the default
        ("status", "limit", -1),  # out of range: Typer says so
        ("render", "output", "out.txt"),
    ],
)
def test_values_taken_past_typers_coercion_come_out_as_typer_makes_them(repo, monkeypatch, command, name, value):
    """fastparams gives, for the values it takes, what Typer's own coercion (through Pydantic)
    gives: the same objects, of the same types."""
    from typer._click import Context
    from typer._click.exceptions import BadParameter
    from typer.core import _TyperParameter
    from typer.main import get_command

    from dufu.cli import app

    monkeypatch.chdir(repo)
    group = get_command(app)
    for built in (group, group.commands[command]):
        param = next((p for p in built.params if p.name == name), None)
        if param is not None:
            break
    ctx = Context(group.commands[command])
    if value in (-1, "xml"):
        with pytest.raises(BadParameter):
            param.process_value(ctx, value)
        return
    ours = param.process_value(ctx, value)  # before Typer builds its adapter
    assert param._runtime_param is None or value == "5"
    typers = _TyperParameter._dufu_process_value(param, ctx, value)
    assert (type(ours), ours) == (type(typers), typers)
    if isinstance(ours, list):
        assert [type(item) for item in ours] == [type(item) for item in typers]
