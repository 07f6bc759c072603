"""Reading a report from YAML, keeping the line of every field, and validating it.

Everything that can go wrong with an input file becomes an :class:`~slutrapport.errors.InputError`
whose problems name the file, the line and the field, in Swedish — never a traceback.
"""

from __future__ import annotations

import contextlib
import gc
import re
import types
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from slutrapport._files import os_error_text
from slutrapport.errors import InputError, Problem
from slutrapport.messages import problems
from slutrapport.models import Slutrapport
from slutrapport.names import ID_PATTERN
from slutrapport.paths import TEXT_START, Loc, format_loc, line_at

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_CHARS",
    "MAX_FILE_BYTES",
    "OLD_SECTIONS",
    "from_data",
    "is_old_form",
    "load",
    "parse_yaml",
    "read_yaml",
    "too_big",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""A data file larger than this is refused rather than read (a report is well under 1 MB)."""
MAX_DEPTH = 64
"""The deepest nesting of lists and mappings a data file may have (a report needs about ten)."""
MAX_EXPANDED_CHARS = 2 * MAX_FILE_BYTES
"""The most text a file may hold once every alias (*namn) is written out in full."""

_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters a YAML stream may not hold at all (ruamel's reader refuses them)."""




class _AliasedContainer(Exception):
    """A list or mapping used a second time through a YAML alias."""

    def __init__(self, loc: Loc) -> None:
        self.loc = loc


OLD_SECTIONS = {
    "inledning": "text",
    "pandemin": "text",
    "aktiviteter": "aktiviteter",
    "horisontella_kriterier": "horisontella_kriterier",
    "program_for_tillvaxt": "foretagsprogram",
    "resultat": "indikatorer",
    "spridning": "text",
    "utvardering": "text",
    "slutsatser": "text",
    "efter_projektet": "text",
    "kommuner": "kommuner",
    "ekonomi": "ekonomi",
}
"""The 0.1 form's section keys, in the order its template printed them, and their kinds today
(:mod:`slutrapport.migrate` rewrites a file of that form)."""


def is_old_form(data: Any) -> bool:
    """Whether parsed data is in the 0.1 form: a section key at the top and no ``avsnitt``."""
    return (isinstance(data, Mapping) and "avsnitt" not in data
            and any(key in data for key in OLD_SECTIONS))


def load(path: str | Path) -> Slutrapport:
    """Read and validate a report from a YAML file; raise InputError naming file, line and field."""
    with _collector_paused():
        data, lines = read_yaml(path)
        return from_data(data, lines=lines, source=str(path))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a report is read: reading makes millions of
    objects that all live on (nodes, data, lines, models), and each full collection walks every
    one made so far — at 30 000 rows 2 s of collections, the part of reading that grew faster
    than the rows. Nothing read holds a cycle that needs the collector; it runs again after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
            "skriv ut värdena", path=format_loc(exc.loc), line=line_at(lines, exc.loc[:-1]),
            file=file)]) from None
    except _DuplicateKey as exc:
        raise InputError([Problem(f"nyckeln '{exc.key}' står två gånger",
                                  path=format_loc(exc.loc), line=exc.line, file=file)]) from None
    except _TooDeep as exc:
        raise InputError([Problem(
            f"filen är nästlad för djupt (listor och fält i fler än {MAX_DEPTH} nivåer); "
            "en rapport behöver ett tiotal", path=format_loc(exc.loc[:8]) + " …",
            line=line_at(lines, exc.loc), file=file)]) from None
    except _TooMuchText as exc:
        raise InputError([Problem(
            f"filen blir för stor när alias (*namn) skrivs ut: över "
            f"{MAX_EXPANDED_CHARS // (1024 * 1024)} miljoner tecken text; skriv ut värdena i "
            "stället för att upprepa en lång text med alias", path=format_loc(exc.loc),
            line=line_at(lines, exc.loc), file=file)]) from None
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
        if node.style == "|":  # its text's lines are the file's, from the line after the '|'
            lines[(*loc, TEXT_START)] = node.start_mark.line + 2
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
    if problem == "mapping values are not allowed here" or (
            problem.startswith("expected <block end>") and token in _INDENT_TOKENS):
        slip = _indent_slip(at)
        if slip is not None:
            return slip
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
    if problem.startswith("expected the node content") and token == "<stream end>":
        # the file ends inside [ ] or { } (a half-typed save): said where it was opened
        opened_at = _unclosed_flow(getattr(at, "buffer", None))
        if opened_at is not None:
            return _flow_unclosed(opened_at[0], token, at,
                                  types.SimpleNamespace(line=opened_at[1]))
        return "filen tar slut mitt i ett värde; stängs alla citattecken och parenteser?", here
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
            "den här raden och raden ovanför", here)


_INDENT_TOKENS = ("?", "<scalar>", "<block mapping start>")
"""What the parser finds on a key line indented less than its siblings (deeper than the parent)."""
_KEY_LINE = re.compile(r"( *)(- +)?([^\s#:\-?'\"\[\]{}|>&*!%@`][^:#]*?):(?:[ \t]|$)")
"""A line 'key: …' (or '- key: …'): its indentation, the list dash, the key."""


