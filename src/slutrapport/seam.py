"""The seam: every contact with the insides of docxtpl, python-docx and python-pptx, in one place.

slutrapport uses these libraries' public API freely elsewhere (``Document()``,
``add_paragraph``, ``OxmlElement`` …). Where it must go further — a private attribute or method,
a method it overrides, a name the library does not document — the contact is here and nowhere
else, and ``tests/test_seam.py`` holds a contract test for each: it names the library's version
and the assumption, so that an upgrade that breaks one says which and why instead of failing
somewhere far away.

The contacts, by library:

- docxtpl: the template class with five methods overridden (:func:`open_template`:
  ``fix_tables``, ``map_tree``, ``resolve_listing``, ``render_properties``,
  ``render_xml_part``); the part being rendered (``current_rendering_part``,
  :func:`current_part`); a picture with its alt text (``InlineImage._insert_image``,
  :func:`picture`); a picture's inline drawing in the part being rendered (python-docx's
  ``StoryPart.new_pic_inline``, :func:`picture_run`); the Jinja source of every part a
  template renders (``patch_xml``,
  ``get_xml``, ``get_headers_footers``, ``get_part_xml``, ``HEADER_URI``/``FOOTER_URI``:
  :func:`template_sources`); saving (``crc_to_new_media``, ``crc_to_new_embedded``,
  ``zipname_to_replace``, ``pre_processing``, ``is_saved``: :func:`save`).
- python-docx: the XML element under a paragraph, table, row or cell proxy (``_element``,
  :func:`element`); a part made and its bytes set directly (``Part``, ``next_partname``,
  ``Part._blob``: :func:`new_part`, :func:`set_blob`); the package written through the
  writer's own steps (``PackageWriter._write_content_types_stream``, ``_write_pkg_rels``,
  ``_write_parts``: :func:`save`).
- python-pptx: a chart's XML and its proxy made without a presentation (``ChartXmlWriter``,
  ``Chart(chartSpace, None)``: :func:`chart`); a chart's workbook writer with three methods
  overridden (:func:`workbook_writer`: ``_open_worksheet``, ``_write_categories``,
  ``_write_cat_column``, and ``_chart_data``); a point's properties and a data label's element
  (``_element.get_or_add_dPt_for_point``, ``_get_or_add_dLbl``: :func:`point_element`,
  :func:`label_element`).

The three libraries are imported only when a template is read or a document made (start-up:
``slutrapport check`` with a cached template, ``schema`` and ``new`` import none of them).
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree
from markupsafe import escape

from slutrapport._templateerrors import broken_xml
from slutrapport.docxzip import STAMP, FixedZip, normalize_docx
from slutrapport.environment import environment
from slutrapport.errors import TemplateError

__all__ = ["SHEET", "chart", "current_part", "element", "label_element", "new_part",
           "open_template", "picture", "picture_run", "point_element", "save", "saved",
           "series_element",
           "set_blob", "sheet_reference", "template_sources", "workbook_writer"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_LISTING = re.compile("[\t\a\n\f]")
_TEXT_WITH_LISTING = re.compile(r"<w:t[ >](?:(?!</w:t>).)*?[\t\a\n\f]", re.DOTALL)
"""A character docxtpl's resolve_listing expands, inside a ``<w:t>`` (or its tag)."""


# --- docxtpl: the template ----------------------------------------------------------------------


