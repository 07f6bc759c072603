"""The project's own registers: read them, as typed rows, and count the report's figures from them.

A report may name its registers under the top-level key ``register`` (:class:`Registerfiler`):
the activity log, the participant register, the programme companies, the cost ledger and the
financing — each a spreadsheet (.xlsx or .ods, read with python-calamine) or a .csv file as
Swedish offices export it (``;`` or ``,`` between the fields, decimal comma, UTF-8 with or
without a byte order mark, or Windows-1252). :func:`read_registers` reads what the report names
and gives :class:`Registers`: the typed rows (:class:`Aktivitet`, :class:`Deltagarrad`,
:class:`Foretagsrad`, :class:`Kostnadsrad`, :class:`Finansieringsrad`), each with its place
(``fil``, ``blad``, ``rad``), how many rows each register had and how many were not counted,
and every problem found in them (:class:`RegisterProblem`: Swedish, naming file, sheet, row and
column).

How the registers are read:

- As untrusted input (:mod:`slutrapport._registerfiles`): only in the report file's folder
  (unless ``allow_outside``), only regular files, within limits of size, unpacked parts, a
  sheet's extent and a cell's length; .xls and .ods in a child process with a memory cap.
- One sheet per register: the sheet named as in :data:`REGISTERS` (``Logg``, ``Deltagare``,
  ``Foretag``, ``Huvudbok``, ``Finansiering``; any case) if the workbook has one, else its first
  sheet. The header is row 1; row numbers are the sheet's own (the first data row is row 2).
- Columns are found by their header, compared without case, diacritics, spaces or soft hyphens
  (``Män`` is ``man``, ``Anställda före`` is ``anstallda_fore``); ``register.kolumner`` maps a
  register's own titles to the column names.
- Activity areas are referred to by id: an area's own ``id``, or the id ``register.omraden``
  gives its heading; an activity section that states a count of its own is an area too, with
  the section's id. Municipalities by id: ``slug(name)`` (``Vännäs`` is ``vannas``) or the id
  ``register.kommuner`` gives the name. A cell may also hold the heading or name itself, or a
  label that ``register.etiketter`` maps to an id (per column: ``omrade``, ``kommun``,
  ``kategori``, ``finansiar``).
- A row with an error (an unknown area, a count that is not a whole number ≥ 0, a missing date, a
  formula never calculated …) is not counted, and the problem says so; a row with a warning (a
  date outside the project period, a likely duplicate) is counted. A blank row between rows is a
  warning; blank rows at the end are not. A blank count of women or men is 0 (an info counts
  such rows).
- A formula cell whose value was never calculated (a file written by a program, never opened and
  saved in Excel or LibreOffice) reads as an empty cell; in an .xlsx file the sheet's XML is
  searched for formula cells without a value, and each one in a column the register uses is an
  error. (An .ods file always holds the calculated values when LibreOffice saved it.)
- Amounts in the ledger and the financing may have öre: they are summed per category or
  financier and the sum is rounded half-up to whole kronor.

The functions below (:func:`aktiviteter_per_omrade`, :func:`deltagare_totalt`,
:func:`unika_personer`, :func:`kostnader_per_kategori` …) count the figures from the rows; they
take any list of rows, so code can count figures of its own (per municipality and year, say).
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import gc
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from slutrapport._registerfiles import clip
from slutrapport.errors import InputError, Problem
from slutrapport.fields import Modell
from slutrapport.kinds import ID_PATTERN, Severity, date_bounds, share, slug

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport

__all__ = [
    "REGISTERS",
    "Aktivitet",
    "Deltagarrad",
    "Finansieringsrad",
    "Foretagsrad",
    "Konsfordelning",
    "Kostnadsrad",
    "Lasning",
    "RegisterProblem",
    "RegisterSpec",
    "Registerfiler",
    "Registers",
    "aktiviteter_per_ar",
    "aktiviteter_per_kommun",
    "aktiviteter_per_omrade",
    "deltagare_per_aktivitet",
    "deltagare_per_omrade",
    "deltagare_totalt",
    "finansiering_per_finansiar",
    "foretagstabell",
    "kostnader_per_kategori",
    "normalize_header",
    "read_registers",
    "unika_foretag",
    "unika_personer",
]

RegisterKey = Literal["aktivitetslogg", "deltagare", "foretag", "kostnader", "finansiering"]


# --- what each register holds ---------------------------------------------------------------------


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
                     ("kommun", "aktivitet", "totalt", "foretag"), neuter=False),
        RegisterSpec("deltagare", "Deltagare", "deltagarregistret",
                     ("person", "kon", "datum", "omrade"), ("kommun",), neuter=True),
        RegisterSpec("foretag", "Foretag", "företagsregistret",
                     ("namn", "anstallda_fore", "anstallda_efter"), ("kommun",), neuter=True),
        RegisterSpec("kostnader", "Huvudbok", "huvudboken",
                     ("datum", "kategori", "belopp"), ("verifikation",), neuter=False),
        RegisterSpec("finansiering", "Finansiering", "finansieringsregistret",
                     ("finansiar", "belopp"), ("datum",), neuter=True),
    )
}
"""Every register a report can name, by its key under ``register:``."""

TITLES = {
    "datum": "Datum", "omrade": "Område", "kommun": "Kommun", "aktivitet": "Aktivitet",
    "kvinnor": "Kvinnor", "man": "Män", "totalt": "Totalt", "foretag": "Företag",
    "person": "Person", "kon": "Kön", "namn": "Namn", "anstallda_fore": "Anställda före",
    "anstallda_efter": "Anställda efter", "kategori": "Kategori", "belopp": "Belopp",
    "verifikation": "Verifikation", "finansiar": "Finansiär",
}
"""Each column's title as messages (and new registers) write it."""

