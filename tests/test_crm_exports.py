"""A CRM export drops in (DESIGN.md §8): the real exports in ../shared/corpus/crm pasted
into a new workbook as exported, headers and all, then checked through the CLI.

The counters are computed again here from the CSV, plainly (crm_helpers.counters),
without sheetsync's metrics code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from click.testing import CliRunner
from crm_helpers import (
    check_json,
    counters,
    export,
    measured,
    new_book,
    paste,
    read_csv,
    same,
)
from test_gsheets_helpers import fake_fixture  # noqa: F401

from sheetsync.cli import main

MAVEN_AS_OF = dt.date(2017, 10, 2)
SF_AS_OF = dt.date(2024, 2, 19)


def _iso(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _records(rows: list[list[str]]) -> list[dict[str, str]]:
    head = rows[0]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


def _leads_findings(data):
    return [f for f in data["findings"] if f["sheet"] == data["columns"]["sheet"]]


@pytest.fixture(scope="module")
def maven(tmp_path_factory):
    rows = read_csv(export("maven_sales_pipeline.csv"))
    path = new_book(tmp_path_factory.mktemp("maven") / "pipeline.xlsx")
    paste(path, rows)
    return rows, check_json(path, MAVEN_AS_OF.isoformat())


def test_maven_counters_equal_a_plain_computation(maven):
    rows, data = maven
    want = counters(_records(rows), MAVEN_AS_OF, date_in="engage_date", closed="close_date",
                    stage="deal_stage", won="Won", lost="Lost", value="close_value", day=_iso)
    assert want["leads_per_week"][1] > 100 and want["conversion_rate"][1] > 100
    same(measured(data), want)
    assert data["lead_count"] == len(rows) - 1 == 8800


def test_maven_column_report_names_what_it_used_and_ignored(maven):
    _, data = maven
    cols = data["columns"]
    assert cols["sheet"] == "Leads" and cols["header_row"] == 1
    assert cols["used"] == {"id": "opportunity_id", "owner": "sales_agent", "company": "account",
                            "stage": "deal_stage", "date_in": "engage_date",
                            "closed_date": "close_date", "deal_size": "close_value"}
    assert [c["header"] for c in cols["ignored"]] == ["product"]
    assert cols["decision_tracked"] is False
    assert cols["skipped_sheets"] == []


def test_maven_findings_are_per_problem_not_per_row(maven):
    _, data = maven
    found = _leads_findings(data)
    # Deals dated after the as-of date are each a lead's own problem (the export runs
    # to the end of 2017); everything else is said once per problem.
    found = [f for f in found if f["rule"] != "date-in-future"]
    rules = Counter(f["rule"] for f in found)
    # one finding per column the export lacks, one note for the Decision column
    assert rules == {"lead-column-absent": 3, "qualified-rate-not-tracked": 1}, rules
    assert all(f["row"] is None for f in found)
    absent = {f["column"] for f in found if f["rule"] == "lead-column-absent"}
    assert absent == {"Last action", "Next action", "Next action date"}
    assert "2,089 leads" in next(f["message"] for f in found if f["column"] == "Last action")


def test_maven_pipeline_says_what_the_export_measures(maven):
    _, data = maven
    rows = {r["stage"]: r for r in data["pipeline"]}
    assert rows["Conversion rate %"]["status"] in ("On target", "Below target", "Too few to judge")
    assert rows["Leads per week"]["status"] in ("On target", "Below target", "Too few to judge")
    why = rows["Qualified rate %"]["why"]
    assert "Decision" in why and "not tracked" in why
    # no Source column: one source is not the same as no source
    assert all(leak["kind"] != "single-source" for leak in data["leaks"])
    # no Decision column: the review does not list every open deal as unrouted
    assert data["review"]["new_not_routable"] == []


def test_maven_with_day_first_text_dates(tmp_path):
    """The same export with its dates as DD-MM-YYYY text: 20-10-2017 says day first, so
    01-02-2018 is 1 February, and every counter is as with ISO dates."""
    rows = read_csv(export("maven_sales_pipeline.csv"))
    head = rows[0]
    dated = [head.index("engage_date"), head.index("close_date")]

    def dmy(text: str) -> str:
        return f"{text[8:10]}-{text[5:7]}-{text[:4]}" if text else text

    pasted = [head] + [[dmy(v) if i in dated else v for i, v in enumerate(r)]
                       for r in rows[1:]]
    ambiguous = sum(1 for r in pasted[1:] for i in dated
                    if r[i] and int(r[i][:2]) <= 12 and r[i][:2] != r[i][3:5])
    assert ambiguous > 1000
    path = paste(new_book(tmp_path / "pipeline.xlsx"), pasted)
    data = check_json(path, MAVEN_AS_OF.isoformat())
    assert not [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    want = counters(_records(rows), MAVEN_AS_OF, date_in="engage_date", closed="close_date",
                    stage="deal_stage", won="Won", lost="Lost", value="close_value", day=_iso)
    same(measured(data), want)


def test_maven_pasted_over_the_new_workbooks_headers(tmp_path):
    """Pasted at A1 of the Leads sheet as it is: the new workbook's headers to the right
    of the export stay, over empty columns.  The export's columns win, the empty ones are
    one finding each, and the empty Decision column counts as no Decision column."""
    rows = read_csv(export("maven_sales_pipeline.csv"))
    path = paste(new_book(tmp_path / "pipeline.xlsx"), rows, clear=False)
    data = check_json(path, MAVEN_AS_OF.isoformat())
    assert data["columns"]["used"]["stage"] == "deal_stage"
    assert data["columns"]["used"]["date_in"] == "engage_date"
    assert data["columns"]["decision_tracked"] is False
    want = counters(_records(rows), MAVEN_AS_OF, date_in="engage_date", closed="close_date",
                    stage="deal_stage", won="Won", lost="Lost", value="close_value", day=_iso)
    same(measured(data), want)
    per_row = Counter(f["rule"] for f in _leads_findings(data)
                      if f["row"] is not None and f["rule"] != "date-in-future")
    assert not per_row, per_row


def test_maven_on_a_sheet_named_after_the_csv(tmp_path):
    """The export left on its own sheet, the Leads sheet as init made it."""
    rows = read_csv(export("maven_sales_pipeline.csv"))
    path = new_book(tmp_path / "pipeline.xlsx")
    paste(path, rows, sheet="maven_sales_pipeline")
    data = check_json(path, MAVEN_AS_OF.isoformat())
    assert data["lead_count"] == 8800
    assert data["columns"]["sheet"] == "maven_sales_pipeline"
    notes = [f for f in data["findings"] if f["rule"] == "lead-log-on-other-sheet"]
    assert len(notes) == 1 and "maven_sales_pipeline" in notes[0]["message"]
    want = counters(_records(rows), MAVEN_AS_OF, date_in="engage_date", closed="close_date",
                    stage="deal_stage", won="Won", lost="Lost", value="close_value", day=_iso)
    same(measured(data), want)


@pytest.fixture(scope="module")
def opportunity(tmp_path_factory):
    rows = read_csv(export("salesforce_opportunity.csv"))
    path = new_book(tmp_path_factory.mktemp("sf") / "pipeline.xlsx")
    paste(path, rows)
    return rows, check_json(path, SF_AS_OF.isoformat())


def test_salesforce_opportunity_counters_equal_a_plain_computation(opportunity):
    rows, data = opportunity
    want = counters(_records(rows), SF_AS_OF, date_in="CreatedDate", closed="CloseDate",
                    stage="StageName", won="Closed Won", lost="Closed Lost", value="Amount",
                    day=_iso)
    assert want["leads_per_week"] == (12.5, 50)
    same(measured(data), want)


def test_salesforce_stage_names_are_read_and_open_close_dates_are_expected(opportunity):
    rows, data = opportunity
    found = _leads_findings(data)
    assert not [f for f in found if f["rule"] == "unreadable-value"]
    stages = {r[0]: r[5] for r in rows[1:]}         # Id -> StageName
    head = rows[0]
    row_of = {r[head.index("Id")]: i for i, r in enumerate(rows[1:], start=2)}
    before = [f["row"] for f in found if f["rule"] == "closed-before-date-in"]
    assert before, "closed deals whose CloseDate is before CreatedDate are still said"
    by_row = {row_of[k]: v for k, v in stages.items()}
    assert all(by_row[r] in ("Closed Won", "Closed Lost") for r in before)
    # NextStep is in the export but empty on every row: one finding for the column
    assert [f["column"] for f in found if f["rule"] == "lead-column-empty"] == ["NextStep"]
    assert not [f for f in found if f["rule"].startswith("open-lead-needs")]


def test_salesforce_opportunity_column_report(opportunity):
    _, data = opportunity
    cols = data["columns"]
    assert cols["used"]["stage"] == "StageName"
    assert cols["used"]["date_in"] == "CreatedDate"
    assert cols["used"]["owner"] == "OwnerId"
    ignored = {c["header"]: c["nearest"] for c in cols["ignored"]}
    assert "IsDeleted" in ignored and "Probability" in ignored
    assert ignored["AccountId"] == "Company"


def test_check_text_output_names_the_columns(tmp_path, runner):
    rows = read_csv(export("salesforce_opportunity.csv"))
    path = paste(new_book(tmp_path / "pipeline.xlsx"), rows)
    out = runner.invoke(main, ["check", str(path), "--as-of", SF_AS_OF.isoformat()])
    assert out.exit_code == 1, out.output
    lines = out.output.splitlines()
    used = next(line for line in lines if line.startswith("Columns used:"))
    assert "StageName as Stage" in used and "CreatedDate as Date in" in used
    ignored = next(line for line in lines if line.startswith("Columns ignored:"))
    assert "AccountId (nearest: Company)" in ignored and "IsDeleted" in ignored


def test_salesforce_lead_export_reads_its_statuses(tmp_path):
    rows = read_csv(export("salesforce_lead.csv"))
    path = paste(new_book(tmp_path / "pipeline.xlsx"), rows)
    data = check_json(path, SF_AS_OF.isoformat())
    assert data["lead_count"] == 60
    assert data["columns"]["used"]["stage"] == "Status"
    assert data["columns"]["used"]["source"] == "LeadSource"
    assert not [f for f in data["findings"] if f["rule"] == "unreadable-value"]
    assert data["metrics"]["leads_per_week"]["n"] == 60


# --- sheets sheetsync does not read ---------------------------------------------------

def test_a_skipped_sheet_is_named(tmp_path):
    path = paste(new_book(tmp_path / "pipeline.xlsx"), [["Call notes"], ["rang Acme"]],
                 sheet="Scratch")
    data = check_json(path, "2026-11-16")
    assert data["columns"]["skipped_sheets"] == ["Scratch"]
    said = [f for f in data["findings"] if f["rule"] == "sheet-skipped"]
    assert len(said) == 1 and "Scratch" in said[0]["message"]


def test_headers_it_does_not_know_are_not_an_empty_log(tmp_path):
    rows = [["Kunde", "Phase", "Eingang"]] + [[f"K{i}", "offen", "2026-11-02"]
                                             for i in range(40)]
    path = paste(new_book(tmp_path / "pipeline.xlsx"), rows)
    data = check_json(path, "2026-11-16")
    said = [f for f in data["findings"] if f["rule"] == "leads-headers-unknown"]
    assert len(said) == 1
    assert "40 rows" in said[0]["message"] and "Kunde" in said[0]["message"]
    assert all("empty" not in r["why"] for r in data["pipeline"])


def test_google_sheet_with_the_export_on_its_own_sheet(fake):
    """The same through the real gspread against the fake API: the log is found on the
    export's sheet with one more read, and an unrelated sheet is named as skipped."""
    from core_helpers import pipeline_grid
    from test_gsheets_helpers import KEY, URL

    rows = read_csv(export("salesforce_opportunity.csv"))
    fake.seed(KEY, {"Pipeline": pipeline_grid(), "Leads": [["Lead", "Source", "Date in"]],
                    "Opportunity": rows, "Notes": [["call Acme back"]]})
    data = json.loads(CliRunner().invoke(
        main, ["check", URL, "--as-of", SF_AS_OF.isoformat(), "--format", "json"]).output)
    assert data["lead_count"] == 50
    assert data["columns"]["sheet"] == "Opportunity"
    assert data["columns"]["skipped_sheets"] == ["Notes"]
    want = counters(_records(rows), SF_AS_OF, date_in="CreatedDate", closed="CloseDate",
                    stage="StageName", won="Closed Won", lost="Closed Lost", value="Amount",
                    day=_iso)
    same(measured(data), want)
