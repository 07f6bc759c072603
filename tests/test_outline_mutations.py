"""The outline is the author's: reorder, drop and add sections in any example, with no code change.

Each example is mutated as an author would edit its ``avsnitt`` list — reversed, shuffled, with
sections dropped, with a kind used a second time, with a free text and a general table of its
own — and must still check and render: the findings follow the sections (same codes, severities
and messages), and the rendered document's first-level headings follow the new order.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slutrapport.checks import Finding, check
from slutrapport.loader import from_data, read_yaml
from slutrapport.rendering import render_bytes
from tests.docxread import outline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXAMPLES = ["nis60.yaml", "lappland20.yaml", "nis70.yaml"]
BESIDE = str(FIXTURES / "andrad.yaml")
"""Where a changed example is said to come from: beside the examples, so its pictures are found."""


def _data(name: str) -> dict[str, Any]:
    data, _ = read_yaml(FIXTURES / name)
    assert isinstance(data, dict)
    data.pop("register", None)  # the registers are beside the file; they have tests of their own
    return data


def _ids(data: dict[str, Any]) -> list[str]:
    report = from_data(data, source=BESIDE)
    return [s.name for s in report.avsnitt]


def _key(f: Finding) -> tuple[str, str, str, str]:
    return (f.code, f.severity, f.path, f.message)


def _findings(data: dict[str, Any]) -> Counter[tuple[str, str, str, str]]:
    return Counter(_key(f) for f in check(from_data(data, source=BESIDE)))


def _headings(data: dict[str, Any]) -> list[str]:
    document = render_bytes(from_data(data, source=BESIDE))
    return [line.removeprefix("[Heading1] ") for line in outline(document).splitlines()
            if line.startswith("[Heading1] ")]


def _named(data: dict[str, Any]) -> dict[str, Any]:
    """The data with every section's id written out, so moving sections keeps their names."""
    named = copy.deepcopy(data)
    for section, sid in zip(named["avsnitt"], _ids(data), strict=True):
        section["id"] = sid
    return named


def _rubriker(data: dict[str, Any]) -> list[str]:
    return [s.rubrik for s in from_data(data, source=BESIDE).avsnitt]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", EXAMPLES)
def test_reversed_outline_checks_the_same_and_renders_in_the_new_order(name: str) -> None:
    """Reversing the sections changes no finding and reverses the document's headings."""
    data = _named(_data(name))
    turned = copy.deepcopy(data)
    turned["avsnitt"].reverse()
    assert _findings(turned) == _findings(data)
    assert _headings(turned) == _rubriker(turned) == list(reversed(_rubriker(data)))


@pytest.mark.parametrize("name", EXAMPLES)
def test_dropping_sections_drops_their_findings_and_names_links_into_them(name: str) -> None:
    """Every other section dropped: their findings go, links into them become unknown paths."""
    data = _named(_data(name))
    kept = copy.deepcopy(data)
    dropped = {s["id"] for s in kept["avsnitt"][1::2]}
    kept["avsnitt"] = kept["avsnitt"][::2]
    before = {k: n for k, n in _findings(data).items()
              if k[2].split(".")[0].split("[")[0] not in dropped}
    after = _findings(kept)
    new = after - Counter(before)
    assert after - new == Counter(before)
    assert all(code == "tal-okand-sokvag" and any(f"'{sid}." in message for sid in dropped)
               for code, _, _, message in new)
    assert _headings(kept) == _rubriker(kept)


@pytest.mark.parametrize("name", EXAMPLES)
def test_added_text_table_and_second_economy_render_with_their_own_ids(name: str) -> None:
    """A free text, a general table with a stated sum and a kind used twice need no code."""
    data = _named(_data(name))
    grown = copy.deepcopy(data)
    economy = next(s for s in grown["avsnitt"] if s["typ"] == "ekonomi")
    second = {**copy.deepcopy(economy), "id": "ekonomi_etapp_2", "rubrik": "Ekonomi, etapp 2"}
    grown["avsnitt"][1:1] = [
        {"typ": "text", "id": "laget_i_regionen", "rubrik": "Läget i regionen",
         "text": "Arbetsmarknaden har förändrats.",
         "punkter": ["Fler företag anställer.", "Färre varsel."],
         "delavsnitt": [{"rubrik": "Framåt", "text": "Arbetet fortsätter."}]},
        {"typ": "tabell", "id": "mote_per_kommun", "rubrik": "Möten per kommun",
         "kolumner": [{"rubrik": "Kommun", "typ": "text"}, {"rubrik": "Möten", "typ": "antal"},
                      {"rubrik": "Kostnad (kr)", "typ": "kronor"}],
         "rader": [["Robertsfors", 12, 15000], ["Vindeln", 8, 9500]],
         "summa": ["Summa", 20, 24500]},
    ]
    grown["avsnitt"].append(second)
    findings = _findings(grown)
    # the second economy repeats the first one's findings under its own id, nothing else is new
    economy_findings = Counter({(code, severity, path.replace("ekonomi.", "ekonomi_etapp_2.", 1),
                                 message): n
                                for (code, severity, path, message), n in _findings(data).items()
                                if path.startswith("ekonomi.")})
    assert findings == _findings(data) + economy_findings
    headings = _headings(grown)
    assert headings == _rubriker(grown)
    assert headings[1:3] == ["Läget i regionen", "Möten per kommun"]
    assert headings[-1] == "Ekonomi, etapp 2"


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(EXAMPLES), st.randoms(use_true_random=False))
def test_any_order_of_the_sections_renders_in_that_order(name: str, rnd: random.Random) -> None:
    """A shuffled outline checks the same and renders its headings in the shuffled order."""
    data = _named(_data(name))
    shuffled = copy.deepcopy(data)
    rnd.shuffle(shuffled["avsnitt"])
    assert _findings(shuffled) == _findings(data)
    assert _headings(shuffled) == _rubriker(shuffled)


def test_a_link_to_an_id_made_from_the_order_is_a_warning(tmp_path: Path) -> None:
    """Two activity sections without ids: a link to 'aktiviteter_1' is fragile and says so."""
    data = {
        "projekt": {"namn": "T", "kortnamn": "T", "period": {"fran": "2023", "till": "2026"}},
        "avsnitt": [
            {"typ": "aktiviteter", "rubrik": "A", "antal": 7},
            {"typ": "aktiviteter", "rubrik": "B", "antal": 3,
             "text": "[7](tal:aktiviteter_1.antal) och [3](tal:antal)"},
        ],
    }
    assert [_key(f) for f in check(from_data(data, source=BESIDE))] == [
        ("tal-autoid", "warning", "aktiviteter_2.text",
         "Talet '7' i texten hänvisar till avsnittet 'aktiviteter_1', ett id som räknas fram av "
         "avsnittens ordning; flyttas avsnitten pekar länken på ett annat. Ge avsnittet ett eget "
         "id (id: …)."),
    ]
    data["avsnitt"][0]["id"] = "aktiviteter_1"  # named by the author: no longer fragile
    assert [_key(f) for f in check(from_data(data, source=BESIDE))] == []
