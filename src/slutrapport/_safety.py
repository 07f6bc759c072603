"""What a template may not do, and what an output may not be: the checks before any work.

A Word template is a zip of XML parts and is untrusted input. Before it is used:

* no part may unpack to more than :data:`MAX_PART_BYTES`, nor all of them to more than
  :data:`MAX_TEMPLATE_BYTES` (a zip bomb: 4 GB in 4 MB). The sizes the zip declares are checked
  before anything is read, and what is read is counted, since a declared size can lie;
* every XML part must be readable XML (in whatever encoding XML allows: UTF-8, UTF-16, UTF-32 …,
  as libxml2, which python-docx and LibreOffice also use, reads it) without a DTD;
* no relationship may point outside the document except a hyperlink, and a hyperlink may only be
  used as one: LibreOffice fetches an external picture, OLE object, attached template, frame or
  subdocument when it opens the file, also a picture whose ``r:link`` names a hyperlink;
* no part may hold a field that reaches outside the document (:data:`FETCHING_FIELDS`:
  INCLUDEPICTURE, INCLUDETEXT, LINK, DDE …), as a simple field (``w:fldSimple w:instr``) or a
  complex one (``w:instrText`` between ``w:fldChar`` begin and separate, in as many runs as it
  takes), nor a field whose name another field computes; Word fetches the first two when it
  opens the file and runs DDE. Nor may the settings connect the document to a mail-merge data
  source (``w:mailMerge``), which Word opens with the file. The rendered document is looked
  through again (:func:`refuse_fetching_fields`), for a field the template's expressions write.

A Word text to import (``slutrapport import``) is untrusted the same way and gets the same
checks (:func:`read_package`), worded for it; it is refused with an input error.

An output must not be the data file, the template, a folder, a device, a FIFO or a read-only file.
"""

from __future__ import annotations

import functools
import math
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from slutrapport.errors import InputError, OutputError, Problem, SlutrapportError, TemplateError
from slutrapport.formatting import format_integer

__all__ = [
    "FETCHING_FIELDS",
    "MAX_PART_BYTES",
    "MAX_TEMPLATE_BYTES",
    "TEMPLATE_WORDS",
    "TEXT_WORDS",
    "PackageWords",
    "check_output",
    "field_instructions",
    "inspect_template",
    "read_package",
    "refuse_fetched_links",
    "refuse_fetching_fields",
    "safe_parser",
]

MAX_PART_BYTES = 100_000_000
"""The most one part of a template may unpack to (100 MB; Word's own parts are far smaller)."""

MAX_TEMPLATE_BYTES = 250_000_000
"""The most all parts of a template together may unpack to (250 MB)."""

_HYPERLINK_TYPES = frozenset({
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/hyperlink",
})
_RELATIONSHIP_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_LINK_ELEMENTS = frozenset({"hyperlink", "hlinkClick", "hlinkHover"})
"""Elements whose ``r:id`` is a link the reader follows by clicking: nothing is fetched."""

FETCHING_FIELDS: dict[str, str] = {
    "INCLUDEPICTURE": "hämtar en bild ur en annan fil eller från en adress",
    "IMPORT": "hämtar en bild ur en annan fil eller från en adress",
    "INCLUDETEXT": "hämtar text ur en annan fil eller från en adress",
    "INCLUDE": "hämtar text ur en annan fil eller från en adress",
    "LINK": "hämtar ett objekt ur en annan fil",
    "DDE": "startar ett annat program och hämtar data ur det (DDE)",
    "DDEAUTO": "startar ett annat program och hämtar data ur det (DDE)",
    "DATABASE": "hämtar data ur en databas",
    "RD": "läser in ett annat dokument",
}
"""The Word fields that reach outside the document, and what each does (IMPORT and INCLUDE
are INCLUDEPICTURE's and INCLUDETEXT's older names). HYPERLINK is a link the reader follows by
clicking and is allowed; so are AUTOTEXT, AUTOTEXTLIST and GLOSSARY (building blocks of the
reader's own Word), MACROBUTTON and GOTOBUTTON (a reader's double-click; a .docx holds no
macros), EMBED (the object is inside the document) and the mail-merge fields (their data
source is refused on its own)."""


