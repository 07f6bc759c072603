"""Swedish words for what pydantic refuses: every validation error as a located problem.

A report's data is validated by pydantic; its errors are English records (``type``, ``loc``,
``ctx``). :func:`problems` words each of them in Swedish, once, at the place the user names it
(a section by its id), with the file's line where the data came from a file: the loader places
a file's errors this way, and a model built or changed in code is refused the same way
(:class:`slutrapport.fields.Modell`). Every error type pydantic-core knows has its words here; one
it adds later is still said in Swedish. A value is shown as the user wrote it in YAML
(:func:`as_written`), and a misspelt key or kind gets the nearest name
(:func:`slutrapport.names.nearest`).

Nothing here knows the report's models: the allowed keys and section kinds are read from the
model that was validated (``root``), so the words follow any model.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from slutrapport.errors import Problem
from slutrapport.formatting import format_decimal
from slutrapport.names import ID_PATTERN, nearest
from slutrapport.numbers import parse_number
from slutrapport.paths import Loc, format_loc, line_at

__all__ = ["FORBIDDEN_CHARACTERS", "as_written", "clean_text", "forbidden_message", "problems",
           "problems_of"]

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


def clean_text(text: str) -> str:
    """Remove the characters XML 1.0 forbids (see ``FORBIDDEN_CHARACTERS``), keeping all others.

    >>> clean_text("Smide\x07 & Industrimontage")
    'Smide & Industrimontage'
    """
    return FORBIDDEN_CHARACTERS.sub("", text)


def _user_loc(loc: Loc, data: Any, root: Any) -> tuple[Loc, Loc]:
    """A pydantic place without the section kind it adds (``avsnitt.5.ekonomi.budget``).

    Returns the data place (for the line) and the place as the user names it: by the section's
    id where the data gives one.
    """
    if len(loc) >= 3 and loc[0] == "avsnitt" and isinstance(loc[1], int) and \
            isinstance(loc[2], str) and _member(_at(root, loc[:2]), loc[2]) is not None:
        loc = (*loc[:2], *loc[3:])
    shown = loc
    if len(loc) >= 2 and loc[0] == "avsnitt" and isinstance(loc[1], int):
        try:
            section = data["avsnitt"][loc[1]]
            sid = section.get("id")
            if sid is None:
                # the id the report would give it: its kind, when the kind stands once
                kinds_given = [s.get("typ") for s in data["avsnitt"] if isinstance(s, Mapping)]
                if kinds_given.count(section.get("typ")) == 1:
                    sid = section.get("typ")
        except (KeyError, IndexError, TypeError, AttributeError):
            sid = None
        if isinstance(sid, str) and re.fullmatch(ID_PATTERN, sid):
            shown = (sid, *loc[2:])
    return loc, shown


def problems_of(exc: ValidationError, root: type[BaseModel] | None = None) -> list[Problem]:
    """A pydantic error raised in code (no file, no lines) as Swedish problems; ``root`` is the
    model that was validated (the places are relative to it)."""
    return problems(exc, root=root)


def problems(exc: ValidationError, *, root: type[BaseModel] | None = None,
             lines: Mapping[Loc, int] | None = None, source: str | None = None,
             data: Any = None) -> list[Problem]:
    """Each error of ``exc`` once, in Swedish, at its place as the user names it: a section by
    its id (from ``data``, the data that was validated), with its line in ``lines`` and the file
    ``source``. ``root`` is the model that was validated."""
    lines = lines or {}
    found = []
    seen: set[tuple[str, str]] = set()
    errors = _without_union_members(exc.errors(include_url=False), root)
    # A misspelt key is both an unknown key and a missing field: say it once, as the misspelling
    misspelt = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors
                if e["type"] == "extra_forbidden" and e["loc"]}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc and any(
                parent == loc[:-1] and nearest(str(loc[-1]), [key]) is not None
                for parent, key in misspelt):
            continue
        message = err["msg"] if err["type"] == "union_members" else _swedish(err, loc, root)
        if loc and loc[-1] == "[key]":  # a mapping's key, not its value, is wrong
            loc, message = loc[:-2], f"en nyckel {message}"
        elif err["type"] == "invalid_key":
            loc = loc[:-1]
        if err["type"] == "avsnitt_id":  # a section's id clashes: placed at that section
            ctx = err.get("ctx") or {}
            loc = shown = ("avsnitt", ctx["index"], *(("id",) if ctx.get("explicit") else ()))
        else:
            loc, shown = _user_loc(loc, data, root)
        key = (format_loc(shown), message)
        if key in seen:
            continue
        seen.add(key)
        found.append(Problem(message, path=format_loc(shown), line=line_at(lines, loc),
                             file=source))
    return found


_UNION_MEMBER = re.compile(
    r"(?:str|int|float|decimal|bool|none|bytes|date|datetime|time|timedelta|url|uuid"
    r"|[a-z]+(?:-[a-z]+)*\[.*\]|constrained-[a-z]+|[A-Z]\w*)")
"""How pydantic names a member of a union in an error's place (``int``, ``list[str]``,
``function-after[…]``, a model's class name); a report's own keys are lower-case words."""


def _without_union_members(errors: list[Any], root: Any) -> list[Any]:
    """A value that matched no member of a union: one error saying what it may be.

    Pydantic gives one error per member, each placed under the member's name (``x.int``,
    ``x.list[str]``). Where a member got further than its type (``x.list[str][2]``), those
    errors say more and are kept, placed without the member's name.
    """
    groups: dict[Loc, list[int]] = {}
    for i, err in enumerate(errors):
        loc = tuple(err["loc"])
        for j, part in enumerate(loc):
            if isinstance(part, str) and _UNION_MEMBER.fullmatch(part) and j:
                groups.setdefault(loc[:j], []).append(i)
                break
    unions = {prefix: members for prefix, members in groups.items()
              if len({tuple(errors[i]["loc"])[len(prefix)] for i in members}) >= 2}
    if not unions:
        return errors
    out: list[Any] = []
    done: set[Loc] = set()
    for i, err in enumerate(errors):
        prefix = next((p for p, members in unions.items() if i in members), None)
        if prefix is None:
            out.append(err)
            continue
        if prefix in done:
            continue
        done.add(prefix)
        members = [errors[k] for k in unions[prefix]]
        deeper = [m for m in members if len(m["loc"]) > len(prefix) + 1]
        if deeper:
            out += [{**m, "loc": (*prefix, *tuple(m["loc"])[len(prefix) + 1:])} for m in deeper]
            continue
        wanted: list[str] = []
        for m in members:
            said = _swedish(m, prefix, root)
            said = said.split(" (fick ")[0].removeprefix("ska vara ")
            if said not in wanted:
                wanted.append(said)
        shown = f" (fick {as_written(err['input'])})" if "input" in err else ""
        either = ", ".join(wanted[:-1]) + " eller " + wanted[-1] if len(wanted) > 1 else wanted[0]
        out.append({"type": "union_members", "loc": prefix, "msg": f"ska vara {either}{shown}",
                    "input": err.get("input")})
    return out


def as_written(value: Any) -> str:
    """A value as the user wrote it in YAML, never as Python writes it.

    >>> as_written(None), as_written(True), as_written(Decimal("198700.5")), as_written("x")
    ('ett tomt värde', 'true', '198\xa0700,5', "'x'")
    """
    if value is None:
        return "ett tomt värde"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 200:
        return f"ett tal med omkring {int(value.bit_length() * 0.30103) + 1} siffror"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, int | Decimal):
        if isinstance(value, Decimal) and (not value.is_finite() or abs(value.adjusted()) > 20):
            # as YAML writes it: .inf, .nan, 1e999 (not Python's 1E+999)
            return str(value).replace("Infinity", ".inf").replace("NaN", ".nan") \
                .replace("E+", "e").replace("E", "e")
        text = format_decimal(value, max_decimals=10)
        # four digits read as written (a year, 2023), larger figures grouped (198 700,5)
        return text.replace("\u00a0", "") if -10_000 < value < 10_000 else text
    if isinstance(value, dict):
        if len(value) == 1:
            key, item = next(iter(value.items()))
            return (f"'{_clip(f'{key}: {item}')}', som blev en samling fält eftersom texten har "
                    "kolon och mellanslag; sätt den inom citattecken")
        return "en samling fält (nyckel: värde)"
    if isinstance(value, list):
        return "en lista"
    return f"'{_clip(str(value))}'"


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _limit(value: Any) -> str:
    """A bound from pydantic's context, as the user writes figures (1 000 000, 0,5)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return as_written(value)


