"""The JSON Schema of a report's data file, for editors that check YAML while it is written.

:func:`json_schema` starts from pydantic's ``model_json_schema`` of
:class:`~slutrapport.models.Slutrapport` and fixes what pydantic leaves out or gets wrong for this
model, so that an editor accepts what :func:`slutrapport.load` accepts:

- ``$schema`` (draft 2020-12), a Swedish ``title`` and ``description``; no ``$id`` (the schema is
  a local file, see ``docs/editor.md``);
- number fields accept numbers *and* Swedish-written strings (``"159,5"``, ``"16 713 030"``,
  ``"−2"``), as the loader does; bounds written as pydantic's ``ge``/``le`` become ``minimum`` and
  ``maximum``, and head counts (whole or half posts) get ``multipleOf: 0.5``;
- dates accept ``"2019"``, ``"2022-10"``, ``"2022-10-31"`` and a bare year (``2019``);
- narrative (Markdown) fields are strings marked ``contentMediaType: text/markdown``; a figure link
  ``[2 949](tal:…)`` inside them is just text to the schema;
- the models' English docstrings and pydantic's generated titles are dropped, so an editor shows
  the Swedish field descriptions; each section kind is described by its Swedish ``BESKRIVNING``;
- a section (an item of ``avsnitt``) is a discriminated union on ``typ``, written the way JSON
  Schema can say it: ``typ`` must be one of the kinds, and ``if typ is K then the item is K's
  schema`` for each kind K, so an editor reports a wrong field against the section's own kind
  only (not against every kind, as a plain ``oneOf`` would); an editor suggesting a ``typ``
  shows each kind's description (``enumDescriptions``); a section's ``id`` may not be a reserved
  name.

The schema is less strict than the loader in a few places, which the checks and the loader still
catch: a number written as a string is not checked against its bounds or halves, a date's month
and day are not checked against the calendar, a period's end is not compared to its start, and
two sections may have the same id.

>>> schema = json_schema()
>>> schema["$schema"]
'https://json-schema.org/draft/2020-12/schema'
>>> schema["$defs"]["Kostnadspost"]["properties"]["belopp"]["anyOf"][1]["type"]
'string'
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

from slutrapport.kinds import Section
from slutrapport.models import KINDS, MARKDOWN, RESERVED_IDS, Slutrapport

__all__ = ["DATE_PATTERN", "DIALECT", "INTEGER_PATTERN", "NUMBER_PATTERN", "PERCENT_PATTERN",
           "field_metadata", "json_schema", "schema_text", "validator_names"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect the schema is written in."""

INTEGER_PATTERN = r"^\s*[+\-\u2212]?\d[\d\s]*$"
"""A whole number written as text, with spaces between the digit groups: ``"16 713 030"``."""

NUMBER_PATTERN = r"^\s*[+\-\u2212]?\d[\d\s]*([,.]\d+)?\s*$"
"""A number written as text, with a decimal comma (or point): ``"159,5"``, ``"−2"``."""

PERCENT_PATTERN = r"^\s*[+\-\u2212]?\d[\d\s]*([,.]\d+)?\s*%?\s*$"
"""A share written as text, with or without its sign: ``"33,3 %"``, ``"49,7"``."""

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
"""A date as precise as it is known: ``2019``, ``2022-10`` or ``2022-10-31``."""

_TITLE = "Slutrapport"
_DESCRIPTION = (
    "Datat för en slutrapport från ett regionalt näringslivsprojekt (slutrapport). "
    "Belopp anges i hela kronor, antal anställda i hela eller halva tjänster, andelar i procent "
    "(49,7 betyder 49,7 %). Tal får skrivas som text på svenskt sätt (\"16 713 030\", \"159,5\"). "
    "Löptext är Markdown; ett tal i texten kan knytas till datat: [2 949](tal:sökväg), och en "
    "bild står i ett eget stycke: ![Alternativtext](bilder/karta.png \"Bildtext\") (en PNG- "
    "eller JPEG-fil relativt datafilen)."
)
_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "contains")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a report's data file, as a dict."""
    schema = Slutrapport.model_json_schema(mode="validation")
    defs: dict[str, Any] = schema.get("$defs", {})
    fields: list[tuple[dict[str, Any], list[Any]]] = []
    for model in _models(Slutrapport):
        node = schema if model is Slutrapport else defs.get(model.__name__)
        if node is None:
            continue
        node.pop("description", None)  # the model's English docstring
        node.pop("title", None)
        if issubclass(model, Section) and model.BESKRIVNING:
            node["description"] = f"{model.BESKRIVNING} Anges med typ: {model.TYP}."
        for name, field in model.model_fields.items():
            prop = node.get("properties", {}).get(name)
            if prop is not None:
                prop.pop("title", None)
                fields.append((prop, field_metadata(field)))
    for prop, metadata in fields:
        if "_halves" in validator_names(metadata):
            for branch in _non_null(prop):
                branch["x-halves"] = True
    _numbers(schema)
    for prop, metadata in fields:
        _dates_and_markdown(prop, metadata)
    _flatten(schema)
    _sections(schema)
    out: dict[str, Any] = {"$schema": DIALECT, "title": _TITLE, "description": _DESCRIPTION}
    out.update(schema)
    out["title"], out["description"] = _TITLE, _DESCRIPTION
    return out


def schema_text() -> str:
    """The schema as JSON text (indented, UTF-8 characters kept), ending with a newline."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model reachable from root through its fields, root first, each once."""
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [root]
    while pending:
        model = pending.pop(0)
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            pending.extend(_nested_models(field.annotation))
    return found


