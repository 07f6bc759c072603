"""Charts as Word charts: a DrawingML chart part with its figures in an embedded workbook.

Each chart a section's kind describes (:class:`~slutrapport.chartfacts.Bars`, from
:meth:`~slutrapport.kinds.Section.chart_facts`) becomes a real Word chart, which a reader can
restyle in Word and whose figures "Redigera data" opens. The picture (:mod:`slutrapport.charts`,
``--diagram bild``) is drawn from the same facts: the same bars, figures, notes, axis titles,
caption and alt text, in the same greys and hatching. Nothing here knows a kind.

The chart XML (``c:chartSpace``) and its workbook are written by python-pptx, whose chart writer
makes exactly the part Word and PowerPoint share (``pptx.chart.xmlwriter``), with the values
cached in the XML (LibreOffice draws from those), and whose workbook writer fills a worksheet
with the categories and series through XlsxWriter (``pptx.chart.xlsx``). Its chart object model
then sets the fills, labels, axes and fonts; only what it has no property for (the chart's
language, square corners, no frame) is added here.

Figures are Swedish however the reader's system is set: every number format names the Swedish
locale (``[$-41D]#,##0``), which LibreOffice honours (``2 949``; a bare ``#,##0`` prints
``2,949`` there whatever the document's language) and Word shows with the separators of the
reader's Swedish system. A label with words around its figure (``1 203 (40,8 %)``, ``19 → 25``)
is two fields, as Word writes "value from cells": the figure, from its cell, and the words, from
the series' label column in the workbook (``c15:datalabelsRange``, the words cached for
LibreOffice), so an edit of either cell in Word changes the label with it. The workbook's sheet
is ``Blad1``.

The same report gives the same bytes: the parts are numbered in the order the template places
them and the workbook carries a fixed date.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_MARK
from pptx.enum.dml import MSO_PATTERN
from pptx.util import Pt

from slutrapport import seam
from slutrapport.chartfacts import DARK, LIGHT, SINGLE, SMALL_PT, TEXT_PT, Bars, Series, in_order
from slutrapport.fields import date_bounds

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport

__all__ = [
    "CHART_TYPE",
    "LOCALE",
    "NativeChart",
    "chart_xml",
    "label_columns",
    "make_native_charts",
    "number_format",
    "workbook",
]

CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
"""The content type of a chart part."""
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RT_CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
RT_PACKAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/package"
LOCALE = "[$-41D]"
"""The Swedish locale (LCID 0x041D) at the head of every number format."""

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_C15 = "http://schemas.microsoft.com/office/drawing/2012/chart"
_LABEL_EXT = "{CE6537A1-D6FC-4f65-9D91-7224C49458BB}"  # a data label's c15 extension
_SERIES_EXT = "{02D57815-91ED-43cb-92C2-25804820EDAC}"  # a series' c15 extension
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_EMU_PER_CM = 360000
_CREATED = datetime(2000, 1, 1)  # the workbook's date, as the document's (rendering)

# The greys of the pictures (charts._LIGHT, _DARK, _SINGLE) as fills; black outlines.
_GREYS = {DARK: "595959", SINGLE: "999999"}
_GRID = "CCCCCC"
_TITLE_PT = 8.0


@dataclass(frozen=True)
class NativeChart:
    """A chart to be made a Word chart: its facts and numbered caption."""

    name: str
    bars: Bars
    bildtext: str
    alt: str
    width_cm: float
    created: datetime = datetime(2000, 1, 1)


def make_native_charts(report: Slutrapport) -> dict[str, dict[str, NativeChart]]:
    """The report's charts as Word charts, by section id and name: the charts and numbers
    :func:`slutrapport.charts.make_charts` draws as pictures."""
    out: dict[str, dict[str, NativeChart]] = {}
    created = _CREATED
    if report.projekt.rapportdatum is not None:  # the workbooks are dated as the document
        first = date_bounds(report.projekt.rapportdatum)[0]
        created = datetime(first.year, first.month, first.day)
    for section, name, bars, number in in_order(report.avsnitt):
        out.setdefault(section.name, {})[name] = NativeChart(
            name, bars, f"Diagram {number}: {bars.title}", bars.alt, bars.width_cm, created)
    return out


# --------------------------------------------------------------------------------------------
# Number formats

def _decimals(value: int | Decimal) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _quoted(text: str) -> str:
    """Text as a literal in a number format."""
    return '"' + text.replace('"', "") + '"'


def _format(decimals: int, unit: str) -> str:
    code = LOCALE + "#,##0" + ("." + "0" * decimals if decimals else "")
    return code + (_quoted(unit) if unit else "")


def point_format(bars: Bars, series: Series, i: int, cells: bool = False) -> str:
    r"""The number format of one bar's label: its figure's own decimals, with prefix and note
    (unless the label reads them from ``cells``).

    >>> s = Series("s", (Decimal("4"), Decimal("2.5")), ("ljus",) * 2, prefixes=("2,5 → ", "1 → "))
    >>> b = Bars("", "", True, ("a", "b"), (s,), "", 1.0, 1.0)
    >>> point_format(b, s, 0), point_format(b, s, 1), point_format(b, s, 1, cells=True)
    ('[$-41D]"2,5 → "#,##0', '[$-41D]"1 → "#,##0.0', '[$-41D]#,##0.0')
    """
    code = _format(min(2, _decimals(series.values[i])), bars.unit)
    if cells:
        return code
    if series.prefixes:
        code = LOCALE + _quoted(series.prefixes[i]) + code.removeprefix(LOCALE)
    if series.notes:
        code += _quoted(" " + series.notes[i])
    return code


def number_format(bars: Bars) -> str:
    r"""The Swedish number format of a chart's figures: whole or with the data's decimals, unit.

    >>> number_format(Bars("", "", True, ("a",), (Series("s", (Decimal("2.5"),), ("ljus",)),),
    ...                    "", 1.0, 1.0))
    '[$-41D]#,##0.0'
    >>> number_format(Bars("", "", True, ("a",), (Series("s", (3,), ("ljus",)),), "", 1.0, 1.0,
    ...                    unit="\xa0kr"))
    '[$-41D]#,##0"\xa0kr"'
    """
    decimals = min(2, max((_decimals(v) for s in bars.series for v in s.values), default=0))
    return _format(decimals, bars.unit)


def _number(value: int | Decimal) -> int | float:
    return value if isinstance(value, int) else (int(value) if value == value.to_integral()
                                                 else float(value))


# --------------------------------------------------------------------------------------------
# The chart part and its workbook

def _chart_data(bars: Bars) -> Any:
    data = CategoryChartData(number_format=number_format(bars))
    data.categories = list(bars.categories)
    for series in bars.series:
        data.add_series(series.name, [_number(v) for v in series.values], number_format(bars))
    return data


def _in_cells(series: Series) -> bool:
    """Whether a series' labels read their words from cells: a prefix or a note, not both."""
    return (series.notes is None) != (series.prefixes is None)


