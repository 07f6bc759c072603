"""A report filled into a Word template: the .docx a render makes, before LibreOffice.

:func:`render_bytes` reads the template (refusing an unsafe or unreadable one at once,
:func:`check_template_file`), builds the report's template context (:mod:`slutrapport.context`)
with its charts as Word charts (:mod:`slutrapport.wordcharts`) or pictures
(:mod:`slutrapport.charts`), fills every part with docxtpl in the sandboxed environment
(:mod:`slutrapport.environment`), numbers captions and references (:mod:`slutrapport.fields_word`)
and saves reproducible bytes. Every contact with docxtpl's and python-docx's insides is in
:mod:`slutrapport.seam`. Each way a template can fail is a
:class:`~slutrapport.errors.TemplateError` in Swedish, with the paragraph where it failed.
:func:`template_parts` gives the Jinja source of a template's parts, as the checks of a template
read it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from lxml import etree

from slutrapport import seam
from slutrapport._budget import BudgetExceeded, run
from slutrapport._safety import inspect_template, refuse_fetched_links, refuse_fetching_fields
from slutrapport._templateerrors import (
    broken_xml,
    paragraph,
    syntax_error,
    undefined,
    unreadable,
    unsafe,
    where,
)
from slutrapport.charts import make_charts
from slutrapport.context import build_context
from slutrapport.docxzip import STAMP, stamp_of
from slutrapport.environment import CHART_KEYS, environment
from slutrapport.errors import TemplateError, UnsafeTemplateError, describe
from slutrapport.fields import date_bounds
from slutrapport.fields_word import ListNumbering, finish
from slutrapport.models import Slutrapport
from slutrapport.narrative import LIST_NUMBERING
from slutrapport.standard import default_template

__all__ = ["DIAGRAM_FORMS", "Part", "check_template_file", "draw_charts", "render_bytes",
           "template_parts"]

DIAGRAM_FORMS = ("diagram", "bild")
"""How charts are placed: as Word charts (``diagram``, the default) or as pictures (``bild``)."""


def _document_font(tpl: Any) -> str | None:
    """The typeface of the template's Normal style, for the text of its Word charts."""
    try:
        name = tpl.docx.styles["Normal"].font.name
    except KeyError:
        return None
    return str(name) if name else None


def draw_charts(tpl: Any, report: Slutrapport, wanted: bool,
            diagram: str = "diagram") -> dict[str, dict[str, Any]]:
    """Each section's charts by section id and name, with captions: Word charts or pictures."""
    charts: dict[str, dict[str, Any]] = {}
    if not wanted:
        return charts
    if diagram not in DIAGRAM_FORMS:
        raise ValueError(f"diagram ska vara 'diagram' eller 'bild', inte {diagram!r}")
    if diagram == "bild":
        for section, drawn in make_charts(report).items():
            for name, chart in drawn.items():
                charts.setdefault(section, {})[name] = dict(zip(CHART_KEYS, (
                    seam.picture(tpl, chart.png, chart.width_cm, chart.alt), chart.bildtext,
                    chart.alt), strict=True))
        return charts
    # start-up: python-pptx only when a document with Word charts is made
    from slutrapport import wordcharts

    font = _document_font(tpl)
    for section, made in wordcharts.make_native_charts(report).items():
        for name, native in made.items():
            charts.setdefault(section, {})[name] = dict(zip(CHART_KEYS, (
                wordcharts.Placed(tpl, native, font), native.bildtext, native.alt), strict=True))
    return charts


def report_stamp(report: Slutrapport) -> str:
    """The document's created and modified date: the first day of the report's date
    (``projekt.rapportdatum``), or :data:`~slutrapport.docxzip.STAMP` when it gives none; the
    same report gives the same bytes either way."""
    if report.projekt.rapportdatum is None:
        return STAMP
    return stamp_of(date_bounds(report.projekt.rapportdatum)[0])


