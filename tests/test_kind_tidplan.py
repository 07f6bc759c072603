"""A kind defined in the tests only (tests/tidplan.py) is picked up everywhere, with no other
module changed: the report model, check, render in the default template, both kinds of chart,
schema, new, new --from, template check and the generated docs (issue 18.2)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport.checks import Finding, check
from slutrapport.cli import main
from slutrapport.kinds import Section, kinds, unregister
from slutrapport.rendering import render_bytes
from slutrapport.resources import default_template as committed_template
from slutrapport.scaffold import from_previous, skeleton
from slutrapport.schema import json_schema
from slutrapport.standard import default_template
from slutrapport.templatecheck import TemplateFinding, check_template
from tests import tidplan
from tests.docxread import outline
from tests.test_docs import generator

DOCS = Path(__file__).resolve().parents[1] / "docs"

PLAN: dict[str, Any] = {
    "typ": "tidplan", "id": "tidplan", "rubrik": "Tidplan", "klara": 2,
    "milstolpar": [
        {"namn": "Förstudie", "planerad": "2023-03", "klar": "2023-05"},
        {"namn": "Pilot i Vindeln", "planerad": "2024-01", "klar": "2024-01"},
        {"namn": "Utvärdering", "planerad": "2025-06"},
    ],
}
PROJEKT = {"namn": "Tidsatt projekt", "kortnamn": "TP", "period": {"fran": "2023", "till": "2025"}}


@pytest.fixture
def kind() -> Iterator[type[Section]]:
    """The kind tidplan, registered for the test and taken away after it."""
    made = tidplan.register()
    try:
        yield made
    finally:
        unregister("tidplan")


def _report(**plan: Any) -> slutrapport.Slutrapport:
    return slutrapport.from_data({"projekt": PROJEKT, "avsnitt": [{**PLAN, **plan}]})


def test_a_report_with_the_kind_loads_and_its_check_runs(kind: type[Section]) -> None:
    """The section is the kind's class, and its own check finds a wrong count of milestones."""
    report = _report(klara=3)
    assert type(report.avsnitt[0]) is kind
    assert check(report) == [Finding(
        "tidplan-klara", "error", "tidplan.klara",
        "3 milstolpar anges som nådda, men 2 har ett datum då de nåddes.", 2, 3)]


def test_a_misspelt_kind_names_it_among_the_kinds(kind: type[Section]) -> None:
    """The kind is among those the loader names for a 'typ' it does not know."""
    with pytest.raises(slutrapport.InputError) as refused:
        slutrapport.from_data({"projekt": PROJEKT, "avsnitt": [{"typ": "tidpaln"}]})
    assert [p.message for p in refused.value.problems] == [
        "okänd avsnittstyp 'tidpaln'; menade du 'tidplan'? typerna som finns: aktiviteter, "
        "deltagarprogram, ekonomi, foretagsprogram, horisontella_kriterier, "
        "horisontella_principer, indikatorer, kommuner, tabell, text, tidplan"]


def test_the_default_template_gets_a_part_for_the_kind_without_a_rebuild_by_hand(
        kind: type[Section]) -> None:
    """The committed template lacks the kind; the default one is built for it, once, and the
    report renders its heading, table and caption in it."""
    committed = committed_template().read_bytes()
    template = default_template()
    assert template != committed_template() and template.name == "standard.docx"
    assert default_template() == template
    assert committed_template().read_bytes() == committed
    text = outline(render_bytes(_report(), charts=False))
    start = text.index("[Heading1] Tidplan")
    assert text[start:].split("\n")[:8] == [
        "[Heading1] Tidplan",
        "[Caption] Tabell 1: Milstolpar, planerade och nådda",
        "| Milstolpe | Planerad | Nådd |",
        "| Förstudie | mars 2023 | maj 2023 |",
        "| Pilot i Vindeln | januari 2024 | januari 2024 |",
        "| Utvärdering | juni 2025 | – |",
        "[Eftertabell]",
        "[BodyText] Nådda milstolpar: 2.",
    ]


def test_without_the_kind_the_committed_template_is_the_default() -> None:
    """With only the package's own kinds, the default template is the committed file."""
    assert "tidplan" not in kinds()
    assert default_template() == committed_template()


def _chart_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name.startswith(("word/charts/chart", "word/embeddings/", "word/media/"))}


