"""One model of an .xlsx package: its parts, their content types and relationships.

Read once per run, as python-docx's `opc` package reads a .docx: `[Content_Types].xml`,
`workbook.xml` and every `.rels` part (each when first asked for) are parsed with
defusedxml into the small model below; every other part (sheets, drawings, macros...)
is only a name here and stays the bytes it was.  Changes are edits of those few parts
(see `opc.XmlPart`): a new relationship is one element inserted before
`</Relationships>`, a new sheet one `<sheet>` before `</sheets>`; unchanged parts come
back byte for byte.

The API, for every module that needs the package::

    pkg = Package.open(zf, path)            # a zipfile.ZipFile of the workbook; read it
                                            # once a run (XlsxFile hands the reader's on)
    pkg.parts                               # part name -> content type, in zip order
    pkg.sheets                              # sheet name -> worksheet part, in tab order
    pkg.sheet_part("Pipeline")              # "xl/worksheets/sheet1.xml" (None if absent)
    pkg.rels("xl/worksheets/sheet1.xml")    # Relationships: rId -> Relationship
    pkg.rels(part).of_type(RT.COMMENTS)     # [Relationship(rid, reltype, target, part)]
    pkg.workbook.date1904, pkg.styles_part
    name = pkg.free_name("xl/charts/chart{}.xml")         # first unused number
    pkg.add_part(name, CT.CHART, data)                    # data: bytes, or None when
                                                          # the caller writes it itself
    rid = pkg.add_relationship(source, RT.CHART, name)    # target written relative
    pkg.add_sheet("Findings")               # a new worksheet part, linked and typed
    pkg.set_defined_name("_xlnm.Print_Titles", "'Metrics'!$1:$1", sheet="Metrics")
    pkg.changed_parts()                     # name -> bytes of each new or edited part

Part names are zip member names without the leading slash.  Parts sheetsync adds are
named, typed and linked as Excel does (`xl/comments1.xml`, a relative `Target`, an
`Override` or extension `Default`, a fresh `rIdN`).
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sheetsync.backends.xlsx.opc import (
    CONTENT_TYPES,
    CT,
    CT_NS,
    DEFAULT_EXTENSIONS,
    PACKAGE_RELS,
    PKG_REL_NS,
    RT,
    XML_DECLARATION,
    Element,
    XmlPart,
    relative_target,
    rels_part,
    resolve,
)
from sheetsync.backends.xlsx.workbookxml import WorkbookXml
from sheetsync.backends.xlsx.xmltext import quoted
from sheetsync.errors import SourceError

WORKBOOK = "xl/workbook.xml"
MAX_SMALL_PART = 64 << 20       # a .rels or [Content_Types].xml bigger than this is not real


@dataclass(frozen=True)
class Relationship:
    """One relationship: its id, type, target as written and the part it points at
    ("" for an external target such as a web address)."""

    rid: str
    reltype: str
    target: str
    part: str
    external: bool = False


def _same_type(a: str, b: str) -> bool:
    """Relationship types match on their last segment (Strict and Transitional alike)."""
    return a == b or a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1]


class Relationships:
    """The relationships of one source part ("" is the package), by id, in order."""

    def __init__(self, source: str, xml: XmlPart | None, names: dict[str, str]) -> None:
        self.source = source
        self.name = rels_part(source) if source else PACKAGE_RELS
        self.xml = xml
        self._by_id: dict[str, Relationship] = {}
        self._elements: dict[str, Element] = {}
        self._added: list[Relationship] = []
        if xml is None or not xml.elements:
            return
        for el in xml.children(xml.root, "Relationship"):
            rid, target = el.attrib.get("Id", ""), el.attrib.get("Target", "")
            external = el.attrib.get("TargetMode", "") == "External"
            part = "" if external else resolve(source, target, names)
            self._by_id[rid] = Relationship(rid, el.attrib.get("Type", ""), target, part,
                                            external)
            self._elements[rid] = el

    def __getitem__(self, rid: str) -> Relationship:
        return self._by_id[rid]

    def __contains__(self, rid: object) -> bool:
        return rid in self._by_id

    def __iter__(self) -> Iterator[Relationship]:
        return iter(list(self._by_id.values()))

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, rid: str) -> Relationship | None:
        return self._by_id.get(rid)

    def of_type(self, reltype: str) -> list[Relationship]:
        """Every relationship of `reltype`, in order (a sheet may have two vmlDrawings)."""
        return [r for r in self._by_id.values() if _same_type(r.reltype, reltype)]

    def next_rid(self) -> str:
        """A fresh id: one past the highest rIdN, as Excel numbers them."""
        numbers = [int(r[3:]) for r in self._by_id if r.startswith("rId") and r[3:].isdigit()]
        n = max(numbers, default=0) + 1
        while f"rId{n}" in self._by_id:
            n += 1
        return f"rId{n}"

    def add(self, reltype: str, part: str) -> str:
        """Link `part` from the source with a relative target; the new id."""
        rid = self.next_rid()
        rel = Relationship(rid, reltype, relative_target(self.source or "/", part)
                           if self.source else part, part)
        self._by_id[rid] = rel
        self._added.append(rel)
        return rid

    def remove(self, rid: str) -> None:
        """Drop relationship `rid` (one added in this run, or one read)."""
        rel = self._by_id.pop(rid)
        if rel in self._added:
            self._added.remove(rel)
        elif self.xml is not None:
            self.xml.remove(self._elements.pop(rid))

    @property
    def changed(self) -> bool:
        return bool(self._added) or (self.xml is not None and self.xml.changed)

    @property
    def exists(self) -> bool:
        """True when the package holds (or will hold) this .rels part."""
        return self.xml is not None or bool(self._added)

    def bytes(self) -> bytes:
        """The .rels part: the original with the new relationships added before its end."""
        pre = self.xml.prefix(self.xml.root) if self.xml is not None else ""
        new = "".join(f'<{pre}Relationship Id="{r.rid}" Type="{r.reltype}"'
                      f" Target={quoted(r.target)}/>" for r in self._added)
        if self.xml is None:
            return (f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">{new}'
                    "</Relationships>").encode()
        return self.xml.bytes((self.xml.append_edit(self.xml.root, new),) if new else ())


class ContentTypes:
    """[Content_Types].xml: a content type per extension (Default) or part (Override)."""

    def __init__(self, xml: XmlPart) -> None:
        self.xml = xml
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        self._overrides: dict[str, Element] = {}
        if xml.elements:
            for el in xml.children(xml.root):
                if el.name == "Default":
                    self.defaults[el.attrib.get("Extension", "").lower()] = el.attrib.get(
                        "ContentType", "")
                elif el.name == "Override":
                    key = el.attrib.get("PartName", "").lstrip("/").lower()
                    self.overrides[key] = el.attrib.get("ContentType", "")
                    self._overrides[key] = el

    def of(self, part: str) -> str | None:
        """The content type of `part`, if the package declares one."""
        found = self.overrides.get(part.lower())
        if found is None:
            found = self.defaults.get(posixpath.splitext(part)[1][1:].lower())
        return found

    def add(self, part: str, content_type: str) -> None:
        """Declare `part`'s type as Excel would: by extension for images and drawings
        (vml, png...), by an Override for XML parts."""
        if self.of(part) == content_type:
            return
        ext = posixpath.splitext(part)[1][1:].lower()
        element = self.xml.prefix(self.xml.root)
        if ext not in self.defaults and DEFAULT_EXTENSIONS.get(ext) == content_type:
            self.defaults[ext] = content_type
            self.xml.append_child(self.xml.root, f"<{element}Default Extension={quoted(ext)}"
                                  f" ContentType={quoted(content_type)}/>")
            return
        self.remove(part)
        self.overrides[part.lower()] = content_type
        self.xml.append_child(self.xml.root, f'<{element}Override PartName="/{part}"'
                              f" ContentType={quoted(content_type)}/>")

    def remove(self, part: str) -> None:
        """Forget `part`'s Override, if it has one."""
        key = part.lower()
        if key in self._overrides:
            self.xml.remove(self._overrides.pop(key))
        self.overrides.pop(key, None)


