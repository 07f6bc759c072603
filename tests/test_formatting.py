"""Tests of the Swedish formatting of figures and dates (slutrapport.formatting).

Expected strings spell NO-BREAK SPACE (U+00A0), MINUS SIGN (U+2212) and EN DASH (U+2013) as
escapes, so every assertion is checked code point by code point.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from babel.dates import format_date as babel_format_date
from babel.numbers import format_percent as babel_format_percent
from babel.numbers import get_group_symbol, get_minus_sign_symbol
from hypothesis import given
from hypothesis import strategies as st

from slutrapport.formatting import (
    FILTERS,
    format_amount,
    format_date,
    format_decimal,
    format_integer,
    format_month,
    format_percent,
    format_period,
    format_share,
    format_signed,
)

NBSP = "\u00a0"
MINUS = "\u2212"
EN_DASH = "\u2013"


def plain(text: str) -> str:
    """Undo the typography: drop NBSP, turn U+2212 into '-' and the decimal comma into '.'."""
    return text.replace(NBSP, "").replace(MINUS, "-").replace(",", ".")


# --------------------------------------------------------------------------------------------
# Whole numbers and amounts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (202, "202"),
        (999, "999"),
        (1466, "1\u00a0466"),
        (2949, "2\u00a0949"),
        (10000, "10\u00a0000"),
        (16713030, "16\u00a0713\u00a0030"),
        (-7184, "\u22127\u00a0184"),
        (Decimal("202"), "202"),
        (Decimal("2949.0"), "2\u00a0949"),
        (Decimal("1E+3"), "1\u00a0000"),
        (Decimal("-0"), "0"),
        (10**30, "1" + "\u00a0000" * 10),
    ],
)
def test_format_integer_groups_thousands_with_nbsp(value: int | Decimal, expected: str) -> None:
    """Whole numbers are grouped by threes with NO-BREAK SPACE, four-digit numbers included."""
    assert format_integer(value) == expected


def test_format_amount_joins_kr_with_nbsp() -> None:
    """An amount is grouped with NBSP and joined to "kr" by NBSP."""
    assert format_amount(16713030) == "16\u00a0713\u00a0030\u00a0kr"


def test_format_amount_uses_no_ordinary_spaces() -> None:
    """No ASCII space appears anywhere in a formatted amount, so it never breaks across lines."""
    text = format_amount(16713030)
    assert "\u00a0" in text
    assert " " not in text
    assert "\u202f" not in text


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0, "kr", "0\u00a0kr"),
        (-7184, "kr", "\u22127\u00a0184\u00a0kr"),
        (Decimal("1500000"), "kr", "1\u00a0500\u00a0000\u00a0kr"),
        (1500, "tkr", "1\u00a0500\u00a0tkr"),
        (250, "", "250"),
    ],
)
def test_format_amount_cases(value: int | Decimal, unit: str, expected: str) -> None:
    """Amounts print whole kronor with the given unit, or bare when the unit is empty."""
    assert format_amount(value, unit=unit) == expected


def test_format_amount_rejects_float() -> None:
    """Money is never a float: a float amount is a TypeError."""
    with pytest.raises(TypeError, match="flyttal"):
        format_amount(12.0)  # type: ignore[arg-type]


def test_format_amount_rejects_fraction_of_krona() -> None:
    """A Decimal amount with öre is a ValueError, since amounts are whole kronor."""
    with pytest.raises(ValueError, match="heltal"):
        format_amount(Decimal("12.50"))


def test_format_integer_rejects_float_and_fraction() -> None:
    """format_integer takes int or integral Decimal only."""
    with pytest.raises(TypeError):
        format_integer(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        format_integer(Decimal("1.5"))


# --------------------------------------------------------------------------------------------
# Decimals, signs and rounding


@pytest.mark.parametrize(
    ("value", "max_decimals", "expected"),
    [
        (159.5, 1, "159,5"),
        (202, 1, "202"),
        (Decimal("43.50"), 1, "43,5"),
        (Decimal("43.00"), 1, "43"),
        (Decimal("2.25"), 1, "2,3"),
        (Decimal("2.35"), 1, "2,4"),
        (Decimal("-2.25"), 1, "\u22122,3"),
        (Decimal("0.05"), 1, "0,1"),
        (Decimal("-0.04"), 1, "0"),
        (Decimal("9999.95"), 1, "10\u00a0000"),
        (1466.5, 1, "1\u00a0466,5"),
        (Decimal("1.005"), 2, "1,01"),
        (Decimal("1.10"), 2, "1,1"),
        (2.675, 2, "2,68"),
        (0.1, 3, "0,1"),
        (Decimal("3.7"), 0, "4"),
        (-2, 1, "\u22122"),
    ],
)
def test_format_decimal_cases(value: Any, max_decimals: int, expected: str) -> None:
    """Decimals use a comma, show only needed decimals and round half-up."""
    assert format_decimal(value, max_decimals=max_decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.5, "+1,5"),
        (Decimal("12"), "+12"),
        (-2, "\u22122"),
        (0, "0"),
        (Decimal("0.04"), "0"),
        (Decimal("-0.04"), "0"),
        (Decimal("0.05"), "+0,1"),
        (1200, "+1\u00a0200"),
    ],
)
def test_format_signed_marks_positive_changes(value: Any, expected: str) -> None:
    """A positive change gets '+', a negative one U+2212, and one that rounds to zero neither."""
    assert format_signed(value) == expected


def test_negative_numbers_use_minus_sign_not_hyphen() -> None:
    """Negative figures start with MINUS SIGN U+2212, CLDR's Swedish minus, never '-'."""
    assert get_minus_sign_symbol("sv_SE") == MINUS
    for text in (format_decimal(-2), format_integer(-5), format_amount(-7184), format_percent(-3)):
        assert text.startswith(MINUS)
        assert "-" not in text


