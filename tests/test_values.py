"""Value parsers: every way an operator types money, rates, yes/no, dates and timelines."""

from __future__ import annotations

import datetime as dt
import re

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
PARSERS = (parse_money, parse_percent, parse_bool, parse_date, parse_number, parse_days)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [(8000, 8000), (8000.0, 8000), ("8,000", 8000), ("$8K", 8000), ("$8k", 8000),
     ("€1.5k", 1500), ("1.5M", 1_500_000), ("£2,500.50", 2500.5), ("8 000", 8000),
     ("USD 8,000", 8000), ("1.500,00 €", 1500), ("€1.500", 1500), ("~$1,800", 1800),
     ("1,200,000", 1_200_000), ("  9000 ", 9000), ("8000 EUR", 8000), ("8k€", 8000),
     ("8\u00a0000 €", 8000), ("1'200", 1200), ("8000 dollars", 8000), ("$1.5 million", 1.5e6),
     ("$1.250M", 1_250_000), ("1.200.000 €", 1_200_000), ("€ 8.000", 8000), ("$0.99", 0.99),
     ("8.50", 8.5), ("8 k", 8000), ("2bn", 2e9), ("0", 0)],
)
def test_money(typed, amount):
    assert parse_money(typed) == pytest.approx(amount)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("eight grand", "“eight grand” is not an amount"),
     ("$5k–10k", "“\\$5k–10k” is a range, not one amount"),
     ("5,000 - 10,000", "range"), ("$5k to $10k", "range"), ("5-10k", "range"),
     ("1.500", "“1.500” is ambiguous: 1.500 could mean 1.5 or 1500"),
     ("8.250", "ambiguous"), ("1,500k", "ambiguous"),
     ("-5", "“-5” is negative"), (-5, "“-5” is negative"), ("$-5", "negative"),
     ("-$5", "negative"), ("($500)", "negative"),
     ("1,2,3.5", "not an amount"), ("12,34.5", "not an amount"), ("1 2", "not an amount"),
     ("8k+", "not an amount"), ("1e5", "not an amount"), ("$", "not an amount"),
     ("nan", "not an amount"), (float("nan"), "“nan” is not an amount"),
     (float("inf"), "“inf” is not an amount"), (True, "“TRUE” is not an amount"),
     (D(2026, 1, 1), "“2026-01-01” is not an amount"), (CellError("#REF!"), "“#REF!”")],
)
def test_money_errors_name_the_value(typed, says):
    with pytest.raises(ValueError, match=says):
        parse_money(typed)


@pytest.mark.parametrize("empty", [None, "", "   ", "\t\n", "\u00a0"])
def test_empty_is_none_for_every_parser(empty):
    for parser in PARSERS:
        assert parser(empty) is None
    assert parse_choice(empty, {"pursue": []}) is None


@pytest.mark.parametrize(
    ("typed", "rate"),
    [("35%", 0.35), ("35 %", 0.35), (0.35, 0.35), (35, 0.35), ("35,5 %", 0.355), ("0.35", 0.35),
     ("100%", 1.0), (1, 1.0), ("35 percent", 0.35), ("12.345%", 0.12345), ("0.5%", 0.005),
     ("35", 0.35), (0, 0.0)],
)
def test_percent(typed, rate):
    assert parse_percent(typed) == pytest.approx(rate)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("lots", "“lots” is not a percentage"), ("135", "between 0 and 100"),
     (-3, "between 0 and 100"), ("-3%", "between 0 and 100"), ("101%", "between 0 and 100"),
     ("35%%", "not a percentage"), ("%", "not a percentage"), (float("nan"), "“nan”")],
)
def test_percent_errors(typed, says):
    with pytest.raises(ValueError, match=says):
        parse_percent(typed)


@pytest.mark.parametrize("typed", ["yes", "Y", "true", "TRUE", "1", 1, 1.0, True, "✓", "✔", "x",
                                   "X", "☑", " Yes. "])
def test_true(typed):
    assert parse_bool(typed) is True


@pytest.mark.parametrize("typed", ["no", "N", "false", "0", 0, False, "✗", "✘", "☐", "NO"])
def test_false(typed):
    assert parse_bool(typed) is False


@pytest.mark.parametrize(("typed", "shown"), [("perhaps", "perhaps"), (2, "2"),
                                              (CellError("#N/A"), "#N/A"), ("yes!?", "yes!?")])
def test_bool_error(typed, shown):
    with pytest.raises(ValueError, match=f"^“{re.escape(shown)}” is not yes or no$"):
        parse_bool(typed)


