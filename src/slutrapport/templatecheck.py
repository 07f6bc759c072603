"""Check a Word template against the data before rendering: ``slutrapport template check``.

The template's parts are read the way docxtpl renders them — the document body, every header and
footer, the footnotes and the core properties — each turned into Jinja source by docxtpl's
``patch_xml`` and parsed by the environment of :func:`slutrapport.environment.environment`. The
checker walks the syntax tree and resolves every variable, attribute path, filter, test and loop
target against a reference *shape* of the data (:func:`reference`):

- the report's top level: ``projekt``, ``rubriker``, ``sammanfattning`` and ``avsnitt``;
- each section kind's shape (:func:`slutrapport.kinds.kinds`): its model's fields, merged with the
  context of sample sections of the kind (:meth:`~slutrapport.kinds.Section.context` adds computed
  names such as ``budget_riktning`` or ``steg[].punkt``), plus ``diagram.<namn>`` for the charts
  the kind names in ``DIAGRAM``. A kind added as a new module is understood with no change here.

A template places sections in two ways, and the checker follows both:

- looping over the outline, ``{%p for a in avsnitt %}``: outside any test of ``a.typ``, ``a`` has
  only what every kind has (``typ``, ``id``, ``rubrik`` …), and a field of some kinds only is a
  finding that says to test the kind first; inside ``{%p if a.typ == 'ekonomi' %}`` (also
  ``elif``, ``else``, ``!=``, ``in (…)``, ``and``/``or``/``not``, a loop's ``if`` and
  ``selectattr('typ', 'equalto', …)``) ``a`` has that kind's shape. A kind name that doesn't exist
  is a finding with the nearest kind;
- a section by id, ``{{ ekonomi.budget|kr }}``: any other top-level name is a section id. An id
  that is a kind's default id (its ``typ``, or ``typ_2`` when the kind recurs) has that kind's
  shape; any other id may be any kind (every kind's fields are accepted) and is listed as
  information, since the report must have a section with that id.

A loop variable (``{%p for f in x.y %}``) resolves against an element of ``x.y``; ``loop.*`` and
``{% set %}`` are understood. Every name that the data does not provide is a finding with the
nearest correct name (:func:`slutrapport.names.nearest` over the names at that level); so is a
filter or test that does not exist, and a loop over something that is not a list. Top-level
parts that the template never uses, and section kinds it has no part for, are listed as
information.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from jinja2 import TemplateSyntaxError
from jinja2 import nodes as n
from pydantic import BaseModel, TypeAdapter

from slutrapport._templateerrors import syntax_error
from slutrapport.context import Narrative, build_context
from slutrapport.document import Part, template_parts
from slutrapport.environment import CHART_KEYS, FILTERS, environment
from slutrapport.errors import TemplateError
from slutrapport.kinds import ID_PATTERN, Section, generation, kinds
from slutrapport.models import MARKDOWN, RESERVED_IDS, Projekt, Slutrapport
from slutrapport.names import nearest
from slutrapport.standard import default_template

if TYPE_CHECKING:
    from jinja2 import nodes
    from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "Reference",
    "Shape",
    "TemplateFinding",
    "check_template",
    "format_template_findings",
    "has_unknown",
    "reference",
]

Severity = Literal["error", "info"]
_LABEL = {"error": "FEL", "info": "INFO"}
_LOOP_ATTRIBUTES = ("index", "index0", "revindex", "revindex0", "first", "last", "length",
                    "cycle", "depth", "depth0", "previtem", "nextitem", "changed")
_NARRATIVE_ATTRIBUTES = ("stycken", "rader", "ren", "text")
_CAPTION_KEYS = ("bildtext_falt", "nummer_falt", "namn")  # context.caption's, beside bildtext
_NOT_PRINTED = ("avsnitt", "granska", "register", "sida", "titelsida")
"""Top-level names not listed when unused: the sections are listed by kind instead, the
review marks are for the checks, not the reader, ``sida`` (landscape pages) is a tool, and
``titelsida`` (the EU mark and the logos) is the default template's placing of facts that
``projekt`` holds."""
_UNUSED = ("oanvant-avsnitt", "oanvand-typ")


@dataclass(frozen=True)
class TemplateFinding:
    """One thing the template uses that the data does not provide (or a part it never uses)."""

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
    """What a template may do with a value: its fields, its elements, or anything (``any``).

    A section's shape also names the kinds it may be (``kinds``); the part that several kinds
    share keeps each kind's own shape in ``variants``, so a field of some kinds only is named as
    such.
    """

    kind: Literal["map", "mapping", "list", "narrative", "scalar", "any"]
    fields: dict[str, Shape] = field(default_factory=dict)
    element: Shape | None = None
    python: type | None = None
    description: str | None = None
    kinds: tuple[str, ...] = ()
    variants: dict[str, Shape] = field(default_factory=dict, repr=False)


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
    if origin is Literal:
        return Shape("scalar", python=type(typing.get_args(tp)[0]))
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


_NONE = type(None)


def _from_value(value: Any) -> Shape:
    """The shape of a context value (None: a key that is there, but says nothing of its value)."""

    if value is None:
        return Shape("scalar", python=_NONE)
    if isinstance(value, Narrative):
        return Shape("narrative")
    if isinstance(value, dict):
        return Shape("map", fields={str(k): _from_value(v) for k, v in value.items()})
    if isinstance(value, list):
        element: Shape | None = None
        for item in value:
            element = _merge(element, _from_value(item))
        return Shape("list", element=element)
    return Shape("scalar", python=type(value))


def _merge(a: Shape | None, b: Shape | None) -> Shape | None:
    """Everything either shape provides (a value that may be either)."""
    if a is None or b is None or b.python is _NONE:
        return a if b is None or b.python is _NONE else b
    if a.python is _NONE:
        return b
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
    if a.kind != b.kind:
        return ANY  # a list in one kind and a text in another: anything goes
    return a


def _common(shapes: dict[str, Shape]) -> Shape:
    """What every one of the shapes provides (by kind); each kind's own shape stays a variant."""
    first, *rest = shapes.values()
    if any(s.kind != first.kind for s in rest):
        return ANY
    if first.kind == "map":
        fields = {name: _common({k: s.fields[name] for k, s in shapes.items()})
                  for name in first.fields if all(name in s.fields for s in rest)}
        return Shape("map", fields=fields, description=first.description,
                     variants=dict(shapes))
    if first.kind in ("list", "mapping"):
        elements = {k: s.element for k, s in shapes.items() if s.element is not None}
        element = _common(elements) if len(elements) == len(shapes) else None
        return Shape(first.kind, element=element, description=first.description)
    return first


