"""``slutrapport fill``: the registers' figures written into a copy of the report, with what
depends on them and the texts of figure links, every other byte kept; check clean afterwards."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from slutrapport import load
from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.fill import FillRefusedError, fill_file, format_like
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
)

CHANGED = {
    "log": [LOG_HEADER, *LOG, [D(2022, 3, 7), "foretagsbesok", "Vännäs", None, 100, 0]],
    "companies": [COMPANY_HEADER, ["Alfa AB", "Vännäs", 2.5, 5], ["Beta AB", "Robertsfors", 3, 3]],
    "ledger": csv_bytes([LEDGER_HEADER, *LEDGER[:2],
                         ["2021-09-30", "V3", "Externa tjänster", "50 004,00"]]),
    "financing": [FINANCING_HEADER, FINANCING[0], ["Region Västerbotten", 50004, None]],
}
"""Registers that differ from the report: a fourth visit with 100 women, Alfa AB with one more
employee, 4 kr more of external services and of financing from the region."""

FILLED = [
    ("        antal: 3\n", "        antal: 4\n"),
    ('"[3](tal:antal) företagsbesök."', '"[4](tal:antal) företagsbesök."'),
    ("Alla [1 004](tal:deltagare.totalt), kvinnor [50,0 %](tal:deltagare.andel_kvinnor).",
     "Alla [1 104](tal:deltagare.totalt), kvinnor [54,5 %](tal:deltagare.andel_kvinnor)."),
    ("{kvinnor: 502, totalt: 1004, andel_kvinnor: 50.0}",
     "{kvinnor: 602, totalt: 1104, andel_kvinnor: 54.5}"),
    ("[1,5](tal:program.effekt.summa.okning)", "[2,5](tal:program.effekt.summa.okning)"),
    ("anstallda_fore: 2.5, anstallda_efter: 4, okning: 1.5}",
     "anstallda_fore: 2.5, anstallda_efter: 5, okning: 2.5}"),
    ("summa: {fore: 5.5, efter: 7, okning: 1.5}", "summa: {fore: 5.5, efter: 8, okning: 2.5}"),
    ("okning_procent: 27\n", "okning_procent: 45\n"),
    ("    utfall: 150000\n    under_budget: 850000\n",
     "    utfall: 150004\n    under_budget: 849996\n"),
    ("{kategori: Externa tjänster, belopp: 50000}", "{kategori: Externa tjänster, belopp: 50004}"),
    ("summa_kostnader: 150000\n", "summa_kostnader: 150004\n"),
    ("{finansiar: Region Västerbotten, belopp: 50000}",
     "{finansiar: Region Västerbotten, belopp: 50004}"),
]
"""Each edit fill makes in the report's text (old, new): nothing else changes."""

PRINTED = (Path(__file__).parent / "golden" / "register_fill.txt").read_text(encoding="utf-8")
"""What fill prints for CHANGED ({file}: the report; no-break spaces shown as spaces)."""

WRITTEN_IN_PLACE = ("Skrev {file}.\nOriginalet finns kvar som {file}.bak.\n"
                    "Kontrollera med: slutrapport check {file}\n")
"""The last lines of PRINTED: the report written over itself, the original kept as .bak."""


def printed(path: Path, last: str) -> str:
    """What fill prints for CHANGED with ``last`` in place of the lines after the changes."""
    whole = PRINTED.format(file=path)
    tail = WRITTEN_IN_PLACE.format(file=path)
    assert whole.endswith(tail)
    return whole[:-len(tail)] + last


def files(folder: Path) -> list[str]:
    """The names in folder, a symbolic link marked with '->'."""
    return sorted(p.name + (" ->" if p.is_symlink() else "") for p in folder.iterdir())


REGISTERS = ["finansiering.xlsx", "foretag.xlsx", "huvudbok.csv", "logg.xlsx"]
"""The registers make() writes beside the report."""

def _expected(text: str) -> str:
    for old, new in FILLED:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_fill_writes_the_counted_figures_and_what_depends_on_them(tmp_path: Path) -> None:
    """Counts, head counts and amounts from the registers; shares, increases, sums, the
    outcome, the amount under budget and the links' texts follow; comments and all else stay."""
    path = make(tmp_path, **CHANGED)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (
        0, PRINTED.format(file=path))
    assert path.read_text(encoding="utf-8") == _expected(REPORT)
    assert (tmp_path / "rapport.yaml.bak").read_bytes() == before


def test_after_fill_check_finds_nothing_but_the_rows_read(tmp_path: Path) -> None:
    """The filled report agrees with its registers and with itself: only the infos remain."""
    path = make(tmp_path, **CHANGED)
    fill_file(path)
    assert [(f.severity, f.code) for f in check(load(path))] == [("info", "register-rader")] * 4


