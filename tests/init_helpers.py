"""Helpers for the init and sample-workbook tests: the seed's facts, raw-cell readers.

The expectations here are typed in from the seed worksheet and DESIGN.md, not taken
from sheetsync, so a test built on them fails when sheetsync gets them wrong.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_workbooks"

# The seed worksheet's rows: stage -> its "Example (filled in)" cell.  The seed puts
# the offer sentence in quotes; the quotes are the article's, not the operator's.
SEED_EXAMPLE = {
    "Input source #1": "Referrals from 2 past clients — ~1/month, unpredictable",
    "Input source #2": "(blank — this is your leak)",
    "Qualification criteria": "None today — I take every call",
    "Productized offer": "$8K AI-powered customer support pipeline for SaaS companies "
                         "under 50 people, delivered in 3 weeks",
    "Price (visible before the call)": "$1,500–$??? on proposal, varies wildly",
    "Conversion call structure": "60-min “discovery” — no agenda, no close",
    "Leads per week": "Untracked",
    "Qualified rate %": "Untracked",
    "Conversion rate %": "Untracked",
    "Average deal size": "~$1,800",
    "Cycle time (days)": "~21 days, often longer",
}
STAGES = list(SEED_EXAMPLE)
PIPELINE_HEADERS = ["Stage", "What it is for you", "Example", "Measured", "Status", "Why"]
BLOCKS_HEADERS = ["Block", "Current owner", "Current output", "Missing rule", "Fix this week",
                  "Status"]
BLOCKS = ["Prospect research", "Qualification", "Outreach", "Follow-up", "CRM hygiene"]
# DESIGN.md §2's lead columns, in its order, then the owned Check; with Email and URL
# (duplicate leads are found by them) and Touches (checked against Max touches) from
# issue 16.
LEAD_HEADERS = [
    "ID", "Lead", "Company", "Role", "Source", "Channel", "Email", "URL", "Date in",
    "Visible signal", "Probable problem", "Confidence", "Budget", "Problem fit",
    "Decision maker", "Timeline", "Decision", "Reason", "Evidence", "Missing evidence",
    "Approved by", "Sent date", "Message variant", "Signal used", "Next touch date",
    "Touches", "Stop condition", "Reply status",
    "Objection", "Owner", "Stage", "Last action", "Next action", "Next action date", "Note",
    "Deal size", "Closed date", "Check",
]
DROPDOWNS = {
    "Decision": ["pursue", "nurture", "skip"],
    "Stage": ["new", "researched", "qualified", "outreach", "follow-up", "meeting", "proposal",
              "won", "lost", "nurture"],
    "Reply status": ["none", "positive", "neutral", "negative", "bounce", "opt-out"],
    "Decision maker": ["yes", "no"],
    "Problem fit": ["yes", "no"],
}
SHEETS = ["Pipeline", "Blocks", "Leads", "Rules"]
AS_OF = dt.date(2026, 11, 16)
WINDOW = (dt.date(2026, 10, 19), dt.date(2026, 11, 15))       # ISO weeks 43-46
PREVIOUS = (dt.date(2026, 9, 21), dt.date(2026, 10, 18))      # ISO weeks 39-42
_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def make_samples_module() -> ModuleType:
    """sample_workbooks/make_samples.py, imported from its file (it is a script)."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """Every row of a sheet as raw values, as openpyxl reads them."""
    wb = load_workbook(path)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def records(path: Path, sheet: str = "Leads") -> list[dict[str, Any]]:
    """A header-in-row-1 sheet's rows as dicts keyed by header, blank rows left out."""
    rows = sheet_rows(path, sheet)
    head = list(rows[0])
    return [dict(zip(head, r, strict=True)) for r in rows[1:]
            if any(v not in (None, "") for v in r)]


def date_of(value: Any) -> dt.date | None:
    """A Date cell as a date: real dates, and day/month/year text when the day is > 12."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (m := _DMY.match(value)):
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day) if day > 12 else None
        except ValueError:          # the planted date that does not exist (31/09)
            return None
    return None


def word(value: Any) -> str:
    """A typed choice, compared the way an operator means it ('Pursue' is pursue)."""
    return str(value or "").strip().casefold()


def qualified_rate(leads: list[dict[str, Any]], span: tuple[dt.date, dt.date],
                   source: str | None = None) -> tuple[float, int]:
    """Share of decided leads that came in within `span` (from `source`) and were pursued."""
    decided = [x for x in leads
               if word(x["Decision"]) and (d := date_of(x["Date in"])) is not None
               and span[0] <= d <= span[1] and (source is None or x["Source"] == source)]
    pursued = sum(word(x["Decision"]) == "pursue" for x in decided)
    return pursued / len(decided), len(decided)


def readme_table(path: Path, first_header: str) -> dict[str, str]:
    """A two-column markdown table of a README, as first cell -> second cell."""
    out: dict[str, str] = {}
    inside = False
    for line in path.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_header:
            inside = True
            continue
        if inside and line.startswith("|"):
            if not set(cells[0]) <= set("-: "):
                out[cells[0]] = cells[1]
        elif inside:
            break
    return out
