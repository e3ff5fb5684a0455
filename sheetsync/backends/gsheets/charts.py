"""A generated sheet's charts as Sheets API requests, inside the sync's one batchUpdate.

Each chart sheetsync draws has a chart id of its own, fixed by the sheet and the
chart's place in the sheet's list (`chart_id`), so the next sync finds it in the
metadata its read already fetched: it updates that chart's spec and position
(`updateChartSpec`, `updateEmbeddedObjectPosition`) instead of adding a second one,
and deletes one of its own the plan no longer has.  A chart whose id is not one of
these (an operator's) is never touched.
"""

from __future__ import annotations

import math
from typing import Any

from sheetsync.workbook import Chart, ChartSeries

CHART_BASE = 71_400_000          # far above the small sheet ids Sheets hands out
PER_SHEET = 32
ROW_PIXELS = 21                  # a default row, for how far down a chart reaches

Request = dict[str, Any]


def chart_id(sheet_id: int, k: int) -> int:
    """The id of the k-th chart sheetsync draws on sheet `sheet_id`."""
    return CHART_BASE + sheet_id * PER_SHEET + k


def is_ours(sheet_id: int, cid: int) -> bool:
    return 0 <= cid - chart_id(sheet_id, 0) < PER_SHEET


def rows_needed(charts: list[Chart]) -> int:
    """The rows a sheet needs so that every chart's anchor cell and body are in the grid."""
    return max((c.anchor_row + math.ceil((c.top + c.height) / ROW_PIXELS) for c in charts),
               default=0)


def _range(series: ChartSeries, col: int, ids: dict[str, int]) -> dict[str, Any]:
    """The cells of `series` (with the header row above them) in column `col`."""
    return {"sheetId": ids[series.sheet], "startRowIndex": series.first_row - 2,
            "endRowIndex": series.last_row, "startColumnIndex": col - 1,
            "endColumnIndex": col}


def spec(chart: Chart, ids: dict[str, int]) -> dict[str, Any]:
    """The ChartSpec of `chart`: a basic line or column chart over its cells."""
    first = chart.series[0]
    return {
        "title": chart.title,
        "basicChart": {
            "chartType": "LINE" if chart.kind == "line" else "COLUMN",
            "legendPosition": "BOTTOM_LEGEND" if len(chart.series) > 1 else "NO_LEGEND",
            "headerCount": 1,
            "axis": [{"position": "BOTTOM_AXIS"}, {"position": "LEFT_AXIS"}],
            "domains": [{"domain": {"sourceRange": {"sources": [
                _range(first, chart.category_col, ids)]}}}],
            "series": [{"series": {"sourceRange": {"sources": [_range(s, s.col, ids)]}},
                        "targetAxis": "LEFT_AXIS"} for s in chart.series],
        },
    }


def position(chart: Chart, sheet_id: int) -> dict[str, Any]:
    return {"overlayPosition": {
        "anchorCell": {"sheetId": sheet_id, "rowIndex": chart.anchor_row - 1,
                       "columnIndex": chart.anchor_col - 1},
        "offsetXPixels": chart.left, "offsetYPixels": chart.top,
        "widthPixels": chart.width, "heightPixels": chart.height}}


def _plain(value: Any) -> Any:
    """`value` without its zero and empty fields: the API leaves those out when it answers."""
    if isinstance(value, dict):
        out = {k: _plain(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (0, None, {}, [], "")}
    return value


def chart_requests(charts: list[Chart], sheet_id: int, existing: dict[int, dict[str, Any]],
                   ids: dict[str, int]) -> list[Request]:
    """Add, update or delete sheetsync's charts on one sheet; the operator's stay."""
    out: list[Request] = []
    wanted = {chart_id(sheet_id, k): chart for k, chart in enumerate(charts[:PER_SHEET])}
    for cid in sorted(existing):
        if is_ours(sheet_id, cid) and cid not in wanted:
            out.append({"deleteEmbeddedObject": {"objectId": cid}})
    for cid, chart in wanted.items():
        where = position(chart, sheet_id)
        if cid not in existing:
            out.append({"addChart": {"chart": {"chartId": cid, "spec": spec(chart, ids),
                                               "position": where}}})
            continue
        out.append({"updateChartSpec": {"chartId": cid, "spec": spec(chart, ids)}})
        if _plain(existing[cid].get("position")) != _plain(where):
            out.append({"updateEmbeddedObjectPosition": {
                "objectId": cid, "newPosition": where,
                "fields": "anchorCell,offsetXPixels,offsetYPixels,widthPixels,heightPixels"}})
    return out
