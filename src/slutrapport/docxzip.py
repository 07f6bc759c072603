"""A .docx (a zip) written the same way every time, so the same report gives the same bytes.

Every member gets a fixed date and mode, members stand in name order with ``[Content_Types].xml``
first, pictures are stored (they are compressed already) and the rest deflated, and the
document's created and modified dates are fixed. :func:`normalize_docx` rewrites any .docx so;
:class:`FixedZip` is the writer python-docx's package writer writes through (see
:mod:`slutrapport.seam`).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

__all__ = ["STAMP", "FixedZip", "normalize_docx", "replaced_docx", "stamp_of", "write_members",
           "zip_info"]

# The date every zip member carries, so the same input gives the same bytes.
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)
STAMP = "2000-01-01T00:00:00Z"
"""The document's created and modified date when the report gives none (``projekt.rapportdatum``
gives it otherwise: see :func:`stamp_of`)."""


def stamp_of(first_day: Any) -> str:
    """A date (the first day of the report's date) as the document's created/modified stamp.

    >>> import datetime; stamp_of(datetime.date(2022, 12, 1))
    '2022-12-01T00:00:00Z'
    """
    return f"{first_day.isoformat()}T00:00:00Z"


class FixedZip:
    """python-docx's package writer, with fixed dates and modes, members in name order
    ([Content_Types].xml first) and pictures stored as they are."""

    def __init__(self, buffer: io.BytesIO, stamp: str = STAMP) -> None:
        self._buffer = buffer
        self._stamp = stamp
        self.members: dict[str, bytes] = {}
        """The members written, by name (until :meth:`close` has written them)."""

    def write(self, pack_uri: Any, blob: bytes) -> None:
        name: str = pack_uri.membername
        self.members[name] = (_fixed_core_dates(blob, self._stamp)
                              if name == "docProps/core.xml" else blob)

    def close(self) -> None:
        write_members(self._buffer, self.members)


def zip_info(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date and mode; pictures are stored, the rest deflated."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    # pictures are compressed already: deflating them again costs time and saves nothing
    info.compress_type = (zipfile.ZIP_STORED if name.startswith("word/media/")
                          else zipfile.ZIP_DEFLATED)
    info.external_attr = 0o644 << 16
    return info


def _order(name: str) -> tuple[bool, str]:
    return (name != "[Content_Types].xml", name)


def write_members(buffer: io.BytesIO, members: dict[str, bytes]) -> None:
    """Write a package's members (dates already fixed) as a reproducible zip into ``buffer``."""
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members, key=_order):
            archive.writestr(zip_info(name), members[name])


def replaced_docx(data: bytes, replace: dict[str, bytes], stamp: str = STAMP) -> bytes:
    """The .docx with some members replaced, written as :func:`normalize_docx` writes it (the
    same bytes as replacing them in any zip and normalizing that), zipped once."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=_order):
            blob = replace[name] if name in replace else source.read(name)
            if name == "docProps/core.xml":
                blob = _fixed_core_dates(blob, stamp)
            target.writestr(zip_info(name), blob)
    return out.getvalue()


def normalize_docx(data: bytes, stamp: str = STAMP) -> bytes:
    """Rewrite a .docx with fixed timestamps (the document's dated ``stamp``) and a stable
    member order, for identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    order = sorted(names, key=_order)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            info = zip_info(name)
            blob = source.read(name)
            if name == "docProps/core.xml":
                blob = _fixed_core_dates(blob, stamp)
            target.writestr(info, blob)
    return out.getvalue()


def _fixed_core_dates(blob: bytes, stamp: str) -> bytes:
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
        rb"\g<1>" + stamp.encode("ascii") + rb"\g<2>",
        blob,
    )
