"""Headers over numbers are right-aligned like the numbers under them (Metrics, Weekly
history), read back from the written .xlsx; text headers stay left.  The Google backend
asks for the same alignment."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sheetsync.backends.gsheets.cells import cell_data
from sheetsync.cli import main
from sheetsync.core.printfit import align_number_headers
from sheetsync.workbook import CellWrite, GeneratedSheet, PlainRows

REPO = Path(__file__).resolve().parents[1]


def test_metrics_headers_over_numbers_are_right_aligned(tmp_path):
    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    done = CliRunner().invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    assert done.exit_code in (0, 1), done.output
    ws = load_workbook(path)["Metrics"]
    headers = {}
    for row in ws.iter_rows():
        texts = [c for c in row if isinstance(c.value, str) and c.font.b]
        if len(texts) >= 2 and len(texts) == sum(c.value is not None for c in row):
            for c in texts:
                headers.setdefault(c.value, set()).add(c.alignment.horizontal)
    for name in ("Value", "Counted", "Likely from", "Average", "Leads", "Leads a week",
                 "Qualified rate", "Won", "Lost", "Starts", "Conversion rate"):
        assert headers[name] == {"right"}, name
    for name in ("Counter", "Too few to judge", "Source", "Owner", "Single week"):
        assert headers[name] == {None}, name
    # The likely ranges (text) are set right too, so none stands against the count to
    # its left ("1" lost and "1.8–21%" read as "11.8–21%").
    assert headers["Qualified, likely"] == headers["Conversion, likely"] == {"right"}
    lost: list = []
    for row in ws.iter_rows():
        if row[0].value == "Referral":
            assert row[9].alignment.horizontal == "right", row[9].value
            assert row[10].alignment.horizontal == "right", row[10].value
            lost.append(row[8].value)
    assert lost, "no Referral row on Metrics"
    # Under each right-aligned header, the value itself is a number (or date).
    assert isinstance(ws["B2"].value, (int, float))


def test_a_block_of_numbers_and_a_title_row():
    head = [CellWrite("Name", bold=True), CellWrite("Count", bold=True)]
    title = [CellWrite("Title only", bold=True), CellWrite(3)]
    sheet = GeneratedSheet("X", [title, head, PlainRows(("text", "integer"), [("a", 1)])])
    align_number_headers(sheet)
    assert [c.right for c in head] == [False, True]
    assert title[0].right is False               # not a header row: a label and a value


def test_google_cell_asks_for_right_alignment():
    fmt = cell_data(CellWrite("Value", bold=True, right=True))["userEnteredFormat"]
    assert fmt["horizontalAlignment"] == "RIGHT"
    assert "horizontalAlignment" not in cell_data(CellWrite("Counter", bold=True)).get(
        "userEnteredFormat", {})
