"""The report's stated figures against what its registers count (``register-*`` findings).

:func:`figures` lists every figure of the report that a register can count, with the stated value
(None where the report states none), the counted one and the register rows counted
(:attr:`Figure.rows`); :func:`register_findings` turns the registers' own problems and every
disagreement into findings, and ``fill`` writes the counted values in. Which section a register
is compared with:

- the activity log: every activity area with an id (its own, or given by ``register.omraden``),
  and every activity section with a count of its own (its id is the section's);
- participants: the first ``horisontella_*`` section with ``deltagare`` (or the one that
  ``register.avsnitt.deltagare`` names), against the participant register's unique persons
  when the report names one, else against the activity log's attendances
  (``register.deltagare_som`` chooses: ``personer`` or ``besok``);
- a participant programme (``deltagarprogram``): the participant register's rows whose area is
  the programme's id, effort by effort (the ``insats`` column, and the municipality where the
  report has two efforts of one name): occasions, hours, women, men and all (each person once
  per effort);
- companies: the first ``foretagsprogram`` section (or ``register.avsnitt.foretag``), row by row
  (:func:`match_companies`: by name, else by organisation number);
- the ledger and the financing: the first ``ekonomi`` section (or ``register.avsnitt.ekonomi``);
- indicators whose ``kalla`` names a register figure (``register.foretag`` …,
  :data:`~slutrapport.kinds.indikatorer.REGISTER_SOURCES`).

A register that is read but counts nothing in the report says so (``register-oanvant``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from slutrapport.fields import Loc, date_bounds
from slutrapport.formatting import format_amount, format_decimal, format_integer, format_percent
from slutrapport.kinds import Raw, Section
from slutrapport.kinds.aktiviteter import Aktiviteter
from slutrapport.kinds.deltagarprogram import Deltagarprogram
from slutrapport.kinds.ekonomi import Ekonomi
from slutrapport.kinds.foretagsprogram import Foretag, Foretagsprogram
from slutrapport.kinds.indikatorer import Indikatorer, register_source
from slutrapport.names import name_key, nearest, same_name, slug
from slutrapport.numbers import round_like
from slutrapport.registers import (
    REGISTERS,
    Deltagarrad,
    Foretagsrad,
    Insatssiffror,
    Registers,
    aktiviteter_per_omrade,
    deltagare_totalt,
    insatssiffror,
    read_registers,
    round_to_total,
    row_list,
    unika_foretag,
    unika_personer,
)
from slutrapport.registers.files import clip

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport

__all__ = ["EffortMatch", "Figure", "Money", "Unit", "chosen_section", "company_rows",
           "coverage", "efforts", "figures", "match_companies", "money", "participants_as",
           "register_findings", "rounding", "section_problems", "uncovered"]

Unit = Literal["antal", "kr", "anstallda", "procent", "timmar", "text"]


@dataclass(frozen=True)
class Figure:
    """A figure of the report that a register counts: where, what, stated and counted, and the
    register's rows it is counted from (in the sheet's numbering)."""

    loc: Loc
    code: str
    label: str
    stated: int | Decimal | None
    counted: int | Decimal
    register: str
    where: str
    unit: Unit
    rows: tuple[int, ...] = field(default=(), compare=False)
    left: str | None = field(default=None, compare=False)
    """Why the register can't tell this figure, so ``fill`` leaves the stated one (a thing it
    has no rows for while its rows don't cover the project period); None: it can."""
    note: str = field(default="", compare=False)
    """What the counted figure is made of beyond the register's rows, or why it is 0: said by
    ``check`` with the figure and by ``fill`` with the change (a clause, no full stop)."""

    def agrees(self) -> bool:
        """Whether the stated figure is the counted one (a share as precise as it is stated)."""
        if self.stated is None:
            return True
        if self.unit == "procent":
            return round_like(Decimal(self.counted), Decimal(self.stated)) == self.stated
        return Decimal(self.stated) == Decimal(self.counted)

    def shown(self, value: int | Decimal) -> str:
        """A value of this figure in Swedish."""
        return _format(value, self.unit)

    def message(self, note: str = "") -> str:
        assert self.stated is not None
        called = REGISTERS[self.register].called
        verb = "ger" if self.unit == "procent" else "har"
        counted = self.counted
        if self.unit == "procent":
            counted = round_like(Decimal(counted), Decimal(self.stated))
        said = self.left or self.note
        told = f" {said[:1].upper()}{said[1:].rstrip('.')}." if said else ""
        return (f"{self.label}: {self.shown(self.stated)} angivet, {called} {verb} "
                f"{self.shown(counted)} ({self.where}).{told}{note}")


def _format(value: int | Decimal, unit: Unit) -> str:
    if unit == "kr":
        return format_amount(value)
    if unit == "procent":
        return format_percent(value)
    if unit in ("anstallda", "timmar"):
        return format_decimal(value, max_decimals=2)
    return format_integer(value)


def _label(heading: str) -> str:
    return heading.strip().rstrip(".").strip() or heading


def chosen_section(report: Slutrapport, what: str) -> tuple[int, Section] | None:
    """The section a register is compared with (see the module's notes), with its index."""

    block = report.register
    named = block.avsnitt.get(what) if block is not None else None
    for i, s in enumerate(report.avsnitt):
        if named is not None:
            if s.name == named:
                return i, s
            continue
        if what == "deltagare" and s.TYP.startswith("horisontella_") and \
                getattr(s, "deltagare", None) is not None:
            return i, s
        if what == "foretag" and isinstance(s, Foretagsprogram):
            return i, s
        if what == "ekonomi" and isinstance(s, Ekonomi):
            return i, s
        if what == "deltagarprogram" and isinstance(s, Deltagarprogram):
            return i, s
    return None


