"""XML text checks: `all_plain` agrees with escaping each text, a batch at a time."""

from __future__ import annotations

import pytest

from sheetsync.backends.xlsx.xmltext import PLAIN_BATCH, all_plain, attr_xml, text_xml


def _texts(odd: str, at: int) -> list[str | None]:
    texts: list[str | None] = [f"Lead {i}’s next action was due {i} days ago." for i in range(at)]
    return [*texts, None, "", odd, *texts[:10]]


@pytest.mark.parametrize("odd", ["Tom & Jerry", "a < b", "bell\x07", "x\ufffe"])
@pytest.mark.parametrize("at", [0, 5, PLAIN_BATCH - 1, PLAIN_BATCH * 2 + 3])
def test_a_text_to_escape_is_found_in_any_batch(odd, at):
    texts = _texts(odd, at)
    assert all_plain(texts) is False
    assert any(text_xml(t) != t for t in texts if t)


@pytest.mark.parametrize("at", [0, PLAIN_BATCH + 1])
def test_plain_texts_and_empty_cells_need_nothing(at):
    texts = _texts("nothing odd", at)
    assert all_plain(texts) is True
    assert all(text_xml(t) == t for t in texts if t)


def test_an_attribute_also_minds_quotes_and_line_breaks():
    assert all_plain(['say "hi"']) is True
    assert all_plain(['say "hi"'], in_attr=True) is False
    assert all_plain(["two\nlines"], in_attr=True) is False
    assert attr_xml('say "hi"') != 'say "hi"'
