"""Column widths that fit their text, and wrapping where text would not fit.

A generated sheet prints landscape, one page wide (the backend sets the page up); its
columns should be as wide as their words and no wider, so that the page is not shrunk
for nothing and no header is clipped ("Previous windo").  A text longer than the
widest a column may be wraps inside its cell instead of running under its neighbour.
A text whose right-hand neighbours are empty (a title, a sentence on its own row) may
run across them and does not widen its column.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from operator import itemgetter

from sheetsync.workbook import CellWrite, GeneratedSheet, PlainRows

PAD = 2.0                 # characters of air around a cell's text
SAMPLE = 500              # rows of a long block looked at (a 61,000-row Findings: the first)


def text_width(cell: CellWrite | None, *, words: bool = False) -> float:
    """About how many characters wide `cell` shows (its longest word if `words`)."""
    if cell is None or cell.value is None or cell.value == "":
        return 0.0
    v = cell.value
    if isinstance(v, str):
        longest = max(map(len, v.split() if words and v.strip() else v.split("\n")))
        return longest * (1.1 if cell.bold else 1.0)
    if isinstance(v, dt.date):            # "19 Oct 2026", "19 Oct 2026 09:30" (formats.py)
        return 17.0 if cell.format == "datetime" else 11.0
    if cell.format == "percent":
        return 6.0
    return float(len(f"{v:,.0f}" if cell.format.startswith(("integer", "money")) else f"{v:,.1f}"))


def fit_columns(sheet: GeneratedSheet, widest: Sequence[float], narrowest: float = 6.0) -> None:
    """Set `sheet.col_widths` to fit the text, at most `widest[j]` for column j, and wrap
    text that overflows a column whose right-hand neighbour holds something."""
    align_number_headers(sheet)
    width = max(sheet.width, len(widest))
    need = [narrowest] * width
    rows = sheet.rows
    longest: dict[int, list[int]] = {}       # id of a block -> its columns' longest text
    for r, entry in enumerate(rows):
        if isinstance(entry, PlainRows):
            longest[id(entry)] = texts = _block_need(entry, need)
            continue
        head = r < sheet.header_rows          # a header wraps between its words
        for j, cell in enumerate(entry):
            w = text_width(cell, words=head)
            if w and (head or j + 1 >= len(entry) or _filled(entry[j + 1])):
                need[j] = max(need[j], w)
    cols = [min(n + PAD, widest[j] if j < len(widest) else n + PAD)
            for j, n in enumerate(need)]
    sheet.col_widths = cols
    total = sum(cols)
    r = 0
    for entry in rows:
        if isinstance(entry, PlainRows):
            texts = longest[id(entry)]
            entry.wrap = frozenset(j for j, n in enumerate(texts) if n > cols[j] - PAD)
            entry.heights = _block_heights(entry, cols)
            r += len(entry.rows)
            continue
        r += 1
        lines = 1
        for j, cell in enumerate(entry):
            if cell is None or not isinstance(cell.value, str):
                continue
            room = cols[j] if j + 1 < len(entry) and _filled(entry[j + 1]) else (
                total - sum(cols[:j]))
            if text_width(cell) > room - PAD or (cell.wrap and "\n" in cell.value):
                cell.wrap = True                 # it wraps inside its own column
                lines = max(lines, line_count(cell.value, cols[j]))
        if lines > 1:
            sheet.row_heights[r] = LINE * lines


LINE = 15.0               # points per line of 11-point text


def align_number_headers(sheet: GeneratedSheet) -> None:
    """Right-align each header over a column of numbers or dates, as the numbers are, so
    a value does not look as if it stood under the header to its right.

    A header row is a row of two or more bold texts and nothing else; its column's kind
    is the first value under it before the next empty row (a PlainRows block: its
    first SAMPLE rows)."""
    rows = sheet.rows
    for r, entry in enumerate(rows):
        if isinstance(entry, PlainRows) or not _is_header(entry):
            continue
        for j, cell in enumerate(entry):
            if cell is not None and _number_below(rows, r + 1, j):
                cell.right = True


def _is_header(entry: Sequence[CellWrite | None]) -> bool:
    filled = [c for c in entry if _filled(c)]
    return len(filled) >= 2 and all(c.bold and isinstance(c.value, str)  # type: ignore[union-attr]
                                    for c in filled)


def _number(v: object) -> bool:
    return isinstance(v, (int, float, dt.date)) and not isinstance(v, bool)


def _number_below(rows: Sequence[object], start: int, j: int) -> bool:
    """Whether column j's first value under a header (rows from `start`) is a number."""
    for entry in rows[start:]:
        if isinstance(entry, PlainRows):
            column = (row[j] for row in entry.rows[:SAMPLE] if j < len(row))
            return any(_number(v) for v in column if v is not None and v != "")
        cells = entry if isinstance(entry, list) else []
        if not any(_filled(c) for c in cells) or _is_header(cells):
            return False                          # the table ends
        cell = cells[j] if j < len(cells) else None
        if _filled(cell):
            return _number(cell.value)            # type: ignore[union-attr]
    return False


def line_count(text: str, width: float) -> int:
    """About how many lines `text` takes wrapped in a column `width` characters wide."""
    per_line = max(width - PAD, 1.0)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _block_heights(entry: PlainRows, cols: list[float]) -> list[float | None] | None:
    """Each row's height where a wrapped column needs more than one line (None: default).

    Computed per column with C-level maps, so a 61,000-row Findings costs milliseconds.
    """
    if not entry.wrap:
        return None
    per_row: list[int] | None = None
    for j in sorted(entry.wrap):
        per_line = max(int(cols[j] - PAD), 1)
        column = list(map(itemgetter(j), entry.rows))
        try:
            sizes = list(map(len, column))
        except TypeError:                        # an empty (None) cell among the texts
            sizes = [len(v) if isinstance(v, str) else 0 for v in column]
        # lines per length, worked out once per distinct length (a few hundred)
        needs = {n: (n + per_line - 1) // per_line for n in set(sizes)}
        lines = map(needs.__getitem__, sizes)
        per_row = list(lines) if per_row is None else list(map(max, per_row, lines))
    if per_row is None:
        return None
    if max(per_row, default=1) <= 1:
        return None
    points = {n: LINE * n if n > 1 else None for n in set(per_row)}
    return list(map(points.__getitem__, per_row))


def _filled(cell: CellWrite | None) -> bool:
    return cell is not None and cell.value is not None and cell.value != ""


def _block_need(entry: PlainRows, need: list[float]) -> list[int]:
    """Widen `need` for a block's first SAMPLE rows, a column at a time; returns each
    column's longest text (0 for a column of numbers or dates)."""
    sample = entry.rows[:SAMPLE]
    texts = []
    for j, fmt in enumerate(entry.formats):
        values = [v for v in map(itemgetter(j), sample) if v is not None and v != ""]
        strings = [v for v in values if isinstance(v, str)]
        longest = max(map(len, strings), default=0)
        texts.append(longest)
        widths = [float(longest)]
        others = [v for v in values if not isinstance(v, str)]
        if others:
            biggest = max(others, key=lambda v: abs(v) if isinstance(v, (int, float)) else 0)
            widths.append(text_width(CellWrite(biggest, fmt)))
        if j < len(need):
            need[j] = max(need[j], *widths)
    return texts