def _charts_shape(names: Iterable[str]) -> Shape:
    """``diagram.<namn>.bild``, ``.bildtext``, ``.alt`` and the caption's fields: the charts a
    kind draws."""
    text = Shape("scalar", python=str)
    chart = Shape("map", fields={**dict(zip(CHART_KEYS, (ANY, text, text), strict=True)),
                                 **dict.fromkeys(_CAPTION_KEYS, text)})
    return Shape("map", fields=dict.fromkeys(names, chart),
                 description="Avsnittets diagram (bild, bildtext, alt och bildtextens fält).")


# --- sample sections: what a kind's context adds to its fields -----------------------------------

_LEAVES: tuple[Any, ...] = ("2020", 1, "x")
"""Values tried for a plain field, in order: a text that is also a year, a date and a number."""


@functools.cache
def _adapter(tp: Any) -> TypeAdapter[Any]:
    return TypeAdapter(tp)


def _leaf(tp: Any) -> tuple[bool, Any]:
    for value in _LEAVES:
        try:
            adapter = _adapter(tp)
        except TypeError:  # unhashable metadata: build it each time
            adapter = TypeAdapter(tp)
        try:
            adapter.validate_python(value)
        except Exception:
            continue
        return True, value
    return False, None


def _sample(tp: Any, meta: tuple[Any, ...], full: bool) -> tuple[bool, Any]:
    """A value for a field of type ``tp`` (whether one was found, and the value).

    ``full``: every optional field filled in and every list given one element, so that the
    section's context holds every name it can; otherwise only what is required.
    """
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        args = typing.get_args(tp)
        inner = args[0]
        inner_origin = typing.get_origin(inner)
        if inner_origin in (typing.Union, types.UnionType, list, dict, Literal) or (
                isinstance(inner, type) and issubclass(inner, BaseModel)):
            return _sample(inner, (*meta, *args[1:]), full)
        return _leaf(typing.Annotated[(inner, *meta, *args[1:])])
    if origin is Literal:
        return True, typing.get_args(tp)[0]
    if origin in (typing.Union, types.UnionType):
        for member in typing.get_args(tp):
            if member is not type(None):
                found, value = _sample(member, meta, full)
                if found:
                    return True, value
        return True, None
    if origin is list:
        found, value = _sample(typing.get_args(tp)[0], (), full)
        return True, [value] if found else []
    if origin is dict:
        found, value = _sample(typing.get_args(tp)[1], (), full)
        return True, {"x": value} if found else {}
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _sample_model(tp, full)
    if tp is type(None):
        return True, None
    return _leaf(typing.Annotated[(tp, *meta)] if meta else tp)


