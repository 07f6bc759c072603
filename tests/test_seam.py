"""Contract tests of the seam (slutrapport.seam): each contact with the insides of docxtpl,
python-docx and python-pptx, and what slutrapport assumes of it (issue 18.4).

Each test says, when it fails, which library version broke which assumption and where slutrapport
relies on it, so an upgrade points at the one function of slutrapport.seam to adapt.
"""

from __future__ import annotations

import ast
import inspect
import io
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from slutrapport import seam
from tests.test_hardening_template import png

SOURCE = Path(__file__).resolve().parents[1] / "src" / "slutrapport"
DOCX = f"python-docx {version('python-docx')}"
DOCXTPL = f"docxtpl {version('docxtpl')}"
PPTX = f"python-pptx {version('python-pptx')}"


def _template(*paragraphs: str) -> Any:
    """A docxtpl template (read, through slutrapport's seam) of a document with paragraphs."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path = Path(tempfile.mkdtemp()) / "mall.docx"
    path.write_bytes(buffer.getvalue())
    return seam.open_template(path)


@pytest.mark.parametrize("name", ["fix_tables", "map_tree", "resolve_listing",
                                  "render_properties", "render_xml_part"])
def test_the_template_methods_overridden_still_exist_with_their_parameters(name: str) -> None:
    """Each method the seam's template class overrides is docxtpl's, called with the same
    parameters (an override of a method docxtpl renamed would silently never run)."""
    from docxtpl import DocxTemplate

    ours = inspect.signature(getattr(seam._template_class(), name))
    theirs = getattr(DocxTemplate, name, None)
    assert theirs is not None, (
        f"{DOCXTPL}: DocxTemplate.{name} is gone; slutrapport.seam.open_template overrides it "
        "and would never be called")
    assert list(inspect.signature(theirs).parameters)[:len(ours.parameters)] == list(
        ours.parameters), (
        f"{DOCXTPL}: DocxTemplate.{name}{inspect.signature(theirs)} no longer takes the "
        f"parameters slutrapport.seam overrides it with, {name}{ours}")


def test_the_template_renders_through_the_overrides() -> None:
    """render() calls render_xml_part for the body (the overrides run: a failing expression
    carries the source as Jinja parsed it) and render_properties for the title; it leaves the
    part being rendered in ``current_rendering_part`` and saves through the package writer."""
    from jinja2 import Environment

    tpl = _template("{{ 1 / 0 }}")
    with pytest.raises(ZeroDivisionError) as failed:
        tpl.render({}, jinja_env=Environment())
    assert "<w:p" in getattr(failed.value, "template_source", ""), (
        f"{DOCXTPL}: render() no longer goes through render_xml_part(src_xml, part, context, "
        "jinja_env); slutrapport.seam's template relies on it for the paragraph of an error")
    seen: list[Any] = []
    tpl = _template("{{ see() }}", "{{ word }}")

    def see() -> str:
        seen.append(seam.current_part(tpl))
        return ""

    tpl.docx.core_properties.title = "{{ title }}"
    tpl.render({"see": see,
                "title": "A & B", "word": "a & b"}, jinja_env=Environment(autoescape=True))
    assert [str(part.partname) for part in seen] == ["/word/document.xml"], (
        f"{DOCXTPL}: current_rendering_part is no longer the part being rendered; "
        "slutrapport.seam.current_part (Word charts: where the chart's relationship goes) "
        "relies on it")
    assert tpl.docx.core_properties.title == "A & B", (
        f"{DOCXTPL}: render() no longer renders the properties through render_properties("
        "context, jinja_env); slutrapport.seam overrides it to keep 'A & B' unescaped")
    data = seam.save(tpl)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "a &amp; b" in z.read("word/document.xml").decode(), (
            f"{DOCX}: PackageWriter._write_content_types_stream, _write_pkg_rels or "
            "_write_parts no longer write the package; slutrapport.seam.save relies on them")
        assert "[Content_Types].xml" in z.namelist()
    assert tpl.is_saved


def test_the_template_fails_on_broken_xml_instead_of_recovering() -> None:
    """fix_tables is given the body's XML as a string before docxtpl parses it: the seam parses
    it strictly, so broken content is an error, never dropped."""
    from jinja2 import Environment

    from slutrapport.errors import TemplateError

    tpl = _template("x")
    tpl.get_xml = lambda: tpl.patch_xml(  # a body whose tags no longer match
        etree.tostring(tpl.docx._element).decode().replace("</w:body>", "<w:p></w:body>"))
    with pytest.raises(TemplateError):
        tpl.render({}, jinja_env=Environment())


def test_a_picture_carries_its_alt_text() -> None:
    """InlineImage._insert_image gives the picture's XML with one ``<wp:docPr `` to carry the
    alt text (``descr``)."""
    tpl = _template("{{ bild }}")
    from jinja2 import Environment

    tpl.render({"bild": seam.picture(tpl, png(), 2.0, "Staplar & linjer")},
               jinja_env=Environment())
    body = etree.tostring(tpl.docx._element).decode()
    assert 'descr="Staplar &amp; linjer"' in body, (
        f"{DOCXTPL}: InlineImage._insert_image() no longer returns XML with '<wp:docPr '; "
        "slutrapport.seam.picture relies on it for a picture's alt text")


def test_docxtpl_keeps_what_it_must_rewrite_in_its_attributes() -> None:
    """save() lets docxtpl rewrite the zip itself when media were replaced: it must still keep
    them in these three attributes (and pre_processing, is_saved)."""
    tpl = _template("x")
    for name in ("crc_to_new_media", "crc_to_new_embedded", "zipname_to_replace", "is_saved"):
        assert hasattr(tpl, name), (
            f"{DOCXTPL}: DocxTemplate.{name} is gone; slutrapport.seam.save reads it")
    assert callable(getattr(tpl, "pre_processing", None)), (
        f"{DOCXTPL}: DocxTemplate.pre_processing is gone; slutrapport.seam.save calls it")


def test_a_new_part_takes_the_next_free_name() -> None:
    """package.next_partname fills the %d of a part's name with the next free number."""
    package = docx.Document().part.package
    first = seam.new_part(package, "/word/charts/chart%d.xml", "application/xml", b"a")
    document_part = package.main_document_part
    document_part.relate_to(first, "http://example.com/rel")
    second = seam.new_part(package, "/word/charts/chart%d.xml", "application/xml", b"b")
    assert (str(first.partname), str(second.partname)) == (
        "/word/charts/chart1.xml", "/word/charts/chart2.xml"), (
        f"{DOCX}: OpcPackage.next_partname(template) no longer numbers parts from 1; "
        "slutrapport.seam.new_part (Word charts) relies on it")


