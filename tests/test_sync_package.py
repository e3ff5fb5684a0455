"""Issue 17 through the front door: workbooks spelt otherwise sync, parts sheetsync adds
are linked as Excel links them, and other readers open the result."""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from core_helpers import lead, leads_grid, write_xlsx
from defusedxml import ElementTree
from openpyxl import load_workbook

from sheetsync.cli import main
from sheetsync.workbook import Plan

REPO = Path(__file__).resolve().parents[1]
JS = REPO / "tests" / "js"
AS_OF = ["--as-of", "2026-11-16"]
AS_OF_DATE = dt.date(2026, 11, 16)
HEAD = leads_grid([])[0]
EVIDENCE = HEAD.index("Evidence") + 1
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
# A header/footer picture as Excel keeps it: a VML drawing named by <legacyDrawingHF>,
# with its own relationship to the image.
HF_VML = (
    b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
    b'office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
    b'<o:idmap v:ext="edit" data="2"/></o:shapelayout><v:shapetype id="_x0000_t75" '
    b'coordsize="21600,21600" o:spt="75" o:preferrelative="t" path="m@4@5l@4@11@9@11@9@5xe" '
    b'filled="f" stroked="f"><v:stroke joinstyle="miter"/></v:shapetype><v:shape id="CH" '
    b'o:spid="_x0000_s2049" type="#_x0000_t75" style="position:absolute;margin-left:0;'
    b'margin-top:0;width:12pt;height:12pt;z-index:1"><v:imagedata o:relid="rId1" '
    b'o:title="logo"/><o:lock v:ext="edit" rotation="t"/></v:shape></xml>')
HF_PART = "xl/drawings/vmlDrawing9.vml"


def book(path: Path) -> Path:
    write_xlsx(path, {"Pipeline": pipeline(), "Leads": leads_grid([lead(), lead(ID="L2",
                                                                                 Evidence="")])})
    return path


def pipeline() -> list[list[object]]:
    from core_helpers import pipeline_grid

    return pipeline_grid()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rewrite(path: Path, parts: dict[str, bytes]) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    tmp.replace(path)


def sheet_part(parts: dict[str, bytes], name: str) -> str:
    from io import BytesIO

    from sheetsync.backends.xlsx.package import Package

    with zipfile.ZipFile(BytesIO(_zip(parts))) as zf:
        found = Package.open(zf, Path("x.xlsx")).sheet_part(name)
    assert found is not None
    return found


def _zip(parts: dict[str, bytes]) -> bytes:
    from io import BytesIO

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


def add_header_picture(path: Path, sheet: str) -> None:
    """Give `sheet` a header picture the way Excel does (test input only)."""
    parts = members(path)
    part = sheet_part(parts, sheet)
    folder, base = part.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{base}.rels"
    rel = ('<Relationship Id="rIdHF" Type="http://schemas.openxmlformats.org/officeDocument/'
           f'2006/relationships/vmlDrawing" Target="../drawings/{HF_PART.rsplit("/", 1)[1]}"/>')
    if rels_name in parts:
        parts[rels_name] = parts[rels_name].replace(b"</Relationships>",
                                                    rel.encode() + b"</Relationships>")
    else:
        parts[rels_name] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                            b'2006/relationships">' + rel.encode() + b"</Relationships>")
    parts[part] = parts[part].replace(
        b"</worksheet>",
        b"<headerFooter><oddHeader>&amp;C&amp;G</oddHeader></headerFooter>"
        b'<legacyDrawingHF xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships" r:id="rIdHF"/></worksheet>')
    parts[HF_PART] = HF_VML
    parts["xl/drawings/_rels/vmlDrawing9.vml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="'
        b'http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        b'Target="../media/logo9.png"/></Relationships>')
    parts["xl/media/logo9.png"] = PNG
    types = parts["[Content_Types].xml"]
    for ext, ct in ((b"vml", b"application/vnd.openxmlformats-officedocument.vmlDrawing"),
                    (b"png", b"image/png")):
        if b'Extension="' + ext + b'"' not in types:
            types = types.replace(b"</Types>", b'<Default Extension="' + ext +
                                  b'" ContentType="' + ct + b'"/></Types>')
    parts["[Content_Types].xml"] = types
    rewrite(path, parts)


def sync(runner, path: Path) -> None:
    result = runner.invoke(main, ["sync", str(path), *AS_OF])
    assert result.exit_code == 0, result.output


def note_on_the_faulty_cell(path: Path) -> str:
    comment = load_workbook(path)["Leads"].cell(3, EVIDENCE).comment
    assert comment is not None
    return str(comment.text)


@pytest.mark.parametrize("picture_first", [True, False], ids=["picture-first", "notes-first"])
def test_a_header_picture_keeps_its_drawing_byte_for_byte_beside_the_notes(
        runner, tmp_path, picture_first):
    """The picture's VML and the notes' VML are both vmlDrawing relationships of the
    sheet: notes go only into the drawing the sheet's <legacyDrawing> names."""
    path = book(tmp_path / "book.xlsx")
    if picture_first:
        add_header_picture(path, "Leads")
        sync(runner, path)
    else:
        sync(runner, path)
        add_header_picture(path, "Leads")
    for _ in range(2):
        sync(runner, path)
        parts = members(path)
        assert parts[HF_PART] == HF_VML
        assert parts["xl/media/logo9.png"] == PNG
        assert "Evidence is empty" in note_on_the_faulty_cell(path)
    sheet = parts[sheet_part(parts, "Leads")]
    assert sheet.count(b"<legacyDrawing ") == 1 and b"<legacyDrawingHF " in sheet
    assert sheet.index(b"<legacyDrawing ") < sheet.index(b"<legacyDrawingHF ")


def single_quoted(path: Path) -> None:
    """The package parts spelt with single-quoted attributes (legal; some tools do)."""
    parts = members(path)
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
                 "_rels/.rels"):
        parts[name] = parts[name].replace(b'"', b"'")
    rewrite(path, parts)


