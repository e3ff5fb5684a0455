"""Issue 17: the summary a person reads and the line a scheduled run logs say what a
sync did and found in the same words (one rendering, runlog.py)."""

from __future__ import annotations

import datetime as dt
import json

from schedule_helpers import make_book

from sheetsync.config import SyncConfig, WorkbookConfig
from sheetsync.runlog import changes, log_line, summary, tally
from sheetsync.schedule import run_all

AS_OF = dt.date(2026, 11, 16)


def test_summary_and_log_line_share_their_words(tmp_path):
    book = make_book(tmp_path / "book.xlsx")
    config = SyncConfig(workbooks=[WorkbookConfig(source=str(book))])
    for dry_run in (True, False, False):            # would change, changed, up to date
        (run,) = run_all(config, as_of=AS_OF, dry_run=dry_run)
        assert run.ok and run.outcome is not None
        did, found = changes(run.outcome, dry_run), tally(run.outcome.result)
        said, logged = summary(run.name, run.outcome, dry_run), log_line(run)
        assert said.endswith(f"{did} — {found}") and logged.endswith(f"{did} — {found}")
        assert logged.startswith(f"book.xlsx: {run.result} in ")
        as_json = json.loads(log_line(run, "json"))
        assert (as_json["leaks"], as_json["findings"]) == (run.leaks, run.findings)
        assert found.startswith(f"{run.leaks} leak") and f", {run.findings} findings" in found
    assert did == "already up to date" and said == f"book.xlsx: {did} — {found}"


def test_summary_says_only_its_own_cells_changed_and_where_the_leaks_are(tmp_path):
    """The founder's reading: '917 cells changed' read as if their data changed, and
    '5 leaks' matched nothing they could count on one sheet."""
    from sheetsync.runlog import leaks_by_sheet
    book = make_book(tmp_path / "book.xlsx")
    config = SyncConfig(workbooks=[WorkbookConfig(source=str(book))])
    (run,) = run_all(config, as_of=AS_OF)
    assert run.outcome is not None
    said = summary(run.name, run.outcome, False)
    assert f"wrote {run.outcome.changed_cells} cells of its own; none of yours changed" in said
    assert "cells changed" not in said and "cells changed" not in log_line(run)
    assert leaks_by_sheet(["Pipeline", "Pipeline", "Blocks", "Blocks", "Blocks"]) == (
        "5 leaks: 2 on the Pipeline sheet, 3 on the Blocks sheet")
    assert leaks_by_sheet(["Blocks"]) == "1 leak on the Blocks sheet"
    assert leaks_by_sheet([]) == "0 leaks"
