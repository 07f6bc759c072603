"""Filling a Word template with a report: the only module that touches docxtpl and python-docx.

Templates run in a sandboxed Jinja environment with autoescape on and undefined variables as
errors. Output is checked to parse strictly, written atomically, and byte-for-byte reproducible.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slutrapport import formatting
from slutrapport._files import check_target, write_atomic
from slutrapport._templateerrors import (
    paragraph,
    syntax_error,
    undefined,
    unreadable,
    unsafe,
    where,
)
from slutrapport.checks import Finding, check
from slutrapport.context import build_context, protect_braces
from slutrapport.docxzip import FixedZip, normalize_docx
from slutrapport.errors import (
    ConversionError,
    OutputError,
    RefusedError,
    TemplateError,
    UnsafeTemplateError,
    describe,
)
from slutrapport.models import Slutrapport
from slutrapport.standard import default_template

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "FILTERS",
    "ContentsNotFilledWarning",
    "environment",
    "fill_contents",
    "render",
    "render_bytes",
    "render_many",
    "write_atomic",
]


def _period(value: Any, end: Any = None) -> str:
    if isinstance(value, dict):
        return formatting.format_period(value["fran"], value["till"])
    return formatting.format_period(value, end)


def _enumerate(values: Iterable[Any]) -> str:
    """'Robertsfors, Vindeln och Vännäs' — a Swedish enumeration."""
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


FILTERS: dict[str, Callable[..., str]] = {
    **formatting.FILTERS,
    "period": _period,
    "lista": _enumerate,
}
"""The Jinja filters templates may use: ``tal``, ``kr``, ``decimal``, ``procent``, ``andel``,
``datum``, ``manad``, ``period``, ``tecken`` and ``lista``."""


def _finalize(value: Any) -> Any:
    """Print figures the Swedish way even without a filter; None prints nothing."""
    from markupsafe import Markup, escape

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
        from slutrapport._sandbox import check_text

        check_text(value)
    return Markup(protect_braces(str(escape(str(value)))))


def _finalize_text(value: Any) -> Any:
    """Like ``_finalize``, for plain text such as the document's properties: nothing escaped."""
    if value is None or isinstance(value, int | Decimal):
        return _finalize(value)
    return value


@functools.cache
def environment(*, xml: bool = True) -> SandboxedEnvironment:
    """The Jinja environment templates run in: sandboxed, autoescaping, strict about names.

    ``xml=False`` gives the same environment for plain text (no XML escaping), which the
    document's properties (title, subject …) are: python-docx escapes them itself. There is one
    of each per process, and it keeps the templates it has compiled: rendering the same Word
    template again (another report, or the same one after an edit) skips Jinja's compiler.
    """
    from jinja2 import StrictUndefined, Template
    from jinja2.sandbox import SandboxedEnvironment

    from slutrapport import _sandbox

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
                compiled = super().from_string(source)
                if len(self._compiled) >= 64:
                    self._compiled.clear()
                self._compiled[source] = compiled
            return compiled

    env = _Sandbox(autoescape=xml, undefined=StrictUndefined,
                   finalize=_finalize if xml else _finalize_text)
    env.filters.update(FILTERS)
    return env


CHART_KEYS = ("bild", "bildtext", "alt")
"""What each ``<avsnitt>.diagram.<namn>`` holds: the chart, its caption and its alt text."""

DIAGRAM_FORMS = ("diagram", "bild")
"""How charts are placed: as Word charts (``diagram``, the default) or as pictures (``bild``)."""


def _document_font(tpl: Any) -> str | None:
    """The typeface of the template's Normal style, for the text of its Word charts."""
    try:
        name = tpl.docx.styles["Normal"].font.name
    except KeyError:
        return None
    return str(name) if name else None


