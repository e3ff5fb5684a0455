"""zlib's raw deflate, as fast as this machine allows: ISA-L (`isal`) where it is
installed (every 64-bit Linux, macOS and Windows it ships wheels for), else the
standard library's zlib.  Both speak the same format and the same API
(compressobj, decompressobj, crc32, error), so the rest of the writer and reader does
not know which one it got; zlib is only slower.
"""

from __future__ import annotations

try:
    from isal import isal_zlib as zlib
except ImportError:                 # a platform without an isal wheel: the same bytes' format
    import zlib  # type: ignore[no-redef]

__all__ = ["zlib"]
