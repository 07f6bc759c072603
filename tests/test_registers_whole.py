"""A 2021–2027 report whose registers count the whole of it (issue 21): a participant programme
effort by effort, the horizontal principles' unique persons, the company table by organisation
number, indicators counted from the registers — with the usual slips, each reported once with
its rows — and `fill` that leaves only what no register holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from slutrapport import load
from slutrapport.checks import check
from slutrapport.cli import main
from tests.registerdata import D, csv_bytes, write_xlsx

REPORT = """\
projekt:
  namn: Företagslyftet
  kortnamn: FL
  period: {fran: "2023", till: "2025"}
  kommuner: [Skellefteå, Norsjö, Malå]
  finansiarer: [Tillväxtverket]
avsnitt:
  - typ: aktiviteter
    id: aktiviteter
    rubrik: Aktiviteter
    omraden:
      - id: foretagsbesok
        rubrik: Företagsbesök
        antal: 0
        text: "[0](tal:antal) besök."
  - typ: deltagarprogram
    id: kompetenslyft
    rubrik: Kompetenslyftet
    text: Programmet nådde [0](tal:kompetenslyft.summa.totalt) deltagare.
    insatser:
      - {namn: Digital marknadsföring, tillfallen: 0, timmar: 0, kvinnor: 0, man: 0}  # först
    summa: {tillfallen: 0, timmar: 0, kvinnor: 0, man: 0}
  - typ: foretagsprogram
    id: program
    effekt:
      foretag:
        - {namn: Alfa AB, anstallda_fore: 0, anstallda_efter: 0}  # från ansökan
        - {namn: Omega AB, anstallda_fore: 2, anstallda_efter: 2}
      summa: {fore: 2, efter: 2}
  - typ: indikatorer
    id: resultat
    rubrik: Resultat
    indikatorer:
      - namn: Företag som får stöd
        slag: aktivitetsindikator
        kod: RCO01
        utfall: 0
        malvarde: 3
        kalla: register.foretag
      - namn: Deltagare i kompetenslyftet
        slag: resultatindikator
        kod: RCR98
        utfall: 0
        malvarde: 6
        kalla: register.deltagare.kompetenslyft
  - typ: horisontella_principer
    id: principer
    rubrik: Horisontella principer
    principer:
      - namn: Jämställdhet mellan kvinnor och män
        text: Vi räknade deltagarna.
    deltagare: {kvinnor: 0, man: 0, totalt: 0}
register:
  aktivitetslogg: logg.xlsx
  deltagare: deltagare.xlsx
  foretag: foretag.xlsx
"""
"""A new report as `new` leaves it, its figures 0: the registers are to count them."""

LOG = [["Datum", "Område", "Kommun", "Företag", "Aktivitet", "Kvinnor", "Män"],
       [D(2023, 3, 1), "foretagsbesok", "Skellefteå", "Alfa AB", "Besök", 1, 0],
       [D(2023, 3, 1), "foretagsbesok", "Skellefteå", "Beta AB", "Besök", 1, 0],
       [D(2024, 5, 2), "foretagsbesok", "Norsjö", "Gamma AB", "Besök", 0, 1]]
"""Three visits: two on one day to different companies, which is no duplicate."""

PARTICIPANTS = [
    ["Person", "Kön", "Datum", "Område", "Kommun", "Insats", "Timmar"],
    ["p1", "kvinna", D(2023, 9, 1), "kompetenslyft", "Skellefteå", "Digital marknadsföring", 3],
    ["p2", "man", D(2023, 9, 1), "kompetenslyft", "Skellefteå", "Digital marknadsföring", 3],
    ["p1", "kvinna", D(2023, 9, 8), "kompetenslyft", "Skellefteå", "Digital marknadsföring",
     2.5],
    ["p3", "kvinna", D(2024, 2, 1), "kompetenslyft", "Malå", "Ledarskap", 4],
    ["p4", "man", D(2024, 2, 1), "kompetenslyft", "Malå", "Ledarskap", 4],
    ["p5", "kvinna", D(2024, 2, 1), "kompetenslyft", "Malå", "Ledarskap", 4],
]
"""Two efforts: Digital marknadsföring (2 occasions, 5,5 hours, 1 woman, 1 man) and Ledarskap,
which the report lacks (1 occasion, 4 hours, 2 women, 1 man)."""

COMPANIES = [["Namn", "Org.nr", "Kommun", "Anställda före", "Anställda efter"],
             ["Alfa AB", "556677-8899", "Skellefteå", 4, 6],
             ["Beta AB", "5590123450", "Skellefteå", 2, 3],
             ["Gamma AB", "556123-4567", "Norsjö", 10, 12]]
"""Three companies with valid organisation numbers (one written without the hyphen)."""


def make(folder: Path, *, report: str = REPORT, log: list[list[Any]] | None = None,
         participants: list[list[Any]] | None = None,
         companies: list[list[Any]] | None = None) -> Path:
    """The report and its three registers in folder; the report's path."""
    write_xlsx(folder / "logg.xlsx", "Logg", LOG if log is None else log)
    write_xlsx(folder / "deltagare.xlsx", "Deltagare",
               PARTICIPANTS if participants is None else participants)
    write_xlsx(folder / "foretag.xlsx", "Foretag", COMPANIES if companies is None else companies)
    path = folder / "rapport.yaml"
    path.write_text(report, encoding="utf-8")
    return path


