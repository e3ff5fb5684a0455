"""`sheetsync sync` for people and for schedulers: one or many workbooks, one line each.

Kept apart from cli.py so the command stays a thin shell: it gathers the sources
(arguments or a sheetsync.toml), syncs each, and reports one line per workbook.
Exit 0 when every workbook synced, 2 when any could not be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from sheetsync.runlog import log_line, summary
from sheetsync.schedule import run_all

Echo = Callable[..., None]


def run_sync(
    sources: Sequence[str],
    *,
    config_path: Path | None = None,
    rules_path: Path | None = None,
    as_of: dt.date | None = None,
    credentials: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    jobs: int | None = None,
    backup: int | None = None,
    log_format: str = "text",
    echo: Echo = print,
    tty: bool = False,
) -> int:
    """Sync every source (or every workbook of a config) and return the exit code."""
    from sheetsync.config import SyncConfig, WorkbookConfig, load_config

    if config_path is not None:
        config = load_config(config_path)
    else:
        config = SyncConfig(workbooks=[WorkbookConfig(source=s) for s in sources])
    overrides = {"rules": rules_path, "credentials": credentials, "backup": backup}
    for key, value in overrides.items():
        if value is not None:
            setattr(config, key, value)
    runs = run_all(config, as_of=as_of, dry_run=dry_run, force=force, jobs=jobs)
    # Scheduled runs (a config, no terminal) stay quiet on success; people see a summary.
    talk = tty or dry_run or config_path is None
    for run in runs:
        if log_format == "json":
            echo(log_line(run, "json"))
        elif not run.ok:
            echo(log_line(run, "text"), err=True)
        elif talk:
            echo(summary(run.name, run.outcome, dry_run) if run.outcome else
                 log_line(run, "text"))
            if dry_run and run.outcome:
                for line in run.outcome.changes:
                    echo(f"  {line}")
            elif run.outcome and len(runs) == 1:
                echo(f"  {run.outcome.result.diagnosis}")
    return 0 if all(run.ok for run in runs) else 2
