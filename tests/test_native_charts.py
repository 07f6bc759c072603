"""Charts as Word charts (slutrapport.wordcharts): chart parts with embedded workbooks.

Expected strings spell NO-BREAK SPACE (U+00A0) as an escape.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

import slutrapport
from slutrapport import office, wordcharts
from slutrapport.charts import make_charts
from slutrapport.cli import main
from slutrapport.rendering import render, render_bytes
from slutrapport.wordcharts import NativeChart, make_native_charts

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
RT_CHART = f"{R}/chart"
RT_PACKAGE = f"{R}/package"
RT_IMAGE = f"{R}/image"
NS = {"c": C, "a": A, "wp": WP, "r": R}
NBSP = "\u00a0"
ORDER = [("horisontella_kriterier", "deltagare"), ("program_for_tillvaxt", "anstallda"),
         ("ekonomi", "budget"), ("ekonomi", "kostnader")]
"""The NIS 6.0 charts by section id and name, in the order the report's sections stand."""

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) saknas")


# --- Reading charts back ---------------------------------------------------------------------


def _charts_in(data: bytes) -> list[Any]:
    """The chart parts the document's text shows, in the order it shows them (python-docx)."""
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    ids = [el.get(f"{{{R}}}id") for el in body.iter(f"{{{C}}}chart")]
    return [document.part.related_parts[rid] for rid in ids]


def _workbook_part(chart: Any) -> Any:
    (rel,) = [r for r in chart.rels.values() if r.reltype == RT_PACKAGE]
    space = etree.fromstring(chart.blob)
    assert space.find("c:externalData", NS).get(f"{{{R}}}id") == rel.rId
    return rel.target_part


def _grid(xlsx: bytes) -> list[list[Any]]:
    """Every cell of the workbook's only sheet, row by row."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    (sheet,) = book.worksheets
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _number(value: int | Decimal) -> int | float:
    return value if isinstance(value, int) else (int(value) if value == int(value)
                                                 else float(value))


def _expected_grids(report: slutrapport.Slutrapport) -> list[list[list[Any]]]:
    """The figures each NIS chart shows, straight from the report's data, and the words of
    the labels that have them (a column per series, after the figures)."""
    d = report.section("horisontella_kriterier").deltagare
    program = report.section("program_for_tillvaxt").effekt
    ekonomi = report.section("ekonomi")
    shares = ("(49,7\u00a0%)", "(50,3\u00a0%)")
    cost_shares = [f"({s}\u00a0%)" for s in ("18,9", "3,7", "45,9", "0,8", "30,8")]

    def figure(v: int | Decimal) -> str:
        return str(v).replace(".", ",")

    def words(c: Any) -> tuple[str, str]:  # 'before → after' at the longer bar
        shrank = c.anstallda_fore > c.anstallda_efter
        return ((f"→ {figure(c.anstallda_efter)}", "") if shrank
                else ("", f"{figure(c.anstallda_fore)} →"))

    return [
        [[None, "Deltagare", "Etikett Deltagare"], ["Kvinnor", d.kvinnor, shares[0]],
         ["Män", d.man_beraknat, shares[1]]],
        [[None, program.tabell.fore, program.tabell.efter, f"Etikett {program.tabell.fore}",
          f"Etikett {program.tabell.efter}"],
         *[[c.namn, _number(c.anstallda_fore), _number(c.anstallda_efter),
            *(w or None for w in words(c))] for c in program.foretag]],
        [[None, "Kronor"], ["Budget", ekonomi.budget], ["Utfall", ekonomi.utfall]],
        [[None, "Kronor", "Etikett Kronor"],
         *[[p.kategori, p.belopp, share] for p, share in zip(ekonomi.kostnader, cost_shares,
                                                             strict=True)]],
    ]


def _cell_range(grid: list[list[Any]], ref: str) -> list[Any]:
    """The cells of a reference such as ``Blad1!$B$2:$B$5`` (or one cell, ``Blad1!$B$1``)."""
    found = re.fullmatch(r"Blad1!\$([A-Z])\$(\d+)(?::\$([A-Z])\$(\d+))?", ref)
    assert found, ref
    col = ord(found.group(1)) - ord("A")
    first, last = int(found.group(2)), int(found.group(4) or found.group(2))
    assert (found.group(3) or found.group(1)) == found.group(1)
    return [grid[row - 1][col] for row in range(first, last + 1)]


def _cached(ref_parent: Any) -> tuple[str, list[Any]]:
    """A reference's formula and its cached values (numbers as numbers)."""
    ref = ref_parent.find("c:f", NS).text
    cache = ref_parent.find("c:numCache", NS)
    is_number = cache is not None
    if cache is None:
        cache = ref_parent.find("c:strCache", NS)
    values = [pt.find("c:v", NS).text for pt in cache.iterfind("c:pt", NS)]
    assert cache.find("c:ptCount", NS).get("val") == str(len(values))
    if is_number:
        return ref, [_number(Decimal(v)) for v in values]
    return ref, values


