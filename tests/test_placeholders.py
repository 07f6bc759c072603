"""Empty frames for Word charts in the copy LibreOffice only counts pages in (issue 25.3).

For a .docx, LibreOffice only fills in the contents' page numbers, and a chart only has to take
its room: the copy it opens gets an empty frame of the chart's size in place of each chart
(``layout_copy(placeholders=True)``). The page numbers it finds must be the PDF's, where the
charts are drawn: compared here for the three examples and a report of 1 000 company rows.
"""

from __future__ import annotations

import copy
import io
import os
import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import slutrapport
from slutrapport import office
from slutrapport._layoutcopy import OVERLAP_ROWS, PART_ROWS, PDF_PART_ROWS, layout_copy
from slutrapport.document import render_bytes
from slutrapport.loader import read_yaml

slow = pytest.mark.skipif(os.environ.get("SLUTRAPPORT_SLOW") != "1",
                          reason="långsamt: sätt SLUTRAPPORT_SLOW=1")
needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


def _document(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


def test_each_word_chart_becomes_an_empty_frame_of_its_size_and_nothing_else_changes() -> None:
    """The copy has no chart graphic left, a picture frame for each in the same drawing (its
    extent, description and place kept), and is otherwise the document as rendered."""
    docx = render_bytes(slutrapport.load(slutrapport.example_path("nis60")))
    copy_, splits = layout_copy(docx, placeholders=True)
    before, after = _document(docx), _document(copy_)
    chart = re.compile(r'<a:graphicData uri="http://schemas\.openxmlformats\.org/drawingml/2006/'
                       r'chart"><c:chart [^>]*/></a:graphicData>')
    frame = ('<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
             '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><pic:nvPicPr>'
             '<pic:cNvPr id="0" name="diagram"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
             '<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
             '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
             '</a:graphicData>')
    assert (len(chart.findall(before)), splits, chart.sub(frame, before) == after,
            "drawingml/2006/chart\"" in after) == (4, [], True, False)


def test_without_placeholders_or_charts_the_copy_is_the_document_itself() -> None:
    """For a PDF (no placeholders), or a document without charts, the bytes are unchanged."""
    report = slutrapport.load(slutrapport.example_path("nis60"))
    with_charts, without = render_bytes(report), render_bytes(report, charts=False)
    assert (layout_copy(with_charts)[0] == with_charts,
            layout_copy(without, placeholders=True)[0] == without) == (True, True)


def _rows(count: int) -> slutrapport.Slutrapport:
    """NIS 6.0 with ``count`` generated companies (their totals computed)."""
    data, _ = read_yaml(slutrapport.example_path("nis60"))
    data = copy.deepcopy(data)
    programme = next(s for s in data["avsnitt"] if s.get("id") == "program_for_tillvaxt")
    rng = random.Random(7)
    companies: list[dict[str, Any]] = []
    for i in range(count):
        before = Decimal(rng.randint(0, 80)) / 2
        after = before + Decimal(rng.randint(0, 12)) / 2
        companies.append({"namn": f"Företag {i + 1:05d} AB", "anstallda_fore": before,
                          "anstallda_efter": after, "okning": after - before})
    programme["effekt"]["foretag"] = companies
    programme["effekt"].pop("summa", None)
    programme["effekt"].pop("okning_procent", None)
    programme.pop("foretag_slut", None)
    return slutrapport.from_data(data)


@needs_office
@pytest.mark.libreoffice
@pytest.mark.parametrize("which", ["nis60", "lappland20", "nis70",
                                   pytest.param("1000 rader", marks=[pytest.mark.slow, slow])])
def test_page_numbers_counted_with_placeholders_are_the_pdfs(which: str, tmp_path: Path) -> None:
    """The contents' page numbers (and the caption lists') LibreOffice finds with empty frames
    — also with the long tables' cells that only repeat their rows' height left out — are
    those it finds with the charts, and those of the PDF, where the charts are drawn (each
    compared on a copy with its long tables split alike)."""
    report = (_rows(1000) if which == "1000 rader"
              else slutrapport.load(slutrapport.example_path(which)))
    docx = render_bytes(report)
    copies = {"platshållare": layout_copy(docx, rows=PART_ROWS, placeholders=True),
              "platshållare, smala rader": layout_copy(docx, rows=PART_ROWS, placeholders=True,
                                                       slim=True),
              "diagram": layout_copy(docx, rows=PART_ROWS),
              "platshållare, delad som PDF": layout_copy(docx, rows=PDF_PART_ROWS,
                                                         overlap=OVERLAP_ROWS, placeholders=True),
              "pdf": layout_copy(docx, rows=PDF_PART_ROWS, overlap=OVERLAP_ROWS)}
    with office.OfficePool(1, documents=tmp_path) as pool:
        for n, (key, (data, splits)) in enumerate(copies.items()):
            (tmp_path / f"{n}.docx").write_bytes(data)
            pool.submit(key, office.OfficeJob(
                tmp_path / f"{n}.docx", tmp_path / "r.pdf" if key == "pdf" else None, False,
                [s.as_dict() for s in splits]))
        answers = dict(pool.results())
    found = {key: (a.entries, a.lists, a.pages) if isinstance(a, office.OfficeResult) else a
             for key, a in answers.items()}
    assert (found["platshållare"], found["platshållare, smala rader"],
            found["platshållare, delad som PDF"]) == (found["diagram"], found["diagram"],
                                                      found["pdf"])


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _cell(text: str, *, width: int = 1417, style: str = "Tabelltal", run: str = "",
          cell: str = "", extra: str = "") -> str:
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{cell}</w:tcPr><w:p><w:pPr>'
            f'<w:pStyle w:val="{style}"/></w:pPr><w:r>{run}<w:t xml:space="preserve">{text}'
            f'</w:t></w:r>{extra}</w:p></w:tc>')


