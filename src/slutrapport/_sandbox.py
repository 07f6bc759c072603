"""Bounds on what a Word template builds: the size of its values, and its arithmetic.

Jinja's sandbox keeps a template away from Python's insides, but not from running for ever
(nested loops) or building a gigabyte (``'a' * 10**9``, ``'{:>999999999}'.format(1)``). Here,
at the sandbox's own hooks rather than filter by filter:

- **Sizes.** No value a template expression builds may be larger than :data:`MAX_VALUE_CHARS`
  characters (or items), nor a number have more than :data:`MAX_INT_DIGITS` digits:

  * before: every operation whose result can be out of all proportion to what it is given — a
    repeat (``*``), a power, a concatenation (``+``, ``~``), a format's widths and precisions
    (``%``, ``str.format``, the ``format`` filter), ``replace``, ``join`` (of a list that repeats
    one long text), ``translate``, ``expandtabs``, a list's ``extend``, ``tojson`` with an
    indent, filters with a width, a separator or a fill (``center``, ``indent``, ``wordwrap``,
    ``batch``, ``slice``, ``urlize`` …), ``lipsum`` — has its size worked out and is refused
    before it runs;
  * before: a list, tuple, dict or namespace about to become text (printed, joined,
    concatenated, formatted, or given to a filter that writes text) is measured as the text it
    would make (:func:`text_size`): ``[s] * 1000`` is a thousand items but a thousand times
    ``s`` as text;
  * after: every value a call, filter, operator or concatenation returns, and every list, dict
    or set a method grew, is measured, and refused if it is over the limit and larger than
    what it was made from (so a large text passed through ``|safe`` or ``|trim`` stays);
  * together: what one render's expressions build is added up — every such value (its
    characters, or its items), every item a method adds to a list, dict or set — and refused
    past :data:`MAX_BUILT_CHARS`, however many values it is spread over (a thousand texts of 9
    million characters each, made by ``map('center', …)`` or appended in a loop, each under the
    limit of one value, took 10 GB). Only what is built counts; what a template is given, and
    what an expression passes on unchanged, costs nothing.

- **Output and time** are budgets of the report's template work as a whole:
  :mod:`slutrapport._budget` (named here too, where callers have found them).

The limits can be set with ``SLUTRAPPORT_MALL_SEKUNDER`` and ``SLUTRAPPORT_MALL_TECKEN``.
"""

from __future__ import annotations

import functools
import math
import re
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.filters import make_attrgetter
from jinja2.nodes import Concat
from jinja2.runtime import Macro, markup_join, str_join
from jinja2.sandbox import SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import Namespace, _PassArg
from markupsafe import Markup

from slutrapport._budget import (
    MAX_BUILT_CHARS,
    TEMPLATE_CHARS,
    TEMPLATE_SECONDS,
    BudgetExceeded,
    bounded_concat,
    charge_built,
    check_time,
    counted,
    limits,
    run,
    shared_budgets,
)
from slutrapport.formatting import format_integer

__all__ = [
    "MAX_BUILT_CHARS",
    "MAX_INT_DIGITS",
    "MAX_VALUE_CHARS",
    "TEMPLATE_CHARS",
    "TEMPLATE_SECONDS",
    "BoundedFilters",
    "BudgetExceeded",
    "bounded_concat",
    "call_concat",
    "check_binop",
    "check_call",
    "check_call_result",
    "check_result",
    "check_text",
    "check_time",
    "code_generator",
    "counted",
    "limits",
    "run",
    "shared_budgets",
    "text_size",
    "wrap_str_format",
]

MAX_VALUE_CHARS = 10_000_000
"""The longest text or list one operation in a template may make."""
MAX_INT_DIGITS = 1_000
"""The most digits a number computed in a template may have."""


def _n(value: int) -> str:
    return format_integer(value)


def _too_large(what: str) -> BudgetExceeded:
    return BudgetExceeded(f"mallen försöker bygga {what}; det är mer än en rapport kan behöva, "
                          "och mallen körs inte")


def _text(size: int) -> BudgetExceeded:
    return _too_large(f"en text på {_n(size)} tecken")


def _text_or_list(size: int) -> BudgetExceeded:
    return _too_large(f"en text eller lista på {_n(size)} tecken")


