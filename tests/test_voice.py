"""The operator's voice (DESIGN.md §7) on the demo workbook, through a real sync.

A golden file holds every text an operator reads after a sync (tests/golden/
demo.texts.txt, one `Sheet!Cell: text` per line, then the summary line); a second
test fails when an engineer word reaches a cell an operator reads.
"""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import REPO
from golden_helpers import assert_golden
from voice_helpers import operator_texts, sync

from sheetsync.core.catalogue import CATALOGUE

DEMO = REPO / "sample_workbooks" / "demo.xlsx"
VOLATILE = ("Last synced", "For sheetsync (do not edit)")     # a clock and a hash: the tool's own
# Every sheet, the weekly history too (its weeks are words now: "Week of 8 Jun 2026").
# The Metrics sheet's content fingerprint is the tool's bookkeeping, masked like the clock.
READ = ("Pipeline!", "Blocks!", "Leads!", "Findings!", "Review!", "Metrics!",
        "Weekly history!")
ENGINEER = [
    (re.compile(r"\bn\s?="), "n="),
    (re.compile(r"95\s?%\s*(interval|low|high)|\bWilson\b|\bcohort\b", re.I), "statistics"),
    (re.compile(r"\berror\b", re.I), "error"),
    (re.compile(r"\b(None|null|nan)\b"), "a programmer's empty"),
    (re.compile(r"\b\d{4}-W\d{2}\b"), "ISO week"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "ISO date"),
    (re.compile(r"\d{1,2}:\d{2}:\d{2}"), "a time with seconds"),
    (re.compile(r"\b[0-9a-f]{12,}\b"), "a hash"),
    (re.compile(r"\bleak: [a-z-]+"), "a leak kind"),
]
RULE_IDS = re.compile(r"(?<![\w-])(" + "|".join(
    re.escape(i) for i in sorted(CATALOGUE, key=len, reverse=True) if "-" in i) + r")(?![\w-])")


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    path = tmp_path_factory.mktemp("voice") / "demo.xlsx"
    shutil.copyfile(DEMO, path)
    summary = sync(path)
    return path, summary


def _masked(lines: list[str]) -> list[str]:
    out, mask_next = [], None
    for line in lines:
        where, _, text = line.partition(": ")
        if mask_next is not None and where.startswith("Metrics!B") and \
                where[len("Metrics!B"):] == mask_next:
            out.append(f"{where}: (changes every sync)")
            mask_next = None
            continue
        if where.startswith("Metrics!A") and text in VOLATILE:
            mask_next = where[len("Metrics!A"):]
        out.append(line)
    return out


def test_every_text_an_operator_reads_after_a_sync(synced):
    path, summary = synced
    lines = _masked(operator_texts(path))
    body = "\n".join(lines) + "\n\nSummary line:\n" + summary.replace(path.name, "demo.xlsx")
    assert_golden("demo.texts.txt", body)


def test_no_engineer_word_reaches_a_cell_an_operator_reads(synced):
    path, summary = synced
    texts = [line for line in _masked(operator_texts(path)) if line.startswith(READ)]
    texts += [f"summary: {line}" for line in summary.splitlines()]
    assert len(texts) > 100
    bad = []
    for line in texts:
        text = line.split(": ", 1)[1]
        bad += [f"{line} <- {what}" for pattern, what in ENGINEER if pattern.search(text)]
        if (m := RULE_IDS.search(text)) is not None:
            bad.append(f"{line} <- rule id {m[0]}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(("text", "what"), [
    ("Review!A1: as of 2026-11-16", "ISO date"), ("Pipeline!F9: n=57 leads", "n="),
    ("Leads!AL9: see next-action-overdue", "rule id"), ("Metrics!A30: 2026-W43", "ISO week"),
    ("Findings!E2: error", "error"), ("Metrics!B11: 2026-12-02T02:49:38+00:00", "seconds"),
])
def test_the_engineer_word_check_can_fail(text, what):
    body = text.split(": ", 1)[1]
    assert any(p.search(body) for p, _ in ENGINEER) or RULE_IDS.search(body), what


def _cell(lines: list[str], where: str) -> str:
    return next(line.split(": ", 1)[1] for line in lines if line.startswith(where + ": "))


def test_numbers_look_the_same_on_the_sheet_the_page_and_the_terminal(synced, runner,
                                                                     tmp_path):
    """Money with the workbook's currency ($, from how the demo writes prices), the
    per-week count rounded as the sheet rounds it (Community: 5 leads / 4 weeks = 1.25,
    1.3 everywhere), a rate, and the cycle time in days."""
    from test_report_helpers import pdf_pages

    from sheetsync.cli import main

    path, _ = synced
    lines = operator_texts(path)
    sheet = {"deal": _cell(lines, "Pipeline!D13"), "rate": _cell(lines, "Pipeline!D11"),
             "days": _cell(lines, "Pipeline!D14")}
    assert sheet == {"deal": "$8,800", "rate": "19%", "days": "31 days"}
    community = next(line for line in lines if line.startswith("Metrics!A")
                     and line.endswith(": Community"))
    per_week = _cell(lines, community.split(":")[0].replace("!A", "!C"))
    assert per_week == "1.3"

    pdf = tmp_path / "page.pdf"
    done = runner.invoke(main, ["report", str(path), "-o", str(pdf), "--as-of", "2026-11-16"])
    assert done.exit_code == 0, done.output
    _, text = pdf_pages(pdf)
    text = " ".join(text.split())
    assert "$8,800" in text and "19%" in text and "31 days" in text
    assert re.search(r"Community 5 1\.3 ", text), text

    term = runner.invoke(main, ["check", str(path), "--as-of", "2026-11-16"]).output
    assert "$8,800" in term and "19%" in term and "31 days" in term
    assert "8,800" not in term.replace("$8,800", "")         # never without its currency
