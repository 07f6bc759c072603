"""The municipalities' own accounts of what the project meant to each of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from slutrapport.fields import Markdown, Modell
from slutrapport.kinds import LinkId, Raw, Section
from slutrapport.names import pair_names

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = ["Kommun", "Kommuner"]


class Kommun(Modell):
    """One municipality's own account of what the project meant to it."""

    namn: str = Field(min_length=1, description="Kommunens namn, t.ex. Robertsfors.")
    rubrik: str | None = Field(None, description="Rubrik; annars kommunens namn i versaler.")
    text: Markdown = Field("", description="Kommunens berättelse (Markdown).")


class Kommuner(Section):
    """Every municipality's account, one sub-section each."""

    TYP = "kommuner"
    BESKRIVNING = "Kommunernas egna berättelser, en per kommun."

    typ: Literal["kommuner"] = Field(description="Avsnittets typ.")
    rubrik: str = Field("Projektets betydelse för den egna kommunen", min_length=1,
                        description="Rubriken över kommunernas berättelser.")
    text: Markdown = Field("", description="Text före berättelserna (Markdown).")
    kommuner: list[Kommun] = Field(
        default_factory=list, description="Varje kommuns berättelse om projektets betydelse.")

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        named = report.projekt.kommuner
        if not named:
            return
        pairing = pair_names([k.namn for k in self.kommuner], named)
        for i, meant in pairing.unknown:
            kommun = self.kommuner[i]
            hint = ("" if meant is None else f" Menade du {named[meant]} "
                    f"(projekt.kommuner[{meant}]), som saknar berättelse?")
            yield ("kommun-okand", "warning", ("kommuner", i, "namn"),
                   f"{kommun.namn} har en berättelse men står inte bland projektets kommuner "
                   f"(projekt.kommuner).{hint}", named, kommun.namn)
        for i in pairing.missing:
            yield ("kommun-saknas", "warning", ("kommuner",),
                   f"{named[i]} står bland projektets kommuner (projekt.kommuner[{i}]) men har "
                   "ingen berättelse här.", named[i], None)

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        for k in out["kommuner"]:
            if k["rubrik"] is None:
                k["rubrik"] = k["namn"].upper()

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        b.tag("{%p for kommun in " + var + ".kommuner %}")
        b.h("{{ kommun.rubrik }}", 2)
        b.narrative("kommun.text")
        b.tag("{%p endfor %}")
