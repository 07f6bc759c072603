"""Reading a report from YAML, keeping the line of every field, and validating it.

Everything that can go wrong with an input file becomes an :class:`~slutrapport.errors.InputError`
whose problems name the file, the line and the field, in Swedish — never a traceback.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from slutrapport.errors import InputError, Problem
from slutrapport.kinds import ID_PATTERN, KINDS
from slutrapport.migrate import is_old_form
from slutrapport.models import Slutrapport, forbidden_message

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_CHARS",
    "MAX_FILE_BYTES",
    "format_loc",
    "from_data",
    "load",
    "problems_of",
    "read_yaml",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A data file larger than this is refused rather than read (a report is well under 1 MB)."""
MAX_DEPTH = 64
"""The deepest nesting of lists and mappings a data file may have (a report needs about ten)."""
MAX_EXPANDED_CHARS = 2 * MAX_FILE_BYTES
"""The most text a file may hold once every alias (*namn) is written out in full."""

Loc = tuple[str | int, ...]

_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters a YAML stream may not hold at all (ruamel's reader refuses them)."""




class _AliasedContainer(Exception):
    """A list or mapping used a second time through a YAML alias."""

    def __init__(self, loc: Loc) -> None:
        self.loc = loc


def format_loc(loc: Loc) -> str:
    """A path in the data as the user writes it.

    >>> format_loc(("ekonomi", "kostnader", 2, "belopp"))
    'ekonomi.kostnader[2].belopp'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load(path: str | Path) -> Slutrapport:
    """Read and validate a report from a YAML file; raise InputError naming file, line and field."""
    data, lines = read_yaml(path)
    return from_data(data, lines=lines, source=str(path))


def read_yaml(path: str | Path) -> tuple[Any, dict[Loc, int]]:
    """Parse a YAML file into plain Python data and a map from each path to its 1-based line."""
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise InputError([Problem("filen finns inte", file=file)])
    if p.is_dir():
        raise InputError([Problem("är en mapp, inte en fil; ange YAML-filen med rapportens data",
                                  file=file)])
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError([Problem(
                f"filen är för stor ({-(-size // (1024 * 1024))} MB; högst "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB) — är det rätt fil?", file=file)])
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError([Problem(f"filen kan inte läsas ({exc.strerror})", file=file)]) from exc
    text = _decode(raw, file)
    if not text.strip():
        raise InputError([Problem("filen är tom; den ska innehålla rapportens data i YAML",
                                  file=file)])
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem or ""):
                raise  # libyaml's own limit; the pure-Python reader would only recurse deeper
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            # libyaml's messages are terser; the pure-Python reader says the same thing the way
            # the messages below are written for (and errors are rare, so its speed is no matter)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise InputError([Problem(
            f"filen är nästlad för djupt (listor och fält i fler än {MAX_DEPTH} nivåer); "
            "en rapport behöver ett tiotal", file=file)]) from None
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem or ""):
            raise InputError([Problem(
                f"filen är nästlad för djupt (listor och fält i fler än {MAX_DEPTH} nivåer); "
                "en rapport behöver ett tiotal", line=exc.problem_mark.line + 1
                if exc.problem_mark else None, file=file)]) from None
        raise InputError([_yaml_problem(exc, file, None)]) from exc
    except yaml.reader.ReaderError as exc:
        raise InputError([_reader_problem(exc, text, file)]) from exc
    except yaml.YAMLError as exc:
        raise InputError([Problem(f"ogiltig YAML: {exc}", file=file)]) from exc
    if not isinstance(node, yaml.MappingNode):
        shown = None if node is None else _scalar(node) if isinstance(
            node, yaml.ScalarNode) else []
        raise InputError([Problem(
            "filen ska innehålla fält som 'projekt:' och 'avsnitt:' (en YAML-mappning), "
            f"men innehåller {_kind(shown)}", line=1, file=file)])
    lines: dict[Loc, int] = {(): 1}
    try:
        plain = _from_node(node, (), lines, set(), [0])
    except _AliasedContainer as exc:
        raise InputError([Problem(
            "en lista eller samling fält får inte återanvändas med ett alias (*namn); "
            "skriv ut värdena", path=format_loc(exc.loc), line=_line(lines, exc.loc[:-1]),
            file=file)]) from None
    except _DuplicateKey as exc:
        raise InputError([Problem(f"nyckeln '{exc.key}' står två gånger",
                                  path=format_loc(exc.loc), line=exc.line, file=file)]) from None
    except _TooDeep as exc:
        raise InputError([Problem(
            f"filen är nästlad för djupt (listor och fält i fler än {MAX_DEPTH} nivåer); "
            "en rapport behöver ett tiotal", path=format_loc(exc.loc[:8]) + " …",
            line=_line(lines, exc.loc), file=file)]) from None
    except _TooMuchText as exc:
        raise InputError([Problem(
            f"filen blir för stor när alias (*namn) skrivs ut: över "
            f"{MAX_EXPANDED_CHARS // (1024 * 1024)} miljoner tecken text; skriv ut värdena i "
            "stället för att upprepa en lång text med alias", path=format_loc(exc.loc),
            line=_line(lines, exc.loc), file=file)]) from None
    return plain, lines


# Reading: PyYAML's composer (libyaml's C parser where installed) gives the node tree with the
# line of every node, about 25 times faster than ruamel's pure-Python round-trip loader. The
# nodes are turned into data here, by YAML 1.2's core schema (so 'no' and 'on' stay text, and
# dates stay text until the model parses them), with duplicate keys and reused aliases refused.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}


class _TooDeep(Exception):
    def __init__(self, loc: Loc) -> None:
        self.loc = loc


class _TooMuchText(Exception):
    def __init__(self, loc: Loc) -> None:
        self.loc = loc


class _DuplicateKey(Exception):
    def __init__(self, key: str, loc: Loc, line: int) -> None:
        self.key, self.loc, self.line = key, loc, line


def _scalar(node: Any) -> Any:
    """A scalar by YAML 1.2's core schema; quoted, block and explicitly tagged text stays text."""
    value: str = node.value
    if node.style:  # quoted or block ('' is plain in libyaml, None in the pure reader)
        return value
    implicit = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if node.tag == _STR and implicit != _STR:
        return value  # '!!str 12': tagged as text on purpose
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if len(value) > 40 and (_INT.match(value) or _FLOAT.match(value)):
        return value  # far more digits than any figure: the model refuses it as text, with care
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return Decimal(value)
    special = _SPECIAL.get(value.lower())
    if special is not None:
        return Decimal(special)
    if len(value) > 40:
        return value
    if re.fullmatch(r"0o[0-7]+", value):
        return int(value[2:], 8)
    if re.fullmatch(r"0x[0-9a-fA-F]+", value):
        return int(value[2:], 16)
    return value


def _from_node(node: Any, loc: Loc, lines: dict[Loc, int], seen: set[int],
               chars: list[int]) -> Any:
    """Data from a composed node, recording the line of every key and list item.

    A list or mapping reached a second time (through an alias) is refused rather than copied
    again: nested aliases would otherwise expand a small file into billions of values. A text
    may be repeated through aliases, but the text of the whole file, aliases written out
    (``chars``), is bounded, and so is the nesting.
    """
    if isinstance(node, yaml.ScalarNode):
        chars[0] += len(node.value)
        if chars[0] > MAX_EXPANDED_CHARS:
            raise _TooMuchText(loc)
        return _scalar(node)
    if len(loc) > MAX_DEPTH:
        raise _TooDeep(loc)
    if id(node) in seen:
        raise _AliasedContainer(loc)
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[(*loc, i)] = item.start_mark.line + 1
            items.append(_from_node(item, (*loc, i), lines, seen, chars))
        return items
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
        line = key_node.start_mark.line + 1
        if key in out:
            raise _DuplicateKey(key, (*loc, key), line)
        lines[(*loc, key)] = line
        out[key] = _from_node(value_node, (*loc, key), lines, seen, chars)
    return out


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """A character YAML refuses (a control character), placed at its line and, if found, field."""
    position = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1)
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return Problem(
        f"otillåtet tecken U+{code:04X} (ett styrtecken, som inte får finnas i YAML eller i ett "
        "Word-dokument); ta bort det", path=_field_at(text, line, column), line=line, file=file)


