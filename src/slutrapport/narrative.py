r"""Narrative text: a small Markdown subset, rendered as WordprocessingML for docxtpl.

Every narrative field of a report (see :mod:`slutrapport.models`) is Markdown. The text is parsed
with markdown-it-py (CommonMark, ``breaks=True``, ``html=False``) and turned into ``<w:p>``
paragraphs or ``<w:r>`` runs that a docxtpl template inserts with ``{{p …}}`` or ``{{r …}}``.

Supported
---------

- **Paragraphs**, separated by a blank line.
- **Line breaks**: a single newline inside a paragraph is a line break in Word (as are a trailing
  backslash and two trailing spaces).
- **Tabs**: a tab character is a Word tab stop.
- **Bullet lists** (``- `` or ``* ``) and **numbered lists** (``1. ``), nested one level (indent
  the inner item under the text of the outer one). Word numbers the items itself, through the list
  styles of the template; each numbered list starts at its first item's number (``1.``, or
  ``3.`` as written) when the caller gives ``numbering`` (see :func:`to_paragraphs`), as the
  rendering does. A second paragraph of an item (indented, after a blank line) stays
  in the item, after a blank line.
- **Emphasis**: ``*italic*`` or ``_italic_``, ``**bold**``, and both (``***both***``).
- **Links**: ``[text](https://…)`` and ``<https://…>`` become clickable hyperlinks (any link with
  a scheme such as ``https:`` or ``mailto:``).
- **Figure links**: ``[2 949](tal:horisontella_kriterier.deltagare.totalt)`` shows ``2 949`` as
  ordinary text; the figure is checked against the field it names elsewhere.
- **References** to a table or chart by its name: ``[](ref:diagram.ekonomi.kostnader)`` is a
  ``REF`` field that reads ``Diagram 4`` (the caption's label and number, kept right when the
  captions are renumbered); ``[se diagrammet](ref:diagram.ekonomi.kostnader)`` is a link with
  that text to the caption. The names are checked elsewhere (:func:`refs`).
- **Pictures**: a paragraph that is only ``![Alternativtext](bilder/karta.png "Bildtext")``
  places the picture (a file beside the data file) at the text's width, its alternative text
  for screen readers, and the caption ``Bild {SEQ Bild}: Bildtext`` under it (no title: no
  caption). Attributes in braces right after it: ``{bredd=8cm}`` or ``{bredd=60%}`` (of the
  text's width) and ``{#karta}``, the name a text refers to it by (``[](ref:bild.karta)``;
  without one the file's name, ``bild.karta``). The document's pictures are placed by the
  caller (``picture``, see :func:`to_paragraphs`); :func:`pictures` lists a text's pictures.
- **Backslash escapes**: ``\*`` is a literal ``*``, ``\\`` a literal backslash, and so on.
  Entities such as ``&amp;`` and ``&#32;`` are decoded.
- **Figures keep together**: inside a figure link, and between a figure link and the unit after
  it (``kr``, ``%``, ``st.``), a space is printed as a no-break space, so ``2 949`` and
  ``12 400 000 kr`` never break across lines.
- **Lead-ins keep with what follows**: a paragraph that ends with a colon is kept on the page of
  the paragraph after it (``w:keepNext``).

Raw HTML is not interpreted: ``<b>`` stays the literal text ``<b>``. Reference-style link
definitions (``[a]: https://…``) are not interpreted either and stay literal text, so that a line
of text can never vanish.

Not supported, kept as text
---------------------------

Headings (``#``), code blocks and ``inline code``, block quotes (``>``), tables, a picture
within a paragraph's text or a list item, horizontal rules, lists nested deeper than two levels
and links without a scheme (``[text](sida.html)``) are outside the subset. Nothing is lost: such
a block is rendered as its Markdown source, as plain text in one paragraph (its lines joined by
line breaks); inline code and such pictures are rendered as their source; a link without a
scheme is rendered as ``text (target)``; a deep list is rendered at the second level.
:func:`unsupported` names what was found, so that the caller can warn.

Writing literal text
--------------------

:func:`escape` turns any text into Markdown that renders as exactly that text, for text from
elsewhere that must not be read as Markdown. It puts a backslash before a backslash, a backtick
and ``* _ [ ] < &`` anywhere, and before ``# > - + = ~ : |`` and the ``.`` or ``)`` after leading
digits at the start of a line. Line endings are normalised first (``\r\n`` and a lone ``\r``
become ``\n``): Word has no carriage return of its own. Beyond that the round trip is exact:
spaces, tabs and other whitespace at the start or end of a line, which Markdown would strip, are
written as numeric character references (``&#32;``, ``&#9;``), and blank lines beyond the one
that separates two paragraphs are written as ``&#10;`` (a newline character, which renders as a
line break).

Characters that XML 1.0 forbids (most C0 control characters, U+FFFE, U+FFFF, lone surrogates)
cannot appear in a Word document and are dropped from the output.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from pydantic import BaseModel

from slutrapport.fields_word import (
    PICTURE_LABEL,
    bookmark_name,
    caption_xml,
    mark_paragraphs,
    ref_xml,
    text_mark_name,
)

__all__ = [
    "LIST_NUMBERING",
    "MARKDOWN",
    "MARKED",
    "PICTURES",
    "Markdown",
    "Narrative",
    "PictureRef",
    "Styles",
    "escape",
    "figure_links",
    "figure_spans",
    "markdown_fields",
    "picture_sources",
    "pictures",
    "plain_text",
    "prints_anything",
    "protect_braces",
    "refs",
    "text_mark",
    "to_paragraphs",
    "to_runs",
    "unsupported",
    "without_pictures",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Styles:
    """Style ids of the template that narrative text is rendered with."""

    body: str = "BodyText"
    """Paragraph style of plain paragraphs."""
    bullet: str = "ListBullet"
    """Paragraph style of a bullet list item."""
    bullet2: str = "ListBullet2"
    """Paragraph style of a bullet list item nested in another list."""
    number: str = "ListNumber"
    """Paragraph style of a numbered list item."""
    number2: str = "ListNumber2"
    """Paragraph style of a numbered list item nested in another list."""
    hyperlink: str = "Hyperlink"
    """Character style of a hyperlink."""
    figure: str = "Figur"
    """Paragraph style of a picture's paragraph."""
    caption: str = "Caption"
    """Paragraph style of a picture's caption."""