SLIM_ROWS = {
    "vanlig rad": (_cell("Företag AB", width=4819, style="Tabelltext")
                   + _cell("12,5") + _cell("−3")),
    "för bred text": (_cell("Företag AB", width=4819, style="Tabelltext")
                      + _cell("12,5") + _cell("en text som inte ryms på en rad")),
    "större stil": (_cell("Företag AB", width=4819, style="Tabelltext")
                    + _cell("12,5") + _cell("7", run='<w:rPr><w:sz w:val="28"/></w:rPr>')),
    "fet text bara sist": (_cell("Företag AB", width=4819, style="Tabelltext")
                           + _cell("12,5") + _cell("7", run="<w:rPr><w:b/></w:rPr>")),
    "egna marginaler": (_cell("Företag AB", width=4819, style="Tabelltext")
                        + _cell("12,5") + _cell("7", cell='<w:tcMar><w:top w:w="400" '
                                                'w:type="dxa"/></w:tcMar>')),
    "radbrytning": (_cell("Företag AB", width=4819, style="Tabelltext")
                    + _cell("12,5") + _cell("7", extra="<w:r><w:br/></w:r>")),
    "två stycken": (_cell("Företag AB", width=4819, style="Tabelltext") + _cell("12,5")
                    + _cell("7").replace("</w:p></w:tc>", "</w:p><w:p/></w:tc>")),
}
"""Rows of a long table, each with a last cell of one kind: a plain one-line figure (it goes,
and so does the one before it), and each thing that keeps the last cell (and so the row)."""


def test_a_long_tables_cells_that_only_repeat_their_rows_height_are_left_out_and_no_others(
) -> None:
    """In the page-number copy (slim), a row keeps its first cell and loses the one-line plain
    cells at its end; a cell whose text is too wide, whose size, weight or margins differ, that
    breaks a line or holds two paragraphs is kept, and the row with it."""
    docx = render_bytes(slutrapport.load(slutrapport.example_path("lappland20")), charts=False)
    filler = SLIM_ROWS["vanlig rad"]
    rows = [filler] * 400 + list(SLIM_ROWS.values()) + [filler] * 400
    body = (f'<w:document xmlns:w="{_W_NS}"><w:body><w:tbl><w:tblPr><w:tblW w:w="7653" '
            'w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid><w:gridCol '
            'w:w="4819"/><w:gridCol w:w="1417"/><w:gridCol w:w="1417"/></w:tblGrid>'
            + "".join(f"<w:tr>{row}</w:tr>" for row in rows)
            + "</w:tbl><w:p/></w:body></w:document>")
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for info in source.infolist():
            package.writestr(info, body.encode() if info.filename == "word/document.xml"
                             else source.read(info))
    copy_, splits = layout_copy(out.getvalue(), rows=PART_ROWS, placeholders=True, slim=True)
    cells = [row.count("<w:tc>") for row in re.findall(r"<w:tr>.*?</w:tr>", _document(copy_))]
    assert (len(splits), cells[:400] == [1] * 400,
            dict(zip(SLIM_ROWS, cells[400:407], strict=True))) == (
        1, True, {"vanlig rad": 1, "för bred text": 3, "större stil": 3,
                  "fet text bara sist": 3, "egna marginaler": 3, "radbrytning": 3,
                  "två stycken": 3})
