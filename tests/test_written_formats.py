"""What the synced demo workbook shows a person who reads it (issue: formats).

Dates in a people's format, money with its currency, weeks said in words: asserted on
the number formats and values of the written workbook, read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile

import pytest
from conftest import REPO
from openpyxl import load_workbook
from voice_helpers import sync

DEMO = REPO / "sample_workbooks" / "demo.xlsx"
PEOPLES_DATE = "d mmm yyyy"


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    path = tmp_path_factory.mktemp("formats") / "demo.xlsx"
    shutil.copyfile(DEMO, path)
    sync(path)
    return path, load_workbook(path)


def test_every_date_sheetsync_writes_reads_as_a_date_people_write(synced):
    _, wb = synced
    dates = [(f"{ws.title}!{c.coordinate}", c.number_format)
             for ws in (wb["Metrics"], wb["Weekly history"])
             for row in ws.iter_rows() for c in row if isinstance(c.value, dt.datetime)]
    assert len(dates) > 20
    assert [d for d in dates if d[1] != PEOPLES_DATE] == []
    assert wb["Metrics"]["B8"].number_format == PEOPLES_DATE
    assert wb["Weekly history"]["B2"].number_format == PEOPLES_DATE


MONEY = '"$"#,##0'          # the demo writes its deal sizes in dollars


def test_every_money_cell_of_the_weekly_history_carries_the_currency(synced):
    _, wb = synced
    ws = wb["Weekly history"]
    col = [c.value for c in ws[1]].index("Average deal size") + 1
    money = [(c.coordinate, c.number_format) for c in ws.iter_cols(col, col, 2).__next__()
             if isinstance(c.value, (int, float))]
    assert len(money) > 15
    assert [m for m in money if m[1] != MONEY] == []
    assert wb["Metrics"]["B5"].number_format == MONEY


def _chart_xml(path, title: str) -> str:
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    return next(x for x in charts if f"<a:t>{title}</a:t>" in x)


def test_the_deal_size_chart_axis_says_the_currency(synced):
    path, _ = synced
    xml = _chart_xml(path, "Average deal size")
    axis = xml.split("<c:valAx>", 1)[1]
    assert '<c:numFmt formatCode="&quot;$&quot;#,##0" sourceLinked="0"/>' in axis
    assert "<c:formatCode>\"$\"#,##0</c:formatCode>" in xml          # the series' cache
    rates = _chart_xml(path, "Qualified and conversion rate").split("<c:valAx>", 1)[1]
    assert '<c:numFmt formatCode="0%" sourceLinked="0"/>' in rates


def test_a_second_sync_keeps_the_currency_and_every_byte(synced, tmp_path):
    path, _ = synced
    again = tmp_path / "again.xlsx"
    shutil.copyfile(path, again)
    sync(again)
    assert again.read_bytes() == path.read_bytes()
    ws = load_workbook(again)["Weekly history"]
    assert {c.number_format for c in ws["I"][1:] if isinstance(c.value, (int, float))} == {MONEY}


def _labels(path) -> list[str]:
    return [c.value for c in load_workbook(path)["Weekly history"]["A"][1:] if c.value]


def test_weeks_are_said_in_words_on_the_sheet_and_the_charts(synced):
    path, wb = synced
    labels = _labels(path)
    assert labels[0] == "Week of 8 Jun 2026" and labels[-1] == "Week of 16 Nov 2026"
    assert not [w for w in labels if re.search(r"\d{4}-W\d", w)]
    xml = _chart_xml(path, "Leads a week")
    assert "<c:v>Week of 8 Jun 2026</c:v>" in xml and "-W2" not in xml


def test_a_workbook_synced_with_iso_week_labels_is_resynced_without_doubling(synced, tmp_path):
    """A workbook an older sync labelled "2026-W24".. "2026-W47": the next sync (this
    week, then next week) matches every row by its week and relabels it in words."""
    path, _ = synced
    old = tmp_path / "old.xlsx"
    wb = load_workbook(path)
    ws = wb["Weekly history"]
    for cell in ws["A"][1:]:
        if isinstance(ws.cell(cell.row, 2).value, dt.datetime):
            iso = ws.cell(cell.row, 2).value.isocalendar()
            cell.value = f"{iso.year}-W{iso.week:02d}"
    wb.save(old)
    assert _labels(old)[-1] == "2026-W47"
    sync(old)
    assert _labels(old) == _labels(path)                   # same weeks, in words, once each
    sync(old, as_of="2026-11-23")
    assert _labels(old) == _labels(path) + ["Week of 23 Nov 2026"]


def test_a_weekly_history_row_and_a_metrics_week_say_what_they_count(synced):
    """The same week shows two qualified rates: History's row counts the 4 weeks before
    its week, the Metrics weekly table the single week; the headers say which."""
    _, wb = synced
    assert wb["Weekly history"]["A1"].value == "Week (counts the 4 weeks before it)"
    metrics = wb["Metrics"]
    head = next(r for r in range(1, metrics.max_row + 1)
                if metrics.cell(r, 2).value == "Starts")
    assert metrics.cell(head, 1).value == "Single week"
    assert metrics.cell(head + 1, 1).value.startswith("Week of ")


def test_the_fingerprint_row_is_hidden_and_labelled_for_the_tool(synced):
    path, wb = synced
    metrics = wb["Metrics"]
    [row] = [r for r in range(1, metrics.max_row + 1)
             if metrics.cell(r, 1).value == "For sheetsync (do not edit)"]
    assert metrics.row_dimensions[row].hidden
    assert [r for r in range(1, row) if metrics.row_dimensions[r].hidden] == []
    assert metrics["I1"].value == "Average"
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet" + _sheet_number(z, "Metrics") + ".xml").decode()
    assert re.search(rf'<row r="{row}"[^>]* hidden="1"', xml)


def _sheet_number(z: zipfile.ZipFile, name: str) -> str:
    sheet = re.search(rf'<sheet [^>]*name="{name}"[^>]*>', z.read("xl/workbook.xml").decode())
    assert sheet is not None
    rid = re.search(r'r:id="(rId\d+)"', sheet[0])
    assert rid is not None
    rel = re.search(rf'<Relationship [^>]*Id="{rid[1]}"[^>]*>',
                    z.read("xl/_rels/workbook.xml.rels").decode())
    assert rel is not None
    return re.search(r'sheet(\d+)\.xml"', rel[0])[1]   # type: ignore[index]


def test_a_fingerprint_an_older_sync_labelled_is_still_read():
    from sheetsync.core.fingerprint import stored_fingerprints
    from sheetsync.workbook import RawWorkbook

    old = [["Content fingerprint", "Findings:ab12 Review:cd34"]]
    raw = RawWorkbook("demo.xlsx", {"Metrics": old})
    assert stored_fingerprints(raw) == {"Findings": "ab12", "Review": "cd34"}


def test_a_date_column_is_wide_enough_for_the_date_in_words(synced):
    """'19 Oct 2026' is 11 characters: a column sized for '2026-10-19' shows ###."""
    _, wb = synced
    assert wb["Metrics"].column_dimensions["B"].width >= 12     # As of, Window from
    assert wb["Metrics"].column_dimensions["C"].width >= 12     # Window to
    assert wb["Weekly history"].column_dimensions["B"].width >= 12
