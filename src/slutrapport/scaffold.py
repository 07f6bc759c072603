"""The data file for the next report: from the last one (``slutrapport new --from``) or empty.

:func:`from_previous` keeps what carries over from one report to the next and clears the rest,
leaving ``# TODO: …`` comments where something is to be filled in:

========================================  =================================================
kept                                      cleared
========================================  =================================================
project name, short name and period       figures: set to 0 (an indicator's target: empty)
  (with a comment to check them)          narrative (Markdown) texts: set to ``""``
municipalities and financiers (names)     the companies of the growth programme
activity groups' and areas' headings      workshops, strategy groups, consultants' areas
  and the names of their key figures      the summary points
programme steps: names and descriptions   the report date
cost categories, financiers' names        the note that financing is preliminary
indicators' names, units and sources
table headings, section headings
the horizontal criteria
========================================  =================================================

Comments of the old file stay where they were, except its header, which is replaced. Zeros are
consistent with each other (costs of 0 sum to an outcome of 0), so ``slutrapport check`` on the
new file finds nothing to complain about until the figures are filled in.

:func:`skeleton` is an empty report with every section present and commented. Both return YAML
text that :func:`slutrapport.load` accepts; :func:`write_new` writes it without overwriting.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from slutrapport.errors import InputError, Problem
from slutrapport.loader import from_data, load
from slutrapport.models import MARKDOWN, Slutrapport
from slutrapport.schema import _metadata, _validators

__all__ = ["PLACEHOLDER", "from_previous", "skeleton", "write_new"]

PLACEHOLDER = "…"
"""The text a required field holds until it is filled in (a field that may not be empty)."""

Path_ = tuple[str, ...]

# Lists whose items belong to one report only: emptied, with a comment that shows their shape.
_CLEARED_LISTS: dict[Path_, str] = {
    ("sammanfattning",): "TODO: fyll i de sammanfattande punkterna, en per rad: - …",
    ("program_for_tillvaxt", "workshops", "lista"):
        "TODO: fyll i workshopparna, en per rad: - {forelasare: …, organisation: …, amne: …}",
    ("program_for_tillvaxt", "strategigrupper", "grupper"):
        "TODO: fyll i grupperna, en per rad: - {namn: …, antal_foretag: …}",
    ("program_for_tillvaxt", "konsulter", "omraden"):
        "TODO: fyll i områdena som konsulterna upphandlades inom, ett per rad: - …",
    ("program_for_tillvaxt", "effekt", "foretag"):
        "TODO: fyll i företagen, ett per rad: "
        "- {namn: …, anstallda_fore: …, anstallda_efter: …}",
}
_COMPUTED = "valfritt: räknas ut om det lämnas tomt"
# Fields that are set to nothing (null), with what to fill in.
_EMPTIED: dict[Path_, str] = {
    ("projekt", "rapportdatum"): "TODO: fyll i när rapporten skrivs, t.ex. 2026-12",
    ("ekonomi", "preliminar"):
        "TODO: om finansieringen är preliminär: {per: …, text: …}; annars låt det vara tomt",
    ("resultat", "indikatorer", "malvarde"): "TODO: fyll i målvärdet",
    ("ekonomi", "under_budget"): _COMPUTED,
    ("ekonomi", "summa_kostnader"): _COMPUTED,
    ("ekonomi", "summa_finansiering"): _COMPUTED,
    ("program_for_tillvaxt", "effekt", "summa", "fore"): _COMPUTED,
    ("program_for_tillvaxt", "effekt", "summa", "efter"): _COMPUTED,
    ("program_for_tillvaxt", "effekt", "summa", "okning"): _COMPUTED,
    ("program_for_tillvaxt", "effekt", "okning_procent"): _COMPUTED,
}
# Fields that carry over but should be looked at.
_TO_CHECK: dict[Path_, str] = {
    ("projekt", "namn"): "TODO: kontrollera namnet på det nya projektet",
    ("projekt", "kortnamn"): "TODO: kontrollera kortnamnet",
    ("projekt", "period"): "TODO: fyll i den nya projektperioden",
    ("projekt", "projektagare"): "TODO: kontrollera",
    ("projekt", "utvarderare"): "TODO: kontrollera",
    ("projekt", "webbplats"): "TODO: kontrollera",
    ("program_for_tillvaxt", "period"): "TODO: fyll i programmets period",
}
# Narrative that carries over: the steps of the programme are described the same way next time.
_KEPT_TEXT: set[Path_] = {("program_for_tillvaxt", "steg", "beskrivning")}

_FILL_IN = "TODO: fyll i"
_TODO_SPACING = re.compile(r"(?<=\S) +# (?=TODO:|valfritt:)")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long heading onto two lines
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


def from_previous(previous: str | Path) -> str:
    """The YAML of the next report, made from the last one's data file (see the module doc).

    The old file must load (:func:`slutrapport.load`); its findings do not matter, since its
    figures are cleared.
    """
    load(previous)  # refuses, with file and line, what the model would not accept
    yaml = _yaml()
    doc = yaml.load(Path(previous).read_text(encoding="utf-8-sig"))
    _clear(doc, Slutrapport, ())
    doc.ca.comment = None
    doc.yaml_set_start_comment(_header(Path(previous).name))
    return _finish(yaml, doc, str(previous))


_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:")


def _space_sections(text: str) -> str:
    """One blank line before each top-level section (and the comments just above it)."""
    out: list[str] = []
    for line in text.splitlines():
        if _TOP_KEY.match(line) and not any(_TOP_KEY.match(seen) for seen in out):
            if out and out[-1].startswith("#"):
                out.append("")  # after the header
        elif _TOP_KEY.match(line):
            block: list[str] = []
            while out and out[-1].startswith("#"):
                block.insert(0, out.pop())
            while out and not out[-1].strip():
                out.pop()
            out.extend(["", *block])
        out.append(line)
    return "\n".join(out) + "\n"


def _header(previous: str) -> str:
    return (
        f"Data för nästa slutrapport, skapad med 'slutrapport new --from {previous}'.\n"
        "Rubriker, namn, kommuner, finansiärer, kostnadsslag och programmets steg kommer från\n"
        "den förra rapporten. Siffrorna är nollställda, texterna tomma och företagen borttagna.\n"
        "Fyll i allt som är märkt TODO och kontrollera sedan med 'slutrapport check FIL'.\n"
        "Löptext är Markdown; ett tal i texten kan knytas till datat: [2 949](tal:sökväg)."
    )


def _finish(yaml: YAML, doc: Any, source: str) -> str:
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    text = _space_sections(_TODO_SPACING.sub("  # ", buffer.getvalue()))
    _validate(text, source)
    return text


def _validate(text: str, source: str) -> None:
    """Make sure the new file loads; a failure here is a bug, reported as unusable input."""
    try:
        from_data(YAML(typ="safe").load(text))
    except InputError as exc:
        raise InputError([Problem(
            f"den nya filen blev ogiltig ({p.path}: {p.message}); rapportera detta som ett fel",
            file=source) for p in exc.problems]) from exc


def _kind(field: FieldInfo) -> str:
    """'figure', 'figures' (a mapping of figures), 'text' (Markdown), 'model', 'models' or ''."""
    metadata = _metadata(field)
    names = _validators(metadata)
    base = _strip_optional(field.annotation)
    if typing.get_origin(base) is dict:
        return "figures"
    if names & {"_whole", "_swedish_number"}:
        return "figure"
    if MARKDOWN in metadata:
        return "text"
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "model"
    if typing.get_origin(base) is list:
        element = typing.get_args(base)[0]
        if isinstance(element, type) and issubclass(element, BaseModel):
            return "models"
    return ""


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _element(field: FieldInfo) -> type[BaseModel]:
    base = _strip_optional(field.annotation)
    if typing.get_origin(base) is list:
        base = typing.get_args(base)[0]
    assert isinstance(base, type) and issubclass(base, BaseModel)
    return base


def _clear(node: CommentedMap, model: type[BaseModel], path: Path_) -> None:
    for key in list(node):
        field = model.model_fields.get(str(key))
        if field is None:  # impossible after load(); keep whatever it is
            continue
        here = (*path, str(key))
        value = node[key]
        kind = _kind(field)
        if here in _CLEARED_LISTS:
            node[key] = CommentedSeq()
            _comment(node, key, _CLEARED_LISTS[here])
        elif here in _EMPTIED:
            node[key] = None
            _comment(node, key, _EMPTIED[here])
        elif value is None:
            continue
        elif kind == "figure":
            node[key] = 0
            _comment(node, key, _FILL_IN)
        elif kind == "figures" and isinstance(value, CommentedMap):
            for name in list(value):
                value[name] = 0
                _comment(value, name, _FILL_IN)
        elif kind == "text" and isinstance(value, str) and here not in _KEPT_TEXT:
            node[key] = DoubleQuotedScalarString("")
            _comment(node, key, _FILL_IN)
        elif kind == "model" and isinstance(value, CommentedMap):
            _clear(value, _element(field), here)
        elif kind == "models" and isinstance(value, CommentedSeq):
            for item in value:
                if isinstance(item, CommentedMap):
                    _clear(item, _element(field), here)
        if here in _TO_CHECK:
            _comment(node, key, _TO_CHECK[here])


def _comment(node: CommentedMap, key: Any, text: str) -> None:
    """Put text as the end-of-line comment of key (after ``key:`` if a block follows)."""
    node.yaml_add_eol_comment(text, key)


def skeleton(year: int | None = None) -> str:
    """An empty report with every section present and commented (period from ``year``)."""
    start = year if year is not None else _dt.date.today().year
    text = _SKELETON.replace("{fran}", str(start)).replace("{till}", str(start + 3))
    _validate(text, "skelettet")
    return text


def write_new(output: str | Path, previous: str | Path | None = None, *,
              force: bool = False) -> Path:
    """Write the next report's data file (see :func:`from_previous` and :func:`skeleton`).

    Refuses (:class:`~slutrapport.errors.InputError`) to overwrite an existing file unless
    ``force``; writes atomically.
    """
    from slutrapport.rendering import write_atomic

    target = Path(output)
    if target.exists() and not force:
        raise InputError([Problem(
            "filen finns redan; välj ett annat namn eller skriv över den med --force",
            file=str(target))])
    if target.is_dir():
        raise InputError([Problem("är en mapp; ange filen som ska skrivas", file=str(target))])
    if target.parent != Path() and not target.parent.is_dir():
        raise InputError([Problem(f"mappen {target.parent} finns inte", file=str(target))])
    text = from_previous(previous) if previous is not None else skeleton()
    return write_atomic(target, text.encode("utf-8"))


_SKELETON = """\
# Data för en slutrapport, skapad med 'slutrapport new'. Varje avsnitt finns med; fyll i det som
# är märkt TODO, ta bort avsnitt som rapporten inte ska ha (de som får saknas står som valfria)
# och kontrollera sedan med 'slutrapport check FIL'.
#
# Tips: text med kolon, '#' eller som börjar med ett citattecken skrivs inom citattecken.
# Längre text skrivs efter '|-' på raderna under, indragen. Löptext är Markdown (stycken skiljs
# av en tom rad, '- ' gör punktlistor, *kursiv*, **fet**). Ett tal i texten kan knytas till
# datat så att det kontrolleras: [2 949](tal:horisontella_kriterier.deltagare.totalt).
# Belopp skrivs i hela kronor, antal anställda i hela eller halva tjänster (2,5), andelar i
# procent (49,7). '…' betyder att något ska fyllas i.

