"""What LibreOffice makes of the document: references and lists filled in, lists restarting, a
landscape page, and a tagged PDF or a PDF/A-2b with every font embedded."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from slutrapport import office
from slutrapport.loader import from_data
from slutrapport.rendering import render, render_many
from tests.docxread import outline
from tests.test_word_document import TWO_LISTS, _landscape_report
from tests.wordxml import PROJEKT, ekonomi

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")
pytestmark = [pytest.mark.libreoffice, needs_office]


def _report() -> Any:
    """Two economies, the one referred to last; lists of tables and charts; two lists."""
    intro = {"typ": "text", "id": "inledning", "rubrik": "Inledning",
             "text": "Se [](ref:diagram.ekonomi.kostnader) och [](ref:tabell.ekonomi.kostnader)."
                     "\n\n" + TWO_LISTS}
    return from_data({"projekt": PROJEKT,
                      "rubriker": {"tabellforteckning": "Tabeller",
                                   "diagramforteckning": "Diagram"},
                      "avsnitt": [intro, ekonomi("tidig", "Tidig ekonomi"), ekonomi("ekonomi")]})


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report as .docx and .pdf, the wide table as .pdf (one LibreOffice start), and the
    report as PDF/A (another)."""
    folder = tmp_path_factory.mktemp("word")
    paths = {name: folder / name for name in ("rapport.docx", "rapport.pdf", "bred.pdf",
                                                "arkiv.pdf")}
    render_many([_report(), _report(), _landscape_report()],
                [paths["rapport.docx"], paths["rapport.pdf"], paths["bred.pdf"]])
    render(_report(), paths["arkiv.pdf"], pdfa=True)
    return paths


def _pdf_lines(path: Path, page: int | None = None) -> list[str]:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True,
                          check=True, text=True).stdout
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_the_word_file_has_its_lists_of_tables_and_charts_filled_in(
        rendered: dict[str, Path]) -> None:
    """After the contents, each list holds its captions with page numbers, in Word's style."""
    lines = [line for line in outline(rendered["rapport.docx"].read_bytes()).splitlines()
             if line.startswith("[TableofFigures]")]
    assert [re.sub(r"\t\d+$", "\tN", line) for line in lines] == [
        "[TableofFigures] Tabell 1: Kostnader per kostnadsslag (kr)\tN",
        "[TableofFigures] Tabell 2: Finansiering per finansiär (kr)\tN",
        "[TableofFigures] Tabell 3: Kostnader per kostnadsslag (kr)\tN",
        "[TableofFigures] Tabell 4: Finansiering per finansiär (kr)\tN",
        "[TableofFigures] Diagram 1: Budget och utfall\tN",
        "[TableofFigures] Diagram 2: Kostnader per kostnadsslag\tN",
        "[TableofFigures] Diagram 3: Budget och utfall\tN",
        "[TableofFigures] Diagram 4: Kostnader per kostnadsslag\tN",
    ]


def test_libreoffice_keeps_the_references_and_restarts_the_second_list(
        rendered: dict[str, Path]) -> None:
    """In the PDF the references read the later economy's numbers and both lists count 1, 2."""
    lines = _pdf_lines(rendered["rapport.pdf"])
    start = lines.index("Inledning")  # the heading (the contents' line has its page too)
    assert lines[start:start + 7] == [
        "Inledning", "Se Diagram 4 och Tabell 3.", "1. Första", "2. Andra", "Mellan listorna.",
        "1. Ett igen", "2. Två igen"]


def test_the_wide_table_is_on_the_one_landscape_page(rendered: dict[str, Path]) -> None:
    """Exactly one page is landscape, and it is the one with the wide table's caption."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(rendered["bred.pdf"])],
                          capture_output=True, check=True, text=True).stdout
    sizes = [(float(w), float(h)) for w, h in
             re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    landscape = [n for n, (w, h) in enumerate(sizes, 1) if w > h]
    assert (len(landscape), "Tabell 1: Företag per kommun och år" in
            _pdf_lines(rendered["bred.pdf"], landscape[0] if landscape else 1)) == (1, True)


def _meta(path: Path) -> etree._Element:
    xmp = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, check=True).stdout
    return etree.fromstring(xmp[xmp.index(b"<x:xmpmeta"):xmp.rindex(b"</x:xmpmeta>") + 12])


def test_pdfa_declares_pdfa_2b_and_embeds_every_font(rendered: dict[str, Path]) -> None:
    """The XMP says part 2, conformance B; pdffonts marks every font embedded."""
    pdfaid = "{http://www.aiim.org/pdfa/ns/id/}"
    meta = _meta(rendered["arkiv.pdf"])
    fonts = subprocess.run(["pdffonts", str(rendered["arkiv.pdf"])], capture_output=True,
                           check=True, text=True).stdout.splitlines()[2:]
    embedded = {re.split(r"\s{2,}|\s(?=yes|no)", row.strip())[0]: row.split()[-5]
                for row in fonts}
    assert ((meta.findtext(f".//{pdfaid}part"), meta.findtext(f".//{pdfaid}conformance")),
            len(embedded) > 0, sorted(set(embedded.values()))) == (("2", "B"), True, ["yes"])


def test_every_pdf_is_tagged_with_the_title_and_language(rendered: dict[str, Path]) -> None:
    """Tagged for screen readers, with the document's title, in the PDF and the PDF/A alike."""
    seen = []
    for name in ("rapport.pdf", "arkiv.pdf"):
        info = subprocess.run(["pdfinfo", str(rendered[name])], capture_output=True,
                              check=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        catalog = rendered[name].read_bytes()
        seen.append((fields["Tagged"].strip(), fields["Title"].strip(),
                     b"/Lang(sv-SE)" in catalog))
    assert seen == [("yes", "P – Slutrapport", True)] * 2