def _charts(tpl: Any, report: Slutrapport, wanted: bool,
            diagram: str = "diagram") -> dict[str, dict[str, Any]]:
    """Each section's charts by section id and name, with captions: Word charts or pictures."""
    from docx.shared import Cm
    from docxtpl import InlineImage
    from markupsafe import escape

    charts: dict[str, dict[str, Any]] = {}
    if not wanted:
        return charts
    if diagram not in DIAGRAM_FORMS:
        raise ValueError(f"diagram ska vara 'diagram' eller 'bild', inte {diagram!r}")
    from slutrapport.charts import make_charts
    from slutrapport.wordcharts import NativeChart, Placed, make_native_charts

    class _Picture(InlineImage):  # type: ignore[misc]
        """An inline picture that carries its alt text (docPr/@descr) for screen readers."""

        def __init__(self, tpl: Any, data: bytes, width_cm: float, alt: str) -> None:
            super().__init__(tpl, io.BytesIO(data), width=Cm(width_cm))
            self.alt = alt

        def _insert_image(self) -> str:
            xml: str = super()._insert_image()
            return xml.replace("<wp:docPr ", f'<wp:docPr descr="{escape(self.alt)}" ', 1)

    made = make_native_charts(report) if diagram == "diagram" else make_charts(report)
    font = _document_font(tpl)
    for section, drawn in made.items():
        for name, chart in drawn.items():
            picture: Any = (Placed(tpl, chart, font) if isinstance(chart, NativeChart)
                            else _Picture(tpl, chart.png, chart.width_cm, chart.alt))
            charts.setdefault(section, {})[name] = dict(
                zip(CHART_KEYS, (picture, chart.bildtext, chart.alt), strict=True))
    return charts


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
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from lxml import etree

    class _Template(DocxTemplate):  # type: ignore[misc]
        def fix_tables(self, xml: str) -> Any:
            # docxtpl parses with recover=True, which drops broken content without a word;
            # parse strictly first so nothing is ever lost silently.
            try:
                tree = etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                raise TemplateError(_broken_xml(path)) from exc
            if _tables_fit(tree):
                return tree  # docxtpl would change nothing: spare it a second parse
            return super().fix_tables(xml)

        def map_tree(self, tree: Any) -> None:
            # docxtpl moves the rendered body into the document; lxml's move takes time
            # quadratic in the xml:space attributes (one per <w:t>), as its namespace cache
            # misses on each: 2 s for 30 000 table rows, 39 s for 100 000. Lift those that are
            # an element's only attribute off for the move and put them back (100 000: 2 s).
            lifted = tree.xpath("descendant-or-self::*[@xml:space='preserve' and count(@*)=1]")
            for element in lifted:
                del element.attrib[_XML_SPACE]
            super().map_tree(tree)
            for element in lifted:
                element.set(_XML_SPACE, "preserve")

        def resolve_listing(self, xml: str) -> Any:
            # docxtpl rewrites every paragraph with regexes to expand \t \a \n \f in text
            # (a tenth of its time on a long table); without one in a <w:t> nothing changes.
            if _LISTING.search(xml) is None or _TEXT_WITH_LISTING.search(xml) is None:
                return xml
            return super().resolve_listing(xml)

        def render_properties(self, context: Any, jinja_env: Any = None) -> None:
            # With the XML environment a title '{{ projekt.namn }}' would read 'A &amp; B'.
            super().render_properties(context, environment(xml=False))

        def render_xml_part(self, src_xml: str, part: Any, context: Any,
                            jinja_env: Any = None) -> Any:
            try:
                return super().render_xml_part(src_xml, part, context, jinja_env)
            except Exception as exc:
                # the source as Jinja parsed it (docxtpl's split, a paragraph a line), so the
                # message can show the paragraph at the error's line (see _where)
                setattr(exc, "template_source",  # noqa: B010
                        re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))
                raise

    path = Path(template) if template is not None else default_template()
    check_template_file(path)
    try:
        tpl = _Template(str(path))
        tpl.init_docx()
    except Exception as exc:  # docx/zip/lxml raise many kinds; all mean "not a Word file"
        raise TemplateError(unreadable(path, exc)) from exc
    context = build_context(
        report, link_id=tpl.build_url_id, charts=_charts(tpl, report, charts, diagram), extra=extra)
    from slutrapport._sandbox import BudgetExceeded, run
    from slutrapport.context import LIST_NUMBERING
    from slutrapport.fields_word import ListNumbering

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
        raise TemplateError(_broken_xml(path)) from exc
    except Exception as exc:  # the template's own expressions: {{ 1/0 }}, {{ projekt.namn() }} …
        raise TemplateError(
            f"{path}: mallen kunde inte fyllas i ({describe(exc)}){_where(exc)}"
        ) from exc
    finally:
        LIST_NUMBERING.reset(numbering)
    from slutrapport._safety import refuse_fetched_links, refuse_fetching_fields
    from slutrapport.fields_word import finish

    refuse_fetched_links(tpl.docx.part.package, path)
    finish(tpl.docx.element)  # caption numbers, references, landscape pages
    refuse_fetching_fields(tpl.docx.part.package, path)  # one the template's expressions wrote
    return _save(tpl)


