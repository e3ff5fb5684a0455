"""Issue 7, the write side: the fast paths of the Excel writer give the same workbook.

Generated sheets travel as PlainRows and are rendered a run of rows at a time; the
lead log is patched by byte search; big parts are deflated on a helper thread.  Each
test writes a real .xlsx and reads it back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from core_helpers import write_xlsx
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from sheetsync.backends.xlsx import XlsxFile
from sheetsync.backends.xlsx.render import ROWS_PER_CHUNK, _gap_rows, _runs
from sheetsync.workbook import CellWrite, Format, GeneratedSheet, Plain, PlainRows, Plan, SheetPatch

FORMATS: tuple[Format, ...] = ("text", "integer", "text", "money", "date", "text")
ODD_TEXT = ["plain", "Tom & Jerry <b>", 'say "hi"', "  padded  ", "bell\x07here", "naïve — ok",
            "=SUM(A1:A2)", "", None, "%s %d {0}"]


def odd_rows(n: int) -> tuple[list[tuple[Plain, ...]], list[str | None]]:
    """n rows mixing every kind of value, empty cells in changing places, and links."""
    rows: list[tuple[Plain, ...]] = []
    links: list[str | None] = []
    for i in range(n):
        text = ODD_TEXT[i % len(ODD_TEXT)]
        rows.append((
            f"Leads!B{i + 2}" if i % 7 else "",                       # first cell: link text
            i if i % 5 else None,
            text,
            [8000.0, 1.5, 8000, None][i % 4],
            dt.date(2026, 1, 1) + dt.timedelta(days=i % 300) if i % 3 else None,
            "x" if i % 11 == 0 else "",
        ))
        links.append(None if i % 13 == 0 else f"'Le\"ads'!B{i + 2}")
    return rows, links


def workbook(path: Path) -> Path:
    write_xlsx(path, {"Pipeline": [["Stage", "What it is for you"]],
                      "Leads": [["ID", "Lead"], ["L1", "Ada"]]})
    return path


def read_sheet(path: Path, name: str) -> dict[str, tuple[object, str, str | None, bool]]:
    ws = load_workbook(path)[name]
    return {c.coordinate: (c.value, c.number_format, c.hyperlink.location if c.hyperlink else None,
                           bool(c.font.b))
            for row in ws.iter_rows() for c in row if c.value is not None}


def test_plain_rows_read_back_like_one_cellwrite_per_cell(tmp_path):
    """The run-at-a-time renderer and the cell-by-cell one write the same cells."""
    rows, links = odd_rows(2 * ROWS_PER_CHUNK + 345)
    head: list[CellWrite | None] = [CellWrite(h) for h in ("Where", "n", "Text", "Money",
                                                           "Date", "Flag")]
    fast = GeneratedSheet("Findings", [head, PlainRows(FORMATS, rows, links), [CellWrite("end")]])
    slow = GeneratedSheet("Findings", fast.cell_rows())
    assert not any(isinstance(r, PlainRows) for r in slow.rows)
    a, b = workbook(tmp_path / "a.xlsx"), workbook(tmp_path / "b.xlsx")
    XlsxFile(a).apply(Plan(generated=[fast]))
    XlsxFile(b).apply(Plan(generated=[slow]))
    got = read_sheet(a, "Findings")
    assert got == read_sheet(b, "Findings")
    assert got["A1"] == ("Where", "General", None, True)               # header row bold
    assert got[f"A{len(rows) + 2}"][0] == "end"
    for i, row in enumerate(rows):
        r = i + 2
        text = row[2]
        if text:
            want = text.replace("\x07", "")                            # not an XML character
            assert got[f"C{r}"][0] == want, r
        else:
            assert f"C{r}" not in got
        if row[1] is None:
            assert f"B{r}" not in got
        else:
            assert got[f"B{r}"][:2] == (row[1], "0")
        if row[0]:
            assert got[f"A{r}"][2] == links[i]
        if row[4] is not None:
            assert got[f"E{r}"][0].date() == row[4] and got[f"E{r}"][1] == "d mmm yyyy"


def test_lead_log_rows_spelt_otherwise_are_still_found(tmp_path):
    """Rows whose r="" is not first or missing, cells without r="", a self-closing row,
    a row the sheet lacks, and an owned cell in the operator's style."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = tmp_path / "odd.xlsx"
    wb = Workbook()
    wb.active.title = "Pipeline"
    wb.active.append(["Stage", "What it is for you"])
    wb.active["A1"].font = Font(b=True)                                # cell format 1 exists
    wb.create_sheet("Leads")
    wb.save(path)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:dimension ref="A1:C6"/><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>ID</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:t>Lead</x:t></x:is></x:c>'
        '<x:c r="C1" t="inlineStr"><x:is><x:t>Check</x:t></x:is></x:c></x:row>'
        '<x:row spans="1:3" r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>L1</x:t></x:is></x:c>'
        '<x:c r="C2" s="1" t="inlineStr"><x:is><x:t>old</x:t></x:is></x:c></x:row>'
        '<x:row><x:c t="inlineStr"><x:is><x:t>L2</x:t></x:is></x:c>'
        '<x:c t="inlineStr"><x:is><x:t>Bo</x:t></x:is></x:c></x:row>'
        '<x:row r="5"/>'
        '<x:row r="7"><x:c r="A7" t="inlineStr"><x:is><x:t>L7</x:t></x:is></x:c></x:row>'
        "</x:sheetData></x:worksheet>")
    replace_member(path, "xl/worksheets/sheet2.xml", sheet.encode())
    patch = SheetPatch("Leads", cells={(2, 3): CellWrite("new & <improved>"),
                                       (3, 3): CellWrite("second"), (5, 3): CellWrite("fifth"),
                                       (6, 3): CellWrite("sixth"), (7, 3): CellWrite("seventh")})
    XlsxFile(path).apply(Plan(patches=[patch]))
    wb = load_workbook(path)
    ws = wb["Leads"]
    got = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
           if c.value is not None}
    assert got == {(1, 1): "ID", (1, 2): "Lead", (1, 3): "Check",
                   (2, 1): "L1", (2, 3): "new & <improved>",
                   (3, 1): "L2", (3, 2): "Bo", (3, 3): "second",
                   (5, 3): "fifth", (6, 3): "sixth", (7, 1): "L7", (7, 3): "seventh"}
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml")
    assert b'<x:c r="C2" s="1" t="inlineStr">' in xml                 # the operator's style
    assert b"spans=" not in xml                                        # stale on a changed row
    assert xml.count(b"<x:row") == 6                   # the five it had, and the one it lacked


