"""The Google Sheets backend: a constant number of API calls per sync, whatever the size.

read:  one metadata call (titles, sheet ids, grid sizes, conditional formats) and one
       data call (`includeGridData` for the wanted sheets only); a read of every sheet
       is a single call.  Values come from `effectiveValue` and the number-format type.
apply: one atomic `spreadsheets.batchUpdate` holding every request (owned cells, notes,
       generated sheets, highlight rules, widths), built from the metadata of the
       preceding read, so nothing is half-written and no extra call is needed.  Only a
       write past Google's 10 MiB payload limit is cut into several batches.

gspread (6) does the signed HTTP; it is imported only here, and only when used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sheetsync.backends import Reading
from sheetsync.backends.gsheets.batch import (
    PAYLOAD_LIMIT,
    SheetMeta,
    plan_requests,
    split_batches,
)
from sheetsync.backends.gsheets.cells import grid_of
from sheetsync.backends.gsheets.client import (
    Backoff,
    load_credentials,
    make_client,
    remote_error,
    spreadsheet_url,
)
from sheetsync.errors import SheetsyncError
from sheetsync.workbook import Grid, Plan, RawWorkbook

__all__ = ["GoogleSheet", "Backoff"]

_META_FIELDS = ("properties.title,sheets(properties(sheetId,title,index,"
                "gridProperties(rowCount,columnCount,frozenRowCount)),conditionalFormats,"
                "charts(chartId,position))")
_DATA_FIELDS = ("data(startRow,startColumn,rowData(values("
                "effectiveValue,effectiveFormat.numberFormat.type,note)))")


def _quote(title: str) -> str:
    """A sheet title as an A1 range naming the whole sheet."""
    return "'" + title.replace("'", "''") + "'"


class GoogleSheet:
    """A Google Sheet by key, read and written through the Sheets v4 API."""

    def __init__(self, key: str, *, credentials: str | None = None,
                 backoff: Backoff | None = None) -> None:
        self.key = key
        self.label = f"Google Sheet {key}"
        self._credentials = credentials
        self._backoff = backoff
        self._client: Any = None
        self._email = ""
        self._title = ""
        self._meta: dict[str, SheetMeta] = {}
        self.payload_limit = PAYLOAD_LIMIT       # bytes per batchUpdate body

    # -- plumbing -------------------------------------------------------------------

    def _tries(self) -> Backoff:
        if self._backoff is None:
            self._backoff = Backoff.from_env()
        return self._backoff

    def _connect(self) -> Any:
        if self._client is None:
            creds, self._email = load_credentials(self._credentials)
            self._client = make_client(creds, self._tries())
        return self._client

    def _call(self, method: str, suffix: str, **kwargs: Any) -> dict[str, Any]:
        client = self._connect()
        try:
            response = client.request(method, spreadsheet_url(self.key, suffix), **kwargs)
            body = response.json()
        except SheetsyncError:
            raise
        except Exception as exc:  # every failure below is one line; see remote_error
            raise remote_error(exc, key=self.key, email=self._email,
                               tries=self._tries().tries) from exc
        return body if isinstance(body, dict) else {}

    # -- read -----------------------------------------------------------------------

    def read(self, wanted: Callable[[str], bool] | None = None) -> RawWorkbook:
        """The sheets `wanted` accepts (all when None) as plain grids, in sheet order."""
        if wanted is None:
            body = self._call("get", "", params={
                "includeGridData": "true",
                "fields": _META_FIELDS[:-1] + "," + _DATA_FIELDS + ")"})
            self._remember(body)
            data = body
        else:
            self._remember(self._call("get", "", params={"fields": _META_FIELDS}))
            titles = [t for t in self._meta if wanted(t)]
            data = {"sheets": []}
            if titles:
                data = self._call("get", "", params={
                    "includeGridData": "true", "ranges": [_quote(t) for t in titles],
                    "fields": f"sheets(properties.sheetId,{_DATA_FIELDS})"})
        by_id = {m.sheet_id: m for m in self._meta.values()}
        grids: dict[str, Grid] = {}
        for sheet in data.get("sheets", []):
            meta = by_id.get(sheet.get("properties", {}).get("sheetId"))
            if meta is not None:
                grids[meta.title], meta.notes = grid_of(sheet.get("data", []))
        order = [t for t in self._meta if t in grids]
        return RawWorkbook(source=self.key, sheets={t: grids[t] for t in order},
                           title=self._title or self.key, all_sheets=list(self._meta))

    def begin_read(self, wanted: Callable[[str], bool] | None = None) -> Reading:
        """`read` on a helper thread: the calls spend their time waiting on the network."""
        return Reading(lambda: self.read(wanted))

    def _remember(self, body: dict[str, Any]) -> None:
        self._title = str(body.get("properties", {}).get("title", ""))
        self._meta = {}
        for sheet in body.get("sheets", []):
            meta = SheetMeta.from_api(sheet)
            self._meta[meta.title] = meta

    # -- write ----------------------------------------------------------------------

    def apply(self, plan: Plan, *, force: bool = False) -> None:
        """Write `plan` in one atomic batchUpdate (`force` has no meaning for Google)."""
        if not self._meta:
            self.read(lambda _name: False)       # metadata only: titles, ids, rules
        requests, after = plan_requests(plan, self._meta, label=self.label)
        for body in split_batches(requests, self.payload_limit):
            self._call("post", ":batchUpdate", data=body,
                       headers={"Content-Type": "application/json; charset=utf-8"})
        self._meta = after