@dataclass(frozen=True)
class PictureRef:
    """A picture of a narrative text (``![alt](src "title"){#namn bredd=8cm}``)."""

    src: str
    """The file as written (``bilder/karta.png``)."""
    alt: str
    """The alternative text, what a screen reader says ("" when the text gives none)."""
    title: str
    """The caption's text after ``Bild 3: `` ("" for a picture without a caption)."""
    name: str
    """The name a text refers to it by: ``bild.<namn>``."""
    width_cm: float | None = None
    """The width the text gives in centimetres (``bredd=8cm``), or None."""
    width_share: float | None = None
    """The width the text gives as a share of the text's width (``bredd=60%`` is 0.6), or None."""
    problems: tuple[str, ...] = ()
    """What is wrong with its attributes (Swedish), for the checks."""
    line: int = field(default=0, compare=False)
    """The line of the text (0-based) its paragraph starts on, so a message can point at it."""


# Names (Swedish, for the user) of the constructs outside the subset.
HEADING = "rubrik"
CODE_BLOCK = "kodblock"
INLINE_CODE = "kod i löptext"
BLOCK_QUOTE = "citat"
TABLE = "tabell"
IMAGE = "bild mitt i ett stycke eller en punkt (en bild står i ett eget stycke)"
RULE = "avgränsningslinje"
DEEP_LIST = "lista i mer än två nivåer"
RELATIVE_LINK = "länk utan webbadress"

_BLOCKS_AS_SOURCE = {
    "heading_open": HEADING,
    "code_block": CODE_BLOCK,
    "fence": CODE_BLOCK,
    "blockquote_open": BLOCK_QUOTE,
    "table_open": TABLE,
    "hr": RULE,
}

_FIGURE_SCHEME = "tal:"
_REF_SCHEME = "ref:"

_MD = MarkdownIt("commonmark", {"breaks": True, "html": False}).enable("table")
_MD.disable("reference")

# Characters XML 1.0 does not allow, dropped from all output; a carriage return from an entity
# becomes a newline.
_XML_CLEAN: dict[int, int | None] = {
    **{c: None for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))},
    **{c: None for c in range(0xD800, 0xE000)},
    0xFFFE: None,
    0xFFFF: None,
    0x0D: 0x0A,
}


# ---------------------------------------------------------------------------------------------
# Parsing into paragraphs of runs


@dataclass(frozen=True)
class _Run:
    """Text with one formatting; ``\\n`` is a line break and ``\\t`` a tab.

    ``anchor`` makes it a link to the caption of that reference name; ``ref`` makes it a REF
    field to that caption, ``text`` being what it shows until the field is filled in.
    """

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    anchor: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class _Paragraph:
    kind: Literal["body", "bullet", "number", "picture"]
    level: int  # 0 for body text, 1 or 2 for list items
    runs: tuple[_Run, ...]
    number: int = 0  # the item's number in a numbered list
    instance: int = 0  # which list of the text the item is in (1, 2 …; 0 for body text)
    picture: PictureRef | None = None  # a picture's paragraph


@dataclass(frozen=True)
class _Parsed:
    paragraphs: tuple[_Paragraph, ...]
    unsupported: tuple[str, ...]
    figure_links: tuple[tuple[str, str], ...]
    refs: tuple[str, ...] = ()
    pictures: tuple[PictureRef, ...] = ()


@dataclass
class _Item:
    """An open list item while walking the tokens."""

    kind: Literal["bullet", "number"]
    level: int
    number: int
    instance: int
    first_line: int
    indent: int
    blocks: list[list[_Run]] = field(default_factory=list)
    emitted: bool = False


@dataclass
class _List:
    kind: Literal["bullet", "number"]
    next_number: int
    instance: int = 0


