"""Odd but valid input through the whole check/sync, and the property that a sync never
changes a cell the operator typed (hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

from core_helpers import LEAD_HEAD, lead, leads_grid, pipeline_grid, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sheetsync.cli import main
from sheetsync.engine import check_source, sync_source

AS_OF = dt.date(2026, 11, 16)

typed_values = st.one_of(
    # What a cell can hold: no control characters, surrogates or noncharacters (U+FFFE
    # is not XML; openpyxl's lxml writer refuses it, as Excel would).
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=30),
    st.integers(min_value=-10**9, max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["$8K", "35%", "✓", "=1+1", "<b>hi</b>", "none", "21/10/2026", ""]),
)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(typed_values, min_size=len(LEAD_HEAD) - 1,
                         max_size=len(LEAD_HEAD) - 1), min_size=1, max_size=6))
def test_a_sync_never_changes_an_operator_cell(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("prop") / "book.xlsx"
    grid = [LEAD_HEAD[:-1]] + [list(r) for r in rows]
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": grid})
    before = load_workbook(path)
    typed = {(ws.title, c.coordinate): c.value for ws in before for row in ws.iter_rows()
             for c in row if c.value is not None}
    sync_source(str(path), as_of=AS_OF)
    after = load_workbook(path)
    for (sheet, ref), value in typed.items():
        assert after[sheet][ref].value == value, (sheet, ref)


def test_non_english_headers_through_a_rules_file(runner, tmp_path):
    rules = tmp_path / "de.yaml"
    rules.write_text(
        "sheets:\n  leads: [Leads, Kontakte]\n"
        "lead_columns:\n"
        "  lead: [Lead, Name, Kontakt]\n  company: [Company, Firma, Unternehmen]\n"
        "  date_in: [Date in, Eingang]\n  decision: [Decision, Entscheidung]\n"
        "  source: [Source, Quelle]\n"
        "decisions:\n  pursue: [pursue, verfolgen]\n  nurture: [nurture, pflegen]\n"
        "  skip: [skip, verwerfen]\n",
        encoding="utf-8",
    )
    head = ["Kontakt", "Firma", "Quelle", "Eingang", "Entscheidung"]
    rows = [[f"K{i}", "Acme GmbH", "Empfehlung", dt.date(2026, 10, 20),
             "verfolgen" if i < 2 else "verwerfen"] for i in range(6)]
    path = tmp_path / "de.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Kontakte": [head] + rows})
    out = runner.invoke(main, ["check", str(path), "--rules", str(rules), "--as-of", "2026-11-16",
                               "--format", "json"])
    data = json.loads(out.output)
    assert data["metrics"]["qualified_rate"]["n"] == 6
    assert abs(data["metrics"]["qualified_rate"]["value"] - 2 / 6) < 1e-9


def test_headers_below_a_title_blank_rows_and_a_second_table(tmp_path):
    leads = leads_grid([lead(ID="L1"), lead(ID="L2")])
    grid = [["Lead log — Q4"], [], leads[0], leads[1], [], [], [], leads[2], [], [],
            ["Summary"], ["Owner", "Leads"], ["Sam", 2]]
    path = tmp_path / "odd.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": grid})
    result = check_source(str(path), as_of=AS_OF)
    assert result.lead_count == 2          # L1 and L2; the summary table below is not leads
    sync_source(str(path), as_of=AS_OF)
    ws = load_workbook(path)["Leads"]
    assert ws["A1"].value == "Lead log — Q4" and ws["A4"].value == "L1"
    check = [c.value for c in ws[3]].index("Check") + 1
    assert ws.cell(3, check).value == "Check"


def test_1904_workbook_syncs_with_its_dates(tmp_path):
    path = tmp_path / "mac.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": leads_grid([lead(
        Stage="won", **{"Closed date": dt.date(2026, 11, 3), "Deal size": 8000})])})
    _set_1904(path)
    result = sync_source(str(path), as_of=AS_OF)
    assert result.result.metrics.cycle_time_days.value == 14
    wb = load_workbook(path)
    assert wb.epoch.year == 1904
    metrics = wb["Metrics"]
    row = next(r for r in range(1, 40) if metrics.cell(r, 1).value == "As of")
    assert metrics.cell(row, 2).value.date() == AS_OF       # written as a 1904 serial


def _set_1904(path: Path) -> None:
    """Switch a workbook to the 1904 date system, shifting its date serials to match."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.load_workbook(path)
    wb.epoch = CALENDAR_MAC_1904
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        assert b'date1904="1"' in zf.read("xl/workbook.xml")
