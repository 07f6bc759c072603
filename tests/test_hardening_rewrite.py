"""Hardening II, rewrites: no command that writes loses a file, makes a private file public,
parts a hard link, drops a YAML anchor or says a system error in English (issue 24, items 2
and 9). One test per class of attack, each comparing the exit code and the whole message."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import slutrapport
from slutrapport._files import is_data_file, os_error_text, write_file
from slutrapport.cli import main
from slutrapport.errors import OutputError
from slutrapport.register_templates import REGISTERS as TEMPLATES
from slutrapport.scaffold import from_previous
from tests.registerdata import (
    LEDGER,
    LEDGER_HEADER,
    LOG,
    LOG_HEADER,
    REPORT,
    D,
    csv_bytes,
    make,
)
from tests.test_registers_fill import CHANGED, REGISTERS, _expected, files, printed

NIS = slutrapport.example_path()
OLD_FORM = Path(__file__).parent / "data" / "nis60_v01.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder to work in, as the current folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- outputs that are inputs, backups or data files ---------------------------------------------


def test_new_from_a_report_onto_itself_with_force_keeps_the_previous_report(here: Path) -> None:
    """``new --from X -o X --force`` writes the new report and keeps the previous one as X.bak
    (it used to blank it with no copy)."""
    shutil.copy(NIS, "rapport.yaml")
    before, expected = Path("rapport.yaml").read_bytes(), from_previous("rapport.yaml")
    result = run("new", "--from", "rapport.yaml", "-o", "rapport.yaml", "--force")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "Skrev rapport.yaml. Fyll i det som är märkt TODO, granska det som står under "
           "'granska' och kontrollera med:\n  slutrapport check rapport.yaml\n"
           "Det som stod i rapport.yaml förut finns kvar som rapport.yaml.bak.\n", "")
    assert (Path("rapport.yaml.bak").read_bytes(), Path("rapport.yaml").read_text("utf-8"),
            sorted(os.listdir())) == (
        before, expected, ["rapport.yaml", "rapport.yaml.bak"])


def test_new_from_a_report_onto_its_backup_is_refused(here: Path) -> None:
    """``new --from X -o X.bak --force`` would overwrite a backup: exit 2, nothing changes."""
    shutil.copy(NIS, "rapport.yaml")
    Path("rapport.yaml.bak").write_bytes(b"en gammal kopia\n")
    result = run("new", "--from", "rapport.yaml", "-o", "rapport.yaml.bak", "--force")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Kan inte skriva: rapport.yaml.bak: är en säkerhetskopia av den förra rapporten "
               "rapport.yaml och skrivs inte över; välj ett annat namn för utfilen\n")
    assert (Path("rapport.yaml.bak").read_bytes(), sorted(os.listdir())) == (
        b"en gammal kopia\n", ["rapport.yaml", "rapport.yaml.bak"])


def test_schema_onto_a_data_file_is_refused(here: Path) -> None:
    """``schema -o rapport.yaml`` where rapport.yaml holds a report: exit 2, the report stays."""
    shutil.copy(NIS, "rapport.yaml")
    result = run("schema", "-o", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Kan inte skriva: rapport.yaml: är en datafil med en rapport och skrivs inte över "
               "med en annan sorts fil; välj ett annat namn för utfilen\n")
    assert (Path("rapport.yaml").read_bytes(), os.listdir()) == (
        NIS.read_bytes(), ["rapport.yaml"])


@pytest.mark.parametrize("name", ["rapport.txt", "rapport", "rapport.json"])
def test_schema_onto_a_data_file_of_any_name_is_refused(here: Path, name: str) -> None:
    """A report named rapport.txt (or without a suffix, or .json), which check and render read
    as a report: told by what it holds, it is refused as the output of ``schema`` as a .yaml
    one is (it was overwritten with the schema)."""
    shutil.copy(NIS, name)
    result = run("schema", "-o", name)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"Kan inte skriva: {name}: är en datafil med en rapport och skrivs inte över "
               "med en annan sorts fil; välj ett annat namn för utfilen\n")
    assert (Path(name).read_bytes(), os.listdir()) == (NIS.read_bytes(), [name])


def test_schema_onto_an_earlier_schema_named_yaml_writes_it_again(here: Path) -> None:
    """A .yaml file holding the JSON schema is not a data file: ``schema`` writes over it."""
    first = run("schema", "-o", "schema.yaml")
    Path("schema.yaml").write_text('{"$schema": "gammalt"}\n', encoding="utf-8")
    second = run("schema", "-o", "schema.yaml")
    assert [(r.exit_code, r.stdout, r.stderr) for r in (first, second)] == [
        (0, "Skrev schema.yaml\n", "")] * 2
    assert (Path("schema.yaml").read_text("utf-8"), os.listdir()) == (
        slutrapport.schema.schema_text(), ["schema.yaml"])


@pytest.mark.parametrize("output", ["rapport.yaml.bak", "rapport.yaml.3.bak"])
def test_fill_onto_a_backup_of_its_report_is_refused(here: Path, output: str) -> None:
    """``fill X -o X.bak`` (or a numbered backup) would overwrite a backup: exit 2, nothing
    changes."""
    make(here, **CHANGED)
    Path("rapport.yaml.bak").write_bytes(b"en gammal kopia\n")
    before = {p.name: p.read_bytes() for p in here.iterdir()}
    result = run("fill", "rapport.yaml", "-o", output)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"Kan inte skriva: {output}: är en säkerhetskopia av datafilen rapport.yaml och "
               "skrivs inte över; välj ett annat namn för utfilen\n")
    assert {p.name: p.read_bytes() for p in here.iterdir()} == before


def test_migrate_onto_a_backup_of_its_input_is_refused(here: Path) -> None:
    """``migrate X -o X.bak``: exit 2, and no file is written."""
    shutil.copy(OLD_FORM, "gammal.yaml")
    result = run("migrate", "gammal.yaml", "-o", "gammal.yaml.bak")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Kan inte skriva: gammal.yaml.bak: är en säkerhetskopia av datafilen gammal.yaml "
               "och skrivs inte över; välj ett annat namn för utfilen\n")
    assert os.listdir() == ["gammal.yaml"]


def test_fill_onto_another_report_keeps_that_report(here: Path) -> None:
    """``fill X -o Y`` where Y holds another report: Y is written and what stood there is kept
    as Y.bak, and the command says so."""
    path = make(here, **CHANGED)
    shutil.copy(NIS, "annan.yaml")
    result = run("fill", "rapport.yaml", "-o", "annan.yaml")
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, printed(Path("rapport.yaml"), "Skrev annan.yaml.\nDet som stod i annan.yaml förut "
                   "finns kvar som annan.yaml.bak.\nKontrollera med: slutrapport check "
                   "annan.yaml\n"), "")
    assert (Path("annan.yaml").read_text("utf-8"), Path("annan.yaml.bak").read_bytes(),
            path.read_text("utf-8")) == (_expected(REPORT), NIS.read_bytes(), REPORT)


def test_new_registers_over_filled_registers_keeps_them(here: Path) -> None:
    """``new --registers MAPP --force`` over registers that hold rows keeps each as FIL.bak."""
    assert run("new", "--registers", "reg").exit_code == 0
    kept = {p.name: p.read_bytes() for p in Path("reg").iterdir()}
    result = run("new", "--registers", "reg", "--force")
    assert (result.exit_code, result.stderr) == (0, "")
    backups = [line for line in result.stdout.splitlines() if line.startswith("Det som")]
    assert backups == [f"Det som stod i reg/{r.file} förut finns kvar som reg/{r.file}.bak."
                       for r in TEMPLATES]
    assert {name: Path("reg", name + ".bak").read_bytes() for name in kept} == kept


# --- backups: numbered, never overwritten -------------------------------------------------------


def test_new_with_force_uses_the_next_free_backup_number(here: Path) -> None:
    """FIL.bak and FIL.1.bak exist: the data file written over goes to FIL.2.bak."""
    Path("rapport.yaml").write_text("# min rapport\nprojekt: {}\n", encoding="utf-8")
    Path("rapport.yaml.bak").write_text("# äldst\n", encoding="utf-8")
    Path("rapport.yaml.1.bak").write_text("# äldre\n", encoding="utf-8")
    result = run("new", "-o", "rapport.yaml", "--force")
    assert (result.exit_code, result.stdout.splitlines()[-1], result.stderr) == (
        0, "Det som stod i rapport.yaml förut finns kvar som rapport.yaml.2.bak.", "")
    assert [Path(n).read_text("utf-8") for n in
            ("rapport.yaml.bak", "rapport.yaml.1.bak", "rapport.yaml.2.bak")] == [
        "# äldst\n", "# äldre\n", "# min rapport\nprojekt: {}\n"]


def test_fill_twice_in_a_row_keeps_both_originals(here: Path) -> None:
    """A second fill after the registers change again is not refused: the first original stays
    in FIL.bak, the second goes to FIL.1.bak."""
    path = make(here, **CHANGED)
    original = path.read_bytes()
    first = run("fill", "rapport.yaml")
    after_first = path.read_bytes()
    make(here, report=after_first.decode("utf-8"), **{
        **CHANGED, "log": [*CHANGED["log"], [D(2022, 4, 4), "foretagsbesok", "Vännäs", None,
                                              0, 0]]})
    second = run("fill", "rapport.yaml")
    assert [(r.exit_code, r.stdout.splitlines()[-2], r.stderr) for r in (first, second)] == [
        (0, "Originalet finns kvar som rapport.yaml.bak.", ""),
        (0, "Originalet finns kvar som rapport.yaml.1.bak.", "")]
    assert (Path("rapport.yaml.bak").read_bytes(), Path("rapport.yaml.1.bak").read_bytes(),
            path.read_text("utf-8")) == (
        original, after_first,
        _expected(REPORT).replace("antal: 4\n", "antal: 5\n").replace(
            '"[4](tal:antal) företagsbesök."', '"[5](tal:antal) företagsbesök."'))


# --- modes and owners ---------------------------------------------------------------------------


def test_fill_keeps_a_private_report_private(here: Path) -> None:
    """A report saved 0600 is 0600 after fill, and so is its backup."""
    path = make(here, **CHANGED)
    path.chmod(0o600)
    assert run("fill", "rapport.yaml").exit_code == 0
    assert (mode(path), mode(Path("rapport.yaml.bak"))) == (0o600, 0o600)


def test_migrate_keeps_a_private_file_private(here: Path) -> None:
    """A 0.1 file saved 0600 is 0600 after migrate, and so is its backup."""
    shutil.copy(OLD_FORM, "gammal.yaml")
    Path("gammal.yaml").chmod(0o600)
    assert run("migrate", "gammal.yaml").exit_code == 0
    assert (mode(Path("gammal.yaml")), mode(Path("gammal.yaml.bak"))) == (0o600, 0o600)


def test_render_over_a_private_document_keeps_it_private(here: Path) -> None:
    """An earlier report.docx saved 0640 is 0640 after render writes it again; a new one gets
    the mode the umask gives."""
    Path("rapport.docx").write_bytes(b"det gamla dokumentet")
    Path("rapport.docx").chmod(0o640)
    umask = os.umask(0o022)
    try:
        for out in ("rapport.docx", "ny.docx"):
            result = run("render", NIS, "-o", out, "--no-contents", "--no-charts", "--quiet")
            assert (result.exit_code, result.stdout) == (0, f"Skrev {out}\n")
    finally:
        os.umask(umask)
    assert (mode(Path("rapport.docx")), mode(Path("ny.docx")), sorted(os.listdir())) == (
        0o640, 0o644, ["ny.docx", "rapport.docx"])


def test_new_with_force_keeps_the_mode_of_the_file_and_gives_it_to_the_backup(
        here: Path) -> None:
    """``new --force`` over a 0600 data file: the new file and the backup are 0600."""
    Path("rapport.yaml").write_text("# min rapport\nprojekt: {}\n", encoding="utf-8")
    Path("rapport.yaml").chmod(0o600)
    assert run("new", "-o", "rapport.yaml", "--force").exit_code == 0
    assert (mode(Path("rapport.yaml")), mode(Path("rapport.yaml.bak"))) == (0o600, 0o600)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_fill_keeps_the_owner_of_the_report_and_gives_it_to_the_backup(here: Path) -> None:
    """A report owned by another user (written by root) keeps its owner, and so does the
    backup."""
    path = make(here, **CHANGED)
    os.chown(path, 4321, 4322)
    assert run("fill", "rapport.yaml").exit_code == 0
    owners = [(p.stat().st_uid, p.stat().st_gid) for p in (path, Path("rapport.yaml.bak"))]
    assert owners == [(4321, 4322)] * 2


# --- hard and symbolic links --------------------------------------------------------------------


def test_fill_of_a_hard_linked_report_is_seen_through_every_name(here: Path) -> None:
    """A report with a second name (a hard link) is written in place after a backup: the other
    name sees the filled text, and the backup holds the original."""
    path = make(here, **CHANGED)
    original = path.read_bytes()
    os.link(path, "delad.yaml")
    result = run("fill", "rapport.yaml")
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, printed(Path("rapport.yaml"), "Skrev rapport.yaml.\nOriginalet finns kvar som "
                   "rapport.yaml.bak.\nKontrollera med: slutrapport check rapport.yaml\n"), "")
    assert (Path("delad.yaml").read_text("utf-8"), os.path.samefile(path, "delad.yaml"),
            Path("rapport.yaml.bak").read_bytes(), files(here)) == (
        _expected(REPORT), True, original,
        sorted([*REGISTERS, "delad.yaml", "rapport.yaml", "rapport.yaml.bak"]))


def test_render_over_a_hard_linked_document_says_where_the_old_one_is(here: Path) -> None:
    """A .docx with a second name is written in place so both names see the new document;
    the old one is kept as .bak and ``render`` says so."""
    Path("rapport.docx").write_bytes(b"det gamla dokumentet")
    os.link("rapport.docx", "leverans.docx")
    result = run("render", NIS, "-o", "rapport.docx", "--no-contents", "--no-charts", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr.splitlines()[-1]) == (
        0, "Skrev rapport.docx\n",
        "Obs: rapport.docx har flera namn (hårda länkar) och skrevs om på plats, så att alla "
        "namnen visar den nya filen; det som stod där förut finns kvar som rapport.docx.bak")
    assert (Path("leverans.docx").read_bytes()[:2], Path("rapport.docx.bak").read_bytes(),
            os.path.samefile("rapport.docx", "leverans.docx")) == (
        b"PK", b"det gamla dokumentet", True)


def test_a_failed_write_in_place_puts_the_old_bytes_back(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while a hard-linked file is written in place: the old bytes are written
    back, the backup is removed again, and the message says the file is as before."""
    Path("a.json").write_bytes(b"det gamla")
    os.link("a.json", "b.json")
    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the first is the backup's, the second the new bytes'
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OutputError) as caught:
        write_file("a.json", b"det nya, som inte ryms")
    assert (str(caught.value), Path("b.json").read_bytes(), sorted(os.listdir())) == (
        "a.json: kan inte skrivas (disken är full); filen är som förut", b"det gamla",
        ["a.json", "b.json"])


