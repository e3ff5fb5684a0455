"""`sheetsync init`: a new workbook written to disk, read back with openpyxl.

Expected headers, stages, dropdown lists and labels are typed in from the seed and
DESIGN.md (tests/init_helpers.py), never taken from the layout under test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest
from init_helpers import (
    BLOCKS,
    BLOCKS_HEADERS,
    DROPDOWNS,
    LEAD_HEADERS,
    PIPELINE_HEADERS,
    SEED_EXAMPLE,
    SHEETS,
    STAGES,
    sheet_rows,
)
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheetsync.backends.xlsx.create import write_new_workbook
from sheetsync.cli import main
from sheetsync.core.layout import new_workbook
from sheetsync.core.rules_sheet import apply_rules_sheet
from sheetsync.errors import SheetsyncError


@pytest.fixture
def blank(tmp_path, rules):
    path = tmp_path / "pipeline.xlsx"
    write_new_workbook(path, new_workbook(rules))
    return path


def test_sheets_titles_and_headers(blank):
    wb = load_workbook(blank)
    assert wb.sheetnames == SHEETS
    pipe, blocks = wb["Pipeline"], wb["Blocks"]
    assert pipe["A1"].value and pipe["A2"].value is None
    assert [c.value for c in pipe[3]] == PIPELINE_HEADERS
    assert pipe["A3"].font.b and pipe["F3"].font.b
    assert blocks["A1"].value and [c.value for c in blocks[3]] == BLOCKS_HEADERS
    assert [c.value for c in wb["Leads"][1]] == LEAD_HEADERS
    assert [c.value for c in wb["Rules"][1]] == ["Setting", "Value", "What it means"]


def test_pipeline_has_the_eleven_stages_and_the_seed_examples(blank):
    rows = sheet_rows(blank, "Pipeline")[3:]
    assert [r[0] for r in rows] == STAGES
    assert {r[0]: r[2] for r in rows} == SEED_EXAMPLE
    assert all(r[1] is None for r in rows)                 # nothing typed for the operator
    assert [r[0] for r in sheet_rows(blank, "Blocks")[3:]] == BLOCKS


def test_filled_types_the_examples_in_but_leaves_input_source_2_empty(tmp_path, rules):
    path = tmp_path / "seed.xlsx"
    write_new_workbook(path, new_workbook(rules, filled=True))
    answers = {r[0]: r[1] for r in sheet_rows(path, "Pipeline")[3:]}
    expected = {k: v for k, v in SEED_EXAMPLE.items() if k != "Input source #2"}
    assert {k: v for k, v in answers.items() if k != "Input source #2"} == expected
    assert answers["Input source #2"] is None


def test_dropdowns_hold_the_canonical_lists_down_2000_rows(blank):
    ws = load_workbook(blank)["Leads"]
    found = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.formula1.startswith('"')
        for rng in str(dv.sqref).split():
            found[rng] = dv.formula1.strip('"').split(",")
    for header, choices in DROPDOWNS.items():
        letter = get_column_letter(LEAD_HEADERS.index(header) + 1)
        assert found.pop(f"{letter}2:{letter}2001") == choices, header
    assert found == {}                                        # no dropdown elsewhere


def test_frozen_headers_and_widths(blank):
    wb = load_workbook(blank)
    frozen = {name: wb[name].freeze_panes for name in SHEETS}
    assert frozen == {"Pipeline": "A4", "Blocks": "A4", "Leads": "B2", "Rules": "A2"}
    pipe = wb["Pipeline"]
    assert pipe.column_dimensions["B"].width >= 40          # room for an answer
    assert pipe["B5"].alignment.wrap_text
    leads = wb["Leads"]
    check = get_column_letter(LEAD_HEADERS.index("Check") + 1)
    assert leads.column_dimensions[check].width >= 50


def test_rules_sheet_lists_every_setting_and_reads_back_as_the_defaults(blank, rules):
    rows = sheet_rows(blank, "Rules")[1:]
    labels = [r[0] for r in rows]
    assert labels[:4] == ["Budget minimum", "Offer problem keywords",
                          "Decision-maker required", "Max timeline (days)"]
    assert "High-value minimum" in labels and "Minimum qualified rate" in labels
    assert all(r[2] and len(r[2]) < 100 for r in rows)     # a one-line explanation each
    values = {r[0]: r[1] for r in rows}
    assert values["Budget minimum"] == 5000 and values["Decision-maker required"] == "yes"
    assert values["Offer problem keywords"].startswith("support, automation")
    ws = load_workbook(blank)["Rules"]
    formats = {ws.cell(r, 1).value: ws.cell(r, 2).number_format for r in range(2, ws.max_row + 1)}
    assert formats["Minimum qualified rate"] == "0%" and formats["Budget minimum"] == "#,##0"
    grid = [list(r) for r in sheet_rows(blank, "Rules")]
    again, findings = apply_rules_sheet(rules, grid, "Rules")
    assert findings == [] and again == rules


def test_lead_values_get_date_and_money_formats(tmp_path, rules):
    lead = {"id": "L1", "date_in": dt.date(2026, 11, 2), "budget": 8000, "deal_size": "$8K"}
    path = tmp_path / "one.xlsx"
    write_new_workbook(path, new_workbook(rules, leads=[lead]))
    ws = load_workbook(path)["Leads"]
    row = {h: ws.cell(2, i + 1) for i, h in enumerate(LEAD_HEADERS)}
    assert row["Date in"].value == dt.datetime(2026, 11, 2)
    assert row["Date in"].number_format == "d mmm yyyy"
    assert row["Budget"].value == 8000 and row["Budget"].number_format == "#,##0"
    assert row["Deal size"].value == "$8K"                  # typed text stays text


def test_refuses_to_overwrite_and_leaves_nothing_behind(tmp_path, rules):
    path = tmp_path / "pipeline.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(SheetsyncError) as err:
        write_new_workbook(path, new_workbook(rules))
    assert "already exists" in str(err.value) and "\n" not in str(err.value)
    assert path.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipeline.xlsx"]
    write_new_workbook(path, new_workbook(rules), overwrite=True)
    assert load_workbook(path).sheetnames == SHEETS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipeline.xlsx"]


@pytest.mark.parametrize("name", ["pipeline.csv", "missing/pipeline.xlsx"])
def test_refuses_a_bad_target(tmp_path, rules, name):
    with pytest.raises(SheetsyncError):
        write_new_workbook(tmp_path / name, new_workbook(rules))
    assert list(tmp_path.iterdir()) == []


def test_new_file_has_ordinary_permissions(blank):
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(blank.stat().st_mode) == 0o666 & ~umask


def test_cli_init_then_check(runner, tmp_path):
    path = tmp_path / "pipeline.xlsx"
    result = runner.invoke(main, ["init", str(path)])
    assert result.exit_code == 0, result.output
    out = runner.invoke(main, ["check", str(path), "--format", "json"])
    data = json.loads(out.output)
    assert data["fix_this_week"]["stage"] == "Input source #1"     # all blank: most upstream
    assert {leak["kind"] for leak in data["leaks"] if leak["sheet"] == "Pipeline"} == {"blank"}
    again = runner.invoke(main, ["init", str(path)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_cli_init_example_is_the_seed(runner, tmp_path):
    path = tmp_path / "seed.xlsx"
    assert runner.invoke(main, ["init", str(path), "--example"]).exit_code == 0
    data = json.loads(runner.invoke(main, ["check", str(path), "--format", "json"]).output)
    assert [leak["stage"] for leak in data["leaks"] if leak["sheet"] == "Pipeline"] == [
        "Input source #2", "Qualification criteria", "Price (visible before the call)",
        "Leads per week", "Qualified rate %", "Conversion rate %"]
    assert data["fix_this_week"]["stage"] == "Input source #2"
