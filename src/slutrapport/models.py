"""A final report ("slutrapport") as typed pydantic models: the project and its sections.

A report is ``projekt`` (the facts on the title page), ``sammanfattning`` (the summary points) and
``avsnitt``, the sections in the author's order. Each section names its kind with ``typ``; the
kinds live in :mod:`slutrapport.kinds`, one module each, and are re-exported here. The models
hold what the report *states*; where a report states a total or a share that can also be computed,
the model keeps the stated figure (often optional) and the checks compare the two.

See :mod:`slutrapport.fields` for the value types (kronor, head counts, shares, dates, Markdown).
"""

from __future__ import annotations

import keyword
import warnings
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, PrivateAttr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from slutrapport.context import resolve_path
from slutrapport.errors import InputError
from slutrapport.fields import (
    FORBIDDEN_CHARACTERS,
    MARKDOWN,
    Carry,
    Datum,
    Deltagare,
    Loc,
    Markdown,
    Modell,
    Period,
    clean_text,
    forbidden_message,
    markdown_fields,
)
from slutrapport.kinds import KINDS, Section, kinds, on_change
from slutrapport.kinds.aktiviteter import Aktiviteter, Aktivitetsomrade
from slutrapport.kinds.ekonomi import Ekonomi, Finansiering, Kostnadspost, Preliminar
from slutrapport.kinds.foretagsprogram import (
    Effekt,
    Foretag,
    Foretagsprogram,
    Konsulter,
    Programsteg,
    Strategigrupp,
    Strategigrupper,
    Summa,
    Tabellrubriker,
    Workshop,
    Workshops,
)
from slutrapport.kinds.horisontella_kriterier import HorisontellaKriterier
from slutrapport.kinds.indikatorer import Indikator, Indikatorer
from slutrapport.kinds.kommuner import Kommun, Kommuner
from slutrapport.kinds.text import Delavsnitt, Text
from slutrapport.messages import problems_of
from slutrapport.paths import TEXT_START, line_at
from slutrapport.registers.block import Registerfiler

__all__ = [
    "FORBIDDEN_CHARACTERS",
    "KINDS",
    "MARKDOWN",
    "RESERVED_IDS",
    "Aktiviteter",
    "Aktivitetsomrade",
    "Avsnitt",
    "Delavsnitt",
    "Deltagare",
    "Effekt",
    "Ekonomi",
    "Finansiering",
    "Foretag",
    "Foretagsprogram",
    "HorisontellaKriterier",
    "Indikator",
    "Indikatorer",
    "Kommun",
    "Kommuner",
    "Konsulter",
    "Kostnadspost",
    "Logotyp",
    "Period",
    "Preliminar",
    "Programsteg",
    "Projekt",
    "Registerfiler",
    "Rubriker",
    "Section",
    "Slutrapport",
    "Strategigrupp",
    "Strategigrupper",
    "Summa",
    "Tabellrubriker",
    "Text",
    "Workshop",
    "Workshops",
    "clean_text",
    "forbidden_message",
    "markdown_fields",
]

kinds()  # every kind module is imported, so the union below holds them all


def _union() -> Any:
    """One section of any kind, chosen by its ``typ`` (a discriminated union over the kinds)."""
    if len(KINDS) == 1:
        return next(iter(KINDS.values()))
    return Annotated[Union[tuple(KINDS.values())], Field(discriminator="typ")]  # noqa: UP007


if TYPE_CHECKING:
    Avsnitt = Section
else:
    Avsnitt = _union()
"""One section of any kind, chosen by its ``typ`` (a discriminated union over the kinds)."""

