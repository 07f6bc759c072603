"""Every message a user can get about bad input is Swedish and placed where the mistake is.

One test per class of message, each comparing the exit code and the whole message:

- pydantic's error types: every type in pydantic_core's ``ErrorType`` list has Swedish words
  (a table, so a new pydantic type fails here), and each one the report's models can raise is fed
  through ``slutrapport check`` (or, for those only code can reach, through the library);
- PyYAML's syntax errors, one small file per kind of mistake;
- Jinja's syntax errors in a Word template: ``template check`` and ``render`` say the same words
  about the same paragraph; a file that isn't a Word document is said so by both;
- the small ones: a huge figure as written (1e999), an impossible date with the accepted forms,
  and ``Stoppad: rapporten skrevs inte`` in lower case after the label.
"""

from __future__ import annotations

import typing
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel
from pydantic_core import ValidationError
from pydantic_core.core_schema import ErrorType

import slutrapport
from slutrapport import loader
from slutrapport.cli import main
from slutrapport.errors import InputError
from slutrapport.loader import read_yaml
from slutrapport.messages import problems_of
from slutrapport.models import Slutrapport

HEAD = """\
projekt:
  namn: Test
  kortnamn: T
  period: {fran: "2023", till: "2026"}
avsnitt:
"""
KINDS = ("aktiviteter, deltagarprogram, ekonomi, foretagsprogram, horisontella_kriterier, "
         "horisontella_principer, indikatorer, kommuner, tabell, text")
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "nis60.yaml"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder to work in, so messages name files by their bare names."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(text: str) -> tuple[int, str, str]:
    """``slutrapport check rapport.yaml`` on the text, in the current folder: exit, out, err."""
    Path("rapport.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "rapport.yaml"])
    return result.exit_code, result.stdout, result.stderr


def _types(text: str) -> set[str]:
    """The pydantic error types the text raises (to show a case reaches the type it is for)."""
    Path("typer.yaml").write_text(text, encoding="utf-8")
    data, _ = read_yaml("typer.yaml")
    with pytest.raises(InputError) as refused:
        Slutrapport.model_validate(data)
    return {e["type"] for e in refused.value.validation_error.errors()}


# --- pydantic: every error type has Swedish words -----------------------------------------------

_CONTEXT: dict[str, dict[str, Any]] = {
    "no_such_attribute": {"attribute": "nope"}, "json_invalid": {"error": "EOF"},
    "needs_python_object": {"method_name": "x"}, "get_attribute_error": {"error": "x"},
    "model_type": {"class_name": "Projekt"}, "dataclass_type": {"class_name": "X"},
    "dataclass_exact_type": {"class_name": "X"}, "named_tuple_type": {"class_name": "X"},
    "greater_than": {"gt": 0}, "greater_than_equal": {"ge": 1}, "less_than": {"lt": 10},
    "less_than_equal": {"le": 10**12}, "multiple_of": {"multiple_of": 0.5},
    "too_short": {"field_type": "List", "min_length": 2, "actual_length": 1},
    "too_long": {"field_type": "List", "max_length": 3, "actual_length": 5},
    "iteration_error": {"error": "x"}, "string_too_short": {"min_length": 3},
    "string_too_long": {"max_length": 5}, "string_pattern_mismatch": {"pattern": "^[A-Z]+$"},
    "enum": {"expected": "'rod', 'gron' or 'bla'"}, "mapping_type": {"error": "x"},
    "bytes_too_short": {"min_length": 2}, "bytes_too_long": {"max_length": 2},
    "bytes_invalid_encoding": {"encoding": "utf-8", "encoding_error": "x"},
    "value_error": {"error": ValueError("perioden slutar före den börjar")},
    "assertion_error": {"error": AssertionError("x")},
    "literal_error": {"expected": "'aktivitetsindikator' or 'resultatindikator'"},
    "date_parsing": {"error": "x"}, "date_from_datetime_parsing": {"error": "x"},
    "time_parsing": {"error": "x"}, "datetime_parsing": {"error": "x"},
    "datetime_object_invalid": {"error": "x"}, "datetime_from_date_parsing": {"error": "x"},
    "timezone_offset": {"tz_expected": 3600, "tz_actual": 0},
    "time_delta_parsing": {"error": "x"},
    "is_instance_of": {"class": "Path"}, "is_subclass_of": {"class": "Path"},
    "union_tag_invalid": {"discriminator": "'typ'", "tag": "ekonomin",
                          "expected_tags": "'ekonomi'"},
    "union_tag_not_found": {"discriminator": "'typ'"},
    "url_parsing": {"error": "x"}, "url_syntax_violation": {"error": "x"},
    "url_too_long": {"max_length": 2083},
    "url_scheme": {"expected_schemes": "'http' or 'https'"},
    "uuid_parsing": {"error": "x"}, "uuid_version": {"expected_version": 4},
    "decimal_max_digits": {"max_digits": 5}, "decimal_max_places": {"decimal_places": 2},
    "decimal_whole_digits": {"whole_digits": 3},
}
"""The context pydantic gives each type that has one (as its validators fill it in)."""
_INPUT: dict[str, Any] = {"literal_error": "resultatindiaktor", "enum": "rod ",
                          "union_tag_invalid": {"typ": "ekonomin"}, "union_tag_not_found": {},
                          "string_too_long": "abcdefgh"}
_LOC: dict[str, tuple[str | int, ...]] = {"union_tag_invalid": ("avsnitt", 0),
                                          "union_tag_not_found": ("avsnitt", 0)}
"""Where pydantic places the types that only arise at one place (a section's kind)."""
_X = " (fick 'x')"
_MAP = "ska vara en samling fält (nyckel: värde)" + _X
_LIST = "ska vara en lista (rader som börjar med '- ')" + _X
_DATE = "ska vara ett datum som 2022-10-31" + _X
_DATETIME = "ska vara en tidpunkt som 2022-10-31 14:30" + _X
_URL = "ska vara en webbadress som https://exempel.se" + _X
_UUID = "ska vara ett UUID som 123e4567-e89b-12d3-a456-426614174000" + _X
_DURATION = "ska vara en tidslängd, t.ex. 3 dagar skrivet som P3D" + _X
_MISSING = "fältet saknas men måste finnas"

SWEDISH: dict[str, str] = {
    "no_such_attribute": "okänt fält 'nope'",
    "json_invalid": "är inte giltig JSON" + _X,
    "json_type": "ska vara text i JSON" + _X,
    "needs_python_object": "kan inte anges i en datafil",
    "recursion_loop": "värdet innehåller sig självt (en cirkelreferens), så det tar aldrig slut",
    "recursion_depth_exceeded": "värdet är nästlat för djupt",
    "missing": _MISSING,
    "frozen_field": "fältet kan inte ändras",
    "frozen_instance": "värdena kan inte ändras",
    "extra_forbidden": "okänt fält 'falt'; tillåtna fält här: avsnitt, granska, projekt, "
                       "register, rubriker, sammanfattning",
    "invalid_key": "en nyckel ska vara text" + _X,
    "get_attribute_error": "värdet kan inte läsas" + _X,
    "model_type": _MAP, "model_attributes_type": _MAP, "dataclass_type": _MAP,
    "dataclass_exact_type": _MAP, "named_tuple_type": _LIST,
    "default_factory_not_called": "kan inte räknas fram, eftersom ett annat fält har fel",
    "none_required": "ska vara tomt (inget värde)" + _X,
    "greater_than": "ska vara större än 0" + _X,
    "greater_than_equal": "får inte vara mindre än 1" + _X,
    "less_than": "ska vara mindre än 10" + _X,
    "less_than_equal": "är orimligt stort (högst 1\u00a0000\u00a0000\u00a0000\u00a0000)" + _X,
    "multiple_of": "ska vara en multipel av 0,5" + _X,
    "finite_number": "ska vara ett ändligt tal, inte .inf eller .nan" + _X,
    "too_short": "listan ska ha minst 2 rader (har 1)",
    "too_long": "listan får ha högst 3 rader (har 5)",
    "iterable_type": _LIST,
    "iteration_error": "listan kan inte läsas igenom" + _X,
    "string_type": "ska vara text" + _X,
    "string_sub_type": "ska vara text" + _X,
    "string_unicode": "ska vara text" + _X,
    "string_too_short": "ska ha minst 3 tecken" + _X,
    "string_too_long": "får ha högst 5 tecken (har 8)",
    "string_pattern_mismatch": "har inte den form som krävs här" + _X,
    "string_not_ascii": "får bara innehålla tecken utan å, ä, ö och accenter (ASCII)" + _X,
    "enum": "ska vara ett av: 'rod', 'gron', 'bla' (fick 'rod '; menade du 'rod'?)",
    "dict_type": _MAP, "frozen_dict_type": _MAP, "ordered_dict_type": _MAP,
    "counter_type": _MAP, "mapping_type": _MAP,
    "list_type": _LIST, "deque_type": _LIST, "tuple_type": _LIST, "set_type": _LIST,
    "set_item_not_hashable": "värdena i listan ska vara texter eller tal, inte listor eller "
                             "samlingar fält" + _X,
    "bool_type": "ska vara true eller false" + _X,
    "bool_parsing": "ska vara true eller false" + _X,
    "int_type": "ska vara ett heltal" + _X,
    "int_parsing": "ska vara ett heltal" + _X,
    "int_parsing_size": "talet har för många siffror" + _X,
    "int_from_float": "ska vara ett heltal, inte ett decimaltal" + _X,
    "float_type": "ska vara ett tal" + _X,
    "float_parsing": "ska vara ett tal" + _X,
    "bytes_type": "ska vara text" + _X,
    "bytes_too_short": "ska ha minst 2 tecken" + _X,
    "bytes_too_long": "ska ha högst 2 tecken" + _X,
    "bytes_invalid_encoding": "är inte giltig text (utf-8)" + _X,
    "value_error": "perioden slutar före den börjar",
    "assertion_error": "värdet godtas inte" + _X,
    "literal_error": "ska vara ett av: 'aktivitetsindikator', 'resultatindikator' (fick "
                     "'resultatindiaktor'; menade du 'resultatindikator'?)",
    "missing_sentinel_error": "ska utelämnas" + _X,
    "ellipsis_error": "ska vara '...'" + _X,
    "date_type": _DATE, "date_parsing": _DATE, "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag, som 2022-10-31" + _X,
    "date_past": "ska vara ett datum som redan har varit" + _X,
    "date_future": "ska vara ett datum som ännu inte har varit" + _X,
    "time_type": "ska vara ett klockslag som 14:30" + _X,
    "time_parsing": "ska vara ett klockslag som 14:30" + _X,
    "datetime_type": _DATETIME, "datetime_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME, "datetime_from_date_parsing": _DATETIME,
    "datetime_past": "ska vara en tidpunkt som redan har varit" + _X,
    "datetime_future": "ska vara en tidpunkt som ännu inte har varit" + _X,
    "timezone_naive": "ska vara en tidpunkt utan tidszon" + _X,
    "timezone_aware": "ska vara en tidpunkt med tidszon, som 2022-10-31 14:30+01:00" + _X,
    "timezone_offset": "ska ha tidszonen UTC+01:00" + _X,
    "time_delta_type": _DURATION, "time_delta_parsing": _DURATION,
    "frozen_set_type": _LIST,
    "is_instance_of": "har fel slags värde" + _X,
    "is_subclass_of": "har fel slags värde" + _X,
    "callable_type": "ska vara en funktion" + _X,
    "union_tag_invalid": f"okänd avsnittstyp 'ekonomin'; menade du 'ekonomi'? typerna som "
                         f"finns: {KINDS}",
    "union_tag_not_found": f"avsnittet saknar 'typ'; ange en av: {KINDS}",
    "arguments_type": _MAP,
    "missing_argument": _MISSING,
    "unexpected_keyword_argument": "fältet finns inte här",
    "missing_keyword_only_argument": _MISSING,
    "unexpected_positional_argument": "ett värde för mycket",
    "missing_positional_only_argument": _MISSING,
    "multiple_argument_values": "fältet anges två gånger",
    "url_type": _URL, "url_parsing": _URL, "url_syntax_violation": _URL,
    "url_too_long": "webbadressen är för lång (högst 2083 tecken)" + _X,
    "url_scheme": "webbadressen ska börja med http:// eller https://" + _X,
    "uuid_type": _UUID, "uuid_parsing": _UUID,
    "uuid_version": "ska vara ett UUID av version 4" + _X,
    "decimal_type": "ska vara ett tal" + _X,
    "decimal_parsing": "ska vara ett tal" + _X,
    "decimal_max_digits": "har för många siffror (högst 5)" + _X,
    "decimal_max_places": "har för många decimaler (högst 2)" + _X,
    "decimal_whole_digits": "har för många siffror före decimaltecknet (högst 3)" + _X,
    "fraction_type": "ska vara ett tal" + _X,
    "fraction_parsing": "ska vara ett tal eller ett bråk som 1/3" + _X,
    "complex_type": "ska vara ett tal" + _X,
    "complex_str_parsing": "ska vara ett tal" + _X,
}
"""What each of pydantic's error types says, for a field 'falt' given the text 'x'."""


INSTALLED = frozenset(typing.get_args(ErrorType))
"""The error types of the pydantic_core installed here; pyproject allows any pydantic 2."""

OTHER_VERSIONS = frozenset({
    "string_sub_type",  # pydantic-core before 2.50 (pydantic 2.13 and older)
    "counter_type", "deque_type", "ellipsis_error", "fraction_parsing", "fraction_type",
    "frozen_dict_type", "named_tuple_type", "ordered_dict_type",
    "recursion_depth_exceeded",  # pydantic-core 2.50 (pydantic 2.14) and newer
    "string_not_ascii",  # after pydantic-core 2.41 (pydantic 2.12)
})
"""Error types some pydantic 2 the library allows has and another doesn't."""


def test_the_table_names_every_error_type_pydantic_core_has() -> None:
    """Every error type of the installed pydantic_core is in the table, and the table has no
    other types than those of other pydantic 2 versions."""
    assert (sorted(INSTALLED - set(SWEDISH)), sorted(set(SWEDISH) - INSTALLED - OTHER_VERSIONS)
            ) == ([], [])


@pytest.mark.parametrize("kind", sorted(SWEDISH))
def test_every_pydantic_error_type_is_said_in_swedish(kind: str) -> None:
    """Each error type, with the context pydantic gives it, becomes its Swedish sentence."""
    if kind not in INSTALLED:
        pytest.skip(f"{kind} finns inte i den pydantic-core som är installerad här")
    details: dict[str, Any] = {"type": kind, "loc": _LOC.get(kind, ("falt",)),
                               "input": _INPUT.get(kind, "x")}
    if kind in _CONTEXT:
        details["ctx"] = _CONTEXT[kind]
    error = ValidationError.from_exception_data("Slutrapport", [details])  # type: ignore[list-item]
    assert [p.message for p in problems_of(error, Slutrapport)] == [SWEDISH[kind]]


def test_an_error_type_unknown_to_the_loader_is_said_in_swedish_with_the_value() -> None:
    """A custom error type (a validator's own) falls back to a Swedish sentence and the value."""
    from pydantic_core import InitErrorDetails, PydanticCustomError

    details = InitErrorDetails(type=PydanticCustomError("eget_fel", "Something is off"),
                               loc=("falt",), input=1e999)
    error = ValidationError.from_exception_data("Slutrapport", [details])
    assert [str(p) for p in problems_of(error, Slutrapport)] == [
        "falt: värdet kan inte användas här (fick .inf)"]


REACHABLE: dict[str, tuple[str, str]] = {
    "missing": ("  - typ: indikatorer\n    indikatorer:\n"
                "      - {namn: Företag, slag: resultatindikator}\n",
                "rapport.yaml:8: indikatorer.indikatorer[0].utfall: " + _MISSING),
    "extra_forbidden": ("  - typ: text\n    rubrik: Inledning\n    txet: Hej\n",
                        "rapport.yaml:8: text.txet: okänt fält 'txet'; menade du 'text'?"),
    "model_type": ("  - typ: indikatorer\n    indikatorer:\n      - Företag\n",
                   "rapport.yaml:8: indikatorer.indikatorer[0]: ska vara en samling fält "
                   "(nyckel: värde) (fick 'Företag')"),
    "model_attributes_type": ("  - [typ, text]\n", "rapport.yaml:6: avsnitt[0]: ska vara en "
                              "samling fält (nyckel: värde) (fick en lista)"),
    "dict_type": ("  - typ: aktiviteter\n    omraden:\n"
                  "      - {id: a, rubrik: A, antal: 1, nyckeltal: 5}\n",
                  "rapport.yaml:8: aktiviteter.omraden[0].nyckeltal: ska vara en samling fält "
                  "(nyckel: värde) (fick 5)"),
    "list_type": ("  - typ: text\n    rubrik: Inledning\n    punkter: en punkt\n",
                  "rapport.yaml:8: text.punkter: ska vara en lista (rader som börjar med '- ') "
                  "(fick 'en punkt')"),
    "too_short": ("  - typ: tabell\n    rubrik: Tabell\n    kolumner: []\n",
                  "rapport.yaml:8: tabell.kolumner: listan får inte vara tom; ange minst en rad"),
    "literal_error": ("  - typ: tabell\n    rubrik: Tabell\n    kolumner:\n"
                      "      - {rubrik: Antal, typ: antl}\n",
                      "rapport.yaml:9: tabell.kolumner[0].typ: ska vara ett av: 'text', "
                      "'antal', 'kronor', 'procent', 'anstallda' (fick 'antl'; menade du "
                      "'antal'?)"),
    "string_type": ("  - typ: text\n    rubrik: [Inledning]\n",
                    "rapport.yaml:7: text.rubrik: ska vara text (fick en lista)"),
    "string_too_short": ("  - typ: text\n    rubrik: ''\n",
                         "rapport.yaml:7: text.rubrik: får inte vara tomt"),
    "string_pattern_mismatch": (
        "  - typ: text\n    id: Inledning\n    rubrik: Inledning\n",
        "rapport.yaml:7: avsnitt[0].id: ett avsnitts id ska ha små bokstäver a–z, siffror och _ "
        "och börja med en bokstav, t.ex. samverkan_umea (fick 'Inledning')"),
    "string_unicode": ('  - typ: text\n    rubrik: "In\\ud800"\n',
                       "rapport.yaml:7: text.rubrik: otillåtet tecken U+D800 på position 3 (ett "
                       "styrtecken som inte får finnas i ett Word-dokument); ta bort det, eller "
                       "tvätta texten med slutrapport.clean_text"),
    "int_type": ("  - typ: ekonomi\n    budget: [1]\n    utfall: 1\n",
                 "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick en lista)"),
    "int_parsing": ("  - typ: ekonomi\n    budget: sexton miljoner\n    utfall: 1\n",
                    "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick 'sexton "
                    "miljoner')"),
    "int_from_float": ("  - typ: ekonomi\n    budget: 12.5\n    utfall: 1\n",
                       "rapport.yaml:7: ekonomi.budget: ska vara ett heltal, inte ett decimaltal "
                       "(fick 12,5)"),
    "decimal_type": ("  - typ: indikatorer\n    indikatorer:\n      - {namn: Företag, utfall: "
                     "[3]}\n", "rapport.yaml:8: indikatorer.indikatorer[0].utfall: ska vara ett "
                     "tal (fick en lista)"),
    "decimal_parsing": ("  - typ: indikatorer\n    indikatorer:\n      - {namn: Företag, utfall: "
                        "tre}\n", "rapport.yaml:8: indikatorer.indikatorer[0].utfall: ska vara "
                        "ett tal (fick 'tre')"),
    "finite_number": ("  - typ: indikatorer\n    indikatorer:\n      - {namn: Företag, utfall: "
                      ".nan}\n", "rapport.yaml:8: indikatorer.indikatorer[0].utfall: ska vara "
                      "ett ändligt tal, inte .inf eller .nan (fick .nan)"),
    "greater_than_equal": ("  - typ: ekonomi\n    budget: -5\n    utfall: 1\n",
                           "rapport.yaml:7: ekonomi.budget: får inte vara negativt (fick −5)"),
    "less_than_equal": ("  - typ: ekonomi\n    budget: 2000000000000\n    utfall: 1\n",
                        "rapport.yaml:7: ekonomi.budget: är orimligt stort (högst "
                        "1\u00a0000\u00a0000\u00a0000\u00a0000) (fick "
                        "2\u00a0000\u00a0000\u00a0000\u00a0000)"),
    "bool_type": ("  - typ: tabell\n    rubrik: Tabell\n    kolumner: [{rubrik: A, typ: text}]\n"
                  "    liggande: [ja]\n",
                  "rapport.yaml:9: tabell.liggande: ska vara true eller false (fick en lista)"),
    "bool_parsing": ("  - typ: tabell\n    rubrik: Tabell\n    kolumner: [{rubrik: A, typ: "
                     "text}]\n    liggande: kanske\n", "rapport.yaml:9: tabell.liggande: ska "
                     "vara true eller false (fick 'kanske')"),
    "union_tag_invalid": ("  - typ: ekonomin\n", "rapport.yaml:6: ekonomin: okänd avsnittstyp "
                          f"'ekonomin'; menade du 'ekonomi'? typerna som finns: {KINDS}"),
    "union_tag_not_found": ("  - rubrik: Inledning\n", "rapport.yaml:6: avsnitt[0]: avsnittet "
                            f"saknar 'typ'; ange en av: {KINDS}"),
    "value_error": ("  - typ: text\n    rubrik: Inledning\n    id: slut\n  - typ: text\n"
                    "    rubrik: Slut\n    id: slut\n",
                    "rapport.yaml:11: avsnitt[1].id: id 'slut' används redan av avsnitt[0]; ge "
                    "avsnitten olika id"),
}
"""Each error type the models raise from a file: the sections that raise it, and the message."""


@pytest.mark.parametrize("kind", sorted(REACHABLE))
def test_each_error_type_a_file_can_raise_is_a_swedish_message_at_its_line(
    kind: str, here: Path
) -> None:
    """A file raising the type exits 2 with exactly the Swedish message, naming line and field."""
    body, message = REACHABLE[kind]
    expected_kind = "avsnitt_id" if kind == "value_error" else kind
    assert expected_kind in _types(HEAD + body)
    assert _check(HEAD + body) == (2, "", f"Fel i indata: {message}\n")


@pytest.mark.parametrize(("body", "message"), [
    ("  - typ: ekonomi\n    budget: 1 200 000 kr\n    utfall: 1\n",
     "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick '1 200 000 kr'); skriv beloppet "
     "i hela kronor utan enhet: 1 200 000"),
    ("  - typ: ekonomi\n    budget: 1,2 mkr\n    utfall: 1\n",
     "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick '1,2 mkr'); skriv beloppet i "
     "hela kronor utan enhet: 1 200 000"),
    ("  - typ: ekonomi\n    budget: 16 713 tkr\n    utfall: 1\n",
     "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick '16 713 tkr'); skriv beloppet "
     "i hela kronor utan enhet: 16 713 000"),
    ("  - typ: ekonomi\n    budget: '2 500:-'\n    utfall: 1\n",
     "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick '2 500:-'); skriv beloppet i "
     "hela kronor utan enhet: 2 500"),
    ("  - typ: indikatorer\n    indikatorer:\n      - {namn: Företag, utfall: 45 st}\n",
     "rapport.yaml:8: indikatorer.indikatorer[0].utfall: ska vara ett tal (fick '45 st'); skriv "
     "bara talet: 45"),
    ("  - typ: ekonomi\n    budget: ungefär 2 miljoner\n    utfall: 1\n",
     "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick 'ungefär 2 miljoner')"),
    ("  - typ: ekonomi\n    budget: 12 500,50 kr\n    utfall: 1\n",
     "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick '12 500,50 kr'); belopp skrivs i "
     "hela kronor, utan enhet och ören"),
    ("  - typ: ekonomi\n    budget: 1.200.000\n    utfall: 1\n",
     "rapport.yaml:7: ekonomi.budget: ska vara ett heltal (fick '1.200.000'); skriv tusental med "
     "mellanslag, inte punkt: 1 200 000"),
])
def test_a_figure_written_with_its_unit_is_told_the_figure_to_write(
        body: str, message: str, here: Path) -> None:
    """A figure given with its unit (kr, :-, tkr, mkr, st) is refused with the figure to write
    instead, in whole kronor where the unit scales it, and thousands grouped by points the
    Swedish way; öre are told to go, words get no guess."""
    assert _check(HEAD + body) == (2, "", f"Fel i indata: {message}\n")


def test_a_misspelt_indicator_kind_names_the_kinds_and_the_nearest(here: Path) -> None:
    """An indicator's 'slag' misspelt lists both kinds and suggests the one meant."""
    body = ("  - typ: indikatorer\n    indikatorer:\n"
            "      - {namn: Företag, slag: resultatindiaktor, utfall: 3}\n")
    assert _check(HEAD + body) == (2, "", (
        "Fel i indata: rapport.yaml:8: indikatorer.indikatorer[0].slag: ska vara ett av: "
        "'aktivitetsindikator', 'resultatindikator' (fick 'resultatindiaktor'; menade du "
        "'resultatindikator'?)\n"))


def test_errors_only_code_can_raise_are_swedish_too() -> None:
    """An unknown attribute set in code, a key that is not text, a mapping's key: Swedish."""
    report = slutrapport.load(FIXTURE)
    said = []
    with pytest.raises(InputError) as refused:
        setattr(report.projekt, "nope", 1)  # noqa: B010 -- a name the model doesn't have
    said.append(str(refused.value))
    data, _ = read_yaml(FIXTURE)
    for broken in ({**data, "projekt": {**data["projekt"], 1: "x"}}, {**data, "granska": {1: 2}}):
        with pytest.raises(InputError) as refused:
            Slutrapport.model_validate(broken)
        said.append(str(refused.value))
    assert said == ["nope: okänt fält 'nope'", "projekt: en nyckel ska vara text (fick 1)",
                    "granska: en nyckel ska vara text (fick 1)"]


def test_a_value_no_member_of_a_union_takes_says_what_it_may_be() -> None:
    """A union's members' errors become one message naming each kind of value allowed."""

    class Model(BaseModel):
        x: int | list[str]

    messages = []
    values: list[Any] = [{}, [1, "a", []]]
    for value in values:
        with pytest.raises(ValidationError) as refused:
            Model.model_validate({"x": value})
        messages.append([str(p) for p in problems_of(refused.value, Model)])
    assert messages == [
        ["x: ska vara ett heltal eller en lista (rader som börjar med '- ') (fick en samling "
         "fält (nyckel: värde))"],
        ["x[0]: ska vara text (fick 1)", "x[2]: ska vara text (fick en lista)"],
    ]


# --- YAML syntax -------------------------------------------------------------------------------

YAML: dict[str, tuple[str, str]] = {
    "tab": ("projekt:\n\tnamn: T\n",
            "rapport.yaml:2: tabbtecken får inte användas för indrag i YAML; använd mellanslag"),
    "reserved_first_character": (
        "projekt:\n  namn: @T\n", "rapport.yaml:2: ett värde kan inte börja med tecknet '@' "
        "(det har en egen betydelse i YAML); sätt texten inom citattecken"),
    "colon_in_text": ("projekt:\n  namn: NIS: en ny tid\n", "rapport.yaml:2: kolon på fel ställe "
                      "(saknas ett mellanslag efter kolon, eller citattecken runt texten?)"),
    "missing_colon": ("projekt:\n  namn: T\n  kortnamn\n  period: x\n",
                      "rapport.yaml:3: ett kolon saknas efter nyckeln (en rad i en samling fält "
                      "skrivs 'nyckel: värde'; en text som fortsätter på nästa rad: sätt texten "
                      "inom citattecken)"),
    "unclosed_quote": ('projekt:\n  namn: "T\n  kortnamn: T\n',
                       'rapport.yaml:2: ett citattecken (") börjar här men stängs aldrig; sätt '
                       'ett " där texten slutar'),
    "quote_closed_lines_below": (
        'projekt:\n  namn: "T\n  kortnamn: "K"\n',
        'rapport.yaml:2: ett citattecken (") börjar här men stängs inte på raden; sätt ett " '
        'där texten slutar'),
    "text_after_quote": ('projekt:\n  namn: "T" AB\n', "rapport.yaml:2: text efter det "
                         "avslutande citattecknet; sätt hela texten inom citattecknen"),
    "indentation": ("projekt:\n    namn: T\n   kortnamn: K\n", "rapport.yaml:3: indraget "
                    "fel: nyckeln 'kortnamn' på rad 3 har 3 blanksteg, raden ovanför 4; "
                    "nycklarna i en samling ska stå rakt under varandra"),
    "indentation_too_deep": (
        "projekt:\n  namn: T\n  kortnamn: K\n   rapporttyp: R\n  period: x\n",
        "rapport.yaml:4: indraget fel: nyckeln 'rapporttyp' på rad 4 har 3 blanksteg, raderna "
        "ovanför 2; nycklarna i en samling ska stå rakt under varandra"),
    "indentation_in_list_of_fields_too_deep": (
        "avsnitt:\n  - id: a\n    rubrik: R\n     text: x\n  - id: b\n",
        "rapport.yaml:4: indraget fel: nyckeln 'text' på rad 4 har 5 blanksteg, raderna ovanför "
        "4 (räknat till nyckeln, efter '- '); nycklarna i en samling ska stå rakt under "
        "varandra"),
    "indentation_in_list_of_fields_too_shallow": (
        "avsnitt:\n  - id: a\n    rubrik: R\n   text: x\n  - id: b\n",
        "rapport.yaml:4: indraget fel: nyckeln 'text' på rad 4 har 3 blanksteg, raderna ovanför "
        "4 (räknat till nyckeln, efter '- '); nycklarna i en samling ska stå rakt under "
        "varandra"),
    "indentation_of_first_key_too_shallow": (
        "projekt:\n namn: T\n  kortnamn: K\n  rapporttyp: R\n",
        "rapport.yaml:2: indraget fel: nyckeln 'namn' på rad 2 har 1 blanksteg, raderna under "
        "2; nycklarna i en samling ska stå rakt under varandra"),
    "indentation_of_first_key_too_deep": (
        "projekt:\n  namn: T\n  period:\n     fran: a\n    till: b\n  kortnamn: K\n",
        "rapport.yaml:4: indraget fel: nyckeln 'fran' på rad 4 har 5 blanksteg, raden under "
        "4; nycklarna i en samling ska stå rakt under varandra"),
    "indentation_after_a_text_block": (
        "avsnitt:\n  - id: a\n    text: |\n      Ett stycke.\n   rubrik: R\n",
        "rapport.yaml:5: indraget fel: nyckeln 'rubrik' på rad 5 har 3 blanksteg, raderna "
        "ovanför 4 (räknat till nyckeln, efter '- '); nycklarna i en samling ska stå rakt under "
        "varandra"),
    "list_item_indentation": ("projekt:\n  kommuner:\n    - A\n   - B\n",
                              "rapport.yaml:4: listraden ('- ') har inte samma indrag som "
                              "raden ovanför (eller har ett citattecken längre upp inte "
                              "stängts?)"),
    "list_item_indentation_below_rows": (
        "projekt:\n  kommuner:\n    - A\n    # en kommun till\n    - B\n  - C\n",
        "rapport.yaml:6: listraden ('- ') har inte samma indrag som raderna ovanför (eller har "
        "ett citattecken längre upp inte stängts?)"),
    "list_item_among_keys": (
        "projekt:\n  namn: T\n  - A\n",
        "rapport.yaml:3: en listrad ('- ') kan inte stå här, bland nycklarna i en samling fält; "
        "ska den stå indragen under en nyckel? (eller har ett citattecken längre upp inte "
        "stängts?)"),
    "list_item_after_its_list_closed": (
        "projekt:\n  kommuner:\n    - A\n    - B\n  namn: x\n - C\n",
        "rapport.yaml:6: en listrad ('- ') kan inte stå här, bland nycklarna i en samling fält; "
        "ska den stå indragen under en nyckel? (eller har ett citattecken längre upp inte "
        "stängts?)"),
    "alias_indented_out_of_line_below_one_key": (
        "projekt:\n  namn: T\n *x\n",
        "rapport.yaml:3: indraget stämmer inte med raden ovanför (eller har ett citattecken "
        "längre upp inte stängts?)"),
    "text_indented_out_of_line_below_two_keys": (
        "projekt: P\nperiod: [1]\n  g\n",
        "rapport.yaml:3: indraget stämmer inte med raderna ovanför (eller har ett citattecken "
        "längre upp inte stängts?)"),
    "indentation_of_first_key_too_deep_above_two": (
        "projekt:\n  period:\n     fran: a\n    till: b\n    mer: c\n",
        "rapport.yaml:3: indraget fel: nyckeln 'fran' på rad 3 har 5 blanksteg, raderna under "
        "4; nycklarna i en samling ska stå rakt under varandra"),
    "list_item_after_key": ("projekt:\n  kommuner: - A\n", "rapport.yaml:2: '- ' (en rad i en "
                            "lista) kan inte stå här; listans rader börjar var och en på en egen "
                            "rad, under nyckeln och med samma indrag"),
    "key_among_list_items": ("projekt:\n  kommuner:\n    - A\n    namn: T\n",
                             "rapport.yaml:4: en rad utan '- ' bland listans rader; indraget "
                             "stämmer inte, eller saknas '- ' först på raden?"),
    "unclosed_bracket": ("projekt:\n  kommuner: [A, B\n  namn: T\n",
                         "rapport.yaml:2: listan som börjar med '[' här stängs aldrig med ']' "
                         "(eller står ett kolon i en text i listan? sätt texten inom "
                         "citattecken)"),
    "unclosed_brace": ("projekt:\n  period: {fran: 2023, till: 2026\n",
                       "rapport.yaml:2: samlingen som börjar med '{' här stängs aldrig med '}' "
                       "(eller står ett kolon i en text i samlingen? sätt texten inom "
                       "citattecken)"),
    "bracket_left_open_at_the_end_of_the_file": (
        "projekt:\n  namn: 'T [a'  # en kommentar [\n  kommuner: [\n",
        "rapport.yaml:3: listan som börjar med '[' här stängs aldrig med ']' (eller står ett "
        "kolon i en text i listan? sätt texten inom citattecken)"),
    "brace_left_open_at_the_end_of_the_file_after_a_closed_list": (
        "projekt:\n  period: {fran: 2023, till: [2026],\n",
        "rapport.yaml:2: samlingen som börjar med '{' här stängs aldrig med '}' (eller står ett "
        "kolon i en text i samlingen? sätt texten inom citattecken)"),
    "file_ending_in_a_list_opened_after_a_tag": (
        "projekt:\n  namn: T\n  kommuner: !lista [\n",
        "rapport.yaml:4: filen tar slut mitt i ett värde; stängs alla citattecken och "
        "parenteser?"),
    "colon_in_bracket_list": ("projekt:\n  kommuner: [A, B: C: D]\n", "rapport.yaml:2: ett "
                              'kolon i en text inom [ ]; sätt texten inom citattecken ("…")'),
    "extra_closing_bracket": ("projekt:\n  kommuner: [A, B]]\n", "rapport.yaml:2: ']' stänger "
                              "ingen lista som öppnats med '['"),
    "value_starting_with_comma": ("projekt:\n  namn: , T\n", "rapport.yaml:2: ett värde kan "
                                  "inte börja med ',' här; om tecknet hör till texten: sätt "
                                  "texten inom citattecken"),
    "two_documents": ("projekt:\n  namn: T\n---\navsnitt: []\n", "rapport.yaml:3: filen får "
                      "bara innehålla ett YAML-dokument; ta bort raden '---'"),
    "document_end_marker": ("projekt:\n  namn: T\n...\navsnitt: []\n", "rapport.yaml:4: filen "
                            "får bara innehålla ett YAML-dokument; ta bort raden '...'"),
    "undefined_alias": ("projekt:\n  namn: *T\n", "rapport.yaml:2: en text som börjar med '*' "
                        "läses i YAML som ett alias (*namn), men ankaret '&T' finns inte ovanför; "
                        "sätt texten inom citattecken"),
    "bad_anchor": ("projekt:\n  namn: & T\n", "rapport.yaml:2: en text som börjar med '&' läses "
                   "i YAML som ett ankare (&namn); sätt texten inom citattecken"),
    "duplicate_anchor": ("projekt:\n  namn: &a T\n  kortnamn: &a K\n", "rapport.yaml:3: ankaret "
                         "'&a' står två gånger (första gången på rad 2); ge ankarna olika namn"),
    "unknown_escape": ('projekt:\n  namn: "C:\\data"\n', "rapport.yaml:2: ett snedstreck \\ "
                       "inom dubbla citattecken inleder en teckenkod, och den här finns inte; "
                       "skriv \\\\ för ett snedstreck, eller använd enkla citattecken "
                       "('C:\\data')"),
    "text_after_block_marker": ("projekt:\n  namn: | T\n    U\n", "rapport.yaml:2: efter '|' "
                                "eller '>' får bara '+', '-' eller en siffra 1–9 stå på raden; "
                                "texten börjar på nästa rad, indragen"),
    "directive": ("%YAML 2.0\n---\nprojekt: {}\n", "rapport.yaml:1: en rad som börjar med '%' "
                  "är ett YAML-direktiv, och det här är ogiltigt; ta bort raden, eller om den "
                  "hör till en text: sätt texten inom citattecken"),
    "directive_without_document_start": (
        "%YAML 1.1\nprojekt: {}\n", "rapport.yaml:2: efter en rad som börjar med '%' (ett "
        "YAML-direktiv) ska raden '---' stå; ta bort raden med '%', eller sätt den inom "
        "citattecken"),
    "tag": ("projekt:\n  namn: !x!y T\n", "rapport.yaml:2: ett värde som börjar med '!' är en "
            "YAML-tagg, och den här är ogiltig; om '!' hör till texten: sätt texten inom "
            "citattecken"),
}
"""A small file for each kind of YAML mistake, and exactly what check says about it."""


@pytest.mark.parametrize("mistake", sorted(YAML))
def test_each_kind_of_yaml_mistake_is_said_in_swedish_at_its_line(
    mistake: str, here: Path
) -> None:
    """A YAML syntax error exits 2 with a Swedish message and a hint, at the likely line."""
    text, message = YAML[mistake]
    assert _check(text) == (2, "", f"Fel i indata: {message}\n")


def test_a_yaml_complaint_unknown_to_this_version_is_said_at_its_line_naming_one_line_above(
) -> None:
    """A complaint PyYAML may add later is still Swedish: check this line and the one above."""
    mark = yaml.Mark("rapport.yaml", 0, 2, 0, "", 0)
    error = yaml.MarkedYAMLError(problem="found something new", problem_mark=mark)
    assert str(loader._yaml_problem(error, "rapport.yaml")) == (
        "rapport.yaml:3: filen kan inte läsas som YAML här; kontrollera indrag, kolon och "
        "citattecken på den här raden och raden ovanför")


# --- Word templates ----------------------------------------------------------------------------


def _template(folder: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = folder / "mall.docx"
    document.save(str(path))
    return path


def _both(template: Path) -> list[tuple[int, str]]:
    """``template check`` and ``render`` on the template: exit code and stderr of each."""
    runner = CliRunner()
    check = runner.invoke(main, ["template", "check", str(template)])
    out = template.parent / "ut.docx"
    render = runner.invoke(main, ["render", str(FIXTURE), "--template", str(template), "-o",
                                  str(out), "--no-contents", "--no-charts"])
    assert not out.exists()
    return [(check.exit_code, check.stderr), (render.exit_code, render.stderr)]


TEMPLATE: dict[str, tuple[tuple[str, ...], str]] = {
    "unclosed_block_in_first_paragraph": (
        ("{% for a in avsnitt %}{{ a.rubrik }}", "Andra", "{% if projekt.namn %}ja{% endif %}",
         "Fjärde", "Femte", "Sjätte"),
        "'{% for … %}' avslutas aldrig med '{% endfor %}' (i stycket «{% for a in avsnitt %}"
        "{{ a.rubrik }}»)"),
    "unclosed_paragraph_block": (
        ("Titel", "{%p if projekt.namn %}", "Text", "Slut"),
        "'{% if … %}' avslutas aldrig med '{% endif %}' (i stycket «{% if projekt.namn %}»)"),
    "missing_closing_braces": (
        ("Titel", "{{ projekt.namn ", "Tredje"),
        "taggen '{{' avslutas inte med '}}' (i stycket «{{ projekt.namn Tredje»)"),
    "missing_closing_braces_before_a_tag": (
        ("Titel", "{{ projekt.namn {{ projekt.kortnamn }}", "Slut"),
        "taggen '{{' avslutas inte med '}}' (i stycket «{{ projekt.namn {{ projekt.kortnamn "
        "}}»)"),
    "missing_percent_brace": (
        ("Titel", "{% if projekt.namn ", "ja", "{% endif %}"),
        "taggen '{%' avslutas inte med '%}' (i stycket «{% if projekt.namn ja{% endif %}»)"),
    "unclosed_comment": (("Titel", "{# anteckning", "Slut"),
                         "kommentaren '{#' avslutas inte med '#}' (i stycket «{# anteckningSlut»)"),
    "unknown_tag": (("Titel", "{% frobnicate %}", "Slut"),
                    "'{% frobnicate %}' är ingen tagg som finns; taggarna är for, if, elif, else "
                    "och set (ett värde skrivs ut med {{ … }}) (i stycket «{% frobnicate %}»)"),
    "misspelt_tag": (("Titel", "{% fro a in avsnitt %}{% endfor %}", "Slut"),
                     "'{% fro %}' är ingen tagg som finns; menade du '{% for %}'? (i stycket "
                     "«{% fro a in avsnitt %}{% endfor %}»)"),
    "unexpected_end_tag": (("Titel", "{% endif %}", "Slut"),
                           "'{% endif %}' har inget '{% if … %}' att avsluta (i stycket "
                           "«{% endif %}»)"),
    "end_tag_of_another_block": (
        ("{% for a in avsnitt %}", "{% endif %}", "Slut"),
        "'{% endif %}' har inget '{% if … %}' att avsluta; det öppna blocket är '{% for … %}', "
        "som avslutas med '{% endfor %}' (i stycket «{% endif %}»)"),
    "blocks_nested_wrongly": (
        ("{% for a in avsnitt %}{% if a.rubrik %}", "{% endfor %}", "{% endif %}"),
        "'{% endfor %}' kommer för tidigt: '{% if … %}' måste först avslutas med '{% endif %}' "
        "(blocken är fel nästlade) (i stycket «{% endfor %}»)"),
    "two_expressions_in_a_tag": (
        ("Titel", "{{ projekt.namn projekt.kortnamn }}", "Slut"),
        "i taggen väntas '}}' där 'projekt' står (två uttryck i samma tagg? skriv dem i var sin "
        "tagg, eller sätt ett '|', ett komma eller en operator mellan dem) (i stycket "
        "«{{ projekt.namn projekt.kortnamn }}»)"),
    "empty_tag": (("Titel", "{{ }}", "Slut"), "ett uttryck saknas före '}}' (i stycket «{{ }}»)"),
    "typographic_quotes": (
        ("Titel", "{{ projekt.namn|default(»x») }}", "Slut"),
        "Word har gjort om ett citattecken till » i taggen; skriv raka citattecken (\" eller ') "
        "i malltaggar (stäng av Autokorrigering av citattecken) (i stycket "
        "«{{ projekt.namn|default(»x») }}»)"),
}
"""A template for each kind of syntax error, and what both commands say after the prefix."""


@pytest.mark.parametrize("mistake", sorted(TEMPLATE))
def test_template_check_and_render_say_the_same_swedish_words_about_a_bad_tag(
    mistake: str, tmp_path: Path
) -> None:
    """A syntax error exits 2 from both commands, with one Swedish text at the tag's paragraph."""
    paragraphs, message = TEMPLATE[mistake]
    template = _template(tmp_path, *paragraphs)
    assert _both(template) == [
        (2, f"Fel i mallen: word/document.xml: felaktig malltagg: {message}\n"),
        (2, f"Fel i mallen: {template}: felaktig malltagg: {message}\n"),
    ]


def test_a_filter_that_does_not_exist_is_named_with_the_nearest_when_rendering(
    tmp_path: Path,
) -> None:
    """Rendering names an unknown filter in Swedish with the nearest filter, at its paragraph."""
    template = _template(tmp_path, "Titel", "{{ projekt.namn|uper }}", "Slut")
    assert _both(template)[1] == (2, (
        f"Fel i mallen: {template}: felaktig malltagg: filtret 'uper' finns inte; menade du "
        "'upper'? (i stycket «{{ projekt.namn|uper }}»)\n"))


def test_a_runtime_error_points_at_its_paragraph_only(tmp_path: Path) -> None:
    """An undefined name in the seventh paragraph quotes that paragraph, not those around it."""
    template = _template(tmp_path, *[f"Stycke {i}" for i in range(6)], "{{ projket.namn }}",
                         "Slut")
    assert _both(template)[1] == (2, (
        f"Fel i mallen: {template}: mallen använder variabeln 'projket', som inte finns i datat "
        "(i stycket «{{ projket.namn }}»)\n"))


def test_a_long_paragraph_is_shown_briefly_around_the_tag(tmp_path: Path) -> None:
    """A long paragraph is clipped to the part around the offending tag."""
    words = " ".join(f"ord{i}" for i in range(40))
    template = _template(tmp_path, f"{words} {{% endif %}} {words}")
    shown = _both(template)[0][1]
    clipped = shown.split("«")[1].split("»")[0]
    assert (shown.startswith("Fel i mallen: word/document.xml: felaktig malltagg: "
                             "'{% endif %}' har inget '{% if … %}' att avsluta (i stycket «…"),
            len(f"«{clipped}»") <= 80, "{% endif %}" in clipped) == (True, True, True)


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _retyped(folder: Path, name: str, content_type: str) -> Path:
    """A Word document whose main part claims another content type (.dotx, .docm …)."""
    (folder / "word").mkdir(exist_ok=True)
    source = _template(folder / "word", "Text")
    out = folder / name
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(word.encode(), content_type.encode())
            dst.writestr(info, data)
    return out


def test_a_file_that_is_not_a_word_document_is_said_so_by_both_commands(tmp_path: Path) -> None:
    """A data file, a text, a plain zip, an .odt, a workbook, a .dotx and a .docm: Swedish."""
    data = tmp_path / "mine.yaml"
    data.write_text("projekt: {}\n", encoding="utf-8")
    text = tmp_path / "mall.docx"
    text.write_text("inte en Word-fil", encoding="utf-8")
    (tmp_path / "zip").mkdir()
    plain = _zip(tmp_path / "zip" / "mall.docx", {"a.txt": "hej"})
    odt = _zip(tmp_path / "mall.odt", {"mimetype": "application/vnd.oasis.opendocument.text",
                                       "content.xml": "<a/>"})
    book = _retyped(tmp_path, "bok.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    dotx = _retyped(tmp_path, "mall.dotx", "application/vnd.openxmlformats-officedocument."
                                           "wordprocessingml.template.main+xml")
    docm = _retyped(tmp_path, "makro.docm", "application/vnd.ms-word.document.macroEnabled."
                                            "main+xml")
    said = {
        data: "är inte ett Word-dokument (.docx) utan en datafil; ange Word-mallen, t.ex. "
              "mall.docx",
        text: "är inte ett Word-dokument (.docx); spara mallen som .docx",
        plain: "är ett zip-arkiv men inte ett Word-dokument (.docx)",
        odt: "är ett OpenDocument-dokument (.odt), inte ett Word-dokument; spara mallen som "
             "Word-dokument (.docx)",
        book: "är en Excel-arbetsbok, inte ett Word-dokument; ange Word-mallen (.docx)",
        dotx: "är en Word-mall (.dotx); öppna den i Word och spara den som Word-dokument (.docx)",
        docm: "är ett Word-dokument med makron (.docm); spara det som Word-dokument (.docx)",
    }
    for path, message in said.items():
        assert _both(path) == [(2, f"Fel i mallen: {path}: {message}\n")] * 2


# --- the small ones ----------------------------------------------------------------------------


def test_a_huge_figure_is_shown_as_written(here: Path) -> None:
    """1e999 where a text belongs is shown as the YAML wrote it, not as Python's 1E+999."""
    text = HEAD.replace("namn: Test", "namn: 1e999") + "  - typ: text\n    rubrik: Inledning\n"
    assert _check(text) == (
        2, "", "Fel i indata: rapport.yaml:2: projekt.namn: ska vara text (fick 1e999)\n")


def test_an_impossible_date_names_the_accepted_forms(here: Path) -> None:
    """A month 13 is refused naming the forms a date may have, as a malformed date is."""
    text = HEAD.replace('till: "2026"', 'till: "2026-13"') + "  - typ: text\n    rubrik: I\n"
    assert _check(text) == (2, "", (
        "Fel i indata: rapport.yaml:4: projekt.period.till: ogiltigt datum: '2026-13' finns inte "
        "i kalendern; ska vara ett datum som 2022, 2022-10 eller 2022-10-31\n"))


def test_a_strict_refusal_continues_in_lower_case_after_its_label(tmp_path: Path) -> None:
    """``render --strict`` on data with errors: exit 1, 'Stoppad: rapporten skrevs inte …'."""
    out = tmp_path / "ut.docx"
    result = CliRunner().invoke(main, ["render", str(FIXTURE), "-o", str(out), "--strict",
                                       "--no-contents", "--no-charts"])
    assert (result.exit_code, result.stderr.splitlines()[-1], out.exists()) == (
        1, "Stoppad: rapporten skrevs inte: kontrollerna hittade 3 fel (--strict).", False)


def test_migrate_says_a_yaml_mistake_in_the_same_swedish_words(here: Path) -> None:
    """``slutrapport migrate`` on a 0.1 file with a YAML mistake: the loader's words and line."""
    Path("gammal.yaml").write_text(
        'projekt:\n  namn: "T\n  kortnamn: K\ninledning: {}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["migrate", "gammal.yaml"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", (
        'Fel i indata: gammal.yaml:2: ett citattecken (") börjar här men stängs aldrig; sätt ett '
        '" där texten slutar\n'))


def test_a_number_written_where_text_belongs_is_told_to_be_quoted(tmp_path: Path) -> None:
    """A case number written bare (YAML reads it as a number) is named as written, ungrouped,
    with the quotes that keep it as it stands."""
    data = tmp_path / "r.yaml"
    data.write_text(slutrapport.example_path("nis70").read_text(encoding="utf-8").replace(
        'arendenummer: "20302741"', "arendenummer: 20302741", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(data)])
    assert (result.exit_code, result.stderr) == (2, (
        f"Fel i indata: {data}:42: projekt.arendenummer: ska vara text (fick talet 20302741); "
        'skriv det inom citattecken, "20302741", så står det som det är skrivet\n'))
