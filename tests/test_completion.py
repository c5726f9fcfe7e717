"""Shell completion through the completion environment protocol, as bash/zsh/fish call dufu."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import PROJECT

CODE = "import sys; sys.argv[0] = 'dufu'; from dufu.cli import run; run()"


def complete(shell: str, words: str, cwd=PROJECT) -> str:
    env = {**os.environ, "_DUFU_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": words}
    if shell == "bash":
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)))
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run([sys.executable, "-c", CODE], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_task_ids_complete(shell):
    out = complete(shell, "dufu show r2-0")
    for task_id in ("r2-01", "r2-02", "r2-03", "r2-04"):
        assert task_id in out


def test_bulletin_round_and_unit_complete():
    assert complete("bash", "dufu render 2024").split() == ["2024-06-24"]
    assert complete("bash", "dufu list --round r").split() == ["r1", "r2"]
    assert "市林业局" in complete("zsh", "dufu list --unit 市林")


def test_directory_given_with_dash_c_is_used(tmp_path):
    out = complete("bash", f"dufu -C {PROJECT} show r2-0", cwd=tmp_path)
    assert out.split() == ["r2-01", "r2-02", "r2-03", "r2-04"]
    assert complete("bash", "dufu show r2-0", cwd=tmp_path).strip() == ""  # no repository: nothing, no error


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script(shell):
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CODE, "--show-completion", shell], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "_DUFU_COMPLETE" in done.stdout


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --command dufu")])
def test_completion_command_prints_the_script(cli, shell, marker):
    result = cli("completion", shell)
    assert result.exit_code == 0
    assert marker in result.stdout and "_DUFU_COMPLETE" in result.stdout
