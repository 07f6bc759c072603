"""Write docs/mallvariabler.md: every template variable and filter, generated from the code.

The section kinds come from the registry (:func:`slutrapport.kinds.kinds`): each kind's fields from
its model, the names its template context adds from the reference shape that ``template check``
uses (:func:`slutrapport.templatecheck.reference`), and its charts from ``DIAGRAM``. A kind added
as a new module is documented with no change here; what its computed names mean is written in
``COMPUTED`` below (a name not there is listed as "Räknas fram för mallen.").

Run ``python docs/gen_mallvariabler.py``; a test fails when the file is out of date.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from slutrapport.kinds import Section, kinds
from slutrapport.models import MARKDOWN, Slutrapport
from slutrapport.rendering import FILTERS
from slutrapport.templatecheck import Shape, reference

OUT = Path(__file__).with_name("mallvariabler.md")

_SHARE_PLACES = ("Decimalerna andelarna i tabellen visas med, alla lika: den noggrannaste "
                 "andelens (`|procent(…andel_decimaler)`).")
COMPUTED = {
    "ekonomi.under_budget": "Angivet belopp, annars budget − utfall (negativt: över budget).",
    "ekonomi.budgetavvikelse": "Beloppet under eller över budget, utan tecken.",
    "ekonomi.budget_riktning": "`under` eller `över`.",
    "ekonomi.summa_kostnader": "Angiven summa, annars utfallet (aldrig en uträknad summa).",
    "ekonomi.summa_finansiering": "Angiven summa, annars utfallet (aldrig en uträknad summa).",
    "ekonomi.summarad_kostnader":
        "Summaraden under kostnadstabellen: utfallet där raderna summerar till det (och till "
        "en angiven summa), annars tom (`none`: ingen summarad som kunde visa ett annat tal).",
    "ekonomi.summarad_finansiering":
        "Summaraden under finansieringstabellen: utfallet där raderna summerar till det, "
        "annars tom (`none`).",
    "ekonomi.finansiering[].andel":
        "Finansiärens andel av finansieringsradernas summa i procent, med en decimal (`50.0`; "
        "skrivs `{{ rad.andel|procent(1) }}`: `50,0 %`), eller `none` när summan är 0.",
    "ekonomi.finansiering_andel": "Summaradens andel: `100 %` (eller `–` när summan är 0).",
    "ekonomi.kostnader[].markering": "Fotnotsmarkering (`*`, `**` …) eller tom.",
    "ekonomi.fotnoter[]": "Kostnadsposternas fotnoter, i ordning.",
    "ekonomi.fotnoter[].markering": "Fotnotens markering.",
    "ekonomi.fotnoter[].text": "Fotnoten med markeringen först (löptext).",
    "foretagsprogram.antal_foretag": "Antal rader i företagstabellen.",
    "foretagsprogram.workshops.lista[].rad":
        "Workshopens rad: `text` om den finns, annars byggd av föreläsare, organisation och ämne "
        "(löptext).",
    "foretagsprogram.steg[].punkt":
        "Stegets punkt: namnet kursivt, tankstreck och beskrivningens första stycke (löptext).",
    "foretagsprogram.steg[].fortsattning": "Beskrivningens övriga stycken (löptext).",
    "foretagsprogram.strategigrupper.platser": "Platser i alla grupper tillsammans.",
    "foretagsprogram.effekt.foretag[].okning": "Angiven ökning, annars efter − före.",
    "foretagsprogram.effekt.summa.fore": "Angiven summa, annars kolumnens summa.",
    "foretagsprogram.effekt.summa.efter": "Angiven summa, annars kolumnens summa.",
    "foretagsprogram.effekt.summa.okning": "Angiven summa, annars efter − före.",
    "foretagsprogram.effekt.okning_procent":
        "Angiven procent, annars ökningen i procent av första mätningen (en decimal).",
    "horisontella_kriterier.deltagare.man": "Antal män; uträknat (totalt − kvinnor) om det saknas.",
    "horisontella_kriterier.deltagare.totalt": "Alla deltagare; uträknat om det saknas.",
    "horisontella_kriterier.deltagare.andel_kvinnor":
        "Andel kvinnor i procent; uträknad om den saknas (en decimal, eller så många som den "
        "angivna andelen män har).",
    "horisontella_kriterier.deltagare.andel_man": "Andel män i procent; uträknad om den saknas.",
    "horisontella_kriterier.deltagare.andel_decimaler":
        _SHARE_PLACES,
    "horisontella_principer.deltagare.man": "Antal män; uträknat (totalt − kvinnor) om det saknas.",
    "horisontella_principer.deltagare.totalt": "Alla deltagare; uträknat om det saknas.",
    "horisontella_principer.deltagare.andel_kvinnor":
        "Andel kvinnor i procent; uträknad om den saknas (en decimal, eller så många som den "
        "angivna andelen män har).",
    "horisontella_principer.deltagare.andel_man": "Andel män i procent; uträknad om den saknas.",
    "horisontella_principer.deltagare.andel_decimaler":
        _SHARE_PLACES,
    "deltagarprogram.insatser[].man": "Angivet antal män, annars totalt − kvinnor.",
    "deltagarprogram.insatser[].totalt": "Angivet antal deltagare, annars kvinnor + män.",
    "deltagarprogram.summa.tillfallen": "Angiven summa, annars kolumnens summa.",
    "deltagarprogram.summa.timmar": "Angiven summa, annars kolumnens summa.",
    "deltagarprogram.summa.kvinnor": "Angiven summa, annars kolumnens summa.",
    "deltagarprogram.summa.man": "Angiven summa, annars kolumnens summa.",
    "deltagarprogram.summa.totalt": "Angiven summa, annars kolumnens summa.",
    "deltagarprogram.andel_kvinnor":
        "Angiven andel, annars kvinnorna i procent av alla deltagare (en decimal, eller så "
        "många som den angivna andelen män har).",
    "deltagarprogram.andel_man":
        "Angiven andel, annars männen i procent av alla deltagare (en decimal, eller så många "
        "som den angivna andelen kvinnor har).",
    "deltagarprogram.andel_decimaler":
        _SHARE_PLACES,
    "aktiviteter.omraden[].visa_nyckeltal[]":
        "Nycklarna i `omraden[].nyckeltal` som standardmallen skriver ut: texten visar dem inte "
        "redan med en tallänk, och de har ett namn i `omraden[].nyckeltal_namn`.",
    "deltagarprogram.med_kommun": "Ja om någon insats anger kommun (då behövs kolumnen Kommun).",
    "indikatorer.indikatorer[].utfall_text": "Utfallet med enhet (`503 företag`, `49,7 %`).",
    "indikatorer.indikatorer[].malvarde_text": "Målvärdet med enhet, eller `–`.",
    "indikatorer.indikatorer[].namn_med_kod": "EU-koden och namnet (`RCO01 Företag …`).",
    "indikatorer.indikatorer[].uppfyllt": "`Ja`, `Nej` eller `–` (inget målvärde).",
    "indikatorer.grupper[]":
        "Indikatorerna grupperade efter slag (aktivitets- och resultatindikatorer).",
    "indikatorer.grupper[].rubrik": "`Aktivitetsindikatorer`, `Resultatindikatorer` eller "
                                    "`Indikatorer`.",
    "indikatorer.grupper[].indikatorer[]": "Gruppens indikatorer, med samma namn som "
                                           "`indikatorer[]`.",
    "kommuner.kommuner[].rubrik": "Angiven rubrik, annars kommunens namn i versaler.",
    "tabell.kolumner[].tal": "Ja om kolumnen håller tal (högerställs).",
    "tabell.tabellrader[]": "Raderna med varje cell färdig att skriva (svenska tal, tom för "
                            "en tom cell).",
    "tabell.summarad[]": "Summaraden färdig att skriva, eller inget om rapporten inte anger någon.",
    "tabell.summor[]": "Varje kolumns summa över raderna (inget för text och procent).",
    "tabell.tabell": "Hela tabellen som en Word-tabell, i standardmallens format: "
                     "`{{p a.tabell }}` ensam i ett stycke.",
}
"""What each computed name means: a figure filled in where the report leaves it out, or a name
the kind's context adds, by ``<typ>.<path>``."""

