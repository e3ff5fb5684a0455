"""What a new pipeline workbook contains, as plain data (the backend writes it).

Pipeline and Blocks start with a title row and a blank row, then the table, so the
workbook looks like the printed worksheet; Leads and Rules start with their header.
Every header is the first alias the rules give it and every sheet name the first
accepted name, so a new workbook reads back as it is.  Nothing here knows openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheetsync.core.rules import FIELD_LISTS, Rules

# One plain line per Rules-sheet setting, shown beside its value.  A setting the
# rules file gains later without a line here still gets a row (with no explanation).
RULE_HELP = {
    "budget_min": "A pursued lead's budget must clear this amount.",
    "offer_problem_keywords": "A pursued lead's problem should contain one of these words.",
    "decision_maker_required": "yes: the contact of a pursued lead must be the decision maker.",
    "max_timeline_days": "A pursued lead's timeline must fit within this many days.",
    "follow_up_window_days": "The next touch should come within this many days of sending.",
    "max_touches": "Stop a sequence after this many touches.",
    "stuck_after_days": "A pursued deal open this many days after its Date in is stuck.",
    "coaching_weeks": "Owners are compared over this many whole weeks.",
    "required_for_pursued": "A pursued lead must have these columns filled in.",
    "also_check": "Also require these: Channel, Confidence, Message variant, Signal used, Owner.",
    "window_weeks": "Rates cover this many whole weeks (Mon–Sun) before the current week.",
    "min_sample": "A rate resting on fewer leads than this is marked low sample.",
    "price_variation_max": "Won deal sizes varying more than this mean the price varies.",
    "high_value_min": "Outreach to a lead with this budget or more needs Approved by.",
    "sensitive_keywords": "A lead whose note or company mentions one of these needs Approved by.",
    "diagnosis.min_qualified_rate": "Below this, the inputs bring the wrong people.",
    "diagnosis.min_conversion_rate": "Below this, the offer or the call is broken.",
    "diagnosis.min_leads_per_week": "Below this, one input source is not producing.",
    "diagnosis.min_average_deal_size": "Below this, you are priced as custom work.",
}
# The Rules sheet's mapping rows for a pasted CRM export (mapping.py reads them): a
# blank value maps nothing.  (label kind, field or example value, explanation)
MAPPING_ROWS = (
    ("date_order", "",
     "How 03/04/2026 is read: day first, month first, or auto (from the column)."),
    ("column", "stage", "Pasted a CRM export? Its stage column's header, for example deal_stage."),
    ("column", "date_in", "The export's date a lead came in, for example CreatedDate."),
    ("stage_value", "Demo booked",
     "A stage word of the export as a sheetsync stage, e.g. meeting."),
)
TITLES = {
    "pipeline": "Pipeline worksheet — one row per stage. Type your answers in "
                "“What it is for you”; sheetsync fills Measured, Status and Why.",
    "blocks": "The five blocks — who owns each one, what it produces, which rule is missing.",
}
PIPELINE_KEYS = ("stage", "answer", "example", "measured", "status", "why")
PIPELINE_OWNED = ("measured", "status", "why")
BLOCK_KEYS = ("block", "owner", "output", "missing_rule", "fix", "status")
LEAD_TEXT_WIDE = {"visible_signal", "probable_problem", "reason", "evidence", "note",
                  "next_action", "last_action", "missing_evidence", "objection",
                  "stop_condition", "signal_used"}
LEAD_WIDTHS = {"id": 7, "lead": 18, "company": 18, "role": 18, "source": 14, "channel": 16,
               "owner": 10, "check": 60}
LEAD_DATES = {"date_in", "sent_date", "next_touch_date", "next_action_date", "closed_date"}
LEAD_MONEY = {"budget", "deal_size"}
YES_NO = ["yes", "no"]
BLANK_EXAMPLE = "(blank — this is your leak)"


@dataclass
class SheetLayout:
    """One sheet of a new workbook.  Rows and columns are 1-based sheet coordinates.

    `rows` are the data rows under the header, as values (text, numbers, dates).
    `formats` name a kind of number format per column ("date", "money", "percent");
    `cell_formats` do the same for single cells, keyed by (sheet row, column).
    `owned` columns are the ones sheetsync writes; their header looks different.
    """

    name: str
    header_row: int
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    title: str = ""
    widths: dict[int, float] = field(default_factory=dict)
    dropdowns: dict[int, list[str]] = field(default_factory=dict)
    formats: dict[int, str] = field(default_factory=dict)
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    wrap: set[int] = field(default_factory=set)
    owned: set[int] = field(default_factory=set)
    boxed: bool = False             # thin borders round the table: a form to fill in
    freeze_first_column: bool = False   # wide tables keep their first column in view

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1


@dataclass
class BookLayout:
    """The sheets of a new workbook, in the order they appear."""

    sheets: list[SheetLayout]

    def sheet(self, name: str) -> SheetLayout:
        """The sheet called `name` (KeyError if there is none)."""
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)


def _setting(rules: Rules, path: str) -> Any:
    value: Any = rules
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _show(value: Any) -> Any:
    """A setting as an operator types it: yes/no, comma-separated lists, plain numbers."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rule_format(path: str) -> str | None:
    """Money settings get a money format, rates a percent format."""
    key = path.rsplit(".", 1)[-1]
    if key.endswith("_rate") or key == "price_variation_max":
        return "percent"
    if key in ("budget_min", "high_value_min", "min_average_deal_size"):
        return "money"
    return None


