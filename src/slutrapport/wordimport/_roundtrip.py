"""The round trip: a rendered report that was edited in Word, back into its data file.

``render`` prints every narrative text of the data in a hidden bookmark that names its place and
a digest of the text (:func:`slutrapport.fields_word.text_mark_name`). :func:`round_trip` renders
the data file as it is now (without LibreOffice) and lays the two documents side by side:

- **a text** (the range of a bookmark) is read as :mod:`slutrapport.wordimport` reads any Word
  text and compared with the same reading of the fresh report; one that differs is written back
  into the data file, keeping every unchanged paragraph as the data file spells it, every
  comment and the order (:func:`slutrapport.wordimport._target.edit_text`, with a numbered
  backup). A paragraph typed after the end of a text (Word and LibreOffice leave it outside the
  bookmark) belongs to that text. Figure links come back where their figure still stands; a
  linked figure edited in Word keeps its link and is reported (``check`` then says the text and
  the data disagree), and a link that has no figure left is reported;
- a text whose data changed since the report was rendered (the digest differs) is left as the
  data file has it when Word shows it as it was rendered (a third digest, of what the reader
  saw), and otherwise not written but reported: both sides changed, and the user decides;
- **everything else** slutrapport writes from the data — headings, captions, generated tables —
  is compared too, and every difference is reported and never taken: a table cell ("Tabell 2,
  Svenska Dynor AB, Antal: 17 i Word, 16 i datat"), a heading added, removed, moved or renamed,
  a text of the data that is no longer in the Word file.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from slutrapport import narrative
from slutrapport._files import write_over
from slutrapport.context import narrative_texts
from slutrapport.fields_word import TEXT_MARK, bookmark_name, read_text_mark, shown_digest
from slutrapport.loader import load
from slutrapport.models import Slutrapport
from slutrapport.paths import Loc, format_loc
from slutrapport.wordimport._compose import narrative_markdown
from slutrapport.wordimport._markdown import Figure
from slutrapport.wordimport._package import Package, open_package, parse_part, q
from slutrapport.wordimport._reader import (
    Block,
    Inline,
    Mode,
    Note,
    Paragraph,
    Reading,
    Revision,
    Table,
    quote,
    read_each,
)
from slutrapport.wordimport._target import edit_text

__all__ = ["RoundTrip", "has_marks", "round_trip"]


@dataclass
class RoundTrip:
    """What the round trip found: the texts written back, what is reported and not taken."""

    source: Path
    changes: list[str] = field(default_factory=list)
    """Each text that changed in Word and is (or would be) written back, one line each."""
    reported: list[str] = field(default_factory=list)
    """What differs and is not taken into the data: table cells, headings, conflicts, figures."""
    notes: list[Note] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    planned: dict[Loc, str] = field(default_factory=dict)
    """The new text of each changed narrative, by its place in the data."""
    texts: list[tuple[str, str]] = field(default_factory=list)
    """The same, each with its place as the user names it (``kommuner.kommuner[0].text``)."""
    written: Path | None = None
    backup: Path | None = None


def has_marks(package: Package) -> bool:
    """Whether the Word file is a report rendered by slutrapport (its texts are marked)."""
    return any(str(b.get(q("w:name"), "")).startswith(TEXT_MARK)
               for b in package.document.iter(q("w:bookmarkStart")))


# --- the layout of a rendered document ---------------------------------------------------------


@dataclass
class _Layout:
    """A document's body elements, read, and which of them hold each marked text."""

    package: Package
    elements: list[Any]
    readings: list[Reading]
    marks: dict[str, list[int]]
    """Mark name → the indexes of its elements, in order."""
    marked: dict[int, str]

    def blocks(self, indexes: list[int]) -> list[Block]:
        return [b for i in indexes for b in self.readings[i].blocks]


def _top(element: Any, body: Any) -> Any | None:
    """The body element that holds ``element`` (None if it stands elsewhere)."""
    while element is not None and element.getparent() is not body:
        element = element.getparent()
    return element


