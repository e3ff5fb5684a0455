"""What calamine does not tell: error cells and the used range.

calamine turns an error cell (`#REF!`, `#DIV/0!`) into "" and builds each sheet as one
dense block from A1 to the furthest cell with a value, so a stray value in XFD1048576
would ask it for seventeen billion cells (it aborts the process).  One streaming pass
over a sheet's XML, with byte searches rather than a parser (it is the hot path for a
50,000-lead log), finds the error cells and bounds the used range before calamine runs.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.backends.xlsx.safety import fail, stream_part
from sheetsync.workbook import CellError, column_number

col_number = column_number

MAX_CELLS = 20_000_000            # ~800 MB as calamine cells plus Python lists
REF = re.compile(rb'r="([A-Z]{1,3})(\d+)"')
SINGLE = 26                       # columns A..Z: the bound when no reference has two letters
SPILL = 4 << 20                   # a cell this long is cut through rather than carried
_UNUSUAL: dict[int, re.Pattern[bytes]] = {}
VALUE = re.compile(rb"<v>([^<]*)</v>")
ERROR_MARK = b't="e"'


@dataclass
class SheetScan:
    """What one pass over a sheet's XML found (rows and columns are 1-based)."""

    max_row: int = 0                  # an upper bound on the last row with a value
    max_col: int = 0                  # an upper bound on the last column with a value
    errors: dict[tuple[int, int], CellError] = field(default_factory=dict)


def scan_sheet(path: Path, zf: zipfile.ZipFile, part: str, sheet: str) -> SheetScan:
    """Error cells and a bound on the used range of one worksheet part.

    Raises SourceError naming the sheet and the far cell when the used range would be
    more than MAX_CELLS cells (a stray value far below or to the right of the data).
    """
    info = zf.getinfo(part)
    scan = SheetScan()
    digits = 1                      # every row number seen so far has at most this many digits
    carry = b""
    for chunk in stream_part(path, zf, info):
        buf = carry + chunk
        # Cut before the last opening cell or row tag: the body holds whole cells only.
        cut = max(buf.rfind(b"<c "), buf.rfind(b"<row "))
        if cut <= 0:
            if len(buf) < SPILL:
                carry = buf
                continue
            body, carry = buf, buf[-64:]    # one enormous cell: overlap so no ref is split
        else:
            body, carry = buf[:cut], buf[cut:]
        digits = _bound(body, scan, digits)
        if ERROR_MARK in body:
            _errors(body, scan)
    if carry:
        digits = _bound(carry, scan, digits)
        if ERROR_MARK in carry:
            _errors(carry, scan)
    if scan.max_col:
        scan.max_row = 10**digits - 1
    if scan.max_row * scan.max_col > MAX_CELLS:
        _exact(path, zf, info, sheet, scan, digits)
    return scan


def _bound(body: bytes, scan: SheetScan, digits: int) -> int:
    """Raise `scan.max_col` and the row-digit count to cover every reference in `body`.

    Columns past Z are found exactly; rows are bounded by their number of digits.  One
    regex pass looks only for the unusual references: columns past Z with no more
    digits than known (a lead log wider than 26 columns has one in every row, so only
    their letters are collected, and made distinct in C) and any reference with more
    digits than the last cell of the chunk (b"": then every reference is counted).
    """
    last = body.rfind(b'<c r="')
    if last >= 0 and (m := REF.match(body, last + 3)):
        digits = max(digits, len(m.group(2)))
    if scan.max_col < SINGLE and b"<c" in body:
        scan.max_col = SINGLE
    pattern = _UNUSUAL.get(digits)
    if pattern is None:
        pattern = _UNUSUAL[digits] = re.compile(
            rb'r="(?:([A-Z]{2,3})\d{1,%d}"|[A-Z]{1,3}\d{%d})' % (digits, digits + 1))
    letters = set(pattern.findall(body))
    longer = b"" in letters                 # a reference with more digits than `digits`
    letters.discard(b"")
    if letters:
        scan.max_col = max(scan.max_col, *map(col_number, letters))
    if longer:                              # rows out of order: count every reference
        for m in REF.finditer(body):
            digits = max(digits, len(m.group(2)))
            if len(m.group(1)) > 1:
                scan.max_col = max(scan.max_col, col_number(m.group(1)))
    return digits


