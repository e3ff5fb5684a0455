"""Owner coaching on a hand-computed log: the window, the median, real gaps, workload."""

from __future__ import annotations

import datetime as dt

from core_helpers import book, lead

from sheetsync.core.check import run_check
from sheetsync.core.coaching import coaching_lines

AS_OF = dt.date(2026, 11, 16)      # 13 whole weeks before: 2026-08-17 .. 2026-11-15
D = dt.date


def closed(owner: str, won: int, lost: int, day: dt.date, tag: str = "") -> list[dict]:
    out = []
    for i in range(won + lost):
        out.append(lead(ID=f"{owner}{tag}{i}", Lead=f"{owner} lead {tag}{i}", Owner=owner,
                        Stage="won" if i < won else "lost", **{
                            "Date in": day - dt.timedelta(days=20), "Closed date": day,
                            "Deal size": 8000}))
    return out


def log() -> list[dict]:
    inside, before = D(2026, 10, 5), D(2026, 7, 1)
    leads = (closed("Ana", 16, 4, inside) + closed("Ben", 10, 10, inside)
             + closed("Cy", 2, 18, inside) + closed("Dee", 0, 2, inside)
             + closed("Cy", 30, 0, before, "old"))          # before the window: not counted
    leads += [lead(ID=f"open{i}", Lead=f"Open {i}", Owner=owner)
              for i, owner in enumerate(["Ben", "Ben", "Ben", "Ana"])]
    old = {"Date in": D(2026, 6, 1)}                       # decided before the window
    leads += [lead(ID="skip", Lead="Skipped", Owner="Ana", Decision="skip", **old),
              lead(ID="later", Lead="Later", Owner="Ana", Decision="nurture", Stage="nurture",
                   **old)]
    return leads


def test_owner_gaps_over_the_coaching_window(rules):
    review = run_check(book(leads=log()), rules, AS_OF).result.review
    assert review.coaching_weeks == 13
    conv = {g.owner: g for g in review.owner_gaps if g.metric == "conversion_rate"}
    # by hand: Ana 16/20, Ben 10/20, Cy 2/20 (Cy's 30 old wins are before the window),
    # Dee 0/2 (too few); the median of the three with enough is Ben's 50%.
    assert {o: (g.n, round(g.value, 2)) for o, g in conv.items()} == {
        "Ana": (20, 0.8), "Ben": (20, 0.5), "Cy": (20, 0.1), "Dee": (2, 0.0)}
    assert {g.team_median for g in conv.values()} == {0.5}
    assert {o for o, g in conv.items() if g.real} == {"Ana", "Cy"}
    assert conv["Dee"].low_sample and not conv["Dee"].real
    iv = conv["Cy"].interval
    assert round(iv.low, 3) == 0.028 and round(iv.high, 3) == 0.301      # Wilson, 2 of 20
    # workload: open leads that still need work (not closed, skipped or nurtured)
    assert review.open_leads_by_owner == {"Ben": 3, "Ana": 1}


def test_coaching_lines_name_only_real_gaps_in_plain_words(rules):
    review = run_check(book(leads=log()), rules, AS_OF).result.review
    lines = coaching_lines(review)
    assert lines == [
        "Ana: conversion 80% of 20 closed deals (likely 58–92%), above the team median"
        " of 50%.",
        "Cy: conversion 10% of 20 closed deals (likely 2.8–30%), below the team median"
        " of 50%.",
        "Open leads per owner: Ben 3, Ana 1.",
    ]


def test_the_rules_sheet_sets_the_coaching_window(rules):
    sheet = [["Setting", "Value"], ["Coaching window (weeks)", 26]]
    review = run_check(book(leads=log(), Rules=sheet), rules, AS_OF).result.review
    cy = next(g for g in review.owner_gaps if g.owner == "Cy" and g.metric == "conversion_rate")
    assert (cy.n, cy.value) == (50, 32 / 50)
    assert "last 26 weeks" in coaching_lines(review)[0] or review.coaching_weeks == 26


def test_no_real_gap_is_said_once(rules):
    leads = closed("Ana", 5, 5, D(2026, 10, 5)) + closed("Ben", 6, 4, D(2026, 10, 5))
    lines = coaching_lines(run_check(book(leads=leads), rules, AS_OF).result.review)
    assert lines[0] == "No owner is clearly above or below the team median over the last" \
                       " 13 weeks."


def test_the_demo_names_kim_over_half_a_year(rules):
    from conftest import REPO

    from sheetsync.backends import open_backend

    raw = open_backend(str(REPO / "sample_workbooks" / "demo.xlsx")).read()
    review = run_check(raw, rules, AS_OF).result.review
    assert not any(g.real for g in review.owner_gaps)        # 13 weeks: no clear gap
    for row in raw.sheets["Rules"]:
        if row and row[0] == "Coaching window (weeks)":
            row[1] = 26
    lines = coaching_lines(run_check(raw, rules, AS_OF).result.review)
    readme = (REPO / "sample_workbooks" / "README.md").read_text("utf-8")
    assert lines[0] == ("Kim: conversion 19% of 21 closed deals (likely 7.7–40%), below the"
                        " team median of 43%.")
    assert " ".join(readme.split()).count(lines[0].removesuffix(".")) == 1
