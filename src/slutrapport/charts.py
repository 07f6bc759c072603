"""Charts as pictures: each chart's facts (:class:`~slutrapport.chartfacts.Bars`) drawn as a PNG.

``render --diagram bild`` places charts as pictures instead of Word charts
(:mod:`slutrapport.wordcharts`). :func:`make_charts` draws the charts the report's data has, in
the order their sections stand, numbered in that order::

    charts = make_charts(report)
    charts["ekonomi"]["budget"].bildtext   # 'Diagram 3: Budget och utfall'

What a chart shows — its bars, labels, axis titles, caption title and alt text — is its kind's
(:meth:`slutrapport.kinds.Section.chart_facts`); :func:`draw` draws any :class:`Bars`: bars or
columns, one series or two side by side, each bar in its grey or hatching and labelled as the
facts say, a legend where there are two series. Figures are Swedish (no-break spaces between
thousands, the true minus sign, decimal comma) and the font is DejaVu Sans, which ships with
matplotlib. A chart is drawn at the size it is meant to have in the document (``width_cm`` wide,
at :data:`DPI` dots per inch), so its text prints at its stated point size.

The same facts give the same bytes: the figure has a fixed size, every style setting starts from
matplotlib's defaults (a user's ``matplotlibrc`` is ignored), and the PNG carries no software
version or date. (Bytes may differ between matplotlib, FreeType or Pillow versions.) A chart
drawn once is kept in the cache folder and read back.

matplotlib is optional (the ``bilder`` extra: ``pip install 'slutrapport[bilder]'``) and heavy,
so importing this module does not import it; drawing does, and says in Swedish how to install it
when it is missing (:func:`require_matplotlib`). Drawing uses ``matplotlib.figure.Figure`` and the
Agg canvas directly, never pyplot, and holds a lock while matplotlib's style settings are
changed, so charts may be drawn from several threads.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, cast

from slutrapport import formatting
from slutrapport.chartfacts import DARK, LIGHT, SINGLE, SMALL_PT, TEXT_PT, Bars, in_order
from slutrapport.errors import NotInstalledError
from slutrapport.resources import cache_dir, store

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation

    from slutrapport.models import Slutrapport

__all__ = ["DPI", "INSTALL_BILDER", "Chart", "draw", "make_charts", "require_matplotlib",
           "tick_label"]

DPI = 200
"""Dots per inch of every chart."""

INSTALL_BILDER = "python3 -m pip install 'slutrapport[bilder]'"
"""The command that installs what drawing pictures needs (matplotlib)."""

_CM = 1 / 2.54
_EDGE = "black"
# Black-and-white friendly fills: a light hatched bar, a dark solid one, a middle grey one.
_FILLS: dict[str, dict[str, Any]] = {
    LIGHT: {"color": "white", "hatch": "////"},
    DARK: {"color": "0.35", "hatch": None},
    SINGLE: {"color": "0.6", "hatch": None},
}
# A white ground behind a figure written on the chart, so grid lines never cross its digits.
_LABEL_BOX: dict[str, Any] = {
    "boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none",
}
_SMALL_PT = SMALL_PT
_TEXT_PT = TEXT_PT

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
    """What the chart shows, as its kind names it: ``anstallda``, ``budget`` …"""
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


# --------------------------------------------------------------------------------------------
# Drawing


def require_matplotlib() -> None:
    """Refuse, in Swedish with the command that installs it, when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401  optional (slutrapport[bilder]), and heavy
    except ImportError:
        raise NotInstalledError(
            "diagram som bilder (--diagram bild) ritas med matplotlib, som inte är installerat; "
            f"installera det med: {INSTALL_BILDER} (eller låt diagrammen vara Word-diagram, "
            "standard)") from None


@contextmanager
def _style() -> Iterator[None]:
    """matplotlib's default style with ours on top, whatever the user's matplotlibrc says."""
    import matplotlib  # optional (slutrapport[bilder]), and heavy: only when drawing

    with _LOCK, matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(cast("dict[Any, Any]", _STYLE))
        yield


def _figure(width_cm: float, height_cm: float) -> Figure:
    # optional (slutrapport[bilder]), and heavy: only when drawing
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    # Whole pixels, so the PNG is exactly round(cm / 2.54 * DPI) pixels each way.
    # (a millionth of a pixel more: matplotlib before 3.9 cut 944.99999… to 944)
    size = ((round(width_cm * _CM * DPI) + 1e-6) / DPI, (round(height_cm * _CM * DPI) + 1e-6) / DPI)
    fig = Figure(figsize=size, dpi=DPI, layout=ConstrainedLayoutEngine(w_pad=4 / 72, h_pad=4 / 72))
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    """The figure as a 4-bit greyscale PNG: 16 greys are all a chart in greys needs.

    matplotlib's own PNG is 32-bit RGBA and, for a chart of hatched bars, several times larger;
    Pillow (which matplotlib requires) writes the smaller one, with the resolution and without
    any software name or date, so the same figure gives the same bytes.
    """
    from PIL import Image  # with matplotlib (slutrapport[bilder]): only when drawing

    fig.canvas.draw()
    pixels = fig.canvas.buffer_rgba()  # type: ignore[attr-defined]
    height, width = pixels.shape[:2]
    grey = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1).convert(
        "L").point(_LEVELS)
    image = Image.frombytes("P", grey.size, grey.tobytes())
    image.putpalette(_PALETTE)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def _formatter() -> Any:
    from matplotlib.ticker import FuncFormatter  # optional (slutrapport[bilder]): only when drawing

    return FuncFormatter(tick_label)


