"""`slutrapport template check`: a Word template uses only names that the data provides."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from slutrapport.cli import main
from slutrapport.errors import TemplateError
from slutrapport.models import Slutrapport
from slutrapport.resources import default_template
from slutrapport.templatecheck import TemplateFinding, check_template

BODY = "word/document.xml"


def make_template(folder: Path, paragraphs: list[str], footer: str | None = None) -> Path:
    """A Word template with one paragraph per string (and a footer), made with python-docx."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if footer is not None:
        doc.sections[0].footer.paragraphs[0].text = footer
    path = folder / "mall.docx"
    doc.save(str(path))
    return path


def errors(path: Path) -> list[TemplateFinding]:
    return [f for f in check_template(path) if f.severity == "error"]


def test_the_default_template_uses_only_names_the_data_provides() -> None:
    """The default template passes clean: no unknown name and no unused section."""
    result = CliRunner().invoke(main, ["template", "check"])
    assert (check_template(), result.exit_code, result.output) == (
        [], 0, f"{default_template()}: 0 okända namn, 0 avsnitt som mallen inte använder\n")


def test_a_misspelt_variable_is_named_with_the_nearest_correct_one(tmp_path: Path) -> None:
    """`{{ projket.namn }}` is an unknown variable; 'projekt' is suggested; exit 1."""
    path = make_template(tmp_path, ["Rapport för {{ projket.namn }}", "{{ ekonomi.rubrik }}"])
    assert errors(path) == [TemplateFinding(
        "okand-variabel", "error", BODY, "projket.namn", "projket",
        "Variabeln 'projket' finns inte i datat — menade du 'projekt'?", "projekt",
        "Rapport för {{ projket.namn }}")]
    result = CliRunner().invoke(main, ["template", "check", str(path)])
    assert (result.exit_code, result.output.splitlines()[:3]) == (1, [
        f"{path}: 1 okänt namn, 14 avsnitt som mallen inte använder",
        "  FEL   word/document.xml  projket.namn",
        "        Variabeln 'projket' finns inte i datat — menade du 'projekt'? "
        "(i stycket «Rapport för {{ projket.namn }}»)",
    ])


def test_fields_filters_and_tests_that_do_not_exist_are_each_named(tmp_path: Path) -> None:
    """An unknown field, filter and test each get a finding with the nearest correct name."""
    path = make_template(tmp_path, [
        "{{ projekt.kortnamm }}",
        "{{ ekonomi.budget|krr }} {{ ekonomi.utfall|procnet }} {{ ekonomi.utfall|kr }}",
        "{% if ekonomi.budget is nonee %}–{% endif %}",
        "{{ projekt.projektagare }} {{ projekt.rapporttyp|lower }}",
    ])
    assert [(f.code, f.expression, f.suggestion) for f in errors(path)] == [
        ("okant-falt", "projekt.kortnamm", "kortnamn"),
        ("okant-filter", "|krr", "kr"),
        ("okant-filter", "|procnet", "procent"),
        ("okant-test", "is nonee", "none"),
    ]


def test_loop_variables_resolve_against_an_element_of_their_list(tmp_path: Path) -> None:
    """`f.namn` in a loop over the companies is known, `f.namm` is not, and nor is `loop.indx`."""
    path = make_template(tmp_path, [
        "{%p for f in program_for_tillvaxt.effekt.foretag %}",
        "{{ loop.index }}. {{ f.namn }} {{ f.anstallda_fore|decimal }} {{ f.namm }}",
        "{{ loop.indx }}{% if loop.last %}.{% endif %}",
        "{%p endfor %}",
        "{%p for s in program_for_tillvaxt.steg %}",
        "{{p s.punkt.stycken('ListBullet') }}",
        "{{ s.fortsattning.ren }}",
        "{%p endfor %}",
        "{% set poster = ekonomi.kostnader %}{% for p in poster %}{{ p.kategori }}"
        "{{ p.markering }}{% endfor %}",
        "{{ loop.index }}",
    ])
    assert [(f.code, f.expression, f.suggestion) for f in errors(path)] == [
        ("okant-falt", "f.namm", "namn"),
        ("okant-falt", "loop.indx", "index"),
        ("okand-variabel", "loop.index", None),
    ]


