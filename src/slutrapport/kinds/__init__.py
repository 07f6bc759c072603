"""Section kinds: one module per kind, each a pydantic model with its own checks and rendering.

A report is ``projekt`` plus a list ``avsnitt`` whose items each name their kind with ``typ``
(a discriminated union over the classes registered here). A kind is one class, a subclass of
:class:`Section`, in one module of this package; it carries

- its fields (the data vocabulary, Swedish),
- :meth:`Section.findings` — its checks, yielding findings with places relative to the section,
- :meth:`Section.context` — what a template sees of it, every figure ready to print,
- :meth:`Section.charts` — the charts it can draw (names in ``DIAGRAM``),
- :meth:`Section.fragment` — how the default template renders it.

Adding a kind is adding a module here: the registry finds it, and the schema, ``new``,
``template check``, the default template and the docs pick it up.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from slutrapport.fields import Loc, Modell

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.charts import Drawn
    from slutrapport.models import Slutrapport

__all__ = ["ID_PATTERN", "KINDS", "Raw", "Section", "Severity", "kinds", "round_like"]

Severity = Literal["error", "warning", "info"]
Raw = tuple[str, Severity, Loc, str, Any, Any]
"""A finding as a kind yields it: code, severity, place (relative to the section), message,
expected and actual."""
LinkId = Callable[[str], str]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""A section's id: lower-case ASCII letters, digits and underscores, starting with a letter."""

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

    def charts(self) -> dict[str, Callable[[], Drawn | None]]:
        """The section's charts, each as a function that draws it (None: nothing to draw)."""
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


MAX_PLACES = 20
"""The most decimals a comparison rounds to; a stated figure with more is compared at this."""


def round_like(value: Decimal, shown: Decimal) -> Decimal:
    """Round value half-up to as many decimals as the stated figure shows.

    >>> round_like(Decimal("49.7118"), Decimal("49.7"))
    Decimal('49.7')
    """
    with localcontext() as ctx:
        # Bounded: a figure in a text may be written with any number of decimals, and a
        # quantize beyond the context's precision raises instead of rounding.
        ctx.prec = 60
        exponent = shown.normalize().as_tuple().exponent
        places = max(min(exponent, 0), -MAX_PLACES) if isinstance(exponent, int) else 0
        return value.quantize(Decimal(1).scaleb(places), rounding=ROUND_HALF_UP)


def share(part: Decimal | int, whole: Decimal | int, places: int = 1) -> Decimal:
    """``part`` in per cent of ``whole``, rounded half-up to ``places`` decimals (one).

    >>> share(1466, 2949), share(1466, 2949, 2)
    (Decimal('49.7'), Decimal('49.71'))
    """
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal(1).scaleb(-places),
                                                           ROUND_HALF_UP)


def share_places(*stated: Decimal | None) -> int:
    """The decimals a computed share keeps beside stated ones (of the same table): one, or
    as many as the most precise stated share shows.

    >>> share_places(Decimal("49.75"), None), share_places(None), share_places(Decimal("40"))
    (2, 1, 1)
    """
    from slutrapport.formatting import percent_places

    return max([1, *(percent_places(s) for s in stated if s is not None)])


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same, whatever their case or surrounding space.

    >>> same_name("Vännäs", " VÄNNÄS ")
    True
    """
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def date_bounds(value: str) -> tuple[_dt.date, _dt.date]:
    """The first and last day a partial date (``2019``, ``2022-10``, ``2022-10-31``) covers.

    >>> date_bounds("2022-02")
    (datetime.date(2022, 2, 1), datetime.date(2022, 2, 28))
    """
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return _dt.date(parts[0], 1, 1), _dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        first = _dt.date(parts[0], parts[1], 1)
        following = _dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - _dt.timedelta(days=1)
    day = _dt.date(parts[0], parts[1], parts[2])
    return day, day


def kinds() -> dict[str, type[Section]]:
    """Import every kind module of this package (once) and return the registry."""
    if not _loaded:
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        ordered = sorted(KINDS.items())
        KINDS.clear()
        KINDS.update(ordered)
        _loaded.append(True)
    return KINDS


_loaded: list[bool] = []


def slug(text: str) -> str:
    """An id made from a heading: ASCII-folded snake_case.

    >>> slug("Samverkan Umeå")
    'samverkan_umea'
    """
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    if not out or not out[0].isalpha():
        out = "avsnitt_" + out if out else "avsnitt"
    return out[:40].rstrip("_")
