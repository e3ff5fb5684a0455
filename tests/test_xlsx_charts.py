"""The Excel charts: DrawingML parts as Excel writes them, linked with relative targets,
drawn once (a later sync rewrites them in place, never a second chart), shown by
LibreOffice and opened by openpyxl; an operator's chart elsewhere is untouched."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from sheetsync.cli import main
from sheetsync.core.rules_file import HISTORY

REPO = Path(__file__).resolve().parents[1]
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"


def synced(runner, tmp_path: Path, as_of: str = "2026-11-16", name: str = "demo.xlsx") -> Path:
    path = tmp_path / name
    if not path.exists():
        shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    done = runner.invoke(main, ["sync", str(path), "--as-of", as_of])
    assert done.exit_code in (0, 1), done.output
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def charts_of(parts: dict[str, bytes]) -> list[str]:
    return sorted(n for n in parts if re.fullmatch(r"xl/charts/chart\d+\.xml", n))


def test_the_chart_parts_are_as_excel_writes_them(runner, tmp_path):
    parts = members(synced(runner, tmp_path))
    types = parts["[Content_Types].xml"].decode()
    charts = charts_of(parts)
    assert 4 <= len(charts) <= 5
    for name in charts:
        assert f'PartName="/{name}" ContentType="{CHART_CT}"' in types
        root = ET.fromstring(parts[name])
        assert root.tag == C + "chartSpace"
        plot = root.find(f"{C}chart/{C}plotArea")
        assert plot is not None
        kinds = [child.tag for child in plot if child.tag in (C + "lineChart", C + "barChart")]
        assert len(kinds) == 1
        for ser in plot.iter(C + "ser"):
            ref = ser.find(f"{C}val/{C}numRef/{C}f")
            cache = ser.find(f"{C}val/{C}numRef/{C}numCache")
            assert ref is not None and cache is not None
            assert re.fullmatch(r"'[^']+'!\$[A-Z]+\$\d+:\$[A-Z]+\$\d+", str(ref.text))
            assert cache.findall(f"{C}pt")                            # values cached
            assert ser.find(f"{C}cat/{C}strRef/{C}f") is not None
    assert f'PartName="/xl/drawings/drawing1.xml" ContentType="{DRAWING_CT}"' in types
    drawing = parts["xl/drawings/drawing1.xml"].decode()
    assert drawing.count("<xdr:twoCellAnchor") == len(charts)
    assert drawing.count("<xdr:graphicFrame") == len(charts)
    rels = parts["xl/drawings/_rels/drawing1.xml.rels"].decode()
    assert sorted(re.findall(r'Target="([^"]+)"', rels)) == [
        "../charts/" + n.rsplit("/", 1)[1] for n in charts]
    # The weekly history's part names its drawing, after its page setup.
    wb = load_workbook(tmp_path / "demo.xlsx")
    ws = wb[HISTORY]
    assert len(ws._charts) == len(charts)                 # openpyxl reads them back
    titles = [c.title.tx.rich.p[0].r[0].t for c in ws._charts]   # type: ignore[union-attr]
    assert titles[:2] == ["Leads a week", "Qualified and conversion rate"]


def test_a_later_sync_redraws_the_same_charts_in_place(runner, tmp_path):
    path = synced(runner, tmp_path)
    first = members(path)
    before = charts_of(first)
    path = synced(runner, tmp_path, as_of="2026-11-23")          # a week on: one more row
    later = members(path)
    assert charts_of(later) == before                           # no second chart
    assert len(re.findall(rb"<drawing ", b"".join(v for k, v in later.items()
                                                if k.startswith("xl/worksheets/")))) == 1
    rels = later["xl/drawings/_rels/drawing1.xml.rels"]
    assert rels == first["xl/drawings/_rels/drawing1.xml.rels"]
    assert later["xl/charts/chart1.xml"] != first["xl/charts/chart1.xml"]   # a week more
    again = synced(runner, tmp_path, as_of="2026-11-23")
    assert members(again) == later                              # same input: no byte moves


def test_the_same_plan_twice_writes_the_charts_byte_for_byte(tmp_path):
    """Written twice through the backend (not skipped by the sync's no-change check)."""
    import datetime as dt

    from sheetsync.backends.xlsx import XlsxFile
    from sheetsync.core.check import run_check
    from sheetsync.core.plan import build_plan
    from sheetsync.core.rules import load_rules

    path = tmp_path / "demo.xlsx"
    shutil.copy(REPO / "sample_workbooks" / "demo.xlsx", path)
    backend = XlsxFile(path)
    checked = run_check(backend.read(), load_rules(), dt.date(2026, 11, 16))
    backend.apply(build_plan(checked, "then"))
    once = members(path)
    backend.apply(build_plan(checked, "then"))
    assert members(path) == once


@pytest.mark.libreoffice
def test_libreoffice_draws_the_lines_on_the_history_page(runner, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice or pdftoppm is not installed")
    path = synced(runner, tmp_path)                  # the synced file itself, as it is
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    done = subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir",
                           str(tmp_path), str(path)], capture_output=True, timeout=180)
    pdf = tmp_path / "demo.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    from pypdf import PdfReader

    texts = [page.extract_text() for page in PdfReader(str(pdf)).pages]
    history = [i + 1 for i, t in enumerate(texts) if t.lstrip().startswith("Week")]
    assert history, "no page of the weekly history"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", str(history[0]), "-l",
                    str(history[-1]), str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    from PIL import Image

    pages = sorted(tmp_path.glob("page*.png"))
    blue = (0x1C, 0x7E, 0xD6)
    near = []
    for page in pages:
        data = Image.open(page).convert("RGB").tobytes()
        pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
        near.append(sum(1 for px in pixels
                        if all(abs(a - b) < 40 for a, b in zip(px, blue, strict=True))))
    assert max(near) > 200, near                              # the lines are drawn
