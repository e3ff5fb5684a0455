"""Values that cannot be true, and deals that stopped moving.

- A date before `earliest_year` (a Date in of 1900 made a "cycle time" of 23,166
  days) or, for what has already happened (Date in, Sent date, the Closed date of a
  won or lost deal), a date after the as-of date.  Each is a finding on its cell, and
  the date is left out of every count: the leads the counters see have it cleared.
- A pursued deal open longer than `stuck_after_days` since its Date in is *stuck*.

One pass over the log; a lead is copied only when one of its dates is cleared.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from operator import attrgetter
from typing import Any

from sheetsync.core.catalogue import plural
from sheetsync.core.leads import Lead
from sheetsync.core.result import Finding, found
from sheetsync.core.rules import Rules
from sheetsync.core.tables import Table
from sheetsync.core.text import day

_ALL_DATES = ("date_in", "sent_date", "next_touch_date", "next_action_date", "closed_date")
_HAPPENED = ("date_in", "sent_date")        # and closed_date on a closed deal


def screen_dates(leads: list[Lead], table: Table, rules: Rules, as_of: dt.date
                 ) -> tuple[list[Lead], list[Finding]]:
    """(the leads with impossible dates cleared, a finding per impossible date).

    Column by column: a column whose earliest and latest dates are fine (the usual
    case) is passed over after one C-level min and max.
    """
    headers = {k: v[0] for k, v in rules.lead_columns.items()}
    headers.update(table.headers)
    earliest = dt.date(rules.earliest_year, 1, 1)
    closed = set(rules.closed_stages)
    bad: dict[int, dict[str, Any]] = {}
    for key in (k for k in _ALL_DATES if k in table.columns):
        col = list(map(attrgetter(key), leads))
        known = [d for d in col if d is not None]
        if not known:
            continue
        future = key in _HAPPENED or key == "closed_date"
        if min(known) >= earliest and (not future or max(known) <= as_of):
            continue
        for i, d in enumerate(col):
            if d is None:
                continue
            if d < earliest:
                rule, extra = "date-too-early", {"year": str(rules.earliest_year)}
            elif d > as_of and future and (key != "closed_date" or leads[i].stage in closed):
                rule, extra = "date-in-future", {"today": day(as_of)}
            else:
                continue
            bad.setdefault(i, {})[key] = (rule, extra, d)
    out: list[Finding] = []
    if not bad:
        return leads, out
    cleaned = list(leads)
    for i in sorted(bad):
        lead = leads[i]
        for key, (rule, extra, d) in bad[i].items():
            out.append(found(rule, sheet=table.sheet, row=lead.row, column=headers[key],
                             lead=lead.name(), date=day(d), example=day(as_of), **extra))
        cleared: dict[str, Any] = dict.fromkeys(bad[i])
        cleaned[i] = lead._replace(**cleared)
    return cleaned, out


def stuck_findings(leads: list[Lead], table: Table, rules: Rules, as_of: dt.date) -> list[Finding]:
    """A finding on every pursued deal open longer than the rules allow."""
    limit = rules.stuck_after_days
    if not limit or "date_in" not in table.columns:
        return []
    header = table.headers.get("stage") or rules.lead_columns["stage"][0]
    latest = as_of - dt.timedelta(days=limit)
    done = {*rules.closed_stages, "nurture"}
    out: list[Finding] = []
    sheet, most = table.sheet, plural(limit, "day")
    age = cache(lambda d: plural((as_of - d).days, "day"))     # "120 days", once a date
    for lead in leads:
        d = lead.date_in
        if d is None or d >= latest or lead.decision != "pursue" or lead.stage in done:
            continue
        out.append(found("deal-stuck", sheet=sheet, row=lead.row, column=header,
                         lead=lead.name(), age=age(d), limit=most))
    return out