def label_columns(bars: Bars) -> list[tuple[int, str, tuple[str, ...]]]:
    """The workbook's label columns: for each series whose labels have words around the figure
    (a share, the other measurement), its index, the column's heading and each bar's words
    (empty for an unlabelled bar). The labels show the figure (from its cell) and these words
    (from theirs), as Word's "value from cells" does."""
    out = []
    for k, series in enumerate(bars.series):
        if not _in_cells(series):
            continue
        words = series.prefixes or series.notes or ()
        unlabelled = set(series.unlabelled)
        out.append((k, f"Etikett {series.name}",
                    tuple("" if i in unlabelled else w.strip() for i, w in enumerate(words))))
    return out


def workbook(bars: Bars, created: datetime = _CREATED) -> bytes:
    """The chart's workbook: categories in column A, a column per series, names in row 1, then
    a column of label words per series that has them (:func:`label_columns`); dated
    ``created``."""
    writer = seam.workbook_writer(created)(_chart_data(bars))
    writer.extra = [(heading, texts) for _, heading, texts in label_columns(bars)]
    blob: bytes = writer.xlsx_blob
    return blob


def _column(n: int) -> str:
    """A worksheet column's letters from its index (0: A)."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_EM = 0.56  # the width of a figure in Liberation Sans (Arial), in ems: an estimate for any font
_CM_PER_PT = 2.54 / 72


def _text_cm(text: str, pt: float) -> float:
    """About how wide a line of text is, in centimetres."""
    return len(text) * pt * _EM * _CM_PER_PT


def _nice_step(span: float, bins: int) -> float:
    """The smallest of 1, 2, 2,5 and 5 times a power of ten (at least 1: the figures are counts
    and kronor) that cuts span into at most ``bins`` steps.

    >>> _nice_step(2011, 5), _nice_step(8.0, 8), _nice_step(0.5, 5)
    (500, 1, 1)
    """
    power = 1
    while power * 10 <= span / bins:
        power *= 10
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if span / step <= bins:
            return int(step) if step == int(step) else step
    return 10 * power


def value_scale(bars: Bars) -> tuple[float, float]:
    """The value axis's end and step: room for the labels right of horizontal bars.

    The plot's width is estimated from the chart's width less the categories' names; each
    label's width from its characters. Word and LibreOffice choose their own scales otherwise,
    and a label past the axis's end is cut off or wraps.
    """
    top = max((float(v) for s in bars.series for v in s.values), default=0.0) or 1.0
    needed = top
    if bars.horizontal:
        names = max((_text_cm(c, bars.category_pt) for c in bars.categories), default=0.0)
        plot = bars.width_cm - names - 0.9
        for series in bars.series:
            for i, value in enumerate(series.values):
                text = bars.label(series, i)
                room = plot - _text_cm(text, bars.label_pt) - 0.3
                if room > plot * 0.3:
                    needed = max(needed, float(value) * plot / room)
    else:
        needed = top * 1.08  # room above the columns for their labels
    bins = 5 if bars.width_cm < 14 else 8
    step = _nice_step(needed, bins)
    end = -(-needed // step) * step
    return (int(end) if end == int(end) else end), step


def _pt(size: float) -> Any:
    return Pt(size)


def _fill(fmt: Any, fill: str) -> None:
    """A bar's fill (white with black diagonals, or a grey) and black outline."""

    if fill == LIGHT:
        fmt.fill.patterned()
        fmt.fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
        fmt.fill.fore_color.rgb = RGBColor(0, 0, 0)
        fmt.fill.back_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    else:
        fmt.fill.solid()
        fmt.fill.fore_color.rgb = RGBColor.from_string(_GREYS[fill])
    fmt.line.color.rgb = RGBColor(0, 0, 0)
    fmt.line.width = _pt(0.6)


