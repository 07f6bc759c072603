"""The participant programme (deltagarprogram): its checks, computed figures, table and chart."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slutrapport.charts import draw
from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.context import build_context
from slutrapport.errors import InputError
from slutrapport.kinds.deltagarprogram import Deltagarprogram
from slutrapport.loader import from_data
from slutrapport.models import Slutrapport
from slutrapport.rendering import render_bytes
from tests.docxread import outline

PROGRAMME: dict[str, Any] = {
    "typ": "deltagarprogram",
    "rubrik": "Kompetenslyft",
    "period": {"fran": "2023-09", "till": "2026-04"},
    "insatser": [
        {"namn": "Digital marknadsföring", "kommun": "Vindeln", "tillfallen": 6, "timmar": 18,
         "kvinnor": 14, "man": 9, "totalt": 23},
        {"namn": "Ekonomistyrning", "kommun": "Bjurholm", "tillfallen": 5, "timmar": "12,5",
         "kvinnor": 8, "man": 6, "totalt": 14},
        {"namn": "Hållbarhet (digitalt)", "tillfallen": 4, "timmar": 8, "kvinnor": 21,
         "totalt": 38},
    ],
    "summa": {"tillfallen": 15, "timmar": 38.5, "kvinnor": 43, "man": 32, "totalt": 75},
    "andel_kvinnor": 57.3,
    "andel_man": 42.7,
}


def report_with(**changes: Any) -> Slutrapport:
    """A report of the programme above (changed as given) in a project of 2023–2026."""
    section = copy.deepcopy(PROGRAMME)
    section.update(changes)
    return from_data({
        "projekt": {"namn": "Prov", "kortnamn": "P", "period": {"fran": "2023", "till": "2026"},
                    "kommuner": ["Vindeln", "Bjurholm"]},
        "avsnitt": [section],
    })


def rows(**row_changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The programme's efforts with some rows changed: ``r2={"totalt": 20}``."""
    out: list[dict[str, Any]] = copy.deepcopy(PROGRAMME["insatser"])
    for key, change in row_changes.items():
        out[int(key[1:])].update(change)
    return out


def found(report: Slutrapport) -> list[tuple[Any, ...]]:
    return [(f.code, f.severity, f.path, f.message, f.expected, f.actual) for f in check(report)]


def test_a_consistent_programme_has_no_findings() -> None:
    """Rows, sums and shares that agree give no finding at all."""
    assert found(report_with()) == []


def test_shares_are_compared_at_the_precision_they_are_stated() -> None:
    """57 % and 43 % stated as whole per cents agree with 43 and 32 of 75."""
    assert found(report_with(andel_kvinnor=57, andel_man=43)) == []


def test_the_share_row_shows_one_precision_stated_or_computed() -> None:
    """A stated 57 % beside a computed share of men: both with one decimal (57,0 %, 42,7 %),
    not 57 % beside 42,7 %; the whole stays 100 %."""
    text = outline(render_bytes(report_with(andel_kvinnor=57, andel_man=None), charts=False))
    assert [line for line in text.splitlines() if line.startswith("| Andel")] == [
        "| Andel |  |  |  | 57,0\u00a0% | 42,7\u00a0% | 100\u00a0% |"]


def test_a_row_whose_women_and_men_differ_from_its_total_is_an_error() -> None:
    """14 + 9 ≠ 24 is an error on the row, and the total column no longer sums to 75."""
    assert found(report_with(insatser=rows(r0={"totalt": 24}))) == [
        ("deltagarprogram-rad", "error", "deltagarprogram.insatser[0].totalt",
         "Digital marknadsföring: 14 kvinnor + 9 män = 23, men totalt anges 24.", 23, 24),
        ("deltagarprogram-kolumnsumma", "error", "deltagarprogram.summa.totalt",
         "Kolumnen Totalt summerar till 76, men summan anges till 75.", 76, 75),
    ]


