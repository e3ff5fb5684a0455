"""The rows sheetsync writes long Status/Why text into are tall enough to show it on
any workbook, never shorter than the operator made them, and a second sync changes
nothing.  Asserted on the written rows (openpyxl reads them back) and the row tags."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sheetsync.backends.xlsx.furniture import column_widths, taller
from sheetsync.cli import main
from sheetsync.core.printfit import LINE, line_count
from tests.test_print_setup import sheet_parts

REPO = Path(__file__).resolve().parents[1]


def _sync(path: Path) -> None:
    done = CliRunner().invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    assert done.exit_code in (0, 1), done.output


def _pipeline_why(path: Path) -> tuple[object, int, int]:
    ws = load_workbook(path)["Pipeline"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Stage")
    heads = [c.value for c in ws[header]]
    return ws, heads.index("Why") + 1, header


def test_every_wrapped_why_has_room_for_its_lines(tmp_path):
    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    _sync(path)
    ws, why, header = _pipeline_why(path)
    width = ws.column_dimensions[ws.cell(1, why).column_letter].width
    checked = 0
    for r in range(header + 1, ws.max_row + 1):
        text = ws.cell(r, why).value
        if not isinstance(text, str):
            continue
        assert ws.cell(r, why).alignment.wrap_text, (r, text)
        lines = line_count(text, width)
        if lines > 1:
            assert (ws.row_dimensions[r].height or 15) >= LINE * lines, (r, text)
            checked += 1
    assert checked >= 8                 # the stages' reasons and the legend's lines
    qualified = next(r for r in range(header + 1, ws.max_row + 1)
                     if ws.cell(r, 1).value == "Qualified rate %")
    assert ws.row_dimensions[qualified].height >= 3 * LINE    # three lines in the demo


def test_an_operators_taller_row_stays_and_second_sync_is_identical(tmp_path):
    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    _sync(path)
    ws, _why, header = _pipeline_why(path)
    qualified = next(r for r in range(header + 1, ws.max_row + 1)
                     if ws.cell(r, 1).value == "Qualified rate %")
    first = path.read_bytes()
    _sync(path)
    assert path.read_bytes() == first               # the heights are already there
    # The operator makes the row taller (as Excel writes it): it stays so.
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    pipeline = sheet_parts(path)["Pipeline"]
    part = next(n for n, data in members.items() if data.decode(errors="ignore") == pipeline)
    tag = re.search(rb'<row r="%d"[^>]*>' % qualified, members[part])
    assert tag is not None and b'customHeight="1"' in tag.group(0)
    members[part] = members[part].replace(tag.group(0), re.sub(
        rb'ht="[^"]*"', b'ht="120"', tag.group(0)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
    _sync(path)
    ws = load_workbook(path)["Pipeline"]
    assert ws.row_dimensions[qualified].height == 120


def test_taller_raises_only_a_shorter_row():
    assert taller(b'<row r="3">', 45) == b'<row r="3" ht="45" customHeight="1">'
    assert taller(b'<row r="3" ht="20" customHeight="0" spans="1:6">', 30) == (
        b'<row r="3" ht="30" spans="1:6" customHeight="1">')
    assert taller(b'<x:row r="3" ht="60" customHeight="1"/>', 30) == (
        b'<x:row r="3" ht="60" customHeight="1"/>')
    assert taller(b'<row r="3"/>', 30) == b'<row r="3" ht="30" customHeight="1"/>'
    assert taller(b'<row r="3">', None) == b'<row r="3">'


def test_column_widths_read_from_cols():
    head = (b'<sheetFormatPr defaultColWidth="11"/><cols><col min="2" max="3" width="40"'
            b' customWidth="1"/><col width="56" min="6" max="6"/></cols>')
    assert column_widths(head) == ({2: 40.0, 3: 40.0, 6: 56.0}, 11.0)
