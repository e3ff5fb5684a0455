"""Every finding's fix, followed literally, clears it and raises nothing else on the row.

For each kind of finding: a real .xlsx with one clean lead and one lead that breaks
one rule is written and synced; the finding's fix is read from what the sync wrote
(the Findings sheet), the operator's cell is edited with openpyxl the way the fix says
(clear the cell, write the example the fix gives, or the word it names), and the
workbook is synced again: that row has no finding left.  The Dev Khan loop (a nurture
lead still scheduled for a touch) is the first case.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from core_helpers import LEAD_HEAD, lead, leads_grid, pipeline_grid, write_xlsx

from sheetsync.cli import main

AS_OF = "2026-11-16"
TODAY = dt.date(2026, 11, 16)
ANSWERS = {
    "Input source #1": "Referrals from past clients",
    "Input source #2": "LinkedIn posts twice a week",
    "Qualification criteria": "Budget over $5K and a support problem",
    "Productized offer": "$8K support pipeline in 3 weeks",
    "Price (visible before the call)": "$8,000 fixed, on the pricing page",
    "Conversion call structure": "30-minute call with a fixed agenda and a close",
}
HEAD = [*LEAD_HEAD[:-1], "Timeline", "Problem fit", "Check"]
SENT = {"Sent date": TODAY - dt.timedelta(days=1), "Next touch date": TODAY + dt.timedelta(days=3),
        "Stop condition": "stop after 3 touches", "Message variant": "A"}
CLEAR, EXAMPLE = object(), object()

# rule id -> (what breaks the lead, the edit the fix asks for: {column: CLEAR | EXAMPLE | value})
CASES: dict[str, tuple[dict, dict]] = {
    "outreach-not-pursued": ({**SENT, "Decision": "nurture", "Stage": "nurture",
                              "Reason": "budget next quarter"}, {"Next touch date": CLEAR}),
    "unreadable-value": ({"Budget": "eight grand"}, {"Budget": EXAMPLE}),
    "unreadable-value (an ambiguous date)": ({"Date in": "03/11/2026"}, {"Date in": EXAMPLE}),
    "research-incomplete": ({"Visible signal": ""}, {"Visible signal": "hiring two agents"}),
    "decision-needs-reason": ({"Reason": ""}, {"Reason": EXAMPLE}),
    "decision-needs-evidence": ({"Evidence": ""}, {"Evidence": EXAMPLE}),
    "below-budget-minimum": ({"Budget": 1000}, {"Decision": "nurture"}),
    "no-decision-maker": ({"Decision maker": "no"}, {"Decision maker": "yes"}),
    "timeline-too-long": ({"Timeline": "200 days"}, {"Decision": "nurture"}),
    "problem-not-fit": ({"Problem fit": "no"}, {"Decision": "nurture"}),
    "outreach-without-evidence": ({**SENT, "Evidence": ""}, {"Evidence": EXAMPLE}),
    "outreach-needs-approval": ({**SENT, "Budget": 50000}, {"Approved by": "Kim"}),
    "touch-after-stop-reply": ({**SENT, "Reply status": "negative",
                                "Next action": "close as lost"}, {"Next touch date": CLEAR}),
    "sent-needs-next-touch-date": ({**SENT, "Next touch date": None},
                                   {"Next touch date": EXAMPLE}),
    "sent-needs-stop-condition": ({**SENT, "Stop condition": ""}, {"Stop condition": EXAMPLE}),
    "next-touch-outside-window": ({**SENT, "Next touch date": TODAY + dt.timedelta(days=30)},
                                  {"Next touch date": EXAMPLE}),
    "closed-without-date": ({"Stage": "lost"}, {"Closed date": EXAMPLE}),
    "won-without-deal-size": ({"Stage": "won", "Closed date": TODAY - dt.timedelta(days=3)},
                              {"Deal size": EXAMPLE}),
    "open-lead-needs-last-action": ({"Last action": ""}, {"Last action": EXAMPLE}),
    "open-lead-needs-next-action": ({"Next action": ""}, {"Next action": EXAMPLE}),
    "open-lead-needs-next-action-date": ({"Next action date": None},
                                        {"Next action date": EXAMPLE}),
    "next-action-overdue": ({"Next action date": TODAY - dt.timedelta(days=2)},
                            {"Next action date": TODAY + dt.timedelta(days=7)}),
}


def example_in(fix: str) -> str:
    """The good value a fix gives: “quoted”, or what follows 'for example' / 'as' up to
    ' or ' or the full stop."""
    quoted = re.search(r"“([^”]+)”", fix)
    if quoted:
        return quoted[1]
    m = (re.search(r"for example (.+?)(?: or |\.$|\)|$)", fix)
         or re.search(r"(?:\bas|\bto) (.+?)(?: or |\.$|\)|$)", fix))
    assert m is not None, f"no example in the fix: {fix}"
    return m[1].strip()


def _findings(runner, path, row: int) -> list[dict]:
    done = runner.invoke(main, ["check", str(path), "--format", "json", "--as-of", AS_OF])
    assert done.exit_code in (0, 1), done.output
    return [f for f in json.loads(done.stdout)["findings"]
            if f["sheet"] == "Leads" and f["row"] == row]


def _fix_on_sheet(path, row: int, column: str) -> str:
    """The fix the sync wrote on the Findings sheet for (row, column): what an operator reads."""
    from openpyxl import load_workbook

    ws = load_workbook(path)["Findings"]
    head = [c.value for c in ws[1]]
    for cells in ws.iter_rows(min_row=2, values_only=True):
        got = dict(zip(head, cells, strict=False))
        if got["Row"] == row and got["Column"] == column:
            return str(got["The edit that clears it"])
    raise AssertionError(f"no finding on row {row}, {column} on the Findings sheet")


def follow_the_fix(runner, path, edit: dict, before: list) -> None:
    """Edit lead row 3 the way the Findings sheet says, sync again: nothing left there."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["Leads"]
    cols = {c.value: c.column for c in ws[1]}
    for column, value in edit.items():
        if value is CLEAR:
            value = None
        elif value is EXAMPLE:
            value = example_in(_fix_on_sheet(path, 3, column))
        ws.cell(3, cols[column]).value = value
    wb.save(path)
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code in (0, 1)
    after = _findings(runner, path, 3)
    assert after == [], f"after following “{before}”: {after}"


@pytest.mark.parametrize("rule", list(CASES))
def test_following_the_fix_clears_the_finding(runner, tmp_path, rule):
    broken, edit = CASES[rule]
    rule = rule.split(" (")[0]
    path = tmp_path / "book.xlsx"
    leads = [lead(ID="L1", Lead="Ada"),
             lead(ID="L2", Lead="Dev Khan", Company="Supportly", **broken)]
    grid = leads_grid(leads, HEAD)
    write_xlsx(path, {"Pipeline": pipeline_grid(ANSWERS), "Leads": grid})
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code in (0, 1)
    before = _findings(runner, path, 3)
    assert rule in [f["rule"] for f in before], before
    follow_the_fix(runner, path, edit, before)