def _point_fills(series: Any, fills: tuple[str, ...]) -> None:
    """Each bar's own fill. python-pptx finds a point's properties (``c:dPt``) by searching the
    series' (the square of their number); it makes one for each kind of fill, and every
    point gets a copy of its kind's, in the points' order, where python-pptx placed them."""
    prototypes: dict[str, Any] = {}
    for i, fill in enumerate(fills):
        if fill not in prototypes:
            _fill(series.points[i].format, fill)
            prototypes[fill] = seam.point_element(series, i)
    made = list(prototypes.values())
    anchor = min(made, key=lambda point: point.getparent().index(point))
    for i, fill in enumerate(fills):
        point = copy.deepcopy(prototypes[fill])
        point.find(f"{{{_C}}}idx").set("val", str(i))
        anchor.addprevious(point)
    for point in made:
        point.getparent().remove(point)


def _title(axis: Any, text: str) -> None:
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = text
    font = frame.paragraphs[0].runs[0].font
    font.size = _pt(_TITLE_PT)
    font.bold = False


def _line(fmt: Any, colour: str, width: float) -> None:
    fmt.line.color.rgb = RGBColor.from_string(colour)
    fmt.line.width = _pt(width)


def chart_xml(bars: Bars, *, font: str | None = None) -> Any:
    """The chart's ``c:chartSpace`` (an lxml element, without the workbook's relationship).

    ``font`` is the typeface of its text (the document's), or None for the theme's.
    """

    kind = XL_CHART_TYPE.BAR_CLUSTERED if bars.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    space, chart = seam.chart(kind, _chart_data(bars))
    chart.has_title = False
    chart.font.size = _pt(TEXT_PT)
    if font:
        chart.font.name = font
    plot = chart.plots[0]
    plot.vary_by_categories = False
    plot.gap_width = 60 if bars.legend else 70
    fmt = number_format(bars)
    for series, facts in zip(plot.series, bars.series, strict=True):
        fills = set(facts.fills)
        if len(fills) == 1:
            _fill(series.format, facts.fills[0])
        else:
            _point_fills(series, facts.fills)
        if len(facts.unlabelled) == len(facts.values):
            continue
        labels = series.data_labels
        # With bars left unlabelled the series shows no labels and each labelled bar has its
        # own, as Word writes it; a deleted label per unlabelled bar instead doubles the labels
        # LibreOffice reads (1–2 ms each: 45 ms of a NIS 6.0 PDF).
        labels.show_value = not facts.unlabelled
        labels.number_format = fmt
        labels.number_format_is_linked = False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = _pt(bars.label_pt)
        if facts.notes is None and facts.prefixes is None and not facts.unlabelled:
            continue
        # A label with words around its figure: the words in its number format, so the figure
        # still follows the data. python-pptx finds and places a point's label by searching
        # the series' labels (the square of their number: 5 000 labels took minutes); it makes
        # the first, the others are copies of it set one after another, in the points' order.
        unlabelled = set(facts.unlabelled)
        labelled = [i for i in range(len(facts.values)) if i not in unlabelled]
        label = series.points[labelled[0]].data_label
        label.position = XL_LABEL_POSITION.OUTSIDE_END
        label.font.size = _pt(bars.label_pt)
        first = seam.label_element(label)
        cells = _in_cells(facts)
        code = etree.SubElement(first, f"{{{_C}}}numFmt",
                                formatCode=point_format(bars, facts, labelled[0], cells),
                                sourceLinked="0")
        first.idx.addnext(code)  # numFmt follows idx (and precedes spPr, txPr …)
        previous = first
        for i in labelled[1:]:
            dlbl = copy.deepcopy(first)
            dlbl.find(f"{{{_C}}}idx").set("val", str(i))
            dlbl.find(f"{{{_C}}}numFmt").set("formatCode", point_format(bars, facts, i, cells))
            previous.addnext(dlbl)
            previous = dlbl
        if cells:
            _labels_from_cells(series, bars, facts)

    categories, values = chart.category_axis, chart.value_axis
    categories.reverse_order = bars.horizontal  # the first category on top, as it is read
    categories.major_tick_mark = XL_TICK_MARK.NONE
    categories.tick_labels.font.size = _pt(bars.category_pt)
    _line(categories.format, "000000", 0.6)
    if bars.category_title:
        _title(categories, bars.category_title)
    values.minimum_scale = 0
    values.maximum_scale, values.major_unit = value_scale(bars)
    values.has_major_gridlines = True
    _line(values.major_gridlines.format, _GRID, 0.5)
    values.major_tick_mark = XL_TICK_MARK.OUTSIDE
    values.tick_labels.number_format = LOCALE + "#,##0"
    values.tick_labels.number_format_is_linked = False
    values.tick_labels.font.size = _pt(SMALL_PT)
    _line(values.format, "000000", 0.6)
    _title(values, bars.value_title)
    chart.has_legend = bars.legend
    if bars.legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = _pt(SMALL_PT)

    # What python-pptx has no property for: the language, square corners, no frame or fill.
    if bars.horizontal:  # the value axis crosses the reversed categories at their end: bottom
        space.find(f".//{{{_C}}}valAx/{{{_C}}}crosses").set("val", "max")
    for body in space.iterfind(f".//{{{_C}}}dLbls//{{{_A}}}bodyPr"):
        body.set("wrap", "none")  # a label on one line, as in the picture
    date1904 = space.find(f"{{{_C}}}date1904")
    date1904.addnext(etree.Element(f"{{{_C}}}roundedCorners", val="0"))
    date1904.addnext(etree.Element(f"{{{_C}}}lang", val="sv-SE"))
    frame = etree.Element(f"{{{_C}}}spPr")
    etree.SubElement(frame, f"{{{_A}}}noFill")
    etree.SubElement(etree.SubElement(frame, f"{{{_A}}}ln"), f"{{{_A}}}noFill")
    space.find(f"{{{_C}}}chart").addnext(frame)
    for run in space.iterfind(f".//{{{_A}}}endParaRPr[@lang]"):
        run.set("lang", "sv-SE")
    # python-pptx numbers the axes below zero (PowerPoint's habit); the schema's axis id is an
    # unsignedInt, and Word may call a negative one unreadable content.
    for axis_id in space.iterfind(f".//{{{_C}}}axId"):
        axis_id.set("val", str(abs(int(axis_id.get("val")))))
    for axis_id in space.iterfind(f".//{{{_C}}}crossAx"):
        axis_id.set("val", str(abs(int(axis_id.get("val")))))
    for formula in space.iterfind(f".//{{{_C}}}f"):
        formula.text = seam.sheet_reference(formula.text or "")
    return space