def participants_as(report: Slutrapport, registers: Registers) -> str | None:
    """How the horizontal section's participants are counted: 'personer' (unique persons of
    the participant register), 'besok' (the activity log's attendances), or None (neither
    register to count them from)."""
    block = report.register
    given = block.deltagare_som if block is not None else None
    if given == "personer" or (given is None and registers.usable("deltagare")):
        return "personer" if registers.usable("deltagare") else None
    return "besok" if registers.usable("aktivitetslogg") else None


def section_problems(report: Slutrapport) -> Iterator[Raw]:
    """The register block against the report: ids and headings that name nothing."""

    block = report.register
    assert block is not None
    headings = [a.rubrik for s in report.sections(Aktiviteter)
                for a in getattr(s, "omraden", [])]
    headings += [str(getattr(s, "rubrik", "")) for s in report.sections(Aktiviteter)
                 if getattr(s, "antal", None) is not None]
    for area_id, heading in block.omraden.items():
        if not any(same_name(heading, h) for h in headings):
            close = nearest(heading, headings)
            hint = f"; närmast: '{close}'" if close else ""
            yield ("register-installning", "error", ("register", "omraden", area_id),
                   f"Området {area_id} hänvisar till rubriken '{heading}', som inget "
                   f"aktivitetsområde i rapporten har{hint}.", close[0] if close else None,
                   heading)
    seen: dict[str, str] = {}
    for s in report.sections(Aktiviteter):
        for a in getattr(s, "omraden", []):
            given = a.id or next(
                (k for k, h in block.omraden.items() if same_name(h, a.rubrik)), None)
            if given is None:
                continue
            if given in seen:
                yield ("register-installning", "error", ("register",),
                       f"Id {given} ges både '{seen[given]}' och '{a.rubrik}'; ge "
                       "områdena olika id.", None, given)
            seen[given] = a.rubrik
    for name in block.kommuner.values():
        if not any(same_name(name, k) for k in report.projekt.kommuner):
            close = nearest(name, report.projekt.kommuner)
            hint = f"; närmast: {close}" if close else ""
            yield ("register-installning", "error", ("register", "kommuner"),
                   f"Kommunen '{name}' står inte bland projektets kommuner "
                   f"(projekt.kommuner){hint}.", close[0] if close else None, name)
    kinds = {"deltagare": "ett horisontella_*-avsnitt med deltagare",
             "foretag": "ett foretagsprogram", "ekonomi": "ett ekonomiavsnitt",
             "deltagarprogram": "ett deltagarprogram"}
    for what, sid in block.avsnitt.items():
        section = report.section(sid)
        ok = section is not None and (
            (what == "deltagare" and section.TYP.startswith("horisontella_")
             and getattr(section, "deltagare", None) is not None)
            or (what == "foretag" and isinstance(section, Foretagsprogram))
            or (what == "ekonomi" and isinstance(section, Ekonomi))
            or (what == "deltagarprogram" and isinstance(section, Deltagarprogram)))
        if not ok:
            why = "inget avsnitt har det id:t" if section is None else \
                f"det är inte {kinds[what]}"
            yield ("register-installning", "error", ("register", "avsnitt", what),
                   f"register.avsnitt.{what} är {sid}, men {why}.", kinds[what], sid)
    wanted = {"personer": ("deltagare", "deltagarregistret"),
              "besok": ("aktivitetslogg", "aktivitetsloggen")}
    if block.deltagare_som is not None:
        key, called = wanted[block.deltagare_som]
        if getattr(block, key) is None:
            yield ("register-installning", "error", ("register", "deltagare_som"),
                   f"register.deltagare_som är {block.deltagare_som}, men rapporten anger inte "
                   f"{called} (register.{key}).", key, block.deltagare_som)


def figures(report: Slutrapport, registers: Registers) -> list[Figure]:
    """Every figure of the report that the registers count, stated or not."""
    out: list[Figure] = []
    if registers.usable("aktivitetslogg"):
        out += _areas(report, registers)
    out += _participants(report, registers)
    if registers.usable("deltagare"):
        out += _programmes(report, registers)
    if registers.usable("foretag"):
        out += _companies(report, registers)
    out += _economy(report, registers)
    out += _indicators(report, registers)
    return out


def _areas(report: Slutrapport, registers: Registers) -> list[Figure]:

    block = report.register
    assert block is not None
    counts = aktiviteter_per_omrade(registers.aktivitetslogg)
    rows: dict[str, list[int]] = {}
    for r in registers.aktivitetslogg:
        rows.setdefault(r.omrade, []).append(r.rad)
    out = []

    def add(loc: Loc, area_id: str, heading: str, stated: int | None) -> None:
        counted = rows.get(area_id, [])
        told, why = _absence(report, registers, "aktivitetslogg", _label(heading), stated,
                             bool(counted), format_integer(stated or 0))
        out.append(Figure(loc, "register-antal", _label(heading), stated, counts.get(area_id, 0),
                          "aktivitetslogg", registers.where("aktivitetslogg", counted), "antal",
                          tuple(counted), left=None if told else why,
                          note=(why or "") if told else ""))

    for i, s in enumerate(report.avsnitt):
        if not isinstance(s, Aktiviteter):
            continue
        if s.antal is not None:
            add(("avsnitt", i, "antal"), s.name, s.rubrik, s.antal)
        for j, a in enumerate(s.omraden):
            area_id = a.id or next((k for k, h in block.omraden.items()
                                    if same_name(h, a.rubrik)), None)
            if area_id is not None:
                add(("avsnitt", i, "omraden", j, "antal"), area_id, a.rubrik, a.antal)
    return out


