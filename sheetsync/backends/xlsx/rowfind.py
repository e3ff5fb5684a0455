"""Finding a row's tag in a worksheet's sheetData, for patching owned cells into it.

The sheet is seen through a window sliding over its inflated bytes (see sheetxml),
so a search may end with "not in the window yet": the caller then slides on.
"""

from __future__ import annotations

import re

ROW_R = re.compile(rb'\br="(\d+)"')
MORE = None             # the answer when the window does not reach far enough yet


class RowFinder:
    """Finds row r's tag at or after a position in sheetData, rows being in order.

    First by the bytes `<row r="N"` (how Excel, openpyxl and sheetsync write rows),
    which skips the rows in between without Python looking at them; once that fails
    (a row spelt otherwise, or missing) by walking the row tags, as a reader would,
    counting a row without r="" as the one after the last.  Walking wants the rest of
    the sheet in the window (`final`).  `last_r` is the caller's to move on.
    """

    def __init__(self, prefix: str):
        pre = prefix.encode()
        self.tag = re.compile(rb"<%srow\b([^>]*?)(/?)>" % re.escape(pre))
        self.direct = b'<%srow r="%%d"' % pre
        self.end_tag = b"</%ssheetData>" % pre
        self.by_bytes = True
        self.last_r = 0

    def __call__(self, data: bytes | bytearray, r: int, pos: int,
                 final: bool) -> tuple[re.Match[bytes] | None, int] | None:
        """(row r's tag match, its start), (None, where row r would go), or MORE."""
        if self.by_bytes:
            at = data.find(self.direct % r, pos)
            m = self.tag.match(data, at) if at >= 0 else None
            if m is not None and r > self.last_r:
                return m, at
            if not final:
                return MORE             # not in the window yet, or its tag runs past it
            self.by_bytes = False
        if not final:
            return MORE
        end = data.find(self.end_tag, pos)
        end = len(data) if end < 0 else end
        for m in self.tag.finditer(data, pos, end):
            rm = ROW_R.search(m.group(1))
            found = int(rm.group(1)) if rm else self.last_r + 1
            if found >= r:
                return (None, m.start()) if found > r else (m, m.start())
            self.last_r = found
        return None, end
