"""The message catalogue: every id the code uses exists, and its callers fill its fields.

The code is walked with `ast`: every call to `finding`, `found`, `say` or `entry` whose
id is a literal, and every literal string that names an entry (the ids picked from a
table, like validate.py's handoff fields), is checked against the catalogue.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sheetsync.core.catalogue import CATALOGUE, entry, plural, say
from sheetsync.core.result import Finding, found

ROOT = Path(__file__).parents[1] / "sheetsync"
CALLS = {"finding", "found", "say", "entry"}
# Fields every finding template may use without the caller naming them.
GIVEN = {"sheet", "row", "column"}
ENGINEER = re.compile(r"\bn=|95% interval|(?i:wilson|cohort|\berror\b|\bnull\b)|\bNone\b|"
                      r"\d{4}-W\d\d|\d\d:\d\d:\d\d")
# Entries said inside another entry's sentence (priority-diagnosed's {problem}).
FRAGMENTS = {"priority-worst-source", "priority-low-volume", "priority-grow-source",
             "priority-low-qualified", "priority-low-conversion", "priority-low-deal-size",
             "review-won", "review-lost", "review-nurture",     # and headings
             "sync-wrote", "sync-would-write", "sync-up-to-date", "leaks-on-sheet",
             "leaks-by-sheet", "leaks-one-sheet", "leak-where", "leak-with-problems",
             "counter-lost-row-item", "counter-lost-row-item-unnamed", "counter-lost-more",
             "lead-unnamed",
             "week-of", "history-week-head", "metrics-week-head"}   # column heads, labels


def _calls() -> list[tuple[str, int, str, set[str] | None]]:
    """(file, line, id, keyword names or None when **fields are passed) of each call."""
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name == "catalogue.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name not in CALLS:
                continue
            # validate.py's ctx.finding(lead, key, id, ...) names the lead itself
            by_ctx = isinstance(f, ast.Attribute) and getattr(f.value, "id", "") == "ctx"
            if len(node.args) <= (2 if by_ctx else 0):
                continue
            first = node.args[2 if by_ctx else 0]
            ids = []
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                ids = [first.value]
            elif isinstance(first, ast.IfExp):
                ids = [b.value for b in (first.body, first.orelse)
                       if isinstance(b, ast.Constant) and isinstance(b.value, str)]
            if not ids and name in ("say", "entry", "found"):
                continue
            kws = None if any(k.arg is None for k in node.keywords) else {
                k.arg for k in node.keywords if k.arg} | ({"lead"} if by_ctx else set())
            out += [(path.name, node.lineno, i, kws) for i in ids]
    return out


def _literals() -> set[str]:
    """Every string literal in the code outside the catalogue."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if path.name == "catalogue.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


CALLED = _calls()


def test_the_walk_finds_the_calls():
    ids = {i for _, _, i, _ in CALLED}
    assert {"unreadable-value", "stage-row-missing", "rules-value-unreadable",
            "next-action-overdue", "research-incomplete"} <= ids


@pytest.mark.parametrize("where, line, id_, kws", CALLED,
                         ids=[f"{w}:{n}:{i}" for w, n, i, _ in CALLED])
def test_every_id_used_exists_and_its_fields_are_filled(where, line, id_, kws):
    assert id_ in CATALOGUE, f"{where}:{line} uses {id_!r}, which the catalogue lacks"
    if kws is None:
        return
    need = entry(id_).fields() - GIVEN
    assert need <= kws, f"{where}:{line} leaves {sorted(need - kws)} of {id_!r} unfilled"


def test_every_entry_is_used():
    used = _literals()
    unused = [i for i in CATALOGUE if i not in used]
    assert not unused, f"entries no code uses: {unused}"


@pytest.mark.parametrize("e", CATALOGUE.values(), ids=list(CATALOGUE))
def test_every_entry_is_a_sentence_in_plain_words(e):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", e.id)
    for i, part in enumerate((e.text, e.fix)):
        assert not ENGINEER.search(part), part
        # a status word, or a fragment said inside another entry, is not a sentence
        if not part or (i == 0 and e.id.startswith("status-")) or e.id in FRAGMENTS:
            continue
        assert part.rstrip("”’\"'").endswith((".", "?", "!", ":")) or "{" in part[-12:], part
        assert not ENGINEER.search(part), part
        assert e.id not in part


def test_unknown_ids_raise():
    with pytest.raises(KeyError):
        entry("no-such-entry")
    with pytest.raises(KeyError):
        say("no-such-entry")


def test_found_says_the_entry_with_its_fields():
    f = found("next-action-overdue", sheet="Leads", row=9, column="Next action date",
              lead="Ada", late=plural(2, "day"), action="call back")
    assert (f.sheet, f.row, f.column) == ("Leads", 9, "Next action date")
    assert f.rule == "next-action-overdue" and f.severity == "error"
    assert f.message == "Ada's next action (“call back”) was due 2 days ago."
    assert "Next action date" in f.fix


def test_a_finding_goes_through_the_json_and_back():
    """Findings are plain dataclasses made by `found`; pydantic still writes and reads them."""
    from pydantic import TypeAdapter

    f = found("deal-stuck", sheet="Leads", row=4, column="Stage", lead="Ada",
              age=plural(120, "day"), limit=plural(90, "day"))
    adapter = TypeAdapter(list[Finding])
    back = adapter.validate_json(adapter.dump_json([f]))
    assert back == [f] and isinstance(back[0], Finding)


def test_plural():
    assert plural(1, "finding") == "1 finding" and plural(2, "finding") == "2 findings"
    assert plural(0, "day") == "0 days" and plural(3, "reply", "replies") == "3 replies"
