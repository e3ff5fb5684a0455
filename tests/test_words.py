"""The founder's reading of the demo: words that contradict what they can count or see."""

from __future__ import annotations

from sheetsync.core.result import Leak
from sheetsync.core.worksheet import leak_names


def _leak(sheet: str, row: int, stage: str, kind: str) -> Leak:
    return Leak(sheet=sheet, row=row, stage=stage, label=stage, kind=kind)


def test_next_names_each_blocks_row_once_with_its_problems_and_no_row_number():
    fix = _leak("Pipeline", 5, "Input source #2", "single-source")
    leaks = [fix, _leak("Pipeline", 9, "Conversion call structure", "blank"),
             _leak("Blocks", 4, "Follow-up", "no-owner"),
             _leak("Blocks", 4, "Follow-up", "no-rule"),
             _leak("Blocks", 6, "CRM hygiene", "no-rule")]
    assert leak_names(leaks, skip=fix) == [
        "Conversion call structure", "Follow-up (nobody owns it; a rule is missing)",
        "CRM hygiene (a rule is missing)"]
    assert leak_names(leaks)[0] == "Input source #2"


def test_small_words_read_as_the_founder_expects():
    import pytest

    from sheetsync.core import values
    from sheetsync.core.catalogue import entry, say
    assert entry("won-without-deal-size").text.format(lead="Milo Jensen").startswith(
        "Milo Jensen's deal is won")
    assert say("why-next", fix="Input source #2") == "Fix this one next, after Input source #2."
    cycle = say("why-cycle-time-days", value="31 days", count="5 won deals", mean="29 days")
    assert cycle.startswith("Typically 31 days") and "29 days on average" in cycle
    with pytest.raises(ValueError, match="“eight grand”"):     # curly quotes, as elsewhere
        values.parse_money("eight grand")
    late = say("review-action-overdue", late="16 days", date="31 Oct 2026",
               action="check in next quarter")
    touch = say("review-touch-overdue", late="2 days", date="14 Nov 2026")
    assert late.startswith("next action 16 days late (due 31 Oct 2026)")
    assert touch.startswith("next touch 2 days late (due 14 Nov 2026)")


def test_the_fix_says_why_it_comes_first_with_counts_the_founder_can_check():
    import datetime as dt

    from conftest import REPO

    from sheetsync.engine import check_source
    r = check_source(str(REPO / "sample_workbooks" / "demo.xlsx"), as_of=dt.date(2026, 11, 16))
    fix, q = r.fix_this_week, r.metrics.qualified_rate
    assert fix is not None and q.value is not None
    worst = next(s for s in r.metrics.by_source if s.name == "LinkedIn post")
    pursued = round((worst.qualified_rate.value or 0) * worst.qualified_rate.n)
    assert fix.why == (
        "Fix this first, because it feeds everything below: only"
        f" {pursued} of {worst.qualified_rate.n} LinkedIn post leads met your criteria,"
        f" against {round(q.value * 100)}% overall.")
    assert pursued == 2


def test_findings_say_what_to_do_not_check_which_is_a_leads_column():
    from sheetsync.core.catalogue import LEVEL_WORDS
    assert LEVEL_WORDS == {"error": "Fix now", "warning": "Worth a look", "info": "Note"}
    assert "Check" not in LEVEL_WORDS.values()


def test_rows_left_out_are_named_first_three_then_how_many_more():
    from sheetsync.core.worksheet import lost_words
    assert lost_words([(105, "Nia Lopez", "Date in")]) == (
        "Row 105 (Nia Lopez) was left out: its Date in could not be read.")
    five = [(r, f"Lead {r}", "Decision") for r in (7, 9, 11, 13, 15)]
    said = lost_words(five)
    assert said.startswith("Left out because a value could not be read: row 7 (Lead 7:"
                           " Decision), row 9 (Lead 9: Decision), row 11 (Lead 11: Decision)")
    assert said.endswith("and 2 more (see the Findings sheet).") and "Lead 13" not in said


def test_a_lead_without_a_name_is_its_row_said_once():
    """A row with no Lead, Company or ID: its findings start "Row 4's ..." (a capital,
    as every finding starts with the lead), and a counter that left it out does not say
    the row twice ("Row 4 (row 4)")."""
    import datetime as dt

    from core_helpers import book, lead

    from sheetsync.core.check import run_check
    from sheetsync.core.rules import load_rules
    from sheetsync.core.worksheet import lost_words

    nameless = lead(ID="", Lead="", Company="", **{"Next action date": dt.date(2026, 11, 2)})
    checked = run_check(book(leads=[lead(), nameless]), load_rules(), dt.date(2026, 11, 16))
    said = [f.message for f in checked.result.findings if f.row == 3]
    assert said and all(m.startswith("Row 3") for m in said), said
    assert "Row 3's next action (“send proposal”) was due 14 days ago." in said
    assert lost_words([(4, "Row 4", "Date in")]) == (
        "Row 4 was left out: its Date in could not be read.")
    assert lost_words([(4, "Row 4", "Date in"), (9, "Ada", "Budget")]) == (
        "Left out because a value could not be read: row 4 (Date in), row 9 (Ada: Budget).")


def test_review_pages_read_in_the_review_sheets_order():
    from conftest import REPO
    for name in ("review.html.j2", "review.md.j2"):
        text = (REPO / "templates" / name).read_text()
        assert text.index("Diagnosis") < text.index("Fix this week") < text.index(
            "One change to the system"), name
