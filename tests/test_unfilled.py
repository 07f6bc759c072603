"""What is left to fill in, and reports with nothing in them, render and check sensibly."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import docx

from slutrapport.checks import check
from slutrapport.loader import from_data
from slutrapport.rendering import render_bytes, write_atomic


def _report(**sections: object) -> dict[str, object]:
    return {"projekt": {"namn": "P", "kortnamn": "P 1", "period": {"fran": 2023, "till": 2025}},
            **sections}


def test_empty_texts_placeholders_and_zero_amounts_are_listed_to_fill_in() -> None:
    """Texts set empty or left as '…', and amounts and counts at 0, are ej-ifyllt infos."""
    data = _report(
        inledning={"rubrik": "Start", "text": ""},
        pandemin={"rubrik": "…", "text": "Klart."},
        aktiviteter=[{"rubrik": "A", "omraden": [{"rubrik": "Besök", "antal": 0, "text": "x"}]}],
        ekonomi={"budget": 10, "utfall": 10,
                 "kostnader": [{"kategori": "Personal", "belopp": 0},
                               {"kategori": "Resor", "belopp": 10}]},
    )
    assert [(f.code, f.severity, f.path, f.message) for f in check(from_data(data))] == [
        ("ej-ifyllt", "info", "aktiviteter[0].omraden[0].antal",
         "Antalet i 'Besök' är 0 — inte ifyllt?"),
        ("ej-ifyllt", "info", "ekonomi.kostnader[0].belopp",
         "Kostnaden för 'Personal' är 0 — inte ifyllt?"),
        ("ej-ifyllt", "info", "inledning.text", "Texten är inte ifylld."),
        ("ej-ifyllt", "info", "pandemin.rubrik", "Texten är inte ifylld."),
    ]


def test_a_text_left_out_is_not_reported_as_unfilled() -> None:
    """An optional text that the data leaves out is not something to fill in."""
    assert check(from_data(_report(inledning={"rubrik": "Start"}))) == []


def test_zero_participants_render_with_zero_shares() -> None:
    """A participants table of zeros renders (0 %) instead of failing on a missing share."""
    report = from_data(_report(horisontella_kriterier={"deltagare": {"kvinnor": 0, "totalt": 0}}))
    document = docx.Document(io.BytesIO(render_bytes(report, charts=False)))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == [["Deltagare", "Antal", "Andel"], ["Kvinnor", "0", "0\u00a0%"],
                    ["Män", "0", "0\u00a0%"], ["Totalt", "0", "100\u00a0%"]]


def test_horizontal_criteria_render_without_activity_groups() -> None:
    """A report without activity groups still gets its horizontal criteria section."""
    report = from_data(_report(horisontella_kriterier={"text": "Jämställdhet beaktades."}))
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
