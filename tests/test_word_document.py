"""The document itself: numbered lists that restart, shares as written, what the document says
it is, and a wide table on a landscape page of its own."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from slutrapport.cli import main
from slutrapport.context import build_context
from slutrapport.kinds.horisontella_kriterier import participants_bars
from slutrapport.loader import from_data
from slutrapport.rendering import render, render_bytes
from tests.docxread import W, outline, parts
from tests.wordxml import PROJEKT, document, paragraph_text

TWO_LISTS = "1. Första\n2. Andra\n\nMellan listorna.\n\n1. Ett igen\n2. Två igen\n"


def _text_report(text: str) -> Any:
    return from_data({"projekt": PROJEKT, "avsnitt": [
        {"typ": "text", "id": "inledning", "rubrik": "Inledning", "text": text}]})


def _list_style_abstract(data: bytes) -> str:
    """The abstract numbering the template's List Number style numbers with."""
    members = parts(data)
    styles = etree.fromstring(members["word/styles.xml"])
    numbering = etree.fromstring(members["word/numbering.xml"])
    num_id = styles.find(f".//{W}style[@{W}styleId='ListNumber']/{W}pPr/{W}numPr/{W}numId")
    assert num_id is not None
    num = numbering.find(f"{W}num[@{W}numId='{num_id.get(f'{W}val')}']/{W}abstractNumId")
    assert num is not None
    return str(num.get(f"{W}val"))


