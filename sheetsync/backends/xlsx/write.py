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

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import quoteattr

from sheetsync.backends.xlsx.deflate import Deflater, Streamed
from sheetsync.backends.xlsx.furniture import cf_xml
from sheetsync.backends.xlsx.notes import link_drawing, write_notes
from sheetsync.backends.xlsx.package import (
    Part,
    atomic_target,
    level_for,
    refuse_if_open,
    rewrite,
)
from sheetsync.backends.xlsx.render import GeneratedXml, render
from sheetsync.backends.xlsx.safety import workbook_part
from sheetsync.backends.xlsx.sheetxml import Buffer, Cell, SheetXml, col_letters
from sheetsync.backends.xlsx.styles import Styles
from sheetsync.errors import WriteError
from sheetsync.workbook import (
    GeneratedSheet,
    Highlight,
    Plan,
    SheetPatch,
    highlight_formula,
)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = REL_NS + "/worksheet"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class Package:
    """The parts of a workbook sync reads and may change, by name."""

    def __init__(self, zf: zipfile.ZipFile, path: Path):
        self.path = path
        self.names = set(zf.namelist())
        # The workbook part is where _rels/.rels points (xl/workbook.xml nearly always).
        self.workbook_name = workbook_part(zf)
        folder, base = posixpath.split(self.workbook_name)
        self.folder = folder
        self.rels_name = posixpath.join(folder, "_rels", base + ".rels")
        self.workbook = zf.read(self.workbook_name).decode("utf-8")
        self.rels = zf.read(self.rels_name).decode("utf-8")
        self.types = zf.read("[Content_Types].xml").decode("utf-8")
        self.styles_name = self._target_of_type("/styles") or posixpath.join(folder,
                                                                             "styles.xml")
        if self.styles_name not in self.names:
            raise WriteError(f"{path.name}: has no styles part; open and save it in Excel first")
        self.styles = Styles(zf.read(self.styles_name))
        self.date1904 = bool(re.search(r'date1904="(1|true)"', self.workbook))
        self.sheets = self._sheets()

    def _target(self, rid: str) -> str | None:
        m = re.search(rf'<Relationship\b[^>]*\bId="{re.escape(rid)}"[^>]*>', self.rels)
        if not m:
            return None
        target = re.search(r'\bTarget="([^"]+)"', m.group(0))
        return _resolve(target.group(1), self.folder) if target else None

    def _target_of_type(self, suffix: str) -> str | None:
        for m in re.finditer(r"<Relationship\b[^>]*>", self.rels):
            if re.search(rf'Type="[^"]*{re.escape(suffix)}"', m.group(0)):
                target = re.search(r'\bTarget="([^"]+)"', m.group(0))
                return _resolve(target.group(1), self.folder) if target else None
        return None

    def _sheets(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", self.workbook):
            tag = m.group(0)
            name = re.search(r'\bname="([^"]*)"', tag)
            rid = re.search(r'\b\w+:id="([^"]+)"', tag)
            if name and rid:
                target = self._target(rid.group(1))
                if target:
                    out[_unescape(name.group(1))] = target
        return out

    def add_content_type(self, element: str) -> None:
        """Add a [Content_Types] Default/Override unless its extension/part is there."""
        key = re.search(r'(?:Extension|PartName)="[^"]+"', element)
        if key and key.group(0) not in self.types:
            end = self.types.rindex("</Types>")
            self.types = self.types[:end] + element + self.types[end:]

    def add_sheet(self, name: str) -> str:
        """Register a new worksheet part at the end of the workbook; its part name."""
        n = 1
        while posixpath.join(self.folder, "worksheets", f"sheet{n}.xml") in self.names:
            n += 1
        part = posixpath.join(self.folder, "worksheets", f"sheet{n}.xml")
        ids = [int(x) for x in re.findall(r'\bId="rId(\d+)"', self.rels)]
        rid = f"rId{max(ids, default=0) + 1}"
        sheet_ids = [int(x) for x in re.findall(r'\bsheetId="(\d+)"', self.workbook)]
        # Declare the relationships prefix on the element itself: always in scope.
        tag = (f'<sheet xmlns:r="{REL_NS}" name={quoteattr(name)}'
               f' sheetId="{max(sheet_ids, default=0) + 1}" r:id="{rid}"/>')
        close = re.search(r"</(\w+:)?sheets>", self.workbook)
        if close is None:
            raise WriteError(f"{self.path.name}: workbook.xml has no sheet list")
        if close.group(1):
            tag = tag.replace("<sheet ", f"<{close.group(1)}sheet ")
        self.workbook = self.workbook[: close.start()] + tag + self.workbook[close.start():]
        rel = (f'<Relationship Id="{rid}" Type="{SHEET_TYPE}"'
               f' Target="/{part}"/>')
        end = self.rels.rindex("</Relationships>")
        self.rels = self.rels[:end] + rel + self.rels[end:]
        override = f'<Override PartName="/{part}" ContentType="{SHEET_CT}"/>'
        end = self.types.rindex("</Types>")
        self.types = self.types[:end] + override + self.types[end:]
        self.names.add(part)
        self.sheets[name] = part
        return part


def _resolve(target: str, folder: str) -> str:
    """A relationship target as a zip member name (relative to the workbook's folder)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _cf_rules(highlights: list[Highlight], pkg: Package) -> list[tuple[str, str, int]]:
    return [
        (f"{col_letters(h.first_col)}{h.first_row}:{col_letters(h.last_col)}{h.last_row}",
         highlight_formula(h), pkg.styles.dxf(h.tone))
        for h in highlights if h.last_row >= h.first_row
    ]


def render_cells(patch: SheetPatch, pkg: Package) -> dict[tuple[int, int], Cell]:
    """The owned cells of `patch` made XML-ready (needs styles.xml, not the sheet)."""
    return {rc: render(c, pkg.styles, pkg.date1904) for rc, c in patch.cells.items()}


def patch_sheet(data: Buffer | Iterator[Buffer], patch: SheetPatch, pkg: Package,
                cells: dict[tuple[int, int], Cell] | None = None) -> SheetXml:
    """The owned cells, widths and highlights of `patch` spliced into a sheet part."""
    sheet = SheetXml(data, patch.sheet)
    cells = render_cells(patch, pkg) if cells is None else cells
    sheet.set_cells(cells)
    if cells:
        sheet.extend_dimension(max(r for r, _ in cells), max(c for _, c in cells))
    if patch.col_widths:
        sheet.set_widths(patch.col_widths)
    sheet.set_conditional_formats(_cf_rules(patch.highlights, pkg))
    return sheet


SMALL_SHEET = 2000          # rows: a generated sheet this short is made in one piece


def generated_part(sheet: GeneratedSheet, pkg: Package) -> bytes | Streamed:
    """A whole tool-only worksheet: frozen bold header rows, widths, internal links.

    Big sheets are rendered chunk by chunk as they are deflated; small ones are made
    whole (their exact size picks the deflate level).
    """
    xml = GeneratedXml(sheet, pkg.styles, pkg.date1904,
                       cf_xml(_cf_rules(sheet.highlights, pkg), "", 1))
    if xml.height <= SMALL_SHEET:
        return b"".join(xml.chunks())
    return Streamed(xml.chunks(), size_hint=xml.height * max(xml.width, 1) * 80)


class Inflated:
    """A part's inflated bytes in chunks, each read on the deflater's helper thread one
    chunk ahead of its use: the sheet being patched is never in memory whole."""

    def __init__(self, deflater: Deflater, zf: zipfile.ZipFile, name: str,
                 chunk: int = 4 << 20):
        self._deflater, self._chunk = deflater, chunk
        self._fh = zf.open(name)                # checks the CRC at the end, as read does
        self._next = deflater.submit(self._fh.read, chunk)

    def __iter__(self) -> Iterator[bytes]:
        try:
            while piece := self._next.result():
                self._next = self._deflater.submit(self._fh.read, self._chunk)
                yield piece
        finally:
            self._next.cancel()
            if self._next.done() or self._next.cancelled():
                self._fh.close()


class _Parts:
    """The members a sync writes: small ones as bytes, big ones deflating meanwhile."""

    def __init__(self, deflater: Deflater):
        self.deflater = deflater
        self.replace: dict[str, bytes | None] = {}
        self.add: dict[str, bytes | None] = {}

    def put(self, name: str, data: bytes | Streamed, *, new: bool = False) -> None:
        if isinstance(data, Streamed):          # handed over now: deflates while we go on
            self.deflater.add(name, data.chunks, level_for(data.size_hint))
        (self.add if new else self.replace)[name] = data if isinstance(data, bytes) else None

    def drop(self, name: str) -> None:
        """Keep member `name` as it is after all."""
        self.replace.pop(name, None)

    def final(self) -> tuple[dict[str, Part], dict[str, Part]]:
        done = self.deflater.results()
        return ({n: done[n] if v is None else v for n, v in self.replace.items()},
                {n: done[n] if v is None else v for n, v in self.add.items()})


def apply_plan(path: Path, plan: Plan, *, force: bool = False) -> None:
    """Write `plan` into the workbook at `path`, all or nothing.

    Work is ordered so the deflater's helper thread has something to do while this
    one renders, and so the big things are not in memory at once: the generated
    sheets are rendered (the helper deflates them), then the notes (the helper
    inflates the sheets to patch meanwhile), then each sheet is patched as the helper
    deflates it.  The new file is assembled at the end, in the package's own member
    order, from the deflated parts and raw copies of everything else.
    """
    refuse_if_open(path, force)
    with Deflater() as deflater, zipfile.ZipFile(path) as zf:
        parts = _Parts(deflater)
        pkg = Package(zf, path)
        for generated in plan.generated:
            part = pkg.sheets.get(generated.name)
            parts.put(pkg.add_sheet(generated.name) if part is None else part,
                      generated_part(generated, pkg), new=part is None)
        to_patch = []
        for patch in plan.patches:
            part = pkg.sheets.get(patch.sheet)
            if part is None or part not in pkg.names:
                raise WriteError(f"{path.name}: sheet '{patch.sheet}' was not found to write")
            to_patch.append((patch, part, Inflated(deflater, zf, part),
                             write_notes(zf, pkg.names, part, patch.notes)))
        rendered = [render_cells(patch, pkg) for patch, *_ in to_patch]   # while it inflates
        for _patch, _part, _source, notes in to_patch:
            if notes is not None:
                for name, new_part in notes.replace.items():
                    parts.put(name, new_part)
                for name, new_part in notes.add.items():
                    parts.put(name, new_part, new=True)
                pkg.names.update(notes.add)
                for element in notes.content_types:
                    pkg.add_content_type(element)
        for (patch, part, source, notes), cells in zip(to_patch, rendered, strict=True):
            sheet = patch_sheet(iter(source), patch, pkg, cells)
            if notes is not None and notes.drawing_rid is not None:
                link_drawing(sheet, notes.drawing_rid)
            parts.put(part, Streamed(sheet.chunks(), size_hint=zf.getinfo(part).file_size))
            if not sheet.changed:
                parts.drop(part)
        for name, small in ((pkg.workbook_name, pkg.workbook.encode("utf-8")),
                            (pkg.rels_name, pkg.rels.encode("utf-8")),
                            ("[Content_Types].xml", pkg.types.encode("utf-8")),
                            (pkg.styles_name, pkg.styles.xml)):
            if name not in zf.NameToInfo or zf.read(name) != small:
                parts.put(name, small)
        replace, add = parts.final()
    if not replace and not add:
        return
    with atomic_target(path) as target:
        target.keep = rewrite(path, target.path, replace, add)
