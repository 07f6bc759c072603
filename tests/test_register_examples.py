"""The example registers (fixtures/register/): made by their script, read without a problem, and
adding up to the examples' published figures — NIS 6.0's errors included, seen from the source."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import shutil
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest

from slutrapport import load
from slutrapport.kinds.aktiviteter import Aktiviteter
from slutrapport.kinds.ekonomi import Ekonomi
from slutrapport.kinds.foretagsprogram import Foretagsprogram
from slutrapport.kinds.horisontella_kriterier import HorisontellaKriterier
from slutrapport.models import Slutrapport
from slutrapport.names import slug
from slutrapport.registers import (
    Registers,
    aktiviteter_per_kommun,
    aktiviteter_per_omrade,
    deltagare_totalt,
    finansiering_per_finansiar,
    kostnader_per_kategori,
    read_registers,
)

ROOT = Path(__file__).parents[1]
EXAMPLES = ["nis60", "lappland20"]


def _script() -> ModuleType:
    path = ROOT / "fixtures" / "register" / "make_nis60.py"
    spec = importlib.util.spec_from_file_location("make_nis60", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_nis60"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _script()


def with_registers(name: str, folder: Path) -> Path:
    """The example's report with its register block at the end, in ``folder`` beside a copy of
    fixtures/register (the block is fixtures/register/NAME-register.yaml until the example
    itself carries it; a link would lead outside the folder, which a register may not)."""
    fixture = ROOT / "fixtures" / f"{name}.yaml"
    text = fixture.read_text(encoding="utf-8")
    if "\nregister:" in text:
        return fixture
    report = folder / f"{name}.yaml"
    block = (ROOT / "fixtures" / "register" / f"{name}-register.yaml").read_text(encoding="utf-8")
    report.write_text(text + block, encoding="utf-8")
    shutil.copytree(ROOT / "fixtures" / "register", folder / "register")
    return report


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Slutrapport, Registers]:
    """An example report and what its registers hold."""
    report = load(with_registers(request.param, tmp_path_factory.mktemp(request.param)))
    return report, read_registers(report)


@pytest.fixture(scope="module")
def nis(tmp_path_factory: pytest.TempPathFactory) -> tuple[Slutrapport, Registers]:
    report = load(with_registers("nis60", tmp_path_factory.mktemp("nis")))
    return report, read_registers(report)


def _cells(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@pytest.mark.parametrize("name", [*EXAMPLES, "nis70"])
def test_the_script_makes_the_committed_registers(script: ModuleType, name: str) -> None:
    """Run again, the seeded script gives the same rows as the files in the repository, the
    ledger the same bytes and the register block the same lines."""
    chosen = next(e for e in script.EXAMPLES if e.name == name)
    made = script.files(chosen)
    folder = ROOT / "fixtures" / "register" / name
    block = script.block(chosen, load(ROOT / "fixtures" / f"{name}.yaml"))
    assert sorted(made) == sorted(p.name for p in folder.iterdir())
    assert block == (folder.parent / f"{name}-register.yaml").read_text(encoding="utf-8")
    for file, data in made.items():
        stored = (folder / file).read_bytes()
        if file.endswith(".csv"):
            assert data == stored
        else:
            assert _cells(data) == _cells(stored), file


def test_every_row_of_the_example_registers_is_read_and_counted(
        example: tuple[Slutrapport, Registers]) -> None:
    """No register problem: only the read-count notes, each saying no row was left out."""
    _, registers = example
    assert [(p.code, p.severity) for p in registers.problem] == [
        ("register-rader", "info")] * len(registers.lasta)
    assert [r.ej_raknade for r in registers.lasta.values()] == [0] * len(registers.lasta)
    participants = ["deltagare"] if registers.lasta.get("deltagare") else []
    assert list(registers.lasta) == ["aktivitetslogg", *participants, "foretag", "kostnader",
                                     "finansiering"]


def _stated_counts(report: Slutrapport) -> dict[str, int]:
    """Every stated activity count by the area's id (the register block's, or the section's)."""
    block = report.register
    assert block is not None
    ids = {heading: i for i, heading in block.omraden.items()}
    out: dict[str, int] = {}
    for section in report.sections(Aktiviteter):
        assert isinstance(section, Aktiviteter)
        if section.antal is not None:
            out[section.name] = section.antal
        out.update({ids[a.rubrik]: a.antal for a in section.omraden if a.antal is not None})
    return out


