"""Captions as SEQ fields, references as REF fields: numbered in document order at render time."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import docx
from lxml import etree

from slutrapport.checks import Finding, check
from slutrapport.fields_word import TEXT_MARK, bookmark_name, finish
from slutrapport.loader import from_data, load
from slutrapport.rendering import render_bytes
from tests.wordxml import PROJEKT, bookmarks, document, ekonomi, fields

INTRO: dict[str, Any] = {
    "typ": "text", "id": "inledning", "rubrik": "Inledning",
    "text": "Se [](ref:diagram.ekonomi.kostnader) och [](ref:tabell.ekonomi.finansiering).",
}
TOC = ('TOC \\o "1-2" \\h \\z \\u',
       "Innehållsförteckningen fylls i när dokumentet öppnas eller uppdateras.")
SEQ_TABLE = "SEQ Tabell \\* ARABIC"
SEQ_CHART = "SEQ Diagram \\* ARABIC"


def _rendered(*sections: dict[str, Any]) -> etree._Element:
    return document(render_bytes(from_data({"projekt": PROJEKT, "avsnitt": [INTRO, *sections]})))


def _references(root: etree._Element) -> list[tuple[str, str]]:
    """Each REF field's result beside the whole caption its bookmark stands in."""
    marks = bookmarks(root)
    return [(result, marks[instruction.split()[1]][1]) for instruction, result in fields(root)
            if instruction.startswith("REF ")]


def test_captions_are_seq_fields_numbered_in_document_order() -> None:
    """The economy's two charts and two tables carry SEQ fields, each label counted apart."""
    root = _rendered(ekonomi("ekonomi"))
    assert fields(root) == [
        TOC,
        (f"REF {bookmark_name('diagram.ekonomi.kostnader')} \\h", "Diagram 2"),
        (f"REF {bookmark_name('tabell.ekonomi.finansiering')} \\h", "Tabell 2"),
        (SEQ_CHART, "1"), (SEQ_TABLE, "1"), (SEQ_CHART, "2"), (SEQ_TABLE, "2"),
    ]


def test_references_follow_when_a_section_with_charts_comes_before() -> None:
    """A second economy placed first moves the referred chart and table from 2 to 4."""
    assert _references(_rendered(ekonomi("ekonomi"))) == [
        ("Diagram 2", "Diagram 2: Kostnader per kostnadsslag"),
        ("Tabell 2", "Tabell 2: Finansiering per finansiär (kr)"),
    ]
    assert _references(_rendered(ekonomi("tidig", "Tidig ekonomi"), ekonomi("ekonomi"))) == [
        ("Diagram 4", "Diagram 4: Kostnader per kostnadsslag"),
        ("Tabell 4", "Tabell 4: Finansiering per finansiär (kr)"),
    ]


def test_each_caption_bookmarks_only_its_label_and_number() -> None:
    """A REF field shows its bookmark's text, so the bookmark spans 'Tabell 1' and no more."""
    marks = bookmarks(_rendered(ekonomi("ekonomi")))
    assert {name: spanned for name, (spanned, _) in marks.items()
            if not name.startswith(TEXT_MARK)} == {
        bookmark_name("diagram.ekonomi.budget"): "Diagram 1",
        bookmark_name("tabell.ekonomi.kostnader"): "Tabell 1",
        bookmark_name("diagram.ekonomi.kostnader"): "Diagram 2",
        bookmark_name("tabell.ekonomi.finansiering"): "Tabell 2",
    }


def test_a_table_kind_placed_earlier_renumbers_the_tables_after_it() -> None:
    """The tabell kind's caption is Tabell 1 when it comes first, and the economy's follow."""
    table = {"typ": "tabell", "id": "stod", "rubrik": "Stöd", "bildtext": "Stöd per kommun",
             "kolumner": [{"rubrik": "Kommun"}], "rader": [["Vindeln"]]}
    intro = {**INTRO, "text": "[](ref:tabell.stod) före [](ref:tabell.ekonomi.kostnader)."}
    root = document(render_bytes(from_data(
        {"projekt": PROJEKT, "avsnitt": [intro, table, ekonomi("ekonomi")]}), charts=False))
    assert _references(root) == [("Tabell 1", "Tabell 1: Stöd per kommun"),
                                 ("Tabell 2", "Tabell 2: Kostnader per kostnadsslag (kr)")]


def test_a_reference_with_text_is_a_link_to_the_caption() -> None:
    """[se diagrammet](ref:…) keeps its words and links them to the caption's bookmark."""
    intro = {**INTRO, "text": "Läs [se diagrammet](ref:diagram.ekonomi.budget)."}
    root = document(render_bytes(from_data({"projekt": PROJEKT,
                                            "avsnitt": [intro, ekonomi("ekonomi")]})))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    links = [(link.get(f"{w}anchor"), "".join(t.text or "" for t in link.iter(f"{w}t")))
             for link in root.iter(f"{w}hyperlink")]
    assert links == [(bookmark_name("diagram.ekonomi.budget"), "se diagrammet")]


