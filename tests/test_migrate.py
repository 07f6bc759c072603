"""`slutrapport migrate`: a 0.1 file becomes today's form with the same data, text and comments.

The 0.1 files are the two examples as they were before the outline became data
(``git show fc7ee6c:fixtures/nis60.yaml`` and ``…/lappland20.yaml``), kept in ``tests/data``;
Lappland's cost and financing lead-ins end with the colon the example has had since issue 20.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import slutrapport
from slutrapport.checks import Finding, check
from slutrapport.cli import main
from tests.docxread import outline
from tests.test_checks import NIS_FINDINGS

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
OLD = {"nis60": DATA / "nis60_v01.yaml", "lappland20": DATA / "lappland20_v01.yaml"}
NOW = {name: ROOT / "fixtures" / f"{name}.yaml" for name in OLD}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def migrated(name: str, folder: Path) -> Path:
    """The 0.1 file migrated with -o into folder (the command must succeed as it says)."""
    out = folder / f"{name}.yaml"
    result = run("migrate", OLD[name], "-o", out)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"Skrev {out} i den nya formen.\nKontrollera med: slutrapport check {out}\n", "")
    return out


def without_line(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.code, f.severity, f.path, f.message, f.expected, f.actual) for f in findings]


def line_texts(findings: list[Finding], path: Path) -> list[str]:
    """The YAML line each finding names, as text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [lines[f.line - 1].strip() if f.line else "" for f in findings]


def comment_lines(text: str) -> list[str]:
    """Every line that is a comment, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def test_migrated_nis_file_gives_the_published_findings_at_the_same_lines(tmp_path: Path) -> None:
    """The 0.1 NIS file, migrated, gives the seven known findings, each on the same YAML line."""
    out = migrated("nis60", tmp_path)
    findings = check(slutrapport.load(out))
    assert without_line(findings) == without_line(NIS_FINDINGS)
    assert line_texts(findings, out) == line_texts(NIS_FINDINGS, NOW["nis60"])


def test_migrated_lappland_file_gives_the_same_findings_as_the_example(tmp_path: Path) -> None:
    """The 0.1 Lappland file, migrated, is checked exactly like the example in today's form."""
    out = migrated("lappland20", tmp_path)
    findings = check(slutrapport.load(out))
    expected = check(slutrapport.load(NOW["lappland20"]))
    assert without_line(findings) == without_line(expected)
    assert line_texts(findings, out) == line_texts(expected, NOW["lappland20"])


@pytest.mark.parametrize("name", sorted(OLD))
def test_migrated_file_renders_the_same_document_as_the_example(name: str, tmp_path: Path) -> None:
    """Rendered without charts or contents, the migrated file's document reads as the example's."""
    out = migrated(name, tmp_path)
    docs = []
    for data in (out, NOW[name]):
        target = tmp_path / f"{data.parent.name}-{name}.docx"
        result = run("render", data, "-o", target, "--no-charts", "--no-contents", "-q")
        assert (result.exit_code, result.stdout) == (0, f"Skrev {target}\n")
        docs.append(outline(target))
    assert docs[0] == docs[1]


@pytest.mark.parametrize("name", sorted(OLD))
def test_migration_keeps_every_comment_line(name: str, tmp_path: Path) -> None:
    """Each comment line of the 0.1 file is a line of the migrated file, as often as before."""
    new = migrated(name, tmp_path).read_text(encoding="utf-8").splitlines()
    old = comment_lines(OLD[name].read_text(encoding="utf-8"))
    stripped = [line.strip() for line in new]
    assert old and [c for c in old if stripped.count(c) < old.count(c)] == []