def register_findings(path: Path) -> list[tuple[str, str, str, str]]:
    """check's register findings (not the rows-read infos): severity, code, place, message."""
    return [(f.severity, f.code, f.path, f.message.replace("\u00a0", " "))
            for f in check(load(path))
            if f.code.startswith("register-") and f.code != "register-rader"]


def test_fill_counts_every_participant_company_and_indicator_figure(tmp_path: Path) -> None:
    """fill writes the visits, the programme effort by effort (adding the effort the report
    lacks), the horizontal principles' unique persons, the company table (figures, the
    organisation numbers, the company only the register has, the report's row kept and named)
    and the indicators counted from the registers; check then finds the registers agree."""
    path = make(tmp_path)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == REPORT.replace(
        '        antal: 0\n        text: "[0](tal:antal) besök."',
        '        antal: 3\n        text: "[3](tal:antal) besök."',
    ).replace(
        "Programmet nådde [0](tal:kompetenslyft.summa.totalt)",
        "Programmet nådde [5](tal:kompetenslyft.summa.totalt)",
    ).replace(
        "      - {namn: Digital marknadsföring, tillfallen: 0, timmar: 0, kvinnor: 0, man: 0}"
        "  # först\n",
        "      - {namn: Digital marknadsföring, tillfallen: 2, timmar: 5.5, kvinnor: 1, man: 1}"
        "  # först\n"
        "      - {namn: Ledarskap, kommun: Malå, tillfallen: 1, timmar: 4, kvinnor: 2, man: 1}\n",
    ).replace(
        "    summa: {tillfallen: 0, timmar: 0, kvinnor: 0, man: 0}",
        "    summa: {tillfallen: 3, timmar: 9.5, kvinnor: 3, man: 2}",
    ).replace(
        "        - {namn: Alfa AB, anstallda_fore: 0, anstallda_efter: 0}  # från ansökan\n"
        "        - {namn: Omega AB, anstallda_fore: 2, anstallda_efter: 2}\n"
        "      summa: {fore: 2, efter: 2}",
        "        - {namn: Alfa AB, anstallda_fore: 4, anstallda_efter: 6, organisationsnummer: "
        "556677-8899}  # från ansökan\n"
        "        - {namn: Omega AB, anstallda_fore: 2, anstallda_efter: 2}\n"
        "        - {namn: Beta AB, organisationsnummer: 559012-3450, anstallda_fore: 2, "
        "anstallda_efter: 3}\n"
        "        - {namn: Gamma AB, organisationsnummer: 556123-4567, anstallda_fore: 10, "
        "anstallda_efter: 12}\n"
        "      summa: {fore: 18, efter: 23}",
    ).replace(
        "        kod: RCO01\n        utfall: 0", "        kod: RCO01\n        utfall: 3",
    ).replace(
        "        kod: RCR98\n        utfall: 0", "        kod: RCR98\n        utfall: 5",
    ).replace(
        "    deltagare: {kvinnor: 0, man: 0, totalt: 0}",
        "    deltagare: {kvinnor: 3, man: 2, totalt: 5}",
    )
    assert register_findings(path) == [
        ("error", "register-foretag", "program.effekt.foretag[1].namn",
         "Omega AB står i företagstabellen men inte i företagsregistret (blad Foretag, "
         "rad 2–4)."),
    ]


def test_fill_leaves_only_the_row_only_the_report_has(tmp_path: Path) -> None:
    """What fill leaves to the user is named, with why: the company only the report has (it is
    never removed)."""
    path = make(tmp_path)
    result = CliRunner().invoke(main, ["fill", str(path), "--dry-run"])
    left = result.output.split("Lämnas åt dig:\n", 1)[1].split("Inget skrevs")[0]
    assert left == (
        "  program.effekt.foretag[1].namn: Omega AB står i företagstabellen men inte i "
        "företagsregistret (blad Foretag, rad 2–4).\n")


