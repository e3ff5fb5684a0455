"""Hostile and broken input: every bad file ends in one located SourceError, quickly.

Files are generated here (LibreOffice for real .xls/.ods, msoffcrypto-tool for an
encrypted workbook); the public corpus is read in place from ../shared/corpus.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from test_xlsx_read_helpers import (
    CORPUS,
    convert,
    rewrite_members,
    soffice,
    write_book,
)

from sheetsync.backends.xlsx.read import read_workbook
from sheetsync.errors import SourceError
from sheetsync.workbook import CellError

LEADS = {"Leads": [["ID", "Lead", "Budget"], ["L1", "Acme", 8000]]}


def refused(path: Path, *words: str, within: float = 5.0) -> str:
    """The one-line SourceError message for `path`, checked to name the file and `words`."""
    start = time.perf_counter()
    with pytest.raises(SourceError) as err:
        read_workbook(path)
    elapsed = time.perf_counter() - start
    msg = str(err.value)
    assert elapsed < within, f"{path.name} took {elapsed:.1f}s"
    assert "\n" not in msg
    assert path.name in msg
    for word in words:
        assert word.lower() in msg.lower(), msg
    return msg


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_book(tmp_path / "good.xlsx", LEADS)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.xlsx", "no such file")
    folder = tmp_path / "book.xlsx"
    folder.mkdir()
    refused(folder, "folder")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(path, "empty")


def test_truncated_zip(tmp_path: Path, good: Path) -> None:
    data = good.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 200):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(data[:cut])
        refused(path, "damaged")


def test_corrupt_member(tmp_path: Path, good: Path) -> None:
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start:start + 40] = bytes(40)                       # scribble over the deflate data
    path = tmp_path / "scribbled.xlsx"
    path.write_bytes(bytes(data))
    refused(path, "damaged")


def test_csv_and_text_given_as_xlsx(tmp_path: Path) -> None:
    csv = tmp_path / "leads.xlsx"
    csv.write_text("ID,Lead,Budget\nL1,Acme,8000\nL2,Émile,\"1,500\"\n", encoding="utf-8")
    refused(csv, "looks like a CSV file", "save it as .xlsx")
    semi = tmp_path / "leads-eu.csv"
    semi.write_bytes("ID;Lead;Budget\r\nL1;Acme;1.500,00 €\r\n".encode("cp1252"))
    refused(semi, "CSV")
    html = tmp_path / "export.xlsx"
    html.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    refused(html, "HTML")
    junk = tmp_path / "random.xlsx"
    junk.write_bytes(bytes(range(256)) * 8)
    refused(junk, "not an Excel workbook")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("holiday.txt", "sun")
    refused(path, "zip archive", "not an Excel workbook")
    doc = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    refused(doc, "Word document")


def test_xlsb_is_named(tmp_path: Path) -> None:
    # LibreOffice has no .xlsb export filter, so the package is built by hand.
    path = tmp_path / "binary.xlsb"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    refused(path, ".xlsb", "save it as")


def test_encrypted_workbook(tmp_path: Path, good: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    out = io.BytesIO()
    with good.open("rb") as fh:
        ooxml.OOXMLFile(fh).encrypt("s3cret", out)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(out.getvalue())
    refused(path, "password-protected", "remove the password")


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_real_xls_and_ods_from_libreoffice(tmp_path: Path, good: Path) -> None:
    xls = convert(good, "xls", tmp_path)
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    refused(xls, ".xls", "save it as an Excel Workbook (.xlsx)")
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(xls.read_bytes())
    msg = refused(renamed, ".xls")
    assert "password" not in msg                          # an .xls is not an encrypted .xlsx
    ods = convert(good, "ods", tmp_path)
    refused(ods, "OpenDocument spreadsheet (.ods)")
    ods_renamed = tmp_path / "ods.xlsx"
    ods_renamed.write_bytes(ods.read_bytes())
    refused(ods_renamed, ".ods")


def test_entity_bomb_in_shared_strings(tmp_path: Path, good: Path) -> None:
    lol = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)]
    bomb = ('<?xml version="1.0"?><!DOCTYPE sst [' + "".join(lol) + ']>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1"'
            ' uniqueCount="1"><si><t>&lol9;</t></si></sst>')

    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml" and b"sharedStrings" not in data:
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                b'ContentType="application/vnd.openxmlformats-officedocument.'
                                b'spreadsheetml.sharedStrings+xml"/></Types>')
        return data

    path = rewrite_members(good, tmp_path / "laughs.xlsx", edit)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/sharedStrings.xml", bomb)
    refused(path, "xl/sharedStrings.xml", "entities", within=2.0)


def test_doctype_in_worksheet_and_workbook(tmp_path: Path, good: Path) -> None:
    decl = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'

    for part in ("xl/worksheets/sheet1.xml", "xl/workbook.xml"):
        def edit(name: str, data: bytes, part: str = part) -> bytes:
            if name != part:
                return data
            body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
            return decl + body
        path = rewrite_members(good, tmp_path / f"dtd-{part.split('/')[-1]}.xlsx", edit)
        refused(path, part, "DOCTYPE")


BOMB_SCRIPT = r"""
import sys, json, time
from pathlib import Path
from sheetsync.backends.xlsx.read import read_workbook
from sheetsync.errors import SourceError
from sheetsync.workbook import CellError
start = time.perf_counter()
try:
    read_workbook(Path(sys.argv[1]))
    outcome = "read"
