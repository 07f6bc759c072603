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
