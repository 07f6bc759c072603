"""The third example, NIS 7.0 in 2021–2027 form: it checks clean and renders to Word and PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from docx import Document
from ruamel.yaml import YAML

import slutrapport
from slutrapport import office
from slutrapport.checks import check
from slutrapport.formatting import format_decimal, format_integer
from slutrapport.models import Slutrapport
from slutrapport.rendering import render, render_bytes
from slutrapport.schema import json_schema
from tests.docxread import outline
from tests.modelwalk import figures

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "nis70.yaml"

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


@pytest.fixture(scope="module")
def report() -> Slutrapport:
    return slutrapport.load(EXAMPLE)


@pytest.fixture(scope="module")
def docx(report: Slutrapport) -> bytes:
    return render_bytes(report, charts=False)


def spaces(text: str) -> str:
    """Text with no-break and thin spaces as ordinary ones."""
    return re.sub(r"[\u00a0\u202f]", " ", text)


# The tables as a reader sees them: every figure in Swedish form, the sums bold at the foot.
PROGRAMME_ROWS = [
    "| Insats | Kommun | Tillfällen | Timmar | Kvinnor | Män | Totalt |",
    "| Digital marknadsföring | Robertsfors | 6 | 18 | 14 | 9 | 23 |",
    "| Digital marknadsföring | Vännäs | 6 | 18 | 17 | 8 | 25 |",
    "| Ledarskap i det lilla företaget | Vindeln | 8 | 24 | 9 | 13 | 22 |",
    "| Ekonomistyrning och prissättning | Bjurholm | 5 | 12,5 | 8 | 6 | 14 |",
    "| Hållbarhet i praktiken (digitalt) |  | 4 | 8 | 21 | 17 | 38 |",
    "| Rekrytering och kompetensförsörjning | Vännäs | 4 | 10 | 11 | 12 | 23 |",
    "| Export och e-handel | Robertsfors | 5 | 15 | 6 | 10 | 16 |",
    "| Summa |  | 38 | 105,5 | 86 | 75 | 161 |",
    "| Andel |  |  |  | 53,4 % | 46,6 % | 100 % |",
]
COMPANY_ROWS = [
    "| Kommun | Tillverkning | Handel | Besöksnäring | Tjänster och övrigt | Totalt | "
    "Andel av alla |",
    "| Robertsfors | 24 | 11 | 9 | 20 | 64 | 29,9 % |",
    "| Vindeln | 17 | 9 | 14 | 15 | 55 | 25,7 % |",
    "| Vännäs | 12 | 21 | 8 | 22 | 63 | 29,4 % |",
    "| Bjurholm | 9 | 5 | 6 | 12 | 32 | 15,0 % |",
    "| Summa | 62 | 46 | 37 | 69 | 214 | 100 % |",
]
ACTIVITY_INDICATOR_ROWS = [
    "| Indikator | Utfall | Målvärde | Uppfyllt |",
    "| RCO01 Företag som får stöd | 214 företag | 180 företag | Ja |",
    "| RCO04 Företag som får icke-finansiellt stöd | 168 företag | 150 företag | Ja |",
    "| Deltagare i Kompetenslyftet | 161 deltagare | 150 deltagare | Ja |",
]
PARTICIPANT_ROWS = [
    "| Deltagare | Antal | Andel |",
    "| Kvinnor | 1 284 | 51,8 % |",
    "| Män | 1 197 | 48,2 % |",
    "| Totalt | 2 481 | 100 % |",
]


def test_the_third_example_checks_with_information_only(report: Slutrapport) -> None:
    """Only the pictures it uses (three logos, the goal tree) and the five indicators with
    targets are reported, as information."""
    assert [(f.code, f.severity, f.path, f.line, f.message) for f in check(report)] == [
        ("bild", "info", "projekt.logotyper[0].fil", 44,
         "Bilden bilder/logo-nis70.png (PNG, 496 × 165 bildpunkter) används."),
        ("bild", "info", "projekt.logotyper[1].fil", 46,
         "Bilden bilder/logo-vannas.png (PNG, 496 × 165 bildpunkter) används."),
        ("bild", "info", "projekt.logotyper[2].fil", 48,
         "Bilden bilder/logo-region.png (PNG, 496 × 165 bildpunkter) används."),
        ("bild", "info", "arbetssatt.text", 86,
         "Bilden bilder/nis70-maltrad.png (PNG, 1259 × 787 bildpunkter) används."),
        ("indikator-uppfyllt", "info", "resultat.indikatorer[0].utfall", 238,
         "Företag som får stöd: 214 företag mot målvärdet 180 företag — uppfyllt."),
        ("indikator-uppfyllt", "info", "resultat.indikatorer[1].utfall", 246,
         "Företag som får icke-finansiellt stöd: 168 företag mot målvärdet 150 företag — "
         "uppfyllt."),
        ("indikator-uppfyllt", "info", "resultat.indikatorer[2].utfall", 253,
         "Arbetstillfällen som skapats i de stödda företagen: 38,5 årsarbeten mot målvärdet "
         "35 årsarbeten — uppfyllt."),
        ("indikator-ej-uppfyllt", "info", "resultat.indikatorer[3].utfall", 260,
         "Små och medelstora företag som inför produkt- eller processinnovationer: 27 företag "
         "mot målvärdet 30 företag — inte uppfyllt."),
        ("indikator-uppfyllt", "info", "resultat.indikatorer[4].utfall", 266,
         "Deltagare i Kompetenslyftet: 161 deltagare mot målvärdet 150 deltagare — uppfyllt."),
    ]


def test_the_outline_follows_the_e_service_without_pandemic_or_company_programme(
        report: Slutrapport) -> None:
    """Sections in Tillväxtverket's order, with a participant programme and a general table."""
    assert [(s.TYP, s.name, getattr(s, "rubrik", None)) for s in report.avsnitt] == [
        ("text", "overgripande", "Övergripande uppgifter om projektet"),
        ("text", "arbetssatt", "Arbetssätt och organisation"),
        ("aktiviteter", "aktiviteter", "Aktiviteter"),
        ("deltagarprogram", "kompetenslyft", "Kompetenslyft för små företag"),
        ("horisontella_principer", "horisontella_principer", "Horisontella principer"),
        ("indikatorer", "resultat", "Projektets resultat"),
        ("tabell", "foretag_per_kommun", "Företag som deltagit per kommun och bransch"),
        ("text", "spridning", "Spridning av resultatet"),
        ("text", "efter_projektet", "Efter projektets slut"),
        ("kommuner", "kommuner", "Projektets betydelse för den egna kommunen"),
        ("ekonomi", "ekonomi", "Ekonomi"),
    ]


