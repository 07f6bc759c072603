"""Fields that reach outside the document are refused (issue 24, item 6).

A Word template holding INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO, IMPORT, INCLUDE,
DATABASE or RD — as a simple field or a complex one split across runs, in the body or a header —
is refused with a whole Swedish message, as external links are; so is a field whose name another
field computes, a deleted field a reviewer could restore, a mail-merge data source, and a field
the template's own expressions write. Data can't make one. Every template is built here.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

import slutrapport
from slutrapport._safety import FETCHING_FIELDS, field_instructions
from slutrapport.cli import main
from slutrapport.errors import TemplateError
from slutrapport.rendering import render_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

INSTRUCTIONS = {
    "INCLUDEPICTURE": 'INCLUDEPICTURE "http://127.0.0.1:9/bild.png" \\d',
    "IMPORT": 'IMPORT "http://127.0.0.1:9/bild.png"',
    "INCLUDETEXT": 'INCLUDETEXT "http://127.0.0.1:9/text.docx"',
    "INCLUDE": 'INCLUDE "C:\\\\delat\\\\text.docx"',
    "LINK": 'LINK Excel.Sheet.12 "http://127.0.0.1:9/bok.xlsx" "Blad1!R1C1" \\a',
    "DDE": 'DDE "c:\\\\windows\\\\system32\\\\cmd.exe" "/k calc.exe"',
    "DDEAUTO": 'DDEAUTO "c:\\\\windows\\\\system32\\\\cmd.exe" "/k calc.exe"',
    "DATABASE": 'DATABASE \\d "C:\\\\data.mdb" \\s "SELECT * FROM kunder"',
    "RD": 'RD "C:\\\\annat.docx"',
}
"""One instruction of each field kind that reaches outside."""

WHAT = {
    "INCLUDEPICTURE": "hämtar en bild ur en annan fil eller från en adress",
    "IMPORT": "hämtar en bild ur en annan fil eller från en adress",
    "INCLUDETEXT": "hämtar text ur en annan fil eller från en adress",
    "INCLUDE": "hämtar text ur en annan fil eller från en adress",
    "LINK": "hämtar ett objekt ur en annan fil",
    "DDE": "startar ett annat program och hämtar data ur det (DDE)",
    "DDEAUTO": "startar ett annat program och hämtar data ur det (DDE)",
    "DATABASE": "hämtar data ur en databas",
    "RD": "läser in ett annat dokument",
}
"""What the message says each kind does."""


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _run(paragraph: etree._Element, kind: str, text: str | None = None,
         char: str | None = None) -> etree._Element:
    run = etree.SubElement(paragraph, _w("r"))
    if char is not None:
        etree.SubElement(run, _w("fldChar")).set(_w("fldCharType"), char)
    if text is not None:
        element = etree.SubElement(run, _w(kind))
        element.text = text
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def add_simple(paragraph: etree._Element, instruction: str) -> None:
    """A simple field: ``<w:fldSimple w:instr="…">`` with a shown result."""
    field = etree.SubElement(paragraph, _w("fldSimple"))
    field.set(_w("instr"), instruction)
    _run(field, "t", "resultat")


def add_complex(paragraph: etree._Element, instruction: str, *, split: int = 5) -> None:
    """A complex field whose instruction is split over two runs after ``split`` characters."""
    _run(paragraph, "t", char="begin")
    _run(paragraph, "instrText", instruction[:split])
    _run(paragraph, "instrText", instruction[split:])
    _run(paragraph, "t", char="separate")
    _run(paragraph, "t", "resultat")
    _run(paragraph, "t", char="end")


FORMS = {"enkelt": add_simple, "sammansatt": add_complex}


def make_template(folder: Path, form: str, where: str, instruction: str, *,
                  whole: bool = False) -> Path:
    """A template with a field of the given form in its body or its header (``whole``: a
    complex field's instruction in one run, as a Jinja tag must be)."""
    document = docx.Document()
    document.add_paragraph("{{ projekt.namn }}")
    if where == "sidhuvud":
        paragraph = document.sections[0].header.paragraphs[0]._p
    elif where == "sidfot":
        paragraph = document.sections[0].footer.paragraphs[0]._p
    else:
        paragraph = document.add_paragraph("Fält: ")._p
    if whole:
        add_complex(paragraph, instruction, split=0)
    else:
        FORMS[form](paragraph, instruction)
    path = folder / "mall.docx"
    document.save(str(path))
    return path


PART = {"brödtext": "word/document.xml", "sidhuvud": "word/header1.xml",
        "sidfot": "word/footer1.xml"}


def refusal(template: Path, part: str, kind: str, instruction: str) -> str:
    return (f"{template}: mallens del {part} har fältet {kind} ({instruction}), som "
            f"{WHAT[kind]} när Word öppnar rapporten eller uppdaterar fälten (bara länkar får "
            "peka utanför dokumentet; bädda in innehållet i mallen i stället); mallen används "
            "inte")


def _render(template: Path, report: slutrapport.Slutrapport | None = None) -> bytes:
    return render_bytes(report or slutrapport.load(slutrapport.example_path("lappland20")),
                        template=template, charts=False)


@pytest.mark.parametrize("where", ["brödtext", "sidhuvud"])
@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("kind", sorted(INSTRUCTIONS))
def test_a_field_reaching_outside_is_refused(tmp_path: Path, kind: str, form: str,
                                             where: str) -> None:
    """Each fetching field kind, simple or split over runs, in the body or a header: refused
    before the template is used."""
    instruction = INSTRUCTIONS[kind]
    template = make_template(tmp_path, form, where, instruction)
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == refusal(template, PART[where], kind, instruction)


def test_the_command_line_refuses_it_with_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    """render with such a template: exit 2, the whole message, no output file."""
    template = make_template(tmp_path, "sammansatt", "sidfot", INSTRUCTIONS["DDEAUTO"])
    out = tmp_path / "ut.docx"
    result = CliRunner().invoke(main, [
        "render", str(slutrapport.example_path("lappland20")), "-o", str(out),
        "--template", str(template), "--no-contents", "--no-charts", "-q"])
    assert (result.exit_code, result.output, out.exists()) == (
        2, "Fel i mallen: " + refusal(template, "word/footer1.xml", "DDEAUTO",
                                      INSTRUCTIONS["DDEAUTO"]) + "\n", False)


@pytest.mark.skipif(not hasattr(docx.document.Document, "add_comment"),
                    reason="python-docx före 1.2 kan inte skriva kommentarer (testets behov)")
def test_a_field_in_a_comment_is_refused(tmp_path: Path) -> None:
    """A comment's part is looked through as the body is."""
    document = docx.Document()
    paragraph = document.add_paragraph("Text")
    comment = document.add_comment(paragraph.runs or [paragraph.add_run("x")], text="kommentar")
    add_simple(comment.paragraphs[0]._p, INSTRUCTIONS["INCLUDETEXT"])
    template = tmp_path / "mall.docx"
    document.save(str(template))
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == refusal(template, "word/comments.xml", "INCLUDETEXT",
                                         INSTRUCTIONS["INCLUDETEXT"])


@pytest.mark.parametrize(("instruction", "kind", "shown"), [
    ('includepicture"http://127.0.0.1:9/b.png"', "INCLUDEPICTURE",
     'includepicture"http://127.0.0.1:9/b.png"'),
    ('  \tIncludeText  "http://127.0.0.1:9/t.docx"  ', "INCLUDETEXT",
     'IncludeText "http://127.0.0.1:9/t.docx"'),
])
def test_a_field_name_in_any_case_or_spacing_is_recognised(
        tmp_path: Path, instruction: str, kind: str, shown: str) -> None:
    """Word reads field names in any case, after blanks, with a quote straight after."""
    template = make_template(tmp_path, "enkelt", "brödtext", instruction)
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == refusal(template, "word/document.xml", kind, shown)


def test_a_field_whose_name_another_field_computes_is_refused(tmp_path: Path) -> None:
    """{ {QUOTE "INCLUDE"}PICTURE "…" }: the outer field's name is made by the inner one."""
    document = docx.Document()
    paragraph = document.add_paragraph("Fält: ")._p
    _run(paragraph, "t", char="begin")
    add_complex(paragraph, 'QUOTE "INCLUDE"')
    _run(paragraph, "instrText", 'PICTURE "http://127.0.0.1:9/b.png"')
    _run(paragraph, "t", char="separate")
    _run(paragraph, "t", char="end")
    template = tmp_path / "mall.docx"
    document.save(str(template))
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == (
        f"{template}: mallens del word/document.xml har ett fält vars namn ett annat fält "
        'räknar fram (PICTURE "http://127.0.0.1:9/b.png"); det kan bli ett fält som hämtar '
        "något utanför dokumentet när Word öppnar rapporten; mallen används inte")


PART_OF_NAME = {
    "start": ("", 'QUOTE "INCLUDE"', 'PICTURE "http://127.0.0.1:9/b.png" \\d'),
    "middle": (" INCLUDE", 'QUOTE "PIC"', 'TURE "http://127.0.0.1:9/b.png" \\d'),
    "end": (" INCLUDEPICTUR", 'QUOTE "E"', ' "http://127.0.0.1:9/b.png" \\d'),
    "end-dde": (" DD", 'QUOTE "EAUTO"', ' "c:\\\\windows\\\\system32\\\\cmd.exe" "/k calc"'),
}
"""A field's name with a nested field at its start, in its middle, at its end: the text before
the nested field, the nested field's instruction, the text after it."""


@pytest.mark.parametrize("nested", sorted(FORMS))
@pytest.mark.parametrize("position", list(PART_OF_NAME))
def test_a_field_whose_name_a_nested_field_completes_anywhere_is_refused(
        tmp_path: Path, position: str, nested: str) -> None:
    """{ INCLUDEPICTUR{ QUOTE "E" } "…" } and { DD{ QUOTE "EAUTO" } … } passed, the fields
    kept in the document: a field nested anywhere before the first blank of an instruction
    makes part of its name, complex or simple, and the template is refused."""
    before, inner, after = PART_OF_NAME[position]
    document = docx.Document()
    paragraph = document.add_paragraph("Fält: ")._p
    _run(paragraph, "t", char="begin")
    if before:
        _run(paragraph, "instrText", before)
    FORMS[nested](paragraph, inner)
    _run(paragraph, "instrText", after)
    _run(paragraph, "t", char="separate")
    _run(paragraph, "t", char="end")
    template = tmp_path / "mall.docx"
    document.save(str(template))
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == (
        f"{template}: mallens del word/document.xml har ett fält vars namn ett annat fält "
        f"räknar fram ({(before + after).strip()}); det kan bli ett fält som hämtar något "
        "utanför dokumentet när Word öppnar rapporten; mallen används inte")


@pytest.mark.parametrize("nested", sorted(FORMS))
def test_a_field_nested_after_the_name_is_kept(tmp_path: Path, nested: str) -> None:
    """{ IF { QUOTE "1" } = 1 "ja" "nej" }: a field nested after the name's blank is an
    argument, not part of the name; the template renders with both fields in it."""
    document = docx.Document()
    paragraph = document.add_paragraph("Fält: ")._p
    _run(paragraph, "t", char="begin")
    _run(paragraph, "instrText", "IF ")
    FORMS[nested](paragraph, 'QUOTE "1"')
    _run(paragraph, "instrText", ' = 1 "ja" "nej"')
    _run(paragraph, "t", char="separate")
    _run(paragraph, "t", char="end")
    template = tmp_path / "mall.docx"
    document.save(str(template))
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(_render(template))).read(
        "word/document.xml"))
    assert sorted(field_instructions(root)) == [('IF  = 1 "ja" "nej"', False),
                                                ('QUOTE "1"', False)]


