"""A whole check over one workbook's grids: the pure heart of `check` and `sync`.

RawWorkbook + rules + as-of date in; a `Checked` out, holding the `CheckResult` and
the tables a sync needs to know where its owned cells are.  No I/O here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sheetsync.core.diagnosis import diagnose
from sheetsync.core.lead_checks import (
    lead_checks_of,
    not_missing_if_refused,
    with_overdue_touches,
)
from sheetsync.core.leads import Lead, parse_leads
from sheetsync.core.leaks import fix_this_week
from sheetsync.core.metrics import measure
from sheetsync.core.result import CheckResult, Finding, found
from sheetsync.core.review import build_review
from sheetsync.core.rules import Rules
from sheetsync.core.rules_file import GENERATED, HISTORY, OLD_HISTORY
from sheetsync.core.rules_sheet import apply_rules_sheet
from sheetsync.core.tables import Table, find_sheet, find_table
from sheetsync.core.validate import validate
from sheetsync.core.worksheet import evaluate_blocks, evaluate_pipeline
from sheetsync.errors import SourceError
from sheetsync.workbook import Grid, RawWorkbook


@dataclass
class Checked:
    """A check's result plus where things are, for planning the write."""

    result: CheckResult
    rules: Rules
    pipeline: Table
    blocks: Table | None
    leads_table: Table | None
    leads: list[Lead]
    history: Grid | None
    history_name: str = HISTORY        # the workbook's own (an older workbook's: "History")


def _pipeline_table(raw: RawWorkbook, rules: Rules) -> Table:
    names = list(raw.sheets)
    name = find_sheet(names, rules.sheets["pipeline"])
    candidates = [name] if name else [n for n in names if n not in GENERATED]
    for sheet in candidates:
        table = find_table(
            raw.sheets[sheet], sheet, rules.pipeline_columns, required=("stage", "answer")
        )
        if table is not None:
            return table
    where = raw.title or raw.source
    if name:
        raise SourceError(
            f"{where}: sheet '{name}' has no 'Stage' and 'What it is for you' header row;"
            " add them (sheetsync init shows the layout)"
        )
    found = ", ".join(names[:6]) or "no sheets"
    raise SourceError(
        f"{where}: no Pipeline sheet (found: {found}); run 'sheetsync init' to make a"
        " pipeline workbook or rename your worksheet to Pipeline"
    )


def run_check(raw: RawWorkbook, rules: Rules, as_of: dt.date) -> Checked:
    """Everything check finds in `raw`, with the workbook's Rules sheet applied."""
    findings: list[Finding] = []
    names = list(raw.sheets)
    rules_sheet = find_sheet(names, rules.sheets["rules"])
    if rules_sheet is not None:
        rules, from_rules = apply_rules_sheet(rules, raw.sheets[rules_sheet], rules_sheet)
        findings += from_rules

    pipeline = _pipeline_table(raw, rules)
    leads_name = find_sheet(names, rules.sheets["leads"])
    leads_table = None
    if leads_name is not None:
        leads_table = find_table(raw.sheets[leads_name], leads_name, rules.lead_columns)
        if leads_table is None and any(any(row) for row in raw.sheets[leads_name]):
            findings.append(found(
                "leads-header-missing", sheet=leads_name))
    leads, unreadable = parse_leads(leads_table, rules, as_of)
    findings += unreadable
    counted, lead_checks = lead_checks_of(leads, leads_table, rules, as_of, unreadable)

    metrics = measure(counted, as_of, rules)
    rows, leaks, missing = evaluate_pipeline(pipeline, counted, metrics, rules)
    findings += missing
    blocks_name = find_sheet(names, rules.sheets["blocks"])
    blocks_table = (
        find_table(raw.sheets[blocks_name], blocks_name, rules.blocks_columns, required=("block",))
        if blocks_name
        else None
    )
    block_rows, block_leaks, block_findings = evaluate_blocks(
        blocks_table, blocks_name is not None, rules
    )
    findings += block_findings
    if leads_table is not None:
        findings += not_missing_if_refused(
            validate(leads, leads_table.sheet, leads_table.headers, rules, as_of), unreadable)
        findings += lead_checks

    order = {name: i for i, name in enumerate(names)}
    findings.sort(key=lambda f: (order.get(f.sheet, len(order)), f.row or 0))
    fix = fix_this_week(leaks, rules)
    if fix is not None:
        for row in rows:
            if row.row == fix.row:
                row.status += " — fix this week"
    diagnosis = diagnose(metrics, fix, rules)
    # Every part was validated where it was made (leads and findings in bulk); building
    # the result does not validate them all a second time.
    result = CheckResult.model_construct(
        source=raw.source,
        title=raw.title,
        as_of=as_of,
        lead_count=len(leads),
        leaks=leaks + block_leaks,
        fix_this_week=fix,
        diagnosis=diagnosis,
        metrics=metrics,
        findings=findings,
        pipeline=rows,
        blocks=block_rows,
        review=with_overdue_touches(
            build_review(counted, metrics, fix, diagnosis, rules, as_of), counted, rules, as_of),
        notes=[f.message for f in findings if f.severity == "info"],
    )
    history_name = find_sheet(names, [HISTORY, OLD_HISTORY])
    return Checked(
        result=result,
        rules=rules,
        pipeline=pipeline,
        blocks=blocks_table,
        leads_table=leads_table,
        leads=leads,
        history=raw.sheets.get(history_name) if history_name else None,
        history_name=history_name or HISTORY,
    )