LABELLED = ("omrade", "kommun", "kategori", "finansiar")
"""The columns whose values ``register.etiketter`` may map."""

SECTION_KEYS = ("deltagare", "foretag", "ekonomi")
"""What ``register.avsnitt`` may name a section for."""


# --- the block in the report ----------------------------------------------------------------------


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
                    "deltagare, foretag eller ekonomi.")

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

    def named(self) -> list[tuple[str, str]]:
        """The registers named, as (key, file), in the order of :data:`REGISTERS`."""
        return [(key, getattr(self, key)) for key in REGISTERS if getattr(self, key)]


_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def _hint(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (menade du '{close[0]}'?)" if close else ""


# --- rows -----------------------------------------------------------------------------------------


class _Row(BaseModel):
    """Where a row stands: the file, the sheet (None for .csv) and the sheet's row number."""

    model_config = ConfigDict(frozen=True)

    fil: str = Field(description="Registrets fil.")
    blad: str | None = Field(None, description="Bladet (None för en .csv-fil).")
    rad: int = Field(description="Radnumret på bladet (rubrikraden är rad 1).")


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
    omrade: str = Field(description="Aktivitetsområdets id.")
    kommun: str | None = None


class Foretagsrad(_Row):
    """A programme company and its head count before and after (halves allowed)."""

    namn: str
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


class Finansieringsrad(_Row):
    """An amount from a financier (the financier as the report names it)."""

    finansiar: str
    belopp: Decimal
    datum: _dt.date | None = None


class RegisterProblem(BaseModel):
    """Something wrong in a register, located: the message names file, sheet, row and column."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    source: str = Field(description="The register's key (aktivitetslogg, deltagare …).")
    message: str
    row: int | None = None


class Lasning(BaseModel):
    """How one register was read."""

    fil: str = Field(description="Filen, som rapporten anger den.")
    blad: str | None = Field(None, description="Bladet som lästes (None för .csv).")
    rader: int = Field(0, description="Datarader (tomma rader inte medräknade).")
    ej_raknade: int = Field(0, description="Rader som inte räknades (fel i raden).")
    forsta_rad: int | None = Field(None, description="Första dataraden.")
    sista_rad: int | None = Field(None, description="Sista dataraden.")
    kolumner: bool = Field(True, description="Om registrets kolumner kunde hittas.")


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
                parts.append(_row_span([read.forsta_rad, read.sista_rad or read.forsta_rad]))
            else:
                parts.append("inga rader")
        else:
            numbers = sorted(set(rows))
            parts.append(_row_list(numbers) if numbers else "inga rader")
        return ", ".join(parts)


def _row_span(bounds: Sequence[int]) -> str:
    first, last = bounds[0], bounds[-1]
    return f"rad {first}" if first == last else f"rad {first}–{last}"


def _row_list(numbers: Sequence[int], most: int = 6) -> str:
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


# --- figures from the rows ------------------------------------------------------------------------


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


def unika_foretag(log: Iterable[Aktivitet] = (), companies: Iterable[Foretagsrad] = ()) -> int:
    """Unique companies reached: the names in the log's ``foretag`` column and the company
    register together, each once (whatever its case or spacing)."""
    names = {_key(r.foretag) for r in log if r.foretag}
    names |= {_key(c.namn) for c in companies}
    return len(names)


def foretagstabell(rows: Iterable[Foretagsrad]) -> dict[str, Foretagsrad]:
    """The company table by name (the first row of each name)."""
    out: dict[str, Foretagsrad] = {}
    for r in rows:
        out.setdefault(r.namn, r)
    return out


def _kronor(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


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


# --- reading --------------------------------------------------------------------------------------


def read_registers(report: Slutrapport, base_dir: str | Path | None = None, *,
                   allow_outside: bool = False) -> Registers:
    """Read the registers the report names (``report.register``), relative to ``base_dir``.

    ``base_dir`` defaults to the report file's folder (the working folder for a report built in
    code). Problems in the rows are in :attr:`Registers.problem`; a register that can't be read
    at all (missing, not a spreadsheet, no header row, past the limits of
    :mod:`slutrapport._registerfiles`) raises :class:`~slutrapport.errors.InputError` naming the
    file, sheet, row and column — or the data file's line when the path is at fault.

    A register must lie in ``base_dir`` or a folder under it (after ``..`` and links are
    followed) and be a regular file; ``allow_outside=True`` (``--tillat-sokvag``) lets it lie
    anywhere.
    """
    from slutrapport._registerfiles import Origin, locate

    block: Registerfiler | None = getattr(report, "register", None)
    out = Registers()
    if block is None:
        return out
    if base_dir is None:
        base_dir = Path(report.source).parent if report.source else Path.cwd()
    folder = Path(base_dir) / block.mapp if block.mapp else Path(base_dir)
    names = _Names.of(report, block)
    for key, file in block.named():
        spec = REGISTERS[key]
        origin = Origin(report.source, report.line_of(("register", key)), f"register.{key}")
        real = locate(folder / file, Path(base_dir), origin, spec.called,
                      allow_outside=allow_outside)
        _read_one(spec, real, file, block, names, report, out)
    return out


def normalize_header(text: Any) -> str:
    """A header as it is matched: folded, without diacritics, soft hyphens or spaces.

    >>> normalize_header(" Anställda\u00adföre "), normalize_header("Belopp SEK")
    ('anstalldafore', 'belopp_sek')
    """
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKD", str(text).replace("\u00ad", "").casefold())
    ascii_ = folded.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_")


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass
class _Names:
    """What a cell may name, and the id or name it stands for (keys folded with :func:`_key`)."""

    areas: dict[str, str]
    area_ids: list[str]
    municipalities: dict[str, str]
    municipality_ids: list[str]
    categories: dict[str, str]
    category_names: list[str]
    financiers: dict[str, str]
    financier_names: list[str]
    period: tuple[_dt.date, _dt.date]

    @classmethod
    def of(cls, report: Slutrapport, block: Registerfiler) -> _Names:
        from slutrapport.kinds.aktiviteter import Aktiviteter
        from slutrapport.kinds.ekonomi import Ekonomi

        areas: dict[str, str] = {}
        area_ids: list[str] = []
        by_heading = {_key(h): i for i, h in block.omraden.items()}

        def add_area(heading: str, own: str | None) -> None:
            # the area's own id counts; an id register.omraden gives its heading is another
            # name for it
            mapped = by_heading.get(_key(heading))
            area = own or mapped
            if area is None:
                return
            area_ids.append(area)
            for name in (area, mapped, heading, heading.rstrip(".")):
                if name:
                    areas.setdefault(_key(name), area)

        for section in report.sections(Aktiviteter):
            assert isinstance(section, Aktiviteter)
            if section.antal is not None:
                add_area(section.rubrik, section.name)
            for area in section.omraden:
                add_area(area.rubrik, getattr(area, "id", None))
        given = {_key(n): i for i, n in block.kommuner.items()}
        municipalities: dict[str, str] = {}
        municipality_ids: list[str] = []
        for name in report.projekt.kommuner:
            mid = given.get(_key(name)) or slug(name)
            municipality_ids.append(mid)
            municipalities.setdefault(_key(mid), mid)
            municipalities.setdefault(_key(name), mid)
        categories: dict[str, str] = {}
        financiers: dict[str, str] = {}
        for economy in report.sections(Ekonomi):
            assert isinstance(economy, Ekonomi)
            for k in economy.kostnader:
                categories.setdefault(_key(k.kategori), k.kategori)
            for f in economy.finansiering:
                financiers.setdefault(_key(f.finansiar), f.finansiar)
        for name in report.projekt.finansiarer:
            financiers.setdefault(_key(name), name)
        category_names = list(dict.fromkeys(categories.values()))
        financier_names = list(dict.fromkeys(financiers.values()))
        labels = block.etiketter
        for column, table, known in (("omrade", areas, area_ids),
                                     ("kommun", municipalities, municipality_ids),
                                     ("kategori", categories, category_names),
                                     ("finansiar", financiers, financier_names)):
            for label, meant in labels.get(column, {}).items():
                target = table.get(_key(meant))
                if target is not None or meant in known:
                    table[_key(label)] = target or meant
        period = report.projekt.period
        return cls(areas, area_ids, municipalities, municipality_ids, categories,
                   category_names, financiers, financier_names,
                   (date_bounds(period.fran)[0], date_bounds(period.till)[1]))


class _Sheet:
    """One sheet as read: its rows of cell values, and what the file can tell about them."""

    def __init__(self, file: str, sheet: str | None, rows: list[list[Any]],
                 merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
                 formulas: Callable[[], set[tuple[int, int]]] | None = None) -> None:
        self.file = file
        self.sheet = sheet
        self.rows = rows
        self.merged = merged or []
        self._formulas = formulas
        self._formula_cells: set[tuple[int, int]] | None = None

    def uncalculated(self) -> set[tuple[int, int]]:
        """Cells (0-based row, column) holding a formula whose value was never calculated."""
        if self._formula_cells is None:
            self._formula_cells = self._formulas() if self._formulas else set()
        return self._formula_cells

    def column_name(self, col: int, title: str) -> str:
        """'kolumn E (Kvinnor)' in a workbook, 'kolumn 5 (Kvinnor)' in a .csv file."""
        where = _letters(col) if self.sheet is not None else str(col + 1)
        return f"kolumn {where} ({clip(title)})" if title else f"kolumn {where}"

    def place(self, row: int | None = None, col: int | None = None, title: str = "") -> str:
        """'aktivitetslogg.xlsx, blad Logg, rad 17, kolumn E (Kvinnor)' (rows 0-based)."""
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"blad {clip(self.sheet)}")
        if row is not None:
            parts.append(f"rad {row + 1}")
        if col is not None:
            parts.append(self.column_name(col, title))
        return ", ".join(parts)


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _unusable(message: str, file: str, sheet: str | None = None, row: int | None = None,
              column: str | None = None) -> InputError:
    place = [file]
    if sheet is not None:
        place.append(f"blad {clip(sheet)}")
    if row is not None:
        place.append(f"rad {row}")
    if column is not None:
        place.append(column)
    return InputError([Problem(message, path=", ".join(place[1:]), file=place[0])])


def _open(spec: RegisterSpec, path: Path, shown: str, notes: list[RegisterProblem]) -> _Sheet:
    """The register's sheet, or InputError when the file can't be read at all (``path`` is
    the real path, checked by :func:`slutrapport._registerfiles.locate`)."""
    from slutrapport._registerfiles import read_bytes

    raw = read_bytes(path, shown)
    if Path(shown).suffix.lower() == ".csv":
        return _csv_sheet(raw, shown, spec, notes)
    return _workbook_sheet(raw, shown, spec)


def _workbook_sheet(raw: bytes, shown: str, spec: RegisterSpec) -> _Sheet:
    from slutrapport._registerfiles import read_workbook

    suffix = Path(shown).suffix.lower()
    read = read_workbook(raw, shown, suffix, spec.sheet)
    formulas = None
    if raw.startswith(b"PK") and suffix != ".ods":
        def formulas() -> set[tuple[int, int]]:
            return _uncalculated_formulas(raw, read.sheet)
    return _Sheet(shown, read.sheet, read.rows, read.merged, formulas)


_CELL = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]+)([0-9]+)\"[^>]*?(/>|>(.*?)</c>)", re.S)
_FORMULA = re.compile(rb"<f[\s/>]")
_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")


def _uncalculated_formulas(raw: bytes, sheet: str) -> set[tuple[int, int]]:
    """Formula cells without a stored value in an .xlsx sheet (0-based row and column).

    calamine reads such a cell as empty, as if nothing were written there; the sheet's XML tells
    the two apart (``<f>`` without ``<v>``). The XML is only searched when it holds a formula at
    all, so a sheet without formulas costs one scan of its bytes.
    """
    try:  # the parts were counted as they unpacked (slutrapport._registerfiles): within limits
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            part = _sheet_part(z, sheet)
            if part is None:
                return set()
            data = z.read(part)
    except Exception:  # the parts unpacked once already; if not now, there is nothing to add
        return set()
    if not _FORMULA.search(data):
        return set()
    out: set[tuple[int, int]] = set()
    for m in _CELL.finditer(data):
        body = m.group(4) or b""
        if _FORMULA.search(body) and not _VALUE.search(body):
            col = 0
            for ch in m.group(1):
                col = col * 26 + (ch - 64)
            out.add((int(m.group(2)) - 1, col - 1))
    return out


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member of the named sheet, from the workbook and its relationships."""
    book = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    import html

    rid = None
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", book):
        attrs = dict(re.findall(r"([\w:]+)=\"([^\"]*)\"", m.group(1)))
        if html.unescape(attrs.get("name", "")) == sheet:
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            break
    if rid is None:
        return None
    for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = dict(re.findall(r"([\w:]+)=\"([^\"]*)\"", m.group(1)))
        if attrs.get("Id") == rid:
            target = str(attrs.get("Target", ""))
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _csv_sheet(raw: bytes, shown: str, spec: RegisterSpec,
               notes: list[RegisterProblem]) -> _Sheet:
    """A .csv file as rows of text: encoding detected, delimiter sniffed from the header line."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _unusable("filen är sparad som UTF-16; spara den som CSV (UTF-8) eller "
                        "CSV (semikolonavgränsad)", shown, row=1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        line = raw[: exc.start].count(b"\n") + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc2:
            line2 = raw[: exc2.start].count(b"\n") + 1
            raise _unusable(
                f"filen är varken UTF-8 eller Windows-1252 (byte 0x{raw[exc2.start]:02X}); "
                "spara den som CSV (UTF-8)", shown, row=line2) from None
        notes.append(RegisterProblem(
            code="register-kodning", severity="info", source=spec.key, row=line,
            message=f"{shown} är inte UTF-8 (byte 0x{bad:02X} på rad {line}) och lästes som "
                    f"Windows-1252 (t.ex. '{raw[exc.start:exc.start + 1].decode('cp1252')}'); "
                    "spara den som CSV (UTF-8) om tecknen blev fel."))
    sep = _SEP_LINE.match(text)
    if sep:  # Excel's own first line: the delimiter, not a row (Excel doesn't show it)
        text = text[sep.end():]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise _unusable("filen innehåller nolltecken (NUL) och är ingen textfil; är det rätt "
                        "fil?", shown, row=line)
    delimiter = sep.group(1) if sep else _sniff(text.split("\n", 1)[0])
    return _Sheet(shown, None, _csv_rows(text, delimiter, shown))


_SEP_LINE = re.compile(r'"?sep=([^"\r\n])"?[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)
"""Excel's first line naming the delimiter: ``sep=;``."""