def _key_column(line: str) -> tuple[int, str, bool] | None:
    """Where a line's key starts (counting the '- ' of a list row), the key, and whether the line
    starts a list row; None for a line that is not 'key: …'."""
    found = _KEY_LINE.match(line)
    if found is None:
        return None
    return len(found.group(1)) + len(found.group(2) or ""), found.group(3), bool(found.group(2))


def _indent_slip(at: Any) -> tuple[str, Any] | None:
    """A key indented one way or the other from the keys of its own collection, said as such at
    the line whose indentation is the odd one, or None if the mistake is something else.

    PyYAML notices a slip a line late when the first key of a collection is the odd one (that
    key sets the indentation, the next line then disagrees), and calls a key indented too deep
    "a colon in the wrong place" (the key continues the text above). The keys of the collection
    open above the error line are read from PyYAML's own tokens, so text in a '|' block and
    keys of nested collections are never taken for siblings.
    """
    buffer = getattr(at, "buffer", None)
    if not isinstance(buffer, str) or at is None:
        return None
    text = buffer.rstrip("\0")
    lines = text.split("\n")
    if at.line >= len(lines):
        return None
    here = _key_column(lines[at.line])
    if here is None or here[2]:
        return None  # a list row ('- ') misplaced has its own message
    column, key, _ = here
    if at.column not in (column, column + len(key)):
        return None  # a colon later in the line: a colon inside a text, not indentation
    siblings = _open_keys(text, at.line, column)
    if not siblings:
        return None
    above = siblings[0][1]
    if above == column:
        return None
    below = _next_key_column(lines, at.line, max(column, above))
    dash = any(lines[line].lstrip(" ").startswith("-") for line, _ in siblings)
    counted = " (räknat till nyckeln, efter '- ')" if dash else ""
    rule = "nycklarna i en samling ska stå rakt under varandra"
    if len(siblings) == 1 and (below == column or _steps_off(lines, siblings[0][0], column)):
        first, _ = siblings[0]
        first_key = _key_column(lines[first])
        name = first_key[1] if first_key else ""
        under = "raden under" if _keys_below(lines, first, column) == 1 else "raderna under"
        return (f"indraget fel: nyckeln '{name}' på rad {first + 1} har {above} blanksteg"
                f"{counted}, {under} {column}; {rule}", types.SimpleNamespace(line=first))
    rows = "raden" if len(siblings) == 1 else "raderna"
    return (f"indraget fel: nyckeln '{key}' på rad {at.line + 1} har {column} blanksteg, {rows} "
            f"ovanför {above}{counted}; {rule}", at)


def _keys_below(lines: list[str], after: int, column: int) -> int:
    """How many keys stand at ``column`` below line ``after`` (0-based) in one collection: lines
    deeper are text or nested collections; one to the left ends it."""
    count = 0
    for text in lines[after + 1:]:
        stripped = text.lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        key = _key_column(text)
        indent = key[0] if key is not None else len(text) - len(stripped)
        if indent < column:
            break
        count += key is not None and indent == column
    return count


def _open_keys(text: str, before: int, column: int) -> list[tuple[int, int]]:
    """The keys (line, column; 0-based lines) of the innermost block mapping open at the start of
    line ``before``, from PyYAML's scanner (which reads on past the parser's complaints); none
    when a list open there has its rows at ``column`` (a key among a list's rows)."""
    scanner = yaml.SafeLoader(text)
    stack: list[tuple[int, list[tuple[int, int]] | None]] = []
    try:
        while True:
            token = scanner.get_token()  # type: ignore[no-untyped-call]
            if token is None or token.start_mark.line >= before:
                break
            if isinstance(token, yaml.BlockMappingStartToken):
                stack.append((token.start_mark.column, []))
            elif isinstance(token, (yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
                                    yaml.FlowSequenceStartToken)):
                stack.append((token.start_mark.column, None))
            elif isinstance(token, (yaml.BlockEndToken, yaml.FlowMappingEndToken,
                                    yaml.FlowSequenceEndToken)) and stack:
                stack.pop()
            elif isinstance(token, yaml.KeyToken) and stack and stack[-1][1] is not None:
                stack[-1][1].append((token.start_mark.line, token.start_mark.column))
    except yaml.YAMLError:
        pass  # the tokens read so far are the ones that count
    finally:
        scanner.dispose()
    for at, keys in reversed(stack):
        if keys is not None:
            return keys
        if at == column:
            return []
    return []


