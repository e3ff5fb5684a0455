"""The diagnosis sentence: walk the pipeline, most upstream usable problem first."""

from __future__ import annotations

import datetime as dt

from core_helpers import book, lead, seed_answers

from sheetsync.core.check import run_check

AS_OF = dt.date(2026, 11, 16)
D = dt.date


def leads_with(source_rates: dict[str, tuple[int, int]], day: dt.date, prefix: str):
    out = []
    for source, (pursued, total) in source_rates.items():
        for i in range(total):
            out.append(lead(ID=f"{prefix}{source}{i}", Source=source,
                            Decision="pursue" if i < pursued else "skip",
                            **{"Date in": day}))
    return out


def test_qualified_rate_fall_names_the_worst_source(rules):
    now = leads_with({"LinkedIn post": (1, 10), "Referral": (2, 6)}, D(2026, 11, 2), "n")
    before = leads_with({"LinkedIn post": (4, 10), "Referral": (3, 6)}, D(2026, 10, 5), "b")
    answers = seed_answers() | {"Input source #2": "LinkedIn post"}
    result = run_check(book(answers, leads=now + before), rules, AS_OF).result
    assert result.diagnosis == (
        "Qualified rate fell from 44% to 19% — LinkedIn post is bringing leads that fail"
        " your criteria."
    )


def test_low_volume_single_source(rules):
    leads = [lead(ID=f"x{i}", **{"Date in": D(2026, 11, 2)}) for i in range(6)]
    result = run_check(book(leads=leads), rules, AS_OF).result
    assert result.diagnosis.startswith("Only 1.5 leads a week come in, all from Referral")


def test_low_conversion_blames_offer_or_call(rules):
    leads = leads_with({"Referral": (8, 8), "Partner": (6, 6)}, D(2026, 10, 26), "q")
    for i, x in enumerate(leads[:6]):
        x.update(Stage="won" if i == 0 else "lost", **{"Closed date": D(2026, 11, 9),
                 "Deal size": 9000})
    result = run_check(book(leads=leads), rules, AS_OF).result
    assert "Conversion rate on qualified leads is 17%" in result.diagnosis
    assert "offer or the call structure" in result.diagnosis


def test_low_deal_size_says_custom_pricing(rules):
    leads = leads_with({"Referral": (8, 8), "Partner": (6, 6)}, D(2026, 10, 26), "q")
    for x in leads[:6]:
        x.update(Stage="won", **{"Closed date": D(2026, 11, 9), "Deal size": "$1,800"})
    result = run_check(book(leads=leads), rules, AS_OF).result
    assert result.diagnosis.startswith("Average deal size is 1,800")
    assert "custom work" in result.diagnosis


def test_empty_log_speaks_of_the_leak_to_fix(rules, seed_book):
    result = run_check(seed_book, rules, AS_OF).result
    assert result.diagnosis.startswith("Input source #2 is blank")
