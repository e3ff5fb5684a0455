"""A generated sheet's charts as DrawingML parts, written the way Excel writes them.

One drawing part per sheet (xl/drawings/drawingN.xml: a `twoCellAnchor` holding a
`graphicFrame` per chart) and one chart part per chart (xl/charts/chartN.xml: a
`c:chartSpace` with a `c:lineChart` or `c:barChart` whose series point at the sheet's
cells, with the values cached so a reader shows them before it recalculates).  The
parts are linked through the package model with relative targets and their content
types.  A sheet that already has its drawing (the previous sync's) keeps the same part
names and relationship ids: the parts are rewritten in place, so a second sync with
the same numbers writes the very same bytes, and never a second chart.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from sheetsync.backends.xlsx.opc import CT, REL_NS, RT, XML_DECLARATION
from sheetsync.backends.xlsx.package import Package
from sheetsync.backends.xlsx.render import number_text
from sheetsync.backends.xlsx.sheetxml import col_letters
from sheetsync.backends.xlsx.xmltext import escape, quoted
from sheetsync.formats import NUMBER_FORMATS
from sheetsync.workbook import Chart, ChartSeries, GeneratedSheet

XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
EMU_PER_PIXEL = 9525
DEFAULT_COL_PIXELS = 64          # a column of Excel's default width (8.43 characters)
DEFAULT_ROW_PIXELS = 20          # a row of the default 15 points
COLOURS = ("1C7ED6", "E8590C", "2F9E44", "AE3EC9")


def _col_pixels(width: float) -> int:
    """A column width in characters as Excel's pixels (Calibri 11: 7 per character + 5)."""
    return int(width * 7 + 5)


def _cell_at(pixels: int, sizes: Sequence[int], default: int, first: int) -> tuple[int, int]:
    """(0-based index, offset in EMU) of the point `pixels` past the start of index `first`."""
    i = first
    while True:
        size = sizes[i] if i < len(sizes) else default
        if pixels < size:
            return i, pixels * EMU_PER_PIXEL
        pixels -= size
        i += 1


def _anchor(chart: Chart, sheet: GeneratedSheet) -> str:
    cols = [_col_pixels(w) for w in sheet.col_widths]
    rows = [round(sheet.row_heights.get(r + 1, 15.0) * 4 / 3) for r in range(sheet.height)]
    start_col, start_row = chart.anchor_col - 1, chart.anchor_row - 1
    fc, fco = _cell_at(chart.left, cols, DEFAULT_COL_PIXELS, start_col)
    fr, fro = _cell_at(chart.top, rows, DEFAULT_ROW_PIXELS, start_row)
    tc, tco = _cell_at(chart.left + chart.width, cols, DEFAULT_COL_PIXELS, start_col)
    tr, tro = _cell_at(chart.top + chart.height, rows, DEFAULT_ROW_PIXELS, start_row)
    return (f"<xdr:from><xdr:col>{fc}</xdr:col><xdr:colOff>{fco}</xdr:colOff>"
            f"<xdr:row>{fr}</xdr:row><xdr:rowOff>{fro}</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{tc}</xdr:col><xdr:colOff>{tco}</xdr:colOff>"
            f"<xdr:row>{tr}</xdr:row><xdr:rowOff>{tro}</xdr:rowOff></xdr:to>")


def drawing_xml(sheet: GeneratedSheet, rids: Sequence[str]) -> bytes:
    """The drawing part: one anchored graphic frame per chart, chart k linked as rids[k]."""
    frames = []
    for k, (chart, rid) in enumerate(zip(sheet.charts, rids, strict=True)):
        frames.append(
            f'<xdr:twoCellAnchor editAs="oneCell">{_anchor(chart, sheet)}'
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
            f'<xdr:cNvPr id="{k + 2}" name="Chart {k + 1}" descr={quoted(chart.title)}/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{C_NS}">'
            f'<c:chart xmlns:c="{C_NS}" xmlns:r="{REL_NS}" r:id="{rid}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"
            "</xdr:twoCellAnchor>")
    return (f'{XML_DECLARATION}<xdr:wsDr xmlns:xdr="{XDR_NS}" xmlns:a="{A_NS}">'
            f'{"".join(frames)}</xdr:wsDr>').encode()


def _ref(sheet: str, col: int, first: int, last: int) -> str:
    letters = col_letters(col)
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!${letters}${first}:${letters}${last}"


def _str_cache(values: Sequence[str]) -> str:
    pts = "".join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>'
                  for i, v in enumerate(values) if v)
    return f'<c:strCache><c:ptCount val="{len(values)}"/>{pts}</c:strCache>'