def test_a_row_total_below_its_women_is_an_error() -> None:
    """A total of 20 with 21 women leaves −1 men: the row and the men's and total columns err."""
    assert found(report_with(insatser=rows(r2={"totalt": 20}))) == [
        ("deltagarprogram-rad", "error", "deltagarprogram.insatser[2].totalt",
         "Hållbarhet (digitalt): totalt anges 20, färre än de 21 kvinnorna.", 21, 20),
        ("deltagarprogram-kolumnsumma", "error", "deltagarprogram.summa.man",
         "Kolumnen Män summerar till 14, men summan anges till 32.", 14, 32),
        ("deltagarprogram-kolumnsumma", "error", "deltagarprogram.summa.totalt",
         "Kolumnen Totalt summerar till 57, men summan anges till 75.", 57, 75),
    ]


def test_one_woman_or_one_man_is_said_in_the_singular() -> None:
    """'1 kvinna + 1 man = 2' and 'färre än 1 kvinna', not '1 kvinnor', '1 män', 'de 1
    kvinnorna'."""
    report = report_with(insatser=rows(r0={"kvinnor": 1, "man": 1, "totalt": 3},
                                       r2={"kvinnor": 1, "man": None, "totalt": 0}))
    assert [f[3] for f in found(report) if f[0] == "deltagarprogram-rad"] == [
        "Digital marknadsföring: 1 kvinna + 1 man = 2, men totalt anges 3.",
        "Hållbarhet (digitalt): totalt anges 0, färre än 1 kvinna."]


def test_a_stated_column_sum_that_differs_is_an_error() -> None:
    """Hours sum to 38,5 with the half hour; a stated 38 is an error with Swedish figures."""
    summa = {**PROGRAMME["summa"], "timmar": 38, "tillfallen": 16}
    assert found(report_with(summa=summa)) == [
        ("deltagarprogram-kolumnsumma", "error", "deltagarprogram.summa.tillfallen",
         "Kolumnen Tillfällen summerar till 15, men summan anges till 16.", 15, 16),
        ("deltagarprogram-kolumnsumma", "error", "deltagarprogram.summa.timmar",
         "Kolumnen Timmar summerar till 38,5, men summan anges till 38.", Decimal("38.5"), 38),
    ]


def test_a_stated_share_that_differs_is_an_error() -> None:
    """43 of 75 is 57,3 %; a stated 57,4 % is an error rounded like the stated figure."""
    assert found(report_with(andel_kvinnor=57.4)) == [
        ("deltagarprogram-andel", "error", "deltagarprogram.andel_kvinnor",
         "Andelen kvinnor anges till 57,4\u00a0%, men 43 av 75 är 57,3\u00a0%.",
         Decimal("57.3"), Decimal("57.4")),
    ]


def test_shares_are_checked_against_the_stated_sums() -> None:
    """With a (wrong) stated total of 80, the shares are checked against the 80 the table shows."""
    summa = {**PROGRAMME["summa"], "totalt": 80}
    assert [(f.code, f.path, f.message) for f in check(report_with(summa=summa))] == [
        ("deltagarprogram-andel", "deltagarprogram.andel_kvinnor",
         "Andelen kvinnor anges till 57,3\u00a0%, men 43 av 80 är 53,8\u00a0%."),
        ("deltagarprogram-andel", "deltagarprogram.andel_man",
         "Andelen män anges till 42,7\u00a0%, men 32 av 80 är 40,0\u00a0%."),
        ("deltagarprogram-kolumnsumma", "deltagarprogram.summa.totalt",
         "Kolumnen Totalt summerar till 75, men summan anges till 80."),
    ]


