"""Finding a row's tag in a worksheet's sheetData, for patching owned cells into it."""

from __future__ import annotations

import re

ROW_R = re.compile(rb'\br="(\d+)"')


class RowFinder:
    """Finds row r's tag at or after a position in sheetData, rows being in order.

    First by the bytes `<row r="N"` (how Excel, openpyxl and sheetsync write rows),
    which skips the rows in between without Python looking at them; once that fails
    (a row spelt otherwise, or missing) by walking the row tags, as a reader would,
    counting a row without r="" as the one after the last.
    """

    def __init__(self, data: bytes | bytearray, end: int, prefix: str):
        self.data, self.end = data, end
        self.tag = re.compile(rb"<%srow\b([^>]*?)(/?)>" % re.escape(prefix.encode()))
        self.direct = b'<%srow r="%%d"' % prefix.encode()
        self.by_bytes = True
        self.last_r = 0

    def __call__(self, r: int, pos: int) -> tuple[re.Match[bytes] | None, int]:
        """(row r's tag match, its start), or (None, where row r would go)."""
        data = self.data
        if self.by_bytes:
            at = data.find(self.direct % r, pos, self.end)
            m = self.tag.match(data, at) if at >= 0 else None
            if m is not None and r > self.last_r:
                self.last_r = r
                return m, at
            self.by_bytes = False
        for m in self.tag.finditer(data, pos, self.end):
            rm = ROW_R.search(m.group(1))
            found = int(rm.group(1)) if rm else self.last_r + 1
            if found >= r:
                if found > r:
                    return None, m.start()
                self.last_r = r
                return m, m.start()
            self.last_r = found
        return None, self.end
