"""`new --from-docx`: a report that exists only in Word becomes a first outline to review."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from click.testing import CliRunner

from slutrapport import load
from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.rendering import render_bytes
from slutrapport.wordimport import Note, new_from_docx
from tests.conftest import docx_paragraphs
from tests.wordimport_docx import docx, p, r


def cell(text: str, props: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}{p(text)}</w:tc>"


def row(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


TABLE = ("<w:tbl>" + row(cell("Kommun"), cell("Företag"), cell("Andel"))
         + row(cell("Robertsfors, centralort"), cell("12"), cell("40 %"))
         + row(cell("Vindeln"), cell("1 018"), cell("60 %"))
         + row(cell("Totalt"), cell("1 030"), cell("100 %")) + "</w:tbl>")


def test_headings_and_tables_become_sections_to_review(tmp_path: Path) -> None:
    """The title is the project's name, text before the first heading a section of its own,
    the top headings text sections with the next level as sub-sections and a deeper one a bold
    line, a table with its caption a tabell section after its section, with a sum row."""
    body = (p("NIS 7.0 Näringsliv i samverkan", "Rubrik") + p("Om rapporten.")
            + p("Bakgrund", "Rubrik1") + p(runs=r("Projektet ") + r("började", "<w:b/>")
                                           + r(" 2023."))
            + p("Mål: fler företag", "Rubrik2") + p("Tre mål.") + p("Delmål", "Rubrik3")
            + p("Tabell 1: Företag per kommun") + TABLE + p("Efter tabellen.")
            + p("Ekonomi", "Rubrik1") + p("Budgeten höll."))
    source = tmp_path / "forra.docx"
    source.write_bytes(docx(body))
    output = tmp_path / "ny.yaml"
    result = new_from_docx(source, output)
    year = _dt.date.today().year
    assert output.read_text(encoding="utf-8") == f"""\
# Data för en slutrapport, skapad med 'slutrapport new --from-docx forra.docx':
# Word-filens rubriker blev avsnitt av typen text med sina texter, och dess tabeller
# avsnitt av typen tabell. Granska varje avsnitt (de står under 'granska' längst ned),
# fyll i det som är märkt TODO och kontrollera sedan med 'slutrapport check FIL'.

projekt:
  namn: NIS 7.0 Näringsliv i samverkan  # TODO: granska projektets namn (Word-filens titel)
  kortnamn: …  # TODO: fyll i kortnamnet, t.ex. NIS 7.0
  rapporttyp: Slutrapport
  period:  # TODO: projektperioden (år, år-månad eller datum)
    fran: "{year}"
    till: "{year + 3}"

avsnitt:
  - typ: text
    id: inledning
    rubrik: Inledning  # TODO: texten stod före första rubriken i Word-filen; ge avsnittet en rubrik
    text: |-
      Om rapporten.

  - typ: text
    id: bakgrund
    rubrik: Bakgrund
    text: |-
      Projektet **började** 2023.
    delavsnitt:
      - rubrik: "Mål: fler företag"
        text: |-
          Tre mål.

          **Delmål**

          Efter tabellen.

  - typ: tabell
    id: foretag_per_kommun
    rubrik: Företag per kommun
    bildtext: Företag per kommun
    kolumner:
      - {{rubrik: Kommun, typ: text}}
      - {{rubrik: Företag, typ: antal}}
      - {{rubrik: Andel, typ: procent}}
    rader:
      - ["Robertsfors, centralort", 12, "40"]
      - [Vindeln, 1018, "60"]
    summa: [Totalt, 1030, "100"]

  - typ: text
    id: ekonomi_text
    rubrik: Ekonomi
    text: |-
      Budgeten höll.

# Det som kom från Word-filen: ändra det, eller ta bort raden när det är granskat.
granska:
  inledning.rubrik: Inledning
  foretag_per_kommun.rubrik: Företag per kommun
  bakgrund.rubrik: Bakgrund
  ekonomi_text.rubrik: Ekonomi
"""
    assert result.notes == [
        Note("import-rubrik", "stycke 7 (”Delmål”)", "Rubriken ”Delmål” blir en rad i fetstil: "
             "den är djupare än delavsnitten."),
        Note("import-tabell", "tabell 1 (efter stycke 8)", "Tabellen står som ett eget avsnitt "
             "efter avsnittet ”Bakgrund”, inte mitt i dess text; flytta texten om den hör till "
             "tabellen."),
    ]
    findings = check(load(output))
    assert [(f.code, f.path) for f in findings if f.severity != "info"] == []


def test_the_rendered_nis60_report_gives_an_outline_that_renders_its_lines(
        tmp_path: Path, nis60_docx: bytes) -> None:
    """The NIS 6.0 report rendered to Word, read back as an outline: check runs without an
    error, and the outline rendered again holds at least 95 % of the report's lines."""
    source = tmp_path / "nis60.docx"
    source.write_bytes(nis60_docx)
    output = tmp_path / "nis60-ny.yaml"
    new_from_docx(source, output)
    report = load(output)
    assert [f for f in check(report) if f.severity == "error"] == []
    reference = [line.strip() for line in docx_paragraphs(nis60_docx) if line.strip()]
    rendered = {line.strip() for line in docx_paragraphs(render_bytes(report, charts=False))}
    missing = [line for line in reference if line not in rendered]
    assert len(missing) <= 0.05 * len(reference), missing


def test_the_command_writes_the_outline_and_refuses_to_write_over_a_file(
        tmp_path: Path) -> None:
    """`new --from-docx` writes the outline and says what next; an existing file is refused
    (exit 2) without --force."""
    source = tmp_path / "forra.docx"
    source.write_bytes(docx(p("Bakgrund", "Rubrik1") + p("Text.")))
    output = tmp_path / "ny.yaml"
    run = CliRunner().invoke(main, ["new", "--from-docx", str(source), "-o", str(output)])
    assert run.exit_code == 0, run.output
    assert run.stdout == (f"Skrev {output}. Granska avsnitten (de står under 'granska'), fyll i "
                          "det som är märkt TODO och kontrollera med:\n"
                          f"  slutrapport check {output}\n")
    again = CliRunner().invoke(main, ["new", "--from-docx", str(source), "-o", str(output)])
    assert again.exit_code == 2
    assert again.stderr == (f"Fel i indata: {output}: filen finns redan; välj ett annat namn "
                            "eller skriv över den med --force\n")
