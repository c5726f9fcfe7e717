"""Answers kept in the index (answers.py) and the stat data of the whole repository (warm.py):
a command asked again with nothing changed replays what it printed; anything its answer
depends on makes it compute the answer again."""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from conftest import PROJECT, TODAY, edit
from typer.testing import CliRunner

from dufu import index as index_module
from dufu import validate as validate_module
from dufu.cli import app
from dufu.warm import open_warm


@pytest.fixture
def settled(monkeypatch):
    """Stat data trusted at once (no file is "racy"), so the second run already finds the
    whole repository vouched for."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)


def _computed(monkeypatch) -> list:
    """Calls of load_valid, the start of every computed answer (a replay makes none)."""
    calls: list = []
    real = validate_module.load_valid
    monkeypatch.setattr(validate_module, "load_valid", lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def _answers(repo: Path) -> list[Path]:
    folder = repo / ".dufu" / "answers"
    return sorted(folder.iterdir()) if folder.is_dir() else []


COMMANDS = [
    ("status",),
    ("status", "--format", "json", "--as-of", "2024-06-01"),
    ("list", "--unit", "市林业局", "--format", "csv"),
    ("show", "r2-02"),
    ("render", "--today", TODAY),
    ("diff", "2024-01-01", TODAY, "--format", "json"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_asked_again_the_answer_is_replayed_byte_for_byte(cli, repo, settled, monkeypatch, command):
    args = [*command, "-C", str(repo)]
    expected = cli(*args, "--no-cache")
    cli(*args)  # builds the index
    cli(*args)  # computes from the index, keeps the answer
    calls = _computed(monkeypatch)
    again = cli(*args)
    assert calls == []
    assert (again.exit_code, again.stdout_bytes) == (expected.exit_code, expected.stdout_bytes)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_the_run_that_builds_the_index_keeps_its_answer(cli, repo, monkeypatch, command):
    """Kept under the content hashes of the files it loaded: asked again with nothing
    changed, it is replayed (racy files included: their hashes are compared)."""
    args = [*command, "-C", str(repo)]
    expected = cli(*args, "--no-cache")
    assert cli(*args).stdout_bytes == expected.stdout_bytes  # builds the index, keeps the answer
    assert len(_answers(repo)) == 1
    calls = _computed(monkeypatch)
    again = cli(*args)
    assert calls == []
    assert (again.exit_code, again.stdout_bytes) == (expected.exit_code, expected.stdout_bytes)


@contextmanager
def _edited_once_asked(path, text: str):
    """Within: a run writes text to path right after it asks its question, as if the file were
    edited while the run went on (the race made deterministic)."""
    from dufu import answers

    real_ask = answers.ask

    def ask_then_edit(warm, parts):
        question = real_ask(warm, parts)
        path.write_text(text, encoding="utf-8")
        return question

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(answers, "ask", ask_then_edit)
        yield


def test_an_answer_is_not_kept_when_a_template_changed_during_the_run(cli, repo, settled):
    """The answer was made with the new template: kept under the old one's hash, it would be
    replayed once the old one was back."""
    template = repo / "templates" / "bulletin.txt.j2"
    template.parent.mkdir(exist_ok=True)
    shutil.copy(PROJECT / "src" / "dufu" / "templates" / "bulletin.txt.j2", template)
    original = template.read_text(encoding="utf-8")
    args = ["render", "--today", TODAY, "-C", str(repo)]
    for _ in range(2):
        cli(*args)
    shutil.rmtree(repo / ".dufu" / "answers")
    with _edited_once_asked(template, original + "附注\n"):
        assert cli(*args).stdout.endswith("附注\n")
    assert _answers(repo) == []
    template.write_text(original, encoding="utf-8")
    assert cli(*args).stdout == cli(*args, "--no-cache").stdout


@pytest.mark.parametrize("command", [("show", "r2-02", "--as-of", "2024-06-01"), ("status", "--as-of", "2024-06-01")])
def test_an_answer_is_not_kept_when_the_configuration_changed_during_the_run(cli, repo, settled, command):
    """The command reads dufu.toml again after the question is asked: an answer made with the
    new configuration, kept under the old one, would be replayed once the old one was back."""
    config = repo / "dufu.toml"
    config.write_text("[deadlines]\ndue_soon_days = 30\n", encoding="utf-8")
    args = [*command, "-C", str(repo)]
    for _ in range(2):
        cli(*args)
    shutil.rmtree(repo / ".dufu" / "answers")
    with _edited_once_asked(config, "[deadlines]\ndue_soon_days = 400\n"):
        cli(*args)
    assert _answers(repo) == []
    config.write_text("[deadlines]\ndue_soon_days = 30\n", encoding="utf-8")
    assert cli(*args).stdout == cli(*args, "--no-cache").stdout


@pytest.mark.parametrize("command", [("show", "r3-08", "--as-of", "2025-07-15"), ("status", "--format", "json", "--as-of", "2025-07-15")])
@pytest.mark.parametrize("when", ["before it asks", "after it asks, and back"])
def test_a_configuration_changed_during_the_run_is_never_kept_under_another(cli, tmp_path, settled, command, when):
    """status read dufu.toml for its own options before asking its question, show after: an
    answer made with one version was kept under another (found by a helper's race)."""
    from dufu import answers

    timeline = tmp_path / "timeline"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "timeline" / "data", timeline / "data")
    config, thirty, five = timeline / "dufu.toml", "[deadlines]\ndue_soon_days = 30\n", "[deadlines]\ndue_soon_days = 5\n"
    config.write_text(thirty, encoding="utf-8")
    args = [*command, "-C", str(timeline)]
    for _ in range(2):
        cli(*args)
    shutil.rmtree(timeline / ".dufu" / "answers")
    real_ask, real_key = answers.ask, answers.answer_key

    def ask(warm, parts):
        if when == "before it asks":
            config.write_text(five, encoding="utf-8")
            return real_ask(warm, parts)
        question = real_ask(warm, parts)
        config.write_text(five, encoding="utf-8")
        return question

    def key(warm, question):
        if when != "before it asks":
            config.write_text(thirty, encoding="utf-8")  # back as it was when the run ends
        return real_key(warm, question)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(answers, "ask", ask)
        patch.setattr(answers, "answer_key", key)
        cli(*args)
    assert cli(*args).stdout == cli(*args, "--no-cache").stdout


