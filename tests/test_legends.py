"""A chart's legend lists its series in the order its bars stand and the table's columns read
(issue 19.3).

Word (as Excel 2007 and later) lists a clustered bar chart's legend in the order of the bars, the
categories' direction included: with the categories top to bottom (``c:orientation maxMin``) the
first series' bar is on top in each group and first in the legend, so the .docx lists the series
in the table's order. LibreOffice lists a horizontal bar chart's series last first whatever the
direction; the copy it reads for a PDF draws the same chart bottom to top with categories and
series reversed (``legends_for_libreoffice``), and its legend then reads as the bars stand.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import slutrapport
from slutrapport import office
from slutrapport._layoutcopy import legends_for_libreoffice
from slutrapport.rendering import render_bytes, render_many

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
C15 = "{http://schemas.microsoft.com/office/drawing/2012/chart}"
needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


@pytest.fixture(scope="module")
def nis70_docx() -> bytes:
    return render_bytes(slutrapport.load(slutrapport.example_path("nis70")))


def _chart(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def _facts(space: etree._Element) -> dict[str, object]:
    """What decides a bar chart's legend order: the bars' direction, the categories' direction,
    where the value axis crosses, the legend's place, and each series in document order with
    its ``c:order``, its categories and values (cached, by point index) and its labels' words."""
    def points(cache: etree._Element | None) -> list[str | None]:
        return [] if cache is None else [p.findtext(f"{C}v") for p in cache.iterfind(f"{C}pt")]

    return {
        "barDir": space.find(f".//{C}barDir").get("val"),
        "orientation": space.find(f".//{C}catAx/{C}scaling/{C}orientation").get("val"),
        "crosses": space.find(f".//{C}valAx/{C}crosses").get("val"),
        "legend": space.find(f".//{C}legend/{C}legendPos").get("val"),
        "series": [(ser.findtext(f"{C}tx//{C}v"), ser.find(f"{C}order").get("val"),
                    points(ser.find(f"{C}cat//{C}strCache"))[:2],
                    points(ser.find(f"{C}val//{C}numCache"))[:2],
                    points(ser.find(f".//{C15}dlblRangeCache"))[:2])
                   for ser in space.iter(f"{C}ser")],
    }


def test_the_docx_lists_the_series_in_the_table_s_order(nis70_docx: bytes) -> None:
    """NIS 7.0's Diagram 1 in the .docx: horizontal bars, categories top to bottom with the
    value axis below them, the legend on top, the series Kvinnor then Män as the table's columns
    (Word draws Kvinnor's bar on top in each group and lists it first)."""
    assert _facts(_chart(nis70_docx, "word/charts/chart1.xml")) == {
        "barDir": "bar", "orientation": "maxMin", "crosses": "max", "legend": "t",
        "series": [("Kvinnor", "0", ["Digital marknadsföring (Robertsfors)",
                                     "Digital marknadsföring (Vännäs)"], ["14", "17"], []),
                   ("Män", "1", ["Digital marknadsföring (Robertsfors)",
                                 "Digital marknadsföring (Vännäs)"], ["9", "8"], [])]}


def test_libreoffice_s_copy_draws_the_same_bars_bottom_to_top(nis70_docx: bytes) -> None:
    """In the copy LibreOffice reads, Diagram 1 runs bottom to top with the series and each
    series' points reversed: Män then Kvinnor, the last category first; the same bars stand in
    the same places."""
    copy = legends_for_libreoffice(nis70_docx)
    assert _facts(_chart(copy, "word/charts/chart1.xml")) == {
        "barDir": "bar", "orientation": "minMax", "crosses": "autoZero", "legend": "t",
        "series": [("Män", "0", ["Export och e-handel", "Rekrytering och kompetensförsörjning"],
                    ["10", "12"], []),
                   ("Kvinnor", "1", ["Export och e-handel",
                                     "Rekrytering och kompetensförsörjning"], ["6", "11"], [])]}


def test_libreoffice_s_copy_reverses_label_words_and_point_formats() -> None:
    """NIS 6.0's Diagram 2 (32 companies, labels "2,5 → 4" from the workbook's cells) keeps
    each label's words, each label's and each bar's index with its own bar in the copy."""
    data = render_bytes(slutrapport.load(slutrapport.example_path()))
    before, after = (_chart(d, "word/charts/chart2.xml")
                     for d in (data, legends_for_libreoffice(data)))

    def by_point(space: etree._Element) -> dict[tuple[str | None, str | None], object]:
        out: dict[tuple[str | None, str | None], object] = {}
        for ser in space.iter(f"{C}ser"):
            name = ser.findtext(f"{C}tx//{C}v")
            names = {p.get("idx"): p.findtext(f"{C}v")
                     for p in ser.iterfind(f"{C}cat//{C}pt")}
            words = {p.get("idx"): p.findtext(f"{C}v")
                     for p in ser.iterfind(f".//{C15}dlblRangeCache/{C}pt")}
            labels = {d.find(f"{C}idx").get("val") for d in ser.iterfind(f"{C}dLbls/{C}dLbl")}
            fills = {d.find(f"{C}idx").get("val"): etree.tostring(d.find(f"{C}spPr"))
                     for d in ser.iterfind(f"{C}dPt")}
            for idx, value in ((p.get("idx"), p.findtext(f"{C}v"))
                               for p in ser.iterfind(f"{C}val//{C}pt")):
                out[(name, names[idx])] = (value, words.get(idx), idx in labels, fills.get(idx))
        return out

    assert by_point(after) == by_point(before)
    assert [s.findtext(f"{C}tx//{C}v") for s in after.iter(f"{C}ser")] == ["okt-22", "2019"]


def test_a_document_without_such_a_chart_is_left_as_it_is() -> None:
    """A document with no chart that has a legend (here: no charts) is given back byte for
    byte."""
    data = render_bytes(slutrapport.load(slutrapport.example_path()), charts=False)
    assert legends_for_libreoffice(data) is data


def _legend_and_first_bars(pdf: Path, caption: str, names: list[str]) -> tuple[list[str],
                                                                                list[str]]:
    """The legend's names, left to right, and the first group's two bar labels, top to bottom,
    of the chart above ``caption`` in the PDF (``pdftotext -layout``)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    lines = text[:text.index(caption)].splitlines()
    legend_at = max(i for i, line in enumerate(lines) if sorted(line.split()) == sorted(names))
    after = [line.split() for line in lines[legend_at + 1:] if line.strip()]
    labels = [words[-1] for words in after[:3] if len(words) == 1 or words[-1][0].isdigit()]
    return lines[legend_at].split(), labels


@pytest.mark.libreoffice
@needs_office
def test_the_pdf_s_legend_reads_as_the_bars_and_the_table(tmp_path: Path) -> None:
    """In LibreOffice's PDF of NIS 7.0, Diagram 1's legend reads "Kvinnor Män", as the table's
    columns, and the first group's bars are Kvinnor's 14 above Män's 9."""
    pdf = tmp_path / "nis70.pdf"
    render_many([slutrapport.load(slutrapport.example_path("nis70"))], [pdf])
    assert _legend_and_first_bars(pdf, "Diagram 1:", ["Kvinnor", "Män"]) == (
        ["Kvinnor", "Män"], ["14", "9"])
