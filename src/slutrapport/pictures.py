"""Picture files a report places (a narrative's pictures, the title page's logos): read safely.

A picture is a file beside the data file, named relative to it (``bilder/malträd.png``). It is
read only when it is one a report can hold: never an address (nothing is fetched, by this tool
or by LibreOffice), never outside the data file's folder, at most :data:`MAX_BYTES` bytes and
:data:`MAX_PIXELS` pixels, and a PNG or a JPEG by its own first bytes (not by its name; an SVG
is named as such and refused: Word wants a PNG beside it, which nothing here makes yet). Each
way a file fails is a :class:`PictureError` with a Swedish message that names the file.

The size in pixels is read from the file's header (PNG's ``IHDR``, JPEG's ``SOF`` marker), so
a picture too large to decode is refused before anything decodes it.
"""

from __future__ import annotations

import re
import stat
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from slutrapport.fields import Loc
from slutrapport.names import nearest
from slutrapport.narrative import PictureRef, pictures
from slutrapport.paths import narratives

__all__ = ["MAX_BYTES", "MAX_PIXELS", "PictureError", "PictureFile", "Used", "describe",
           "is_address", "read_picture", "size_px", "used_pictures"]

MAX_BYTES = 20 * 1024 * 1024
"""The largest picture file a report takes (20 MB)."""
MAX_PIXELS = 50_000_000
"""The most pixels a picture may have (50 megapixels)."""

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DRIVE = re.compile(r"^[a-z]:[\\/]", re.IGNORECASE)


class PictureError(Exception):
    """A picture file the report can't use; the message is Swedish and names the file."""


@dataclass(frozen=True)
class PictureFile:
    """A picture read and checked: its bytes, kind and size."""

    src: str
    """The file as the data names it."""
    data: bytes
    kind: str
    """``png`` or ``jpeg``."""
    width_px: int
    height_px: int

    @property
    def content_type(self) -> str:
        """The picture's media type (``image/png``)."""
        return f"image/{self.kind}"


def is_address(src: str) -> bool:
    """Whether a picture's source is an address (``https://…``, ``data:…``), not a file.

    >>> is_address("https://example.com/a.png"), is_address("bilder/a.png"), is_address("C:/a.png")
    (True, False, False)
    """
    return (bool(_ADDRESS.match(src)) and not _DRIVE.match(src)) or src.startswith("//")


def size_px(data: bytes) -> tuple[str, int, int] | None:
    """The kind (``png``/``jpeg``) and the width and height in pixels, from the header; None
    when the bytes are not a PNG or a JPEG whose header gives its size.

    >>> size_px(b"GIF89a")
    """
    if data.startswith(_PNG):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return ("png", width, height) if width and height else None
    if data.startswith(_JPEG):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[str, int, int] | None:
    """A JPEG's size from its first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC)."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill bytes before a marker
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return ("jpeg", width, height) if width and height else None
        if marker == 0xDA or length < 2:  # image data before any frame header
            return None
        i += 2 + length
    return None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + "\u00a0MB"


_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".svg"})
"""The files a missing picture's name is compared with."""


def _nearby(path: Path, where: Path) -> str:
    """Where a missing picture was looked for, and the file beside it whose name is nearest
    (a picture saved as ``träff.png`` and written ``trff.png``)."""
    if not where.is_dir():
        folder = _near_entry(where.parent, where.name, dirs=True)
        close = _near_entry(where.parent / folder, path.name) if folder else None
        if folder is None or close is None:
            return f" (mappen {where} finns inte)"
        return (f" (mappen {where} finns inte; menade du "
                f"{(path.parent.parent / folder / close).as_posix()}?)")
    close = _near_entry(where, path.name)
    if close is None:
        return f" (sökt i {where})"
    return f" (sökt i {where}; menade du {(path.parent / close).as_posix()}?)"


def _near_entry(folder: Path, name: str, *, dirs: bool = False) -> str | None:
    """The picture file (or the folder, ``dirs``) in ``folder`` whose name is nearest to
    ``name``, if one is near enough. Files are compared by their names without the suffix, and
    more strictly than other names: '.png' in common, or a short word alike by chance
    ('saknas' and 'logo-vannas'), is no likeness of two pictures."""
    try:
        names = sorted(entry.name for entry in folder.iterdir()
                       if (entry.is_dir() if dirs else
                           entry.suffix.lower() in _SUFFIXES and entry.is_file()))
    except OSError:
        return None
    if dirs:
        return nearest(name, names)
    stem = nearest(Path(name).stem, [Path(n).stem for n in names], cutoff=_FILE_CUTOFF)
    return None if stem is None else next(n for n in names if Path(n).stem == stem)


_FILE_CUTOFF = 0.75
"""How alike a picture file's name (without its suffix) must be to be suggested: a letter
left out or changed ('trff' for 'traff', 'kart' for 'karta') is near enough."""