def test_a_chart_is_made_without_a_presentation() -> None:
    """ChartXmlWriter(kind, data).xml is a chart space python-pptx's Chart styles without a
    part; a series' point and a data label give their elements."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    data = CategoryChartData()
    data.categories = ["a", "b"]
    data.add_series("s", [1, 2])
    space, chart = seam.chart(XL_CHART_TYPE.COLUMN_CLUSTERED, data)
    assert space.tag.endswith("}chartSpace"), (
        f"{PPTX}: ChartXmlWriter(kind, data).xml is no longer a c:chartSpace; "
        "slutrapport.seam.chart relies on it")
    chart.has_title = False
    series = chart.plots[0].series[0]
    assert seam.point_element(series, 1).tag.endswith("}dPt"), (
        f"{PPTX}: series._element.get_or_add_dPt_for_point(i) no longer gives a c:dPt; "
        "slutrapport.seam.point_element (Word charts' colours) relies on it")
    label = series.points[0].data_label
    assert seam.label_element(label).tag.endswith("}dLbl"), (
        f"{PPTX}: DataLabel._get_or_add_dLbl() no longer gives a c:dLbl; "
        "slutrapport.seam.label_element (Word charts' labels) relies on it")


def test_the_workbook_writer_keeps_names_as_text_and_widens_the_column() -> None:
    """CategoryWorkbookWriter writes through _open_worksheet, _write_categories and
    _write_cat_column, reading _chart_data: the seam's writer makes '=1+1' a text."""
    from datetime import datetime

    import openpyxl
    from pptx.chart.data import CategoryChartData

    data = CategoryChartData()
    data.categories = ["=1+1", "en lång kategori med ett långt namn"]
    data.add_series("=s", [1, 2])
    blob = seam.workbook_writer(datetime(2020, 1, 1))(data).xlsx_blob
    sheet = openpyxl.load_workbook(io.BytesIO(blob)).active
    assert sheet is not None
    assert [sheet["A2"].value, sheet["B1"].value, sheet["A2"].data_type] == [
        "=1+1", "=s", "s"], (
        f"{PPTX}: CategoryWorkbookWriter no longer opens its sheet through _open_worksheet or "
        "writes its categories through _write_categories/_write_cat_column; slutrapport.seam."
        "workbook_writer overrides them so a name is never a formula")
    assert (sheet.column_dimensions["A"].width or 0) > 30, (
        f"{PPTX}: _write_cat_column(worksheet, col, level, num_format) is no longer how the "
        "categories are written; slutrapport.seam.workbook_writer widens the column there")


