"""The read runs beside the loading of the core: started first, its errors still the
caller's, and never outliving the run."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from conftest import REPO

from sheetsync.backends import Reading
from sheetsync.errors import SourceError
from sheetsync.workbook import RawWorkbook

ORDER_SCRIPT = r"""
import datetime as dt, sys
from sheetsync.backends.xlsx import XlsxFile
from sheetsync.engine import check_source
seen = []
real = XlsxFile.begin_read
def begin_read(self, wanted=None):
    seen.append("pydantic" in sys.modules)
    return real(self, wanted)
XlsxFile.begin_read = begin_read
result = check_source(sys.argv[1], as_of=dt.date(2026, 11, 16))
print(seen, result.lead_count)
"""


def test_the_read_starts_before_pydantic_and_the_core_are_loaded():
    demo = REPO / "sample_workbooks" / "demo.xlsx"
    out = subprocess.run([sys.executable, "-c", ORDER_SCRIPT, str(demo)], capture_output=True,
                         text=True, check=True, cwd=REPO)
    seen, count = out.stdout.rsplit(" ", 1)
    assert seen == "[False]"            # one read, begun while pydantic was not yet loaded
    assert int(count) > 0


def test_an_error_in_the_read_is_raised_by_result():
    def fails() -> RawWorkbook:
        raise SourceError("book.xlsx: sheet 'Leads' cannot be read as a workbook")

    reading = Reading(fails)
    with pytest.raises(SourceError, match="sheet 'Leads'"):
        reading.result()


def test_leaving_the_block_waits_for_the_read_even_on_error():
    finished = threading.Event()

    def slow() -> RawWorkbook:
        time.sleep(0.2)
        finished.set()
        return RawWorkbook(source="x", sheets={})

    with pytest.raises(KeyError), Reading(slow):
        raise KeyError("the caller failed first")
    assert finished.is_set()


def test_result_is_the_read():
    book = RawWorkbook(source="x", sheets={"Leads": [["ID"], ["L1"]]})
    with Reading(lambda: book) as reading:
        assert reading.result() is book
