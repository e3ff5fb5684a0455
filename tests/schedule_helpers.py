"""Real workbooks, configs and subprocesses for the scheduled-sync tests (test_schedule*)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from sheetsync.core.rules import load_rules

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 16)
PIPELINE_HEAD = ["Stage", "What it is for you", "Example", "Measured", "Status", "Why"]
LEAD_HEAD = ["ID", "Lead", "Company", "Source", "Date in", "Decision", "Reason", "Evidence",
             "Owner", "Stage", "Last action", "Next action", "Next action date", "Deal size",
             "Closed date", "Note", "Check"]
SOURCES = ["Referral", "LinkedIn post", "Cold email"]


def make_book(path: Path, leads: int = 6, *, answer: str = "") -> Path:
    """A pipeline workbook: the Pipeline worksheet (seed examples typed as answers, Input
    source #2 blank) and a Leads sheet of `leads` rows with operator notes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Pipeline"
    ws.append(PIPELINE_HEAD)
    for stage in load_rules().stages:
        text = answer if stage.name == "Input source #2" else stage.example
        ws.append([stage.name, text, stage.example, None, None, None])
    log = wb.create_sheet("Leads")
    log.append(LEAD_HEAD)
    for i in range(leads):
        day = dt.date(2026, 10, 19) + dt.timedelta(days=i % 27)
        won = i % 4 == 0
        log.append([
            f"L{i}", f"Lead {i}", f"Company {i}", SOURCES[i % 3], day,
            "pursue" if i % 2 else "skip", "fits the criteria", "post on their blog",
            "Sam", "won" if won else "qualified", "call", "send proposal",
            dt.date(2026, 11, 20), 8000 + 10 * i if won else None,
            day + dt.timedelta(days=10) if won else None, f"operator note {i}", None,
        ])
    wb.save(path)
    return path


def operator_cells(path: Path) -> dict[tuple[str, str], Any]:
    """Every cell an operator typed (not Measured/Status/Why/Check), by sheet and address."""
    wb = load_workbook(path)
    cells: dict[tuple[str, str], Any] = {}
    owned = {"Measured", "Status", "Why", "Check"}
    for name in ("Pipeline", "Leads"):
        ws = wb[name]
        heads = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                col = heads[cell.column - 1] if cell.column - 1 < len(heads) else None
                if col not in owned and cell.value is not None:
                    cells[(name, cell.coordinate)] = cell.value
    return cells


def owned_status(path: Path) -> list[Any]:
    """The Status column of the Pipeline sheet (what sync writes)."""
    ws = load_workbook(path)["Pipeline"]
    return [row[4].value for row in ws.iter_rows(min_row=2, max_row=12)]


def write_config(folder: Path, text: str) -> Path:
    path = folder / "sheetsync.toml"
    path.write_text(textwrap.dedent(text).lstrip(), "utf-8")
    return path


def env() -> dict[str, str]:
    """The environment for a child `python -m sheetsync`: this checkout first on the path."""
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join([str(REPO), e.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return e


def sheetsync(*args: str, cwd: Path | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (stdout is a pipe, so not a TTY)."""
    return subprocess.run([sys.executable, "-m", "sheetsync", *args], cwd=cwd or REPO,
                          env=env(), capture_output=True, text=True, timeout=timeout)


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    """A child Python running `code` (argv[1:] = args), stdout piped line by line."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env(),
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, bufsize=1)


# A child that holds a workbook's lock until killed, saying "held" once it has it.
HOLD_LOCK = """
    import sys, time
    from sheetsync.safeguards import workbook_lock
    with workbook_lock(sys.argv[1], 30):
        print("held", flush=True)
        time.sleep(60)
"""

# A child that syncs through run_all and logs when each sync starts and ends, so a test
# can tell whether two processes' syncs of one workbook ever overlapped.
TIMED_SYNC = """
    import datetime as dt, sys, time
    from pathlib import Path
    from sheetsync.config import load_config
    from sheetsync.engine import sync_source
    from sheetsync.runlog import log_line as format_log_line
    from sheetsync.schedule import run_all

    log = Path(sys.argv[2])

    def timed(source, **kw):
        with log.open("a") as fh:
            fh.write(f"start {time.monotonic()}\\n")
        try:
            return sync_source(source, **kw)
        finally:
            with log.open("a") as fh:
                fh.write(f"end {time.monotonic()}\\n")

    as_of = dt.date.fromisoformat(sys.argv[3])
    runs = run_all(load_config(Path(sys.argv[1])), as_of=as_of, sync=timed)
    for run in runs:
        print(format_log_line(run, "json"), flush=True)
    sys.exit(0 if all(r.ok for r in runs) else 2)
"""
