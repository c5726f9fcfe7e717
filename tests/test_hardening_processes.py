"""No process outlives dufu, Ctrl-C is one line and exit 130, and signals during a write leave
no temporary file. Real processes and real signals (Linux/POSIX)."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROJECT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

DUFU = [sys.executable, "-m", "dufu"]


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory) -> Path:
    """A generated repository large enough for validate to use worker processes."""
    out = tmp_path_factory.mktemp("big")
    subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "generate.py"), "--tasks", "4000", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def _alive(pid: int) -> bool:
    """True when pid runs (a zombie waiting for its reaper has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii")
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    # a new session (as a terminal's foreground job), SIGINT at its default like in a shell
    return subprocess.Popen(
        DUFU + args,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_workers(process: subprocess.Popen, count: int = 2, timeout: float = 20) -> list[int]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        children = _children(process.pid)
        if len(children) >= count:
            time.sleep(0.2)  # let them start working
            return children
        time.sleep(0.02)
    pytest.fail("validate did not start worker processes")


@pytest.mark.skipif(not Path("/proc/self/stat").exists() or (os.cpu_count() or 1) < 2, reason="needs /proc, 2 cores")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_killing_dufu_during_a_parallel_run_leaves_no_worker(big_repo, sig):
    process = _start(["validate"], big_repo)
    workers = _wait_for_workers(process)
    os.kill(process.pid, sig)
    process.wait(timeout=10)
    end = time.monotonic() + 3
    while any(map(_alive, workers)) and time.monotonic() < end:
        time.sleep(0.05)
    assert not [pid for pid in workers if _alive(pid)], f"workers outlived dufu after {sig.name}"
    # and nobody holds the output open: reading it ends
    process.stdout.read()
    err = process.stderr.read().decode("utf-8")
    assert "Traceback" not in err
    if sig != signal.SIGKILL:  # ended through its clean-up, with the shell's 128 + n
        assert process.returncode == 128 + sig


@pytest.mark.skipif(not Path("/proc/self/stat").exists() or (os.cpu_count() or 1) < 2, reason="needs /proc, 2 cores")
def test_ctrl_c_during_a_parallel_run_is_one_line_and_exit_130(big_repo):
    for _ in range(3):  # a traceback from a worker used to show up now and then
        process = _start(["validate"], big_repo)
        workers = _wait_for_workers(process)
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        _, err = process.communicate(timeout=20)
        assert process.returncode == 130
        assert err.decode("utf-8").strip() == "已中断。"
        time.sleep(0.3)
        assert not [pid for pid in workers if _alive(pid)]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path, sig):
    """Write a 20 MB file over and over while signals arrive: the folder only ever holds the
    old file or the new one, never a temporary file."""
    script = (
        "import sys; from pathlib import Path; from dufu.files import write_atomic\n"
        "sys.stdout.write('go\\n'); sys.stdout.flush()\n"
        "while True: write_atomic(Path(sys.argv[1]), b'x' * (20 * 1024 * 1024))\n"
    )
    target = tmp_path / "notice.txt"
    for delay in (0.05, 0.13, 0.3):
        process = subprocess.Popen(
            [sys.executable, "-c", script, str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        process.stdout.readline()
        time.sleep(delay)
        process.send_signal(sig)
        process.wait(timeout=20)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notice.txt"]
        assert target.stat().st_size in (0, 20 * 1024 * 1024)


def test_kill_9_during_a_write_leaves_the_old_or_the_new_file(tmp_path):
    script = (
        "import sys; from pathlib import Path; from dufu.files import write_atomic\n"
        "sys.stdout.write('go\\n'); sys.stdout.flush()\n"
        "n = 0\n"
        "while True:\n"
        "    n += 1; write_atomic(Path(sys.argv[1]), bytes([65 + n % 26]) * (8 * 1024 * 1024))\n"
    )
    target = tmp_path / "notice.txt"
    for delay in (0.05, 0.2, 0.45):
        process = subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE)
        process.stdout.readline()
        time.sleep(delay)
        process.kill()
        process.wait(timeout=10)
        if target.exists():
            content = target.read_bytes()
            assert len(content) == 8 * 1024 * 1024 and content == content[:1] * len(content), "torn file"


def test_a_parallel_load_reports_its_progress_in_order(big_repo):
    """fork_map hands each result over as it comes: the progress callback sees every share,
    rising to 1, and the results are those of a serial run."""
    from dufu.load import LoadOptions, _load_chunk, load_all
    from dufu.progress import REPORT
    from dufu.sources import discover

    sources = [s for s in discover(big_repo) if s.kind == "task"]
    options = LoadOptions(big_repo, __import__("datetime").date(2026, 1, 1), None, keep_text=False)
    seen: list[float] = []
    token = REPORT.set(seen.append)
    try:
        parallel = load_all(sources, options)
    finally:
        REPORT.reset(token)
    assert seen == sorted(seen) and seen[-1] == 1 and len(seen) > 2
    serial = _load_chunk(sources, options)
    assert [(i.source.rel, i.model, i.problems) for i in parallel] == [(i.source.rel, i.model, i.problems) for i in serial]


def test_progress_is_shown_only_on_a_terminal(big_repo):
    """Through pipes (CI logs, scripts) validate prints no progress line, whatever CI says."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    done = subprocess.run(DUFU + ["validate", "--no-cache"], cwd=big_repo, capture_output=True, env=env, timeout=120)
    assert done.returncode in (0, 1) and "正在读取" not in done.stderr.decode("utf-8")


def _tracked_after(cli, repo: Path, days: list[str]) -> int:
    """The objects the collector tracks (frozen or not) after these commands, once a day: on
    a new day each answer is computed, not replayed from the index."""
    for day in days:
        for args in (["validate"], ["status", "--as-of", day], ["list", "--no-cache"], ["render", "--today", day]):
            assert cli(*args, "-C", str(repo)).exit_code == 0
    gc.collect()
    return len(gc.get_objects()) + gc.get_freeze_count()


def test_dufu_run_in_process_again_and_again_does_not_grow(cli, repo, monkeypatch):
    """dufu used in a long-lived process (as a library, or by these tests) leaves the garbage
    collector as it found it: nothing frozen, so the cycles each command leaves are freed.
    (A dataset read from the index holds a cycle; frozen, every command kept its dataset: a
    random test of the index grew by 150 MB a test.)"""
    from dufu import index

    monkeypatch.setattr(index, "RACY_NS", 0)  # the files were written just now: the index vouches for them at once
    frozen = gc.get_freeze_count()
    first = _tracked_after(cli, repo, ["2024-06-01"])  # the caches of a first run filled
    assert _tracked_after(cli, repo, [f"2024-06-{day:02}" for day in range(2, 7)]) - first < 500
    assert gc.get_freeze_count() == frozen


def test_the_dufu_command_freezes_what_it_loaded(repo):
    """The `dufu` command, whose process ends with it, does freeze what it loaded: the
    collector then never walks it (see collector.gc_paused)."""
    code = "import gc, sys; from dufu.cli import run; sys.argv = ['dufu', 'status', '-C', sys.argv[1]]\n"
    code += "try:\n    run()\nexcept SystemExit:\n    pass\nprint(gc.get_freeze_count(), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=True)
    assert int(result.stderr.split()[-1]) > 1000
