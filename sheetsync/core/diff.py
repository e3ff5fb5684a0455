"""What a Plan would change in a workbook as read: for --dry-run and for counting.

Pure: compares the Plan's cells with the grids the backend read.  Two values are the
same when a person would read them the same (8000 and 8000.0; a date and its datetime).
"""

from __future__ import annotations

import datetime as dt

from sheetsync.core.values import text_of
from sheetsync.workbook import CellWrite, Grid, Plan, RawWorkbook, Value, column_letter


def _cell(grid: Grid | None, row: int, col: int) -> Value:
    if grid is None or row > len(grid):
        return None
    cells = grid[row - 1]
    return cells[col - 1] if col <= len(cells) else None


def same(old: Value, new: CellWrite | None) -> bool:
    """True when writing `new` over `old` changes nothing a person would see."""
    value = None if new is None else new.value
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
    return text_of(old) == text_of(value)


def _show(v: object) -> str:
    text = text_of(v)  # type: ignore[arg-type]
    return repr(text if len(text) <= 60 else text[:57] + "...")


def describe_changes(plan: Plan, raw: RawWorkbook) -> tuple[int, list[str]]:
    """(number of cells that would change, one line per changed cell or sheet)."""
    lines: list[str] = []
    count = 0
    for patch in plan.patches:
        grid = raw.sheets.get(patch.sheet)
        for (r, c), new in sorted(patch.cells.items()):
            old = _cell(grid, r, c)
            if not same(old, new):
                count += 1
                lines.append(f"{patch.sheet}!{_ref(r, c)}: {_show(old)} -> {_show(new.value)}")
    for sheet in plan.generated:
        grid = raw.sheets.get(sheet.name)
        if grid is None:
            count += sum(1 for row in sheet.rows for c in row if c is not None)
            lines.append(f"{sheet.name}: new sheet ({len(sheet.rows)} rows)")
            continue
        changed = 0
        height = max(len(sheet.rows), len(grid or []))
        for r in range(1, height + 1):
            cells = sheet.rows[r - 1] if r <= len(sheet.rows) else []
            old_row = grid[r - 1] if grid and r <= len(grid) else []
            if [c.value if c else None for c in cells] == list(old_row[: len(cells)]) and not any(
                old_row[len(cells):]
            ):
                continue                                    # fast path: row unchanged
            width = max(len(cells), len(grid[r - 1]) if grid and r <= len(grid) else 0)
            for c in range(1, width + 1):
                cell = cells[c - 1] if c <= len(cells) else None
                if not same(_cell(grid, r, c), cell):
                    changed += 1
        if changed:
            lines.append(f"{sheet.name}: rewritten ({changed} cells change)")
        count += changed
    return count, lines


def _ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"
