"""The metric definitions of DESIGN.md §3, pinned on a hand-computed lead log."""

from __future__ import annotations

import datetime as dt

import pytest
from core_helpers import book, lead

from sheetsync.core.check import run_check
from sheetsync.core.metrics import wilson, windows

D = dt.date
AS_OF = D(2026, 11, 18)   # a Wednesday in ISO week 47


def test_window_is_whole_iso_weeks_before_the_as_of_week():
    w, prev = windows(AS_OF, 4)
    assert (w.start, w.end) == (D(2026, 10, 19), D(2026, 11, 15))
    assert w.start.weekday() == 0 and w.end.weekday() == 6
    assert (prev.start, prev.end) == (D(2026, 9, 21), D(2026, 10, 18))
    # on a Monday the as-of week starts that day: same window
    assert windows(D(2026, 11, 16), 4)[0] == w
    # on a Sunday the window ends a week earlier
    assert windows(D(2026, 11, 15), 4)[0].end == D(2026, 11, 8)


def test_wilson_interval_known_values():
    iv = wilson(5, 10)
    assert iv.low == pytest.approx(0.2366, abs=1e-4)
    assert iv.high == pytest.approx(0.7634, abs=1e-4)
    iv = wilson(0, 5)
    assert iv.low == 0 and iv.high == pytest.approx(0.4345, abs=1e-4)
    assert wilson(0, 0) is None


def hand_log():
    """A log whose numbers are worked out by hand in the tests below."""
    L = []
    # window leads (Date in 2026-10-19 .. 2026-11-15): 10 leads, 8 decided, 3 pursue
    for i in range(10):
        decision = "pursue" if i < 3 else ("skip" if i < 8 else None)
        L.append(lead(ID=f"W{i}", Source="LinkedIn post" if i % 2 else "Referral",
                      Decision=decision, **{"Date in": D(2026, 10, 19) + dt.timedelta(days=2 * i)}))
    # the boundaries: Sunday before the window and Monday of the as-of week are outside
    L.append(lead(ID="out1", Decision="pursue", **{"Date in": D(2026, 10, 18)}))
    L.append(lead(ID="out2", Decision="pursue", **{"Date in": D(2026, 11, 16)}))
    # closed pursue deals in the window: won 3 (sizes 6000, 8000, 10000), lost 2
    won = [(D(2026, 9, 1), D(2026, 10, 21), 6000), (D(2026, 10, 1), D(2026, 11, 1), 8000),
           (D(2026, 10, 20), D(2026, 11, 10), 10000)]
    for i, (din, closed, size) in enumerate(won):
        L.append(lead(ID=f"won{i}", Stage="won", **{"Date in": din, "Closed date": closed,
                                                    "Deal size": size}))
    for i in range(2):
        L.append(lead(ID=f"lost{i}", Stage="lost", Owner="Kim",
                      **{"Date in": D(2026, 9, 1), "Closed date": D(2026, 11, 3)}))
    # closed outside the window, and a won lead that was never pursued
    L.append(lead(ID="old", Stage="won", **{"Date in": D(2026, 8, 1),
                                            "Closed date": D(2026, 10, 18), "Deal size": 99999}))
    L.append(lead(ID="nurt", Stage="lost", Decision="nurture",
                  **{"Date in": D(2026, 9, 1), "Closed date": D(2026, 11, 4)}))
    return L


def test_hand_computed_metrics(rules):
    m = run_check(book(leads=hand_log()), rules, AS_OF).result.metrics
    # leads in window: the 10 W leads + won2 (Date in 10-20) = 11 -> 11/4 per week
    assert m.leads_per_week.n == 11
    assert m.leads_per_week.value == pytest.approx(11 / 4)
    # decided in window: 8 W leads + won2 (pursue) = 9; pursue: 3 + 1 = 4
    assert m.qualified_rate.n == 9
    assert m.qualified_rate.value == pytest.approx(4 / 9)
    assert m.qualified_rate.interval.low == pytest.approx(wilson(4, 9).low)
    # conversion: pursue & won/lost & closed in window: 3 won, 2 lost (nurture lead excluded)
    assert m.conversion_rate.n == 5
    assert m.conversion_rate.value == pytest.approx(3 / 5)
    # deal size over won closed in window: (6000 + 8000 + 10000) / 3
    assert m.average_deal_size.n == 3
    assert m.average_deal_size.value == pytest.approx(8000)
    # cycle: 50, 31, 21 days -> median 31, mean 34
    assert m.cycle_time_days.value == pytest.approx(31)
    assert m.cycle_time_days.mean == pytest.approx(34)
    assert m.cycle_time_days.low_sample      # 3 < min_sample 5
    assert not m.qualified_rate.low_sample


def test_previous_window_and_breakdowns(rules):
    m = run_check(book(leads=hand_log()), rules, AS_OF).result.metrics
    # previous window (2026-09-21 .. 2026-10-18): out1 (pursue, 10-18) and won1 (10-01)
    assert m.qualified_rate.previous_n == 2
    assert m.qualified_rate.previous == pytest.approx(1.0)
    # 'old' won closed 10-18 is in the previous window
    assert m.average_deal_size.previous == pytest.approx(99999)
    sources = {b.name: b for b in m.by_source}
    assert sources["LinkedIn post"].leads == 5
    assert sources["LinkedIn post"].qualified_rate.n == 4       # W1, W3, W5, W7 decided
    assert sources["LinkedIn post"].qualified_rate.value == pytest.approx(1 / 4)
    owners = {b.name: b for b in m.by_owner}
    assert owners["Kim"].conversion_rate.value == 0 and owners["Kim"].lost == 2
    assert owners["Sam"].conversion_rate.value == pytest.approx(1.0)


def test_empty_log_measures_nothing(rules):
    m = run_check(book(leads=[]), rules, AS_OF).result.metrics
    for key in ("qualified_rate", "conversion_rate", "average_deal_size", "cycle_time_days"):
        metric = getattr(m, key)
        assert metric.value is None and metric.n == 0 and metric.low_sample
    assert m.leads_per_week.n == 0


def test_small_sample_rate_is_shown_but_flagged(rules):
    leads = [lead(ID=f"x{i}", Decision="pursue" if i else "skip") for i in range(3)]
    result = run_check(book(leads=leads), rules, AS_OF).result
    q = result.metrics.qualified_rate
    assert q.value == pytest.approx(2 / 3) and q.n == 3 and q.low_sample
    row = next(r for r in result.pipeline if r.stage == "Qualified rate %")
    assert row.measured == pytest.approx(2 / 3)
    assert "Too few to judge" in row.why and row.status == "Too few to judge"
    # a low-sample rate never drives the diagnosis
    assert "Qualified rate" not in result.diagnosis


def test_text_dates_and_money_are_parsed(rules):
    leads = [lead(ID="t1", Stage="won", **{"Date in": "2026-10-20", "Closed date": "21/10/2026",
                                           "Deal size": "$8K"})]
    m = run_check(book(leads=leads), rules, AS_OF).result.metrics
    assert m.average_deal_size.value == pytest.approx(8000)
    assert m.cycle_time_days.value == 1
