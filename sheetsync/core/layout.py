"""What a new pipeline workbook contains, as plain data (the backend writes it).

Pipeline and Blocks start with a title row and a blank row, then the table, so the
workbook looks like the printed worksheet; Leads and Rules start with their header.
Every header is the first alias the rules give it, so the workbook reads back as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheetsync.core.rules import Rules

RULE_HELP = {
    "budget_min": "A pursued lead's budget must clear this amount.",
    "offer_problem_keywords": "Words one of which a lead's probable problem should contain.",
    "decision_maker_required": "yes: a pursued lead's contact must be the decision maker.",
    "max_timeline_days": "A pursued lead's timeline must fit within this many days.",
    "follow_up_window_days": "The next touch should come within this many days of sending.",
    "max_touches": "Stop a sequence after this many touches.",
    "window_weeks": "Metrics cover this many whole weeks before this week.",
    "min_sample": "A rate resting on fewer leads is marked low sample.",
    "price_variation_max": "Won deal sizes varying more than this mean the price varies.",
    "high_value_min": "Outreach to a lead with this budget or more needs Approved by.",
    "sensitive_keywords": "Leads whose note mentions these need Approved by before outreach.",
    "diagnosis.min_qualified_rate": "Below this, the inputs bring the wrong people.",
    "diagnosis.min_conversion_rate": "Below this, the offer or the call is broken.",
    "diagnosis.min_leads_per_week": "Below this, one input source is not producing.",
    "diagnosis.min_average_deal_size": "Below this, you are priced as custom work.",
}
LEAD_TEXT_WIDE = {"visible_signal", "probable_problem", "reason", "evidence", "note", "check",
                  "next_action", "last_action", "missing_evidence", "objection"}


@dataclass
class SheetLayout:
    """One sheet of a new workbook.  Rows and columns are 1-based."""

    name: str
    header_row: int
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)      # data rows under the header
    title: str = ""
    widths: dict[int, float] = field(default_factory=dict)
    dropdowns: dict[int, list[str]] = field(default_factory=dict)    # column -> choices
    formats: dict[int, str] = field(default_factory=dict)            # column -> "date"/"money"
    wrap: set[int] = field(default_factory=set)


@dataclass
class BookLayout:
    sheets: list[SheetLayout]


def _setting(rules: Rules, path: str) -> Any:
    value: Any = rules
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _show(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def new_workbook(rules: Rules, *, filled: bool = False,
                 leads: list[dict[str, Any]] | None = None,
                 blocks: list[dict[str, str]] | None = None) -> BookLayout:
    """The four sheets of a new workbook; `filled` types the seed's example answers in."""
    pc = rules.pipeline_columns
    pipeline = SheetLayout(
        name=rules.sheets["pipeline"][0], title="Pipeline worksheet — one row per stage",
        header_row=3,
        headers=[pc[k][0] for k in ("stage", "answer", "example", "measured", "status", "why")],
        widths={1: 30, 2: 46, 3: 46, 4: 12, 5: 26, 6: 60}, wrap={2, 3, 6},
    )
    for stage in rules.stages:
        answer = stage.example if filled else ""
        pipeline.rows.append([stage.name, answer, stage.example or "(blank — this is your leak)"])

    bc = rules.blocks_columns
    block_keys = ("block", "owner", "output", "missing_rule", "fix", "status")
    blocks_sheet = SheetLayout(
        name=rules.sheets["blocks"][0], title="The five blocks — who owns what", header_row=3,
        headers=[bc[k][0] for k in block_keys], widths={1: 22, 2: 18, 3: 30, 4: 34, 5: 34, 6: 18},
        wrap={3, 4, 5},
    )
    given = {b.get("block"): b for b in blocks or []}
    for name in rules.blocks:
        b = given.get(name, {})
        blocks_sheet.rows.append([name] + [b.get(k, "") for k in block_keys[1:5]])

    keys = list(rules.lead_columns)
    lead_sheet = SheetLayout(name=rules.sheets["leads"][0], header_row=1,
                             headers=[rules.lead_columns[k][0] for k in keys])
    choices = {
        "decision": list(rules.decisions),
        "stage": list(rules.stage_order),
        "reply_status": list(rules.reply_statuses),
        "decision_maker": ["yes", "no"],
        "problem_fit": ["yes", "no"],
    }
    for i, key in enumerate(keys, start=1):
        lead_sheet.widths[i] = 34 if key in LEAD_TEXT_WIDE else 14
        if key in choices:
            lead_sheet.dropdowns[i] = choices[key]
        if key.endswith("date") or key in ("date_in", "closed_date"):
            lead_sheet.formats[i] = "date"
        if key in ("budget", "deal_size"):
            lead_sheet.formats[i] = "money"
    lead_sheet.widths[keys.index("check") + 1] = 70
    for lead in leads or []:
        lead_sheet.rows.append([lead.get(k) for k in keys])

    rules_sheet = SheetLayout(name=rules.sheets["rules"][0], header_row=1,
                              headers=["Setting", "Value", "What it means"],
                              widths={1: 30, 2: 40, 3: 70})
    for path, labels in rules.rule_labels.items():
        rules_sheet.rows.append([labels[0], _show(_setting(rules, path)), RULE_HELP.get(path, "")])
    return BookLayout([pipeline, blocks_sheet, lead_sheet, rules_sheet])
