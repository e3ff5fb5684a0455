"""Golden files (tests/golden/): expected output kept beside its input, as csvkit keeps
them.  `assert_golden` compares; with SHEETSYNC_UPDATE_GOLDEN=1 it rewrites the file
instead (then read the diff as an operator would before committing it)."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("SHEETSYNC_UPDATE_GOLDEN") == "1"


def assert_golden(name: str, actual: str) -> None:
    """`actual` equals tests/golden/`name` (or becomes it, when updating)."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run the tests with SHEETSYNC_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from its golden file; if the change is meant, rerun with"
        " SHEETSYNC_UPDATE_GOLDEN=1 and read the diff")