class _Walker:
    """Turns markdown-it's token stream into paragraphs of runs."""

    def __init__(self, source: str, figures_marked: bool = False) -> None:
        self.figures_marked = figures_marked  # figure links' text between _FIGURE_BEGIN/_END
        self.lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.paragraphs: list[_Paragraph] = []
        self.unsupported: list[str] = []
        self.figure_links: list[tuple[str, str]] = []
        self.refs: list[str] = []
        self.pictures: list[PictureRef] = []
        self.lists: list[_List] = []
        self.instances = 0
        self.items: list[_Item] = []

    def note(self, name: str) -> None:
        if name not in self.unsupported:
            self.unsupported.append(name)

    def walk(self, tokens: list[Token]) -> _Parsed:
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "paragraph_open":
                picture = None if self.items else _picture(tokens[i + 1])
                if picture is not None:
                    if token.map is not None:
                        picture = dataclasses.replace(picture, line=token.map[0])
                    self.pictures.append(picture)
                    self.paragraphs.append(_Paragraph("picture", 0, (), picture=picture))
                else:
                    self.block(self.inline(tokens[i + 1]))
                i += 3
                continue
            if kind in _BLOCKS_AS_SOURCE:
                self.note(_BLOCKS_AS_SOURCE[kind])
                self.block([_Run("\n".join(self.source(token)))])
                i = _after_close(tokens, i)
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                self.open_list(token)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                self.open_item(token)
            elif kind == "list_item_close":
                item = self.items.pop()
                if item.blocks or not item.emitted:
                    self.flush(item)
            i += 1
        return _Parsed(tuple(self.paragraphs), tuple(self.unsupported), tuple(self.figure_links),
                       tuple(self.refs), tuple(self.pictures))

    def block(self, runs: list[_Run]) -> None:
        """Add a block's runs: to the open list item, or as a paragraph of its own."""
        if self.items:
            self.items[-1].blocks.append(runs)
        elif runs:
            self.paragraphs.append(_Paragraph("body", 0, _merge(runs)))

    def flush(self, item: _Item) -> None:
        """Emit what an item holds so far as one paragraph (its blocks apart by a blank line)."""
        runs: list[_Run] = []
        for n, block in enumerate(item.blocks):
            if n:
                runs.append(_Run("\n\n"))
            runs.extend(block)
        self.paragraphs.append(_Paragraph(item.kind, item.level, _merge(runs), item.number,
                                          item.instance))
        item.blocks.clear()
        item.emitted = True

    def open_list(self, token: Token) -> None:
        if self.items:  # the text of the item so far goes before its nested list
            if self.items[-1].blocks:
                self.flush(self.items[-1])
            self.items[-1].emitted = True
        if len(self.lists) >= 2:
            self.note(DEEP_LIST)
        self.instances += 1
        if token.type == "ordered_list_open":
            start = int(token.attrs.get("start", 1))
            self.lists.append(_List("number", start, self.instances))
        else:
            self.lists.append(_List("bullet", 0, self.instances))

    def open_item(self, token: Token) -> None:
        current = self.lists[-1]
        first_line = token.map[0] if token.map else 0
        line = self.strip_items(first_line, self.lines[first_line])
        marker = token.info + token.markup
        lead = len(line) - len(line.lstrip(" \t"))
        rest = line[lead + len(marker) :]
        gap = len(rest) - len(rest.lstrip(" \t"))
        indent = lead + len(marker) + (1 if gap == len(rest) or gap > 4 else gap)
        self.items.append(
            _Item(
                kind=current.kind,
                level=min(len(self.lists), 2),
                number=current.next_number,
                instance=current.instance,
                first_line=first_line,
                indent=indent,
            )
        )
        current.next_number += 1

    def strip_items(self, number: int, line: str) -> str:
        """Remove the markers and indentation of the open list items from a source line."""
        for item in self.items:
            if number == item.first_line:
                line = line[item.indent :]
            else:
                spaces = len(line) - len(line.lstrip(" "))
                line = line[min(spaces, item.indent) :]
        return line

    def source(self, token: Token) -> list[str]:
        """The source lines of a block, without the list markers around it."""
        start, end = token.map if token.map else (0, 0)
        lines = [self.strip_items(n, self.lines[n]) for n in range(start, end)]
        while lines and not lines[-1].strip():
            lines.pop()
        return lines

    def inline(self, token: Token) -> list[_Run]:
        runs: list[_Run] = []
        bold = italic = 0
        href: str | None = None
        anchor: str | None = None
        ref_at = 0  # where the runs of a reference's text begin
        figure: list[str] | None = None
        relative: str | None = None
        after_figure = False
        for child in token.children or ():
            kind = child.type
            if kind in ("text", "softbreak", "hardbreak", "code_inline", "image"):
                if kind == "text":
                    text = child.content
                    if figure is not None:
                        text = _FIGURE_SPACE.sub("\u00a0", text)
                    elif after_figure:
                        text = _UNIT_AFTER.sub("\u00a0", text, count=1)
                elif kind == "code_inline":
                    self.note(INLINE_CODE)
                    text = child.markup + child.content + child.markup
                elif kind == "image":
                    self.note(IMAGE)
                    text = _image_source(child)
                else:
                    text = "\n"
                runs.append(_Run(text, bold > 0, italic > 0, href, anchor))
                if figure is not None:
                    figure.append(child.content if kind == "text" else text)
                after_figure = False
                continue
            after_figure = False
            if kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                target = str(child.attrs.get("href", ""))
                if target[: len(_FIGURE_SCHEME)].lower() == _FIGURE_SCHEME:
                    figure = []
                    if self.figures_marked:
                        runs.append(_Run(_FIGURE_BEGIN, bold > 0, italic > 0))
                    relative = _MD.normalizeLinkText(target)[len(_FIGURE_SCHEME) :]
                elif target[: len(_REF_SCHEME)].lower() == _REF_SCHEME:
                    anchor = _MD.normalizeLinkText(target)[len(_REF_SCHEME) :].strip()
                    ref_at = len(runs)
                elif urlsplit(target).scheme:
                    href = target
                else:
                    self.note(RELATIVE_LINK)
                    relative = _MD.normalizeLinkText(target)
            elif kind == "link_close":
                if anchor is not None:
                    self.refs.append(anchor)
                    if not "".join(run.text for run in runs[ref_at:]).strip():
                        del runs[ref_at:]  # no text of its own: the caption's label and number
                        runs.append(_Run(anchor, bold > 0, italic > 0, ref=anchor))
                    anchor = None
                elif figure is not None and relative is not None:
                    self.figure_links.append(("".join(figure), relative))
                    after_figure = True
                    if self.figures_marked:
                        runs.append(_Run(_FIGURE_END, bold > 0, italic > 0))
                elif relative is not None:
                    runs.append(_Run(f" ({relative})", bold > 0, italic > 0))
                href = relative = figure = None
                continue
            elif child.content:  # a token type this module does not know: keep its text
                runs.append(_Run(child.content, bold > 0, italic > 0, href, anchor))
        return runs


