"""From a check to the cells a sync writes: the owned columns and the highlight rules.

Only owned cells appear here: Measured / Status / Why on Pipeline, Status on Blocks,
Check on Leads (those that change), plus notes on faulty cells and the tool-only sheets
(see `sheets.py`).  Everything is a function of the check and the values it read, so
the same input gives the same Plan.
"""

from __future__ import annotations

from operator import attrgetter, itemgetter

from sheetsync.core.catalogue import say
from sheetsync.core.check import Checked
from sheetsync.core.diff import same_value
from sheetsync.core.legend import blocks_legend, legend
from sheetsync.core.result import Finding
from sheetsync.core.sheets import generated_sheets
from sheetsync.core.tables import Table
from sheetsync.formats import unit_format
from sheetsync.workbook import CellWrite, Highlight, Plan, SheetPatch

PIPELINE_OWNED = ("measured", "status", "why")


def _header(table: Table, key: str, aliases: dict[str, list[str]], col: int,
            patch: SheetPatch) -> None:
    if key not in table.columns:
        patch.cells[(table.header_row, col)] = CellWrite(aliases[key][0], bold=True)


def _last_row(table: Table) -> int:
    return max((r for r, _ in table.rows), default=table.header_row + 1)


def pipeline_patch(checked: Checked) -> SheetPatch:
    """Measured, Status and Why for every worksheet row, and the leak highlights."""
    t, rules = checked.pipeline, checked.rules
    cols = {k: t.owned_column(k, PIPELINE_OWNED) for k in PIPELINE_OWNED}
    statuses = [len(row.status) for row in checked.result.pipeline]
    patch = SheetPatch(sheet=t.sheet, col_widths={
        cols["measured"]: 12,
        cols["status"]: min(max(statuses, default=0) + 3, 44) if statuses else 26,
        cols["why"]: 60})
    for key, col in cols.items():
        _header(t, key, rules.pipeline_columns, col, patch)
    for row in checked.result.pipeline:
        fmt = unit_format(row.unit, checked.result.currency)
        patch.cells[(row.row, cols["measured"])] = CellWrite(row.measured, fmt)
        patch.cells[(row.row, cols["status"])] = CellWrite(row.status, wrap=True)
        patch.cells[(row.row, cols["why"])] = CellWrite(row.why or None, wrap=True)
    first = min(t.columns.values())
    guide = legend(t, checked.pipeline_grid, [row.row for row in checked.result.pipeline],
                   cols["status"], cols["why"])
    last = _last_row(t)
    if guide is not None:
        patch.cells.update(guide.cells)
        last = guide.first_row - 2              # the table's colours stop above the legend
    span = (t.header_row + 1, last, first, cols["why"], cols["status"])
    patch.highlights = [
        Highlight(*span, tone="fix", match="prefix", text=say("status-fix-this-week")),
        Highlight(*span, tone="leak", match="prefix", text=say("status-leak")),
        Highlight(*span, tone="below", match="prefix", text=say("status-below-target")),
        *(guide.highlights if guide is not None else []),
    ]
    return patch


def blocks_patch(checked: Checked) -> SheetPatch | None:
    t = checked.blocks
    if t is None:
        return None
    col = t.owned_column("status", ["status"])
    widest = max((len(row.status) for row in checked.result.blocks), default=17)
    patch = SheetPatch(sheet=t.sheet, col_widths={col: min(max(widest + 3, 20), 44)})
    _header(t, "status", checked.rules.blocks_columns, col, patch)
    for row in checked.result.blocks:
        patch.cells[(row.row, col)] = CellWrite(row.status, wrap=True)
    first = min(t.columns.values())
    guide = blocks_legend(t, checked.blocks_grid, [row.row for row in checked.result.blocks],
                          col)
    last = _last_row(t)
    if guide is not None:
        patch.cells.update(guide.cells)
        last = min(last, guide.first_row - 2)     # the table's colours stop above it
    patch.highlights = [
        Highlight(t.header_row + 1, last, first, col, col, tone="leak",
                  match="prefix", text=say("status-leak")),
        *(guide.highlights if guide is not None else []),
    ]
    return patch


