"""The counters' weekly trend as small line pictures for the printed pages.

Plain numbers in, plain numbers out: for each counter a polyline's points in a fixed
box, its last value in words, and the week it starts.  The templates turn them into an
inline SVG, so the trend prints with no browser and no image file.  A week without a
value (no lead decided, nothing closed) leaves a gap in the line, not a drop to zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sheetsync.core.history import COUNTERS, UNITS, PastWeek
from sheetsync.core.text import show_value

WIDTH, HEIGHT = 120.0, 22.0      # the drawing box of one line, in SVG units
BARS = "▁▂▃▄▅▆▇█"               # the Markdown trend: one bar per week, low to high
GAP = "·"                        # a week without a value
LABELS = {
    "leads_per_week": "Leads a week",
    "qualified_rate": "Qualified rate",
    "conversion_rate": "Conversion rate",
    "average_deal_size": "Average deal size",
    "cycle_time_days": "Cycle time (median)",
}


def _short_day(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def panel(key: str, weeks: Sequence[PastWeek]) -> dict[str, Any]:
    """One counter's line: `lines` (each a points string), `dots`, `value`, `low`, `high`,
    and for text `spark` (a bar per week, on the same scale as the line) and `first`."""
    values = [getattr(w, key).value for w in weeks]
    known = [v for v in values if v is not None]
    unit = UNITS[key]
    out: dict[str, Any] = {"label": LABELS[key], "lines": [], "dots": [],
                           "value": show_value(values[-1] if values else None, unit),
                           "low": "", "high": "", "first": "", "spark": GAP * len(values)}
    if not known:
        return out
    low, high = min(known), max(known)
    if unit == "rate":
        low, high = min(low, 0.0), max(high, 0.0)
    spread = high - low
    step = WIDTH / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return HEIGHT / 2 if spread == 0 else 2 + (HEIGHT - 4) * (high - v) / spread

    run: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            if run:
                out["lines"].append(" ".join(run))
            run = []
            continue
        point = (round(i * step, 1), round(y(v), 1))
        run.append(f"{point[0]:g},{point[1]:g}")
        out["dots"].append(point)
    if run:
        out["lines"].append(" ".join(run))
    out["lines"] = [line for line in out["lines"] if " " in line]     # a lone point: a dot
    out["last"] = out["dots"][-1] if values[-1] is not None else None
    out["low"], out["high"] = show_value(low, unit), show_value(high, unit)
    out["first"] = show_value(known[0], unit)
    top = len(BARS) - 1
    out["spark"] = "".join(
        GAP if v is None else BARS[top // 2 if spread == 0
                                   else int(top * (v - low) / spread + 0.5)]
        for v in values)
    return out


def trend_context(weeks: Sequence[PastWeek]) -> dict[str, Any] | None:
    """Everything the templates need to draw the trend; None with under two weeks."""
    if len(weeks) < 2:
        return None
    return {"width": WIDTH, "height": HEIGHT, "weeks": len(weeks),
            "since": _short_day(weeks[0].as_of),
            "panels": [panel(key, weeks) for key in COUNTERS]}
