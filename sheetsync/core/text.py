"""How numbers are said to a person: rates as %, money with separators, n beside each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from sheetsync.core.catalogue import plural, say
from sheetsync.core.result import Metric
from sheetsync.core.rules import Rules


@lru_cache(maxsize=4096)
def day(d: dt.date) -> str:
    """A date as people write it: 13 Nov 2026 (never 2026-11-13, never a week number).

    Cached: a big log says the same few hundred dates in tens of thousands of findings.
    """
    return f"{d.day} {d:%b %Y}"


_CURRENCY: ContextVar[str] = ContextVar("sheetsync_currency", default="")


def capital(text: str) -> str:
    """`text` with its first letter a capital: a clause that starts a sentence."""
    return text[:1].upper() + text[1:]


def small(text: str) -> str:
    """`text` with its first letter small: a sentence going on after a dash or a colon."""
    return text[:1].lower() + text[1:]


@contextmanager
def currency(symbol: str) -> Iterator[None]:
    """Money is said with `symbol` ("$", "€", "£" or "") inside this block.

    The workbook's currency is inferred once per check (`values.infer_currency`) and
    every surface that says money (sheet, Review, PDF, terminal) says it through here.
    """
    token = _CURRENCY.set(symbol)
    try:
        yield
    finally:
        _CURRENCY.reset(token)


def rounded(x: float, places: int = 0) -> Decimal:
    """`x` rounded half up, as a spreadsheet shows it (1.25 -> 1.3, not Python's 1.2)."""
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


_REPLIED = {"negative": "said no", "bounce": "could not be reached (the message bounced)",
            "opt-out": "asked not to be contacted", "positive": "replied with interest",
            "neutral": "replied"}


def replied(status: str | None) -> str:
    """A Reply status as a person says it: 'bounce' -> 'could not be reached (...)'."""
    return _REPLIED.get(status or "", f"replied {status}")


def shown(x: float, unit: str) -> Decimal:
    """`x` rounded as the operator sees it, half up (the one rounding of every surface):
    a rate as a percent, whole or a tenth under 10%; money and days to the unit;
    anything else to a tenth."""
    if unit == "rate":
        tenth = rounded(x * 100, 1)
        return tenth if 0 < tenth < 10 else rounded(x * 100)
    if unit in ("money", "days"):
        return rounded(x)
    return rounded(x, 1)


def pct(x: float | None) -> str:
    """0.345 -> '35%'; one decimal under 10% ('6.5%'); the sheet's percent format agrees."""
    if x is None:
        return "—"
    return f"{shown(x, 'rate')}%"


def money(x: float | None) -> str:
    """8800 -> '$8,800' in a workbook whose prices are written in dollars."""
    if x is None:
        return "—"
    return f"{_CURRENCY.get()}{shown(x, 'money'):,}"


def days(x: float | None) -> str:
    """Whole days, as the sheet's days format shows them: '31 days'."""
    if x is None:
        return "—"
    return plural(int(shown(x, "days")), "day")


def number(x: float | None) -> str:
    """One decimal, as the sheet shows it: 16.75 -> '16.8', 2 -> '2.0'."""
    if x is None:
        return "—"
    return f"{shown(x, 'number')}"


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


_WHY = {
    "leads_per_week": "why-leads-per-week",
    "qualified_rate": "why-qualified-rate",
    "conversion_rate": "why-conversion-rate",
    "average_deal_size": "why-average-deal-size",
    "cycle_time_days": "why-cycle-time-days",
}


def describe_metric(counter: str, metric: Metric, rules: Rules) -> str:
    """The Why of a measured counter: what it rests on, the likely range, the weeks
    before, and whether it is under the Rules minimum or too few to judge."""
    iv = metric.interval
    count: object = metric.n
    if counter in ("average_deal_size", "cycle_time_days"):
        count = plural(metric.n, "won deal")
    elif counter == "leads_per_week":
        count = plural(metric.n, "lead")
    parts = [say(_WHY.get(counter, "why-leads-per-week"),
                 value=show(metric), count=count, weeks=rules.window_weeks,
                 low=pct(iv.low) if iv else "—", high=pct(iv.high) if iv else "—",
                 mean=days(metric.mean))]
    if metric.previous is not None:
        parts.append(say("why-before", weeks=rules.window_weeks,
                         value=show_value(metric.previous, metric.unit)))
    if metric.status == "below-target":
        floor = getattr(rules.diagnosis, f"min_{counter}", None)
        parts.append(say("why-below-target", target=show_value(floor, metric.unit)))
    elif metric.status == "low-sample":
        parts.append(say("why-low-sample", minimum=rules.min_sample))
    return " ".join(parts)