def pipeline_sheet(rules: Rules, answers: dict[str, str] | None = None) -> SheetLayout:
    """The worksheet: the stages in order, the seed's Example column, `answers` typed in."""
    pc = rules.pipeline_columns
    sheet = SheetLayout(
        name=rules.sheets["pipeline"][0], title=TITLES["pipeline"], header_row=3,
        headers=[pc[k][0] for k in PIPELINE_KEYS],
        widths={1: 30, 2: 46, 3: 46, 4: 12, 5: 24, 6: 56}, wrap={2, 3, 6},
        owned={PIPELINE_KEYS.index(k) + 1 for k in PIPELINE_OWNED}, boxed=True,
    )
    for stage in rules.stages:
        answer = (answers or {}).get(stage.name, "")
        sheet.rows.append([stage.name, answer, stage.example or BLANK_EXAMPLE])
    return sheet


def blocks_sheet(rules: Rules, blocks: list[dict[str, str]] | None = None) -> SheetLayout:
    """The five blocks map; `blocks` rows (keyed by the blocks_columns keys) fill it in."""
    bc = rules.blocks_columns
    sheet = SheetLayout(
        name=rules.sheets["blocks"][0], title=TITLES["blocks"], header_row=3,
        headers=[bc[k][0] for k in BLOCK_KEYS], widths={1: 22, 2: 18, 3: 32, 4: 34, 5: 34, 6: 22},
        wrap={3, 4, 5, 6}, owned={BLOCK_KEYS.index("status") + 1}, boxed=True,
    )
    given = {b.get("block"): b for b in blocks or []}
    for name in rules.blocks:
        b = given.get(name, {})
        sheet.rows.append([name] + [b.get(k, "") for k in BLOCK_KEYS[1:5]])
    return sheet


def leads_sheet(rules: Rules, leads: list[dict[str, Any]] | None = None) -> SheetLayout:
    """The lead log: every lead column in rules order (Check, the owned one, last)."""
    keys = list(rules.lead_columns)
    sheet = SheetLayout(name=rules.sheets["leads"][0], header_row=1,
                        headers=[rules.lead_columns[k][0] for k in keys],
                        freeze_first_column=True)
    choices = {
        "decision": list(rules.decisions),
        "stage": list(rules.stage_order),
        "reply_status": list(rules.reply_statuses),
        "decision_maker": YES_NO,
        "problem_fit": YES_NO,
    }
    for col, key in enumerate(keys, start=1):
        sheet.widths[col] = LEAD_WIDTHS.get(key, 30 if key in LEAD_TEXT_WIDE else 13)
        if key in choices:
            sheet.dropdowns[col] = choices[key]
        if key in LEAD_DATES:
            sheet.formats[col] = "date"
        elif key in LEAD_MONEY:
            sheet.formats[col] = "money"
    if "check" in keys:
        sheet.owned.add(keys.index("check") + 1)
    for lead in leads or []:
        sheet.rows.append([lead.get(k) for k in keys])
    return sheet


def rules_sheet(rules: Rules) -> SheetLayout:
    """One row per setting an operator may change: label, current value, what it means."""
    sheet = SheetLayout(name=rules.sheets["rules"][0], header_row=1,
                        headers=["Setting", "Value", "What it means"],
                        widths={1: 28, 2: 36, 3: 66}, wrap={2, 3}, boxed=True)
    for i, (path, labels) in enumerate(rules.rule_labels.items()):
        value = _setting(rules, path)
        if path in FIELD_LISTS:             # lead field keys, shown as the column headers
            value = [rules.lead_columns.get(k, [k])[0] for k in value]
        sheet.rows.append([labels[0], _show(value), RULE_HELP.get(path, "")])
        kind = _rule_format(path)
        if kind:
            sheet.cell_formats[(sheet.first_data_row + i, 2)] = kind
    sheet.rows += _mapping_rows(rules)
    return sheet


def _mapping_rows(rules: Rules) -> list[list[Any]]:
    """The mapping rows a new Rules sheet offers (README: pasting a CRM export)."""
    labels = rules.mapping_labels
    out: list[list[Any]] = []
    for kind, what, help_text in MAPPING_ROWS:
        if not labels.get(kind):
            continue
        if kind == "date_order":
            out.append([labels[kind][0], rules.date_order, help_text])
        elif kind == "column" and rules.lead_columns.get(what):
            out.append([labels[kind][0].format(field=rules.lead_columns[what][0]), None,
                        help_text])
        elif kind == "stage_value":
            out.append([labels[kind][0].format(value=what), None, help_text])
    return out


def seed_answers(rules: Rules) -> dict[str, str]:
    """The seed's filled-in operator: each stage's Example typed in as the answer."""
    return {stage.name: stage.example for stage in rules.stages}


def new_workbook(rules: Rules, *, filled: bool = False,
                 leads: list[dict[str, Any]] | None = None,
                 blocks: list[dict[str, str]] | None = None,
                 answers: dict[str, str] | None = None) -> BookLayout:
    """The four sheets of a new workbook: Pipeline, Blocks, Leads, Rules.

    `filled` types the seed's example answers in (Input source #2's stays empty, as
    in the seed); `answers` (stage name -> text) types others in instead.  `leads`
    (keyed by rules.lead_columns keys) and `blocks` fill the log and the blocks map.
    """
    typed = answers if answers is not None else seed_answers(rules) if filled else None
    return BookLayout([pipeline_sheet(rules, typed), blocks_sheet(rules, blocks),
                       leads_sheet(rules, leads), rules_sheet(rules)])
