"""Sync many workbooks unattended: one lock each, optional backups, one log line each.

One workbook's failure never stops the others.  The lock, the backups and Google's
pacing are in safeguards.py; the words of each run's line in runlog.py.  The workbook
itself is replaced atomically by the backend, so a crash or a kill mid-sync leaves the
original intact.  No click here: run.py calls `run_all` and prints a line per run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sheetsync.backends import google_key
from sheetsync.config import SyncConfig, WorkbookConfig
from sheetsync.engine import SyncOutcome, sync_source
from sheetsync.errors import SheetsyncError
from sheetsync.runlog import counted_findings
from sheetsync.safeguards import GooglePace, SyncBusy, make_backup, rotate_backups, workbook_lock


@dataclass
class WorkbookRun:
    """What happened to one workbook in a scheduled run."""

    name: str
    source: str
    ok: bool
    seconds: float
    outcome: SyncOutcome | None = None
    error: str = ""                  # one line, empty when ok
    skipped: bool = False            # another sync held the lock past lock_timeout
    dry_run: bool = False
    backup: Path | None = None       # the copy kept before writing, if any
    finished: str = ""               # ISO time the run ended (local, with offset)

    @property
    def result(self) -> str:
        """ok (written) | unchanged | dry-run | skipped | failed."""
        if self.skipped:
            return "skipped"
        if not self.ok or self.outcome is None:
            return "failed"
        if self.dry_run:
            return "dry-run"
        return "ok" if self.outcome.written else "unchanged"

    @property
    def leaks(self) -> int | None:
        return len(self.outcome.result.leaks) if self.outcome else None

    @property
    def findings(self) -> int | None:
        """Findings to fix or check (notes are not counted)."""
        return counted_findings(self.outcome.result) if self.outcome else None

    @property
    def fix_this_week(self) -> str | None:
        fix = self.outcome.result.fix_this_week if self.outcome else None
        return fix.stage if fix else None


# ---------------------------------------------------------------- running


Sync = Callable[..., SyncOutcome]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _one(wb: WorkbookConfig, config: SyncConfig, sync: Sync, pace: GooglePace,
         *, as_of: dt.date | None, dry_run: bool, force: bool) -> WorkbookRun:
    start = time.monotonic()
    run = WorkbookRun(wb.label, wb.source, False, 0.0, dry_run=dry_run)
    keep = wb.backup if wb.backup is not None else config.backup
    credentials = wb.credentials or config.credentials
    copy: Path | None = None
    try:
        gate = (pace.slot(credentials or "") if google_key(wb.source) is not None
                else contextlib.nullcontext())
        with workbook_lock(wb.source, config.lock_timeout):
            if keep > 0 and not dry_run:
                copy = make_backup(wb.source)
            with gate:          # paced right before the sync: nothing between them
                run.outcome = sync(wb.source, rules_path=wb.rules or config.rules,
                                   credentials=credentials, as_of=as_of, dry_run=dry_run,
                                   force=force)
            if copy is not None and run.outcome.written:
                rotate_backups(wb.source, keep)
                run.backup, copy = copy, None
        run.ok = True
    except SyncBusy as exc:
        run.skipped, run.error = True, _one_line(str(exc))
    except SheetsyncError as exc:
        run.error = _one_line(str(exc))
    except Exception as exc:  # one broken workbook must not stop the others
        run.error = _one_line(f"{wb.label}: unexpected error ({type(exc).__name__}: {exc})")
    finally:
        if copy is not None:             # nothing was written: the copy adds nothing
            with contextlib.suppress(OSError):
                copy.unlink()
        run.seconds = time.monotonic() - start
        run.finished = _now()
    return run


def run_all(config: SyncConfig, *, as_of: dt.date | None = None, dry_run: bool = False,
            force: bool = False, jobs: int | None = None, sync: Sync = sync_source,
            ) -> list[WorkbookRun]:
    """Sync every workbook of `config`; one WorkbookRun each, in the config's order.

    Never raises for a workbook: its failure is recorded on its run and the others
    go on.  `jobs` (default `config.jobs`) workbooks are synced at once; Google Sheets
    are paced to stay within the per-user API quota.  A backup is kept only when the
    sync actually wrote the file.
    """
    pace = GooglePace()
    workers = max(1, min(jobs or config.jobs, len(config.workbooks)))
    if workers == 1:
        return [_one(wb, config, sync, pace, as_of=as_of, dry_run=dry_run, force=force)
                for wb in config.workbooks]
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sheetsync")
    try:
        futures = [pool.submit(_one, wb, config, sync, pace, as_of=as_of, dry_run=dry_run,
                               force=force) for wb in config.workbooks]
        return [f.result() for f in futures]
    finally:
        # On Ctrl-C / SIGINT: syncs already running finish (each write is atomic),
        # the ones not started yet are dropped.
        pool.shutdown(wait=True, cancel_futures=True)
