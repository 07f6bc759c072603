"""The general table (tabell): typed cells, located input errors, the sum check, the Word table."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.context import build_context
from slutrapport.errors import InputError
from slutrapport.loader import from_data, load
from slutrapport.models import Slutrapport
from slutrapport.rendering import render_bytes
from tests.docxread import W, outline, parts

TABLE: dict[str, Any] = {
    "typ": "tabell",
    "id": "stod",
    "rubrik": "Stöd per kommun",
    "text": "Stödet fördelades så här.",
    "bildtext": "Stöd per kommun",
    "kolumner": [
        {"rubrik": "Kommun"},
        {"rubrik": "Företag", "typ": "antal"},
        {"rubrik": "Stöd (kr)", "typ": "kronor"},
        {"rubrik": "Andel", "typ": "procent"},
        {"rubrik": "Anställda", "typ": "anstallda"},
    ],
    "rader": [
        ["Vindeln", 12, 1242340, 49.7, 2.5],
        ["Bjurholm", "3", "150 000", "50,3", 4],
        ["Övriga", None, "", None, ""],
    ],
    "summa": ["Summa", 15, 1392340, 100, 6.5],
    "text_efter": "Vindeln fick mest.",
}


def report_with(**changes: Any) -> Slutrapport:
    section = copy.deepcopy(TABLE)
    section.update(changes)
    return from_data({"projekt": {"namn": "Prov", "kortnamn": "P",
                                  "period": {"fran": "2023", "till": "2026"}},
                      "avsnitt": [section]})


def test_cells_are_read_as_their_columns_types() -> None:
    """Swedish-written figures become numbers, empty cells None, text stays text."""
    assert report_with().avsnitt[0].rader == [  # type: ignore[attr-defined]
        ["Vindeln", 12, 1242340, Decimal("49.7"), Decimal("2.5")],
        ["Bjurholm", 3, 150000, Decimal("50.3"), Decimal(4)],
        ["Övriga", None, None, None, None],
    ]


def test_a_table_whose_sums_agree_has_no_findings() -> None:
    """Stated sums equal to the columns' sums give no finding."""
    assert check(report_with()) == []


def test_a_stated_sum_that_differs_from_its_column_is_an_error_per_column() -> None:
    """Count, kronor and head-count columns are each checked, with Swedish figures and units."""
    report = report_with(summa=["Summa", 16, 1392000, 100, 7])
    assert [(f.code, f.severity, f.path, f.message, f.expected, f.actual)
            for f in check(report)] == [
        ("tabell-kolumnsumma", "error", "stod.summa[1]",
         "Kolumnen 'Företag' summerar till 15, men summan anges till 16.", 15, 16),
        ("tabell-kolumnsumma", "error", "stod.summa[2]",
         "Kolumnen 'Stöd (kr)' summerar till 1\u00a0392\u00a0340\u00a0kr, men summan anges till "
         "1\u00a0392\u00a0000\u00a0kr.", 1392340, 1392000),
        ("tabell-kolumnsumma", "error", "stod.summa[4]",
         "Kolumnen 'Anställda' summerar till 6,5, men summan anges till 7.", Decimal("6.5"), 7),
    ]


def test_a_per_cent_column_is_not_summed() -> None:
    """A stated 99 % under shares that sum to 100 % is compared with nothing."""
    assert check(report_with(summa=["Summa", 15, 1392340, 99, 6.5])) == []


def test_a_sum_left_blank_is_not_checked() -> None:
    """Null in the sum row means no sum is stated for that column."""
    assert check(report_with(summa=[None, None, None, None, None])) == []


def test_a_table_without_rows_is_listed_to_fill_in() -> None:
    """No rows is a to-do item, and a stated sum is not compared with an empty column."""
    assert [(f.code, f.path, f.message) for f in check(report_with(rader=[]))] == [
        ("ej-ifyllt", "stod.rader", "Tabellen har inga rader."),
    ]


def test_the_context_has_the_cells_formatted_and_the_columns_sums() -> None:
    """Formatted rows and sum row, which columns hold figures, and the computed sums."""
    ctx = build_context(report_with())["stod"]
    assert (ctx["tabellrader"], ctx["summarad"], [k["tal"] for k in ctx["kolumner"]],
            ctx["summor"]) == (
        [["Vindeln", "12", "1\u00a0242\u00a0340", "49,7\u00a0%", "2,5"],
         ["Bjurholm", "3", "150\u00a0000", "50,3\u00a0%", "4"],
         ["Övriga", "", "", "", ""]],
        ["Summa", "15", "1\u00a0392\u00a0340", "100,0\u00a0%", "6,5"],
        [False, True, True, True, True],
        [None, 15, 1392340, None, Decimal("6.5")],
    )


def _table(data: bytes) -> etree._Element:
    root = etree.fromstring(parts(data)["word/document.xml"])
    tables = root.findall(f"{W}body/{W}tbl")
    assert len(tables) == 1
    return tables[0]