def _steps_off(lines: list[str], first: int, other: int) -> bool:
    """Whether the first key of a collection (on line ``first``) is indented from its parent by
    a step the file uses nowhere else while ``other`` is indented by the file's usual step."""
    mine = _key_column(lines[first])
    if mine is None or mine[2]:
        return False
    parent = next((len(line) - len(line.lstrip(" ")) for line in reversed(lines[:first])
                   if line.strip() and not line.lstrip(" ").startswith("#")
                   and len(line) - len(line.lstrip(" ")) < mine[0]), None)
    if parent is None or lines[first - 1].strip() == "" or not lines[first - 1].rstrip().endswith(
            ":"):
        return False
    steps: dict[int, int] = {}
    before: int | None = None
    for line in lines:
        key = _key_column(line)
        if key is None:
            continue
        indent = len(line) - len(line.lstrip(" "))
        if before is not None and indent > before:
            steps[indent - before] = steps.get(indent - before, 0) + 1
        before = key[0] if key[2] else indent
    if not steps:
        return False
    usual = max(steps, key=lambda step: steps[step])
    return mine[0] - parent != usual and other - parent == usual


def _next_key_column(lines: list[str], after: int, deepest: int) -> int | None:
    """The key column of the first 'key:' line below ``after`` no deeper than ``deepest``
    (deeper lines are text or a nested collection), or None."""
    for line in lines[after + 1:]:
        if not line.strip() or line.lstrip(" ").startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent > deepest:
            continue
        found = _key_column(line)
        return found[0] if found is not None and not found[2] else None
    return None


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
    unclosed = "(eller har ett citattecken längre upp inte stängts?)"
    buffer = getattr(at, "buffer", None)
    lines = buffer.rstrip("\0").split("\n") if isinstance(buffer, str) else []
    line = getattr(at, "line", len(lines))
    if token in ("-", "<block sequence start>"):
        rows = _list_rows_above(lines, line)
        if rows == 0:
            return ("en listrad ('- ') kan inte stå här, bland nycklarna i en samling fält; ska "
                    f"den stå indragen under en nyckel? {unclosed}", at)
        return (f"listraden ('- ') har inte samma indrag som {_above(rows)} {unclosed}", at)
    if token == "?":
        return ("en rad utan '- ' bland listans rader; indraget stämmer inte, eller saknas "
                "'- ' först på raden?", at)
    column = len(lines[line]) - len(lines[line].lstrip(" ")) if line < len(lines) else 0
    rows = len(_open_keys("\n".join(lines), line, column)) or _list_rows_above(lines, line)
    return f"indraget stämmer inte med {_above(rows)} {unclosed}", at


def _above(rows: int) -> str:
    """The rows above that a line out of line is measured against: one, or several."""
    return "raden ovanför" if rows == 1 else "raderna ovanför"


def _list_rows_above(lines: list[str], line: int) -> int:
    """How many rows ('- ') the list open above line ``line`` (0-based) has; 0 when no list is
    open there (a key at or left of a list's rows, between them and the line, closes it)."""
    keys_from = len(lines[line]) if line < len(lines) else 0  # the leftmost key seen so far
    column: int | None = None
    count = 0
    for text in reversed(lines[:line]):
        stripped = text.lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        indent = len(text) - len(stripped)
        dash = stripped.startswith("-") and stripped[1:2] in ("", " ")
        if column is None:
            if dash and indent < keys_from:
                column, count = indent, 1
            elif not dash:
                keys_from = min(keys_from, indent)
            continue
        if indent < column or (indent == column and not dash):
            break
        count += indent == column
    return count


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


def _unclosed_flow(buffer: object) -> tuple[str, int] | None:
    """The innermost '[' or '{' that opens a list or fields and is never closed in ``buffer``
    (the whole file), and its line (0-based); None when there is none. Texts in quotes and
    comments are passed over, and a bracket counts only where a value can begin (after ': ',
    '- ', ',', another opener or the indentation), not inside a text ('Företag [AB]')."""
    if not isinstance(buffer, str):
        return None
    stack: list[tuple[str, int]] = []
    line, quote = 0, ""
    i = 0
    while i < len(buffer):
        char = buffer[i]
        previous = buffer[i - 1] if i else "\n"
        if char == "\n":
            line += 1
        if quote:
            if quote == '"' and char == "\\":
                i += 2
                continue
            if char == quote:
                if quote == "'" and buffer[i + 1:i + 2] == "'":
                    i += 2
                    continue
                quote = ""
        elif char == "#" and previous in " \t\n":
            while i < len(buffer) and buffer[i] != "\n":
                i += 1
            continue
        elif char in "\"'" and _value_starts(buffer, i):
            quote = char
        elif char in "[{" and _value_starts(buffer, i):
            stack.append((char, line))
        elif char in "]}" and stack:
            stack.pop()
        i += 1
    return stack[-1] if stack else None


def _value_starts(buffer: str, at: int) -> bool:
    """Whether a value can begin at ``at``: what stands before it on its line, spaces aside, is
    nothing, ': ', '- ', ',' or an opener."""
    start = buffer.rfind("\n", 0, at) + 1
    before = buffer[start:at].rstrip()
    return before == "" or before.endswith((":", "-", ",", "[", "{"))


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
        raise InputError(problems(exc.validation_error, root=Slutrapport, lines=lines,
                                  source=source, data=data)) from None
    report._lines = lines
    report._source = source
    return report