def test_an_effort_outside_the_projects_municipalities_or_period_is_a_warning() -> None:
    """An effort held in Umeå and a programme running into 2027 are warnings naming both lists."""
    report = report_with(insatser=rows(r0={"kommun": "Umeå"}),
                         period={"fran": "2023-09", "till": "2027-03"})
    assert [(f.code, f.severity, f.path, f.message) for f in check(report)] == [
        ("deltagarprogram-kommun", "warning", "deltagarprogram.insatser[0].kommun",
         "Digital marknadsföring hölls i Umeå, som inte står bland projektets kommuner "
         "(projekt.kommuner)."),
        ("period-utanfor", "warning", "deltagarprogram.period",
         "Programmets period september 2023–mars 2027 ligger utanför projektets period "
         "2023–2026 (projekt.period)."),
    ]


def test_an_empty_programme_is_listed_to_fill_in() -> None:
    """No efforts, or an effort with no participants, are to-do items, not errors."""
    empty = report_with(insatser=[], summa={}, andel_kvinnor=None, andel_man=None)
    assert [(f.code, f.path, f.message) for f in check(empty)] == [
        ("ej-ifyllt", "deltagarprogram.insatser", "Inga insatser är ifyllda."),
    ]
    nobody = report_with(insatser=[{"namn": "Kurs", "kvinnor": 0, "man": 0}], summa={},
                         andel_kvinnor=None, andel_man=None)
    assert [(f.code, f.path, f.message) for f in check(nobody)] == [
        ("ej-ifyllt", "deltagarprogram.insatser[0]", "Insatsen 'Kurs' har inga deltagare ifyllda."),
    ]


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"man": None, "totalt": None}, "deltagarprogram.insatser[1]",
     "ange minst två av kvinnor, man och totalt"),
    ({"timmar": -2}, "deltagarprogram.insatser[1].timmar", "får inte vara negativt (fick \u22122)"),
    ({"tillfallen": 2.5}, "deltagarprogram.insatser[1].tillfallen",
     "ska vara ett heltal, inte ett decimaltal (fick 2,5)"),
])
def test_an_effort_that_cannot_be_read_is_refused_where_it_stands(
        change: dict[str, Any], path: str, message: str) -> None:
    """An effort with women only, negative hours or half a session is an input error."""
    with pytest.raises(InputError) as raised:
        report_with(insatser=rows(r1=change))
    assert [(p.path, p.message) for p in raised.value.problems] == [(path, message)]


