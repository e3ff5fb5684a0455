"""Sync many workbooks unattended: one lock each, optional backups, one log line each.

One workbook's failure never stops the others.  Two syncs of the same workbook never
run at once: the second waits for the lock up to `lock_timeout` seconds, then skips
with a clear line.  The workbook itself is replaced atomically by the backend, so a
crash or a kill mid-sync leaves the original intact.  No click here: the CLI calls
`run_all` and prints `format_log_line` for each run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sheetsync.backends import google_key
from sheetsync.config import SyncConfig, WorkbookConfig
from sheetsync.engine import SyncOutcome, sync_source
from sheetsync.errors import LockedError, SheetsyncError, WriteError

# Google Sheets allows 60 requests per minute per user.  A sync makes a constant 3
# (one batched read, one batched value write, one batched format/notes request), so
# one user may start at most 60 / 3 = 20 syncs a minute, i.e. one every 3 seconds.
# Google syncs sharing a credentials file are therefore started at least
# GOOGLE_SPACING = 60 * 3 / 60 = 3 s apart, whatever --jobs says, and at most
# GOOGLE_PARALLEL run at once (the spacing bounds the rate; the cap bounds the
# threads waiting on slow responses).  Local workbooks are not paced.  The backend's
# bounded retry with backoff on 429 is the backstop (e.g. two overlapping processes).
GOOGLE_REQUESTS_PER_SYNC = 3
GOOGLE_REQUESTS_PER_MINUTE = 60
GOOGLE_SPACING = 60.0 * GOOGLE_REQUESTS_PER_SYNC / GOOGLE_REQUESTS_PER_MINUTE   # 3.0 s
GOOGLE_PARALLEL = 4

BACKUP_DIR = ".sheetsync-backups"
_STAMP = "%Y%m%dT%H%M%S.%fZ"          # UTC, fixed width: name order is time order


class SyncBusy(LockedError):
    """Another sync of the same workbook held the lock past the timeout: skipped."""


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
        """Error and warning findings (info remarks are not counted)."""
        if self.outcome is None:
            return None
        return sum(1 for f in self.outcome.result.findings if f.severity != "info")

    @property
    def fix_this_week(self) -> str | None:
        fix = self.outcome.result.fix_this_week if self.outcome else None
        return fix.stage if fix else None


# ---------------------------------------------------------------- the lock


def _state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "sheetsync" / "locks"


def lock_path(source: str) -> Path:
    """Where the lock for `source` lives: beside a local file, or in the user's state dir.

    Google Sheets (and local files in a folder we cannot write) are locked in
    `$XDG_STATE_HOME/sheetsync/locks/` (default `~/.local/state/...`), named by a hash.
    """
    key = google_key(source)
    if key is None:
        p = Path(source).expanduser().resolve()
        return p.with_name(f".{p.name}.sheetsync.lock")
    return _state_dir() / f"gsheet-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock"


def _open_lock(source: str) -> int | None:
    if google_key(source) is None and not Path(source).expanduser().is_file():
        return None                      # nothing to protect; the read will say it is missing
    path = lock_path(source)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        if google_key(source) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    # a local file in a folder we cannot write (or that does not exist): lock by its path
    digest = hashlib.sha256(str(Path(source).expanduser().resolve()).encode()).hexdigest()
    fallback = _state_dir() / f"file-{digest[:16]}.lock"
    try:
        fallback.parent.mkdir(parents=True, exist_ok=True)
        return os.open(fallback, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None


@contextlib.contextmanager
def workbook_lock(source: str, timeout: float) -> Iterator[None]:
    """Hold the per-workbook lock for the block, so no two syncs of one workbook overlap.

    Waits up to `timeout` seconds for another holder, then raises SyncBusy (a
    LockedError) whose message is one line naming the workbook.  The lock is an
    `fcntl.flock` on a lock file that is never deleted, so the kernel releases it when
    a holder dies, even by SIGKILL: a stale lock cannot exist.  Works across
    processes and across threads of one process (each holder opens its own file).
    """
    try:
        fd = _open_lock(source)
    except OSError:
        fd = None
    if fd is None:                       # nowhere to keep a lock: the write will say why
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    name = source if google_key(source) else Path(source).name
                    raise SyncBusy(f"{name}: skipped, another sync of it was still running"
                                   f" after {timeout:g}s (lock {lock_path(source)})") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)                     # closing the last descriptor releases the flock


# ---------------------------------------------------------------- backups


def backup_dir(source: str) -> Path:
    """The `.sheetsync-backups/` folder beside a local workbook."""
    return Path(source).expanduser().parent / BACKUP_DIR


def _backup_pattern(src: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(src.stem)}\.\d{{8}}T\d{{6}}\.\d{{6}}Z"
                      rf"{re.escape(src.suffix)}$")


def list_backups(source: str) -> list[Path]:
    """The backups of `source`, oldest first (names carry a UTC timestamp)."""
    src = Path(source).expanduser()
    folder = backup_dir(source)
    if not folder.is_dir():
        return []
    pattern = _backup_pattern(src)
    return sorted(p for p in folder.iterdir() if pattern.match(p.name))


def make_backup(source: str) -> Path | None:
    """Copy a local workbook into `.sheetsync-backups/`; None for a Google Sheet or no file.

    Raises WriteError when the copy cannot be made, so nothing is written without the
    backup the person asked for.
    """
    if google_key(source) is not None:
        return None
    src = Path(source).expanduser()
    if not src.is_file():
        return None
    stamp = dt.datetime.now(dt.UTC).strftime(_STAMP)
    target = backup_dir(source) / f"{src.stem}.{stamp}{src.suffix}"
    try:
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(src, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        raise WriteError(f"{src.name} was not changed: cannot make a backup in"
                         f" {target.parent} ({exc.strerror or exc})") from exc
    return target


def rotate_backups(source: str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups of `source`; returns the removed ones."""
    old = list_backups(source)[:-keep] if keep > 0 else list_backups(source)
    for path in old:
        with contextlib.suppress(OSError):
            path.unlink()
    return old


