"""Issue 16's checks one at a time: timelines, leak words, the new Rules-sheet settings."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from core_helpers import LEAD_HEAD, book, lead, leads_grid

from sheetsync.core.check import run_check
from sheetsync.core.leaks import marker_kind
from sheetsync.core.timelines import parse_timeline

AS_OF = dt.date(2026, 11, 16)          # a Monday in Q4


def hits(rules, leads, **sheets) -> list[tuple[int | None, str]]:
    result = run_check(book(leads=leads, **sheets), rules, AS_OF).result
    return [(f.row, f.rule) for f in result.findings if f.sheet in ("Leads", "Rules")]


@pytest.mark.parametrize(("said", "days"), [
    ("45 days", 45), ("3 weeks", 21), ("ASAP", 0), ("now", 0),
    ("this week", 6), ("next week", 13), ("end of the month", 14), ("this month", 14),
    ("next month", 45), ("this quarter", 45), ("by the end of the quarter", 45),
    ("next quarter", 135), ("Q1", 135), ("Q1 2027", 135), ("q4", 45), ("Q3'27", 318),
    ("H1", 226), ("by March", 135), ("in March", 135), ("end of December", 45),
    ("November", 14), ("this year", 45), ("next year", 410), ("within 2 months", 60),
])
def test_timelines_as_people_say_them_count_from_the_as_of_date(said, days):
    assert parse_timeline(said, AS_OF) == days


@pytest.mark.parametrize("said", ["soon", "Q5", "Q1 2025", "by March 2025", "5-10 days"])
def test_a_timeline_that_is_not_one_is_refused(said):
    with pytest.raises(ValueError):
        parse_timeline(said, AS_OF)


def test_a_timeline_phrase_is_read_in_the_lead_log(rules):
    head = [*LEAD_HEAD[:-1], "Timeline", "Check"]
    soon = leads_grid([lead(Timeline="next month")], head)
    assert hits(rules, [], Leads=soon) == []
    late = leads_grid([lead(Timeline="by March")], head)
    assert hits(rules, [], Leads=late) == [(2, "timeline-too-long")]


@pytest.mark.parametrize(("text", "kind"), [
    ("TBC", "untracked"), ("N.A.", "none"), ("n.a.", "none"), ("No criteria", "none"),
    ("not sure", "untracked"), ("Ad hoc", "varies"), ("Ad-hoc, whoever asks", "varies"),
    ("To be defined", "none"), ("Budget: TBC", "untracked"),
])
def test_the_missing_leak_words(rules, text, kind):
    assert marker_kind(text, rules) == kind


@pytest.mark.parametrize("text", ["Nasdaq-listed SaaS", "adhesive labels", "a sure thing"])
def test_leak_words_match_whole_words_only(rules, text):
    assert marker_kind(text, rules) is None


def test_required_for_pursued_from_the_rules_sheet(rules):
    blank_dm = lead(**{"Decision maker": None})
    assert hits(rules, [blank_dm]) == [(2, "pursued-needs-decision-maker")]
    sheet = [["Setting", "Value"], ["Required for pursued leads", "Budget"]]
    assert hits(rules, [blank_dm], Rules=sheet) == []
    sheet = [["Setting", "Value"], ["Required for pursued leads", "budget, Timeline"]]
    # no Timeline column: one finding for the sheet, none per row
    two = [lead(), lead(ID="L2", Lead="Ben")]
    assert hits(rules, two, Rules=sheet) == [(None, "pursued-column-missing")]
    result = run_check(book(leads=[lead()], Rules=sheet), rules, AS_OF).result
    missing = [f for f in result.findings if f.rule == "pursued-column-missing"]
    assert len(missing) == 1 and missing[0].row is None and "Timeline" in missing[0].message


def test_also_check_switches_handoff_fields_on(rules):
    quiet = lead(Channel="", Owner="", **{"Sent date": dt.date(2026, 11, 12),
                                          "Next touch date": dt.date(2026, 11, 18),
                                          "Stop condition": "3 touches"})
    assert hits(rules, [quiet]) == []
    sheet = [["Setting", "Value"], ["Also check", "channel, Owner, Message variant"]]
    assert sorted(hits(rules, [quiet], Rules=sheet)) == [
        (2, "open-lead-needs-field"), (2, "research-incomplete"), (2, "sent-needs-field")]
    bad = [["Setting", "Value"], ["Also check", "Owner, shoe size"]]
    assert hits(rules, [quiet], Rules=bad) == [(2, "rules-value-unreadable")]


def test_stuck_after_comes_from_the_rules_sheet(rules):
    old = lead(**{"Date in": dt.date(2026, 9, 1)})          # 76 days open
    assert hits(rules, [old]) == []
    sheet = [["Setting", "Value"], ["Stuck after (days)", 60]]
    assert hits(rules, [old], Rules=sheet) == [(2, "deal-stuck")]


def test_touches_must_be_a_whole_number(rules):
    head = [*LEAD_HEAD[:-1], "Touches", "Check"]
    grid = leads_grid([lead(Touches="three")], head)
    assert hits(rules, [], Leads=grid) == [(2, "unreadable-value")]


def test_duplicates_point_at_the_first_row_only(rules):
    same = [lead(ID=f"L{i}", Lead="Ada Ng", Company="Acme") for i in range(3)]
    result = run_check(book(leads=same), rules, AS_OF).result
    dups = [f for f in result.findings if f.rule == "duplicate-lead"]
    assert [(f.row, "row 2" in f.message) for f in dups] == [(3, True), (4, True)]


def test_an_address_typed_in_channel_counts_for_duplicates(rules):
    two = [lead(ID="L1", Lead="Ada", Channel="https://www.linkedin.com/in/ada-ng/"),
           lead(ID="L2", Lead="Ada N.", Company="Other", Channel="linkedin.com/in/Ada-Ng")]
    assert hits(rules, two) == [(3, "duplicate-lead")]


def _pairwise_duplicates(rows: list[dict]) -> dict[int, int]:
    """The duplicate rule said the slow, obvious way: every earlier row compared."""
    def plain(text: str) -> str:
        return " ".join(text.casefold().split())

    def address(x: dict, column: str, mark: str) -> str:
        def norm(value: str) -> str:
            value = value.strip().casefold()
            if mark == "@":
                value = value.removeprefix("mailto:")
                return value if "@" in value and " " not in value else ""
            for head in ("https://", "http://", "www."):
                value = value.removeprefix(head)
            value = value.split("?")[0].split("#")[0].rstrip("/")
            return value if "/" in value and " " not in value else ""

        channel = x.get("Channel") or ""      # an address typed in Channel counts too
        return norm(x.get(column) or "") or (norm(channel) if mark in channel else "")

    def same(a: dict, b: dict) -> list[bool]:
        person = plain(a["Lead"]), plain(a["Company"])
        mail, url = address(a, "Email", "@"), address(a, "URL", "/")
        return [all(person) and person == (plain(b["Lead"]), plain(b["Company"])),
                mail != "" and mail == address(b, "Email", "@"),
                url != "" and url == address(b, "URL", "/")]

    out: dict[int, int] = {}
    for i, x in enumerate(rows):
        for kind in range(3):
            earlier = [j for j in range(i) if same(x, rows[j])[kind]]
            if earlier:
                out[i + 2] = earlier[0] + 2        # sheet rows: the header is row 1
                break
    return out


def test_duplicates_equal_every_pair_compared_on_a_random_log(rules):
    rnd = random.Random(16)
    names = ["Ada Ng", "ada  ng", "ADA NG", "Bo Li", "Bo\tLi", "Cy", "", "Straße", "STRASSE"]
    companies = ["Acme", "acme ", "Beta Co", "", "beta  co"]
    emails = ["", "", "ada@acme.com", "ADA@acme.com", "mailto:bo@beta.co", "not an address"]
    urls = ["", "", "https://www.linkedin.com/in/ada/", "linkedin.com/in/ADA?x=1", "bo/li"]
    channels = ["email", "LinkedIn", "bo@beta.co", "https://linkedin.com/in/bo-li"]
    rows = [lead(ID=f"L{i}", Lead=rnd.choice(names), Company=rnd.choice(companies),
                 Email=rnd.choice(emails), URL=rnd.choice(urls), Channel=rnd.choice(channels))
            for i in range(120)]
    head = [*LEAD_HEAD[:-1], "Email", "URL", "Check"]
    result = run_check(book(leads=[], Leads=leads_grid(rows, head)), rules, AS_OF).result
    got = {f.row: int(re.search(r"row (\d+)", f.message)[1])
           for f in result.findings if f.rule == "duplicate-lead"}
    expected = _pairwise_duplicates([{k: v.strip() if isinstance(v, str) else v
                                      for k, v in x.items()} for x in rows])
    assert len(expected) > 20                   # the log has plenty of repeats to find
    assert got == expected
