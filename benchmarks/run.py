"""Time `dufu validate` and dufu's start-up against a plain CSafeLoader parse of a generated repository."""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TODAY = "2026-01-01"
STARTUP_REPEAT = 15


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (e.g. dufu's worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best(fn, repeat: int) -> tuple[float, float]:
    """Wall and CPU seconds of the fastest of repeat calls of fn."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), cpu_seconds()
        fn()
        runs.append((time.perf_counter() - wall, cpu_seconds() - cpu))
    return min(runs)


# Runs a command and reports its wall time, exit code and peak RSS (os.wait4). A separate small
# launcher, because on Linux a child's ru_maxrss also counts the RSS of the process it was
# forked from: measured from run.py itself it would report run.py's own size.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stderr=subprocess.STDOUT)
_, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - start
proc.returncode = os.waitstatus_to_exitcode(status)
print(elapsed, usage.ru_utime + usage.ru_stime, proc.returncode, usage.ru_maxrss, file=sys.stderr)
"""


def run_child(cmd: list[str]) -> tuple[float, float, int, float, str]:
    """Run cmd; return wall and CPU seconds, exit code, peak RSS in MiB and its output."""
    with tempfile.TemporaryFile() as out:
        launched = subprocess.run(
            [sys.executable, "-c", LAUNCHER, *cmd], stdout=out, stderr=subprocess.PIPE, text=True, check=True
        )
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    elapsed, cpu, code, maxrss = launched.stderr.split()[-4:]
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    rss = int(maxrss) / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return float(elapsed), float(cpu), int(code), rss, text


def best_child(cmd: list[str], repeat: int) -> tuple[float, float, float]:
    """Wall and CPU seconds of the fastest of repeat runs, and the highest peak RSS (MiB);
    exits loudly if cmd fails."""
    runs, peak = [], 0.0
    for _ in range(repeat):
        elapsed, cpu, code, rss, text = run_child(cmd)
        if code != 0:
            sys.exit(f"FAILED (exit {code}): {' '.join(cmd)}\n{text[-4000:]}")
        runs.append((elapsed, cpu))
        peak = max(peak, rss)
    return *min(runs), peak


def repository(size: int, base: Path) -> Path:
    """base/tasks-SIZE, generated unless it already holds a data/ folder."""
    root = base / f"tasks-{size}"
    sys.stdout.flush()  # keep the tables and these progress lines in order
    if (root / "data").is_dir():
        print(f"reusing {root}", file=sys.stderr)
    else:
        cmd = [sys.executable, str(HERE / "generate.py"), "--tasks", str(size), str(root)]
        print(f"generating {size} tasks into {root} ...", file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=sys.stderr)
    return root


def validate_cmd(root: Path) -> list[str]:
    return [sys.executable, "-m", "dufu", "validate", "-C", str(root), "--today", TODAY, "--no-cache"]


def dufu_cmd() -> list[str]:
    """The installed console script next to this interpreter, else python -m dufu."""
    script = Path(sys.executable).parent / "dufu"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dufu"]


def dufu_version() -> str:
    """dufu's version, plus the git commit of its source tree when there is one."""
    import dufu

    git = ["git", "-C", str(Path(dufu.__file__).parent), "describe", "--always", "--dirty"]
    try:
        commit = subprocess.run(git, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return dufu.__version__
    return f"{dufu.__version__} ({commit})"


def verdict(ratio: float, must: float, aim: float | None = None) -> str:
    if ratio > must:
        return f"MISSED (must ≤ {must})"
    if aim is not None and ratio >= aim:
        return f"ok (≤ {must}), aim < {aim} missed"
    return f"ok (≤ {must}{f', < {aim}' if aim else ''})"


def parse_each(raws: list[bytes]) -> None:
    """The baseline: what a bare parse costs. Each file's bytes (already in memory) are parsed
    with libyaml and the result dropped at once, as a competitor that only checks syntax would:
    keeping every document alive would make the collector walk them and slow the baseline
    (by about 20%), flattering dufu."""
    load, loader = yaml.load, yaml.CSafeLoader
    for raw in raws:
        load(raw, Loader=loader)


def time_stages(root: Path, repeat: int) -> float:
    """Print the stage table and the start-up table for one repository; the parse's seconds."""
    from dufu.validate import validate_repository

    files = sorted((root / "data").rglob("*.yaml"))
    raws = [path.read_bytes() for path in files]
    megabytes = sum(map(len, raws)) / 1e6
    read = best(lambda: [path.read_bytes() for path in files], repeat)
    parse = best(lambda: parse_each(raws), repeat)
    *validate, peak = best_child(validate_cmd(root), repeat)

    def in_process() -> None:
        result = validate_repository(root, date.fromisoformat(TODAY))
        if result.errors:
            sys.exit(f"FAILED: validate_repository found {result.errors} errors in {root}")

    core = best(in_process, repeat)
    print(f"\n### {len(files)} files, {megabytes:.1f} MB, best of {repeat}\n")
    print("| stage | seconds | × CSafeLoader parse | CPU seconds | target |")
    print("|---|---:|---:|---:|---|")
    rows = [
        ("(a) read all files' bytes", read, ""),
        ("(b) `yaml.load(raw, Loader=yaml.CSafeLoader)` each file", parse, "baseline"),
        ("(c) `dufu validate` (subprocess)", validate, verdict(validate[0] / parse[0], 1.5, 1.0)),
        ("(d) `validate_repository()` (in-process, keeps the prose)", core, ""),
    ]
    for label, (seconds, cpu), target in rows:
        print(f"| {label} | {seconds:.3f} | {seconds / parse[0]:.2f} | {cpu:.2f} | {target} |")
    print(
        f"\n(f) peak RSS of `dufu validate`: {peak:.0f} MiB (largest single process: worker processes are not added up)"
    )

    startup_table()
    return parse[0]


def startup_table() -> None:
    """`dufu --help`, `--version` and every `dufu COMMAND --help` against `import typer`, with
    dufu's bytecode compiled first, as an installed package has it."""
    import compileall

    import dufu as package

    compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)
    dufu = dufu_cmd()
    typer_only = [sys.executable, "-c", "import typer"]
    print(f"\n### start-up, best of {STARTUP_REPEAT}, each command timed in turn with `import typer`\n")
    print("| command | seconds | `import typer` in the same runs | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for args in (["--help"], ["--version"], *([*command, "--help"] for command in all_commands())):
        # alternate the two, so that a burst of load on a shared machine hits both alike
        mine, theirs = [], []
        for _ in range(STARTUP_REPEAT):
            mine.append(best_child([*dufu, *args], 1)[0])
            theirs.append(best_child(typer_only, 1)[0])
        ratio = min(mine) / min(theirs)
        print(f"| `dufu {' '.join(args)}` | {min(mine):.3f} | {min(theirs):.3f} | {ratio:.2f} | {verdict(ratio, 1.2)} |")


def all_commands() -> list[list[str]]:
    """Every command and subcommand of dufu, as typed."""
    from dufu.cli import app

    def name(info) -> str:
        return info.name or info.callback.__name__.replace("_", "-")

    out = [[name(c)] for c in app.registered_commands]
    for group in app.registered_groups:
        out += [[group.name, name(c)] for c in group.typer_instance.registered_commands]
    return out


def index_commands(root: Path) -> list[tuple[str, list[str], Path]]:
    """(label, dufu arguments, the file the one-change run edits) for the index table."""
    tasks = sorted((root / "data" / "tasks").rglob("*.yaml"))
    task, other = tasks[0], tasks[1]
    return [
        ("status", ["status"], other),
        ("list --format json", ["list", "--format", "json"], other),
        ("list --unit 市生态环境局 --format json", ["list", "--unit", "市生态环境局", "--format", "json"], other),
        ("list --unit 市生态环境局 (the table)", ["list", "--unit", "市生态环境局"], other),
        (f"show {task.stem}", ["show", task.stem], other),
        ("render", ["render", "--today", TODAY], other),
        ("validate", ["validate", "--today", TODAY], other),
        ("validate ONE_FILE", ["validate", str(task), "--today", TODAY], task),
    ]


def _toggle(path: Path) -> None:
    """A real edit of one task file that keeps it valid: its title gains or loses a character."""
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.split("\n") if line.startswith("title: "))
    new = line[:-1] if line.endswith("改") else line + "改"
    path.write_text(text.replace(line, new, 1), encoding="utf-8")


def index_table(root: Path, parse: float) -> None:
    """Each command: without the index, building it (cold), then warm twice (the first, with
    the answer the cold run kept thrown away, computes it from the index; the second replays
    the answer the first kept), then after one changed file. Each row starts from no index."""
    dufu = dufu_cmd()
    print(f"\n### the index (.dufu/), one run each; × the CSafeLoader parse ({parse:.2f} s)\n")
    print(
        "| command | `--no-cache` | cold (builds the index) | cold CPU | warm: from the index | warm: asked again "
        "| one file changed | peak RSS no-cache / cold / warm (MiB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, args, edited in index_commands(root):
        cmd = [*dufu, *args, "-C", str(root)]
        time.sleep(3.5)  # the previous row's edit settles: each row starts alike
        plain = best_child([*cmd, "--no-cache"], 1)
        shutil.rmtree(root / ".dufu", ignore_errors=True)
        cold = best_child(cmd, 1)
        shutil.rmtree(root / ".dufu" / "answers", ignore_errors=True)  # the answer the cold run kept
        warm = best_child(cmd, 1)
        again = best_child(cmd, 1)
        _toggle(edited)
        one = best_child(cmd, 1)
        cells = [f"{t[0]:.2f} s ({t[0] / parse:.3f}×)" for t in (plain, cold)]
        cells.append(f"{cold[1]:.2f} s ({cold[1] / parse:.2f}×)")
        cells += [f"{t[0]:.3f} s ({t[0] / parse:.3f}×)" for t in (warm, again, one)]
        peaks = f"{plain[2]:.0f} / {cold[2]:.0f} / {warm[2]:.0f}"
        print(f"| `dufu {label}` | {' | '.join(cells)} | {peaks} |")
    print(
        "\nTargets at 30,000 tasks: warm ≤ 0.05×, one file changed ≤ 0.1× (`validate ONE_FILE` ≤ 0.05×), "
        "cold wall ≤ 0.9× and CPU ≤ 1.3×. Peak RSS is the largest single process (workers not added up). "
        "\"Warm: from the index\" is a run after the index was built, with the answer the cold run kept "
        "thrown away: unchanged files are not read, but the command computes its answer; "
        "\"asked again\" replays the answer that run kept (as it would the cold run's)."
    )


def other_queries_table(root: Path, parse: float) -> None:
    """Queries not asked before, on an index that vouches for the repository: nothing kept to
    replay, so this is what the index itself gives a person who asks one thing after another."""
    dufu = dufu_cmd()
    time.sleep(3.5)  # the last edit settles (a file changed within 3 s is hashed again)
    for _ in range(2):
        best_child([*dufu, "validate", "-C", str(root)], 1)
    tasks = sorted((root / "data" / "tasks").rglob("*.yaml"))
    units = yaml.safe_load((root / "data" / "units.yaml").read_text(encoding="utf-8"))["units"]
    queries = [["show", path.stem] for path in (tasks[7], tasks[len(tasks) // 2], tasks[-3])]
    queries += [["list", "--unit", unit["name"], "--format", "json"] for unit in units[3:5]]
    queries += [["status", "--as-of", "2025-06-30"], ["render", "--today", "2026-01-02"]]
    print(f"\n### asked for the first time on a warm index; × the CSafeLoader parse ({parse:.2f} s)\n")
    print("| command | seconds | × parse | peak RSS (MiB) |")
    print("|---|---:|---:|---:|")
    for args in queries:
        seconds, _, peak = best_child([*dufu, *args, "-C", str(root)], 1)
        print(f"| `dufu {' '.join(args)}` | {seconds:.3f} | {seconds / parse:.3f}× | {peak:.0f} |")


def rss_table(sizes: list[int], base: Path) -> None:
    """One `dufu validate` run per size: wall time and peak RSS."""
    roots = [repository(size, base) for size in sizes]
    print("\n### (f) peak RSS of `dufu validate` per size (one run each)\n")
    print("| tasks | files | MB | seconds | CPU seconds | peak RSS (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, root in zip(sizes, roots, strict=True):
        files = list((root / "data").rglob("*.yaml"))
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        seconds, cpu, peak = best_child(validate_cmd(root), 1)
        print(f"| {size} | {len(files)} | {megabytes:.1f} | {seconds:.2f} | {cpu:.2f} | {peak:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--tasks",
        type=int,
        action="append",
        help="repository size in tasks (default 10000); repeat for an RSS table per size",
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs per stage")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep repositories in DIR/tasks-N and reuse them when already present"
    )
    parser.add_argument("--no-index", action="store_true", help="skip the table of the index (.dufu/)")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up table (no repository)")
    args = parser.parse_args()
    if args.startup_only:
        startup_table()
        return
    sizes = args.tasks or [10000]
    print(
        f"dufu {dufu_version()}, Python {platform.python_version()}, PyYAML {yaml.__version__} "
        f"(libyaml: {yaml.__with_libyaml__}), {os.cpu_count()} CPUs, {platform.system()}"
    )
    with tempfile.TemporaryDirectory(prefix="dufu-bench-") as tmp:
        base = args.keep or Path(tmp)
        root = repository(sizes[0], base)
        parse = time_stages(root, args.repeat)
        if not args.no_index:
            index_table(root, parse)
            other_queries_table(root, parse)
        if len(sizes) > 1:
            rss_table(sizes, base)


if __name__ == "__main__":
    main()