def test_the_third_example_is_four_municipalities_with_both_kinds_of_indicator(
        report: Slutrapport) -> None:
    """Four NIS municipalities with a story each; activity and result indicators with EU codes."""
    resultat = report.section("resultat")
    kommuner = report.section("kommuner")
    assert (report.projekt.kommuner, [k.namn for k in kommuner.kommuner],  # type: ignore[union-attr]
            [(i.slag, i.kod) for i in resultat.indikatorer]) == (  # type: ignore[union-attr]
        ["Robertsfors", "Vindeln", "Vännäs", "Bjurholm"],
        ["Robertsfors", "Vindeln", "Vännäs", "Bjurholm"],
        [("aktivitetsindikator", "RCO01"), ("aktivitetsindikator", "RCO04"),
         ("resultatindikator", "RCR01"), ("resultatindikator", "RCR03"),
         ("aktivitetsindikator", None)],
    )


def test_the_word_document_holds_the_tables_rows_in_swedish_form(docx: bytes) -> None:
    """The programme, company and participant tables, whole rows, in the document's order."""
    lines = spaces(outline(docx)).splitlines()
    start = {rows[0]: lines.index(rows[0]) for rows in (PROGRAMME_ROWS, COMPANY_ROWS,
                                                        PARTICIPANT_ROWS)}
    assert [lines[start[rows[0]]:start[rows[0]] + len(rows)]
            for rows in (PROGRAMME_ROWS, PARTICIPANT_ROWS, COMPANY_ROWS)] == [
        PROGRAMME_ROWS, PARTICIPANT_ROWS, COMPANY_ROWS]
    assert start[PROGRAMME_ROWS[0]] < start[PARTICIPANT_ROWS[0]] < start[COMPANY_ROWS[0]]


