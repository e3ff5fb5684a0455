"""A pasted export's columns: where the lead log is, which columns a check used, which it
ignored (with the nearest name it knows), which it needs and the log lacks (DESIGN.md §8).

A column the log does not have is one finding for the column, never one per lead; a
value refused for its format is that one finding, not also "missing".
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence

from sheetsync.core import values
from sheetsync.core.leads import Lead
from sheetsync.core.result import ColumnReport, Finding, IgnoredColumn, found
from sheetsync.core.rules import Handoffs, Rules
from sheetsync.core.rules_file import GENERATED
from sheetsync.core.tables import HEADER_SCAN_ROWS, Table, find_table, is_empty
from sheetsync.core.text import count
from sheetsync.core.validate import is_open
from sheetsync.workbook import Grid, RawWorkbook

_KNOWN = ("pipeline", "blocks", "leads", "rules")


def other_sheets(raw: RawWorkbook, rules: Rules, used: Iterable[str]) -> list[str]:
    """Sheets that are none of the workbook's own, in workbook order."""
    mine = {values.normalize_header(n) for k in _KNOWN for n in rules.sheets.get(k, [])}
    mine |= {values.normalize_header(n) for n in GENERATED}
    mine |= {values.normalize_header(n) for n in used}
    names = raw.all_sheets or list(raw.sheets)
    return [n for n in names if values.normalize_header(n) not in mine]


def unread_elsewhere(raw: RawWorkbook, rules: Rules) -> list[str]:
    """The unread sheets to look at for a lead log: only when the Leads sheet is missing
    or has no row under its header (a read of the usual workbook never needs them)."""
    from sheetsync.core.tables import find_sheet

    name = find_sheet(list(raw.sheets), rules.sheets["leads"])
    if name is not None:
        filled = 0
        for cells in raw.sheets[name]:
            if any(not is_empty(v) for v in cells):
                filled += 1
                if filled > 1:
                    return []
    return [n for n in other_sheets(raw, rules, ()) if n not in raw.sheets]


def open_stage_column(table: Table, grid: Grid, rules: Rules) -> None:
    """Note the log's `open_stage` column beside its stage column: Pipedrive's "Deal -
    Stage" beside its "Deal - Status" (won and lost in one, an open deal's pipeline stage
    in the other).  Its header reads as a stage alias once punctuation is dropped, so it
    is matched here by its exact words: a log's own second "Status" is never taken."""
    if "stage" not in table.columns or "open_stage" in table.columns:
        return
    words = {_words(name) for name in rules.open_stage_columns}
    known = set(table.columns.values())
    for c, v in enumerate(grid[table.header_row - 1] if table.header_row <= len(grid) else [],
                          start=1):
        if c not in known and isinstance(v, str) and _words(v) in words:
            table.columns["open_stage"] = c
            table.headers["open_stage"] = v.strip()
            if v.strip() in table.unknown:
                table.unknown.remove(v.strip())
            return


def _words(header: str) -> str:
    return " ".join(header.casefold().split())


def lead_log_elsewhere(raw: RawWorkbook, rules: Rules, used: Iterable[str]) -> Table | None:
    """The first other sheet whose header row is a lead log with rows (a pasted export
    left on a sheet named after its file, say)."""
    for name in other_sheets(raw, rules, used):
        grid = raw.sheets.get(name)
        if grid:
            table = find_table(grid, name, rules.lead_columns, min_matches=3)
            if table is not None and table.rows:
                return table
    return None


def unknown_headers(grid: Grid, sheet: str, rules: Rules) -> Finding | None:
    """The finding for a log with rows whose header row names nothing sheetsync knows."""
    filled = [(r, cells) for r, cells in enumerate(grid[:HEADER_SCAN_ROWS], start=1)
              if any(not is_empty(v) for v in cells)]
    if len(filled) < 2:
        return None
    header_row, cells = filled[0]
    headers = [values.text_of(v) for v in cells if not is_empty(v)]
    rows = sum(1 for cells in grid[header_row:] if any(not is_empty(v) for v in cells))
    shown = ", ".join(headers[:6]) + (", …" if len(headers) > 6 else "")
    examples = ", ".join(rules.lead_columns[k][0] for k in ("lead", "source", "date_in", "stage")
                         if k in rules.lead_columns)
    return found("leads-headers-unknown", sheet=sheet, row=header_row,
                 rows=count(rows, "row"), header_row=header_row, headers=shown,
                 examples=examples)


