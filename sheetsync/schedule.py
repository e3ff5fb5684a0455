"""Sync many workbooks unattended: one lock each, optional backups, one log line each.

One workbook's failure never stops the others.  Two syncs of the same workbook never
run at once: the second waits for the lock up to `lock_timeout` seconds, then skips
with a clear line.  The workbook itself is replaced atomically by the backend, so a
crash or a kill mid-sync leaves the original intact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sheetsync.backends import google_key
from sheetsync.config import SyncConfig, WorkbookConfig
from sheetsync.engine import SyncOutcome, sync_source
from sheetsync.errors import LockedError, SheetsyncError

# Google allows 60 requests per minute per user; a sync makes about 3 (token, one
# read, one write), so at most this many Google syncs run at once.
GOOGLE_PARALLEL = 4


@dataclass
class WorkbookRun:
    """What happened to one workbook in a scheduled run."""

    name: str
    source: str
    ok: bool
    seconds: float
    outcome: SyncOutcome | None = None
    error: str = ""


def lock_path(source: str) -> Path:
    """Where the lock for `source` lives: the user's state dir, keyed by the workbook.

    Kept out of the operator's folder so no lock file sits beside their workbook.
    """
    key = google_key(source) or str(Path(source).resolve())
    state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return state / "sheetsync" / "locks" / f"{digest}.lock"


@contextlib.contextmanager
def workbook_lock(source: str, timeout: float) -> Iterator[None]:
    """Hold the per-workbook lock; LockedError if another sync keeps it past `timeout`."""
    path = lock_path(source)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield                              # a folder we cannot write: the write will say so
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"{Path(source).name if google_key(source) is None else source}:"
                        f" another sync has been running for over {timeout:g}s; skipped"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


def backup(source: str, keep: int) -> Path | None:
    """Copy a local workbook into .sheetsync-backups/ beside it, keeping the last `keep`."""
    if keep <= 0 or google_key(source) is not None:
        return None
    src = Path(source)
    if not src.is_file():
        return None
    folder = src.parent / ".sheetsync-backups"
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{src.stem}.{stamp}{src.suffix}"
    shutil.copy2(src, target)
    copies = sorted(folder.glob(f"{src.stem}.*{src.suffix}"))
    for old in copies[:-keep]:
        old.unlink()
    return target


Sync = Callable[..., SyncOutcome]


def _one(wb: WorkbookConfig, config: SyncConfig, sync: Sync, **options: object) -> WorkbookRun:
    start = time.monotonic()
    try:
        with workbook_lock(wb.source, config.lock_timeout):
            if not options.get("dry_run"):
                backup(wb.source, wb.backup if wb.backup is not None else config.backup)
            outcome = sync(wb.source, rules_path=wb.rules or config.rules,
                           credentials=wb.credentials or config.credentials, **options)
        return WorkbookRun(wb.label, wb.source, True, time.monotonic() - start, outcome)
    except SheetsyncError as exc:
        return WorkbookRun(wb.label, wb.source, False, time.monotonic() - start, error=str(exc))
    except Exception as exc:  # one broken workbook must not stop the others
        return WorkbookRun(wb.label, wb.source, False, time.monotonic() - start,
                           error=f"unexpected error ({type(exc).__name__}: {exc})")


def run_all(config: SyncConfig, *, as_of: dt.date | None = None, dry_run: bool = False,
            force: bool = False, jobs: int | None = None, sync: Sync = sync_source,
            ) -> list[WorkbookRun]:
    """Sync every workbook of `config`; results in the config's order."""
    options = {"as_of": as_of, "dry_run": dry_run, "force": force}
    workers = max(1, jobs or config.jobs)
    if workers == 1 or len(config.workbooks) == 1:
        return [_one(wb, config, sync, **options) for wb in config.workbooks]
    google = sum(google_key(wb.source) is not None for wb in config.workbooks)
    if google:
        workers = min(workers, GOOGLE_PARALLEL)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_one, wb, config, sync, **options) for wb in config.workbooks]
        return [f.result() for f in futures]


def format_log_line(run: WorkbookRun, fmt: str = "text") -> str:
    """One line per workbook: name, result, leaks, findings, duration."""
    leaks = findings = None
    fix = None
    changed = 0
    if run.outcome is not None:
        r = run.outcome.result
        leaks = len(r.leaks)
        findings = sum(1 for f in r.findings if f.severity != "info")
        fix = r.fix_this_week.stage if r.fix_this_week else None
        changed = run.outcome.changed_cells
    result = "ok" if run.ok else "failed"
    if run.ok and run.outcome is not None and not run.outcome.written:
        result = "unchanged"
    if fmt == "json":
        return json.dumps({
            "workbook": run.name, "source": run.source, "result": result, "leaks": leaks,
            "findings": findings, "fix_this_week": fix, "changed_cells": changed,
            "seconds": round(run.seconds, 3), "error": run.error or None,
        }, ensure_ascii=False)
    if not run.ok:
        return f"{run.name}: failed in {run.seconds:.1f}s — {run.error}"
    return (f"{run.name}: {result} in {run.seconds:.1f}s — {leaks} leaks, {findings} findings"
            + (f", fix this week: {fix}" if fix else ""))
