"""The tool-only sheets: Metrics, Findings, Review (rewritten whole) and History (appended).

History keeps one row per as-of week: past weeks are carried over exactly as read,
this week's row is replaced, so the feedback loop survives every sync.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sheetsync.core.catalogue import LEVEL_WORDS, say
from sheetsync.core.charts import history_charts
from sheetsync.core.coaching import coaching_lines, likely_range
from sheetsync.core.history import UNITS, Counter, PastWeek, monday, past_weeks
from sheetsync.core.printfit import fit_columns
from sheetsync.core.result import CheckResult, LeadRef, Metric
from sheetsync.core.rules_file import HISTORY
from sheetsync.core.tables import is_empty
from sheetsync.core.text import day, plural
from sheetsync.core.worksheet import leak_names
from sheetsync.formats import METRIC_LABELS, UNIT_FORMAT, unit_format
from sheetsync.workbook import (
    CellWrite,
    Format,
    GeneratedSheet,
    Plain,
    PlainRows,
    Plan,
    RawWorkbook,
    Row,
    Value,
    column_letter,
)

if TYPE_CHECKING:
    from sheetsync.core.check import Checked

LAST_SYNCED = "Last synced"
_UNIT = UNIT_FORMAT


def _t(v: object, bold: bool = False) -> CellWrite | None:
    return None if v is None or v == "" else CellWrite(v if type(v) is str else str(v),
                                                        "text", bold)


def _n(v: float | int | None, fmt: Format = "number") -> CellWrite | None:
    return None if v is None else CellWrite(v, fmt)


def _heads(*names: str) -> Row:
    return [CellWrite(n, bold=True) for n in names]


def metrics_sheet(result: CheckResult, synced_at: str) -> GeneratedSheet:
    m = result.metrics
    rows: list[Row] = [_heads("Counter", "Value", "Counted", "Too few to judge", "Likely from",
                              "Likely to", "The weeks before", "Counted before",
                              "Average")]
    for key, label in METRIC_LABELS.items():
        metric: Metric = getattr(m, key)
        fmt = unit_format(metric.unit, result.currency)
        iv = metric.interval
        rows.append([
            _t(label), _n(metric.value, fmt), _n(metric.n, "integer"),
            _t("too few to judge" if metric.low_sample else ""),
            _n(iv.low if iv else None, "percent"), _n(iv.high if iv else None, "percent"),
            _n(metric.previous, fmt), _n(metric.previous_n, "integer"), _n(metric.mean, fmt),
        ])
    rows += [
        [],
        [_t("As of", True), CellWrite(result.as_of, "date")],
        [_t("Window", True), CellWrite(m.window.start, "date"), CellWrite(m.window.end, "date")],
        [_t("Previous window", True), CellWrite(m.previous_window.start, "date"),
         CellWrite(m.previous_window.end, "date")],
        [_t(LAST_SYNCED, True), _t(synced_at)],
        [],
    ]
    for title, groups in (("Source", m.by_source), ("Owner", m.by_owner)):
        # The likely ranges are text set right, like the counts before them: set left,
        # "1.8–21%" stood against the Lost count to its left and read as "11.8–21%".
        rows.append(_heads(title, "Leads", "Leads a week", "Qualified rate", "Decided",
                           "Conversion rate", "Closed", "Won", "Lost")
                    + [CellWrite("Qualified, likely", bold=True, right=True),
                       CellWrite("Conversion, likely", bold=True, right=True)])
        for b in groups:
            rows.append([
                _t(b.name), _n(b.leads, "integer"), _n(b.leads_per_week),
                _n(b.qualified_rate.value, "percent"), _n(b.qualified_rate.n, "integer"),
                _n(b.conversion_rate.value, "percent"), _n(b.conversion_rate.n, "integer"),
                _n(b.won, "integer"), _n(b.lost, "integer"),
                _right(_likely(b.qualified_rate, ("decided lead", "decided leads"))),
                _right(_likely(b.conversion_rate, ("closed deal", "closed deals"))),
            ])
        rows.append([])
    rows.append(_heads(say("metrics-week-head"), "Starts", "Leads", "Decided", "Pursued",
                       "Qualified rate",
                       "Won", "Lost", "Conversion rate"))
    for w in m.weekly:
        rows.append([
            _t(week_of(w.start)), CellWrite(w.start, "date"), _n(w.leads, "integer"),
            _n(w.decided, "integer"), _n(w.pursued, "integer"),
            _n(w.qualified_rate, "percent"), _n(w.won, "integer"), _n(w.lost, "integer"),
            _n(w.conversion_rate, "percent"),
        ])
    return _fitted(GeneratedSheet("Metrics", list(rows)), [24, 14, 13, 12, 12, 12, 14, 12, 14])


def _right(text: str) -> CellWrite | None:
    """Text set right, or no cell at all for no text."""
    return CellWrite(text, right=True) if text else None


def _likely(metric: Metric, noun: tuple[str, str]) -> str:
    """A source's or owner's rate range in words, or the low-sample mark."""
    if metric.n == 0:
        return ""
    if metric.low_sample:
        return say("likely-too-few", n=plural(metric.n, *noun))
    return likely_range(metric.interval)


FINDING_FORMATS: tuple[Format, ...] = ("text", "text", "integer", "text", "text", "text",
                                       "text")


def findings_sheet(checked: Checked) -> GeneratedSheet:
    """One row per finding, the place linked to its cell.

    The rows are plain tuples (see PlainRows): a messy log has tens of thousands of
    findings, and a CellWrite per cell made this sheet the slowest part of a sync.
    """
    cols: dict[tuple[str, str], int] = {}
    for table in (checked.leads_table, checked.pipeline, checked.blocks):
        if table is not None:
            for key, header in table.headers.items():
                cols[(table.sheet, header)] = table.columns[key]
    rows: list[tuple[Plain, ...]] = []
    links: list[str | None] = []
    add_row, add_link = rows.append, links.append
    letters: dict[tuple[str, str | None], str] = {}
    for f in checked.result.findings:
        sheet, r = f.sheet, f.row
        if r is None:
            where: str = sheet
            add_link(None)
        else:
            letter = letters.get((sheet, f.column))
            if letter is None:
                letter = column_letter(cols.get((sheet, f.column or ""), 1))
                letters[(sheet, f.column)] = letter
            ref = f"{letter}{r}"
            where = f"{sheet}!{ref}"
            add_link(f"'{sheet}'!{ref}")
        add_row((where, sheet, r, f.column, LEVEL_WORDS[f.severity], f.message, f.fix))
    # The rule id is for scripts (JSON); the sheet says how much it matters in words.
    head = _heads("Where", "Sheet", "Row", "Column", "What to do", "What is wrong",
                  "The edit that clears it")
    return _fitted(GeneratedSheet("Findings", [head, PlainRows(FINDING_FORMATS, rows, links)]),
                   [16, 10, 6, 18, 11, 50, 44])


LEAD_FORMATS: tuple[Format, ...] = ("integer", "text", "text", "text")


def _lead_rows(title: str, refs: Sequence[LeadRef]) -> list[Row | PlainRows]:
    table = PlainRows(LEAD_FORMATS, [(x.row, x.lead, x.owner, x.detail) for x in refs])
    return [[_t(f"{title} ({len(refs)})", True)], table, []]


def review_sheet(result: CheckResult) -> GeneratedSheet:
    r, m = result.review, result.metrics
    fix = result.fix_this_week
    rows: list[Row | PlainRows] = [
        [_t(say("review-title", as_of=day(result.as_of), weeks=m.window.weeks,
                span=f"{day(m.window.start)} – {day(m.window.end)}"), True)],
        [_t("Diagnosis", True), _t(result.diagnosis)],
        [_t("Fix this week", True),
         _t(say("review-fix", where=say("leak-where", stage=fix.stage, sheet=fix.sheet),
                why=fix.why) if fix
            else say("review-nothing-to-fix"))],
        [_t("One change to the system", True), _t(r.one_change)],
        [],
        _heads("Row", "Lead", "Owner", "Detail"),
    ]
    rows += _lead_rows("New leads with no decision yet", r.new_not_routable)
    rows += _lead_rows("Qualified leads without evidence", r.qualified_without_evidence)
    rows += _lead_rows("Overdue follow-ups", r.overdue)
    nxt = leak_names(result.leaks, skip=fix)
    if nxt:
        rows.insert(4, [_t("Next", True), _t(say("review-next", stages=", ".join(nxt)))])
    for outcome, title in (("won", "review-won"), ("lost", "review-lost"),
                           ("nurture", "review-nurture")):
        rows += _lead_rows(say(title, weeks=m.window.weeks), r.meetings.get(outcome, []))
    rows.append(_heads("Message variant", "Sent", "Positive", "Neutral", "Negative",
                       "Bounce / opt-out", "No reply"))
    for v in r.replies_by_variant:
        rows.append([_t(v.variant), _n(v.sent, "integer"), _n(v.positive, "integer"),
                     _n(v.neutral, "integer"), _n(v.negative, "integer"),
                     _n(v.other, "integer"), _n(v.no_reply, "integer")])
    rows += [[], [_t(say("coaching-title", weeks=plural(r.coaching_weeks, "week")), True)]]
    rows += [[_t(line)] for line in coaching_lines(r)]
    return _fitted(GeneratedSheet("Review", rows), [30, 28, 14, 56, 10, 12, 10])


HISTORY_HEAD = ("Week", "As of", "Leads per week", "Leads", "Qualified rate", "Decided",
                "Conversion rate", "Closed", "Average deal size", "Won (deal size)",
                "Cycle time (days)", "Won (cycle time)", "Leaks", "Fix this week", "Diagnosis")
_HISTORY_FMT: tuple[Format, ...] = ("text", "date", "number", "integer", "percent", "integer",
                                    "percent", "integer", "money", "integer", "days",
                                    "integer", "integer", "text", "text")


def history_sheet(result: CheckResult, old: list[list[Value]] | None,
                  past: Sequence[PastWeek] = (), name: str = HISTORY) -> GeneratedSheet:
    """Past weeks as they were, this as-of week's row replaced or appended.

    A History with no week yet (the first sync) starts from `past`: the weeks the lead
    log already covers, each measured as if it had been the as-of week.  A row is its
    week's by the Monday of its As of date (else of its label, an older sync's
    "2026-W44" too), and is labelled in words: "Week of 26 Oct 2026".
    """
    this_week = monday(result.as_of)
    money = unit_format("money", result.currency)       # every row's money in one currency
    formats = [money if f == "money" else f for f in _HISTORY_FMT]
    m = result.metrics
    rows: list[Row] = [_heads(say("history-week-head", weeks=m.window.weeks),
                              *HISTORY_HEAD[1:])]
    kept = [cells for cells in (old or [])[1:]
            if cells and not all(is_empty(v) for v in cells)]
    for cells in kept:
        start = history_week(cells)
        if start == this_week:
            continue
        carried = [_carry(v, formats[i] if i < len(formats) else "text")
                   for i, v in enumerate(cells)]
        if start is not None:
            carried[0] = _t(week_of(start))
        rows.append(carried)
    if not kept:
        rows += [_past_row(p, result.currency) for p in past if p.as_of != this_week]
    row: Row = [_t(week_of(this_week)), CellWrite(result.as_of, "date")]
    for key in METRIC_LABELS:
        metric: Metric = getattr(m, key)
        row += [_n(metric.value, unit_format(metric.unit, result.currency)),
                _n(metric.n, "integer")]
    fix = result.fix_this_week
    row += [_n(len(result.leaks), "integer"), _t(fix.stage if fix else ""), _t(result.diagnosis)]
    rows.append(row)
    rows[1:] = sorted(rows[1:], key=_history_order)
    return _fitted(GeneratedSheet(name, list(rows)), [20, 13] + [13, 10] * 5 + [7, 22, 44])


def week_of(monday: dt.date) -> str:
    """A week in words, as the Metrics and Weekly history sheets head it."""
    return say("week-of", start=day(monday))


ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def history_week(cells: Sequence[Value]) -> dt.date | None:
    """The Monday of a History row's week: of its As of date, else of its label ("Week of
    26 Oct 2026", or "2026-W44" as a sync before labels were words wrote it)."""
    if len(cells) > 1 and isinstance(cells[1], dt.date):
        return monday(cells[1])
    label = str(cells[0]).strip() if cells and cells[0] is not None else ""
    if (iso := ISO_WEEK.fullmatch(label)) is not None and 1 <= int(iso[2]) <= 53:
        try:
            return dt.date.fromisocalendar(int(iso[1]), int(iso[2]), 1)
        except ValueError:
            return None
    prefix = say("week-of", start="")
    try:
        return monday(dt.datetime.strptime(label.removeprefix(prefix), "%d %b %Y").date())
    except ValueError:
        return None


