"""A section kind defined in the tests only: ``tidplan``, a milestone plan.

It proves that a kind is one module and nothing else: its fields, a check, its template
context, a chart, a captioned table, a rule for ``new --from`` and its part of the default
template all live here, and slutrapport picks it up — the report model, check, render (in the
default template, with no rebuild by hand), both kinds of chart, ``schema``, ``new``,
``template check`` and the generated docs. :func:`register` makes the kind (making its class
registers it); ``slutrapport.kinds.unregister("tidplan")`` takes it away again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from slutrapport.chartfacts import HALF_WIDTH_CM, SINGLE, Bars, Series, short_name
from slutrapport.fields import COMPUTED, Antal, Carry, Datum, Markdown, Modell
from slutrapport.formatting import format_integer, format_list
from slutrapport.kinds import LinkId, Raw, Section

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport


def _months(date: str) -> int:
    year, _, rest = date.partition("-")
    return int(year) * 12 + (int(rest[:2]) if rest else 1)


def register() -> type[Section]:
    """Make (and so register) the kind ``tidplan``; return its class."""

    class Milstolpe(Modell):
        """A milestone: when it was planned and when it was reached."""

        CARRY = Carry(emptied={"klar": "valfritt: när milstolpen nåddes, t.ex. 2026-05"})

        namn: str = Field(min_length=1, description="Milstolpens namn.")
        planerad: Datum = Field(description="När milstolpen skulle nås, t.ex. 2023-05.")
        klar: Datum | None = Field(None, description="När den nåddes; tomt om den inte nåtts.")

    class Tidplan(Section):
        """A milestone plan: each milestone planned and reached, and how late."""

        TYP = "tidplan"
        BESKRIVNING = "Projektets milstolpar: planerat och klart, med förseningen som diagram."
        DIAGRAM = ("forsening",)
        TABELLER = ("milstolpar",)
        CARRY = Carry(emptied={"klara": COMPUTED})

        typ: Literal["tidplan"] = Field(description="Avsnittets typ.")
        rubrik: str = Field("Tidplan", min_length=1, description="Avsnittets rubrik.")
        text: Markdown = Field("", description="Text före tabellen (Markdown).")
        milstolpar: list[Milstolpe] = Field(default_factory=list, description="Milstolparna.")
        klara: Antal | None = Field(None, description="Angivet antal nådda milstolpar.")

        def findings(self, report: Slutrapport) -> Iterator[Raw]:
            done = sum(1 for m in self.milstolpar if m.klar is not None)
            if self.klara is not None and self.klara != done:
                yield ("tidplan-klara", "error", ("klara",),
                       f"{format_integer(self.klara)} milstolpar anges som nådda, men "
                       f"{format_integer(done)} har ett datum då de nåddes.", done, self.klara)

        def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
            if out["klara"] is None:
                out["klara"] = sum(1 for m in self.milstolpar if m.klar is not None)
            for m, mout in zip(self.milstolpar, out["milstolpar"], strict=True):
                mout["forsening"] = (None if m.klar is None
                                     else _months(m.klar) - _months(m.planerad))

        def tables(self) -> dict[str, str]:
            return {"milstolpar": "Milstolpar, planerade och nådda"} if self.milstolpar else {}

        def chart_facts(self) -> dict[str, Bars | None]:
            reached = [m for m in self.milstolpar if m.klar is not None]
            if not reached:
                return {}
            late = tuple(max(0, _months(m.klar or m.planerad) - _months(m.planerad))
                         for m in reached)
            parts = [f"{m.namn} {format_integer(n)} månader"
                     for m, n in zip(reached, late, strict=True)]
            return {"forsening": Bars(
                title="Försening per milstolpe", horizontal=True,
                alt=f"Liggande stapeldiagram över förseningen i månader: {format_list(parts)}.",
                categories=tuple(short_name(m.namn) for m in reached),
                series=(Series("Månader", late, (SINGLE,) * len(late)),),
                value_title="Försening (månader)", width_cm=HALF_WIDTH_CM,
                height_cm=2.2 + 0.9 * len(late), unit="\u00a0mån")}

        @classmethod
        def fragment(cls, b: Builder, var: str) -> None:
            b.h("{{ " + var + ".rubrik }}", 1)
            b.narrative(var + ".text")
            b.tag("{%p if " + var + ".milstolpar %}")
            b.caption(var + ".tabeller.milstolpar")
            t = b.table([("Milstolpe", False), ("Planerad", False), ("Nådd", False)],
                        [8.0, 4.0, 4.0])
            b.loop_row(t, "{%tr for m in " + var + ".milstolpar %}")
            b.row(t, [("{{ m.namn }}", False), ("{{ m.planerad|manad }}", False),
                      ("{% if m.klar %}{{ m.klar|manad }}{% else %}–{% endif %}", False)])
            b.loop_row(t, "{%tr endfor %}")
            b.end_table()
            b.p("Nådda milstolpar: {{ " + var + ".klara|tal }}.")
            b.chart(var, "forsening")
            b.tag("{%p endif %}")

    return Tidplan
