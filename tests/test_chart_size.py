"""Charts at any size (issue 24, item 8): a chart never has more bars than a page can show, says
so (``diagram-urval``), and a Word chart's labels and fills are made point by point in linear
time — each point still gets its own label and fill, in order.

How long a chart of 5 000 categories takes is measured in benchmarks/run.py, not here.
"""

from __future__ import annotations

import copy
import io
from decimal import Decimal
from typing import Any

import openpyxl
from lxml import etree

import slutrapport
from slutrapport import wordcharts
from slutrapport.chartfacts import DARK, LIGHT, MAX_CATEGORIES, SINGLE, Bars, Series
from slutrapport.checks import check
from slutrapport.kinds.deltagarprogram import Deltagarprogram
from slutrapport.kinds.ekonomi import Ekonomi, Kostnadspost

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NBSP = "\u00a0"


def _nis() -> slutrapport.Slutrapport:
    return slutrapport.load(slutrapport.example_path())


def _with_costs(count: int) -> tuple[slutrapport.Slutrapport, Ekonomi]:
    """NIS 6.0 with ``count`` cost categories of 1 000, 1 001 … kr, the outcome their sum."""
    report = _nis()
    economy = report.section("ekonomi")
    assert isinstance(economy, Ekonomi)
    economy.kostnader = [Kostnadspost(kategori=f"Slag {i + 1}", belopp=1000 + i)
                         for i in range(count)]
    economy.utfall = sum(1000 + i for i in range(count))
    economy.summa_kostnader = None
    economy.under_budget = None
    return report, economy


def _urval(report: slutrapport.Slutrapport) -> list[tuple[str, str, str, Any, Any]]:
    return [(f.severity, f.path, f.message, f.expected, f.actual) for f in check(report)
            if f.code == "diagram-urval"]


def test_costs_up_to_the_limit_are_all_shown_in_their_order() -> None:
    """Thirty categories: thirty bars as the data has them, and no finding."""
    report, economy = _with_costs(MAX_CATEGORIES)
    bars = economy.chart_facts()["kostnader"]
    assert bars is not None
    assert (bars.title, bars.categories, bars.series[0].values, _urval(report)) == (
        "Kostnader per kostnadsslag", tuple(f"Slag {i + 1}" for i in range(30)),
        tuple(1000 + i for i in range(30)), [])


def test_more_costs_than_a_page_shows_become_the_largest_and_the_others() -> None:
    """Thirty-one categories: the 29 largest, largest first, and one bar for the other two;
    shares of the outcome (their sum); the title, the alt text and an info finding say so."""
    report, economy = _with_costs(31)
    bars = economy.chart_facts()["kostnader"]
    assert bars is not None
    total = sum(1000 + i for i in range(31))
    largest = [1000 + i for i in range(30, 1, -1)]
    shares = [f"({(Decimal(v) / total * 100).quantize(Decimal('0.1'))}{NBSP}%)".replace(".", ",")
              for v in [*largest, 2001]]
    assert (bars.title, bars.categories, bars.series[0].values, bars.series[0].notes) == (
        "Kostnader per kostnadsslag – de 29 största av 31, de övriga sammanlagda",
        (*(f"Slag {i + 1}" for i in range(30, 1, -1)), "Övriga (2 kostnadsslag)"),
        (*largest, 2001), tuple(shares))
    parts = [f"Slag {v - 999} 1{NBSP}{v - 1000:03d}{NBSP}kr {share}"
             for v, share in zip(largest, shares, strict=False)]
    parts.append(f"Övriga (2 kostnadsslag) 2{NBSP}001{NBSP}kr {shares[-1]}")
    assert bars.alt == (
        "Liggande stapeldiagram över de 29 största av 31 kostnadsslag, i fallande ordning, och "
        f"de övriga sammanlagda, i kronor och andel av utfallet 31{NBSP}465{NBSP}kr: "
        + ", ".join(parts[:-1]) + " och " + parts[-1] + ".")
    assert _urval(report) == [(
        "info", "ekonomi.kostnader",
        "Diagrammet över kostnaderna per kostnadsslag skulle få 31 staplar, fler än de 30 som går "
        "att läsa på en sida; det visar de 29 största kostnadsslagen och de övriga 2 sammanlagda "
        "i en stapel. Tabellen visar alla.", 30, 31)]


def test_the_word_chart_and_its_workbook_hold_the_selection() -> None:
    """5 000 categories: the Word chart has 30 categories and its workbook 30 rows."""
    report, _ = _with_costs(5000)
    chart = wordcharts.make_native_charts(report)["ekonomi"]["kostnader"]
    assert isinstance(chart, wordcharts.NativeChart)
    space = wordcharts.chart_xml(chart.bars)
    points = space.findall(f".//{{{C}}}cat//{{{C}}}pt")
    book = openpyxl.load_workbook(io.BytesIO(wordcharts.workbook(chart.bars)))
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert (len(points), points[-1].findtext(f"{{{C}}}v"), len(rows), rows[-1],
            chart.bildtext) == (
        30, "Övriga (4\u00a0971 kostnadsslag)", 31,
        ("Övriga (4\u00a0971 kostnadsslag)", sum(1000 + i for i in range(4971)),
         "(99,0\u00a0%)"),
        "Diagram 4: Kostnader per kostnadsslag – de 29 största av 5\u00a0000, de övriga "
        "sammanlagda")


