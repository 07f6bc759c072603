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
    "parse_yaml",
    "problems_of",
    "read_yaml",
    "too_big",
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
            raise InputError([too_big(size, file)])
        raw = p.read_bytes()
    except OSError as exc:
        from slutrapport._files import os_error_text

        raise InputError([Problem(f"filen kan inte läsas ({os_error_text(exc)})",
                                  file=file)]) from exc
    return parse_yaml(_decode(raw, file), file)


def too_big(size: int, file: str | None) -> Problem:
    """The problem of a file of ``size`` bytes over :data:`MAX_FILE_BYTES` (for every reader of
    data files: the loader, ``migrate``)."""
    return Problem(f"filen är för stor ({-(-size // (1024 * 1024))} MB; högst "
                   f"{MAX_FILE_BYTES // (1024 * 1024)} MB) — är det rätt fil?", file=file)


def parse_yaml(text: str, file: str) -> tuple[Any, dict[Loc, int]]:
    """:func:`read_yaml` for a text already read (``file`` names it in messages); the size is
    the caller's to check (:func:`too_big`)."""
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
        raise InputError([_yaml_problem(exc, file)]) from exc
    except yaml.reader.ReaderError as exc:
        raise InputError([_reader_problem(exc, text, file)]) from exc
    except yaml.YAMLError as exc:
        raise InputError([Problem("filen kan inte läsas som YAML", file=file)]) from exc
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


_QUOTE_IT = "sätt texten inom citattecken"
_CLOSERS = {"[": "]", "{": "}"}
_FLOW_NAME = {"[": ("lista", "listan"), "{": ("samling", "samlingen")}
"""A list in [ ] and fields in { }, and the same with the definite article."""


def syntax_problem(text: str, file: str | None = None) -> Problem | None:
    """What is wrong with a YAML text's syntax, in Swedish at its line; None if nothing is.

    For readers of YAML other than :func:`read_yaml` (``migrate`` reads with ruamel), so a
    mistake is said the same way whoever reads the file.
    """
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return _yaml_problem(exc, file)
    except (yaml.YAMLError, RecursionError):
        return Problem("filen kan inte läsas som YAML", file=file)
    return None


def _yaml_problem(exc: yaml.MarkedYAMLError, file: str | None) -> Problem:
    """PyYAML's complaint in Swedish, at the line where the mistake most likely is.

    Every problem PyYAML's scanner, parser and composer can raise has its words here (the loader
    composes nodes and builds the data itself, so PyYAML's constructor never runs); one this
    version doesn't know is still said in Swedish, at its line.
    """
    message, mark = _yaml_words(exc)
    line = mark.line + 1 if mark is not None else None
    return Problem(message, line=line, file=file)