FALLBACK = "Räknas fram för mallen."


def _meaning(typ: str, path: str, shape_name: str) -> str:
    """What a computed name means: from COMPUTED, or from the ``visa_<fält>`` convention."""
    if f"{typ}.{path}" in COMPUTED:
        return COMPUTED[f"{typ}.{path}"]
    head, _, name = path.rpartition(".")
    if name.startswith("visa_"):
        shown = (head + "." if head else "") + name.removeprefix("visa_").removesuffix("[]")
        if shape_name.startswith("lista"):
            return f"Namnen i `{shown}` som texten inte redan visar med en tallänk."
        return (f"Ja om `{shown}` ska skrivas ut: det är angivet och texten visar det inte "
                "redan med en tallänk.")
    return FALLBACK

FILTER_EXAMPLES = [
    ("tal", "{{ ekonomi.budget|tal }}", (16713030,), {}),
    ("kr", "{{ ekonomi.budget|kr }}", (16713030,), {}),
    ("decimal", "{{ a.effekt.summa.fore|decimal }}", (Decimal("159.5"),), {}),
    ("procent", "{{ a.deltagare.andel_kvinnor|procent }}", (Decimal("49.7"),), {}),
    ("andel", "{{ d.kvinnor|andel(d.totalt) }} (med {% set d = a.deltagare %})", (1466, 2949), {}),
    ("tecken", "{{ f.okning|tecken }} (i {%tr for f in a.effekt.foretag %})",
     (Decimal("-2"),), {}),
    ("datum", "{{ projekt.rapportdatum|datum }}", ("2022-10-31",), {}),
    ("manad", "{{ ekonomi.preliminar.per|manad }}", ("2022-12",), {}),
    ("period", "{{ projekt.period|period }}", ({"fran": "2020-05", "till": "2022-09"},), {}),
    ("lista", "{{ projekt.kommuner|lista }}", (["Robertsfors", "Vindeln", "Vännäs"],), {}),
]

