"""Is this file a workbook we can safely read?  Checked before any parser touches it.

Names what the file really is when it is not an .xlsx (CSV, legacy .xls, an
encrypted workbook, .ods, .xlsb, Strict Open XML) and refuses archives built to
exhaust memory (zip bombs) or XML that declares entities (billion laughs), each with
one line that says what to do.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from sheetsync.errors import SourceError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
MAX_TOTAL = 1 << 30             # 1 GiB inflated in all
MAX_MEMBER = 512 << 20          # 512 MiB inflated for one part
MAX_RATIO = 200                 # real sheet XML compresses ~5-30x; bombs ~1000x
RATIO_FLOOR = 16 << 20          # only judge the ratio of parts over 16 MiB
STRICT_NS = b"purl.oclc.org/ooxml/spreadsheetml"


def _fail(path: Path, why: str) -> SourceError:
    return SourceError(f"{path.name}: {why}")


def _sniff_not_zip(path: Path, head: bytes) -> SourceError:
    if head.startswith(OLE_MAGIC):
        data = path.read_bytes() if path.stat().st_size <= 64 << 20 else head
        if ENCRYPTED_MARK in data:
            return _fail(path, "is password-protected; open it in Excel, remove the password"
                         " (File > Info > Protect Workbook) and save it, then try again")
        return _fail(path, "is an old Excel 97-2003 (.xls) file; open it in Excel and save"
                     " it as an Excel Workbook (.xlsx)")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and any(sep in text for sep in (",", ";", "\t")) and "\n" in text:
        return _fail(path, "looks like a CSV or text file, not a workbook; open it in Excel"
                     " and save it as an Excel Workbook (.xlsx)")
    return _fail(path, "is not an Excel workbook (.xlsx or .xlsm)")


def check_package(path: Path) -> None:
    """Raise SourceError unless `path` is an .xlsx/.xlsm package safe to parse."""
    if not path.exists():
        raise _fail(path, f"no such file (looked in {path.parent.resolve()})")
    if path.is_dir():
        raise _fail(path, "is a folder, not a workbook")
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise _fail(path, f"cannot be opened ({exc.strerror})") from exc
    if not head:
        raise _fail(path, "is empty (0 bytes); it may not have finished saving")
    if not head.startswith(ZIP_MAGICS):
        raise _sniff_not_zip(path, head)
    try:
        with zipfile.ZipFile(path) as zf:
            _check_members(path, zf)
    except zipfile.BadZipFile as exc:
        raise _fail(path, "is damaged or incomplete (the .xlsx archive cannot be read);"
                    " open it in Excel to repair it, or use a backup") from exc


def _check_members(path: Path, zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "mimetype" in names and zf.read("mimetype").startswith(b"application/vnd.oasis"):
        raise _fail(path, "is an OpenDocument spreadsheet (.ods); save it as an Excel"
                    " Workbook (.xlsx)")
    if "xl/workbook.bin" in names:
        raise _fail(path, "is an Excel Binary Workbook (.xlsb); save it as an Excel"
                    " Workbook (.xlsx)")
    if "xl/workbook.xml" not in names:
        raise _fail(path, "is a zip archive but not an Excel workbook")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > MAX_MEMBER or total > MAX_TOTAL
                or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO)):
            raise _fail(path, f"part {info.filename} would inflate to {info.file_size >> 20}"
                        " MiB; refusing to read what looks like a zip bomb")
        if info.filename.endswith((".xml", ".rels")) and info.file_size:
            with zf.open(info) as part:
                start = part.read(2048)
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise _fail(path, f"part {info.filename} declares XML entities, which Excel"
                            " never writes; refusing to read it")
            if info.filename == "xl/workbook.xml" and STRICT_NS in start:
                raise _fail(path, "is saved as Strict Open XML; save it again as a regular"
                            " Excel Workbook (.xlsx)")
