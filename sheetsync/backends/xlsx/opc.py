"""Open Packaging Conventions: the names, namespaces and types of an .xlsx's parts, and
one small XML part read once and edited in place.

The constants follow python-docx's `opc/constants.py`: each relationship type and
content type sheetsync reads or writes, spelled once.  `XmlPart` is how every package
part sheetsync edits ([Content_Types].xml, workbook.xml, the .rels) is read: one pass
of defusedxml's parser (no DTD, no entities) records each element with its byte span,
so an edit replaces, inserts or removes exactly those bytes and leaves the rest of
the part as it was written.  Part names are zip member names (no leading slash);
relationship targets are resolved from, and written relative to, their source part's
folder, as Excel writes them.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote

from defusedxml.ElementTree import XMLParser

# -- namespaces ------------------------------------------------------------------------
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


class RT:
    """Relationship types (Transitional; Strict ones are matched by their last segment)."""

    OFFICE_DOCUMENT = REL_NS + "/officeDocument"
    WORKSHEET = REL_NS + "/worksheet"
    STYLES = REL_NS + "/styles"
    COMMENTS = REL_NS + "/comments"
    VML_DRAWING = REL_NS + "/vmlDrawing"
    DRAWING = REL_NS + "/drawing"
    CHART = REL_NS + "/chart"
    IMAGE = REL_NS + "/image"


class CT:
    """Content types of the parts sheetsync adds."""

    WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
    VML_DRAWING = "application/vnd.openxmlformats-officedocument.vmlDrawing"
    DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
    CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
    RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"
    XML = "application/xml"
    PNG = "image/png"


# Extensions Excel gives a <Default> in [Content_Types].xml rather than an <Override>.
DEFAULT_EXTENSIONS = {"rels": CT.RELATIONSHIPS, "xml": CT.XML, "vml": CT.VML_DRAWING,
                      "png": CT.PNG, "jpeg": "image/jpeg", "jpg": "image/jpeg",
                      "gif": "image/gif", "emf": "image/x-emf", "wmf": "image/x-wmf",
                      "bin": "application/vnd.openxmlformats-officedocument.oleObject"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
PACKAGE_RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"


# -- part names ------------------------------------------------------------------------
def rels_part(source: str) -> str:
    """The .rels part holding `source`'s relationships ("" is the package itself)."""
    folder, base = posixpath.split(source)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str, names: dict[str, str] | None = None) -> str:
    """The part name a relationship `target` of part `source` points at.

    Absolute targets ("/xl/comments1.xml") count from the package root, relative ones
    from `source`'s folder.  Given `names` (lower-cased name -> name), a target spelt
    in another case or with %-escapes finds the member it means (part names in a
    package are case-insensitive).
    """
    base = "" if target.startswith("/") else posixpath.dirname(source)
    name = posixpath.normpath(posixpath.join(base, target.lstrip("/")))
    if names is not None and name not in names.values():
        for guess in (name, unquote(name)):
            found = names.get(guess.lower())
            if found is not None:
                return found
    return name


def relative_target(source: str, part: str) -> str:
    """`part` as a target relative to `source`'s folder ("../comments1.xml"), as Excel
    writes it."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


def local(tag: str) -> str:
    """An element or attribute name without its namespace ("{ns}sheet" -> "sheet")."""
    return tag.rsplit("}", 1)[-1]


# -- one XML part, edited in place -----------------------------------------------------
@dataclass
class Element:
    """One element of a part: its name, attributes and byte span (start tag to end tag)."""

    tag: str                        # "{namespace}local"
    attrib: dict[str, str]
    depth: int
    start: int                      # offset of "<"
    end: int = -1                   # offset after the element's last ">"
    inner: int = -1                 # offset after the start tag's ">" (== end if empty)
    close: int = -1                 # offset of the end tag's "<" (== end if empty)
    text: str = ""

    @property
    def name(self) -> str:
        return local(self.tag)


class _Recorder:
    """The parser's target: records every element with its span."""

    def __init__(self, data: bytes) -> None:
        self.raw = data
        self.parser: XMLParser | None = None
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.namespaces: dict[str, str] = {}      # prefix -> namespace, declared on the root

    def start_ns(self, prefix: str, uri: str) -> None:
        if not self.elements:
            self.namespaces.setdefault(prefix, uri)

    def _at(self) -> int:
        assert self.parser is not None
        return int(self.parser.parser.CurrentByteIndex)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        at = self._at()
        el = Element(tag, dict(attrib), len(self.open), at)
        el.inner = _tag_end(self.raw, at)
        self.elements.append(el)
        self.open.append(el)

    def data(self, text: str) -> None:
        if self.open:
            self.open[-1].text += text

    def end(self, tag: str) -> None:
        el = self.open.pop()
        if self.raw[el.inner - 2: el.inner] == b"/>":      # <x .../>: nothing inside
            el.end = el.close = el.inner
        else:
            el.close = self._at()
            el.end = self.raw.index(b">", el.close) + 1

    def close(self) -> None:
        return None