def test_the_activity_log_has_each_area_s_stated_count(
        example: tuple[Slutrapport, Registers]) -> None:
    """One row per activity: the rows per area are the counts the report states."""
    report, registers = example
    assert aktiviteter_per_omrade(registers.aktivitetslogg) == _stated_counts(report)


def test_nis_counts_are_the_published_ones(nis: tuple[Slutrapport, Registers]) -> None:
    """NIS 6.0 as published: 259 company visits, 216 meeting places, 31, 103, 7, 66, 152, 26
    (Samverkan Umeå's own) and 68; 1 466 women and 1 483 men."""
    _, registers = nis
    per_area = aktiviteter_per_omrade(registers.aktivitetslogg)
    assert [per_area[i] for i in ("foretagsbesok", "motesplatser", "natverk_kvinnor",
                                  "samordning", "marknadsforing", "innovation",
                                  "omvarldsbevakning", "samverkan_umea", "struktur")] == [
        259, 216, 31, 103, 7, 66, 152, 26, 68]
    participants = deltagare_totalt(registers.aktivitetslogg)
    assert (participants.kvinnor, participants.man, participants.totalt,
            participants.andel_kvinnor) == (1466, 1483, 2949, Decimal("49.7"))


def test_the_participants_are_the_report_s(example: tuple[Slutrapport, Registers]) -> None:
    """Women and men over the whole log are the report's participants."""
    report, registers = example
    stated = next(s for s in report.avsnitt if isinstance(s, HorisontellaKriterier)).deltagare
    counted = deltagare_totalt(registers.aktivitetslogg)
    assert (counted.kvinnor, counted.totalt) == (stated.kvinnor, stated.totalt_beraknat)


def test_activities_are_dated_within_the_period_and_spread_over_every_municipality(
        example: tuple[Slutrapport, Registers]) -> None:
    """Every date lies in the project's period, and every municipality has activities."""
    from slutrapport.fields import date_bounds

    report, registers = example
    start = date_bounds(report.projekt.period.fran)[0]
    end = date_bounds(report.projekt.period.till)[1]
    dates = [a.datum for a in registers.aktivitetslogg]
    per_municipality = aktiviteter_per_kommun(registers.aktivitetslogg)
    assert (start <= min(dates), max(dates) <= end) == (True, True)
    assert sorted(k for k in per_municipality if k is not None) == sorted(
        slug(n) for n in report.projekt.kommuner)
    assert min(v for k, v in per_municipality.items() if k is not None) >= 10


def test_no_two_activities_look_like_a_row_typed_twice(
        example: tuple[Slutrapport, Registers]) -> None:
    """No two rows share date, area, municipality and participants."""
    _, registers = example
    keys = Counter((a.datum, a.omrade, a.kommun, a.kvinnor, a.man)
                   for a in registers.aktivitetslogg)
    assert [k for k, n in keys.items() if n > 1] == []


def test_the_company_register_holds_the_table_s_head_counts(
        example: tuple[Slutrapport, Registers]) -> None:
    """The companies with their head counts before and after, as the report's rows give them."""
    report, registers = example
    programme = next(s for s in report.avsnitt if isinstance(s, Foretagsprogram))
    assert [(f.namn, f.anstallda_fore, f.anstallda_efter) for f in registers.foretag] == [
        (f.namn, f.anstallda_fore, f.anstallda_efter) for f in programme.effekt.foretag]


