"""A second, consistent example report: it checks clean and every figure reaches the document."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from docx import Document
from ruamel.yaml import YAML

from slutrapport.checks import check
from slutrapport.formatting import format_decimal, format_integer
from slutrapport.loader import load
from slutrapport.models import Ekonomi, Foretagsprogram, Slutrapport
from slutrapport.rendering import render_bytes
from slutrapport.schema import json_schema
from tests.modelwalk import figures

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "lappland20.yaml"


@pytest.fixture(scope="module")
def report() -> Slutrapport:
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def document_text(report: Slutrapport) -> str:
    """All text of the rendered report: body, tables, headers and footers, spaces unified."""
    doc = Document(io.BytesIO(render_bytes(report, charts=False)))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
        parts.extend(p.text for p in section.header.paragraphs)
    return re.sub(r"[\u00a0\u202f]", " ", "\n".join(parts))


def shown(value: int | Decimal) -> str:
    """A figure as the report prints it, with ordinary spaces."""
    text = format_integer(value) if isinstance(value, int) else format_decimal(value,
                                                                               max_decimals=2)
    return re.sub(r"[\u00a0\u202f]", " ", text).replace("\u2212", "−")


def test_the_second_example_checks_clean_but_for_the_indicators(report: Slutrapport) -> None:
    """Only the three indicators with targets are reported, as information."""
    assert [(f.code, f.severity, f.path, f.line, f.message) for f in check(report)] == [
        ("indikator-uppfyllt", "info", "resultat.indikatorer[0].utfall", 187,
         "Nådda företag: 214 företag mot målvärdet 180 företag — uppfyllt."),
        ("indikator-ej-uppfyllt", "info", "resultat.indikatorer[2].utfall", 197,
         "Nya arbetstillfällen i programföretagen: 14,5 heltidstjänster mot målvärdet "
         "20 heltidstjänster — inte uppfyllt."),
        ("indikator-uppfyllt", "info", "resultat.indikatorer[3].utfall", 203,
         "Nya produkter och tjänster: 31 st. mot målvärdet 25 st. — uppfyllt."),
    ]


def test_the_second_example_differs_in_size_from_nis(report: Slutrapport) -> None:
    """Three municipalities, four financiers, nine cost categories, twelve companies."""
    p, e = report.section("program_for_tillvaxt"), report.section("ekonomi")
    assert isinstance(p, Foretagsprogram) and isinstance(e, Ekonomi)
    assert (len(report.projekt.kommuner), len(e.finansiering), len(e.kostnader),
            len(p.effekt.foretag), p.strategigrupper, report.section("pandemin")) == (
        3, 4, 9, 12, None, None)


def test_every_figure_of_the_second_example_appears_in_the_document(
    report: Slutrapport, document_text: str
) -> None:
    """Each figure in the data is printed somewhere, in a table or through a figure link."""
    missing = {
        loc: shown(value) for loc, value in figures(report).items()
        if not re.search(rf"(?<!\d )(?<![\d,]){re.escape(shown(value))}(?!\d|,\d)",
                         document_text)
    }
    assert (len(figures(report)), missing) == (83, {})


def test_the_second_example_validates_against_the_schema() -> None:
    """The example file, read with a safe YAML loader, has no schema errors."""
    data = YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(json_schema()).iter_errors(data)]
    assert errors == []