# Titelsidans fakta.
projekt:
  namn: …  # TODO: fyll i projektets namn, t.ex. Näringsliv i samverkan
  kortnamn: …  # TODO: fyll i kortnamnet, t.ex. NIS 6.0
  rapporttyp: Slutrapport
  period:  # TODO: fyll i projektperioden (år, år-månad eller datum)
    fran: "{fran}"
    till: "{till}"
  kommuner: []  # TODO: fyll i de medverkande kommunerna, en per rad: - …
  finansiarer: []  # TODO: fyll i finansiärerna, en per rad: - …
  projektagare:  # valfritt: projektägaren
  utvarderare:  # valfritt: den externa utvärderaren
  webbplats:  # valfritt: projektets webbplats
  rapportdatum:  # TODO: fyll i när rapporten skrivs, t.ex. 2026-12

# Rubriker för delar som inte har egna avsnitt.
rubriker:
  innehall: Innehåll
  kommuner: Projektets betydelse för den egna kommunen

# Sammanfattande punkter överst i rapporten (Markdown).
sammanfattning: []  # TODO: fyll i de sammanfattande punkterna, en per rad: - …

# Avsnitten med löptext. Ta bort ett avsnitt som rapporten inte ska ha.
inledning:
  rubrik: Inledning
  text: ""  # TODO: fyll i hur projektet inleddes