def _yaml_words(exc: yaml.MarkedYAMLError) -> tuple[str, Any]:
    """The Swedish message for a YAML error, and the mark whose line it is placed at."""
    problem = exc.problem or ""
    context = exc.context or ""
    at, opened = exc.problem_mark, exc.context_mark
    here = at or opened
    found = re.search(r"(?:found|got) ('.*'|\S+)$", problem)
    token = found.group(1).strip("'") if found else ""

    if problem.startswith(("found unknown escape character", "expected escape sequence")):
        return ("ett snedstreck \\ inom dubbla citattecken inleder en teckenkod, och den här "
                "finns inte; skriv \\\\ för ett snedstreck, eller använd enkla citattecken "
                "('C:\\data')", here)
    if "quoted scalar" in context and opened is not None:
        quote = _char_at(opened) if _char_at(opened) in "\"'" else '"'
        return (f"ett citattecken ({quote}) börjar här men stängs aldrig; sätt ett {quote} där "
                "texten slutar", opened)
    if "found character '\\t' that cannot start any token" in problem:
        return "tabbtecken får inte användas för indrag i YAML; använd mellanslag", here
    if "that cannot start any token" in problem:
        char = re.search(r"found character '(.*)' that", problem)
        shown = char.group(1) if char else "?"
        return (f"ett värde kan inte börja med tecknet '{shown}' (det har en egen betydelse i "
                f"YAML); {_QUOTE_IT}", here)
    if problem == "mapping values are not allowed here":
        return ("kolon på fel ställe (saknas ett mellanslag efter kolon, eller citattecken runt "
                "texten?)", here)
    if problem == "could not find expected ':'":
        return ("ett kolon saknas efter nyckeln (en rad i en samling fält skrivs 'nyckel: "
                f"värde'; en text som fortsätter på nästa rad: {_QUOTE_IT})", opened or here)
    if problem == "sequence entries are not allowed here":
        return ("'- ' (en rad i en lista) kan inte stå här; listans rader börjar var och en på en "
                "egen rad, under nyckeln och med samma indrag", here)
    if problem == "mapping keys are not allowed here":
        return f"'? ' kan inte stå här; om texten ska börja med '?': {_QUOTE_IT}", here
    if problem.startswith("expected <block end>"):
        return _block_end(token, at)
    if problem.startswith(("expected ',' or ']'", "expected ',' or '}'")):
        return _flow_unclosed("{" if "'}'" in problem else "[", token, at, opened)
    if problem.startswith("expected the node content"):
        return (f"ett värde kan inte börja med '{token}' här; om tecknet hör till texten: "
                f"{_QUOTE_IT}", here)
    if problem == "found unexpected end of stream":
        return "filen tar slut mitt i ett värde; stängs alla citattecken och parenteser?", here
    if "but found another document" in problem or "expected a single document" in context:
        return "filen får bara innehålla ett YAML-dokument; ta bort raden '---'", at or here
    if problem.startswith("expected '<document start>'"):
        if "..." in _lines_before(at):
            return "filen får bara innehålla ett YAML-dokument; ta bort raden '...'", here
        return ("efter en rad som börjar med '%' (ett YAML-direktiv) ska raden '---' stå; ta bort "
                "raden med '%', eller sätt den inom citattecken", here)
    if "directive" in context or "directive" in problem or "incompatible YAML document" in \
            problem or problem.startswith("duplicate tag handle"):
        return ("en rad som börjar med '%' är ett YAML-direktiv, och det här är ogiltigt; ta bort "
                f"raden, eller om den hör till en text: {_QUOTE_IT}", here)
    if "tag" in context or "undefined tag handle" in problem:
        return ("ett värde som börjar med '!' är en YAML-tagg, och den här är ogiltig; om '!' hör "
                f"till texten: {_QUOTE_IT}", here)
    if context in ("while scanning an anchor", "while scanning an alias") or \
            problem.startswith("found undefined alias"):
        sign = "&" if "anchor" in context else "*"
        what = "ett ankare (&namn)" if sign == "&" else "ett alias (*namn)"
        name = re.search(r"alias '(.*)'", problem)
        missing = f", men ankaret '&{name.group(1)}' finns inte ovanför" if name else ""
        return (f"en text som börjar med '{sign}' läses i YAML som {what}{missing}; "
                f"{_QUOTE_IT}", here)
    if context.startswith("found duplicate anchor"):
        name = re.search(r"anchor '(.*)'", context)
        first = f" (första gången på rad {opened.line + 1})" if opened is not None else ""
        return (f"ankaret '&{name.group(1) if name else ''}' står två gånger{first}; ge "
                "ankarna olika namn", at or here)
    if "block scalar" in context:
        return ("efter '|' eller '>' får bara '+', '-' eller en siffra 1–9 stå på raden; texten "
                "börjar på nästa rad, indragen", here)
    if problem == "found duplicate key":
        return "samma nyckel står två gånger", here
    if problem == "found unexpected document separator":
        return "filen får bara innehålla ett YAML-dokument; ta bort raden '---'", here
    return ("filen kan inte läsas som YAML här; kontrollera indrag, kolon och citattecken på "
            "raden och raden ovanför", here)


def _char_at(mark: Any) -> str:
    """The character a mark points at, where the reader kept the text (PyYAML's own reader)."""
    buffer, pointer = getattr(mark, "buffer", None), getattr(mark, "pointer", None)
    if isinstance(buffer, str) and isinstance(pointer, int) and 0 <= pointer < len(buffer):
        return buffer[pointer]
    return ""


def _lines_before(mark: Any) -> list[str]:
    buffer, pointer = getattr(mark, "buffer", None), getattr(mark, "pointer", None)
    if not isinstance(buffer, str) or not isinstance(pointer, int):
        return []
    return [line.strip() for line in buffer[:pointer].splitlines()]


def _block_end(token: str, at: Any) -> tuple[str, Any]:
    """'expected <block end>': something on a line doesn't fit the indentation around it."""
    if token in ("]", "}"):
        opener = "[" if token == "]" else "{"
        return f"'{token}' stänger ingen {_FLOW_NAME[opener][0]} som öppnats med '{opener}'", at
    if token == "<scalar>":
        quoted = _after_quote(at)
        if quoted is not None:
            return quoted
    if token in ("-", "<block sequence start>"):
        return ("listraden ('- ') har inte samma indrag som raderna ovanför (eller har ett "
                "citattecken längre upp inte stängts?)", at)
    if token == "?":
        return ("en rad utan '- ' bland listans rader; indraget stämmer inte, eller saknas "
                "'- ' först på raden?", at)
    return ("indraget stämmer inte med raderna ovanför (eller har ett citattecken längre upp "
            "inte stängts?)", at)


