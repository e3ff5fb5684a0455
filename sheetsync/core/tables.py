"""Find the operator's tables in plain grids: the header row, and which column is which.

Headers are matched case-insensitively, ignoring spaces and punctuation, against the
aliases in the rules.  A table may start below a title row; columns may come in any
order; unknown columns are kept (and ignored); blank rows inside a table are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sheetsync.core.values import normalize_header
from sheetsync.workbook import Grid, Value

HEADER_SCAN_ROWS = 30


@dataclass
class Table:
    """A table found in a sheet.  Rows and columns are 1-based sheet numbers."""

    sheet: str
    header_row: int
    columns: dict[str, int]                 # canonical key -> 1-based column
    headers: dict[str, str]                 # canonical key -> header as typed
    last_col: int                           # rightmost non-empty header column
    rows: list[tuple[int, Sequence[Value]]] = field(default_factory=list)  # (row, cells)
    unknown: list[str] = field(default_factory=list)
    _columns: list[tuple[Value, ...]] | None = field(default=None, repr=False)

    def cell(self, cells: Sequence[Value], key: str) -> Value:
        """The value of column `key` in one row (None when the column is absent)."""
        col = self.columns.get(key)
        if col is None or col > len(cells):
            return None
        return cells[col - 1]

    def column_values(self, key: str) -> Sequence[Value]:
        """Every row's value in column `key`, in row order."""
        col = self.columns.get(key)
        if col is None:
            return [None] * len(self.rows)
        if self._columns is None:
            self._columns = _transpose([cells for _, cells in self.rows])
        return self._columns[col - 1] if col <= len(self._columns) else [None] * len(self.rows)

    def owned_column(self, key: str, order: Sequence[str]) -> int:
        """The column of owned `key`: its header if present, else the next free one.

        Missing owned columns are placed after the last header in `order`, so a sync
        of a bare worksheet appends Measured, Status, Why in that order.
        """
        if key in self.columns:
            return self.columns[key]
        nxt = self.last_col
        for k in order:
            if k in self.columns:
                continue
            nxt += 1
            if k == key:
                return nxt
        raise KeyError(key)


def _transpose(rows: list[Sequence[Value]]) -> list[tuple[Value, ...]]:
    """Rows to columns in one C-level pass (rows padded to one width first if ragged)."""
    width = max((len(r) for r in rows), default=0)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    return list(zip(*rows, strict=True))


def is_empty(v: Value) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def alias_index(aliases: dict[str, list[str]]) -> dict[str, str]:
    """normalized header -> canonical key.  The canonical key itself is an alias."""
    index: dict[str, str] = {}
    for key, names in aliases.items():
        for name in [key, *names]:
            index.setdefault(normalize_header(str(name)), key)
    return index


def _match_row(cells: Sequence[Value], index: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for c, v in enumerate(cells, start=1):
        if isinstance(v, str) and v.strip():
            key = index.get(normalize_header(v))
            if key is not None and key not in found:
                found[key] = c
    return found


def find_table(
    grid: Grid,
    sheet: str,
    aliases: dict[str, list[str]],
    *,
    required: Sequence[str] = (),
    min_matches: int = 2,
    prefer: dict[str, str] | None = None,
) -> Table | None:
    """The table whose header row matches the most aliases in the first rows.

    None when no row has `min_matches` known headers or a `required` column is
    missing.  Data rows run to the end of the sheet or to a repeated header row.
    `prefer` (key -> header, the operator's mapping) wins over any other column that
    an alias would give the same key.
    """
    index = alias_index(aliases)
    best: tuple[int, dict[str, int]] | None = None
    for r, cells in enumerate(grid[:HEADER_SCAN_ROWS], start=1):
        found = _match_row(cells, index)
        if len(found) >= min_matches and (best is None or len(found) > len(best[1])):
            best = (r, found)
    if best is None:
        return None
    header_row, columns = best
    header_cells = grid[header_row - 1]
    for key, name in (prefer or {}).items():
        want = normalize_header(name)
        for c, v in enumerate(header_cells, start=1):
            if isinstance(v, str) and normalize_header(v) == want:
                columns[key] = c
                break
    if any(k not in columns for k in required):
        return None
    last_col = max(
        (c for c, v in enumerate(header_cells, start=1) if not is_empty(v)), default=0
    )
    headers = {k: str(header_cells[c - 1]).strip() for k, c in columns.items()}
    known = set(columns.values())
    unknown = [
        str(v).strip()
        for c, v in enumerate(header_cells, start=1)
        if c not in known and not is_empty(v)
    ]
    table = Table(sheet, header_row, columns, headers, last_col, unknown=unknown)
    table.rows = list(_data_rows(grid, header_row, index, set(columns.values()), last_col))
    return table


GAP_ROWS = 2          # this many blank rows may end a table...
BLOCK_MIN_CELLS = 3   # ...unless the next row fills at least this many known columns


def _data_rows(
    grid: Grid, header_row: int, index: dict[str, str], known: set[int], last_col: int
) -> Iterator[tuple[int, Sequence[Value]]]:
    """The table's rows: to the end, to a repeated header, or to a block after a gap
    whose first row does not look like one of the table's rows (a second table)."""
    header = grid[header_row - 1]
    first = next((c for c, v in enumerate(header) if not is_empty(v)), 0)
    first_text = str(header[first]).strip().casefold() if header else ""
    n_headers = len(known)
    gap = 0
    for r in range(header_row, len(grid)):
        cells = grid[r]
        span = cells if not last_col or len(cells) <= last_col else cells[:last_col]
        if not any(span) or all(is_empty(v) for v in span):   # fast path first
            gap += 1
            continue
        if gap >= GAP_ROWS:
            filled = sum(1 for c in known if c <= len(span) and not is_empty(span[c - 1]))
            if filled < min(BLOCK_MIN_CELLS, n_headers):
                return                              # another table below this one
        gap = 0
        lead = span[first] if first < len(span) else None
        if (
            n_headers >= 2
            and isinstance(lead, str)
            and lead.strip().casefold() == first_text
            and len(_match_row(span, index)) >= max(2, n_headers - 1)
        ):
            return                                  # a second table's header: stop here
        yield r + 1, cells


def find_sheet(names: Sequence[str], wanted: Sequence[str]) -> str | None:
    """The first sheet name in `names` that matches one of `wanted` (normalized)."""
    targets = [normalize_header(w) for w in wanted]
    by_norm = {normalize_header(n): n for n in reversed(names)}
    for t in targets:
        if t in by_norm:
            return by_norm[t]
    return None