@dataclass(frozen=True)
class PackageWords:
    """How the refusals name a Word package and what follows from them (Swedish)."""

    whole: str
    """The package: 'mallen'."""
    part: str
    """One part of it: 'mallens del'."""
    parts: str
    """All its parts: 'mallens delar'."""
    refused: str
    """What follows: 'mallen används inte'."""
    fetched: str
    """Why an outside address is refused: 'som LibreOffice skulle hämta när …'."""
    error: Callable[[str], SlutrapportError]
    """The error raised with the message."""


TEMPLATE_WORDS = PackageWords(
    "mallen", "mallens del", "mallens delar", "mallen används inte",
    "som LibreOffice skulle hämta när rapporten skrivs (bara länkar får peka utanför dokumentet; "
    "bädda in bilden eller objektet i mallen i stället)", TemplateError)
"""The words for a Word template (a :class:`~slutrapport.errors.TemplateError`)."""


def _input_error(message: str) -> SlutrapportError:
    return InputError([Problem(message)])


TEXT_WORDS = PackageWords(
    "Word-filen", "Word-filens del", "Word-filens delar", "filen läses inte",
    "som Word eller LibreOffice skulle hämta när filen öppnas (bara länkar får peka utanför "
    "dokumentet; bädda in bilden eller objektet i Word och spara igen)", _input_error)
"""The words for a Word text to import (an :class:`~slutrapport.errors.InputError`)."""

_PROLOG_BYTES = 65_536
"""A DTD can only stand before the root element; this much is read first to find it."""


def _megabytes(size: int) -> str:
    return f"{format_integer(math.ceil(size / 1_000_000))} MB"


def _shown(address: str) -> str:
    """An address as it can be printed on one line, at most 200 characters."""
    flat = " ".join(address.split())
    return flat if len(flat) <= 200 else flat[:199] + "…"


class _RootReached(Exception):
    """Raised by the prolog probe at the first element: what follows cannot hold a DTD."""


class _Prolog:
    """A parser target that notes a DOCTYPE and stops at the root element."""

    def __init__(self) -> None:
        self.has_dtd = False

    def doctype(self, name: Any, pubid: Any, system: Any) -> None:
        self.has_dtd = True

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:
        raise _RootReached

    def end(self, tag: Any) -> None:
        pass

    def data(self, data: Any) -> None:
        pass

    def close(self) -> None:
        return None


def safe_parser(target: Any = None) -> Any:
    """An lxml parser for untrusted XML: no entities, no DTD, no network, libxml2's limits on
    depth and size (``huge_tree`` off: an element nested deeper than 256 levels is an error)."""

    return etree.XMLParser(target=target, resolve_entities=False, load_dtd=False,
                           no_network=True, huge_tree=False)


def _probe(data: bytes, target: _Prolog, parser: Any) -> tuple[bool, bool]:
    """(has a DTD, is XML up to its root element), as libxml2 reads it in any encoding.

    ``parser`` is a safe parser (:func:`safe_parser`) with ``target`` as its target; both are
    used again for each part (making a parser with a target costs more than most probes).
    """

    attempts = (data[:_PROLOG_BYTES], data) if len(data) > _PROLOG_BYTES else (data,)
    for blob in attempts:  # the prolog first: all of a large part is rarely needed
        target.has_dtd = False
        try:
            etree.fromstring(blob, parser)
        except _RootReached:
            return target.has_dtd, True
        except etree.XMLSyntaxError:
            if target.has_dtd:
                return True, False  # e.g. an entity declaration the probe refuses to store
        else:
            return target.has_dtd, False
    return False, False


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, room: int,
          words: PackageWords = TEMPLATE_WORDS) -> bytes:
    """A part's bytes, counted as they unpack: never more than its limit, whatever it declares."""
    limit = min(MAX_PART_BYTES, room)
    chunks = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise _too_big(path, info.filename, None, total=limit < MAX_PART_BYTES,
                                   words=words)
                chunks.append(chunk)
    except SlutrapportError:
        raise
    except Exception as exc:  # a bad CRC, a truncated stream, encryption, an unknown method …
        raise words.error(f"{path}: {words.whole} kan inte läsas som ett Word-dokument: delen "
                          f"{info.filename} är skadad") from exc
    return b"".join(chunks)


