"""`new --registers`: empty registers with Swedish headers, widths, frozen header, formats and
drop-downs from the sheet Listor; never overwritten without --force; LibreOffice opens them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from slutrapport import load
from slutrapport.cli import main
from slutrapport.errors import InputError
from slutrapport.loader import from_data, read_yaml
from slutrapport.register_templates import (
    Choice,
    lists_from_report,
    register_block,
    write_registers,
)

ROOT = Path(__file__).parents[1]
NIS = ROOT / "fixtures" / "nis60.yaml"


def bare_nis(folder: Path) -> Path:
    """NIS 6.0's report without a register block (should the example carry one)."""
    path = folder / "nis60.yaml"
    path.write_text(NIS.read_text(encoding="utf-8").split("\nregister:")[0], encoding="utf-8")
    return path
FILES = ["aktivitetslogg.xlsx", "deltagare.xlsx", "foretag.xlsx", "huvudbok.xlsx",
         "finansiering.xlsx"]

# What each workbook holds: its sheets, the header row and the columns' widths and formats.
LAYOUT: dict[str, tuple[list[str], list[str], list[tuple[str, float, str]]]] = {
    "aktivitetslogg.xlsx": (["Logg", "Listor"],
                            ["Datum", "Område", "Kommun", "Aktivitet", "Företag", "Kvinnor",
                             "Män"],
                            [("A", 12, "yyyy-mm-dd"), ("B", 30, "General"), ("C", 16, "General"),
                             ("D", 40, "General"), ("E", 28, "General"), ("F", 10, "0"),
                             ("G", 10, "0")]),
    "deltagare.xlsx": (["Deltagare", "Listor"],
                       ["Person", "Kön", "Datum", "Område", "Kommun", "Insats", "Timmar"],
                       [("A", 24, "General"), ("B", 10, "General"), ("C", 12, "yyyy-mm-dd"),
                        ("D", 30, "General"), ("E", 16, "General"), ("F", 30, "General"),
                        ("G", 10, "0.0")]),
    "foretag.xlsx": (["Foretag", "Listor"],
                     ["Namn", "Organisationsnummer", "Kommun", "Anställda före",
                      "Anställda efter"],
                     [("A", 36, "General"), ("B", 20, "General"), ("C", 16, "General"),
                      ("D", 16, "0.0"), ("E", 16, "0.0")]),
    "huvudbok.xlsx": (["Huvudbok", "Listor"], ["Datum", "Verifikation", "Kategori", "Belopp"],
                      [("A", 12, "yyyy-mm-dd"), ("B", 14, "General"), ("C", 28, "General"),
                       ("D", 16, '#,##0.00 "kr"')]),
    "finansiering.xlsx": (["Finansiering", "Listor"], ["Finansiär", "Belopp", "Datum"],
                          [("A", 30, "General"), ("B", 16, '#,##0 "kr"'),
                           ("C", 12, "yyyy-mm-dd")]),
}

EVERY_ROW = "2:1048576"


def validations(path: Path) -> list[tuple[str, str, str | None, str | None, str]]:
    """The first sheet's data validations: (cells, type, formula 1, formula 2, error style;
    ``stop`` when the file leaves it to the standard's default)."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [(str(v.sqref), v.type or "", v.formula1, v.formula2, v.errorStyle or "stop")
            for v in ws.data_validations.dataValidation]


def columns(ws: Any) -> list[tuple[str, float, str]]:
    """Each column's letter, width in characters as a spreadsheet program shows it, and number
    format. A file stores a width with the font's padding (12 characters: 12.7109375), and
    gives neighbouring columns alike one ``<col>`` element."""
    out = []
    for dim in ws.column_dimensions.values():
        for n in range(dim.min, dim.max + 1):
            out.append((get_column_letter(n), int(dim.width), dim.number_format))
    return sorted(out, key=lambda c: (len(c[0]), c[0]))


def list_sheet(path: Path) -> list[tuple[Any, ...]]:
    """The rows of the sheet Listor."""
    return list(openpyxl.load_workbook(path)["Listor"].iter_rows(values_only=True))


def col(letter: str) -> str:
    return f"{letter}{EVERY_ROW.replace(':', ':' + letter)}"


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registers written without a report."""
    folder = tmp_path_factory.mktemp("tomma") / "register"
    write_registers(folder)
    return folder