def test_a_deleted_field_a_reviewer_could_restore_is_refused(tmp_path: Path) -> None:
    """A tracked deletion's field (w:delInstrText) comes back when the deletion is rejected."""
    document = docx.Document()
    paragraph = document.add_paragraph("Fält: ")._p
    deleted = etree.SubElement(paragraph, _w("del"))
    deleted.set(_w("id"), "1")
    deleted.set(_w("author"), "x")
    _run(deleted, "t", char="begin")
    _run(deleted, "delInstrText", INSTRUCTIONS["LINK"])
    _run(deleted, "t", char="end")
    template = tmp_path / "mall.docx"
    document.save(str(template))
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == refusal(template, "word/document.xml", "LINK",
                                         INSTRUCTIONS["LINK"])


def test_a_mail_merge_data_source_is_refused(tmp_path: Path) -> None:
    """Settings that connect the document to a data source (opened with it) are refused."""
    document = docx.Document()
    document.add_paragraph("{{ projekt.namn }}")
    settings = document.settings.element
    merge = etree.SubElement(settings, _w("mailMerge"))
    etree.SubElement(merge, _w("mainDocumentType")).set(_w("val"), "formLetters")
    etree.SubElement(merge, _w("connectString")).set(
        _w("val"), "Provider=Microsoft.ACE.OLEDB.12.0;Data Source=\\\\127.0.0.1\\delat\\k.accdb")
    etree.SubElement(merge, _w("query")).set(_w("val"), "SELECT * FROM `kunder`")
    template = tmp_path / "mall.docx"
    document.save(str(template))
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == (
        f"{template}: mallens del word/settings.xml har en koppling till en datakälla för "
        "dokumentkoppling (w:mailMerge), som Word öppnar när rapporten öppnas; gör mallen till "
        "ett vanligt Word-dokument (Utskick → Starta koppling); mallen används inte")


