"""Free text: a heading, narrative, an optional bullet list and sub-sections of the same shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from slutrapport.fields import Carry, Markdown, Modell
from slutrapport.kinds import Section

if TYPE_CHECKING:
    from slutrapport._builder import Builder

__all__ = ["Delavsnitt", "Text"]


class Delavsnitt(Modell):
    """A sub-section: a heading of the second level, its text and an optional bullet list."""

    CARRY = Carry(hints={"punkter": "punkterna, en per rad: - …"})

    rubrik: str = Field(min_length=1, description="Delavsnittets rubrik.")
    text: Markdown = Field("", description="Delavsnittets text (Markdown).")
    punkter: list[Markdown] = Field(default_factory=list, description="En punktlista efter texten.")


class Text(Section):
    """A section of free text, e.g. the introduction, the evaluation or the conclusions."""

    TYP = "text"
    BESKRIVNING = "Fri text med rubrik, punktlista och delavsnitt."
    CARRY = Carry(hints={"punkter": "punkterna, en per rad: - …"})

    typ: Literal["text"] = Field(description="Avsnittets typ.")
    rubrik: str = Field(min_length=1, description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Avsnittets text (Markdown).")
    punkter: list[Markdown] = Field(default_factory=list, description="En punktlista efter texten.")
    delavsnitt: list[Delavsnitt] = Field(
        default_factory=list, description="Delavsnitt med egna rubriker (nivå 2).")

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        b.tag("{%p for punkt in " + var + ".punkter %}")
        b.narrative("punkt.stycken('ListBullet')")
        b.tag("{%p endfor %}")
        b.tag("{%p for del in " + var + ".delavsnitt %}")
        b.h("{{ del.rubrik }}", 2)
        b.narrative("del.text")
        b.tag("{%p for punkt in del.punkter %}")
        b.narrative("punkt.stycken('ListBullet')")
        b.tag("{%p endfor %}")
        b.tag("{%p endfor %}")