def _participants(report: Slutrapport, registers: Registers) -> list[Figure]:
    chosen = chosen_section(report, "deltagare")
    if chosen is None:
        return []
    i, section = chosen
    d = getattr(section, "deltagare", None)
    if d is None:
        return []
    mode = participants_as(report, registers)
    if mode == "besok":
        key, counted = "aktivitetslogg", deltagare_totalt(registers.aktivitetslogg)
        rows = tuple(r.rad for r in registers.aktivitetslogg)
    elif mode == "personer":
        key, counted = "deltagare", unika_personer(registers.deltagare)
        rows = tuple(r.rad for r in registers.deltagare)
    else:
        return []
    where = registers.where(key)
    base: Loc = ("avsnitt", i, "deltagare")
    out = []
    for name, label, value in (("kvinnor", "kvinnor", counted.kvinnor),
                               ("man", "män", counted.man),
                               ("totalt", "totalt", counted.totalt)):
        stated = getattr(d, name)
        if name == "kvinnor" or stated is not None:
            out.append(Figure((*base, name), "register-deltagare", f"Deltagare, {label}", stated,
                              value, key, where, "antal", rows))
    if counted.totalt:
        for name, label, part in (("andel_kvinnor", "kvinnor", counted.kvinnor),
                                  ("andel_man", "män", counted.man)):
            stated = getattr(d, name)
            if stated is not None:
                exact = Decimal(part) / Decimal(counted.totalt) * 100
                out.append(Figure((*base, name), "register-deltagare", f"Andel {label}", stated,
                                  exact, key, where, "procent", rows))
    return out


# --- participant programmes -------------------------------------------------------------------


@dataclass
class EffortMatch:
    """A programme's efforts against the participant register's: each report row with the
    register's figures (or None), and the register's efforts the report lacks."""

    section: int
    programme: Deltagarprogram
    matched: list[tuple[int, Insatssiffror | None]]
    missing: list[tuple[str, str | None, Insatssiffror]]
    """(name, municipality's name or None, figures) of each effort only the register has."""
    rows: tuple[int, ...]


def _municipality_names(report: Slutrapport) -> dict[str, str]:
    """A municipality's id (as the registers give it) -> its name in projekt.kommuner."""
    block = report.register
    given = {name_key(n): i for i, n in (block.kommuner.items() if block else ())}
    return {given.get(name_key(n)) or slug(n): n for n in report.projekt.kommuner}


def efforts(report: Slutrapport, registers: Registers) -> list[EffortMatch]:
    """Every participant programme with rows in the participant register, effort by effort.

    An effort is the rows of one ``insats`` (names compared without case); where the report has
    two efforts of one name, each with its municipality, the rows are split by municipality.
    """
    names = _municipality_names(report)
    ids = {name_key(n): i for i, n in names.items()}
    out = []
    for i, section in enumerate(report.avsnitt):
        if not isinstance(section, Deltagarprogram):
            continue
        mine = [r for r in registers.deltagare if r.omrade == section.name]
        if not mine:
            continue
        by_name: dict[str, list[Deltagarrad]] = {}
        for r in mine:
            by_name.setdefault(name_key(r.insats or ""), []).append(r)
        per_name: dict[str, int] = {}
        for ins in section.insatser:
            per_name[name_key(ins.namn)] = per_name.get(name_key(ins.namn), 0) + 1
        used: set[tuple[str, str | None]] = set()
        matched: list[tuple[int, Insatssiffror | None]] = []
        for j, ins in enumerate(section.insatser):
            key = name_key(ins.namn)
            rows = by_name.get(key, [])
            where: str | None = None
            if per_name[key] > 1:
                where = ids.get(name_key(ins.kommun or ""), slug(ins.kommun or "")) \
                    if ins.kommun else None
                rows = [r for r in rows if r.kommun == where]
            used.add((key, where if per_name[key] > 1 else "*"))
            matched.append((j, insatssiffror(rows) if rows else None))
        missing: list[tuple[str, str | None, Insatssiffror]] = []
        for key, rows in by_name.items():
            if per_name.get(key, 0) > 1:
                rest: dict[str | None, list[Deltagarrad]] = {}
                for r in rows:
                    if (key, r.kommun) not in used:
                        rest.setdefault(r.kommun, []).append(r)
                missing += [(rs[0].insats or "", names.get(m) if m else None, insatssiffror(rs))
                            for m, rs in rest.items()]
            elif (key, "*") not in used:
                places = {r.kommun for r in rows}
                only = next(iter(places)) if len(places) == 1 else None
                missing.append((rows[0].insats or "", names.get(only) if only else None,
                                insatssiffror(rows)))
        out.append(EffortMatch(i, section, matched, missing, tuple(r.rad for r in mine)))
    return out


def _programmes(report: Slutrapport, registers: Registers) -> list[Figure]:
    out = []
    for match in efforts(report, registers):
        base: Loc = ("avsnitt", match.section, "insatser")
        for j, counted in match.matched:
            if counted is None:
                continue
            ins = match.programme.insatser[j]
            where = registers.where("deltagare", counted.rader)
            label = f"{ins.namn}{f' ({ins.kommun})' if ins.kommun else ''}"
            values: list[tuple[str, str, int | Decimal | None, int | Decimal, Unit]] = [
                ("tillfallen", "tillfällen", ins.tillfallen, counted.tillfallen, "antal"),
                ("kvinnor", "kvinnor", ins.kvinnor, counted.kvinnor, "antal"),
                ("man", "män", ins.man, counted.man, "antal"),
                ("totalt", "totalt", ins.totalt, counted.totalt, "antal"),
            ]
            if counted.timmar is not None:
                values.insert(1, ("timmar", "timmar", ins.timmar, counted.timmar, "timmar"))
            for name, what, stated, value, unit in values:
                out.append(Figure((*base, j, name), "register-deltagarprogram",
                                  f"{label}, {what}", stated, value, "deltagare", where, unit,
                                  counted.rader))
    return out


