"""Checks across lists: municipalities, financiers, periods, the report date and participants."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slutrapport.checks import Finding, check
from slutrapport.loader import from_data, read_yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NBSP = "\u00a0"


def _load(name: str) -> tuple[dict[str, Any], dict[Any, int]]:
    data, lines = read_yaml(FIXTURES / name)
    assert isinstance(data, dict)
    return data, lines


def _section(data: dict[str, Any], sid: str) -> dict[str, Any]:
    found = next(s for s in data["avsnitt"] if s.get("id") == sid)
    assert isinstance(found, dict)
    return found


def _findings(name: str, mutate: Callable[[dict[str, Any]], None]) -> list[Finding]:
    data, lines = _load(name)
    changed = copy.deepcopy(data)
    mutate(changed)
    return check(from_data(changed, lines=lines))


def _infos(name: str) -> list[Finding]:
    data, lines = _load(name)
    return check(from_data(data, lines=lines))


def _with(name: str, *extra: Finding) -> list[Finding]:
    """The example's own findings plus the extra ones, in the order check sorts them."""
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted([*_infos(name), *extra],
                  key=lambda f: (order[f.severity], f.line or 0, f.path, f.code))


def test_the_examples_have_no_cross_list_finding() -> None:
    """NIS 6.0 names the same municipalities and financiers in every list: no new finding."""
    codes = {f.code for name in ("nis60.yaml", "lappland20.yaml") for f in _infos(name)}
    assert codes.isdisjoint({"kommun-okand", "kommun-saknas", "finansiar-okand",
                             "finansiar-saknas", "period-utanfor", "rapportdatum",
                             "foretag-kommun", "deltagare-fler-an-totalt"})


def test_a_municipality_without_its_story_and_a_story_of_another_are_both_named() -> None:
    """Renaming one story's municipality gives a warning at the story and one for the lost name."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "kommuner")["kommuner"][1]["namn"] = "Umeå"

    data, lines = _load("nis60.yaml")
    index = data["avsnitt"].index(_section(data, "kommuner"))
    assert _findings("nis60.yaml", mutate) == _with(
        "nis60.yaml",
        Finding("kommun-okand", "warning", "kommuner.kommuner[1].namn",
                "Umeå har en berättelse men står inte bland projektets kommuner "
                "(projekt.kommuner).",
                ["Robertsfors", "Vindeln", "Vännäs", "Bjurholm", "Nordmaling"], "Umeå",
                lines[("avsnitt", index, "kommuner", 1, "namn")]),
        Finding("kommun-saknas", "warning", "kommuner.kommuner",
                "Vindeln står bland projektets kommuner (projekt.kommuner[1]) men har ingen "
                "berättelse här.", "Vindeln", None,
                lines[("avsnitt", index, "kommuner")]),
    )


def test_names_match_whatever_their_case_and_spacing() -> None:
    """'  VINDELN ' is the municipality Vindeln: no finding."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "kommuner")["kommuner"][1]["namn"] = "  VINDELN "

    assert _findings("nis60.yaml", mutate) == _infos("nis60.yaml")


def test_a_financier_missing_from_the_rows_and_a_row_of_another_are_both_named() -> None:
    """A financing row under a name nothing on the title page is near gives two warnings, one
    at each place."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "ekonomi")["finansiering"][1]["finansiar"] = "Almi Företagspartner"

    data, lines = _load("nis60.yaml")
    index = data["avsnitt"].index(_section(data, "ekonomi"))
    named = data["projekt"]["finansiarer"]
    assert _findings("nis60.yaml", mutate) == _with(
        "nis60.yaml",
        Finding("finansiar-okand", "warning", "ekonomi.finansiering[1].finansiar",
                "Almi Företagspartner står i finansieringen men inte bland projektets "
                "finansiärer (projekt.finansiarer).", named, "Almi Företagspartner",
                lines[("avsnitt", index, "finansiering", 1, "finansiar")]),
        Finding("finansiar-saknas", "warning", "ekonomi.finansiering",
                "Region Västerbotten står bland projektets finansiärer "
                "(projekt.finansiarer[1]) men har ingen rad i finansieringen.",
                "Region Västerbotten", None, lines[("avsnitt", index, "finansiering")]),
    )


@pytest.mark.parametrize(("written", "listed"), [
    ("Region Västerbottten", "Region Västerbotten"),  # a letter too many
    ("Region Norrbotten", "Region Västerbotten"),  # the region next door
    ("region västerbotten län", "Region Västerbotten"),  # a word more
])
def test_a_misspelt_financier_is_one_warning_naming_the_one_it_likely_means(
        written: str, listed: str) -> None:
    """A financing row whose name is near a listed financier without a row is one warning at
    the row, asking whether that financier is meant — not a second one for the 'missing' row."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "ekonomi")["finansiering"][1]["finansiar"] = written

    data, lines = _load("nis60.yaml")
    index = data["avsnitt"].index(_section(data, "ekonomi"))
    named = data["projekt"]["finansiarer"]
    assert named[1] == listed
    assert _findings("nis60.yaml", mutate) == _with(
        "nis60.yaml",
        Finding("finansiar-okand", "warning", "ekonomi.finansiering[1].finansiar",
                f"{written} står i finansieringen men inte bland projektets finansiärer "
                f"(projekt.finansiarer). Menade du {listed} (projekt.finansiarer[1]), som "
                "saknar rad i finansieringen?", named, written,
                lines[("avsnitt", index, "finansiering", 1, "finansiar")]),
    )


