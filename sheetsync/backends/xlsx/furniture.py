"""A worksheet's furniture around its cells: the head before <sheetData> (dimension,
column widths) and the tail after it (conditional formats, drawings).  Functions of
those few bytes, so patching them never touches the (possibly huge) sheetData.
"""

from __future__ import annotations

import re

from sheetsync.backends.xlsx.xmltext import escape
from sheetsync.workbook import column_letter, column_number

# Elements that follow <conditionalFormatting> in CT_Worksheet, in schema order.
AFTER_CF = ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
            "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
            "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
            "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")


def _p(prefix: str) -> bytes:
    return re.escape(prefix.encode())


def extend_dimension(head: bytes, prefix: str, max_row: int, max_col: int) -> bytes:
    """`head` with its <dimension> grown to cover row `max_row`, column `max_col`."""
    m = re.search(rb'<%sdimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"' % _p(prefix),
                  head)
    if not m:
        return head
    c1, r1 = m.group(1).decode(), int(m.group(2))
    c2 = m.group(3).decode() if m.group(3) else c1
    r2 = int(m.group(4)) if m.group(4) else r1
    new_c2 = column_letter(max(column_number(c2), max_col))
    new_r2 = max(r2, max_row)
    ref = f"{c1}{r1}:{new_c2}{new_r2}".encode()
    old = m.group(0)
    new = old[: old.index(b'ref="') + 5] + ref + b'"'
    return head[: m.start()] + new + head[m.end():]


def set_widths(head: bytes, prefix: str, widths: dict[int, float]) -> bytes:
    """`head` with a width for each owned column no <col> of the operator's covers."""
    p, pre = _p(prefix), prefix.encode()
    cols = re.search(rb"<%scols>(.*?)</%scols>" % (p, p), head, re.S)
    spans = [(int(a), int(b)) for a, b in re.findall(
        rb'<%scol\b[^>]*?\bmin="(\d+)"[^>]*?\bmax="(\d+)"' % p, cols.group(1))] if cols else []
    new = {c: w for c, w in widths.items() if not any(a <= c <= b for a, b in spans)}
    items = [(a, re.search(rb'<%scol\b[^>]*?\bmin="%d"[^>]*?(?:/>|>.*?</%scol>)'
                           % (p, a, p), cols.group(1), re.S).group(0))  # type: ignore[union-attr]
             for a, _ in spans] if cols else []
    grown = [(a, _grown(col, widths[a])) if (a, a) in spans and a in widths else (a, col)
             for a, col in items]
    if not new and grown == items:
        return head
    items = grown
    items += [(c, b'<%scol min="%d" max="%d" width="%s" customWidth="1"/>'
               % (pre, c, c, f"{w:g}".encode())) for c, w in new.items()]
    body = b"".join(x for _, x in sorted(items, key=lambda t: t[0]))
    block = b"<%scols>%s</%scols>" % (pre, body, pre)
    if cols:
        return head[: cols.start()] + block + head[cols.end():]
    return head + block


def _grown(col: bytes, width: float) -> bytes:
    """A <col> of one owned column made `width` wide if it is narrower: an owned column
    is as wide as its words; a wider one (the operator's choice) is left as it is."""
    m = re.search(rb'\bwidth="([0-9.]+)"', col)
    if m is not None and float(m.group(1)) >= width:
        return col
    text = f"{width:g}".encode()
    col = (col[:m.start()] + b'width="%s"' % text + col[m.end():] if m else
           col.replace(b" min=", b' width="%s" min=' % text, 1))
    return col if b"customWidth=" in col else col.replace(b" min=", b' customWidth="1" min=', 1)


_HT = re.compile(rb'\sht="([^"]*)"')
_CUSTOM = re.compile(rb'\scustomHeight="[^"]*"')
_COL = re.compile(rb'<(?:\w+:)?col\b[^>]*>')
_ATTR = {name: re.compile(rb'\b%s="([^"]*)"' % name.encode())
         for name in ("min", "max", "width", "defaultColWidth", "baseColWidth")}


def taller(tag: bytes, height: float | None) -> bytes:
    """A <row ...> opening tag at least `height` points tall: a row as tall or taller
    (the operator's own height) is left as it is, a shorter one gets `height`."""
    if not height:
        return tag
    m = _HT.search(tag)
    try:
        if m is not None and float(m.group(1)) >= height:
            return tag
    except ValueError:
        pass
    text = b' ht="%s"' % f"{height:g}".encode()
    tag = tag[:m.start()] + text + tag[m.end():] if m else (
        tag[:-2] + text + b"/>" if tag.endswith(b"/>") else tag[:-1] + text + b">")
    tag = _CUSTOM.sub(b"", tag)
    return (tag[:-2] + b' customHeight="1"/>' if tag.endswith(b"/>")
            else tag[:-1] + b' customHeight="1">')


