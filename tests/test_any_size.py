"""Reports of any size: nothing at all, and thousands of rows, check and render the same way."""

from __future__ import annotations

import io
import time
from decimal import Decimal
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table

from slutrapport import check, from_data
from slutrapport.formatting import format_decimal, format_integer
from slutrapport.models import Foretagsprogram, Slutrapport
from slutrapport.rendering import render_bytes

COMPANIES, MUNICIPALITIES, CATEGORIES, GROUPS, AREAS_PER_GROUP, FINANCIERS = (
    2000, 200, 300, 10, 10, 50)
WRONG = 1234  # the one company whose stated increase is wrong


def empty_report() -> Slutrapport:
    """A report with every list empty and every figure 0."""
    return from_data({
        "projekt": {"namn": "Tomt projekt", "kortnamn": "T 0",
                    "period": {"fran": "2024", "till": "2025"}},
        "avsnitt": [
            {"typ": "foretagsprogram", "id": "program_for_tillvaxt", "foretag_slut": 0,
             "effekt": {"foretag": []}},
            {"typ": "indikatorer", "id": "resultat", "indikatorer": []},
            {"typ": "ekonomi", "budget": 0, "utfall": 0, "kostnader": [], "finansiering": []},
        ],
    })


def big_data() -> dict[str, Any]:
    """A report with thousands of rows whose sums agree, but for one company's increase."""
    companies = []
    for i in range(1, COMPANIES + 1):
        before = Decimal(i % 40) / 2
        after = before + Decimal(i % 3) / 2
        companies.append({"namn": f"Företag {i:04d} AB", "anstallda_fore": before,
                          "anstallda_efter": after,
                          "okning": after - before + (1 if i == WRONG else 0)})
    costs = [{"kategori": f"Kostnadsslag {i:03d}", "belopp": 1000 * i}
             for i in range(1, CATEGORIES + 1)]
    total = sum(c["belopp"] for c in costs)
    share, rest = divmod(total, FINANCIERS)
    financing = [{"finansiar": f"Finansiär {i:02d}", "belopp": share + (rest if i == 1 else 0)}
                 for i in range(1, FINANCIERS + 1)]
    municipalities = [f"Kommun {i:03d}" for i in range(1, MUNICIPALITIES + 1)]
    return {
        "projekt": {"namn": "Stort projekt", "kortnamn": "S 1",
                    "period": {"fran": "2020", "till": "2024"}, "kommuner": municipalities,
                    "finansiarer": [f["finansiar"] for f in financing]},
        "avsnitt": [
            *({"typ": "aktiviteter", "rubrik": f"Grupp {g}",
               "omraden": [{"rubrik": f"Område {g}.{a}", "antal": a,
                            "text": f"[{a}](tal:antal) aktiviteter."}
                           for a in range(1, AREAS_PER_GROUP + 1)]}
              for g in range(1, GROUPS + 1)),
            {"typ": "foretagsprogram", "id": "program_for_tillvaxt", "foretag_slut": COMPANIES,
             "effekt": {"foretag": companies}},
            {"typ": "kommuner",
             "kommuner": [{"namn": k, "text": f"Texten för {k}."} for k in municipalities]},
            {"typ": "ekonomi", "budget": total + 5, "utfall": total, "kostnader": costs,
             "finansiering": financing},
        ],
    }


def tables(doc: DocumentObject) -> dict[str, Table]:
    """The document's tables by the text of their first header cell."""
    return {t.rows[0].cells[0].text: t for t in doc.tables}


def texts(row: Any) -> list[str]:
    return [c.text for c in row.cells]


@pytest.fixture(scope="module")
def big() -> Slutrapport:
    return from_data(big_data())


