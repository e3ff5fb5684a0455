"""What a check finds, as pydantic models.  `CheckResult` is the `--format json` output.

Scripts rely on these names (DESIGN.md §5): keep them stable.  Rates are fractions
(0.34), money is a plain number, cycle time is in days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from string import Formatter
from typing import Literal

from pydantic import BaseModel, Field

from sheetsync.core import catalogue


@dataclass(slots=True)
class Finding:
    """One thing wrong with one place: a value, not an exception.

    A slotted plain dataclass rather than a model: a big, messy log has tens of
    thousands of findings, each made by `found` from a catalogue entry (the code is its
    only maker, so nothing is validated twice); pydantic still serializes and reads it
    as part of `CheckResult`.  Its fields are given in order (`found` makes 77,000 of
    them for a messy 50,000-lead log; keywords would cost a third more).
    """

    sheet: str
    row: int | None                  # 1-based sheet row; None for a sheet-level finding
    column: str | None               # the header as the operator typed it, or None
    rule: str                        # stable kebab-case id, e.g. "decision-needs-evidence"
    message: str                     # what is wrong, in plain words
    fix: str = ""                    # what to do about it
    severity: Literal["error", "warning", "info"] = "error"


class Leak(BaseModel):
    """A circled row of the worksheet (or of the blocks map)."""

    sheet: str
    row: int
    stage: str                       # canonical stage name, e.g. "Price (visible before the call)"
    label: str                       # the label as the operator typed it
    kind: str                        # blank, none, untracked, varies, single-source, no-owner, ...
    text: str = ""                   # the operator's answer
    why: str = ""                    # one plain sentence


class Interval(BaseModel):
    low: float
    high: float


class Metric(BaseModel):
    """A counter as measured from the lead log over the window."""

    value: float | None = None
    n: int = 0                       # the sample the value rests on
    low_sample: bool = False
    interval: Interval | None = None   # 95% Wilson interval, rates only
    previous: float | None = None      # same metric over the previous window
    previous_n: int = 0
    mean: float | None = None          # cycle time: the mean beside the median
    unit: Literal["per_week", "rate", "money", "days"] = "rate"
    unreadable: int = 0                # rows left out: a value it needs could not be read
    # those rows as (row, lead, headers refused), for the Why; not in JSON (stable contract)
    lost: list[tuple[int, str, str]] = Field(default_factory=list, exclude=True)
    # against the Rules minimum: on-target | below-target | low-sample | no-data
    status: Literal["on-target", "below-target", "low-sample", "no-data"] = "no-data"


class Breakdown(BaseModel):
    """One source's or one owner's share of the window."""

    name: str
    leads: int = 0
    leads_per_week: float = 0.0
    qualified_rate: Metric = Field(default_factory=Metric)
    conversion_rate: Metric = Field(default_factory=Metric)
    won: int = 0
    lost: int = 0


class Window(BaseModel):
    start: dt.date                   # Monday
    end: dt.date                     # Sunday, inclusive
    weeks: int


class WeekRow(BaseModel):
    """One ISO week of the log (Metrics per week, History)."""

    week: str                        # "2026-W44"
    start: dt.date
    leads: int
    decided: int
    pursued: int
    won: int
    lost: int
    qualified_rate: float | None = None
    conversion_rate: float | None = None


class Metrics(BaseModel):
    window: Window
    previous_window: Window
    leads_per_week: Metric
    qualified_rate: Metric
    conversion_rate: Metric
    average_deal_size: Metric
    cycle_time_days: Metric
    by_source: list[Breakdown] = Field(default_factory=list)
    by_owner: list[Breakdown] = Field(default_factory=list)
    weekly: list[WeekRow] = Field(default_factory=list)


class IgnoredColumn(BaseModel):
    header: str                      # as typed in the lead log
    nearest: str | None = None       # the nearest column sheetsync knows, as it is usually typed


class ColumnReport(BaseModel):
    """Which of the lead log's columns a check used, and what it left alone (§8)."""

    sheet: str | None = None                 # the sheet the lead log was read from
    header_row: int | None = None
    used: dict[str, str] = Field(default_factory=dict)     # field -> header as typed
    ignored: list[IgnoredColumn] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)        # needed columns the log lacks
    unreadable: dict[str, int] = Field(default_factory=dict)   # header -> cells refused
    skipped_sheets: list[str] = Field(default_factory=list)
    decision_tracked: bool = True            # False: no Decision column (every lead pursued)


class PipelineRow(BaseModel):
    """One worksheet row with what sync writes into its owned cells."""

    row: int
    stage: str                       # canonical
    label: str                       # as typed
    answer: str = ""
    measured: float | None = None
    unit: Literal["per_week", "rate", "money", "days"] | None = None
    # state: ok | leak | on-target | below-target | low-sample (kebab, for code);
    # kind: the leak kind when state is leak; status: the plain word the sheet shows
    state: str = "ok"
    kind: str | None = None
    fix: bool = False                # the one to fix this week
    status: str = "OK"
    why: str = ""


