"""`sheetsync init` and the sample workbooks: usable at once, and reproducible."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

from openpyxl import load_workbook

from sheetsync.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workbooks"


def _make_samples():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_init_makes_a_usable_workbook(runner, tmp_path, rules):
    path = tmp_path / "pipeline.xlsx"
    result = runner.invoke(main, ["init", str(path)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(path)
    assert wb.sheetnames == ["Pipeline", "Blocks", "Leads", "Rules"]
    pipe = wb["Pipeline"]
    assert [c.value for c in pipe[3]][:6] == ["Stage", "What it is for you", "Example",
                                              "Measured", "Status", "Why"]
    assert [pipe.cell(r, 1).value for r in range(4, 15)] == [s.name for s in rules.stages]
    assert pipe.freeze_panes == "A4"
    leads = wb["Leads"]
    header = [c.value for c in leads[1]]
    assert header[-1] == "Check" and "Date in" in header and "Reply status" in header
    lists = {str(dv.sqref): dv.formula1 for dv in leads.data_validations.dataValidation}
    decision_col = leads.cell(1, header.index("Decision") + 1).column_letter
    assert any(k.startswith(decision_col + "2") and "pursue,nurture,skip" in v
               for k, v in lists.items())
    assert any("opt-out" in v for v in lists.values())
    assert any("follow-up" in v and "won" in v for v in lists.values())
    labels = [wb["Rules"].cell(r, 1).value for r in range(2, 6)]
    assert "Budget minimum" in labels


def test_init_refuses_to_overwrite(runner, tmp_path):
    path = tmp_path / "pipeline.xlsx"
    path.write_bytes(b"precious")
    result = runner.invoke(main, ["init", str(path)])
    assert result.exit_code == 2 and "already exists" in result.output
    assert path.read_bytes() == b"precious"


def test_init_example_is_the_seed(runner, tmp_path):
    path = tmp_path / "seed.xlsx"
    assert runner.invoke(main, ["init", str(path), "--example"]).exit_code == 0
    out = runner.invoke(main, ["check", str(path), "--format", "json"])
    data = json.loads(out.output)
    assert data["fix_this_week"]["stage"] == "Input source #2"


def test_samples_regenerate_byte_for_byte(tmp_path):
    made = _make_samples().main(tmp_path)
    for path in made:
        committed = SAMPLES / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(
            committed.read_bytes()).digest(), path.name


def test_seed_example_answers_are_the_seed_text():
    ws = load_workbook(SAMPLES / "seed_example.xlsx")["Pipeline"]
    answers = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(4, 15)}
    assert answers["Qualification criteria"] == "None today — I take every call"
    assert answers["Input source #2"] is None
    assert answers["Leads per week"] == "Untracked"


def test_demo_has_the_story_it_claims(runner):
    """Computed here from the raw rows, independently of sheetsync's metrics."""
    import datetime as dt

    ws = load_workbook(SAMPLES / "demo.xlsx")["Leads"]
    rows = list(ws.iter_rows(values_only=True))
    head = {h: i for i, h in enumerate(rows[0])}

    def rate(start, end):
        decided = [r for r in rows[1:] if r[head["Source"]] == "LinkedIn post"
                   and r[head["Decision"]] and isinstance(r[head["Date in"]], dt.datetime)
                   and start <= r[head["Date in"]].date() <= end]
        return sum(r[head["Decision"]] == "pursue" for r in decided) / len(decided)

    before = rate(dt.date(2026, 9, 21), dt.date(2026, 10, 18))
    now = rate(dt.date(2026, 10, 19), dt.date(2026, 11, 15))
    assert before > 0.25 > now
    sources = {r[head["Source"]] for r in rows[1:]}
    assert len(sources) == 5 and len(rows) > 200
    out = runner.invoke(main, ["check", str(SAMPLES / "demo.xlsx"), "--as-of", "2026-11-16",
                               "--format", "json"])
    data = json.loads(out.output)
    assert data["diagnosis"].startswith("Qualified rate fell from")
    assert "LinkedIn post" in data["diagnosis"]
    rules = {f["rule"] for f in data["findings"]}
    assert {"decision-needs-evidence", "next-action-overdue", "touch-after-stop-reply",
            "unreadable-value", "outreach-needs-approval"} <= rules
