"""Dependencies as used: every library the code imports is declared, and the constraints CI
tests the lowest versions with pin exactly the lower bounds pyproject.toml allows (issue 18.6)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

IMPORTED_AS = {
    "babel": "babel", "click": "click", "docx": "python-docx", "docxtpl": "docxtpl",
    "jinja2": "jinja2", "lxml": "lxml", "markdown_it": "markdown-it-py",
    "markupsafe": "markupsafe", "matplotlib": "matplotlib",
    "pptx": "python-pptx", "pydantic": "pydantic", "python_calamine": "python-calamine",
    "rich": "rich", "ruamel": "ruamel.yaml", "xlsxwriter": "XlsxWriter", "yaml": "PyYAML",
}
"""The distribution each imported top-level package comes from."""
NOT_DECLARED = {
    "pydantic_core": "pydantic's own core, installed with it at the version it needs",
    "PIL": "Pillow, which matplotlib (the 'bilder' extra) and python-pptx require",
    "uno": "LibreOffice's Python bridge, a system package (python3-uno), used by its worker",
    "com": "LibreOffice's UNO types, with uno",
}
"""Imported packages no requirement of slutrapport names, and why that is right."""


def _requirements() -> dict[str, tuple[str, str]]:
    """Each requirement of the package and its extras: name → (extra or '', lower bound)."""
    out = {}
    groups = {"": PYPROJECT["project"]["dependencies"],
              **PYPROJECT["project"]["optional-dependencies"]}
    for extra, lines in groups.items():
        for line in lines:
            name = re.split(r"[<>=\[ ]", line, maxsplit=1)[0]
            bound = re.search(r">=([0-9][^,]*)", line)
            if name != "slutrapport":
                out[name.lower()] = (extra, bound.group(1) if bound else "")
    return out


def _imported() -> set[str]:
    found = set()
    for path in (ROOT / "src" / "slutrapport").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"slutrapport"}


def test_every_library_the_code_imports_is_declared() -> None:
    """Each imported library is a requirement (matplotlib only of the 'bilder' extra), or one
    of the few that come another way, each with its reason."""
    requirements = _requirements()
    declared = {module: requirements[dist.lower()][0]
                for module, dist in IMPORTED_AS.items() if dist.lower() in requirements
                and requirements[dist.lower()][0] not in {"test", "dev"}}
    imported = _imported()
    assert sorted(imported - set(NOT_DECLARED)) == sorted(declared)
    assert {module: extra for module, extra in declared.items() if extra} == {
        "matplotlib": "bilder"}


def test_the_lowest_constraints_pin_each_lower_bound() -> None:
    """constraints/lowest.txt holds exactly the lower bound of each requirement (tools too),
    and after them only pins of what those versions need of their own dependencies."""
    pinned = {}
    text = (ROOT / "constraints" / "lowest.txt").read_text(encoding="utf-8")
    for line in text.split("# --- not slutrapport's own")[0].splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.lower()] = version
    wanted = {name: bound for name, (_, bound) in _requirements().items()
              if name not in {"ruff", "mypy", "types-lxml", "types-pyyaml", "types-openpyxl"}}
    assert {name: Version(v) for name, v in pinned.items()} == {
        name: Version(bound) for name, bound in wanted.items()}
