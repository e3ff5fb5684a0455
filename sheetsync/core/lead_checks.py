"""The lead-log checks beyond the handoffs, run together: one hook for `run_check`.

Follow-up control and pursued-lead fields (followup.py), impossible dates and stuck
deals (sanity.py), duplicate leads (duplicates.py).  Returns the leads the counters
should see (impossible dates cleared) and the findings.
"""

from __future__ import annotations

import datetime as dt

from sheetsync.core.catalogue import plural, say
from sheetsync.core.duplicates import duplicate_findings
from sheetsync.core.followup import follow_up_findings, touch_overdue
from sheetsync.core.leads import Lead
from sheetsync.core.result import Finding, LeadRef, Review
from sheetsync.core.rules import Rules
from sheetsync.core.sanity import screen_dates, stuck_findings
from sheetsync.core.tables import Table
from sheetsync.core.text import day


def lead_checks_of(leads: list[Lead], table: Table | None, rules: Rules, as_of: dt.date,
                   unreadable: list[Finding]) -> tuple[list[Lead], list[Finding]]:
    """(leads for the counters, findings) of every check in this module's list."""
    if table is None or not leads:
        return leads, []
    refused = {(f.row, f.column) for f in unreadable if f.row is not None and f.column}
    counted, raw = screen_dates(leads, table, rules, as_of)
    raw += follow_up_findings(counted, table, rules, as_of, refused)   # type: ignore[arg-type]
    raw += stuck_findings(counted, table, rules, as_of)
    raw += duplicate_findings(counted, table, rules)
    return counted, raw


# Findings that say a cell is empty: not said of a cell whose value was refused for its
# format (DESIGN §8), which already has its unreadable-value finding.
_SAYS_MISSING = frozenset({
    "won-without-deal-size", "closed-without-date", "sent-needs-next-touch-date",
    "sent-needs-stop-condition", "sent-needs-field", "open-lead-needs-stage",
    "open-lead-needs-last-action", "open-lead-needs-next-action",
    "open-lead-needs-next-action-date", "open-lead-needs-field", "decision-needs-reason",
    "decision-needs-evidence", "decision-needs-field",
})


def not_missing_if_refused(findings: list[Finding], unreadable: list[Finding]) -> list[Finding]:
    """`findings` without the "is empty" ones on cells whose value was refused."""
    refused = {(f.row, f.column) for f in unreadable if f.row is not None}
    if not refused:
        return findings
    return [f for f in findings
            if f.rule not in _SAYS_MISSING or (f.row, f.column) not in refused]


def with_overdue_touches(review: Review, leads: list[Lead], rules: Rules,
                         as_of: dt.date) -> Review:
    """The review with overdue next touches added to its overdue list (once per lead)."""
    listed = {ref.row for ref in review.overdue}
    extra = []
    touch_late = touch_overdue(rules, as_of)
    for lead in leads:
        late = touch_late(lead)
        if late is not None and lead.row not in listed:
            extra.append(LeadRef(row=lead.row, lead=lead.name(), owner=lead.owner,
                                 detail=_touch_detail(late, lead)))
    if extra:
        review.overdue = sorted([*review.overdue, *extra], key=lambda r: r.row)
    return review


def _touch_detail(late: int, lead: Lead) -> str:
    return say("review-touch-overdue", late=plural(late, "day"),
               date=day(lead.next_touch_date))    # type: ignore[arg-type]
