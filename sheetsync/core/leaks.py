"""Leaks: the rows the seed says to circle, by the operator's words and by the data.

While the lead log is empty the words are all there is: a row is a leak when its
answer is blank or says none / untracked / varies (markers in the rules, whole words,
case-insensitive).  Once the log has leads, evidence decides too: a counter the log
can measure is *measured* whatever its text says, one it cannot is *untracked*; Price
*varies* when won deal sizes vary beyond `price_variation_max`; Input source #2 is a
*single-source* leak when only one source produced leads in the window.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

from sheetsync.core.catalogue import plural, say
from sheetsync.core.diagnosis import no_closed_deals
from sheetsync.core.leads import Lead
from sheetsync.core.metrics import deal_sizes, won_in
from sheetsync.core.result import Leak, Metric, Metrics
from sheetsync.core.rules import Rules
from sheetsync.core.text import money

_ONLY_PUNCT = re.compile(r"^[\W_]*$", re.UNICODE)

PRICE = "Price (visible before the call)"
SECOND_SOURCE = "Input source #2"


@dataclass(frozen=True)
class Marker:
    kind: str
    pattern: re.Pattern[str]


@lru_cache(maxsize=8)
def _compile(markers: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[Marker, ...]:
    out = []
    for kind, words in markers:
        for word in sorted(words, key=len, reverse=True):
            body = r"\s+".join(re.escape(part) for part in word.casefold().split())
            # whole words: no letter/digit on either side ("no agenda" is not "none")
            out.append(Marker(kind, re.compile(rf"(?<![\w']){body}(?![\w'])")))
    return tuple(out)


# A marker counts only as the answer: it must end its clause, or be followed only by
# words that do not change that ("None today", "nothing yet, honestly", "depends on the
# client").  "nobody moves overdue records" is a sentence with a verb after the
# marker: a rule written down, not "none".
_CLAUSES = re.compile(r"\s[-–—]+\s|[–—;,:()!?]|\.(?:\s|$)")
_FILLER = frozenset(
    "today yet now right for the moment currently at so far all really here honestly "
    "still though one any it them that this anything of us me".split())
_LINKS = frozenset("on by with per from according between depending for after until"
                   " till when each every".split())


def _answers(rest: str) -> bool:
    """True when what follows a marker in its clause leaves the marker as the answer:
    nothing, filler, a link word ("depends on ..."), or one word ("ad-hoc calls")."""
    words = [w.strip(".'\"") for w in rest.split()]
    if not words or words[0] in _LINKS:
        return True
    meaning = [w for w in words if w and w not in _FILLER]
    return len(meaning) <= 1


def marker_kind(text: str, rules: Rules) -> str | None:
    """The leak kind the operator's words announce, or None.

    Blank text (or only punctuation) is "blank"; otherwise the first marker that is
    the answer of a clause, in the order blank, none, untracked, varies.  A marker
    used as a word inside a sentence does not count.
    """
    if not text or _ONLY_PUNCT.match(text):
        return "blank"
    norm = text.casefold().replace("’", "'").replace("‘", "'")
    key = tuple((k, tuple(v)) for k, v in rules.leak_markers.items())
    clauses = [c for c in _CLAUSES.split(norm) if c.strip()]
    best: tuple[int, str] | None = None          # the longest marker that is an answer
    for marker in _compile(key):
        for clause in clauses:
            for m in marker.pattern.finditer(clause):
                if (best is None or m.end() - m.start() > best[0]) and _answers(
                        clause[m.end():]):
                    best = (m.end() - m.start(), marker.kind)
    return best[1] if best else None


def _measurable(metric: Metric) -> bool:
    return metric.value is not None and metric.n > 0


def counter_metric(counter: str, metrics: Metrics) -> Metric:
    return getattr(metrics, counter)  # type: ignore[no-any-return]


def price_variation(leads: list[Lead], metrics: Metrics) -> tuple[float | None, int]:
    """(coefficient of variation, n) of won deal sizes closed in the window."""
    sizes = deal_sizes(won_in(leads, metrics.window))
    if len(sizes) < 2:
        return None, len(sizes)
    mean = statistics.fmean(sizes)
    if mean <= 0:
        return None, len(sizes)
    return statistics.pstdev(sizes) / mean, len(sizes)


def evidence_kind(
    stage_name: str, counter: str | None, leads: list[Lead], metrics: Metrics, rules: Rules
) -> tuple[str | None, str]:
    """(kind, why) that the lead log says about one row, once the log has leads.

    kind is "measured" for a counter the log measures, a leak kind when the data
    shows a leak, and None when the data says nothing about the row.
    """
    if counter is not None:
        metric = counter_metric(counter, metrics)
        if _measurable(metric):
            return "measured", ""
        if (counter in _CLOSING and no_closed_deals(metrics, won=counter != "conversion_rate")
                and any(x.stage is not None for x in leads)):    # the log keeps stages
            # pursued leads, none closed (won) yet: tracked, just not measurable yet
            return "waiting", say(_CLOSING[counter], weeks=plural(rules.window_weeks, "week"))
        return "untracked", say("why-untracked", columns=_NEEDS.get(counter, "the columns"))
    if stage_name == SECOND_SOURCE:
        sources = [b for b in metrics.by_source if b.leads > 0 and b.name != "(none)"]
        # No lead in the window, or none with a Source, says nothing about the sources.
        if len(sources) == 1:
            return "single-source", say("why-single-source", weeks=rules.window_weeks,
                                        source=sources[0].name)
    if stage_name == PRICE:
        cv, n = price_variation(leads, metrics)
        if cv is not None and n >= rules.min_sample and cv > rules.price_variation_max:
            sizes = deal_sizes(won_in(leads, metrics.window))
            return "varies", say("why-price-varies", low=money(min(sizes)),
                                 high=money(max(sizes)), deals=plural(n, "won deal"))
    return None, ""


# Counters only closed deals measure: with pursued leads and none closed yet, each says so.
_CLOSING = {"conversion_rate": "why-no-closed-deals", "average_deal_size": "why-no-won-deals",
            "cycle_time_days": "why-no-won-deals"}

# What a counter needs from the lead log, in the operator's column names.
_NEEDS = {
    "leads_per_week": "Date in",
    "qualified_rate": "Date in and Decision",
    "conversion_rate": "Stage (won or lost) and Closed date",
    "average_deal_size": "Deal size and Closed date of won leads",
    "cycle_time_days": "Date in and Closed date of won leads",
}


def fix_this_week(leaks: list[Leak], rules: Rules) -> Leak | None:
    """The most upstream Pipeline leak, in the rules' stage order."""
    order = {s.name: i for i, s in enumerate(rules.stages)}
    pipeline = [x for x in leaks if x.stage in order]
    if not pipeline:
        return None
    return min(pipeline, key=lambda x: (order[x.stage], x.row))