def _field_at(text: str, line: int, column: int) -> str:
    """The field whose value holds the given place, found by parsing without bad characters."""
    try:
        root = yaml.compose(_NOT_YAML.sub(" ", text), Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return ""
    where = (line - 1, column)
    best: Loc = ()

    def walk(node: Any, loc: Loc) -> None:
        nonlocal best
        if isinstance(node, yaml.MappingNode):
            children = [(str(k.value), v) for k, v in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [(i, v) for i, v in enumerate(node.value)]  # type: ignore[misc]
        else:
            return
        for part, child in children:
            start = (child.start_mark.line, child.start_mark.column)
            end = (child.end_mark.line, child.end_mark.column)
            if start <= where <= end:
                best = (*loc, part)
                walk(child, best)

    walk(root, ())
    if root is not None and len(best) >= 2 and best[0] == "avsnitt" and isinstance(best[1], int):
        # a section is named by its id, as in every other message
        section = next(v for k, v in root.value if str(k.value) == "avsnitt").value[best[1]]
        sid = next((v.value for k, v in section.value if str(k.value) == "id"), None) \
            if isinstance(section, yaml.MappingNode) else None
        if isinstance(sid, str) and re.fullmatch(ID_PATTERN, sid):
            best = (sid, *best[2:])
    return format_loc(best)


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError([Problem(
            "filen är sparad som UTF-16; spara den som UTF-8", line=1, file=file)])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte order mark is harmless: drop it
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(
            f"filen är inte UTF-8 (byte 0x{raw[exc.start]:02X} på rad {line}); "
            "spara den som UTF-8", line=line, file=file)]) from exc


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str, lead: str | None) -> Problem:
    if "quoted scalar" in (exc.context or "") and exc.context_mark is not None:
        return Problem("ett citattecken som börjar här stängs aldrig",
                       line=exc.context_mark.line + 1, file=file)
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    what = exc.problem or ""
    translations = {
        "found character '\\t' that cannot start any token":
            "tabbtecken får inte användas för indrag i YAML; använd mellanslag",
        "mapping values are not allowed here":
            "kolon på fel ställe (saknas ett mellanslag efter kolon, eller citattecken runt "
            "texten?)",
        "could not find expected ':'": "ett kolon saknas efter nyckeln",
        "found duplicate key": "samma nyckel står två gånger",
        "expected <block end>, but found":
            "indraget stämmer inte med raderna ovanför (eller har ett citattecken längre upp "
            "inte stängts?)",
        "found unexpected end of stream":
            "filen tar slut mitt i ett värde; stängs alla citattecken och parenteser?",
        "but found another document":
            "filen får bara innehålla ett YAML-dokument; ta bort raden '---'",
    }
    message = next((sv for en, sv in translations.items() if en in what), None)
    if message is None:
        message = lead or f"ogiltig YAML: {what or exc}"
    return Problem(message, line=line, file=file)


