"""Value parsers: every way an operator types money, rates, yes/no, dates and timelines."""

from __future__ import annotations

import datetime as dt

import pytest

from sheetsync.core.values import (
    normalize_header,
    parse_bool,
    parse_choice,
    parse_date,
    parse_days,
    parse_money,
    parse_number,
    parse_percent,
    text_of,
)
from sheetsync.workbook import CellError

D = dt.date


@pytest.mark.parametrize(
    ("typed", "amount"),
    [(8000, 8000), (8000.0, 8000), ("8,000", 8000), ("$8K", 8000), ("$8k", 8000),
     ("€1.5k", 1500), ("1.5M", 1_500_000), ("£2,500.50", 2500.5), ("8 000", 8000),
     ("USD 8,000", 8000), ("1.500,00 €", 1500), ("€1.500", 1500), ("~$1,800", 1800),
     ("1,200,000", 1_200_000), ("  9000 ", 9000), ("8000 EUR", 8000)],
)
def test_money(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize(
    ("typed", "says"),
    [("eight grand", "not an amount"), ("$5k–10k", "range"), ("5,000 - 10,000", "range"),
     ("1.500", "ambiguous"), ("-5", "negative"), (-5, "negative"), ("nan", "not an amount"),
     (float("nan"), "not an amount"), (float("inf"), "not an amount"), (True, "not an amount"),
     (D(2026, 1, 1), "not an amount"), (CellError("#REF!"), "#REF!")],
)
def test_money_errors_name_the_value(typed, says):
    with pytest.raises(ValueError, match=says):
        parse_money(typed)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_is_none_for_every_parser(empty):
    for parser in (parse_money, parse_percent, parse_bool, parse_date, parse_number, parse_days):
        assert parser(empty) is None
    assert parse_choice(empty, {"pursue": []}) is None


@pytest.mark.parametrize(
    ("typed", "rate"),
    [("35%", 0.35), ("35 %", 0.35), (0.35, 0.35), (35, 0.35), ("35,5 %", 0.355), ("0.35", 0.35),
     ("100%", 1.0), (1, 1.0)],
)
def test_percent(typed, rate):
    assert parse_percent(typed) == pytest.approx(rate)


@pytest.mark.parametrize("typed", ["lots", "135", -3, "35%%"])
def test_percent_errors(typed):
    with pytest.raises(ValueError):
        parse_percent(typed)


@pytest.mark.parametrize("typed", ["yes", "Y", "true", "1", 1, True, "✓", "✔", "x", "☑"])
def test_true(typed):
    assert parse_bool(typed) is True


@pytest.mark.parametrize("typed", ["no", "N", "false", "0", 0, False, "✗", "✘", "☐"])
def test_false(typed):
    assert parse_bool(typed) is False


def test_bool_error():
    with pytest.raises(ValueError, match="'perhaps' is not yes or no"):
        parse_bool("perhaps")


@pytest.mark.parametrize(
    "typed",
    [D(2026, 10, 21), dt.datetime(2026, 10, 21, 9, 30), "2026-10-21", "21/10/2026",
     "10/21/2026", "21.10.2026", "Oct 21, 2026", "21 Oct 2026", "21 October 2026",
     "2026/10/21", "October 21st, 2026", "2026-10-21T09:30:00", 46316],
)
def test_dates(typed):
    assert parse_date(typed) == D(2026, 10, 21)


def test_ambiguous_date_needs_dayfirst():
    with pytest.raises(ValueError, match="ambiguous"):
        parse_date("03/04/2026")
    assert parse_date("03/04/2026", dayfirst=True) == D(2026, 4, 3)
    assert parse_date("03/04/2026", dayfirst=False) == D(2026, 3, 4)
    assert parse_date("04/04/2026") == D(2026, 4, 4)


@pytest.mark.parametrize("typed", ["yesterday", "31/02/2026", 12, "21/10/26", "Smarch 3, 2026"])
def test_date_errors(typed):
    with pytest.raises(ValueError):
        parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "days"),
    [(45, 45), ("45 days", 45), ("3 weeks", 21), ("2 months", 60), ("6w", 42), ("asap", 0),
     ("10d", 10), ("1.5 months", 45)],
)
def test_days(typed, days):
    assert parse_days(typed) == days


def test_days_error():
    with pytest.raises(ValueError, match="timeline"):
        parse_days("Q3 maybe")


def test_numbers():
    assert parse_number("1,200") == 1200
    assert parse_number("1.200,5") == 1200.5
    assert parse_number("12") == 12
    with pytest.raises(ValueError):
        parse_number("twelve")


def test_choice(rules):
    assert parse_choice("Opt out", rules.reply_statuses) == "opt-out"
    assert parse_choice("  PURSUE ", rules.decisions) == "pursue"
    assert parse_choice("Closed Won", rules.stage_vocabulary()) == "won"
    with pytest.raises(ValueError, match="pursue, nurture, skip"):
        parse_choice("maybe later?", rules.decisions)


def test_headers_and_text():
    assert normalize_header("Date in") == normalize_header("date_in") == "datein"
    assert normalize_header("DATE-IN") == "datein"
    assert normalize_header("Ünternehmen") == "ünternehmen"
    assert text_of(8000.0) == "8000"
    assert text_of(D(2026, 1, 2)) == "2026-01-02"
    assert text_of(CellError("#DIV/0!")) == "#DIV/0!"
    assert text_of(None) == ""
