"""Helpers for the CRM-export tests: the real exports, pasted as an operator pastes them,
and the five counters computed plainly from the CSV (DESIGN.md §3, literally)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheetsync.cli import main


def corpus_dir() -> Path | None:
    """../shared/corpus/crm from the repository (looked for upwards, so a worktree that
    sits one folder deeper finds it too)."""
    for parent in Path(__file__).resolve().parents:
        found = parent / "shared" / "corpus" / "crm"
        if found.is_dir():
            return found
    return None


CRM = corpus_dir()


def export(name: str) -> Path:
    if CRM is None or not (CRM / name).is_file():
        pytest.skip(f"CRM corpus not found ({name})")
    return CRM / name


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def new_book(path: Path, example: bool = True) -> Path:
    """`sheetsync init [--example] path`, as a new user starts."""
    args = ["init", str(path)] + (["--example"] if example else [])
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    return path


def paste(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Leads",
          rules_rows: Sequence[Sequence[Any]] = (), clear: bool = True) -> Path:
    """`rows` pasted at A1 of `sheet` (the Leads sheet emptied first unless not `clear`;
    another sheet made), text cells as text as a paste leaves them; `rules_rows` typed
    under the Rules sheet."""
    book = load_workbook(path)
    if sheet in book.sheetnames:
        ws = book[sheet]
        if clear:
            ws.delete_rows(1, ws.max_row)
    else:
        ws = book.create_sheet(sheet)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v not in ("", None):
                ws.cell(r, c).value = v
    rules = book["Rules"]
    for row in rules_rows:
        rules.append(list(row))
    book.save(path)
    return path


def check_json(path: Path, as_of: str, *extra: str) -> dict[str, Any]:
    out = CliRunner().invoke(main, ["check", str(path), "--as-of", as_of, "--format", "json",
                                    *extra])
    assert out.exit_code in (0, 1), out.output
    return json.loads(out.output)  # type: ignore[no-any-return]


# --- the five counters, computed plainly -------------------------------------------------

def window(as_of: dt.date, weeks: int = 4) -> tuple[dt.date, dt.date]:
    """The last `weeks` whole Mon-Sun weeks before the as-of date's week."""
    monday = as_of - dt.timedelta(days=as_of.weekday())
    return monday - dt.timedelta(weeks=weeks), monday - dt.timedelta(days=1)


def counters(records: list[dict[str, str]], as_of: dt.date, *, date_in: str, closed: str,
             stage: str, won: str, lost: str, value: str,
             day: Callable[[str], dt.date | None]) -> dict[str, tuple[float | None, int]]:
    """(value, n) of each counter for a log with no Decision column: every lead pursued."""
    start, end = window(as_of)

    def inside(d: dt.date | None) -> bool:
        return d is not None and start <= d <= end

    came = [r for r in records if inside(day(r[date_in]))]
    closed_in = [r for r in records if r[stage] in (won, lost) and inside(day(r[closed]))]
    wins = [r for r in closed_in if r[stage] == won]
    sizes = [float(r[value]) for r in wins if r[value]]
    cycles = [(day(r[closed]) - day(r[date_in])).days for r in wins  # type: ignore[operator]
              if day(r[date_in]) and day(r[closed]) >= day(r[date_in])]  # type: ignore[operator]
    return {
        "leads_per_week": (len(came) / 4, len(came)),
        "qualified_rate": (None, 0),
        "conversion_rate": (len(wins) / len(closed_in) if closed_in else None, len(closed_in)),
        "average_deal_size": (statistics.fmean(sizes) if sizes else None, len(sizes)),
        "cycle_time_days": (statistics.median(cycles) if cycles else None, len(cycles)),
    }


def measured(data: dict[str, Any]) -> dict[str, tuple[float | None, int]]:
    return {k: (data["metrics"][k]["value"], data["metrics"][k]["n"])
            for k in ("leads_per_week", "qualified_rate", "conversion_rate",
                      "average_deal_size", "cycle_time_days")}


def same(got: dict[str, tuple[float | None, int]],
         want: dict[str, tuple[float | None, int]]) -> None:
    for key, (value, n) in want.items():
        g_value, g_n = got[key]
        assert g_n == n, (key, got[key], want[key])
        if value is None:
            assert g_value is None, (key, g_value)
        else:
            assert g_value == pytest.approx(value), (key, g_value, value)