def test_fill_dry_run_prints_and_writes_nothing(tmp_path: Path) -> None:
    """--dry-run prints the same changes and leaves the file byte for byte."""
    path = make(tmp_path, **CHANGED)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path), "--dry-run"])
    expected = printed(path, "Inget skrevs (--dry-run).\n").replace("18 tal ändrades",
                                                                     "18 tal skulle ändras")
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (0, expected)
    assert (path.read_bytes(), files(tmp_path)) == (before, [*REGISTERS, "rapport.yaml"])


def test_fill_with_nothing_to_change_says_so(tmp_path: Path) -> None:
    """Registers that agree: nothing to change, the file untouched."""
    path = make(tmp_path)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output) == (
        0, f"{path}: talen stämmer redan med registren; inget att ändra.\n")
    assert path.read_text(encoding="utf-8") == REPORT


def test_fill_keeps_a_byte_order_mark_and_windows_line_ends(tmp_path: Path) -> None:
    """A file saved with BOM and CRLF keeps both; only the figures change."""
    path = make(tmp_path, **CHANGED)
    path.write_bytes(b"\xef\xbb\xbf" + REPORT.replace("\n", "\r\n").encode("utf-8"))
    fill_file(path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + _expected(REPORT).replace(
        "\n", "\r\n").encode("utf-8")


def test_fill_adds_the_count_of_an_area_that_states_none(tmp_path: Path) -> None:
    """An area with an id but no count gets one, under its heading, at the heading's indent;
    the header says a figure was added, not changed."""
    report = REPORT.replace("        antal: 2  # träffar\n", "")
    path = make(tmp_path, report=report)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output) == (0, (
        f"{path}: 1 tal lades till:\n"
        "  aktiviteter.omraden[1].antal (rad 17): — → 2\n"
        f"{WRITTEN_IN_PLACE.format(file=path)}"))
    assert path.read_text(encoding="utf-8") == report.replace(
        "      - rubrik: Mötesplatser\n", "      - rubrik: Mötesplatser\n        antal: 2\n")


def test_fill_adds_a_company_only_the_register_has_and_names_what_it_leaves(
        tmp_path: Path) -> None:
    """A company only the register has becomes the table's last row (the sums follow, the
    header counts it as a row added); a link written across lines is named for the user; fill
    writes the rest."""
    report = REPORT.replace('        text: "[3](tal:antal) företagsbesök."\n',
                            "        text: |-\n          Vi gjorde [3](tal:antal)\n"
                            "          besök och [3\n          ](tal:antal) till.\n")
    companies = [COMPANY_HEADER, ["Alfa AB", "Vännäs", 2.5, 4], ["Beta AB", "Robertsfors", 3, 3],
                 ["Gamma AB", "Vännäs", 1, 2]]
    log = [LOG_HEADER, *LOG, [D(2022, 3, 7), "foretagsbesok", "Vännäs", None, 0, 0]]
    path = make(tmp_path, report=report, companies=companies, log=log)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (0, (
        f"{path}: 7 tal ändrades och 1 rad lades till:\n"
        "  aktiviteter.omraden[0].antal (rad 15): 3 → 4\n"
        "  aktiviteter.omraden[0].text (rad 16): [3](tal:antal) → [4](tal:antal)\n"
        "  program.effekt.text (rad 29): [1,5](tal:program.effekt.summa.okning) → "
        "[2,5](tal:program.effekt.summa.okning)\n"
        "  program.effekt.foretag[2] (rad 30): — → Gamma AB: anställda 1 → 2 (blad Foretag, "
        "rad 4)\n"
        "  program.effekt.summa.efter (rad 33): 7 → 9\n"
        "  program.effekt.summa.fore (rad 33): 5,5 → 6,5\n"
        "  program.effekt.summa.okning (rad 33): 1,5 → 2,5\n"
        "  program.effekt.okning_procent (rad 34): 27 % → 38 %\n"
        "Lämnas åt dig:\n"
        "  aktiviteter.omraden[0].text: talet [3 ](tal:antal) ska nu vara [4 ](tal:antal), men "
        "länken står inte så i filen (radbruten eller med specialtecken); ändra den själv.\n"
        f"{WRITTEN_IN_PLACE.format(file=path)}"))
    expected = report
    for old, new in [("antal: 3\n", "antal: 4\n"),
                     ("Vi gjorde [3](tal:antal)", "Vi gjorde [4](tal:antal)"),
                     ("[1,5](tal:program", "[2,5](tal:program"),
                     ("anstallda_efter: 3}\n", "anstallda_efter: 3}\n        - {namn: Gamma AB, "
                      "anstallda_fore: 1, anstallda_efter: 2}\n"),
                     ("{fore: 5.5, efter: 7, okning: 1.5}", "{fore: 6.5, efter: 9, okning: 2.5}"),
                     ("okning_procent: 27", "okning_procent: 38")]:
        assert expected.count(old) == 1, old
        expected = expected.replace(old, new)
    assert path.read_text(encoding="utf-8") == expected