def test_nis_company_register_shows_the_published_errors_from_the_source(
        nis: tuple[Slutrapport, Registers]) -> None:
    """Norrlands fruktvin has 1 before and 1 after (the report says +1), and the rows make an
    increase of 42,5 (the report says 43,5); 32 companies in five municipalities."""
    report, registers = nis
    rows = {f.namn: f for f in registers.foretag}
    fruktvin = rows["Norrlands fruktvin"]
    before = sum((f.anstallda_fore for f in registers.foretag), Decimal(0))
    after = sum((f.anstallda_efter for f in registers.foretag), Decimal(0))
    programme = next(s for s in report.avsnitt if isinstance(s, Foretagsprogram))
    assert (fruktvin.anstallda_fore, fruktvin.anstallda_efter, fruktvin.okning) == (1, 1, 0)
    assert (before, after, after - before, programme.effekt.summa.okning) == (
        Decimal("159.5"), Decimal("202"), Decimal("42.5"), Decimal("43.5"))
    assert Counter(f.kommun for f in registers.foretag) == {
        "vindeln": 8, "vannas": 7, "robertsfors": 6, "nordmaling": 6, "bjurholm": 5}


def test_the_ledger_sums_per_category_to_the_report_s_costs(
        example: tuple[Slutrapport, Registers]) -> None:
    """Per category the ledger is the report's cost row, to the krona."""
    report, registers = example
    economy = next(s for s in report.avsnitt if isinstance(s, Ekonomi))
    assert kostnader_per_kategori(registers.kostnader) == {
        k.kategori: k.belopp for k in economy.kostnader}


def test_nis_ledger_totals_four_kronor_above_the_stated_outcome(
        nis: tuple[Slutrapport, Registers]) -> None:
    """NIS 6.0's ledger: 2 931 397 … 4 758 531 kr, 15 470 694 in all — 4 kr more than the
    stated outcome 15 470 690 (the published error)."""
    report, registers = nis
    per_category = kostnader_per_kategori(registers.kostnader)
    economy = next(s for s in report.avsnitt if isinstance(s, Ekonomi))
    assert per_category == {"Externa tjänster": 2931397, "Material och lokaler": 565350,
                            "Personal": 7095150, "Resor o logi": 120266,
                            "Schablonkostnader": 4758531}
    assert (sum(per_category.values()), economy.utfall) == (15470694, 15470690)


def test_the_ledger_is_exported_as_swedish_accounting_systems_do() -> None:
    """huvudbok.csv: UTF-8 with BOM, ';' between fields, CRLF, amounts with decimal comma."""
    data = (ROOT / "fixtures" / "register" / "nis60" / "huvudbok.csv").read_bytes()
    lines = data.split(b"\r\n")
    assert (data[:3], lines[0].decode("utf-8-sig"), lines[-1], b"\n" in data.replace(b"\r\n", b"")
            ) == (b"\xef\xbb\xbf", "Bokföringsdatum;Verifikation;Konto;Kontonamn;Kostnadsslag;"
                  "Belopp", b"", False)
    amounts = [line.decode("utf-8").rsplit(";", 1)[1] for line in lines[1:-1]]
    assert all(a.count(",") == 1 and len(a.split(",")[1]) == 2 for a in amounts)


def test_the_financing_register_sums_to_the_report_s_rows(
        example: tuple[Slutrapport, Registers]) -> None:
    """Per financier the decisions and payments are the report's financing row."""
    report, registers = example
    economy = next(s for s in report.avsnitt if isinstance(s, Ekonomi))
    assert finansiering_per_finansiar(registers.finansiering) == {
        f.finansiar: f.belopp for f in economy.finansiering}
    assert all(isinstance(f.datum, dt.date) for f in registers.finansiering)


