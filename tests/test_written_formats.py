"""What the synced demo workbook shows a person who reads it (issue: formats).

Dates in a people's format, money with its currency, weeks said in words: asserted on
the number formats and values of the written workbook, read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
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
