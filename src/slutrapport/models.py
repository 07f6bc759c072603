"""The data of a final report ("slutrapport"), as typed pydantic models.

The vocabulary is the report's own Swedish (ASCII-folded snake_case): a YAML file's keys are these
field names. The models hold what the report *states*; where a report states a total or a share
that can also be computed, the model keeps the stated figure (often optional) and
:mod:`slutrapport.checks` compares the two. Nothing here computes on behalf of a template except a
few derived figures that have exactly one meaning (``Deltagare.man_beraknat`` and friends).

Conventions:

- Amounts are whole kronor (``int``); never float.
- Head counts are :class:`~decimal.Decimal` in steps of one half (``159.5``).
- Percentages are :class:`~decimal.Decimal` between 0 and 100 (``49.7`` means 49,7 %).
- Dates may be partial ISO strings: ``"2019"``, ``"2022-10"`` or ``"2022-10-31"``.
- Narrative text is Markdown (see :mod:`slutrapport.narrative` for the subset). A figure written in
  narrative may be tied to the data as a link,
  ``[2 949](tal:horisontella_kriterier.deltagare.totalt)``,
  renders as the text ``2 949`` and is checked against the figure it names.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

__all__ = [
    "FORBIDDEN_CHARACTERS",
    "MARKDOWN",
    "Aktivitetsgrupp",
    "Aktivitetsomrade",
    "Avsnitt",
    "Deltagare",
    "Effekt",
    "Ekonomi",
    "Finansiering",
    "Foretag",
    "HorisontellaKriterier",
    "Indikator",
    "Kommun",
    "Konsulter",
    "Kostnadspost",
    "Period",
    "Preliminar",
    "ProgramForTillvaxt",
    "Programsteg",
    "Projekt",
    "Resultat",
    "Rubriker",
    "Slutrapport",
    "Strategigrupp",
    "Strategigrupper",
    "Summa",
    "Tabellrubriker",
    "Workshop",
    "Workshops",
    "clean_text",
    "markdown_fields",
]

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")


def _swedish_number(value: Any) -> Any:
    """Accept a Swedish-written number in a string ("159,5", "16 713 030", "−2") as well as numbers.

    Floats from YAML become Decimals through their shortest repr, so ``159.5`` stays exact.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = _SPACES.sub("", value).replace("\u2212", "-").replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation:
            return value
    return value


def _whole(value: Any) -> Any:
    """Turn a Swedish-written whole number into an int, leaving anything else to pydantic."""
    if isinstance(value, bool):
        raise ValueError(f"ska vara ett heltal, inte {str(value).lower()}")
    value = _swedish_number(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _halves(value: Decimal) -> Decimal:
    if (value * 2) != (value * 2).to_integral_value():
        raise ValueError("antalet anställda anges i hela eller halva tjänster (t.ex. 2 eller 2,5)")
    return value


def _partial_date(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:04d}"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def _valid_partial_date(value: str) -> str:
    parts = value.split("-")
    try:
        _dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                 int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"ogiltigt datum: {value!r}") from exc
    return value


Kronor = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10**12)]
"""An amount in whole kronor, 0 or more."""
Belopp = Annotated[int, BeforeValidator(_whole), Field(ge=-(10**12), le=10**12)]
"""An amount in whole kronor that may be negative (a difference)."""
Antal = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=10**9)]
"""A count of things: visits, activities, participants, companies."""
Anstallda = Annotated[
    Decimal, BeforeValidator(_swedish_number), Field(ge=0, le=10**7), AfterValidator(_halves)
]
"""A head count in whole or half posts."""
Forandring = Annotated[
    Decimal, BeforeValidator(_swedish_number), Field(ge=-(10**7), le=10**7), AfterValidator(_halves)
]
"""A change in head count, in whole or half posts; may be negative."""
Procent = Annotated[Decimal, BeforeValidator(_swedish_number), Field(ge=0, le=100)]
"""A share in per cent, 0 to 100."""
Tal = Annotated[Decimal, BeforeValidator(_swedish_number), Field(ge=-(10**12), le=10**12)]
"""Any figure (an indicator's outcome or target)."""
Datum = Annotated[
    str,
    BeforeValidator(_partial_date),
    Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    AfterValidator(_valid_partial_date),
]
"""A date, as precise as it is known: ``2019``, ``2022-10`` or ``2022-10-31``."""