def _tag_end(data: bytes, start: int) -> int:
    """The offset after the `>` that ends the tag starting at `start` (quotes skipped)."""
    quote = 0
    for i in range(start + 1, len(data)):
        ch = data[i]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (0x22, 0x27):
            quote = ch
        elif ch == 0x3E:
            return i + 1
    raise ValueError("unterminated tag")


@dataclass
class XmlPart:
    """A small XML part as read, with the edits asked of it (applied by `bytes()`).

    Raises ValueError (or defusedxml's DTDForbidden/EntitiesForbidden) from `parse`
    when the bytes are not well-formed XML; the Package turns that into one line.
    """

    name: str
    data: bytes
    elements: list[Element] = field(default_factory=list)
    namespaces: dict[str, str] = field(default_factory=dict)
    _edits: list[tuple[int, int, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, name: str, data: bytes) -> XmlPart:
        recorder = _Recorder(data)
        parser = XMLParser(target=recorder, forbid_dtd=True)
        recorder.parser = parser
        try:
            parser.feed(data)
            parser.close()
        except Exception as exc:        # ParseError, DTDForbidden, EntitiesForbidden
            raise ValueError(f"part {name} is not readable XML ({exc})") from exc
        return cls(name, data, recorder.elements, recorder.namespaces)

    @property
    def root(self) -> Element:
        return self.elements[0]

    def children(self, parent: Element, name: str | None = None) -> list[Element]:
        """`parent`'s child elements (named `name`, when given), in document order."""
        k = self.elements.index(parent)
        out = []
        for el in self.elements[k + 1:]:
            if el.start >= parent.end:
                break
            if el.depth == parent.depth + 1 and (name is None or el.name == name):
                out.append(el)
        return out

    def first(self, name: str, depth: int = 1) -> Element | None:
        """The first element called `name` at `depth` (1: a child of the root)."""
        return next((el for el in self.elements if el.depth == depth and el.name == name),
                    None)

    def prefix(self, el: Element) -> str:
        """The prefix `el` is spelt with, colon included ("x:" for "<x:sheets>"), or ""."""
        head = self.data[el.start + 1: el.inner].decode("utf-8", "replace")
        qname = head.split(None, 1)[0].rstrip("/>")
        return qname.partition(":")[0] + ":" if ":" in qname else ""

    def start_tag(self, el: Element, **attrs: str) -> str:
        """`el`'s start tag as written, with `attrs` set (values XML-ready): replaced where
        the tag has them, added before its end where it does not."""
        tag = self.data[el.start: el.inner].decode("utf-8")
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        i = 1
        while i < end and not tag[i].isspace():              # the element's name
            i += 1
        todo = dict(attrs)
        out = [tag[:i]]
        while i < end:
            j = i
            while j < end and tag[j].isspace():
                j += 1
            k = tag.find("=", j)
            if j >= end or k < 0:
                break
            name = tag[j:k].strip()
            q = k + 1
            while tag[q].isspace():
                q += 1
            close = tag.index(tag[q], q + 1)                 # the matching quote
            if name in todo:
                out.append(f'{tag[i:q]}"{todo.pop(name)}"')
            else:
                out.append(tag[i: close + 1])
            i = close + 1
        out.append("".join(f' {name}="{value}"' for name, value in todo.items()))
        out.append(tag[i:])
        return "".join(out)

    def raw(self, el: Element) -> str:
        """`el` as written, start tag to end tag."""
        return self.data[el.start: el.end].decode("utf-8")

    # -- edits: each replaces one byte span of the original ------------------------------
    def insert(self, at: int, xml: str) -> None:
        self._edits.append((at, at, xml))

    def replace(self, el: Element, xml: str) -> None:
        self._edits.append((el.start, el.end, xml))

    def replace_span(self, start: int, stop: int, xml: str) -> None:
        self._edits.append((start, stop, xml))

    def remove(self, el: Element) -> None:
        self._edits.append((el.start, el.end, ""))

    def append_child(self, parent: Element, xml: str) -> None:
        """Put `xml` last inside `parent`."""
        self._edits.append(self.append_edit(parent, xml))

    def append_edit(self, parent: Element, xml: str) -> tuple[int, int, str]:
        """The edit that puts `xml` last inside `parent` (which may be written `<x/>`)."""
        if parent.inner == parent.end:                        # <x .../>: open it up
            head = self.data[parent.start: parent.end - 2].decode("utf-8").rstrip()
            qname = head[1:].split(None, 1)[0]
            return (parent.start, parent.end, f"{head}>{xml}</{qname}>")
        return (parent.close, parent.close, xml)

    @property
    def changed(self) -> bool:
        return bool(self._edits)

    def bytes(self, extra: tuple[tuple[int, int, str], ...] = ()) -> bytes:
        """The part with every edit (and `extra` ones) applied: the original bytes when
        there is none."""
        edits = self._edits + list(extra)
        if not edits:
            return self.data
        out, pos = [], 0
        for start, stop, xml in sorted(edits, key=lambda e: (e[0], e[1])):
            out += [self.data[pos:start], xml.encode("utf-8")]
            pos = max(pos, stop)
        out.append(self.data[pos:])
        return b"".join(out)
