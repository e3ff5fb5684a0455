"""Regenerate the sample workbooks, byte for byte:  python sample_workbooks/make_samples.py

- seed_example.xlsx: the seed worksheet's filled-in example typed in as the operator's
  answers (Input source #2 left empty), an empty lead log.
- demo.xlsx: an agency founder's pipeline as of 2026-11-16 — about 300 leads that came
  in from 2026-06-01 to 2026-11-15 from five sources, worked by three owners.  In the
  last four weeks LinkedIn posts brought far more leads, and far fewer that pass the
  criteria, so the qualified rate fell.  Values are typed the way people type them
  ($8K, 8,000, €1.5k, y, ✓, 21/10/2026), and a dozen handoff slips are planted (see
  plant_slips and sample_workbooks/README.md).

Everything is fixed — the seed, the dates, the workbook's stamps — so a rerun writes
identical files; tests/test_samples.py checks that against the committed ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from typing import Any

from sheetsync.backends.xlsx.create import build
from sheetsync.core.layout import new_workbook
from sheetsync.core.rules import load_rules

HERE = Path(__file__).resolve().parent
SEED = 2026
AS_OF = dt.date(2026, 11, 16)                  # a Monday: the window is ISO weeks 43-46
WINDOW_START = dt.date(2026, 10, 19)
FIRST_DAY = dt.date(2026, 6, 1)
LAST_DAY = dt.date(2026, 11, 15)
DAY = dt.timedelta(days=1)

ANSWERS = {
    "Input source #1": "Referrals from past clients — about two a week",
    "Input source #2": "LinkedIn posts twice a week",
    "Qualification criteria": "Budget ≥ $5K, decision maker on the call, a support problem, "
                              "start within 90 days",
    "Productized offer": "$8K AI customer-support pipeline for SaaS under 50 people, "
                         "delivered in 3 weeks",
    "Price (visible before the call)": "$8,000 fixed, on the pricing page",
    "Conversion call structure": "Depends on the client — usually a 60-min discovery call",
    "Leads per week": "see Measured",
    "Qualified rate %": "see Measured",
    "Conversion rate %": "see Measured",
    "Average deal size": "see Measured",
    "Cycle time (days)": "see Measured",
}
BLOCKS = [
    {"block": "Prospect research", "owner": "Maya", "output": "5 researched leads a day",
     "missing_rule": "none"},
    {"block": "Qualification", "owner": "Sam", "output": "pursue / nurture / skip with a reason",
     "missing_rule": "none"},
    {"block": "Outreach", "owner": "Kim", "output": "first message built on the evidence",
     "missing_rule": "none"},
    {"block": "Follow-up", "owner": "", "output": "3-touch sequence",
     "missing_rule": "no stop rule after a negative reply",
     "fix": "Give the block an owner; write the stop rule"},
    {"block": "CRM hygiene", "owner": "Alex", "output": "stage, last and next action, date",
     "missing_rule": "nobody moves overdue records", "fix": "Move every overdue record on Monday"},
]
# Leads a week before the window and in it; share that passes the criteria, same.
SOURCES: dict[str, tuple[float, float, float, float]] = {
    "Referral": (2.5, 2.0, 0.50, 0.50),
    "LinkedIn post": (3.5, 10.0, 0.38, 0.06),
    "Partner": (1.5, 1.5, 0.45, 0.45),
    "SEO page": (2.5, 2.5, 0.20, 0.20),
    "Community": (1.5, 1.0, 0.25, 0.25),
}
CHANNEL = {"Referral": "intro", "LinkedIn post": "LinkedIn DM", "Partner": "partner intro",
           "SEO page": "contact form", "Community": "Slack community"}
OWNERS = {"Sam": 0.60, "Alex": 0.45, "Kim": 0.20}      # share of their pursued deals won
FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lea",
         "Milo", "Nia", "Omar", "Pia", "Raj", "Sara", "Tom", "Uma", "Vic", "Wen", "Yan", "Zoe"]
LAST = ["Ng", "Berg", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Hall", "Ito", "Jensen",
        "Khan", "Lopez", "Moreau", "Novak", "Okafor", "Patel", "Quinn", "Rossi", "Silva"]
COMPANY = ["Helpdesk", "Ticketly", "Supportly", "Queue", "Replyful", "Caseflow", "Inboxer",
           "Deskbird", "Loopline", "Answerly", "Tally", "Brightdesk", "Nudge", "Kindly"]
BUYERS = ["CEO", "COO", "Head of Support", "Founder", "VP Customer Success"]
OTHERS = ["Support agent", "Marketing intern", "Student", "Freelance designer"]
PROBLEMS = ["customer support backlog", "support tickets pile up after launches",
            "slow first replies to customers", "manual triage, wants support automation"]
OFF_PROBLEMS = ["wants a new website", "logo redesign", "a one-off data migration",
                "looking for a cofounder"]
SIGNALS = ["hiring two support agents", "posted about ticket volume", "new funding round",
           "SLA complaints in public reviews", "launched in a new market"]
YES = ["yes", "y", "✓", "Yes"]
NO = ["no", "n", "No"]


def _money(rng: random.Random, amount: int) -> Any:
    """An amount as people type it: 8000, 8,000, $8K, €8k, $8,000."""
    style = rng.randrange(5)
    if style == 0:
        return amount
    if style == 1:
        return f"{amount:,}"
    if style == 2 and amount % 1000 == 0:
        return f"${amount // 1000}K"
    if style == 3:
        return f"€{amount / 1000:g}k"
    return f"${amount:,}"


def _date(rng: random.Random, d: dt.date) -> Any:
    """Mostly a real date; sometimes typed as day/month text (only when unambiguous)."""
    return d.strftime("%d/%m/%Y") if d.day > 12 and rng.random() < 0.08 else d


def _arrivals(rng: random.Random) -> list[tuple[dt.date, str, bool]]:
    """(date in, source, passes the criteria) for every lead, oldest first.

    Within each four-week block of each source the share that passes is exact
    (rounded), so the story does not depend on luck; days and order are random.
    """
    out: list[tuple[dt.date, str, bool]] = []
    block_start = FIRST_DAY
    while block_start <= LAST_DAY:
        block_end = min(block_start + 27 * DAY, LAST_DAY)
        in_window = block_start >= WINDOW_START
        for source, (before, now, q_before, q_now) in SOURCES.items():
            weeks = ((block_end - block_start).days + 1) / 7
            n = max(0, round((now if in_window else before) * weeks + rng.uniform(-1.5, 1.5)))
            passes = round(n * (q_now if in_window else q_before))
            fits = [True] * passes + [False] * (n - passes)
            rng.shuffle(fits)
            span = (block_end - block_start).days
            for fit in fits:
                day = block_start + rng.randint(0, span) * DAY
                if day.weekday() >= 5 and rng.random() < 0.7:      # fewer at weekends
                    day -= (day.weekday() - 4) * DAY
                out.append((day, source, fit))
        block_start += 28 * DAY
    out.sort(key=lambda x: x[0])
    return out


def _lead(rng: random.Random, i: int, day: dt.date, source: str, fits: bool) -> dict[str, Any]:
    """One lead, worked as far as it would be by AS_OF."""
    owner = rng.choice(list(OWNERS))
    signal = rng.choice(SIGNALS)
    lead: dict[str, Any] = {
        "id": f"L{i:03d}", "lead": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "company": f"{rng.choice(COMPANY)} {rng.choice(['Labs', 'HQ', 'AI', 'Cloud', 'App'])}",
        "role": rng.choice(BUYERS if fits or rng.random() < 0.5 else OTHERS),
        "source": source, "channel": CHANNEL[source], "date_in": _date(rng, day),
        "visible_signal": signal,
        "probable_problem": rng.choice(PROBLEMS if fits or rng.random() < 0.3 else OFF_PROBLEMS),
        "confidence": rng.choice(["high", "medium"] if fits else ["medium", "low"]),
        "owner": owner,
    }
    if (AS_OF - day).days <= 5 and rng.random() < 0.5:     # not routed yet
        lead.update(stage="new", last_action=f"added from {CHANNEL[source]}",
                    next_action="research and route",
                    next_action_date=AS_OF + rng.randint(1, 3) * DAY)
        return lead
    budget = rng.choice([8000, 9000, 10000, 12000]) if fits else rng.choice([1500, 2000, 3000])
    lead.update(budget=_money(rng, budget) if fits or rng.random() < 0.7 else None,
                problem_fit=rng.choice(YES) if fits else rng.choice(NO),
                decision_maker=rng.choice(YES) if fits or rng.random() < 0.4 else rng.choice(NO),
                timeline=rng.choice(["30 days", "6 weeks", "2 months", 45, "ASAP"]))
    if not fits:
        _route_out(rng, lead, day)
    else:
        _pursue(rng, lead, day, owner, signal)
    return lead


def _route_out(rng: random.Random, lead: dict[str, Any], day: dt.date) -> None:
    """A lead that fails the criteria: skipped, or nurtured for later."""
    if rng.random() < 0.75:
        lead.update(decision=rng.choice(["skip", "Skip"]), stage="researched",
                    reason=rng.choice(["budget under $5K", "problem outside the offer",
                                       "not the decision maker, no intro offered"]),
                    evidence="intake form answers", last_action="skipped")
        return
    lead.update(decision="nurture", stage="nurture", reason="fit later: budget next quarter",
                evidence="said so on the intake form", last_action="routed to nurture",
                next_action="check in next quarter",
                next_action_date=AS_OF + rng.randint(14, 90) * DAY)


def _pursue(rng: random.Random, lead: dict[str, Any], day: dt.date, owner: str,
            signal: str) -> None:
    """A lead that passes: contacted, then won, lost or still open at AS_OF."""
    sent = day + rng.randint(1, 2) * DAY
    lead.update(decision=rng.choice(["pursue", "Pursue"]),
                reason="support problem, budget and decision maker confirmed",
                evidence=f"{signal} (seen {day:%d %b})", sent_date=_date(rng, sent),
                message_variant=rng.choice(["A: backlog cost", "B: SLA risk"]),
                signal_used=signal, stop_condition="stop after 3 touches or any no",
                next_touch_date=sent + rng.randint(3, 6) * DAY)
    closes = day + rng.randint(10, 40) * DAY
    stalled = day >= dt.date(2026, 8, 1) and rng.random() < 0.15     # still open, late
    if closes <= LAST_DAY and not stalled:
        won = rng.random() < OWNERS[owner]
        lead.update(stage="won" if won else "lost", closed_date=_date(rng, closes),
                    reply_status="positive" if won else rng.choice(["neutral", "negative"]),
                    last_action="signed" if won else "lost after the proposal")
        if won:
            size = rng.choice([8000, 8000, 8000, 8000, 7500, 9500, 12000])
            lead["deal_size"] = _money(rng, size)
        else:
            lead["objection"] = rng.choice(["price for now", "building it in-house",
                                            "timing: after the new year"])
            if lead["reply_status"] == "negative":
                lead["next_touch_date"] = None
        return
    waited = (AS_OF - sent).days
    stage, reply, last, nxt = (
        ("outreach", "none", "sent first message", "follow up") if waited < 5 else
        ("follow-up", rng.choice(["none", "neutral"]), "sent follow-up", "book the call")
        if waited < 12 else
        ("meeting", "positive", "call held", "send the proposal") if waited < 20 else
        ("proposal", "positive", "proposal sent", "chase the signature"))
    lead.update(stage=stage, reply_status=reply, last_action=last, next_action=nxt,
                next_action_date=AS_OF + rng.randint(0, 6) * DAY)


def demo(seed: int = SEED) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """The demo's lead log (keyed by rules.lead_columns keys) and the slips planted in it."""
    rng = random.Random(seed)
    leads = [_lead(rng, i, day, source, fit)
             for i, (day, source, fit) in enumerate(_arrivals(rng), start=1)]
    return leads, plant_slips(leads)


