"""Reading YAML: YAML 1.2 scalars, lines of every field, and speed-independent correctness."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from slutrapport.loader import read_yaml


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
