"""Indicators: outcome against target, of two kinds under the 2021–2027 rules, with EU codes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from slutrapport.fields import Carry, Derived, Loc, Markdown, Modell, Tal
from slutrapport.formatting import NBSP, format_decimal, format_percent
from slutrapport.kinds import LinkId, Raw, Section
from slutrapport.names import called
from slutrapport.numbers import figure

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = ["REGISTER_SOURCES", "Indikator", "Indikatorer", "register_source"]

REGISTER_SOURCES = {
    "register.foretag": "unika företag: företagsregistrets (efter organisationsnummer, annars "
                        "namn) och företagen i aktivitetsloggen, varje företag en gång",
    "register.foretag.okning": "företagsregistrets ökning av antalet anställda (efter − före)",
    "register.deltagare": "unika personer i deltagarregistret",
    "register.deltagare.kvinnor": "unika kvinnor i deltagarregistret",
    "register.deltagare.man": "unika män i deltagarregistret",
    "register.deltagare.OMRÅDE": "unika personer i ett område eller deltagarprogram (dess id)",
    "register.aktiviteter": "aktiviteterna i aktivitetsloggen",
    "register.aktiviteter.OMRÅDE": "aktiviteterna i ett område (dess id)",
}
"""What an indicator's ``kalla`` may name in the registers (OMRÅDE: an area's or programme's id);
:mod:`slutrapport._registercheck` counts them."""

Slag = Literal["aktivitetsindikator", "resultatindikator"]
_GROUP_TITLES = {"aktivitetsindikator": "Aktivitetsindikatorer",
                 "resultatindikator": "Resultatindikatorer", None: "Indikatorer"}


class Indikator(Modell):
    """An indicator: the outcome against its target."""

    DERIVED: ClassVar[Derived] = {"utfall_text": "utfall", "malvarde_text": "malvarde"}
    CARRY = Carry(emptied={"malvarde": "valfritt: målvärdet"})

    namn: str = Field(min_length=1, description="Indikatorns namn.")
    slag: Slag | None = Field(
        None, description="aktivitetsindikator eller resultatindikator (2021–2027).")
    kod: str | None = Field(
        None, pattern=r"^[A-Z]{2,4}[0-9]{1,3}[a-z]?$",
        description="EU:s indikatorkod, t.ex. RCO01 eller RCR02.")
    utfall: Tal = Field(description="Utfallet.")
    malvarde: Tal | None = Field(None, description="Målvärdet, om ett sådant finns.")
    enhet: str | None = Field(None, description="Enhet, t.ex. företag, heltidstjänster eller %.")
    kalla: str | None = Field(
        None,
        description="Sökväg till samma tal på annat ställe i datat, eller en registersiffra "
                    "(register.foretag, register.deltagare …); kontrolleras mot utfallet och "
                    "fylls i av fill.",
    )
    text: Markdown = Field("", description="Meningen som redovisar indikatorn (Markdown).")


def _called(ind: Indikator) -> str:
    """The indicator as a message opens on it: its name, or what it is while unnamed."""
    return called(ind.namn, "Indikatorn (ännu utan namn)", quoted=False)


def _n(value: int | Decimal) -> str:
    return format_decimal(value, max_decimals=2)


def register_source(kalla: str) -> tuple[str, str | None] | None:
    """A ``kalla`` that names a register figure, as (what, detail): ``register.foretag`` is
    ('foretag', None), ``register.deltagare.kompetenslyft`` ('deltagare', 'kompetenslyft'); None
    for a path in the data. A name :data:`REGISTER_SOURCES` lacks is ('', name).

    >>> register_source("register.foretag.okning"), register_source("ekonomi.utfall")
    (('foretag', 'okning'), None)
    """
    if not kalla.startswith("register."):
        return None
    parts = kalla.split(".")
    what, detail = parts[1], ".".join(parts[2:]) or None
    if what == "foretag" and detail in (None, "okning"):
        return what, detail
    if what in ("deltagare", "aktiviteter") and (detail is None or "." not in detail):
        return what, detail
    return "", kalla


def with_unit(value: Decimal | None, unit: str | None) -> str:
    """'503\u00a0företag', '49,7\u00a0%', '–' for a missing value.

    >>> with_unit(Decimal(503), "företag")
    '503\\xa0företag'
    """
    if value is None:
        return "–"
    if unit == "%":
        return format_percent(value)
    number = format_decimal(value, max_decimals=2)
    return f"{number}{NBSP}{unit}" if unit else number


def _register_source(ind: Indikator, loc: Loc, source: tuple[str, str | None],
                     report: Slutrapport) -> Iterator[Raw]:
    """A register figure as ``kalla``: a name the registers know (their comparison is
    :mod:`slutrapport._registercheck`'s), and registers to count it from."""
    what, detail = source
    if not what:
        known = ", ".join(REGISTER_SOURCES)
        yield ("tal-okand-sokvag", "error", (*loc, "kalla"),
               f"'{detail}' är ingen registersiffra; registersiffrorna är {known} (OMRÅDE: ett "
               "områdes eller programs id).", known, detail)
    elif getattr(report, "register", None) is None:
        yield ("indikator-register", "info", (*loc, "utfall"),
               f"{_called(ind)}: utfallet räknas från {ind.kalla}, men rapporten anger inga "
               "register (register:); det jämförs inte.", ind.kalla, ind.utfall)


class Indikatorer(Section):
    """The results: narrative and the indicators against their targets."""

    TYP = "indikatorer"
    BESKRIVNING = "Indikatorer (aktivitets- och resultatindikatorer) med utfall mot målvärde."
    TABELLER = ("indikatorer", "aktivitetsindikatorer", "resultatindikatorer")

    typ: Literal["indikatorer"] = Field(description="Avsnittets typ.")
    rubrik: str = Field("Resultatet", min_length=1, description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före indikatorerna (Markdown).")
    indikatorer: list[Indikator] = Field(default_factory=list, description="Indikatorerna.")
    text_efter: Markdown = Field("", description="Text efter indikatorerna (Markdown).")

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        for i, ind in enumerate(self.indikatorer):
            loc: Loc = ("indikatorer", i)
            unit = f" {ind.enhet}" if ind.enhet and ind.enhet != "%" else ""
            show = (format_percent if ind.enhet == "%" else _n)
            if ind.malvarde is not None:
                met = ind.utfall >= ind.malvarde
                yield ("indikator-uppfyllt" if met else "indikator-ej-uppfyllt", "info",
                       (*loc, "utfall"),
                       f"{_called(ind)}: {show(ind.utfall)}{unit} mot målvärdet "
                       f"{show(ind.malvarde)}{unit} — {'uppfyllt' if met else 'inte uppfyllt'}.",
                       ind.malvarde, ind.utfall)
            source = register_source(ind.kalla) if ind.kalla is not None else None
            if source is not None:
                yield from _register_source(ind, loc, source, report)
            elif ind.kalla is not None:
                target, found = report.resolve(ind.kalla)
                if not found:
                    yield ("tal-okand-sokvag", "error", (*loc, "kalla"),
                           f"Sökvägen '{ind.kalla}' finns inte i datat.", ind.kalla, None)
                else:
                    value = figure(target)
                    if value is not None and value != ind.utfall:
                        yield ("indikator-kalla", "error", (*loc, "utfall"),
                               f"{_called(ind)}: utfallet anges till {show(ind.utfall)}, men "
                               f"{ind.kalla} är {show(value)}.", value, ind.utfall)

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        for i, ind in enumerate(self.indikatorer):
            if ind.utfall == 0:
                which = called(ind.namn, "indikatorn (ännu utan namn)")
                yield ("indikatorer", i, "utfall"), f"Utfallet för {which} är 0 — inte ifyllt?"

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        groups: dict[str | None, list[dict[str, Any]]] = {}
        for ind in out["indikatorer"]:
            ind["utfall_text"] = with_unit(ind["utfall"], ind["enhet"])
            ind["malvarde_text"] = with_unit(ind["malvarde"], ind["enhet"])
            ind["namn_med_kod"] = f"{ind['kod']} {ind['namn']}" if ind["kod"] else ind["namn"]
            if ind["malvarde"] is None:
                ind["uppfyllt"] = "–"
            else:
                ind["uppfyllt"] = "Ja" if ind["utfall"] >= ind["malvarde"] else "Nej"
            groups.setdefault(ind["slag"], []).append(ind)
        out["grupper"] = [{"rubrik": _GROUP_TITLES[slag], "indikatorer": rows,
                           "tabell": out["tabeller"][_GROUP_TITLES[slag].lower()]}
                          for slag, rows in sorted(groups.items(), key=lambda g: str(g[0]))]

    def tables(self) -> dict[str, str]:
        """One table per group of indicators (by slag), as the context orders them."""
        slags = sorted({ind.slag for ind in self.indikatorer}, key=str)
        return {_GROUP_TITLES[slag].lower(): f"{_GROUP_TITLES[slag]} – utfall mot målvärde"
                for slag in slags}

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:

        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        b.tag("{%p for ind in " + var + ".indikatorer %}")
        b.narrative("ind.text")
        b.tag("{%p endfor %}")
        b.tag("{%p for grupp in " + var + ".grupper %}")
        b.caption("grupp.tabell")
        t = b.table([("Indikator", False), ("Utfall", True), ("Målvärde", True),
                     ("Uppfyllt", False)], [7.5, 3.0, 3.0, 2.5])
        b.loop_row(t, "{%tr for ind in grupp.indikatorer %}")
        b.row(t, [("{{ ind.namn_med_kod }}", False),
                  ("{{ ind.utfall_text }}", True), ("{{ ind.malvarde_text }}", True),
                  ("{{ ind.uppfyllt }}", False)])
        b.loop_row(t, "{%tr endfor %}")
        b.end_table()
        b.tag("{%p endfor %}")
        b.narrative(var + ".text_efter")
