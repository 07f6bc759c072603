"""What a chart shows, however it is drawn: :class:`Bars`.

A section kind says what its charts show (:meth:`slutrapport.kinds.Section.chart_facts`): for
each chart a :class:`Bars` with its categories, series of figures, the labels at the bars, the
axes' titles, the caption's title and the alt text. Two back-ends draw the same facts: a Word
chart with its figures in an embedded workbook (:mod:`slutrapport.wordcharts`, the default) and a
picture (:mod:`slutrapport.charts`, ``--diagram bild``). Neither knows any kind.

Every chart is made to be printed: greys and hatching tell its bars apart in black and white
(:data:`LIGHT`, :data:`DARK`, :data:`SINGLE`), and no series is told apart by colour or by a
legend alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from slutrapport.formatting import format_decimal, format_integer

if TYPE_CHECKING:
    from slutrapport.kinds import Section

__all__ = [
    "DARK",
    "FULL_WIDTH_CM",
    "HALF_WIDTH_CM",
    "LIGHT",
    "MAX_CATEGORIES",
    "MAX_HEIGHT_CM",
    "SINGLE",
    "SMALL_PT",
    "TEXT_PT",
    "Bars",
    "Series",
    "in_order",
    "largest",
    "others",
    "rows_height",
    "selection_note",
    "short_name",
]

LIGHT = "ljus"
"""A white bar hatched with black diagonals (the first of two series)."""
DARK = "mork"
"""A dark grey bar (the second of two series)."""
SINGLE = "gra"
"""A middle grey bar (a chart of one kind of bar)."""

TEXT_PT = 9.0
"""The size of a chart's text: categories and labels."""
SMALL_PT = 8.0
"""The size of axis titles, tick labels and the legend."""
FULL_WIDTH_CM = 16.0
"""A chart as wide as the text."""
HALF_WIDTH_CM = 12.0
"""A chart of a few bars."""
MAX_HEIGHT_CM = 22.0
"""The tallest a chart gets: a page less its caption."""
MAX_NAME = 40
"""Characters of a category's name before it is shortened in the middle (:func:`short_name`)."""
MAX_CATEGORIES = 30
"""The most bars (or groups of bars) a chart of categories shows: beyond, the largest
``MAX_CATEGORIES - 1`` and one bar for the others together (the table shows them all). More would
not be readable on a page."""


def largest(values: Sequence[int | Decimal]) -> list[int] | None:
    """The indices of the ``MAX_CATEGORIES - 1`` largest values, largest first (the earlier of
    equal ones first), when there are more than ``MAX_CATEGORIES``; else None (all are shown).

    >>> largest([5] * 30) is None, largest(list(range(31)))[:3]
    (True, [30, 29, 28])
    """
    if len(values) <= MAX_CATEGORIES:
        return None
    ranked = sorted(range(len(values)), key=lambda i: (-values[i], i))
    return ranked[:MAX_CATEGORIES - 1]


def others(count: int, what: str) -> str:
    """The name of the bar for the rest: 'Övriga (4 971 kostnadsslag)'."""
    return f"Övriga ({format_integer(count)} {what})"


def selection_note(chart: str, count: int, what: str, limit: int, shows: str) -> str:
    """The text of the ``diagram-urval`` information when a chart shows a selection."""
    return (f"Diagrammet över {chart} skulle få {format_integer(count)} {what}, fler än de "
            f"{format_integer(limit)} som går att läsa på en sida; det visar {shows}. Tabellen "
            "visar alla.")


def rows_height(n: int, frame_cm: float, row_cm: float) -> tuple[float, float]:
    """A chart of ``n`` rows of bars: its height (``row_cm`` a row and ``frame_cm`` for the axes,
    at most :data:`MAX_HEIGHT_CM`, where the rows get thinner) and the size a row allows its
    text, in points."""
    height = min(frame_cm + row_cm * n, MAX_HEIGHT_CM)
    return height, (height - frame_cm) / n / (1 / 2.54) * 72


def short_name(name: str) -> str:
    """A name to at most :data:`MAX_NAME` characters, its middle cut out: names differ at the end
    too.

    >>> short_name("Företaget med ett mycket mycket långt namn nummer 19 Aktiebolag")
    'Företaget med ett myc…mmer 19 Aktiebolag'
    """
    name = " ".join(name.split())
    if len(name) <= MAX_NAME:
        return name
    tail = MAX_NAME * 9 // 20
    return name[: MAX_NAME - 1 - tail].rstrip() + "…" + name[-tail:].lstrip()


@dataclass(frozen=True)
class Series:
    """A series of bars: its name (in the legend), its figures, and each bar's fill and note."""

    name: str
    values: tuple[int | Decimal, ...]
    fills: tuple[str, ...]
    """Each bar's fill: :data:`LIGHT`, :data:`DARK` or :data:`SINGLE`."""
    notes: tuple[str, ...] | None = None
    """Text after each bar's figure in its label (its share: ``(40,8 %)``), or None."""
    prefixes: tuple[str, ...] | None = None
    """Text before each bar's figure in its label (the figure before it: ``2,5 → ``), or None."""
    unlabelled: tuple[int, ...] = ()
    """The bars without a label (another series' label says their figures)."""


@dataclass(frozen=True)
class Bars:
    """What a chart shows, however it is drawn (a picture, or a Word chart).

    Its bars by category, the figures and notes that label them, the axes' titles, and the
    caption's title and alt text; each back-end draws the same facts.
    """

    title: str
    alt: str
    horizontal: bool
    """Bars along the x axis, categories top to bottom (else columns, left to right)."""
    categories: tuple[str, ...]
    """The categories' names as shown (long names shortened in the middle)."""
    series: tuple[Series, ...]
    value_title: str
    width_cm: float
    height_cm: float
    unit: str = ""
    """What follows each figure in a label: a no-break space and ``kr`` for amounts."""
    category_title: str = ""
    category_pt: float = TEXT_PT
    label_pt: float = TEXT_PT

    @property
    def legend(self) -> bool:
        """Whether the series need a legend (more than one)."""
        return len(self.series) > 1

    def label(self, series: Series, i: int) -> str:
        """Bar ``i``'s label as a chart prints it: prefix, figure, unit and note (``""`` for an
        unlabelled bar).

        >>> s = Series("s", (Decimal("2.5"), 3), ("ljus", "ljus"), notes=("(40 %)", "(60 %)"))
        >>> Bars("", "", True, ("a", "b"), (s,), "", 1.0, 1.0, unit="\\xa0kr").label(s, 0)
        '2,5\\xa0kr (40 %)'
        """
        if i in series.unlabelled:
            return ""
        value = series.values[i]
        figure = (format_integer(value) if isinstance(value, int)
                  else format_decimal(value, max_decimals=2))
        prefix = series.prefixes[i] if series.prefixes else ""
        note = " " + series.notes[i] if series.notes else ""
        return prefix + figure + self.unit + note


def in_order(sections: Iterable[Section]) -> Iterator[tuple[Section, str, Bars, int]]:
    """The charts the sections' data draws, in the order they stand, numbered without a gap:
    (section, chart name, facts, number). A chart whose data is missing or empty is left out."""
    number = 0
    for section in sections:
        facts = section.chart_facts()
        for name in section.DIAGRAM:
            bars = facts.get(name)
            if bars is None:
                continue
            number += 1
            yield section, name, bars, number