def _label_formats(chart: Any) -> list[list[str | None]]:
    """Each series' label format per bar (None: no label), after the series' own format."""
    space = etree.fromstring(chart.blob)
    out = []
    for ser in space.iterfind(".//c:ser", NS):
        labels = ser.find("c:dLbls", NS)
        count = len(ser.findall("c:val/c:numRef/c:numCache/c:pt", NS))
        own = labels.find("c:numFmt", NS).get("formatCode")
        shown = labels.find("c:showVal", NS).get("val") == "1"
        formats: list[str | None] = [own if shown else None] * count
        for dlbl in labels.iterfind("c:dLbl", NS):
            i = int(dlbl.find("c:idx", NS).get("val"))
            fmt = dlbl.find("c:numFmt", NS)
            hidden = (dlbl.find("c:delete", NS) is not None
                      or dlbl.find("c:showVal", NS).get("val") != "1")
            formats[i] = None if hidden else fmt.get("formatCode")
        out.append([own, *formats])
    return out


@pytest.fixture(scope="module")
def nis() -> slutrapport.Slutrapport:
    return slutrapport.load(slutrapport.example_path())


@pytest.fixture(scope="module")
def nis_docx(nis: slutrapport.Slutrapport) -> bytes:
    return render_bytes(nis)


# --- The document holds Word charts --------------------------------------------------------


def test_every_chart_is_a_chart_part_not_a_picture(nis: slutrapport.Slutrapport,
                                                   nis_docx: bytes) -> None:
    """The NIS 6.0 document shows four chart parts inline, with alt texts, and no picture."""
    document = docx.Document(io.BytesIO(nis_docx))
    charts = _charts_in(nis_docx)
    assert [c.partname for c in charts] == [f"/word/charts/chart{i}.xml" for i in range(1, 5)]
    assert {c.content_type for c in charts} == {wordcharts.CHART_TYPE}
    assert [r.reltype for r in document.part.rels.values()].count(RT_CHART) == 4
    assert RT_IMAGE not in {r.reltype for r in document.part.rels.values()}
    body = document.element.body
    inlines = list(body.iter(f"{{{WP}}}inline"))
    assert [i.find("a:graphic/a:graphicData", NS).get("uri") for i in inlines] == [C] * 4
    pictures = make_charts(nis)
    assert [i.find("wp:docPr", NS).get("descr") for i in inlines] == [
        pictures[sid][name].alt for sid, name in ORDER]


def test_each_chart_embeds_a_workbook_holding_its_figures(nis: slutrapport.Slutrapport,
                                                          nis_docx: bytes) -> None:
    """Each chart's workbook holds its categories, series names and figures, cell for cell."""
    books = [_workbook_part(c) for c in _charts_in(nis_docx)]
    assert [b.partname for b in books] == [
        f"/word/embeddings/Microsoft_Excel_Worksheet{i}.xlsx" for i in range(1, 5)]
    assert [_grid(b.blob) for b in books] == _expected_grids(nis)


def test_cached_values_are_the_workbooks_cells(nis_docx: bytes) -> None:
    """Every reference in a chart names workbook cells whose values its cache repeats."""
    for chart in _charts_in(nis_docx):
        grid = _grid(_workbook_part(chart).blob)
        space = etree.fromstring(chart.blob)
        refs = [space.xpath(".//c:ser/c:tx/c:strRef", namespaces=NS),
                space.xpath(".//c:ser/c:cat/c:strRef", namespaces=NS),
                space.xpath(".//c:ser/c:val/c:numRef", namespaces=NS)]
        assert all(refs)
        for ref_parent in (r for group in refs for r in group):
            ref, values = _cached(ref_parent)
            assert _cell_range(grid, ref) == values, ref


