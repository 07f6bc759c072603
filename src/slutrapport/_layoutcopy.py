"""The copy of a document that LibreOffice lays out: long tables split into parts.

LibreOffice lays out one table of n rows in about n² time (10 000 rows: over a minute; see
docs/performance.md). The .docx the user gets keeps each table whole; only the copy LibreOffice
opens — for the contents' page numbers and for the PDF — has each long table split into parts of
about :data:`PART_ROWS` rows, which it lays out in linear time:

- every part has the table's properties and column widths and a copy of its header rows
  (``w:tblHeader``), which repeat at the top of each page as in the whole table;
- between two parts stands an empty hidden paragraph (zero height), which keeps LibreOffice from
  joining the parts again as it reads the file (joining costs as much as the whole table);
- each part carries a bookmark in its first cell, so the LibreOffice worker can find it.

Where a part begins on the same page as the one before ends, its header row shows in the middle
of that page. For the contents' page numbers that is left so (the extra headers move the
following pages by a fraction of a page at most, which Word's own layout differs by anyway). For a
PDF (``overlap`` > 0) each part but the first begins a page (a page break before it), and each
part but the last ends with copies of the first ``overlap`` rows of the next part, which continue
it as the whole table would. The worker (``_office_worker.fix_joins``), going down the document,
finds the page on which a part's own rows end, keeps the copies on that page and deletes the
others, and deletes the originals of the kept copies from the start of the next part. So each
part fills its last page as the whole table does, and the next begins the following page with its
header, where the whole table repeats its header: the break cannot be seen, the pages are those
of the whole table. A join only moves the part after it, so the document is laid out once more in
all (not once more per join).

Only tables in the body (not in a cell, header or footer) are split, and only those without
vertically merged cells and with nothing but rows after their properties.

Word charts (``placeholders=True``, when only the page numbers are wanted): LibreOffice lays out a
chart it reads (NIS 6.0 loads in 0,43 s with its four charts, 0,17 s with none), though for page
numbers a chart only has to take its room. In such a copy each chart's graphic is an empty
picture frame of the same size instead (the drawing's ``wp:extent`` is its size and is kept, as
are its place, wrapping and caption), so the pages are those of the document with the charts. A
PDF gets the charts themselves. The chart's parts stay in the package, unreferenced.

Cells that only repeat a row's height (``slim=True``, also only for page numbers): LibreOffice's
time on a long table goes by its cells, not its rows (10 000 rows of four cells: 9,6 s; with
the three figure cells gone: 3,0 s, the same 213 pages). A row is as high as its highest cell,
so a cell at the end of a row can go when its text is one line and a cell the row keeps holds a
paragraph that is at least as high as that line: the same paragraph and character properties
(its style's, resolved through ``basedOn``, and its own; alignment aside) and nothing that could
make it lower. A cell is counted one line only when its text's estimated width (Arial's advance
widths, a tenth added, a third for another typeface) fits its width with the cell's margins;
anything else — a picture, a field, a bookmark, a break, margins or borders of its own, two
paragraphs — keeps the cell. Only the long tables that are split lose cells, and only in rows
that are not header rows. The page numbers are those of the whole rows (a test compares them).
"""

from __future__ import annotations

import copy
import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from slutrapport._columns import text_width_twips

__all__ = [
    "OVERLAP_ROWS",
    "PART_ROWS",
    "PDF_PART_ROWS",
    "Split",
    "chart_alts",
    "layout_copy",
    "legends_for_libreoffice",
    "write_layout_copy",
]

PART_ROWS = 500
"""Rows per part for the contents' page numbers: on 10 000 rows 200–800 cost about the same
(LibreOffice 5,2–5,4 s when measured; with slim rows 250–1 000 do, 30 000 rows too); 500 is in
between."""