def _layout(package: Package, mode: Mode, refs: dict[str, str]) -> _Layout:
    body = package.document.find(q("w:body"))
    elements = [el for el in (body if body is not None else [])
                if el.tag in (q("w:p"), q("w:tbl"), q("w:sdt"))]
    index = {id(el): i for i, el in enumerate(elements)}
    ids: dict[str, str] = {}
    spans: dict[str, list[int]] = {}
    for el in body.iter(q("w:bookmarkStart"), q("w:bookmarkEnd")) if body is not None else []:
        top = _top(el, body)
        if top is None or top.tag != q("w:p") or id(top) not in index:
            continue  # a text in a table: its cells are compared as the table's
        if el.tag == q("w:bookmarkStart"):
            name = str(el.get(q("w:name"), ""))
            if read_text_mark(name) is None:
                continue
            ids[str(el.get(q("w:id"), ""))] = name
        else:
            found = ids.get(str(el.get(q("w:id"), "")))
            if found is None:
                continue
            name = found
        spans.setdefault(name, []).append(index[id(top)])
    marks: dict[str, list[int]] = {}
    marked: dict[int, str] = {}
    # LibreOffice writes a bookmark over several paragraphs as one start in the first and a
    # second start and the end in the last: the text runs from the first to the last of them
    for name, at in sorted(spans.items(), key=lambda item: min(item[1])):
        span = [i for i in range(min(at), max(at) + 1) if i not in marked]
        marks[name] = span
        marked.update((i, name) for i in span)
    readings = read_each(package, elements, mode, refs=refs)
    return _Layout(package, elements, readings, marks, marked)


# --- reading a text back ------------------------------------------------------------------------


class _Relinker:
    """Gives the figure links of a text back to its figures in the Word text (a linker for
    :func:`slutrapport.wordimport._markdown.paragraphs_markdown`), and notes each figure that
    was edited or is gone."""

    def __init__(self, source: str) -> None:
        self.plain, self.spans = narrative.figure_spans(source)
        self.found: dict[int, str] = {}
        """Each figure (index of ``spans``) found again, with what Word shows."""
        self.notes: list[Note] = []

    def __call__(self, text: str, place: str) -> list[Figure]:
        out: list[Figure] = []
        opcodes = SequenceMatcher(None, self.plain, text, autojunk=False).get_opcodes()

        def mapped(x: int) -> tuple[int, str]:
            """Where the old text's position ``x`` stands in ``text``, and how it came there
            (an equal stretch of a few letters is chance, not the same place)."""
            for n, (tag, i1, i2, j1, _) in enumerate(opcodes):
                if i1 <= x < i2:
                    if tag == "equal":
                        return j1 + x - i1, "equal" if i2 - i1 >= 6 or x - i1 >= 3 or \
                            i2 - x > 3 else "chance"
                    near = [opcodes[m] for m in (n - 1, n + 1) if 0 <= m < len(opcodes)]
                    sure = any(o[0] == "equal" and o[2] - o[1] >= 3 for o in near)
                    return j1, tag if sure else "delete"
            return len(text), "delete"

        for n, (start, end, path) in enumerate(self.spans):
            if n in self.found or start == end:
                continue
            kept = [mapped(x) for x in range(start, end)]
            if all(tag in ("delete", "chance") for _, tag in kept):
                continue  # the figure is not in this paragraph
            at = kept[0][0]
            if all(tag == "equal" and k == at + i for i, (k, tag) in enumerate(kept)) and \
                    "\0" not in text[at:at + end - start]:
                out.append(Figure(at, at + end - start, path))
                self.found[n] = text[at:at + end - start]
                continue
            last = max(k[0] for k in kept) + 1
            near = [m for m in _NUMBER.finditer(text)
                    if m.start() < last and m.end() > at and "\0" not in m.group()]
            if len(near) == 1:
                out.append(Figure(near[0].start(), near[0].end(), path))
                self.found[n] = near[0].group()
        return sorted(out, key=lambda f: f.start)

    def reported(self, shown: str) -> list[str]:
        lines = []
        for n, (start, end, path) in enumerate(self.spans):
            was = self.plain[start:end]
            if n not in self.found:
                lines.append(f"{shown}: talet {was} (tal:{path}) finns inte kvar i Word-texten; "
                             "tallänken följer inte med")
            elif self.found[n] != was:
                lines.append(f"{shown}: talet {was} (tal:{path}) står som {self.found[n]} i "
                             f"Word; texten förs in med {self.found[n]}, och check säger till om "
                             "det inte stämmer med datat — ändra i datat eller registret om "
                             "talet ska vara ett annat")
        return lines