@functools.cache
def _template_class() -> type:
    # start-up: docxtpl (and python-docx) only when a template is read
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):  # type: ignore[misc]
        """docxtpl's template, stricter and faster where slutrapport needs it (see each)."""

        source = Path()
        """The template's file, for messages."""

        def fix_tables(self, xml: str) -> Any:
            # docxtpl parses with recover=True, which drops broken content without a word;
            # parse strictly first so nothing is ever lost silently.
            try:
                tree = etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                raise TemplateError(broken_xml(self.source)) from exc
            if _tables_fit(tree):
                return tree  # docxtpl would change nothing: spare it a second parse
            return super().fix_tables(xml)

        def map_tree(self, tree: Any) -> None:
            # docxtpl moves the rendered body into the document; lxml's move takes time
            # quadratic in the xml:space attributes (one per <w:t>), as its namespace cache
            # misses on each: 2 s for 30 000 table rows, 39 s for 100 000. Lift those that are
            # an element's only attribute off for the move and put them back (100 000: 2 s).
            lifted = tree.xpath("descendant-or-self::*[@xml:space='preserve' and count(@*)=1]")
            for item in lifted:
                del item.attrib[_XML_SPACE]
            super().map_tree(tree)
            for item in lifted:
                item.set(_XML_SPACE, "preserve")

        def resolve_listing(self, xml: str) -> Any:
            # docxtpl rewrites every paragraph with regexes to expand \t \a \n \f in text
            # (a tenth of its time on a long table); without one in a <w:t> nothing changes.
            if _LISTING.search(xml) is None or _TEXT_WITH_LISTING.search(xml) is None:
                return xml
            return super().resolve_listing(xml)

        def render_properties(self, context: Any, jinja_env: Any = None) -> None:
            # With the XML environment a title '{{ projekt.namn }}' would read 'A &amp; B'.
            super().render_properties(context, environment(xml=False))

        def render_xml_part(self, src_xml: str, part: Any, context: Any,
                            jinja_env: Any = None) -> Any:
            try:
                return super().render_xml_part(src_xml, part, context, jinja_env)
            except Exception as exc:
                # the source as Jinja parsed it (docxtpl's split, a paragraph a line), so a
                # message can show the paragraph at the error's line
                setattr(exc, "template_source",  # noqa: B010
                        re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))
                raise

    return Template


def open_template(path: Path) -> Any:
    """A docxtpl template of the file, read (its parts loaded), with slutrapport's overrides."""
    tpl = _template_class()(str(path))
    tpl.source = path
    tpl.init_docx()
    return tpl


def _tables_fit(root: Any) -> bool:
    """Whether docxtpl's ``fix_tables`` would leave every table as it is.

    It adds grid columns when a row has more cells than the grid, and removes some when no row
    spans them all; otherwise it changes nothing. Anything unusual answers False, so docxtpl
    decides.
    """
    if root.nsmap.get("w") != _W[1:-1]:
        return False
    try:
        for table in root.iter(f"{_W}tbl"):
            grid = table.find(f"{_W}tblGrid")
            if grid is None:
                return False
            columns = len(grid.findall(f"{_W}gridCol"))
            widest = 0
            for row in table.iter(f"{_W}tr"):
                cells = row.findall(f"{_W}tc")
                if len(cells) > columns:
                    return False
                width = 0
                for cell in cells:
                    props = cell.find(f"{_W}tcPr")
                    span = None if props is None else props.find(f"{_W}gridSpan")
                    width += 1 if span is None else int(span.get(f"{_W}val"))
                widest = max(widest, width)
            if widest < columns:
                return False
    except (TypeError, ValueError):
        return False
    return True


def current_part(tpl: Any) -> Any:
    """The python-docx part docxtpl is rendering now (the body, a header or a footer)."""
    return tpl.current_rendering_part


@functools.cache
def _picture_class() -> type:
    # start-up: docxtpl and python-docx only when a document with pictures is made
    from docx.shared import Cm
    from docxtpl import InlineImage

    class Picture(InlineImage):  # type: ignore[misc]
        """An inline picture that carries its alt text (docPr/@descr) for screen readers."""

        def __init__(self, tpl: Any, data: bytes, width_cm: float, alt: str) -> None:
            super().__init__(tpl, io.BytesIO(data), width=Cm(width_cm))
            self.alt = alt

        def _insert_image(self) -> str:
            xml: str = super()._insert_image()
            return xml.replace("<wp:docPr ", f'<wp:docPr descr="{escape(self.alt)}" ', 1)

    return Picture


