"""Word texts read as narrative Markdown: the structures Word writes, compared as whole texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from slutrapport import narrative
from slutrapport.wordimport import ChangesRefusedError, ImportResult, Note, import_docx
from tests.wordimport_docx import abstract, docx, num, numbering, p, r


def read(tmp_path: Path, data: bytes, **kwargs: object) -> ImportResult:
    path = tmp_path / "text.docx"
    path.write_bytes(data)
    return import_docx(path, **kwargs)  # type: ignore[arg-type]


def notes(result: ImportResult) -> list[tuple[str, str, str]]:
    return [(n.code, n.place, n.message) for n in result.notes]


def test_bold_and_italic_split_across_runs_are_joined(tmp_path: Path) -> None:
    """Word splits formatted text into runs; the Markdown marks each formatted stretch once,
    with its blanks outside the markers, and nests italic inside bold."""
    body = p(runs=r("Vi besökte ") + r("fö", "<w:b/>") + r("retag ", "<w:b/>")
             + r("i ", "<w:b/>", "<w:i/>") + r("Robertsfors", "<w:b/>", "<w:i/>")
             + r(" och ", "<w:i/>") + r("Stark", '<w:rStyle w:val="Stark"/>')
             + r(" text.", '<w:b w:val="0"/>'))
    result = read(tmp_path, docx(body))
    assert result.markdown == "Vi besökte **företag *i Robertsfors*** *och* **Stark** text."
    assert result.notes == []


def test_headings_of_custom_and_swedish_styles_become_bold_lines_in_plain_text(
        tmp_path: Path) -> None:
    """Without a data file a heading (Swedish id Rubrik1, a custom style based on heading 2,
    Title) is a bold line, each noted where it stands."""
    styles = ('<w:style w:type="paragraph" w:customStyle="1" w:styleId="MinRubrik">'
              '<w:name w:val="Min rubrik"/><w:basedOn w:val="Rubrik2"/></w:style>')
    body = (p("Berättelse", "Rubrik") + p("Bakgrund", "Rubrik1") + p("Text ett.")
            + p("Detaljer", "MinRubrik") + p("Text två."))
    result = read(tmp_path, docx(body, styles=styles))
    assert result.markdown == ("**Berättelse**\n\n**Bakgrund**\n\nText ett.\n\n**Detaljer**\n\n"
                               "Text två.")
    why = "blir en rad i fetstil: löptexten har inga rubriker."
    assert notes(result) == [
        ("import-rubrik", "stycke 1 (”Berättelse”)", f"Rubriken ”Berättelse” {why}"),
        ("import-rubrik", "stycke 2 (”Bakgrund”)", f"Rubriken ”Bakgrund” {why}"),
        ("import-rubrik", "stycke 4 (”Detaljer”)", f"Rubriken ”Detaljer” {why}"),
    ]


def test_lists_keep_their_numbers_nesting_continuations_and_restarts(tmp_path: Path) -> None:
    """A numbered list that continues after a paragraph starts at its number; one started
    over (w:startOverride) right after another is kept apart with ')'; w:start is followed;
    a bullet list nests under a number; a third level goes to the second."""
    defs = numbering(
        abstract(0, (0, "decimal", 1), (1, "bullet", 1), (2, "bullet", 1)),
        abstract(1, (0, "decimal", 5)),
        abstract(2, (0, "bullet", 1)),
        num(1, 0), num(2, 0, {0: 1}), num(3, 1), num(4, 2))
    body = (p("Inledning.") + p("ett", num=(1, 0)) + p("två", num=(1, 0))
            + p("under två", num=(1, 1)) + p("djupt", num=(1, 2))
            + p("Ett stycke mellan.") + p("tre", num=(1, 0))
            + p("ett igen", num=(2, 0)) + p("två igen", num=(2, 0))
            + p("Sedan.") + p("fem", num=(3, 0)) + p("sex", num=(3, 0))
            + p("punkt", num=(4, 0)) + p("punkt två", num=(4, 0)))
    result = read(tmp_path, docx(body, numbering_xml=defs))
    assert result.markdown == (
        "Inledning.\n\n1. ett\n2. två\n   - under två\n   - djupt\n\nEtt stycke mellan.\n\n"
        "3. tre\n1) ett igen\n2) två igen\n\nSedan.\n\n5. fem\n6. sex\n- punkt\n- punkt två")
    assert notes(result) == [("import-lista", "stycke 5 (”djupt”)",
                              "Listan har fler än två nivåer; de djupare punkterna står på nivå "
                              "två i rapporten.")]
    starts: list[tuple[str, int]] = []
    narrative.to_paragraphs(result.markdown,
                            numbering=lambda style, n: starts.append((style, n)))  # type: ignore
    assert starts == [("ListNumber", 1), ("ListNumber", 3), ("ListNumber", 1),
                      ("ListNumber", 5)]


def test_a_list_numbered_by_its_style_and_in_letters_is_numbered_with_digits(
        tmp_path: Path) -> None:
    """A list style's numbering (the paragraph has only the style) counts too; letters are
    written as digits, and that is noted."""
    styles = ('<w:style w:type="paragraph" w:styleId="Lista"><w:name w:val="Min lista"/>'
              '<w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr></w:style>')
    defs = numbering(abstract(3, (0, "lowerLetter", 1)), num(7, 3))
    result = read(tmp_path, docx(p("a", "Lista") + p("b", "Lista"), styles=styles,
                                 numbering_xml=defs))
    assert result.markdown == "1. a\n2. b"
    assert notes(result) == [("import-lista", "stycke 1 (”a”)",
                              "Listan numreras inte med siffror i Word (a, b, c eller i, ii, "
                              "iii); i rapporten numreras den med siffror.")]


def test_list_styles_of_a_deeper_level_nest_under_the_item_before(tmp_path: Path) -> None:
    """Word's List Bullet 2 and List Number 2 are one-level lists indented as a second level:
    under an item they nest, and a list that starts with one is a list of its own."""
    document = Document()
    document.add_paragraph("Inledning.")
    for text, style in [("ett", "List Bullet"), ("djupare", "List Bullet 2"),
                        ("två", "List Bullet")]:
        document.add_paragraph(text, style=style)
    document.add_paragraph("Sedan.")
    for text in ("a", "b"):
        document.add_paragraph(text, style="List Bullet 2")
    document.add_paragraph("Sist.")
    for text, style in [("x", "List Number"), ("y", "List Number 2")]:
        document.add_paragraph(text, style=style)
    path = tmp_path / "listor.docx"
    document.save(str(path))
    assert import_docx(path).markdown == (
        "Inledning.\n\n- ett\n  - djupare\n- två\n\nSedan.\n\n- a\n- b\n\nSist.\n\n"
        "1. x\n   1. y")


def test_links_line_breaks_tabs_and_unicode_are_kept_as_written(tmp_path: Path) -> None:
    """Hyperlinks (a relationship and a HYPERLINK field), a line break, a tab, no-break spaces,
    Swedish quotes, an en dash, a soft and a non-breaking hyphen and a symbol are kept; Markdown
    characters are escaped."""
    rels = ('<Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/hyperlink" Target="https://nis.se/om oss" '
            'TargetMode="External"/>')
    runs = (r("Se ") + '<w:hyperlink r:id="rIdL">' + r("vår sida", "<w:i/>") + "</w:hyperlink>"
            + r(" och ")
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            + '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://umea.se/" </w:instrText>'
            + '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("Umeå")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            + r(".") + "<w:r><w:br/></w:r>" + r("Kl.\u00a010–12 ”öppet”")
            + "<w:r><w:tab/></w:r>" + r("sam") + "<w:r><w:softHyphen/></w:r>" + r("verkan, e")
            + "<w:r><w:noBreakHyphen/></w:r>" + r("handel ")
            + '<w:r><w:sym w:font="Symbol" w:char="00B0"/></w:r>'
            + r(" *stjärna* [a] & &amp; 1_2"))
    result = read(tmp_path, docx(p(runs=runs) + p("- inte en lista") + p("2024. Ett år"),
                                 rels=rels))
    assert result.markdown == (
        "Se [*vår sida*](<https://nis.se/om oss>) och [Umeå](https://umea.se/).\n"
        "Kl.\u00a010–12 ”öppet”\tsam\u00adverkan, e\u2011handel ° \\*stjärna\\* \\[a\\] & "
        "\\&amp; 1\\_2\n\n\\- inte en lista\n\n2024\\. Ett år")
    assert narrative.plain_text(result.markdown) == (
        "Se vår sida och Umeå.\nKl.\u00a010–12 ”öppet”\tsam\u00adverkan, e\u2011handel ° "
        "*stjärna* [a] & &amp; 1_2\n\n- inte en lista\n\n2024. Ett år")
    assert result.notes == []


def test_fields_show_their_result_as_text_and_a_table_of_contents_is_left_out(
        tmp_path: Path) -> None:
    """A SEQ caption number and a PAGE field (fldSimple) stay as the text they showed, noted;
    a table of contents spanning paragraphs is left out, noted once."""
    toc = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \\o "1-3" '
           '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
           + r("Inledning 1") + "</w:p>" + p("Bakgrund 2")
           + '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    body = toc + p(runs=r("Se ") + '<w:fldSimple w:instr=" SEQ Tabell \\* ARABIC ">'
                   + r("Tabell 3") + "</w:fldSimple>" + r(" på sidan ")
                   + '<w:fldSimple w:instr=" PAGE ">' + r("4") + "</w:fldSimple>" + r("."))
    result = read(tmp_path, docx(body))
    assert result.markdown == "Se Tabell 3 på sidan 4."
    assert notes(result) == [
        ("import-falt", "stycke 1", "Innehållsförteckningen följer inte med (rapporten "
         "gör en egen)."),
        ("import-falt", "stycke 2 (”Se Tabell 3 på sidan 4.”)", "Fältet SEQ Tabell står "
         "kvar som den text det visade, ”Tabell 3”, och följer inte längre med när något "
         "ändras."),
        ("import-falt", "stycke 2 (”Se Tabell 3 på sidan 4.”)", "Fältet PAGE står kvar som den "
         "text det visade, ”4”, och följer inte längre med när något ändras."),
    ]


def test_footnotes_tables_text_boxes_and_objects_are_listed_with_their_place(
        tmp_path: Path) -> None:
    """What a narrative can't hold is named with its place and its text: a footnote, a table
    with merged cells, a text box, a shape, an embedded object and a formula."""
    footnotes = ('<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
                 + r(" Enligt SCB 2024.") + "</w:p></w:footnote>")
    table = ("<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" + p("Kommun")
             + "</w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>"
             + p("Vindeln") + "</w:tc><w:tc>" + p("12") + "</w:tc></w:tr><w:tr><w:tc>"
             + "<w:tcPr><w:vMerge/></w:tcPr>" + p("") + "</w:tc><w:tc>" + p("13")
             + "</w:tc></w:tr></w:tbl>")
    box = ('<w:r><w:drawing><wp:anchor><wp:docPr id="1" name="Ruta"/><a:graphic><a:graphicData '
           'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
           "<wps:txbx><w:txbxContent>" + p("Viktigt i rutan") + "</w:txbxContent></wps:txbx>"
           "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>")
    shape = ('<w:r><w:pict><v:rect style="width:10pt"/></w:pict></w:r>'
             '<w:r><w:object><o:OLEObject ProgID="Excel.Sheet.12"/></w:object></w:r>')
    formula = "<m:oMath><m:r><m:t>a+b</m:t></m:r></m:oMath>"
    body = (p(runs=r("Fler företag") + '<w:r><w:footnoteReference w:id="1"/></w:r>' + r("."))
            + table + p(runs=r("Se rutan.") + box) + p(runs=shape + r("Slut") + formula))
    result = read(tmp_path, docx(body, footnotes=footnotes))
    assert result.markdown == "Fler företag.\n\nSe rutan.\n\nSlut"
    assert notes(result) == [
        ("import-fotnot", "stycke 1 (”Fler företag.”)", "Fotnoten ”Enligt SCB 2024.” följer "
         "inte med: löptexten har inga fotnoter. Skriv in den i texten om den behövs."),
        ("import-objekt", "stycke 2 (”Se rutan.”)", "En textruta (”Viktigt i rutan”) följer "
         "inte med; skriv in texten i löptexten om den behövs."),
        ("import-objekt", "stycke 3 (”Slut”)", "En form eller teckning följer inte med."),
        ("import-objekt", "stycke 3 (”Slut”)", "Ett inbäddat objekt (Excel.Sheet.12) följer "
         "inte med."),
        ("import-objekt", "stycke 3 (”Slut”)", "En formel (”a+b”) följer inte med: löptexten "
         "kan inte visa formler."),
        ("import-tabell", "tabell 1 (efter stycke 1)", "Tabellen (3 rader, 2 kolumner, med "
         "sammanslagna celler; första raden ”Kommun”) följer inte med: löptexten kan inte "
         "hålla tabeller. Lägg in den som ett avsnitt av typen tabell."),
    ]


TRACKED = (
    p(runs=r("Vi gjorde ")
      + '<w:del w:id="1" w:author="Anna Berg" w:date="2024-03-01T14:02:00Z">'
      + '<w:r><w:delText xml:space="preserve">260</w:delText></w:r></w:del>'
      + '<w:ins w:id="2" w:author="Anna Berg" w:date="2024-03-01T14:02:00Z">' + r("259")
      + "</w:ins>" + r(" besök.")
      + '<w:commentRangeStart w:id="0"/>' + r(" Bra år.") + '<w:commentRangeEnd w:id="0"/>'
      + '<w:r><w:commentReference w:id="0"/></w:r>')
    + '<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="Per Ek" w:date="2024-03-02T09:15:00Z"/>'
    + "</w:rPr></w:pPr>" + r("Första halvan") + "</w:p>" + p(" och andra."))
COMMENTS = ('<w:comment w:id="0" w:author="Per Ek" w:date="2024-03-02T09:10:00Z">'
            + p("Stämmer det?") + "</w:comment>")


def test_a_table_of_one_row_and_one_column_is_named_in_the_singular(tmp_path: Path) -> None:
    """'Tabellen (1 rad, 1 kolumn; …)', not '1 rader, 1 kolumner'."""
    table = "<w:tbl><w:tr><w:tc>" + p("Kommun") + "</w:tc></w:tr></w:tbl>"
    result = read(tmp_path, docx(p("Före") + table))
    assert notes(result) == [
        ("import-tabell", "tabell 1 (efter stycke 1)", "Tabellen (1 rad, 1 kolumn; första raden "
         "”Kommun”) följer inte med: löptexten kan inte hålla tabeller. Lägg in den som ett "
         "avsnitt av typen tabell."),
    ]


def test_tracked_changes_and_comments_stop_the_import_with_a_list(tmp_path: Path) -> None:
    """By default nothing is imported: each change and comment is listed, who, what, where
    and when, with the two ways on."""
    with pytest.raises(ChangesRefusedError) as refused:
        read(tmp_path, docx(TRACKED, comments=COMMENTS))
    assert str(refused.value) == (
        f"{tmp_path / 'text.docx'} har 3 spårade ändringar och 1 kommentar som ingen har tagit "
        "ställning till; inget fördes in:\n"
        "  stycke 1 (”Vi gjorde 260259 besök. Bra år.”): Anna Berg strök ”260” "
        "(2024-03-01 14:02)\n"
        "  stycke 1 (”Vi gjorde 260259 besök. Bra år.”): Anna Berg lade till ”259” "
        "(2024-03-01 14:02)\n"
        "  stycke 1 (”Vi gjorde 260259 besök. Bra år.”): Per Ek kommenterade ”Bra år.”: "
        "”Stämmer det?” (2024-03-02 09:10)\n"
        "  stycke 2 (”Första halvan”): Per Ek tog bort en styckebrytning (2024-03-02 09:15)\n"
        "Godta alla ändringar med --godta-andringar eller förkasta dem med --forkasta-andringar "
        "(kommentarerna tas bort i båda fallen), eller gör det i Word och spara filen igen.")
    assert refused.value.exit_code == 1


def test_accepting_or_rejecting_changes_reads_the_text_either_way(tmp_path: Path) -> None:
    """Accepted, the inserted text stays and a deleted paragraph mark joins two paragraphs;
    rejected, the deleted text comes back and the paragraphs stay apart."""
    data = docx(TRACKED, comments=COMMENTS)
    accepted = read(tmp_path, data, mode="accept")
    assert accepted.markdown == "Vi gjorde 259 besök. Bra år.\n\nFörsta halvan och andra."
    assert [r.kind for r in accepted.revisions] == ["del", "ins", "comment", "paragraph-del"]
    rejected = read(tmp_path, data, mode="reject")
    assert rejected.markdown == "Vi gjorde 260 besök. Bra år.\n\nFörsta halvan\n\noch andra."


def test_pictures_are_named_and_not_extracted_without_a_data_file(tmp_path: Path) -> None:
    """Without a data file a picture is only named, with its alt text and place."""
    rels = ('<Relationship Id="rIdP" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/image" Target="media/image1.png"/>')
    picture = ('<w:r><w:drawing><wp:inline><wp:docPr id="2" name="Bild 1" descr="Karta över '
               'kommunerna"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
               'drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="rIdP"/>'
               "</pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
               "</w:r>")
    result = read(tmp_path, docx(p("Kartan:") + p(runs=picture), rels=rels,
                                 media={"image1.png": b"\x89PNG bild"}))
    assert result.markdown == "Kartan:"
    assert result.notes == [Note(
        "import-bild", "stycke 2", "Bilden image1.png (”Karta över kommunerna”) följer "
        "inte med i texten: löptexten kan inte visa bilder ännu; med en datafil och utan "
        "--dry-run sparas den i mappen bilder bredvid datafilen.")]
    assert not (tmp_path / "bilder").exists()


def test_text_swallowed_by_a_field_that_never_ends_is_named(tmp_path: Path) -> None:
    """A field begun and never separated or ended hides its text: that text is named, and the
    next paragraph reads as usual."""
    broken = p(runs=r("Före ") + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               + "<w:r><w:instrText> DOCPROPERTY Titel </w:instrText></w:r>" + r("gömd text"))
    result = read(tmp_path, docx(broken + p("Nästa stycke.")))
    assert result.markdown == "Före\n\nNästa stycke."
    assert notes(result) == [("import-falt", "stycke 1 (”Före”)", "Ett fält (”DOCPROPERTY "
                              "Titel”) avslutas aldrig i stycket; texten i det, ”gömd text”, "
                              "följer inte med.")]


def test_formatting_the_text_cannot_hold_is_named_and_its_text_kept(tmp_path: Path) -> None:
    """Underlined and raised text stays as plain text, noted; hidden text and a symbol-font
    glyph are left out, noted."""
    body = p(runs=r("Ytan är 40 m") + r("2", '<w:vertAlign w:val="superscript"/>')
             + r(" och ") + r("viktig", '<w:u w:val="single"/>') + r(".")
             + r(" dold", "<w:vanish/>")
             + '<w:r><w:sym w:font="Wingdings" w:char="F0E0"/></w:r>')
    result = read(tmp_path, docx(body))
    assert result.markdown == "Ytan är 40 m2 och viktig."
    place = "stycke 1 (”Ytan är 40 m2 och viktig.”)"
    assert notes(result) == [
        ("import-dold", place, "Dold text (”dold”) följer inte med."),
        ("import-symbol", place, "Ett tecken ur typsnittet Wingdings (kod F0E0) följer inte "
         "med: det är ingen bokstav utan en bild i typsnittet."),
        ("import-format", place, "Upphöjd text (”2”) följer inte med: löptexten har bara fet "
         "och kursiv stil; texten står kvar utan formatet."),
        ("import-format", place, "Understruken text (”viktig”) följer inte med: löptexten har "
         "bara fet och kursiv stil; texten står kvar utan formatet."),
    ]


_ALPHABET = "abcåäöAÖ019 \t\u00a0*_[]<>&#;-+=~:|`\\!.)(”–\u00ad"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(_ALPHABET, min_size=1, max_size=12), st.booleans(),
                          st.booleans()), min_size=1, max_size=6))
def test_any_text_and_formatting_reads_back_as_written(
        tmp_path: Path, runs: list[tuple[str, bool, bool]]) -> None:
    """Whatever characters and bold/italic runs a paragraph has, its Markdown renders as the
    same text (blanks at its edges aside) with the same formatting, or without formatting and
    a note — never otherwise (a tab is Word's w:tab)."""
    text = "".join(t for t, _, _ in runs)
    assume(text.strip())
    tab = "<w:r><w:tab/></w:r>"
    body = p(runs="".join(tab.join(r(part, *(["<w:b/>"] if b else []),
                                     *(["<w:i/>"] if i else [])) for part in t.split("\t"))
                          for t, b, i in runs))
    result = read(tmp_path, docx(body))
    assert narrative.plain_text(result.markdown) == text.strip(" ")
    assert narrative.unsupported(result.markdown) == []
    assert {n.code for n in result.notes} <= {"import-format"}


_LISTS = numbering(
    abstract(0, (0, "decimal", 1), (1, "bullet", 1), (2, "decimal", 1)),
    abstract(1, (0, "bullet", 1), (1, "decimal", 3)), abstract(2, (0, "decimal", 7)),
    num(1, 0), num(2, 0, {0: 1}), num(3, 1), num(4, 2), num(5, 1, {1: 1}))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["a", "1. x", "- y", "**", "b\u00a0c"]),
                          st.integers(0, 5), st.integers(0, 2)), min_size=1, max_size=9))