_NUMBER = re.compile(r"[−-]?\d+(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?(?:[ \u00a0\u202f]?%)?")


def _own(blocks: list[Block], style: tuple[str | None, bool] | None) -> list[Block]:
    """Blocks of a text as the text's own: what the template added (a list style for each
    paragraph, bold for the whole text) taken off."""
    if style is None:
        return blocks
    stil, fet = style
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            kind = block.kind
            if stil is not None and kind in ("bullet", "number") and block.level == 0:
                kind = "body"
            inlines = [Inline(i.text, False if fet else i.bold, i.italic, i.href, i.field, i.ref)
                       for i in block.inlines]
            block = Paragraph(kind, inlines, block.place, block.level, block.number, block.fmt)
        out.append(block)
    return out


def _markdown(blocks: list[Block], source: str) -> tuple[str, _Relinker, list[Note]]:
    linker = _Relinker(source)
    written = narrative_markdown(blocks, linker=linker,
                                 why_flat="en text i rapporten har inga egna rubriker")
    return written.markdown, linker, written.notes


def _merged(source: str, fresh: str, edited: str) -> str:
    """The edited text, with every paragraph that did not change written as the data file
    spells it (when the data file's paragraphs can be told apart as the reading's)."""
    ours = [b for b in re.split(r"\n[ \t]*\n", source.strip("\n")) if b.strip()]
    old = fresh.split("\n\n")
    new = edited.split("\n\n")
    if len(ours) != len(old):
        return edited
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        out += ours[i1:i2] if tag == "equal" else new[j1:j2]
    return "\n\n".join(out)


def _paragraph_count(md: str) -> str:
    n = sum(1 for block in md.split("\n\n") if block.strip())
    return f"{n} {'stycke' if n == 1 else 'stycken'}"


def _what_changed(fresh: str, edited: str) -> str:
    old = [b for b in fresh.split("\n\n") if b.strip()]
    new = [b for b in edited.split("\n\n") if b.strip()]
    said = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            said += [_words_changed(narrative.plain_text(a), narrative.plain_text(b))
                     for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        elif tag != "equal":
            said += [f"strök {quote(narrative.plain_text(a))}" for a in old[i1:i2]]
            said += [f"lade till {quote(narrative.plain_text(b))}" for b in new[j1:j2]]
    return "; ".join(said) if said else "formateringen ändrades"


def _words_changed(old: str, new: str) -> str:
    """What changed in a paragraph, word by word: 'i ”För Robertsfors …”: ”framför allt” blev
    ”främst”'."""
    a, b = old.split(), new.split()
    said = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        was, now = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if tag == "replace":
            said.append(f"{quote(was)} blev {quote(now)}")
        elif tag == "delete":
            said.append(f"strök {quote(was)}")
        elif tag == "insert":
            said.append(f"lade till {quote(now)}")
    return f"i {quote(old)}: {', '.join(said) if said else 'formateringen ändrades'}"


# --- what slutrapport writes from the data: compared, reported ----------------------------------


@dataclass(frozen=True)
class _Item:
    """A body element outside the marked texts: a heading, a paragraph or a table."""

    kind: str
    text: str
    index: int
    table: Table | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, "" if self.kind == "tabell" else self.text)


def _outside(layout: _Layout) -> list[_Item]:
    out: list[_Item] = []
    for i, reading in enumerate(layout.readings):
        if i in layout.marked:
            continue
        for block in reading.blocks:
            if isinstance(block, Table):
                out.append(_Item("tabell", "", i, block))
            elif block.text.strip():
                kind = "rubrik" if block.kind == "heading" else "stycke"
                out.append(_Item(kind, " ".join(block.text.split()), i))
    return out


