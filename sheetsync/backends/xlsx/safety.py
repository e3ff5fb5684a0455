"""Is this file a workbook we can safely read?  Checked before any parser touches it.

Names what the file really is when it is not an .xlsx (CSV, legacy .xls, an
encrypted workbook, .ods, .xlsb) and refuses archives built to exhaust memory (zip
bombs) or XML that declares entities (billion laughs), each with one line that says
what to do.  The Rust zip reader under calamine inflates a member to its real size,
whatever the archive declares, so the parts calamine parses are inflated here first,
in bounded chunks, with a running count of the real bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from sheetsync.backends.xlsx.inflate import pieces
from sheetsync.backends.xlsx.package import workbook_part_name
from sheetsync.errors import SourceError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
MAX_TOTAL = 1 << 30             # 1 GiB inflated in all
MAX_MEMBER = 512 << 20          # 512 MiB inflated for one part
MAX_MEMBERS = 20_000            # parts in one package
MAX_RATIO = 200                 # real sheet XML deflates 5-30x (50,000 leads: 11x); bombs ~1000x
RATIO_FLOOR = 16 << 20          # only judge the ratio of parts over 16 MiB
CHUNK = 1 << 20
HEAD = 2048
XML_SUFFIXES = (".xml", ".rels", ".vml")
WORKSHEET_DIR = "worksheets/"


def fail(path: Path, why: str) -> SourceError:
    """A SourceError whose one line starts with the file's name."""
    return SourceError(f"{path.name}: {why}")


def open_package(path: Path) -> zipfile.ZipFile:
    """The checked zip of `path`, open; SourceError (one line) if it is not safe to read.

    Every XML part but the worksheets is inflated here with a cap on its real size;
    worksheet parts get their first bytes checked and are streamed later, only for
    the sheets that are read (see `stream_part`).
    """
    if not path.exists():
        raise fail(path, f"no such file (looked in {path.parent.resolve()})")
    if path.is_dir():
        raise fail(path, "is a folder, not a workbook; give the path of the .xlsx file")
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise fail(path, f"cannot be opened ({exc.strerror}); check its permissions") from exc
    if not head:
        raise fail(path, "is empty (0 bytes); it may not have finished saving or copying")
    if not head.startswith(ZIP_MAGICS):
        raise _sniff_not_zip(path, head)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(path) from exc
    try:
        _check_members(path, zf)
    except SourceError:
        zf.close()
        raise
    except Exception as exc:        # BadZipFile, zlib.error, EOFError...: a broken archive
        zf.close()
        raise _damaged(path) from exc
    return zf


