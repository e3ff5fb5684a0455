"""One sentence a person would say: where to spend the next two weeks.

Walk the pipeline backward (the worksheet's "finding the leak"), most upstream first:

- low lead volume → one input source that is not producing (add a second one), or,
  with several sources, the best of them to grow (the highest qualified rate);
- low qualified rate → the inputs (name the source with the worst rate);
- low conversion on qualified leads → the offer or the call structure;
- low deal size → priced as custom work;
- pursued leads but no deal closed in the window yet: its own state, not "untracked".

A low-sample rate never drives a diagnosis.  Every comparison is made on the number as
the operator sees it (24.6% shows as 25% and is not under a 25% minimum).  With nothing
measurable, the leak to fix this week speaks.
"""

from __future__ import annotations

from collections.abc import Callable

from sheetsync.core import text
from sheetsync.core.catalogue import plural, say
from sheetsync.core.result import Breakdown, Leak, Metric, Metrics
from sheetsync.core.rules import Rules
from sheetsync.core.text import money, number, pct

_LEAK_ADVICE = {
    "blank": "is blank",
    "none": "says there is none",
    "untracked": "is not tracked",
    "varies": "varies",
    "single-source": "is missing: only one source brings leads",
}


def shown(value: float, unit: str) -> float:
    """`value` as the operator sees it (text.shown), a rate back as a fraction: the
    number a comparison with a target is made on."""
    v = float(text.shown(value, unit))
    return v / 100 if unit == "rate" else v


def _usable(m: Metric, rules: Rules) -> bool:
    return m.value is not None and m.n >= rules.min_sample


def _below(m: Metric, floor: float) -> bool:
    """The value as shown is under `floor`."""
    return m.value is not None and shown(m.value, m.unit) < floor


def _trend(m: Metric, fmt: Callable[[float | None], str], rules: Rules) -> str:
    """"fell from A to B" when the previous window was usable and shows higher, else
    "is B"."""
    before, now = m.previous, m.value
    if (before is not None and now is not None and m.previous_n >= rules.min_sample
            and shown(before, m.unit) > shown(now, m.unit)):
        return say("trend-fell", before=fmt(before), now=fmt(now))
    return say("trend-is", now=fmt(now))


def worst_source(sources: list[Breakdown], rules: Rules) -> Breakdown | None:
    """The source with the lowest qualified rate among those with enough decisions."""
    usable = [s for s in sources if _usable(s.qualified_rate, rules)]
    if not usable:
        return None
    return min(usable, key=lambda s: (s.qualified_rate.value or 0.0, -s.qualified_rate.n))


def best_source(sources: list[Breakdown], rules: Rules) -> Breakdown | None:
    """The source to grow: the best qualified rate among those with enough decisions,
    else the one that brought the most leads; None when none stands out (a tie)."""
    active = [s for s in sources if s.leads > 0 and s.name != "(none)"]
    usable = [s for s in active if _usable(s.qualified_rate, rules)]
    if usable:
        return max(usable, key=lambda s: (s.qualified_rate.value or 0.0, s.leads))
    ranked = sorted(active, key=lambda s: s.leads, reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0].leads == ranked[1].leads):
        return None
    return ranked[0]


def no_closed_deals(metrics: Metrics, *, won: bool = False) -> bool:
    """Pursued leads came in, but no pursued deal closed (won or lost; with `won`, won)
    in the window."""
    q, c = metrics.qualified_rate, metrics.conversion_rate
    pursued = round((q.value or 0.0) * q.n)
    closed = metrics.average_deal_size.n + metrics.cycle_time_days.n if won else c.n
    return closed == 0 and pursued > 0


def _low_volume(lpw: Metric, metrics: Metrics, rules: Rules) -> str:
    active = [s for s in metrics.by_source if s.leads > 0 and s.name != "(none)"]
    if len(active) <= 1:
        if active:
            return say("diagnosis-one-source", value=number(lpw.value), source=active[0].name)
        return say("diagnosis-no-source", value=number(lpw.value))
    best = best_source(active, rules)
    if best is None:
        return say("diagnosis-grow-any", value=number(lpw.value),
                   sources=plural(len(active), "source"))
    q = best.qualified_rate
    if _usable(q, rules):
        why = say("diagnosis-best-source-rate", rate=pct(q.value),
                  decided=plural(q.n, "decided lead"))
    else:
        why = say("diagnosis-best-source-volume", leads=plural(best.leads, "lead"))
    return say("diagnosis-grow-source", value=number(lpw.value),
               sources=plural(len(active), "source"), source=best.name, why=why)


def diagnose(metrics: Metrics, fix: Leak | None, rules: Rules) -> str:
    """The diagnosis sentence for this window."""
    d = rules.diagnosis
    lpw, q, c, size = (
        metrics.leads_per_week,
        metrics.qualified_rate,
        metrics.conversion_rate,
        metrics.average_deal_size,
    )
    if lpw.n > 0 and _below(lpw, d.min_leads_per_week):
        return _low_volume(lpw, metrics, rules)
    if _usable(q, rules) and _below(q, d.min_qualified_rate):
        worst = worst_source(metrics.by_source, rules)
        trend = _trend(q, pct, rules)
        if worst is not None:
            return say("diagnosis-worst-source", trend=trend, source=worst.name)
        return say("diagnosis-wrong-people", trend=trend)
    if _usable(c, rules) and _below(c, d.min_conversion_rate):
        return say("diagnosis-offer-or-call", trend=_trend(c, pct, rules))
    if _usable(size, rules) and _below(size, d.min_average_deal_size):
        return say("diagnosis-custom-pricing", trend=_trend(size, money, rules))
    if no_closed_deals(metrics) and (fix is None or fix.stage in _CLOSING_STAGES):
        return say("diagnosis-no-closed-deals", weeks=plural(metrics.window.weeks, "week"))
    if fix is not None:
        what = _LEAK_ADVICE.get(fix.kind, f"leaks ({fix.kind})")
        return f"{fix.stage} {what} — define it this week; it is the most upstream leak."
    if any(m.value is not None for m in (lpw, q, c, size)):
        return say("diagnosis-on-target")
    return say("diagnosis-no-leads")


# Worksheet rows that only closed deals can measure.
_CLOSING_STAGES = frozenset({"Conversion rate %", "Average deal size", "Cycle time (days)"})
