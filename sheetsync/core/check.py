"""A whole check over one workbook's grids: the pure heart of `check` and `sync`.

RawWorkbook + rules + as-of date in; a `Checked` out, holding the `CheckResult` and
the tables a sync needs to know where its owned cells are.  No I/O here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

from sheetsync.core import columns
from sheetsync.core.catalogue import say
from sheetsync.core.diagnosis import diagnose
from sheetsync.core.lead_checks import (
    lead_checks_of,
    not_missing_if_refused,
    with_overdue_touches,
)
from sheetsync.core.leads import Lead, parse_leads
from sheetsync.core.mapping import apply_mapping, mapping_rows
from sheetsync.core.metrics import measure
from sheetsync.core.priority import BELOW, blame, choose, metric_status
from sheetsync.core.result import (
    CheckResult,
    Finding,
    Leak,
    Metric,
    Metrics,
    PipelineRow,
    Review,
    found,
)
from sheetsync.core.review import build_review
from sheetsync.core.rules import Rules
from sheetsync.core.rules_file import GENERATED, HISTORY, OLD_HISTORY
from sheetsync.core.rules_sheet import apply_rules_sheet
from sheetsync.core.tables import HEADER_SCAN_ROWS, Table, find_sheet, find_table
from sheetsync.core.text import currency
from sheetsync.core.validate import validate
from sheetsync.core.values import infer_currency, normalize_header
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
    pipeline_grid: Grid | None = None  # the whole Pipeline sheet (the legend looks below it)
    blocks_grid: Grid | None = None    # the whole Blocks sheet (its legend looks below it)


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


def _lead_log(raw: RawWorkbook, rules: Rules, pipeline_sheet: str
              ) -> tuple[Table | None, list[Finding], list[str]]:
    """The lead log's table, what to say about where it was found, and the sheets left
    unread.  The Leads sheet first; when it has no rows, another sheet whose header row
    is a lead log (an export pasted onto a sheet of its own)."""
    names = list(raw.sheets)
    leads_name = find_sheet(names, rules.sheets["leads"])
    table = None
    out: list[Finding] = []
    if leads_name is not None:
        table = find_table(raw.sheets[leads_name], leads_name, rules.lead_columns,
                           prefer=rules.column_map)
    used = [pipeline_sheet]
    if table is None or not table.rows:
        elsewhere = columns.lead_log_elsewhere(raw, rules, used)
        if elsewhere is not None:
            table = elsewhere
            out.append(found("lead-log-on-other-sheet", sheet=table.sheet))
            used.append(table.sheet)
    if table is None and leads_name is not None:
        unknown = columns.unknown_headers(raw.sheets[leads_name], leads_name, rules)
        if unknown is not None:
            out.append(unknown)
        elif any(any(row) for row in raw.sheets[leads_name]):
            out.append(found("leads-header-missing", sheet=leads_name))
    skipped = columns.other_sheets(raw, rules, used)
    out += [found("sheet-skipped", sheet=name) for name in skipped]
    if table is not None:
        columns.open_stage_column(table, raw.sheets[table.sheet], rules)
    return table, out, skipped


def _unmatched_mapping(table: Table, rules: Rules, grid: Grid, sheet: str) -> list[Finding]:
    """A finding on each Rules-sheet column mapping whose header the log does not have."""
    out = []
    for key, (row, label) in mapping_rows(rules, grid).items():
        header = rules.column_map.get(key)
        if header is None:
            continue
        got = table.headers.get(key)
        if got is None or normalize_header(got) != normalize_header(header):
            out.append(found("mapped-column-not-found", sheet=sheet, row=row,
                             label=label, header=header))
    return out


def _rate_statuses(metrics: Metrics, rules: Rules) -> None:
    """Each counter's status against its Rules minimum (and each source's and owner's)."""
    for key in COUNTERS:
        m: Metric = getattr(metrics, key)
        m.status = metric_status(key, m, rules)  # type: ignore[assignment]
    for b in (*metrics.by_source, *metrics.by_owner):
        for key in ("qualified_rate", "conversion_rate"):
            m = getattr(b, key)
            m.status = metric_status(key, m, rules)  # type: ignore[assignment]


def label_rows(rows: list[PipelineRow], leaks: list[Leak], fix: Leak | None) -> None:
    """The Status word and Why of every Pipeline row, from the one priority."""
    by_row = {x.row: x for x in leaks if x.sheet == (fix.sheet if fix else x.sheet)}
    for row in rows:
        leak = by_row.get(row.row)
        if leak is not None and row.kind is None:      # the row the diagnosis blames
            row.state, row.kind, row.why = "leak", leak.kind, leak.why
        if fix is not None and row.row == fix.row:
            row.fix, row.status = True, say("status-fix-this-week")
            row.why = fix.why if fix.kind == BELOW else f"{row.why} {fix.why}".strip()
        elif row.state == "leak":
            row.status = say("status-leak")
            if fix is not None:
                row.why = f"{row.why} {say('why-next', fix=fix.stage)}".strip()
        else:
            row.status = say(_STATUS.get(row.state, "status-ok"))


_STATUS = {"on-target": "status-on-target", "below-target": "status-below-target",
           "low-sample": "status-low-sample", "ok": "status-ok"}
COUNTERS = ("leads_per_week", "qualified_rate", "conversion_rate", "average_deal_size",
            "cycle_time_days")


def _routing_untracked(review: Review, decision_tracked: bool) -> Review:
    """Without a Decision column no lead can be routed: the review does not list every
    open lead as "not routable yet" (the check says once that routing is not tracked)."""
    if not decision_tracked:
        review.new_not_routable = []
    return review


