"""Write docs/mallvariabler.md: every template variable and filter, generated from the code.

Run ``python docs/gen_mallvariabler.py``; a test fails when the file is out of date.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from slutrapport.context import build_context
from slutrapport.models import MARKDOWN, Slutrapport
from slutrapport.rendering import CHART_NAMES, FILTERS

OUT = Path(__file__).with_name("mallvariabler.md")

COMPUTED = {
    "horisontella_kriterier.deltagare.man": "Antal män; uträknat (totalt − kvinnor) om det saknas.",
    "horisontella_kriterier.deltagare.totalt": "Alla deltagare; uträknat om det saknas.",
    "horisontella_kriterier.deltagare.andel_kvinnor":
        "Andel kvinnor i procent; uträknad (en decimal) om den saknas.",
    "horisontella_kriterier.deltagare.andel_man": "Andel män i procent; uträknad om den saknas.",
    "program_for_tillvaxt.antal_foretag": "Antal rader i företagstabellen.",
    "program_for_tillvaxt.workshops.lista[].rad":
        "Workshopens rad: `text` om den finns, annars byggd av föreläsare, organisation och ämne "
        "(löptext).",
    "program_for_tillvaxt.steg[].punkt":
        "Stegets punkt: namnet kursivt, tankstreck och beskrivningens första stycke (löptext).",
    "program_for_tillvaxt.steg[].fortsattning":
        "Beskrivningens övriga stycken (löptext).",
    "program_for_tillvaxt.strategigrupper.platser": "Platser i alla grupper tillsammans.",
    "program_for_tillvaxt.effekt.foretag[].okning": "Angiven ökning, annars efter − före.",
    "program_for_tillvaxt.effekt.summa.fore": "Angiven summa, annars kolumnens summa.",
    "program_for_tillvaxt.effekt.summa.efter": "Angiven summa, annars kolumnens summa.",
    "program_for_tillvaxt.effekt.summa.okning": "Angiven summa, annars efter − före.",
    "program_for_tillvaxt.effekt.okning_procent":
        "Angiven procent, annars ökningen i procent av första mätningen (en decimal).",
    "resultat.indikatorer[].uppfyllt": "`Ja`, `Nej` eller `–` (inget målvärde).",
    "kommuner[].rubrik": "Angiven rubrik, annars kommunens namn i versaler.",
    "ekonomi.under_budget": "Angivet belopp, annars budget − utfall (negativt: över budget).",
    "ekonomi.budgetavvikelse": "Beloppet under eller över budget, utan tecken.",
    "ekonomi.budget_riktning": "`under` eller `över`.",
    "ekonomi.summa_kostnader": "Angiven summa, annars kostnadernas summa.",
    "ekonomi.summa_finansiering": "Angiven summa, annars finansieringens summa.",
    "ekonomi.kostnader[].markering": "Fotnotsmarkering (`*`, `**` …) eller tom.",
    "ekonomi.fotnoter[].markering": "Fotnotens markering.",
    "ekonomi.fotnoter[].text": "Fotnoten med markeringen först (löptext).",
}

FILTER_EXAMPLES = [
    ("tal", "{{ ekonomi.budget|tal }}", (16713030,), {}),
    ("kr", "{{ ekonomi.budget|kr }}", (16713030,), {}),
    ("decimal", "{{ program_for_tillvaxt.effekt.summa.fore|decimal }}",
     (Decimal("159.5"),), {}),
    ("procent", "{{ horisontella_kriterier.deltagare.andel_kvinnor|procent }}",
     (Decimal("49.7"),), {}),
    ("andel",
     "{{ d.kvinnor|andel(d.totalt) }} (med {% set d = horisontella_kriterier.deltagare %})",
     (1466, 2949), {}),
    ("tecken", "{{ f.okning|tecken }} (i {%tr for f in program_for_tillvaxt.effekt.foretag %})",
     (Decimal("-2"),), {}),
    ("datum", "{{ projekt.rapportdatum|datum }}", ("2022-10-31",), {}),
    ("manad", "{{ ekonomi.preliminar.per|manad }}", ("2022-12",), {}),
    ("period", "{{ projekt.period|period }}", ({"fran": "2020-05", "till": "2022-09"},), {}),
    ("lista", "{{ projekt.kommuner|lista }}", (["Robertsfors", "Vindeln", "Vännäs"],), {}),
]


def _kind(annotation: Any, metadata: list[Any]) -> tuple[str, Any]:
    """A Swedish name for a field's type, and the nested model (if any)."""
    if MARKDOWN in metadata:
        return "löptext", None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        args = typing.get_args(annotation)
        if MARKDOWN in args[1:]:
            return "löptext", None
        from pydantic.fields import FieldInfo

        named = _alias_kind(list(FieldInfo.from_annotation(annotation).metadata))
        if named is not None:
            return named, None
        base = args[0]
        return _kind(base, [])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        kind, model = _kind(inner[0], metadata)
        return kind, model
    if origin is list:
        kind, model = _kind(typing.get_args(annotation)[0], [])
        return f"lista av {kind}", model
    if origin is dict:
        return "namn → tal", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "avsnitt", annotation
    return {str: "text", int: "heltal", bool: "ja/nej"}.get(annotation, str(annotation)), None


