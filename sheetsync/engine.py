"""One run over one source: read, compute, and (for sync) write.  No click here.

The CLI and the scheduler both call these; they return results and never print.

The core (pydantic and the models built on it) is imported only once the read has
started: building it takes a fifth of a second, which then runs beside the read
instead of before it (see `_check`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.backends import Backend, open_backend
from sheetsync.core.fingerprint import FINGERPRINTED
from sheetsync.core.rules_file import read_rules_file
from sheetsync.core.values import normalize_header
from sheetsync.workbook import RawWorkbook

if TYPE_CHECKING:
    from sheetsync.core.check import Checked
    from sheetsync.core.history import PastWeek
    from sheetsync.core.result import CheckResult


@dataclass
class SyncOutcome:
    """What one sync did: the check result and how many owned cells changed.

    `changed_cells` counts the cells compared with what the workbook held; the big
    tool-only sheets named in `rewritten` changed too and were rewritten whole without
    being read back to compare (see `_sync`).
    """

    result: CheckResult
    changed_cells: int = 0
    changes: list[str] = field(default_factory=list)   # human lines for --dry-run
    written: bool = False
    rewritten: list[str] = field(default_factory=list)


@contextmanager
def bulk_work() -> Iterator[None]:
    """The cyclic garbage collector paused for one run over one workbook.

    A run makes millions of small objects (cells, leads, findings) and no reference
    cycles; CPython would otherwise walk the growing heap again and again, costing a
    third of the run.  Reference counting still frees everything; the collector is
    switched back on (if it was on) when the run ends, error or not.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _check(
    backend: Backend, rules_path: Path | None, as_of: dt.date | None, *, for_sync: bool
) -> tuple[Checked, RawWorkbook]:
    settings = read_rules_file(rules_path)
    # A check reads no generated sheet; a sync leaves the big ones unread where reading
    # is per sheet: their fingerprints say whether to rewrite them (see _sync).
    lazy = FINGERPRINTED if for_sync and getattr(backend, "reads_by_sheet", False) else ()
    wanted = settings.wanted_sheets(generated=for_sync, leave_out=lazy)
    with backend.begin_read(lambda name: normalize_header(name) in wanted) as reading:
        # The core loads while the read runs.
        from sheetsync.core.check import run_check
        from sheetsync.core.rules import typed_rules
        from sheetsync.core.tables import find_sheet

        rules = typed_rules(settings)
        raw = reading.result()
    if find_sheet(list(raw.sheets), rules.sheets["pipeline"]) is None:
        raw = backend.read(None)     # the Pipeline is not named: look at every sheet
    else:
        from sheetsync.core.columns import unread_elsewhere

        more = set(unread_elsewhere(raw, rules))
        if more:                     # no lead on Leads: an export may sit on its own sheet
            extra = backend.read(lambda name: name in more)
            raw.sheets.update((n, g) for n, g in extra.sheets.items() if n not in raw.sheets)
    return run_check(raw, rules, as_of or dt.date.today()), raw


def check_source(
    source: str,
    *,
    rules_path: Path | None = None,
    credentials: str | None = None,
    as_of: dt.date | None = None,
) -> CheckResult:
    """Read `source` and return everything check finds.  Raises SheetsyncError."""
    backend = open_backend(source, credentials=credentials)
    with bulk_work():
        return _check(backend, rules_path, as_of, for_sync=False)[0].result


def report_source(
    source: str,
    *,
    rules_path: Path | None = None,
    credentials: str | None = None,
    as_of: dt.date | None = None,
) -> tuple[CheckResult, list[PastWeek]]:
    """What check finds in `source`, and the counters' weekly trend the printed pages draw."""
    backend = open_backend(source, credentials=credentials)
    with bulk_work():
        checked = _check(backend, rules_path, as_of, for_sync=False)[0]
    from sheetsync.core.history import trend

    result = checked.result
    return result, trend(checked.leads, result.metrics, result.as_of, checked.rules)


def sync_source(
    source: str,
    *,
    rules_path: Path | None = None,
    credentials: str | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> SyncOutcome:
    """Check `source` and write the owned cells back (unless dry_run).  Raises SheetsyncError.

    Nothing is written when no owned cell would change, so a second sync with the
    same input leaves the workbook exactly as it was.
    """
    backend = open_backend(source, credentials=credentials)
    with bulk_work():
        return _sync(backend, rules_path, as_of, dry_run=dry_run, force=force)


def _sync(
    backend: Backend, rules_path: Path | None, as_of: dt.date | None, *, dry_run: bool,
    force: bool,
) -> SyncOutcome:
    checked, raw = _check(backend, rules_path, as_of, for_sync=True)
    # Imported only now, after the read: importing them starts loading the core.
    from sheetsync.core.diff import describe_changes
    from sheetsync.core.fingerprint import stamp_fingerprints, unread
    from sheetsync.core.plan import build_plan
    from sheetsync.core.sheets import last_synced, set_last_synced
    from sheetsync.workbook import Plan

    previous = last_synced(raw)
    plan = build_plan(checked, previous or "")
    prints = stamp_fingerprints(plan)
    same, stale = unread(raw, prints)
    # A fingerprinted sheet that changed since the last sync is rewritten whole, unread:
    # reading it back only to count its changed cells would cost as much as reading the
    # lead log, and hold both in memory.
    compared = Plan(patches=plan.patches, generated=[g for g in plan.generated
                                                     if g.name not in same + stale])
    count, lines = describe_changes(compared, raw, each_cell=dry_run)
    lines += [f"{g.name}: rewritten whole ({g.height} rows; changed since the last sync)"
              for g in plan.generated if g.name in stale]
    outcome = SyncOutcome(result=checked.result, changed_cells=count, changes=lines,
                          rewritten=stale)
    # The grids and the typed leads are not needed to write: let them go before the
    # writer builds its parts, so the two never sit in memory together.
    del checked, raw
    if dry_run or (count == 0 and not stale and previous is not None):
        return outcome          # nothing but the stamp would move: leave the file alone
    now = dt.datetime.now().astimezone()
    set_last_synced(plan, f"{now.day} {now:%b %Y, %H:%M} ({now:%Z})")
    backend.apply(plan, force=force)
    outcome.written = True
    return outcome
