"""What is wrong with a Word template, in Swedish, at the paragraph that holds the mistake.

``slutrapport template check`` (:mod:`slutrapport.templatecheck`) and rendering
(:mod:`slutrapport.rendering`) both describe a template's mistakes through this module, so the
same tag gets the same message either way:

- :func:`syntax_error`: Jinja's ``TemplateSyntaxError`` (an unclosed block or tag, an unknown or
  unexpected tag, a token where another is expected, a filter that doesn't exist …), placed at
  the paragraph holding the tag (for a block never closed: the paragraph that opens it);
- :func:`undefined` and :func:`unsafe`: a name the data lacks, a reach for Python's internals;
- :func:`paragraph`: the text of the paragraph on a line of the Jinja source, briefly;
- :func:`unreadable`: why a file can't be read as a Word document (python-docx and zipfile
  complain in English).

The Jinja source is the part's XML as docxtpl patches it, with paragraphs on lines of their own
(docxtpl's split, or :func:`slutrapport.templatecheck._one_paragraph_a_line`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slutrapport.environment import FILTERS, environment
from slutrapport.names import nearest

if TYPE_CHECKING:
    from jinja2 import TemplateSyntaxError

__all__ = ["paragraph", "syntax_error", "undefined", "unreadable", "unsafe", "where"]

SHOWN = 78
"""The most characters of a paragraph a message quotes."""

_TAGS = ("for", "if", "elif", "else", "set", "with", "macro", "call", "filter", "block",
         "raw", "autoescape", "include", "import", "from", "extends", "do", "break", "continue")
"""Jinja's tags (docxtpl turns {%p …%}, {%tr …%}, {%tc …%} and {%r …%} into plain ones)."""
_SUGGESTED = ("for", "if", "elif", "else", "set", "with", "endfor", "endif", "endset", "endwith")
"""The tags a report template uses, which a misspelt tag is compared with."""
_BLOCKS = ("for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set")
"""Tags that open a block closed by ``end<tag>``."""
_TOKENS = {
    "end of print statement": "'}}'",
    "end of statement block": "'%}'",
    "end of comment": "'#}'",
    "begin of print statement": "'{{'",
    "begin of statement block": "'{%'",
    "begin of comment": "'{#'",
    "end of template": "mallens slut",
    "template data / text": "vanlig text",
    "name": "ett namn",
    "integer": "ett tal",
    "float": "ett tal",
    "string": "en text inom citattecken",
}
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_MARKUP = re.compile(r"<[^>]+>")
_TYPOGRAPHIC_QUOTES = "“”„‘’‚«»"


def where(text: str | None) -> str:
    """' (i stycket «…»)', or nothing without a paragraph."""
    return f" (i stycket «{text}»)" if text else ""


