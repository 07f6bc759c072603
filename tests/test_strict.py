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