def test_group_separator_matches_cldr() -> None:
    """The thousands separator is CLDR's Swedish group symbol, NO-BREAK SPACE."""
    assert get_group_symbol("sv_SE") == NBSP
    assert format_integer(1000)[1] == NBSP


# --------------------------------------------------------------------------------------------
# Percentages and shares


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (49.7, None, "49,7\u00a0%"),
        (27, None, "27\u00a0%"),
        (Decimal("27.0"), None, "27\u00a0%"),
        (Decimal("33.35"), None, "33,35\u00a0%"),
        (Decimal("0.05"), None, "0,05\u00a0%"),
        (Decimal("99.95"), None, "99,95\u00a0%"),
        (Decimal("49.71176670057647"), None, "49,7\u00a0%"),
        (12.5, 0, "13\u00a0%"),
        (Decimal("0.125"), 2, "0,13\u00a0%"),
        (27, 1, "27,0\u00a0%"),
        (Decimal("49.70"), 2, "49,70\u00a0%"),
        (100, None, "100\u00a0%"),
        (Decimal("-3.5"), 0, "\u22124\u00a0%"),
    ],
)
def test_format_percent_cases(value: Any, decimals: int | None, expected: str) -> None:
    """Per cent values print with decimal comma, NBSP before '%' and half-up rounding."""
    assert format_percent(value, decimals=decimals) == expected


def test_format_percent_suffix_matches_babel() -> None:
    """The ' %' suffix is the one babel's sv_SE percent pattern produces (for a whole number)."""
    assert format_percent(27) == babel_format_percent(Decimal("0.27"), locale="sv_SE")


@pytest.mark.parametrize(
    ("part", "whole", "decimals", "expected"),
    [
        (1466, 2949, 1, "49,7\u00a0%"),
        (1, 2, 1, "50,0\u00a0%"),
        (1, 2, None, "50\u00a0%"),
        (1, 8, 0, "13\u00a0%"),
        (1, 8, None, "12,5\u00a0%"),
        (1, 3, 2, "33,33\u00a0%"),
        (2, 3, 1, "66,7\u00a0%"),
        (Decimal("159.5"), 319, 0, "50\u00a0%"),
        (0, 5, 1, "0,0\u00a0%"),
        (-1, 8, 0, "\u221213\u00a0%"),
    ],
)
def test_format_share_cases(part: Any, whole: Any, decimals: int | None, expected: str) -> None:
    """A share is part/whole*100, rounded half-up once from the exact fraction."""
    assert format_share(part, whole, decimals=decimals) == expected


def test_format_share_of_zero_whole_is_value_error() -> None:
    """A share of a whole of 0 cannot be computed and says so in Swedish."""
    with pytest.raises(ValueError, match="andelen kan inte räknas ut när helheten är 0"):
        format_share(3, 0)


