"""The Google Sheets backend: gspread's HTTP client, a constant number of calls per sync.

read:  one metadata call (sheet titles, our conditional formats) and one data call
       (`includeGridData` for the wanted sheets only) -> grids of plain values.
apply: one `spreadsheets.batchUpdate` whatever the row count: owned cells, notes,
       generated sheets, highlight rules and widths, all as requests in one body.
Strings are always sent as `stringValue`, so operator text can never become a formula.
429 and 5xx are retried with jittered exponential backoff, a bounded number of times.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sheetsync.errors import RemoteError, SheetsyncError
from sheetsync.workbook import (
    HIGHLIGHT_MARK,
    NOTE_PREFIX,
    CellError,
    CellWrite,
    GeneratedSheet,
    Grid,
    Highlight,
    Plan,
    RawWorkbook,
    SheetPatch,
    Value,
    highlight_formula,
)

DEFAULT_API = "https://sheets.googleapis.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
MAX_TRIES = 5
EPOCH = dt.datetime(1899, 12, 30)
NUMBER_FORMATS = {
    "percent": ("PERCENT", "0.0%"), "money": ("NUMBER", "#,##0"), "number": ("NUMBER", "0.0"),
    "days": ("NUMBER", "0.0"), "integer": ("NUMBER", "0"), "date": ("DATE", "yyyy-mm-dd"),
    "datetime": ("DATE_TIME", "yyyy-mm-dd hh:mm"),
}
TONES = {"leak": (1.0, 0.78, 0.81, False), "fix": (1.0, 0.70, 0.40, True),
         "finding": (1.0, 0.95, 0.80, False)}
CELL_FIELDS = "userEnteredValue,userEnteredFormat(numberFormat,textFormat,wrapStrategy)"


def api_base() -> str:
    """Where Sheets calls go: SHEETSYNC_SHEETS_API_URL, for tests and proxies."""
    return os.environ.get("SHEETSYNC_SHEETS_API_URL", DEFAULT_API).rstrip("/")


def retry_base() -> float:
    return float(os.environ.get("SHEETSYNC_RETRY_BASE_SECONDS", "1.0"))


def credentials_file(given: str | None) -> Path:
    """--credentials, else GOOGLE_APPLICATION_CREDENTIALS, else gspread's default path."""
    if given:
        return Path(given).expanduser()
    env = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if env:
        return Path(env).expanduser()
    return Path("~/.config/gspread/service_account.json").expanduser()


def _client_class() -> type:
    from gspread.exceptions import APIError
    from gspread.http_client import HTTPClient
    from requests.exceptions import ConnectionError as NetError
    from requests.exceptions import Timeout

    class BoundedRetryClient(HTTPClient):  # type: ignore[misc]
        """gspread's client with a bounded, jittered exponential backoff on 429/5xx."""

        calls = 0

        def request(self, *args: Any, **kwargs: Any) -> Any:
            for attempt in range(MAX_TRIES):
                type(self).calls += 1
                try:
                    return super().request(*args, **kwargs)
                except APIError as err:
                    retry = err.code == 429 or err.code >= 500
                    if not retry or attempt == MAX_TRIES - 1:
                        raise
                except (NetError, Timeout):
                    if attempt == MAX_TRIES - 1:
                        raise
                time.sleep(retry_base() * (2 ** attempt) * (0.5 + random.random()))
            raise AssertionError("unreachable")

    return BoundedRetryClient


