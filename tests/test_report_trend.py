"""The printed pages of the demo workbook: the trend drawn as SVG lines from the numbers,
the weekly review on one page, and the blank worksheet with the Example column and the
five blocks.  PDFs are written through the CLI and their pages counted with pypdf."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from test_report import needs_pdf
from test_report_helpers import pdf_pages

from sheetsync.cli import main
from sheetsync.core.history import Counter, PastWeek
from sheetsync.trend import HEIGHT, WIDTH, panel, trend_context

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "sample_workbooks" / "demo.xlsx"


def week(i: int, rate: float | None, leads: float = 10.0) -> PastWeek:
    c = Counter(None, 0)
    return PastWeek(f"W{i}", dt.date(2026, 9, 7) + dt.timedelta(weeks=i), Counter(leads, 40),
                    Counter(rate, 20 if rate is not None else 0), c, c, c)


def test_a_line_is_drawn_from_the_numbers_with_gaps_left_open():
    weeks = [week(0, 0.5), week(1, 0.25), week(2, None), week(3, 0.1), week(4, 0.3)]
    p = panel("qualified_rate", weeks)
    assert p["value"] == "30%" and (p["low"], p["high"]) == ("0%", "50%")
    assert p["lines"] == [f"0,2 {WIDTH / 4:g},{2 + (HEIGHT - 4) / 2:g}",
                          f"{WIDTH * 3 / 4:g},{2 + (HEIGHT - 4) * 0.8:g} {WIDTH:g},"
                          f"{2 + (HEIGHT - 4) * 0.4:g}"]
    flat = panel("leads_per_week", weeks)                   # all equal: a level line
    assert {y for _, y in flat["dots"]} == {HEIGHT / 2}
    assert panel("conversion_rate", weeks)["lines"] == []   # nothing measured: no line
    assert trend_context(weeks[:1]) is None


@needs_pdf
def test_worksheet_and_review_draw_the_trend_and_the_review_is_one_page(runner, tmp_path):
    for extra, name in (([], "w"), (["--review"], "r")):
        html = tmp_path / f"{name}.html"
        pdf = tmp_path / f"{name}.pdf"
        for out in (html, pdf):
            done = runner.invoke(main, ["report", str(DEMO), "--as-of", "2026-11-16", *extra,
                                        "-o", str(out)])
            assert done.exit_code == 0, done.output
        text = html.read_text()
        svgs = re.findall(r"<svg\b.*?</svg>", text, re.S)
        assert len(svgs) == 5                                # one line per counter
        points = re.findall(r'<polyline points="([^"]+)"', svgs[0])
        assert points and len(" ".join(points).split()) >= 8   # weeks of leads, drawn
        count, words = pdf_pages(pdf)
        assert count == 1, name
        assert "Trend" in words and "Leads a week" in words


@needs_pdf
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_blank_worksheet_has_the_example_column_and_the_blocks_map(runner, rules, tmp_path,
                                                                      paper):
    out = tmp_path / "blank.pdf"
    done = runner.invoke(main, ["report", "--blank", "--paper", paper, "-o", str(out)])
    assert done.exit_code == 0, done.output
    count, text = pdf_pages(out)
    flat = " ".join(text.split())
    assert count == 1
    assert "EXAMPLE" in flat.upper() and "None today — I take every call" in flat
    for block in rules.blocks:
        assert block in flat
    for head in ("CURRENT OWNER", "CURRENT OUTPUT", "MISSING RULE", "FIX THIS WEEK"):
        assert head in flat.upper()
    assert "sheetsync" in flat                               # the footer made it onto the page


def test_the_text_trend_is_a_bar_a_week_on_the_lines_scale():
    weeks = [week(0, 0.5), week(1, 0.25), week(2, None), week(3, 0.1), week(4, 0.3)]
    p = panel("qualified_rate", weeks)
    # 0% at the bottom as the line's scale has it; 50% the top bar; the gap stays a gap.
    assert p["spark"] == "█▅·▂▅"
    assert (p["first"], p["value"]) == ("50%", "30%")
    assert panel("leads_per_week", weeks)["spark"] == "▄▄▄▄▄"      # level: mid bars
    assert panel("conversion_rate", weeks)["spark"] == "·····"


@pytest.mark.parametrize("review", [False, True])
def test_markdown_pages_show_the_text_trend(runner, tmp_path, review):
    out = tmp_path / "page.md"
    args = ["report", str(DEMO), "-o", str(out), "--as-of", "2026-11-16"]
    done = runner.invoke(main, args + (["--review"] if review else []))
    assert done.exit_code == 0, done.output
    text = out.read_text()
    assert "## Trend since " in text
    rows = re.findall(r"^\| (Leads a week|Qualified rate|Conversion rate|Average deal size"
                      r"|Cycle time \(median\)) \| ([▁▂▃▄▅▆▇█·]+) \| ([^|]+) \| ([^|]+) \|$",
                      text, re.M)
    assert len(rows) == 5
    assert len({len(spark) for _, spark, _, _ in rows}) == 1 and len(rows[0][1]) >= 2
    assert any(last.strip() == "$8,800" for label, _, _, last in rows
               if label == "Average deal size")


@needs_pdf
def test_the_printed_worksheet_shows_the_whole_fix_this_week_sentence(runner, tmp_path):
    """The box an operator acts on is never cut with an ellipsis on the demo's page."""
    pdf = tmp_path / "w.pdf"
    done = runner.invoke(main, ["report", str(DEMO), "--as-of", "2026-11-16", "-o", str(pdf)])
    assert done.exit_code == 0, done.output
    checked = runner.invoke(main, ["check", str(DEMO), "--as-of", "2026-11-16",
                                   "--format", "json"])
    why = json.loads(checked.output)["fix_this_week"]["why"]
    count, words = pdf_pages(pdf)
    assert count == 1
    flat = " ".join(words.split())
    assert " ".join(why.split())[-30:] in flat          # the sentence's end is printed
    assert "low n" not in flat
