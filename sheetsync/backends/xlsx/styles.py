"""The few styles sync needs, spliced into xl/styles.xml without reserialising it.

Number formats (percent, money, days, dates), bold and wrapped text as cell formats
(`cellXfs`), and the highlight fills as differential formats (`dxfs`) for conditional
formatting.  Each is looked up first and appended only when absent, so a second sync
finds them all and leaves styles.xml byte for byte as it was.
"""

from __future__ import annotations

import re

from sheetsync.formats import NUMBER_FORMATS, TONES
from sheetsync.workbook import Format, Tone

_BUILTIN = {"0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


def _block(xml: str, tag: str) -> re.Match[str] | None:
    return re.search(rf"<{tag}\b[^>]*?(?:/>|>.*?</{tag}>)", xml, re.S)


def _children(body: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b[^>]*?(?:/>|>.*?</{tag}>)", body, re.S)


def _set_block(xml: str, tag: str, items: list[str], before: tuple[str, ...]) -> str:
    """Replace (or create before the first of `before`) <tag count=..>items</tag>."""
    new = f'<{tag} count="{len(items)}">{"".join(items)}</{tag}>'
    m = _block(xml, tag)
    if m:
        return xml[: m.start()] + new + xml[m.end():]
    for follower in before:
        pos = re.search(rf"<{follower}\b", xml)
        if pos:
            return xml[: pos.start()] + new + xml[pos.start():]
    end = xml.rindex("</styleSheet>")
    return xml[:end] + new + xml[end:]


def _inner(xml: str, tag: str) -> list[str]:
    m = _block(xml, tag)
    if not m or m.group(0).endswith("/>"):
        return []
    body = m.group(0)
    body = body[body.index(">") + 1: body.rindex("<")]
    return _children(body, tag[:-1] if tag != "cellXfs" else "xf")


class Styles:
    """styles.xml with what sync asked for added; `xml` is the result."""

    def __init__(self, xml: bytes):
        self.original = xml
        self.text = xml.decode("utf-8")
        self._xf_cache: dict[tuple[str, bool, bool, bool], int] = {}
        self._dxf_cache: dict[str, int] = {}

    @property
    def xml(self) -> bytes:
        return self.original if self.text == self.original.decode("utf-8") else (
            self.text.encode("utf-8"))

    def _numfmt_id(self, fmt: Format) -> int:
        code = NUMBER_FORMATS.get(fmt)
        if code is None:
            return 0
        if code in _BUILTIN:
            return _BUILTIN[code]
        fmts = _inner(self.text, "numFmts")
        ids = []
        for item in fmts:
            num = re.search(r'numFmtId="(\d+)"', item)
            found = re.search(r'formatCode="([^"]*)"', item)
            if num and found and found.group(1) == code:
                return int(num.group(1))
            if num:
                ids.append(int(num.group(1)))
        new_id = max([163, *ids]) + 1
        fmts.append(f'<numFmt numFmtId="{new_id}" formatCode="{code}"/>')
        self.text = _set_block(self.text, "numFmts", fmts, ("fonts", "fills", "borders"))
        return new_id

    def _bold_font(self) -> int:
        fonts = _inner(self.text, "fonts")
        if not fonts:
            return 0
        for i, font in enumerate(fonts):
            if "<b/>" in font and font.replace("<b/>", "") == fonts[0].replace("<b/>", ""):
                return i
        base = fonts[0]
        bold = base.replace("<font>", "<font><b/>", 1) if base.startswith("<font>") else (
            re.sub(r"^<font\b([^>]*)>", r"<font\1><b/>", base, count=1))
        if bold.endswith("/>"):
            bold = "<font><b/></font>"
        fonts.append(bold)
        self.text = _set_block(self.text, "fonts", fonts, ("fills",))
        return len(fonts) - 1

    def xf(self, fmt: Format, *, bold: bool = False, wrap: bool = False,
           top: bool = False) -> int | None:
        """The cellXfs index for a number format / bold / wrap / top alignment; None for
        plain text.  Wrapped text is always top-aligned."""
        key = (fmt if fmt != "text" else "", bold, wrap, top and not wrap)
        if key == ("", False, False, False):
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
        if wrap:
            xf = f'<xf {attrs} applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>'
        elif top:
            xf = f'<xf {attrs} applyAlignment="1"><alignment vertical="top"/></xf>'
        else:
            xf = f"<xf {attrs}/>"
        xfs = _inner(self.text, "cellXfs")
        if xf in xfs:
            index = xfs.index(xf)
        else:
            xfs.append(xf)
            self.text = _set_block(self.text, "cellXfs", xfs, ("cellStyles", "dxfs"))
            index = len(xfs) - 1
        self._xf_cache[key] = index
        return index

    def dxf(self, tone: Tone) -> int:
        """The dxfs index of a highlight tone (a solid fill, bold for the row to fix)."""
        if tone in self._dxf_cache:
            return self._dxf_cache[tone]
        rgb, bold = TONES[tone]
        colour = "FF" + rgb                     # ARGB, opaque
        font = "<font><b/></font>" if bold else ""
        item = (f'<dxf>{font}<fill><patternFill patternType="solid"><fgColor rgb="{colour}"/>'
                f'<bgColor rgb="{colour}"/></patternFill></fill></dxf>')
        dxfs = _inner(self.text, "dxfs")
        if item in dxfs:
            index = dxfs.index(item)
        else:
            dxfs.append(item)
            self.text = _set_block(self.text, "dxfs", dxfs,
                                   ("tableStyles", "colors", "extLst"))
            index = len(dxfs) - 1
        self._dxf_cache[tone] = index
        return index