def test_number_formats_are_swedish_and_labels_say_shares_and_earlier_figures(
        nis: slutrapport.Slutrapport, nis_docx: bytes) -> None:
    """Axes and labels name the Swedish locale; a label's format is its figure's alone (the
    shares and 'before →' are words from cells, see tests/test_chart_labels.py)."""
    charts = _charts_in(nis_docx)
    axes = [[f.get("formatCode") for f in etree.fromstring(c.blob).iterfind(
        ".//c:valAx/c:numFmt", NS)] for c in charts]
    assert axes == [["[$-41D]#,##0"]] * 4
    participants, employees, budget, costs = (_label_formats(c) for c in charts)
    assert participants == [["[$-41D]#,##0"] * 3]
    assert budget == [[f'[$-41D]#,##0"{NBSP}kr"'] * 3]
    assert costs == [[f'[$-41D]#,##0"{NBSP}kr"'] * 6]
    # one label a company, at its longer bar: '2,5 → 4' on the later bar, '19 → 17' on the earlier
    before, after = employees
    assert before[0] == after[0] == "[$-41D]#,##0.0"
    assert after[1:3] == ["[$-41D]#,##0", "[$-41D]#,##0"]
    assert before[1:3] == [None, None]
    names = [c.namn for c in nis.section("program_for_tillvaxt").effekt.foretag]
    hotell = 1 + names.index("Hotell Vännäs")
    assert before[hotell] == "[$-41D]#,##0" and after[hotell] is None
    assert all((b is None) != (a is None) for b, a in zip(before[1:], after[1:], strict=True))


def test_text_of_a_chart_follows_the_templates_font_and_the_language_is_swedish(
        nis_docx: bytes) -> None:
    """The chart's text is in the Normal style's typeface; its language is sv-SE."""
    normal = docx.Document(io.BytesIO(nis_docx)).styles["Normal"].font.name
    for chart in _charts_in(nis_docx):
        space = etree.fromstring(chart.blob)
        assert space.find("c:lang", NS).get("val") == "sv-SE"
        assert space.find("c:txPr/a:p/a:pPr/a:defRPr/a:latin", NS).get("typeface") == normal
        assert space.find("c:externalData/c:autoUpdate", NS).get("val") == "0"


def test_embedded_workbooks_carry_a_fixed_date(nis_docx: bytes) -> None:
    """A workbook's properties say the report's date (2022-12 for NIS 6.0), as the document's
    do: same data, same bytes."""
    with zipfile.ZipFile(io.BytesIO(nis_docx)) as document:
        own = document.read("docProps/core.xml").decode("utf-8")
    dated = [("created", "2022-12-01T00:00:00Z"), ("modified", "2022-12-01T00:00:00Z")]
    assert re.findall(r"<dcterms:(\w+)[^>]*>([^<]*)<", own) == dated
    for chart in _charts_in(nis_docx):
        with zipfile.ZipFile(io.BytesIO(_workbook_part(chart).blob)) as book:
            core = book.read("docProps/core.xml").decode("utf-8")
        assert re.findall(r"<dcterms:(\w+)[^>]*>([^<]*)<", core) == dated


def test_native_and_picture_charts_are_numbered_alike_in_every_example() -> None:
    """Both ways give the same charts with the same captions and alt texts."""
    for name in ("nis60", "lappland20", "nis70"):
        report = slutrapport.load(slutrapport.example_path(name))
        native = {(sid, n): (c.bildtext, c.alt, type(c).__name__)
                  for sid, named in make_native_charts(report).items()
                  for n, c in named.items()}
        drawn = {(sid, n): (c.bildtext, c.alt, "NativeChart")
                 for sid, named in make_charts(report).items() for n, c in named.items()}
        assert native == drawn, name


def test_a_chart_placed_twice_gets_two_chart_parts(nis: slutrapport.Slutrapport,
                                                   tmp_path: Path) -> None:
    """A template that prints a chart twice gets two charts, each with its own workbook."""
    template = tmp_path / "mall.docx"
    document = docx.Document()
    document.add_paragraph("{{ ekonomi.diagram.budget.bild }}")
    document.add_paragraph("{{ ekonomi.diagram.budget.bild }} {{ ekonomi.diagram.budget.alt }}")
    document.save(template)
    data = render_bytes(nis, template=template)
    charts = _charts_in(data)
    assert [c.partname for c in charts] == ["/word/charts/chart1.xml", "/word/charts/chart2.xml"]
    assert [_grid(_workbook_part(c).blob) for c in charts] == [_expected_grids(nis)[2]] * 2
    ids = [el.get("id") for el in docx.Document(io.BytesIO(data)).element.body.iter(
        f"{{{WP}}}docPr")]
    assert len(set(ids)) == 2


def test_diagram_bild_places_pictures_as_before(nis: slutrapport.Slutrapport,
                                                tmp_path: Path) -> None:
    """`render --diagram bild` writes the four charts as PNG pictures and no chart part."""
    out = tmp_path / "rapport.docx"
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path()), "-o", str(out),
                                       "--diagram", "bild", "--no-contents", "-q"])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data == render_bytes(nis, diagram="bild")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [n for n in names if n.startswith(("word/media/", "word/charts/", "word/embed"))] == [
        f"word/media/image{i}.png" for i in range(1, 5)]
    assert _charts_in(data) == []


