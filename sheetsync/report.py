"""The printable one-page worksheet and the weekly review, from jinja2 templates.

HTML and Markdown come straight from the templates (HTML autoescaped: a lead named
`<script>` prints as text); PDF is the HTML drawn by WeasyPrint, imported only then.
The worksheet must fit one page: long answers are shortened here and clipped by CSS.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sheetsync.core.result import CheckResult
from sheetsync.core.review import owner_gap_line
from sheetsync.core.rules import Rules
from sheetsync.core.text import number, pct, show_value
from sheetsync.errors import SheetsyncError
from sheetsync.resources import resource_dir

MAX_ANSWER = 100          # characters of an answer on the one-page worksheet (two lines)
MAX_SOURCES = 5
MAX_ITEMS = 15            # lines per review section before "and N more"
PAPER = {"a4": "A4", "letter": "Letter"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|])")


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md(value: Any) -> str:
    """A value safe inside a Markdown table cell or list item."""
    text = " ".join(str(value if value is not None else "").split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return "\\" + text if text.startswith(("#", "-", "+", ">")) else text


def _env(autoescape: bool) -> Any:
    import jinja2

    folder = resource_dir("templates")
    loader = jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8"))
    env = jinja2.Environment(loader=loader, autoescape=autoescape, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = md
    return env


def _rows(result: CheckResult) -> list[dict[str, Any]]:
    rows = []
    for row in result.pipeline:
        fix = "fix this week" in row.status
        leak = row.status.startswith("leak")
        measured = "" if row.measured is None or row.unit is None else show_value(
            row.measured, row.unit)
        rows.append({
            "stage": row.stage, "answer": _short(row.answer, MAX_ANSWER) or "(blank)",
            "measured": measured, "status": row.status.replace(" — fix this week", ""),
            "fix": fix, "css": "fix" if fix else ("leak" if leak else ""),
        })
    return rows


def _sources(result: CheckResult) -> tuple[list[dict[str, Any]], int]:
    items = [{"name": _short(b.name, 40), "leads": b.leads, "per_week": number(b.leads_per_week),
              "qualified": pct(b.qualified_rate.value), "n": b.qualified_rate.n}
             for b in result.metrics.by_source]
    return items[:MAX_SOURCES], max(0, len(items) - MAX_SOURCES)


def _sections(result: CheckResult) -> list[dict[str, Any]]:
    r = result.review

    def section(title: str, refs: list[Any]) -> dict[str, Any]:
        items = [_short(f"row {x.row}: {x.lead}" + (f" ({x.owner})" if x.owner else "")
                        + (f" — {x.detail}" if x.detail else ""), 160) for x in refs]
        return {"title": title, "total": len(items), "lines": items[:MAX_ITEMS],
                "more": max(0, len(items) - MAX_ITEMS)}

    return [
        section("New leads not routable yet", r.new_not_routable),
        section("Qualified leads without evidence", r.qualified_without_evidence),
        section("Overdue follow-ups", r.overdue),
        section("Meetings won", r.meetings.get("won", [])),
        section("Meetings lost", r.meetings.get("lost", [])),
        section("Moved to nurture", r.meetings.get("nurture", [])),
    ]


def context(result: CheckResult | None, rules: Rules, *, blank: bool,
            paper: str) -> dict[str, Any]:
    """Everything the templates show, already formatted."""
    ctx: dict[str, Any] = {"blank": blank or result is None, "result": result,
                           "stages": rules.stages, "paper": PAPER[paper],
                           "title": (result.title or result.source) if result else ""}
    if result is not None:
        ctx["rows"] = _rows(result)
        ctx["sources"], ctx["more_sources"] = _sources(result)
        ctx["sections"] = _sections(result)
        ctx["variants"] = result.review.replies_by_variant[:MAX_ITEMS]
        ctx["gaps"] = [owner_gap_line(g) for g in result.review.owner_gaps][:MAX_ITEMS]
    return ctx


def render_text(kind: str, fmt: str, ctx: dict[str, Any]) -> str:
    """The HTML or Markdown of the worksheet or the review."""
    env = _env(autoescape=fmt == "html")
    if fmt == "html":
        ctx = dict(ctx, css=env.get_template("style.css").render(paper=ctx["paper"]))
    return str(env.get_template(f"{kind}.{fmt}.j2").render(**ctx))


def render_report(out: Path, *, result: CheckResult | None, rules: Rules,
                  review: bool = False, blank: bool = False, paper: str = "a4") -> Path:
    """Write the worksheet (or the review) to `out`: .pdf, .html or .md by its extension."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "html", "htm", "md"):
        raise SheetsyncError(f"{out.name}: write a .pdf, .html or .md file")
    if paper not in PAPER:
        raise SheetsyncError(f"paper '{paper}': choose a4 or letter")
    if review and (blank or result is None):
        raise SheetsyncError("the weekly review needs a workbook, not --blank")
    kind = "review" if review else "worksheet"
    ctx = context(result, rules, blank=blank, paper=paper)
    if not out.parent.is_dir():
        raise SheetsyncError(f"{out.parent} is not a folder")
    if fmt == "md":
        out.write_text(render_text(kind, "md", ctx), "utf-8")
    elif fmt in ("html", "htm"):
        out.write_text(render_text(kind, "html", ctx), "utf-8")
    else:
        write_pdf(render_text(kind, "html", ctx), out)
    return out


def write_pdf(html: str, out: Path) -> None:
    """Draw `html` to a PDF with WeasyPrint (no external resources are fetched)."""
    for name in ("weasyprint", "fontTools", "fontTools.subset"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise SheetsyncError(
            f"PDF output needs WeasyPrint and the Pango library ({exc}); write .html instead"
        ) from exc

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"external resource not allowed: {url}")

    HTML(string=html, url_fetcher=no_fetch).write_pdf(str(out))