_FIGURE_SPACE = re.compile(r"[ \u2009\u202f]")
"""A space inside a figure link: a no-break space in print."""
_UNIT_AFTER = re.compile(r"^[ \u2009\u202f](?=(?:%|kr|tkr|mnkr|st\.?|procent)(?![^\W\d_]))")
"""The space between a figure link and the unit after it."""
_ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}\s*")
_WIDTH = re.compile(r"bredd=(\d+(?:[.,]\d+)?)(cm|%)", re.IGNORECASE)
_PICTURE_ID = re.compile(r"#([a-z][a-z0-9_]*)")


def _picture(token: Token) -> PictureRef | None:
    """The picture a paragraph is, when it holds nothing but one (and its attributes)."""
    children = [c for c in token.children or ()
                if not (c.type in ("text", "softbreak") and not c.content.strip())]
    if not children or children[0].type != "image" or len(children) > 2:
        return None
    attributes = ""
    if len(children) == 2:
        found = _ATTRIBUTES.fullmatch(children[1].content) \
            if children[1].type == "text" else None
        if found is None:
            return None
        attributes = found.group(1)
    image = children[0]
    src = _MD.normalizeLinkText(str(image.attrs.get("src", "")))
    title = str(image.attrs.get("title") or "").strip()
    alt = " ".join("".join(c.content for c in image.children or ()
                           if c.type in ("text", "code_inline", "softbreak")).split())
    name = f"bild.{_picture_name(src)}"
    width_cm = width_share = None
    problems: list[str] = []
    for word in attributes.split():
        width = _WIDTH.fullmatch(word)
        ident = _PICTURE_ID.fullmatch(word)
        if width is not None:
            number = float(width.group(1).replace(",", "."))
            if width.group(2) == "%":
                if 0 < number <= 100:
                    width_share = number / 100
                else:
                    problems.append(f"bredden {word} ska vara mellan 1 och 100 %")
            elif 0.5 <= number <= 50:
                width_cm = number
            else:
                problems.append(f"bredden {word} ska vara mellan 0,5 och 50 cm")
        elif ident is not None:
            name = f"bild.{ident.group(1)}"
        else:
            problems.append(f"{word} är inget attribut en bild kan ha (bredd=8cm, bredd=60% "
                            "eller #namn)")
    return PictureRef(src, alt, title, name, width_cm, width_share, tuple(problems))


def _picture_name(src: str) -> str:
    """A picture's name from its file's: ``bilder/Målträd 2.png`` is ``maltrad_2``."""
    stem = src.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    return name if name[:1].isalpha() else f"bild_{name}".rstrip("_")


def _after_close(tokens: list[Token], i: int) -> int:
    """The index after the token that closes ``tokens[i]`` (after ``tokens[i]`` if it is whole)."""
    if tokens[i].nesting != 1:
        return i + 1
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j + 1
    return len(tokens)


def _image_source(token: Token) -> str:
    src = _MD.normalizeLinkText(str(token.attrs.get("src", "")))
    title = token.attrs.get("title")
    title_part = f' "{title}"' if title else ""
    return f"![{token.content}]({src}{title_part})"


def _merge(runs: Iterable[_Run]) -> tuple[_Run, ...]:
    """Clean the text for XML and join neighbouring runs that look the same."""
    merged: list[_Run] = []
    for run in runs:
        text = run.text.translate(_XML_CLEAN)
        if not text:
            continue
        last = merged[-1] if merged else None
        if last is not None and last.ref is None and run.ref is None and (
            last.bold, last.italic, last.href, last.anchor
        ) == (run.bold, run.italic, run.href, run.anchor):
            merged[-1] = _Run(last.text + text, run.bold, run.italic, run.href, run.anchor)
        else:
            merged.append(_Run(text, run.bold, run.italic, run.href, run.anchor, run.ref))
    return tuple(merged)


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> _Parsed:
    """Parse narrative text once; checks and rendering ask for the same text again."""
    return _Walker(text).walk(_MD.parse(text))


# ---------------------------------------------------------------------------------------------
# Rendering


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


# The order of the children of w:rPr that the schema prescribes.
_RPR_ORDER = {
    name: n
    for n, name in enumerate(
        (
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
            "rPrChange",
        )
    )
}
_PREFIXES = {W_NS: "w", R_NS: "r"}


def _qname(tag: str) -> str:
    qname = etree.QName(tag)
    if qname.namespace is None:
        return qname.localname
    if qname.namespace not in _PREFIXES:
        raise ValueError(f"run_props får bara använda namnrymderna w: och r:, inte {tag!r}")
    return f"{_PREFIXES[qname.namespace]}:{qname.localname}"


