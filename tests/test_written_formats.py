"""What the synced demo workbook shows a person who reads it (issue: formats).

Dates in a people's format, money with its currency, weeks said in words: asserted on
the number formats and values of the written workbook, read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import shutil

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