def _too_big(path: Path, name: str, size: int | None, *, total: bool,
             words: PackageWords = TEMPLATE_WORDS) -> SlutrapportError:
    """The refusal of a part (or all parts) too big unpacked; size None: counted, not declared."""
    limit = _megabytes(MAX_TEMPLATE_BYTES if total else MAX_PART_BYTES)
    if total:
        told = (f"blir tillsammans {_megabytes(size)} uppackade, mer än" if size is not None
                else "blir tillsammans större uppackade än")
        return words.error(f"{path}: {words.parts} {told} gränsen {limit}; {words.refused}")
    told = (f"blir {_megabytes(size)} uppackad, mer än" if size is not None
            else "blir större uppackad än")
    return words.error(
        f"{path}: {words.part} {name} {told} gränsen {limit} för en del; {words.refused}")


def _xml_parts(archive: zipfile.ZipFile, path: Path,
               words: PackageWords) -> tuple[set[str], set[str]]:
    """The part names and extensions [Content_Types].xml declares as XML (lower case)."""

    names: set[str] = set()
    extensions: set[str] = {"xml", "rels"}
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return names, extensions
    try:
        root = etree.fromstring(_read(archive, info, path, MAX_PART_BYTES, words),
                                safe_parser())
    except etree.XMLSyntaxError:
        return names, extensions  # the part check below names it
    for element in root.iter("{*}Default", "{*}Override"):
        if not (element.get("ContentType") or "").lower().endswith("xml"):
            continue
        if element.get("Extension"):
            extensions.add(str(element.get("Extension")).lower())
        if element.get("PartName"):
            names.add(str(element.get("PartName")).lstrip("/").lower())
    return names, extensions


def inspect_template(path: Path) -> None:
    """Refuse a template that is a zip bomb, has an unreadable XML part or a DTD, or points
    outside the document with anything but a hyperlink (see the module's description)."""
    _inspect(path, TEMPLATE_WORDS, None)


def read_package(path: Path, words: PackageWords = TEXT_WORDS) -> dict[str, bytes]:
    """Every part of a Word package by name, after the checks :func:`inspect_template` makes
    (refused with ``words``' error and wording); nothing outside the file is fetched."""
    parts: dict[str, bytes] = {}
    _inspect(path, words, parts)
    return parts


