"""Walking WordprocessingML into blocks: paragraphs of formatted text, list items with their
numbers, headings, tables — and a list of everything that can't come along.

:func:`read_blocks` reads any sequence of body elements (``w:p``, ``w:tbl``, ``w:sdt`` …): the
whole body for ``slutrapport import``, or the elements between two bookmarks of a rendered report
for the round trip. What the walker decides, and why:

- **Tracked changes** (``w:ins``, ``w:del``, ``w:moveFrom``/``w:moveTo``, changed formatting
  ``w:rPrChange``/``w:pPrChange``, inserted or deleted paragraph marks and table rows) and
  **comments** are listed as :class:`Revision` (who, when, what, where) whatever the mode; the
  mode says which text is read: ``accept`` reads the document as it would be with every change
  accepted, ``reject`` as it would be with every change rejected. (``refuse`` reads as
  ``accept``; the caller refuses when there is anything to decide.)
- **Headings**: a paragraph style named *heading N* (Word writes the English name also in a
  Swedish document, whose style ids are ``Rubrik1`` …), an id ``HeadingN``/``RubrikN``, a style
  with an outline level, or a custom style based on one of them (``w:basedOn``, followed).
  *Title* (``Rubrik`` in Swedish Word) is a heading of level 0.
- **Lists** are numbered as Word numbers them: counters per abstract numbering definition, so an
  instance that continues one (the same ``w:num``, or another on the same definition) goes on
  counting after paragraphs in between; ``w:start`` gives a level's first number and
  ``w:startOverride`` starts an instance over. The format ``bullet`` is a bullet list, ``none``
  no list, every other format a numbered list.
- **Fields**: the shown result is kept as text (a page number, "Tabell 3"); a ``HYPERLINK``
  field is a link; a table of contents (``TOC``) and an index are left out; each is noted. Given
  the report's captions (``refs``: bookmark → reference name, for a rendered report), a ``REF``
  field to one is a reference again (``[](ref:…)``) and a link to one a link to it
  (``[se diagrammet](ref:…)``).
- **Special characters** are kept as the Unicode characters Word means: a soft hyphen
  (``w:softHyphen``) is U+00AD, a non-breaking hyphen (``w:noBreakHyphen``) U+2011, a symbol
  (``w:sym``) its character unless it is from a symbol font.
- What can't be carried — text boxes, shapes, charts, SmartArt, embedded objects, formulas,
  footnotes, hidden text, underlined/struck/raised text's formatting — is a :class:`Note` with
  its place; pictures are returned as :class:`Picture` for the caller to place or extract.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from slutrapport.wordimport._package import NS, Package, on, plain, q, wval

__all__ = ["Block", "Cell", "Inline", "Mode", "Note", "Paragraph", "Picture", "Reading",
           "Revision", "Table", "read_blocks", "read_document", "read_each"]

Mode = Literal["refuse", "accept", "reject"]


@dataclass(frozen=True)
class Inline:
    """Text with one formatting; ``\\n`` is a line break and ``\\t`` a tab."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    field: bool = False
    """Shown by a field (a page number, 'Tabell 3'): never taken for a figure."""
    ref: str | None = None
    """A reference to a caption of the report by its name (``diagram.ekonomi.kostnader``): the
    text is the name, as the narrative shows it until the field is filled in."""


@dataclass
class Paragraph:
    """A paragraph: body text, a heading or a list item."""

    kind: Literal["body", "heading", "bullet", "number"]
    inlines: list[Inline]
    place: str
    level: int = 0
    """A heading's level (0 the title, 1 …), a list item's (0 the outermost)."""
    number: int = 0
    """A numbered item's number, as Word shows it."""
    fmt: str = ""
    """A list item's numbering format (``decimal``, ``lowerLetter``, ``bullet`` …)."""

    @property
    def text(self) -> str:
        return "".join(i.text for i in self.inlines)


@dataclass(frozen=True)
class Cell:
    """A table cell's text; ``span`` columns wide; ``merged``: the continuation of a cell
    merged down from the row above (``w:vMerge``)."""

    text: str
    span: int = 1
    merged: bool = False


@dataclass
class Table:
    """A table: its rows of cells, its place and its number in the document."""

    rows: list[list[Cell]]
    place: str
    number: int