def plant_slips(leads: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Plant the handoff problems an operator really has; (lead id, rule, what) each."""
    def state(x: dict[str, Any]) -> str:
        return "open" if x.get("decision") in ("pursue", "Pursue") and x.get("stage") not in (
            "won", "lost") else str(x.get("decision") or "new").lower()
    pools: dict[str, list[dict[str, Any]]] = {}
    for x in leads:
        pools.setdefault(state(x), []).append(x)
    pools["won"] = [x for x in leads if x.get("stage") == "won"]
    taken: set[str] = set()

    def pick(pool: str, *, n: int = 1) -> list[dict[str, Any]]:
        free = [x for x in pools[pool] if x["id"] not in taken]
        start = max(0, len(free) - n) // 3                   # not the oldest nor newest
        chosen = free[start:start + n]
        assert len(chosen) == n, f"too few {pool} leads for the slips"
        taken.update(x["id"] for x in chosen)
        return chosen

    slips = []

    def plant(x: dict[str, Any], rule: str, what: str, **values: Any) -> None:
        x.update(values)
        slips.append((x["id"], rule, what))

    a, b, c, d, e, f, k = pick("open", n=7)
    (g,) = pick("nurture")
    (h,) = pick("new")
    plant(a, "decision-needs-evidence", "pursued, not yet sent, no evidence",
          evidence="", sent_date=None, message_variant=None, signal_used=None,
          stop_condition=None, next_touch_date=None, reply_status=None, stage="qualified",
          last_action="qualified", next_action="send the first message")
    plant(b, "sent-needs-next-touch-date", "sent, no next touch", next_touch_date=None)
    plant(c, "sent-needs-stop-condition", "sent, no stop condition", stop_condition="")
    plant(d, "touch-after-stop-reply", "opted out, a touch still scheduled",
          reply_status="opt-out", next_touch_date=AS_OF + 2 * DAY)
    plant(e, "touch-after-stop-reply", "bounced, a touch still scheduled",
          reply_status="bounced", next_touch_date=AS_OF + 1 * DAY)
    for x, late in ((f, 9), (g, 16), (h, 2)):
        plant(x, "next-action-overdue", f"next action {late} days late",
              next_action_date=AS_OF - late * DAY)
    plant(k, "outreach-needs-approval", "$25K budget, contacted without approval",
          budget="$25K", approved_by="")
    (m,) = pick("skip")
    plant(m, "decision-needs-reason", "skipped without a reason", reason="")
    (n,) = pick("nurture")
    plant(n, "outreach-not-pursued", "nurture lead contacted", sent_date=AS_OF - 12 * DAY,
          next_touch_date=AS_OF - 8 * DAY, stop_condition="stop after 2 touches",
          message_variant="B: SLA risk")
    (o,) = pick("won")
    plant(o, "unreadable-value", "budget typed as words", budget="eight grand")
    (p,) = pick("won")
    plant(p, "research-incomplete", "routed with no visible signal", visible_signal="")
    (q,) = pick("skip")
    plant(q, "unreadable-value", "a date that does not exist, typed as text", date_in="31/09/2026")
    (r,) = pick("won")
    plant(r, "won-without-deal-size", "won, no deal size", deal_size=None)
    (s,) = pick("open")                               # approved: the rule met, for contrast
    s.update(budget="$30K", approved_by="Sam", note="Bigger team; Sam approved the outreach")
    return slips


def main(out: Path = HERE) -> list[Path]:
    """Write seed_example.xlsx and demo.xlsx into `out`; their paths."""
    rules = load_rules()
    seed = new_workbook(rules, filled=True)
    leads, _slips = demo()
    book = new_workbook(rules, leads=leads, blocks=BLOCKS, answers=ANSWERS)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, layout in (("seed_example.xlsx", seed), ("demo.xlsx", book)):
        path = out / name
        path.write_bytes(build(layout))
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    parser.add_argument("--slips", action="store_true", help="list the planted slips only")
    args = parser.parse_args()
    if args.slips:
        for lead_id, rule, what in demo()[1]:
            print(f"{lead_id}  {rule:28} {what}")
    else:
        for made in main(args.out):
            print(made)