def _history_order(row: Row) -> tuple[dt.date, str]:
    """Oldest week first, by each row's As of date; a row without one by its label."""
    label = str(row[0].value) if row and row[0] is not None else ""
    as_of = row[1].value if len(row) > 1 and row[1] is not None else None
    when = as_of if isinstance(as_of, dt.date) else history_week([label])
    return (monday(when) if when else dt.date.min, label)


def _past_row(p: PastWeek, currency: str = "") -> Row:
    """A filled-back week: its counters (money in the workbook's currency); leaks and
    diagnosis are left blank, since the worksheet's words of that week are not known."""
    row: Row = [_t(week_of(p.as_of)), CellWrite(p.as_of, "date")]
    for key, unit in UNITS.items():
        counter: Counter = getattr(p, key)
        row += [_n(counter.value, unit_format(unit, currency)), _n(counter.n, "integer")]
    return row




def _fitted(sheet: GeneratedSheet, widest: Sequence[float]) -> GeneratedSheet:
    """`sheet` with columns as wide as their text (at most `widest`), long text wrapped."""
    fit_columns(sheet, widest)
    return sheet


def _carry(v: Value, fmt: Format) -> CellWrite | None:
    if is_empty(v):
        return None
    if isinstance(v, dt.datetime):
        return CellWrite(v.date() if fmt == "date" else v, "date" if fmt == "date" else "datetime")
    if isinstance(v, dt.date):
        return CellWrite(v, "date")
    if isinstance(v, bool):
        return CellWrite(str(v))
    if isinstance(v, (int, float)):
        return CellWrite(v, fmt if fmt != "text" else "number")
    return CellWrite(str(v))


