"""Duplicate leads: the same person logged twice.

Two rows are the same lead when they share the person and the company (compared
without case, spaces or punctuation), the e-mail address, or the profile URL (an
address typed in Channel counts too).  The later row gets the finding, pointing at
the first.  One pass with a dict per key — never a comparison of every pair — so a
log of 50,000 leads costs one lookup per key per lead.
"""

from __future__ import annotations

import re
from typing import Any

from sheetsync.core.catalogue import finding
from sheetsync.core.leads import Lead
from sheetsync.core.rules import Rules
from sheetsync.core.tables import Table
from sheetsync.core.values import normalize_header

Raw = dict[str, Any]
_URL_HEAD = re.compile(r"^(?:https?://)?(?:www\.)?")
_SAME = {"person": "person and company", "email": "e-mail address", "url": "profile URL"}


def _email(text: str) -> str:
    t = text.strip().casefold().removeprefix("mailto:")
    return t if "@" in t and " " not in t else ""


def _url(text: str) -> str:
    t = _URL_HEAD.sub("", text.strip().casefold()).split("?", 1)[0].split("#", 1)[0]
    t = t.rstrip("/")
    return t if "/" in t and " " not in t else ""


def keys_of(lead: Lead) -> list[tuple[str, str]]:
    """(kind, key) pairs that identify the person behind a lead; empty when unknown."""
    keys: list[tuple[str, str]] = []
    if lead.lead and lead.company:
        person = normalize_header(lead.lead)
        company = normalize_header(lead.company)
        if person and company:
            keys.append(("person", f"{person}\x00{company}"))
    email = _email(lead.email) or (_email(lead.channel) if "@" in lead.channel else "")
    if email:
        keys.append(("email", email))
    url = _url(lead.url) or (_url(lead.channel) if "/" in lead.channel else "")
    if url:
        keys.append(("url", url))
    return keys


def duplicate_findings(leads: list[Lead], table: Table, rules: Rules) -> list[Raw]:
    """A finding on every row that repeats a lead logged on an earlier row."""
    first: dict[tuple[str, str], int] = {}
    header = table.headers.get("lead") or rules.lead_columns["lead"][0]
    out: list[Raw] = []
    for lead in leads:
        seen: tuple[str, int] | None = None
        for key in keys_of(lead):
            row = first.setdefault(key, lead.row)
            if row != lead.row and seen is None:
                seen = (key[0], row)
        if seen is not None:
            out.append(finding("duplicate-lead", sheet=table.sheet, row=lead.row,
                               column=header, lead=lead.name(), first=seen[1],
                               same=_SAME[seen[0]]))
    return out
