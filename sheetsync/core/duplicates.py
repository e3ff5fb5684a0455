"""Duplicate leads: the same person logged twice.

Two rows are the same lead when they share the person and the company (compared
without case or extra spaces), the e-mail address, or the profile URL (an
address typed in Channel counts too).  The later row gets the finding, pointing at
the first.  One pass with a set and a dict per key — never a comparison of every
pair — so a log of 50,000 leads costs one hash per key per lead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from sheetsync.core.leads import Lead
from sheetsync.core.result import Finding, found
from sheetsync.core.rules import Rules
from sheetsync.core.tables import Table

_URL_HEAD = re.compile(r"^(?:https?://)?(?:www\.)?")
_SAME = {"person": "person and company", "email": "e-mail address", "url": "profile URL"}


def _email(text: str) -> str:
    t = text.strip().casefold().removeprefix("mailto:")
    return t if "@" in t and " " not in t else ""


def _url(text: str) -> str:
    t = _URL_HEAD.sub("", text.strip().casefold()).split("?", 1)[0].split("#", 1)[0]
    t = t.rstrip("/")
    return t if "/" in t and " " not in t else ""


def _person_keys(leads: list[Lead]) -> list[tuple[str, str] | None]:
    """(person, company) per lead without case or extra spaces; None when either is blank.

    Built with C-level maps (no Python call per lead): this runs on every lead.
    """
    def plain(key: str) -> map[str]:
        return map(" ".join, map(str.split, map(str.casefold, map(attrgetter(key), leads))))

    pairs = zip(plain("lead"), plain("company"), strict=True)
    return [k if k[0] and k[1] else None for k in pairs]


def _address_keys(leads: list[Lead], key: str, norm: Callable[[str], str],
                  mark: str) -> list[str | None]:
    """The normalised address of each lead in column `key`, else one typed in Channel."""
    values = list(map(attrgetter(key), leads))
    channels = list(map(attrgetter("channel"), leads))
    if not any(values) and mark not in "\x00".join(channels):
        return []                                # no addresses in this log at all
    out: list[str | None] = []
    for value, channel in zip(values, channels, strict=True):
        got = (norm(value) if value else "") or (norm(channel) if mark in channel else "")
        out.append(got or None)
    return out


def _repeats(keys: list[Any]) -> dict[int, int]:
    """{index: index of the first lead with the same key} for every later repeat."""
    known = [(k, i) for i, k in enumerate(keys) if k is not None]
    if len({k for k, _ in known}) == len(known):        # the usual case: nothing repeats
        return {}
    first = dict(reversed(known))                        # the earliest index wins
    return {i: first[k] for k, i in known if first[k] != i}


def duplicate_findings(leads: list[Lead], table: Table, rules: Rules) -> list[Finding]:
    """A finding on every row that repeats a lead logged on an earlier row."""
    first_of: dict[int, tuple[str, int]] = {}
    for kind, keys in (("person", _person_keys(leads)),
                       ("email", _address_keys(leads, "email", _email, "@")),
                       ("url", _address_keys(leads, "url", _url, "/"))):
        for i, j in _repeats(keys).items():
            first_of.setdefault(i, (kind, j))
    header = table.headers.get("lead") or rules.lead_columns["lead"][0]
    out: list[Finding] = []
    for i in sorted(first_of):
        kind, j = first_of[i]
        lead = leads[i]
        out.append(found("duplicate-lead", sheet=table.sheet, row=lead.row, column=header,
                         lead=lead.name(), first=leads[j].row, same=_SAME[kind]))
    return out
