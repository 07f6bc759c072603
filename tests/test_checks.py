"""The checks on the NIS 6.0 data as published, on mended data, and one by one."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from ruamel.yaml import YAML

import slutrapport
from slutrapport.checks import Finding, check, has_errors
from slutrapport.loader import from_data, read_yaml

NIS_FINDINGS = [
    Finding(
        "foretag-okning", "error", "program_for_tillvaxt.effekt.foretag[18].okning",
        "Norrlands fruktvin: 1 → 1 anställda är en ökning med 0, men ökningen anges till 1.",
        Decimal(0), Decimal(1), 309,
    ),
    Finding(
        "foretag-total-okning", "error", "program_for_tillvaxt.effekt.summa.okning",
        "Den totala ökningen anges till 43,5, men 202 − 159,5 = 42,5.",
        Decimal("42.5"), Decimal("43.5"), 326,
    ),
    Finding(
        "kostnader-summa", "error", "ekonomi.kostnader",
        "Kostnaderna summerar till 15\u00a0470\u00a0694\u00a0kr, men utfallet anges till "
        "15\u00a0470\u00a0690\u00a0kr (skillnad 4\u00a0kr).",
        15470690, 15470694, 507,
    ),
    Finding(
        "strategigrupper-platser", "warning", "program_for_tillvaxt.strategigrupper.grupper",
        "Strategigrupperna har 33 platser (5, 5, 5, 5, 5, 8), men programmet har 32 företag.",
        32, 33, 242,
    ),
    Finding(
        "finansiering-summa", "warning", "ekonomi.finansiering",
        "Finansieringen summerar till 15\u00a0477\u00a0874\u00a0kr, 7\u00a0184\u00a0kr över "
        "utfallet 15\u00a0470\u00a0690\u00a0kr. Finansieringen är markerad som preliminär "
        "(december 2022).",
        15470690, 15477874, 520,
    ),
    Finding(
        "indikator-uppfyllt", "info", "resultat.indikatorer[0].utfall",
        "Nådda företag: 503 företag mot målvärdet 400 företag — uppfyllt.",
        Decimal(400), Decimal(503), 346,
    ),
    Finding(
        "indikator-uppfyllt", "info", "resultat.indikatorer[2].utfall",
        "Sysselsättningsökning: 43 heltidstjänster mot målvärdet 40 heltidstjänster — uppfyllt.",
        Decimal(40), Decimal(43), 356,
    ),
]


@pytest.fixture(scope="module")
def nis_data() -> dict[str, Any]:
    data, _ = read_yaml(slutrapport.example_path())
    assert isinstance(data, dict)
    return data


def _section(data: dict[str, Any], sid: str) -> dict[str, Any]:
    """The section with this id in plain report data."""
    found: dict[str, Any] = next(s for s in data["avsnitt"] if s.get("id") == sid)
    return found


def _mended(data: dict[str, Any]) -> dict[str, Any]:
    mended = copy.deepcopy(data)
    ekonomi = _section(mended, "ekonomi")
    ekonomi["utfall"] = 15470694
    ekonomi["under_budget"] = 16713030 - 15470694
    ekonomi["finansiering"][0]["belopp"] -= 7184 - 4
    program = _section(mended, "program_for_tillvaxt")
    norrlands = program["effekt"]["foretag"][18]
    assert norrlands["namn"] == "Norrlands fruktvin"
    norrlands["anstallda_efter"] = 2
    program["effekt"]["summa"]["efter"] = 203
    program["strategigrupper"]["grupper"][-1]["antal_foretag"] = 7
    _drop_figure_links(mended)
    return mended


def _drop_figure_links(node: Any) -> Any:
    """Narrative in the mended copy keeps its text but not its ties to the changed figures."""
    import re

    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _drop_figure_links(value)
    elif isinstance(node, list):
        return [_drop_figure_links(v) for v in node]
    elif isinstance(node, str):
        return re.sub(r"\[([^\]]*)\]\(tal:[^)]*\)", r"\1", node)
    return node


def test_published_nis_data_gives_exactly_the_known_errors_and_warnings() -> None:
    """The published NIS 6.0 figures give three errors, two warnings and two infos, no more."""
    assert check(slutrapport.load(slutrapport.example_path())) == NIS_FINDINGS


def test_mended_nis_data_gives_no_error_or_warning(nis_data: dict[str, Any]) -> None:
    """With the published errors mended, only the indicators' infos remain."""
    findings = check(from_data(_mended(nis_data)))
    assert [(f.code, f.severity, f.path) for f in findings] == [
        ("indikator-uppfyllt", "info", "resultat.indikatorer[0].utfall"),
        ("indikator-uppfyllt", "info", "resultat.indikatorer[2].utfall"),
    ]
    assert not has_errors(findings)