PDF_PART_ROWS = 1000
"""Rows per part for a PDF, where each join costs a little layout: on 10 000 rows a PDF took
27 s with parts of 250, 20 s with 500, 15–16 s with 1 000, 18 s with 1 500–2 000."""

OVERLAP_ROWS = 100
"""Rows copied from the next part, for the PDF: more than fit on a page of the table."""

_W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + _W_URI + "}"
_BOOKMARK = "_slutrapport_del_{table}_{part}"
_SEPARATOR = (
    f'<w:p xmlns:w="{_W_URI}"><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" '
    'w:lineRule="exact"/><w:rPr><w:vanish/><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
    "</w:pPr></w:p>")
"""An empty paragraph of no height (hidden, 1 pt): the parts don't touch, and nothing shows."""


_ROW_PARTS = frozenset({f"{_W}trPr", f"{_W}tblPrEx", f"{_W}tc"})
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"


def chart_alts(docx: bytes, root: Any = None) -> list[str]:
    """The alt text of each Word chart in the body, in document order; read from ``root``, the
    body's tree, when it is given (the copy's, as :func:`layout_copy` left it), else from the
    .docx.

    LibreOffice (7.4) reads a chart's ``wp:docPr descr`` into nothing, so its tagged PDF has a
    ``/Figure`` without ``/Alt`` for each chart (pictures keep theirs); the worker gives each
    chart its text before it writes the PDF.
    """
    if root is None:
        with zipfile.ZipFile(io.BytesIO(docx)) as source:
            try:
                xml = source.read("word/document.xml")
            except KeyError:
                return []
        if _CHART_URI.encode() not in xml:
            return []
        root = etree.fromstring(xml)
    alts = []
    for drawing in root.iter(f"{_WP}inline", f"{_WP}anchor"):
        data = drawing.find(f"{_A}graphic/{_A}graphicData")
        described = drawing.find(f"{_WP}docPr")
        if data is not None and data.get("uri") == _CHART_URI and described is not None:
            alts.append(described.get("descr", ""))
    return alts


_C = "{" + _CHART_URI + "}"
_C15 = "{http://schemas.microsoft.com/office/drawing/2012/chart}"


def legends_for_libreoffice(docx: bytes) -> bytes:
    """The document with each horizontal bar chart that has a legend drawn so that LibreOffice
    lists the legend in the bars' order; the document unchanged (the same bytes) when it has none.

    Word (as Excel 2007 and later) lists a clustered bar chart's legend in the order its bars
    stand, also when the categories run top to bottom (``c:orientation maxMin``): the first
    series' bar is on top in each group, and first in the legend. LibreOffice (7.4) lists the
    series of a horizontal bar chart last first whatever the axis's direction: right only for
    categories bottom to top. So in the copy LibreOffice reads, such a chart runs bottom to top
    with its categories and series in reverse order: the same bars stand in the same places,
    and the legend lists them as they stand.
    """
    source = zipfile.ZipFile(io.BytesIO(docx))
    changed: dict[str, bytes] = {}
    for name in source.namelist():
        if not (name.startswith("word/charts/chart") and name.endswith(".xml")):
            continue
        data = source.read(name)
        if b"maxMin" not in data or b"legend" not in data:
            continue
        root = etree.fromstring(data)
        if _bars_bottom_up(root):
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                           standalone=True)
    if not changed:
        return docx
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, changed.get(info.filename) or source.read(info))
    return out.getvalue()