@pytest.fixture(scope="module")
def nis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The registers written with NIS 6.0's lists."""
    folder = tmp_path_factory.mktemp("nis") / "register"
    report = bare_nis(folder.parent)
    write_registers(folder, lists_from_report(load(report), read_yaml(report)[0]))
    return folder


@pytest.mark.parametrize("name", FILES)
def test_each_register_has_its_sheets_header_widths_formats_and_frozen_header(
        empty: Path, name: str) -> None:
    """Each workbook has its sheet and Listor, the Swedish titles in bold on a frozen row 1 and
    each column's width and number format."""
    wb = openpyxl.load_workbook(empty / name)
    ws = wb.worksheets[0]
    sheets, header, widths = LAYOUT[name]
    got = (wb.sheetnames, [c.value for c in ws[1]], ws.freeze_panes,
           all(c.font.bold for c in ws[1]), columns(ws))
    assert got == (sheets, header, "A2", True, widths)


def test_the_folder_holds_the_five_registers_and_nothing_else(empty: Path) -> None:
    """One file per register, named as the register block names them."""
    assert sorted(p.name for p in empty.iterdir()) == sorted(FILES)


def test_without_a_report_the_drop_downs_refer_to_200_rows_of_listor(empty: Path) -> None:
    """Without --from the lists are left to fill in: each drop-down refers to rows 2–201 of
    its column of Listor, whose row 1 holds the titles only."""
    warning = "warning"
    assert {name: (validations(empty / name), list_sheet(empty / name)) for name in FILES} == {
        "aktivitetslogg.xlsx": ([
            (col("B"), "list", "Listor!$A$2:$A$201", None, warning),
            (col("C"), "list", "Listor!$D$2:$D$201", None, warning),
            (col("F"), "whole", "0", None, "stop"),
            (col("G"), "whole", "0", None, "stop"),
        ], [("Område", "Rubrik i rapporten", None, "Kommun")]),
        "deltagare.xlsx": ([
            (col("B"), "list", '"kvinna,man"', None, "stop"),
            (col("D"), "list", "Listor!$A$2:$A$201", None, warning),
            (col("E"), "list", "Listor!$D$2:$D$201", None, warning),
            (col("G"), "decimal", "0", None, "stop"),
        ], [("Område", "Rubrik i rapporten", None, "Kommun")]),
        "foretag.xlsx": ([
            (col("C"), "list", "Listor!$A$2:$A$201", None, warning),
            (col("D"), "decimal", "0", None, "stop"),
            (col("E"), "decimal", "0", None, "stop"),
        ], [("Kommun",)]),
        "huvudbok.xlsx": ([(col("C"), "list", "Listor!$A$2:$A$201", None, warning)],
                          [("Kategori",)]),
        "finansiering.xlsx": ([(col("A"), "list", "Listor!$A$2:$A$201", None, warning)],
                              [("Finansiär",)]),
    }


NIS_AREAS = [
    ("uppsokande_verksamhet", "Uppsökande verksamhet hos företag."),
    ("motesplatser_natverk", "Mötesplatser/nätverk för kunskapsökning/- överföring samt "
                             "stimulera till synergier mellan företag"),
    ("utveckla_natverk", "Utveckla nätverk för företagande kvinnor"),
    ("utveckla_samordning", "Utveckla samordning och underlätta vid expansion"),
    ("inventering_foretag", "Inventering av företag inom fokusområdena. "
                            "Marknadsföringsinsatser som skapar intresse för expansion"),
    ("framja_innovation", "Främja innovation och entreprenörskap"),
    ("omvarldsbevakning", "Omvärldsbevakning och kunskapsinhämtning"),
    ("samverkan_umea", "Samverkan Umeå"),
    ("utveckla_struktur", "Utveckla struktur till företagsfrämjande aktörer"),
    ("integrera_kranskommunerna",
     "Integrera kranskommunerna till det regionala innovationssystemet."),
]
NIS_MUNICIPALITIES = ["Robertsfors", "Vindeln", "Vännäs", "Bjurholm", "Nordmaling"]