class GoogleSheet:
    """A Google Sheet by key, read and written through the Sheets v4 API."""

    def __init__(self, key: str, *, credentials: str | None = None) -> None:
        self.key = key
        self.label = f"Google Sheet {key}"
        self._credentials = credentials
        self._http: Any = None
        self._email = ""
        self._sheets: dict[str, dict[str, Any]] = {}
        self._notes: dict[str, dict[tuple[int, int], str]] = {}

    # -- plumbing ---------------------------------------------------------------------
    def _connect(self) -> Any:
        if self._http is not None:
            return self._http
        path = credentials_file(self._credentials)
        try:
            info = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise SheetsyncError(
                f"no Google credentials at {path}; pass --credentials FILE or set"
                " GOOGLE_APPLICATION_CREDENTIALS to a service-account JSON key") from None
        except (OSError, ValueError) as exc:
            raise SheetsyncError(f"{path}: not a readable service-account JSON key") from exc
        from google.oauth2.service_account import Credentials

        try:
            creds = Credentials.from_service_account_info(info, scopes=SCOPES)
        except (ValueError, KeyError) as exc:
            raise SheetsyncError(f"{path}: not a service-account key ({exc})") from exc
        self._email = info.get("client_email", "")
        self._http = _client_class()(creds)
        return self._http

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        from gspread.exceptions import APIError
        from requests.exceptions import RequestException

        try:
            from google.auth.exceptions import GoogleAuthError
        except ImportError:  # pragma: no cover
            GoogleAuthError = Exception  # type: ignore[assignment,misc]  # noqa: N806
        http = self._connect()
        try:
            return http.request(method, url, **kwargs).json()
        except APIError as err:
            raise self._api_error(err) from err
        except GoogleAuthError as exc:
            who = self._email or "the service account"
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            raise RemoteError(f"{self.label}: could not sign in as {who} ({reason})") from exc
        except RequestException as exc:
            raise RemoteError(f"{self.label}: Google Sheets could not be reached"
                              f" ({type(exc).__name__}); check the network and try again") from exc

    def _api_error(self, err: Any) -> RemoteError:
        code = err.code
        if code == 403:
            who = self._email or "the service account"
            return RemoteError(f"{self.label}: access denied; share the sheet with {who}"
                               " (as Editor) and run again")
        if code == 404:
            return RemoteError(f"Google Sheet {self.key} was not found; check the URL or key")
        if code == 429 or code >= 500:
            return RemoteError(f"{self.label}: Google Sheets kept failing (HTTP {code}) after"
                               f" {MAX_TRIES} tries; try again later")
        message = str(err.error.get("message", ""))[:160]
        return RemoteError(f"{self.label}: Google Sheets refused the request (HTTP {code}:"
                           f" {message})")

    def _url(self, suffix: str = "") -> str:
        return f"{api_base()}/v4/spreadsheets/{self.key}{suffix}"

    # -- read -------------------------------------------------------------------------
    def read(self, wanted: Callable[[str], bool] | None = None) -> RawWorkbook:
        """Two calls: titles and rules, then the wanted sheets' cells."""
        meta = self._call("get", self._url(), params={
            "fields": "properties.title,sheets(properties(sheetId,title,gridProperties),"
                      "conditionalFormats)"})
        self._sheets = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
        titles = [t for t in self._sheets if wanted is None or wanted(t)]
        grids: dict[str, Grid] = {t: [] for t in titles}
        if titles:
            data = self._call("get", self._url(), params={
                "includeGridData": "true",
                "ranges": [_quote(t) for t in titles],
                "fields": "sheets(properties.title,data(startRow,startColumn,rowData(values("
                          "effectiveValue,effectiveFormat.numberFormat.type,note))))"})
            for sheet in data.get("sheets", []):
                title = sheet["properties"]["title"]
                grids[title], self._notes[title] = _grid(sheet.get("data", []))
        return RawWorkbook(source=self.key, sheets=grids,
                           title=meta.get("properties", {}).get("title", self.key))

    # -- apply ------------------------------------------------------------------------
    def apply(self, plan: Plan, *, force: bool = False) -> None:
        """One batchUpdate with every request the plan needs."""
        requests: list[dict[str, Any]] = []
        ids = [s["properties"]["sheetId"] for s in self._sheets.values()]
        next_id = max(ids, default=0) + 1
        for sheet in plan.generated:
            existing = self._sheets.get(sheet.name)
            if existing is None:
                sid, next_id = next_id, next_id + 1
                requests.append({"addSheet": {"properties": {"sheetId": sid,
                                                             "title": sheet.name}}})
                self._sheets[sheet.name] = {"properties": {"sheetId": sid, "title": sheet.name},
                                            "conditionalFormats": []}
            requests += self._generated(sheet)
        for patch in plan.patches:
            if patch.sheet not in self._sheets:
                raise RemoteError(f"{self.label}: sheet '{patch.sheet}' was not found to write")
            requests += self._patch(patch)
        if requests:
            self._call("post", self._url(":batchUpdate"), json={"requests": requests})

    def _sid(self, title: str) -> int:
        return int(self._sheets[title]["properties"]["sheetId"])

    def _generated(self, sheet: GeneratedSheet) -> list[dict[str, Any]]:
        sid = self._sid(sheet.name)
        width = max((len(r) for r in sheet.rows), default=1)
        grid = self._sheets[sheet.name]["properties"].get("gridProperties", {})
        rows = max(len(sheet.rows) + 1, int(grid.get("rowCount", 0)), 100)
        cols = max(width, int(grid.get("columnCount", 0)), 26)
        out: list[dict[str, Any]] = [
            {"updateSheetProperties": {
                "properties": {"sheetId": sid, "gridProperties": {
                    "rowCount": rows, "columnCount": cols, "frozenRowCount": sheet.header_rows}},
                "fields": "gridProperties(rowCount,columnCount,frozenRowCount)"}},
            {"updateCells": {"range": {"sheetId": sid}, "fields": "userEnteredValue,"
                             "userEnteredFormat,note"}},
        ]
        bold_head = [[_bold(c) if r < sheet.header_rows else c for c in row]
                     for r, row in enumerate(sheet.rows)]
        out.append({"updateCells": {
            "start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [_cell(c) for c in row]} for row in bold_head],
            "fields": CELL_FIELDS}})
        out += [_width(sid, c, w) for c, w in enumerate(sheet.col_widths, start=1)]
        out += self._highlights(sheet.name, sheet.highlights)
        return out

    def _patch(self, patch: SheetPatch) -> list[dict[str, Any]]:
        sid = self._sid(patch.sheet)
        out: list[dict[str, Any]] = []
        grid = self._sheets[patch.sheet]["properties"].get("gridProperties", {})
        places = list(patch.cells) + list(patch.notes)
        need_rows = max((r for r, _ in places), default=0)
        need_cols = max((c for _, c in places), default=0)
        if need_rows > grid.get("rowCount", 0) or need_cols > grid.get("columnCount", 0):
            out.append({"updateSheetProperties": {  # a new owned column may need room
                "properties": {"sheetId": sid, "gridProperties": {
                    "rowCount": max(need_rows, grid.get("rowCount", 0)),
                    "columnCount": max(need_cols, grid.get("columnCount", 0))}},
                "fields": "gridProperties(rowCount,columnCount)"}})
        by_col: dict[int, dict[int, CellWrite]] = {}
        for (r, c), cell in patch.cells.items():
            by_col.setdefault(c, {})[r] = cell
        for c, cells in sorted(by_col.items()):
            for start, run in _runs(cells):
                out.append({"updateCells": {
                    "start": {"sheetId": sid, "rowIndex": start - 1, "columnIndex": c - 1},
                    "rows": [{"values": [_cell(cell)]} for cell in run], "fields": CELL_FIELDS}})
        old = {rc for rc, text in self._notes.get(patch.sheet, {}).items()
               if text.startswith(NOTE_PREFIX)}
        for (r, c) in sorted(old | set(patch.notes)):
            out.append({"updateCells": {
                "start": {"sheetId": sid, "rowIndex": r - 1, "columnIndex": c - 1},
                "rows": [{"values": [{"note": patch.notes.get((r, c), "")}]}], "fields": "note"}})
        out += [_width(sid, c, w) for c, w in sorted(patch.col_widths.items())]
        out += self._highlights(patch.sheet, patch.highlights)
        return out

    def _highlights(self, title: str, highlights: list[Highlight]) -> list[dict[str, Any]]:
        sid = self._sid(title)
        rules = self._sheets[title].get("conditionalFormats", [])
        ours = [i for i, rule in enumerate(rules) if _is_ours(rule)]
        out: list[dict[str, Any]] = [{"deleteConditionalFormatRule": {"sheetId": sid,
                                                                       "index": i}}
                                     for i in sorted(ours, reverse=True)]
        for k, h in enumerate(highlights):
            red, green, blue, bold = TONES[h.tone]
            out.append({"addConditionalFormatRule": {"index": k, "rule": {
                "ranges": [{"sheetId": sid, "startRowIndex": h.first_row - 1,
                            "endRowIndex": h.last_row, "startColumnIndex": h.first_col - 1,
                            "endColumnIndex": h.last_col}],
                "booleanRule": {
                    "condition": {"type": "CUSTOM_FORMULA",
                                  "values": [{"userEnteredValue": "=" + highlight_formula(h)}]},
                    "format": {"backgroundColor": {"red": red, "green": green, "blue": blue},
                               "textFormat": {"bold": bold}}}}}})
        return out


