"""Issue 3: everything sync does not own survives byte for byte, and Excel-only parts
(x14 data validations in extLst, shapes, macros) survive inside the parts it patches."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from core_helpers import lead, leads_grid, pipeline_grid
from openpyxl import Workbook, load_workbook

from sheetsync.cli import main

X14_DV = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f>'
    "</x14:formula1><xm:sqref>E2:E500</xm:sqref></x14:dataValidation></x14:dataValidations>"
    "</ext></extLst>"
)
FORMULA_TEXT = '=HYPERLINK("http://evil.example","click")'
SHAPE = (
    '<xdr:twoCellAnchor><xdr:from><xdr:col>8</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1'
    '</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>11</xdr:col><xdr:colOff>0'
    '</xdr:colOff><xdr:row>5</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" '
    'textlink=""><xdr:nvSpPr><xdr:cNvPr id="99" name="Note shape"/><xdr:cNvSpPr/></xdr:nvSpPr>'
    '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:sp>'
    "<xdr:clientData/></xdr:twoCellAnchor>"
)


def operator_workbook(path: Path, macro: bool = False) -> None:
    """A workbook with the things operators have: other sheets, a chart, an image, a
    comment, a defined name, their own conditional format and dropdowns."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from PIL import Image as PILImage

    wb = Workbook()
    wb.remove(wb.active)
    pipe = wb.create_sheet("Pipeline")
    for row in pipeline_grid():
        pipe.append(row)
    leads = wb.create_sheet("Leads")
    rows = [lead(ID=f"L{i}", Evidence="" if i % 3 == 0 else "post") for i in range(12)]
    rows[1].update(Evidence="")
    for row in leads_grid(rows):
        leads.append(row)
    leads["B3"].value = FORMULA_TEXT
    leads["B3"].data_type = "s"                 # typed as text, as Excel keeps '=... text
    leads["B2"].comment = Comment("Called twice, no answer", "Maria")
    leads.conditional_formatting.add(
        "J2:J200", CellIsRule(operator="greaterThan", formula=["20000"],
                              fill=PatternFill("solid", fgColor="FFC6EFCE")))
    dv = DataValidation(type="list", formula1='"email,LinkedIn,intro"')
    dv.add("F2:F200")
    leads.add_data_validation(dv)
    lists = wb.create_sheet("Lists")
    for v in ("A", "B", "C"):
        lists.append([v])
    chart_data = wb.create_sheet("Chart data")
    for i in range(1, 6):
        chart_data.append([f"W{i}", i * 3])
    chart = BarChart()
    chart.add_data(Reference(chart_data, min_col=2, min_row=1, max_row=5))
    chart_data.add_chart(chart, "D2")
    img = io.BytesIO()
    PILImage.new("RGB", (20, 20), (200, 30, 30)).save(img, "PNG")
    img.seek(0)
    chart_data.add_image(Image(img), "D20")
    wb.defined_names["VariantList"] = DefinedName("VariantList", attr_text="Lists!$A$1:$A$3")
    buffer = io.BytesIO()
    wb.save(buffer)
    inject(buffer.getvalue(), path, macro)


def inject(data: bytes, path: Path, macro: bool) -> None:
    """Add what openpyxl cannot write: an x14 list validation, a shape, a macro part."""
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":          # Leads
                body = body.replace(b"</worksheet>", X14_DV.encode() + b"</worksheet>")
            if info.filename.startswith("xl/drawings/drawing") and info.filename.endswith(
                    ".xml"):
                body = re.sub(rb"</xdr:wsDr>", SHAPE.encode() + b"</xdr:wsDr>", body)
            if macro and info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                body = body.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                    b'"application/vnd.ms-office.vbaProject"/></Types>')
            out.writestr(info, body)
        if macro:
            out.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(range(256)) * 8)


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


OWNED = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml",
         "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
def test_untouched_parts_survive_byte_for_byte(runner, tmp_path, suffix):
    path = tmp_path / f"book{suffix}"
    operator_workbook(path, macro=suffix == ".xlsm")
    before = members(path)
    result = runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    assert result.exit_code == 0, result.output
    after = members(path)
    for name, data in before.items():
        if name not in OWNED:
            assert after[name] == data, f"{name} changed"
    assert set(before) <= set(after)
    leads_xml = after["xl/worksheets/sheet2.xml"]
    assert X14_DV.encode() in leads_xml                       # the extLst, byte for byte
    assert b"<dataValidations" in leads_xml                  # the operator's own dropdown
    assert b'operator="greaterThan"' in leads_xml             # the operator's own format
    assert b"legacyDrawing" in leads_xml                      # the comment's anchor
    assert b"VariantList" in after["xl/workbook.xml"]
    if suffix == ".xlsm":
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
        assert b"macroEnabled" in after["[Content_Types].xml"]