def _areas_and_municipalities(areas: list[tuple[str, str]],
                              names: list[str]) -> list[tuple[Any, ...]]:
    """Listor's rows: areas (id, heading), an empty column, the municipalities' names."""
    rows: list[tuple[Any, ...]] = [("Område", "Rubrik i rapporten", None, "Kommun")]
    for i in range(max(len(areas), len(names))):
        area = areas[i] if i < len(areas) else (None, None)
        rows.append((*area, None, names[i] if i < len(names) else None))
    return rows


def test_with_a_report_the_lists_are_its_areas_municipalities_categories_and_financiers(
        nis: Path) -> None:
    """With --from the lists are NIS 6.0's: area ids with headings (Samverkan Umeå's own count
    by its section id), the municipalities' names, its cost categories and financiers; the
    drop-downs cover exactly the list, and dates are checked against 2019–2022."""
    dates = ("date", "DATE(2019,1,1)", "DATE(2022,12,31)", "warning")
    assert {name: validations(nis / name) for name in FILES} == {
        "aktivitetslogg.xlsx": [
            (col("A"), *dates),
            (col("B"), "list", "Listor!$A$2:$A$11", None, "warning"),
            (col("C"), "list", "Listor!$D$2:$D$6", None, "warning"),
            (col("F"), "whole", "0", None, "stop"),
            (col("G"), "whole", "0", None, "stop")],
        "deltagare.xlsx": [
            (col("B"), "list", '"kvinna,man"', None, "stop"),
            (col("C"), *dates),
            (col("D"), "list", "Listor!$A$2:$A$11", None, "warning"),
            (col("E"), "list", "Listor!$D$2:$D$6", None, "warning"),
            (col("G"), "decimal", "0", None, "stop")],
        "foretag.xlsx": [
            (col("C"), "list", "Listor!$A$2:$A$6", None, "warning"),
            (col("D"), "decimal", "0", None, "stop"),
            (col("E"), "decimal", "0", None, "stop")],
        "huvudbok.xlsx": [
            (col("A"), *dates),
            (col("C"), "list", "Listor!$A$2:$A$6", None, "warning")],
        "finansiering.xlsx": [
            (col("A"), "list", "Listor!$A$2:$A$8", None, "warning"),
            (col("C"), *dates)],
    }
    assert list_sheet(nis / "aktivitetslogg.xlsx") == _areas_and_municipalities(
        NIS_AREAS, NIS_MUNICIPALITIES)
    assert list_sheet(nis / "foretag.xlsx") == [("Kommun",), *((n,) for n in NIS_MUNICIPALITIES)]
    assert list_sheet(nis / "huvudbok.xlsx") == [
        ("Kategori",), ("Externa tjänster",), ("Material och lokaler",), ("Personal",),
        ("Resor o logi",), ("Schablonkostnader",)]
    assert list_sheet(nis / "finansiering.xlsx") == [
        ("Finansiär",), ("Tillväxtverket",), ("Region Västerbotten",), ("Robertsfors kommun",),
        ("Vindelns kommun",), ("Nordmalings kommun",), ("Vännäs kommun",),
        ("Bjurholms kommun",)]


def test_a_misspelt_or_unfilled_financier_is_no_choice_in_the_drop_down() -> None:
    """A financing row whose name is a slip of a listed financier ('Region Västerbottten'), or
    still '…', gives no choice of its own; a financier only the financing names is one."""
    data, _ = read_yaml(NIS)
    assert isinstance(data, dict)
    economy = next(s for s in data["avsnitt"] if s.get("typ") == "ekonomi")
    economy["finansiering"][1]["finansiar"] = "Region Västerbottten"
    economy["finansiering"].append({"finansiar": "Almi Företagspartner", "belopp": 1})
    economy["finansiering"].append({"finansiar": "…", "belopp": 0})
    lists = lists_from_report(from_data(data))
    assert [c.value for c in lists.finansiar] == [
        "Tillväxtverket", "Region Västerbotten", "Robertsfors kommun", "Vindelns kommun",
        "Nordmalings kommun", "Vännäs kommun", "Bjurholms kommun", "Almi Företagspartner"]