@pytest.mark.parametrize(
    "typed",
    [D(2026, 10, 21), dt.datetime(2026, 10, 21, 9, 30), "2026-10-21", "21/10/2026",
     "10/21/2026", "21.10.2026", "Oct 21, 2026", "21 Oct 2026", "21 October 2026",
     "2026/10/21", "October 21st, 2026", "2026-10-21T09:30:00", "2026-10-21T09:30:00Z",
     "2026-10-21 09:30", "21/10/2026 9:30 pm", "Oct 21 2026 at 9:30", "21-Oct-2026",
     "2026-Oct-21", "Oct. 21, 2026", "Wed, 21 Oct 2026",
     "Wednesday, October 21, 2026", "21.10.2026.", "OCT 21, 2026", 46316, 46316.75],
)
def test_dates(typed):
    assert parse_date(typed) == D(2026, 10, 21)


def test_sept_and_may():
    assert parse_date("Sept 21, 2026") == D(2026, 9, 21)
    assert parse_date("May 5 2026") == D(2026, 5, 5)


def test_ambiguous_date_needs_dayfirst():
    with pytest.raises(ValueError, match="“03/04/2026” is an ambiguous date"):
        parse_date("03/04/2026")
    assert parse_date("03/04/2026", dayfirst=True) == D(2026, 4, 3)
    assert parse_date("03/04/2026", dayfirst=False) == D(2026, 3, 4)
    assert parse_date("03.04.2026", dayfirst=True) == D(2026, 4, 3)
    assert parse_date("04/04/2026") == D(2026, 4, 4)       # both readings agree
    assert parse_date("21/10/2026", dayfirst=False) == D(2026, 10, 21)   # 21 can't be a month


@pytest.mark.parametrize(
    ("typed", "dayfirst", "read"),
    [("21/10/26", None, D(2026, 10, 21)), ("21-Oct-26", None, D(2026, 10, 21)),
     ("02/03/24", False, D(2024, 2, 3)), ("02/03/24", True, D(2024, 3, 2)),
     ("12/31/29", None, D(2029, 12, 31)), ("1/1/30", None, D(1930, 1, 1)),
     ("Oct 21, 99", None, D(1999, 10, 21))],
)
def test_two_digit_years_are_read_as_a_spreadsheet_reads_them(typed, dayfirst, read):
    """Excel and Google Sheets read 00-29 as 2000-2029 and 30-99 as 1930-1999."""
    assert parse_date(typed, dayfirst=dayfirst) == read


def test_two_digit_year_keeps_an_ambiguous_order_ambiguous():
    with pytest.raises(ValueError, match="“02/03/24” is an ambiguous date"):
        parse_date("02/03/24")


def test_serial_dates_match_the_spreadsheet_epoch():
    # Expected dates are LibreOffice's =TEXT(serial; "YYYY-MM-DD") of the same serials.
    assert parse_date(45658) == D(2025, 1, 1)
    assert parse_date(20000) == D(1954, 10, 3)
    assert parse_date(80000) == D(2119, 1, 11)


@pytest.mark.parametrize(
    ("typed", "says"),
    [("yesterday", "“yesterday” is not a date"), ("31/02/2026", "is not a real date"),
     ("13/13/2026", "not a real date"), (12, "“12” is a number, not a date"),
     (19999, "a number, not a date"), (19999.99, "a number, not a date"),
     (80001, "a number, not a date"),
     (float("nan"), "a number, not a date"), (float("inf"), "a number, not a date"),
     ("21/10/026", "needs a four-digit year"), ("21-Oct-6", "needs a four-digit year"),
     ("Smarch 3, 2026", "not a date"), ("Octopus 21, 2026", "not a date"),
     ("21/10.2026", "not a date"), ("46316", "not a date"),
     ("Mon 21 Oct 2026", "wrong weekday: 21 Oct 2026 is a Wednesday"),
     (dt.time(9, 30), "“09:30:00” is not a date"), (True, "not a date"),
     (CellError("#VALUE!"), "“#VALUE!” is not a date")],
)
def test_date_errors(typed, says):
    with pytest.raises(ValueError, match=says):
        parse_date(typed)


