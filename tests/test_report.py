"""Reports: one page on A4 and Letter (long answers too), escaped, with the rows' text.

Every PDF is written to disk and read back with pypdf; HTML and Markdown are read back
as text.  The CheckResults are built by hand in test_report_helpers.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
import tomllib
import warnings
from fnmatch import fnmatch
from pathlib import Path

import pytest
from test_report_helpers import (
    FILLED,
    LONG,
    busy_result,
    filled_result,
    long_result,
    page_size_pt,
    pdf_pages,
)

from sheetsync.core.result import LeadRef, Review
from sheetsync.errors import SheetsyncError
from sheetsync.report import context, md, render_report, render_text

REPO = Path(__file__).resolve().parents[1]
SIZES = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}
FOOTER = "Fix the most upstream one first"


def _pdf_ok() -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError):
            return False
    return True


needs_pdf = pytest.mark.skipif(not _pdf_ok(), reason="WeasyPrint/Pango not installed")


def flat(text: str) -> str:
    """PDF text with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


# ---- The worksheet -------------------------------------------------------------------


@needs_pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_worksheet_is_one_page_with_every_row(tmp_path, rules, paper):
    out = render_report(tmp_path / "w.pdf", result=filled_result(rules), rules=rules,
                        paper=paper)
    count, text = pdf_pages(out)
    text = flat(text)
    assert count == 1
    assert page_size_pt(out) == pytest.approx(SIZES[paper], abs=1)
    for stage in rules.stages:
        assert stage.name in text
        answer = FILLED[stage.name][0]
        if answer:
            assert answer in text
    assert "(blank)" in text                                 # Input source #2 is empty
    for shown in ("12%", "25%", "18,750", "12,500", "33 days", "13.3 a week", "81 decided leads",
                  "too few to judge", "leak: varies", "leak: none"):
        assert shown in text, shown
    assert "FIX THIS WEEK" in text
    assert "Qualified rate fell from 53% to 12%" in text
    assert "LinkedIn post" in text and "Referral" in text and "60%" in text
    assert "16 Nov 2026" in text and "19 Oct – 15 Nov 2026" in text
    assert FOOTER in text


@needs_pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_very_long_answers_are_shortened_to_one_page(tmp_path, rules, paper):
    result = long_result(rules)
    out = render_report(tmp_path / "w.pdf", result=result, rules=rules, paper=paper)
    count, text = pdf_pages(out)
    text = flat(text)
    assert count == 1
    assert FOOTER in text                       # nothing below the table was cut off
    assert "Cycle time (days)" in text
    assert "An answer that goes on" in text and "…" in text
    assert LONG * 2 not in text
    assert "and 34 more sources" in text


@needs_pdf
def test_long_page_fits_because_the_layout_tightens(rules):
    """The roomy layout alone would overflow: the tighter ones are what keep one page."""
    from sheetsync.pdf import pdf_bytes

    ctx = context(long_result(rules), rules, paper="letter")
    _, roomy = pdf_bytes(lambda d: render_text("worksheet", "html", ctx, d))
    assert roomy > 1


@needs_pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_blank_worksheet_is_one_page_with_rows_guides_and_lines(tmp_path, rules, paper):
    out = render_report(tmp_path / "b.pdf", result=None, rules=rules, blank=True, paper=paper)
    count, text = pdf_pages(out)
    text = flat(text)
    assert count == 1
    assert page_size_pt(out) == pytest.approx(SIZES[paper], abs=1)
    for stage in rules.stages:
        assert stage.name in text and stage.guide in text
    assert "Where leads come from" in text
    assert "The leak to fix this week" in text
    html = render_report(tmp_path / "b.html", result=None, rules=rules, blank=True).read_text()
    assert html.count('class="line"') >= 2 * len(rules.stages)


def test_missing_stage_still_gets_its_line(tmp_path, rules):
    result = filled_result(rules)
    result.pipeline = [r for r in result.pipeline if r.stage != "Productized offer"]
    text = render_report(tmp_path / "w.md", result=result, rules=rules).read_text()
    assert "| 4 | Productized offer | not on the sheet |  | missing |" in text


def test_no_leads_says_so_instead_of_an_empty_table(tmp_path, rules):
    result = filled_result(rules)
    result.metrics.by_source = []
    text = render_report(tmp_path / "w.md", result=result, rules=rules).read_text()
    assert "Leads by source: none in the last 4 weeks" in text
    assert "| Source |" not in text


