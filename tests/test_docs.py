"""The generated documentation is up to date with the code, and its examples hold."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from docx import Document

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
