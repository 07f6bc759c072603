"""Register files as untrusted input: where they may be, what they may be, and how big.

A data file names its registers, and a register is a file someone else may have made. Before a
byte of it is read as a spreadsheet:

* **Where**: the file must lie in the data file's folder or a folder under it, after every
  ``..`` and symbolic link is followed (a data file may otherwise make the tool read, and quote
  in its messages, any spreadsheet-named file). The user may allow other places
  (``--tillat-sokvag``, ``allow_outside=True``).
* **What**: a regular file — not a folder, device, FIFO or socket (a FIFO would block, a link to
  ``/dev/zero`` never end). It is opened without blocking and checked again once open, then read
  into memory once, at most :data:`MAX_FILE_BYTES`; everything after reads those bytes.
* **How big**, for an .xlsx (read here, in the process): no more than :data:`MAX_PARTS` zip
  parts; no part unpacking to more than :data:`MAX_PART_BYTES` or packed more than
  :data:`MAX_RATIO` times (parts over :data:`RATIO_FROM_BYTES`), nor all parts to more than
  :data:`MAX_UNPACKED_BYTES` — the sizes the zip declares first, then the bytes actually
  unpacked. Every sheet's XML is then searched for what the spreadsheet reader would lay out:
  the used range it declares (``<dimension ref=…>``) and every cell's reference must stay in a
  sheet's grid (XFD1048576) and within :data:`MAX_CELLS` cells from A1, the shared texts be no
  more than that, and no text longer than :data:`MAX_CELL_CHARS`. python-calamine allocates the
  whole rectangle up to the farthest cell before anything can be checked (one cell at
  XFD1048576 asked for 549 GB and aborted the process); the search runs before it. The cells'
  texts together may hold at most :data:`MAX_TEXT_CHARS` characters, each cell that shows a
  shared text counted with that text's length: the reader makes a string of a shared text for
  every cell showing it (20 000 cells showing one 32 767-character text, a file of 1 MB, took
  3,9 GB). A sheet whose cell tags are not written as spreadsheet programs write them
  (``<c r="B2" …>``: no reference, a second one, a prefix, single quotes), or whose shared texts
  can't be told apart by their tags, can't be told so, and is read as below.
* **.xls, .ods** (and anything that isn't a plain .xlsx inside): read by python-calamine in a child
  process with a memory cap (:data:`CHILD_MEMORY_BYTES`, ``resource.setrlimit``) and a time
  limit (:data:`CHILD_SECONDS`); the child checks the sheet's size, its cells and their texts
  together before it sends the rows back. An .ods file's zip parts are bounded as above
  first. A child that runs out of memory or time is a located refusal; the process reading the
  report never aborts.

Every refusal is an :class:`~slutrapport.errors.InputError` in Swedish (exit 2) naming the
register (and sheet and cell), or the data file's line that names it when the path is at fault.
"""

from __future__ import annotations

import errno
import html
import io
import math
import os
import pickle
import re
import signal
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import python_calamine

from slutrapport._files import os_error_text
from slutrapport.errors import InputError, Problem
from slutrapport.formatting import format_integer
from slutrapport.names import name_key

__all__ = [
    "CHILD_MEMORY_BYTES",
    "CHILD_SECONDS",
    "FORMULA_TAG",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_PARTS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TEXT_CHARS",
    "MAX_UNPACKED_BYTES",
    "QUOTED_CHARS",
    "RATIO_FROM_BYTES",
    "Origin",
    "WorkbookRead",
    "check_cells",
    "clip",
    "column",
    "letters",
    "locate",
    "read_bytes",
    "read_workbook",
    "unusable",
]

MAX_FILE_BYTES = 100_000_000
"""The most a register file may hold on disk (100 MB; 100 000 activities are 3 MB as .xlsx)."""

MAX_PARTS = 10_000
"""The most parts (files) the zip of an .xlsx or .ods may have."""

MAX_PART_BYTES = 200_000_000
"""The most one part of an .xlsx or .ods may unpack to (200 MB)."""

MAX_UNPACKED_BYTES = 400_000_000
"""The most all parts of an .xlsx or .ods together may unpack to (400 MB)."""

MAX_RATIO = 100
"""The most a part may be packed: unpacked size over packed size (a sheet packs 5–30 times; a
zip bomb about 1 000)."""

RATIO_FROM_BYTES = 1_000_000
"""Parts smaller than this unpacked (1 MB) may be packed any amount: they can't cost much."""

MAX_CELLS = 3_000_000
"""The most cells a sheet may span from A1 to its farthest cell (rows × columns), and the most
fields a .csv file may have: 300 000 rows of ten columns."""

