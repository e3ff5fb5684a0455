"""The founder's reading of the demo: words that contradict what they can count or see."""

from __future__ import annotations

from sheetsync.core.result import Leak
from sheetsync.core.worksheet import leak_names


def _leak(sheet: str, row: int, stage: str, kind: str) -> Leak:
    return Leak(sheet=sheet, row=row, stage=stage, label=stage, kind=kind)


def test_next_names_each_blocks_row_once_with_its_problems_and_no_row_number():
    fix = _leak("Pipeline", 5, "Input source #2", "single-source")
    leaks = [fix, _leak("Pipeline", 9, "Conversion call structure", "blank"),
             _leak("Blocks", 4, "Follow-up", "no-owner"),
             _leak("Blocks", 4, "Follow-up", "no-rule"),
             _leak("Blocks", 6, "CRM hygiene", "no-rule")]
    assert leak_names(leaks, skip=fix) == [
        "Conversion call structure", "Follow-up (nobody owns it; a rule is missing)",
        "CRM hygiene (a rule is missing)"]
    assert leak_names(leaks)[0] == "Input source #2"
