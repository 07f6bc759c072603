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
