"""Write a new pipeline workbook with openpyxl (only for files sheetsync creates).

openpyxl is fine here: there is nothing of the operator's to preserve yet.  Frozen
headers, widths, dropdowns for Decision / Stage / Reply status, wrapped long text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from sheetsync.backends.xlsx.package import atomic_target
from sheetsync.core.layout import BookLayout
from sheetsync.errors import SheetsyncError

DROPDOWN_ROWS = 2000
FIXED_TIME = dt.datetime(2026, 1, 1)      # reproducible files: no "created now" stamp


def build(layout: BookLayout) -> bytes:
    """The workbook's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    head_fill = PatternFill("solid", fgColor="FFE8EEF7")
    for spec in layout.sheets:
        ws = wb.create_sheet(spec.name)
        if spec.title:
            ws.cell(1, 1, spec.title).font = Font(bold=True, size=14)
        for c, header in enumerate(spec.headers, start=1):
            cell = ws.cell(spec.header_row, c, header)
            cell.font = Font(bold=True)
            cell.fill = head_fill
        for r, row in enumerate(spec.rows, start=spec.header_row + 1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(r, c, value)
                if spec.formats.get(c) == "date" and isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif spec.formats.get(c) == "money" and isinstance(value, (int, float)):
                    cell.number_format = "#,##0"
                if c in spec.wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif spec.wrap:
                    cell.alignment = Alignment(vertical="top")
        for c, width in spec.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = width
        if spec.wrap:                      # room for two or three lines of an answer
            for r in range(spec.header_row + 1, spec.header_row + 1 + len(spec.rows)):
                ws.row_dimensions[r].height = 45
        ws.page_setup.orientation = "landscape"       # printed one page wide
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.freeze_panes = ws.cell(spec.header_row + 1, 1 if spec.header_row > 1 else 2)
        last = spec.header_row + max(DROPDOWN_ROWS, len(spec.rows))
        for c, choices in spec.dropdowns.items():
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=True, showErrorMessage=False)
            letter = get_column_letter(c)
            dv.add(f"{letter}{spec.header_row + 1}:{letter}{last}")
            ws.add_data_validation(dv)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "sheetsync"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_times(buffer.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The same zip with fixed member times and created/modified stamps: reproducible."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + stamp.encode(), body)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def write_new_workbook(path: Path, layout: BookLayout, *, overwrite: bool = False) -> None:
    """Create the workbook at `path`; refuses to replace an existing file unless told to."""
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SheetsyncError(f"{path.name}: a new workbook must end in .xlsx")
    if path.exists() and not overwrite:
        raise SheetsyncError(f"{path} already exists; choose another name or use --force")
    if not path.parent.is_dir():
        raise SheetsyncError(f"{path.parent} is not a folder")
    data = build(layout)
    if not path.exists():
        path.touch()
    with atomic_target(path) as tmp:
        tmp.write_bytes(data)
