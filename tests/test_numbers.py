"""The one reader of Swedish-written numbers (slutrapport.numbers.parse_number), in each of the
places it reads: the data file, a register's cell and the figure a figure link shows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from slutrapport.numbers import parse_number


@pytest.mark.parametrize(("text", "expected"), [
    ("16 713 030", Decimal("16713030")),
    ("16\u00a0713\u00a0030", Decimal("16713030")),
    ("16\u202f713\u2009030", Decimal("16713030")),
    ("159,5", Decimal("159.5")),
    ("159.5", Decimal("159.5")),
    ("\u22122", Decimal("-2")),
    ("1e3", Decimal("1E+3")),
    ("1.234,5", None),
    ("1'234", None),
    ("12 kr", None),
    ("tolv", None),
    ("1" * 61, None),
])
def test_a_value_in_the_data_file_is_read_as_decimal_reads_it_the_swedish_way(
        text: str, expected: Decimal | None) -> None:
    """Blanks between groups go, a comma (or point) is the decimal mark, the minus sign a minus."""
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1 234,50", Decimal("1234.50")),
    ("1.234,50 kr", Decimal("1234.50")),
    ("1,234.50", Decimal("1234.50")),
    ("1.234.567", Decimal("1234567")),
    ("1'234 SEK", Decimal("1234")),
    ("12:-", Decimal("12")),
    ("\u2212300", Decimal("-300")),
    ("1e3", None),
    ("12 äpplen", None),
])
def test_a_register_cell_may_group_digits_with_points_and_carry_a_unit(
        text: str, expected: Decimal | None) -> None:
    """A cell's number: points or apostrophes may group digits, the later of a comma and a point
    is the decimal mark, kr, SEK or :- after it is dropped; nothing else is a number."""
    assert parse_number(text, grouping=True, unit=True) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2 949", Decimal("2949")),
    ("49,7 %", Decimal("49.7")),
    ("49,8%", Decimal("49.8")),
    ("15 470 690 kr", Decimal("15470690")),
    ("\u22122 anställda", Decimal("-2")),
    ("2.949", Decimal("2")),
    ("cirka 300", None),
])
def test_the_figure_a_link_shows_is_the_number_it_starts_with(
        text: str, expected: Decimal | None) -> None:
    """A figure link's text starts with its figure; decimals follow a comma; the rest is words."""
    assert parse_number(text, leading=True) == expected
