"""Reading YAML: YAML 1.2 scalars, lines of every field, and the sections' ids and places."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

import pytest

from slutrapport import example_path
from slutrapport.checks import check
from slutrapport.errors import InputError
from slutrapport.loader import from_data, load, read_yaml
from slutrapport.models import Text


def test_scalars_follow_yaml_1_2_so_words_and_dates_stay_text(tmp_path: Path) -> None:
    """'no', 'on' and dates stay text; numbers become int or exact Decimal; tags are honoured."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "a: no\nb: on\nc: 2022-10-31\nd: 12\ne: 159.5\nf: !!str 12\ng: '7'\nh: ~\ni: true\n"
        "j: 0x1F\nk: 1e3\nl: -2\nm: |\n  rad\n", encoding="utf-8")
    data, lines = read_yaml(path)
    assert data == {"a": "no", "b": "on", "c": "2022-10-31", "d": 12, "e": Decimal("159.5"),
                    "f": "12", "g": "7", "h": None, "i": True, "j": 31, "k": Decimal("1e3"),
                    "l": -2, "m": "rad\n"}
    assert type(data["d"]) is int and type(data["e"]) is Decimal
    assert [lines[(k,)] for k in "abcdefghijklm"] == list(range(1, 14))


def test_lines_are_recorded_for_nested_keys_and_list_items(tmp_path: Path) -> None:
    """Every key and list item has its 1-based line, nested ones included."""
    path = tmp_path / "r.yaml"
    path.write_text("ekonomi:\n  kostnader:\n    - kategori: A\n      belopp: 1\n"
                    "    - kategori: B\n      belopp: 2\n", encoding="utf-8")
    data, lines = read_yaml(path)
    assert data == {"ekonomi": {"kostnader": [{"kategori": "A", "belopp": 1},
                                              {"kategori": "B", "belopp": 2}]}}
    assert {k: v for k, v in lines.items() if k} == {
        ("ekonomi",): 1, ("ekonomi", "kostnader"): 2,
        ("ekonomi", "kostnader", 0): 3, ("ekonomi", "kostnader", 0, "kategori"): 3,
        ("ekonomi", "kostnader", 0, "belopp"): 4,
        ("ekonomi", "kostnader", 1): 5, ("ekonomi", "kostnader", 1, "kategori"): 5,
        ("ekonomi", "kostnader", 1, "belopp"): 6,
    }


def test_sections_without_an_id_take_their_kind_numbered_when_it_recurs() -> None:
    """An id left out is the kind's name, numbered (text_1, text_2) when the kind recurs."""
    report = from_data({
        "projekt": {"namn": "P", "kortnamn": "P", "period": {"fran": 2020, "till": 2021}},
        "avsnitt": [{"typ": "text", "rubrik": "A"}, {"typ": "ekonomi", "budget": 1, "utfall": 1},
                    {"typ": "text", "rubrik": "B"}, {"typ": "text", "id": "slut", "rubrik": "C"}],
    })
    assert ([s.id for s in report.avsnitt], [s.id for s in report.sections(Text)],
            report.display_loc(("avsnitt", 2, "rubrik"))) == (
        ["text_1", "ekonomi", "text_2", "slut"], ["text_1", "text_2", "slut"],
        ("text_2", "rubrik"))


def test_a_section_is_placed_at_its_lines_and_named_by_its_id(tmp_path: Path) -> None:
    """A finding inside a section names the section's id and the line of the field."""
    path = tmp_path / "r.yaml"
    path.write_text("projekt:\n  namn: P\n  kortnamn: P\n  period: {fran: 2020, till: 2021}\n"
                    "avsnitt:\n  - typ: ekonomi\n    id: pengar\n    budget: 10\n    utfall: 9\n"
                    "    under_budget: 2\n", encoding="utf-8")
    report = load(path)
    assert [(f.path, f.line) for f in check(report)] == [("pengar.under_budget", 10)]


def test_reading_pauses_the_garbage_collector_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    """The collector is on again after a report is read and after one that can't be; one that
    the caller turned off stays off."""
    broken = tmp_path / "trasig.yaml"
    broken.write_text("projekt: [\n", encoding="utf-8")
    states = []
    load(example_path("lappland20"))
    states.append(gc.isenabled())
    with pytest.raises(InputError):
        load(broken)
    states.append(gc.isenabled())
    gc.disable()
    try:
        load(example_path("lappland20"))
        states.append(gc.isenabled())
    finally:
        gc.enable()
    assert states == [True, True, False]
