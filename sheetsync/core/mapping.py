"""The Rules sheet's mapping rows: a pasted CRM export mapped without YAML (DESIGN.md §8).

Three kinds of label | value rows, their wording in `rules.mapping_labels`:

    Stage column       | deal_stage     the export's header for a lead field
    Engaging means     | outreach       an export's stage value as a sheetsync stage
    Date order         | day first      how a date both orders allow is read

Each adds to the rules (the operator's word wins over a shipped alias); a value that
cannot be used is a finding on its row and changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from sheetsync.core import values
from sheetsync.core.result import Finding, found
from sheetsync.core.rules import Rules
from sheetsync.core.rules_file import add_names
from sheetsync.core.tables import is_empty
from sheetsync.workbook import Grid, Value

_QUOTES = "\"'“”‘’«»"


def _pattern(template: str, slot: str) -> re.Pattern[str]:
    """'{field} column' -> a regex catching the field's words, case-insensitive."""
    before, _, after = template.partition("{" + slot + "}")
    return re.compile(
        rf"\s*{re.escape(before.strip())}\s*(?P<slot>.+?)\s*{re.escape(after.strip())}\s*:?\s*",
        re.IGNORECASE,
    )


def _patterns(rules: Rules, kind: str, slot: str) -> list[re.Pattern[str]]:
    templates = [t for t in rules.mapping_labels.get(kind, []) if "{" + slot + "}" in t]
    # the most words first: "Stage {value} means" before "{value} means"
    return [_pattern(t, slot) for t in sorted(templates, key=len, reverse=True)]


def _field_names(rules: Rules) -> dict[str, str]:
    """normalized name of a lead field (its key or any header alias) -> field key."""
    out: dict[str, str] = {}
    for key, names in rules.lead_columns.items():
        if key == "check":
            continue
        for name in [key, *names]:
            out.setdefault(values.normalize_header(str(name)), key)
    return out


def _rows(grid: Grid) -> list[tuple[int, str, Value]]:
    """(sheet row, label, value) of every label | value row under the header."""
    value_col = None
    header_row = 0
    for r, cells in enumerate(grid[:5], start=1):
        for c, v in enumerate(cells, start=1):
            if isinstance(v, str) and values.normalize_header(v) == "value":
                value_col, header_row = c, r
                break
        if value_col:
            break
    out = []
    for r, cells in enumerate(grid, start=1):
        if r <= header_row:
            continue
        filled = [(c, v) for c, v in enumerate(cells, start=1) if not is_empty(v)]
        if not filled or not isinstance(filled[0][1], str):
            continue
        if value_col is not None:
            raw = cells[value_col - 1] if value_col <= len(cells) else None
            if value_col == filled[0][0]:
                continue
        else:
            raw = filled[1][1] if len(filled) > 1 else None
        if not is_empty(raw):
            out.append((r, filled[0][1].strip(), raw))
    return out


def apply_mapping(rules: Rules, grid: Grid, sheet: str) -> tuple[Rules, list[Finding]]:
    """`rules` with the sheet's column, stage-value and date-order rows applied."""
    if not rules.mapping_labels:
        return rules, []
    columns = _patterns(rules, "column", "field")
    stage_values = _patterns(rules, "stage_value", "value")
    order_labels = {values.normalize_header(x) for x in rules.mapping_labels.get("date_order", [])}
    settings = {values.normalize_header(x) for names in rules.rule_labels.values() for x in names}
    fields = _field_names(rules)
    stages = rules.stage_vocabulary()
    lead_columns = dict(rules.lead_columns)
    stage_aliases = dict(rules.stage_aliases)
    column_map = dict(rules.column_map)
    update: dict[str, Any] = {}
    out: list[Finding] = []
    for r, label, raw in _rows(grid):
        norm = values.normalize_header(label)
        if not norm or norm in settings:
            continue
        text = values.text_of(raw)
        if norm in order_labels:
            try:
                update["date_order"] = values.parse_choice(raw, rules.date_orders)
            except ValueError:
                out.append(found("mapped-date-order-unknown", sheet=sheet, row=r,
                                 label=label, value=text))
            continue
        key = _match(columns, label, lambda s: fields.get(values.normalize_header(s)))
        if key is not None:
            lead_columns = add_names(lead_columns, {key: [text]})
            column_map[key] = text
            continue
        value = _match(stage_values, label, lambda s: s.strip(_QUOTES + " ") or None)
        if value is None:
            continue
        try:
            stage = values.parse_choice(raw, stages)
        except ValueError:
            out.append(found("mapped-stage-unknown", sheet=sheet, row=r,
                             label=label, value=text,
                             stages=", ".join(rules.stage_order)))
            continue
        if stage is not None:
            stage_aliases = add_names(stage_aliases, {stage: [value]})
    if lead_columns != rules.lead_columns:
        update.update(lead_columns=lead_columns, column_map=column_map)
    if stage_aliases != rules.stage_aliases:
        update["stage_aliases"] = stage_aliases
    new = rules.model_copy(update=update) if update else rules
    return new, out


def _match(patterns: list[re.Pattern[str]], label: str, accept: Any) -> str | None:
    for p in patterns:
        m = p.fullmatch(label)
        if m:
            got = accept(m["slot"])
            if got is not None:
                return str(got)
    return None


def mapping_rows(rules: Rules, grid: Grid) -> dict[str, tuple[int, str]]:
    """field -> (row, label) of the Rules-sheet row that names its column."""
    columns = _patterns(rules, "column", "field")
    fields = _field_names(rules)
    out: dict[str, tuple[int, str]] = {}
    for r, label, _ in _rows(grid):
        key = _match(columns, label, lambda s: fields.get(values.normalize_header(s)))
        if key is not None:
            out[key] = (r, label)
    return out