def test_the_report_s_own_register_block_gives_the_area_ids(tmp_path: Path) -> None:
    """Ids the report maps under register.omraden are the drop-downs' values, and only what
    the report's block lacks is printed for it to add."""
    report = tmp_path / "rapport.yaml"
    existing = {"mapp": "register", "foretag": "foretag.xlsx",
                "omraden": {"foretagsbesok": "Uppsökande verksamhet hos företag."}}
    lists = lists_from_report(load(bare_nis(tmp_path)), {"register": existing})
    assert [c.value for c in lists.omrade][:2] == ["foretagsbesok", "motesplatser_natverk"]
    assert register_block(tmp_path / "register", lists, report=report,
                          existing=existing).splitlines()[:7] == [
        "register:", "  aktivitetslogg: aktivitetslogg.xlsx", "  deltagare: deltagare.xlsx",
        "  kostnader: huvudbok.xlsx", "  finansiering: finansiering.xlsx",
        "  omraden:    # lägg till:",
        '    motesplatser_natverk: "Mötesplatser/nätverk för kunskapsökning/- överföring samt '
        'stimulera till synergier mellan företag"']


def test_the_register_block_for_nis_names_every_register_and_the_made_area_ids(
        tmp_path: Path) -> None:
    """The block to add: the folder relative to the report, the five files and the ids made
    from the headings (Samverkan Umeå's section id is the report's own, so not listed)."""
    report = tmp_path / "rapport.yaml"
    bare = bare_nis(tmp_path)
    lists = lists_from_report(load(bare), read_yaml(bare)[0])
    assert register_block(tmp_path / "register" / "nis", lists, report=report) == nis_block(
        "register/nis")


def nis_block(folder: str) -> str:
    """The register block printed for NIS 6.0 (without a block of its own)."""
    return ("register:\n"
            f"  mapp: {folder}    # relativt rapportfilen\n"
            "  aktivitetslogg: aktivitetslogg.xlsx\n"
            "  deltagare: deltagare.xlsx\n"
            "  foretag: foretag.xlsx\n"
            "  kostnader: huvudbok.xlsx\n"
            "  finansiering: finansiering.xlsx\n"
            "  omraden:\n"
            + "".join(f'    {i}: "{h}"\n' for i, h in NIS_AREAS if i != "samverkan_umea"))


def test_an_existing_register_is_not_overwritten_and_nothing_is_written(tmp_path: Path) -> None:
    """One register already there: InputError naming it, and no other file is written."""
    folder = tmp_path / "register"
    folder.mkdir()
    (folder / "foretag.xlsx").write_bytes(b"mitt")
    with pytest.raises(InputError) as caught:
        write_registers(folder)
    assert (str(caught.value), sorted(p.name for p in folder.iterdir()),
            (folder / "foretag.xlsx").read_bytes()) == (
        f"{folder}: registret foretag.xlsx finns redan här; välj en annan mapp eller skriv "
        "över med --force", ["foretag.xlsx"], b"mitt")


def test_force_overwrites_the_registers(tmp_path: Path) -> None:
    """With force the existing file is replaced by the empty register."""
    folder = tmp_path / "register"
    folder.mkdir()
    (folder / "foretag.xlsx").write_bytes(b"mitt")
    write_registers(folder, force=True)
    assert openpyxl.load_workbook(folder / "foretag.xlsx").sheetnames == ["Foretag", "Listor"]


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    """MAPP naming a file: InputError, the file untouched."""
    target = tmp_path / "register"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="finns redan och är ingen mapp"):
        write_registers(target)
    assert target.read_text(encoding="utf-8") == "x"


