"""Issue 17: one model of the .xlsx package (content types, relationships, workbook.xml),
read with defusedxml once and written back by minimal edits, Excel's way."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from core_helpers import write_xlsx
from defusedxml import ElementTree

from sheetsync.backends.xlsx.opc import CT, RT, STRICT_REL_NS
from sheetsync.backends.xlsx.package import Package, Relationships

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "sample_workbooks" / "demo.xlsx"


def corpus_dir() -> Path:
    """../shared/corpus/sheetjs, from the repo or from a worktree beside it."""
    for parent in Path(__file__).resolve().parents:
        found = parent / "shared" / "corpus" / "sheetjs"
        if found.is_dir():
            return found
    return REPO.parent / "shared" / "corpus" / "sheetjs"


CORPUS = corpus_dir()


def corpus_packages() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm")
                  and zipfile.is_zipfile(p))


def opened(data: bytes | Path) -> tuple[zipfile.ZipFile, Package]:
    zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    return zf, Package.open(zf, Path("book.xlsx"))


def repacked(zf: zipfile.ZipFile, changed: dict[str, bytes]) -> bytes:
    """The package with `changed` parts written over (or added to) its members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in zf.infolist():
            dst.writestr(info.filename, changed.get(info.filename, zf.read(info)))
        for name, data in changed.items():
            if name not in zf.NameToInfo:
                dst.writestr(name, data)
    return out.getvalue()


