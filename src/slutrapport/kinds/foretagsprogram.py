"""A company programme ("Program för tillväxt"): workshops, steps, groups and the company table."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from slutrapport import chartfacts as cf
from slutrapport import narrative
from slutrapport.chartfacts import Bars, Series, rows_height
from slutrapport.fields import (
    COMPUTED,
    Anstallda,
    Antal,
    Carry,
    Forandring,
    Loc,
    Markdown,
    Modell,
    Organisationsnummer,
    Period,
    Procent,
    date_bounds,
)
from slutrapport.formatting import (
    format_decimal,
    format_integer,
    format_list,
    format_percent,
    format_period,
    format_signed,
)
from slutrapport.kinds import LinkId, Raw, Section
from slutrapport.kinds.text import Delavsnitt
from slutrapport.names import called, same_name
from slutrapport.narrative import Narrative
from slutrapport.numbers import round_like, share
from slutrapport.paths import linked

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = [
    "MAX_COMPANIES",
    "SELECTION_SIZE",
    "Effekt",
    "Foretag",
    "Foretagsprogram",
    "Konsulter",
    "Programsteg",
    "Strategigrupp",
    "Strategigrupper",
    "Summa",
    "Tabellrubriker",
    "Workshop",
    "Workshops",
    "period_within",
]


def period_within(period: Period | None, report: Slutrapport, loc: Loc,
                  whose: str) -> Iterator[Raw]:
    """A warning when a part's period reaches outside the project's period."""
    if period is None:
        return
    start, _ = date_bounds(report.projekt.period.fran)
    _, end = date_bounds(report.projekt.period.till)
    if date_bounds(period.fran)[0] < start or date_bounds(period.till)[1] > end:
        project = report.projekt.period
        yield ("period-utanfor", "warning", loc,
               f"{whose} period {format_period(period.fran, period.till)} ligger utanför "
               f"projektets period {format_period(project.fran, project.till)} (projekt.period).",
               format_period(project.fran, project.till), format_period(period.fran, period.till))


def _called(company: Foretag) -> str:
    """The company as a message opens on it: its name, or what it is while unnamed."""
    return called(company.namn, "Företaget (ännu utan namn)", quoted=False)


def _n(value: int | Decimal) -> str:
    return format_decimal(value, max_decimals=2)


MAX_COMPANIES = 60
"""The most companies the employee chart shows one by one; above this it shows a selection."""
SELECTION_SIZE = 30
"""How many companies (those whose head count grew most) a selection shows."""


class Workshop(Modell):
    """One workshop of the growth programme."""

    forelasare: str = Field(min_length=1, description="Föreläsare (en eller flera).")
    organisation: str | None = Field(None, description="Föreläsarens organisation.")
    amne: str = Field(min_length=1, description="Ämne eller syfte.")
    text: Markdown | None = Field(
        None, description="Raden som den ska stå i rapporten; annars byggs den av fälten ovan."
    )


class Workshops(Modell):
    """The programme's workshops, with the text that leads into the list."""

    CARRY = Carry(rows={
        "lista": "workshopparna, en per rad: - {forelasare: …, organisation: …, amne: …}"})

    ingress: Markdown = Field("", description="Text före listan (Markdown).")
    lista: list[Workshop] = Field(default_factory=list, description="Workshopparna.")


class Programsteg(Modell):
    """A step of the growth programme."""

    CARRY = Carry(kept=frozenset({"beskrivning"}))

    namn: str = Field(min_length=1, description="Stegets namn.")
    beskrivning: Markdown = Field("", description="Vad steget innebar (Markdown).")


class Strategigrupp(Modell):
    """One strategy group and the number of companies in it."""

    namn: str | None = Field(None, description="Gruppens namn, om den har något.")
    antal_foretag: Antal = Field(description="Antal företag i gruppen.")


