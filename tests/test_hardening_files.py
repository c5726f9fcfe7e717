"""Hostile repositories and targets: output and memory stay bounded, only regular files inside
the repository are read, writes never damage what they target."""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TODAY, edit

from dufu.files import NotRegularFile, read_regular, write_atomic
from dufu.problems import DufuError

SECRET = "DUFU_TEST_SECRET_7f3a"


def _empty_progress(repo: Path, entries: int) -> None:
    task = repo / "data/tasks/r2-01.yaml"
    head = task.read_text(encoding="utf-8").split("progress:")[0]
    task.write_text(head + "progress: [" + ", ".join(["{}"] * entries) + "]\n", encoding="utf-8")


# 1. Output and memory stay bounded


def test_validate_20000_empty_progress_entries_under_a_memory_limit(repo):
    _empty_progress(repo, 20000)
    limit = 300 * 1024 * 1024  # the unbounded run peaked far above this (24 GB)
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
        sys.argv = ["dufu", "validate", "--today", "{TODAY}", "-C", sys.argv[1]] + sys.argv[2:]
        from dufu.cli import run
        run()
        """
    )
    for fmt in ("text", "json", "github", "sarif"):
        result = subprocess.run(
            [sys.executable, "-c", script, str(repo), "--format", fmt], capture_output=True, timeout=120
        )
        assert result.returncode == 1, result.stderr.decode()
        assert len(result.stdout) < 100_000, fmt  # bounded, not 40,000 problems with their lines
        out = result.stdout.decode("utf-8")
        assert "另有 39980 处同类问题" in out, fmt
    text = subprocess.run([sys.executable, "-c", script, str(repo)], capture_output=True, timeout=120).stdout.decode(
        "utf-8"
    )
    assert "检查了 8 个文件:40000 个错误,1 个警告。" in text


def test_a_2_mib_flood_of_entries_is_refused_before_loading(repo):
    """500,000 `{}` in one file: refused from the parser's events (no tree, no million errors),
    under a memory limit that loading it would break."""
    task = repo / "data/tasks/r2-01.yaml"
    head = task.read_text(encoding="utf-8").split("progress:")[0]
    task.write_text(head + "progress: [" + ", ".join(["{}"] * 500_000) + "]\n", encoding="utf-8")
    limit = 300 * 1024 * 1024
    script = (
        f"import resource, sys; resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
        f"sys.argv = ['dufu', 'validate', '--today', '{TODAY}', '-C', sys.argv[1], '--format', 'json']\n"
        "from dufu.cli import run; run()\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(repo)], capture_output=True, timeout=120)
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    assert [(p["path"], p["code"]) for p in report["problems"] if p["severity"] == "error"] == [
        ("data/tasks/r2-01.yaml", "E108")
    ]
    assert "值过多" in report["problems"][0]["message"]


def test_json_and_sarif_carry_the_full_count(cli, repo):
    _empty_progress(repo, 100)
    report = json.loads(cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json").stdout)
    assert report["errors"] == 200
    e201 = [p for p in report["problems"] if p["code"] == "E201"]
    assert len(e201) == 21 and e201[-1]["omitted"] == 180 and e201[-1]["message"] == "另有 180 处同类问题"
    sarif = json.loads(cli("validate", "-C", str(repo), "--today", TODAY, "--format", "sarif").stdout)
    run = sarif["runs"][0]
    from pydantic_sarif.model import StaticAnalysisResultsFormatSarifVersion210JsonSchema as SarifLog

    SarifLog.model_validate(sarif)  # the count line and the totals fit SARIF 2.1.0
    assert run["properties"]["errors"] == 200
    assert [r["properties"]["omitted"] for r in run["results"] if "properties" in r] == [180]
    github = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "github").stdout
    assert "title=E201::另有 180 处同类问题" in github


def test_a_megabyte_line_is_quoted_as_a_window_around_the_caret(cli, repo):
    task = repo / "data/tasks/r2-01.yaml"
    text = task.read_text(encoding="utf-8")
    target = next(line for line in text.splitlines() if line.startswith("target:"))
    task.write_text(text.replace(target, "target: " + "甲" * 300_000 + " 乙" + "丙" * 300_000), encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY)
    quoted = [line for line in result.stdout.splitlines() if line.lstrip().startswith("9 |")]
    assert quoted and all(len(line) < 200 for line in quoted)
    lines = result.stdout.splitlines()
    line, caret = quoted[0], lines[lines.index(quoted[0]) + 1]
    assert "… " not in line and "甲 乙丙" in line and line.count("…") == 2
    assert caret.endswith("^") and len(result.stdout) < 5000


# 2. Only regular files inside the repository are read


def _problems(cli, repo: Path) -> tuple[int, list[tuple[str, str]], str]:
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    report = json.loads(result.stdout)
    errors = [(p["path"], p["code"]) for p in report["problems"] if p["severity"] == "error"]
    return result.exit_code, errors, result.stdout


def _secret_env(monkeypatch):
    monkeypatch.setenv("DUFU_SECRET_FOR_TEST", SECRET)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda p: p.symlink_to("/proc/self/environ"), "E114"),
        (lambda p: p.symlink_to("/dev/zero"), "E114"),
        (lambda p: p.symlink_to(p.name), "E114"),  # a loop
        (lambda p: p.symlink_to("r2-01.yaml"), "E114"),  # inside the repository: refused too
        (lambda p: p.symlink_to("/nonexistent/x.yaml"), "E114"),
        (lambda p: os.mkfifo(p), "E115"),
        (lambda p: p.mkdir(), "E116"),
    ],
    ids=["environ", "dev-zero", "loop", "in-repo", "dangling", "fifo", "directory"],
)
def test_anything_but_a_regular_file_is_reported_never_read(cli, repo, monkeypatch, make, code):
    _secret_env(monkeypatch)
    make(repo / "data/tasks/x.yaml")
    exit_code, errors, output = _problems(cli, repo)
    assert exit_code == 1
    assert errors == [("data/tasks/x.yaml", code)]
    assert SECRET not in output


def test_a_socket_and_a_device_are_reported(cli, repo):
    server = socket.socket(socket.AF_UNIX)
    try:
        os.chdir(repo / "data/tasks")  # a socket path must be short
        server.bind("s.yaml")
    finally:
        os.chdir(repo)
    os.symlink("/dev/null", repo / "data/units-copy.yaml")
    exit_code, errors, _ = _problems(cli, repo)
    assert exit_code == 1
    assert sorted(errors) == [("data/tasks/s.yaml", "E115"), ("data/units-copy.yaml", "E114")]
    server.close()


def test_a_symlinked_template_is_never_rendered(cli, repo, monkeypatch):
    _secret_env(monkeypatch)
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").symlink_to("/proc/self/environ")
    exit_code, errors, output = _problems(cli, repo)
    assert exit_code == 1 and errors == [("templates/bulletin.txt.j2", "E114")]
    result = cli("render", "-C", str(repo))
    assert result.exit_code == 1 and SECRET not in result.output


def test_the_template_loader_reads_only_regular_files(repo, monkeypatch):
    """Even asked directly (an {% include %} of a link), the Jinja loader refuses a symlink."""
    from jinja2 import TemplateNotFound

    from dufu.templates import make_environment

    _secret_env(monkeypatch)
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/leak.j2").symlink_to("/proc/self/environ")
    (repo / "templates/sub").symlink_to("/proc/self")
    env = make_environment(repo)
    for name in ("leak.j2", "sub/environ"):
        with pytest.raises(TemplateNotFound):
            env.get_template(name)


def test_read_regular_never_blocks_on_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "f")  # nobody writes: a plain open() would hang here
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "f")
    (tmp_path / "l").symlink_to(tmp_path / "f")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "l")


# 3. Writes never damage what they target


def test_render_to_dev_full_keeps_the_device_and_says_the_disk_is_full(cli):
    before = os.stat("/dev/full")
    from conftest import PROJECT

    result = cli("render", "-C", str(PROJECT), "-o", "/dev/full")
    after = os.stat("/dev/full")
    assert (after.st_mode, after.st_rdev, after.st_ino) == (before.st_mode, before.st_rdev, before.st_ino)
    assert result.exit_code == 1
    assert "无法写入 /dev/full:磁盘空间不足" in result.stderr


def test_render_to_dev_null_writes_through(cli):
    from conftest import PROJECT

    result = cli("render", "-C", str(PROJECT), "-o", "/dev/null")
    assert result.exit_code == 0
    assert os.path.exists("/dev/null") and not Path("/dev/null").is_file()


def test_a_fifo_target_without_reader_is_an_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "f")
    with pytest.raises(DufuError, match="没有接收方"):
        write_atomic(tmp_path / "f", b"x")


def test_a_symlink_target_keeps_pointing_at_the_written_file(tmp_path):
    (tmp_path / "real.txt").write_bytes(b"old")
    (tmp_path / "link.txt").symlink_to("real.txt")
    write_atomic(tmp_path / "link.txt", b"new")
    assert (tmp_path / "link.txt").is_symlink() and (tmp_path / "real.txt").read_bytes() == b"new"


@pytest.mark.parametrize(
    ("target", "words", "code"),
    [
        ("missing/notice.txt", "无法写入 {path}:目录", 1),
        (".", "{path} 是目录:请给出要写入的文件名", 2),  # a usage error, before any work
    ],
)
def test_unwritable_targets_are_plain_errors(cli, tmp_path, target, words, code):
    from conftest import PROJECT

    path = tmp_path / target
    result = cli("render", "-C", str(PROJECT), "-o", str(path))
    assert result.exit_code == code
    assert words.format(path=path) in result.stderr, result.stderr
    assert "内部错误" not in result.stderr


@pytest.mark.parametrize(
    ("number", "words", "where"),
    [
        (errno.ENOSPC, "磁盘空间不足", "fsync"),
        (errno.EROFS, "文件系统是只读的", "mkstemp"),
        (errno.EACCES, "没有写入权限", "mkstemp"),
        (errno.EDQUOT, "超出磁盘配额", "fsync"),
    ],
)
def test_os_failures_while_writing_are_named_and_leave_nothing(cli, tmp_path, monkeypatch, number, words, where):
    """Full disk, read-only file system, no permission (tests may run as root, so the system
    calls are made to fail): a Chinese message naming the path, exit 1, no temporary file."""
    import tempfile

    from conftest import PROJECT

    def fail(*args, **kwargs):
        raise OSError(number, os.strerror(number))

    if where == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", fail)
    else:
        monkeypatch.setattr(os, where, fail)
    (tmp_path / "notice.txt").write_bytes(b"old")
    result = cli("render", "-C", str(PROJECT), "-o", str(tmp_path / "notice.txt"))
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert f"错误:无法写入 {tmp_path / 'notice.txt'}:{words}" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notice.txt"]
    assert (tmp_path / "notice.txt").read_bytes() == b"old"


def test_a_symlinked_settings_file_is_refused_unread(cli, repo, monkeypatch):
    _secret_env(monkeypatch)
    (repo / "dufu.toml").symlink_to("/proc/self/environ")
    result = cli("validate", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 2 and "dufu.toml: 是符号链接" in result.stderr
    assert SECRET not in result.output


def test_the_writer_never_reads_a_symlinked_data_file(repo, monkeypatch):
    from dufu.writer import change_file

    _secret_env(monkeypatch)
    (repo / "data/tasks/x.yaml").symlink_to("/proc/self/environ")
    with pytest.raises(DufuError, match="是符号链接") as caught:
        change_file(repo, "data/tasks/x.yaml", b"id: x\n")
    assert SECRET not in str(caught.value)


def test_a_named_symlink_or_fifo_is_reported_not_followed(cli, repo, monkeypatch):
    _secret_env(monkeypatch)
    (repo / "data/tasks/x.yaml").symlink_to("/proc/self/environ")
    os.mkfifo(repo / "data/tasks/f.yaml")
    for name, code in (("x.yaml", "E114"), ("f.yaml", "E115")):
        result = cli("validate", str(repo / "data/tasks" / name), "--today", TODAY, "--format", "json")
        assert result.exit_code == 1 and SECRET not in result.output
        assert [p["code"] for p in json.loads(result.stdout)["problems"]] == [code]


def test_a_file_with_no_write_bit_is_not_replaced_even_by_root(tmp_path):
    target = tmp_path / "notice.txt"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(DufuError, match="文件是只读的"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"


def test_a_read_only_target_is_not_replaced(tmp_path, monkeypatch):
    """Tests may run as root, for whom every file is writable: access() is made to say no."""
    target = tmp_path / "notice.txt"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False)
    with pytest.raises(DufuError, match="没有写入权限"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"


def test_a_message_quoting_a_huge_value_is_shortened():
    from dufu.problems import Problem

    problem = Problem("a.yaml", 1, 1, "E312", "单位“" + "甲" * 100_000 + "”不在单位名录中")
    assert len(problem.message) < 500 and problem.message.endswith("”不在单位名录中") and "省略" in problem.message


@pytest.mark.parametrize("length", [401, 420, 1000, 100_000])
def test_a_shortened_message_is_shortened_once(cli, repo, length):
    """Shortened, a message is short enough to stay as it is when made again: read back from
    the index, or given another severity by dufu.toml (both shortened it twice)."""
    from dufu.problems import MAX_MESSAGE, Problem, decode_problem, encode_problem

    problem = Problem("a.yaml", 1, 1, "E312", "单" * (length - 20) + "位" * 20)
    assert len(problem.message) <= MAX_MESSAGE and problem.message.endswith("位" * 20)
    head, count, tail = re.fullmatch(r"(单+)…\(省略 (\d+) 个字符\)…(单*位+)", problem.message).groups()
    assert len(head) + int(count) + len(tail) == length
    assert decode_problem(encode_problem(problem)) == problem
    assert problem.with_severity("warning").message == problem.message
    edit(repo / "data/tasks/r2-01.yaml", "lead_units: ", "lead_units: " + "测试单位" * (length // 4) + "、")
    for config in ("", '[rules]\nE312 = "error"\n'):
        (repo / "dufu.toml").write_text(config, encoding="utf-8")
        for _ in range(2):  # building the index, then reading the problems back from it
            warm = cli("validate", "-C", str(repo), "--today", TODAY)
            cold = cli("validate", "-C", str(repo), "--today", TODAY, "--no-cache")
            assert (warm.exit_code, warm.output) == (cold.exit_code, cold.output)
            assert "省略" in warm.output


def test_an_unreadable_data_file_is_named_with_the_reason(cli, repo, monkeypatch):
    """Root reads everything, so the open is made to fail for one file."""
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):
        if str(path).endswith("r2-03.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    monkeypatch.undo()
    errors = [p for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"]
    assert [(p["path"], p["code"], p["message"]) for p in errors] == [
        ("data/tasks/r2-03.yaml", "E100", "无法读取文件:没有读取权限")
    ]


def test_an_unreadable_folder_is_an_error_cold_and_warm(cli, repo, monkeypatch):
    """A folder under data/ that cannot be listed hides its files: skipping it let validate
    pass. E100 names it, and a warm run (the index built while it was readable, then with
    it unreadable, twice) reports the same as --no-cache. Root lists everything, so the
    listing is made to fail."""
    real_scandir = os.scandir

    def fake_scandir(path="."):
        if str(path).endswith(os.sep + "data" + os.sep + "bulletins"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    def errors(*options):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json", *options)
        problems = json.loads(result.stdout)["problems"]
        return result.exit_code, [(p["path"], p["code"], p["message"]) for p in problems if p["severity"] == "error"]

    assert errors() == (0, [])  # the index now vouches for the readable repository
    monkeypatch.setattr(os, "scandir", fake_scandir)
    expected = (1, [("data/bulletins", "E100", "无法读取这个目录:没有读取权限,其中的文件都没有检查")])
    assert errors("--no-cache") == expected
    assert errors() == expected
    assert errors() == expected
    assert errors(str(repo / "data" / "bulletins")) == expected
    monkeypatch.undo()
    assert errors() == (0, [])


def test_thousands_of_bad_references_cost_only_twenty_hints(cli, repo, monkeypatch):
    """Closest-name hints cost a scan of every known name; past 20 problems of a code in a
    file they are not worked out (10,000 tasks x 20,000 bogus ids would take minutes)."""
    import difflib

    calls = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *a, **k: calls.append(1) or real(*a, **k))
    ids = ", ".join(f"x{i}" for i in range(2000))
    edit_path = repo / "data/bulletins/2024-06-24.yaml"
    edit_path.write_text(edit_path.read_text(encoding="utf-8").replace("tasks: open", f"tasks: [{ids}]"), "utf-8")
    units = "、".join(f"某局{i}" for i in range(2000))
    task = repo / "data/tasks/r2-01.yaml"
    task.write_text(
        task.read_text(encoding="utf-8").replace("lead_units: 市委办公室、市政府办公室", f"lead_units: {units}"),
        "utf-8",
    )
    report = json.loads(cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json").stdout)
    counts = {p["code"]: p["omitted"] for p in report["problems"] if p.get("omitted")}
    assert counts == {"E310": 1980, "E312": 1980}
    assert len(calls) <= 2 * 20 + 10


def test_write_atomic_takes_a_writer_as_it_takes_bytes(tmp_path):
    """A function that writes to the open file (what the index uses, so that a large file is
    never held whole) gives the same file as the bytes it writes, replaced atomically; a
    character device is written through; a failing writer leaves the old file and no
    temporary one behind."""
    from dufu.files import write_atomic
    from dufu.problems import DufuError

    def writer(handle):
        handle.write(b"0000\n")
        handle.write("内容\n".encode())
        handle.seek(0)
        handle.write(b"1234")

    target = tmp_path / "x.json"
    write_atomic(target, b"old\n")
    write_atomic(target, writer)
    assert target.read_bytes() == "1234\n内容\n".encode()
    write_atomic(Path("/dev/null"), writer)  # written through, never replaced
    assert not Path("/dev/null").is_file()

    def failing(handle):
        handle.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(DufuError):
        write_atomic(target, failing)
    assert target.read_bytes() == "1234\n内容\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


@pytest.mark.parametrize("digits", [4301, 100_000])
def test_an_integer_too_long_for_python_is_a_problem_where_it_stands(cli, repo, digits):
    """Python refuses to convert an int of over 4,300 digits (a guard against slow conversion):
    dufu reports it at its place, in either YAML path, tagged or not."""
    edit(repo / "data/tasks/r2-01.yaml", "number: 1\n", f"number: {'9' * digits}\n")
    edit(repo / "data/rounds/r2.yaml", "total: 11", f"total: !!int {'1' * digits}")
    for cache in ([], ["--no-cache"]):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json", *cache)
        assert result.exit_code == 1, result.output
        found = [(p["path"], p["line"], p["column"], p["code"]) for p in json.loads(result.stdout)["problems"]]
        assert ("data/tasks/r2-01.yaml", 4, 9, "E205") in found
        assert ("data/rounds/r2.yaml", 5, 8, "E205") in found
        assert f"有 {digits} 位,超出限制" in result.stdout


@pytest.mark.parametrize("number", ["²", "①", "٣", "9" * 5000, "0x1F", "+3"])
def test_a_number_only_a_person_reads_as_digits_is_never_peeked_as_one(cli, repo, number):
    """A task number Python's str.isdigit() accepts but YAML does not read as an int: the
    quick look at task files (the index, `validate FILE`) leaves such a file to be loaded,
    and says what loading says."""
    edit(repo / "data/tasks/r2-01.yaml", "number: 1\n", f"number: {number}\n")
    named = str(repo / "data/tasks/r2-02.yaml")
    for args in (["validate", "--today", TODAY], ["validate", named, "--today", TODAY], ["status", "--as-of", TODAY]):
        warm = cli(*args, "-C", str(repo))
        cold = cli(*args, "-C", str(repo), "--no-cache")
        assert (warm.exit_code, warm.output) == (cold.exit_code, cold.output)
        assert warm.exit_code in (0, 1), warm.output


def test_a_hidden_data_file_is_reported_not_passed_over(cli, repo):
    """git keeps .r2-05.yaml and a reviewer may miss it: E111, cold and warm. Other hidden
    entries are not data (.gitkeep, an editor's lock symlink .#r2-01.yaml, a folder .git)."""
    (repo / "data/tasks/.r2-05.yaml").write_text("garbage: [\n", encoding="utf-8")
    (repo / "data/tasks/.R2-06.YML").write_text("id: x\n", encoding="utf-8")
    (repo / "data/tasks/.gitkeep").write_text("", encoding="utf-8")
    (repo / "data/tasks/.#r2-01.yaml").symlink_to("nowhere")
    (repo / "data/.git").mkdir()
    (repo / "data/.git/x.yaml").write_text("garbage: [\n", encoding="utf-8")
    for cache in ([], [], ["--no-cache"]):
        result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json", *cache)
        found = [(p["path"], p["code"]) for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"]
        assert result.exit_code == 1 and found == [("data/tasks/.R2-06.YML", "E111"), ("data/tasks/.r2-05.yaml", "E111")]


@pytest.mark.parametrize("name", ["r2-01\x1b[41m.yaml", "r2-01\n.yaml", "r2\u202e10.yaml"])
def test_a_file_name_that_could_rewrite_a_terminal_is_refused_and_shown_escaped(cli, repo, name):
    (repo / "data/tasks/r2-01.yaml").rename(repo / "data/tasks" / name)
    for cache in ([], ["--no-cache"]):
        result = cli("validate", "-C", str(repo), "--today", TODAY, *cache)
        assert result.exit_code == 1 and "E117" in result.stdout, result.output
        assert name not in result.stdout and "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_a_message_quoting_a_template_is_shown_escaped(cli, repo):
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text('{% include "\x1b]2;PWNED\x1b\\\\" %}\n', encoding="utf-8")
    result = cli("render", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and "\x1b" not in result.stderr and "\\x1b]2;PWNED" in result.stderr, result.stderr


def test_a_template_writing_a_control_character_is_refused(cli, repo):
    (repo / "templates").mkdir(exist_ok=True)
    (repo / "templates/bulletin.txt.j2").write_text('{{ notice.title }}\n{{ "\\x1b[2J" }}\n', encoding="utf-8")
    result = cli("render", "-C", str(repo), "--today", TODAY)
    assert result.exit_code == 1 and result.stdout == "", result.output
    assert "模板“bulletin.txt.j2”输出的公告第 2 行有控制字符或看不见的字符 U+001B" in result.stderr


@pytest.mark.parametrize("args", [["render"], ["export", "ledger"], ["site"]])
def test_an_output_path_through_a_symlink_in_the_repository_is_refused(cli, repo, tmp_path, args):
    # committed by a stranger: `render -o notice.txt` in CI wrote the notice over its target
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "file").write_text("mine\n", encoding="utf-8")
    (repo / "out").symlink_to(victim)
    (repo / "notice.xlsx").symlink_to(victim / "file")
    for output in ("out/notice.xlsx", "notice.xlsx") if args != ["site"] else ("out",):
        result = cli(*args, "-o", output, "-C", str(repo), "--today", TODAY)
        assert result.exit_code == 1 and "是数据仓库中的符号链接,不会经由它写入" in result.stderr, result.output
    assert sorted(p.name for p in victim.iterdir()) == ["file"] and (victim / "file").read_text(encoding="utf-8") == "mine\n"


def test_an_output_path_through_a_symlink_outside_the_repository_is_the_users_own(cli, repo, tmp_path):
    target = tmp_path / "notice.txt"
    target.write_text("old\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    assert cli("render", "-o", str(tmp_path / "link.txt"), "-C", str(repo), "--today", TODAY).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("三明市") and (tmp_path / "link.txt").is_symlink()


def test_a_template_name_with_a_nul_is_a_template_not_found(cli, repo):
    # the system refuses such a path with ValueError: every command was an internal error
    edit(repo / "data/bulletins/2024-06-24.yaml", "issuers:", 'template: "a\\0b.j2"\nissuers:')
    for command in (["validate", "--today", TODAY], ["status"], ["render", "--today", TODAY]):
        result = cli(*command, "-C", str(repo))
        assert result.exit_code == 1 and "内部错误" not in result.output and "E354" in result.output, result.output


@pytest.mark.parametrize("folder", ["templates", "data/tasks"])
def test_a_deep_tree_of_empty_folders_is_walked_without_recursion(cli, repo, folder):
    # os.walk and rglob recurse: 1,500 folders deep was an internal error (RecursionError) on 3.11
    chain = [repo / folder / "d"]
    for _ in range(1499):  # (os.makedirs recurses too)
        chain.append(chain[-1] / "d")
    for path in chain:
        path.mkdir()
    try:
        assert cli("status", "-C", str(repo)).exit_code == 0
        args = ("done", "r2-01", "--on", "2024-07-01", "--dry-run", "--accept-published-change")
        result = cli(*args, "-C", str(repo), "--today", TODAY)
        assert result.exit_code == 0, result.output
    finally:  # removed here: pytest's clean-up of old temporary folders recurses too
        for path in reversed(chain):
            path.rmdir()


def test_a_name_that_is_not_utf8_is_no_control_and_a_bad_folder_hides_nothing(cli, repo):
    # a GBK name (an archive unzipped from Windows) is shown as \xb5…, not refused as E117
    os.rename(repo / "data/tasks/r2-04.yaml", os.path.join(os.fsencode(repo / "data/tasks"), "第四项.yaml".encode("gbk")))
    assert cli("validate", "-C", str(repo), "--today", TODAY).exit_code == 0
    # a folder refused as E117: the files in it are refused too, never read
    bad = repo / "data/tasks/x\x1b[31m"
    bad.mkdir()
    (bad / "r2-09.yaml").write_text("id: [\n", encoding="utf-8")
    result = cli("validate", "-C", str(repo), "--today", TODAY, "--format", "json")
    codes = sorted({p["code"] for p in json.loads(result.stdout)["problems"] if p["code"] != "W402"})
    assert codes == ["E117"], result.stdout


def test_no_way_round_the_symlink_rule_for_outputs(cli, repo, tmp_path):
    # the repository reached through a link, a link followed by .., and -o - (a file named -)
    victim = tmp_path / "outside"
    victim.mkdir()
    (repo / "evil.txt").symlink_to(victim / "target.txt")
    (repo / "sub").symlink_to(victim)
    (tmp_path / "rlink").symlink_to(repo)
    for args in (["-C", str(tmp_path / "rlink"), "render", "-o", "evil.txt"], ["-C", str(repo), "render", "-o", "sub/../x.txt"],
                 ["-C", str(tmp_path / "rlink"), "render", "-o", str(tmp_path / "rlink" / "evil.txt")]):
        result = cli(*args, "--today", TODAY)
        assert result.exit_code == 1 and "是数据仓库中的符号链接" in result.stderr, (args, result.output)
    assert list(victim.iterdir()) == []
    result = cli("-C", str(repo), "render", "-o", "-", "--today", TODAY)  # standard output, as - is for a path elsewhere
    assert result.exit_code == 0 and result.stdout.startswith("三明市") and not (repo / "-").exists()
