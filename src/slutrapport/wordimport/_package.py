"""A Word file opened for reading: its parts (checked as untrusted input), styles, numbering,
relationships, notes and comments.

The package is read with :func:`slutrapport._safety.read_package` — zip bombs, DTDs, outside
addresses that would be fetched and parts too large are refused before anything is parsed — and
every XML part is parsed with :func:`slutrapport._safety.safe_parser` (no entities, no network,
libxml2's depth limit). Nothing outside the file is ever fetched.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from slutrapport._safety import TEXT_WORDS, read_package, safe_parser
from slutrapport.errors import InputError, Problem

__all__ = ["NS", "Comment", "Level", "Numbering", "Package", "Style", "open_package", "q"]

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}

_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument")


def q(name: str) -> str:
    """Clark notation of a prefixed name: ``q("w:p")`` is ``{…/main}p``."""
    prefix, _, local = name.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def wval(element: Any | None, attribute: str = "val") -> str | None:
    """A ``w:``-namespaced attribute of an element (None when the element or it is missing)."""
    if element is None:
        return None
    value = element.get(q(f"w:{attribute}"))
    return None if value is None else str(value)


def on(element: Any | None) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): True, False, or None if absent."""
    if element is None:
        return None
    return wval(element) not in ("0", "false", "off")


@dataclass(frozen=True)
class Style:
    """What the reader needs of a style."""

    id: str
    type: str
    name: str
    based_on: str | None
    outline: int | None
    """The outline level its paragraph properties give (0 for a first-level heading)."""
    num_id: str | None
    ilvl: int | None
    bold: bool | None
    italic: bool | None


@dataclass(frozen=True)
class Level:
    """One level of a numbering definition."""

    fmt: str = "decimal"
    start: int = 1
    text: str = ""
    restart: int | None = None
    """After which level (0-based) this level starts over; None: after any higher level."""


@dataclass
class Numbering:
    """The numbering definitions: abstract definitions and the instances (``w:num``) on them."""

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)
    """Abstract id → the numbering style it takes its levels from (``w:numStyleLink``)."""
    nums: dict[str, str] = field(default_factory=dict)
    """Instance id → abstract id."""
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)
    """Instance id → the levels it starts over (``w:startOverride``), with their start."""
    level_overrides: dict[str, dict[int, Level]] = field(default_factory=dict)

    def level(self, num_id: str, ilvl: int, styles: dict[str, Style]) -> tuple[str, Level] | None:
        """The abstract definition (its id) and the level an item of ``num_id`` is at."""
        abstract = self.nums.get(num_id)
        if abstract is None:
            return None
        override = self.level_overrides.get(num_id, {}).get(ilvl)
        for _ in range(4):  # a numbering style's definition points at another one
            link = self.style_links.get(abstract)
            if link is None or link not in styles or styles[link].num_id is None:
                break
            linked = self.nums.get(str(styles[link].num_id))
            if linked is None or linked == abstract:
                break
            abstract = linked
        levels = self.abstract.get(abstract, {})
        level = override or levels.get(ilvl) or Level()
        return abstract, level


@dataclass(frozen=True)
class Comment:
    """A comment: who, when and what."""

    author: str
    date: str
    text: str