def test_the_same_stamp_gives_the_same_bytes(tmp_path: Path) -> None:
    """A fixed stamp makes the workbooks reproducible, byte for byte."""
    import datetime as dt

    stamp = dt.datetime(2023, 1, 15, 12, 0)
    first, second = tmp_path / "a", tmp_path / "b"
    write_registers(first, stamp=stamp)
    write_registers(second, stamp=stamp)
    assert [(first / n).read_bytes() == (second / n).read_bytes() for n in FILES] == [True] * 5


def _run(*args: str | Path, cwd: Path) -> tuple[int, str, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["new", *(str(a) for a in args)])
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


WHAT = [
    "en rad per aktivitet (tillfälle) med deltagarna räknade som kvinnor och män",
    "en rad per deltagande person och tillfälle, med en nyckel per person",
    "programföretagen med antal anställda före och efter",
    "huvudboken: en rad per bokförd kostnad med rapportens kostnadsslag",
    "finansieringen: en rad per beslut eller utbetalning",
]


def test_new_registers_without_a_report_prints_the_files_and_a_block_to_add(
        tmp_path: Path) -> None:
    """`new --registers reg` needs no -o: it lists the files and prints a register block."""
    files = [f"reg/{n}" for n in FILES]
    width = max(map(len, files))
    assert _run("--registers", "reg", cwd=tmp_path) == (0, (
        "Skrev 5 register i reg:\n"
        + "".join(f"  {f:<{width}}  {w}\n" for f, w in zip(files, WHAT, strict=True))
        + "\nFyll i bladet Listor i registren: områdenas id och rubriker, kommunerna, "
          "kostnadsslagen och finansiärerna — det som står där blir rullgardinslistorna.\n"
          "\nLägg till det här sist i rapportens datafil:\n\n"
          "register:\n"
          "  mapp: reg    # relativt rapportfilen — ändra om rapporten inte ligger i mappen du "
          "står i\n"
          "  aktivitetslogg: aktivitetslogg.xlsx\n  deltagare: deltagare.xlsx\n"
          "  foretag: foretag.xlsx\n  kostnader: huvudbok.xlsx\n"
          "  finansiering: finansiering.xlsx\n"
          "  # omraden:    # områdets id i registren: områdets rubrik i rapporten\n"
          '  #   foretagsbesok: "Uppsökande verksamhet hos företag"\n'), "")


def test_new_registers_from_a_report_says_which_lines_to_add_and_leaves_it_alone(
        tmp_path: Path) -> None:
    """With --from the lines are for that report, which is not changed."""
    report = tmp_path / "rapport.yaml"
    shutil.copy(bare_nis(tmp_path), report)
    before = report.read_bytes()
    files = [f"register/{n}" for n in FILES]
    width = max(map(len, files))
    assert (*_run("--registers", "register", "--from", "rapport.yaml", cwd=tmp_path),
            report.read_bytes() == before) == (0, (
                "Skrev 5 register i register med listorna från rapport.yaml:\n"
                + "".join(f"  {f:<{width}}  {w}\n" for f, w in zip(files, WHAT, strict=True))
                + "\nLägg till de här raderna sist i rapport.yaml (filen ändras inte här):\n\n"
                + nis_block("register")), "", True)


def test_new_registers_leaves_out_an_area_still_headed_placeholder_and_says_so(
        tmp_path: Path) -> None:
    """An area headed '…' gets no made-up id in the block or drop-down; a comment names it."""
    report = tmp_path / "rapport.yaml"
    report.write_text(
        "projekt: {namn: P, kortnamn: P 1, period: {fran: 2023, till: 2025}}\n"
        "avsnitt:\n"
        "  - typ: aktiviteter\n"
        "    omraden:\n"
        "      - rubrik: …\n"
        "      - rubrik: Företagsbesök\n"
        "      - rubrik: …\n", encoding="utf-8")
    files = [f"reg/{n}" for n in FILES]
    width = max(map(len, files))
    assert (_run("--registers", "reg", "--from", "rapport.yaml", cwd=tmp_path),
            lists_from_report(load(report)).omrade) == ((0, (
                "Skrev 5 register i reg med listorna från rapport.yaml:\n"
                + "".join(f"  {f:<{width}}  {w}\n" for f, w in zip(files, WHAT, strict=True))
                + "\nLägg till de här raderna sist i rapport.yaml (filen ändras inte här):\n\n"
                  "register:\n"
                  "  mapp: reg    # relativt rapportfilen\n"
                  "  aktivitetslogg: aktivitetslogg.xlsx\n  deltagare: deltagare.xlsx\n"
                  "  foretag: foretag.xlsx\n  kostnader: huvudbok.xlsx\n"
                  "  finansiering: finansiering.xlsx\n"
                  "  omraden:\n"
                  "    foretagsbesok: \"Företagsbesök\"\n"
                  "  # 2 aktivitetsområden har ännu rubriken '…' och står inte här; när de "
                  "har fått en\n"
                  "  # rubrik: skriv id och rubrik på bladet Listor och här under omraden "
                  "(id: rubrik)\n"), ""),
                (Choice("foretagsbesok", "Företagsbesök"),))