def test_fill_without_registers_is_refused_with_exit_2(tmp_path: Path) -> None:
    """A report that names no registers has nothing to fill from: exit 2, one line."""
    path = tmp_path / "rapport.yaml"
    path.write_text(REPORT.split("\n# Registren")[0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output) == (2, (
        f"Fel i indata: {path}: rapporten anger inga register att fylla i från; ange dem sist i "
        "filen under 'register:' (se docs/register.md)\n"))


def test_fill_with_a_register_missing_is_refused_with_exit_2(tmp_path: Path) -> None:
    """A named register that isn't there: exit 2 naming it, the file untouched."""
    path = make(tmp_path, **CHANGED)
    (tmp_path / "foretag.xlsx").unlink()
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output) == (2, (
        f"Fel i indata: {path}:47: register.foretag: registret (företagsregistret) finns inte: "
        f"{tmp_path}/foretag.xlsx\n"))
    assert path.read_bytes() == before


@pytest.mark.parametrize(("value", "shown", "written"), [
    ("2947", "2949", "2947"),
    ("2947", "2 949", "2 947"),
    ("2947", "2\u00a0949", "2\u00a0947"),
    ("12947", "9.949", "12.947"),
    ("1004", "259", "1\u00a0004"),
    ("49.83", "49,7%", "49,8%"),
    ("49.83", "49,7 %", "49,8 %"),
    ("27.1", "27%", "27%"),
    ("42.5", "43", "42,5"),
    ("42", "43,5", "42,0"),
    ("-2", "3", "\u22122"),
    ("-2", "-3", "-2"),
    ("15470694", "15 470 690kr", "15 470 694kr"),
])
def test_a_link_text_is_written_as_the_link_was(value: str, shown: str, written: str) -> None:
    """The same separator (or none), decimals, minus sign and what follows the number."""
    assert format_like(Decimal(value), shown) == written


def test_fill_keeps_quoted_figures_quoted_and_comments_beside_values(tmp_path: Path) -> None:
    """A figure written as quoted Swedish text stays so, with as many decimals; a comment after
    a value stays after the new value."""
    report = REPORT.replace("summa: {fore: 5.5, efter: 7, okning: 1.5}",
                            "summa: {fore: \"5,5\", efter: \"7\", okning: '1,5'}")
    log = [LOG_HEADER, *LOG, [D(2022, 5, 5), "motesplatser", "Vännäs", None, 0, 0]]
    companies = [COMPANY_HEADER, ["Alfa AB", "Vännäs", 2.5, 5],
                 ["Beta AB", "Robertsfors", "3,5", 3]]
    path = make(tmp_path, report=report, log=log, companies=companies)
    fill_file(path)
    expected = report
    for old, new in [
            ("antal: 2  # träffar", "antal: 3  # träffar"),
            ("[1,5](tal:program.effekt.summa.okning)", "[2,0](tal:program.effekt.summa.okning)"),
            ("anstallda_efter: 4, okning: 1.5}", "anstallda_efter: 5, okning: 2.5}"),
            ("anstallda_fore: 3, anstallda_efter: 3}", "anstallda_fore: 3.5, anstallda_efter: 3}"),
            ("summa: {fore: \"5,5\", efter: \"7\", okning: '1,5'}",
             "summa: {fore: \"6,0\", efter: \"8\", okning: '2,0'}"),
            ("okning_procent: 27\n", "okning_procent: 33\n")]:
        expected = expected.replace(old, new)
    assert path.read_text(encoding="utf-8") == expected
    assert [f.code for f in check(load(path)) if f.severity != "info"] == []


EMPTY = {"companies": [COMPANY_HEADER], "ledger": csv_bytes([LEDGER_HEADER]),
         "financing": [FINANCING_HEADER]}
"""Registers with their header row and no rows: the company register, ledger and financing."""

NOTES_EMPTY = (
    "Obs: företagsregistret har inga rader; företagstabellen lämnas som den är.\n"
    "Obs: huvudboken har inga rader; kostnaderna lämnas som de är.\n"
    "Obs: finansieringsregistret har inga rader; finansieringen lämnas som den är.\n")