def _sample_model(model: type[BaseModel], full: bool) -> tuple[bool, Any]:
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if (name == "id" and issubclass(model, Section)) or not (full or info.is_required()):
            continue
        found, value = _sample(info.annotation, tuple(info.metadata), full)
        if found:
            data[name] = value
        elif info.is_required():
            return False, None
    try:
        model.model_validate(data)
    except Exception:
        return _sample_model(model, False) if full else (False, None)
    return True, data


def _sample_contexts(kind: type[Section]) -> list[dict[str, Any]]:
    """The template context of a full and of a minimal sample section of the kind."""

    found, projekt = _sample_model(Projekt, False)
    out = []
    for full in (True, False):
        ok, section = _sample_model(kind, full)
        if not (ok and found):
            continue
        try:
            report = Slutrapport.model_validate({"projekt": projekt, "avsnitt": [section]})
            out.append(build_context(report)["avsnitt"][0])
        except Exception:  # a sample the kind refuses says nothing; its fields still count
            continue
    return out


def _kind_shape(kind: type[Section]) -> Shape:
    shape: Shape | None = _from_model(kind)
    for context in _sample_contexts(kind):
        shape = _merge(shape, _from_value(context))
    assert shape is not None
    shape.fields["diagram"] = _charts_shape(kind.DIAGRAM)
    shape.kinds = (kind.TYP,)
    shape.description = kind.BESKRIVNING
    return shape


@dataclass
class Reference:
    """The shape of a report's template context: its top level and each section kind."""

    root: Shape
    kinds: dict[str, Shape]
    descriptions: dict[str, str]
    _sections: dict[frozenset[str], Shape] = field(default_factory=dict, repr=False)

    def section(self, names: Iterable[str]) -> Shape:
        """A section of one of these kinds: what they all have (one kind: its whole shape)."""
        key = frozenset(names)
        if key not in self._sections:
            chosen = {k: s for k, s in self.kinds.items() if k in key}
            if len(chosen) == 1:
                shape = next(iter(chosen.values()))
            elif not chosen:
                shape = ANY
            else:
                shape = _common(chosen)
                shape.kinds = tuple(chosen)
            self._sections[key] = shape
        return self._sections[key]

    @functools.cached_property
    def anything(self) -> Shape:
        """A section by an id the template can't know: any kind's fields are accepted."""
        merged: Shape | None = None
        for shape in self.kinds.values():
            merged = _merge(merged, shape)
        assert merged is not None
        merged.kinds = tuple(self.kinds)
        merged.variants = dict(self.kinds)
        return merged

    def default_kind(self, name: str) -> str | None:
        """The kind whose default id this is: ``ekonomi``, or ``text_2`` for the second text."""
        if name in self.kinds:
            return name
        match = re.fullmatch(r"(.+)_[1-9][0-9]*", name)
        return match.group(1) if match and match.group(1) in self.kinds else None


