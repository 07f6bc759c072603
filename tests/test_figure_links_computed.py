"""A figure link may point at a figure the data leaves out: it means the computed one."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from slutrapport.checks import Finding, check
from slutrapport.loader import from_data, read_yaml

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "lappland20.yaml"


def _programme(data: dict[str, Any]) -> dict[str, Any]:
    found = next(s for s in data["avsnitt"] if s.get("id") == "program_for_tillvaxt")
    assert isinstance(found, dict)
    return found


def _check_with(text: str, strip: bool = True) -> list[Finding]:
    """The example's findings after its effect text is replaced and its stated figures removed."""
    data, lines = read_yaml(FIXTURE)
    assert isinstance(data, dict)
    changed = copy.deepcopy(data)
    effect = _programme(changed)["effekt"]
    if strip:
        effect.pop("summa", None)
        effect.pop("okning_procent", None)
        for row in effect["foretag"]:
            row.pop("okning", None)
    effect["text"] = text
    return [f for f in check(from_data(changed, lines=lines)) if f.code.startswith("tal-")]


@pytest.mark.parametrize("link", [
    "[44](tal:program_for_tillvaxt.effekt.summa.fore)",
    "[58,5](tal:program_for_tillvaxt.effekt.summa.efter)",
    "[14,5](tal:program_for_tillvaxt.effekt.summa.okning)",
    "[33 %](tal:program_for_tillvaxt.effekt.okning_procent)",
    "[2](tal:program_for_tillvaxt.effekt.foretag[0].okning)",
    "[2](tal:foretag[0].okning)",
    "[12](tal:program_for_tillvaxt.antal_foretag)",
])
def test_a_link_to_a_computed_figure_resolves_and_agrees(link: str) -> None:
    """Sums, increases and the number of companies left out of the data resolve as computed."""
    assert _check_with(f"Se {link}.") == []


def test_a_link_to_a_computed_figure_that_disagrees_is_an_error() -> None:
    """A text stating 16 where the computed total increase is 14,5 gets the usual error."""
    [found] = _check_with("Ökningen var [16](tal:program_for_tillvaxt.effekt.summa.okning).")
    assert (found.code, found.severity, found.path, found.message) == (
        "tal-i-text", "error", "program_for_tillvaxt.effekt.text",
        "Texten säger 16, men program_for_tillvaxt.effekt.summa.okning är 14,5.")


def test_a_link_to_a_field_that_does_not_exist_is_still_unknown() -> None:
    """A misspelt path is still 'finns inte i datat', computed figures or not."""
    [found] = _check_with("[3](tal:program_for_tillvaxt.effekt.summa.okningar)")
    assert (found.code, found.message) == (
        "tal-okand-sokvag",
        "Talet '3' i texten hänvisar till 'program_for_tillvaxt.effekt.summa.okningar', som "
        "inte finns i datat.")
