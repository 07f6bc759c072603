"""The one "did you mean" (slutrapport.names.nearest) and the names it compares."""

from __future__ import annotations

import pytest

from slutrapport.names import nearest, same_name, slug

COSTS = ["Personal", "Resor och logi", "Externa tjänster", "Material och lokaler",
         "Schablonkostnader"]
MUNICIPALITIES = [("Umeå", "umea"), ("Skellefteå", "skelleftea"), ("Vännäs", "vannas"),
                  ("Robertsfors", "robertsfors")]


@pytest.mark.parametrize(("given", "expected"), [
    ("Resa", "Resor och logi"),
    ("Resor o logi", "Resor och logi"),
    ("personal", "Personal"),
    ("Extern tjänst", "Externa tjänster"),
    ("Schablon", "Schablonkostnader"),
    ("Material", "Material och lokaler"),
])
def test_a_cost_category_is_found_by_a_word_or_a_misspelling(given: str, expected: str) -> None:
    """Whole words count above letters: a word of the category written nearly right finds it."""
    assert nearest(given, COSTS) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("Skelleftå", "Skellefteå"),
    ("skelleftea", "Skellefteå"),
    ("VANNAS", "Vännäs"),
    ("Robertfors", "Robertsfors"),
])
def test_a_name_given_with_its_id_is_suggested_by_its_name(given: str, expected: str) -> None:
    """Names and ids are both compared, without regard to case and accents; the name is what
    is suggested, never the id."""
    assert nearest(given, MUNICIPALITIES) == expected


@pytest.mark.parametrize("given", ["Beta AB", "Kalle Anka", "", "   "])
def test_nothing_near_is_no_suggestion(given: str) -> None:
    """A shared little word (AB, och) or nothing at all is no likeness: no suggestion."""
    assert nearest(given, ["Alfa AB", "Gamma och Sigma AB"]) is None


def test_of_two_alike_the_first_given_is_suggested() -> None:
    """When two candidates are as near, the first one given is the suggestion."""
    assert nearest("tabel", ["tabell", "tabeller"]) == "tabell"
    assert nearest("ab", ["ac", "ad"]) is None
    assert nearest("abc", ["abd", "abe"]) == "abd"


def test_the_cutoff_decides_how_alike_is_near_enough() -> None:
    """A lower cutoff lets a looser likeness through."""
    assert (nearest("ekonomin", ["ekonomi"]), nearest("ek", ["ekonomi"]),
            nearest("ek", ["ekonomi"], cutoff=0.4)) == ("ekonomi", None, "ekonomi")


def test_same_name_and_slug() -> None:
    """Names are the same whatever their case and spacing; an id is made ASCII snake_case."""
    assert (same_name("Vännäs", " VÄNNÄS "), same_name("Umeå", "Umea"),
            slug("Samverkan Umeå"), slug("2023 års plan"), slug("")) == (
        True, False, "samverkan_umea", "avsnitt_2023_ars_plan", "avsnitt")