def test_any_mix_of_lists_and_paragraphs_renders_item_by_item(
        tmp_path: Path, paragraphs: list[tuple[str, int, int]]) -> None:
    """Body paragraphs and items of lists that continue, start over, nest and change kind, in
    any order: the Markdown renders every paragraph in order (the import itself checks each
    one's list style and every list's first number against Word's)."""
    texts = [f"{text}{n}" for n, (text, _, _) in enumerate(paragraphs)]
    body = "".join(p(t, num=(list_id, level) if list_id else None)
                   for t, (_, list_id, level) in zip(texts, paragraphs, strict=True))
    result = read(tmp_path, docx(body, numbering_xml=_LISTS))
    assert [line for line in narrative.plain_text(result.markdown).split("\n") if line] == texts


def test_two_line_breaks_in_a_row_and_a_link_without_an_address(tmp_path: Path) -> None:
    """A second line break in a row is written as &#10; (a blank line would end the paragraph);
    a link to no web address stays as its text, noted."""
    runs = (r("Rad ett") + "<w:r><w:br/><w:br/></w:r>" + r("rad tre ")
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            + '<w:r><w:instrText xml:space="preserve"> HYPERLINK "bilaga.pdf" </w:instrText></w:r>'
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("bilagan")
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    result = read(tmp_path, docx(p(runs=runs)))
    assert result.markdown == "Rad ett\n&#10;rad tre bilagan"
    assert narrative.plain_text(result.markdown) == "Rad ett\n\nrad tre bilagan"
    assert notes(result) == [("import-lank", "stycke 1 (”Rad ett rad tre bilagan”)",
                              "Länken till ”bilaga.pdf” har ingen webbadress (som https://); "
                              "texten står kvar utan länk.")]
