"""The contents and the lists of tables and charts, filled in: their pages as LibreOffice laid
them out.

LibreOffice lays a rendered .docx out and tells, for each heading and caption, its page
(:mod:`slutrapport.office`); :func:`fill_contents` writes those lines into the document's contents
field and its lists of tables and charts (``TOC \\c "Tabell"``). The fields stay fields: Word can
still update them, and is no longer asked to on opening.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from slutrapport.docxzip import replaced_docx

__all__ = ["Plan", "fill_contents", "plan"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Plan:
    """What filling the contents needs to know of a document, read from the tree rendering built
    (:func:`plan`) so that the fill need not parse the whole body again: each heading's level,
    and how many index fields (``TOC``) the body has."""

    levels: dict[str, int]
    fields: int


def plan(root: Any) -> Plan | None:
    """The fill's :class:`Plan` of a body's tree (its root, ``w:document``), before anything
    changes it; None when the body is not written as the fill expects (then it parses)."""
    if root.prefix != "w" or root.nsmap.get("w") != _W[1:-1]:
        return None
    return Plan(_heading_levels(root), len(_index_fields(root)))


def fill_contents(docx: bytes, entries: Sequence[tuple[str, int]],
                  lists: Mapping[str, Sequence[tuple[str, int]]] | None = None,
                  known: Plan | None = None) -> bytes:
    """Write a contents field's result: one line per heading with its page number; and the
    results of the lists of captions (``TOC \\c "Tabell"``) from ``lists`` (by label).

    The fields stay fields (Word can still update them); only their shown results are filled,
    and Word is no longer asked to update fields on opening. Levels come from the headings'
    styles; a list's lines have Word's style for it (``TableofFigures``).

    With ``known`` (:func:`plan` of the document's tree) only the paragraphs that hold the
    fields are parsed and rewritten, in the body's bytes; the result is the same.
    """
    lists = lists or {}
    if not entries and not any(lists.values()):
        return docx
    source = zipfile.ZipFile(io.BytesIO(docx))
    xml = source.read("word/document.xml")
    document = _spliced(xml, entries, lists, known) if known is not None else None
    if document is None:
        root = etree.fromstring(xml)
        if not _fill_fields(root, entries, lists, _heading_levels(root)):
            return docx
        document = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                  standalone=True)
    elif document is xml:
        return docx
    del xml
    settings = re.sub(rb"<w:updateFields[^>]*/>", b"", source.read("word/settings.xml"))
    return replaced_docx(docx, {"word/document.xml": document, "word/settings.xml": settings})


def _index_fields(root: Any) -> list[Any]:
    """The instructions of the index fields (``TOC …``) under ``root``, in document order."""
    return [el for el in root.iter(f"{_W}instrText")
            if (el.text or "").strip().startswith("TOC")]


def _fill_fields(root: Any, entries: Sequence[tuple[str, int]],
                 lists: Mapping[str, Sequence[tuple[str, int]]], levels: dict[str, int],
                 contents: bool = False) -> bool:
    """Fill the index fields under ``root`` (in place); whether any was filled. ``contents``:
    the contents field is filled already (in a paragraph before these)."""
    filled = False
    for instr in _index_fields(root):
        label = re.search(r'\\c\s+"([^"]*)"', instr.text or "")
        if label is not None:
            lines = lists.get(label.group(1), ())
            styles = ["TableofFigures"] * len(lines)
        elif not contents:
            contents = True
            lines = entries
            styles = [f"TOC{min(levels.get(title, 1), 9)}" for title, _ in lines]
        else:
            continue
        if lines and _fill_field(instr, lines, styles):
            filled = True
    return filled


_INSTR = re.compile(rb"<w:instrText(?:\s[^>]*)?>\s*TOC")
"""An index field's instruction, in the body as written (``w:`` is the prefix :func:`plan`
saw)."""
_ROOT = re.compile(rb"<w:document(?:\s[^>]*)?>")
_PARAGRAPH = re.compile(rb"<w:p(?=[\s>/])[^>]*>|</w:p>")
"""A paragraph's start (or an empty one, ``<w:p/>``) or end tag."""