def _read_small(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """A package part's bytes (one of the small ones the model reads)."""
    info = zf.getinfo(name)
    if info.file_size > MAX_SMALL_PART:
        raise SourceError(f"{path.name}: part {name} is far bigger than any workbook's;"
                          " open it in Excel and save it again")
    return zf.read(info)


def _read_xml(zf: zipfile.ZipFile, name: str, path: Path) -> XmlPart:
    data = _read_small(zf, name, path)
    try:
        return XmlPart.parse(name, data)
    except ValueError as exc:
        raise SourceError(f"{path.name}: {exc}; open it in Excel and save it again") from exc


def stamp_of(zf: zipfile.ZipFile) -> tuple[int, int, int] | None:
    """Which file an open zip is (inode, size, modification time), None when it is not
    a file: a model read from one stamp describes any later opening with that stamp."""
    try:
        st = os.fstat(zf.fp.fileno())                     # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def workbook_part_name(zf: zipfile.ZipFile) -> str:
    """The workbook part: where the package's officeDocument relationship points
    (xl/workbook.xml nearly always, and that when the package does not say)."""
    if PACKAGE_RELS not in zf.NameToInfo or zf.getinfo(PACKAGE_RELS).file_size > 1 << 20:
        return WORKBOOK
    try:
        xml = XmlPart.parse(PACKAGE_RELS, zf.read(PACKAGE_RELS))
    except ValueError:
        return WORKBOOK
    names = {n.lower(): n for n in zf.NameToInfo}
    rels = Relationships("", xml, names)
    found = [r.part for r in rels.of_type(RT.OFFICE_DOCUMENT) if r.part in zf.NameToInfo]
    return found[0] if found else WORKBOOK


class Package:
    """An .xlsx package as sheetsync reads and changes it (see the module docstring)."""

    def __init__(self, path: Path, members: list[str], types: XmlPart,
                 rels: dict[str, bytes], workbook_name: str, workbook: XmlPart) -> None:
        self.path = path
        self._lower = {n.lower(): n for n in members}
        self.content_types = ContentTypes(types)
        self.parts: dict[str, str | None] = {n: self.content_types.of(n) for n in members
                                             if not n.endswith("/")}
        self._rels: dict[str, Relationships] = {}
        # Every .rels as read, parsed when first asked for: one that nothing here needs
        # (a drawing's, say) cannot stop a sync even when it is damaged.
        self._unparsed = {_source_of(name): (name, data) for name, data in rels.items()}
        self.workbook_name = workbook_name
        self.workbook = WorkbookXml(workbook)
        self.stamp: tuple[int, int, int] | None = None     # the file it was read from
        self.new_parts: dict[str, bytes | None] = {}
        book_rels = self.rels(workbook_name)
        self.sheets: dict[str, str] = {}
        for sheet in self.workbook.sheets:
            rel = book_rels.get(sheet.rid)
            if rel is not None and not rel.external:
                self.sheets[sheet.name] = rel.part

    @classmethod
    def open(cls, zf: zipfile.ZipFile, path: Path) -> Package:
        """Read the package's model from an open zip (SourceError when it is unreadable)."""
        members = [i.filename for i in zf.infolist()]
        types = (_read_xml(zf, CONTENT_TYPES, path) if CONTENT_TYPES in zf.NameToInfo
                 else XmlPart.parse(CONTENT_TYPES, (f'{XML_DECLARATION}<Types xmlns="{CT_NS}">'
                                                    "</Types>").encode()))
        rels = {n: _read_small(zf, n, path) for n in members
                if n.lower().endswith(".rels") and not n.endswith("/")}
        book = workbook_part_name(zf)
        if book not in zf.NameToInfo:
            raise SourceError(f"{path.name}: has no workbook part; give the .xlsx workbook")
        try:
            pkg = cls(path, members, types, rels, book, _read_xml(zf, book, path))
        except (ValueError, IndexError) as exc:
            raise SourceError(f"{path.name}: its package parts are not as Excel writes them"
                              f" ({exc}); open it in Excel and save it again") from exc
        pkg.stamp = stamp_of(zf)
        return pkg

    # -- reading ---------------------------------------------------------------------------
    def rels(self, source: str) -> Relationships:
        """The relationships of part `source` ("" for the package's own), perhaps none."""
        found = self._rels.get(source)
        if found is None:
            xml = None
            if source in self._unparsed:
                name, data = self._unparsed.pop(source)
                try:
                    xml = XmlPart.parse(name, data)
                except ValueError as exc:
                    raise SourceError(f"{self.path.name}: {exc}; open it in Excel and save"
                                      " it again") from exc
            found = self._rels[source] = Relationships(source, xml, self._lower)
        return found

    def sheet_part(self, name: str) -> str | None:
        """The worksheet part of sheet `name`, when the package holds it."""
        part = self.sheets.get(name)
        return part if part is not None and part in self.parts else None

    @property
    def date1904(self) -> bool:
        return self.workbook.date1904

    @property
    def styles_part(self) -> str | None:
        found = [r.part for r in self.rels(self.workbook_name).of_type(RT.STYLES)]
        return found[0] if found and found[0] in self.parts else None

    def __contains__(self, part: object) -> bool:
        return isinstance(part, str) and part.lower() in self._lower

    # -- changing --------------------------------------------------------------------------
    def free_name(self, pattern: str) -> str:
        """`pattern` ("xl/comments{}.xml") with the first number no part has yet."""
        n = 1
        while pattern.format(n) in self:
            n += 1
        return pattern.format(n)

    def add_part(self, name: str, content_type: str, data: bytes | None = None) -> None:
        """A new part with its content type; `data` None when the caller writes its bytes
        (a big part deflated as it is rendered)."""
        if name in self:
            raise ValueError(f"part {name} already exists")
        self.parts[name] = content_type
        self._lower[name.lower()] = name
        self.content_types.add(name, content_type)
        self.new_parts[name] = data

    def drop_part(self, name: str) -> None:
        """Take back a part added in this run, with the relationships to and from it."""
        self.new_parts.pop(name)
        self.parts.pop(name)
        self._lower.pop(name.lower())
        self.content_types.remove(name)
        self._rels.pop(name, None)
        for rels in self._rels.values():
            for rel in rels:
                if rel.part == name:
                    rels.remove(rel.rid)

    def add_relationship(self, source: str, reltype: str, target: str) -> str:
        """Link part `target` from part `source` (a relative Target); the new rId."""
        return self.rels(source).add(reltype, target)

    def remove_relationship(self, source: str, rid: str) -> None:
        self.rels(source).remove(rid)

    def add_sheet(self, name: str) -> str:
        """A new worksheet at the end of the workbook, linked and typed; its part name.
        The caller writes the part's bytes."""
        folder = posixpath.dirname(self.workbook_name)
        part = self.free_name(posixpath.join(folder, "worksheets", "sheet{}.xml"))
        self.add_part(part, CT.WORKSHEET)
        rid = self.add_relationship(self.workbook_name, RT.WORKSHEET, part)
        self.workbook.add_sheet(name, rid)
        self.sheets[name] = part
        return part

    def set_defined_name(self, name: str, value: str, *, sheet: str | None = None) -> None:
        """Define `name` as `value` in the workbook (local to `sheet` when given, as
        print titles are), replacing the definition it has."""
        self.workbook.set_defined_name(name, value, sheet)

    def changed_parts(self) -> dict[str, bytes]:
        """Each package part this run edited or added with bytes, as it is to be written."""
        out: dict[str, bytes] = {}
        if self.content_types.xml.changed or CONTENT_TYPES not in self.parts:
            out[CONTENT_TYPES] = self.content_types.xml.bytes()
        if self.workbook.changed:
            out[self.workbook_name] = self.workbook.bytes()
        for rels in self._rels.values():
            if rels.changed:
                out[rels.name] = rels.bytes()
        for name, data in self.new_parts.items():
            if data is not None:
                out[name] = data
        return out


def _source_of(rels_name: str) -> str:
    """The part whose relationships a .rels part holds ("" for _rels/.rels)."""
    folder, base = posixpath.split(rels_name)
    if posixpath.basename(folder) != "_rels":
        return rels_name                # not where a .rels belongs: nobody's
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])