def test_a_second_numbered_list_has_its_own_numbering_that_starts_at_1() -> None:
    """Each list's items share a w:num of their own, over List Number's abstract numbering,
    whose level 0 starts over at 1."""
    data = render_bytes(_text_report(TWO_LISTS), charts=False)
    numbering = etree.fromstring(parts(data)["word/numbering.xml"])
    items = []
    for p in document(data).iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None or style.get(f"{W}val") != "ListNumber":
            continue
        num_id = p.find(f"{W}pPr/{W}numPr/{W}numId")
        assert num_id is not None
        num = numbering.find(f"{W}num[@{W}numId='{num_id.get(f'{W}val')}']")
        assert num is not None
        items.append((paragraph_text(p), num_id.get(f"{W}val"),
                      num.find(f"{W}abstractNumId").get(f"{W}val"),  # type: ignore[union-attr]
                      num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val")))  # type: ignore[union-attr]
    abstract = _list_style_abstract(data)
    first, second = items[0][1], items[2][1]
    assert (items, first != second) == ([
        ("Första", first, abstract, "1"), ("Andra", first, abstract, "1"),
        ("Ett igen", second, abstract, "1"), ("Två igen", second, abstract, "1")], True)


def test_a_nested_numbered_list_starts_at_1_under_each_item() -> None:
    """The inner lists under two items are two numberings, over List Number 2's."""
    data = render_bytes(_text_report("1. a\n   1. x\n2. b\n   1. y\n"), charts=False)
    inner = [(paragraph_text(p), p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val"))  # type: ignore[union-attr]
             for p in document(data).iter(f"{W}p")
             if p.find(f"{W}pPr/{W}pStyle[@{W}val='ListNumber2']") is not None]
    assert [text for text, _ in inner] == ["x", "y"] and inner[0][1] != inner[1][1]


# --- shares ---------------------------------------------------------------------------------

def _shares_report() -> Any:
    return from_data({"projekt": PROJEKT, "avsnitt": [
        {"typ": "horisontella_kriterier", "rubrik": "Kriterier",
         "deltagare": {"kvinnor": 1, "totalt": 2000, "andel_kvinnor": "0,05",
                       "andel_man": 99.95},
         "andel_kvinnoledda_foretag": 40},
        {"typ": "tabell", "id": "andelar", "rubrik": "Andelar", "bildtext": "Andelar",
         "kolumner": [{"rubrik": "Kommun"}, {"rubrik": "Andel", "typ": "procent"}],
         "rader": [["Vindeln", 0.05], ["Vännäs", 99.95], ["Bjurholm", 40]]}]})


def test_stated_shares_keep_their_decimals_in_tables_and_text_by_code_point() -> None:
    """0,05 % and 99,95 % stand as written (NBSP before %); a column shows its most decimals."""
    lines = outline(render_bytes(_shares_report(), charts=False)).splitlines()
    shown = [line for line in lines if "%" in line]
    assert shown == [
        "[BodyText] Andel av programföretagen som leds av kvinnor: 40\u00a0%.",
        "| Kvinnor | 1 | 0,05\u00a0% |",
        "| Män | 1\u00a0999 | 99,95\u00a0% |",
        "| Totalt | 2\u00a0000 | 100\u00a0% |",
        "| Vindeln | 0,05\u00a0% |",
        "| Vännäs | 99,95\u00a0% |",
        "| Bjurholm | 40,00\u00a0% |",
    ]


def test_the_chart_labels_show_the_shares_as_the_table_does() -> None:
    """The participants chart's labels carry the stated shares with their decimals."""
    deltagare = _shares_report().avsnitt[0].deltagare
    bars = participants_bars(deltagare)
    assert bars is not None and bars.series[0].notes == ("(0,05\u00a0%)", "(99,95\u00a0%)")


@pytest.mark.parametrize(("deltagare", "shown"), [
    ({"kvinnor": 6, "totalt": 15, "andel_kvinnor": 40}, ["40,0\u00a0%", "60,0\u00a0%"]),
    ({"kvinnor": 7, "totalt": 15, "andel_man": 53.33},
     ["46,67\u00a0%", "53,33\u00a0%"]),
    ({"kvinnor": 6, "totalt": 15, "andel_kvinnor": 40, "andel_man": 60},
     ["40\u00a0%", "60\u00a0%"]),
    ({"kvinnor": 6, "totalt": 15, "andel_kvinnor": 40, "andel_man": "60,0"},
     ["40\u00a0%", "60\u00a0%"]),
])
def test_the_shares_of_a_participants_table_show_one_precision_as_its_most_precise(
        deltagare: dict[str, Any], shown: list[str]) -> None:
    """A column of shares, stated or computed, shows the decimals of its most precise share
    (a computed one has one, or as many as a stated one): never 40 % beside 53,3 %; the table
    and the chart's labels alike, and the whole stays 100 %."""
    report = from_data({"projekt": PROJEKT, "avsnitt": [
        {"typ": "horisontella_kriterier", "rubrik": "Kriterier", "deltagare": deltagare}]})
    lines = outline(render_bytes(report, charts=False)).splitlines()
    bars = participants_bars(report.avsnitt[0].deltagare)
    assert ([line for line in lines if "%" in line],
            bars.series[0].notes if bars is not None else None) == (
        [f"| Kvinnor | 6 | {shown[0]} |" if deltagare["kvinnor"] == 6 else
         f"| Kvinnor | 7 | {shown[0]} |",
         f"| Män | {15 - deltagare['kvinnor']} | {shown[1]} |",
         "| Totalt | 15 | 100\u00a0% |"],
        (f"({shown[0]})", f"({shown[1]})"))


@pytest.mark.parametrize(("stated", "computed"), [
    ({"andel_kvinnor": "49,75"}, {"andel_kvinnor": Decimal("49.75"),
                                  "andel_man": Decimal("50.25")}),
    ({}, {"andel_kvinnor": Decimal("49.8"), "andel_man": Decimal("50.3")}),
])
def test_a_computed_share_has_one_decimal_or_as_many_as_the_stated_one(
        stated: dict[str, Any], computed: dict[str, Decimal]) -> None:
    """Beside a stated 49,75 % the computed share of men is 50,25 %; alone, one decimal."""
    report = from_data({"projekt": PROJEKT, "avsnitt": [
        {"typ": "horisontella_kriterier", "deltagare": {"kvinnor": 995, "man": 1005, **stated}}]})
    out = build_context(report)["horisontella_kriterier"]["deltagare"]
    assert {k: out[k] for k in computed} == computed


# --- what the document is ----------------------------------------------------------------------

def _properties(data: bytes) -> dict[str, str]:
    core = etree.fromstring(parts(data)["docProps/core.xml"])
    return {el.tag.split("}")[1]: el.text or "" for el in core}


def test_the_document_says_what_it_is_and_nothing_of_python_docx() -> None:
    """Title, subject, author and language come from the project; docProps hold no leftovers
    (no python-docx, no picture of an empty page)."""
    report = from_data({"projekt": {**PROJEKT, "projektagare": "Vindelns kommun"}})
    data = render_bytes(report, charts=False)
    members = parts(data)
    props = _properties(data)
    app = etree.fromstring(members["docProps/app.xml"])
    assert ({k: props[k] for k in ("title", "subject", "creator", "language", "description",
                                   "lastModifiedBy", "keywords", "category")},
            app.findtext("{*}Application"),
            sorted(n for n in members if n.startswith("docProps/")),
            [n for n, blob in members.items() if n.startswith("docProps/")
             and b"python-docx" in blob]) == (
        {"title": "P – Slutrapport", "subject": "Prov", "creator": "Vindelns kommun",
         "language": "sv-SE", "description": "", "lastModifiedBy": "", "keywords": "",
         "category": ""},
        "slutrapport", ["docProps/app.xml", "docProps/core.xml"], [])


def test_without_a_project_owner_the_author_is_empty() -> None:
    """No projektagare: no author (not the template's or a library's name)."""
    assert _properties(render_bytes(from_data({"projekt": PROJEKT}), charts=False))["creator"] \
        == ""


def test_the_styles_are_swedish_so_word_checks_swedish_spelling() -> None:
    """The document defaults and the Normal style carry sv-SE."""
    styles = etree.fromstring(parts(render_bytes(from_data({"projekt": PROJEKT}),
                                                 charts=False))["word/styles.xml"])
    langs = [styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang"),
             styles.find(f"{W}style[@{W}styleId='Normal']/{W}rPr/{W}lang")]
    assert [(el.get(f"{W}val"), el.get(f"{W}eastAsia")) for el in langs if el is not None] == [
        ("sv-SE", "sv-SE"), ("sv-SE", "sv-SE")]


def test_fields_lists_and_sections_render_to_the_same_bytes_twice() -> None:
    """Numbering instances, bookmark ids and section breaks are made the same way each time."""
    report = _landscape_report()
    assert render_bytes(report, charts=False) == render_bytes(report, charts=False)


# --- a wide table on a landscape page ---------------------------------------------------------

def _landscape_report(liggande: bool = True) -> Any:
    columns = [{"rubrik": "Kommun"}] + [{"rubrik": f"År {y}", "typ": "antal"}
                                        for y in range(2015, 2027)]
    return from_data({"projekt": PROJEKT, "avsnitt": [
        {"typ": "text", "id": "inledning", "rubrik": "Inledning", "text": TWO_LISTS},
        {"typ": "tabell", "id": "bred", "rubrik": "En bred tabell", "liggande": liggande,
         "bildtext": "Företag per kommun och år", "kolumner": columns,
         "rader": [["Vindeln", *range(12)], ["Vännäs", *range(12, 24)]],
         "text_efter": "Tillbaka på stående sidor."},
        {"typ": "text", "id": "slut", "rubrik": "Slutsatser", "text": "Slut."}]})


def _sections(data: bytes) -> list[tuple[str, str, str, bool, bool, str]]:
    """Each section in order: orientation, width, height, different first page, a footer, and
    the text of the paragraph that ends it (the body's own: '')."""
    out = []
    for sect in document(data).iter(f"{W}sectPr"):
        size = sect.find(f"{W}pgSz")
        assert size is not None
        holder = sect.getparent().getparent() if sect.getparent().tag == f"{W}pPr" else None
        out.append((size.get(f"{W}orient", "portrait"), size.get(f"{W}w", ""),
                    size.get(f"{W}h", ""), sect.find(f"{W}titlePg") is not None,
                    sect.find(f"{W}footerReference") is not None,
                    paragraph_text(holder) if holder is not None else ""))
    return out


def test_a_wide_table_stands_on_a_landscape_section_of_its_own() -> None:
    """A section break before the table's section keeps the portrait page (and the title
    page's different first page); the table's section is landscape, page turned; the rest is
    portrait again, with its footer from the first page on."""
    assert _sections(render_bytes(_landscape_report(), charts=False)) == [
        ("portrait", "11906", "16838", True, True, ""),
        ("landscape", "16838", "11906", False, True, ""),
        ("portrait", "11906", "16838", False, True, ""),
    ]


def test_a_table_not_marked_landscape_leaves_one_section() -> None:
    """Without liggande the document keeps its one portrait section."""
    assert _sections(render_bytes(_landscape_report(liggande=False), charts=False)) == [
        ("portrait", "11906", "16838", True, True, "")]


def test_the_landscape_table_is_as_wide_as_the_turned_page() -> None:
    """The table's grid fills the landscape text width (24,7 cm), not the portrait one."""
    root = document(render_bytes(_landscape_report(), charts=False))
    widths = [sum(int(c.get(f"{W}w", "0")) for c in t.iter(f"{W}gridCol"))
              for t in root.iter(f"{W}tbl")]
    assert widths == [14004]


# --- PDF/A asked for where there is no PDF ------------------------------------------------------

def test_pdfa_with_a_word_output_is_refused_before_any_work(tmp_path: Path) -> None:
    """--pdfa with -o x.docx exits 2 with a Swedish message, and writes nothing."""
    source = tmp_path / "r.yaml"
    source.write_text('projekt: {namn: Prov, kortnamn: P, period: {fran: "2023", till: "2026"}}\n',
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(source), "-o", str(tmp_path / "x.docx"),
                                       "--pdfa"])
    assert (result.exit_code, result.stderr, (tmp_path / "x.docx").exists()) == (
        2, "Fel i indata: --pdfa skriver PDF/A, en sorts PDF: ge utfilen ändelsen .pdf (eller "
           "ange --to pdf)\n", False)


def test_the_api_refuses_pdfa_for_a_word_output(tmp_path: Path) -> None:
    """render(…, 'x.docx', pdfa=True) says PDF/A is a PDF, and writes nothing."""
    with pytest.raises(ValueError, match="PDF/A \\(pdfa\\) gäller bara PDF"):
        render(from_data({"projekt": PROJEKT}), tmp_path / "x.docx", pdfa=True, charts=False)
    assert not (tmp_path / "x.docx").exists()