def test_the_headings_are_the_outline_and_each_principle_and_municipality(docx: bytes) -> None:
    """Every first- and second-level heading of the rendered report, in order."""
    headings = [line for line in outline(docx).splitlines()
                if line.startswith(("[Heading1]", "[Heading2]"))]
    assert headings == [
        "[Heading1] Övergripande uppgifter om projektet",
        "[Heading1] Arbetssätt och organisation",
        "[Heading2] Projektorganisation", "[Heading2] Styrgrupp",
        "[Heading2] Samverkan med andra aktörer",
        "[Heading1] Aktiviteter",
        "[Heading2] Företagsbesök och behovsanalys", "[Heading2] Näringslivsträffar och branschråd",
        "[Heading2] Nätverk för företagande kvinnor",
        "[Heading2] Samordning med regionala företagsfrämjare",
        "[Heading1] Kompetenslyft för små företag",
        "[Heading1] Horisontella principer",
        "[Heading2] Jämställdhet mellan kvinnor och män",
        "[Heading2] Lika möjligheter och icke-diskriminering", "[Heading2] Hållbar utveckling",
        "[Heading1] Projektets resultat",
        "[Heading1] Företag som deltagit per kommun och bransch",
        "[Heading1] Spridning av resultatet",
        "[Heading1] Efter projektets slut",
        "[Heading1] Projektets betydelse för den egna kommunen",
        "[Heading2] ROBERTSFORS", "[Heading2] VINDELN", "[Heading2] VÄNNÄS", "[Heading2] BJURHOLM",
        "[Heading1] Ekonomi",
    ]


def _shown(value: int | Decimal) -> str:
    text = format_integer(value) if isinstance(value, int) else format_decimal(value,
                                                                               max_decimals=2)
    return spaces(text)


def test_every_figure_of_the_third_example_appears_in_the_document(
        report: Slutrapport, docx: bytes) -> None:
    """Each figure in the data is printed somewhere, in a table or through a figure link."""
    doc = Document(io.BytesIO(docx))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    text = spaces("\n".join(parts))
    missing = {loc: _shown(value) for loc, value in figures(report).items()
               if not re.search(rf"(?<!\d )(?<![\d,]){re.escape(_shown(value))}(?!\d|,\d)", text)}
    assert missing == {}


def test_the_third_example_validates_against_the_schema() -> None:
    """The example file, read with a safe YAML loader, has no schema errors."""
    data = YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(json_schema()).iter_errors(data)]
    assert errors == []


def test_each_example_is_found_by_name() -> None:
    """nis60 by default, lappland20 and nis70 by name; an unknown name is refused in Swedish."""
    assert [slutrapport.example_path(n).name for n in (None, "nis60", "lappland20", "nis70")] == [
        "nis60.yaml", "nis60.yaml", "lappland20.yaml", "nis70.yaml"]
    assert slutrapport.example_path("nis70").read_bytes() == EXAMPLE.read_bytes()
    with pytest.raises(ValueError) as raised:
        slutrapport.example_path("nis80")
    assert str(raised.value) == ("exemplet 'nis80' finns inte; exemplen som finns: nis60, "
                                 "lappland20, nis70")


def _pdf_lines(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(spaces(line).split()) for line in text.splitlines()]


def _as_pdf_line(row: str) -> str:
    """A table row as pdftotext lays it out: its cells' words, single-spaced."""
    return " ".join(" ".join(row.strip("| ").split(" | ")).split())


@pytest.mark.libreoffice
@needs_office
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) saknas")
def test_the_third_example_renders_to_pdf_with_its_tables(report: Slutrapport,
                                                          tmp_path: Path) -> None:
    """The PDF shows the tables' rows (those that fit a line) with Swedish figures, in order.

    The activity indicators' table stands where LibreOffice 7.4 once broke it right after its
    header row at the foot of a page, and lost its rows: they must be there.
    """
    pdf = tmp_path / "nis70.pdf"
    assert render(report, pdf)[:5] == b"%PDF-"
    lines = _pdf_lines(pdf)
    wanted = [_as_pdf_line(row) for row in (
        *PROGRAMME_ROWS[1:3], PROGRAMME_ROWS[-3], *PROGRAMME_ROWS[-2:],
        *PARTICIPANT_ROWS[1:], *ACTIVITY_INDICATOR_ROWS[1:], *COMPANY_ROWS[1:])]
    found = [line for line in lines if line in wanted]
    assert found == wanted
    assert "Diagram 1: Deltagare per insats efter kön" in lines