def _is_ours(rule: dict[str, Any]) -> bool:
    """A conditional-format rule sheetsync added: its formula carries the marker."""
    values = rule.get("booleanRule", {}).get("condition", {}).get("values", [])
    return any(HIGHLIGHT_MARK in str(v.get("userEnteredValue", "")) for v in values)


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _grid(data: list[dict[str, Any]]) -> tuple[Grid, dict[tuple[int, int], str]]:
    grid: Grid = []
    notes: dict[tuple[int, int], str] = {}
    for block in data:
        top, left = block.get("startRow", 0), block.get("startColumn", 0)
        for i, row in enumerate(block.get("rowData", [])):
            r = top + i
            while len(grid) <= r:
                grid.append([])
            cells: list[Value] = [None] * left
            for j, cell in enumerate(row.get("values", [])):
                cells.append(_value(cell))
                if cell.get("note"):
                    notes[(r + 1, left + j + 1)] = cell["note"]
            grid[r] = cells
    return grid, notes


def _value(cell: dict[str, Any]) -> Value:
    v = cell.get("effectiveValue")
    if not v:
        return None
    if "stringValue" in v:
        return str(v["stringValue"])
    if "boolValue" in v:
        return bool(v["boolValue"])
    if "errorValue" in v:
        return CellError(_ERRORS.get(v["errorValue"].get("type", ""), "#ERROR!"))
    if "numberValue" in v:
        x = float(v["numberValue"])
        kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
        if kind == "DATE":
            return (EPOCH + dt.timedelta(days=x)).date()
        if kind == "DATE_TIME":
            return EPOCH + dt.timedelta(days=x)
        return int(x) if x.is_integer() else x
    return None