def test_an_interrupted_write_in_place_puts_the_old_bytes_back(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a hard-linked file is written in place: the old bytes are written back and
    the interruption goes on (no backup left, no half-written file)."""
    Path("a.json").write_bytes(b"det gamla")
    os.link("a.json", "b.json")
    real_fsync, calls = os.fsync, []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        write_file("a.json", b"det nya")
    assert (Path("b.json").read_bytes(), sorted(os.listdir())) == (
        b"det gamla", ["a.json", "b.json"])


# --- YAML anchors and aliases through fill ------------------------------------------------------

ONE_MORE_VISIT = {"log": [LOG_HEADER, *LOG, [D(2022, 3, 7), "foretagsbesok", "Vännäs", None,
                                              100, 0]]}
FOUR_KRONOR_MORE = {"ledger": csv_bytes([LEDGER_HEADER, *LEDGER[:2],
                                         ["2021-09-30", "V3", "Externa tjänster", "50 004,00"]])}


def test_fill_keeps_the_anchor_on_a_filled_value(here: Path) -> None:
    """``antal: &a 3`` becomes ``antal: &a 4``: the anchor stays."""
    path = make(here, report=REPORT.replace("antal: 3\n", "antal: &a 3\n"), **ONE_MORE_VISIT)
    assert run("fill", "rapport.yaml").exit_code == 0
    assert [line for line in path.read_text("utf-8").splitlines() if "antal:" in line] == [
        "        antal: &a 4", "        antal: 2  # träffar"]


def test_fill_writes_an_aliased_value_once_when_its_places_agree(here: Path) -> None:
    """``utfall: &s 150000`` and ``summa_kostnader: *s`` both become 150 004: the anchored
    value is written, the alias stays an alias, and both changes are listed."""
    report = REPORT.replace("utfall: 150000", "utfall: &s 150000").replace(
        "summa_kostnader: 150000", "summa_kostnader: *s")
    path = make(here, report=report, **FOUR_KRONOR_MORE)
    result = run("fill", "rapport.yaml")
    assert (result.exit_code, result.stdout.replace("\u00a0", " "), result.stderr) == (
        0, "rapport.yaml: 4 tal ändrades:\n"
           "  ekonomi.utfall (rad 34): 150 000 kr → 150 004 kr\n"
           "  ekonomi.under_budget (rad 35): 850 000 kr → 849 996 kr\n"
           "  ekonomi.kostnader[1].belopp (rad 38): 50 000 kr → 50 004 kr\n"
           "  ekonomi.summa_kostnader (rad 39): 150 000 kr → 150 004 kr\n"
           "Skrev rapport.yaml.\nOriginalet finns kvar som rapport.yaml.bak.\n"
           "Kontrollera med: slutrapport check rapport.yaml\n", "")
    assert path.read_text("utf-8") == report.replace("&s 150000", "&s 150004").replace(
        "under_budget: 850000", "under_budget: 849996").replace(
        "{kategori: Externa tjänster, belopp: 50000}",
        "{kategori: Externa tjänster, belopp: 50004}")


def test_fill_refuses_at_the_alias_when_its_places_would_part(here: Path) -> None:
    """An alias ``*a`` of a count that fill would give another value than the anchored one:
    exit 2, a message at the alias's line in the user's file, nothing written."""
    report = REPORT.replace("antal: 3\n", "antal: &a 3\n").replace(
        "antal: 2  # träffar", "antal: *a  # träffar")
    path = make(here, report=report, **ONE_MORE_VISIT)
    result = run("fill", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Fel i indata: rapport.yaml:18: aktiviteter.omraden[1].antal: värdet står som "
               "aliaset *a för värdet på rad 15 (aktiviteter.omraden[0].antal), och fill skulle "
               "ge de två olika värden; skriv ut värdet i stället för *a och kör fill igen\n")
    assert (path.read_text("utf-8"), os.path.exists("rapport.yaml.bak")) == (report, False)


# --- system errors in Swedish -------------------------------------------------------------------


def test_every_system_error_is_worded_without_the_systems_english() -> None:
    """For every error number the system knows, the words are not its English text."""
    english = {code: os.strerror(code) for code in errno.errorcode}
    said = {code: os_error_text(OSError(code, text)) for code, text in english.items()}
    assert [code for code in said if english[code] in said[code]] == []


def test_the_common_system_errors_have_swedish_words() -> None:
    """The errors a user meets when writing have words of their own."""
    codes = ["ENOSPC", "EPERM", "EACCES", "EROFS", "EISDIR", "ENOTDIR", "ENAMETOOLONG", "EEXIST",
             "EXDEV", "EDQUOT", "ECONNRESET"]
    assert {c: os_error_text(OSError(getattr(errno, c), "x")) for c in codes} == {
        "ENOSPC": "disken är full", "EPERM": "åtgärden är inte tillåten",
        "EACCES": "behörighet saknas", "EROFS": "filsystemet är skrivskyddat",
        "EISDIR": "det är en mapp", "ENOTDIR": "en del av sökvägen är ingen mapp",
        "ENAMETOOLONG": "namnet är för långt", "EEXIST": "filen finns redan",
        "EXDEV": "filen kan inte flyttas mellan två filsystem",
        "EDQUOT": "diskkvoten är slut", "ECONNRESET": "systemfel ECONNRESET"}


def _failing(call: str, code: int) -> Any:
    """A stand-in for ``os.<call>`` that fails as the system does with ``code``."""
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize(("call", "code", "words"), [
    ("replace", errno.ENOSPC, "disken är full"),
    ("replace", errno.EPERM, "åtgärden är inte tillåten"),
    ("replace", errno.EACCES, "behörighet saknas"),
    ("fsync", errno.EIO, "läs- eller skrivfel på enheten"),
])
def test_a_failed_write_is_said_in_swedish(here: Path, monkeypatch: pytest.MonkeyPatch,
                                           call: str, code: int, words: str) -> None:
    """``schema -o`` when the system refuses the write: exit 2, the reason in Swedish, no
    temporary file left."""
    monkeypatch.setattr(os, call, _failing(call, code))
    result = run("schema", "-o", "schema.json")
    assert (result.exit_code, result.stdout, result.stderr, os.listdir()) == (
        2, "", f"Kan inte skriva: schema.json: kan inte skrivas ({words})\n", [])


def test_a_read_only_file_system_is_said_in_swedish(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file can't be made (a read-only file system): exit 2, in Swedish."""
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", _failing("mkstemp", errno.EROFS))
    result = run("new", "-o", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Kan inte skriva: rapport.yaml: kan inte skrivas (filsystemet är skrivskyddat)\n")


def test_a_report_that_cant_be_read_is_said_in_swedish(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the data file is refused by the system (EACCES; root ignores mode bits, so the
    refusal is simulated): exit 2, in Swedish."""
    shutil.copy(NIS, "rapport.yaml")
    monkeypatch.setattr(Path, "read_bytes", _failing("read_bytes", errno.EACCES))
    checked, migrated = run("check", "rapport.yaml"), run("migrate", "rapport.yaml")
    assert [(r.exit_code, r.stdout, r.stderr) for r in (checked, migrated)] == [
        (2, "", "Fel i indata: rapport.yaml: filen kan inte läsas (behörighet saknas)\n")] * 2


def test_an_output_folder_that_cant_be_made_is_said_in_swedish(here: Path) -> None:
    """``render … -o fil/ut/`` where fil is a file: exit 2, in Swedish (it was exit 3)."""
    Path("fil").write_text("en fil\n", encoding="utf-8")
    shutil.copy(NIS, "a.yaml")
    shutil.copy(NIS, "b.yaml")
    result = run("render", "a.yaml", "b.yaml", "-o", "fil/ut/")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Kan inte skriva: fil/ut: mappen kan inte skapas (en del av sökvägen är ingen "
               "mapp)\n")


# --- migrate with the loader's limits -----------------------------------------------------------


def test_migrate_refuses_a_file_the_loader_refuses_as_too_big(here: Path) -> None:
    """A 25 MB file: migrate refuses it with the loader's message, as check does (exit 2)."""
    with open("stor.yaml", "wb") as handle:
        handle.write(OLD_FORM.read_bytes())
        handle.truncate(25 * 1024 * 1024)  # a sparse tail: large on paper, small on disk
    migrated, checked = run("migrate", "stor.yaml"), run("check", "stor.yaml")
    message = ("Fel i indata: stor.yaml: filen är för stor (25 MB; högst 20 MB) — är det rätt "
               "fil?\n")
    assert [(r.exit_code, r.stdout, r.stderr) for r in (migrated, checked)] == [
        (2, "", message)] * 2
    assert os.listdir() == ["stor.yaml"]


def test_migrate_refuses_an_alias_bomb_as_the_loader_does(here: Path) -> None:
    """Lists reused through aliases (a 'billion laughs'): migrate refuses it in the loader's
    words and place, without expanding it."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)]
    Path("bomb.yaml").write_text("inledning: {}\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = run("migrate", "bomb.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Fel i indata: bomb.yaml:3: a1[0]: en lista eller samling fält får inte "
               "återanvändas med ett alias (*namn); skriv ut värdena\n")


def test_a_data_file_is_told_from_a_schema_and_from_other_files(here: Path) -> None:
    """Data files: a non-empty .yaml/.yml and its backups, and a file of any name that begins
    as a report does (``projekt:`` or ``avsnitt:`` at the start of a line, or as a JSON key);
    not the JSON schema (which names ``projekt`` too), an empty file, other text, a binary file
    or a folder."""
    Path("r.yaml").write_text("projekt: {}\n", encoding="utf-8")
    Path("r.YML").write_text("projekt: {}\n", encoding="utf-8")
    Path("r.yaml.2.bak").write_text("projekt: {}\n", encoding="utf-8")
    Path("s.yaml").write_text('\ufeff{\n  "$schema": "x"\n}\n', encoding="utf-8")
    Path("tom.yaml").write_bytes(b"")
    Path("r.json").write_text("projekt: {}\n", encoding="utf-8")
    Path("r.txt").write_text("# Slutrapporten\navsnitt:\n  - typ: text\n", encoding="utf-8")
    Path("j.txt").write_text('{\n  "projekt": {"namn": "X"}\n}\n', encoding="utf-8")
    Path("s.json").write_text('{\n  "$schema": "x",\n  "properties": {\n    "projekt": {}\n'
                              "  }\n}\n", encoding="utf-8")
    Path("anteckning.txt").write_text("Att göra:\n  projekt: skriv rapporten\n",
                                      encoding="utf-8")
    Path("bin").write_bytes(b"\x00\x01projekt: {}\n")
    Path("mapp.yaml").mkdir()
    names = ["r.yaml", "r.YML", "r.yaml.2.bak", "s.yaml", "tom.yaml", "r.json", "r.txt",
             "j.txt", "s.json", "anteckning.txt", "bin", "mapp.yaml", "saknas.yaml"]
    assert {n: is_data_file(n) for n in names} == {
        "r.yaml": True, "r.YML": True, "r.yaml.2.bak": True, "s.yaml": False,
        "tom.yaml": False, "r.json": True, "r.txt": True, "j.txt": True, "s.json": False,
        "anteckning.txt": False, "bin": False, "mapp.yaml": False, "saknas.yaml": False}
