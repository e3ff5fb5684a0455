"""The Blocks sheet explains its Status words in a legend under the table, in the Status
column it owns: each problem a Status can name with what to do, coloured as the rows are,
in the catalogue's words; no legend where the operator uses those rows."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sheetsync.cli import main
from sheetsync.core.catalogue import entry, say
from sheetsync.core.legend import blocks_legend_lines
from tests.test_print_setup import sheet_parts

REPO = Path(__file__).resolve().parents[1]


def _sync(path: Path) -> None:
    done = CliRunner().invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    assert done.exit_code in (0, 1), done.output


def _status(ws) -> tuple[int, int, int]:
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Block")
    col = [c.value for c in ws[header]].index("Status") + 1
    last = max(r for r in range(header + 1, header + 8) if ws.cell(r, 1).value)
    return header, col, last


def test_blocks_legend_under_the_table_in_the_status_column(tmp_path):
    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    _sync(path)
    ws = load_workbook(path)["Blocks"]
    _header, col, last = _status(ws)
    assert ws.cell(last + 2, col).value == say("legend-title-status")
    written = [ws.cell(r, col).value for r in range(last + 3, last + 3 + 4)]
    assert written == [line for line, _ in blocks_legend_lines()]
    assert written[0].startswith(say("status-block-leak",
                                     problems=say("status-block-no-owner")))
    assert entry("status-block-no-owner").fix[1:] in written[0]
    assert all(ws.cell(r, col).alignment.wrap_text for r in range(last + 2, last + 7))
    for r in range(last + 2, last + 7):                 # nothing but the Status column
        assert all(ws.cell(r, c).value is None for c in range(1, col))
    # The leak lines are pink by sheetsync's own rules, the table's stop above them.
    xml = sheet_parts(path)["Blocks"]
    refs = re.findall(r'<conditionalFormatting sqref="([A-Z]+)(\d+):[A-Z]+(\d+)"', xml)
    rows = {(int(a), int(b)) for _, a, b in refs}
    assert {(r, r) for r in range(last + 3, last + 6)} <= rows
    assert all(b <= last or a >= last + 3 for a, b in rows)


def test_no_blocks_legend_where_the_operator_writes(tmp_path):
    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    wb = load_workbook(path)
    ws = wb["Blocks"]
    _header, col, last = _status(ws)
    ws.cell(last + 3, 2).value = "my own notes"
    wb.save(path)
    _sync(path)
    ws = load_workbook(path)["Blocks"]
    assert all(ws.cell(r, col).value is None for r in range(last + 1, last + 8))
