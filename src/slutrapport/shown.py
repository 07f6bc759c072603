"""Nothing stated is lost: every figure the data states reaches the rendered report.

The check ``tal-visas-inte`` (an information) lists each *stated figure* that the report, rendered
with a given Word template (the default one unless another is named), would not show.

A **stated figure** is a count, amount, head count or share the user wrote into the data: a
field holding an ``int`` or a ``Decimal`` that the YAML sets (in a model, a list or a mapping
such as ``nyckeltal``). Dates, headings and texts are not figures, and a figure the data leaves
out — which the tool computes (``…deltagare.man``, ``…effekt.summa``, ``ekonomi.under_budget``) —
is not stated. ``granska`` (review marks) and ``register`` (where the project's registers are)
hold no figure of the report.

A figure is **shown** when

- the template prints it: ``{{ ekonomi.budget|kr }}``, ``{{ post.belopp|tal }}`` in a loop, or a
  value a kind derives from it for printing (``resultat.indikatorer[i].utfall_text`` shows
  ``utfall``, ``ekonomi.budgetavvikelse`` shows ``under_budget``: each model's ``DERIVED``, see
  :attr:`slutrapport.fields.Modell.DERIVED`), also inside
  a longer text (``{{ "Budget: " ~ ekonomi.budget }}``); or
- a narrative text that the template prints holds a figure link to it,
  ``[2 949](tal:horisontella_kriterier.deltagare.totalt)``.

A chart does **not** show a figure. The check never draws charts (it would cost a second and
more), a picture's numbers are neither searchable nor copyable, and ``render --no-charts`` leaves
them out. So a figure drawn only as a bar, or written only in a chart's caption or alt text, is
listed; every figure the default template draws also stands in a table or in the text. While the
template is run for the check, every chart a section's kind can draw counts as drawn, with an
empty picture, caption and alt text.

How it is found: the template's parts are turned into Jinja source as docxtpl renders them and
compiled once per template file (the compiled code is kept on disk, signed and in a folder of
the user's own (:mod:`slutrapport._codecache`), keyed by the file's hash, so a fresh
``slutrapport check`` neither imports docxtpl nor compiles).
The report's template context is built as for rendering, and every stated figure, every value
derived from one and every narrative text in it is replaced by an equal value of a subclass that
carries an invisible marker (private-use characters). The template is rendered in the sandboxed
environment :mod:`slutrapport.environment` gives, with its budgets and time limit — no document is
written, no chart drawn, no narrative turned into Word XML, no figure formatted (a formatting
filter prints the marker alone) — and the markers found in the output say what was printed. A
value used only in a condition (``{%p if ekonomi.budget %}``) prints no marker and shows
nothing; neither does one in a paragraph a ``{%p … %}`` tag takes away. A filter that prints its
value (``tal``, ``kr``, ``decimal``, ``procent``, ``tecken``, Jinja's ``string``, ``abs``,
``default``, ``e`` …) passes the marker on; one that computes something else (``andel``,
``round``, ``sum``, ``length``) does not. A template that can't be read or filled raises the
:class:`~slutrapport.errors.TemplateError` rendering gives (rendering is run to word it).

Limits. On the safe side (a figure that is in fact shown is listed): a figure link in an
``ekonomi`` footnote that names its path relative to the cost category (``tal:belopp``) is not
followed; a figure printed through a string method (``x|string|upper`` is fine,
``x.replace(…)`` is not) loses its marker. The other way: what a template prints only while a
chart exists (``{%p if a.diagram.budget %}``) counts although the data may draw no such chart.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import marshal
import os
import re
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import StrictUndefined
from markupsafe import Markup, escape
from pydantic import BaseModel

from slutrapport import _codecache, narrative
from slutrapport._budget import BudgetExceeded, run
from slutrapport.context import Narrative, build_context
from slutrapport.document import check_template_file, render_bytes, template_parts
from slutrapport.environment import FILTERS, code_stamp, environment, finalize
from slutrapport.errors import SlutrapportError, TemplateError, describe
from slutrapport.fields import Loc, Modell
from slutrapport.formatting import format_decimal
from slutrapport.kinds import Raw, kinds
from slutrapport.paths import first_found, format_loc, split_path
from slutrapport.standard import default_template

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

    from slutrapport.models import Slutrapport

__all__ = ["PRINTED", "SECTION_CODE", "Meaning", "link_target", "marks_in", "stated_figures",
           "traced", "unshown"]

CODE = "tal-visas-inte"
SECTION_CODE = "avsnitt-visas-inte"

NOT_THE_REPORT = frozenset({"granska", "register"})
"""Top-level keys that hold no figure of the report: review marks, and where the registers the
figures are counted from are and how to read them."""

_CACHE_FORMAT = "2"
"""Bump when the Jinja source or the environment the compiled code expects changes."""


# --- the stated figures ------------------------------------------------------------------------


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's field names (pydantic's ``model_fields`` is slow to ask on a class)."""
    return tuple(model.model_fields)


