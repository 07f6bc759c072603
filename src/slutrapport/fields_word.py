"""Word fields, bookmarks, list numbering and page orientation in a rendered document.

Captions are numbered the way Word numbers them: ``Tabell {SEQ Tabell}: …`` and
``Diagram {SEQ Diagram}: …``, the label and number wrapped in a bookmark named after the
caption's reference name (:func:`bookmark_name`), and narrative text refers to a caption by name
(``[](ref:diagram.ekonomi.kostnader)``) with a ``REF`` field to that bookmark, which reads
``Diagram 4``. The fields stay fields (Word and LibreOffice update them); their shown results are
filled in when a report is rendered (:func:`finish`), in document order, so a reader who never
updates a field sees the right numbers. The same pass numbers ``SEQ`` fields a user's own template
writes (Word's *Insert caption*), and completes the section breaks that put a wide table on a
landscape page (:data:`LANDSCAPE_START`, :data:`LANDSCAPE_END`).

:class:`ListNumbering` gives each numbered list its own numbering instance (a ``w:num`` that
restarts at 1 over the list style's abstract numbering), so a second list does not continue
the first one's numbers.

Nothing here imports python-docx: the functions work on lxml elements (python-docx's own).
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

__all__ = [
    "LANDSCAPE_END",
    "LANDSCAPE_START",
    "TEXT_MARK",
    "ListNumbering",
    "bookmark_name",
    "caption_xml",
    "field_xml",
    "finish",
    "mark_paragraphs",
    "number_xml",
    "read_text_mark",
    "ref_xml",
    "shown_digest",
    "text_mark_name",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + W_NS + "}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

TABLE_LABEL = "Tabell"
"""The caption label (and SEQ identifier) of tables."""
CHART_LABEL = "Diagram"
"""The caption label (and SEQ identifier) of charts."""


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def bookmark_name(ref: str) -> str:
    """The bookmark a caption carries for the reference name ``ref``.

    Word allows 40 characters (letters, digits and ``_``); a leading ``_`` hides the bookmark
    from the bookmark list, as Word's own cross-reference bookmarks (``_Ref…``) are. The name is
    readable, with a short hash of the whole reference name so that two names never meet.

    >>> bookmark_name("diagram.ekonomi.kostnader")
    '_Ref_diagram_ekonomi_kostnader_dec344'
    >>> len(bookmark_name("tabell." + "x" * 60 + ".foretag"))
    40
    """
    readable = re.sub(r"[^A-Za-z0-9]+", "_", ref).strip("_")
    digest = hashlib.sha256(ref.encode("utf-8")).hexdigest()[:6]
    return f"_Ref_{readable[:28].rstrip('_')}_{digest}"


TEXT_MARK = "_Txt_"
"""How the bookmark around a narrative text starts (:func:`text_mark_name`)."""


def text_mark_name(path: str, text: str, shown: str = "") -> str:
    """The bookmark around a narrative text of the report: the text's place in the data
    (``avsnitt.kommuner.kommuner[2].text``), what it held when it was rendered and what a reader
    saw of it (``shown``: its plain text, blanks run together), so that ``slutrapport import``
    finds it in a rendered report that was edited in Word, knows whether the data file's text
    changed since, and whether the text in Word did.

    Hidden (a leading ``_``) like Word's own, at most 40 characters: ``_Txt_``, the end of the
    place (for a person reading the XML), 8 hex digits of the place, 6 of the text and 6 of
    what was shown.

    >>> text_mark_name("avsnitt.kommuner.kommuner[2].text", "Vi besökte …", "Vi besökte …")
    '_Txt_2_text_11266c7f97f91197f911'
    >>> max(len(text_mark_name("avsnitt." + "x" * n + ".text", "")) for n in range(60))
    40
    """
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path) if w]
    readable = ""
    for word in reversed(words):  # the last words of the place that fit in 14 characters
        longer = f"{word[:14]}_{readable}" if readable else word[:14]
        if len(longer) > 14:
            break
        readable = longer
    where = hashlib.sha256(path.encode("utf-8")).hexdigest()[:8]
    what = hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
    seen = shown_digest(shown)
    return f"{TEXT_MARK}{readable}_{where}{what}{seen}"


def shown_digest(shown: str) -> str:
    """6 hex digits of a text as a reader sees it, blanks (spaces, line and paragraph breaks)
    run together, so that Word's paragraphs and the Markdown's give the same."""
    return hashlib.sha256(" ".join(shown.split()).encode("utf-8")).hexdigest()[:6]


_TEXT_MARK = re.compile(re.escape(TEXT_MARK)
                        + r"(?:[A-Za-z0-9_]*_)?([0-9a-f]{8})([0-9a-f]{6})([0-9a-f]{6})")


def read_text_mark(name: str) -> tuple[str, str, str] | None:
    """The place's, the text's and the shown text's digests of a narrative's bookmark name,
    or None if the bookmark is no such mark.

    >>> read_text_mark(text_mark_name("avsnitt.inledning.text", "Hej", "Hej"))
    ('00d8dc6b', '20ac4e', '20ac4e')
    >>> read_text_mark("_Ref_tabell_ekonomi_kostnader_16f7e4") is None
    True
    """
    found = _TEXT_MARK.fullmatch(name)
    return (found.group(1), found.group(2), found.group(3)) if found else None


def mark_paragraphs(xml: str, name: str) -> str:
    """Paragraphs (``<w:p><w:pPr>…</w:pPr>…</w:p>…``, as :mod:`slutrapport.narrative` writes
    them) in a bookmark named ``name``: it starts after the first paragraph's properties and
    ends after the last paragraph's runs, where the schema puts bookmarks in a paragraph. It
    shows nothing; Word and LibreOffice keep it when the text within is edited."""
    first = xml.find("</w:pPr>")
    last = xml.rfind("</w:p>")
    if not xml.startswith("<w:p>") or first < 0 or last < first:
        return xml
    n = _bookmark_id(name)
    at = first + len("</w:pPr>")
    return (f'{xml[:at]}<w:bookmarkStart w:id="{n}" w:name="{_esc(name)}"/>{xml[at:last]}'
            f'<w:bookmarkEnd w:id="{n}"/>{xml[last:]}')


def _bookmark_id(ref: str) -> int:
    """A bookmark id for a reference name (:func:`finish` renumbers them in document order)."""
    return int(hashlib.sha256(ref.encode("utf-8")).hexdigest()[:7], 16)


def _run(text: str, rpr: str = "") -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'


def field_xml(instruction: str, result: str, rpr: str = "") -> str:
    """A complex field as runs: its instruction and its shown result (``rpr``: run properties).

    >>> field_xml("SEQ Tabell", "2")  # doctest: +NORMALIZE_WHITESPACE
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText
    xml:space="preserve"> SEQ Tabell </w:instrText></w:r><w:r><w:fldChar
    w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve">2</w:t></w:r><w:r><w:fldChar
    w:fldCharType="end"/></w:r>'
    """
    return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> {_esc(instruction)} </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"{_run(result, rpr)}"
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')


def number_xml(label: str, number: int, ref: str | None) -> str:
    """``Tabell {SEQ Tabell}`` as runs, in a bookmark for the reference name ``ref`` if given."""
    runs = _run(label + " ") + field_xml(f"SEQ {label} \\* ARABIC", str(number))
    if ref is None:
        return runs
    n = _bookmark_id(ref)
    return (f'<w:bookmarkStart w:id="{n}" w:name="{bookmark_name(ref)}"/>{runs}'
            f'<w:bookmarkEnd w:id="{n}"/>')


def caption_xml(label: str, number: int, title: str, ref: str | None) -> str:
    """A caption as runs: ``Diagram {SEQ Diagram}: title``, label and number bookmarked."""
    return number_xml(label, number, ref) + (_run(": " + title) if title else "")


def ref_xml(ref: str, shown: str, rpr: str = "") -> str:
    """A ``REF`` field to the caption named ``ref``, hyperlinked (``\\h``), showing ``shown``
    until :func:`finish` fills in the caption's label and number."""
    return field_xml(f"REF {bookmark_name(ref)} \\h", shown, rpr)