def test_a_wrong_organisation_number_is_one_error_naming_its_row(tmp_path: Path) -> None:
    """An organisation number whose check digit is wrong is an error on its row; the row is not
    counted."""
    companies = [*COMPANIES[:2], ["Beta AB", "559012-3451", "Skellefteå", 2, 3], COMPANIES[3]]
    path = make(tmp_path, companies=companies)
    assert [f for f in register_findings(path) if f[1] == "register-varde"] == [(
        "error", "register-varde", "register.foretag",
        "foretag.xlsx, blad Foretag, rad 3, kolumn B (Org.nr): organisationsnumret 559012-3451 "
        "stämmer inte: kontrollsiffran (den sista) ska vara 0; kontrollera numret. Raden "
        "räknades inte.")]


def test_one_unknown_area_on_many_rows_is_one_finding_with_its_rows(tmp_path: Path) -> None:
    """An area the report lacks on every row is one error with the count and the rows, with a
    suggestion that names what to write."""
    participants = [PARTICIPANTS[0],
                    *[[f"p{i}", "kvinna", D(2023, 9, 1), "energilyftet", "Skellefteå",
                       "Digital marknadsföring", 3] for i in range(40)]]
    path = make(tmp_path, participants=participants)
    assert [f for f in register_findings(path) if f[1] == "register-okant"] == [
        ("error", "register-okant", "register.deltagare",
         "deltagare.xlsx, blad Deltagare, kolumn D (Område): Aktivitetsområdet "
         "'energilyftet' finns inte i rapporten: 40 rader (rad 2–41); närmast: "
         "kompetenslyft (Kompetenslyftet). Raderna räknades inte "
         "(register.etiketter.omrade kan ge registrets egna benämningar)."),
    ]


def test_a_duplicate_company_row_is_a_warning_naming_both_rows(tmp_path: Path) -> None:
    """The same organisation number twice is a warning naming both rows; the company counts
    once. A row marked Ej dubblett is not reported."""
    companies = [*COMPANIES, ["Alfa Aktiebolag", "556677-8899", "Skellefteå", 4, 6]]
    path = make(tmp_path, companies=companies)
    assert [f for f in register_findings(path) if f[1] == "register-dubblett"] == [
        ("warning", "register-dubblett", "register.foretag",
         "foretag.xlsx, blad Foretag, rad 5: troligen en dubblett av rad 2 (samma "
         "organisationsnummer); bara den första räknas. Är det inte samma, skriv något i "
         "kolumnen Ej dubblett på den senare raden (eller ange den under "
         "register.ej_dubbletter.foretag)."),
    ]
    marked = [[*COMPANIES[0], "Ej dubblett"], *[[*r, None] for r in COMPANIES[1:]],
              ["Alfa Aktiebolag", "556677-8899", "Skellefteå", 4, 6, "ja"]]
    path = make(tmp_path, companies=marked)
    assert [f for f in register_findings(path) if f[1] == "register-dubblett"] == []


def test_a_ledger_row_booked_twice_is_a_warning(tmp_path: Path) -> None:
    """A verification copied in the ledger (same number, category and amount) is a likely
    duplicate naming both rows; listing the row under register.ej_dubbletter silences it."""
    report = REPORT.replace(
        "register:\n",
        "  - typ: ekonomi\n    budget: 100000\n    utfall: 83396\n    kostnader:\n"
        "      - {kategori: Resor och logi, belopp: 83396}\n"
        "    finansiering:\n      - {finansiar: Tillväxtverket, belopp: 83396}\n"
        "register:\n  kostnader: huvudbok.csv\n")
    (tmp_path / "huvudbok.csv").write_bytes(csv_bytes([
        ["Datum", "Verifikation", "Kategori", "Belopp"],
        ["2023-04-01", "V00101", "Resor och logi", "41 698"],
        ["2023-04-01", "V00101", "Resor och logi", "41 698"]]))
    path = make(tmp_path, report=report)
    assert [f for f in register_findings(path) if f[1] == "register-dubblett"] == [
        ("warning", "register-dubblett", "register.kostnader",
         "huvudbok.csv, rad 3: troligen en dubblett av rad 2 (samma verifikation, kostnadsslag "
         "och belopp); raden räknas. Är det inte samma, skriv något i kolumnen Ej dubblett på "
         "den senare raden (eller ange den under register.ej_dubbletter.kostnader)."),
    ]
    path.write_text(report.replace("  kostnader: huvudbok.csv\n",
                                   "  kostnader: huvudbok.csv\n  ej_dubbletter: "
                                   "{kostnader: [3]}\n"), encoding="utf-8")
    assert [f for f in register_findings(path) if f[1] == "register-dubblett"] == []


