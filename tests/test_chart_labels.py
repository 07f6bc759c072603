"""A chart's labels follow its workbook's cells, as Word's "value from cells" does (issue 19.3).

A label with words around its figure ("1 466 (49,7 %)", "19 → 25") is a rich text of two fields:
the figure, from the series' value cell, and the words, from the series' label column in the
embedded workbook (``c15:datalabelsRange``, with the words cached). Editing the workbook and the
chart's cached values as Word does after "Redigera data" changes the labels with them; the
figure is no longer text inside a number format. LibreOffice draws the same texts in the PDF.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

import slutrapport
from slutrapport import office
from slutrapport.chartfacts import in_order
from slutrapport.rendering import render_bytes, render_many

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
C15 = "{http://schemas.microsoft.com/office/drawing/2012/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


@pytest.fixture(scope="module")
def nis() -> slutrapport.Slutrapport:
    return slutrapport.load(slutrapport.example_path())


@pytest.fixture(scope="module")
def nis_docx(nis: slutrapport.Slutrapport) -> bytes:
    return render_bytes(nis)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _workbook_of(members: dict[str, bytes], chart: str) -> str:
    rels = etree.fromstring(members[chart.replace("charts/", "charts/_rels/") + ".rels"])
    target = rels[0].get("Target", "")
    return "word/" + target.removeprefix("../")


def label_words(space: etree._Element) -> dict[int, list[tuple[int, list[str]]]]:
    """Each series' labelled points: the order of its label's parts (VALUE, CELLRANGE or the
    literal text between them)."""
    out: dict[int, list[tuple[int, list[str]]]] = {}
    for k, ser in enumerate(space.iter(f"{C}ser")):
        for dlbl in ser.iterfind(f"{C}dLbls/{C}dLbl"):
            paragraph = dlbl.find(f"{C}tx/{C}rich/{A}p")
            if paragraph is None:
                continue
            parts = [el.get("type", "") if el.tag == f"{A}fld" else el.findtext(f"{A}t", "")
                     for el in paragraph if el.tag in (f"{A}fld", f"{A}r")]
            out.setdefault(k, []).append((int(dlbl.find(f"{C}idx").get("val", "")), parts))
    return out


def test_labels_with_words_are_a_figure_field_and_a_cell_range(nis_docx: bytes) -> None:
    """Diagram 1's labels are "[VALUE] [CELLRANGE]" over Blad1!C2:C3, whose cells and cache hold
    the shares; Diagram 2's okt-22 labels read "[CELLRANGE] [VALUE]" (the 2019 figure first)."""
    members = _members(nis_docx)
    space = etree.fromstring(members["word/charts/chart1.xml"])
    assert label_words(space) == {0: [(0, ["VALUE", " ", "CELLRANGE"]),
                                      (1, ["VALUE", " ", "CELLRANGE"])]}
    ranges = space.find(f".//{C}ser/{C}extLst/{C}ext/{C15}datalabelsRange")
    assert ranges is not None
    assert ranges.findtext(f"{C15}f") == "Blad1!$C$2:$C$3"
    cached = [v.text for v in ranges.iter(f"{C}v")]
    sheet = openpyxl.load_workbook(
        io.BytesIO(members[_workbook_of(members, "word/charts/chart1.xml")])).active
    assert sheet is not None
    assert (sheet.title, [[c.value for c in row] for row in sheet.iter_rows()]) == (
        "Blad1", [[None, "Deltagare", "Etikett Deltagare"], ["Kvinnor", 1466, "(49,7\u00a0%)"],
                  ["Män", 1483, "(50,3\u00a0%)"]])
    assert cached == ["(49,7\u00a0%)", "(50,3\u00a0%)"]
    employees = label_words(etree.fromstring(members["word/charts/chart2.xml"]))
    assert {part for _, parts in employees[1] for part in [tuple(parts)]} == {
        ("CELLRANGE", " ", "VALUE")}
    # the label's number format is the figure's alone: nothing of the words is baked in
    formats = {f.get("formatCode") for f in space.iterfind(f".//{C}dLbl/{C}numFmt")}
    assert formats == {"[$-41D]#,##0"}


def edited_like_word(data: bytes, value: int, words: str) -> bytes:
    """The document after "Redigera data" on Diagram 1 in Word: the women's count and label
    cell changed in the workbook, and the chart's cached value and cached words with them."""
    members = _members(data)
    book_name = _workbook_of(members, "word/charts/chart1.xml")
    book = openpyxl.load_workbook(io.BytesIO(members[book_name]))
    sheet = book.active
    assert sheet is not None
    sheet["B2"], sheet["C2"] = value, words
    saved = io.BytesIO()
    book.save(saved)
    members[book_name] = saved.getvalue()
    space = etree.fromstring(members["word/charts/chart1.xml"])
    ser = space.find(f".//{C}ser")
    assert ser is not None
    ser.find(f"{C}val/{C}numRef/{C}numCache/{C}pt[@idx='0']/{C}v").text = str(value)
    ser.find(f".//{C15}dlblRangeCache/{C}pt[@idx='0']/{C}v").text = words
    members["word/charts/chart1.xml"] = etree.tostring(space, xml_declaration=True,
                                                       encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return out.getvalue()


def _bare(text: str) -> str:
    """Text without its spaces: pdftotext reads a no-break space as a space, and the narrow
    gaps of a small label's arrow ("4 → 8") as none."""
    return "".join(text.split())


def _pdf_text(pdf: Path) -> str:
    """The PDF's text, without spaces (see :func:`_bare`)."""
    return _bare(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                                text=True).stdout)


@pytest.mark.libreoffice
@needs_office
def test_an_edit_in_the_workbook_changes_the_label_in_the_pdf(nis_docx: bytes,
                                                              tmp_path: Path) -> None:
    """After Word's kind of edit (1 466 → 1 500, the share's cell → 50,0 %), LibreOffice draws
    "1 500 (50,0 %)": the figure and the words both follow the cells."""
    docx = tmp_path / "redigerad.docx"
    docx.write_bytes(edited_like_word(nis_docx, 1500, "(50,0\u00a0%)"))
    pdf = tmp_path / "redigerad.pdf"
    office.run_office([docx], [pdf])
    text = _pdf_text(pdf)
    assert (_bare("1 500 (50,0 %)") in text, _bare("1 466 (49,7 %)") in text) == (True, False)


@pytest.mark.libreoffice
@needs_office
def test_the_pdf_shows_every_chart_label(nis: slutrapport.Slutrapport, tmp_path: Path) -> None:
    """Every label of NIS 6.0's four charts stands in LibreOffice's PDF as the chart draws it."""
    pdf = tmp_path / "nis60.pdf"
    render_many([nis], [pdf])
    text = _pdf_text(pdf)
    labels = [_bare(bars.label(series, i)) for _, _, bars, _ in in_order(nis.avsnitt)
              for series in bars.series for i in range(len(series.values))]
    labels = [label for label in labels if label]
    assert len(labels) == 2 + 32 + 2 + 5  # shares, companies, budget and outcome, costs
    assert [label for label in labels if label not in text] == []