pandemin:  # valfritt: pandemin eller en annan händelse som påverkade projektet
  rubrik: …  # TODO: fyll i rubriken, t.ex. Coronapandemin
  text: ""  # TODO: fyll i

# Aktivitetsgrupper med sina aktivitetsområden.
aktiviteter:
  - rubrik: Aktiviteterna
    antal:  # valfritt: gruppens eget redovisade antal
    text: ""  # valfritt: text direkt under gruppens rubrik
    omraden:
      - rubrik: …  # TODO: fyll i aktivitetsområdets rubrik
        antal: 0  # TODO: fyll i antalet (besök, aktiviteter, träffar …)
        text: ""  # TODO: fyll i vad som gjordes
        nyckeltal: {}  # valfritt: andra tal som området redovisar, t.ex. {inventerade_aktorer: 66}

horisontella_kriterier:
  rubrik: Horisontella kriterier
  kriterier:
    - hållbar utveckling
    - lika möjligheter och icke-diskriminering
    - jämställdhet mellan män och kvinnor
  text: ""  # TODO: fyll i hur kriterierna har beaktats
  deltagare:  # deltagare i projektets aktiviteter; ange minst två av kvinnor, man och totalt
    kvinnor: 0  # TODO: fyll i
    man: 0  # TODO: fyll i
    totalt: 0  # TODO: fyll i
    andel_kvinnor: 0  # TODO: fyll i andelen i procent, eller ta bort raden (räknas då ut)
    andel_man: 0  # TODO: fyll i andelen i procent, eller ta bort raden (räknas då ut)
  andel_kvinnoledda_foretag:  # valfritt: andel av programföretagen som leds av kvinnor (%)
  externa_aktiviteter:  # valfritt: externa aktiviteter med kriterierna som huvudämne

