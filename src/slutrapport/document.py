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
from slutrapport._columns import fit_columns, keep_short_tables
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
from slutrapport.emblem import emblem_png
from slutrapport.environment import CHART_KEYS, environment
from slutrapport.errors import InputError, Problem, TemplateError, UnsafeTemplateError, describe
from slutrapport.fields import date_bounds
from slutrapport.fields_word import ListNumbering, finish
from slutrapport.models import Slutrapport
from slutrapport.narrative import LIST_NUMBERING, PICTURES, PictureRef
from slutrapport.paths import format_loc
from slutrapport.pictures import PictureFile, used_pictures
from slutrapport.standard import default_template

__all__ = ["DIAGRAM_FORMS", "Part", "Rendered", "check_template_file", "draw_charts",
           "picture_files", "render_bytes", "render_document", "template_parts"]

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


def picture_files(report: Slutrapport) -> dict[str, PictureFile]:
    """The pictures the report shows, by file name as written, read beside the data file (the
    working folder for a report built in code); :class:`InputError` naming each that can't be
    used (file, line, field), or whose attributes are wrong."""
    base = Path(report.source).parent if report.source else Path.cwd()
    problems: list[Problem] = []
    files: dict[str, PictureFile] = {}
    for used in used_pictures(report, base, report.logos()):
        where = format_loc(report.display_loc(used.loc))
        line = report.line_of(used.loc)
        for message in [used.error, *(used.ref.problems if used.ref else ())]:
            if message:
                problems.append(Problem(message, where, line, report.source))
        if used.file is not None:
            files[used.src] = used.file
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return files


_MAX_HEIGHT = 0.6
"""The most of the text's height a picture in the text takes (room for its caption, a line)."""


def _placer(tpl: Any, files: dict[str, PictureFile]) -> Any:
    """What places a narrative's picture: at the text's width, or the width the text gives, no
    wider than the text and no taller than :data:`_MAX_HEIGHT` of it."""
    section = tpl.docx.sections[-1]
    emu_cm = 360000
    text_w = (section.page_width - section.left_margin - section.right_margin) / emu_cm
    text_h = (section.page_height - section.top_margin - section.bottom_margin) / emu_cm

    def place(ref: PictureRef) -> str:
        found = files[ref.src]
        width = text_w if ref.width_cm is None else min(ref.width_cm, text_w)
        if ref.width_share is not None:
            width = text_w * ref.width_share
        width = min(width, text_h * _MAX_HEIGHT * found.width_px / found.height_px)
        return seam.picture_run(tpl, found.data, round(width, 2), ref.alt, ref.name)

    return place


_LOGO_HEIGHT_CM = 1.2
"""The height of a logo in the title page's row (its width follows, at most 6 cm)."""
_EMBLEM_HEIGHT_CM = 1.6
"""The height of the EU emblem on the title page (its width 1,5 times that)."""


def _title_pictures(tpl: Any, report: Slutrapport, context: dict[str, Any],
                    files: dict[str, PictureFile]) -> None:
    """The title page's pictures into the context: the EU emblem (drawn) and the logos, each
    logo as high as the others (and at most 6 cm wide)."""
    page = context.get("titelsida")
    if not isinstance(page, dict):  # the caller's extra context replaced it
        return
    mark = page.get("eu_markering")
    if mark:
        alt = "EU-emblemet" if mark == "2021-2027" else "EU-flaggan"
        page["eu_emblem"] = seam.picture(tpl, emblem_png(), _EMBLEM_HEIGHT_CM * 1.5, alt)
    page["logotyper"] = []
    for _, src, alt in report.logos():
        found = files[src]
        width = min(6.0, _LOGO_HEIGHT_CM * found.width_px / found.height_px)
        page["logotyper"].append(seam.picture(tpl, found.data, round(width, 2), alt))


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
    return render_document(report, template=template, extra=extra, charts=charts,
                           diagram=diagram).data


@dataclass
class Rendered:
    """A rendered document: its .docx bytes, and — for the work that follows at once, the copy
    LibreOffice lays out and the contents' plan — the body's tree as rendering built it and the
    body as written into the bytes, so that neither is unzipped or parsed again. The tree is the
    caller's to change (the .docx is written already); :meth:`release` lets both go."""

    data: bytes
    root: Any | None
    body: bytes | None

    def release(self) -> None:
        """Let the tree and the body go (they are large for a long table)."""
        self.root = None
        self.body = None


def render_document(
    report: Slutrapport,
    *,
    template: str | Path | None = None,
    extra: dict[str, Any] | None = None,
    charts: bool = True,
    diagram: str = "diagram",
) -> Rendered:
    """:func:`render_bytes`, with the body's tree and XML kept (see :class:`Rendered`)."""
    files = picture_files(report)  # a picture that can't be used stops the render at once
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
    _title_pictures(tpl, report, context, files)
    numbering = LIST_NUMBERING.set(ListNumbering(tpl.docx))
    placing = PICTURES.set(_placer(tpl, files))
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
        PICTURES.reset(placing)
    refuse_fetched_links(tpl.docx.part.package, path)
    finish(tpl.docx.element)  # caption numbers, references, landscape pages
    fit_columns(tpl.docx.element)  # column widths from the text now in the tables
    keep_short_tables(tpl.docx.element)  # a table of up to 15 rows on one page
    refuse_fetching_fields(tpl.docx.part.package, path)  # one the template's expressions wrote
    data, body = seam.saved(tpl, report_stamp(report))
    return Rendered(data, tpl.docx.element if body is not None else None, body)


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
