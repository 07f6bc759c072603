"""Short hostile inputs: extreme numbers, deep nesting, alias bombs, bugs, code-built reports.

Each class of input is run as a user runs it (a fresh ``slutrapport check`` with a time and
memory limit) and compared by exit code and whole message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport.cli import main
from slutrapport.errors import InputError

HEAD = """\
projekt:
  namn: Test
  kortnamn: T
  period: {fran: "2023", till: "2026"}
avsnitt:
  - typ: ekonomi
"""


def _check(path: Path, timeout: float = 20) -> tuple[int | None, str]:
    """``slutrapport check PATH`` in a child limited to 2 GB and ``timeout`` seconds."""
    child = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
             "from slutrapport.cli import main; sys.argv[0] = 'slutrapport'; main()")
    try:
        done = subprocess.run([sys.executable, "-c", child, "check", path.name],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              cwd=path.parent)
    except subprocess.TimeoutExpired:
        return None, f"no answer within {timeout} s"
    return done.returncode, done.stdout + done.stderr


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rapport.yaml"
    path.write_text(body, encoding="utf-8")
    return path


TOO_BIG = "talet är orimligt stort (högst 15 siffror före decimaltecknet)"
TOO_PRECISE = "talet har för många decimaler (högst 10)"


@pytest.mark.parametrize(("budget", "message"), [
    ("1e999999999", TOO_BIG),
    ("-1e999999999", TOO_BIG),
    ("1e-999999999", TOO_PRECISE),
    ('"1e999999999"', TOO_BIG),
    ("9" * 4301, "talet har för många siffror (4301 tecken)"),
    ("0x" + "f" * 5000, "ska vara ett heltal (fick '0x" + "f" * 55 + "…')"),
    ("1000000000000000", TOO_BIG),
    ("0.123456789012345678901234567", TOO_PRECISE),
])
def test_numbers_out_of_all_reason_are_refused_at_their_line(tmp_path: Path, budget: str,
                                                             message: str) -> None:
    """A figure with a huge exponent or thousands of digits exits 2 at once, naming its place."""
    path = _write(tmp_path, HEAD + f"    budget: {budget}\n    utfall: 1\n")
    assert _check(path) == (2, f"Fel i indata: rapport.yaml:7: ekonomi.budget: {message}\n")


def test_a_share_with_too_many_decimals_is_refused(tmp_path: Path) -> None:
    """A share written with 27 decimals is refused rather than crashing a check's rounding."""
    path = _write(tmp_path, HEAD.replace("ekonomi", "horisontella_kriterier") +
                  "    andel_kvinnoledda_foretag: 40.123456789012345678901234567\n")
    assert _check(path) == (2, "Fel i indata: rapport.yaml:7: horisontella_kriterier."
                               f"andel_kvinnoledda_foretag: {TOO_PRECISE}\n")


def test_a_figure_link_with_27_decimals_is_compared_not_crashed(tmp_path: Path) -> None:
    """A figure in a text with 27 decimals is compared with the data and found to differ."""
    path = _write(tmp_path, HEAD + "    budget: 100\n    utfall: 100\n"
                  "    text: '[100,000000000000000000000000001](tal:ekonomi.budget) kr.'\n")
    code, out = _check(path)
    assert (code, out.splitlines()[1:]) == (1, [
        "  FEL     rad 9    ekonomi.text  [tal-i-text]",
        "                   Texten säger 100,000000000000000000000000001, men ekonomi.budget "
        "är 100.",
    ])


@pytest.mark.parametrize("depth", [70, 990, 5000])
def test_deep_nesting_is_refused_in_the_users_terms(tmp_path: Path, depth: int) -> None:
    """Lists nested hundreds or thousands deep exit 2 with one sentence, never a RecursionError."""
    path = _write(tmp_path, "projekt:\n  namn: " + "[" * depth + "]" * depth + "\n")
    code, out = _check(path)
    assert code == 2
    assert out.startswith("Fel i indata: rapport.yaml")
    assert "filen är nästlad för djupt (listor och fält i fler än 64 nivåer); " \
           "en rapport behöver ett tiotal\n" in out
    assert "Traceback" not in out


def test_block_nesting_beyond_the_limit_is_refused_with_its_place(tmp_path: Path) -> None:
    """Block-style nesting 80 deep is refused, placed at the field where it passed the limit."""
    body = "projekt:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(80)) + \
        "  " * 81 + "x: 1\n"
    code, out = _check(_write(tmp_path, body))
    assert code == 2
    assert out.startswith("Fel i indata: rapport.yaml:")
    assert out.endswith(" …: filen är nästlad för djupt (listor och fält i fler än 64 nivåer); "
                        "en rapport behöver ett tiotal\n")