def test_the_workbook_writer_names_its_sheet_and_adds_the_label_columns() -> None:
    """CategoryWorkbookWriter fills its sheet in _populate_worksheet and names it Sheet1 in its
    references: the seam's writer names it Blad1, adds the label words after the series, and
    sheet_reference renames python-pptx's references to match."""
    from datetime import datetime

    import openpyxl
    from pptx.chart.data import CategoryChartData

    data = CategoryChartData()
    data.categories = ["a", "b"]
    data.add_series("s", [1, 2])
    writer = seam.workbook_writer(datetime(2020, 1, 1))(data)
    writer.extra = [("Etikett s", ("=ord", ""))]
    sheet = openpyxl.load_workbook(io.BytesIO(writer.xlsx_blob)).active
    assert sheet is not None
    assert (sheet.title, [[c.value for c in row] for row in sheet.iter_rows()]) == (
        "Blad1", [[None, "s", "Etikett s"], ["a", 1, "=ord"], ["b", 2, None]]), (
        f"{PPTX}: CategoryWorkbookWriter no longer fills its sheet in _populate_worksheet")
    assert seam.sheet_reference(writer.values_ref(data[0])) == "Blad1!$B$2:$B$3", (
        f"{PPTX}: the workbook writer's references no longer name Sheet1")


def test_the_element_under_each_block_proxy_is_its_element_attribute() -> None:
    """A paragraph's, table's, row's and cell's lxml element is ``_element`` (the same object
    as ``_p``, ``_tbl``, ``_tr``, ``_tc``)."""
    document = docx.Document()
    paragraph = document.add_paragraph("x")
    table = document.add_table(rows=1, cols=1)
    row, cell = table.rows[0], table.rows[0].cells[0]
    for proxy, tag in ((paragraph, "p"), (table, "tbl"), (row, "tr"), (cell, "tc")):
        got = seam.element(proxy)
        assert got.tag.endswith("}" + tag), (
            f"{DOCX}: {type(proxy).__name__}._element is no longer its <w:{tag}> element; "
            "slutrapport.seam.element (the template builder, _builder.py) relies on it")


def test_a_parts_bytes_can_be_set_through_blob() -> None:
    """A plain part keeps its bytes in ``_blob``, which ``blob`` returns and saving writes."""
    document = docx.Document()
    part = Part(PackURI("/word/embeddings/x.bin"), "application/octet-stream", b"old",
                document.part.package)
    seam.set_blob(part, b"new")
    assert part.blob == b"new", (
        f"{DOCX}: Part.blob no longer returns Part._blob; slutrapport.seam.set_blob (the Word "
        "charts' parts, the default template's properties) relies on it")


def test_docxtpl_gives_the_jinja_source_of_every_part() -> None:
    """The body, the headers and footers and the footnotes are given as the Jinja source docxtpl
    renders, its own tags (``{%p``) rewritten to Jinja's."""
    from docxtpl import DocxTemplate

    document = docx.Document()
    document.add_paragraph("{%p if projekt %}")
    document.add_paragraph("{{ projekt.namn }}")
    document.add_paragraph("{%p endif %}")
    document.sections[0].header.paragraphs[0].text = "{{ projekt.kortnamn }}"
    document.sections[0].footer.paragraphs[0].text = "Sida"
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    tpl = DocxTemplate(buffer)
    tpl.init_docx()
    sources = {str(part.partname): source for part, source in seam.template_sources(tpl)}
    body = sources.pop("/word/document.xml")
    assert ("{% if projekt %}" in body and "{%p" not in body
            and "{{ projekt.namn }}" in body), (
        f"{DOCXTPL}: patch_xml(get_xml()) no longer gives the body's Jinja source with {{%p%}} "
        "rewritten; slutrapport.seam.template_sources (template check, shown) relies on it")
    assert sorted(sources) == ["/word/footer1.xml", "/word/header1.xml"], (
        f"{DOCXTPL}: get_headers_footers(HEADER_URI/FOOTER_URI) no longer yields each header and "
        "footer part; slutrapport.seam.template_sources relies on it")
    assert "{{ projekt.kortnamn }}" in sources["/word/header1.xml"]


def test_no_other_module_reaches_into_the_libraries() -> None:
    """The private names of docxtpl, python-docx and python-pptx that slutrapport uses appear
    in slutrapport.seam only."""
    private = {"_element", "_p", "_tbl", "_tr", "_tc", "_blob", "patch_xml",
               "get_headers_footers", "get_part_xml", "HEADER_URI", "FOOTER_URI",
               "current_rendering_part", "_insert_image", "crc_to_new_media",
               "crc_to_new_embedded", "zipname_to_replace", "pre_processing", "is_saved",
               "_write_content_types_stream", "_write_pkg_rels", "_write_parts",
               "next_partname", "_chart_data", "_open_worksheet", "_write_categories",
               "_write_cat_column", "get_or_add_dPt_for_point", "_get_or_add_dLbl",
               "fix_tables", "map_tree", "resolve_listing", "render_properties",
               "render_xml_part"}
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "seam.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private and not (
                    isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno} .{node.attr}")
    assert found == []
