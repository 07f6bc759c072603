"""The ledger and the financing counted once for ``check`` and ``fill``: a bad row (an unknown
or empty category, an unreadable amount or date, a duplicate, a date outside the period, öre)
gives both the same figures, and every krona left out, kept as stated or rounded is said."""

from __future__ import annotations

import datetime as _dt
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slutrapport import load
from slutrapport._registercheck import register_findings
from slutrapport.cli import main
from slutrapport.fill import Change, FillResult, changes_header, fill_file
from slutrapport.registers import round_to_total
from tests.registerdata import LEDGER, LEDGER_HEADER, REPORT, csv_bytes, make
from tests.test_registers import INFOS, found, info

NB = "\u00a0"

BASE = [LEDGER_HEADER, *LEDGER[:2], ["2021-09-30", "V3", "Externa tjänster", "50 004,00"]]
"""A ledger 4 kr over the report's external services: check and fill both have figures to give
(Personal 100 000, Externa tjänster 50 004, the sum and outcome 150 004)."""

NOT_COUNTED = {
    "okänt kostnadsslag": (["2021-10-01", "V4", "Resa", "470 000,00"], "register-okant",
                           "kolumn 3 (Kategori): kostnadsslaget 'Resa' finns inte i rapporten; "
                           "närmast: Personal. Raden räknades inte (register.etiketter.kategori "
                           "kan ge registrets egna benämningar).", f"470{NB}000"),
    "tomt kostnadsslag": (["2021-10-01", "V4", "", "1 000,00"], "register-varde",
                          "kolumn 3 (Kategori): kategori saknas. Raden räknades inte.",
                          f"1{NB}000"),
    "oläsligt belopp": (["2021-10-01", "V4", "Personal", "tusen"], "register-varde",
                        "kolumn 4 (Belopp): 'tusen' är inget belopp. Raden räknades inte.", None),
    "oläsligt datum": (["1/10-21", "V4", "Personal", "1 000,00"], "register-varde",
                       "kolumn 1 (Datum): '1/10-21' är inget datum (skriv ÅÅÅÅ-MM-DD). Raden "
                       "räknades inte.", f"1{NB}000"),
    "datum saknas": (["", "V4", "Personal", "1 000,00"], "register-varde",
                     "kolumn 1 (Datum): datum saknas. Raden räknades inte.", f"1{NB}000"),
}
"""Rows that are not counted (an error on the row): the row, the problem's code and message
after 'huvudbok.csv, rad 5, ', and the amount the sums lack (None: unreadable)."""


def _ledger_info(rows: int, skipped: int) -> tuple[str, str, str, int | None, str]:
    return info("kostnader", rows, skipped)


def _sums(counted: str, note: str) -> list[tuple[str, str, str, int | None, str]]:
    """The ledger's three disagreements with the report for BASE plus a row, with ``note``."""
    return [
        ("error", "register-kostnad", "ekonomi.utfall", 34,
         f"Utfall: 150{NB}000{NB}kr angivet, huvudboken har {counted}{NB}kr (rad 2–5).{note}"),
        ("error", "register-kostnad", "ekonomi.kostnader[1].belopp", 38,
         f"Externa tjänster: 50{NB}000{NB}kr angivet, huvudboken har 50{NB}004{NB}kr (rad 4)."),
        ("error", "register-kostnad", "ekonomi.summa_kostnader", 39,
         f"Summa kostnader: 150{NB}000{NB}kr angivet, huvudboken har {counted}{NB}kr "
         f"(rad 2–5).{note}"),
    ]