def _spliced(xml: bytes, entries: Sequence[tuple[str, int]],
             lists: Mapping[str, Sequence[tuple[str, int]]],
             known: Plan) -> bytes | None:
    """The body with its index fields filled, only the paragraphs that hold one parsed and
    written anew (``xml`` itself when none is filled); None when the body is not as expected."""
    top = _ROOT.search(xml)
    spans: list[tuple[int, int]] = []
    for instr in _INSTR.finditer(xml):
        if spans and instr.start() < spans[-1][1]:
            continue  # another field in the paragraph just taken
        span = _paragraph_around(xml, instr.start())
        if span is None:
            return None
        spans.append(span)
    if top is None:
        return None
    if not spans:
        return xml if known.fields == 0 else None
    pieces: list[bytes] = []
    at = 0
    contents = False
    fields = 0
    for start, end in spans:
        wrapper = etree.fromstring(top.group() + b"<w:body>" + xml[start:end]
                                   + b"</w:body></w:document>")
        body = wrapper[0]
        if len(body) != 1 or body[0].tag != f"{_W}p":
            return None
        before = contents
        found = _index_fields(body)
        fields += len(found)
        contents = contents or any(not re.search(r'\\c\s+"', el.text or "") for el in found)
        if not _fill_fields(body, entries, lists, known.levels, before):
            continue
        written = etree.tostring(wrapper, encoding="UTF-8")
        inner = written[written.index(b"<w:body>") + len(b"<w:body>"):
                        written.rindex(b"</w:body>")]
        pieces += [xml[at:start], inner]
        at = end
    if fields != known.fields:
        return None  # a field the search missed (or found twice): parse the whole body
    if not pieces:
        return xml
    pieces.append(xml[at:])
    return b"".join(pieces)


def _paragraph_around(xml: bytes, at: int) -> tuple[int, int] | None:
    """The span of the innermost paragraph (``<w:p …>…</w:p>``) around the position ``at``."""
    depth = 0
    start = -1
    end = at
    while start < 0:  # back to the paragraph's start, over whole paragraphs before it
        opened = max(xml.rfind(b"<w:p>", 0, end), xml.rfind(b"<w:p ", 0, end))
        closed = xml.rfind(b"</w:p>", 0, end)
        if opened < 0:
            return None
        if closed > opened:
            depth += 1
            end = closed
        elif xml[xml.index(b">", opened) - 1:xml.index(b">", opened)] == b"/":
            end = opened  # an empty paragraph
        elif depth:
            depth -= 1
            end = opened
        else:
            start = opened
    depth = 0
    for tag in _PARAGRAPH.finditer(xml, start):
        if tag.group() == b"</w:p>":
            depth -= 1
            if depth == 0:
                return start, tag.end()
        elif not tag.group().endswith(b"/>"):
            depth += 1
    return None


def _fill_field(instr: Any, lines: Sequence[tuple[str, int]], styles: Sequence[str]) -> bool:
    """Replace the paragraph of an index field with one paragraph per line (title, tab, page),
    the field's begin in the first and its end in the last; whether it could be done."""
    run_of_instr = instr.getparent()
    paragraph = run_of_instr.getparent() if run_of_instr is not None else None
    parent = paragraph.getparent() if paragraph is not None else None
    if paragraph is None or parent is None or paragraph.tag != f"{_W}p":
        return False
    runs = [r for r in paragraph if r.tag == f"{_W}r"]
    begin_runs = []
    for run in runs:
        begin_runs.append(run)
        sep = run.find(f"{_W}fldChar")
        if sep is not None and sep.get(f"{_W}fldCharType") == "separate":
            break
    end_run = runs[-1]
    for fld in (r.find(f"{_W}fldChar") for r in begin_runs):
        if fld is not None:
            fld.attrib.pop(f"{_W}dirty", None)
    new_paragraphs = []
    for n, ((title, page), style) in enumerate(zip(lines, styles, strict=True)):
        p = etree.Element(f"{_W}p")
        ppr = etree.SubElement(p, f"{_W}pPr")
        etree.SubElement(ppr, f"{_W}pStyle").set(f"{_W}val", style)
        if n == 0:
            for run in begin_runs:
                p.append(run)
        for kind, text in (("t", title), ("tab", None), ("t", str(page))):
            r = etree.SubElement(p, f"{_W}r")
            el = etree.SubElement(r, f"{_W}{kind}")
            if text is not None:
                el.text = text
                el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if n == len(lines) - 1:
            p.append(end_run)
        new_paragraphs.append(p)
    at = parent.index(paragraph)
    parent.remove(paragraph)
    for offset, p in enumerate(new_paragraphs):
        parent.insert(at + offset, p)
    return True


def _heading_levels(root: Any) -> dict[str, int]:
    """Each heading's text and level (the first of a text that is used twice). Only the
    paragraphs styled as headings are visited, found by XPath in libxml2: going through every
    paragraph in Python cost 0,7 s at 10 000 table rows."""
    levels: dict[str, int] = {}
    for p in _HEADINGS(root):
        found = re.fullmatch(r"Heading(\d)", p.find(f"{_W}pPr/{_W}pStyle").get(f"{_W}val", ""))
        if found:
            text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
            levels.setdefault(text, int(found.group(1)))
    return levels


_HEADINGS = etree.XPath(
    "//w:p[w:pPr/w:pStyle[starts-with(@w:val, 'Heading')]]",
    namespaces={"w": _W[1:-1]})