class Strategigrupper(Modell):
    """The programme's strategy groups (VD-grupper)."""

    CARRY = Carry(rows={"grupper": "grupperna, en per rad: - {namn: …, antal_foretag: …}"})

    ingress: Markdown = Field("", description="Text före avsnittet (Markdown).")
    rubrik: str = Field("Strategigrupper", description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Avsnittets text (Markdown).")
    grupper: list[Strategigrupp] = Field(default_factory=list, description="Grupperna.")

    @property
    def platser(self) -> int:
        """Seats in all groups together."""
        return sum(g.antal_foretag for g in self.grupper)


class Konsulter(Modell):
    """The consultants procured for the programme and their areas."""

    CARRY = Carry(rows={
        "omraden": "områdena som konsulterna upphandlades inom, ett per rad: - …"})

    rubrik: str = Field("Konsulter", description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före listan med områden (Markdown).")
    omraden: list[str] = Field(default_factory=list, description="Områden som upphandlades.")
    text_efter: Markdown = Field("", description="Text efter listan (Markdown).")


class Foretag(Modell):
    """A company in the growth programme and its head count before and after."""

    namn: str = Field(min_length=1, description="Företagets namn.")
    organisationsnummer: Organisationsnummer | None = Field(
        None, description="Organisationsnumret (NNNNNN-NNNN); med det hittar fill företaget i "
                          "företagsregistret också om namnet ändrats.")
    anstallda_fore: Anstallda = Field(description="Anställda vid första mätningen (t.ex. 2019).")
    anstallda_efter: Anstallda = Field(description="Anställda vid sista mätningen (t.ex. okt-22).")
    okning: Forandring | None = Field(
        None, description="Angiven ökning; räknas ut (efter − före) om den saknas."
    )
    kommun: str | None = Field(None, description="Kommunen där företaget finns.")

    @property
    def okning_beraknad(self) -> Decimal:
        """The increase as computed: after less before."""
        return self.anstallda_efter - self.anstallda_fore


class Summa(Modell):
    """Totals as the report states them (each optional: a missing one is computed)."""

    CARRY = Carry(emptied=dict.fromkeys(("fore", "efter", "okning"), COMPUTED))

    fore: Anstallda | None = Field(None, description="Angiven summa, första mätningen.")
    efter: Anstallda | None = Field(None, description="Angiven summa, sista mätningen.")
    okning: Forandring | None = Field(None, description="Angiven summa av ökningen.")


class Tabellrubriker(Modell):
    """The column headings of the company table."""

    CARRY = Carry(marked=frozenset({"namn", "fore", "efter", "okning", "summa"}))

    namn: str = Field("Företagsnamn", description="Kolumnen med företagens namn.")
    fore: str = Field("Före", description="Kolumnen med första mätningen, t.ex. 2019.")
    efter: str = Field("Efter", description="Kolumnen med sista mätningen, t.ex. okt-22.")
    okning: str = Field("Ökning", description="Kolumnen med ökningen.")
    summa: str = Field("Summa", description="Summaradens rubrik.")


class Effekt(Modell):
    """The programme's effect: the company table and its totals."""

    CARRY = Carry(
        rows={"foretag":
              "företagen, ett per rad: - {namn: …, organisationsnummer: …, anstallda_fore: …, "
              "anstallda_efter: …}"},
        emptied={"okning_procent": COMPUTED})

    rubrik: str = Field("Effekt", description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före tabellen (Markdown).")
    tabell: Tabellrubriker = Field(
        default_factory=Tabellrubriker, description="Tabellens rubriker.")
    foretag: list[Foretag] = Field(default_factory=list, description="Företagen i programmet.")
    summa: Summa = Field(
        default_factory=Summa, description="Angivna summor (räknas ut om de saknas).")
    okning_procent: Procent | None = Field(
        None, description="Angiven ökning i procent av första mätningen."
    )

    def column_sums(self) -> tuple[Decimal, Decimal, Decimal]:
        """The columns' sums: before, after and the increase (stated, else computed, per row)."""
        fore = sum((f.anstallda_fore for f in self.foretag), Decimal(0))
        efter = sum((f.anstallda_efter for f in self.foretag), Decimal(0))
        okning = sum((f.okning if f.okning is not None else f.okning_beraknad
                      for f in self.foretag), Decimal(0))
        return fore, efter, okning


class Foretagsprogram(Section):
    """A company programme: workshops, steps, groups, consultants and the effect on companies."""

    TYP = "foretagsprogram"
    BESKRIVNING = "Ett program för företag med företagstabell: anställda före, efter och ökning."
    DIAGRAM = ("anstallda",)
    TABELLER = ("foretag",)

    typ: Literal["foretagsprogram"] = Field(description="Avsnittets typ.")
    rubrik: str = Field("Program för tillväxt", description="Avsnittets rubrik.")
    period: Period | None = Field(None, description="När programmets aktiviteter pågick.")
    foretag_start: Antal | None = Field(None, description="Antal företag när programmet började.")
    foretag_slut: Antal | None = Field(None, description="Antal företag när programmet slutade.")
    text: Markdown = Field("", description="Inledande text (Markdown).")
    workshops: Workshops = Field(default_factory=Workshops, description="Workshopparna.")
    steg_ingress: Markdown = Field("", description="Text före listan med steg (Markdown).")
    steg: list[Programsteg] = Field(default_factory=list, description="Programmets steg.")
    strategigrupper: Strategigrupper | None = Field(None, description="Strategigrupperna.")
    konsulter: Konsulter | None = Field(None, description="De upphandlade konsulterna.")
    delar: list[Delavsnitt] = Field(
        default_factory=list, description="Ytterligare delavsnitt, t.ex. projektmedarbetarnas roll."
    )
    effekt: Effekt = Field(default_factory=Effekt, description="Effekten på företagen.")

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        yield from self._company_table()
        yield from self._groups()
        yield from period_within(self.period, report, ("period",), "Programmets")
        count = len(self.effekt.foretag)
        if count > MAX_COMPANIES:  # the employee chart shows those that grew most
            yield ("diagram-urval", "info", ("effekt", "foretag"), cf.selection_note(
                "anställda per företag", count, "företag", MAX_COMPANIES,
                f"de {format_integer(SELECTION_SIZE)} som ökade mest"), MAX_COMPANIES, count)
        named = report.projekt.kommuner
        for i, f in enumerate(self.effekt.foretag):
            if named and f.kommun is not None and not any(same_name(f.kommun, n) for n in named):
                yield ("foretag-kommun", "warning", ("effekt", "foretag", i, "kommun"),
                       f"{_called(f)} ligger i {f.kommun}, som inte står bland projektets kommuner "
                       "(projekt.kommuner).", named, f.kommun)

    def _company_table(self) -> Iterator[Raw]:
        eff = self.effekt
        base: Loc = ("effekt",)
        for i, f in enumerate(eff.foretag):
            if f.okning is not None and f.okning != f.okning_beraknad:
                yield ("foretag-okning", "error", (*base, "foretag", i, "okning"),
                       f"{_called(f)}: {_n(f.anstallda_fore)} → {_n(f.anstallda_efter)} "
                       f"anställda är en ökning med {_n(f.okning_beraknad)}, men ökningen anges "
                       f"till {_n(f.okning)}.", f.okning_beraknad, f.okning)
        fore, efter, okning = eff.column_sums()
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
            if round_like(computed_pct, eff.okning_procent) != eff.okning_procent:
                yield ("foretag-okning-procent", "error", (*base, "okning_procent"),
                       f"Ökningen anges till {format_percent(eff.okning_procent)}, men "
                       f"{_n(difference)} av {_n(total_fore)} är "
                       f"{format_percent(computed_pct, decimals=1)}.",
                       round_like(computed_pct, eff.okning_procent), eff.okning_procent)
        if self.foretag_slut is not None and eff.foretag and self.foretag_slut != len(eff.foretag):
            yield ("foretag-antal", "warning", ("foretag_slut",),
                   f"Programmet anges ha {format_integer(self.foretag_slut)} företag, men "
                   f"tabellen har {format_integer(len(eff.foretag))} "
                   f"{'rad' if len(eff.foretag) == 1 else 'rader'}.",
                   self.foretag_slut, len(eff.foretag))

    def _groups(self) -> Iterator[Raw]:
        groups = self.strategigrupper
        if groups is None or not groups.grupper:
            return
        companies = (self.foretag_slut if self.foretag_slut is not None
                     else len(self.effekt.foretag))
        if not companies:
            return
        seats = groups.platser
        if seats != companies:
            sizes = ", ".join(format_integer(g.antal_foretag) for g in groups.grupper)
            yield ("strategigrupper-platser", "warning", ("strategigrupper", "grupper"),
                   f"Strategigrupperna har {format_integer(seats)} platser ({sizes}), men "
                   f"programmet har {format_integer(companies)} företag.", companies, seats)

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        if not self.effekt.foretag:
            yield ("effekt", "foretag"), "Företagstabellen är tom."

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        for w, wout in zip(self.workshops.lista, out["workshops"]["lista"], strict=True):
            if w.text is not None:
                line = w.text
            else:
                who = narrative.escape(w.forelasare)
                if w.organisation:
                    who += f", {narrative.escape(w.organisation)}"
                line = f"{who}: {narrative.escape(w.amne)}"
            wout["rad"] = Narrative(line, link_id)
        for s, sout in zip(self.steg, out["steg"], strict=True):
            # Only the blank space Markdown ignores: a bare strip() also ate U+0085 and the like.
            first, _, rest = s.beskrivning.strip(" \t\n").partition("\n\n")
            lead = f"*{narrative.escape(s.namn)}*"
            sout["punkt"] = Narrative(f"{lead} – {first}" if first else lead, link_id)
            sout["fortsattning"] = Narrative(rest, link_id)
        eff, eout = self.effekt, out["effekt"]
        for f, fout in zip(eff.foretag, eout["foretag"], strict=True):
            if fout["okning"] is None:
                fout["okning"] = f.okning_beraknad
        summa = eout["summa"]
        fore, efter, _ = eff.column_sums()
        if summa["fore"] is None:
            summa["fore"] = fore
        if summa["efter"] is None:
            summa["efter"] = efter
        if summa["okning"] is None:
            summa["okning"] = summa["efter"] - summa["fore"]
        if eout["okning_procent"] is None and summa["fore"]:
            eout["okning_procent"] = share(summa["efter"] - summa["fore"], summa["fore"])
        if self.strategigrupper is not None:
            out["strategigrupper"]["platser"] = self.strategigrupper.platser
        out["antal_foretag"] = len(eff.foretag)
        self._shown_once(out)

    def _shown_once(self, out: dict[str, Any]) -> None:
        """Flags for the default template: a stated figure that a figure link in the text shows
        already is not printed again (``visa_…`` false)."""
        in_text = linked(self)
        for name in ("foretag_start", "foretag_slut"):
            out[f"visa_{name}"] = getattr(self, name) is not None and (name,) not in in_text
        if self.strategigrupper is not None:
            out["strategigrupper"]["visa_grupper"] = any(
                ("strategigrupper", "grupper", i, "antal_foretag") not in in_text
                for i in range(len(self.strategigrupper.grupper)))
        out["effekt"]["visa_okning_procent"] = (self.effekt.okning_procent is not None and
                                                ("effekt", "okning_procent") not in in_text)

    def tables(self) -> dict[str, str]:
        return {"foretag": "Antal anställda i de deltagande företagen"} if self.effekt.foretag \
            else {}

    def chart_facts(self) -> dict[str, Bars | None]:
        return {"anstallda": employees_bars(self.effekt)} if self.effekt.foretag else {}

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        for name, when in (("foretag_start", "började"), ("foretag_slut", "slutade")):
            b.tag("{%p if " + var + ".visa_" + name + " %}")
            b.p(f"Antal företag när programmet {when}: {{{{ {var}.{name}|tal }}}}.")
            b.tag("{%p endif %}")
        b.narrative(var + ".workshops.ingress")
        b.tag("{%p for w in " + var + ".workshops.lista %}")
        b.narrative("w.rad.stycken('ListBullet')")
        b.tag("{%p endfor %}")
        b.narrative(var + ".steg_ingress")
        b.tag("{%p for s in " + var + ".steg %}")
        b.narrative("s.punkt.stycken('ListBullet')")
        b.narrative("s.fortsattning")
        b.tag("{%p endfor %}")
        g = var + ".strategigrupper"
        b.tag("{%p if " + g + " %}")
        b.narrative(g + ".ingress")
        b.h("{{ " + g + ".rubrik }}", 2)
        b.narrative(g + ".text")
        b.tag("{%p if " + g + ".visa_grupper %}")
        b.p("Företag per grupp: {% for grupp in " + g + ".grupper %}{% if grupp.namn %}"
            "{{ grupp.namn }} ({{ grupp.antal_foretag|tal }}){% else %}"
            "{{ grupp.antal_foretag|tal }}{% endif %}{% if loop.revindex == 2 %} och "
            "{% elif not loop.last %}, {% endif %}{% endfor %}.")
        b.tag("{%p endif %}")
        b.tag("{%p endif %}")
        k = var + ".konsulter"
        b.tag("{%p if " + k + " %}")
        b.h("{{ " + k + ".rubrik }}", 2)
        b.narrative(k + ".text")
        b.tag("{%p for omrade in " + k + ".omraden %}")
        b.p("{{ omrade }}", "List Bullet")
        b.tag("{%p endfor %}")
        b.narrative(k + ".text_efter")
        b.tag("{%p endif %}")
        b.tag("{%p for del in " + var + ".delar %}")
        b.h("{{ del.rubrik }}", 2)
        b.narrative("del.text")
        b.tag("{%p for punkt in del.punkter %}")
        b.narrative("punkt.stycken('ListBullet')")
        b.tag("{%p endfor %}")
        b.tag("{%p endfor %}")
        e = var + ".effekt"
        b.h("{{ " + e + ".rubrik }}", 2)
        b.narrative(e + ".text.stycken('Tabellingress')")
        b.tag("{%p if " + e + ".visa_okning_procent %}")
        b.p("Antalet anställda ökade med {{ " + e + ".okning_procent|procent }}.")
        b.tag("{%p endif %}")
        b.tag("{%p if " + e + ".foretag %}")
        b.caption(var + ".tabeller.foretag")
        t = b.table([("{{ " + e + ".tabell.namn }}", False),
                     ("{{ " + e + ".tabell.fore }}", True),
                     ("{{ " + e + ".tabell.efter }}", True),
                     ("{{ " + e + ".tabell.okning }}", True)], [8.5, 2.5, 2.5, 2.5])
        b.loop_row(t, "{%tr for f in " + e + ".foretag %}")
        b.row(t, [("{{ f.namn }}", False), ("{{ f.anstallda_fore|decimal }}", True),
                  ("{{ f.anstallda_efter|decimal }}", True), ("{{ f.okning|decimal }}", True)])
        b.loop_row(t, "{%tr endfor %}")
        b.row(t, [("{{ " + e + ".tabell.summa }}", False),
                  ("{{ " + e + ".summa.fore|decimal }}", True),
                  ("{{ " + e + ".summa.efter|decimal }}", True),
                  ("{{ " + e + ".summa.okning|decimal }}", True)], bold=True, shade=b.GREY)
        b.end_table()
        b.chart(var, "anstallda")
        b.tag("{%p endif %}")


# --- the employee chart ---------------------------------------------------------------------------


def _shown(e: Effekt) -> tuple[list[Foretag], bool]:
    """The companies the employee chart shows, and whether they are a selection."""
    companies = list(e.foretag)
    if len(companies) <= MAX_COMPANIES:
        return companies, False
    ranked = sorted(enumerate(companies), key=lambda ic: (-ic[1].okning_beraknad, ic[0]))
    return [c for _, c in ranked[:SELECTION_SIZE]], True


def employees_bars(e: Effekt) -> Bars | None:
    """Employees per company before and after: two bars per company (a selection if many)."""
    companies = list(e.foretag)
    if not companies:
        return None
    total = len(companies)
    shown, selection = _shown(e)
    before, after = e.tabell.fore, e.tabell.efter
    n = len(shown)
    height, row_pt = rows_height(n, 2.6, 0.5)
    sum_before = sum((c.anstallda_fore for c in companies), Decimal(0))
    sum_after = sum((c.anstallda_efter for c in companies), Decimal(0))
    top = sorted(enumerate(companies), key=lambda ic: (-ic[1].okning_beraknad, ic[0]))[:3]
    grew = [f"{c.namn} ({format_signed(c.okning_beraknad)})" for _, c in top
            if c.okning_beraknad > 0]
    title = f"Anställda per företag {before} och {after}"
    if selection:
        title += (f" – urval: de {format_integer(SELECTION_SIZE)} av {format_integer(total)} "
                  "företag som ökade mest")
        scope = (f"de {format_integer(SELECTION_SIZE)} av {format_integer(total)} företag i "
                 "programmet som ökade mest, i fallande ordning")
    else:
        scope = f"de {format_integer(total)} företagen i programmet"
    alt = (f"Liggande stapeldiagram över antal anställda {before} och {after} i {scope}. "
           f"Sammanlagt hade alla {format_integer(total)} företagen "
           f"{format_decimal(sum_before)} anställda {before} och {format_decimal(sum_after)} "
           f"{after}.")
    if grew:
        alt += f" Störst ökning: {format_list(grew)}."
    size = max(5.0, min(cf.SMALL_PT, row_pt * 0.62))
    # One label a company, 'before → after' (as the axis title says), at the longer bar.
    shrank = tuple(i for i, c in enumerate(shown) if c.anstallda_fore > c.anstallda_efter)
    grown = tuple(i for i in range(n) if i not in shrank)
    fore = Series(before, tuple(c.anstallda_fore for c in shown), (cf.LIGHT,) * n,
                  notes=tuple(f"→ {format_decimal(c.anstallda_efter)}" for c in shown),
                  unlabelled=grown)
    efter = Series(after, tuple(c.anstallda_efter for c in shown), (cf.DARK,) * n,
                   prefixes=tuple(f"{format_decimal(c.anstallda_fore)} → " for c in shown),
                   unlabelled=shrank)
    return Bars(
        title=title, alt=alt, horizontal=True,
        categories=tuple(cf.short_name(c.namn) for c in shown), series=(fore, efter),
        value_title=f"Antal anställda (talen vid staplarna: {before} → {after})",
        width_cm=cf.FULL_WIDTH_CM, height_cm=height, category_pt=size, label_pt=size)