# --- the pass over a rendered document ------------------------------------------------------------


_PARAGRAPH_END = (
    '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
    '<w:sectPr><w:type w:val="nextPage"/><w:pgSz w:orient="{orient}"/></w:sectPr></w:pPr>')
LANDSCAPE_START = "<w:p>" + _PARAGRAPH_END.replace("{orient}", "portrait") + "</w:p>"
"""A paragraph that ends the current section: what follows starts on a landscape page.

:func:`finish` completes it (page size, margins, footers) from the section it interrupts."""
LANDSCAPE_END = "<w:p>" + _PARAGRAPH_END.replace("{orient}", "landscape") + "</w:p>"
"""A paragraph that ends a landscape section begun by :data:`LANDSCAPE_START`."""


def finish(root: Any) -> None:
    """Fill in a rendered document's fields and complete its page breaks, in place.

    ``root`` is the ``w:document`` element. In document order: bookmarks get unique ids (a
    name met again is dropped: Word keeps one), ``SEQ`` fields are numbered per identifier
    (``\\c`` repeats, ``\\r n`` restarts at n, ``\\h`` hides), ``REF`` fields to a bookmark show
    its text, and the section breaks of landscape pages get their page setup. A field whose
    result, or a bookmark that, runs on into another paragraph is left as it is.
    """
    # One walk over the tree gathers what every step needs (a long table's thousands of runs
    # are passed over in C, not visited one by one in Python).
    marks: list[Any] = []
    chars: list[Any] = []
    sections: list[Any] = []
    for el in root.iter(f"{_W}bookmarkStart", f"{_W}bookmarkEnd", f"{_W}fldChar",
                        f"{_W}instrText", f"{_W}fldSimple", f"{_W}sectPr"):
        (marks if el.tag in _MARKS else sections if el.tag == f"{_W}sectPr" else chars).append(el)
    _bookmarks(marks)
    found = list(_fields(chars))
    _number_sequences(found)
    refs = []
    for fld in found:
        words = fld.instruction.split()
        if len(words) >= 2 and words[0].upper() == "REF" and \
                not any(w.lower() in _OTHER_REF for w in words[2:]):
            refs.append((fld, words[1]))
    if refs:
        texts = _bookmark_texts(marks, {name for _, name in refs})
        for fld, name in refs:
            if name in texts:
                _set_result(fld, texts[name])
    _sections(sections)