def test_the_table_renders_with_swedish_figures_and_a_bold_sum_row() -> None:
    """Heading, lead-in, caption, every row as formatted, then the text after the table."""
    text = outline(render_bytes(report_with(), charts=False))
    assert text[text.index("[Heading1] Stöd per kommun"):] == (
        "[Heading1] Stöd per kommun\n"
        "[Tabellingress] Stödet fördelades så här.\n"
        "[Caption] Tabell 1: Stöd per kommun\n"
        "| Kommun | Företag | Stöd (kr) | Andel | Anställda |\n"
        "| Vindeln | 12 | 1\u00a0242\u00a0340 | 49,7\u00a0% | 2,5 |\n"
        "| Bjurholm | 3 | 150\u00a0000 | 50,3\u00a0% | 4 |\n"
        "| Övriga |  |  |  |  |\n"
        "| Summa | 15 | 1\u00a0392\u00a0340 | 100,0\u00a0% | 6,5 |\n"
        "[Eftertabell]\n"
        "[BodyText] Vindeln fick mest.\n"
    )


def test_figure_columns_are_right_aligned_and_the_header_and_sum_row_bold() -> None:
    """Each cell's paragraph style: text or figure, plain or bold (header and sum row)."""
    table = _table(render_bytes(report_with(), charts=False))
    styles = [[p.get(f"{W}val") for p in tr.iter(f"{W}pStyle")] for tr in table.iter(f"{W}tr")]
    head = ["Tabellrubrik", *["Tabellrubriktal"] * 4]
    body = ["Tabelltext", *["Tabelltal"] * 4]
    assert styles == [head, body, body, body, head]


def test_grid_and_cells_have_the_same_widths_filling_the_text_width() -> None:
    """Word reads the cells' widths, LibreOffice the grid's: both agree and sum to 16 cm."""
    table = _table(render_bytes(report_with(), charts=False))
    grid = [int(str(c.get(f"{W}w"))) for c in table.iter(f"{W}gridCol")]
    cells = [[int(str(w.get(f"{W}w"))) for w in tr.iter(f"{W}tcW")]
             for tr in table.iter(f"{W}tr")]
    assert (sum(grid), cells, grid[0] > max(grid[1:])) == (9072, [grid] * 5, True)


def test_every_row_but_the_last_keeps_with_the_next() -> None:
    """A table that fits on a page is not split between pages."""
    table = _table(render_bytes(report_with(), charts=False))
    keeps = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p"))
             for tr in table.iter(f"{W}tr")]
    assert keeps == [True, True, True, True, False]


def test_text_that_looks_like_markup_is_printed_as_written() -> None:
    """'<', '&' and '{_{' in a cell reach the document unchanged."""
    rader = [["A & B <AB> {_{ x }_}", 1, 1, 1, 1]]
    text = outline(render_bytes(report_with(rader=rader, summa=None), charts=False))
    assert "| A & B <AB> {_{ x }_} | 1 | 1 | 1\u00a0% | 1 |\n" in text


ROW = "    rader:\n      - [Vindeln, 12, 1242340, 49.7, 2.5]\n"


def _yaml(rows: str, summa: str = "") -> str:
    return (
        "projekt:\n  namn: Prov\n  kortnamn: P\n  period: {fran: 2023, till: 2026}\n"
        "avsnitt:\n  - typ: tabell\n    id: stod\n    rubrik: Stöd\n    kolumner:\n"
        "      - {rubrik: Kommun}\n      - {rubrik: Företag, typ: antal}\n"
        "      - {rubrik: Stöd (kr), typ: kronor}\n      - {rubrik: Andel, typ: procent}\n"
        "      - {rubrik: Anställda, typ: anstallda}\n" + rows + summa)