# --------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-10-31", "31 oktober 2022"),
        ("2022-10-01", "1 oktober 2022"),
        ("2022-10", "oktober 2022"),
        ("2022", "2022"),
        ("2020-05", "maj 2020"),
        (dt.date(2022, 3, 9), "9 mars 2022"),
        (dt.datetime(2022, 3, 9, 15, 30), "9 mars 2022"),
    ],
)
def test_format_date_prints_known_precision(value: str | dt.date, expected: str) -> None:
    """A date prints to the year, month or day, as precisely as it is given."""
    assert format_date(value) == expected


def test_format_date_of_a_day_matches_babel_long_format() -> None:
    """A full date is what babel's sv_SE 'long' date format gives."""
    day = dt.date(2022, 10, 31)
    assert format_date(day) == babel_format_date(day, "long", locale="sv_SE")


@pytest.mark.parametrize(
    ("month", "name"),
    list(enumerate(
        [
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ],
        start=1,
    )),
)
def test_month_names_are_lower_case_swedish(month: int, name: str) -> None:
    """Every month prints with its lower-case Swedish name."""
    assert format_month(f"2022-{month:02d}") == f"{name} 2022"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-10-31", "oktober 2022"),
        ("2022-10", "oktober 2022"),
        (dt.date(2019, 1, 15), "januari 2019"),
    ],
)
def test_format_month_drops_the_day(value: str | dt.date, expected: str) -> None:
    """format_month always prints month precision."""
    assert format_month(value) == expected


def test_format_month_of_a_year_is_value_error() -> None:
    """A date known only to the year has no month to print."""
    with pytest.raises(ValueError, match="saknar månad"):
        format_month("2022")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2019", "2022", "2019\u20132022"),
        ("2020-05", "2022-09", "maj 2020\u2013september 2022"),
        ("2022-03", "2022-09", "mars\u2013september 2022"),
        ("2022-10", "2022-10", "oktober 2022"),
        ("2022", "2022", "2022"),
        ("2022-09-01", "2022-09-30", "1\u201330 september 2022"),
        ("2022-03-01", "2022-09-30", "1 mars\u201330 september 2022"),
        ("2021-12-01", "2022-01-31", "1 december 2021\u201331 januari 2022"),
        ("2019", "2022-09", "2019\u2013september 2022"),
        (dt.date(2020, 5, 1), dt.date(2020, 5, 1), "1 maj 2020"),
    ],
)
def test_format_period_cases(start: str | dt.date, end: str | dt.date, expected: str) -> None:
    """A period joins its ends with an en dash and writes a shared year once."""
    assert format_period(start, end) == expected


def test_format_period_uses_en_dash() -> None:
    """The range sign is EN DASH U+2013, not a hyphen."""
    text = format_period("2019", "2022")
    assert EN_DASH in text
    assert "-" not in text


def test_format_period_rejects_end_before_start() -> None:
    """A period that ends before it starts is a ValueError."""
    with pytest.raises(ValueError, match="före den börjar"):
        format_period("2022-10", "2022-09")


@pytest.mark.parametrize("value", ["22", "2022-1", "2022-13", "2022-02-30", "2022/10", " 2022"])
def test_format_date_rejects_malformed_dates(value: str) -> None:
    """A string that is not a valid partial ISO date is a ValueError."""
    with pytest.raises(ValueError, match="ogiltigt datum"):
        format_date(value)


# --------------------------------------------------------------------------------------------
# Wrong types and missing values

NUMBER_FUNCTIONS: list[Callable[[Any], str]] = [
    format_integer,
    format_amount,
    format_decimal,
    format_percent,
    format_signed,
]
DATE_FUNCTIONS: list[Callable[[Any], str]] = [format_date, format_month]


@pytest.mark.parametrize("function", NUMBER_FUNCTIONS + DATE_FUNCTIONS)
def test_none_is_a_type_error_not_an_empty_string(function: Callable[[Any], str]) -> None:
    """None raises TypeError, so a template never silently prints nothing."""
    with pytest.raises(TypeError, match="saknas"):
        function(None)


