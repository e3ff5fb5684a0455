"""Read a workbook's sheets into plain grids with python-calamine (the fast path).

Grids start at A1 (`skip_empty_area=False`) so row and column numbers are the sheet's
own: the writer patches owned cells by those numbers.  calamine returns dates as
date/datetime (1900 and 1904 systems alike), cached values for formulas, and "" for
empty cells (and for error cells, which it does not expose).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from sheetsync.backends.xlsx.safety import check_package
from sheetsync.errors import SourceError
from sheetsync.workbook import Grid, RawWorkbook


def read_workbook(path: Path, wanted: Callable[[str], bool] | None = None) -> RawWorkbook:
    """The sheets of `path` that `wanted` accepts (all when None), as grids."""
    check_package(path)
    from python_calamine import CalamineWorkbook

    sheets: dict[str, Grid] = {}
    try:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            if wanted is None or wanted(name):
                grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                sheets[name] = cast(Grid, grid)
    except SourceError:
        raise
    except Exception as exc:  # calamine raises its own types; any of them ends the run
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(f"{path.name}: cannot be read as a workbook ({reason[:160]})") from exc
    return RawWorkbook(source=str(path), sheets=sheets, title=path.name)
