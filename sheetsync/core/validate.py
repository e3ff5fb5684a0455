"""The five blocks' handoffs and the qualification gate, checked on every lead.

Each rule has a stable id, a plain message naming the lead and the column, and a
fix.  The fields each handoff requires come from `rules.handoffs`; thresholds from
the rules too.  A lead that breaks a rule is a finding, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from operator import attrgetter

from sheetsync.core.catalogue import plural
from sheetsync.core.leads import Lead
from sheetsync.core.result import Finding, found
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
        self.research = _missing_of(rules.handoff_fields("research"))
        self.qualification = _missing_of(rules.handoff_fields("qualification"))
        self.outreach = _missing_of(rules.handoff_fields("outreach"))
        self.crm = _missing_of(rules.handoff_fields("crm"))

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def finding(self, lead: Lead, key: str, rule: str, **fields: object) -> None:
        """Note the finding `rule` on `lead`'s cell of `key`."""
        header = self.header(key)
        self.out.append(found(
            rule, sheet=self.sheet, row=lead.row, column=header, lead=lead.name(),
            **fields,
        ))


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
    """Every handoff and qualification finding for the lead log, in row order."""
    ctx = _Ctx(sheet, headers, rules, as_of)
    for lead in leads:          # each handoff returns at once where it does not apply
        _research(lead, ctx)
        _qualification(lead, ctx)
        _outreach(lead, ctx)
        _follow_up(lead, ctx)
        _crm(lead, ctx)
    return ctx.out


def _missing_of(keys: list[str]) -> Callable[[Lead], list[str]]:
    """A function giving the `keys` a lead leaves empty, in order.

    Text is stripped when parsed, so "" (and None) is what "missing" looks like.  The
    usual answer, nothing missing, costs one C-level fetch of all the fields.
    """
    if not keys:
        return lambda lead: []
    fetch = attrgetter(*keys)
    if len(keys) == 1:
        only = keys[0]
        return lambda lead: [] if fetch(lead) else [only]

    def missing(lead: Lead) -> list[str]:
        got = fetch(lead)
        return [] if all(got) else [k for k, v in zip(keys, got, strict=True) if not v]

    return missing


def _research(lead: Lead, ctx: _Ctx) -> None:
    """Research → qualification: research complete before a Decision."""
    if lead.decision is None:
        return
    missing = ctx.research(lead)
    if missing:
        names = ", ".join(ctx.header(k) for k in missing)
        ctx.finding(lead, missing[0], "research-incomplete", names=names)


def _qualification(lead: Lead, ctx: _Ctx) -> None:
    """Qualification → outreach: a Decision needs a reason and evidence; pursue meets criteria."""
    if lead.decision is None:
        return
    for key in ctx.qualification(lead):
        ctx.finding(lead, key, _DECISION_NEEDS.get(key, "decision-needs-field"),
                    decision=lead.decision, example=_WHY_EXAMPLE.get(lead.decision, ""))
    if lead.decision != "pursue":
        return
    r = ctx.rules
    if lead.budget is not None and lead.budget < r.budget_min:
        ctx.finding(lead, "budget", "below-budget-minimum",
                    budget=money(lead.budget), minimum=money(r.budget_min))
    if r.decision_maker_required and lead.decision_maker is False:
        ctx.finding(lead, "decision_maker", "no-decision-maker")
    if lead.timeline is not None and lead.timeline > r.max_timeline_days:
        ctx.finding(lead, "timeline", "timeline-too-long",
                    timeline=f"{lead.timeline:.0f}", maximum=f"{r.max_timeline_days:.0f}")
    if lead.problem_fit is False or (
        lead.problem_fit is None
        and lead.probable_problem
        and ctx.keywords
        and not any(k in lead.probable_problem.casefold() for k in ctx.keywords)
    ):
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


def _outreach(lead: Lead, ctx: _Ctx) -> None:
    """Outreach only for pursue leads with evidence; high-value or sensitive need approval."""
    if lead.sent_date is None:
        return
    if lead.decision != "pursue":
        # A follow-up is for pursued leads; a past message cannot be unsent, so what can
        # be fixed is the touch still scheduled (clearing it never asks for another).
        if lead.next_touch_date is not None and lead.reply_status not in ctx.stop:
            ctx.finding(lead, "next_touch_date", "outreach-not-pursued",
                        decision=lead.decision or "undecided")
    elif not lead.has("evidence"):
        ctx.finding(lead, "evidence", "outreach-without-evidence")
    if not lead.has("approved_by") and _sensitive(lead, ctx):
        ctx.finding(lead, "approved_by", "outreach-needs-approval")


def _follow_up(lead: Lead, ctx: _Ctx) -> None:
    """Outreach → follow-up: a next touch and a stop condition; no touch after a stop reply."""
    stopped = lead.reply_status in ctx.stop
    done = lead.touches is not None and 0 < ctx.rules.max_touches <= lead.touches
    if stopped and lead.next_touch_date is not None:
        ctx.finding(lead, "next_touch_date", "touch-after-stop-reply",
                    reply=replied(lead.reply_status))
    if (lead.sent_date is None or stopped or done or lead.stage in ctx.closed
            or lead.decision != "pursue"):
        return
    soon = day(ctx.as_of + dt.timedelta(days=2))
    for key in ctx.outreach(lead):
        ctx.finding(lead, key, _SENT_NEEDS.get(key, "sent-needs-field"), example=soon)
    window = ctx.rules.follow_up_window_days
    if lead.next_touch_date is not None and (lead.next_touch_date - lead.sent_date).days > window:
        ctx.finding(lead, "next_touch_date", "next-touch-outside-window", window=window,
                    latest=day(lead.sent_date + dt.timedelta(days=window)))


def _crm(lead: Lead, ctx: _Ctx) -> None:
    """CRM hygiene: every open lead has stage, last/next action and a date; none overdue."""
    if lead.stage in ctx.closed and lead.closed_date is None:
        ctx.finding(lead, "closed_date", "closed-without-date", stage=lead.stage,
                    example=day(ctx.as_of))
    if lead.stage == "won" and lead.deal_size is None:
        ctx.finding(lead, "deal_size", "won-without-deal-size",
                    example=money(lead.budget if lead.budget else 8000))
    # An open deal's close date is the date it is expected to close (a CRM's CloseDate).
    if (lead.closed_date and lead.date_in and lead.closed_date < lead.date_in
            and lead.stage in ctx.closed):
        ctx.finding(lead, "closed_date", "closed-before-date-in")
    if not is_open(lead, ctx.rules):
        return
    for key in ctx.crm(lead):
        ctx.finding(lead, key, _OPEN_NEEDS.get(key, "open-lead-needs-field"),
                    example=day(ctx.as_of + dt.timedelta(days=7)))
    if lead.next_action_date is not None and lead.next_action_date < ctx.as_of:
        late = (ctx.as_of - lead.next_action_date).days
        ctx.finding(lead, "next_action_date", "next-action-overdue",
                    late=plural(late, "day"), action=lead.next_action or "no next action")