"""What fill says of the EMPTY registers."""


def test_registers_without_rows_leave_their_figures_as_they_are(tmp_path: Path) -> None:
    """Empty registers compute nothing (no 0 kr, no outcome, no company rows) and fill says so;
    the activity log, which has rows, is still filled in."""
    path = make(tmp_path, log=CHANGED["log"], **EMPTY)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (0, (
        f"{NOTES_EMPTY}"
        f"{path}: 7 tal ändrades:\n"
        "  aktiviteter.omraden[0].antal (rad 15): 3 → 4\n"
        "  aktiviteter.omraden[0].text (rad 16): [3](tal:antal) → [4](tal:antal)\n"
        "  horisontella_kriterier.text (rad 21): [1 004](tal:deltagare.totalt) → "
        "[1 104](tal:deltagare.totalt)\n"
        "  horisontella_kriterier.text (rad 21): [50,0 %](tal:deltagare.andel_kvinnor) → "
        "[54,5 %](tal:deltagare.andel_kvinnor)\n"
        "  horisontella_kriterier.deltagare.andel_kvinnor (rad 22): 50,0 % → 54,5 %\n"
        "  horisontella_kriterier.deltagare.kvinnor (rad 22): 502 → 602\n"
        "  horisontella_kriterier.deltagare.totalt (rad 22): 1 004 → 1 104\n"
        f"{WRITTEN_IN_PLACE.format(file=path)}"), "")
    expected = REPORT
    for old, new in FILLED[:4]:
        expected = expected.replace(old, new)
    assert path.read_text(encoding="utf-8") == expected
    assert (tmp_path / "rapport.yaml.bak").read_bytes() == before


def test_registers_without_rows_and_nothing_else_to_change_write_nothing(
        tmp_path: Path) -> None:
    """Only empty registers besides an agreeing log: the notes, nothing to change, no file."""
    path = make(tmp_path, **EMPTY)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"{NOTES_EMPTY}{path}: inga tal att ändra.\n", "")
    assert (path.read_text(encoding="utf-8"), files(tmp_path)) == (
        REPORT, [*REGISTERS, "rapport.yaml"])


BAD_LOG = [LOG_HEADER,
           [D(2021, 3, 1), "foretagsbesok", "Vännäs", None, 1, "tre"],
           [D(2021, 4, 1), "foretagsbesok", "Umeå", None, 1, 0],
           [D(2021, 5, 1), "foretagsbesok", "Robertsfors", None, 0, 1]]
"""An activity log of three rows, two with errors: men 'tre', the municipality Umeå."""

BAD_PRINTED = (
    "{file}: registren: 2 fel, 0 varningar, 0 upplysningar\n"
    "  FEL     rad 46   register.aktivitetslogg  [register-varde]\n"
    "                   logg.xlsx, blad Logg, rad 2, kolumn F (Män): 'tre' är inget antal. Raden "
    "räknades inte.\n"
    "  FEL     rad 46   register.aktivitetslogg  [register-okant]\n"
    "                   logg.xlsx, blad Logg, rad 3, kolumn C (Kommun): kommunen 'Umeå' finns "
    "inte i rapporten; rapporten har Vännäs, Robertsfors. Raden räknades inte "
    "(register.etiketter.kommun kan ge registrets egna benämningar).\n"
    f"{NOTES_EMPTY}"
    "{file}: 7 tal {verb}:\n"
    "  aktiviteter.omraden[0].antal (rad 15): 3 → 1\n"
    "  aktiviteter.omraden[0].text (rad 16): [3](tal:antal) → [1](tal:antal)\n"
    "  horisontella_kriterier.text (rad 21): [1 004](tal:deltagare.totalt) → "
    "[1](tal:deltagare.totalt)\n"
    "  horisontella_kriterier.text (rad 21): [50,0 %](tal:deltagare.andel_kvinnor) → "
    "[0,0 %](tal:deltagare.andel_kvinnor)\n"
    "  horisontella_kriterier.deltagare.andel_kvinnor (rad 22): 50,0 % → 0,0 %\n"
    "  horisontella_kriterier.deltagare.kvinnor (rad 22): 502 → 0\n"
    "  horisontella_kriterier.deltagare.totalt (rad 22): 1 004 → 1\n"
    "Lämnas åt dig:\n"
    "  aktiviteter.omraden[1].antal: aktivitetsloggen har inga rader för Mötesplatser, men alla "
    "dess rader är från 2021-05-01, vilket inte täcker projektperioden (2020–2022); 2 lämnas. "
    "Skriv 0 själv om det stämmer.\n")
"""What fill prints with BAD_LOG and the EMPTY registers ({file}, {verb}: 'ändrades' …)."""

