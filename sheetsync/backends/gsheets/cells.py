"""Sheets API CellData <-> sheetsync's plain values, and highlights as rule JSON.

Pure functions over dicts (no gspread here), so they are cheap to test and to reuse.
Read: `effectiveValue` plus the cell's effective number-format *type* gives the plain
value (serial numbers formatted DATE/DATE_TIME/TIME become dates and times; the epoch
is 1899-12-30, as in Sheets).  Write: text always goes as `stringValue`, so operator
text (a lead named `=IMPORTXML(...)`) can never become a formula.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from sheetsync.formats import NUMBER_FORMATS as CODES
from sheetsync.formats import SERIAL_EPOCH, SHEETS_TYPES, serial
from sheetsync.formats import TONES as FILLS
from sheetsync.workbook import (
    HIGHLIGHT_MARK,
    CellError,
    CellWrite,
    Grid,
    Highlight,
    Value,
    highlight_formula,
)

EPOCH = SERIAL_EPOCH
MAX_CELL_TEXT = 50_000            # Sheets refuses a whole batch with a longer cell

# CellWrite.format -> Sheets NumberFormat (same patterns as the Excel backend).
NUMBER_FORMATS: dict[str, dict[str, str]] = {
    fmt: {"type": SHEETS_TYPES[fmt], "pattern": code} for fmt, code in CODES.items()}
# Highlight tones: background colour (0..1 RGB) and bold, the Excel fills' colours.
TONES: dict[str, tuple[dict[str, float], bool]] = {
    tone: ({"red": int(rgb[0:2], 16) / 255, "green": int(rgb[2:4], 16) / 255,
            "blue": int(rgb[4:6], 16) / 255}, bold)
    for tone, (rgb, bold) in FILLS.items()}
# Every conditional-format rule sheetsync adds carries this always-true term, so the
# next sync can tell its own rules from the operator's (same mark as in Excel).
RULE_MARK = HIGHLIGHT_MARK      # in every rule sheetsync adds: how it finds its own

_ERRORS = {"REF": "#REF!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "NAME": "#NAME?",
           "NUM": "#NUM!", "N_A": "#N/A", "NULL_VALUE": "#NULL!", "ERROR": "#ERROR!",
           "LOADING": "#LOADING!"}


# --- read ------------------------------------------------------------------------------

def plain_value(cell: dict[str, Any]) -> Value:
    """The plain value of one CellData (effectiveValue + effectiveFormat.numberFormat.type)."""
    v = cell.get("effectiveValue")
    if not v:
        return None
    if "stringValue" in v:
        return str(v["stringValue"])
    if "numberValue" in v:
        x = float(v["numberValue"])
        kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
        if kind in ("DATE", "DATE_TIME", "TIME") and math.isfinite(x):
            try:
                moment = EPOCH + dt.timedelta(seconds=round(x * 86400))
            except OverflowError:
                return x
            if kind == "DATE":
                return moment.date()
            return moment.time() if kind == "TIME" else moment
        return int(x) if x.is_integer() and abs(x) < 2**53 else x
    if "boolValue" in v:
        return bool(v["boolValue"])
    if "errorValue" in v:
        return CellError(_ERRORS.get(str(v["errorValue"].get("type", "")), "#ERROR!"))
    return None


def grid_of(data: list[dict[str, Any]]) -> tuple[Grid, dict[tuple[int, int], str]]:
    """(grid with A1 at [0][0], notes by 1-based (row, col)) of a sheet's GridData list."""
    grid: Grid = []
    notes: dict[tuple[int, int], str] = {}
    for block in data:
        top, left = int(block.get("startRow", 0)), int(block.get("startColumn", 0))
        for i, row in enumerate(block.get("rowData", [])):
            r = top + i
            if len(grid) <= r:
                grid.extend([] for _ in range(r + 1 - len(grid)))
            cells: list[Value] = [None] * left
            for j, cell in enumerate(row.get("values", [])):
                cells.append(plain_value(cell) if cell else None)
                if cell and cell.get("note"):
                    notes[(r + 1, left + j + 1)] = str(cell["note"])
            while cells and cells[-1] is None:
                cells.pop()
            grid[r] = cells
    while grid and not grid[-1]:
        grid.pop()
    return grid, notes