def _serialize(element: etree._Element) -> str:
    name = _qname(str(element.tag))
    attrs = "".join(f' {_qname(str(k))}="{_attr(str(v))}"' for k, v in element.attrib.items())
    inner = _esc(element.text or "")
    for child in element:
        if isinstance(child.tag, str):
            inner += _serialize(child)
        inner += _esc(child.tail or "")
    return f"<{name}{attrs}>{inner}</{name}>" if inner else f"<{name}{attrs}/>"


@functools.lru_cache(maxsize=64)
def _run_props(run_props: str) -> tuple[tuple[str, str], ...]:
    """The elements of ``run_props`` as (local name, XML) pairs."""
    if not run_props.strip():
        return ()
    wrapped = f'<w:rPr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{run_props}</w:rPr>'
    try:
        root = etree.fromstring(wrapped)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"run_props är inte giltig XML för w:rPr: {exc}") from exc
    if (root.text or "").strip() or any((child.tail or "").strip() for child in root):
        raise ValueError("run_props får bara innehålla element, inte text")
    return tuple(
        (etree.QName(child).localname, _serialize(child))
        for child in root
        if isinstance(child.tag, str)
    )


def _rpr(run: _Run, extra: tuple[tuple[str, str], ...], hyperlink_style: str | None) -> str:
    props = dict(extra)
    if hyperlink_style is not None:
        props["rStyle"] = f'<w:rStyle w:val="{_attr(hyperlink_style)}"/>'
    if run.bold:
        props["b"] = "<w:b/>"
    if run.italic:
        props["i"] = "<w:i/>"
    if not props:
        return ""
    ordered = sorted(props.items(), key=lambda item: _RPR_ORDER.get(item[0], len(_RPR_ORDER)))
    return "<w:rPr>" + "".join(xml for _, xml in ordered) + "</w:rPr>"


def _content(text: str) -> str:
    """``<w:t>``, ``<w:br/>`` and ``<w:tab/>`` elements for a run's text."""
    parts: list[str] = []
    chunk: list[str] = []
    for char in text + "\n":
        if char in "\n\t":
            if chunk:
                parts.append(f'<w:t xml:space="preserve">{_esc("".join(chunk))}</w:t>')
                chunk.clear()
            parts.append("<w:br/>" if char == "\n" else "<w:tab/>")
        else:
            chunk.append(char)
    parts.pop()  # the newline added above
    return "".join(parts)


def _runs_xml(
    runs: Iterable[_Run],
    extra: tuple[tuple[str, str], ...],
    link_id: Callable[[str], str] | None,
    hyperlink_style: str,
) -> str:
    if link_id is None:  # links are plain text
        runs = _merge(_Run(run.text, run.bold, run.italic, ref=run.ref) for run in runs)
    out: list[str] = []
    open_link: tuple[str | None, str | None] = (None, None)
    for run in runs:
        link = (run.href, run.anchor)
        if link != open_link:
            if open_link != (None, None):
                out.append("</w:hyperlink>")
            if run.href is not None and link_id is not None:
                out.append(f'<w:hyperlink r:id="{_attr(link_id(run.href))}" w:history="1">')
            elif run.anchor is not None:
                out.append(f'<w:hyperlink w:anchor="{_attr(bookmark_name(run.anchor))}" '
                           'w:history="1">')
            open_link = link
        linked = run.href is not None or run.anchor is not None
        rpr = _rpr(run, extra, hyperlink_style if linked else None)
        if run.ref is not None:
            out.append(ref_xml(run.ref, run.text, rpr))
        else:
            out.append(f"<w:r>{rpr}{_content(run.text)}</w:r>")
    if open_link != (None, None):
        out.append("</w:hyperlink>")
    return "".join(out)


def _style(paragraph: _Paragraph, styles: Styles, body: str) -> str:
    if paragraph.kind == "bullet":
        return styles.bullet if paragraph.level < 2 else styles.bullet2
    if paragraph.kind == "number":
        return styles.number if paragraph.level < 2 else styles.number2
    return body


def to_paragraphs(
    text: str,
    *,
    styles: Styles = Styles(),
    link_id: Callable[[str], str] | None = None,
    paragraph_style: str | None = None,
    run_props: str = "",
    numbering: Callable[[str, int], str | None] | None = None,
    picture: Callable[[PictureRef], str] | None = None,
    keep_last: bool = True,
) -> str:
    """Render narrative Markdown as ``<w:p>`` elements, for ``{{p …}}`` in a docxtpl template.

    ``paragraph_style`` replaces ``styles.body`` for plain paragraphs; ``run_props`` is extra
    ``<w:rPr>`` content for every run (such as ``"<w:b/>"``); ``link_id`` maps a URL to a
    relationship id (``DocxTemplate.build_url_id``); without it links are plain text.
    ``numbering`` gives each numbered list a numbering of its own, so that it starts at its first
    item's number (1, or ``3.`` as written): called with the list's paragraph style and that
    number, it returns the ``<w:numPr>`` its items carry (or None; see
    :class:`slutrapport.fields_word.ListNumbering`); without it the list style numbers the items,
    and a second list goes on from the first one's numbers. ``picture`` places a picture: called
    with its :class:`PictureRef`, it returns the run (``<w:r><w:drawing>…``) that shows it;
    without it a picture's paragraph shows its alternative text in brackets. A paragraph ending
    with a colon keeps with the next; the text's last one too unless ``keep_last`` is false.

    >>> to_paragraphs("Hej **du**")  # doctest: +NORMALIZE_WHITESPACE
    '<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t xml:space="preserve">Hej
    </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">du</w:t></w:r></w:p>'
    """
    extra = _run_props(run_props)
    body = paragraph_style if paragraph_style is not None else styles.body
    out: list[str] = []
    lists: dict[int, str | None] = {}  # each numbered list's numbering, made at its first item
    paragraphs = _parse(text).paragraphs
    for n, paragraph in enumerate(paragraphs):
        if paragraph.picture is not None:
            out.append(_picture_xml(paragraph.picture, styles, picture))
            continue
        style = _style(paragraph, styles, body)
        number = ""
        if paragraph.kind == "number" and numbering is not None:
            if paragraph.instance not in lists:  # the list starts where its first item does
                lists[paragraph.instance] = numbering(style, paragraph.number)
            number = lists[paragraph.instance] or ""
        runs = _runs_xml(paragraph.runs, extra, link_id, styles.hyperlink)
        # a lead-in (ending with a colon) stays on the page of what it leads into
        keep = "<w:keepNext/>" if _leads_in(paragraph) and (
            n + 1 < len(paragraphs) or keep_last) else ""
        out.append(f'<w:p><w:pPr><w:pStyle w:val="{_attr(style)}"/>{keep}{number}</w:pPr>'
                   f"{runs}</w:p>")
    return "".join(out)


