"""The read runs beside the loading of the core: started first, its errors still the
caller's, and never outliving the run."""

from __future__ import annotations

import shutil
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
import sys
from sheetsync.backends.xlsx import XlsxFile
from sheetsync.cli import main
seen = []
real = XlsxFile.begin_read
def begin_read(self, wanted=None):
    seen.append("pydantic" in sys.modules)
    return real(self, wanted)
XlsxFile.begin_read = begin_read
try:
    main(sys.argv[1:])
except SystemExit as done:
    print("SEEN", seen, done.code)
"""


@pytest.mark.parametrize("command", ["check", "sync"])
def test_the_read_starts_before_pydantic_and_the_core_are_loaded(tmp_path, command):
    demo = shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", tmp_path / "demo.xlsx")
    out = subprocess.run([sys.executable, "-c", ORDER_SCRIPT, command, str(demo),
                          "--as-of", "2026-11-16"], capture_output=True, text=True, cwd=REPO)
    last = out.stdout.strip().splitlines()[-1]
    # One read, begun while pydantic was not yet loaded; the run went on to its end.
    assert last in ("SEEN [False] 0", "SEEN [False] 1"), out.stdout + out.stderr


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
