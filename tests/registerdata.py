"""A small report with its registers, built in the tests (openpyxl for .xlsx), for the register
tests: the report checks clean, and its registers count exactly its figures."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

D = _dt.date

REPORT = """\
# Testrapport för registren.
projekt:
  namn: Testprojektet
  kortnamn: TP
  period: {fran: "2020", till: "2022"}
  kommuner: [Vännäs, Robertsfors]
  finansiarer: [Tillväxtverket, Region Västerbotten]
avsnitt:
  - typ: aktiviteter
    id: aktiviteter
    rubrik: Aktiviteterna
    omraden:
      - id: foretagsbesok
        rubrik: Uppsökande verksamhet hos företag.
        antal: 3
        text: "[3](tal:antal) företagsbesök."
      - rubrik: Mötesplatser
        antal: 2  # träffar
        text: Mötesplatser i kommunerna.
  - typ: horisontella_kriterier
    text: Alla [1 004](tal:deltagare.totalt), kvinnor [50,0 %](tal:deltagare.andel_kvinnor).
    deltagare: {kvinnor: 502, totalt: 1004, andel_kvinnor: 50.0}
  - typ: foretagsprogram
    id: program
    effekt:
      text: Ökningen var [1,5](tal:program.effekt.summa.okning) tjänster.
      foretag:
        - {namn: Alfa AB, anstallda_fore: 2.5, anstallda_efter: 4, okning: 1.5}
        - {namn: Beta AB, anstallda_fore: 3, anstallda_efter: 3}
      summa: {fore: 5.5, efter: 7, okning: 1.5}
      okning_procent: 27
  - typ: ekonomi
    budget: 1000000
    utfall: 150000
    under_budget: 850000
    kostnader:
      - {kategori: Personal, belopp: 100000}
      - {kategori: Externa tjänster, belopp: 50000}
    summa_kostnader: 150000
    finansiering:
      - {finansiar: Tillväxtverket, belopp: 100000}
      - {finansiar: Region Västerbotten, belopp: 50000}

# Registren som talen räknas från.
register:
  aktivitetslogg: logg.xlsx
  foretag: foretag.xlsx
  kostnader: huvudbok.csv
  finansiering: finansiering.xlsx
  omraden:
    motesplatser: Mötesplatser
"""
"""The report: its figures are what the registers below count."""

LOG_HEADER = ["Datum", "Område", "Kommun", "Aktivitet", "Kvinnor", "Män"]
LOG = [
    [D(2020, 3, 2), "foretagsbesok", "Vännäs", "Besök hos Alfa AB", 1, 0],
    [D(2020, 4, 6), "foretagsbesok", "Robertsfors", "Besök hos Beta AB", 0, 1],
    [D(2021, 5, 3), "Uppsökande verksamhet hos företag", "vannas", None, 1, 1],
    [D(2021, 6, 7), "motesplatser", "robertsfors", "Frukostmöte", 250, 250],
    [D(2022, 1, 17), "Mötesplatser", "Vännäs", "Näringslivsträff", 250, 250],
]
"""The activity log: 3 visits, 2 meeting places; 502 women and 502 men."""

COMPANY_HEADER = ["Namn", "Kommun", "Anställda före", "Anställda efter"]
COMPANIES = [["Alfa AB", "Vännäs", 2.5, 4], ["Beta AB", "Robertsfors", 3, 3]]

LEDGER_HEADER = ["Datum", "Verifikation", "Kategori", "Belopp"]
LEDGER = [
    ["2020-02-28", "V1", "Personal", "60 000,40"],
    ["2021-02-26", "V2", "Personal", "39 999,60"],
    ["2021-09-30", "V3", "Externa tjänster", "50 000,00"],
]
"""The ledger (.csv, as text): öre that sum to whole kronor per category."""

FINANCING_HEADER = ["Finansiär", "Belopp", "Datum"]
FINANCING = [["Tillväxtverket", 100000, D(2022, 12, 1)],
             ["Region Västerbotten", 50000, D(2022, 12, 1)]]


def write_xlsx(path: Path, sheet: str, rows: Sequence[Sequence[Any]], *,
               merged: Sequence[str] = ()) -> Path:
    """A workbook with one sheet holding the rows (None: an empty cell; '=…': a formula)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for area in merged:
        ws.merge_cells(area)
    book.save(path)
    return path


def csv_bytes(rows: Sequence[Sequence[Any]], *, delimiter: str = ";",
              encoding: str = "utf-8", bom: bool = False) -> bytes:
    """Rows as a .csv file's bytes; a cell holding the delimiter is quoted."""
    lines = []
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        lines.append(delimiter.join(f'"{c}"' if delimiter in c else c for c in cells))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def make(folder: Path, *, report: str = REPORT, log: Sequence[Sequence[Any]] | None = None,
         companies: Sequence[Sequence[Any]] | None = None,
         ledger: bytes | None = None,
         financing: Sequence[Sequence[Any]] | None = None) -> Path:
    """Write the report and its registers into folder (each register as given, else the
    default); return the report's path."""
    write_xlsx(folder / "logg.xlsx", "Logg", log if log is not None else [LOG_HEADER, *LOG])
    write_xlsx(folder / "foretag.xlsx", "Foretag",
               companies if companies is not None else [COMPANY_HEADER, *COMPANIES])
    (folder / "huvudbok.csv").write_bytes(
        ledger if ledger is not None else csv_bytes([LEDGER_HEADER, *LEDGER]))
    write_xlsx(folder / "finansiering.xlsx", "Finansiering",
               financing if financing is not None else [FINANCING_HEADER, *FINANCING])
    path = folder / "rapport.yaml"
    path.write_text(report, encoding="utf-8")
    return path
