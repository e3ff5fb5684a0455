"""The legend under the Pipeline table: each colour and each Status word, in owned cells.

It sits in the Status and Why columns (owned columns), two rows under the last stage
row, on rows whose operator columns are empty; if the operator uses those rows, no
legend is written.  Each row's Status cell holds the very word the Status column shows
and is filled with that word's colour (by a highlight rule of its own, as the table's
rows are), so the legend is a sample of the colours, not only a description of them.
Its words come from the catalogue: the Status words and what they mean
(`catalogue.legend()`), each colour's name, and the pale yellow of the Leads sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheetsync.core import catalogue
from sheetsync.core.tables import Table, is_empty
from sheetsync.core.text import small
from sheetsync.workbook import CellWrite, Grid, Highlight, Tone

# A highlight tone (None: no colour) -> the catalogue entry naming its colour.
COLOUR_NAMES: dict[str | None, str] = {
    "fix": "legend-colour-fix",
    "leak": "legend-colour-leak",
    "below": "legend-colour-below",
    None: "legend-colour-none",
    "finding": "legend-colour-finding",
}


@dataclass
class Legend:
    """The legend's cells ((row, col) -> CellWrite) and the highlights that colour its
    Status words as the table's rules colour the table."""

    cells: dict[tuple[int, int], CellWrite]
    highlights: list[Highlight]
    first_row: int
    last_row: int


def legend_lines() -> list[tuple[str, str, str | None]]:
    """(word in Status, what it means with its colour named, tone) of each legend line."""
    lines = [(word, f"{catalogue.say(COLOUR_NAMES[tone])} {meaning}", tone)
             for word, meaning, tone in catalogue.legend()]
    lines.append((catalogue.say("legend-finding-word"),
                  f"{catalogue.say(COLOUR_NAMES['finding'])} {catalogue.say('legend-finding')}",
                  "finding"))
    return lines


def legend(table: Table, grid: Grid | None, stage_rows: list[int], status_col: int,
           why_col: int) -> Legend | None:
    """The legend under the table's last stage row; None when the operator uses those
    rows (`grid`: the whole sheet, to see them)."""
    if not stage_rows:
        return None
    first = max(stage_rows) + 2
    lines = legend_lines()
    last = first + len(lines)
    operator_cols = [c for key, c in table.columns.items()
                     if c not in (status_col, why_col) and key != "measured"]
    for r in range(first - 1, last + 1):
        cells = grid[r - 1] if grid is not None and r <= len(grid) else None
        if cells is not None and any(c <= len(cells) and not is_empty(cells[c - 1])
                                     for c in operator_cols):
            return None                           # the operator uses these rows
    out = {(first, status_col): CellWrite(catalogue.say("legend-title-status"), bold=True,
                                          wrap=True),
           (first, why_col): CellWrite(catalogue.say("legend-title"), bold=True, wrap=True)}
    colours: list[Highlight] = []
    for r, (word, meaning, tone) in enumerate(lines, start=first + 1):
        out[(r, status_col)] = CellWrite(word, wrap=True)
        out[(r, why_col)] = CellWrite(meaning, wrap=True)
        if tone is not None:
            shade: Tone = tone      # type: ignore[assignment]
            colours.append(Highlight(r, r, status_col, why_col, status_col, tone=shade))
    return Legend(out, colours, first, last)


BLOCK_PROBLEMS = ("status-block-no-owner", "status-block-no-output", "status-block-no-rule")


def blocks_legend_lines() -> list[tuple[str, str | None]]:
    """(line, tone) of the Blocks legend: each problem a Status names, then OK, each
    with what to do, all in the catalogue's words."""
    lines: list[tuple[str, str | None]] = [
        (f"{catalogue.say('status-block-leak', problems=catalogue.say(i))} — "
         f"{small(catalogue.entry(i).fix)}", "leak") for i in BLOCK_PROBLEMS]
    lines.append((f"{catalogue.say('status-ok')} — {small(catalogue.entry('status-ok').fix)}",
                  None))
    return lines


def blocks_legend(table: Table, grid: Grid | None, block_rows: list[int],
                  status_col: int) -> Legend | None:
    """The Blocks legend in its Status column (the only column sheetsync owns there),
    two rows under the last block; None when the operator uses those rows."""
    if not block_rows:
        return None
    first = max(block_rows) + 2
    lines = blocks_legend_lines()
    last = first + len(lines)
    cols = [c for c in table.columns.values() if c != status_col] + [status_col]
    for r in range(first - 1, last + 1):
        cells = grid[r - 1] if grid is not None and r <= len(grid) else None
        if cells is not None and any(c <= len(cells) and not is_empty(cells[c - 1])
                                     for c in cols if c != status_col or r < first):
            return None                           # the operator uses these rows
    out = {(first, status_col): CellWrite(catalogue.say("legend-title-status"), bold=True,
                                          wrap=True)}
    colours = [Highlight(r, r, status_col, status_col, status_col, tone="leak")
               for r, (_, tone) in enumerate(lines, start=first + 1) if tone == "leak"]
    for r, (line, _) in enumerate(lines, start=first + 1):
        out[(r, status_col)] = CellWrite(line, wrap=True)
    return Legend(out, colours, first, last)
