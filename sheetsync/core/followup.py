"""Follow-up control, as the five blocks describe it: no prospect disappears after the
first message, and no sequence keeps sending after the buyer has answered.

- a Next touch date in the past on a lead still in the sequence is *overdue*;
- a lead that has had `max_touches` touches (the Touches column) has no next touch;
- after a negative, bounce or opt-out reply, the next action does not follow up.

Also here, the qualification fields a pursued lead must carry (`required_for_pursued`).
One pass over the log, O(1) per lead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

from sheetsync.core.catalogue import plural
from sheetsync.core.leads import Lead
from sheetsync.core.result import Finding, found
from sheetsync.core.rules import Rules
from sheetsync.core.tables import Table
from sheetsync.core.text import day, replied

_PURSUED_IDS = {"budget": "pursued-needs-budget", "decision_maker": "pursued-needs-decision-maker"}


def _words(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    body = "|".join(r"\s*".join(re.escape(w) for w in word.casefold().split())
                    for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


def touch_overdue(rules: Rules, as_of: dt.date) -> Callable[[Lead], int | None]:
    """A function giving the days a lead's next touch is late, or None when it is not
    overdue (made once per pass over the log: the rules it reads are looked up once).

    Only a lead still in the sequence counts: open, sent, no stop reply, and at a
    stage up to the last sequence stage (or no stage yet).
    """
    stop = frozenset(rules.stop_replies)
    in_sequence = _in_sequence(rules)

    def late(lead: Lead) -> int | None:
        nxt = lead.next_touch_date
        if nxt is None or nxt >= as_of or lead.sent_date is None:
            return None
        if lead.reply_status in stop or lead.decision == "skip":
            return None
        if lead.stage is not None and lead.stage not in in_sequence:
            return None
        return (as_of - nxt).days

    return late


def _in_sequence(rules: Rules) -> frozenset[str]:
    """The stages up to the last of `sequence_stages` (a lead still marked qualified but
    sent is in its sequence; one at meeting, proposal, won, lost or nurture is past it)."""
    return _stages_up_to(tuple(rules.stage_order), tuple(rules.sequence_stages))


@lru_cache(maxsize=8)
def _stages_up_to(order: tuple[str, ...], sequence: tuple[str, ...]) -> frozenset[str]:
    ends = [order.index(s) for s in sequence if s in order]
    return frozenset(order[:max(ends) + 1]) if ends else frozenset(sequence)


def follow_up_findings(leads: list[Lead], table: Table, rules: Rules, as_of: dt.date,
                       refused: set[tuple[int, str]]) -> list[Finding]:
    """The follow-up and pursued-lead findings for every lead."""
    sheet, headers = table.sheet, {k: v[0] for k, v in rules.lead_columns.items()}
    headers.update(table.headers)
    out: list[Finding] = []
    stop = set(rules.stop_replies)
    closed = set(rules.closed_stages)
    keep_going = _words(rules.follow_up_words)
    most = rules.max_touches
    required = [k for k in rules.required_for_pursued
                if k in table.columns and k not in rules.handoffs.research]
    # a date that clears an overdue touch without leaving the follow-up window
    example = day(as_of + dt.timedelta(days=max(1, min(3, rules.follow_up_window_days))))
    touch_late = touch_overdue(rules, as_of)
    for lead in leads:
        row = lead.row
        late = touch_late(lead)
        if late is not None:
            out.append(found("next-touch-overdue", sheet=sheet, row=row,
                             column=headers["next_touch_date"], lead=lead.name(),
                             date=day(lead.next_touch_date),    # type: ignore[arg-type]
                             late=plural(late, "day"), sent=headers["sent_date"],
                             example=example))
        if (lead.touches is not None and most and lead.touches >= most
                and lead.next_touch_date is not None and lead.stage not in closed):
            out.append(found("touches-at-maximum", sheet=sheet, row=row,
                             column=headers["next_touch_date"], lead=lead.name(),
                             touches=plural(int(lead.touches), "touch", "touches")))
        if (lead.reply_status in stop and keep_going is not None and lead.next_action
                and lead.stage not in closed and lead.decision != "skip"
                and keep_going.search(lead.next_action.casefold())):
            out.append(found("follow-up-after-stop-reply", sheet=sheet, row=row,
                             column=headers["next_action"], lead=lead.name(),
                             reply=replied(lead.reply_status), action=lead.next_action))
        if lead.decision == "pursue":
            for key in required:
                if getattr(lead, key) is None or getattr(lead, key) == "":
                    column = headers[key]
                    if (row, column) in refused:        # refused for its format already
                        continue
                    out.append(found(_PURSUED_IDS.get(key, "pursued-needs-field"),
                                     sheet=sheet, row=row, column=column,
                                     lead=lead.name()))
    for key in rules.required_for_pursued:
        if key not in table.columns and any(x.decision == "pursue" for x in leads):
            out.append(found("pursued-column-missing", sheet=sheet,
                             name=headers.get(key, key)))
    return out