def test_an_answer_computed_from_files_read_again_is_kept_under_what_they_held(cli, repo, settled, monkeypatch):
    """The index vouched for the repository at the start, but its models file was gone, so the
    files were read again, one of them just edited: the answer is kept under the content
    read, never under the start's, which would replay it once the edit is undone."""
    from dufu import indexed

    args = ["list", "--format", "json", "-C", str(repo)]
    for _ in range(2):
        cli(*args)
    shutil.rmtree(repo / ".dufu" / "answers")
    (repo / ".dufu" / "models.jsonl").unlink()
    task = repo / "data" / "tasks" / "r2-03.yaml"
    original = task.read_text(encoding="utf-8")
    real = indexed.load_indexed

    def edit_then_load(*a, **k):
        task.write_text(original.replace("title: ", "title: 临时", 1), encoding="utf-8")
        return real(*a, **k)

    monkeypatch.setattr(indexed, "load_indexed", edit_then_load)
    assert "临时" in cli(*args).stdout
    monkeypatch.setattr(indexed, "load_indexed", real)
    task.write_text(original, encoding="utf-8")
    cli("validate", "-C", str(repo))
    assert cli(*args).stdout == cli(*args, "--no-cache").stdout


def test_whole_repository_vouched_for_by_stat_data_decodes_no_entry(cli, repo, settled):
    for _ in range(2):
        cli("validate", "-C", str(repo), "--today", TODAY)
    day = date.fromisoformat(TODAY)
    warm = open_warm(repo, day)
    assert warm.vouched
    assert "old" not in warm.index.__dict__  # the entries were never decoded
    vouched = validate_module.validate_repository(repo, day, cache=True, need_data=False, warm=warm).problems
    assert vouched == validate_module.validate_repository(repo, day).problems


def test_another_terminal_width_is_another_answer(repo, settled):
    runner = CliRunner()

    def status(columns: str, *extra: str) -> str:
        env = {"COLUMNS": columns, "NO_COLOR": "1", "TERM": "dumb"}
        return runner.invoke(app, ["status", "-C", str(repo), *extra], env=env).stdout

    wide = [status("160") for _ in range(3)]
    narrow = status("70")
    assert narrow == status("70", "--no-cache") != wide[-1]
    assert status("160") == wide[0]


def test_a_template_rewritten_with_the_same_size_and_mtime_is_seen(cli, repo, settled):
    template = repo / "templates" / "bulletin.txt.j2"
    template.parent.mkdir(exist_ok=True)
    shutil.copy(PROJECT / "src" / "dufu" / "templates" / "bulletin.txt.j2", template)
    args = ["render", "--today", TODAY, "-C", str(repo)]
    first = [cli(*args).stdout for _ in range(3)]
    raw = template.read_bytes()
    info = template.stat()
    swapped = raw.replace("、".encode(), "，".encode(), 1)  # both three bytes in UTF-8
    assert swapped != raw and len(swapped) == len(raw)
    template.write_bytes(swapped)
    os.utime(template, ns=(info.st_atime_ns, info.st_mtime_ns))
    again = cli(*args).stdout
    assert again == cli(*args, "--no-cache").stdout != first[-1]