def _digits(n: int) -> int:
    return int(abs(n).bit_length() * 0.30103) + 1


# --------------------------------------------------------------------------------------------
# Sizes

def _size(value: Any) -> int | None:
    """The length of a text, sequence, mapping or set; None for anything else."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset):
        return len(value)
    return None


_CONTAINERS = (list, tuple, dict, set, frozenset)


_SIMPLE = frozenset({str, int, float, bool, type(None)})
"""Types that hold nothing else (checked first: most values a template handles are these)."""


@functools.cache
def _namespace() -> type:

    return Namespace


def _attributes(value: Any) -> dict[str, Any] | None:
    """A Jinja namespace's attributes (its text shows them all), else None."""
    if type(value) in _SIMPLE or not isinstance(value, _namespace()):
        return None
    attrs: dict[str, Any] = object.__getattribute__(value, "_Namespace__attrs")
    return attrs


def _items(value: Any) -> Iterable[Any] | None:
    """What a list, tuple, set, dict (keys and values) or namespace shows as text; None for
    anything else."""
    if isinstance(value, dict):
        return (part for pair in value.items() for part in pair)
    if isinstance(value, list | tuple | set | frozenset):
        return value
    attrs = _attributes(value)
    return None if attrs is None else (part for pair in attrs.items() for part in pair)