def test_the_kinds_chart_is_drawn_as_a_word_chart_and_as_a_picture(
        kind: type[Section]) -> None:
    """The same facts make a Word chart (with its workbook) and, with --diagram bild, a PNG;
    both carry the facts' caption and alt text."""
    report = _report()
    alt = ("Liggande stapeldiagram över förseningen i månader: Förstudie 2 månader och Pilot i "
           "Vindeln 0 månader.")
    native = render_bytes(report)
    assert sorted(_chart_parts(native)) == ["word/charts/chart1.xml",
                                            "word/embeddings/Microsoft_Excel_Worksheet1.xlsx"]
    assert b"F\xc3\xb6rstudie" in _chart_parts(native)["word/charts/chart1.xml"]
    picture = render_bytes(report, diagram="bild")
    assert sorted(_chart_parts(picture)) == ["word/media/image1.png"]
    for data in (native, picture):
        document = docx.Document(io.BytesIO(data))
        descriptions = [el.get("descr") for el in document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
        assert descriptions == [alt]
        assert "[Caption] Diagram 1: Försening per milstolpe" in outline(data).split("\n")


def test_the_kind_is_in_the_schema_new_and_template_check(kind: type[Section]) -> None:
    """The schema describes it, new lists it among the kinds, and template check knows it (in
    the default template) or names it as a kind without a part (in the committed one)."""
    schema = json_schema()
    assert schema["$defs"]["Tidplan"]["description"] == (
        "Projektets milstolpar: planerat och klart, med förseningen som diagram. "
        "Anges med typ: tidplan.")
    assert "#   tidplan                 Projektets milstolpar: planerat och klart, med " \
           "förseningen som diagram." in skeleton(year=2026).split("\n")
    assert check_template() == []
    assert check_template(committed_template()) == [TemplateFinding(
        "oanvand-typ", "info", "", "tidplan", "tidplan",
        "Mallen har ingen del för avsnitt av typen 'tidplan' (Projektets milstolpar: planerat "
        "och klart, med förseningen som diagram): testa a.typ == 'tidplan' i loopen över "
        "avsnitt, eller använd avsnittets id.")]


def test_a_template_without_a_part_for_the_kind_is_warned_of_by_check_and_render(
        kind: type[Section], tmp_path: Path) -> None:
    """Checked against the committed template (no part for tidplan), the section is named by a
    warning, in check --template and in render's findings alike."""
    data = tmp_path / "rapport.yaml"
    data.write_text(
        "projekt: {namn: Tidsatt projekt, kortnamn: TP, period: {fran: '2023', till: '2025'}}\n"
        "avsnitt:\n  - typ: tidplan\n    rubrik: Tidplan\n"
        "    milstolpar: [{namn: Förstudie, planerad: 2023-03}]\n", encoding="utf-8")
    warning = ("  VARNING rad 3    tidplan  [avsnitt-visas-inte]\n"
               "                   Avsnittet 'tidplan' (typ tidplan) syns inte i rapporten: "
               "mallen har ingen del för typen tidplan och nämner inte avsnittet vid dess id. "
               "Lägg till en del för typen i mallen (se 'slutrapport template check'), eller ta "
               "bort avsnittet.")
    checked = CliRunner().invoke(main, ["check", str(data), "--template",
                                        str(committed_template())])
    assert warning in checked.output
    rendered = CliRunner().invoke(main, ["render", str(data), "--template",
                                         str(committed_template()), "-o",
                                         str(tmp_path / "ut.docx"), "--no-contents"])
    assert rendered.exit_code == 0, rendered.output
    assert warning in rendered.output


def test_new_from_clears_what_the_kind_says(kind: type[Section], tmp_path: Path) -> None:
    """A milestone's date reached is emptied for the next report (the kind's CARRY), the stated
    count too, and the names are kept and marked for review."""
    last = tmp_path / "forra.yaml"
    last.write_text(
        "projekt: {namn: Tidsatt projekt, kortnamn: TP, period: {fran: '2023', till: '2025'}}\n"
        "avsnitt:\n  - typ: tidplan\n    klara: 1\n    milstolpar:\n"
        "      - {namn: Förstudie, planerad: 2023-03, klar: 2023-05}\n", encoding="utf-8")
    text = from_previous(last)
    section = text[text.index("avsnitt:"):text.index("granska:")]
    assert section.split("\n")[:8] == [
        "avsnitt:",
        "  - typ: tidplan",
        "    id: tidplan",
        "    klara:  # valfritt: räknas ut om det lämnas tomt",
        "    milstolpar:",
        "      - namn: Förstudie",
        "        planerad: 2023-03",
        "        klar:  # valfritt: när milstolpen nåddes, t.ex. 2026-05",
    ]
    assert "  tidplan.milstolpar[0].namn: Förstudie" in text.split("\n")


def test_the_generated_docs_describe_the_kind(kind: type[Section]) -> None:
    """docs/gen_mallvariabler.py documents the kind's fields, computed names, table and chart."""
    generated = generator().build()
    part = generated[generated.index("### `tidplan`"):]
    part = part[:part.index("\n### ")] if "\n### " in part else part
    assert part.split("\n")[:20] == [
        "### `tidplan`",
        "",
        "Projektets milstolpar: planerat och klart, med förseningen som diagram.",
        "",
        "| variabel | slag | beskrivning |",
        "| --- | --- | --- |",
        "| `rubrik` | text | Avsnittets rubrik. |",
        "| `text` | löptext | Text före tabellen (Markdown). |",
        "| `milstolpar[]` | lista av del | Milstolparna. |",
        "| `milstolpar[].namn` | text | Milstolpens namn. |",
        "| `milstolpar[].planerad` | datum | När milstolpen skulle nås, t.ex. 2023-05. |",
        "| `milstolpar[].klar` | datum | När den nåddes; tomt om den inte nåtts. |",
        "| `klara` | heltal | Angivet antal nådda milstolpar. |",
        "",
        "Uträknat för mallen:",
        "",
        "| variabel | slag | betydelse |",
        "| --- | --- | --- |",
        "| `milstolpar[].forsening` | heltal | Räknas fram för mallen. |",
        "",
    ]
    assert part.split("\n")[20:23] == ["Tabeller med bildtext: `tabeller.milstolpar`.", "",
                                       "Diagram: `diagram.forsening`."]