_CAPTION = re.compile(r"(Tabell|Diagram) \d+")


def _table_name(items: list[_Item], at: int) -> str:
    """A table by its caption (the paragraph before or after it: 'Tabell 5'), else by what
    stands before it (a table without a caption has no number a reader sees)."""
    for near in (at - 1, at + 1):
        if 0 <= near < len(items) and _CAPTION.match(items[near].text):
            return items[near].text.partition(":")[0]
    before = next((item.text for item in reversed(items[:at]) if item.kind != "tabell"), None)
    return f"Tabellen efter {quote(before)}" if before else "Tabellen först i rapporten"


def _compare_table(name: str, word: Table, data: Table) -> list[str]:
    lines: list[str] = []
    header = [c.text for c in data.rows[0]] if data.rows and data.header else []
    if len(word.rows) != len(data.rows):
        lines.append(f"{name}: {len(word.rows)} rader i Word, {len(data.rows)} i datat")
    for r, (word_row, data_row) in enumerate(zip(word.rows, data.rows, strict=False)):
        if len(word_row) != len(data_row):
            lines.append(f"{name}, rad {r + 1}: {len(word_row)} celler i Word, "
                         f"{len(data_row)} i datat")
            continue
        for c, (w, d) in enumerate(zip(word_row, data_row, strict=True)):
            if " ".join(w.text.split()) == " ".join(d.text.split()):
                continue
            row = data_row[0].text.strip() if c > 0 and data_row[0].text.strip() else \
                f"rad {r + 1}"
            column = header[c].strip() if r > 0 and c < len(header) and header[c].strip() else \
                f"kolumn {c + 1}"
            lines.append(f"{name}, {row}, {column}: {_shown(w.text)} i Word, {_shown(d.text)} "
                         "i datat")
    return lines


_AROUND = 40
"""How many characters of unchanged text an edited passage shows on each side of the edit."""


def edited_passage(old: str, new: str) -> tuple[str, str]:
    """Two versions of a text, quoted so the edit shows: from :data:`_AROUND` characters before
    the first changed character to as many after the last, widened to whole words (and whole
    figures), with '…' only where something is cut.

    >>> edited_passage("Ett två tre", "Ett två fyra")
    ('”Ett två tre”', '”Ett två fyra”')
    >>> edited_passage("ord " * 20 + "gammalt slut", "ord " * 20 + "nytt slut")[1]
    '”… ord ord ord ord ord ord ord ord ord ord nytt slut”'
    """
    a, b = " ".join(old.split()), " ".join(new.split())
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    tail = 0
    while tail < min(len(a), len(b)) - same and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = max(0, same - _AROUND)
    if start > 0:  # back to the start of a word (of a figure)
        before = _spaces(a, 0, start + 1)
        start = before[-1] + 1 if before else 0
    return _passage(a, start, len(a) - tail), _passage(b, start, len(b) - tail)


def _spaces(text: str, start: int, end: int) -> list[int]:
    """The spaces in ``text[start:end]`` a passage may be cut at: not those inside a figure
    (``11 862 418``, its spaces hard or not)."""
    return [i for i in range(start, end) if text[i] == " "
            and not (text[i - 1:i].isdigit() and text[i + 1:i + 2].isdigit())]


def _passage(text: str, start: int, changed_end: int) -> str:
    end = min(len(text), changed_end + _AROUND)
    if end < len(text):  # on to the end of a word (of a figure)
        after = _spaces(text, end, len(text))
        end = after[0] if after else len(text)
    body = text[start:end].strip()
    return f"”{'… ' if start > 0 else ''}{body}{' …' if end < len(text) else ''}”"


def _shown(text: str) -> str:
    flat = " ".join(text.split())
    return flat if flat and len(flat) <= 40 and _NUMBER.fullmatch(flat) else quote(flat)


def _moved(heading: str, word: list[_Item]) -> str:
    at = next(i for i, item in enumerate(word) if item.kind == "rubrik" and item.text == heading)
    before = next((item.text for item in reversed(word[:at]) if item.kind == "rubrik"), None)
    return "flyttades i Word" + (f" (står nu efter {quote(before)})" if before else " (först)")


