"""Mapping an export from the workbook alone (DESIGN.md §8): Rules-sheet rows for a column,
a stage value and the date order; dates in either order; two-digit years; rules files
that add to the defaults.  Every workbook is written with openpyxl and checked through
the CLI."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from crm_helpers import check_json, new_book, paste, window

AS_OF = dt.date(2026, 11, 16)             # window 2026-10-19 .. 2026-11-15
START, END = window(AS_OF)


def _day(i: int) -> dt.date:
    return START + dt.timedelta(days=i % 28)


def _log(n: int = 12, stage_values: tuple[str, ...] = ("Warm", "Signed deal", "Dead")):
    """A small export: its own headers, its own stage words, text dates (ISO)."""
    head = ["Deal", "Phase", "Eingang", "Abschluss", "Wert", "Kanal"]
    rows = [head]
    for i in range(n):
        stage = stage_values[i % len(stage_values)]
        rows.append([f"Deal {i}", stage, _day(i).isoformat(), _day(i + 3).isoformat(),
                     "5000", "Referral" if i % 2 else "LinkedIn"])
    return rows


def _rules_rows(*pairs: tuple[str, str]):
    return [[label, value, ""] for label, value in pairs]


def test_columns_and_stage_values_mapped_on_the_rules_sheet(tmp_path):
    rows = _log()
    plain = check_json(paste(new_book(tmp_path / "a.xlsx"), rows), AS_OF.isoformat())
    assert "stage" not in plain["columns"]["used"]
    mapped_path = paste(new_book(tmp_path / "b.xlsx"), rows, rules_rows=_rules_rows(
        ("Stage column", "Phase"), ("Date in column", "Eingang"),
        ("Closed date column", "Abschluss"), ("Deal size column", "Wert"),
        ("Source column:", "Kanal"),
        ("Warm means", "meeting"), ("Stage 'Signed deal' means", "won"),
        ("Dead means", "lost")))
    data = check_json(mapped_path, AS_OF.isoformat())
    used = data["columns"]["used"]
    assert used["stage"] == "Phase" and used["date_in"] == "Eingang"
    assert used["closed_date"] == "Abschluss" and used["deal_size"] == "Wert"
    assert used["source"] == "Kanal"
    assert not [f for f in data["findings"] if f["sheet"] == "Rules"]
    assert not [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    # 12 leads: 4 won, 4 lost closed in the window; no Decision column: all pursued
    m = data["metrics"]
    assert m["leads_per_week"]["n"] == 12
    won = sum(1 for r in rows[1:] if r[1] == "Signed deal" and START <= _day(
        int(r[0].split()[1]) + 3) <= END)
    lost = sum(1 for r in rows[1:] if r[1] == "Dead" and START <= _day(
        int(r[0].split()[1]) + 3) <= END)
    assert m["conversion_rate"]["n"] == won + lost
    assert m["conversion_rate"]["value"] == won / (won + lost)
    assert m["average_deal_size"]["value"] == 5000


def test_an_unknown_stage_value_is_one_finding_not_also_missing(tmp_path):
    rows = _log(stage_values=("Warm",))
    path = paste(new_book(tmp_path / "a.xlsx"), rows, rules_rows=_rules_rows(
        ("Stage column", "Phase"), ("Date in column", "Eingang")))
    data = check_json(path, AS_OF.isoformat())
    on_phase = Counter(f["rule"] for f in data["findings"] if f["column"] == "Phase")
    assert on_phase == {"unreadable-value": 12}
    # the stage mapped: no finding on the Phase column at all
    path = paste(new_book(tmp_path / "b.xlsx"), rows, rules_rows=_rules_rows(
        ("Stage column", "Phase"), ("Date in column", "Eingang"), ("Warm means", "outreach")))
    data = check_json(path, AS_OF.isoformat())
    assert not [f for f in data["findings"] if f["column"] == "Phase"]


def test_a_mapping_row_that_cannot_be_used_is_a_finding_on_its_row(tmp_path):
    path = paste(new_book(tmp_path / "a.xlsx"), _log(), rules_rows=_rules_rows(
        ("Stage column", "Etappe"), ("Date in column", "Eingang"), ("Deal size column", "Wert"),
        ("Warm means", "lukewarm"), ("Date order", "sideways")))
    data = check_json(path, AS_OF.isoformat())
    rules = {f["rule"]: f for f in data["findings"] if f["sheet"] == "Rules"}
    assert set(rules) == {"mapped-column-not-found", "mapped-stage-unknown",
                          "mapped-date-order-unknown"}
    assert "Etappe" in rules["mapped-column-not-found"]["message"]
    assert all(f["row"] and f["row"] > 1 for f in rules.values())


def _dated(texts: list[str]):
    head = ["Lead", "Date in", "Stage", "Decision"]
    return [head] + [[f"L{i}", t, "new", "pursue"] for i, t in enumerate(texts)]


def test_a_day_first_text_column_reads_its_ambiguous_dates_day_first(tmp_path):
    # 20-10-2026 can only be day first, so 01-11-2026 is 1 November (in the window)
    texts = ["20-10-2026", "01-11-2026", "02-11-2026", "10-11-2026"]
    data = check_json(paste(new_book(tmp_path / "a.xlsx"), _dated(texts)), AS_OF.isoformat())
    assert not [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    assert data["metrics"]["leads_per_week"]["n"] == 4


def test_a_month_first_text_column_reads_its_ambiguous_dates_month_first(tmp_path):
    # 10/20/2026 can only be month first, so 11/01/2026 is 1 November (in the window)
    # and 01/11/2026 is 11 January (not in it)
    texts = ["10/20/2026", "11/01/2026", "11/02/2026", "01/11/2026"]
    data = check_json(paste(new_book(tmp_path / "a.xlsx"), _dated(texts)), AS_OF.isoformat())
    assert not [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    assert data["metrics"]["leads_per_week"]["n"] == 3


def test_excel_us_short_dates_with_two_digit_years(tmp_path):
    # MM/DD/YY as Excel's US short date shows it; 10/25/26 says month first
    texts = ["10/25/26", "11/02/26", "11/03/26", "11/13/26", "02/03/24"]
    data = check_json(paste(new_book(tmp_path / "a.xlsx"), _dated(texts)), AS_OF.isoformat())
    assert not [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    assert data["metrics"]["leads_per_week"]["n"] == 4      # 3 Feb 2024 is long before


def test_date_order_set_on_the_rules_sheet(tmp_path):
    texts = ["01/11/2026", "02/11/2026", "03/11/2026"]     # nothing in them decides
    data = check_json(paste(new_book(tmp_path / "a.xlsx"), _dated(texts)), AS_OF.isoformat())
    assert Counter(f["rule"] for f in data["findings"])["unreadable-value"] == 3
    assert data["metrics"]["leads_per_week"]["unreadable"] == 3
    why = next(r["why"] for r in data["pipeline"] if r["stage"] == "Leads per week")
    assert "Left out because a value could not be read: row 2 (L0: Date in)" in why
    path = paste(new_book(tmp_path / "b.xlsx"), _dated(texts),
                 rules_rows=_rules_rows(("Date order", "day first")))
    data = check_json(path, AS_OF.isoformat())
    assert not [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    assert data["metrics"]["leads_per_week"]["n"] == 3        # 1-3 November


def test_a_column_with_dates_in_both_orders_refuses_only_its_ambiguous_ones(tmp_path):
    texts = ["20/10/2026", "10/25/2026", "01/11/2026", "10/11/2026"]
    data = check_json(paste(new_book(tmp_path / "a.xlsx"), _dated(texts)), AS_OF.isoformat())
    refused = [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    assert len(refused) == 2
    assert data["columns"]["unreadable"] == {"Date in": 2}


def test_no_lead_in_the_window_is_not_a_single_source(tmp_path):
    rows = [["Lead", "Source", "Date in"], ["A", "Referral", "2025-01-06"],
            ["B", "Referral", "2025-01-07"]]
    data = check_json(paste(new_book(tmp_path / "a.xlsx"), rows), AS_OF.isoformat())
    assert data["metrics"]["leads_per_week"]["n"] == 0
    assert all(leak["kind"] != "single-source" for leak in data["leaks"])
    one = [["Lead", "Source", "Date in"], ["A", "Referral", "2026-11-02"]]
    data = check_json(paste(new_book(tmp_path / "b.xlsx"), one), AS_OF.isoformat())
    assert [leak["kind"] for leak in data["leaks"] if leak["stage"] == "Input source #2"] == [
        "single-source"]


def test_a_rules_file_adds_aliases_to_the_shipped_ones(tmp_path):
    rules = tmp_path / "team.yaml"
    rules.write_text("lead_columns:\n  stage: [Etappe]\n  source: [Kanal]\n", encoding="utf-8")
    rows = [["Lead", "Etappe", "Kanal", "Date in", "Owner"],
            ["A", "won", "Referral", "2026-11-02", "Sam"]]
    data = check_json(paste(new_book(tmp_path / "a.xlsx"), rows), AS_OF.isoformat(),
                      "--rules", str(rules))
    used = data["columns"]["used"]
    assert used["stage"] == "Etappe" and used["source"] == "Kanal"
    assert used["owner"] == "Owner" and used["date_in"] == "Date in"   # defaults still there
    rows = [["Lead", "Stage", "Source", "Date in"], ["A", "won", "Referral", "2026-11-02"]]
    data = check_json(paste(new_book(tmp_path / "b.xlsx"), rows), AS_OF.isoformat(),
                      "--rules", str(rules))
    assert data["columns"]["used"]["stage"] == "Stage"


def test_the_readme_mapping_rows_work_as_documented(rules):
    """The Rules-sheet rows README.md shows are the ones the check understands."""
    from conftest import REPO

    from sheetsync.core.mapping import apply_mapping

    text = (REPO / "README.md").read_text("utf-8")
    table = text[text.index("| Setting | Value | what it does |"):].split("\n\n")[0]
    grid = [["Setting", "Value", "What it means"]]
    for line in table.splitlines()[2:]:
        label, value = (cell.strip().strip("`") for cell in line.split("|")[1:3])
        grid.append([label, value, ""])
    assert [r[0] for r in grid[1:]] == ["Stage column", "Engaging means", "Date order"]
    mapped, found = apply_mapping(rules, grid, "Rules")
    assert found == []
    assert mapped.column_map == {"stage": "deal_stage"}
    assert "Engaging" in mapped.stage_aliases["outreach"]
    assert mapped.date_order == "day-first"
    quoted = [["Stage \"Closed Won\" means", "won"], ["Negotiation means", "proposal"]]
    mapped, found = apply_mapping(rules, quoted, "Rules")
    assert found == [] and "Closed Won" in mapped.stage_aliases["won"]


def test_the_new_workbooks_mapping_rows_are_filled_in_place(tmp_path):
    """`sheetsync init` writes the mapping rows with blank values; typing values into
    them (the only edit) maps the export's column and stage word."""
    from openpyxl import load_workbook

    rows = _log(stage_values=("Demo booked", "Signed deal"))
    path = paste(new_book(tmp_path / "a.xlsx"), rows, rules_rows=_rules_rows(
        ("Date in column", "Eingang"), ("Closed date column", "Abschluss"),
        ("Signed deal means", "won")))
    before = check_json(path, AS_OF.isoformat())
    assert before["columns"]["used"].get("stage") is None
    book = load_workbook(path)
    ws = book["Rules"]
    labels = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert ws.cell(labels["Date order"], 2).value == "auto"
    assert ws.cell(labels["Stage column"], 2).value is None
    assert ws.cell(labels["Demo booked means"], 2).value is None
    ws.cell(labels["Stage column"], 2).value = "Phase"
    ws.cell(labels["Demo booked means"], 2).value = "meeting"
    book.save(path)
    after = check_json(path, AS_OF.isoformat())
    assert after["columns"]["used"]["stage"] == "Phase"
    assert not [f for f in after["findings"] if f["rule"] == "unreadable-value"]
    assert not [f for f in after["findings"] if f["sheet"] == "Rules"]
    assert after["metrics"]["conversion_rate"]["n"] > 0          # Signed deal is won