def _leads_in(paragraph: _Paragraph) -> bool:
    """Whether a paragraph leads into what follows: it ends with a colon."""
    text = "".join(run.text for run in paragraph.runs).rstrip()
    return text.endswith(":")


def _picture_xml(ref: PictureRef, styles: Styles,
                 picture: Callable[[PictureRef], str] | None) -> str:
    """A picture's paragraph (kept with its caption) and its caption, ``Bild N: …``."""
    drawing = picture(ref) if picture is not None else (
        f'<w:r><w:t xml:space="preserve">{_esc(f"[bild: {ref.alt or ref.src}]")}</w:t></w:r>')
    keep = "<w:keepNext/>" if ref.title else ""
    out = (f'<w:p><w:pPr><w:pStyle w:val="{_attr(styles.figure)}"/>{keep}</w:pPr>'
           f"{drawing}</w:p>")
    if ref.title:
        caption = caption_xml(PICTURE_LABEL, 0, ref.title.translate(_XML_CLEAN), ref.name)
        # centred under the centred picture (a table's caption, the same style, stays left)
        out += (f'<w:p><w:pPr><w:pStyle w:val="{_attr(styles.caption)}"/><w:jc w:val="center"/>'
                f"</w:pPr>{caption}</w:p>")
    return out


def to_runs(
    text: str,
    *,
    link_id: Callable[[str], str] | None = None,
    run_props: str = "",
    styles: Styles = Styles(),
) -> str:
    """Render narrative Markdown as runs only, for ``{{r …}}`` inside an existing paragraph.

    Paragraphs and list items follow each other on lines of their own (joined by a line break);
    a list item starts with ``• `` or its number (``1. ``), since a run cannot carry a list style.

    >>> to_runs("a\\n\\n- b")
    '<w:r><w:t xml:space="preserve">a</w:t><w:br/><w:t xml:space="preserve">• b</w:t></w:r>'
    """
    runs: list[_Run] = []
    for n, paragraph in enumerate(_parse(text).paragraphs):
        if n:
            runs.append(_Run("\n"))
        if paragraph.picture is not None:  # a run can't hold a picture's caption
            runs.append(_Run(f"[bild: {paragraph.picture.alt or paragraph.picture.src}]"))
        if paragraph.kind == "bullet":
            runs.append(_Run("• "))
        elif paragraph.kind == "number":
            runs.append(_Run(f"{paragraph.number}. "))
        runs.extend(paragraph.runs)
    return _runs_xml(_merge(runs), _run_props(run_props), link_id, styles.hyperlink)


def plain_text(text: str) -> str:
    """What a reader sees: the text without Markdown syntax.

    Paragraphs are joined by a blank line, list items (without their bullets or numbers) by a
    newline.

    >>> plain_text("Vi nådde *fler* än [2 949](tal:deltagare.totalt) personer.\\n\\n- ett\\n- två")
    'Vi nådde fler än 2\\xa0949 personer.\\n\\nett\\ntvå'
    """
    return _joined(_parse(text).paragraphs)


def _joined(paragraphs: Iterable[_Paragraph]) -> str:
    """Paragraphs' text, joined by a blank line, list items by a newline."""
    out: list[str] = []
    previous: _Paragraph | None = None
    for paragraph in paragraphs:
        if previous is not None:
            in_list = previous.kind in ("bullet", "number") and \
                paragraph.kind in ("bullet", "number")
            out.append("\n" if in_list else "\n\n")
        if paragraph.picture is not None:
            out.append(paragraph.picture.title)
        out.append("".join(run.text for run in paragraph.runs))
        previous = paragraph
    return "".join(out)


_FIGURE_BEGIN = "\ue000"
_FIGURE_END = "\ue001"