def replace_member(path: Path, name: str, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info.filename))
    tmp.replace(path)


def test_the_same_plan_twice_leaves_the_file_alone(tmp_path):
    path = workbook(tmp_path / "book.xlsx")
    rows, links = odd_rows(ROWS_PER_CHUNK + 10)

    def plan() -> Plan:
        return Plan(patches=[SheetPatch("Leads", cells={(2, 3): CellWrite("check me")})],
                    generated=[GeneratedSheet("Findings", [[CellWrite("Where")],
                                                           PlainRows(FORMATS, rows, links)])])

    XlsxFile(path).apply(plan())
    first = path.read_bytes()
    stamp = path.stat().st_mtime_ns
    XlsxFile(path).apply(plan())
    assert path.read_bytes() == first and path.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_a_failure_while_rendering_leaves_the_original(tmp_path):
    path = workbook(tmp_path / "book.xlsx")
    before = path.read_bytes()
    interval = sys.getswitchinterval()
    rows = [("fine",)] * (3 * ROWS_PER_CHUNK) + [("lone surrogate \ud800",)]
    plan = Plan(patches=[SheetPatch("Leads", cells={(2, 3): CellWrite("x")})],
                generated=[GeneratedSheet("Findings", [[CellWrite("Where")],
                                                       PlainRows(("text",), rows)])])
    with pytest.raises(UnicodeEncodeError):
        XlsxFile(path).apply(plan)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]
    assert sys.getswitchinterval() == interval                          # put back as it was


