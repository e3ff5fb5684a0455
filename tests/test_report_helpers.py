"""CheckResult objects built by hand for the report tests, and ways to read a PDF back.

The results are made directly (not by running a check) so each test controls exactly
what the page has to hold: a filled example, very long answers, a crowded review.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sheetsync.core.result import (
    Breakdown,
    CheckResult,
    Interval,
    LeadRef,
    Leak,
    Metric,
    Metrics,
    OwnerGap,
    PipelineRow,
    Review,
    VariantReplies,
    Window,
)
from sheetsync.core.rules import Rules

AS_OF = dt.date(2026, 11, 16)
WINDOW = Window(start=dt.date(2026, 10, 19), end=dt.date(2026, 11, 15), weeks=4)
PREVIOUS = Window(start=dt.date(2026, 9, 21), end=dt.date(2026, 10, 18), weeks=4)

# The filled example's answers: stage -> (answer, measured, unit, status, why)
FILLED: dict[str, tuple[str, float | None, str | None, str]] = {
    "Input source #1": ("Referrals from past clients, about one a week", None, None, "ok"),
    "Input source #2": ("", None, None, "leak: blank"),
    "Qualification criteria": ("None today — I take every call", None, None, "leak: none"),
    "Productized offer": ("$8K AI support pipeline for SaaS under 50 people", None, None, "ok"),
    "Price (visible before the call)": ("$1,500–$??? on proposal, varies wildly", 12500.0,
                                        "money", "leak: varies"),
    "Conversion call structure": ("60-min discovery, fixed agenda", None, None, "ok"),
    "Leads per week": ("see Measured", 13.25, "per_week", "measured"),
    "Qualified rate %": ("see Measured", 0.1234, "rate", "measured"),
    "Conversion rate %": ("see Measured", 0.25, "rate", "measured"),
    "Average deal size": ("see Measured", 18750.0, "money", "measured"),
    "Cycle time (days)": ("see Measured", 33.0, "days", "measured"),
}


def metrics(sources: list[Breakdown] | None = None) -> Metrics:
    """Window metrics with a low-sample conversion rate and two sources."""
    return Metrics(
        window=WINDOW, previous_window=PREVIOUS,
        leads_per_week=Metric(value=13.25, n=53, unit="per_week", previous=9.5, previous_n=38),
        qualified_rate=Metric(value=0.1234, n=81, unit="rate",
                              interval=Interval(low=0.07, high=0.21), previous=0.53),
        conversion_rate=Metric(value=0.25, n=4, low_sample=True, unit="rate"),
        average_deal_size=Metric(value=18750.0, n=7, unit="money"),
        cycle_time_days=Metric(value=33.0, n=7, unit="days", mean=35.5),
        by_source=sources if sources is not None else [
            Breakdown(name="LinkedIn post", leads=38, leads_per_week=9.5,
                      qualified_rate=Metric(value=0.0, n=36)),
            Breakdown(name="Referral", leads=15, leads_per_week=3.75,
                      qualified_rate=Metric(value=0.6, n=15)),
        ],
    )


def pipeline(rules: Rules, answers: dict[str, str] | None = None,
             fix: str = "Input source #2") -> tuple[list[PipelineRow], list[Leak]]:
    """The eleven rows of FILLED (answers overridable), `fix` marked as this week's."""
    rows, leaks = [], []
    for i, stage in enumerate(rules.stages):
        answer, measured, unit, status = FILLED[stage.name]
        answer = (answers or {}).get(stage.name, answer)
        why = "n=53 leads" if unit else ""
        if status.startswith("leak: "):
            why = f"the answer is {status.removeprefix('leak: ')}"
            leaks.append(Leak(sheet="Pipeline", row=i + 3, stage=stage.name, label=stage.name,
                              kind=status.removeprefix("leak: "), text=answer, why=why))
            if stage.name == fix:
                status += " — fix this week"
        rows.append(PipelineRow(row=i + 3, stage=stage.name, label=stage.name, answer=answer,
                                measured=measured, unit=unit, status=status, why=why))
    return rows, leaks