def _base(*sections: dict[str, Any]) -> dict[str, Any]:
    return {"projekt": {"namn": "Test", "kortnamn": "T", "period": {"fran": 2020, "till": 2021}},
            "avsnitt": list(sections)}


def _codes(data: dict[str, Any]) -> list[tuple[str, str, str, Any, Any]]:
    return [(f.code, f.severity, f.path, f.expected, f.actual) for f in check(from_data(data))]


def test_financing_that_misses_the_outcome_is_an_error_unless_preliminary() -> None:
    """Financing that does not sum to the outcome is an error, a warning while preliminary."""
    data = _base({"typ": "ekonomi", "budget": 100, "utfall": 90,
                  "finansiering": [{"finansiar": "A", "belopp": 80}]})
    assert _codes(data) == [("finansiering-summa", "error", "ekonomi.finansiering", 90, 80)]
    data["avsnitt"][0]["preliminar"] = {"per": "2022-12", "text": "Preliminärt."}
    assert _codes(data) == [("finansiering-summa", "warning", "ekonomi.finansiering", 90, 80)]


def test_amount_under_budget_must_equal_budget_less_outcome() -> None:
    """A stated amount under budget that is not budget − outcome is an error."""
    data = _base({"typ": "ekonomi", "budget": 100, "utfall": 90, "under_budget": 12})
    assert _codes(data) == [("under-budget", "error", "ekonomi.under_budget", 10, 12)]


def test_stated_cost_total_is_compared_with_the_rows() -> None:
    """A stated cost total that differs from the rows is an error of its own; the table then
    has no sum row, so the stated total is listed as not shown."""
    data = _base({"typ": "ekonomi", "budget": 100, "utfall": 30, "summa_kostnader": 31,
                  "kostnader": [{"kategori": "A", "belopp": 10},
                                {"kategori": "B", "belopp": 20}]})
    assert _codes(data) == [("kostnader-summa", "error", "ekonomi.summa_kostnader", 31, 30),
                            ("tal-visas-inte", "info", "ekonomi.summa_kostnader", None, 31)]


def test_participants_must_add_up_and_shares_match_the_counts() -> None:
    """Women + men must equal all, and stated shares must round to the computed ones."""
    data = _base({"typ": "horisontella_kriterier", "deltagare": {
        "kvinnor": 10, "man": 10, "totalt": 21, "andel_kvinnor": 50, "andel_man": 47.6}})
    d = "horisontella_kriterier.deltagare"
    assert _codes(data) == [
        ("deltagare-andel", "error", f"{d}.andel_kvinnor", Decimal(48), Decimal(50)),
        ("deltagare-summa", "error", f"{d}.totalt", 20, 21),
    ]


def test_indicator_below_target_is_reported_as_info() -> None:
    """An indicator under its target is an info finding, not an error."""
    data = _base({"typ": "indikatorer", "id": "resultat", "indikatorer": [
        {"namn": "Jobb", "utfall": 3, "malvarde": 4, "enhet": "jobb"}]})
    assert _codes(data) == [("indikator-ej-uppfyllt", "info", "resultat.indikatorer[0].utfall",
                             Decimal(4), Decimal(3))]


def test_company_percentage_and_count_are_compared_with_the_table() -> None:
    """The stated growth percentage and number of companies are compared with the table."""
    data = _base({"typ": "foretagsprogram", "id": "program_for_tillvaxt", "foretag_slut": 3,
                  "effekt": {
                      "foretag": [{"namn": "A", "anstallda_fore": 10, "anstallda_efter": 12.5}],
                      "okning_procent": 20}})
    e = "program_for_tillvaxt.effekt"
    assert _codes(data) == [
        ("foretag-okning-procent", "error", f"{e}.okning_procent", Decimal(25), Decimal(20)),
        ("foretag-antal", "warning", "program_for_tillvaxt.foretag_slut", 3, 1),
    ]


def test_counts_of_one_in_findings_take_the_singular() -> None:
    """A table of one row, one woman, one man: 'tabellen har 1 rad', '1 kvinna är fler',
    '1 kvinna + 1 man' (not 'rader', 'kvinnor', 'män')."""
    data = _base({"typ": "foretagsprogram", "id": "program", "foretag_slut": 2, "effekt": {
        "foretag": [{"namn": "A", "anstallda_fore": 1, "anstallda_efter": 1}]}},
        {"typ": "horisontella_kriterier", "id": "hk", "deltagare": {"kvinnor": 1, "totalt": 0}},
        {"typ": "horisontella_kriterier", "id": "hk2",
         "deltagare": {"kvinnor": 1, "man": 1, "totalt": 3}})
    assert [f.message for f in check(from_data(data))
            if f.code in ("foretag-antal", "deltagare-fler-an-totalt", "deltagare-summa")] == [
        "1 kvinna är fler än alla deltagare (0 totalt).",
        "1 kvinna + 1 man = 2, men totalt anges 3.",
        "Programmet anges ha 2 företag, men tabellen har 1 rad.",
    ]


