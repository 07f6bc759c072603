"""Tests of narrative Markdown: the subset, its WordprocessingML, and escaping literal text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from slutrapport.narrative import (
    Styles,
    escape,
    figure_links,
    plain_text,
    to_paragraphs,
    to_runs,
    unsupported,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LIST_STYLES = {"ListBullet", "ListBullet2", "ListNumber", "ListNumber2"}


def parse(xml: str) -> etree._Element:
    """Parse output inside a w:body that declares the namespaces, without error recovery."""
    wrapped = f'<w:body xmlns:w="{W}" xmlns:r="{R}">{xml}</w:body>'
    return etree.fromstring(wrapped, etree.XMLParser(recover=False))


def wellformed(xml: str) -> str:
    """Return ``xml`` after checking that it parses as WordprocessingML."""
    parse(xml)
    return xml


def t(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t>'


def r(content: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f"<w:r>{rpr}{content}</w:r>"


def p(runs: str, style: str = "BodyText", keep: bool = False) -> str:
    keep_next = "<w:keepNext/>" if keep else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}</w:pPr>{runs}</w:p>'


def link(rid: str, text: str, props: str = "") -> str:
    run = r(t(text), '<w:rStyle w:val="Hyperlink"/>' + props)
    return f'<w:hyperlink r:id="{rid}" w:history="1">{run}</w:hyperlink>'


class FakeLinks:
    """A stand-in for ``DocxTemplate.build_url_id`` that remembers the URLs it was given."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, url: str) -> str:
        self.urls.append(url)
        return f"rId{len(self.urls)}"


def visible_text(xml: str) -> str:
    """The text a reader sees in rendered paragraphs, joined the way ``plain_text`` joins it."""
    out: list[str] = []
    previous_style: str | None = None
    for paragraph in parse(xml).iter(f"{{{W}}}p"):
        style = paragraph.find(f"{{{W}}}pPr/{{{W}}}pStyle")
        style_id = style.get(f"{{{W}}}val") if style is not None else None
        if previous_style is not None:
            in_list = previous_style in LIST_STYLES and style_id in LIST_STYLES
            out.append("\n" if in_list else "\n\n")
        for element in paragraph.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}tab"):
            if element.tag == f"{{{W}}}t":
                out.append(element.text or "")
            else:
                out.append("\n" if element.tag == f"{{{W}}}br" else "\t")
        previous_style = style_id or ""
    return "".join(out)


# --- Paragraphs and inline formatting -----------------------------------------------------------


def test_bold_and_italic_become_run_properties() -> None:
    """Bold, italic and both become w:b and w:i in that schema order, the rest plain runs."""
    assert wellformed(to_paragraphs("Vi *nådde* **fler** _och_ ***fler***.")) == (
        '<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">Vi </w:t></w:r>'
        '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">nådde</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">fler</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
        '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">och</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
        '<w:r><w:rPr><w:b/><w:i/></w:rPr><w:t xml:space="preserve">fler</w:t></w:r>'
        '<w:r><w:t xml:space="preserve">.</w:t></w:r>'
        "</w:p>"
    )


def test_blank_line_separates_paragraphs() -> None:
    """A blank line starts a new body-text paragraph."""
    assert wellformed(to_paragraphs("Första.\n\nAndra.")) == p(r(t("Första."))) + p(r(t("Andra.")))


def test_single_newline_is_a_line_break() -> None:
    """A single newline inside a paragraph becomes w:br, not a new paragraph."""
    assert wellformed(to_paragraphs("rad ett\nrad två")) == p(
        r(t("rad ett") + "<w:br/>" + t("rad två"))
    )


def test_tab_becomes_a_tab_element() -> None:
    """A tab character inside text becomes w:tab."""
    assert wellformed(to_paragraphs("Budget\t16 713 030 kr")) == p(
        r(t("Budget") + "<w:tab/>" + t("16 713 030 kr"))
    )


def test_xml_special_characters_are_escaped() -> None:
    """Ampersands and angle brackets are escaped in the XML, quotes are left as they are."""
    assert wellformed(to_paragraphs("A & B <c> \"d\" 'e' ]]>")) == p(
        r(t("A &amp; B &lt;c&gt; \"d\" 'e' ]]&gt;"))
    )


def test_template_syntax_is_kept_literally() -> None:
    """Jinja-like braces in narrative are ordinary text, never template syntax."""
    assert wellformed(to_paragraphs("{{ x }} och {% if y %}")) == p(r(t("{{ x }} och {% if y %}")))


