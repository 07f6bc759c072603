"""The block ``register:`` in a report: which registers it names, and what each register holds.

:data:`REGISTERS` describes each register a report can name (its key, default sheet, name in
messages and columns, :class:`RegisterSpec`); :class:`Registerfiler` is the block itself, checked
as the report is read (a file of a spreadsheet's kind, known columns and labels, ids as ids).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from slutrapport.fields import Modell
from slutrapport.names import ID_PATTERN, nearest

__all__ = ["ALIASES", "LABELLED", "REGISTERS", "SECTION_KEYS", "TITLES", "RegisterKey",
           "RegisterSpec", "Registerfiler"]

RegisterKey = Literal["aktivitetslogg", "deltagare", "foretag", "kostnader", "finansiering"]


@dataclass(frozen=True)
class RegisterSpec:
    """A register: its key under ``register:``, default sheet, name in messages and columns."""

    key: RegisterKey
    sheet: str
    called: str
    """The register as messages name it, definite form: 'aktivitetsloggen'."""
    required: tuple[str, ...]
    optional: tuple[str, ...]
    neuter: bool
    """Whether its name is a neuter word (ett register: 'registret är tomt'; en logg, en
    huvudbok: 'huvudboken är tom')."""

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the register knows, required ones first."""
        return self.required + self.optional


REGISTERS: dict[str, RegisterSpec] = {
    s.key: s for s in (
        RegisterSpec("aktivitetslogg", "Logg", "aktivitetsloggen",
                     ("datum", "omrade", "kvinnor", "man"),
                     ("kommun", "aktivitet", "totalt", "foretag", "ej_dubblett"), neuter=False),
        RegisterSpec("deltagare", "Deltagare", "deltagarregistret",
                     ("person", "kon", "datum", "omrade"),
                     ("kommun", "insats", "timmar", "ej_dubblett"), neuter=True),
        RegisterSpec("foretag", "Foretag", "företagsregistret",
                     ("namn", "anstallda_fore", "anstallda_efter"),
                     ("organisationsnummer", "kommun", "ej_dubblett"), neuter=True),
        RegisterSpec("kostnader", "Huvudbok", "huvudboken",
                     ("datum", "kategori", "belopp"), ("verifikation", "konto", "ej_dubblett"),
                     neuter=False),
        RegisterSpec("finansiering", "Finansiering", "finansieringsregistret",
                     ("finansiar", "belopp"), ("datum", "ej_dubblett"), neuter=True),
    )
}
"""Every register a report can name, by its key under ``register:``."""

TITLES = {
    "datum": "Datum", "omrade": "Område", "kommun": "Kommun", "aktivitet": "Aktivitet",
    "kvinnor": "Kvinnor", "man": "Män", "totalt": "Totalt", "foretag": "Företag",
    "person": "Person", "kon": "Kön", "namn": "Namn", "anstallda_fore": "Anställda före",
    "anstallda_efter": "Anställda efter", "kategori": "Kategori", "belopp": "Belopp",
    "verifikation": "Verifikation", "finansiar": "Finansiär", "insats": "Insats",
    "timmar": "Timmar", "organisationsnummer": "Organisationsnummer", "konto": "Konto",
    "ej_dubblett": "Ej dubblett",
}
"""Each column's title as messages (and new registers) write it."""

ALIASES = {"orgnr": "organisationsnummer", "org_nr": "organisationsnummer",
           "organisationsnr": "organisationsnummer", "org_nummer": "organisationsnummer",
           "verifikationsnummer": "verifikation", "ver_nr": "verifikation",
           "vernr": "verifikation", "kontonummer": "konto"}
"""Other headers (as :func:`~slutrapport.registers.normalize_header` folds them) that name a
column without a ``kolumner`` mapping: ``Org.nr`` is the organisation number."""

LABELLED = ("omrade", "kommun", "kategori", "finansiar")
"""The columns whose values ``register.etiketter`` may map."""

SECTION_KEYS = ("deltagare", "deltagarprogram", "foretag", "ekonomi")
"""What ``register.avsnitt`` may name a section for."""


