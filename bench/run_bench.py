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


def best(argv: list[str], repeat: int, codes: dict[str, dict[str, str] | None],
         before: Any = None) -> dict[str, tuple[float, float]]:
    """{code: (best wall, peak MiB)} of `argv` under each code's environment, the codes
    taking turns run by run.  `before(code)` prepares each run (a fresh copy of a book)."""
    results: dict[str, list[tuple[float, float]]] = {code: [] for code in codes}
    for _ in range(repeat):
        for code, env in codes.items():
            if before is not None:
                before(code)
            results[code].append(run(argv, env))
    return {code: (min(r[0] for r in rs), max(r[1] for r in rs)) for code, rs in results.items()}


def measure(n: int, workdir: Path, repeat: int,
            codes: dict[str, dict[str, str] | None]) -> dict[str, Result]:
    """{code: {command: (seconds, MiB)}} for a book of `n` leads."""
    # Made in a child: ru_maxrss is inherited across fork+exec, so this runner must stay
    # small or every measured child would report at least the runner's own peak.
    book = workdir / f"leads-{n}.xlsx"
    subprocess.run([sys.executable, str(Path(__file__).with_name("make_books.py")), str(n),
                    "--out", str(workdir)], check=True, stdout=subprocess.DEVNULL)

    def target(code: str) -> Path:
        return workdir / f"sync-{n}-{code}.xlsx"

    def synced(code: str) -> Path:
        return workdir / f"synced-{n}-{code}.xlsx"

    def fresh_copy(code: str) -> None:
        shutil.copyfile(book, target(code))

    def synced_copy(code: str) -> None:
        shutil.copyfile(synced(code), target(code))

    py = sys.executable
    out: dict[str, Result] = {code: {"n": (n, 0)} for code in codes}
    for name, argv, before in [
        ("bare", [py, "-c", BARE, str(book)], None),
        ("check", [py, "-m", "sheetsync", "check", str(book), "--as-of", AS_OF,
                   "--format", "json"], None),
    ]:
        for code, got in best(argv, repeat, codes, before).items():
            out[code][name] = got
    # Each code syncs its own copy (`{code}` in the path is filled per run).
    for name, as_of, before in [
        ("sync", AS_OF, fresh_copy),
        # The scheduled case: the same workbook synced again with nothing new.  It reads
        # the generated sheets' fingerprints and writes nothing.
        ("resync", AS_OF, None),
        # And the next day's run: the same log, one day on.
        ("next day", NEXT_DAY, synced_copy),
    ]:
        results: dict[str, tuple[float, float]] = {}
        for _ in range(repeat):
            for code, env in codes.items():
                if before is not None:
                    before(code)
                got = run([py, "-m", "sheetsync", "sync", str(target(code)), "--as-of", as_of],
                          env)
                old = results.get(code)
                results[code] = got if old is None else (min(old[0], got[0]),
                                                         max(old[1], got[1]))
        for code, got in results.items():
            out[code][name] = got
        if name == "sync":
            for code in codes:
                shutil.copyfile(target(code), synced(code))
    return out


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
    by_code: dict[str, list[Result]] = {code: [] for code in codes}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            for code, result in measure(n, Path(tmp), args.repeat, codes).items():
                by_code[code].append(result)
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
        print("\nThis ÷ baseline, time:\n")
        print("| leads | " + " | ".join(RUNS) + " |")
        print("|---:|" + "---:|" * len(RUNS))
        for mine, theirs in zip(rows, by_code["baseline"], strict=True):
            print(f"| {mine['n'][0]:,} | "
                  + " | ".join(f"{mine[k][0] / theirs[k][0]:.2f}" for k in RUNS) + " |")


if __name__ == "__main__":
    main()