@dataclass
class Package:
    """A Word file's parts, parsed where the reader needs them."""

    path: Path
    parts: dict[str, bytes]
    document_name: str
    document: Any
    rels: dict[str, tuple[str, str, str]]
    """The main document's relationships: id → (type, target, target mode)."""
    styles: dict[str, Style]
    numbering: Numbering
    footnotes: dict[str, Any]
    endnotes: dict[str, Any]
    comments: dict[str, Comment]
    default_paragraph_style: str | None

    def target(self, rid: str) -> tuple[str, str] | None:
        """A relationship of the document: (target, mode); a part's name for an internal one."""
        rel = self.rels.get(rid)
        if rel is None:
            return None
        _, target, mode = rel
        if mode.lower() == "external":
            return target, "external"
        return _part_name(self.document_name, target), "internal"

    def heading_level(self, style_id: str | None) -> int | None:
        """The heading level of a paragraph style (1 for a first-level heading, 0 for the title),
        following ``w:basedOn``: a custom style based on *heading 2* is a heading of level 2.
        None for a style that is no heading."""
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            name = style.name if style is not None else ""
            found = _HEADING.fullmatch(name.strip()) or _HEADING_ID.fullmatch(style_id)
            if found:
                return min(int(found.group(1)), 9)
            if name.strip().lower() == "title" or style_id in ("Title", "Rubrik"):
                return 0
            if style is None:
                return None
            if style.outline is not None:
                return style.outline + 1 if style.outline < 9 else None
            style_id = style.based_on
        return None

    def style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The numbering (instance id, level) a paragraph style gives, through ``basedOn``."""
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            if style.num_id is not None:
                return style.num_id, style.ilvl
            style_id = style.based_on
        return None, None

    def character_format(self, style_id: str | None) -> tuple[bool | None, bool | None]:
        """Bold and italic as a character style gives them, through ``basedOn``."""
        bold = italic = None
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                break
            bold = style.bold if bold is None else bold
            italic = style.italic if italic is None else italic
            style_id = style.based_on
        return bold, italic


_HEADING = re.compile(r"(?i)heading\s*(\d)")
_HEADING_ID = re.compile(r"(?:Heading|Rubrik)\s*(\d)")
"""Built-in heading names ('heading 1') and ids, also Swedish Word's ('Rubrik1')."""


def _part_name(source: str, target: str) -> str:
    """The part a relationship of ``source`` names: 'media/a.png' from word/document.xml is
    word/media/a.png; '/word/x.xml' is word/x.xml."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _rels_name(part: str) -> str:
    folder, _, file = part.rpartition("/")
    return f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"


def parse_part(path: Path, name: str, data: bytes) -> Any:
    """A part parsed safely; a part that can't be read (or is nested too deep) is refused."""
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        deep = "depth" in str(exc).lower()
        why = ("har element nästlade i fler än 256 nivåer, mer än ett Word-dokument har"
               if deep else "går inte att läsa som XML")
        raise InputError([Problem(f"{path}: Word-filens del {name} {why}; filen läses inte")]) \
            from None


def _relationships(path: Path, parts: dict[str, bytes], name: str) -> dict[str, tuple[str, str,
                                                                                    str]]:
    rels_name = _rels_name(name)
    if rels_name not in parts:
        return {}
    root = parse_part(path, rels_name, parts[rels_name])
    out = {}
    for rel in root.iter(q("pr:Relationship")):
        out[rel.get("Id") or ""] = (rel.get("Type") or "", rel.get("Target") or "",
                                    rel.get("TargetMode") or "Internal")
    return out


def _by_type(rels: dict[str, tuple[str, str, str]], document: str, kind: str) -> str | None:
    for rel_type, target, mode in rels.values():
        if rel_type.rsplit("/", 1)[-1] == kind and mode.lower() != "external":
            return _part_name(document, target)
    return None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _styles(root: Any) -> tuple[dict[str, Style], str | None]:
    styles: dict[str, Style] = {}
    default = None
    if root is None:
        return styles, None
    for el in root.iter(q("w:style")):
        sid = wval(el, "styleId") or ""
        ppr = el.find(q("w:pPr"))
        rpr = el.find(q("w:rPr"))
        num = ppr.find(q("w:numPr")) if ppr is not None else None
        outline = _int(wval(ppr.find(q("w:outlineLvl")))) if ppr is not None else None
        style = Style(
            id=sid, type=wval(el, "type") or "paragraph",
            name=wval(el.find(q("w:name"))) or "",
            based_on=wval(el.find(q("w:basedOn"))),
            outline=outline,
            num_id=wval(num.find(q("w:numId"))) if num is not None else None,
            ilvl=_int(wval(num.find(q("w:ilvl")))) if num is not None else None,
            bold=on(rpr.find(q("w:b"))) if rpr is not None else None,
            italic=on(rpr.find(q("w:i"))) if rpr is not None else None,
        )
        styles[sid] = style
        if style.type == "paragraph" and wval(el, "default") in ("1", "true", "on"):
            default = sid
    return styles, default


