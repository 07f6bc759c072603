"""Reading the project's registers: formats and encodings, columns and labels, the figures
counted from them, every class of bad register, and check's comparisons with the report."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from slutrapport import load
from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.errors import InputError
from slutrapport.registers import (
    Aktivitet,
    Deltagarrad,
    Foretagsrad,
    Kostnadsrad,
    aktiviteter_per_ar,
    aktiviteter_per_kommun,
    aktiviteter_per_omrade,
    deltagare_per_omrade,
    deltagare_totalt,
    finansiering_per_finansiar,
    kostnader_per_kategori,
    read_registers,
    unika_foretag,
    unika_personer,
)
from tests.registerdata import (
    COMPANY_HEADER,
    FINANCING,
    FINANCING_HEADER,
    LEDGER,
    LEDGER_HEADER,
    LOG,
    LOG_HEADER,
    REPORT,
    D,
    csv_bytes,
    make,
    write_xlsx,
)

INFOS = [
    ("info", "register-rader", "register.aktivitetslogg", 46,
     "aktivitetsloggen (logg.xlsx, blad Logg): 5 rader lästa, 0 räknades inte."),
    ("info", "register-rader", "register.foretag", 47,
     "företagsregistret (foretag.xlsx, blad Foretag): 2 rader lästa, 0 räknades inte."),
    ("info", "register-rader", "register.kostnader", 48,
     "huvudboken (huvudbok.csv): 3 rader lästa, 0 räknades inte."),
    ("info", "register-rader", "register.finansiering", 49,
     "finansieringsregistret (finansiering.xlsx, blad Finansiering): 2 rader lästa, 0 räknades "
     "inte."),
]
"""What check says of the test registers when every figure agrees: the rows read."""


def found(path: Path) -> list[tuple[str, str, str, int | None, str]]:
    """check's whole findings list for the report at path, each as a tuple."""
    return [(f.severity, f.code, f.path, f.line, f.message) for f in check(load(path))]


def info(key: str, rows: int, skipped: int) -> tuple[str, str, str, int | None, str]:
    """The rows-read info of one register, with other counts."""
    for entry in INFOS:
        if entry[2] == f"register.{key}":
            message = entry[4].split(":", 1)[0] + f": {rows} rader lästa, {skipped} räknades inte."
            return (*entry[:4], message)
    raise KeyError(key)


def replace_info(key: str, rows: int, skipped: int) -> list[tuple[str, str, str, int | None,
                                                                   str]]:
    """INFOS with one register's counts changed."""
    return [info(key, rows, skipped) if e[2] == f"register.{key}" else e for e in INFOS]


# --- reading --------------------------------------------------------------------------------------


def test_registers_that_agree_with_the_report_give_only_the_rows_read(tmp_path: Path) -> None:
    """Stated figures that the registers count alike give nothing but the rows-read infos."""
    assert found(make(tmp_path)) == INFOS


def test_an_xlsx_log_is_read_into_typed_rows_with_their_places(tmp_path: Path) -> None:
    """Each log row becomes an Aktivitet with ids for area and municipality and its row number."""
    registers = read_registers(load(make(tmp_path)))
    place = {"fil": "logg.xlsx", "blad": "Logg"}
    assert registers.aktivitetslogg == [
        Aktivitet(**place, rad=2, datum=D(2020, 3, 2), omrade="foretagsbesok", kommun="vannas",
                  aktivitet="Besök hos Alfa AB", kvinnor=1, man=0),
        Aktivitet(**place, rad=3, datum=D(2020, 4, 6), omrade="foretagsbesok",
                  kommun="robertsfors", aktivitet="Besök hos Beta AB", kvinnor=0, man=1),
        Aktivitet(**place, rad=4, datum=D(2021, 5, 3), omrade="foretagsbesok", kommun="vannas",
                  kvinnor=1, man=1),
        Aktivitet(**place, rad=5, datum=D(2021, 6, 7), omrade="motesplatser",
                  kommun="robertsfors", aktivitet="Frukostmöte", kvinnor=250, man=250),
        Aktivitet(**place, rad=6, datum=D(2022, 1, 17), omrade="motesplatser", kommun="vannas",
                  aktivitet="Näringslivsträff", kvinnor=250, man=250),
    ]
    assert registers.foretag == [
        Foretagsrad(fil="foretag.xlsx", blad="Foretag", rad=2, namn="Alfa AB", kommun="vannas",
                    anstallda_fore=Decimal("2.5"), anstallda_efter=Decimal(4)),
        Foretagsrad(fil="foretag.xlsx", blad="Foretag", rad=3, namn="Beta AB",
                    kommun="robertsfors", anstallda_fore=Decimal(3), anstallda_efter=Decimal(3)),
    ]


LEDGER_ROWS = [
    Kostnadsrad(fil="huvudbok.csv", rad=2, datum=D(2020, 2, 28), kategori="Personal",
                belopp=Decimal("60000.40"), verifikation="V1"),
    Kostnadsrad(fil="huvudbok.csv", rad=3, datum=D(2021, 2, 26), kategori="Personal",
                belopp=Decimal("39999.60"), verifikation="V2"),
    Kostnadsrad(fil="huvudbok.csv", rad=4, datum=D(2021, 9, 30), kategori="Externa tjänster",
                belopp=Decimal("50000.00"), verifikation="V3"),
]


@pytest.mark.parametrize(("delimiter", "encoding", "bom"), [
    (";", "utf-8", False), (";", "utf-8", True), (",", "utf-8", True), (",", "utf-8", False),
    ("\t", "utf-8", False)])
def test_a_csv_ledger_is_read_whatever_its_delimiter_and_byte_order_mark(
        tmp_path: Path, delimiter: str, encoding: str, bom: bool) -> None:
    """';', ',' (with decimal commas quoted) or tab, UTF-8 with or without BOM: the same rows."""
    ledger = csv_bytes([LEDGER_HEADER, *LEDGER], delimiter=delimiter, encoding=encoding, bom=bom)
    path = make(tmp_path, ledger=ledger)
    assert read_registers(load(path)).kostnader == LEDGER_ROWS
    assert found(path) == INFOS


