"""Tool-only sheets (Metrics, Findings, Review, Weekly history) as worksheet XML, streamed.

A generated sheet is written whole, so it is rendered straight to XML text, never
through an object per cell.  A `PlainRows` block (one tuple per finding) is taken
apart into columns once and each column is checked for characters XML must escape
in one scan of the column.  A run of rows with the same empty cells then becomes
XML in one `"".join(map(template.__mod__, zip(columns...)))`: the loop over rows
runs in C, Python only sees the runs.  Chunks of a few thousand rows come out to be
deflated as they are made, so no whole sheet is held in memory.

`GeneratedXml(...)` does everything that touches styles.xml up front (styles.xml is
written once the sheets are rendered, but its indexes are fixed here).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress

from sheetsync.backends.xlsx.opc import MAIN_NS, REL_NS
from sheetsync.backends.xlsx.sheetxml import Cell, col_letters, text_cell
from sheetsync.backends.xlsx.styles import Styles
from sheetsync.backends.xlsx.xmltext import all_plain, attr_xml, text_xml
from sheetsync.formats import serial
from sheetsync.workbook import CellWrite, Format, GeneratedSheet, PlainRows, Row

ROWS_PER_CHUNK = 2000
# Cell templates of a block column: the row number, then the value, go in at %s.
_TEXT_CELL = ('<c r="{letters}%s"{style} t="inlineStr"><is><t xml:space="preserve">%s'
              "</t></is></c>")
_NUM_CELL = '<c r="{letters}%s"{style}><v>%s</v></c>'
_LINK = '<hyperlink ref="A%s" location="%s" display="%s"/>'
# Every generated sheet prints landscape, one page wide and as many long as it takes
# (its header row repeats on each page: a print-titles name in workbook.xml).
ONE_PAGE_ROWS = 50        # a sheet this short prints on one page, however its rows wrap
FIT_TO_PAGE = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
PAGE_SETUP = ('<printOptions horizontalCentered="1"/>'
              '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3"'
              ' footer="0.3"/>'
              '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="%d"/>'
              '<headerFooter><oddFooter>&amp;L&amp;A&amp;RPage &amp;P of &amp;N</oddFooter>'
              '</headerFooter>')


def number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def render(cell: CellWrite | None, styles: Styles, date1904: bool, top: bool = False) -> Cell:
    """The XML-ready form of one CellWrite, with its style index (`top`: aligned to the
    top of its row, as every cell of a generated sheet is)."""
    if cell is None or cell.value is None or cell.value == "":
        return Cell("empty")
    v = cell.value
    if isinstance(v, str):
        return text_cell(v, styles.xf("text", bold=cell.bold, wrap=cell.wrap, top=top,
                                      right=cell.right))
    if isinstance(v, dt.date):
        fmt: Format = ("datetime" if isinstance(v, dt.datetime) and cell.format == "datetime"
                       else "date")
        return Cell("num", number_text(serial(v, date1904)),
                    styles.xf(fmt, bold=cell.bold, top=top))
    return Cell("num", number_text(float(v)), styles.xf(cell.format, bold=cell.bold, top=top),
                keep_style=False)


@dataclass
class _Block:
    """A PlainRows made ready: columns of XML-ready text, one row template per shape."""

    first_row: int
    size: int
    columns: list[Sequence[str | int | None]]
    pieces: list[str]                       # column j's cell: row number and value at %s
    locations: Sequence[str | None] | None  # each row's link target and shown text,
    shown: Sequence[str | None] | None      # attribute-ready (None: no link)
    heights: Sequence[str]                  # each row's height attributes, or ""
    templates: dict[tuple[bool, ...], str] = field(default_factory=dict)

    def template(self, shape: tuple[bool, ...]) -> str:
        """The row template for rows whose cells are there where `shape` says True."""
        found = self.templates.get(shape)
        if found is None:
            cells = "".join(p for p, there in zip(self.pieces, shape, strict=True) if there)
            found = self.templates[shape] = f'<row r="%s"%s>{cells}</row>' if cells else ""
        return found

    def rows(self) -> Iterator[str]:
        """The rows as XML, ROWS_PER_CHUNK at a time."""
        cols = self.columns
        gaps = _gap_rows(cols)                        # rows that lack some cell
        for k in range(0, self.size, ROWS_PER_CHUNK):
            stop = min(self.size, k + ROWS_PER_CHUNK)
            numbers = list(map(str, range(self.first_row + k, self.first_row + stop)))
            out = []
            for shape, a, b in _runs(cols, gaps, k, stop):
                template = self.template(shape)
                if template:
                    row = numbers[a - k: b - k]
                    args: list[Sequence[str | int | None]] = [row, self.heights[a:b]]
                    for col, there in zip(cols, shape, strict=True):
                        if there:
                            args += [row, col[a:b]]
                    out.append("".join(map(template.__mod__, zip(*args, strict=True))))
            yield "".join(out)

    def links(self) -> Iterator[str]:
        """The rows' hyperlinks as XML, ROWS_PER_CHUNK at a time."""
        if self.locations is None or self.shown is None:
            return
        for k in range(0, self.size, ROWS_PER_CHUNK):
            stop = min(self.size, k + ROWS_PER_CHUNK)
            numbers = map(str, range(self.first_row + k, self.first_row + stop))
            linked = compress(zip(numbers, self.locations[k:stop], self.shown[k:stop],
                                  strict=True), self.locations[k:stop])
            yield "".join(map(_LINK.__mod__, linked))


