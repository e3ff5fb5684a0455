"""The five blocks' handoffs and the qualification gate, checked on every lead.

Each rule has a stable id, a plain message naming the lead and the column, and a
fix.  The fields each handoff requires come from `rules.handoffs`; thresholds from
the rules too.  A lead that breaks a rule is a finding, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache
from itertools import repeat
from operator import attrgetter

from sheetsync.core.catalogue import plural
from sheetsync.core.leads import Lead
from sheetsync.core.result import Finding, found_in
from sheetsync.core.rules import Rules
from sheetsync.core.text import day, money, replied


class _Ctx:
    """What every rule needs: the sheet, header names and thresholds."""

    def __init__(self, sheet: str, headers: dict[str, str], rules: Rules, as_of: dt.date):
        self.sheet = sheet
        self.rules = rules
        self.as_of = as_of
        self.closed = set(rules.closed_stages)
        self.stop = set(rules.stop_replies)
        self.headers = {k: v[0] if v else k for k, v in rules.lead_columns.items()}
        self.headers.update(headers)
        self.keywords = [k.casefold() for k in rules.offer_problem_keywords]
        words = [re.escape(k.casefold()) for k in rules.sensitive_keywords if k]
        self.sensitive = re.compile("|".join(words)) if words else None   # any, anywhere
        self.out: list[Finding] = []
        self.research = _Needs(rules.handoff_fields("research"))
        self.qualification = _Needs(rules.handoff_fields("qualification"))
        self.outreach = _Needs(rules.handoff_fields("outreach"))
        self.crm = _Needs(rules.handoff_fields("crm"))

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def finding(self, lead: Lead, key: str, rule: str, **fields: object) -> None:
        """Note the finding `rule` on `lead`'s cell of `key`."""
        fields["lead"] = lead.name()
        self.out.append(found_in(rule, self.sheet, lead.row, self.headers.get(key, key), fields))

    def missing(self, lead: Lead, needs: _Needs, ids: dict[str, str], other: str,
                **fields: object) -> None:
        """A finding on each field of `needs` that `lead` leaves empty: the field's own
        id from `ids`, else `other` (a field a rules file adds)."""
        for key in needs.missing(lead):
            self.finding(lead, key, ids.get(key, other), **fields)


# The handoffs' fields come from the rules; each default field has its own stable id,
# a field a rules file adds shares its handoff's generic one.
_DECISION_NEEDS = {"reason": "decision-needs-reason", "evidence": "decision-needs-evidence"}
_SENT_NEEDS = {"next_touch_date": "sent-needs-next-touch-date",
               "stop_condition": "sent-needs-stop-condition"}
_WHY_EXAMPLE = {"pursue": "budget and decision maker confirmed on the call",
                "nurture": "budget next quarter", "skip": "not the decision maker"}
_OPEN_NEEDS = {"stage": "open-lead-needs-stage", "last_action": "open-lead-needs-last-action",
               "next_action": "open-lead-needs-next-action",
               "next_action_date": "open-lead-needs-next-action-date"}


def is_open(lead: Lead, rules: Rules) -> bool:
    """An open lead still needs work: not won/lost and not skipped."""
    return lead.decision != "skip" and lead.stage not in rules.closed_stages


def validate(
    leads: list[Lead], sheet: str, headers: dict[str, str], rules: Rules, as_of: dt.date
) -> list[Finding]:
    """Every handoff and qualification finding for the lead log.

    One pass per handoff over the leads it applies to (picked out in C), each in row
    order: sorted by row with a stable sort, a row's findings come handoff by handoff.
    """
    ctx = _Ctx(sheet, headers, rules, as_of)
    decided = list(filter(attrgetter("decision"), leads))
    sent = list(filter(attrgetter("sent_date"), leads))
    _research(decided, ctx)
    _qualification(decided, ctx)
    _outreach(sent, ctx)
    _follow_up(leads, sent, ctx)
    _crm(leads, ctx)
    return ctx.out


class _Needs:
    """The fields one handoff requires, and which of them a lead leaves empty.

    Text is stripped when parsed, so "" (and None) is what "missing" looks like.  The
    usual answer, nothing missing, is worked out for all leads in one C-level pass.
    """

    def __init__(self, keys: list[str]):
        self.keys = keys
        self._fetch = attrgetter(*keys) if keys else None

    def complete(self, leads: list[Lead]) -> Iterable[bool]:
        """Whether each lead, in order, has every field."""
        if self._fetch is None:
            return repeat(True, len(leads))
        got = map(self._fetch, leads)
        return map(all, got) if len(self.keys) > 1 else map(bool, got)

    def missing(self, lead: Lead) -> list[str]:
        """The fields `lead` leaves empty, in order."""
        return [k for k in self.keys if not getattr(lead, k)]


def _research(decided: list[Lead], ctx: _Ctx) -> None:
    """Research → qualification: research complete before a Decision."""
    research = ctx.research
    for lead, complete in zip(decided, research.complete(decided), strict=True):
        if not complete:
            missing = research.missing(lead)
            names = ", ".join(ctx.header(k) for k in missing)
            ctx.finding(lead, missing[0], "research-incomplete", names=names)


