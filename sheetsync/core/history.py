"""History filled back from the lead log: the five counters for every past week.

A first sync finds History empty although the log may hold months of weeks.  Each
past week's row is what `measure()` would have said with an as-of date in that week
(DESIGN.md §3: the window is the `window_weeks` whole weeks before the as-of week),
but computed in one pass over the leads: every lead is dropped into the week it came
in and the week it closed, and each as-of week then sums the buckets of its window.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter as Tally
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter

from sheetsync.core.leads import Lead
from sheetsync.core.result import Metrics
from sheetsync.core.rules import Rules

# A log whose dates reach back further (a typo such as 1926) fills no more rows than this.
MAX_WEEKS = 260
CLOSED = frozenset(("won", "lost"))


COUNTERS = ("leads_per_week", "qualified_rate", "conversion_rate", "average_deal_size",
            "cycle_time_days")
UNITS = {"leads_per_week": "per_week", "qualified_rate": "rate", "conversion_rate": "rate",
         "average_deal_size": "money", "cycle_time_days": "days"}


@dataclass(frozen=True)
class Counter:
    """One counter's value and the n it rests on (value None when n is 0)."""

    value: float | None
    n: int


@dataclass(frozen=True)
class PastWeek:
    """The five counters as a sync in week `week` would have measured them."""

    week: str                 # "2026-W44"
    as_of: dt.date            # the Monday of that week
    leads_per_week: Counter
    qualified_rate: Counter
    conversion_rate: Counter
    average_deal_size: Counter
    cycle_time_days: Counter


def _counts(slots: list[int], size: int) -> list[int]:
    """How many of `slots` fall in each of `size` weeks (-1: outside them)."""
    tally = Tally(slots)
    return [tally.get(i, 0) for i in range(size)]


def week_label(day: dt.date) -> str:
    """The ISO week of `day` as History names it: "2026-W44"."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def monday(day: dt.date) -> dt.date:
    """The Monday of `day`'s week (a datetime's date's)."""
    day = day.date() if isinstance(day, dt.datetime) else day
    return day - dt.timedelta(days=day.weekday())


def past_weeks(leads: list[Lead], as_of: dt.date, rules: Rules) -> list[PastWeek]:
    """A row per week from the first one whose window holds a lead in, up to the week
    before the as-of week, oldest first (empty when the log has no Date in)."""
    this_monday = monday(as_of)
    date_ins = list(map(attrgetter("date_in"), leads))
    firsts = [d for d in set(date_ins) if d is not None and d < this_monday]
    if not firsts:
        return []
    start = max(monday(min(firsts)) + dt.timedelta(weeks=1),
                this_monday - dt.timedelta(weeks=MAX_WEEKS))
    count = (this_monday - start).days // 7          # as-of weeks to fill
    ww = rules.window_weeks
    origin = start - dt.timedelta(weeks=ww)          # bucket 0: the first window's first week
    size = count + ww
    weeks: dict[dt.date | None, int] = {None: -1}    # each distinct date's week, once

    def slot(d: dt.date | None) -> int:
        found = weeks.get(d)
        if found is None:
            k = (d - origin).days                     # type: ignore[operator]
            found = weeks[d] = k // 7 if 0 <= k < 7 * size else -1
        return found

    # The one pass over the log, column-wise: a week per Date in, counted in C.
    ins = list(map(slot, date_ins))
    decisions = list(map(attrgetter("decision"), leads))
    came = _counts(ins, size)
    decided = _counts([i for i, d in zip(ins, decisions, strict=True) if d is not None], size)
    pursued = _counts([i for i, d in zip(ins, decisions, strict=True) if d == "pursue"], size)
    won = [0] * size
    closed = [0] * size
    deals: list[list[float]] = [[] for _ in range(size)]
    cycles: list[list[float]] = [[] for _ in range(size)]
    closers = compress(leads, map(CLOSED.__contains__, map(attrgetter("stage"), leads)))
    for lead in closers:                              # won or lost: a few of the leads
        j = slot(lead.closed_date)
        if j < 0:
            continue
        if lead.decision == "pursue":
            closed[j] += 1
            won[j] += lead.stage == "won"
        if lead.stage == "won":
            if lead.deal_size is not None:
                deals[j].append(lead.deal_size)
            if lead.date_in is not None and lead.closed_date >= lead.date_in:  # type: ignore[operator]
                cycles[j].append(float((lead.closed_date - lead.date_in).days))  # type: ignore[operator]

    out = []
    for a in range(count):                            # as-of week a: window is a .. a+ww-1
        span = slice(a, a + ww)
        n_in, n_dec, n_closed = sum(came[span]), sum(decided[span]), sum(closed[span])
        sizes = [v for week in deals[span] for v in week]
        days = [v for week in cycles[span] for v in week]
        week_start = start + dt.timedelta(weeks=a)
        out.append(PastWeek(
            week=week_label(week_start), as_of=week_start,
            leads_per_week=Counter(n_in / ww, n_in),
            qualified_rate=Counter(sum(pursued[span]) / n_dec if n_dec else None, n_dec),
            conversion_rate=Counter(sum(won[span]) / n_closed if n_closed else None, n_closed),
            average_deal_size=Counter(statistics.fmean(sizes) if sizes else None, len(sizes)),
            cycle_time_days=Counter(statistics.median(days) if days else None, len(days)),
        ))
    return out



TREND_WEEKS = 12          # weeks in the printed trend


def current_week(metrics: Metrics, as_of: dt.date) -> PastWeek:
    """This as-of week's counters, as `measure()` gave them."""
    def c(key: str) -> Counter:
        m = getattr(metrics, key)
        return Counter(m.value, m.n)

    return PastWeek(week_label(as_of), as_of, *(c(k) for k in COUNTERS))


def trend(leads: list[Lead], metrics: Metrics, as_of: dt.date, rules: Rules,
          weeks: int = TREND_WEEKS) -> list[PastWeek]:
    """The last `weeks` as-of weeks up to this one: what the printed trend draws."""
    return past_weeks(leads, as_of, rules)[-(weeks - 1):] + [current_week(metrics, as_of)]
