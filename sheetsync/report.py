"""The printable one-page worksheet, the blank one, and the weekly review.

`render_report` writes PDF, HTML or Markdown by the file's extension, from the
jinja2 templates shipped in `templates/`.  Everything here prepares plain, already
formatted values for the templates; the templates only lay them out.  HTML is
autoescaped (a lead named `<script>` prints as text) and Markdown cells are escaped
by the `md` filter.  The worksheet must fit one page: long texts are shortened here
to a fixed number of characters and clamped to two lines by the CSS, and the PDF
writer tightens the layout if the page still overflows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from sheetsync.core.catalogue import plural
from sheetsync.core.coaching import coaching_lines
from sheetsync.core.history import PastWeek
from sheetsync.core.result import CheckResult, LeadRef, Metric, PipelineRow
from sheetsync.core.rules import Rules
from sheetsync.core.text import currency, number, pct, show_value
from sheetsync.errors import SheetsyncError
from sheetsync.resources import resource_dir
from sheetsync.trend import trend_context

FORMATS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md"}
PAPER = {"a4": "A4", "letter": "Letter"}
DENSITIES = ("", "snug", "compact", "tight")   # CSS classes tried in turn until the worksheet fits
MAX_ANSWER = 140       # characters of an answer on the worksheet (about three printed lines)
MAX_SENTENCE = 260     # the diagnosis, the fix-this-week reason, the one change
MAX_NAME = 48          # a source, a lead, an owner, a title
MAX_SOURCES = 6        # rows of the per-source table before "and N more"
MAX_ITEMS = 15         # lines per review list before "and N more"
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~&])")     # markup anywhere in a line
_MD_BLOCK = re.compile(r"^([#>+=-])")                   # a heading, quote or list at the start
_MD_NUMBERED = re.compile(r"^(\d+)([.)])(?=\s|$)")    # "1. " would start a numbered list


def shorten(text: Any, limit: int) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis past `limit` characters."""
    flat = " ".join(str(text if text is not None else "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—-") + "…"


def md(value: Any) -> str:
    """A value safe inside a Markdown table cell or list item: nothing in it is markup."""
    text = _MD_INLINE.sub(r"\\\1", " ".join(str(value if value is not None else "").split()))
    return _MD_NUMBERED.sub(r"\1\\\2", _MD_BLOCK.sub(r"\\\1", text))


def day(date: dt.date) -> str:
    """16 Nov 2026: a date nobody reads the wrong way round."""
    return f"{date.day} {date:%b %Y}"


def span(start: dt.date, end: dt.date) -> str:
    """19 Oct – 15 Nov 2026."""
    left = f"{start.day} {start:%b}" if start.year == end.year else day(start)
    return f"{left} – {day(end)}"


def measured_text(value: float | None, unit: str | None) -> str:
    """The Measured cell as a person reads it: 12%, $18,750, 33 days, 13.2 a week."""
    if value is None or unit is None:
        return ""
    if unit == "per_week":
        return f"{number(value)} a week"
    return show_value(value, unit)


_COUNTED = {"per_week": "lead", "rate": "decided lead", "money": "won deal",
            "days": "won deal"}


def _metric_note(metric: Metric | None, counter: str | None = None) -> str:
    """What the number rests on, the weeks before, and "too few to judge"."""
    if metric is None or metric.value is None:
        return ""
    noun = "closed deal" if counter == "conversion_rate" else _COUNTED[metric.unit]
    parts = [plural(metric.n, noun)]
    if counter == "cycle_time_days":
        parts.insert(0, "median")
    if metric.previous is not None:
        parts.append(f"was {measured_text(metric.previous, metric.unit)}")
    if metric.low_sample:
        parts.append("too few to judge")
    return " · ".join(parts)


def worksheet_rows(result: CheckResult, rules: Rules) -> list[dict[str, Any]]:
    """The eleven rows in stage order; a stage missing from the sheet still gets its line."""
    by_stage: dict[str, PipelineRow] = {row.stage: row for row in result.pipeline}
    known = {stage.name for stage in rules.stages}
    order = [(s.name, s.counter) for s in rules.stages]
    order += [(row.stage, None) for row in result.pipeline if row.stage not in known]
    rows = []
    for i, (name, counter) in enumerate(order, start=1):
        row = by_stage.get(name)
        if row is None:
            rows.append({"number": i, "stage": name, "answer": "not on the sheet",
                         "empty": True, "measured": "", "note": "", "status": "missing",
                         "state": "missing", "fix": False})
            continue
        metric = getattr(result.metrics, counter, None) if counter else None
        rows.append({
            "number": i, "stage": name, "answer": shorten(row.answer, MAX_ANSWER) or "(blank)",
            "empty": not row.answer.strip(), "measured": measured_text(row.measured, row.unit),
            "note": _metric_note(metric, counter) if row.measured is not None else "",
            "status": row.status, "state": row.state, "fix": row.fix,
        })
    return rows


def source_rows(result: CheckResult) -> tuple[list[dict[str, Any]], str]:
    """The per-source table (leads, a week, qualified rate with n) and an "and N more"."""
    items = [{"name": shorten(b.name, MAX_NAME), "leads": b.leads,
              "per_week": number(b.leads_per_week),
              "qualified": pct(b.qualified_rate.value), "n": b.qualified_rate.n,
              "low": b.qualified_rate.low_sample}
             for b in result.metrics.by_source]
    rest = result.metrics.by_source[MAX_SOURCES:]
    more = ""
    if rest:
        more = f"and {len(rest)} more sources ({sum(b.leads for b in rest)} leads)"
    return items[:MAX_SOURCES], more


def _lead_line(ref: LeadRef) -> dict[str, Any]:
    return {"row": ref.row, "lead": shorten(ref.lead, MAX_NAME) or "(no name)",
            "owner": shorten(ref.owner, MAX_NAME), "detail": shorten(ref.detail, 120)}


def _listing(refs: list[LeadRef]) -> dict[str, Any]:
    """At most MAX_ITEMS leads, and how many more there are."""
    return {"total": len(refs), "leads": [_lead_line(x) for x in refs[:MAX_ITEMS]],
            "more": max(0, len(refs) - MAX_ITEMS)}


def review_context(result: CheckResult) -> dict[str, Any]:
    """The weekly review's sections, each list cut at MAX_ITEMS with "and N more"."""
    review = result.review
    variants = []
    for v in review.replies_by_variant[:MAX_ITEMS]:
        variants.append({"variant": shorten(v.variant, MAX_NAME), "sent": v.sent,
                         "positive": v.positive, "neutral": v.neutral, "negative": v.negative,
                         "other": v.other, "no_reply": v.no_reply,
                         "positive_rate": pct(v.positive / v.sent) if v.sent else "—"})
    return {
        "lists": [
            {"title": "New leads with no decision yet", "none": "Every new lead has a route.",
             **_listing(review.new_not_routable)},
            {"title": "Qualified without evidence", "none": "Every pursued lead has evidence.",
             **_listing(review.qualified_without_evidence)},
            {"title": "Overdue follow-ups", "none": "Nothing overdue.",
             **_listing(review.overdue)},
        ],
        "meetings": [
            {"title": title, **_listing(review.meetings.get(key, []))}
            for key, title in (("won", "Won"), ("lost", "Lost"), ("nurture", "Nurtured"))
        ],
        "variants": variants,
        "more_variants": max(0, len(review.replies_by_variant) - MAX_ITEMS),
        "gaps": [shorten(line, 160) for line in coaching_lines(review)[:MAX_ITEMS]],
        "more_gaps": max(0, len(coaching_lines(review)) - MAX_ITEMS),
        "one_change": shorten(review.one_change, MAX_SENTENCE),
    }


def context(result: CheckResult | None, rules: Rules, *, blank: bool = False,
            paper: str = "a4", trend: Sequence[PastWeek] = ()) -> dict[str, Any]:
    """Everything the templates show, already formatted and shortened (`trend`: the
    counters of the last weeks, drawn as small lines)."""
    ctx: dict[str, Any] = {"blank": blank or result is None, "paper": PAPER[paper],
                           "stages": [{"number": i, "name": s.name, "guide": s.guide,
                                       "example": shorten(s.example, MAX_ANSWER),
                                       "counter": bool(s.counter)}
                                      for i, s in enumerate(rules.stages, start=1)],
                           "blocks": list(rules.blocks)}
    if result is None:
        return ctx
    with currency(result.currency):
        return _filled_context(ctx, result, rules, trend)


def _filled_context(ctx: dict[str, Any], result: CheckResult, rules: Rules,
                    trend: Sequence[PastWeek]) -> dict[str, Any]:
    fix = result.fix_this_week
    sources, more_sources = source_rows(result)
    window = result.metrics.window
    ctx.update({
        "title": shorten(result.title or Path(result.source).name or result.source, MAX_NAME),
        "as_of": day(result.as_of),
        "window": f"{span(window.start, window.end)} ({window.weeks} weeks)",
        "weeks": window.weeks, "lead_count": result.lead_count,
        "rows": worksheet_rows(result, rules),
        "diagnosis": shorten(result.diagnosis, MAX_SENTENCE),
        "fix": None if fix is None else {"stage": fix.stage,
                                         "why": shorten(fix.why, MAX_SENTENCE)},
        "sources": sources, "more_sources": more_sources,
        "review": review_context(result),
        "trend": trend_context(trend),
    })
    return ctx


def template_folder() -> Traversable:
    """The templates that belong to this very copy of sheetsync (see `resource_dir`)."""
    return resource_dir("templates")


def _environment(autoescape: bool) -> Any:
    import jinja2

    folder = template_folder()
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8")),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["md"] = md
    return env


def render_text(kind: str, fmt: str, ctx: dict[str, Any], density: str = "") -> str:
    """The HTML or Markdown text of `kind` ("worksheet", "blank" or "review")."""
    env = _environment(autoescape=fmt == "html")
    if fmt == "html":
        css = env.get_template("report.css").render(paper=ctx["paper"])
        ctx = dict(ctx, css=css, density=density)
    return str(env.get_template(f"{kind}.{fmt}.j2").render(**ctx))


def render_report(out: Path, *, result: CheckResult | None, rules: Rules,
                  review: bool = False, blank: bool = False, paper: str = "a4",
                  trend: Sequence[PastWeek] = ()) -> Path:
    """Write the worksheet, the blank worksheet or the weekly review to `out`.

    The format follows the extension: .pdf (WeasyPrint), .html or .md.  The
    worksheets are one page on A4 or Letter; the review may run longer.
    """
    from sheetsync.pdf import pdf_bytes, write_atomically

    out = Path(out)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise SheetsyncError(f"{out.name}: write a .pdf, .html or .md file")
    paper = paper.lower()
    if paper not in PAPER:
        raise SheetsyncError(f"paper '{paper}': choose a4 or letter")
    if review and (blank or result is None):
        raise SheetsyncError("the weekly review needs a workbook; --blank is for the worksheet")
    if not out.parent.is_dir():
        raise SheetsyncError(f"{out.parent}: no such folder for the report")
    kind = "review" if review else ("blank" if blank or result is None else "worksheet")
    ctx = context(result, rules, blank=blank, paper=paper, trend=trend)
    if fmt == "pdf":
        data, _ = pdf_bytes(lambda density: render_text(kind, "html", ctx, density),
                            densities=DENSITIES, one_page=kind != "review",
                            run_on=kind == "review")
    else:
        data = render_text(kind, fmt, ctx).encode("utf-8")
    write_atomically(out, data)
    return out