MAX_CELL_CHARS = 32_767
"""The most characters one cell may hold: what a cell in Excel holds."""

MAX_TEXT_CHARS = 100_000_000
"""The most characters the cells of one sheet may hold together, each cell that shows a shared
text counted with that text's length (100 million: an average of 33 characters in each of the
:data:`MAX_CELLS` cells). A shared text is stored once and shown by any number of cells, but the
spreadsheet reader makes a string of it for every cell: 1 MB of .xlsx can ask for gigabytes."""

QUOTED_CHARS = 80
"""The most characters of a cell's text a message quotes (:func:`clip`)."""

CHILD_MEMORY_BYTES = 2_000_000_000
"""The memory (address space) the child reading an .xls or .ods file may use (2 GB)."""

CHILD_SECONDS = 120
"""The time the child reading an .xls or .ods file may take."""

MAX_COLUMN = 16_384
"""Columns of a sheet (A–XFD)."""

MAX_ROW = 1_048_576
"""Rows of a sheet."""


def _megabytes(size: int) -> str:
    return f"{format_integer(math.ceil(size / 1_000_000))} MB"


def clip(text: object, most: int = QUOTED_CHARS) -> str:
    """A text from a register as a message quotes it: whole up to ``most`` characters, else its
    first ``most`` − 1 and '…' (a cell may hold 32 767 characters, and a message quoting a few
    thousand such cells would run to hundreds of megabytes)."""
    shown = text if isinstance(text, str) else str(text)
    return shown if len(shown) <= most else shown[:most - 1].rstrip() + "…"


# --- where the register is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where the data file names a register: its file, the line, the field (register.foretag)."""

    file: str | None
    line: int | None
    field: str

    def error(self, message: str) -> InputError:
        """A refusal placed at the data file's line that names the register."""
        return InputError([Problem(message, path=self.field, line=self.line, file=self.file)])


_KINDS = (
    (stat.S_ISCHR, "en enhetsfil"),
    (stat.S_ISBLK, "en enhetsfil"),
    (stat.S_ISFIFO, "en namngiven rörledning (FIFO)"),
    (stat.S_ISSOCK, "en socket"),
)


def _kind(mode: int) -> str | None:
    """What a file that isn't a regular file is, in Swedish (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "en mapp"
    return next((kind for test, kind in _KINDS if test(mode)), "ingen vanlig fil")


def locate(path: Path, root: Path, origin: Origin, called: str, *,
           allow_outside: bool = False) -> Path:
    """The register's real path: ``path`` with every link followed, refused (InputError at the
    data file's line) if it is missing, outside ``root`` (unless ``allow_outside``), or not a
    regular file."""
    if not os.path.lexists(path):
        raise origin.error(f"registret ({called}) finns inte: {path}")
    try:
        real = path.resolve()
        base = root.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links, a folder that can't be searched
        raise origin.error(f"registret ({called}) {path} kan inte nås "
                           f"({_os_reason(exc)})") from None
    if not allow_outside and not real.is_relative_to(base):
        how = "" if real == Path(os.path.abspath(path)) else f" (genom en länk: {real})"
        raise origin.error(
            f"registret ({called}) {path} ligger utanför datafilens mapp {base}{how}; en datafil "
            "får bara läsa register i sin egen mapp och mapparna under den. Ange "
            "--tillat-sokvag om registret ska läsas ändå")
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        raise origin.error(f"registret ({called}) finns inte: {path} (länken pekar på {real}, "
                           "som inte finns)") from None
    except OSError as exc:
        raise origin.error(f"registret ({called}) {path} kan inte nås "
                           f"({_os_reason(exc)})") from None
    if stat.S_ISDIR(mode):
        raise origin.error(f"{path} är en mapp, inte ett register ({called})")
    kind = _kind(mode)
    if kind is not None:
        raise origin.error(f"registret ({called}) {path} är {kind}, inte en vanlig fil, och "
                           "läses inte")
    return real


def _os_reason(exc: BaseException) -> str:
    """Why the operating system said no, in Swedish (never its English text)."""
    if isinstance(exc, RuntimeError):  # pathlib's 'Symlink loop'
        return os_error_text(OSError(errno.ELOOP, ""))
    if isinstance(exc, OSError):
        return os_error_text(exc)
    return "okänt systemfel"


def read_bytes(real: Path, shown: str) -> bytes:
    """The register file's bytes: opened without blocking, checked once open to be a regular
    file of at most :data:`MAX_FILE_BYTES`, read once."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise unusable(f"filen kan inte läsas ({_os_reason(exc)})", shown) from None
    try:
        found = os.fstat(fd)
        kind = _kind(found.st_mode)
        if kind is not None:  # changed since it was looked at
            raise unusable(f"är {kind}, inte en vanlig fil, och läses inte", shown)
        if found.st_size > MAX_FILE_BYTES:
            raise _too_big_file(found.st_size, shown)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # grew while read
                raise _too_big_file(size, shown)
            chunks.append(chunk)
    except OSError as exc:
        raise unusable(f"filen kan inte läsas ({_os_reason(exc)})", shown) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _too_big_file(size: int, shown: str) -> InputError:
    return unusable(f"filen är {_megabytes(size)}, mer än gränsen {_megabytes(MAX_FILE_BYTES)} "
                    "för ett register; är det rätt fil?", shown)


