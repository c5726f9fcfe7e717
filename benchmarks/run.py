"""Time `dufu validate` and dufu's start-up against a plain CSafeLoader parse of a generated repository."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TODAY = "2026-01-01"
STARTUP_REPEAT = 10


def best(fn, repeat: int) -> float:
    """Best wall time of repeat calls of fn, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run_child(cmd: list[str]) -> tuple[float, int, float, str]:
    """Run cmd; return wall seconds, exit code, peak RSS in MiB (from os.wait4) and its output."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return elapsed, proc.returncode, rss, text


def best_child(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time and highest peak RSS over repeat runs; exits loudly if cmd fails."""
    times, peaks = [], []
    for _ in range(repeat):
        elapsed, code, rss, text = run_child(cmd)
        if code != 0:
            sys.exit(f"FAILED (exit {code}): {' '.join(cmd)}\n{text[-4000:]}")
        times.append(elapsed)
        peaks.append(rss)
    return min(times), max(peaks)


def repository(size: int, base: Path) -> Path:
    """base/tasks-SIZE, generated unless it already holds a data/ folder."""
    root = base / f"tasks-{size}"
    if (root / "data").is_dir():
        print(f"reusing {root}", file=sys.stderr)
    else:
        cmd = [sys.executable, str(HERE / "generate.py"), "--tasks", str(size), str(root)]
        print(f"generating {size} tasks into {root} ...", file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=sys.stderr)
    return root


def validate_cmd(root: Path) -> list[str]:
    return [sys.executable, "-m", "dufu", "validate", "-C", str(root), "--today", TODAY]


def dufu_cmd() -> list[str]:
    """The installed console script next to this interpreter, else python -m dufu."""
    script = Path(sys.executable).parent / "dufu"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dufu"]


def verdict(ratio: float, must: float, aim: float | None = None) -> str:
    if ratio > must:
        return f"MISSED (must ≤ {must})"
    if aim is not None and ratio >= aim:
        return f"ok (≤ {must}), aim < {aim} missed"
    return f"ok (≤ {must}{f', < {aim}' if aim else ''})"


def time_stages(root: Path, repeat: int) -> None:
    """Print the stage table and the start-up table for one repository."""
    from dufu.validate import validate_repository

    files = sorted((root / "data").rglob("*.yaml"))
    raws = [path.read_bytes() for path in files]
    megabytes = sum(map(len, raws)) / 1e6
    read = best(lambda: [path.read_bytes() for path in files], repeat)
    parse = best(lambda: [yaml.load(raw, Loader=yaml.CSafeLoader) for raw in raws], repeat)
    validate, peak = best_child(validate_cmd(root), repeat)

    def in_process() -> None:
        result = validate_repository(root, date.fromisoformat(TODAY))
        if result.errors:
            sys.exit(f"FAILED: validate_repository found {result.errors} errors in {root}")

    core = best(in_process, repeat)
    print(f"\n### {len(files)} files, {megabytes:.1f} MB, best of {repeat}\n")
    print("| stage | seconds | × CSafeLoader parse | target |")
    print("|---|---:|---:|---|")
    rows = [
        ("(a) read all files' bytes", read, ""),
        ("(b) `yaml.load(raw, Loader=yaml.CSafeLoader)` each file", parse, "baseline"),
        ("(c) `dufu validate` (subprocess)", validate, verdict(validate / parse, 1.5, 1.0)),
        ("(d) `validate_repository()` (in-process)", core, ""),
    ]
    for label, seconds, target in rows:
        print(f"| {label} | {seconds:.3f} | {seconds / parse:.2f} | {target} |")
    print(f"\n(f) peak RSS of `dufu validate`: {peak:.0f} MiB")

    dufu = dufu_cmd()
    baseline, _ = best_child([sys.executable, "-c", "import typer"], STARTUP_REPEAT)
    print(f"\n### start-up, best of {STARTUP_REPEAT}\n")
    print("| command | seconds | × `import typer` | target |")
    print("|---|---:|---:|---|")
    print(f'| `python -c "import typer"` | {baseline:.3f} | 1.00 | baseline |')
    for flag in ("--help", "--version"):
        seconds, _ = best_child([*dufu, flag], STARTUP_REPEAT)
        label = f"`{' '.join(Path(part).name for part in dufu)} {flag}`"
        print(f"| {label} | {seconds:.3f} | {seconds / baseline:.2f} | {verdict(seconds / baseline, 1.3)} |")


def rss_table(sizes: list[int], base: Path) -> None:
    """One `dufu validate` run per size: wall time and peak RSS."""
    print("\n### (f) peak RSS of `dufu validate` per size (one run each)\n")
    print("| tasks | files | MB | seconds | peak RSS (MiB) |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        root = repository(size, base)
        files = list((root / "data").rglob("*.yaml"))
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        seconds, peak = best_child(validate_cmd(root), 1)
        print(f"| {size} | {len(files)} | {megabytes:.1f} | {seconds:.2f} | {peak:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, action="append",
                        help="repository size in tasks (default 10000); repeat for an RSS table per size")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs per stage")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep repositories in DIR/tasks-N and reuse them when already present")
    args = parser.parse_args()
    sizes = args.tasks or [10000]
    print(f"Python {platform.python_version()}, PyYAML {yaml.__version__} "
          f"(libyaml: {yaml.__with_libyaml__}), {os.cpu_count()} CPUs, {platform.system()}")
    with tempfile.TemporaryDirectory(prefix="dufu-bench-") as tmp:
        base = args.keep or Path(tmp)
        time_stages(repository(sizes[0], base), args.repeat)
        if len(sizes) > 1:
            rss_table(sizes, base)


if __name__ == "__main__":
    main()
