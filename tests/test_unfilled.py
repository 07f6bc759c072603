"""What is left to fill in (ej-ifyllt); reports with nothing in them check and render sensibly."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

import docx

from slutrapport.checks import check
from slutrapport.loader import from_data
from slutrapport.rendering import render_bytes, write_atomic


def _report(*sections: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"projekt": {"namn": "P", "kortnamn": "P 1", "period": {"fran": 2023, "till": 2025},
                        **top.pop("projekt", {})},
            **top, "avsnitt": list(sections)}


def _listed(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.severity, f.path, f.message) for f in check(from_data(data))]


def test_empty_texts_placeholders_and_zero_amounts_are_listed_to_fill_in() -> None:
    """Texts set empty or left as '…', and amounts and counts at 0, are ej-ifyllt infos."""
    data = _report(
        {"typ": "text", "id": "inledning", "rubrik": "Start", "text": ""},
        {"typ": "text", "id": "pandemin", "rubrik": "…", "text": "Klart."},
        {"typ": "aktiviteter", "rubrik": "A",
         "omraden": [{"rubrik": "Besök", "antal": 0, "text": "Besök gjordes."}]},
        {"typ": "ekonomi", "budget": 10, "utfall": 10,
         "kostnader": [{"kategori": "Personal", "belopp": 0},
                       {"kategori": "Resor", "belopp": 10}]},
    )
    assert _listed(data) == [
        ("ej-ifyllt", "info", "aktiviteter.omraden[0].antal",
         "Antalet i 'Besök' är 0 — inte ifyllt?"),
        ("ej-ifyllt", "info", "ekonomi.kostnader[0].belopp",
         "Kostnaden för 'Personal' är 0 — inte ifyllt?"),
        ("ej-ifyllt", "info", "inledning.text", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "pandemin.rubrik", "Texten är inte ifylld."),
    ]


def test_placeholders_in_lists_and_an_empty_summary_are_listed_to_fill_in() -> None:
    """'…' as a municipality, a financier or a bullet, and a summary set to [], are to-dos."""
    data = _report(
        {"typ": "text", "id": "inledning", "rubrik": "Start", "text": "Det började.",
         "punkter": ["Ett mål.", "…"]},
        projekt={"kommuner": ["Vindeln", "…"], "finansiarer": ["…"]},
        sammanfattning=[],
    )
    assert _listed(data) == [
        ("ej-ifyllt", "info", "inledning.punkter[1]", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "projekt.finansiarer[0]", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "projekt.kommuner[1]", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "sammanfattning", "Texten är inte ifylld."),
    ]


def test_a_zero_beside_a_name_left_as_placeholder_says_what_it_is_not_its_name() -> None:
    """An area, indicator, activity, cost or financier still named '…' is said unnamed."""
    data = _report(
        {"typ": "aktiviteter", "rubrik": "A", "omraden": [{"rubrik": "…", "antal": 0}]},
        {"typ": "indikatorer", "indikatorer": [{"namn": "…", "utfall": 0}]},
        {"typ": "deltagarprogram", "insatser": [{"namn": "…", "kvinnor": 0, "man": 0}]},
        {"typ": "ekonomi", "budget": 10, "utfall": 10,
         "kostnader": [{"kategori": "…", "belopp": 0}, {"kategori": "Resor", "belopp": 10}],
         "finansiering": [{"finansiar": "…", "belopp": 0},
                          {"finansiar": "Region", "belopp": 10}]},
        projekt={"finansiarer": ["Region"]})
    assert _listed(data) == [
        ("ej-ifyllt", "info", "aktiviteter.omraden[0].antal",
         "Antalet i området (ännu utan rubrik) är 0 — inte ifyllt?"),
        ("ej-ifyllt", "info", "aktiviteter.omraden[0].rubrik", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "deltagarprogram.insatser[0]",
         "Insatsen (ännu utan namn) har inga deltagare ifyllda."),
        ("ej-ifyllt", "info", "deltagarprogram.insatser[0].namn", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "ekonomi.finansiering[0].belopp",
         "Beloppet från finansiären (ännu utan namn) är 0 — inte ifyllt?"),
        ("ej-ifyllt", "info", "ekonomi.finansiering[0].finansiar", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "ekonomi.kostnader[0].belopp",
         "Kostnaden för kostnadsslaget (ännu utan namn) är 0 — inte ifyllt?"),
        ("ej-ifyllt", "info", "ekonomi.kostnader[0].kategori", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "indikatorer.indikatorer[0].namn", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "indikatorer.indikatorer[0].utfall",
         "Utfallet för indikatorn (ännu utan namn) är 0 — inte ifyllt?"),
    ]


def test_a_finding_that_opens_on_a_name_left_as_placeholder_says_what_it_is() -> None:
    """A row's own check (sums, municipality, target) names an unnamed row by what it is."""
    data = _report(
        {"typ": "indikatorer", "indikatorer": [{"namn": "…", "utfall": 3, "malvarde": 5}]},
        {"typ": "deltagarprogram", "insatser": [{"namn": "…", "kvinnor": 2, "man": 1,
                                                  "totalt": 4, "kommun": "Umeå"}]},
        {"typ": "foretagsprogram", "effekt": {"foretag": [
            {"namn": "…", "anstallda_fore": 2, "anstallda_efter": 3, "okning": 2,
             "kommun": "Umeå"}]}},
        projekt={"kommuner": ["Vindeln"]})
    assert _listed(data) == [
        ("deltagarprogram-rad", "error", "deltagarprogram.insatser[0].totalt",
         "Insatsen (ännu utan namn): 2 kvinnor + 1 man = 3, men totalt anges 4."),
        ("foretag-okning", "error", "foretagsprogram.effekt.foretag[0].okning",
         "Företaget (ännu utan namn): 2 → 3 anställda är en ökning med 1, men ökningen anges "
         "till 2."),
        ("deltagarprogram-kommun", "warning", "deltagarprogram.insatser[0].kommun",
         "Insatsen (ännu utan namn) hölls i Umeå, som inte står bland projektets kommuner "
         "(projekt.kommuner)."),
        ("foretag-kommun", "warning", "foretagsprogram.effekt.foretag[0].kommun",
         "Företaget (ännu utan namn) ligger i Umeå, som inte står bland projektets kommuner "
         "(projekt.kommuner)."),
        ("ej-ifyllt", "info", "deltagarprogram.insatser[0].namn", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "foretagsprogram.effekt.foretag[0].namn", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "indikatorer.indikatorer[0].namn", "Texten är inte ifylld."),
        ("indikator-ej-uppfyllt", "info", "indikatorer.indikatorer[0].utfall",
         "Indikatorn (ännu utan namn): 3 mot målvärdet 5 — inte uppfyllt."),
    ]