def unusable(message: str, file: str, sheet: str | None = None, row: int | None = None,
             where: str | None = None) -> InputError:
    """The error of a register that can't be read at all, placed: file, sheet, row, column."""
    place = [f"blad {clip(sheet)}"] if sheet is not None else []
    if row is not None:
        place.append(f"rad {row}")
    if where is not None:
        place.append(where)
    return InputError([Problem(message, path=", ".join(place), file=file)])


# --- a workbook ----------------------------------------------------------------------------------


@dataclass
class WorkbookRead:
    """One sheet of a workbook as read: its name, rows and merged areas."""

    sheet: str
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    formulas: bool = True
    """Whether a part of the file may hold a formula (False: every part was searched for
    :data:`FORMULA_TAG` and none holds one, so no cell can be an uncalculated formula)."""


FORMULA_TAG = re.compile(rb"<f[\s/>]")
"""A formula's tag (``<f>``) in a sheet's XML."""


def read_workbook(raw: bytes, shown: str, suffix: str, wanted: str) -> WorkbookRead:
    """The sheet named ``wanted`` (compared folded: any case, spacing) or else the first one,
    from a workbook's bytes; InputError if it can't be read within the limits."""
    archive = _zip(raw)
    if archive is not None:
        with archive:
            names = set(archive.namelist())
            xlsx = "xl/workbook.xml" in names and "content.xml" not in names \
                and "xl/workbook.bin" not in names
            told, formulas = _check_parts(archive, shown, suffix, sheets=xlsx)
        if xlsx and told:
            return _read_here(raw, shown, suffix, wanted, formulas)
    elif suffix in (".xlsx", ".xlsm", ".ods"):
        raise unusable(f"filen är inget läsbart kalkylark ({suffix}): den är inget zip-arkiv, "
                       "som en sådan fil är", shown)
    return _read_in_child(raw, shown, suffix, wanted)


def _zip(raw: bytes) -> zipfile.ZipFile | None:
    """The zip archive in ``raw``, or None if it is none (an .xls file, say)."""
    if not raw.startswith(b"PK"):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None