def test_an_unknown_diagram_form_is_refused(nis: slutrapport.Slutrapport) -> None:
    """`diagram` other than 'diagram' or 'bild' is a ValueError, said in Swedish."""
    with pytest.raises(ValueError, match="diagram ska vara 'diagram' eller 'bild', inte 'png'"):
        render_bytes(nis, diagram="png")


def test_word_charts_need_no_matplotlib() -> None:
    """Rendering with Word charts never imports matplotlib (the pictures' library)."""
    code = ("import sys, slutrapport\n"
            "from slutrapport.rendering import render_bytes\n"
            "render_bytes(slutrapport.load(slutrapport.example_path()))\n"
            "print('matplotlib' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120, env={**os.environ, "SLUTRAPPORT_CACHE": "0"})
    assert done.stdout == "False\n"


def test_value_axis_leaves_room_for_the_labels(nis: slutrapport.Slutrapport) -> None:
    """The value axis ends past the longest bar by the room its label takes, on a round step."""
    made = make_native_charts(nis)
    scales = {(sid, n): wordcharts.value_scale(c.bars) for sid, named in made.items()
              for n, c in named.items() if isinstance(c, NativeChart)}
    assert scales == {
        ("horisontella_kriterier", "deltagare"): (2500, 500),
        ("program_for_tillvaxt", "anstallda"): (35, 5),
        ("ekonomi", "budget"): (20000000, 5000000),
        ("ekonomi", "kostnader"): (12000000, 2000000),
    }


# --- LibreOffice draws them ------------------------------------------------------------------


def _pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, timeout=60)
    return re.sub(r"[ \u00a0]+", " ", done.stdout.decode("utf-8"))


@needs_office
@needs_pdftotext
@pytest.mark.libreoffice
def test_libreoffice_draws_every_chart_in_the_pdf(nis: slutrapport.Slutrapport,
                                                  tmp_path: Path) -> None:
    """The PDF prints each chart's labels and titles as text; the pictures' PDF has none."""
    native, pictures = tmp_path / "diagram.pdf", tmp_path / "bild.pdf"
    render(nis, native)
    render(nis, pictures, diagram="bild")
    said = [
        # participants: count and share, the axis title
        "1 466 (49,7 %)", "1 483 (50,3 %)", "Antal deltagare (totalt 2 949)",
        # employees: one label a company at its longer bar, and the legend
        "2,5 → 4", "19 → 25", "19 → 17", "26 → 30", "11 → 13",
        "Antal anställda (talen vid staplarna: 2019 → okt-22)",
        # budget and outcome: the difference under them
        "Utfallet är 1 242 340 kr under budget",
        # costs: amount and share
        "2 931 397 kr (18,9 %)", "7 095 150 kr (45,9 %)", "120 266 kr (0,8 %)",
    ]
    text, picture_text = _pdf_text(native), _pdf_text(pictures)
    assert [s for s in said if s not in text] == []
    assert [s for s in said if s in picture_text] == []
    # the budget's and outcome's amounts, which the text says too, once more in the chart
    amounts = ["16 713 030 kr", "15 470 690 kr"]
    assert [text.count(s) - picture_text.count(s) for s in amounts] == [1, 1]
    # Swedish figures on the axes too: thousands apart by a space, never a comma
    assert "2 000 000" in text and "1,000" not in text and "2,000,000" not in text


def test_without_matplotlib_pictures_name_the_install_command_and_word_charts_still_work(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """matplotlib is an extra: missing, `--diagram bild` stops with exit 2 and the command that
    installs it, while the default Word charts render as before."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    monkeypatch.setenv("SLUTRAPPORT_CACHE", "0")  # draw, rather than read a picture back
    example = str(slutrapport.example_path())
    pictures = CliRunner().invoke(main, ["render", example, "-o", str(tmp_path / "bild.docx"),
                                         "--diagram", "bild", "--no-contents", "-q"])
    assert (pictures.exit_code, pictures.output.splitlines()[-1]) == (
        2, "Inte installerat: diagram som bilder (--diagram bild) ritas med matplotlib, som inte "
           "är installerat; installera det med: python3 -m pip install 'slutrapport[bilder]' "
           "(eller låt diagrammen vara Word-diagram, standard)")
    assert not (tmp_path / "bild.docx").exists()
    charts = CliRunner().invoke(main, ["render", example, "-o", str(tmp_path / "diagram.docx"),
                                       "--no-contents", "-q"])
    assert charts.exit_code == 0, charts.output
    assert len(_charts_in((tmp_path / "diagram.docx").read_bytes())) == 4
