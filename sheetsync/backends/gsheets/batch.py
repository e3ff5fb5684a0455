"""A Plan as the request list of one `spreadsheets.batchUpdate`.

Pure: from the Plan and the sheet metadata the preceding read fetched, build every
request (in an order the API accepts: new sheets first, so that later requests can
name the sheet ids chosen here) and the metadata as it will be afterwards.  Requests
are grouped by runs of cells, so their number follows the plan's shape (columns,
gaps), not multiplied by rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from sheetsync.backends.gsheets.cells import (
    GENERATED_FIELDS,
    OWNED_FIELDS,
    cell_data,
    highlight_rule,
    is_ours,
    link_uri,
    pixels,
)
from sheetsync.backends.gsheets.charts import chart_requests, rows_needed
from sheetsync.errors import WriteError
from sheetsync.workbook import NOTE_PREFIX, CellWrite, GeneratedSheet, Highlight, Plan, SheetPatch

Request = dict[str, Any]
# Google refuses a request body over 10 MiB ("Request payload size exceeds the limit:
# 10485760 bytes").  Batches are cut below that, with room for the envelope.
PAYLOAD_LIMIT = 9 * 2**20


@dataclass
class SheetMeta:
    """What apply needs to know about one sheet, from the read before it."""

    title: str
    sheet_id: int
    rows: int = 1000
    cols: int = 26
    frozen_rows: int = 0
    rules: list[dict[str, Any]] = field(default_factory=list)      # conditional formats
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    charts: dict[int, dict[str, Any]] = field(default_factory=dict)   # chartId -> chart

    @classmethod
    def from_api(cls, sheet: dict[str, Any]) -> SheetMeta:
        props = sheet.get("properties", {})
        grid = props.get("gridProperties", {})
        return cls(title=str(props.get("title", "")), sheet_id=int(props.get("sheetId", 0)),
                   rows=int(grid.get("rowCount", 0)), cols=int(grid.get("columnCount", 0)),
                   frozen_rows=int(grid.get("frozenRowCount", 0)),
                   rules=list(sheet.get("conditionalFormats", [])),
                   charts={int(c.get("chartId", -1)): c for c in sheet.get("charts", [])})


def plan_requests(plan: Plan, meta: dict[str, SheetMeta], *,
                  label: str) -> tuple[list[Request], dict[str, SheetMeta]]:
    """(the batchUpdate requests that write `plan`, the sheet metadata afterwards)."""
    after = {t: replace(m, rules=list(m.rules), notes=dict(m.notes), charts=dict(m.charts))
             for t, m in meta.items()}
    requests: list[Request] = []
    next_id = max((m.sheet_id for m in after.values()), default=0) + 1
    for sheet in plan.generated:
        if sheet.name not in after:
            rows, cols = _generated_size(sheet, None)
            after[sheet.name] = SheetMeta(sheet.name, next_id, rows, cols, sheet.header_rows)
            requests.append({"addSheet": {"properties": {
                "sheetId": next_id, "title": sheet.name,
                "gridProperties": {"rowCount": rows, "columnCount": cols,
                                   "frozenRowCount": sheet.header_rows}}}})
            next_id += 1
    ids = {t: m.sheet_id for t, m in after.items()}
    for sheet in plan.generated:
        requests += _generated(sheet, after[sheet.name], ids)
    for patch in plan.patches:
        target = after.get(patch.sheet)
        if target is None:
            raise WriteError(f"{label}: sheet '{patch.sheet}' is gone from the spreadsheet;"
                             " nothing was written, run the sync again")
        requests += _patch(patch, target, ids)
    return requests, after


# --- generated sheets: cleared and rewritten whole ---------------------------------------

def _generated_size(sheet: GeneratedSheet, meta: SheetMeta | None) -> tuple[int, int]:
    rows = max(sheet.height, sheet.header_rows + 1, rows_needed(sheet.charts))
    cols = max(sheet.width, len(sheet.col_widths), 1)
    if meta is not None:                  # grow only: a chart the operator anchored stays
        rows, cols = max(rows, meta.rows), max(cols, meta.cols)
    return rows, cols


def _generated(sheet: GeneratedSheet, meta: SheetMeta, ids: dict[str, int]) -> list[Request]:
    sid = meta.sheet_id
    rows, cols = _generated_size(sheet, meta)
    out: list[Request] = []
    if (rows, cols, sheet.header_rows) != (meta.rows, meta.cols, meta.frozen_rows):
        out.append(_grid_props(sid, rows=rows, cols=cols, frozen=sheet.header_rows))
        meta.rows, meta.cols, meta.frozen_rows = rows, cols, sheet.header_rows
    data = []
    cell_rows = sheet.cell_rows()
    for r, cells in enumerate(cell_rows):
        head = r < sheet.header_rows
        data.append({"values": [_cell(_bold(c) if head else c, ids) for c in cells]})
    # One UpdateCells over the whole sheet: cells its rows do not cover are cleared.
    out.append({"updateCells": {"range": {"sheetId": sid}, "rows": data,
                                "fields": GENERATED_FIELDS}})
    meta.notes = {(r + 1, c + 1): cell.note for r, cells in enumerate(cell_rows)
                  for c, cell in enumerate(cells) if cell is not None and cell.note}
    out += _widths(sid, dict(enumerate(sheet.col_widths, start=1)))
    out += _hidden(sid, sheet.hidden_rows, rows)
    out += _highlights(sheet.highlights, meta)
    out += chart_requests(sheet.charts, sid, meta.charts, ids)
    return out


def _bold(cell: CellWrite | None) -> CellWrite | None:
    if cell is None or cell.bold:
        return cell
    return CellWrite(cell.value, cell.format, True, cell.note, cell.link, cell.wrap,
                     cell.right)


def _cell(cell: CellWrite | None, ids: dict[str, int]) -> dict[str, Any]:
    uri = link_uri(cell.link, ids) if cell is not None and cell.link else None
    return cell_data(cell, uri)


# --- operator sheets: owned cells, notes on faulty cells -----------------------------------

def _patch(patch: SheetPatch, meta: SheetMeta, ids: dict[str, int]) -> list[Request]:
    sid = meta.sheet_id
    out: list[Request] = []
    places = list(patch.cells) + list(patch.notes)
    need_rows = max((r for r, _ in places), default=0)
    need_cols = max((c for _, c in places), default=0)
    if need_rows > meta.rows or need_cols > meta.cols:   # a new owned column may need room
        meta.rows, meta.cols = max(need_rows, meta.rows), max(need_cols, meta.cols)
        out.append(_grid_props(sid, rows=meta.rows, cols=meta.cols))
    cells = {rc: _cell(cell, ids) for rc, cell in patch.cells.items()}
    out += _runs(sid, cells, OWNED_FIELDS)
    # Notes on operator cells: ours from the last sync go unless the plan lists them again.
    stale = {rc for rc, text in meta.notes.items() if text.startswith(NOTE_PREFIX)}
    touched = (stale | set(patch.notes)) - set(patch.cells)
    notes = {rc: ({"note": NOTE_PREFIX + patch.notes[rc]} if patch.notes.get(rc) else {})
             for rc in touched}
    out += _runs(sid, notes, "note")
    for rc in touched:
        meta.notes.pop(rc, None)
    for rc, cell in patch.cells.items():
        meta.notes.pop(rc, None)
        if cell.note:
            meta.notes[rc] = cell.note
    meta.notes.update({rc: NOTE_PREFIX + text for rc, text in patch.notes.items() if text})
    out += _widths(sid, patch.col_widths)
    out += _highlights(patch.highlights, meta)
    return out


def _runs(sid: int, cells: dict[tuple[int, int], dict[str, Any]], fields: str) -> list[Request]:
    """UpdateCells requests for `cells`: one per block of adjacent columns sharing a run."""
    by_col: dict[int, list[int]] = {}
    for r, c in cells:
        by_col.setdefault(c, []).append(r)
    blocks: list[tuple[int, int, int, int]] = []          # (first row, n rows, col, n cols)
    for c in sorted(by_col):
        rows = sorted(by_col[c])
        start = prev = rows[0]
        spans = []
        for r in rows[1:]:
            if r != prev + 1:
                spans.append((start, prev - start + 1))
                start = r
            prev = r
        spans.append((start, prev - start + 1))
        for first, n in spans:
            last = blocks[-1] if blocks else None
            if last and (last[0], last[1], last[2] + last[3]) == (first, n, c):
                blocks[-1] = (first, n, last[2], last[3] + 1)
            else:
                blocks.append((first, n, c, 1))
    out: list[Request] = []
    for first, n, col, width in blocks:
        data = [{"values": [cells[(r, c)] for c in range(col, col + width)]}
                for r in range(first, first + n)]
        out.append({"updateCells": {
            "start": {"sheetId": sid, "rowIndex": first - 1, "columnIndex": col - 1},
            "rows": data, "fields": fields}})
    return out


# --- shared pieces ---------------------------------------------------------------------------

def _grid_props(sid: int, *, rows: int, cols: int, frozen: int | None = None) -> Request:
    grid: dict[str, int] = {"rowCount": rows, "columnCount": cols}
    fields = "gridProperties.rowCount,gridProperties.columnCount"
    if frozen is not None:
        grid["frozenRowCount"] = frozen
        fields += ",gridProperties.frozenRowCount"
    return {"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": grid},
                                      "fields": fields}}


def _widths(sid: int, widths: dict[int, float]) -> list[Request]:
    return [{"updateDimensionProperties": {
        "range": {"sheetId": sid, "dimension": "COLUMNS", "startIndex": c - 1, "endIndex": c},
        "properties": {"pixelSize": pixels(w)}, "fields": "pixelSize"}}
        for c, w in sorted(widths.items()) if w and w > 0]


def _hidden(sid: int, hidden: set[int], rows: int) -> list[Request]:
    """Rows shown again, then the tool's bookkeeping rows hidden (in the same batch)."""
    if not hidden:
        return []

    def dim(start: int, end: int, hide: bool) -> Request:
        return {"updateDimensionProperties": {
            "range": {"sheetId": sid, "dimension": "ROWS", "startIndex": start, "endIndex": end},
            "properties": {"hiddenByUser": hide}, "fields": "hiddenByUser"}}

    return [dim(0, rows, False)] + [dim(r - 1, r, True) for r in sorted(hidden)]


