"""Each handoff and qualification rule: fires when broken, silent when kept."""

from __future__ import annotations

import datetime as dt

import pytest
from core_helpers import book, lead

from sheetsync.core.check import run_check

AS_OF = dt.date(2026, 11, 16)


def rules_hit(rules, **fields) -> set[str]:
    result = run_check(book(leads=[lead(**fields)]), rules, AS_OF).result
    return {f.rule for f in result.findings if f.sheet == "Leads"}


def test_clean_lead_has_no_findings(rules):
    assert rules_hit(rules) == set()


@pytest.mark.parametrize(
    ("fields", "rule"),
    [
        ({"Visible signal": ""}, "research-incomplete"),
        ({"Company": None, "Role": ""}, "research-incomplete"),
        ({"Reason": ""}, "decision-needs-reason"),
        ({"Evidence": ""}, "decision-needs-evidence"),
        ({"Budget": 3000}, "below-budget-minimum"),
        ({"Decision maker": "no"}, "no-decision-maker"),
        ({"Probable problem": "wants a new logo"}, "problem-not-fit"),
        ({"Sent date": dt.date(2026, 11, 2), "Decision": "nurture",
          "Next touch date": dt.date(2026, 11, 5), "Stop condition": "no reply x3"},
         "outreach-not-pursued"),
        ({"Sent date": dt.date(2026, 11, 2), "Next touch date": dt.date(2026, 11, 5),
          "Stop condition": "no reply x3", "Budget": 50000}, "outreach-needs-approval"),
        ({"Sent date": dt.date(2026, 11, 2), "Stop condition": "x"}, "sent-needs-next-touch-date"),
        ({"Sent date": dt.date(2026, 11, 2), "Next touch date": dt.date(2026, 11, 5)},
         "sent-needs-stop-condition"),
        ({"Sent date": dt.date(2026, 11, 2), "Next touch date": dt.date(2026, 11, 30),
          "Stop condition": "x"}, "next-touch-outside-window"),
        ({"Reply status": "opt-out", "Next touch date": dt.date(2026, 11, 20)},
         "touch-after-stop-reply"),
        ({"Reply status": "Bounced", "Next touch date": dt.date(2026, 11, 20)},
         "touch-after-stop-reply"),
        ({"Last action": ""}, "open-lead-needs-last-action"),
        ({"Next action": None}, "open-lead-needs-next-action"),
        ({"Next action date": None}, "open-lead-needs-next-action-date"),
        ({"Stage": None}, "open-lead-needs-stage"),
        ({"Next action date": dt.date(2026, 11, 13)}, "next-action-overdue"),
        ({"Stage": "won", "Deal size": 8000}, "closed-without-date"),
        ({"Stage": "won", "Closed date": dt.date(2026, 11, 3)}, "won-without-deal-size"),
        ({"Budget": "eight grand"}, "unreadable-value"),
        ({"Decision": "maybe later?"}, "unreadable-value"),
    ],
)
def test_rule_fires(rules, fields, rule):
    assert rule in rules_hit(rules, **fields)


def test_evidence_needed_before_outreach(rules):
    hit = rules_hit(rules, **{"Evidence": "", "Sent date": dt.date(2026, 11, 2),
                              "Next touch date": dt.date(2026, 11, 5), "Stop condition": "x"})
    assert {"decision-needs-evidence", "outreach-without-evidence"} <= hit


def test_no_research_rule_without_a_decision(rules):
    hit = rules_hit(rules, Decision=None, **{"Visible signal": ""})
    assert "research-incomplete" not in hit


def test_closed_and_skipped_leads_need_no_next_action(rules):
    assert "open-lead-needs-next-action" not in rules_hit(
        rules, Stage="lost", **{"Next action": "", "Closed date": dt.date(2026, 11, 3)})
    assert "open-lead-needs-next-action" not in rules_hit(
        rules, Decision="skip", **{"Next action": ""})


def test_approval_clears_the_high_value_rule(rules):
    hit = rules_hit(rules, Budget=50000, **{"Approved by": "Maria",
                    "Sent date": dt.date(2026, 11, 2), "Next touch date": dt.date(2026, 11, 5),
                    "Stop condition": "x"})
    assert "outreach-needs-approval" not in hit


def test_sent_lead_after_stop_reply_needs_no_next_touch(rules):
    hit = rules_hit(rules, **{"Sent date": dt.date(2026, 11, 2), "Reply status": "negative",
                              "Stop condition": ""})
    assert "sent-needs-next-touch-date" not in hit and "sent-needs-stop-condition" not in hit


def test_finding_names_sheet_row_column_and_fix(rules):
    result = run_check(book(leads=[lead(), lead(ID="L2", Evidence="")]), rules, AS_OF).result
    f = next(f for f in result.findings if f.rule == "decision-needs-evidence")
    assert (f.sheet, f.row, f.column) == ("Leads", 3, "Evidence")
    assert "Ada" in f.message and f.fix


def test_unreadable_value_is_a_finding_and_the_cell_is_ignored(rules):
    result = run_check(book(leads=[lead(Budget="eight grand")]), rules, AS_OF).result
    f = next(f for f in result.findings if f.rule == "unreadable-value")
    assert f.column == "Budget" and "eight grand" in f.message
    assert "below-budget-minimum" not in {x.rule for x in result.findings}


def test_rules_sheet_overrides_thresholds(rules):
    sheet = [["Setting", "Value"], ["Budget minimum", "$2k"], ["Max timeline (days)", "oops"]]
    result = run_check(book(leads=[lead(Budget=3000)], Rules=sheet), rules, AS_OF).result
    hit = {f.rule for f in result.findings}
    assert "below-budget-minimum" not in hit            # 3000 clears the operator's 2000
    bad = next(f for f in result.findings if f.rule == "rules-value-unreadable")
    assert bad.sheet == "Rules" and bad.row == 3


def test_a_cleared_rules_value_means_the_default(rules):
    sheet = [["Setting", "Value", "What it means"],
             ["Budget minimum", None, "A pursued lead's budget must clear this amount."],
             ["Sensitive keywords", "", "Leads whose note mentions these need approval."]]
    result = run_check(book(leads=[lead(Budget=3000)], Rules=sheet), rules, AS_OF).result
    assert "below-budget-minimum" in {f.rule for f in result.findings}     # default 5000
    assert not [f for f in result.findings if f.rule == "rules-value-unreadable"]
