"""Check a Word template against the data before rendering: ``slutrapport template check``.

The template's parts are read the way docxtpl renders them — the document body, every header and
footer, the footnotes and the core properties — each turned into Jinja source by docxtpl's
``patch_xml`` and parsed by the environment of :func:`slutrapport.rendering.environment`. The
checker walks the syntax tree and resolves every variable, attribute path, filter, test and loop
target against a reference *shape* of the data:

- the template context of the built-in example (:func:`slutrapport.resources.example_path`, built
  with :func:`slutrapport.context.build_context`), which holds the derived names such as
  ``ekonomi.budget_riktning`` or ``steg[].punkt``;
- merged with the model's fields, so an optional field that the example leaves empty
  (``projekt.projektagare``) still counts as provided.

A loop variable (``{%p for f in x.y %}``) resolves against an element of ``x.y``; ``loop.*`` and
``{% set %}`` are understood. Every name that the data does not provide is a finding with the
nearest correct name (:mod:`difflib` over the names at that level); so is a filter or test that
does not exist, and a loop over something that is not a list. Top-level sections that the
template never uses are listed as information.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from slutrapport.errors import TemplateError
from slutrapport.models import MARKDOWN, Slutrapport

if TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "Shape",
    "TemplateFinding",
    "check_template",
    "format_template_findings",
    "has_unknown",
    "reference_shape",
]

Severity = Literal["error", "info"]
_LABEL = {"error": "FEL", "info": "INFO"}
_LOOP_ATTRIBUTES = ("index", "index0", "revindex", "revindex0", "first", "last", "length",
                    "cycle", "depth", "depth0", "previtem", "nextitem", "changed")
_NARRATIVE_ATTRIBUTES = ("stycken", "rader", "ren", "text")


@dataclass(frozen=True)
class TemplateFinding:
    """One thing the template uses that the data does not provide (or a section it never uses)."""

    code: str
    severity: Severity
    part: str
    expression: str
    name: str
    message: str
    suggestion: str | None = None
    context: str | None = None


# --- the shape of the data ---------------------------------------------------------------------


@dataclass
class Shape:
    """What a template may do with a value: its fields, its elements, or anything (``any``)."""

    kind: Literal["map", "mapping", "list", "narrative", "scalar", "any"]
    fields: dict[str, Shape] = field(default_factory=dict)
    element: Shape | None = None
    python: type | None = None
    description: str | None = None


ANY = Shape("any")


def _from_annotation(tp: Any, markdown: bool = False) -> Shape:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        args = typing.get_args(tp)
        return _from_annotation(args[0], markdown or MARKDOWN in args[1:])
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        return _from_annotation(members[0], markdown) if len(members) == 1 else ANY
    if origin is list:
        return Shape("list", element=_from_annotation(typing.get_args(tp)[0], markdown))
    if origin is dict:
        return Shape("mapping", element=_from_annotation(typing.get_args(tp)[1], markdown))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _from_model(tp)
    if markdown:
        return Shape("narrative")
    if isinstance(tp, type):
        return Shape("scalar", python=tp)
    return ANY


def _from_model(model: type[BaseModel]) -> Shape:
    fields = {}
    for name, info in model.model_fields.items():
        shape = _from_annotation(info.annotation, MARKDOWN in info.metadata)
        shape.description = info.description
        fields[name] = shape
    return Shape("map", fields=fields)


def _from_value(value: Any) -> Shape | None:
    """The shape of a context value; None if the value says nothing (None, an empty list)."""
    from slutrapport.context import Narrative

    if value is None:
        return None
    if isinstance(value, Narrative):
        return Shape("narrative")
    if isinstance(value, dict):
        fields = {str(k): s for k, v in value.items() if (s := _from_value(v)) is not None}
        return Shape("map", fields=fields)
    if isinstance(value, list):
        element: Shape | None = None
        for item in value:
            element = _merge(element, _from_value(item))
        return Shape("list", element=element)
    return Shape("scalar", python=type(value))


def _merge(a: Shape | None, b: Shape | None) -> Shape | None:
    if a is None or b is None:
        return a if b is None else b
    if a.kind == "any" or b.kind == "any":
        return ANY
    if {a.kind, b.kind} == {"map", "mapping"}:
        return a if a.kind == "mapping" else b
    if a.kind == b.kind == "map":
        fields = dict(a.fields)
        for name, shape in b.fields.items():
            merged = _merge(fields.get(name), shape)
            if merged is not None:
                fields[name] = merged
        return Shape("map", fields=fields, description=a.description or b.description)
    if a.kind == b.kind and a.kind in ("list", "mapping"):
        return Shape(a.kind, element=_merge(a.element, b.element),
                     description=a.description or b.description)
    if a.kind == "narrative" or b.kind == "narrative":
        return a if a.kind == "narrative" else b
    return a


def reference_shape() -> Shape:
    """The shape of a report's template context: the example's context merged with the model."""
    from slutrapport.context import build_context
    from slutrapport.loader import load
    from slutrapport.resources import example_path

    context = build_context(load(example_path()))
    shape = _merge(_from_model(Slutrapport), _from_value(context))
    assert shape is not None
    shape.fields["diagram"] = _charts_shape()
    return shape


def _charts_shape() -> Shape:
    """``diagram.<namn>.bild``, ``.bildtext`` and ``.alt``: the charts render_bytes adds."""
    from slutrapport.rendering import CHART_KEYS, CHART_NAMES

    text = Shape("scalar", python=str)
    chart = Shape("map", fields=dict(zip(CHART_KEYS, (ANY, text, text), strict=True)))
    return Shape("map", fields=dict.fromkeys(CHART_NAMES, chart),
                 description="Diagrammen (bild, bildtext och alt).")


# --- reading the template ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    name: str
    source: str


def _parts(path: Path) -> list[_Part]:
    """Every part docxtpl renders, as the Jinja source it renders."""
    from docxtpl import DocxTemplate

    if not path.exists():
        raise TemplateError(f"{path}: mallen finns inte")
    if path.is_dir():
        raise TemplateError(f"{path}: är en mapp, inte en Word-mall (.docx)")
    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
        docx = tpl.docx
        parts = [_Part(_name(docx.part), tpl.patch_xml(tpl.get_xml()))]
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                parts.append(_Part(_name(part), tpl.patch_xml(tpl.get_part_xml(part))))
        for part in docx.part.package.parts:
            if part.content_type.endswith(".footnotes+xml"):
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                parts.append(_Part(_name(part), tpl.patch_xml(blob)))
        props = docx.core_properties
        for prop in ("author", "comments", "identifier", "language", "subject", "title"):
            value = getattr(props, prop) or ""
            if "{" in value:
                parts.append(_Part(f"docProps/core.xml ({prop})", value))
    except TemplateError:
        raise
    except Exception as exc:  # zip, XML and docx errors all mean "not a Word file"
        raise TemplateError(
            f"{path}: mallen kan inte läsas som ett Word-dokument (.docx) ({exc})") from exc
    return parts


def _name(part: Any) -> str:
    return str(part.partname).lstrip("/")


def _paragraph_lines(source: str) -> list[str]:
    """The source split as docxtpl splits it before rendering: one paragraph a line, as text."""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", source).split("\n")
    return [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in lines]


# --- walking the syntax tree ---------------------------------------------------------------------


class _Checker:
    def __init__(self, env: SandboxedEnvironment, root: Shape) -> None:
        self.env = env
        self.root = root
        self.findings: list[TemplateFinding] = []
        self.used: set[str] = set()
        self.part = ""
        self.lines: list[str] = []
        self.quiet = 0
        self.chain: str | None = None  # the whole name chain a Name is the root of

    def check(self, part: _Part) -> None:
        from jinja2 import TemplateSyntaxError

        self.part = part.name
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", part.source)
        self.lines = _paragraph_lines(part.source)
        try:
            tree = self.env.parse(source)
        except TemplateSyntaxError as exc:
            raise TemplateError(
                f"{part.name}: felaktig malltagg: {exc.message}{self._where(exc.lineno)}"
            ) from exc
        self.block(tree.body, {})

    def _where(self, lineno: int | None) -> str:
        text = self._context(lineno)
        return f" (i stycket «{text}»)" if text else ""

    def _context(self, lineno: int | None) -> str | None:
        if lineno is None or not 0 < lineno <= len(self.lines):
            return None
        text = self.lines[lineno - 1]
        return (text[:77] + "…" if len(text) > 78 else text) or None

    def report(self, code: str, node: nodes.Node, expression: str, name: str, message: str,
               suggestion: str | None) -> None:
        if self.quiet:
            return
        sentence = message[0].upper() + message[1:]
        sentence += f" — menade du '{suggestion}'?" if suggestion else "."
        self.findings.append(TemplateFinding(
            code, "error", self.part, expression, name, sentence, suggestion,
            self._context(getattr(node, "lineno", None))))

    # statements

    def block(self, body: list[nodes.Node], scope: dict[str, Shape]) -> None:
        for node in body:
            self.stmt(node, scope)

    def stmt(self, node: nodes.Node, scope: dict[str, Shape]) -> None:
        from jinja2 import nodes as n

        if isinstance(node, n.For):
            iterable = self.expr(node.iter, scope)
            element = self._element(iterable, node.iter, node)
            inner = dict(scope)
            self.bind(node.target, element, inner)
            inner["loop"] = _loop_shape(element)
            if node.test is not None:
                self.expr(node.test, inner)
            self.block(node.body, inner)
            self.block(node.else_, scope)
        elif isinstance(node, n.Assign):
            self.bind(node.target, self.expr(node.node, scope), scope)
        elif isinstance(node, n.AssignBlock):
            if node.filter is not None:
                self.expr(node.filter, scope)
            self.block(node.body, dict(scope))
            self.bind(node.target, ANY, scope)
        elif isinstance(node, n.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.bind(target, self.expr(value, scope), inner)
            self.block(node.body, inner)
        elif isinstance(node, n.Macro | n.CallBlock):
            inner = dict(scope)
            for arg in node.args:
                self.bind(arg, ANY, inner)
            inner["caller"] = ANY
            inner["varargs"] = ANY
            inner["kwargs"] = ANY
            if isinstance(node, n.Macro):
                scope[node.name] = ANY
            else:
                self.expr(node.call, scope)
            for default in node.defaults:
                self.expr(default, scope)
            self.block(node.body, inner)
        elif isinstance(node, n.FilterBlock):
            self.expr(node.filter, scope)
            self.block(node.body, scope)
        elif isinstance(node, n.Expr):
            self.expr(node, scope)
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, n.Expr):
                    self.expr(child, scope)
                else:
                    self.stmt(child, scope)

    def bind(self, target: nodes.Node, shape: Shape, scope: dict[str, Shape]) -> None:
        from jinja2 import nodes as n

        if isinstance(target, n.Name):
            scope[target.name] = shape
        elif isinstance(target, n.Tuple):
            for item in target.items:
                self.bind(item, ANY, scope)
        elif isinstance(target, n.NSRef):
            pass

    def _element(self, shape: Shape, expr: nodes.Node, node: nodes.Node) -> Shape:
        if shape.kind == "list":
            return shape.element if shape.element is not None else ANY
        if shape.kind in ("map", "mapping"):
            return Shape("scalar", python=str)  # iterating a mapping gives its keys
        if shape.kind == "any":
            return ANY
        text = _dotted(expr)
        self.report("ej-lista", node, text, text, f"'{text}' är ingen lista att loopa över",
                    None)
        return ANY

    # expressions

    def expr(self, node: nodes.Node, scope: dict[str, Shape]) -> Shape:
        from jinja2 import nodes as n

        if isinstance(node, n.Name):
            return self.name(node, scope)
        if isinstance(node, n.Getattr | n.Getitem):
            outermost = self.chain is None
            if outermost:
                self.chain = _dotted(node)
            try:
                base = self.expr(node.node, scope)
            finally:
                if outermost:
                    self.chain = None
        if isinstance(node, n.Getattr):
            return self.attribute(node, base, node.attr)
        if isinstance(node, n.Getitem):
            if isinstance(node.arg, n.Const) and isinstance(node.arg.value, str):
                return self.attribute(node, base, node.arg.value)
            self.expr(node.arg, scope)
            if isinstance(node.arg, n.Const) and base.kind == "list":
                return base.element or ANY
            return ANY
        if isinstance(node, n.Filter):
            return self.filter(node, scope)
        if isinstance(node, n.Test):
            return self.test(node, scope)
        if isinstance(node, n.Call):
            self.expr(node.node, scope)
            self.arguments(node, scope)
            return ANY
        for child in node.iter_child_nodes():
            self.expr(child, scope)
        return ANY

    def arguments(self, node: nodes.Call | nodes.Filter | nodes.Test,
                  scope: dict[str, Shape]) -> None:
        for arg in node.args:
            self.expr(arg, scope)
        for kwarg in node.kwargs:
            self.expr(kwarg.value, scope)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.expr(extra, scope)

    def name(self, node: nodes.Name, scope: dict[str, Shape]) -> Shape:
        if node.name in scope:
            return scope[node.name]
        if node.name in self.root.fields:
            self.used.add(node.name)
            return self.root.fields[node.name]
        if node.name in self.env.globals:
            return ANY
        known = sorted({*scope, *self.root.fields})
        self.report("okand-variabel", node, self.chain or node.name, node.name,
                    f"variabeln '{node.name}' finns inte i datat", _nearest(node.name, known))
        return ANY

    def attribute(self, node: nodes.Getattr | nodes.Getitem, base: Shape, attr: str) -> Shape:
        found, candidates = _attribute(base, attr)
        if found is not None:
            return found
        text = _dotted(node)
        owner = _dotted(node.node)
        self.report("okant-falt", node, text, attr,
                    f"fältet '{attr}' finns inte i '{owner}'", _nearest(attr, candidates))
        return ANY

    def filter(self, node: nodes.Filter, scope: dict[str, Shape]) -> Shape:
        from slutrapport.rendering import FILTERS

        base = self.expr(node.node, scope) if node.node is not None else ANY
        self.arguments(node, scope)
        if node.name not in self.env.filters:
            suggestion = _nearest(node.name, sorted(FILTERS)) or _nearest(
                node.name, sorted(self.env.filters))
            self.report("okant-filter", node, f"|{node.name}", node.name,
                        f"filtret '{node.name}' finns inte", suggestion)
            return ANY
        if node.name in ("first", "last") and base.kind == "list":
            return base.element or ANY
        return ANY

    def test(self, node: nodes.Test, scope: dict[str, Shape]) -> Shape:
        if node.name in ("defined", "undefined"):
            self.quiet += 1
            self.expr(node.node, scope)
            self.quiet -= 1
        else:
            self.expr(node.node, scope)
        self.arguments(node, scope)
        if node.name not in self.env.tests:
            self.report("okant-test", node, f"is {node.name}", node.name,
                        f"testet '{node.name}' finns inte", _nearest(node.name,
                                                                     sorted(self.env.tests)))
        return Shape("scalar", python=bool)


def _loop_shape(element: Shape) -> Shape:
    fields = {name: Shape("scalar", python=int) for name in _LOOP_ATTRIBUTES}
    for name in ("first", "last"):
        fields[name] = Shape("scalar", python=bool)
    fields["cycle"] = fields["changed"] = ANY
    fields["previtem"] = fields["nextitem"] = element
    return Shape("map", fields=fields)


def _attribute(base: Shape, attr: str) -> tuple[Shape | None, list[str]]:
    """The shape of base.attr, or None and the names that base does have."""
    if attr.startswith("_"):  # the sandbox refuses these, so they are never provided
        return None, []
    if base.kind == "any":
        return ANY, []
    if base.kind == "map":
        if attr in base.fields:
            return base.fields[attr], []
        if hasattr(dict, attr):
            return ANY, []
        return None, sorted(base.fields)
    if base.kind == "mapping":
        return (base.element or ANY), []
    if base.kind == "narrative":
        return (ANY, []) if attr in _NARRATIVE_ATTRIBUTES else (None, list(_NARRATIVE_ATTRIBUTES))
    if base.kind == "list":
        return (ANY, []) if hasattr(list, attr) else (None, [])
    python = base.python or object
    if hasattr(python, attr):
        return ANY, []
    return None, []


def _nearest(name: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _dotted(node: nodes.Node) -> str:
    """The expression as the template writes it, for a chain of names (``x.y[0].z``)."""
    from jinja2 import nodes as n

    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, n.Getitem):
        if isinstance(node.arg, n.Const) and isinstance(node.arg.value, str):
            return f"{_dotted(node.node)}.{node.arg.value}"
        if isinstance(node.arg, n.Const):
            return f"{_dotted(node.node)}[{node.arg.value!r}]"
        return f"{_dotted(node.node)}[…]"
    if isinstance(node, n.Call):
        return f"{_dotted(node.node)}()"
    if isinstance(node, n.Filter) and node.node is not None:
        return f"{_dotted(node.node)}|{node.name}"
    return "…"


# --- the check ---------------------------------------------------------------------------------


def check_template(template: str | Path | None = None) -> list[TemplateFinding]:
    """Check a Word template (the default one if None) against the data; return the findings.

    Raises :class:`~slutrapport.errors.TemplateError` if the file is not a readable .docx or a
    tag is malformed.
    """
    from slutrapport.rendering import environment
    from slutrapport.resources import default_template

    path = Path(template) if template is not None else default_template()
    parts = _parts(path)
    root = reference_shape()
    checker = _Checker(environment(), root)
    for part in parts:
        checker.check(part)
    findings = _unique(checker.findings)
    for name, shape in root.fields.items():
        if name not in checker.used and name in Slutrapport.model_fields:
            about = f" ({shape.description})" if shape.description else ""
            findings.append(TemplateFinding(
                "oanvant-avsnitt", "info", "", name, name,
                f"Mallen använder aldrig '{name}'{about}."))
    return findings


def _unique(findings: list[TemplateFinding]) -> list[TemplateFinding]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        key = (f.part, f.code, f.expression)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def has_unknown(findings: list[TemplateFinding]) -> bool:
    """Whether the template uses anything the data does not provide."""
    return any(f.severity == "error" for f in findings)


def format_template_findings(findings: list[TemplateFinding], source: str) -> str:
    """The findings as Swedish text, one block per finding, after a summary line."""
    errors = sum(1 for f in findings if f.severity == "error")
    unused = len(findings) - errors
    summary = (f"{source}: {errors} {'okänt namn' if errors == 1 else 'okända namn'}, "
               f"{unused} avsnitt som mallen inte använder")
    lines = [summary]
    width = max((len(f.part or "—") for f in findings), default=0)
    for f in findings:
        lines.append(f"  {_LABEL[f.severity]:<6}{f.part or '—':<{width}}  {f.expression}")
        where = f" (i stycket «{f.context}»)" if f.context else ""
        lines.append(f"        {f.message}{where}")
    return "\n".join(lines) + "\n"

