"""Property tests: the parsers round-trip what people type, and only ever raise ValueError."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sheetsync.core import values
from sheetsync.core.rules import load_rules
from sheetsync.workbook import CellError

RULES = load_rules()
PARSERS = (values.parse_money, values.parse_percent, values.parse_bool, values.parse_date,
           values.parse_number, values.parse_days,
           lambda v: values.parse_choice(v, RULES.reply_statuses))

amounts = st.integers(min_value=0, max_value=10**12)
cents = st.integers(min_value=0, max_value=10**11)


def european(text: str) -> str:
    """'1,234.50' written the European way: '1.234,50'."""
    return text.translate(str.maketrans({",": ".", ".": ","}))


@given(amounts)
def test_money_round_trips_whole_amounts(x):
    grouped = f"{x:,}"
    styles = [str(x), grouped, f"${grouped}", f"{grouped} USD", f"USD {grouped}",
              grouped.replace(",", " "), grouped.replace(",", "\u00a0") + " €",
              f"£{x:,.2f}", european(f"{x:,.2f}") + " €"]
    if "," in grouped:                  # a dot-grouped amount needs a currency to decide
        styles += [f"€{european(grouped)}", f"{european(grouped)} EUR"]
    for text in styles:
        assert values.parse_money(text) == x, text


@given(cents)
def test_money_round_trips_cents(c):
    x = c / 100
    for text in (f"{x:,.2f}", f"${x:,.2f}", european(f"{x:,.2f}") + " €", f"{x:.2f}"):
        assert values.parse_money(text) == pytest.approx(x, rel=1e-12), text


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["k", "K", "m", "M"]),
       st.sampled_from(["$", "€", "£", ""]))
def test_money_scale_suffix(x, suffix, currency):
    scale = 1000 if suffix in "kK" else 1_000_000
    assert values.parse_money(f"{currency}{x}{suffix}") == x * scale


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_bare_dot_before_three_digits_is_ambiguous(whole, frac):
    text = f"{whole}.{frac:03d}"
    with pytest.raises(ValueError, match="ambiguous"):
        values.parse_money(text)
    assert values.parse_money(f"€{text}") == whole * 1000 + frac


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_ranges_are_refused(low, high):
    for text in (f"{low}-{high}", f"${low:,} – ${high:,}", f"{low}k to {high}k"):
        with pytest.raises(ValueError, match="range"):
            values.parse_money(text)


@given(st.integers(min_value=0, max_value=10000))
def test_percent_round_trips(hundredths):
    p = hundredths / 100
    for text in (f"{p}%", f"{p} %", f"{p:g}%", f"{p:.2f}%".replace(".", ",")):
        assert values.parse_percent(text) == pytest.approx(p / 100, abs=1e-12), text


@given(st.integers(min_value=0, max_value=100))
def test_percent_bare_number_over_one_is_percent(p):
    expected = p / 100 if p > 1 else p
    assert values.parse_percent(p) == expected
    assert values.parse_percent(str(p)) == expected


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=9))
def test_number_round_trips(x, tenth):
    grouped = f"{x:,}.{tenth}"
    for text in (str(x), f"{x:,}", f"-{x:,}"):
        assert values.parse_number(text) == (-x if text.startswith("-") else x), text
    for text in (grouped, european(grouped), grouped.replace(",", " ")):
        assert values.parse_number(text) == pytest.approx(x + tenth / 10, rel=1e-15), text


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31))


@given(dates)
def test_dates_round_trip(d):
    day_first = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
    month_first = ["%m/%d/%Y"]
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%b %d, %Y", "%B %d %Y",
                "%A, %d %B %Y", "%a %b %d, %Y", "%d-%b-%Y", "%Y-%m-%dT%H:%M:%S"]:
        assert values.parse_date(d.strftime(fmt)) == d, fmt
    for fmt in day_first:
        assert values.parse_date(d.strftime(fmt), dayfirst=True) == d, fmt
    for fmt in month_first:
        assert values.parse_date(d.strftime(fmt), dayfirst=False) == d, fmt
    assert values.parse_date(dt.datetime.combine(d, dt.time(23, 59))) == d


@given(dates)
def test_day_month_order_is_never_guessed(d):
    text = d.strftime("%d/%m/%Y")
    if d.day > 12 or d.day == d.month:
        assert values.parse_date(text) == d
    else:
        with pytest.raises(ValueError, match="ambiguous"):
            values.parse_date(text)


@given(st.dates(min_value=dt.date(1954, 10, 3), max_value=dt.date(2119, 1, 11)),
       st.floats(min_value=0, max_value=0.999))
@example(dt.date(2119, 1, 11), 0.5).via("the last day, at noon")
@example(dt.date(1954, 10, 3), 0.0).via("the first day")
def test_serials_are_days_since_1899_12_30(d, fraction):
    serial = (d - dt.date(1899, 12, 30)).days
    assert values.parse_date(serial) == d
    assert values.parse_date(serial + fraction) == d


@given(st.integers(min_value=0, max_value=10**4),
       st.sampled_from([("d", 1), (" days", 1), ("w", 7), (" weeks", 7), (" months", 30)]))
def test_days_round_trip(n, unit):
    word, days = unit
    assert values.parse_days(f"{n}{word}") == n * days


@given(st.text(max_size=30))
def test_header_normalizing_is_idempotent_and_ignores_case_and_punctuation(s):
    once = values.normalize_header(s)
    assert values.normalize_header(once) == once
    assert values.normalize_header(f" -{s.upper()}_ ") == values.normalize_header(s.upper())
    assert all(ch.isalnum() for ch in once)


@given(st.sampled_from(sorted((c, v) for c, vs in RULES.reply_statuses.items() for v in [c, *vs]
                              if values.normalize_header(v))),
       st.sampled_from([str.upper, str.lower, str.title]), st.sampled_from(["", " ", ".", "!"]))
def test_every_variant_finds_its_canonical(pair, case, around):
    canonical, variant = pair
    typed = f"{around}{case(variant)}{around}"
    assert values.parse_choice(typed, RULES.reply_statuses) == canonical


others = st.one_of(
    st.builds(object), st.lists(st.integers(), max_size=3), st.complex_numbers(),
    st.decimals(allow_nan=True), st.builds(CellError, st.text(max_size=8)), st.times(),
    st.datetimes(), st.fractions(),
)
anything = st.one_of(st.text(), st.floats(), st.integers(), st.booleans(), st.dates(),
                     st.none(), st.text(alphabet="0123456789.,' $€£k%-–/:", max_size=16), others)


@given(anything)
def test_parsers_only_raise_value_error(v):
    for parse in PARSERS:
        try:
            parse(v)
        except ValueError:
            pass
    assert isinstance(values.text_of(v), str)


@pytest.mark.parametrize("x", [math.nan, -math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_errors(x):
    for parse in (values.parse_money, values.parse_number, values.parse_percent,
                  values.parse_days, values.parse_date):
        with pytest.raises(ValueError):
            parse(x)
        with pytest.raises(ValueError):
            parse(str(x))
        with pytest.raises(ValueError):
            parse(decimal.Decimal(x))


@given(st.text(max_size=40))
def test_an_error_message_is_one_line_that_quotes_the_value(s):
    for parse in PARSERS:
        try:
            parse(s)
        except ValueError as e:
            message = str(e)
            assert "\n" not in message
            assert message.startswith("“")