def test_operator_cells_unchanged_and_formula_text_stays_text(runner, tmp_path):
    path = tmp_path / "book.xlsx"
    operator_workbook(path)
    before_parts = set(members(path))
    typed = {}
    for ws in load_workbook(path):
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    typed[(ws.title, c.coordinate)] = c.value
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"]).exit_code == 0
    wb = load_workbook(path)
    for (sheet, ref), value in typed.items():
        got = wb[sheet][ref].value
        owned = (sheet == "Pipeline" and ref[0] in "DEF" and int(ref[1:]) > 3) or (
            sheet == "Leads" and ref.startswith("AB"))
        if not owned:
            assert got == value, (sheet, ref)
    cells = [c for row in wb["Findings"].iter_rows() for c in row
             if isinstance(c.value, str) and "evil.example" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)  # shown as text, not run
    assert any(c.value.startswith(FORMULA_TEXT) for c in cells)
    new_parts = set(members(path)) - before_parts
    assert new_parts
    for name in new_parts:
        assert b"<f>" not in members(path)[name] and b"<f " not in members(path)[name]


def test_second_sync_changes_no_byte(runner, tmp_path):
    path = tmp_path / "book.xlsx"
    operator_workbook(path)
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"]).exit_code == 0
    once = path.read_bytes()
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"]).exit_code == 0
    assert path.read_bytes() == once


def test_highlight_goes_away_when_the_problem_is_fixed(runner, tmp_path):
    path = tmp_path / "book.xlsx"
    operator_workbook(path)
    runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    sheet = members(path)["xl/worksheets/sheet2.xml"]
    assert sheet.count(b'N("sheetsync")=0') == 1 or sheet.count(b"N(&quot;sheetsync") == 1
    wb = load_workbook(path)
    ws = wb["Leads"]
    check = [c.value for c in ws[1]].index("Check") + 1
    evidence = [c.value for c in ws[1]].index("Evidence") + 1
    assert ws.cell(2, check).value                          # L0 has no evidence
    ws.cell(2, evidence).value = "saw their post"           # the operator fixes it
    wb.save(path)
    runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    assert load_workbook(path)["Leads"].cell(2, check).value is None


@pytest.mark.libreoffice
def test_libreoffice_opens_the_synced_file_and_shows_the_colours(runner, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice or pdftoppm is not installed")
    path = tmp_path / "book.xlsx"
    operator_workbook(path)
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"]).exit_code == 0
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    done = subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir",
                           str(tmp_path), str(path)], capture_output=True, timeout=180)
    pdf = tmp_path / "book.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    from PIL import Image

    png = next(tmp_path.glob("page*.png"))
    colours = {px for px in Image.open(png).convert("RGB").getdata()}
    leak_pink, fix_orange = (0xFF, 0xC7, 0xCE), (0xFF, 0xB2, 0x66)
    assert leak_pink in colours and fix_orange in colours


def test_workbook_part_found_through_the_package_relationships(runner, tmp_path):
    """Some writers keep the workbook outside xl/ (the corpus has one in wtf/): sync follows
    _rels/.rels like the reader and Excel do, and adds its sheets beside the others."""
    from core_helpers import write_xlsx

    plain = tmp_path / "plain.xlsx"
    write_xlsx(plain, {"Pipeline": pipeline_grid(), "Leads": leads_grid([lead()])})
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith((".rels", ".xml")):
                body = body.replace(b"/xl/", b"/wtf/").replace(b'"xl/', b'"wtf/')
            name = "wtf/" + info.filename[3:] if info.filename.startswith("xl/") else info.filename
            out.writestr(name, body)
    result = runner.invoke(main, ["sync", str(moved), "--as-of", "2026-11-16"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(moved) as zf:
        assert not [n for n in zf.namelist() if n.startswith("xl/")]
    assert runner.invoke(main, ["check", str(moved), "--as-of", "2026-11-16"]).exit_code == 1
    from sheetsync.backends.xlsx.read import read_workbook  # openpyxl assumes xl/styles.xml

    raw = read_workbook(moved)
    assert {"Metrics", "Findings"} <= set(raw.sheets)
    assert raw.sheets["Pipeline"][2][4] == "Status"
