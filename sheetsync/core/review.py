"""The weekly review (five blocks' operating rhythm), computed from the lead log.

New leads with no decision yet, qualified leads without evidence, replies per message
variant, overdue follow-ups, meetings won/lost/nurtured, owner gaps against the team
median, and one change to the system this week.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache

from sheetsync.core.catalogue import plural, say
from sheetsync.core.coaching import owner_gaps
from sheetsync.core.leads import Lead
from sheetsync.core.result import Leak, Metrics, Review, VariantReplies, Window
from sheetsync.core.rules import Rules
from sheetsync.core.text import capital, day

_CHANGE = {
    "Input source #1": "name your main input source and count what it brings each week",
    "Input source #2": "add a second, intentional input source",
    "Qualification criteria": "write the qualification scorecard down and use it on every lead",
    "Productized offer": "write the offer in one sentence",
    "Price (visible before the call)": "publish one fixed price before the call",
    "Conversion call structure": "give the call a fixed agenda and a defined close",
}


def _ref(lead: Lead, detail: str = "") -> dict[str, object]:
    """A LeadRef as a plain dict; the Review is validated once at the end (fast)."""
    return {"row": lead.row, "lead": lead.name(), "owner": lead.owner, "detail": detail}


def build_review(
    leads: list[Lead], metrics: Metrics, fix: Leak | None, diagnosis: str,
    rules: Rules, as_of: dt.date,
) -> Review:
    """The review's sections, each a list of leads (with rows) or counts."""
    research = rules.handoffs.research
    w = metrics.window
    closed_stages = rules.closed_stages
    routable: list[dict[str, object]] = []
    no_evidence: list[dict[str, object]] = []
    overdue: list[dict[str, object]] = []
    meetings: dict[str, list[dict[str, object]]] = {}
    detail = cache(lambda due, action: _overdue(action, due, as_of))   # once a date, action
    start, end = w.start, w.end
    for lead in leads:
        decision, stage = lead.decision, lead.stage
        is_open = decision != "skip" and stage not in closed_stages
        if decision is None and is_open:
            missing = [k for k in research if not getattr(lead, k)]
            if missing:
                routable.append(_ref(lead, "missing " + ", ".join(missing)))
        if decision == "pursue" and not lead.evidence:
            no_evidence.append(_ref(lead))
        due = lead.next_action_date
        if is_open and due and due < as_of:
            overdue.append(_ref(lead, detail(due, lead.next_action)))
        closed = lead.closed_date
        if stage in ("won", "lost") and closed is not None and start <= closed <= end:
            meetings.setdefault(stage, []).append(_ref(lead))
        elif stage == "nurture" or decision == "nurture":
            if lead.date_in is not None and start <= lead.date_in <= end:
                meetings.setdefault("nurture", []).append(_ref(lead))
    gaps, workload = owner_gaps(leads, rules, as_of)
    return Review.model_validate({
        "new_not_routable": routable,
        "qualified_without_evidence": no_evidence,
        "overdue": overdue,
        "meetings": meetings,
        "replies_by_variant": _replies(leads, w),
        "owner_gaps": gaps,
        "open_leads_by_owner": workload,
        "coaching_weeks": max(1, rules.coaching_weeks),
        "one_change": _one_change(fix, diagnosis),
    })


def _overdue(action: str, due: dt.date, as_of: dt.date) -> str:
    """An overdue next action as the review says it: 'next action 9 days late (due 7 Nov
    2026): “follow up”'."""
    when = {"late": plural((as_of - due).days, "day"), "date": day(due)}
    return (say("review-action-overdue", action=action, **when) if action
            else say("review-action-overdue-bare", **when))


def _replies(leads: list[Lead], w: Window) -> list[VariantReplies]:
    """Messages sent in the window per variant, and how they were answered."""
    start, end = w.start, w.end
    counts: Counter[tuple[str, str]] = Counter(
        (lead.message_variant or "(no variant)", lead.reply_status or "none")
        for lead in leads
        if lead.sent_date is not None and start <= lead.sent_date <= end
    )
    by: dict[str, dict[str, int]] = {}
    for (name, status), n in counts.items():
        v = by.setdefault(name, {"sent": 0})
        v["sent"] += n
        field = _REPLY_FIELD.get(status, "other")
        v[field] = v.get(field, 0) + n
    out = [VariantReplies(variant=name, **v) for name, v in by.items()]
    return sorted(out, key=lambda v: (-v.sent, v.variant))


_REPLY_FIELD = {"none": "no_reply", "positive": "positive", "neutral": "neutral",
                "negative": "negative"}


def _one_change(fix: Leak | None, diagnosis: str) -> str:
    if fix is not None and fix.kind == "below-target" and fix.stage.startswith("Input source"):
        return say("change-input-below-target", stage=fix.stage, answer=fix.text)
    if fix is not None and fix.stage in _CHANGE:
        return f"{capital(_CHANGE[fix.stage])} ({fix.stage})."
    if fix is not None:
        return f"Start measuring {fix.stage.lower()} from the lead log."
    return diagnosis