def _field(kind: str, key: int, size: float) -> Any:
    """A data label's field (``a:fld``): its figure (VALUE) or its cell's words (CELLRANGE)."""
    which = 0 if kind == "VALUE" else 1
    fld = etree.Element(f"{{{_A}}}fld", id=f"{{5E1A{which:04X}-0000-4000-8000-{key:012X}}}",
                        type=kind)
    etree.SubElement(fld, f"{{{_A}}}rPr", lang="sv-SE", sz=str(round(size * 100)))
    etree.SubElement(fld, f"{{{_A}}}t").text = f"[{kind}]"
    return fld


def _labels_from_cells(series: Any, bars: Bars, facts: Series) -> None:
    """Each labelled bar's label as Word writes "value from cells": a rich text of two fields,
    its figure (its number format the figure's) and the words in its cell of the series' label
    column, in the order they are read; the series names that column (``c15:datalabelsRange``,
    with the words cached, which LibreOffice draws)."""
    k = bars.series.index(facts)
    columns = label_columns(bars)
    column = next(i for i, (s, _, _) in enumerate(columns) if s == k)
    texts = columns[column][2]
    letter = _column(1 + len(bars.series) + column)
    ser = seam.series_element(series)
    size = bars.label_pt
    for dlbl in ser.iterfind(f"{{{_C}}}dLbls/{{{_C}}}dLbl"):
        i = int(dlbl.find(f"{{{_C}}}idx").get("val"))
        rich = etree.Element(f"{{{_C}}}rich")
        etree.SubElement(rich, f"{{{_A}}}bodyPr", wrap="none")
        etree.SubElement(rich, f"{{{_A}}}lstStyle")
        paragraph = etree.SubElement(rich, f"{{{_A}}}p")
        etree.SubElement(etree.SubElement(paragraph, f"{{{_A}}}pPr"), f"{{{_A}}}defRPr",
                         sz=str(round(size * 100)))
        value, words = _field("VALUE", k * 100000 + i, size), _field("CELLRANGE", k * 100000 + i,
                                                                      size)
        space_run = etree.Element(f"{{{_A}}}r")
        etree.SubElement(space_run, f"{{{_A}}}rPr", lang="sv-SE", sz=str(round(size * 100)))
        etree.SubElement(space_run, f"{{{_A}}}t").text = " "
        paragraph.extend([words, space_run, value] if facts.prefixes else
                         [value, space_run, words])
        tx = etree.Element(f"{{{_C}}}tx")
        tx.append(rich)
        dlbl.find(f"{{{_C}}}idx").addnext(tx)  # tx follows idx (and precedes numFmt …)
        ext_list = etree.SubElement(dlbl, f"{{{_C}}}extLst")
        ext = etree.SubElement(ext_list, f"{{{_C}}}ext", uri=_LABEL_EXT, nsmap={"c15": _C15})
        etree.SubElement(ext, f"{{{_C15}}}showDataLabelsRange", val="1")
    ext_list = etree.SubElement(ser, f"{{{_C}}}extLst")
    ext = etree.SubElement(ext_list, f"{{{_C}}}ext", uri=_SERIES_EXT, nsmap={"c15": _C15})
    labels = etree.SubElement(ext, f"{{{_C15}}}datalabelsRange")
    n = len(texts)
    etree.SubElement(labels, f"{{{_C15}}}f").text = (
        f"{seam.SHEET}!${letter}$2:${letter}${n + 1}")
    cache = etree.SubElement(labels, f"{{{_C15}}}dlblRangeCache")
    etree.SubElement(cache, f"{{{_C}}}ptCount", val=str(n))
    for i, text in enumerate(texts):
        if text:
            point = etree.SubElement(cache, f"{{{_C}}}pt", idx=str(i))
            etree.SubElement(point, f"{{{_C}}}v").text = text