def test_new_registers_refuses_existing_files_with_exit_2(tmp_path: Path) -> None:
    """A second run into the same folder exits 2 naming the files and writes nothing."""
    assert _run("--registers", "reg", cwd=tmp_path)[0] == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "reg").iterdir()}
    assert (*_run("--registers", "reg", cwd=tmp_path),
            {p.name: p.stat().st_mtime_ns for p in (tmp_path / "reg").iterdir()}) == (
        2, "", "Fel i indata: reg: registren aktivitetslogg.xlsx, deltagare.xlsx, foretag.xlsx, "
               "huvudbok.xlsx, finansiering.xlsx finns redan här; välj en annan mapp eller "
               "skriv över med --force\n", stamps)


def test_new_registers_with_force_writes_again(tmp_path: Path) -> None:
    """--force writes the registers over the old ones."""
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "deltagare.xlsx").write_bytes(b"gammal")
    assert _run("--registers", "reg", "--force", cwd=tmp_path)[0] == 0
    assert openpyxl.load_workbook(tmp_path / "reg" / "deltagare.xlsx").sheetnames == [
        "Deltagare", "Listor"]


def test_new_with_registers_and_output_refuses_before_writing_the_report(tmp_path: Path) -> None:
    """With -o and --registers, existing registers stop both: the report is not written."""
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "huvudbok.xlsx").write_bytes(b"x")
    code, _, err = _run("--registers", "reg", "-o", "ny.yaml", cwd=tmp_path)
    assert (code, err, (tmp_path / "ny.yaml").exists()) == (
        2, "Fel i indata: reg: registret huvudbok.xlsx finns redan här; välj en annan mapp "
           "eller skriv över med --force\n", False)


@pytest.mark.parametrize(("args", "message"), [
    ([], "Ange -o FIL för en ny datafil eller --registers MAPP för tomma register."),
    (["--registers", "reg", "--disposition", "nis"],
     "--disposition gäller datafilen; ange den med -o FIL."),
])
def test_new_without_a_target_is_a_usage_mistake(tmp_path: Path, args: list[str],
                                                 message: str) -> None:
    """Neither -o nor --registers, or an outline without -o: exit 2 with a Swedish usage line."""
    assert _run(*args, cwd=tmp_path) == (
        2, "", "Användning: slutrapport new [FLAGGOR]\n"
               "Skriv 'slutrapport new --help' för hjälp.\n\n"
               f"Fel: {message}\n")


def _calc_available() -> bool:
    program = Path("/usr/lib/libreoffice/program")
    return shutil.which("soffice") is not None and (program / "libsclo.so").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(not _calc_available(), reason="LibreOffice Calc saknas här")
