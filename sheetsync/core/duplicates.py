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


_SEP = "\x00"                        # never in a cell (XML 1.0 cannot hold it)
_SPACES = re.compile(r"\s+")


def _plain(texts: list[str]) -> list[str]:
    """Each text without case or extra spaces (texts come stripped), in a few C-level
    passes over the whole column instead of a call per lead: this runs on every lead."""
    joined = _SEP.join(texts).casefold()
    # Every whitespace but the space is unprintable: single spaces need no work.
    if "  " in joined or not joined.replace(_SEP, " ").isprintable():
        joined = _SPACES.sub(" ", joined)
    out = joined.split(_SEP)
    if len(out) != len(texts):          # a separator inside a text after all
        out = [" ".join(t.casefold().split()) for t in texts]
    return out


def _person_keys(leads: list[Lead]) -> list[tuple[str, str]]:
    """(person, company) per lead without case or extra spaces."""
    return list(zip(_plain(list(map(attrgetter("lead"), leads))),
                    _plain(list(map(attrgetter("company"), leads))), strict=True))


def _address_keys(column: list[str], channels: list[str], norm: Callable[[str], str],
                  mark: str) -> list[str]:
    """The normalised address of each lead in `column` (empty when the log has no such
    column), else one typed in Channel; "" for none."""
    if not any(column) and mark not in _SEP.join(channels):
        return []                                # no addresses in this log at all
    values = column or [""] * len(channels)
    return [(norm(value) if value else "") or (norm(channel) if mark in channel else "")
            for value, channel in zip(values, channels, strict=True)]


def _repeats(keys: list[Any], blank: Callable[[Any], bool]) -> dict[int, int]:
    """{index: index of the first lead with the same key} for every later repeat; a key
    that `blank` says is empty repeats nothing."""
    if len(set(keys)) == len(keys):                      # the usual case: one C-level pass
        return {}
    first: dict[Any, int] = {}
    out: dict[int, int] = {}
    for i, k in enumerate(keys):
        if not blank(k):
            j = first.setdefault(k, i)                   # the earliest index wins
            if j != i:
                out[i] = j
    return out


def _no_person(key: tuple[str, str]) -> bool:
    return not (key[0] and key[1])


def _no_address(key: str) -> bool:
    return not key


def duplicate_findings(leads: list[Lead], table: Table, rules: Rules) -> list[Finding]:
    """A finding on every row that repeats a lead logged on an earlier row."""
    first_of: dict[int, tuple[str, int]] = {}
    channels = list(map(attrgetter("channel"), leads))

    def column(key: str) -> list[str]:
        return list(map(attrgetter(key), leads)) if key in table.columns else []

    for kind, keys, blank in (
            ("person", _person_keys(leads), _no_person),
            ("email", _address_keys(column("email"), channels, _email, "@"), _no_address),
            ("url", _address_keys(column("url"), channels, _url, "/"), _no_address)):
        for i, j in _repeats(keys, blank).items():
            first_of.setdefault(i, (kind, j))
    header = table.headers.get("lead") or rules.lead_columns["lead"][0]
    out: list[Finding] = []
    for i in sorted(first_of):
        kind, j = first_of[i]
        lead = leads[i]
        out.append(found("duplicate-lead", sheet=table.sheet, row=lead.row, column=header,
                         lead=lead.name(), first=leads[j].row, same=_SAME[kind]))
    return out
