r"""Swedish formatting of figures and dates for the report, as pure functions.

Every function takes a value and keyword options, in the style of :mod:`babel`, and returns a
``str``. The locale is CLDR ``sv_SE`` through babel; where babel's output is not what a Swedish
report should print, this module corrects it. The rules:

Numbers
    - Thousands are grouped with NO-BREAK SPACE (U+00A0), so a figure never breaks across lines:
      ``16 713 030``. Four-digit numbers are grouped too (``2 949``, ``1 466``), as babel does
      for ``sv_SE`` and as the report writes them. Any other space babel might emit (an ASCII
      space or NARROW NO-BREAK SPACE, U+202F) is replaced by U+00A0.
    - The decimal separator is a comma: ``159,5``.
    - Negative numbers carry the true MINUS SIGN (U+2212), which is CLDR's ``minusSign`` for
      Swedish; babel's number patterns emit HYPHEN-MINUS (``-``), so it is replaced. A value that
      rounds to zero prints as ``0``, never ``−0`` (babel would print ``-0``).
    - Rounding is HALF-UP: a trailing 5 rounds away from zero (``2,25`` → ``2,3``;
      ``12,5 %`` → ``13 %``), as a reader of a report expects. Babel rounds half-to-even, so
      values are rounded here with :meth:`decimal.Decimal.quantize` (``ROUND_HALF_UP``) before
      babel sees them, and babel is called with ``decimal_quantization=False`` so it does not
      round again.
    - Amounts are whole kronor, ``int`` or integral :class:`~decimal.Decimal`; money is never a
      ``float``, so a float amount is a :class:`TypeError`. Other figures (decimals, per cent)
      accept floats, converted exactly as written through ``Decimal(repr(x))``.
    - Percentages are given in per cent (``49.7`` means 49,7 %) and printed with a no-break
      space before the sign, as CLDR's Swedish percent pattern ``#,##0 %`` does: ``49,7 %``.
      A stated percentage keeps the decimals it is written with (``0,05 %``, ``99,95 %``).
      The whole is ``100 %`` whatever the decimals of the figures above it (a sum row under
      ``29,9 %`` reads ``100 %``, never ``100,0 %``); a share that only rounds to 100 keeps its
      decimals (``100,0 %`` for 99,96 %), so it never passes for the whole.

Dates
    Dates are partial ISO strings, as precise as they are known (``"2022"``, ``"2022-10"``,
    ``"2022-10-31"``), or :class:`datetime.date` objects. They print at their own precision
    (``2022``, ``oktober 2022``, ``31 oktober 2022``), with the lower-case Swedish month names of
    CLDR and ordinary spaces. A period is joined with an EN DASH (U+2013) without spaces, and a
    year shared by both ends is written once: ``mars–september 2022``.

Errors
    ``None`` is a :class:`TypeError`, not an empty string: a template must never silently print
    nothing where a figure belongs. ``bool`` is rejected although it is a subclass of ``int``.
    Other wrong types are :class:`TypeError`; values of the right type that cannot be printed
    (a fraction of a krona, a month 13, a share of a whole of 0) are :class:`ValueError`.
    Messages are in Swedish, because they reach the people who write the report.

The functions are also Jinja filters under Swedish names; see :data:`FILTERS`.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction
from typing import NamedTuple

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import NumberPattern, parse_pattern

__all__ = [
    "EN_DASH",
    "FILTERS",
    "LOCALE",
    "MINUS",
    "NBSP",
    "format_amount",
    "format_date",
    "format_decimal",
    "format_integer",
    "format_list",
    "format_month",
    "format_percent",
    "format_period",
    "format_share",
    "format_signed",
    "percent_places",
]

LOCALE = "sv_SE"
"""The CLDR locale of every text this module produces."""
NBSP = "\u00a0"
"""NO-BREAK SPACE: groups thousands and joins a figure to its unit."""
MINUS = "\u2212"
"""MINUS SIGN, printed before negative numbers instead of a hyphen."""
EN_DASH = "\u2013"
"""EN DASH, joining the two ends of a period."""

_PERCENT_SUFFIX = NBSP + "%"
_OTHER_SPACES = re.compile("[ \u202f\u2009]")
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


# --------------------------------------------------------------------------------------------
# Validation


def _describe(value: object) -> str:
    return type(value).__name__


def _reject_missing(value: object, name: str) -> None:
    if value is None:
        raise TypeError(f"{name}: värdet saknas (None); en mall får inte tyst skriva ut ingenting")
    if isinstance(value, bool):
        raise TypeError(f"{name}: ett sanningsvärde ({value!r}) är inte ett tal")


def _finite(value: Decimal, name: str) -> Decimal:
    if not value.is_finite():
        raise ValueError(f"{name}: {value} är inte ett ändligt tal")
    return value


def _exact(value: object, name: str) -> Decimal:
    """An int or Decimal as a finite Decimal; float and anything else is a TypeError."""
    _reject_missing(value, name)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return _finite(value, name)
    if isinstance(value, float):
        raise TypeError(f"{name}: flyttal ({value!r}) tas inte emot; ange int eller Decimal")
    raise TypeError(f"{name}: väntade int eller Decimal, fick {_describe(value)}")


def _number(value: object, name: str) -> Decimal:
    """An int, Decimal or float as a finite Decimal; a float is taken as written (its repr)."""
    _reject_missing(value, name)
    if isinstance(value, float):
        return _finite(Decimal(repr(value)), name)
    if isinstance(value, int | Decimal):
        return _exact(value, name)
    raise TypeError(f"{name}: väntade int, Decimal eller float, fick {_describe(value)}")


def _whole(value: object, name: str, what: str) -> Decimal:
    number = _exact(value, name)
    if number != number.to_integral_value():
        raise ValueError(f"{name}: {what} ska vara ett heltal, fick {number}")
    return number


def _places(value: object, name: str, option: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: {option} ska vara ett heltal, fick {_describe(value)}")
    if value < 0:
        raise ValueError(f"{name}: {option} får inte vara negativt, fick {value}")
    return value


# --------------------------------------------------------------------------------------------
# Numbers


def _context(value: Decimal, places: int) -> Context:
    """A context exact enough for ``value`` with ``places`` decimals, rounding half-up."""
    return Context(prec=max(28, value.adjusted() + places + 3), rounding=ROUND_HALF_UP)


def _round_half_up(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half away from zero to ``places`` decimals (``-0`` becomes ``0``)."""
    with localcontext(_context(value, places)):
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return rounded.copy_abs() if rounded.is_zero() else rounded


