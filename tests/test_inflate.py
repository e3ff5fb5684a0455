"""The ISA-L inflate that reads sheet parts (scan before calamine, patch on sync): the
same bytes as Python's zipfile on real workbooks from many tools, each piece bounded,
and a member that lies about its size or content refused as zipfile refuses it."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from test_package import corpus_packages

from sheetsync.backends.xlsx.inflate import fast_path, inflate
from sheetsync.backends.xlsx.safety import stream_part
from sheetsync.errors import SourceError

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "sample_workbooks" / "demo.xlsx"


def test_every_member_of_the_corpus_inflates_as_zipfile_reads_it():
    books = corpus_packages() or [DEMO]
    members = 0
    for book in books:
        with zipfile.ZipFile(book) as zf:
            for info in zf.infolist():
                if not fast_path(info):
                    continue
                pieces = list(inflate(book, info, 4096))
                assert b"".join(pieces) == zf.read(info), f"{book.name}: {info.filename}"
                assert all(len(p) <= 4096 for p in pieces)
                members += 1
    assert members > (300 if len(books) > 1 else 10)


def _demo_copy(tmp_path: Path) -> tuple[Path, zipfile.ZipInfo]:
    book = tmp_path / "demo.xlsx"
    book.write_bytes(DEMO.read_bytes())
    with zipfile.ZipFile(book) as zf:
        info = max(zf.infolist(), key=lambda i: i.file_size)
    assert fast_path(info)
    return book, info


def _patch_central(book: Path, info: zipfile.ZipInfo, offset: int, value: int) -> None:
    """Overwrite a 4-byte field of `info`'s central directory record (16: CRC, 24:
    uncompressed size)."""
    data = bytearray(book.read_bytes())
    name = info.filename.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        if data[at + 46:at + 46 + len(name)] == name:
            break
        at += 4
    struct.pack_into("<L", data, at + offset, value)
    book.write_bytes(bytes(data))


@pytest.mark.parametrize(("field", "change"), [(16, 1), (24, -100)],
                         ids=["wrong CRC", "declared smaller than it inflates"])
def test_a_member_that_lies_is_refused(tmp_path, field, change):
    book, info = _demo_copy(tmp_path)
    honest = info.CRC if field == 16 else info.file_size
    _patch_central(book, info, field, honest + change)
    with zipfile.ZipFile(book) as zf:
        lying = zf.getinfo(info.filename)
        with pytest.raises(zipfile.BadZipFile):
            b"".join(inflate(book, lying, 1 << 20))
        with pytest.raises(zipfile.BadZipFile):      # as zipfile itself says
            zf.read(lying)
        with pytest.raises(SourceError, match="damaged or incomplete"):
            b"".join(stream_part(book, zf, lying))


def test_a_member_cut_short_is_refused(tmp_path):
    book, info = _demo_copy(tmp_path)
    with zipfile.ZipFile(book) as zf:
        short = zf.getinfo(info.filename)
        short.compress_size //= 2                   # as if the file ended half-way
        with pytest.raises(zipfile.BadZipFile):
            b"".join(inflate(book, short, 1 << 20))


def test_a_member_that_is_not_deflate_is_refused(tmp_path):
    book, info = _demo_copy(tmp_path)
    data = bytearray(book.read_bytes())
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len     # the member's first byte
    data[start:start + 64] = b"\xff" * 64
    book.write_bytes(bytes(data))
    with zipfile.ZipFile(book) as zf:
        with pytest.raises(zipfile.BadZipFile):
            b"".join(inflate(book, zf.getinfo(info.filename), 1 << 20))
        with pytest.raises(SourceError, match="damaged or incomplete"):
            b"".join(stream_part(book, zf, zf.getinfo(info.filename)))


def test_without_isal_the_standard_zlib_reads_and_writes_the_same(monkeypatch):
    """On a platform with no isal wheel, fastzlib falls back to zlib: slower, same bytes."""
    import importlib
    import sys
    import zlib

    from sheetsync.backends.xlsx import deflate, fastzlib
    from sheetsync.backends.xlsx import inflate as inflate_module

    monkeypatch.setitem(sys.modules, "isal", None)          # `import isal` now fails
    try:
        importlib.reload(fastzlib)
        assert fastzlib.zlib is zlib
        monkeypatch.setattr(inflate_module, "fast", fastzlib.zlib)
        monkeypatch.setattr(deflate, "fast", fastzlib.zlib)
        with zipfile.ZipFile(DEMO) as zf:
            info = max(zf.infolist(), key=lambda i: i.file_size)
            assert b"".join(inflate_module.inflate(DEMO, info, 4096)) == zf.read(info)
        data = DEMO.read_bytes() * 3
        with deflate.Deflater() as deflater:
            deflater.add("part", [data], deflate.FAST)
            done = deflater.results()["part"]
        assert zlib.decompress(done.data, -15) == data and done.crc == zlib.crc32(data)
    finally:
        monkeypatch.undo()
        importlib.reload(fastzlib)
    assert fastzlib.zlib is not zlib and inflate_module.fast is not zlib   # isal again
