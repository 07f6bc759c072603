"""Every Word file (and register workbook) slutrapport writes is valid OOXML, read as Word would.

An independent validator (openxml-audit, pure Python, against the Office 2016 schemas and
semantic rules) reads each kind of document the suite renders: the three examples with Word
charts, charts as pictures, a reordered outline, a wide table on a landscape page, a custom
template, the copy LibreOffice lays out for PDF (and PDF/A), the registers' workbooks, and the
README's first render with the contents filled in. Each must have 0 errors; a failure names the
part, the path in it and the rule broken (issue 19.1).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import docx
import pytest
from openxml_audit import FileFormat, OpenXmlValidator

import slutrapport
from slutrapport import office
from slutrapport._layoutcopy import layout_copy
from slutrapport.loader import from_data, read_yaml
from slutrapport.register_templates import write_registers
from slutrapport.rendering import render, render_bytes
from slutrapport.resources import default_template
from tests.test_word_document import _landscape_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def validator() -> OpenXmlValidator:
    """A validator for Office 2016 (the oldest Word whose compatibility mode 15 the files ask)."""
    return OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0)


def violations(validator: OpenXmlValidator, path: Path) -> list[str]:
    """Each error the validator finds: the part, the path in it, the rule and what it says."""
    result = validator.validate(path)
    return [f"{e.part_uri} {e.path} [{e.id or e.error_type.value}] {e.description}"
            for e in result.errors]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["nis60", "lappland20", "nis70"])
def test_each_example_with_word_charts_is_valid(validator: OpenXmlValidator, name: str,
                                                tmp_path: Path) -> None:
    """Each example rendered with Word charts (the contents left for Word) has no violation."""
    data = render_bytes(slutrapport.load(slutrapport.example_path(name)))
    assert violations(validator, _write(tmp_path, f"{name}.docx", data)) == []


def test_charts_as_pictures_are_valid(validator: OpenXmlValidator, tmp_path: Path) -> None:
    """NIS 6.0 with its charts as pictures (`--diagram bild`) has no violation."""
    data = render_bytes(slutrapport.load(slutrapport.example_path()), diagram="bild")
    assert violations(validator, _write(tmp_path, "bild.docx", data)) == []


def test_a_reordered_outline_is_valid(validator: OpenXmlValidator, tmp_path: Path) -> None:
    """Lappland's sections reversed, with a kind twice and a free text added, is valid."""
    raw, _ = read_yaml(FIXTURES / "lappland20.yaml")
    assert isinstance(raw, dict)
    raw.pop("register", None)
    sections: list[Any] = list(reversed(raw["avsnitt"]))
    again = copy.deepcopy(sections[0])
    again["id"] = "igen"
    sections += [again, {"typ": "text", "id": "egen", "rubrik": "Egen text", "text": "Text."}]
    raw["avsnitt"] = sections
    data = render_bytes(from_data(raw))
    assert violations(validator, _write(tmp_path, "omflyttad.docx", data)) == []


def test_a_landscape_table_is_valid(validator: OpenXmlValidator, tmp_path: Path) -> None:
    """A wide table on a landscape page between portrait pages has no violation."""
    data = render_bytes(_landscape_report())
    assert violations(validator, _write(tmp_path, "liggande.docx", data)) == []


def test_a_custom_template_is_valid(validator: OpenXmlValidator, tmp_path: Path) -> None:
    """A template of one's own, begun from the standard one, printing a chart, a figure and a
    table, is valid. (python-docx's own blank document is not: its stylesWithEffects part lacks
    styles that its styles part has; a template's defects are its author's.)"""
    template = tmp_path / "mall.docx"
    document = docx.Document(str(default_template()))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    document.add_heading("{{ projekt.namn }}", level=1)
    document.add_paragraph("Utfall: {{ ekonomi.utfall|kr }}")
    document.add_paragraph("{{ ekonomi.diagram.budget.bild }}")
    document.add_paragraph("{{ ekonomi.diagram.budget.bildtext }}")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Budget"
    table.rows[0].cells[1].text = "{{ ekonomi.budget|kr }}"
    document.save(template)
    data = render_bytes(slutrapport.load(slutrapport.example_path()), template=template)
    assert violations(validator, _write(tmp_path, "egen.docx", data)) == []


def test_the_copy_laid_out_for_pdf_is_valid(validator: OpenXmlValidator,
                                            tmp_path: Path) -> None:
    """The copy LibreOffice reads for a PDF or PDF/A, its long tables split, is valid too."""
    report = slutrapport.load(slutrapport.example_path())
    laid_out, splits = layout_copy(render_bytes(report), rows=5)
    assert splits  # the company table is long enough to be split
    assert violations(validator, _write(tmp_path, "kopia.docx", laid_out)) == []


def test_the_registers_workbooks_are_valid(validator: OpenXmlValidator, tmp_path: Path) -> None:
    """Each empty register `new --registers` writes is a valid workbook."""
    paths = write_registers(tmp_path / "register")
    assert {p.name: violations(validator, p) for p in paths} == {p.name: [] for p in paths}


@pytest.mark.libreoffice
@pytest.mark.skipif(not office.available(), reason="LibreOffice (soffice) saknas")
def test_the_readme_s_first_render_is_valid(validator: OpenXmlValidator,
                                            tmp_path: Path) -> None:
    """NIS 6.0 rendered as the README's first command does, contents filled in, is valid."""
    out = tmp_path / "nis60.docx"
    render(slutrapport.load(slutrapport.example_path()), out)
    assert violations(validator, out) == []


def test_no_leftovers_of_python_docx_s_template() -> None:
    """The font table names the text's, the bullets', the theme's and the macro text style's
    fonts (no Japanese ones), the body's styles and the charts Arial; the settings say
    compatibility mode 15 and claim no spelling check."""
    import io
    import re
    import zipfile

    data = render_bytes(slutrapport.load(slutrapport.example_path()))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith(".xml")}
    charts = "".join(v for k, v in text.items() if k.startswith("word/charts/"))
    assert (sorted(re.findall(r'<w:font w:name="([^"]+)"', text["word/fontTable.xml"])),
            set(re.findall(r'w:ascii="([^"]+)"', text["word/styles.xml"])) - {"Courier"},
            set(re.findall(r'<a:latin typeface="([^"]+)"', charts)),
            re.findall(r'compatibilityMode" w:uri="[^"]+" w:val="(\d+)"',
                       text["word/settings.xml"]),
            "proofState" in text["word/settings.xml"]) == (
        ["Arial", "Calibri", "Cambria", "Courier", "Symbol", "Times New Roman"], {"Arial"},
        {"Arial"},
        ["15"], False)
