"""What a Plan would change in a workbook as read: for --dry-run and for counting.

Pure: compares the Plan's cells with the grids the backend read.  Two values are the
same when a person would read them the same (8000 and 8000.0; a date and its datetime).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import zip_longest

from sheetsync.core.values import text_of
from sheetsync.workbook import (
    CellWrite,
    GeneratedSheet,
    Grid,
    PlainRows,
    Plan,
    RawWorkbook,
    Value,
    column_letter,
)


def _cell(grid: Grid | None, row: int, col: int) -> Value:
    if grid is None or row > len(grid):
        return None
    cells = grid[row - 1]
    return cells[col - 1] if col <= len(cells) else None


def same(old: Value, new: CellWrite | None) -> bool:
    """True when writing `new` over `old` changes nothing a person would see."""
    return same_value(old, None if new is None else new.value)


def same_value(old: Value, value: object) -> bool:
    """True when writing the plain `value` over `old` changes nothing a person would see."""
    if old == value and type(old) is type(value):
        return True
    if value is None or value == "":
        return old is None or old == ""
    if isinstance(value, (int, float)) and isinstance(old, (int, float)):
        return abs(float(value) - float(old)) <= 1e-9 * max(1.0, abs(float(value)))
    if isinstance(value, dt.date) and isinstance(old, dt.date):
        a = value.date() if isinstance(value, dt.datetime) else value
        b = old.date() if isinstance(old, dt.datetime) else old
        return a == b
    return text_of(old) == text_of(value)  # type: ignore[arg-type]


def _show(v: object) -> str:
    text = text_of(v)  # type: ignore[arg-type]
    return repr(text if len(text) <= 60 else text[:57] + "...")


def describe_changes(plan: Plan, raw: RawWorkbook, *,
                     each_cell: bool = True) -> tuple[int, list[str]]:
    """(number of cells that would change, one line per changed cell or sheet).

    Without `each_cell` the owned cells are counted but get no line of their own (a
    first sync of 50,000 leads would otherwise make 50,000 lines nobody reads).
    """
    lines: list[str] = []
    count = 0
    for patch in plan.patches:
        grid = raw.sheets.get(patch.sheet)
        if not each_cell:
            count += sum(1 for (r, c), new in patch.cells.items()
                         if not same(_cell(grid, r, c), new))
            continue
        for (r, c), new in sorted(patch.cells.items()):
            old = _cell(grid, r, c)
            if not same(old, new):
                count += 1
                lines.append(f"{patch.sheet}!{_ref(r, c)}: {_show(old)} -> {_show(new.value)}")
    for sheet in plan.generated:
        grid = raw.sheets.get(sheet.name)
        if grid is None:
            count += _filled(sheet)
            lines.append(f"{sheet.name}: new sheet ({sheet.height} rows)")
            continue
        changed = _changed(sheet, grid)
        if changed:
            cells = "1 cell changes" if changed == 1 else f"{changed} cells change"
            lines.append(f"{sheet.name}: rewritten ({cells})")
        count += changed
    return count, lines


def _filled(sheet: GeneratedSheet) -> int:
    """How many non-empty cells a generated sheet writes."""
    n = 0
    for entry in sheet.rows:
        if isinstance(entry, PlainRows):
            n += sum(len(row) - row.count(None) - row.count("") for row in entry.rows)
        else:
            n += sum(1 for c in entry if c is not None)
    return n


def _changed(sheet: GeneratedSheet, grid: Grid) -> int:
    """How many cells of `grid` rewriting it as `sheet` changes, row by row.

    A row whose values equal the old ones (the usual case) costs one comparison;
    only rows that differ are compared cell by cell.
    """
    changed = 0
    r = 0
    for entry in sheet.rows:
        if isinstance(entry, PlainRows):
            for values in entry.rows:
                old = grid[r] if r < len(grid) else []
                r += 1
                if not _same_row(old, values):
                    changed += _values_changed(old, values)
        else:
            old = grid[r] if r < len(grid) else []
            r += 1
            if not _same_row(old, tuple(c.value if c else None for c in entry)):
                changed += _cells_changed(old, entry)
    for old in grid[r:]:
        changed += _cells_changed(old, [])
    return changed


def _same_row(old: Sequence[Value], values: tuple[object, ...]) -> bool:
    n = len(values)
    if tuple(old[:n]) != values:
        return False
    return len(old) <= n or all(v is None or v == "" for v in old[n:])


def _cells_changed(old: Sequence[Value], cells: Sequence[CellWrite | None]) -> int:
    width = max(len(old), len(cells))
    return sum(1 for c in range(width)
               if not same(old[c] if c < len(old) else None, cells[c] if c < len(cells) else None))


def _values_changed(old: Sequence[Value], values: Sequence[object]) -> int:
    return sum(1 for a, b in zip_longest(old, values)
               if not (a == b and type(a) is type(b)) and not same_value(a, b))


def _ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"
