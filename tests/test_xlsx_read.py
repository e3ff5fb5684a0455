"""The Excel read path: real files written, read back into grids with real row numbers."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_xlsx_read_helpers import (
    replace_sheet_data,
    rewrite_members,
    to_strict,
    write_book,
)

from sheetsync.backends.xlsx import XlsxFile
from sheetsync.backends.xlsx.read import read_workbook
from sheetsync.backends.xlsx.scan import MAX_CELLS
from sheetsync.errors import SourceError
from sheetsync.workbook import CellError


def _empty(v: object) -> bool:
    return v is None or v == ""


def test_values_come_back_where_they_were_typed(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Lead log, autumn"],                               # a title row
        [],
        ["ID", "Lead", "Budget", "Date in", "Decision maker", "Sent", "Call at"],
        ["L1", "Acme", 8000, dt.date(2026, 10, 21), True, dt.datetime(2026, 10, 22, 9, 30),
         dt.time(14, 15)],
        [],                                                  # a blank row inside the log
        ["L2", "Émile & Co", 1.5, dt.date(2026, 11, 2), False, None, None],
    ]
    path = write_book(tmp_path / "book.xlsx", {"Leads": rows})
    grid = read_workbook(path).sheets["Leads"]
    assert len(grid) == 6
    assert grid[0][0] == "Lead log, autumn"
    assert all(_empty(v) for v in grid[1])
    assert grid[2][:3] == ["ID", "Lead", "Budget"]
    assert grid[3][0] == "L1" and grid[3][2] == 8000
    assert grid[3][3] == dt.date(2026, 10, 21) and type(grid[3][3]) is dt.date
    assert grid[3][4] is True
    assert grid[3][5] == dt.datetime(2026, 10, 22, 9, 30)
    assert grid[3][6] == dt.time(14, 15)
    assert all(_empty(v) for v in grid[4])
    assert grid[5][1] == "Émile & Co" and grid[5][2] == 1.5 and grid[5][4] is False


def test_grid_starts_at_a1_when_data_does_not(tmp_path: Path) -> None:
    rows: list[list[object]] = [[], [], [], [None, None, "Stage", "Example"],
                                [None, None, "Input source #1", "Referrals"]]
    grid = read_workbook(write_book(tmp_path / "b.xlsx", {"Pipeline": rows})).sheets["Pipeline"]
    assert len(grid) == 5
    assert grid[3][2] == "Stage" and grid[4][3] == "Referrals"
    assert all(_empty(v) for v in grid[0]) and _empty(grid[4][0])


def test_sheets_keep_order_hidden_sheets_read_and_wanted_filters(tmp_path: Path) -> None:
    path = write_book(tmp_path / "b.xlsx",
                      {"Pipeline": [["p"]], "Secret": [["s"]], "Deep": [["d"]], "Leads": [["l"]]},
                      hidden={"Secret": "hidden", "Deep": "veryHidden"})
    book = read_workbook(path)
    assert list(book.sheets) == ["Pipeline", "Secret", "Deep", "Leads"]
    assert book.sheets["Secret"] == [["s"]] and book.sheets["Deep"] == [["d"]]
    only = XlsxFile(path).read(lambda name: name in {"Leads", "Deep"})
    assert list(only.sheets) == ["Deep", "Leads"]
    assert only.title == "b.xlsx" and only.source == str(path)


def test_error_cells_become_cell_errors(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["x"]]})
    data = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Budget</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>#REF!</t></is></c></row>'
        '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="B2" s="0" t="e"><v>#REF!</v></c><c r="C2" t="n"><v>4</v></c></row>'
        '<row r="7"><c r="D7" t="e"><f t="shared" ref="D7:D8" si="0">NA()</f><v>#N/A</v></c>'
        '</row></sheetData>'
    )
    path = replace_sheet_data(base, tmp_path / "errors.xlsx", data)
    grid = read_workbook(path).sheets["Leads"]
    assert grid[0] == ["Budget", "#REF!", "", ""]             # typed text stays text
    assert grid[1][0] == CellError("#DIV/0!")
    assert grid[1][1] == CellError("#REF!") and str(grid[1][1]) == "#REF!"
    assert grid[1][2] == 4
    assert grid[6][3] == CellError("#N/A")
    assert len(grid) == 7


def test_inline_strings_shared_formulas_and_uncached_formulas(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["x"]]})
    data = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> Lead </t>'
        '</is></c><c r="B1" t="inlineStr"><is><r><t xml:space="preserve">Rich </t></r>'
        '<r><t>text</t></r></is></c>'
        '</row><row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" ref="B2:B4" si="0">'
        'A2*10</f><v>20</v></c></row>'
        '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/><v>30</v></c></row>'
        '<row r="4"><c r="A4"><v>4</v></c><c r="B4"><f t="shared" si="0"/></c>'
        '<c r="C4" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D4"><f>SUM(A2:A4)</f></c>'
        '</row></sheetData>'
    )
    grid = read_workbook(replace_sheet_data(base, tmp_path / "f.xlsx", data)).sheets["Leads"]
    assert grid[0][0] == " Lead " and grid[0][1] == "Rich text"
    assert [grid[1][1], grid[2][1]] == [20, 30]                # cached values of shared formula
    assert _empty(grid[3][1])                                  # a formula never calculated
    assert len(grid[3]) == 3        # D4 has only an uncached formula: not part of the range
    assert grid[3][2] == "ab"


def test_1904_date_system(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Leads"
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws["A1"] = dt.date(2026, 10, 21)
    ws["A2"] = dt.datetime(2026, 10, 21, 18, 0)
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    book = read_workbook(path)
    assert book.date1904 is True
    assert book.sheets["Leads"][0][0] == dt.date(2026, 10, 21)
    assert book.sheets["Leads"][1][0] == dt.datetime(2026, 10, 21, 18, 0)
    # The same serial numbers under the 1900 system are 1462 days earlier: the flag matters.
    plain = rewrite_members(path, tmp_path / "pc.xlsx", lambda name, data: data.replace(
        b'date1904="1"', b"").replace(b'date1904="true"', b"") if name == "xl/workbook.xml"
        else data)
    pc = read_workbook(plain)
    assert pc.date1904 is False
    assert pc.sheets["Leads"][0][0] == dt.date(2026, 10, 21) - dt.timedelta(days=1462)


def test_merged_cells_value_in_top_left(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Pipeline"
    ws["A1"] = "Pipeline worksheet"
    ws.merge_cells("A1:C2")
    ws["A3"], ws["B3"] = "Stage", "What it is for you"
    wb.save(tmp_path / "m.xlsx")
    grid = read_workbook(tmp_path / "m.xlsx").sheets["Pipeline"]
    assert grid[0][0] == "Pipeline worksheet"
    assert all(_empty(v) for v in grid[0][1:] + grid[1])
    assert grid[2][:2] == ["Stage", "What it is for you"]


def test_huge_declared_dimension_with_few_cells_reads_small(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["ID", "Lead"], ["L1", "Acme"]]})
    path = rewrite_members(base, tmp_path / "dim.xlsx", lambda name, data: (
        data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
        if name.startswith("xl/worksheets/") else data))
    assert b"XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    grid = read_workbook(path).sheets["Leads"]
    assert grid == [["ID", "Lead"], ["L1", "Acme"]]


def test_a_stray_value_far_out_is_refused_before_calamine_allocates(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["x"]]})
    data = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    path = replace_sheet_data(base, tmp_path / "far.xlsx", data)
    with pytest.raises(SourceError) as err:
        read_workbook(path)
    msg = str(err.value)
    assert msg.startswith("far.xlsx: sheet 'Leads'") and "XFD1048576" in msg
    assert "\n" not in msg


def test_out_of_order_far_row_is_still_found(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["x"]]})
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 50))
    data = (f'<sheetData><row r="900000"><c r="ZZ900000"><v>1</v></c></row>{rows}'
            '</sheetData>')
    with pytest.raises(SourceError, match="ZZ900000"):
        read_workbook(replace_sheet_data(base, tmp_path / "ooo.xlsx", data))


def test_wide_but_small_sheet_reads_with_real_column_numbers(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["x"]]})
    data = ('<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="AB1"><v>28</v></c></row>'
            '<row r="3"><c r="XFD3"><v>16384</v></c><c r="XFC3" s="0"/></row>'
            '<row r="400"><c r="XFD400" s="0"></c></row></sheetData>')
    grid = read_workbook(replace_sheet_data(base, tmp_path / "wide.xlsx", data)).sheets["Leads"]
    assert len(grid) == 3 and len(grid[0]) == 16384
    assert grid[0][27] == 28 and grid[2][16383] == 16384
    assert 3 * 16384 < MAX_CELLS


def test_a_log_wider_than_26_columns_is_bounded_without_visiting_every_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A synced lead log has its Check column past Z, so every row has a two-letter
    # reference.  The bound must come from one regex pass, not a Python step per cell
    # (that made the scan of a 50,000-lead log five times slower than calamine's read).
    from sheetsync.backends.xlsx import scan

    head = [f"Col {i}" for i in range(1, 31)]
    rows = [head] + [[f"r{r}c{c}" for c in range(1, 31)] for r in range(2, 3000)]
    path = write_book(tmp_path / "wide.xlsx", {"Leads": rows})

    class NoWalk:
        def __init__(self) -> None:
            self.real = scan.REF

        def match(self, *args: object) -> object:
            return self.real.match(*args)

        def search(self, *args: object) -> object:
            return self.real.search(*args)

        def finditer(self, *args: object) -> object:
            raise AssertionError("walked every reference of an ordinary sheet")

    monkeypatch.setattr(scan, "REF", NoWalk())
    grid = read_workbook(path).sheets["Leads"]
    assert len(grid) == 2999 and len(grid[0]) == 30 and grid[2998][29] == "r2999c30"


def _tall(rows: int, tail: str) -> str:
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c>'
                   f'<c r="C{r}"><v>2</v></c></row>' for r in range(1, rows + 1))
    return f"<sheetData>{body}{tail}</sheetData>"


def test_the_exact_range_ignores_cells_without_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fast bound (99 rows x XFD) is over the limit, so the exact range is taken over
    # cells that hold a value, as calamine allocates: the far styled cells do not count.
    from sheetsync.backends.xlsx import scan

    monkeypatch.setattr(scan, "MAX_CELLS", 100)
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["x"]]})
    tail = '<row r="95"><c r="B95" s="0"/><c r="XFD95" s="0"></c></row>'
    grid = read_workbook(replace_sheet_data(base, tmp_path / "t.xlsx", _tall(30, tail)))
    assert len(grid.sheets["Leads"]) == 30 and len(grid.sheets["Leads"][0]) == 3


@pytest.mark.parametrize(("tail", "far"), [
    ('<row r="95"><c r="B95"><v>7</v></c></row>', "B95"),
    ('<row r="31"><c r="AB31" t="inlineStr"><is><t>x</t></is></c></row>', "AB31"),
])
def test_the_exact_range_names_the_far_cell_that_holds_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: str, far: str
) -> None:
    from sheetsync.backends.xlsx import scan

    monkeypatch.setattr(scan, "MAX_CELLS", 100)
    base = write_book(tmp_path / "base.xlsx", {"Leads": [["x"]]})
    with pytest.raises(SourceError, match=far):
        read_workbook(replace_sheet_data(base, tmp_path / "t.xlsx", _tall(30, tail)))


def test_strict_open_xml_reads_values(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Pipeline": [["Stage", "Example"],
                                                            ["Leads per week", 12]],
                                               "Leads": [["Date in"], [dt.date(2026, 10, 1)]]})
    path = to_strict(base, tmp_path / "strict.xlsx")
    assert b"purl.oclc.org/ooxml" in zipfile.ZipFile(path).read("xl/workbook.xml")
    book = read_workbook(path)
    assert book.sheets["Pipeline"] == [["Stage", "Example"], ["Leads per week", 12]]
    assert book.sheets["Leads"][1][0] == dt.date(2026, 10, 1)


def test_error_cells_in_strict_and_second_sheet(tmp_path: Path) -> None:
    base = write_book(tmp_path / "base.xlsx", {"Pipeline": [["a"]], "Leads": [["x"]]})
    data = '<sheetData><row r="3"><c r="B3" t="e"><v>#VALUE!</v></c></row></sheetData>'
    path = replace_sheet_data(base, tmp_path / "e.xlsx", data, part="xl/worksheets/sheet2.xml")
    book = read_workbook(to_strict(path, tmp_path / "e-strict.xlsx"))
    assert book.sheets["Leads"][2][1] == CellError("#VALUE!")
    assert book.sheets["Pipeline"] == [["a"]]


def test_many_rows_come_back_in_place(tmp_path: Path) -> None:
    rows: list[list[object]] = [["ID", "Budget", "Date in"]]
    rows += [[f"L{i}", i * 10, dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)]
             for i in range(1, 3001)]
    rows[1500] = []
    grid = read_workbook(write_book(tmp_path / "many.xlsx", {"Leads": rows})).sheets["Leads"]
    assert len(grid) == 3001
    assert grid[2999] == ["L2999", 29990, dt.date(2026, 1, 1) + dt.timedelta(days=2999 % 300)]
    assert all(_empty(v) for v in grid[1500])
