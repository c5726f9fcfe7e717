"""The index in .dufu/ never changes an answer: warm output == --no-cache output, whatever
happened to the files or to the index in between."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from conftest import PROJECT, TODAY, edit

from dufu import cli as cli_module
from dufu import index as index_module
from dufu import indexed
from dufu.index import open_index

COMMANDS = [
    ("validate", "data/tasks/r2-03.yaml", "--today", TODAY, "--format", "json"),  # first: other files only peeked at
    ("status", "--as-of", "2024-06-01"),
    ("status", "--format", "json", "--as-of", TODAY),
    ("list", "--format", "json", "--as-of", "2024-06-01"),
    ("list", "--unit", "市林业局", "--format", "csv"),
    ("list", "--overdue", "--format", "json", "--as-of", "2025-06-01"),
    ("show", "r2-02", "--as-of", "2024-06-01"),
    ("show", "r2-03"),
    ("validate", "--today", TODAY, "--format", "json"),
    ("validate", "--today", "2024-05-01", "--format", "json"),  # a day before some reports: E332
    ("status", "--format", "json"),  # loads with the real today
    ("validate", "data/tasks/r2-01.yaml", "--today", TODAY, "--format", "json"),
    ("render", "--today", TODAY),
    ("render", "--today", "2024-06-24"),
    ("status", "--by", "unit", "--format", "json", "--as-of", TODAY),
    ("diff", "2024-01-01", TODAY, "--format", "json"),
    ("render", "--as-of", "2024-11-30", "--today", TODAY),
]


def run_all(cli, root: Path, cached: bool) -> list[tuple[int, str]]:
    out = []
    for command in COMMANDS:
        args = [*command, "-C", str(root)] + ([] if cached else ["--no-cache"])
        if command[1].startswith("data/"):
            if not (root / command[1]).is_file():
                continue
            args[1] = str(root / command[1])
        result = cli(*args)
        out.append((result.exit_code, result.output))
    return out


def assert_warm_equals_cold(cli, root: Path) -> None:
    cold = run_all(cli, root, cached=False)
    assert run_all(cli, root, cached=True) == cold  # first run fills or repairs the index
    assert run_all(cli, root, cached=True) == cold  # second run answers from it


def _task_files(root: Path) -> list[Path]:
    return sorted((root / "data" / "tasks").glob("*.y*ml"))


def _same_size_same_mtime(root: Path, rng: random.Random) -> None:
    """git's racy case: different bytes, same size, same mtime."""
    path = rng.choice(_task_files(root))
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    swaps = [("正在推进", "正在整改"), ("正在整改", "正在推进"), ("number: 1", "number: 7"), ("number: 2", "number: 1")]
    old, new = rng.choice([pair for pair in swaps if pair[0] in text] or [("id: r", "id: R")])
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def _content(root: Path, rng: random.Random) -> None:
    path = rng.choice(_task_files(root))
    text = path.read_text(encoding="utf-8")
    edits = [
        ("status: 正在推进", "status: 已完成\ncompleted_on: 2024-05-01"),
        ("title: ", "title: 新"),
        ("deadline: ", "deadline: 2024年3月底前,"),
        ("lead_units: ", "lead_units: 不存在的局、"),
        ("  - as_of: ", "  - as_of: 2023-01-01\n    measures: []\n  - as_of: "),
        ("round: r2", "round: r9"),
        (":", ": : ["),
    ]
    old, new = rng.choice([pair for pair in edits if pair[0] in text] or [("id:", "id:")])
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rename(root: Path, rng: random.Random) -> None:
    path = rng.choice(_task_files(root))
    suffix = rng.choice([".yaml", ".yml"])
    path.rename(path.with_name(f"moved-{rng.randrange(1000)}{suffix}"))


def _delete(root: Path, rng: random.Random) -> None:
    """A task file goes; or one that went earlier comes back, as it was (the index's journal
    may say it is gone)."""
    gone = root / ".gone"  # outside data/: not walked
    earlier = sorted(gone.glob("*")) if gone.is_dir() else []
    if earlier and rng.random() < 0.5:
        back = rng.choice(earlier)
        back.rename(root / "data" / "tasks" / back.name)
        return
    files = _task_files(root)
    if len(files) > 1:
        gone.mkdir(exist_ok=True)
        path = rng.choice(files)
        path.rename(gone / path.name)


def _new_file(root: Path, rng: random.Random) -> None:
    source = rng.choice(_task_files(root))
    number = rng.randrange(5, 30)
    text = source.read_text(encoding="utf-8")
    lines = [f"id: r2-{number:02}" if line.startswith("id:") else line for line in text.split("\n")]
    lines = [f"number: {number}" if line.startswith("number:") else line for line in lines]
    (root / "data" / "tasks" / f"new-{number}.yaml").write_text("\n".join(lines), encoding="utf-8")


def _config(root: Path, rng: random.Random) -> None:
    rule = rng.choice(["W401", "W402", "E352", "E312", "E340"])
    severity = rng.choice(["off", "warning", "error"])
    (root / "dufu.toml").write_text(f'[rules]\n{rule} = "{severity}"\n', encoding="utf-8")


def _template(root: Path, rng: random.Random) -> None:
    target = root / "templates" / "bulletin.txt.j2"
    if not target.exists():
        target.parent.mkdir(exist_ok=True)
        shutil.copy(PROJECT / "src" / "dufu" / "templates" / "bulletin.txt.j2", target)
    target.write_text(target.read_text(encoding="utf-8") + f"附注{rng.randrange(100)}\n", encoding="utf-8")


def _units(root: Path, rng: random.Random) -> None:
    path = root / "data" / "units.yaml"
    text = path.read_text(encoding="utf-8")
    if "  - name: 市林业局\n" in text and rng.random() < 0.5:
        path.write_text(text.replace("  - name: 市林业局\n", ""), encoding="utf-8")
    else:
        path.write_text(text + "  - name: 市新设局\n", encoding="utf-8")


