"""Helpers for the Excel read tests: workbooks written with openpyxl, then edited as XML.

openpyxl cannot write some things real workbooks hold (error cells with cached
codes, shared formulas, formulas without cached values, inline strings, Strict
namespaces), so tests write a plain workbook and rewrite its zip members.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus/sheetjs"
SHEET1 = "xl/worksheets/sheet1.xml"

STRICT_NAMESPACES = [
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
     b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main",
     b"http://purl.oclc.org/ooxml/drawingml/main"),
]


def write_book(path: Path, sheets: dict[str, list[list[object]]],
               hidden: dict[str, str] | None = None) -> Path:
    """An .xlsx with one sheet per entry, rows starting at A1 (None = empty cell)."""
    wb = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet(name)
        assert ws is not None
        ws.title = name
        first = False
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        if hidden and name in hidden:
            ws.sheet_state = hidden[name]  # type: ignore[assignment]
    wb.save(path)
    return path


def rewrite_members(src: Path, dst: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Copy the zip `src` to `dst`, passing each member's bytes through `edit`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, edit(info.filename, zin.read(info)))
    return dst


def replace_sheet_data(src: Path, dst: Path, sheet_data: str, part: str = SHEET1) -> Path:
    """`src` with the <sheetData> of one worksheet replaced by `sheet_data` (raw XML)."""
    def edit(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        start = data.index(b"<sheetData")
        end = data.index(b"</sheetData>") + len(b"</sheetData>") if b"</sheetData>" in data \
            else data.index(b"/>", start) + 2
        return data[:start] + sheet_data.encode() + data[end:]
    return rewrite_members(src, dst, edit)


def to_strict(src: Path, dst: Path) -> Path:
    """`src` with its namespaces moved to Strict Open XML (purl.oclc.org/ooxml)."""
    def edit(name: str, data: bytes) -> bytes:
        for old, new in STRICT_NAMESPACES:
            data = data.replace(old, new)
        return data
    return rewrite_members(src, dst, edit)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, fmt: str, outdir: Path) -> Path:
    """`src` converted by LibreOffice headless to `fmt` (xls, ods, xlsb...) in `outdir`."""
    exe = soffice()
    assert exe is not None
    profile = outdir / "lo-profile"
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=120,
    )
    return outdir / f"{src.stem}.{fmt.split(':')[0]}"
