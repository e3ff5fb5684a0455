"""Regenerate the sample workbooks, byte for byte:  python sample_workbooks/make_samples.py

- seed_example.xlsx: the seed worksheet's filled-in example typed in as the operator's
  answers, an empty lead log.
- demo.xlsx: a founder's pipeline with ~300 leads from June to mid-November 2026 (as of
  2026-11-16): five sources, three owners, values typed the way people type them, a
  qualified rate that fell in the last four weeks because LinkedIn posts started
  bringing leads that fail the criteria, and a dozen deliberate handoff slips.
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
AS_OF = dt.date(2026, 11, 16)
WINDOW_START = dt.date(2026, 10, 19)
FIRST_DAY = dt.date(2026, 6, 1)
LAST_DAY = dt.date(2026, 11, 15)

ANSWERS = {
    "Input source #1": "Referrals from past clients — about one a week",
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
    {"block": "Prospect research", "owner": "Maya", "output": "5 researched leads a day"},
    {"block": "Qualification", "owner": "Sam", "output": "pursue / nurture / skip + reason"},
    {"block": "Outreach", "owner": "Kim", "output": "first message built on the evidence"},
    {"block": "Follow-up", "owner": "", "output": "3-touch sequence",
     "missing_rule": "no stop rule after a negative reply", "fix": "Write the stop rule"},
    {"block": "CRM hygiene", "owner": "Alex", "output": "stage, last and next action, date"},
]
SOURCES = {  # source: (weight before the window, weight in it, qualified before, in it)
    "Referral": (3, 2, 0.55, 0.55),
    "LinkedIn post": (3, 12, 0.40, 0.08),
    "Partner": (2, 2, 0.50, 0.45),
    "SEO page": (2, 1, 0.30, 0.30),
    "Community": (1, 1, 0.35, 0.35),
}
OWNERS = {"Sam": 0.55, "Kim": 0.25, "Alex": 0.45}     # share of pursued deals won
FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lea",
         "Milo", "Nia", "Omar", "Pia", "Raj", "Sara", "Tom", "Uma", "Vic", "Wen", "Yan", "Zoe"]
LAST = ["Ng", "Berg", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Hall", "Ito", "Jensen",
        "Khan", "Lopez", "Moreau", "Novak", "Okafor", "Patel", "Quinn", "Rossi", "Silva"]
COMPANY = ["Helpdesk", "Ticketly", "Supportly", "Queue", "Replyful", "Caseflow", "Inboxer",
           "Deskbird", "Loopline", "Answerly", "Tally", "Brightdesk", "Nudge", "Kindly"]
ROLES = ["CEO", "COO", "Head of Support", "CTO", "Founder", "Support lead"]
PROBLEMS = ["customer support backlog", "support tickets pile up", "slow support replies",
            "manual ticket triage", "support automation for onboarding"]
OFF_PROBLEMS = ["wants a new website", "logo redesign", "a one-off data migration"]
SIGNALS = ["hiring two support agents", "posted about ticket volume", "new funding round",
           "support SLA complaints on G2", "launched in a new market"]


def _money(rng: random.Random, amount: int) -> Any:
    style = rng.randrange(5)
    if style == 0:
        return amount
    if style == 1:
        return f"{amount:,}"
    if style == 2:
        return f"${amount // 1000}K" if amount % 1000 == 0 else f"${amount:,}"
    if style == 3:
        return f"€{amount / 1000:g}k"
    return f"${amount:,}"


def _date(rng: random.Random, d: dt.date | None) -> Any:
    if d is None:
        return None
    return d.strftime("%d/%m/%Y") if rng.random() < 0.08 and d.day > 12 else d


def _lead(rng: random.Random, i: int, day: dt.date) -> dict[str, Any]:
    in_window = day >= WINDOW_START
    weights = {s: w[1] if in_window else w[0] for s, w in SOURCES.items()}
    source = rng.choices(list(weights), list(weights.values()))[0]
    rate = SOURCES[source][3 if in_window else 2]
    owner = rng.choice(list(OWNERS))
    fits = rng.random() < rate
    company = f"{rng.choice(COMPANY)} {rng.choice(['Labs', 'HQ', 'AI', 'Cloud', 'App'])}"
    lead: dict[str, Any] = {
        "id": f"L{i:03d}", "lead": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "company": company, "role": rng.choice(ROLES), "source": source,
        "channel": rng.choice(["email", "LinkedIn", "intro"]), "date_in": _date(rng, day),
        "visible_signal": rng.choice(SIGNALS),
        "probable_problem": rng.choice(PROBLEMS if fits else PROBLEMS + OFF_PROBLEMS),
        "confidence": rng.choice(["high", "medium", "low"]), "owner": owner,
    }
    age = (AS_OF - day).days
    if age <= 6 and rng.random() < 0.6:                  # not routed yet
        lead.update(stage="new", last_action="added", next_action="qualify",
                    next_action_date=AS_OF + dt.timedelta(days=rng.randrange(1, 4)))
        return lead
    budget = rng.choice([8000, 9000, 12000, 15000]) if fits else rng.choice([1500, 3000, 4000])
    lead.update(
        budget=_money(rng, budget), problem_fit=rng.choice(["yes", "y", "✓"]) if fits else "no",
        decision_maker=rng.choice(["yes", "y", "✓"]) if fits else rng.choice(["no", "yes"]),
        timeline=rng.choice(["30 days", "6 weeks", "2 months", 45]),
    )
    if not fits:
        decision = rng.choice(["skip", "skip", "nurture"])
        lead.update(decision=decision, reason="budget or problem outside the offer",
                    evidence="discovery form answers", stage="researched" if decision == "skip"
                    else "nurture", last_action="routed")
        if decision == "nurture":
            lead.update(next_action="check in next quarter",
                        next_action_date=AS_OF + dt.timedelta(days=rng.randrange(20, 80)))
        return lead
    sent = day + dt.timedelta(days=rng.randrange(1, 3))
    lead.update(decision="pursue", reason="support backlog with budget and a decision maker",
                evidence=f"{lead['visible_signal']} (seen {day.isoformat()})",
                sent_date=_date(rng, sent), message_variant=rng.choice(["A: backlog", "B: SLA"]),
                signal_used=lead["visible_signal"], stop_condition="3 touches without reply")
    cycle = rng.randrange(10, 40)
    closes = day + dt.timedelta(days=cycle)
    if closes <= LAST_DAY:
        won = rng.random() < OWNERS[owner]
        lead.update(stage="won" if won else "lost", reply_status="positive" if won else
                    rng.choice(["neutral", "negative"]), closed_date=_date(rng, closes),
                    last_action="signed" if won else "lost after call")
        if won:
            lead["deal_size"] = _money(rng, rng.choice([8000, 8000, 8000, 7500, 9000, 10000]))
        return lead
    lead.update(stage=rng.choice(["outreach", "follow-up", "meeting", "proposal"]),
                reply_status=rng.choice(["none", "positive", "neutral"]),
                next_touch_date=sent + dt.timedelta(days=rng.randrange(3, 7)),
                last_action="sent message", next_action="follow up",
                next_action_date=AS_OF + dt.timedelta(days=rng.randrange(0, 7)))
    return lead


def _slips(leads: list[dict[str, Any]]) -> None:
    """A dozen handoff problems an operator would really have."""
    pursued = [x for x in leads if x.get("decision") == "pursue"]
    open_ = [x for x in pursued if x.get("stage") not in ("won", "lost")]
    open_[0]["evidence"] = ""                                    # decision without evidence
    pursued[1]["evidence"] = ""
    open_[2]["next_touch_date"] = None                           # sent, no next touch
    open_[3].update(reply_status="opt-out")                      # touch after an opt-out
    for x in open_[4:7]:                                         # overdue next actions
        x["next_action_date"] = AS_OF - dt.timedelta(days=5)
    pursued[7].update(budget="eight grand")                      # mistyped budget
    pursued[8].update(budget="$30K", approved_by="")             # high value, no approval
    pursued[9]["visible_signal"] = ""                            # research incomplete
    won = [x for x in leads if x.get("stage") == "won"]
    won[0]["closed_date"] = None                                 # won without a date


def demo_leads(seed: int = 2026) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    leads, day, i = [], FIRST_DAY, 1
    while day <= LAST_DAY:
        per_day = 3 if day >= WINDOW_START else 2
        for _ in range(per_day if rng.random() < 0.85 else 0):
            if day.weekday() < 5 or rng.random() < 0.2:
                leads.append(_lead(rng, i, day))
                i += 1
        day += dt.timedelta(days=1)
    _slips(leads)
    return leads


def main(out: Path = HERE) -> list[Path]:
    rules = load_rules()
    seed = new_workbook(rules, filled=True)
    demo = new_workbook(rules, leads=demo_leads(), blocks=BLOCKS)
    demo.sheets[0].rows = [[s.name, ANSWERS[s.name], s.example] for s in rules.stages]
    paths = []
    for name, layout in (("seed_example.xlsx", seed), ("demo.xlsx", demo)):
        path = out / name
        path.write_bytes(build(layout))
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    for p in main(parser.parse_args().out):
        print(p)
