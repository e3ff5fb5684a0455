"""Rules: the vocabulary and thresholds, loaded from YAML into a typed model.

Precedence (DESIGN.md §2): the shipped `rules/default.yaml`, then a rules file given
by the person who set sheetsync up, then the workbook's Rules sheet — the operator's
word wins.  Code never hard-codes a marker, alias, threshold or stage name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from sheetsync.errors import RulesError
from sheetsync.resources import resource_dir


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
    decisions: dict[str, list[str]]
    reply_statuses: dict[str, list[str]]
    stop_replies: list[str]
    stage_order: list[str]
    stage_aliases: dict[str, list[str]] = {}
    closed_stages: list[str]
    handoffs: Handoffs
    rule_labels: dict[str, list[str]] = {}

    def stage_vocabulary(self) -> dict[str, list[str]]:
        """Lead stages as a choice vocabulary: canonical name -> accepted variants."""
        return {s: [s, *self.stage_aliases.get(s, [])] for s in self.stage_order}


def _default_text() -> str:
    return resource_dir("rules").joinpath("default.yaml").read_text("utf-8")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings; lists and scalars in `over` replace those in `base`."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _load_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise RulesError(f"{where}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RulesError(f"{where}: expected settings as 'name: value' lines")
    return data


def load_rules(path: Path | None = None) -> Rules:
    """The shipped defaults, overridden by the rules file at `path` if given."""
    data = _load_yaml(_default_text(), "rules/default.yaml")
    where = "rules/default.yaml"
    if path is not None:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise RulesError(f"{path}: cannot read the rules file ({exc.strerror})") from exc
        data = _merge(data, _load_yaml(text, str(path)))
        where = str(path)
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        place = ".".join(str(p) for p in err["loc"])
        raise RulesError(f"{where}: setting '{place}': {err['msg']}") from exc
