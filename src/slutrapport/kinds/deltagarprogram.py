"""A participant programme: efforts (courses, recruitment drives) that count people by gender.

Where a company programme (:mod:`slutrapport.kinds.foretagsprogram`) follows companies' head
counts, a participant programme counts the people who took part: per effort the sessions held,
the hours, and the participants, women and men. The table's sum row and the shares of women and
men are what the report states; the checks compare them with what the rows give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from slutrapport.chartfacts import (
    DARK,
    FULL_WIDTH_CM,
    LIGHT,
    MAX_CATEGORIES,
    SMALL_PT,
    Bars,
    Series,
    largest,
    others,
    rows_height,
    selection_note,
    short_name,
)
from slutrapport.fields import (
    COMPUTED,
    Antal,
    Carry,
    GenderCounts,
    Loc,
    Markdown,
    Modell,
    Period,
    Procent,
    Tal,
    two_of_three,
)
from slutrapport.formatting import (
    format_decimal,
    format_integer,
    format_list,
    format_percent,
    format_period,
)
from slutrapport.kinds import LinkId, Raw, Section
from slutrapport.kinds.foretagsprogram import period_within
from slutrapport.names import called, same_name
from slutrapport.numbers import column_places, round_like, share, share_places

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = ["DeltagarSumma", "Deltagarprogram", "Insats", "Timmar"]

Timmar = Annotated[Tal, Field(ge=0)]
"""A number of hours, 0 or more; may have decimals (1,5 timmar)."""


def _called(ins: Insats) -> str:
    """The activity as a message opens on it: its name, or what it is while unnamed."""
    return called(ins.namn, "Insatsen (ännu utan namn)", quoted=False)


def _n(value: int | Decimal) -> str:
    return format_decimal(value, max_decimals=2)


class Insats(GenderCounts, Modell):
    """One effort of the programme (a course, a round of training) and who took part."""

    namn: str = Field(min_length=1, description="Insatsens namn, t.ex. Digital marknadsföring.")
    kommun: str | None = Field(
        None, description="Kommunen där insatsen hölls, om den hölls i en enda kommun.")
    tillfallen: Antal | None = Field(None, description="Antal tillfällen (träffar, kursdagar).")
    timmar: Timmar | None = Field(
        None, description="Antal timmar insatsen omfattade (decimaler går bra, t.ex. 7,5).")
    kvinnor: Antal = Field(description="Antal kvinnor som deltog.")
    man: Antal | None = Field(None, description="Antal män som deltog (räknas ut om det saknas).")
    totalt: Antal | None = Field(
        None, description="Antal deltagare totalt (räknas ut om det saknas).")

    _two_of_three = model_validator(mode="after")(two_of_three)


class DeltagarSumma(Modell):
    """The sum row as the report states it (each optional: a missing one is computed)."""

    CARRY = Carry(emptied=dict.fromkeys(("tillfallen", "timmar", "kvinnor", "man", "totalt"),
                                        COMPUTED))

    tillfallen: Antal | None = Field(None, description="Angiven summa av tillfällena.")
    timmar: Timmar | None = Field(None, description="Angiven summa av timmarna.")
    kvinnor: Antal | None = Field(None, description="Angiven summa av kvinnorna.")
    man: Antal | None = Field(None, description="Angiven summa av männen.")
    totalt: Antal | None = Field(None, description="Angiven summa av alla deltagare.")


_COLUMNS = (("tillfallen", "Tillfällen"), ("timmar", "Timmar"), ("kvinnor", "Kvinnor"),
            ("man", "Män"), ("totalt", "Totalt"))
"""The summed columns: field name and heading."""


class Deltagarprogram(Section):
    """A programme that counts its participants: efforts with sessions, hours, women and men."""

    TYP = "deltagarprogram"
    BESKRIVNING = ("Ett program som räknar deltagare: insatser med tillfällen, timmar, kvinnor "
                   "och män, summarad och andelar.")
    DIAGRAM = ("deltagare",)
    TABELLER = ("insatser",)
    CARRY = Carry(
        rows={"insatser":
              "insatserna, en per rad: - {namn: …, tillfallen: …, timmar: …, kvinnor: …, man: …}"},
        emptied=dict.fromkeys(("andel_kvinnor", "andel_man"), COMPUTED))

    typ: Literal["deltagarprogram"] = Field(description="Avsnittets typ.")
    rubrik: str = Field("Deltagarprogram", min_length=1, description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före tabellen (Markdown).")
    period: Period | None = Field(None, description="När programmets insatser pågick.")
    insatser: list[Insats] = Field(
        default_factory=list, description="Programmets insatser, en rad var i tabellen.")
    summa: DeltagarSumma = Field(
        default_factory=DeltagarSumma,
        description="Tabellens summarad som rapporten anger den (räknas ut där den saknas).")
    andel_kvinnor: Procent | None = Field(
        None, description="Angiven andel kvinnor av alla deltagare, i procent.")
    andel_man: Procent | None = Field(
        None, description="Angiven andel män av alla deltagare, i procent.")
    text_efter: Markdown = Field("", description="Text efter tabellen och diagrammet (Markdown).")

    @property
    def andel_kvinnor_beraknat(self) -> Decimal:
        """The share of women, computed from the totals (for a figure link to a share left out)."""
        women, _, total = self.totals()
        places = share_places(self.andel_kvinnor, self.andel_man)
        return share(women, total, places) if total else Decimal(0)

    @property
    def andel_man_beraknat(self) -> Decimal:
        """The share of men, computed from the totals."""
        _, men, total = self.totals()
        places = share_places(self.andel_kvinnor, self.andel_man)
        return share(men, total, places) if total else Decimal(0)

    def column_sums(self) -> dict[str, int | Decimal | None]:
        """Each column's sum over the rows (None for sessions or hours no row states)."""
        tillfallen = [i.tillfallen for i in self.insatser if i.tillfallen is not None]
        timmar = [i.timmar for i in self.insatser if i.timmar is not None]
        return {
            "tillfallen": sum(tillfallen) if tillfallen else None,
            "timmar": sum(timmar, Decimal(0)) if timmar else None,
            "kvinnor": sum(i.kvinnor for i in self.insatser),
            "man": sum(i.man_beraknat for i in self.insatser),
            "totalt": sum(i.totalt_beraknat for i in self.insatser),
        }

    def totals(self) -> tuple[int, int, int]:
        """Women, men and all participants: the stated sums, else the computed ones."""
        sums = self.column_sums()
        out = []
        for name in ("kvinnor", "man", "totalt"):
            stated = getattr(self.summa, name)
            out.append(int(stated if stated is not None else sums[name] or 0))
        return out[0], out[1], out[2]

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        yield from self._rows()
        yield from self._sums()
        yield from self._shares()
        yield from period_within(self.period, report, ("period",), "Programmets")
        yield from self._chart_selection()
        named = report.projekt.kommuner
        for i, ins in enumerate(self.insatser):
            if named and ins.kommun is not None and not any(same_name(ins.kommun, n)
                                                            for n in named):
                yield ("deltagarprogram-kommun", "warning", ("insatser", i, "kommun"),
                       f"{_called(ins)} hölls i {ins.kommun}, som inte står bland projektets "
                       "kommuner (projekt.kommuner).", named, ins.kommun)

    def _rows(self) -> Iterator[Raw]:
        for i, ins in enumerate(self.insatser):
            loc: Loc = ("insatser", i, "totalt")
            if ins.man is not None and ins.totalt is not None:
                if ins.kvinnor + ins.man != ins.totalt:
                    yield ("deltagarprogram-rad", "error", loc,
                           f"{_called(ins)}: {format_integer(ins.kvinnor)} "
                           f"{'kvinna' if ins.kvinnor == 1 else 'kvinnor'} + "
                           f"{format_integer(ins.man)} {'man' if ins.man == 1 else 'män'} = "
                           f"{format_integer(ins.kvinnor + ins.man)}, men totalt anges "
                           f"{format_integer(ins.totalt)}.", ins.kvinnor + ins.man, ins.totalt)
            elif ins.totalt is not None and ins.totalt < ins.kvinnor:
                yield ("deltagarprogram-rad", "error", loc,
                       f"{_called(ins)}: totalt anges {format_integer(ins.totalt)}, färre än "
                       + ("1 kvinna." if ins.kvinnor == 1 else
                          f"de {format_integer(ins.kvinnor)} kvinnorna."),
                       ins.kvinnor, ins.totalt)

    def _sums(self) -> Iterator[Raw]:
        if not self.insatser:
            return
        sums = self.column_sums()
        for name, heading in _COLUMNS:
            stated = getattr(self.summa, name)
            computed = sums[name]
            if stated is None or computed is None or stated == computed:
                continue
            yield ("deltagarprogram-kolumnsumma", "error", ("summa", name),
                   f"Kolumnen {heading} summerar till {_n(computed)}, men summan anges till "
                   f"{_n(stated)}.", computed, stated)

    def _shares(self) -> Iterator[Raw]:
        women, men, total = self.totals()
        if not total:
            return
        for name, count, who in (("andel_kvinnor", women, "kvinnor"), ("andel_man", men, "män")):
            stated = getattr(self, name)
            if stated is None:
                continue
            computed = Decimal(count) / Decimal(total) * 100
            if round_like(computed, stated) != stated:
                yield ("deltagarprogram-andel", "error", (name,),
                       f"Andelen {who} anges till {format_percent(stated)}, men "
                       f"{format_integer(count)} av {format_integer(total)} är "
                       f"{format_percent(computed, decimals=share_places(stated))}.",
                       round_like(computed, stated), stated)

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        if not self.insatser:
            yield ("insatser",), "Inga insatser är ifyllda."
        for i, ins in enumerate(self.insatser):
            if ins.totalt_beraknat == 0:
                name = called(ins.namn, "(ännu utan namn)")
                yield ("insatser", i), f"Insatsen {name} har inga deltagare ifyllda."

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        for ins, row in zip(self.insatser, out["insatser"], strict=True):
            row["man"] = ins.man_beraknat
            row["totalt"] = ins.totalt_beraknat
        sums = self.column_sums()
        for name, _ in _COLUMNS:
            if out["summa"][name] is None:
                out["summa"][name] = sums[name]
        if out["andel_kvinnor"] is None:
            out["andel_kvinnor"] = self.andel_kvinnor_beraknat
        if out["andel_man"] is None:
            out["andel_man"] = self.andel_man_beraknat
        # no one to count: the shares are placeholders, shown as they are (0 %)
        out["andel_decimaler"] = column_places(self.andel_kvinnor, self.andel_man) \
            if self.totals()[2] else None
        out["med_kommun"] = any(ins.kommun for ins in self.insatser)

    def tables(self) -> dict[str, str]:
        if not self.insatser:
            return {}
        when = f", {format_period(self.period.fran, self.period.till)}" if self.period else ""
        return {"insatser": f"Deltagare per insats{when}"}

    def chart_facts(self) -> dict[str, Bars | None]:
        return {"deltagare": self._participants_bars()} if self.insatser else {}

    def _chart_selection(self) -> Iterator[Raw]:
        """The chart shows a selection of more efforts than a page can show."""
        rows = self.insatser
        count = len(rows)
        if count <= MAX_CATEGORIES or any(r.man_beraknat < 0 for r in rows) or \
                not any(r.kvinnor or r.man_beraknat for r in rows):
            return  # all of them, or no chart (_participants_bars)
        n = format_integer
        yield ("diagram-urval", "info", ("insatser",), selection_note(
            "deltagarna per insats", count, "insatser", MAX_CATEGORIES,
            f"de {n(MAX_CATEGORIES - 1)} med flest deltagare och de övriga "
            f"{n(count - MAX_CATEGORIES + 1)} sammanlagda i en stapel för kvinnor och en för män"),
            MAX_CATEGORIES, count)

    def _participants_bars(self) -> Bars | None:
        """Participants by gender per effort: two bars per effort; with more than
        :data:`~slutrapport.chartfacts.MAX_CATEGORIES` efforts, those with the most and one pair
        for the others."""
        rows = list(self.insatser)
        if not rows or any(r.man_beraknat < 0 for r in rows):
            return None
        women = tuple(r.kvinnor for r in rows)
        men = tuple(r.man_beraknat for r in rows)
        if not any(women) and not any(men):
            return None
        counted = Counter(r.namn for r in rows)
        labels = [f"{r.namn} ({r.kommun})" if counted[r.namn] > 1 and r.kommun else r.namn
                  for r in rows]
        title = "Deltagare per insats efter kön"
        scope = "deltagarna per insats efter kön"
        categories = [short_name(label) for label in labels]
        chosen = largest([w + m for w, m in zip(women, men, strict=True)])
        if chosen is not None:
            left_out = set(range(len(rows))) - set(chosen)
            rest_name = others(len(left_out), "insatser")
            labels = [labels[i] for i in chosen] + [rest_name]
            categories = [categories[i] for i in chosen] + [rest_name]
            women = (*(women[i] for i in chosen), sum(women[i] for i in left_out))
            men = (*(men[i] for i in chosen), sum(men[i] for i in left_out))
            title += (f" – de {format_integer(len(chosen))} med flest deltagare av "
                      f"{format_integer(len(rows))}, de övriga sammanlagda")
            scope = (f"deltagarna efter kön i de {format_integer(len(chosen))} av "
                     f"{format_integer(len(rows))} insatser som hade flest, i fallande ordning, "
                     "och i de övriga sammanlagda")
        n = len(labels)
        height, row_pt = rows_height(n, 2.8, 0.75)
        total_w, total_m = sum(women), sum(men)
        parts = [f"{label} {format_integer(w)} kvinnor och {format_integer(m)} män"
                 for label, w, m in zip(labels, women, men, strict=True)]
        alt = (f"Liggande stapeldiagram över {scope}: "
               f"{format_list(parts)}. Totalt {format_integer(total_w)} kvinnor och "
               f"{format_integer(total_m)} män.")
        return Bars(
            title=title, alt=alt, horizontal=True,
            categories=tuple(categories),
            series=(Series("Kvinnor", women, (LIGHT,) * n), Series("Män", men, (DARK,) * n)),
            value_title=(f"Antal deltagare (totalt {format_integer(total_w)} kvinnor och "
                         f"{format_integer(total_m)} män)"),
            width_cm=FULL_WIDTH_CM, height_cm=height,
            category_pt=max(5.0, min(SMALL_PT, row_pt * 0.5)),
            label_pt=max(5.0, min(SMALL_PT, row_pt * 0.45)))

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text")
        b.tag("{%p if " + var + ".insatser %}")
        # An empty Kommun column says nothing and takes room, so it is there only when a row
        # names a municipality: two fixed tables rather than a column loop, which would leave
        # Word's and LibreOffice's column widths at odds (see kinds/tabell.py).
        b.tag("{%p if " + var + ".med_kommun %}")
        _table(b, var, with_municipality=True)
        b.tag("{%p else %}")
        _table(b, var, with_municipality=False)
        b.tag("{%p endif %}")
        b.chart(var, "deltagare")
        b.tag("{%p endif %}")
        b.narrative(var + ".text_efter")