EXAMPLE_LOOP = [
    "{%p for a in avsnitt %}",
    "{{ a.rubrik }}",
    "{%p if a.typ == 'ekonomi' %}",
    "Projektet hade en budget på {{ a.budget|kr }}; utfallet blev {{ a.utfall|kr }}.",
    "{%p elif a.typ == 'kommuner' %}",
    "{%p for kommun in a.kommuner %}",
    "{{ kommun.rubrik }}",
    "{{p kommun.text }}",
    "{%p endfor %}",
    "{%p else %}",
    "{{p a.text }}",
    "{%p endif %}",
    "{%p endfor %}",
]
"""A template that loops over the outline (checked clean by tests/test_docs.py)."""

EXAMPLE_ID = [
    "{{ ekonomi.rubrik }}",
    "Budgeten var {{ ekonomi.budget|kr }}; utfallet blev {{ ekonomi.budgetavvikelse|kr }} "
    "{{ ekonomi.budget_riktning }} budget.",
    "{%p if resultat is defined %}",
    "{{ resultat.rubrik }}",
    "{%p for ind in resultat.indikatorer %}",
    "{{ ind.namn }}: {{ ind.utfall_text }} (mål {{ ind.malvarde_text }})",
    "{%p endfor %}",
    "{%p endif %}",
]
"""A template that places chosen sections by id (checked by tests/test_docs.py)."""


def _type_name(annotation: Any, metadata: list[Any]) -> tuple[str, Any]:
    """A Swedish name for a field's type, and the nested model (if any)."""
    if MARKDOWN in metadata:
        return "löptext", None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        if MARKDOWN in args[1:]:
            return "löptext", None
        from pydantic.fields import FieldInfo

        named = _alias_name(list(FieldInfo.from_annotation(annotation).metadata))
        if named is not None:
            return named, None
        return _type_name(args[0], [])
    if origin is Literal:
        values = [f"`{v}`" for v in typing.get_args(annotation)]
        if len(values) == 1:
            return values[0], None
        return ", ".join(values[:-1]) + " eller " + values[-1], None
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _type_name(inner[0], metadata)
    if origin is list:
        name, model = _type_name(typing.get_args(annotation)[0], [])
        return f"lista av {name}", model
    if origin is dict:
        value, _ = _type_name(typing.get_args(annotation)[1], [])
        return f"namn → {'värde' if value.startswith('typing.Any') else value}", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "del", annotation
    names = {str: "text", int: "heltal", bool: "ja/nej", Decimal: "tal"}
    return names.get(annotation, str(annotation)), None


