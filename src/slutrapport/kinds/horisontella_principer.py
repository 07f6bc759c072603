"""Horizontal principles (2021–2027): each principle with its narrative, and participants by gender.

The 2021–2027 rules speak of horizontal *principles* (equality between women and men, equal
opportunities and non-discrimination, sustainable development) where 2014–2020 spoke of criteria;
a final report accounts for each under a heading of its own. The participants table and chart are
the same as :mod:`slutrapport.kinds.horisontella_kriterier`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from slutrapport.fields import Deltagare, Markdown, Modell
from slutrapport.kinds import Section
from slutrapport.kinds.horisontella_kriterier import WithParticipants, participant_table

if TYPE_CHECKING:
    from slutrapport._builder import Builder

__all__ = ["HorisontellaPrinciper", "Princip"]


class Princip(Modell):
    """One horizontal principle and how the project worked with it."""

    namn: str = Field(
        min_length=1,
        description="Principens namn, t.ex. Jämställdhet mellan kvinnor och män; blir rubrik.")
    text: Markdown = Field("", description="Hur projektet arbetat med principen (Markdown).")


class HorisontellaPrinciper(WithParticipants, Section):
    """The horizontal principles (2021–2027), one sub-section each, and participants by gender."""

    TYP = "horisontella_principer"
    BESKRIVNING = ("Horisontella principer (2021–2027), en rubrik per princip, med deltagare "
                   "efter kön.")
    DIAGRAM = ("deltagare",)

    typ: Literal["horisontella_principer"] = Field(description="Avsnittets typ.")
    rubrik: str = Field("Horisontella principer", min_length=1, description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före principerna (Markdown).")
    principer: list[Princip] = Field(
        default_factory=list,
        description="De horisontella principerna, var och en med egen rubrik (nivå 2) och text.")
    deltagare: Deltagare | None = Field(
        None, description="Deltagare i projektets aktiviteter fördelade på kön.")

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        b.tag("{%p for princip in " + var + ".principer %}")
        b.h("{{ princip.namn }}", 2)
        b.narrative("princip.text")
        b.tag("{%p endfor %}")
        participant_table(b, var)