@functools.cache
def _locale() -> Locale:
    return Locale.parse(LOCALE)


@functools.lru_cache(maxsize=64)
def _pattern(decimals: int) -> NumberPattern:
    """``#,##0`` with ``decimals`` fixed decimals, parsed once (babel parses on every call)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


def _format_number(value: Decimal, places: int, *, fixed: bool) -> str:
    """Format ``value`` with ``places`` decimals (exactly, or as few as needed) through babel."""
    with localcontext(_context(value, places)):
        rounded = _round_half_up(value, places)
        if not fixed:
            if rounded == rounded.to_integral_value():
                rounded = rounded.quantize(Decimal(1))
            else:
                rounded = rounded.normalize()
        exponent = rounded.as_tuple().exponent
        assert isinstance(exponent, int)  # finite by construction
        decimals = max(0, -exponent)
        # What babel.numbers.format_decimal does, with the locale and pattern parsed once.
        text = _pattern(decimals).apply(rounded, _locale(), decimal_quantization=False)
    return _OTHER_SPACES.sub(NBSP, text).replace("-", MINUS)


def format_integer(value: int | Decimal) -> str:
    r"""Format a whole number with no-break spaces between thousands.

    Takes an ``int`` or an integral :class:`~decimal.Decimal`; a float is a :class:`TypeError`
    and a Decimal with a fraction a :class:`ValueError`.

    >>> format_integer(16713030)
    '16\xa0713\xa0030'
    >>> format_integer(2949)
    '2\xa0949'
    >>> format_integer(Decimal("202"))
    '202'
    >>> format_integer(-7184)
    '−7\xa0184'
    >>> import unicodedata
    >>> unicodedata.name(format_integer(-7184)[0])
    'MINUS SIGN'
    >>> format_integer(None)
    Traceback (most recent call last):
    TypeError: format_integer: värdet saknas (None); en mall får inte tyst skriva ut ingenting
    """
    number = _whole(value, "format_integer", "talet")
    return _format_number(number, 0, fixed=True)


def format_amount(value: int | Decimal, unit: str = "kr") -> str:
    r"""Format an amount of whole kronor, joined to its unit by a no-break space.

    ``unit=""`` gives the bare figure. Money is never a float: a float is a :class:`TypeError`,
    and a Decimal with öre a :class:`ValueError`.

    >>> format_amount(16713030)
    '16\xa0713\xa0030\xa0kr'
    >>> format_amount(-7184)
    '−7\xa0184\xa0kr'
    >>> format_amount(Decimal("1500000"), unit="tkr")
    '1\xa0500\xa0000\xa0tkr'
    >>> format_amount(250, unit="")
    '250'
    >>> format_amount(12.5)
    Traceback (most recent call last):
    TypeError: format_amount: flyttal (12.5) tas inte emot; ange int eller Decimal
    """
    number = _whole(value, "format_amount", "beloppet (hela kronor)")
    if not isinstance(unit, str):
        raise TypeError(f"format_amount: enheten ska vara en sträng, fick {_describe(unit)}")
    text = _format_number(number, 0, fixed=True)
    return f"{text}{NBSP}{unit}" if unit else text


def format_decimal(value: int | Decimal | float, max_decimals: int = 1) -> str:
    r"""Format a number with a decimal comma and only the decimals it needs.

    The value is rounded half-up to at most ``max_decimals`` decimals; trailing zeros are
    dropped.

    >>> format_decimal(159.5)
    '159,5'
    >>> format_decimal(202)
    '202'
    >>> format_decimal(Decimal("43.50"))
    '43,5'
    >>> format_decimal(Decimal("2.25"))
    '2,3'
    >>> format_decimal(Decimal("1466.04"), max_decimals=2)
    '1\xa0466,04'
    >>> format_decimal(-2)
    '−2'
    >>> format_decimal(Decimal("-0.04"))
    '0'
    """
    number = _number(value, "format_decimal")
    places = _places(max_decimals, "format_decimal", "max_decimals")
    return _format_number(number, places, fixed=False)


def format_signed(value: int | Decimal | float, max_decimals: int = 1) -> str:
    r"""Format a change: like :func:`format_decimal`, with a plus sign before a positive value.

    The sign follows the rounded value, so a change that rounds to zero prints as ``0``.

    >>> format_signed(1.5)
    '+1,5'
    >>> format_signed(-2)
    '−2'
    >>> format_signed(0)
    '0'
    >>> format_signed(Decimal("0.04"))
    '0'
    """
    number = _number(value, "format_signed")
    places = _places(max_decimals, "format_signed", "max_decimals")
    text = _format_number(number, places, fixed=False)
    return "+" + text if _round_half_up(number, places) > 0 else text


PERCENT_PLACES = 4
"""The most decimals a per cent figure is shown with as written. A value with more is the result
of a computation (``1466 / 2949 * 100``), not a stated figure, and shows one decimal."""


def percent_places(value: int | Decimal | float) -> int:
    """The decimals a per cent figure is shown with when none are asked for: those it is written
    with, trailing zeros aside (at most :data:`PERCENT_PLACES`; more: a computed value, one).

    >>> percent_places(Decimal("99.95")), percent_places(Decimal("40.0")), percent_places(27)
    (2, 0, 0)
    >>> percent_places(Decimal("49.71176670057647"))
    1
    """
    number = _number(value, "percent_places")
    exponent = number.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return places if places <= PERCENT_PLACES else 1


def format_percent(value: int | Decimal | float, decimals: int | None = None) -> str:
    r"""Format a value that is already in per cent (``49.7`` means 49,7 %).

    With ``decimals=None`` the value shows the decimals it is written with, trailing zeros aside
    (:func:`percent_places`): a stated 0,05 % stays 0,05 % and 99,95 % stays 99,95 %; a value
    with more than :data:`PERCENT_PLACES` decimals is a computation's result and shows one.
    With ``decimals=n`` it shows exactly ``n``. Rounding is half-up.

    >>> format_percent(49.7)
    '49,7\xa0%'
    >>> format_percent(27)
    '27\xa0%'
    >>> format_percent(Decimal("0.05"))
    '0,05\xa0%'
    >>> format_percent(Decimal("99.950"))
    '99,95\xa0%'
    >>> format_percent(12.5, decimals=0)
    '13\xa0%'
    >>> format_percent(Decimal("0.125"), decimals=2)
    '0,13\xa0%'
    >>> format_percent(27, decimals=1)
    '27,0\xa0%'
    >>> format_percent(100, decimals=1)
    '100\xa0%'
    """
    number = _number(value, "format_percent")
    places = None if decimals is None else _places(decimals, "format_percent", "decimals")
    if places is None or number == 100:  # the whole: 100 %, whatever the column's decimals
        text = _format_number(number, percent_places(number), fixed=False)
    else:
        text = _format_number(number, places, fixed=True)
    return text + _PERCENT_SUFFIX


def format_share(
    part: int | Decimal | float, whole: int | Decimal | float, decimals: int | None = 1
) -> str:
    r"""Format ``part`` as a share of ``whole`` in per cent: ``part / whole * 100``.

    The share is computed exactly (as a fraction) and rounded half-up once. ``decimals`` works as
    in :func:`format_percent` but defaults to exactly one decimal. A ``whole`` of 0 is a
    :class:`ValueError`.

    >>> format_share(1466, 2949)
    '49,7\xa0%'
    >>> format_share(1, 2)
    '50,0\xa0%'
    >>> format_share(1, 8, decimals=None)
    '12,5\xa0%'
    >>> format_share(1, 8, decimals=0)
    '13\xa0%'
    >>> format_share(2949, 2949), format_share(29996, 30000)
    ('100\xa0%', '100,0\xa0%')
    >>> format_share(3, 0)
    Traceback (most recent call last):
    ValueError: format_share: andelen kan inte räknas ut när helheten är 0
    """
    numerator = _number(part, "format_share")
    denominator = _number(whole, "format_share")
    places = 1 if decimals is None else _places(decimals, "format_share", "decimals")
    if denominator.is_zero():
        raise ValueError("format_share: andelen kan inte räknas ut när helheten är 0")
    share = Fraction(numerator) * 100 / Fraction(denominator)
    if share == 100:
        return format_percent(100)
    scaled = abs(share) * 10**places
    # Half-up on the exact fraction: floor(scaled + 1/2), with the sign put back afterwards.
    digits = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    rounded = Decimal((0 if share >= 0 else 1, tuple(map(int, str(digits))), -places))
    if rounded == 100 and decimals is not None:  # rounds to 100 but is not the whole
        return _format_number(rounded, places, fixed=True) + _PERCENT_SUFFIX
    return format_percent(rounded, decimals)


# --------------------------------------------------------------------------------------------
# Dates


class _PartialDate(NamedTuple):
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def first_day(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> _dt.date:
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return _dt.date(self.year, month, calendar.monthrange(self.year, month)[1])


def _parse_date(value: object, name: str) -> _PartialDate:
    if value is None:
        raise TypeError(f"{name}: datumet saknas (None); en mall får inte tyst skriva ut ingenting")
    if isinstance(value, _dt.date):  # a datetime is a date too; its time is not printed
        return _PartialDate(value.year, value.month, value.day)
    if not isinstance(value, str):
        raise TypeError(
            f"{name}: väntade ett datum som sträng (t.ex. 2022-10) eller datetime.date, "
            f"fick {_describe(value)}"
        )
    match = _PARTIAL_DATE.fullmatch(value)
    if match is None:
        raise ValueError(f"{name}: ogiltigt datum {value!r}; skriv 2022, 2022-10 eller 2022-10-31")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None  # the pattern requires the year
    try:
        _dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"{name}: ogiltigt datum {value!r}") from exc
    return _PartialDate(year, month, day)


def _month_name(date: _PartialDate) -> str:
    return _babel_format_date(date.first_day, "LLLL", locale=LOCALE)


def _render(date: _PartialDate, *, year: bool = True, month: bool = True) -> str:
    words: list[str] = []
    if date.day is not None:
        words.append(str(date.day))
    if date.month is not None and month:
        words.append(_month_name(date))
    if year:
        words.append(str(date.year))
    return " ".join(words)


def format_date(value: str | _dt.date) -> str:
    """Format a date at the precision it is known to.

    >>> format_date("2022-10-31")
    '31 oktober 2022'
    >>> format_date("2022-10")
    'oktober 2022'
    >>> format_date("2022")
    '2022'
    >>> import datetime
    >>> format_date(datetime.date(2020, 5, 1))
    '1 maj 2020'
    """
    return _render(_parse_date(value, "format_date"))


def format_month(value: str | _dt.date) -> str:
    """Format a date to the month, dropping a day; a date known only to the year is an error.

    >>> format_month("2022-10-31")
    'oktober 2022'
    >>> format_month("2022-10")
    'oktober 2022'
    >>> format_month("2022")
    Traceback (most recent call last):
    ValueError: format_month: datumet '2022' saknar månad
    """
    date = _parse_date(value, "format_month")
    if date.month is None:
        raise ValueError(f"format_month: datumet {value!r} saknar månad")
    return _render(date._replace(day=None))


def format_period(start: str | _dt.date, end: str | _dt.date) -> str:
    """Format a period from ``start`` to ``end``, joined by an en dash (U+2013).

    Each end prints at its own precision. When both ends have the same precision (month or day)
    and the same year, the year is written once, and for days in one month the month too. A
    period whose ends are the same date prints as that date. An end before the start is a
    :class:`ValueError`.

    >>> format_period("2019", "2022")
    '2019–2022'
    >>> format_period("2020-05", "2022-09")
    'maj 2020–september 2022'
    >>> format_period("2022-03", "2022-09")
    'mars–september 2022'
    >>> format_period("2022-09-01", "2022-09-30")
    '1–30 september 2022'
    >>> format_period("2022-10", "2022-10")
    'oktober 2022'
    """
    first = _parse_date(start, "format_period")
    last = _parse_date(end, "format_period")
    if first == last:
        return _render(first)
    if first.first_day > last.last_day:
        raise ValueError(f"format_period: perioden slutar ({end}) före den börjar ({start})")
    same_precision = (first.month is None) == (last.month is None) and (first.day is None) == (
        last.day is None
    )
    if same_precision and first.month is not None and first.year == last.year:
        left = _render(first, year=False, month=first.day is None or first.month != last.month)
    else:
        left = _render(first)
    return f"{left}{EN_DASH}{_render(last)}"


def format_list(items: Iterable[object]) -> str:
    """A Swedish enumeration: the items joined by commas, the last two by "och".

    >>> format_list(["Robertsfors", "Vindeln", "Vännäs"]), format_list(["Umeå"]), format_list([])
    ('Robertsfors, Vindeln och Vännäs', 'Umeå', '')
    """
    texts = [str(item) for item in items]
    return ", ".join(texts[:-1]) + " och " + texts[-1] if len(texts) > 1 else "".join(texts)


FILTERS: dict[str, Callable[..., str]] = {
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
"""The functions as Jinja filters, under the Swedish names the templates use."""
