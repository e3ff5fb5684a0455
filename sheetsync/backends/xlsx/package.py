"""The .xlsx zip as a package: raw member copies, atomic replace, Excel's lock file.

Members sync does not own are copied as their compressed bytes, untouched, so every
part the operator's Excel wrote (drawings, x14 validations, macros...) survives byte
for byte and nothing is decompressed for nothing.  The new file is written beside the
original and moved over it in one rename: a crash leaves the original as it was.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import os
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

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
    fp = src.fp
    assert fp is not None and dst.fp is not None
    fp.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(fp.read(_LOCAL_HEADER.size))
    name_len, extra_len = header[-2], header[-1]
    fp.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    data = fp.read(info.compress_size)
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


def rewrite(src_path: Path, dst_path: Path, replace: dict[str, bytes],
            add: dict[str, bytes]) -> None:
    """Write `dst_path`: the members of `src_path` in order, `replace`d ones anew, `add` last."""
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(dst_path, "w") as dst:
        for info in src.infolist():
            if info.filename in replace:
                _write(dst, info.filename, replace[info.filename], info)
            elif info.flag_bits & 0x1:          # encrypted member: not ours to touch
                raise WriteError(f"{src_path.name}: part {info.filename} is encrypted")
            else:
                copy_member(src, dst, info)
        for name, data in add.items():
            _write(dst, name, data, None)


def _write(dst: zipfile.ZipFile, name: str, data: bytes, like: zipfile.ZipInfo | None) -> None:
    info = zipfile.ZipInfo(name, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = like.external_attr if like else 0o600 << 16
    # Big parts (a long lead log) compress fast; small ones compress well.
    dst.writestr(info, data, compresslevel=1 if len(data) > (1 << 20) else 6)


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temp file beside `path`; on success it replaces `path` in one rename."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".sheetsync-tmp",
                                        dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        shutil.copymode(path, tmp)
        os.replace(tmp, path)
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _write_error(path: Path, exc: OSError) -> WriteError:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full; free some space and run again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = f"the folder {path.parent} is read-only; sync a copy in a folder you can write"
    else:
        why = exc.strerror or str(exc)
    return WriteError(f"{path.name} was not changed: {why}")
