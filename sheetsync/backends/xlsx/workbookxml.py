"""workbook.xml as the package model keeps it: the sheets in tab order, the date
system, the defined names, and the two edits sheetsync makes (a new sheet, a defined
name such as a sheet's print titles), each written into the original bytes."""

from __future__ import annotations

from dataclasses import dataclass

from sheetsync.backends.xlsx.opc import REL_NS, Element, XmlPart
from sheetsync.backends.xlsx.xmltext import escape, quoted

TRUE_WORDS = {"1", "true", "on"}
# CT_Workbook children that come before <definedNames>, last first.
BEFORE_DEFINED_NAMES = ("externalReferences", "functionGroups", "sheets")


@dataclass
class SheetEntry:
    """One <sheet> of the workbook: its tab name, sheetId, relationship id, visibility."""

    name: str
    sheet_id: int
    rid: str
    state: str = "visible"


class WorkbookXml:
    """The workbook part, read once; edits go into its original bytes."""

    def __init__(self, xml: XmlPart) -> None:
        self.xml = xml
        self.sheets: list[SheetEntry] = []
        self.date1904 = False
        self.rel_ns = REL_NS
        self._new_names: list[str] = []
        for el in xml.elements:
            name = el.name
            if name == "workbookPr" and "date1904" in el.attrib:  # x15:workbookPr has none
                self.date1904 = el.attrib["date1904"].strip().lower() in TRUE_WORDS
            elif name == "sheet" and el.depth == 2:
                rid = next(((k, v) for k, v in el.attrib.items() if k.endswith("}id")), None)
                if rid is None or "name" not in el.attrib:
                    continue
                self.rel_ns = rid[0][1:].rsplit("}", 1)[0]
                sheet_id = el.attrib.get("sheetId", "0")
                self.sheets.append(SheetEntry(el.attrib["name"],
                                              int(sheet_id) if sheet_id.isdigit() else 0,
                                              rid[1], el.attrib.get("state", "visible")))

    def index(self, sheet: str) -> int:
        """The 0-based tab position of `sheet` (what a localSheetId counts)."""
        return next(k for k, s in enumerate(self.sheets) if s.name == sheet)

    def add_sheet(self, name: str, rid: str) -> SheetEntry:
        """A <sheet> at the end of <sheets>, naming relationship `rid`."""
        sheets = self.xml.first("sheets")
        if sheets is None:
            raise ValueError("workbook.xml has no sheet list")
        entry = SheetEntry(name, max((s.sheet_id for s in self.sheets), default=0) + 1, rid)
        self.sheets.append(entry)
        bound = [p for p, ns in self.xml.namespaces.items() if ns == self.rel_ns and p]
        attr = f'{bound[0]}:id="{rid}"' if bound else f'xmlns:r="{self.rel_ns}" r:id="{rid}"'
        self.xml.append_child(sheets, f"<{self.xml.prefix(sheets)}sheet name={quoted(name)}"
                              f' sheetId="{entry.sheet_id}" {attr}/>')
        return entry

    def set_defined_name(self, name: str, value: str, sheet: str | None = None) -> None:
        """Define `name` as `value` (local to `sheet` when given), replacing the value
        it has; a name already so defined is left as it is."""
        local_id = None if sheet is None else str(self.index(sheet))
        pre = self.xml.prefix(self.xml.root)
        scope = "" if local_id is None else f' localSheetId="{local_id}"'
        element = (f"<{pre}definedName name={quoted(name)}{scope}>{escape(value)}"
                   f"</{pre}definedName>")
        holder = self.xml.first("definedNames")
        for el in self.xml.children(holder, "definedName") if holder is not None else []:
            if (el.attrib.get("name", "").lower() == name.lower()
                    and el.attrib.get("localSheetId") == local_id):
                if el.inner == el.end:                   # <definedName .../>: no value
                    self.xml.replace(el, element)
                elif el.text != value:                   # keep its other attributes
                    self.xml.replace_span(el.inner, el.close, escape(value))
                return
        if holder is not None:
            self.xml.append_child(holder, element)
        else:
            self._new_names.append(element)

    @property
    def changed(self) -> bool:
        return self.xml.changed or bool(self._new_names)

    def bytes(self) -> bytes:
        """The workbook part with the edits asked for (its original bytes when none)."""
        if not self._new_names:
            return self.xml.bytes()
        pre = self.xml.prefix(self.xml.root)
        after: Element | None = None
        for name in BEFORE_DEFINED_NAMES:
            after = self.xml.first(name)
            if after is not None:
                break
        if after is None:
            raise ValueError("workbook.xml has no sheet list")
        block = (f"<{pre}definedNames>{''.join(self._new_names)}</{pre}definedNames>")
        return self.xml.bytes(((after.end, after.end, block),))
