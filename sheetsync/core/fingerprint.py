"""Fingerprints of the big generated sheets, kept in the Metrics sheet.

On a 50,000-lead log the Findings and Review sheets hold tens of thousands of rows;
reading them back on every scheduled sync only to find them unchanged costs as much
as reading the lead log.  Each sync writes a fingerprint of what it put in them (a
hash of the planned content) at the foot of the Metrics sheet; the next sync compares
fingerprints and never reads those sheets: unchanged, they are left alone; changed,
they are rewritten whole (they are tool-only sheets).
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Sequence

from sheetsync import __version__
from sheetsync.workbook import CellWrite, GeneratedSheet, PlainRows, Plan, RawWorkbook

FINGERPRINTED = ("Findings", "Review")
# The row is hidden (the tool's bookkeeping, not the operator's); if shown, it says so.
LABEL = "For sheetsync (do not edit)"
LABELS = (LABEL, "Content fingerprint")      # and as syncs before wrote it
_FORMAT = "3"          # bump when the same plan would be written or hashed differently
_BATCH = 2000          # rows hashed at a time


def fingerprint(sheet: GeneratedSheet) -> str:
    """A short hash of everything `sheet` writes: values, formats, widths, highlights."""
    h = hashlib.sha256(f"{_FORMAT} {__version__}".encode())
    h.update(repr((sheet.name, sheet.col_widths, sheet.header_rows, sheet.highlights)).encode())
    for entry in sheet.rows:
        if isinstance(entry, PlainRows):
            h.update(repr((entry.formats, sorted(entry.wrap))).encode())
            for i in range(0, len(entry.rows), _BATCH):      # never one 45 MB string
                h.update(_by_value(entry.rows[i:i + _BATCH]))
                if entry.links is not None:
                    h.update(_by_value(entry.links[i:i + _BATCH]))
        else:
            h.update(repr(entry).encode())
    return h.hexdigest()[:16]


def _by_value(rows: Sequence[object]) -> bytes:
    """`rows` as bytes that depend on their values only: a pickle without its memo (in
    "fast" mode, equal values are written out each time, whichever object holds them),
    five times quicker than repr on the Findings sheet of a 50,000-lead log."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    pickler.fast = True
    pickler.dump(rows)
    return out.getbuffer().tobytes()


def stamp_fingerprints(plan: Plan) -> dict[str, str]:
    """Fingerprint the plan's big generated sheets and write them at the foot of Metrics.

    Returns {sheet name: fingerprint}; empty when the plan has no Metrics sheet.
    """
    prints = {s.name: fingerprint(s) for s in plan.generated if s.name in FINGERPRINTED}
    metrics = next((s for s in plan.generated if s.name == "Metrics"), None)
    if metrics is None or not prints:
        return {}
    text = " ".join(f"{name}:{value}" for name, value in prints.items())
    metrics.rows += [[], [CellWrite(LABEL, "text", True), CellWrite(text)]]
    metrics.hidden_rows.add(metrics.height)
    return prints


def stored_fingerprints(raw: RawWorkbook) -> dict[str, str]:
    """The fingerprints the previous sync left in the Metrics sheet ({} when none)."""
    for cells in raw.sheets.get("Metrics", []):
        if len(cells) > 1 and cells[0] in LABELS and isinstance(cells[1], str):
            pairs = (part.partition(":") for part in cells[1].split())
            return {name: value for name, _, value in pairs if value}
    return {}


def unread(raw: RawWorkbook, prints: dict[str, str]) -> tuple[list[str], list[str]]:
    """The fingerprinted sheets the workbook has but were not read, split in two: those
    the previous sync wrote exactly as this one plans (leave them), and the stale ones
    (rewrite them whole)."""
    stored = stored_fingerprints(raw)
    names = [n for n in prints if n not in raw.sheets and n in raw.all_sheets]
    same = [n for n in names if stored.get(n) == prints[n]]
    return same, [n for n in names if n not in same]