def _save(tpl: Any) -> bytes:
    """The rendered document as reproducible .docx bytes, zipped once."""
    from docx.opc.pkgwriter import PackageWriter

    if tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        buffer = io.BytesIO()  # docxtpl rewrites the zip itself for replaced media: let it
        tpl.save(buffer)
        return normalize_docx(buffer.getvalue())
    tpl.pre_processing()
    package = tpl.docx.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    buffer = io.BytesIO()
    writer: Any = FixedZip(buffer)
    PackageWriter._write_content_types_stream(writer, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(writer, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(writer, parts)
    writer.close()
    tpl.is_saved = True
    return buffer.getvalue()


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_LISTING = re.compile("[\t\a\n\f]")
_TEXT_WITH_LISTING = re.compile(r"<w:t[ >](?:(?!</w:t>).)*?[\t\a\n\f]", re.DOTALL)
"""A character docxtpl's resolve_listing expands, inside a ``<w:t>`` (or its tag)."""


def _tables_fit(root: Any) -> bool:
    """Whether docxtpl's ``fix_tables`` would leave every table as it is.

    It adds grid columns when a row has more cells than the grid, and removes some when no row
    spans them all; otherwise it changes nothing. Anything unusual answers False, so docxtpl
    decides.
    """
    if root.nsmap.get("w") != _W[1:-1]:
        return False
    try:
        for table in root.iter(f"{_W}tbl"):
            grid = table.find(f"{_W}tblGrid")
            if grid is None:
                return False
            columns = len(grid.findall(f"{_W}gridCol"))
            widest = 0
            for row in table.iter(f"{_W}tr"):
                cells = row.findall(f"{_W}tc")
                if len(cells) > columns:
                    return False
                width = 0
                for cell in cells:
                    props = cell.find(f"{_W}tcPr")
                    span = None if props is None else props.find(f"{_W}gridSpan")
                    width += 1 if span is None else int(span.get(f"{_W}val"))
                widest = max(widest, width)
            if widest < columns:
                return False
    except (TypeError, ValueError):
        return False
    return True


def check_template_file(path: Path) -> None:
    """Refuse, before any work, a template that is missing, a folder, not a .docx (zip), or
    unsafe: a zip bomb, a DTD, an outside address LibreOffice would fetch (slutrapport._safety).
    """
    from slutrapport._safety import inspect_template

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


def _broken_xml(path: Path) -> str:
    """The rendered template is not well-formed XML (lxml's English reason is not the user's)."""
    return (f"{path}: mallen gav ogiltig XML: ett värde som skrivs ut med |safe, eller en tagg på "
            "fel ställe, bröt Word-dokumentets kod; inget skrevs")


def _where(exc: Exception) -> str:
    """' (i stycket «…»)': the paragraph at the template line an error was raised at."""
    return where(paragraph(getattr(exc, "template_source", None), _template_line(exc)))


class ContentsNotFilledWarning(UserWarning):
    """The table of contents could not be filled now; Word fills it when the file is opened."""


STRICT_CODES = frozenset({"ej-ifyllt"})
"""Codes below error that ``strict`` refuses too: required content left unfilled."""


def render(
    report: Slutrapport,
    output: str | Path | None = None,
    *,
    to: str | None = None,
    template: str | Path | None = None,
    strict: bool = False,
    findings: list[Finding] | None = None,
    contents: bool = True,
    charts: bool = True,
    diagram: str = "diagram",
    timeout: float = 180,
    pdfa: bool = False,
) -> bytes:
    """Check and render a report; write it to output (atomically) if given; return the bytes.

    ``to`` ("docx" or "pdf") chooses the format; without it the output's suffix decides
    (``.pdf`` converts through LibreOffice headless, ``.docx`` is Word; another suffix is an
    :class:`~slutrapport.errors.OutputError`, as is ``to`` contradicting ``.docx`` or ``.pdf``),
    and without an output too it is a .docx. ``render(report, to="pdf")`` thus gives PDF bytes
    and writes no file of the caller's. With ``contents=True`` (the default) the table of
    contents is filled with page numbers by LibreOffice when it is installed; otherwise
    (LibreOffice missing, not starting, failing or passing ``timeout``) the .docx is made all
    the same and a :class:`ContentsNotFilledWarning` says why Word will fill it on opening.
    ``charts=False`` leaves the charts out; ``diagram="bild"`` places them as pictures instead
    of Word charts. With ``strict=True`` findings with errors, or content left to fill in
    (:data:`STRICT_CODES`), raise :class:`~slutrapport.errors.RefusedError` and nothing is
    written. A PDF is tagged (headings, table headers, alt texts and language, for screen
    readers); ``pdfa=True`` makes it PDF/A-2b, for archiving (a .docx output with it is a
    ValueError).
    """
    if to is not None and to not in FORMATS:
        raise ValueError(f"to ska vara 'docx' eller 'pdf', inte {to!r}")
    return render_many([report], [output], template=template, strict=strict,
                       findings=[findings] if findings is not None else None,
                       contents=contents, charts=charts, diagram=diagram, timeout=timeout,
                       formats=[to] if to is not None else None, pdfa=pdfa)[0]


FORMATS = ("docx", "pdf")
"""The formats a report is written in."""

STAGES = ("skriver", "fyller i innehållsförteckningen", "skriver PDF", "klar", "misslyckades")
"""What :func:`render_many` tells its ``progress`` a report has come to (in Swedish, as shown)."""


def render_many(
    reports: Sequence[Slutrapport],
    outputs: Sequence[str | Path | None],
    *,
    template: str | Path | None = None,
    strict: bool = False,
    findings: Sequence[list[Finding]] | None = None,
    contents: bool = True,
    charts: bool = True,
    diagram: str = "diagram",
    timeout: float = 180,
    formats: Sequence[str] | None = None,
    pdfa: bool = False,
    jobs: int | None = None,
    recycle: int | None = None,
    names: Sequence[str] | None = None,
    progress: Callable[[int, str], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[bytes]:
    """Render several reports; LibreOffice (contents, PDF) works on them side by side.

    ``formats`` ("docx" or "pdf" per report) overrides the outputs' suffixes (needed when an
    output is None). ``pdfa`` makes the PDFs PDF/A-2b (every output must then be a PDF).
    ``jobs`` LibreOffices run at once (one per core by default, never more than there are
    reports), started before the first report is rendered; each is ended and a fresh one started
    after ``recycle`` reports (``$SLUTRAPPORT_LO_DOKUMENT``, else 25), which bounds its memory in
    a batch of any size. ``timeout`` is per report. Long tables are split in the copy LibreOffice
    lays out (slutrapport._layoutcopy); the .docx keeps them whole. ``progress(index, stage)``
    hears each report's :data:`STAGES`; ``meanwhile()`` is called once every report is rendered,
    while LibreOffice works on them.

    Each output is written as soon as its report is done. A report that fails doesn't stop the
    others: they are written, and then one report's error is raised as it is, several reports'
    as :class:`~slutrapport.errors.BatchError` naming each (by ``names``, the outputs, or
    'rapport N'). A .docx never fails for LibreOffice's sake: its contents are then left for
    Word, with a :class:`ContentsNotFilledWarning` saying why.
    """
    import contextlib
    import warnings

    from slutrapport import office
    from slutrapport._layoutcopy import OVERLAP_ROWS, PART_ROWS, PDF_PART_ROWS, layout_copy
    from slutrapport.errors import BatchError, SlutrapportError

    if strict:
        if findings is None:  # only strict reads them: without it, checking is wasted work
            findings = [check(r, template=template) for r in reports]
        # errors, and required content left to fill in (a fresh skeleton is no report)
        refused = [f for fs in findings for f in fs
                   if f.severity == "error" or f.code in STRICT_CODES]
        if refused:
            raise RefusedError([f for fs in findings for f in fs])
    kinds = list(formats) if formats is not None else [
        "pdf" if out is not None and Path(out).suffix.lower() == ".pdf" else "docx"
        for out in outputs]
    if pdfa and any(k != "pdf" for k in kinds):
        raise ValueError("PDF/A (pdfa) gäller bara PDF: ge utfilen ändelsen .pdf")
    protect = _protected(reports, template)
    for out in outputs:  # at once, before any work: never the data, the template, a device …
        if out is not None:
            check_target(out, protect)
    for n, out in enumerate(outputs):  # the name and the format agree, or nothing is written
        suffix = Path(out).suffix.lower() if out is not None else ""
        wanted = formats[n] if formats is not None else None
        if out is not None and wanted is None and suffix not in {".docx", ".pdf"}:
            raise OutputError(f"{out}: utfilen ska sluta på .docx eller .pdf (eller ange "
                              "formatet med to=)")
        if wanted is not None and suffix in {".docx", ".pdf"} and suffix != f".{wanted}":
            raise OutputError(f"{out}: filen slutar på {suffix} men formatet är {wanted}; "
                              "ändra ändelsen eller formatet")
    labels = list(names) if names is not None else [
        str(out) if out is not None else f"rapport {i + 1}" for i, out in enumerate(outputs)]
    tell = progress or (lambda index, stage: None)
    wants_office = [k == "pdf" or contents for k in kinds]
    results: list[bytes | None] = [None] * len(reports)
    failures: dict[int, SlutrapportError] = {}
    unfilled: dict[str, list[int]] = {}  # why the contents are left for Word -> the reports

    def finish(i: int, data: bytes) -> None:
        """Keep a report's result and write it at once."""
        results[i] = data
        out = outputs[i]
        if out is not None:
            try:
                write_atomic(out, data, protect=protect)
            except SlutrapportError as exc:
                failures[i] = exc

    with contextlib.ExitStack() as stack:
        pool: office.OfficePool | None = None
        folder = Path()
        if any(wants_office):
            if office.available():
                # the copies LibreOffice opens and its PDFs, removed however the run ends
                # (by a LibreOffice worker's watchdog if this process is killed): made once the
                # workers, which know it, have started, and removed once they have ended
                folder = office.folder_name()
                count = sum(wants_office)
                workers = min(jobs or office.default_workers(), count)
                stack.callback(office.remove_folder, folder)
                pool = stack.enter_context(office.OfficePool(
                    workers, timeout=timeout, recycle=recycle, documents=folder))
                folder.mkdir(mode=0o700)
            elif any(k == "pdf" for k in kinds):
                raise ConversionError(f"LibreOffice saknas. {office.INSTALL_HINT}")
            else:
                unfilled.setdefault(
                    f"eftersom LibreOffice saknas här. {office.INSTALL_HINT}", []).extend(
                    i for i, wanted in enumerate(wants_office) if wanted)
        for i, report in enumerate(reports):
            tell(i, "skriver")
            try:
                document = render_bytes(report, template=template, charts=charts,
                                        diagram=diagram)
            except SlutrapportError as exc:
                if len(reports) == 1:
                    raise
                failures[i] = exc
                tell(i, "misslyckades")
                continue
            if pool is None or not wants_office[i]:
                finish(i, document)
                tell(i, "klar")
                continue
            results[i] = document
            pdf = folder / f"rapport-{i}.pdf" if kinds[i] == "pdf" else None
            copy, splits = (layout_copy(document, rows=PDF_PART_ROWS, overlap=OVERLAP_ROWS)
                            if pdf else layout_copy(document, rows=PART_ROWS))
            path = folder / f"rapport-{i}.docx"
            path.write_bytes(copy)
            pool.submit(i, office.OfficeJob(path, pdf, pdfa, [s.as_dict() for s in splits]))
            tell(i, "skriver PDF" if pdf else "fyller i innehållsförteckningen")
        if meanwhile is not None:
            meanwhile()
        for i, answer in pool.results() if pool is not None else ():
            document = results[i]
            assert document is not None
            # the copy and the PDF are done with: a batch of any size takes no more room
            (folder / f"rapport-{i}.docx").unlink(missing_ok=True)
            pdf = folder / f"rapport-{i}.pdf"
            if isinstance(answer, ConversionError):
                pdf.unlink(missing_ok=True)
                if kinds[i] == "pdf":
                    failures[i] = answer
                    results[i] = None
                    tell(i, "misslyckades")
                    continue
                unfilled.setdefault(str(answer), []).append(i)
                finish(i, document)
            elif kinds[i] == "pdf":
                finish(i, pdf.read_bytes())
                pdf.unlink()
            else:
                finish(i, fill_contents(document, answer.entries, answer.lists))
            tell(i, "klar")
    for why, which in unfilled.items():
        who = "" if len(reports) == 1 else f" ({', '.join(labels[i] for i in sorted(which))})"
        warnings.warn(ContentsNotFilledWarning(
            f"Innehållsförteckningen fylls i av Word när dokumentet öppnas{who}"
            f"{',' if why.startswith('eftersom') else '.'} {why}"), stacklevel=2)
    if failures:
        if len(reports) == 1:
            raise failures[0]
        raise BatchError([(labels[i], failures[i]) for i in sorted(failures)], len(reports))
    return [data or b"" for data in results]


def _protected(reports: Sequence[Slutrapport],
               template: str | Path | None) -> list[tuple[str, str | Path]]:
    """The files an output must not be: each report's data file and the template (also the
    standard template, which lives among the installed package's files)."""
    protect: list[tuple[str, str | Path]] = [
        ("datafilen", r.source) for r in reports if r.source is not None]
    protect.append(("mallen", template if template is not None else default_template()))
    return protect


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def fill_contents(docx: bytes, entries: Sequence[tuple[str, int]],
                  lists: Mapping[str, Sequence[tuple[str, int]]] | None = None) -> bytes:
    """Write a contents field's result: one line per heading with its page number; and the
    results of the lists of captions (``TOC \\c "Tabell"``) from ``lists`` (by label).

    The fields stay fields (Word can still update them); only their shown results are filled,
    and Word is no longer asked to update fields on opening. Levels come from the headings'
    styles; a list's lines have Word's style for it (``TableofFigures``).
    """
    from lxml import etree

    lists = lists or {}
    if not entries and not any(lists.values()):
        return docx
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    levels = _heading_levels(root)
    filled = contents = False
    for instr in [el for el in root.iter(f"{_W}instrText")
                  if (el.text or "").strip().startswith("TOC")]:
        label = re.search(r'\\c\s+"([^"]*)"', instr.text or "")
        if label is not None:
            lines = lists.get(label.group(1), ())
            styles = ["TableofFigures"] * len(lines)
        elif not contents:
            contents = True
            lines = entries
            styles = [f"TOC{min(levels.get(title, 1), 9)}" for title, _ in lines]
        else:
            continue
        if lines and _fill_field(instr, lines, styles):
            filled = True
    if not filled:
        return docx
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = re.sub(rb"<w:updateFields[^>]*/>", b"", source.read("word/settings.xml"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            blob = source.read(name)
            if name == "word/document.xml":
                blob = document
            elif name == "word/settings.xml":
                blob = settings
            target.writestr(name, blob)
    return normalize_docx(out.getvalue())


def _fill_field(instr: Any, lines: Sequence[tuple[str, int]], styles: Sequence[str]) -> bool:
    """Replace the paragraph of an index field with one paragraph per line (title, tab, page),
    the field's begin in the first and its end in the last; whether it could be done."""
    from lxml import etree

    run_of_instr = instr.getparent()
    paragraph = run_of_instr.getparent() if run_of_instr is not None else None
    parent = paragraph.getparent() if paragraph is not None else None
    if paragraph is None or parent is None or paragraph.tag != f"{_W}p":
        return False
    runs = [r for r in paragraph if r.tag == f"{_W}r"]
    begin_runs = []
    for run in runs:
        begin_runs.append(run)
        sep = run.find(f"{_W}fldChar")
        if sep is not None and sep.get(f"{_W}fldCharType") == "separate":
            break
    end_run = runs[-1]
    for fld in (r.find(f"{_W}fldChar") for r in begin_runs):
        if fld is not None:
            fld.attrib.pop(f"{_W}dirty", None)
    new_paragraphs = []
    for n, ((title, page), style) in enumerate(zip(lines, styles, strict=True)):
        p = etree.Element(f"{_W}p")
        ppr = etree.SubElement(p, f"{_W}pPr")
        etree.SubElement(ppr, f"{_W}pStyle").set(f"{_W}val", style)
        if n == 0:
            for run in begin_runs:
                p.append(run)
        for kind, text in (("t", title), ("tab", None), ("t", str(page))):
            r = etree.SubElement(p, f"{_W}r")
            el = etree.SubElement(r, f"{_W}{kind}")
            if text is not None:
                el.text = text
                el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if n == len(lines) - 1:
            p.append(end_run)
        new_paragraphs.append(p)
    at = parent.index(paragraph)
    parent.remove(paragraph)
    for offset, p in enumerate(new_paragraphs):
        parent.insert(at + offset, p)
    return True


def _heading_levels(root: Any) -> dict[str, int]:
    levels: dict[str, int] = {}
    for p in root.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        if style is None:
            continue
        found = re.fullmatch(r"Heading(\d)", style.get(f"{_W}val", ""))
        if found:
            text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
            levels.setdefault(text, int(found.group(1)))
    return levels
