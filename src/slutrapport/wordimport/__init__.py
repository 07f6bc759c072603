"""``slutrapport import``: a text written in Word, into a narrative of the report.

:func:`import_docx` reads a .docx (checked as untrusted input first:
:func:`slutrapport._safety.read_package`), walks its WordprocessingML
(:mod:`slutrapport.wordimport._reader`), writes the narrative Markdown
(:mod:`slutrapport.wordimport._markdown`) with the section's figures as figure links
(:mod:`slutrapport.wordimport._figures`), and writes it into the data file where the target
stands (:mod:`slutrapport.wordimport._target`), keeping every other byte, with a numbered backup.

Nothing is decided in silence: tracked changes and comments stop the import (a
:class:`ChangesRefusedError` listing each: who, when, what, where) unless the caller accepts or
rejects them; whatever the text can't hold (tables, pictures, text boxes, footnotes …) is a
:class:`~slutrapport.wordimport._reader.Note` with its place.

The Word XML is walked with lxml rather than through a converter such as mammoth: the reader has
to read the XML itself for what converters miss (continued lists, ``w:start``, fields' results,
custom heading styles, tracked changes with their authors, comments, footnotes), and the round
trip needs the same reader on a range of body elements (:func:`read_blocks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slutrapport._files import os_error_text, write_file, write_over
from slutrapport.checks import PLACEHOLDER
from slutrapport.errors import InputError, OutputError, Problem, RefusedError
from slutrapport.kinds.text import Text
from slutrapport.loader import from_data, load, parse_yaml
from slutrapport.paths import format_loc
from slutrapport.wordimport._compose import (
    Composed,
    Narrative,
    compose,
    narrative_markdown,
    table_note,
)
from slutrapport.wordimport._figures import FigureLinker
from slutrapport.wordimport._outline import outline_text
from slutrapport.wordimport._package import Package, open_package
from slutrapport.wordimport._reader import (
    Block,
    Mode,
    Note,
    Paragraph,
    Picture,
    Reading,
    Revision,
    Table,
    quote,
    read_blocks,
    read_document,
)
from slutrapport.wordimport._roundtrip import RoundTrip, has_marks, round_trip
from slutrapport.wordimport._target import edit_text, resolve_target

__all__ = [
    "Block",
    "ChangesRefusedError",
    "Composed",
    "ImportResult",
    "Mode",
    "Narrative",
    "Note",
    "OutlineResult",
    "Package",
    "Paragraph",
    "Picture",
    "Reading",
    "Revision",
    "RoundTrip",
    "Table",
    "compose",
    "import_docx",
    "import_report",
    "narrative_markdown",
    "new_from_docx",
    "open_package",
    "read_blocks",
    "read_document",
    "revision_line",
    "table_note",
]


def _when(date: str) -> str:
    """'2024-03-01T14:02:00Z' as '2024-03-01 14:02'."""
    if not date:
        return ""
    day, _, time = date.partition("T")
    return f"{day} {time[:5]}".strip()


def revision_line(r: Revision) -> str:
    """A tracked change or comment in one Swedish line: where, who, what, when."""
    what = {
        "ins": f"lade till {quote(r.text)}",
        "del": f"strök {quote(r.text)}",
        "move-from": f"flyttade bort {quote(r.text)}",
        "move-to": f"flyttade hit {quote(r.text)}",
        "format": f"ändrade formatet på {quote(r.text) if r.text != 'stycket' else 'stycket'}",
        "paragraph-ins": "lade till en styckebrytning",
        "paragraph-del": "tog bort en styckebrytning",
        "row-ins": f"lade till tabellraden {quote(r.text)}",
        "row-del": f"strök tabellraden {quote(r.text)}",
        "comment": (f"kommenterade {quote(r.about)}: {quote(r.text)}" if r.about.strip()
                    else f"kommenterade: {quote(r.text)}"),
    }.get(r.kind, r.kind)
    when = _when(r.date)
    return f"{r.place}: {r.author} {what}" + (f" ({when})" if when else "")


class ChangesRefusedError(RefusedError):
    """The Word text has tracked changes or comments and no choice was made: nothing was
    imported (exit 1). ``revisions`` lists them."""

    def __init__(self, source: Path, revisions: list[Revision]) -> None:
        self.revisions = revisions
        self.findings = []
        changes = sum(1 for r in revisions if r.kind != "comment")
        comments = len(revisions) - changes
        said = []
        if changes:
            said.append(f"{changes} {'spårad ändring' if changes == 1 else 'spårade ändringar'}")
        if comments:
            said.append(f"{comments} {'kommentar' if comments == 1 else 'kommentarer'}")
        lines = [f"{source} har {' och '.join(said)} som ingen har tagit ställning till; "
                 "inget fördes in:"]
        lines += [f"  {revision_line(r)}" for r in revisions]
        lines.append("Godta alla ändringar med --godta-andringar eller förkasta dem med "
                     "--forkasta-andringar (kommentarerna tas bort i båda fallen), eller gör det "
                     "i Word och spara filen igen.")
        Exception.__init__(self, "\n".join(lines))


@dataclass
class ImportResult:
    """What an import read, wrote and noted."""

    source: Path
    markdown: str = ""
    """The narrative text."""
    subsections: list[tuple[str, str]] = field(default_factory=list)
    """Sub-sections written too (a heading and its Markdown)."""
    notes: list[Note] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    """The tracked changes and comments decided (accepted or rejected, comments removed)."""
    mode: Mode = "refuse"
    target: str | None = None
    changes: list[str] = field(default_factory=list)
    """What is (or would be) changed in the data file, one line each."""
    written: Path | None = None
    backup: Path | None = None
    pictures: list[Path] = field(default_factory=list)
    """Pictures saved next to the data file."""


def _paragraphs(md: str) -> str:
    """'1 stycke', '3 stycken': the blocks of a Markdown text."""
    n = sum(1 for block in md.split("\n\n") if block.strip())
    return f"{n} {'stycke' if n == 1 else 'stycken'}"


def _owner_heading(owner: Any) -> str | None:
    for name in ("rubrik", "namn"):
        value = getattr(owner, name, None)
        if isinstance(value, str):
            return value
    return None


def import_docx(docx: str | Path, data_file: str | Path | None = None, *,
                till: str | None = None, mode: Mode = "refuse",
                dry_run: bool = False) -> ImportResult:
    """Read the Word text ``docx`` as narrative Markdown; with ``data_file`` and ``till``, write
    it into that narrative of the report (unless ``dry_run``).

    ``mode``: ``refuse`` (the default) raises :class:`ChangesRefusedError` when the text has
    tracked changes or comments; ``accept`` and ``reject`` decide them all (and drop the
    comments), listed in :attr:`ImportResult.revisions`.

    Raises :class:`~slutrapport.errors.InputError` for a Word file that can't be read or is
    unsafe (a zip bomb, a DTD, an outside address, too deep) or has no text, a data file that
    can't be read, or a target that is no narrative; :class:`~slutrapport.errors.OutputError`
    when the data file can't be written.
    """
    source = Path(docx)
    package = open_package(source)
    reading = read_document(package, mode)
    if reading.revisions and mode == "refuse":
        raise ChangesRefusedError(source, reading.revisions)
    result = ImportResult(source, revisions=reading.revisions, mode=mode)
    result.notes += reading.notes
    report = None
    target = None
    if data_file is not None:

        if till is None:
            raise InputError([Problem("ange vilken text i rapporten som Word-texten ska in i "
                                      "med --till AVSNITT[.FÄLT], t.ex. --till "
                                      "kommuner.Robertsfors", file=str(data_file))])
        report = load(data_file)
        target = resolve_target(report, till)
        result.target = target.shown

    subsections = target is not None and isinstance(target.owner, Text) and \
        target.loc[-1] == "text"
    own = _owner_heading(target.owner) if target is not None else None
    why = "texten har inga delavsnitt" if target is not None else \
        "löptexten har inga rubriker"
    linker = None
    if report is not None and target is not None:

        linker = FigureLinker(report, target.section_index, target.owner, target.owner_loc)
    narrative = narrative_markdown(reading.blocks, subsections=subsections, own_heading=own,
                                   why_flat=why, linker=linker)
    result.markdown = narrative.markdown
    result.subsections = narrative.subsections
    result.notes += narrative.notes
    if not result.markdown.strip() and not result.subsections:
        raise InputError([Problem(f"{source}: Word-filen har ingen text att föra in")])
    if data_file is None or report is None or target is None:
        result.notes += _picture_notes(reading.pictures, None)
        return result
    _plan_and_write(result, report, target, Path(data_file), dry_run, reading.pictures)
    return result


def _plan_and_write(result: ImportResult, report: Any, target: Any, data_file: Path,
                    dry_run: bool, pictures: list[Picture]) -> None:

    old = getattr(target.owner, str(target.loc[-1]))
    planned: dict[Any, Any] = {target.loc: result.markdown}
    line = report.line_of(target.loc)
    where = f" (rad {line})" if line is not None else ""
    was = "tom" if not old.strip() or old.strip() == PLACEHOLDER else \
        _paragraphs(old)
    result.changes.append(f"{target.shown}{where}: {was} → {_paragraphs(result.markdown)}")
    if result.subsections:
        loc = (*target.owner_loc, "delavsnitt")
        planned[loc] = [{"rubrik": title, "text": md} for title, md in result.subsections]
        before = [d.rubrik for d in target.owner.delavsnitt]
        shown = format_loc(report.display_loc(loc))
        old_names = ", ".join(quote(b) for b in before) if before else "inga"
        new_names = ", ".join(quote(t) for t, _ in result.subsections)
        result.changes.append(f"{shown}: {old_names} → {new_names}")
    kept = []
    if not result.subsections and getattr(target.owner, "delavsnitt", None) and \
            target.loc[-1] == "text":
        names = ", ".join(quote(d.rubrik) for d in target.owner.delavsnitt)
        kept.append(f"{format_loc(report.display_loc((*target.owner_loc, 'delavsnitt')))}: "
                    f"{names} lämnas som de är")
    points = getattr(target.owner, "punkter", None)
    if points and target.loc[-1] == "text":
        n = len(points)
        kept.append(f"{format_loc(report.display_loc((*target.owner_loc, 'punkter')))}: "
                    f"{n} {'punkt' if n == 1 else 'punkter'} efter texten lämnas som de är")
    result.changes += kept
    raw = data_file.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = (raw[3:] if bom else raw).decode("utf-8")
    new = edit_text(text, str(data_file), planned,
                    lambda loc: format_loc(report.display_loc(loc)))
    if dry_run:
        result.notes += _picture_notes(pictures, None)
        return
    data = (b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8")
    # the pictures first: if one can't be saved, the data file is as it was
    result.pictures = _extract(pictures, data_file.parent / "bilder", result.source.stem)
    result.notes += _picture_notes(pictures, result.pictures)
    result.written, result.backup = write_over(data_file, None, data)


def _picture_notes(pictures: list[Picture], saved: list[Path] | None) -> list[Note]:
    out = []
    for n, picture in enumerate(pictures):
        alt = f" ({quote(picture.alt)})" if picture.alt.strip() else ""
        name = Path(picture.part).name
        if saved is None:
            where = ("med en datafil och utan --dry-run sparas den i mappen bilder bredvid "
                     "datafilen")
        else:
            where = f"den sparades som {saved[n]}"
        out.append(Note("import-bild", picture.place, f"Bilden {name}{alt} följer inte med i "
                        f"texten: löptexten kan inte visa bilder ännu; {where}."))
    return out


def _extract(pictures: list[Picture], folder: Path, stem: str) -> list[Path]:
    """Save each picture in ``folder`` as ``<stem>-<name>``; a file there is never written
    over (the same picture is used again, another gets ``-2``, ``-3`` …)."""

    out: list[Path] = []
    if not pictures:
        return out
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: mappen kan inte skapas ({os_error_text(exc)})") from exc
    for picture in pictures:
        name = Path(picture.part).name
        base, dot, ext = name.rpartition(".")
        if not dot:
            base, ext = name, ""
        n = 1
        while True:
            candidate = folder / f"{stem}-{base}{'' if n == 1 else f'-{n}'}{dot}{ext}"
            try:
                with open(candidate, "xb") as handle:
                    handle.write(picture.data)
                break
            except FileExistsError:
                try:
                    if candidate.read_bytes() == picture.data:
                        break
                except OSError:
                    pass
                n += 1
            except OSError as exc:
                raise OutputError(f"{candidate}: kan inte skrivas "
                                  f"({os_error_text(exc)})") from exc
        out.append(candidate)
    return out


def import_report(docx: str | Path, data_file: str | Path, *, mode: Mode = "refuse",
                  dry_run: bool = False, template: str | Path | None = None) -> RoundTrip:
    """The round trip: bring the texts edited in ``docx``, a report that ``render`` wrote from
    ``data_file`` and someone edited in Word, back into ``data_file`` (unless ``dry_run``), and
    report every other difference without taking it (see
    :mod:`slutrapport.wordimport._roundtrip`). ``template`` is the template the report was
    rendered with (the default one if None).

    Tracked changes and comments are handled as by :func:`import_docx`. A Word file that
    ``render`` did not write (it has no marked texts) is an input error that points to
    ``--till``.
    """
    source = Path(docx)
    package = open_package(source)
    if not has_marks(package):
        raise InputError([Problem("Word-filen är ingen rapport som slutrapport har skrivit (den "
                                  "saknar märkena runt rapportens texter); ange vilken text "
                                  "den ska in i med --till AVSNITT[.FÄLT], t.ex. --till "
                                  "kommuner.Robertsfors", file=str(source))])
    reading = read_document(package, mode)
    if reading.revisions and mode == "refuse":
        raise ChangesRefusedError(source, reading.revisions)
    result = round_trip(source, Path(data_file), mode=mode, dry_run=dry_run,
                        template=Path(template) if template is not None else None)
    result.revisions = reading.revisions
    return result


@dataclass
class OutlineResult:
    """What ``new --from-docx`` wrote and noted."""

    written: Path
    backup: Path | None
    notes: list[Note]
    revisions: list[Revision]
    pictures: list[Path]


def new_from_docx(docx: str | Path, output: str | Path, *, mode: Mode = "refuse",
                  force: bool = False) -> OutlineResult:
    """Write a first outline of the report in the Word file ``docx`` to ``output`` (see
    :mod:`slutrapport.wordimport._outline`); its pictures are saved in ``bilder`` beside it.

    Tracked changes and comments are handled as by :func:`import_docx`. An existing ``output``
    is refused unless ``force`` (then kept as a numbered backup). The outline is loaded before
    it is written: it is a data file that ``check`` reads.
    """

    source = Path(docx)
    target = Path(output)
    if target.exists() and not force:
        raise InputError([Problem("filen finns redan; välj ett annat namn eller skriv över den "
                                  "med --force", file=str(target))])
    package = open_package(source)
    reading = read_document(package, mode)
    if reading.revisions and mode == "refuse":
        raise ChangesRefusedError(source, reading.revisions)
    outline = outline_text(reading, source)
    data, lines = parse_yaml(outline.text, str(target))
    from_data(data, lines=lines, source=str(target))
    written = write_file(target, outline.text.encode("utf-8"), data_file=True,
                         protect=[("Word-filen", source)])
    saved = _extract(reading.pictures, target.parent / "bilder", source.stem)
    notes = outline.notes + _picture_notes(reading.pictures, saved)
    return OutlineResult(written.path, written.backup, notes, reading.revisions, saved)
