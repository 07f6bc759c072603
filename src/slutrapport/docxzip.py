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

__all__ = ["STAMP", "FixedZip", "normalize_docx", "stamp_of", "zip_info"]

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
        self._members: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        name: str = pack_uri.membername
        self._members[name] = (_fixed_core_dates(blob, self._stamp)
                               if name == "docProps/core.xml" else blob)

    def close(self) -> None:
        with zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(self._members, key=lambda n: (n != "[Content_Types].xml", n)):
                archive.writestr(zip_info(name), self._members[name])


def zip_info(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date and mode; pictures are stored, the rest deflated."""
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    # pictures are compressed already: deflating them again costs time and saves nothing
    info.compress_type = (zipfile.ZIP_STORED if name.startswith("word/media/")
                          else zipfile.ZIP_DEFLATED)
    info.external_attr = 0o644 << 16
    return info


def normalize_docx(data: bytes, stamp: str = STAMP) -> bytes:
    """Rewrite a .docx with fixed timestamps (the document's dated ``stamp``) and a stable
    member order, for identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
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
