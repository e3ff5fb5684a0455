"""Issue 16's acceptance: a hand-built lead log, one planted problem per row, clean rows
between them; every planted row gets exactly its finding and no clean row gets any.

The workbook is real: `sheetsync init`, then openpyxl types the leads and two Rules
settings in, then `sheetsync check --format json` reads it back through the CLI.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from sheetsync.cli import main

AS_OF = "2026-11-16"
D = dt.date


def _clean(i: int, **changes: object) -> dict[str, object]:
    """A pursued lead in its follow-up sequence with every handoff kept."""
    row: dict[str, object] = {
        "ID": f"L{i:02d}", "Lead": f"Person {i}", "Company": f"Company {i}", "Role": "CEO",
        "Source": "Referral" if i % 2 else "Partner", "Channel": "email",
        "Email": f"person{i}@company{i}.com", "Date in": D(2026, 11, 9),
        "Visible signal": "hiring support agents", "Probable problem": "support backlog",
        "Confidence": "high", "Budget": 9000, "Problem fit": "yes", "Decision maker": "yes",
        "Timeline": "30 days", "Decision": "pursue", "Reason": "fits the offer",
        "Evidence": "job post", "Sent date": D(2026, 11, 11), "Message variant": "A",
        "Signal used": "job post", "Next touch date": D(2026, 11, 17), "Touches": 2,
        "Stop condition": "stop after 5 touches or any no", "Reply status": "none",
        "Owner": "Sam", "Stage": "follow-up", "Last action": "sent follow-up",
        "Next action": "follow up", "Next action date": D(2026, 11, 17),
    }
    row.update(changes)
    return row


# (lead, the rule ids it must get: exactly these; an empty set is a clean control row)
PLANTED: list[tuple[dict[str, object], set[str]]] = [
    (_clean(1, Lead="Ada Ng", Company="Acme Labs", Email="ada@acme.com"), set()),
    (_clean(2, Email="Cleo@Brightdesk.io"), set()),
    (_clean(3, **{"Sent date": D(2026, 11, 9), "Next touch date": D(2026, 11, 13)}),
     {"next-touch-overdue"}),
    (_clean(4), set()),
    (_clean(5, Touches=5), {"touches-at-maximum"}),
    (_clean(6, Touches=5, **{"Next touch date": None}), set()),      # the fix, done
    (_clean(7, **{"Reply status": "negative", "Next touch date": None,
                  "Next action": "send follow-up #2"}), {"follow-up-after-stop-reply"}),
    (_clean(8, **{"Reply status": "negative", "Next touch date": None,
                  "Next action": "close as lost"}), set()),
    (_clean(9, Budget=None), {"pursued-needs-budget"}),
    (_clean(10, **{"Decision maker": None}), {"pursued-needs-decision-maker"}),
    (_clean(11, Budget=None, Decision="nurture", Stage="nurture",
            **{"Sent date": None, "Next touch date": None, "Touches": None}), set()),
    (_clean(12, Lead="ada ng", Company="ACME labs", Email="a.ng@acme.com"),
     {"duplicate-lead"}),
    (_clean(13, Email="cleo@brightdesk.io"), {"duplicate-lead"}),
    (_clean(14, **{"Date in": D(2026, 7, 1), "Sent date": D(2026, 7, 3),
                   "Next touch date": D(2026, 7, 8), "Stage": "proposal",
                   "Reply status": "positive", "Next action": "chase the signature"}),
     {"deal-stuck"}),
    (_clean(15, **{"Date in": D(2026, 9, 1), "Sent date": D(2026, 9, 3),
                   "Next touch date": D(2026, 9, 8), "Stage": "proposal",
                   "Reply status": "positive", "Next action": "chase the signature"}), set()),
    (_clean(16, Stage="won", **{"Date in": "1900-01-01", "Closed date": D(2026, 11, 10),
                                "Deal size": 8000, "Reply status": "positive"}),
     {"date-too-early"}),
    (_clean(17, **{"Date in": D(2026, 12, 1)}), {"date-in-future"}),
    (_clean(18, Stage="won", **{"Closed date": D(2026, 11, 10), "Deal size": -8000,
                                "Reply status": "positive"}), {"unreadable-value"}),
    (_clean(19, Stage="won", **{"Closed date": D(2026, 11, 10), "Deal size": "$8K",
                                "Reply status": "positive"}), set()),
    (_clean(20, Budget="about eight grand"), {"unreadable-value"}),
    (_clean(21, Owner=None), {"open-lead-needs-field"}),              # Also check: Owner
    (_clean(22, **{"Message variant": None}), {"sent-needs-field"}),  # ... Message variant
    (_clean(23, Timeline="by March"), {"timeline-too-long"}),         # 135 days from 16 Nov
    (_clean(24, Timeline="this quarter"), set()),
    (_clean(25, Timeline="next month"), set()),
    (_clean(26, Timeline="ASAP"), set()),
]
ANSWERS = {
    "Input source #1": "Referrals from past clients",
    "Input source #2": "Partner intros",
    "Qualification criteria": "TBC",
    "Productized offer": "N.A.",
    "Price (visible before the call)": "not sure",
    "Conversion call structure": "ad hoc",
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """check --format json on the hand-built log; (data, lead sheet row per PLANTED)."""
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("planted") / "planted.xlsx"
    runner = CliRunner()
    made = runner.invoke(main, ["init", str(path)])
    assert made.exit_code == 0, made.output
    wb = load_workbook(path)
    pipeline = wb["Pipeline"]
    for r in range(4, pipeline.max_row + 1):
        stage = pipeline.cell(r, 1).value
        if stage in ANSWERS:
            pipeline.cell(r, 2).value = ANSWERS[stage]
    leads = wb["Leads"]
    heads = [c.value for c in leads[1]]
    rows = []
    for i, (lead, _) in enumerate(PLANTED, start=2):
        for col, head in enumerate(heads, start=1):
            if head in lead:
                leads.cell(i, col).value = lead[head]
        rows.append(i)
    rules = wb["Rules"]
    for r in range(2, rules.max_row + 1):
        if rules.cell(r, 1).value == "Also check":
            rules.cell(r, 2).value = "Owner, message variant"
    wb.save(path)
    out = runner.invoke(main, ["check", str(path), "--as-of", AS_OF, "--format", "json"])
    assert out.exit_code == 1, out.output
    return json.loads(out.output), rows


def test_every_planted_row_gets_exactly_its_finding_and_no_clean_row_any(planted):
    data, rows = planted
    got: dict[int, set[str]] = {r: set() for r in rows}
    for f in data["findings"]:
        if f["sheet"] == "Leads":
            got[f["row"]].add(f["rule"])
    for r, (lead, expected) in zip(rows, PLANTED, strict=True):
        assert got[r] == expected, (lead["ID"], r)


def test_the_findings_speak_the_operators_words(planted):
    data, rows = planted
    by = {(f["row"], f["rule"]): f for f in data["findings"]}
    late = by[(rows[2], "next-touch-overdue")]
    assert late["message"] == "Person 3's next touch was due on 13 Nov 2026, 3 days ago."
    assert late["column"] == "Next touch date"
    assert by[(rows[11], "duplicate-lead")]["message"] == (
        "ada ng is already in the log on row 2 (same person and company).")
    assert "row 3 (same e-mail address)" in by[(rows[12], "duplicate-lead")]["message"]
    assert "5 touches" in by[(rows[4], "touches-at-maximum")]["message"]
    assert by[(rows[15], "date-too-early")]["column"] == "Date in"
    assert "before 2000" in by[(rows[15], "date-too-early")]["message"]
    assert "negative" in by[(rows[17], "unreadable-value")]["message"]
    assert "“send follow-up #2”" in by[(rows[6], "follow-up-after-stop-reply")]["message"]
    assert by[(rows[13], "deal-stuck")]["message"].startswith(
        "Person 14's deal has been open 138 days since the lead came in")


def test_the_review_lists_the_overdue_touch(planted):
    data, rows = planted
    overdue = {x["row"]: x for x in data["review"]["overdue"]}
    assert set(overdue) == {rows[2]}
    assert "3 days" in overdue[rows[2]]["detail"]


def test_impossible_dates_are_left_out_of_the_counts(planted):
    data, _ = planted
    cycle = data["metrics"]["cycle_time_days"]
    assert cycle["value"] is not None and cycle["value"] < 100       # not 23,000 days


def test_the_leak_words_are_leaks(planted):
    data, _ = planted
    kinds = {x["stage"]: x["kind"] for x in data["leaks"] if x["sheet"] == "Pipeline"}
    assert kinds == {"Qualification criteria": "untracked", "Productized offer": "none",
                     "Price (visible before the call)": "untracked",
                     "Conversion call structure": "varies"}
