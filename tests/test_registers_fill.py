"""``slutrapport fill``: the registers' figures written into a copy of the report, with what
depends on them and the texts of figure links, every other byte kept; check clean afterwards."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from slutrapport import load
from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.fill import fill_file, format_like
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

def _expected(text: str) -> str:
    for old, new in FILLED:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_fill_writes_the_counted_figures_and_what_depends_on_them(tmp_path: Path) -> None:
    """Counts, head counts and amounts from the registers; shares, increases, sums, the
    outcome, the amount under budget and the links' texts follow; comments and all else stay."""
    path = make(tmp_path, **CHANGED)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (
        0, PRINTED.format(file=path))
    assert path.read_text(encoding="utf-8") == _expected(REPORT)


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
    printed = PRINTED.format(file=path).replace("18 tal ändrades", "18 tal skulle ändras")
    printed = printed.replace(f"Skrev {path}. Kontrollera med: slutrapport check {path}",
                              "Inget skrevs (--dry-run).")
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (0, printed)
    assert path.read_bytes() == before


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
    """An area with an id but no count gets one, under its heading, at the heading's indent."""
    report = REPORT.replace("        antal: 2  # träffar\n", "")
    path = make(tmp_path, report=report)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output) == (0, (
        f"{path}: 1 tal ändrades:\n"
        "  aktiviteter.omraden[1].antal (rad 17): — → 2\n"
        f"Skrev {path}. Kontrollera med: slutrapport check {path}\n"))
    assert path.read_text(encoding="utf-8") == report.replace(
        "      - rubrik: Mötesplatser\n", "      - rubrik: Mötesplatser\n        antal: 2\n")


def test_fill_names_what_it_leaves_for_the_user(tmp_path: Path) -> None:
    """A company only the register has, and a link written across lines, are named; fill
    writes the rest."""
    report = REPORT.replace('        text: "[3](tal:antal) företagsbesök."\n',
                            "        text: |-\n          Vi gjorde [3](tal:antal)\n"
                            "          besök och [3\n          ](tal:antal) till.\n")
    companies = [COMPANY_HEADER, ["Alfa AB", "Vännäs", 2.5, 4], ["Beta AB", "Robertsfors", 3, 3],
                 ["Gamma AB", "Vännäs", 1, 2]]
    log = [LOG_HEADER, *LOG, [D(2022, 3, 7), "foretagsbesok", "Vännäs", None, 0, 0]]
    path = make(tmp_path, report=report, companies=companies, log=log)
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, result.output) == (0, (
        f"{path}: 2 tal ändrades:\n"
        "  aktiviteter.omraden[0].antal (rad 15): 3 → 4\n"
        "  aktiviteter.omraden[0].text (rad 16): [3](tal:antal) → [4](tal:antal)\n"
        "Lämnas åt dig:\n"
        "  program.effekt.foretag: Företagsregistret har Gamma AB (blad Foretag, rad 4), som "
        "företagstabellen saknar.\n"
        "  aktiviteter.omraden[0].text: talet [3 ](tal:antal) ska nu vara [4 ](tal:antal), men "
        "länken står inte så i filen (radbruten eller med specialtecken); ändra den själv.\n"
        f"Skrev {path}. Kontrollera med: slutrapport check {path}\n"))
    assert path.read_text(encoding="utf-8") == report.replace(
        "antal: 3\n", "antal: 4\n").replace("Vi gjorde [3](tal:antal)", "Vi gjorde [4](tal:antal)")


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
        f"Fel i indata: foretag.xlsx: registret (företagsregistret) finns inte: "
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