@pytest.mark.skipif(not corpus_packages(), reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", corpus_packages(), ids=lambda p: p.name)
def test_the_relationship_model_round_trips_every_corpus_package(path: Path) -> None:
    """Read and written back, every part is the bytes it was; an added relationship
    taken back leaves every .rels as it was; each one resolves to a part."""
    zf, pkg = opened(path)
    assert pkg.changed_parts() == {}
    rels_parts = [n for n in zf.namelist() if n.endswith(".rels")]
    assert rels_parts
    for name in rels_parts:
        source = "" if name == "_rels/.rels" else name.replace("_rels/", "")[: -len(".rels")]
        rels = pkg.rels(source)
        assert rels.name == name and rels.bytes() == zf.read(name)
        parsed = ElementTree.fromstring(zf.read(name))
        assert [r.rid for r in rels] == [el.get("Id") for el in parsed]
        for rel in rels:
            assert rel.external or rel.part in pkg.parts, (name, rel)
        rid = rels.add(RT.COMMENTS, "xl/comments99.xml")
        assert rid not in [el.get("Id") for el in parsed]
        assert ElementTree.fromstring(rels.bytes()).findall("*")[-1].get("Id") == rid
        rels.remove(rid)
        assert rels.bytes() == zf.read(name) and not rels.changed
    assert list(pkg.sheets) == [s.name for s in pkg.workbook.sheets
                                if s.rid in pkg.rels(pkg.workbook_name)]


def test_parts_added_are_named_typed_and_linked_as_excel_does() -> None:
    zf, pkg = opened(DEMO)
    sheet = pkg.sheet_part("Leads")
    assert sheet == "xl/worksheets/sheet3.xml"
    comments = pkg.free_name("xl/comments{}.xml")
    drawing = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
    pkg.add_part(comments, CT.COMMENTS, b"<comments/>")
    pkg.add_part(drawing, CT.VML_DRAWING, b"<xml/>")
    c_id = pkg.add_relationship(sheet, RT.COMMENTS, comments)
    v_id = pkg.add_relationship(sheet, RT.VML_DRAWING, drawing)
    new_sheet = pkg.add_sheet("Findings")
    changed = pkg.changed_parts()
    rels = ElementTree.fromstring(changed["xl/worksheets/_rels/sheet3.xml.rels"])
    assert [(r.get("Id"), r.get("Target")) for r in rels] == [
        (c_id, "../comments1.xml"), (v_id, "../drawings/vmlDrawing1.vml")]
    book_rels = ElementTree.fromstring(changed["xl/_rels/workbook.xml.rels"])
    ids = [r.get("Id") for r in book_rels]
    assert len(ids) == len(set(ids)) and book_rels[-1].get("Target") == "worksheets/sheet5.xml"
    types = ElementTree.fromstring(changed["[Content_Types].xml"])
    overrides = {t.get("PartName"): t.get("ContentType") for t in types if t.get("PartName")}
    defaults = {t.get("Extension"): t.get("ContentType") for t in types if t.get("Extension")}
    assert overrides["/xl/comments1.xml"] == CT.COMMENTS
    assert overrides["/" + new_sheet] == CT.WORKSHEET
    assert defaults["vml"] == CT.VML_DRAWING and "/" + drawing not in overrides
    again, model = opened(repacked(zf, changed))
    assert model.sheets["Findings"] == new_sheet
    assert model.rels(sheet)[c_id].part == comments
    assert [r.part for r in model.rels(sheet).of_type(RT.VML_DRAWING)] == [drawing]
    assert again.read("xl/styles.xml") == zf.read("xl/styles.xml")


def test_only_the_edited_bytes_of_workbook_xml_change() -> None:
    zf, pkg = opened(DEMO)
    before = zf.read("xl/workbook.xml")
    pkg.add_sheet("Tom & Jerry's")
    pkg.set_defined_name("_xlnm.Print_Titles", "'Leads'!$2:$2", sheet="Leads")   # was $1:$1
    pkg.set_defined_name("_xlnm.Print_Titles", "'Tom & Jerry''s'!$1:$1", sheet="Tom & Jerry's")
    after = pkg.changed_parts()["xl/workbook.xml"]
    assert after.replace(b"'Leads'!$2:$2", b"'Leads'!$1:$1").startswith(
        before[: before.index(b"</sheets>")])
    book = ElementTree.fromstring(after)
    names = {(d.get("name"), d.get("localSheetId")): d.text
             for d in book.findall(".//{*}definedName")}
    assert names[("_xlnm.Print_Titles", "2")] == "'Leads'!$2:$2"
    assert names[("_xlnm.Print_Titles", "4")] == "'Tom & Jerry''s'!$1:$1"
    assert [s.get("name") for s in book.findall(".//{*}sheet")][-1] == "Tom & Jerry's"


def test_a_workbook_without_defined_names_gets_them_where_the_schema_puts_them(tmp_path):
    path = tmp_path / "plain.xlsx"
    write_xlsx(path, {"Leads": [["ID"]], "Metrics": [["Metric"]]})
    zf, pkg = opened(path)
    pkg.set_defined_name("_xlnm.Print_Titles", "Metrics!$1:$1", sheet="Metrics")
    book = pkg.changed_parts()["xl/workbook.xml"]
    children = [el.tag.rsplit("}", 1)[-1] for el in ElementTree.fromstring(book)]
    assert children.index("definedNames") == children.index("sheets") + 1
    _, model = opened(repacked(zf, pkg.changed_parts()))
    assert model.workbook.sheets[1].name == "Metrics"


def quoted_otherwise(data: bytes) -> bytes:
    """Every attribute in single quotes, as some writers spell them (legal XML)."""
    return data.replace(b'"', b"'")


def test_single_quoted_attributes_and_absolute_targets_are_read(tmp_path):
    path = tmp_path / "plain.xlsx"
    write_xlsx(path, {"Pipeline": [["Stage"]], "Leads": [["ID"]]})
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    odd = {n: quoted_otherwise(d) if n in ("xl/workbook.xml", "[Content_Types].xml",
                                           "xl/_rels/workbook.xml.rels") else d
           for n, d in parts.items()}
    odd["xl/_rels/workbook.xml.rels"] = odd["xl/_rels/workbook.xml.rels"].replace(
        b"Target='", b"Target='/xl/").replace(b"/xl//xl/", b"/xl/")
    zf, pkg = opened(repacked(zipfile.ZipFile(path), odd))
    assert pkg.sheets == {"Pipeline": "xl/worksheets/sheet1.xml",
                          "Leads": "xl/worksheets/sheet2.xml"}
    assert pkg.styles_part == "xl/styles.xml"
    part = pkg.add_sheet("Findings")
    _, model = opened(repacked(zf, pkg.changed_parts()))
    assert model.sheets["Findings"] == part


def test_strict_packages_link_new_sheets_in_their_own_namespace() -> None:
    path = CORPUS / "sheet_visibility_strict.xlsx"
    if not path.exists():
        pytest.skip(f"{path} not found")
    zf, pkg = opened(path)
    assert list(pkg.sheets) == ["Visible", "Hidden", "VeryHidden"]
    pkg.add_sheet("Findings")
    book = ElementTree.fromstring(pkg.changed_parts()["xl/workbook.xml"])
    new = [s for s in book.findall(".//{*}sheet")][-1]
    assert new.get(f"{{{STRICT_REL_NS}}}id") is not None


def test_a_new_rels_part_is_written_as_excel_writes_it() -> None:
    rels = Relationships("xl/worksheets/sheet1.xml", None, {})
    assert not rels.exists
    rid = rels.add(RT.DRAWING, "xl/drawings/drawing1.xml")
    data = rels.bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n')
    (rel,) = ElementTree.fromstring(data)
    assert (rid, rel.get("Target")) == ("rId1", "../drawings/drawing1.xml")