def _qualification(decided: list[Lead], ctx: _Ctx) -> None:
    """Qualification → outreach: a Decision needs a reason and evidence; pursue meets criteria."""
    r = ctx.rules
    needs = ctx.qualification
    keywords = ctx.keywords
    # A log repeats its problems and its budgets: each looked at, or said, once.
    fits = cache(lambda problem: any(k in problem.casefold() for k in keywords))
    said = cache(money)
    minimum = money(r.budget_min)
    for lead, complete in zip(decided, needs.complete(decided), strict=True):
        if not complete:
            ctx.missing(lead, needs, _DECISION_NEEDS, "decision-needs-field",
                        decision=lead.decision, example=_WHY_EXAMPLE.get(lead.decision or "", ""))
        if lead.decision != "pursue":
            continue
        budget = lead.budget
        if budget is not None and budget < r.budget_min:
            ctx.finding(lead, "budget", "below-budget-minimum", budget=said(budget),
                        minimum=minimum)
        if r.decision_maker_required and lead.decision_maker is False:
            ctx.finding(lead, "decision_maker", "no-decision-maker")
        if lead.timeline is not None and lead.timeline > r.max_timeline_days:
            ctx.finding(lead, "timeline", "timeline-too-long",
                        timeline=f"{lead.timeline:.0f}", maximum=f"{r.max_timeline_days:.0f}")
        problem = lead.probable_problem
        fit = fits(problem) if lead.problem_fit is None and problem and keywords else True
        if lead.problem_fit is False or not fit:
            ctx.finding(lead, "problem_fit" if lead.problem_fit is False else "probable_problem",
                        "problem-not-fit")


def _sensitive(lead: Lead, ctx: _Ctx) -> bool:
    most = ctx.rules.high_value_min
    if most and ((lead.budget is not None and lead.budget >= most)
                 or (lead.deal_size is not None and lead.deal_size >= most)):
        return True
    if ctx.sensitive is None:
        return False
    text = " ".join((lead.note, lead.missing_evidence, lead.company)).casefold()
    return ctx.sensitive.search(text) is not None


def _outreach(sent: list[Lead], ctx: _Ctx) -> None:
    """Outreach only for pursue leads with evidence; high-value or sensitive need approval."""
    for lead in sent:
        if lead.decision != "pursue":
            # A follow-up is for pursued leads; a past message cannot be unsent, so what
            # can be fixed is the touch still scheduled (clearing it never asks for another).
            if lead.next_touch_date is not None and lead.reply_status not in ctx.stop:
                ctx.finding(lead, "next_touch_date", "outreach-not-pursued",
                            decision=lead.decision or "undecided")
        elif not lead.evidence:
            ctx.finding(lead, "evidence", "outreach-without-evidence")
        if not lead.approved_by and _sensitive(lead, ctx):
            ctx.finding(lead, "approved_by", "outreach-needs-approval")


def _follow_up(leads: list[Lead], sent: list[Lead], ctx: _Ctx) -> None:
    """Outreach → follow-up: a next touch and a stop condition; no touch after a stop reply."""
    stop = ctx.stop
    for lead in leads:
        if lead.next_touch_date is not None and lead.reply_status in stop:
            ctx.finding(lead, "next_touch_date", "touch-after-stop-reply",
                        reply=replied(lead.reply_status))
    most, closed, window = ctx.rules.max_touches, ctx.closed, ctx.rules.follow_up_window_days
    soon = day(ctx.as_of + dt.timedelta(days=2))
    needs = ctx.outreach
    for lead, complete in zip(sent, needs.complete(sent), strict=True):
        if (lead.decision != "pursue" or lead.reply_status in stop or lead.stage in closed
                or (lead.touches is not None and 0 < most <= lead.touches)):
            continue
        if not complete:
            ctx.missing(lead, needs, _SENT_NEEDS, "sent-needs-field", example=soon)
        nxt = lead.next_touch_date
        if nxt is not None and (nxt - lead.sent_date).days > window:   # type: ignore[operator]
            ctx.finding(lead, "next_touch_date", "next-touch-outside-window", window=window,
                        latest=day(lead.sent_date + dt.timedelta(days=window)))  # type: ignore[operator]


def _crm(leads: list[Lead], ctx: _Ctx) -> None:
    """CRM hygiene: every open lead has stage, last/next action and a date; none overdue."""
    closed, as_of, needs = ctx.closed, ctx.as_of, ctx.crm
    today, week = day(as_of), day(as_of + dt.timedelta(days=7))
    lateness = cache(lambda due: plural((as_of - due).days, "day"))   # once a due date
    for lead, complete in zip(leads, needs.complete(leads), strict=True):
        stage = lead.stage
        if stage in closed and lead.closed_date is None:
            ctx.finding(lead, "closed_date", "closed-without-date", stage=stage, example=today)
        if stage == "won" and lead.deal_size is None:
            ctx.finding(lead, "deal_size", "won-without-deal-size",
                        example=money(lead.budget if lead.budget else 8000))
        # An open deal's close date is the date it is expected to close (a CRM's
        # CloseDate); only a closed deal's can come before its Date in.
        if (stage in closed and lead.closed_date and lead.date_in
                and lead.closed_date < lead.date_in):
            ctx.finding(lead, "closed_date", "closed-before-date-in")
        if stage in closed or lead.decision == "skip":
            continue
        if not complete:
            ctx.missing(lead, needs, _OPEN_NEEDS, "open-lead-needs-field", example=week)
        due = lead.next_action_date
        if due is not None and due < as_of:
            ctx.finding(lead, "next_action_date", "next-action-overdue", late=lateness(due),
                        action=lead.next_action or "no next action")