def _check_parts(archive: zipfile.ZipFile, shown: str, suffix: str, *,
                 sheets: bool) -> tuple[bool, bool]:
    """Refuse a zip of too many parts, or one that unpacks too far (declared, then counted);
    with ``sheets``, search each part for the cells python-calamine would lay out. True if
    every sheet's cells could be told (see :func:`_check_sheet_xml`); and whether a part may
    hold a formula (searched with ``sheets``, while the part is at hand: the sheet need not be
    unpacked again to look for uncalculated formulas when none has one)."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise unusable(f"kalkylarket består av {format_integer(len(infos))} delar, fler än gränsen "
                       f"{format_integer(MAX_PARTS)}; registret läses inte", shown)
    declared = 0
    for info in infos:
        _check_size(info, info.file_size, shown, counted=False)
        declared += info.file_size
    if declared > MAX_UNPACKED_BYTES:
        raise _too_big_total(declared, shown)
    names = _sheet_names(archive, shown) if sheets else {}
    unpacked = 0
    told = True
    formulas = not sheets
    shared: list[int] | None = []
    early: dict[str, bytes] = {}
    if sheets:  # the shared texts first: a sheet's cells are counted with their lengths
        for info in infos:
            if not info.is_dir() and _is_shared_strings(info.filename):
                texts = _unpack(archive, info, shown, MAX_UNPACKED_BYTES - unpacked)
                unpacked += len(texts)
                early[info.filename] = texts
                shared = _longest(shared, _shared_lengths(texts))
    for info in infos:
        if info.is_dir():
            continue
        if info.filename in early:  # unpacked already
            data = early.pop(info.filename)
        else:
            data = _unpack(archive, info, shown, MAX_UNPACKED_BYTES - unpacked)
            unpacked += len(data)
        if sheets:
            told = _check_sheet_xml(data, shown, info.filename, names.get(info.filename),
                                    shared) and told
            formulas = formulas or FORMULA_TAG.search(data) is not None
    return told, formulas


def _is_shared_strings(name: str) -> bool:
    """Whether python-calamine may read the part as the shared texts (it looks up
    ``…/sharedStrings.xml`` in any case, with ``\\`` as ``/``)."""
    return name.replace("\\", "/").lower().endswith("sharedstrings.xml")


def _longest(a: list[int] | None, b: list[int] | None) -> list[int] | None:
    """Two lists of text lengths as one: the longer of the two at each place (None: unknown)."""
    if a is None or b is None:
        return None
    if len(a) < len(b):
        a, b = b, a
    return [max(x, y) for x, y in zip(a, b, strict=False)] + a[len(b):]


def _check_size(info: zipfile.ZipInfo, size: int, shown: str, *, counted: bool) -> None:
    told = f"blir {_megabytes(size)} uppackad" if not counted else "blir större uppackad"
    if size > MAX_PART_BYTES:
        raise unusable(f"kalkylarkets del {info.filename} {told}, mer än gränsen "
                       f"{_megabytes(MAX_PART_BYTES)} för en del; registret läses inte", shown)
    if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
        ratio = size // max(info.compress_size, 1)
        raise unusable(
            f"kalkylarkets del {info.filename} packas upp {format_integer(ratio)} gånger större "
            f"({format_integer(info.compress_size)} byte blir {_megabytes(size)}), mer än gränsen "
            f"{MAX_RATIO} gånger; så packas inget kalkylark, och registret läses inte", shown)


def _too_big_total(size: int | None, shown: str) -> InputError:
    told = f"{_megabytes(size)} uppackade, mer än" if size is not None else \
        "större uppackade än"
    return unusable(f"kalkylarkets delar blir tillsammans {told} gränsen "
                    f"{_megabytes(MAX_UNPACKED_BYTES)}; registret läses inte", shown)


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, room: int) -> bytes:
    """A part's bytes, counted as they unpack: never past its limits, whatever it declares."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > room:
                    raise _too_big_total(None, shown)
                _check_size(info, size, shown, counted=True)
                chunks.append(chunk)
    except InputError:
        raise
    except Exception:  # a bad CRC, a truncated stream, encryption, an unknown method …
        raise unusable(f"kalkylarkets del {info.filename} är skadad och kan inte packas upp",
                       shown) from None
    return b"".join(chunks)


def _sheet_names(archive: zipfile.ZipFile, shown: str) -> dict[str, str]:
    """The sheets' names by their part (xl/worksheets/sheet1.xml → Logg), as far as the
    workbook tells them plainly; for messages only (the parts are read within the limits)."""
    try:
        book = _unpack(archive, archive.getinfo("xl/workbook.xml"), shown,
                       MAX_UNPACKED_BYTES).decode("utf-8", "replace")
        rels = _unpack(archive, archive.getinfo("xl/_rels/workbook.xml.rels"), shown,
                       MAX_UNPACKED_BYTES).decode("utf-8", "replace")
    except InputError:
        return {}  # the check of every part says what is wrong
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for m in re.finditer(r"<Relationship\b([^>]*)>", rels):
        attrs = dict(re.findall(r"([\w:]+)=\"([^\"]*)\"", m.group(1)))
        target = attrs.get("Target", "")
        targets[attrs.get("Id", "")] = target.lstrip("/") if target.startswith("/") \
            else "xl/" + target
    out: dict[str, str] = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)>", book):
        attrs = dict(re.findall(r"([\w:]+)=\"([^\"]*)\"", m.group(1)))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        if rid in targets:
            out.setdefault(targets[rid], html.unescape(attrs.get("name", "")))
    return out


_DIMENSION = re.compile(rb"<(?:[\w.\-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"([^>]*)>')
"""A cell's start tag as every spreadsheet program writes it: its reference first (the rest of
the tag, up to its ``>``, is the third group)."""
_ODD_START = re.compile(rb'<c(?=[\s/>])(?! r="[A-Za-z]{1,3}[0-9]{1,7}"[^>]*>)')
"""A cell tag without its reference first: none, in single quotes, not a reference …"""
_PREFIXED = re.compile(rb":c[\s/>]")
_ODD_REST = re.compile(rb"\sr\s*=|'")
"""In the rest of a cell's tag: a second reference, or single quotes (which may hide one)."""
_LONG_TEXT = re.compile(rb">([^<]{%d,})" % (MAX_CELL_CHARS + 1))
_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)


