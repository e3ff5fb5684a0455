"""A stateful loopback fake of the Google Sheets v4 API, for the real gspread to talk to.

`FakeSheets()` serves on 127.0.0.1 (a free port) in a thread:

- POST /token                       JWT-bearer grant; the assertion must be a JWT signed
                                    by a key registered with `trust()` (RS256)
- GET  /v4/spreadsheets/KEY         includeGridData, ranges (whole sheets), fields masks
- POST /v4/spreadsheets/KEY:batchUpdate   addSheet, updateSheetProperties, updateCells,
                                    add/deleteConditionalFormatRule,
                                    updateDimensionProperties, addChart, updateChartSpec,
                                    updateEmbeddedObjectPosition, deleteEmbeddedObject;
                                    atomic, grid limits checked
- GET  /v4/spreadsheets/KEY/values/RANGE, values:batchGet, POST values:batchUpdate
- CONNECT (as an HTTPS proxy): refused and logged, so nothing leaves the machine

Sharing: a spreadsheet seeded with `shared_with` answers 403 to other accounts.
Faults: `fail(status, times)` answers the next API requests with that status.  A body
over `max_payload` (Google's 10 MiB) is refused with Google's message.
`log` holds (method, path) of every request, `bodies` every applied batchUpdate body.
Cell state is CellData dicts as the API has them; `value()`, `cell()`, `rules()`,
`charts()` read it back for assertions.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

EPOCH = dt.date(1899, 12, 30)


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: str) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    frozen: int = 0
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # 0-based
    rules: list[dict[str, Any]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    # Embedded charts, chartId -> EmbeddedChart ({"chartId", "spec", "position"}).
    charts: dict[int, dict[str, Any]] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)        # 0-based rows hidden by user

    def clone(self) -> Sheet:
        return Sheet(self.sheet_id, self.title, self.rows, self.cols, self.frozen,
                     dict(self.cells), list(self.rules), dict(self.widths),
                     {k: json.loads(json.dumps(v)) for k, v in self.charts.items()},
                     set(self.hidden))

    def props(self, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen:
            grid["frozenRowCount"] = self.frozen
        return {"sheetId": self.sheet_id, "title": self.title, "index": index,
                "sheetType": "GRID", "gridProperties": grid}


@dataclass
class Book:
    title: str
    sheets: list[Sheet]
    shared_with: set[str] | None = None

    def sheet(self, title: str) -> Sheet:
        return next(s for s in self.sheets if s.title == title)


# --- field masks ---------------------------------------------------------------------------

def parse_mask(text: str) -> dict[str, Any]:
    """'a,b(c,d.e)' -> {'a': {}, 'b': {'c': {}, 'd': {'e': {}}}}; {} at a leaf = all."""
    tree: dict[str, Any] = {}
    pos = 0

    def parse(at: dict[str, Any]) -> None:
        nonlocal pos
        while pos < len(text):
            m = re.compile(r"[A-Za-z0-9_.]+").match(text, pos)
            if not m:
                raise ApiError(400, f"Invalid field selection at {pos}", "INVALID_ARGUMENT")
            node = at
            for part in m.group(0).split("."):
                node = node.setdefault(part, {})
            pos = m.end()
            if pos < len(text) and text[pos] == "(":
                pos += 1
                parse(node)
                if pos >= len(text) or text[pos] != ")":
                    raise ApiError(400, "Unbalanced field selection", "INVALID_ARGUMENT")
                pos += 1
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            return

    parse(tree)
    if pos != len(text):
        raise ApiError(400, f"Invalid field selection at {pos}", "INVALID_ARGUMENT")
    return tree


def apply_mask(obj: Any, mask: dict[str, Any]) -> Any:
    if not mask:
        return obj
    if isinstance(obj, list):
        return [apply_mask(x, mask) for x in obj]
    if not isinstance(obj, dict):
        return obj
    return {k: apply_mask(obj[k], sub) for k, sub in mask.items() if k in obj}


def set_masked(cell: dict[str, Any], data: dict[str, Any], mask: dict[str, Any]) -> dict[str, Any]:
    """A new cell: the masked fields taken from `data` (absent there = cleared)."""
    out = dict(cell)
    for key, sub in mask.items():
        if not sub:
            if key in data:
                out[key] = data[key]
            else:
                out.pop(key, None)
            continue
        old = out.get(key) if isinstance(out.get(key), dict) else {}
        new = data.get(key) if isinstance(data.get(key), dict) else {}
        inner = set_masked(old or {}, new or {}, sub)
        if inner:
            out[key] = inner
        else:
            out.pop(key, None)
    return out


# --- the server ----------------------------------------------------------------------------

class FakeSheets:
    """The fake API; use as a context manager.  `url` is its base URL."""

    def __init__(self, max_payload: int = 10_485_760) -> None:
        self.max_payload = max_payload                   # Google's request-size limit
        self.books: dict[str, Book] = {}
        self.log: list[tuple[str, str]] = []
        self.tokens: dict[str, str] = {}                # access token -> client e-mail
        self.trusted: dict[str, Any] = {}               # client e-mail -> public key
        self.faults: list[int] = []
        self.errors: list[str] = []                     # malformed requests, for asserts
        self.bodies: list[dict[str, Any]] = []          # every applied batchUpdate body
        self.traffic: list[tuple[str, str, int, int]] = []   # method, path, bytes in, out
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_CONNECT(self) -> None:
                fake.log.append(("CONNECT", self.path))
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSheets:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test helpers ---------------------------------------------------------------------

    def trust(self, email: str, public_key: Any) -> None:
        self.trusted[email] = public_key

    def seed(self, key: str, grids: dict[str, list[list[Any]]], *, title: str = "Pipeline",
             shared_with: set[str] | None = None) -> Book:
        """A spreadsheet from plain grids (dates get a DATE format, like typed dates)."""
        sheets = []
        for i, (name, grid) in enumerate(grids.items()):
            sheet = Sheet(i * 7 + 3, name, rows=max(1000, len(grid) + 1),
                          cols=max(26, max((len(r) for r in grid), default=0)))
            for r, row in enumerate(grid):
                for c, v in enumerate(row):
                    if v is not None and v != "":
                        sheet.cells[(r, c)] = typed_cell(v)
            sheets.append(sheet)
        self.books[key] = Book(title, sheets, shared_with)
        return self.books[key]

    def fail(self, status: int, times: int = 1) -> None:
        self.faults.extend([status] * times)

    def api_calls(self) -> list[tuple[str, str]]:
        return [e for e in self.log if e[1].startswith("/v4/")]

    def cell(self, key: str, sheet: str, row: int, col: int) -> dict[str, Any]:
        """CellData at 1-based (row, col)."""
        return self.books[key].sheet(sheet).cells.get((row - 1, col - 1), {})

    def value(self, key: str, sheet: str, row: int, col: int) -> Any:
        uev = self.cell(key, sheet, row, col).get("userEnteredValue", {})
        return next(iter(uev.values()), None)

    def charts(self, key: str, sheet: str) -> list[dict[str, Any]]:
        """The embedded charts of one sheet, as the API holds them."""
        return list(self.books[key].sheet(sheet).charts.values())

    def rules(self, key: str, sheet: str) -> list[dict[str, Any]]:
        return self.books[key].sheet(sheet).rules

    # -- HTTP -----------------------------------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(req.path)
        query = parse_qs(url.query)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length else b""
        with self.lock:
            self.log.append((method, unquote(url.path)))
            try:
                if url.path == "/token":
                    status, body = 200, self._token(parse_qs(raw.decode()))
                else:
                    email = self.tokens.get(req.headers.get("Authorization", "")[7:])
                    if email is None:
                        raise ApiError(401, "Request had invalid authentication credentials.",
                                       "UNAUTHENTICATED")
                    if len(raw) > self.max_payload:
                        raise ApiError(400, "Request payload size exceeds the limit:"
                                       f" {self.max_payload} bytes.", "INVALID_ARGUMENT")
                    if self.faults:
                        code = self.faults.pop(0)
                        raise ApiError(code, f"injected {code}", {
                            429: "RESOURCE_EXHAUSTED", 403: "PERMISSION_DENIED",
                            404: "NOT_FOUND"}.get(code, "INTERNAL"))
                    status, body = 200, self._api(method, unquote(url.path), query,
                                                  json.loads(raw or b"{}"), email)
            except ApiError as err:
                status = err.code
                body = {"error": {"code": err.code, "message": err.message,
                                  "status": err.status}}
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")   # a request we misread
                status = 400
                body = {"error": {"code": 400, "message": f"Invalid request: {exc!r}",
                                  "status": "INVALID_ARGUMENT"}}
        data = json.dumps(body).encode()
        self.traffic.append((method, unquote(url.path), len(raw), len(data)))
        req.send_response(status)
        req.send_header("Content-Type", "application/json; charset=UTF-8")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    def _token(self, form: dict[str, list[str]]) -> dict[str, Any]:
        grant = form.get("grant_type", [""])[0]
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            raise ApiError(400, "unsupported_grant_type", "INVALID_ARGUMENT")
        parts = form.get("assertion", [""])[0].split(".")
        if len(parts) != 3:
            raise ApiError(400, "invalid_grant: not a JWT", "INVALID_ARGUMENT")
        head, claims = (json.loads(_b64(p)) for p in parts[:2])
        key = self.trusted.get(claims.get("iss", ""))
        if head.get("alg") != "RS256" or key is None or "scope" not in claims:
            raise ApiError(400, "invalid_grant: unknown account", "INVALID_ARGUMENT")
        signed = f"{parts[0]}.{parts[1]}".encode()
        try:
            key.verify(_b64(parts[2]), signed, padding.PKCS1v15(), hashes.SHA256())
        except Exception:
            raise ApiError(400, "invalid_grant: bad signature", "INVALID_ARGUMENT") from None
        token = secrets.token_urlsafe(16)
        self.tokens[token] = claims["iss"]
        return {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    def _api(self, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any],
             email: str) -> dict[str, Any]:
        m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(:batchUpdate|/values:batchGet|"
                         r"/values:batchUpdate|/values/([^:]+))?", path)
        if not m:
            raise ApiError(404, "Not found", "NOT_FOUND")
        book = self.books.get(m.group(1))
        if book is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        if book.shared_with is not None and email not in book.shared_with:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        verb = m.group(2) or ""
        if method == "GET" and verb == "":
            return self._get(book, query)
        if method == "POST" and verb == ":batchUpdate":
            self.books[m.group(1)] = self._batch(book, body.get("requests", []))
            self.bodies.append(body)
            return {"spreadsheetId": m.group(1), "replies": [{} for _ in body["requests"]]}
        if method == "GET" and verb == "/values:batchGet":
            return {"valueRanges": [self._values(book, r) for r in query.get("ranges", [])]}
        if method == "GET" and m.group(3):
            return self._values(book, m.group(3))
        if method == "POST" and verb == "/values:batchUpdate":
            raw = body.get("valueInputOption") == "RAW"
            for vr in body.get("data", []):
                self._write_values(book, vr["range"], vr["values"], raw)
            return {"spreadsheetId": m.group(1)}
        raise ApiError(400, "Unsupported call", "INVALID_ARGUMENT")

    # -- spreadsheets.get -------------------------------------------------------------------

    def _get(self, book: Book, query: dict[str, list[str]]) -> dict[str, Any]:
        grid_data = query.get("includeGridData", ["false"])[0] == "true"
        wanted = [_sheet_name(r) for r in query.get("ranges", [])]
        titles = [s.title for s in book.sheets]
        for name in wanted:
            if name not in titles:
                raise ApiError(400, f"Unable to parse range: {name}", "INVALID_ARGUMENT")
        out_sheets = []
        for i, sheet in enumerate(book.sheets):
            if wanted and sheet.title not in wanted:
                continue
            item: dict[str, Any] = {"properties": sheet.props(i)}
            if sheet.rules:
                item["conditionalFormats"] = sheet.rules
            if sheet.charts:
                item["charts"] = list(sheet.charts.values())
            if grid_data:
                item["data"] = [_grid_data(sheet)]
            out_sheets.append(item)
        full = {"spreadsheetId": "x", "properties": {"title": book.title, "locale": "en_US"},
                "sheets": out_sheets}
        fields = query.get("fields", [""])[0]
        return apply_mask(full, parse_mask(fields)) if fields else full

    # -- spreadsheets.batchUpdate (atomic: a failed request leaves the book as it was) ------

    def _batch(self, book: Book, requests: list[dict[str, Any]]) -> Book:
        new = Book(book.title, list(book.sheets), book.shared_with)
        cloned: set[int] = set()

        def sheet_of(sid: int) -> Sheet:
            for i, s in enumerate(new.sheets):
                if s.sheet_id == sid:
                    if sid not in cloned:
                        new.sheets[i] = s = s.clone()
                        cloned.add(sid)
                    return s
            raise ApiError(400, f"No grid with id: {sid}", "INVALID_ARGUMENT")

        for n, request in enumerate(requests):
            (kind, arg), = request.items()
            if kind == "addSheet":
                props = arg["properties"]
                sid = props.get("sheetId", 1 + max(s.sheet_id for s in new.sheets))
                if any(s.sheet_id == sid or s.title == props["title"] for s in new.sheets):
                    raise ApiError(400, f"requests[{n}]: sheet exists", "INVALID_ARGUMENT")
                grid = props.get("gridProperties", {})
                new.sheets.append(Sheet(sid, props["title"], grid.get("rowCount", 1000),
                                        grid.get("columnCount", 26),
                                        grid.get("frozenRowCount", 0)))
                cloned.add(sid)
            elif kind == "updateSheetProperties":
                sheet = sheet_of(arg["properties"]["sheetId"])
                grid = arg["properties"].get("gridProperties", {})
                mask = parse_mask(arg["fields"])
                grid_mask = mask.pop("gridProperties", {}) or {
                    "rowCount": {}, "columnCount": {}, "frozenRowCount": {}}
                if "title" in mask:
                    sheet.title = arg["properties"]["title"]
                for name, attr in (("rowCount", "rows"), ("columnCount", "cols"),
                                   ("frozenRowCount", "frozen")):
                    if name in grid_mask:
                        setattr(sheet, attr, grid.get(name, 0))
                if sheet.frozen >= sheet.rows:
                    raise ApiError(400, "You can't freeze all visible rows on the sheet.",
                                   "INVALID_ARGUMENT")
                if any(r >= sheet.rows or c >= sheet.cols for r, c in sheet.cells):
                    sheet.cells = {k: v for k, v in sheet.cells.items()
                                   if k[0] < sheet.rows and k[1] < sheet.cols}
            elif kind == "updateCells":
                self._update_cells(sheet_of, arg, n)
            elif kind == "addConditionalFormatRule":
                rule = arg["rule"]
                sheet = sheet_of(rule["ranges"][0]["sheetId"])
                sheet.rules.insert(arg.get("index", 0), rule)
            elif kind == "deleteConditionalFormatRule":
                sheet = sheet_of(arg["sheetId"])
                if not 0 <= arg["index"] < len(sheet.rules):
                    raise ApiError(400, f"requests[{n}]: no rule at index", "INVALID_ARGUMENT")
                del sheet.rules[arg["index"]]
            elif kind == "updateDimensionProperties":
                rng = arg["range"]
                sheet = sheet_of(rng["sheetId"])
                if rng["dimension"] == "COLUMNS":
                    for c in range(rng["startIndex"], rng["endIndex"]):
                        sheet.widths[c] = arg["properties"]["pixelSize"]
                elif arg["fields"] == "hiddenByUser":            # ROWS
                    span = range(rng["startIndex"], rng["endIndex"])
                    if arg["properties"]["hiddenByUser"]:
                        sheet.hidden.update(span)
                    else:
                        sheet.hidden.difference_update(span)
            elif kind in _CHART_REQUESTS:
                self._chart(new, sheet_of, kind, arg, n)
            else:
                raise ApiError(400, f"requests[{n}]: unsupported {kind}", "INVALID_ARGUMENT")
        return new

    @staticmethod
    def _chart(book: Book, sheet_of: Any, kind: str, arg: dict[str, Any], n: int) -> None:
        """addChart, updateChartSpec, updateEmbeddedObjectPosition, deleteEmbeddedObject."""
        def holder(chart_id: int) -> Sheet:
            for s in book.sheets:
                if chart_id in s.charts:
                    return sheet_of(s.sheet_id)
            raise ApiError(400, f"requests[{n}]: No chart with id: {chart_id}",
                           "INVALID_ARGUMENT")

        def check_ranges(spec: dict[str, Any]) -> None:
            basic = spec.get("basicChart", {})
            ranges = [src for part in basic.get("domains", []) + basic.get("series", [])
                      for src in next(iter(part.values()))["sourceRange"]["sources"]]
            if not ranges:
                raise ApiError(400, f"requests[{n}]: a chart needs data", "INVALID_ARGUMENT")
            for rng in ranges:
                sheet = sheet_of(rng["sheetId"])
                if rng["endRowIndex"] > sheet.rows or rng["endColumnIndex"] > sheet.cols:
                    raise ApiError(400, f"requests[{n}]: chart range exceeds grid limits",
                                   "INVALID_ARGUMENT")

        def check_anchor(position: dict[str, Any]) -> None:
            cell = position["overlayPosition"]["anchorCell"]
            sheet = sheet_of(cell["sheetId"])
            if cell.get("rowIndex", 0) >= sheet.rows or cell.get("columnIndex", 0) >= sheet.cols:
                raise ApiError(400, f"requests[{n}]: anchor cell outside the grid",
                               "INVALID_ARGUMENT")

        if kind == "addChart":
            chart = json.loads(json.dumps(arg["chart"]))
            chart_id = chart.setdefault("chartId", 1 + max(
                [c for s in book.sheets for c in s.charts] + [900]))
            if any(chart_id in s.charts or chart_id == s.sheet_id for s in book.sheets):
                raise ApiError(400, f"requests[{n}]: id {chart_id} is already used",
                               "INVALID_ARGUMENT")
            check_ranges(chart["spec"])
            check_anchor(chart["position"])
            sheet_of(chart["position"]["overlayPosition"]["anchorCell"]["sheetId"]).charts[
                chart_id] = chart
        elif kind == "updateChartSpec":
            check_ranges(arg["spec"])
            holder(arg["chartId"]).charts[arg["chartId"]]["spec"] = arg["spec"]
        elif kind == "updateEmbeddedObjectPosition":
            check_anchor(arg["newPosition"])
            sheet = holder(arg["objectId"])
            chart = sheet.charts.pop(arg["objectId"])
            chart["position"] = arg["newPosition"]
            target = arg["newPosition"]["overlayPosition"]["anchorCell"]["sheetId"]
            sheet_of(target).charts[arg["objectId"]] = chart
        else:                                              # deleteEmbeddedObject
            del holder(arg["objectId"]).charts[arg["objectId"]]

    @staticmethod
    def _update_cells(sheet_of: Any, arg: dict[str, Any], n: int) -> None:
        mask = parse_mask(arg["fields"])
        rows = arg.get("rows", [])
        if "start" in arg:
            sheet = sheet_of(arg["start"]["sheetId"])
            top, left = arg["start"].get("rowIndex", 0), arg["start"].get("columnIndex", 0)
            bottom = top + len(rows)
            right = left + max((len(r.get("values", [])) for r in rows), default=0)
        else:
            rng = arg["range"]
            sheet = sheet_of(rng["sheetId"])
            top, left = rng.get("startRowIndex", 0), rng.get("startColumnIndex", 0)
            bottom, right = rng.get("endRowIndex", sheet.rows), rng.get("endColumnIndex",
                                                                         sheet.cols)
            for key in [k for k in sheet.cells if top <= k[0] < bottom and left <= k[1] < right]:
                cleared = set_masked(sheet.cells[key], {}, mask)
                if cleared:
                    sheet.cells[key] = cleared
                else:
                    del sheet.cells[key]
        if bottom > sheet.rows or right > sheet.cols:
            raise ApiError(400, f"requests[{n}]: Range ('{sheet.title}'!R{bottom}C{right})"
                           f" exceeds grid limits. Max rows: {sheet.rows}, max columns:"
                           f" {sheet.cols}", "INVALID_ARGUMENT")
        for i, row in enumerate(rows):
            for j, data in enumerate(row.get("values", [])):
                key = (top + i, left + j)
                uev = data.get("userEnteredValue", {})
                if "formulaValue" in uev and not str(uev["formulaValue"]).startswith("="):
                    raise ApiError(400, "formulaValue must start with =", "INVALID_ARGUMENT")
                cell = set_masked(sheet.cells.get(key, {}), data, mask)
                cell.pop("effectiveValue", None)      # recomputed from userEnteredValue
                if cell:
                    sheet.cells[key] = cell
                else:
                    sheet.cells.pop(key, None)

    # -- values -----------------------------------------------------------------------------

    def _values(self, book: Book, a1: str) -> dict[str, Any]:
        name = _sheet_name(a1)
        sheet = next((s for s in book.sheets if s.title == name), None)
        if sheet is None:
            raise ApiError(400, f"Unable to parse range: {a1}", "INVALID_ARGUMENT")
        grid = _grid_data(sheet)["rowData"]
        values = [[next(iter(c.get("effectiveValue", {}).values()), "")
                   for c in r.get("values", [])] for r in grid]
        return {"range": a1, "majorDimension": "ROWS", "values": values}

    def _write_values(self, book: Book, a1: str, values: list[list[Any]], raw: bool) -> None:
        name, _, ref = a1.rpartition("!")
        sheet = book.sheet(_sheet_name(name or a1))
        m = re.match(r"([A-Z]+)(\d+)", ref or "A1")
        letters = m.group(1) if m else "A"
        col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters))) - 1
        row = int(m.group(2)) - 1 if m else 0
        for i, vals in enumerate(values):
            for j, v in enumerate(vals):
                if isinstance(v, str) and not raw and v.startswith("="):
                    uev: dict[str, Any] = {"formulaValue": v}
                elif isinstance(v, str) and not raw:
                    try:
                        uev = {"numberValue": float(v)}
                    except ValueError:
                        uev = {"stringValue": v}
                else:
                    uev = ({"stringValue": v} if isinstance(v, str) else {"boolValue": v}
                           if isinstance(v, bool) else {"numberValue": v})
                sheet.cells[(row + i, col + j)] = {"userEnteredValue": uev}


_CHART_REQUESTS = ("addChart", "updateChartSpec", "updateEmbeddedObjectPosition",
                   "deleteEmbeddedObject")


def typed_cell(v: Any) -> dict[str, Any]:
    """CellData for a plain value as an operator would type it."""
    if isinstance(v, bool):
        return {"userEnteredValue": {"boolValue": v}}
    if isinstance(v, dt.datetime):
        serial = (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
        return {"userEnteredValue": {"numberValue": serial},
                "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME"}}}
    if isinstance(v, dt.date):
        return {"userEnteredValue": {"numberValue": float((v - EPOCH).days)},
                "userEnteredFormat": {"numberFormat": {"type": "DATE",
                                                       "pattern": "yyyy-mm-dd"}}}
    if isinstance(v, (int, float)):
        return {"userEnteredValue": {"numberValue": v}}
    return {"userEnteredValue": {"stringValue": str(v)}}


def _effective(cell: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "effectiveValue" in cell:                 # seeded, e.g. a formula's error
        out["effectiveValue"] = cell["effectiveValue"]
    elif "userEnteredValue" in cell and "formulaValue" not in cell["userEnteredValue"]:
        out["effectiveValue"] = cell["userEnteredValue"]
    if "userEnteredFormat" in cell:
        out["effectiveFormat"] = cell["userEnteredFormat"]
    return {**cell, **out}


def _grid_data(sheet: Sheet) -> dict[str, Any]:
    rows: dict[int, dict[int, dict[str, Any]]] = {}
    for (r, c), cell in sheet.cells.items():
        rows.setdefault(r, {})[c] = cell
    height = max(rows, default=-1) + 1
    row_data = []
    for r in range(height):
        cells = rows.get(r, {})
        width = max(cells, default=-1) + 1
        row_data.append({"values": [_effective(cells[c]) if c in cells else {}
                                    for c in range(width)]} if cells else {})
    return {"startRow": 0, "startColumn": 0, "rowData": row_data}


def _sheet_name(a1: str) -> str:
    name = a1.split("!")[0] if "!" in a1 and not a1.startswith("'") else a1
    if name.startswith("'"):
        end = name.rfind("'")
        return name[1:end].replace("''", "'")
    return name


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
