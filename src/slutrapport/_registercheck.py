"""The report's stated figures against what its registers count (``register-*`` findings).

:func:`figures` lists every figure of the report that a register can count, with the stated value
(None where the report states none), the counted one and the register rows counted
(:attr:`Figure.rows`); :func:`register_findings` turns the registers' own problems and every
disagreement into findings, and ``fill`` writes the counted values in. Which section a register
is compared with:

- the activity log: every activity area with an id (its own, or given by ``register.omraden``),
  and every activity section with a count of its own (its id is the section's);
- participants: the first ``horisontella_*`` section with ``deltagare`` (or the one that
  ``register.avsnitt.deltagare`` names), against the activity log's attendances — or, without an
  activity log, against the participant register's unique persons;
- companies: the first ``foretagsprogram`` section (or ``register.avsnitt.foretag``), row by row
  by company name;
- the ledger and the financing: the first ``ekonomi`` section (or ``register.avsnitt.ekonomi``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from slutrapport.fields import Loc
from slutrapport.formatting import format_amount, format_decimal, format_integer, format_percent
from slutrapport.kinds import Raw, Section
from slutrapport.kinds.aktiviteter import Aktiviteter
from slutrapport.kinds.ekonomi import Ekonomi
from slutrapport.kinds.foretagsprogram import Foretagsprogram
from slutrapport.names import name_key, nearest, same_name
from slutrapport.numbers import round_like
from slutrapport.registers import (
    REGISTERS,
    Registers,
    aktiviteter_per_omrade,
    deltagare_totalt,
    finansiering_per_finansiar,
    foretagstabell,
    kostnader_per_kategori,
    read_registers,
    unika_personer,
)
from slutrapport.registers.files import clip

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport

__all__ = ["Figure", "Unit", "chosen_section", "figures", "register_findings", "section_problems"]

Unit = Literal["antal", "kr", "anstallda", "procent"]


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

    def message(self) -> str:
        assert self.stated is not None
        called = REGISTERS[self.register].called
        verb = "ger" if self.unit == "procent" else "har"
        counted = self.counted
        if self.unit == "procent":
            counted = round_like(Decimal(counted), Decimal(self.stated))
        return (f"{self.label}: {self.shown(self.stated)} angivet, {called} {verb} "
                f"{self.shown(counted)} ({self.where}).")


def _format(value: int | Decimal, unit: Unit) -> str:
    if unit == "kr":
        return format_amount(value)
    if unit == "procent":
        return format_percent(value)
    if unit == "anstallda":
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
    return None


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
             "foretag": "ett foretagsprogram", "ekonomi": "ett ekonomiavsnitt"}
    for what, sid in block.avsnitt.items():
        section = report.section(sid)
        ok = section is not None and (
            (what == "deltagare" and section.TYP.startswith("horisontella_")
             and getattr(section, "deltagare", None) is not None)
            or (what == "foretag" and isinstance(section, Foretagsprogram))
            or (what == "ekonomi" and isinstance(section, Ekonomi)))
        if not ok:
            why = "inget avsnitt har det id:t" if section is None else \
                f"det är inte {kinds[what]}"
            yield ("register-installning", "error", ("register", "avsnitt", what),
                   f"register.avsnitt.{what} är {sid}, men {why}.", kinds[what], sid)


def figures(report: Slutrapport, registers: Registers) -> list[Figure]:
    """Every figure of the report that the registers count, stated or not."""
    out: list[Figure] = []
    if registers.usable("aktivitetslogg"):
        out += _areas(report, registers)
    out += _participants(report, registers)
    if registers.usable("foretag"):
        out += _companies(report, registers)
    out += _economy(report, registers)
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
        out.append(Figure(loc, "register-antal", _label(heading), stated, counts.get(area_id, 0),
                          "aktivitetslogg", registers.where("aktivitetslogg", counted), "antal",
                          tuple(counted)))

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
    if registers.usable("aktivitetslogg"):
        key, counted = "aktivitetslogg", deltagare_totalt(registers.aktivitetslogg)
        rows = tuple(r.rad for r in registers.aktivitetslogg)
    elif registers.usable("deltagare"):
        key, counted = "deltagare", unika_personer(registers.deltagare)
        rows = tuple(r.rad for r in registers.deltagare)
    else:
        return []
    where = registers.where(key)
    base: Loc = ("avsnitt", i, "deltagare")
    out = []
    for name, what, value in (("kvinnor", "kvinnor", counted.kvinnor),
                              ("man", "män", counted.man),
                              ("totalt", "totalt", counted.totalt)):
        stated = getattr(d, name)
        if name == "kvinnor" or stated is not None:
            out.append(Figure((*base, name), "register-deltagare", f"Deltagare, {what}", stated,
                              value, key, where, "antal", rows))
    if counted.totalt:
        for name, what, part in (("andel_kvinnor", "kvinnor", counted.kvinnor),
                                 ("andel_man", "män", counted.man)):
            stated = getattr(d, name)
            if stated is not None:
                exact = Decimal(part) / Decimal(counted.totalt) * 100
                out.append(Figure((*base, name), "register-deltagare", f"Andel {what}", stated,
                                  exact, key, where, "procent", rows))
    return out


def _companies(report: Slutrapport, registers: Registers) -> list[Figure]:

    chosen = chosen_section(report, "foretag")
    if chosen is None:
        return []
    i, section = chosen
    assert isinstance(section, Foretagsprogram)
    table = foretagstabell(registers.foretag)
    by_key = {name_key(n): r for n, r in table.items()}
    eff = section.effekt
    base: Loc = ("avsnitt", i, "effekt")
    out = []
    for j, f in enumerate(eff.foretag):
        row = by_key.get(name_key(f.namn))
        if row is None:
            continue
        where = registers.where("foretag", [row.rad])
        out.append(Figure((*base, "foretag", j, "anstallda_fore"), "register-foretag",
                          f"{f.namn}, anställda före", f.anstallda_fore, row.anstallda_fore,
                          "foretag", where, "anstallda", (row.rad,)))
        out.append(Figure((*base, "foretag", j, "anstallda_efter"), "register-foretag",
                          f"{f.namn}, anställda efter", f.anstallda_efter, row.anstallda_efter,
                          "foretag", where, "anstallda", (row.rad,)))
        if f.okning is not None:
            out.append(Figure((*base, "foretag", j, "okning"), "register-foretag",
                              f"{f.namn}, ökning", f.okning, row.okning, "foretag", where,
                              "anstallda", (row.rad,)))
    if not registers.foretag:
        return out
    fore = sum((r.anstallda_fore for r in table.values()), Decimal(0))
    efter = sum((r.anstallda_efter for r in table.values()), Decimal(0))
    where = registers.where("foretag")
    numbers = tuple(r.rad for r in table.values())
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


def _economy(report: Slutrapport, registers: Registers) -> list[Figure]:

    chosen = chosen_section(report, "ekonomi")
    if chosen is None:
        return []
    i, economy = chosen
    assert isinstance(economy, Ekonomi)
    out = []
    if registers.usable("kostnader") and economy.kostnader:
        sums = kostnader_per_kategori(registers.kostnader)
        rows: dict[str, list[int]] = {}
        for r in registers.kostnader:
            rows.setdefault(r.kategori, []).append(r.rad)
        for j, k in enumerate(economy.kostnader):
            counted = rows.get(k.kategori, [])
            out.append(Figure(("avsnitt", i, "kostnader", j, "belopp"), "register-kostnad",
                              k.kategori, k.belopp, sums.get(k.kategori, 0), "kostnader",
                              registers.where("kostnader", counted), "kr", tuple(counted)))
        listed = {k.kategori: k for k in economy.kostnader}
        total = sum(sums.get(k, 0) for k in listed)
        where = registers.where("kostnader")
        numbers = tuple(sorted(n for k in listed for n in rows.get(k, [])))
        if economy.summa_kostnader is not None:
            out.append(Figure(("avsnitt", i, "summa_kostnader"), "register-kostnad",
                              "Summa kostnader", economy.summa_kostnader, total, "kostnader",
                              where, "kr", numbers))
        out.append(Figure(("avsnitt", i, "utfall"), "register-kostnad", "Utfall",
                          economy.utfall, total, "kostnader", where, "kr", numbers))
    if registers.usable("finansiering") and economy.finansiering:
        sums = finansiering_per_finansiar(registers.finansiering)
        rows = {}
        for f_row in registers.finansiering:
            rows.setdefault(f_row.finansiar, []).append(f_row.rad)
        for j, f in enumerate(economy.finansiering):
            counted = rows.get(f.finansiar, [])
            out.append(Figure(("avsnitt", i, "finansiering", j, "belopp"),
                              "register-finansiering", f.finansiar, f.belopp,
                              sums.get(f.finansiar, 0), "finansiering",
                              registers.where("finansiering", counted), "kr", tuple(counted)))
        if economy.summa_finansiering is not None:
            named = {f.finansiar: f for f in economy.finansiering}
            total = sum(sums.get(f, 0) for f in named)
            out.append(Figure(("avsnitt", i, "summa_finansiering"), "register-finansiering",
                              "Summa finansiering", economy.summa_finansiering, total,
                              "finansiering", registers.where("finansiering"), "kr",
                              tuple(sorted(n for f in named for n in rows.get(f, [])))))
    return out


def _missing_rows(report: Slutrapport, registers: Registers) -> Iterator[Raw]:
    """Companies, categories and financiers that one side has and the other lacks."""

    chosen = chosen_section(report, "foretag")
    if registers.usable("foretag") and chosen is not None:
        i, section = chosen
        assert isinstance(section, Foretagsprogram)
        table = foretagstabell(registers.foretag)
        keys = {name_key(n) for n in table}
        stated = {name_key(f.namn) for f in section.effekt.foretag}
        for j, f in enumerate(section.effekt.foretag):
            if name_key(f.namn) not in keys:
                close = nearest(f.namn, list(table))
                hint = f"; närmast: {clip(close)}" if close else ""
                yield ("register-foretag", "error", ("avsnitt", i, "effekt", "foretag", j, "namn"),
                       f"{f.namn} står i företagstabellen men inte i företagsregistret "
                       f"({registers.where('foretag')}){hint}.", None, f.namn)
        for name, row in table.items():
            if name_key(name) not in stated:
                yield ("register-foretag", "error", ("avsnitt", i, "effekt", "foretag"),
                       f"Företagsregistret har {clip(name)} "
                       f"({registers.where('foretag', [row.rad])}), "
                       "som företagstabellen saknar.", name, None)
    chosen = chosen_section(report, "ekonomi")
    if chosen is None:
        return
    i, economy = chosen
    assert isinstance(economy, Ekonomi)
    for key, rows, attr, what in (
            ("kostnader", registers.kostnader, "kategori", "kostnadsslaget"),
            ("finansiering", registers.finansiering, "finansiar", "finansiären")):
        if not registers.usable(key):
            continue
        listed = {getattr(x, attr) for x in getattr(economy, key)}
        counted: dict[str, list[int]] = {}
        for r in rows:
            name = getattr(r, attr)
            if name not in listed:
                counted.setdefault(name, []).append(r.rad)
        for name, numbers in counted.items():
            yield (f"register-{'kostnad' if key == 'kostnader' else 'finansiering'}", "error",
                   ("avsnitt", i, key),
                   f"{REGISTERS[key].called.capitalize()} har {what} {clip(name)} "
                   f"({registers.where(key, numbers)}), som tabellen i rapporten saknar.",
                   name, None)


def register_findings(report: Slutrapport, registers: Registers | None = None, *,
                      allow_outside: bool = False) -> Iterator[Raw]:
    """The registers' problems and every stated figure that disagrees with them.

    Nothing is read when the report names no registers; ``registers`` read beforehand are used
    as they are. A report built in code (not loaded from a file) has no folder for its
    registers: they are compared only when given. ``allow_outside``: registers may lie outside
    the report's folder (see :func:`~slutrapport.registers.read_registers`).
    """
    if report.register is None:
        return
    yield from section_problems(report)
    if registers is None:
        if report.source is None:
            return
        registers = read_registers(report, allow_outside=allow_outside)
    for p in registers.problem:
        yield (p.code, p.severity, ("register", p.source), p.message, None, None)
    for fig in figures(report, registers):
        if not fig.agrees():
            counted: Any = fig.counted
            if fig.unit == "procent" and fig.stated is not None:
                counted = round_like(Decimal(counted), Decimal(fig.stated))
            yield (fig.code, "error", fig.loc, fig.message(), counted, fig.stated)
    yield from _missing_rows(report, registers)

