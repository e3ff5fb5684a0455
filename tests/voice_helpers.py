"""Every text an operator reads after a sync, collected from a real synced .xlsx.

`operator_texts` reads the workbook back with openpyxl and lists, one per line as
`Sheet!Cell: text`, every owned cell sheetsync wrote: Measured (as the sheet shows it),
Status and Why on Pipeline, Status on Blocks, Check on Leads and the notes sheetsync
left on lead cells, and every text cell of Findings, Review, Metrics and the weekly
history.  Diff-friendly: one text per line, in sheet order.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from conftest import REPO

from sheetsync.workbook import NOTE_PREFIX

GENERATED = ("Metrics", "Findings", "Review", "Weekly history")
OWNED = {"Pipeline": ("Measured", "Status", "Why"), "Blocks": ("Status",), "Leads": ("Check",)}


def sync(path: Path, as_of: str = "2026-11-16") -> str:
    """`sheetsync sync` on `path` in a subprocess; its summary line (stdout)."""
    done = subprocess.run([sys.executable, "-m", "sheetsync", "sync", str(path),
                           "--as-of", as_of], capture_output=True, text=True, cwd=REPO,
                          check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def shown(value: object, number_format: str) -> str:
    """A cell value roughly as Excel shows it with its number format."""
    if isinstance(value, (dt.date, dt.datetime)):
        return _shown_date(value, number_format)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    fmt = _section(number_format, value)
    if "%" in fmt:
        places = len(fmt.split(".")[1].split("%")[0]) if "." in fmt else 0
        v = Decimal(repr(value)) * 100
        return f"{v.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)}%"
    places = len(fmt.split(".")[1].split('"')[0].rstrip("#")) if "." in fmt else 0
    half_up = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{half_up:,}" if "," in fmt else f"{half_up}"      # as Excel rounds
    prefix = fmt.split("#")[0].split("0")[0].replace('"', "").replace("\\", "")
    suffix = fmt.rsplit("0", 1)[-1].replace('"', "") if '"' in fmt.rsplit("0", 1)[-1] else ""
    return f"{prefix}{text}{suffix}"


DATE_PARTS = {"hh:mm": "%H:%M", "yyyy": "%Y", "yy": "%y", "mmmm": "%B", "mmm": "%b",
              "mm": "%m", "dd": "%d", "hh": "%H", "ss": "%S"}


def _shown_date(value: dt.date, number_format: str) -> str:
    """A date as its number format shows it ("d mmm yyyy" -> 16 Nov 2026)."""
    out, code = "", number_format.replace('"', "").replace("\\", "")
    while code:
        token = next((t for t in DATE_PARTS if code.startswith(t)), None)
        if token is not None:
            out += format(value, DATE_PARTS[token])
            code = code[len(token):]
        elif code[0] in "dm" and not code[1:2].isalpha():   # d, m: no leading zero
            out += str(value.day if code[0] == "d" else value.month)
            code = code[1:]
        else:
            out, code = out + code[0], code[1:]
    return out


def _section(number_format: str, value: float) -> str:
    """The section of a conditional format ("[=0]0%;[<0.1]0.0%;0%") that `value` takes."""
    import re

    for part in number_format.split(";"):
        m = re.match(r"\[([<>=]+)([\d.]+)\](.*)", part)
        if m is None:
            return part
        op, limit = m[1], float(m[2])
        if {"=": value == limit, "<": value < limit, ">": value > limit,
                "<=": value <= limit, ">=": value >= limit}.get(op, False):
            return m[3]
    return number_format


def operator_texts(path: Path) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    lines: list[str] = []
    for name in wb.sheetnames:
        ws = wb[name]
        if name in OWNED:
            head_row, cols = _owned_columns(ws, OWNED[name])
            for row in ws.iter_rows(min_row=head_row + 1):
                for cell in row:
                    if cell.column in cols and cell.value not in (None, ""):
                        lines.append(f"{name}!{cell.coordinate}: "
                                     f"{shown(cell.value, cell.number_format)}")
                    note = cell.comment.text if cell.comment else ""
                    if note.startswith(NOTE_PREFIX):
                        lines.append(f"{name}!{cell.coordinate} (note): {note}")
        elif name in GENERATED:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value not in (None, ""):
                        lines.append(f"{name}!{cell.coordinate}: "
                                     f"{shown(cell.value, cell.number_format)}")
    return lines


def _owned_columns(ws, headers: tuple[str, ...]) -> tuple[int, set[int]]:
    for row in ws.iter_rows(max_row=30):
        found = {c.column for c in row if isinstance(c.value, str) and c.value in headers}
        if found:
            return row[0].row, found
    return 1, set()