_CHOICE = re.compile(r"'((?:[^'\\]|\\.)*)'|(?<![\w'])(-?\d+(?:\.\d+)?)(?![\w'])")
"""One value in pydantic's list of allowed values: quoted text, or a number."""


def _choices(expected: Any) -> list[str]:
    """The values a literal or enum allows, from pydantic's "'a', 'b' or 'c'".

    >>> _choices("'text', 'antal' or 3")
    ['text', 'antal', '3']
    """
    return [text or number for text, number in _CHOICE.findall(str(expected))]


def _one_of(err: Any) -> str:
    """'ska vara ett av: …' for a literal or enum, with the nearest allowed value."""
    options = _choices((err.get("ctx") or {}).get("expected", ""))
    given = err.get("input")
    close = nearest(given, options) if isinstance(given, str) and options else None
    hint = f"; menade du '{close}'?" if close else ""
    got = f" (fick {as_written(given)}{hint})" if "input" in err else ""
    if len(options) == 1:
        return f"ska vara '{options[0]}'{got}"
    if not options:
        return f"har ett värde som inte är tillåtet här{got}"
    return "ska vara ett av: " + ", ".join(f"'{o}'" for o in options) + got


def _count(n: Any, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


_MAPPING = "ska vara en samling fält (nyckel: värde)"
_LIST = "ska vara en lista (rader som börjar med '- ')"
_DATE = "ska vara ett datum som 2022-10-31"
_DATETIME = "ska vara en tidpunkt som 2022-10-31 14:30"
_TIME = "ska vara ett klockslag som 14:30"
_DURATION = "ska vara en tidslängd, t.ex. 3 dagar skrivet som P3D"
_URL = "ska vara en webbadress som https://exempel.se"
_UUID = "ska vara ett UUID som 123e4567-e89b-12d3-a456-426614174000"

_PLAIN: dict[str, str] = {
    # the value is of the wrong sort: what it should be, then what it was ("fick …")
    "model_type": _MAPPING, "model_attributes_type": _MAPPING, "dict_type": _MAPPING,
    "mapping_type": _MAPPING, "frozen_dict_type": _MAPPING, "ordered_dict_type": _MAPPING,
    "counter_type": _MAPPING, "dataclass_type": _MAPPING, "dataclass_exact_type": _MAPPING,
    "arguments_type": _MAPPING,
    "list_type": _LIST, "tuple_type": _LIST, "set_type": _LIST, "frozen_set_type": _LIST,
    "deque_type": _LIST, "iterable_type": _LIST, "named_tuple_type": _LIST,
    "set_item_not_hashable": "värdena i listan ska vara texter eller tal, inte listor eller "
                             "samlingar fält",
    "int_type": "ska vara ett heltal", "int_parsing": "ska vara ett heltal",
    "int_parsing_size": "talet har för många siffror",
    "int_from_float": "ska vara ett heltal, inte ett decimaltal",
    "float_type": "ska vara ett tal", "float_parsing": "ska vara ett tal",
    "decimal_type": "ska vara ett tal", "decimal_parsing": "ska vara ett tal",
    "fraction_type": "ska vara ett tal", "fraction_parsing": "ska vara ett tal eller ett bråk "
                                                            "som 1/3",
    "complex_type": "ska vara ett tal", "complex_str_parsing": "ska vara ett tal",
    "finite_number": "ska vara ett ändligt tal, inte .inf eller .nan",
    "bool_type": "ska vara true eller false", "bool_parsing": "ska vara true eller false",
    "string_type": "ska vara text", "bytes_type": "ska vara text",
    "string_sub_type": "ska vara text",  # pydantic-core before 2.50
    "string_not_ascii": "får bara innehålla tecken utan å, ä, ö och accenter (ASCII)",
    "none_required": "ska vara tomt (inget värde)",
    "json_type": "ska vara text i JSON", "callable_type": "ska vara en funktion",
    "is_instance_of": "har fel slags värde", "is_subclass_of": "har fel slags värde",
    "date_type": _DATE, "date_parsing": _DATE, "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag, som 2022-10-31",
    "date_past": "ska vara ett datum som redan har varit",
    "date_future": "ska vara ett datum som ännu inte har varit",
    "datetime_type": _DATETIME, "datetime_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME, "datetime_from_date_parsing": _DATETIME,
    "datetime_past": "ska vara en tidpunkt som redan har varit",
    "datetime_future": "ska vara en tidpunkt som ännu inte har varit",
    "timezone_naive": "ska vara en tidpunkt utan tidszon",
    "timezone_aware": "ska vara en tidpunkt med tidszon, som 2022-10-31 14:30+01:00",
    "time_type": _TIME, "time_parsing": _TIME,
    "time_delta_type": _DURATION, "time_delta_parsing": _DURATION,
    "url_type": _URL, "url_parsing": _URL, "url_syntax_violation": _URL,
    "uuid_type": _UUID, "uuid_parsing": _UUID,
    "invalid_key": "en nyckel ska vara text",
    "missing_sentinel_error": "ska utelämnas",
    "ellipsis_error": "ska vara '...'",
    "assertion_error": "värdet godtas inte",
    "json_invalid": "är inte giltig JSON",
    "iteration_error": "listan kan inte läsas igenom",
    "get_attribute_error": "värdet kan inte läsas",
}
"""Error types said the same way whatever their context: the expectation, before '(fick …)'."""

_NO_INPUT: dict[str, str] = {
    # the value is not the matter (or is not the user's): no '(fick …)'
    "missing": "fältet saknas men måste finnas",
    "missing_argument": "fältet saknas men måste finnas",
    "missing_keyword_only_argument": "fältet saknas men måste finnas",
    "missing_positional_only_argument": "fältet saknas men måste finnas",
    "unexpected_keyword_argument": "fältet finns inte här",
    "unexpected_positional_argument": "ett värde för mycket",
    "multiple_argument_values": "fältet anges två gånger",
    "frozen_field": "fältet kan inte ändras",
    "frozen_instance": "värdena kan inte ändras",
    "recursion_loop": "värdet innehåller sig självt (en cirkelreferens), så det tar aldrig slut",
    "recursion_depth_exceeded": "värdet är nästlat för djupt",
    "default_factory_not_called": "kan inte räknas fram, eftersom ett annat fält har fel",
    "needs_python_object": "kan inte anges i en datafil",
}


def _swedish(err: Any, loc: Loc, root: Any) -> str:
    """A pydantic error as a Swedish message; never pydantic's English.

    Every type in pydantic_core's ``ErrorType`` has its words here; a type unknown to this
    version (a custom one from a validator) says what it can, in Swedish.
    """
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = f" (fick {as_written(err.get('input'))})" if "input" in err else ""
    if kind in _NO_INPUT:
        return _NO_INPUT[kind]
    if kind == "avsnitt_id":
        return str(err["msg"])
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        return _section_kind(err, kind, ctx, sorted(_tags(_at(root, loc))))
    if kind == "extra_forbidden":
        return _unknown_key(loc, root)
    if kind == "no_such_attribute":
        return f"okänt fält '{ctx.get('attribute', loc[-1] if loc else '')}'"
    if kind == "value_error":
        return str(ctx.get("error", "")) or "värdet godtas inte" + got
    if kind in {"literal_error", "enum"}:
        return _one_of(err)
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than",
                "multiple_of"}:
        return _bound(kind, ctx, loc) + got
    if kind in {"too_short", "too_long"}:
        return _length(kind, ctx)
    if kind == "string_type" and type(err.get("input")) is int and err["input"] >= 10_000:
        # a case number, an organisation number written bare: YAML read it as a number (and
        # would have dropped a leading zero), so it is said as written, ungrouped
        written = str(err["input"])
        return (f"ska vara text (fick talet {written}); skriv det inom citattecken, "
                f"\"{written}\", så står det som det är skrivet")
    if kind == "string_unicode":
        # pydantic refuses a lone surrogate before our own validator sees it: say it the same way
        return forbidden_message(str(err.get("input", ""))) or "ska vara text" + got
    if kind == "string_too_short":
        if ctx.get("min_length", 1) == 1:
            return "får inte vara tomt"
        return f"ska ha minst {_count(ctx.get('min_length'), 'tecken', 'tecken')}" + got
    if kind == "string_too_long":
        given = err.get("input")
        length = f" (har {len(given)})" if isinstance(given, str) else ""
        return f"får ha högst {_count(ctx.get('max_length'), 'tecken', 'tecken')}{length}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ID_PATTERN:
            return ("ett avsnitts id ska ha små bokstäver a–z, siffror och _ och börja med en "
                    "bokstav, t.ex. samverkan_umea" + got)
        if loc and loc[-1] == "kod":
            return "ska vara en EU-kod för indikatorer, t.ex. RCO01 eller RCR02" + got
        if ctx.get("pattern") == r"^\d{4}(-\d{2}(-\d{2})?)?$":
            return "ska vara ett datum som 2022, 2022-10 eller 2022-10-31" + got
        return "har inte den form som krävs här" + got
    if kind in {"bytes_too_short", "bytes_too_long"}:
        most = "minst" if kind == "bytes_too_short" else "högst"
        limit = ctx.get("min_length", ctx.get("max_length"))
        return f"ska ha {most} {_count(limit, 'tecken', 'tecken')}" + got
    if kind == "bytes_invalid_encoding":
        return f"är inte giltig text ({ctx.get('encoding', 'okänd kodning')})" + got
    if kind in {"decimal_max_digits", "decimal_max_places", "decimal_whole_digits"}:
        limit = ctx.get("max_digits", ctx.get("decimal_places", ctx.get("whole_digits")))
        what = {"decimal_max_digits": "siffror", "decimal_max_places": "decimaler",
                "decimal_whole_digits": "siffror före decimaltecknet"}[kind]
        return f"har för många {what} (högst {limit})" + got
    if kind == "timezone_offset":
        return ("ska ha tidszonen " + _offset(ctx.get("tz_expected")) + got)
    if kind == "url_too_long":
        return f"webbadressen är för lång (högst {ctx.get('max_length')} tecken)" + got
    if kind == "url_scheme":
        schemes = _choices(ctx.get("expected_schemes", "")) or ["http", "https"]
        return ("webbadressen ska börja med " + " eller ".join(f"{s}://" for s in schemes)
                + got)
    if kind == "uuid_version":
        return f"ska vara ett UUID av version {ctx.get('expected_version')}" + got
    if kind in _PLAIN:
        return _PLAIN[kind] + got + _unit_hint(kind, err.get("input"))
    return "värdet kan inte användas här" + got