Block = Paragraph | Table


@dataclass(frozen=True)
class Note:
    """Something the reader could not carry, or carried in a way the user should know."""

    code: str
    place: str
    message: str


@dataclass(frozen=True)
class Revision:
    """A tracked change or a comment: what, who, when and where."""

    kind: str
    """``ins``, ``del``, ``move-from``, ``move-to``, ``format``, ``paragraph-ins``,
    ``paragraph-del``, ``row-ins``, ``row-del`` or ``comment``."""
    author: str
    date: str
    text: str
    place: str
    about: str = ""
    """For a comment: the text it is about."""


@dataclass(frozen=True)
class Picture:
    """A picture of the document: its part (``word/media/image1.png``), bytes, alt text, place."""

    part: str
    data: bytes
    alt: str
    place: str


@dataclass
class Reading:
    """What :func:`read_blocks` found."""

    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)


_LIST_STYLE = re.compile(r"(?:list bullet|list number|punktlista|numrerad lista) ([2-9])",
                         re.IGNORECASE)
_HIDDEN_FIELDS = frozenset({"TOC", "INDEX", "TOA", "XE", "TC", "RD", "BIBLIOGRAPHY"})
_QUOTE = 40


def quote(text: str) -> str:
    """The start of a text for a place: '”Under året besökte …”'."""
    flat = " ".join(text.split())
    return f"”{flat[:_QUOTE].rstrip()}…”" if len(flat) > _QUOTE else f"”{flat}”"


@dataclass
class _Field:
    instr: str = ""
    phase: Literal["instr", "result"] = "instr"
    result: str = ""
    swallowed: str = ""
    """Text (``w:t``) within the instruction: never shown, said if the field is broken."""
    pending: Any = None
    """The paragraph being read when the result began, and how many inlines it had then."""
    shown_from: int = 0

    @property
    def kind(self) -> str:
        words = self.instr.split()
        return words[0].upper() if words else ""

    def link(self) -> str | None:
        """A HYPERLINK field's address (None for an anchor within the document)."""
        if self.kind != "HYPERLINK":
            return None
        if re.search(r"\\l\b", self.instr):
            return None
        found = re.search(r'"([^"]*)"', self.instr) or re.search(r"HYPERLINK\s+(\S+)",
                                                                 self.instr, re.I)
        return found.group(1) if found else None


