"""Issue 17: one home for how written values look; both backends follow it."""

from __future__ import annotations

import datetime as dt
import html
import re
import typing
import zipfile

import pytest
from defusedxml import ElementTree

from sheetsync.backends.gsheets.cells import TONES as SHEETS_TONES
from sheetsync.backends.gsheets.cells import cell_data
from sheetsync.backends.xlsx.render import render
from sheetsync.backends.xlsx.styles import Styles
from sheetsync.formats import NUMBER_FORMATS, TONES, UNIT_FORMAT, serial
from sheetsync.workbook import CellWrite, Format

STYLES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://'
          b'schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"'
          b'/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill>'
          b'</fills><borders count="1"><border/></borders><cellXfs count="1"><xf numFmtId="0" '
          b'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>')
BUILTIN = {1: "0", 3: "#,##0", 9: "0%"}


def excel_code(styles: Styles, index: int) -> str:
    """The number-format code of cellXfs[index] in `styles`."""
    xf = re.findall(r"<xf [^>]*?>", styles.xml.decode().split("<cellXfs", 1)[1])[index]
    num = int(re.search(r'numFmtId="(\d+)"', xf).group(1))   # type: ignore[union-attr]
    if num in BUILTIN:
        return BUILTIN[num]
    found = re.search(rf'numFmtId="{num}" formatCode="([^"]*)"', styles.xml.decode())
    assert found is not None
    return html.unescape(found.group(1))


@pytest.mark.parametrize("fmt", [f for f in typing.get_args(Format) if f != "text"])
def test_both_backends_write_a_format_with_the_same_code(fmt: Format) -> None:
    value: object = dt.date(2026, 11, 16) if fmt in ("date", "datetime") else 0.25
    if fmt == "datetime":
        value = dt.datetime(2026, 11, 16, 9, 30)
    styles = Styles(STYLES)
    cell = render(CellWrite(value, fmt), styles, False)   # type: ignore[arg-type]
    assert cell.style is not None
    assert excel_code(styles, cell.style) == NUMBER_FORMATS[fmt]
    sheets = cell_data(CellWrite(value, fmt))              # type: ignore[arg-type]
    assert sheets["userEnteredFormat"]["numberFormat"]["pattern"] == NUMBER_FORMATS[fmt]


def test_every_unit_has_a_format_and_days_are_written_as_days() -> None:
    assert set(UNIT_FORMAT) == {"rate", "money", "days", "per_week"}
    assert UNIT_FORMAT["days"] == "days" and UNIT_FORMAT["rate"] == "percent"


def test_tones_are_one_colour_in_both_backends() -> None:
    for tone, (rgb, bold) in TONES.items():
        colour, sheets_bold = SHEETS_TONES[tone]
        back = "".join(f"{round(colour[c] * 255):02X}" for c in ("red", "green", "blue"))
        assert (back, sheets_bold) == (rgb, bold)
        styles = Styles(STYLES)
        styles.dxf(tone)
        assert f'rgb="FF{rgb}"' in styles.xml.decode()


def test_serial_dates_count_from_one_epoch() -> None:
    assert serial(dt.date(1900, 3, 1)) == 61
    assert serial(dt.date(1904, 1, 2), date1904=True) == 1
    assert serial(dt.datetime(2026, 11, 16, 12)) == serial(dt.date(2026, 11, 16)) + 0.5


def corpus_styles() -> list[tuple[str, bytes]]:
    from test_package import corpus_packages

    out = []
    for path in corpus_packages():
        with zipfile.ZipFile(path) as zf:
            from sheetsync.backends.xlsx.package import Package

            part = Package.open(zf, path).styles_part
            if part is not None:
                out.append((path.name, zf.read(part)))
    return out


def test_styles_are_added_to_every_corpus_styles_part() -> None:
    """Excel's, LibreOffice's and other writers' styles.xml: the lists grow, their counts
    follow, every style written before is kept as it was, and a second look finds ours."""
    found = corpus_styles()
    if not found:
        pytest.skip("corpus not found")
    for name, data in found:
        styles = Styles(data)
        picked = (styles.xf("percent", bold=True, wrap=True), styles.xf("date"),
                  styles.dxf("leak"), styles.dxf("fix"))
        out = styles.xml
        root = ElementTree.fromstring(out)
        for tag in ("numFmts", "fonts", "cellXfs", "dxfs"):
            block = root.find(f"{{*}}{tag}")
            assert block is not None, (name, tag)
            if block.get("count") is not None:
                assert int(block.get("count", "")) == len(block), (name, tag)
        again = Styles(out)
        assert (again.xf("percent", bold=True, wrap=True), again.xf("date"),
                again.dxf("leak"), again.dxf("fix")) == picked, name
        assert again.xml == out, name
        before = ElementTree.fromstring(data)
        for tag in ("fonts", "cellXfs", "dxfs", "numFmts"):
            old = before.find(f"{{*}}{tag}")
            new = root.find(f"{{*}}{tag}")
            if old is not None and new is not None:
                assert [ElementTree.tostring(e) for e in old] == \
                    [ElementTree.tostring(e) for e in new][: len(old)], (name, tag)
