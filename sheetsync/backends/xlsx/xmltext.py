"""Text as XML element content or attribute value: escaped, and only characters XML 1.0
can carry (control characters pasted into a cell are dropped, not written).

`plain` answers "does this need any of that?" in a few C-speed scans, so a column of
a generated sheet, joined a few thousand texts at a time (`all_plain`), is checked
at once and the usual answer (no) costs nothing per cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR_SPECIAL = re.compile("[&<>\"\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR_ENTITIES = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
_CONTROL = bytes(range(32)).translate(None, b"\t\n\r")    # not in XML 1.0
_ATTR_CONTROL = bytes(range(32))                          # ...or folded in an attribute


def escape(value: str, entities: dict[str, str] | None = None) -> str:
    """&, < and > (and any `entities`) as XML writes them: xml.sax.saxutils.escape,
    without importing xml.sax (which pulls in urllib: 14 ms at every start)."""
    value = value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for ch, entity in (entities or {}).items():
        value = value.replace(ch, entity)
    return value


def quoted(value: str) -> str:
    """`value` as a double-quoted XML attribute, quotes included."""
    return f'"{attr_xml(value)}"'


def xml_chars(value: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters from pasted text)."""
    return _NOT_XML.sub("", value) if _NOT_XML.search(value) else value


def text_xml(value: str) -> str:
    """`value` as XML element text: &, <, > escaped, characters XML cannot carry dropped."""
    return escape(xml_chars(value)) if _TEXT_SPECIAL.search(value) else value


def attr_xml(value: str) -> str:
    """`value` as the content of a double-quoted XML attribute."""
    if not _ATTR_SPECIAL.search(value):
        return value
    return escape(xml_chars(value), _ATTR_ENTITIES)


def plain(text: str, *, in_attr: bool = False) -> bool:
    """True when `text` is already valid as XML text (as an attribute value when
    `in_attr`): nothing to escape, no character XML cannot carry."""
    if "&" in text or "<" in text or ">" in text or (in_attr and '"' in text):
        return False
    if not text.isascii() and ("\ufffe" in text or "\uffff" in text):
        return False
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _ATTR_CONTROL if in_attr else _CONTROL)) == len(data)


PLAIN_BATCH = 4000          # texts joined per check: a column is never copied whole


def all_plain(texts: Iterable[str | None], *, in_attr: bool = False) -> bool:
    """`plain` for every text of `texts` (None and "" skipped), a few thousand at a time:
    the 77,000 notes of a big sync joined whole were 30 MB, and its UTF-8 twice more."""
    rest = filter(None, texts)
    while batch := list(islice(rest, PLAIN_BATCH)):
        if not plain("".join(batch), in_attr=in_attr):
            return False
    return True