RESERVED_IDS = frozenset(
    {"projekt", "rubriker", "sammanfattning", "avsnitt", "granska", "register", "diagram", "sida",
     "loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "true", "false", "none"}
    | {k.lower() for k in keyword.kwlist})
"""Names a section's id can't have: the report's own top-level names, and Jinja's and Python's."""


class Logotyp(Modell):
    """A logo on the title page: a picture file beside the data file, and whose it is."""

    CARRY = Carry(marked=frozenset({"fil", "text"}))

    fil: str = Field(min_length=1, description="Bildfilen (PNG eller JPEG) relativt datafilens "
                                               "mapp, t.ex. bilder/region.png.")
    text: str = Field(min_length=1, description="Vems logotypen är, t.ex. Region Västerbotten; "
                                                "bildens alternativtext för skärmläsare.")


class Projekt(Modell):
    """Who, what and when: the facts on the title page."""

    CARRY = Carry(
        emptied={"rapportdatum": "valfritt: när rapporten skrevs, t.ex. 2026-12",
                 "arendenummer": "valfritt: det nya projektets ärendenummer hos finansiären"},
        marked=frozenset({"namn", "kortnamn", "projektagare", "utvarderare", "webbplats",
                          "kommuner", "finansiarer", "eu_markering"}),
        renewed=frozenset({"period"}))

    namn: str = Field(min_length=1, description="Projektets namn, t.ex. Näringsliv i samverkan.")
    kortnamn: str = Field(min_length=1, description="Projektets kortnamn, t.ex. NIS 6.0.")
    rapporttyp: str = Field("Slutrapport", description="Rapportens typ, står på titelsidan.")
    period: Period = Field(description="Projektperioden.")
    kommuner: list[str] = Field(
        default_factory=list, description="De medverkande kommunerna, med namn."
    )
    finansiarer: list[str] = Field(
        default_factory=list, description="Finansiärerna, med namn (beloppen står under ekonomi)."
    )
    projektagare: str | None = Field(None, description="Projektägare, om den ska stå i rapporten.")
    utvarderare: str | None = Field(None, description="Extern utvärderare.")
    webbplats: str | None = Field(None, description="Projektets webbplats (adress).")
    rapportdatum: Datum | None = Field(None, description="När rapporten skrevs, t.ex. 2022-12.")
    arendenummer: str | None = Field(
        None, min_length=1, description="Ärendenumret (diarienumret) som finansiären arkiverar "
        "rapporten under, t.ex. \"20304567\" (inom citattecken, så att det läses som text); "
        "står på titelsidan och i dokumentets egenskaper.")
    logotyper: list[Logotyp] = Field(
        default_factory=list, description="Logotyperna på titelsidan, i en rad: projektägarens "
        "och partnernas, var och en en bildfil med text.")
    eu_markering: Literal["2021-2027", "2014-2020", "ingen"] | None = Field(
        None, description="EU-märket på titelsidan: 2021-2027 (EU-emblemet med "
        "'Medfinansieras av Europeiska unionen'), 2014-2020 (EU-flaggan med 'Europeiska "
        "unionen, Europeiska regionala utvecklingsfonden') eller ingen. 'slutrapport new' "
        "skriver dispositionens programperiod.")
    eu_markering_sidfot: bool = Field(
        False, description="Om EU-märkets text också ska stå i sidfoten på varje sida.")


class Rubriker(Modell):
    """Headings of the report's fixed parts."""

    innehall: str = Field("Innehåll", description="Rubriken över innehållsförteckningen.")
    tabellforteckning: str | None = Field(
        None, description="Rubriken över en förteckning över tabellerna (efter "
                          "innehållsförteckningen), t.ex. Tabeller; utan den ingen förteckning.")
    diagramforteckning: str | None = Field(
        None, description="Rubriken över en förteckning över diagrammen (efter "
                          "innehållsförteckningen), t.ex. Diagram; utan den ingen förteckning.")
    bildforteckning: str | None = Field(
        None, description="Rubriken över en förteckning över bilderna i löptexten (efter "
                          "innehållsförteckningen), t.ex. Bilder; utan den ingen förteckning.")


# The report's key 'register' is also the name of a method on pydantic's metaclass (ABCMeta's
# register), so pydantic warns that the field shadows it. Instances see the field, so the warning
# says nothing here: it is silenced for this one field only.
warnings.filterwarnings("ignore", message='Field name "register" in "Slutrapport" shadows',
                        category=UserWarning)


class Slutrapport(Modell):
    """A whole final report."""

    CARRY = Carry(hints={"sammanfattning": "de sammanfattande punkterna, en per rad: - …"})

    projekt: Projekt = Field(description="Projektets fakta.")
    rubriker: Rubriker = Field(default_factory=Rubriker, description="Rubriker för fasta delar.")
    sammanfattning: list[Markdown] = Field(
        default_factory=list, description="Sammanfattande punkter överst i rapporten."
    )
    avsnitt: list[Avsnitt] = Field(
        default_factory=list,
        description="Rapportens avsnitt i den ordning de ska stå; varje avsnitt anger sin typ.",
    )
    granska: dict[str, Any] = Field(
        default_factory=dict,
        description="Det som fördes över från förra rapporten och ska granskas: sökväg och det "
                    "gamla värdet. Kontrollen påminner tills värdet ändrats eller raden tagits "
                    "bort.",
    )
    register: Registerfiler | None = Field(
        None,
        description="Projektets register (aktivitetslogg, deltagare, företag, huvudbok, "
                    "finansiering) som rapportens tal räknas från; står sist i filen.",
    )

    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)
    _source: str | None = PrivateAttr(default=None)

    def __init__(self, /, **data: Any) -> None:
        # A report built in code is refused in Swedish, as a file is (the report is never
        # nested, so this custom __init__ costs nothing elsewhere).
        try:
            super().__init__(**data)
        except ValidationError as exc:
            error = InputError(problems_of(exc, type(self)))
            error.validation_error = exc  # the loader places it at file lines
            raise error from None

    @field_validator("avsnitt", mode="after")
    @classmethod
    def _name_sections(cls, sections: list[Section]) -> list[Section]:
        """Give every section an id (its kind, numbered by its place among the sections of its
        kind when the kind recurs); refuse clashes."""
        counts: dict[str, int] = {}
        for s in sections:
            counts[s.TYP] = counts.get(s.TYP, 0) + 1
        seen: dict[str, int] = {}
        numbered: dict[str, int] = {}
        for i, s in enumerate(sections):
            tag = str(getattr(s, "typ", s.TYP))
            numbered[tag] = numbered.get(tag, 0) + 1  # its place among its kind, ids given or not
            if s.id is None:
                if counts[s.TYP] > 1:
                    tag = f"{tag}_{numbered[tag]}"
                object.__setattr__(s, "id", tag)
                explicit = False
            else:
                explicit = True
            assert s.id is not None
            # the loader places these at the section (ctx: its index, whether its id was given)
            if s.id in RESERVED_IDS:
                raise PydanticCustomError(
                    "avsnitt_id", "id '{id}' är reserverat (ett namn som rapporten, mallarna "
                    "eller Python redan använder); välj ett annat id",
                    {"id": s.id, "index": i, "explicit": explicit})
            if s.id in seen:
                raise PydanticCustomError(
                    "avsnitt_id", "id '{id}' används redan av avsnitt[{other}]; ge avsnitten "
                    "olika id", {"id": s.id, "index": i, "explicit": explicit,
                                 "other": seen[s.id]})
            seen[s.id] = i
        return sections

    @property
    def source(self) -> str | None:
        """The file the report was loaded from, if any."""
        return self._source

    def section(self, name: str) -> Section | None:
        """The section with this id, if any."""
        return next((s for s in self.avsnitt if s.id == name), None)

    def sections(self, kind: type[Section]) -> list[Section]:
        """The sections of one kind, in the report's order."""
        return [s for s in self.avsnitt if isinstance(s, kind)]

    def logos(self) -> list[tuple[Loc, str, str]]:
        """The title page's logos: place, file and alt text."""
        return [(("projekt", "logotyper", i, "fil"), logo.fil, logo.text)
                for i, logo in enumerate(self.projekt.logotyper)]

    def display_loc(self, loc: Loc) -> Loc:
        """A place as the user names it: ``avsnitt[3].effekt`` becomes ``<id>.effekt``.

        This is also the form figure links (``tal:``) use.
        """
        if len(loc) >= 2 and loc[0] == "avsnitt" and isinstance(loc[1], int) \
                and 0 <= loc[1] < len(self.avsnitt):
            return (self.avsnitt[loc[1]].name, *loc[2:])
        return loc

    def line_of(self, loc: Loc) -> int | None:
        """The YAML line of a field, or of its nearest ancestor that has one; None if not loaded."""
        found = line_at(self._lines, loc)
        return found if found is not None else self._lines.get((), None)

    def line_in_text(self, loc: Loc, line: int) -> int | None:
        """The YAML line of a text's ``line`` (0-based) where the text is a literal block
        (``text: |``), whose lines are the file's; else the text's own line (:meth:`line_of`)."""
        start = self._lines.get((*loc, TEXT_START))
        return start + line if start is not None else self.line_of(loc)

    def resolve(self, path: str, owner: BaseModel | None = None,
                owner_loc: Loc | None = None) -> tuple[Any, bool]:
        """The value a figure link's path names (``ekonomi.kostnader[2].belopp``), and whether
        it names one: from ``owner`` (the model holding the text, at ``owner_loc``) first, a
        section by its id, or the report; a figure left out resolves to the one the report shows
        computed (see :func:`slutrapport.context.resolve_path`)."""
        return resolve_path(self, path, owner, owner_loc)


def _kinds_changed() -> None:
    """A kind was added or taken away: the sections' union follows (see kinds.on_change)."""
    global Avsnitt
    Avsnitt = _union()
    Slutrapport.model_fields["avsnitt"].annotation = list[Avsnitt]
    Slutrapport.model_rebuild(force=True)


on_change(_kinds_changed)
