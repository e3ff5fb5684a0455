"""A rules file given at setup: read before the workbook, and a bad one stops the run
with one line naming the file and the place, whatever the read is doing meanwhile."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from sheetsync.cli import main
from sheetsync.core.rules_file import GENERATED, read_rules_file

DEMO = REPO / "sample_workbooks" / "demo.xlsx"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return Path(shutil.copy(DEMO, tmp_path / "demo.xlsx"))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("window_weeks: 4\ndiagnosis:\n\tmin_qualified_rate: 0.3\n",
         ["line 3", "not valid YAML"]),
        ("window_weeks: four\n", ["setting 'window_weeks'", "integer"]),
        ("sheets: 5\n", ["setting 'sheets'"]),
        ("sheets:\n  leads: Leads\n", ["setting 'sheets.leads'"]),
        ("- just\n- a list\n", ["expected settings as 'name: value' lines"]),
    ],
)
def test_a_bad_rules_file_is_one_located_line(runner, tmp_path, demo, text, words):
    rules = tmp_path / "team-rules.yaml"
    rules.write_text(text, encoding="utf-8")
    before = demo.read_bytes()
    for command in (["check", str(demo)], ["sync", str(demo)]):
        out = runner.invoke(main, [*command, "--rules", str(rules), "--as-of", "2026-11-16"])
        assert out.exit_code == 2, out.output
        assert out.exception is None or isinstance(out.exception, SystemExit)
        lines = [line for line in out.output.splitlines() if line.strip()]
        assert any(str(rules) in line for line in lines), out.output
        for word in words:
            assert word in out.output, out.output
        assert "Traceback" not in out.output
    assert demo.read_bytes() == before


def test_a_missing_rules_file_is_named(runner, tmp_path, demo):
    missing = tmp_path / "nowhere.yaml"
    out = runner.invoke(main, ["check", str(demo), "--rules", str(missing)])
    assert out.exit_code == 2
    assert f"{missing}: cannot read the rules file" in out.output


def test_rules_file_renames_a_sheet_the_run_then_reads(runner, tmp_path, demo):
    """The sheets a run reads are chosen from the YAML before the typed rules exist."""
    from openpyxl import load_workbook

    book = load_workbook(demo)
    book["Leads"].title = "Kontakte"
    book.save(demo)
    rules = tmp_path / "de.yaml"
    rules.write_text("sheets:\n  leads: [Kontakte]\n", encoding="utf-8")
    plain = json.loads(runner.invoke(main, ["check", str(DEMO), "--as-of", "2026-11-16",
                                            "--format", "json"]).output)
    renamed = runner.invoke(main, ["check", str(demo), "--rules", str(rules),
                                   "--as-of", "2026-11-16", "--format", "json"])
    data = json.loads(renamed.output)
    assert data["lead_count"] == plain["lead_count"] > 0
    assert {f["sheet"] for f in data["findings"]} - {"Pipeline", "Blocks"} == {"Kontakte"}


def test_wanted_sheets_names_the_operators_and_only_then_the_generated():
    text = read_rules_file()
    check = text.wanted_sheets(generated=False)
    sync = text.wanted_sheets(generated=True, leave_out=("Findings",))
    assert {"pipeline", "leads", "rules", "blocks"} <= check
    assert not check & {g.lower() for g in GENERATED}
    assert sync - check == {"metrics", "review", "weeklyhistory", "history"}