def test_figure_link_that_disagrees_or_points_nowhere_is_an_error() -> None:
    """A figure in narrative must match the field it links to, and the field must exist."""
    data = _base({"typ": "text", "id": "inledning", "rubrik": "I", "text": (
        "Vi nådde [2 950](tal:horisontella_kriterier.deltagare.totalt) och "
        "[7](tal:projekt.finns_inte).")},
        {"typ": "horisontella_kriterier", "deltagare": {"kvinnor": 1466, "totalt": 2949}})
    findings = check(from_data(data))
    assert [(f.code, f.path, f.message) for f in findings] == [
        ("tal-i-text", "inledning.text",
         "Texten säger 2 950, men horisontella_kriterier.deltagare.totalt är 2\u00a0949."),
        ("tal-okand-sokvag", "inledning.text",
         "Talet '7' i texten hänvisar till 'projekt.finns_inte', som inte finns i datat."),
    ]


def test_figure_link_to_a_missing_an_empty_or_a_textual_field_says_which() -> None:
    """A link to a path the data lacks, to a figure left empty and to a text field: each error
    says which of the three it is."""
    data = _base({"typ": "text", "id": "inledning", "rubrik": "I", "text": (
        "[7](tal:projekt.finns_inte), [45](tal:aktiviteter.antal) och "
        "[3](tal:aktiviteter.rubrik).")},
        {"typ": "aktiviteter", "omraden": [{"rubrik": "Besök", "antal": 45, "text": "Ja."}]})
    assert [(f.code, f.message) for f in check(from_data(data))
            if f.code == "tal-okand-sokvag"] == [
        ("tal-okand-sokvag", "Talet '7' i texten hänvisar till 'projekt.finns_inte', som inte "
                             "finns i datat."),
        ("tal-okand-sokvag", "Talet '45' i texten hänvisar till 'aktiviteter.antal', som inte "
                             "är ifyllt."),
        ("tal-okand-sokvag", "Talet '3' i texten hänvisar till 'aktiviteter.rubrik', som inte "
                             "är något tal."),
    ]


def test_figure_link_written_with_a_decimal_point_is_told_the_swedish_way() -> None:
    """A figure written 7.5 or 2.400.000 in a text (a point, as in English) is read as 7 and 2:
    the finding says how Swedish text writes it."""
    data = _base({"typ": "text", "id": "inledning", "rubrik": "I", "text": (
        "Vi nådde [1.466](tal:horisontella_kriterier.deltagare.kvinnor).")},
        {"typ": "horisontella_kriterier", "deltagare": {"kvinnor": 1466, "totalt": 2949}})
    assert [(f.code, f.message) for f in check(from_data(data))] == [
        ("tal-i-text", "Texten säger 1.466, men horisontella_kriterier.deltagare.kvinnor är "
                       "1\u00a0466. Svensk text skriver decimalkomma och mellanslag mellan "
                       "tusental (7,5 och 2 400 000), inte punkt.")]


def test_figure_link_to_a_computed_figure_resolves() -> None:
    """A link to a figure the data leaves out (men) resolves to the computed value."""
    data = _base({"typ": "horisontella_kriterier",
                  "deltagare": {"kvinnor": 1466, "totalt": 2949}})
    data["sammanfattning"] = ["[1 483](tal:horisontella_kriterier.deltagare.man) män"]
    assert check(from_data(data)) == []


def test_findings_as_json_keep_numbers_exact() -> None:
    """A finding's JSON form has int or string numbers, never float."""
    data = NIS_FINDINGS[1].as_dict()
    assert data == {"code": "foretag-total-okning", "severity": "error",
                    "path": "program_for_tillvaxt.effekt.summa.okning",
                    "message": "Den totala ökningen anges till 43,5, men 202 − 159,5 = 42,5.",
                    "expected": "42.5", "actual": "43.5", "line": 326}


def test_fixture_yaml_is_plain_yaml() -> None:
    """The fixture loads with a plain safe YAML loader too (no custom tags)."""
    with open(slutrapport.example_path(), encoding="utf-8") as handle:
        data = YAML(typ="safe").load(handle)
    assert [s["id"] for s in data["avsnitt"]] == [
        "inledning", "pandemin", "aktiviteterna", "horisontella_kriterier", "samverkan_umea",
        "program_for_tillvaxt", "resultat", "spridning", "utvardering", "slutsatser",
        "efter_projektet", "kommuner", "ekonomi"]
