"""Golden pairs: the demo workbook beside the output scripts and people rely on, so a
change to any of it shows up as a diff to read (tests/golden/)."""

from __future__ import annotations

import json

from conftest import REPO
from golden_helpers import assert_golden

from sheetsync.cli import main

DEMO = REPO / "sample_workbooks" / "demo.xlsx"
AS_OF = ["--as-of", "2026-11-16"]


def test_demo_check_json(runner):
    result = runner.invoke(main, ["check", str(DEMO), "--format", "json", *AS_OF])
    assert result.exit_code == 1, result.output           # the demo has findings
    data = json.loads(result.stdout)
    assert data["source"] == str(DEMO)
    data["source"] = "sample_workbooks/demo.xlsx"           # the same on every machine
    assert_golden("demo.check.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def test_demo_report_md(runner, tmp_path):
    out = tmp_path / "demo.report.md"
    result = runner.invoke(main, ["report", str(DEMO), "-o", str(out), *AS_OF])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert str(tmp_path) not in text and str(REPO) not in text
    assert_golden("demo.report.md", text)
