"""Property tests: the parsers round-trip what people type, and only ever raise ValueError."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sheetsync.core import values

amounts = st.integers(min_value=0, max_value=10**9)


@given(amounts)
def test_money_round_trips_common_styles(x):
    for text in (f"{x:,}", f"${x:,}", f"{x}", f"€{x:,}".replace(",", "."), f"{x:,} USD"):
        if text.startswith("€") and "." not in text:
            continue
        if text.startswith("€") and text.count(".") == 1 and x < 10**6 and x >= 1000:
            assert values.parse_money(text) == x      # €1.500 -> European thousands
            continue
        if text.startswith("€"):
            continue
        assert values.parse_money(text) == x


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["k", "K"]))
def test_money_thousands_suffix(x, k):
    assert values.parse_money(f"${x}{k}") == x * 1000


@given(st.integers(min_value=0, max_value=100))
def test_percent_round_trips(p):
    assert abs(values.parse_percent(f"{p}%") - p / 100) < 1e-12


@given(st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_round_trip(d):
    assert values.parse_date(d.isoformat()) == d
    assert values.parse_date(d.strftime("%d %B %Y")) == d
    assert values.parse_date(d.strftime("%b %d, %Y")) == d
    if d.day > 12:
        assert values.parse_date(d.strftime("%d/%m/%Y")) == d
        assert values.parse_date(d.strftime("%m/%d/%Y")) == d
    serial = (d - values.SERIAL_EPOCH).days
    if values.SERIAL_MIN <= serial <= values.SERIAL_MAX:
        assert values.parse_date(serial) == d


anything = st.one_of(st.text(), st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                     st.booleans(), st.dates(), st.none())


@given(anything)
def test_parsers_only_raise_value_error(v):
    vocab = {"pursue": ["yes"], "skip": ["no"]}
    for parse in (values.parse_money, values.parse_percent, values.parse_bool,
                  values.parse_date, values.parse_number, values.parse_days,
                  lambda x: values.parse_choice(x, vocab)):
        try:
            parse(v)
        except ValueError:
            pass


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_non_finite_numbers_are_errors(x):
    import math

    if math.isfinite(x):
        return
    for parse in (values.parse_money, values.parse_number, values.parse_percent,
                  values.parse_days):
        try:
            parse(x)
        except ValueError:
            continue
        raise AssertionError(f"{parse.__name__}({x}) did not raise")
