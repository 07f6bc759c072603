"""Reading the source for its imports: the floors of ARCHITECTURE.md, checked (ast only).

:func:`problems` reads every module under a source tree and lists, in Swedish-free plain words
for developers, every import that breaks the layout: one that climbs to a higher floor, a circle
of modules, a private name (``_x``) taken from another module, a module on no floor, and an
import inside a function without its reason. Imports inside ``if TYPE_CHECKING:`` are for the
type checker only and do not count; imports inside functions count like any other.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "slutrapport"
ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src"
ARCHITECTURE = ROOT / "ARCHITECTURE.md"

_FLOOR_LINE = re.compile(r"^(\d+)\s+([a-z]+):\s+(.*)$")


@dataclass(frozen=True)
class Floor:
    number: int
    name: str


def floors(text: str) -> dict[str, Floor]:
    """The floor of each module, from the ``floors`` code block of ARCHITECTURE.md: a line per
    floor, ``3 report: context models registers``; ``kinds.*`` stands for the modules of the
    package ``kinds``, and the package itself is ``slutrapport``."""
    block = text.split("```floors\n", 1)[1].split("```", 1)[0]
    out: dict[str, Floor] = {}
    for line in block.splitlines():
        found = _FLOOR_LINE.match(line.strip())
        if found is None:
            continue
        floor = Floor(int(found.group(1)), found.group(2))
        for name in found.group(3).split():
            out[name] = floor
    return out


def floor_of(module: str, table: dict[str, Floor]) -> Floor | None:
    """The floor of a module (``slutrapport.kinds.ekonomi``) by the table's names."""
    if module == PACKAGE:
        return table.get(PACKAGE)
    name = module.removeprefix(PACKAGE + ".")
    if name in table:
        return table[name]
    parts = name.split(".")
    for n in range(len(parts) - 1, 0, -1):
        wildcard = ".".join(parts[:n]) + ".*"
        if wildcard in table:
            return table[wildcard]
    return None


