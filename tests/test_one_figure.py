"""One quantity, one figure: the outcome the data states is the one the document shows.

NIS 6.0's costs add up to 15 470 694 kr and its financing to 15 477 874 kr, but the report states
an outcome of 15 470 690 kr. The text, the budget chart, the costs chart's shares and alt text
show the stated outcome; the tables under it get no sum row that could differ, and neither of
the computed sums stands anywhere in the document (not in a chart's cached values, its workbook
or its alt text); ``check`` still reports both differences. A table whose rows add up to the
outcome keeps its sum row, showing the outcome (issue 19.2).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import slutrapport
from slutrapport.checks import check
from slutrapport.loader import from_data, read_yaml
from slutrapport.rendering import render_bytes
from tests.docxread import outline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def everything_shown(data: bytes) -> str:
    """What a reader can see of a .docx, one item a line: the outline (text and tables), each
    alt text, and each chart's cached values and label number formats."""
    lines = outline(data).splitlines()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        lines += [str(d) for d in body.xpath("//@descr")]
        for name in sorted(archive.namelist()):
            if name.startswith("word/charts/chart") and name.endswith(".xml"):
                chart = etree.fromstring(archive.read(name))
                lines += [v.text or "" for v in chart.iter(f"{C}v")]
                lines += [f.get("formatCode", "") for f in chart.iter(f"{C}numFmt")]
    return "\n".join(lines)


def written(amount: int) -> list[str]:
    """An amount as it may stand: digits alone, or grouped by a space or a no-break space."""
    grouped = f"{amount:,}"
    return [str(amount), grouped.replace(",", " "), grouped.replace(",", "\u00a0")]


def occurrences(shown: str, amount: int) -> int:
    """How often an amount stands in ``shown`` as a whole number (not part of a longer one)."""
    return sum(len(re.findall(rf"(?<!\d)(?<!\d[\u00a0 ]){re.escape(form)}(?![\u00a0 ]?\d)",
                              shown)) for form in set(written(amount)))


def sum_rows(data: bytes) -> list[str]:
    """The sum rows of the amount tables (two cells: "Summa" and an amount)."""
    return [line for line in outline(data).splitlines()
            if re.fullmatch(r"\| Summa \| [\d\u00a0]+ \|", line)]


@pytest.fixture(scope="module")
def nis() -> slutrapport.Slutrapport:
    return slutrapport.load(slutrapport.example_path())


def test_nis_shows_the_stated_outcome_and_never_a_computed_sum(
        nis: slutrapport.Slutrapport) -> None:
    """15 470 690 kr stands in the text, the chart and the alt texts; 15 470 694 and
    15 477 874 nowhere; the costs and financing tables have no sum row."""
    data = render_bytes(nis)
    shown = everything_shown(data)
    assert [occurrences(shown, n) for n in (15_470_694, 15_477_874)] == [0, 0]
    assert "Utfallet blev 15\u00a0470\u00a0690\u00a0kr det vill säga 1\u00a0242\u00a0340\u00a0kr" \
        " under budget." in shown
    assert "15470690" in shown.splitlines()  # the budget chart's cached outcome
    assert [line for line in shown.splitlines() if "andel av utfallet" in line] == [
        line for line in shown.splitlines()
        if "andel av utfallet 15\u00a0470\u00a0690\u00a0kr:" in line]
    assert sum_rows(data) == []


def test_check_still_reports_the_four_kronor_and_the_financing_s_surplus(
        nis: slutrapport.Slutrapport) -> None:
    """The rows that don't add up to the outcome remain check's findings."""
    found = [(f.code, f.severity, f.message) for f in check(nis)
             if f.code in ("kostnader-summa", "finansiering-summa")]
    assert found == [
        ("kostnader-summa", "error", "Kostnaderna summerar till 15\u00a0470\u00a0694\u00a0kr, "
         "men utfallet anges till 15\u00a0470\u00a0690\u00a0kr (skillnad 4\u00a0kr)."),
        ("finansiering-summa", "warning",
         "Finansieringen summerar till 15\u00a0477\u00a0874\u00a0kr, 7\u00a0184\u00a0kr över "
         "utfallet 15\u00a0470\u00a0690\u00a0kr. Finansieringen är markerad som preliminär "
         "(december 2022)."),
    ]


def _data(name: str) -> dict[str, Any]:
    raw, _ = read_yaml(FIXTURES / name)
    assert isinstance(raw, dict)
    raw.pop("register", None)
    return raw


def _economy(raw: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in raw["avsnitt"] if s["typ"] == "ekonomi")


@pytest.mark.parametrize("name", ["lappland20.yaml", "nis70.yaml"])
def test_tables_that_add_up_show_the_outcome_as_their_sum(name: str) -> None:
    """Where the rows add up to the outcome, both tables keep a sum row showing it."""
    raw = _data(name)
    outcome = _economy(raw)["utfall"]
    grouped = written(outcome)[2]
    assert sum_rows(render_bytes(from_data(raw), charts=False)) == [
        f"| Summa | {grouped} |", f"| Summa | {grouped} |"]


@pytest.mark.parametrize(("name", "table"), [("lappland20.yaml", "kostnader"),
                                             ("nis70.yaml", "finansiering"),
                                             ("nis70.yaml", "kostnader")])
def test_a_row_held_back_leaves_one_figure_for_the_outcome(name: str, table: str) -> None:
    """A row raised by 1 000 kr (a held-back mutation of an example): its table loses its sum
    row, the computed sum stands nowhere, the outcome is still in the text and check says so."""
    raw = copy.deepcopy(_data(name))
    economy = _economy(raw)
    economy[table][0]["belopp"] += 1000
    economy.pop("summa_kostnader" if table == "kostnader" else "summa_finansiering", None)
    outcome = economy["utfall"]
    report = from_data(raw)
    data = render_bytes(report)
    shown = everything_shown(data)
    assert occurrences(shown, outcome + 1000) == 0
    assert occurrences(shown, outcome) >= 2  # the text and the budget chart at least
    assert sum_rows(data) == [f"| Summa | {written(outcome)[2]} |"]  # the other table's
    code = "kostnader-summa" if table == "kostnader" else "finansiering-summa"
    assert [(f.code, f.expected, f.actual) for f in check(report) if f.code == code] == [
        (code, outcome, outcome + 1000)]
