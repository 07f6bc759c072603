"""Pages that hold together and columns that fit: the rendered tables' layout pass, and the
examples' PDFs read as a typographer would (issue 20.3, 20.4)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from slutrapport import load, office
from slutrapport._columns import fit_columns, keep_short_tables, text_width_twips
from slutrapport.rendering import render_many

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


def _table(widths: list[int], rows: list[list[str]], layout: str = "fixed") -> etree._Element:
    """A w:body holding one table of the given grid widths and cell texts."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    trs = "".join(
        "<w:tr>" + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{text}'
            "</w:t></w:r></w:p></w:tc>" for w, text in zip(widths, row, strict=True)) + "</w:tr>"
        for row in rows)
    return etree.fromstring(
        f'<w:body xmlns:w="{W_NS}"><w:tbl><w:tblPr><w:tblLayout w:type="{layout}"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{trs}</w:tbl></w:body>")


def _widths(body: etree._Element) -> tuple[list[str], list[list[str]]]:
    grid = [c.get(f"{W}w") for c in body.iter(f"{W}gridCol")]
    cells = [[tcw.get(f"{W}w") for tcw in tr.iter(f"{W}tcW")] for tr in body.iter(f"{W}tr")]
    return grid, cells  # type: ignore[return-value]


def test_a_column_gets_at_least_its_longest_word_and_the_table_keeps_its_width() -> None:
    """A narrow column holding '14,5 heltidstjänster' (one word: the space is a no-break one)
    widens to it, taken from the wide first column; the total stays 9 072 twips."""
    figure = "14,5\u00a0heltidstjänster"
    body = _table([5072, 1500, 1500, 1000], [
        ["Indikator", "Utfall", "Målvärde", "Uppfyllt"],
        ["Nya arbetstillfällen i programföretagen", figure, "20\u00a0heltidstjänster", "Nej"]])
    fit_columns(body)
    grid, cells = _widths(body)
    word = text_width_twips(figure) + 276
    assert [int(w) for w in grid][1] >= word
    assert sum(int(w) for w in grid) == 9072
    assert cells == [grid, grid]


def test_a_table_that_fits_as_the_template_has_it_is_left_alone() -> None:
    """Columns already wide enough for every line keep the template's widths."""
    body = _table([6000, 3072], [["Personal", "3\u00a0412\u00a0870"]])
    fit_columns(body)
    assert _widths(body) == (["6000", "3072"], [["6000", "3072"]])


def test_a_table_whose_words_cannot_fit_or_without_fixed_layout_is_left_alone() -> None:
    """Words wider than the whole table, and an autofit table: nothing changes."""
    wide = _table([600, 600], [["Europeiska regionala utvecklingsfonden", "Tillväxtverket"]])
    auto = _table([1000, 500], [["a", "heltidstjänster"]], layout="autofit")
    fit_columns(wide)
    fit_columns(auto)
    assert (_widths(wide), _widths(auto)) == ((["600", "600"], [["600", "600"]]),
                                              (["1000", "500"], [["1000", "500"]]))


def test_a_short_table_keeps_its_rows_together_and_a_long_one_may_break() -> None:
    """Up to 15 rows: every paragraph but the last row's keeps with the next; 16 rows: none."""
    short = _table([1000], [[f"rad {i}"] for i in range(15)])
    long = _table([1000], [[f"rad {i}"] for i in range(16)])
    keep_short_tables(short)
    keep_short_tables(long)
    assert [p.find(f"{W}pPr/{W}keepNext") is not None for p in short.iter(f"{W}p")] == \
        [True] * 14 + [False]
    assert [p.find(f"{W}pPr") for p in long.iter(f"{W}p")] == [None] * 16


# --- the examples' PDFs ------------------------------------------------------------------------

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")
EXAMPLES = ("nis60", "lappland20", "nis70")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three examples as PDF, and NIS 7.0 with lists of tables and charts (one start of
    LibreOffice)."""
    folder = tmp_path_factory.mktemp("pdf")
    reports = [load(FIXTURES / f"{name}.yaml") for name in EXAMPLES]
    lists = load(FIXTURES / "nis70.yaml")
    lists.rubriker.tabellforteckning = "Tabeller"
    lists.rubriker.diagramforteckning = "Diagram"
    names = [*EXAMPLES, "nis70-forteckningar"]
    paths = {name: folder / f"{name}.pdf" for name in names}
    render_many([*reports, lists], [paths[name] for name in names])
    return paths


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines of text (the footer's line left out), in order."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines()
             if line.strip() and " · Sida " not in line] for page in text.split("\f")[:-1]]


@pytest.mark.libreoffice
@needs_office
@pytest.mark.parametrize("name", EXAMPLES)
def test_no_lead_in_ending_with_a_colon_ends_a_page(pdfs: dict[str, Path], name: str) -> None:
    """The last line of every page is never a lead-in (a line ending with a colon)."""
    assert [(n, page[-1]) for n, page in enumerate(_pages(pdfs[name]), start=1)
            if page and page[-1].endswith(":")] == []


@pytest.mark.libreoffice
@needs_office
def test_lapplands_table_3_breaks_no_word(pdfs: dict[str, Path]) -> None:
    """Tabell 3's row of jobs shows '14,5 heltidstjänster' and '20 heltidstjänster' whole."""
    lines = [" ".join(line.split()) for page in _pages(pdfs["lappland20"]) for line in page]
    assert "Nya arbetstillfällen i programföretagen 14,5 heltidstjänster 20 heltidstjänster " \
           "Nej" in lines


@pytest.mark.libreoffice
@needs_office
def test_contents_and_lists_leave_no_page_with_a_line_or_two(pdfs: dict[str, Path]) -> None:
    """With lists of tables and charts, no page of the report holds fewer than three lines;
    the lists stand together on the page after the contents."""
    pages = _pages(pdfs["nis70-forteckningar"])
    assert [n for n, page in enumerate(pages, start=1) if len(page) < 3] == []
    assert [pages[1][0], pages[2][0], pages[2][8]] == ["Innehåll", "Tabeller", "Diagram"]


@pytest.mark.parametrize("name", ["lappland20", "nis70"])
def test_generated_text_has_no_straight_quote_and_no_figure_that_can_break(name: str) -> None:
    """In the examples whose own texts hold no straight quote, the rendered document has
    none either, and no figure has an ordinary space between its digit groups (all are
    no-break spaces, in running text and tables alike)."""
    from slutrapport.document import render_bytes
    from tests.docxread import outline

    lines = outline(render_bytes(load(FIXTURES / f"{name}.yaml"), charts=False)).splitlines()
    assert [line for line in lines if re.search(r"[\"']|\d \d{3}(?!\d)", line)] == []