except SourceError as exc:
    outcome = str(exc)
# VmHWM is this program's own peak; ru_maxrss would carry the parent's peak across exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status")
            if line.startswith("VmHWM:"))
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start,
                  "maxrss_kb": peak}))
"""


def _run_isolated(path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", BOMB_SCRIPT, str(path)], capture_output=True,
                          text=True, timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_zip_bomb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    zeros = bytes(4 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(512):                              # 2 GiB of zeros
                member.write(zeros)
    assert path.stat().st_size < 8 << 20
    result = _run_isolated(path)
    assert "zip bomb" in str(result["outcome"]) and "bomb.xlsx" in str(result["outcome"])
    assert float(str(result["seconds"])) < 2.0
    assert int(str(result["maxrss_kb"])) < 200_000


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Rewrite the sizes `member` declares (local header and central directory)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    real = info.file_size.to_bytes(4, "little")
    fake = declared.to_bytes(4, "little")
    local = info.header_offset
    assert data[local + 22:local + 26] == real
    data[local + 22:local + 26] = fake
    central = -1
    name = member.encode()
    pos = data.find(b"PK\x01\x02", 0)
    while pos >= 0:
        name_len = int.from_bytes(data[pos + 28:pos + 30], "little")
        if data[pos + 46:pos + 46 + name_len] == name:
            central = pos
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    assert data[central + 24:central + 28] == real
    data[central + 24:central + 28] = fake
    path.write_bytes(bytes(data))


@pytest.mark.slow
def test_member_that_lies_about_its_size_is_refused(tmp_path: Path, good: Path) -> None:
    """A small declared size in front of 600 MiB of XML: Python's stream stops at the lie."""
    path = rewrite_members(good, tmp_path / "liar.xlsx", lambda n, d: d)
    filler = b"<!-- " + b" " * (1 << 20) + b" -->"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=False) as member:
            member.write(b'<?xml version="1.0"?><sst xmlns="x">')
            for _ in range(600):
                member.write(filler)
            member.write(b"</sst>")
    _lie_about_size(path, "xl/sharedStrings.xml", 1000)
    result = _run_isolated(path)
    assert "liar.xlsx" in str(result["outcome"]) and "damaged" in str(result["outcome"])
    assert int(str(result["maxrss_kb"])) < 200_000


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name not in
                  {"LICENSE", "README.md"})


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_reads_or_is_refused_in_seconds(path: Path) -> None:
    start = time.perf_counter()
    try:
        book = read_workbook(path)
    except SourceError as exc:
        msg = str(exc)
        assert "\n" not in msg and path.name in msg
    else:
        assert isinstance(book.sheets, dict)
        for grid in book.sheets.values():
            assert all(isinstance(row, list) for row in grid)
    assert time.perf_counter() - start < 5.0


