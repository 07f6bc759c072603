"""A register's rows, typed, each with its place; how each register was read; its problems.

:class:`Registers` is what :func:`~slutrapport.registers.read_registers` gives: the counted rows
of each register (:class:`Aktivitet`, :class:`Deltagarrad`, :class:`Foretagsrad`,
:class:`Kostnadsrad`, :class:`Finansieringsrad`, each with ``fil``, ``blad`` and ``rad``), how each
was read (:class:`Lasning`) and every problem found (:class:`RegisterProblem`).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Field

from slutrapport.kinds import Severity
from slutrapport.registers.files import clip

__all__ = ["Aktivitet", "Deltagarrad", "Finansieringsrad", "Foretagsrad", "Kostnadsrad",
           "Lasning", "RegisterProblem", "Registers", "row_list", "row_span"]


class _Row(BaseModel):
    """Where a row stands: the file, the sheet (None for .csv) and the sheet's row number."""

    model_config = ConfigDict(frozen=True)

    fil: str = Field(description="Registrets fil.")
    blad: str | None = Field(None, description="Bladet (None för en .csv-fil).")
    rad: int = Field(description="Radnumret på bladet (rubrikraden är rad 1).")

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """A row of values the reader has checked, given for every field and in the model's
        order: the row ``model_construct`` makes of them, without its walk over each field's
        aliases and defaults (0.3 s of the 0.75 s the rows of a 100 000-row log took). With
        fields left out, it is ``model_construct``'s own.

        Every such row of a class shares one set of the fields given: a row is frozen, so the
        set never changes (a copy gets a set of its own), and a set for each of 100 000 rows
        was 70 MB."""
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = _plain_fields(cls)
        if len(values) != len(names):
            return cast(Self, cls.model_construct(**values))  # the plugin types it as _Row
        row: Self = cls.__new__(cls)
        _set(row, "__dict__", values)
        _set(row, "__pydantic_fields_set__", names)
        _set(row, "__pydantic_extra__", None)
        _set(row, "__pydantic_private__", None)
        return row


_set = object.__setattr__
_FIELD_NAMES: dict[type[BaseModel], set[str]] = {}


def _plain_fields(cls: type[BaseModel]) -> set[str]:
    """The model's field names, if ``model_construct`` would make nothing more of values for
    all of them than their dict (no aliases, post-init, extras or private attributes) and its
    rows are frozen; else none, so that every row is ``model_construct``'s."""
    fields = cls.__pydantic_fields__
    plain = bool(cls.model_config.get("frozen")) and not cls.__pydantic_post_init__ and \
        not cls.__private_attributes__ and cls.model_config.get("extra") != "allow" and \
        not cls.__pydantic_root_model__ and \
        all(f.alias is None and f.validation_alias is None for f in fields.values())
    return set(fields) if plain else set()


class Aktivitet(_Row):
    """One activity (an occasion) of the activity log and its participants, women and men."""

    datum: _dt.date
    omrade: str = Field(description="Aktivitetsområdets id.")
    kommun: str | None = Field(None, description="Kommunens id, om angiven.")
    aktivitet: str | None = Field(None, description="Vad som gjordes.")
    foretag: str | None = Field(None, description="Företaget som besöktes eller deltog.")
    kvinnor: int = 0
    man: int = 0

    @property
    def totalt(self) -> int:
        """All participants of the activity."""
        return self.kvinnor + self.man


class Deltagarrad(_Row):
    """One person at one occasion (the participant register)."""

    person: str = Field(description="Personens nyckel (samma för samma person).")
    kon: Literal["kvinna", "man"]
    datum: _dt.date
    omrade: str = Field(description="Aktivitetsområdets eller deltagarprogrammets id.")
    kommun: str | None = None
    insats: str | None = Field(None, description="Programmets insats, som rapporten namnger den.")
    timmar: Decimal | None = Field(None, description="Tillfällets längd i timmar.")


class Foretagsrad(_Row):
    """A programme company and its head count before and after (halves allowed)."""

    namn: str
    organisationsnummer: str | None = Field(
        None, description="Organisationsnumret, NNNNNN-NNNN (kontrollsiffran stämmer).")
    kommun: str | None = None
    anstallda_fore: Decimal
    anstallda_efter: Decimal

    @property
    def okning(self) -> Decimal:
        """After less before."""
        return self.anstallda_efter - self.anstallda_fore