def test_raw_html_stays_literal_text() -> None:
    """HTML is off, so a tag is shown as the characters that were typed."""
    assert wellformed(to_paragraphs("<b>fet</b>")) == p(r(t("&lt;b&gt;fet&lt;/b&gt;")))


def test_backslash_escapes_are_removed() -> None:
    """A backslash-escaped character is shown without its backslash and without its syntax."""
    assert wellformed(to_paragraphs(r"\*inte kursiv\* \\")) == p(r(t("*inte kursiv* \\")))


def test_empty_or_whitespace_text_renders_nothing() -> None:
    """Empty and whitespace-only text gives no paragraphs and no runs."""
    for text in ("", "   ", "\n\n \t\n"):
        assert to_paragraphs(text) == ""
        assert to_runs(text) == ""
        assert plain_text(text) == ""


def test_xml_forbidden_characters_are_dropped() -> None:
    """Control characters that XML forbids never reach the output."""
    assert wellformed(to_paragraphs("a\x0bb\x1fc")) == p(r(t("abc")))


def test_paragraph_style_overrides_body_style() -> None:
    """A caller's paragraph style replaces the body style of plain paragraphs only."""
    assert wellformed(to_paragraphs("Källa: SCB\n\n- punkt", paragraph_style="Caption")) == (
        p(r(t("Källa: SCB")), "Caption") + p(r(t("punkt")), "ListBullet")
    )


def test_custom_styles_are_used() -> None:
    """Every style id comes from the Styles given."""
    styles = Styles(body="B", bullet="L1", bullet2="L2", number="N1", number2="N2", hyperlink="H")
    text = "text\n\n- a\n  1. b\n\n1. c\n   - d\n\n<https://x.se>"
    hyperlink = (
        '<w:hyperlink r:id="rId1" w:history="1">'
        + r(t("https://x.se"), '<w:rStyle w:val="H"/>')
        + "</w:hyperlink>"
    )
    assert wellformed(to_paragraphs(text, styles=styles, link_id=FakeLinks())) == (
        p(r(t("text")), "B")
        + p(r(t("a")), "L1")
        + p(r(t("b")), "N2")
        + p(r(t("c")), "N1")
        + p(r(t("d")), "L2")
        + p(hyperlink, "B")
    )


def test_run_props_apply_to_every_run_in_schema_order() -> None:
    """Extra run properties join the formatting of each run, sorted and without duplicates."""
    text = "Sammanfattning **viktigt** [länk](https://x.se)"
    out = to_paragraphs(text, run_props='<w:sz w:val="18"/><w:b/>', link_id=FakeLinks())
    props = '<w:b/><w:sz w:val="18"/>'
    assert wellformed(out) == p(
        r(t("Sammanfattning "), props)
        + r(t("viktigt"), props)
        + r(t(" "), props)
        + link("rId1", "länk", props)
    )


def test_invalid_run_props_are_rejected_in_swedish() -> None:
    """Run properties that are not well-formed w:rPr content raise a ValueError in Swedish."""
    with pytest.raises(ValueError, match="run_props är inte giltig XML"):
        to_paragraphs("a", run_props="<w:b>")
    with pytest.raises(ValueError, match="får bara innehålla element"):
        to_paragraphs("a", run_props="fet")


# --- Lists ----------------------------------------------------------------------------------------


def test_bullet_list_items_are_list_bullet_paragraphs() -> None:
    """Each bullet item, written with - or *, is one ListBullet paragraph."""
    expected = p(r(t("ett")), "ListBullet") + p(r(t("två")), "ListBullet")
    assert wellformed(to_paragraphs("- ett\n- två")) == expected
    assert to_paragraphs("* ett\n* två") == expected


def test_numbered_list_items_are_list_number_paragraphs() -> None:
    """Each numbered item is one ListNumber paragraph; Word supplies the numbers."""
    assert wellformed(to_paragraphs("1. ett\n2. **två**")) == (
        p(r(t("ett")), "ListNumber") + p(r(t("två"), "<w:b/>"), "ListNumber")
    )


def test_nested_list_uses_second_level_styles() -> None:
    """An item nested one level uses the level-2 style of its own list kind."""
    assert wellformed(to_paragraphs("- a\n  - b\n  - c\n- d\n  1. e")) == (
        p(r(t("a")), "ListBullet")
        + p(r(t("b")), "ListBullet2")
        + p(r(t("c")), "ListBullet2")
        + p(r(t("d")), "ListBullet")
        + p(r(t("e")), "ListNumber2")
    )