def test_failing_runs_are_not_kept(cli, repo, settled):
    edit(repo / "data" / "tasks" / "r2-01.yaml", "deadline: 立行立改、长期坚持", "deadline: 2024年1月底前")
    args = ["status", "--fail-on", "overdue", "-C", str(repo)]
    assert [cli(*args).exit_code for _ in range(3)] == [1, 1, 1]
    assert _answers(repo) == []
    assert cli("status", "-C", str(repo)).exit_code == 0


def test_a_damaged_answer_is_never_replayed(cli, repo, settled):
    args = ["status", "-C", str(repo)]
    expected = cli(*args, "--no-cache").stdout
    for _ in range(3):
        cli(*args)
    (kept,) = _answers(repo)
    kept.write_bytes(kept.read_bytes().replace("已完成".encode(), "未完成".encode()))
    assert cli(*args).stdout == expected


def test_only_the_newest_answers_are_kept(cli, repo, settled, monkeypatch):
    from dufu import answers

    monkeypatch.setattr(answers, "KEEP", 3)
    days = ("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01")
    for day in days:
        for _ in range(2):
            cli("status", "--as-of", day, "-C", str(repo))
    assert len(_answers(repo)) == 3
    monkeypatch.setattr(answers, "KEEP_BYTES", 1)  # below any answer: only the newest stays
    for _ in range(2):
        cli("status", "--as-of", "2024-06-01", "-C", str(repo))
    assert len(_answers(repo)) == 1


def test_show_and_list_unit_read_only_the_tasks_they_need(cli, repo, settled, monkeypatch):
    """On an index that vouches for the repository, `show` reads one task's model and `list
    --unit` those the index says may name the unit (every unit a task names at any time)."""
    from dufu import indexed

    for _ in range(2):
        cli("validate", "-C", str(repo))
    read: list = []
    real = indexed._load_some

    def load_some(index, sources, chosen, *rest):
        read.extend(sources[i].rel for i in chosen)
        return real(index, sources, chosen, *rest)

    monkeypatch.setattr(indexed, "_load_some", load_some)
    assert cli("show", "r2-02", "-C", str(repo)).exit_code == 0
    assert [rel for rel in read if rel.startswith("data/tasks/")] == ["data/tasks/r2-02.yaml"]
    read.clear()
    listed = cli("list", "--unit", "市林业局", "--format", "json", "-C", str(repo))
    assert listed.stdout == cli("list", "--unit", "市林业局", "--format", "json", "-C", str(repo), "--no-cache").stdout
    tasks = sorted(rel for rel in read if rel.startswith("data/tasks/"))
    all_tasks = sorted(p.relative_to(repo).as_posix() for p in (repo / "data" / "tasks").glob("*.yaml"))
    assert 0 < len(tasks) < len(all_tasks)
    assert {f"data/tasks/{t['id']}.yaml" for t in json.loads(listed.stdout)} <= set(tasks)


def test_a_task_edited_while_its_prose_is_read_again_is_refused(cli, repo, settled, monkeypatch):
    """The prose is read again after the checks (the index keeps none): a file edited in
    between would print prose of other contents than the answer's key says. The run stops,
    keeps nothing, and the next one answers for the file as it is."""
    from dufu import ledger

    args = ["show", "r2-02", "-C", str(repo)]
    for _ in range(2):
        cli(*args)
    shutil.rmtree(repo / ".dufu" / "answers")
    task = repo / "data" / "tasks" / "r2-02.yaml"
    original = task.read_text(encoding="utf-8")
    real_find = ledger.find_task

    def find_then_edit(data, task_id):
        found = real_find(data, task_id)
        task.write_text(original.replace("法治宣传教育。", "法治宣传教育工作。", 1), encoding="utf-8")
        return found

    monkeypatch.setattr(ledger, "find_task", find_then_edit)
    result = cli(*args)
    assert result.exit_code != 0 and "在读取期间被修改" in result.output
    assert _answers(repo) == []
    monkeypatch.setattr(ledger, "find_task", real_find)
    task.write_text(original, encoding="utf-8")
    assert cli(*args).stdout == cli(*args, "--no-cache").stdout