def test_a_text_left_out_is_not_reported_as_unfilled() -> None:
    """An optional text, list or figure that the data leaves out is not something to fill in."""
    data = _report({"typ": "text", "id": "inledning", "rubrik": "Start"},
                   {"typ": "aktiviteter", "rubrik": "A", "omraden": [{"rubrik": "Besök"}]})
    assert _listed(data) == []


def test_zero_participants_are_one_to_do_and_render_with_zero_shares() -> None:
    """Participants all 0 are listed once, at 'deltagare', and their table shows 0 %."""
    data = _report({"typ": "horisontella_kriterier", "text": "Kriterierna beaktades.",
                    "deltagare": {"kvinnor": 0, "totalt": 0}})
    report = from_data(data)
    document = docx.Document(io.BytesIO(render_bytes(report, charts=False)))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert (_listed(data), rows) == (
        [("ej-ifyllt", "info", "horisontella_kriterier.deltagare", "Inga deltagare är ifyllda.")],
        [["Deltagare", "Antal", "Andel"], ["Kvinnor", "0", "0\u00a0%"],
         ["Män", "0", "0\u00a0%"], ["Totalt", "0", "100\u00a0%"]])


def test_horizontal_criteria_render_without_activity_groups() -> None:
    """A report without activity groups still gets its horizontal criteria section."""
    report = from_data(_report({"typ": "horisontella_kriterier",
                                "text": "Jämställdhet beaktades."}))
    document = docx.Document(io.BytesIO(render_bytes(report, charts=False)))
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("Horisontella kriterier") + 1] == "Jämställdhet beaktades."


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    """A written report is readable by others as any new file is (umask), not private 0600."""
    umask = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "r.docx", b"data")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