def _inspect(path: Path, words: PackageWords, keep: dict[str, bytes] | None) -> None:
    """The checks; each part's bytes go into ``keep`` if given."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise words.error(
            f"{path}: {words.whole} kan inte läsas som ett Word-dokument (zip-arkivet är skadat)"
        ) from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        declared = 0
        for info in infos:  # what the zip says, before a byte is unpacked
            if info.file_size > MAX_PART_BYTES:
                raise _too_big(path, info.filename, info.file_size, total=False, words=words)
            declared += info.file_size
        if declared > MAX_TEMPLATE_BYTES:
            raise _too_big(path, "", declared, total=True, words=words)
        xml_names, xml_extensions = _xml_parts(archive, path, words)
        links: dict[str, dict[str, str]] = {}
        target = _Prolog()
        parser = safe_parser(target)
        unpacked = 0
        for info in infos:
            data = _read(archive, info, path, MAX_TEMPLATE_BYTES - unpacked, words)
            unpacked += len(data)
            name = info.filename
            has_dtd, is_xml = _probe(data, target, parser)
            if has_dtd:
                raise words.error(
                    f"{path}: {words.part} {name} har en DTD (<!DOCTYPE …>), som Word-filer "
                    f"aldrig har och som kan hämta in andra filer; {words.refused}")
            declared_xml = (name.lower() in xml_names
                            or name.rsplit(".", 1)[-1].lower() in xml_extensions)
            if declared_xml and not is_xml:
                raise words.error(
                    f"{path}: {words.part} {name} går inte att läsa som XML; {words.refused}")
            if name.lower().endswith(".rels"):
                links[name] = _check_relationships(path, name, data, words)
            elif declared_xml and words is TEMPLATE_WORDS:
                _check_fields(path, name, data)
            if keep is not None:
                keep[name] = data
        for rels, external in links.items():
            source = _source_of(rels)
            if external and source in archive.namelist():
                data = (keep[source] if keep is not None else
                        _read(archive, archive.getinfo(source), path, MAX_PART_BYTES, words))
                _check_link_use(path, source, data, external, words)


def _source_of(rels: str) -> str:
    """The part a .rels part belongs to: word/_rels/document.xml.rels → word/document.xml."""
    folder, _, file = rels.rpartition("/")
    return f"{folder.removesuffix('_rels').rstrip('/')}/{file.removesuffix('.rels')}".lstrip("/")


def _check_link_use(path: Path, name: str, data: bytes, external: dict[str, str],
                    words: PackageWords) -> None:

    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError:
        return  # not XML: nothing in it can name a relationship
    _refuse_misused_links(path, name, root, external, words)


def _check_relationships(path: Path, name: str, data: bytes,
                         words: PackageWords) -> dict[str, str]:
    """Refuse a relationship to an outside address that is not a hyperlink; the hyperlinks to
    outside addresses by id."""

    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError:
        raise words.error(
            f"{path}: {words.part} {name} går inte att läsa som XML; {words.refused}"
        ) from None
    links: dict[str, str] = {}
    for rel in root.iter("{*}Relationship", "Relationship"):
        if (rel.get("TargetMode") or "").strip().lower() != "external":
            continue
        if (rel.get("Type") or "").strip() in _HYPERLINK_TYPES:
            links[rel.get("Id") or ""] = rel.get("Target") or ""
            continue
        raise _fetches(path, name, rel.get("Target") or "", words)
    return links


def _fetches(path: Path, rels: str, address: str,
             words: PackageWords = TEMPLATE_WORDS) -> SlutrapportError:
    return words.error(
        f"{path}: {words.part} {rels} hänvisar till adressen {_shown(address)}, "
        f"{words.fetched}; {words.refused}")


def _rels_name(partname: str) -> str:
    folder, _, file = partname.lstrip("/").rpartition("/")
    return f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"


@functools.cache
def _relationship_attributes() -> Any:
    return etree.XPath("//@*[namespace-uri()=$a or namespace-uri()=$b]")


def _attributes_naming(root: Any, ids: set[str]) -> Iterator[Any]:
    """The attributes in the relationships namespace whose value is one of ``ids``."""
    a, b = _RELATIONSHIP_NAMESPACES
    for value in _relationship_attributes()(root, a=a, b=b):
        if str(value) in ids:
            yield value


def refuse_fetched_links(package: Any, path: Path) -> None:
    """After rendering: refuse an outside address used as anything but a hyperlink.

    A hyperlink relationship is harmless as a link, but LibreOffice fetches the address of any
    external relationship a picture names with ``r:link`` (or ``r:embed``, ``r:id`` elsewhere),
    whatever its type; the template (or what it writes) may name one so. Only parts that have
    external relationships are read.
    """
    for part in package.iter_parts():
        external = {rid: rel for rid, rel in part.rels.items() if rel.is_external}
        if not external:
            continue
        partname = str(part.partname)
        for rel in external.values():
            if rel.reltype not in _HYPERLINK_TYPES:
                raise _fetches(path, _rels_name(partname), str(rel.target_ref))
        root = getattr(part, "_element", None)
        if root is None:

            try:
                root = etree.fromstring(part.blob, safe_parser())
            except etree.XMLSyntaxError:
                continue  # not XML: nothing in it can name a relationship
        _refuse_misused_links(path, partname.lstrip("/"), root,
                              {rid: str(rel.target_ref) for rid, rel in external.items()})


def _refuse_misused_links(path: Path, name: str, root: Any, external: dict[str, str],
                          words: PackageWords = TEMPLATE_WORDS) -> None:
    """Refuse an attribute naming an outside link (by id) anywhere but a link's ``r:id``."""
    when = ("när rapporten skrivs" if words is TEMPLATE_WORDS
            else "när filen öppnas")
    for value in _attributes_naming(root, set(external)):
        local = _localname(value.getparent().tag)
        if value.attrname.endswith("}id") and local in _LINK_ELEMENTS:
            continue
        raise words.error(
            f"{path}: {words.part} {name} använder länken till {_shown(external[str(value)])} "
            f"(i {_rels_name(name)}) som något annat än en länk (i <{local}>), och då skulle "
            f"LibreOffice hämta adressen {when}; {words.refused}")


