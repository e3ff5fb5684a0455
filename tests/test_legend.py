"""The legend under the Pipeline table: every colour and every Status word the sheet
shows, in owned cells, its words from the catalogue, coloured by the sheet's own rules."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from core_helpers import book, lead
from openpyxl import load_workbook

from sheetsync.cli import main
from sheetsync.core.catalogue import CATALOGUE
from sheetsync.core.catalogue import legend as status_words
from sheetsync.core.check import run_check
from sheetsync.core.legend import legend_lines
from sheetsync.core.plan import build_plan

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-16"


def column(ws, header: str) -> tuple[int, int]:
    """(header row, column) of `header` on the Pipeline sheet."""
    for row in ws.iter_rows(max_row=10):
        for cell in row:
            if cell.value == header:
                return cell.row, cell.column
    raise AssertionError(header)


def test_legend_names_each_status_word_and_colour_of_the_synced_demo(runner, tmp_path):
    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code in (0, 1)
    ws = load_workbook(path)["Pipeline"]
    head, status = column(ws, "Status")
    _, why = column(ws, "Why")
    stage_col = column(ws, "Stage")[1]
    values = [(r, ws.cell(r, stage_col).value, ws.cell(r, status).value, ws.cell(r, why).value)
              for r in range(head + 1, ws.max_row + 1)]
    shown = {s for _, stage, s, _ in values if stage and s}          # the table's words
    title = next(r for r, _, s, _ in values if s == CATALOGUE["legend-title-status"].text)
    legend = {s: w for r, _, s, w in values if r > title and s}
    assert list(legend) == [word for word, _, _ in legend_lines()]
    assert {w for w, _, _ in status_words()} <= set(legend)
    assert shown and shown <= set(legend), shown - set(legend)   # every word the table shows
    assert list(legend.values()) == [meaning for _, meaning, _ in legend_lines()]
    for colour in ("Orange", "Pink", "Lavender", "Pale yellow", "No colour"):
        assert any(w.startswith(colour) for w in legend.values()), colour
    # The legend rows are coloured by rules of their own, keyed on its Status cells.
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    status_letter, why_letter = (ws.cell(1, status).column_letter,
                                 ws.cell(1, why).column_letter)
    ranges = set(re.findall(r'<conditionalFormatting sqref="([^"]+)">', sheet))
    coloured = [r for r, (w, _, tone) in enumerate(legend_lines(), start=title + 1) if tone]
    assert len(coloured) == 4                  # orange, pink, lavender, pale yellow
    for r in coloured:
        assert f"{status_letter}{r}:{why_letter}{r}" in ranges, r
    # A second sync moves nothing (the legend is not taken for table rows).
    once = path.read_bytes()
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code in (0, 1)
    assert path.read_bytes() == once


def test_no_legend_where_the_operator_uses_the_rows_below(rules):
    raw = book(leads=[lead()])
    grid = raw.sheets["Pipeline"]
    grid += [[], [], ["My own notes", "keep this"]]
    plan = build_plan(run_check(raw, rules, __import__("datetime").date(2026, 11, 16)), "")
    pipe = next(p for p in plan.patches if p.sheet == "Pipeline")
    assert CATALOGUE["legend-title-status"].text not in {c.value for c in pipe.cells.values()}
    clean = book(leads=[lead()])
    plan = build_plan(run_check(clean, rules, __import__("datetime").date(2026, 11, 16)), "")
    pipe = next(p for p in plan.patches if p.sheet == "Pipeline")
    assert CATALOGUE["legend-title-status"].text in {c.value for c in pipe.cells.values()}