def picture(tpl: Any, data: bytes, width_cm: float, alt: str) -> Any:
    """A picture for the template to print (``{{ a.diagram.budget.bild }}``), ``width_cm``
    wide, with its alt text."""
    return _picture_class()(tpl, data, width_cm, alt)


def picture_run(tpl: Any, data: bytes, width_cm: float, alt: str, name: str) -> str:
    """A run (``<w:r><w:drawing>…``) that shows the picture ``data`` in the part being rendered,
    ``width_cm`` wide (its height in proportion), with its alt text and name; the picture's file
    is added to the part (``StoryPart.new_pic_inline``)."""
    # start-up: python-docx only when a document with pictures is made
    from docx.shared import Cm

    inline = current_part(tpl).new_pic_inline(io.BytesIO(data), Cm(width_cm), None)
    doc_pr = inline.docPr
    doc_pr.set("name", name)
    doc_pr.set("descr", alt)
    xml = etree.tostring(inline, encoding="unicode")
    return f"<w:r><w:drawing>{xml}</w:drawing></w:r>"


def save(tpl: Any, stamp: str = STAMP) -> bytes:
    """The rendered document as reproducible .docx bytes (:mod:`slutrapport.docxzip`), created
    and modified at ``stamp``, zipped once: python-docx's package writer writes its parts
    through :class:`FixedZip`."""
    return saved(tpl, stamp)[0]


def saved(tpl: Any, stamp: str = STAMP) -> tuple[bytes, bytes | None]:
    """:func:`save`'s bytes, and the body (``word/document.xml``) as written into them, so that
    what comes after need not unzip it again (None when docxtpl wrote the zip itself)."""
    # start-up: python-docx only when a document is saved
    from docx.opc.pkgwriter import PackageWriter

    if tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        buffer = io.BytesIO()  # docxtpl rewrites the zip itself for replaced media: let it
        tpl.save(buffer)
        return normalize_docx(buffer.getvalue(), stamp), None
    tpl.pre_processing()
    package = tpl.docx.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer: Any = FixedZip(buffer, stamp)
    PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, parts)
    writer.close()
    tpl.is_saved = True
    body = writer.members.get(str(tpl.docx.part.partname).lstrip("/"))
    writer.members.clear()
    return buffer.getvalue(), body


# --- python-docx --------------------------------------------------------------------------------


def element(proxy: Any) -> Any:
    """The lxml element under a python-docx paragraph, table, row or cell (``proxy._element``:
    python-docx 1.x keeps it there for every block item; ``_p``, ``_tbl``, ``_tr`` and ``_tc``
    are the same object)."""
    return proxy._element


def new_part(package: Any, name: str, content_type: str, blob: bytes) -> Any:
    """A new part of the package, named by ``name`` with ``%d`` the next free number
    (``/word/charts/chart%d.xml``), holding ``blob``."""
    # start-up: python-docx only when a document is made
    from docx.opc.part import Part

    return Part(package.next_partname(name), content_type, blob, package)


def set_blob(part: Any, blob: bytes) -> None:
    """Give a python-docx part (an ``opc.part.Part``, not an XML part) new bytes: ``part.blob``
    has no setter, and ``Part`` keeps them in ``_blob``."""
    part._blob = blob


def template_sources(tpl: Any) -> list[tuple[Any, str]]:
    """The Jinja source of every part a docxtpl template renders, as docxtpl makes it before it
    renders (``patch_xml``: its ``{%p``, ``{%tr`` and run-stitching rewrites): the body, each
    header and footer, and the footnotes; each with its python-docx part."""
    docx = tpl.docx
    out = [(docx.part, tpl.patch_xml(tpl.get_xml()))]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            out.append((part, tpl.patch_xml(tpl.get_part_xml(part))))
    for part in docx.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            out.append((part, tpl.patch_xml(blob)))
    return out


# --- python-pptx --------------------------------------------------------------------------------


SHEET = "Blad1"
"""The name of a chart workbook's sheet, as a Swedish Word names it."""


