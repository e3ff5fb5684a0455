"""Patch owned cells into a worksheet's XML without reserialising it.

Rows without owned cells are copied as byte slices; in a row with owned cells only
those `<c>` elements are replaced, inserted in column order, or emptied.  The rest of
the sheet — operator cells, merged cells, data validations, drawings, extLst — is left
as the bytes it was.  Strings are inline strings (never formulas, never a change to
sharedStrings.xml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple
from xml.sax.saxutils import escape

from sheetsync.backends.xlsx.rowfind import RowFinder
from sheetsync.backends.xlsx.xmltext import text_xml
from sheetsync.errors import WriteError
from sheetsync.workbook import column_letter

_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_STYLE = re.compile(rb'\bs="(\d+)"')
# Elements that follow <conditionalFormatting> in CT_Worksheet, in schema order.
AFTER_CF = ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup",
            "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
            "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
            "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst")


col_letters = column_letter
Buffer = bytes | bytearray  # a part as read: bytearray when inflated in place (package.inflate)
SPLICE_CHUNK = 4 << 20      # bytes of the original between two pieces handed on


@lru_cache(maxsize=1024)
def col_bytes(col: int) -> bytes:
    return column_letter(col).encode()


@lru_cache(maxsize=1024)
def col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


class Cell(NamedTuple):
    """A rendered owned cell: its inner XML and attributes, or an empty (cleared) cell.

    A named tuple: a sync renders one per changed Check cell, tens of thousands.
    """

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
    return Cell("str", text_xml(value), style)


class SheetXml:
    """One worksheet part being patched: `chunks()` gives the new bytes, piece by piece.

    The part is kept as head (before <sheetData>), the sheetData element as a list of
    pieces (memoryviews into the original bytes for what is unchanged, new bytes for
    patched rows) and tail (after it).  No edit copies the possibly huge sheetData, and
    the writer streams the pieces into the zip without joining them.
    """

    def __init__(self, data: Buffer, name: str):
        self.name = name
        root = re.search(rb"<(?:(\w+):)?worksheet\b", data)
        if root is None:
            raise WriteError(f"sheet '{name}' is not a worksheet part sheetsync can write")
        self.prefix = (root.group(1).decode() + ":") if root.group(1) else ""
        self.p = re.escape(self.prefix).encode()
        self.original = data
        self.sd_start, self.sd_end = self._locate(data)
        self.head, self.tail = bytes(data[: self.sd_start]), bytes(data[self.sd_end:])
        self.cells: dict[int, dict[int, Cell]] = {}       # row -> col -> owned cell
        self.body_changed = False
        self._cell = re.compile(rb"<%sc\b[^>]*?(?:/>|>.*?</%sc>)" % (self.p, self.p), re.S)
        self._c_open = b"<%sc" % self.prefix.encode()
        self._c_ref = re.compile(rb'<%sc\s[^>]*?\br="([A-Z]{1,3})\d+"' % self.p)

    @property
    def changed(self) -> bool:
        """True when the new part differs from the original in any byte (known once
        `chunks()` has been read to the end)."""
        return (self.body_changed or self.head != self.original[: self.sd_start]
                or self.tail != self.original[self.sd_end:])

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The new part, piece by piece: unchanged spans are views of the original."""
        yield self.head
        if self.cells:
            yield from self._spliced()
        else:
            yield memoryview(self.original)[self.sd_start: self.sd_end]
        yield self.tail

    @property
    def data(self) -> bytes:
        """The whole new part in one piece (small sheets; tests)."""
        return b"".join(self.chunks())

    # -- cells -------------------------------------------------------------------------
    def set_cells(self, cells: dict[tuple[int, int], Cell]) -> None:
        """Owned cells ((row, col) -> Cell) to write; spliced in as `chunks()` is read."""
        for (r, c), cell in cells.items():
            self.cells.setdefault(r, {})[c] = cell

    def _spliced(self) -> Iterator[bytes | memoryview]:
        """sheetData with the owned cells written, touching only their rows.

        Rows are found by their `<row r="N"` tag (a plain byte search, skipping the
        rows in between in C) and, when the sheet spells its rows otherwise, by
        walking the row tags.  In a found row an owned cell is replaced in place, or
        added after the row's last cell; only an odd row is parsed cell by cell.
        """
        by_row = self.cells
        data, pre = self.original, self.prefix.encode()
        sd = re.compile(rb"<%ssheetData\b[^>]*?(/?)>" % self.p).match(data, self.sd_start)
        if sd is None:
            raise WriteError(f"sheet '{self.name}' has no sheetData")
        pending = sorted(by_row)
        if sd.group(1):                                   # <sheetData/>: only new rows
            rows = [self._new_row(r, by_row[r]) for r in pending]
            self.body_changed = any(rows)
            yield b"<%ssheetData>%s</%ssheetData>" % (pre, b"".join(rows), pre)
            return
        start, end = sd.end(), data.rindex(b"</%ssheetData>" % pre, sd.end(), self.sd_end)
        view = memoryview(data)
        close_row = b"</%srow>" % pre
        find = RowFinder(data, end, self.prefix)
        out: list[bytes | memoryview] = [view[self.sd_start: start]]
        pos = flushed = start
        for r in pending:
            if pos - flushed > SPLICE_CHUNK:                 # hand on a few MB at a time
                yield b"".join(out)
                out, flushed = [], pos
            todo = by_row[r]
            m, at = find(r, pos)
            if m is None:                                 # a row the sheet lacks
                row = self._new_row(r, todo)
                if row:
                    out += [view[pos:at], row]
                    pos, self.body_changed = at, True
                continue
            if m.group(2):                                # <row .../>: no cells yet
                body = self._new_cells(r, todo)
                if body:
                    out += [view[pos: m.start()],
                            b"<%srow%s>%s%s" % (pre, _SPANS.sub(b"", m.group(1)), body, close_row)]
                    pos, self.body_changed = m.end(), True
                continue
            close = data.index(close_row, m.end(), end)
            edits = self._edits(data, m.end(), close, r, todo)
            if edits is None:                             # the full treatment
                stop = close + len(close_row)
                old = bytes(data[m.start(): stop])
                new = self._patch_row(old, r, todo)
                if new is not old:
                    out += [view[pos: m.start()], new]
                    pos, self.body_changed = stop, True
            elif edits:
                tag = m.group(0)
                if b"spans=" in tag:                      # a hint the new cells may break
                    out += [view[pos: m.start()], _SPANS.sub(b"", tag)]
                    pos = m.end()
                for a, b, xml in edits:
                    out += [view[pos:a], xml]
                    pos = b
                self.body_changed = True
        out.append(view[pos: self.sd_end])
        yield b"".join(out)

    def _edits(self, data: Buffer, first: int, close: int, r: int,
               cells: dict[int, Cell]) -> list[tuple[int, int, bytes]] | None:
        """In-place edits (start, stop, new bytes) of one row's owned cells, in order;
        None when the row needs the full treatment (an owned cell left of the last, or
        a last cell without its r="")."""
        edits: list[tuple[int, int, bytes]] = []
        for c in sorted(cells) if len(cells) > 1 else cells:
            cell = cells[c]
            at = data.find(b' r="%s%d"' % (col_bytes(c), r), first, close)
            ref = f"{col_letters(c)}{r}"
            if at >= 0:                                   # the owned cell is there
                cs = data.rfind(b"<", first, at)
                cm = self._cell.match(data, cs)
                if cm is None:
                    return None
                old = cm.group(0)
                style = _STYLE.search(old, 0, old.index(b">"))
                new = (b"" if cell.kind == "empty" and style is None else
                       cell.xml(ref, style.group(1) if style else None, self.prefix))
                if new != old:
                    edits.append((cs, cm.end(), new))
                continue
            if cell.kind == "empty":
                continue
            last = data.rfind(self._c_open, first, close)
            if last >= 0:           # after the row's last cell, if its r="" is left of c
                lm = self._c_ref.match(data, last)
                if lm is None or col_number(lm.group(1)) >= c:
                    return None
            edits.append((close, close, cell.xml(ref, None, self.prefix)))
        return edits if len(edits) < 2 else sorted(edits, key=lambda e: e[0])

    def _new_cells(self, r: int, cells: dict[int, Cell]) -> bytes:
        return b"".join(cells[c].xml(f"{col_letters(c)}{r}", None, self.prefix)
                        for c in sorted(cells) if cells[c].kind != "empty")

    def _new_row(self, r: int, cells: dict[int, Cell]) -> bytes:
        body = self._new_cells(r, cells)
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

    def _cells(self, body: bytes, r: int) -> list[tuple[int, str, bytes]]:
        found = []
        last = 0
        for m in self._cell.finditer(body):
            tag_end = m.group(0).index(b">")
            ref = _REF.search(m.group(0), 0, tag_end)
            col = col_number(ref.group(1)) if ref else last + 1
            last = col
            found.append((col, f"{col_letters(col)}{r}", m.group(0)))
        return found

    # -- sheet furniture ---------------------------------------------------------------
    def _locate(self, data: Buffer) -> tuple[int, int]:
        """Where the sheetData element starts and ends: furniture lives outside it."""
        start = data.find(b"<%ssheetData" % self.prefix.encode())
        if start < 0:
            raise WriteError(f"sheet '{self.name}' has no sheetData")
        end_tag = b"</%ssheetData>" % self.prefix.encode()
        end = data.rfind(end_tag)
        end = end + len(end_tag) if end >= 0 else data.index(b">", start) + 1
        return start, end

    def insert_after_data(self, element: bytes, before: Iterable[str]) -> None:
        """Put `element` after sheetData, before the first of the `before` elements
        present (schema order), else at the end of the worksheet."""
        for name in before:
            m = re.search(rb"<%s%s\b" % (self.p, name.encode()), self.tail)
            if m:
                self.tail = self.tail[: m.start()] + element + self.tail[m.start():]
                return
        end = self.tail.rindex(b"</%sworksheet>" % self.prefix.encode())
        self.tail = self.tail[:end] + element + self.tail[end:]

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
        self.tail = tail[:at] + block + tail[at:]


def cf_xml(rules: list[tuple[str, str, int]], prefix: str, first_priority: int) -> bytes:
    """<conditionalFormatting> elements for (sqref, formula, dxf id) rules."""
    pre = prefix
    return "".join(
        f'<{pre}conditionalFormatting sqref="{sqref}"><{pre}cfRule type="expression"'
        f' dxfId="{dxf}" priority="{first_priority + k}" stopIfTrue="1"><{pre}formula>'
        f"{escape(formula)}</{pre}formula></{pre}cfRule></{pre}conditionalFormatting>"
        for k, (sqref, formula, dxf) in enumerate(rules)).encode()