@pytest.mark.parametrize(("rows", "summa", "problem"), [
    ("    rader:\n      - [Vindeln, 12, 1242340, 49.7]\n", "",
     ("stod.rader[0]", 16, "rad 1 ('Vindeln') har 4 celler, men tabellen har 5 kolumner "
      "(Kommun, Företag, Stöd (kr), Andel, Anställda)")),
    ("    rader:\n      - [Vindeln]\n", "",
     ("stod.rader[0]", 16, "rad 1 ('Vindeln') har 1 cell, men tabellen har 5 kolumner "
      "(Kommun, Företag, Stöd (kr), Andel, Anställda)")),
    ("    rader:\n      - [Vindeln, 12, 1242340, 49.7, 2.5, 3]\n", "",
     ("stod.rader[0]", 16, "rad 1 ('Vindeln') har 6 celler, men tabellen har 5 kolumner "
      "(Kommun, Företag, Stöd (kr), Andel, Anställda)")),
    ("    rader:\n      - [2023, 12, 1242340, 49.7, 2.5]\n", "",
     ("stod.rader[0][0]", 16, "rad 1, kolumnen 'Kommun' (text): ska vara text (sätt "
      "citattecken runt ett tal som ska stå som text) (fick 2023)")),
    ("    rader:\n      - [Vindeln, 12.5, 1242340, 49.7, 2.5]\n", "",
     ("stod.rader[0][1]", 16, "rad 1 ('Vindeln'), kolumnen 'Företag' (antal): ska vara ett "
      "antal: ett heltal, 0 eller mer (fick 12,5)")),
    ("    rader:\n      - [Vindeln, true, 1242340, 49.7, 2.5]\n", "",
     ("stod.rader[0][1]", 16, "rad 1 ('Vindeln'), kolumnen 'Företag' (antal): ska vara ett "
      "antal: ett heltal, 0 eller mer (fick true)")),
    ("    rader:\n      - [Vindeln, 12, en miljon, 49.7, 2.5]\n", "",
     ("stod.rader[0][2]", 16, "rad 1 ('Vindeln'), kolumnen 'Stöd (kr)' (kronor): ska vara ett "
      "belopp i hela kronor (en avvikelse får vara negativ) (fick 'en miljon')")),
    ("    rader:\n      - [Vindeln, 12, 1242340, 120, 2.5]\n", "",
     ("stod.rader[0][3]", 16, "rad 1 ('Vindeln'), kolumnen 'Andel' (procent): ska vara en "
      "procentsats från 0 till 100 (fick 120)")),
    ("    rader:\n      - [Vindeln, 12, 1242340, 49.7, 2.25]\n", "",
     ("stod.rader[0][4]", 16, "rad 1 ('Vindeln'), kolumnen 'Anställda' (anstallda): antalet "
      "anställda anges i hela eller halva tjänster (t.ex. 2 eller 2,5) (fick 2,25)")),
    ("    rader:\n      - [Vindeln, [1, 2], 1242340, 49.7, 2.5]\n", "",
     ("stod.rader[0][1]", 16, "rad 1 ('Vindeln'), kolumnen 'Företag' (antal): ska vara ett "
      "antal: ett heltal, 0 eller mer (fick en lista)")),
    (ROW, "    summa: [Summa, 12]\n",
     ("stod.summa", 17, "summaraden ('Summa') har 2 celler, men tabellen har 5 kolumner "
      "(Kommun, Företag, Stöd (kr), Andel, Anställda)")),
    (ROW, "    summa: [Summa, tolv, 1242340, 100, 2.5]\n",
     ("stod.summa[1]", 17, "summaraden ('Summa'), kolumnen 'Företag' (antal): ska vara ett "
      "antal: ett heltal, 0 eller mer (fick 'tolv')")),
])
def test_a_row_or_cell_that_does_not_fit_its_columns_is_refused_where_it_stands(
        tmp_path: Path, rows: str, summa: str, problem: tuple[str, int, str]) -> None:
    """Wrong length and every kind of wrong cell name the row, the column and the value."""
    path = tmp_path / "r.yaml"
    path.write_text(_yaml(rows, summa), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load(path)
    assert [(p.path, p.line, p.message) for p in raised.value.problems] == [problem]


def test_every_bad_cell_of_a_table_is_reported_at_once(tmp_path: Path) -> None:
    """Two bad rows give two problems, each on its own line."""
    path = tmp_path / "r.yaml"
    path.write_text(_yaml("    rader:\n      - [Vindeln, -1, 0, 0, 0]\n"
                          "      - [Bjurholm, 1, 1]\n"), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load(path)
    assert [(p.path, p.line) for p in raised.value.problems] == [
        ("stod.rader[0][1]", 16), ("stod.rader[1]", 17)]


def test_the_command_line_refuses_a_bad_cell_with_exit_code_2(tmp_path: Path) -> None:
    """`slutrapport check` prints the located Swedish problem and exits 2."""
    path = tmp_path / "r.yaml"
    path.write_text(_yaml("    rader:\n      - [Vindeln, tolv, 1242340, 49.7, 2.5]\n"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (
        2, f"Fel i indata: {path}:16: stod.rader[0][1]: rad 1 ('Vindeln'), kolumnen 'Företag' "
           "(antal): ska vara ett antal: ett heltal, 0 eller mer (fick 'tolv')\n")


def test_a_table_needs_at_least_one_column() -> None:
    """An empty column list is refused."""
    with pytest.raises(InputError) as raised:
        report_with(kolumner=[], rader=[], summa=None)
    assert [p.path for p in raised.value.problems] == ["stod.kolumner"]


def test_a_negative_amount_and_a_share_written_with_its_sign_are_cells_as_written() -> None:
    """A deviation of −12 000 kr and '33,3 %' are read as the figures they are."""
    from slutrapport.loader import from_data

    report = from_data({
        "projekt": {"namn": "T", "kortnamn": "T", "period": {"fran": "2023", "till": "2026"}},
        "avsnitt": [{"typ": "tabell", "id": "avvikelser", "rubrik": "Avvikelser",
                     "kolumner": [{"rubrik": "Post", "typ": "text"},
                                  {"rubrik": "Avvikelse (kr)", "typ": "kronor"},
                                  {"rubrik": "Andel", "typ": "procent"}],
                     "rader": [["Resor", "−12 000", "33,3 %"], ["Lokaler", 4000, "66,7%"]]}],
    })
    section = report.section("avvikelser")
    assert section is not None
    assert section.rader == [["Resor", -12000, Decimal("33.3")],  # type: ignore[attr-defined]
                             ["Lokaler", 4000, Decimal("66.7")]]