_MARKS = frozenset({f"{_W}bookmarkStart", f"{_W}bookmarkEnd"})


_OTHER_REF = frozenset({"\\d", "\\f", "\\n", "\\p", "\\r", "\\t", "\\w"})
"""REF switches that show something else than the bookmark's text (paragraph numbers, "above"):
such a field is left as it is."""


@dataclass
class _Field:
    """A field met in document order: its instruction, and where its result is."""

    instruction: str = ""
    separate: Any = None  # the run with fldChar separate (complex field)
    end: Any = None  # the run with fldChar end
    simple: Any = None  # a w:fldSimple
    in_result: bool = False


def _fields(chars: list[Any]) -> Iterator[_Field]:
    """Every field, complex and simple, in the order they end, from the field characters,
    instructions and simple fields in document order."""
    stack: list[_Field] = []
    for el in chars:
        if el.tag == f"{_W}fldSimple":
            yield _Field(instruction=el.get(f"{_W}instr", ""), simple=el)
        elif el.tag == f"{_W}instrText":
            if stack and not stack[-1].in_result:
                stack[-1].instruction += el.text or ""
        else:
            kind = el.get(f"{_W}fldCharType")
            if kind == "begin":
                stack.append(_Field())
            elif kind == "separate" and stack:
                stack[-1].separate = el.getparent()
                stack[-1].in_result = True
            elif kind == "end" and stack:
                done = stack.pop()
                done.end = el.getparent()
                yield done


def _result_runs(fld: _Field) -> list[Any] | None:
    """The runs of a field's result; None if it runs on past its paragraph (or has no place)."""
    if fld.simple is not None:
        return [r for r in fld.simple if r.tag == f"{_W}r"]
    if fld.separate is None or fld.end is None:
        return None
    runs: list[Any] = []
    for el in fld.separate.itersiblings():
        if el is fld.end:
            return runs
        runs.extend(el.iter(f"{_W}r"))
    return None


