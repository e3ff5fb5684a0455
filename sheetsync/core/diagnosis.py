"""One sentence a person would say: where to spend the next two weeks.

Walk the pipeline (DESIGN.md §3): low lead volume → a single input source; low
qualified rate → the inputs (name the source with the worst rate); low conversion on
qualified leads → the offer or the call structure; low deal size → priced as custom
work.  The most upstream problem wins; a low-sample rate never drives a diagnosis.
With nothing measurable, the leak to fix this week speaks.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _usable(m: Metric, rules: Rules) -> bool:
    return m.value is not None and m.n >= rules.min_sample


def _trend(name: str, m: Metric, fmt: Callable[[float | None], str], rules: Rules) -> str:
    """"X fell from A to B" when the previous window was usable and higher, else "X is B"."""
    before, now = m.previous, m.value
    if before is not None and now is not None and m.previous_n >= rules.min_sample and before > now:
        return f"{name} fell from {fmt(before)} to {fmt(now)}"
    return f"{name} is {fmt(now)}"


def worst_source(sources: list[Breakdown], rules: Rules) -> Breakdown | None:
    """The source with the lowest qualified rate among those with enough decisions."""
    usable = [s for s in sources if _usable(s.qualified_rate, rules)]
    if not usable:
        return None
    return min(usable, key=lambda s: (s.qualified_rate.value or 0.0, -s.qualified_rate.n))


def diagnose(metrics: Metrics, fix: Leak | None, rules: Rules) -> str:
    """The diagnosis sentence for this window."""
    d = rules.diagnosis
    lpw, q, c, size = (
        metrics.leads_per_week,
        metrics.qualified_rate,
        metrics.conversion_rate,
        metrics.average_deal_size,
    )
    active = [s for s in metrics.by_source if s.leads > 0]
    if lpw.value is not None and lpw.n > 0 and lpw.value < d.min_leads_per_week and len(
        active
    ) <= 1:
        where = f", all from {active[0].name}" if active else ""
        return (
            f"Only {number(lpw.value)} leads a week come in{where} — add a second,"
            " intentional input source."
        )
    if _usable(q, rules) and q.value < d.min_qualified_rate:  # type: ignore[operator]
        worst = worst_source(metrics.by_source, rules)
        head = _trend("Qualified rate", q, pct, rules)
        if worst is not None:
            return f"{head} — {worst.name} is bringing leads that fail your criteria."
        return f"{head} — your inputs are pulling in the wrong people."
    if _usable(c, rules) and c.value < d.min_conversion_rate:  # type: ignore[operator]
        head = _trend("Conversion rate on qualified leads", c, pct, rules)
        return f"{head} — the offer or the call structure is broken, not the leads."
    if _usable(size, rules) and size.value < d.min_average_deal_size:  # type: ignore[operator]
        head = _trend("Average deal size", size, money, rules)
        return (f"{head} — you are priced as custom work; sell one productized offer"
                " at a fixed price.")
    if fix is not None:
        what = _LEAK_ADVICE.get(fix.kind, f"leaks ({fix.kind})")
        return f"{fix.stage} {what} — define it this week; it is the most upstream leak."
    if any(m.value is not None for m in (lpw, q, c, size)):
        return "No leak in the numbers this window — keep the system as it is and watch the trend."
    return "No leads in the window yet — log every lead with its Date in and Source."