# ---- The weekly review -----------------------------------------------------------------


@needs_pdf
def test_review_runs_on_with_lists_cut_short(tmp_path, rules):
    out = render_report(tmp_path / "r.pdf", result=busy_result(rules, n=60), rules=rules,
                        review=True, paper="letter")
    count, text = pdf_pages(out)
    text = flat(text)
    assert count >= 2
    assert f"page 1 of {count}" in text
    for title in ("New leads with no decision yet", "Qualified without evidence",
                  "Overdue follow-ups", "Closed or parked in these 4 weeks", "Won", "Lost",
                  "Nurtured",
                  "Replies per message variant", "Owner gaps against the team median",
                  "One change to the system this week"):
        assert title.lower() in text.lower(), title
    assert "Give the call a fixed agenda and a defined close." in text
    assert "Lead number 14" in text and "Lead number 15 " not in text
    assert text.count("and 45 more") >= 6         # three lists, three meeting columns...
    assert ("Owner 3: conversion 10% of 9 closed deals (likely 2.0–44%), below the team"
            " median of 60%.") in text


@needs_pdf
def test_short_review_names_each_item(tmp_path, rules):
    out = render_report(tmp_path / "r.pdf", result=filled_result(rules), rules=rules,
                        review=True)
    text = flat(pdf_pages(out)[1])
    for shown in ("Ada Okafor", "no Decision yet", "Wen Silva", "Jo Fischer",
                  "5 days late: follow up", "Uma Costa", "Ben Garcia", "Zoe Hall",
                  "A: backlog", "51%",
                  "Alex: conversion 0% of 6 closed deals (likely 0–39%), below the team"
                  " median of 50%.",
                  "Open leads per owner: Alex 4, Sam 2.",
                  "Write down what disqualifies a lead before a call."):
        assert shown in text, shown


def test_empty_review_says_so(tmp_path, rules):
    text = render_report(tmp_path / "r.md", result=filled_result(rules, review=Review()),
                         rules=rules, review=True).read_text()
    assert "Nothing overdue." in text and "No messages sent in the log." in text


# ---- Escaping --------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def _hostile(rules):
    review = Review(overdue=[LeadRef(row=9, lead=SCRIPT, owner='"><img src=x>')])
    return filled_result(rules, answers={"Input source #1": SCRIPT}, review=review,
                         title="<b>book</b>")


@pytest.mark.parametrize("review", [False, True])
def test_html_shows_what_operators_typed_as_text(tmp_path, rules, review):
    html = render_report(tmp_path / "w.html", result=_hostile(rules), rules=rules,
                         review=review).read_text()
    assert "<script>" not in html and "<img" not in html and "<b>book" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "@import" not in html


@needs_pdf
def test_pdf_prints_a_script_tag_as_text(tmp_path, rules):
    out = render_report(tmp_path / "w.pdf", result=_hostile(rules), rules=rules)
    assert SCRIPT in flat(pdf_pages(out)[1])


def test_markdown_has_the_table_with_cells_escaped(tmp_path, rules):
    answers = {"Input source #1": "Referrals | partners", "Productized offer": "# 1 offer",
               "Conversion call structure": "1. agenda *then* close"}
    text = render_report(tmp_path / "w.md", result=filled_result(rules, answers=answers),
                         rules=rules).read_text()
    lines = text.splitlines()
    head = lines.index("| # | Stage | What it is for you | Measured | Status |")
    table = lines[head + 2: head + 2 + len(rules.stages)]
    assert all(row.startswith("| ") and row.endswith(" |") for row in table)
    assert all(len(re.split(r"(?<!\\)\|", row)) == 7 for row in table)   # five cells each
    assert "| 1 | Input source #1 | Referrals \\| partners |" in text
    assert "| \\# 1 offer |" in text and "| 1\\. agenda \\*then\\* close |" in text
    assert "**Diagnosis:** Qualified rate fell from 53% to 12%" in text
    assert "fix this week" in table[1]