def _programme(count: int) -> tuple[slutrapport.Slutrapport, Deltagarprogram]:
    report = slutrapport.load(slutrapport.example_path("nis70"))
    programme = next(s for s in report.avsnitt if isinstance(s, Deltagarprogram))
    row = programme.insatser[0]
    rows = []
    for i in range(count):
        added = copy.deepcopy(row)
        added.namn, added.kvinnor, added.man, added.totalt = f"Insats {i + 1}", i, 1, None
        rows.append(added)
    programme.insatser = rows
    for name in ("kvinnor", "man", "totalt", "tillfallen", "timmar"):
        if programme.summa is not None:
            setattr(programme.summa, name, None)
    programme.andel_kvinnor = programme.andel_man = None
    return report, programme


def test_a_programme_with_more_efforts_than_a_page_shows_gets_the_largest() -> None:
    """Forty efforts: the 29 with most participants and the others together, for women and
    men, and an info finding."""
    report, programme = _programme(40)
    bars = programme.chart_facts()["deltagare"]
    assert bars is not None
    women = [*range(39, 10, -1), sum(range(11))]
    assert (bars.title, bars.categories[0], bars.categories[-1], bars.series[0].values,
            bars.series[1].values) == (
        "Deltagare per insats efter kön – de 29 med flest deltagare av 40, de övriga "
        "sammanlagda", "Insats 40", "Övriga (11 insatser)", tuple(women), (*(1,) * 29, 11))
    assert _urval(report) == [(
        "info", f"{programme.name}.insatser",
        "Diagrammet över deltagarna per insats skulle få 40 insatser, fler än de 30 som går att "
        "läsa på en sida; det visar de 29 med flest deltagare och de övriga 11 sammanlagda i en "
        "stapel för kvinnor och en för män. Tabellen visar alla.", 30, 40)]


def test_a_company_chart_that_shows_a_selection_says_so() -> None:
    """Sixty-one companies: the employee chart's selection (the 30 that grew most) is an info."""
    report = _nis()
    programme = report.section("program_for_tillvaxt")
    effect = programme.effekt  # type: ignore[attr-defined]
    effect.foretag = [copy.deepcopy(effect.foretag[i % len(effect.foretag)]) for i in range(61)]
    assert _urval(report) == [(
        "info", "program_for_tillvaxt.effekt.foretag",
        "Diagrammet över anställda per företag skulle få 61 företag, fler än de 60 som går att "
        "läsa på en sida; det visar de 30 som ökade mest. Tabellen visar alla.", 60, 61)]


def _point_facts(space: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str, str, str]]]:
    """Each bar's own fill (idx, 'mönster' or its grey) and each label (idx, number format,
    position, size), in the order they stand in the chart."""
    fills = []
    for point in space.iterfind(f".//{{{C}}}ser/{{{C}}}dPt"):
        colour = point.find(f"{{{C}}}spPr/{{{A}}}solidFill/{{{A}}}srgbClr")
        pattern = point.find(f"{{{C}}}spPr/{{{A}}}pattFill")
        fills.append((int(point.find(f"{{{C}}}idx").get("val")),
                      colour.get("val") if colour is not None else
                      "mönster" if pattern is not None else "?"))
    labels = []
    for label in space.iterfind(f".//{{{C}}}dLbls/{{{C}}}dLbl"):
        labels.append((int(label.find(f"{{{C}}}idx").get("val")),
                       label.find(f"{{{C}}}numFmt").get("formatCode"),
                       label.find(f"{{{C}}}dLblPos").get("val"),
                       label.find(f".//{{{A}}}defRPr").get("sz")))
    return fills, labels


def test_every_point_keeps_its_own_fill_and_label_in_order() -> None:
    """2 000 bars with alternating fills, notes and every third unlabelled: a fill for each bar
    and a label for each labelled one, each with its own figure's format (the note read from
    its cell), in the points' order."""
    n = 2000
    values = tuple(Decimal(i) / 2 for i in range(n))
    fills = tuple(LIGHT if i % 2 else DARK for i in range(n))
    notes = tuple(f"({i} st)" for i in range(n))
    unlabelled = tuple(range(0, n, 3))
    series = Series("s", values, fills, notes=notes, unlabelled=unlabelled)
    bars = Bars("T", "alt", True, tuple(f"K{i}" for i in range(n)), (series,), "Antal", 16.0,
                22.0)
    space = wordcharts.chart_xml(bars)
    fill_of = {DARK: "595959", LIGHT: "mönster"}
    labelled = [i for i in range(n) if i % 3]
    size = str(int(bars.label_pt * 100))
    assert _point_facts(space) == (
        [(i, fill_of[fills[i]]) for i in range(n)],
        [(i, wordcharts.point_format(bars, series, i, cells=True), "outEnd", size)
         for i in labelled])
    assert etree.iselement(space)


def test_one_fill_for_all_bars_makes_no_point_of_its_own() -> None:
    """Bars of one grey are filled by the series: no per-point properties."""
    series = Series("s", (1, 2, 3), (SINGLE,) * 3)
    bars = Bars("T", "alt", True, ("a", "b", "c"), (series,), "Antal", 16.0, 8.0)
    assert _point_facts(wordcharts.chart_xml(bars))[0] == []