def _highlights(highlights: list[Highlight], meta: SheetMeta) -> list[Request]:
    """Our earlier rules deleted (last first, so indexes hold), the plan's added on top."""
    sid = meta.sheet_id
    ours = [i for i, rule in enumerate(meta.rules) if is_ours(rule)]
    out: list[Request] = [{"deleteConditionalFormatRule": {"sheetId": sid, "index": i}}
                          for i in reversed(ours)]
    kept = [rule for rule in meta.rules if not is_ours(rule)]
    new = [highlight_rule(h, sid) for h in highlights if h.last_row >= h.first_row]
    out += [{"addConditionalFormatRule": {"index": k, "rule": rule}}
            for k, rule in enumerate(new)]
    meta.rules = new + kept
    return out


def encode(requests: list[Request]) -> bytes:
    """A batchUpdate body as compact JSON (no spaces: a big write is a third smaller)."""
    return json.dumps({"requests": requests}, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def split_batches(requests: list[Request], limit: int = PAYLOAD_LIMIT) -> list[bytes]:
    """Bodies of consecutive batches, each under `limit` bytes, in request order.

    A plan of ordinary size is one batch (one call, applied atomically).  Only a write
    bigger than Google's payload limit is cut: then each batch is atomic, the order is
    kept, and an interrupted sync is repaired by the next one (a sync is idempotent).
    """
    bodies: list[bytes] = []
    current: list[Request] = []
    size = 0
    for request in requests:
        for piece in _pieces(request, limit):
            n = len(encode([piece])) - len(b'{"requests":[]}') + 1
            if current and size + n > limit:
                bodies.append(encode(current))
                current, size = [], 0
            current.append(piece)
            size += n
    if current:
        bodies.append(encode(current))
    return bodies


def _pieces(request: Request, limit: int) -> list[Request]:
    """`request` cut into UpdateCells over fewer rows when its JSON alone passes `limit`."""
    update = request.get("updateCells")
    rows = update.get("rows", []) if update else []
    if update is None or len(rows) < 2 or len(encode([request])) <= limit:
        return [request]
    if "range" in update:
        top = update["range"].get("startRowIndex", 0)
        left = update["range"].get("startColumnIndex", 0)
        sid = update["range"]["sheetId"]
    else:
        top, left = update["start"].get("rowIndex", 0), update["start"].get("columnIndex", 0)
        sid = update["start"]["sheetId"]
    half = len(rows) // 2
    first = {"updateCells": {**update, "rows": rows[:half]}}    # keeps a clearing range
    rest = {"updateCells": {"start": {"sheetId": sid, "rowIndex": top + half,
                                      "columnIndex": left},
                            "rows": rows[half:], "fields": update["fields"]}}
    return _pieces(first, limit) + _pieces(rest, limit)