# Tillväxtprogrammet för företag. Ta bort avsnittet om projektet inte hade något.
program_for_tillvaxt:
  rubrik: Program för tillväxt
  period:  # valfritt: när programmets aktiviteter pågick, {fran: …, till: …}
  foretag_start:  # valfritt: antal företag när programmet började
  foretag_slut:  # valfritt: antal företag när programmet slutade (jämförs med tabellen)
  text: ""  # TODO: fyll i
  workshops:
    ingress: ""  # valfritt: text före listan med workshoppar
    lista: []  # TODO: fyll i workshopparna, en per rad: - {forelasare: …, organisation: …, amne: …}
    # Varje workshop kan också ha 'text:', raden som den ska stå i rapporten.
  steg_ingress: ""  # valfritt: text före listan med steg
  steg:
    - namn: …  # TODO: fyll i stegets namn
      beskrivning: ""  # TODO: fyll i vad steget innebar
  strategigrupper:  # valfritt
    ingress: ""  # valfritt: text före avsnittet
    rubrik: Strategigrupper
    text: ""  # TODO: fyll i
    grupper: []  # TODO: fyll i grupperna, en per rad: - {namn: …, antal_foretag: …}
  konsulter:  # valfritt
    rubrik: Konsulter
    text: ""  # TODO: fyll i
    omraden: []  # TODO: fyll i områdena som konsulterna upphandlades inom, ett per rad: - …
    text_efter: ""  # valfritt: text efter listan
  delar:  # valfritt: ytterligare delavsnitt
    - rubrik: …  # TODO: fyll i rubriken, t.ex. Projektmedarbetarnas roll
      text: ""  # TODO: fyll i
  effekt:
    rubrik: Effekt
    text: ""  # TODO: fyll i
    tabell:  # företagstabellens kolumnrubriker
      namn: Företagsnamn
      fore: Före  # TODO: t.ex. året för första mätningen
      efter: Efter  # TODO: t.ex. månaden för sista mätningen
      okning: Ökning
      summa: Summa antal anställda
    foretag: []  # TODO: fyll i företagen, ett per rad: - {namn: …, anstallda_fore: …,
    #              anstallda_efter: …}
    # Varje företag kan också ha 'okning:' (annars räknas den ut) och 'kommun:'.
    summa:  # valfritt: summorna som rapporten anger (räknas ut om de saknas)
      fore:
      efter:
      okning:
    okning_procent:  # valfritt: ökningen i procent (räknas ut om den saknas)