_WRITTEN_UNIT = re.compile(
    r"(?P<number>[+\-\u2212]?\d[\d\s\u00a0\u202f]*(?:,\d+)?)\s*"
    r"(?P<unit>kr|kronor|sek|:-|tkr|tusen(?: kr| kronor)?|mkr|milj(?:oner|\.)?(?: kr| kronor)?"
    r"|st|stycken|personer|företag|timmar|tim|h|%|procent)\.?", re.IGNORECASE)
_POINT_GROUPS = re.compile(r"[+\-\u2212]?\d{1,3}(?:\.\d{3}){2,}")
_SCALE = {"tkr": 1000, "tusen": 1000, "mkr": 1_000_000, "milj": 1_000_000}


def _unit_hint(kind: str, given: Any) -> str:
    """How to write a figure the user gave with its unit (``1 200 000 kr``, ``1,2 mkr``,
    ``45 st``): the figure alone, in whole kronor where the unit scales it.

    >>> _unit_hint("int_parsing", "1,2 mkr"), _unit_hint("int_parsing", "45 st")
    ('; skriv beloppet i hela kronor utan enhet: 1 200 000', '; skriv bara talet: 45')
    >>> _unit_hint("int_parsing", "många")
    ''
    """
    if kind not in {"int_parsing", "decimal_parsing", "float_parsing"} or \
            not isinstance(given, str):
        return ""
    text = given.strip()
    if _POINT_GROUPS.fullmatch(text):  # 1.200.000: thousands grouped by points
        grouped = parse_number(text, grouping=True)
        return (f"; skriv tusental med mellanslag, inte punkt: {_typed(grouped)}"
                if grouped is not None else "")
    found = _WRITTEN_UNIT.fullmatch(text)
    number = parse_number(found.group("number")) if found else None
    if found is None or number is None:
        return ""
    unit = found.group("unit").casefold()
    scale = next((factor for prefix, factor in _SCALE.items() if unit.startswith(prefix)), 1)
    money = scale != 1 or unit in {"kr", "kronor", "sek", ":-"}
    value = number * scale
    if value != value.to_integral_value():
        return "; belopp skrivs i hela kronor, utan enhet och ören" if money else ""
    if money:
        return f"; skriv beloppet i hela kronor utan enhet: {_typed(value)}"
    return f"; skriv bara talet: {_typed(value)}"


