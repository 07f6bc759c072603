"""Charts drawn from a report's data, as PNG images with Swedish captions and alt texts.

:func:`make_charts` draws the charts the data supports, in the order they appear in the report
(participants, the companies' employees, budget and outcome, costs), numbered in that order::

    charts = make_charts(report)
    charts["ekonomi"]["budget"].bildtext   # 'Diagram 3: Budget och utfall'

Each chart's facts (its bars, labels, axis titles, caption title and alt text) come first, as a
:class:`Bars` (``participants_bars`` …); the picture is drawn from them here, and the Word chart
that is placed by default from the same facts in :mod:`slutrapport.wordcharts`.

Every chart is made to be printed: greys and hatching tell its bars apart in black and white, no
series is told apart by colour or by a legend alone, figures are Swedish (no-break spaces between
thousands, the true minus sign, decimal comma) and the font is DejaVu Sans, which ships with
matplotlib. A chart is drawn at the size it is meant to have in the document (``width_cm`` wide,
at :data:`DPI` dots per inch), so its text prints at its stated point size.

The same data gives the same bytes: the figure has a fixed size, every style setting starts from
matplotlib's defaults (a user's ``matplotlibrc`` is ignored), and the PNG carries no software
version or date. (Bytes may differ between matplotlib, FreeType or Pillow versions.)

matplotlib is optional (the ``charts`` extra) and heavy, so it is imported only inside the drawing
functions; importing this module does not import it. Drawing uses ``matplotlib.figure.Figure``
and the Agg canvas directly, never pyplot, and holds a lock while matplotlib's style settings are
changed, so charts may be drawn from several threads.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from slutrapport import formatting
from slutrapport.kinds.deltagarprogram import Deltagarprogram
from slutrapport.models import Deltagare, Effekt, Ekonomi, Foretag, Slutrapport

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

__all__ = [
    "DARK",
    "DPI",
    "LIGHT",
    "MAX_CATEGORIES",
    "MAX_COMPANIES",
    "SELECTION_SIZE",
    "SINGLE",
    "Bars",
    "Chart",
    "Drawn",
    "Series",
    "budget",
    "budget_bars",
    "cache_dir",
    "cached",
    "costs",
    "costs_bars",
    "costs_selection",
    "employees",
    "employees_bars",
    "employees_selection",
    "largest",
    "make_charts",
    "participants",
    "participants_bars",
    "programme_participants",
    "programme_participants_bars",
    "programme_selection",
    "selection_note",
    "tick_label",
]

DPI = 200
"""Dots per inch of every chart."""
MAX_COMPANIES = 60
"""The most companies the employee chart shows one by one; above this it shows a selection."""
SELECTION_SIZE = 30
"""How many companies (those whose head count grew most) a selection shows."""
MAX_CATEGORIES = 30
"""The most bars (or groups of bars) the costs and the participant programme's charts show:
beyond, the largest ``MAX_CATEGORIES - 1`` and one bar for the others together (the table
shows them all). More would not be readable on a page."""

_CM = 1 / 2.54
_FULL_WIDTH_CM = 16.0
_HALF_WIDTH_CM = 12.0
_MAX_HEIGHT_CM = 22.0
_MAX_NAME = 40  # characters of a company or category name before it is shortened with '…'

# Black-and-white friendly fills: a light hatched bar and a dark solid one, both outlined.
_EDGE = "black"
_LIGHT: dict[str, Any] = {"color": "white", "hatch": "////"}
_DARK: dict[str, Any] = {"color": "0.35", "hatch": None}
_SINGLE: dict[str, Any] = {"color": "0.6", "hatch": None}
_TEXT_PT = 9.0
# A white ground behind a figure written on the chart, so grid lines never cross its digits.
_LABEL_BOX: dict[str, Any] = {
    "boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none",
}
_SMALL_PT = 8.0

_STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans"],
    "font.size": _TEXT_PT,
    # Tick labels come from tick_label, which writes the minus sign itself; matplotlib must not
    # substitute its own for a hyphen (there is none to substitute).
    "axes.unicode_minus": False,
    "axes.edgecolor": "black",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.grid": False,
    "grid.color": "0.8",
    "grid.linewidth": 0.5,
    "hatch.color": "black",
    "hatch.linewidth": 0.6,
    "xtick.labelsize": _SMALL_PT,
    "ytick.labelsize": _SMALL_PT,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": _SMALL_PT,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "text.color": "black",
    "patch.linewidth": 0.6,
}

_LOCK = threading.RLock()

# 256 greys to 16: a level, and the palette that maps each level back to its grey.
_LEVELS = [(v * 15 + 127) // 255 for v in range(256)]
_PALETTE = bytes(channel for level in range(16) for channel in (level * 17,) * 3)


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its PNG, the caption and alt text that go with it, and its width."""

    name: str
    """What the chart shows: ``anstallda``, ``kostnader``, ``budget`` or ``deltagare``."""
    png: bytes
    """The image, as PNG bytes (with its resolution, :data:`DPI`, in the file)."""
    bildtext: str
    """The caption, numbered: ``Diagram 2: Anställda per företag 2019 och okt-22``."""
    alt: str
    """A description for screen readers, with the chart's figures, in Swedish."""
    width_cm: float
    """The width the chart is drawn for, in centimetres (at most 16)."""


