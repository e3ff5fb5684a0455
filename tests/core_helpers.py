"""Build RawWorkbooks from plain Python for core tests (no file involved)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sheetsync.core.rules import load_rules
from sheetsync.workbook import RawWorkbook

PIPELINE_HEAD = ["Stage", "What it is for you", "Example", "Measured", "Status", "Why"]
LEAD_HEAD = ["ID", "Lead", "Company", "Role", "Source", "Channel", "Date in",
             "Visible signal", "Probable problem", "Budget", "Decision maker", "Decision",
             "Reason", "Evidence", "Approved by", "Sent date", "Message variant",
             "Next touch date", "Stop condition", "Reply status", "Owner", "Stage",
             "Last action", "Next action", "Next action date", "Deal size", "Closed date",
             "Check"]


def seed_answers() -> dict[str, str]:
    """Stage -> the seed example's answer (Input source #2 left blank)."""
    return {s.name: s.example for s in load_rules().stages}


def pipeline_grid(answers: dict[str, str] | None = None, *, title: bool = True,
                  head: list[str] | None = None) -> list[list[Any]]:
    answers = seed_answers() if answers is None else answers
    grid: list[list[Any]] = [["Pipeline worksheet"], []] if title else []
    grid.append(list(head or PIPELINE_HEAD))
    for stage in load_rules().stages:
        grid.append([stage.name, answers.get(stage.name, ""), stage.example, None, None, None])
    return grid


def lead(**fields: Any) -> dict[str, Any]:
    """A complete, clean lead (all handoffs satisfied); override fields by keyword."""
    base: dict[str, Any] = {
        "ID": "L1", "Lead": "Ada", "Company": "Acme", "Role": "CEO", "Source": "Referral",
        "Channel": "email", "Date in": dt.date(2026, 10, 20), "Visible signal": "hiring",
        "Probable problem": "customer support backlog", "Budget": 9000,
        "Decision maker": "yes", "Decision": "pursue", "Reason": "fits", "Evidence": "post",
        "Approved by": "", "Sent date": None, "Message variant": "", "Next touch date": None,
        "Stop condition": "", "Reply status": "", "Owner": "Sam", "Stage": "qualified",
        "Last action": "call", "Next action": "send proposal",
        "Next action date": dt.date(2026, 11, 20), "Deal size": None, "Closed date": None,
    }
    base.update(fields)
    return base


def leads_grid(leads: list[dict[str, Any]], head: list[str] | None = None) -> list[list[Any]]:
    head = list(head or LEAD_HEAD)
    rows: list[list[Any]] = [head]
    for x in leads:
        rows.append([x.get(h) for h in head])
    return rows


def book(answers: dict[str, str] | None = None, leads: list[dict[str, Any]] | None = None,
         **sheets: list[list[Any]]) -> RawWorkbook:
    grids: dict[str, list[list[Any]]] = {"Pipeline": pipeline_grid(answers)}
    if leads is not None:
        grids["Leads"] = leads_grid(leads)
    grids.update(sheets)
    return RawWorkbook(source="test.xlsx", sheets=grids, title="test.xlsx")


def write_xlsx(path, sheets: dict[str, list[list[Any]]]) -> None:
    """Write grids to a real .xlsx with openpyxl (test input only)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, grid in sheets.items():
        ws = wb.create_sheet(name)
        for row in grid:
            ws.append(list(row))
    wb.save(path)
