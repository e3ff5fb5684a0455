"""Faults during a sync: Excel has the file, the disk is full, the folder is read-only,
the process is killed mid-write.  The original stays intact and the message says why."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from core_helpers import lead, leads_grid, pipeline_grid, write_xlsx

from sheetsync.cli import main

ROOT = Path(__file__).resolve().parents[1]


def book(path: Path, n: int = 3) -> Path:
    leads = [lead(ID=f"L{i}") for i in range(n)]
    write_xlsx(path, {"Pipeline": pipeline_grid(), "Leads": leads_grid(leads)})
    return path


def test_refuses_while_excel_has_the_file(runner, tmp_path):
    path = book(tmp_path / "book.xlsx")
    (tmp_path / "~$book.xlsx").write_bytes(b"owner")
    before = path.read_bytes()
    result = runner.invoke(main, ["sync", str(path)])
    assert result.exit_code == 2
    assert "open in Excel" in result.output and "--force" in result.output
    assert path.read_bytes() == before
    forced = runner.invoke(main, ["sync", str(path), "--force"])
    assert forced.exit_code == 0 and path.read_bytes() != before


@pytest.fixture
def small_disk(tmp_path):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mnt)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_disk_full_leaves_the_original(runner, tmp_path, small_disk):
    src = book(tmp_path / "book.xlsx", n=40)
    path = small_disk / "book.xlsx"
    path.write_bytes(src.read_bytes())
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - 4096))
    before = path.read_bytes()
    result = runner.invoke(main, ["sync", str(path)])
    assert result.exit_code == 2, result.output
    assert "disk is full" in result.output and "book.xlsx was not changed" in result.output
    assert path.read_bytes() == before
    assert not [p for p in small_disk.iterdir() if p.name.endswith(".sheetsync-tmp")]


def test_read_only_folder_leaves_the_original(runner, tmp_path, small_disk):
    path = small_disk / "book.xlsx"
    path.write_bytes(book(tmp_path / "b.xlsx").read_bytes())
    before = path.read_bytes()
    if subprocess.run(["mount", "-o", "remount,ro", str(small_disk)]).returncode != 0:
        pytest.skip("cannot remount read-only here")
    result = runner.invoke(main, ["sync", str(path)])
    assert result.exit_code == 2, result.output
    assert "read-only" in result.output
    assert path.read_bytes() == before


def test_killed_mid_write_leaves_the_original_readable(tmp_path):
    path = book(tmp_path / "big.xlsx", n=6000)
    before = path.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync", "sync", str(path)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.endswith(".sheetsync-tmp") for p in tmp_path.iterdir()):
            break
        time.sleep(0.002)
    if proc.poll() is not None:
        pytest.skip("the sync finished before it could be killed")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert path.read_bytes() == before
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