def _table(b: Builder, var: str, *, with_municipality: bool) -> None:
    b.caption(var + ".tabeller.insatser")
    numbers = [(heading, True) for _, heading in _COLUMNS]
    widths = [2.0, 1.7, 1.8, 1.6, 1.7]
    head = [("Insats", False), *([("Kommun", False)] if with_municipality else []), *numbers]
    first = [4.4, 2.8] if with_municipality else [7.2]
    t = b.table(head, [*first, *widths])
    b.loop_row(t, "{%tr for rad in " + var + ".insatser %}")
    cells = [("{{ rad.namn }}", False),
             *([("{{ rad.kommun }}", False)] if with_municipality else []),
             *[("{{ rad." + name + " }}", True) for name, _ in _COLUMNS]]
    b.row(t, cells)
    b.loop_row(t, "{%tr endfor %}")
    s = var + ".summa."
    b.row(t, [("Summa", False), *([("", False)] if with_municipality else []),
              *[("{{ " + s + name + " }}", True) for name, _ in _COLUMNS]], bold=True, shade=b.GREY)
    b.row(t, [("Andel", False), *([("", False)] if with_municipality else []), ("", True),
              ("", True), ("{{ " + var + ".andel_kvinnor|procent(" + var + ".andel_decimaler) }}",
                           True),
              ("{{ " + var + ".andel_man|procent(" + var + ".andel_decimaler) }}", True),
              ("{{ 100|procent }}", True)],
          bold=True, shade=b.GREY)
    # A table this small reads best on one page: every row but the last keeps with the next.
    for row in list(t.rows)[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                b.keep_with_next(paragraph)
    b.end_table()