def test_a_synced_copy_opens_in_libreoffice(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    import subprocess

    path = workbook(tmp_path / "book.xlsx")
    rows, links = odd_rows(ROWS_PER_CHUNK + 10)
    XlsxFile(path).apply(Plan(generated=[GeneratedSheet("Findings", [
        [CellWrite("Where")], PlainRows(FORMATS, rows, links)])]))
    out = subprocess.run([soffice, "--headless", "--convert-to", "csv", "--outdir",
                          str(tmp_path / "out"), str(path)], capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "out" / "book.csv").exists()


@given(st.lists(st.lists(st.sampled_from([None, "x", 0]), min_size=1, max_size=40),
                min_size=1, max_size=3), st.data())
def test_runs_cover_the_rows_with_their_own_cells(columns, data):
    """A block renders runs of rows with one template each: the runs must cover the
    chunk exactly, each row with the cells it has, neighbouring runs different."""
    n = min(len(c) for c in columns)
    cols = [c[:n] for c in columns]
    start = data.draw(st.integers(0, n - 1))
    stop = data.draw(st.integers(start + 1, n))
    runs = list(_runs(cols, _gap_rows(cols), start, stop))
    pos = start
    for shape, a, b in runs:
        assert a == pos < b
        assert all(shape == tuple(c[i] is not None for c in cols) for i in range(a, b))
        pos = b
    assert pos == stop
    assert all(x[0] != y[0] for x, y in zip(runs, runs[1:], strict=False))


def odd_sheet(n: int) -> bytes:
    """A sheet of n rows spelt every way a writer might: r="" first or not, missing,
    self-closing, rows the sheet lacks, cells without r="", and a namespace prefix."""
    rows = []
    for r in range(1, n + 1):
        if r % 17 == 0:
            continue                                              # a row it lacks
        if r % 13 == 0:
            rows.append(f'<x:row r="{r}"/>')
        elif r % 11 == 0:
            rows.append(f'<x:row spans="1:3" r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c></x:row>')
        elif r % 7 == 0:
            rows.append(f'<x:row r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c><x:c r="C{r}" s="1"'
                        ' t="inlineStr"><x:is><x:t>old</x:t></x:is></x:c></x:row>')
        else:
            rows.append(f'<x:row r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c><x:c r="B{r}"'
                        f' t="inlineStr"><x:is><x:t>lead {r}</x:t></x:is></x:c></x:row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<x:dimension ref="A1:C{n}"/><x:sheetData>{"".join(rows)}</x:sheetData>'
            '<x:pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3"'
            ' footer="0.3"/></x:worksheet>').encode()


@pytest.mark.parametrize("size", [1, 5, 64, 333, 4096])
def test_a_sheet_read_in_pieces_is_patched_as_if_whole(size):
    """The lead log is patched through a window sliding over its inflated chunks:
    however the bytes are cut, the result is the same as from one buffer."""
    from sheetsync.backends.xlsx.notes import AFTER_LEGACY
    from sheetsync.backends.xlsx.sheetxml import Cell, SheetXml

    xml = odd_sheet(400)
    cells = {(r, 3): Cell("str", f"check {r}") for r in range(2, 420, 3)}
    cells.update({(r, 3): Cell("empty") for r in range(7, 400, 7)})

    def patched(source: bytes | list[bytes]) -> tuple[bytes, bool]:
        sheet = SheetXml(source if isinstance(source, bytes) else iter(source), "Leads")
        sheet.set_cells(cells)
        sheet.extend_dimension(420, 3)
        sheet.set_conditional_formats([("A2:C420", 'AND(N("sheetsync")=0,LEN($C2)>0)', 0)])
        sheet.insert_after_data(b'<x:legacyDrawing r:id="rId9"/>', AFTER_LEGACY)
        return b"".join(sheet.chunks()), sheet.changed

    whole, changed = patched(xml)
    assert changed and whole.count(b"check ") == sum(c.kind == "str" for c in cells.values())
    assert whole.index(b"<x:conditionalFormatting") < whole.index(b"<x:pageMargins")
    assert whole.index(b"<x:pageMargins") < whole.index(b"<x:legacyDrawing")
    assert patched([xml[i:i + size] for i in range(0, len(xml), size)]) == (whole, True)