def test_libreoffice_opens_every_register_with_its_header_and_drop_downs(nis: Path,
                                                                        tmp_path: Path) -> None:
    """LibreOffice Calc reads each register: as CSV its header row, as ODS the same
    validations (lists from Listor, whole numbers, dates)."""
    out = tmp_path / "ut"
    env = {**os.environ, "HOME": str(tmp_path)}
    profile = f"-env:UserInstallation=file://{tmp_path / 'profil'}"
    files = [str(nis / n) for n in FILES]
    for fmt in ("csv:Text - txt - csv (StarCalc):44,34,76", "ods"):  # 76: UTF-8
        subprocess.run(["soffice", profile, "--headless", "--convert-to", fmt, "--outdir",
                        str(out), *files], check=True, capture_output=True, timeout=300, env=env)
    headers = {n: (out / n.replace(".xlsx", ".csv")).read_text(encoding="utf-8").splitlines()[0]
               for n in FILES}
    assert headers == {n: ",".join(LAYOUT[n][1]) for n in FILES}
    conditions = {}
    for n in FILES:
        with zipfile.ZipFile(out / n.replace(".xlsx", ".ods")) as ods:
            content = ods.read("content.xml").decode("utf-8")
        conditions[n] = re.findall(r'table:condition="([^"]*)"', content)
    assert conditions["aktivitetslogg.xlsx"] == [
        "of:cell-content-is-date() and cell-content-is-between(DATE(2019;1;1),"
        "DATE(2022;12;31))",
        "of:cell-content-is-in-list([$Listor.$A$2:.$A$11])",
        "of:cell-content-is-in-list([$Listor.$D$2:.$D$6])",
        "of:cell-content-is-whole-number() and cell-content()&gt;=0",
        "of:cell-content-is-whole-number() and cell-content()&gt;=0"]
    assert [len(conditions[n]) for n in FILES] == [5, 5, 3, 2, 2]


def test_the_headers_are_the_columns_the_register_reader_knows() -> None:
    """Each title folds to one of the reader's column names for its register, every required
    column is there, and each sheet is the one the reader looks for."""
    from slutrapport.register_templates import REGISTERS as TEMPLATES
    from slutrapport.registers import REGISTERS as READER
    from slutrapport.registers import TITLES, normalize_header

    got = {t.key: (t.sheet, [normalize_header(c.title) for c in t.columns],
                   [c.title for c in t.columns]) for t in TEMPLATES}
    assert {key: (sheet, titles) for key, (sheet, _, titles) in got.items()} == {
        key: (spec.sheet, [TITLES[c] for c in got[key][1]]) for key, spec in READER.items()}
    assert {key: (set(spec.required) <= set(got[key][1]),
                  set(got[key][1]) <= {*spec.required, *spec.optional})
            for key, spec in READER.items()} == dict.fromkeys(READER, (True, True))


def test_check_reads_the_empty_registers_back_without_a_problem(tmp_path: Path) -> None:
    """`new -o rapport.yaml --registers register` writes the register block into the new
    report: `check` reads each register and says only that it had 0 rows."""
    from slutrapport.checks import check

    code, _out, _ = _run("-o", "rapport.yaml", "--registers", "register", cwd=tmp_path)
    report = tmp_path / "rapport.yaml"
    text = report.read_text(encoding="utf-8")
    block = text[text.index("\nregister:\n") + 1:]
    assert block == (
        "register:\n  mapp: register    # relativt rapportfilen\n"
        "  aktivitetslogg: aktivitetslogg.xlsx\n  deltagare: deltagare.xlsx\n"
        "  foretag: foretag.xlsx\n  kostnader: huvudbok.xlsx\n"
        "  finansiering: finansiering.xlsx\n"
        "  # omraden:    # områdets id i registren: områdets rubrik i rapporten\n"
        "  #   foretagsbesok: \"Uppsökande verksamhet hos företag\"\n")
    report.write_text(text.replace(block, ""), encoding="utf-8")
    before = check(load(report))
    report.write_text(text, encoding="utf-8")
    after = check(load(report))
    called = ["aktivitetsloggen (aktivitetslogg.xlsx, blad Logg)",
              "deltagarregistret (deltagare.xlsx, blad Deltagare)",
              "företagsregistret (foretag.xlsx, blad Foretag)",
              "huvudboken (huvudbok.xlsx, blad Huvudbok)",
              "finansieringsregistret (finansiering.xlsx, blad Finansiering)"]
    assert (code, [(f.code, f.severity, f.message) for f in after if f not in before]) == (
        0, [("register-rader", "info", f"{c}: 0 rader lästa, 0 räknades inte.")
            for c in called])


