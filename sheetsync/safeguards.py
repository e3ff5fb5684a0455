"""What keeps unattended syncs safe: one lock per workbook, backups, Google's pacing.

Two syncs of the same workbook never run at once: the second waits for the lock up to
a timeout, then skips with a clear line.  A backup of a local workbook is kept before
it is written, and only the last few are kept.  Google syncs sharing a user are
spaced to stay within the API quota.  Used by schedule.py, which runs the syncs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sheetsync.backends import google_key
from sheetsync.errors import LockedError, WriteError

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


# ---------------------------------------------------------------- pacing


class GooglePace:
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
