"""A scheduled sync leaves the big generated sheets unread when their fingerprint matches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from core_helpers import lead, leads_grid, pipeline_grid, write_xlsx

from sheetsync.backends.xlsx.read import read_workbook
from sheetsync.cli import main
from sheetsync.core.fingerprint import LABEL

AS_OF = "2026-11-16"
LATER = "2026-11-23"


@pytest.fixture
def synced(runner, tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    leads = [lead(ID=f"L{i}", Lead=f"Lead {i}", Evidence="" if i % 2 else "post")
             for i in range(1, 9)]
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": leads_grid(leads)})
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code in (0, 1)
    return path


@pytest.fixture
def reads(calamine_reads: list[set[str]]) -> list[set[str]]:
    return calamine_reads


def _sync(runner, path: Path, as_of: str = AS_OF) -> str:
    result = runner.invoke(main, ["sync", str(path), "--as-of", as_of])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _sheet(path: Path, name: str) -> list[list[object]]:
    return read_workbook(path, lambda n: n == name).sheets[name]


def test_nothing_new_reads_neither_findings_nor_review_and_writes_nothing(
    runner, synced: Path, reads: list[set[str]]
) -> None:
    metrics = _sheet(synced, "Metrics")
    assert any(row[0] == LABEL and "Findings:" in str(row[1]) for row in metrics)
    reads.clear()
    before = synced.read_bytes()
    assert "up to date" in _sync(runner, synced)
    assert reads == [{"Pipeline", "Leads", "Metrics", "Weekly history"}]
    assert synced.read_bytes() == before


def test_a_change_rewrites_the_stale_sheets_unread_as_a_full_sync_writes_them(
    runner, synced: Path, reads: list[set[str]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A week later every next action is overdue: Findings and Review change.
    fresh = tmp_path / "fresh.xlsx"
    shutil.copyfile(synced, fresh)
    reads.clear()
    out = _sync(runner, synced, LATER)
    assert reads == [{"Pipeline", "Leads", "Metrics", "Weekly history"}]
    assert "(Findings and Review rewritten)" in out
    findings = _sheet(synced, "Findings")
    assert any("was due 3 days ago" in str(row[5]) for row in findings[1:])
    # The same as a sync that reads every sheet up front, fingerprints or not.
    from sheetsync.backends.xlsx import XlsxFile

    monkeypatch.setattr(XlsxFile, "reads_by_sheet", False)
    reads.clear()
    _sync(runner, fresh, LATER)
    assert {"Findings", "Review"} <= reads[0]
    for name in ("Findings", "Review", "Metrics", "Leads"):
        # Only the Last synced stamp (a clock) may differ.
        def rows(path: Path, name: str = name) -> list[list[object]]:
            return [r for r in _sheet(path, name) if r[0] != "Last synced"]
        assert rows(synced) == rows(fresh)


def _edit(path: Path, change) -> None:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def test_a_deleted_findings_sheet_comes_back(runner, synced: Path) -> None:
    findings = _sheet(synced, "Findings")
    _edit(synced, lambda wb: wb.remove(wb["Findings"]))
    assert "Findings" not in read_workbook(synced).sheets
    assert "synced" in _sync(runner, synced)
    assert _sheet(synced, "Findings") == findings


def test_a_tampered_fingerprint_makes_the_sync_rewrite_and_put_it_right(
    runner, synced: Path, reads: list[set[str]]
) -> None:
    def tamper(wb: openpyxl.Workbook) -> None:
        ws = wb["Metrics"]
        for row in ws.iter_rows():
            if row[0].value == LABEL:
                row[1].value = "Findings:0000 Review:0000"

    right = [row for row in _sheet(synced, "Metrics") if row[0] == LABEL]
    findings = _sheet(synced, "Findings")
    _edit(synced, tamper)
    reads.clear()
    assert "(Findings and Review rewritten)" in _sync(runner, synced)
    assert reads == [{"Pipeline", "Leads", "Metrics", "Weekly history"}]
    assert [row for row in _sheet(synced, "Metrics") if row[0] == LABEL] == right
    assert _sheet(synced, "Findings") == findings


def test_the_fingerprint_sees_every_value_format_and_link() -> None:
    from sheetsync.core.fingerprint import fingerprint
    from sheetsync.workbook import CellWrite, GeneratedSheet, PlainRows

    def sheet(rows=None, formats=("text", "integer"), links=None, head="Rule"):
        body = rows or [(f"r{i}", i) for i in range(5000)]
        return GeneratedSheet("Findings", [[CellWrite(head, bold=True)],
                                           PlainRows(formats, body, links)])

    base = fingerprint(sheet())
    assert fingerprint(sheet()) == base
    late = [(f"r{i}", i) for i in range(5000)]
    late[4321] = ("r4321", 4322)                  # past the first batch of rows
    assert fingerprint(sheet(late)) != base
    assert fingerprint(sheet(formats=("text", "number"))) != base
    assert fingerprint(sheet(links=[None] * 4999 + ["'Leads'!A2"])) != base
    assert fingerprint(sheet(head="Rules")) != base


def test_dry_run_and_log_say_which_sheets_would_be_rewritten(runner, synced: Path) -> None:
    before = synced.read_bytes()
    out = runner.invoke(main, ["sync", str(synced), "--as-of", LATER, "--dry-run"]).output
    assert "(Findings and Review would be rewritten)" in out
    assert "  Findings: rewritten whole (" in out
    assert synced.read_bytes() == before
    log = runner.invoke(main, ["sync", str(synced), "--as-of", LATER, "--log-format", "json"])
    line = json.loads(log.output.strip().splitlines()[-1])
    assert line["rewritten"] == ["Findings", "Review"] and line["changed_cells"] > 0
    again = runner.invoke(main, ["sync", str(synced), "--as-of", LATER, "--log-format", "json"])
    assert json.loads(again.output.strip().splitlines()[-1])["rewritten"] == []