def test_the_command_line_refuses_an_effort_without_men_or_total(tmp_path: Path) -> None:
    """`slutrapport check` names the file, the line and the effort, and exits 2."""
    data = tmp_path / "r.yaml"
    data.write_text(
        "projekt:\n  namn: Prov\n  kortnamn: P\n  period: {fran: 2023, till: 2026}\n"
        "avsnitt:\n  - typ: deltagarprogram\n    insatser:\n"
        "      - namn: Kurs\n        kvinnor: 4\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(data)])
    assert (result.exit_code, result.output) == (
        2, f"Fel i indata: {data}:8: deltagarprogram.insatser[0]: ange minst två av kvinnor, man "
           "och totalt\n")


def test_the_context_fills_in_men_totals_sums_and_shares_left_out() -> None:
    """Men and totals per row, the sum row and the shares are computed where the data is silent."""
    report = report_with(summa={}, andel_kvinnor=None, andel_man=None)
    ctx = build_context(report)["deltagarprogram"]
    assert (
        [(r["man"], r["totalt"]) for r in ctx["insatser"]],
        ctx["summa"],
        (ctx["andel_kvinnor"], ctx["andel_man"], ctx["med_kommun"]),
    ) == (
        [(9, 23), (6, 14), (17, 38)],
        {"tillfallen": 15, "timmar": Decimal("38.5"), "kvinnor": 43, "man": 32, "totalt": 75},
        (Decimal("57.3"), Decimal("42.7"), True),
    )


def test_the_table_shows_every_effort_the_sums_and_shares_in_swedish() -> None:
    """Heading, caption with the period, one row per effort, the sum row and the share row."""
    text = outline(render_bytes(report_with(), charts=False))
    assert text[text.index("[Heading1] Kompetenslyft"):] == (
        "[Heading1] Kompetenslyft\n"
        "[Caption] Tabell 1: Deltagare per insats, september 2023–april 2026\n"
        "| Insats | Kommun | Tillfällen | Timmar | Kvinnor | Män | Totalt |\n"
        "| Digital marknadsföring | Vindeln | 6 | 18 | 14 | 9 | 23 |\n"
        "| Ekonomistyrning | Bjurholm | 5 | 12,5 | 8 | 6 | 14 |\n"
        "| Hållbarhet (digitalt) |  | 4 | 8 | 21 | 17 | 38 |\n"
        "| Summa |  | 15 | 38,5 | 43 | 32 | 75 |\n"
        "| Andel |  |  |  | 57,3\u00a0% | 42,7\u00a0% | 100\u00a0% |\n"
        "[Eftertabell]\n"
    )


def test_the_municipality_column_is_left_out_when_no_effort_names_one() -> None:
    """Without a municipality on any row the table has six columns; blank figures stay blank."""
    plain = [{"namn": "Kurs A", "kvinnor": 3, "man": 2}, {"namn": "Kurs B", "kvinnor": 1,
                                                         "totalt": 1, "timmar": 2}]
    report = report_with(insatser=plain, summa={}, andel_kvinnor=None, andel_man=None,
                         period=None)
    text = outline(render_bytes(report, charts=False))
    assert text[text.index("[Caption]"):] == (
        "[Caption] Tabell 1: Deltagare per insats\n"
        "| Insats | Tillfällen | Timmar | Kvinnor | Män | Totalt |\n"
        "| Kurs A |  |  | 3 | 2 | 5 |\n"
        "| Kurs B |  | 2 | 1 | 0 | 1 |\n"
        "| Summa |  | 2 | 4 | 2 | 6 |\n"
        "| Andel |  |  | 66,7\u00a0% | 33,3\u00a0% | 100\u00a0% |\n"
        "[Eftertabell]\n"
    )


def test_the_chart_shows_women_and_men_per_effort_in_its_alt_text() -> None:
    """The chart's title and alt text name every effort with its women and men."""
    section = report_with().avsnitt[0]
    assert isinstance(section, Deltagarprogram)
    drawn = section.chart_facts()["deltagare"]
    assert drawn is not None
    assert (drawn.title, drawn.alt, draw(drawn)[:8], drawn.width_cm) == (
        "Deltagare per insats efter kön",
        "Liggande stapeldiagram över deltagarna per insats efter kön: Digital marknadsföring "
        "14 kvinnor och 9 män, Ekonomistyrning 8 kvinnor och 6 män och Hållbarhet (digitalt) "
        "21 kvinnor och 17 män. Totalt 43 kvinnor och 32 män.",
        b"\x89PNG\r\n\x1a\n", 16.0,
    )


def test_efforts_of_the_same_name_are_told_apart_by_municipality_in_the_chart() -> None:
    """Two 'Digital marknadsföring' rows are labelled with their municipalities."""
    twice = rows(r1={"namn": "Digital marknadsföring"})
    section = report_with(insatser=twice).avsnitt[0]
    assert isinstance(section, Deltagarprogram)
    drawn = section.chart_facts()["deltagare"]
    assert drawn is not None
    assert drawn.alt.split(": ", 1)[1].split(" och Hållbarhet")[0] == (
        "Digital marknadsföring (Vindeln) 14 kvinnor och 9 män, Digital marknadsföring "
        "(Bjurholm) 8 kvinnor och 6 män")


def test_no_chart_is_drawn_without_efforts() -> None:
    """A programme with no efforts has no chart to offer."""
    report = report_with(insatser=[], summa={}, andel_kvinnor=None, andel_man=None)
    assert report.avsnitt[0].chart_facts() == {}
