"""Contract tests of the seam (slutrapport.seam): each contact with the insides of docxtpl,
python-docx and python-pptx, and what slutrapport assumes of it (issue 18.4).

Each test says, when it fails, which library version broke which assumption and where slutrapport
relies on it, so an upgrade points at the one function of slutrapport.seam to adapt.
"""

from __future__ import annotations

import ast
import io
from importlib.metadata import version
from pathlib import Path

import docx
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from slutrapport import seam

SOURCE = Path(__file__).resolve().parents[1] / "src" / "slutrapport"
DOCX = f"python-docx {version('python-docx')}"
DOCXTPL = f"docxtpl {version('docxtpl')}"


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
               "get_headers_footers", "get_part_xml", "HEADER_URI", "FOOTER_URI"}
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "seam.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private and not (
                    isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno} .{node.attr}")
    assert found == []