@dataclass
class _Pending:
    """What is gathered while a paragraph is read; its place is known only at its end."""

    inlines: list[Inline] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)
    """All text, deleted text included (for the quote that places it)."""
    revisions: list[tuple[Revision, int, int]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    formats: dict[str, list[str]] = field(default_factory=dict)
    objects: bool = False
    relative: set[str] = field(default_factory=set)
    """Link targets without a scheme already noted in the paragraph."""


class _Walker:
    def __init__(self, package: Package, mode: Mode, refs: dict[str, str] | None = None) -> None:
        self.package = package
        self.mode = mode
        self.refs = refs or {}
        self.list_level: int | None = None
        """The level of the paragraph just read if it was a list item."""
        self.list_shift = 0
        """The depth of a list style (List Bullet 2: 1) that the list's first item had."""
        self.reading = Reading()
        self.paragraphs = 0
        self.tables = 0
        self.footnotes = 0
        self.fields: list[_Field] = []
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.comments: dict[str, list[str]] = {}
        self.about: dict[str, str] = {}
        self.carried: list[Inline] = []
        self.carried_seen: list[str] = []
        self.current = _Pending()
        self.position = 0

    # --- blocks -------------------------------------------------------------------------------

    def blocks(self, elements: Iterable[Any], cell: str | None = None) -> list[Block]:
        out: list[Block] = []
        for el in elements:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag == q("w:p"):
                paragraph = self.paragraph(el, cell)
                if paragraph is not None:
                    out.append(paragraph)
            elif tag == q("w:tbl"):
                if cell is not None:
                    self.reading.notes.append(Note(
                        "import-tabell", cell,
                        "En tabell i tabellcellen följer inte med; dess text: "
                        f"{quote(plain(el))}."))
                    continue
                out.append(self.table(el))
            elif tag == q("w:sdt"):
                gallery = el.find(f".//{q('w:docPartGallery')}")
                if gallery is not None and "contents" in (wval(gallery) or "").lower():
                    self.reading.notes.append(Note(
                        "import-falt", self.after(),
                        "Innehållsförteckningen följer inte med (rapporten gör en egen)."))
                    continue
                content = el.find(q("w:sdtContent"))
                if content is not None:
                    out += self.blocks(content, cell)
            elif tag in (q("w:customXml"), q("w:ins"), q("w:moveTo")):
                out += self.blocks(el, cell)
            elif tag == q("mc:AlternateContent"):
                choice = el.find(q("mc:Choice"))
                if choice is not None:
                    out += self.blocks(choice, cell)
        return out

    def after(self) -> str:
        return f"efter stycke {self.paragraphs}" if self.paragraphs else "först i texten"

    def table(self, tbl: Any) -> Table:
        self.tables += 1
        number = self.tables
        place = f"tabell {number} ({self.after()})"
        rows: list[list[Cell]] = []
        for tr in _children(tbl, "w:tr"):
            trpr = tr.find(q("w:trPr"))
            row_place = f"tabell {number}, rad {len(rows) + 1}"
            if trpr is not None:
                removed = False
                for kind, tag in (("row-ins", "w:ins"), ("row-del", "w:del")):
                    mark = trpr.find(q(tag))
                    if mark is not None:
                        self.reading.revisions.append(Revision(
                            kind, wval(mark, "author") or "okänd", wval(mark, "date") or "",
                            plain(tr), row_place))
                        removed = removed or (kind == "row-del") == (self.mode != "reject")
                if removed:
                    continue
            cells: list[Cell] = []
            for tc in _children(tr, "w:tc"):
                tcpr = tc.find(q("w:tcPr"))
                span = 1
                merged = False
                if tcpr is not None:
                    columns = wval(tcpr.find(q("w:gridSpan"))) or "1"
                    span = min(int(columns), 64) if columns.isdigit() else 1
                    vmerge = tcpr.find(q("w:vMerge"))
                    merged = vmerge is not None and wval(vmerge) in (None, "continue")
                where = f"tabell {number}, rad {len(rows) + 1}, kolumn {len(cells) + 1}"
                inner = self.blocks(tc, where)
                text = "\n".join(b.text for b in inner if isinstance(b, Paragraph))
                cells.append(Cell(text, max(span, 1), merged))
            rows.append(cells)
        return Table(rows, place, number)

    # --- paragraphs ---------------------------------------------------------------------------

    def paragraph(self, p: Any, cell: str | None) -> Paragraph | None:
        self.current = _Pending(list(self.carried), list(self.carried_seen))
        self.carried, self.carried_seen = [], []
        ppr = p.find(q("w:pPr"))
        props = ppr
        changed = ppr.find(q("w:pPrChange")) if ppr is not None else None
        if changed is not None:
            self.revision(changed, "format", "stycket")
            if self.mode == "reject":
                props = changed.find(q("w:pPr"))
        mark_removed = False
        mark = ppr.find(q("w:rPr")) if ppr is not None else None
        for kind, tag in (("paragraph-ins", "w:ins"), ("paragraph-del", "w:del")):
            found = mark.find(q(tag)) if mark is not None else None
            if found is not None:
                self.revision(found, kind, "")
                mark_removed = mark_removed or (kind == "paragraph-del") == (self.mode != "reject")
        self.content(p, removed=False, link=None)
        while self.fields and self.fields[-1].phase == "instr":  # a field that never ends
            broken = self.fields.pop()
            if broken.swallowed.strip():
                self.note("import-falt", f"Ett fält ({quote(broken.instr)}) avslutas aldrig i "
                          f"stycket; texten i det, {quote(broken.swallowed)}, följer inte med.")
        pending = self.current
        text = "".join(i.text for i in pending.inlines)
        seen = "".join(pending.seen)
        if mark_removed:
            # the paragraph mark goes: its text runs on into the next paragraph
            self.carried, self.carried_seen = pending.inlines, pending.seen
            self._finish(pending, cell or _place(self.paragraphs + 1, seen))
            return None
        if not seen.strip() and not pending.objects and not pending.revisions:
            return None
        if cell is None:
            self.paragraphs += 1
        place = cell or _place(self.paragraphs, seen)
        self._finish(pending, place)
        if not text.strip():
            return None
        style = wval(props.find(q("w:pStyle"))) if props is not None else None
        style = style or self.package.default_paragraph_style
        outline = wval(props.find(q("w:outlineLvl"))) if props is not None else None
        heading = self.package.heading_level(style)
        if outline is not None and outline.isdigit() and int(outline) < 9:
            heading = int(outline) + 1
        if heading is not None and cell is None:
            return Paragraph("heading", [Inline(text)], place, level=heading)
        listed = self.list_item(props, style, pending.inlines, place)
        self.list_level = listed.level if listed is not None else None
        if listed is not None:
            return listed
        return Paragraph("body", pending.inlines, place)

    def _finish(self, pending: _Pending, place: str) -> None:
        for revision, _, _ in pending.revisions:
            self.reading.revisions.append(Revision(
                revision.kind, revision.author, revision.date, revision.text, place,
                revision.about))
        for note in pending.notes:
            self.reading.notes.append(Note(note.code, place, note.message))
        for picture in pending.pictures:
            self.reading.pictures.append(Picture(picture.part, picture.data, picture.alt, place))
        for what, pieces in pending.formats.items():
            shown = ", ".join(quote(x) for x in pieces[:3])
            self.reading.notes.append(Note(
                "import-format", place, f"{what} ({shown}) följer inte med: löptexten har bara "
                "fet och kursiv stil; texten står kvar utan formatet."))

    def list_style_depth(self, style: str | None) -> int:
        """The level Word's list styles *List Bullet 2*, *List Number 3* … (in Swedish Word
        *Punktlista 2*, *Numrerad lista 3*) stand for: each is a list of one level of its own,
        indented as the second, third … level (0 for any other style)."""
        seen: set[str] = set()
        while style is not None and style not in seen:
            seen.add(style)
            found = self.package.styles.get(style)
            if found is None:
                break
            named = _LIST_STYLE.fullmatch(found.name.strip())
            if named:
                return int(named.group(1)) - 1
            style = found.based_on
        return 0

    def list_item(self, props: Any, style: str | None, inlines: list[Inline],
                  place: str) -> Paragraph | None:
        num = props.find(q("w:numPr")) if props is not None else None
        num_id = wval(num.find(q("w:numId"))) if num is not None else None
        ilvl_text = wval(num.find(q("w:ilvl"))) if num is not None else None
        if num_id is None:
            style_num, style_ilvl = self.package.style_numbering(style)
            num_id = style_num
            if ilvl_text is None and style_ilvl is not None:
                ilvl_text = str(style_ilvl)
        if num_id is None or num_id == "0":
            return None
        ilvl = int(ilvl_text) if ilvl_text and ilvl_text.isdigit() else 0
        ilvl = min(ilvl, 8)
        # List Bullet 2 and its kind: a one-level list that stands for a deeper level, when it
        # stands under an item of the list before it (alone it is a list of its own)
        depth = self.list_style_depth(style) if num is None and ilvl_text is None else 0
        if self.list_level is None:
            self.list_shift = depth  # the list's first item is its outermost level
        depth = max(depth - self.list_shift, 0)
        if self.list_level is not None and depth > self.list_level + 1:
            depth = self.list_level + 1
        found = self.package.numbering.level(num_id, ilvl, self.package.styles)
        if found is None:
            return None
        abstract, level = found
        if level.fmt == "none":
            return None
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for at, start in sorted(self.package.numbering.overrides.get(num_id, {}).items()):
                counters[at] = start - 1
                for deeper in [k for k in counters if k > at]:
                    del counters[deeper]
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        kind: Literal["bullet", "number"] = "bullet" if level.fmt == "bullet" else "number"
        return Paragraph(kind, inlines, place, level=max(ilvl, depth), number=counters[ilvl],
                         fmt=level.fmt)

    # --- inline content -----------------------------------------------------------------------

    def hidden(self) -> bool:
        return any(f.phase == "instr" or f.kind in _HIDDEN_FIELDS for f in self.fields)

    def emit(self, text: str, bold: bool, italic: bool, link: str | None,
             removed: bool) -> None:
        if not text:
            return
        self.position += len(text)
        if self.fields and self.fields[-1].phase == "instr":
            if not removed:
                self.fields[-1].swallowed += text
            return
        if not removed:
            for f in self.fields:
                if f.phase == "result":
                    f.result += text
        if self.hidden():
            return
        self.current.seen.append(text)
        if removed:
            return
        for pieces in self.comments.values():
            pieces.append(text)
        in_field = any(f.phase == "result" and f.kind != "HYPERLINK" for f in self.fields)
        field_link = next((f.link() for f in reversed(self.fields) if f.kind == "HYPERLINK"),
                          None)
        href = link or field_link
        if href is not None and not urlsplit(href).scheme:
            if href not in self.current.relative:
                self.current.relative.add(href)
                self.note("import-lank", f"Länken till {quote(href)} har ingen webbadress "
                          "(som https://); texten står kvar utan länk.")
            href = None
        self.current.inlines.append(Inline(text, bold, italic, href, in_field))

    def note(self, code: str, message: str) -> None:
        self.current.notes.append(Note(code, "", message))
        self.current.objects = True

    def revision(self, el: Any, kind: str, text: str | None = None, about: str = "") -> None:
        author = wval(el, "author") or "okänd"
        date = wval(el, "date") or ""
        if text is None:
            text = _text_of(el)
        start = self.position
        last = self.current.revisions[-1] if self.current.revisions else None
        if last is not None and last[0].kind == kind and last[0].author == author and \
                last[0].date == date and last[2] == start and kind != "comment":
            merged = Revision(kind, author, date, last[0].text + text, "", about)
            self.current.revisions[-1] = (merged, last[1], start + len(text))
            return
        self.current.revisions.append((Revision(kind, author, date, text, "", about), start,
                                       start + len(text)))

    def content(self, parent: Any, removed: bool, link: str | None) -> None:
        for el in parent:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag == q("w:r"):
                self.run(el, removed, link)
            elif tag in (q("w:ins"), q("w:moveTo")):
                self.revision(el, "ins" if tag == q("w:ins") else "move-to")
                self.content(el, removed or self.mode == "reject", link)
            elif tag in (q("w:del"), q("w:moveFrom")):
                self.revision(el, "del" if tag == q("w:del") else "move-from")
                self.content(el, removed or self.mode != "reject", link)
            elif tag == q("w:hyperlink"):
                self.content(el, removed, self.hyperlink(el) or link)
            elif tag == q("w:fldSimple"):
                self.fields.append(_Field(wval(el, "instr") or "", "result", pending=self.current,
                                          shown_from=len(self.current.inlines)))
                self.hidden_note(self.fields[-1])
                self.content(el, removed, link)
                self.end_field()
            elif tag in (q("w:smartTag"), q("w:customXml"), q("w:sdtContent"), q("w:dir"),
                         q("w:bdo")):
                self.content(el, removed, link)
            elif tag == q("w:sdt"):
                inner = el.find(q("w:sdtContent"))
                if inner is not None:
                    self.content(inner, removed, link)
            elif tag == q("w:commentRangeStart"):
                self.comments[wval(el, "id") or ""] = []
            elif tag == q("w:commentRangeEnd"):
                cid = wval(el, "id") or ""
                self.about[cid] = "".join(self.comments.pop(cid, []))
            elif tag == q("mc:AlternateContent"):
                choice = el.find(q("mc:Choice"))
                if choice is not None:
                    self.content(choice, removed, link)
            elif tag in (q("m:oMath"), q("m:oMathPara")):
                self.note("import-objekt", f"En formel ({quote(plain(el) or _math(el))}) följer "
                          "inte med: löptexten kan inte visa formler.")
            elif tag == q("w:pPr"):
                continue

    def hyperlink(self, el: Any) -> str | None:
        rid = el.get(q("r:id"))
        if rid:
            found = self.package.target(rid)
            if found is not None and found[1] == "external":
                return found[0]
        anchor = wval(el, "anchor")
        if anchor and anchor in self.refs:
            return f"ref:{self.refs[anchor]}"
        if anchor:
            self.note("import-lank", f"Länken till {anchor} inom Word-dokumentet blir vanlig "
                      "text.")
        return None

    def end_field(self) -> None:
        done = self.fields.pop()
        kind = done.kind
        if kind == "HYPERLINK":
            return
        if kind in _HIDDEN_FIELDS:
            return  # noted where it began
        words = done.instr.split()
        if kind == "REF" and len(words) > 1 and words[1] in self.refs and \
                done.pending is self.current and not self.hidden():
            shown = self.current.inlines[done.shown_from:]
            del self.current.inlines[done.shown_from:]
            name = self.refs[words[1]]
            first = shown[0] if shown else Inline("")
            self.current.inlines.append(Inline(name, first.bold, first.italic, None, True, name))
            return
        if done.result.strip() and not self.hidden():
            instr = " ".join(w for w in done.instr.split()[:3] if not w.startswith("\\"))
            self.note("import-falt", f"Fältet {instr} står kvar som den text det visade, "
                      f"{quote(done.result)}, och följer inte längre med när något ändras.")

    def run(self, r: Any, removed: bool, link: str | None) -> None:
        rpr = r.find(q("w:rPr"))
        props = rpr
        changed = rpr.find(q("w:rPrChange")) if rpr is not None else None
        if changed is not None:
            self.revision(changed, "format", _text_of(r))
            if self.mode == "reject":
                props = changed.find(q("w:rPr"))
        bold, italic = self.format(props)
        vanish = props is not None and on(props.find(q("w:vanish"))) is True
        if vanish and not removed:
            text = _text_of(r)
            if text.strip():
                self.note("import-dold", f"Dold text ({quote(text)}) följer inte med.")
            self.position += len(text)
            return
        if props is not None and not removed:
            self.formats(props, r)
        for child in r:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in (q("w:t"), q("w:delText")):
                text = child.text or ""
                if child.get("{http://www.w3.org/XML/1998/namespace}space") != "preserve":
                    text = text.strip(" \t\r\n")
                text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
                text = text.replace("\t", " ")
                self.emit(text, bold, italic, link, removed)
            elif tag in (q("w:tab"), q("w:ptab")):
                self.emit("\t", bold, italic, link, removed)
            elif tag == q("w:br"):
                if wval(child, "type") in (None, "textWrapping"):
                    self.emit("\n", bold, italic, link, removed)
            elif tag == q("w:cr"):
                self.emit("\n", bold, italic, link, removed)
            elif tag == q("w:softHyphen"):
                self.emit("\u00ad", bold, italic, link, removed)
            elif tag == q("w:noBreakHyphen"):
                self.emit("\u2011", bold, italic, link, removed)
            elif tag == q("w:sym"):
                self.symbol(child, bold, italic, link, removed)
            elif tag == q("w:fldChar"):
                self.field_char(child)
            elif tag in (q("w:instrText"), q("w:delInstrText")):
                if self.fields and self.fields[-1].phase == "instr" and not removed:
                    self.fields[-1].instr += child.text or ""
            elif removed:
                continue
            elif tag == q("w:drawing"):
                self.drawing(child)
            elif tag == q("w:pict"):
                self.vml(child)
            elif tag == q("w:object"):
                self.embedded(child)
            elif tag in (q("w:footnoteReference"), q("w:endnoteReference")):
                self.footnote(child)
            elif tag == q("w:commentReference"):
                cid = wval(child, "id") or ""
                comment = self.package.comments.get(cid)
                if comment is not None:
                    self.current.revisions.append((Revision(
                        "comment", comment.author, comment.date, comment.text, "",
                        self.about.get(cid, "".join(self.comments.get(cid, [])))), -1, -1))
            elif tag == q("mc:AlternateContent"):
                choice = child.find(q("mc:Choice"))
                if choice is not None:
                    fake = _Run(choice)
                    self.run(fake, removed, link)

    def format(self, props: Any) -> tuple[bool, bool]:
        style = wval(props.find(q("w:rStyle"))) if props is not None else None
        style_bold, style_italic = self.package.character_format(style)
        bold = on(props.find(q("w:b"))) if props is not None else None
        italic = on(props.find(q("w:i"))) if props is not None else None
        return (bool(style_bold) if bold is None else bold,
                bool(style_italic) if italic is None else italic)

    def formats(self, props: Any, r: Any) -> None:
        text = _text_of(r)
        if not text.strip():
            return
        found = []
        u = props.find(q("w:u"))
        if u is not None and wval(u) != "none":
            found.append("Understruken text")
        if on(props.find(q("w:strike"))) or on(props.find(q("w:dstrike"))):
            found.append("Överstruken text")
        align = wval(props.find(q("w:vertAlign")))
        if align == "superscript":
            found.append("Upphöjd text")
        elif align == "subscript":
            found.append("Nedsänkt text")
        for what in found:
            self.current.formats.setdefault(what, []).append(text)

    def symbol(self, el: Any, bold: bool, italic: bool, link: str | None,
               removed: bool) -> None:
        code = wval(el, "char") or ""
        font = wval(el, "font") or ""
        try:
            value = int(code, 16)
        except ValueError:
            return
        if 0xF000 <= value <= 0xF0FF:  # a glyph of a symbol font, not a character
            if not removed:
                self.note("import-symbol", f"Ett tecken ur typsnittet {font} (kod {code}) följer "
                          "inte med: det är ingen bokstav utan en bild i typsnittet.")
            return
        self.emit(chr(value), bold, italic, link, removed)

    def field_char(self, el: Any) -> None:
        kind = wval(el, "fldCharType")
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            self.fields[-1].phase = "result"
            self.fields[-1].pending = self.current
            self.fields[-1].shown_from = len(self.current.inlines)
            self.hidden_note(self.fields[-1])
        elif kind == "end" and self.fields:
            self.end_field()

    def hidden_note(self, started: _Field) -> None:
        """Say where a field whose result is left out begins."""
        if started.kind not in _HIDDEN_FIELDS:
            return
        if any(f.kind in _HIDDEN_FIELDS for f in self.fields if f is not started):
            return
        if started.kind == "TOC":
            self.note("import-falt", "Innehållsförteckningen följer inte med (rapporten gör en "
                      "egen).")
        else:
            self.note("import-falt", f"Fältet {started.kind} och det det visar följer inte "
                      "med.")

    def footnote(self, el: Any) -> None:
        end = el.tag == q("w:endnoteReference")
        notes = self.package.endnotes if end else self.package.footnotes
        body = notes.get(wval(el, "id") or "")
        self.footnotes += 1
        what = "Slutnoten" if end else "Fotnoten"
        text = plain(body) if body is not None else ""
        self.note("import-fotnot", f"{what} {quote(text)} följer inte med: löptexten har inga "
                  "fotnoter. Skriv in den i texten om den behövs.")

    def drawing(self, el: Any) -> None:
        data = el.find(f".//{q('a:graphicData')}")
        uri = (data.get("uri") or "") if data is not None else ""
        doc = el.find(f".//{q('wp:docPr')}")
        alt = ""
        if doc is not None:
            alt = doc.get("descr") or doc.get("title") or ""
        if uri.endswith("/picture"):
            blip = el.find(f".//{q('a:blip')}")
            rid = blip.get(q("r:embed")) if blip is not None else None
            self.picture(rid, alt, doc.get("name") if doc is not None else "")
            return
        box = el.find(f".//{q('wps:txbx')}")
        if box is not None:
            self.note("import-objekt", f"En textruta ({quote(plain(box))}) följer inte med; "
                      "skriv in texten i löptexten om den behövs.")
        elif uri.endswith("/chart"):
            self.note("import-objekt", "Ett diagram följer inte med; rapporten ritar sina "
                      "diagram ur datat.")
        elif "/diagram" in uri:
            self.note("import-objekt", f"En SmartArt-bild ({quote(plain(el))}) följer inte med.")
        else:
            self.note("import-objekt", "En form eller teckning följer inte med.")

    def vml(self, el: Any) -> None:
        box = el.find(f".//{q('v:textbox')}")
        if box is not None:
            self.note("import-objekt", f"En textruta ({quote(plain(box))}) följer inte med; "
                      "skriv in texten i löptexten om den behövs.")
            return
        image = el.find(f".//{q('v:imagedata')}")
        if image is not None:
            shape = image.getparent()
            self.picture(image.get(q("r:id")), (shape.get("alt") or "") if shape is not None
                         else "", "")
            return
        self.note("import-objekt", "En form eller teckning följer inte med.")

    def embedded(self, el: Any) -> None:
        ole = el.find(f".//{q('o:OLEObject')}")
        kind = (ole.get("ProgID") or "") if ole is not None else ""
        what = f" ({kind})" if kind else ""
        self.note("import-objekt", f"Ett inbäddat objekt{what} följer inte med.")

    def picture(self, rid: str | None, alt: str, name: str | None) -> None:
        found = self.package.target(rid) if rid else None
        if found is None or found[1] != "internal" or found[0] not in self.package.parts:
            self.note("import-bild", "En bild utan bilddata i filen följer inte med.")
            return
        self.current.pictures.append(Picture(found[0], self.package.parts[found[0]], alt, ""))
        self.current.objects = True


@dataclass
class _Run:
    """A run's children under ``mc:Choice``, read as a run of their own."""

    children: Any

    def find(self, tag: str) -> Any:
        return None

    def __iter__(self) -> Any:
        return iter(self.children)


def _place(n: int, seen: str) -> str:
    """'stycke 3 (”Under året …”)', or 'stycke 3' for a paragraph without text."""
    return f"stycke {n} ({quote(seen)})" if seen.strip() else f"stycke {n}"


def _children(el: Any, tag: str) -> list[Any]:
    """The children with ``tag``, also those wrapped in content controls or custom XML."""
    out = []
    for child in el:
        if child.tag == q(tag):
            out.append(child)
        elif child.tag in (q("w:sdt"), q("w:customXml")):
            inner = child.find(q("w:sdtContent")) if child.tag == q("w:sdt") else child
            if inner is not None:
                out += _children(inner, tag)
    return out


def _text_of(el: Any) -> str:
    parts = []
    for t in el.iter(q("w:t"), q("w:delText"), q("w:tab"), q("w:br")):
        if t.tag in (q("w:t"), q("w:delText")):
            parts.append(t.text or "")
        else:
            parts.append("\t" if t.tag == q("w:tab") else "\n")
    return "".join(parts)


def _math(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{NS['m']}}}t"))


