"""The Excel backend: read with python-calamine, write by patching only owned XML parts.

openpyxl's load-and-save drops parts it does not model (x14 data validations, shapes,
form controls, threaded comments...), so sync never round-trips a workbook through it:
`write` copies every zip member it does not own byte for byte and rewrites only the
sheet parts (and the few package parts) the Plan touches.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.backends import Reading
from sheetsync.workbook import Plan, RawWorkbook

if TYPE_CHECKING:
    from sheetsync.backends.xlsx.package import Package


class XlsxFile:
    """An .xlsx/.xlsm workbook on disk."""

    # Reading one sheet costs only that sheet, so a sync may leave the big generated
    # sheets unread when their fingerprint says they have not changed.
    reads_by_sheet = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.label = str(path)
        self._package: Package | None = None    # the model the last read made

    def _keep(self, package: Package) -> None:
        self._package = package

    def read(self, wanted: Callable[[str], bool] | None = None) -> RawWorkbook:
        from sheetsync.backends.xlsx.read import read_workbook

        return read_workbook(self.path, wanted=wanted, keep=self._keep)

    def begin_read(self, wanted: Callable[[str], bool] | None = None) -> Reading:
        from sheetsync.backends.xlsx.read import begin_reading

        return begin_reading(self.path, wanted=wanted, keep=self._keep)

    def apply(self, plan: Plan, *, force: bool = False) -> None:
        """Write `plan`, with the package model the read made when the file is still the
        one read (the model is used up: a write changes it)."""
        from sheetsync.backends.xlsx.write import apply_plan

        package, self._package = self._package, None
        apply_plan(self.path, plan, force=force, package=package)
