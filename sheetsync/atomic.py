"""Files replaced or created in one step, never half-written: the one way sheetsync
writes a file (a synced workbook, a new one from `init`, a printed page).

The bytes go to a temporary file in the same folder, are flushed to disk, and the
file then takes the final name in one rename (or, when the name must be new, one
hard link, so a file that appears meanwhile is never replaced).  A crash at any
point leaves either the old file or the new one, and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sheetsync.errors import WriteError

TEMP_SUFFIX = ".sheetsync-tmp"


@dataclass
class Target:
    """The temporary file being written; clear `keep` to leave the original in place."""

    path: Path
    keep: bool = True


@contextlib.contextmanager
def atomic_target(path: Path, *, overwrite: bool = True) -> Iterator[Target]:
    """A temporary file beside `path` that takes `path`'s name when the block ends well.

    An existing file's permissions carry over; a new file gets the umask's.  With
    `overwrite` False an existing `path` is never replaced (FileExistsError).  Raises
    OSError as it comes: callers say what it means for their file (see `why`).
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    target = Target(Path(name))
    try:
        yield target
        if not target.keep:
            return
        with target.path.open("rb+") as fh:
            os.fsync(fh.fileno())
        if overwrite and path.exists():
            shutil.copymode(path, target.path)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(target.path, 0o666 & ~umask)     # as a plainly created file
        _place(target.path, path, overwrite)
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    finally:
        with contextlib.suppress(FileNotFoundError):
            target.path.unlink()


def write_atomically(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """`data` as the file at `path`, in one step (see `atomic_target`)."""
    with atomic_target(path, overwrite=overwrite) as target:
        target.path.write_bytes(data)


def _place(tmp: Path, path: Path, overwrite: bool) -> None:
    """Give `tmp`'s content the name `path` in one step."""
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)                 # fails if `path` exists: no race with a new file
    except FileExistsError:
        raise
    except OSError:                        # a filesystem without hard links
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)


def why(exc: OSError, folder: Path) -> str:
    """What an OSError from writing into `folder` means, in a few words and what to do."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full; free some space and run again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"the folder {folder} is read-only; use a folder you can write"
    return exc.strerror or str(exc)


def replace_error(path: Path, exc: OSError) -> WriteError:
    """The one line for a workbook that could not be replaced."""
    text = why(exc, path.parent)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        text = f"the folder {path.parent} is read-only; sync a copy in a folder you can write"
    return WriteError(f"{path.name} was not changed: {text}")
