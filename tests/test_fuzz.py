"""Fuzzed data files: whatever a file holds, slutrapport answers in Swedish or works — no traceback.

Each example is a small report whose fields are filled with hostile YAML: extreme numbers
(huge and tiny exponents, thousands of digits), deep nesting, anchors and aliases (also to
anchors that don't exist), text in any script, control characters, wrong types. Reading,
validating, checking and building the template context must end in a report or an
:class:`~slutrapport.errors.InputError`; one example in eight is rendered too. 1 000 examples in
the standard profile, 10 000 with ``SLUTRAPPORT_SLOW=1``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slutrapport.checks import check
from slutrapport.context import build_context
from slutrapport.errors import InputError
from slutrapport.loader import load

TEMPLATE = """\
projekt:
  namn: {namn}
  kortnamn: {kortnamn}
  period: {{fran: {fran}, till: {till}}}
  kommuner: [{kommun}, Vindeln]
  rapportdatum: {datum}
avsnitt:
  - typ: {typ}
    id: {id}
    rubrik: {rubrik}
    budget: {belopp}
    utfall: {utfall}
    text: {text}
  - typ: horisontella_kriterier
    deltagare: {{kvinnor: {kvinnor}, man: {man}, andel_kvinnor: {andel}}}
    text: {lanktext}
  - typ: foretagsprogram
    effekt:
      foretag:
        - {{namn: {foretag}, anstallda_fore: {fore}, anstallda_efter: {efter}, kommun: {kommun}}}
"""

_numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["1e999999999", "-1e999999999", "1e-999999999", "9" * 4301, "0x" + "f" * 99,
                     ".inf", "-.inf", ".nan", "0.123456789012345678901234567", "1e15", "-0",
                     "159,5", '"16 713 030"', '"−2"', "2.5", "0o17", "1_000"]),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
_texts = st.one_of(
    st.text(max_size=40).map(json.dumps),  # any character, escaped the JSON way (valid YAML)
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(
        lambda t: json.dumps(t, ensure_ascii=False)),
    st.sampled_from(["Övertorneå: norr", "- lista", "'ej stängd", '"\\u0007"', "|", ">", "?",
                     "!!python/object:os.system", "!!binary aGVq", "~", "null", "yes", "on"]),
)
_nested = st.integers(min_value=1, max_value=1500).map(lambda n: "[" * n + "]" * n)
_aliases = st.sampled_from(["&a Vännäs", "*a", "*saknas", "&b [1, 2]", "*b", "&c {x: 1}", "*c"])
_values = st.one_of(_numbers, _texts, _nested, _aliases,
                    st.sampled_from(["true", "false", "null", "[]", "{}", "[1, 2]", "{a: b}"]))
_EXAMPLES = 10_000 if os.environ.get("SLUTRAPPORT_SLOW") == "1" else 1_000
"""The fuzzer's examples: 1 000 by default (the profile's 200 is for the other properties)."""
_kinds = st.sampled_from(["ekonomi", "text", "tabell", "aktiviteter", "okand", "", "null"])


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
          deadline=None, max_examples=_EXAMPLES)
@given(st.fixed_dictionaries({
    "namn": _values, "kortnamn": _values, "fran": _values, "till": _values,
    "kommun": _values, "datum": _values, "typ": _kinds, "id": _values, "rubrik": _values,
    "belopp": _values, "utfall": _values, "text": _values, "kvinnor": _values, "man": _values,
    "andel": _values, "foretag": _values, "fore": _values, "efter": _values,
    "lanktext": st.one_of(_values, st.tuples(_numbers, st.sampled_from([
        "ekonomi.budget", "horisontella_kriterier.deltagare.totalt", "deltagare.man",
        "foretagsprogram.effekt.summa.okning", "x..y", "avsnitt[99].budget"])).map(
            lambda p: json.dumps(f"[{p[0]}](tal:{p[1]})", ensure_ascii=False))),
}), st.integers(min_value=0, max_value=7))
def test_any_data_file_gives_a_report_or_a_swedish_refusal(fields: dict[str, str],
                                                           render_when: int) -> None:
    """No file makes slutrapport raise anything but its own InputError."""
    from slutrapport.rendering import render_bytes

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rapport.yaml"
        path.write_text(TEMPLATE.format(**fields), encoding="utf-8")
        try:
            report = load(path)
        except InputError as exc:
            assert str(exc).strip()
            assert "Traceback" not in str(exc)
            return
        check(report)
        build_context(report)
        if render_when == 0:
            render_bytes(report, charts=False)