_QUOTED_ANGLE = re.compile(rb"""=\s*(?:"[^"]*[<>]|'[^']*[<>])""")
"""An attribute's value holding '<' or '>' (or text that looks so): where a tag ends can't be
told by its first '>', nor a tag found by its '<'."""
_SI_EMPTY = re.compile(rb"<si(?=[\s/])[^>]*/>")
_SI_START = re.compile(rb"<si(?=[\s>])[^>]*>")
_SI_END = re.compile(rb"</si>")
_ODD_SI = re.compile(rb"</?[^\s<>/!?]+:si[\s/>]|</si[^>]")
"""A shared text's tag with a prefix, or an end tag with more than its name: the reader ends a
text only at the end tag named exactly as its start tag."""
_TAG = re.compile(rb"<[^>]*>")
_ENTITY = re.compile(rb"&[^;&<>\s]{1,32};")
_CONTINUATION = bytes(range(0x80, 0xC0))
"""UTF-8's continuation bytes: a text's bytes without them are as many as its characters."""


def _text_bytes(xml: bytes) -> bytes:
    """The text of some XML, tags left out, an entity as one byte and a character as one byte
    (enough to count characters; never fewer than the reader makes of it)."""
    text = _TAG.sub(b"", xml)
    if b"&" in text:
        text = _ENTITY.sub(b"&", text)
    return text.translate(None, _CONTINUATION)


