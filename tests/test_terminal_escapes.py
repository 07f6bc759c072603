"""Nothing raw to the terminal: control characters from registers, the YAML and templates are
shown escaped in every message the command line prints; JSON output means the same as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport._terminal import shown
from slutrapport.cli import main
from tests.registerdata import LEDGER, LEDGER_HEADER, csv_bytes, make

HOSTILE = "Externa\x1b]0;titel\x07\x1b[2J\x1b]52;c;aGVq\x07 tjänster"
"""A ledger category that retitles the window, clears it and writes the clipboard."""

ESCAPED = "Externa\\x1b]0;titel\\x07\\x1b[2J\\x1b]52;c;aGVq\\x07 tjänster"
"""The same category as the command line shows it."""


def _hostile_registers(folder: Path) -> Path:
    ledger = [LEDGER_HEADER, *LEDGER[:2], ["2021-09-30", "V3", HOSTILE, "50 000,00"]]
    return make(folder, ledger=csv_bytes(ledger))


def _unknown(category: str) -> str:
    return (f"huvudbok.csv, rad 4, kolumn 3 (Kategori): kostnadsslaget '{category}' finns inte "
            "i rapporten; närmast: Externa tjänster. Raden räknades inte "
            "(register.etiketter.kategori kan ge registrets egna benämningar).")


def test_check_shows_a_register_cells_escape_sequences_escaped(tmp_path: Path) -> None:
    """The window title, clear screen and clipboard sequences of a cell reach check's text
    output as visible escapes (a real process: its own stdout, not a terminal)."""
    path = _hostile_registers(tmp_path)
    done = subprocess.run([sys.executable, "-c", "from slutrapport.cli import main; main()",
                           "check", str(path)], capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "200"})
    assert (done.returncode, done.stdout.replace("\u00a0", " "), done.stderr) == (1, (
        f"{path}: 2 fel, 0 varningar, 4 upplysningar\n"
        "  FEL     rad 38   ekonomi.kostnader[1].belopp  [register-kostnad]\n"
        "                   Externa tjänster: 50 000 kr angivet, huvudboken har 0 kr (inga "
        "rader). Huvudboken har inga rader för Externa tjänster, men dess rader går från "
        "2020-02-28 till 2021-02-26 och täcker inte projektperioden (2020–2022); 50 000 kr "
        "lämnas. Skriv 0 själv om det stämmer.\n"
        "  FEL     rad 48   register.kostnader           [register-okant]\n"
        f"                   {_unknown(ESCAPED)}\n"
        "  INFO    rad 46   register.aktivitetslogg      [register-rader]\n"
        "                   aktivitetsloggen (logg.xlsx, blad Logg): 5 rader lästa, 0 räknades "
        "inte.\n"
        "  INFO    rad 47   register.foretag             [register-rader]\n"
        "                   företagsregistret (foretag.xlsx, blad Foretag): 2 rader lästa, 0 "
        "räknades inte.\n"
        "  INFO    rad 48   register.kostnader           [register-rader]\n"
        "                   huvudboken (huvudbok.csv): 3 rader lästa, 1 räknades inte.\n"
        "  INFO    rad 49   register.finansiering        [register-rader]\n"
        "                   finansieringsregistret (finansiering.xlsx, blad Finansiering): 2 "
        "rader lästa, 0 räknades inte.\n"), "")


def test_fill_shows_a_register_cells_escape_sequences_escaped(tmp_path: Path) -> None:
    """fill's findings and refusal show the cell's control characters as escapes."""
    path = _hostile_registers(tmp_path)
    result = CliRunner().invoke(main, ["fill", str(path), "--dry-run"])
    assert (result.exit_code, result.output.replace("\u00a0", " ")) == (1, (
        f"{path}: registren: 1 fel, 0 varningar, 0 upplysningar\n"
        "  FEL     rad 48   register.kostnader  [register-okant]\n"
        f"                   {_unknown(ESCAPED)}\n"
        f"{path}: inga tal att ändra.\n"
        "Lämnas åt dig:\n"
        "  ekonomi.kostnader[1].belopp: huvudboken har inga rader för Externa tjänster, men dess "
        "rader går från 2020-02-28 till 2021-02-26 och täcker inte projektperioden (2020–2022); "
        "50 000 kr lämnas. Skriv 0 själv om det stämmer.\n"
        "Stoppad: utan --dry-run skrivs inget, eftersom registren har 1 fel: huvudboken rad 4 "
        "[register-okant] (se ovan). En rad med fel räknas inte, så talen från registren kan bli "
        "fel. Rätta registren och kör fill igen, eller skriv ändå med --force.\n"))


def test_json_output_keeps_the_cell_as_it_is(tmp_path: Path) -> None:
    """check --format json is JSON as before: the message parses back to the cell's own text."""
    path = _hostile_registers(tmp_path)
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    messages = [f["message"] for f in json.loads(result.output)["findings"]
                if f["code"] == "register-okant"]
    assert (result.exit_code, messages) == (1, [_unknown(HOSTILE)])