def nearest(header: str, rules: Rules, used: Iterable[str] = ()) -> str | None:
    """The known column closest to `header`, as it is usually typed (None if none is).
    Columns already read from another header (`used` fields) are not suggested."""
    names: dict[str, str] = {}
    taken = set(used) | {"check"}
    for key, aliases in rules.lead_columns.items():
        if key in taken:
            continue
        for name in [key, *aliases]:
            names.setdefault(values.normalize_header(str(name)), aliases[0] if aliases else key)
    norm = values.normalize_header(header)
    if norm in names:
        return names[norm]
    close = difflib.get_close_matches(norm, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def refused_cells(unreadable: Sequence[Finding], table: Table) -> tuple[set[tuple[int, str]],
                                                                          Counter[str]]:
    """((row, header) of every refused cell, refused cells per field)."""
    key_of = {h: k for k, h in table.headers.items()}
    cells = {(f.row or 0, f.column or "") for f in unreadable if f.sheet == table.sheet}
    per_field = Counter(key_of.get(c, c) for _, c in sorted(cells))   # sorted: same order every run
    return cells, per_field


def lost_rows(unreadable: Sequence[Finding], table: Table, leads: list[Lead],
              rules: Rules) -> dict[str, list[tuple[int, str, str]]]:
    """counter -> rows it left out because a value it reads was refused, each as
    (row, the lead's name, the refused headers as typed).

    A row counts for a counter only where the rest of the row says it would have
    counted (a refused Closed date matters to the conversion rate on a won or lost
    lead, not on an open one); a refused date could have been in any window.
    """
    key_of = {h: k for k, h in table.headers.items()}
    refused: dict[int, set[str]] = {}
    headers: dict[int, list[str]] = {}
    for f in unreadable:
        if f.sheet == table.sheet and f.row is not None:
            refused.setdefault(f.row, set()).add(key_of.get(f.column or "", ""))
            headers.setdefault(f.row, []).append(f.column or "")
    if not refused:
        return {}
    closed = set(rules.closed_stages)
    out: dict[str, list[tuple[int, str, str]]] = {}
    for lead in leads:
        keys = refused.get(lead.row)
        if not keys:
            continue
        lost = {"leads_per_week": "date_in" in keys,
                "qualified_rate": "date_in" in keys and lead.decision is not None
                or "decision" in keys}
        if "stage" in keys:
            lost.update(conversion_rate=True, average_deal_size=True, cycle_time_days=True)
        elif lead.stage in closed:
            lost["conversion_rate"] = bool(keys & {"closed_date", "decision"})
            if lead.stage == "won":
                lost["average_deal_size"] = bool(keys & {"closed_date", "deal_size"})
                lost["cycle_time_days"] = bool(keys & {"closed_date", "date_in"})
        said = (lead.row, lead.name(), " and ".join(dict.fromkeys(headers[lead.row])))
        for k, v in lost.items():
            if v:
                out.setdefault(k, []).append(said)
    return out


def absent_fields(table: Table, leads: list[Lead], rules: Rules) -> dict[str, int]:
    """Columns a rule needs that the log lacks -> how many leads would need them.

    A column empty on every row of a log of `min_sample` leads or more counts as absent
    too: an export's column its CRM never filled (one finding, not one per lead).
    """
    h = rules.handoffs
    groups = {"decided": [*h.research, *h.qualification], "sent": h.outreach, "open": h.crm,
              "closed": ["closed_date"], "won": ["deal_size"]}
    big = len(leads) >= rules.min_sample

    def lacks(key: str) -> bool:
        if key not in table.columns:
            return True
        return big and key in Lead._fields and not _filled(table, key)

    missing = {g: [k for k in keys if lacks(k)] for g, keys in groups.items()}
    if not any(missing.values()):
        return {}                       # the usual log: nothing to count
    closed_stages = set(rules.closed_stages)
    stop = set(rules.stop_replies)
    n = dict.fromkeys(groups, 0)
    for lead in leads:
        n["decided"] += lead.decision is not None
        n["open"] += is_open(lead, rules)
        n["sent"] += (lead.sent_date is not None and lead.reply_status not in stop
                      and lead.stage not in closed_stages)
        n["closed"] += lead.stage in closed_stages
        n["won"] += lead.stage == "won"
    need: dict[str, int] = {}
    for group, keys in missing.items():
        for key in keys:
            if n[group]:
                need[key] = max(need.get(key, 0), n[group])
    return need


def decisions_typed(table: Table) -> bool:
    """True when the log routes leads: a Decision column with something typed in it.

    A log without one (a CRM export, or one pasted over a new workbook's headers, whose
    Decision column then stays empty) counts every lead as pursued (DESIGN.md §8).
    """
    return "decision" in table.columns and (not table.rows or _filled(table, "decision"))


def _filled(table: Table, key: str) -> bool:
    """True when some row has something typed in column `key` (readable or not)."""
    return not all(map(is_empty, table.column_values(key)))


def without(rules: Rules, absent: Iterable[str]) -> Rules:
    """`rules` whose handoffs no longer ask for the `absent` columns."""
    gone = set(absent)
    if not gone:
        return rules
    h = rules.handoffs
    kept = Handoffs(**{name: [k for k in getattr(h, name) if k not in gone]
                       for name in ("research", "qualification", "outreach", "crm")})
    return rules.model_copy(update={"handoffs": kept})


def column_findings(table: Table, need: dict[str, int], rules: Rules) -> list[Finding]:
    """One finding per absent column (and one note when there is no Decision column)."""
    out = []
    for k, n in need.items():
        if k in table.headers:
            out.append(found("lead-column-empty", sheet=table.sheet,
                             column=table.headers[k], field=_usual(k, rules),
                             leads=count(n, "lead")))
        else:
            out.append(found("lead-column-absent", sheet=table.sheet,
                             column=_usual(k, rules), leads=count(n, "lead")))
    if not decisions_typed(table):
        out.append(found("qualified-rate-not-tracked", sheet=table.sheet))
    return out


def _usual(key: str, rules: Rules) -> str:
    names = rules.lead_columns.get(key)
    return names[0] if names else key


def drop_cells(findings: list[Finding], table: Table, refused: set[tuple[int, str]],
               absent: Iterable[str], rules: Rules) -> list[Finding]:
    """The lead findings without those about a refused cell or a column the log lacks:
    each is already said once (the refused value, the absent column)."""
    gone = {table.headers.get(k) or _usual(k, rules) for k in absent}
    if not refused and not gone:
        return findings
    return [f for f in findings if f.sheet != table.sheet or not (
        f.column in gone or (f.row or 0, f.column or "") in refused)]


def report(table: Table | None, rules: Rules, skipped: list[str],
           refused_per_field: Counter[str], absent: Iterable[str]) -> ColumnReport:
    """The column report of check's text and JSON."""
    if table is None:
        return ColumnReport(skipped_sheets=skipped)
    return ColumnReport(
        sheet=table.sheet,
        header_row=table.header_row,
        used={k: h for k, h in sorted(table.headers.items(), key=lambda kv: table.columns[kv[0]])
              if k != "check"},
        ignored=[IgnoredColumn(header=h, nearest=nearest(h, rules, table.columns))
                 for h in table.unknown],
        absent=[table.headers.get(k) or _usual(k, rules) for k in absent],
        unreadable={table.headers.get(k, k): n for k, n in refused_per_field.items()},
        skipped_sheets=skipped,
        decision_tracked=decisions_typed(table),
    )
