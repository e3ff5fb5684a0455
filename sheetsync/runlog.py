"""What one sync did, in words: the summary a person reads after `sheetsync sync` and
the line a scheduled run logs (text or JSON), both from one rendering of the result.

    demo.xlsx: synced, wrote 833 cells of its own; none of yours changed — 2 leaks on the
        Pipeline sheet (fix this week: Offer), 15 findings
    demo.xlsx: ok in 1.4s — wrote 833 cells of its own; none of yours changed — 2 leaks on
        the Pipeline sheet (fix this week: Offer), 15 findings
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sheetsync.core.catalogue import plural, say

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
    """"wrote 833 cells of its own; none of yours changed (Review rewritten)", "would
    write 4 cells of its own; none of yours would change" or "already up to date": what
    the sync did to the workbook (it only ever writes the cells it owns)."""
    also = rewritten(outcome, dry_run)
    cells = plural(outcome.changed_cells, "cell")
    if dry_run:
        return say("sync-would-write", cells=cells, also=also)
    if outcome.written:
        return say("sync-wrote", cells=cells, also=also)
    return say("sync-up-to-date")


def leaks_by_sheet(sheets: list[str]) -> str:
    """"5 leaks: 2 on the Pipeline sheet, 3 on the Blocks sheet", "1 leak on the Pipeline
    sheet" or "0 leaks": the leaks counted per sheet, in the order the sheets come."""
    counts: dict[str, int] = {}
    for sheet in sheets:
        counts[sheet] = counts.get(sheet, 0) + 1
    leaks = plural(len(sheets), "leak")
    if len(counts) == 1:
        return say("leaks-one-sheet", leaks=leaks, sheet=sheets[0])
    if not counts:
        return leaks
    parts = ", ".join(say("leaks-on-sheet", count=n, sheet=s) for s, n in counts.items())
    return say("leaks-by-sheet", leaks=leaks, parts=parts)


def tally(result: CheckResult) -> str:
    """"5 leaks: 2 on the Pipeline sheet, 3 on the Blocks sheet (fix this week: Offer),
    15 findings": what the check found, counted where the operator can count it."""
    fix = result.fix_this_week
    leaks = leaks_by_sheet([x.sheet for x in result.leaks])
    if fix is not None:
        leaks += f" (fix this week: {fix.stage})"
    return f"{leaks}, {plural(counted_findings(result), 'finding')}"


def summary(name: str, outcome: SyncOutcome, dry_run: bool) -> str:
    """"demo.xlsx: synced, wrote 6 cells of its own; none of yours changed — 6 leaks: 2 on
    the Pipeline sheet, 4 on the Blocks sheet (fix this week: Input source #2), 23 findings"."""
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