def filled_result(rules: Rules, **changes: Any) -> CheckResult:
    """A worksheet like an operator's after a few weeks of leads."""
    rows, leaks = pipeline(rules, changes.pop("answers", None))
    data: dict[str, Any] = dict(
        source="/home/ops/pipeline.xlsx", title="pipeline.xlsx", as_of=AS_OF, lead_count=238,
        leaks=leaks, fix_this_week=next(x for x in leaks if x.stage == "Input source #2"),
        diagnosis="Qualified rate fell from 53% to 12% — LinkedIn post is bringing leads "
                  "that fail your criteria.",
        metrics=metrics(), pipeline=rows,
        review=Review(
            new_not_routable=[LeadRef(row=12, lead="Ada Okafor", owner="Kim",
                                      detail="no Decision yet")],
            qualified_without_evidence=[LeadRef(row=40, lead="Wen Silva", owner="Sam")],
            replies_by_variant=[
                VariantReplies(variant="A: backlog", sent=47, positive=24, neutral=15,
                               negative=8),
                VariantReplies(variant="B: SLA", sent=44, positive=21, neutral=14, negative=7,
                               other=1, no_reply=1)],
            overdue=[LeadRef(row=232, lead="Jo Fischer", owner="Sam",
                             detail="5 days late: follow up")],
            meetings={"won": [LeadRef(row=146, lead="Uma Costa", owner="Kim")],
                      "lost": [LeadRef(row=155, lead="Ben Garcia", owner="Kim")],
                      "nurture": [LeadRef(row=190, lead="Zoe Hall", owner="Sam")]},
            owner_gaps=[OwnerGap(owner="Alex", metric="conversion_rate", value=0.0,
                                 team_median=0.5, gap=-0.5, n=6, real=True,
                                 interval=Interval(low=0.0, high=0.39), open_leads=4)],
            open_leads_by_owner={"Alex": 4, "Sam": 2}, coaching_weeks=13,
            one_change="Write down what disqualifies a lead before a call.",
        ),
    )
    data.update(changes)
    return CheckResult(**data)


LONG = ("An answer that goes on and on about how we really do it here, with every "
        "exception and a story about the client from last spring ")


def long_result(rules: Rules) -> CheckResult:
    """Every text the page shows is far too long, and there are forty sources."""
    sources = [Breakdown(name=f"A source with a very long name indeed, number {i} " * 3,
                         leads=100 + i, leads_per_week=25.25,
                         qualified_rate=Metric(value=0.333, n=100 + i)) for i in range(40)]
    return filled_result(
        rules, answers={s.name: LONG * 12 for s in rules.stages},
        title="A workbook title that someone typed as a whole paragraph " * 8,
        diagnosis="Qualified rate fell sharply and here is a very long explanation " * 20,
        metrics=metrics(sources),
        fix_this_week=Leak(sheet="Pipeline", row=4, stage="Input source #2",
                           label="Input source #2", kind="blank", why=LONG * 10),
    )


def busy_result(rules: Rules, n: int = 60) -> CheckResult:
    """A review with `n` items in every list, many variants and owners."""
    refs = [LeadRef(row=10 + i, lead=f"Lead number {i}", owner=f"Owner {i % 7}",
                    detail=f"detail {i} " * 4) for i in range(n)]
    review = Review(
        new_not_routable=refs, qualified_without_evidence=refs, overdue=refs,
        replies_by_variant=[VariantReplies(variant=f"Variant {i}", sent=10 + i, positive=i)
                            for i in range(n)],
        meetings={"won": refs, "lost": refs, "nurture": refs},
        owner_gaps=[OwnerGap(owner=f"Owner {i}", metric="conversion_rate", value=0.1,
                             team_median=0.6, gap=-0.5, n=9, real=True,
                             interval=Interval(low=0.02, high=0.44)) for i in range(n)],
        coaching_weeks=13,
        one_change="Give the call a fixed agenda and a defined close.",
    )
    return filled_result(rules, review=review)


def pdf_pages(path: Path) -> tuple[int, str]:
    """The page count and the text of a PDF, read back with pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def page_size_pt(path: Path) -> tuple[float, float]:
    from pypdf import PdfReader

    box = PdfReader(str(path)).pages[0].mediabox
    return float(box.width), float(box.height)


def to_png(pdf: Path, dpi: int = 60) -> list[Path]:
    """The pages of `pdf` as PNG files beside it (pdftoppm), for looking at them."""
    if shutil.which("pdftoppm") is None:
        return []
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(stem)], check=True,
                   timeout=60)
    return sorted(pdf.parent.glob(stem.name + "-*.png"))