def test_text_and_list_follow_each_other() -> None:
    """A paragraph, a list and a paragraph keep their order and their styles; the lead-in,
    ending with a colon, keeps with the list."""
    assert wellformed(to_paragraphs("Vi gjorde:\n\n- ett\n- två\n\nSedan slut.")) == (
        p(r(t("Vi gjorde:")), keep=True)
        + p(r(t("ett")), "ListBullet")
        + p(r(t("två")), "ListBullet")
        + p(r(t("Sedan slut.")))
    )


def test_item_with_two_paragraphs_stays_one_list_paragraph() -> None:
    """A list item's second paragraph follows a blank line inside the same item."""
    assert wellformed(to_paragraphs("- ett\n\n  mer om ett\n- två")) == (
        p(r(t("ett") + "<w:br/><w:br/>" + t("mer om ett")), "ListBullet")
        + p(r(t("två")), "ListBullet")
    )


def test_deeper_list_is_kept_at_second_level_and_reported() -> None:
    """A third list level renders with the level-2 style and is reported."""
    text = "- a\n  - b\n    - c"
    assert wellformed(to_paragraphs(text)) == (
        p(r(t("a")), "ListBullet") + p(r(t("b")), "ListBullet2") + p(r(t("c")), "ListBullet2")
    )
    assert unsupported(text) == ["lista i mer än två nivåer"]


def test_numbered_list_starts_at_the_number_written() -> None:
    """A list written from 3 gets a numbering that starts at 3, and nothing to warn about."""
    calls: list[tuple[str, int]] = []

    def numbering(style: str, start: int) -> str:
        calls.append((style, start))
        return f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{len(calls)}"/></w:numPr>'

    xml = to_paragraphs("3. tre\n4. fyra\n\ntext\n\n1. ett", numbering=numbering)
    assert calls == [("ListNumber", 3), ("ListNumber", 1)]
    assert xml.count('<w:numId w:val="1"/>') == 2 and xml.count('<w:numId w:val="2"/>') == 1
    assert unsupported("3. tre\n4. fyra") == []


# --- Links ----------------------------------------------------------------------------------------


def test_link_becomes_hyperlink_with_relationship_id() -> None:
    """A link asks link_id for a relationship id and renders a styled w:hyperlink."""
    links = FakeLinks()
    out = to_paragraphs("Se [rapporten](https://example.se/a?b=1&c=2) här.", link_id=links)
    assert wellformed(out) == p(r(t("Se ")) + link("rId1", "rapporten") + r(t(" här.")))
    assert links.urls == ["https://example.se/a?b=1&c=2"]


def test_autolinks_become_hyperlinks() -> None:
    """Web and e-mail autolinks are hyperlinks that show their address."""
    links = FakeLinks()
    out = to_paragraphs("<https://example.se> eller <info@example.se>", link_id=links)
    assert wellformed(out) == p(
        link("rId1", "https://example.se") + r(t(" eller ")) + link("rId2", "info@example.se")
    )
    assert links.urls == ["https://example.se", "mailto:info@example.se"]


def test_formatted_link_text_keeps_formatting_inside_hyperlink() -> None:
    """Bold text inside a link is a bold run inside the hyperlink."""
    out = to_paragraphs("[**fet** länk](https://x.se)", link_id=FakeLinks())
    assert wellformed(out) == p(
        '<w:hyperlink r:id="rId1" w:history="1">'
        + r(t("fet"), '<w:rStyle w:val="Hyperlink"/><w:b/>')
        + r(t(" länk"), '<w:rStyle w:val="Hyperlink"/>')
        + "</w:hyperlink>"
    )


def test_link_without_link_id_is_plain_text() -> None:
    """Without a way to make relationships, a link is just its text."""
    assert wellformed(to_paragraphs("Se [rapporten](https://x.se) här.")) == p(
        r(t("Se rapporten här."))
    )


def test_figure_link_renders_its_text_without_hyperlink() -> None:
    """A tal: link shows its text as plain text, its space a no-break one, and never becomes a
    hyperlink."""
    links = FakeLinks()
    out = to_paragraphs("Totalt **[2 949](tal:deltagare.totalt)** deltagare.", link_id=links)
    assert wellformed(out) == p(r(t("Totalt ")) + r(t("2\u00a0949"), "<w:b/>")
                                + r(t(" deltagare.")))
    assert links.urls == []


