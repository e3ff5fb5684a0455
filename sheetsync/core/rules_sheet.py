"""The workbook's Rules sheet: label | value rows that override the rules files.

The operator's word wins, but a value that cannot be read is a finding on that row
and the previous setting stays — a typo never stops the sync.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sheetsync.core import values
from sheetsync.core.result import Finding, found
from sheetsync.core.rules import FIELD_LISTS, Rules
from sheetsync.core.tables import is_empty
from sheetsync.workbook import Grid, Value

_SPLIT = re.compile(r"\s*[,;\n]\s*")
_RATES = {"min_qualified_rate", "min_conversion_rate", "price_variation_max"}


def _as_list(v: Value) -> list[str]:
    return [p for p in _SPLIT.split(values.text_of(v)) if p]


def _as_int(v: Value) -> int:
    n = values.parse_number(v)
    if n is None or n != int(n) or n < 0:
        raise ValueError(f"“{values.text_of(v)}” is not a whole number")
    return int(n)


def _as_fields(rules: Rules) -> Callable[[Value], list[str]]:
    """Column names ("Budget, Decision maker") read as lead field keys, via the aliases."""
    index = {values.normalize_header(a): key
             for key, aliases in rules.lead_columns.items() for a in [key, *aliases]}

    def parse(v: Value) -> list[str]:
        keys: list[str] = []
        for name in _as_list(v):
            norm = values.normalize_header(name)
            if norm in ("none", "nothing", "no"):
                continue
            if norm not in index:
                raise ValueError(f"“{name}” is not a column of the lead log")
            if index[norm] not in keys:
                keys.append(index[norm])
        return keys

    return parse


def _parser(field: str, current: Any, rules: Rules) -> Callable[[Value], Any]:
    if field in FIELD_LISTS:
        return _as_fields(rules)
    if field in _RATES:
        return values.parse_percent
    if isinstance(current, bool):
        return values.parse_bool
    if isinstance(current, list):
        return _as_list
    if isinstance(current, int):
        return _as_int
    if field.endswith(("_min", "deal_size")):
        return values.parse_money
    return values.parse_number


def _value_column(grid: Grid) -> int | None:
    """The column headed "Value" in the first rows, if the sheet has one."""
    for cells in grid[:5]:
        for c, v in enumerate(cells, start=1):
            if isinstance(v, str) and values.normalize_header(v) == "value":
                return c
    return None


def apply_rules_sheet(rules: Rules, grid: Grid, sheet: str) -> tuple[Rules, list[Finding]]:
    """`rules` with the sheet's settings applied, and a finding per unreadable value.

    Any row whose first non-empty cell is a known label (see `rules.rule_labels`)
    counts; its value is in the column headed "Value", or else the next non-empty cell
    to the right.  A cleared Value cell means the default.
    """
    labels = {
        values.normalize_header(label): path
        for path, names in rules.rule_labels.items()
        for label in names
    }
    data = rules.model_dump()
    findings: list[Finding] = []
    value_col = _value_column(grid)
    for r, cells in enumerate(grid, start=1):
        filled = [(c, v) for c, v in enumerate(cells, start=1) if not is_empty(v)]
        if not filled or not isinstance(filled[0][1], str):
            continue
        path = labels.get(values.normalize_header(filled[0][1]))
        if path is None:
            continue
        if value_col is not None:          # a "Value" column: a cleared value is no value
            raw = cells[value_col - 1] if value_col <= len(cells) else None
            if is_empty(raw):
                continue
        elif len(filled) < 2:
            continue
        else:
            raw = filled[1][1]
        parent, _, name = path.rpartition(".")
        target = data[parent] if parent else data
        try:
            parsed = _parser(name, target[name], rules)(raw)
        except ValueError as exc:
            findings.append(found(
                "rules-value-unreadable", sheet=sheet, row=r,
                label=filled[0][1], problem=exc, default=target[name],
            ))
            continue
        if parsed is not None:
            target[name] = parsed
    return Rules.model_validate(data), findings