# --------------------------------------------------------------------------------------------
# Placing a chart in the document

def _add_chart(part: Any, chart: NativeChart, font: str | None) -> str:
    """Add the chart's part and workbook to the package; its relationship id from ``part``."""
    package = part.package
    chart_part = seam.new_part(package, "/word/charts/chart%d.xml", CHART_TYPE, b"")
    book = seam.new_part(package, "/word/embeddings/Microsoft_Excel_Worksheet%d.xlsx",
                         WORKBOOK_TYPE, workbook(chart.bars, chart.created))
    space = chart_xml(chart.bars, font=font)
    external = etree.SubElement(space, f"{{{_C}}}externalData")
    external.set(f"{{{_R}}}id", chart_part.relate_to(book, RT_PACKAGE))
    etree.SubElement(external, f"{{{_C}}}autoUpdate", val="0")
    seam.set_blob(chart_part, etree.tostring(space, xml_declaration=True, encoding="UTF-8",
                                             standalone=True))
    rid: str = part.relate_to(chart_part, RT_CHART)
    return rid


def inline_xml(chart: NativeChart, rid: str, height_cm: float | None = None) -> str:
    """The ``wp:inline`` that shows a chart part in the text, with its alt text."""

    width = round(chart.width_cm * _EMU_PER_CM)
    height = round((height_cm or chart.bars.height_cm) * _EMU_PER_CM)
    return (
        f'<wp:inline distT="0" distB="0" distL="0" distR="0" xmlns:wp="{_WP}">'
        f'<wp:extent cx="{width}" cy="{height}"/>'
        '<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="1" name="Diagram" descr={quoteattr(chart.alt)}/>'
        "<wp:cNvGraphicFramePr/>"
        f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_C}">'
        f'<c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="{rid}"/>'
        "</a:graphicData></a:graphic></wp:inline>"
    )


class Placed:
    """A Word chart as a template prints it (``{{ a.diagram.budget.bild }}``).

    Printing it adds the chart part and its workbook to the part being rendered and writes the
    drawing in place of the tag's run, as docxtpl's InlineImage does for a picture.
    """

    def __init__(self, tpl: Any, chart: NativeChart, font: str | None) -> None:
        self.tpl, self.chart, self.font = tpl, chart, font

    def _insert(self) -> str:
        rid = _add_chart(seam.current_part(self.tpl), self.chart, self.font)
        return (f"</w:t></w:r><w:r><w:drawing>{inline_xml(self.chart, rid)}</w:drawing></w:r>"
                '<w:r><w:t xml:space="preserve">')

    def __html__(self) -> str:
        return self._insert()

    def __str__(self) -> str:
        return self._insert()
