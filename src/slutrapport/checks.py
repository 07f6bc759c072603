"""Checks of a report's totals and cross-references. Checks return findings, never raise.

A :class:`Finding` is a record, like a pydantic-core validation error: a stable ``code`` for
programs, a ``severity``, the ``path`` in the data and its YAML ``line``, a Swedish ``message`` with
Swedish figures, and the ``expected`` and ``actual`` values. The caller decides what is fatal.

The codes, each with its severity:

========================  ========  ================================================================
code                      severity  what
========================  ========  ================================================================
kostnader-summa           error     the cost categories do not sum to the outcome (or stated sum)
under-budget              error     budget − outcome differs from the stated amount under budget
finansiering-summa        error     financing does not sum to the outcome (warning if preliminary)
foretag-okning            error     a company's stated increase is not after − before
foretag-kolumnsumma       error     a column of the company table does not sum to its stated sum
foretag-total-okning      error     the stated total increase is not total after − total before
foretag-okning-procent    error     the stated increase in per cent differs from the computed one
foretag-antal             warning   the programme's stated number of companies ≠ rows in table
deltagare-summa           error     women + men ≠ all participants
deltagare-andel           error     a stated share of women or men differs from the computed one
indikator-uppfyllt        info      an indicator met its target
indikator-ej-uppfyllt     info      an indicator did not meet its target
indikator-kalla           error     an indicator's outcome differs from the figure it names
strategigrupper-platser   warning   seats in the strategy groups ≠ companies in the programme
tal-i-text                error     a figure in narrative differs from the data field it links to
tal-okand-sokvag          error     a figure link in narrative names a path that does not exist
text-ej-stodd             warning   narrative uses Markdown outside the supported subset
ej-ifyllt                 info      a text left empty or as "…", an amount or count left at 0
========================  ========  ================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel

from slutrapport import narrative
from slutrapport.formatting import format_amount, format_decimal, format_integer, format_percent
from slutrapport.loader import Loc, format_loc
from slutrapport.models import Deltagare, Slutrapport, markdown_fields

__all__ = ["CHECKS", "Finding", "Severity", "check", "has_errors", "resolve_path"]

Severity = Literal["error", "warning", "info"]
_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One thing the checks found: what, where and by how much."""

    code: str
    severity: Severity
    path: str
    message: str
    expected: Any = None
    actual: Any = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (numbers as int or str, never float)."""
        data = asdict(self)
        for key in ("expected", "actual"):
            value = data[key]
            if isinstance(value, Decimal):
                data[key] = int(value) if value == value.to_integral_value() else str(value)
        return data


Check = Callable[[Slutrapport], Iterator[tuple[str, Severity, Loc, str, Any, Any]]]
CHECKS: list[Check] = []


def _check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def check(report: Slutrapport) -> list[Finding]:
    """Run every check on a report; findings sorted errors first, then by place in the file."""
    findings = []
    for fn in CHECKS:
        for code, severity, loc, message, expected, actual in fn(report):
            findings.append(Finding(code, severity, format_loc(loc), message, expected, actual,
                                    report.line_of(loc)))
    findings.sort(key=lambda f: (_ORDER[f.severity], f.line or 0, f.path, f.code))
    return findings


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(f.severity == "error" for f in findings)


def _kr(value: int | Decimal) -> str:
    return format_amount(value)


def _n(value: int | Decimal) -> str:
    return format_decimal(value, max_decimals=2)


# --- ekonomi -----------------------------------------------------------------------------------


@_check
def _costs(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    e = report.ekonomi
    if e is None or not e.kostnader:
        return
    total = sum(k.belopp for k in e.kostnader)
    if e.summa_kostnader is not None and e.summa_kostnader != total:
        yield ("kostnader-summa", "error", ("ekonomi", "summa_kostnader"),
               f"Kostnaderna summerar till {_kr(total)}, men summan anges till "
               f"{_kr(e.summa_kostnader)} (skillnad {_kr(total - e.summa_kostnader)}).",
               e.summa_kostnader, total)
    if total != e.utfall:
        yield ("kostnader-summa", "error", ("ekonomi", "kostnader"),
               f"Kostnaderna summerar till {_kr(total)}, men utfallet anges till "
               f"{_kr(e.utfall)} (skillnad {_kr(total - e.utfall)}).", e.utfall, total)


@_check
def _under_budget(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    e = report.ekonomi
    if e is None or e.under_budget is None:
        return
    computed = e.budget - e.utfall
    if computed != e.under_budget:
        yield ("under-budget", "error", ("ekonomi", "under_budget"),
               f"Budget {_kr(e.budget)} − utfall {_kr(e.utfall)} = {_kr(computed)} under budget, "
               f"men rapporten anger {_kr(e.under_budget)}.", computed, e.under_budget)


@_check
def _financing(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    e = report.ekonomi
    if e is None or not e.finansiering:
        return
    total = sum(f.belopp for f in e.finansiering)
    severity: Severity = "warning" if e.preliminar is not None else "error"
    note = ""
    if e.preliminar is not None:
        from slutrapport.formatting import format_month

        when = f" ({format_month(e.preliminar.per)})" if e.preliminar.per else ""
        note = f" Finansieringen är markerad som preliminär{when}."
    if e.summa_finansiering is not None and e.summa_finansiering != total:
        yield ("finansiering-summa", severity, ("ekonomi", "summa_finansiering"),
               f"Finansieringen summerar till {_kr(total)}, men summan anges till "
               f"{_kr(e.summa_finansiering)}.{note}", e.summa_finansiering, total)
    if total != e.utfall:
        diff = total - e.utfall
        relation = "över" if diff > 0 else "under"
        yield ("finansiering-summa", severity, ("ekonomi", "finansiering"),
               f"Finansieringen summerar till {_kr(total)}, {_kr(abs(diff))} {relation} "
               f"utfallet {_kr(e.utfall)}.{note}", e.utfall, total)


# --- program för tillväxt ----------------------------------------------------------------------


def _round_like(value: Decimal, shown: Decimal) -> Decimal:
    """Round value half-up to as many decimals as the stated figure shows."""
    exponent = shown.normalize().as_tuple().exponent
    places = min(exponent, 0) if isinstance(exponent, int) else 0
    return value.quantize(Decimal(1).scaleb(places), rounding=ROUND_HALF_UP)


@_check
def _companies(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    p = report.program_for_tillvaxt
    if p is None:
        return
    eff = p.effekt
    base: Loc = ("program_for_tillvaxt", "effekt")
    for i, f in enumerate(eff.foretag):
        if f.okning is not None and f.okning != f.okning_beraknad:
            yield ("foretag-okning", "error", (*base, "foretag", i, "okning"),
                   f"{f.namn}: {_n(f.anstallda_fore)} → {_n(f.anstallda_efter)} anställda är en "
                   f"ökning med {_n(f.okning_beraknad)}, men ökningen anges till {_n(f.okning)}.",
                   f.okning_beraknad, f.okning)
    fore = sum((f.anstallda_fore for f in eff.foretag), Decimal(0))
    efter = sum((f.anstallda_efter for f in eff.foretag), Decimal(0))
    okning = sum((f.okning if f.okning is not None else f.okning_beraknad
                  for f in eff.foretag), Decimal(0))
    columns = (("fore", fore, eff.tabell.fore), ("efter", efter, eff.tabell.efter),
               ("okning", okning, eff.tabell.okning))
    for name, computed, label in columns:
        stated = getattr(eff.summa, name)
        if eff.foretag and stated is not None and stated != computed:
            yield ("foretag-kolumnsumma", "error", (*base, "summa", name),
                   f"Kolumnen {label} summerar till {_n(computed)}, men summan anges till "
                   f"{_n(stated)}.", computed, stated)
    total_fore = eff.summa.fore if eff.summa.fore is not None else fore
    total_efter = eff.summa.efter if eff.summa.efter is not None else efter
    difference = total_efter - total_fore
    if eff.summa.okning is not None and eff.summa.okning != difference:
        yield ("foretag-total-okning", "error", (*base, "summa", "okning"),
               f"Den totala ökningen anges till {_n(eff.summa.okning)}, men "
               f"{_n(total_efter)} − {_n(total_fore)} = {_n(difference)}.",
               difference, eff.summa.okning)
    if eff.okning_procent is not None and total_fore:
        computed_pct = difference / total_fore * 100
        if _round_like(computed_pct, eff.okning_procent) != eff.okning_procent:
            yield ("foretag-okning-procent", "error", (*base, "okning_procent"),
                   f"Ökningen anges till {format_percent(eff.okning_procent)}, men "
                   f"{_n(difference)} av {_n(total_fore)} är "
                   f"{format_percent(computed_pct, decimals=1)}.",
                   _round_like(computed_pct, eff.okning_procent), eff.okning_procent)
    if p.foretag_slut is not None and eff.foretag and p.foretag_slut != len(eff.foretag):
        yield ("foretag-antal", "warning", ("program_for_tillvaxt", "foretag_slut"),
               f"Programmet anges ha {format_integer(p.foretag_slut)} företag, men tabellen har "
               f"{format_integer(len(eff.foretag))} rader.", p.foretag_slut, len(eff.foretag))


@_check
def _groups(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    p = report.program_for_tillvaxt
    if p is None or p.strategigrupper is None or not p.strategigrupper.grupper:
        return
    companies = p.foretag_slut if p.foretag_slut is not None else len(p.effekt.foretag)
    if not companies:
        return
    seats = p.strategigrupper.platser
    if seats != companies:
        sizes = ", ".join(format_integer(g.antal_foretag) for g in p.strategigrupper.grupper)
        yield ("strategigrupper-platser", "warning",
               ("program_for_tillvaxt", "strategigrupper", "grupper"),
               f"Strategigrupperna har {format_integer(seats)} platser ({sizes}), men programmet "
               f"har {format_integer(companies)} företag.", companies, seats)


# --- deltagare och indikatorer -----------------------------------------------------------------


@_check
def _participants(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    h = report.horisontella_kriterier
    if h is None or h.deltagare is None:
        return
    d: Deltagare = h.deltagare
    loc: Loc = ("horisontella_kriterier", "deltagare")
    if d.man is not None and d.totalt is not None and d.kvinnor + d.man != d.totalt:
        yield ("deltagare-summa", "error", (*loc, "totalt"),
               f"{format_integer(d.kvinnor)} kvinnor + {format_integer(d.man)} män = "
               f"{format_integer(d.kvinnor + d.man)}, men totalt anges {format_integer(d.totalt)}.",
               d.kvinnor + d.man, d.totalt)
    total = d.totalt_beraknat
    for name, count, who in (("andel_kvinnor", d.kvinnor, "kvinnor"),
                             ("andel_man", d.man_beraknat, "män")):
        stated = getattr(d, name)
        if stated is None or not total:
            continue
        computed = Decimal(count) / Decimal(total) * 100
        if _round_like(computed, stated) != stated:
            yield ("deltagare-andel", "error", (*loc, name),
                   f"Andelen {who} anges till {format_percent(stated)}, men "
                   f"{format_integer(count)} av {format_integer(total)} är "
                   f"{format_percent(computed, decimals=1)}.",
                   _round_like(computed, stated), stated)


@_check
def _indicators(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    r = report.resultat
    if r is None:
        return
    for i, ind in enumerate(r.indikatorer):
        loc: Loc = ("resultat", "indikatorer", i)
        unit = f" {ind.enhet}" if ind.enhet and ind.enhet != "%" else ""
        show = (format_percent if ind.enhet == "%" else _n)
        if ind.malvarde is not None:
            met = ind.utfall >= ind.malvarde
            yield ("indikator-uppfyllt" if met else "indikator-ej-uppfyllt", "info",
                   (*loc, "utfall"),
                   f"{ind.namn}: {show(ind.utfall)}{unit} mot målvärdet "
                   f"{show(ind.malvarde)}{unit} — {'uppfyllt' if met else 'inte uppfyllt'}.",
                   ind.malvarde, ind.utfall)
        if ind.kalla is not None:
            target, found = resolve_path(report, ind.kalla, None)
            if not found:
                yield ("tal-okand-sokvag", "error", (*loc, "kalla"),
                       f"Sökvägen '{ind.kalla}' finns inte i datat.", ind.kalla, None)
            else:
                source = _number(target)
                if source is not None and source != ind.utfall:
                    yield ("indikator-kalla", "error", (*loc, "utfall"),
                           f"{ind.namn}: utfallet anges till {show(ind.utfall)}, men "
                           f"{ind.kalla} är {show(source)}.", source, ind.utfall)


# --- löptext -----------------------------------------------------------------------------------


def _markdown_fields(model: BaseModel, loc: Loc) -> Iterator[tuple[Loc, BaseModel, str]]:
    """Every narrative (Markdown) text in the report, with its place and owning object."""
    narrative = markdown_fields(type(model))
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None:
            continue
        is_md = name in narrative
        if isinstance(value, str) and is_md:
            yield (*loc, name), model, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _markdown_fields(item, (*loc, name, i))
                elif isinstance(item, str) and is_md:
                    yield (*loc, name, i), model, item
        elif isinstance(value, BaseModel):
            yield from _markdown_fields(value, (*loc, name))


_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def resolve_path(report: Slutrapport, path: str, owner: BaseModel | None) -> tuple[Any, bool]:
    """The value at a dotted path (``ekonomi.kostnader[2].belopp``), relative to owner first.

    A field left out (None) that has a computed counterpart (``man`` → ``man_beraknat``) resolves
    to the computed value. Returns (value, found).
    """
    parts = [m.group(1) if m.group(1) is not None else int(m.group(2))
             for m in _PATH_PART.finditer(path.replace(".", " ").replace(" [", "["))]
    if not parts or "".join(str(p) for p in parts) != re.sub(r"[.\[\]]", "", path):
        return None, False
    for start in ([owner] if owner is not None else []) + [report]:
        value: Any = start
        ok = True
        for part in parts:
            if isinstance(part, int):
                if isinstance(value, list) and 0 <= part < len(value):
                    value = value[part]
                else:
                    ok = False
                    break
            elif isinstance(value, BaseModel) and part in type(value).model_fields:
                got = getattr(value, part)
                if got is None and hasattr(value, f"{part}_beraknat"):
                    got = getattr(value, f"{part}_beraknat")
                value = got
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                ok = False
                break
        if ok:
            return value, True
    return None, False


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    return None


_SHOWN_NUMBER = re.compile(r"^[\s\u00a0\u202f]*([+\-\u2212]?[\d\s\u00a0\u202f]*\d(?:,\d+)?)")


def _parse_shown(text: str) -> Decimal | None:
    """The number a figure link shows: '2 949', '49,7%', '15 470 690kr', '−2'."""
    found = _SHOWN_NUMBER.match(text)
    if not found:
        return None
    raw = re.sub(r"[\s\u00a0\u202f]", "", found.group(1)).replace("\u2212", "-").replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


@_check
def _figures_in_text(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    for loc, owner, text in _markdown_fields(report, ()):
        for construct in narrative.unsupported(text):
            yield ("text-ej-stodd", "warning", loc,
                   f"Texten använder {construct}, som inte ingår i den Markdown som stöds; "
                   "den skrivs ut som vanlig text.", None, construct)
        for shown, path in narrative.figure_links(text):
            value, found = resolve_path(report, path, owner)
            number = _number(value)
            if not found or number is None:
                what = "inte finns i datat" if not found else "inte är något tal"
                yield ("tal-okand-sokvag", "error", loc,
                       f"Talet '{shown}' i texten hänvisar till '{path}', som {what}.", path, None)
                continue
            stated = _parse_shown(shown)
            if stated is None:
                yield ("tal-i-text", "error", loc,
                       f"'{shown}' i texten är inget tal, men hänvisar till '{path}' "
                       f"({_n(number)}).", number, shown)
            elif _round_like(number, stated) != stated:
                yield ("tal-i-text", "error", loc,
                       f"Texten säger {shown}, men {path} är {_n(number)}.", number, stated)


# --- det som återstår att fylla i ----------------------------------------------------------------

PLACEHOLDER = "…"
"""What ``slutrapport new`` leaves where a text must be written."""


def _texts_to_fill(model: BaseModel, loc: Loc) -> Iterator[Loc]:
    """Texts set but left empty (or as the placeholder): narrative and headings alike."""
    narrative = markdown_fields(type(model))
    for name in type(model).model_fields:
        value = getattr(model, name)
        md = name in narrative
        if isinstance(value, str):
            explicit_empty = md and name in model.model_fields_set and not value.strip()
            if explicit_empty or value.strip() == PLACEHOLDER:
                yield (*loc, name)
        elif isinstance(value, list):
            if not value and name in model.model_fields_set and md:
                yield (*loc, name)
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _texts_to_fill(item, (*loc, name, i))
                elif isinstance(item, str) and item.strip() == PLACEHOLDER:
                    yield (*loc, name, i)
        elif isinstance(value, BaseModel):
            yield from _texts_to_fill(value, (*loc, name))


@_check
def _unfilled(report: Slutrapport) -> Iterator[tuple[str, Severity, Loc, str, Any, Any]]:
    for loc in _texts_to_fill(report, ()):
        yield ("ej-ifyllt", "info", loc, "Texten är inte ifylld.", None, None)
    zero: list[tuple[Loc, str]] = []
    e = report.ekonomi
    if e is not None:
        zero += [(("ekonomi", "budget"), "Budgeten"), (("ekonomi", "utfall"), "Utfallet")]
        zero += [(("ekonomi", "kostnader", i, "belopp"), f"Kostnaden för '{k.kategori}'")
                 for i, k in enumerate(e.kostnader)]
        zero += [(("ekonomi", "finansiering", i, "belopp"), f"Beloppet från '{f.finansiar}'")
                 for i, f in enumerate(e.finansiering)]
    for g, group in enumerate(report.aktiviteter):
        zero += [(("aktiviteter", g, "omraden", a, "antal"), f"Antalet i '{area.rubrik}'")
                 for a, area in enumerate(group.omraden)]
    if report.resultat is not None:
        zero += [(("resultat", "indikatorer", i, "utfall"), f"Utfallet för '{ind.namn}'")
                 for i, ind in enumerate(report.resultat.indikatorer)]
    for loc, what in zero:
        value, _ = resolve_path(report, format_loc(loc), None)
        if value == 0:
            yield ("ej-ifyllt", "info", loc, f"{what} är 0 — inte ifyllt?", None, 0)
    h = report.horisontella_kriterier
    if h is not None and h.deltagare is not None and h.deltagare.totalt_beraknat == 0:
        yield ("ej-ifyllt", "info", ("horisontella_kriterier", "deltagare"),
               "Inga deltagare är ifyllda.", None, 0)
    p = report.program_for_tillvaxt
    if p is not None and not p.effekt.foretag:
        yield ("ej-ifyllt", "info", ("program_for_tillvaxt", "effekt", "foretag"),
               "Företagstabellen är tom.", None, 0)