def figure_spans(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """What a reader sees (:func:`plain_text`) and where each figure link stands in it:
    ``(start, end, path)``.

    >>> figure_spans("Vi nådde [2 949](tal:deltagare.totalt) personer.\\n\\n- [4](tal:x) råd")
    ('Vi nådde 2\\xa0949 personer.\\n\\n4 råd', [(9, 14, 'deltagare.totalt'), (26, 27, 'x')])
    """
    clean = text.replace(_FIGURE_BEGIN, "").replace(_FIGURE_END, "")
    parsed = _Walker(clean, figures_marked=True).walk(_MD.parse(clean))
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    links = iter(parsed.figure_links)
    start = 0
    for char in _joined(parsed.paragraphs):
        if char == _FIGURE_BEGIN:
            start = len(out)
        elif char == _FIGURE_END:
            spans.append((start, len(out), next(links)[1]))
        else:
            out.append(char)
    return "".join(out), spans


def text_mark(path: str, text: str) -> str:
    """The bookmark name a narrative text of the data at ``path`` is printed in (see
    :func:`slutrapport.fields_word.text_mark_name`)."""
    return text_mark_name(path, text, plain_text(text))


def prints_anything(text: str) -> bool:
    """Whether the text has a paragraph to print (``""`` and blank lines have none).

    >>> prints_anything("Hej"), prints_anything("  \\n\\n ")
    (True, False)
    """
    return bool(_parse(text).paragraphs)


def figure_links(text: str) -> list[tuple[str, str]]:
    """The figure links of the text, in order: ``(shown text, path)``.

    >>> figure_links("Totalt [2 949](tal:horisontella_kriterier.deltagare.totalt) deltagare.")
    [('2 949', 'horisontella_kriterier.deltagare.totalt')]
    """
    return list(_parse(text).figure_links)


def refs(text: str) -> list[str]:
    """The names of the tables and charts the text refers to, in order.

    >>> refs("Se [](ref:diagram.ekonomi.kostnader) och [tabellen](ref:tabell.ekonomi.kostnader).")
    ['diagram.ekonomi.kostnader', 'tabell.ekonomi.kostnader']
    """
    return list(_parse(text).refs)


def pictures(text: str) -> list[PictureRef]:
    """The pictures of the text, in order.

    >>> [(p.src, p.name, p.width_cm) for p in pictures('![Karta](bilder/karta.png){bredd=8cm}')]
    [('bilder/karta.png', 'bild.karta', 8.0)]
    """
    return list(_parse(text).pictures)


def picture_sources(text: str) -> list[str]:
    """The Markdown of the text's pictures, a paragraph each, as written (what ``new --from``
    carries into the next report's text).

    >>> picture_sources('Före\\n\\n![Karta](bilder/karta.png "Kommunerna"){bredd=8cm}\\n\\nEfter')
    ['![Karta](bilder/karta.png "Kommunerna"){bredd=8cm}']
    """
    if not _parse(text).pictures:
        return []
    tokens = _MD.parse(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return ["\n".join(lines[token.map[0]:token.map[1]]).strip()
            for i, token in enumerate(tokens)
            if token.type == "paragraph_open" and token.level == 0 and token.map is not None
            and _picture(tokens[i + 1]) is not None]


def without_pictures(text: str) -> str:
    """The text with its pictures' paragraphs left out (what is left to write around them).

    >>> without_pictures('…\\n\\n![Karta](bilder/karta.png "Kommunerna")')
    '…'
    """
    if not _parse(text).pictures:
        return text
    tokens = _MD.parse(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    drop: set[int] = set()
    for i, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0 and token.map is not None \
                and _picture(tokens[i + 1]) is not None:
            drop.update(range(*token.map))
    kept = [line for n, line in enumerate(lines) if n not in drop]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def unsupported(text: str) -> list[str]:
    """Names (in Swedish) of the constructs outside the subset that the text uses, once each.

    >>> unsupported("# Rubrik\\n\\nText med `kod`.")
    ['rubrik', 'kod i löptext']
    """
    return list(_parse(text).unsupported)


# ---------------------------------------------------------------------------------------------
# Escaping

# Characters that start Markdown syntax anywhere in a line.
_ESCAPE_ALWAYS = frozenset("\\`*_[]<&")
# Characters that start block syntax at the start of a line: headings, block quotes, list items,
# setext underlines, fences and the delimiter row that makes a table. That row can only start
# with ``|``, ``-`` or ``:``; escaped there, no line is one, so ``|`` elsewhere is safe.
_ESCAPE_AT_START = frozenset("#>-+=~:|")
# Whitespace that Markdown strips from the edges of a line (CommonMark's and Python's).
_EDGE_SPACE = frozenset(
    "\t\v\f \xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)


def _escape_line(line: str) -> str:
    """Markdown for one non-empty line, as paragraph text."""
    start = 0
    while start < len(line) and line[start] in _EDGE_SPACE:
        start += 1
    end = len(line)
    while end > start and line[end - 1] in _EDGE_SPACE:
        end -= 1
    out = [f"&#{ord(c)};" for c in line[:start]]
    digits = start
    while digits < end and line[digits].isascii() and line[digits].isdigit():
        digits += 1
    for n in range(start, end):
        char = line[n]
        if (
            char in _ESCAPE_ALWAYS
            or (n == start and char in _ESCAPE_AT_START)
            or (n == digits > start and char in ".)")
        ):
            out.append("\\" + char)
        else:
            out.append(char)
    out.extend(f"&#{ord(c)};" for c in line[end:])
    return "".join(out)


def escape(text: str) -> str:
    r"""Markdown that renders as exactly ``text`` (after ``\r\n`` and ``\r`` become ``\n``).

    >>> escape("**Obs:** 1. {{ x }} & <b>")
    '\\*\\*Obs:\\*\\* 1. {{ x }} \\& \\<b>'
    >>> escape("  indrag\n\n\nslut ")
    '&#32;&#32;indrag\n\n&#10;slut&#32;'
    >>> plain_text(escape("# inte en rubrik\n- inte en lista"))
    '# inte en rubrik\n- inte en lista'
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(lines):
        return "&#10;" * (len(lines) - 1)
    out: list[str] = []
    empty = 0  # empty lines since the last non-empty one (or since the start)
    for line in lines:
        if not line:
            empty += 1
            continue
        if not out:  # leading empty lines: one newline character each
            out.append("&#10;" * empty)
        elif empty == 0:  # one line end: a line break
            out.append("\n")
        else:  # a paragraph break holds two line ends; any further ones are characters
            out.append("\n\n" + "&#10;" * (empty - 1))
        out.append(_escape_line(line))
        empty = 0
    return "".join(out) + "&#10;" * empty  # trailing empty lines: one newline character each


# ---------------------------------------------------------------------------------------------
# Narrative fields of the models, and narrative as a template prints it


class _MarkdownMarker:
    """Marks a ``str`` field as narrative Markdown."""

    def __repr__(self) -> str:
        return "Markdown"


MARKDOWN = _MarkdownMarker()
Markdown = Annotated[str, MARKDOWN]
"""Narrative text in the documented Markdown subset (a field type of the models)."""


def _holds_markdown(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        args = typing.get_args(annotation)
        return MARKDOWN in args[1:] or _holds_markdown(args[0])
    if origin in (typing.Union, types.UnionType, list):
        return any(_holds_markdown(a) for a in typing.get_args(annotation))
    return False


@functools.cache
def markdown_fields(model: type[BaseModel]) -> frozenset[str]:
    """The names of a model's fields that hold narrative Markdown (alone, optional or in a list).

    It depends only on the class, so it is worked out once per class.
    """
    return frozenset(
        name for name, info in model.model_fields.items()
        if MARKDOWN in info.metadata or _holds_markdown(info.annotation))


PICTURES: ContextVar[Callable[[PictureRef], str] | None] = ContextVar("PICTURES", default=None)
"""While a document is rendered: what places a narrative text's pictures in it (the run that
shows the picture, its file added to the part being rendered)."""

LIST_NUMBERING: ContextVar[Callable[[str, int], str | None] | None] = ContextVar(
    "LIST_NUMBERING", default=None)
"""While a document is rendered: what gives each numbered list of a narrative text its own
numbering (:class:`slutrapport.fields_word.ListNumbering`), so that every list starts at its
first item's number (1, unless the text wrote ``3.``)."""


MARKED: ContextVar[dict[str, tuple[str | None, bool]] | None] = ContextVar("MARKED",
                                                                         default=None)
"""While a document is rendered, if set: each narrative text printed in a bookmark (its name)
with the paragraph style and boldness the template gave it (``stycken(stil, fet)``), for the
round trip of ``slutrapport import``, which reads the text back as the text's own."""


def protect_braces(xml: str) -> str:
    """Keep docxtpl from turning ``{_{`` in the text into ``{{`` after rendering.

    docxtpl replaces ``{_{``, ``}_}``, ``{_%`` and ``%_}`` in its output; a character reference for
    the underscore keeps such text as written.

    >>> protect_braces("{_{ x }_}")
    '{&#95;{ x }&#95;}'
    """
    return xml.replace("{_", "{&#95;").replace("_}", "&#95;}")


class Narrative:
    """A narrative text for a template: ``{{p x }}`` prints it as Word paragraphs.

    ``mark`` names the bookmark its paragraphs are printed in (a text of the data file, see
    :func:`slutrapport.fields_word.text_mark_name`; None for a text the report makes)."""

    __slots__ = ("_link_id", "mark", "text")

    def __init__(self, text: str, link_id: Callable[[str], str] | None = None,
                 mark: str | None = None) -> None:
        self.text = text
        self._link_id = link_id
        self.mark = mark

    def __html__(self) -> str:
        return self.stycken()

    def stycken(self, stil: str | None = None, fet: bool = False) -> Markup:
        """The text as paragraphs; ``stil`` names the paragraph style of plain paragraphs."""
        xml = to_paragraphs(self.text, link_id=self._link_id, paragraph_style=stil,
                            run_props="<w:b/>" if fet else "", numbering=LIST_NUMBERING.get(),
                            picture=PICTURES.get())
        if self.mark is not None and xml:
            xml = mark_paragraphs(xml, self.mark)
            marked = MARKED.get()
            if marked is not None:
                marked.setdefault(self.mark, (stil, fet))
        return Markup(protect_braces(xml))

    def rader(self, fet: bool = False) -> Markup:
        """The text as runs, for ``{{r x.rader() }}`` inside a paragraph of the template."""
        xml = to_runs(self.text, link_id=self._link_id, run_props="<w:b/>" if fet else "")
        return Markup(protect_braces(xml))

    @property
    def ren(self) -> str:
        """What a reader sees, without Markdown syntax."""
        return plain_text(self.text)

    def __bool__(self) -> bool:
        # True when the text prints anything: str.strip() would call a text of only U+0085
        # (which Markdown keeps) empty, and a footnote holding it would be dropped.
        return bool(to_paragraphs(self.text))

    def __str__(self) -> str:
        return self.ren

    def __repr__(self) -> str:
        return f"Narrative({self.text!r})"
