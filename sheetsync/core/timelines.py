"""Timelines as people say them: `45 days`, `3 weeks`, `this quarter`, `Q1`, `by March`.

A buyer's timeline is how many days from the as-of date until they want to start.
Durations ("45 days", "6w", "2 months", "within 3 weeks") are read by
`values.parse_days`; calendar phrases are counted from the as-of date to the end
of the period they name:

- `asap`, `now`, `today` → 0 days;
- `this week / month / quarter / year`, `end of month / quarter / year`;
- `next week / month / quarter / year`;
- `Q1`..`Q4` and `H1` / `H2`, with or without a year (`Q1 2027`, `Q3'27`): the next such
  period that has not ended;
- a month (`March`, `by March`, `end of March`, `March 2027`): the end of its next
  occurrence.

A period that has already ended (`Q1 2025`) or an unknown phrase is an error, never
a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from sheetsync.core import values
from sheetsync.core.dates import MONTHS
from sheetsync.workbook import Value

_LEAD_IN = re.compile(
    r"^(?:by|before|until|till|in|within|during|for|around|start of|"
    r"early|mid|late|end of|the end of|by the end of|by end of|eo)\s+"
)
_THE = re.compile(r"^(?:the|this coming)\s+")
_PERIOD = re.compile(r"(this|next|current|coming)?\s*(week|month|quarter|qtr|year)")
_QUARTER = re.compile(r"([qh])\s*([1-4])(?:\s*(?:of\s+)?(?:'|’)?(\d{2}|\d{4}))?")
_QUARTER_FIRST = re.compile(r"(\d{4})\s*[-/ ]?\s*([qh])\s*([1-4])")
_MONTH = re.compile(r"([a-z]+)\.?(?:\s+(\d{4}))?")
_NOT_A_TIMELINE = "is not a timeline (write e.g. 45 days, 3 weeks, next month or Q1)"


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _quarter_end(year: int, quarter: int) -> dt.date:
    return _month_end(year, quarter * 3)


def _period_end(unit: str, as_of: dt.date, ahead: int) -> dt.date:
    """The last day of this (`ahead`=0) or the next (`ahead`=1) week/month/quarter/year."""
    if unit == "week":
        return as_of + dt.timedelta(days=6 - as_of.weekday() + 7 * ahead)
    if unit == "month":
        month = as_of.month - 1 + ahead
        return _month_end(as_of.year + month // 12, month % 12 + 1)
    if unit in ("quarter", "qtr"):
        q = (as_of.month - 1) // 3 + ahead
        return _quarter_end(as_of.year + q // 4, q % 4 + 1)
    return dt.date(as_of.year + ahead, 12, 31)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    return 2000 + int(text) if len(text) == 2 else int(text)


def _named_period(kind: str, number: int, year: int | None, as_of: dt.date) -> dt.date:
    """The end of Qn / Hn in `year`, or the next one not yet ended."""
    months = 3 * number if kind == "q" else 6 * number
    if year is not None:
        return _month_end(year, months)
    end = _month_end(as_of.year, months)
    return end if end >= as_of else _month_end(as_of.year + 1, months)


def _phrase_end(t: str, as_of: dt.date) -> dt.date | None:
    """The last day the phrase `t` (casefolded, no lead-in) allows, or None."""
    m = _PERIOD.fullmatch(t)
    if m:
        ahead = 1 if m[1] in ("next", "coming") else 0
        return _period_end(m[2], as_of, ahead)
    m = _QUARTER.fullmatch(t)
    if m:
        return _named_period(m[1], int(m[2]), _year(m[3]), as_of)
    m = _QUARTER_FIRST.fullmatch(t)
    if m:
        return _named_period(m[2], int(m[3]), int(m[1]), as_of)
    m = _MONTH.fullmatch(t)
    if m and m[1] in MONTHS:
        month = MONTHS[m[1]]
        year = _year(m[2])
        if year is not None:
            return _month_end(year, month)
        end = _month_end(as_of.year, month)
        return end if end >= as_of else _month_end(as_of.year + 1, month)
    return None


@lru_cache(maxsize=4096)
def _timeline_text(text: str, as_of: dt.date) -> float:
    t = " ".join(text.strip().casefold().rstrip("!.").split())
    for _ in range(3):                                   # "by the end of", "in the"
        t = _THE.sub("", _LEAD_IN.sub("", t))
    end = _phrase_end(t, as_of)
    if end is None:
        try:
            days = values.parse_days(t)               # "within 3 weeks" -> "3 weeks"
        except ValueError:
            days = None
        if days is None:
            raise ValueError(f"“{values.text_of(text)}” {_NOT_A_TIMELINE}") from None
        return days
    if end < as_of:
        raise ValueError(f"“{values.text_of(text)}” has already passed; write when the"
                         " buyer wants to start now (e.g. next month or 45 days)")
    return float((end - as_of).days)


def parse_timeline(v: Value, as_of: dt.date | None) -> float | None:
    """A timeline in days from `as_of`: a duration, or a phrase people use (see above)."""
    try:
        return values.parse_days(v)
    except ValueError as exc:
        if as_of is None or not isinstance(v, str):
            raise
        if "range" in str(exc):
            raise
        return _timeline_text(v, as_of)
