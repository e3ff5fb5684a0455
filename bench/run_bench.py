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

    python bench/run_bench.py 50000 --baseline ../old

measures an earlier checkout too (`git worktree add ../old <commit>`), its commands
taking turns with this one's in the same run (the same machine, minute and book), and
prints its table and each command's time as a ratio to the baseline's.

Both are byte-compiled first (`compileall`), as an installed package runs: a machine
with PYTHONDONTWRITEBYTECODE set would otherwise compile every module in every
process, which says nothing about sheetsync's speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
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


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak MiB) of one child process, run from a neutral folder (`-m`
    looks in the current folder first: run from a checkout, it would find that one)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=tempfile.gettempdir())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} exited {code}: {err}")
    return wall, usage.ru_maxrss / 1024


Result = dict[str, tuple[float, float]]
Runs = dict[str, list[tuple[float, float]]]     # code -> (wall, MiB) of each run, in turn


def in_turn(argv_of: Any, repeat: int, codes: dict[str, dict[str, str] | None],
            before: Any = None) -> Runs:
    """Each code's runs of the command `argv_of(code)`, the codes taking turns run by
    run (A B A B ...: a drift of the machine's speed hits both alike).  `before(code)`
    prepares each run (a fresh copy of a book)."""
    runs: Runs = {code: [] for code in codes}
    for _ in range(repeat):
        for code, env in codes.items():
            if before is not None:
                before(code)
            runs[code].append(run(argv_of(code), env))
    return runs


def measure(n: int, workdir: Path, repeat: int,
            codes: dict[str, dict[str, str] | None]) -> dict[str, dict[str, Any]]:
    """{code: {command: [(seconds, MiB) of each run]}} for a book of `n` leads."""
    # Made in a child: ru_maxrss is inherited across fork+exec, so this runner must stay
    # small or every measured child would report at least the runner's own peak.
    book = workdir / f"leads-{n}.xlsx"
    subprocess.run([sys.executable, str(Path(__file__).with_name("make_books.py")), str(n),
                    "--out", str(workdir)], check=True, stdout=subprocess.DEVNULL)

    def target(code: str) -> Path:          # each code syncs its own copy
        return workdir / f"sync-{n}-{code}.xlsx"

    def synced(code: str) -> Path:
        return workdir / f"synced-{n}-{code}.xlsx"

    def fresh_copy(code: str) -> None:
        shutil.copyfile(book, target(code))

    def synced_copy(code: str) -> None:
        shutil.copyfile(synced(code), target(code))

    def sync(as_of: str) -> Any:
        return lambda code: [py, "-m", "sheetsync", "sync", str(target(code)), "--as-of", as_of]

    py = sys.executable
    out: dict[str, dict[str, Any]] = {code: {"n": n} for code in codes}
    for name, argv_of, before in [
        ("bare", lambda code: [py, "-c", BARE, str(book)], None),
        ("check", lambda code: [py, "-m", "sheetsync", "check", str(book), "--as-of", AS_OF,
                                "--format", "json"], None),
        ("sync", sync(AS_OF), fresh_copy),
        # The scheduled case: the same workbook synced again with nothing new.  It reads
        # the generated sheets' fingerprints and writes nothing.
        ("resync", sync(AS_OF), None),
        # And the next day's run: the same log, one day on.
        ("next day", sync(NEXT_DAY), synced_copy),
    ]:
        for code, runs in in_turn(argv_of, repeat, codes, before).items():
            out[code][name] = runs
        if name == "sync":
            for code in codes:
                shutil.copyfile(target(code), synced(code))
    return out


def summary(runs: dict[str, Any]) -> Result:
    """{command: (best wall, peak MiB)} of one code's runs."""
    return {"n": (runs["n"], 0), **{k: (min(w for w, _ in rs), max(m for _, m in rs))
                                    for k, rs in runs.items() if k != "n"}}


def compile_code(where: Path) -> None:
    """Byte-compile the sheetsync package under `where`, as pip does on install."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(where / "sheetsync")],
                   check=True, stdout=subprocess.DEVNULL)


RUNS = ["check", "sync", "resync", "next day"]


def table(rows: list[Result]) -> None:
    print("| leads | bare read s | " + " | ".join(f"{k} s | {k} ÷ bare" for k in RUNS) + " |")
    print("|---:|---:|" + "---:|---:|" * len(RUNS))
    for r in rows:
        bare = r["bare"][0]
        cells = [f"{r[k][0]:.2f} | {r[k][0] / bare:.2f}×" for k in RUNS]
        print(f"| {r['n'][0]:,} | {bare:.2f} | " + " | ".join(cells) + " |")
    print("\nPeak memory, MiB:\n")
    print("| leads | bare read | " + " | ".join(RUNS) + " |")
    print("|---:|---:|" + "---:|" * len(RUNS))
    for r in rows:
        print(f"| {r['n'][0]:,} | " + " | ".join(f"{r[k][1]:.0f}" for k in ["bare", *RUNS])
              + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path,
                        help="an earlier checkout of sheetsync, measured in turn with this one")
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1]
    codes: dict[str, dict[str, str] | None] = {"this": {**os.environ,
                                                        "PYTHONPATH": str(here)}}
    compile_code(here)
    if args.baseline is not None:
        base = args.baseline.resolve()
        compile_code(base)
        codes["baseline"] = {**os.environ, "PYTHONPATH": str(base)}
    measured = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            measured.append(measure(n, Path(tmp), args.repeat, codes))
    by_code = {code: [summary(m[code]) for m in measured] for code in codes}
    rows = by_code["this"]
    table(rows)
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        print(f"\nScaling {a['n'][0]:,} → {b['n'][0]:,} leads ({b['n'][0] / a['n'][0]:.0f}× the"
              f" rows): check {b['check'][0] / a['check'][0]:.1f}×,"
              f" sync {b['sync'][0] / a['sync'][0]:.1f}×")
    help_s = min(run([sys.executable, "-m", "sheetsync", "--help"])[0] for _ in range(5))
    print(f"\n`sheetsync --help`: {help_s:.2f} s")
    if args.baseline is not None:
        print(f"\nBaseline ({args.baseline}), measured in turn in the same run:\n")
        table(by_code["baseline"])
        print("\nThis ÷ baseline, time: the best run's over the best run's, and in brackets"
              " the median of the ratios run by run (each run beside its baseline run):\n")
        print("| leads | " + " | ".join(RUNS) + " |")
        print("|---:|" + "---:|" * len(RUNS))
        for m, mine, theirs in zip(measured, rows, by_code["baseline"], strict=True):
            cells = []
            for k in RUNS:
                pairs = [a[0] / b[0] for a, b in zip(m["this"][k], m["baseline"][k],
                                                     strict=True)]
                cells.append(f"{mine[k][0] / theirs[k][0]:.2f} ({statistics.median(pairs):.2f})")
            print(f"| {mine['n'][0]:,} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