class Registerfiler(Modell):
    """The registers a report is counted from (the top-level key ``register``)."""

    mapp: str | None = Field(
        None, description="Mappen där registren ligger, relativt rapportfilen (t.ex. register).")
    aktivitetslogg: str | None = Field(
        None, description="Aktivitetsloggen (.xlsx, .ods eller .csv): en rad per aktivitet.")
    deltagare: str | None = Field(
        None, description="Deltagarregistret: en rad per person och tillfälle.")
    foretag: str | None = Field(
        None, description="Programföretagen med anställda före och efter.")
    kostnader: str | None = Field(
        None, description="Huvudboken (kostnaderna per kostnadsslag).")
    finansiering: str | None = Field(
        None, description="Finansieringen per finansiär.")
    kolumner: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Registrets egna kolumnrubriker och vilken kolumn de är, per register, "
                    "t.ex. kostnader: {Kontonamn: kategori}.")
    omraden: dict[str, str] = Field(
        default_factory=dict,
        description="Aktivitetsområdenas id och rubriken i rapporten, t.ex. "
                    "foretagsbesok: Uppsökande verksamhet hos företag.")
    kommuner: dict[str, str] = Field(
        default_factory=dict,
        description="Kommunernas id och namnet i projekt.kommuner, där id inte är namnet i "
                    "små bokstäver utan å, ä och ö.")
    etiketter: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Registrets egna benämningar och vad de betyder, per kolumn (omrade, "
                    "kommun, kategori, finansiar), t.ex. omrade: {Företagsbesök: foretagsbesok}.")
    avsnitt: dict[str, str] = Field(
        default_factory=dict,
        description="Vilket avsnitt (id) registren jämförs med när flera kan komma i fråga: "
                    "deltagare, deltagarprogram, foretag eller ekonomi.")
    deltagare_som: Literal["personer", "besok"] | None = Field(
        None,
        description="Hur deltagarna i det horisontella avsnittet räknas: personer (unika, ur "
                    "deltagarregistret) eller besok (ur aktivitetsloggen). Utan den: personer "
                    "när det finns ett deltagarregister, annars besök.")
    ej_dubbletter: dict[str, list[int]] = Field(
        default_factory=dict,
        description="Rader som liknar en annan rad men inte är dubbletter, per register, t.ex. "
                    "kostnader: [14, 15] (radnumren på bladet).")

    @field_validator("aktivitetslogg", "deltagare", "foretag", "kostnader", "finansiering")
    @classmethod
    def _file_name(cls, value: str | None) -> str | None:
        if value is not None and Path(value).suffix.lower() not in _SUFFIXES:
            raise ValueError(f"registret ska vara en .xlsx-, .xls-, .ods- eller .csv-fil, "
                             f"inte '{value}'")
        return value

    @field_validator("kolumner")
    @classmethod
    def _columns(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for key, mapping in value.items():
            spec = REGISTERS.get(key)
            if spec is None:
                raise ValueError(f"okänt register '{key}'{_hint(key, list(REGISTERS))}; "
                                 f"registren är {', '.join(REGISTERS)}")
            for title, column in mapping.items():
                if column not in spec.columns:
                    raise ValueError(
                        f"'{title}' ska vara en av kolumnerna i {key} "
                        f"({', '.join(spec.columns)}), inte '{column}'"
                        f"{_hint(column, list(spec.columns))}")
        return value

    @field_validator("omraden", "kommuner")
    @classmethod
    def _ids(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not re.fullmatch(ID_PATTERN, str(key)):
                raise ValueError(f"id '{key}' ska ha små bokstäver a–z, siffror och _ och "
                                 "börja med en bokstav, t.ex. foretagsbesok")
        return value

    @field_validator("etiketter")
    @classmethod
    def _labels(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for column in value:
            if column not in LABELLED:
                raise ValueError(f"etiketter kan anges för kolumnerna {', '.join(LABELLED)}, "
                                 f"inte '{column}'{_hint(column, list(LABELLED))}")
        return value

    @field_validator("avsnitt")
    @classmethod
    def _sections(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key not in SECTION_KEYS:
                raise ValueError(f"avsnitt kan anges för {', '.join(SECTION_KEYS)}, inte "
                                 f"'{key}'{_hint(key, list(SECTION_KEYS))}")
        return value

    @field_validator("ej_dubbletter")
    @classmethod
    def _not_duplicates(cls, value: dict[str, list[int]]) -> dict[str, list[int]]:
        for key, rows in value.items():
            if key not in REGISTERS:
                raise ValueError(f"okänt register '{key}'{_hint(key, list(REGISTERS))}; "
                                 f"registren är {', '.join(REGISTERS)}")
            for row in rows:
                if row < 2:
                    raise ValueError(f"rad {row} är ingen datarad i {key} (rubriken är rad 1, "
                                     "den första dataraden rad 2)")
        return value

    def named(self) -> list[tuple[str, str]]:
        """The registers named, as (key, file), in the order of :data:`REGISTERS`."""
        return [(key, getattr(self, key)) for key in REGISTERS if getattr(self, key)]


_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def _hint(word: str, choices: Iterable[str]) -> str:
    close = nearest(word, choices)
    return f" (menade du '{close}'?)" if close else ""
