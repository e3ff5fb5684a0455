"""How written values look, in one place for the core and both backends.

A metric's unit picks a `Format` (UNIT_FORMAT); a Format is one number-format code in
Excel and in Google Sheets alike (NUMBER_FORMATS, SHEETS_TYPES); a highlight tone is
one fill colour (TONES).  Dates are written as serial numbers counted from one epoch
(`serial`).  The core names metrics with METRIC_LABELS.  Nothing here imports a
backend: both read these tables, so a number looks the same in every workbook.
"""

from __future__ import annotations

import datetime as dt

from sheetsync.workbook import Format, Tone

# Format -> number-format code (Excel and Google Sheets read the same codes).
NUMBER_FORMATS: dict[Format, str] = {
    # a whole percent, one decimal under 10% (as text.pct says it)
    "percent": "[=0]0%;[<0.1]0.0%;0%",
    "money": "#,##0",
    # money in the workbook's own currency (text.money says it the same way)
    "money-$": '"$"#,##0',
    "money-€": '"€"#,##0',
    "money-£": '"£"#,##0',
    "number": "0.0",
    "days": '0" days"',
    "integer": "0",
    # dates as people write them: 16 Nov 2026 (text.py says dates the same way)
    "date": "d mmm yyyy",
    "datetime": "d mmm yyyy hh:mm",
}
# Format -> Google Sheets NumberFormat type.
SHEETS_TYPES: dict[Format, str] = {
    "percent": "PERCENT", "money": "NUMBER", "money-$": "CURRENCY", "money-€": "CURRENCY",
    "money-£": "CURRENCY", "number": "NUMBER", "days": "NUMBER",
    "integer": "NUMBER", "date": "DATE", "datetime": "DATE_TIME",
}
# A new workbook's percentage columns (`init`): what the operator types, whole percents.
TYPED_PERCENT = "0%"

# Highlight tone -> fill colour (RGB hex) and bold: leak rows, the row to fix this week,
# lead rows with a finding.
TONES: dict[Tone, tuple[str, bool]] = {
    "leak": ("FFC7CE", False),
    "fix": ("FFB266", True),
    "below": ("E4DFEC", False),
    "finding": ("FFF2CC", False),
}

# A metric's unit -> how its number is written.
UNIT_FORMAT: dict[str, Format] = {
    "rate": "percent",
    "money": "money",
    "days": "days",
    "per_week": "number",
}


def unit_format(unit: str | None, currency: str = "") -> Format:
    """The Format of a metric's number: money carries the workbook's currency."""
    fmt = UNIT_FORMAT.get(unit or "", "number")
    if fmt == "money" and f"money-{currency}" in NUMBER_FORMATS:
        return f"money-{currency}"  # type: ignore[return-value]   # one of the Format names
    return fmt


# The five counters by name (where their number is shown with its unit: "12 days")...
METRIC_NAMES: dict[str, str] = {
    "leads_per_week": "Leads per week",
    "qualified_rate": "Qualified rate",
    "conversion_rate": "Conversion rate",
    "average_deal_size": "Average deal size",
    "cycle_time_days": "Cycle time",
}
# ...and as the Metrics and Weekly history sheets head them (a plain number below).
METRIC_LABELS: dict[str, str] = {**METRIC_NAMES, "cycle_time_days": "Cycle time (days)"}

# Day 0 of serial dates: Excel's 1900 system (and Google Sheets), and Excel's 1904 one.
SERIAL_EPOCH = dt.datetime(1899, 12, 30)
SERIAL_EPOCH_1904 = dt.datetime(1904, 1, 1)


def serial(value: dt.date, date1904: bool = False) -> float:
    """A date or datetime as a serial number (days, a fraction for the time of day)."""
    epoch = SERIAL_EPOCH_1904 if date1904 else SERIAL_EPOCH
    if not isinstance(value, dt.datetime):
        return float((value - epoch.date()).days)
    return (value.replace(tzinfo=None) - epoch).total_seconds() / 86400
