"""The Plan: only owned cells, in the right places, and History carried over."""

from __future__ import annotations

import datetime as dt

from core_helpers import book, lead, leads_grid, pipeline_grid

from sheetsync.core.check import run_check
from sheetsync.core.diff import describe_changes
from sheetsync.core.plan import build_plan
from sheetsync.workbook import NOTE_PREFIX, RawWorkbook

AS_OF = dt.date(2026, 11, 16)


def plan_for(raw: RawWorkbook, rules):
    return build_plan(run_check(raw, rules, AS_OF), "2026-11-16T09:00:00+00:00")


def operator_cells(raw: RawWorkbook) -> set[tuple[str, int, int]]:
    return {(name, r, c) for name, grid in raw.sheets.items()
            for r, row in enumerate(grid, start=1)
            for c, v in enumerate(row, start=1) if v not in (None, "")}


def test_plan_never_touches_an_operator_cell(rules):
    raw = book(leads=[lead(), lead(ID="L2", Evidence="")])
    plan = plan_for(raw, rules)
    typed = operator_cells(raw)
    for patch in plan.patches:
        for (r, c) in patch.cells:
            assert (patch.sheet, r, c) not in typed, (patch.sheet, r, c)


def test_pipeline_owned_columns_by_header(rules, seed_book):
    plan = plan_for(seed_book, rules)
    pipe = next(p for p in plan.patches if p.sheet == "Pipeline")
    # header on row 3 (title above), Measured/Status/Why are columns D/E/F
    row = 3 + 1 + 1                                  # Input source #2 is the 2nd stage
    assert pipe.cells[(row, 5)].value == "Fix this week"
    assert pipe.cells[(row, 4)].value is None
    assert "Nothing is written here yet" in pipe.cells[(row, 6)].value
    assert {h.tone for h in pipe.highlights} == {"leak", "fix", "below", "finding"}  # + legend
    assert all(h.key_col == 5 for h in pipe.highlights)


def test_bare_worksheet_gets_owned_columns_appended(rules):
    grid = [row[:2] for row in pipeline_grid(title=False)]
    raw = RawWorkbook(source="bare.xlsx", sheets={"Pipeline": grid})
    pipe = next(p for p in plan_for(raw, rules).patches if p.sheet == "Pipeline")
    assert pipe.cells[(1, 3)].value == "Measured"
    assert pipe.cells[(1, 4)].value == "Status"
    assert pipe.cells[(1, 5)].value == "Why"
    assert pipe.cells[(3, 4)].value == "Fix this week"


def test_leads_check_column_cleared_when_fine_and_noted_when_not(rules):
    raw = book(leads=[lead(Check="Add Evidence."), lead(ID="L2", Lead="Ben", Evidence=""),
                      lead(ID="L3", Lead="Cleo")])
    leads = next(p for p in plan_for(raw, rules).patches if p.sheet == "Leads")
    check_col = leads_grid([])[0].index("Check") + 1
    assert leads.cells[(2, check_col)].value is None            # fine now: cleared
    assert "Evidence is empty" in leads.cells[(3, check_col)].value
    assert (4, check_col) not in leads.cells                    # fine and already blank
    evidence_col = leads_grid([])[0].index("Evidence") + 1
    # The note's words are the Check cell's (one finding): the backend writes NOTE_PREFIX
    # before them, so the plan holds them once.
    note = leads.notes[(3, evidence_col)]
    assert not note.startswith(NOTE_PREFIX) and "Evidence is empty" in note
    assert note is leads.cells[(3, check_col)].value


def test_history_keeps_past_weeks_and_replaces_this_one(rules):
    old = [["Week", "As of"], ["2026-W44", dt.date(2026, 10, 26), 1.5],
           ["2026-W47", dt.date(2026, 11, 16), 99]]
    raw = book(History=old)
    hist = next(g for g in plan_for(raw, rules).generated if g.name == "History")
    weeks = [row[0].value for row in hist.rows[1:]]
    assert weeks == ["Week of 26 Oct 2026", "Week of 16 Nov 2026"]      # said in words
    assert hist.rows[1][2].value == 1.5                         # carried over as it was
    assert hist.rows[2][2].value != 99                          # this week recomputed


