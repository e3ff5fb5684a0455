"""The lead log: rows of the Leads table parsed into typed `Lead` models.

Values are parsed the way operators type them (`$8K`, `35%`, `y`, `21/10/2026`).
A value that cannot be parsed becomes a finding for that cell and is treated as
empty — never a crash, never a silent guess.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter
from pydantic.dataclasses import dataclass

from sheetsync.core import values
from sheetsync.core.result import Finding
from sheetsync.core.rules import Rules
from sheetsync.core.tables import Table
from sheetsync.workbook import Value


@dataclass(slots=True)
class Lead:
    """One row of the lead log, typed.  `row` is the sheet row it came from.

    A slotted pydantic dataclass: validated like a model, in bulk, but a tenth of the
    memory of a BaseModel per row (a log can hold tens of thousands of leads).
    """

    row: int
    id: str = ""
    lead: str = ""
    company: str = ""
    role: str = ""
    source: str = ""
    channel: str = ""
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
        """How the lead is named to a person: its name, company or ID."""
        return self.lead or self.company or self.id or f"row {self.row}"

    def has(self, key: str) -> bool:
        """True when field `key` holds something (text non-blank, value not None)."""
        v = getattr(self, key)
        return bool(v.strip()) if isinstance(v, str) else v is not None


_FIELDS = {f.name for f in dataclasses.fields(Lead)} - {"row"}

Parser = Callable[[Value], Any]


def _parsers(rules: Rules) -> dict[str, Parser]:
    decisions = rules.decisions
    replies = rules.reply_statuses
    stages = rules.stage_vocabulary()
    return {
        "date_in": values.parse_date,
        "sent_date": values.parse_date,
        "next_touch_date": values.parse_date,
        "next_action_date": values.parse_date,
        "closed_date": values.parse_date,
        "budget": values.parse_money,
        "deal_size": values.parse_money,
        "problem_fit": values.parse_bool,
        "decision_maker": values.parse_bool,
        "timeline": values.parse_days,
        "decision": lambda v: values.parse_choice(v, decisions),
        "reply_status": lambda v: values.parse_choice(v, replies),
        "stage": lambda v: values.parse_choice(v, stages),
    }


_LEADS = TypeAdapter(list[Lead])


def _text_column(column: Sequence[Value]) -> list[str]:
    return [
        v.strip() if type(v) is str else ("" if v is None else values.text_of(v))
        for v in column
    ]


def parse_leads(table: Table | None, rules: Rules) -> tuple[list[Lead], list[Finding]]:
    """Typed leads from the Leads table, and a finding per value that would not parse.

    Works column by column and validates all rows at once with pydantic, so a log of
    tens of thousands of rows stays fast.
    """
    if table is None or not table.rows:
        return [], []
    parsers = _parsers(rules)
    rows = [r for r, _ in table.rows]
    keys: list[str] = ["row"]
    columns: list[list[Any]] = [rows]
    findings: list[Finding] = []
    for key, col in table.columns.items():
        if key not in _FIELDS:
            continue
        raw = table.column_values(key)
        parser = parsers.get(key)
        if parser is None:
            parsed: list[Any] = _text_column(raw)
        else:
            parsed = [None] * len(raw)
            for i, v in enumerate(raw):
                if v is None or v == "":
                    continue
                try:
                    parsed[i] = parser(v)
                except ValueError as exc:
                    findings.append(_unreadable(table, key, col, rows[i], v, str(exc)))
        keys.append(key)
        columns.append(parsed)
    records = [dict(zip(keys, cells, strict=True)) for cells in zip(*columns, strict=True)]
    return _LEADS.validate_python(records), findings


def _unreadable(table: Table, key: str, col: int, row: int, raw: Value, why: str) -> Finding:
    header = table.headers.get(key, key)
    return Finding(
        sheet=table.sheet,
        row=row,
        column=header,
        rule="unreadable-value",
        message=f"{header}: {why}",
        fix=f"Type {header} the way the column expects (see the Rules sheet), or clear it.",
    )