def _after_quote(at: Any) -> tuple[str, Any] | None:
    """Text right after a closing quote: on the same line as the opening one, or the quote
    closed here was opened lines above (and never closed there)."""
    buffer, pointer = getattr(at, "buffer", None), getattr(at, "pointer", None)
    if not isinstance(buffer, str) or not isinstance(pointer, int):
        return None
    lines = buffer[:pointer].split("\n")
    before = lines[-1].rstrip()
    if not before.endswith(("\"", "'")):
        return None
    quote = before[-1]
    if before.count(quote) % 2 == 0:
        return ("text efter det avslutande citattecknet; sätt hela texten inom "
                "citattecknen", at)
    for back, line in enumerate(reversed(lines[:-1]), start=1):
        if line.count(quote) % 2:
            return (f"ett citattecken ({quote}) börjar här men stängs inte på raden; sätt ett "
                    f"{quote} där texten slutar", types.SimpleNamespace(line=at.line - back))
    return None


def _flow_unclosed(opener: str, token: str, at: Any, opened: Any) -> tuple[str, Any]:
    """'expected ',' or ']'': a list in [ ] (or fields in { }) that isn't closed where it ends."""
    closer = _CLOSERS[opener]
    what = _FLOW_NAME[opener][1]
    same_line = at is not None and opened is not None and at.line == opened.line
    if token == ":" and same_line:
        return (f"ett kolon i en text inom {opener} {closer}; {_QUOTE_IT} (\"…\")", at)
    if token == "<stream end>" or not same_line:
        return (f"{what} som börjar med '{opener}' här stängs aldrig med '{closer}' (eller står "
                f"ett kolon i en text i {what}? {_QUOTE_IT})", opened or at)
    return (f"{what} inom {opener} {closer} fortsätter med '{token}' där ',' eller '{closer}' "
            f"väntas (saknas ett komma, eller citattecken runt en text?)", at)


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
    errors = _without_union_members(exc.errors(include_url=False))
    # A misspelt key is both an unknown key and a missing field: say it once, as the misspelling
    misspelt = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors
                if e["type"] == "extra_forbidden" and e["loc"]}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc and any(
                parent == loc[:-1] and difflib.get_close_matches(str(loc[-1]), [key], cutoff=0.6)
                for parent, key in misspelt):
            continue
        message = err["msg"] if err["type"] == "union_members" else _swedish(err, loc)
        if loc and loc[-1] == "[key]":  # a mapping's key, not its value, is wrong
            loc, message = loc[:-2], f"en nyckel {message}"
        elif err["type"] == "invalid_key":
            loc = loc[:-1]
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


_UNION_MEMBER = re.compile(
    r"(?:str|int|float|decimal|bool|none|bytes|date|datetime|time|timedelta|url|uuid"
    r"|[a-z]+(?:-[a-z]+)*\[.*\]|constrained-[a-z]+|[A-Z]\w*)")
"""How pydantic names a member of a union in an error's place (``int``, ``list[str]``,
``function-after[…]``, a model's class name); a report's own keys are lower-case words."""


def _without_union_members(errors: list[Any]) -> list[Any]:
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
            said = _swedish(m, prefix)
            said = said.split(" (fick ")[0].removeprefix("ska vara ")
            if said not in wanted:
                wanted.append(said)
        shown = f" (fick {_shown(err['input'])})" if "input" in err else ""
        either = ", ".join(wanted[:-1]) + " eller " + wanted[-1] if len(wanted) > 1 else wanted[0]
        out.append({"type": "union_members", "loc": prefix, "msg": f"ska vara {either}{shown}",
                    "input": err.get("input")})
    return out


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
    return _shown(value)


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
    close = difflib.get_close_matches(given, options, n=1, cutoff=0.6) \
        if isinstance(given, str) and options else []
    hint = f"; menade du '{close[0]}'?" if close else ""
    got = f" (fick {_shown(given)}{hint})" if "input" in err else ""
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


def _swedish(err: Any, loc: Loc) -> str:
    """A pydantic error as a Swedish message; never pydantic's English.

    Every type in pydantic_core's ``ErrorType`` has its words here; a type unknown to this
    version (a custom one from a validator) says what it can, in Swedish.
    """
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = f" (fick {_shown(err.get('input'))})" if "input" in err else ""
    if kind in _NO_INPUT:
        return _NO_INPUT[kind]
    if kind == "avsnitt_id":
        return str(err["msg"])
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        return _section_kind(err, kind, ctx)
    if kind == "extra_forbidden":
        return _unknown_key(loc)
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
        return _PLAIN[kind] + got
    return "värdet kan inte användas här" + got


def _section_kind(err: Any, kind: str, ctx: Mapping[str, Any]) -> str:
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
