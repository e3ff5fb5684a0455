"""Backends: the only modules that touch openpyxl, calamine or gspread.

`open_backend(source)` picks one by the look of the source and imports it lazily,
so `sheetsync --help` stays fast.  Every backend has the same two verbs:

    backend.read(wanted) -> RawWorkbook     (one read of the sheets the core needs)
    backend.begin_read(wanted) -> Reading   (the same read, finishing on a helper thread)
    backend.apply(plan, force=False)        (write the owned cells, all or nothing)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from sheetsync.workbook import Plan, RawWorkbook

_SHEETS_URL = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")
_SHEETS_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")


class Reading:
    """A read finishing on a helper thread while the caller gets on with other work.

    Worth it because the slow part of a read lets go of the GIL (calamine building a
    sheet, gspread waiting on the network), so importing and building the core runs
    beside it.  `result()` waits and raises what the read raised; leaving the `with`
    block waits too, so no read outlives the run that started it.
    """

    def __init__(self, work: Callable[[], RawWorkbook]) -> None:
        self._value: RawWorkbook | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,),
                                        name="sheetsync-read", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], RawWorkbook]) -> None:
        try:
            self._value = work()
        except BaseException as exc:    # handed to the caller by result()
            self._error = exc

    def result(self) -> RawWorkbook:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._thread.join()


class Backend(Protocol):
    label: str          # how the source is named in messages and logs

    def read(self, wanted: Callable[[str], bool] | None = None) -> RawWorkbook:
        """Read the sheets whose names `wanted` accepts (all when None)."""
        ...

    def begin_read(self, wanted: Callable[[str], bool] | None = None) -> Reading:
        """Start the same read; what cannot run beside other work is done before it
        returns, and errors found then are raised then."""
        ...

    def apply(self, plan: Plan, *, force: bool = False) -> None: ...


def google_key(source: str) -> str | None:
    """The spreadsheet key if `source` is a Google Sheets URL or bare key, else None."""
    m = _SHEETS_URL.search(source)
    if m:
        return m.group(1)
    if _SHEETS_KEY.match(source) and "." not in source and "/" not in source:
        return source
    return None


def open_backend(source: str, *, credentials: str | None = None) -> Backend:
    """The backend for `source`: a Google Sheet (URL or key) or a workbook path."""
    key = google_key(source)
    if key is not None:
        from sheetsync.backends.gsheets import GoogleSheet

        return GoogleSheet(key, credentials=credentials)
    from sheetsync.backends.xlsx import XlsxFile

    return XlsxFile(source)
