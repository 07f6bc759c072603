"""The economy: budget, outcome, costs by category, financing and a preliminary flag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from slutrapport import narrative
from slutrapport.chartfacts import (
    DARK,
    FULL_WIDTH_CM,
    HALF_WIDTH_CM,
    LIGHT,
    MAX_CATEGORIES,
    MAX_HEIGHT_CM,
    SINGLE,
    Bars,
    Series,
    largest,
    others,
    selection_note,
    short_name,
)
from slutrapport.fields import (
    COMPUTED,
    Belopp,
    Carry,
    Datum,
    Derived,
    Kronor,
    Loc,
    Markdown,
    Modell,
)
from slutrapport.formatting import (
    format_amount,
    format_integer,
    format_list,
    format_month,
    format_percent,
    format_share,
)
from slutrapport.kinds import LinkId, Raw, Section, Severity
from slutrapport.names import called, pair_names
from slutrapport.narrative import Narrative
from slutrapport.numbers import share

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = ["Ekonomi", "Finansiering", "Kostnadspost", "Preliminar"]

_kr = format_amount


class Kostnadspost(Modell):
    """A cost category and its outcome."""

    kategori: str = Field(min_length=1, description="Kostnadsslaget.")
    belopp: Kronor = Field(description="Utfall i kronor.")
    fotnot: Markdown | None = Field(None, description="Fotnot till posten.")


class Finansiering(Modell):
    """A financier and the amount it contributed."""

    finansiar: str = Field(min_length=1, description="Finansiärens namn.")
    belopp: Kronor = Field(description="Belopp i kronor.")

    DERIVED: ClassVar[Derived] = {"andel": "andel"}
    """The share of the financing a row stands for, worked out in the section's context: a
    figure of its own (its formula: :mod:`slutrapport.provenance`)."""


class Preliminar(Modell):
    """A note that the financing figures are preliminary, and as of when."""

    per: Datum | None = Field(None, description="Per när siffrorna gäller, t.ex. 2022-12.")
    text: Markdown = Field("", description="Förklaringen som den ska stå i rapporten (Markdown).")


class Ekonomi(Section):
    """The economy: budget, outcome, costs by category and financing."""

    TYP = "ekonomi"
    BESKRIVNING = "Ekonomin: budget, utfall, kostnader per slag och finansiering."
    DIAGRAM = ("budget", "kostnader")
    TABELLER = ("kostnader", "finansiering")
    DERIVED: ClassVar[Derived] = {"budgetavvikelse": "under_budget",
                                  "summarad_kostnader": "summa_kostnader",
                                  "summarad_finansiering": "summa_finansiering"}
    CARRY = Carry(
        emptied={"preliminar": "valfritt: om finansieringen är preliminär: {per: …, text: …}",
                 "under_budget": COMPUTED, "summa_kostnader": COMPUTED,
                 "summa_finansiering": COMPUTED},
        kept=frozenset({"kostnader_ingress", "finansiering_ingress"}))

    typ: Literal["ekonomi"] = Field(description="Avsnittets typ.")

    rubrik: str = Field("Ekonomi", description="Avsnittets rubrik.")
    budget: Kronor = Field(description="Total budget i kronor.")
    utfall: Kronor = Field(description="Totalt utfall i kronor.")
    under_budget: Belopp | None = Field(
        None, description="Angivet belopp under budget (negativt: över); räknas ut om det saknas."
    )
    text: Markdown = Field("", description="Text efter budget och utfall (Markdown).")
    kostnader_ingress: Markdown = Field("", description="Text före kostnadstabellen (Markdown).")
    kostnader: list[Kostnadspost] = Field(default_factory=list, description="Kostnader per slag.")
    summa_kostnader: Kronor | None = Field(None, description="Angiven summa av kostnaderna.")
    finansiering_ingress: Markdown = Field("", description="Text före finansieringstabellen.")
    finansiering: list[Finansiering] = Field(default_factory=list, description="Finansieringen.")
    summa_finansiering: Kronor | None = Field(None, description="Angiven summa av finansieringen.")
    preliminar: Preliminar | None = Field(
        None, description="Finns den: finansieringen är preliminär (avvikelser blir varningar)."
    )

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        yield from self._costs()
        yield from self._under_budget()
        yield from self._financing()
        yield from self._financiers(report.projekt.finansiarer)
        yield from self._chart_selection()

    def _chart_selection(self) -> Iterator[Raw]:
        """The costs chart shows a selection of more categories than a page can show."""
        count = len(self.kostnader)
        if count <= MAX_CATEGORIES or sum(p.belopp for p in self.kostnader) <= 0:
            return  # all of them, or no chart (_costs_bars)
        n = format_integer
        yield ("diagram-urval", "info", ("kostnader",), selection_note(
            "kostnaderna per kostnadsslag", count, "staplar", MAX_CATEGORIES,
            f"de {n(MAX_CATEGORIES - 1)} största kostnadsslagen och de övriga "
            f"{n(count - MAX_CATEGORIES + 1)} sammanlagda i en stapel"), MAX_CATEGORIES, count)

    def _financiers(self, named: list[str]) -> Iterator[Raw]:
        """The financiers on the title page against the financing rows, both ways."""
        if not named or not self.finansiering:
            return
        pairing = pair_names([row.finansiar for row in self.finansiering], named)
        for i, meant in pairing.unknown:
            row = self.finansiering[i]
            hint = ("" if meant is None else f" Menade du {named[meant]} "
                    f"(projekt.finansiarer[{meant}]), som saknar rad i finansieringen?")
            yield ("finansiar-okand", "warning", ("finansiering", i, "finansiar"),
                   f"{row.finansiar} står i finansieringen men inte bland projektets "
                   f"finansiärer (projekt.finansiarer).{hint}", named, row.finansiar)
        for i in pairing.missing:
            yield ("finansiar-saknas", "warning", ("finansiering",),
                   f"{named[i]} står bland projektets finansiärer (projekt.finansiarer[{i}]) "
                   "men har ingen rad i finansieringen.", named[i], None)

    def _costs(self) -> Iterator[Raw]:
        if not self.kostnader:
            return
        total = sum(k.belopp for k in self.kostnader)
        if self.summa_kostnader is not None and self.summa_kostnader != total:
            yield ("kostnader-summa", "error", ("summa_kostnader",),
                   f"Kostnaderna summerar till {_kr(total)}, men summan anges till "
                   f"{_kr(self.summa_kostnader)} (skillnad {_kr(total - self.summa_kostnader)}).",
                   self.summa_kostnader, total)
        if total != self.utfall:
            yield ("kostnader-summa", "error", ("kostnader",),
                   f"Kostnaderna summerar till {_kr(total)}, men utfallet anges till "
                   f"{_kr(self.utfall)} (skillnad {_kr(total - self.utfall)}).",
                   self.utfall, total)

    def _under_budget(self) -> Iterator[Raw]:
        if self.under_budget is None:
            return
        computed = self.budget - self.utfall
        if computed != self.under_budget:
            yield ("under-budget", "error", ("under_budget",),
                   f"Budget {_kr(self.budget)} − utfall {_kr(self.utfall)} = {_kr(computed)} "
                   f"under budget, men rapporten anger {_kr(self.under_budget)}.",
                   computed, self.under_budget)

    def _financing(self) -> Iterator[Raw]:
        if not self.finansiering:
            return
        total = sum(f.belopp for f in self.finansiering)
        severity: Severity = "warning" if self.preliminar is not None else "error"
        note = ""
        if self.preliminar is not None:
            when = f" ({format_month(self.preliminar.per)})" if self.preliminar.per else ""
            note = f" Finansieringen är markerad som preliminär{when}."
        if self.summa_finansiering is not None and self.summa_finansiering != total:
            yield ("finansiering-summa", severity, ("summa_finansiering",),
                   f"Finansieringen summerar till {_kr(total)}, men summan anges till "
                   f"{_kr(self.summa_finansiering)}.{note}", self.summa_finansiering, total)
        if total != self.utfall:
            diff = total - self.utfall
            relation = "över" if diff > 0 else "under"
            yield ("finansiering-summa", severity, ("finansiering",),
                   f"Finansieringen summerar till {_kr(total)}, {_kr(abs(diff))} {relation} "
                   f"utfallet {_kr(self.utfall)}.{note}", self.utfall, total)

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        zero: list[tuple[Loc, int, str]] = [
            (("budget",), self.budget, "Budgeten"), (("utfall",), self.utfall, "Utfallet")]
        zero += [(("kostnader", i, "belopp"), k.belopp,
                  "Kostnaden för " + called(k.kategori, "kostnadsslaget (ännu utan namn)"))
                 for i, k in enumerate(self.kostnader)]
        zero += [(("finansiering", i, "belopp"), f.belopp,
                  "Beloppet från " + called(f.finansiar, "finansiären (ännu utan namn)"))
                 for i, f in enumerate(self.finansiering)]
        for loc, value, what in zero:
            if value == 0:
                yield loc, f"{what} är 0 — inte ifyllt?"

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        if out["under_budget"] is None:
            out["under_budget"] = self.budget - self.utfall
        out["budgetavvikelse"] = abs(out["under_budget"])
        out["budget_riktning"] = "under" if out["under_budget"] >= 0 else "över"
        # The outcome is the stated total of the costs and of the financing: a sum left out is
        # the outcome, never a computed one that could differ from it on the same page.
        if out["summa_kostnader"] is None:
            out["summa_kostnader"] = self.utfall
        if out["summa_finansiering"] is None:
            out["summa_finansiering"] = self.utfall
        out["summarad_kostnader"] = self.sum_row(self.kostnader, self.summa_kostnader)
        out["summarad_finansiering"] = self.sum_row(self.finansiering, self.summa_finansiering)
        # each financier's share of what the financing rows add up to, to a tenth: a figure of
        # its own (Finansiering.DERIVED), printed with procent(1)
        whole = sum(f.belopp for f in self.finansiering)
        for rad in out["finansiering"]:
            rad["andel"] = share(rad["belopp"], whole) if whole > 0 else None
        out["finansiering_andel"] = format_share(whole, whole) if whole > 0 else "–"
        notes: list[dict[str, Any]] = []
        for k in out["kostnader"]:
            k["markering"] = ""
            if k["fotnot"]:
                k["markering"] = "*" * (len(notes) + 1)
                marked = narrative.escape(k["markering"]) + k["fotnot"].text
                notes.append({"markering": k["markering"], "text": Narrative(marked, link_id)})
        out["fotnoter"] = notes

    def sum_row(self, rows: list[Kostnadspost] | list[Finansiering],
                stated: int | None) -> int | None:
        """The figure a table's sum row shows: the outcome, where the rows add up to it (and to
        the table's own stated sum, if any); None (no sum row) where they don't: a sum row
        that differs from the outcome printed above it would say two things of one quantity.
        The rows that don't add up are ``check``'s error (or warning) all the same."""
        total = sum(row.belopp for row in rows)
        if total != self.utfall or (stated is not None and stated != self.utfall):
            return None
        return self.utfall

    def tables(self) -> dict[str, str]:
        titles = {"kostnader": "Kostnader per kostnadsslag (kr)",
                  "finansiering": "Finansiering per finansiär (kr)"}
        return {name: title for name, title in titles.items() if getattr(self, name)}

    def chart_facts(self) -> dict[str, Bars | None]:
        out = {"budget": self._budget_bars()}
        if self.kostnader:
            out["kostnader"] = self._costs_bars()
        return out

    def _budget_bars(self) -> Bars | None:
        """Budget and outcome side by side, the difference said under them."""
        if self.budget <= 0 and self.utfall <= 0:
            return None
        difference = self.budget - self.utfall
        direction = "under budget" if difference > 0 else "över budget"
        outcome = f"{_kr(abs(difference))} {direction}" if difference else "lika med budget"
        alt = ("Stapeldiagram som jämför budget och utfall: budgeten var "
               f"{_kr(self.budget)} och utfallet {_kr(self.utfall)}, det vill säga {outcome}.")
        return Bars(
            title="Budget och utfall", alt=alt, horizontal=False,
            categories=("Budget", "Utfall"),
            series=(Series("Kronor", (self.budget, self.utfall), (LIGHT, DARK)),),
            value_title="Kronor", width_cm=HALF_WIDTH_CM, height_cm=8.0, unit="\u00a0kr",
            category_title=f"Utfallet är {outcome}")

    def _costs_bars(self) -> Bars | None:
        """The costs per category: one bar each, labelled with its amount and share of the sum;
        with more than :data:`~slutrapport.chartfacts.MAX_CATEGORIES`, the largest and one bar
        for the others."""
        posts = [(p.kategori, p.belopp) for p in self.kostnader]
        if not posts or sum(amount for _, amount in posts) <= 0:
            return None
        # The shares are of the outcome the report states, which the text, the budget chart and
        # the table's sum row show: never of a computed sum that may differ from it.
        total = self.utfall or sum(amount for _, amount in posts)
        chosen = largest([amount for _, amount in posts])
        title = "Kostnader per kostnadsslag"
        scope = "kostnaderna per kostnadsslag"
        categories = [short_name(name) for name, _ in posts]
        if chosen is not None:
            rest = len(posts) - len(chosen)
            kept = set(chosen)
            other = sum(amount for i, (_, amount) in enumerate(posts) if i not in kept)
            rest_name = others(rest, "kostnadsslag")
            categories = [categories[i] for i in chosen] + [rest_name]
            posts = [posts[i] for i in chosen] + [(rest_name, other)]
            title += (f" – de {format_integer(len(chosen))} största av "
                      f"{format_integer(len(chosen) + rest)}, de övriga sammanlagda")
            scope = (f"de {format_integer(len(chosen))} största av "
                     f"{format_integer(len(chosen) + rest)} kostnadsslag, i fallande ordning, "
                     "och de övriga sammanlagda")
        notes = tuple(f"({format_percent(share(amount, total), decimals=1)})"
                      for _, amount in posts)
        parts = [f"{name} {_kr(amount)} {note}"
                 for (name, amount), note in zip(posts, notes, strict=True)]
        alt = (f"Liggande stapeldiagram över {scope}, i kronor och andel av utfallet "
               f"{_kr(total)}: {format_list(parts)}.")
        n = len(posts)
        return Bars(
            title=title, alt=alt, horizontal=True, categories=tuple(categories),
            series=(Series("Kronor", tuple(amount for _, amount in posts), (SINGLE,) * n,
                           notes),),
            value_title="Kronor", width_cm=FULL_WIDTH_CM,
            height_cm=min(2.2 + 0.9 * n, MAX_HEIGHT_CM), unit="\u00a0kr")

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.p("Projektet hade en totalbudget på {{ " + var + ".budget|kr }}.")
        b.p("Utfallet blev {{ " + var + ".utfall|kr }}, det vill säga {{ " + var
            + ".budgetavvikelse|kr }} {{ " + var + ".budget_riktning }} budget.")
        b.chart(var, "budget")
        b.narrative(var + ".text")
        b.amount_table(var + ".kostnader", "post", var + ".kostnader_ingress",
                       var + ".tabeller.kostnader", "Kostnadsslag",
                       "{{ post.kategori }}", "{{ post.belopp|tal }}{{ post.markering }}",
                       var + ".summarad_kostnader")
        b.tag("{%p for fotnot in " + var + ".fotnoter %}")
        b.narrative("fotnot.text.stycken('Fotnot')")
        b.tag("{%p endfor %}")
        b.chart(var, "kostnader")
        b.tag("{%p endif %}")
        b.amount_table(var + ".finansiering", "rad", var + ".finansiering_ingress",
                       var + ".tabeller.finansiering", "Finansiär",
                       "{{ rad.finansiar }}", "{{ rad.belopp|tal }}",
                       var + ".summarad_finansiering",
                       share=("{{ rad.andel|procent(1) if rad.andel is not none else '–' }}",
                              "{{ " + var + ".finansiering_andel }}"))
        b.tag("{%p endif %}")
        b.tag("{%p if " + var + ".preliminar %}")
        b.narrative(var + ".preliminar.text")
        b.tag("{%p endif %}")