def test_an_indicator_left_stale_is_updated_whatever_changed_its_source(
        tmp_path: Path) -> None:
    """An indicator whose kalla is a path in the data gets the figure there whenever the two
    differ, though fill did not change that figure."""
    report = REPORT.replace(
        "        kalla: register.deltagare.kompetenslyft\n",
        "        kalla: register.deltagare.kompetenslyft\n"
        "      - {namn: Anställda, slag: resultatindikator, kod: RCR01, utfall: 0, "
        "kalla: program.effekt.summa.fore}\n")
    path = make(tmp_path, report=report)
    CliRunner().invoke(main, ["fill", str(path)])
    assert "kod: RCR01, utfall: 18, kalla: program.effekt.summa.fore}" in \
        path.read_text(encoding="utf-8")


def test_a_register_read_that_counts_nothing_is_said(tmp_path: Path) -> None:
    """A participant register beside a report with no programme, horizontal participants or
    indicator to count is an info naming it and what it could count."""
    programme = REPORT[REPORT.index("  - typ: deltagarprogram"):
                       REPORT.index("  - typ: foretagsprogram")]
    indicator = REPORT[REPORT.index("      - namn: Deltagare i kompetenslyftet"):
                       REPORT.index("  - typ: horisontella_principer")]
    report = REPORT.replace(programme, "").replace(indicator, "").replace(
        "    deltagare: {kvinnor: 0, man: 0, totalt: 0}\n", "")
    path = make(tmp_path, report=report,
                participants=[PARTICIPANTS[0], ["p1", "kvinna", D(2023, 9, 1), "foretagsbesok",
                                                "Skellefteå", None, None]])
    assert [f for f in register_findings(path) if f[1] == "register-oanvant"] == [
        ("info", "register-oanvant", "register.deltagare",
         "Deltagarregistret (deltagare.xlsx) räknar inget tal i rapporten: det räknar "
         "deltagarprogram (rader vars område är programmets id), deltagarna i ett horisontellt "
         "avsnitt räknade som unika personer och indikatorer med kalla: register.deltagare, och "
         "rapporten har inget sådant."),
    ]


def _sections() -> str:
    """The sections a user writes into the new report: REPORT's, and an economy section."""
    body = REPORT.split("avsnitt:\n", 1)[1].split("register:\n", 1)[0]
    return ("avsnitt:\n" + body
            + "  - typ: ekonomi\n    id: ekonomi\n    budget: 200000\n    utfall: 0\n"
            "    kostnader:\n      - {kategori: Personal, belopp: 0}\n"
            "      - {kategori: Resor och logi, belopp: 0}\n"
            "    finansiering:\n      - {finansiar: Tillväxtverket, belopp: 100000}\n\n")