def _kind(value: Any) -> str:
    if value is None:
        return "inget"
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, str):
        return "bara text"
    if isinstance(value, bool):
        return "ett sanningsvärde"
    return "ett tal"


def from_data(
    data: Mapping[str, Any], *, lines: Mapping[Loc, int] | None = None, source: str | None = None
) -> Slutrapport:
    """Validate plain data (e.g. parsed YAML or JSON) into a report, or raise InputError."""
    lines = dict(lines or {})
    if is_old_form(data):
        name = source or "FIL"
        raise InputError([Problem(
            "filen är skriven för slutrapport 0.1, där avsnitten stod som egna fält "
            "(inledning, aktiviteter, ekonomi …); nu står de i listan 'avsnitt'. Skriv om den "
            f"med 'slutrapport migrate {name}' (kommentarer och ordning behålls)", file=source)])
    try:
        report: Slutrapport = Slutrapport.model_validate(data)
    except InputError as exc:
        if not isinstance(exc.validation_error, ValidationError):
            raise
        raise InputError(_problems(exc.validation_error, lines, source, data)) from None
    report._lines = lines
    report._source = source
    return report


def _line(lines: Mapping[Loc, int], loc: Loc) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def _user_loc(loc: Loc, data: Any) -> tuple[Loc, Loc]:
    """A pydantic place without the section kind it adds (``avsnitt.5.ekonomi.budget``).

    Returns the data place (for the line) and the place as the user names it: by the section's
    id where the data gives one.
    """
    if len(loc) >= 3 and loc[0] == "avsnitt" and isinstance(loc[1], int) and loc[2] in KINDS:
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


def problems_of(exc: ValidationError) -> list[Problem]:
    """A pydantic error raised in code (no file, no lines) as Swedish problems."""
    return _problems(exc, {}, None)


