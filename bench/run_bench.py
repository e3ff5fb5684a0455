"""Measure `sheetsync check` and `sheetsync sync` against a bare python-calamine read.

    python bench/run_bench.py 1000 10000 50000

Measured: the bare read, `check`, the first `sync` of a fresh copy, and `sync` again on
the synced copy with nothing new (the scheduled case, "resync").
Every measurement is a fresh process (interpreter start-up always included),
timed by wall clock, with its peak memory (max RSS) from os.wait4.  The books are made
in a child too, so this runner stays small (Linux carries a parent's peak RSS into
its children's ru_maxrss).  Each command runs
`--repeat` times and the best time is kept.  Prints a Markdown table of seconds,
MiB and ratios to the bare read, measured in this one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = "2026-11-16"
BARE = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "wb = CalamineWorkbook.from_path(sys.argv[1])\n"
    "for name in wb.sheet_names:\n"
    "    wb.get_sheet_by_name(name).to_python(skip_empty_area=False)\n"
)


def run(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} exited {code}: {err}")
    return wall, usage.ru_maxrss / 1024


def best(argv: list[str], repeat: int, before: object = None) -> tuple[float, float]:
    results = []
    for _ in range(repeat):
        if callable(before):
            before()
        results.append(run(argv))
    return min(r[0] for r in results), max(r[1] for r in results)


def measure(n: int, workdir: Path, repeat: int) -> dict[str, float]:
    # Made in a child: ru_maxrss is inherited across fork+exec, so this runner must stay
    # small or every measured child would report at least the runner's own peak.
    book = workdir / f"leads-{n}.xlsx"
    subprocess.run([sys.executable, str(Path(__file__).with_name("make_books.py")), str(n),
                    "--out", str(workdir)], check=True, stdout=subprocess.DEVNULL)
    target = workdir / f"sync-{n}.xlsx"

    def fresh_copy() -> None:
        shutil.copyfile(book, target)

    py = sys.executable
    bare = best([py, "-c", BARE, str(book)], repeat)
    check = best([py, "-m", "sheetsync", "check", str(book), "--as-of", AS_OF,
                  "--format", "json"], repeat)
    sync_argv = [py, "-m", "sheetsync", "sync", str(target), "--as-of", AS_OF]
    sync = best(sync_argv, repeat, before=fresh_copy)
    # The scheduled case: the same workbook synced again with nothing new.  It reads the
    # generated sheets back to compare, and writes nothing.
    resync = best(sync_argv, repeat)
    return {"n": n, "bare_s": bare[0], "bare_mib": bare[1], "check_s": check[0],
            "check_mib": check[1], "sync_s": sync[0], "sync_mib": sync[1],
            "resync_s": resync[0], "resync_mib": resync[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows.append(measure(n, Path(tmp), args.repeat))
    print("| leads | bare read s | check s | check ÷ bare | sync s | sync ÷ bare |"
          " resync s | resync ÷ bare | bare MiB | check MiB | sync MiB | resync MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        bare = r["bare_s"]
        print(f"| {r['n']:,} | {bare:.2f} | {r['check_s']:.2f} | {r['check_s'] / bare:.2f}× |"
              f" {r['sync_s']:.2f} | {r['sync_s'] / bare:.2f}× | {r['resync_s']:.2f} |"
              f" {r['resync_s'] / bare:.2f}× | {r['bare_mib']:.0f} | {r['check_mib']:.0f} |"
              f" {r['sync_mib']:.0f} | {r['resync_mib']:.0f} |")
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        print(f"\nScaling {a['n']:,} → {b['n']:,} leads ({b['n'] / a['n']:.0f}× the rows):"
              f" check {b['check_s'] / a['check_s']:.1f}×, sync {b['sync_s'] / a['sync_s']:.1f}×")
    help_s = min(run([sys.executable, "-m", "sheetsync", "--help"])[0] for _ in range(5))
    print(f"\n`sheetsync --help`: {help_s:.2f} s")


if __name__ == "__main__":
    main()