def reference() -> Reference:
    """The shape of a report's template context (see the module docstring); built once for
    each set of kinds."""
    return _reference(generation())


@functools.cache
def _reference(kinds_generation: int) -> Reference:
    registry = kinds()
    shapes = {typ: _kind_shape(kind) for typ, kind in registry.items()}
    root = _from_model(Slutrapport)
    found, data = _sample_model(Slutrapport, True)
    try:
        context = build_context(Slutrapport.model_validate({**data, "avsnitt": []}))
    except Exception:  # no sample report: the model's fields still count
        context = None
    merged = _merge(root, _from_value(context) if found and context is not None else None)
    assert merged is not None
    root = merged
    ref = Reference(root, shapes, {typ: kind.BESKRIVNING for typ, kind in registry.items()})
    root.fields["avsnitt"] = Shape("list", element=ref.section(shapes),
                                   description=root.fields["avsnitt"].description)
    return ref


# --- reading the template ----------------------------------------------------------------------


def _one_paragraph_a_line(source: str) -> str:
    """The source with each paragraph on a line of its own, and what stands between paragraphs
    (a ``{%p … %}`` tag, once docxtpl has taken its paragraph away) on its own line too."""
    return re.sub(r"</w:p>", "</w:p>\n", re.sub(r"<w:p([ >])", r"\n<w:p\1", source))


def _paragraph_lines(source: str) -> list[str]:
    """The source's lines (:func:`_one_paragraph_a_line`) as the text they show."""
    lines = _one_paragraph_a_line(source).split("\n")
    return [" ".join(re.sub(r"<[^>]+>", "", line).split()) for line in lines]


# --- walking the syntax tree ---------------------------------------------------------------------

Narrowing = dict[str, frozenset[str]]
"""Variables that a test shows to be sections of some kinds only: name → those kinds."""