def paragraph(source: str | None, lineno: int | None, near: str | None = None) -> str | None:
    """The text of the paragraph on a line of the source, clipped to :data:`SHOWN` characters.

    A line may hold a tag docxtpl moved out of its paragraph next to another paragraph; with
    ``near`` (a regular expression) the paragraph holding a match is chosen, and a long one is
    clipped around it; without a match, the first paragraph holding a tag.
    """
    if source is None or lineno is None:
        return None
    lines = source.split("\n")
    if not 0 < lineno <= len(lines):
        return None
    pieces = [" ".join(_MARKUP.sub("", piece).split())
              for piece in lines[lineno - 1].split("</w:p>")]
    pieces = [p for p in pieces if p] or [""]
    found = next(((p, m.start()) for p in pieces if (m := re.search(near, p))), None) \
        if near is not None else None
    if found is None:
        tagged = next((p for p in pieces if "{{" in p or "{%" in p), pieces[0])
        found = (tagged, max(tagged.find("{"), 0))
    text, start = found
    if len(text) <= SHOWN:
        return text or None
    begin = max(0, min(start - SHOWN // 3, len(text) - SHOWN + 1))
    width = SHOWN - (1 if begin else 0)
    if begin + width < len(text):
        width -= 1
        return ("…" if begin else "") + text[begin:begin + width] + "…"
    return "…" + text[begin:]


def _tag(name: str) -> str:
    return "{% " + name + " %}"


def _token(description: str) -> str:
    """A token as Jinja describes it ('end of print statement'), as the template writes it."""
    return _TOKENS.get(description, f"'{description}'")


def _unclosed(source: str, lineno: int) -> tuple[str, int] | None:
    """A '{{', '{%' or '{#' without its closing mark on the line or a line above: which, where."""
    lines = source.split("\n")
    for at in range(min(lineno, len(lines)), 0, -1):
        opened: str | None = None
        for mark in re.findall(r"\{\{|\{%|\{#|\}\}|%\}|#\}", _MARKUP.sub("", lines[at - 1])):
            if mark in _CLOSERS:
                if opened is not None:
                    break
                opened = mark
            elif opened is not None and mark == _CLOSERS[opened]:
                opened = None
        if opened is not None:
            return opened, at
        if lineno - at > 50:
            break
    return None


def _open_blocks(source: str, env: Any) -> list[tuple[str, int]]:
    """The blocks ({% for %}, {% if %} …) opened and not closed by the end, outermost first."""
    stack: list[tuple[str, int]] = []
    try:
        tokens = [t for t in env.lex(source) if t[1] not in ('whitespace', 'comment')]
    except Exception:  # the source doesn't even lex: nothing to say about its blocks
        return stack
    i = 0
    while i < len(tokens):
        lineno, kind, _ = tokens[i]
        if kind == "block_begin" and i + 1 < len(tokens) and tokens[i + 1][1] == "name":
            name = tokens[i + 1][2]
            end = next((k for k in range(i + 1, len(tokens)) if tokens[k][1] == "block_end"),
                       len(tokens))
            if name == "set" and any(t[1] == "assign" for t in tokens[i + 1:end]):
                pass  # {% set x = … %} opens no block
            elif name in _BLOCKS:
                stack.append((name, lineno))
            elif name.startswith("end") and stack:
                match = next((k for k in range(len(stack) - 1, -1, -1)
                              if stack[k][0] == name[3:]), len(stack) - 1)
                del stack[match:]
            i = end
        i += 1
    return stack


def _block_near(name: str) -> str:
    return r"\{%-?\s*" + re.escape(name) + r"\b"


def syntax_error(exc: TemplateSyntaxError, source: str | None, env: Any = None) -> str:
    """'felaktig malltagg: … (i stycket «…»)' for a syntax error in the source Jinja parsed."""
    message, lineno, near = _syntax_words(exc, source, env)
    return f"felaktig malltagg: {message}{where(paragraph(source, lineno, near))}"


def _syntax_words(exc: TemplateSyntaxError, source: str | None,
                  env: Any) -> tuple[str, int | None, str | None]:
    """The Swedish words for a syntax error, the line to show and what to look for on it."""
    text = exc.message or ""
    lineno = exc.lineno
    innermost = re.search(r"innermost block that needs to be closed is '(\w+)'", text)
    inner = innermost.group(1) if innermost else None

    if source is not None and lineno is not None and not re.match(
            r"No (filter|test) named|Unexpected end of template|Encountered unknown tag|Missing "
            r"end of", text):
        # Jinja complains about what follows an unclosed '{{' (the XML after it: "unexpected
        # '/'"), not about the tag: an opener without its closer on the line says it plainly
        unclosed = _unclosed(source, lineno)
        if unclosed is not None:
            opener, line = unclosed
            what = "kommentaren" if opener == "{#" else "taggen"
            return (f"{what} '{opener}' avslutas inte med '{_CLOSERS[opener]}'", line,
                    re.escape(opener))
    found = re.match(r"No (filter|test) named '([^']+)'", text)
    if found:
        return _unknown_function(found.group(1), found.group(2), env), lineno, re.escape(
            found.group(2))
    if text.startswith("Unexpected end of template"):
        opened = _open_blocks(source, env) if source is not None and env is not None else []
        block = inner or (opened[-1][0] if opened else None)
        if block is None:
            return "mallen tar slut mitt i ett block; ett '{% end… %}' saknas", lineno, None
        line = next((at for name, at in reversed(opened) if name == block), lineno)
        return (f"'{_tag(block + ' …')}' avslutas aldrig med '{_tag('end' + block)}'", line,
                _block_near(block))
    found = re.match(r"Encountered unknown tag '([^']+)'", text)
    if found:
        return _unknown_tag(found.group(1), inner, "nesting mistake" in text), lineno, \
            _block_near(found.group(1))
    if text in ("Missing end of comment tag",):
        return "kommentaren '{#' avslutas inte med '#}'", lineno, r"\{#"
    if text == "Missing end of raw directive":
        return f"'{_tag('raw')}' avslutas aldrig med '{_tag('endraw')}'", lineno, \
            _block_near("raw")
    found = re.match(r"expected token '([^']+)', got '(.*)'$", text) or re.match(
        r"unexpected end of template, expected '([^']+)'\.$", text)
    if found:
        expected = _token(found.group(1))
        if found.lastindex == 1:
            return f"mallen tar slut där {expected} väntas", lineno, None
        got = found.group(2)
        hint = (" (två uttryck i samma tagg? skriv dem i var sin tagg, eller sätt ett '|', "
                "ett komma eller en operator mellan dem)"
                if found.group(1) in ("end of print statement", "end of statement block")
                else "")
        return f"i taggen väntas {expected} där {_token(got)} står{hint}", lineno, None
    found = re.match(r"unexpected char '(.)' at \d+", text)
    if found:
        char = found.group(1)
        if char in _TYPOGRAPHIC_QUOTES:
            return (f"Word har gjort om ett citattecken till {char} i taggen; skriv raka "
                    "citattecken (\" eller ') i malltaggar (stäng av Autokorrigering av "
                    "citattecken)", lineno, re.escape(char))
        return f"tecknet '{char}' kan inte stå i en malltagg", lineno, re.escape(char)
    found = re.match(r"unexpected '(.+?)'(?:, expected '(.+)')?$", text)
    if found:
        what = found.group(1)
        if what in _TOKENS:  # '{{ }}', '{{ projekt. }}': the expression stops short
            return f"ett uttryck saknas före {_token(what)}", lineno, None
        if found.group(2):
            return (f"'{what}' står där '{found.group(2)}' väntas (parenteserna går inte jämnt "
                    "ut)", lineno, re.escape(what))
        return f"'{what}' står fel (en parentes som aldrig öppnats?)", lineno, re.escape(what)
    found = re.match(r"Expected an expression, got '(.+)'$", text)
    if found:
        return f"ett uttryck saknas före {_token(found.group(1))}", lineno, None
    found = re.match(r"can't assign to '(.+)'$", text)
    if found:
        return "det går inte att ge det här ett värde (bara ett namn kan tilldelas)", lineno, None
    found = re.match(r"block '(.+)' defined twice$", text)
    if found:
        return f"blocket '{found.group(1)}' finns två gånger", lineno, None
    fixed = {
        "Invalid character in identifier": "ett namn i taggen har ett tecken som inte får "
                                           "finnas i namn (använd a–z, 0–9 och _)",
        "tag name expected": "efter '{%' ska ett taggnamn stå (for, if, set …)",
        "expected name or number": "efter '.' ska ett fältnamn stå",
        "expected subscript expression": "inom [ ] ska ett index eller en nyckel stå",
        "invalid syntax for function call expression": "anropet har fel form",
        "You cannot chain multiple tests with is": "två 'is' efter varandra går inte",
        "expected call": "efter '{% call' ska ett anrop stå",
        "non-default argument follows default argument":
            "ett argument utan standardvärde står efter ett med",
        "Required blocks can only contain comments or whitespace":
            "ett block med 'required' får bara innehålla kommentarer",
        "names starting with an underline can not be imported":
            "namn som börjar med _ kan inte importeras",
        "Can't assign to special loop variable in for-loop target":
            "'loop' kan inte vara loopens variabel",
        "cannot use extend from a non top-level scope":
            "'{% extends %}' kan bara stå överst i mallen",
    }
    for english, swedish in fixed.items():
        if text.startswith(english):
            return swedish, lineno, None
    if text.startswith("Block names in Jinja"):
        return "ett blocknamn får bara ha a–z, 0–9 och _", lineno, None
    if "escape" in text:
        return ("en text inom citattecken i taggen har en ogiltig kod med '\\' (skriv '\\\\' "
                "för ett snedstreck)"), lineno, None
    return "taggen kan inte tolkas", lineno, None


def _unknown_tag(name: str, inner: str | None, nested_wrongly: bool) -> str:
    if nested_wrongly and inner is not None:
        return (f"'{_tag(name)}' kommer för tidigt: '{_tag(inner + ' …')}' måste först avslutas "
                f"med '{_tag('end' + inner)}' (blocken är fel nästlade)")
    opened = (f"; det öppna blocket är '{_tag(inner + ' …')}', som avslutas med "
              f"'{_tag('end' + inner)}'" if inner else "")
    if name.startswith("end") and name[3:] in _BLOCKS:
        return f"'{_tag(name)}' har inget '{_tag(name[3:] + ' …')}' att avsluta{opened}"
    if name in ("else", "elif"):
        return f"'{_tag(name)}' står utanför ett '{_tag('if …')}'{opened}"
    close = nearest(name, list(_SUGGESTED))
    hint = (f"; menade du '{_tag(close)}'?" if close else
            "; taggarna är for, if, elif, else och set (ett värde skrivs ut med {{ … }})")
    return f"'{_tag(name)}' är ingen tagg som finns{hint}"


def _unknown_function(kind: str, name: str, env: Any) -> str:
    """A filter or test that doesn't exist, with the nearest that does."""
    env = env or environment()
    known = sorted(env.filters if kind == "filter" else env.tests)
    close = nearest(name, known)
    if kind == "filter":
        hint = f"; menade du '{close}'?" if close else \
            f"; filtren är: {', '.join(sorted(FILTERS))}"
        return f"filtret '{name}' finns inte{hint}"
    hint = f"; menade du '{close}'?" if close else ""
    return f"testet '{name}' finns inte{hint}"


def undefined(message: str) -> str:
    """Jinja's UndefinedError ("'x' is undefined", "… has no attribute 'y'") in Swedish."""
    found = re.search(r"'([^']+)' is undefined", message)
    if found:
        return f"mallen använder variabeln '{found.group(1)}', som inte finns i datat"
    found = re.search(r"has no attribute '([^']+)'", message)
    if found:
        return f"mallen använder fältet '{found.group(1)}', som inte finns i datat"
    found = re.search(r"has no element (.+)$", message)
    if found:
        return f"mallen använder elementet {found.group(1)}, som inte finns i datat"
    return "mallen använder något som inte finns i datat"


def unsafe(message: str) -> str:
    """The sandbox's refusal, in Swedish: which internal the template reached for."""
    found = re.search(r"attribute '([^']+)'", message)
    reached = f" (fältet '{found.group(1)}')" if found else ""
    return f"mallen försöker nå Pythons inre delar och körs inte{reached}"


_OTHER_FILES = {
    "spreadsheetml": "en Excel-arbetsbok, inte ett Word-dokument; ange Word-mallen (.docx)",
    "presentationml": "en PowerPoint-presentation, inte ett Word-dokument; ange Word-mallen "
                      "(.docx)",
    "wordprocessingml.template": "en Word-mall (.dotx); öppna den i Word och spara den som "
                                 "Word-dokument (.docx)",
    "macroEnabled": "ett Word-dokument med makron (.docm); spara det som Word-dokument (.docx)",
}


def broken_xml(path: Path) -> str:
    """The rendered template is not well-formed XML (lxml's English reason is not the user's)."""
    return (f"{path}: mallen gav ogiltig XML: ett värde som skrivs ut med |safe, eller en tagg på "
            "fel ställe, bröt Word-dokumentets kod; inget skrevs")


def unreadable(path: Path, exc: BaseException | None = None) -> str:
    """'PATH: …' saying in Swedish why a file can't be read as a Word document (.docx)."""
    if exc is None or type(exc).__name__ == "PackageNotFoundError":
        if path.suffix.lower() in (".yaml", ".yml", ".json"):
            return (f"{path}: är inte ett Word-dokument (.docx) utan en datafil; ange "
                    "Word-mallen, t.ex. mall.docx")
        return f"{path}: är inte ett Word-dokument (.docx); spara mallen som .docx"
    text = str(exc)
    if isinstance(exc, KeyError) and "[Content_Types].xml" in text:
        try:
            with zipfile.ZipFile(path) as archive:
                kind = archive.read("mimetype").decode("ascii", "replace") \
                    if "mimetype" in archive.namelist() else ""
        except (OSError, zipfile.BadZipFile, KeyError):
            kind = ""
        if kind.startswith("application/vnd.oasis.opendocument.text"):
            return (f"{path}: är ett OpenDocument-dokument (.odt), inte ett Word-dokument; spara "
                    "mallen som Word-dokument (.docx)")
        return f"{path}: är ett zip-arkiv men inte ett Word-dokument (.docx)"
    if "is not a Word file" in text:
        what = next((words for key, words in _OTHER_FILES.items() if key in text),
                    "inte ett Word-dokument (.docx); spara mallen som .docx")
        return f"{path}: är {what}"
    return (f"{path}: mallen kan inte läsas som ett Word-dokument (.docx); öppna den i Word och "
            "spara den igen")