def _csv_rows(text: str, delimiter: str, shown: str) -> list[list[Any]]:
    """The rows of a .csv file's text; quotes must open and close as CSV has them, no field may
    be longer than a cell, nor the fields more than a sheet may have (InputError, Swedish)."""
    from slutrapport._registerfiles import MAX_CELL_CHARS, MAX_CELLS, _number

    rows: list[list[Any]] = []
    fields = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _unusable(_csv_problem(str(exc), delimiter), shown,
                            row=len(rows) + 1) from None
        fields += len(row)
        if fields > MAX_CELLS:
            raise _unusable(f"filen har fler än {_number(MAX_CELLS)} fält, gränsen för ett "
                            "register; registret läses inte", shown, row=len(rows) + 1)
        if row and max(map(len, row)) > MAX_CELL_CHARS:
            col = next(i for i, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS)
            raise _unusable(f"fältet har {_number(len(row[col]))} tecken, fler än de "
                            f"{_number(MAX_CELL_CHARS)} som en cell rymmer; registret läses "
                            "inte", shown, row=len(rows) + 1, column=f"kolumn {col + 1}")
        rows.append(row)
    return rows


def _csv_problem(text: str, delimiter: str) -> str:
    """What Python's csv reader found wrong, in Swedish."""
    from slutrapport._registerfiles import MAX_CELL_CHARS, _number

    shown = "tabb" if delimiter == "\t" else f"'{delimiter}'"
    if "unexpected end of data" in text:
        return ("ett citattecken (\") öppnar ett fält på raden men stängs aldrig, så resten av "
                "filen skulle bli ett enda fält; lägg till det avslutande citattecknet")
    if "expected after" in text:
        return (f"efter ett citattecken (\") som avslutar ett fält ska {shown} eller radslut "
                "komma; skriv två citattecken (\"\") för ett citattecken i ett fält")
    if "field larger than field limit" in text:
        return (f"raden har ett fält med fler än {_number(MAX_CELL_CHARS)} tecken, mer än en "
                "cell rymmer; registret läses inte")
    if "new-line" in text:
        return "raden har en radbrytning mitt i ett fält utan citattecken"
    return "raden kan inte läsas som CSV"