class BlockRow(BaseModel):
    row: int
    block: str
    owner: str = ""
    output: str = ""
    missing_rule: str = ""
    fix: str = ""
    kind: str | None = None          # no-owner | no-output | no-rule: the first problem
    kinds: list[str] = Field(default_factory=list)    # every problem of the row
    status: str = "OK"


@dataclass(slots=True, kw_only=True)
class LeadRef:
    """A lead named in the review: where it is and what it is."""

    row: int
    lead: str
    owner: str = ""
    detail: str = ""


class VariantReplies(BaseModel):
    variant: str
    sent: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    other: int = 0                   # bounce, opt-out
    no_reply: int = 0


class OwnerGap(BaseModel):
    owner: str
    metric: str                      # e.g. "conversion_rate"
    value: float | None
    team_median: float | None
    gap: float | None                # value - team median
    n: int = 0
    low_sample: bool = False         # n under min_sample: shown, never called a gap
    interval: Interval | None = None   # 95% Wilson interval of the owner's rate
    real: bool = False               # enough sample, and the median is outside the interval
    open_leads: int = 0              # the owner's workload: leads that still need work


class Review(BaseModel):
    """The weekly review (five-blocks operating rhythm)."""

    new_not_routable: list[LeadRef] = Field(default_factory=list)
    qualified_without_evidence: list[LeadRef] = Field(default_factory=list)
    replies_by_variant: list[VariantReplies] = Field(default_factory=list)
    overdue: list[LeadRef] = Field(default_factory=list)
    meetings: dict[str, list[LeadRef]] = Field(default_factory=dict)   # won / lost / nurture
    owner_gaps: list[OwnerGap] = Field(default_factory=list)   # over coaching_weeks
    open_leads_by_owner: dict[str, int] = Field(default_factory=dict)
    coaching_weeks: int = 0
    one_change: str = ""


class CheckResult(BaseModel):
    """Everything `check` knows about one workbook."""

    source: str
    title: str = ""
    as_of: dt.date
    lead_count: int = 0
    leaks: list[Leak] = Field(default_factory=list)
    fix_this_week: Leak | None = None
    diagnosis: str = ""
    metrics: Metrics
    findings: list[Finding] = Field(default_factory=list)
    pipeline: list[PipelineRow] = Field(default_factory=list)
    blocks: list[BlockRow] = Field(default_factory=list)
    review: Review = Field(default_factory=Review)
    notes: list[str] = Field(default_factory=list)     # sheet-level remarks said once
    currency: str = ""               # the sign the operator writes money with ("$", "€")
    columns: ColumnReport = Field(default_factory=ColumnReport)

    @property
    def clean(self) -> bool:
        """True when there is nothing to fix: no leak and no error finding."""
        return not self.leaks and not any(f.severity == "error" for f in self.findings)


def found(id: str, *, sheet: str, row: int | None = None,  # noqa: A002 - a catalogue id
          column: str | None = None, **fields: object) -> Finding:
    """The `Finding` of catalogue entry `id`: its message and fix said once, here.

    `sheet`, `row` and `column` (the header as the operator typed it) are template
    fields too.  A fix never names the lead, so the same fix said for 27,000 overdue
    leads is one string, not 27,000 copies of it.
    """
    return found_in(id, sheet, row, column, fields)


def found_in(id: str, sheet: str, row: int | None, column: str | None,  # noqa: A002
             fields: dict[str, object]) -> Finding:
    """`found` for a caller that has the template fields in a dict of its own already
    (the dict gets `sheet`, `row` and `column` added; it is not copied)."""
    s = _SAYINGS[id]
    fields["sheet"] = sheet
    fields["row"] = row
    fields["column"] = column
    if not s.fix_fields:
        fix = s.fix
    else:
        try:
            fix = _fix(id, tuple(map(fields.__getitem__, s.fix_fields)))
        except TypeError:                   # an unhashable field value: say it afresh
            fix = s.fix.format_map(fields)
    return Finding(sheet, row, column, id, s.text.format_map(fields), fix, s.severity)


@dataclass(frozen=True, slots=True)
class _Saying:
    """A catalogue entry made ready to be said many times: the fields its fix names
    (in a fixed order, for `_fix`'s cache) and its severity, each worked out once."""

    text: str
    fix: str
    fix_fields: tuple[str, ...]
    severity: Literal["error", "warning", "info"]

    @classmethod
    def of(cls, e: catalogue.Entry) -> _Saying:
        names = sorted({name for _, name, _, _ in Formatter().parse(e.fix) if name})
        return cls(e.text, e.fix, tuple(names), catalogue.SEVERITY[e.level])


_SAYINGS = {key: _Saying.of(e) for key, e in catalogue.CATALOGUE.items()}


@lru_cache(maxsize=4096)
def _fix(id: str, values: tuple[object, ...]) -> str:  # noqa: A002
    """Entry `id`'s fix with its fields (in `_Saying.fix_fields` order) filled."""
    s = _SAYINGS[id]
    return s.fix.format_map(dict(zip(s.fix_fields, values, strict=True)))
