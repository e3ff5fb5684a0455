"""A stateful loopback fake of the Google Sheets v4 API, for the real gspread to talk to.

Serves on 127.0.0.1 (port 0): the OAuth token endpoint (JWT-bearer grant),
spreadsheets.get (with includeGridData / ranges), spreadsheets.batchUpdate (the request
kinds sheetsync sends), and values.batchGet.  Faults can be queued (the next N requests
answer 429, 500, 403 or 404) and every request is logged.  Tests seed spreadsheets
from grids and read back values, formats, notes and conditional-format rules.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

EPOCH = dt.datetime(1899, 12, 30)


@dataclass
class Sheet:
    sheet_id: int
    title: str
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # 0-based
    rules: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 1000
    cols: int = 26
    frozen: int = 0
    widths: dict[int, int] = field(default_factory=dict)


@dataclass
class Book:
    title: str
    sheets: list[Sheet] = field(default_factory=list)

    def sheet(self, title: str) -> Sheet:
        return next(s for s in self.sheets if s.title == title)

    def by_id(self, sid: int) -> Sheet:
        return next(s for s in self.sheets if s.sheet_id == sid)


def cell_from_value(v: Any) -> dict[str, Any]:
    """CellData as Sheets stores what a person typed (dates as serials with a format)."""
    if v is None or v == "":
        return {}
    if isinstance(v, bool):
        return {"userEnteredValue": {"boolValue": v}}
    if isinstance(v, (int, float)):
        return {"userEnteredValue": {"numberValue": v}}
    if isinstance(v, dt.date):
        moment = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        return {"userEnteredValue": {"numberValue": (moment - EPOCH).total_seconds() / 86400},
                "userEnteredFormat": {"numberFormat": {"type": "DATE"}}}
    return {"userEnteredValue": {"stringValue": str(v)}}


def effective(cell: dict[str, Any]) -> dict[str, Any]:
    """What spreadsheets.get reports: stringValue stays text (it is never evaluated)."""
    out: dict[str, Any] = {}
    if "userEnteredValue" in cell:
        uv = cell["userEnteredValue"]
        if "errorValue" in uv:
            out["effectiveValue"] = {"errorValue": uv["errorValue"]}
        else:
            out["effectiveValue"] = dict(uv)
    fmt = cell.get("userEnteredFormat", {}).get("numberFormat")
    if fmt:
        out["effectiveFormat"] = {"numberFormat": {"type": fmt.get("type", "NUMBER")}}
    if cell.get("note"):
        out["note"] = cell["note"]
    return out


class FakeSheets:
    """The server and its state.  Use as a context manager."""

    def __init__(self) -> None:
        self.books: dict[str, Book] = {}
        self.log: list[tuple[str, str]] = []
        self.faults: list[int] = []
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSheets:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test helpers ------------------------------------------------------------------
    def seed(self, key: str, grids: dict[str, list[list[Any]]], title: str = "Pipeline") -> None:
        book = Book(title)
        for i, (name, grid) in enumerate(grids.items()):
            width = max((len(r) for r in grid), default=0)
            sheet = Sheet(sheet_id=100 + i, title=name, rows=max(1000, len(grid) + 10),
                          cols=max(26, width))
            for r, row in enumerate(grid):
                for c, v in enumerate(row):
                    data = cell_from_value(v)
                    if data:
                        sheet.cells[(r, c)] = data
            book.sheets.append(sheet)
        self.books[key] = book

    def value(self, key: str, title: str, ref: str) -> Any:
        """The stored value at A1-style `ref` (numbers, strings, bools) or None."""
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        assert m
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        cell = self.books[key].sheet(title).cells.get((int(m.group(2)) - 1, col - 1), {})
        uv = cell.get("userEnteredValue", {})
        return next(iter(uv.values()), None) if uv else None

    def cell(self, key: str, title: str, row: int, col: int) -> dict[str, Any]:
        return self.books[key].sheet(title).cells.get((row - 1, col - 1), {})

    def calls(self) -> int:
        return sum(1 for _, path in self.log if not path.startswith("/token"))


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSheets

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, code: int, message: str) -> None:
        status = {403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED"}
        self._send(code, {"error": {"code": code, "message": message,
                                    "status": status.get(code, "INTERNAL")}})

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def _handle(self, method: str) -> None:
        fake = self.fake
        url = urlparse(self.path)
        body = self._body() if method == "POST" else b""
        with fake.lock:
            fake.log.append((method, url.path))
            if url.path == "/token":
                return self._token(body)
            if self.headers.get("Authorization", "") != "Bearer fake-token":
                return self._error(401, "no token")
            if fake.faults:
                code = fake.faults.pop(0)
                return self._error(code, f"injected {code}")
            m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(:batchUpdate)?", url.path)
            if not m or m.group(1) not in fake.books:
                return self._error(404, "Requested entity was not found.")
            book = fake.books[m.group(1)]
            if method == "GET":
                return self._send(200, _get(book, parse_qs(url.query)))
            if m.group(2):
                try:
                    replies = _batch_update(book, json.loads(body)["requests"])
                except (KeyError, ValueError, StopIteration) as exc:
                    return self._error(400, f"Invalid request: {exc}")
                return self._send(200, {"spreadsheetId": m.group(1), "replies": replies})
            return self._error(404, "unknown")

    def _token(self, body: bytes) -> None:
        form = parse_qs(body.decode())
        assertion = form.get("assertion", [""])[0]
        grant = form.get("grant_type", [""])[0]
        parts = assertion.split(".")
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer" or len(parts) != 3:
            return self._error(400, "invalid_grant")
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        if "iss" not in claims or "scope" not in claims:
            return self._error(400, "invalid_grant: missing claims")
        self._send(200, {"access_token": "fake-token", "expires_in": 3600,
                         "token_type": "Bearer"})


def _get(book: Book, query: dict[str, list[str]]) -> dict[str, Any]:
    sheets = []
    wanted = {unquote(r).strip("'").replace("''", "'") for r in query.get("ranges", [])}
    with_data = query.get("includeGridData", ["false"])[0] == "true"
    for s in book.sheets:
        if wanted and s.title not in wanted:
            continue
        out: dict[str, Any] = {"properties": {
            "sheetId": s.sheet_id, "title": s.title,
            "gridProperties": {"rowCount": s.rows, "columnCount": s.cols,
                               "frozenRowCount": s.frozen}},
            "conditionalFormats": s.rules}
        if with_data:
            widths: dict[int, int] = {}
            for r, c in s.cells:
                widths[r] = max(widths.get(r, 0), c + 1)
            height = max(widths, default=-1) + 1
            rows = [{"values": [effective(s.cells.get((r, c), {}))
                                for c in range(widths.get(r, 0))]} for r in range(height)]
            out["data"] = [{"startRow": 0, "startColumn": 0, "rowData": rows}]
        sheets.append(out)
    return {"properties": {"title": book.title}, "sheets": sheets}


def _apply_cell(sheet: Sheet, r: int, c: int, data: dict[str, Any], fields: str) -> None:
    if r >= sheet.rows or c >= sheet.cols:
        raise ValueError(f"range ({r},{c}) exceeds grid limits")
    cell = dict(sheet.cells.get((r, c), {}))
    if fields in ("*", "userEnteredValue,userEnteredFormat,note"):
        cell = {}
    for name in ("userEnteredValue", "userEnteredFormat", "note"):
        if name in fields or fields == "*":
            cell.pop(name, None)
            if name in data and data[name] not in ("", None):
                cell[name] = data[name]
    if cell:
        sheet.cells[(r, c)] = cell
    else:
        sheet.cells.pop((r, c), None)


def _batch_update(book: Book, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    replies: list[dict[str, Any]] = []
    for req in requests:
        (kind, body), = req.items()
        if kind == "addSheet":
            props = body["properties"]
            if any(s.title == props["title"] for s in book.sheets):
                raise ValueError(f"sheet {props['title']} exists")
            book.sheets.append(Sheet(sheet_id=props["sheetId"], title=props["title"]))
        elif kind == "updateSheetProperties":
            sheet = book.by_id(body["properties"]["sheetId"])
            grid = body["properties"].get("gridProperties", {})
            sheet.rows = grid.get("rowCount", sheet.rows)
            sheet.cols = grid.get("columnCount", sheet.cols)
            sheet.frozen = grid.get("frozenRowCount", sheet.frozen)
        elif kind == "updateCells":
            fields = body["fields"]
            if "range" in body:
                sheet = book.by_id(body["range"]["sheetId"])
                if "rows" not in body:
                    for key in list(sheet.cells):
                        _apply_cell(sheet, key[0], key[1], {}, fields)
                    replies.append({})
                    continue
            start = body.get("start", {})
            sheet = book.by_id(start.get("sheetId", body.get("range", {}).get("sheetId")))
            r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
            for i, row in enumerate(body.get("rows", [])):
                for j, data in enumerate(row.get("values", [])):
                    _apply_cell(sheet, r0 + i, c0 + j, data, fields)
        elif kind == "deleteConditionalFormatRule":
            book.by_id(body["sheetId"]).rules.pop(body["index"])
        elif kind == "addConditionalFormatRule":
            sheet = book.by_id(body["rule"]["ranges"][0]["sheetId"])
            sheet.rules.insert(body.get("index", 0), body["rule"])
        elif kind == "updateDimensionProperties":
            rng = body["range"]
            sheet = book.by_id(rng["sheetId"])
            for c in range(rng["startIndex"], rng["endIndex"]):
                sheet.widths[c] = body["properties"]["pixelSize"]
        else:
            raise ValueError(f"unsupported request {kind}")
        replies.append({})
    return replies