def _bars_bottom_up(space: Any) -> bool:
    """Turn a horizontal bar chart of several series, categories top to bottom, into the same
    picture drawn bottom to top (in place); False when the chart is not such a chart."""
    plot = space.find(f"{_C}chart/{_C}plotArea")
    if plot is None or space.find(f"{_C}chart/{_C}legend") is None:
        return False
    charts = plot.findall(f"{_C}barChart")
    if len(charts) != 1 or charts[0].find(f"{_C}barDir[@val='bar']") is None:
        return False
    chart = charts[0]
    series = chart.findall(f"{_C}ser")
    orientation = plot.find(f"{_C}catAx/{_C}scaling/{_C}orientation[@val='maxMin']")
    count = chart.find(f"{_C}ser/{_C}cat//{_C}ptCount")
    if len(series) < 2 or orientation is None or count is None:
        return False
    n = int(count.get("val", "0"))
    for ser in series:
        for owner in [*ser.iterfind(f"{_C}cat/*/*"), *ser.iterfind(f"{_C}val/*/*"),
                      *ser.iterfind(f".//{_C15}dlblRangeCache"), *ser.iterfind(f"{_C}dLbls"),
                      ser]:
            _reverse_points(owner, n)
    at = chart.index(series[0])
    for ser in series:
        chart.remove(ser)
    for k, ser in enumerate(reversed(series)):
        order = ser.find(f"{_C}order")
        if order is not None:
            order.set("val", str(k))
        chart.insert(at + k, ser)
    orientation.set("val", "minMax")
    crosses = plot.find(f"{_C}valAx/{_C}crosses[@val='max']")
    if crosses is not None:
        crosses.set("val", "autoZero")
    return True


def _reverse_points(owner: Any, n: int) -> None:
    """Number an element's points (``c:pt``), point formats (``c:dPt``) or labels (``c:dLbl``)
    from the other end (index i becomes n - 1 - i), in their new order where they stood."""
    for tag in (f"{_C}pt", f"{_C}dPt", f"{_C}dLbl"):
        points = owner.findall(tag)
        if not points:
            continue
        at = owner.index(points[0])
        for point in points:
            index = point if tag == f"{_C}pt" else point.find(f"{_C}idx")
            index.set("idx" if tag == f"{_C}pt" else "val",
                      str(n - 1 - int(index.get("idx" if tag == f"{_C}pt" else "val", "0"))))
            owner.remove(point)
        key = (lambda p: int(p.get("idx", "0"))) if tag == f"{_C}pt" else (
            lambda p: int(p.find(f"{_C}idx").get("val", "0")))
        for k, point in enumerate(sorted(points, key=key)):
            owner.insert(at + k, point)


@dataclass(frozen=True)
class Split:
    """One split table, as the worker needs it: its parts' bookmarks in order, the number of
    header rows each part begins with, the rows copied from the part after to the end of each
    part (the last has none), and the table's rows without the header (which the parts must
    hold between them after the joins are moved)."""

    parts: list[str]
    heads: int
    overlap: int
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return {"parts": self.parts, "heads": self.heads, "overlap": self.overlap,
                "rows": self.rows}


def layout_copy(docx: bytes, *, rows: int = PART_ROWS, overlap: int = 0,
                placeholders: bool = False, slim: bool = False, root: Any = None,
                body: bytes | None = None) -> tuple[bytes, list[Split]]:
    """The document with each body table of more than 1½ × ``rows`` rows split into parts, with
    ``placeholders`` each Word chart an empty frame of its size, and with ``slim`` the cells of
    the split tables that only repeat their row's height left out (see the module's
    docstring).

    ``root`` is the body's tree as rendering built it (:class:`slutrapport.document.Rendered`):
    given, the body is neither parsed nor (where a table is split) unzipped again, and the tree is
    split in place (it is the caller's, done with); ``body``, its XML as written into ``docx``,
    spares the unzip otherwise. The copy's bytes are the same either way.

    Returns the document unchanged (the same bytes) and no splits when there is nothing to do.
    """
    out = io.BytesIO()
    splits = write_layout_copy(out, docx, rows=rows, overlap=overlap,
                               placeholders=placeholders, slim=slim, root=root, body=body)
    return (out.getvalue() or docx), splits