def _problems(exc: ValidationError, lines: Mapping[Loc, int], source: str | None,
              data: Any = None) -> list[Problem]:
    problems = []
    seen: set[tuple[str, str]] = set()
    errors = exc.errors(include_url=False)
    # A misspelt key is both an unknown key and a missing field: say it once, as the misspelling
    misspelt = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors
                if e["type"] == "extra_forbidden" and e["loc"]}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc and any(
                parent == loc[:-1] and difflib.get_close_matches(str(loc[-1]), [key], cutoff=0.6)
                for parent, key in misspelt):
            continue
        message = _swedish(err, loc)
        if err["type"] == "avsnitt_id":  # a section's id clashes: placed at that section
            ctx = err.get("ctx") or {}
            loc = shown = ("avsnitt", ctx["index"], *(("id",) if ctx.get("explicit") else ()))
        else:
            loc, shown = _user_loc(loc, data)
        key = (format_loc(shown), message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(message, path=format_loc(shown), line=_line(lines, loc),
                                file=source))
    return problems


def _shown(value: Any) -> str:
    """A value as the user wrote it in YAML, never as Python writes it."""
    from slutrapport.formatting import format_decimal

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
            return str(value).replace("Infinity", ".inf").replace("NaN", ".nan")
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


def _swedish(err: Any, loc: Loc) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = f" (fick {_shown(err.get('input'))})" if "input" in err else ""
    if kind == "missing":
        return "fältet saknas men måste finnas"
    if kind == "avsnitt_id":
        return str(err["msg"])
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        names = ", ".join(sorted(KINDS))
        tag = ctx.get("tag")
        if kind == "union_tag_not_found" or tag is None:
            return f"avsnittet saknar 'typ'; ange en av: {names}"
        given = err.get("input", {}).get("typ") if isinstance(err.get("input"), dict) else tag
        if not isinstance(given, str):
            return f"avsnittets 'typ' ska vara ett av namnen {names}, inte {_shown(given)}"
        close = difflib.get_close_matches(str(tag), list(KINDS), n=1, cutoff=0.6)
        hint = f"menade du '{close[0]}'? " if close else ""
        return f"okänd avsnittstyp '{tag}'; {hint}typerna som finns: {names}"
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind in {"int_parsing", "int_type"}:
        return "ska vara ett heltal" + got
    if kind == "int_from_float":
        return "ska vara ett heltal, inte ett decimaltal" + got
    if kind == "finite_number":
        return "ska vara ett ändligt tal, inte .inf eller .nan" + got
    if kind in {"decimal_parsing", "decimal_type", "float_parsing", "float_type"}:
        return "ska vara ett tal" + got
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        if str(limit) == "0":
            return "får inte vara negativt" + got
        return f"får inte vara mindre än {limit}" + got
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        if loc and str(limit) == "100":
            return "en procentsats får vara högst 100" + got
        return f"är orimligt stort (högst {limit})" + got
    if kind == "string_unicode":
        # pydantic refuses a lone surrogate before our own validator sees it: say it the same way
        return forbidden_message(str(err.get("input", ""))) or "ska vara text" + got
    if kind == "string_type":
        return "ska vara text" + got
    if kind == "string_too_short":
        return "får inte vara tomt"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ID_PATTERN:
            return ("ett avsnitts id ska ha små bokstäver a–z, siffror och _ och börja med en "
                    "bokstav, t.ex. samverkan_umea" + got)
        if loc and loc[-1] == "kod":
            return "ska vara en EU-kod för indikatorer, t.ex. RCO01 eller RCR02" + got
        return "ska vara ett datum som 2022, 2022-10 eller 2022-10-31" + got
    if kind == "list_type":
        return "ska vara en lista (rader som börjar med '- ')" + got
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "ska vara en samling fält (nyckel: värde)" + got
    if kind == "bool_type" or kind == "bool_parsing":
        return "ska vara true eller false" + got
    if kind == "decimal_max_places":
        return "har för många decimaler" + got
    return f"{err['msg']}{got}"


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1])
    allowed = _allowed_keys(loc[:-1])
    hint = ""
    if allowed:
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close:
            hint = f"; menade du '{close[0]}'?"
        else:
            hint = "; tillåtna fält här: " + ", ".join(sorted(allowed))
    return f"okänt fält '{key}'{hint}"


def _allowed_keys(loc: Loc) -> list[str]:
    """The field names allowed at a location, following the model's annotations."""
    model: Any = Slutrapport
    for part in loc:
        if isinstance(part, int):
            model = _element(model)
        elif part in KINDS and not (isinstance(model, type) and issubclass(model, BaseModel)):
            model = KINDS[part]  # the kind pydantic names in a section's place
        else:
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                return []
            field = model.model_fields.get(part)
            if field is None:
                return []
            model = field.annotation
        model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


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
