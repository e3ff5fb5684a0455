"""One run over one source: read, compute, and (for sync) write.  No click here.

The CLI and the scheduler both call these; they return results, never print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.core.result import CheckResult


@dataclass
class SyncOutcome:
    """What one sync did: the check result and how many owned cells changed."""

    result: CheckResult
    changed_cells: int = 0
    changes: list[str] = field(default_factory=list)   # human lines for --dry-run
    written: bool = False


def check_source(
    source: str,
    *,
    rules_path: Path | None = None,
    credentials: str | None = None,
    as_of: dt.date | None = None,
) -> CheckResult:
    """Read `source` and return everything check finds.  Raises SheetsyncError."""
    raise NotImplementedError("being written")


def sync_source(
    source: str,
    *,
    rules_path: Path | None = None,
    credentials: str | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> SyncOutcome:
    """Check `source` and write the owned cells back (unless dry_run).  Raises SheetsyncError."""
    raise NotImplementedError("being written")