def write_layout_copy(target: str | Path | IO[bytes], docx: bytes, *, rows: int = PART_ROWS,
                      overlap: int = 0, placeholders: bool = False, slim: bool = False,
                      root: Any = None, body: bytes | None = None) -> list[Split]:
    """:func:`layout_copy`, written into ``target`` (a file's path, or a binary stream) as it
    is made rather than held as bytes: the copy's splits. Nothing is written to a stream when
    the copy would be ``docx`` itself; a path gets ``docx`` then."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    if root is None:
        try:
            body = source.read("word/document.xml")
        except KeyError:
            return _unchanged(target, docx)
    rows_in_all = (len(re.findall(rb"<w:tr[ >]", body)) if body is not None
                   else sum(1 for _ in root.iter(f"{_W}tr")))
    if rows_in_all <= rows + rows // 2:
        # no table can be long enough: spare the parse (and the body is short: unzip it)
        if placeholders:
            body, count = _CHART.subn(_frame, body or source.read("word/document.xml"))
            if count:
                _replaced(source, body, target)
                return []
        return _unchanged(target, docx)

    if root is None:
        assert body is not None  # read above
        root = etree.fromstring(body)
    body = None  # the tree is what is split; the body is written from it, or read again
    next_id = 1 + max((int(v) for v in _BOOKMARK_IDS(root) if str(v).isdigit()), default=0)
    splits: list[Split] = []
    heights: _Heights | None = None
    for number, table in enumerate(list(root.iter(f"{_W}tbl"))):
        body_rows = _body_rows(table) if slim else []  # before splitting adds header rows
        done = _split_table(table, number, rows, overlap, next_id)
        if done is not None:
            splits.append(done)
            next_id += len(done.parts)
            if slim:
                heights = heights or _Heights(source)
                margins = _margins(table)  # the first part keeps the table's properties
                for row in body_rows:
                    heights.slim(row, margins)
    if splits:  # the tree is changed: its XML is written anew
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    elif not placeholders:
        return _unchanged(target, docx)
    else:
        body = source.read("word/document.xml")
    count = 0
    if placeholders:
        body, count = _CHART.subn(_frame, body)
    if not splits and not count:
        return _unchanged(target, docx)
    _replaced(source, body, target)
    return splits


def _unchanged(target: str | Path | IO[bytes], docx: bytes) -> list[Split]:
    """No splits; a path gets the document as it is."""
    if isinstance(target, str | Path):
        Path(target).write_bytes(docx)
    return []


_BOOKMARK_IDS = etree.XPath("//w:bookmarkStart/@w:id", namespaces={"w": _W_URI})
"""The bookmarks' ids (a compiled XPath: python-docx's elements have an xpath of their own)."""


def _replaced(source: zipfile.ZipFile, document: bytes,
              target: str | Path | IO[bytes]) -> None:
    """The package with ``word/document.xml`` replaced, written into ``target`` (stored, not
    compressed: read once, at once)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for info in source.infolist():
            data = document if info.filename == "word/document.xml" else source.read(info)
            out.writestr(info.filename, data)


_CHART = re.compile(
    rb'<(?P<prefix>[A-Za-z_][\w.-]*:)?graphicData uri="http://schemas\.openxmlformats\.org/'
    rb'drawingml/2006/chart"\s*>.*?</(?P=prefix)?graphicData>', re.DOTALL)
"""A Word chart's graphic (``a:graphicData`` with the chart's URI, which does not nest)."""

_FRAME = (
    b'graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    b'<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    b'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><pic:nvPicPr>'
    b'<pic:cNvPr id="0" name="diagram"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
    b'<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
    b'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></')


def _frame(match: re.Match[bytes]) -> bytes:
    """An empty picture in place of a chart's graphic, in the same element (so its drawing's
    size, place and wrapping stay)."""
    prefix = match.group("prefix") or b""
    return b"<" + prefix + _FRAME + prefix + b"graphicData>"