def test_a_long_text_repeated_through_aliases_is_refused_before_memory_grows(
        tmp_path: Path) -> None:
    """One 1 MB text used through 100 aliases is refused by size, in the user's words.

    The line is the anchor's: an alias leaves no place of its own in the parsed file.
    """
    text = "x" * 1_000_000
    aliases = "\n".join("    - *lang" for _ in range(100))
    body = (f"projekt:\n  namn: &lang {text}\n  kortnamn: T\n"
            f"  period: {{fran: '2023', till: '2026'}}\n  kommuner:\n{aliases}\n")
    code, out = _check(_write(tmp_path, body))
    assert (code, out) == (2, (
        "Fel i indata: rapport.yaml:2: projekt.kommuner[40]: filen blir för stor när alias "
        "(*namn) skrivs ut: över 40 miljoner tecken text; skriv ut värdena i stället för att "
        "upprepa en lång text med alias\n"))


def test_an_internal_error_exits_3_with_one_swedish_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a check exits 3 (never 1, which means 'errors found') and says so in Swedish."""
    from slutrapport import checks

    def broken(report: object) -> object:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS, broken])
    result = CliRunner().invoke(main, ["check", str(slutrapport.example_path())])
    assert (result.exit_code, result.stderr) == (3, (
        "Internt fel i slutrapport; inget är skrivet. Kör samma kommando med --debug för hela "
        "spårningen och rapportera den.\n"))


def test_a_value_set_after_loading_is_validated_in_swedish() -> None:
    """Setting a negative outcome on a loaded report is refused with the file's message."""
    report = slutrapport.load(slutrapport.example_path())
    economy = report.section("ekonomi")
    assert economy is not None
    with pytest.raises(InputError) as caught:
        economy.utfall = -5  # type: ignore[attr-defined]
    assert str(caught.value) == "utfall: får inte vara negativt (fick −5)"
    assert economy.utfall == 15470690  # type: ignore[attr-defined]


def test_a_report_built_in_code_is_refused_in_swedish() -> None:
    """A report built from Python data gets the loader's Swedish problems, not pydantic's."""
    with pytest.raises(InputError) as caught:
        slutrapport.Slutrapport(projekt={"namn": "", "kortnamn": "T",
                                         "period": {"fran": "2023", "till": "2026"}},
                                avsnitt=[{"typ": "ekonomy"}])
    assert str(caught.value) == (
        "projekt.namn: får inte vara tomt\n"
        "avsnitt[0]: okänd avsnittstyp 'ekonomy'; menade du 'ekonomi'? typerna som finns: "
        + ", ".join(slutrapport.models.KINDS) + "")


def _holds_itself() -> dict[str, object]:
    loop: dict[str, object] = {"gammalt": "värde"}
    loop["igen"] = [loop]
    return loop


def _nested_without_end() -> dict[str, object]:
    deep: list[object] = ["botten"]
    for _ in range(200):
        deep = [deep]
    return {"djup": deep}


@pytest.mark.parametrize(("value", "message"), [
    (_holds_itself(),
     "granska: en lista eller samling innehåller sig själv och kan inte skrivas ut"),
    (_nested_without_end(), "granska: listor och fält är nästlade i fler än 64 nivåer"),
], ids=["holds-itself", "nested-without-end"])
def test_free_form_data_built_in_code_that_never_ends_is_refused(
        value: dict[str, object], message: str) -> None:
    """A free-form value from code that holds itself or nests endlessly is refused in Swedish."""
    report = slutrapport.load(slutrapport.example_path())
    with pytest.raises(InputError) as caught:
        report.granska = value
    assert (str(caught.value), report.granska) == (message, {})


def test_values_in_messages_are_written_the_yaml_way(tmp_path: Path) -> None:
    """A decimal, an empty value and a list item with a colon are shown as the user wrote them."""
    body = ("projekt:\n  namn:\n  kortnamn: T\n  period: {fran: '2023', till: '2026'}\n"
            "  kommuner:\n    - Övertorneå: norr\n"
            "avsnitt:\n  - typ: ekonomi\n    budget: 123,5\n    utfall: 1\n")
    assert _check(_write(tmp_path, body)) == (2, (
        "Fel i indata: rapport.yaml:2: projekt.namn: ska vara text (fick ett tomt värde)\n"
        "rapport.yaml:6: projekt.kommuner[0]: ska vara text (fick 'Övertorneå: norr', som blev "
        "en samling fält eftersom texten har kolon och mellanslag; sätt den inom citattecken)\n"
        "rapport.yaml:9: ekonomi.budget: ska vara ett heltal, inte ett decimaltal (fick 123,5)\n"))
