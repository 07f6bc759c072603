"""Activity areas' key figures: the name the report prints for each, and what check says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slutrapport.checks import check
from slutrapport.loader import from_data
from slutrapport.rendering import render_bytes
from slutrapport.scaffold import from_previous
from tests.docxread import outline

TEXT = ("De företagsfrämjande aktörerna inventerades: lokala och nationella aktörer, sorterade "
        "på projektets webb.")


def _report(area: dict[str, Any]) -> dict[str, Any]:
    return {"projekt": {"namn": "P", "kortnamn": "P 1", "period": {"fran": 2023, "till": 2025}},
            "avsnitt": [{"typ": "aktiviteter", "id": "samverkan", "rubrik": "Samverkan",
                         "omraden": [{"rubrik": "Inventering", "text": TEXT, **area}]}]}


def _printed_and_found(data: dict[str, Any]) -> tuple[list[str], list[tuple[str, ...]]]:
    """The body lines the default template prints under the area, and every finding."""
    report = from_data(data)
    lines = outline(render_bytes(report, charts=False)).splitlines()
    body = lines[lines.index("[Heading2] Inventering") + 1:]
    found = [(f.code, f.severity, f.path, f.message) for f in check(report)]
    return body, found


def test_an_unlinked_key_figure_is_printed_with_the_words_the_texts_spell() -> None:
    """'foretagsframjande_aktorer' prints as 'Företagsfrämjande aktörer', as the text writes it."""
    assert _printed_and_found(_report({"nyckeltal": {"foretagsframjande_aktorer": 66}})) == (
        [f"[BodyText] {TEXT}", "[BodyText] Företagsfrämjande aktörer: 66."], [])


def test_a_key_figure_named_in_nyckeltal_namn_is_printed_with_that_name() -> None:
    """The area's own name for a key figure wins over one made from the key."""
    data = _report({"nyckeltal": {"foretagsframjande_aktorer": 66, "nya_paket": 12},
                    "nyckeltal_namn": {"nya_paket": "Nya paket för besökare"}})
    assert _printed_and_found(data) == (
        [f"[BodyText] {TEXT}", "[BodyText] Företagsfrämjande aktörer: 66.",
         "[BodyText] Nya paket för besökare: 12."], [])


def test_a_key_figure_whose_name_cannot_be_spelt_is_not_printed_and_check_says_how_to_name_it(
) -> None:
    """A key with a or o in words no text writes gets no folded name: both findings say so."""
    body, found = _printed_and_found(_report({"nyckeltal": {"besok_hos_foretag": 40}}))
    assert (body, found) == (
        [f"[BodyText] {TEXT}"],
        [("nyckeltal-namn-saknas", "warning", "samverkan.omraden[0].nyckeltal.besok_hos_foretag",
          "Standardmallen skriver inte ut nyckeltalet besok_hos_foretag (40): hur dess namn "
          "stavas (å, ä, ö?) går inte att veta av nyckeln eller av avsnittets rubriker och "
          "texter. Ge det ett namn i området, t.ex. nyckeltal_namn: {besok_hos_foretag: …}, "
          "eller skriv talet i texten: [40](tal:nyckeltal.besok_hos_foretag)."),
         ("tal-visas-inte", "info", "samverkan.omraden[0].nyckeltal.besok_hos_foretag",
          "Talet 40 syns inte i rapporten: mallen skriver inte ut "
          "samverkan.omraden[0].nyckeltal.besok_hos_foretag, och ingen tallänk i en text som "
          "kommer med visar det. Skriv det i texten som "
          "[40](tal:samverkan.omraden[0].nyckeltal.besok_hos_foretag), eller ta med det i "
          "mallen.")])


def test_a_word_the_texts_write_with_an_accent_keeps_it() -> None:
    """'nya_ideer' prints as 'Nya idéer' when a heading writes 'idéer'."""
    data = _report({"rubrik": "Nya idéer", "text": "Förslagen samlades in.",
                    "nyckeltal": {"nya_ideer": 3}})
    report = from_data(data)
    lines = outline(render_bytes(report, charts=False)).splitlines()
    assert (lines[lines.index("[Heading2] Nya idéer") + 1:], check(report)) == (
        ["[BodyText] Förslagen samlades in.", "[BodyText] Nya idéer: 3."], [])