def _alias_name(metadata: list[Any]) -> str | None:
    """The Swedish name of a constrained alias (Kronor, Datum …) whose metadata a field carries."""
    from pydantic.fields import FieldInfo

    from slutrapport import fields

    names = {"Kronor": "belopp (kr)", "Belopp": "belopp (kr)", "Antal": "heltal",
             "Anstallda": "antal tjänster", "Forandring": "förändring", "Procent": "procent",
             "Tal": "tal", "Datum": "datum"}
    given = sorted(map(repr, metadata))  # in any order: pydantic before 2.7 puts it otherwise
    for alias, name in names.items():
        if sorted(map(repr, FieldInfo.from_annotation(getattr(fields, alias)).metadata)) == given:
            return name
    return None


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str]]:
    rows = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        kind, nested = _type_name(field.annotation, list(field.metadata))
        kind = (_alias_name(list(field.metadata)) if field.metadata else None) or kind
        is_list = kind.startswith("lista av")
        rows.append((path + ("[]" if is_list else ""), kind, field.description or ""))
        if nested is not None:
            rows += _rows(nested, path + ("[]." if is_list else "."))
    return rows


def _shape_name(shape: Shape) -> str:
    if shape.kind == "list":
        return "lista" if shape.element is None else "lista av " + _shape_name(shape.element)
    if shape.kind == "narrative":
        return "löptext"
    if shape.kind in ("map", "mapping"):
        return "del"
    names = {str: "text", int: "heltal", bool: "ja/nej", Decimal: "tal"}
    python = shape.python
    if python is not None:
        for base, name in names.items():
            if issubclass(python, base) and not (base is int and python is bool):
                return name
    return "värde"


def _added(shape: Shape, model_paths: set[str], prefix: str = "",
           inside: bool = False) -> list[tuple[str, str]]:
    """The names a kind's context adds to its fields: (path, type), described ones and the top
    of each added part."""
    out = []
    for name, sub in shape.fields.items():
        if not prefix and name in ("diagram", "tabeller"):
            continue
        if inside and name == "tabell" and prefix == "grupper[].":
            continue  # the group's caption: described with the captions
        path = prefix + name + ("[]" if sub.kind == "list" else "")
        new = path not in model_paths
        if new and (not inside or path in _described):
            out.append((path, _shape_name(sub)))
        child = sub.element if sub.kind == "list" else sub
        if child is not None and child.kind == "map":
            out += _added(child, model_paths, path + ".", inside or new)
    return out


_described: set[str] = set()
_COMMON = ("id", "typ")
"""Fields every section has, described once for all kinds."""


def _kind_lines(typ: str) -> list[str]:
    kind = kinds()[typ]
    shape = reference().kinds[typ]
    rows = [row for row in _rows(kind, "") if row[0] not in _COMMON]
    model_paths = {path for path, _, _ in rows} | set(_COMMON)
    _described.clear()
    _described.update(key.partition(".")[2] for key in COMPUTED if key.startswith(typ + "."))
    lines = [f"### `{typ}`", "", kind.BESKRIVNING, "",
             "| variabel | slag | beskrivning |", "| --- | --- | --- |"]
    lines += [f"| `{path}` | {name} | {description} |" for path, name, description in rows]
    computed = [(path, None) for path in sorted(_described & model_paths,
                                                key=[p for p, _, _ in rows].index)]
    computed += _added(shape, model_paths)
    if computed:
        lines += ["", "Uträknat för mallen:", "", "| variabel | slag | betydelse |",
                  "| --- | --- | --- |"]
        kinds_of = {path: name for path, name, _ in rows}
        for path, name in computed:
            shown = name or kinds_of[path]
            lines.append(f"| `{path}` | {shown} | {_meaning(typ, path, shown)} |")
    if kind.TABELLER:
        tables = ", ".join(f"`tabeller.{name}`" for name in kind.TABELLER)
        lines += ["", f"Tabeller med bildtext: {tables}."]
    if kind.DIAGRAM:
        charts = ", ".join(f"`diagram.{name}`" for name in kind.DIAGRAM)
        lines += ["", f"Diagram: {charts}."]
    return [*lines, ""]


