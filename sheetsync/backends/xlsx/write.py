"""Apply a Plan to an .xlsx/.xlsm: patch owned parts, copy the rest, replace atomically.

Why not openpyxl's load-and-save: it rebuilds the whole package from its own object
model, and what it does not model is dropped on save — x14 data validations and
conditional formats in a sheet's extLst, shapes and form controls in drawings,
threaded comments, slicers (see openpyxl/reader/excel.py, which reads only the parts
it knows, and openpyxl/worksheet/_reader.py, which warns "Data Validation extension
is not supported and will be removed").  So sync edits the XML it owns and leaves
every other member of the zip as the bytes Excel wrote.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sheetsync.atomic import atomic_target, replace_error
from sheetsync.backends.xlsx.charts import place_charts
from sheetsync.backends.xlsx.deflate import Deflater, Streamed
from sheetsync.backends.xlsx.furniture import cf_xml, column_widths
from sheetsync.backends.xlsx.inflate import pieces
from sheetsync.backends.xlsx.notes import SheetNotes, plan_notes
from sheetsync.backends.xlsx.package import Package, stamp_of
from sheetsync.backends.xlsx.render import GeneratedXml, render
from sheetsync.backends.xlsx.sheetxml import Buffer, Cell, SheetXml, col_letters
from sheetsync.backends.xlsx.styles import Styles
from sheetsync.backends.xlsx.zipio import (
    Part,
    level_for,
    refuse_if_open,
    rewrite,
)
from sheetsync.core.printfit import LINE, line_count
from sheetsync.errors import WriteError
from sheetsync.workbook import (
    GeneratedSheet,
    Highlight,
    Plan,
    SheetPatch,
    highlight_formula,
)


@dataclass
class Book:
    """What rendering cells needs of the workbook: its package and its styles part."""

    pkg: Package
    styles: Styles
    styles_part: str

    @property
    def date1904(self) -> bool:
        return self.pkg.date1904

    @classmethod
    def open(cls, zf: zipfile.ZipFile, path: Path, pkg: Package | None = None) -> Book:
        """The book of the open zip `zf`: with `pkg`, the model the read made of this
        very file (read again if the file is no longer the one it was read from)."""
        if pkg is None or pkg.stamp is None or pkg.stamp != stamp_of(zf):
            pkg = Package.open(zf, path)
        styles = pkg.styles_part
        if styles is None:
            raise WriteError(f"{path.name}: has no styles part; open and save it in Excel first")
        return cls(pkg, Styles(zf.read(styles)), styles)


def _cf_rules(highlights: list[Highlight], book: Book) -> list[tuple[str, str, int]]:
    return [
        (f"{col_letters(h.first_col)}{h.first_row}:{col_letters(h.last_col)}{h.last_row}",
         highlight_formula(h), book.styles.dxf(h.tone))
        for h in highlights if h.last_row >= h.first_row
    ]


def render_cells(patch: SheetPatch, book: Book) -> dict[tuple[int, int], Cell]:
    """The owned cells of `patch` made XML-ready (needs styles.xml, not the sheet)."""
    return {rc: render(c, book.styles, book.date1904) for rc, c in patch.cells.items()}


def patch_sheet(data: Buffer | Iterator[Buffer], patch: SheetPatch, book: Book,
                cells: dict[tuple[int, int], Cell] | None = None) -> SheetXml:
    """The owned cells, widths and highlights of `patch` spliced into a sheet part."""
    sheet = SheetXml(data, patch.sheet)
    cells = render_cells(patch, book) if cells is None else cells
    sheet.set_cells(cells)
    if cells:
        sheet.extend_dimension(max(r for r, _ in cells), max(c for _, c in cells))
    if patch.col_widths:
        sheet.set_widths(patch.col_widths)
    sheet.heights = wrapped_heights(patch, sheet.head)
    sheet.set_conditional_formats(_cf_rules(patch.highlights, book))
    return sheet


def wrapped_heights(patch: SheetPatch, head: bytes) -> dict[int, float]:
    """Row -> the height (points) the wrapped owned text written into it needs, for the
    rows where that is more than one line, at the widths the sheet's columns have
    (`head`: the sheet's XML before sheetData, owned widths already set).  The same
    measure as the generated sheets' (printfit), so a Why of three lines gets three."""
    widths, default = column_widths(head)
    heights: dict[int, float] = {}
    for (r, c), cell in patch.cells.items():
        if cell.wrap and isinstance(cell.value, str) and cell.value:
            lines = line_count(cell.value, widths.get(c, default))
            if lines > 1 and LINE * lines > heights.get(r, 0.0):
                heights[r] = LINE * lines
    return heights


SMALL_SHEET = 2000          # rows: a generated sheet this short is made in one piece


def generated_part(sheet: GeneratedSheet, book: Book,
                   drawing: str | None = None) -> bytes | Streamed:
    """A whole tool-only worksheet: frozen bold header rows, widths, internal links, and
    the <drawing> of its charts (relationship id `drawing`).

    Big sheets are rendered chunk by chunk as they are deflated; small ones are made
    whole (their exact size picks the deflate level).
    """
    xml = GeneratedXml(sheet, book.styles, book.date1904,
                       cf_xml(_cf_rules(sheet.highlights, book), "", 1), drawing)
    if xml.height <= SMALL_SHEET:
        return b"".join(xml.chunks())
    return Streamed(xml.chunks(), size_hint=xml.height * max(xml.width, 1) * 80)


class Inflated:
    """A part's inflated bytes in chunks, each read on the deflater's helper thread one
    chunk ahead of its use: the sheet being patched is never in memory whole.  The CRC
    is checked at the end, as the read checks it (inflate.py, or zipfile)."""

    def __init__(self, deflater: Deflater, zf: zipfile.ZipFile, name: str,
                 chunk: int = 4 << 20):
        self._deflater = deflater
        self._pieces = pieces(zf, zf.getinfo(name), chunk)
        self._next = deflater.submit(next, self._pieces, b"")

    def __iter__(self) -> Iterator[bytes]:
        try:
            while piece := self._next.result():
                self._next = self._deflater.submit(next, self._pieces, b"")
                yield piece
        finally:
            self._next.cancel()
            if self._next.done() or self._next.cancelled():
                self._pieces.close()


class _Parts:
    """The members a sync writes: small ones as bytes, big ones deflating meanwhile.

    A big part is deflated under the name it was handed over with; `move` gives it
    another (the notes' drawing, once the sheet says which drawing is theirs).
    """

    def __init__(self, deflater: Deflater):
        self.deflater = deflater
        self.replace: dict[str, bytes | str] = {}   # bytes, or the name it deflates under
        self.add: dict[str, bytes | str] = {}

    def put(self, name: str, data: bytes | Streamed, *, new: bool = False) -> None:
        if isinstance(data, Streamed):          # handed over now: deflates while we go on
            self.deflater.add(name, data.chunks, level_for(data.size_hint))
        (self.add if new else self.replace)[name] = data if isinstance(data, bytes) else name

    def drop(self, name: str) -> None:
        """Keep member `name` as it is after all (or do not add it)."""
        self.replace.pop(name, None)
        self.add.pop(name, None)

    def move(self, name: str, onto: str) -> None:
        """Write the new part `name` over the existing member `onto` instead."""
        self.replace[onto] = self.add.pop(name)

    def final(self) -> tuple[dict[str, Part], dict[str, Part]]:
        done = self.deflater.results()
        return ({n: v if isinstance(v, bytes) else done[v] for n, v in self.replace.items()},
                {n: v if isinstance(v, bytes) else done[v] for n, v in self.add.items()})


def _settle(notes: SheetNotes, pkg: Package, parts: _Parts) -> None:
    """Keep, move or take back the notes of one sheet once it is patched."""
    where = notes.settle(pkg)
    if where is None:
        return
    if where == ("", ""):                   # the notes are taken back: parts as they were
        parts.drop(notes.drawing)
        parts.drop(notes.comments)
        return
    parts.move(*where)


PRINT_TITLES = "_xlnm.Print_Titles"


def print_titles(sheet: GeneratedSheet) -> str:
    """'History'!$1:$1: the rows printed at the top of each page of `sheet`."""
    quoted = "'" + sheet.name.replace("'", "''") + "'"
    return f"{quoted}!$1:${sheet.header_rows}"


def apply_plan(path: Path, plan: Plan, *, force: bool = False,
               package: Package | None = None) -> None:
    """Write `plan` into the workbook at `path`, all or nothing.

    Work is ordered so the deflater's helper thread has something to do while this
    one renders, and so the big things are not in memory at once: the generated
    sheets are rendered (the helper deflates them), then the notes (the helper
    inflates the sheets to patch meanwhile), then each sheet is patched as the helper
    deflates it.  The new file is assembled at the end, in the package's own member
    order, from the deflated parts, the package parts the model edited, and raw
    copies of everything else.
    """
    refuse_if_open(path, force)
    with Deflater() as deflater, zipfile.ZipFile(path) as zf:
        parts = _Parts(deflater)
        book = Book.open(zf, path, package)
        pkg = book.pkg
        for generated in plan.generated:
            part = pkg.sheet_part(generated.name)
            new = part is None
            part = pkg.add_sheet(generated.name) if part is None else part
            drawing_rid, redrawn = place_charts(pkg, part, generated)
            parts.put(part, generated_part(generated, book, drawing_rid), new=new)
            for name, data in redrawn.items():
                parts.put(name, data)
            if generated.header_rows:           # the header rows repeat on every page
                pkg.set_defined_name(PRINT_TITLES, print_titles(generated), sheet=generated.name)
        to_patch = []
        for patch in plan.patches:
            part = pkg.sheet_part(patch.sheet)
            if part is None:
                raise WriteError(f"{path.name}: sheet '{patch.sheet}' was not found to write")
            to_patch.append((patch, part, Inflated(deflater, zf, part),
                             plan_notes(zf, pkg, part, patch.notes)))
        rendered = [render_cells(patch, book) for patch, *_ in to_patch]   # while it inflates
        for _patch, _part, _source, notes in to_patch:
            if notes is not None:
                comments, drawing = notes.data
                parts.put(notes.comments, comments, new=notes.comments_new)
                parts.put(notes.drawing, drawing, new=True)
        for (patch, part, source, notes), cells in zip(to_patch, rendered, strict=True):
            sheet = patch_sheet(iter(source), patch, book, cells)
            if notes is not None:
                notes.link(sheet)
            parts.put(part, Streamed(sheet.chunks(), size_hint=zf.getinfo(part).file_size))
            if not sheet.changed:               # known: put() read the sheet to its end
                parts.drop(part)
            if notes is not None:
                _settle(notes, pkg, parts)
        for name, small in pkg.changed_parts().items():
            parts.put(name, small, new=name not in zf.NameToInfo)
        if book.styles.xml != book.styles.original:
            parts.put(book.styles_part, book.styles.xml)
        replace, add = parts.final()
    if not replace and not add:
        return
    try:
        with atomic_target(path) as target:
            target.keep = rewrite(path, target.path, replace, add)
    except OSError as exc:
        raise replace_error(path, exc) from exc
