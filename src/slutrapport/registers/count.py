"""Figures counted from a register's rows: activities, participants by gender, companies, kronor.

Each function takes any list of rows, so code can count figures of its own (per municipality
and year, say); the checks (:mod:`slutrapport._registercheck`) and ``fill`` count the report's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from slutrapport.names import name_key
from slutrapport.numbers import share
from slutrapport.registers.rows import (
    Aktivitet,
    Deltagarrad,
    Finansieringsrad,
    Foretagsrad,
    Kostnadsrad,
)

__all__ = ["Insatssiffror", "Konsfordelning", "aktiviteter_per_ar", "aktiviteter_per_kommun",
           "aktiviteter_per_omrade", "company_key", "deltagare_per_aktivitet",
           "deltagare_per_omrade", "deltagare_totalt", "finansiering_per_finansiar",
           "foretagstabell", "insatssiffror", "kostnader_per_kategori", "round_to_total",
           "unika_foretag", "unika_personer"]


class Konsfordelning(BaseModel):
    """Participants by gender: women, men, all and the shares in per cent (one decimal)."""

    model_config = ConfigDict(frozen=True)

    kvinnor: int
    man: int

    @property
    def totalt(self) -> int:
        """Women and men together."""
        return self.kvinnor + self.man

    @property
    def andel_kvinnor(self) -> Decimal:
        """Women in per cent of all, half-up to one decimal (0 when there is nobody)."""
        return share(self.kvinnor, self.totalt) if self.totalt else Decimal(0)

    @property
    def andel_man(self) -> Decimal:
        """Men in per cent of all, half-up to one decimal (0 when there is nobody)."""
        return share(self.man, self.totalt) if self.totalt else Decimal(0)


def aktiviteter_per_omrade(rows: Iterable[Aktivitet]) -> dict[str, int]:
    """Activities per area id."""
    out: dict[str, int] = {}
    for r in rows:
        out[r.omrade] = out.get(r.omrade, 0) + 1
    return out


def aktiviteter_per_kommun(rows: Iterable[Aktivitet]) -> dict[str | None, int]:
    """Activities per municipality id (None: rows without a municipality)."""
    out: dict[str | None, int] = {}
    for r in rows:
        out[r.kommun] = out.get(r.kommun, 0) + 1
    return out


def aktiviteter_per_ar(rows: Iterable[Aktivitet]) -> dict[int, int]:
    """Activities per calendar year."""
    out: dict[int, int] = {}
    for r in rows:
        out[r.datum.year] = out.get(r.datum.year, 0) + 1
    return out


def deltagare_totalt(rows: Iterable[Aktivitet]) -> Konsfordelning:
    """All participants of the activities, counted as attendances (as a report counts them)."""
    women = men = 0
    for r in rows:
        women += r.kvinnor
        men += r.man
    return Konsfordelning(kvinnor=women, man=men)


def deltagare_per_omrade(rows: Iterable[Aktivitet]) -> dict[str, Konsfordelning]:
    """Participants (attendances) per area id."""
    sums: dict[str, list[int]] = {}
    for r in rows:
        pair = sums.setdefault(r.omrade, [0, 0])
        pair[0] += r.kvinnor
        pair[1] += r.man
    return {k: Konsfordelning(kvinnor=w, man=m) for k, (w, m) in sums.items()}


def deltagare_per_aktivitet(rows: Iterable[Aktivitet]) -> list[tuple[Aktivitet, Konsfordelning]]:
    """Each activity with its participants by gender."""
    return [(r, Konsfordelning(kvinnor=r.kvinnor, man=r.man)) for r in rows]


def unika_personer(rows: Iterable[Deltagarrad]) -> Konsfordelning:
    """Unique persons by gender (each person key once, with the gender of its first row)."""
    seen: dict[str, str] = {}
    for r in rows:
        seen.setdefault(r.person, r.kon)
    women = sum(1 for g in seen.values() if g == "kvinna")
    return Konsfordelning(kvinnor=women, man=len(seen) - women)


def company_key(row: Foretagsrad) -> str:
    """What tells enterprises apart: the organisation number, else the name (any case)."""
    return row.organisationsnummer or name_key(row.namn)


def unika_foretag(log: Iterable[Aktivitet] = (), companies: Iterable[Foretagsrad] = ()) -> int:
    """Unique enterprises reached, as the EU's guidance on multiple counting asks: the company
    register's by organisation number (by name where it has none), and the names in the log's
    ``foretag`` column that are no company of the register, each once (whatever its case or
    spacing)."""
    listed = list(companies)
    keys = {company_key(c) for c in listed}
    names = {name_key(c.namn) for c in listed}
    keys |= {name_key(r.foretag) for r in log if r.foretag and name_key(r.foretag) not in names}
    return len(keys)


class Insatssiffror(BaseModel):
    """An effort of a participant programme as its rows count it: occasions (dates), hours
    (each occasion once), unique persons by gender, and the rows counted."""

    model_config = ConfigDict(frozen=True)

    tillfallen: int
    timmar: Decimal | None
    kvinnor: int
    man: int
    rader: tuple[int, ...]

    @property
    def totalt(self) -> int:
        """Unique persons, women and men."""
        return self.kvinnor + self.man


def insatssiffror(rows: Iterable[Deltagarrad]) -> Insatssiffror:
    """One effort's figures from its rows: each date an occasion, whose hours are its first
    row's (None when no row gives hours); each person once, with the gender of its first row."""
    dates: dict[object, Decimal | None] = {}
    persons: dict[str, str] = {}
    numbers = []
    for r in rows:
        numbers.append(r.rad)
        if dates.get(r.datum) is None:
            dates[r.datum] = r.timmar
        persons.setdefault(r.person, r.kon)
    hours = [h for h in dates.values() if h is not None]
    women = sum(1 for g in persons.values() if g == "kvinna")
    return Insatssiffror(tillfallen=len(dates), timmar=sum(hours, Decimal(0)) if hours else None,
                         kvinnor=women, man=len(persons) - women, rader=tuple(numbers))


