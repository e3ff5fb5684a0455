"""Every generated sheet is print-ready, asserted from the XML the sync wrote: landscape,
one page wide, columns as wide as their headers, long text wrapped in taller rows."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from sheetsync.cli import main

REPO = Path(__file__).resolve().parents[1]
GENERATED = ("Metrics", "Findings", "Review", "Weekly history")


@pytest.fixture(scope="module")
def synced(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("print") / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    done = CliRunner().invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    assert done.exit_code in (0, 1), done.output
    return path


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> its worksheet XML, found through workbook.xml and its rels."""
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as zf:
        workbook = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): str(r.get("Target")) for r in rels}
        out = {}
        for sheet in workbook.iter(main_ns + "sheet"):
            target = targets[sheet.get(rel_id)]
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out[str(sheet.get("name"))] = zf.read(part).decode()
    return out


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sheet_prints_landscape_one_page_wide(synced, name):
    xml = sheet_parts(synced)[name]
    assert '<pageSetUpPr fitToPage="1"/>' in xml
    setup = re.search(r"<pageSetup\b[^>]*/>", xml)
    assert setup is not None
    assert 'orientation="landscape"' in setup.group(0)
    assert 'fitToWidth="1"' in setup.group(0)
    # The parts in the order the schema wants (Excel refuses a file otherwise).
    order = [xml.index(tag) for tag in ("<sheetPr>", "<dimension", "<sheetData>",
                                        "<pageMargins", "<pageSetup", "<headerFooter")]
    assert order == sorted(order)


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sheet_headers_fit_their_columns(synced, name):
    ws = load_workbook(synced)[name]
    for cell, right in zip(ws[1], ws[1][1:] + (None,), strict=True):
        if cell.value and (right is None or right.value):    # a title may run across
            width = ws.column_dimensions[cell.column_letter].width
            longest_word = max(len(w) for w in str(cell.value).split())
            assert width >= longest_word + 1, (name, cell.value, width)
            if len(str(cell.value)) > width - 2:      # longer than the column: it wraps
                assert cell.alignment.wrap_text, (name, cell.value)


def test_long_text_wraps_in_a_taller_row(synced):
    ws = load_workbook(synced)["Findings"]
    message = [c.value for c in ws[1]].index("What is wrong") + 1
    longest = max(range(2, ws.max_row + 1), key=lambda r: len(ws.cell(r, message).value or ""))
    cell = ws.cell(longest, message)
    assert len(cell.value) > ws.column_dimensions[cell.column_letter].width
    assert cell.alignment.wrap_text
    assert ws.row_dimensions[longest].height and ws.row_dimensions[longest].height > 15


def test_pipeline_owned_columns_are_wide_enough_for_their_words(synced):
    ws = load_workbook(synced)["Pipeline"]
    head = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "Status" for c in r))
    status = next(c for c in head if c.value == "Status")
    words = [ws.cell(r, status.column).value or "" for r in range(status.row + 1,
                                                                     ws.max_row + 1)]
    assert any("fix this week" in w.lower() for w in words)
    assert ws.column_dimensions[status.column_letter].width >= max(map(len, words))


def test_each_generated_sheet_repeats_its_header_row_on_every_page(synced):
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(synced) as zf:
        workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    order = [s.get("name") for s in workbook.iter(main_ns + "sheet")]
    titles = {order[int(str(d.get("localSheetId")))]: d.text
              for d in workbook.iter(main_ns + "definedName")
              if d.get("name") == "_xlnm.Print_Titles"}
    for name in GENERATED:
        assert titles[name] == f"'{name}'!$1:$1"
    assert load_workbook(synced)["Weekly history"].print_title_rows == "$1:$1"


def test_a_second_sync_leaves_the_print_setup_as_it_was(synced, tmp_path):
    from click.testing import CliRunner

    copy = tmp_path / "again.xlsx"
    shutil.copy(synced, copy)
    before = copy.read_bytes()
    done = CliRunner().invoke(main, ["sync", str(copy), "--as-of", "2026-11-16"])
    assert done.exit_code in (0, 1)
    assert copy.read_bytes() == before
