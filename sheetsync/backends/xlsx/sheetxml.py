"""Patch owned cells into a worksheet's XML without reserialising it.

Rows without owned cells are copied as byte slices; in a row with owned cells only
those `<c>` elements are replaced, inserted in column order, or emptied.  The rest of
the sheet — operator cells, merged cells, data validations, drawings, extLst — is left
as the bytes it was.  Strings are inline strings (never formulas, never a change to
sharedStrings.xml).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from sheetsync.backends.xlsx.furniture import (
    conditional_formats,
    extend_dimension,
    insert_after,
    set_widths,
    taller,
)
from sheetsync.backends.xlsx.rowfind import RowFinder
from sheetsync.backends.xlsx.xmltext import text_xml
from sheetsync.errors import WriteError
from sheetsync.workbook import column_letter, column_number

_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')
_STYLE = re.compile(rb'\bs="(\d+)"')


col_letters = column_letter
Buffer = bytes | bytearray  # a part as read: bytearray when inflated in place (package.inflate)
ROW_FIRST_R = re.compile(rb'<(?:\w+:)?row r="(\d+)"')
SPLICE_CHUNK = 4 << 20      # bytes of the original between two pieces handed on


@lru_cache(maxsize=1024)
def col_bytes(col: int) -> bytes:
    return column_letter(col).encode()


col_number = column_number


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


class _Window:
    """A part's bytes seen through a window sliding over its inflated chunks, so a
    60 MB lead log is never in memory whole: only the stretch being patched."""

    def __init__(self, chunks: Iterator[Buffer]):
        self.more = chunks
        self.buf: Buffer = b""
        self.done = False

    def grow(self) -> bool:
        """Add the next chunk; False when there is none."""
        piece = next(self.more, None)
        if piece is None:
            self.done = True
            return False
        self.buf = self.buf + piece if self.buf else piece
        return True

    def drop(self, n: int) -> None:
        """Forget the first `n` bytes (positions in the window move down by n)."""
        if n:
            self.buf = self.buf[n:]


class SheetXml:
    """One worksheet part being patched: `chunks()` gives the new bytes, piece by piece.

    The part comes as an iterator of inflated chunks (or one buffer) and is read
    through a sliding window: head (before <sheetData>) first, then the sheetData
    element, patched as it goes (unchanged spans handed on as views of the window),
    then the tail (after it), to which the edits asked for earlier are applied when
    it is reached.  `changed` is known once `chunks()` has been read to the end.
    """

    def __init__(self, data: Buffer | Iterator[Buffer], name: str):
        self.name = name
        win = self._win = _Window(iter([data]) if isinstance(data, (bytes, bytearray))
                                  else data)
        while True:
            buf = win.buf
            root = re.search(rb"<(?:(\w+):)?worksheet\b", buf)
            if root is not None:
                self.prefix = (root.group(1).decode() + ":") if root.group(1) else ""
                self.p = re.escape(self.prefix).encode()
                start = buf.find(b"<%ssheetData" % self.prefix.encode())
                sd = (re.compile(rb"<%ssheetData\b[^>]*?(/?)>" % self.p).match(buf, start)
                      if start >= 0 else None)
                if sd is not None:
                    break
            if not win.grow():
                if root is None:
                    raise WriteError(f"sheet '{name}' is not a worksheet part sheetsync"
                                     " can write")
                raise WriteError(f"sheet '{name}' has no sheetData")
        self.head = self._orig_head = bytes(buf[:start])
        win.drop(start)
        self.tail = b""
        self._orig_tail = b""
        self._tail_edits: list[Callable[[bytes], bytes]] = []
        self.cells: dict[int, dict[int, Cell]] = {}       # row -> col -> owned cell
        self.heights: dict[int, float] = {}   # row -> the least height its owned text needs
        self.body_changed = False
        self._cell = re.compile(rb"<%sc\b[^>]*?(?:/>|>.*?</%sc>)" % (self.p, self.p), re.S)
        self._c_open = b"<%sc" % self.prefix.encode()
        self._c_ref = re.compile(rb'<%sc\s[^>]*?\br="([A-Z]{1,3})\d+"' % self.p)

    @property
    def changed(self) -> bool:
        """True when the new part differs from the original in any byte (known once
        `chunks()` has been read to the end)."""
        return (self.body_changed or self.head != self._orig_head
                or self.tail != self._orig_tail)

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The new part, piece by piece."""
        yield self.head
        yield from self._spliced()
        win = self._win
        while win.grow():                       # the tail: furniture, small
            pass
        tail = self._orig_tail = bytes(win.buf)
        win.buf = b""
        for edit in self._tail_edits:
            tail = edit(tail)
        self.tail = tail
        yield tail

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
        """sheetData with the owned cells written, touching only their rows; the window
        is left just after it.

        Rows are found by their `<row r="N"` tag (a plain byte search, skipping the
        rows in between in C) and, when the sheet spells its rows otherwise, by
        walking the row tags.  In a found row an owned cell is replaced in place, or
        added after the row's last cell; only an odd row is parsed cell by cell.
        """
        by_row, win, pre = self.cells, self._win, self.prefix.encode()
        sd = re.compile(rb"<%ssheetData\b[^>]*?(/?)>" % self.p).match(win.buf, 0)
        assert sd is not None                            # found by __init__
        pending = sorted(by_row)
        if sd.group(1):                                   # <sheetData/>: only new rows
            rows = b"".join(self._new_row(r, by_row[r]) for r in pending)
            self.body_changed = bool(rows)
            yield (b"<%ssheetData>%s</%ssheetData>" % (pre, rows, pre) if rows
                   else bytes(sd.group(0)))
            win.drop(sd.end())
            return
        close_row = b"</%srow>" % pre
        find = RowFinder(self.prefix)
        data = win.buf
        view = memoryview(data)
        out: list[bytes | memoryview] = []
        pos = flushed = 0
        row_open = b"<%srow" % pre
        for r in pending:
            while True:                                   # the row, whole, in the window
                found = find(data, r, pos, win.done)
                if found is not None:
                    m, at = found
                    close = (data.find(close_row, m.end()) if m is not None
                             and not m.group(2) else 0)
                    if close >= 0 or win.done:
                        break
                    keep = at                             # its start is here, not its end
                else:
                    keep = self._done_rows(data, pos, r, row_open) if find.by_bytes else pos
                out.append(view[pos:keep])                # slide on: hand on what is done
                yield b"".join(out)
                del view
                out, pos, flushed = [], 0, 0
                win.drop(keep)
                win.grow()
                data = win.buf
                view = memoryview(data)
            if pos - flushed > SPLICE_CHUNK:                 # hand on a few MB at a time
                yield b"".join(out)
                out, flushed = [], pos
            todo = by_row[r]
            if m is None:                                 # a row the sheet lacks
                row = self._new_row(r, todo)
                if row:
                    out += [view[pos:at], row]
                    pos, self.body_changed = at, True
                continue
            find.last_r = r
            if m.group(2):                                # <row .../>: no cells yet
                body = self._new_cells(r, todo)
                if body:
                    tag = taller(b"<%srow%s>" % (pre, _SPANS.sub(b"", m.group(1))),
                                 self.heights.get(r))
                    out += [view[pos: m.start()], tag + body + close_row]
                    pos, self.body_changed = m.end(), True
                continue
            if close < 0:
                raise WriteError(f"sheet '{self.name}': row {r} has no end")
            edits = self._edits(data, m.end(), close, r, todo)
            if edits is None:                             # the full treatment
                stop = close + len(close_row)
                old = bytes(data[m.start(): stop])
                new = self._patch_row(old, r, todo)
                if new is not old:
                    out += [view[pos: m.start()], new]
                    pos, self.body_changed = stop, True
            else:
                tag = m.group(0)
                new_tag = taller(_SPANS.sub(b"", tag) if edits else tag, self.heights.get(r))
                if new_tag != tag:               # spans: a hint the new cells may break
                    out += [view[pos: m.start()], new_tag]
                    pos, self.body_changed = m.end(), True
                for a, b, xml in edits:
                    out += [view[pos:a], xml]
                    pos, self.body_changed = b, True
        end_tag = b"</%ssheetData>" % pre
        while (end := data.find(end_tag, pos)) < 0:      # the rest of sheetData, as is
            if win.done:
                raise WriteError(f"sheet '{self.name}' has no end of sheetData")
            keep = max(pos, len(data) - len(end_tag))
            out.append(view[pos:keep])
            yield b"".join(out)
            del view
            out, pos = [], 0
            win.drop(keep)
            win.grow()
            data = win.buf
            view = memoryview(data)
        end += len(end_tag)
        out.append(view[pos:end])
        yield b"".join(out)
        del view
        win.drop(end)

    @staticmethod
    def _done_rows(data: Buffer, pos: int, r: int, row_open: bytes) -> int:
        """Where the window's rows before row r end: the last row tag may run past the
        window, the ones before it are whole and, being numbered below r, untouched.
        `pos` (keep everything) when that cannot be told from their r=""."""
        last = data.rfind(row_open, pos)
        before = data.rfind(row_open, pos, last) if last > pos else -1
        m = ROW_FIRST_R.match(data, before) if before >= 0 else None
        return last if m is not None and int(m.group(1)) < r else pos

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
        tag = taller(b'<%srow r="%d">' % (self.prefix.encode(), r), self.heights.get(r))
        return b"%s%s</%srow>" % (tag, body, self.prefix.encode())

    def _patch_row(self, row: bytes, r: int, cells: dict[int, Cell]) -> bytes:
        if row.endswith(b"/>"):
            opening, body, closing = row[:-2] + b">", b"", b"</%srow>" % self.prefix.encode()
        else:
            gt = row.index(b">") + 1
            close = row.rindex(b"<")
            opening, body, closing = row[:gt], row[gt:close], row[close:]
        existing = self._cells(body, r)
        tall = taller(opening, self.heights.get(r))
        changed, opening = tall != opening, tall
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
    def insert_after_data(self, element: bytes, before: Iterable[str]) -> None:
        """Put `element` after sheetData, before the first of the `before` elements
        present (schema order), else at the end of the worksheet (done on the tail,
        once it is read)."""
        before = tuple(before)
        self._tail_edits.append(lambda tail: insert_after(tail, self.prefix, element, before))

    def add_tail_edit(self, edit: Callable[[bytes], bytes]) -> None:
        """Apply `edit` to the sheet's tail (everything after sheetData) once it is read:
        during `chunks()`, on the thread that reads them."""
        self._tail_edits.append(edit)

    def extend_dimension(self, max_row: int, max_col: int) -> None:
        self.head = extend_dimension(self.head, self.prefix, max_row, max_col)

    def set_widths(self, widths: dict[int, float]) -> None:
        """Give owned columns a width when no <col> of the operator's covers them."""
        self.head = set_widths(self.head, self.prefix, widths)

    def set_conditional_formats(self, rules: Iterable[tuple[str, str, int]]) -> None:
        """Replace sheetsync's own conditional formats with (sqref, formula, dxf id) rules
        (done on the tail, once it is read)."""
        rules = list(rules)
        self._tail_edits.append(lambda tail: conditional_formats(tail, self.prefix, rules))
