"""The five counters, measured from the lead log exactly as DESIGN.md §3 defines them.

- Window: the last `window_weeks` whole ISO weeks (Mon–Sun) before the as-of week;
  the previous window is the same length just before it.
- Leads per week: leads with Date in in the window ÷ window_weeks.
- Qualified rate: pursue ÷ decided, among leads with Date in in the window.
- Conversion rate: won ÷ (won + lost), among pursue leads closed in the window.
- Average deal size: mean Deal size of won leads closed in the window.
- Cycle time: median (Closed date − Date in) in days of won leads closed in the window.
Every value carries its n; n < min_sample marks it "low sample".
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable

from sheetsync.core.leads import Lead
from sheetsync.core.result import Breakdown, Interval, Metric, Metrics, WeekRow, Window
from sheetsync.core.rules import Rules

Z95 = 1.959963984540054


def windows(as_of: dt.date, weeks: int) -> tuple[Window, Window]:
    """(window, previous window) for an as-of date."""
    monday = as_of - dt.timedelta(days=as_of.weekday())
    end = monday - dt.timedelta(days=1)
    start = monday - dt.timedelta(weeks=weeks)
    prev_end = start - dt.timedelta(days=1)
    prev_start = start - dt.timedelta(weeks=weeks)
    return Window(start=start, end=end, weeks=weeks), Window(
        start=prev_start, end=prev_end, weeks=weeks
    )


def wilson(successes: int, n: int, z: float = Z95) -> Interval | None:
    """The Wilson score interval for a proportion (None when n is 0)."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(low=max(0.0, centre - half), high=min(1.0, centre + half))


def _inside(d: dt.date | None, w: Window) -> bool:
    return d is not None and w.start <= d <= w.end


def _rate(hits: int, n: int, min_sample: int) -> Metric:
    return Metric(
        value=hits / n if n else None,
        n=n,
        low_sample=n < min_sample,
        interval=wilson(hits, n),
        unit="rate",
    )


def qualified(leads: Iterable[Lead], w: Window) -> tuple[int, int]:
    """(pursued, decided) among leads whose Date in falls in `w`."""
    decided = pursued = 0
    for lead in leads:
        if lead.decision is not None and _inside(lead.date_in, w):
            decided += 1
            pursued += lead.decision == "pursue"
    return pursued, decided


def converted(leads: Iterable[Lead], w: Window, everyone: bool = False) -> tuple[int, int]:
    """(won, won + lost) among pursue leads closed in `w` (all leads when `everyone`:
    a log without a Decision column, DESIGN.md §8)."""
    won = closed = 0
    for lead in leads:
        if (everyone or lead.decision == "pursue") and lead.stage in ("won", "lost") and _inside(
            lead.closed_date, w
        ):
            closed += 1
            won += lead.stage == "won"
    return won, closed


def won_in(leads: Iterable[Lead], w: Window) -> list[Lead]:
    """Won leads whose Closed date falls in `w` (any decision)."""
    return [x for x in leads if x.stage == "won" and _inside(x.closed_date, w)]


def deal_sizes(won: Iterable[Lead]) -> list[float]:
    return [x.deal_size for x in won if x.deal_size is not None]


def cycle_days(won: Iterable[Lead]) -> list[float]:
    return [
        float((x.closed_date - x.date_in).days)
        for x in won
        if x.closed_date is not None and x.date_in is not None and x.closed_date >= x.date_in
    ]


def _leads_per_week(leads: list[Lead], w: Window, min_sample: int) -> Metric:
    n = sum(1 for x in leads if _inside(x.date_in, w))
    return Metric(value=n / w.weeks, n=n, low_sample=n < min_sample, unit="per_week")


def _mean_metric(sample: list[float], unit: str, min_sample: int) -> Metric:
    return Metric(
        value=statistics.fmean(sample) if sample else None,
        n=len(sample),
        low_sample=len(sample) < min_sample,
        unit=unit,  # type: ignore[arg-type]
    )


def _with_previous(now: Metric, before: Metric) -> Metric:
    return now.model_copy(update={"previous": before.value, "previous_n": before.n})