def _errors(body: bytes, scan: SheetScan) -> None:
    pos = body.find(ERROR_MARK)
    while pos >= 0:
        start = body.rfind(b"<c ", 0, pos)
        end = body.find(b"</c>", pos)
        if start >= 0 and end >= 0:
            cell = body[start:end]
            ref = REF.search(cell, 0, cell.find(b">") + 1 or len(cell))
            value = VALUE.search(cell)
            if ref and value:
                code = value.group(1).decode("utf-8", "replace").strip()
                key = (int(ref.group(2)), col_number(ref.group(1)))
                scan.errors[key] = CellError(code or "#N/A")
        pos = body.find(ERROR_MARK, pos + 1)


def _bodies(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks cut after a tag's `>`, so no cell tag is split."""
    carry = b""
    for chunk in stream_part(path, zf, info):
        buf = carry + chunk
        cut = buf.rfind(b">") + 1
        body, carry = buf[:cut], buf[cut:]
        yield body
    if carry:
        yield carry


def _holds_value(body: bytes, pos: int) -> bool:
    """Whether `pos` is inside a cell tag that holds something (calamine skips a
    valueless `<c r="A9" s="1"/>` or `<c r="A9"></c>`)."""
    start = body.rfind(b"<", 0, pos)
    if not body.startswith(b"<c", start) or body[start + 2:start + 3] not in b" \t\r\n":
        return False
    end = body.find(b">", pos)
    return end > 0 and body[end - 1] != 0x2F and not body.startswith(b"</c>", end + 1)


class _Largest:
    """The largest `key` among cells holding a value whose reference matches `ref` (the
    part `key` reads), fed chunk by chunk, and that cell's reference.

    One C-level pass collects each chunk's candidates; only the largest are looked at
    one by one, until one holds a value.
    """

    def __init__(self, ref: bytes, key: Callable[[bytes], int], rest: bytes = b"") -> None:
        self.pattern = re.compile(rb'r="(' + ref + rb")" + rest + rb'"')
        self.key, self.rest = key, rest
        self.best, self.ref = 0, ""

    def feed(self, body: bytes) -> None:
        for cand in sorted(set(self.pattern.findall(body)), key=self.key, reverse=True):
            if self.key(cand) <= self.best:
                return
            tag = re.compile(rb'r="(' + re.escape(cand) + self.rest + rb')"')
            hit = next((m for m in tag.finditer(body) if _holds_value(body, m.end())), None)
            if hit is not None:
                self.best, self.ref = self.key(cand), hit.group(1).decode()
                return


def _row_of(ref: bytes) -> int:
    return int(ref.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _col_of(ref: bytes) -> int:
    return col_number(ref.rstrip(b"0123456789"))


def _exact(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str,
           scan: SheetScan, digits: int) -> None:
    """The used range over cells that hold a value, when the fast bound is too big.

    The fast bound counts rows by their digits, so 100,000 rows already bound at 999,999.
    The last row is the largest among the cells whose row number has the most digits;
    the last column, the largest among the references past Z.  A regex pass finds the
    candidates and only the largest few are looked at: no Python step per cell.
    """
    rows = _Largest(rb"[A-Z]{1,3}\d{%d}" % digits, _row_of)
    cols = _Largest(rb"[A-Z]{2,3}\d+", _col_of)
    for body in _bodies(path, zf, info):
        rows.feed(body)
        cols.feed(body)
    for d in range(digits - 1, 0, -1):      # the longest row numbers were all empty cells
        if rows.best:
            break
        rows = _Largest(rb"[A-Z]{1,3}\d{%d}" % d, _row_of)
        for body in _bodies(path, zf, info):
            rows.feed(body)
    max_row, row_ref = rows.best, rows.ref
    if not cols.best and max_row * SINGLE > MAX_CELLS:     # which of A..Z, then
        cols = _Largest(rb"[A-Z]", col_number, rb"\d+")
        for body in _bodies(path, zf, info):
            cols.feed(body)
    max_col, col_ref = (cols.best, cols.ref) if cols.best else (min(scan.max_col, SINGLE), "")
    scan.max_row, scan.max_col = max_row, max_col
    if max_row * max_col > MAX_CELLS:
        raise fail(path, f"sheet {sheet!r} spans {max_row:,} rows (down to {row_ref}) by"
                   f" {max_col:,} columns (out to {col_ref}), too big to read; delete the"
                   " stray cells beyond your data (Ctrl+End shows the last one) and save again")