def absolute_targets(path: Path) -> None:
    """Relationship targets from the package root (/xl/...), as some writers spell them."""
    parts = members(path)
    name = "xl/_rels/workbook.xml.rels"
    parts[name] = parts[name].replace(b'Target="/xl/', b'Target="').replace(
        b'Target="', b'Target="/xl/')
    rewrite(path, parts)


@pytest.mark.parametrize("spell", [single_quoted, absolute_targets],
                         ids=["single-quoted", "absolute-targets"])
def test_a_workbook_spelt_otherwise_syncs(runner, tmp_path, spell):
    path = book(tmp_path / "book.xlsx")
    spell(path)
    sync(runner, path)
    wb = load_workbook(path)
    assert {"Metrics", "Findings"} <= set(wb.sheetnames)
    assert "Evidence is empty" in note_on_the_faulty_cell(path)
    sync(runner, path)                                    # and again, on its own output


def relationships(path: Path) -> dict[tuple[str, str], str]:
    """(.rels part, Id) -> Target of every relationship in the package."""
    return {(name, str(rel.get("Id"))): str(rel.get("Target"))
            for name, data in members(path).items() if name.endswith(".rels")
            for rel in ElementTree.fromstring(data)}


def test_parts_sheetsync_adds_have_relative_targets(runner, tmp_path):
    """openpyxl (which made the input) writes /xl/...; sheetsync writes as Excel does."""
    path = book(tmp_path / "book.xlsx")
    before = relationships(path)
    sync(runner, path)
    after = relationships(path)
    added = {key: target for key, target in after.items() if key not in before}
    assert {key: after[key] for key in before} == before
    charts = [t for t in added.values() if t.startswith("../charts/")]
    assert 4 <= len(charts) <= 5                   # the weekly history's charts
    assert sorted(t for t in added.values() if t not in charts) == [
        "../comments1.xml", "../drawings/drawing1.xml", "../drawings/vmlDrawing1.vml",
        "worksheets/sheet3.xml", "worksheets/sheet4.xml", "worksheets/sheet5.xml",
        "worksheets/sheet6.xml"]


def npm_ready() -> Path:
    """tests/js with exceljs installed (npm ci from the committed lock file)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed")
    if not (JS / "node_modules" / "exceljs").is_dir():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return Path(node)


def exceljs_open(node: Path, path: Path) -> dict[str, object]:
    done = subprocess.run([str(node), str(JS / "open_exceljs.js"), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_synced_workbook_opens_in_exceljs_openpyxl_and_calamine(runner, tmp_path):
    node = npm_ready()
    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    sync(runner, path)
    add_header_picture(path, "Leads")
    sync(runner, path)
    opened = exceljs_open(node, path)
    sheets = opened["sheets"]
    assert isinstance(sheets, dict) and {"Pipeline", "Leads", "Metrics"} <= set(sheets)
    notes = sheets["Leads"]["notes"]
    assert notes and all(text.startswith("sheetsync") for text in notes.values())
    wb = load_workbook(path)
    assert any(c.comment is not None for row in wb["Leads"].iter_rows() for c in row)
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as book:
        assert book.sheet_names == wb.sheetnames == list(sheets)
        assert book.get_sheet_by_name("Leads").to_python()[0][0] == wb["Leads"]["A1"].value


def test_a_sync_reads_the_package_model_once_unless_the_file_changed(runner, tmp_path,
                                                                     monkeypatch):
    from sheetsync.backends.xlsx import XlsxFile
    from sheetsync.backends.xlsx.package import Package
    from sheetsync.engine import sync_source

    opened: list[str] = []
    real = Package.open.__func__                          # type: ignore[attr-defined]

    def counting(cls, zf, path):
        opened.append(path.name)
        return real(cls, zf, path)

    monkeypatch.setattr(Package, "open", classmethod(counting))
    path = book(tmp_path / "book.xlsx")
    assert sync_source(str(path), as_of=AS_OF_DATE).written
    assert opened == ["book.xlsx"]                        # read once, written with it
    source = XlsxFile(path)
    source.read()
    add_header_picture(path, "Leads")                     # changed after the read
    opened.clear()
    source.apply(Plan())
    assert opened == ["book.xlsx"]                        # so the write reads it again


def test_a_damaged_rels_part_stops_a_sync_only_where_it_is_needed(runner, tmp_path):
    """A drawing's unreadable .rels is no business of sync's; the workbook's own is: one
    line naming the part, exit 2, the file unchanged."""
    path = book(tmp_path / "book.xlsx")
    add_header_picture(path, "Leads")
    parts = members(path)
    parts["xl/drawings/_rels/vmlDrawing9.vml.rels"] = b"<Relationships><Relationship"
    rewrite(path, parts)
    sync(runner, path)
    assert members(path)["xl/drawings/_rels/vmlDrawing9.vml.rels"] == \
        b"<Relationships><Relationship"
    parts = members(path)
    parts["xl/_rels/workbook.xml.rels"] = b"<Relationships><Relationship"
    rewrite(path, parts)
    before = path.read_bytes()
    result = runner.invoke(main, ["sync", str(path), *AS_OF])
    assert result.exit_code == 2
    assert "xl/_rels/workbook.xml.rels is not readable XML" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert path.read_bytes() == before