def _sniff(header: str) -> str:
    """The delimiter of a header line: ';', ',' or tab, whichever stands most outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_one(spec: RegisterSpec, path: Path, shown: str, block: Registerfiler, names: _Names,
              report: Slutrapport, out: Registers) -> None:
    notes: list[RegisterProblem] = []
    sheet = _open(spec, path, shown, notes)
    read = Lasning(fil=shown, blad=sheet.sheet)
    out.lasta[spec.key] = read
    reader = _Reader(spec, sheet, block, names, notes)
    # A register of 100 000 rows makes as many objects that live on: the cyclic garbage
    # collector, run again and again while they are made, would take as long as the reading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = reader.run(read)
    finally:
        if collecting:
            gc.enable()
    getattr(out, spec.key).extend(rows)
    out.problem.extend(notes)
    if read.kolumner:
        text = (f"{spec.called} ({sheet.place()}): {read.rader} "
                f"{'rad läst' if read.rader == 1 else 'rader lästa'}, "
                f"{read.ej_raknade} räknades inte.")
        if reader.blank_counts:
            text += (f" {reader.blank_counts} {'rad' if reader.blank_counts == 1 else 'rader'} "
                     "utan kvinnor eller män ifyllda räknades med 0 deltagare.")
        out.problem.append(RegisterProblem(code="register-rader", severity="info",
                                           source=spec.key, message=text))


class _Skip(Exception):
    """The row can't be counted (the problem is noted already)."""