# --- write -----------------------------------------------------------------------------

# The parts of a cell an owned write replaces.  Fonts, fills and borders the operator
# chose stay; only bold, link, wrap and number format are ours.
OWNED_FIELDS = ("userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.textFormat.bold,"
                "userEnteredFormat.textFormat.link,userEnteredFormat.wrapStrategy,note")
GENERATED_FIELDS = "userEnteredValue,userEnteredFormat,note"


def cell_data(cell: CellWrite | None, link_uri: str | None = None) -> dict[str, Any]:
    """The CellData that writes `cell` (an empty dict clears the written fields)."""
    if cell is None:
        return {}
    out: dict[str, Any] = {}
    fmt: dict[str, Any] = {}
    v = cell.value
    if isinstance(v, str):
        if v:
            out["userEnteredValue"] = {"stringValue": v[:MAX_CELL_TEXT]}
    elif isinstance(v, bool):
        out["userEnteredValue"] = {"boolValue": v}
    elif isinstance(v, dt.date):
        out["userEnteredValue"] = {"numberValue": serial(v)}
        kind = "datetime" if isinstance(v, dt.datetime) else "date"
        fmt["numberFormat"] = NUMBER_FORMATS[kind]
    elif isinstance(v, (int, float)) and math.isfinite(v):
        out["userEnteredValue"] = {"numberValue": v}
    if "numberFormat" not in fmt and "userEnteredValue" in out and not isinstance(v, str):
        fmt["numberFormat"] = NUMBER_FORMATS.get(cell.format, NUMBER_FORMATS["number"])
    text: dict[str, Any] = {}
    if cell.bold:
        text["bold"] = True
    if link_uri:
        text["link"] = {"uri": link_uri}
    if text:
        fmt["textFormat"] = text
    if cell.wrap:
        fmt["wrapStrategy"] = "WRAP"
    if cell.right:
        fmt["horizontalAlignment"] = "RIGHT"
    if fmt:
        out["userEnteredFormat"] = fmt
    if cell.note:
        out["note"] = cell.note
    return out


_LINK = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)")


def link_uri(target: str, sheet_ids: dict[str, int]) -> str | None:
    """An in-spreadsheet link ("'Leads'!A14") as the URI Sheets uses (#gid=..&range=A14)."""
    m = _LINK.match(target)
    if not m:
        return None
    name = (m.group(1) or "").replace("''", "'") or m.group(2)
    sid = sheet_ids.get(name)
    if sid is None:
        return None
    return f"#gid={sid}&range={m.group(3)}{m.group(4)}"


def highlight_rule(h: Highlight, sheet_id: int) -> dict[str, Any]:
    """A ConditionalFormatRule (BooleanRule, CUSTOM_FORMULA) colouring `h`'s rows."""
    colour, bold = TONES[h.tone]
    fmt: dict[str, Any] = {"backgroundColor": colour}
    if bold:
        fmt["textFormat"] = {"bold": True}
    return {
        "ranges": [{"sheetId": sheet_id, "startRowIndex": h.first_row - 1,
                    "endRowIndex": h.last_row, "startColumnIndex": h.first_col - 1,
                    "endColumnIndex": h.last_col}],
        "booleanRule": {
            "condition": {"type": "CUSTOM_FORMULA",
                          "values": [{"userEnteredValue": "=" + highlight_formula(h)}]},
            "format": fmt,
        },
    }


def is_ours(rule: dict[str, Any]) -> bool:
    """True for a conditional-format rule an earlier sync added."""
    for value in rule.get("booleanRule", {}).get("condition", {}).get("values", []):
        if RULE_MARK in str(value.get("userEnteredValue", "")):
            return True
    return False


def pixels(width: float) -> int:
    """An Excel-style column width (characters) in Sheets pixels."""
    return max(20, round(width * 7 + 5))
