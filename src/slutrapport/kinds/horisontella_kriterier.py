"""Horizontal criteria (2014–2020): the criteria, their narrative and participants by gender."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from slutrapport.chartfacts import DARK, HALF_WIDTH_CM, LIGHT, Bars, Series
from slutrapport.fields import Antal, Carry, Deltagare, Loc, Markdown, Procent
from slutrapport.formatting import format_integer, format_percent
from slutrapport.kinds import LinkId, Raw, Section
from slutrapport.numbers import column_places, round_like, share, share_places
from slutrapport.paths import linked

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = [
    "HorisontellaKriterier",
    "WithParticipants",
    "participant_context",
    "participant_findings",
    "participant_shares",
    "participant_table",
    "participants_bars",
]


def participant_findings(d: Deltagare, loc: Loc) -> Iterator[Raw]:
    """Women + men against all participants, and the stated shares against the computed ones."""
    if d.man is None and d.totalt is not None and d.kvinnor > d.totalt:
        yield ("deltagare-fler-an-totalt", "error", (*loc, "kvinnor"),
               f"{format_integer(d.kvinnor)} {'kvinna' if d.kvinnor == 1 else 'kvinnor'} är "
               "fler än alla deltagare "
               f"({format_integer(d.totalt)} totalt).",
               d.totalt, d.kvinnor)
        return
    if d.man is not None and d.totalt is not None and d.kvinnor + d.man != d.totalt:
        yield ("deltagare-summa", "error", (*loc, "totalt"),
               f"{format_integer(d.kvinnor)} {'kvinna' if d.kvinnor == 1 else 'kvinnor'} + "
               f"{format_integer(d.man)} {'man' if d.man == 1 else 'män'} = "
               f"{format_integer(d.kvinnor + d.man)}, men totalt anges {format_integer(d.totalt)}.",
               d.kvinnor + d.man, d.totalt)
    total = d.totalt_beraknat
    for name, count, who in (("andel_kvinnor", d.kvinnor, "kvinnor"),
                             ("andel_man", d.man_beraknat, "män")):
        stated = getattr(d, name)
        if stated is None or not total:
            continue
        computed = Decimal(count) / Decimal(total) * 100
        if round_like(computed, stated) != stated:
            yield ("deltagare-andel", "error", (*loc, name),
                   f"Andelen {who} anges till {format_percent(stated)}, men "
                   f"{format_integer(count)} av {format_integer(total)} är "
                   f"{format_percent(computed, decimals=share_places(stated))}.",
                   round_like(computed, stated), stated)


def participant_shares(d: Deltagare) -> tuple[Decimal, Decimal]:
    """The shares of women and men as the report shows them: as stated, or computed to one
    decimal, or to as many as the other, stated share has (49,75 % beside 50,25 %)."""
    places = share_places(d.andel_kvinnor, d.andel_man)
    total = d.totalt_beraknat
    women, men = ((stated if stated is not None else
                   share(count, total, places) if total else Decimal(0))
                  for stated, count in ((d.andel_kvinnor, d.kvinnor),
                                        (d.andel_man, d.man_beraknat)))
    return women, men


def participant_context(d: Deltagare, out: dict[str, Any]) -> None:
    """Fill in men, all participants and the shares where the data leaves them out."""
    out["man"] = d.man_beraknat
    out["totalt"] = d.totalt_beraknat
    out["andel_kvinnor"], out["andel_man"] = participant_shares(d)
    # no one to count: the shares are placeholders, shown as they are (0 %)
    out["andel_decimaler"] = column_places(d.andel_kvinnor, d.andel_man) \
        if d.totalt_beraknat else None


def participants_bars(d: Deltagare) -> Bars | None:
    """Participants by gender: two bars, each labelled with its count and share."""
    women, men, total = d.kvinnor, d.man_beraknat, d.totalt_beraknat
    if total <= 0 or men < 0:
        return None
    # The shares as the table prints them: as stated, computed where the report states none,
    # both with the decimals of the most precise (see column_places).
    places = column_places(d.andel_kvinnor, d.andel_man)
    notes = tuple(f"({format_percent(s, places)})" for s in participant_shares(d))
    labels = [f"{format_integer(v)} {note}" for v, note in zip((women, men), notes, strict=True)]
    alt = ("Liggande stapeldiagram över deltagarna i projektets aktiviteter efter kön: "
           f"{labels[0]} kvinnor och {labels[1]} män, totalt {format_integer(total)} deltagare.")
    return Bars(
        title="Deltagare i projektets aktiviteter efter kön", alt=alt, horizontal=True,
        categories=("Kvinnor", "Män"),
        series=(Series("Deltagare", (women, men), (LIGHT, DARK), notes),),
        value_title=f"Antal deltagare (totalt {format_integer(total)})",
        width_cm=HALF_WIDTH_CM, height_cm=5.0)


def participant_table(b: Builder, var: str) -> None:
    """The participants table and chart of ``<var>.deltagare``, if the section has them."""

    d = var + ".deltagare"
    b.tag("{%p if " + d + " %}")
    b.caption(var + ".tabeller.deltagare")
    t = b.table([("Deltagare", False), ("Antal", True), ("Andel", True)], [8.0, 3.5, 3.5])
    b.row(t, [("Kvinnor", False), ("{{ " + d + ".kvinnor|tal }}", True),
              ("{{ " + d + ".andel_kvinnor|procent(" + d + ".andel_decimaler) }}", True)])
    b.row(t, [("Män", False), ("{{ " + d + ".man|tal }}", True),
              ("{{ " + d + ".andel_man|procent(" + d + ".andel_decimaler) }}", True)])
    b.row(t, [("Totalt", False), ("{{ " + d + ".totalt|tal }}", True),
              ("{{ 100|procent }}", True)], bold=True)
    b.end_table()
    b.chart(var, "deltagare")
    b.tag("{%p endif %}")


class WithParticipants:
    """What a section with participants by gender does with them: check, list, compute, draw.

    Shared by both horizontal kinds (the criteria and the principles); the section declares its
    own ``deltagare`` field.
    """

    TABELLER: ClassVar[tuple[str, ...]] = ("deltagare",)
    CARRY: ClassVar[Carry] = Carry(
        hints={"deltagare": "deltagarna efter kön (minst två av kvinnor, man och totalt)"})

    if TYPE_CHECKING:  # the section's own field; not a field of the mixin for pydantic
        deltagare: Deltagare | None

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        if self.deltagare is not None:
            yield from participant_findings(self.deltagare, ("deltagare",))

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        if self.deltagare is not None and self.deltagare.totalt_beraknat == 0:
            yield ("deltagare",), "Inga deltagare är ifyllda."

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        if self.deltagare is not None:
            participant_context(self.deltagare, out["deltagare"])

    def chart_facts(self) -> dict[str, Bars | None]:
        return {} if self.deltagare is None else {"deltagare": participants_bars(self.deltagare)}

    def tables(self) -> dict[str, str]:
        return ({"deltagare": "Deltagare i projektets aktiviteter efter kön"}
                if self.deltagare is not None else {})


class HorisontellaKriterier(WithParticipants, Section):
    """The horizontal criteria (2014–2020) and the figures that show how they were met."""

    TYP = "horisontella_kriterier"
    BESKRIVNING = "Horisontella kriterier (2014–2020) med deltagare efter kön."
    DIAGRAM = ("deltagare",)

    typ: Literal["horisontella_kriterier"] = Field(description="Avsnittets typ.")
    rubrik: str = Field("Horisontella kriterier", min_length=1, description="Avsnittets rubrik.")
    kriterier: list[str] = Field(default_factory=list, description="De horisontella kriterierna.")
    text: Markdown = Field("", description="Avsnittets text (Markdown).")
    deltagare: Deltagare | None = Field(None, description="Deltagare fördelade på kön.")
    andel_kvinnoledda_foretag: Procent | None = Field(
        None, description="Andel av programföretagen som leds av kvinnor, i procent."
    )
    externa_aktiviteter: Antal | None = Field(
        None, description="Antal externa aktiviteter med de horisontella kriterierna som huvudämne."
    )

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        super().context(out, link_id)
        # What the text already shows as a figure link is not printed again (visa_… false).
        in_text = linked(self)
        for name in ("andel_kvinnoledda_foretag", "externa_aktiviteter"):
            out[f"visa_{name}"] = getattr(self, name) is not None and (name,) not in in_text

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        b.tag("{%p if " + var + ".visa_andel_kvinnoledda_foretag %}")
        b.p("Andel av programföretagen som leds av kvinnor: {{ " + var
            + ".andel_kvinnoledda_foretag|procent }}.")
        b.tag("{%p endif %}")
        b.tag("{%p if " + var + ".visa_externa_aktiviteter %}")
        b.p("Externa aktiviteter med de horisontella kriterierna som huvudämne: {{ " + var
            + ".externa_aktiviteter|tal }}.")
        b.tag("{%p endif %}")
        participant_table(b, var)