resultat:
  rubrik: Resultatet
  text: ""  # TODO: fyll i
  indikatorer:
    - namn: …  # TODO: fyll i indikatorns namn, t.ex. Nådda företag
      utfall: 0  # TODO: fyll i
      malvarde:  # TODO: fyll i målvärdet
      enhet:  # valfritt: t.ex. företag, heltidstjänster eller %
      kalla:  # valfritt: samma tal i datat, t.ex. horisontella_kriterier.deltagare.andel_kvinnor
      text: ""  # TODO: fyll i meningen som redovisar indikatorn
  text_efter: ""  # valfritt: text efter indikatorerna

spridning:
  rubrik: Spridning av resultatet
  text: ""  # TODO: fyll i
utvardering:
  rubrik: Utvärdering
  text: ""  # TODO: fyll i
slutsatser:
  rubrik: Slutsatser
  text: ""  # TODO: fyll i
efter_projektet:
  rubrik: Efter projektets slut
  text: ""  # TODO: fyll i

# Varje kommuns berättelse om projektets betydelse, en per kommun.
kommuner:
  - namn: …  # TODO: fyll i kommunens namn
    rubrik:  # valfritt: annars kommunens namn i versaler
    text: ""  # TODO: fyll i

ekonomi:
  rubrik: Ekonomi
  budget: 0  # TODO: fyll i den totala budgeten i kronor
  utfall: 0  # TODO: fyll i det totala utfallet i kronor
  under_budget:  # valfritt: beloppet under budget (räknas ut om det saknas)
  text: ""  # valfritt: text efter budget och utfall
  kostnader_ingress: Kostnaderna fördelades enligt följande
  kostnader:
    - kategori: Personal
      belopp: 0  # TODO: fyll i
    - kategori: Schablonkostnader
      belopp: 0  # TODO: fyll i
      fotnot:  # valfritt: fotnot till posten
    - kategori: Externa tjänster
      belopp: 0  # TODO: fyll i
    - kategori: Resor och logi
      belopp: 0  # TODO: fyll i
    - kategori: Material och lokaler
      belopp: 0  # TODO: fyll i
  summa_kostnader:  # valfritt: summan som rapporten anger (räknas ut om den saknas)
  finansiering_ingress: Projektet finansierades enligt följande
  finansiering:
    - finansiar: Tillväxtverket
      belopp: 0  # TODO: fyll i
    - finansiar: …  # TODO: fyll i finansiären, t.ex. regionen
      belopp: 0  # TODO: fyll i
  summa_finansiering:  # valfritt: summan som rapporten anger (räknas ut om den saknas)
  preliminar:  # TODO: om finansieringen är preliminär: {per: …, text: …}; annars låt det vara tomt
"""
