"""Issue 3: the numbers sync writes into Measured are DESIGN.md's, on a hand-computed log."""

from __future__ import annotations

import pytest
from core_helpers import leads_grid, pipeline_grid, write_xlsx
from openpyxl import load_workbook
from test_metrics import hand_log

from sheetsync.cli import main


def test_measured_cells_equal_the_hand_computed_definitions(runner, tmp_path):
    path = tmp_path / "hand.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": leads_grid(hand_log())})
    result = runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-18"])
    assert result.exit_code == 0, result.output
    ws = load_workbook(path)["Pipeline"]
    measured = {ws.cell(r, 1).value: ws.cell(r, 4) for r in range(4, 15)}
    why = {ws.cell(r, 1).value: ws.cell(r, 6).value for r in range(4, 15)}
    assert measured["Leads per week"].value == pytest.approx(11 / 4)
    assert measured["Qualified rate %"].value == pytest.approx(4 / 9)
    assert measured["Qualified rate %"].number_format.endswith("%")
    assert measured["Conversion rate %"].value == pytest.approx(3 / 5)
    assert measured["Average deal size"].value == pytest.approx(8000)
    assert measured["Average deal size"].number_format == "\"$\"#,##0"
    assert measured["Cycle time (days)"].value == pytest.approx(31)
    assert "of 9 decided leads" in why["Qualified rate %"] and "likely" in why["Qualified rate %"]
    assert "34 days on average" in why["Cycle time (days)"]
    assert "Too few to judge" in why["Cycle time (days)"]
    metrics = load_workbook(path)["Metrics"]
    rows = {metrics.cell(r, 1).value: r for r in range(1, 8)}
    assert metrics.cell(rows["Qualified rate"], 3).value == 9           # n beside the rate


def test_operator_cells_survive_a_sync_by_value(runner, tmp_path):
    path = tmp_path / "hand.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": leads_grid(hand_log())})
    before = load_workbook(path)
    typed = {(ws.title, c.coordinate): c.value for ws in before for row in ws.iter_rows()
             for c in row if c.value is not None}
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-18"]).exit_code == 0
    after = load_workbook(path)
    for (sheet, ref), value in typed.items():
        if sheet == "Leads" and ref.startswith("AB"):          # the owned Check column
            continue
        got = after[sheet][ref].value
        if sheet == "Pipeline" and ref[0] in "DEF" and int(ref[1:]) > 3:
            continue                                           # owned Measured/Status/Why
        assert got == value, (sheet, ref)