def _set_result(fld: _Field, text: str) -> None:
    """Show ``text`` as the field's result: in its first text run, the others emptied."""
    runs = _result_runs(fld)
    if runs is None:
        return
    texts = [t for r in runs for t in r.iter(f"{_W}t")]
    if texts:
        texts[0].text = text
        texts[0].set(_XML_SPACE, "preserve")
        for t in texts[1:]:
            t.getparent().remove(t)
        return

    run = etree.Element(f"{_W}r")
    model = fld.separate.find(f"{_W}rPr") if fld.separate is not None else None
    if model is not None:
        run.append(copy.deepcopy(model))
    t = etree.SubElement(run, f"{_W}t")
    t.text = text
    t.set(_XML_SPACE, "preserve")
    if fld.simple is not None:
        fld.simple.append(run)
    elif fld.separate is not None:
        fld.separate.addnext(run)


def _number_sequences(found: list[_Field]) -> None:
    counters: dict[str, int] = {}
    for fld in found:
        words = fld.instruction.split()
        if len(words) < 2 or words[0].upper() != "SEQ":
            continue
        name = words[1]
        switches = [w.lower() for w in words[2:]]
        current = counters.get(name, 0)
        if "\\r" in switches:
            at = switches.index("\\r")
            given = words[2 + at + 1] if len(words) > 2 + at + 1 else ""
            current = int(given) if given.isdigit() else current + 1
        elif "\\c" not in switches:
            current += 1
        counters[name] = current
        _set_result(fld, "" if "\\h" in switches else str(current))


def _bookmarks(marks: list[Any]) -> None:
    """Give every bookmark a unique id in document order; drop a name met before."""
    seen: set[str] = set()
    open_ids: dict[str, list[tuple[str, bool]]] = {}  # old id -> (new id, kept) of open starts
    number = 0
    for el in marks:
        old = el.get(f"{_W}id", "")
        if el.tag == f"{_W}bookmarkStart":
            name = el.get(f"{_W}name", "")
            kept = name not in seen
            seen.add(name)
            open_ids.setdefault(old, []).append((str(number), kept))
            if kept:
                el.set(f"{_W}id", str(number))
                number += 1
            else:
                el.getparent().remove(el)
            continue
        opened = open_ids.get(old)
        if not opened:
            el.getparent().remove(el)  # an end without a start
            continue
        new, kept = opened.pop()
        if kept:
            el.set(f"{_W}id", new)
        else:
            el.getparent().remove(el)


def _bookmark_texts(marks: list[Any], names: set[str]) -> dict[str, str]:
    """The text of each bookmark named in ``names`` (what a REF field to it shows), if it ends
    in the paragraph it starts in."""
    out: dict[str, str] = {}
    for start in marks:
        name = start.get(f"{_W}name", "")
        if start.tag != f"{_W}bookmarkStart" or start.getparent() is None or name not in names \
                or name in out:
            continue
        bid = start.get(f"{_W}id")
        parts: list[str] = []
        for el in start.itersiblings():
            if el.tag == f"{_W}bookmarkEnd" and el.get(f"{_W}id") == bid:
                out[name] = "".join(parts)
                break
            parts.extend(t.text or "" for t in el.iter(f"{_W}t"))
    return out


def _sections(everything: list[Any]) -> None:
    """Complete the section breaks :data:`LANDSCAPE_START` and :data:`LANDSCAPE_END` leave.

    Each takes the page setup (size, margins, header and footer) of the section it interrupts
    (the next complete one), a landscape end with the page turned. The interrupted section's
    first piece keeps a different first page and a page-number start; the later pieces don't, so
    the page after a landscape page keeps its footer.
    """
    markers: list[tuple[Any, Any]] = []  # (marker, the section it interrupts)
    pending: list[Any] = []
    for sect in everything:
        size = sect.find(f"{_W}pgSz")
        if size is not None and size.get(f"{_W}w") is None:
            pending.append(sect)
            continue
        markers += [(m, sect) for m in pending]
        pending = []
    for m in pending:  # no section after it: nothing to copy; leave a plain section break
        m.getparent().remove(m)
    firsts: set[int] = set()
    for marker, governing in markers:
        landscape = marker.find(f"{_W}pgSz").get(f"{_W}orient") == "landscape"
        done = copy.deepcopy(governing)
        for child in list(done):
            if child.tag == f"{_W}type":
                done.remove(child)

        kind = etree.Element(f"{_W}type")
        kind.set(f"{_W}val", "nextPage")
        _insert_type(done, kind)
        size = done.find(f"{_W}pgSz")
        if landscape and size is not None:
            w, h = int(size.get(f"{_W}w", "11906")), int(size.get(f"{_W}h", "16838"))
            size.set(f"{_W}w", str(max(w, h)))
            size.set(f"{_W}h", str(min(w, h)))
            size.set(f"{_W}orient", "landscape")
        if id(governing) in firsts:
            _not_first(done)
        firsts.add(id(governing))
        marker.getparent().replace(marker, done)
    for governing in {id(g): g for _, g in markers}.values():
        _not_first(governing)