def _corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} not found in {CORPUS}")
    return path


def test_corpus_error_cells_come_back_as_errors() -> None:
    grid = read_workbook(_corpus("ErrorTypes.xlsx")).sheets["RawErrors"]
    first_col = [row[0] for row in grid[1:8]]
    assert [str(v) for v in first_col] == ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?",
                                           "#NUM!", "#N/A"]
    assert all(isinstance(v, CellError) for v in first_col)
    assert grid[1][2] == "#NULL?"                                # text that looks like one


def test_corpus_1904_book_counts_serials_from_1904() -> None:
    old = read_workbook(_corpus("1904_1900.xlsx")).sheets["Sheet1"]
    mac_book = read_workbook(_corpus("1904_1904.xlsx"))
    mac = mac_book.sheets["Sheet1"]
    assert mac_book.date1904 is True
    assert [row[0] for row in old] == [row[0] for row in mac]    # the same serial numbers
    for serial, old_row, mac_row in zip([row[0] for row in old], old, mac, strict=True):
        assert isinstance(old_row[1], dt.date) and isinstance(mac_row[1], dt.date)
        # 1462 days apart, less the 29 Feb 1900 that Excel's 1900 system counts (serial 60)
        assert (mac_row[1] - old_row[1]).days == (1462 if serial > 60 else 1461), serial
        assert mac_row[1].isoformat() == mac_row[2]               # the text Excel showed


def test_corpus_workbook_part_outside_xl_folder() -> None:
    book = read_workbook(_corpus("wtf_path.xlsx"))
    assert list(book.sheets) == ["SheetJS", "Hidden"]
    assert book.sheets["SheetJS"][0][:3] == [1, 2, 3]


def test_corpus_strict_workbook_reads() -> None:
    book = read_workbook(_corpus("sheet_visibility_strict.xlsx"))
    plain = read_workbook(_corpus("sheet_visibility.xlsx"))
    assert list(book.sheets) == list(plain.sheets)
    assert list(book.sheets.values()) == list(plain.sheets.values())


def _generated_bad_files(folder: Path) -> list[Path]:
    """A few of the bad files above, for the CLI: empty, CSV, truncated, not a workbook."""
    folder.mkdir(exist_ok=True)
    empty = folder / "empty.xlsx"
    empty.write_bytes(b"")
    csv = folder / "leads.xlsx"
    csv.write_text("ID,Lead\nL1,Acme\n")
    good = write_book(folder / "good.xlsx", LEADS)
    cut = folder / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:300])
    photos = folder / "photos.xlsx"
    with zipfile.ZipFile(photos, "w") as zf:
        zf.writestr("holiday.txt", "sun")
    return [empty, csv, cut, photos, good]


def test_cli_check_on_corpus_and_bad_files_never_shows_a_traceback(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sheetsync.cli import main

    runner = CliRunner()
    for path in corpus_files() + _generated_bad_files(tmp_path / "bad"):
        start = time.perf_counter()
        result = runner.invoke(main, ["check", str(path), "--as-of", "2026-11-16"])
        output = result.output
        assert result.exit_code in (0, 1, 2), (path.name, result.exit_code, output)
        assert "Traceback" not in output, path.name
        if result.exception is not None:
            assert isinstance(result.exception, SystemExit), (path.name, repr(result.exception))
        if result.exit_code == 2:
            lines = [line for line in output.splitlines() if line.strip()]
            assert len(lines) == 1, (path.name, output)
        assert time.perf_counter() - start < 5.0, path.name