def render_bytes(
    report: Slutrapport,
    *,
    template: str | Path | None = None,
    extra: dict[str, Any] | None = None,
    charts: bool = True,
    diagram: str = "diagram",
) -> bytes:
    """Render a report into .docx bytes with a template (the default one if None).

    ``charts=False`` leaves the charts out (and does not import matplotlib). The charts are
    Word charts, their figures in an embedded workbook (``diagram="diagram"``), or pictures
    (``diagram="bild"``).
    """
    path = Path(template) if template is not None else default_template()
    check_template_file(path)
    try:
        tpl = seam.open_template(path)
    except TemplateError:
        raise
    except Exception as exc:  # docx/zip/lxml raise many kinds; all mean "not a Word file"
        raise TemplateError(unreadable(path, exc)) from exc
    drawn = draw_charts(tpl, report, charts, diagram)
    context = build_context(report, link_id=tpl.build_url_id, charts=drawn, extra=extra)
    numbering = LIST_NUMBERING.set(ListNumbering(tpl.docx))
    try:
        with run(report, path):  # the time of this report's template work, its output budget
            tpl.render(context, jinja_env=environment(), autoescape=True)
    except BudgetExceeded as exc:
        raise TemplateError(f"{path}: {exc}") from None
    except SecurityError as exc:
        raise UnsafeTemplateError(f"{path}: {unsafe(str(exc))}{_where(exc)}") from exc
    except UndefinedError as exc:
        raise TemplateError(f"{path}: {undefined(str(exc))}{_where(exc)}") from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"{path}: {syntax_error(exc, getattr(exc, 'template_source', None), environment())}"
        ) from exc
    except TemplateError:
        raise
    except etree.XMLSyntaxError as exc:  # a header or footer (the body is checked above)
        raise TemplateError(broken_xml(path)) from exc
    except Exception as exc:  # the template's own expressions: {{ 1/0 }}, {{ projekt.namn() }} …
        raise TemplateError(
            f"{path}: mallen kunde inte fyllas i ({describe(exc)}){_where(exc)}"
        ) from exc
    finally:
        LIST_NUMBERING.reset(numbering)
    refuse_fetched_links(tpl.docx.part.package, path)
    finish(tpl.docx.element)  # caption numbers, references, landscape pages
    refuse_fetching_fields(tpl.docx.part.package, path)  # one the template's expressions wrote
    return seam.save(tpl, report_stamp(report))


def check_template_file(path: Path) -> None:
    """Refuse, before any work, a template that is missing, a folder, not a .docx (zip), or
    unsafe: a zip bomb, a DTD, an outside address LibreOffice would fetch (slutrapport._safety).
    """
    if not path.exists():
        raise TemplateError(f"{path}: mallen finns inte")
    if path.is_dir():
        raise TemplateError(f"{path}: är en mapp, inte en Word-mall")
    if not zipfile.is_zipfile(path):
        raise TemplateError(unreadable(path))
    inspect_template(path)


def _template_line(exc: BaseException) -> int | None:
    """The template line an exception was raised at (Jinja puts it in the traceback), if any."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _where(exc: Exception) -> str:
    """' (i stycket «…»)': the paragraph at the template line an error was raised at."""
    return where(paragraph(getattr(exc, "template_source", None), _template_line(exc)))


@dataclass(frozen=True)
class Part:
    """A part of a template (the body, a header …) by name, and the Jinja source it renders."""

    name: str
    source: str


def template_parts(path: Path) -> list[Part]:
    """Every part docxtpl renders, as the Jinja source it renders: the body, the headers and
    footers, the footnotes, and the core properties that hold a tag."""
    check_template_file(path)  # missing, a folder, not a zip, unsafe: as render says it
    try:
        tpl = seam.open_template(path)
        parts = [Part(str(part.partname).lstrip("/"), source)
                 for part, source in seam.template_sources(tpl)]
        props = tpl.docx.core_properties
        for prop in ("author", "comments", "identifier", "language", "subject", "title"):
            value = getattr(props, prop) or ""
            if "{" in value:
                parts.append(Part(f"docProps/core.xml ({prop})", value))
    except TemplateError:
        raise
    except Exception as exc:  # zip, XML and docx errors all mean "not a Word file"
        raise TemplateError(unreadable(path, exc)) from exc
    return parts
