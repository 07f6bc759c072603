"""Activities: a group of activity areas, each with its count, key figures and narrative."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from slutrapport.fields import Antal, Loc, Markdown, Modell
from slutrapport.kinds import LinkId, Section
from slutrapport.names import ID_PATTERN, called
from slutrapport.paths import linked

if TYPE_CHECKING:
    from slutrapport._builder import Builder

__all__ = ["Aktiviteter", "Aktivitetsomrade"]


class Aktivitetsomrade(Modell):
    """One activity area: its title, the count it reports and what was done."""

    id: str | None = Field(
        None, pattern=ID_PATTERN,
        description="Områdets id i projektets register (små bokstäver, siffror och _), t.ex. "
                    "foretagsbesok; rubriken får vara fri text.",
    )
    rubrik: str = Field(min_length=1, description="Aktivitetsområdets rubrik.")
    antal: Antal | None = Field(
        None, description="Redovisat antal (besök, aktiviteter, träffar …), om ett sådant finns."
    )
    text: Markdown = Field("", description="Vad som gjordes (Markdown).")
    nyckeltal: dict[str, Antal] = Field(
        default_factory=dict,
        description="Andra tal som området redovisar, t.ex. inventerade_aktorer: 66.",
    )


class Aktiviteter(Section):
    """A group of activity areas under a heading of its own (``Aktiviteterna``)."""

    TYP = "aktiviteter"
    BESKRIVNING = "Aktivitetsområden med antal, nyckeltal och text."

    typ: Literal["aktiviteter"] = Field(description="Avsnittets typ.")
    rubrik: str = Field("Aktiviteter", min_length=1, description="Avsnittets rubrik.")
    antal: Antal | None = Field(None, description="Avsnittets eget redovisade antal, om något.")
    text: Markdown = Field("", description="Text direkt under rubriken (Markdown).")
    omraden: list[Aktivitetsomrade] = Field(
        default_factory=list, description="Aktivitetsområdena.")

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        for a, area in enumerate(self.omraden):
            if area.antal == 0:
                where = called(area.rubrik, "området (ännu utan rubrik)")
                yield ("omraden", a, "antal"), f"Antalet i {where} är 0 — inte ifyllt?"

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        # What the text already shows as a figure link is not printed again (visa_… false).
        in_text = linked(self)
        out["visa_antal"] = self.antal is not None and ("antal",) not in in_text
        for a, (area, aout) in enumerate(zip(self.omraden, out["omraden"], strict=True)):
            aout["visa_antal"] = area.antal is not None and ("omraden", a, "antal") not in in_text
            aout["visa_nyckeltal"] = [name for name in area.nyckeltal
                                      if ("omraden", a, "nyckeltal", name) not in in_text]

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        b.tag("{%p if " + var + ".visa_antal %}")
        b.p("Redovisat antal: {{ " + var + ".antal|tal }}.")
        b.tag("{%p endif %}")
        b.tag("{%p for omrade in " + var + ".omraden %}")
        b.h("{{ omrade.rubrik }}", 2)
        b.narrative("omrade.text")
        b.tag("{%p if omrade.visa_antal %}")
        b.p("Redovisat antal: {{ omrade.antal|tal }}.")
        b.tag("{%p endif %}")
        b.tag("{%p for namn in omrade.visa_nyckeltal %}")
        b.p("{{ namn|replace('_', ' ')|capitalize }}: {{ omrade.nyckeltal[namn]|tal }}.")
        b.tag("{%p endfor %}")
        b.tag("{%p endfor %}")