class _Checker:
    def __init__(self, env: SandboxedEnvironment, ref: Reference) -> None:
        self.env = env
        self.ref = ref
        self.root = ref.root
        self.findings: list[TemplateFinding] = []
        self.used: set[str] = set()
        self.placed: set[str] = set()  # the kinds the template has a part for
        self.ids: dict[str, set[str]] = {}  # ids it can't know → the fields it uses of them
        self.part = ""
        self.lines: list[str] = []
        self.quiet = 0
        self.chain: str | None = None  # the whole name chain a Name is the root of

    def check(self, part: Part) -> None:

        self.part = part.name
        source = _one_paragraph_a_line(part.source)
        self.lines = _paragraph_lines(part.source)
        try:
            tree = self.env.parse(source)
        except TemplateSyntaxError as exc:  # the same words as rendering gives
            raise TemplateError(f"{part.name}: {syntax_error(exc, source, self.env)}") from exc
        self.block(tree.body, {})

    def _context(self, lineno: int | None) -> str | None:
        if lineno is None or not 0 < lineno <= len(self.lines):
            return None
        text = self.lines[lineno - 1]
        return (text[:77] + "…" if len(text) > 78 else text) or None

    def report(self, code: str, node: nodes.Node, expression: str, name: str, message: str,
               suggestion: str | None, severity: Severity = "error") -> None:
        if self.quiet:
            return
        sentence = message[0].upper() + message[1:]
        sentence += f" — menade du '{suggestion}'?" if suggestion else "."
        self.findings.append(TemplateFinding(
            code, severity, self.part, expression, name, sentence, suggestion,
            self._context(getattr(node, "lineno", None))))

    # statements

    def block(self, body: list[nodes.Node], scope: dict[str, Shape]) -> None:
        for node in body:
            self.stmt(node, scope)

    def stmt(self, node: nodes.Node, scope: dict[str, Shape]) -> None:
        if isinstance(node, n.If):
            self.branches(node, scope)
        elif isinstance(node, n.For):
            iterable = self.expr(node.iter, scope)
            element = self._element(iterable, node.iter, node)
            inner = dict(scope)
            self.bind(node.target, element, inner)
            if node.test is not None:
                self.expr(node.test, inner)
                chosen, _ = self.narrow(node.test, inner)
                inner = self.view(inner, chosen, mark=chosen if node.body else {})
            inner["loop"] = _loop_shape(element)
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

    def branches(self, node: nodes.If, scope: dict[str, Shape]) -> None:
        """``if``/``elif``/``else``: in each branch a tested section has the kinds it can have.

        Under ``{%p if x is defined %}`` a section id ``x`` needn't be in the report.
        """
        ruled_out: Narrowing = {}  # what the earlier tests, being false, leave
        for branch in (node, *node.elif_):
            view = self.view(scope, ruled_out)
            self.expr(branch.test, view)
            true, false = self.narrow(branch.test, view)
            guarded = {name: self.ref.anything for name in _defined(branch.test)
                       if name not in view and self.ref.default_kind(name) is None
                       and name not in self.root.fields and re.fullmatch(ID_PATTERN, name)}
            self.run(branch.body, {**scope, **guarded} if guarded else scope,
                     {**ruled_out, **true}, true)
            ruled_out = {**ruled_out, **false}
        self.run(node.else_, scope, ruled_out, ruled_out)

    def view(self, scope: dict[str, Shape], narrowing: Narrowing,
             mark: Narrowing | None = None) -> dict[str, Shape]:
        """The scope with each narrowed variable a section of its remaining kinds."""
        for names in (mark or {}).values():
            self.placed |= names
        if not narrowing:
            return scope
        inner = dict(scope)
        for var, names in narrowing.items():
            inner[var] = self.ref.section(names)
        return inner

    def run(self, body: list[nodes.Node], scope: dict[str, Shape], narrowing: Narrowing,
            mark: Narrowing) -> None:
        """A branch's body; what it sets is seen after it, as Jinja's ``if`` has no scope."""
        if not body:
            return
        inner = self.view(scope, narrowing, mark)
        self.block(body, inner)
        if inner is not scope:
            for name, shape in inner.items():
                if name not in narrowing and scope.get(name) is not shape:
                    scope[name] = shape

    def narrow(self, test: nodes.Node, scope: dict[str, Shape]) -> tuple[Narrowing, Narrowing]:
        """What the test shows when it is true, and when false, of sections' kinds."""

        if isinstance(test, n.Not):
            true, false = self.narrow(test.node, scope)
            return false, true
        if isinstance(test, n.And | n.Or):
            left_true, left_false = self.narrow(test.left, scope)
            right_true, right_false = self.narrow(test.right, scope)
            if isinstance(test, n.And):
                return _both(left_true, right_true), _either(left_false, right_false)
            return _either(left_true, right_true), _both(left_false, right_false)
        compared = self.kind_test(test, scope)
        if compared is None:
            return {}, {}
        var, shape, names, negated = compared
        have = frozenset(shape.kinds)
        yes, no = {var: have & names}, {var: have - names}
        return (no, yes) if negated else (yes, no)

    def kind_test(self, test: nodes.Node, scope: dict[str, Shape],
                  ) -> tuple[str, Shape, frozenset[str], bool] | None:
        """``x.typ == 'k'`` (``!=``, ``in``, ``not in``) on a section ``x``: its parts."""

        if not (isinstance(test, n.Compare) and len(test.ops) == 1):
            return None
        left, op, right = test.expr, test.ops[0].op, test.ops[0].expr
        if op in ("eq", "ne") and isinstance(left, n.Const) and _typ_of(right) is not None:
            left, right = right, left
        var = _typ_of(left)
        values = _strings(right, op)
        if var is None or values is None:
            return None
        self.quiet += 1
        try:
            shape = self.expr(var, scope)
        finally:
            self.quiet -= 1
        if not shape.kinds:
            return None
        return var.name, shape, values, op in ("ne", "notin")

    def unknown_kinds(self, node: nodes.Node, expression: str, values: Iterable[str]) -> None:
        for value in sorted(values):
            if value not in self.ref.kinds:
                self.report("okand-typ", node, expression, value,
                            f"avsnittstypen '{value}' finns inte",
                            _nearest(value, sorted(self.ref.kinds)))

    def bind(self, target: nodes.Node, shape: Shape, scope: dict[str, Shape]) -> None:
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
        if shape.kind == "mapping":
            return Shape("scalar", python=str)  # iterating a mapping gives its keys
        if shape.kind == "any":
            return ANY
        text = _dotted(expr)
        lists = [name for name, field in shape.fields.items() if field.kind == "list"]
        self.report("ej-lista", node, text, text, f"'{text}' är ingen lista att loopa över",
                    f"{text}.{lists[0]}" if shape.kind == "map" and len(lists) == 1 else None)
        return ANY

    # expressions

    def expr(self, node: nodes.Node, scope: dict[str, Shape]) -> Shape:
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
        if isinstance(node, n.Compare):
            compared = self.kind_test(node, scope)
            if compared is not None:
                self.unknown_kinds(node, _compare_text(node), compared[2])
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
        name = node.name
        if name in scope:
            return scope[name]
        if name in self.root.fields:
            self.used.add(name)
            return self.root.fields[name]
        if name in self.env.globals:
            return ANY
        kind = self.ref.default_kind(name)
        if kind is not None:
            self.placed.add(kind)
            return self.ref.kinds[kind]
        if name in RESERVED_IDS or not re.fullmatch(ID_PATTERN, name) or self._misspelt(name):
            message = f"variabeln '{name}' finns inte i datat"
            if name == "diagram":
                message += ("; diagrammen hör till sina avsnitt: a.diagram.<namn> i loopen "
                            "över avsnitt, eller <id>.diagram.<namn>")
            known = sorted({*scope, *self.root.fields, *self.ref.kinds})
            self.report("okand-variabel", node, self.chain or name, name, message,
                        _nearest(name, known))
            return ANY
        if not self.quiet:
            self.ids.setdefault(name, set())
        self.report("avsnitt-id", node, name, name,
                    f"'{name}' läses som id för ett avsnitt: rapporten måste ha ett avsnitt "
                    f"med 'id: {name}', annars kan rapporten inte skrivas med mallen",
                    _nearest(name, sorted(self.ref.kinds)), severity="info")
        return self.ref.anything

    def _misspelt(self, name: str) -> bool:
        """Whether ``name.x`` is a top-level name misspelt: x is its field, and no section's."""
        match = re.match(r"[^.\[]+\.(\w+)", self.chain or "")
        near = _nearest(name, sorted(self.root.fields))
        if match is None or near is None:
            return False
        attr = match.group(1)
        return attr in self.root.fields[near].fields and attr not in self.ref.anything.fields

    def attribute(self, node: nodes.Getattr | nodes.Getitem, base: Shape, attr: str) -> Shape:
        if base is self.ref.anything and isinstance(node.node, n.Name) and not self.quiet:
            self.ids.setdefault(node.node.name, set()).add(attr)
        found, candidates = _attribute(base, attr)
        if found is not None:
            return found
        text = _dotted(node)
        owner = _dotted(node.node)
        having = [k for k, shape in base.variants.items()
                  if _attribute(shape, attr)[0] is not None]
        if having:
            var = re.split(r"[.\[]", owner)[0]
            kinds_text = ("typen " if len(having) == 1 else "typerna ") + _enumerate(having)
            self.report("typ-ej-testad", node, text, attr,
                        f"fältet '{attr}' finns bara i avsnitt av {kinds_text}; testa typen "
                        f"först ({{%p if {var}.typ == '{having[0]}' %}})", None)
            return ANY
        elsewhere = [k for k, shape in self.ref.kinds.items()
                     if base.kinds and k not in base.kinds and attr in shape.fields]
        if elsewhere:
            kinds_text = ("typen " if len(elsewhere) == 1 else "typerna ") + _enumerate(elsewhere)
            self.report("okant-falt", node, text, attr,
                        f"fältet '{attr}' finns bara i avsnitt av {kinds_text}, och här kan "
                        f"'{owner}' inte vara en sådan", None)
            return ANY
        candidates = sorted({*candidates, *(name for shape in base.variants.values()
                                            for name in shape.fields)})
        self.report("okant-falt", node, text, attr,
                    f"fältet '{attr}' finns inte i '{owner}'", _nearest(attr, candidates))
        return ANY

    def filter(self, node: nodes.Filter, scope: dict[str, Shape]) -> Shape:

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
        if node.name in ("list", "reverse", "sort", "unique") and base.kind == "list":
            return base
        if node.name in ("selectattr", "rejectattr") and base.kind == "list":
            return self.select(node, base)
        return ANY

    def select(self, node: nodes.Filter, base: Shape) -> Shape:
        """``avsnitt|selectattr('typ', 'equalto', 'ekonomi')``: the sections of that kind."""

        args = node.args
        element = base.element
        if (element is None or not element.kinds or len(args) != 3
                or not all(isinstance(a, n.Const) for a in args[:2])
                or args[0].as_const() != "typ"):
            return base
        test = args[1].as_const()
        op = {"equalto": "eq", "eq": "eq", "==": "eq", "sameas": "eq", "in": "in"}.get(test)
        values = _strings(args[2], op) if op else None
        if values is None:
            return base
        self.unknown_kinds(node, f"|{node.name}('typ', '{test}', {_literal(args[2])})", values)
        have = frozenset(element.kinds)
        chosen = have & values if node.name == "selectattr" else have - values
        self.placed |= chosen
        return Shape("list", element=self.ref.section(chosen), description=base.description)

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


