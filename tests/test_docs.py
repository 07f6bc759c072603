"""The generated documentation is up to date with the code, and its examples hold."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from docx import Document

from slutrapport.checks import check
from slutrapport.kinds import kinds
from slutrapport.loader import load
from slutrapport.templatecheck import check_template

DOCS = Path(__file__).resolve().parents[1] / "docs"


def generator() -> ModuleType:
    """docs/gen_mallvariabler.py, loaded as a module."""
    spec = importlib.util.spec_from_file_location("gen", DOCS / "gen_mallvariabler.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_template_variable_reference_is_up_to_date() -> None:
    """docs/mallvariabler.md equals what docs/gen_mallvariabler.py generates now."""
    assert (DOCS / "mallvariabler.md").read_text(encoding="utf-8") == generator().build()


def test_the_template_examples_in_the_reference_use_only_names_the_data_provides(
        tmp_path: Path) -> None:
    """The loop and the by-id examples in docs/mallvariabler.md check with no error and no
    reminder about ids (leaving out parts and kinds, as an example does, is only information)."""
    module = generator()
    found = {}
    for name in ("EXAMPLE_LOOP", "EXAMPLE_ID"):
        doc = Document()
        for line in getattr(module, name):
            doc.add_paragraph(line)
        path = tmp_path / f"{name}.docx"
        doc.save(str(path))
        found[name] = [f for f in check_template(path)
                       if f.code not in ("oanvant-avsnitt", "oanvand-typ")]
    assert found == {"EXAMPLE_LOOP": [], "EXAMPLE_ID": []}


def disposition_section() -> str:
    """The guide's section on the outline, "Din egen disposition"."""
    guide = (DOCS / "guide.md").read_text(encoding="utf-8")
    start = guide.index("## Din egen disposition")
    return guide[start:guide.index("\n## ", start + 1)]


def test_the_guides_table_of_kinds_names_every_kind_with_its_description() -> None:
    """The kinds table in "Din egen disposition" is the registry: each typ and its BESKRIVNING."""
    rows = re.findall(r"^\| `(\w+)` \| (.*) \|$", disposition_section(), re.MULTILINE)
    assert rows == [(typ, kind.BESKRIVNING) for typ, kind in kinds().items()]


def test_the_guides_outline_examples_load_and_check_without_errors(tmp_path: Path) -> None:
    """Each YAML example in "Din egen disposition", below a project's facts, loads and gives
    no error or warning."""
    facts = ("projekt:\n  namn: Skolor och företag\n  kortnamn: SoF\n"
             "  period: {fran: '2021', till: '2023'}\n"
             "  kommuner: [Robertsfors, Vindeln, Vännäs]\n")
    found = []
    for block in re.findall(r"```yaml\n(.*?)```", disposition_section(), re.DOTALL):
        path = tmp_path / "rapport.yaml"
        path.write_text(facts + block, encoding="utf-8")
        found.append([(f.code, f.path) for f in check(load(path)) if f.severity != "info"])
    assert found == [[], []]