_RANK = {"error": 0, "warning": 1, "info": 2}


def said(f: Finding) -> str:
    """A finding in one line, as its Check cell and its note say it: what is wrong,
    then the edit that clears it."""
    return f"{f.message} {f.fix}".strip()


def _said_all(findings: list[Finding]) -> list[str]:
    """`said` of each finding, without a call per finding (a messy log has tens of
    thousands)."""
    return [f"{f.message} {f.fix}".strip() for f in findings]


_ROW, _COLUMN = attrgetter("row"), attrgetter("column")


def check_text(findings: list[Finding], words: list[str]) -> str:
    """A lead row's Check cell: each finding's `words` (`said`), most serious first.
    One finding's cell is its words themselves (the same string as its note)."""
    if len(findings) == 1:
        return words[0]
    ranks = [_RANK[f.severity] for f in findings]
    if ranks != sorted(ranks):                  # a stable sort: equals keep their order
        words = [words[i] for i in sorted(range(len(words)), key=ranks.__getitem__)]
    return " • ".join(words)


def _check_texts(findings: list[Finding], words: list[str]) -> dict[int, str]:
    """Each row's Check cell (`check_text`), worked out column-wise: most rows have one
    finding, whose words are the cell; only rows with several are ranked."""
    rows = list(map(_ROW, findings))
    texts = dict(zip(rows, words, strict=True))
    if len(texts) < len(rows):                  # some rows have several findings
        several: dict[int, list[int]] = {}
        for i, r in enumerate(rows):
            several.setdefault(r, []).append(i)
        for r, at in several.items():
            if len(at) > 1:
                texts[r] = check_text([findings[i] for i in at], [words[i] for i in at])
    return texts


def leads_patch(checked: Checked) -> SheetPatch | None:
    """The Check column (cleared on rows that are now fine), notes, and highlights.

    A Check cell that already reads what it should is left out of the patch: on a log
    of 50,000 leads only the rows whose findings changed are written (the first sync
    writes the rows that have findings, a later one only what moved), so the backend
    touches those rows and no others.
    """
    t = checked.leads_table
    if t is None:
        return None
    col = t.owned_column("check", ["check"])
    patch = SheetPatch(sheet=t.sheet, col_widths={col: 70})
    _header(t, "check", checked.rules.lead_columns, col, patch)
    sheet = t.sheet
    in_table = set(map(itemgetter(0), t.rows))  # Check cells and notes: the log's rows only
    mine = [f for f in checked.result.findings
            if f.sheet == sheet and f.row in in_table and f.severity != "info"]
    words = _said_all(mine)
    texts = _check_texts(mine, words)
    # A note on each faulty cell: the first finding on a cell says it (the backend writes
    # NOTE_PREFIX before it).  Filled from the last finding back, so the first one wins.
    by_header = {h: t.columns[k] for k, h in t.headers.items()}
    cells = list(zip(map(_ROW, mine), map(by_header.get, map(_COLUMN, mine)), strict=True))
    patch.notes = {rc: w for rc, w in zip(reversed(cells), reversed(words), strict=True)
                   if rc[1] is not None}
    # What the Check cells hold now (only the filled ones; none on a first sync).
    held = {r: v for r, row in t.rows if col <= len(row) and (v := row[col - 1]) is not None
            and v != ""}
    writes = patch.cells
    clear = CellWrite(None, wrap=False)         # one for every row that is now fine
    for r in sorted(held.keys() - texts.keys()):
        writes[(r, col)] = clear
    for r, text in texts.items():
        old = held.get(r)
        if old is None or (old != text and not same_value(old, text)):
            writes[(r, col)] = CellWrite(text)
    if t.rows:
        first = min(t.columns.values())
        patch.highlights = [
            Highlight(t.header_row + 1, _last_row(t), first, col, col, tone="finding")
        ]
    return patch


def build_plan(checked: Checked, synced_at: str) -> Plan:
    """Every owned cell a sync writes for this check.  `synced_at` is the only clock."""
    patches = [p for p in (pipeline_patch(checked), blocks_patch(checked),
                           leads_patch(checked)) if p is not None]
    return Plan(patches=patches, generated=generated_sheets(checked, synced_at))