def _both(a: Narrowing, b: Narrowing) -> Narrowing:
    """Both narrowings hold."""
    out = dict(a)
    for var, names in b.items():
        out[var] = out[var] & names if var in out else names
    return out


def _either(a: Narrowing, b: Narrowing) -> Narrowing:
    """One of the narrowings holds: only a variable both narrow is narrowed."""
    return {var: a[var] | b[var] for var in a.keys() & b.keys()}


def _defined(test: nodes.Node) -> set[str]:
    """The names a test shows to be defined when true (``x is defined``, also under ``and``)."""

    if isinstance(test, n.Test) and test.name == "defined" and isinstance(test.node, n.Name):
        return {test.node.name}
    if isinstance(test, n.And):
        return _defined(test.left) | _defined(test.right)
    return set()


def _typ_of(node: nodes.Node) -> nodes.Name | None:
    """``x`` if the node is ``x.typ`` (or ``x['typ']``)."""

    if isinstance(node, n.Getattr) and node.attr == "typ" and isinstance(node.node, n.Name):
        return node.node
    if (isinstance(node, n.Getitem) and isinstance(node.arg, n.Const)
            and node.arg.value == "typ" and isinstance(node.node, n.Name)):
        return node.node
    return None


def _strings(node: nodes.Node, op: str | None) -> frozenset[str] | None:
    """The names compared with: one text for ``==``/``!=``, a tuple or list of texts for ``in``."""

    if op in ("eq", "ne") and isinstance(node, n.Const) and isinstance(node.value, str):
        return frozenset({node.value})
    if op in ("in", "notin"):
        if isinstance(node, n.Tuple | n.List) and all(
                isinstance(i, n.Const) and isinstance(i.value, str) for i in node.items):
            return frozenset(str(i.as_const()) for i in node.items)
        if isinstance(node, n.Const) and isinstance(node.value, tuple | list) and all(
                isinstance(v, str) for v in node.value):
            return frozenset(node.value)
    return None