def _num_cache(values: Sequence[float | None], code: str) -> str:
    pts = "".join(f'<c:pt idx="{i}"><c:v>{number_text(v)}</c:v></c:pt>'
                  for i, v in enumerate(values) if v is not None)
    return (f"<c:numCache><c:formatCode>{escape(code)}</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{pts}</c:numCache>')


def _value_code(chart: Chart) -> str | None:
    """The value axis's number-format code: whole percents, money with its currency (as
    the cells say it), else None (the cells' own format)."""
    if chart.percent:
        return "0%"
    if chart.value_format is not None and chart.value_format.startswith("money"):
        return NUMBER_FORMATS[chart.value_format]
    return None


def _series(chart: Chart, k: int, s: ChartSeries) -> str:
    colour = COLOURS[k % len(COLOURS)]
    header = escape(_ref(s.sheet, s.col, s.first_row - 1, s.first_row - 1))
    weeks = escape(_ref(s.sheet, chart.category_col, s.first_row, s.last_row))
    cells = escape(_ref(s.sheet, s.col, s.first_row, s.last_row))
    name = f"<c:tx><c:strRef><c:f>{header}</c:f>{_str_cache([s.name])}</c:strRef></c:tx>"
    cat = f"<c:cat><c:strRef><c:f>{weeks}</c:f>{_str_cache(chart.categories)}</c:strRef></c:cat>"
    val = (f"<c:val><c:numRef><c:f>{cells}</c:f>"
           f"{_num_cache(s.values, _value_code(chart) or 'General')}</c:numRef></c:val>")
    head = f'<c:idx val="{k}"/><c:order val="{k}"/>{name}'
    if chart.kind == "bar":
        return (f"<c:ser>{head}<c:spPr><a:solidFill><a:srgbClr val=\"{colour}\"/></a:solidFill>"
                f'</c:spPr><c:invertIfNegative val="0"/>{cat}{val}</c:ser>')
    return (f'<c:ser>{head}<c:spPr><a:ln w="28575" cap="rnd"><a:solidFill>'
            f'<a:srgbClr val="{colour}"/></a:solidFill><a:round/></a:ln></c:spPr>'
            f'<c:marker><c:symbol val="circle"/><c:size val="4"/><c:spPr><a:solidFill>'
            f'<a:srgbClr val="{colour}"/></a:solidFill></c:spPr></c:marker>'
            f'{cat}{val}<c:smooth val="0"/></c:ser>')


def chart_xml(chart: Chart, date1904: bool) -> bytes:
    """One chart part: the title, a line or column chart over the cells, two axes."""
    series = "".join(_series(chart, k, s) for k, s in enumerate(chart.series))
    axes = '<c:axId val="500000001"/><c:axId val="500000002"/>'
    if chart.kind == "bar":
        plot = (f'<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
                f'<c:varyColors val="0"/>{series}<c:gapWidth val="80"/>{axes}</c:barChart>')
    else:
        plot = (f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}'
                f'<c:marker val="1"/>{axes}</c:lineChart>')
    code = _value_code(chart)
    value_format = (f'<c:numFmt formatCode={quoted(code)} sourceLinked="0"/>' if code
                    else '<c:numFmt formatCode="General" sourceLinked="1"/>')
    legend = ('<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
              if len(chart.series) > 1 else "")
    return (
        f'{XML_DECLARATION}<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{REL_NS}">'
        f'<c:date1904 val="{int(date1904)}"/><c:roundedCorners val="0"/><c:chart>'
        "<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz=\"1200\" b=\"1\"/></a:pPr>"
        f'<a:r><a:rPr lang="en-US" sz="1200" b="1"/><a:t>{escape(chart.title)}</a:t></a:r>'
        '</a:p></c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
        f"<c:plotArea><c:layout/>{plot}"
        '<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="b"/>'
        '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:crossAx val="500000002"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="l"/><c:majorGridlines><c:spPr><a:ln>'
        '<a:solidFill><a:srgbClr val="E4E7EB"/></a:solidFill></a:ln></c:spPr>'
        f'</c:majorGridlines>{value_format}<c:majorTickMark val="out"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="500000001"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
        f'</c:plotArea>{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        "</c:chartSpace>"
    ).encode()


def place_charts(pkg: Package, sheet_part: str, sheet: GeneratedSheet) -> tuple[
        str | None, dict[str, bytes]]:
    """Link `sheet`'s charts to its part: (the drawing's id for the sheet's <drawing>, or
    None when it has no chart; {existing part: its new bytes}).  Parts new to the package
    are added to `pkg` with their bytes."""
    if not sheet.charts:
        return None, {}
    replace: dict[str, bytes] = {}
    folder = posixpath.dirname(pkg.workbook_name)
    linked = [r for r in pkg.rels(sheet_part).of_type(RT.DRAWING) if r.part in pkg]
    if linked:
        rid, drawing = linked[0].rid, linked[0].part
        old = [r for r in pkg.rels(drawing).of_type(RT.CHART) if r.part in pkg]
    else:
        drawing = pkg.free_name(posixpath.join(folder, "drawings", "drawing{}.xml"))
        rid, old = "", []
    rids = []
    for k, chart in enumerate(sheet.charts):
        data = chart_xml(chart, pkg.date1904)
        if k < len(old):
            rids.append(old[k].rid)
            replace[old[k].part] = data
            continue
        part = pkg.free_name(posixpath.join(folder, "charts", "chart{}.xml"))
        pkg.add_part(part, CT.CHART, data)
        rids.append(pkg.add_relationship(drawing, RT.CHART, part))
    data = drawing_xml(sheet, rids)
    if linked:
        replace[drawing] = data
    else:
        pkg.add_part(drawing, CT.DRAWING, data)
        rid = pkg.add_relationship(sheet_part, RT.DRAWING, drawing)
    return rid, replace