def _is_figure(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def stated_figures(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, int | Decimal]]:
    """Every figure the data sets, with its place: int and Decimal values of the fields the YAML
    (or the code that built the model) gives, in models, lists and mappings at any depth."""
    given = model.model_fields_set
    for name in _fields(type(model)):
        if name in given and (loc or name not in NOT_THE_REPORT):
            yield from _figures_in(getattr(model, name), (*loc, name))


def _figures_in(value: Any, loc: Loc) -> Iterator[tuple[Loc, int | Decimal]]:
    if _is_figure(value):
        yield loc, value
    elif isinstance(value, BaseModel):
        yield from stated_figures(value, loc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _figures_in(item, (*loc, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _figures_in(item, (*loc, key))


# --- figure links --------------------------------------------------------------------------------


def link_target(report: Slutrapport, path: str, owner: Loc) -> Loc | None:
    """The place a figure link names, tried as :func:`checks.resolve_path` tries it: from the
    text's owner, then from the section the path's first name is the id of, then from the report
    (a place holding a figure before one left empty)."""
    parts = split_path(path)
    if parts is None:
        return None
    starts: list[tuple[Loc, list[str | int]]] = [(owner, parts)]
    if isinstance(parts[0], str):
        for i, section in enumerate(report.avsnitt):
            if section.id == parts[0]:
                starts.append((("avsnitt", i), parts[1:]))
    starts.append(((), parts))
    return first_found(report, starts)


# --- markers -----------------------------------------------------------------------------------

_OPEN = "\ue000"
_PLANE = 0xF0000  # supplementary private use area A: two characters number 2**32 markers
_MARKER = re.compile(f"{_OPEN}([\U000F0000-\U000FFFFF]{{2}})")


def _marker(n: int) -> str:
    return _OPEN + chr(_PLANE + (n >> 16)) + chr(_PLANE + (n & 0xFFFF))


def _marks_in(text: str) -> set[int]:
    return {(ord(m[0]) - _PLANE) << 16 | (ord(m[1]) - _PLANE) for m in _MARKER.findall(text)}


class _Int(int):
    """An int that prints with its marker."""

    _mark: str

    def __str__(self) -> str:
        return int.__repr__(self) + self._mark


class _Dec(Decimal):
    """A Decimal that prints with its marker."""

    _mark: str

    def __str__(self) -> str:
        return Decimal.__str__(self) + self._mark


class _Str(str):
    """A text made from figures, which prints with their marker."""

    _mark: str

    def __str__(self) -> str:
        return str.__str__(self) + self._mark


class _Markup(Markup):
    """Word XML made from figures (a whole table), which prints with their marker."""

    _mark: str

    def __html__(self) -> _Markup:
        out = _Markup(str.__str__(self) + self._mark)
        out._mark = ""
        return out


class _Narr(Narrative):
    """A narrative text that prints as its marker only (no Word XML is made for the check)."""

    __slots__ = ("_mark",)

    def __init__(self, text: str, mark: str) -> None:
        super().__init__(text)
        self._mark = mark

    def _printed(self) -> str:
        return self._mark if self else ""

    def __html__(self) -> str:
        return self._printed()

    def stycken(self, stil: str | None = None, fet: bool = False) -> Markup:
        return Markup(self._printed())

    def rader(self, fet: bool = False) -> Markup:
        return Markup(self._printed())

    @property
    def ren(self) -> str:
        return narrative.plain_text(self.text) + self._printed()

    def __bool__(self) -> bool:
        return narrative.prints_anything(self.text)

    def __str__(self) -> str:
        return self.ren


_TRACKED = (_Int, _Dec, _Str, _Markup, _Narr)


def _plain(value: Any) -> Any:
    if isinstance(value, _Int):
        return int(value)
    if isinstance(value, _Dec):
        return Decimal(value)
    if isinstance(value, _Markup):
        return Markup(str.__str__(value))
    if isinstance(value, _Str):
        return str.__str__(value)
    return value


def _mark_of(value: Any) -> str:
    return str(value._mark) if isinstance(value, _TRACKED) else ""


def _marked(value: Any, mark: str) -> Any:
    """value as the equal value of a marked type; None, a truth value or another object as is."""
    out: Any
    if isinstance(value, (bool, *_TRACKED)):
        return value
    if isinstance(value, int):
        out = _Int(value)
    elif isinstance(value, Decimal):
        out = _Dec(value)
    elif isinstance(value, Markup):
        out = _Markup(value)
    elif isinstance(value, str):
        out = _Str(value)
    else:
        return value
    out._mark = mark
    return out


class _Marks:
    """What the markers of one check stand for.

    A marker stands for a figure's place (``whole``: and every place under it), for a
    narrative text (the place of its owner, and the text), or for a section (its place, and
    None): its headings and chart places are marked with it.
    """

    def __init__(self) -> None:
        self.meaning: list[Meaning] = []
        self.seen: set[int] = set()

    def _next(self, meaning: Meaning) -> str:
        self.meaning.append(meaning)
        return _marker(len(self.meaning) - 1)

    def sections(self, context: dict[str, Any]) -> None:
        """Mark each section's own texts (its heading) and its charts' places: a template that
        prints any of them, or any figure or text of the section, shows the section."""
        for i, out in enumerate(context["avsnitt"]):
            mark = self._next((("avsnitt", i), None))
            for key, value in out.items():
                if type(value) is str and key not in ("typ", "id"):
                    out[key] = _marked(value, mark)
            for chart in (out.get("diagram") or {}).values():
                if isinstance(chart, dict):
                    chart["bild"] = _marked("", mark)

    def figure(self, value: Any, loc: Loc, whole: bool = False) -> Any:
        if isinstance(value, (bool, *_TRACKED)) or not isinstance(value, int | Decimal | str):
            return value
        return _marked(value, self._next((loc, whole)))

    def text(self, value: Narrative, owner: Loc) -> Narrative:
        if isinstance(value, _Narr):
            return value
        return _Narr(value.text, self._next((owner, value.text)))

    def wrap(self, model: BaseModel, out: dict[str, Any], loc: Loc) -> None:
        """Replace, in place, the figures and texts of a model's context with marked ones."""
        self.seen.add(id(out))
        cls = type(model)
        derived = cls.DERIVED if issubclass(cls, Modell) else {}
        fields = _fields(cls)
        for key, value in out.items():
            if key in fields:
                out[key] = self._field(getattr(model, key), value, (*loc, key), loc)
            elif key in derived:
                shows = derived[key]
                if isinstance(shows, str):
                    out[key] = self._derived(value, (*loc, shows))
                else:
                    mark = self._next(((*loc, *shows[:1]), True))
                    for more in shows[1:]:  # one marker per field, printed together
                        mark += self._next(((*loc, more), True))
                    out[key] = _marked(value, mark)
            else:
                out[key] = self._loose(value, loc)

    def _field(self, field: Any, value: Any, loc: Loc, owner: Loc) -> Any:
        """A field's value in the context, marked: its figures by place, its texts by owner."""
        if isinstance(field, BaseModel) and isinstance(value, dict):
            self.wrap(field, value, loc)
        elif isinstance(field, list) and isinstance(value, list):
            for i, (item, item_out) in enumerate(zip(field, value, strict=False)):
                value[i] = self._field(item, item_out, (*loc, i), owner)
        elif isinstance(field, dict) and isinstance(value, dict):
            for k, item_out in value.items():
                value[k] = self._field(field.get(k), item_out, (*loc, k), owner)
        elif isinstance(value, Narrative):
            return self.text(value, owner)
        elif _is_figure(value):
            return self.figure(value, loc)
        return value

    def _derived(self, value: Any, loc: Loc) -> Any:
        if isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = self._derived(item, (*loc, i))
            return value
        if isinstance(value, dict) and id(value) not in self.seen:
            for k, item in value.items():
                value[k] = self._derived(item, (*loc, k))
            return value
        return self.figure(value, loc, whole=True)

    def _loose(self, value: Any, owner: Loc) -> Any:
        """A value a kind adds to the context: its narratives belong to the nearest model."""
        if isinstance(value, Narrative):
            return self.text(value, owner)
        if isinstance(value, dict):
            if id(value) in self.seen:
                return value  # a section again, by its id: done already
            self.seen.add(id(value))
            for k, item in value.items():
                value[k] = self._loose(item, owner)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = self._loose(item, owner)
        return value


# --- the environment and the compiled template -----------------------------------------------

_CARRY = frozenset({"tal", "kr", "decimal", "procent", "tecken", "abs", "d", "default", "e",
                    "escape", "forceescape", "safe", "string", "trim", "lower", "upper",
                    "capitalize", "title"})
"""Filters whose result shows their value, so the value's marker goes on with it."""


def _carrying(fn: Callable[..., Any]) -> Callable[..., Any]:
    def carry(value: Any, *args: Any, **kwargs: Any) -> Any:
        result = fn(_plain(value), *args, **kwargs)
        mark = _mark_of(value)
        if mark and isinstance(result, str):
            return result + mark
        if mark and _is_figure(result):
            return _marked(result, mark)
        return result

    return carry


def _printing(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A formatting filter for the check: a marked figure prints as its marker alone (what
    the figure looks like doesn't matter here, and formatting is most of a render's work)."""
    def carry(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, _Int | _Dec):
            if _TRACING.get():
                return _as_printed(fn(_plain(value), *args, **kwargs), value._mark)
            return Markup(value._mark)
        return fn(_plain(value), *args, **kwargs)

    return carry


PRINTED = "\ue001"
"""While :func:`traced` renders, what a marked figure prints stands between this character and
its marker: ``\ue001 1 466 \ue000…``."""

_TRACING: ContextVar[bool] = ContextVar("_TRACING", default=False)


def _as_printed(text: Any, mark: str) -> Markup:
    return Markup(PRINTED) + escape(str(text)) + Markup(mark)


def _plain_args(fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return fn(*[_plain(a) for a in args], **{k: _plain(v) for k, v in kwargs.items()})

    return call


def _finalize(value: Any) -> Any:
    """Print a marked value as its marker (a text made from figures with it); the rest as
    rendering prints it."""
    if isinstance(value, _Narr):
        return Markup(value.__html__())
    if isinstance(value, _Int | _Dec):
        if _TRACING.get():
            return _as_printed(finalize(_plain(value)), value._mark)
        return Markup(value._mark)
    if isinstance(value, _Str) and _TRACING.get():
        return _as_printed(str.__str__(value), value._mark)
    if isinstance(value, _Str | _Markup):
        return Markup(str.__str__(value) + value._mark)
    return finalize(value)


_FORMATTING = frozenset({"tal", "kr", "decimal", "procent", "tecken"})
"""The formatting filters among :data:`_CARRY`."""


@functools.cache
def _environment() -> SandboxedEnvironment:
    """The environment templates render in (:func:`slutrapport.environment.environment`'s
    kind, with its sandbox and budgets), with markers passed on by filters and kept when
    printing."""
    env: SandboxedEnvironment = type(environment())(
        autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    for name, fn in FILTERS.items():
        env.filters[name] = (_printing(fn) if name in _FORMATTING else
                             _carrying(fn) if name in _CARRY else _plain_args(fn))
    for name in _CARRY - set(FILTERS):
        if name in env.filters:
            env.filters[name] = _carrying(env.filters[name])
    return env


def _docxtpl_stamp() -> str:
    """What identifies the installed docxtpl (whose patching makes the Jinja source), cheaply."""
    spec = importlib.util.find_spec("docxtpl")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "?"
    folder = Path(origin).parent
    return ";".join(f"{p.name}:{p.stat().st_mtime_ns}:{p.stat().st_size}"
                    for p in sorted(folder.glob("*.py")))


@functools.cache
def _maker_stamp() -> str:
    """What identifies slutrapport's own code that turns a template into the Jinja source
    compiled here (its parts as docxtpl renders them, and the check's environment): the bytes of
    those modules, so an upgrade or an edit never finds code compiled by the one before."""
    digest = hashlib.sha256()
    for name in ("document.py", "seam.py", "shown.py"):  # read, not imported: seam is docxtpl's
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def _sources(path: Path) -> list[tuple[str, str]]:
    return [(part.name, part.source) for part in template_parts(path)]


_compiled: dict[str, list[tuple[str, Template]]] = {}


def compiled(path: Path) -> list[tuple[str, Template]]:
    """The template's parts, compiled for the check: from memory, the disk cache, or anew."""
    check_template_file(path)
    data = path.read_bytes()
    env = _environment()
    key = "\n".join((
        "shown", _CACHE_FORMAT, code_stamp(), _docxtpl_stamp(), _maker_stamp(),
        # the operators the sandbox intercepts change the code Jinja makes
        " ".join(sorted(env.intercepted_binops)), " ".join(sorted(env.intercepted_unops)),
        hashlib.sha256(data).hexdigest()))
    if key in _compiled:
        return _compiled[key]
    codes: list[tuple[str, Any]] | None = None
    blob = _codecache.read(key)  # signed and from a private folder only: it is run unsandboxed
    if blob is not None:
        try:
            codes = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            codes = None
    if codes is None:
        codes = [(name, env.compile(source)) for name, source in _sources(path)]
        _codecache.write(key, marshal.dumps(codes))
    templates = [(name, env.template_class.from_code(env, code, env.make_globals(None)))
                 for name, code in codes]
    if len(_compiled) >= 8:
        _compiled.clear()
    _compiled[key] = templates
    return templates


# --- the check ---------------------------------------------------------------------------------


Meaning = tuple[Loc, bool] | tuple[Loc, str] | tuple[Loc, None]
"""What a marker stands for (see :class:`_Marks`)."""


class Shown:
    """The places a rendered report shows: figures one by one, whole fields (a table), and the
    sections it shows anything of (``("avsnitt", i)``)."""

    def __init__(self) -> None:
        self.exact: set[Loc] = set()
        self.under: set[Loc] = set()
        self.sections: set[Loc] = set()

    def __contains__(self, loc: object) -> bool:
        if not isinstance(loc, tuple):
            return False
        return loc in self.exact or any(loc[:n] in self.under for n in range(1, len(loc) + 1))



_T = TypeVar("_T")


def _budgeted(report: Slutrapport, path: Path, make: Callable[[Slutrapport, Path], _T]) -> _T:
    """``make(report, path)`` within the report's time budget — shared with its render when
    both run within slutrapport._budget.shared_budgets() (the command line), and with the
    render that words an error — and an error worded as rendering words it."""
    try:
        with run(report, path):
            try:
                return make(report, path)
            except BudgetExceeded:
                raise
            except Exception as exc:  # what rendering says of it is the message
                raise _as_rendering_says(report, path, exc) from None
    except BudgetExceeded as exc:
        raise TemplateError(f"{path}: {exc}") from None

def printed(report: Slutrapport, template: str | Path | None = None) -> Shown:
    """The places of the figures the report rendered with the template shows (see module doc).

    The answer is kept (in memory, and on disk in the signed cache, one entry per data file and
    template that is overwritten, never added to) under a digest of everything it depends on:
    the report's data, the template's bytes and the code — every module of slutrapport, each
    section kind's module, Jinja, docxtpl, Python. ``slutrapport render`` after ``check`` of the
    same data, or a render of unchanged data, does not run the template a second time.

    A template that can't be read or filled raises the
    :class:`~slutrapport.errors.TemplateError` rendering would raise.
    """
    path = Path(template) if template is not None else default_template()
    keys = _answer_keys(report, path)
    if keys is not None:
        kept = _recall(*keys)
        if kept is not None:
            return kept
    shown = _printed_anew(report, path)
    if keys is not None:
        _keep(*keys, shown)
    return shown


_ANSWER_FORMAT = "1"
_answers: dict[str, tuple[str, Shown]] = {}


@functools.cache
def _package_stamp() -> str:
    """The bytes of every module of slutrapport, read once per process."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for module in sorted(root.rglob("*.py")):
        digest.update(module.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _kinds_stamp() -> str | None:
    """The source of each section kind defined outside slutrapport (a project's own kind); None
    when one has no source file to read (made in code at run time): then nothing is kept."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for name, kind in sorted(kinds().items()):
        digest.update(f"{name}\0{kind.__module__}\0{kind.__qualname__}\0".encode())
        try:
            source = inspect.getsourcefile(kind)
            where = Path(source).resolve() if source else None
            if where is not None and where.is_relative_to(root):
                continue
            if where is None or not where.is_file():
                return None
            digest.update(where.read_bytes())
        except (OSError, TypeError):
            return None
    return digest.hexdigest()


def _answer_keys(report: Slutrapport, path: Path) -> tuple[str, str] | None:
    """Where the answer for this data file and template is kept (its slot), and the digest of
    everything the answer depends on; None when that can't be told (then it is worked out)."""
    kinds_stamp = _kinds_stamp()
    try:
        template = hashlib.sha256(path.read_bytes()).hexdigest()
        data = report.model_dump_json().encode("utf-8")
    except (OSError, ValueError, TypeError):
        return None
    source = os.path.abspath(report.source) if report.source else ""
    slot = "\n".join(("shown-answer", _ANSWER_FORMAT, source, str(path.resolve())))
    digest = hashlib.sha256()
    for part in (_ANSWER_FORMAT, _package_stamp(), kinds_stamp or "", code_stamp(),
                 _docxtpl_stamp(), template):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(data)
    return (slot, digest.hexdigest()) if kinds_stamp is not None else None


def _recall(slot: str, digest: str) -> Shown | None:
    """The answer kept in the slot, if it is the one for this digest."""
    if slot in _answers and _answers[slot][0] == digest:
        return _answers[slot][1]
    blob = _codecache.read(slot)  # signed and from a private folder only: marshal is not safe
    if blob is None:
        return None
    try:
        kept, exact, under, sections = marshal.loads(zlib.decompress(blob))
        if kept != digest:
            return None
        shown = Shown()
        shown.exact = {tuple(loc) for loc in exact}
        shown.under = {tuple(loc) for loc in under}
        shown.sections = {tuple(loc) for loc in sections}
    except (ValueError, EOFError, TypeError, zlib.error):
        return None
    _answers.clear()
    _answers[slot] = (digest, shown)
    return shown


def _keep(slot: str, digest: str, shown: Shown) -> None:
    _answers.clear()
    _answers[slot] = (digest, shown)
    _codecache.write(slot, zlib.compress(marshal.dumps(
        (digest, list(shown.exact), list(shown.under), list(shown.sections))), 1))


def _printed_anew(report: Slutrapport, path: Path) -> Shown:
    output, marks = _budgeted(report, path, _output)
    shown = Shown()
    for n in _marks_in(output):
        loc, what = marks.meaning[n]
        if len(loc) >= 2 and loc[0] == "avsnitt":
            shown.sections.add(loc[:2])
        if what is None:
            continue
        if isinstance(what, bool):
            (shown.under if what else shown.exact).add(loc)
            continue
        for _, link in narrative.figure_links(what):
            target = link_target(report, link, loc)
            if target is not None:
                shown.exact.add(target)
    return shown


def _output(report: Slutrapport, path: Path) -> tuple[str, _Marks]:
    """Every part of the template rendered with the report's marked context."""
    parts, marks = _parts(report, path)
    return "".join(out for _, out in parts), marks


def _parts(report: Slutrapport, path: Path) -> tuple[list[tuple[str, str]], _Marks]:
    templates = compiled(path)
    stand_in = {"bild": "", "bildtext": "", "alt": ""}
    charts = {s.name: {name: dict(stand_in) for name in s.DIAGRAM} for s in report.avsnitt}
    context = build_context(report, charts=charts)
    marks = _Marks()
    marks.wrap(report, context, ())
    marks.sections(context)
    return [(name, t.render(context)) for name, t in templates], marks


def marks_in(text: str) -> list[int]:
    """The markers in a text, in order (a marker twice is there twice)."""
    return [(ord(m[0]) - _PLANE) << 16 | (ord(m[1]) - _PLANE) for m in _MARKER.findall(text)]


def traced(report: Slutrapport, template: str | Path | None = None
           ) -> tuple[list[tuple[str, str]], list[Meaning]]:
    """The template's parts (name, XML) filled with the report's marked context, and what each
    marker stands for (its number is the index): a figure printed by itself stands as
    ``PRINTED + text as printed + marker``, a narrative text as its marker alone. For the
    record of where each figure stands (:mod:`slutrapport.provenance`); a template that can't
    be filled raises as :func:`printed` does."""
    path = Path(template) if template is not None else default_template()
    token = _TRACING.set(True)
    try:
        parts, marks = _budgeted(report, path, _parts)
    finally:
        _TRACING.reset(token)
    return parts, marks.meaning


def _as_rendering_says(report: Slutrapport, path: Path, exc: Exception) -> Exception:
    """The error rendering gives for this template (one wording for check and render); it
    is worked out by rendering, which only a broken template pays for."""
    try:
        render_bytes(report, template=path)
    except SlutrapportError as error:
        return error
    return TemplateError(f"{path}: mallen kunde inte fyllas i ({describe(exc)})")


def unshown(report: Slutrapport, template: str | Path | None = None) -> Iterator[Raw]:
    """An ``avsnitt-visas-inte`` warning for each section the rendered report shows nothing of,
    and a ``tal-visas-inte`` information for each stated figure it won't show."""
    shown = printed(report, template)
    for i, section in enumerate(report.avsnitt):
        if ("avsnitt", i) not in shown.sections:
            yield (SECTION_CODE, "warning", ("avsnitt", i),
                   f"Avsnittet '{section.name}' (typ {section.TYP}) syns inte i rapporten: mallen "
                   f"har ingen del för typen {section.TYP} och nämner inte avsnittet vid dess id. "
                   "Lägg till en del för typen i mallen (se 'slutrapport template check'), eller "
                   "ta bort avsnittet.", None, section.TYP)
    for loc, value in stated_figures(report):
        if loc in shown:
            continue
        path = format_loc(report.display_loc(loc))
        figure = _figure_text(value)
        yield (CODE, "info", loc,
               f"Talet {figure} syns inte i rapporten: mallen skriver inte ut {path}, och ingen "
               f"tallänk i en text som kommer med visar det. Skriv det i texten som "
               f"[{figure}](tal:{path}), eller ta med det i mallen.", None, value)


def _figure_text(value: int | Decimal) -> str:
    exponent = Decimal(value).normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(value, max_decimals=places)
