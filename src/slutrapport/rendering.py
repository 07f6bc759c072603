"""Rendering reports: checked, filled into a Word template, laid out by LibreOffice, written.

:func:`render` renders one report, :func:`render_many` several, side by side: with ``strict`` the
checks first (errors or content left to fill in stop it), then each report filled into its
template (:func:`slutrapport.document.render_bytes`), then LibreOffice — a pool of workers
(:mod:`slutrapport.office`) on a copy where long tables are split (:mod:`slutrapport._layoutcopy`)
— fills in the contents (:func:`slutrapport.contents.fill_contents`) or writes the PDF, and the
file is written without losing an old one (:mod:`slutrapport._files`). A .docx never fails for
LibreOffice's sake. The same report gives the same bytes.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from slutrapport import office
from slutrapport._files import check_folder, check_target, write_atomic
from slutrapport._layoutcopy import (
    OVERLAP_ROWS,
    PART_ROWS,
    PDF_PART_ROWS,
    chart_alts,
    legends_for_libreoffice,
    write_layout_copy,
)
from slutrapport.checks import Finding, check
from slutrapport.contents import Plan, fill_contents, plan
from slutrapport.document import check_template_file, render_bytes, render_document
from slutrapport.docxzip import normalize_docx
from slutrapport.environment import FILTERS, environment
from slutrapport.errors import (
    BatchError,
    ConversionError,
    OutputError,
    RefusedError,
    SlutrapportError,
)
from slutrapport.models import Slutrapport
from slutrapport.standard import default_template

__all__ = [
    "FILTERS",
    "ContentsNotFilledWarning",
    "Warm",
    "check_template_file",
    "environment",
    "fill_contents",
    "normalize_docx",
    "render",
    "render_bytes",
    "render_many",
    "write_atomic",
]
# render_bytes, check_template_file, environment, FILTERS, fill_contents, normalize_docx and
# write_atomic live in the modules they come from; they are named here too, where callers of
# rendering have always found them.


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
    warm: office.Started | None = None,
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
                       formats=[to] if to is not None else None, pdfa=pdfa, warm=warm)[0]


class Warm(office.Started):
    """LibreOffice kept running between renders, for a writer who saves and looks again
    (``render --watch``): use it as a context manager and pass it to :func:`render_many` (or
    :func:`render`) as ``warm``. One LibreOffice (``jobs``) is started at once, kept, and started
    afresh in the background when it is retired, so a render does not wait for its start. Leaving
    the block ends it and removes its folders (``graceful``: let it quit by itself first, which
    keeps its profile whole for the next run)."""

    def __init__(self, *, jobs: int = 1, timeout: float = 180) -> None:
        super().__init__(jobs, timeout=timeout, keep_warm=True)


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
    warm: office.Started | None = None,
    keep: bool = True,
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
    while LibreOffice works on them. ``warm`` (a :class:`Warm` or
    :class:`slutrapport.office.Started`, entered) is LibreOffice started ahead — kept running
    between calls, or started before the data was read — used instead of starting one.

    Each output is written as soon as its report is done (also while later reports are still
    being rendered). With ``keep=False`` the outputs are written and let go: the list returned
    holds ``b""`` for each, and a batch of any size holds no more than a few reports at once.
    A report that fails doesn't stop the others: they are written, and then one report's error
    is raised as it is, several reports' as :class:`~slutrapport.errors.BatchError` naming each
    (by ``names``, the outputs, or 'rapport N'). A .docx never fails for LibreOffice's sake: its
    contents are then left for Word, with a :class:`ContentsNotFilledWarning` saying why.
    """
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
            check_folder(out)  # … nor a folder that can't take the file
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
    plans: dict[int, Plan | None] = {}  # what each .docx's contents fill needs of its tree

    def finish(i: int, data: bytes) -> None:
        """Keep a report's result (if asked) and write it at once."""
        results[i] = data if keep else b""
        out = outputs[i]
        if out is not None:
            try:
                write_atomic(out, data, protect=protect)
            except SlutrapportError as exc:
                failures[i] = exc

    rendered_docs: dict[int, bytes] = {}  # by report: the .docx LibreOffice fills the contents of

    def settle(i: int, answer: office.OfficeResult | ConversionError) -> None:
        """Take LibreOffice's answer for a report: write it, and let go of what it held."""
        document = rendered_docs.pop(i)
        # the copy and the PDF are done with: a batch of any size takes no more room
        (folder / f"rapport-{i}.docx").unlink(missing_ok=True)
        pdf = folder / f"rapport-{i}.pdf"
        if isinstance(answer, ConversionError):
            pdf.unlink(missing_ok=True)
            if kinds[i] == "pdf":
                failures[i] = answer
                tell(i, "misslyckades")
                return
            unfilled.setdefault(str(answer), []).append(i)
            finish(i, document)
        elif kinds[i] == "pdf":
            finish(i, pdf.read_bytes())
            pdf.unlink()
        else:
            finish(i, fill_contents(document, answer.entries, answer.lists, plans.pop(i, None)))
        tell(i, "klar")

    with contextlib.ExitStack() as stack:
        pool: office.OfficePool | None = None
        folder = Path()
        if any(wants_office):
            if warm is not None:
                pool, folder = warm.pool, warm.folder
            elif office.available():
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
                rendered = render_document(report, template=template, charts=charts,
                                           diagram=diagram)
            except SlutrapportError as exc:
                if len(reports) == 1:
                    raise
                failures[i] = exc
                tell(i, "misslyckades")
                continue
            document = rendered.data
            if pool is None or not wants_office[i]:
                rendered.release()
                finish(i, document)
                tell(i, "klar")
                continue
            pdf = folder / f"rapport-{i}.pdf" if kinds[i] == "pdf" else None
            # one tree: the copy is split from the tree rendering built (the .docx is written
            # already), and the contents' plan read from it first — nothing is parsed again
            root = rendered.root
            rendered.release()  # its body too: the copy is written from the tree
            if pdf is None and root is not None:
                plans[i] = plan(root)
            path = folder / f"rapport-{i}.docx"
            splits = (write_layout_copy(path, legends_for_libreoffice(document),
                                        rows=PDF_PART_ROWS, overlap=OVERLAP_ROWS, root=root)
                      if pdf else write_layout_copy(path, document, rows=PART_ROWS,
                                                    placeholders=True, slim=True, root=root))
            alts = (chart_alts(b"", root) if root is not None else chart_alts(path.read_bytes())
                    ) if pdf else ()
            del root
            # a PDF's document is done with once LibreOffice has its copy; a .docx's is kept
            # until its contents are filled
            rendered_docs[i] = b"" if pdf else document
            pool.submit(i, office.OfficeJob(path, pdf, pdfa, [s.as_dict() for s in splits],
                                            alts))
            del document
            tell(i, "skriver PDF" if pdf else "fyller i innehållsförteckningen")
            for done, answer in pool.ready():  # written while the next ones are rendered
                settle(done, answer)
        if meanwhile is not None:
            meanwhile()
        for i, answer in pool.results() if pool is not None else ():
            settle(i, answer)
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
