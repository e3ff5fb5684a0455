"""The Google Sheets backend through the real gspread against the loopback fake."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from fake_sheets import FakeSheets
from test_gsheets_helpers import EMAIL, KEY, URL, fake_fixture, service_account  # noqa: F401

from sheetsync.backends import open_backend
from sheetsync.backends.gsheets import Backoff, GoogleSheet
from sheetsync.errors import RemoteError, SheetsyncError
from sheetsync.workbook import (
    NOTE_PREFIX,
    CellError,
    CellWrite,
    GeneratedSheet,
    Highlight,
    Plan,
    SheetPatch,
)

FORMULA = '=IMPORTXML("http://x","//a")'


def leads(n: int) -> list[list[object]]:
    rows: list[list[object]] = [["ID", "Lead", "Date in", "Budget", "Check"]]
    rows += [[f"L{i}", f"Lead {i}", dt.date(2026, 10, 1) + dt.timedelta(days=i % 30),
              1000 + i, None] for i in range(n)]
    return rows


def seeded(fake: FakeSheets, n: int = 5) -> None:
    fake.seed(KEY, {"Pipeline": [["Stage", "What it is for you", "Measured"],
                                 ["Leads per week", "about 10", None]],
                    "Leads": leads(n), "Notes": [["operator only"]]}, title="Acme pipeline")


def test_read_gives_plain_values(fake: FakeSheets) -> None:
    seeded(fake)
    sheet = fake.books[KEY].sheet("Leads")
    sheet.cells[(1, 1)] = {"userEnteredValue": {"stringValue": FORMULA}}
    sheet.cells[(2, 3)] = {"userEnteredValue": {"formulaValue": "=1/0"},
                           "effectiveValue": {"errorValue": {"type": "DIVIDE_BY_ZERO"}}}
    sheet.cells[(3, 2)] = {"userEnteredValue": {"numberValue": 46000.75},
                           "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME"}}}
    sheet.cells[(4, 3)] = {"userEnteredValue": {"numberValue": 0.35},
                           "userEnteredFormat": {"numberFormat": {"type": "PERCENT"}}}
    sheet.cells[(5, 4)] = {"userEnteredValue": {"boolValue": True}}
    raw = open_backend(URL, credentials=str(fake.creds)).read()  # type: ignore[attr-defined]
    assert raw.title == "Acme pipeline"
    assert list(raw.sheets) == ["Pipeline", "Leads", "Notes"]
    grid = raw.sheets["Leads"]
    assert grid[0] == ["ID", "Lead", "Date in", "Budget", "Check"]
    assert grid[1][1] == FORMULA                          # text, as stored
    assert grid[1][2] == dt.date(2026, 10, 1) and grid[2][2] == dt.date(2026, 10, 2)
    assert grid[2][3] == CellError("#DIV/0!")
    assert grid[3][2] == dt.datetime(2025, 12, 9, 18, 0)   # serial 46000.75
    assert grid[4][3] == 0.35 and grid[1][3] == 1000 and isinstance(grid[1][3], int)
    assert grid[5][4] is True


def test_read_of_wanted_sheets_is_two_calls_and_all_sheets_one(fake: FakeSheets) -> None:
    seeded(fake)
    book = GoogleSheet(KEY)
    raw = book.read(lambda name: name != "Notes")
    assert list(raw.sheets) == ["Pipeline", "Leads"]
    assert len(fake.api_calls()) == 2
    assert list(book.read().sheets) == ["Pipeline", "Leads", "Notes"]
    assert len(fake.api_calls()) == 3


def _plan(n: int) -> Plan:
    patch = SheetPatch("Leads")
    for r in range(2, n + 2):
        patch.cells[(r, 5)] = CellWrite("ok" if r % 3 else f"{NOTE_PREFIX}missing budget")
    patch.cells[(2, 5)] = CellWrite(FORMULA)
    patch.notes[(3, 4)] = "Budget is not a number"          # the backend adds NOTE_PREFIX
    patch.col_widths[5] = 40
    patch.highlights.append(Highlight(2, n + 1, 1, 5, key_col=5, tone="finding",
                                      match="prefix", text=NOTE_PREFIX))
    pipeline = SheetPatch("Pipeline", cells={
        (2, 3): CellWrite(0.34, "percent", note="n=12"),
        (2, 4): CellWrite("leak: untracked", bold=True),        # column D is new to the sheet
    }, highlights=[Highlight(2, 2, 1, 4, key_col=4, tone="fix", match="prefix", text="leak")])
    metrics = GeneratedSheet("Metrics", rows=[
        [CellWrite("Metric"), CellWrite("Value")],
        [CellWrite("Qualified rate"), CellWrite(0.34, "percent")],
        [CellWrite("Last synced"), CellWrite(dt.date(2026, 11, 16), "date")],
        [CellWrite("See lead", link="'Leads'!A3"), None],
    ], col_widths=[20, 12])
    return Plan(patches=[patch, pipeline], generated=[metrics])


def test_apply_writes_cells_formats_notes_rules_and_new_sheets(fake: FakeSheets) -> None:
    seeded(fake)
    book = GoogleSheet(KEY)
    book.read(None)
    book.apply(_plan(5))
    assert [m for m, p in fake.api_calls()] == ["GET", "POST"]
    assert fake.value(KEY, "Leads", 2, 5) == FORMULA
    assert fake.cell(KEY, "Leads", 2, 5)["userEnteredValue"] == {"stringValue": FORMULA}
    assert fake.value(KEY, "Leads", 2, 2) == "Lead 0"                   # operator cell kept
    assert fake.cell(KEY, "Leads", 3, 4)["note"] == f"{NOTE_PREFIX}Budget is not a number"
    assert fake.value(KEY, "Leads", 3, 4) == 1001                       # note only
    measured = fake.cell(KEY, "Pipeline", 2, 3)
    assert measured["userEnteredValue"] == {"numberValue": 0.34}
    assert measured["userEnteredFormat"]["numberFormat"]["type"] == "PERCENT"
    assert measured["note"] == "n=12"
    assert fake.cell(KEY, "Pipeline", 2, 4)["userEnteredFormat"]["textFormat"] == {"bold": True}
    [rule] = fake.rules(KEY, "Pipeline")
    formula = rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"]
    assert formula.startswith("=") and "$D2" in formula
    assert rule["ranges"][0]["startRowIndex"] == 1 and rule["ranges"][0]["endColumnIndex"] == 4
    metrics = fake.books[KEY].sheet("Metrics")
    assert metrics.frozen == 1 and metrics.widths[0] == 145
    assert fake.value(KEY, "Metrics", 1, 1) == "Metric"
    assert fake.cell(KEY, "Metrics", 1, 1)["userEnteredFormat"]["textFormat"]["bold"] is True
    assert fake.cell(KEY, "Metrics", 3, 2)["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    link = fake.cell(KEY, "Metrics", 4, 1)["userEnteredFormat"]["textFormat"]["link"]["uri"]
    assert link == f"#gid={fake.books[KEY].sheet('Leads').sheet_id}&range=A3"
    raw = GoogleSheet(KEY).read(None)                   # what we wrote reads back as written
    assert raw.sheets["Metrics"][2][1] == dt.date(2026, 11, 16)
    assert raw.sheets["Pipeline"][1][2] == 0.34
    assert raw.sheets["Leads"][1][4] == FORMULA


def test_second_apply_leaves_the_same_state(fake: FakeSheets) -> None:
    seeded(fake)
    operator_rule = {"ranges": [{"sheetId": fake.books[KEY].sheet("Leads").sheet_id}],
                     "booleanRule": {"condition": {"type": "NOT_BLANK"},
                                     "format": {"backgroundColor": {"blue": 1.0}}}}
    fake.books[KEY].sheet("Leads").rules.append(operator_rule)
    fake.books[KEY].sheet("Leads").cells[(5, 0)]["note"] = "operator's own note"
    GoogleSheet(KEY).apply(_plan(5))
    first = {s.title: (dict(s.cells), list(s.rules), s.rows, s.cols)
             for s in fake.books[KEY].sheets}
    book = GoogleSheet(KEY)
    book.read(None)
    book.apply(_plan(5))
    book.apply(_plan(5))                       # same object: uses what it wrote last time
    again = {s.title: (dict(s.cells), list(s.rules), s.rows, s.cols)
             for s in fake.books[KEY].sheets}
    assert again == first
    assert fake.rules(KEY, "Leads")[-1] == operator_rule and len(fake.rules(KEY, "Leads")) == 2
    assert fake.cell(KEY, "Leads", 6, 1)["note"] == "operator's own note"


def test_stale_notes_and_generated_rows_are_cleared(fake: FakeSheets) -> None:
    seeded(fake)
    GoogleSheet(KEY).apply(_plan(5))
    plan = _plan(5)
    plan.patches[0].notes.clear()
    plan.generated[0].rows = plan.generated[0].rows[:2]
    book = GoogleSheet(KEY)
    book.read(None)
    book.apply(plan)
    assert "note" not in fake.cell(KEY, "Leads", 3, 4)
    assert fake.value(KEY, "Leads", 3, 4) == 1001
    assert fake.cell(KEY, "Metrics", 3, 1) == {} and fake.value(KEY, "Metrics", 2, 2) == 0.34


@pytest.mark.parametrize("n", [100, 20_000])
def test_calls_per_read_and_apply_do_not_grow_with_rows(fake: FakeSheets, n: int) -> None:
    seeded(fake, n)
    book = GoogleSheet(KEY)
    book.read(lambda name: True)
    book.apply(_plan(n))
    assert len(fake.api_calls()) == 3
    assert fake.value(KEY, "Leads", n + 1, 5) in ("ok", f"{NOTE_PREFIX}missing budget")


def test_429s_are_survived(fake: FakeSheets) -> None:
    seeded(fake)
    fake.fail(429, times=3)
    raw = GoogleSheet(KEY, backoff=Backoff(tries=5, base=0.001)).read(None)
    assert raw.sheets["Leads"][1][0] == "L0"
    assert len(fake.api_calls()) == 4


def test_a_permanent_500_gives_up_after_the_bounded_tries(fake: FakeSheets) -> None:
    seeded(fake)
    fake.fail(500, times=100)
    start = time.monotonic()
    with pytest.raises(RemoteError, match=r"HTTP 500\) after 4 tries"):
        GoogleSheet(KEY, backoff=Backoff(tries=4, base=0.01)).read(None)
    assert len(fake.api_calls()) == 4
    assert time.monotonic() - start < 5


def test_backoff_doubles_with_jitter_and_a_cap() -> None:
    b = Backoff(tries=6, base=1.0, cap=8.0)
    for attempt, mid in [(0, 1), (1, 2), (2, 4), (3, 8), (5, 8)]:
        waits = [b.delay(attempt) for _ in range(200)]
        assert 0.5 * mid <= min(waits) and max(waits) < 1.5 * mid
    assert b.delay(0, retry_after=6) >= 6


def test_403_names_the_account_to_share_with(fake: FakeSheets) -> None:
    fake.seed(KEY, {"Pipeline": [["Stage"]]}, shared_with={"someone@else.com"})
    with pytest.raises(RemoteError) as err:
        GoogleSheet(KEY).read(None)
    assert EMAIL in str(err.value) and "share" in str(err.value)
    assert "\n" not in str(err.value)


def test_404_says_not_found(fake: FakeSheets) -> None:
    with pytest.raises(RemoteError, match=f"Google Sheet {KEY} was not found"):
        GoogleSheet(KEY).read(None)


def test_network_failure_is_one_line(fake: FakeSheets, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded(fake)
    GoogleSheet(KEY).read(None)                      # sign in first, then lose the API
    monkeypatch.setenv("SHEETSYNC_SHEETS_API_URL", "http://127.0.0.1:9")
    book = GoogleSheet(KEY, backoff=Backoff(tries=2, base=0.001))
    book._connect()
    with pytest.raises(RemoteError, match="could not be reached") as err:
        book.read(None)
    assert "\n" not in str(err.value)


def test_credentials_missing_or_wrong(fake: FakeSheets, tmp_path, monkeypatch) -> None:
    seeded(fake)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    with pytest.raises(SheetsyncError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        GoogleSheet(KEY, credentials=str(tmp_path / "none.json")).read(None)
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(SheetsyncError, match="not a readable JSON key"):
        GoogleSheet(KEY, credentials=str(tmp_path / "bad.json")).read(None)
    stranger = tmp_path / "stranger.json"
    service_account(stranger, f"{fake.url}/token", email="x@y.iam.gserviceaccount.com")
    with pytest.raises(RemoteError, match="could not sign in as x@y"):
        GoogleSheet(KEY, credentials=str(stranger)).read(None)


def test_a_write_past_the_payload_limit_is_cut_and_lands_the_same(fake: FakeSheets) -> None:
    seeded(fake, 3000)
    GoogleSheet(KEY).apply(_plan(3000))
    whole = {s.title: (dict(s.cells), list(s.rules)) for s in fake.books[KEY].sheets}
    one_call = len([c for c in fake.api_calls() if c[0] == "POST"])
    seeded(fake, 3000)
    book = GoogleSheet(KEY)
    book.payload_limit = 20_000
    book.apply(_plan(3000))
    posts = [t for t in fake.traffic if t[0] == "POST" and t[1].startswith("/v4/")]
    assert one_call == 1 and len(posts) > 5
    assert all(size <= 20_000 for _, _, size, _ in posts[1:])
    assert {s.title: (dict(s.cells), list(s.rules)) for s in fake.books[KEY].sheets} == whole


def test_the_fake_refuses_bodies_over_googles_limit(fake: FakeSheets) -> None:
    seeded(fake)
    fake.max_payload = 1000
    with pytest.raises(RemoteError, match="payload size exceeds the limit"):
        GoogleSheet(KEY).apply(_plan(50))


def test_the_tools_bookkeeping_row_is_hidden_in_the_same_batch(fake: FakeSheets) -> None:
    """A hidden row of a generated sheet (the Metrics fingerprint) is hidden by the one
    batchUpdate that writes the sheet; a row hidden before and now visible is shown."""
    seeded(fake)
    plan = _plan(5)
    plan.generated[0].hidden_rows.add(4)
    book = GoogleSheet(KEY)
    book.read(None)
    book.apply(plan)
    assert [m for m, p in fake.api_calls()] == ["GET", "POST"]
    assert fake.books[KEY].sheet("Metrics").hidden == {3}
    again = _plan(5)
    again.generated[0].hidden_rows.add(2)
    book = GoogleSheet(KEY)
    book.read(None)
    book.apply(again)
    assert fake.books[KEY].sheet("Metrics").hidden == {1}
