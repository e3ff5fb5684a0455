"""The plain data that crosses the line between backends and the core.

A backend turns a source (an .xlsx file, a Google Sheet) into a `RawWorkbook`:
sheet name -> grid of plain Python values with A1 at [0][0].  The core reads
grids and answers with a `Plan`: the cells it owns and wants written, the rows to
highlight, and the tool-only sheets to rewrite whole.  A backend applies a Plan;
it never decides what to write.

Cell values in a grid are: None (empty), str, int, float, bool, datetime.date,
datetime.datetime, datetime.time, or `CellError` for an error cell (#REF!...).
Empty strings may appear instead of None; the core treats both as empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, Union

Value = Union[None, str, int, float, bool, dt.date, dt.datetime, dt.time, "CellError"]
Grid = list[list[Value]]


@dataclass(frozen=True)
class CellError:
    """An error cell as the spreadsheet shows it, e.g. ``#REF!``."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class RawWorkbook:
    """A source read into plain grids.  `sheets` keeps the workbook's sheet order."""

    source: str                      # what the operator gave: a path or a sheet URL/key
    sheets: dict[str, Grid]
    title: str = ""                  # file name or spreadsheet title, for messages
    date1904: bool = False           # informational; grids already hold real dates
    # Every sheet the source has, read or not, in order; empty when the backend does
    # not say (then only `sheets` is known).
    all_sheets: list[str] = field(default_factory=list)


@lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """1 -> "A", 28 -> "AB": the column's name as the spreadsheet shows it."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@lru_cache(maxsize=4096)
def column_number(letters: str | bytes) -> int:
    """"A" -> 1, b"XFD" -> 16384: a column's name as its 1-based number."""
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n


# --- what the core asks a backend to write -------------------------------------------

# How a written value is shown.  Backends map these to number formats.
Format = Literal["text", "number", "integer", "percent", "money", "money-$", "money-€",
                 "money-£", "days", "date", "datetime"]


@dataclass(slots=True)
class CellWrite:
    """One owned cell.  `value` None clears the cell (and its note).

    Strings are always written as text, never as formulas, whatever they start with.
    Treat it as read-only (it is not frozen only because a sync builds hundreds of
    thousands of them and frozen dataclasses are several times slower to create).
    """

    value: str | int | float | dt.date | dt.datetime | None
    format: Format = "text"
    bold: bool = False
    note: str | None = None          # a cell comment/note; None = no note
    link: str | None = None          # internal link target, e.g. "'Leads'!A14"
    wrap: bool = False
    right: bool = False              # text aligned right (a header over numbers)


NOTE_PREFIX = "sheetsync: "

Tone = Literal["leak", "fix", "below", "finding"]


@dataclass(frozen=True)
class Highlight:
    """Colour rows of a range while an owned key cell says so.

    Rows `first_row`..`last_row` (1-based, inclusive), columns `first_col`..`last_col`
    are coloured with `tone` while the cell in `key_col` of the same row is non-empty
    (match "nonblank") or starts with `prefix` (match "prefix", case-insensitive).
    Backends express this as conditional formatting so that the colour goes away
    by itself when the owned cell is cleared.
    """

    first_row: int
    last_row: int
    first_col: int
    last_col: int
    key_col: int
    tone: Tone
    match: Literal["nonblank", "prefix", "contains"] = "nonblank"
    text: str = ""


HIGHLIGHT_MARK = 'N("sheetsync")=0'    # in every rule sheetsync adds: how it finds its own


def highlight_formula(h: Highlight) -> str:
    """The conditional-format formula of `h` (same language in Excel and Google Sheets)."""
    key = f"${column_letter(h.key_col)}{h.first_row}"
    text = h.text.replace('"', '""')          # a quote inside a formula string is doubled
    if h.match == "prefix":
        test = f'LEFT({key},{len(h.text)})="{text}"'      # "=" ignores case in both
    elif h.match == "contains":
        test = f'ISNUMBER(SEARCH("{text}",{key}))'
    else:
        test = f"LEN({key})>0"
    return f"AND({HIGHLIGHT_MARK},{test})"


@dataclass
class SheetPatch:
    """Owned cells of an operator sheet.  Keys are (row, col), 1-based."""

    sheet: str
    cells: dict[tuple[int, int], CellWrite] = field(default_factory=dict)
    highlights: list[Highlight] = field(default_factory=list)
    col_widths: dict[int, float] = field(default_factory=dict)   # only for owned columns
    # Notes on operator cells that are at fault, (row, col) -> its words.  The cell's
    # value is never touched.  The backend writes NOTE_PREFIX before the words (every
    # note sheetsync writes starts with it; the words are the finding's own, shared with
    # its Check cell) and removes its earlier notes on this sheet that the plan no
    # longer lists.
    notes: dict[tuple[int, int], str] = field(default_factory=dict)