class _MarkdownMarker:
    """Marks a ``str`` field as narrative Markdown (see :mod:`slutrapport.narrative`)."""

    def __repr__(self) -> str:
        return "Markdown"


MARKDOWN = _MarkdownMarker()
Markdown = Annotated[str, MARKDOWN]
"""Narrative text in the documented Markdown subset."""


def _holds_markdown(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        args = typing.get_args(annotation)
        return MARKDOWN in args[1:] or _holds_markdown(args[0])
    if origin in (typing.Union, types.UnionType, list):
        return any(_holds_markdown(a) for a in typing.get_args(annotation))
    return False


@functools.cache
def markdown_fields(model: type[BaseModel]) -> frozenset[str]:
    """The names of a model's fields that hold narrative Markdown (alone, optional or in a list).

    It depends only on the class, so it is worked out once per class.
    """
    return frozenset(
        name for name, field in model.model_fields.items()
        if MARKDOWN in field.metadata or _holds_markdown(field.annotation))


FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 forbids: they would corrupt a .docx, so text holding them is refused."""


def forbidden_message(text: str) -> str | None:
    """The Swedish complaint about the first character of text that XML 1.0 forbids, if any."""
    found = FORBIDDEN_CHARACTERS.search(text)
    if not found:
        return None
    return (
        f"otillåtet tecken U+{ord(found.group()):04X} på position {found.start() + 1} "
        "(ett styrtecken som inte får finnas i ett Word-dokument); ta bort det, "
        "eller tvätta texten med slutrapport.clean_text"
    )


def _refuse_forbidden(value: Any) -> None:
    if isinstance(value, str):
        message = forbidden_message(value)
        if message:
            raise ValueError(message)
    elif isinstance(value, list):
        for item in value:
            _refuse_forbidden(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_forbidden(key)
            _refuse_forbidden(item)


def _unify_newlines(value: Any) -> Any:
    """Read ``\r\n`` and a lone ``\r`` as ``\n`` in every text."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if isinstance(value, list):
        return [_unify_newlines(v) for v in value]
    if isinstance(value, dict):
        return {k: _unify_newlines(v) for k, v in value.items()}
    return value


def clean_text(text: str) -> str:
    """Remove the characters XML 1.0 forbids (see ``FORBIDDEN_CHARACTERS``), keeping all others.

    >>> clean_text("Smide\x07 & Industrimontage")
    'Smide & Industrimontage'
    """
    return FORBIDDEN_CHARACTERS.sub("", text)


class Modell(BaseModel):
    """Base of every section: unknown keys are errors, so a misspelt key is never lost silently."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_forbidden_characters(cls, value: Any) -> Any:
        _refuse_forbidden(value)
        return _unify_newlines(value)


class Period(Modell):
    """A period from one date to another (``2019``–``2022``, ``2020-05``–``2022-09``)."""

    fran: Datum = Field(description="Periodens start, t.ex. 2019 eller 2020-05.")
    till: Datum = Field(description="Periodens slut, t.ex. 2022 eller 2022-09.")

    @model_validator(mode="after")
    def _in_order(self) -> Period:
        if self.till < self.fran:
            raise ValueError(f"perioden slutar ({self.till}) före den börjar ({self.fran})")
        return self


class Projekt(Modell):
    """Who, what and when: the facts on the title page."""

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


class Avsnitt(Modell):
    """A narrative section: a heading and its text."""

    rubrik: str = Field(min_length=1, description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Avsnittets text (Markdown).")


class Rubriker(Modell):
    """Headings of the parts of the report that are lists rather than sections of their own."""

    innehall: str = Field("Innehåll", description="Rubriken över innehållsförteckningen.")
    kommuner: str = Field(
        "Projektets betydelse för den egna kommunen",
        description="Rubriken över kommunernas egna avsnitt.",
    )


class Aktivitetsomrade(Modell):
    """One activity area: its title, the count it reports and what was done."""

    rubrik: str = Field(min_length=1, description="Aktivitetsområdets rubrik.")
    antal: Antal | None = Field(
        None, description="Redovisat antal (besök, aktiviteter, träffar …), om ett sådant finns."
    )
    text: Markdown = Field("", description="Vad som gjordes (Markdown).")
    nyckeltal: dict[str, Antal] = Field(
        default_factory=dict,
        description="Andra tal som området redovisar, t.ex. inventerade_aktorer: 66.",
    )


class Aktivitetsgrupp(Modell):
    """A group of activity areas under a heading of its own (``Aktiviteterna``)."""

    rubrik: str = Field(min_length=1, description="Gruppens rubrik.")
    antal: Antal | None = Field(None, description="Gruppens eget redovisade antal, om något.")
    text: Markdown = Field("", description="Text direkt under gruppens rubrik (Markdown).")
    omraden: list[Aktivitetsomrade] = Field(
        default_factory=list, description="Aktivitetsområdena i gruppen."
    )


class Deltagare(Modell):
    """Participants in the project's activities, by gender."""

    kvinnor: Antal = Field(description="Antal kvinnor.")
    man: Antal | None = Field(None, description="Antal män (räknas ut om det saknas).")
    totalt: Antal | None = Field(
        None, description="Antal deltagare totalt (räknas ut om det saknas).")
    andel_kvinnor: Procent | None = Field(None, description="Angiven andel kvinnor i procent.")
    andel_man: Procent | None = Field(None, description="Angiven andel män i procent.")

    @model_validator(mode="after")
    def _two_of_three(self) -> Deltagare:
        if self.man is None and self.totalt is None:
            raise ValueError("ange minst två av kvinnor, man och totalt")
        return self

    @property
    def man_beraknat(self) -> int:
        """Men: as stated, else all participants less the women."""
        if self.man is not None:
            return self.man
        assert self.totalt is not None
        return self.totalt - self.kvinnor

    @property
    def totalt_beraknat(self) -> int:
        """All participants: as stated, else women plus men."""
        if self.totalt is not None:
            return self.totalt
        assert self.man is not None
        return self.kvinnor + self.man


class HorisontellaKriterier(Modell):
    """The horizontal criteria and the figures that show how they were met."""

    rubrik: str = Field("Horisontella kriterier", description="Avsnittets rubrik.")
    kriterier: list[str] = Field(default_factory=list, description="De horisontella kriterierna.")
    text: Markdown = Field("", description="Avsnittets text (Markdown).")
    deltagare: Deltagare | None = Field(None, description="Deltagare fördelade på kön.")
    andel_kvinnoledda_foretag: Procent | None = Field(
        None, description="Andel av programföretagen som leds av kvinnor, i procent."
    )
    externa_aktiviteter: Antal | None = Field(
        None, description="Antal externa aktiviteter med de horisontella kriterierna som huvudämne."
    )


class Workshop(Modell):
    """One workshop of the growth programme."""

    forelasare: str = Field(min_length=1, description="Föreläsare (en eller flera).")
    organisation: str | None = Field(None, description="Föreläsarens organisation.")
    amne: str = Field(min_length=1, description="Ämne eller syfte.")
    text: Markdown | None = Field(
        None, description="Raden som den ska stå i rapporten; annars byggs den av fälten ovan."
    )


class Workshops(Modell):
    """The programme's workshops, with the text that leads into the list."""

    ingress: Markdown = Field("", description="Text före listan (Markdown).")
    lista: list[Workshop] = Field(default_factory=list, description="Workshopparna.")


class Programsteg(Modell):
    """A step of the growth programme."""

    namn: str = Field(min_length=1, description="Stegets namn.")
    beskrivning: Markdown = Field("", description="Vad steget innebar (Markdown).")


class Strategigrupp(Modell):
    """One strategy group and the number of companies in it."""

    namn: str | None = Field(None, description="Gruppens namn, om den har något.")
    antal_foretag: Antal = Field(description="Antal företag i gruppen.")


class Strategigrupper(Modell):
    """The programme's strategy groups (VD-grupper)."""

    ingress: Markdown = Field("", description="Text före avsnittet (Markdown).")
    rubrik: str = Field("Strategigrupper", description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Avsnittets text (Markdown).")
    grupper: list[Strategigrupp] = Field(default_factory=list, description="Grupperna.")

    @property
    def platser(self) -> int:
        """Seats in all groups together."""
        return sum(g.antal_foretag for g in self.grupper)


class Konsulter(Modell):
    """The consultants procured for the programme and their areas."""

    rubrik: str = Field("Konsulter", description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före listan med områden (Markdown).")
    omraden: list[str] = Field(default_factory=list, description="Områden som upphandlades.")
    text_efter: Markdown = Field("", description="Text efter listan (Markdown).")


class Foretag(Modell):
    """A company in the growth programme and its head count before and after."""

    namn: str = Field(min_length=1, description="Företagets namn.")
    anstallda_fore: Anstallda = Field(description="Anställda vid första mätningen (t.ex. 2019).")
    anstallda_efter: Anstallda = Field(description="Anställda vid sista mätningen (t.ex. okt-22).")
    okning: Forandring | None = Field(
        None, description="Angiven ökning; räknas ut (efter − före) om den saknas."
    )
    kommun: str | None = Field(None, description="Kommunen där företaget finns.")

    @property
    def okning_beraknad(self) -> Decimal:
        """The increase as computed: after less before."""
        return self.anstallda_efter - self.anstallda_fore


class Summa(Modell):
    """Totals as the report states them (each optional: a missing one is computed)."""

    fore: Anstallda | None = Field(None, description="Angiven summa, första mätningen.")
    efter: Anstallda | None = Field(None, description="Angiven summa, sista mätningen.")
    okning: Forandring | None = Field(None, description="Angiven summa av ökningen.")


class Tabellrubriker(Modell):
    """The column headings of the company table."""

    namn: str = Field("Företagsnamn", description="Kolumnen med företagens namn.")
    fore: str = Field("Före", description="Kolumnen med första mätningen, t.ex. 2019.")
    efter: str = Field("Efter", description="Kolumnen med sista mätningen, t.ex. okt-22.")
    okning: str = Field("Ökning", description="Kolumnen med ökningen.")
    summa: str = Field("Summa", description="Summaradens rubrik.")


class Effekt(Modell):
    """The programme's effect: the company table and its totals."""

    rubrik: str = Field("Effekt", description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före tabellen (Markdown).")
    tabell: Tabellrubriker = Field(
        default_factory=Tabellrubriker, description="Tabellens rubriker.")
    foretag: list[Foretag] = Field(default_factory=list, description="Företagen i programmet.")
    summa: Summa = Field(
        default_factory=Summa, description="Angivna summor (räknas ut om de saknas).")
    okning_procent: Procent | None = Field(
        None, description="Angiven ökning i procent av första mätningen."
    )


class ProgramForTillvaxt(Modell):
    """The growth programme: workshops, steps, groups, consultants and the effect."""

    rubrik: str = Field("Program för tillväxt", description="Avsnittets rubrik.")
    period: Period | None = Field(None, description="När programmets aktiviteter pågick.")
    foretag_start: Antal | None = Field(None, description="Antal företag när programmet började.")
    foretag_slut: Antal | None = Field(None, description="Antal företag när programmet slutade.")
    text: Markdown = Field("", description="Inledande text (Markdown).")
    workshops: Workshops = Field(default_factory=Workshops, description="Workshopparna.")
    steg_ingress: Markdown = Field("", description="Text före listan med steg (Markdown).")
    steg: list[Programsteg] = Field(default_factory=list, description="Programmets steg.")
    strategigrupper: Strategigrupper | None = Field(None, description="Strategigrupperna.")
    konsulter: Konsulter | None = Field(None, description="De upphandlade konsulterna.")
    delar: list[Avsnitt] = Field(
        default_factory=list, description="Ytterligare delavsnitt, t.ex. projektmedarbetarnas roll."
    )
    effekt: Effekt = Field(default_factory=Effekt, description="Effekten på företagen.")


class Indikator(Modell):
    """A result indicator: the outcome against its target."""

    namn: str = Field(min_length=1, description="Indikatorns namn.")
    utfall: Tal = Field(description="Utfallet.")
    malvarde: Tal | None = Field(None, description="Målvärdet, om ett sådant finns.")
    enhet: str | None = Field(None, description="Enhet, t.ex. företag, heltidstjänster eller %.")
    kalla: str | None = Field(
        None,
        description="Sökväg till samma tal på annat ställe i datat; kontrolleras mot utfallet.",
    )
    text: Markdown = Field("", description="Meningen som redovisar indikatorn (Markdown).")


class Resultat(Modell):
    """The results: narrative and the indicators against their targets."""

    rubrik: str = Field("Resultatet", description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före indikatorerna (Markdown).")
    indikatorer: list[Indikator] = Field(default_factory=list, description="Indikatorerna.")
    text_efter: Markdown = Field("", description="Text efter indikatorerna (Markdown).")


class Kommun(Modell):
    """One municipality's own account of what the project meant to it."""

    namn: str = Field(min_length=1, description="Kommunens namn, t.ex. Robertsfors.")
    rubrik: str | None = Field(None, description="Rubrik; annars kommunens namn i versaler.")
    text: Markdown = Field("", description="Kommunens berättelse (Markdown).")


class Kostnadspost(Modell):
    """A cost category and its outcome."""

    kategori: str = Field(min_length=1, description="Kostnadsslaget.")
    belopp: Kronor = Field(description="Utfall i kronor.")
    fotnot: Markdown | None = Field(None, description="Fotnot till posten.")


class Finansiering(Modell):
    """A financier and the amount it contributed."""

    finansiar: str = Field(min_length=1, description="Finansiärens namn.")
    belopp: Kronor = Field(description="Belopp i kronor.")


class Preliminar(Modell):
    """A note that the financing figures are preliminary, and as of when."""

    per: Datum | None = Field(None, description="Per när siffrorna gäller, t.ex. 2022-12.")
    text: Markdown = Field("", description="Förklaringen som den ska stå i rapporten (Markdown).")


class Ekonomi(Modell):
    """The economy: budget, outcome, costs by category and financing."""

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


class Slutrapport(Modell):
    """A whole final report."""

    projekt: Projekt = Field(description="Projektets fakta.")
    rubriker: Rubriker = Field(default_factory=Rubriker, description="Rubriker för listdelar.")
    sammanfattning: list[Markdown] = Field(
        default_factory=list, description="Sammanfattande punkter överst i rapporten."
    )
    inledning: Avsnitt | None = Field(None, description="Hur projektet inleddes.")
    pandemin: Avsnitt | None = Field(None, description="Pandemins påverkan, eller annan händelse.")
    aktiviteter: list[Aktivitetsgrupp] = Field(
        default_factory=list, description="Aktivitetsgrupper med sina aktivitetsområden."
    )
    horisontella_kriterier: HorisontellaKriterier | None = Field(
        None, description="De horisontella kriterierna."
    )
    program_for_tillvaxt: ProgramForTillvaxt | None = Field(
        None, description="Tillväxtprogrammet för företag."
    )
    resultat: Resultat | None = Field(None, description="Resultatet mot målen.")
    spridning: Avsnitt | None = Field(None, description="Spridning av resultatet.")
    utvardering: Avsnitt | None = Field(None, description="Utvärderingen.")
    slutsatser: Avsnitt | None = Field(None, description="Slutsatserna.")
    efter_projektet: Avsnitt | None = Field(None, description="Vad som händer efter projektslut.")
    kommuner: list[Kommun] = Field(
        default_factory=list, description="Varje kommuns berättelse om projektets betydelse."
    )
    ekonomi: Ekonomi | None = Field(None, description="Ekonomin.")

    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)
    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The file the report was loaded from, if any."""
        return self._source

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """The YAML line of a field, or of its nearest ancestor that has one; None if not loaded."""
        while loc:
            if loc in self._lines:
                return self._lines[loc]
            loc = loc[:-1]
        return self._lines.get((), None)