def test_a_misspelt_municipality_is_one_warning_naming_the_one_it_likely_means() -> None:
    """A story of 'Vindlen' where Vindeln has none is one warning asking whether Vindeln is
    meant."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "kommuner")["kommuner"][1]["namn"] = "Vindlen"

    data, lines = _load("nis60.yaml")
    index = data["avsnitt"].index(_section(data, "kommuner"))
    assert _findings("nis60.yaml", mutate) == _with(
        "nis60.yaml",
        Finding("kommun-okand", "warning", "kommuner.kommuner[1].namn",
                "Vindlen har en berättelse men står inte bland projektets kommuner "
                "(projekt.kommuner). Menade du Vindeln (projekt.kommuner[1]), som saknar "
                "berättelse?",
                ["Robertsfors", "Vindeln", "Vännäs", "Bjurholm", "Nordmaling"], "Vindlen",
                lines[("avsnitt", index, "kommuner", 1, "namn")]),
    )


def test_a_name_left_unfilled_is_not_called_unknown() -> None:
    """A story whose name is still the new report's '…' is left to the unfilled info, not
    called a municipality the project doesn't list."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "kommuner")["kommuner"].append({"namn": "…", "text": "…"})

    assert {f.code for f in _findings("nis60.yaml", mutate)} - {
        f.code for f in _infos("nis60.yaml")} == {"ej-ifyllt"}


@pytest.mark.parametrize(("fran", "till", "shown"), [
    ("2018-11", "2022-09", "november 2018–september 2022"),
    ("2020-05", "2023-01", "maj 2020–januari 2023"),
])
def test_a_programme_period_outside_the_project_is_a_warning(fran: str, till: str,
                                                             shown: str) -> None:
    """A programme that starts before or ends after the project is named with both periods."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "program_for_tillvaxt")["period"] = {"fran": fran, "till": till}

    data, lines = _load("nis60.yaml")
    index = data["avsnitt"].index(_section(data, "program_for_tillvaxt"))
    assert _findings("nis60.yaml", mutate) == _with(
        "nis60.yaml",
        Finding("period-utanfor", "warning", "program_for_tillvaxt.period",
                f"Programmets period {shown} ligger utanför projektets period 2019–2022 "
                "(projekt.period).", "2019–2022", shown,
                lines[("avsnitt", index, "period")]),
    )


def test_a_period_ending_in_the_projects_last_month_is_inside() -> None:
    """'2022-12' ends within a project that runs to '2022': partial dates cover their whole span."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "program_for_tillvaxt")["period"] = {"fran": "2019-01", "till": "2022-12"}

    assert _findings("nis60.yaml", mutate) == _infos("nis60.yaml")


def test_a_report_dated_before_the_project_started_is_an_error() -> None:
    """A report date of 2018-06 for a project from 2019 is an error naming both dates."""
    def mutate(data: dict[str, Any]) -> None:
        data["projekt"]["rapportdatum"] = "2018-06"

    _, lines = _load("nis60.yaml")
    assert _findings("nis60.yaml", mutate) == _with(
        "nis60.yaml",
        Finding("rapportdatum", "error", "projekt.rapportdatum",
                "Rapporten är daterad juni 2018, före projektets start 2019 "
                "(projekt.period.fran).", "2019", "2018-06", lines[("projekt", "rapportdatum")]),
    )


def test_a_company_in_a_municipality_outside_the_project_is_a_warning() -> None:
    """A programme company placed in Piteå, not one of the project's municipalities, is named."""
    def mutate(data: dict[str, Any]) -> None:
        _section(data, "program_for_tillvaxt")["effekt"]["foretag"][0]["kommun"] = "Piteå"

    data, lines = _load("lappland20.yaml")
    name = _section(data, "program_for_tillvaxt")["effekt"]["foretag"][0]["namn"]
    index = data["avsnitt"].index(_section(data, "program_for_tillvaxt"))
    assert _findings("lappland20.yaml", mutate) == _with(
        "lappland20.yaml",
        Finding("foretag-kommun", "warning", "program_for_tillvaxt.effekt.foretag[0].kommun",
                f"{name} ligger i Piteå, som inte står bland projektets kommuner "
                "(projekt.kommuner).", data["projekt"]["kommuner"], "Piteå",
                lines[("avsnitt", index, "effekt", "foretag", 0)]),
    )


def test_more_women_than_all_participants_is_an_error() -> None:
    """Women stated as more than all participants (men left to compute) is an error."""
    def mutate(data: dict[str, Any]) -> None:
        participants = _section(data, "horisontella_kriterier")["deltagare"]
        participants.pop("man", None)
        participants.pop("andel_man", None)
        participants.pop("andel_kvinnor", None)
        participants["kvinnor"] = 3000

    data, lines = _load("nis60.yaml")
    index = data["avsnitt"].index(_section(data, "horisontella_kriterier"))
    found = [f for f in _findings("nis60.yaml", mutate) if f.code.startswith("deltagare")]
    assert found == [
        Finding("deltagare-fler-an-totalt", "error", "horisontella_kriterier.deltagare.kvinnor",
                f"3{NBSP}000 kvinnor är fler än alla deltagare (2{NBSP}949 totalt).",
                2949, 3000, lines[("avsnitt", index, "deltagare", "kvinnor")]),
    ]