def _alias_kind(metadata: list[Any]) -> str | None:
    """The Swedish name of a constrained alias (Kronor, Datum …) whose metadata a field carries."""
    from pydantic.fields import FieldInfo

    from slutrapport import models

    names = {"Kronor": "belopp (kr)", "Belopp": "belopp (kr)", "Antal": "heltal",
             "Anstallda": "antal tjänster", "Forandring": "förändring", "Procent": "procent",
             "Tal": "tal", "Datum": "datum"}
    for alias, name in names.items():
        if FieldInfo.from_annotation(getattr(models, alias)).metadata == metadata:
            return name
    return None


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str]]:
    rows = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        kind, nested = _kind(field.annotation, list(field.metadata))
        kind = (_alias_kind(list(field.metadata)) if field.metadata else None) or kind
        is_list = kind.startswith("lista av")
        rows.append((path + ("[]" if is_list else ""), kind, field.description or ""))
        if nested is not None:
            rows += _rows(nested, path + ("[]." if is_list else "."))
    return rows


def build() -> str:
    from slutrapport.loader import load
    from slutrapport.resources import example_path

    lines = [
        "# Mallvariabler och filter",
        "",
        "<!-- Genererad av docs/gen_mallvariabler.py; ändra där, inte här. -->",
        "",
        "En Word-mall fylls med rapportens data. Variablerna har samma namn och nästling som",
        "YAML-filen (`ekonomi.kostnader[0].belopp` i datat är `post.belopp` i en loop över",
        "`ekonomi.kostnader`). Mallen räknar aldrig: summor och andelar som rapporten inte anger",
        "finns uträknade i samma variabel (se *Uträknade värden*).",
        "",
        "## Så skriver du taggar",
        "",
        "| vad | tagg | exempel |",
        "| --- | --- | --- |",
        "| ett värde i löpande text | `{{ x }}` | `{{ projekt.namn }}` |",
        "| ett tal på svenskt sätt | `{{ x\\|filter }}` | `{{ ekonomi.budget\\|kr }}` → "
        "`16 713 030 kr` |",
        "| löptext (Markdown) som egna stycken | `{{p x }}` ensam i ett stycke | "
        "`{{p inledning.text }}` |",
        "| löptext i ett visst styckeformat | `{{p x.stycken('Format') }}` | "
        "`{{p punkt.stycken('Sammanfattning', fet=True) }}` |",
        "| löptext inne i ett stycke | `{{r x.rader() }}` | `{{r kommun.text.rader() }}` |",
        "| löptext som ren text | `{{ x.ren }}` | `{{ inledning.text.ren }}` |",
        "| villkor eller loop över stycken | `{%p if x %}` … `{%p endif %}` | "
        "`{%p for kommun in kommuner %}` |",
        "| loop över tabellrader | `{%tr for … %}` och `{%tr endfor %}` i egna rader | "
        "`{%tr for f in program_for_tillvaxt.effekt.foretag %}` |",
        "| diagram | `{{ diagram.namn.bild }}` | `{{ diagram.kostnader.bild }}` |",
        "",
        "Tal som skrivs utan filter blir också svenska (`159,5`, `16 713 030`), och ett värde",
        "som saknas (`None`) skrivs som ingenting. En variabel som inte finns är ett fel som",
        "nämns med namn — mallen körs i en sandlåda där Pythons inre delar inte kan nås.",
        "Skriv inte `%` eller `}` inne i `{%p … %}`-taggar (docxtpl #644); räkna inte i mallen.",
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
    lines += [
        "",
        "## Diagram",
        "",
        "`diagram.<namn>` finns för " + ", ".join(f"`{n}`" for n in CHART_NAMES) + "; varje är",
        "`None` när datat saknas eller diagrammen är avstängda (`--no-charts`), annars har det",
        "`bild` (bilden, i en egen rad), `bildtext` och `alt` (beskrivning för skärmläsare).",
        "Sätt bilden i ett `{%p if diagram.kostnader %}`-block.",
        "",
        "## Uträknade värden",
        "",
        "| variabel | betydelse |",
        "| --- | --- |",
    ]
    for path, meaning in COMPUTED.items():
        lines.append(f"| `{path}` | {meaning} |")
    lines += ["", "## Alla variabler", "",
              "Löptext är Markdown (se `docs/markdown.md`) och placeras med `{{p … }}`.", "",
              "| variabel | slag | beskrivning |", "| --- | --- | --- |"]
    for path, kind, description in _rows(Slutrapport, ""):
        lines.append(f"| `{path}` | {kind} | {description} |")
    context = build_context(load(example_path()))
    lines += ["", f"Kontext för NIS 6.0-exemplet: {len(context)} variabler på toppnivå.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    OUT.write_text(build(), encoding="utf-8")
    print(f"skrev {OUT}")
