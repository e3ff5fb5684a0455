"""The native charts a sync draws under the History table, from History's own cells.

Their titles are labels, like the sheets' column headers (not catalogue sentences).

Four lines follow the counters week by week (leads a week; qualified and conversion
rate; average deal size; cycle time) and a bar chart shows this window's qualified
rate per source, from the Metrics sheet.  The charts point at the cells, so the
spreadsheet redraws them when the numbers change; each carries the values it shows
for a backend that must cache them (Excel's numCache).
"""

from __future__ import annotations

from sheetsync.workbook import Chart, ChartSeries, Format, GeneratedSheet, PlainRows

WIDTH, HEIGHT, GAP = 400, 230, 16          # pixels of one chart, and between two
PER_BAND = 3                                # charts side by side


def _column(sheet: GeneratedSheet, col: int, first: int, last: int) -> tuple[object, ...]:
    """The values of column `col` (1-based), rows `first`..`last`, of a generated sheet."""
    out: list[object] = []
    r = 1
    for entry in sheet.rows:
        rows = ([entry.cells(i) for i in range(len(entry.rows))] if isinstance(entry, PlainRows)
                else [entry])
        for cells in rows:
            if first <= r <= last:
                cell = cells[col - 1] if col <= len(cells) else None
                out.append(None if cell is None else cell.value)
            r += 1
    return tuple(out)


def _format(sheet: GeneratedSheet, col: int, last: int) -> Format | None:
    """The number format of column `col`'s numbers (money with its currency), from the
    latest row that holds one; None when the column holds none."""
    r, found = 1, None
    for entry in sheet.rows:
        rows = ([entry.cells(i) for i in range(len(entry.rows))] if isinstance(entry, PlainRows)
                else [entry])
        for cells in rows:
            cell = cells[col - 1] if 1 < r <= last and col <= len(cells) else None
            if cell is not None and isinstance(cell.value, (int, float)):
                found = cell.format
            r += 1
    return found


def _numbers(values: tuple[object, ...]) -> tuple[float | None, ...]:
    return tuple(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
                 for v in values)


def _series(sheet: GeneratedSheet, name: str, col: int, first: int, last: int) -> ChartSeries:
    return ChartSeries(name, sheet.name, col, first, last,
                       _numbers(_column(sheet, col, first, last)))


def _place(k: int, anchor_row: int) -> dict[str, int]:
    return {"anchor_row": anchor_row, "left": (k % PER_BAND) * (WIDTH + GAP),
            "top": (k // PER_BAND) * (HEIGHT + GAP), "width": WIDTH, "height": HEIGHT}


def history_charts(history: GeneratedSheet, metrics: GeneratedSheet) -> list[Chart]:
    """The charts of the History sheet, placed two rows under its last week."""
    last = history.height
    if last < 2:
        return []
    weeks = tuple(str(v or "") for v in _column(history, 1, 2, last))
    below = last + 3
    lines = [
        ("leads", "Leads a week", (("Leads a week", 3),), False),
        ("rates", "Qualified and conversion rate", (("Qualified rate", 5),
                                                    ("Conversion rate", 7)), True),
        ("deal", "Average deal size", (("Average deal size", 9),), False),
        ("cycle", "Cycle time (median days)", (("Cycle time (median days)", 11),), False),
    ]
    charts = [Chart(key, title, "line", 1, weeks,
                    tuple(_series(history, name, col, 2, last) for name, col in series),
                    percent=percent, value_format=_format(history, series[0][1], last),
                    **_place(k, below))
              for k, (key, title, series, percent) in enumerate(lines)]
    sources = _source_rows(metrics)
    if sources is not None:
        first, stop = sources
        names = tuple(str(v or "") for v in _column(metrics, 1, first, stop))
        charts.append(Chart(
            "sources", "Qualified rate by source, this window", "bar", 1, names,
            (_series(metrics, "Qualified rate", 4, first, stop),),
            percent=True, value_format=None, **_place(len(charts), below)))
    return charts


def _source_rows(metrics: GeneratedSheet) -> tuple[int, int] | None:
    """(first, last) row of the Metrics sheet's per-source table, None when it is empty."""
    head = None
    r = 0
    for entry in metrics.rows:
        if isinstance(entry, PlainRows):
            r += len(entry.rows)
            continue
        r += 1
        first = entry[0] if entry else None
        text = first.value if first is not None else None
        if head is None and text == "Source" and first is not None and first.bold:
            head = r
        elif head is not None and not any(c is not None and c.value not in (None, "")
                                          for c in entry):
            return (head + 1, r - 1) if r - 1 > head else None
    return None