def _compare_outside(word: list[_Item], data: list[_Item]) -> tuple[list[str], set[int]]:
    """What differs in what slutrapport writes from the data, one line each; and the Word
    paragraphs added there (indexes of their elements), which may belong to a text."""
    lines: list[str] = []
    added: set[int] = set()
    matcher = SequenceMatcher(None, [i.key for i in data], [i.key for i in word], autojunk=False)
    removed_headings = {d.text for tag, i1, i2, _, _ in matcher.get_opcodes()
                        if tag in ("delete", "replace") for d in data[i1:i2]
                        if d.kind == "rubrik"}
    added_headings = {w.text for tag, _, _, j1, j2 in matcher.get_opcodes()
                      if tag in ("insert", "replace") for w in word[j1:j2] if w.kind == "rubrik"}
    moved = removed_headings & added_headings
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                d, w = data[i1 + k], word[j1 + k]
                if d.table is not None and w.table is not None:
                    lines += _compare_table(_table_name(data, i1 + k), w.table, d.table)
            continue
        olds, news = data[i1:i2], word[j1:j2]
        if tag == "replace" and len(olds) == len(news) and \
                all(o.kind == n.kind and o.text not in moved for o, n in zip(olds, news,
                                                                             strict=True)):
            for o, n in zip(olds, news, strict=True):
                what = "Rubriken" if o.kind == "rubrik" else "Stycket"
                was, now = edited_passage(o.text, n.text)
                lines.append(f"{what} {was} lyder {now} i Word")
            continue
        for k, o in enumerate(olds):
            if o.kind == "rubrik":
                how = _moved(o.text, word) if o.text in moved else "finns inte i Word-filen"
                lines.append(f"Rubriken {quote(o.text)} {how}")
            elif o.kind == "tabell":
                lines.append(f"{_table_name(data, i1 + k)} finns inte i "
                             "Word-filen")
            else:
                lines.append(f"Stycket {quote(o.text)} finns inte i Word-filen")
        for n in news:
            if n.kind == "rubrik":
                if n.text not in moved:
                    lines.append(f"Rubriken {quote(n.text)} lades till i Word")
            elif n.kind == "tabell":
                lines.append("En tabell lades till i Word")
            else:
                added.add(n.index)
    return lines, added


_CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_CHART_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

Series = tuple[str, list[str], list[str]]


def _charts(package: Package) -> list[list[Series]]:
    """The Word charts of the document in order: each series' name, categories and values (as
    the chart's cache holds them: what Word shows)."""
    out: list[list[Series]] = []
    for ref in package.document.iter(f"{_CHART}chart"):
        found = package.target(str(ref.get(_CHART_REL, "")))
        if found is None or found[1] != "internal" or found[0] not in package.parts:
            continue
        root = parse_part(package.path, found[0], package.parts[found[0]])
        series: list[Series] = []
        for ser in root.iter(f"{_CHART}ser"):
            name = " ".join(v.text or "" for v in ser.iterfind(f"{_CHART}tx//{_CHART}v"))
            cats = [v.text or "" for v in ser.iterfind(f"{_CHART}cat//{_CHART}pt/{_CHART}v")]
            vals = [v.text or "" for v in ser.iterfind(f"{_CHART}val//{_CHART}pt/{_CHART}v")]
            series.append((name, cats, vals))
        out.append(series)
    return out


