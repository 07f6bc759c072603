"""Figures: reading a number written the Swedish way, rounding and shares.

:func:`parse_number` is the one reader of numbers written as text, wherever they come from: a
value in the data file (``"159,5"``, ``"16 713 030"``, ``"−2"``), a cell of a register
(``"1 234,50 kr"``, ``"1.234.567"``) or the figure a figure link shows in a text
(``[2 949](tal:…)``, ``"49,7 %"``). What differs between them is said by its options, each the
rule of one place; the steps are the same.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from slutrapport.formatting import percent_places

__all__ = ["MAX_PLACES", "MAX_TEXT_LENGTH", "column_places", "figure", "parse_number",
           "round_like", "share", "share_places"]

MAX_TEXT_LENGTH = 60
"""A number written as text with more characters than this is not read (a mistake, or an
attack: ``Decimal`` of a very long text is costly)."""

MAX_PLACES = 20
"""The most decimals a comparison rounds to; a stated figure with more is compared at this."""

_BLANKS = "\\s\u00a0\u202f\u2009"
"""Spaces between digit groups: any white space, the no-break spaces (also the narrow one) and
the thin space."""
_LEADING = re.compile(f"^[{_BLANKS}]*([+\\-\u2212]?[\\d{_BLANKS}]*\\d(?:,\\d+)?)")
_UNIT = re.compile(r"(?i)(kr|sek|:-)$")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_number(text: str, *, grouping: bool = False, unit: bool = False,
                 leading: bool = False) -> Decimal | None:
    """The number a text writes, or None if it writes none.

    Spaces between digit groups are dropped, the minus sign (U+2212) is a minus and a comma is
    the decimal mark. By default (a value in the data file) the rest is read as Python's
    ``Decimal`` reads it, so ``"159.5"`` and ``"1e3"`` are numbers too. The options are the
    rules of other places:

    - ``grouping`` (a register's cells): an apostrophe or a point may group digits too
      (``1'234``, ``1.234.567``); with both a comma and a point, the later is the decimal mark;
      only plain digits with one decimal mark are a number;
    - ``unit``: a unit after the figure (``kr``, ``SEK``, ``:-``) is dropped;
    - ``leading`` (the figure a text shows, ``2 949 deltagare``): the number the text starts
      with, decimals after a comma only; what follows it is not read.

    >>> parse_number("16 713 030"), parse_number("−2"), parse_number("159,5")
    (Decimal('16713030'), Decimal('-2'), Decimal('159.5'))
    >>> parse_number("1.234,50 kr", grouping=True, unit=True), parse_number("1.234.567")
    (Decimal('1234.50'), None)
    >>> parse_number("49,7\xa0%", leading=True), parse_number("ungefär 3", leading=True)
    (Decimal('49.7'), None)
    """
    if leading:
        found = _LEADING.match(text)
        if found is None:
            return None
        text = found.group(1)
    if len(text) > MAX_TEXT_LENGTH:
        return None
    text = re.sub(f"[{_BLANKS}{chr(39) if grouping else ''}]", "", text).replace("\u2212", "-")
    if unit:
        text = _UNIT.sub("", text)
    if not grouping:
        text = text.replace(",", ".")
    elif "," in text and "." in text:
        text = (text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".")
                else text.replace(",", ""))
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if (grouping or leading) and not _PLAIN.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def figure(value: object) -> Decimal | None:
    """A figure as a Decimal; None for anything that is not a number (a truth value included).

    >>> figure(3), figure(Decimal("2.5")), figure(True), figure("3")
    (Decimal('3'), Decimal('2.5'), None, None)
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def round_like(value: Decimal, shown: Decimal) -> Decimal:
    """Round value half-up to as many decimals as the stated figure shows.

    >>> round_like(Decimal("49.7118"), Decimal("49.7"))
    Decimal('49.7')
    """
    with localcontext() as ctx:
        # Bounded: a figure in a text may be written with any number of decimals, and a
        # quantize beyond the context's precision raises instead of rounding.
        ctx.prec = 60
        exponent = shown.normalize().as_tuple().exponent
        places = max(min(exponent, 0), -MAX_PLACES) if isinstance(exponent, int) else 0
        return value.quantize(Decimal(1).scaleb(places), rounding=ROUND_HALF_UP)


def share(part: Decimal | int, whole: Decimal | int, places: int = 1) -> Decimal:
    """``part`` in per cent of ``whole``, rounded half-up to ``places`` decimals (one).

    >>> share(1466, 2949), share(1466, 2949, 2)
    (Decimal('49.7'), Decimal('49.71'))
    """
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal(1).scaleb(-places),
                                                           ROUND_HALF_UP)


def share_places(*stated: Decimal | None) -> int:
    """The decimals a computed share keeps beside stated ones (of the same table): one, or
    as many as the most precise stated share shows.

    >>> share_places(Decimal("49.75"), None), share_places(None), share_places(Decimal("40"))
    (2, 1, 1)
    """
    return max([1, *(percent_places(s) for s in stated if s is not None)])


def column_places(*stated: Decimal | None) -> int:
    """The decimals every share of one column shows (the whole, 100 %, aside): those of the
    most precise share in it — the stated ones as written, a computed one (None here) with
    :func:`share_places` — so a column never reads 40 % beside 53,3 %.

    >>> column_places(Decimal("40"), None), column_places(Decimal("40"), Decimal("60"))
    (1, 0)
    >>> column_places(Decimal("49.75"), Decimal("50.3")), column_places(None, None)
    (2, 1)
    """
    if all(s is not None for s in stated):
        return max([0, *(percent_places(s) for s in stated if s is not None)])
    return share_places(*stated)
