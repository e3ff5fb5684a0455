"""Owner coaching: each owner's rates against the team median, and each owner's workload.

Over `coaching_weeks` whole weeks before the as-of week (default 13: a quarter, so a
slow-closing owner is judged on enough deals — four weeks made Kim look "above the
median" on the demo while over the whole log Kim converts 19% against 43–52%):

- conversion rate (won ÷ won + lost among pursued leads closed in the window) and
  qualified rate (pursue ÷ decided among leads that came in), each with its n, its
  likely range (95% Wilson interval) and a low-sample mark under `min_sample`;
- the team median over the owners with enough of a sample;
- a gap is *real* only when the owner has enough of a sample and the team median lies
  outside the owner's likely range;
- open leads per owner (workload): leads that still need work.

One pass over the log for the counts.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from sheetsync.core.catalogue import plural, say
from sheetsync.core.leads import Lead
from sheetsync.core.metrics import wilson, windows
from sheetsync.core.result import Interval, OwnerGap, Review, Window
from sheetsync.core.rules import Rules
from sheetsync.core.text import pct

METRICS = ("conversion_rate", "qualified_rate")
_EPS = 1e-9                     # 10 of 10 has an upper bound of 0.9999999999999999
_WHAT = {"conversion_rate": "conversion", "qualified_rate": "qualified rate"}
_NOUN = {"conversion_rate": ("closed deal", "closed deals"),
         "qualified_rate": ("decided lead", "decided leads")}


def coaching_window(as_of: dt.date, rules: Rules) -> Window:
    """The last `coaching_weeks` whole ISO weeks before the as-of week."""
    return windows(as_of, max(1, rules.coaching_weeks))[0]


def owner_gaps(leads: list[Lead], rules: Rules, as_of: dt.date
               ) -> tuple[list[OwnerGap], dict[str, int]]:
    """(each owner's rates against the team median, open leads per owner)."""
    w = coaching_window(as_of, rules)
    hits: Counter[tuple[str, str]] = Counter()
    tries: Counter[tuple[str, str]] = Counter()
    open_leads: Counter[str] = Counter()
    closed = set(rules.closed_stages)
    start, end = w.start, w.end
    for lead in leads:
        owner = lead.owner
        if not owner:
            continue
        decision, stage = lead.decision, lead.stage
        if decision == "pursue" and stage in ("won", "lost"):
            closed_on = lead.closed_date
            if closed_on is not None and start <= closed_on <= end:
                tries[owner, "conversion_rate"] += 1
                hits[owner, "conversion_rate"] += stage == "won"
        if decision is not None:
            came = lead.date_in
            if came is not None and start <= came <= end:
                tries[owner, "qualified_rate"] += 1
                hits[owner, "qualified_rate"] += decision == "pursue"
        if decision not in ("skip", "nurture") and stage not in closed and stage != "nurture":
            open_leads[owner] += 1
    gaps: list[OwnerGap] = []
    k = rules.min_sample
    for metric in METRICS:
        owners = sorted({o for o, m in tries if m == metric}, key=str.casefold)
        rates = {o: hits[o, metric] / tries[o, metric] for o in owners}
        usable = [rates[o] for o in owners if tries[o, metric] >= k]
        median = statistics.median(usable) if len(usable) >= 2 else None
        for o in owners:
            n = tries[o, metric]
            interval = wilson(hits[o, metric], n)
            real = (median is not None and n >= k and interval is not None
                    and not interval.low - _EPS <= median <= interval.high + _EPS)
            gaps.append(OwnerGap(
                owner=o, metric=metric, value=rates[o], team_median=median,
                gap=None if median is None else rates[o] - median, n=n, low_sample=n < k,
                interval=interval, real=real, open_leads=open_leads[o]))
    return gaps, dict(sorted(open_leads.items(), key=lambda x: (-x[1], x[0].casefold())))



def likely_range(interval: Interval | None) -> str:
    """A rate's likely range as the operator reads it: "8–38%" ("" without one)."""
    if interval is None:
        return ""
    return f"{pct(interval.low).removesuffix('%')}–{pct(interval.high)}"


def owner_gap_line(gap: OwnerGap) -> str:
    """One owner's rate in words: "Kim: conversion 19% of 27 closed deals (likely 8–38%),
    against the team median of 45%."."""
    one, many = _NOUN.get(gap.metric, ("lead", "leads"))
    sample = plural(gap.n, one, many)
    what = _WHAT.get(gap.metric, gap.metric.replace("_", " "))
    if gap.low_sample or gap.interval is None:
        return say("coaching-too-few", owner=gap.owner, what=what, value=pct(gap.value),
                   sample=sample)
    likely = likely_range(gap.interval)
    if gap.team_median is None:
        return say("coaching-no-median", owner=gap.owner, what=what, value=pct(gap.value),
                   sample=sample, likely=likely)
    key = ("coaching-below" if (gap.gap or 0) < 0 else "coaching-above") if gap.real \
        else "coaching-in-line"
    return say(key, owner=gap.owner, what=what, value=pct(gap.value), sample=sample,
               likely=likely, median=pct(gap.team_median))


def coaching_lines(review: Review) -> list[str]:
    """The Review's coaching section: the real gaps, then each owner's open leads."""
    lines = [owner_gap_line(g) for g in review.owner_gaps if g.real]
    if review.owner_gaps and not lines:
        lines.append(say("coaching-no-gap", weeks=plural(review.coaching_weeks, "week")))
    if review.open_leads_by_owner:
        load = ", ".join(f"{o} {n}" for o, n in review.open_leads_by_owner.items())
        lines.append(say("coaching-workload", load=load))
    return lines
