"""``slutrapport fill``: write the figures the registers count into the report file.

The file is edited in place, figure by figure, at the characters that hold each value (found
with the YAML parser's marks): every comment, the order, the quoting and every other byte stay
as they were. What changes:

1. The figures a register counts (:func:`slutrapport._registercheck.figures`): area counts,
   participants (women, men, all), the company table's head counts, cost categories and
   financing rows. A count of an area that the report doesn't state yet is added under the
   area's heading.
   The economy's sums (``summa_kostnader``, ``utfall``, ``summa_finansiering``) are figures too,
   counted once with check's (:func:`slutrapport._registercheck.money`: öre summed, rounded once;
   a category the ledger can't tell kept as stated; what they lack said in the change's note).
2. What depends on them, recomputed from the new figures: the participants' shares
   (``andel_kvinnor``, ``andel_man``, as precise as stated), each company's stated increase, the
   company table's stated sums and increase in per cent, ``under_budget`` (when the outcome
   changed), and an indicator's ``utfall`` whenever the figure its ``kalla``
   names differs from it (a register figure such as ``register.foretag``, or a path in the
   data), not only when fill changed that figure.
2b. Rows only a register has: a company of the company register the table lacks, an effort of
   the participant register a programme lacks, each added at the end of its table (the
   report's rows keep their order and comments; a row only the report has is named, never
   removed), and a company's organisation number where the report has none.
3. The text of each figure link that points at a changed figure (``[259](tal:antal)`` becomes
   ``[257](tal:antal)``), written the way the link was: with or without a thousands separator
   (and the same one), as many decimals, the same sign and what follows the number (``%``,
   `` kr``).

What ``fill`` can't write — a category that only the register has, a company or effort in a
table whose rows are not written one to a line, a link whose text
the file writes across lines or with escapes, a count of an area whose heading spans lines — is
named in :attr:`FillResult.left` for the user. The new text is read back and compared with what
was planned before anything is written.

What ``fill`` does not take from a register:

- nothing at all from a register with no counted rows (an empty register, or one whose rows all
  have errors): its figures, and what depends on them, stay as they are, and
  :attr:`FillResult.notes` says so ("huvudboken har inga rader; kostnaderna lämnas som de är");
- a 0 for an area, a cost category or a financier that a register with rows has no row for, unless
  the register covers the project period (dated rows in the period's first and last year, or
  before and after): only then is the absence a count of 0, and the change says why. Otherwise
  the figure stays and is named in :attr:`FillResult.left`.

The registers' own errors (a row that can't be read is not counted, so a count from the register
is too low) stop the writing: :func:`fill_file` raises :class:`FillRefusedError` unless
``force``. The file is rewritten in place with the original kept as ``FIL.bak`` (``FIL.1.bak``
… when that exists; a backup is never overwritten), or written to ``output``
(:mod:`slutrapport._files`).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from slutrapport import narrative
from slutrapport._files import same_file, write_over
from slutrapport._registercheck import (
    Figure,
    Unit,
    chosen_section,
    company_rows,
    efforts,
    figures,
    match_companies,
    register_findings,
    rounding,
    section_problems,
)
from slutrapport.checks import Finding
from slutrapport.context import resolve_path, resolving
from slutrapport.errors import InputError, Problem, RefusedError
from slutrapport.fields import Loc, read_number
from slutrapport.formatting import (
    format_amount,
    format_decimal,
    format_integer,
    format_list,
    format_percent,
)
from slutrapport.kinds.deltagarprogram import Deltagarprogram
from slutrapport.kinds.ekonomi import Ekonomi
from slutrapport.kinds.foretagsprogram import Foretagsprogram
from slutrapport.kinds.indikatorer import Indikatorer, register_source
from slutrapport.loader import from_data, load, parse_yaml
from slutrapport.numbers import figure, round_like
from slutrapport.paths import format_loc, narratives, walk
from slutrapport.registers import REGISTERS, read_registers

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport
    from slutrapport.registers import Registers

__all__ = ["Change", "FillRefusedError", "FillResult", "Nodes", "apply_edits", "changes_header",
           "fill_file", "format_like", "refusal"]


@dataclass(frozen=True)
class Change:
    """One change ``fill`` makes: where (as findings name it, and the line), old and new."""

    path: str
    line: int | None
    old: str
    new: str
    note: str | None = None
    """Why the new value is what it is, where that needs saying (a 0 for an area without rows)."""
    added: str | None = None
    """What was added where nothing stood: 'tal' (a figure), 'organisationsnummer', 'uppgift'
    (another text) or 'rad' (a row of a table); None for a value changed."""


@dataclass
class FillResult:
    """What ``fill`` changed, what it left for the user, and the new text of the file."""

    changes: list[Change] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    """The registers' own problems and the ``register`` block's (``register-installning``)."""
    notes: list[str] = field(default_factory=list)
    """What the registers leave as it is ('huvudboken har inga rader; …'), for the user to see."""
    text: str = ""
    written: bool = False
    target: Path | None = None
    """The file written (None when nothing was)."""
    backup: Path | None = None
    """Where the original was kept, when the file was written over itself."""

    @property
    def errors(self) -> list[Finding]:
        """The problems of severity error: they stop ``fill`` from writing unless forced."""
        return [p for p in self.problems if p.severity == "error"]


class FillRefusedError(RefusedError):
    """The registers have errors and ``force`` was not given: nothing was written. ``result``
    holds what would have changed and the problems."""

    def __init__(self, result: FillResult) -> None:
        self.result = result
        self.findings = result.errors
        Exception.__init__(self, refusal(result.errors))


def refusal(errors: list[Finding], *, dry_run: bool = False) -> str:
    """Why ``fill`` writes nothing: the register errors, named (Swedish, one paragraph)."""

    named = []
    for f in errors:
        key = f.path.removeprefix("register.")
        if f.path.startswith("register.") and key in REGISTERS:
            row = f" rad {f.actual}" if isinstance(f.actual, int) else ""
            named.append(f"{REGISTERS[key].called}{row} [{f.code}]")
        else:
            named.append(f"{f.path} [{f.code}]")
    shown = ", ".join(named[:5]) + (f" och {len(named) - 5} till" if len(named) > 5 else "")
    lead = "utan --dry-run skrivs inget" if dry_run else "inget skrevs"
    why = []
    if any(f.code != "register-installning" for f in errors):
        why.append("en rad med fel räknas inte, så talen från registren kan bli fel")
    if any(f.code == "register-installning" for f in errors):
        why.append("det som register-blocket pekar fel på jämförs inte")
    because = "; ".join(why)
    return (f"{lead}, eftersom registren har {len(errors)} fel: {shown} (se ovan). "
            f"{because[:1].upper()}{because[1:]}. Rätta registren och kör fill igen, eller skriv "
            "ändå med --force.")


def fill_file(path: str | Path, *, dry_run: bool = False, force: bool = False,
              output: str | Path | None = None,
              allow_outside_registers: bool = False) -> FillResult:
    """Fill the report at ``path`` from its registers; write it unless ``dry_run``.

    The file is written over itself with the original kept as ``FIL.bak`` (``FIL.1.bak`` …
    when that exists), or to ``output`` if that is another file (a data file there is kept the
    same way). Nothing is written when nothing changes.

    Raises :class:`FillRefusedError` when the registers have errors (unless ``force`` or
    ``dry_run``), :class:`~slutrapport.errors.InputError` when the report or a register can't
    be read, when the report names no registers or when a value used through a YAML alias would
    get two values, :class:`~slutrapport.errors.OutputError` when ``output`` is a register, a
    backup of the report or can't be written.
    """

    file = Path(path)
    report = load(file)
    if report.register is None or not report.register.named():
        raise InputError([Problem(
            "rapporten anger inga register att fylla i från; ange dem sist i filen under "
            "'register:' (se docs/register.md)", file=str(path))])
    raw = file.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8") if bom else raw.decode("utf-8")
    # a register outside the report's folder only with allow_outside_registers (--tillat-sokvag)
    registers = read_registers(report, allow_outside=allow_outside_registers)
    result = fill_text(text, report, registers)
    result.problems = _register_problems(report, registers)
    block = report.register
    assert block is not None
    elsewhere = output is not None and not same_file(file, output)
    if elsewhere and result.changes and not (block.mapp and Path(block.mapp).is_absolute()):
        assert output is not None
        if Path(output).resolve().parent != file.resolve().parent:
            result.notes.append(
                f"registren anges relativt rapportfilen, och {output} ligger i en annan mapp än "
                f"{file}: 'slutrapport check {output}' hittar dem inte där förrän du flyttar "
                "filen eller ändrar register.mapp.")
    if result.errors and not force and not dry_run:
        raise FillRefusedError(result)
    if result.changes and not dry_run:
        folder = file.parent / block.mapp if block.mapp else file.parent
        protect = [("registret", folder / name) for _key, name in block.named()]
        data = (b"\xef\xbb\xbf" if bom else b"") + result.text.encode("utf-8")
        result.target, result.backup = write_over(file, output, data, protect=protect)
        result.written = True
    return result


def _register_problems(report: Slutrapport, registers: Registers) -> list[Finding]:
    """The register block's and the registers' own problems, as findings (for the user to see
    what was not compared or not counted)."""

    out = []
    for code, severity, raw_loc, message, expected, actual in section_problems(report):
        out.append(Finding(code, severity, format_loc(raw_loc), message, expected, actual,
                           report.line_of(raw_loc)))
    for p in registers.problem:
        loc: Loc = ("register", p.source)
        out.append(Finding(p.code, p.severity, format_loc(loc), p.message, None, p.row,
                           report.line_of(loc)))
    for code, severity, raw_loc, message, _expected, actual in rounding(report, registers):
        first = actual[0] if isinstance(actual, tuple) and actual else None
        out.append(Finding(code, severity, format_loc(raw_loc), message, None, first,
                           report.line_of(raw_loc)))
    return out


# --- planning -------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """New values by place, with their units, and what is left for the user."""

    values: dict[Loc, Any] = field(default_factory=dict)
    units: dict[Loc, Unit] = field(default_factory=dict)
    inserts: set[Loc] = field(default_factory=set)
    left: list[str] = field(default_factory=list)
    notes: dict[Loc, str] = field(default_factory=dict)
    rows: dict[Loc, list[tuple[dict[str, Any], str]]] = field(default_factory=dict)
    """New rows at the end of a table, by the list's place: each row's data and how the change
    shows it (a company or an effort that only the register has)."""

    def set(self, loc: Loc, value: Any, unit: Unit, *, insert: bool = False,
            note: str | None = None) -> None:
        self.values[loc] = value
        self.units[loc] = unit
        if insert:
            self.inserts.add(loc)
        if note is not None:
            self.notes[loc] = note


def fill_text(text: str, report: Slutrapport, registers: Registers) -> FillResult:
    """The report's text with the registers' figures filled in (see the module's notes)."""

    source = report.source or "<text>"
    data, lines = _data_of(text, source)
    nodes = Nodes(text)
    plan = _Plan()
    every = figures(report, registers)
    figs = [f for f in every if _counted(registers, f.register)]
    notes = _empty_registers(report, registers, every)
    for fig in figs:
        if fig.unit == "procent" or _dependent(fig):
            continue
        counted = _plain(fig.counted)
        if fig.left is not None:  # the register can't tell it: the stated figure stays
            plan.left.append(f"{_shown_path(report, fig.loc)}: {fig.left.rstrip('.')}.")
            continue
        if fig.stated is None:
            insertable = fig.code in ("register-antal", "register-indikator") or (
                fig.code == "register-deltagarprogram" and fig.loc[-1] in ("tillfallen",
                                                                          "timmar"))
            if insertable and fig.counted:
                if nodes.can_insert(fig.loc):
                    plan.set(fig.loc, counted, fig.unit, insert=True)
                else:
                    plan.left.append(f"{_shown_path(report, fig.loc)}: {fig.label} står utan "
                                     f"{'antal' if fig.unit == 'antal' else 'tal'}; "
                                     f"{_called(fig.register)} har "
                                     f"{fig.shown(fig.counted)} — skriv in det.")
            continue
        if Decimal(fig.stated) != Decimal(fig.counted):
            plan.set(fig.loc, counted, fig.unit, note=fig.note or None)
    _new_rows(report, registers, nodes, plan)
    _left_rows(report, registers, plan)
    new_data = _apply(data, plan.values, plan.rows)
    new = _report(new_data, lines, report)
    _dependents(report, new, registers, figs, plan)
    new_data = _apply(data, plan.values, plan.rows)
    new = _report(new_data, lines, report)
    with resolving():
        _indicators(new, plan)
    new_data = _apply(data, plan.values, plan.rows)
    new = _report(new_data, lines, report)
    result = FillResult(left=plan.left, notes=notes)
    edits: list[tuple[int, int, str]] = []
    for seq, added in plan.rows.items():
        start = len(walk(report, seq)[0] or [])
        line = report.line_of(seq)
        for n, (_row, shown) in enumerate(added):
            result.changes.append(Change(f"{_shown_path(report, seq)}[{start + n}]", line, "—",
                                         shown, added="rad"))
        edit = nodes.append(seq, [row for row, _ in added])
        assert edit is not None
        edits.append(edit)
    for loc, value in plan.values.items():
        old = walk(report, loc)[0]
        unit = plan.units[loc]
        result.changes.append(Change(_shown_path(report, loc), report.line_of(loc)
                                     if loc not in plan.inserts else report.line_of(loc[:-1]),
                                     "—" if loc in plan.inserts else _format(old, unit),
                                     _format(value, unit), plan.notes.get(loc),
                                     added=(_added(loc, unit) if loc in plan.inserts
                                            else None)))
        edits.append(nodes.insert(loc, value) if loc in plan.inserts
                     else nodes.replace(loc, value))
    with resolving():
        link_edits, link_changes, expected_texts = _links(report, new, nodes, plan.left)
    edits += link_edits
    result.changes += link_changes
    result.changes.sort(key=lambda c: (c.line or 0, c.path))
    _refuse_split_aliases(report, nodes, data, {**plan.values, **expected_texts}, source)
    result.text = apply_edits(text, edits)
    expected = _apply(data, {**plan.values, **expected_texts}, plan.rows)
    _verify(result.text, expected, source)
    return result


def _refuse_split_aliases(report: Slutrapport, nodes: Nodes, data: Any,
                          planned: dict[Loc, Any], source: str) -> None:
    """A value written once with an anchor (``&a 3``) and used again through aliases (``*a``)
    is one value: its places may change only together, to the same value, and then the text is
    edited once, keeping the anchor. Otherwise nothing is written (an InputError at the alias)."""
    for loc in planned:
        group = nodes.sharing(loc)
        if len(group) < 2:
            continue
        wanted = [planned[at] if at in planned else _at(data, at) for at in group]
        odd = next((at for at, w in zip(group, wanted, strict=True)
                    if not _same(w, wanted[0])), None)
        if odd is None:
            continue
        anchor, alias = group[0], odd
        name = nodes.anchor_name(anchor)
        raise InputError([Problem(
            f"värdet står som aliaset *{name} för värdet på rad {report.line_of(anchor)} "
            f"({_shown_path(report, anchor)}), och fill skulle ge de två olika värden; skriv ut "
            f"värdet i stället för *{name} och kör fill igen", path=_shown_path(report, alias),
            line=report.line_of(alias), file=source)])


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _called(key: str) -> str:
    """The register as messages name it: 'aktivitetsloggen'."""

    return REGISTERS[key].called


def _counted(registers: Registers, key: str) -> bool:
    """Whether a register was read and has counted rows (only then are its figures used)."""
    return registers.usable(key) and bool(getattr(registers, key))


_WHAT = {"register-antal": "områdenas antal", "register-deltagare": "deltagarna",
         "register-foretag": "företagstabellen", "register-kostnad": "kostnaderna",
         "register-finansiering": "finansieringen"}
"""What each kind of figure is called when a register leaves it as it is."""


def _empty_registers(report: Slutrapport, registers: Registers, figs: list[Figure]) -> list[str]:
    """'huvudboken har inga rader; kostnaderna lämnas som de är' for each register read without
    a counted row that has figures in the report."""

    out = []
    for key, read in registers.lasta.items():
        if not registers.usable(key) or _counted(registers, key):
            continue
        codes = list(dict.fromkeys(f.code for f in figs if f.register == key))
        if key == "foretag" and not codes:
            chosen = chosen_section(report, "foretag")
            if chosen is not None and isinstance(chosen[1], Foretagsprogram) and \
                    chosen[1].effekt.foretag:
                codes = ["register-foretag"]
        if not codes:
            continue
        what = [_WHAT[c] for c in codes]
        said = " och ".join(what)
        kept = "den" if len(what) == 1 and what[0].endswith("en") else "de"
        rows = "inga rader" if not read.rader else \
            f"inga rader som räknades ({read.ej_raknade} med fel)"
        out.append(f"{_called(key)} har {rows}; {said} lämnas som {kept} är.")
    return out


def _dependent(fig: Figure) -> bool:
    """Figures recomputed from the report's new figures rather than taken from the register."""
    if fig.code == "register-indikator":
        return False  # an indicator's outcome is the register's figure itself
    if fig.code in ("register-kostnad", "register-finansiering"):
        return False  # the sums too are counted, once, by _registercheck.money
    last = fig.loc[-1]
    return last == "okning" or (len(fig.loc) >= 2 and fig.loc[-2] == "summa")


def _new_rows(report: Slutrapport, registers: Registers, nodes: Nodes, plan: _Plan) -> None:
    """The companies and efforts only the register has, as new rows at the end of their
    table (the report's rows keep their order and comments), and an organisation number the
    register has for a company the report names without one."""

    chosen = chosen_section(report, "foretag")
    if chosen is not None and _counted(registers, "foretag"):
        i, section = chosen
        assert isinstance(section, Foretagsprogram)
        table = section.effekt.foretag
        pairs, _, only = match_companies(table, company_rows(registers))
        seq: Loc = ("avsnitt", i, "effekt", "foretag")
        for j, row in pairs:
            loc: Loc = (*seq, j, "organisationsnummer")
            if row.organisationsnummer and table[j].organisationsnummer is None and \
                    nodes.can_insert(loc):
                plan.set(loc, row.organisationsnummer, "text", insert=True)
        with_increase = bool(table) and all(f.okning is not None for f in table)
        added = []
        for row in only:
            data: dict[str, Any] = {"namn": row.namn}
            if row.organisationsnummer:
                data["organisationsnummer"] = row.organisationsnummer
            data["anstallda_fore"] = _plain(row.anstallda_fore)
            data["anstallda_efter"] = _plain(row.anstallda_efter)
            if with_increase:
                data["okning"] = _plain(row.okning)
            shown = (f"{row.namn}: anställda {_format(row.anstallda_fore, 'anstallda')} → "
                     f"{_format(row.anstallda_efter, 'anstallda')} "
                     f"({registers.where('foretag', [row.rad])})")
            added.append((data, shown))
        if added and nodes.append(seq, [d for d, _ in added]) is not None:
            plan.rows[seq] = added
    if not _counted(registers, "deltagare"):
        return
    for match in efforts(report, registers):
        seq = ("avsnitt", match.section, "insatser")
        added = []
        for name, municipality, counted in match.missing:
            data = {"namn": name or "(utan insats)"}
            if municipality:
                data["kommun"] = municipality
            data["tillfallen"] = counted.tillfallen
            if counted.timmar is not None:
                data["timmar"] = _plain(counted.timmar)
            data.update(kvinnor=counted.kvinnor, man=counted.man)
            where = registers.where("deltagare", counted.rader)
            shown = (f"{data['namn']}{f' ({municipality})' if municipality else ''}: "
                     f"{counted.tillfallen} tillfällen, {counted.kvinnor} kvinnor, "
                     f"{counted.man} män ({where})")
            added.append((data, shown))
        if added and nodes.append(seq, [d for d, _ in added]) is not None:
            plan.rows[seq] = added


def _left_rows(report: Slutrapport, registers: Registers, plan: _Plan) -> None:
    """What only the register has (or only the report): rows fill can't make up."""

    keys = {"register-foretag": "foretag", "register-kostnad": "kostnader",
            "register-finansiering": "finansiering", "register-deltagarprogram": "deltagare"}
    for code, _severity, loc, message, _expected, _actual in register_findings(report,
                                                                               registers):
        if code in keys and loc[-1] in ("foretag", "kostnader", "finansiering", "namn",
                                        "insatser") and _counted(registers, keys[code]):
            if loc in plan.rows:
                continue  # the rows only the register has: written at the end of the table
            message = _CANT_ADD.sub(lambda m: f"; skriv in {m.group(1)} själv (fill lägger "
                                    "bara till rader i en lista vars rader står på en rad "
                                    "var, {…}).", message)
            plan.left.append(f"{_shown_path(report, loc)}: {message}")


_CANT_ADD = re.compile(r"; fill skriver in (det|dem)\.$")


def _dependents(old: Slutrapport, new: Slutrapport, registers: Registers,
                figs: list[Figure], plan: _Plan) -> None:
    """Shares, sums, increases and the outcome, recomputed from the new figures."""

    compared = {f.loc[:2] for f in figs}
    chosen = chosen_section(new, "deltagare")
    if chosen is not None and ("avsnitt", chosen[0]) in compared:
        i, section = chosen
        d = getattr(section, "deltagare", None)
        if d is not None and d.totalt_beraknat:
            for name, part in (("andel_kvinnor", d.kvinnor), ("andel_man", d.man_beraknat)):
                stated = getattr(d, name)
                if stated is not None:
                    value = _as_written(Decimal(part) / Decimal(d.totalt_beraknat) * 100, stated)
                    _maybe(plan, ("avsnitt", i, "deltagare", name), stated, value, "procent")
    chosen = chosen_section(new, "foretag")
    if chosen is not None and _counted(registers, "foretag"):
        i, section = chosen
        assert isinstance(section, Foretagsprogram)
        eff = section.effekt
        base: Loc = ("avsnitt", i, "effekt")
        for j, f in enumerate(eff.foretag):
            if f.okning is not None:
                _maybe(plan, (*base, "foretag", j, "okning"), f.okning, f.okning_beraknad,
                       "anstallda")
        fore = sum((f.anstallda_fore for f in eff.foretag), Decimal(0))
        efter = sum((f.anstallda_efter for f in eff.foretag), Decimal(0))
        for name, value in (("fore", fore), ("efter", efter), ("okning", efter - fore)):
            stated = getattr(eff.summa, name)
            if stated is not None and eff.foretag:
                _maybe(plan, (*base, "summa", name), stated, value, "anstallda")
        if eff.okning_procent is not None and fore:
            _maybe(plan, (*base, "okning_procent"), eff.okning_procent,
                   _as_written((efter - fore) / fore * 100, eff.okning_procent), "procent")
    if _counted(registers, "deltagare"):
        for i, programme in enumerate(new.avsnitt):
            changed = ("avsnitt", i) in compared or ("avsnitt", i, "insatser") in plan.rows
            if not isinstance(programme, Deltagarprogram) or not changed:
                continue
            sums = programme.column_sums()
            for name, column in sums.items():
                stated = getattr(programme.summa, name)
                if stated is not None and column is not None:
                    _maybe(plan, ("avsnitt", i, "summa", name), stated, column,
                           "timmar" if name == "timmar" else "antal")
            women, men, total = programme.totals()
            for name, part in (("andel_kvinnor", women), ("andel_man", men)):
                stated = getattr(programme, name)
                if stated is not None and total:
                    value = _as_written(Decimal(part) / Decimal(total) * 100, stated)
                    _maybe(plan, ("avsnitt", i, name), stated, value, "procent")
    chosen = chosen_section(new, "ekonomi")
    if chosen is not None:
        i, economy = chosen
        assert isinstance(economy, Ekonomi)
        old_economy = old.avsnitt[i]
        assert isinstance(old_economy, Ekonomi)
        if _counted(registers, "kostnader") and economy.kostnader and \
                economy.under_budget is not None and economy.utfall != old_economy.utfall:
            _maybe(plan, ("avsnitt", i, "under_budget"), economy.under_budget,
                   economy.budget - economy.utfall, "kr")


def _maybe(plan: _Plan, loc: Loc, stated: Any, value: Any, unit: Unit) -> None:
    """Plan a dependent figure: only when it differs, and a share only when the checks would
    find it off (a share stated 50 for 50,3 stays)."""
    if unit == "procent":
        if round_like(Decimal(value), Decimal(stated)) == Decimal(stated):
            return
    elif Decimal(stated) == Decimal(value):
        return
    plan.set(loc, value if unit == "procent" else _plain(value), unit)


def _as_written(value: Decimal, stated: Decimal) -> Decimal:
    """A share rounded half-up to as many decimals as the stated one is written with (50.0 has
    one, though it equals 50)."""
    exponent = stated.as_tuple().exponent
    places = min(max(-exponent, 0), 10) if isinstance(exponent, int) else 0
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _indicators(new: Slutrapport, plan: _Plan) -> None:
    """An indicator's outcome follows the figure its ``kalla`` names whenever they differ, not
    only when fill changed the figure (an outcome left at 0 while its source says 9,5 is
    written too). A register figure as ``kalla`` is one of :func:`figures`."""

    for i, section in enumerate(new.avsnitt):
        if not isinstance(section, Indikatorer):
            continue
        for j, ind in enumerate(section.indikatorer):
            if ind.kalla is None or register_source(ind.kalla) is not None:
                continue
            after = figure(resolve_path(new, ind.kalla, None)[0])
            if after is not None and after != ind.utfall:
                unit: Unit = "procent" if (ind.enhet or "").strip() == "%" else "anstallda"
                _maybe(plan, ("avsnitt", i, "indikatorer", j, "utfall"), ind.utfall, after, unit)


def _links(old: Slutrapport, new: Slutrapport, nodes: Nodes,
           left: list[str]) -> tuple[list[tuple[int, int, str]], list[Change], dict[Loc, str]]:
    """Figure links whose figure changed: the edits, the changes and the texts as expected."""

    edits: list[tuple[int, int, str]] = []
    changes: list[Change] = []
    texts: dict[Loc, str] = {}
    pairs = zip(narratives(old), narratives(new), strict=True)
    for (loc, owner, text, owner_loc), (_, new_owner, _, _) in pairs:
        replaced: dict[str, str] = {}
        for shown, path in narrative.figure_links(text):
            before = figure(resolve_path(old, path, owner, owner_loc)[0])
            after = figure(resolve_path(new, path, new_owner, owner_loc)[0])
            if before is None or after is None or before == after:
                continue
            source = f"[{shown}](tal:{path})"
            replaced[source] = f"[{format_like(after, shown)}](tal:{path})"
        if not replaced:
            continue
        new_text = text
        for source, target in replaced.items():
            found = nodes.find_all(loc, source)
            if not found:
                left.append(f"{_shown_path(old, loc)}: talet {' '.join(source.split())} "
                            f"ska nu vara {' '.join(target.split())}, men länken står inte så "
                            "i filen (radbruten eller med specialtecken); ändra den själv.")
                continue
            edits += [(start, start + len(source), target) for start in found]
            new_text = new_text.replace(source, target)
            changes.append(Change(_shown_path(old, loc), old.line_of(loc), source, target))
        texts[loc] = new_text
    return edits, changes, texts


# --- the text -------------------------------------------------------------------------------------


class Nodes:
    """The file's YAML nodes by data place, for editing the text where each value stands
    (``by_loc``: place → key node, value node, parent node; PyYAML's nodes carry their marks).

    A value with an anchor (``&a 3``) is one node wherever an alias (``*a``) uses it: edits go
    to the anchor's value, after the anchor and any tag, which stay.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        self.by_loc: dict[Loc, tuple[Any, Any, Any]] = {}
        self._places: dict[int, list[Loc]] = {}
        self._walk(root, ())
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def _walk(self, node: Any, loc: Loc) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*loc, str(key.value))
                self.by_loc[here] = (key, value, node)
                self._places.setdefault(id(value), []).append(here)
                self._walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                here = (*loc, i)
                self.by_loc[here] = (None, value, node)
                self._places.setdefault(id(value), []).append(here)
                self._walk(value, here)

    def sharing(self, loc: Loc) -> list[Loc]:
        """Every place holding the same node as ``loc`` (through an anchor and its aliases), in
        the file's order: the anchor's place first. Empty for a place not in the file."""
        entry = self.by_loc.get(loc)
        return self._places[id(entry[1])] if entry is not None else []

    def value_start(self, node: Any) -> int:
        """Where a node's value begins: after its anchor and tag, if it has them."""
        start, end = node.start_mark.index, node.end_mark.index
        found = _PROPERTIES.match(self.text, start, end)
        return found.end() if found else start

    def anchor_name(self, loc: Loc) -> str:
        """The name of the anchor on the value at ``loc`` ('a' for ``&a 3``)."""
        node = self.by_loc[loc][1]
        props = self.text[node.start_mark.index:self.value_start(node)]
        found = re.search(r"&([^\s,\[\]{}]+)", props)
        return found.group(1) if found else "?"

    def replace(self, loc: Loc, value: Any) -> tuple[int, int, str]:
        _, node, _ = self.by_loc[loc]
        assert isinstance(node, yaml.ScalarNode)
        start, end = self.value_start(node), node.end_mark.index
        if node.style in ("'", '"'):
            quote = node.style
            return start, end, f"{quote}{format_like(Decimal(value), node.value)}{quote}"
        return start, end, _yaml_number(value)

    def can_insert(self, loc: Loc) -> bool:
        return self._insert_at(loc) is not None

    def _insert_at(self, loc: Loc) -> tuple[int, str] | None:
        """Where a new key goes in its mapping (after the first key's one-line value)."""
        parent = self.by_loc.get(loc[:-1])
        if parent is None or not isinstance(parent[1], yaml.MappingNode):
            return None
        mapping = parent[1]
        if not mapping.value:
            return None
        key, value = mapping.value[0]
        if mapping.flow_style:
            close = mapping.end_mark.index - 1
            if self.text[close] != "}":
                return None
            return close, f", {loc[-1]}: {{}}"
        if not isinstance(value, yaml.ScalarNode) or value.style in ("|", ">") or \
                value.start_mark.line != value.end_mark.line:
            return None
        end = self.text.find("\n", value.end_mark.index)
        if end < 0:
            return None
        indent = " " * key.start_mark.column
        return end + 1, f"{indent}{loc[-1]}: {{}}{self.newline}"

    def insert(self, loc: Loc, value: Any) -> tuple[int, int, str]:
        where = self._insert_at(loc)
        assert where is not None
        at, template = where
        shown = _yaml_text(value) if isinstance(value, str) else _yaml_number(value)
        return at, at, template.replace("{}", shown)

    def append(self, loc: Loc, rows: list[dict[str, Any]]) -> tuple[int, int, str] | None:
        """The edit that adds ``rows`` at the end of the list at ``loc``, each a one-line
        mapping (``- {namn: Gamma AB, anstallda_fore: 1}``) as the list's own rows are written;
        None when the list is written another way (fill leaves the rows to the user).

        A list written ``[]`` becomes a block list under its key.
        """
        entry = self.by_loc.get(loc)
        if entry is None or not isinstance(entry[1], yaml.SequenceNode) or entry[0] is None:
            return None
        key, node, _ = entry
        def lines(indent: str) -> str:
            return "".join(f"{indent}- {_flow_mapping(row)}{self.newline}" for row in rows)

        if node.flow_style:
            start, end = node.start_mark.index, node.end_mark.index
            if node.value or self.text[start:end] != "[]":
                return None
            indent = " " * (key.start_mark.column + 2)
            return start, end, self.newline + lines(indent).rstrip("\r\n")
        last = node.value[-1] if node.value else None
        if not isinstance(last, yaml.MappingNode) or not last.flow_style or \
                last.start_mark.line != last.end_mark.line:
            return None
        end = self.text.find("\n", last.end_mark.index)
        if end < 0:
            return None
        return end + 1, end + 1, lines(" " * node.start_mark.column)

    def find_all(self, loc: Loc, source: str) -> list[int]:
        """Where a link's source text stands within the text value at ``loc``."""
        entry = self.by_loc.get(loc)
        if entry is None:
            return []
        node = entry[1]
        start, end = node.start_mark.index, node.end_mark.index
        out = []
        at = self.text.find(source, start, end)
        while at >= 0:
            out.append(at)
            at = self.text.find(source, at + len(source), end)
        return out


_PROPERTIES = re.compile(r"(?:[&!]\S*(?:\s+(?:#[^\n]*)?)+)*")
"""A node's anchor (``&a``) and tag (``!!int``) before its value, with the space after them."""


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """The text with each ``(start, end, replacement)`` made; edits may not overlap."""
    ordered = sorted(set(edits), key=lambda e: (e[0], e[1]))  # an anchored value edited once
    for (s1, e1, _), (s2, _e2, _) in itertools.pairwise(ordered):
        if s2 < e1:
            raise AssertionError(f"overlapping edits at {s1} and {s2}")
    for start, end, replacement in reversed(ordered):
        text = text[:start] + replacement + text[end:]
    return text


def _yaml_number(value: Any) -> str:
    """A figure as YAML writes it: a whole number plainly, a share with the decimals it was
    rounded to (50.0), a head count without trailing zeros (42.5)."""
    number = Decimal(value)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0 and number == number.to_integral_value():
        return format(number, "f")
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


_PLAIN_TEXT = re.compile(r"^[A-Za-zÅÄÖåäöÉéÜü0-9][\w .&/()'+-]*$")


def _yaml_text(text: str) -> str:
    """A text as a YAML flow mapping may hold it: plain when that reads back as the same text,
    else double-quoted (JSON's quoting is YAML's)."""
    if _PLAIN_TEXT.match(text) and not text.endswith(" ") and ": " not in text and \
            " #" not in text:
        try:
            if yaml.safe_load(f"{{x: {text}}}") == {"x": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _flow_mapping(row: dict[str, Any]) -> str:
    """``{namn: Gamma AB, anstallda_fore: 1, anstallda_efter: 2}``."""
    parts = []
    for key, value in row.items():
        shown = _yaml_text(value) if isinstance(value, str) else _yaml_number(value)
        parts.append(f"{key}: {shown}")
    return "{" + ", ".join(parts) + "}"


def _plain(value: int | Decimal) -> int | Decimal:
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else number


def _format(value: Any, unit: Unit) -> str:
    if value is None:
        return "—"
    if unit == "text":
        return str(value)
    if unit == "kr":
        return format_amount(value)
    if unit == "procent":
        exponent = Decimal(value).as_tuple().exponent
        places = min(-exponent, 10) if isinstance(exponent, int) and exponent < 0 else 0
        return format_percent(value, decimals=places)
    if unit in ("anstallda", "timmar"):
        return format_decimal(value, max_decimals=2)
    return format_integer(value)


_SHOWN = re.compile(r"^(\s*)([+\-\u2212]?)(\d[\d\s\u00a0\u202f.]*\d|\d)(?:,(\d+))?(.*)$", re.S)


def format_like(value: Decimal | int, shown: str) -> str:
    """``value`` written as ``shown`` writes its figure: the same thousands separator (or none),
    as many decimals (more if the value needs them, unless it is a share), the same minus sign
    and what follows the number.

    >>> format_like(Decimal(2947), "2949"), format_like(Decimal(2947), "2 949")
    ('2947', '2 947')
    >>> format_like(Decimal("49.83"), "49,7%"), format_like(Decimal("42.5"), "43")
    ('49,8%', '42,5')
    """
    number = Decimal(value)
    found = _SHOWN.match(shown)
    if not found:
        return format_decimal(number, max_decimals=2)
    lead, sign, whole, decimals, rest = found.groups()
    separators = [c for c in whole if not c.isdigit()]
    places = len(decimals or "")
    if "%" not in rest:
        exponent = number.normalize().as_tuple().exponent
        needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        places = max(places, min(needed, 2))
    rounded = round_like(abs(number), Decimal(1).scaleb(-places)) if places else \
        round_like(abs(number), Decimal(1))
    digits = f"{rounded:.{places}f}"
    integer, _, fraction = digits.partition(".")
    if separators:
        separator = separators[0]
    elif len(whole) >= 4:
        separator = ""
    else:
        separator = "\u00a0"
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = separator.join(groups) + ("," + fraction if fraction else "")
    minus = ""
    if number < 0:
        minus = sign if sign in ("-", "\u2212") else "\u2212"
    elif sign == "+":
        minus = "+"
    return f"{lead}{minus}{text}{rest}"


# --- data -----------------------------------------------------------------------------------------


def _data_of(text: str, source: str) -> tuple[Any, dict[Loc, int]]:
    """The text's data as the loader reads it; a message names ``source``, the user's file."""
    return parse_yaml(text, source)


def _report(data: Any, lines: dict[Loc, int], like: Slutrapport) -> Slutrapport:
    report = from_data(data, lines=lines, source=like.source)
    return report


def _apply(data: Any, values: dict[Loc, Any],
           rows: dict[Loc, list[tuple[dict[str, Any], str]]] | None = None) -> Any:
    out = copy.deepcopy(data)
    for seq, added in (rows or {}).items():
        target = out
        for part in seq[:-1]:
            target = target[part]
        if target.get(seq[-1]) is None:
            target[seq[-1]] = []
        target[seq[-1]].extend(copy.deepcopy(row) for row, _ in added)
    for loc, value in values.items():
        target = out
        for part in loc[:-1]:
            target = target[part]
        target[loc[-1]] = value
    return out


def _verify(text: str, expected: Any, source: str) -> None:
    """The new text reads back as the data planned, or nothing is written (a bug of ours)."""
    got, _ = _data_of(text, source)
    if not _same(got, expected):
        raise InputError([Problem(
            "filen kunde inte skrivas om säkert (ett värde står på ett sätt som fill inte kan "
            "ändra); inget skrevs. Ändra talen för hand efter 'slutrapport fill --dry-run'",
            file=source)])


def _same(a: Any, b: Any) -> bool:

    if isinstance(a, str) != isinstance(b, str):  # a figure written as text ("159,5")
        a, b = read_number(a), read_number(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return Decimal(a) == Decimal(b)
    return bool(a == b)


def _shown_path(report: Slutrapport, loc: Loc) -> str:
    return format_loc(report.display_loc(loc))


def _added(loc: Loc, unit: Unit) -> str:
    """What a value added where none stood is called in fill's header."""
    if unit != "text":
        return "tal"
    return "organisationsnummer" if loc[-1] == "organisationsnummer" else "uppgift"


_KINDS = {"tal": ("tal", "tal"), "organisationsnummer": ("organisationsnummer",) * 2,
          "uppgift": ("uppgift", "uppgifter"), "rad": ("rad", "rader")}
"""What fill's header calls what it added (one, many)."""


def changes_header(result: FillResult) -> str:
    """What fill did, counted by kind: '3 tal ändrades, 1 tal lades till och 2 rader lades
    till' ('skulle ändras', 'skulle läggas till' when nothing was written)."""
    done = result.written
    changed = sum(1 for c in result.changes if c.added is None)
    parts = [f"{changed} tal {'ändrades' if done else 'skulle ändras'}"] if changed else []
    for kind, (one, many) in _KINDS.items():
        n = sum(1 for c in result.changes if c.added == kind)
        if n:
            parts.append(f"{n} {one if n == 1 else many} "
                         f"{'lades till' if done else 'skulle läggas till'}")
    return format_list(parts)


def changes_text(result: FillResult) -> Iterator[str]:
    """The lines ``fill`` prints: each change, then what is left for the user."""
    for c in result.changes:
        where = f" (rad {c.line})" if c.line is not None else ""
        note = f" ({c.note})" if c.note else ""
        yield f"  {c.path}{where}: {c.old} → {c.new}{note}"
    if result.left:
        yield "Lämnas åt dig:"
        for note in result.left:
            yield f"  {note}"
