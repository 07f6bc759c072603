"""What the command line prints: JSON for programs even on bad input, aligned tables, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from slutrapport.checks import Finding
from slutrapport.cli import format_findings, main


def test_json_check_of_unusable_input_prints_the_error_as_json_on_stdout(tmp_path: Path) -> None:
    """A program asking for JSON gets the refusal as a JSON object on stdout, exit 2."""
    data = tmp_path / "rapport.yaml"
    data.write_text("projekt:\n  namn: ''\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(data)])
    assert result.exit_code == 2
    assert result.stderr == ""
    assert json.loads(result.stdout) == {
        "file": str(data),
        "error": {
            "kind": "indata",
            "exit_code": 2,
            "message": f"{data}:2: projekt.namn: får inte vara tomt\n"
                       f"{data}:1: projekt.kortnamn: fältet saknas men måste finnas\n"
                       f"{data}:1: projekt.period: fältet saknas men måste finnas",
            "problems": [
                {"file": str(data), "line": 2, "path": "projekt.namn",
                 "message": "får inte vara tomt"},
                {"file": str(data), "line": 1, "path": "projekt.kortnamn",
                 "message": "fältet saknas men måste finnas"},
                {"file": str(data), "line": 1, "path": "projekt.period",
                 "message": "fältet saknas men måste finnas"},
            ],
        },
    }


def test_schema_to_a_missing_folder_exits_2_with_a_reason(tmp_path: Path) -> None:
    """Writing the schema into a folder that doesn't exist is unusable input (2), not a bug (3)."""
    target = tmp_path / "saknas" / "schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(target)])
    assert (result.exit_code, result.stderr) == (
        2, f"Kan inte skriva: {target}: kan inte skrivas (mappen {target.parent} finns inte)\n")


def test_findings_table_stays_aligned_for_long_line_numbers() -> None:
    """Line numbers of five and six digits widen the column instead of pushing the path."""
    findings = [
        Finding("ej-ifyllt", "info", "a.text", "Texten är inte ifylld.", None, None, 7),
        Finding("ej-ifyllt", "info", "b.text", "Texten är inte ifylld.", None, None, 123456),
        Finding("ej-ifyllt", "info", "c", "Texten är inte ifylld.", None, None, None),
    ]
    assert format_findings(findings, "r.yaml") == (
        "r.yaml: 0 fel, 0 varningar, 3 upplysningar\n"
        "  INFO    rad 7       a.text  [ej-ifyllt]\n"
        "                      Texten är inte ifylld.\n"
        "  INFO    rad 123456  b.text  [ej-ifyllt]\n"
        "                      Texten är inte ifylld.\n"
        "  INFO    —           c       [ej-ifyllt]\n"
        "                      Texten är inte ifylld.\n")


def test_a_per_cent_figure_in_text_is_answered_in_per_cent(tmp_path: Path) -> None:
    """'41%' in a text against a stated 40 % keeps the per cent sign on both sides."""
    data = tmp_path / "rapport.yaml"
    data.write_text(
        "projekt:\n  namn: T\n  kortnamn: T\n  period: {fran: '2023', till: '2026'}\n"
        "avsnitt:\n  - typ: horisontella_kriterier\n    andel_kvinnoledda_foretag: 40\n"
        "    text: '[41%](tal:andel_kvinnoledda_foretag) av företagen leds av kvinnor.'\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(data)])
    assert (result.exit_code, result.stdout.splitlines()[1:]) == (1, [
        "  FEL     rad 8    horisontella_kriterier.text  [tal-i-text]",
        "                   Texten säger 41%, men andel_kvinnoledda_foretag är 40\u00a0%.",
    ])
