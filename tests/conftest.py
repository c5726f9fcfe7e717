"""Shared fixtures: a private copy of the shipped data repository, and a CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dufu.cli import app

PROJECT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = "2026-01-01"


@pytest.fixture(autouse=True, scope="session")
def _private_index_key(tmp_path_factory) -> None:
    """The index's signing key lives in the user's cache folder: give the tests their own."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A writable copy of the shipped data repository (data/ and templates/)."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "data", root / "data")
    if (PROJECT / "templates").is_dir():
        shutil.copytree(PROJECT / "templates", root / "templates")
    return root


class Cli:
    """Runs dufu in-process with a fixed terminal width, so Rich output is stable."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(app, list(args), input=input, env={"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"})


@pytest.fixture
def cli() -> Cli:
    return Cli()


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
