"""How numbers are said to a person: rates as %, money with separators, n beside each."""

from __future__ import annotations

from sheetsync.core.result import Metric
from sheetsync.core.rules import Rules

_NOUNS = {
    "leads_per_week": "leads",
    "qualified_rate": "decided leads",
    "conversion_rate": "closed pursued leads",
    "average_deal_size": "won deals",
    "cycle_time_days": "won deals",
}


def pct(x: float | None) -> str:
    """0.345 -> '35%' (one decimal under 10%)."""
    if x is None:
        return "—"
    v = x * 100
    return f"{v:.1f}%" if 0 < v < 10 else f"{v:.0f}%"


def money(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}"


def days(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.0f} days" if x == int(x) else f"{x:.1f} days"


def number(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.0f}" if x == int(x) else f"{x:.1f}"


def count(n: int, noun: str, nouns: str | None = None) -> str:
    """8800, "row" -> '8,800 rows'; 1, "lead" -> '1 lead'."""
    return f"{n:,} {noun if n == 1 else (nouns or noun + 's')}"


def show(metric: Metric) -> str:
    """The metric's value as a person reads it, by its unit."""
    return {"rate": pct, "money": money, "days": days, "per_week": number}[metric.unit](
        metric.value
    )


def show_value(value: float | None, unit: str) -> str:
    return {"rate": pct, "money": money, "days": days, "per_week": number}[unit](value)


def describe_metric(counter: str, metric: Metric, rules: Rules) -> str:
    """The Why of a measured counter: n, the interval, the trend, a low-sample flag."""
    noun = _NOUNS.get(counter, "rows")
    parts = [f"n={metric.n} {noun}"]
    if metric.interval is not None:
        parts.append(f"95% interval {pct(metric.interval.low)}–{pct(metric.interval.high)}")
    if metric.mean is not None:
        parts.append(f"mean {days(metric.mean)}")
    if metric.previous is not None:
        parts.append(
            f"previous {rules.window_weeks} weeks {show_value(metric.previous, metric.unit)}"
            f" (n={metric.previous_n})"
        )
    text = "; ".join(parts)
    if metric.low_sample:
        text += f"; low sample (under {rules.min_sample}), not used for the diagnosis"
    return text
