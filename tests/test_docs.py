"""The generated documentation is up to date with the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_template_variable_reference_is_up_to_date() -> None:
    """docs/mallvariabler.md equals what docs/gen_mallvariabler.py generates now."""
    spec = importlib.util.spec_from_file_location("gen", DOCS / "gen_mallvariabler.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DOCS / "mallvariabler.md").read_text(encoding="utf-8") == module.build()
