"""The one-page worksheet and the blocks map, evaluated row by row.

Turns the Pipeline table into `PipelineRow`s (what Measured / Status / Why will say)
and `Leak`s, and the Blocks table into `BlockRow`s.  Pure: tables, leads and metrics
in; rows, leaks and findings out.
"""

from __future__ import annotations

from sheetsync.core import catalogue, values
from sheetsync.core.leads import Lead
from sheetsync.core.leaks import evidence_kind, marker_kind
from sheetsync.core.result import BlockRow, Finding, Leak, Metric, Metrics, PipelineRow, found
from sheetsync.core.rules import Rules, Stage
from sheetsync.core.tables import Table, alias_index
from sheetsync.core.text import count, describe_metric

_WORDS = {
    "blank": "the answer is blank",
    "none": "the answer says there is none",
    "untracked": "the answer says it is not tracked",
    "varies": "the answer says it varies",
}


def _stage_index(rules: Rules) -> dict[str, Stage]:
    index = alias_index({s.name: s.aliases for s in rules.stages})
    by_name = {s.name: s for s in rules.stages}
    return {norm: by_name[name] for norm, name in index.items()}


def evaluate_pipeline(
    table: Table, leads: list[Lead], metrics: Metrics, rules: Rules, *,
    log_unreadable: bool = False,
    decision_tracked: bool = True,
) -> tuple[list[PipelineRow], list[Leak], list[Finding]]:
    """Each worksheet row's status, the leaks among them, and rows that are missing.

    `log_unreadable`: the lead log has rows but no header sheetsync knows, so no lead
    was read (the Why says that, not that the log is empty).  Without a Decision
    column (`decision_tracked` False) the qualified rate's Why says so.
    """
    stages = _stage_index(rules)
    has_log = bool(leads)
    rows: list[PipelineRow] = []
    leaks: list[Leak] = []
    seen: set[str] = set()
    for r, cells in table.rows:
        label = values.text_of(table.cell(cells, "stage"))
        stage = stages.get(values.normalize_header(label)) if label else None
        if stage is None or stage.name in seen:
            continue
        seen.add(stage.name)
        answer = values.text_of(table.cell(cells, "answer"))
        row = _evaluate_row(r, label, answer, stage, leads, metrics, rules, has_log,
                            log_unreadable)
        if (not decision_tracked and stage.counter == "qualified_rate"
                and row.status == "leak: untracked"):
            row.why = catalogue.say("qualified-rate-untracked-why").removesuffix(".")
        rows.append(row)
        if row.status.startswith("leak: "):
            leaks.append(
                Leak(
                    sheet=table.sheet,
                    row=r,
                    stage=stage.name,
                    label=label,
                    kind=row.status.removeprefix("leak: "),
                    text=answer,
                    why=row.why,
                )
            )
    findings = [
        found(
            "stage-row-missing", sheet=table.sheet, stage=s.name, guide=s.guide.lower())
        for s in rules.stages
        if s.name not in seen
    ]
    return rows, leaks, findings


def _evaluate_row(
    r: int,
    label: str,
    answer: str,
    stage: Stage,
    leads: list[Lead],
    metrics: Metrics,
    rules: Rules,
    has_log: bool,
    log_unreadable: bool = False,
) -> PipelineRow:
    words = marker_kind(answer, rules)
    row = PipelineRow(row=r, stage=stage.name, label=label, answer=answer)
    if stage.counter is not None:
        metric: Metric = getattr(metrics, stage.counter)
        row.unit = metric.unit
    if not has_log:
        if words:
            empty = (_clause(catalogue.say("lead-log-unreadable")) if log_unreadable
                     else "the lead log is empty")
            row.status, row.why = f"leak: {words}", _WORDS[words] + "; " + empty
        return row
    kind, why = evidence_kind(stage.name, stage.counter, leads, metrics, rules)
    if kind == "measured":
        row.status = "measured"
        row.measured = metric.value
        row.why = describe_metric(stage.counter or "", metric, rules)
    elif kind is not None:
        row.status, row.why = f"leak: {kind}", why[:1].upper() + why[1:]
    elif words:
        row.status, row.why = f"leak: {words}", _WORDS[words]
    if stage.counter is not None and metric.unreadable:
        lost = catalogue.say("counter-lost-rows", rows=count(metric.unreadable, "row"))
        row.why = f"{row.why}; {_clause(lost)}" if row.why else lost.removesuffix(".")
    return row


def _clause(sentence: str) -> str:
    """A catalogue sentence as the second half of a Why: 'The log …' -> 'the log …'."""
    return sentence[:1].lower() + sentence[1:].removesuffix(".")


def _blank(text: str, rules: Rules) -> bool:
    return marker_kind(text, rules) in ("blank", "none", "untracked")


def evaluate_blocks(
    table: Table | None, sheet_present: bool, rules: Rules
) -> tuple[list[BlockRow], list[Leak], list[Finding]]:
    """The five blocks map: a block with no owner, no output or a missing rule leaks."""
    if table is None:
        finding = found(
            "blocks-table-missing" if sheet_present else "blocks-sheet-missing",
            sheet="Blocks")
        return [], [], [finding]
    rows: list[BlockRow] = []
    leaks: list[Leak] = []
    for r, cells in table.rows:
        block = values.text_of(table.cell(cells, "block"))
        if not block:
            continue
        row = BlockRow(
            row=r,
            block=block,
            owner=values.text_of(table.cell(cells, "owner")),
            output=values.text_of(table.cell(cells, "output")),
            missing_rule=values.text_of(table.cell(cells, "missing_rule")),
            fix=values.text_of(table.cell(cells, "fix")),
        )
        kind, why = None, ""
        if _blank(row.owner, rules):
            kind, why = "no-owner", "nobody owns this block"
        elif _blank(row.output, rules):
            kind, why = "no-output", "the block has no defined output"
        elif row.missing_rule and not _blank(row.missing_rule, rules):
            kind, why = "no-rule", f"missing rule: {row.missing_rule}"
        if kind:
            row.status = f"leak: {kind}"
            leaks.append(
                Leak(sheet=table.sheet, row=r, stage=block, label=block, kind=kind, why=why)
            )
        rows.append(row)
    return rows, leaks, []
