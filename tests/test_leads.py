"""The lead log parsed column by column: each distinct value read once, never conflated."""

from __future__ import annotations

import datetime as dt

import pytest

from sheetsync.core.leads import Lead, parse_column, parse_leads, text_column
from sheetsync.core.rules import load_rules
from sheetsync.core.tables import find_table
from sheetsync.core.values import parse_bool, parse_money


def _leads(head: list[str], *rows: list[object]) -> tuple[list[Lead], list]:
    rules = load_rules()
    grid = [["Lead log"], head, *[list(r) for r in rows]]
    table = find_table(grid, "Leads", rules.lead_columns)
    assert table is not None
    return parse_leads(table, rules)


def test_equal_values_of_different_types_are_parsed_apart() -> None:
    # 1.0 == True and they hash alike: one lookup table would read True as an amount of 1
    # (or 1.0 as a yes).  Each cell must get its own reading.
    leads, findings = _leads(["Lead", "Budget", "Decision maker"],
                             ["a", 1.0, True], ["b", True, 1.0], ["c", 1.0, "no"])
    assert [x.budget for x in leads] == [1.0, None, 1.0]
    assert [x.decision_maker for x in leads] == [True, True, False]
    assert [(f.row, f.column, f.rule) for f in findings] == [(4, "Budget", "unreadable-value")]


def test_every_refused_cell_is_reported_at_its_own_row() -> None:
    leads, findings = _leads(["Lead", "Budget", "Date in"],
                             ["a", "lots", "2026-10-01"], ["b", 5000, "soon"],
                             ["c", "lots", dt.datetime(2026, 10, 2, 9, 30)], ["d", "$8K", ""])
    assert [x.budget for x in leads] == [None, 5000.0, None, 8000.0]
    assert [x.date_in for x in leads] == [dt.date(2026, 10, 1), None, dt.date(2026, 10, 2), None]
    refused = sorted((f.row, f.column) for f in findings)
    assert refused == [(3, "Budget"), (4, "Date in"), (5, "Budget")]
    assert all("lots" in f.message for f in findings if f.column == "Budget")


def test_text_columns_are_stripped_and_non_text_is_shown_as_people_read_it() -> None:
    assert text_column(("  Ada ", "", "Bo")) == ["Ada", "", "Bo"]
    assert text_column((1001.0, "  L-2 ", None, dt.date(2026, 1, 5))) == [
        "1001", "L-2", "", "2026-01-05"]


def test_absent_columns_take_the_declared_defaults() -> None:
    leads, _ = _leads(["Lead", "Source"], ["Ada", " Referral "])
    (ada,) = leads
    assert (ada.row, ada.lead, ada.source) == (3, "Ada", "Referral")
    assert ada.budget is None and ada.evidence == "" and ada.stage is None
    assert ada == Lead(row=3, lead="Ada", source="Referral")


def test_parse_column_reads_each_distinct_value_once() -> None:
    seen: list[object] = []

    def spy(v: object) -> object:
        seen.append(v)
        return parse_money(v)  # type: ignore[arg-type]

    parsed, refused = parse_column(["$8K"] * 1000 + ["9,000"] * 1000 + ["n/a"], spy)
    assert parsed[0] == 8000.0 and parsed[1500] == 9000.0 and parsed[-1] is None
    assert sorted(map(str, seen)) == ["$8K", "9,000", "n/a"]
    assert list(refused) == [2000]


@pytest.mark.parametrize("column", [[True, 1, 1.0, "y", 0], [[1], "yes"]])
def test_parse_column_falls_back_to_cell_by_cell(column: list[object]) -> None:
    # Mixed numeric types, or a value that cannot be a dict key, are read one by one.
    def parse(v: object) -> object:
        if isinstance(v, list):
            raise ValueError("a list is not yes or no")
        return parse_bool(v)  # type: ignore[arg-type]

    parsed, refused = parse_column(column, parse)
    expected = [parse(v) if not isinstance(v, list) else None for v in column]
    assert parsed == expected
    assert set(refused) == {i for i, v in enumerate(column) if isinstance(v, list)}
