"""Patch owned cells into a worksheet's XML without reserialising it.

Rows without owned cells are copied as byte slices; in a row with owned cells only
those `<c>` elements are replaced, inserted in column order, or emptied.  The rest of
the sheet — operator cells, merged cells, data validations, drawings, extLst — is left
as the bytes it was.  Strings are inline strings (never formulas, never a change to
sharedStrings.xml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from sheetsync.errors import WriteError
from sheetsync.workbook import column_letter

_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ROW_R = re.compile(rb'\br="(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_STYLE = re.compile(rb'\bs="(\d+)"')
# Elements that follow <conditionalFormatting> in CT_Worksheet, in schema order.
AFTER_CF = ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
            "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
            "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
            "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")


col_letters = column_letter


def col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass(frozen=True)
class Cell:
    """A rendered owned cell: its inner XML and attributes, or an empty (cleared) cell."""

    kind: str            # "str", "num" or "empty"
    text: str = ""       # the escaped string or number text
    style: int | None = None
    keep_style: bool = True   # keep the existing cell's s="" when ours is None

    def xml(self, ref: str, existing_style: bytes | None, prefix: str) -> bytes:
        s = self.style
        style = f' s="{s}"' if s is not None else (
            f' s="{existing_style.decode()}"' if existing_style and self.keep_style else "")
        c = f"{prefix}c"
        if self.kind == "num":
            return f'<{c} r="{ref}"{style}><{prefix}v>{self.text}</{prefix}v></{c}>'.encode()
        if self.kind == "str":
            return (f'<{c} r="{ref}"{style} t="inlineStr"><{prefix}is><{prefix}t'
                    f' xml:space="preserve">{self.text}</{prefix}t></{prefix}is></{c}>').encode()
        return f'<{c} r="{ref}"{style}/>'.encode()


def text_cell(value: str, style: int | None) -> Cell:
    safe = escape(xml_chars(value))
    return Cell("str", safe, style)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_chars(value: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters from pasted text)."""
    return _NOT_XML.sub("", value) if _NOT_XML.search(value) else value