def _level(el: Any) -> Level:
    restart = el.find(q("w:lvlRestart"))
    return Level(
        fmt=wval(el.find(q("w:numFmt"))) or "decimal",
        start=_int(wval(el.find(q("w:start"))), 1) or 0,
        text=wval(el.find(q("w:lvlText"))) or "",
        restart=(_int(wval(restart)) if restart is not None else None),
    )


def _numbering(root: Any) -> Numbering:
    out = Numbering()
    if root is None:
        return out
    for el in root.iter(q("w:abstractNum")):
        aid = wval(el, "abstractNumId") or ""
        out.abstract[aid] = {(_int(wval(lvl, "ilvl"), 0) or 0): _level(lvl)
                             for lvl in el.iter(q("w:lvl"))}
        link = wval(el.find(q("w:numStyleLink")))
        if link is not None:
            out.style_links[aid] = link
    for el in root.iter(q("w:num")):
        nid = wval(el, "numId") or ""
        out.nums[nid] = wval(el.find(q("w:abstractNumId"))) or ""
        for override in el.iter(q("w:lvlOverride")):
            ilvl = _int(wval(override, "ilvl"), 0) or 0
            start = override.find(q("w:startOverride"))
            if start is not None:
                out.overrides.setdefault(nid, {})[ilvl] = _int(wval(start), 0) or 0
            lvl = override.find(q("w:lvl"))
            if lvl is not None:
                out.level_overrides.setdefault(nid, {})[ilvl] = _level(lvl)
    return out


def _notes(root: Any, tag: str) -> dict[str, Any]:
    if root is None:
        return {}
    return {wval(el, "id") or "": el for el in root.iter(q(f"w:{tag}"))
            if wval(el, "type") in (None, "normal")}


def plain(element: Any) -> str:
    """The text of an element's paragraphs (inserted text included, deleted text not), one
    line each."""
    lines = []
    for p in element.iter(q("w:p")):
        parts = []
        for el in p.iter(q("w:t"), q("w:tab"), q("w:br"), q("m:t")):
            if el.tag in (q("w:t"), q("m:t")):
                parts.append(el.text or "")
            else:
                parts.append("\t" if el.tag == q("w:tab") else " ")
        lines.append("".join(parts))
    return "\n".join(line for line in lines if line.strip())


def _comments(root: Any) -> dict[str, Comment]:
    if root is None:
        return {}
    return {wval(el, "id") or "": Comment(wval(el, "author") or "okänd", wval(el, "date") or "",
                                          plain(el))
            for el in root.iter(q("w:comment"))}


def open_package(path: Path) -> Package:
    """Open a Word file for reading (see the module's description)."""
    if not path.exists():
        raise InputError([Problem("filen finns inte", file=str(path))])
    if path.is_dir():
        raise InputError([Problem("är en mapp; ange Word-filen (.docx)", file=str(path))])
    parts = read_package(path, TEXT_WORDS)
    package_rels = _relationships(path, parts, "")
    document = next((_part_name("", target) for kind, target, mode in package_rels.values()
                     if kind == _OFFICE_DOCUMENT and mode.lower() != "external"),
                    "word/document.xml")
    if document not in parts:
        raise InputError([Problem(f"{path}: är inget Word-dokument (delen {document} saknas); "
                                  "filen läses inte")])
    root = parse_part(path, document, parts[document])
    if root.tag != q("w:document"):
        raise InputError([Problem(f"{path}: är inget Word-dokument ({document} är ingen "
                                  "Word-text); filen läses inte")])
    rels = _relationships(path, parts, document)

    def part(kind: str) -> Any:
        name = _by_type(rels, document, kind)
        if name is None or name not in parts:
            return None
        return parse_part(path, name, parts[name])

    styles, default = _styles(part("styles"))
    return Package(
        path=path, parts=parts, document_name=document, document=root, rels=rels,
        styles=styles, numbering=_numbering(part("numbering")),
        footnotes=_notes(part("footnotes"), "footnote"),
        endnotes=_notes(part("endnotes"), "endnote"),
        comments=_comments(part("comments")), default_paragraph_style=default)