class Kostnadsrad(_Row):
    """A booked cost (the ledger): its category as the report names it, amount in kronor."""

    datum: _dt.date
    kategori: str = Field(description="Kostnadsslaget, som rapporten skriver det.")
    belopp: Decimal = Field(description="Beloppet i kronor, med ören.")
    verifikation: str | None = None
    konto: str | None = None


class Finansieringsrad(_Row):
    """An amount from a financier (the financier as the report names it)."""

    finansiar: str
    belopp: Decimal
    datum: _dt.date | None = None


class RegisterProblem(BaseModel):
    """Something wrong in a register, located: the message names file, sheet, row and column.

    One problem per cause: the same problem on many rows (an area the report lacks on 226 rows)
    is one problem whose ``rows`` lists every row, and whose message counts them.
    """

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    source: str = Field(description="The register's key (aktivitetslogg, deltagare …).")
    message: str
    row: int | None = Field(None, description="The first row the problem is on.")
    rows: tuple[int, ...] = Field((), description="Every row the problem is on, in order.")
    counted: bool = Field(
        True, description="Whether the rows were counted all the same (False: left out).")


class Lasning(BaseModel):
    """How one register was read."""

    fil: str = Field(description="Filen, som rapporten anger den.")
    blad: str | None = Field(None, description="Bladet som lästes (None för .csv).")
    rader: int = Field(0, description="Datarader (tomma rader inte medräknade).")
    ej_raknade: int = Field(0, description="Rader som inte räknades (fel i raden).")
    forsta_rad: int | None = Field(None, description="Första dataraden.")
    sista_rad: int | None = Field(None, description="Sista dataraden.")
    kolumner: bool = Field(True, description="Om registrets kolumner kunde hittas.")
    ej_raknade_belopp: dict[int, Decimal | None] = Field(
        default_factory=dict,
        description="Huvudbokens och finansieringens rader som inte räknades, med beloppet "
                    "(None: beloppet kan inte läsas), så att en summa kan säga vad den saknar.")


class Registers(BaseModel):
    """What the report's registers hold: the counted rows, how each was read, the problems."""

    aktivitetslogg: list[Aktivitet] = Field(default_factory=list)
    deltagare: list[Deltagarrad] = Field(default_factory=list)
    foretag: list[Foretagsrad] = Field(default_factory=list)
    kostnader: list[Kostnadsrad] = Field(default_factory=list)
    finansiering: list[Finansieringsrad] = Field(default_factory=list)
    lasta: dict[str, Lasning] = Field(
        default_factory=dict, description="Registren som lästes, per nyckel.")
    problem: list[RegisterProblem] = Field(default_factory=list)

    def usable(self, key: str) -> bool:
        """Whether the register was named and its columns found (so its figures can be used)."""
        read = self.lasta.get(key)
        return read is not None and read.kolumner

    def where(self, key: str, rows: Iterable[int] | None = None) -> str:
        """'blad Logg, rad 2–901': the sheet and the rows (all data rows unless given)."""
        read = self.lasta[key]
        parts = [f"blad {clip(read.blad)}"] if read.blad else []
        if rows is None:
            if read.forsta_rad is not None:
                parts.append(row_span([read.forsta_rad, read.sista_rad or read.forsta_rad]))
            else:
                parts.append("inga rader")
        else:
            numbers = sorted(set(rows))
            parts.append(row_list(numbers) if numbers else "inga rader")
        return ", ".join(parts)


def row_span(bounds: Sequence[int]) -> str:
    first, last = bounds[0], bounds[-1]
    return f"rad {first}" if first == last else f"rad {first}–{last}"


def row_list(numbers: Sequence[int], most: int = 6) -> str:
    """'rad 2–4, 9, 12–40' (at most ``most`` runs, then '…')."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    shown = [str(a) if a == b else f"{a}–{b}" for a, b in runs[:most]]
    more = " …" if len(runs) > most else ""
    return f"rad {', '.join(shown)}{more}"