class SheetXml:
    """One worksheet part being patched.  `result()` gives the new bytes."""

    def __init__(self, data: bytes, name: str):
        self.name = name
        root = re.search(rb"<(?:(\w+):)?worksheet\b", data)
        if root is None:
            raise WriteError(f"sheet '{name}' is not a worksheet part sheetsync can write")
        self.prefix = (root.group(1).decode() + ":") if root.group(1) else ""
        self.p = re.escape(self.prefix).encode()
        # Kept in three parts so no edit copies the (possibly huge) sheetData again.
        self.head, self.sheet_data, self.tail = self._split(data)

    @property
    def data(self) -> bytes:
        return self.head + self.sheet_data + self.tail

    # -- cells -------------------------------------------------------------------------
    def set_cells(self, cells: dict[tuple[int, int], Cell]) -> None:
        """Write `cells` ((row, col) -> Cell) into sheetData, row by row."""
        if not cells:
            return
        by_row: dict[int, dict[int, Cell]] = {}
        for (r, c), cell in cells.items():
            by_row.setdefault(r, {})[c] = cell
        data, p = self.sheet_data, self.p
        sd = re.match(rb"<%ssheetData\s*/>|<%ssheetData\b[^>]*>" % (p, p), data)
        if sd is None:
            raise WriteError(f"sheet '{self.name}' has no sheetData")
        if sd.group(0).endswith(b"/>"):
            start = end = sd.end()
            head, tail = data[: sd.start()] + b"<%ssheetData>" % self.prefix.encode(), (
                b"</%ssheetData>" % self.prefix.encode() + data[sd.end():])
        else:
            start = sd.end()
            end = data.index(b"</%ssheetData>" % self.prefix.encode(), start)
            head, tail = data[:start], data[end:]
        view = memoryview(data)          # unchanged spans are joined without copies
        out: list[bytes | memoryview] = [head]
        pending = sorted(by_row)
        i = 0
        pos = start
        last_r = 0
        row_re = re.compile(rb"<%srow\b[^>]*?(?:/>|>.*?</%srow>)" % (p, p), re.S)
        for m in row_re.finditer(data, start, end):
            rm = _ROW_R.search(data, m.start(), m.start() + 200)
            r = int(rm.group(1)) if rm and rm.start() < data.index(b">", m.start()) else last_r + 1
            last_r = r
            while i < len(pending) and pending[i] < r:
                out.append(view[pos: m.start()])
                pos = m.start()
                out.append(self._new_row(pending[i], by_row[pending[i]]))
                i += 1
            if i < len(pending) and pending[i] == r:
                out.append(view[pos: m.start()])
                out.append(self._patch_row(m.group(0), r, by_row[r]))
                pos = m.end()
                i += 1
        out.append(view[pos:end])
        for r in pending[i:]:
            out.append(self._new_row(r, by_row[r]))
        out.append(tail)
        self.sheet_data = b"".join(out)

    def _new_row(self, r: int, cells: dict[int, Cell]) -> bytes:
        body = b"".join(cells[c].xml(f"{col_letters(c)}{r}", None, self.prefix)
                        for c in sorted(cells) if cells[c].kind != "empty")
        if not body:
            return b""
        return b'<%srow r="%d">%s</%srow>' % (self.prefix.encode(), r, body,
                                               self.prefix.encode())

    def _patch_row(self, row: bytes, r: int, cells: dict[int, Cell]) -> bytes:
        if row.endswith(b"/>"):
            opening, body, closing = row[:-2] + b">", b"", b"</%srow>" % self.prefix.encode()
        else:
            gt = row.index(b">") + 1
            close = row.rindex(b"<")
            opening, body, closing = row[:gt], row[gt:close], row[close:]
        fast = self._fast_patch(body, r, cells)
        if fast is not None:
            return row if fast is body else _SPANS.sub(b"", opening) + fast + closing
        existing = self._cells(body, r)
        changed = False
        for c in sorted(cells):
            cell = cells[c]
            ref = f"{col_letters(c)}{r}"
            at = next((k for k, (col, _, _) in enumerate(existing) if col >= c), None)
            if at is not None and existing[at][0] == c:
                old = existing[at][2]
                style = _STYLE.search(old[: old.index(b">") + 1])
                if cell.kind == "empty" and style is None:
                    new = b""
                else:
                    new = cell.xml(ref, style.group(1) if style else None, self.prefix)
                if new != old:
                    existing[at] = (c, ref, new)
                    changed = True
            elif cell.kind != "empty":
                entry = (c, ref, cell.xml(ref, None, self.prefix))
                existing.insert(len(existing) if at is None else at, entry)
                changed = True
        if not changed:
            return row
        opening = _SPANS.sub(b"", opening)
        return opening + b"".join(x[2] for x in existing) + closing

    def _fast_patch(self, body: bytes, r: int, cells: dict[int, Cell]) -> bytes | None:
        """The common cases without parsing the row: owned cells absent and to the right.

        Returns `body` itself when nothing changes, new body bytes when the owned cells
        were appended, or None when the row needs the full treatment.
        """
        pre = self.prefix.encode()
        if any(f'r="{col_letters(c)}{r}"'.encode() in body for c in cells):
            return None
        todo = {c: cell for c, cell in cells.items() if cell.kind != "empty"}
        if not todo:
            return body
        n_cells = body.count(b"<" + pre + b"c ") + body.count(b"<" + pre + b"c>")
        if body.count(b' r="') != n_cells:
            return None                          # some cell has no r="": go slow
        last = _REF.search(body, body.rfind(b' r="')) if n_cells else None
        if last is not None and col_number(last.group(1)) >= min(todo):
            return None
        return body + b"".join(todo[c].xml(f"{col_letters(c)}{r}", None, self.prefix)
                               for c in sorted(todo))

    def _cells(self, body: bytes, r: int) -> list[tuple[int, str, bytes]]:
        p = self.p
        found = []
        last = 0
        for m in re.finditer(rb"<%sc\b[^>]*?(?:/>|>.*?</%sc>)" % (p, p), body, re.S):
            tag_end = m.group(0).index(b">")
            ref = _REF.search(m.group(0), 0, tag_end)
            col = col_number(ref.group(1)) if ref else last + 1
            last = col
            found.append((col, f"{col_letters(col)}{r}", m.group(0)))
        return found

    # -- sheet furniture ---------------------------------------------------------------
    def _split(self, data: bytes) -> tuple[bytes, bytes, bytes]:
        """(before <sheetData, the sheetData element, after it): furniture lives outside."""
        start = data.find(b"<%ssheetData" % self.prefix.encode())
        if start < 0:
            raise WriteError(f"sheet '{self.name}' has no sheetData")
        end_tag = b"</%ssheetData>" % self.prefix.encode()
        end = data.rfind(end_tag)
        end = end + len(end_tag) if end >= 0 else data.index(b">", start) + 1
        return data[:start], data[start:end], data[end:]

    def extend_dimension(self, max_row: int, max_col: int) -> None:
        head = self.head
        m = re.search(rb'<%sdimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"' % self.p,
                      head)
        if not m:
            return
        c1, r1 = m.group(1).decode(), int(m.group(2))
        c2 = m.group(3).decode() if m.group(3) else c1
        r2 = int(m.group(4)) if m.group(4) else r1
        new_c2 = col_letters(max(col_number(c2), max_col))
        new_r2 = max(r2, max_row)
        ref = f"{c1}{r1}:{new_c2}{new_r2}".encode()
        old = m.group(0)
        new = old[: old.index(b'ref="') + 5] + ref + b'"'
        self.head = head[: m.start()] + new + head[m.end():]

    def set_widths(self, widths: dict[int, float]) -> None:
        """Give owned columns a width when no <col> of the operator's covers them."""
        p, pre = self.p, self.prefix.encode()
        head = self.head
        cols = re.search(rb"<%scols>(.*?)</%scols>" % (p, p), head, re.S)
        spans = [(int(a), int(b)) for a, b in re.findall(
            rb'<%scol\b[^>]*?\bmin="(\d+)"[^>]*?\bmax="(\d+)"' % p, cols.group(1))] if cols else []
        new = {c: w for c, w in widths.items() if not any(a <= c <= b for a, b in spans)}
        if not new:
            return
        items = [(a, re.search(rb'<%scol\b[^>]*?\bmin="%d"[^>]*?(?:/>|>.*?</%scol>)'
                               % (p, a, p), cols.group(1), re.S).group(0))  # type: ignore[union-attr]
                 for a, _ in spans] if cols else []
        items += [(c, b'<%scol min="%d" max="%d" width="%s" customWidth="1"/>'
                   % (pre, c, c, f"{w:g}".encode())) for c, w in new.items()]
        body = b"".join(x for _, x in sorted(items, key=lambda t: t[0]))
        block = b"<%scols>%s</%scols>" % (pre, body, pre)
        if cols:
            self.head = head[: cols.start()] + block + head[cols.end():]
        else:
            self.head = head + block

    def set_conditional_formats(self, rules: Iterable[tuple[str, str, int]]) -> None:
        """Replace sheetsync's own conditional formats with (sqref, formula, dxf id) rules."""
        p, pre = self.p, self.prefix
        ours = re.compile(rb"<%sconditionalFormatting\b(?:(?!</%sconditionalFormatting>).)*?"
                          rb"N\(&quot;sheetsync&quot;\)=0.*?</%sconditionalFormatting>"
                          % (p, p, p) + b"|" +
                          rb"<%sconditionalFormatting\b(?:(?!</%sconditionalFormatting>).)*?"
                          rb'N\("sheetsync"\)=0.*?</%sconditionalFormatting>' % (p, p, p), re.S)
        tail = self.tail = ours.sub(b"", self.tail)
        rules = list(rules)
        if not rules:
            return
        prios = [int(x) for x in re.findall(rb'\bpriority="(\d+)"', tail)]
        first = max(prios, default=0) + 1
        blocks = []
        for k, (sqref, formula, dxf) in enumerate(rules):
            blocks.append(
                f'<{pre}conditionalFormatting sqref="{sqref}"><{pre}cfRule type="expression"'
                f' dxfId="{dxf}" priority="{first + k}" stopIfTrue="1"><{pre}formula>'
                f"{escape(formula)}</{pre}formula></{pre}cfRule></{pre}conditionalFormatting>"
            )
        block = "".join(blocks).encode()
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
        self.tail = tail[:at] + block + tail[at:]
