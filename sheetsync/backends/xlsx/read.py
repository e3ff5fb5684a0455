"""Read a workbook's sheets into plain grids with python-calamine (the fast path).

Grids start at A1 (`skip_empty_area=False`) so row and column numbers are the sheet's
own: the writer patches owned cells by those numbers.  calamine returns dates as
date/datetime (1900 and 1904 systems alike), times as time, durations ([h]:mm) as
timedelta, cached values for formulas, and "" for empty cells, for formulas without a
cached value and for error cells.  Error cells are put back as `CellError` from one
streaming pass over the sheet XML (scan.py), which also bounds the sheet's size
before calamine allocates it.  Empty strings are left as they are: the core treats
"" as empty, and converting a million cells in Python would cost more than the read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sheetsync.backends import Reading
from sheetsync.backends.xlsx.package import Package
from sheetsync.backends.xlsx.safety import fail, open_package
from sheetsync.backends.xlsx.scan import SheetScan, scan_sheet
from sheetsync.errors import SourceError
from sheetsync.workbook import Grid, RawWorkbook


def read_workbook(path: Path, wanted: Callable[[str], bool] | None = None,
                  keep: Callable[[Package], None] | None = None) -> RawWorkbook:
    """The sheets of `path` that `wanted` accepts (all when None), as grids from A1.

    Hidden and very hidden sheets are read like the others.  Raises SourceError with
    one line naming the file when it is not a workbook that can be read safely.
    """
    return _finish(_prepare(Path(path), wanted, keep))


def begin_reading(path: Path, wanted: Callable[[str], bool] | None = None,
                  keep: Callable[[Package], None] | None = None) -> Reading:
    """The same read, with the calamine part on a helper thread.

    The safety checks and the scan run here, first: they are what makes it safe to let
    calamine allocate a sheet.  calamine builds a sheet without holding the GIL, which
    is most of a big read, so the caller's own work runs beside it.
    """
    prepared = _prepare(Path(path), wanted, keep)
    return Reading(lambda: _finish(prepared))


@dataclass
class _Prepared:
    path: Path
    wanted: Callable[[str], bool] | None
    sheets: dict[str, str]          # sheet name -> worksheet part, in tab order
    date1904: bool
    scans: dict[str, SheetScan]


def _prepare(path: Path, wanted: Callable[[str], bool] | None,
             keep: Callable[[Package], None] | None = None) -> _Prepared:
    """The checks, the package model (handed to `keep`: a sync writes with it) and the
    scan of each wanted sheet."""
    zf = open_package(path)
    try:
        pkg = Package.open(zf, path)
        if keep is not None:
            keep(pkg)
        scans: dict[str, SheetScan] = {}
        for name, part in pkg.sheets.items():
            if (wanted is None or wanted(name)) and part in zf.NameToInfo:
                scans[name] = scan_sheet(path, zf, part, name)
    finally:
        zf.close()
    return _Prepared(path, wanted, pkg.sheets, pkg.date1904, scans)


def _finish(prepared: _Prepared) -> RawWorkbook:
    path = prepared.path
    sheets = _calamine_grids(path, prepared.wanted)
    for name, scan in prepared.scans.items():
        grid = sheets.get(name)
        if grid is not None and scan.errors:
            _put_errors(grid, scan)
    return RawWorkbook(source=str(path), sheets=sheets, title=path.name,
                       date1904=prepared.date1904, all_sheets=list(prepared.sheets))


def _calamine_grids(path: Path, wanted: Callable[[str], bool] | None) -> dict[str, Grid]:
    from python_calamine import CalamineWorkbook

    sheets: dict[str, Grid] = {}
    name = ""
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            for name in book.sheet_names:
                if wanted is None or wanted(name):
                    grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                    sheets[name] = cast(Grid, grid)
    except SourceError:
        raise
    except Exception as exc:  # calamine raises its own types; any of them ends the run
        where = f"sheet {name!r} " if name else ""
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise fail(path, f"{where}cannot be read as a workbook ({reason}); open it in Excel"
                   " and save it again") from exc
    return sheets


def _put_errors(grid: Grid, scan: SheetScan) -> None:
    """Replace calamine's "" with the CellError the sheet XML holds there."""
    for (row, col), error in scan.errors.items():
        if row - 1 < len(grid):
            cells = grid[row - 1]
            if col - 1 < len(cells) and cells[col - 1] in ("", None):
                cells[col - 1] = error
