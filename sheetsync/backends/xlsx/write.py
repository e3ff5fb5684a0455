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

import datetime as dt
import posixpath
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from sheetsync.backends.xlsx.notes import write_notes
from sheetsync.backends.xlsx.package import atomic_target, refuse_if_open, rewrite
from sheetsync.backends.xlsx.safety import workbook_part
from sheetsync.backends.xlsx.sheetxml import (
    Cell,
    SheetXml,
    col_letters,
    text_cell,
    xml_chars,
)
from sheetsync.backends.xlsx.styles import Styles
from sheetsync.errors import WriteError
from sheetsync.workbook import (
    CellWrite,
    Format,
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


def _serial(value: dt.date, date1904: bool) -> float:
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    moment = value if isinstance(value, dt.datetime) else dt.datetime(
        value.year, value.month, value.day)
    return (moment.replace(tzinfo=None) - epoch).total_seconds() / 86400


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def render(cell: CellWrite | None, pkg: Package) -> Cell:
    """The XML-ready form of one CellWrite, with its style index."""
    if cell is None or cell.value is None or cell.value == "":
        return Cell("empty")
    v = cell.value
    if isinstance(v, str):
        return text_cell(v, pkg.styles.xf("text", bold=cell.bold, wrap=cell.wrap))
    if isinstance(v, dt.date):
        fmt: Format = ("datetime" if isinstance(v, dt.datetime) and cell.format == "datetime"
                       else "date")
        return Cell("num", _number(_serial(v, pkg.date1904)), pkg.styles.xf(fmt, bold=cell.bold))
    return Cell("num", _number(float(v)), pkg.styles.xf(cell.format, bold=cell.bold),
                keep_style=False)


def _cf_rules(highlights: list[Highlight], pkg: Package) -> list[tuple[str, str, int]]:
    return [
        (f"{col_letters(h.first_col)}{h.first_row}:{col_letters(h.last_col)}{h.last_row}",
         highlight_formula(h), pkg.styles.dxf(h.tone))
        for h in highlights if h.last_row >= h.first_row
    ]


def patch_sheet(data: bytes, patch: SheetPatch, pkg: Package) -> bytes:
    sheet = SheetXml(data, patch.sheet)
    cells = {rc: render(c, pkg) for rc, c in patch.cells.items()}
    sheet.set_cells(cells)
    if cells:
        sheet.extend_dimension(max(r for r, _ in cells), max(c for _, c in cells))
    if patch.col_widths:
        sheet.set_widths(patch.col_widths)
    sheet.set_conditional_formats(_cf_rules(patch.highlights, pkg))
    return sheet.data


def generated_xml(sheet: GeneratedSheet, pkg: Package) -> bytes:
    """A whole tool-only worksheet: frozen bold header rows, widths, internal links."""
    rows, links = [], []
    width = 1
    letters = [col_letters(c) for c in range(1, 1 + max((len(r) for r in sheet.rows), default=1))]
    text_styles: dict[tuple[bool, bool], str] = {}
    for r, cells in enumerate(sheet.rows, start=1):
        parts = []
        for c, cell in enumerate(cells, start=1):
            if cell is None or cell.value is None or cell.value == "":
                continue
            if r <= sheet.header_rows and not cell.bold:
                cell = CellWrite(cell.value, cell.format, True, cell.note, cell.link, cell.wrap)
            ref = f"{letters[c - 1]}{r}"
            value = cell.value
            if isinstance(value, str):          # the common case, kept out of Cell objects
                key = (cell.bold, cell.wrap)
                if key not in text_styles:
                    s = pkg.styles.xf("text", bold=cell.bold, wrap=cell.wrap)
                    text_styles[key] = f' s="{s}"' if s is not None else ""
                parts.append(f'<c r="{ref}"{text_styles[key]} t="inlineStr"><is><t'
                             f' xml:space="preserve">{escape(xml_chars(value))}</t></is></c>')
            else:
                parts.append(render(cell, pkg).xml(ref, None, "").decode())
            width = max(width, c)
            if cell.link:
                links.append(f"<hyperlink ref=\"{ref}\" location={quoteattr(cell.link)}"
                             f" display={quoteattr(str(cell.value))}/>")
        if parts:
            rows.append(f'<row r="{r}">{"".join(parts)}</row>')
    last = max(len(sheet.rows), 1)
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                   for i, w in enumerate(sheet.col_widths, start=1))
    pane = (f'<pane ySplit="{sheet.header_rows}" topLeftCell="A{sheet.header_rows + 1}"'
            ' activePane="bottomLeft" state="frozen"/>') if sheet.header_rows else ""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<dimension ref="A1:{col_letters(width)}{last}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f'<sheetData>{"".join(rows)}</sheetData>'
        + (f'<hyperlinks>{"".join(links)}</hyperlinks>' if links else "")
        + "</worksheet>"
    )
    out = SheetXml(xml.encode("utf-8"), sheet.name)
    out.set_conditional_formats(_cf_rules(sheet.highlights, pkg))
    return out.data


def apply_plan(path: Path, plan: Plan, *, force: bool = False) -> None:
    """Write `plan` into the workbook at `path`, all or nothing."""
    refuse_if_open(path, force)
    replace: dict[str, bytes] = {}
    add: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as zf:
        pkg = Package(zf, path)
        for patch in plan.patches:
            part = pkg.sheets.get(patch.sheet)
            if part is None or part not in pkg.names:
                raise WriteError(f"{path.name}: sheet '{patch.sheet}' was not found to write")
            data = patch_sheet(zf.read(part), patch, pkg)
            notes = write_notes(zf, pkg.names, part, data, patch.notes)
            if notes is not None:
                data = notes.sheet_xml
                replace.update(notes.replace)
                add.update(notes.add)
                pkg.names.update(notes.add)
                for element in notes.content_types:
                    pkg.add_content_type(element)
            replace[part] = data
        for sheet in plan.generated:
            part = pkg.sheets.get(sheet.name)
            if part is None:
                add[pkg.add_sheet(sheet.name)] = generated_xml(sheet, pkg)
            else:
                replace[part] = generated_xml(sheet, pkg)
        replace[pkg.workbook_name] = pkg.workbook.encode("utf-8")
        replace[pkg.rels_name] = pkg.rels.encode("utf-8")
        replace["[Content_Types].xml"] = pkg.types.encode("utf-8")
        replace[pkg.styles_name] = pkg.styles.xml
        unchanged = [name for name, data in replace.items()
                     if name in zf.NameToInfo and zf.read(name) == data]
    for name in unchanged:
        del replace[name]
    if not replace and not add:
        return
    with atomic_target(path) as tmp:
        rewrite(path, tmp, replace, add)
