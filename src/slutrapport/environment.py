"""The Jinja environment every template runs in: sandboxed, autoescaping, strict about names.

A Word template's parts are Jinja templates (docxtpl turns them into Jinja source). They run in
one environment, :func:`environment`: Jinja's sandbox (no reaching into Python's insides), with
slutrapport's budgets at its hooks (:mod:`slutrapport._sandbox`: time, output, the size of what an
expression builds), autoescape on (data never breaks the XML), an undefined name an error, and
the Swedish filters (:data:`FILTERS`). Figures print the Swedish way even without a filter
(:func:`finalize`). ``render`` fills templates in it and ``check`` (what is shown) and
``template check`` read them with it.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from slutrapport import _codecache, _sandbox, formatting
from slutrapport.narrative import protect_braces

__all__ = ["CHART_KEYS", "FILTERS", "code_stamp", "environment", "finalize"]

CHART_KEYS = ("bild", "bildtext", "alt")
"""What each ``<avsnitt>.diagram.<namn>`` holds: the chart, its caption and its alt text."""


def _period(value: Any, end: Any = None) -> str:
    if isinstance(value, dict):
        return formatting.format_period(value["fran"], value["till"])
    return formatting.format_period(value, end)


FILTERS: dict[str, Callable[..., str]] = {
    **formatting.FILTERS,
    "period": _period,
    "lista": formatting.format_list,
}
"""The Jinja filters templates may use: ``tal``, ``kr``, ``decimal``, ``procent``, ``andel``,
``datum``, ``manad``, ``period``, ``tecken`` and ``lista``."""


def finalize(value: Any) -> Any:
    """Print figures the Swedish way even without a filter; None prints nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return formatting.format_integer(value)
    if isinstance(value, Decimal):
        return formatting.format_decimal(value, max_decimals=2)
    if hasattr(value, "__html__"):
        return value
    if not isinstance(value, str):  # a list or dict printed: its text measured before it is made
        _sandbox.check_text(value)
    return Markup(protect_braces(str(escape(str(value)))))


def _finalize_text(value: Any) -> Any:
    """Like :func:`finalize`, for plain text such as the document's properties: nothing
    escaped."""
    if value is None or isinstance(value, int | Decimal):
        return finalize(value)
    return value


_CODE_FORMAT = "1"
"""Bump when what the compiled code expects of the environment changes in a way
:func:`code_stamp` can't see."""


@functools.cache
def code_stamp() -> str:
    """What the code Jinja compiles here depends on, besides the template's source: Python's
    bytecode, Jinja's version, and slutrapport's code generator and sandbox hooks (the bytes of
    this module and :mod:`slutrapport._sandbox`)."""
    digest = hashlib.sha256()
    for part in (_CODE_FORMAT, sys.implementation.cache_tag or sys.version, jinja2.__version__):
        digest.update(part.encode("utf-8") + b"\0")
    for module in (__file__, _sandbox.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


@functools.cache
def environment(*, xml: bool = True) -> SandboxedEnvironment:
    """The Jinja environment templates run in: sandboxed, autoescaping, strict about names.

    ``xml=False`` gives the same environment for plain text (no XML escaping), which the
    document's properties (title, subject …) are: python-docx escapes them itself. There is one
    of each per process, and it keeps the templates it has compiled: rendering the same Word
    template again (another report, or the same one after an edit) skips Jinja's compiler. The
    compiled code is also kept on disk (:mod:`slutrapport._codecache`, signed and read only
    from a folder of the user's own), so a fresh process skips it too.
    """
    class _BoundedTemplate(Template):
        """A template whose output is counted as it is written (see slutrapport._sandbox)."""

        def render(self, *args: Any, **kwargs: Any) -> str:
            ctx = self.new_context(dict(*args, **kwargs))
            try:
                return _sandbox.counted(self.root_render_func(ctx))
            except Exception:
                self.environment.handle_exception()
            raise AssertionError("unreachable")  # handle_exception always raises

    class _Sandbox(SandboxedEnvironment):
        """The sandbox with slutrapport._sandbox's budgets at its hooks: operators (intercepting
        them also keeps Jinja from folding them while it compiles), calls, every filter, ``~``
        (compiled to ``call_concat``), captures (``concat``) and ``str.format``."""

        intercepted_binops = frozenset({"*", "**", "+", "%", "//"})
        code_generator_class = _sandbox.code_generator()

        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self._compiled: dict[str, Any] = {}
            self.template_class = _BoundedTemplate
            self.filters = _sandbox.BoundedFilters(self.filters)
            self.concat = _sandbox.bounded_concat  # type: ignore[method-assign]

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _sandbox.check_binop(operator, left, right)
            result = super().call_binop(context, operator, left, right)
            _sandbox.check_result(result, left, right)
            return result

        def call_concat(self, markup: bool, values: tuple[Any, ...]) -> str:
            return _sandbox.call_concat(markup, values)

        def call(__self, __context: Any, __obj: Any, *args: Any,
                 **kwargs: Any) -> Any:
            args, kwargs = _sandbox.check_call(__obj, args, kwargs)
            result = super().call(__context, __obj, *args, **kwargs)
            _sandbox.check_call_result(__obj, result, args, kwargs)
            return result

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            return _sandbox.wrap_str_format(self, value)

        def from_string(self, source: Any, globals: Any = None,
                        template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            compiled = self._compiled.get(source)
            if compiled is None:
                compiled = self.template_class.from_code(
                    self, self._code(source), self.make_globals(None), None)
                if len(self._compiled) >= 64:
                    self._compiled.clear()
                self._compiled[source] = compiled
            return compiled

        def _code(self, source: str) -> Any:
            """The template's compiled code: from the disk cache when it verifies, else
            compiled (and kept). Large sources only: a small one compiles faster than a file
            is read."""
            if len(source) < 256:
                return self.compile(source)
            key = "\n".join(("jinja", code_stamp(), "xml" if xml else "text",
                              hashlib.sha256(source.encode("utf-8")).hexdigest()))
            blob = _codecache.read(key)
            if blob is not None:
                try:
                    return marshal.loads(blob)
                except (ValueError, EOFError, TypeError):
                    pass
            code = self.compile(source)
            _codecache.write(key, marshal.dumps(code))
            return code

    env = _Sandbox(autoescape=xml, undefined=StrictUndefined,
                   finalize=finalize if xml else _finalize_text)
    env.filters.update(FILTERS)
    return env