# --- companies --------------------------------------------------------------------------------


def company_rows(registers: Registers) -> list[Foretagsrad]:
    """The company register's rows that make the table (a likely duplicate left out already)."""
    return list(registers.foretag)


def match_companies(stated: Sequence[Foretag], rows: Sequence[Foretagsrad]) -> tuple[
        list[tuple[int, Foretagsrad]], list[int], list[Foretagsrad]]:
    """The company table's rows against the register's: (report row, register row) pairs, the
    report's rows the register lacks, and the register's rows the report lacks.

    A row is matched by name (any case or spacing), else by organisation number (a company
    renamed in the register keeps its row); each row once, in order.
    """
    free = list(range(len(rows)))
    pairs: list[tuple[int, Foretagsrad]] = []
    unmatched: list[int] = []
    for j, f in enumerate(stated):
        hit = next((k for k in free if name_key(rows[k].namn) == name_key(f.namn)), None)
        if hit is None and f.organisationsnummer:
            hit = next((k for k in free
                        if rows[k].organisationsnummer == f.organisationsnummer), None)
        if hit is None:
            unmatched.append(j)
        else:
            free.remove(hit)
            pairs.append((j, rows[hit]))
    return pairs, unmatched, [rows[k] for k in free]


def _companies(report: Slutrapport, registers: Registers) -> list[Figure]:

    chosen = chosen_section(report, "foretag")
    if chosen is None:
        return []
    i, section = chosen
    assert isinstance(section, Foretagsprogram)
    rows = company_rows(registers)
    eff = section.effekt
    base: Loc = ("avsnitt", i, "effekt")
    out = []
    pairs, report_only, register_only = match_companies(eff.foretag, rows)
    for j, row in pairs:
        f = eff.foretag[j]
        where = registers.where("foretag", [row.rad])
        for name, what, stated, value in (
                ("anstallda_fore", "anställda före", f.anstallda_fore, row.anstallda_fore),
                ("anstallda_efter", "anställda efter", f.anstallda_efter, row.anstallda_efter)):
            out.append(Figure((*base, "foretag", j, name), "register-foretag", f"{f.namn}, {what}",
                              stated, value, "foretag", where, "anstallda", (row.rad,)))
        if f.okning is not None:
            out.append(Figure((*base, "foretag", j, "okning"), "register-foretag",
                              f"{f.namn}, ökning", f.okning, row.okning, "foretag", where,
                              "anstallda", (row.rad,)))
    if not rows or report_only or register_only:
        return out  # the sums differ by the companies one side lacks, named one by one
    fore = sum((r.anstallda_fore for r in rows), Decimal(0))
    efter = sum((r.anstallda_efter for r in rows), Decimal(0))
    where = registers.where("foretag")
    numbers = tuple(r.rad for r in rows)
    for name, what, value in (("fore", eff.tabell.fore, fore), ("efter", eff.tabell.efter, efter),
                              ("okning", eff.tabell.okning, efter - fore)):
        stated = getattr(eff.summa, name)
        if stated is not None:
            out.append(Figure((*base, "summa", name), "register-foretag",
                              f"{eff.tabell.summa} ({what})", stated, value, "foretag", where,
                              "anstallda", numbers))
    if eff.okning_procent is not None and fore:
        out.append(Figure((*base, "okning_procent"), "register-foretag", "Ökning i procent",
                          eff.okning_procent, (efter - fore) / fore * 100, "foretag", where,
                          "procent", numbers))
    return out