@pytest.mark.parametrize("raw, safe", [
    ("a | b", "a \\| b"), ("# title", "\\# title"), ("- item", "\\- item"),
    ("> quote", "\\> quote"), ("3. third", "3\\. third"), ("13.2 a week", "13.2 a week"),
    ("<b>x</b>", "\\<b\\>x\\</b\\>"), ("line\nbreak", "line break"), (None, ""),
])
def test_md_cell(raw, safe):
    assert md(raw) == safe


# ---- Errors, imports, quiet ------------------------------------------------------------


def test_unknown_extension_is_one_clear_line(tmp_path, rules):
    with pytest.raises(SheetsyncError, match=r"^w\.docx: write a \.pdf, \.html or \.md file$"):
        render_report(tmp_path / "w.docx", result=filled_result(rules), rules=rules)


@pytest.mark.parametrize("kwargs, message", [
    ({"paper": "a3"}, "paper 'a3': choose a4 or letter"),
    ({"review": True, "blank": True}, "the weekly review needs a workbook"),
])
def test_bad_requests_are_one_line(tmp_path, rules, kwargs, message):
    with pytest.raises(SheetsyncError, match=re.escape(message)):
        render_report(tmp_path / "w.html", result=filled_result(rules), rules=rules, **kwargs)


def test_missing_folder_is_named(tmp_path, rules):
    with pytest.raises(SheetsyncError, match="no such folder"):
        render_report(tmp_path / "nope" / "w.md", result=filled_result(rules), rules=rules)


def test_html_and_markdown_do_not_import_weasyprint(tmp_path):
    code = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from pathlib import Path\n"
        "from sheetsync.core.rules import load_rules\n"
        "from sheetsync.report import render_report\n"
        "from test_report_helpers import filled_result\n"
        "r = load_rules()\n"
        f"render_report(Path({str(tmp_path / 'w.html')!r}), result=filled_result(r), rules=r)\n"
        f"render_report(Path({str(tmp_path / 'w.md')!r}), result=None, rules=r, blank=True)\n"
        "print('weasyprint' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@needs_pdf
def test_pdf_fetches_nothing_and_logs_nothing(tmp_path, caplog, capfd):
    """Even a URL that reached the HTML would not be fetched; WeasyPrint stays quiet."""
    from sheetsync.pdf import pdf_bytes

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    html = (f'<html><head><link rel="stylesheet" href="{url}/s.css"><style>'
            f'p {{ colour: red; background: url({url}/bg.png) }}</style></head>'
            f'<body><p>hello</p><img src="{url}/x.png"></body></html>')
    try:
        with caplog.at_level("DEBUG"):
            data, pages = pdf_bytes(lambda _density: html)
    finally:
        server.shutdown()
    assert data.startswith(b"%PDF") and pages == 1
    assert hits == []
    assert not [r for r in caplog.records if r.name.startswith(("weasyprint", "fontTools"))]
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_write_failure_is_a_sheetsync_error(tmp_path, rules):
    target = tmp_path / "w.md"
    target.mkdir()                              # a folder where the file should go
    with pytest.raises(SheetsyncError, match="cannot write the report"):
        render_report(target, result=filled_result(rules), rules=rules)
    assert [p.name for p in tmp_path.iterdir()] == ["w.md"]     # no temporary left


def test_every_template_is_shipped_as_package_data():
    """Installed copies only carry files matching pyproject's globs: keep them matching."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["sheetsync.templates"] == "templates"
    globs = config["package-data"]["sheetsync.templates"]
    names = [p.name for p in (REPO / "templates").iterdir()
             if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert names and all(any(fnmatch(n, g) for g in globs) for n in names), names


# ---- Through the command line -----------------------------------------------------------


@needs_pdf
def test_report_command(runner, tmp_path):
    from core_helpers import pipeline_grid, write_xlsx

    from sheetsync.cli import main

    src = tmp_path / "book.xlsx"
    write_xlsx(src, {"Pipeline": pipeline_grid()})
    out = tmp_path / "page.pdf"
    result = runner.invoke(main, ["report", str(src), "-o", str(out), "--paper", "letter",
                                  "--as-of", "2026-11-16"])
    assert result.exit_code == 0, result.output
    count, text = pdf_pages(out)
    assert count == 1 and "Input source #2" in text
    assert page_size_pt(out) == pytest.approx(SIZES["letter"], abs=1)
    result = runner.invoke(main, ["report", "-o", str(tmp_path / "b.html")])
    assert result.exit_code == 2 and "--blank" in result.output
