"""The .xlsx zip as a package: raw member copies, atomic replace, Excel's lock file.

Members sync does not own are copied as their compressed bytes, untouched, so every
part the operator's Excel wrote (drawings, x14 validations, macros...) survives byte
for byte and nothing is decompressed for nothing.  Big parts sync writes arrive
deflated already (see deflate.py) and are written as they are.  The new file is
written beside the original and moved over it in one rename (sheetsync/atomic.py): a
crash leaves the original as it was.
"""

from __future__ import annotations

import copy
import struct
import zipfile
from pathlib import Path

from sheetsync.backends.xlsx.deflate import FAST, Deflated
from sheetsync.errors import LockedError, WriteError

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def excel_lock(path: Path) -> Path | None:
    """Excel's owner file (~$name) beside `path`, if Excel has the workbook open."""
    for candidate in (path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])):
        if candidate.exists() and candidate != path:
            return candidate
    lo = path.with_name(f".~lock.{path.name}#")          # LibreOffice's lock file
    return lo if lo.exists() else None


def refuse_if_open(path: Path, force: bool) -> None:
    lock = excel_lock(path)
    if lock is not None and not force:
        raise LockedError(
            f"{path.name} is open in Excel or LibreOffice ({lock.name} is beside it); close it"
            " and run again, or use --force if nobody has it open"
        )


def copy_member(src: zipfile.ZipFile, dst: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one member's compressed bytes as they are (no inflate, no deflate)."""
    assert dst.fp is not None
    data = _raw(src, info)
    out = copy.copy(info)
    out.flag_bits &= ~0x08                      # sizes go in the local header, no descriptor
    out.extra = b""
    out.header_offset = dst.fp.tell()
    dst.fp.write(out.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT))
    dst.fp.write(data)
    dst.filelist.append(out)
    dst.NameToInfo[out.filename] = out
    dst.start_dir = dst.fp.tell()
    dst._didModify = True  # type: ignore[attr-defined]


Part = bytes | Deflated         # a small part as is, or a big one deflated already
BIG_PART = 1 << 20


def level_for(size: int) -> int:
    """Big parts (a long lead log) deflate fast; small ones compress well."""
    return FAST if size > BIG_PART else 6


def rewrite(src_path: Path, dst_path: Path, replace: dict[str, Part],
            add: dict[str, Part]) -> bool:
    """Write `dst_path`: the members of `src_path` in order, `replace`d ones anew, `add` last.

    Returns False when the new file turned out to hold exactly the old members (every
    rewritten one deflated to the very bytes it had): there is then nothing to replace.
    """
    same = not add
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(dst_path, "w") as dst:
        for info in src.infolist():
            if info.filename in replace:
                new = _write(dst, info.filename, replace[info.filename], info)
                same = same and _same_member(src, info, dst, new)
            elif info.flag_bits & 0x1:          # encrypted member: not ours to touch
                raise WriteError(f"{src_path.name}: part {info.filename} is encrypted")
            else:
                copy_member(src, dst, info)
        for name, data in add.items():
            _write(dst, name, data, None)
    return not same


def _write(dst: zipfile.ZipFile, name: str, data: Part,
           like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr if like else 0o600 << 16
    if isinstance(data, bytes):
        dst.writestr(info, data, compresslevel=level_for(len(data)))
        return info
    assert dst.fp is not None
    info.CRC, info.file_size, info.compress_size = data.crc, data.size, len(data.data)
    info.header_offset = dst.fp.tell()
    dst.fp.write(info.FileHeader())             # ZIP64 sizes when they need it
    dst.fp.write(data.data)
    dst.filelist.append(info)
    dst.NameToInfo[name] = info
    dst.start_dir = dst.fp.tell()
    dst._didModify = True  # type: ignore[attr-defined]
    return info


def _raw(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes as stored."""
    fp = zf.fp
    assert fp is not None
    fp.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(fp.read(_LOCAL_HEADER.size))
    fp.seek(info.header_offset + _LOCAL_HEADER.size + header[-2] + header[-1])
    return fp.read(info.compress_size)


def _same_member(src: zipfile.ZipFile, old: zipfile.ZipInfo, dst: zipfile.ZipFile,
                 new: zipfile.ZipInfo) -> bool:
    """True when the member just written holds the very bytes the old one had."""
    if (old.CRC, old.file_size, old.compress_size) != (new.CRC, new.file_size,
                                                       new.compress_size):
        return False
    assert dst.fp is not None
    end = dst.fp.tell()
    try:
        return _raw(dst, new) == _raw(src, old)    # the new file is open for reading too
    finally:
        dst.fp.seek(end)