# The children of w:sectPr that come before w:type, in the schema's order.
_BEFORE_TYPE = {f"{_W}{n}" for n in ("headerReference", "footerReference", "footnotePr",
                                     "endnotePr")}


def _insert_type(sect: Any, kind: Any) -> None:
    at = 0
    for i, child in enumerate(sect):
        if child.tag in _BEFORE_TYPE:
            at = i + 1
    sect.insert(at, kind)


def _not_first(sect: Any) -> None:
    """A later piece of a section: no different first page, page numbers run on."""
    for child in list(sect):
        if child.tag == f"{_W}titlePg":
            sect.remove(child)
        elif child.tag == f"{_W}pgNumType":
            child.attrib.pop(f"{_W}start", None)


# --- list numbering ---------------------------------------------------------------------------


class ListNumbering:
    """New numbering instances for numbered lists, made in a document's numbering part.

    Called with a paragraph style id (``ListNumber``), it adds a ``w:num`` over that style's
    abstract numbering that restarts at 1 (``w:lvlOverride/w:startOverride``) and returns the
    ``w:numPr`` a list's paragraphs carry; None if the style has no numbering. ``document`` is a
    python-docx Document.
    """

    def __init__(self, document: Any) -> None:
        self._document = document
        self._styles = document.styles.element
        self._made: int | None = None

    def _style_numbering(self, style_id: str) -> tuple[str, str] | None:
        """The (numId, ilvl) a paragraph style numbers with, through its basedOn chain."""
        seen: set[str] = set()
        current: str | None = style_id
        while current and current not in seen:
            seen.add(current)
            style = next((s for s in self._styles.iter(f"{_W}style")
                          if s.get(f"{_W}styleId") == current), None)
            if style is None:
                return None
            num = style.find(f"{_W}pPr/{_W}numPr/{_W}numId")
            if num is not None:
                level = style.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
                return num.get(f"{_W}val", ""), (level.get(f"{_W}val", "0")
                                                  if level is not None else "0")
            based = style.find(f"{_W}basedOn")
            current = based.get(f"{_W}val") if based is not None else None
        return None

    def __call__(self, style_id: str, start: int = 1) -> str | None:
        found = self._style_numbering(style_id)
        if found is None:
            return None
        num_id, level = found
        numbering = self._document.part.numbering_part.element
        nums = {n.get(f"{_W}numId"): n for n in numbering.iter(f"{_W}num")}
        abstract = nums.get(num_id)
        abstract_id = abstract.find(f"{_W}abstractNumId") if abstract is not None else None
        if abstract_id is None:
            return None
        if self._made is None:
            self._made = max([int(n) for n in nums if n and n.isdigit()] + [0])
        self._made += 1
        num = etree.Element(f"{_W}num")
        cleanup = numbering.find(f"{_W}numIdMacAtCleanup")
        if cleanup is not None:
            cleanup.addprevious(num)
        else:
            numbering.append(num)
        num.set(f"{_W}numId", str(self._made))
        etree.SubElement(num, f"{_W}abstractNumId").set(
            f"{_W}val", abstract_id.get(f"{_W}val", ""))
        override = etree.SubElement(num, f"{_W}lvlOverride")
        override.set(f"{_W}ilvl", level)
        etree.SubElement(override, f"{_W}startOverride").set(f"{_W}val", str(max(start, 0)))
        return (f'<w:numPr><w:ilvl w:val="{_esc(level)}"/>'
                f'<w:numId w:val="{self._made}"/></w:numPr>')