def _typed(value: Decimal) -> str:
    """A whole number as the user types it in the data file: groups of three apart by a plain
    space (YAML reads it back), the minus sign U+2212."""
    return f"{int(value):,}".replace(",", " ").replace("-", "\u2212")


def _section_kind(err: Any, kind: str, ctx: Mapping[str, Any], kinds: list[str]) -> str:
    kinds = kinds or _choices(ctx.get("expected_tags", ""))
    names = ", ".join(kinds)
    tag = ctx.get("tag")
    if kind == "union_tag_not_found" or tag is None:
        return f"avsnittet saknar 'typ'; ange en av: {names}"
    given = err.get("input", {}).get("typ") if isinstance(err.get("input"), dict) else tag
    if not isinstance(given, str):
        return f"avsnittets 'typ' ska vara ett av namnen {names}, inte {as_written(given)}"
    close = nearest(str(tag), kinds)
    hint = f"menade du '{close}'? " if close else ""
    return f"okänd avsnittstyp '{tag}'; {hint}typerna som finns: {names}"


def _bound(kind: str, ctx: Mapping[str, Any], loc: Loc) -> str:
    if kind == "multiple_of":
        return f"ska vara en multipel av {_limit(ctx.get('multiple_of'))}"
    if kind == "greater_than_equal":
        limit = ctx.get("ge")
        return "får inte vara negativt" if str(limit) == "0" else \
            f"får inte vara mindre än {_limit(limit)}"
    if kind == "greater_than":
        return f"ska vara större än {_limit(ctx.get('gt'))}"
    if kind == "less_than":
        return f"ska vara mindre än {_limit(ctx.get('lt'))}"
    limit = ctx.get("le")
    if loc and str(limit) == "100":
        return "en procentsats får vara högst 100"
    return f"är orimligt stort (högst {_limit(limit)})"


