"""Generate large, realistic pipeline workbooks for the benchmarks.

    python bench/make_books.py 1000 10000 50000 --out /tmp/sheetsync-bench

Each workbook has the seed worksheet (Pipeline) and a Leads sheet with 22 columns,
several sources and owners, and values typed the way people type them (money as
`$8K` / `8,000` / numbers, dates as real dates and as text, yes/y/✓).
Written with openpyxl's write-only mode; seeded, so the same N gives the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook

from sheetsync.core.rules import load_rules

HEAD = ["ID", "Lead", "Company", "Role", "Source", "Channel", "Date in", "Visible signal",
        "Probable problem", "Budget", "Decision maker", "Decision", "Reason", "Evidence",
        "Sent date", "Message variant", "Next touch date", "Stop condition", "Reply status",
        "Owner", "Stage", "Last action", "Next action", "Next action date", "Deal size",
        "Closed date"]
SOURCES = ["Referral", "LinkedIn post", "Partner", "SEO page", "Community"]
OWNERS = ["Sam", "Kim", "Alex", "Jo"]
PROBLEMS = ["customer support backlog", "manual reporting", "lead routing", "new website"]


def _money(rng: random.Random, x: float) -> object:
    style = rng.randrange(4)
    if style == 0:
        return x
    if style == 1:
        return f"{x:,.0f}"
    if style == 2:
        return f"${x / 1000:g}K"
    return f"€{x / 1000:g}k"


def _date(rng: random.Random, d: dt.date) -> object:
    return d if rng.random() < 0.8 else d.strftime("%d/%m/%Y" if d.day > 12 else "%Y-%m-%d")


def lead_row(rng: random.Random, i: int, start: dt.date, span: int) -> list[object]:
    date_in = start + dt.timedelta(days=rng.randrange(span))
    decision = rng.choices(["pursue", "nurture", "skip", ""], [35, 20, 30, 15])[0]
    stage = "new"
    closed = deal = None
    if decision == "pursue":
        stage = rng.choice(["outreach", "follow-up", "meeting", "proposal", "won", "lost"])
        if stage in ("won", "lost"):
            closed = date_in + dt.timedelta(days=rng.randrange(7, 45))
            deal = rng.choice([6000, 8000, 8000, 9500, 12000]) if stage == "won" else None
    sent = date_in + dt.timedelta(days=2) if decision == "pursue" else None
    return [
        f"L{i:06d}", f"Lead {i}", f"Company {i % 997}", rng.choice(["CEO", "CTO", "Ops lead"]),
        rng.choice(SOURCES), rng.choice(["email", "LinkedIn", "phone"]), _date(rng, date_in),
        "hiring support staff", rng.choice(PROBLEMS), _money(rng, rng.choice([3000, 8000, 15000])),
        rng.choice(["yes", "y", "✓", "no"]), decision, "fits the offer" if decision else "",
        "public post" if rng.random() < 0.9 else "", sent,
        rng.choice(["A", "B", "C"]) if sent else "",
        sent + dt.timedelta(days=5) if sent else None, "3 touches, no reply" if sent else "",
        rng.choice(["none", "positive", "neutral", "negative"]) if sent else "",
        rng.choice(OWNERS), stage, "email", "follow up", date_in + dt.timedelta(days=20),
        _money(rng, deal) if deal else None, closed,
    ]


def make_book(n: int, path: Path, seed: int = 7) -> Path:
    """A pipeline workbook with `n` leads at `path`."""
    rng = random.Random(seed + n)
    wb = Workbook(write_only=True)
    pipe = wb.create_sheet("Pipeline")
    pipe.append(["Stage", "What it is for you", "Example", "Measured", "Status", "Why"])
    for stage in load_rules().stages:
        pipe.append([stage.name, stage.example, stage.example])
    leads = wb.create_sheet("Leads")
    leads.append(HEAD)
    start, span = dt.date(2026, 1, 5), 315
    for i in range(n):
        leads.append(lead_row(rng, i, start, span))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--out", type=Path, default=Path("/tmp/sheetsync-bench"))
    args = parser.parse_args()
    for n in args.sizes:
        print(make_book(n, args.out / f"leads-{n}.xlsx"))


if __name__ == "__main__":
    main()
