"""Templates are untrusted input: sandboxed, strict about names, clear about errors, no XXE.

Every template here is built with python-docx in the test (no binary files in the repository).
"""

from __future__ import annotations

import io
import os
import re
import uuid
import zipfile
from pathlib import Path

import docx
import pytest

import slutrapport
from slutrapport.errors import SlutrapportError, TemplateError, UnsafeTemplateError
from slutrapport.rendering import render_bytes


def make_template(folder: Path, *paragraphs: str, footer: str | None = None) -> Path:
    """A Word template with one paragraph per text (and a footer), saved as ``mall.docx``."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    path = folder / "mall.docx"
    document.save(path)
    return path


@pytest.mark.parametrize("expression", [
    "''.__class__.__mro__[1].__subclasses__()",
    "projekt.__class__",
])
def test_reaching_for_python_internals_is_refused_and_nothing_is_written(
    tmp_path: Path, nis60: slutrapport.Slutrapport, expression: str
) -> None:
    """The sandbox refuses ``__class__`` with an UnsafeTemplateError; no file appears."""
    template = make_template(tmp_path, "{{ " + expression + " }}")
    out = tmp_path / "rapport.docx"
    with pytest.raises(UnsafeTemplateError) as refused:
        slutrapport.render(nis60, out, template=template, contents=False, charts=False)
    assert str(refused.value) == (
        f"{template}: mallen försöker nå Pythons inre delar och körs inte (fältet '__class__') "
        f"(i stycket «{{{{ {expression} }}}}»)")
    assert sorted(os.listdir(tmp_path)) == ["mall.docx"]


@pytest.mark.parametrize(("paragraphs", "near"), [
    (["{{ projket.namn }}"], "{{ projket.namn }}"),
    (["{{ projket }}"], "{{ projket }}"),
    # docxtpl drops the paragraphs of {%p %} tags and joins the tags to their neighbours: the
    # tag is shown, not the neighbour
    (["{%p if projket %}", "Mitt", "{%p endif %}"], "{% if projket %}"),
])
def test_undefined_variable_is_named_with_the_paragraph_that_uses_it(
    tmp_path: Path, nis60: slutrapport.Slutrapport, paragraphs: list[str], near: str
) -> None:
    """A misspelt name, printed or tested, is an error naming it and quoting its paragraph."""
    template = make_template(tmp_path, "Titel", *paragraphs, "Slut")
    with pytest.raises(TemplateError) as refused:
        render_bytes(nis60, template=template, charts=False)
    assert str(refused.value) == (
        f"{template}: mallen använder variabeln 'projket', som inte finns i datat (i stycket "
        f"«{near}»)")


def test_unclosed_tag_is_named_as_the_syntax_error(
    tmp_path: Path, nis60: slutrapport.Slutrapport
) -> None:
    """'{{ projekt.namn ' without braces is reported as an unclosed tag, with where it is."""
    template = make_template(tmp_path, "Titel", "{{ projekt.namn ")
    with pytest.raises(TemplateError) as refused:
        render_bytes(nis60, template=template, charts=False)
    assert str(refused.value) == (
        f"{template}: felaktig malltagg: taggen '{{{{' avslutas inte med '}}}}' (i stycket "
        "«{{ projekt.namn»)")


@pytest.mark.parametrize(("tag", "problem"), [
    ("{{ 1/0 }}", "delning med noll"),
    ("{{ projekt.namn() }}", "ett värde som inte går att anropa som en funktion"),
    ("{% for i in range(10**9) %}{% endfor %}",
     "en range() med fler än 100\u00a0000 steg, mer än sandlådan tillåter"),
])
def test_failing_expression_in_a_template_is_a_template_error(
    tmp_path: Path, nis60: slutrapport.Slutrapport, tag: str, problem: str
) -> None:
    """Errors of the template's own expressions become TemplateErrors saying what and where."""
    template = make_template(tmp_path, tag)
    with pytest.raises(TemplateError) as refused:
        render_bytes(nis60, template=template, charts=False)
    assert str(refused.value) == (
        f"{template}: mallen kunde inte fyllas i ({problem}) (i stycket «{tag}»)")


def test_footer_that_renders_broken_xml_is_a_template_error(
    tmp_path: Path, nis60: slutrapport.Slutrapport
) -> None:
    """Broken XML from a footer or the body is refused in Swedish, not with lxml's English."""
    refusals = []
    for body, footer in (("Text", "{{ '<'|safe }}"), ("{{ '<'|safe }}", None)):
        template = make_template(tmp_path, body, footer=footer)
        with pytest.raises(TemplateError) as refused:
            render_bytes(nis60, template=template, charts=False)
        refusals.append(str(refused.value))
    assert refusals == [
        f"{tmp_path / 'mall.docx'}: mallen gav ogiltig XML: ett värde som skrivs ut med |safe, "
        "eller en tagg på fel ställe, bröt Word-dokumentets kod; inget skrevs"] * 2


def _with_entity(template: Path, part: str, secret: Path) -> Path:
    """The template with an external entity naming ``secret`` declared and used in ``part``."""
    out = template.with_name("xxe.docx")
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            blob = source.read(name)
            if name == part:
                xml = re.sub(r"^<\?xml[^>]*\?>\s*", "", blob.decode("utf-8"))
                root = re.match(r"<([\w:]+)", xml)
                assert root is not None
                doctype = (f'<!DOCTYPE {root.group(1)} [<!ENTITY xxe SYSTEM '
                           f'"{secret.as_uri()}">]>')
                if "<w:t>" in xml:
                    xml = xml.replace("<w:t>", "<w:t>&xxe;", 1)
                else:  # right after the root element's start tag
                    xml = re.sub(r"^(<[^>]*[^/]>)", r"\1&xxe;", xml, count=1)
                blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        + doctype + xml).encode("utf-8")
            target.writestr(name, blob)
    return out


@pytest.mark.parametrize("part", [
    "word/document.xml", "word/footer1.xml", "word/styles.xml", "docProps/core.xml",
    "customXml/item1.xml", "word/_rels/document.xml.rels",
])
def test_external_entity_in_a_template_part_reads_no_file(
    tmp_path: Path, nis60: slutrapport.Slutrapport, part: str
) -> None:
    """A template part declaring an entity that names a file is refused; the file is never read."""
    token = f"HEMLIGT-{uuid.uuid4().hex}"
    secret = tmp_path / "hemlig.txt"
    secret.write_text(token, encoding="utf-8")
    template = _with_entity(make_template(tmp_path, "{{ projekt.namn }}", footer="Sidfot"),
                            part, secret)
    data, message = b"", ""
    try:
        data = render_bytes(nis60, template=template, charts=False)
    except SlutrapportError as exc:  # anything else fails the test
        message = str(exc)
    assert token not in message
    if data:
        with zipfile.ZipFile(io.BytesIO(data)) as rendered:
            assert [n for n in rendered.namelist() if token.encode() in rendered.read(n)] == []
    assert message == (
        f"{template}: mallens del {part} har en DTD (<!DOCTYPE …>), som Word-filer aldrig har och "
        "som kan hämta in andra filer; mallen används inte")