def workbook_writer(created: datetime) -> type:
    """python-pptx's workbook writer for a chart's data, made reproducible and quick: dated
    ``created``, its sheet named :data:`SHEET`, its category names as text (never formulas),
    its name column wide enough, and its one level of categories written in order (python-pptx
    counts the categories before each, the square of their number). An instance's ``extra``
    (a list of (heading, texts)) is written as text columns after the series' columns.
    python-pptx's references in the chart XML name ``Sheet1``: see :func:`sheet_reference`."""
    return _workbook_writer(created)


def sheet_reference(formula: str) -> str:
    """A reference python-pptx wrote (``Sheet1!$B$2:$B$3``) to the sheet :func:`workbook_writer`
    names :data:`SHEET`."""
    return formula.replace("Sheet1!", SHEET + "!")


@functools.cache
def _workbook_writer(created: datetime) -> type:
    # start-up: python-pptx only when a Word chart is made
    from pptx.chart.xlsx import CategoryWorkbookWriter
    from xlsxwriter import Workbook

    class Writer(CategoryWorkbookWriter):  # type: ignore[misc]
        @contextmanager
        def _open_worksheet(self, xlsx_file: Any) -> Iterator[tuple[Any, Any]]:
            # category and series names are the report's texts: never a formula ('=…')
            book = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False})
            book.set_properties({"created": created})
            sheet = book.add_worksheet(SHEET)
            yield book, sheet
            book.close()

        def _populate_worksheet(self, workbook: Any, worksheet: Any) -> None:
            super()._populate_worksheet(workbook, worksheet)
            first = 1 + len(self._chart_data)
            for col, (heading, texts) in enumerate(getattr(self, "extra", ()), start=first):
                worksheet.write_string(0, col, heading)
                for row, text in enumerate(texts, start=1):
                    if text:  # an unlabelled bar's cell stays empty
                        worksheet.write_string(row, col, text)
                longest = max((len(t) for t in texts), default=0)
                worksheet.set_column(col, col, min(max(10, longest + 2), 60))

        def _write_categories(self, workbook: Any, worksheet: Any) -> None:
            categories = self._chart_data.categories
            if categories.depth != 1:
                super()._write_categories(workbook, worksheet)
                return
            num_format = workbook.add_format({"num_format": categories.number_format})
            level = [(i, category.label) for i, category in enumerate(categories)]
            self._write_cat_column(worksheet, 0, level, num_format)

        def _write_cat_column(self, worksheet: Any, col: int, level: Any,
                              num_format: Any) -> None:
            super()._write_cat_column(worksheet, col, level, num_format)
            longest = max((len(str(name)) for _, name in level), default=0)
            worksheet.set_column(col, col, min(max(10, longest + 2), 60))

    return Writer


def chart(kind: Any, data: Any) -> tuple[Any, Any]:
    """A chart of ``kind`` (an ``XL_CHART_TYPE``) over ``data``: its ``c:chartSpace`` element and
    python-pptx's chart proxy over it, to style through python-pptx's API. python-pptx makes a
    chart this way inside ``ChartPart.new``, for a slide; Word's chart part is slutrapport's."""
    # start-up: python-pptx only when a Word chart is made
    from pptx.chart.chart import Chart
    from pptx.chart.xmlwriter import ChartXmlWriter
    from pptx.oxml import parse_xml

    space = parse_xml(ChartXmlWriter(kind, data).xml.encode("utf-8"))
    return space, Chart(space, None)


def point_element(series: Any, i: int) -> Any:
    """The ``c:dPt`` of a chart series' point ``i`` (made if missing), where its fill is set."""
    return series._element.get_or_add_dPt_for_point(i)


def series_element(series: Any) -> Any:
    """The ``c:ser`` element of a python-pptx chart series."""
    return series._element


def label_element(label: Any) -> Any:
    """The ``c:dLbl`` of a data label (made if missing); its ``idx`` child is its point's."""
    return label._get_or_add_dLbl()