def column_widths(head: bytes) -> tuple[dict[int, float], float]:
    """The widths the sheet's <col> elements give (column -> characters) and the width
    of a column none covers."""
    widths: dict[int, float] = {}
    for m in _COL.finditer(head):
        found = {k: rx.search(m.group(0)) for k, rx in _ATTR.items()}
        lo, hi, w = found["min"], found["max"], found["width"]
        if lo is None or w is None:
            continue
        try:
            first, last, width = int(lo.group(1)), int((hi or lo).group(1)), float(w.group(1))
        except ValueError:
            continue
        for c in range(first, min(last, first + 200) + 1):
            widths[c] = width
    default = 8.43
    for m in re.finditer(rb"<(?:\w+:)?sheetFormatPr\b[^>]*>", head):
        d = _ATTR["defaultColWidth"].search(m.group(0)) or _ATTR["baseColWidth"].search(m.group(0))
        try:
            default = float(d.group(1)) if d else default
        except ValueError:
            pass
    return widths, default


def conditional_formats(tail: bytes, prefix: str, rules: list[tuple[str, str, int]]) -> bytes:
    """`tail` with sheetsync's own conditional formats replaced by (sqref, formula, dxf
    id) `rules`; the operator's are left as they are."""
    p, pre = _p(prefix), prefix
    ours = re.compile(rb"<%sconditionalFormatting\b(?:(?!</%sconditionalFormatting>).)*?"
                      rb"N\(&quot;sheetsync&quot;\)=0.*?</%sconditionalFormatting>"
                      % (p, p, p) + b"|" +
                      rb"<%sconditionalFormatting\b(?:(?!</%sconditionalFormatting>).)*?"
                      rb'N\("sheetsync"\)=0.*?</%sconditionalFormatting>' % (p, p, p), re.S)
    tail = ours.sub(b"", tail)
    if not rules:
        return tail
    prios = [int(x) for x in re.findall(rb'\bpriority="(\d+)"', tail)]
    block = cf_xml(rules, pre, max(prios, default=0) + 1)
    ends = list(re.finditer(rb"</%sconditionalFormatting>" % p, tail))
    if ends:
        at = ends[-1].end()
    else:
        for tag in AFTER_CF:
            m = re.search(rb"<%s%s\b" % (p, tag.encode()), tail)
            if m:
                at = m.start()
                break
        else:
            at = tail.rindex(b"</%sworksheet>" % pre.encode())
    return tail[:at] + block + tail[at:]


def insert_after(tail: bytes, prefix: str, element: bytes, before: tuple[str, ...]) -> bytes:
    """`tail` with `element` before the first of the `before` elements it has (schema
    order), else at the end of the worksheet."""
    for name in before:
        m = re.search(rb"<%s%s\b" % (_p(prefix), name.encode()), tail)
        if m:
            return tail[: m.start()] + element + tail[m.start():]
    end = tail.rindex(b"</%sworksheet>" % prefix.encode())
    return tail[:end] + element + tail[end:]


def legacy_drawing_rid(tail: bytes, prefix: str) -> str | None:
    """The relationship id the sheet's <legacyDrawing> names (its notes' drawing), if
    it has one; <legacyDrawingHF> (a header/footer picture) is not it."""
    m = re.search(rb"<%slegacyDrawing(?=[\s/>])[^>]*?\s[\w.-]+:id\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
                  % _p(prefix), tail)
    return (m.group(1) or m.group(2) or b"").decode() if m else None


def cf_xml(rules: list[tuple[str, str, int]], prefix: str, first_priority: int) -> bytes:
    """<conditionalFormatting> elements for (sqref, formula, dxf id) rules."""
    pre = prefix
    return "".join(
        f'<{pre}conditionalFormatting sqref="{sqref}"><{pre}cfRule type="expression"'
        f' dxfId="{dxf}" priority="{first_priority + k}" stopIfTrue="1"><{pre}formula>'
        f"{escape(formula)}</{pre}formula></{pre}cfRule></{pre}conditionalFormatting>"
        for k, (sqref, formula, dxf) in enumerate(rules)).encode()