def _same_number(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def _compare_charts(word: list[list[Series]], data: list[list[Series]]) -> list[str]:
    """What differs in the charts' figures (a chart is named by its number in the document,
    as its caption counts them)."""
    if not data:
        return []
    if not word:
        return [f"Word-filen har inga diagram (datat ger {len(data)}; skrevs rapporten med "
                "--no-charts eller --diagram bild?); diagrammen jämförs inte"]
    lines: list[str] = []
    if len(word) != len(data):
        lines.append(f"Word-filen har {len(word)} diagram, datat ger {len(data)}")
        return lines
    for n, (w_chart, d_chart) in enumerate(zip(word, data, strict=True), 1):
        if [s[0] for s in w_chart] != [s[0] for s in d_chart] or \
                [s[1] for s in w_chart] != [s[1] for s in d_chart]:
            lines.append(f"Diagram {n}: serierna eller kategorierna skiljer sig från datats")
            continue
        for (name, cats, w_vals), (_, _, d_vals) in zip(w_chart, d_chart, strict=True):
            for i, (w, d) in enumerate(zip(w_vals, d_vals, strict=False)):
                if not _same_number(w, d):
                    cat = cats[i] if i < len(cats) else f"punkt {i + 1}"
                    lines.append(f"Diagram {n}, {name}, {cat}: {_chart_number(w)} i Word, "
                                 f"{_chart_number(d)} i datat")
            if len(w_vals) != len(d_vals):
                lines.append(f"Diagram {n}, {name}: {len(w_vals)} värden i Word, "
                             f"{len(d_vals)} i datat")
    return lines


def _chart_number(text: str) -> str:
    """A chart's cached value as a Swede writes it (1284.5 as 1284,5)."""
    return text.replace(".", ",") if re.fullmatch(r"-?\d+(\.\d+)?", text) else quote(text)


def _not_carried(where: str, word: _Layout, indexes: list[int], fresh: _Layout,
                 fresh_indexes: list[int]) -> list[str]:
    """What Word has in these elements that a text can't hold and the rendered report did not
    have: a picture, a text box, a footnote … (the reader's notes), one line each."""
    had = Counter(n.message for i in fresh_indexes for n in fresh.readings[i].notes)
    had_pictures = sum(len(fresh.readings[i].pictures) for i in fresh_indexes)
    lines = []
    for i in indexes:
        for note in word.readings[i].notes:
            if had[note.message] > 0:
                had[note.message] -= 1
            elif note.code not in _READ_ANYWAY:
                lines.append(f"{where}, {note.place}: {note.message}")
    pictures = [p for i in indexes for p in word.readings[i].pictures]
    for picture in pictures[had_pictures:]:
        alt = f" ({quote(picture.alt)})" if picture.alt.strip() else ""
        lines.append(f"{where}, {picture.place}: bilden {posixpath.basename(picture.part)}{alt} "
                     "förs inte in: spara den som PNG eller JPEG bredvid datafilen och skriv "
                     "![beskrivning](fil) i texten där den ska stå")
    return lines


_READ_ANYWAY = frozenset({"import-rubrik", "import-lank"})
"""Notes of what the text still holds in another form (a heading as a bold line, a link within
the document as text): said by the text's own notes when it changed."""


# --- the round trip -----------------------------------------------------------------------------


def _refs(report: Slutrapport) -> dict[str, str]:
    """The bookmark of each caption a text of the report refers to → the reference's name."""
    return {bookmark_name(ref): ref for _, _, text in narrative_texts(report)
            for ref in narrative.refs(text)}


def _fresh(report: Slutrapport, template: Path | None, folder: Path,
           styles: dict[str, tuple[str | None, bool]]) -> Package:
    # start-up time: jinja2 and python-docx only when a report comes back, not on 'import'
    from slutrapport.document import render_bytes

    token = narrative.MARKED.set(styles)
    try:
        data = render_bytes(report, template=template)
    finally:
        narrative.MARKED.reset(token)
    path = folder / "datat.docx"
    path.write_bytes(data)
    return open_package(path)


def round_trip(docx: Path, data_file: Path, *, mode: Mode = "refuse", dry_run: bool = False,
               template: Path | None = None) -> RoundTrip:
    """Bring the texts edited in ``docx`` (a report rendered from ``data_file``) back into
    ``data_file``, and report what else differs (see the module). The caller has checked that
    ``docx`` is marked (:func:`has_marks`) and, for ``mode="refuse"``, that it has no tracked
    changes or comments."""
    result = RoundTrip(docx)
    package = open_package(docx)
    report = load(data_file)
    refs = _refs(report)
    here: dict[str, tuple[Loc, str, str, str]] = {}
    for loc, path, text in narrative_texts(report):
        marked = read_text_mark(narrative.text_mark(path, text))
        if marked is not None:
            here[marked[0]] = (loc, path, text, marked[1])

    def shown(loc: Loc) -> str:
        return format_loc(report.display_loc(loc))

    styles: dict[str, tuple[str | None, bool]] = {}
    with tempfile.TemporaryDirectory(prefix="slutrapport-") as folder:
        fresh_package = _fresh(report, template, Path(folder), styles)
        fresh = _layout(fresh_package, mode, refs)
    word = _layout(package, mode, refs)
    for reading in word.readings:
        result.revisions += reading.revisions
    lines, added = _compare_outside(_outside(word), _outside(fresh))
    lines += _not_carried("Utanför rapportens texter", word,
                          [i for i in range(len(word.elements)) if i not in word.marked], fresh,
                          [i for i in range(len(fresh.elements)) if i not in fresh.marked])
    lines += _compare_charts(_charts(package), _charts(fresh_package))
    # a paragraph typed after a text's end belongs to the text
    for i in sorted(added):
        before = i - 1
        while before >= 0 and before not in word.marked and \
                not any(isinstance(b, Paragraph) and b.text.strip()
                        for b in word.readings[before].blocks):
            before -= 1
        if before in word.marked:
            name = word.marked[before]
            word.marks[name].append(i)
            word.marked[i] = name
        else:
            text = " ".join(b.text for b in word.readings[i].blocks if isinstance(b, Paragraph))
            lines.append(f"Stycket {quote(text)} lades till i Word utanför rapportens texter; "
                         "det förs inte in — skriv det i datafilen, eller i en text i Word")
    fresh_by_place = {}
    for name in fresh.marks:
        read = read_text_mark(name)
        if read is not None:
            fresh_by_place[read[0]] = name
    seen: set[str] = set()
    for name, indexes in word.marks.items():
        read = read_text_mark(name)
        if read is None or read[0] in seen:
            continue
        seen.add(read[0])
        blocks = word.blocks(indexes)
        words = " ".join(b.text for b in blocks if isinstance(b, Paragraph))
        if read[0] not in here or read[0] not in fresh_by_place:
            lines.append(f"Texten {quote(words)} i Word hör till en text som inte längre finns "
                         "i datafilen; den förs inte in")
            continue
        loc, path, source, digest = here[read[0]]
        fresh_name = fresh_by_place[read[0]]
        lines += _not_carried(shown(loc), word, indexes, fresh, fresh.marks[fresh_name])
        style = styles.get(fresh_name)
        edited, linker, notes = _markdown(_own(blocks, style), source)
        before_md, _, _ = _markdown(_own(fresh.blocks(fresh.marks[fresh_name]), style), source)
        if edited == before_md:
            continue
        if digest != read[1]:
            if shown_digest(words) == read[2]:
                continue  # changed in the data file only: Word has the text as it was rendered
            lines.append(f"{shown(loc)}: texten har ändrats både i datafilen (sedan rapporten "
                         "skrevs) och i Word; den förs inte in — jämför och för in ändringen "
                         "för hand")
            continue
        result.notes += notes
        new = _merged(source, before_md, edited)
        result.planned[loc] = new
        result.texts.append((shown(loc), new))
        line = report.line_of(loc)
        where = f" (rad {line})" if line is not None else ""
        result.changes.append(f"{shown(loc)}{where}: {_what_changed(before_md, edited)} "
                              f"({_paragraph_count(before_md)} → {_paragraph_count(edited)})")
        lines += linker.reported(shown(loc))
    for place in fresh_by_place:
        if place not in seen and place in here:
            lines.append(f"{shown(here[place][0])}: texten finns inte i Word-filen (den togs "
                         "bort, eller också dess osynliga märke); datafilen behåller den")
    result.reported = lines
    if not result.planned or dry_run:
        return result
    raw = data_file.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = (raw[3:] if bom else raw).decode("utf-8")
    new_text = edit_text(text, str(data_file), dict(result.planned), shown)
    data = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    result.written, result.backup = write_over(data_file, None, data)
    return result
