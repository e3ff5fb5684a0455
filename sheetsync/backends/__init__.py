"""Backends: the only modules that touch openpyxl, calamine or gspread.

`open_backend(source)` picks one by the look of the source and imports it lazily,
so `sheetsync --help` stays fast.  Every backend has the same two verbs:

    backend.read(wanted) -> RawWorkbook     (one read of the sheets the core needs)
    backend.apply(plan, force=False)        (write the owned cells, all or nothing)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from sheetsync.workbook import Plan, RawWorkbook

_SHEETS_URL = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")
_SHEETS_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")


class Backend(Protocol):
    label: str          # how the source is named in messages and logs

    def read(self, wanted: Callable[[str], bool] | None = None) -> RawWorkbook:
        """Read the sheets whose names `wanted` accepts (all when None)."""
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