def _locator(nbins: int) -> Any:
    from matplotlib.ticker import MaxNLocator  # optional (slutrapport[bilder]): only when drawing

    return MaxNLocator(nbins=nbins, integer=True, min_n_ticks=2)


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


def draw(bars: Bars) -> bytes:
    """The chart's picture as PNG bytes: the bars as the facts say, in their greys, each
    labelled as its series says, with the axes' titles and a legend for two series."""
    require_matplotlib()
    n, k = len(bars.categories), len(bars.series)
    size = 0.6 if k == 1 else 0.38
    top = max([float(v) for s in bars.series for v in s.values] + [1.0])
    positions = list(range(n))
    with _style():
        fig = _figure(bars.width_cm, bars.height_cm)
        ax = fig.add_subplot()
        texts: list[Annotation] = []
        for j, series in enumerate(bars.series):
            offset = (j - (k - 1) / 2) * size
            places = [p + offset for p in positions]
            values = [float(v) for v in series.values]
            if len(set(series.fills)) == 1:
                _bars(ax, bars.horizontal, places, values, size, _FILLS[series.fills[0]],
                      series.name)
            else:
                for place, value, fill in zip(places, values, series.fills, strict=True):
                    _bars(ax, bars.horizontal, [place], [value], size, _FILLS[fill])
            for i, (place, value) in enumerate(zip(places, values, strict=True)):
                text = bars.label(series, i)
                if not text:
                    continue
                at, nudge, va, ha = (((value, place), (4, 0), "center", "left")
                                     if bars.horizontal else
                                     ((place, value), (0, 3), "bottom", "center"))
                texts.append(ax.annotate(text, at, xytext=nudge, textcoords="offset points",
                                         va=va, ha=ha, fontsize=bars.label_pt, bbox=_LABEL_BOX))
        value_axis, category_axis = (ax.xaxis, ax.yaxis) if bars.horizontal else (ax.yaxis,
                                                                                   ax.xaxis)
        value_axis.set_major_formatter(_formatter())
        value_axis.set_major_locator(_locator(5 if bars.width_cm < 14 else 8))
        category_axis.set_ticks(positions, list(bars.categories), fontsize=bars.category_pt)
        ax.tick_params(axis="y" if bars.horizontal else "x", length=0)
        ax.grid(axis="x" if bars.horizontal else "y")
        if bars.horizontal:
            ax.set_ylim(n - 0.5, -0.5)
            ax.set_xlim(0, top)
            ax.set_xlabel(bars.value_title, fontsize=_SMALL_PT)
            if bars.category_title:
                ax.set_ylabel(bars.category_title, fontsize=_SMALL_PT)
        else:
            ax.set_xlim(-0.6, n - 0.4)
            ax.set_ylim(0, top * 1.08)  # room above the columns for their labels
            ax.set_ylabel(bars.value_title, fontsize=_SMALL_PT)
            if bars.category_title:
                ax.set_xlabel(bars.category_title, fontsize=_TEXT_PT)
        if bars.legend:
            fig.legend(loc="outside upper center", ncols=k, handlelength=2.4, handleheight=1.2)
        if bars.horizontal:
            _fit_right(fig, ax, texts)
        return _png(fig)


def _bars(ax: Axes, horizontal: bool, pos: Sequence[float], values: Sequence[float],
          size: float, fill: dict[str, Any], label: str | None = None) -> Any:
    kwargs: dict[str, Any] = {
        "color": fill["color"], "edgecolor": _EDGE, "hatch": fill["hatch"], "label": label,
        "linewidth": 0.6,
    }
    if horizontal:
        return ax.barh(pos, values, height=size, **kwargs)
    return ax.bar(pos, values, width=size, **kwargs)


# --------------------------------------------------------------------------------------------
# A cache of drawn charts: the same facts always give the same bytes, so a chart drawn once is
# read back instead of drawn again (matplotlib is not even imported then). Editing the text of a
# report and rendering it again is the common loop, and drawing is most of a render's time.

CACHE_FORMAT = "3"
"""Bump when the drawing code changes what a chart looks like."""


@functools.cache
def _versions() -> str:
    found = []
    for package in ("slutrapport", "matplotlib", "pillow"):
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            found.append(f"{package}=?")
    return ";".join(found)


def picture(bars: Bars) -> bytes:
    """The chart's PNG: from the cache folder if drawn before, else drawn (and kept)."""
    folder = cache_dir()
    if folder is None:
        return draw(bars)
    facts = json.dumps(dataclasses.asdict(bars), default=str, ensure_ascii=False)
    key = hashlib.sha256("\n".join((CACHE_FORMAT, _versions(), facts)).encode("utf-8"))
    path = folder / f"{key.hexdigest()}.png"
    try:
        png = path.read_bytes()
        if png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82"):
            return png
    except OSError:
        pass  # not cached yet, or unreadable: draw it
    png = draw(bars)
    store(path, png)
    return png


def make_charts(report: Slutrapport) -> dict[str, dict[str, Chart]]:
    """Draw the charts the report's data has, by section id and chart name.

    Each section's kind says which charts it can draw (``DIAGRAM``) and what they show; a chart
    whose data is missing or empty (no companies, no participants) is left out, and the others
    are numbered without a gap in the order they appear in the report.
    """
    charts: dict[str, dict[str, Chart]] = {}
    for section, name, bars, number in in_order(report.avsnitt):
        charts.setdefault(section.name, {})[name] = Chart(
            name=name, png=picture(bars), bildtext=f"Diagram {number}: {bars.title}",
            alt=bars.alt, width_cm=bars.width_cm)
    return charts