def foretagstabell(rows: Iterable[Foretagsrad]) -> dict[str, Foretagsrad]:
    """The company table by enterprise (:func:`company_key`; the first row of each)."""
    out: dict[str, Foretagsrad] = {}
    for r in rows:
        out.setdefault(company_key(r), r)
    return out


def _kronor(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_to_total(amounts: Sequence[Decimal]) -> tuple[list[int], int]:
    """Exact amounts in whole kronor that add up to their exact sum rounded once (half up):
    each is its exact amount rounded down, and the kronor left go to the largest remainders
    (the first of equal ones) — so each is within a krona of its exact amount, and amounts
    that are whole stay as they are.

    >>> round_to_total([Decimal("0.50"), Decimal("0.50")])
    ([1, 0], 1)
    >>> round_to_total([Decimal("100000.50"), Decimal("7")])
    ([100001, 7], 100008)
    """
    total = _kronor(sum(amounts, Decimal(0)))
    floors = [int(a.to_integral_value(rounding=ROUND_FLOOR)) for a in amounts]
    extra = total - sum(floors)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    out = list(floors)
    for i in order[:extra]:
        out[i] += 1
    return out, total


def kostnader_per_kategori(rows: Iterable[Kostnadsrad]) -> dict[str, int]:
    """Costs per category in whole kronor: öre summed first, then rounded half-up."""
    sums: dict[str, Decimal] = {}
    for r in rows:
        sums[r.kategori] = sums.get(r.kategori, Decimal(0)) + r.belopp
    return {k: _kronor(v) for k, v in sums.items()}


def finansiering_per_finansiar(rows: Iterable[Finansieringsrad]) -> dict[str, int]:
    """Financing per financier in whole kronor (summed, then rounded half-up)."""
    sums: dict[str, Decimal] = {}
    for r in rows:
        sums[r.finansiar] = sums.get(r.finansiar, Decimal(0)) + r.belopp
    return {k: _kronor(v) for k, v in sums.items()}