def _gap_rows(cols: list[Sequence[str | int | None]]) -> list[int]:
    """The (0-based) rows where some column is empty, found by C-level scans."""
    found: set[int] = set()
    for col in cols:
        i = -1
        while True:
            try:
                i = col.index(None, i + 1)
            except ValueError:
                break
            found.add(i)
    return sorted(found)


def _runs(cols: list[Sequence[str | int | None]], gaps: list[int], start: int,
          stop: int) -> Iterator[tuple[tuple[bool, ...], int, int]]:
    """(shape, first, end) of each run of rows with the same cells in start..stop:
    full rows between the gaps, each gap row with its own shape, equal ones merged."""
    full = (True,) * len(cols)
    shape, a, b = full, start, start
    for i in gaps[bisect_left(gaps, start): bisect_left(gaps, stop)]:
        here = tuple(col[i] is not None for col in cols)
        if i > b:                                     # full rows before this gap
            if shape != full:
                yield shape, a, b
                shape, a = full, b
            b = i
        if here != shape:
            if b > a:
                yield shape, a, b
            shape, a = here, i
        b = i + 1
    if stop > b and shape != full:
        yield shape, a, b
        shape, a = full, b
    if stop > a:
        yield shape, a, stop


class GeneratedXml:
    """One generated sheet, styles resolved; `chunks()` yields its worksheet XML."""

    def __init__(self, sheet: GeneratedSheet, styles: Styles, date1904: bool, cf: bytes,
                 drawing: str | None = None):
        self.sheet, self.cf, self.drawing = sheet, cf, drawing
        self.width = 1
        self.parts: list[tuple[int, str] | _Block] = []   # rendered rich rows and blocks
        self.links: list[str] = []                         # hyperlinks of rich rows
        r = 1
        for entry in sheet.rows:
            if isinstance(entry, PlainRows):
                block = (_block(entry, r, styles, date1904)
                         if r > sheet.header_rows else None)
                if block is None:                          # odd values: cell by cell
                    for i in range(len(entry.rows)):
                        height = entry.heights[i] if entry.heights else None
                        if height:
                            sheet.row_heights[r + i] = height
                        self.parts.append((r + i, self._rich(entry.cells(i), r + i, styles,
                                                             date1904)))
                else:
                    self.parts.append(block)
                    width = max((j + 1 for j, col in enumerate(block.columns)
                                 if col.count(None) < len(col)), default=1)
                    self.width = max(self.width, width)
                r += len(entry.rows)
            else:
                self.parts.append((r, self._rich(entry, r, styles, date1904)))
                r += 1
        self.height = r - 1

    def _rich(self, cells: Row, r: int, styles: Styles, date1904: bool) -> str:
        out = []
        for c, cell in enumerate(cells, start=1):
            if cell is None or cell.value is None or cell.value == "":
                continue
            if r <= self.sheet.header_rows and not cell.bold:
                cell = CellWrite(cell.value, cell.format, True, cell.note, cell.link, cell.wrap,
                                 cell.right)
            ref = f"{col_letters(c)}{r}"
            out.append(render(cell, styles, date1904, True).xml(ref, None, "").decode())
            self.width = max(self.width, c)
            if cell.link:
                self.links.append(f'<hyperlink ref="{ref}" location="{attr_xml(cell.link)}"'
                                  f' display="{attr_xml(str(cell.value))}"/>')
        height = self.sheet.row_heights.get(r)
        attrs = f' ht="{height:g}" customHeight="1"' if height else ""
        if r in self.sheet.hidden_rows:
            attrs += ' hidden="1"'
        return f'<row r="{r}"{attrs}>{"".join(out)}</row>' if out else ""

    def chunks(self) -> Iterator[bytes]:
        sheet = self.sheet
        cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                       for i, w in enumerate(sheet.col_widths, start=1))
        pane = (f'<pane ySplit="{sheet.header_rows}" topLeftCell="A{sheet.header_rows + 1}"'
                ' activePane="bottomLeft" state="frozen"/>') if sheet.header_rows else ""
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{FIT_TO_PAGE}'
            f'<dimension ref="A1:{col_letters(self.width)}{max(self.height, 1)}"/>'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
        ).encode()
        pending: list[str] = []
        for part in self.parts:
            if isinstance(part, _Block):
                yield "".join(pending).encode()
                pending = []
                for xml in part.rows():
                    yield xml.encode()
            elif part[1]:
                pending.append(part[1])
        yield "".join(pending).encode() + b"</sheetData>" + self.cf
        blocks = [part for part in self.parts if isinstance(part, _Block)]
        if self.links or any(block.locations is not None for block in blocks):
            yield ("<hyperlinks>" + "".join(self.links)).encode()
            for block in blocks:                  # made again from the columns: not kept
                for xml in block.links():
                    yield xml.encode()
            yield b"</hyperlinks>"
        drawing = f'<drawing r:id="{self.drawing}"/>' if self.drawing else ""
        tall = 0 if self.height > ONE_PAGE_ROWS else 1
        yield f"{PAGE_SETUP % tall}{drawing}</worksheet>".encode()