def _breakdown(
    leads: list[Lead], key: Callable[[Lead], str], w: Window, min_sample: int,
    everyone: bool = False,
) -> list[Breakdown]:
    groups: dict[str, list[Lead]] = defaultdict(list)
    for lead in leads:
        groups[key(lead) or "(none)"].append(lead)
    out = []
    for name, group in groups.items():
        in_window = sum(1 for x in group if _inside(x.date_in, w))
        won, closed = converted(group, w, everyone)
        pursued, decided = qualified(group, w)
        if not in_window and not closed:
            continue
        out.append(
            Breakdown(
                name=name,
                leads=in_window,
                leads_per_week=in_window / w.weeks,
                qualified_rate=_rate(pursued, decided, min_sample),
                conversion_rate=_rate(won, closed, min_sample),
                won=won,
                lost=closed - won,
            )
        )
    out.sort(key=lambda b: (-b.leads, b.name.casefold()))
    return out


def weekly(leads: list[Lead], last: dt.date, weeks: int, everyone: bool = False
           ) -> list[WeekRow]:
    """One row per ISO week, the `weeks` weeks ending with the week of `last` (one pass)."""
    first = last - dt.timedelta(days=last.weekday()) - dt.timedelta(weeks=weeks - 1)
    span = 7 * weeks

    def slot(d: dt.date | None) -> int | None:
        if d is None:
            return None
        days = (d - first).days
        return days // 7 if 0 <= days < span else None

    n = [0] * weeks
    decided = [0] * weeks
    pursued = [0] * weeks
    won = [0] * weeks
    lost = [0] * weeks
    for lead in leads:
        w = slot(lead.date_in)
        if w is not None:
            n[w] += 1
            if lead.decision is not None:
                decided[w] += 1
                pursued[w] += lead.decision == "pursue"
        if (everyone or lead.decision == "pursue") and lead.stage in ("won", "lost"):
            c = slot(lead.closed_date)
            if c is not None:
                if lead.stage == "won":
                    won[c] += 1
                else:
                    lost[c] += 1
    rows = []
    for i in range(weeks):
        start = first + dt.timedelta(weeks=i)
        iso = start.isocalendar()
        closed = won[i] + lost[i]
        rows.append(
            WeekRow(
                week=f"{iso.year}-W{iso.week:02d}", start=start, leads=n[i],
                decided=decided[i], pursued=pursued[i], won=won[i], lost=lost[i],
                qualified_rate=pursued[i] / decided[i] if decided[i] else None,
                conversion_rate=won[i] / closed if closed else None,
            )
        )
    return rows


def _touching(leads: list[Lead], start: dt.date, end: dt.date) -> list[Lead]:
    """The leads that came in or closed from `start` to `end`: all any counter counts."""
    return [
        x for x in leads
        if (x.date_in is not None and start <= x.date_in <= end)
        or (x.closed_date is not None and start <= x.closed_date <= end)
    ]


def measure(leads: list[Lead], as_of: dt.date, rules: Rules, *, decisions: bool = True
            ) -> Metrics:
    """All five counters over the window, with the previous window and breakdowns.

    Without a Decision column (`decisions` False) every lead counts as pursued for the
    conversion rate, and the qualified rate has nothing to measure.
    """
    everyone = not decisions
    k = rules.min_sample
    w, prev = windows(as_of, rules.window_weeks)
    # Every counter, breakdown and weekly row looks only at leads that came in or
    # closed in the two windows; a log of years is narrowed to those in one pass.
    leads = _touching(leads, prev.start, w.end)

    def both(fn: Callable[[Window], Metric]) -> Metric:
        return _with_previous(fn(w), fn(prev))

    def cycle(win: Window) -> Metric:
        sample = cycle_days(won_in(leads, win))
        m = Metric(
            value=statistics.median(sample) if sample else None,
            n=len(sample),
            low_sample=len(sample) < k,
            mean=statistics.fmean(sample) if sample else None,
            unit="days",
        )
        return m

    return Metrics(
        window=w,
        previous_window=prev,
        leads_per_week=both(lambda win: _leads_per_week(leads, win, k)),
        qualified_rate=both(lambda win: _rate(*qualified(leads, win), k)),
        conversion_rate=both(lambda win: _rate(*converted(leads, win, everyone), k)),
        average_deal_size=both(
            lambda win: _mean_metric(deal_sizes(won_in(leads, win)), "money", k)
        ),
        cycle_time_days=both(cycle),
        by_source=_breakdown(leads, lambda x: x.source, w, k, everyone),
        by_owner=_breakdown(leads, lambda x: x.owner, w, k, everyone),
        weekly=weekly(leads, w.end, 2 * rules.window_weeks, everyone),
    )