# --- the economy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    """One money register (the ledger or the financing) against the economy's table, counted
    once for ``check`` and ``fill`` alike (:func:`money`), so that the two can never disagree.

    Amounts are summed exactly, in öre; the table's rows are rounded to whole kronor so that they
    add up to the exact sum rounded once, half up (the largest remainders get the kronor: each
    row is within a krona of its exact sum). A row of the table the register can't tell (no
    rows, and the register's rows don't cover the project period) keeps the figure the report
    states, and the total counts it as stated, saying so.
    """

    key: str
    """``kostnader`` or ``finansiering``."""
    section: int
    names: tuple[str, ...]
    """The table's rows (categories or financiers), in the report's order."""
    stated: tuple[int, ...]
    exact: tuple[Decimal, ...]
    """Each row's exact sum of the register's counted rows."""
    counted: tuple[int, ...]
    """Each row in whole kronor (the stated figure for a row the register can't tell)."""
    rows: tuple[tuple[int, ...], ...]
    left: tuple[str | None, ...]
    """Why the register can't tell a row (None: it can)."""
    zero: tuple[str | None, ...]
    """Why a row without register rows is 0 (the register covers the period), else None."""
    total: int
    """The table's total: the told rows' exact sum rounded once, and the others as stated."""
    total_exact: Decimal
    """The told rows' exact sum."""
    outside: tuple[tuple[str, int, Decimal], ...]
    """Register rows counted but in no row of the table: (name, row, amount)."""
    uncounted: tuple[tuple[int, Decimal | None], ...]
    """Register rows not counted (an error on the row): (row, amount; None if unreadable)."""

    def total_note(self) -> str:
        """What the total is made of beyond the register's counted rows ('' or a clause, said
        by check's finding and fill's change): rows kept as stated, money left out, rounding."""
        called = REGISTERS[self.key].called
        parts = []
        kept = [(n, s) for n, s, why in zip(self.names, self.stated, self.left, strict=True)
                if why is not None]
        if kept:
            shown = ", ".join(f"{clip(n)} {format_amount(s)}" for n, s in kept)
            parts.append(f"med {shown} som rapporten anger, då {called} inte har några rader "
                         f"för {'det' if len(kept) == 1 else 'dem'}")
        if self.outside:
            by_name: dict[str, list[tuple[int, Decimal]]] = {}
            for name, row, amount in self.outside:
                by_name.setdefault(name, []).append((row, amount))
            shown = ", ".join(
                f"{clip(n)} {_kr(sum((a for _, a in rs), Decimal(0)))} "
                f"({row_list([r for r, _ in rs])})" for n, rs in by_name.items())
            parts.append(f"utan {shown}, som tabellen saknar")
        if self.uncounted:
            known = [(r, a) for r, a in self.uncounted if a is not None]
            unknown = [r for r, a in self.uncounted if a is None]
            said = []
            if known:
                money_ = sum((a for _, a in known), Decimal(0))
                said.append(f"{row_list([r for r, _ in known])} med "
                            f"{_kr(money_)}")
            if unknown:
                said.append(f"{row_list(unknown)} vars belopp inte kan läsas")
            parts.append(f"utan {' och '.join(said)}, som inte räknades: raden har fel")
        if self.total_exact != self.total_exact.to_integral_value():
            parts.append(f"summan {_kr(self.total_exact)} i ören avrundad en "
                         "gång till hela kronor")
        return "; ".join(parts)


def _kr(amount: Decimal) -> str:
    """An amount as it is shown: whole kronor as such, else with its öre ('60 000,40 kr')."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cents == cents.to_integral_value():
        return format_amount(int(cents))
    sign = "\u2212" if cents < 0 else ""
    whole = format_amount(int(abs(cents)), unit="")
    return f"{sign}{whole},{int(abs(cents) * 100) % 100:02d}\u00a0kr"


def money(report: Slutrapport, registers: Registers, key: str) -> Money | None:
    """The economy's table for ``key`` (``kostnader`` or ``finansiering``) as its register
    counts it, or None when there is no economy section, no such table or no such register."""
    chosen = chosen_section(report, "ekonomi")
    if chosen is None or not registers.usable(key):
        return None
    i, economy = chosen
    assert isinstance(economy, Ekonomi)
    attr = "kategori" if key == "kostnader" else "finansiar"
    table = getattr(economy, key)
    if not table:
        return None
    names = tuple(getattr(x, attr) for x in table)
    stated = tuple(x.belopp for x in table)
    sums: dict[str, Decimal] = {}
    rows: dict[str, list[int]] = {}
    outside: list[tuple[str, int, Decimal]] = []
    listed = set(names)
    for r in getattr(registers, key):
        name = getattr(r, attr)
        if name in listed:
            sums[name] = sums.get(name, Decimal(0)) + r.belopp
            rows.setdefault(name, []).append(r.rad)
        else:
            outside.append((name, r.rad, r.belopp))
    read = registers.lasta[key]
    uncounted = tuple(sorted(read.ej_raknade_belopp.items()))
    left: list[str | None] = []
    zero: list[str | None] = []
    for name, value in zip(names, stated, strict=True):
        told, why = _absence(report, registers, key, name, value, bool(rows.get(name)),
                             format_amount(value))
        left.append(None if told else why)
        zero.append(why if told else None)
    exact = tuple(sums.get(n, Decimal(0)) for n in names)
    # a name the table has twice is one sum, shown on both rows and counted once in the total
    first = {n: j for j, n in reversed(list(enumerate(names)))}
    tellable = sorted(j for j in first.values() if left[j] is None)
    shares, total_told = round_to_total([exact[j] for j in tellable])
    by_name = {names[j]: share for j, share in zip(tellable, shares, strict=True)}
    counted = tuple(by_name.get(n, s) for n, s in zip(names, stated, strict=True))
    kept = sum(stated[j] for j in first.values() if left[j] is not None)
    return Money(key, i, names, stated, exact, counted,
                 tuple(tuple(rows.get(n, ())) for n in names), tuple(left), tuple(zero),
                 total_told + kept, sum((exact[j] for j in tellable), Decimal(0)), tuple(outside),
                 uncounted)


def _absence(report: Slutrapport, registers: Registers, key: str, name: str,
             stated: int | Decimal | None, has_rows: bool, shown: str) -> tuple[bool, str | None]:
    """Whether the register tells a figure it has no rows for, and why: a register with counted
    rows that cover the project period counts an absence as 0 (``(True, why)``); otherwise the
    stated figure stays (``(False, why)``). A figure with rows, or stated 0, is told plainly."""
    if has_rows or not stated:
        return True, None
    called = REGISTERS[key].called
    rows = getattr(registers, key)
    period = report.projekt.period
    if not rows:
        read = registers.lasta[key]
        what = "inga rader" if not read.rader else \
            f"inga rader som räknades ({read.ej_raknade} med fel)"
        return False, f"{called} har {what}; {shown} lämnas"
    covered = coverage(report, rows)
    if covered is not None:
        return True, (f"{called} har inga rader för {clip(name)}; dess rader {covered} täcker "
                      f"projektperioden {period.fran}–{period.till}")
    return False, uncovered(report, key, rows, clip(name), shown)


def coverage(report: Slutrapport, rows: Sequence[Any]) -> str | None:
    """'2020-01-08–2022-11-30' when the dated rows reach into (or past) the project period's
    first and last year — then a thing the register has no row for had none — else None."""
    dates = [d for r in rows if (d := getattr(r, "datum", None)) is not None]
    if not dates:
        return None
    period = report.projekt.period
    first, last = date_bounds(period.fran)[0], date_bounds(period.till)[1]
    low, high = min(dates), max(dates)
    if low.year > first.year or high.year < last.year:
        return None
    return f"{low.isoformat()}–{high.isoformat()}"


def uncovered(report: Slutrapport, key: str, rows: Sequence[Any], label: str,
              stated: str) -> str:
    """Why a figure the register has no row for is not taken as 0."""
    period = report.projekt.period
    called = REGISTERS[key].called
    dates = [d for r in rows if (d := getattr(r, "datum", None)) is not None]
    if not dates:
        span = "dess rader har inga datum, så det syns inte om de täcker projektperioden"
    elif min(dates) == max(dates):
        span = (f"alla dess rader är från {min(dates).isoformat()}, vilket inte täcker "
                "projektperioden")
    else:
        span = (f"dess rader går från {min(dates).isoformat()} till {max(dates).isoformat()} "
                "och täcker inte projektperioden")
    return (f"{called} har inga rader för {label}, men {span} ({period.fran}–{period.till}); "
            f"{stated} lämnas. Skriv 0 själv om det stämmer")


def rounding(report: Slutrapport, registers: Registers) -> Iterator[Raw]:
    """A warning per money register whose öre change a figure of the report when rounded to
    whole kronor: the rows with öre, how they were counted, and each rounding (the same for
    ``check`` and ``fill``)."""
    for key in ("kostnader", "finansiering"):
        counted = money(report, registers, key)
        if counted is None:
            continue
        rounded = [(n, e, c) for n, e, c, why in zip(counted.names, counted.exact,
                                                      counted.counted, counted.left, strict=True)
                   if why is None and e != c]
        whole = counted.total_exact == counted.total_exact.to_integral_value()
        if not rounded and whole:
            continue
        told = {n for n, why in zip(counted.names, counted.left, strict=True) if why is None}
        attr = "kategori" if key == "kostnader" else "finansiar"
        rows = [r.rad for r in getattr(registers, key)
                if getattr(r, attr) in told and r.belopp != r.belopp.to_integral_value()]
        shown = "; ".join(f"{clip(n)} {_kr(e)} → {format_amount(c)}"
                          for n, e, c in rounded)
        total = "" if whole else (
            f"{'; ' if shown else ''}summan {_kr(counted.total_exact)} → "
            f"{format_amount(round_to_total([counted.total_exact])[1])}")
        called = REGISTERS[key].called
        many = len(rows) != 1
        yield ("register-oren", "warning", ("register", key),
               f"{called.capitalize()} har belopp med ören: {len(rows)} "
               f"{'rader' if many else 'rad'} ({registers.where(key, rows)}). Beloppen "
               "summeras i ören och varje summa avrundas en gång till hela kronor (50 öre "
               f"uppåt; tabellens rader så att de summerar till summan): {shown}{total}.",
               None, tuple(rows))


def _economy(report: Slutrapport, registers: Registers) -> list[Figure]:
    out = []
    for key, code, total_name, total_label in (
            ("kostnader", "register-kostnad", "summa_kostnader", "Summa kostnader"),
            ("finansiering", "register-finansiering", "summa_finansiering",
             "Summa finansiering")):
        counted = money(report, registers, key)
        if counted is None:
            continue
        i = counted.section
        economy = report.avsnitt[i]
        assert isinstance(economy, Ekonomi)
        for j, name in enumerate(counted.names):
            rows = counted.rows[j]
            exact = counted.exact[j]
            note = ""
            if counted.left[j] is None and exact != exact.to_integral_value():
                note = (f"{_kr(exact)} i ören, avrundat till hela kronor så "
                        "att raderna summerar till summan avrundad en gång")
            out.append(Figure(("avsnitt", i, key, j, "belopp"), code, name, counted.stated[j],
                              counted.counted[j] if counted.left[j] is None else 0, key,
                              registers.where(key, rows), "kr", rows, left=counted.left[j],
                              note=counted.zero[j] or note))
        numbers = tuple(sorted(r for rs in counted.rows for r in rs))
        where = registers.where(key)
        note = counted.total_note()
        stated_total = getattr(economy, total_name)
        if stated_total is not None:
            out.append(Figure(("avsnitt", i, total_name), code, total_label, stated_total,
                              counted.total, key, where, "kr", numbers, note=note))
        if key == "kostnader":
            out.append(Figure(("avsnitt", i, "utfall"), code, "Utfall", economy.utfall,
                              counted.total, key, where, "kr", numbers, note=note))
    return out


# --- indicators ---------------------------------------------------------------------------------


def register_figure(kalla: str, registers: Registers) -> tuple[str, int | Decimal,
                                                                tuple[int, ...]] | None:
    """What a register figure ``kalla`` counts: (register, value, rows), or None when the
    register it needs is not read (or ``kalla`` names no register figure)."""
    source = register_source(kalla)
    if source is None or not source[0]:
        return None
    what, detail = source
    if what == "foretag":
        if not registers.usable("foretag"):
            return None
        rows = company_rows(registers)
        numbers = tuple(r.rad for r in rows)
        if detail == "okning":
            return "foretag", sum((r.okning for r in rows), Decimal(0)), numbers
        log = registers.aktivitetslogg if registers.usable("aktivitetslogg") else []
        return "foretag", unika_foretag(log, rows), numbers
    if what == "deltagare":
        if not registers.usable("deltagare"):
            return None
        persons = registers.deltagare
        if detail not in (None, "kvinnor", "man"):
            persons = [r for r in persons if r.omrade == detail]
        counted = unika_personer(persons)
        value = counted.kvinnor if detail == "kvinnor" else counted.man if detail == "man" \
            else counted.totalt
        if detail == "kvinnor":
            persons = [r for r in persons if r.kon == "kvinna"]
        elif detail == "man":
            persons = [r for r in persons if r.kon == "man"]
        return "deltagare", value, tuple(r.rad for r in persons)
    if not registers.usable("aktivitetslogg"):
        return None
    log = registers.aktivitetslogg
    if detail is not None:
        log = [r for r in log if r.omrade == detail]
    return "aktivitetslogg", len(log), tuple(r.rad for r in log)


def _indicators(report: Slutrapport, registers: Registers) -> list[Figure]:
    out = []
    for i, section in enumerate(report.avsnitt):
        if not isinstance(section, Indikatorer):
            continue
        for j, ind in enumerate(section.indikatorer):
            if ind.kalla is None:
                continue
            counted = register_figure(ind.kalla, registers)
            if counted is None:
                continue
            key, value, rows = counted
            label = f"{ind.kod} {ind.namn}" if ind.kod else ind.namn
            unit: Unit = "antal" if isinstance(value, int) else "anstallda"
            out.append(Figure(("avsnitt", i, "indikatorer", j, "utfall"), "register-indikator",
                              f"{label} ({ind.kalla})", ind.utfall, value, key,
                              registers.where(key, rows) if rows else registers.where(key),
                              unit, rows))
    return out


def _unknown_sources(report: Slutrapport, registers: Registers) -> Iterator[Raw]:
    """An indicator that counts a register the report doesn't name, or an area it lacks."""
    areas = {r.omrade for r in registers.aktivitetslogg} | {r.omrade for r in registers.deltagare}
    known = _area_ids(report)
    for i, section in enumerate(report.avsnitt):
        if not isinstance(section, Indikatorer):
            continue
        for j, ind in enumerate(section.indikatorer):
            source = register_source(ind.kalla) if ind.kalla is not None else None
            if source is None or not source[0]:
                continue
            what, detail = source
            key = {"foretag": "foretag", "deltagare": "deltagare",
                   "aktiviteter": "aktivitetslogg"}[what]
            loc: Loc = ("avsnitt", i, "indikatorer", j, "kalla")
            if not registers.usable(key):
                called = REGISTERS[key].called
                yield ("register-installning", "error", loc,
                       f"{ind.namn}: utfallet räknas från {ind.kalla}, men {called} är inte "
                       f"{'angivet' if key != 'aktivitetslogg' else 'angiven'} eller kunde "
                       f"inte läsas (register.{key}).", key, ind.kalla)
            elif what in ("deltagare", "aktiviteter") and detail not in (None, "kvinnor", "man") \
                    and detail not in known and detail not in areas:
                close = nearest(str(detail), sorted(known))
                hint = f"; närmast: {close}" if close else ""
                yield ("register-installning", "error", loc,
                       f"{ind.namn}: {ind.kalla} nämner området '{detail}', som varken "
                       f"rapporten eller registren har{hint}.", close, detail)


def _area_ids(report: Slutrapport) -> set[str]:
    block = report.register
    ids = set(block.omraden) if block is not None else set()
    for s in report.avsnitt:
        if isinstance(s, Deltagarprogram):
            ids.add(s.name)
        if isinstance(s, Aktiviteter):
            ids.add(s.name)
            ids |= {a.id for a in s.omraden if a.id}
    return ids


# --- what one side has and the other lacks ----------------------------------------------------


def _missing_rows(report: Slutrapport, registers: Registers) -> Iterator[Raw]:
    """Companies, efforts, categories and financiers that one side has and the other lacks."""

    chosen = chosen_section(report, "foretag")
    if registers.usable("foretag") and chosen is not None:
        i, section = chosen
        assert isinstance(section, Foretagsprogram)
        rows = company_rows(registers)
        _, report_only, register_only = match_companies(section.effekt.foretag, rows)
        names = [r.namn for r in rows]
        for j in report_only:
            f = section.effekt.foretag[j]
            close = nearest(f.namn, names, cutoff=0.75)  # 'Omega AB' is not 'Beta AB'
            hint = f"; närmast: {clip(close)}" if close else ""
            yield ("register-foretag", "error", ("avsnitt", i, "effekt", "foretag", j, "namn"),
                   f"{f.namn} står i företagstabellen men inte i företagsregistret "
                   f"({registers.where('foretag')}){hint}.", None, f.namn)
        if register_only:
            shown = ", ".join(f"{clip(r.namn)} ({registers.where('foretag', [r.rad])})"
                              for r in register_only[:8])
            more = f" och {len(register_only) - 8} till" if len(register_only) > 8 else ""
            many = len(register_only) > 1
            yield ("register-foretag", "error", ("avsnitt", i, "effekt", "foretag"),
                   f"Företagsregistret har {'företagen' if many else 'företaget'} {shown}{more}"
                   f", som företagstabellen saknar; fill skriver in "
                   f"{'dem' if many else 'det'}.",
                   [r.namn for r in register_only], tuple(r.rad for r in register_only))
    if registers.usable("deltagare"):
        for match in efforts(report, registers):
            base: Loc = ("avsnitt", match.section, "insatser")
            for j, counted in match.matched:
                if counted is None:
                    ins = match.programme.insatser[j]
                    yield ("register-deltagarprogram", "error", (*base, j, "namn"),
                           f"Insatsen {ins.namn}{f' ({ins.kommun})' if ins.kommun else ''} "
                           f"står i {match.programme.name} men deltagarregistret har inga rader "
                           f"för den (kolumnen Insats, {registers.where('deltagare')}).",
                           None, ins.namn)
            if match.missing:
                shown = ", ".join(
                    f"{clip(n) if n else '(utan insats)'}{f' ({m})' if m else ''} "
                    f"({row_list(c.rader)})"
                    for n, m, c in match.missing)
                yield ("register-deltagarprogram", "error", base,
                       f"Deltagarregistret har insatser i {match.programme.name} som tabellen "
                       f"saknar: {shown}; fill skriver in dem.",
                       [n for n, _, _ in match.missing], None)
    chosen = chosen_section(report, "ekonomi")
    if chosen is None:
        return
    i, economy = chosen
    assert isinstance(economy, Ekonomi)
    for key, rows_, attr, what in (
            ("kostnader", registers.kostnader, "kategori", "kostnadsslaget"),
            ("finansiering", registers.finansiering, "finansiar", "finansiären")):
        if not registers.usable(key):
            continue
        listed = {getattr(x, attr) for x in getattr(economy, key)}
        absent: dict[str, list[int]] = {}
        for r in rows_:
            name = getattr(r, attr)
            if name not in listed:
                absent.setdefault(name, []).append(r.rad)
        for name, numbers in absent.items():
            yield (f"register-{'kostnad' if key == 'kostnader' else 'finansiering'}", "error",
                   ("avsnitt", i, key),
                   f"{REGISTERS[key].called.capitalize()} har {what} {clip(name)} "
                   f"({registers.where(key, numbers)}), som tabellen i rapporten saknar.",
                   name, None)


# --- registers that count nothing ---------------------------------------------------------------

_COUNTS = {
    "aktivitetslogg": "aktivitetsområden med id (eget id: eller under register.omraden), "
                      "deltagarna i ett horisontellt avsnitt räknade som besök och indikatorer "
                      "med kalla: register.aktiviteter",
    "deltagare": "deltagarprogram (rader vars område är programmets id), deltagarna i ett "
                 "horisontellt avsnitt räknade som unika personer och indikatorer med kalla: "
                 "register.deltagare",
    "foretag": "företagstabellen i ett foretagsprogram och indikatorer med kalla: "
               "register.foretag",
    "kostnader": "kostnadsslagen i ett ekonomiavsnitt",
    "finansiering": "finansieringen i ett ekonomiavsnitt",
}
"""What each register can count, for the note on a register that counts nothing."""


def _unused(report: Slutrapport, registers: Registers, figs: list[Figure]) -> Iterator[Raw]:
    """A register read whose rows count no figure of the report: said, with why."""
    used = {f.register for f in figs}
    for key, read in registers.lasta.items():
        if not registers.usable(key) or key in used or not read.rader:
            continue  # an empty register counts nothing, and its row count says so
        if key == "foretag" and chosen_section(report, "foretag") is not None:
            continue  # a company table to fill from the register
        if key in ("kostnader", "finansiering") and \
                chosen_section(report, "ekonomi") is not None:
            continue  # an economy section whose empty table names what the register has
        if key == "deltagare" and any(
                isinstance(s, Deltagarprogram) for s in report.avsnitt) and \
                not registers.deltagare:
            continue  # an empty register beside a programme: rows to come
        why = _COUNTS[key]
        extra = ""
        if key == "deltagare" and participants_as(report, registers) == "besok":
            extra = (" Deltagarna i det horisontella avsnittet räknas som besök ur "
                     "aktivitetsloggen (register.deltagare_som: besok).")
        elif key == "aktivitetslogg" and participants_as(report, registers) == "personer":
            extra = (" Deltagarna i det horisontella avsnittet räknas som unika personer ur "
                     "deltagarregistret (ange register.deltagare_som: besok för att räkna dem "
                     "ur loggen).")
        yield ("register-oanvant", "info", ("register", key),
               f"{REGISTERS[key].called.capitalize()} ({read.fil}) räknar inget tal i "
               f"rapporten: det räknar {why}, och rapporten har inget sådant.{extra}",
               None, None)


def register_findings(report: Slutrapport, registers: Registers | None = None, *,
                      allow_outside: bool = False) -> Iterator[Raw]:
    """The registers' problems and every stated figure that disagrees with them.

    Nothing is read when the report names no registers; ``registers`` read beforehand are used
    as they are. A report built in code (not loaded from a file) has no folder for its
    registers: they are compared only when given. ``allow_outside``: registers may lie outside
    the report's folder (see :func:`~slutrapport.registers.read_registers`).

    A problem in a register's rows has the rows it is on as its ``actual`` (every one, in the
    sheet's numbering).
    """
    if report.register is None:
        return
    yield from section_problems(report)
    if registers is None:
        if report.source is None:
            return
        registers = read_registers(report, allow_outside=allow_outside)
    for p in registers.problem:
        yield (p.code, p.severity, ("register", p.source), p.message, None, p.rows or None)
    yield from rounding(report, registers)
    yield from _unknown_sources(report, registers)
    every = figures(report, registers)
    mode = participants_as(report, registers)
    for fig in every:
        if not fig.agrees():
            counted: Any = fig.counted
            if fig.unit == "procent" and fig.stated is not None:
                counted = round_like(Decimal(counted), Decimal(fig.stated))
            note = ""
            if fig.code == "register-deltagare" and mode == "personer" and \
                    registers.usable("aktivitetslogg"):
                note = (" Räknas deltagarna som besök i aktivitetsloggen, ange "
                        "register.deltagare_som: besok.")
            yield (fig.code, "error", fig.loc, fig.message(note), counted, fig.stated)
    yield from _missing_rows(report, registers)
    yield from _unused(report, registers, every)