def test_a_loop_over_something_that_is_not_a_list_is_named(tmp_path: Path) -> None:
    """Looping over a text is a finding; looping over an unknown list names the unknown field."""
    path = make_template(tmp_path, [
        "{% for x in projekt.namn %}{{ x }}{% endfor %}",
        "{% for k in projekt.kommunerr %}{{ k }}{% endfor %}",
    ])
    assert [(f.code, f.expression, f.message) for f in errors(path)] == [
        ("ej-lista", "projekt.namn", "'projekt.namn' är ingen lista att loopa över."),
        ("okant-falt", "projekt.kommunerr",
         "Fältet 'kommunerr' finns inte i 'projekt' — menade du 'kommuner'?"),
    ]


def test_optional_fields_the_example_leaves_empty_still_count_as_provided(tmp_path: Path) -> None:
    """Fields that are None in the example (a project owner, a group's name) are known."""
    path = make_template(tmp_path, [
        "{{ projekt.projektagare }}",
        "{% for g in program_for_tillvaxt.strategigrupper.grupper %}{{ g.namn }}{% endfor %}",
        "{% for w in program_for_tillvaxt.workshops.lista %}{{ w.organisation }}{% endfor %}",
        "{{ diagram.deltagare.bildtext }}",
    ])
    assert errors(path) == []


def test_headers_and_footers_are_checked_too(tmp_path: Path) -> None:
    """A misspelt name in the footer is named with the footer's part."""
    path = make_template(tmp_path, ["{{ projekt.namn }}"], footer="{{ projekt.kortnam }} – sida")
    assert [(f.part, f.expression, f.suggestion, f.context) for f in errors(path)] == [
        ("word/footer1.xml", "projekt.kortnam", "kortnamn", "{{ projekt.kortnam }} – sida")]


def test_sections_the_template_never_uses_are_listed_as_information(tmp_path: Path) -> None:
    """Every top-level section but the ones used is listed, with its Swedish description."""
    path = make_template(tmp_path, ["{{ projekt.namn }}", "{% if ekonomi %}{% endif %}",
                                    "{% for k in kommuner %}{% endfor %}"])
    unused = [f for f in check_template(path) if f.severity == "info"]
    expected = [name for name in Slutrapport.model_fields
                if name not in ("projekt", "ekonomi", "kommuner")]
    assert [(f.code, f.expression, f.message) for f in unused] == [
        ("oanvant-avsnitt", name,
         f"Mallen använder aldrig '{name}' ({Slutrapport.model_fields[name].description}).")
        for name in expected]


def test_a_file_that_is_not_a_word_document_exits_2(tmp_path: Path) -> None:
    """A text file named .docx, or a missing file, is unusable input (exit 2)."""
    fake = tmp_path / "mall.docx"
    fake.write_text("inte en Word-fil", encoding="utf-8")
    runner = CliRunner()
    results = [runner.invoke(main, ["template", "check", str(p)])
               for p in (fake, tmp_path / "saknas.docx")]
    assert [(r.exit_code, r.output.split(" (")[0]) for r in results] == [
        (2, f"TemplateError: {fake}: mallen kan inte läsas som ett Word-dokument"),
        (2, f"TemplateError: {tmp_path / 'saknas.docx'}: mallen finns inte\n"),
    ]


def test_a_malformed_tag_is_unusable_input(tmp_path: Path) -> None:
    """An unclosed tag raises TemplateError naming the part and the paragraph."""
    path = make_template(tmp_path, ["{{ projekt.namn }}", "{% if ekonomi %}utan slut"])
    with pytest.raises(TemplateError) as caught:
        check_template(path)
    assert str(caught.value).split(":")[0] == BODY