def test_check_with_nis_registers_points_at_the_published_errors_row_by_row(
        tmp_path: Path) -> None:
    """`check` on NIS 6.0 with its registers: the company row and the total from the company
    register, the outcome from the ledger, and how many rows each register had."""
    from slutrapport.checks import check

    findings = check(load(with_registers("nis60", tmp_path)))
    assert [(f.code, f.severity, f.path, f.message) for f in findings
            if f.code.startswith("register-")] == [
        ("register-foretag", "error", "program_for_tillvaxt.effekt.foretag[18].okning",
         "Norrlands fruktvin, ökning: 1 angivet, företagsregistret har 0 (blad Foretag, rad 20)."),
        ("register-foretag", "error", "program_for_tillvaxt.effekt.summa.okning",
         "Summa antal anställda (Ökning): 43,5 angivet, företagsregistret har 42,5 (blad Foretag, "
         "rad 2–33)."),
        ("register-kostnad", "error", "ekonomi.utfall",
         "Utfall: 15\u00a0470\u00a0690\u00a0kr angivet, huvudboken har "
         "15\u00a0470\u00a0694\u00a0kr (rad 2–589)."),
        ("register-rader", "info", "register.aktivitetslogg",
         "aktivitetsloggen (aktivitetslogg.xlsx, blad Logg): 928 rader lästa, 0 räknades inte."),
        ("register-rader", "info", "register.foretag",
         "företagsregistret (foretag.xlsx, blad Foretag): 32 rader lästa, 0 räknades inte."),
        ("register-rader", "info", "register.kostnader",
         "huvudboken (huvudbok.csv): 588 rader lästa, 0 räknades inte."),
        ("register-rader", "info", "register.finansiering",
         "finansieringsregistret (finansiering.xlsx, blad Finansiering): 31 rader lästa, 0 "
         "räknades inte."),
    ]


def test_after_fill_nis_agrees_with_its_registers(tmp_path: Path) -> None:
    """`fill` on a copy of NIS 6.0 with its registers: `check` then finds no error, and from the
    registers only how many rows each had."""
    from slutrapport.checks import check
    from slutrapport.fill import fill_file

    report = with_registers("nis60", tmp_path)
    fill_file(report)
    findings = check(load(report))
    assert ([f.code for f in findings if f.severity == "error"],
            sorted({f.code for f in findings if f.code.startswith("register-")})) == (
        [], ["register-rader"])


def test_check_with_the_lappland_registers_adds_only_the_row_counts(tmp_path: Path) -> None:
    """Lappland 2.0 agrees with its registers, its participant register too (each participant
    a person of their own): they add only how many rows each had."""
    from slutrapport.checks import check

    findings = check(load(with_registers("lappland20", tmp_path)))
    assert [(f.code, f.severity) for f in findings if f.code.startswith("register-")] == [
        ("register-rader", "info")] * 5


def test_every_example_company_has_its_own_valid_organisation_number(
        example: tuple[Slutrapport, Registers]) -> None:
    """Each company of the example registers has an organisation number (read, so its check
    digit is right), no two the same: unique enterprises are the companies."""
    from slutrapport.registers import unika_foretag

    _, registers = example
    numbers = [f.organisationsnummer for f in registers.foretag]
    assert (None in numbers, len(set(numbers)), unika_foretag((), registers.foretag)) == (
        False, len(registers.foretag), len(registers.foretag))


