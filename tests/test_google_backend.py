"""The Google Sheets backend, through the real gspread, against a loopback fake API."""

from __future__ import annotations

import datetime as dt

import pytest
from core_helpers import lead, leads_grid, pipeline_grid, write_xlsx
from fake_google_sheets import FakeSheets
from google_helpers import EMAIL, KEY, service_account
from openpyxl import load_workbook

from sheetsync.backends import open_backend
from sheetsync.cli import main
from sheetsync.errors import RemoteError
from sheetsync.workbook import CellError, CellWrite, Plan, SheetPatch, column_letter

URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
AS_OF = "2026-11-16"


@pytest.fixture
def fake(monkeypatch, tmp_path):
    # google-auth looks up a "regional access boundary" on a Google host after each token
    # refresh; tests talk to loopback only, so that lookup is switched off here.
    from google.auth.credentials import CredentialsWithRegionalAccessBoundary

    monkeypatch.setattr(CredentialsWithRegionalAccessBoundary,
                        "_is_regional_access_boundary_lookup_required", lambda self: False)
    with FakeSheets() as server:
        monkeypatch.setenv("SHEETSYNC_SHEETS_API_URL", server.url)
        monkeypatch.setenv("SHEETSYNC_RETRY_BASE_SECONDS", "0.001")
        creds = service_account(tmp_path / "sa.json", f"{server.url}/token")
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(creds))
        server.creds = creds  # type: ignore[attr-defined]
        yield server


def formula(rule) -> str:
    return rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"]


def grids(n: int = 6):
    leads = [lead(ID=f"L{i}", Source="Referral" if i % 2 else "Partner",
                  **{"Date in": dt.date(2026, 10, 20)}) for i in range(n)]
    return {"Pipeline": pipeline_grid(), "Leads": leads_grid(leads)}


def test_read_gives_plain_values(fake):
    g = grids()
    g["Leads"][1][1] = '=IMPORTXML("http://x","//a")'
    fake.seed(KEY, g)
    fake.books[KEY].sheet("Leads").cells[(2, 9)] = {"userEnteredValue": {
        "errorValue": {"type": "REF", "message": "bad"}}}
    raw = open_backend(URL).read()
    assert raw.title == "Pipeline"
    leads = raw.sheets["Leads"]
    assert leads[1][1] == '=IMPORTXML("http://x","//a")'            # text, as stored
    assert leads[1][6] == dt.date(2026, 10, 20)                      # a serial with DATE format
    assert leads[2][9] == CellError("#REF!")
    assert raw.sheets["Pipeline"][3][0] == "Input source #1"


