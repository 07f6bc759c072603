"""The command line speaks Swedish, click's own words included."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from slutrapport.cli import main

COMMANDS = [[], ["check"], ["render"], ["new"], ["schema"], ["migrate"], ["template"],
            ["template", "check"]]
ENGLISH = re.compile(r"\b(Usage|Options|Commands|Show this|Show the|PATH|FLOAT|INTEGER|"
                     r"required|default|Error|Try)\b")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "slutrapport")
def test_help_has_no_english_scaffolding(command: list[str]) -> None:
    """Every --help page is free of click's English headings, placeholders and notes."""
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert ENGLISH.findall(result.stdout) == []
    assert result.stdout.startswith("Användning: slutrapport")


@pytest.mark.parametrize(("args", "message"), [
    (["check"], "Användning: slutrapport check [FLAGGOR] FIL\n"
                "Skriv 'slutrapport check --help' för hjälp.\n\n"
                "Fel: Argument saknas 'FIL'.\n"),
    (["chekc"], "Användning: slutrapport [FLAGGOR] KOMMANDO [ARGUMENT]...\n"
                "Skriv 'slutrapport --help' för hjälp.\n\n"
                "Fel: Kommandot 'chekc' finns inte. Menade du 'check'?\n"),
    (["check", "--format", "xml", "x.yaml"],
     "Användning: slutrapport check [FLAGGOR] FIL\n"
     "Skriv 'slutrapport check --help' för hjälp.\n\n"
     "Fel: Ogiltigt värde för '--format': 'xml' är inte något av 'text', 'json'.\n"),
    (["check", "--nope", "x.yaml"],
     "Användning: slutrapport check [FLAGGOR] FIL\n"
     "Skriv 'slutrapport check --help' för hjälp.\n\n"
     "Fel: Flaggan '--nope' finns inte.\n"),
])
def test_usage_mistakes_are_explained_in_swedish(args: list[str], message: str) -> None:
    """A missing argument, a misspelt command or a bad choice exits 2 with a Swedish message."""
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, result.stderr) == (2, message)


@pytest.mark.parametrize("command", [["ursprung"], ["schema"], ["check"]])
def test_a_reader_that_stops_reading_gets_no_error(command: list[str]) -> None:
    """Output piped to a reader that stops early (``| head -1``): no message on standard error,
    and the exit a Unix tool ended by SIGPIPE has (141), never 'unusable input'."""
    import subprocess
    import sys

    import slutrapport

    args = [*command, str(slutrapport.example_path("nis60"))] if command != ["schema"] else \
        command
    child = subprocess.Popen(
        [sys.executable, "-c", "from slutrapport.cli import main; main()", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()
    child.stdout.close()  # as head does after its line
    errors = child.stderr.read()
    child.stderr.close()
    code = child.wait(timeout=120)
    assert (code in (0, 1, 141), errors) == (True, b"")