def modules(source: Path) -> dict[str, Path]:
    """Every module of the package under ``source`` by its dotted name."""
    out = {}
    for path in sorted((source / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(source).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


@dataclass(frozen=True)
class Import:
    """One name an import statement brings in: from where, what, and where it stands."""

    module: str
    """The slutrapport module imported (or whose name is imported)."""
    name: str | None
    """The name taken from it (``from m import name``), or None (``import m``)."""
    line: int
    in_function: bool
    reason: str | None
    """The comment on the import's line or the line above it."""


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


_TOOL_COMMENT = re.compile(r"^(noqa(: [A-Z0-9, ]+)?|type: ignore(\[[^\]]*\])?)\s*")


def _comment(lines: list[str], number: int) -> str | None:
    """The reason of an import: a comment on its line (after a ``noqa`` or ``type: ignore``),
    or on a comment line just above its group of imports (consecutive imports share one)."""
    at = number - 1
    while at >= 0:
        text = lines[at].strip()
        above = at < number - 1
        if above and not text.startswith(("from ", "import ", "#")):
            return None
        if "#" in text:
            comment = _TOOL_COMMENT.sub("", text.split("#", 1)[1].strip())
            if comment:
                return comment
            if text.startswith("#"):
                return None
        at -= 1
    return None


def imports(path: Path, module: str, known: set[str]) -> Iterator[Import]:
    """The slutrapport imports of a module, outside ``if TYPE_CHECKING:`` blocks."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    yield from visit(other, in_function)
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                        yield Import(alias.name, None, child.lineno, in_function,
                                     _comment(lines, child.lineno))
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(child, module, is_package)
                if target == PACKAGE or target.startswith(PACKAGE + "."):
                    for alias in child.names:
                        sub = f"{target}.{alias.name}"
                        if sub in known:  # 'from slutrapport import narrative': the module
                            yield Import(sub, None, child.lineno, in_function,
                                         _comment(lines, child.lineno))
                        else:
                            yield Import(target, alias.name, child.lineno, in_function,
                                         _comment(lines, child.lineno))
            yield from visit(child, inner)

    yield from visit(tree, False)


def _private_attributes(path: Path, aliases: dict[str, str]) -> Iterator[tuple[int, str, str]]:
    """``module._name`` used through a name bound to another slutrapport module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id in aliases and node.attr.startswith("_") and \
                not node.attr.startswith("__"):
            yield node.lineno, aliases[node.value.id], node.attr


def _aliases(path: Path, module: str, known: set[str]) -> dict[str, str]:
    """Names bound to slutrapport modules in a module (``from slutrapport import charts as p``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(node, module, path.name == "__init__.py")
            for alias in node.names:
                if f"{target}.{alias.name}" in known:
                    out[alias.asname or alias.name] = f"{target}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known and alias.asname:
                    out[alias.asname] = alias.name
    return out


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def connect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return sorted(groups)


def _packages_run(target: str, module: str, known: set[str]) -> list[str]:
    """The packages an import of ``target`` runs first (``slutrapport.registers`` for
    ``slutrapport.registers.block``: its ``__init__``), but not the package ``slutrapport``
    itself (the front door, which every import runs) nor one ``module`` stands in."""
    parts = target.split(".")
    return [name for name in (".".join(parts[:n]) for n in range(2, len(parts)))
            if name in known and not module.startswith(name + ".") and name != module]


def problems(source: Path = SOURCE, architecture: Path = ARCHITECTURE,
             allowed_in_functions: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """Every breach of the layout in the tree under ``source``, one line each, in file order.

    ``allowed_in_functions`` pairs a module with a slutrapport module it may import inside a
    function (each with its reason in a comment there); any other import of a slutrapport
    module inside a function is a breach, and so is any import inside a function without a
    comment saying why.
    """
    table = floors(architecture.read_text(encoding="utf-8"))
    found = modules(source)
    known = set(found)
    out: list[str] = []
    edges: dict[str, set[str]] = {name: set() for name in found}
    for module, path in found.items():
        here = floor_of(module, table)
        if here is None:
            out.append(f"{module}: is on no floor; name it in ARCHITECTURE.md's floors")
            continue
        for imp in imports(path, module, known):
            target = imp.module
            where = f"{module}:{imp.line}"
            for reached in [*_packages_run(target, module, known), target]:
                edges[module].add(reached)
                there = floor_of(reached, table)
                if there is not None and there.number > here.number:
                    out.append(f"{where} imports {reached} (floor {there.number}, {there.name})"
                               f" from floor {here.number} ({here.name}): imports go down, "
                               "never up")
            if imp.name is not None and imp.name.startswith("_") and target != module:
                out.append(f"{where} imports the private name {imp.name} of {target}")
            if imp.in_function and (module, target) not in allowed_in_functions:
                out.append(f"{where} imports {target} inside a function; import it at the top")
            elif imp.in_function and imp.reason is None:
                out.append(f"{where} imports {target} inside a function without a comment "
                           "saying why")
        for line, target, name in _private_attributes(path, _aliases(path, module, known)):
            if target != module:
                out.append(f"{module}:{line} uses the private name {name} of {target}")
    for group in _cycles(edges):
        out.append("a circle of imports among " + ", ".join(group))
    return list(dict.fromkeys(out))  # a statement importing several names: said once


def function_imports(source: Path = SOURCE) -> Iterator[tuple[str, int, str, str | None]]:
    """Every import inside a function (of any module): where, what, and its reason comment."""
    for module, path in modules(source).items():
        text = path.read_text(encoding="utf-8")
        yield from _in_functions(ast.parse(text), module, text.splitlines(), False)


def _in_functions(node: ast.AST, module: str, lines: list[str],
                  in_function: bool) -> Iterator[tuple[str, int, str, str | None]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue
        if in_function and isinstance(child, ast.Import | ast.ImportFrom):
            what = (child.module or "." * child.level) if isinstance(
                child, ast.ImportFrom) else child.names[0].name
            yield module, child.lineno, what, _comment(lines, child.lineno)
        yield from _in_functions(child, module, lines, in_function or isinstance(
            child, ast.FunctionDef | ast.AsyncFunctionDef))