def test_sync_writes_owned_cells_new_sheets_rules_and_notes(runner, fake):
    g = grids()
    g["Leads"].append(leads_grid([lead(ID="bad", Lead="=1+1", Evidence="")])[1])
    fake.seed(KEY, g)
    result = runner.invoke(main, ["sync", URL, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    book = fake.books[KEY]
    assert {"Metrics", "Findings", "Review", "History"} <= {s.title for s in book.sheets}
    pipe = book.sheet("Pipeline")
    assert fake.value(KEY, "Pipeline", "E5").startswith("leak: blank")
    assert fake.value(KEY, "Pipeline", "D11") == pytest.approx(1.0)     # qualified rate
    fmt = fake.cell(KEY, "Pipeline", 11, 4)["userEnteredFormat"]["numberFormat"]
    assert fmt["type"] == "PERCENT"
    assert any('N("sheetsync")=0' in formula(r) for r in pipe.rules)
    head = leads_grid([])[0]
    check = head.index("Check") + 1
    evidence = head.index("Evidence") + 1
    assert "without Evidence" in fake.cell(KEY, "Leads", 8, check)["userEnteredValue"][
        "stringValue"]
    assert fake.cell(KEY, "Leads", 8, evidence)["note"].startswith("sheetsync: ")
    # the lead named "=1+1" reaches the Findings sheet as a string, never a formula
    findings = book.sheet("Findings")
    texts = [c["userEnteredValue"] for c in findings.cells.values() if "userEnteredValue" in c]
    assert any(v.get("stringValue", "").startswith("=1+1") for v in texts)
    assert not any("formulaValue" in v for v in texts)


def test_second_sync_keeps_one_set_of_rules_and_clears_fixed_notes(runner, fake):
    g = grids()
    g["Leads"].append(leads_grid([lead(ID="bad", Evidence="")])[1])
    fake.seed(KEY, g)
    assert runner.invoke(main, ["sync", URL, "--as-of", AS_OF]).exit_code == 0
    head = leads_grid([])[0]
    evidence = head.index("Evidence") + 1
    fake.books[KEY].sheet("Leads").cells[(7, evidence - 1)]["userEnteredValue"] = {
        "stringValue": "their post"}                                   # the operator fixes it
    assert runner.invoke(main, ["sync", URL, "--as-of", AS_OF]).exit_code == 0
    rules = fake.books[KEY].sheet("Pipeline").rules
    assert sum('N("sheetsync")=0' in formula(r) for r in rules) == 2
    assert "note" not in fake.cell(KEY, "Leads", 8, evidence)
    assert fake.value(KEY, "Leads", f"{column_letter(head.index('Check') + 1)}8") is None


def test_request_count_is_constant_in_the_number_of_leads(runner, fake):
    counts = []
    for n in (100, 20000):
        fake.seed(KEY, grids(n))
        fake.log.clear()
        result = runner.invoke(main, ["sync", URL, "--as-of", AS_OF])
        assert result.exit_code == 0, result.output
        counts.append(fake.calls())
    assert counts[0] == counts[1] == 3           # metadata read, data read, one batchUpdate


def test_metrics_equal_the_excel_backend(runner, fake, tmp_path):
    g = grids(30)
    fake.seed(KEY, g)
    path = tmp_path / "same.xlsx"
    write_xlsx(path, g)
    assert runner.invoke(main, ["sync", URL, "--as-of", AS_OF]).exit_code == 0
    assert runner.invoke(main, ["sync", str(path), "--as-of", AS_OF]).exit_code == 0
    ws = load_workbook(path)["Pipeline"]
    for r in range(4, 15):
        for c in (4, 5, 6):
            excel = ws.cell(r, c).value
            google = fake.value(KEY, "Pipeline", f"{column_letter(c)}{r}")
            if isinstance(excel, float):
                assert google == pytest.approx(excel)
            else:
                assert google == excel, (r, c)


def test_rate_limits_are_survived(runner, fake):
    fake.seed(KEY, grids())
    fake.faults[:] = [429, 429, 503]
    result = runner.invoke(main, ["sync", URL, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert fake.value(KEY, "Pipeline", "E5").startswith("leak: blank")


def test_a_server_that_keeps_failing_is_given_up_on(runner, fake):
    fake.seed(KEY, grids())
    fake.faults[:] = [500] * 50
    result = runner.invoke(main, ["check", URL])
    assert result.exit_code == 2
    assert "kept failing (HTTP 500) after 5 tries" in result.output
    assert len(fake.faults) == 45                     # five tries, then stop


def test_403_names_the_service_account(runner, fake):
    fake.seed(KEY, grids())
    fake.faults[:] = [403]
    result = runner.invoke(main, ["check", KEY])
    assert result.exit_code == 2
    assert EMAIL in result.output and "share the sheet" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_404_says_not_found(runner, fake):
    result = runner.invoke(main, ["check", "1ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"])
    assert result.exit_code == 2
    assert "was not found" in result.output


def test_missing_credentials_say_what_to_set(runner, fake, monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "nope.json"))
    result = runner.invoke(main, ["check", KEY])
    assert result.exit_code == 2
    assert "GOOGLE_APPLICATION_CREDENTIALS" in result.output


def test_direct_apply_writes_text_as_text(fake):
    fake.seed(KEY, grids())
    sheet = open_backend(KEY)
    sheet.read()
    sheet.apply(Plan(patches=[SheetPatch("Pipeline", {(4, 6): CellWrite('=HYPERLINK("x")')})]))
    assert fake.cell(KEY, "Pipeline", 4, 6)["userEnteredValue"] == {
        "stringValue": '=HYPERLINK("x")'}


def test_unreachable_api_is_one_line(runner, fake, monkeypatch):
    monkeypatch.setenv("SHEETSYNC_SHEETS_API_URL", "http://127.0.0.1:9")
    fake.seed(KEY, grids())
    result = runner.invoke(main, ["check", KEY])
    assert result.exit_code == 2
    assert "could not be reached" in result.output
    with pytest.raises(RemoteError):
        open_backend(KEY).read()