def stream_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The inflated bytes of one part in chunks, stopping at MAX_MEMBER real bytes.

    A part is inflated only up to its declared size and its CRC is checked (by
    inflate.py for a deflated part, by Python's zipfile for any other), so a member
    that lies about its size ends as a damaged archive rather than as gigabytes.
    """
    seen = 0
    try:
        for chunk in pieces(zf, info, CHUNK):
            seen += len(chunk)
            if seen > MAX_MEMBER:
                raise _bomb(path, info.filename, seen)
            yield chunk
    except SourceError:
        raise
    except Exception as exc:        # BadZipFile (bad CRC, lying size), zlib.error...
        raise _damaged(path) from exc


def _damaged(path: Path) -> SourceError:
    return fail(path, "is damaged or incomplete (the .xlsx archive cannot be read); open it"
                " in Excel to repair it, or use a backup")


def _bomb(path: Path, part: str, size: int) -> SourceError:
    return fail(path, f"part {part} inflates to {size >> 20} MiB or more; refusing to read"
                " what looks like a zip bomb (save the workbook again from Excel if it is real)")


def _sniff_not_zip(path: Path, head: bytes) -> SourceError:
    if head.startswith(OLE_MAGIC):
        if _ole_has_encryption_info(path):
            return fail(path, "is password-protected (encrypted); open it in Excel, remove the"
                        " password (File > Info > Protect Workbook) and save it, then try again")
        return fail(path, "is an old Excel 97-2003 (.xls) file; open it in Excel and save it"
                    " as an Excel Workbook (.xlsx)")
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table")):
        return fail(path, "is a web page (HTML), not a workbook; open it in Excel and save it"
                    " as an Excel Workbook (.xlsx)")
    if lowered.startswith(b"<?xml"):
        return fail(path, "is a plain XML file, not an .xlsx package; open it in Excel and save"
                    " it as an Excel Workbook (.xlsx)")
    if head.startswith(b"%PDF"):
        return fail(path, "is a PDF, not a workbook; give the .xlsx file instead")
    if _looks_like_text(head):
        return fail(path, "looks like a CSV file; open it in Excel and save it as .xlsx")
    return fail(path, "is not an Excel workbook (.xlsx or .xlsm); open it in Excel and save"
                " it as an Excel Workbook (.xlsx)")


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "utf-16", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        return printable >= 0.95 * len(text)
    return False


def _ole_has_encryption_info(path: Path) -> bool:
    """True when an OLE2 compound file holds an `EncryptionInfo` stream (encrypted OOXML).

    The name sits in the compound file's directory as UTF-16LE; the directory may lie
    anywhere in the file, so the file is searched in bounded chunks (not read whole).
    """
    overlap = len(ENCRYPTED_MARK)
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if ENCRYPTED_MARK in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def _check_members(path: Path, zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise fail(path, f"holds {len(infos)} parts, far more than any workbook; refusing to"
                   " read it")
    names = {i.filename for i in infos}
    if "mimetype" in names:
        with zf.open("mimetype") as fh:
            mimetype = fh.read(200)
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            kind = "spreadsheet (.ods)" if b"spreadsheet" in mimetype else "document"
            raise fail(path, f"is an OpenDocument {kind}; open it and save it as an Excel"
                       " Workbook (.xlsx)")
    if "xl/workbook.bin" in names:
        raise fail(path, "is an Excel Binary Workbook (.xlsb); open it in Excel and save it as"
                   " an Excel Workbook (.xlsx)")
    if workbook_part_name(zf) not in names:
        what = "a Word document" if "word/document.xml" in names else (
            "a PowerPoint file" if "ppt/presentation.xml" in names else "not an Excel workbook")
        raise fail(path, f"is a zip archive but {what}; give the .xlsx workbook instead")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise _bomb(path, info.filename, info.file_size)
        if total > MAX_TOTAL:
            raise fail(path, f"inflates to more than {MAX_TOTAL >> 30} GiB; refusing to read"
                       " what looks like a zip bomb")
    real_total = 0
    for info in infos:
        if not info.filename.lower().endswith(XML_SUFFIXES) or info.is_dir():
            continue
        if WORKSHEET_DIR in info.filename:
            with zf.open(info) as part:
                _check_xml_head(path, info.filename, part.read(HEAD))
            continue
        tail = b""
        for chunk in stream_part(path, zf, info):
            _check_xml_head(path, info.filename, tail + chunk)
            tail = chunk[-16:]
            real_total += len(chunk)
            if real_total > MAX_TOTAL:
                raise fail(path, f"inflates to more than {MAX_TOTAL >> 30} GiB; refusing to"
                           " read what looks like a zip bomb")


def _check_xml_head(path: Path, part: str, head: bytes) -> None:
    """Refuse a DOCTYPE or ENTITY declaration: Excel never writes one; bombs need one."""
    probe = head.replace(b"\x00", b"")          # UTF-16 parts: look at the ASCII bytes
    # A byte search for "!" first (a single byte is found at memchr speed; the usual
    # part has none): this runs over every byte of every part, 66 MB of notes on a
    # synced 50,000-lead log.
    if b"!" in probe and (b"<!DOCTYPE" in probe or b"<!ENTITY" in probe):
        raise fail(path, f"part {part} declares XML entities (a DOCTYPE), which Excel never"
                   " writes; refusing to read it (save the workbook again from Excel)")