def generated_sheets(checked: Checked, synced_at: str) -> list[GeneratedSheet]:
    result = checked.result
    metrics = metrics_sheet(result, synced_at)
    history = history_sheet(result, checked.history,
                            past_weeks(checked.leads, result.as_of, checked.rules)
                            if _empty_history(checked.history) else (), checked.history_name)
    history.charts = history_charts(history, metrics)
    return [metrics, findings_sheet(checked), review_sheet(result), history]


def _empty_history(old: list[list[Value]] | None) -> bool:
    return not any(cells and not all(is_empty(v) for v in cells) for cells in (old or [])[1:])


def last_synced(raw: RawWorkbook) -> str | None:
    """The stamp the previous sync left in the Metrics sheet, or None."""
    for cells in raw.sheets.get("Metrics", []):
        if len(cells) > 1 and cells[0] == LAST_SYNCED:
            return str(cells[1])
    return None


def set_last_synced(plan: Plan, stamp: str) -> None:
    """Put `stamp` in the Metrics sheet's Last synced cell of `plan`."""
    for sheet in plan.generated:
        for cells in sheet.rows:
            if (isinstance(cells, list) and len(cells) > 1 and cells[0] is not None
                    and cells[0].value == LAST_SYNCED):
                cells[1] = CellWrite(stamp)