def _length(kind: str, ctx: Mapping[str, Any]) -> str:
    fields = ctx.get("field_type") == "Dictionary"
    one, many = ("fält", "fält") if fields else ("rad", "rader")
    what = "samlingen" if fields else "listan"
    actual = ctx.get("actual_length")
    if kind == "too_short":
        if ctx.get("min_length") == 1 and actual == 0:
            return f"{what} får inte vara tom; ange minst {'ett fält' if fields else 'en rad'}"
        return (f"{what} ska ha minst {_count(ctx.get('min_length'), one, many)}"
                f" (har {actual})")
    shown = f" (har {actual})" if actual is not None else ""
    return f"{what} får ha högst {_count(ctx.get('max_length'), one, many)}{shown}"


def _offset(seconds: Any) -> str:
    if not isinstance(seconds, int):
        return str(seconds)
    sign = "+" if seconds >= 0 else "−"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _unknown_key(loc: Loc, root: Any) -> str:
    key = str(loc[-1])
    allowed = _allowed_keys(loc[:-1], root)
    hint = ""
    if allowed:
        close = nearest(key, allowed)
        if close:
            hint = f"; menade du '{close}'?"
        else:
            hint = "; tillåtna fält här: " + ", ".join(sorted(allowed))
    return f"okänt fält '{key}'{hint}"


