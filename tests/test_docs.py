"""The generated documentation is up to date with the code, and its examples hold."""

from __future__ import annotations

import ast
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
    assert found == [[], [], []]


SRC = Path(__file__).resolve().parents[1] / "src" / "slutrapport"
SEVERITIES = {"error", "warning", "info"}


def _codes_in(node: ast.expr) -> list[str]:
    """The codes a code's expression can be: a text, or either text of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes_in(node.body) + _codes_in(node.orelse)
    return []


def _is_severity(node: ast.expr) -> bool:
    return (isinstance(node, ast.Constant) and node.value in SEVERITIES) or \
        (isinstance(node, ast.Name) and node.id == "severity") or \
        (isinstance(node, ast.IfExp) and _is_severity(node.body) and _is_severity(node.orelse))


def emitted_codes() -> set[str]:
    """Every finding code the source can give, read from the code: a finding's tuple (code,
    severity, place, …), a register's problem (``note(code, severity, …)``, ``code=…`` or a
    ``code`` parameter's default) or figure (``Figure(place, code, …)``, also from a loop over
    rows naming ``code``), and a module's ``…CODE = "…"``."""
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "templatecheck.py":  # template check's own codes, in its own output
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple) and len(node.elts) >= 3 and \
                    _is_severity(node.elts[1]):
                codes.update(c for c in _codes_in(node.elts[0]) if c not in SEVERITIES)
            elif isinstance(node, ast.Call):
                codes.update(c for kw in node.keywords if kw.arg == "code"
                             for c in _codes_in(kw.value))
                if len(node.args) >= 2 and _is_severity(node.args[1]):  # note(code, severity…)
                    codes.update(_codes_in(node.args[0]))
                if isinstance(node.func, ast.Name) and node.func.id == "Figure" and \
                        len(node.args) >= 2:
                    codes.update(_codes_in(node.args[1]))
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id.endswith("CODE") for t in node.targets):
                codes.update(_codes_in(node.value))
            elif isinstance(node, ast.For) and isinstance(node.target, ast.Tuple) and \
                    isinstance(node.iter, ast.Tuple):  # for key, code, … in (("…", "…"), …)
                at = [i for i, t in enumerate(node.target.elts)
                      if isinstance(t, ast.Name) and t.id == "code"]
                codes.update(c for row in node.iter.elts if isinstance(row, ast.Tuple)
                             for i in at if i < len(row.elts) for c in _codes_in(row.elts[i]))
            elif isinstance(node, ast.arguments):  # a default: code: str = "register-varde"
                given = [*node.posonlyargs, *node.args][-len(node.defaults):] \
                    if node.defaults else []
                codes.update(c for a, d in zip(given, node.defaults, strict=True)
                             if a.arg == "code" for c in _codes_in(d))
    return {c for c in codes if re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)*", c)}


def test_every_finding_code_the_code_can_give_stands_in_the_guides_table() -> None:
    """The guide's table of codes ("| `kod` | allvar | …") names every code a check, a register
    or the template check can give, and no code that none gives: it can't drift again."""
    guide = (DOCS / "guide.md").read_text(encoding="utf-8")
    table = guide[guide.index("| kod | allvar | vad den betyder |"):]
    table = table[:table.index("\n\n")]
    listed = re.findall(r"^\| `([a-z0-9-]+)` \| (?:fel|varning|upplysning|[a-z ,]+) \|",
                        table, re.MULTILINE)
    emitted = emitted_codes()
    assert (sorted(emitted - set(listed)), sorted(set(listed) - emitted),
            len(listed) == len(set(listed))) == ([], [], True)