CAPTIONS = [
    "",
    "## Bildtexter och hänvisningar",
    "",
    "Tabellernas och diagrammens bildtexter är Word-fält, som när man infogar en beskrivning i",
    "Word: `Tabell {SEQ Tabell}: …` och `Diagram {SEQ Diagram}: …`. Numret fylls i när",
    "rapporten skrivs, i dokumentets ordning, och Word och LibreOffice håller det rätt när",
    "fälten uppdateras. Varje tabell med bildtext finns i `tabeller.<namn>` (som diagrammen i",
    "`diagram.<namn>`; `None` när datat saknar tabellen), och både tabeller och diagram har:",
    "",
    "| variabel | slag | betydelse |",
    "| --- | --- | --- |",
    "| `bildtext` | text | Bildtexten som ren text, numrerad i rapportens ordning "
    "(`Tabell 2: Kostnader per kostnadsslag (kr)`). |",
    "| `bildtext_falt` | fält | Bildtexten med numret som fält, för `{{r … }}` ensam i ett "
    "stycke (formatet Beskrivning). |",
    "| `nummer_falt` | fält | Bara `Tabell {SEQ Tabell}`, för en mall som skriver sin egen "
    "text efter numret. |",
    "| `namn` | text | Namnet en text hänvisar med: `tabell.ekonomi.kostnader`. |",
    "",
    "En text hänvisar till en tabell eller ett diagram med `[](ref:namn)` (se",
    "`docs/markdown.md`): det blir ett fält som läses `Diagram 4` och följer med när",
    "numreringen ändras. Numret och hänvisningen hör ihop genom ett bokmärke runt",
    "`Diagram 4` i bildtexten. Ett `SEQ`-fält som en egen mall skriver själv (Infoga",
    "beskrivning i Word) numreras också. Namnen är `diagram.<id>.<namn>` och",
    "`tabell.<id>.<namn>` (`<id>` är avsnittets id, så namnen är olika även när en typ",
    "används två gånger):",
    "",
    "| typ | tabell | namn att hänvisa med |",
    "| --- | --- | --- |",
]
"""The captions and references section; the kinds' tables follow as rows."""

LANDSCAPE = [
    "",
    "Indikatorernas tabeller är en per grupp: i loopen `{%p for grupp in a.grupper %}` är",
    "gruppens bildtext `grupp.tabell`.",
    "",
    "### Förteckningar över tabeller och diagram",
    "",
    "Med `rubriker.tabellforteckning` (t.ex. `Tabeller`) eller `rubriker.diagramforteckning`",
    "i datat skriver standardmallen en förteckning efter innehållsförteckningen: ett",
    "förteckningsfält (`TOC \\c \"Tabell\"`) som LibreOffice fyller i med sidnummer, som",
    "innehållsförteckningen.",
    "",
    "## Liggande sidor",
    "",
    "`{{p sida.liggande }}` avslutar sidan och börjar ett avsnitt med liggande sidor;",
    "`{{p sida.staende }}` avslutar det, och det som följer står åter på stående sidor. Båda",
    "står ensamma i ett stycke. Sidstorlek, marginaler och sidfot tas från mallens sidor.",
    "Standardmallen gör så runt en tabell av typen `tabell` med `liggande: true`.",
]
"""The lists of tables and charts, and landscape pages."""


