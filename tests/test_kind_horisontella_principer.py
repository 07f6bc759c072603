"""Horizontal principles (2021–2027): one heading per principle, participants checked and drawn."""

from __future__ import annotations

import copy
from typing import Any

from slutrapport.charts import make_charts
from slutrapport.checks import check
from slutrapport.loader import from_data
from slutrapport.models import Slutrapport
from slutrapport.rendering import render_bytes
from tests.docxread import outline

PRINCIPLES: dict[str, Any] = {
    "typ": "horisontella_principer",
    "text": "Av [2 481](tal:horisontella_principer.deltagare.totalt) deltagare var "
            "[51,8 %](tal:horisontella_principer.deltagare.andel_kvinnor) kvinnor.",
    "principer": [
        {"namn": "Jämställdhet mellan kvinnor och män", "text": "Kvinnor var en målgrupp."},
        {"namn": "Lika möjligheter och icke-diskriminering", "text": "Lokalerna var tillgängliga."},
        {"namn": "Hållbar utveckling", "text": "Möten hölls digitalt."},
    ],
    "deltagare": {"kvinnor": 1284, "man": 1197, "totalt": 2481, "andel_kvinnor": 51.8,
                  "andel_man": 48.2},
}


def report_with(**changes: Any) -> Slutrapport:
    section = copy.deepcopy(PRINCIPLES)
    section.update(changes)
    return from_data({"projekt": {"namn": "Prov", "kortnamn": "P",
                                  "period": {"fran": "2023", "till": "2026"}},
                      "avsnitt": [section]})


def participants(**changes: Any) -> dict[str, Any]:
    return {**PRINCIPLES["deltagare"], **changes}


PLAIN = "Deltagarna redovisas i tabellen."
"""A text without figure links, for participants that no longer match the text's figures."""


def test_consistent_principles_have_no_findings() -> None:
    """Participants that add up, with shares and links that agree, give no finding."""
    assert check(report_with()) == []


def test_women_and_men_that_do_not_add_up_to_the_total_are_an_error() -> None:
    """The participants' check of the 2014–2020 criteria applies unchanged."""
    report = report_with(deltagare=participants(man=1196), text=PLAIN)
    assert [(f.code, f.severity, f.path, f.message, f.expected, f.actual)
            for f in check(report)] == [
        ("deltagare-summa", "error", "horisontella_principer.deltagare.totalt",
         "1\u00a0284 kvinnor + 1\u00a0196 män = 2\u00a0480, men totalt anges 2\u00a0481.",
         2480, 2481),
    ]


def test_a_stated_share_that_differs_is_an_error() -> None:
    """51,9 % stated for 1 284 of 2 481 (51,8 %) is an error."""
    report = report_with(deltagare=participants(andel_kvinnor=51.9), text=PLAIN)
    assert [(f.code, f.path, f.message) for f in check(report)] == [
        ("deltagare-andel", "horisontella_principer.deltagare.andel_kvinnor",
         "Andelen kvinnor anges till 51,9\u00a0%, men 1\u00a0284 av 2\u00a0481 är 51,8\u00a0%."),
    ]


def test_no_participants_are_listed_to_fill_in() -> None:
    """Participants left at zero are a to-do item."""
    report = report_with(deltagare={"kvinnor": 0, "totalt": 0}, text=PLAIN)
    assert [(f.code, f.path, f.message) for f in check(report)] == [
        ("ej-ifyllt", "horisontella_principer.deltagare", "Inga deltagare är ifyllda."),
    ]


def test_each_principle_is_a_heading_of_its_own_followed_by_the_participants_table() -> None:
    """Heading, text (its figure links' spaces no-break ones), a second-level heading and text
    per principle, then the table."""
    text = outline(render_bytes(report_with(), charts=False))
    assert text[text.index("[Heading1]"):] == (
        "[Heading1] Horisontella principer\n"
        "[BodyText] Av 2\u00a0481 deltagare var 51,8\u00a0% kvinnor.\n"
        "[Heading2] Jämställdhet mellan kvinnor och män\n"
        "[BodyText] Kvinnor var en målgrupp.\n"
        "[Heading2] Lika möjligheter och icke-diskriminering\n"
        "[BodyText] Lokalerna var tillgängliga.\n"
        "[Heading2] Hållbar utveckling\n"
        "[BodyText] Möten hölls digitalt.\n"
        "[Caption] Tabell 1: Deltagare i projektets aktiviteter efter kön\n"
        "| Deltagare | Antal | Andel |\n"
        "| Kvinnor | 1\u00a0284 | 51,8\u00a0% |\n"
        "| Män | 1\u00a0197 | 48,2\u00a0% |\n"
        "| Totalt | 2\u00a0481 | 100\u00a0% |\n"
        "[Eftertabell]\n"
    )


def test_without_participants_there_is_no_table_and_no_chart() -> None:
    """Principles alone render as headings and text only."""
    report = report_with(deltagare=None, text=PLAIN)
    text = outline(render_bytes(report, charts=False))
    assert (text[text.index("[Heading1]"):].count("|"), make_charts(report)) == (0, {})


def test_the_participants_chart_is_drawn_and_numbered() -> None:
    """The section draws the participants-by-gender chart, numbered in the report's order."""
    charts = make_charts(report_with())
    assert {section: {name: (c.bildtext, c.alt) for name, c in drawn.items()}
            for section, drawn in charts.items()} == {
        "horisontella_principer": {"deltagare": (
            "Diagram 1: Deltagare i projektets aktiviteter efter kön",
            "Liggande stapeldiagram över deltagarna i projektets aktiviteter efter kön: "
            "1\u00a0284 (51,8\u00a0%) kvinnor och 1\u00a0197 (48,2\u00a0%) män, "
            "totalt 2\u00a0481 deltagare.")},
    }