def test_a_windows_1252_ledger_is_read_and_said_to_be_so(tmp_path: Path) -> None:
    """A .csv that is not UTF-8 is read as Windows-1252, and an info says which byte told."""
    path = make(tmp_path, ledger=csv_bytes([LEDGER_HEADER, *LEDGER], encoding="cp1252"))
    assert read_registers(load(path)).kostnader == LEDGER_ROWS
    assert found(path) == [
        *INFOS[:2],
        ("info", "register-kodning", "register.kostnader", 48,
         "huvudbok.csv är inte UTF-8 (byte 0xE4 på rad 4) och lästes som Windows-1252 (t.ex. "
         "'ä'); spara den som CSV (UTF-8) om tecknen blev fel."),
        *INFOS[2:],
    ]


def _ods(path: Path, rows: list[list[str]]) -> Path:
    """A minimal OpenDocument spreadsheet with one sheet 'Logg' of text and number cells."""
    def cell(value: str) -> str:
        if value.isdigit():
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        if len(value) == 10 and value[4] == "-":
            return (f'<table:table-cell office:value-type="date" office:date-value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>' \
               "</table:table-cell>"

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
                   for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Logg">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def test_an_ods_log_is_read_like_an_xlsx_one(tmp_path: Path) -> None:
    """An OpenDocument log gives the same rows and figures as the .xlsx one."""
    rows = [LOG_HEADER] + [[r[0].isoformat(), str(r[1]), str(r[2]), r[3] or "", str(r[4]),
                            str(r[5])] for r in LOG]
    _ods(tmp_path / "logg.ods", rows)
    path = make(tmp_path, report=REPORT.replace("logg.xlsx", "logg.ods"))
    registers = read_registers(load(path))
    assert [(r.rad, r.datum, r.omrade, r.kommun, r.kvinnor, r.man)
            for r in registers.aktivitetslogg] == [
        (2, D(2020, 3, 2), "foretagsbesok", "vannas", 1, 0),
        (3, D(2020, 4, 6), "foretagsbesok", "robertsfors", 0, 1),
        (4, D(2021, 5, 3), "foretagsbesok", "vannas", 1, 1),
        (5, D(2021, 6, 7), "motesplatser", "robertsfors", 250, 250),
        (6, D(2022, 1, 17), "motesplatser", "vannas", 250, 250)]
    assert found(path) == [
        ("info", "register-rader", "register.aktivitetslogg", 46,
         "aktivitetsloggen (logg.ods, blad Logg): 5 rader lästa, 0 räknades inte."), *INFOS[1:]]


def test_own_column_titles_and_labels_are_mapped(tmp_path: Path) -> None:
    """register.kolumner names a register's own titles; register.etiketter its own labels, and
    headers match whatever their case, spacing and diacritics."""
    report = REPORT.replace("\n  omraden:\n    motesplatser", (
        "\n"
        "  kolumner:\n"
        "    aktivitetslogg: {Dag: datum, Antal kvinnor: kvinnor, \"Antal m\u00adän\": man}\n"
        "  etiketter:\n"
        "    omrade: {Företagsbesök: foretagsbesok, Träff: motesplatser}\n"
        "    kommun: {Vännäs kn: vannas, RF: Robertsfors}\n"
        "  omraden:\n    motesplatser"))
    log = [["Dag", " OMRÅDE ", "kommun", "Antal kvinnor", "Antal män"],
           [D(2020, 3, 2), "Företagsbesök", "Vännäs kn", 1, 0],
           [D(2020, 4, 6), "företagsbesök", "RF", 0, 1],
           [D(2021, 5, 3), "foretagsbesok", "Vännäs", 1, 1],
           [D(2021, 6, 7), "Träff", "robertsfors", 250, 250],
           [D(2022, 1, 17), "träff", "vannas", 250, 250]]
    path = make(tmp_path, report=report, log=log)
    registers = read_registers(load(path))
    assert [(r.omrade, r.kommun) for r in registers.aktivitetslogg] == [
        ("foretagsbesok", "vannas"), ("foretagsbesok", "robertsfors"),
        ("foretagsbesok", "vannas"), ("motesplatser", "robertsfors"),
        ("motesplatser", "vannas")]
    assert [f[:3] for f in found(path)] == [f[:3] for f in INFOS]


# --- figures --------------------------------------------------------------------------------------


def test_the_figures_are_counted_per_area_municipality_year_and_gender(tmp_path: Path) -> None:
    """Activities per area, municipality and year; attendances by gender, per area and all."""
    log = read_registers(load(make(tmp_path))).aktivitetslogg
    assert aktiviteter_per_omrade(log) == {"foretagsbesok": 3, "motesplatser": 2}
    assert aktiviteter_per_kommun(log) == {"vannas": 3, "robertsfors": 2}
    assert aktiviteter_per_ar(log) == {2020: 2, 2021: 2, 2022: 1}
    total = deltagare_totalt(log)
    assert (total.kvinnor, total.man, total.totalt, total.andel_kvinnor, total.andel_man) == (
        502, 502, 1004, Decimal("50.0"), Decimal("50.0"))
    per_area = deltagare_per_omrade(log)
    assert {k: (v.kvinnor, v.man, v.andel_kvinnor) for k, v in per_area.items()} == {
        "foretagsbesok": (2, 2, Decimal("50.0")), "motesplatser": (500, 500, Decimal("50.0"))}
    assert unika_foretag([], read_registers(load(make(tmp_path))).foretag) == 2


def test_unique_persons_count_each_person_once_by_gender() -> None:
    """A person at three occasions is one person; the shares are of persons, not attendances."""
    def row(person: str, gender: str, day: int) -> Deltagarrad:
        return Deltagarrad(fil="d.xlsx", blad="Deltagare", rad=day + 1, person=person,
                           kon=gender, datum=D(2021, 1, day), omrade="a")  # type: ignore[arg-type]

    rows = [row("p1", "kvinna", 1), row("p1", "kvinna", 2), row("p2", "man", 3),
            row("p3", "kvinna", 4), row("p1", "kvinna", 5)]
    persons = unika_personer(rows)
    assert (persons.kvinnor, persons.man, persons.andel_kvinnor) == (2, 1, Decimal("66.7"))


def test_companies_reached_count_log_and_register_names_once() -> None:
    """The log's company column and the company register together, whatever the spelling."""
    log = [Aktivitet(fil="l", rad=2, datum=D(2021, 1, 1), omrade="a", foretag="Alfa AB"),
           Aktivitet(fil="l", rad=3, datum=D(2021, 1, 2), omrade="a", foretag="alfa  ab"),
           Aktivitet(fil="l", rad=4, datum=D(2021, 1, 3), omrade="a", foretag="Gamma")]
    companies = [Foretagsrad(fil="f", rad=2, namn="Beta AB", anstallda_fore=Decimal(1),
                             anstallda_efter=Decimal(1)),
                 Foretagsrad(fil="f", rad=3, namn="Gamma", anstallda_fore=Decimal(1),
                             anstallda_efter=Decimal(2))]
    assert unika_foretag(log, companies) == 3


def test_costs_and_financing_sum_ore_before_rounding_half_up(tmp_path: Path) -> None:
    """Öre are summed per category first; the sum is rounded half-up to whole kronor."""
    rows = [Kostnadsrad(fil="h", rad=i + 2, datum=D(2021, 1, 1), kategori=k,
                        belopp=Decimal(b)) for i, (k, b) in enumerate(
        [("A", "0.25"), ("A", "0.25"), ("B", "10.49"), ("B", "-0.99"), ("C", "2.5")])]
    assert kostnader_per_kategori(rows) == {"A": 1, "B": 10, "C": 3}
    registers = read_registers(load(make(tmp_path)))
    assert finansiering_per_finansiar(registers.finansiering) == {
        "Tillväxtverket": 100000, "Region Västerbotten": 50000}


# --- bad registers --------------------------------------------------------------------------------


def test_a_missing_column_names_the_nearest_header(tmp_path: Path) -> None:
    """A register without one of its columns is not counted; the nearest header is named."""
    log = [["Datum", "Område", "Kommun", "Kvinor", "Män"],
           *[[r[0], r[1], r[2], r[4], r[5]] for r in LOG]]
    path = make(tmp_path, log=log)
    assert found(path) == [
        ("error", "register-kolumn", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 1: kolumnen Kvinnor saknas; närmast finns 'Kvinor' — byt "
         "namn på kolumnen eller ange register.kolumner.aktivitetslogg: {\"Kvinor\": kvinnor}. "
         "Registret räknades inte."),
        *INFOS[1:],
    ]


def test_an_unknown_area_or_municipality_is_an_error_naming_the_nearest(tmp_path: Path) -> None:
    """A row naming an area or a municipality the report lacks is not counted; the nearest id
    or name is suggested, and the report's figures then disagree with the log."""
    log = [LOG_HEADER, *LOG[:3],
           [D(2021, 6, 7), "motesplats", "robertsfors", None, 250, 250],
           [D(2022, 1, 17), "Mötesplatser", "Umeå", None, 250, 250]]
    assert found(make(tmp_path, log=log)) == [
        ("error", "register-antal", "aktiviteter.omraden[1].antal", 18,
         "Mötesplatser: 2 angivet, aktivitetsloggen har 0 (blad Logg, inga rader). "
         "Aktivitetsloggen har inga rader för Mötesplatser, men dess rader går från 2020-03-02 "
         "till 2021-05-03 och täcker inte projektperioden (2020–2022); 2 lämnas. Skriv 0 själv "
         "om det stämmer."),
        ("error", "register-deltagare", "horisontella_kriterier.deltagare.kvinnor", 22,
         "Deltagare, kvinnor: 502 angivet, aktivitetsloggen har 2 (blad Logg, rad 2–6)."),
        ("error", "register-deltagare", "horisontella_kriterier.deltagare.totalt", 22,
         "Deltagare, totalt: 1\u00a0004 angivet, aktivitetsloggen har 4 (blad Logg, rad 2–6)."),
        ("error", "register-okant", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 5, kolumn B (Område): aktivitetsområdet 'motesplats' finns "
         "inte i rapporten; närmast: motesplatser (Mötesplatser). Raden räknades inte "
         "(register.etiketter.omrade kan ge registrets egna benämningar)."),
        ("error", "register-okant", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 6, kolumn C (Kommun): kommunen 'Umeå' finns inte i "
         "rapporten; rapporten har Vännäs, Robertsfors. Raden räknades inte "
         "(register.etiketter.kommun kan ge registrets egna benämningar)."),
        info("aktivitetslogg", 5, 2), *INFOS[1:],
    ]


def test_a_date_outside_the_project_period_is_a_warning_and_counted(tmp_path: Path) -> None:
    """A date outside the period warns, and the row still counts."""
    log = [LOG_HEADER, *LOG[:4], [D(2023, 1, 9), *LOG[4][1:]]]
    assert found(make(tmp_path, log=log)) == [
        ("warning", "register-datum", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 6, kolumn A (Datum): 2023-01-09 ligger utanför "
         "projektperioden 2020-01-01–2022-12-31 (projekt.period); raden räknas."),
        *INFOS,
    ]


def test_a_likely_duplicate_row_is_a_warning_and_counted(tmp_path: Path) -> None:
    """Same date, area, municipality, company and activity as an earlier row: a warning naming
    both rows, still counted."""
    log = [LOG_HEADER, *LOG[:4], LOG[3]]
    assert found(make(tmp_path, log=log)) == [
        ("warning", "register-dubblett", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 6: troligen en dubblett av rad 5 (samma datum, område, "
         "kommun, företag, aktivitet och antal); raden räknas. Är det inte samma, skriv något i "
         "kolumnen Ej dubblett på den senare raden (eller ange den under "
         "register.ej_dubbletter.aktivitetslogg)."),
        *INFOS,
    ]


def test_activities_written_in_another_case_or_with_other_spaces_are_likely_duplicates(
        tmp_path: Path) -> None:
    """An activity differing from an earlier row's only in case (ß as ss too) or in the kind of
    space between its words (a no-break space, an em space) is the same activity."""
    day, area, municipality = LOG[0][:3]
    log = [LOG_HEADER, *LOG, [day, area, municipality, "BESÖK HOS ALFA AB", 1, 0],
           [day, area, municipality, "besök\u00a0hos alfa\u2003ab", 1, 0],
           [day, area, municipality, "Besök hos Straße AB", 1, 0],
           [day, area, municipality, "besök hos STRASSE ab", 1, 0]]
    assert [f for f in found(make(tmp_path, log=log)) if f[1] == "register-dubblett"] == [
        ("warning", "register-dubblett", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg: 3 rader är troligen dubbletter av tidigare rader (samma datum, "
         "område, kommun, företag, aktivitet och antal): rad 7 (som rad 2), rad 8 (som rad 2), "
         "rad 10 (som rad 9); raderna räknas. Är det inte samma, skriv något i kolumnen Ej "
         "dubblett på den senare raden (eller ange den under "
         "register.ej_dubbletter.aktivitetslogg)."),
    ]


def test_negative_and_non_numeric_counts_are_errors_and_not_counted(tmp_path: Path) -> None:
    """A negative count, text in a count column and a half person: each row is not counted."""
    log = [LOG_HEADER, LOG[0], LOG[1], LOG[2],
           [*LOG[3][:4], -250, 250], [*LOG[4][:4], "många", 250], [*LOG[4][:4], 2.5, 1]]
    assert [f for f in found(make(tmp_path, log=log)) if f[1] != "register-antal"
            and f[1] != "register-deltagare"] == [
        ("error", "register-varde", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 5, kolumn E (Kvinnor): antalet är negativt (-250). Raden "
         "räknades inte."),
        ("error", "register-varde", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 6, kolumn E (Kvinnor): 'många' är inget antal. Raden "
         "räknades inte."),
        ("error", "register-varde", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 7, kolumn E (Kvinnor): 2,5 är inget heltal. Raden räknades "
         "inte."),
        info("aktivitetslogg", 6, 3), *INFOS[1:],
    ]


def test_a_blank_row_in_the_middle_is_a_warning_and_blank_rows_at_the_end_are_not(
        tmp_path: Path) -> None:
    """Blank rows between rows warn (once, naming them all); trailing blank rows say nothing."""
    log = [LOG_HEADER, LOG[0], [], [], LOG[1], LOG[2], [], LOG[3], LOG[4], [], []]
    assert found(make(tmp_path, log=log)) == [
        ("warning", "register-tom-rad", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 3–4, 7: tomma rader mitt i registret; raderna efter räknas, "
         "men ta bort de tomma raderna."),
        *INFOS,
    ]


def test_a_merged_header_cell_is_an_error(tmp_path: Path) -> None:
    """Merged cells in the header are an error even when every column is still found."""
    log = [[*LOG_HEADER, "Anteckning", None], *LOG]
    path = make(tmp_path, log=log)
    write_xlsx(tmp_path / "logg.xlsx", "Logg", log, merged=["G1:H1"])
    assert found(path) == [
        ("error", "register-rubrik", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 1: rubrikraden har sammanslagna celler (G1:H1); dela upp "
         "dem så att varje kolumn har en egen rubrik."),
        *INFOS,
    ]


def test_a_merged_header_that_hides_columns_can_not_be_read(tmp_path: Path) -> None:
    """Merged header cells over the count columns: nothing can be read, exit 2 naming it."""
    log = [["Datum", "Område", "Kommun", "Deltagare", None], *[[*r[:3], r[4], r[5]] for r in LOG]]
    path = make(tmp_path, log=log)
    write_xlsx(tmp_path / "logg.xlsx", "Logg", log, merged=["D1:E1"])
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (2, (
        "Fel i indata: logg.xlsx: blad Logg, rad 1, celler D1:E1: rubrikraden har sammanslagna "
        "celler (D1:E1) och kolumnerna Kvinnor, Män kan inte hittas; dela upp cellerna så att "
        "varje kolumn har en egen rubrik på rad 1\n"))


def test_a_two_row_header_is_an_error_and_read_from_the_third_row(tmp_path: Path) -> None:
    """A header on two rows (titles over titles) is an error; the data below is still read."""
    log = [["Datum", "Område", "Kommun", "Aktivitet", "Deltagare", None],
           [None, None, None, None, "Kvinnor", "Män"], *LOG]
    assert found(make(tmp_path, log=log)) == [
        ("error", "register-rubrik", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 1–2: rubriken står på två rader (kolumn E (Kvinnor), "
         "kolumn F (Män) står på rad 2); ett register ska ha en enda rubrikrad, på rad 1. "
         "Registret lästes med båda raderna som rubrik och data från rad 3."),
        ("info", "register-rader", "register.aktivitetslogg", 46,
         "aktivitetsloggen (logg.xlsx, blad Logg): 5 rader lästa, 0 räknades inte."),
        *INFOS[1:],
    ]


def test_a_formula_never_calculated_is_an_error(tmp_path: Path) -> None:
    """A formula cell without a stored value (written by a program, never saved by Excel or
    LibreOffice) reads as empty; it is an error naming the cell, and the row isn't counted."""
    log = [LOG_HEADER, *LOG[:4], [*LOG[4][:4], "=E5", 250]]
    found_ = found(make(tmp_path, log=log))
    assert [f for f in found_ if f[1] not in ("register-antal", "register-deltagare")] == [
        ("error", "register-formel", "register.aktivitetslogg", 46,
         "logg.xlsx, blad Logg, rad 6, kolumn E (Kvinnor): cellen har en formel vars värde "
         "aldrig räknats ut (filen är inte sparad av Excel eller LibreOffice); öppna filen "
         "och spara den igen. Raden räknades inte."),
        info("aktivitetslogg", 5, 1), *INFOS[1:],
    ]


def test_blank_counts_are_zero_and_said_so(tmp_path: Path) -> None:
    """An activity without women or men filled in counts with no participants, and the info
    says how many such rows there were."""
    report = REPORT.replace("kvinnor: 502, totalt: 1004, andel_kvinnor: 50.0",
                            "kvinnor: 252, totalt: 504, andel_kvinnor: 50.0").replace(
        "[1 004](tal:deltagare.totalt)", "[504](tal:deltagare.totalt)")
    log = [LOG_HEADER, *LOG[:4], [*LOG[4][:4], None, None]]
    assert found(make(tmp_path, report=report, log=log)) == [
        ("info", "register-rader", "register.aktivitetslogg", 46,
         "aktivitetsloggen (logg.xlsx, blad Logg): 5 rader lästa, 0 räknades inte. 1 rad utan "
         "kvinnor eller män ifyllda räknades med 0 deltagare."),
        *INFOS[1:],
    ]


@pytest.mark.parametrize(("setup", "message"), [
    ("missing", "Fel i indata: {folder}/rapport.yaml:46: register.aktivitetslogg: registret "
                "(aktivitetsloggen) finns inte: {folder}/logg.xlsx\n"),
    ("empty", "Fel i indata: logg.xlsx: blad Logg, rad 1: aktivitetsloggen är tom: rubrikraden "
              "saknas (rad 1 ska ha kolumnerna Datum, Område, Kvinnor, Män)\n"),
    ("late", "Fel i indata: logg.xlsx: blad Logg, rad 1: rad 1 är tom; rubrikraden ska stå på rad "
             "1 (det första som står på bladet är rad 3)\n"),
    ("garbage", "Fel i indata: logg.xlsx: filen är inget läsbart kalkylark (.xlsx): den är inget "
                "zip-arkiv, som en sådan fil är\n"),
    ("utf16", "Fel i indata: huvudbok.csv: rad 1: filen är sparad som UTF-16; spara den som CSV "
              "(UTF-8) eller CSV (semikolonavgränsad)\n"),
    ("nul", "Fel i indata: huvudbok.csv: rad 2: filen innehåller nolltecken (NUL) och är ingen "
            "textfil; är det rätt fil?\n"),
])
def test_a_register_that_can_not_be_read_exits_2_naming_it(tmp_path: Path, setup: str,
                                                           message: str) -> None:
    """A missing file, an empty sheet, a header not on row 1, a file that is no spreadsheet, a
    UTF-16 or binary .csv: exit 2 with one Swedish line naming file, sheet and row."""
    path = make(tmp_path)
    if setup == "missing":
        (tmp_path / "logg.xlsx").unlink()
    elif setup == "empty":
        write_xlsx(tmp_path / "logg.xlsx", "Logg", [])
    elif setup == "late":
        write_xlsx(tmp_path / "logg.xlsx", "Logg", [[], [], LOG_HEADER, *LOG])
    elif setup == "garbage":
        (tmp_path / "logg.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    elif setup == "utf16":
        (tmp_path / "huvudbok.csv").write_bytes("Datum;Kategori;Belopp\n".encode("utf-16"))
    elif setup == "nul":
        (tmp_path / "huvudbok.csv").write_bytes(b"Datum;Kategori;Belopp\n\x00\x01;x;1\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (
        2, message.format(folder=tmp_path))


@pytest.mark.parametrize(("register", "message"), [
    ("foretag", "Fel i indata: foretag.xlsx: blad Foretag, rad 1: företagsregistret är tomt: "
                "rubrikraden saknas (rad 1 ska ha kolumnerna Namn, Anställda före, Anställda "
                "efter)\n"),
    ("finansiering", "Fel i indata: finansiering.xlsx: blad Finansiering, rad 1: "
                     "finansieringsregistret är tomt: rubrikraden saknas (rad 1 ska ha kolumnerna "
                     "Finansiär, Belopp)\n"),
    ("kostnader", "Fel i indata: huvudbok.csv: rad 1: huvudboken är tom: rubrikraden saknas "
                  "(rad 1 ska ha kolumnerna Datum, Kategori, Belopp)\n"),
], ids=["neutrum", "neutrum-2", "utrum"])
def test_an_empty_register_is_tom_or_tomt_as_its_name_is(tmp_path: Path, register: str,
                                                          message: str) -> None:
    """The adjective agrees with the register's name: 'huvudboken är tom' (en huvudbok),
    'företagsregistret är tomt' (ett register)."""
    if register == "kostnader":
        path = make(tmp_path, ledger=b"")
    elif register == "foretag":
        path = make(tmp_path, companies=[])
    else:
        path = make(tmp_path, financing=[])
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (2, message)


def test_counts_of_one_take_the_singular(tmp_path: Path) -> None:
    """'1 rad läst' (not 'lästa'), and '1 kvinna + 1 man' where a row's total disagrees."""
    log = [[*LOG_HEADER, "Totalt"], [*LOG[0][:4], 1, 1, 3]]
    ledger = csv_bytes([LEDGER_HEADER, LEDGER[0]])
    messages = [m for *_, m in found(make(tmp_path, log=log, ledger=ledger))
                if "rad läst" in m or "kvinna +" in m]
    assert messages == [
        "logg.xlsx, blad Logg, rad 2, kolumn G (Totalt): totalt 3, men 1 kvinna + 1 man = 2. "
        "Raden räknades inte.",
        "aktivitetsloggen (logg.xlsx, blad Logg): 1 rad läst, 1 räknades inte.",
        "huvudboken (huvudbok.csv): 1 rad läst, 0 räknades inte.",
    ]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test report and its registers, once for the property tests (the ledger is
    rewritten by each example)."""
    return make(tmp_path_factory.mktemp("fuzz"))


def _register_findings(path: Path) -> list[str]:
    """The register findings of the report at path (as check finds them), or the InputError."""
    from slutrapport._registercheck import register_findings

    try:
        return [raw[3] for raw in register_findings(load(path))]
    except InputError as exc:
        return [str(exc)]


@given(data=st.binary(max_size=400))
def test_any_csv_bytes_give_findings_or_an_input_error(fuzzed: Path, data: bytes) -> None:
    """Whatever bytes a .csv ledger holds, reading it gives findings or InputError, never a
    traceback."""
    (fuzzed.parent / "huvudbok.csv").write_bytes(data)
    assert all(_register_findings(fuzzed))


@given(rows=st.lists(st.lists(st.text(alphabet=";,\"\n 0123456789-,.kräÅ\u00a0\u2212",
                                      max_size=12), max_size=5), max_size=6))
def test_any_csv_text_under_the_right_header_gives_findings(fuzzed: Path,
                                                            rows: list[list[str]]) -> None:
    """Rows of any text under a proper header give findings (never a traceback)."""
    (fuzzed.parent / "huvudbok.csv").write_bytes(csv_bytes([LEDGER_HEADER, *rows]))
    assert all(_register_findings(fuzzed))


# --- comparisons ----------------------------------------------------------------------------------


def test_area_counts_that_differ_name_the_area_the_log_and_its_rows(tmp_path: Path) -> None:
    """An area's count against the log: the finding names the log, its sheet and the rows."""
    report = REPORT.replace("antal: 3\n", "antal: 4\n").replace("[3](tal:antal)",
                                                                "[4](tal:antal)")
    assert found(make(tmp_path, report=report)) == [
        ("error", "register-antal", "aktiviteter.omraden[0].antal", 15,
         "Uppsökande verksamhet hos företag: 4 angivet, aktivitetsloggen har 3 (blad Logg, rad "
         "2–4)."),
        *INFOS,
    ]


def test_participants_that_differ_are_compared_field_by_field(tmp_path: Path) -> None:
    """Women, all participants and the stated share against the log's attendances."""
    log = [LOG_HEADER, *LOG[:4], [*LOG[4][:4], 260, 241]]
    assert found(make(tmp_path, log=log)) == [
        ("error", "register-deltagare", "horisontella_kriterier.deltagare.andel_kvinnor", 22,
         "Andel kvinnor: 50\u00a0% angivet, aktivitetsloggen ger 51\u00a0% (blad Logg, rad "
         "2–6)."),
        ("error", "register-deltagare", "horisontella_kriterier.deltagare.kvinnor", 22,
         "Deltagare, kvinnor: 502 angivet, aktivitetsloggen har 512 (blad Logg, rad 2–6)."),
        ("error", "register-deltagare", "horisontella_kriterier.deltagare.totalt", 22,
         "Deltagare, totalt: 1\u00a0004 angivet, aktivitetsloggen har 1\u00a0005 (blad Logg, rad "
         "2–6)."),
        *INFOS,
    ]


def test_the_company_table_is_compared_row_by_row_and_a_company_on_one_side_is_named(
        tmp_path: Path) -> None:
    """A company's head counts and its increase against the register; a company on one side
    only is named, once — the sums, which differ by it, are not compared as well."""
    companies = [COMPANY_HEADER, ["Alfa AB", "Vännäs", 2.5, 5], ["Gamma AB", "Vännäs", 1, 1]]
    assert found(make(tmp_path, companies=companies)) == [
        ("error", "register-foretag", "program.effekt.foretag", 27,
         "Företagsregistret har företaget Gamma AB (blad Foretag, rad 3), som företagstabellen "
         "saknar; fill skriver in det."),
        ("error", "register-foretag", "program.effekt.foretag[0].anstallda_efter", 28,
         "Alfa AB, anställda efter: 4 angivet, företagsregistret har 5 (blad Foretag, rad 2)."),
        ("error", "register-foretag", "program.effekt.foretag[0].okning", 28,
         "Alfa AB, ökning: 1,5 angivet, företagsregistret har 2,5 (blad Foretag, rad 2)."),
        ("error", "register-foretag", "program.effekt.foretag[1].namn", 29,
         "Beta AB står i företagstabellen men inte i företagsregistret (blad Foretag, rad "
         "2–3)."),
        *INFOS,
    ]


def test_the_company_sums_are_compared_when_both_sides_have_the_same_companies(
        tmp_path: Path) -> None:
    """With the same companies on both sides, the stated sums and the increase in per cent are
    compared with the register's."""
    companies = [COMPANY_HEADER, ["Alfa AB", "Vännäs", 2.5, 5], ["Beta AB", "Vännäs", 1, 1]]
    assert found(make(tmp_path, companies=companies)) == [
        ("error", "register-foretag", "program.effekt.foretag[0].anstallda_efter", 28,
         "Alfa AB, anställda efter: 4 angivet, företagsregistret har 5 (blad Foretag, rad 2)."),
        ("error", "register-foretag", "program.effekt.foretag[0].okning", 28,
         "Alfa AB, ökning: 1,5 angivet, företagsregistret har 2,5 (blad Foretag, rad 2)."),
        ("error", "register-foretag", "program.effekt.foretag[1].anstallda_efter", 29,
         "Beta AB, anställda efter: 3 angivet, företagsregistret har 1 (blad Foretag, rad 3)."),
        ("error", "register-foretag", "program.effekt.foretag[1].anstallda_fore", 29,
         "Beta AB, anställda före: 3 angivet, företagsregistret har 1 (blad Foretag, rad 3)."),
        ("error", "register-foretag", "program.effekt.summa.efter", 30,
         "Summa (Efter): 7 angivet, företagsregistret har 6 (blad Foretag, rad 2–3)."),
        ("error", "register-foretag", "program.effekt.summa.fore", 30,
         "Summa (Före): 5,5 angivet, företagsregistret har 3,5 (blad Foretag, rad 2–3)."),
        ("error", "register-foretag", "program.effekt.summa.okning", 30,
         "Summa (Ökning): 1,5 angivet, företagsregistret har 2,5 (blad Foretag, rad 2–3)."),
        ("error", "register-foretag", "program.effekt.okning_procent", 31,
         "Ökning i procent: 27\u00a0% angivet, företagsregistret ger 71\u00a0% (blad Foretag, "
         "rad 2–3)."),
        *INFOS,
    ]


def test_costs_outcome_and_financing_are_compared_with_ledger_and_register(
        tmp_path: Path) -> None:
    """Each cost category, the cost sum and the outcome against the ledger; each financier
    against the financing register, öre summed before rounding; a financier that the report
    lacks is named, and a category only the ledger has too."""
    ledger = csv_bytes([LEDGER_HEADER, *LEDGER[:2],
                        ["2021-09-30", "V3", "Externa tjänster", "50 004,00"]])
    financing = [FINANCING_HEADER, FINANCING[0], ["Region Västerbotten", 49000, None],
                 ["Region Västerbotten", 999.5, None], ["Almi", 5, None]]
    assert found(make(tmp_path, ledger=ledger, financing=financing)) == [
        ("error", "register-kostnad", "ekonomi.utfall", 34,
         "Utfall: 150\u00a0000\u00a0kr angivet, huvudboken har 150\u00a0004\u00a0kr (rad 2–4)."),
        ("error", "register-kostnad", "ekonomi.kostnader[1].belopp", 38,
         "Externa tjänster: 50\u00a0000\u00a0kr angivet, huvudboken har 50\u00a0004\u00a0kr "
         "(rad 4)."),
        ("error", "register-kostnad", "ekonomi.summa_kostnader", 39,
         "Summa kostnader: 150\u00a0000\u00a0kr angivet, huvudboken har 150\u00a0004\u00a0kr "
         "(rad 2–4)."),
        ("error", "register-okant", "register.finansiering", 49,
         "finansiering.xlsx, blad Finansiering, rad 5, kolumn A (Finansiär): finansiären 'Almi' "
         "finns inte i rapporten; rapporten har Tillväxtverket, Region Västerbotten. Raden "
         "räknades inte (register.etiketter.finansiar kan ge registrets egna benämningar)."),
        ("warning", "register-oren", "register.finansiering", 49,
         "Finansieringsregistret har belopp med ören: 1 rad (blad Finansiering, rad 4). "
         "Beloppen summeras i ören och varje summa avrundas en gång till hela kronor (50 öre "
         "uppåt; tabellens rader så att de summerar till summan): Region Västerbotten "
         "49\u00a0999,50\u00a0kr → 50\u00a0000\u00a0kr; summan 149\u00a0999,50\u00a0kr → "
         "150\u00a0000\u00a0kr."),
        *INFOS[:3],
        info("finansiering", 4, 1),
    ]


def test_a_ledger_category_the_report_lacks_is_named(tmp_path: Path) -> None:
    """With no cost table in the report, every category of the ledger is one the table
    lacks."""
    report = REPORT.replace("""    kostnader:
      - {kategori: Personal, belopp: 100000}
      - {kategori: Externa tjänster, belopp: 50000}
    summa_kostnader: 150000
""", "")
    assert found(make(tmp_path, report=report)) == [
        ("error", "register-kostnad", "ekonomi.kostnader", 32,
         "Huvudboken har kostnadsslaget Personal (rad 2–3), som tabellen i rapporten saknar."),
        ("error", "register-kostnad", "ekonomi.kostnader", 32,
         "Huvudboken har kostnadsslaget Externa tjänster (rad 4), som tabellen i rapporten "
         "saknar."),
        *[(*f[:3], f[3] - 4, f[4]) for f in INFOS],
    ]


def test_a_report_without_registers_reads_nothing(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """check of a report that names no registers never reaches the reader."""
    import slutrapport._registercheck
    import slutrapport.registers

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("read_registers called")

    monkeypatch.setattr(slutrapport._registercheck, "read_registers", refuse)
    monkeypatch.setattr(slutrapport.registers, "read_registers", refuse)
    path = tmp_path / "rapport.yaml"
    path.write_text(REPORT.split("\n# Registren")[0] + "\n", encoding="utf-8")
    assert found(path) == []


def test_registers_given_to_check_are_used_for_a_report_built_in_code(tmp_path: Path) -> None:
    """A report without a file is compared with the registers given to it, and only then."""
    from slutrapport.loader import from_data, read_yaml

    data, lines = read_yaml(make(tmp_path))
    data["avsnitt"][0]["omraden"][0]["antal"] = 4
    data["avsnitt"][0]["omraden"][0]["text"] = "[4](tal:antal) företagsbesök."
    report = from_data(data, lines=lines)
    assert [f.code for f in check(report) if f.code.startswith("register-")] == []
    given = read_registers(report, tmp_path)
    assert [(f.code, f.path, f.message) for f in check(report, registers=given)
            if f.severity == "error"] == [
        ("register-antal", "aktiviteter.omraden[0].antal",
         "Uppsökande verksamhet hos företag: 4 angivet, aktivitetsloggen har 3 (blad Logg, rad "
         "2–4)."),
    ]


def test_without_a_log_participants_are_the_unique_persons_of_the_participant_register(
        tmp_path: Path) -> None:
    """With a participant register and no activity log, the stated participants are compared
    with its unique persons by gender."""
    report = REPORT.replace("  aktivitetslogg: logg.xlsx\n", "  deltagare: deltagare.xlsx\n")
    path = make(tmp_path, report=report)
    people = [["Person", "Kön", "Datum", "Område", "Kommun"]]
    for n in range(1004):
        people.append([f"P{n}", "kvinna" if n < 500 else "man", D(2021, 1, 1 + n % 28),
                       "foretagsbesok", "Vännäs"])
    people.append(["P0", "Kvinna", D(2021, 2, 1), "motesplatser", None])
    people.append(["P1", "M", D(2021, 2, 2), "motesplatser", None])
    write_xlsx(tmp_path / "deltagare.xlsx", "Deltagare", people)
    assert found(path) == [
        ("error", "register-deltagare", "horisontella_kriterier.deltagare.kvinnor", 22,
         "Deltagare, kvinnor: 502 angivet, deltagarregistret har 500 (blad Deltagare, rad "
         "2–1007)."),
        ("error", "register-varde", "register.deltagare", 46,
         "deltagare.xlsx, blad Deltagare, rad 1007, kolumn B (Kön): person P1 är kvinna på rad "
         "3 men man här. Raden räknades inte."),
        ("info", "register-rader", "register.deltagare", 46,
         "deltagarregistret (deltagare.xlsx, blad Deltagare): 1006 rader lästa, 1 räknades "
         "inte."),
        *INFOS[1:],
    ]


def test_the_register_block_is_checked_against_the_report(tmp_path: Path) -> None:
    """An id mapped to a heading no area has, a municipality the project lacks and a section
    that isn't of the kind named are errors at their lines."""
    report = REPORT.replace("  omraden:\n    motesplatser: Mötesplatser\n", (
        "  omraden:\n    motesplatser: Mötesplatser\n    evenemang: Mötesplatsen\n"
        "  kommuner:\n    umea: Umeå\n"
        "  avsnitt:\n    deltagare: program\n    ekonomi: ekonomin\n"))
    assert [f for f in found(make(tmp_path, report=report)) if f[0] == "error"] == [
        ("error", "register-installning", "register.omraden.evenemang", 52,
         "Området evenemang hänvisar till rubriken 'Mötesplatsen', som inget aktivitetsområde i "
         "rapporten har; närmast: 'Mötesplatser'."),
        ("error", "register-installning", "register.kommuner", 53,
         "Kommunen 'Umeå' står inte bland projektets kommuner (projekt.kommuner)."),
        ("error", "register-installning", "register.avsnitt.deltagare", 56,
         "register.avsnitt.deltagare är program, men det är inte ett horisontella_*-avsnitt med "
         "deltagare."),
        ("error", "register-installning", "register.avsnitt.ekonomi", 57,
         "register.avsnitt.ekonomi är ekonomin, men inget avsnitt har det id:t."),
    ]


def test_check_on_the_command_line_reads_the_registers_and_exits_1_on_a_disagreement(
        tmp_path: Path) -> None:
    """slutrapport check reads the registers beside the report and names the disagreement."""
    report = REPORT.replace("antal: 3\n", "antal: 4\n").replace("[3](tal:antal)",
                                                                "[4](tal:antal)")
    path = make(tmp_path, report=report)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output.replace("\u00a0", " ").splitlines()[:3] == [
        f"{path}: 1 fel, 0 varningar, 4 upplysningar",
        "  FEL     rad 15   aktiviteter.omraden[0].antal  [register-antal]",
        "                   Uppsökande verksamhet hos företag: 4 angivet, aktivitetsloggen har 3 "
        "(blad Logg, rad 2–4).",
    ]


@pytest.mark.parametrize(("block", "message"), [
    ("  kolumner:\n    huvudbok: {Konto: kategori}\n",
     "52: register.kolumner: okänt register 'huvudbok'; registren är aktivitetslogg, deltagare, "
     "foretag, kostnader, finansiering"),
    ("  kolumner:\n    kostnader: {Konto: katgori}\n",
     "52: register.kolumner: 'Konto' ska vara en av kolumnerna i kostnader (datum, kategori, "
     "belopp, verifikation, konto, ej_dubblett), inte 'katgori' (menade du 'kategori'?)"),
    ("  etiketter:\n    datum: {x: y}\n",
     "52: register.etiketter: etiketter kan anges för kolumnerna omrade, kommun, kategori, "
     "finansiar, inte 'datum'"),
    ("  avsnitt:\n    deltagarna: x\n",
     "52: register.avsnitt: avsnitt kan anges för deltagare, deltagarprogram, foretag, "
     "ekonomi, inte "
     "'deltagarna' (menade du 'deltagare'?)"),
    ("  kostnader2: huvudbok.csv\n",
     "52: register.kostnader2: okänt fält 'kostnader2'; menade du 'kostnader'?"),
])
def test_a_bad_register_block_is_refused_at_its_line(tmp_path: Path, block: str,
                                                      message: str) -> None:
    """Unknown registers, columns, label columns, section keys and keys: exit 2 at the line."""
    path = make(tmp_path, report=REPORT + block)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (2, f"Fel i indata: {path}:{message}\n")


def test_a_register_that_is_no_spreadsheet_and_an_id_that_is_no_id_are_refused(
        tmp_path: Path) -> None:
    """A register named with another ending, and an area id with capitals and ö: both said."""
    report = REPORT.replace("huvudbok.csv\n", "huvudbok.txt\n").replace(
        "    motesplatser: Mötesplatser", "    Möten: Mötesplatser")
    path = make(tmp_path, report=report)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (2, (
        f"Fel i indata: {path}:48: register.kostnader: registret ska vara en .xlsx-, .xls-, "
        ".ods- eller .csv-fil, inte 'huvudbok.txt'\n"
        f"{path}:50: register.omraden: id 'Möten' ska ha små bokstäver a–z, siffror och _ och "
        "börja med en bokstav, t.ex. foretagsbesok\n"))