def _block(table: PlainRows, first_row: int, styles: Styles,
           date1904: bool) -> _Block | None:
    """`table` taken apart into XML-ready columns; None when a column mixes kinds of
    value (or holds dates of both kinds), which the cell-by-cell path handles."""
    width = len(table.formats)
    try:                                        # rows to columns, in C
        transposed = list(zip(*table.rows, strict=True)) if table.rows else [()] * width
    except ValueError:                          # ragged rows
        return None
    if len(transposed) != width:
        return None
    columns: list[Sequence[str | int | None]] = []
    pieces = []
    for j, column in enumerate(transposed):
        kinds = set(map(type, column)) - {type(None)}
        col: Sequence[str | int | None] = column       # type: ignore[assignment]
        letters = col_letters(j + 1)
        if kinds <= {str}:
            if "" in column:
                col = [v or None for v in column]
            if not all_plain(column):                 # type: ignore[arg-type]
                col = [text_xml(v) if isinstance(v, str) else None for v in col]
            style = styles.xf("text", wrap=j in table.wrap, top=True)
            piece = _TEXT_CELL
        elif kinds <= {int, float}:
            if float in kinds:
                col = [None if v is None else number_text(v) for v in column]  # type: ignore[arg-type]
            style = styles.xf(table.formats[j], top=True)
            piece = _NUM_CELL
        elif kinds == {dt.date} or kinds == {dt.datetime}:
            fmt: Format = ("datetime" if kinds == {dt.datetime}
                           and table.formats[j] == "datetime" else "date")
            col = [None if v is None else number_text(serial(v, date1904))  # type: ignore[arg-type]
                   for v in column]
            style = styles.xf(fmt, top=True)
            piece = _NUM_CELL
        else:
            return None
        columns.append(col)
        pieces.append(piece.format(letters=letters,
                                   style=f' s="{style}"' if style is not None else ""))
    locations: Sequence[str | None] | None = None
    shown: Sequence[str | None] | None = None
    if table.links is not None and transposed:
        locations, shown = table.links, [v if isinstance(v, str) and v else None
                                         for v in transposed[0]]
        if not (all_plain(locations, in_attr=True) and all_plain(shown, in_attr=True)):
            locations = [attr_xml(x) if x else None for x in locations]
            shown = [attr_xml(x) if x else None for x in shown]
        locations = [x if x and d else None for x, d in zip(locations, shown, strict=True)]
    heights: Sequence[str] = [""] * len(table.rows)
    if table.heights is not None:
        attrs = {h: f' ht="{h:g}" customHeight="1"' if h else "" for h in set(table.heights)}
        heights = list(map(attrs.__getitem__, table.heights))
    return _Block(first_row, len(table.rows), columns, pieces, locations, shown, heights)