def read_each(package: Package, elements: Iterable[Any], mode: Mode = "refuse", *,
              refs: dict[str, str] | None = None) -> list[Reading]:
    """Read body elements as one text (lists count on, a paragraph mark removed joins the next
    paragraph), and give what each element yielded: its blocks, notes, revisions, pictures.

    ``refs`` maps the bookmark of each caption of a rendered report to the caption's reference
    name: a ``REF`` field or a link to one is read back as a reference (see the module).
    """
    walker = _Walker(package, mode, refs)
    out: list[Reading] = []
    reading = walker.reading
    for element in elements:
        at = (len(reading.notes), len(reading.revisions), len(reading.pictures))
        blocks = walker.blocks([element])
        out.append(Reading(blocks, reading.notes[at[0]:], reading.revisions[at[1]:],
                           reading.pictures[at[2]:]))
    if walker.carried and out:  # the last paragraph mark was removed: its text stays a paragraph
        out[-1].blocks.append(Paragraph("body", walker.carried, walker.after()))
    return out


def read_blocks(package: Package, elements: Iterable[Any], mode: Mode = "refuse", *,
                paragraphs_before: int = 0, tables_before: int = 0) -> Reading:
    """Read a sequence of body elements into blocks, notes, revisions and pictures.

    For a range of the body, ``paragraphs_before`` and ``tables_before`` (the paragraphs with
    text and the tables before it) make the places count from the document's start. Lists are
    numbered from the range's start: a list that continues from before it starts over.
    """
    walker = _Walker(package, mode)
    walker.paragraphs, walker.tables = paragraphs_before, tables_before
    walker.reading.blocks = walker.blocks(elements)
    if walker.carried:  # the last paragraph mark was removed: its text stays a paragraph
        walker.reading.blocks.append(Paragraph("body", walker.carried, walker.after()))
    return walker.reading


def read_document(package: Package, mode: Mode = "refuse") -> Reading:
    """Read the document's whole body."""
    body = package.document.find(q("w:body"))
    return read_blocks(package, body if body is not None else [], mode)