def _custom_template(root: Path, rng: random.Random) -> None:
    """A bulletin naming a template of its own, which comes and goes (E354 when it is missing):
    a problem across files that depends on a file outside data/."""
    bulletin = root / "data" / "bulletins" / "2024-06-24.yaml"
    text = bulletin.read_text(encoding="utf-8")
    if "template: custom.txt.j2" not in text:
        bulletin.write_text(text.rstrip("\n") + "\ntemplate: custom.txt.j2\n", encoding="utf-8")
    custom = root / "templates" / "custom.txt.j2"
    if custom.exists() and rng.random() < 0.5:
        custom.unlink()
    else:
        custom.parent.mkdir(exist_ok=True)
        shutil.copy(PROJECT / "src" / "dufu" / "templates" / "bulletin.txt.j2", custom)


EDITS = [_same_size_same_mtime, _content, _rename, _delete, _new_file, _config, _template, _units, _custom_template]


@pytest.mark.parametrize("racy_ns", [index_module.RACY_NS, 0])
@pytest.mark.parametrize("seed", range(4))
def test_random_edits_never_change_an_answer(cli, repo, monkeypatch, seed, racy_ns):
    """racy_ns=0 trusts stat data at once, so unchanged files really come from the index.
    Seeds 2 and 3 write the models file anew every time; 0 and 1 append to it. Seeds 1 and 3
    write index.json whole whenever more than one entry changed, else the journal; 0 and 2
    nearly always the journal."""
    monkeypatch.setattr(index_module, "RACY_NS", racy_ns)
    if seed >= 2:
        monkeypatch.setattr(index_module, "MODELS_SLACK", -(10**9))
    if seed % 2:
        monkeypatch.setattr(index_module, "JOURNAL_MAX", 1)
    rng = random.Random(seed)
    assert_warm_equals_cold(cli, repo)
    for _ in range(6):
        for change in rng.sample(EDITS, rng.randrange(1, 3)):
            change(repo, rng)
        assert_warm_equals_cold(cli, repo)


@pytest.mark.parametrize("seed", range(60))
def test_random_edits_then_one_command_never_change_an_answer(cli, repo, monkeypatch, seed):
    """Random edits, each followed by one command (mostly `validate FILE…`, the pre-commit
    hook, whose other task files come from the stubs line), warm against --no-cache, the
    journal's size drawn per seed: finer-grained than the test above, which runs every
    command after each round of edits (this one found a crash it missed)."""
    rng = random.Random(seed)
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    monkeypatch.setattr(index_module, "JOURNAL_MAX", rng.choice([0, 1, 3, 256]))
    for step in range(15):
        for change in rng.sample(EDITS, rng.randrange(0, 3)):
            change(repo, rng)
        files, kind = _task_files(repo), rng.random()
        if kind < 0.6 and files:
            named = rng.sample(files, min(len(files), rng.choice([1, 1, 2])))
            args = ["validate", *map(str, named), "--today", TODAY, "--format", "json"]
        elif kind < 0.8:
            args = ["validate", "--today", TODAY, "--format", "json"]
        else:
            args = [rng.choice(["status", "list"]), "--format", "json", "--as-of", TODAY]
        warm, cold = cli(*args, "-C", str(repo)), cli(*args, "-C", str(repo), "--no-cache")
        assert (warm.exit_code, warm.output) == (cold.exit_code, cold.output), (step, args)
        assert warm.exit_code in (0, 1), warm.output


def _git(root: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=张三", "-c", "user.email=z@example.org", "-c", "init.defaultBranch=main", *args]
    subprocess.run(command, cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize("racy_ns", [index_module.RACY_NS, 0])
def test_git_checkout_of_another_revision_never_changes_an_answer(cli, repo, monkeypatch, racy_ns):
    """Two revisions apart by a same-size rewrite, a content edit, a file gone, a file new, a
    round's total, the configuration and a template; each checked out in turn (git rewrites
    the files within the same second) with the index warm from the other."""
    monkeypatch.setattr(index_module, "RACY_NS", racy_ns)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "A")
    _git(repo, "tag", "a")
    tasks = repo / "data" / "tasks"
    before = (tasks / "r2-03.yaml").stat().st_size
    edit(tasks / "r2-03.yaml", "正在推进", "正在整改")
    assert (tasks / "r2-03.yaml").stat().st_size == before
    edit(tasks / "r2-01.yaml", "status: 正在推进", "status: 已完成\ncompleted_on: 2024-05-01")
    (tasks / "r2-04.yaml").unlink()
    shutil.copy(tasks / "r2-02.yaml", tasks / "r2-05.yaml")
    edit(tasks / "r2-05.yaml", "id: r2-02", "id: r2-05")
    edit(tasks / "r2-05.yaml", "number: 2", "number: 5")
    edit(repo / "data" / "rounds" / "r2.yaml", "total: 11", "total: 12")
    (repo / "dufu.toml").write_text('[rules]\nW401 = "error"\n', encoding="utf-8")
    _template(repo, random.Random(0))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "B")
    assert_warm_equals_cold(cli, repo)
    answers = {}
    for revision in ["a", "main", "a", "main"]:
        _git(repo, "checkout", "-q", revision)
        assert_warm_equals_cold(cli, repo)
        answers.setdefault(revision, run_all(cli, repo, cached=True))
        assert answers[revision] == run_all(cli, repo, cached=True)
    assert answers["a"] != answers["main"]


@pytest.mark.parametrize("racy_ns", [index_module.RACY_NS, 0])
def test_what_a_symlinked_units_file_points_at_never_changes_an_answer(cli, repo, monkeypatch, racy_ns):
    """A symlink is never followed (E114), so a units file that is one is missing (E112)
    whatever it points at; the index, which holds the link's own stat data, agrees."""
    monkeypatch.setattr(index_module, "RACY_NS", racy_ns)
    target = repo / "units-real.yaml"
    (repo / "data" / "units.yaml").rename(target)
    (repo / "data" / "units.yaml").symlink_to("../units-real.yaml")
    args = ("validate", "--today", TODAY, "--format", "json")
    assert_warm_equals_cold(cli, repo)
    codes = {p["code"] for p in json.loads(cli(*args, "-C", str(repo)).stdout)["problems"] if p["path"] == "data/units.yaml"}
    assert codes == {"E112", "E114"}
    target.unlink()
    target.mkdir()  # the link now points at a folder
    assert_warm_equals_cold(cli, repo)
    target.rmdir()  # and at nothing
    assert_warm_equals_cold(cli, repo)