def _split_table(table: Any, number: int, size: int, overlap: int,
                 first_id: int) -> Split | None:
    """Split one table in place (parts and separators after it); None when it stays whole."""

    parent = table.getparent()
    if parent is None or parent.tag not in (f"{_W}body", f"{_W}sdtContent"):
        return None
    if any(a.tag == f"{_W}tc" for a in table.iterancestors()):
        return None
    children = list(table)
    rows = [c for c in children if c.tag == f"{_W}tr"]
    properties = [c for c in children if c.tag != f"{_W}tr"]
    if any(c.tag not in (f"{_W}tblPr", f"{_W}tblGrid") for c in properties):
        return None  # rows wrapped in content controls or custom XML: leave it to LibreOffice
    heads = []
    for row in rows:
        if _is_header(row):
            heads.append(row)
        else:
            break
    body = rows[len(heads):]
    if len(body) <= size + size // 2 or table.find(f".//{_W}vMerge") is not None:
        return None
    if any(c.tag not in _ROW_PARTS for row in rows for c in row) \
            or any(row.find(f"{_W}tc/{_W}p") is None for row in rows):
        return None  # cells in content controls, or a cell without a paragraph: leave it whole
    count = -(-len(body) // size)
    per = -(-len(body) // count)
    chunks = [body[i:i + per] for i in range(0, len(body), per)]
    for row in heads:
        _keep_with_next(row)  # a part never ends with its header alone at the foot of a page
    names = [_BOOKMARK.format(table=number, part=k) for k in range(len(chunks))]
    _mark(table, names[0], first_id)
    for row in body[per:]:
        table.remove(row)
    overlap = max(min(overlap, per, len(chunks[-1]) - 1), 0)
    tables = [table]
    at = parent.index(table)
    for k, chunk in enumerate(chunks[1:], start=1):
        part = etree.Element(table.tag)
        for child in properties:
            part.append(copy.deepcopy(child))
        for row in heads:  # the first part's bookmark is in its header: one name, one id
            part.append(_without_bookmarks(copy.deepcopy(row)))
        for row in chunk:
            part.append(row)
        if overlap:  # for a PDF: each part begins a page (see fix_joins)
            _break_before(part)
        _mark(part, names[k], first_id + k)
        parent.insert(at + 1, _separator())
        parent.insert(at + 2, part)
        at += 2
        tables.append(part)
    for part, following in zip(tables, chunks[1:], strict=False):
        for row in following[:overlap]:  # the next part's first rows, continuing this one
            part.append(_without_bookmarks(copy.deepcopy(row)))
    return Split(names, len(heads), overlap, len(body))


def _set_property(paragraph: Any, name: str, after: tuple[str, ...]) -> None:
    """Give a paragraph the on/off property ``name`` (``w:keepNext`` …) unless it has it, placed
    after those of ``after`` it has (the schema's order of pPr's children)."""

    properties = paragraph.find(f"{_W}pPr")
    if properties is None:
        properties = etree.Element(f"{_W}pPr")
        paragraph.insert(0, properties)
    if properties.find(f"{_W}{name}") is None:
        before = [properties.find(f"{_W}{n}") for n in after]
        properties.insert(max((properties.index(e) + 1 for e in before if e is not None),
                              default=0), etree.Element(f"{_W}{name}"))


def _break_before(part: Any) -> None:
    """A page break before the part: a page break before its first paragraph (the table's)."""
    _set_property(part.find(f"{_W}tr/{_W}tc/{_W}p"), "pageBreakBefore",
                  ("pStyle", "keepNext", "keepLines"))


def _separator() -> Any:
    return etree.fromstring(_SEPARATOR)


def _is_header(row: Any) -> bool:
    mark = row.find(f"{_W}trPr/{_W}tblHeader")
    return mark is not None and mark.get(f"{_W}val", "true") not in ("0", "false", "off")


def _keep_with_next(row: Any) -> None:
    for paragraph in row.iter(f"{_W}p"):
        _set_property(paragraph, "keepNext", ("pStyle",))


def _mark(table: Any, name: str, number: int) -> None:
    """A bookmark around nothing at the start of the table's first paragraph."""

    paragraph = table.find(f"{_W}tr/{_W}tc/{_W}p")
    if paragraph is None:
        return
    properties = paragraph.find(f"{_W}pPr")
    at = 1 if properties is not None else 0
    start = etree.Element(f"{_W}bookmarkStart")
    start.set(f"{_W}id", str(number))
    start.set(f"{_W}name", name)
    end = etree.Element(f"{_W}bookmarkEnd")
    end.set(f"{_W}id", str(number))
    paragraph.insert(at, start)
    paragraph.insert(at + 1, end)


def _without_bookmarks(row: Any) -> Any:
    """A copied row without its bookmarks (the row itself keeps them; names are unique)."""
    for mark in [*row.iter(f"{_W}bookmarkStart"), *row.iter(f"{_W}bookmarkEnd")]:
        mark.getparent().remove(mark)
    return row


# --- cells that only repeat their row's height (slim=True) -------------------------------------

_TC, _TR, _P, _R = f"{_W}tc", f"{_W}tr", f"{_W}p", f"{_W}r"
_PPR, _RPR, _TCPR = f"{_W}pPr", f"{_W}rPr", f"{_W}tcPr"
_PLAIN_CELL = frozenset({f"{_W}tcW", f"{_W}shd", f"{_W}vAlign"})
"""A cell's own properties that leave its height to its paragraphs."""
_WIDE_PARAGRAPH = frozenset({f"{_W}ind", f"{_W}numPr", f"{_W}framePr", f"{_W}sectPr",
                             f"{_W}tabs"})
"""Paragraph properties that take from a line's width (or move the paragraph out of the flow):
a cell whose paragraph has one of them is not counted one line."""
_MARKS = frozenset({f"{_W}bookmarkStart", f"{_W}bookmarkEnd"})
"""What a kept cell's paragraph may hold besides runs of text."""
_ARIAL_LIKE = frozenset({"Arial", "Liberation Sans", "Helvetica", "Arimo"})
"""Typefaces with the advance widths _columns estimates by."""


def _body_rows(table: Any) -> list[Any]:
    """The table's rows that are not header rows."""
    return [row for row in table.findall(_TR) if not _is_header(row)]


def _key(element: Any | None) -> tuple[Any, ...]:
    """An element's tag, attributes and children, as a value to compare and hash (its own
    namespace declarations aside)."""
    if element is None:
        return ()
    return (element.tag, tuple(sorted(element.attrib.items())),
            tuple(_key(child) for child in element if isinstance(child.tag, str)))


def _merged(*layers: Any | None) -> dict[str, Any]:
    """The properties of ``layers`` (pPr or rPr elements, or None), a later layer's child
    replacing an earlier's of the same tag."""
    merged: dict[str, Any] = {}
    for layer in layers:
        if layer is not None:
            for child in layer:
                if isinstance(child.tag, str):
                    merged[child.tag] = child
    return merged


class _Heights:
    """What a paragraph's line height depends on, resolved through the package's styles, and
    :meth:`slim`, which leaves out the cells of a row that only repeat its height."""

    def __init__(self, source: zipfile.ZipFile) -> None:
        self.styles: dict[str, Any] = {}
        self.default_p: Any = None
        self.p_default: Any = None
        self.r_default: Any = None
        try:
            styles = etree.fromstring(source.read("word/styles.xml"))
        except (KeyError, etree.XMLSyntaxError):
            styles = None
        if styles is not None:
            self.p_default = styles.find(f"{_W}docDefaults/{_W}pPrDefault/{_PPR}")
            self.r_default = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_RPR}")
            for style in styles.findall(f"{_W}style"):
                if style.get(f"{_W}type") != "paragraph":
                    continue
                self.styles[style.get(f"{_W}styleId", "")] = style
                if style.get(f"{_W}default") in ("1", "true", "on"):
                    self.default_p = style
        self._chains: dict[str | None, list[Any]] = {}
        self._lines: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._candidates: dict[bytes, list[tuple[int, int, tuple[float, bool, float]]]] = {}

    def _chain(self, style_id: str | None) -> list[Any]:
        """The paragraph style and those it is based on, the most basic first."""
        if style_id not in self._chains:
            chain: list[Any] = []
            style = self.styles.get(style_id) if style_id is not None else self.default_p
            while style is not None and style not in chain and len(chain) < 50:
                chain.append(style)
                based = style.find(f"{_W}basedOn")
                style = None if based is None else self.styles.get(based.get(f"{_W}val", ""))
            self._chains[style_id] = chain[::-1]
        return self._chains[style_id]

    def line(self, paragraph: Any) -> tuple[Any, ...]:
        """What a line of ``paragraph`` is as high as: its paragraph properties (alignment
        aside) and the character properties of its mark and each of its runs, resolved; what
        it holds — "text" (runs of text alone: only then can it be counted one line), "marked"
        (and bookmarks: it may be kept for such a line) or "" (anything else) — and the
        measures its text is estimated by."""
        children = list(paragraph)
        ppr = children[0] if children and children[0].tag == _PPR else None
        runs = children[1:] if ppr is not None else children
        raw = (b"" if ppr is None else etree.tostring(ppr), *map(_run_shape, runs))
        found = self._lines.get(raw)
        if found is not None:
            return found
        mark = ppr.find(_RPR) if ppr is not None else None
        style = ppr.find(f"{_W}pStyle") if ppr is not None else None
        chain = self._chain(style.get(f"{_W}val") if style is not None else None)
        p_props = _merged(self.p_default, *(s.find(_PPR) for s in chain), ppr)
        for tag in (f"{_W}pStyle", f"{_W}jc", _RPR):
            p_props.pop(tag, None)
        r_base = [self.r_default, *(s.find(_RPR) for s in chain)]
        chars = [_merged(*r_base, mark), *(_merged(*r_base, run.find(_RPR)) for run in runs)]
        keys = frozenset(tuple(sorted((t, _key(e)) for t, e in props.items()))
                         for props in chars)
        texts = (all(r.tag in _MARKS or (r.tag == _R and all(c.tag in (_RPR, _T) for c in r))
                     for r in runs)
                 and not _WIDE_PARAGRAPH & p_props.keys())
        kind = ("marked" if any(r.tag in _MARKS for r in runs) else "text") if texts else ""
        line = (tuple(sorted((t, _key(e)) for t, e in p_props.items())), keys, kind,
                _text_metrics(chars))
        self._lines[raw] = line
        return line

    def slim(self, row: Any, margins: int) -> None:
        """Leave out the cells at the end of ``row`` that only repeat its height: one line of
        text in a plain cell, where a plain cell kept before it holds one paragraph of the same
        line (see the module's docstring); ``margins`` are its table's cell margins, in twips.

        Rows made by one template loop differ only in their text: which cells could go is
        worked out once per row shape (the row's XML without its text), and each row then only
        has its texts measured."""
        xml = etree.tostring(row, encoding="utf-8")
        shape = _TEXT.sub(rb"\1\3", xml)
        candidates = self._candidates.get(shape)
        if candidates is None:
            candidates = self._candidates[shape] = (
                [] if b"<w:tbl" in shape else self._could_go(row))
        if not candidates:
            return
        segments = xml.split(b"</w:tc>")
        gone = 0
        for index, room, (size, bold, factor) in candidates:
            text = html.unescape(b"".join(m.group(2) for m in _TEXT.finditer(segments[index]))
                                 .decode("utf-8"))
            if text_width_twips(text, bold, size) * factor + margins > room:
                break
            gone += 1
        if gone:
            cells = row.findall(_TC)
            for cell in cells[len(cells) - gone:]:
                row.remove(cell)

    def _could_go(self, row: Any) -> list[tuple[int, int, tuple[float, bool, float]]]:
        """The cells at the end of ``row`` that could go if their text is one line, last first:
        each cell's index, its width and how its text is measured."""
        cells = [c for c in row if c.tag == _TC]
        paragraphs = [_only_paragraph(cell) for cell in cells]
        full = [self.line(p) if p is not None else None for p in paragraphs]
        # a kept cell's paragraph may hold bookmarks too (a part's first row has one)
        lines = [line[:2] if line is not None and line[2] else None for line in full]
        found = []
        for end in range(len(cells), 1, -1):
            line = full[end - 1]
            if line is None or line[2] != "text" or line[:2] not in lines[:end - 1]:
                break
            found.append((end - 1, _cell_width(cells[end - 1]), line[3]))
        return found


_TEXT = re.compile(rb"(<w:t(?:\s[^>]*)?>)([^<]*)(</w:t>)")
"""A run's text in a row's XML (the prefix ``w`` is the one the package uses)."""


def _run_shape(run: Any) -> tuple[Any, ...]:
    """A run's tag, its properties' XML and its children's tags: what :meth:`_Heights.line`
    reads of it (its text aside)."""
    first = run[0] if len(run) else None
    return (run.tag, etree.tostring(first) if first is not None and first.tag == _RPR else b"",
            *(child.tag for child in run))


def _text_metrics(chars: Any) -> tuple[float, bool, float]:
    """From a paragraph's resolved character properties (one dict per run, and its mark's):
    the largest size in points, whether any is bold, and how much to widen the estimate of
    Arial's widths (a tenth; a third for another typeface, or one a theme names)."""
    sizes, arial, bold = [], True, False
    for props in chars:
        size = props.get(f"{_W}sz")
        try:
            sizes.append(int(size.get(f"{_W}val")) / 2 if size is not None else 10.0)
        except (TypeError, ValueError):
            sizes.append(72.0)
        fonts = props.get(f"{_W}rFonts")
        arial = arial and fonts is not None and fonts.get(f"{_W}ascii") in _ARIAL_LIKE
        weight = props.get(f"{_W}b")
        bold = bold or (weight is not None
                        and weight.get(f"{_W}val", "1") not in ("0", "false", "off"))
    return max(sizes, default=10.0), bold, 1.1 if arial else 1.34


_T = f"{_W}t"


def _only_paragraph(cell: Any) -> Any | None:
    """The cell's paragraph when it is a plain cell (see _PLAIN_CELL) with one paragraph."""
    count = len(cell)
    if count == 1:
        return cell[0] if cell[0].tag == _P else None
    if count == 2 and cell[0].tag == _TCPR and cell[1].tag == _P \
            and all(c.tag in _PLAIN_CELL for c in cell[0]):
        return cell[1]
    return None


def _cell_width(cell: Any) -> int:
    """The cell's width in twips (0 when it is not given in twips)."""
    properties = cell[0] if len(cell) and cell[0].tag == _TCPR else None
    width = properties.find(f"{_W}tcW") if properties is not None else None
    if width is None or width.get(f"{_W}type") != "dxa":
        return 0
    try:
        return int(width.get(f"{_W}w", "0"))
    except ValueError:
        return 0


def _margins(table: Any) -> int:
    """The left and right cell margins of a table, in twips (Word's 108 each where the table
    does not give them), and some air."""
    total = 60
    for sides in (("left", "start"), ("right", "end")):
        width = 108
        for side in sides:
            given = table.find(f"{_W}tblPr/{_W}tblCellMar/{_W}{side}")
            if given is not None and given.get(f"{_W}type", "dxa") == "dxa":
                try:
                    width = int(given.get(f"{_W}w", "108"))
                except ValueError:
                    width = 108
                break
        total += width
    return total