def _nested_models(tp: Any) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in typing.get_args(tp) for m in _nested_models(arg)]


def field_metadata(field: FieldInfo) -> list[Any]:
    """All metadata of a field, including what hides in Annotated inside Optional or list."""
    found: list[Any] = list(field.metadata)

    def walk(tp: Any) -> None:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            args = typing.get_args(tp)
            for meta in args[1:]:
                found.append(meta)
                if isinstance(meta, FieldInfo):
                    found.extend(meta.metadata)
            walk(args[0])
        elif origin in (typing.Union, types.UnionType, list, dict):
            for arg in typing.get_args(tp):
                walk(arg)

    walk(field.annotation)
    return found


def validator_names(metadata: list[Any]) -> set[str]:
    """The names of the functions among a field's validators (``read_number``, ``_halves`` …)."""
    return {m.func.__name__ for m in metadata
            if isinstance(m, BeforeValidator | AfterValidator) and hasattr(m.func, "__name__")}


def _dates_and_markdown(prop: dict[str, Any], metadata: list[Any]) -> None:
    """Let a date field take its partial forms; mark Markdown (inside Optional too)."""
    is_date = "_partial_date" in validator_names(metadata)
    for branch in _non_null(prop):
        if is_date and branch.get("type") == "string":
            branch.pop("type")
            branch["anyOf"] = [{"type": "string", "pattern": DATE_PATTERN},
                               {"type": "integer", "minimum": 1000, "maximum": 9999}]
        if MARKDOWN in metadata:
            _markdown(branch)


def _sections(node: Any) -> None:
    """Write pydantic's ``oneOf`` with a ``discriminator`` on ``typ`` as an if/then per kind."""
    if isinstance(node, list):
        for item in node:
            _sections(item)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _sections(value)
    discriminator = node.get("discriminator")
    if not (isinstance(discriminator, dict) and discriminator.get("propertyName") == "typ"):
        return
    mapping: dict[str, str] = discriminator["mapping"]
    node.pop("discriminator")
    node.pop("oneOf", None)
    names = sorted(k for k in KINDS if k in mapping)
    node["type"] = "object"
    node["required"] = ["typ"]
    node["properties"] = {
        "typ": {"enum": names,
                # shown beside each name when an editor suggests the kinds (VS Code and others)
                "enumDescriptions": [KINDS[k].BESKRIVNING for k in names],
                "description": "Avsnittets typ: " + "; ".join(
                    f"{k} – {KINDS[k].BESKRIVNING.rstrip('.')}" for k in names) + "."},
        "id": {"not": {"enum": sorted(RESERVED_IDS)}},
    }
    node["allOf"] = [
        {"if": {"properties": {"typ": {"const": k}}, "required": ["typ"]},
         "then": {"$ref": mapping[k]}}
        for k in names]


def _markdown(node: dict[str, Any]) -> None:
    if node.get("type") == "string":
        node["contentMediaType"] = "text/markdown"
    elif node.get("type") == "array" and isinstance(node.get("items"), dict):
        _markdown(node["items"])


def _non_null(prop: dict[str, Any]) -> list[dict[str, Any]]:
    """The branches of a property that are not ``null`` (the property itself if not a union)."""
    if "anyOf" in prop and any(b.get("type") == "null" for b in prop["anyOf"]):
        return [b for b in prop["anyOf"] if b.get("type") != "null"]
    return [prop]


def _numbers(node: Any) -> None:
    """Rename pydantic's bounds and let every number also be written as Swedish text."""
    if isinstance(node, list):
        for item in node:
            _numbers(item)
        return
    if not isinstance(node, dict):
        return
    bounds = {_BOUNDS[k]: node.pop(k) for k in list(node) if k in _BOUNDS}
    halves = node.pop("x-halves", False)
    kind = _number_kind(node)
    if kind is None:
        node.update(bounds)
        for key in ("properties", "$defs"):
            for child in node.get(key, {}).values():
                _numbers(child)
        for key in _SCHEMA_LISTS + _SCHEMA_VALUES:
            if key in node:
                _numbers(node[key])
        return
    numeric: dict[str, Any] = {"type": kind, **bounds}
    if halves:
        numeric["multipleOf"] = 0.5
    pattern = INTEGER_PATTERN if kind == "integer" else NUMBER_PATTERN
    if bounds.get("minimum") == 0 and bounds.get("maximum") == 100 and kind == "number":
        pattern = PERCENT_PATTERN  # a share, which may be written with its sign: "33,3 %"
    node.pop("type", None)
    node["anyOf"] = [numeric, {"type": "string", "pattern": pattern}]


def _number_kind(node: dict[str, Any]) -> str | None:
    """'integer' or 'number' if node is pydantic's schema of an int or a Decimal, else None."""
    if node.get("type") in ("integer", "number"):
        return str(node["type"])
    branches = node.get("anyOf")
    if (isinstance(branches, list) and len(branches) == 2
            and branches[0] == {"type": "number"} and branches[1].get("type") == "string"):
        return "number"
    return None


def _flatten(node: Any) -> None:
    """Lift a branch that is nothing but an ``anyOf`` into its parent's ``anyOf``."""
    if isinstance(node, list):
        for item in node:
            _flatten(item)
    elif isinstance(node, dict):
        for value in node.values():
            _flatten(value)
        branches = node.get("anyOf")
        if isinstance(branches, list):
            flat: list[Any] = []
            for branch in branches:
                only_any_of = isinstance(branch, dict) and list(branch) == ["anyOf"]
                flat.extend(branch["anyOf"] if only_any_of else [branch])
            node["anyOf"] = flat
