"""Write a new pipeline workbook with openpyxl (only for files sheetsync creates).

openpyxl is fine here: there is nothing of the operator's to preserve yet.  The
file is usable at once: bold, frozen headers, widths, dropdowns, wrapped answers,
date and money formats, printed one page wide.  The bytes are reproducible (fixed
zip times and document stamps), so sample workbooks can be checked by hash.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from sheetsync.atomic import write_atomically
from sheetsync.backends.xlsx.opc import XmlPart
from sheetsync.core.layout import BookLayout, SheetLayout
from sheetsync.errors import SheetsyncError, WriteError
from sheetsync.formats import NUMBER_FORMATS as WRITTEN
from sheetsync.formats import TYPED_PERCENT

DROPDOWN_ROWS = 2000                      # dropdowns reach this many rows below the header
FIXED_TIME = dt.datetime(2026, 1, 1)      # reproducible files: no "created now" stamp
NUMBER_FORMATS = {"date": WRITTEN["date"], "money": WRITTEN["money"], "percent": TYPED_PERCENT}
HEADER_FILL = "FFE8EEF7"                  # the operator's columns
OWNED_FILL = "FFEDEDED"                   # columns sheetsync writes


def build(layout: BookLayout) -> bytes:
    """The workbook's bytes, the same bytes for the same layout."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for spec in layout.sheets:
        _sheet(wb.create_sheet(spec.name), spec)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "sheetsync"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_times(buffer.getvalue())


def _sheet(ws: Any, spec: SheetLayout) -> None:
    """Fill one openpyxl worksheet from its layout."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="FFB7C0CC")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    if spec.title:
        ws.cell(1, 1, spec.title).font = Font(bold=True, size=13)
    for c, header in enumerate(spec.headers, start=1):
        cell = ws.cell(spec.header_row, c, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=OWNED_FILL if c in spec.owned else HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if spec.boxed:
            cell.border = box
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(spec.rows, start=spec.first_data_row):
        for c in range(1, len(spec.headers) + 1):
            value = row[c - 1] if c <= len(row) else None
            if value is None or value == "":
                if not spec.boxed:
                    continue
                value = None
            cell = ws.cell(r, c, value)
            kind = spec.cell_formats.get((r, c)) or spec.formats.get(c)
            if kind == "date" and isinstance(value, dt.date):
                cell.number_format = NUMBER_FORMATS["date"]
            elif kind in ("money", "percent") and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                cell.number_format = NUMBER_FORMATS[kind]
            if spec.boxed:
                cell.border = box
            cell.alignment = wrapped if c in spec.wrap else top
    for c, width in spec.widths.items():
        ws.column_dimensions[get_column_letter(c)].width = width
    if spec.boxed and spec.wrap:          # room for every line of a wrapped answer
        for r, row in enumerate(spec.rows, start=spec.first_data_row):
            ws.row_dimensions[r].height = _height(spec, row)
    ws.page_setup.orientation = "landscape"
    if spec.boxed:                                # the forms print one page wide
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{spec.header_row}:{spec.header_row}"
    ws.freeze_panes = ws.cell(spec.first_data_row, 2 if spec.freeze_first_column else 1)
    _dropdowns(ws, spec)


def _height(spec: SheetLayout, row: list[Any]) -> float:
    """Row height in points for the longest wrapped cell; a form row leaves room to write."""
    lines = 2 if spec.title else 1
    for c in spec.wrap:
        text = str(row[c - 1]) if c <= len(row) and row[c - 1] is not None else ""
        per_line = max(int(spec.widths.get(c, 10) * 1.1), 1)
        lines = max(lines, -(-len(text) // per_line))
    return 15.0 * lines + 2


def _dropdowns(ws: Any, spec: SheetLayout) -> None:
    """A list dropdown per listed column, from the first data row down DROPDOWN_ROWS rows.

    Other values stay allowed (no error box): operators type variants (`y`, `Opt out`)
    that sheetsync reads, and it says so in Check when it cannot.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    last = spec.header_row + max(DROPDOWN_ROWS, len(spec.rows))
    for c, choices in sorted(spec.dropdowns.items()):
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                            allow_blank=True, showErrorMessage=False)
        letter = get_column_letter(c)
        dv.add(f"{letter}{spec.first_data_row}:{letter}{last}")
        ws.add_data_validation(dv)


def _fixed_times(data: bytes) -> bytes:
    """The same zip with fixed member times and created/modified stamps: reproducible."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = _stamped(body, stamp)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, body)
    return out.getvalue()


def _stamped(core: bytes, stamp: str) -> bytes:
    """docProps/core.xml with its created and modified dates set to `stamp`."""
    part = XmlPart.parse("docProps/core.xml", core)
    for el in part.elements:
        if el.name in ("created", "modified") and el.inner < el.end:
            part.replace_span(el.inner, el.close, stamp)
    return part.bytes()


def write_new_workbook(path: Path, layout: BookLayout, *, overwrite: bool = False) -> None:
    """Create the workbook at `path`, atomically; never replaces a file unless `overwrite`.

    The bytes take the name in one step (sheetsync/atomic.py): a hard link when the
    name must be new (so a file that appears meanwhile is still not replaced), a
    rename when overwriting.  A failure leaves nothing behind.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise SheetsyncError(f"{path.name}: a new workbook's name must end in .xlsx")
    if path.is_dir():
        raise SheetsyncError(f"{path} is a folder; give a file name ending in .xlsx")
    if path.exists() and not overwrite:
        raise SheetsyncError(f"{path} already exists; choose another name or use --force")
    folder = path.parent
    if not folder.is_dir():
        raise SheetsyncError(f"{path}: the folder {folder} does not exist")
    data = build(layout)
    try:
        write_atomically(path, data, overwrite=overwrite)
    except FileExistsError:
        raise SheetsyncError(
            f"{path} already exists; choose another name or use --force") from None
    except OSError as exc:
        raise WriteError(f"{path} was not written: {exc.strerror or exc}") from exc
