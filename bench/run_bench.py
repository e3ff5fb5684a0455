"""Measure `sheetsync check` and `sheetsync sync` against a bare python-calamine read.

    python bench/run_bench.py 1000 10000 50000

Measured: the bare read, `check`, the first `sync` of a fresh copy, `sync` again on
the synced copy with nothing new ("resync"), and `sync` of the synced copy a day later
("next day": the scheduled daily case, where every overdue lead's message moves, so
Check cells, Findings and Review all change).
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
from typing import Any

AS_OF = "2026-11-16"
NEXT_DAY = "2026-11-17"
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


def measure(n: int, workdir: Path, repeat: int) -> dict[str, Any]:
    # Made in a child: ru_maxrss is inherited across fork+exec, so this runner must stay
    # small or every measured child would report at least the runner's own peak.
    book = workdir / f"leads-{n}.xlsx"
    subprocess.run([sys.executable, str(Path(__file__).with_name("make_books.py")), str(n),
                    "--out", str(workdir)], check=True, stdout=subprocess.DEVNULL)
    target = workdir / f"sync-{n}.xlsx"
    synced = workdir / f"synced-{n}.xlsx"

    def fresh_copy() -> None:
        shutil.copyfile(book, target)

    def synced_copy() -> None:
        shutil.copyfile(synced, target)

    py = sys.executable
    bare = best([py, "-c", BARE, str(book)], repeat)
    check = best([py, "-m", "sheetsync", "check", str(book), "--as-of", AS_OF,
                  "--format", "json"], repeat)
    sync_argv = [py, "-m", "sheetsync", "sync", str(target), "--as-of", AS_OF]
    sync = best(sync_argv, repeat, before=fresh_copy)
    shutil.copyfile(target, synced)
    # The scheduled case: the same workbook synced again with nothing new.  It reads the
    # generated sheets' fingerprints and writes nothing.
    resync = best(sync_argv, repeat)
    # And the next day's run: the same log, one day on.
    next_day = best([py, "-m", "sheetsync", "sync", str(target), "--as-of", NEXT_DAY], repeat,
                    before=synced_copy)
    return {"n": n, "bare": bare, "check": check, "sync": sync, "resync": resync,
            "next day": next_day}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows.append(measure(n, Path(tmp), args.repeat))
    runs = ["check", "sync", "resync", "next day"]
    print("| leads | bare read s | " + " | ".join(f"{k} s | {k} ÷ bare" for k in runs) + " |")
    print("|---:|---:|" + "---:|---:|" * len(runs))
    for r in rows:
        bare = r["bare"][0]
        cells = [f"{r[k][0]:.2f} | {r[k][0] / bare:.2f}×" for k in runs]
        print(f"| {r['n']:,} | {bare:.2f} | " + " | ".join(cells) + " |")
    print("\nPeak memory, MiB:\n")
    print("| leads | bare read | " + " | ".join(runs) + " |")
    print("|---:|---:|" + "---:|" * len(runs))
    for r in rows:
        print(f"| {r['n']:,} | " + " | ".join(f"{r[k][1]:.0f}" for k in ["bare", *runs]) + " |")
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        print(f"\nScaling {a['n']:,} → {b['n']:,} leads ({b['n'] / a['n']:.0f}× the rows):"
              f" check {b['check'][0] / a['check'][0]:.1f}×,"
              f" sync {b['sync'][0] / a['sync'][0]:.1f}×")
    help_s = min(run([sys.executable, "-m", "sheetsync", "--help"])[0] for _ in range(5))
    print(f"\n`sheetsync --help`: {help_s:.2f} s")


if __name__ == "__main__":
    main()
