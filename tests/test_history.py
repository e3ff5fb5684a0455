"""History filled back from the lead log: each past week equals measure() at that week."""

from __future__ import annotations

import datetime as dt
import random

from core_helpers import book, lead

from sheetsync.core.check import run_check
from sheetsync.core.history import past_weeks
from sheetsync.core.leads import Lead
from sheetsync.core.metrics import measure
from sheetsync.core.plan import build_plan

AS_OF = dt.date(2026, 11, 18)          # a Wednesday


def hand_built_log() -> list[Lead]:
    """Twenty weeks of leads by hand: every decision, stage and missing value mixed."""
    rng = random.Random(14)
    leads = []
    for i in range(240):
        came = dt.date(2026, 6, 29) + dt.timedelta(days=rng.randrange(140))
        stage = rng.choice(["won", "lost", "qualified", "won", "nurture", "lost"])
        closed = came + dt.timedelta(days=rng.randrange(-3, 40)) if stage in ("won", "lost") \
            else None
        leads.append(Lead(
            row=i + 2, source=rng.choice(["Referral", "LinkedIn post"]), date_in=came,
            decision=rng.choice(["pursue", "pursue", "skip", "nurture", None]),
            stage=stage, closed_date=closed if rng.random() > 0.1 else None,
            deal_size=rng.choice([None, 4000.0, 8000.0, 12500.5, 9000.0]),
        ))
    leads.append(Lead(row=999))                                    # no date at all
    leads.append(Lead(row=998, date_in=dt.date(2026, 12, 1)))     # after the as-of date
    return leads


def test_each_past_week_equals_measure_at_that_as_of_date(rules):
    leads = hand_built_log()
    weeks = past_weeks(leads, AS_OF, rules)
    first_monday = dt.date(2026, 6, 29) + dt.timedelta(weeks=1)   # the week after the first lead
    assert weeks[0].as_of == first_monday
    assert weeks[-1].as_of == dt.date(2026, 11, 9)                 # the week before AS_OF's
    assert len(weeks) == (dt.date(2026, 11, 9) - first_monday).days // 7 + 1
    for week in weeks:
        for day in (week.as_of, week.as_of + dt.timedelta(days=6)):   # any day of that week
            m = measure(leads, day, rules)
            for key in ("leads_per_week", "qualified_rate", "conversion_rate",
                        "average_deal_size", "cycle_time_days"):
                want, got = getattr(m, key), getattr(week, key)
                assert (got.value, got.n) == (want.value, want.n), (week.week, key)
    assert any(w.average_deal_size.n and w.cycle_time_days.n for w in weeks)


def test_empty_log_fills_nothing(rules):
    assert past_weeks([], AS_OF, rules) == []
    assert past_weeks([Lead(row=2)], AS_OF, rules) == []


def test_first_sync_fills_history_back_then_keeps_it(rules):
    raw = book(leads=[lead(ID="L1", **{"Date in": dt.date(2026, 9, 1)}),
                      lead(ID="L2", **{"Date in": dt.date(2026, 10, 20)})])
    history = next(g for g in build_plan(run_check(raw, rules, AS_OF), "").generated
                   if g.name == "Weekly history")
    weeks = [row[0].value for row in history.cell_rows()[1:]]
    assert weeks[0] == "Week of 7 Sep 2026" and weeks[-1] == "Week of 16 Nov 2026"  # W37, W47
    assert len(weeks) == len(set(weeks)) == 11
    current = history.cell_rows()[-1]
    assert current[1].value == AS_OF and current[13] is not None   # this week: full row
    # A history that already holds a week is carried as it is: no filling back; a
    # workbook whose history has the old name keeps it (Excel reserves "History").
    raw.sheets["History"] = [["Week"], ["2026-W40", dt.date(2026, 9, 28)]]
    history = next(g for g in build_plan(run_check(raw, rules, AS_OF), "").generated
                   if g.name == "History")
    assert [row[0].value for row in history.cell_rows()[1:]] == ["Week of 28 Sep 2026",
                                                                 "Week of 16 Nov 2026"]


class CountingLog(list):
    """A lead log that counts how many times it is walked."""

    walks = 0

    def __iter__(self):
        CountingLog.walks += 1
        return super().__iter__()


def test_filling_back_walks_the_log_a_fixed_number_of_times_whatever_the_weeks(rules):
    """Speed: a constant number of passes over the leads, not one measure() per week."""
    leads = hand_built_log()
    walks = []
    for as_of in (dt.date(2026, 8, 3), AS_OF):          # 4 weeks of history, then 19
        log = CountingLog(leads)
        CountingLog.walks = 0
        assert len(past_weeks(log, as_of, rules)) >= 4
        walks.append(CountingLog.walks)
    assert walks[0] == walks[1] <= 4        # a column each: in, decision, stage, closers