def read_picture(src: str, base: Path) -> PictureFile:
    """The picture ``src`` names, relative to the folder ``base`` (the data file's), read and
    checked; :class:`PictureError` (Swedish, naming the file) when it can't be used."""
    if not src.strip():
        raise PictureError("bilden saknar fil: skriv filens namn inom parentesen, "
                           "t.ex. ![Alternativtext](bilder/karta.png)")
    if is_address(src):
        raise PictureError(f"bilden {src} är en webbadress; en bild ska vara en fil bredvid "
                           "datafilen (verktyget hämtar ingenting från nätet)")
    path = Path(src)
    if path.is_absolute() or _DRIVE.match(src):
        raise PictureError(f"bilden {src} anges med en absolut sökväg; ange den relativt "
                           "datafilens mapp, t.ex. bilder/karta.png")
    folder = base.resolve()
    full = (base / path).resolve()
    if not full.is_relative_to(folder):
        raise PictureError(f"bilden {src} ligger utanför datafilens mapp {base}")
    try:
        if full.is_dir():
            raise PictureError(f"bilden {src} är en mapp, inte en bildfil")
        status = full.stat()
        if not stat.S_ISREG(status.st_mode):  # a pipe or a device would never end
            raise PictureError(f"bilden {src} är ingen vanlig fil")
        size = status.st_size
        if size > MAX_BYTES:
            raise PictureError(f"bilden {src} är för stor ({_mb(size)}); en bild får vara "
                               f"högst {_mb(MAX_BYTES)}")
        with full.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PictureError(f"bilden {src} finns inte{_nearby(path, full.parent)}") from None
    except PermissionError:
        raise PictureError(f"bilden {src} kan inte läsas: behörighet saknas") from None
    except OSError as exc:
        raise PictureError(f"bilden {src} kan inte läsas (fel {exc.errno or 0} från "
                           "operativsystemet)") from None
    if len(data) > MAX_BYTES:  # it grew since it was measured
        raise PictureError(f"bilden {src} är för stor; en bild får vara högst {_mb(MAX_BYTES)}")
    found = size_px(data)
    if found is None and _looks_like_svg(data):
        raise PictureError(f"bilden {src} är en SVG-bild, som inte stöds än; spara den som PNG "
                           "(i bildens eget program eller med Exportera i LibreOffice Draw)")
    if found is None:
        raise PictureError(f"bilden {src} är ingen PNG- eller JPEG-bild")
    kind, width, height = found
    if width * height > MAX_PIXELS:
        raise PictureError(
            f"bilden {src} har för många bildpunkter ({width} × {height}, "
            f"{_megapixels(width * height)}); en bild får ha högst "
            f"{_megapixels(MAX_PIXELS)}")
    return PictureFile(src, data, kind, width, height)


def _looks_like_svg(data: bytes) -> bool:
    """Whether the bytes begin like an SVG file (an ``<svg`` element in its first kilobyte).

    >>> _looks_like_svg(b'<?xml version="1.0"?> <svg xmlns="http://www.w3.org/2000/svg">')
    True
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in head


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".replace(".", ",").replace(",0", "") + "\u00a0megapixel"


def describe(picture: PictureFile) -> str:
    """The picture in a few words, for the list of pictures ``check`` uses.

    >>> describe(PictureFile("a.png", b"", "png", 1200, 800))
    'a.png (PNG, 1200 × 800 bildpunkter)'
    """
    return (f"{picture.src} ({picture.kind.upper()}, {picture.width_px} × {picture.height_px} "
            "bildpunkter)")


@dataclass(frozen=True)
class Used:
    """A picture a report uses, where it stands, and the file read (or why it can't be)."""

    loc: Loc
    """Where the data names it (the narrative text, or the logo's field)."""
    src: str
    alt: str
    ref: PictureRef | None
    """The narrative's picture (None for a logo)."""
    file: PictureFile | None
    error: str | None


def used_pictures(report: BaseModel, base: Path,
                  more: Iterable[tuple[Loc, str, str]] = ()) -> list[Used]:
    """Every picture of the report's narrative texts, then ``more`` (place, file, alt text:
    the title page's logos), each read relative to ``base``; a file named twice is read once."""
    read: dict[str, PictureFile | str] = {}

    def one(src: str) -> PictureFile | str:
        if src not in read:
            try:
                read[src] = read_picture(src, base)
            except PictureError as exc:
                read[src] = str(exc)
        return read[src]

    out: list[Used] = []
    for loc, _, text, _ in narratives(report):
        for ref in pictures(text):
            got = one(ref.src)
            out.append(Used(loc, ref.src, ref.alt, ref, *_split(got)))
    for loc, src, alt in more:
        out.append(Used(loc, src, alt, None, *_split(one(src))))
    return out


def _split(got: PictureFile | str) -> tuple[PictureFile | None, str | None]:
    return (None, got) if isinstance(got, str) else (got, None)