def _leaf_size(value: Any) -> int | None:
    """The characters of a value that holds no others as text; None for a container."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return _digits(value) + 1
    if isinstance(value, _CONTAINERS) or _attributes(value) is not None:
        return None
    return 24


def text_size(value: Any, indent: int = 0) -> int:
    """About how many characters ``value`` makes as text (``str``, ``repr``, JSON).

    A text counts its length; a list, tuple, set, dict or Jinja namespace each of its items
    every time it holds it (``[s] * 1000`` is a thousand ``s``; a container held many times is
    measured once), plus two characters an item and, with an ``indent`` (JSON's), a line
    indented by it per level for each item and each closing bracket; a number its digits;
    anything else a few characters; a container inside itself what Python prints for it
    (``[...]``). The work is the number of items, not the size.
    """
    leaf = _leaf_size(value)
    if leaf is not None:
        return leaf
    memo: dict[tuple[int, int], int] = {}
    path: set[int] = set()

    def opened(container: Any, depth: int) -> list[Any]:
        path.add(id(container))
        attrs = None if isinstance(container, _CONTAINERS) else _attributes(container)
        count = len(attrs if attrs is not None else container)
        lines = (1 + indent * (depth + 1), 1 + indent * depth) if indent else (0, 0)
        return [container, depth, iter(_items(container) or ()),
                2 + lines[1] + count * (2 + lines[0])]

    stack = [opened(value, 0)]
    while True:
        frame = stack[-1]
        for child in frame[2]:
            size = _leaf_size(child)
            if size is None:
                key = (id(child), frame[1] + 1 if indent else 0)
                if key in memo:
                    size = memo[key]
                elif id(child) in path:
                    size = 5  # [...]
                else:
                    stack.append(opened(child, frame[1] + 1))
                    break
            frame[3] += size
        else:
            stack.pop()
            path.discard(id(frame[0]))
            memo[(id(frame[0]), frame[1] if indent else 0)] = frame[3]
            if not stack:
                return int(frame[3])
            stack[-1][3] += frame[3]


def check_text(*values: Any) -> None:
    """Refuse lists, dicts … about to become text when that text would be too long (strings
    are measured where they are made)."""
    for value in values:
        if type(value) in _SIMPLE:
            continue
        if isinstance(value, _CONTAINERS) or _attributes(value) is not None:
            size = text_size(value)
            if size > MAX_VALUE_CHARS:
                raise _text(size)


def check_result(result: Any, *inputs: Any) -> None:
    """Refuse a value made larger than :data:`MAX_VALUE_CHARS` and than what it was made from;
    charge a value that is none of its inputs to the render's budget of what it builds."""
    size = _size(result)
    if size is None:
        return
    if size and not any(result is i for i in inputs):
        charge_built(size)
    if size <= MAX_VALUE_CHARS:
        return
    if any((_size(i) or 0) >= size for i in inputs):
        return  # as large as something it was made from: nothing was built here
    raise _text_or_list(size)


# --------------------------------------------------------------------------------------------
# Formats: printf (``%``, the format filter) and str.format

_PRINTF = re.compile(r"%(?:\(([^)]*)\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%])")
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?", re.DOTALL)
_FLOATS = frozenset("eEfFgG%")


def _field_size(value: Any, width: int, precision: int | None, conversion: str) -> int:
    """The characters one formatted field may take."""
    if conversion in _FLOATS:  # the digits before the point, sign, point, exponent
        whole = abs(value) if isinstance(value, int | float) and math.isfinite(value) else 0
        content = (6 if precision is None else precision) + len(f"{whole:.0f}") + 6
    elif conversion in "diouxXbcn":
        content = (precision or 0) + (text_size(value) if isinstance(value, int) else 24)
    else:
        content = text_size(value)
        if precision is not None:
            content = min(content, precision)
    return max(width, content)


def _star(values: tuple[Any, ...], at: int) -> int:
    value = values[at] if at < len(values) else 0
    return abs(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def printf_size(fmt: str, args: Any) -> int:
    """About how long ``fmt % args`` is: each conversion's width, precision or value."""
    mapping = args if isinstance(args, Mapping) else None
    values: tuple[Any, ...] = () if mapping is not None else (
        args if isinstance(args, tuple) else (args,))
    at = 0
    total = 0
    for match in _PRINTF.finditer(fmt):
        key, width_text, precision_text, conversion = match.groups()
        if conversion == "%":
            continue
        width = precision = 0
        if width_text == "*":
            width, at = _star(values, at), at + 1
        elif width_text:
            width = int(width_text)
        has_precision = precision_text is not None
        if precision_text == "*":
            precision, at = _star(values, at), at + 1
        elif precision_text:
            precision = int(precision_text)
        if mapping is not None and key is not None:
            value = mapping.get(key)
        else:
            value, at = (values[at] if at < len(values) else None), at + 1
        total += _field_size(value, width, precision if has_precision else None, conversion)
        if total > MAX_VALUE_CHARS:
            break
    return total


def _check_spec(value: Any, spec: str) -> None:
    """Refuse a ``str.format`` field whose width or precision is out of all proportion."""
    found = _SPEC.fullmatch(spec)
    if found is None:  # a format of the value's own (a date's strftime): about its spec's size
        size = text_size(value) + 40 * len(spec)
    else:
        width = int(found.group(1)) if found.group(1) else 0
        precision = int(found.group(2)) if found.group(2) else None
        conversion = spec[-1] if (spec and spec[-1].isalpha()) or spec.endswith("%") else "s"
        if conversion == "s" and not isinstance(value, str) and isinstance(value, int | float):
            conversion = "g"
        size = _field_size(value, width, precision, conversion)
    if size > MAX_VALUE_CHARS:
        raise _text(size)


@functools.cache
def _formatters() -> tuple[type, type]:
    """Jinja's sandboxed formatters, checking each field's width and precision first."""

    class Checked(SandboxedFormatter):
        def format_field(self, value: Any, format_spec: str) -> Any:
            _check_spec(value, format_spec)
            return super().format_field(value, format_spec)

    class CheckedEscape(SandboxedEscapeFormatter):
        def format_field(self, value: Any, format_spec: str) -> Any:
            _check_spec(value, format_spec)
            return super().format_field(value, format_spec)

    return Checked, CheckedEscape


def wrap_str_format(env: Any, value: Any) -> Callable[..., str] | None:
    """Jinja's ``wrap_str_format`` (str.format and format_map run through its sandboxed
    formatter), with each field's width and precision checked before it is formatted."""

    if not isinstance(value, types.MethodType | types.BuiltinMethodType) or \
            value.__name__ not in ("format", "format_map"):
        return None
    owner: Any = value.__self__
    if not isinstance(owner, str):
        return None
    kind: type[str] = type(owner)
    is_format_map = value.__name__ == "format_map"
    checked, checked_escape = _formatters()
    formatter = (checked_escape(env, escape=owner.escape) if isinstance(owner, Markup)
                 else checked(env))

    def wrapper(*args: Any, **kwargs: Any) -> str:
        check_time()
        if is_format_map:
            if kwargs:
                raise TypeError("format_map() takes no keyword arguments")
            if len(args) != 1:
                raise TypeError(
                    f"format_map() takes exactly one argument ({len(args)} given)")
            kwargs = args[0]
            args = ()
        result = kind(formatter.vformat(owner, args, kwargs))
        check_result(result, owner)
        return result

    return functools.update_wrapper(wrapper, value)


# --------------------------------------------------------------------------------------------
# Operators and concatenation

def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be out of all proportion, before it is made."""
    check_time()
    numbers = (isinstance(left, int | float) and not isinstance(left, bool)
               and isinstance(right, int | float) and not isinstance(right, bool))
    if operator == "**" and numbers:
        base, exponent = abs(float(left)), float(right)
        if base > 1 and exponent > 0 and exponent * math.log10(base) > MAX_INT_DIGITS:
            raise _too_large(f"ett tal med över {_n(MAX_INT_DIGITS)} siffror")
        return
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int) and \
                _digits(left) + _digits(right) > MAX_INT_DIGITS:
            raise _too_large(f"ett tal med över {_n(MAX_INT_DIGITS)} siffror")
        for seq, count in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(count, int) and size * count > MAX_VALUE_CHARS:
                raise _text_or_list(size * count)
        return
    if operator == "+":
        a, b = _size(left), _size(right)
        if a is not None and b is not None and a + b > MAX_VALUE_CHARS:
            raise _text_or_list(a + b)
        return
    if operator == "%" and isinstance(left, str):
        size = printf_size(left, right)
        if size > MAX_VALUE_CHARS:
            raise _text(size)


def call_concat(markup: bool, values: tuple[Any, ...]) -> str:
    """``a ~ b ~ …``: refused if the text would be too long, else joined as Jinja joins it."""

    check_time()
    size = 0
    for value in values:
        if isinstance(value, str):
            size += len(value)
        elif isinstance(value, _CONTAINERS) or _attributes(value) is not None:
            size += text_size(value)
        if size > MAX_VALUE_CHARS:
            raise _text(size)
    result = markup_join(values) if markup else str_join(values)
    check_result(result, *values)
    return result


@functools.cache
def code_generator() -> type:
    """Jinja's code generator, with ``~`` compiled to :func:`call_concat` (through the
    environment's ``call_concat``) so that a concatenation is measured before it is made."""

    class Generator(CodeGenerator):
        @optimizeconst
        def visit_Concat(self, node: Concat, frame: Frame) -> None:
            # the same choice of join Jinja makes (markup_join or str_join)
            markup = ("context.eval_ctx.volatile" if frame.eval_ctx.volatile
                      else repr(bool(frame.eval_ctx.autoescape)))
            self.write(f"environment.call_concat({markup}, (")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

    return Generator


# --------------------------------------------------------------------------------------------
# Calls: methods of texts, lists, dicts and sets, and the environment's functions

_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})
_GROWING = frozenset({"append", "extend", "insert", "update", "setdefault", "add",
                      "__setitem__", "intersection_update", "difference_update",
                      "symmetric_difference_update"})


