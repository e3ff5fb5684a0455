"""How a check looks on a terminal: rich tables on a TTY, plain lines otherwise.

Only the CLI imports this module; rich is imported here, lazily, on a TTY.
"""

from __future__ import annotations

from collections import Counter

from sheetsync.core.catalogue import plural, say
from sheetsync.core.result import CheckResult, Metric
from sheetsync.core.text import currency, pct
from sheetsync.core.values import normalize_header
from sheetsync.formats import METRIC_NAMES
from sheetsync.report import day, measured_text, span

MAX_FINDINGS = 25
_LABELS = METRIC_NAMES


def _metric_line(key: str, m: Metric) -> str:
    """"19% of 57 decided leads (likely 11% to 31%) — below target; the 4 weeks before: 38%"."""
    parts = [measured_text(m.value, m.unit) or "no data yet"]
    if key == "cycle_time_days" and m.value is not None:
        parts[0] += " (median)"
    if m.value is not None:
        noun = _NOUNS[key]
        parts[0] += f" ({plural(m.n, noun[0], noun[1])}"
        if m.interval is not None:
            parts[0] += f", likely {pct(m.interval.low)} to {pct(m.interval.high)}"
        parts[0] += ")"
    no_target = key == "cycle_time_days" and m.status == "on-target"
    parts.append("measured" if no_target else _STATUS_WORDS[m.status])
    if m.previous is not None:
        parts.append(f"the weeks before: {measured_text(m.previous, m.unit)}")
    return " — ".join(parts[:2]) + ("; " + parts[2] if len(parts) > 2 else "")


_NOUNS = {
    "leads_per_week": ("lead", "leads"),
    "qualified_rate": ("decided lead", "decided leads"),
    "conversion_rate": ("closed pursued lead", "closed pursued leads"),
    "average_deal_size": ("won deal", "won deals"),
    "cycle_time_days": ("won deal", "won deals"),
}
_STATUS_WORDS = {"on-target": "on target", "below-target": "below target",
                 "low-sample": "too few to judge", "no-data": "nothing to measure yet"}


def _header(r: CheckResult) -> str:
    w = r.metrics.window
    name = r.title or r.source
    return (f"{name} — as of {day(r.as_of)} (the {w.weeks} weeks {span(w.start, w.end)}),"
            f" {plural(r.lead_count, 'lead')}")


def _where(sheet: str, row: int | None, column: str | None) -> str:
    where = f"{sheet} row {row}" if row else sheet
    return f"{where}, {column}" if column else where


def _finding_lines(r: CheckResult) -> list[str]:
    shown = [f for f in r.findings if f.severity != "info"]
    lines = []
    for f in shown[:MAX_FINDINGS]:
        lines.append(f"  {_where(f.sheet, f.row, f.column)}: {f.message} {f.fix}".rstrip())
    if len(shown) > MAX_FINDINGS:
        lines.append(f"  … and {len(shown) - MAX_FINDINGS} more (sync writes them all to the"
                     " Findings sheet)")
    return lines


def _field_name(key: str) -> str:
    return "ID" if key == "id" else key.replace("_", " ").capitalize()


def column_lines(r: CheckResult) -> list[str]:
    """Which lead-log columns the check used, which it ignored, which sheets it skipped."""
    c = r.columns
    lines = []
    if c.used:
        pairs = [h if normalize_header(h) == normalize_header(_field_name(k))
                 else f"{h} as {_field_name(k)}" for k, h in c.used.items()]
        lines.append(say("columns-used", pairs=", ".join(pairs)))
    if c.ignored:
        names = [say("column-ignored-nearest", header=i.header, nearest=i.nearest)
                 if i.nearest else i.header for i in c.ignored]
        lines.append(say("columns-ignored", names=", ".join(names)))
    if c.skipped_sheets:
        lines.append(say("sheets-skipped", names=", ".join(c.skipped_sheets)))
    return lines


def priority_lines(r: CheckResult) -> list[str]:
    """Fix this week (with its why), then the rest as "next": the same row as the sheet."""
    fix = r.fix_this_week
    if fix is None:
        out = ["Fix this week: nothing. Every stage of the worksheet is written down and"
               " nothing in the numbers points at one."]
    else:
        out = [f"Fix this week: {say('leak-where', stage=fix.stage, sheet=fix.sheet)}."
               f" {fix.why}"]
    rest = [x for x in r.leaks if fix is None or (x.sheet, x.row) != (fix.sheet, fix.row)]
    if rest:
        out.append("Next:")
        out += [f"  {say('leak-where', stage=x.stage, sheet=x.sheet)}: {x.why}" for x in rest]
    elif not r.leaks:
        out.append("No leaks: every stage and every block is defined.")
    return out


def findings_line(r: CheckResult) -> str:
    errors = [f for f in r.findings if f.severity != "info"]
    if not errors:
        return "Every lead passes its checks."
    by_sheet = Counter(f.sheet for f in errors)
    where = ", ".join(f"{plural(n, 'finding')} on the {s} sheet" for s, n in by_sheet.items())
    return f"{plural(len(errors), 'finding')}: {where}." if len(by_sheet) > 1 else f"{where}."


def plain_report(r: CheckResult) -> str:
    """The check as plain lines, for logs and pipes."""
    with currency(r.currency):
        return _plain_report(r)


def _plain_report(r: CheckResult) -> str:
    out = [_header(r), ""]
    out += priority_lines(r)
    out.append(f"Diagnosis: {r.diagnosis}")
    out.append("Counters:")
    for key, label in _LABELS.items():
        out.append(f"  {label:<18} {_metric_line(key, getattr(r.metrics, key))}")
    out.append(findings_line(r))
    out += _finding_lines(r)
    out += [f"Note: {n}" for n in r.notes]
    out += column_lines(r)
    return "\n".join(out)


def rich_report(r: CheckResult) -> None:
    """The check as coloured tables on a terminal."""
    with currency(r.currency):
        _rich_report(r)


def _rich_report(r: CheckResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{_header(r)}[/bold]", markup=True, highlight=False)
    table = Table(title="Pipeline worksheet", title_justify="left")
    for name in ("Row", "Stage", "Measured", "Status", "Why"):
        table.add_column(name, overflow="fold")
    styles = {"leak": "red", "below-target": "magenta"}
    for row in r.pipeline:
        style = "bold red" if row.fix else styles.get(row.state, "")
        table.add_row(str(row.row), row.stage, measured_text(row.measured, row.unit),
                      row.status, row.why, style=style)
    console.print(table)
    for line in priority_lines(r):
        console.print(line, markup=False, highlight=False)
    console.print(f"Diagnosis: {r.diagnosis}", markup=False, highlight=False)
    metrics = Table(title="Counters", title_justify="left")
    for name in ("Counter", "Value", "Status"):
        metrics.add_column(name)
    for key, label in _LABELS.items():
        m: Metric = getattr(r.metrics, key)
        line = _metric_line(key, m)
        value, _, status = line.partition(" — ")
        metrics.add_row(label, value, status)
    console.print(metrics)
    console.print(findings_line(r), markup=False, highlight=False)
    for line in _finding_lines(r):
        console.print(line, markup=False, highlight=False)
    for n in r.notes:
        console.print(f"Note: {n}", markup=False, highlight=False, style="dim")
    for line in column_lines(r):
        console.print(line, markup=False, highlight=False)
