"""Notes on the faulty cell (Excel comments), in parts sheetsync owns; gone once fixed."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from core_helpers import lead, leads_grid, pipeline_grid, write_xlsx
from openpyxl import load_workbook

from sheetsync.cli import main

HEAD = leads_grid([])[0]
EVIDENCE = HEAD.index("Evidence") + 1
BUDGET = HEAD.index("Budget") + 1


def book(tmp_path, **fields):
    path = tmp_path / "book.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(),
                      "Leads": leads_grid([lead(), lead(ID="L2", **fields)])})
    return path


def test_the_faulty_cell_gets_a_note(runner, tmp_path):
    path = book(tmp_path, Evidence="", Budget="eight grand")
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"]).exit_code == 0
    ws = load_workbook(path)["Leads"]
    note = ws.cell(3, EVIDENCE).comment
    assert note is not None and note.text.startswith("sheetsync: ")
    assert "Evidence is empty" in note.text and note.author == "sheetsync"
    assert "eight grand" in ws.cell(3, BUDGET).comment.text
    assert ws.cell(2, EVIDENCE).comment is None                 # the clean lead: no note


def test_the_note_goes_when_the_problem_is_fixed(runner, tmp_path):
    path = book(tmp_path, Evidence="")
    runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    wb = load_workbook(path)
    wb["Leads"].cell(3, EVIDENCE).value = "saw their post"
    wb.save(path)                       # openpyxl re-saves the notes as its own comments
    with zipfile.ZipFile(path) as zf:
        authors = [zf.read(n) for n in zf.namelist() if "comment" in n and n.endswith(".xml")]
    assert authors and all(b"sheetsync" in a for a in authors)
    runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"])
    assert load_workbook(path)["Leads"].cell(3, EVIDENCE).comment is None


def test_operator_comments_are_left_alone(runner, tmp_path):
    from openpyxl.comments import Comment

    path = book(tmp_path, Evidence="")
    wb = load_workbook(path)
    wb["Leads"]["B2"].comment = Comment("call back on Friday", "Maria")
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        before = {n: zf.read(n) for n in zf.namelist() if "comments" in n or n.endswith(".vml")}
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"]).exit_code == 0
    with zipfile.ZipFile(path) as zf:
        after = {n: zf.read(n) for n in zf.namelist() if "comments" in n or n.endswith(".vml")}
    assert after == before
    ws = load_workbook(path)["Leads"]
    assert ws["B2"].comment.text == "call back on Friday"
    assert "Evidence is empty" in ws.cell(3, HEAD.index("Check") + 1).value


@pytest.mark.libreoffice
def test_libreoffice_opens_a_workbook_with_notes(runner, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    path = book(tmp_path, Evidence="")
    assert runner.invoke(main, ["sync", str(path), "--as-of", "2026-11-16"]).exit_code == 0
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                           "--outdir", str(tmp_path / "out"), str(path)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    again = load_workbook(tmp_path / "out" / "book.xlsx")["Leads"]
    assert "Evidence is empty" in again.cell(3, EVIDENCE).comment.text
