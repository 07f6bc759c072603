"""The EU emblem, drawn here to the EU's published construction, never fetched.

The emblem is a blue rectangle of proportions 3:2 with twelve gold five-pointed stars on an
invisible circle whose centre is the rectangle's centre and whose radius is a third of its
height; each star's points lie on a circle whose radius is an eighteenth of the height; the stars
stand like the hours on a clock face, one point of each straight up. The colours are the
published ones: blue Pantone Reflex Blue (RGB 0, 51, 153), gold Pantone Yellow (RGB 255, 204, 0).

:func:`emblem_png` draws it as a PNG (the file's bytes depend only on the size asked for: no date,
no software name), with an edge smoothed by 4 × 4 samples a pixel, in pure Python (zlib), so it
needs no picture library. What stands beside it (``Medfinansieras av Europeiska unionen`` for
2021–2027; ``Europeiska unionen`` and ``Europeiska regionala utvecklingsfonden`` for 2014–2020)
is text in the document, in the document's typeface: :data:`STATEMENTS`.
"""

from __future__ import annotations

import functools
import math
import struct
import zlib

__all__ = ["BLUE", "GOLD", "STATEMENTS", "emblem_png"]

BLUE = (0, 51, 153)
"""The emblem's blue (Reflex Blue), RGB."""
GOLD = (255, 204, 0)
"""The stars' gold (Pantone Yellow), RGB."""

STATEMENTS: dict[str, tuple[str, ...]] = {
    "2021-2027": ("Medfinansieras av Europeiska unionen",),
    "2014-2020": ("Europeiska unionen", "Europeiska regionala utvecklingsfonden"),
}
"""The lines beside the emblem, by programme period: for 2021–2027 the funding statement the
rules prescribe, for 2014–2020 the Union's and the fund's names."""

_SAMPLES = 4


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    """A five-pointed star's ten corners, one point straight up (y grows downwards)."""
    inner = r * math.sin(math.radians(18)) / math.sin(math.radians(126))
    return [(cx + (r if k % 2 == 0 else inner) * math.sin(math.radians(36 * k)),
             cy - (r if k % 2 == 0 else inner) * math.cos(math.radians(36 * k)))
            for k in range(10)]


def _inside(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    """Whether the point is inside the polygon (even-odd rule)."""
    inside = False
    j = len(poly) - 1
    for i, (xi, yi) in enumerate(poly):
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


@functools.cache
def emblem_png(height_px: int = 200) -> bytes:
    """The emblem as a PNG, ``height_px`` high and 1,5 times as wide.

    >>> emblem_png(12)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    if height_px < 12:
        raise ValueError("emblem_png: höjden ska vara minst 12 bildpunkter")
    height = height_px
    width = height * 3 // 2
    rows = [bytearray(BLUE * width) for _ in range(height)]
    ring = height / 3
    r = height / 18
    # One star's coverage, drawn once around a pixel's centre and stamped at the twelve places
    # rounded to whole pixels (at most half a pixel off: the eye can't see it, the speed can).
    reach = math.ceil(r) + 1
    star = _star(0.0, 0.0, r)
    step = 1 / _SAMPLES
    mask: list[tuple[int, int, float]] = []
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            hits = sum(_inside(dx - 0.5 + (i + 0.5) * step, dy - 0.5 + (j + 0.5) * step, star)
                       for i in range(_SAMPLES) for j in range(_SAMPLES))
            if hits:
                mask.append((dx, dy, hits / _SAMPLES**2))
    cx0, cy0 = width / 2, height / 2
    for n in range(12):
        angle = math.radians(30 * n)
        sx = round(cx0 + ring * math.sin(angle) - 0.5)
        sy = round(cy0 - ring * math.cos(angle) - 0.5)
        for dx, dy, share in mask:
            px, py = sx + dx, sy + dy
            if 0 <= px < width and 0 <= py < height:
                rows[py][3 * px:3 * px + 3] = bytes(
                    round(b + (g - b) * share) for b, g in zip(BLUE, GOLD, strict=True))
    raw = b"".join(b"\x00" + bytes(row) for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    # 3 780 pixels a metre is 96 per inch: the size Word and LibreOffice assume anyway
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", 3780, 3780, 1))
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))