REFUSAL = ("eftersom registren har 2 fel: aktivitetsloggen rad 2 [register-varde], "
           "aktivitetsloggen rad 3 [register-okant] (se ovan). En rad med fel räknas inte, så "
           "talen från registren kan bli fel. Rätta registren och kör fill igen, eller skriv "
           "ändå med --force.\n")
"""The end of the message that refuses to write for BAD_LOG."""


def test_fill_refuses_to_write_when_the_registers_have_errors(tmp_path: Path) -> None:
    """Rows with errors are not counted: fill shows what it would change, names the errors and
    writes nothing (exit 1, no backup)."""
    path = make(tmp_path, log=BAD_LOG, **EMPTY)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        1, BAD_PRINTED.format(file=path, verb="skulle ändras"),
        f"Stoppad: inget skrevs, {REFUSAL}")
    assert (path.read_bytes(), files(tmp_path)) == (before, [*REGISTERS, "rapport.yaml"])


def test_fill_dry_run_with_register_errors_shows_everything_and_exits_1(tmp_path: Path) -> None:
    """--dry-run prints the errors, the changes and what is left, and ends as fill would."""
    path = make(tmp_path, log=BAD_LOG, **EMPTY)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path), "--dry-run"])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        1, BAD_PRINTED.format(file=path, verb="skulle ändras") + "Inget skrevs (--dry-run).\n",
        f"Stoppad: utan --dry-run skrivs inget, {REFUSAL}")
    assert (path.read_bytes(), files(tmp_path)) == (before, [*REGISTERS, "rapport.yaml"])


def test_fill_with_force_writes_despite_register_errors(tmp_path: Path) -> None:
    """--force writes what the counted rows give, keeping the original as .bak."""
    path = make(tmp_path, log=BAD_LOG, **EMPTY)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(path), "--force"])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, BAD_PRINTED.format(file=path, verb="ändrades") + WRITTEN_IN_PLACE.format(file=path),
        "")
    expected = REPORT
    for old, new in [("antal: 3\n", "antal: 1\n"),
                     ('"[3](tal:antal) företagsbesök."', '"[1](tal:antal) företagsbesök."'),
                     ("Alla [1 004](tal:deltagare.totalt), kvinnor [50,0 %]",
                      "Alla [1](tal:deltagare.totalt), kvinnor [0,0 %]"),
                     ("{kvinnor: 502, totalt: 1004, andel_kvinnor: 50.0}",
                      "{kvinnor: 0, totalt: 1, andel_kvinnor: 0.0}")]:
        assert expected.count(old) == 1, old
        expected = expected.replace(old, new)
    assert path.read_text(encoding="utf-8") == expected
    assert (tmp_path / "rapport.yaml.bak").read_bytes() == before


def test_fill_file_with_register_errors_raises_and_keeps_the_result(tmp_path: Path) -> None:
    """The library refuses as the command does: the errors and the planned changes go with it."""
    path = make(tmp_path, log=BAD_LOG, **EMPTY)
    before = path.read_bytes()
    with pytest.raises(FillRefusedError) as caught:
        fill_file(path)
    assert ([(f.code, f.actual) for f in caught.value.findings],
            [c.path for c in caught.value.result.changes][:1], caught.value.exit_code) == (
        [("register-varde", 2), ("register-okant", 3)], ["aktiviteter.omraden[0].antal"], 1)
    assert path.read_bytes() == before


def test_an_area_without_rows_gets_0_when_the_log_covers_the_period(tmp_path: Path) -> None:
    """The log has rows from the period's first year to its last, none for the meeting places:
    their count is 0, and the line says why."""
    log = [LOG_HEADER, LOG[0], LOG[1],
           [D(2022, 5, 3), "Uppsökande verksamhet hos företag", "vannas", None, 501, 501]]
    path = make(tmp_path, log=log)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output) == (0, (
        f"{path}: 1 tal ändrades:\n"
        "  aktiviteter.omraden[1].antal (rad 18): 2 → 0 (aktivitetsloggen har inga rader för "
        "Mötesplatser; dess rader 2020-03-02–2022-05-03 täcker projektperioden 2020–2022)\n"
        f"{WRITTEN_IN_PLACE.format(file=path)}"))
    assert path.read_text(encoding="utf-8") == REPORT.replace("antal: 2  # träffar",
                                                              "antal: 0  # träffar")