def test_a_field_the_templates_expressions_write_is_refused_after_rendering(
        tmp_path: Path) -> None:
    """{{ 'INCLUDE' ~ 'TEXT' }} in an instruction is no field name until rendered; the rendered
    document is looked through, and refused."""
    template = make_template(tmp_path, "sammansatt", "brödtext",
                             "{{ 'INCLUDE' ~ 'TEXT' }} \"http://127.0.0.1:9/t.docx\"", whole=True)
    with pytest.raises(TemplateError) as refused:
        _render(template)
    assert str(refused.value) == (
        f"{template}: mallen skriver i delen word/document.xml fältet INCLUDETEXT "
        '(INCLUDETEXT "http://127.0.0.1:9/t.docx"), som hämtar text ur en annan fil eller från '
        "en adress när Word öppnar rapporten eller uppdaterar fälten (bara länkar får peka "
        "utanför dokumentet; bädda in innehållet i mallen i stället); mallen används inte")


HOSTILE_NAME = ('<w:fldSimple w:instr="INCLUDETEXT &quot;http://127.0.0.1:9/t&quot;"/>'
                ']]><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                'INCLUDEPICTURE "http://127.0.0.1:9/b.png"')
"""A project name written to make a field, if data text were not escaped."""


def _fields(docx_bytes: bytes) -> list[str]:
    """The names of every field in every WordprocessingML part of a .docx."""
    names = []
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        for name in sorted(archive.namelist()):
            if name.startswith("word/") and name.endswith(".xml") and "/charts/" not in name:
                root = etree.fromstring(archive.read(name))
                names += [(i.split() or [""])[0] for i, _ in field_instructions(root)]
    return names


def test_data_text_cannot_make_a_field(tmp_path: Path) -> None:
    """Data is escaped text: a project name written as field XML stays text in the standard
    template's title, header and properties, and the document holds the same fields as
    without it — none that reaches outside."""
    report = slutrapport.load(slutrapport.example_path("lappland20"))
    plain = _fields(render_bytes(report, charts=False))
    hostile = copy.deepcopy(report)
    hostile.projekt.namn = HOSTILE_NAME
    rendered = render_bytes(hostile, charts=False)
    document = docx.Document(io.BytesIO(rendered))
    assert (_fields(rendered), HOSTILE_NAME in "\n".join(p.text for p in document.paragraphs),
            [k for k in FETCHING_FIELDS if any(f.upper() == k for f in plain)]) == (
        plain, True, [])


def test_a_template_that_lets_data_name_a_field_is_refused_not_delivered(
        tmp_path: Path) -> None:
    """A template that puts data where a field's name goes: the data's field is refused after
    rendering, so no document holds it."""
    template = make_template(tmp_path, "sammansatt", "brödtext", "{{ projekt.namn }}",
                             whole=True)
    report = slutrapport.load(slutrapport.example_path("lappland20"))
    report.projekt.namn = 'INCLUDETEXT "http://127.0.0.1:9/t.docx"'
    with pytest.raises(TemplateError) as refused:
        _render(template, report)
    assert str(refused.value) == (
        f"{template}: mallen skriver i delen word/document.xml fältet INCLUDETEXT "
        '(INCLUDETEXT "http://127.0.0.1:9/t.docx"), som hämtar text ur en annan fil eller från '
        "en adress när Word öppnar rapporten eller uppdaterar fälten (bara länkar får peka "
        "utanför dokumentet; bädda in innehållet i mallen i stället); mallen används inte")


@pytest.mark.parametrize("instruction", [
    'HYPERLINK "https://example.org/om"', "PAGE", "AUTOTEXT Sidfot", 'MERGEFIELD "Namn"',
    "MACROBUTTON NoMacro Klicka", 'QUOTE "INCLUDETEXT"', "= 2 * 3",
])
def test_fields_that_fetch_nothing_are_kept(tmp_path: Path, instruction: str) -> None:
    """A link, a page number, a building block, a merge field, a button, a quoted word or a
    formula: the template renders and the field is in the document as it was."""
    template = make_template(tmp_path, "sammansatt", "brödtext", instruction, whole=True)
    rendered = _render(template)
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(rendered)).read("word/document.xml"))
    assert [i for i, _ in field_instructions(root)] == [instruction]
