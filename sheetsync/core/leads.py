"""The lead log: rows of the Leads table parsed into typed `Lead` records.

Values are parsed the way operators type them (`$8K`, `35%`, `y`, `21/10/2026`).
A value that cannot be parsed becomes a finding for that cell and is treated as
empty — never a crash, never a silent guess.

A log can hold tens of thousands of leads, so the work is done a column at a time:
each distinct value of a column is parsed once, each typed column is validated in
one pydantic call against the type `Lead` declares for it, and the rows are then
assembled as tuples.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple, get_type_hints

from pydantic import ConfigDict, TypeAdapter

from sheetsync.core import dates, values
from sheetsync.core.catalogue import say
from sheetsync.core.result import Finding, found
from sheetsync.core.rules import Rules
from sheetsync.core.tables import Table
from sheetsync.core.text import day
from sheetsync.core.timelines import parse_timeline
from sheetsync.workbook import Value


class Lead(NamedTuple):
    """One row of the lead log, typed.  `row` is the sheet row it came from.

    A named tuple: tens of thousands are made per run, each as cheaply as a tuple.
    Text fields hold stripped text ("" when empty); typed fields hold None when empty.
    """

    row: int
    id: str = ""
    lead: str = ""
    company: str = ""
    role: str = ""
    source: str = ""
    channel: str = ""
    email: str = ""
    url: str = ""
    date_in: dt.date | None = None
    visible_signal: str = ""
    probable_problem: str = ""
    confidence: str = ""
    budget: float | None = None
    problem_fit: bool | None = None
    decision_maker: bool | None = None
    timeline: float | None = None          # days
    decision: str | None = None            # pursue / nurture / skip
    reason: str = ""
    evidence: str = ""
    missing_evidence: str = ""
    approved_by: str = ""
    sent_date: dt.date | None = None
    message_variant: str = ""
    signal_used: str = ""
    next_touch_date: dt.date | None = None
    touches: float | None = None           # touches sent so far in the sequence
    stop_condition: str = ""
    reply_status: str | None = None        # none / positive / neutral / negative / bounce / opt-out
    objection: str = ""
    owner: str = ""
    stage: str | None = None               # rules.stage_order
    last_action: str = ""
    next_action: str = ""
    next_action_date: dt.date | None = None
    note: str = ""
    deal_size: float | None = None
    closed_date: dt.date | None = None

    def name(self) -> str:
        """How the lead is named to a person: its name, company or ID, else its row."""
        return self.lead or self.company or self.id or unnamed(self.row)


_FIELDS = frozenset(Lead._fields) - {"row"}
_TYPES: dict[str, Any] = get_type_hints(Lead)
_STRICT = ConfigDict(strict=True)
# One validator per declared type, shared by the fields of that type.
_COLUMN_CHECKS: dict[Any, TypeAdapter[Any]] = {
    t: TypeAdapter(list[t], config=_STRICT) for t in set(_TYPES.values())  # type: ignore[valid-type]
}

Parser = Callable[[Value], Any]


DATE_FIELDS = ("date_in", "sent_date", "next_touch_date", "next_action_date", "closed_date")


def date_orders(table: Table, rules: Rules,
                distinct: dict[str, set[Hashable] | None] | None = None
                ) -> dict[str, bool | None]:
    """How each date column reads a date both orders allow (True: day first).

    The Rules sheet's date order wins; otherwise a column's own unambiguous dates decide
    (`20-10-2017` says day first), then the log's other date columns; a column whose
    dates disagree, with no other word, decides nothing (its ambiguous cells are refused).
    `distinct` holds each date column's distinct values when the caller has them.
    """
    keys = [k for k in DATE_FIELDS if k in table.columns]
    fixed = rules.dayfirst()
    if fixed is not None:
        return dict.fromkeys(keys, fixed)
    given = distinct or {}

    def seen(key: str) -> set[Hashable]:
        known = given.get(key)
        return known if known is not None else set(table.column_values(key))

    votes = {k: dates.order_votes(seen(k)) for k in keys}

    def decide(day: int, month: int) -> bool | None:
        return None if bool(day) == bool(month) else day > 0

    overall = decide(sum(d for d, _ in votes.values()), sum(m for _, m in votes.values()))
    return {k: overall if not (d or m) else decide(d, m) for k, (d, m) in votes.items()}


def _parsers(rules: Rules, as_of: dt.date | None = None,
             orders: dict[str, bool | None] | None = None) -> dict[str, Parser]:
    decisions = rules.decisions
    replies = rules.reply_statuses
    stages = rules.stage_vocabulary()

    def date(key: str) -> Parser:
        dayfirst = (orders or {}).get(key)
        if dayfirst is None:
            return values.parse_date
        return lambda v: values.parse_date(v, dayfirst=dayfirst)

    return {
        **{key: date(key) for key in DATE_FIELDS},
        "budget": values.parse_money,
        "deal_size": values.parse_money,
        "problem_fit": values.parse_bool,
        "decision_maker": values.parse_bool,
        "timeline": lambda v: parse_timeline(v, as_of),
        "touches": values.parse_count,
        "decision": lambda v: values.parse_choice(v, decisions),
        "reply_status": lambda v: values.parse_choice(v, replies),
        "stage": lambda v: values.parse_choice(v, stages),
    }


def text_column(column: Sequence[Value]) -> list[str]:
    """Every cell as stripped text ("" when empty); one C-level pass when all are text."""
    try:
        return list(map(str.strip, column))        # type: ignore[arg-type]
    except TypeError:                              # a number, date or None among them
        return [v.strip() if type(v) is str else values.text_of(v) for v in column]


def _as_typed(parser: Parser) -> Callable[[Value], Any]:
    def parse(v: Value) -> Any:
        return None if v is None or v == "" else parser(v)
    return parse


_NUMERIC = frozenset({bool, int, float})


def _distinct(column: Sequence[Value]) -> set[Hashable] | None:
    """The column's distinct values, or None when equal-but-different values share a key.

    1, 1.0 and True are one key to a set or dict (only the first one seen is kept),
    but a parser reads them differently (True is a yes, 1.0 an amount): a column that
    mixes those types is parsed cell by cell.
    """
    try:
        distinct: set[Hashable] = set(column)
    except TypeError:               # an unhashable value: never from a backend, but safe
        return None
    # Only a column holding numbers can mix them (the distinct values show whether it
    # holds any; the whole column, which of them).
    if set(map(type, distinct)) & _NUMERIC and len(set(map(type, column)) & _NUMERIC) > 1:
        return None
    return distinct


_UNSET: Any = object()


def parse_column(
    column: Sequence[Value], parse: Callable[[Value], Any], distinct: Any = _UNSET,
) -> tuple[list[Any], dict[int, str]]:
    """`parse` applied to every cell, and {index: why} for the cells it refused.

    Each distinct value is parsed once (a log repeats the same few values a lot), then
    the column is filled from that table in one pass.  A refused cell becomes None.
    `distinct` is the column's `_distinct` when the caller has worked it out already.
    """
    if distinct is _UNSET:
        distinct = _distinct(column)
    if distinct is not None:
        memo: dict[Any, Any] = {}
        refused: dict[Any, str] = {}
        for v in distinct:
            try:
                memo[v] = parse(v)  # type: ignore[arg-type]   # a cell value, from the column
            except ValueError as exc:
                memo[v] = None
                refused[v] = str(exc)
        parsed = list(map(memo.__getitem__, column))
        if not refused:
            return parsed, {}
        return parsed, {i: refused[v] for i, v in enumerate(column) if v in refused}
    parsed, why = [], {}
    for i, v in enumerate(column):
        try:
            parsed.append(parse(v))
        except ValueError as exc:
            parsed.append(None)
            why[i] = str(exc)
    return parsed, why


def parse_leads(table: Table | None, rules: Rules, as_of: dt.date | None = None
                ) -> tuple[list[Lead], list[Finding]]:
    """Typed leads from the Leads table, and a finding per value that would not parse.

    `as_of` lets a timeline be said as people say it ("next month", "Q1").
    """
    if table is None or not table.rows:
        return [], []
    distinct = {k: _distinct(table.column_values(k)) for k in DATE_FIELDS
                if k in table.columns}
    parsers = _parsers(rules, as_of, date_orders(table, rules, distinct))
    n = len(table.rows)
    rows = [r for r, _ in table.rows]
    columns: dict[str, Sequence[Any]] = {"row": rows}
    findings: list[Finding] = []
    for key in table.columns:
        if key not in _FIELDS:
            continue
        parser = parsers.get(key)
        if parser is None:
            parsed: list[Any] = text_column(table.column_values(key))
        else:
            parsed, refused = parse_column(table.column_values(key), _as_typed(parser),
                                           distinct.get(key, _UNSET))
            findings += [_unreadable(table, key, i, why)
                         for i, why in refused.items()]
            _COLUMN_CHECKS[_TYPES[key]].validate_python(parsed)   # text is text already
        columns[key] = parsed
    if "open_stage" in table.columns and "stage" in columns:
        findings += _open_stages(table, columns, parsers["stage"], rules)
    defaults = Lead._field_defaults
    cells = [columns[k] if k in columns else itertools.repeat(defaults[k], n)
             for k in Lead._fields]
    return list(map(Lead._make, zip(*cells, strict=True))), findings


def _open_stages(table: Table, columns: dict[str, Sequence[Any]], parser: Parser,
                 rules: Rules) -> list[Finding]:
    """A row's stage from both of the log's stage columns (Pipedrive: "Deal - Status"
    says open, won or lost; "Deal - Stage" the pipeline stage, the last open one for a
    closed deal): won or lost in either wins, else the later stage.  Findings for the
    values of the second column it could not read."""
    stages, refused = parse_column(table.column_values("open_stage"), _as_typed(parser))
    closed = set(rules.closed_stages)
    order = {s: i for i, s in enumerate(rules.stage_order)}

    def either(a: str | None, b: str | None) -> str | None:
        if a is None or b is None or a in closed:
            return a or b
        if b in closed:
            return b
        return b if order.get(b, -1) > order.get(a, -1) else a

    columns["stage"] = list(map(either, columns["stage"], stages))
    return [_unreadable(table, "open_stage", i, why) for i, why in refused.items()]


_DATE = "a date, for example 21 Oct 2026"
_EXAMPLES = {
    "date_in": _DATE, "sent_date": _DATE, "next_touch_date": _DATE,
    "next_action_date": _DATE, "closed_date": _DATE,
    "budget": "a number, for example 8000 or $8K",
    "deal_size": "a number, for example 8000 or $8K",
    "problem_fit": "yes or no", "decision_maker": "yes or no",
    "timeline": "days or weeks, for example 45 days or 3 weeks",
}


def lead_name(table: Table, cells: Sequence[Value], row: int) -> str:
    """How a row of the log is named to a person: its lead, company or ID, else its row."""
    for key in ("lead", "company", "id"):
        v = values.text_of(table.cell(cells, key))
        if v:
            return v
    return unnamed(row)


def unnamed(row: int) -> str:
    """A lead with no name, company or ID: "Row 12" (a finding starts with it)."""
    return say("lead-unnamed", row=row)


def _unreadable(table: Table, key: str, index: int, why: str) -> Finding:
    header = table.headers.get(key, key)
    row, cells = table.rows[index]
    example = _EXAMPLES.get(key, "one of the words the column uses")
    problem, said, instead = why.partition("; write it as ")
    if said:               # the reader said how to write it: say that once, in the fix
        example = _ISO.sub(lambda m: day(dt.date.fromisoformat(m[0])), instead)
    return found(
        "unreadable-value", sheet=table.sheet, row=row, column=header,
        lead=lead_name(table, cells, row), problem=problem, example=example,
    )


_ISO = re.compile(r"\b\d{4}-\d\d-\d\d\b")