def test_common_crm_export_headers_and_stage_words(rules):
    """Export headers as HubSpot, Pipedrive and Zoho write them, and their stage words."""
    from sheetsync.core.tables import find_table
    from sheetsync.core.values import parse_choice

    exports = {
        "HubSpot deals": ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date",
                          "Create Date", "Deal owner", "Original Source Type", "Pipeline"],
        "Pipedrive deals": ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Status",
                            "Deal - Stage", "Deal - Owner", "Deal - Deal created",
                            "Deal - Won time", "Deal - Organization", "Deal - Source"],
        "Zoho deals": ["Deal Name", "Account Name", "Stage", "Amount", "Closing Date",
                       "Deal Owner", "Lead Source", "Created Time", "Next Step"],
    }
    want = {"lead", "stage", "deal_size", "closed_date", "date_in", "owner", "source"}
    for name, headers in exports.items():
        table = find_table([headers, ["x"] * len(headers)], "Leads", rules.lead_columns)
        assert table is not None, name
        assert want <= set(table.columns), (name, want - set(table.columns))
    assert find_table([exports["Pipedrive deals"]], "Leads",
                      rules.lead_columns).headers["stage"] == "Deal - Status"
    stages = rules.stage_vocabulary()
    words = {"Appointment Scheduled": "meeting", "Qualified To Buy": "qualified",
             "Presentation Scheduled": "meeting", "Contract Sent": "proposal",
             "closedwon": "won", "Closed Lost": "lost", "Negotiation/Review": "proposal",
             "Proposal/Price Quote": "proposal", "Needs Analysis": "researched",
             "Closed Lost to Competition": "lost", "open": "new", "Prospecting": "new",
             "Engaging": "outreach", "Discovery": "researched", "Negotiation": "proposal",
             "Working - Contacted": "outreach", "Closed - Converted": "won",
             "customer": "won", "salesqualifiedlead": "qualified"}
    assert {w: parse_choice(w, stages) for w in words} == words