class _Reader:
    """Reads one register's rows into typed rows, noting every problem with its place."""

    def __init__(self, spec: RegisterSpec, sheet: _Sheet, block: Registerfiler, names: _Names,
                 notes: list[RegisterProblem]) -> None:
        self.spec = spec
        self.sheet = sheet
        self.block = block
        self.names = names
        self.notes = notes
        self.cols: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self.blank_counts = 0
        self.persons: dict[str, tuple[str, int]] = {}
        self.companies: dict[str, int] = {}
        # values repeat down a register (areas, municipalities, dates, small counts): each
        # distinct cell value is read once (only values that read well are kept)
        self.cache: dict[str, dict[Any, Any]] = {}

    def note(self, code: str, severity: Severity, message: str, row: int | None = None) -> None:
        self.notes.append(RegisterProblem(code=code, severity=severity, source=self.spec.key,
                                          message=message,
                                          row=None if row is None else row + 1))

    # header

    def _match(self, cells: Sequence[Any]) -> tuple[dict[str, int], dict[str, int]]:
        """Our columns found in a header row, and duplicates (column name -> second index)."""
        own = {normalize_header(t): c for t, c in self.block.kolumner.get(self.spec.key,
                                                                          {}).items()}
        found: dict[str, int] = {}
        twice: dict[str, int] = {}
        known = set(self.spec.columns)
        for i, cell in enumerate(cells):
            norm = normalize_header(cell)
            if not norm:
                continue
            name = own.get(norm) or (norm if norm in known else None)
            if name is None:
                continue
            if name in found:
                twice.setdefault(name, i)
            else:
                found[name] = i
        return found, twice

    def header(self) -> int:
        """Find the columns; the index of the first data row. Raises _Skip if none can be read."""
        rows = self.sheet.rows
        sheet = self.sheet
        if not rows or not any(_filled(c) for c in rows[0]):
            if not any(any(_filled(c) for c in r) for r in rows):
                empty = "tomt" if self.spec.neuter else "tom"
                raise _unusable(f"{self.spec.called} är {empty}: rubrikraden saknas (rad 1 ska ha "
                                f"kolumnerna {_titles(self.spec.required)})", sheet.file,
                                sheet.sheet, 1)
            first = next(i for i, r in enumerate(rows) if any(_filled(c) for c in r))
            raise _unusable(f"rad 1 är tom; rubrikraden ska stå på rad 1 (det första som står "
                            f"på bladet är rad {first + 1})", sheet.file, sheet.sheet, 1)
        found, twice = self._match(rows[0])
        start = 1
        merged_header = [m for m in sheet.merged if m[0][0] <= 0 <= m[1][0] or
                         (m[0][0] <= 1 <= m[1][0] and m[0][0] == 0)]
        missing = [c for c in self.spec.required if c not in found]
        if len(rows) > 1:
            second, _ = self._match(rows[1])
            combined = dict(second)
            combined.update(found)
            if missing and all(c in combined for c in missing) and \
                    any(c in second for c in missing):
                span = ", ".join(sheet.column_name(second[c], TITLES[c]) for c in missing
                                 if c in second)
                self.note("register-rubrik", "error",
                          f"{sheet.place(0)}–2: rubriken står på två rader ({span} står på rad 2); "
                          "ett register ska ha en enda rubrikrad, på rad 1. Registret lästes med "
                          "båda raderna som rubrik och data från rad 3.", 0)
                found, start, missing = combined, 2, []
        for m in merged_header:
            (r0, c0), (r1, c1) = m
            area = f"{_letters(c0)}{r0 + 1}:{_letters(c1)}{r1 + 1}"
            if missing:
                raise _unusable(
                    f"rubrikraden har sammanslagna celler ({area}) och kolumnerna "
                    f"{_titles(missing)} kan inte hittas; dela upp cellerna så att varje "
                    "kolumn har en egen rubrik på rad 1", sheet.file, sheet.sheet, 1,
                    f"celler {area}")
            self.note("register-rubrik", "error",
                      f"{sheet.place(0)}: rubrikraden har sammanslagna celler ({area}); dela upp "
                      "dem så att varje kolumn har en egen rubrik.", 0)
        for name, i in twice.items():
            self.note("register-kolumn", "error",
                      f"{sheet.place(0, i, str(rows[0][i]))}: kolumnen {TITLES[name]} finns "
                      f"redan ({sheet.column_name(found[name], str(rows[0][found[name]]))}); "
                      "den första används.", 0)
        if missing:
            headers = [str(c).strip() for c in rows[0] if _filled(c)]
            for name in missing:
                close = difflib.get_close_matches(
                    normalize_header(TITLES[name]), [normalize_header(h) for h in headers],
                    n=1, cutoff=0.5)
                nearest = next((h for h in headers if close and normalize_header(h) == close[0]),
                               None)
                hint = (f"; närmast finns '{clip(nearest)}' — byt namn på kolumnen eller ange "
                        f"register.kolumner.{self.spec.key}: {{\"{clip(nearest)}\": {name}}}"
                        if nearest else f"; rubrikerna är {_listed(headers)}")
                self.note("register-kolumn", "error",
                          f"{sheet.place(0)}: kolumnen {TITLES[name]} saknas{hint}. Registret "
                          "räknades inte.", 0)
            raise _Skip
        self.cols = found
        # each title from the header row it stands on (row 2 too when the header spans two)
        self.titles = {}
        for n, i in found.items():
            cell = next((r[i] for r in rows[:start] if i < len(r) and _filled(r[i])), None)
            self.titles[n] = str(cell).strip() if cell is not None else TITLES[n]
        return start

    # rows

    def run(self, read: Lasning) -> list[Any]:
        try:
            start = self.header()
        except _Skip:
            read.kolumner = False
            return []
        rows = self.sheet.rows
        width = max(self.cols.values()) + 1
        used = sorted(self.cols.values())
        formulas = {(r, c) for r, c in self.sheet.uncalculated() if c in used and r >= start}
        parse = getattr(self, "_" + self.spec.key)
        out: list[Any] = []
        blank_run: list[int] = []
        seen: dict[Any, int] = {}
        counted = skipped = 0
        first = last = None
        padding = [""] * width
        lead = used[0]
        for r in range(start, len(rows)):
            row = rows[r]
            cell = row[lead] if lead < len(row) else None
            filled = cell is not None and cell != "" and (type(cell) is not str or cell.strip())
            if not filled and not any(_filled(c) for c in row) and not (formulas and any(
                    (r, c) in formulas for c in used)):
                blank_run.append(r)
                continue
            if blank_run:
                self.note("register-tom-rad", "warning",
                          f"{self.sheet.place()}, {_row_span([b + 1 for b in blank_run])}: "
                          f"{'tom rad' if len(blank_run) == 1 else 'tomma rader'} mitt i "
                          "registret; raderna efter räknas, men ta bort den tomma raden.",
                          blank_run[0])
                blank_run = []
            counted += 1
            if first is None:
                first = r + 1
            last = r + 1
            try:
                if formulas:
                    for c in used:
                        if (r, c) in formulas:
                            name = next(n for n, i in self.cols.items() if i == c)
                            self._fail(r, name, code="register-formel",
                                       why="cellen har en formel vars värde aldrig räknats ut "
                                       "(filen är inte sparad av Excel eller LibreOffice); öppna "
                                       "den och spara den igen")
                padded = row if len(row) >= width else [*row, *padding[len(row):]]
                item, dup = parse(r, padded)
            except _Skip:
                skipped += 1
                continue
            if dup is not None:
                earlier = seen.get(dup)
                if earlier is not None:
                    self.note("register-dubblett", "warning",
                              f"{self.sheet.place(r)}: troligen en dubblett av rad "
                              f"{earlier + 1} ({self._same_what()}); raden räknas.", r)
                else:
                    seen[dup] = r
            out.append(item)
        read.rader, read.ej_raknade = counted, skipped
        read.forsta_rad, read.sista_rad = first, last
        return out

    def _same_what(self) -> str:
        return {"aktivitetslogg": "samma datum, område, kommun och antal",
                "deltagare": "samma person, datum och område"}.get(self.spec.key, "")

    def _fail(self, r: int, name: str, why: str, code: str = "register-varde") -> None:
        self.note(code, "error",
                  f"{self.sheet.place(r, self.cols[name], self.titles[name])}: {why}. Raden "
                  "räknades inte.", r)
        raise _Skip

    def _cell(self, row: Sequence[Any], name: str) -> Any:
        i = self.cols.get(name)
        return None if i is None else row[i]

    def _text(self, r: int, row: Sequence[Any], name: str, required: bool) -> str | None:
        value = self._cell(row, name)
        if type(value) is str:
            text = value.strip()
            if text and "  " not in text and "\n" not in text and "\t" not in text:
                return text
        if not _filled(value):
            if required:
                self._fail(r, name, f"{TITLES[name].lower()} saknas")
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, _dt.datetime | _dt.date):
            return value.isoformat()
        return " ".join(str(value).split())

    def _date(self, r: int, row: Sequence[Any], name: str, required: bool) -> _dt.date | None:
        value = self._cell(row, name)
        if type(value) is _dt.date:
            day: _dt.date | None = value
        elif type(value) is str and value in self.cache.setdefault(name, {}):
            day = self.cache[name][value]
        else:
            if not _filled(value):
                if required:
                    self._fail(r, name, "datum saknas")
                return None
            day = _as_date(value)
            if day is not None and type(value) is str:
                self.cache[name][value] = day
        if day is None:
            shown = _shown(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                self._fail(r, name, f"{shown} är ett tal, inte ett datum; formatera kolumnen "
                           "som datum (ÅÅÅÅ-MM-DD)")
            self._fail(r, name, f"'{shown}' är inget datum (skriv ÅÅÅÅ-MM-DD)")
        assert day is not None
        first, last = self.names.period
        if not first <= day <= last:
            self.note("register-datum", "warning",
                      f"{self.sheet.place(r, self.cols[name], self.titles[name])}: "
                      f"{day.isoformat()} ligger utanför projektperioden {first.isoformat()}–"
                      f"{last.isoformat()} (projekt.period); raden räknas.", r)
        return day

    def _count(self, r: int, row: Sequence[Any], name: str) -> int | None:
        value = self._cell(row, name)
        if type(value) is int and 0 <= value <= 10**9:
            return value
        if type(value) is float and value.is_integer() and 0 <= value <= 1e9:
            return int(value)
        cached = self.cache.setdefault(name, {}).get(value) if type(value) is str else None
        if cached is not None:
            return int(cached)
        if not _filled(value):
            return None
        number = _as_number(value)
        if number is None:
            self._fail(r, name, f"'{_shown(value)}' är inget antal")
        assert number is not None
        if number != number.to_integral_value():
            self._fail(r, name, f"{_shown(value)} är inget heltal")
        if number < 0:
            self._fail(r, name, f"antalet är negativt ({_shown(value)})")
        if number > 10**9:
            self._fail(r, name, f"antalet är orimligt stort ({_shown(value)})")
        if type(value) is str:
            self.cache[name][value] = int(number)
        return int(number)

    def _amount(self, r: int, row: Sequence[Any], name: str) -> Decimal:
        value = self._cell(row, name)
        if not _filled(value):
            self._fail(r, name, "beloppet saknas")
        number = _as_number(value)
        if number is None:
            self._fail(r, name, f"'{_shown(value)}' är inget belopp")
        assert number is not None
        if abs(number) >= 10**12:
            self._fail(r, name, f"beloppet är orimligt stort ({_shown(value)})")
        return number

    def _heads(self, r: int, row: Sequence[Any], name: str) -> Decimal:
        value = self._cell(row, name)
        if not _filled(value):
            self._fail(r, name, "antalet anställda saknas")
        number = _as_number(value)
        if number is None:
            self._fail(r, name, f"'{_shown(value)}' är inget antal anställda")
        assert number is not None
        if number < 0:
            self._fail(r, name, f"antalet anställda är negativt ({_shown(value)})")
        if number * 2 != (number * 2).to_integral_value() or number > 10**7:
            self._fail(r, name, f"{_shown(value)} anställda: ange hela eller halva tjänster")
        return number.normalize() if number == number.to_integral_value() else number

    def _named(self, r: int, row: Sequence[Any], name: str, table: dict[str, str],
               known: list[str], required: bool, what: str) -> str | None:
        value = self._cell(row, name)
        seen = self.cache.setdefault(name, {})
        if type(value) is str and value in seen:
            return str(seen[value])
        text = self._text(r, row, name, required)
        if text is None:
            return None
        found = table.get(_key(text))
        if found is None:
            if not known:
                return text
            nearest = difflib.get_close_matches(_key(text), [_key(k) for k in known], n=1,
                                                cutoff=0.5)
            close = next((k for k in known if nearest and _key(k) == nearest[0]), None)
            if close:
                hint = f"; närmast: {close}"
            elif len(known) <= 10:
                hint = f"; rapporten har {', '.join(known)}"
            else:
                hint = ""
            self.note("register-okant", "error",
                      f"{self.sheet.place(r, self.cols[name], self.titles[name])}: {what} "
                      f"'{clip(text)}' finns inte i rapporten{hint}. Raden räknades inte "
                      f"(register.etiketter.{name} kan ge registrets egna benämningar).", r)
            raise _Skip
        if type(value) is str:
            seen[value] = found
        return found

    def _area(self, r: int, row: Sequence[Any]) -> str:
        area = self._named(r, row, "omrade", self.names.areas, self.names.area_ids, True,
                           "aktivitetsområdet")
        assert area is not None
        return area

    def _municipality(self, r: int, row: Sequence[Any]) -> str | None:
        if "kommun" not in self.cols:
            return None
        return self._named(r, row, "kommun", self.names.municipalities,
                           self.names.municipality_ids, False, "kommunen")

    # one parser per register: (row, key for likely duplicates)

    def _aktivitetslogg(self, r: int, row: Sequence[Any]) -> tuple[Aktivitet, Any]:
        day = self._date(r, row, "datum", True)
        assert day is not None
        area = self._area(r, row)
        municipality = self._municipality(r, row)
        women = self._count(r, row, "kvinnor")
        men = self._count(r, row, "man")
        total = self._count(r, row, "totalt") if "totalt" in self.cols else None
        if women is None and men is None:
            self.blank_counts += 1
        women, men = women or 0, men or 0
        if total is not None and total != women + men:
            self._fail(r, "totalt", f"totalt {total}, men {women} "
                       f"{'kvinna' if women == 1 else 'kvinnor'} + {men} "
                       f"{'man' if men == 1 else 'män'} = {women + men}")
        item = Aktivitet.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, datum=day, omrade=area,
            kommun=municipality, aktivitet=self._text(r, row, "aktivitet", False),
            foretag=self._text(r, row, "foretag", False), kvinnor=women, man=men)
        return item, (day, area, municipality, women, men)

    def _deltagare(self, r: int, row: Sequence[Any]) -> tuple[Deltagarrad, Any]:
        person = self._text(r, row, "person", True)
        gender_text = self._text(r, row, "kon", True)
        gender = _GENDERS.get(_key(gender_text or ""))
        if gender is None:
            self._fail(r, "kon", f"'{clip(gender_text)}' är inget kön (skriv kvinna eller man)")
        day = self._date(r, row, "datum", True)
        area = self._area(r, row)
        municipality = self._municipality(r, row)
        assert person is not None and day is not None
        assert gender is not None
        earlier = self.persons.get(person)
        if earlier is not None and earlier[0] != gender:
            self._fail(r, "kon", f"person {clip(person)} är {earlier[0]} på rad {earlier[1] + 1} "
                       f"men {gender} här")
        self.persons.setdefault(person, (gender, r))
        item = Deltagarrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, person=person, kon=gender,
            datum=day, omrade=area, kommun=municipality)
        return item, (person, day, area)

    def _foretag(self, r: int, row: Sequence[Any]) -> tuple[Foretagsrad, Any]:
        name = self._text(r, row, "namn", True)
        assert name is not None
        before = self._heads(r, row, "anstallda_fore")
        after = self._heads(r, row, "anstallda_efter")
        municipality = self._municipality(r, row)
        earlier = self.companies.get(_key(name))
        if earlier is not None:
            self._fail(r, "namn", f"{clip(name)} står redan på rad {earlier + 1}")
        self.companies[_key(name)] = r
        item = Foretagsrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, namn=name,
            kommun=municipality, anstallda_fore=before, anstallda_efter=after)
        return item, None

    def _kostnader(self, r: int, row: Sequence[Any]) -> tuple[Kostnadsrad, Any]:
        day = self._date(r, row, "datum", True)
        category = self._named(r, row, "kategori", self.names.categories,
                               self.names.category_names, True, "kostnadsslaget")
        amount = self._amount(r, row, "belopp")
        assert day is not None and category is not None
        item = Kostnadsrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, datum=day,
            kategori=category, belopp=amount,
            verifikation=self._text(r, row, "verifikation", False))
        return item, None

    def _finansiering(self, r: int, row: Sequence[Any]) -> tuple[Finansieringsrad, Any]:
        financier = self._named(r, row, "finansiar", self.names.financiers,
                                self.names.financier_names, True, "finansiären")
        amount = self._amount(r, row, "belopp")
        day = self._date(r, row, "datum", False) if "datum" in self.cols else None
        assert financier is not None
        item = Finansieringsrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, finansiar=financier,
            belopp=amount, datum=day)
        return item, None


_GENDERS: dict[str, Literal["kvinna", "man"]] = {
    "kvinna": "kvinna", "kvinnor": "kvinna", "k": "kvinna", "kv": "kvinna",
    "man": "man", "män": "man", "m": "man"}


def _titles(names: Iterable[str]) -> str:
    return ", ".join(TITLES[n] for n in names)


def _listed(headers: Sequence[str], most: int = 20) -> str:
    """A header row's texts for a message: each clipped, at most ``most`` of them."""
    if not headers:
        return "inga"
    shown = ", ".join(clip(h) for h in headers[:most])
    return shown if len(headers) <= most else f"{shown} och {len(headers) - most} till"


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def _shown(value: Any) -> str:
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text.replace(".", ",")
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def _as_number(value: Any) -> Decimal | None:
    """A cell as a number: Swedish text ('1 234,50', '−2', '12 kr') or a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value)).normalize() if not value.is_integer() else Decimal(int(value))
    if not isinstance(value, str) or len(value) > 60:
        return None
    text = _NUMBER_SPACES.sub("", value).replace("\u2212", "-")
    text = re.sub(r"(?i)(kr|sek|:-)$", "", text)
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") \
            else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _as_date(value: Any) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = _DATE.fullmatch(value.strip())
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
