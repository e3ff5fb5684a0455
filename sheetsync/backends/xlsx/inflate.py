"""A zip member's inflated bytes, read in bounded chunks with ISA-L.

Python's zipfile inflates with zlib; ISA-L (`isal`, see fastzlib.py) inflates the
same raw deflate stream in half the time, and a 50,000-lead log is 60 MB of sheet XML, read once to
scan it before calamine and again to patch it.  The member's compressed bytes are read
from the file with a handle of its own (so a helper thread can inflate while another
reads the same archive), each call inflates at most `chunk` bytes (a bomb never
inflates past what is asked for), and the end is checked as zipfile checks it: the
declared size and the CRC, else `zipfile.BadZipFile`.

Only plain deflated members take this path; a stored or encrypted one is left to
zipfile (`fast_path` says which).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Generator, Iterator
from pathlib import Path

from sheetsync.backends.xlsx.fastzlib import zlib as fast

_LOCAL = struct.Struct("<4s22xHH")          # signature ... name length, extra length
_READ = 1 << 20                              # compressed bytes read at a time


def fast_path(info: zipfile.ZipInfo) -> bool:
    """Whether `info` is a member `inflate` reads: deflated and not encrypted."""
    return info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x1


def pieces(zf: zipfile.ZipFile, info: zipfile.ZipInfo, chunk: int
           ) -> Generator[bytes, None, None]:
    """Member `info`'s inflated bytes, at most `chunk` at a time: `inflate` for a plain
    deflated member, zipfile for any other (both check size and CRC at the end)."""
    if fast_path(info) and zf.filename is not None:
        yield from inflate(zf.filename, info, chunk)
        return
    with zf.open(info) as fh:
        while piece := fh.read(chunk):
            yield piece


def inflate(path: Path | str, info: zipfile.ZipInfo, chunk: int) -> Iterator[bytes]:
    """The inflated bytes of member `info` of the zip at `path`, at most `chunk` at a
    time.  Raises zipfile.BadZipFile when the member is cut short, is not a deflate
    stream, inflates past its declared size or fails its CRC."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        magic, name_len, extra_len = _LOCAL.unpack(fh.read(_LOCAL.size))
        if magic != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        fh.seek(info.header_offset + _LOCAL.size + name_len + extra_len)
        inflater = fast.decompressobj(-15)
        left, size, crc = info.compress_size, 0, 0
        while not inflater.eof:
            raw = inflater.unconsumed_tail
            if not raw and left:
                raw = fh.read(min(left, _READ))
                left = left - len(raw) if raw else 0
            try:
                out = inflater.decompress(raw, chunk)   # b"" in: what it still holds out
            except fast.error as exc:  # type: ignore[misc]  # isal's stub says Exception()
                raise zipfile.BadZipFile(f"{info.filename}: {exc}") from exc
            if not out:
                if not raw:
                    break                           # nothing in, nothing out: cut short
                continue
            size += len(out)
            if size > info.file_size:
                raise zipfile.BadZipFile(f"{info.filename} inflates past its size")
            crc = fast.crc32(out, crc)
            yield out
    if not inflater.eof or size != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename} is cut short or fails its CRC")