Plain = str | int | float | dt.date | dt.datetime | None
Row = list[CellWrite | None]


@dataclass
class PlainRows:
    """Consecutive rows of a generated sheet that share one format per column.

    The bulk of a big sheet (one row per finding: 61,000 rows on a messy 50,000-lead
    log) travels as one tuple of plain values per row instead of one CellWrite per
    cell, so building, comparing and writing it costs one step per row, not per cell.
    Every row has one value per format: column j shows `rows[i][j]` formatted as
    `formats[j]` (strings are always text); None or "" is an empty cell.  `links`, when given,
    holds one internal link target per row ("'Leads'!A14", or None) for its first cell.
    """

    formats: tuple[Format, ...]
    rows: list[tuple[Plain, ...]]
    links: list[str | None] | None = None
    wrap: frozenset[int] = frozenset()          # 0-based columns whose text wraps
    # Each row's height in points where its wrapped text needs more than one line
    # (None: the default height); None when no row does.
    heights: list[float | None] | None = None

    def cells(self, i: int) -> Row:
        """Row i as CellWrites, for code that wants one object per cell."""
        link = self.links[i] if self.links is not None else None
        out: Row = []
        for j, v in enumerate(self.rows[i]):
            fmt = self.formats[j] if j < len(self.formats) else "text"
            cell = None if v is None or v == "" else CellWrite(v, fmt, wrap=j in self.wrap)
            if j == 0 and cell is not None and link:
                cell.link = link
            out.append(cell)
        return out


@dataclass(frozen=True)
class ChartSeries:
    """One line (or the bars) of a chart: its legend words and its cells.

    The values are column `col` of sheet `sheet`, rows `first_row`..`last_row` (1-based,
    inclusive); `values` holds what those cells hold now (None: empty), so a backend
    can show the chart before the spreadsheet recalculates it.
    """

    name: str
    sheet: str
    col: int
    first_row: int
    last_row: int
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    """A native chart sheetsync draws on a generated sheet, redrawn by every sync.

    `key` names it among the sheet's charts ("leads", "rates"...) so that a second sync
    updates it instead of adding another.  The categories (weeks, sources) are column
    `category_col` of the series' rows, shown as `categories`.  The chart's top-left
    corner sits `left`..`top` pixels from the top-left of cell (`anchor_row`,
    `anchor_col`) (1-based), and it is `width` x `height` pixels.
    """

    key: str
    title: str
    kind: Literal["line", "bar"]
    category_col: int
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    anchor_row: int
    anchor_col: int = 1
    left: int = 0
    top: int = 0
    width: int = 480
    height: int = 260
    percent: bool = False                 # the value axis shows percentages
    value_format: Format | None = None    # else the value axis's number format (money-$)


@dataclass
class GeneratedSheet:
    """A tool-only sheet (Metrics, Findings, Review, Weekly history), rewritten whole.

    `rows` lists the sheet from row 1 down: each entry is one row of CellWrites (a None
    entry is an empty cell), or a `PlainRows` standing for all of its rows in turn.
    `header_rows` rows from the top are frozen and bold.
    """

    name: str
    rows: list[Row | PlainRows]
    col_widths: list[float] = field(default_factory=list)
    header_rows: int = 1
    highlights: list[Highlight] = field(default_factory=list)
    # Heights in points of rows (1-based) whose wrapped text takes more than one line.
    row_heights: dict[int, float] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)   # 1-based: the tool's bookkeeping
    charts: list[Chart] = field(default_factory=list)

    @property
    def height(self) -> int:
        """How many sheet rows `rows` covers."""
        return sum(len(x.rows) if isinstance(x, PlainRows) else 1 for x in self.rows)

    @property
    def width(self) -> int:
        """The widest row's number of cells (0 for an empty sheet)."""
        return max((len(x.formats) * bool(x.rows) if isinstance(x, PlainRows) else len(x)
                    for x in self.rows), default=0)

    def cell_rows(self) -> list[Row]:
        """Every row as CellWrites, row 1 first (PlainRows expanded): the slow, simple view."""
        out: list[Row] = []
        for x in self.rows:
            if isinstance(x, PlainRows):
                out += [x.cells(i) for i in range(len(x.rows))]
            else:
                out.append(x)
        return out


@dataclass
class Plan:
    """Everything a sync writes.  Applying the same Plan twice changes nothing."""

    patches: list[SheetPatch] = field(default_factory=list)
    generated: list[GeneratedSheet] = field(default_factory=list)
