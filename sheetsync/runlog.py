"""What one sync did, in words: the summary a person reads after `sheetsync sync` and
the line a scheduled run logs (text or JSON), both from one rendering of the result.

    demo.xlsx: synced, 833 cells changed — 2 leaks (fix this week: Offer), 15 findings
    demo.xlsx: ok in 1.4s — 833 cells changed — 2 leaks (fix this week: Offer), 15 findings
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sheetsync.core.catalogue import plural

if TYPE_CHECKING:                  # pydantic loads with the core, after the read begins
    from sheetsync.core.result import CheckResult
    from sheetsync.engine import SyncOutcome
    from sheetsync.schedule import WorkbookRun


def rewritten(outcome: SyncOutcome, dry_run: bool) -> str:
    """" (Findings and Review rewritten)": the big tool-only sheets rewritten whole,
    beyond the cells counted; "" when there are none."""
    if not outcome.rewritten:
        return ""
    return f" ({' and '.join(outcome.rewritten)} {'would be ' if dry_run else ''}rewritten)"


def counted_findings(result: CheckResult) -> int:
    """Findings to fix or check (notes are not counted)."""
    return sum(1 for f in result.findings if f.severity != "info")


def changes(outcome: SyncOutcome, dry_run: bool) -> str:
    """"833 cells changed (Review rewritten)", "would change 4 cells" or "already up to
    date": what the sync did to the workbook."""
    also = rewritten(outcome, dry_run)
    if dry_run:
        return f"would change {outcome.changed_cells} cells{also}"
    if outcome.written:
        return f"{outcome.changed_cells} cells changed{also}"
    return "already up to date"


def tally(result: CheckResult) -> str:
    """"2 leaks (fix this week: Offer), 15 findings": what the check found."""
    fix = result.fix_this_week
    leaks = plural(len(result.leaks), "leak")
    if fix is not None:
        leaks += f" (fix this week: {fix.stage})"
    return f"{leaks}, {plural(counted_findings(result), 'finding')}"


def summary(name: str, outcome: SyncOutcome, dry_run: bool) -> str:
    """"demo.xlsx: synced, 6 cells changed — 6 leaks (fix this week: Input source #2),
    23 findings"."""
    done = "synced, " if outcome.written and not dry_run else ""
    return f"{name}: {done}{changes(outcome, dry_run)} — {tally(outcome.result)}"


def log_line(run: WorkbookRun, fmt: str = "text") -> str:
    """One line per workbook: name, result, duration, then what the sync did and found
    (text), or the same as one JSON object."""
    if fmt == "json":
        return json.dumps({
            "time": run.finished or None, "workbook": run.name, "source": run.source,
            "result": run.result, "ok": run.ok, "leaks": run.leaks,
            "findings": run.findings, "fix_this_week": run.fix_this_week,
            "changed_cells": run.outcome.changed_cells if run.outcome else None,
            "rewritten": run.outcome.rewritten if run.outcome else None,
            "seconds": round(run.seconds, 3), "backup": str(run.backup) if run.backup else None,
            "error": run.error or None,
        }, ensure_ascii=False)
    if fmt != "text":
        raise ValueError(f"log format {fmt!r}: use text or json")
    head = f"{run.name}: {run.result} in {run.seconds:.1f}s"
    if run.outcome is None:
        return f"{head} — {run.error}"
    return f"{head} — {changes(run.outcome, run.dry_run)} — {tally(run.outcome.result)}"

