"""The few styles sync needs, added to xl/styles.xml without reserialising it.

Number formats (percent, money, days, dates), bold and wrapped text as cell formats
(`cellXfs`), and the highlight fills as differential formats (`dxfs`) for conditional
formatting.  styles.xml is read once with the package's XML reader (opc.XmlPart): each
style is looked up among the ones written and appended only when absent, as new
children before the end of its list (whose `count` is updated), so a second sync
finds them all and leaves styles.xml byte for byte as it was.
"""

from __future__ import annotations

from sheetsync.backends.xlsx.opc import Element, XmlPart
from sheetsync.backends.xlsx.xmltext import attr_xml
from sheetsync.formats import NUMBER_FORMATS, TONES
from sheetsync.workbook import Format, Tone

_BUILTIN = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
# CT_Stylesheet's children in schema order: a new list goes before the next one present.
ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
         "dxfs", "tableStyles", "colors", "extLst")


class _List:
    """One list of styles (numFmts, fonts, cellXfs, dxfs): its children as written (raw
    XML and parsed), then the ones this sync adds."""

    def __init__(self, part: XmlPart, name: str, child: str) -> None:
        self.name = name
        self.el = part.first(name)
        self.children: list[Element] = part.children(self.el, child) if self.el else []
        self.raw = [part.raw(c) for c in self.children]
        self.added: list[str] = []

    @property
    def items(self) -> list[str]:
        return self.raw + self.added

    def add(self, xml: str) -> int:
        """Append `xml`; its index in the list."""
        self.added.append(xml)
        return len(self.raw) + len(self.added) - 1


class Styles:
    """styles.xml with what sync asked for added; `xml` is the result."""

    def __init__(self, xml: bytes):
        self.original = xml
        self.part = XmlPart.parse("styles.xml", xml)
        self.pre = self.part.prefix(self.part.root)
        self._lists = {name: _List(self.part, name, child) for name, child in (
            ("numFmts", "numFmt"), ("fonts", "font"), ("cellXfs", "xf"), ("dxfs", "dxf"))}
        self._xf_cache: dict[tuple[str, bool, bool, bool, bool], int] = {}
        self._dxf_cache: dict[str, int] = {}
        self._numfmt_cache: dict[str, int] = {}

    @property
    def xml(self) -> bytes:
        """The part with the styles added (the very bytes read when none was)."""
        edits = []
        for name, styles in self._lists.items():
            if not styles.added:
                continue
            count = str(len(styles.items))
            body = "".join(styles.added)
            el = styles.el
            if el is None:
                edits.append(self._new_list(name, count, body))
            elif el.inner == el.end:                         # <dxfs count="0"/>
                head = self.part.start_tag(el, count=count)[:-2].rstrip()
                edits.append((el.start, el.end, f"{head}>{body}</{self.pre}{name}>"))
            else:
                edits.append((el.start, el.inner, self.part.start_tag(el, count=count)))
                edits.append((el.close, el.close, body))
        return self.part.bytes(tuple(edits)) if edits else self.original

    def _new_list(self, name: str, count: str, body: str) -> tuple[int, int, str]:
        """The edit that adds list `name` where the schema puts it."""
        xml = f'<{self.pre}{name} count="{count}">{body}</{self.pre}{name}>'
        for follower in ORDER[ORDER.index(name) + 1:]:
            el = self.part.first(follower)
            if el is not None:
                return (el.start, el.start, xml)
        root = self.part.root
        return (root.close, root.close, xml)

    def _numfmt_id(self, fmt: Format) -> int:
        code = NUMBER_FORMATS.get(fmt)
        if code is None:
            return 0
        if code in _BUILTIN:
            return _BUILTIN[code]
        if code in self._numfmt_cache:
            return self._numfmt_cache[code]
        fmts = self._lists["numFmts"]
        ids = []
        for el in fmts.children:
            num = el.attrib.get("numFmtId", "")
            if num.isdigit():
                if el.attrib.get("formatCode") == code:
                    return int(num)
                ids.append(int(num))
        new_id = max([163, *ids, *self._numfmt_cache.values()]) + 1
        fmts.add(f'<{self.pre}numFmt numFmtId="{new_id}" formatCode="{attr_xml(code)}"/>')
        self._numfmt_cache[code] = new_id
        return new_id

    def _bold_font(self) -> int:
        fonts = self._lists["fonts"]
        items = fonts.items
        if not items:
            return 0
        bold_tag = f"<{self.pre}b/>"
        base = items[0]
        for i, font in enumerate(items):
            if bold_tag in font and font.replace(bold_tag, "") == base.replace(bold_tag, ""):
                return i
        first = fonts.children[0] if fonts.children else None
        if first is None or first.inner == first.end:       # <font/>: nothing to keep
            bold = f"<{self.pre}font>{bold_tag}</{self.pre}font>"
        else:
            cut = first.inner - first.start
            bold = base[:cut] + bold_tag + base[cut:]
        return fonts.add(bold)

    def xf(self, fmt: Format, *, bold: bool = False, wrap: bool = False,
           top: bool = False, right: bool = False) -> int | None:
        """The cellXfs index for a number format / bold / wrap / top / right alignment;
        None for plain text.  Wrapped text is always top-aligned."""
        key = (fmt if fmt != "text" else "", bold, wrap, top and not wrap, right)
        if key == ("", False, False, False, False):
            return None
        if key in self._xf_cache:
            return self._xf_cache[key]
        num = self._numfmt_id(fmt) if fmt != "text" else 0
        font = self._bold_font() if bold else 0
        attrs = f'numFmtId="{num}" fontId="{font}" fillId="0" borderId="0" xfId="0"'
        if num:
            attrs += ' applyNumberFormat="1"'
        if bold:
            attrs += ' applyFont="1"'
        p = self.pre
        side = ' horizontal="right"' if right else ""
        if wrap:
            xf = (f'<{p}xf {attrs} applyAlignment="1"><{p}alignment{side} wrapText="1"'
                  f' vertical="top"/></{p}xf>')
        elif top or right:
            vertical = ' vertical="top"' if top else ""
            xf = (f'<{p}xf {attrs} applyAlignment="1"><{p}alignment{side}{vertical}/>'
                  f"</{p}xf>")
        else:
            xf = f"<{p}xf {attrs}/>"
        xfs = self._lists["cellXfs"]
        items = xfs.items
        index = items.index(xf) if xf in items else xfs.add(xf)
        self._xf_cache[key] = index
        return index

    def dxf(self, tone: Tone) -> int:
        """The dxfs index of a highlight tone (a solid fill, bold for the row to fix)."""
        if tone in self._dxf_cache:
            return self._dxf_cache[tone]
        rgb, bold = TONES[tone]
        colour = "FF" + rgb                     # ARGB, opaque
        p = self.pre
        font = f"<{p}font><{p}b/></{p}font>" if bold else ""
        item = (f'<{p}dxf>{font}<{p}fill><{p}patternFill patternType="solid"><{p}fgColor'
                f' rgb="{colour}"/><{p}bgColor rgb="{colour}"/></{p}patternFill></{p}fill>'
                f"</{p}dxf>")
        dxfs = self._lists["dxfs"]
        items = dxfs.items
        index = items.index(item) if item in items else dxfs.add(item)
        self._dxf_cache[tone] = index
        return index