def test_a_category_without_rows_gets_0_and_the_sums_follow_when_the_ledger_covers_the_period(
        tmp_path: Path) -> None:
    """A ledger from 2020 to 2022 without external services: 0 kr, and the outcome, the amount
    under budget and the sum follow."""
    ledger = csv_bytes([LEDGER_HEADER, LEDGER[0], ["2022-02-26", "V2", "Personal", "39 999,60"]])
    path = make(tmp_path, ledger=ledger)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (0, (
        f"{path}: 4 tal ändrades:\n"
        "  ekonomi.utfall (rad 34): 150 000 kr → 100 000 kr\n"
        "  ekonomi.under_budget (rad 35): 850 000 kr → 900 000 kr\n"
        "  ekonomi.kostnader[1].belopp (rad 38): 50 000 kr → 0 kr (huvudboken har inga rader "
        "för Externa tjänster; dess rader 2020-02-28–2022-02-26 täcker projektperioden "
        "2020–2022)\n"
        "  ekonomi.summa_kostnader (rad 39): 150 000 kr → 100 000 kr\n"
        f"{WRITTEN_IN_PLACE.format(file=path)}"))
    expected = REPORT
    for old, new in [("utfall: 150000\n    under_budget: 850000\n",
                      "utfall: 100000\n    under_budget: 900000\n"),
                     ("{kategori: Externa tjänster, belopp: 50000}",
                      "{kategori: Externa tjänster, belopp: 0}"),
                     ("summa_kostnader: 150000\n", "summa_kostnader: 100000\n")]:
        assert expected.count(old) == 1, old
        expected = expected.replace(old, new)
    assert path.read_text(encoding="utf-8") == expected


def test_a_category_without_rows_is_left_when_the_ledger_stops_before_the_period_ends(
        tmp_path: Path) -> None:
    """A ledger that ends in 2021 of a period to 2022 may lack rows still to come: the amount
    stays, named for the user, and nothing is written."""
    path = make(tmp_path, ledger=csv_bytes([LEDGER_HEADER, *LEDGER[:2]]))
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (0, (
        f"{path}: inga tal att ändra.\n"
        "Lämnas åt dig:\n"
        "  ekonomi.kostnader[1].belopp: huvudboken har inga rader för Externa tjänster, men "
        "dess rader går från 2020-02-28 till 2021-02-26 och täcker inte projektperioden "
        "(2020–2022); 50 000 kr lämnas. Skriv 0 själv om det stämmer.\n"))
    assert (path.read_text(encoding="utf-8"), files(tmp_path)) == (
        REPORT, [*REGISTERS, "rapport.yaml"])


def test_a_financier_without_rows_is_left_when_the_financing_has_no_dates(
        tmp_path: Path) -> None:
    """Financing rows without dates can't show that they cover the period: the amount stays."""
    path = make(tmp_path, financing=[FINANCING_HEADER, ["Tillväxtverket", 100000, None]])
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (0, (
        f"{path}: inga tal att ändra.\n"
        "Lämnas åt dig:\n"
        "  ekonomi.finansiering[1].belopp: finansieringsregistret har inga rader för Region "
        "Västerbotten, men dess rader har inga datum, så det syns inte om de täcker "
        "projektperioden (2020–2022); 50 000 kr lämnas. Skriv 0 själv om det stämmer.\n"))
    assert path.read_text(encoding="utf-8") == REPORT


def test_fill_keeps_the_original_under_the_next_number_when_backups_exist(
        tmp_path: Path) -> None:
    """An existing FIL.bak and FIL.1.bak are never overwritten: the original goes to
    FIL.2.bak, and the command says so."""
    path = make(tmp_path, **CHANGED)
    before = path.read_bytes()
    (tmp_path / "rapport.yaml.bak").write_bytes(b"en gammal kopia\n")
    (tmp_path / "rapport.yaml.1.bak").write_bytes(b"en nyare kopia\n")
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, printed(path, f"Skrev {path}.\nOriginalet finns kvar som {path}.2.bak.\n"
                         f"Kontrollera med: slutrapport check {path}\n"), "")
    assert [(tmp_path / n).read_bytes() for n in
            ("rapport.yaml.bak", "rapport.yaml.1.bak", "rapport.yaml.2.bak")] == [
        b"en gammal kopia\n", b"en nyare kopia\n", before]
    assert path.read_text(encoding="utf-8") == _expected(REPORT)


