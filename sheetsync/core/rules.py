"""Rules: the vocabulary and thresholds, loaded from YAML into a typed model.

Precedence (DESIGN.md §2): the shipped `rules/default.yaml`, then a rules file given
by the person who set sheetsync up, then the workbook's Rules sheet — the operator's
word wins.  Code never hard-codes a marker, alias, threshold or stage name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from sheetsync.core.rules_file import RulesText, read_rules_file
from sheetsync.errors import RulesError

# Settings whose values name lead columns: the Rules sheet shows and reads them as the
# operator's headers ("Budget, Decision maker"), the model keeps the field keys.
FIELD_LISTS = ("required_for_pursued", "also_check")


class Stage(BaseModel):
    """One row of the one-page worksheet, in stage order."""

    model_config = ConfigDict(frozen=True)

    name: str
    aliases: list[str] = []
    guide: str = ""
    example: str = ""
    counter: str | None = None      # metric key for counter rows, e.g. "qualified_rate"


class Diagnosis(BaseModel):
    min_qualified_rate: float = 0.25
    min_conversion_rate: float = 0.20
    min_leads_per_week: float = 3
    min_average_deal_size: float = 5000


class Handoffs(BaseModel):
    research: list[str]
    qualification: list[str]
    outreach: list[str]
    crm: list[str]


class Rules(BaseModel):
    """Everything a check needs to know that is not the workbook itself."""

    model_config = ConfigDict(extra="forbid")

    window_weeks: int = 4
    min_sample: int = 5
    price_variation_max: float = 0.35
    budget_min: float = 0
    decision_maker_required: bool = True
    max_timeline_days: float = 90
    offer_problem_keywords: list[str] = []
    follow_up_window_days: int = 7
    max_touches: int = 5
    stuck_after_days: int = 90
    coaching_weeks: int = 13
    required_for_pursued: list[str] = []      # lead fields (keys) a pursued lead must carry
    also_check: list[str] = []                # optional handoff fields switched on
    optional_handoff_fields: dict[str, Literal["research", "outreach", "crm"]] = {}
    follow_up_words: list[str] = []
    sequence_stages: list[str] = []
    earliest_year: int = 2000
    high_value_min: float = 0
    sensitive_keywords: list[str] = []
    diagnosis: Diagnosis = Diagnosis()

    leak_markers: dict[str, list[str]]
    stages: list[Stage]
    blocks: list[str]
    sheets: dict[str, list[str]]
    pipeline_columns: dict[str, list[str]]
    blocks_columns: dict[str, list[str]]
    lead_columns: dict[str, list[str]]
    open_stage_columns: list[str] = []     # an open deal's stage beside the stage column
    decisions: dict[str, list[str]]
    reply_statuses: dict[str, list[str]]
    stop_replies: list[str]
    stage_order: list[str]
    stage_aliases: dict[str, list[str]] = {}
    closed_stages: list[str]
    handoffs: Handoffs
    rule_labels: dict[str, list[str]] = {}
    date_order: str = "auto"                        # a key of date_orders
    date_orders: dict[str, list[str]] = {}
    mapping_labels: dict[str, list[str]] = {}
    # Set from the Rules sheet (mapping.py): field -> the header the operator named for it.
    column_map: dict[str, str] = {}

    def dayfirst(self) -> bool | None:
        """The date order the rules set: True day first, False month first, None auto."""
        return {"day-first": True, "month-first": False}.get(self.date_order)

    def handoff_fields(self, handoff: str) -> list[str]:
        """The fields `handoff` requires: the rules' list, then the switched-on extras."""
        fields = list(getattr(self.handoffs, handoff))
        extra = self.optional_handoff_fields
        return fields + [k for k in self.also_check
                         if extra.get(k) == handoff and k not in fields]

    def stage_vocabulary(self) -> dict[str, list[str]]:
        """Lead stages as a choice vocabulary: canonical name -> accepted variants."""
        return {s: [s, *self.stage_aliases.get(s, [])] for s in self.stage_order}


def load_rules(path: Path | None = None) -> Rules:
    """The shipped defaults, overridden by the rules file at `path` if given."""
    return typed_rules(read_rules_file(path))


def typed_rules(text: RulesText) -> Rules:
    """The merged settings as the typed model; RulesError names the bad setting."""
    try:
        return Rules.model_validate(text.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        place = ".".join(str(p) for p in err["loc"])
        raise RulesError(f"{text.where}: setting '{place}': {err['msg']}") from exc