_ERRORS = {"REF": "#REF!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "NAME": "#NAME?",
           "NUM": "#NUM!", "N_A": "#N/A", "NULL_VALUE": "#NULL!", "ERROR": "#ERROR!"}


def _bold(cell: CellWrite | None) -> CellWrite | None:
    if cell is None or cell.bold:
        return cell
    return CellWrite(cell.value, cell.format, True, cell.note, cell.link, cell.wrap)


def _cell(cell: CellWrite | None) -> dict[str, Any]:
    """CellData for one owned cell: text as stringValue (never a formula)."""
    if cell is None or cell.value is None or cell.value == "":
        return {}
    v = cell.value
    fmt: dict[str, Any] = {}
    if isinstance(v, str):
        value: dict[str, Any] = {"stringValue": v}
    elif isinstance(v, dt.date):
        moment = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        value = {"numberValue": (moment.replace(tzinfo=None) - EPOCH).total_seconds() / 86400}
        kind = "datetime" if isinstance(v, dt.datetime) and cell.format == "datetime" else "date"
        fmt["numberFormat"] = dict(zip(("type", "pattern"), NUMBER_FORMATS[kind], strict=True))
    else:
        value = {"numberValue": float(v)}
        if cell.format in NUMBER_FORMATS:
            fmt["numberFormat"] = dict(zip(("type", "pattern"), NUMBER_FORMATS[cell.format],
                                           strict=True))
    if cell.bold:
        fmt["textFormat"] = {"bold": True}
    if cell.wrap:
        fmt["wrapStrategy"] = "WRAP"
    out: dict[str, Any] = {"userEnteredValue": value}
    if fmt:
        out["userEnteredFormat"] = fmt
    return out


def _runs(cells: dict[int, CellWrite]) -> list[tuple[int, list[CellWrite]]]:
    """Consecutive rows of one column, so one request writes a whole run."""
    runs: list[tuple[int, list[CellWrite]]] = []
    for r in sorted(cells):
        if runs and runs[-1][0] + len(runs[-1][1]) == r:
            runs[-1][1].append(cells[r])
        else:
            runs.append((r, [cells[r]]))
    return runs


def _width(sid: int, col: int, width: float) -> dict[str, Any]:
    return {"updateDimensionProperties": {
        "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": col - 1,
                  "endIndex": col},
        "properties": {"pixelSize": int(width * 7)}, "fields": "pixelSize"}}