def _compare_text(node: nodes.Compare) -> str:
    """``a.typ == 'ekonomi'`` as the template writes it."""
    symbols = {"eq": "==", "ne": "!=", "in": "in", "notin": "not in"}
    op = node.ops[0].op
    return f"{_literal(node.expr)} {symbols.get(op, op)} {_literal(node.ops[0].expr)}"


def _literal(node: nodes.Node) -> str:
    """A constant, a tuple of constants or a name chain as the template writes it."""

    if isinstance(node, n.Const):
        return repr(node.value)
    if isinstance(node, n.Tuple | n.List):
        return "(" + ", ".join(_literal(i) for i in node.items) + ")"
    return _dotted(node)


def _enumerate(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " och " + quoted[-1]


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
    return nearest(name, candidates)


def _dotted(node: nodes.Node) -> str:
    """The expression as the template writes it, for a chain of names (``x.y[0].z``)."""

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

    path = Path(template) if template is not None else default_template()
    parts = template_parts(path)
    ref = reference()
    checker = _Checker(environment(), ref)
    for part in parts:
        checker.check(part)
    findings = _unique(checker.findings)
    for name, shape in ref.root.fields.items():
        if name not in checker.used and name not in _NOT_PRINTED:
            about = f" ({shape.description.rstrip('.')})" if shape.description else ""
            findings.append(TemplateFinding(
                "oanvant-avsnitt", "info", "", name, name,
                f"Mallen använder aldrig '{name}'{about}."))
    placed = set(checker.placed)
    for attrs in checker.ids.values():
        having = [typ for typ, shape in ref.kinds.items()
                  if attrs and all(_attribute(shape, a)[0] is not None for a in attrs)]
        if len(having) == 1:  # an id whose fields only one kind has: a section of that kind
            placed.update(having)
    for typ in ref.kinds:
        if typ not in placed:
            about = ref.descriptions[typ].rstrip(".")
            findings.append(TemplateFinding(
                "oanvand-typ", "info", "", typ, typ,
                f"Mallen har ingen del för avsnitt av typen '{typ}' ({about}): testa "
                f"a.typ == '{typ}' i loopen över avsnitt, eller använd avsnittets id."))
    return findings


def _unique(findings: list[TemplateFinding]) -> list[TemplateFinding]:
    """Each finding once a part; an unknown variable once, however many of its fields are used."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        key = (f.part, f.code, f.name if f.code == "okand-variabel" else f.expression)
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
    unused = sum(1 for f in findings if f.code in _UNUSED)
    other = len(findings) - errors - unused
    summary = (f"{source}: {errors} {'okänt namn' if errors == 1 else 'okända namn'}, "
               f"{unused} avsnitt som mallen inte använder")
    if other:
        summary += f", {other} {'upplysning' if other == 1 else 'upplysningar'}"
    lines = [summary]
    width = max((len(f.part or "—") for f in findings), default=0)
    for f in findings:
        lines.append(f"  {_LABEL[f.severity]:<6}{f.part or '—':<{width}}  {f.expression}")
        where = f" (i stycket «{f.context}»)" if f.context else ""
        lines.append(f"        {f.message}{where}")
    return "\n".join(lines) + "\n"