@pytest.mark.parametrize(
    ("typed", "days"),
    [(45, 45), (45.5, 45.5), ("45 days", 45), ("3 weeks", 21), ("2 months", 60), ("6w", 42),
     ("asap", 0), ("ASAP!", 0), ("Now", 0), ("immediately", 0), ("10d", 10), ("1.5 months", 45),
     ("1,5 months", 45), ("2 wks", 14), ("1 year", 365), ("~3 weeks", 21), ("1,000 days", 1000),
     ("45", 45), ("3 weeks.", 21)],
)
def test_days(typed, days):
    assert parse_days(typed) == days


@pytest.mark.parametrize(
    ("typed", "says"),
    [("Q3 maybe", "“Q3 maybe” is not a timeline"), ("3-4 weeks", "a range, not one timeline"),
     (-3, "“-3” is not a number of days"), (float("inf"), "not a number of days"),
     ("3 fortnights", "not a timeline"), ("1.500 days", "ambiguous")],
)
def test_days_errors(typed, says):
    with pytest.raises(ValueError, match=says):
        parse_days(typed)


def test_numbers():
    assert parse_number("1,200") == 1200
    assert parse_number("1.200,5") == 1200.5
    assert parse_number("12") == 12
    assert parse_number("0.35") == 0.35
    assert parse_number("-3") == -3
    assert parse_number(7) == 7.0 and isinstance(parse_number(7), float)
    for typed, says in [("twelve", "“twelve” is not a number"), ("1.500", "ambiguous"),
                        ("1 2", "not a number"), (float("nan"), "not a number")]:
        with pytest.raises(ValueError, match=says):
            parse_number(typed)


def test_choice(rules):
    assert parse_choice("Opt out", rules.reply_statuses) == "opt-out"
    assert parse_choice("OPTED-OUT.", rules.reply_statuses) == "opt-out"
    assert parse_choice("  PURSUE ", rules.decisions) == "pursue"
    assert parse_choice("Not now", rules.decisions) == "nurture"
    assert parse_choice("Closed Won", rules.stage_vocabulary()) == "won"
    assert parse_choice("follow up", rules.stage_vocabulary()) == "follow-up"
    assert parse_choice("-", rules.reply_statuses) == "none"
    assert parse_choice("—", rules.reply_statuses) == "none"
    with pytest.raises(ValueError, match="^“maybe later\\?” is not one of: pursue, nurture, skip$"):
        parse_choice("maybe later?", rules.decisions)
    with pytest.raises(ValueError, match="“\\?” is not one of"):
        parse_choice("?", rules.reply_statuses)     # punctuation is not the "-" variant


def test_choice_canonical_beats_variant_and_shared_variant_is_an_error():
    vocab = {"won": ["won"], "lost": ["lost", "won"], "a": ["maybe"], "b": ["Maybe"]}
    assert parse_choice("WON", vocab) == "won"
    assert parse_choice("lost", vocab) == "lost"
    with pytest.raises(ValueError, match="“maybe” is ambiguous: it could be a or b"):
        parse_choice("maybe", vocab)


def test_choice_sees_a_changed_vocabulary_object():
    first = {"pursue": ["go"]}
    assert parse_choice("go", first) == "pursue"
    second = {"skip": ["go"]}
    assert parse_choice("go", second) == "skip"


def test_headers():
    assert normalize_header("Date in") == normalize_header("date_in") == "datein"
    assert normalize_header("DATE-IN") == "datein"
    assert normalize_header("Ünternehmen") == "ünternehmen"
    assert normalize_header("U\u0308nternehmen") == "ünternehmen"      # decomposed Ü
    assert normalize_header("Straße") == normalize_header("STRASSE")
    assert normalize_header("Ｄａｔｅ　ｉｎ") == "datein"                    # full-width
    assert normalize_header("Qualified rate %") == "qualifiedrate"


def test_text_of():
    assert text_of(8000.0) == "8000"
    assert text_of(0.1 + 0.2) == "0.3"
    assert text_of(2.5) == "2.5"
    assert text_of(12) == "12"
    assert text_of(True) == "TRUE"
    assert text_of(D(2026, 1, 2)) == "2026-01-02"
    assert text_of(dt.datetime(2026, 1, 2)) == "2026-01-02"
    assert text_of(dt.datetime(2026, 1, 2, 9, 30, 15)) == "2026-01-02 09:30"
    assert text_of(dt.time(9, 30)) == "09:30:00"
    assert text_of(CellError("#DIV/0!")) == "#DIV/0!"
    assert text_of(None) == ""
    assert text_of("  Acme  ") == "Acme"


def test_messages_are_one_short_line():
    with pytest.raises(ValueError) as info:
        parse_money("eight\ngrand and then a very long explanation of the budget")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("“eight grand and then a very long expl...”")