def test_fill_with_output_writes_there_and_leaves_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-o UT.yaml beside the report: the filled text goes there; the report stays, no .bak."""
    monkeypatch.chdir(tmp_path)
    path = make(tmp_path, **CHANGED)
    result = CliRunner().invoke(main, ["fill", "rapport.yaml", "-o", "ut.yaml"])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, printed(Path("rapport.yaml"), "Skrev ut.yaml.\n"
                   "Kontrollera med: slutrapport check ut.yaml\n"), "")
    assert ((tmp_path / "ut.yaml").read_text(encoding="utf-8"), path.read_text(encoding="utf-8"),
            files(tmp_path)) == (_expected(REPORT), REPORT,
                                 [*REGISTERS, "rapport.yaml", "ut.yaml"])


def test_fill_with_output_in_another_folder_says_the_registers_are_not_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The registers are named relative to the report: an output elsewhere is told so."""
    monkeypatch.chdir(tmp_path)
    make(tmp_path, **CHANGED)
    (tmp_path / "ut").mkdir()
    result = CliRunner().invoke(main, ["fill", "rapport.yaml", "-o", "ut/rapport.yaml"])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, "Obs: registren anges relativt rapportfilen, och ut/rapport.yaml ligger i en annan "
           "mapp än rapport.yaml: 'slutrapport check ut/rapport.yaml' hittar dem inte där förrän "
           "du flyttar filen eller ändrar register.mapp.\n"
        + printed(Path("rapport.yaml"), "Skrev ut/rapport.yaml.\n"
                  "Kontrollera med: slutrapport check ut/rapport.yaml\n"), "")
    assert (tmp_path / "ut" / "rapport.yaml").read_text(encoding="utf-8") == _expected(REPORT)


def test_fill_with_a_register_as_output_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """-o naming a register would destroy it: exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    make(tmp_path, **CHANGED)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = CliRunner().invoke(main, ["fill", "rapport.yaml", "-o", "logg.xlsx"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Kan inte skriva: logg.xlsx: är samma fil som registret logg.xlsx och skrivs inte "
               "över; välj ett annat namn för utfilen\n")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(("given", "output", "backup"), [
    ("rapport.yaml", "rapport.yaml", "rapport.yaml.bak"),
    ("rapport.yaml", "./rapport.yaml", "rapport.yaml.bak"),
    ("rapport.yaml", "lank.yaml", "rapport.yaml.bak"),
    ("lank.yaml", "rapport.yaml", "lank.yaml.bak"),
])
def test_fill_with_output_the_same_file_writes_in_place_with_a_backup(
        given: str, output: str, backup: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """-o naming the report itself, also through a link, is in place: the original is kept as
    .bak, the report is filled and a link stays a link."""
    monkeypatch.chdir(tmp_path)
    path = make(tmp_path, **CHANGED)
    os.symlink("rapport.yaml", "lank.yaml")
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fill", given, "-o", output])
    shown = Path(output)  # as the command names it: ./rapport.yaml is rapport.yaml
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, printed(Path(given), f"Skrev {shown}.\nOriginalet finns kvar som {backup}.\n"
                   f"Kontrollera med: slutrapport check {shown}\n"), "")
    assert (path.read_text(encoding="utf-8"), (tmp_path / backup).read_bytes(),
            files(tmp_path)) == (_expected(REPORT), before,
                                 sorted([*REGISTERS, "rapport.yaml", "lank.yaml ->", backup]))


def test_fill_with_output_the_same_file_uses_the_next_backup_number(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In place through -o, an existing .bak is kept as without -o: the original goes to
    FIL.1.bak."""
    monkeypatch.chdir(tmp_path)
    path = make(tmp_path, **CHANGED)
    os.symlink("rapport.yaml", "lank.yaml")
    before = path.read_bytes()
    Path("rapport.yaml.bak").write_bytes(b"en gammal kopia\n")
    result = CliRunner().invoke(main, ["fill", "rapport.yaml", "-o", "lank.yaml"])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, printed(Path("rapport.yaml"), "Skrev lank.yaml.\nOriginalet finns kvar som "
                   "rapport.yaml.1.bak.\nKontrollera med: slutrapport check lank.yaml\n"), "")
    assert (path.read_text(encoding="utf-8"), Path("rapport.yaml.bak").read_bytes(),
            Path("rapport.yaml.1.bak").read_bytes(), files(tmp_path)) == (
        _expected(REPORT), b"en gammal kopia\n", before,
        sorted([*REGISTERS, "rapport.yaml", "lank.yaml ->", "rapport.yaml.bak",
                "rapport.yaml.1.bak"]))