def _replace_size(text: str | bytes, old: Any, new: Any, count: Any) -> int:
    if not isinstance(old, str | bytes) or not isinstance(new, str | bytes):
        return len(text)
    found = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(0, len(new) - len(old))


def _join_size(separator: Any, items: list[Any]) -> int:
    size = max(0, len(items) - 1) * len(str(separator))
    return size + sum(len(item) if isinstance(item, str | bytes) else text_size(item)
                      for item in items)


@functools.cache
def _lipsum() -> Any:

    return DEFAULT_NAMESPACE.get("lipsum")


@functools.cache
def _macro() -> type:

    return Macro


def check_call(obj: Any, args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Refuse a call whose result would be out of all proportion, before it runs; the
    arguments to call it with (an iterator given to ``join`` or ``extend`` is made a list, so
    it can be measured and still be used)."""
    check_time()
    name = getattr(obj, "__name__", "")
    owner = getattr(obj, "__self__", None)
    if isinstance(owner, str | bytes):
        size: int | None = None
        if name in _WIDTH_METHODS:
            widths = [a for a in (*args, *kwargs.values())
                      if isinstance(a, int) and not isinstance(a, bool)]
            size = max(widths, default=0)
        elif name == "expandtabs":
            tab = next(iter((*args, *kwargs.values())), 8)
            tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
            size = len(owner) + tabs * (tab if isinstance(tab, int) and tab > 0 else 0)
        elif name == "replace" and len(args) + len(kwargs) >= 2:
            given = [*args, *kwargs.values()]
            size = _replace_size(owner, given[0], given[1], given[2] if len(given) > 2 else -1)
        elif name == "join" and args:
            items = list(args[0])
            args = (items, *args[1:])
            size = _join_size(owner, items)
        elif name == "translate" and args and isinstance(args[0], Mapping):
            longest = max((len(v) for v in args[0].values() if isinstance(v, str | bytes)),
                          default=1)
            size = len(owner) * max(1, longest)
        if size is not None and size > MAX_VALUE_CHARS:
            raise _text(size)
    elif isinstance(owner, list | set | dict) and name in ("extend", "update") and args:
        given = args[0]
        if not isinstance(given, Mapping | list | tuple | set | frozenset | str | bytes):
            given = list(given)
            args = (given, *args[1:])
        size = len(owner) + len(given)
        if size > MAX_VALUE_CHARS:
            raise _text_or_list(size)
    elif obj is _lipsum():
        named = dict(zip(("n", "html", "min", "max"), args, strict=False)) | kwargs
        paragraphs, most = named.get("n", 5), named.get("max", 100)
        if isinstance(paragraphs, int) and isinstance(most, int):
            size = paragraphs * most * 12
            if size > MAX_VALUE_CHARS:
                raise _text(size)
    return args, kwargs


def check_call_result(obj: Any, result: Any, args: tuple[Any, ...],
                      kwargs: dict[str, Any]) -> None:
    """After a call: its result, and a list, dict or set one of its methods grew."""
    if isinstance(obj, _macro()):
        return  # a macro's text is a capture, charged to the output budget as it was made
    owner = getattr(obj, "__self__", None)
    check_result(result, owner, *args, *kwargs.values())
    if isinstance(owner, list | dict | set) and getattr(obj, "__name__", "") in _GROWING:
        if len(owner) > MAX_VALUE_CHARS:
            raise _text_or_list(len(owner))
        given = args[0] if args else None  # the items it took: one, or as many as given
        charge_built(len(given) if isinstance(given, _CONTAINERS) and
                     getattr(obj, "__name__", "") in ("extend", "update") else 1)


# --------------------------------------------------------------------------------------------
# Filters

_STRUCTURAL = frozenset({
    "abs", "attr", "batch", "bool", "count", "d", "default", "dictsort", "first", "float",
    "groupby", "int", "items", "last", "length", "list", "map", "max", "min", "random",
    "reject", "rejectattr", "reverse", "round", "select", "selectattr", "slice", "sort", "sum",
    "unique",
})
"""Filters that never make their list or dict arguments into text (the rest may: ``upper``
makes ``str(value)`` of whatever it is given)."""

_PARAMETERS: dict[str, tuple[str, ...]] = {
    "center": ("width",),
    "indent": ("width", "first", "blank"),
    "wordwrap": ("width", "break_long_words", "wrapstring", "break_on_hyphens"),
    "join": ("d", "attribute"),
    "replace": ("old", "new", "count"),
    "tojson": ("indent",),
    "batch": ("linecount", "fill_with"),
    "slice": ("slices", "fill_with"),
    "urlize": ("trim_url_limit", "nofollow", "target", "rel", "extra_schemes"),
    "sum": ("attribute", "start"),
    "lista": (),
}
"""The parameters after the value of the filters whose result is worked out in advance."""


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _filter_size(name: str, value: Any, given: dict[str, Any], extra: tuple[Any, ...],
                 environment: Any) -> tuple[int | None, Any]:
    """A filter's result size, worked out before it runs (None: nothing to work out), and the
    value to run it on (an iterator that had to be read is given on as a list)."""
    if name == "center":
        width = given.get("width", 80)
        return (width if isinstance(width, int) else None), value
    if name == "indent":
        width = given.get("width", 4)
        text = _as_text(value)
        step = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        return len(text) + (text.count("\n") + 1) * max(0, step), value
    if name == "wordwrap":
        width = given.get("width", 79)
        wrap = given.get("wrapstring") or "\n"
        text = _as_text(value)
        lines = min(len(text) // max(1, width if isinstance(width, int) else 1)
                    + text.count(" ") + 1,
                    len(text) - text.count(" ") - text.count("\n") + 1)  # a line holds a letter
        return len(text) + lines * len(_as_text(wrap)), value
    if name == "format":
        return printf_size(_as_text(value), given.get("kwargs") or extra), value
    if name in ("join", "lista"):
        items = list(value)
        attribute = given.get("attribute")
        measured = items
        if attribute is not None and environment is not None:

            measured = list(map(make_attrgetter(environment, attribute), items))
        separator = given.get("d", "") if name == "join" else ", "
        return _join_size(separator, measured), items
    if name == "replace":
        old, new = given.get("old"), given.get("new")
        count = given.get("count")
        return _replace_size(_as_text(value), old, new, -1 if count is None else count), value
    if name == "tojson":
        indent = given.get("indent")
        step = len(indent) if isinstance(indent, str) else indent if isinstance(indent, int) \
            else 0
        return text_size(value, indent=max(0, step)), value
    if name in ("batch", "slice"):
        count = given.get("linecount" if name == "batch" else "slices")
        read: Any = value if isinstance(value, list | tuple | str) else list(value)
        if (isinstance(count, int) and given.get("fill_with") is not None) or name == "slice":
            return max(len(read), count if isinstance(count, int) else 0), read
        return None, read
    if name == "urlize":
        text = _as_text(value)
        added = sum(len(_as_text(given.get(k) or "")) for k in ("target", "rel")) + 60
        return len(text) + (text.count(" ") + 1) * added, value
    return None, value


def _sum(environment: Any, items: Iterable[Any], attribute: Any, start: Any) -> Any:
    """``sum`` of texts or lists step by step, so that the time budget can stop it (Python's
    sum in one C call costs the square of the items' number, uninterruptible)."""
    if attribute is not None:

        items = map(make_attrgetter(environment, attribute), items)
    total = start
    for item in items:
        size = (_size(total) or 0) + (_size(item) or 0)
        if size > MAX_VALUE_CHARS:
            raise _text_or_list(size)
        check_time()
        total = total + item
    return total


def bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks the time, measures what it is about to make, and its result."""

    if getattr(original, "_slutrapport_bounded", False):
        return original
    passes = _PassArg.from_obj(original) is not None
    parameters = _PARAMETERS.get(name)
    structural = name in _STRUCTURAL or name in ("join", "lista", "tojson")

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check_time()
        first = args[:1] if passes else ()
        rest = args[1:] if passes else args
        if not rest:
            return original(*args, **kwargs)
        value, extra = rest[0], rest[1:]
        check_text(*extra, *kwargs.values())
        if not structural:  # join and tojson measure their value as what they make of it
            check_text(value)
        if parameters is not None or name == "format":
            given = dict(zip(parameters or (), extra, strict=False)) | kwargs
            if name == "format":
                given = {"kwargs": kwargs}
            environment = getattr(first[0], "environment", first[0]) if first else None
            if name == "sum" and isinstance(given.get("start"), str | bytes | list | tuple):
                return _sum(environment, value, given.get("attribute"), given.get("start"))
            size, value = _filter_size(name, value, given, extra, environment)
            if size is not None and size > MAX_VALUE_CHARS:
                raise _text_or_list(size) if name in ("batch", "slice") else _text(size)
        result = original(*first, value, *extra, **kwargs)
        check_result(result, value, *extra, *kwargs.values())
        return result

    functools.update_wrapper(bounded, original)
    bounded._slutrapport_bounded = True  # type: ignore[attr-defined]
    return bounded


class BoundedFilters(dict[str, Callable[..., Any]]):
    """An environment's filters, each wrapped by :func:`bounded_filter` as it is put in (also
    those added after the environment is made, and those Jinja calls while it compiles)."""

    def __init__(self, filters: Mapping[str, Callable[..., Any]] | None = None) -> None:
        super().__init__()
        self.update(filters or {})

    def __setitem__(self, name: str, value: Callable[..., Any]) -> None:
        super().__setitem__(name, bounded_filter(name, value))

    def update(self, *others: Any, **more: Any) -> None:
        for name, value in dict(*others, **more).items():
            self[name] = value

    def setdefault(self, name: str, value: Any = None) -> Any:
        if name not in self:
            self[name] = value
        return self[name]


# --------------------------------------------------------------------------------------------
# Output and time