def test_a_word_the_texts_spell_two_ways_is_not_guessed() -> None:
    """'man' written both 'man' and 'män' leaves 'antal_man' unnamed rather than guessed."""
    data = _report({"text": "Män och kvinnor deltog; man träffades ofta.",
                    "nyckeltal": {"antal_man": 9}, "nyckeltal_namn": {}})
    assert _printed_and_found(data) == (
        ["[BodyText] Män och kvinnor deltog; man träffades ofta."],
        [("nyckeltal-namn-saknas", "warning", "samverkan.omraden[0].nyckeltal.antal_man",
          "Standardmallen skriver inte ut nyckeltalet antal_man (9): hur dess namn stavas (å, "
          "ä, ö?) går inte att veta av nyckeln eller av avsnittets rubriker och texter. Ge det "
          "ett namn i området, t.ex. nyckeltal_namn: {antal_man: …}, eller skriv talet i "
          "texten: [9](tal:nyckeltal.antal_man)."),
         ("tal-visas-inte", "info", "samverkan.omraden[0].nyckeltal.antal_man",
          "Talet 9 syns inte i rapporten: mallen skriver inte ut "
          "samverkan.omraden[0].nyckeltal.antal_man, och ingen tallänk i en text som kommer med "
          "visar det. Skriv det i texten som [9](tal:samverkan.omraden[0].nyckeltal.antal_man), "
          "eller ta med det i mallen.")])


def test_a_key_figure_the_text_links_needs_no_name() -> None:
    """A figure the text shows by a figure link is not printed again, so nothing is missing."""
    data = _report({"text": "Det gav [40](tal:nyckeltal.besok_hos_foretag) besök.",
                    "nyckeltal": {"besok_hos_foretag": 40}})
    assert _printed_and_found(data) == (["[BodyText] Det gav 40 besök."], [])


def test_a_name_for_a_key_figure_the_area_lacks_is_a_warning_naming_the_nearest() -> None:
    """A misspelt key under nyckeltal_namn is not dropped in silence: the nearest is offered."""
    data = _report({"nyckeltal": {"foretagsframjande_aktorer": 66},
                    "nyckeltal_namn": {"foretagsframjade_aktorer": "Främjande aktörer"}})
    assert _printed_and_found(data)[1] == [
        ("nyckeltal-namn-okant", "warning",
         "samverkan.omraden[0].nyckeltal_namn.foretagsframjade_aktorer",
         "Namnet gäller nyckeltalet foretagsframjade_aktorer, men området har inget nyckeltal "
         "med den nyckeln (under nyckeltal). Menade du foretagsframjande_aktorer?")]


def test_new_from_takes_a_key_figure_s_name_along_with_the_figure_into_its_comment(
        tmp_path: Path) -> None:
    """A key figure left out of the next report leaves with its name, both named in the note;
    a name whose figure stays stays too."""
    old = tmp_path / "forra.yaml"
    old.write_text(
        "projekt: {namn: P, kortnamn: P 1, period: {fran: 2023, till: 2025}}\n"
        "avsnitt:\n"
        "  - typ: aktiviteter\n"
        "    id: samverkan\n"
        "    omraden:\n"
        "      - rubrik: Inventering\n"
        "        text: Vi inventerade aktörer.\n"
        "        nyckeltal: {inventerade_aktorer: 66, besok_hos_foretag: 40}\n"
        "        nyckeltal_namn: {inventerade_aktorer: Inventerade aktörer}\n",
        encoding="utf-8")
    text = from_previous(old)
    assert text[text.index("avsnitt:"):text.index("granska:")] == (
        "avsnitt:\n"
        "  - typ: aktiviteter\n"
        "    id: samverkan\n"
        "    omraden:\n"
        "      - rubrik: Inventering\n"
        "        text: …  # TODO: fyll i\n"
        "        nyckeltal: {}  # valfritt: andra tal som området redovisar, t.ex. "
        "inventerade_aktorer: 66; förra: inventerade_aktorer (Inventerade aktörer), "
        "besok_hos_foretag\n\n")