def test_fill_refuses_when_the_register_block_names_a_heading_the_report_lacks(
        tmp_path: Path) -> None:
    """register.omraden pointing at no heading leaves the meeting places uncounted: fill names
    the block's error with the rows' and writes nothing."""
    report = REPORT.replace("    motesplatser: Mötesplatser\n", "    motesplatser: Mötesplats\n")
    path = make(tmp_path, report=report)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (1, (
        f"{path}: registren: 3 fel, 0 varningar, 0 upplysningar\n"
        "  FEL     rad 51   register.omraden.motesplatser  [register-installning]\n"
        "                   Området motesplatser hänvisar till rubriken 'Mötesplats', som inget "
        "aktivitetsområde i rapporten har; närmast: 'Mötesplatser'.\n"
        "  FEL     rad 46   register.aktivitetslogg        [register-okant]\n"
        "                   logg.xlsx, blad Logg, rad 5, kolumn B (Område): aktivitetsområdet "
        "'motesplatser' finns inte i rapporten; rapporten har foretagsbesok. Raden räknades inte "
        "(register.etiketter.omrade kan ge registrets egna benämningar).\n"
        "  FEL     rad 46   register.aktivitetslogg        [register-okant]\n"
        "                   logg.xlsx, blad Logg, rad 6, kolumn B (Område): aktivitetsområdet "
        "'Mötesplatser' finns inte i rapporten; rapporten har foretagsbesok. Raden räknades inte "
        "(register.etiketter.omrade kan ge registrets egna benämningar).\n"
        f"{path}: 3 tal skulle ändras:\n"
        "  horisontella_kriterier.text (rad 21): [1 004](tal:deltagare.totalt) → "
        "[4](tal:deltagare.totalt)\n"
        "  horisontella_kriterier.deltagare.kvinnor (rad 22): 502 → 2\n"
        "  horisontella_kriterier.deltagare.totalt (rad 22): 1 004 → 4\n"),
        "Stoppad: inget skrevs, eftersom registren har 3 fel: register.omraden.motesplatser "
        "[register-installning], aktivitetsloggen rad 5 [register-okant], aktivitetsloggen rad 6 "
        "[register-okant] (se ovan). En rad med fel räknas inte, så talen från registren kan bli "
        "fel; det som register-blocket pekar fel på jämförs inte. Rätta registren och kör fill "
        "igen, eller skriv ändå med --force.\n")
    assert (path.read_text(encoding="utf-8"), files(tmp_path)) == (
        report, [*REGISTERS, "rapport.yaml"])


def test_a_register_whose_rows_all_have_errors_counts_nothing_even_with_force(
        tmp_path: Path) -> None:
    """With --force, a log whose only row has an error leaves the counts and the participants
    as they are, and says so."""
    path = make(tmp_path, log=[LOG_HEADER, BAD_LOG[1]])
    result = CliRunner().invoke(main, ["fill", str(path), "--force"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, (
        f"{path}: registren: 1 fel, 0 varningar, 0 upplysningar\n"
        "  FEL     rad 46   register.aktivitetslogg  [register-varde]\n"
        "                   logg.xlsx, blad Logg, rad 2, kolumn F (Män): 'tre' är inget antal. "
        "Raden räknades inte.\n"
        "Obs: aktivitetsloggen har inga rader som räknades (1 med fel); områdenas antal och "
        "deltagarna lämnas som de är.\n"
        f"{path}: inga tal att ändra.\n"), "")
    assert (path.read_text(encoding="utf-8"), files(tmp_path)) == (
        REPORT, [*REGISTERS, "rapport.yaml"])


def test_fill_leaves_a_company_for_a_table_written_in_blocks_and_says_so(
        tmp_path: Path) -> None:
    """A company only the register has, in a table whose rows span lines: fill writes the
    figures it can and names the company for the user, with why it can't add the row."""
    report = REPORT.replace(
        "        - {namn: Alfa AB, anstallda_fore: 2.5, anstallda_efter: 4, okning: 1.5}\n"
        "        - {namn: Beta AB, anstallda_fore: 3, anstallda_efter: 3}\n",
        "        - namn: Alfa AB\n          anstallda_fore: 2.5\n          anstallda_efter: 4\n"
        "          okning: 1.5\n"
        "        - namn: Beta AB\n          anstallda_fore: 3\n          anstallda_efter: 3\n")
    companies = [COMPANY_HEADER, ["Alfa AB", "Vännäs", 2.5, 4], ["Beta AB", "Robertsfors", 3, 3],
                 ["Gamma AB", "Vännäs", 1, 2]]
    path = make(tmp_path, report=report, companies=companies)
    result = CliRunner().invoke(main, ["fill", str(path), "--dry-run"])
    assert (result.exit_code, result.output) == (0, (
        f"{path}: inga tal att ändra.\n"
        "Lämnas åt dig:\n"
        "  program.effekt.foretag: Företagsregistret har företaget Gamma AB (blad Foretag, "
        "rad 4), som företagstabellen saknar; skriv in det själv (fill lägger bara till rader i "
        "en lista vars rader står på en rad var, {…}).\n"))
