"""The new workbook's big parts, deflated on a helper thread while the main thread renders.

Big parts are deflated with ISA-L (`isal`, see fastzlib.py), small ones with zlib at its
usual level: ISA-L's fast level deflates 200 MB of sheet XML in a quarter of zlib's
fastest time, to a slightly smaller stream. Both deflate without holding the GIL, so
deflating one part (the patched lead log: 60 MB of XML) and rendering the next (the
Findings sheet) can run at the same time on two cores instead of one after the other.
Parts are handed over as they become ready: a list of pieces already in memory (a
patched sheet) in one go, a generator (a generated sheet, the notes) chunk by chunk as
the main thread renders it. Each is deflated into memory (a 50,000-lead sync: 210 MB of
XML becomes 16 MB) and the zip is assembled from those bytes afterwards, in the
package's own member order, so the order work is done in does not depend on where a
member sits in the file.
"""

from __future__ import annotations

import sys
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from sheetsync.backends.xlsx.fastzlib import zlib as fast

T = TypeVar("T")
Chunks = Iterable[bytes | memoryview]
FLUSH = 4 << 20                 # bytes per hand-over: few GIL round trips per part
AHEAD = 8 << 20                 # rendered bytes that may wait for the helper
# While the helper works, the GIL changes hands within this many seconds of a request
# (Python's default is 5 ms).  The helper asks for it a few hundred times a sync, each
# time zlib gives it back; at 5 ms a wait that nearly doubled the helper's time.
SWITCH_INTERVAL = 0.0005
_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


@dataclass
class Streamed:
    """A big part still to deflate: its chunks (a list of pieces in memory, or a
    generator that renders them) and a guess of its inflated size."""

    chunks: Chunks
    size_hint: int = 0


@dataclass
class Deflated:
    """One part as a raw deflate stream, with what its zip entry records."""

    data: bytes
    crc: int
    size: int                   # inflated size


def batches(pieces: Chunks) -> Iterator[tuple[bytes | memoryview, int]]:
    """`pieces` joined into runs of at least FLUSH bytes (the last may be shorter), each
    with its length: few, big hand-overs instead of one per rendered piece."""
    batch: list[bytes | memoryview] = []
    waiting = 0
    for piece in pieces:
        batch.append(piece)
        waiting += len(piece)
        if waiting >= FLUSH:
            yield b"".join(batch), waiting
            batch, waiting = [], 0
    if batch:
        yield (b"".join(batch) if len(batch) > 1 else batch[0]), waiting


FAST = 1                        # the level of a big part (zipio.level_for)


class Compressor(Protocol):
    def compress(self, data: bytes | memoryview, /) -> bytes: ...
    def flush(self) -> bytes: ...


def compressor(level: int) -> Compressor:
    """A raw deflate stream at zlib `level`; ISA-L's own fast level for FAST."""
    if level == FAST:
        return fast.compressobj(1, zlib.DEFLATED, -15)  # ISA-L 1: as fast as its 0, smaller
    return zlib.compressobj(level, zlib.DEFLATED, -15)


@dataclass
class _Job:
    compressor: Compressor
    out: list[bytes] = field(default_factory=list)
    crc: int = 0
    size: int = 0

    def feed(self, pieces: list[bytes | memoryview]) -> None:
        for data, _ in batches(pieces):
            self._deflate(data)

    def _deflate(self, data: bytes | memoryview) -> None:
        self.crc = fast.crc32(data, self.crc)
        self.size += len(data)
        self.out.append(self.compressor.compress(data))


class Deflater:
    """Parts deflated in the order they are handed over, on one helper thread.

    At most AHEAD rendered bytes wait for the helper; an error on the helper comes
    back to the main thread at its next hand-over or at `results`.  Use as a context
    manager: leaving it waits for the helper (dropping work it has not started).
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheetsync-deflate")
        self._queue: deque[tuple[Future[object], int]] = deque()
        self._waiting = 0
        self._done: dict[str, Deflated] = {}

    def __enter__(self) -> Deflater:
        global _switch_users, _switch_saved
        with _switch_lock:                  # several syncs in threads share one setting
            if _switch_users == 0:
                _switch_saved = sys.getswitchinterval()
                sys.setswitchinterval(min(_switch_saved, SWITCH_INTERVAL))
            _switch_users += 1
        return self

    def __exit__(self, *exc: object) -> None:
        global _switch_users
        try:
            self._pool.shutdown(wait=True, cancel_futures=True)
        finally:
            with _switch_lock:
                _switch_users -= 1
                if _switch_users == 0:
                    sys.setswitchinterval(_switch_saved)

    def add(self, name: str, chunks: Chunks, level: int) -> None:
        """Deflate part `name` at `level`: a list at once, a generator as it yields."""
        job = _Job(compressor(level))
        if isinstance(chunks, list):
            self._run(job.feed, chunks)              # in memory already: nothing to bound
        else:
            for data, size in batches(chunks):
                self._run(job.feed, [data], size=size)
        self._run(self._finish, name, job)

    def submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        """Run `fn` on the helper in turn (e.g. inflate a part the main thread will
        need), its result to be picked up later."""
        future = self._pool.submit(fn, *args)
        self._queue.append((future, 0))             # type: ignore[arg-type]
        return future

    def results(self) -> dict[str, Deflated]:
        """Every part handed over, deflated (waits for the helper)."""
        while self._queue:
            self._queue.popleft()[0].result()
        return self._done

    def _finish(self, name: str, job: _Job) -> None:
        job.out.append(job.compressor.flush())
        self._done[name] = Deflated(b"".join(job.out), job.crc, job.size)

    def _run(self, fn: Callable[..., None], *args: object, size: int = 0) -> None:
        self._queue.append((self._pool.submit(fn, *args), size))
        self._waiting += size
        while self._queue and (self._waiting > AHEAD or self._queue[0][0].done()):
            future, n = self._queue.popleft()
            self._waiting -= n
            future.result()
