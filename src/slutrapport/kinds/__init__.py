"""Section kinds: one module per kind, each a pydantic model that holds all it knows.

A report is ``projekt`` plus a list ``avsnitt`` whose items each name their kind with ``typ``
(a discriminated union over the classes registered here). A kind is one class, a subclass of
:class:`Section`, in one module of this package; it carries

- its fields (the data vocabulary, Swedish) and their descriptions (the schema, the docs),
- :meth:`Section.findings` — its checks, yielding findings with places relative to the section,
- :meth:`Section.unfilled` — what is left to fill in,
- :meth:`Section.context` — what a template sees of it, every figure ready to print, and
  :attr:`~slutrapport.fields.Modell.DERIVED` — which printed values show which figures,
- :meth:`Section.chart_facts` — what its charts show (names in ``DIAGRAM``), which both the Word
  chart and the picture draw,
- :meth:`Section.tables` — its captioned tables (names in ``TABELLER``),
- :attr:`~slutrapport.fields.Modell.CARRY` — what ``new --from`` clears, keeps or marks for
  review (of it and of the models it nests),
- :meth:`Section.fragment` — its part of the default template.

Adding a kind is adding a module here: the registry finds it, and the report model, the schema,
``new``, ``check``, ``template check``, the default template and the docs pick it up. A kind
defined elsewhere registers itself when its class is made (importing its module is enough), and
:func:`unregister` takes it away again; everything that depends on the set of kinds follows
(:func:`on_change`, :func:`generation`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from slutrapport.chartfacts import Bars
from slutrapport.fields import Loc, Modell
from slutrapport.names import ID_PATTERN

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = ["ID_PATTERN", "KINDS", "LinkId", "Raw", "Section", "Severity", "generation", "kinds",
           "on_change", "unregister"]

Severity = Literal["error", "warning", "info"]
Raw = tuple[str, Severity, Loc, str, Any, Any]
"""A finding as a kind yields it: code, severity, place (relative to the section), message,
expected and actual."""
LinkId = Callable[[str], str]

KINDS: dict[str, type[Section]] = {}
"""Every section kind by its ``typ``, in alphabetical order once :func:`kinds` has run."""


class Section(Modell):
    """What every section has: its kind, an id that names it, and a heading."""

    TYP: ClassVar[str] = ""
    """The kind's name, as written in ``typ``."""
    BESKRIVNING: ClassVar[str] = ""
    """One Swedish line on what the kind is for (docs, ``new``, the schema)."""
    DIAGRAM: ClassVar[tuple[str, ...]] = ()
    """The charts the kind can draw, by name (``<id>.diagram.<namn>`` in a template)."""
    TABELLER: ClassVar[tuple[str, ...]] = ()
    """The captioned tables the kind can show, by name (``<id>.tabeller.<namn>`` in a
    template), in the order its part of the default template shows them."""

    id: str | None = Field(
        None, pattern=ID_PATTERN,
        description="Avsnittets namn i datat (små bokstäver, siffror och _); används i "
                    "tallänkar och i en egen mall. Lämnas det tomt används typen.",
    )
    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("typ")
        if field is None:
            return
        for tag in getattr(field.annotation, "__args__", ()):
            KINDS[tag] = cls
        if _loaded:  # a kind made after the package's own (in a plug-in, or a test)
            _changed()

    @property
    def name(self) -> str:
        """The id (set for every section once the report is validated)."""
        return self.id or str(getattr(self, "typ", ""))

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        """The section's own checks; places are relative to the section."""
        return iter(())

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        """Figures and lists left to fill in (places relative to the section, a Swedish note)."""
        return iter(())

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        """Add what a template needs beyond the fields (computed figures) to ``out``."""

    def chart_facts(self) -> dict[str, Bars | None]:
        """What the section's charts show, by name (of ``DIAGRAM``): the charts its data has,
        each None where there is nothing to draw (a budget of 0). Both back-ends draw these
        facts: :mod:`slutrapport.wordcharts` and :mod:`slutrapport.charts`."""
        return {}

    def tables(self) -> dict[str, str]:
        """The captioned tables the section's data fills, by name: each caption's title (what
        follows ``Tabell 2: ``)."""
        return {}

    def reference(self, what: Literal["tabell", "diagram"], name: str) -> str:
        """The name a text refers to one of the section's tables or charts by
        (``[](ref:tabell.ekonomi.kostnader)``): ``<tabell|diagram>.<id>.<namn>``."""
        return f"{what}.{self.name}.{name}"

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        """Write the default template's part for this kind; ``var`` names the section."""
        raise NotImplementedError


def kinds() -> dict[str, type[Section]]:
    """Import every kind module of this package (once) and return the registry."""
    if not _loaded:
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _sort()
        _loaded.append(True)
    return KINDS


_loaded: list[bool] = []
_listeners: list[Callable[[], None]] = []
_generation: list[int] = [0]


def _sort() -> None:
    ordered = sorted(KINDS.items())
    KINDS.clear()
    KINDS.update(ordered)


def _changed() -> None:
    _sort()
    _generation[0] += 1
    for listener in _listeners:
        listener()


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever a kind is added or taken away after the package's own are
    loaded (the report model rebuilds its union of kinds)."""
    _listeners.append(listener)


def generation() -> int:
    """A number that changes whenever the set of kinds does (for caches of what depends on it)."""
    return _generation[0]


def unregister(typ: str) -> None:
    """Take the kind ``typ`` away (one registered outside the package, by a test or a plug-in)."""
    if KINDS.pop(typ, None) is not None:
        _changed()
