"""The one-page worksheet and the blocks map, evaluated row by row.

Turns the Pipeline table into `PipelineRow`s (what Measured / Status / Why will say)
and `Leak`s, and the Blocks table into `BlockRow`s.  Pure: tables, leads and metrics
in; rows, leaks and findings out.
"""

from __future__ import annotations

from sheetsync.core import values
from sheetsync.core.catalogue import entry, say
from sheetsync.core.leads import Lead, unnamed
from sheetsync.core.leaks import evidence_kind, marker_kind
from sheetsync.core.priority import target
from sheetsync.core.result import BlockRow, Finding, Leak, Metric, Metrics, PipelineRow, found
from sheetsync.core.rules import Rules, Stage
from sheetsync.core.tables import Table, alias_index
from sheetsync.core.text import count, describe_metric, small

_WORDS = {                       # what the operator's words say, by leak kind
    "blank": "why-blank",
    "none": "why-none",
    "untracked": "why-untracked-words",
    "varies": "why-varies-words",
}


def _words_why(kind: str, stage: Stage, answer_header: str) -> str:
    return say(_WORDS[kind], guide=small(stage.guide),
               column=answer_header)


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
                            table.headers.get("answer", "What it is for you"), log_unreadable)
        if (not decision_tracked and stage.counter == "qualified_rate"
                and row.kind == "untracked"):
            row.why = say("qualified-rate-untracked-why")
        rows.append(row)
        if row.kind is not None:
            leaks.append(
                Leak(
                    sheet=table.sheet,
                    row=r,
                    stage=stage.name,
                    label=label,
                    kind=row.kind,
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
    answer_header: str,
    log_unreadable: bool = False,
) -> PipelineRow:
    words = marker_kind(answer, rules)
    row = PipelineRow(row=r, stage=stage.name, label=label, answer=answer)
    if stage.counter is not None:
        metric: Metric = getattr(metrics, stage.counter)
        row.unit = metric.unit
    if not has_log:
        if words:
            row.state, row.kind = "leak", words
            row.why = _words_why(words, stage, answer_header)
            if log_unreadable:
                row.why += " " + say("lead-log-unreadable")
        return row
    kind, why = evidence_kind(stage.name, stage.counter, leads, metrics, rules)
    if kind == "measured":
        row.state = metric.status
        if row.state == "on-target" and target(stage.counter or "", rules) is None:
            row.state = "ok"            # measured, with no minimum to be on
        row.measured = metric.value
        row.why = describe_metric(stage.counter or "", metric, rules)
    elif kind == "waiting":             # tracked, but nothing has closed yet: no leak
        row.state, row.why = "low-sample", why
    elif kind is not None:
        row.state, row.kind, row.why = "leak", kind, why
    elif words:
        row.state, row.kind, row.why = "leak", words, _words_why(words, stage, answer_header)
    if stage.counter is not None and metric.unreadable:
        lost = lost_words(metric.lost) if metric.lost else say(
            "counter-lost-rows", rows=count(metric.unreadable, "row"))
        row.why = f"{row.why} {lost}".strip()
    return row


_BLOCK_STATUS = {"no-owner": "status-block-no-owner", "no-output": "status-block-no-output",
                 "no-rule": "status-block-no-rule"}


def lost_words(lost: list[tuple[int, str, str]]) -> str:
    """The rows a counter left out, named: one in a sentence, up to 3 listed, then
    "and N more (see the Findings sheet)"."""
    if len(lost) == 1:
        row, lead, columns = lost[0]
        if lead == unnamed(row):                  # "Row 7 (Row 7)" says it twice
            return say("counter-lost-row-unnamed", row=row, columns=columns)
        return say("counter-lost-row", row=row, lead=lead, columns=columns)
    items = ", ".join(say("counter-lost-row-item-unnamed", row=r, columns=c) if n == unnamed(r)
                      else say("counter-lost-row-item", row=r, lead=n, columns=c)
                      for r, n, c in lost[:3])
    if len(lost) > 3:
        items = say("counter-lost-more", items=items, more=len(lost) - 3)
    return say("counter-lost-some", items=items)


def leak_names(leaks: list[Leak], skip: Leak | None = None) -> list[str]:
    """Each leaking row named once, in order: a Pipeline stage by its name, a Blocks row
    with every problem it has ("Follow-up (nobody owns it; a rule is missing)"); `skip`'s
    row is left out."""
    problems: dict[tuple[str, int], list[str]] = {}
    names: dict[tuple[str, int], str] = {}
    for x in leaks:
        key = (x.sheet, x.row)
        if skip is not None and key == (skip.sheet, skip.row):
            continue
        names.setdefault(key, x.stage)
        if x.kind in _BLOCK_STATUS:
            problems.setdefault(key, []).append(say(_BLOCK_STATUS[x.kind]))
    return [say("leak-with-problems", stage=name, problems="; ".join(problems[key]))
            if key in problems else name for key, name in names.items()]


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
        kinds = [kind for kind, problem in (
            ("no-owner", _blank(row.owner, rules)),
            ("no-output", _blank(row.output, rules)),
            ("no-rule", bool(row.missing_rule) and not _blank(row.missing_rule, rules)),
        ) if problem]
        if kinds:                       # every problem of the row, not only the first
            row.kind, row.kinds = kinds[0], kinds
            row.status = say("status-block-leak",
                             problems=", ".join(say(_BLOCK_STATUS[k]) for k in kinds))
            leaks += [Leak(sheet=table.sheet, row=r, stage=block, label=block, kind=k,
                           why=entry(_BLOCK_STATUS[k]).fix) for k in kinds]
        else:
            row.status = say("status-ok")
        rows.append(row)
    return rows, leaks, []