def test_a_template_moved_away_during_a_run_and_back_is_noticed(cli, repo, monkeypatch):
    """The checks found the bulletin's template missing (E354) while it was away; moved back,
    it has its mode, size and mtime again, but not its ctime: the index does not vouch for
    that verdict."""
    from dufu import checks

    monkeypatch.setattr(index_module, "RACY_NS", 0)
    _custom_template(repo, random.Random(1))
    custom, away = repo / "templates" / "custom.txt.j2", repo / "custom.txt.j2"
    assert custom.is_file()
    real = checks.find_template

    def moving(root, name):  # the template moved away while the run checks
        if custom.exists():
            custom.rename(away)
        return real(root, name)

    monkeypatch.setattr(checks, "find_template", moving)
    assert "E354" in cli("validate", "-C", str(repo), "--today", TODAY).output
    monkeypatch.setattr(checks, "find_template", real)
    away.rename(custom)
    assert_warm_equals_cold(cli, repo)


def test_units_rewritten_during_a_run_and_back_never_change_an_answer(cli, repo, monkeypatch):
    """The index's environment names the units registry it read first; the files were then
    checked with another (rewritten meanwhile): nothing checked with it is kept, so once the
    first registry is back no unit is reported missing that is not."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    units = repo / "data" / "units.yaml"
    original = units.read_text(encoding="utf-8")
    task = repo / "data" / "tasks" / "r2-02.yaml"
    edit(task, "title: ", "title: 新")  # a file to check again
    real = indexed._load_units

    def rewrite_then_load(*args):
        units.write_text(original.replace("  - name: 市林业局\n", ""), encoding="utf-8")
        return real(*args)

    monkeypatch.setattr(indexed, "_load_units", rewrite_then_load)
    assert "E312" in cli("validate", "-C", str(repo), "--today", TODAY).output
    monkeypatch.setattr(indexed, "_load_units", real)
    units.write_text(original, encoding="utf-8")
    assert_warm_equals_cold(cli, repo)


def test_unchanged_files_are_not_read_again(cli, repo, monkeypatch):
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    loaded = []
    real = indexed.load_all
    monkeypatch.setattr(indexed, "load_all", lambda sources, *rest: loaded.extend(sources) or real(sources, *rest))
    cli("validate", "-C", str(repo), "--today", TODAY)
    assert len(loaded) == 8
    loaded.clear()
    cli("validate", "-C", str(repo), "--today", TODAY)
    assert loaded == []
    (repo / "data" / "tasks" / "r2-03.yaml").write_text("id: [\n", encoding="utf-8")
    cli("validate", "-C", str(repo), "--today", TODAY)
    assert [s.rel for s in loaded] == ["data/tasks/r2-03.yaml"]


def _index_entries(root: Path) -> dict:
    from datetime import date

    return open_index(root, date.fromisoformat(TODAY)).old


def _damage_cases():
    def corrupt(raw: bytes) -> bytes:
        changed = raw.replace("正在推进".encode(), "已完成".encode() + b"\x00\x00\x00")  # models.jsonl
        return changed.replace(b"data/tasks", b"data/t\x00sks", 1)  # index.json

    def truncated(raw: bytes) -> bytes:
        return raw[: len(raw) // 2]

    def garbage(raw: bytes) -> bytes:
        return b"\xff\xfe not an index"

    return {"corrupt": corrupt, "truncated": truncated, "garbage": garbage, "empty": lambda raw: b""}


@pytest.mark.parametrize("damage", list(_damage_cases()))
def test_damaged_index_is_ignored_and_rebuilt(cli, repo, damage):
    expected = run_all(cli, repo, cached=False)
    run_all(cli, repo, cached=True)
    path = repo / ".dufu" / "index.json"
    path.write_bytes(_damage_cases()[damage](path.read_bytes()))
    assert _index_entries(repo) == {}
    assert run_all(cli, repo, cached=True) == expected
    assert len(_index_entries(repo)) == 8  # rebuilt


@pytest.mark.parametrize("damage", list(_damage_cases()))
def test_damaged_journal_is_ignored(cli, repo, damage):
    """A damaged journal leaves index.json as it was written whole: older, never wrong."""
    expected = run_all(cli, repo, cached=False)
    run_all(cli, repo, cached=True)
    edit(repo / "data" / "tasks" / "r2-02.yaml", "title: ", "title: 新")
    expected = run_all(cli, repo, cached=False)
    run_all(cli, repo, cached=True)
    path = repo / ".dufu" / "journal.json"
    path.write_bytes(_damage_cases()[damage](path.read_bytes()))
    assert _index_entries(repo)["data/tasks/r2-02.yaml"][4] != _digest(repo / "data" / "tasks" / "r2-02.yaml")
    assert run_all(cli, repo, cached=True) == expected
    assert run_all(cli, repo, cached=True) == expected


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_change_writes_the_journal_alone(cli, repo, monkeypatch):
    """After one edit the run writes the journal (the changed entry, its model, the head) and
    leaves index.json and models.jsonl as they were; read back, the index is what writing it
    whole gives. Past JOURNAL_MAX changes index.json is written whole and the journal goes."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    folder = repo / ".dufu"
    before = {name: (folder / name).read_bytes() for name in ("index.json", "models.jsonl")}
    task = repo / "data" / "tasks" / "r2-02.yaml"
    edit(task, "title: ", "title: 新")
    expected = cli("show", "r2-02", "-C", str(repo), "--no-cache").output
    assert cli("show", "r2-02", "-C", str(repo)).output == expected
    assert {name: (folder / name).read_bytes() for name in before} == before
    journaled = _index_entries(repo)
    assert journaled["data/tasks/r2-02.yaml"][4] == _digest(task)
    assert cli("show", "r2-02", "-C", str(repo)).output == expected  # its model from the journal
    monkeypatch.setattr(index_module, "JOURNAL_MAX", 0)
    edit(repo / "data" / "tasks" / "r2-03.yaml", "title: ", "title: 新")
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    assert not (folder / "journal.json").exists()
    assert (folder / "index.json").read_bytes() != before["index.json"]
    def placed_anywhere(entries: dict) -> dict:  # a model in the journal's entry, or at a line of models.jsonl
        out = {rel: [*r[:5], {k: v for k, v in r[5].items() if k not in ("model", "m")}] for rel, r in entries.items()}
        return {rel: r for rel, r in out.items() if rel != "data/tasks/r2-03.yaml"}

    assert placed_anywhere(_index_entries(repo)) == placed_anywhere(journaled)


