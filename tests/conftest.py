"""Shared fixtures: plain-grid workbooks for the core, and one CliRunner."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from core_helpers import book

from sheetsync.core.rules import Rules, load_rules

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 16)          # a Monday: the window is 2026-10-19 .. 2026-11-15


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seed_book():
    """The seed's filled-in worksheet: Example typed as the answers, empty lead log."""
    return book()


@pytest.fixture
def calamine_reads(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The sheet names each calamine read of an .xlsx returned, in order."""
    from sheetsync.backends.xlsx import read as xlsx_read

    seen: list[set[str]] = []
    real = xlsx_read._calamine_grids

    def spy(path, wanted):
        grids = real(path, wanted)
        seen.append(set(grids))
        return grids

    monkeypatch.setattr(xlsx_read, "_calamine_grids", spy)
    return seen
