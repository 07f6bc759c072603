"""The outline as data: what `slutrapport check` says about a section's kind, id and keys.

Each input is the NIS 6.0 example with one thing changed; each test compares the exit code and the
whole Swedish message. The kinds a message lists are the registry's, sorted by name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from slutrapport.cli import main
from slutrapport.models import KINDS

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "nis60.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
OLD_NIS = Path(__file__).resolve().parent / "data" / "nis60_v01.yaml"
NAMES = ", ".join(sorted(KINDS))


def line_of(needle: str) -> int:
    """The line of the fixture on which ``needle`` (which must occur once) starts."""
    assert TEXT.count(needle) == 1, needle
    return TEXT[:TEXT.index(needle)].count("\n") + 1


def swap(old: str, new: str) -> str:
    """The fixture with ``old`` (which must occur once) replaced by ``new``."""
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


def check(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `slutrapport check rapport.yaml` holding ``text``."""
    monkeypatch.chdir(tmp_path)
    Path("rapport.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "rapport.yaml"])
    return result.exit_code, result.stdout, result.stderr


PANDEMIN = "  - typ: text\n    id: pandemin\n"


def test_an_unknown_kind_names_the_kinds_there_are_and_the_nearest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misspelt typ is refused at its section, with the nearest kind and every kind."""
    got = check(swap(PANDEMIN, "  - typ: textt\n    id: pandemin\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of(PANDEMIN)}: pandemin: okänd "
                          f"avsnittstyp 'textt'; menade du 'text'? typerna som finns: {NAMES}\n")


def test_an_unknown_kind_like_none_there_is_names_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typ like no kind gets no guess, only the kinds there are."""
    got = check(swap(PANDEMIN, "  - typ: bilaga\n    id: pandemin\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of(PANDEMIN)}: pandemin: okänd "
                          f"avsnittstyp 'bilaga'; typerna som finns: {NAMES}\n")


def test_a_section_without_a_kind_is_told_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section with no typ is refused at its line, listing the kinds."""
    got = check(swap(PANDEMIN, "  - id: pandemin\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of(PANDEMIN)}: pandemin: avsnittet "
                          f"saknar 'typ'; ange en av: {NAMES}\n")


def test_a_kind_that_is_not_a_name_is_refused_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typ given as a list is refused without Python's way of writing the list."""
    got = check(swap(PANDEMIN, "  - typ: [text]\n    id: pandemin\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of(PANDEMIN)}: pandemin: avsnittets "
                          f"'typ' ska vara ett av namnen {NAMES}, inte en lista\n")


def test_two_sections_with_the_same_id_are_refused_at_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second section that takes an id already used is named, at its id's line."""
    got = check(swap("    id: pandemin\n", "    id: inledning\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of('    id: pandemin')}: "
                          "avsnitt[1].id: id 'inledning' används redan av avsnitt[0]; ge "
                          "avsnitten olika id\n")


def test_an_id_that_clashes_with_a_sections_default_id_is_refused_at_that_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section without an id takes its kind's name; if that is taken it is named at its line."""
    text = swap("    id: kommuner\n", "    id: ekonomi\n").replace(
        "  - typ: ekonomi\n    id: ekonomi\n", "  - typ: ekonomi\n")
    got = check(text, tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of('  - typ: ekonomi')}: "
                          "avsnitt[12]: id 'ekonomi' används redan av avsnitt[11]; ge avsnitten "
                          "olika id\n")


@pytest.mark.parametrize("reserved", ["projekt", "avsnitt", "loop", "class"])
def test_a_reserved_id_is_refused(
    reserved: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's own names, Jinja's and Python's can't name a section."""
    got = check(swap("    id: pandemin\n", f"    id: {reserved}\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of('    id: pandemin')}: "
                          f"avsnitt[1].id: id '{reserved}' är reserverat (ett namn som "
                          "rapporten, mallarna eller Python redan använder); välj ett annat id\n")


@pytest.mark.parametrize("bad", ["Pandemin", "pandemin-2020", "2020_pandemin", "pandemín"])
def test_an_id_that_is_not_snake_case_is_refused_with_what_an_id_is(
    bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Capitals, hyphens, a leading digit and letters outside a–z are refused, with an example."""
    got = check(swap("    id: pandemin\n", f"    id: {bad}\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of('    id: pandemin')}: "
                          "avsnitt[1].id: ett avsnitts id ska ha små bokstäver a–z, siffror och "
                          "_ och börja med en bokstav, t.ex. samverkan_umea "
                          f"(fick '{bad}')\n")


def test_a_misspelt_key_gets_the_right_key_of_its_own_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'kostnad_ingress' in the economy gets 'kostnader_ingress', at its line."""
    where = "    kostnader_ingress:"
    got = check(swap(where, "    kostnad_ingress:"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of(where)}: ekonomi.kostnad_ingress: "
                          "okänt fält 'kostnad_ingress'; menade du 'kostnader_ingress'?\n")


def test_a_misspelt_key_in_a_text_section_gets_the_text_kinds_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'rubirk' in a text section gets 'rubrik', at its line."""
    where = "    rubrik: Coronapandemin."
    got = check(swap(where, "    rubirk: Coronapandemin."), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of(where)}: pandemin.rubirk: okänt "
                          "fält 'rubirk'; menade du 'rubrik'?\n")


def test_a_key_of_another_kind_lists_the_keys_of_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'budget' belongs to the economy: in a text section the text kind's keys are listed."""
    where = "    rubrik: Coronapandemin.\n"
    got = check(swap(where, where + "    budget: 100\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of(where) + 1}: pandemin.budget: "
                          "okänt fält 'budget'; tillåtna fält här: delavsnitt, id, punkter, "
                          "rubrik, text, typ\n")


def test_a_section_that_is_not_a_mapping_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An item of avsnitt that is only text is refused at its line."""
    got = check(swap("avsnitt:\n", "avsnitt:\n  - Inledning\n"), tmp_path, monkeypatch)
    assert got == (2, "", f"Fel i indata: rapport.yaml:{line_of('avsnitt:') + 1}: avsnitt[0]: ska "
                          "vara en samling fält (nyckel: värde) (fick 'Inledning')\n")


@pytest.mark.parametrize("command", [["check"], ["render", "-o", "ut.docx"]])
def test_a_file_in_the_01_form_is_refused_naming_migrate(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check and render refuse a 0.1 file (exit 2) and say how to rewrite it; nothing is written."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(OLD_NIS, "gammal.yaml")
    result = CliRunner().invoke(main, [command[0], "gammal.yaml", *command[1:]])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Fel i indata: gammal.yaml: filen är skriven för slutrapport 0.1, där avsnitten "
               "stod som egna fält (inledning, aktiviteter, ekonomi …); nu står de i listan "
               "'avsnitt'. Skriv om den med 'slutrapport migrate gammal.yaml' (kommentarer och "
               "ordning behålls)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gammal.yaml"]
