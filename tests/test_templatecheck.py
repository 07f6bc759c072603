"""`slutrapport template check`: a Word template uses only names that the data provides."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from slutrapport.cli import main
from slutrapport.errors import TemplateError
from slutrapport.kinds import kinds
from slutrapport.models import Slutrapport
from slutrapport.resources import default_template
from slutrapport.templatecheck import TemplateFinding, _sample_contexts, check_template

BODY = "word/document.xml"
TOP = ("{{ projekt.namn }} {{ rubriker.innehall }} "
       "{% for p in sammanfattning %}{{ p.ren }}{% endfor %}")
"""A paragraph that uses every top-level part, so that no test lists them as unused."""


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


def error(code: str, expression: str, name: str, message: str, suggestion: str | None,
          context: str) -> TemplateFinding:
    """A finding in the body of the template."""
    return TemplateFinding(code, "error", BODY, expression, name, message, suggestion, context)


def unplaced(*placed: str) -> list[TemplateFinding]:
    """The information that the template has no part for each kind but these."""
    return [TemplateFinding(
        "oanvand-typ", "info", "", typ, typ,
        f"Mallen har ingen del för avsnitt av typen '{typ}' ({kind.BESKRIVNING.rstrip('.')}): "
        f"testa a.typ == '{typ}' i loopen över avsnitt, eller använd avsnittets id.")
        for typ, kind in kinds().items() if typ not in placed]


def test_the_default_template_uses_only_names_the_data_provides() -> None:
    """The default template passes clean: no unknown name and no unused part or kind."""
    result = CliRunner().invoke(main, ["template", "check"])
    assert (check_template(), result.exit_code, result.output) == (
        [], 0, f"{default_template()}: 0 okända namn, 0 avsnitt som mallen inte använder\n")


def test_every_kind_gives_a_sample_whose_context_names_are_known() -> None:
    """Each registered kind yields a full and a minimal sample section with a context."""
    assert {typ: len(_sample_contexts(kind)) for typ, kind in kinds().items()} == {
        typ: 2 for typ in kinds()}


# --- the two ways to place sections ------------------------------------------------------------


def test_a_loop_over_the_outline_knows_each_kind_inside_its_typ_test(tmp_path: Path) -> None:
    """Fields, computed names and charts of a kind are known under `a.typ == …` (if, elif, in,
    else, a loop's if and selectattr); a template that places every kind is clean."""
    path = make_template(tmp_path, [
        TOP,
        "{%p for a in avsnitt %}",
        "{{ a.rubrik }} {{ a.id }}",
        "{%p if a.typ == 'ekonomi' %}",
        "{{ a.budget|kr }} {{ a.budgetavvikelse|kr }} {{ a.budget_riktning }}",
        "{% for f in a.fotnoter %}{{ f.markering }}{{ f.text.ren }}{% endfor %}",
        "{% if a.diagram.kostnader %}{{ a.diagram.kostnader.bildtext }}{% endif %}",
        "{%p elif a.typ == 'foretagsprogram' %}",
        "{{ a.antal_foretag }} {% for s in a.steg %}{{ s.punkt.ren }}{% endfor %}",
        "{{ a.diagram.anstallda.alt }}",
        "{%p elif a.typ in ('horisontella_kriterier', 'horisontella_principer') %}",
        "{{ a.deltagare.andel_kvinnor|procent }} {{ a.diagram.deltagare.bild }}",
        "{%p elif a.typ != 'indikatorer' and not a.typ == 'tabell' %}",
        "{{p a.text }}",
        "{%p else %}",
        "{% if a.typ == 'tabell' %}{{ a.tabellrader|length }}{% else %}"
        "{% for g in a.grupper %}{{ g.indikatorer[0].utfall_text }}{% endfor %}{% endif %}",
        "{%p endif %}",
        "{%p endfor %}",
        "{% for k in avsnitt if k.typ == 'kommuner' %}{{ k.kommuner[0].rubrik }}{% endfor %}",
        "{% for d in avsnitt|selectattr('typ', 'equalto', 'deltagarprogram') %}"
        "{{ d.med_kommun }}{% endfor %}",
    ])
    assert check_template(path) == []


def test_a_section_by_id_has_the_shape_of_the_kind_its_id_names(tmp_path: Path) -> None:
    """`ekonomi`, `kommuner` and `text_2` are default ids; any other id is any kind and must
    be in the data (information), unless the template asks `is defined` first."""
    path = make_template(tmp_path, [
        TOP,
        "{{ ekonomi.budget|kr }} {{ ekonomi.diagram.budget.bild }} {{ text_2.rubrik }}",
        "{%p for k in kommuner.kommuner %}",
        "{{ k.rubrik }}",
        "{%p endfor %}",
        "{{ program_for_tillvaxt.effekt.summa.okning|decimal }}",
        "{% if resultat is defined %}{{ resultat.grupper|length }}{% endif %}",
    ])
    assert check_template(path) == [
        TemplateFinding(
            "avsnitt-id", "info", BODY, "program_for_tillvaxt", "program_for_tillvaxt",
            "'program_for_tillvaxt' läses som id för ett avsnitt: rapporten måste ha ett "
            "avsnitt med 'id: program_for_tillvaxt', annars kan rapporten inte skrivas med "
            "mallen.", None, "{{ program_for_tillvaxt.effekt.summa.okning|decimal }}"),
        *unplaced("ekonomi", "kommuner", "text", "foretagsprogram", "indikatorer"),
    ]


def test_a_template_may_loop_over_some_sections_and_place_others_by_id(tmp_path: Path) -> None:
    """A loop that leaves out the economy, and the economy by its id at the end: clean."""
    path = make_template(tmp_path, [
        TOP,
        "{%p for a in avsnitt if a.typ != 'ekonomi' %}",
        "{{ a.rubrik }}",
        "{%p if a.typ == 'text' %}",
        "{% for d in a.delavsnitt %}{{ d.rubrik }}{% endfor %}",
        "{%p else %}",
        "{{p a.text }}",
        "{%p endif %}",
        "{%p endfor %}",
        "{{ ekonomi.rubrik }} {{ ekonomi.utfall|kr }} {{ ekonomi.budget_riktning }}",
    ])
    assert check_template(path) == []


# --- one test per class of mistake --------------------------------------------------------------


def test_an_unknown_field_inside_a_typ_test_is_named_with_the_kinds_nearest(
        tmp_path: Path) -> None:
    """`a.budgte` under `a.typ == 'ekonomi'` suggests 'budget'; exit 1."""
    path = make_template(tmp_path, [
        TOP, "{%p for a in avsnitt %}", "{%p if a.typ == 'ekonomi' %}",
        "{{ a.budgte|kr }}", "{%p endif %}", "{%p endfor %}"])
    assert check_template(path) == [
        error("okant-falt", "a.budgte", "budgte",
              "Fältet 'budgte' finns inte i 'a' — menade du 'budget'?", "budget",
              "{{ a.budgte|kr }}"),
        *unplaced("ekonomi"),
    ]
    result = CliRunner().invoke(main, ["template", "check", str(path)])
    assert (result.exit_code, result.output.splitlines()[:3]) == (1, [
        f"{path}: 1 okänt namn, {len(kinds()) - 1} avsnitt som mallen inte använder",
        "  FEL   word/document.xml  a.budgte",
        "        Fältet 'budgte' finns inte i 'a' — menade du 'budget'? "
        "(i stycket «{{ a.budgte|kr }}»)",
    ])


def test_a_field_of_some_kinds_outside_a_typ_test_says_to_test_the_kind(tmp_path: Path) -> None:
    """`a.budget` and `a.diagram.deltagare` without a typ test name the kinds that have them;
    in the else of `a.typ == 'ekonomi'` the economy's fields are unknown."""
    path = make_template(tmp_path, [
        TOP,
        "{%p for a in avsnitt %}",
        "{{ a.budget|kr }}",
        "{{ a.diagram.deltagare.bild }}",
        "{%p if a.typ == 'ekonomi' %}",
        "{{ a.utfall|kr }}",
        "{%p else %}",
        "{{ a.utfall|kr }}",
        "{%p endif %}",
        "{%p endfor %}",
    ])
    assert check_template(path) == [
        error("typ-ej-testad", "a.budget", "budget",
              "Fältet 'budget' finns bara i avsnitt av typen 'ekonomi'; testa typen först "
              "({%p if a.typ == 'ekonomi' %}).", None, "{{ a.budget|kr }}"),
        error("typ-ej-testad", "a.diagram.deltagare", "deltagare",
              "Fältet 'deltagare' finns bara i avsnitt av typerna 'deltagarprogram', "
              "'horisontella_kriterier' och 'horisontella_principer'; testa typen först "
              "({%p if a.typ == 'deltagarprogram' %}).", None, "{{ a.diagram.deltagare.bild }}"),
        error("okant-falt", "a.utfall", "utfall",
              "Fältet 'utfall' finns bara i avsnitt av typen 'ekonomi', och här kan 'a' inte "
              "vara en sådan.", None, "{{ a.utfall|kr }}"),
    ]


def test_an_unknown_kind_in_a_typ_test_is_named_with_the_nearest_kind(tmp_path: Path) -> None:
    """`==`, `in (…)` and selectattr with a kind that doesn't exist suggest the nearest kind."""
    path = make_template(tmp_path, [
        TOP,
        "{%p for a in avsnitt %}",
        "{%p if a.typ == 'ekonmi' %}",
        "{{ a.budget }}",
        "{%p elif a.typ in ('text', 'komuner') %}",
        "{{ a.rubrik }}",
        "{%p endif %}",
        "{%p endfor %}",
        "{% for t in avsnitt|selectattr('typ', 'equalto', 'tabel') %}{{ t.rubrik }}{% endfor %}",
    ])
    assert check_template(path) == [
        error("okand-typ", "a.typ == 'ekonmi'", "ekonmi",
              "Avsnittstypen 'ekonmi' finns inte — menade du 'ekonomi'?", "ekonomi",
              "{% for a in avsnitt %}{% if a.typ == 'ekonmi' %}"),
        error("okand-typ", "a.typ in ('text', 'komuner')", "komuner",
              "Avsnittstypen 'komuner' finns inte — menade du 'kommuner'?", "kommuner",
              "{% elif a.typ in ('text', 'komuner') %}"),
        error("okand-typ", "|selectattr('typ', 'equalto', 'tabel')", "tabel",
              "Avsnittstypen 'tabel' finns inte — menade du 'tabell'?", "tabell",
              "{% for t in avsnitt|selectattr('typ', 'equalto', 'tabel') %}{{ t.rubrik }}{% …"),
        *unplaced("text"),
    ]


def test_a_misspelt_field_of_a_section_by_id_is_named_with_the_nearest(tmp_path: Path) -> None:
    """`ekonomi.budgte` and `kommuner.kommuner[0].namm` suggest the kind's own names."""
    path = make_template(tmp_path, [
        TOP, "{{ ekonomi.budgte|kr }}", "{{ kommuner.kommuner[0].namm }}"])
    assert check_template(path) == [
        error("okant-falt", "ekonomi.budgte", "budgte",
              "Fältet 'budgte' finns inte i 'ekonomi' — menade du 'budget'?", "budget",
              "{{ ekonomi.budgte|kr }}"),
        error("okant-falt", "kommuner.kommuner[0].namm", "namm",
              "Fältet 'namm' finns inte i 'kommuner.kommuner[0]' — menade du 'namn'?", "namn",
              "{{ kommuner.kommuner[0].namm }}"),
        *unplaced("ekonomi", "kommuner"),
    ]


def test_an_unknown_chart_is_named_with_the_kinds_nearest_chart(tmp_path: Path) -> None:
    """A misspelt chart of a kind is named; a top-level `diagram` (0.1) says where charts are."""
    path = make_template(tmp_path, [
        TOP,
        "{{ ekonomi.diagram.kostnadr.bild }}",
        "{%p for a in avsnitt %}",
        "{%p if a.typ == 'foretagsprogram' %}",
        "{{ a.diagram.anstalda.bild }}",
        "{%p endif %}",
        "{%p endfor %}",
        "{{ diagram.budget.bild }}",
    ])
    assert check_template(path) == [
        error("okant-falt", "ekonomi.diagram.kostnadr", "kostnadr",
              "Fältet 'kostnadr' finns inte i 'ekonomi.diagram' — menade du 'kostnader'?",
              "kostnader", "{{ ekonomi.diagram.kostnadr.bild }}"),
        error("okant-falt", "a.diagram.anstalda", "anstalda",
              "Fältet 'anstalda' finns inte i 'a.diagram' — menade du 'anstallda'?",
              "anstallda", "{{ a.diagram.anstalda.bild }}"),
        error("okand-variabel", "diagram.budget.bild", "diagram",
              "Variabeln 'diagram' finns inte i datat; diagrammen hör till sina avsnitt: "
              "a.diagram.<namn> i loopen över avsnitt, eller <id>.diagram.<namn>.", None,
              "{{ diagram.budget.bild }}"),
        *unplaced("ekonomi", "foretagsprogram"),
    ]


def test_a_misspelt_variable_is_named_with_the_nearest_correct_one(tmp_path: Path) -> None:
    """`{{ projket.namn }}` is an unknown variable, not a section id; 'projekt' is suggested."""
    path = make_template(tmp_path, ["Rapport för {{ projket.namn }}", "{{ ekonomi.rubrik }}"])
    assert errors(path) == [error(
        "okand-variabel", "projket.namn", "projket",
        "Variabeln 'projket' finns inte i datat — menade du 'projekt'?", "projekt",
        "Rapport för {{ projket.namn }}")]
    result = CliRunner().invoke(main, ["template", "check", str(path)])
    assert (result.exit_code, result.output.splitlines()[:3]) == (1, [
        f"{path}: 1 okänt namn, {3 + len(kinds()) - 1} avsnitt som mallen inte använder",
        "  FEL   word/document.xml  projket.namn",
        "        Variabeln 'projket' finns inte i datat — menade du 'projekt'? "
        "(i stycket «Rapport för {{ projket.namn }}»)",
    ])


# --- names, filters, tests and loops -------------------------------------------------------------


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
        "{%p for f in foretagsprogram.effekt.foretag %}",
        "{{ loop.index }}. {{ f.namn }} {{ f.anstallda_fore|decimal }} {{ f.namm }}",
        "{{ loop.indx }}{% if loop.last %}.{% endif %}",
        "{%p endfor %}",
        "{%p for s in foretagsprogram.steg %}",
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
    """Looping over a text is a finding; looping over an unknown list names the unknown field;
    looping over a section (a 0.1 habit) names the section's one list."""
    path = make_template(tmp_path, [
        "{% for x in projekt.namn %}{{ x }}{% endfor %}",
        "{% for k in projekt.kommunerr %}{{ k }}{% endfor %}",
        "{% for kommun in kommuner %}{{ kommun.namn }}{% endfor %}",
    ])
    assert [(f.code, f.expression, f.message) for f in errors(path)] == [
        ("ej-lista", "projekt.namn", "'projekt.namn' är ingen lista att loopa över."),
        ("okant-falt", "projekt.kommunerr",
         "Fältet 'kommunerr' finns inte i 'projekt' — menade du 'kommuner'?"),
        ("ej-lista", "kommuner",
         "'kommuner' är ingen lista att loopa över — menade du 'kommuner.kommuner'?"),
    ]


def test_an_unknown_variable_is_named_once_however_many_of_its_fields_are_used(
        tmp_path: Path) -> None:
    """A 0.1 template's `diagram.x`, `diagram.x.bild` and `diagram.x.bildtext` give one finding."""
    path = make_template(tmp_path, [
        "{% if diagram.budget %}{{ diagram.budget.bild }}{{ diagram.budget.bildtext }}{% endif %}"])
    assert [(f.code, f.expression) for f in errors(path)] == [
        ("okand-variabel", "diagram.budget")]


def test_optional_fields_a_sample_leaves_empty_still_count_as_provided(tmp_path: Path) -> None:
    """Optional fields (a project owner, a group's name, an indicator's EU code) are known."""
    path = make_template(tmp_path, [
        "{{ projekt.projektagare }}",
        "{% for g in foretagsprogram.strategigrupper.grupper %}{{ g.namn }}{% endfor %}",
        "{% for w in foretagsprogram.workshops.lista %}{{ w.organisation }}{% endfor %}",
        "{% for g in indikatorer.grupper %}{{ g.indikatorer[0].kod }}{% endfor %}",
        "{{ horisontella_kriterier.diagram.deltagare.bildtext }}",
    ])
    assert errors(path) == []


def test_headers_and_footers_are_checked_too(tmp_path: Path) -> None:
    """A misspelt name in the footer is named with the footer's part."""
    path = make_template(tmp_path, ["{{ projekt.namn }}"], footer="{{ projekt.kortnam }} – sida")
    assert [(f.part, f.expression, f.suggestion, f.context) for f in errors(path)] == [
        ("word/footer1.xml", "projekt.kortnam", "kortnamn", "{{ projekt.kortnam }} – sida")]


def test_top_level_parts_the_template_never_uses_are_listed_as_information(
        tmp_path: Path) -> None:
    """Every printed top-level part but the ones used is listed, with its description; the
    review marks (granska) are not for the reader and are never listed."""
    path = make_template(tmp_path, ["{{ projekt.namn }}", "{% if ekonomi %}{% endif %}",
                                    "{% for k in kommuner.kommuner %}{% endfor %}"])
    fields = Slutrapport.model_fields
    assert check_template(path) == [
        TemplateFinding("oanvant-avsnitt", "info", "", name, name,
                        f"Mallen använder aldrig '{name}' "
                        f"({str(fields[name].description).rstrip('.')}).")
        for name in ("rubriker", "sammanfattning")
    ] + unplaced("ekonomi", "kommuner")


def test_a_file_that_is_not_a_word_document_exits_2(tmp_path: Path) -> None:
    """A text file named .docx, or a missing file, is unusable input (exit 2), said as render
    says it."""
    fake = tmp_path / "mall.docx"
    fake.write_text("inte en Word-fil", encoding="utf-8")
    runner = CliRunner()
    results = [runner.invoke(main, ["template", "check", str(p)])
               for p in (fake, tmp_path / "saknas.docx")]
    assert [(r.exit_code, r.output) for r in results] == [
        (2, f"Fel i mallen: {fake}: är inte ett Word-dokument (.docx); spara mallen som .docx\n"),
        (2, f"Fel i mallen: {tmp_path / 'saknas.docx'}: mallen finns inte\n"),
    ]


def test_a_malformed_tag_is_unusable_input(tmp_path: Path) -> None:
    """An unclosed tag raises TemplateError naming the part and the paragraph."""
    path = make_template(tmp_path, ["{{ projekt.namn }}", "{% if ekonomi %}utan slut"])
    with pytest.raises(TemplateError) as caught:
        check_template(path)
    assert str(caught.value).split(":")[0] == BODY
