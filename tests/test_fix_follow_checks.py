"""Issue 16's findings: each fix, followed literally on a real .xlsx, clears it and raises
nothing else on the row (the same walk as test_fix_follow.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from core_helpers import LEAD_HEAD, lead, leads_grid, pipeline_grid, write_xlsx
from test_fix_follow import (
    ANSWERS,
    AS_OF,
    CLEAR,
    EXAMPLE,
    SENT,
    TODAY,
    _findings,
    follow_the_fix,
)

from sheetsync.cli import main

HEAD = [*LEAD_HEAD[:-1], "Touches", "Timeline", "Problem fit", "Check"]
DAY = dt.timedelta(days=1)

CASES: dict[str, tuple[dict, dict]] = {
    "next-touch-overdue": ({**SENT, "Sent date": TODAY - 6 * DAY,
                            "Next touch date": TODAY - 2 * DAY},
                           {"Sent date": TODAY, "Next touch date": EXAMPLE}),
    "touches-at-maximum": ({**SENT, "Touches": 5}, {"Next touch date": CLEAR}),
    "follow-up-after-stop-reply": ({**SENT, "Reply status": "negative", "Next touch date": None,
                                    "Next action": "send follow-up #2"},
                                   {"Next action": EXAMPLE}),
    "pursued-needs-budget": ({"Budget": None}, {"Budget": EXAMPLE}),
    "pursued-needs-decision-maker": ({"Decision maker": None}, {"Decision maker": "yes"}),
    "deal-stuck": ({"Date in": TODAY - 120 * DAY}, {"Stage": "nurture"}),
    "date-too-early": ({"Date in": "1900-01-01"}, {"Date in": EXAMPLE}),
    "date-in-future": ({"Date in": TODAY + 10 * DAY}, {"Date in": EXAMPLE}),
}


@pytest.mark.parametrize("rule", list(CASES))
def test_following_the_fix_clears_the_finding(runner, tmp_path, rule):
    broken, edit = CASES[rule]
    path = tmp_path / "book.xlsx"
    leads = [lead(ID="L1", Lead="Ada"),
             lead(**{"ID": "L2", "Lead": "Dev Khan", "Company": "Supportly", **broken})]
    write_xlsx(path, {"Pipeline": pipeline_grid(ANSWERS), "Leads": leads_grid(leads, HEAD)})
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code in (0, 1)
    before = _findings(runner, path, 3)
    assert [f["rule"] for f in before] == [rule], before
    follow_the_fix(runner, path, edit, before)