def _allowed_keys(loc: Loc, root: Any) -> list[str]:
    """The field names allowed at a location, following the root model's annotations."""
    model = _at(root, loc)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _at(root: Any, loc: Loc) -> Any:
    """The annotation at a place under the root model (Optional and Annotated stripped), or
    None where the place leads nowhere."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            model = _element(model)
        elif not (isinstance(model, type) and issubclass(model, BaseModel)):
            model = _member(model, part)  # the kind pydantic names in a section's place
        else:
            field = model.model_fields.get(part)
            if field is None:
                return None
            model = field.annotation
        model = _unwrap(model)
    return model


def _members(union: Any) -> list[type[BaseModel]]:
    """The models a (tagged) union may be."""
    if typing.get_origin(union) not in (typing.Union, types.UnionType):
        return []
    return [m for m in map(_unwrap, typing.get_args(union))
            if isinstance(m, type) and issubclass(m, BaseModel)]


def _literals(model: type[BaseModel]) -> dict[str, list[str]]:
    """A model's fields whose value is one of a few literals, and those literals."""
    return {name: [str(v) for v in typing.get_args(info.annotation)]
            for name, info in model.model_fields.items()
            if typing.get_origin(info.annotation) is Literal}


def _tagged(union: Any) -> list[tuple[type[BaseModel], list[str]]]:
    """The models of a tagged union, each with its tags: the literals of the field every member
    has (the discriminator, a section's ``typ``)."""
    members = [(m, _literals(m)) for m in _members(union)]
    if not members:
        return []
    common = set.intersection(*(set(literals) for _, literals in members))
    return [(m, [tag for name in sorted(common) for tag in literals[name]])
            for m, literals in members]


def _member(union: Any, tag: str) -> type[BaseModel] | None:
    """The model of a tagged union whose tag is ``tag``."""
    return next((m for m, tags in _tagged(union) if tag in tags), None)


def _tags(union: Any) -> list[str]:
    """The tags of a tagged union (the section kinds at ``avsnitt[i]``)."""
    return [tag for _, tags in _tagged(union) for tag in tags]


def _unwrap(tp: Any) -> Any:
    """Strip Optional and Annotated from an annotation."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        else:
            return tp


def _element(tp: Any) -> Any:
    args = typing.get_args(_unwrap(tp))
    return args[-1] if args else None