def test_figure_links_lists_shown_text_and_path_in_order() -> None:
    """figure_links returns each tal: link as (shown text, path), in the order written."""
    text = (
        "Av [2 949](tal:horisontella_kriterier.deltagare.totalt) var "
        "[49,7 %](tal:horisontella_kriterier.deltagare.andel_kvinnor) kvinnor, "
        "se [källan](https://scb.se)."
    )
    assert figure_links(text) == [
        ("2 949", "horisontella_kriterier.deltagare.totalt"),
        ("49,7 %", "horisontella_kriterier.deltagare.andel_kvinnor"),
    ]


def test_link_without_scheme_keeps_its_target_and_is_reported() -> None:
    """A relative link cannot be followed from Word: it shows text and target and is reported."""
    text = "Se [bilagan](bilaga.pdf)."
    assert wellformed(to_paragraphs(text, link_id=FakeLinks())) == p(
        r(t("Se bilagan (bilaga.pdf)."))
    )
    assert unsupported(text) == ["länk utan webbadress"]


# --- Outside the subset ---------------------------------------------------------------------------


def test_heading_is_kept_as_text_and_reported() -> None:
    """A heading is rendered as its source line in a body paragraph and reported as a heading."""
    text = "# Bakgrund\n\nText."
    assert wellformed(to_paragraphs(text)) == p(r(t("# Bakgrund"))) + p(r(t("Text.")))
    assert unsupported(text) == ["rubrik"]


@pytest.mark.parametrize(
    ("text", "shown", "names"),
    [
        ("```\nkod()\n```", "```\nkod()\n```", ["kodblock"]),
        ("    indragen kod", "    indragen kod", ["kodblock"]),
        ("Kör `make` nu.", "Kör `make` nu.", ["kod i löptext"]),
        ("> citat\n> rad två", "> citat\n> rad två", ["citat"]),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 2 |", ["tabell"]),
        ('Se ![Karta](karta.png "Län")', 'Se ![Karta](karta.png "Län")',
         ["bild mitt i ett stycke eller en punkt (en bild står i ett eget stycke)"]),
        ('- ![Karta](karta.png "Län")', '![Karta](karta.png "Län")',
         ["bild mitt i ett stycke eller en punkt (en bild står i ett eget stycke)"]),
        ("Före\n\n***\n\nEfter", "Före\n\n***\n\nEfter", ["avgränsningslinje"]),
        ("Rubrik\n======", "Rubrik\n======", ["rubrik"]),
        ("- # h\n- ```\n  x\n  ```", "# h\n```\nx\n```", ["rubrik", "kodblock"]),
        ("# a\n\n## b\n\n`c`", "# a\n\n## b\n\n`c`", ["rubrik", "kod i löptext"]),
    ],
)
def test_unsupported_constructs_are_kept_as_text_and_reported(
    text: str, shown: str, names: list[str]
) -> None:
    """Constructs outside the subset show their source and are each reported once."""
    out = to_paragraphs(text)
    assert visible_text(wellformed(out)) == shown
    assert plain_text(text) == shown
    assert unsupported(text) == names


def test_unsupported_block_is_one_paragraph_with_line_breaks() -> None:
    """A code block is one body paragraph whose source lines are joined by line breaks."""
    assert wellformed(to_paragraphs("```\na & b\n\tc\n```")) == p(
        r(t("```") + "<w:br/>" + t("a &amp; b") + "<w:br/><w:tab/>" + t("c") + "<w:br/>" + t("```"))
    )


def test_reference_definition_stays_literal_text() -> None:
    """Link definitions are not interpreted, so their line cannot vanish."""
    text = "[a]: https://x.se\n\n[text][a]"
    assert plain_text(text) == "[a]: https://x.se\n\n[text][a]"
    assert unsupported(text) == []


def test_supported_text_reports_nothing() -> None:
    """Text inside the subset reports no unsupported constructs."""
    text = "**Fet**, *kursiv*\n\n- [länk](https://x.se)\n  1. [2](tal:a.b)\n\n\\# inte rubrik"
    assert unsupported(text) == []


# --- Runs only ------------------------------------------------------------------------------------


def test_to_runs_gives_runs_only() -> None:
    """to_runs renders inline runs without any paragraph element."""
    assert wellformed(to_runs("Hej **du**")) == r(t("Hej ")) + r(t("du"), "<w:b/>")


def test_to_runs_flattens_blocks_with_line_breaks() -> None:
    """Paragraphs and list items are joined by a line break; items start with bullet or number."""
    assert wellformed(to_runs("Inledning.\n\n- ett\n- två\n\n1. a\n2. b")) == r(
        t("Inledning.")
        + "<w:br/>"
        + t("• ett")
        + "<w:br/>"
        + t("• två")
        + "<w:br/>"
        + t("1. a")
        + "<w:br/>"
        + t("2. b")
    )