def commented(text: str) -> str:
    """The 0.1 NIS text with comments where an author puts them: above and beside each section,
    between the groups of activities, inside a section and at the end."""
    text = re.sub(r"^([a-z_]+):(.*)$", r"# före \1\n\1:\2  # nyckeln \1", text, flags=re.MULTILINE)
    text = text.replace("  - rubrik: Aktiviteterna.", "  # första gruppen\n"
                        "  - rubrik: Aktiviteterna.  # gruppens rubrik")
    text = text.replace("  - rubrik: Samverkan Umeå",
                        "  # andra gruppen\n  - rubrik: Samverkan Umeå")
    text = text.replace("  kommuner: Projektets betydelse för den egna kommunen.",
                        "  kommuner: Projektets betydelse för den egna kommunen.  # kommunernas")
    text = text.replace("  budget: 16713030", "  # enligt beslutet\n  budget: 16713030  # kr")
    return text + "# sist i filen\n"


def test_comments_around_and_inside_sections_are_all_kept(tmp_path: Path) -> None:
    """Comments above, beside and inside sections, between groups and at the end all stay."""
    source = tmp_path / "kommenterad.yaml"
    source.write_text(commented(OLD["nis60"].read_text(encoding="utf-8")), encoding="utf-8")
    plain = migrated("nis60", tmp_path)
    out = tmp_path / "ut.yaml"
    result = run("migrate", source, "-o", out)
    assert result.exit_code == 0, result.output
    old = re.findall(r"#.*", source.read_text(encoding="utf-8"))
    new = re.findall(r"#.*", out.read_text(encoding="utf-8"))
    assert (sorted(new), len(old)) == (sorted(old), 18 + 2 * 15 + 7)  # 15 top-level keys
    assert without_line(check(slutrapport.load(out))) == \
        without_line(check(slutrapport.load(plain)))


