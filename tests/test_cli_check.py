"""check and sync through the front door, on real .xlsx files."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from core_helpers import lead, leads_grid, pipeline_grid, seed_answers, write_xlsx

from sheetsync.cli import main
from sheetsync.engine import check_source

AS_OF = "2026-11-16"
SEED_LEAKS = ["Input source #2", "Qualification criteria", "Price (visible before the call)",
              "Leads per week", "Qualified rate %", "Conversion rate %"]


@pytest.fixture
def seed_xlsx(tmp_path):
    path = tmp_path / "seed.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid()})
    return path


def test_check_json_on_the_seed_example(runner, seed_xlsx):
    result = runner.invoke(main, ["check", str(seed_xlsx), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert [x["stage"] for x in data["leaks"] if x["sheet"] == "Pipeline"] == SEED_LEAKS
    assert data["fix_this_week"]["stage"] == "Input source #2"
    assert {x["kind"] for x in data["leaks"]} == {"blank", "none", "varies", "untracked"}
    for key in ("leads_per_week", "qualified_rate", "conversion_rate", "average_deal_size",
                "cycle_time_days"):
        assert set(data["metrics"][key]) >= {"value", "n"}
    assert {"by_source", "by_owner"} <= set(data["metrics"])
    assert isinstance(data["diagnosis"], str) and data["diagnosis"]
    for f in data["findings"]:
        assert {"sheet", "row", "column", "rule", "message"} <= set(f)


def test_cli_json_equals_the_library_result(runner, seed_xlsx):
    out = runner.invoke(main, ["check", str(seed_xlsx), "--as-of", AS_OF, "--format", "json"])
    lib = check_source(str(seed_xlsx), as_of=dt.date(2026, 11, 16))
    assert json.loads(out.output) == json.loads(lib.model_dump_json())


def _json_through(seed_xlsx: Path, *, terminal: bool) -> bytes:
    """`check --format json` as a real process prints it into a pipe or a terminal."""
    argv = [sys.executable, "-m", "sheetsync", "check", str(seed_xlsx), "--as-of", AS_OF,
            "--format", "json"]
    if not terminal:
        return subprocess.run(argv, capture_output=True, timeout=60).stdout
    import pty

    reader, writer = pty.openpty()
    proc = subprocess.Popen(argv, stdout=writer, stderr=subprocess.DEVNULL)
    os.close(writer)
    out = b""
    while True:
        try:
            piece = os.read(reader, 1 << 16)
        except OSError:                 # the terminal closed: the process has ended
            break
        if not piece:
            break
        out += piece
    proc.wait(timeout=60)
    os.close(reader)
    return out.replace(b"\r\n", b"\n")


def test_json_is_one_line_for_a_script_and_indented_at_a_terminal(seed_xlsx):
    piped = _json_through(seed_xlsx, terminal=False)
    shown = _json_through(seed_xlsx, terminal=True)
    assert piped.count(b"\n") == 1 and piped.endswith(b"\n")
    assert shown.startswith(b'{\n  "source": ')
    assert json.loads(piped) == json.loads(shown)


def test_check_text_report(runner, seed_xlsx):
    result = runner.invoke(main, ["check", str(seed_xlsx), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "Fix this week: Input source #2" in result.output
    assert "Traceback" not in result.output


def test_check_is_read_only(runner, seed_xlsx):
    before = seed_xlsx.read_bytes()
    runner.invoke(main, ["check", str(seed_xlsx), "--as-of", AS_OF])
    assert seed_xlsx.read_bytes() == before


def test_clean_workbook_exits_zero(runner, tmp_path):
    answers = {s: "Referral partners, ~3 leads a week" for s in seed_answers()}
    path = tmp_path / "clean.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(answers)})
    result = runner.invoke(main, ["check", str(path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("missing.xlsx", None, "missing.xlsx"),
        ("empty.xlsx", b"", "empty.xlsx"),
        ("leads.csv", b"Lead,Source\nAda,Referral\n", "leads.csv"),
        ("notzip.xlsx", b"\x00\x01garbage" * 10, "notzip.xlsx"),
    ],
)
def test_not_a_workbook_exits_2_with_one_line(runner, tmp_path, name, content, says):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    lines = [x for x in result.output.strip().splitlines() if x]
    assert len(lines) == 1 and says in lines[0]
    assert "Traceback" not in result.output


def test_workbook_without_pipeline_sheet_exits_2(runner, tmp_path):
    path = tmp_path / "other.xlsx"
    write_xlsx(path, {"Budget": [["Month", "Spend"], ["Jan", 100]]})
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "no Pipeline sheet" in result.output and "Budget" in result.output


def test_truncated_zip_exits_2(runner, tmp_path, seed_xlsx):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(seed_xlsx.read_bytes()[:300])
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 2 and "cut.xlsx" in result.output


def test_sync_writes_owned_cells_and_second_sync_changes_nothing(runner, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "book.xlsx"
    leads = [lead(ID=f"L{i}", Source="Referral" if i % 2 else "Partner",
                  **{"Date in": dt.date(2026, 10, 20)}) for i in range(6)]
    leads.append(lead(ID="bad", Evidence=""))
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": leads_grid(leads)})
    result = runner.invoke(main, ["sync", str(path), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    pipe = wb["Pipeline"]
    rows = {pipe.cell(r, 1).value: r for r in range(4, 15)}
    r = rows["Qualified rate %"]
    assert pipe.cell(r, 4).value == pytest.approx(1.0)          # Measured: 7/7 pursued
    assert "%" in pipe.cell(r, 4).number_format
    assert pipe.cell(r, 5).value == "On target"
    assert "of 7 decided leads" in pipe.cell(r, 6).value
    # 1.8 leads a week from two sources: grow the bigger one, Referral, which Input
    # source #1 names (issue 16); the blank Input source #2 is next
    assert pipe.cell(rows["Input source #1"], 5).value == "Fix this week"
    assert "(grow Referral)" in pipe.cell(rows["Input source #1"], 6).value
    assert pipe.cell(rows["Input source #2"], 5).value == "Leak"
    assert "Nothing is written here yet" in pipe.cell(rows["Input source #2"], 6).value
    leads_ws = wb["Leads"]
    check_col = [c.value for c in leads_ws[1]].index("Check") + 1
    assert "Evidence is empty" in leads_ws.cell(8, check_col).value
    assert leads_ws.cell(2, check_col).value in (None, "")
    assert {"Metrics", "Findings", "Review", "Weekly history"} <= set(wb.sheetnames)

    def members(p):
        with zipfile.ZipFile(p) as z:
            return {n: z.read(n) for n in z.namelist()}

    first = members(path)
    again = runner.invoke(main, ["sync", str(path), "--as-of", AS_OF])
    assert again.exit_code == 0, again.output
    assert members(path) == first


def test_dry_run_writes_nothing(runner, seed_xlsx):
    before = seed_xlsx.read_bytes()
    result = runner.invoke(main, ["sync", str(seed_xlsx), "--as-of", AS_OF, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Pipeline!E" in result.output and "Fix this week" in result.output
    assert seed_xlsx.read_bytes() == before


def test_check_reads_no_generated_sheet(runner, tmp_path, calamine_reads):
    # After a sync the Findings sheet can be as long as the lead log; a check never needs
    # it (nor Metrics, Review, Weekly history).  What a sync reads: tests/test_sync_fingerprint.py.
    path = tmp_path / "book.xlsx"
    write_xlsx(path, {"Pipeline": pipeline_grid(),
                      "Leads": leads_grid([lead(), lead(ID="L2", Evidence="")])})
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code in (0, 1)
    with zipfile.ZipFile(path) as zf:
        assert "Findings" in zf.read("xl/workbook.xml").decode()
    calamine_reads.clear()
    check = runner.invoke(main, ["check", str(path), "--as-of", AS_OF, "--format", "json"])
    assert check.exit_code == 1, check.output
    assert calamine_reads == [{"Pipeline", "Leads"}]
    assert any(f["rule"] == "decision-needs-evidence" for f in json.loads(check.output)["findings"])


@pytest.mark.parametrize("command", [["check", "--format", "json"], ["check"], ["sync"]])
def test_a_reader_that_stops_reading_ends_the_run_quietly(tmp_path, command):
    """`sheetsync check book.xlsx | head`: no error line, exit 141 as other tools; a
    sync has written the workbook by the time it prints."""
    demo = Path(__file__).resolve().parents[1] / "sample_workbooks" / "demo.xlsx"
    book = shutil.copy(demo, tmp_path / "demo.xlsx")
    before = book.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync", command[0], str(book),
                             *command[1:], "--as-of", "2026-11-16"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()                 # the reader is gone before anything is printed
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert err == ""
    assert (book.read_bytes() != before) == (command[0] == "sync")