def build() -> str:
    ref = reference()
    common = ", ".join(f"`{name}`" for name in ref.root.fields["avsnitt"].element.fields
                       ) if ref.root.fields["avsnitt"].element else ""
    lines = [
        "# Mallvariabler och filter",
        "",
        "<!-- Genererad av docs/gen_mallvariabler.py; ändra där, inte här. -->",
        "",
        "En Word-mall fylls med rapportens data. Variablerna har samma namn och nästling som",
        "YAML-filen (`kostnader[0].belopp` i ett avsnitt av typen `ekonomi` är `post.belopp` i en",
        "loop över `a.kostnader`). Mallen räknar aldrig: summor och andelar som rapporten inte",
        "anger finns uträknade i samma variabel (se *Uträknat för mallen* under varje typ).",
        "",
        "## Så skriver du taggar",
        "",
        "| vad | tagg | exempel |",
        "| --- | --- | --- |",
        "| ett värde i löpande text | `{{ x }}` | `{{ projekt.namn }}` |",
        "| ett tal på svenskt sätt | `{{ x\\|filter }}` | `{{ a.budget\\|kr }}` → "
        "`16 713 030 kr` |",
        "| löptext (Markdown) som egna stycken | `{{p x }}` ensam i ett stycke | "
        "`{{p a.text }}` |",
        "| löptext i ett visst styckeformat | `{{p x.stycken('Format') }}` | "
        "`{{p punkt.stycken('Sammanfattning', fet=True) }}` |",
        "| löptext inne i ett stycke | `{{r x.rader() }}` | `{{r kommun.text.rader() }}` |",
        "| löptext som ren text | `{{ x.ren }}` | `{{ a.text.ren }}` |",
        "| villkor eller loop över stycken | `{%p if x %}` … `{%p endif %}` | "
        "`{%p for kommun in a.kommuner %}` |",
        "| loop över tabellrader | `{%tr for … %}` och `{%tr endfor %}` i egna rader | "
        "`{%tr for f in a.effekt.foretag %}` |",
        "| diagram | `{{ x.diagram.namn.bild }}` | `{{ a.diagram.kostnader.bild }}` |",
        "| bildtext med numrering (fält) | `{{r x.bildtext_falt }}` i ett stycke | "
        "`{{r a.tabeller.kostnader.bildtext_falt }}` |",
        "| en liggande sida | `{{p sida.liggande }}` … `{{p sida.staende }}` | se *Liggande "
        "sidor* |",
        "",
        "Tal som skrivs utan filter blir också svenska (`159,5`, `16 713 030`), och ett värde",
        "som saknas (`None`) skrivs som ingenting. En variabel som inte finns är ett fel som",
        "nämns med namn — mallen körs i en sandlåda där Pythons inre delar inte kan nås.",
        "Skriv inte `%` eller `}` inne i `{%p … %}`-taggar (docxtpl #644); räkna inte i mallen.",
        "",
        "## Rapportens delar",
        "",
        "På toppnivå finns `projekt` (titelsidans fakta), `rubriker`, `sammanfattning` (de",
        "sammanfattande punkterna) och `avsnitt`, rapportens avsnitt i den ordning datat har",
        "dem. Varje avsnitt har en *typ* (`typ`), ett *id* och fälten som hör till typen (se",
        "*Avsnittstyperna* nedan). Mallen kan placera avsnitten på två sätt, och de går att",
        "blanda.",
        "",
        "### Loopa över avsnitten",
        "",
        "Mallen går igenom `avsnitt` och skriver varje avsnitt efter dess typ. Så fungerar",
        "vilken disposition som helst: flyttar, tar bort eller lägger författaren till ett",
        "avsnitt i datat följer rapporten med utan att mallen ändras. Standardmallen är byggd",
        "så.",
        "",
        "```text",
        *EXAMPLE_LOOP,
        "```",
        "",
        "Utanför ett test av `a.typ` har `a` bara det som alla typer har:",
        f"{common}.",
        "Inne i `{%p if a.typ == 'ekonomi' %}` har `a` allt som typen `ekonomi` har. Testet kan",
        "också skrivas `a.typ in ('text', 'kommuner')`, med `elif` och `else`, eller i loopen:",
        "`{%p for a in avsnitt if a.typ == 'text' %}`. `slutrapport template check` säger till",
        "om mallen använder ett fält som bara vissa typer har utan att testa typen först.",
        "",
        "### Ett valt avsnitt med id",
        "",
        "Varje avsnitt finns också på toppnivå under sitt id, så att mallen kan sätta ett visst",
        "avsnitt på en fast plats. Ett avsnitt utan eget id heter som sin typ (`ekonomi`), och",
        "finns typen flera gånger numreras de (`text_1`, `text_2` …). Ett id som inte finns i",
        "datat stoppar utskriften, så sätt ett avsnitt som inte alla rapporter har i",
        "`{%p if id is defined %}`:",
        "",
        "```text",
        *EXAMPLE_ID,
        "```",
        "",
        "`slutrapport template check` bedömer ett id som är en typs namn (`ekonomi`, `text_2`)",
        "efter den typen. Andra id (som `resultat` ovan) kan kontrollen inte känna till: den",
        "godtar där alla typers fält och påminner om att id:t måste finnas i datat, om det inte",
        "står inom `{%p if id is defined %}`.",
        "",
        "## Filter",
        "",
        "Avrundning sker halvt uppåt (0,125 → 0,13), som en läsare väntar sig. Minustecken är",
        "U+2212, tusental avgränsas med hårt mellanslag (U+00A0), som före `kr` och `%`.",
        "",
        "| filter | exempel i mallen | ger |",
        "| --- | --- | --- |",
    ]
    for name, example, args, kwargs in FILTER_EXAMPLES:
        shown = FILTERS[name](*args, **kwargs).replace("\u00a0", " ")
        lines.append(f"| `{name}` | `{example.replace('|', chr(92) + '|')}` | `{shown}` |")
    with_charts = [typ for typ, kind in kinds().items() if kind.DIAGRAM]
    lines += [
        "",
        "## Diagram",
        "",
        "Ett avsnitt har sina diagram i `diagram`: `a.diagram.<namn>` i loopen, eller",
        "`<id>.diagram.<namn>`. Varje diagram är `None` när datat saknas eller diagrammen är",
        "avstängda (`--no-charts`), annars har det `bild` (bilden, i en egen rad), `bildtext` och",
        "`alt` (beskrivning för skärmläsare). Sätt bilden i ett",
        "`{%p if a.diagram.kostnader %}`-block.",
        "",
        "Ett diagram har aldrig fler staplar än en sida kan visa läsbart. Kostnaderna och",
        "deltagarprogrammets insatser visar högst 30: med fler visar diagrammet de 29 största",
        "(insatserna med flest deltagare), i fallande ordning, och de övriga sammanlagda i en",
        "stapel `Övriga (N kostnadsslag)`; anställda per företag visar med fler än 60 företag de",
        "30 som ökade mest. Bildtexten och `alt` säger vilket urval det är, tabellen visar alla,",
        "och `check` ger upplysningen `diagram-urval`. Standardmallen visar alltså både tabellen",
        "och ett läsbart diagram över det största.",
        "",
        "Diagrammets text har mallens typsnitt (Normal-formatets). Standardmallen skriver i Arial,",
        "som varje Word har och som LibreOffice ersätter med den lika breda Liberation Sans",
        "(`fonts-liberation`): raderna bryts lika och innehållsförteckningens sidnummer stämmer",
        "i båda. Dokumentets författare är `projekt.projektagare`; saknas den lämnas fältet tomt",
        "(NIS 6.0-exemplet anger ingen projektägare). Skapad och ändrad är rapportens datum",
        "(`projekt.rapportdatum`, dess första dag), annars 2000-01-01.",
        "",
        "| typ | diagram |",
        "| --- | --- |",
    ]
    for typ in with_charts:
        names = ", ".join(f"`{n}`" for n in kinds()[typ].DIAGRAM)
        lines.append(f"| `{typ}` | {names} |")
    lines += CAPTIONS
    for typ, kind in kinds().items():
        for name in kind.TABELLER:
            ref = f"tabell.<id>.{name}" if typ != "tabell" else "tabell.<id>"
            lines.append(f"| `{typ}` | `tabeller.{name}` | `{ref}` |")
    lines += LANDSCAPE
    lines += ["", "## Toppnivån", "",
              "Löptext är Markdown (se `docs/markdown.md`) och placeras med `{{p … }}`.", "",
              "| variabel | slag | beskrivning |", "| --- | --- | --- |"]
    for path, kind, description in _rows(Slutrapport, ""):
        if not path.startswith("avsnitt"):
            lines.append(f"| `{path}` | {kind} | {description} |")
    lines += ["", "## Avsnittstyperna", "",
              "Varje typ med sina fält (som i datat) och det som räknas fram för mallen. I",
              "loopen skrivs de `a.<variabel>`, med id `<id>.<variabel>`. Alla avsnitt har",
              "dessutom:", "",
              "| variabel | slag | beskrivning |", "| --- | --- | --- |",
              "| `typ` | text | Avsnittets typ, t.ex. `ekonomi`. |",
              f"| `id` | text | {Section.model_fields['id'].description} |",
              "| `tabeller` | del | Avsnittets tabeller med bildtext (se *Bildtexter och "
              "hänvisningar*). |",
              "| `diagram` | del | Avsnittets diagram (se *Diagram*). |", ""]
    for typ in kinds():
        lines += _kind_lines(typ)
    return "\n".join(lines)


if __name__ == "__main__":
    OUT.write_text(build(), encoding="utf-8")
    print(f"skrev {OUT}")
