"""The floors of ARCHITECTURE.md hold: imports go down, no circle, no borrowed private name, and
an import inside a function only where a reason is written (issue 18.1)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.architecture import ARCHITECTURE, SOURCE, function_imports, problems

IN_FUNCTIONS = frozenset({
    # the package's front door: jinja2 and the rendering only when a report is rendered
    ("slutrapport", "slutrapport.rendering"),
    # python-docx only when a default template must be built
    ("slutrapport.standard", "slutrapport.standard_build"),
    # python-pptx only when a document with Word charts is made
    ("slutrapport.document", "slutrapport.wordcharts"),
    # jinja2 (and a template's parts) only once a report is checked, not on import
    ("slutrapport.checks", "slutrapport.shown"),
    # the command line: each command's heavy libraries only when that command runs (jinja2,
    # rich, XlsxWriter, ruamel.yaml); 'slutrapport --help' loads none of them
    ("slutrapport.cli", "slutrapport.rendering"),
    ("slutrapport.cli", "slutrapport.templatecheck"),
    ("slutrapport.cli", "slutrapport._progress"),
    ("slutrapport.cli", "slutrapport.register_templates"),
    ("slutrapport.cli", "slutrapport.scaffold"),
    ("slutrapport.cli", "slutrapport.migrate"),
    ("slutrapport.cli", "slutrapport.provenance"),
    # ... and the report model, the checks, fill and the Word import (the model and its kinds
    # are most of a fresh process's start-up): 'slutrapport --help' answers without them
    ("slutrapport.cli", "slutrapport.checks"),
    ("slutrapport.cli", "slutrapport.loader"),
    ("slutrapport.cli", "slutrapport.fill"),
    ("slutrapport.cli", "slutrapport.schema"),
    ("slutrapport.cli", "slutrapport.wordimport"),
    ("slutrapport.cli", "slutrapport.standard"),
    # ... and LibreOffice's machinery only when a render needs it (started before the rest of
    # the render's imports, so that its start overlaps them)
    ("slutrapport.cli", "slutrapport.office"),
    # the round trip renders the data file (jinja2, python-docx) only when a report comes back
    ("slutrapport.wordimport._roundtrip", "slutrapport.document"),
})
"""Imports of slutrapport modules allowed inside a function, each for start-up time (its reason
is a comment at the import): every other import of a slutrapport module stands at the top."""


def test_the_source_keeps_to_its_floors() -> None:
    """No import climbs a floor, no circle, no private name of another module, and every import
    inside a function is one of the few allowed, with its reason."""
    assert problems(allowed_in_functions=IN_FUNCTIONS) == []


def test_every_import_inside_a_function_says_why() -> None:
    """An import inside a function (of any library) carries a comment with its reason: a heavy
    optional library, or start-up time."""
    assert [f"{module}:{line} {what}" for module, line, what, reason in function_imports()
            if reason is None] == []


def _copy(tmp_path: Path) -> Path:
    """A copy of the source tree to plant mistakes in."""
    copy = tmp_path / "src"
    shutil.copytree(SOURCE / "slutrapport", copy / "slutrapport",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _plant(source: Path, module: str, code: str, mark: str) -> int:
    """Append code to a module of the copy; the line of its last line holding ``mark``."""
    path = source / "slutrapport" / module
    text = path.read_text(encoding="utf-8") + code
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    return max(n for n, line in enumerate(lines, start=1) if mark in line)


def test_an_upward_import_is_refused_with_its_floors(tmp_path: Path) -> None:
    """An import of the command line planted in a value module (inside a function, where the
    old circles hid) is named with both floors; so are the circle and the allowance it breaks."""
    source = _copy(tmp_path)
    line = _plant(source, "fields.py",
                  "\n\ndef _planted() -> None:\n    from slutrapport.cli import main\n",
                  "from slutrapport.cli import main")
    found = problems(source, ARCHITECTURE, IN_FUNCTIONS)
    assert found[:2] == [
        f"slutrapport.fields:{line} imports slutrapport.cli (floor 8, commands) from floor 1 "
        "(values): imports go down, never up",
        f"slutrapport.fields:{line} imports slutrapport.cli inside a function; import it at "
        "the top",
    ]
    assert found[2].startswith("a circle of imports among ")
    assert "slutrapport.cli" in found[2] and "slutrapport.fields" in found[2]
    assert len(found) == 3


def test_a_borrowed_private_name_is_refused(tmp_path: Path) -> None:
    """Another module's private name, imported or read as an attribute, is named."""
    source = _copy(tmp_path)
    line = _plant(source, "checks.py", "\nfrom slutrapport.fields import _whole  # noqa\n",
                  "import _whole")
    attribute = _plant(source, "checks.py", "\nnarrative._parse('x')\n", "_parse('x')")
    assert problems(source, ARCHITECTURE, IN_FUNCTIONS) == [
        f"slutrapport.checks:{line} imports the private name _whole of slutrapport.fields",
        f"slutrapport.checks:{attribute} uses the private name _parse of "
        "slutrapport.narrative",
    ]


def test_a_module_on_no_floor_is_named(tmp_path: Path) -> None:
    """A new module must be placed on a floor in ARCHITECTURE.md."""
    source = _copy(tmp_path)
    (source / "slutrapport" / "nytt.py").write_text('"""New."""\n', encoding="utf-8")
    assert problems(source, ARCHITECTURE, IN_FUNCTIONS) == [
        "slutrapport.nytt: is on no floor; name it in ARCHITECTURE.md's floors"]


def test_a_module_of_a_package_runs_the_package_first(tmp_path: Path) -> None:
    """Importing registers.block runs registers/__init__.py first: with the package a floor
    above its modules, the report model's import of the block climbs, and is named so."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    moved = text.replace("3 report: context models registers registers.*",
                         "3 report: context models registers.*").replace(
                         "4 reading: loader", "4 reading: registers loader")
    assert moved != text
    architecture = tmp_path / "ARCHITECTURE.md"
    architecture.write_text(moved, encoding="utf-8")
    lines = (SOURCE / "slutrapport" / "models.py").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1)
                if text.startswith("from slutrapport.registers.block import"))
    assert problems(SOURCE, architecture, IN_FUNCTIONS) == [
        f"slutrapport.models:{line} imports slutrapport.registers (floor 4, reading) from "
        "floor 3 (report): imports go down, never up"]