def test_an_empty_report_checks_clean_and_renders_without_tables() -> None:
    """No companies, costs, financiers or indicators: only to-fill-in infos, no tables, no crash."""
    report = empty_report()
    doc = Document(io.BytesIO(render_bytes(report)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    to_fill = [(f.code, f.severity, f.path, f.message) for f in check(report)]
    assert (to_fill, len(doc.tables), headings) == (
        [("ej-ifyllt", "info", "ekonomi.budget", "Budgeten är 0 — inte ifyllt?"),
         ("ej-ifyllt", "info", "ekonomi.utfall", "Utfallet är 0 — inte ifyllt?"),
         ("ej-ifyllt", "info", "program_for_tillvaxt.effekt.foretag", "Företagstabellen är tom.")],
        0, ["Program för tillväxt", "Effekt", "Resultatet", "Ekonomi"])


def test_thousands_of_rows_check_with_exactly_the_one_error(big: Slutrapport) -> None:
    """Among 2 000 companies and 300 cost categories, only the one wrong increase is found (and
    that the charts show a selection of them)."""
    assert [(f.code, f.severity, f.path, f.message) for f in check(big)] == [
        ("foretag-okning", "error", f"program_for_tillvaxt.effekt.foretag[{WRONG - 1}].okning",
         f"Företag {WRONG:04d} AB: 17 → 17,5 anställda är en ökning med 0,5, men ökningen "
         "anges till 1,5."),
        ("diagram-urval", "info", "ekonomi.kostnader",
         "Diagrammet över kostnaderna per kostnadsslag skulle få 300 staplar, fler än de 30 som "
         "går att läsa på en sida; det visar de 29 största kostnadsslagen och de övriga 271 "
         "sammanlagda i en stapel. Tabellen visar alla."),
        ("diagram-urval", "info", "program_for_tillvaxt.effekt.foretag",
         "Diagrammet över anställda per företag skulle få 2\u00a0000 företag, fler än de 60 som "
         "går att läsa på en sida; det visar de 30 som ökade mest. Tabellen visar alla."),
    ]


def test_thousands_of_rows_render_every_row_and_the_totals(big: Slutrapport) -> None:
    """Every company, cost category and financier gets a row; first, last and sums are right."""
    started = time.perf_counter()
    doc = Document(io.BytesIO(render_bytes(big, charts=False)))
    elapsed = time.perf_counter() - started
    by_head = tables(doc)
    firms, costs, money = by_head["Företagsnamn"], by_head["Kostnadsslag"], by_head["Finansiär"]
    p = big.section("program_for_tillvaxt")
    assert isinstance(p, Foretagsprogram)
    fore = sum((f.anstallda_fore for f in p.effekt.foretag), Decimal(0))
    efter = sum((f.anstallda_efter for f in p.effekt.foretag), Decimal(0))
    total = sum(1000 * i for i in range(1, CATEGORIES + 1))
    municipality_headings = [x.text for x in doc.paragraphs
                             if x.style.name == "Heading 2" and x.text.startswith("KOMMUN ")]
    assert {
        "företag": (len(firms.rows), texts(firms.rows[1])[0], texts(firms.rows[-2])[0],
                    texts(firms.rows[-1])),
        "kostnader": (len(costs.rows), texts(costs.rows[1]), texts(costs.rows[-1])),
        "finansiering": (len(money.rows), texts(money.rows[-2])[0], texts(money.rows[-1])),
        "kommuner": (len(municipality_headings), municipality_headings[-1]),
        "områden": sum(1 for x in doc.paragraphs
                       if x.style.name == "Heading 2" and x.text.startswith("Område ")),
    } == {
        "företag": (1 + COMPANIES + 1, "Företag 0001 AB", f"Företag {COMPANIES:04d} AB",
                    ["Summa", format_decimal(fore, max_decimals=2),
                     format_decimal(efter, max_decimals=2),
                     format_decimal(efter - fore, max_decimals=2)]),
        "kostnader": (1 + CATEGORIES + 1, ["Kostnadsslag 001", format_integer(1000)],
                      ["Summa", format_integer(total)]),
        "finansiering": (1 + FINANCIERS + 1, f"Finansiär {FINANCIERS:02d}",
                         ["Summa", format_integer(total), "100\u00a0%"]),
        "kommuner": (MUNICIPALITIES, f"KOMMUN {MUNICIPALITIES:03d}"),
        "områden": GROUPS * AREAS_PER_GROUP,
    }
    assert elapsed < 20