def run_check(raw: RawWorkbook, rules: Rules, as_of: dt.date) -> Checked:
    """Everything check finds in `raw`, with the workbook's Rules sheet applied.

    Money is said in the workbook's own currency, inferred from how the operator
    writes budgets, deal sizes and prices (`result.currency`).
    """
    sign = _currency_of(raw, rules)
    with currency(sign):
        checked = _run_check(raw, rules, as_of)
    checked.result.currency = sign
    return checked


_MONEY_KEYS = ("budget", "deal_size")


def _currency_of(raw: RawWorkbook, rules: Rules) -> str:
    """The currency sign of the Pipeline's answers and the log's Budget and Deal size
    columns (each distinct value looked at once; no other column is read)."""
    names = list(raw.sheets)
    texts: set[object] = set()
    pipeline = find_sheet(names, rules.sheets["pipeline"])
    for cells in raw.sheets.get(pipeline or "", []):
        texts.update(v for v in cells if isinstance(v, str))
    aliases = {normalize_header(a) for k in _MONEY_KEYS
               for a in (k, *rules.lead_columns.get(k, []))}
    grid = raw.sheets.get(find_sheet(names, rules.sheets["leads"]) or "", [])
    for r, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        cols = [c for c, v in enumerate(cells)
                if isinstance(v, str) and normalize_header(v) in aliases]
        if cols:
            rows = grid[r + 1:]
            for c in cols:
                try:                    # a backend's rows are as wide as the sheet
                    seen = set(map(itemgetter(c), rows))
                except IndexError:      # a ragged grid (a hand-made one)
                    seen = {row[c] for row in rows if c < len(row)}
                texts.update(v for v in seen if isinstance(v, str))
            break
    return infer_currency(texts)


def _run_check(raw: RawWorkbook, rules: Rules, as_of: dt.date) -> Checked:
    findings: list[Finding] = []
    names = list(raw.sheets)
    rules_sheet = find_sheet(names, rules.sheets["rules"])
    if rules_sheet is not None:
        rules, from_rules = apply_rules_sheet(rules, raw.sheets[rules_sheet], rules_sheet)
        findings += from_rules
        rules, from_rules = apply_mapping(rules, raw.sheets[rules_sheet], rules_sheet)
        findings += from_rules

    pipeline = _pipeline_table(raw, rules)
    leads_table, log_findings, skipped = _lead_log(raw, rules, pipeline.sheet)
    findings += log_findings
    if leads_table is not None and rules_sheet is not None:
        findings += _unmatched_mapping(leads_table, rules, raw.sheets[rules_sheet], rules_sheet)
    leads, unreadable = parse_leads(leads_table, rules, as_of)
    findings += unreadable
    counted, lead_checks = lead_checks_of(leads, leads_table, rules, as_of, unreadable)

    decision_tracked = leads_table is None or columns.decisions_typed(leads_table)
    metrics = measure(counted, as_of, rules, decisions=decision_tracked)
    _rate_statuses(metrics, rules)
    lead_rules, absent, per_field = rules, {}, Counter[str]()
    refused: set[tuple[int, str]] = set()
    if leads_table is not None:
        refused, per_field = columns.refused_cells(unreadable, leads_table)
        for counter, lost in columns.lost_rows(unreadable, leads_table, leads, rules).items():
            getattr(metrics, counter).unreadable = len(lost)
            getattr(metrics, counter).lost = lost
        absent = columns.absent_fields(leads_table, leads, rules)
        lead_rules = columns.without(rules, absent)
        if leads:
            findings += columns.column_findings(leads_table, absent, rules)
    log_unreadable = leads_table is None and any(f.rule == "leads-headers-unknown"
                                                 for f in log_findings)
    rows, leaks, missing = evaluate_pipeline(pipeline, counted, metrics, rules,
                                             log_unreadable=log_unreadable,
                                             decision_tracked=decision_tracked)
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
        found = not_missing_if_refused(
            validate(leads, leads_table.sheet, leads_table.headers, lead_rules, as_of), unreadable)
        findings += columns.drop_cells(found, leads_table, refused, absent, rules)
        findings += lead_checks

    order = {name: i for i, name in enumerate(names)}
    findings.sort(key=lambda f: (order.get(f.sheet, len(order)), f.row or 0))
    leaks, fix = choose(leaks, rows, blame(metrics, rows, rules), pipeline.sheet, rules)
    label_rows(rows, leaks, fix)
    diagnosis = diagnose(metrics, fix, rules)
    # Every part was made valid where it was made (leads validated in bulk, findings by
    # `found` from the catalogue): building the result does not validate them again.
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
        review=_routing_untracked(with_overdue_touches(
            build_review(counted, metrics, fix, diagnosis, rules, as_of), counted, rules, as_of),
            decision_tracked),
        notes=[f.message for f in findings if f.severity == "info"],
        columns=columns.report(leads_table, rules, skipped, per_field, absent),
    )
    history_name = find_sheet(names, [HISTORY, OLD_HISTORY])
    return Checked(
        result=result,
        rules=rules,
        pipeline=pipeline,
        pipeline_grid=raw.sheets.get(pipeline.sheet),
        blocks=blocks_table,
        blocks_grid=raw.sheets.get(blocks_name) if blocks_name else None,
        leads_table=leads_table,
        leads=leads,
        history=raw.sheets.get(history_name) if history_name else None,
        history_name=history_name or HISTORY,
    )