def test_share_and_period_reject_none() -> None:
    """The two-argument functions reject None in either position."""
    with pytest.raises(TypeError):
        format_share(None, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_share(3, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_period("2019", None)  # type: ignore[arg-type]


@pytest.mark.parametrize("function", NUMBER_FUNCTIONS)
@pytest.mark.parametrize("value", [True, False])
def test_bool_is_rejected(function: Callable[[Any], str], value: bool) -> None:
    """A bool is not a number here, although bool is a subclass of int."""
    with pytest.raises(TypeError, match="sanningsvärde"):
        function(value)


@pytest.mark.parametrize("function", NUMBER_FUNCTIONS)
@pytest.mark.parametrize("value", ["12", "1,5", [1], Fraction(1, 2)])
def test_non_numbers_are_type_errors(function: Callable[[Any], str], value: object) -> None:
    """Strings and other objects are TypeError: parsing belongs to the data model."""
    with pytest.raises(TypeError):
        function(value)


@pytest.mark.parametrize("function", [format_decimal, format_percent, format_integer])
@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_non_finite_decimals_are_value_errors(
    function: Callable[[Any], str], value: Decimal
) -> None:
    """NaN and infinities cannot be printed as figures."""
    with pytest.raises(ValueError):
        function(value)


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_floats_are_value_errors(value: float) -> None:
    """NaN and infinite floats cannot be printed as figures."""
    with pytest.raises(ValueError):
        format_decimal(value)


@pytest.mark.parametrize("value", [2022, 2022.0, None])
def test_dates_reject_non_date_types(value: object) -> None:
    """A date must be a partial ISO string or a datetime.date."""
    with pytest.raises(TypeError):
        format_date(value)  # type: ignore[arg-type]


def test_decimal_options_are_validated() -> None:
    """max_decimals and decimals must be non-negative ints."""
    with pytest.raises(ValueError):
        format_decimal(1, max_decimals=-1)
    with pytest.raises(TypeError):
        format_decimal(1, max_decimals=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_percent(1, decimals=True)


# --------------------------------------------------------------------------------------------
# Filters


def test_filters_map_swedish_names_to_functions() -> None:
    """FILTERS exposes each function under its Swedish Jinja filter name."""
    expected = {
        "tal": format_integer,
        "kr": format_amount,
        "decimal": format_decimal,
        "procent": format_percent,
        "andel": format_share,
        "datum": format_date,
        "manad": format_month,
        "period": format_period,
        "tecken": format_signed,
    }
    assert dict(FILTERS) == expected


# --------------------------------------------------------------------------------------------
# Properties


def half_up(value: Fraction, places: int) -> Fraction:
    """Reference rounding: half away from zero, on exact fractions."""
    scaled = abs(value) * 10**places
    rounded = math.floor(scaled + Fraction(1, 2))
    return Fraction(rounded if value >= 0 else -rounded, 10**places)


@given(st.integers())
def test_format_integer_round_trips(n: int) -> None:
    """Removing NBSP and turning U+2212 into '-' gives back the integer."""
    text = format_integer(n)
    assert " " not in text
    assert "-" not in text
    assert int(text.replace(NBSP, "").replace(MINUS, "-")) == n


@given(st.decimals(places=2, allow_nan=False, allow_infinity=False))
def test_format_decimal_round_trips_two_places(value: Decimal) -> None:
    """With max_decimals=2, a Decimal with two places reads back exactly."""
    assert Decimal(plain(format_decimal(value, max_decimals=2))) == value


@given(
    st.one_of(
        st.integers(min_value=-(10**15), max_value=10**15),
        st.decimals(allow_nan=False, allow_infinity=False, places=6),
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    ),
    st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
)
def test_format_percent_has_no_ascii_space_or_hyphen(value: Any, decimals: int | None) -> None:
    """A formatted percentage never contains an ASCII space or a hyphen-minus."""
    text = format_percent(value, decimals=decimals)
    assert " " not in text
    assert "-" not in text
    assert text.endswith(NBSP + "%")


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
    ),
    st.integers(min_value=0, max_value=3),
)
def test_format_decimal_rounds_half_up(value: Decimal, places: int) -> None:
    """format_decimal agrees with exact half-away-from-zero rounding."""
    expected = half_up(Fraction(value), places)
    assert Fraction(Decimal(plain(format_decimal(value, max_decimals=places)))) == expected
    assert value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == Decimal(
        expected.numerator
    ) / Decimal(expected.denominator)


@given(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=3),
)
def test_format_share_rounds_exact_fraction_half_up(part: int, whole: int, places: int) -> None:
    """format_share equals the exact part/whole*100 rounded half-up with fixed decimals (the
    whole itself: 100 %, without decimals)."""
    text = format_share(part, whole, decimals=places)
    number = plain(text.removesuffix(NBSP + "%"))
    assert Fraction(Decimal(number)) == half_up(Fraction(part * 100, whole), places)
    assert len(number.partition(".")[2]) == (0 if part == whole else places)