def test_history_rows_match_their_week_by_date_whatever_their_label(rules):
    """A row an older sync labelled "2026-W47" (or without an As of date) is this week's
    row: replaced, never doubled; rows come out oldest first by date, not by label."""
    old = [["Week", "As of"], ["2026-W47", None, 99], ["Week of 2 Nov 2026", None, 2.5],
           ["Week of 26 Oct 2026", dt.date(2026, 10, 26), 1.5],
           ["2026-W46", dt.date(2026, 11, 9), 3.5]]
    hist = next(g for g in plan_for(book(History=old), rules).generated if g.name == "History")
    assert [row[0].value for row in hist.rows[1:]] == [
        "Week of 26 Oct 2026", "Week of 2 Nov 2026", "Week of 9 Nov 2026", "Week of 16 Nov 2026"]
    assert [row[2].value for row in hist.rows[1:4]] == [1.5, 2.5, 3.5]
    assert hist.rows[4][2].value != 99


def test_findings_sheet_links_each_finding_to_its_cell(rules):
    raw = book(leads=[lead(ID="L2", Evidence="")])
    findings = next(g for g in plan_for(raw, rules).generated if g.name == "Findings")
    evidence_col = leads_grid([])[0].index("Evidence") + 1
    letter = chr(64 + evidence_col)
    row = next(r for r in findings.cell_rows()[1:] if r[3].value == "Evidence")
    assert row[0].link == f"'Leads'!{letter}2"


def test_counting_without_a_line_per_cell_counts_the_same(rules):
    """A sync that is not a dry run counts the changed cells without itemising them."""
    raw = book(leads=[lead(), lead(ID="L2", Evidence=""), lead(ID="L3", Budget="lots")])
    plan = plan_for(raw, rules)
    count, lines = describe_changes(plan, raw)
    quiet, sheet_lines = describe_changes(plan, raw, each_cell=False)
    assert quiet == count > 0
    assert sheet_lines == [line for line in lines if "!" not in line.split(":")[0]]
    assert any("Leads!" in line for line in lines)


def test_second_plan_over_its_own_result_changes_nothing(rules):
    """Applying the plan to the grids (as a backend would) leaves nothing to change."""
    raw = book(leads=[lead(), lead(ID="L2", Evidence="")])
    plan = plan_for(raw, rules)
    for patch in plan.patches:
        grid = raw.sheets[patch.sheet]
        for (r, c), cell in patch.cells.items():
            while len(grid) < r:
                grid.append([])
            row = grid[r - 1]
            row.extend([None] * (c - len(row)))
            row[c - 1] = cell.value
    for g in plan.generated:
        raw.sheets[g.name] = [[c.value if c else None for c in row] for row in g.cell_rows()]
    count, lines = describe_changes(plan_for(raw, rules), raw)
    assert count == 0, lines


def test_plain_rows_count_changes_like_one_cellwrite_per_cell():
    """describe_changes compares PlainRows value by value; the count must be the one
    the cell-by-cell comparison gives (8000 == 8000.0, a date == its datetime, "" ==
    None, rows shifted by one all differ)."""
    from sheetsync.workbook import CellWrite, GeneratedSheet, PlainRows, Plan

    rows = [("a", 8000, dt.date(2026, 1, 2), ""), ("b", 1.5, None, "x"), ("c", 3, None, "y")]
    table = PlainRows(("text", "money", "date", "text"), rows)
    grid = [["Head"], ["a", 8000.0, dt.datetime(2026, 1, 2), None], ["c", 3, None, "y", "extra"],
            ["b", 1.5]]
    fast = GeneratedSheet("Findings", [[CellWrite("Head")], table])
    slow = GeneratedSheet("Findings", fast.cell_rows())
    raw = RawWorkbook(source="t.xlsx", sheets={"Findings": grid})
    count, _ = describe_changes(Plan(generated=[fast]), raw)
    assert count == describe_changes(Plan(generated=[slow]), raw)[0] == 7


def test_check_cells_and_notes_only_on_the_logs_own_rows(rules):
    from sheetsync.core.plan import leads_patch
    from sheetsync.core.result import found

    checked = run_check(book(leads=[lead(), lead(ID="L2", Lead="Ben", Evidence="")]),
                        rules, AS_OF)
    t = checked.leads_table
    # a finding said of the header row (as a sheet-level remark might be): not a lead
    checked.result.findings.insert(0, found("outreach-without-evidence", sheet=t.sheet,
                                            row=t.header_row, column=t.headers["evidence"],
                                            lead="Header"))
    patch = leads_patch(checked)
    assert {r for r, _ in patch.cells} <= {r for r, _ in t.rows}    # the header kept
    assert {r for r, _ in patch.notes} == {3}          # Ben's Evidence, and nothing else
