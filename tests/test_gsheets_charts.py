"""Charts on Google Sheets: drawn inside the sync's one batchUpdate, updated (never added
again) by the next sync, and an operator's own chart left alone.  Real gspread against
the loopback fake, through the CLI."""

from __future__ import annotations

import json

from fake_sheets import FakeSheets
from test_gsheets_cli import AS_OF, grids, run
from test_gsheets_helpers import KEY, URL, fake_fixture  # noqa: F401

from sheetsync.core.rules_file import HISTORY

OPERATOR_CHART = {"chartId": 77, "spec": {"title": "My own chart"}, "position": {
    "overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 2, "columnIndex": 8}}}}


def batch_requests(fake: FakeSheets, since: int) -> list[str]:
    """The kinds of request each batchUpdate since log entry `since` carried."""
    return [kind for body in fake.bodies[since:] for r in body["requests"] for kind in r]


def test_sync_draws_the_charts_once_and_then_updates_them(fake: FakeSheets) -> None:
    fake.seed(KEY, grids(60))
    fake.books[KEY].sheet("Pipeline").charts[77] = json.loads(json.dumps(OPERATOR_CHART))
    calls = len(fake.api_calls())
    code, out = run("sync", URL, "--as-of", AS_OF)
    assert code in (0, 1), out
    assert len(fake.api_calls()) - calls == 3             # read, read, one batchUpdate
    charts = fake.charts(KEY, HISTORY)
    titles = [c["spec"]["title"] for c in charts]
    assert titles[:2] == ["Leads a week", "Qualified and conversion rate"]
    assert "Qualified rate by source, this window" in titles
    rates = charts[1]["spec"]["basicChart"]
    history = next(s for s in fake.books[KEY].sheets if s.title == HISTORY)
    assert rates["chartType"] == "LINE" and len(rates["series"]) == 2
    domain = rates["domains"][0]["domain"]["sourceRange"]["sources"][0]
    assert domain["sheetId"] == history.sheet_id and domain["startRowIndex"] == 0
    assert fake.value(KEY, HISTORY, 1, 5) == "Qualified rate"   # the series' header cell
    anchor = charts[0]["position"]["overlayPosition"]["anchorCell"]
    last_week = max(r for r, _ in history.cells) + 1
    assert anchor["rowIndex"] > last_week                          # under the table

    # A week on: History has one more row; the same charts are updated, not added.
    seen = len(fake.bodies)
    code, out = run("sync", URL, "--as-of", "2026-11-23")
    assert code in (0, 1), out
    kinds = batch_requests(fake, seen)
    assert "addChart" not in kinds and "updateChartSpec" in kinds
    assert "updateEmbeddedObjectPosition" in kinds                 # moved down a row
    after = fake.charts(KEY, HISTORY)
    assert [c["chartId"] for c in after] == [c["chartId"] for c in charts]
    assert after[0]["position"]["overlayPosition"]["anchorCell"]["rowIndex"] == \
        anchor["rowIndex"] + 1
    # The operator's chart is exactly as it was.
    assert fake.charts(KEY, "Pipeline") == [OPERATOR_CHART]

    # Nothing new: no write at all, so nothing is added.
    calls = len(fake.api_calls())
    run("sync", URL, "--as-of", "2026-11-23")
    assert [m for m, _ in fake.api_calls()[calls:]] == ["GET", "GET"]
    assert len(fake.charts(KEY, HISTORY)) == len(charts)


def test_a_position_read_without_its_zero_fields_is_the_same_position():
    """The API leaves zero fields out of what it answers: that is not a move."""
    from sheetsync.backends.gsheets.charts import chart_requests, position
    from sheetsync.workbook import Chart, ChartSeries

    chart = Chart("leads", "Leads a week", "line", 1, ("W1", "W2"),
                  (ChartSeries("Leads per week", HISTORY, 3, 2, 3, (1.0, 2.0)),), anchor_row=6)
    where = position(chart, 4)
    answered = json.loads(json.dumps(where))
    del answered["overlayPosition"]["anchorCell"]["columnIndex"]     # 0: left out
    del answered["overlayPosition"]["offsetXPixels"]
    existing = {71_400_128: {"chartId": 71_400_128, "position": answered}}
    kinds = [next(iter(r)) for r in chart_requests([chart], 4, existing, {HISTORY: 4})]
    assert kinds == ["updateChartSpec"]