def test_c1_controls_in_json_stay_valid_json_with_the_same_meaning(tmp_path: Path) -> None:
    """DEL and C1 controls (which json.dumps leaves as they are) are written as JSON escapes,
    so the output still parses to the same text."""
    text = "Norrlands\x9d0;titel\x9c\x9b2J\x7f fruktvin"
    source = slutrapport.example_path().read_text(encoding="utf-8")
    path = tmp_path / "rapport.yaml"
    path.write_text(source.replace("namn: Norrlands fruktvin",
                                   'namn: "Norrlands\\x9d0;titel\\x9c\\x9b2J\\x7f fruktvin"'),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    raw = "\x9b" in result.output or "\x9d" in result.output or "\x7f" in result.output
    messages = [f["message"] for f in json.loads(result.output)["findings"]
                if f["code"] == "foretag-okning"]
    assert (result.exit_code, raw, messages) == (1, False, [
        f"{text}: 1 → 1 anställda är en ökning med 0, men ökningen anges till 1."])


BIDI = "Externa\u202e tjänster\u202c\u2066\u2069\u200f"
"""A ledger category with a right-to-left override (and its end, an isolate, a mark): the rest
of the line would be shown turned around."""


def test_a_register_cells_bidirectional_controls_are_shown_escaped(tmp_path: Path) -> None:
    """U+202E (and the other bidirectional controls) from a register's cell reached the terminal
    raw; they are shown escaped like the other controls."""
    path = make(tmp_path, ledger=csv_bytes([LEDGER_HEADER, *LEDGER[:2],
                                            ["2021-09-30", "V3", BIDI, "50 000,00"]]))
    result = CliRunner().invoke(main, ["check", str(path)])
    lines = [line.strip() for line in result.output.splitlines() if "kostnadsslaget" in line]
    assert (result.exit_code, lines) == (1, [_unknown(
        "Externa\\u202e tjänster\\u202c\\u2066\\u2069\\u200f")])


def test_bidirectional_controls_in_json_stay_valid_json_with_the_same_meaning(
        tmp_path: Path) -> None:
    """In JSON output they are written as JSON escapes: the message parses to the cell's text."""
    path = make(tmp_path, ledger=csv_bytes([LEDGER_HEADER, *LEDGER[:2],
                                            ["2021-09-30", "V3", BIDI, "50 000,00"]]))
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    messages = [f["message"] for f in json.loads(result.output)["findings"]
                if f["code"] == "register-okant"]
    assert (result.exit_code, "\u202e" in result.output, messages) == (
        1, False, [_unknown(BIDI)])


def test_c1_controls_from_the_yaml_are_shown_escaped(tmp_path: Path) -> None:
    """A company name holding C1 controls (CSI, OSC … ST) is shown escaped in a finding."""
    source = slutrapport.example_path().read_text(encoding="utf-8")
    path = tmp_path / "rapport.yaml"
    path.write_text(source.replace("namn: Norrlands fruktvin",
                                   'namn: "Norrlands\\x9d0;titel\\x9c\\x9b2J fruktvin"'),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    lines = [line.strip() for line in result.output.splitlines() if "fruktvin" in line]
    assert (result.exit_code, lines) == (1, [
        "Norrlands\\u009d0;titel\\u009c\\u009b2J fruktvin: 1 → 1 anställda är en ökning med 0, "
        "men ökningen anges till 1."])


def test_an_error_quoting_a_yaml_key_shows_its_controls_escaped(tmp_path: Path) -> None:
    """A key written with YAML's escapes for ESC and BEL is named escaped in the refusal."""
    path = tmp_path / "rapport.yaml"
    path.write_text('projekt:\n  "na\\emn\\a": x\n  namn: P\n  kortnamn: P\n'
                    '  period: {fran: "2020", till: "2021"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert (result.exit_code, result.output) == (2, (
        f"Fel i indata: {path}:2: projekt.na\\x1bmn\\x07: okänt fält 'na\\x1bmn\\x07'; menade du "
        "'namn'?\n"))


def test_a_template_message_shows_the_paragraphs_controls_escaped(tmp_path: Path) -> None:
    """A template paragraph with a C1 clear-screen quoted in an error is shown escaped."""
    document = docx.Document()
    document.add_paragraph("\x9b2J{{ projket.namn }}")
    template = tmp_path / "mall.docx"
    document.save(template)
    result = CliRunner().invoke(main, [
        "render", str(slutrapport.example_path()), "-o", str(tmp_path / "ut.docx"),
        "--template", str(template), "--no-contents", "--no-charts", "-q"])
    errors = [line for line in result.output.splitlines() if line.startswith("Fel i mallen")]
    assert (result.exit_code, errors) == (2, [
        f"Fel i mallen: {template}: mallen använder variabeln 'projket', som inte finns i "
        "datat (i stycket «\\u009b2J{{ projket.namn }}»)"])


@pytest.mark.parametrize(("text", "expected"), [
    ("\x1b]0;titel\x07", "\\x1b]0;titel\\x07"),
    ("\x1b[2J", "\\x1b[2J"),
    ("\x1b]52;c;aGVq\x07", "\\x1b]52;c;aGVq\\x07"),
    ("rad\r\x08\x00", "rad\\r\\x08\\x00"),
    ("\x9b2J\x7f", "\\u009b2J\\u007f"),
    ("faktura\u202etxt.exe", "faktura\\u202etxt.exe"),
    ("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c",
     "\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c"),
    ("tabb\toch\nrad", "tabb\toch\nrad"),
    ("å ä ö – € \u00a0", "å ä ö – € \u00a0"),
])
def test_each_kind_of_control_character_has_its_escape(text: str, expected: str) -> None:
    """C0 controls as \\xNN (\\r by name), DEL, C1 and the bidirectional controls as
    \\uNNNN; tab, newline and other characters as they are."""
    assert shown(text) == expected


def test_the_progress_display_escapes_the_names_it_shows() -> None:
    """On a terminal the progress line shows a report's name with its controls escaped, and a
    message written to stderr while it is shown is escaped too."""
    from slutrapport._progress import Progress

    primary, secondary = os.openpty()
    stream = os.fdopen(secondary, "w", encoding="utf-8")
    saved = sys.stderr
    try:
        with Progress(["a\x1b]0;titel\x07.yaml"], stream=stream, delay=0) as progress:
            assert progress._timer is not None
            progress._timer.join()  # the display is up
            progress.stage(0, "skriver")
            print("meddelande \x1b]52;c;aGVq\x07", file=sys.stderr)
        stream.flush()
    finally:
        sys.stderr = saved
    written = b""
    os.set_blocking(primary, False)
    try:
        while chunk := os.read(primary, 65536):
            written += chunk
    except BlockingIOError:
        pass
    finally:
        stream.close()
        os.close(primary)
    text = written.decode("utf-8", "replace")
    assert ("a\\x1b]0;titel\\x07.yaml" in text, "meddelande \\x1b]52;c;aGVq\\x07" in text,
            "\x1b]" in text) == (True, True, False)