def test_to_runs_renders_links_and_run_props() -> None:
    """to_runs makes hyperlinks and applies run properties like to_paragraphs."""
    out = to_runs("Se [x](https://x.se)", link_id=FakeLinks(), run_props="<w:i/>")
    assert wellformed(out) == r(t("Se "), "<w:i/>") + link("rId1", "x", "<w:i/>")


# --- Plain text -----------------------------------------------------------------------------------


def test_plain_text_removes_syntax_and_joins_blocks() -> None:
    """Paragraphs are joined by a blank line and list items by a newline, without markers."""
    text = "Vi *nådde* [2 949](tal:x) av **3 000**.\n\n- ett\n  - två\n1. tre\n\nSlut\\!"
    assert plain_text(text) == "Vi nådde 2\u00a0949 av 3 000.\n\nett\ntvå\ntre\n\nSlut!"


# --- Escaping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("Vanlig text, 49,7 %.", "Vanlig text, 49,7 %."),
        ("**inte fet** _inte kursiv_", r"\*\*inte fet\*\* \_inte kursiv\_"),
        ("# inte rubrik", r"\# inte rubrik"),
        ("- inte punkt\n+ inte heller", "\\- inte punkt\n\\+ inte heller"),
        ("1. inte numrerad\n2) inte heller", "1\\. inte numrerad\n2\\) inte heller"),
        ("> inte citat", r"\> inte citat"),
        ("[a](https://x.se) <https://x.se>", r"\[a\](https://x.se) \<https://x.se>"),
        ("a | b\n:-:", "a | b\n\\:-:"),
        ("| a |\n|---|", "\\| a |\n\\|---|"),
        ("&amp; `kod` \\", r"\&amp; \`kod\` \\"),
        ("{{ x }} {% if y %}", "{{ x }} {% if y %}"),
        ("  indrag\tmitt\t", "&#32;&#32;indrag\tmitt&#9;"),
        ("a\n\n\n\nb", "a\n\n&#10;&#10;b"),
        ("\nmitt\n", "&#10;mitt&#10;"),
        ("\n\n", "&#10;&#10;"),
        ("", ""),
    ],
)
def test_escape_writes_markdown_for_literal_text(text: str, markdown: str) -> None:
    """escape backslash-escapes syntax and encodes edge whitespace and extra blank lines."""
    assert escape(text) == markdown
    assert plain_text(markdown) == text


def test_escape_normalises_line_endings() -> None:
    """Carriage returns (alone or before a newline) become newlines before escaping."""
    assert escape("a\r\nb\rc") == "a\nb\nc"
    assert plain_text(escape("a\r\n\r\nb")) == "a\n\nb"


XML_FORBIDDEN = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))]
TEXT_CHARS = st.characters(
    exclude_categories=["Cs"], exclude_characters=[*XML_FORBIDDEN, "\ufffe", "\uffff", "\r"]
)
# Fragments that are Markdown syntax, whitespace that Markdown strips or XML escapes, so that
# arbitrary text often meets them at the start and end of lines.
TRICKY = st.sampled_from(
    [
        *"\\`*_[]()<>&|#-+=~:.!{}\"' \t\n",
        "1.",
        "2)",
        "---",
        "```",
        "~~~",
        "a|b\n",
        ":-:",
        "|-|",
        "    ",
        "  \n",
        "\n\n\n",
        "&#10;",
        "&amp;",
        "<https://x.se>",
        "[a](tal:b)",
        "{{ x }}",
        "{% if y %}",
        "]]>",
        "\xa0",
        "\u3000",
        "\u2028",
        "\x85",
        "\ufeff",
        "e\u0301",
        "שלום",
        "😀",
    ]
)
TEXT = st.one_of(
    st.text(TEXT_CHARS),
    st.lists(st.one_of(TRICKY, st.text(TEXT_CHARS, max_size=3)), max_size=25).map("".join),
)


@settings(max_examples=300)
@given(TEXT)
def test_escaped_text_renders_as_exactly_the_text(text: str) -> None:
    """Any XML-safe text, escaped, is read back unchanged from plain_text and from the Word XML."""
    markdown = escape(text)
    assert plain_text(markdown) == text
    assert visible_text(to_paragraphs(markdown)) == text
    assert unsupported(markdown) == []
    assert figure_links(markdown) == []
