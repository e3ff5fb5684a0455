"""End to end: `sheetsync check|sync <Google Sheet URL>` through the CLI against the fake.

The same grids are written as an .xlsx and seeded as a Google Sheet; both are synced and
what lands in the owned cells must be the same.  Whichever Google backend
`sheetsync.backends.open_backend` routes to is the one under test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from core_helpers import lead, leads_grid, pipeline_grid, write_xlsx
from fake_sheets import FakeSheets
from openpyxl import load_workbook
from test_gsheets_helpers import EMAIL, KEY, URL, fake_fixture  # noqa: F401

from sheetsync.cli import main

AS_OF = "2026-11-16"
FORMULA = '=IMPORTXML("http://x","//a")'
SOURCES = ["Referral", "LinkedIn post", "Partner"]


def _leads(n: int) -> list[dict[str, object]]:
    start = dt.date(2026, 10, 19)
    out = []
    for i in range(n):
        date_in = start + dt.timedelta(days=i % 28)
        decision = ["pursue", "nurture", "skip"][i % 3] if i % 11 else "pursue"
        fields: dict[str, object] = {
            "ID": f"L{i}", "Lead": FORMULA if i == 0 else f"Lead {i}",
            "Source": SOURCES[i % 3 if i % 7 else 0], "Date in": date_in,
            "Decision": decision, "Owner": ["Sam", "Kim"][i % 2], "Budget": 6000 + i % 9 * 500,
        }
        if decision == "pursue" and i % 4 in (0, 1):
            fields["Stage"] = "won" if i % 4 == 0 else "lost"
            fields["Closed date"] = min(date_in + dt.timedelta(days=9 + i % 5),
                                        dt.date(2026, 11, 15))
            fields["Next action"] = ""
            fields["Next action date"] = None
            if fields["Stage"] == "won":
                fields["Deal size"] = 5000 + (i % 5) * 1500
        if i % 13 == 5:
            fields["Budget"] = "lots"                     # a finding with a note
        out.append(lead(**fields))
    return out


def grids(n: int) -> dict[str, list[list[object]]]:
    return {"Pipeline": pipeline_grid(), "Leads": leads_grid(_leads(n))}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def owned_column(values: list[list[object]], header: str) -> list[object]:
    head_row = next(i for i, row in enumerate(values) if header in row)
    col = values[head_row].index(header)
    return [row[col] if col < len(row) else None for row in values[head_row + 1:]]


def fake_grid(fake: FakeSheets, sheet: str) -> list[list[object]]:
    s = fake.books[KEY].sheet(sheet)
    height = max(r for r, _ in s.cells) + 1
    width = max(c for _, c in s.cells) + 1
    return [[fake.value(KEY, sheet, r + 1, c + 1) for c in range(width)] for r in range(height)]


def xlsx_grid(path: Path, sheet: str) -> list[list[object]]:
    ws = load_workbook(path)[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return (a or None) == (b or None)


def test_sync_writes_what_the_excel_backend_writes(fake: FakeSheets, tmp_path: Path) -> None:
    data = grids(60)
    book = tmp_path / "pipeline.xlsx"
    write_xlsx(book, data)
    fake.seed(KEY, data)
    code_x, out_x = run("sync", str(book), "--as-of", AS_OF)
    code_g, out_g = run("sync", URL, "--as-of", AS_OF, "--credentials", str(fake.creds))  # type: ignore[attr-defined]
    assert code_x == code_g, (out_x, out_g)
    for sheet, header in [("Pipeline", "Measured"), ("Pipeline", "Status"),
                          ("Pipeline", "Why"), ("Leads", "Check")]:
        xs = owned_column(xlsx_grid(book, sheet), header)
        gs = owned_column(fake_grid(fake, sheet), header)
        assert any(x not in (None, "") for x in xs), (sheet, header)
        pairs = list(zip(xs, gs + [None] * (len(xs) - len(gs)), strict=False))
        assert all(_same(x, g) for x, g in pairs), (sheet, header, pairs)
    assert fake.value(KEY, "Leads", 2, 2) == FORMULA                        # still text
    assert fake.cell(KEY, "Leads", 2, 2)["userEnteredValue"] == {"stringValue": FORMULA}
    for name in ("Metrics", "Findings"):
        assert name in [s.title for s in fake.books[KEY].sheets]
    # check reads back the same metrics from both
    jx = json.loads(run("check", str(book), "--as-of", AS_OF, "--format", "json")[1])
    jg = json.loads(run("check", URL, "--as-of", AS_OF, "--format", "json")[1])
    assert jx["metrics"] == jg["metrics"] and jx["leaks"] == jg["leaks"]
    assert jx["metrics"]["qualified_rate"]["n"] > 0


def _sync_calls(fake: FakeSheets, n: int) -> int:
    fake.seed(KEY, grids(n))
    before = len(fake.api_calls())
    code, out = run("sync", URL, "--as-of", AS_OF)
    assert code in (0, 1), out
    return len(fake.api_calls()) - before


@pytest.mark.slow
def test_calls_per_sync_are_the_same_for_100_and_20000_leads(fake: FakeSheets) -> None:
    small = _sync_calls(fake, 100)
    big = _sync_calls(fake, 20_000)
    assert small == big <= 4
    assert fake.value(KEY, "Leads", 20_001, 1) == "L19999"


def test_second_sync_changes_nothing(fake: FakeSheets) -> None:
    fake.seed(KEY, grids(30))
    run("sync", URL, "--as-of", AS_OF)
    state = {s.title: dict(s.cells) for s in fake.books[KEY].sheets}
    before = len(fake.api_calls())
    run("sync", URL, "--as-of", AS_OF)
    assert [m for m, _ in fake.api_calls()[before:]] == ["GET", "GET"]   # read, no write
    assert {s.title: dict(s.cells) for s in fake.books[KEY].sheets} == state


def test_injected_429s_are_survived(fake: FakeSheets) -> None:
    fake.seed(KEY, grids(20))
    fake.fail(429, times=3)
    code, out = run("sync", URL, "--as-of", AS_OF)
    assert code in (0, 1), out
    assert "Metrics" in [s.title for s in fake.books[KEY].sheets]


def test_403_and_404_exit_2_with_one_line(fake: FakeSheets) -> None:
    code, out = run("check", URL, "--as-of", AS_OF)
    assert code == 2 and f"Google Sheet {KEY} was not found" in out
    assert len(out.strip().splitlines()) == 1
    fake.seed(KEY, grids(3), shared_with={"owner@example.com"})
    code, out = run("check", URL, "--as-of", AS_OF)
    assert code == 2 and EMAIL in out and len(out.strip().splitlines()) == 1


def test_a_permanent_500_exits_2(fake: FakeSheets) -> None:
    fake.seed(KEY, grids(3))
    fake.fail(500, times=50)
    code, out = run("check", URL, "--as-of", AS_OF)
    assert code == 2 and "500" in out and len(out.strip().splitlines()) == 1
    assert len(fake.api_calls()) < 50