def _pipedrive(rows: list[tuple[str, str]], *, status: bool = True) -> list[list[object]]:
    """A Pipedrive deals export: won and lost in "Deal - Status", the pipeline stage (the
    last open one, for a closed deal) in "Deal - Stage"."""
    head = ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Status", "Deal - Stage",
            "Deal - Owner", "Deal - Deal created", "Deal - Won time"]
    out: list[list[object]] = [head if status else [h for h in head if h != "Deal - Status"]]
    for i, (state, stage) in enumerate(rows, start=1):
        row: list[object] = [str(i), f"Deal {i}", "5000", state, stage, "Sam",
                             _day(i).isoformat(), _day(i + 9).isoformat() if state == "won"
                             else ""]
        out.append(row if status else row[:3] + row[4:])
    return out


def test_an_open_pipedrive_deal_is_at_its_deal_stage_a_closed_one_at_its_status(rules):
    from core_helpers import book

    from sheetsync.core.check import run_check

    deals = [("won", "Proposal Made"), ("open", "Proposal Made"), ("open", "Qualified"),
             ("lost", "Negotiations Started"), ("open", "Contact Made")]
    checked = run_check(book(Leads=_pipedrive(deals)), rules, AS_OF)
    assert [lead.stage for lead in checked.leads] == [
        "won", "proposal", "qualified", "lost", "outreach"]
    assert checked.result.columns.used["stage"] == "Deal - Status"
    assert checked.result.columns.used["open_stage"] == "Deal - Stage"
    assert not [f for f in checked.result.findings if f.column in ("Deal - Status",
                                                                    "Deal - Stage")]
    # without the Status column, "Deal - Stage" is the stage column itself
    alone = run_check(book(Leads=_pipedrive(deals, status=False)), rules, AS_OF)
    assert [lead.stage for lead in alone.leads] == [
        "proposal", "proposal", "qualified", "proposal", "outreach"]
    assert alone.result.columns.used["stage"] == "Deal - Stage"
    assert "Stage" not in alone.result.columns.absent


def test_a_pipedrive_stage_it_cannot_read_is_one_finding_on_deal_stage(tmp_path):
    rows = _pipedrive([("open", "Proposal Made"), ("open", "Waiting for Godot")])
    data = check_json(paste(new_book(tmp_path / "p.xlsx"), rows), AS_OF.isoformat())
    on_stage = [f for f in data["findings"] if f["column"] == "Deal - Stage"]
    assert [(f["row"], f["rule"]) for f in on_stage] == [(3, "unreadable-value")]
    assert data["columns"]["used"]["open_stage"] == "Deal - Stage"