def test_an_unknown_reference_is_an_error_at_its_line_with_the_nearest_name(
        tmp_path: Path) -> None:
    """A misspelt name is found at its YAML line, and the nearest existing name is offered."""
    path = tmp_path / "r.yaml"
    path.write_text(textwrap.dedent("""\
        projekt: {namn: Prov, kortnamn: P, period: {fran: "2023", till: "2026"}}
        avsnitt:
          - typ: text
            id: inledning
            rubrik: Inledning
            text: Se [](ref:diagram.ekonomi.kostnad) och [](ref:tabell.ekonomi.kostnader).
          - typ: ekonomi
            budget: 100
            utfall: 90
            kostnader: [{kategori: Lön, belopp: 90}]
        """), encoding="utf-8")
    found = [f for f in check(load(path)) if f.code == "ref-okand"]
    assert found == [Finding(
        "ref-okand", "error", "inledning.text",
        "Texten hänvisar till 'diagram.ekonomi.kostnad', som inte är någon tabell eller något "
        "diagram i rapporten; menade du 'diagram.ekonomi.kostnader'?",
        "diagram.ekonomi.kostnader", "diagram.ekonomi.kostnad", 6)]


def test_a_reference_in_a_report_without_captions_says_there_are_none() -> None:
    """With nothing captioned the finding says so instead of naming a nearest name."""
    report = from_data({"projekt": PROJEKT, "avsnitt": [{**INTRO, "text": "[](ref:tabell.x)"}]})
    assert [f for f in check(report) if f.code == "ref-okand"] == [Finding(
        "ref-okand", "error", "inledning.text",
        "Texten hänvisar till 'tabell.x', som inte är någon tabell eller något diagram i "
        "rapporten; rapporten har inga tabeller eller diagram med bildtext.", None, "tabell.x")]


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _complex(instruction: str, shown: str) -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{shown}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def test_the_pass_numbers_seq_switches_and_leaves_other_ref_forms() -> None:
    """\\c repeats, \\r restarts, \\h hides, a simple field counts too, and a REF asking for
    'above/below' (\\p) is left as it was."""
    body = "".join(f"<w:p>{inner}</w:p>" for inner in (
        '<w:bookmarkStart w:id="0" w:name="a"/><w:r><w:t>Figur </w:t></w:r>'
        + _complex("SEQ Figur", "9") + '<w:bookmarkEnd w:id="0"/>',
        _complex("SEQ Figur \\c", "9"),
        '<w:fldSimple w:instr=" SEQ Figur "><w:r><w:t>9</w:t></w:r></w:fldSimple>',
        _complex("SEQ Figur \\r 7", "9"),
        _complex("SEQ Figur \\h", "9"),
        _complex("SEQ Annan", "9"),
        _complex("REF a \\h", "?") + _complex("REF a \\p", "ovan"),
    ))
    root = etree.fromstring(f"<w:document {W_NS}><w:body>{body}</w:body></w:document>")
    finish(root)
    simple = root.find(".//{*}fldSimple/{*}r/{*}t")
    assert (fields(root), simple.text if simple is not None else None) == ([
        ("SEQ Figur", "1"), ("SEQ Figur \\c", "1"), ("SEQ Figur \\r 7", "7"),
        ("SEQ Figur \\h", ""), ("SEQ Annan", "1"), ("REF a \\h", "Figur 1"),
        ("REF a \\p", "ovan")], "2")


def test_the_pass_keeps_one_bookmark_of_a_name_and_gives_ids_in_order() -> None:
    """A name met twice keeps its first bookmark; ids run 0, 1 … whatever they were."""
    body = ('<w:p><w:bookmarkStart w:id="7" w:name="a"/><w:r><w:t>x</w:t></w:r>'
            '<w:bookmarkEnd w:id="7"/><w:bookmarkStart w:id="7" w:name="a"/>'
            '<w:bookmarkEnd w:id="7"/><w:bookmarkStart w:id="3" w:name="b"/>'
            '<w:bookmarkEnd w:id="3"/></w:p>')
    root = etree.fromstring(f"<w:document {W_NS}><w:body>{body}</w:body></w:document>")
    finish(root)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert [(el.tag[len(w):], el.get(f"{w}id"), el.get(f"{w}name"))
            for el in root.iter(f"{w}bookmarkStart", f"{w}bookmarkEnd")] == [
        ("bookmarkStart", "0", "a"), ("bookmarkEnd", "0", None),
        ("bookmarkStart", "1", "b"), ("bookmarkEnd", "1", None)]


def test_a_users_template_with_its_own_caption_fields_is_numbered(tmp_path: Path) -> None:
    """Captions a template writes itself (Word's Insert caption: a simple SEQ field) are
    numbered in order when the report is rendered."""
    template = docx.Document()
    for title in ("{{ projekt.namn }}", "Andra"):
        paragraph = template.add_paragraph("Figur ")
        paragraph._p.append(etree.fromstring(
            f'<w:fldSimple {W_NS} w:instr=" SEQ Figur \\* ARABIC "><w:r><w:t>1</w:t></w:r>'
            "</w:fldSimple>"))
        paragraph.add_run(f": {title}")
    path = tmp_path / "mall.docx"
    template.save(str(path))
    root = document(render_bytes(from_data({"projekt": PROJEKT}), template=path))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p")] == [
        "Figur 1: Prov", "Figur 2: Andra"]
