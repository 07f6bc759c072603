"""Blocks read from Word as the narrative Markdown (:mod:`slutrapport.narrative`).

The Markdown is written so that it renders as the Word text did, and that is checked: every
paragraph is rendered back with :func:`slutrapport.narrative.to_paragraphs` and compared, letter
for letter, with bold, italic, list style and the number each list starts at. Bold and italic
are written as ``**`` and ``*`` (then ``_`` when that reads back better); where no spelling reads
back right the paragraph is written without its formatting, and a note says so.

Rules for what Markdown can't hold as Word does:

- ordinary spaces at the start or end of a line don't show and are left out, and so are line
  breaks at the start or end of a paragraph; another blank at a line's edge (a tab, a no-break
  space) is written as a character reference (``&#9;``), and so is a second line break in a row
  (``&#10;``), since a blank line would end the paragraph;
- a list continues after a paragraph by starting at its number (``3.``); two lists next to each
  other are kept apart by the other marker (``1)`` after ``1.``, ``*`` after ``-``);
- list items deeper than two levels are written on the second (narratives have two);
- a number list in letters or Roman figures is numbered with digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from slutrapport import narrative
from slutrapport.wordimport._reader import Inline, Note, Paragraph

__all__ = ["Figure", "Linker", "Written", "paragraphs_markdown"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_ALWAYS = frozenset("\\`*_[]<")
_AT_START = frozenset("#>-+=~:|")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_EDGE = frozenset("\t\v\f\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
                  + "".join(chr(c) for c in range(0x2000, 0x200B)))


@dataclass(frozen=True)
class Figure:
    """A number of the text to write as a figure link: where it stands and the path."""

    start: int
    end: int
    path: str


Linker = Callable[[str, str], list[Figure]]
"""Given a paragraph's plain text (figures may stand only in its ``linkable`` parts, the rest
blanked with U+0000) and its place, the figures to link."""


@dataclass(frozen=True)
class _Char:
    char: str
    bold: bool
    italic: bool
    href: str | None
    field: bool
    ref: str | None = None


@dataclass
class Written:
    """Markdown for some paragraphs, and what the user should know about it."""

    text: str
    notes: list[Note] = field(default_factory=list)


def _chars(inlines: Sequence[Inline]) -> list[_Char]:
    chars = [_Char(c, i.bold, i.italic, i.href, i.field, i.ref) for i in inlines for c in i.text]
    # ordinary spaces at a line's edges don't show (and Markdown drops them)
    out: list[_Char] = []
    line: list[_Char] = []
    for c in [*chars, _Char("\n", False, False, None, False)]:
        if c.char == "\n":
            start = 0
            while start < len(line) and line[start].char == " ":
                start += 1
            end = len(line)
            while end > start and line[end - 1].char == " ":
                end -= 1
            out += line[start:end]
            out.append(c)
            line = []
        else:
            line.append(c)
    out.pop()
    while out and out[-1].char == "\n":
        out.pop()
    while out and out[0].char == "\n":
        out.pop(0)
    return out


def _flags(text: str) -> tuple[list[bool], list[bool]]:
    """For each character: whether it is a blank at a line's edge, and whether it must be
    escaped because of where it stands at the start of a line."""
    edge = [False] * len(text)
    start_escape = [False] * len(text)
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        a = 0
        while a < n and (line[a] in _EDGE or line[a] == " "):
            edge[pos + a] = True
            a += 1
        b = n
        while b > a and (line[b - 1] in _EDGE or line[b - 1] == " "):
            edge[pos + b - 1] = True
            b -= 1
        if a < b:
            if line[a] in _AT_START:
                start_escape[pos + a] = True
            d = a
            while d < b and line[d].isascii() and line[d].isdigit():
                d += 1
            if d > a and d < b and line[d] in ".)":
                start_escape[pos + d] = True
        pos += n + 1
    return edge, start_escape


def _escape(chars: str, offset: int, edge: list[bool], start: list[bool], full: str) -> str:
    out = []
    for k, c in enumerate(chars):
        i = offset + k
        if c == "\n" and i > 0 and full[i - 1] == "\n":
            out.append("&#10;")  # a second line break: a blank line would end the paragraph
        elif edge[i] and c != "\n":
            out.append(f"&#{ord(c)};")
        elif c in _ALWAYS or start[i]:
            out.append("\\" + c)
        elif c == "&" and _ENTITY.match(full, i):
            out.append("\\&")
        else:
            out.append(c)
    return "".join(out)


@dataclass
class _Unit:
    md: str
    plain: str
    bold: bool
    italic: bool


def _url(href: str) -> str:
    if re.search(r"[\s()<>]", href):
        cleaned = href.replace("<", "%3C").replace(">", "%3E").replace("\n", "%0A")
        return f"<{cleaned}>"
    return href.replace("\\", "%5C")


def _wrap(units: list[_Unit], key: Callable[[_Unit], bool], marker: str,
          inner: Callable[[list[_Unit]], str]) -> str:
    """Group units by ``key``; a group where it holds is wrapped in ``marker`` (its blanks at
    the edges moved outside)."""
    out = []
    i = 0
    while i < len(units):
        j = i
        while j < len(units) and key(units[j]) == key(units[i]):
            j += 1
        text = inner(units[i:j])
        if key(units[i]) and text.strip():
            core = text.strip()
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            out.append(f"{lead}{marker}{core}{marker}{trail}")
        else:
            out.append(text)
        i = j
    return "".join(out)


def _emphasis(units: list[_Unit], strategy: int) -> str:
    def bold(u: _Unit) -> bool:
        return u.bold and bool(u.plain.strip())

    def italic(u: _Unit) -> bool:
        return u.italic and bool(u.plain.strip())

    def join(us: list[_Unit]) -> str:
        return "".join(u.md for u in us)

    if strategy == 0:
        return _wrap(units, bold, "**", lambda us: _wrap(us, italic, "*", join))
    if strategy == 1:
        return _wrap(units, italic, "*", lambda us: _wrap(us, bold, "**", join))
    return _wrap(units, bold, "**", lambda us: _wrap(us, italic, "_", join))


def _units(chars: list[_Char], figures: list[Figure]) -> list[_Unit]:
    """The paragraph as units: text of one formatting, links and figure links."""
    text = "".join(c.char for c in chars)
    edge, start = _flags(text)
    at_figure = {f.start: f for f in figures}
    units: list[_Unit] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        if c.ref is not None:  # a reference to a caption: [](ref:…) shows its label and number
            j = i
            while j < len(chars) and chars[j].ref == c.ref:
                j += 1
            units.append(_Unit(f"[](ref:{c.ref})", text[i:j], c.bold, c.italic))
            i = j
            continue
        if i in at_figure:
            f = at_figure[i]
            shown = text[f.start:f.end]
            units.append(_Unit(f"[{shown}](tal:{f.path})", shown, c.bold, c.italic))
            i = f.end
            continue
        if c.href is not None:
            j = i
            while j < len(chars) and chars[j].href == c.href and chars[j].char != "\n":
                j += 1
            inner = [_Unit(_escape(ch.char, i + k, edge, start, text), ch.char, ch.bold,
                           ch.italic) for k, ch in enumerate(chars[i:j])]
            shown = "".join(u.plain for u in inner)
            label = _emphasis(_merge(inner), 0)
            if shown.strip() == c.href.strip() and not re.search(r"[\s<>]", c.href):
                md = f"<{c.href}>"
            else:
                md = f"[{label}]({_url(c.href)})"
            units.append(_Unit(md, shown, False, False))
            i = j
            continue
        j = i
        while j < len(chars) and j not in at_figure and chars[j].href is None and \
                chars[j].ref is None and (chars[j].bold, chars[j].italic) == (c.bold, c.italic):
            j += 1
        piece = "".join(ch.char for ch in chars[i:j])
        units.append(_Unit(_escape(piece, i, edge, start, text), piece, c.bold, c.italic))
        i = j
    return units


def _merge(units: list[_Unit]) -> list[_Unit]:
    out: list[_Unit] = []
    for u in units:
        if out and (out[-1].bold, out[-1].italic) == (u.bold, u.italic):
            out[-1] = _Unit(out[-1].md + u.md, out[-1].plain + u.plain, u.bold, u.italic)
        else:
            out.append(u)
    return out


def _readback(xml: str) -> list[tuple[str, list[tuple[str, bool, bool]]]]:
    """The paragraphs ``to_paragraphs`` made: each one's style and its characters with their
    formatting (blanks without it)."""
    root = etree.fromstring(f'<r xmlns:w="{W[1:-1]}">{xml}</r>')
    out = []
    for p in root.iter(f"{W}p"):
        style_el = p.find(f"{W}pPr/{W}pStyle")
        style = style_el.get(f"{W}val") if style_el is not None else ""
        chars: list[tuple[str, bool, bool]] = []
        for r in p.iter(f"{W}r"):
            rpr = r.find(f"{W}rPr")
            b = rpr is not None and rpr.find(f"{W}b") is not None
            it = rpr is not None and rpr.find(f"{W}i") is not None
            for el in r:
                if el.tag == f"{W}t":
                    chars += [(ch, b, it) for ch in el.text or ""]
                elif el.tag == f"{W}tab":
                    chars.append(("\t", b, it))
                elif el.tag == f"{W}br":
                    chars.append(("\n", b, it))
        out.append((str(style), [(ch, False, False) if ch.isspace() else (ch, b, it)
                                 for ch, b, it in chars]))
    return out


def _expected(chars: list[_Char]) -> list[tuple[str, bool, bool]]:
    return [(c.char, False, False) if c.char.isspace() else (c.char, c.bold, c.italic)
            for c in chars]


def _inline(chars: list[_Char], figures: list[Figure], place: str,
            notes: list[Note]) -> tuple[str, list[tuple[str, bool, bool]]]:
    """A paragraph's text as Markdown that reads back as written (see the module), and the
    characters with the formatting it reads back with."""
    units = _units(chars, figures)
    want = _expected(chars)
    if not any(u.bold or u.italic for u in units):
        return "".join(u.md for u in units), want  # the whole text is verified
    for strategy in (0, 1, 2):
        md = _emphasis(units, strategy)
        got = _readback(narrative.to_paragraphs(md))
        if len(got) == 1 and got[0][1] == want and not narrative.unsupported(md):
            return md, want
    notes.append(Note("import-format", place, "Fet och kursiv stil i stycket kunde inte skrivas "
                      "i Markdown så att den blir som i Word; stycket står utan dem."))
    return "".join(u.md for u in units), [(c, False, False) for c, _, _ in want]


@dataclass
class _Open:
    kind: str
    marker: str
    next: int
    indent: int


def paragraphs_markdown(paragraphs: Sequence[Paragraph], linker: Linker | None = None) -> Written:
    """Body paragraphs and list items (not headings) as narrative Markdown."""
    notes: list[Note] = []
    pieces: list[str] = []
    expected: list[tuple[str, list[tuple[str, bool, bool]]]] = []
    starts: list[tuple[str, int]] = []
    lists: list[_Open] = []  # the open list at each level (0, 1)
    previous_item = False
    deep_noted = False
    letters_noted = False
    for para in paragraphs:
        chars = _chars(para.inlines)
        if not chars:
            continue
        figures: list[Figure] = []
        if linker is not None:
            masked = "".join(c.char if c.href is None and not c.field else "\x00"
                             for c in chars)
            figures = linker(masked, para.place)
        if para.kind == "body" or para.kind == "heading":
            lists = []
            md, formatted = _inline(chars, figures, para.place, notes)
            pieces.append(("\n\n" if pieces else "") + md)
            expected.append(("BodyText", formatted))
            previous_item = False
            continue
        level = para.level
        if level > 1:
            if not deep_noted:
                notes.append(Note("import-lista", para.place, "Listan har fler än två nivåer; "
                                  "de djupare punkterna står på nivå två i rapporten."))
                deep_noted = True
            level = 1
        if level == 1 and not lists:
            level = 0
        if para.kind == "number" and para.fmt not in ("decimal", "decimalZero") and \
                not letters_noted:
            notes.append(Note("import-lista", para.place, "Listan numreras inte med siffror i "
                              "Word (a, b, c eller i, ii, iii); i rapporten numreras den med "
                              "siffror."))
            letters_noted = True
        current = lists[level] if len(lists) > level else None
        lists = lists[: level + 1]
        continues = current is not None and current.kind == para.kind and \
            (para.kind == "bullet" or para.number == current.next)
        if continues:
            assert current is not None
            marker = current.marker
        else:
            adjacent = current is not None and previous_item
            if para.kind == "bullet":
                marker = "*" if adjacent and current is not None and current.marker == "-" \
                    else "-"
            else:
                marker = ")" if adjacent and current is not None and current.marker == "." \
                    else "."
            starts.append(("ListNumber" if level == 0 else "ListNumber2", para.number)
                          if para.kind == "number" else ("", 0))
        shown = "-" if para.kind == "bullet" and marker == "-" else \
            "*" if para.kind == "bullet" else f"{para.number}{marker}"
        base = lists[0].indent if level == 1 else 0
        if len(lists) <= level:
            lists.append(_Open(para.kind, marker, para.number + 1, base + len(shown) + 1))
        else:
            lists[level] = _Open(para.kind, marker, para.number + 1, base + len(shown) + 1)
        md, formatted = _inline(chars, figures, para.place, notes)
        pad = " " * (base + len(shown) + 1)
        md = md.replace("\n", "\n" + pad)
        # an ordered list that starts at another number than 1 can't interrupt a paragraph
        # (CommonMark): after an item's text it needs a blank line
        interrupts = not continues and para.kind == "number" and para.number != 1
        sep = "\n" if previous_item and not interrupts else ("\n\n" if pieces else "")
        pieces.append(f"{sep}{' ' * base}{shown} {md}")
        style = {"bullet": "ListBullet", "number": "ListNumber"}[para.kind]
        expected.append((style if level == 0 else style + "2", formatted))
        previous_item = True
    text = "".join(pieces)
    _verify(text, expected, [s for s in starts if s[0]])
    return Written(text, notes)


def _verify(text: str, expected: list[tuple[str, list[tuple[str, bool, bool]]]],
            starts: list[tuple[str, int]]) -> None:
    """The Markdown renders as the paragraphs read from Word, or it is a bug of ours."""
    made: list[tuple[str, int]] = []

    def numbering(style: str, start: int) -> Any:
        made.append((style, start))
        return None

    got = _readback(narrative.to_paragraphs(text, numbering=numbering))
    if got != expected or made != starts:
        raise AssertionError(f"import Markdown does not render as read: {text!r}")