def _localname(tag: Any) -> str:
    """An element's name without its namespace."""
    return str(tag).rpartition("}")[2]


_W_NAMESPACES = frozenset({
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
})


_FIELD_TAGS = tuple(f"{{{namespace}}}{local}" for namespace in sorted(_W_NAMESPACES)
                    for local in ("fldSimple", "fldChar", "instrText", "delInstrText"))


class _OpenField:
    """A complex field being read: its instruction so far, whether a field nested in it
    computes its name, and whether its instruction has ended (at its separate)."""

    __slots__ = ("computed", "done", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.computed = False
        self.done = False


def field_instructions(root: Any) -> Iterator[tuple[str, bool]]:
    """Each field's instruction in a WordprocessingML tree, in document order, and whether a
    field nested in it computes its name, or part of it: a field (complex or simple) nested
    before the instruction's first blank, at the start of the name, inside it or at its end
    (``{ {QUOTE "INCLUDE"}PICTURE … }``, ``{ INCLUDE{QUOTE "PIC"}TURE … }``,
    ``{ DD{QUOTE "EAUTO"} … }``).

    A simple field is its ``w:instr``; a complex field is the text of its ``w:instrText`` (or
    ``w:delInstrText``, a deleted one a reviewer may restore) from its ``w:fldChar`` begin to its
    separate, or to its end if it has none, across runs and paragraphs. A field nested in
    another's instruction is a field of its own.
    """
    stack: list[_OpenField] = []

    def nested() -> None:
        """A field begins: in its parent's name if the parent's instruction has no blank yet
        after its first word began."""
        parent = stack[-1] if stack else None
        if parent is not None and not parent.done and \
                not _BLANK.search("".join(parent.parts).lstrip()):
            parent.computed = True

    for element in root.iter(*_FIELD_TAGS):
        namespace, _, local = element.tag[1:].partition("}")
        if local == "fldSimple":
            nested()
            yield element.get(f"{{{namespace}}}instr") or "", False
        elif local in ("instrText", "delInstrText"):
            if stack and not stack[-1].done:
                stack[-1].parts.append(element.text or "")
        elif local == "fldChar":
            kind = element.get(f"{{{namespace}}}fldCharType")
            if kind == "begin":
                nested()
                stack.append(_OpenField())
            elif kind in ("separate", "end") and stack:
                field = stack[-1]
                if not field.done:
                    field.done = True
                    yield "".join(field.parts), field.computed
                if kind == "end":
                    stack.pop()
    for field in stack:  # a field left open at the end of the part
        if not field.done:
            yield "".join(field.parts), field.computed


def _field_name(instruction: str) -> str:
    """A field's name: the first word of its instruction, in capitals ('' for a formula)."""
    found = _FIELD_NAME.match(instruction)
    return found.group(1).upper() if found else ""


_BLANK = re.compile(r"\s")
"""What ends a field's name (a space, a tab, a no-break space …)."""
_FIELD_NAME = re.compile(r"\s*([A-Za-z]+)")
"""A field's name, as Word reads it: the letters its instruction begins with (a quote or a
switch may follow without a space)."""


def _refuse_fields(path: Path, name: str, root: Any, *, written: bool) -> None:
    """Refuse a field that reaches outside the document, or whose name a field computes; and a
    mail-merge data source. ``written``: the template's expressions wrote it (after rendering)."""
    where = (f"{path}: mallen skriver i delen {name}" if written
             else f"{path}: mallens del {name} har")
    for instruction, computed in field_instructions(root):
        if computed:
            raise TemplateError(
                f"{where} ett fält vars namn ett annat fält räknar fram "
                f"({_shown(instruction.strip())}); det kan bli ett fält som hämtar något utanför "
                "dokumentet när Word öppnar rapporten; mallen används inte")
        kind = _field_name(instruction)
        if kind in FETCHING_FIELDS:
            raise TemplateError(
                f"{where} fältet {kind} ({_shown(instruction.strip())}), som "
                f"{FETCHING_FIELDS[kind]} när Word öppnar rapporten eller uppdaterar fälten "
                "(bara länkar får peka utanför dokumentet; bädda in innehållet i mallen i "
                "stället); mallen används inte")
    for namespace in _W_NAMESPACES:
        if root.find(f"{{{namespace}}}mailMerge") is not None:
            raise TemplateError(
                f"{where} en koppling till en datakälla för dokumentkoppling (w:mailMerge), som "
                "Word öppnar när rapporten öppnas; gör mallen till ett vanligt Word-dokument "
                "(Utskick → Starta koppling); mallen används inte")


def _check_fields(path: Path, name: str, data: bytes) -> None:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError:
        return  # the part check names an XML part that can't be read
    _refuse_fields(path, name, root, written=False)


_WORDPROCESSING = "wordprocessingml"
"""What the content types of the parts that can hold fields have in common."""


def refuse_fetching_fields(package: Any, path: Path) -> None:
    """After rendering: refuse a field reaching outside the document that the template's
    expressions wrote (the template itself was looked through before: :func:`inspect_template`).

    Data can't write one: what it gives is text, escaped, and a field needs ``w:fldChar`` or
    ``w:fldSimple`` elements (and a field's name is the first word of its instruction).
    """
    for part in package.iter_parts():
        if _WORDPROCESSING not in str(getattr(part, "content_type", "")):
            continue
        root = getattr(part, "_element", None)
        if root is None:

            try:
                root = etree.fromstring(part.blob, safe_parser())
            except etree.XMLSyntaxError:
                continue
        _refuse_fields(path, str(part.partname).lstrip("/"), root, written=True)


_SPECIAL = (
    (stat.S_ISCHR, "en enhetsfil"),
    (stat.S_ISBLK, "en enhetsfil"),
    (stat.S_ISFIFO, "en namngiven rörledning (FIFO)"),
    (stat.S_ISSOCK, "en socket"),
)


def check_output(path: str | Path, protect: Iterable[tuple[str, str | Path]] = ()) -> None:
    """Refuse an output that must not be overwritten; ``protect`` pairs a label with a path.

    A folder, a device, a FIFO or a socket, a read-only file, or the same file (also through
    a symbolic or hard link) as one protected, e.g. ``("datafilen", "rapport.yaml")``.
    """
    target = Path(path)
    try:
        found = target.stat()  # follows a symbolic link: what would be written over
    except OSError:
        return  # nothing there (or nothing we may look at): the write says why, if it fails
    if stat.S_ISDIR(found.st_mode):
        raise OutputError(f"{target}: är en mapp och skrivs inte över; ange en fil")
    for test, kind in _SPECIAL:
        if test(found.st_mode):
            raise OutputError(f"{target}: är {kind}, inte en vanlig fil, och skrivs inte över; "
                              "välj ett annat namn för utfilen")
    for label, source in protect:
        try:
            same = os.path.samefile(target, source)
        except OSError:
            continue
        if same:
            raise OutputError(f"{target}: är samma fil som {label} {source} och skrivs inte "
                              "över; välj ett annat namn för utfilen")
    if not found.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise OutputError(f"{target}: är skrivskyddad och skrivs inte över; ta bort "
                          "skrivskyddet eller välj ett annat namn för utfilen")