def _shared_lengths(data: bytes) -> list[int] | None:
    """The length in characters of each shared text (``<si>``) in order, or None when the
    part is written so that where each text begins and ends can't be told from its tags alone
    (a comment, CDATA, a DTD, a prefix, '<' or '>' inside an attribute, texts inside texts):
    the workbook is then read in the capped child, which counts what it read.

    Each length is at least the text python-calamine makes of the ``<si>`` (the text of its
    ``<t>`` runs; here also phonetic runs and spaces it trims)."""
    if b"<!" in data or b"\x01" in data or b"\x02" in data or _QUOTED_ANGLE.search(data) \
            or _ODD_SI.search(data):
        return None
    marked = _SI_EMPTY.sub(b"\x01\x02", data)
    marked = _SI_START.sub(b"\x01", _SI_END.sub(b"\x02", marked))
    text = _text_bytes(marked)
    order = text.translate(None, bytes(b for b in range(256) if b not in (1, 2)))
    if order != b"\x01\x02" * (len(order) // 2):  # every text opens, then closes
        return None
    pieces = re.sub(rb"\x02[^\x01]*", b"", text).split(b"\x01")
    return list(map(len, pieces[1:]))


_SHARED_PLAIN = re.compile(rb' t="s"><v>([0-9]{1,10})</v></c>')
"""The end of a cell showing a shared text (``t="s"``) as spreadsheet programs write it: the
type last in its tag, then its text's number in ``<v>`` and nothing else. When every ``"s"`` of
a sheet stands so, every such cell is written so (any other quote ``"s"`` in a sheet makes the
counts differ), and the cells can be counted without looking at each."""
_SHARED_CELL = re.compile(rb'<c r="[A-Za-z]{1,3}[0-9]{1,7}"[^>]*\st\s*=\s*"s"[^>]*>')
"""The start tag of any cell showing a shared text."""
_CELL_END = re.compile(rb"</c>")
_VALUE_TEXT = re.compile(rb"<(?:[\w.\-]+:)?v(?:\s[^>]*)?>([^<]*)<")
_NUMBER_VALUE = re.compile(rb"<([\w.\-]+:)?v>[0-9.eE+\-]*</\1?v>")


def _shared_cells_chars(data: bytes, shared: list[int]) -> int | None:
    """The characters of the shared texts the cells of a sheet show, each counted once for
    every cell that shows it (never fewer than python-calamine makes), or None when the cells
    are written so that their values can't be told from their tags alone."""
    if b'"s"' not in data:
        return 0
    plain = _SHARED_PLAIN.findall(data)
    if data.count(b'"s"') == len(plain):  # every cell written plainly: counted at once
        try:
            return sum(map(shared.__getitem__, map(int, plain)))
        except IndexError:  # a number past the shared texts (the reader refuses the file)
            pass
    if b"<!" in data or _QUOTED_ANGLE.search(data) or re.search(rb"</c\s", data):
        return None  # a cell's end can't be told by its '</c>'
    longest = max(shared, default=0)
    total = 0
    for m in _SHARED_CELL.finditer(data):  # one by one; the reader keeps a cell's last value
        if m.group().endswith(b"/>"):
            continue
        end = _CELL_END.search(data, m.end())
        most = 0
        for value in _VALUE_TEXT.findall(data, m.end(), end.start() if end else len(data)):
            index = int(value) if value.isdigit() else -1  # ' 3' is no number to the reader
            most = max(most, (shared[index] if index < len(shared) else 0) if index >= 0
                       else longest)  # not a number: whatever the reader makes of it
        total += most
    return total


def _sheet_texts_fit(data: bytes, shared: list[int] | None, shown: str, sheet: str) -> bool:
    """Refuse a sheet whose cells hold more than :data:`MAX_TEXT_CHARS` characters together:
    the shared texts they show, each as often as it is shown, and the texts written in the
    cells (inline, a formula's result; not a value written as a number). False if that can't
    be told here (see :func:`_shared_cells_chars`); the capped child counts what it read
    instead."""
    if shared is None:
        return False
    chars = _shared_cells_chars(data, shared)
    if chars is None:
        return False
    if chars + len(data) - data.count(b"<") <= MAX_TEXT_CHARS:
        return True  # the sheet's own bytes outside its tags can't make it more
    if b"<!" in data:
        return False  # CDATA: its text is counted by the child
    at = data.rfind(b"<", 0, data.find(b"sheetData"))
    own = _text_bytes(_NUMBER_VALUE.sub(b"", data[max(at, 0):]))
    _check_text_total(chars + len(own), shown, sheet)
    return True


def _check_sheet_xml(data: bytes, shown: str, part: str, sheet: str | None,
                     shared: list[int] | None = None) -> bool:
    """Refuse a part whose cells would lie beyond a sheet's grid or span more than
    :data:`MAX_CELLS` from A1, or with a text longer than :data:`MAX_CELL_CHARS`; False if its
    cells are written so that where they lie can't be told from their tags alone.

    python-calamine places a cell by the last ``r`` attribute of its tag, or after the cell
    before when it has none, and reads cells with any prefix (``x:c``). Every spreadsheet
    program writes ``<c r="B2" …>``: when every cell tag is written so (the reference first,
    no second one, double quotes), the references tell the extent; otherwise False, and the
    workbook is read in the capped child. Every part is searched, whatever its name (the
    workbook's relationships, not the name, decide which part is read as a sheet): for long
    texts if it is XML, for cells if it has a ``sheetData``. A tag in a text or a comment only
    makes the bound larger."""
    label = sheet if sheet is not None else part
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # text to read, not a picture
        texts = list(_LONG_TEXT.finditer(data))
        if b"<![CDATA[" in data:
            texts += [m for m in _CDATA.finditer(data) if len(m.group(1)) > MAX_CELL_CHARS]
        for m in texts:
            text = m.group(1).decode("utf-8", "replace")
            length = len(text if m.group(0).startswith(b"<!") else html.unescape(text))
            if length > MAX_CELL_CHARS:
                cell = _cell_before(data, m.start())
                where = f"cellen {cell}" if cell and sheet is not None else \
                    f"en text i kalkylarkets del {part}"
                raise unusable(f"{where} har {format_integer(length)} tecken, fler än de "
                               f"{format_integer(MAX_CELL_CHARS)} som en cell rymmer; registret "
                               "läses inte", shown, sheet)
    at = data.find(b"sheetData")
    if at < 0:
        if b"<sst" in data[:4096] and data.count(b"<si") > MAX_CELLS:  # the shared texts
            raise unusable(f"kalkylarket har fler än {format_integer(MAX_CELLS)} delade texter "
                           f"(delen {part}), fler än ett register kan ha celler; registret "
                           "läses inte", shown)
        return True
    dim = _DIMENSION.search(data, 0, at)
    if dim is not None:
        last = dim.group(1).split(b":")[-1].replace(b"$", b"")
        ref = re.fullmatch(rb"([A-Za-z]{1,3})([0-9]{1,7})", last)
        if ref is not None:
            _check_extent(int(ref.group(2)), column(ref.group(1)), shown, label,
                          declared=True)
    if _ODD_START.search(data) or _PREFIXED.search(data):
        return False
    cells = _CELL.findall(data)
    if not cells:
        return True
    for rest in set(map(itemgetter(2), cells)):  # a handful: ' s="1" t="n"', ' t="s"' …
        if _ODD_REST.search(rest) or rest.count(b'"') % 2:
            return False
    cols = max(map(column, set(map(itemgetter(0), cells))))
    rows = max(map(int, set(map(itemgetter(1), cells))))
    _check_extent(rows, cols, shown, label, declared=False)
    return _sheet_texts_fit(data, shared, shown, label)


def _check_text_total(total: int, shown: str, sheet: str | None) -> None:
    if total > MAX_TEXT_CHARS:
        raise unusable(
            f"bladets celler blir tillsammans {format_integer(total)} tecken text när det läses "
            "(en text som flera celler visar räknas en gång för varje cell), fler än gränsen "
            f"{format_integer(MAX_TEXT_CHARS)} för ett register; registret läses inte",
            shown, sheet)


def column(name: bytes) -> int:
    """A column's number from its letters (A is 1, XFD 16 384)."""
    n = 0
    for ch in name.upper():
        n = n * 26 + (ch - 64)
    return n


def letters(col: int) -> str:
    """A column's letters from its number (1 is A, 16 384 XFD)."""
    out = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell_before(data: bytes, at: int) -> str | None:
    """The reference of the cell whose text starts at ``at`` (the last cell tag before it)."""
    found = None
    for m in _CELL.finditer(data, max(0, at - 4096), at + 1):
        found = (m.group(1) + m.group(2)).decode("ascii")
    return found


def _outside(shown: str, sheet: str, ref: str) -> InputError:
    return unusable(f"bladet har en cell i {ref}, utanför ett kalkylblads rutnät (A1–XFD"
                    f"{MAX_ROW}); filen är trasig eller gjord för att se ut som ett "
                    "kalkylark, och registret läses inte", shown, sheet)


def _check_extent(rows: int, cols: int, shown: str, sheet: str, *, declared: bool) -> None:
    if rows > MAX_ROW or cols > MAX_COLUMN:
        raise _outside(shown, sheet, f"{letters(cols)}{rows}")
    if rows * cols <= MAX_CELLS:
        return
    far = f"{letters(cols)}{rows}"
    how = (f"anger att det används ända till cell {far} (<dimension>)" if declared
           else f"används ända till cell {far}")
    raise unusable(
        f"bladet {how}: {format_integer(rows)} rader × {format_integer(cols)} kolumner är "
        f"{format_integer(rows * cols)} celler, fler än gränsen {format_integer(MAX_CELLS)} "
        "för ett register; ta bort det som står längst ut och längst ner på bladet och spara "
        "det igen", shown, sheet)


def _read_here(raw: bytes, shown: str, suffix: str, wanted: str,
               formulas: bool) -> WorkbookRead:
    """An .xlsx whose parts and sheets passed the checks, read by python-calamine here."""

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except Exception as exc:  # calamine's own errors (zip, xml, password …)
        raise _unreadable(exc, shown, suffix) from None
    try:
        chosen = _choose(book.sheet_names, wanted, shown)
        try:
            sheet = book.get_sheet_by_name(chosen)
            rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
        except Exception:
            raise unusable("bladet kan inte läsas: det är inte byggt som ett kalkylblad ska "
                           "vara", shown, chosen) from None
    finally:
        book.close()
    check_cells(rows, shown, chosen)
    return WorkbookRead(chosen, rows, merged, formulas)


def _choose(names: Iterable[str], wanted: str, shown: str) -> str:
    sheets = list(names)
    if not sheets:
        raise unusable("arbetsboken har inga blad", shown)
    key = name_key(wanted)
    return next((n for n in sheets if name_key(n) == key), sheets[0])




def _unreadable(exc: BaseException | str, shown: str, suffix: str) -> InputError:
    name = exc if isinstance(exc, str) else type(exc).__name__
    if name == "PasswordError":
        return unusable(f"filen är ett lösenordsskyddat kalkylark ({suffix}); spara det utan "
                        "lösenord", shown)
    return unusable(f"filen är inget läsbart kalkylark ({suffix}): den går inte att läsa som "
                    ".xlsx, .xls eller .ods", shown)


def check_cells(rows: list[list[Any]], shown: str, sheet: str | None) -> None:
    """Refuse a sheet with a cell longer than :data:`MAX_CELL_CHARS`, or whose cells hold more
    than :data:`MAX_TEXT_CHARS` together (rows as read; the search of the XML before reading
    counted them already, this holds whatever it missed)."""
    total = 0
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if type(value) is str:
                if len(value) > MAX_CELL_CHARS:
                    where = f"kolumn {letters(c + 1)}" if sheet is not None \
                        else f"kolumn {c + 1}"
                    raise unusable(f"cellen har {format_integer(len(value))} tecken, fler än "
                                   f"de {format_integer(MAX_CELL_CHARS)} som en cell rymmer; "
                                   "registret läses inte", shown, sheet, r + 1, where)
                total += len(value)
    _check_text_total(total, shown, sheet)


# --- in a child -----------------------------------------------------------------------------------


def _read_in_child(raw: bytes, shown: str, suffix: str, wanted: str) -> WorkbookRead:
    """A workbook read by python-calamine in a child process with a memory and time cap."""

    child = Path(__file__).with_name("child.py")
    where = str(Path(python_calamine.__file__).resolve().parent.parent)  # if not on its path
    env = dict(os.environ, RUST_BACKTRACE="0")
    command = [sys.executable, "-P", str(child), str(CHILD_MEMORY_BYTES), str(CHILD_SECONDS),
               str(MAX_CELLS), str(MAX_CELL_CHARS), wanted, suffix, where,
               str(MAX_TEXT_CHARS)]
    try:
        done = subprocess.run(command, input=raw, capture_output=True, env=env,
                              timeout=CHILD_SECONDS + 10, check=False)
    except subprocess.TimeoutExpired:
        raise unusable(f"kalkylarket kunde inte läsas på {CHILD_SECONDS} sekunder; registret "
                       "läses inte", shown) from None
    except OSError as exc:
        raise unusable(f"kalkylarket kunde inte läsas: läsaren startade inte "
                       f"({_os_reason(exc)})", shown) from None
    result: Any = None
    if done.returncode == 0:
        try:
            result = pickle.loads(done.stdout)  # our own child's answer
        except Exception:
            result = None
    if not isinstance(result, tuple) or not result:
        raise _child_ended(done.returncode, done.stderr, shown)
    kind = result[0]
    if kind == "ok":
        _, chosen, rows, merged = result
        return WorkbookRead(chosen, rows, merged)
    if kind == "memory":
        raise _out_of_memory(shown, result[1] if len(result) > 1 else None)
    if kind == "unreadable":
        told = _LIMIT_TOLD.search(str(result[2]) if len(result) > 2 else "")
        if told:  # python-calamine's own limit for an .ods file, at 100 million cells
            raise unusable(f"kalkylarket sträcker sig över {format_integer(int(told.group(1)))}"
                           f" celler, fler än gränsen {format_integer(MAX_CELLS)} för ett "
                           "register; ta bort det som står längst ut och längst ner på bladen "
                           "och spara det igen", shown)
        raise _unreadable(str(result[1]), shown, suffix)
    if kind == "no-sheets":
        raise unusable("arbetsboken har inga blad", shown)
    if kind == "sheet":
        raise unusable("bladet kan inte läsas: det är inte byggt som ett kalkylblad ska vara",
                       shown, result[1])
    if kind == "extent":
        _, chosen, rows_, cols_ = result
        _check_extent(rows_, cols_, shown, chosen, declared=False)
    if kind == "text":
        _, chosen, total = result
        _check_text_total(total, shown, chosen)
    if kind == "long":
        _, chosen, row, col, length = result
        raise unusable(f"cellen har {format_integer(length)} tecken, fler än de "
                       f"{format_integer(MAX_CELL_CHARS)} som en cell rymmer; registret läses inte",
                       shown, chosen, row, f"kolumn {letters(col)}")
    raise _out_of_memory(shown)


_LIMIT_TOLD = re.compile(r"Cell limit exceeded \((\d{1,20}) cells")


def _child_ended(code: int, said: bytes, shown: str) -> InputError:
    """Why the child ended without an answer: out of memory (python-calamine aborts when an
    allocation fails; the kernel kills), out of time, or something else."""

    if code == -getattr(signal, "SIGXCPU", 24):
        return unusable(f"kalkylarket kunde inte läsas på {CHILD_SECONDS} sekunder; registret "
                        "läses inte", shown)
    if code in (-signal.SIGABRT, -getattr(signal, "SIGKILL", 9)) or b"MemoryError" in said:
        return _out_of_memory(shown)
    return unusable(f"kalkylarket kunde inte läsas: läsaren avbröts oväntat (slutkod {code}); "
                    "registret läses inte", shown)


def _out_of_memory(shown: str, sheet: str | None = None) -> InputError:
    return unusable(
        f"kalkylarket behövde mer minne än gränsen {_megabytes(CHILD_MEMORY_BYTES)} för att "
        "läsas (celler långt ut på bladet, eller ett mycket stort register); registret läses "
        "inte", shown, sheet)
