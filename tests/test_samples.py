"""The sample workbooks: reproducible, and saying what sample_workbooks/README.md says.

The demo's numbers are computed here from the raw cells (tests/init_helpers.py),
independently of sheetsync's own metrics, and compared with the README.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter

import pytest
from init_helpers import (
    PREVIOUS,
    SAMPLES,
    SEED_EXAMPLE,
    WINDOW,
    date_of,
    make_samples_module,
    qualified_rate,
    readme_table,
    records,
    sheet_rows,
    word,
)

from sheetsync.cli import main

README = SAMPLES / "README.md"
NAMES = ["seed_example.xlsx", "demo.xlsx"]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo():
    return records(SAMPLES / "demo.xlsx")


def test_regenerated_samples_equal_the_committed_ones(tmp_path):
    first = make_samples_module().main(tmp_path / "one")
    second = make_samples_module().main(tmp_path / "two")
    assert [p.name for p in first] == NAMES
    for a, b in zip(first, second, strict=True):
        assert _sha(a) == _sha(b) == _sha(SAMPLES / a.name), a.name
    assert all(p.stat().st_size < 300_000 for p in first)


def test_seed_example_answers_are_the_seed_text():
    rows = sheet_rows(SAMPLES / "seed_example.xlsx", "Pipeline")[3:]
    answers = {r[0]: r[1] for r in rows}
    assert answers["Qualification criteria"] == "None today — I take every call"
    assert answers["Input source #2"] is None
    for stage, text in SEED_EXAMPLE.items():
        if stage != "Input source #2":
            assert answers[stage] == text, stage
    assert len(sheet_rows(SAMPLES / "seed_example.xlsx", "Leads")) == 1     # header only


def test_demo_counts_per_source_match_the_readme(demo):
    documented = {k: int(v) for k, v in readme_table(README, "Source").items()}
    assert Counter(x["Source"] for x in demo) == documented
    assert len(demo) == sum(documented.values()) and 250 <= len(demo) <= 350
    assert f"{len(demo)} leads" in README.read_text("utf-8")


def test_demo_dates_span_june_to_mid_november(demo):
    dates = [date_of(x["Date in"]) for x in demo]
    known = [d for d in dates if d is not None]
    assert min(known).isoformat() == "2026-06-01" and max(known).isoformat() <= "2026-11-15"
    assert sum(isinstance(x["Date in"], str) for x in demo) >= 5      # typed as text


def test_linkedin_qualified_rate_falls_in_the_last_four_weeks(demo):
    before, n_before = qualified_rate(demo, PREVIOUS, "LinkedIn post")
    now, n_now = qualified_rate(demo, WINDOW, "LinkedIn post")
    assert n_before >= 10 and n_now >= 20
    assert before >= 0.30 and now <= 0.10
    overall_before, _ = qualified_rate(demo, PREVIOUS)
    overall_now, _ = qualified_rate(demo, WINDOW)
    assert overall_before >= 0.30 and overall_now < 0.25       # under the diagnosis threshold
    others = [qualified_rate(demo, WINDOW, s)[0] for s in
              ("Referral", "Partner", "SEO page", "Community")]
    assert now < min(others)                                   # the worst source now
    text = README.read_text("utf-8")
    assert f"from {before:.0%}" in text and f"to {now:.0%}" in text


def test_owners_convert_differently_and_cycles_are_10_to_40_days(demo):
    closed = [x for x in demo if word(x["Stage"]) in ("won", "lost")]
    rate = {}
    for owner in ("Sam", "Alex", "Kim"):
        mine = [word(x["Stage"]) for x in closed if x["Owner"] == owner]
        rate[owner] = mine.count("won") / len(mine)
    assert rate["Kim"] + 0.15 < min(rate["Sam"], rate["Alex"])
    cycles = [(date_of(x["Closed date"]) - date_of(x["Date in"])).days for x in closed
              if date_of(x["Closed date"]) and date_of(x["Date in"])]
    assert len(cycles) >= 50 and min(cycles) >= 10 and max(cycles) <= 40
    assert 15 <= statistics.median(cycles) <= 35


def test_demo_values_are_typed_the_way_people_type(demo):
    budgets = [str(x["Budget"]) for x in demo if x["Budget"] is not None]
    assert any(b.startswith("$") and b.endswith("K") for b in budgets)
    assert any(b.startswith("€") and b.endswith("k") for b in budgets)
    assert any("," in b and b[0].isdigit() for b in budgets)
    fits = {str(x["Problem fit"]) for x in demo} | {str(x["Decision maker"]) for x in demo}
    assert {"yes", "y", "✓"} <= fits
    assert "eight grand" in budgets


def test_demo_blocks_map_is_partly_filled():
    rows = {r[0]: r for r in sheet_rows(SAMPLES / "demo.xlsx", "Blocks")[3:]}
    assert rows["Follow-up"][1] is None                        # no owner
    assert sum(1 for r in rows.values() if r[1]) == 4


def test_check_finds_the_planted_slips_and_the_diagnosis(runner):
    out = runner.invoke(main, ["check", str(SAMPLES / "demo.xlsx"), "--as-of", "2026-11-16",
                               "--format", "json"])
    assert out.exit_code == 1, out.output
    data = json.loads(out.output)
    assert data["diagnosis"].startswith("Qualified rate fell from 38% to 19%")
    assert "LinkedIn post" in data["diagnosis"]
    rows = {x[0]: i for i, x in enumerate(sheet_rows(SAMPLES / "demo.xlsx", "Leads"), 1)}
    planted = {(rows[lead], rule) for lead, rule in readme_table(README, "Lead").items()}
    found = {(f["row"], f["rule"]) for f in data["findings"] if f["sheet"] == "Leads"}
    assert len(planted) >= 12 and planted <= found
    assert {f["rule"] for f in data["findings"]} >= {
        "decision-needs-evidence", "sent-needs-next-touch-date", "touch-after-stop-reply",
        "next-action-overdue", "outreach-needs-approval", "unreadable-value"}
    blocks = [(leak["stage"], leak["kind"]) for leak in data["leaks"] if leak["sheet"] == "Blocks"]
    # every problem of the row: Follow-up has no owner and names a missing rule
    assert ("Follow-up", "no-owner") in blocks and ("Follow-up", "no-rule") in blocks


def test_readme_slips_are_the_scripts_slips():
    slips = make_samples_module().demo()[1]
    assert readme_table(README, "Lead") == {lead: rule for lead, rule, _ in slips}
