"""Activities: a group of activity areas, each with its count, key figures and narrative.

A key figure (``nyckeltal``) is named by an ASCII-folded key (``foretagsframjande_aktorer``), so
that a figure link can name it; the report prints it with a name of its own. That name is the
one ``nyckeltal_namn`` gives, else one unfolded from the key with the words the section itself
writes (its headings and texts: ``Företagsfrämjande aktörer``). A key whose spelling can't be
known that way (a word with a or o that the texts never write, or write two ways) gets no made-up
name: the default template leaves the figure out and the check says how to name it — a folded
``Foretagsframjande aktorer`` is never printed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from slutrapport.fields import Antal, Carry, Loc, Markdown, Modell
from slutrapport.formatting import format_integer
from slutrapport.kinds import LinkId, Raw, Section
from slutrapport.names import ID_PATTERN, called, nearest, unfilled
from slutrapport.narrative import plain_text
from slutrapport.paths import linked, narratives

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = ["Aktiviteter", "Aktivitetsomrade", "unfolded"]

Namn = Annotated[str, Field(min_length=1)]


class Aktivitetsomrade(Modell):
    """One activity area: its title, the count it reports and what was done."""

    CARRY = Carry(names_of={"nyckeltal_namn": "nyckeltal"})

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
    nyckeltal_namn: dict[str, Namn] = Field(
        default_factory=dict,
        description="Namnet som rapporten skriver för ett nyckeltal, med å, ä och ö, t.ex. "
                    "foretagsframjande_aktorer: Företagsfrämjande aktörer. Utan det görs namnet "
                    "av nyckeln med orden som avsnittets rubriker och texter skriver (i mallen "
                    "står också de namnen här).",
    )


_WORD = re.compile(r"\w+")
_FOLDS_TO = frozenset("ao")
"""The letters å, ä and ö become when a name is folded to ASCII."""


def _fold(word: str) -> str:
    """A word as a key writes it: lower case, its accents dropped (as ids are made)."""
    return unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode("ascii")


def unfolded(key: str, words: Mapping[str, frozenset[str]]) -> str | None:
    """The name a key figure's key stands for, each word spelt as ``words`` (a folded word → the
    ways the report writes it) spells it; None when a word's spelling can't be known: it has an
    a or an o (å, ä or ö folded?) and the report writes it nowhere, or two ways.

    >>> words = {"foretagsframjande": frozenset({"företagsfrämjande"}),
    ...          "aktorer": frozenset({"aktörer"}), "man": frozenset({"man", "män"})}
    >>> unfolded("foretagsframjande_aktorer", words), unfolded("nya_webbkunder_2", words)
    ('Företagsfrämjande aktörer', None)
    >>> unfolded("webbkunder_2", words), unfolded("nya_företag", {"nya": frozenset({"nya"})})
    ('Webbkunder 2', 'Nya företag')
    >>> unfolded("nya_ideer", {"nya": frozenset({"nya"}), "ideer": frozenset({"idéer"})})
    'Nya idéer'
    >>> unfolded("antal_man", words), unfolded("nya_paket", words)
    (None, None)
    """
    out: list[str] = []
    for part in (p for p in key.split("_") if p):
        spelt = words.get(_fold(part), frozenset())
        if not part.isascii():
            out.append(part)  # the user's own letters
        elif len(spelt) == 1:
            out.append(next(iter(spelt)))
        elif not spelt and not _FOLDS_TO & set(part.lower()):
            out.append(part)
        else:
            return None
    if not out:
        return None
    text = " ".join(out)
    return text[0].upper() + text[1:]


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

    def _words(self) -> dict[str, frozenset[str]]:
        """Every word the section writes (its headings, texts and key figures' names), by its
        folded form: the ways the section spells it, in lower case."""
        texts = [self.rubrik, *(a.rubrik for a in self.omraden),
                 *(n for a in self.omraden for n in a.nyckeltal_namn.values())]
        texts += [plain_text(text) for _, _, text, _ in narratives(self)]
        found: dict[str, set[str]] = {}
        for text in texts:
            for word in _WORD.findall(text):
                found.setdefault(_fold(word), set()).add(word.lower())
        return {folded: frozenset(spelt) for folded, spelt in found.items()}

    def key_figure_names(self) -> list[dict[str, str | None]]:
        """Each area's key figures by key → the name the report prints for it: the one
        ``nyckeltal_namn`` gives, else :func:`unfolded`'s; None where neither knows it."""
        words: dict[str, frozenset[str]] | None = None
        out: list[dict[str, str | None]] = []
        for area in self.omraden:
            names: dict[str, str | None] = {}
            for key in area.nyckeltal:
                given = area.nyckeltal_namn.get(key)
                if given is not None and not unfilled(given):
                    names[key] = given.strip()
                    continue
                words = self._words() if words is None else words
                names[key] = unfolded(key, words)
            out.append(names)
        return out

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        in_text = linked(self)
        for a, (area, names) in enumerate(zip(self.omraden, self.key_figure_names(),
                                              strict=True)):
            for key in area.nyckeltal_namn:
                if key not in area.nyckeltal:
                    close = nearest(key, list(area.nyckeltal))
                    hint = f" Menade du {close}?" if close else ""
                    yield ("nyckeltal-namn-okant", "warning", ("omraden", a, "nyckeltal_namn", key),
                           f"Namnet gäller nyckeltalet {key}, men området har inget nyckeltal "
                           f"med den nyckeln (under nyckeltal).{hint}", list(area.nyckeltal), key)
            for key, value in area.nyckeltal.items():
                if names[key] is None and ("omraden", a, "nyckeltal", key) not in in_text:
                    figure = format_integer(value)
                    yield ("nyckeltal-namn-saknas", "warning", ("omraden", a, "nyckeltal", key),
                           f"Standardmallen skriver inte ut nyckeltalet {key} ({figure}): hur "
                           "dess namn stavas (å, ä, ö?) går inte att veta av nyckeln eller av "
                           "avsnittets rubriker och texter. Ge det ett namn i området, "
                           f"t.ex. nyckeltal_namn: {{{key}: …}}, eller skriv talet i texten: "
                           f"[{figure}](tal:nyckeltal.{key}).", None, key)

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        for a, area in enumerate(self.omraden):
            if area.antal == 0:
                where = called(area.rubrik, "området (ännu utan rubrik)")
                yield ("omraden", a, "antal"), f"Antalet i {where} är 0 — inte ifyllt?"

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        # What the text already shows as a figure link is not printed again (visa_… false), nor
        # is a key figure whose name can't be spelt (the check says so: nyckeltal-namn-saknas).
        in_text = linked(self)
        out["visa_antal"] = self.antal is not None and ("antal",) not in in_text
        names = self.key_figure_names()
        for a, (area, aout) in enumerate(zip(self.omraden, out["omraden"], strict=True)):
            aout["visa_antal"] = area.antal is not None and ("omraden", a, "antal") not in in_text
            aout["nyckeltal_namn"] = {key: name for key, name in names[a].items()
                                      if name is not None}
            aout["visa_nyckeltal"] = [key for key in area.nyckeltal
                                      if ("omraden", a, "nyckeltal", key) not in in_text
                                      and names[a][key] is not None]

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
        b.p("{{ omrade.nyckeltal_namn[namn] }}: {{ omrade.nyckeltal[namn]|tal }}.")
        b.tag("{%p endfor %}")
        b.tag("{%p endfor %}")