def test_a_journal_extending_another_index_is_ignored(cli, repo, monkeypatch):
    """A journal is read only with the index.json it extends (by its signature): one left
    from before index.json was written whole again is never applied."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    run_all(cli, repo, cached=True)
    edit(repo / "data" / "tasks" / "r2-02.yaml", "title: ", "title: 新")
    run_all(cli, repo, cached=True)
    stale = (repo / ".dufu" / "journal.json").read_bytes()
    (repo / ".dufu" / "index.json").unlink()
    edit(repo / "data" / "tasks" / "r2-02.yaml", "title: 新", "title: 旧")
    expected = run_all(cli, repo, cached=False)
    assert run_all(cli, repo, cached=True) == expected  # index.json written whole again
    (repo / ".dufu" / "journal.json").write_bytes(stale)
    assert _index_entries(repo)["data/tasks/r2-02.yaml"][4] == _digest(repo / "data" / "tasks" / "r2-02.yaml")
    assert run_all(cli, repo, cached=True) == expected


@pytest.mark.parametrize("damage", list(_damage_cases()))
def test_damaged_models_are_ignored_and_the_files_read_again(cli, repo, damage):
    """The models are kept apart (models.json), signed the same way; a damaged one costs a
    reload of the files, never a wrong answer."""
    expected = run_all(cli, repo, cached=False)
    run_all(cli, repo, cached=True)
    path = repo / ".dufu" / "models.jsonl"
    path.write_bytes(_damage_cases()[damage](path.read_bytes()))
    assert run_all(cli, repo, cached=True) == expected
    assert run_all(cli, repo, cached=True) == expected


def test_models_of_an_older_content_are_not_used(cli, repo):
    """index.json and models.json written by different runs (or processes): a model is used
    only for the content hash it was made from."""
    run_all(cli, repo, cached=True)
    older = (repo / ".dufu" / "models.jsonl").read_bytes()
    edit(repo / "data" / "tasks" / "r2-02.yaml", "status: 正在推进", "status: 正在整改")
    expected = run_all(cli, repo, cached=False)
    run_all(cli, repo, cached=True)
    (repo / ".dufu" / "models.jsonl").write_bytes(older)  # validly signed, but of the old r2-02
    assert run_all(cli, repo, cached=True) == expected


def test_index_from_another_version_is_ignored(cli, repo, monkeypatch):
    expected = run_all(cli, repo, cached=False)
    monkeypatch.setattr(index_module, "code_version", lambda: "an older dufu")
    (repo / "data" / "tasks" / "r2-02.yaml").write_text("id: r2-02\n", encoding="utf-8")
    cli("validate", "-C", str(repo), "--today", TODAY)  # an index of other data, by another dufu
    shutil.copy(PROJECT / "data" / "tasks" / "r2-02.yaml", repo / "data" / "tasks" / "r2-02.yaml")
    os.utime(repo / "data" / "tasks" / "r2-02.yaml", ns=(0, 0))
    monkeypatch.undo()
    assert _index_entries(repo) == {}
    assert run_all(cli, repo, cached=True) == expected


@pytest.mark.parametrize("library", ["rich", "jinja2", "markupsafe", "pydantic", "yaml"])
def test_an_upgraded_library_replays_no_answer(cli, repo, monkeypatch, library):
    """Rich draws the tables, Jinja2 the notice: an answer kept under another version of
    either is not replayed (the tables of Rich 14 and 15 differ)."""
    args = ("status", "--as-of", "2024-06-01", "-C", str(repo))
    first = cli(*args)
    assert cli(*args).output == first.output  # replayed
    real = index_module._installed
    monkeypatch.setattr(index_module, "_installed", lambda name: ("upgraded",) if name == library else real(name))
    index_module.code_version.cache_clear()
    replayed = []
    monkeypatch.setattr(cli_module, "_echo", lambda body: replayed.append(body))
    cli(*args)
    index_module.code_version.cache_clear()
    assert replayed == []


def _forge(root: Path, task: Path, key_home: Path) -> None:
    """Make the index claim task is as it was, with stat data matching the file as it is now,
    and sign it with the key found under key_home."""
    path = root / ".dufu" / "index.json"
    _signature, head, rest = path.read_text(encoding="utf-8").split("\n", 2)
    entries = rest.rpartition("\n")[0].rpartition("\n")[0]  # then the keys and stubs lines
    head, files = json.loads(head), dict(json.loads(entries))
    rel = task.relative_to(root).as_posix()
    info = task.stat()
    files[rel][:4] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    head["stamp"] = info.st_ctime_ns + 10**12
    key = (key_home / "dufu" / "index-key").read_bytes()
    body = json.dumps(head, ensure_ascii=False) + "\n" + json.dumps(list(files.items()), ensure_ascii=False) + "\n[]\n[]"
    path.write_bytes(index_module._sign(key, body.encode()))


def test_index_signed_by_someone_else_is_never_trusted(cli, repo, tmp_path, monkeypatch):
    """An index committed into the data repository (a stranger's PR) claims a broken file is
    fine, with stat data that match: signed with another key, it is ignored."""
    task = repo / "data" / "tasks" / "r2-04.yaml"
    stranger = tmp_path / "stranger"
    monkeypatch.setenv("XDG_CACHE_HOME", str(stranger))
    cli("validate", "-C", str(repo), "--today", TODAY)
    monkeypatch.undo()
    committed = (repo / ".dufu" / "index.json").read_bytes()
    task.write_bytes(task.read_bytes().replace(b"number: 4", b"number: x"))

    def errors() -> list[str]:
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
        return [p["code"] for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"]

    _forge(repo, task, stranger)
    assert errors() == ["E204"]
    (repo / ".dufu" / "index.json").write_bytes(committed)
    _forge(repo, task, Path(os.environ["XDG_CACHE_HOME"]))  # the control: our own key is trusted
    assert errors() == []


def test_index_written_by_processes_at_once(repo, tmp_path):
    """Six processes at once (validate, list and validate FILE, twice), three rounds, a file
    edited between them: each says the same, and the index after them says what --no-cache does."""
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    named = repo / "data" / "tasks" / "r2-02.yaml"
    base = [sys.executable, "-m", "dufu"]
    time.sleep(3.1)  # the fixture's files settle (not racy), so later rounds use the stubs line
    for round_ in range(3):
        (repo / "data" / "tasks" / f"extra-{round_}.yaml").write_text(f"id: x{round_}\n", encoding="utf-8")
        commands = [
            [*base, "validate", "-C", str(repo)],
            [*base, "list", "-C", str(repo), "--format", "json"],
            [*base, "validate", str(named), "-C", str(repo)],  # the others' stand-ins from the stubs line
        ] * 2
        procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
        outputs = [p.communicate() for p in procs]
        (repo / "data" / "tasks" / f"extra-{round_}.yaml").unlink()
        assert all(len({out for out, _ in outputs[kind::3]}) == 1 for kind in range(3))
        edit(named, "title: ", "title: 又")
    listed = [*base, "list", "-C", str(repo), "--format", "json"]
    warm, cold = (subprocess.run(c, env=env, capture_output=True, check=False) for c in (listed, [*listed, "--no-cache"]))
    assert warm.stdout == cold.stdout and warm.returncode == cold.returncode
    assert "又" in json.loads(warm.stdout)[1]["title"]
    one = [*base, "validate", str(named), "-C", str(repo), "--format", "json"]
    warm_one, cold_one = (subprocess.run(c, env=env, capture_output=True, check=False) for c in (one, [*one, "--no-cache"]))
    assert warm_one.stdout == cold_one.stdout and b'"problems"' in warm_one.stdout


def test_index_is_not_written_through_a_symlinked_folder(cli, repo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / ".dufu").symlink_to(elsewhere)
    cli("status", "-C", str(repo))
    assert list(elsewhere.iterdir()) == []


def test_index_and_answers_are_not_read_through_a_symlinked_folder(cli, repo, tmp_path, monkeypatch):
    """A .dufu that is a symlink (committed by someone) is never read, even when what it points
    to is a validly signed index and answer of this very repository."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    args = ["status", "-C", str(repo)]
    for _ in range(3):
        cli(*args)
    assert (repo / ".dufu" / "answers").is_dir()
    elsewhere = tmp_path / "elsewhere"
    (repo / ".dufu").rename(elsewhere)
    (repo / ".dufu").symlink_to(elsewhere)
    read = []
    real = index_module._read_regular
    monkeypatch.setattr(index_module, "_read_regular", lambda path, limit: read.append(path) or real(path, limit))
    assert cli(*args).output == cli(*args, "--no-cache").output
    assert not [path for path in read if ".dufu" in Path(path).parts]
    (repo / ".dufu").unlink()
    (repo / ".dufu").mkdir()
    (repo / ".dufu" / "answers").symlink_to(elsewhere / "answers")
    from dufu import answers

    opened = []
    real_answer = answers.read_regular
    monkeypatch.setattr(answers, "read_regular", lambda path, limit: opened.append(path) or real_answer(path, limit))
    for _ in range(3):
        assert cli(*args).output == cli(*args, "--no-cache").output
    assert not [path for path in opened if ".dufu" in path.parts]
    assert (repo / ".dufu" / "answers").is_symlink()


def test_index_is_not_written_through_a_symlinked_file(cli, repo, tmp_path):
    target = tmp_path / "target.json"
    target.write_text("mine", encoding="utf-8")
    (repo / ".dufu").mkdir()
    (repo / ".dufu" / "index.json").symlink_to(target)
    expected = cli("status", "-C", str(repo), "--no-cache").output
    assert cli("status", "-C", str(repo)).output == expected
    assert target.read_text(encoding="utf-8") == "mine"
    assert (repo / ".dufu" / "index.json").is_symlink()  # left alone: no temporary file beside the target either


def test_journal_is_neither_written_nor_read_through_a_symlink(cli, repo, tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    cli("validate", "-C", str(repo), "--today", TODAY)
    target = tmp_path / "target.json"
    target.write_text("mine", encoding="utf-8")
    (repo / ".dufu" / "journal.json").symlink_to(target)
    edit(repo / "data" / "tasks" / "r2-02.yaml", "title: ", "title: 新")
    expected = cli("status", "-C", str(repo), "--no-cache").output
    for _ in range(2):
        assert cli("status", "-C", str(repo)).output == expected
    assert target.read_text(encoding="utf-8") == "mine"
    assert (repo / ".dufu" / "journal.json").is_symlink()


def test_index_folder_tells_git_to_ignore_it(cli, repo):
    cli("status", "-C", str(repo))
    assert (repo / ".dufu" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_no_cache_neither_reads_nor_writes_the_index(cli, repo):
    result = cli("status", "-C", str(repo), "--no-cache")
    assert result.exit_code == 0 and not (repo / ".dufu").exists()


def test_peek_in_one_pass_finds_what_the_three_patterns_found():
    """peek_text scans for id, round and number at once (the index peeks at every file it
    loads); it must agree with the three patterns of _PEEK one by one."""
    from dufu.peek import _PEEK, peek_text

    pieces = [
        "id: a\n",
        "id:  'b' # c\n",
        "round: r1\n",
        "number: 3\n",
        'number: "4"\n',
        " id: x\n",
        "id:x\n",
        "ids: 1\n",
        "number: 5 6\n",
        "round: 'r2\n",
        "id: a#b\n",
        "\n",
        "id: \"q'\n",
        "round:\tr3\t#\n",
        "x: 1",
        "\ufeffid: z\n",
        "id: w\r\n",
        "\r",
        "number: 7",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(8)))
        assert peek_text(text) == {key: [m[1] for m in pattern.findall(text)] for key, pattern in _PEEK.items()}


def test_a_write_through_the_writer_is_noticed(cli, repo, monkeypatch):
    """Issue 8's write path replaces files atomically: the index sees them as changed."""
    from datetime import date

    from dufu.writer import change_file, commit_changes

    monkeypatch.setattr(index_module, "RACY_NS", 0)
    assert_warm_equals_cold(cli, repo)
    rel = "data/tasks/r2-04.yaml"
    text = (repo / rel).read_bytes()
    commit_changes(
        repo, [change_file(repo, rel, text.replace("正在推进".encode(), "基本完成".encode(), 1))], date(2026, 1, 1)
    )
    assert (repo / rel).stat().st_size == len(text)
    assert_warm_equals_cold(cli, repo)
    assert "基本完成" in cli("show", "r2-04", "-C", str(repo)).output


def test_a_warm_validation_answers_from_the_verdict_and_notices_a_template_gone(cli, repo, monkeypatch):
    """Nothing changed: validate reads no data file and decodes no model; a template removed
    since (outside data/) is still noticed."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    _custom_template(repo, random.Random(1))
    (repo / "templates" / "custom.txt.j2").parent.mkdir(exist_ok=True)
    shutil.copy(PROJECT / "src" / "dufu" / "templates" / "bulletin.txt.j2", repo / "templates" / "custom.txt.j2")
    first = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(indexed, "decode_entries", lambda *a: pytest.fail("a model was decoded"))
    monkeypatch.setattr(indexed, "_load_keyed", lambda *a: pytest.fail("a file was loaded"))
    assert cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json").output == first.output
    (repo / "templates" / "custom.txt.j2").unlink()
    monkeypatch.undo()
    gone = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert gone.exit_code == 1 and "E354" in gone.output
    assert gone.output == cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json", "--no-cache").output


def test_validating_the_same_files_again_answers_from_the_head(cli, repo, monkeypatch):
    """`validate FILE` asked again with nothing changed (the pre-commit hook run twice) reads
    no data file and decodes no entry; a change to another file (a duplicate id) is seen."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    named = str(repo / "data" / "tasks" / "r2-02.yaml")
    args = ("validate", named, "-C", str(repo), "--today", TODAY, "--format", "json")
    first = cli(*args)
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(indexed, "decode_entries", lambda *a: pytest.fail("a model was decoded"))
    monkeypatch.setattr(indexed, "_load_keyed", lambda *a: pytest.fail("a file was loaded"))
    monkeypatch.setattr(index_module.Index, "old", property(lambda self: pytest.fail("an entry was decoded")))
    assert cli(*args).output == first.output
    monkeypatch.undo()
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    other = repo / "data" / "tasks" / "r2-01.yaml"  # listed before the named file: the named one is the duplicate
    other.write_text(other.read_text(encoding="utf-8").replace("id: r2-01", "id: r2-02"), encoding="utf-8")
    again = cli(*args)
    assert again.exit_code == 1 and "E302" in again.output
    assert again.output == cli(*args, "--no-cache").output


@pytest.mark.parametrize("journal_max", [index_module.JOURNAL_MAX, 0])
def test_validating_a_file_after_editing_it_decodes_no_other_entry(cli, repo, monkeypatch, journal_max):
    """The pre-commit case: `validate FILE` after FILE was edited takes the other task files'
    stand-ins from the index's stubs line (their stat data as recorded), decodes none of their
    entries, and keeps them: the journal holds the edited file alone (or, with no journal,
    index.json written whole holds them all). Another file edited too is peeked at again,
    and its new id seen."""
    from datetime import date

    monkeypatch.setattr(index_module, "RACY_NS", 0)
    monkeypatch.setattr(index_module, "JOURNAL_MAX", journal_max)
    named = repo / "data" / "tasks" / "r2-02.yaml"
    args = ("validate", str(named), "-C", str(repo), "--today", TODAY, "--format", "json")
    assert cli(*args).exit_code == 0
    before = set(_index_entries(repo))
    named.write_text(named.read_text(encoding="utf-8").replace("title: ", "title: 新", 1), encoding="utf-8")
    expected = cli(*args, "--no-cache").output
    with monkeypatch.context() as m:
        if journal_max:
            m.setattr(index_module.Index, "old", property(lambda self: pytest.fail("every entry was decoded")))
        m.setattr(indexed, "decode_stub", lambda *a: pytest.fail("another task's entry was decoded"))
        assert cli(*args).output == expected
    journal = set(open_index(repo, date.fromisoformat(TODAY)).journal)
    assert journal == ({"data/tasks/r2-02.yaml"} if journal_max else set())
    assert set(_index_entries(repo)) == before
    whole = ("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert cli(*whole).output == cli(*whole, "--no-cache").output
    other = repo / "data" / "tasks" / "r2-01.yaml"  # listed before the named file: the named one is the duplicate
    other.write_text(other.read_text(encoding="utf-8").replace("id: r2-01", "id: r2-02"), encoding="utf-8")
    again = cli(*args)
    assert again.exit_code == 1 and "E302" in again.output
    assert again.output == cli(*args, "--no-cache").output


def test_validating_a_file_beside_one_deleted_then_written_again(cli, repo, monkeypatch):
    """A task file deleted (the journal then says it is gone) and written again: `validate`
    of another file peeks at it anew and answers as --no-cache does (it crashed once on the
    journal's "gone")."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    gone = repo / "data" / "tasks" / "r2-03.yaml"
    saved = gone.read_bytes()
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    gone.unlink()
    cli("validate", "-C", str(repo), "--today", TODAY)
    assert (repo / ".dufu" / "journal.json").is_file()
    gone.write_bytes(saved)
    args = ("validate", str(repo / "data" / "tasks" / "r2-01.yaml"), "-C", str(repo), "--today", TODAY, "--format", "json")
    result = cli(*args)
    assert (result.exit_code, result.output) == (0, cli(*args, "--no-cache").output)


def test_show_on_a_vouched_index_decodes_only_its_own_entry(cli, repo, monkeypatch):
    """A repository the index vouches for: `show` finds its task by the ids kept beside the
    entries and decodes that entry alone (and those of the units, rounds and bulletins)."""
    monkeypatch.setattr(index_module, "RACY_NS", 0)
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    expected = cli("show", "r2-03", "-C", str(repo), "--no-cache").output
    decoded = []
    original = index_module.Index.record
    monkeypatch.setattr(index_module.Index, "old", property(lambda self: pytest.fail("every entry was decoded")))
    monkeypatch.setattr(index_module.Index, "record", lambda self, rel: decoded.append(rel) or original(self, rel))
    assert cli("show", "r2-03", "-C", str(repo)).output == expected
    assert {rel for rel in decoded if rel.startswith("data/tasks/")} == {"data/tasks/r2-03.yaml"}


def test_a_task_edited_alone_is_rechecked_alone(cli, repo, monkeypatch):
    """A task file whose id, round, number and facts for the checks across files stay as they
    were (its title edited) keeps the verdict: no check across files runs. Done on a
    bulletin's day instead, it is checked with the whole repository; both answer as
    --no-cache does."""
    from dufu import checks

    monkeypatch.setattr(index_module, "RACY_NS", 0)
    args = ("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    assert cli(*args).exit_code == 0
    task = repo / "data" / "tasks" / "r2-02.yaml"
    edit(task, "title: 法治观念淡薄问题", "title: 法治观念仍然淡薄问题")
    expected = [cli(*args, "--no-cache").output, cli("show", "r2-02", "-C", str(repo), "--no-cache").output]
    original = checks.check_dataset
    monkeypatch.setattr(checks, "check_dataset", lambda data: pytest.fail("the checks across files ran"))
    assert [cli(*args).output, cli("show", "r2-02", "-C", str(repo)).output] == expected
    monkeypatch.setattr(checks, "check_dataset", lambda data: ran.append(1) or original(data))
    ran: list[int] = []
    edit(task, "status: 正在推进", "status: 已完成\ncompleted_on: 2024-05-01")  # done by the bulletin's as_of
    assert cli(*args).output == cli(*args, "--no-cache").output
    assert ran  # the whole repository was checked


@pytest.mark.parametrize("edited", [["r2-02"], ["r2-01", "r2-03"], []])
def test_an_index_saved_by_copying_unchanged_entries_reads_back_whole(cli, repo, monkeypatch, edited):
    """After a save that copies the unchanged entries' text (runs of neighbours, the changed
    ones encoded anew), every entry decodes, each where the last line says it starts, and
    equals what the whole decoding gives; the edited files' entries hold their new hashes."""
    import hashlib
    from datetime import date

    monkeypatch.setattr(index_module, "RACY_NS", 0)
    monkeypatch.setattr(index_module, "JOURNAL_MAX", 0)  # index.json written whole
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    for stem in edited:
        edit(repo / "data" / "tasks" / f"{stem}.yaml", "title: ", "title: 新")
    (repo / "data" / "tasks" / "r2-04.yaml").touch()  # a racy-looking file: hashed again, found unchanged
    encoded: list[str] = []
    meta = index_module.Index._meta
    monkeypatch.setattr(index_module.Index, "_meta", lambda self, rel, entry: encoded.append(rel) or meta(self, rel, entry))
    cli("validate", "-C", str(repo), "--today", TODAY)
    assert 0 < len(set(encoded)) <= len(edited) + 1  # the others were copied
    whole = open_index(repo, date.fromisoformat(TODAY)).old
    single = open_index(repo, date.fromisoformat(TODAY))
    assert len(whole) == 8 and all(single.record(rel) == record for rel, record in whole.items())
    assert "old" not in single.__dict__  # each found by its offset, not by decoding them all
    for stem in edited:
        rel = f"data/tasks/{stem}.yaml"
        assert whole[rel][4] == hashlib.sha256((repo / rel).read_bytes()).hexdigest()


def test_a_second_save_in_one_run_copies_what_the_first_wrote(cli, repo, monkeypatch):
    """A run that saves twice (open_warm settles the index, the command then records more)
    writes the second time only what changed since the first, and the file reads back whole."""
    from datetime import date

    monkeypatch.setattr(index_module, "JOURNAL_MAX", 0)  # index.json written whole
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    index = open_index(repo, date.fromisoformat(TODAY))
    records = index.old
    first, second = "data/tasks/r2-01.yaml", "data/tasks/r2-03.yaml"
    index.new = dict(records)
    index.remember(first, records[first][:4], "1" * 64, records[first][5])
    index.save()
    encoded: list[str] = []
    meta = index_module.Index._meta
    monkeypatch.setattr(index_module.Index, "_meta", lambda self, rel, entry: encoded.append(rel) or meta(self, rel, entry))
    index.save()  # nothing changed since: nothing written
    assert encoded == []
    index.remember(second, records[second][:4], "2" * 64, records[second][5])
    index.save()
    assert encoded == [second]  # the first one's new record copied as the first save wrote it
    back = open_index(repo, date.fromisoformat(TODAY))
    changed = {rel: [*records[rel][:4], digit * 64, records[rel][5]] for rel, digit in ((first, "1"), (second, "2"))}
    assert back.old == {**records, **changed}
    single = open_index(repo, date.fromisoformat(TODAY))
    assert all(single.record(rel) == record for rel, record in back.old.items())


def test_list_by_unit_on_a_vouched_index_makes_only_the_models_naming_it(cli, repo, monkeypatch):
    """`list --unit` finds the tasks that may name the unit by the units kept in the entries,
    and makes their models together, in one batch: no other task's model is made."""
    from dufu import stored

    monkeypatch.setattr(index_module, "RACY_NS", 0)
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    args = ("list", "--unit", "市林业局", "--format", "json", "-C", str(repo), "--as-of", TODAY)
    expected = cli(*args, "--no-cache").output
    batches: list[list[str]] = []
    original = stored.decode_entries
    monkeypatch.setattr(indexed, "decode_entries", lambda pairs: batches.append([s.rel for s, _ in pairs]) or original(pairs))
    assert cli(*args).output == expected
    tasks = [batch for batch in batches if any(rel.startswith("data/tasks/") for rel in batch)]
    assert tasks == [["data/tasks/r2-02.yaml", "data/tasks/r2-04.yaml"]]


@pytest.mark.parametrize("folder", [PROJECT, PROJECT / "tests" / "fixtures" / "timeline"], ids=["shipped", "timeline"])
def test_a_task_comes_back_from_its_stored_form_as_it_was_loaded(folder):
    """Every task (milestones, adjustments, completion dates among them) decodes from what the
    index stores to the light task loading gave: equal, its fields in the model's order."""
    from datetime import date

    from dufu.load import _without_text
    from dufu.models import Task
    from dufu.repo import load_repository
    from dufu.stored import decode_model, encode_model

    tasks = list(load_repository(folder, date.fromisoformat(TODAY)).tasks.values())
    assert len(tasks) >= 4 and any(t.milestones for t in tasks) == (folder != PROJECT)
    for task in tasks:
        light = _without_text(task)
        back = decode_model("task", json.loads(json.dumps(encode_model("task", task), ensure_ascii=False)))
        assert back == light and list(back.__dict__) == list(Task.model_fields)


@pytest.mark.parametrize("folder", [PROJECT, PROJECT / "tests" / "fixtures" / "timeline"], ids=["shipped", "timeline"])
def test_units_rounds_and_bulletins_come_back_from_their_stored_form_without_validation(folder, monkeypatch):
    """The other records are rebuilt from their JSON data by their fields' types (dates, nested
    models, a listing that is "open" or a list of ids), not validated: equal to what loading
    gave, fields in the model's order, and no validator built for them."""
    from datetime import date

    from pydantic import BaseModel

    from dufu.repo import load_repository
    from dufu.stored import decode_model, encode_model

    data = load_repository(folder, date.fromisoformat(TODAY))
    records = [("units", data.units_file), *(("round", r) for r in data.rounds.values())]
    records += [("bulletin", b) for b in data.bulletins.values()]
    assert data.units_file is not None and data.rounds and (data.bulletins or folder != PROJECT)
    monkeypatch.setattr(BaseModel, "model_validate", classmethod(lambda cls, value: pytest.fail(f"{cls} validated")))
    for kind, model in records:
        back = decode_model(kind, json.loads(json.dumps(encode_model(kind, model), ensure_ascii=False)))
        assert back == model and list(back.__dict__) == list(type(model).model_fields)


def test_a_record_of_a_type_it_cannot_rebuild_is_not_stored(monkeypatch):
    """A field type the rebuilding does not know (here a float) makes encode_model refuse the
    record (the file is then loaded from its YAML), never a model that is not the one loaded."""
    from typing import Annotated

    from pydantic import Field

    from dufu import stored
    from dufu.models import _Model

    class Odd(_Model):
        share: Annotated[float, Field(ge=0)]
        name: str

    class Even(_Model):  # the same, but for the float
        share: Annotated[int, Field(ge=0)]
        name: str

    monkeypatch.setitem(stored.KINDS, "odd", Odd)
    monkeypatch.setitem(stored.KINDS, "even", Even)
    assert stored.encode_model("odd", Odd(share=0.5, name="x")) is None
    assert stored.encode_model("even", Even(share=5, name="x")) == {"share": 5, "name": "x"}


def test_show_and_render_without_the_index_read_only_the_prose_they_print(repo, cli, monkeypatch):
    """`--no-cache` loads every task light, as the index does, then parses again the files of
    the tasks printed: `show` one, `render` those its notice lists (not 800 MiB of prose at
    30,000 tasks); what they print is unchanged (the golden notice)."""
    seen = []
    original = indexed.with_text

    def spy(data, tasks):
        out = original(data, tasks)
        seen.append(({t.id for t in data.tasks.values() if t.target}, {t.id for t in tasks}))
        return out

    monkeypatch.setattr(indexed, "with_text", spy)
    assert cli("show", "r2-03", "-C", str(repo), "--no-cache").exit_code == 0
    assert seen.pop() == ({"r2-03"}, {"r2-03"})
    result = cli("render", "-C", str(repo), "--no-cache")
    assert result.exit_code == 0 and result.stdout == (PROJECT / "tests" / "golden" / "sanming-2024-06-24.txt").read_text(
        encoding="utf-8"
    )
    assert seen.pop() == ({"r2-01", "r2-02", "r2-03", "r2-04"},) * 2  # the notice lists every open task
    edit(repo / "data" / "bulletins" / "2024-06-24.yaml", "  tasks: open", "  tasks: [r2-01, r2-03]")
    result = cli("render", "-C", str(repo), "--no-cache")
    assert result.exit_code == 0 and seen.pop() == ({"r2-01", "r2-03"},) * 2
    assert result.stdout == cli("render", "-C", str(repo)).stdout  # as the index gives it


def test_a_relative_cache_home_is_ignored(cli, repo, tmp_path, monkeypatch):
    """XDG_CACHE_HOME must be absolute (the XDG spec): a relative one would put the signing
    key in whatever folder dufu runs from. The one under $HOME is used instead."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    monkeypatch.chdir(tmp_path)
    assert cli("validate", "-C", str(repo)).exit_code == 0
    assert not (tmp_path / "cache").exists()
    assert (tmp_path / "home" / ".cache" / "dufu" / "index-key").is_file()


def test_models_made_from_the_index_share_one_set_of_given_fields_and_copy_it_before_a_change():
    # construct gives every model of a class one set (memory); pydantic must never change it
    from datetime import date

    from dufu.models import Report, construct

    first, second = (construct(Report, {"as_of": date(2024, 5, d), "status": None, "measures": []}) for d in (30, 31))
    shared = first.__pydantic_fields_set__
    assert second.__pydantic_fields_set__ is shared and shared == {"as_of", "status", "measures"}
    changed = first.model_copy(update={"status": "正在推进"})
    assert changed.status == "正在推进" and changed.__pydantic_fields_set__ is not shared
    with pytest.raises(ValueError):  # frozen: no assignment that would add to the set
        first.status = "已完成"
    assert shared == {"as_of", "status", "measures"}
    assert first.model_dump(exclude_unset=True) == first.model_dump()
    partial = construct(Report, {"as_of": date(2024, 5, 31), "measures": []})  # not every field: its own set
    assert partial.__pydantic_fields_set__ == {"as_of", "measures"} and shared == {"as_of", "status", "measures"}


def test_problems_are_placed_in_the_bytes_loaded_not_in_the_file_read_again(repo):
    # a file rewritten during a run (one line lower) had its problems placed by the new version
    # and kept with the old one's hash: the index quoted the wrong line from then on
    from dufu.load import LoadOptions, _load_one
    from dufu.sources import SourceFile

    rel = "data/tasks/r2-02.yaml"
    loaded = (repo / rel).read_bytes()
    (repo / rel).write_bytes(b"# a comment line\n" + loaded)  # the file as it is now
    source = SourceFile(repo, rel, "task")
    found = _load_one(source, LoadOptions(repo, date(2026, 1, 1), None), loaded).problems
    assert [(p.code, p.line, p.col) for p in found] == [("W402", 25, 27)]
    broken = loaded.replace(b"status: \xe6\xad\xa3\xe5\x9c\xa8\xe6\x8e\xa8\xe8\xbf\x9b", "status: 坏".encode())
    found = _load_one(source, LoadOptions(repo, date(2026, 1, 1), None), broken).problems
    assert [(p.code, p.line) for p in found if p.code == "E203"] == [("E203", broken.count(b"\n", 0, broken.index("status: 坏".encode())) + 1)]
