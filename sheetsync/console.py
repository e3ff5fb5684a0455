"""How a check looks on a terminal: rich tables on a TTY, plain lines otherwise.

Only the CLI imports this module; rich is imported here, lazily, on a TTY.
"""

from __future__ import annotations

from collections import Counter

from sheetsync.core.catalogue import say
from sheetsync.core.result import CheckResult, Metric
from sheetsync.core.text import pct, show
from sheetsync.core.values import normalize_header
from sheetsync.formats import METRIC_NAMES

MAX_FINDINGS = 25
_LABELS = METRIC_NAMES


def _metric_line(m: Metric) -> str:
    parts = [show(m), f"n={m.n}"]
    if m.interval is not None:
        parts.append(f"95% {pct(m.interval.low)}–{pct(m.interval.high)}")
    if m.previous is not None:
        parts.append(f"before {show(m.model_copy(update={'value': m.previous}))}")
    if m.low_sample:
        parts.append("low sample")
    return "  ".join(parts)


def _header(r: CheckResult) -> str:
    w = r.metrics.window
    name = r.title or r.source
    return (f"{name} — as of {r.as_of.isoformat()} (window {w.start.isoformat()} to "
            f"{w.end.isoformat()}, {w.weeks} weeks), {r.lead_count} leads")


def _finding_lines(r: CheckResult) -> list[str]:
    shown = [f for f in r.findings if f.severity != "info"]
    lines = []
    for f in shown[:MAX_FINDINGS]:
        where = f"{f.sheet} row {f.row}" if f.row else f.sheet
        col = f", {f.column}" if f.column else ""
        lines.append(f"  {where}{col} [{f.rule}] {f.message} {f.fix}".rstrip())
    if len(shown) > MAX_FINDINGS:
        lines.append(f"  … and {len(shown) - MAX_FINDINGS} more (sync writes them all to the"
                     " Findings sheet; --format json lists them)")
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


def plain_report(r: CheckResult) -> str:
    """The check as plain lines, for logs and pipes."""
    out = [_header(r), ""]
    out.append("Leaks:" if r.leaks else "Leaks: none")
    for leak in r.leaks:
        out.append(f"  {leak.sheet} row {leak.row}  {leak.stage}  leak: {leak.kind} — {leak.why}")
    fix = r.fix_this_week
    out.append(f"Fix this week: {fix.stage} ({fix.sheet} row {fix.row})" if fix
               else "Fix this week: nothing leaks")
    out.append(f"Diagnosis: {r.diagnosis}")
    out.append("Metrics:")
    for key, label in _LABELS.items():
        out.append(f"  {label:<18} {_metric_line(getattr(r.metrics, key))}")
    errors = [f for f in r.findings if f.severity != "info"]
    by_sheet = Counter(f.sheet for f in errors)
    summary = ", ".join(f"{s} {n}" for s, n in by_sheet.items())
    out.append(f"Findings: {len(errors)}" + (f" ({summary})" if summary else ""))
    out += _finding_lines(r)
    out += [f"Note: {n}" for n in r.notes]
    out += column_lines(r)
    return "\n".join(out)


def rich_report(r: CheckResult) -> None:
    """The check as coloured tables on a terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{_header(r)}[/bold]")
    table = Table(title="Pipeline worksheet", title_justify="left")
    for name in ("Row", "Stage", "Measured", "Status", "Why"):
        table.add_column(name, overflow="fold")
    for row in r.pipeline:
        style = "bold red" if "fix this week" in row.status else (
            "red" if row.status.startswith("leak") else "")
        measured = "" if row.measured is None or row.unit is None else show(
            Metric(value=row.measured, unit=row.unit))
        table.add_row(str(row.row), row.stage, measured, row.status, row.why, style=style)
    console.print(table)
    stages = {p.stage for p in r.pipeline}
    for leak in r.leaks:
        if leak.stage not in stages:
            console.print(f"[red]{leak.sheet} row {leak.row}: {leak.stage} — leak: {leak.kind}"
                          f" ({leak.why})[/red]")
    console.print(f"[bold]Diagnosis:[/bold] {r.diagnosis}")
    metrics = Table(title="Metrics", title_justify="left")
    for name in ("Counter", "Value", "n", "95% interval", "Previous", "Note"):
        metrics.add_column(name)
    for key, label in _LABELS.items():
        m: Metric = getattr(r.metrics, key)
        iv = f"{pct(m.interval.low)}–{pct(m.interval.high)}" if m.interval else ""
        prev = show(m.model_copy(update={"value": m.previous})) if m.previous is not None else ""
        metrics.add_row(label, show(m), str(m.n), iv, prev, "low sample" if m.low_sample else "")
    console.print(metrics)
    lines = _finding_lines(r)
    errors = [f for f in r.findings if f.severity != "info"]
    console.print(f"[bold]Findings: {len(errors)}[/bold]")
    for line in lines:
        console.print(line, markup=False, highlight=False)
    for n in r.notes:
        console.print(f"[dim]Note: {n}[/dim]")
    for line in column_lines(r):
        console.print(line, markup=False, highlight=False)