def _nis70_counted_from_registers(folder: Path) -> Path:
    """NIS 7.0 with its registers, its indicators RCO01 and RCR01 counted from the company
    register (unique companies, their increase in head count)."""
    path = with_registers("nis70", folder)
    text = path.read_text(encoding="utf-8")
    for old, new in [("        kalla: foretag_per_kommun.summa[5]\n",
                      "        kalla: register.foretag\n"),
                     ("        utfall: 38.5\n        malvarde: 35\n",
                      "        utfall: 38.5\n        malvarde: 35\n"
                      "        kalla: register.foretag.okning\n")]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def test_nis70_registers_count_every_figure_they_can_and_agree(tmp_path: Path) -> None:
    """NIS 7.0's own registers agree with the report: the four areas, Kompetenslyftet effort by
    effort (two efforts of one name split by municipality), the horizontal participants as the
    log's attendances, RCO01 (214 companies, by organisation number) and RCR01 (38,5 jobs), the
    costs and the financing: check says only how many rows each register had."""
    from slutrapport.checks import check

    path = _nis70_counted_from_registers(tmp_path)
    assert [(f.code, f.message) for f in check(load(path)) if f.code.startswith("register-")] == [
        ("register-rader", f"{c}: {n} rader lästa, 0 räknades inte.")
        for c, n in [("aktivitetsloggen (aktivitetslogg.xlsx, blad Logg)", 553),
                     ("deltagarregistret (deltagare.xlsx, blad Deltagare)", 589),
                     ("företagsregistret (foretag.xlsx, blad Foretag)", 214),
                     ("huvudboken (huvudbok.csv)", 414),
                     ("finansieringsregistret (finansiering.xlsx, blad Finansiering)", 21)]]


def test_fill_writes_back_every_figure_nis70_s_registers_count(tmp_path: Path) -> None:
    """With the areas' counts, every effort's occasions, hours and women and the two
    indicators set to 0, fill writes each back from the registers: the file is the report
    again, byte for byte."""
    import re

    from click.testing import CliRunner

    from slutrapport.cli import main

    path = _nis70_counted_from_registers(tmp_path)
    original = path.read_text(encoding="utf-8")
    start, end = original.index("  - typ: deltagarprogram"), original.index("    summa:\n")
    programme = re.sub(r"(\n        (?:tillfallen|timmar|kvinnor): )[\d.]+", r"\g<1>0",
                       original[start:end])
    zeroed = original[:start] + programme + original[end:]
    zeroed = re.sub(r"(\n        antal: )\d+", r"\g<1>0", zeroed)
    zeroed = zeroed.replace("        utfall: 214\n", "        utfall: 0\n").replace(
        "        utfall: 38.5\n", "        utfall: 0\n")
    assert zeroed.count(": 0\n") == 27
    path.write_text(zeroed, encoding="utf-8")
    result = CliRunner().invoke(main, ["fill", str(path)])
    assert (result.exit_code, path.read_text(encoding="utf-8")) == (0, original), result.output


def test_lappland_s_participant_register_has_every_participant_once(
        tmp_path: Path) -> None:
    """Lappland 2.0's participant register: 1 886 persons, 1 012 women and 874 men, each once,
    the horizontal criteria's participants counted as unique persons."""
    from slutrapport.registers import unika_personer

    registers = read_registers(load(with_registers("lappland20", tmp_path)))
    counted = unika_personer(registers.deltagare)
    assert (len(registers.deltagare), counted.kvinnor, counted.man) == (1886, 1012, 874)


def test_the_rows_read_are_the_rows_their_models_validate(tmp_path: Path) -> None:
    """Every row of NIS 7.0's five registers is what its model makes of the same values with
    full validation: the same fields, in the model's order, all of them given."""
    registers = read_registers(load(with_registers("nis70", tmp_path)))
    rows = [*registers.aktivitetslogg, *registers.deltagare, *registers.foretag,
            *registers.kostnader, *registers.finansiering]
    assert {type(row).__name__ for row in rows} == {
        "Aktivitet", "Deltagarrad", "Foretagsrad", "Kostnadsrad", "Finansieringsrad"}
    for row in rows:
        model = type(row)
        validated = model.model_validate(row.model_dump())
        assert (row, repr(row), list(row.__dict__), row.model_fields_set) == \
            (validated, repr(validated), list(model.model_fields), set(model.model_fields))
    first = rows[0]  # the rows of a model share their set of fields: a copy gets its own
    assert (first.model_copy(update={"ny": 1}).model_fields_set, first.model_fields_set,
            rows[1].model_fields_set) == ({*type(first).model_fields, "ny"},
                                          set(type(first).model_fields),
                                          set(type(first).model_fields))