def _with_block(folder: Path) -> Path:
    """The Lappland example with its register block, as forra.yaml in folder."""
    root = Path(__file__).parent.parent / "fixtures"
    last = folder / "forra.yaml"
    last.write_text((root / "lappland20.yaml").read_text(encoding="utf-8")
                    + (root / "register" / "lappland20-register.yaml").read_text(
                        encoding="utf-8"), encoding="utf-8")
    return last


def test_new_from_keeps_the_register_block_and_marks_its_paths(tmp_path: Path) -> None:
    """`new --from` keeps the register block (paths, columns, labels) as it was and lists its
    folder and files under granska."""
    from slutrapport.scaffold import from_previous

    last = _with_block(tmp_path)
    old_block = last.read_text(encoding="utf-8").split("\nregister:\n", 1)[1]
    text = from_previous(last, tmp_path / "ny.yaml")
    assert text.split("\nregister:\n", 1)[1].split("\ngranska:")[0] == old_block
    assert [line for line in text.split("\ngranska:", 1)[1].splitlines()
            if line.startswith("  register.")] == [
        "  register.mapp: register/lappland20",
        "  register.aktivitetslogg: aktivitetslogg.xlsx",
        "  register.deltagare: deltagare.xlsx",
        "  register.foretag: foretag.xlsx",
        "  register.kostnader: huvudbok.csv",
        "  register.finansiering: finansiering.xlsx",
    ]


def test_new_from_with_registers_points_the_kept_block_at_the_new_registers(
        tmp_path: Path) -> None:
    """`new --from FÖRRA --registers MAPP -o NY.yaml` keeps the block's columns and labels and
    names the new registers in it (mapp and every file), unmarked; check reads them."""
    from slutrapport.checks import check

    _with_block(tmp_path)
    code, out, _ = _run("--from", "forra.yaml", "--registers", "nya", "-o", "ny.yaml",
                        cwd=tmp_path)
    text = (tmp_path / "ny.yaml").read_text(encoding="utf-8")
    block = text.split("\nregister:\n", 1)[1].split("\n\n")[0]
    assert (code, out.splitlines()[-1], block.splitlines()[:8]) == (
        0, "Registren står under register: sist i ny.yaml.",
        ["  mapp: nya", "  aktivitetslogg: aktivitetslogg.xlsx", "  deltagare: deltagare.xlsx",
         "  foretag: foretag.xlsx", "  kostnader: huvudbok.xlsx",
         "  finansiering: finansiering.xlsx", "  kolumner:",
         "    kostnader: {Bokföringsdatum: datum, Kostnadsslag: kategori}"])
    assert "register." not in text.split("\ngranska:", 1)[1]
    assert [f.message for f in check(load(tmp_path / "ny.yaml"))
            if f.code.startswith("register-")] == [
        f"{c}: 0 rader lästa, 0 räknades inte."
        for c in ["aktivitetsloggen (aktivitetslogg.xlsx, blad Logg)",
                  "deltagarregistret (deltagare.xlsx, blad Deltagare)",
                  "företagsregistret (foretag.xlsx, blad Foretag)",
                  "huvudboken (huvudbok.xlsx, blad Huvudbok)",
                  "finansieringsregistret (finansiering.xlsx, blad Finansiering)"]]


def test_new_from_points_the_kept_mapp_at_the_same_folder_from_the_new_file(
        tmp_path: Path) -> None:
    """The new file one folder up: the kept block's mapp names the same registers from there
    (sub/register/lappland20); a new file beside the old keeps it as written."""
    from slutrapport.scaffold import from_previous

    (tmp_path / "sub").mkdir()
    last = _with_block(tmp_path / "sub")
    up = from_previous(last, tmp_path / "ny.yaml")
    beside = from_previous(last, tmp_path / "sub" / "ny.yaml")
    assert [next(line for line in text.splitlines() if line.startswith("  mapp:"))
            for text in (up, beside)] == ["  mapp: sub/register/lappland20",
                                          "  mapp: register/lappland20"]