def _append(book: Path, rows: list[list[Any]]) -> None:
    """Rows typed into a register that `new --registers` made (its lists sheet kept)."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    wb.save(book)


def test_a_new_report_made_with_new_registers_is_filled_and_each_slip_reported_once(
        tmp_path: Path, monkeypatch: Any) -> None:
    """`new --registers register -o rapport.yaml`, the sections written and the registers kept
    with the usual slips (a programme's name as its area on 30 rows, a municipality misspelt
    on two, a cost category written 'Resa', a verification booked twice, a wrong organisation
    number): check reports each slip once with its rows and a suggestion of what to write;
    `fill --force` writes every participant, company and indicator figure the rows that can be
    counted give (Beta AB, whose rows have slips, is not among the companies supported)."""
    import re

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["new", "--registers", "register", "-o", "rapport.yaml"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "rapport.yaml"
    text = path.read_text(encoding="utf-8")
    year = int(re.search(r'fran: "(\d{4})"', text).group(1))  # type: ignore[union-attr]
    text = text.replace("    - …  # TODO: fyll i kommunens namn, eller ta bort raden\n",
                        "    - Skellefteå\n    - Norsjö\n    - Malå\n")
    head, tail = text.split("avsnitt:\n", 1)
    text = head + _sections() + "register:\n" + tail.split("\nregister:\n", 1)[1]
    path.write_text(text, encoding="utf-8")
    first = D(year, 3, 2)
    _append(tmp_path / "register" / "aktivitetslogg.xlsx", [
        [first, "foretagsbesok", "Skellefteå", "Besök", "Alfa AB", 1, 0],
        [first, "foretagsbesok", "Skelleftå", "Besök", "Beta AB", 1, 0],
        [D(year, 3, 3), "foretagsbesok", "Skelleftå", "Besök", "Gamma AB", 0, 1]])
    _append(tmp_path / "register" / "deltagare.xlsx", [
        *[[f"p{i}", "kvinna" if i % 2 else "man", D(year, 9, 1), "kompetenslyft",
           "Skellefteå", "Digital marknadsföring", 3] for i in range(4)],
        *[[f"q{i}", "kvinna", D(year, 9, 2), "Energilyftet", "Malå", "Ledarskap", 2]
          for i in range(30)]])
    _append(tmp_path / "register" / "foretag.xlsx", [
        ["Alfa AB", "556677-8899", "Skellefteå", 4, 6],
        ["Beta AB", "559012-3451", "Skellefteå", 2, 3],
        ["Gamma AB", "556123-4567", "Norsjö", 10, 12]])
    _append(tmp_path / "register" / "huvudbok.xlsx", [
        [first, "V00100", "Personal", 50000],
        [first, "V00101", "Resor och logi", 41698],
        [first, "V00101", "Resor och logi", 41698],
        [D(year, 4, 1), "V00102", "Resa", 1200],
        [D(year, 4, 2), "V00103", "Resa", 800]])
    _append(tmp_path / "register" / "finansiering.xlsx", [["Tillväxtverket", 100000, first]])
    slips = [(f.severity, f.code, f.message, f.actual) for f in check(load(path))
             if f.code in ("register-okant", "register-varde", "register-dubblett")]
    assert slips == [
        ("error", "register-okant",
         "aktivitetslogg.xlsx, blad Logg, kolumn C (Kommun): Kommunen 'Skelleftå' finns inte i "
         "rapporten: 2 rader (rad 3–4); närmast: Skellefteå. Raderna räknades inte "
         "(register.etiketter.kommun kan ge registrets egna benämningar).", (3, 4)),
        ("error", "register-okant",
         "deltagare.xlsx, blad Deltagare, kolumn D (Område): Aktivitetsområdet 'Energilyftet' "
         "finns inte i rapporten: 30 rader (rad 6–35); närmast: kompetenslyft "
         "(Kompetenslyftet). Raderna räknades inte (register.etiketter.omrade kan ge "
         "registrets egna benämningar).", tuple(range(6, 36))),
        ("error", "register-varde",
         "foretag.xlsx, blad Foretag, rad 3, kolumn B (Organisationsnummer): organisationsnumret "
         "559012-3451 stämmer inte: kontrollsiffran (den sista) ska vara 0; kontrollera numret. "
         "Raden räknades inte.", (3,)),
        ("error", "register-okant",
         "huvudbok.xlsx, blad Huvudbok, kolumn C (Kategori): Kostnadsslaget 'Resa' finns inte i "
         "rapporten: 2 rader (rad 5–6); närmast: Resor och logi. Raderna räknades inte "
         "(register.etiketter.kategori kan ge registrets egna benämningar).", (5, 6)),
        ("warning", "register-dubblett",
         "huvudbok.xlsx, blad Huvudbok, rad 4: troligen en dubblett av rad 3 (samma "
         "verifikation, kostnadsslag och belopp); raden räknas. Är det inte samma, skriv något i "
         "kolumnen Ej dubblett på den senare raden (eller ange den under "
         "register.ej_dubbletter.kostnader).", (3, 4)),
    ]
    result = CliRunner().invoke(main, ["fill", "--force", str(path)])
    assert result.exit_code == 0, result.output
    filled = load(path)
    sections = {s.name: s for s in filled.avsnitt}
    programme = sections["kompetenslyft"]
    companies = sections["program"].effekt.foretag  # type: ignore[attr-defined]
    indicators = sections["resultat"].indikatorer  # type: ignore[attr-defined]
    assert (
        [(i.namn, i.tillfallen, i.timmar, i.kvinnor, i.man)  # type: ignore[attr-defined]
         for i in programme.insatser],  # type: ignore[attr-defined]
        [(c.namn, c.organisationsnummer, c.anstallda_fore, c.anstallda_efter)
         for c in companies],
        [(i.kod, i.utfall) for i in indicators],
        sections["principer"].deltagare.totalt,  # type: ignore[attr-defined]
        sections["aktiviteter"].omraden[0].antal,  # type: ignore[attr-defined]
    ) == (
        [("Digital marknadsföring", 1, 3, 2, 2)],
        [("Alfa AB", "556677-8899", 4, 6), ("Omega AB", None, 2, 2),
         ("Gamma AB", "556123-4567", 10, 12)],
        [("RCO01", 2), ("RCR98", 4)],
        4,
        1,
    )