# --------------------------------------------------------------------------------------------
# Numbers


def tick_label(value: float, pos: int | None = None) -> str:
    r"""A tick label the Swedish way: no-break spaces between thousands, minus sign, comma.

    The signature is that of a ``matplotlib.ticker.FuncFormatter`` function; ``pos`` is unused.

    >>> tick_label(2000000.0)
    '2\xa0000\xa0000'
    >>> tick_label(-2.0)
    '−2'
    >>> tick_label(2.5)
    '2,5'
    >>> tick_label(-0.0)
    '0'
    """
    del pos
    number = Decimal(repr(float(value)))
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if abs(number - whole) < Decimal("1e-9") * max(Decimal(1), abs(number)):
        return formatting.format_integer(whole)
    return formatting.format_decimal(number, max_decimals=2)


def _share(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """``part`` in per cent of ``whole``, rounded half-up to one decimal (as the context does)."""
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _short(name: str) -> str:
    """A name to at most ``_MAX_NAME`` characters, its middle cut out: names differ at the end too.

    >>> _short("Företaget med ett mycket mycket långt namn nummer 19 Aktiebolag")
    'Företaget med ett myc…mmer 19 Aktiebolag'
    """
    name = " ".join(name.split())
    if len(name) <= _MAX_NAME:
        return name
    tail = _MAX_NAME * 9 // 20
    return name[: _MAX_NAME - 1 - tail].rstrip() + "…" + name[-tail:].lstrip()


def _enumerate(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


# --------------------------------------------------------------------------------------------
# Drawing


@contextmanager
def _style() -> Iterator[None]:
    """matplotlib's default style with ours on top, whatever the user's matplotlibrc says."""
    import matplotlib

    with _LOCK, matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(cast("dict[Any, Any]", _STYLE))
        yield


def _figure(width_cm: float, height_cm: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # Whole pixels, so the PNG is exactly round(cm / 2.54 * DPI) pixels each way.
    size = (round(width_cm * _CM * DPI) / DPI, round(height_cm * _CM * DPI) / DPI)
    fig = Figure(figsize=size, dpi=DPI, layout=ConstrainedLayoutEngine(w_pad=4 / 72, h_pad=4 / 72))
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    """The figure as a 4-bit greyscale PNG: 16 greys are all a chart in greys needs.

    matplotlib's own PNG is 32-bit RGBA and, for a chart of hatched bars, several times larger;
    Pillow (which matplotlib requires) writes the smaller one, with the resolution and without
    any software name or date, so the same figure gives the same bytes.
    """
    from PIL import Image

    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI)
    width, height = (round(v) for v in fig.get_size_inches() * DPI)
    grey = Image.frombytes("RGBA", (width, height), raw.getvalue()).convert("L").point(_LEVELS)
    image = Image.frombytes("P", grey.size, grey.tobytes())
    image.putpalette(_PALETTE)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def _formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(tick_label)


def _bars(
    ax: Axes, horizontal: bool, pos: Sequence[float], values: Sequence[float], size: float,
    fill: dict[str, Any], label: str | None = None,
) -> Any:
    kwargs: dict[str, Any] = {
        "color": fill["color"], "edgecolor": _EDGE, "hatch": fill["hatch"], "label": label,
        "linewidth": 0.6,
    }
    if horizontal:
        return ax.barh(pos, values, height=size, **kwargs)
    return ax.bar(pos, values, width=size, **kwargs)


def _fit_right(fig: Figure, ax: Axes, texts: Sequence[Annotation], pad_px: float = 6.0) -> None:
    """Widen the x axis so that labels placed right of bar ends end inside the axes."""
    if not texts:
        return
    for _ in range(3):
        fig.draw_without_rendering()
        box = ax.get_window_extent()
        xmin, xmax = ax.get_xlim()
        needed = xmax
        for text in texts:
            anchor = float(text.xy[0])
            extent = text.get_window_extent()
            anchor_px = float(ax.transData.transform((anchor, 0.0))[0])
            beyond = extent.x1 - anchor_px + pad_px  # label width plus its offset
            room = box.width - beyond
            if room <= box.width * 0.1:  # a label wider than the axes: let the layout cope
                continue
            needed = max(needed, xmin + (anchor - xmin) * box.width / room)
        if needed <= xmax * 1.0001:
            return
        ax.set_xlim(xmin, needed)


# --------------------------------------------------------------------------------------------
# The charts


@dataclass(frozen=True)
class Drawn:
    """A chart as drawn, before it is numbered: the PNG, its title, alt text and width."""

    png: bytes
    title: str
    alt: str
    width_cm: float


LIGHT = "ljus"
"""A white bar hatched with black diagonals (the first of two series)."""
DARK = "mork"
"""A dark grey bar (the second of two series)."""
SINGLE = "gra"
"""A middle grey bar (a chart of one kind of bar)."""


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
    """What a chart shows, however it is drawn (a picture here, a Word chart in wordcharts).

    Its bars by category, the figures and notes that label them, the axes' titles, and the
    caption's title and alt text; the picture and the Word chart are drawn from the same facts.
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
    category_pt: float = _TEXT_PT
    label_pt: float = _TEXT_PT

    @property
    def legend(self) -> bool:
        """Whether the series need a legend (more than one)."""
        return len(self.series) > 1


def participants_bars(d: Deltagare) -> Bars | None:
    """Participants by gender: two bars, each labelled with its count and share."""
    women, men, total = d.kvinnor, d.man_beraknat, d.totalt_beraknat
    if total <= 0 or men < 0:
        return None
    # The shares as the table prints them: as stated (with the decimals the data gives),
    # computed where the report states none.
    from slutrapport.kinds.horisontella_kriterier import participant_shares

    notes = tuple(f"({formatting.format_percent(s)})" for s in participant_shares(d))
    labels = [f"{formatting.format_integer(v)} {note}"
              for v, note in zip((women, men), notes, strict=True)]
    alt = (
        "Liggande stapeldiagram över deltagarna i projektets aktiviteter efter kön: "
        f"{labels[0]} kvinnor och {labels[1]} män, "
        f"totalt {formatting.format_integer(total)} deltagare."
    )
    return Bars(
        title="Deltagare i projektets aktiviteter efter kön", alt=alt, horizontal=True,
        categories=("Kvinnor", "Män"),
        series=(Series("Deltagare", (women, men), (LIGHT, DARK), notes),),
        value_title=f"Antal deltagare (totalt {formatting.format_integer(total)})",
        width_cm=_HALF_WIDTH_CM, height_cm=5.0)


def participants(d: Deltagare) -> Drawn | None:
    bars = participants_bars(d)
    if bars is None:
        return None
    (series,) = bars.series
    women, men = d.kvinnor, d.man_beraknat
    labels = [f"{formatting.format_integer(v)} {note}"
              for v, note in zip(series.values, series.notes or (), strict=True)]
    with _style():
        fig = _figure(bars.width_cm, bars.height_cm)
        ax = fig.add_subplot()
        for y, value, fill in ((0, women, _LIGHT), (1, men, _DARK)):
            _bars(ax, True, [y], [value], 0.6, fill)
        ax.set_yticks([0, 1], list(bars.categories), fontsize=_TEXT_PT)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(1.6, -0.6)
        ax.set_xlim(0, max(women, men, 1))
        ax.xaxis.set_major_formatter(_formatter())
        ax.xaxis.set_major_locator(_locator(5))
        ax.grid(axis="x")
        ax.set_xlabel(bars.value_title, fontsize=_SMALL_PT)
        texts = [
            ax.annotate(text, (value, y), xytext=(4, 0), textcoords="offset points",
                        va="center", ha="left", fontsize=_TEXT_PT, bbox=_LABEL_BOX)
            for y, (value, text) in enumerate(zip((women, men), labels, strict=True))
        ]
        _fit_right(fig, ax, texts)
        png = _png(fig)
    return Drawn(png, bars.title, bars.alt, bars.width_cm)


def programme_participants_bars(p: Deltagarprogram) -> Bars | None:
    """Participants by gender per effort of a participant programme: two bars per effort."""
    rows = list(p.insatser)
    if not rows or any(r.man_beraknat < 0 for r in rows):
        return None
    women = tuple(r.kvinnor for r in rows)
    men = tuple(r.man_beraknat for r in rows)
    if not any(women) and not any(men):
        return None
    names = [r.namn for r in rows]
    counted = Counter(names)
    labels = [f"{r.namn} ({r.kommun})" if counted[r.namn] > 1 and r.kommun else r.namn
              for r in rows]
    title = "Deltagare per insats efter kön"
    scope = "deltagarna per insats efter kön"
    chosen = largest([w + m for w, m in zip(women, men, strict=True)])
    categories = [_short(label) for label in labels]
    if chosen is not None:
        rest = len(rows) - len(chosen)
        left_out = set(range(len(rows))) - set(chosen)
        others = _others(rest, "insatser")
        labels = [labels[i] for i in chosen] + [others]
        categories = [categories[i] for i in chosen] + [others]
        women = (*(women[i] for i in chosen), sum(women[i] for i in left_out))
        men = (*(men[i] for i in chosen), sum(men[i] for i in left_out))
        title += (f" – de {formatting.format_integer(len(chosen))} med flest deltagare av "
                  f"{formatting.format_integer(len(rows))}, de övriga sammanlagda")
        scope = (f"deltagarna efter kön i de {formatting.format_integer(len(chosen))} av "
                 f"{formatting.format_integer(len(rows))} insatser som hade flest, i fallande "
                 "ordning, och i de övriga sammanlagda")
    n = len(labels)
    frame_cm = 2.8
    height = min(frame_cm + 0.75 * n, _MAX_HEIGHT_CM)
    row_pt = (height - frame_cm) / n / _CM * 72
    total_w, total_m = sum(women), sum(men)
    parts = [f"{label} {formatting.format_integer(w)} kvinnor och {formatting.format_integer(m)} "
             "män" for label, w, m in zip(labels, women, men, strict=True)]
    alt = (
        f"Liggande stapeldiagram över {scope}: "
        f"{_enumerate(parts)}. Totalt {formatting.format_integer(total_w)} kvinnor och "
        f"{formatting.format_integer(total_m)} män."
    )
    return Bars(
        title=title, alt=alt, horizontal=True,
        categories=tuple(categories),
        series=(Series("Kvinnor", women, (LIGHT,) * n), Series("Män", men, (DARK,) * n)),
        value_title=(f"Antal deltagare (totalt {formatting.format_integer(total_w)} kvinnor och "
                     f"{formatting.format_integer(total_m)} män)"),
        width_cm=_FULL_WIDTH_CM, height_cm=height,
        category_pt=max(5.0, min(_SMALL_PT, row_pt * 0.5)),
        label_pt=max(5.0, min(_SMALL_PT, row_pt * 0.45)))


def programme_participants(p: Deltagarprogram) -> Drawn | None:
    """Participants by gender per effort of a participant programme: two bars per effort."""
    bars = programme_participants_bars(p)
    if bars is None:
        return None
    women, men = ([float(v) for v in s.values] for s in bars.series)
    n = len(bars.categories)
    bar = 0.38
    with _style():
        fig = _figure(bars.width_cm, bars.height_cm)
        ax = fig.add_subplot()
        ys = list(range(n))
        _bars(ax, True, [y - bar / 2 for y in ys], women, bar, _LIGHT, bars.series[0].name)
        _bars(ax, True, [y + bar / 2 for y in ys], men, bar, _DARK, bars.series[1].name)
        ax.set_yticks(ys, list(bars.categories), fontsize=bars.category_pt)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, max(*women, *men, 1))
        ax.xaxis.set_major_formatter(_formatter())
        ax.xaxis.set_major_locator(_locator(6))
        ax.grid(axis="x")
        ax.set_xlabel(bars.value_title, fontsize=_SMALL_PT)
        texts = [
            ax.annotate(formatting.format_integer(value), (value, y + offset), xytext=(3, 0),
                        textcoords="offset points", va="center", ha="left",
                        fontsize=bars.label_pt, bbox=_LABEL_BOX)
            for y, w, m in zip(ys, bars.series[0].values, bars.series[1].values, strict=True)
            for value, offset in ((w, -bar / 2), (m, bar / 2))
        ]
        fig.legend(loc="outside upper center", ncols=2, handlelength=2.4, handleheight=1.2)
        _fit_right(fig, ax, texts)
        png = _png(fig)
    return Drawn(png, bars.title, bars.alt, bars.width_cm)


def _locator(nbins: int, integer: bool = True) -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=nbins, integer=integer, min_n_ticks=2)


def _shown(e: Effekt) -> tuple[list[Foretag], bool]:
    """The companies the employee chart shows, and whether they are a selection."""
    companies = list(e.foretag)
    if len(companies) <= MAX_COMPANIES:
        return companies, False
    ranked = sorted(enumerate(companies), key=lambda ic: (-ic[1].okning_beraknad, ic[0]))
    return [c for _, c in ranked[:SELECTION_SIZE]], True


def _employee_rows(n: int) -> tuple[float, float]:
    """The employee chart's height for n companies, and the points of one company's row."""
    # Rows of 0.5 cm until the chart would pass the height of a page; then they get thinner.
    frame_cm = 2.6
    height = min(frame_cm + 0.5 * n, _MAX_HEIGHT_CM)
    return height, (height - frame_cm) / n / _CM * 72


def employees_bars(e: Effekt) -> Bars | None:
    """Employees per company before and after: two bars per company (a selection if many)."""
    companies = list(e.foretag)
    if not companies:
        return None
    total = len(companies)
    shown, selection = _shown(e)
    before, after = e.tabell.fore, e.tabell.efter
    n = len(shown)
    height, row_pt = _employee_rows(n)
    sum_before = sum((c.anstallda_fore for c in companies), Decimal(0))
    sum_after = sum((c.anstallda_efter for c in companies), Decimal(0))
    top = sorted(enumerate(companies), key=lambda ic: (-ic[1].okning_beraknad, ic[0]))[:3]
    grew = [
        f"{c.namn} ({formatting.format_signed(c.okning_beraknad)})"
        for _, c in top
        if c.okning_beraknad > 0
    ]
    title = f"Anställda per företag {before} och {after}"
    if selection:
        title += (
            f" – urval: de {formatting.format_integer(SELECTION_SIZE)} av "
            f"{formatting.format_integer(total)} företag som ökade mest"
        )
        scope = (
            f"de {formatting.format_integer(SELECTION_SIZE)} av "
            f"{formatting.format_integer(total)} företag i programmet som ökade mest, "
            "i fallande ordning"
        )
    else:
        scope = f"de {formatting.format_integer(total)} företagen i programmet"
    alt = (
        f"Liggande stapeldiagram över antal anställda {before} och {after} i {scope}. "
        f"Sammanlagt hade alla {formatting.format_integer(total)} företagen "
        f"{formatting.format_decimal(sum_before)} anställda {before} och "
        f"{formatting.format_decimal(sum_after)} {after}."
    )
    if grew:
        alt += f" Störst ökning: {_enumerate(grew)}."
    size = max(5.0, min(_SMALL_PT, row_pt * 0.62))
    # One label a company, 'before → after' (as the axis title says), at the longer bar.
    shrank = tuple(i for i, c in enumerate(shown) if c.anstallda_fore > c.anstallda_efter)
    grown = tuple(i for i in range(n) if i not in shrank)
    fore = Series(before, tuple(c.anstallda_fore for c in shown), (LIGHT,) * n,
                  notes=tuple(f"→ {formatting.format_decimal(c.anstallda_efter)}"
                              for c in shown), unlabelled=grown)
    efter = Series(after, tuple(c.anstallda_efter for c in shown), (DARK,) * n,
                   prefixes=tuple(f"{formatting.format_decimal(c.anstallda_fore)} → "
                                  for c in shown), unlabelled=shrank)
    return Bars(
        title=title, alt=alt, horizontal=True,
        categories=tuple(_short(c.namn) for c in shown), series=(fore, efter),
        value_title=f"Antal anställda (talen vid staplarna: {before} → {after})",
        width_cm=_FULL_WIDTH_CM, height_cm=height, category_pt=size, label_pt=size)


def employees(e: Effekt) -> Drawn | None:
    bars = employees_bars(e)
    if bars is None:
        return None
    shown, _ = _shown(e)
    before, after = (s.name for s in bars.series)
    n = len(shown)
    fore = [float(c.anstallda_fore) for c in shown]
    efter = [float(c.anstallda_efter) for c in shown]
    bar = 0.38
    with _style():
        fig = _figure(bars.width_cm, bars.height_cm)
        ax = fig.add_subplot()
        ys = list(range(n))
        _bars(ax, True, [y - bar / 2 for y in ys], fore, bar, _LIGHT, before)
        _bars(ax, True, [y + bar / 2 for y in ys], efter, bar, _DARK, after)
        ax.set_yticks(ys, list(bars.categories), fontsize=bars.category_pt)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, max(max(fore), max(efter), 1.0))
        ax.xaxis.set_major_formatter(_formatter())
        ax.xaxis.set_major_locator(_locator(8))
        ax.xaxis.set_ticks_position("both")
        ax.tick_params(axis="x", top=True, labeltop=True)
        ax.grid(axis="x")
        ax.set_xlabel(bars.value_title, fontsize=_SMALL_PT)
        texts = [
            ax.annotate(
                f"{formatting.format_decimal(c.anstallda_fore)} → "
                f"{formatting.format_decimal(c.anstallda_efter)}",
                (max(f, a), y), xytext=(4, 0), textcoords="offset points",
                va="center", ha="left", fontsize=bars.label_pt, bbox=_LABEL_BOX,
            )
            for y, c, f, a in zip(ys, shown, fore, efter, strict=True)
        ]
        fig.legend(loc="outside upper center", ncols=2, handlelength=2.4, handleheight=1.2)
        _fit_right(fig, ax, texts)
        png = _png(fig)
    return Drawn(png, bars.title, bars.alt, bars.width_cm)


def _budget_difference(e: Ekonomi) -> tuple[int, str, str]:
    """The difference budget − outcome, its amount in words, and 'under/över budget'."""
    difference = e.budget - e.utfall
    amount = formatting.format_amount(abs(difference))
    direction = "under budget" if difference > 0 else "över budget"
    return difference, amount, direction


def budget_bars(e: Ekonomi) -> Bars | None:
    """Budget and outcome side by side, the difference said under them."""
    if e.budget <= 0 and e.utfall <= 0:
        return None
    difference, amount, direction = _budget_difference(e)
    outcome = f"{amount} {direction}" if difference else "lika med budget"
    alt = (
        "Stapeldiagram som jämför budget och utfall: budgeten var "
        f"{formatting.format_amount(e.budget)} och utfallet {formatting.format_amount(e.utfall)}, "
        f"det vill säga {outcome}."
    )
    return Bars(
        title="Budget och utfall", alt=alt, horizontal=False, categories=("Budget", "Utfall"),
        series=(Series("Kronor", (e.budget, e.utfall), (LIGHT, DARK)),),
        value_title="Kronor", width_cm=_HALF_WIDTH_CM, height_cm=8.0, unit="\u00a0kr",
        category_title=f"Utfallet är {outcome}")


def budget(e: Ekonomi) -> Drawn | None:
    bars = budget_bars(e)
    if bars is None:
        return None
    difference, amount, direction = _budget_difference(e)
    with _style():
        fig = _figure(bars.width_cm, bars.height_cm)
        ax = fig.add_subplot()
        _bars(ax, False, [0], [e.budget], 0.55, _LIGHT)
        _bars(ax, False, [1], [e.utfall], 0.55, _DARK)
        # The amounts stand under the bars' names, where no line of the annotation can cross them.
        ax.set_xticks(
            [0, 1],
            [f"Budget\n{formatting.format_amount(e.budget)}",
             f"Utfall\n{formatting.format_amount(e.utfall)}"],
            fontsize=_TEXT_PT,
        )
        ax.tick_params(axis="x", length=0)
        ax.set_xlim(-0.6, 2.3)
        ax.set_ylim(0, max(e.budget, e.utfall) * 1.08)
        ax.yaxis.set_major_formatter(_formatter())
        ax.yaxis.set_major_locator(_locator(5))
        ax.grid(axis="y")
        ax.set_ylabel(bars.value_title, fontsize=_SMALL_PT)
        arrow_x = 1.45
        if difference:
            low, high = sorted((e.budget, e.utfall))
            for left, level in ((0.275, e.budget), (1.275, e.utfall)):
                # Behind the bars, so a line from the budget never crosses the outcome's bar.
                ax.plot([left, arrow_x + 0.05], [level, level], color="black", linewidth=0.6,
                        linestyle=(0, (3, 2)), zorder=0.8)
            if high - low > high * 0.02:  # an arrow too short for its heads is left out
                ax.annotate(
                    "", xy=(arrow_x, low), xytext=(arrow_x, high),
                    arrowprops={"arrowstyle": "<->", "linewidth": 0.8, "color": "black",
                                "shrinkA": 0, "shrinkB": 0},
                )
            ax.annotate(f"{amount}\n{direction}", (arrow_x + 0.07, (low + high) / 2),
                        va="center", ha="left", fontsize=_TEXT_PT, bbox=_LABEL_BOX)
        else:
            ax.annotate("Utfallet är lika\nmed budget", (1.0, 0.97), xycoords="axes fraction",
                        ha="right", va="top", fontsize=_TEXT_PT)
        png = _png(fig)
    return Drawn(png, bars.title, bars.alt, bars.width_cm)


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


def selection_note(chart: str, count: int, what: str, limit: int, shows: str) -> str:
    """The info finding's text when a chart shows a selection (``diagram-urval``)."""
    n = formatting.format_integer
    return (f"Diagrammet över {chart} skulle få {n(count)} {what}, fler än de {n(limit)} som "
            f"går att läsa på en sida; det visar {shows}. Tabellen visar alla.")


def costs_selection(e: Ekonomi) -> str | None:
    """What the costs chart shows instead of every category, when it shows a selection."""
    count = len(e.kostnader)
    if count <= MAX_CATEGORIES or sum(p.belopp for p in e.kostnader) <= 0:
        return None  # all of them, or no chart (costs_bars)
    n = formatting.format_integer
    return selection_note(
        "kostnaderna per kostnadsslag", count, "staplar", MAX_CATEGORIES,
        f"de {n(MAX_CATEGORIES - 1)} största kostnadsslagen och de övriga "
        f"{n(count - MAX_CATEGORIES + 1)} sammanlagda i en stapel")


def programme_selection(p: Deltagarprogram) -> str | None:
    """What the participant programme's chart shows instead of every effort, when it shows a
    selection."""
    rows = p.insatser
    count = len(rows)
    if count <= MAX_CATEGORIES or any(r.man_beraknat < 0 for r in rows) or \
            not any(r.kvinnor or r.man_beraknat for r in rows):
        return None  # all of them, or no chart (programme_participants_bars)
    n = formatting.format_integer
    return selection_note(
        "deltagarna per insats", count, "insatser", MAX_CATEGORIES,
        f"de {n(MAX_CATEGORIES - 1)} med flest deltagare och de övriga "
        f"{n(count - MAX_CATEGORIES + 1)} sammanlagda i en stapel för kvinnor och en för män")


def employees_selection(e: Effekt) -> str | None:
    """What the employee chart shows instead of every company, when it shows a selection."""
    count = len(e.foretag)
    if count <= MAX_COMPANIES:
        return None
    n = formatting.format_integer
    return selection_note(
        "anställda per företag", count, "företag", MAX_COMPANIES,
        f"de {n(SELECTION_SIZE)} som ökade mest")


def _others(count: int, what: str) -> str:
    """The name of the bar for the rest: 'Övriga (4 971 kostnadsslag)'."""
    return f"Övriga ({formatting.format_integer(count)} {what})"


def costs_bars(e: Ekonomi) -> Bars | None:
    """The costs per category: one bar each, labelled with its amount and share of the sum;
    with more than :data:`MAX_CATEGORIES`, the largest and one bar for the others."""
    posts = [(p.kategori, p.belopp) for p in e.kostnader]
    total = sum(amount for _, amount in posts)
    if not posts or total <= 0:
        return None
    chosen = largest([amount for _, amount in posts])
    title = "Kostnader per kostnadsslag"
    scope = "kostnaderna per kostnadsslag"
    categories = [_short(name) for name, _ in posts]
    if chosen is not None:
        rest = len(posts) - len(chosen)
        left_out = set(chosen)
        other = sum(amount for i, (_, amount) in enumerate(posts) if i not in left_out)
        others = _others(rest, "kostnadsslag")
        categories = [categories[i] for i in chosen] + [others]
        posts = [posts[i] for i in chosen] + [(others, other)]
        title += (f" – de {formatting.format_integer(len(chosen))} största av "
                  f"{formatting.format_integer(len(chosen) + rest)}, de övriga sammanlagda")
        scope = (f"de {formatting.format_integer(len(chosen))} största av "
                 f"{formatting.format_integer(len(chosen) + rest)} kostnadsslag, i fallande "
                 "ordning, och de övriga sammanlagda")
    notes = tuple(f"({formatting.format_percent(_share(amount, total), decimals=1)})"
                  for _, amount in posts)
    parts = [f"{name} {formatting.format_amount(amount)} {note}"
             for (name, amount), note in zip(posts, notes, strict=True)]
    alt = (
        f"Liggande stapeldiagram över {scope}, i kronor och andel av "
        f"summan {formatting.format_amount(total)}: {_enumerate(parts)}."
    )
    n = len(posts)
    return Bars(
        title=title, alt=alt, horizontal=True,
        categories=tuple(categories),
        series=(Series("Kronor", tuple(amount for _, amount in posts), (SINGLE,) * n, notes),),
        value_title="Kronor", width_cm=_FULL_WIDTH_CM, height_cm=min(2.2 + 0.9 * n, _MAX_HEIGHT_CM),
        unit="\u00a0kr")


def costs(e: Ekonomi) -> Drawn | None:
    bars = costs_bars(e)
    if bars is None:
        return None
    amounts = list(bars.series[0].values)
    labels = [f"{formatting.format_amount(amount)} {note}"
              for amount, note in zip(amounts, bars.series[0].notes or (), strict=True)]
    n = len(amounts)
    with _style():
        fig = _figure(bars.width_cm, bars.height_cm)
        ax = fig.add_subplot()
        ys = list(range(n))
        positions = [float(amount) for amount in amounts]
        _bars(ax, True, ys, positions, 0.6, _SINGLE)
        ax.set_yticks(ys, list(bars.categories), fontsize=_TEXT_PT)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(n - 0.4, -0.6)
        ax.set_xlim(0, max(positions))
        ax.xaxis.set_major_formatter(_formatter())
        ax.xaxis.set_major_locator(_locator(4))
        ax.grid(axis="x")
        ax.set_xlabel(bars.value_title, fontsize=_SMALL_PT)
        texts = [
            ax.annotate(text, (amount, y), xytext=(4, 0), textcoords="offset points",
                        va="center", ha="left", fontsize=_TEXT_PT, bbox=_LABEL_BOX)
            for y, amount, text in zip(ys, positions, labels, strict=True)
        ]
        _fit_right(fig, ax, texts)
        png = _png(fig)
    return Drawn(png, bars.title, bars.alt, bars.width_cm)


# --------------------------------------------------------------------------------------------
# A cache of drawn charts: the same data always gives the same bytes, so a chart drawn once is
# read back instead of drawn again (matplotlib is not even imported then). Editing the text of a
# report and rendering it again is the common loop, and drawing is most of a render's time.

CACHE_FORMAT = "3"
"""Bump when the drawing code changes what a chart looks like."""


def cache_dir() -> Path | None:
    """Where drawn charts are kept: $SLUTRAPPORT_CACHE, else the user's cache folder.

    ``SLUTRAPPORT_CACHE=0`` turns the cache off.
    """
    configured = os.environ.get("SLUTRAPPORT_CACHE")
    if configured is not None:
        return None if configured in {"", "0", "off"} else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "slutrapport" / "charts"


@functools.cache
def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("slutrapport", "matplotlib", "pillow"):
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package}=?")
    return ";".join(found)


def cached(name: str, data: BaseModel, draw: Callable[[], Drawn | None]) -> Drawn | None:
    folder = cache_dir()
    if folder is None:
        return draw()
    key = hashlib.sha256("\n".join(
        (CACHE_FORMAT, _versions(), name, data.model_dump_json())).encode("utf-8")).hexdigest()
    png_path, meta_path = folder / f"{key}.png", folder / f"{key}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        png = png_path.read_bytes()
        if hashlib.sha256(png).hexdigest() == meta["sha256"]:
            return Drawn(png, meta["title"], meta["alt"], float(meta["width_cm"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not cached yet, or unreadable: draw it
    drawn = draw()
    if drawn is not None:
        meta = {"title": drawn.title, "alt": drawn.alt, "width_cm": drawn.width_cm,
                "sha256": hashlib.sha256(drawn.png).hexdigest()}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for path, blob in ((png_path, drawn.png),
                               (meta_path, json.dumps(meta).encode("utf-8"))):
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full cache folder only costs the next render a redraw
    return drawn


def make_charts(report: Slutrapport) -> dict[str, dict[str, Chart]]:
    """Draw the charts the report's data supports, by section id and chart name.

    Each section's kind says which charts it can draw (``DIAGRAM``); a chart whose data is missing
    or empty (no companies, no participants) is left out, and the others are numbered without a
    gap in the order they appear in the report.
    """
    charts: dict[str, dict[str, Chart]] = {}
    number = 0
    for section in report.avsnitt:
        drawers = section.charts()
        for name in section.DIAGRAM:
            drawer = drawers.get(name)
            drawn = drawer() if drawer is not None else None
            if drawn is None:
                continue
            number += 1
            charts.setdefault(section.name, {})[name] = Chart(
                name=name,
                png=drawn.png,
                bildtext=f"Diagram {number}: {drawn.title}",
                alt=drawn.alt,
                width_cm=drawn.width_cm,
            )
    return charts