def test_comments_go_with_their_section_into_the_list(tmp_path: Path) -> None:
    """The whole result for a small file: each section's comments stand with it, in its place."""
    source = tmp_path / "liten.yaml"
    source.write_text(
        "# överst\n"
        "projekt:  # fakta\n"
        "  namn: X\n"
        "  kortnamn: X\n"
        "  period: {fran: 2019, till: 2022}\n"
        "rubriker:\n"
        "  kommuner: Kommunerna  # rubriken\n"
        "# före ekonomin\n"
        "ekonomi:  # pengarna\n"
        "  # inne i ekonomin\n"
        "  budget: 100\n"
        "  utfall: 100\n"
        "kommuner:\n"
        "- namn: Umeå\n"
        "  text: Bra.\n"
        "# före inledningen\n"
        "inledning:\n"
        "  rubrik: Inledning\n"
        "  text: |\n"
        "    # ingen kommentar, en rubrik i texten\n"
        "aktiviteter:\n"
        "  # grupp A\n"
        "  - rubrik: Grupp A\n"
        "  # grupp B\n"
        "  - {rubrik: Grupp B}\n"
        "# sist\n", encoding="utf-8")
    out = tmp_path / "ut.yaml"
    assert run("migrate", source, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == (
        "# överst\n"
        "projekt:  # fakta\n"
        "  namn: X\n"
        "  kortnamn: X\n"
        "  period: {fran: 2019, till: 2022}\n"
        "\n"
        "avsnitt:\n"
        "  # före inledningen\n"
        "  - typ: text\n"
        "    id: inledning\n"
        "    rubrik: Inledning\n"
        "    text: |\n"
        "      # ingen kommentar, en rubrik i texten\n"
        "  # grupp A\n"
        "  - typ: aktiviteter\n"
        "    id: grupp_a\n"
        "    rubrik: Grupp A\n"
        "  # grupp B\n"
        "  - {typ: aktiviteter, id: grupp_b, rubrik: Grupp B}\n"
        "  - typ: kommuner\n"
        "    id: kommuner\n"
        "    rubrik: Kommunerna  # rubriken\n"
        "    kommuner:\n"
        "      - namn: Umeå\n"
        "        text: Bra.\n"
        "  # före ekonomin\n"
        "  - typ: ekonomi  # pengarna\n"
        "    id: ekonomi\n"
        "    # inne i ekonomin\n"
        "    budget: 100\n"
        "    utfall: 100\n"
        "# sist\n")


def test_migrating_in_place_keeps_the_original_bytes_as_bak(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without -o the file is rewritten, and FIL.bak holds the original byte for byte."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(OLD["nis60"], "rapport.yaml")
    result = run("migrate", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "Skrev rapport.yaml i den nya formen.\nOriginalet finns kvar som rapport.yaml.bak.\n"
           "Kontrollera med: slutrapport check rapport.yaml\n", "")
    assert Path("rapport.yaml.bak").read_bytes() == OLD["nis60"].read_bytes()
    (tmp_path / "o").mkdir()
    assert Path("rapport.yaml").read_bytes() == migrated("nis60", tmp_path / "o").read_bytes()


def test_migrating_in_place_uses_the_next_backup_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An existing FIL.bak is never overwritten: the original goes to FIL.1.bak."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(OLD["nis60"], "rapport.yaml")
    Path("rapport.yaml.bak").write_bytes(b"en gammal kopia\n")
    result = run("migrate", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "Skrev rapport.yaml i den nya formen.\nOriginalet finns kvar som rapport.yaml.1.bak."
           "\nKontrollera med: slutrapport check rapport.yaml\n", "")
    assert (Path("rapport.yaml.bak").read_bytes(), Path("rapport.yaml.1.bak").read_bytes()) == (
        b"en gammal kopia\n", OLD["nis60"].read_bytes())


@pytest.mark.parametrize(("given", "output", "backup"), [
    ("rapport.yaml", "rapport.yaml", "rapport.yaml.bak"),
    ("rapport.yaml", "./rapport.yaml", "rapport.yaml.bak"),
    ("rapport.yaml", "lank.yaml", "rapport.yaml.bak"),
    ("lank.yaml", "rapport.yaml", "lank.yaml.bak"),
])
def test_migrating_to_the_same_file_is_in_place_with_a_backup(
    given: str, output: str, backup: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-o naming the input itself, also through a link, is in place: the original bytes are
    kept as .bak, the file is migrated and a link stays a link."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(OLD["nis60"], "rapport.yaml")
    Path("lank.yaml").symlink_to("rapport.yaml")
    result = run("migrate", given, "-o", output)
    shown = Path(output)  # as the command names it: ./rapport.yaml is rapport.yaml
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"Skrev {shown} i den nya formen.\nOriginalet finns kvar som {backup}.\n"
           f"Kontrollera med: slutrapport check {shown}\n", "")
    (tmp_path / "o").mkdir()
    assert (Path(backup).read_bytes(), Path("rapport.yaml").read_bytes(),
            sorted(p.name for p in tmp_path.iterdir() if p.is_symlink())) == (
        OLD["nis60"].read_bytes(), migrated("nis60", tmp_path / "o").read_bytes(), ["lank.yaml"])


def test_migrating_to_the_same_file_uses_the_next_backup_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In place through -o, an existing FIL.bak is kept as without -o: the original goes to
    FIL.1.bak."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(OLD["nis60"], "rapport.yaml")
    Path("rapport.yaml.bak").write_bytes(b"en gammal kopia\n")
    result = run("migrate", "rapport.yaml", "-o", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "Skrev rapport.yaml i den nya formen.\nOriginalet finns kvar som rapport.yaml.1.bak."
           "\nKontrollera med: slutrapport check rapport.yaml\n", "")
    assert (Path("rapport.yaml.bak").read_bytes(), Path("rapport.yaml.1.bak").read_bytes(),
            sorted(p.name for p in tmp_path.iterdir())) == (
        b"en gammal kopia\n", OLD["nis60"].read_bytes(),
        ["rapport.yaml", "rapport.yaml.1.bak", "rapport.yaml.bak"])


def test_a_file_in_the_new_form_is_left_alone_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file already in today's form exits 0, says there is nothing to do and writes nothing."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(NOW["nis60"], "rapport.yaml")
    result = run("migrate", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "rapport.yaml har redan den nya formen (avsnitten står i listan 'avsnitt'); inget att "
           "göra.\n", "")
    assert (sorted(p.name for p in tmp_path.iterdir()), Path("rapport.yaml").read_bytes()) == (
        ["rapport.yaml"], NOW["nis60"].read_bytes())


def test_an_unknown_top_level_key_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 0.1 file with a top-level key no version knows is refused, naming it; nothing written."""
    monkeypatch.chdir(tmp_path)
    text = OLD["nis60"].read_text(encoding="utf-8").replace("\nekonomi:\n",
                                                             "\nbilagor: ingen\nekonomi:\n")
    Path("rapport.yaml").write_text(text, encoding="utf-8")
    result = run("migrate", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Fel i indata: rapport.yaml: bilagor: okänt fält 'bilagor' på översta nivån; rätta "
               "eller ta bort det och försök igen\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.yaml"]


def test_a_layout_that_would_lose_a_comment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group whose first line is only '-' and a comment can't move without it: exit 2."""
    monkeypatch.chdir(tmp_path)
    Path("rapport.yaml").write_text(
        "projekt: {namn: X, kortnamn: X, period: {fran: 2019, till: 2022}}\n"
        "aktiviteter:\n"
        "  -   # första gruppen\n"
        "    rubrik: A\n", encoding="utf-8")
    result = run("migrate", "rapport.yaml")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Fel i indata: rapport.yaml: filen kan inte skrivas om utan att något går förlorat "
               "(en aktivitetsgrupp börjar inte med 'nyckel: värde' på samma rad som '- '; "
               "kommentaren 'första gruppen' skulle försvinna); skriv avsnitten som vanliga rader "
               "'nyckel: värde' och försök igen, eller flytta dem in i listan 'avsnitt' för hand\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.yaml"]


def test_windows_line_ends_stay_windows_line_ends(tmp_path: Path) -> None:
    """A file written with CRLF is migrated with CRLF on every line, and loads."""
    source = tmp_path / "crlf.yaml"
    source.write_bytes(OLD["lappland20"].read_bytes().replace(b"\n", b"\r\n"))
    out = tmp_path / "ut.yaml"
    assert run("migrate", source, "-o", out).exit_code == 0
    data = out.read_bytes()
    assert (data.count(b"\n"), data.replace(b"\r\n", b"\n")) == (
        data.count(b"\r\n"), migrated("lappland20", tmp_path).read_bytes())


@pytest.mark.parametrize(("mapping", "sequence", "offset"), [(4, 6, 4), (2, 2, 0)],
                         ids=["four-space indents", "lists at their key's column"])
def test_other_indentations_migrate_to_the_same_data(
    mapping: int, sequence: int, offset: int, tmp_path: Path
) -> None:
    """The 0.1 NIS file indented another way migrates to the same findings and comments."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.width, yaml.preserve_quotes = 4096, True
    text = io.StringIO()
    yaml.dump(yaml.load(OLD["nis60"].read_text(encoding="utf-8")), text)
    source = tmp_path / "indrag.yaml"
    source.write_text(text.getvalue(), encoding="utf-8")
    out = tmp_path / "ut.yaml"
    assert run("migrate", source, "-o", out).exit_code == 0
    assert (without_line(check(slutrapport.load(out))),
            comment_lines(out.read_text(encoding="utf-8"))) == (
        without_line(NIS_FINDINGS), comment_lines(text.getvalue()))


def test_a_section_written_as_braces_over_lines_goes_through_a_yaml_round_trip(
    tmp_path: Path,
) -> None:
    """'{…}' over two lines can't move line by line; the round trip gives the same data."""
    source = tmp_path / "klamrar.yaml"
    source.write_text("# Litet projekt\n"
                      "projekt: {namn: X, kortnamn: X, period: {fran: 2019, till: 2022}}\n"
                      "ekonomi: {budget: 1,\n"
                      "          utfall: 1}\n", encoding="utf-8")
    out = tmp_path / "ut.yaml"
    assert run("migrate", source, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == (
        "# Litet projekt\n"
        "projekt: {namn: X, kortnamn: X, period: {fran: 2019, till: 2022}}\n"
        "avsnitt:\n"
        "  - {typ: ekonomi, id: ekonomi, budget: 1, utfall: 1}\n")
