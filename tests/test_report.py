"""Reports: one page on A4 and Letter (long answers too), escaped, with the rows' text."""

from __future__ import annotations

import datetime as dt

import pytest
from core_helpers import book, lead, seed_answers

from sheetsync.cli import main
from sheetsync.core.check import run_check
from sheetsync.errors import SheetsyncError
from sheetsync.report import render_report

AS_OF = dt.date(2026, 11, 16)


def _pdf_ok() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


needs_pdf = pytest.mark.skipif(not _pdf_ok(), reason="WeasyPrint/Pango not installed")


def pages(path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return len(reader.pages), " ".join(p.extract_text() for p in reader.pages)


def result_for(answers=None, leads=None):
    from sheetsync.core.rules import load_rules

    return run_check(book(answers, leads=leads), load_rules(), AS_OF).result


@needs_pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_worksheet_is_one_page_with_the_rows(tmp_path, rules, paper):
    out = render_report(tmp_path / "w.pdf", result=result_for(), rules=rules, paper=paper)
    count, text = pages(out)
    assert count == 1
    for stage in ("Input source #2", "Qualification criteria", "Cycle time (days)"):
        assert stage in text
    assert "FIX THIS WEEK" in text and "None today" in text


@needs_pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_very_long_answers_still_fit_one_page(tmp_path, rules, paper):
    long = {s: ("An answer that goes on and on about our process " * 30) for s in seed_answers()}
    leads = [lead(ID=f"L{i}", Source=f"Source with a long name number {i}") for i in range(40)]
    out = render_report(tmp_path / "w.pdf", result=result_for(long, leads), rules=rules,
                        paper=paper)
    assert pages(out)[0] == 1


@needs_pdf
def test_blank_worksheet_is_one_page_with_guides(tmp_path, rules):
    out = render_report(tmp_path / "b.pdf", result=None, rules=rules, blank=True)
    count, text = pages(out)
    assert count == 1
    assert "Where leads come from" in text and "Conversion rate %" in text


@needs_pdf
def test_review_lists_what_needs_a_decision(tmp_path, rules):
    leads = [lead(ID="L1", Evidence=""),
             lead(ID="L2", **{"Next action date": dt.date(2026, 11, 2)})]
    out = render_report(tmp_path / "r.pdf", result=result_for(leads=leads), rules=rules,
                        review=True)
    count, text = pages(out)
    assert count >= 1
    assert "Qualified leads without evidence (1)" in text
    assert "Overdue follow-ups (1)" in text
    assert "One change to the system this week" in text


def test_html_escapes_what_operators_typed(tmp_path, rules):
    answers = seed_answers() | {"Input source #1": "<script>alert(1)</script>"}
    out = render_report(tmp_path / "w.html", result=result_for(answers), rules=rules)
    html = out.read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markdown_table_escapes_pipes(tmp_path, rules):
    answers = seed_answers() | {"Input source #1": "Referrals | partners"}
    out = render_report(tmp_path / "w.md", result=result_for(answers), rules=rules)
    text = out.read_text()
    assert "| Input source #1 | Referrals \\| partners |" in text
    assert "**Diagnosis:**" in text


def test_unknown_extension_is_one_clear_line(tmp_path, rules):
    with pytest.raises(SheetsyncError, match=r"w\.docx: write a \.pdf, \.html or \.md file"):
        render_report(tmp_path / "w.docx", result=result_for(), rules=rules)


def test_report_command(runner, tmp_path):
    from core_helpers import pipeline_grid, write_xlsx

    src = tmp_path / "book.xlsx"
    write_xlsx(src, {"Pipeline": pipeline_grid()})
    out = tmp_path / "page.html"
    result = runner.invoke(main, ["report", str(src), "-o", str(out), "--as-of", "2026-11-16"])
    assert result.exit_code == 0, result.output
    assert "Pipeline worksheet" in out.read_text()
    result = runner.invoke(main, ["report", "-o", str(out)])
    assert result.exit_code == 2 and "--blank" in result.output