def figures_of_check(path: Path) -> dict[str, Any]:
    """The economy's figures as check counts them: the stated one where check finds nothing,
    else the counted one its finding gives; a figure the ledger can't tell as its reason."""
    report = load(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["avsnitt"][3]
    out: dict[str, Any] = {"utfall": data["utfall"], "summa_kostnader": data["summa_kostnader"]}
    out |= {f"kostnader[{j}]": k["belopp"] for j, k in enumerate(data["kostnader"])}
    for code, _severity, loc, message, expected, _actual in register_findings(report):
        if code != "register-kostnad" or loc[-1] == "kostnader":
            continue
        name = str(loc[2]) if len(loc) == 3 else f"kostnader[{loc[3]}]"
        out[name] = _cause(message.split(". ", 1)[1]) if "lämnas" in message else expected
    return out


def _cause(reason: str) -> str:
    """A reason a figure is left, up to its cause: 'Huvudboken har inga rader för X'."""
    cause = re.split(r";|, men ", reason)[0]
    return cause[:1].upper() + cause[1:]


def figures_of_fill(path: Path) -> dict[str, Any]:
    """The economy's figures as ``fill --dry-run`` would write them; a figure it leaves as the
    reason it gives."""
    result = fill_file(path, dry_run=True)
    data = yaml.safe_load(result.text)["avsnitt"][3]
    out: dict[str, Any] = {"utfall": data["utfall"], "summa_kostnader": data["summa_kostnader"]}
    out |= {f"kostnader[{j}]": k["belopp"] for j, k in enumerate(data["kostnader"])}
    for note in result.left:
        where, reason = note.split(": ", 1)
        out[where.removeprefix("ekonomi.").removesuffix(".belopp")] = _cause(reason)
    for note in result.notes:  # a ledger without counted rows: every category left as it is
        if note.startswith("huvudboken har inga rader"):
            out |= {f"kostnader[{j}]": _cause(note) for j in range(len(data["kostnader"]))}
    return out


def fill_output(path: Path) -> tuple[int, str]:
    """``fill --dry-run``'s exit code and output, the file shown as {file}, no-break spaces as
    spaces."""
    result = CliRunner().invoke(main, ["fill", str(path), "--dry-run"])
    return result.exit_code, result.output.replace(str(path), "{file}").replace(NB, " ")


@pytest.mark.parametrize("kind", sorted(NOT_COUNTED))
def test_a_row_not_counted_is_named_by_check_and_fill_with_the_sums_it_is_missing_from(
        tmp_path: Path, kind: str) -> None:
    """Check and fill give the outcome and the sum without the row, and both say which row and
    how much money they lack; the row's own error names it (with the nearest category)."""
    row, code, problem, amount = NOT_COUNTED[kind]
    path = make(tmp_path, ledger=csv_bytes([*BASE, row]))
    lacks = f"rad 5 med {amount}{NB}kr" if amount else "rad 5 vars belopp inte kan läsas"
    note = f" Utan {lacks}, som inte räknades: raden har fel."
    assert found(path) == [
        *_sums(f"150{NB}004", note),
        ("error", code, "register.kostnader", 48, f"huvudbok.csv, rad 5, {problem}"),
        *INFOS[:2], _ledger_info(4, 1), INFOS[3],
    ]
    said = note[1:].replace(NB, " ").rstrip(".")
    said = said[:1].lower() + said[1:]
    assert fill_output(path) == (1, (
        "{file}: registren: 1 fel, 0 varningar, 0 upplysningar\n"
        f"  FEL     rad 48   register.kostnader  [{code}]\n"
        f"                   huvudbok.csv, rad 5, {problem}\n"
        "{file}: 4 tal skulle ändras:\n"
        f"  ekonomi.utfall (rad 34): 150 000 kr → 150 004 kr ({said})\n"
        "  ekonomi.under_budget (rad 35): 850 000 kr → 849 996 kr\n"
        "  ekonomi.kostnader[1].belopp (rad 38): 50 000 kr → 50 004 kr\n"
        f"  ekonomi.summa_kostnader (rad 39): 150 000 kr → 150 004 kr ({said})\n"
        "Inget skrevs (--dry-run).\n"
        "Stoppad: utan --dry-run skrivs inget, eftersom registren har 1 fel: huvudboken rad 5 "
        f"[{code}] (se ovan). En rad med fel räknas inte, så talen från registren kan bli fel. "
        "Rätta registren och kör fill igen, eller skriv ändå med --force.\n"))
    assert figures_of_check(path) == figures_of_fill(path) == {
        "utfall": 150004, "summa_kostnader": 150004, "kostnader[0]": 100000,
        "kostnader[1]": 50004}


COUNTED = {
    "dubblett": (["2021-09-30", "V3", "Externa tjänster", "50 004,00"], "register-dubblett",
                 "huvudbok.csv, rad 5: troligen en dubblett av rad 4 (samma verifikation, "
                 "kostnadsslag och belopp); raden räknas. Är det inte samma, skriv något i "
                 "kolumnen Ej dubblett på den senare raden (eller ange den under "
                 "register.ej_dubbletter.kostnader).",
                 {"utfall": 200008, "summa_kostnader": 200008, "kostnader[0]": 100000,
                  "kostnader[1]": 100008}),
    "datum utanför perioden": (["2023-02-01", "V4", "Personal", "1 000,00"], "register-datum",
                               "huvudbok.csv, rad 5, kolumn 1 (Datum): 2023-02-01 ligger "
                               "utanför projektperioden 2020-01-01–2022-12-31 (projekt.period); "
                               "raden räknas.",
                               {"utfall": 151004, "summa_kostnader": 151004,
                                "kostnader[0]": 101000, "kostnader[1]": 50004}),
}
"""Rows counted with a warning: the row, the warning's code and message, the figures."""


@pytest.mark.parametrize("kind", sorted(COUNTED))
def test_a_row_counted_with_a_warning_gives_check_and_fill_the_same_figures(
        tmp_path: Path, kind: str) -> None:
    """A likely duplicate or a date outside the period is counted by both, with its warning."""
    row, code, warning, figures = COUNTED[kind]
    path = make(tmp_path, ledger=csv_bytes([*BASE, row]))
    total = f"{figures['utfall'] // 1000}{NB}{figures['utfall'] % 1000:03d}"
    expected = _sums(total, "")
    if figures["kostnader[0]"] != 100000:
        personal = f"{figures['kostnader[0]'] // 1000}{NB}{figures['kostnader[0]'] % 1000:03d}"
        expected.insert(1, ("error", "register-kostnad", "ekonomi.kostnader[0].belopp", 37,
                            f"Personal: 100{NB}000{NB}kr angivet, huvudboken har "
                            f"{personal}{NB}kr (rad 2–3, 5)."))
    else:
        expected[1] = (*expected[1][:4], expected[1][4].replace(
            f"50{NB}004{NB}kr (rad 4)", f"100{NB}008{NB}kr (rad 4–5)"))
    assert found(path) == [
        *expected, ("warning", code, "register.kostnader", 48, warning),
        *INFOS[:2], _ledger_info(4, 0), INFOS[3]]
    assert figures_of_check(path) == figures_of_fill(path) == figures


def test_ore_are_summed_exactly_and_rounded_once_with_a_warning(tmp_path: Path) -> None:
    """100 000,50 kr is not rounded on its row: the category's and the outcome's öre are
    summed, each sum rounded once, and check and fill say so with the same figures."""
    path = make(tmp_path, ledger=csv_bytes([*BASE, ["2021-10-01", "V4", "Personal",
                                                    "100 000,50"]]))
    rounding = (f"Huvudboken har belopp med ören: 3 rader (rad 2–3, 5). Beloppen summeras i ören "
                "och varje summa avrundas en gång till hela kronor (50 öre uppåt; tabellens "
                f"rader så att de summerar till summan): Personal 200{NB}000,50{NB}kr → "
                f"200{NB}001{NB}kr; summan 250{NB}004,50{NB}kr → 250{NB}005{NB}kr.")
    total_note = f" Summan 250{NB}004,50{NB}kr i ören avrundad en gång till hela kronor."
    expected = _sums(f"250{NB}005", total_note)
    expected.insert(1, ("error", "register-kostnad", "ekonomi.kostnader[0].belopp", 37,
                        f"Personal: 100{NB}000{NB}kr angivet, huvudboken har 200{NB}001{NB}kr "
                        f"(rad 2–3, 5). 200{NB}000,50{NB}kr i ören, avrundat till hela kronor "
                        "så att raderna summerar till summan avrundad en gång."))
    assert found(path) == [
        *expected, ("warning", "register-oren", "register.kostnader", 48, rounding),
        *INFOS[:2], _ledger_info(4, 0), INFOS[3]]
    assert fill_output(path) == (0, (
        "{file}: registren: 0 fel, 1 varning, 0 upplysningar\n"
        "  VARNING rad 48   register.kostnader  [register-oren]\n"
        f"                   {rounding.replace(NB, ' ')}\n"
        "{file}: 5 tal skulle ändras:\n"
        "  ekonomi.utfall (rad 34): 150 000 kr → 250 005 kr (summan 250 004,50 kr i ören "
        "avrundad en gång till hela kronor)\n"
        "  ekonomi.under_budget (rad 35): 850 000 kr → 749 995 kr\n"
        "  ekonomi.kostnader[0].belopp (rad 37): 100 000 kr → 200 001 kr (200 000,50 kr i "
        "ören, avrundat till hela kronor så att raderna summerar till summan avrundad en "
        "gång)\n"
        "  ekonomi.kostnader[1].belopp (rad 38): 50 000 kr → 50 004 kr\n"
        "  ekonomi.summa_kostnader (rad 39): 150 000 kr → 250 005 kr (summan 250 004,50 kr i "
        "ören avrundad en gång till hela kronor)\n"
        "Inget skrevs (--dry-run).\n"))
    assert figures_of_check(path) == figures_of_fill(path) == {
        "utfall": 250005, "summa_kostnader": 250005, "kostnader[0]": 200001,
        "kostnader[1]": 50004}


def test_ore_that_add_up_to_whole_kronor_change_nothing_and_are_not_flagged(
        tmp_path: Path) -> None:
    """60 000,40 + 39 999,60 is 100 000 exactly: nothing is rounded, so nothing is said."""
    path = make(tmp_path)
    assert [f for f in found(path) if f[0] != "info"] == []


def test_financing_with_ore_is_rounded_once_for_the_financier_and_the_sum(
        tmp_path: Path) -> None:
    """Two halves of a krona from one financier make a whole one: the row is not rounded on
    its own (it would give 50 001), and the warning names the rows and the rounding."""
    report = REPORT.replace("      - {finansiar: Region Västerbotten, belopp: 50000}\n",
                            "      - {finansiar: Region Västerbotten, belopp: 50000}\n"
                            "    summa_finansiering: 150000\n")
    financing = [["Finansiär", "Belopp", "Datum"], ["Tillväxtverket", "100 000,25", None],
                 ["Region Västerbotten", "49 999,50", None],
                 ["Region Västerbotten", "0,50", None]]
    path = make(tmp_path, report=report, financing=financing)
    assert found(path) == [
        ("warning", "register-oren", "register.finansiering", 50,
         "Finansieringsregistret har belopp med ören: 3 rader (blad Finansiering, rad 2–4). "
         "Beloppen summeras i ören och varje summa avrundas en gång till hela kronor (50 öre "
         "uppåt; tabellens rader så att de summerar till summan): Tillväxtverket "
         f"100{NB}000,25{NB}kr → 100{NB}000{NB}kr; summan 150{NB}000,25{NB}kr → "
         f"150{NB}000{NB}kr."),
        *[(*i[:3], (i[3] or 0) + 1, i[4]) for i in INFOS[:3]],
        ("info", "register-rader", "register.finansiering", 50,
         "finansieringsregistret (finansiering.xlsx, blad Finansiering): 3 rader lästa, 0 "
         "räknades inte."),
    ]
    assert fill_file(path, dry_run=True).changes == []


def test_a_category_the_ledger_cannot_tell_keeps_its_figure_in_the_outcome_for_both(
        tmp_path: Path) -> None:
    """The outside review's case: a ledger that stops in 2021 of a period to 2022 has no rows
    for external services, and a row with an unknown category. Both check and fill keep the
    category's stated 50 000 kr in the outcome (150 000 kr), say so, and leave the row out,
    saying that too — where check once said 100 000 kr and fill 150 000 kr without a word."""
    report = REPORT.replace("utfall: 150000", "utfall: 0").replace("summa_kostnader: 150000",
                                                                   "summa_kostnader: 0")
    ledger = csv_bytes([LEDGER_HEADER, *LEDGER[:2], ["2021-10-01", "V4", "Resa", "50 000,00"]])
    path = make(tmp_path, report=report, ledger=ledger)
    note = (f"Med Externa tjänster 50{NB}000{NB}kr som rapporten anger, då huvudboken inte har "
            f"några rader för det; utan rad 4 med 50{NB}000{NB}kr, som inte räknades: raden "
            "har fel")
    left = ("huvudboken har inga rader för Externa tjänster, men dess rader går från "
            "2020-02-28 till 2021-02-26 och täcker inte projektperioden (2020–2022); "
            f"50{NB}000{NB}kr lämnas. Skriv 0 själv om det stämmer.")
    ledger_findings = [(f[1], f[2], f[4]) for f in found(path)
                       if f[1].startswith("register-") and f[1] != "register-rader"]
    assert ledger_findings == [
        ("register-kostnad", "ekonomi.utfall",
         f"Utfall: 0{NB}kr angivet, huvudboken har 150{NB}000{NB}kr (rad 2–4). {note}."),
        ("register-kostnad", "ekonomi.kostnader[1].belopp",
         f"Externa tjänster: 50{NB}000{NB}kr angivet, huvudboken har 0{NB}kr (inga rader). "
         f"{left[:1].upper()}{left[1:]}"),
        ("register-kostnad", "ekonomi.summa_kostnader",
         f"Summa kostnader: 0{NB}kr angivet, huvudboken har 150{NB}000{NB}kr (rad 2–4). "
         f"{note}."),
        ("register-okant", "register.kostnader",
         "huvudbok.csv, rad 4, kolumn 3 (Kategori): kostnadsslaget 'Resa' finns inte i "
         "rapporten; närmast: Personal. Raden räknades inte (register.etiketter.kategori kan ge "
         "registrets egna benämningar)."),
    ]
    said = (note[:1].lower() + note[1:]).replace(NB, " ")
    code, output = fill_output(path)
    assert (code, output.split("{file}: 2 tal skulle ändras:\n", 1)[1]) == (1, (
        f"  ekonomi.utfall (rad 34): 0 kr → 150 000 kr ({said})\n"
        f"  ekonomi.summa_kostnader (rad 39): 0 kr → 150 000 kr ({said})\n"
        "Lämnas åt dig:\n"
        f"  ekonomi.kostnader[1].belopp: {left.replace(NB, ' ')}\n"
        "Inget skrevs (--dry-run).\n"
        "Stoppad: utan --dry-run skrivs inget, eftersom registren har 1 fel: huvudboken rad 4 "
        "[register-okant] (se ovan). En rad med fel räknas inte, så talen från registren kan "
        "bli fel. Rätta registren och kör fill igen, eller skriv ändå med --force.\n"))
    assert figures_of_check(path) == figures_of_fill(path) == {
        "utfall": 150000, "summa_kostnader": 150000, "kostnader[0]": 100000,
        "kostnader[1]": "Huvudboken har inga rader för Externa tjänster"}


# --- any ledger ---------------------------------------------------------------------------------

_GOOD = st.tuples(
    st.dates(_dt.date(2020, 1, 1), _dt.date(2022, 12, 31)).map(_dt.date.isoformat),
    st.sampled_from(["Personal", "Externa tjänster", "personal"]),
    st.integers(1, 500_000_00).map(lambda c: f"{Decimal(c) / 100:.2f}".replace(".", ",")))
_BAD = st.one_of(
    st.tuples(st.just("2021-05-05"), st.sampled_from(["Resa", "Övrigt", "Externa tjänst"]),
              st.sampled_from(["470 000,00", "1,50", "12"])),
    st.tuples(st.just("2021-05-05"), st.just(""), st.just("1 000")),
    st.tuples(st.just("2021-05-05"), st.just("Personal"), st.sampled_from(["tusen", "1.2.3"])),
    st.tuples(st.sampled_from(["", "1/5-21", "2021-13-01"]), st.just("Personal"),
              st.just("2 000,25")),
    st.tuples(st.just("2024-01-01"), st.just("Personal"), st.just("3 000,75")),
)
_EXAMPLES = 300 if os.environ.get("SLUTRAPPORT_SLOW") == "1" else 12
"""Ledgers tried: few by default (each writes and reads a report), many with SLUTRAPPORT_SLOW=1."""

_ROWS = st.lists(st.one_of(_GOOD, _GOOD, _BAD, st.just("dubblett")), min_size=1, max_size=12)


@settings(max_examples=_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=_ROWS)
def test_any_ledger_gives_check_and_fill_the_same_figures(tmp_path: Path,
                                                          rows: list[Any]) -> None:
    """Whatever good and bad rows a ledger has, check's figures are the ones fill would write
    (or leave, for the same reason), and a sum missing a row that was not counted says so in
    both."""
    table = [LEDGER_HEADER]
    for n, row in enumerate(rows):
        if row == "dubblett":  # the row before, copied with its voucher
            table.append(list(table[-1]) if len(table) > 1 else
                         ["2021-01-01", "V0", "Personal", "5"])
        else:
            table.append([row[0], f"V{n}", row[1], row[2]])
    path = make(tmp_path, ledger=csv_bytes(table))
    assert figures_of_check(path) == figures_of_fill(path)
    result = fill_file(path, dry_run=True)
    uncounted = [f for f in result.problems if f.severity == "error"
                 and f.path == "register.kostnader"]
    for change in result.changes:
        if change.path in ("ekonomi.utfall", "ekonomi.summa_kostnader") and uncounted:
            assert change.note is not None and "som inte räknades" in change.note, change


def test_round_to_total_keeps_each_within_a_krona_and_the_sum_rounded_once() -> None:
    """Halves that would each round up give the sum rounded once; whole amounts stay."""
    assert round_to_total([Decimal("0.50"), Decimal("0.50"), Decimal("0.50")]) == ([1, 1, 0], 2)
    assert round_to_total([Decimal("-0.50"), Decimal("10")]) == ([0, 10], 10)
    assert round_to_total([Decimal(7), Decimal(8)]) == ([7, 8], 15)
    assert round_to_total([]) == ([], 0)


def test_the_header_tells_changed_figures_from_added_ones_and_rows() -> None:
    """'N tal ändrades, M tal lades till och K rader lades till', as what would happen when
    nothing was written."""
    result = FillResult(changes=[
        Change("a", 1, "1", "2"), Change("b", 2, "3", "4"),
        Change("c", 3, "—", "5", added="tal"), Change("d", 4, "—", "556036-0793",
                                                      added="organisationsnummer"),
        Change("e[2]", 5, "—", "Gamma AB", added="rad"),
        Change("e[3]", 5, "—", "Delta AB", added="rad")])
    assert changes_header(result) == (
        "2 tal skulle ändras, 1 tal skulle läggas till, 1 organisationsnummer skulle läggas till "
        "och 2 rader skulle läggas till")
    result.written = True
    assert changes_header(result) == (
        "2 tal ändrades, 1 tal lades till, 1 organisationsnummer lades till och 2 rader lades "
        "till")


def test_a_financing_row_not_counted_is_named_with_the_sum_it_is_missing_from(
        tmp_path: Path) -> None:
    """The financing is counted the same way: an unknown financier's row is an error naming the
    report's financiers, and the stated sum's finding and fill's change both name the row and
    its amount."""
    report = REPORT.replace("      - {finansiar: Region Västerbotten, belopp: 50000}\n",
                            "      - {finansiar: Region Västerbotten, belopp: 50000}\n"
                            "    summa_finansiering: 150000\n")
    financing = [["Finansiär", "Belopp", "Datum"], ["Tillväxtverket", 100000, None],
                 ["Region Västerbotten", 50004, None], ["Almi", 5000, None]]
    path = make(tmp_path, report=report, financing=financing)
    unknown = ("finansiering.xlsx, blad Finansiering, rad 4, kolumn A (Finansiär): finansiären "
               "'Almi' finns inte i rapporten; rapporten har Tillväxtverket, Region "
               "Västerbotten. Raden räknades inte (register.etiketter.finansiar kan ge "
               "registrets egna benämningar).")
    assert found(path) == [
        ("error", "register-finansiering", "ekonomi.finansiering[1].belopp", 42,
         f"Region Västerbotten: 50{NB}000{NB}kr angivet, finansieringsregistret har "
         f"50{NB}004{NB}kr (blad Finansiering, rad 3)."),
        ("error", "register-finansiering", "ekonomi.summa_finansiering", 43,
         f"Summa finansiering: 150{NB}000{NB}kr angivet, finansieringsregistret har "
         f"150{NB}004{NB}kr (blad Finansiering, rad 2–4). Utan rad 4 med 5{NB}000{NB}kr, som "
         "inte räknades: raden har fel."),
        ("error", "register-okant", "register.finansiering", 50, unknown),
        *[(*i[:3], (i[3] or 0) + 1, i[4]) for i in INFOS[:3]],
        ("info", "register-rader", "register.finansiering", 50,
         "finansieringsregistret (finansiering.xlsx, blad Finansiering): 3 rader lästa, 1 "
         "räknades inte."),
    ]
    assert fill_output(path) == (1, (
        "{file}: registren: 1 fel, 0 varningar, 0 upplysningar\n"
        "  FEL     rad 50   register.finansiering  [register-okant]\n"
        f"                   {unknown}\n"
        "{file}: 2 tal skulle ändras:\n"
        "  ekonomi.finansiering[1].belopp (rad 42): 50 000 kr → 50 004 kr\n"
        "  ekonomi.summa_finansiering (rad 43): 150 000 kr → 150 004 kr (utan rad 4 med "
        "5 000 kr, som inte räknades: raden har fel)\n"
        "Inget skrevs (--dry-run).\n"
        "Stoppad: utan --dry-run skrivs inget, eftersom registren har 1 fel: "
        "finansieringsregistret rad 4 [register-okant] (se ovan). En rad med fel räknas inte, "
        "så talen från registren kan bli fel. Rätta registren och kör fill igen, eller skriv "
        "ändå med --force.\n"))


def test_a_category_listed_twice_is_one_sum_counted_once_by_both(tmp_path: Path) -> None:
    """A table naming Personal twice shows the ledger's Personal on both rows and counts it
    once in the outcome, in check and in fill alike."""
    report = REPORT.replace("      - {kategori: Externa tjänster, belopp: 50000}\n",
                            "      - {kategori: Externa tjänster, belopp: 50000}\n"
                            "      - {kategori: Personal, belopp: 100000}\n")
    path = make(tmp_path, report=report, ledger=csv_bytes(BASE))
    assert figures_of_check(path) == figures_of_fill(path) == {
        "utfall": 150004, "summa_kostnader": 150004, "kostnader[0]": 100000,
        "kostnader[1]": 50004, "kostnader[2]": 100000}