def backup(source: str, keep: int) -> Path | None:
    """Copy `source` into `.sheetsync-backups/` and keep only the last `keep` copies."""
    if keep <= 0:
        return None
    target = make_backup(source)
    if target is not None:
        rotate_backups(source, keep)
    return target


# ---------------------------------------------------------------- running


Sync = Callable[..., SyncOutcome]


class _GooglePace:
    """Google syncs of one user start GOOGLE_SPACING s apart, GOOGLE_PARALLEL at most."""

    def __init__(self, spacing: float | None = None, parallel: int | None = None):
        self.spacing = GOOGLE_SPACING if spacing is None else spacing
        self._slots = threading.BoundedSemaphore(parallel or GOOGLE_PARALLEL)
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    @contextlib.contextmanager
    def slot(self, user: str) -> Iterator[None]:
        with self._slots:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next.get(user, now))
                self._next[user] = start + self.spacing
            time.sleep(start - now)
            yield


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _one(wb: WorkbookConfig, config: SyncConfig, sync: Sync, pace: _GooglePace,
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
    pace = _GooglePace()
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


def rewritten(outcome: SyncOutcome, dry_run: bool) -> str:
    """" (Findings and Review rewritten)": the big tool-only sheets rewritten whole,
    beyond the cells counted; "" when there are none."""
    if not outcome.rewritten:
        return ""
    return f" ({' and '.join(outcome.rewritten)} {'would be ' if dry_run else ''}rewritten)"


def format_log_line(run: WorkbookRun, fmt: str = "text") -> str:
    """One line per workbook: name, result, leaks, findings, duration (text or JSON)."""
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
    changed = run.outcome.changed_cells
    also = rewritten(run.outcome, run.dry_run)
    what = (f"would change {changed} cells{also}" if run.dry_run
            else f"{changed} cells changed{also}" if run.outcome.written
            else "nothing to change")
    fix = f", fix this week: {run.fix_this_week}" if run.fix_this_week else ""
    return f"{head} — {what}, {run.leaks} leaks, {run.findings} findings{fix}"
