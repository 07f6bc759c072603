"""``--strict``: errors and content left to fill in both stop the render, and nothing is written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from slutrapport.cli import main

REPORT = """\
projekt:
  namn: Test
  kortnamn: T
  period: {fran: "2023", till: "2026"}
avsnitt:
  - typ: text
    id: inledning
    rubrik: Inledning
    text: "TEXT"
"""


def _render(tmp_path: Path, text: str, *extra: str) -> tuple[int, str, bool]:
    data = tmp_path / "rapport.yaml"
    data.write_text(REPORT.replace("TEXT", text), encoding="utf-8")
    out = tmp_path / "rapport.docx"
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(out), "--no-contents",
                                       "--no-charts", *extra])
    return result.exit_code, result.stderr.replace(str(tmp_path) + "/", ""), out.exists()


def test_strict_refuses_a_report_with_a_text_left_to_fill_in(tmp_path: Path) -> None:
    """A text left as '…' is an info; under --strict it stops the render with exit 1."""
    assert _render(tmp_path, "…", "--strict") == (1, (
        "rapport.yaml: 0 fel, 0 varningar, 1 upplysning\n"
        "  INFO    rad 9    inledning.text  [ej-ifyllt]\n"
        "                   Texten är inte ifylld.\n"
        "Stoppad: rapporten skrevs inte: kontrollerna hittade 1 sak att fylla i "
        "(--strict).\n"), False)


def test_without_strict_the_same_report_is_written(tmp_path: Path) -> None:
    """Without --strict the to-do item is listed and the report is written (exit 0)."""
    code, _, written = _render(tmp_path, "…")
    assert (code, written) == (0, True)


def test_strict_writes_a_filled_in_report(tmp_path: Path) -> None:
    """A report with nothing to fill in and no error is written under --strict."""
    assert _render(tmp_path, "Projektet började 2023.", "--strict") == (
        0, "rapport.yaml: 0 fel, 0 varningar, 0 upplysningar\n", True)


def _batch(tmp_path: Path, *files: Path) -> tuple[int, str, str, list[str]]:
    out = tmp_path / "ut"
    result = CliRunner().invoke(main, ["render", *map(str, files), "-o", f"{out}/", "--strict",
                                       "--no-contents", "--no-charts", "-q"])
    tail = result.stderr[result.stderr.index("skrev"):] if "skrev" in result.stderr else ""
    return result.exit_code, result.stdout, tail, sorted(p.name for p in out.iterdir())


def test_strict_in_a_batch_refuses_each_report_for_itself_and_writes_the_others(
        tmp_path: Path) -> None:
    """With --strict, a clean report is written, one with errors is listed by name: exit 1."""
    import slutrapport

    good, bad = slutrapport.example_path("lappland20"), slutrapport.example_path()
    assert _batch(tmp_path, good, bad) == (
        1, f"Skrev {tmp_path / 'ut' / 'lappland20.docx'}\n",
        "skrevs inte: 1 av 2 rapporter kunde inte skrivas:\n"
        f"  {bad}: rapporten skrevs inte: kontrollerna hittade 3 fel (--strict).\n",
        ["lappland20.docx"])


def test_strict_in_a_batch_with_an_unusable_file_too_exits_2_naming_both(tmp_path: Path) -> None:
    """A refused report and a missing file: the good one is written, both named, exit 2."""
    import slutrapport

    good, bad = slutrapport.example_path("lappland20"), slutrapport.example_path()
    missing = tmp_path / "saknas.yaml"
    code, stdout, tail, written = _batch(tmp_path, good, bad, missing)
    assert (code, stdout, tail.splitlines()[0], written) == (
        2, f"Skrev {tmp_path / 'ut' / 'lappland20.docx'}\n",
        "skrevs inte: 2 av 3 rapporter kunde inte skrivas:", ["lappland20.docx"])
    assert [line.split(":")[0].strip() for line in tail.splitlines()[1:]] == [
        str(bad), str(missing)]


def test_strict_in_a_batch_where_every_report_is_refused_says_none_was_written(
        tmp_path: Path) -> None:
    """Two reports refused by --strict: nothing written, exit 1, 'Ingen rapport skrevs'."""
    import shutil

    import slutrapport

    copies = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    for copy in copies:
        shutil.copy(slutrapport.example_path(), copy)
    result = CliRunner().invoke(main, ["render", *map(str, copies), "-o", str(tmp_path / "ut"),
                                       "--strict", "--no-contents", "--no-charts", "-q"])
    assert (result.exit_code, result.stdout, result.stderr.splitlines()[-3:]) == (1, "", [
        "Ingen rapport skrevs: 2 av 2 rapporter kunde inte skrivas:",
        f"  {copies[0]}: rapporten skrevs inte: kontrollerna hittade 3 fel (--strict).",
        f"  {copies[1]}: rapporten skrevs inte: kontrollerna hittade 3 fel (--strict)."])
