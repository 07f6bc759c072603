"""A rendered table's layout: column widths fitted to its content, and a short table kept whole.

A template gives each table fixed column widths before it knows the text; with the text in,
:func:`fit_columns` sets the widths as a typesetter would: no column narrower than its longest
word (a word never breaks inside; a figure, its no-break spaces and unit included, is one word),
each column as wide as its longest line where the table has room, and the room left shared by
the columns whose text wraps. The table's total width stays what the template gave (so a wide
table on a landscape page stays wide). A table whose longest words do not fit anyway, one with
merged cells or a picture, and one without a fixed layout is left as it is.

:func:`keep_short_tables` keeps a table of up to :data:`SHORT_TABLE_ROWS` rows on one page.

Widths are estimated from the characters' advance widths in Arial/Liberation Sans (the default
template's typeface, metric-compatible with each other), bold a tenth wider.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

__all__ = ["SHORT_TABLE_ROWS", "fit_columns", "keep_short_tables", "text_width_twips"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DRAWING = f"{_W}drawing"
_P, _T, _B, _VAL = f"{_W}p", f"{_W}t", f"{_W}b", f"{_W}val"
_STYLE = f"{_W}pPr/{_W}pStyle"

# Advance widths in thousandths of an em (Arial / Liberation Sans).
_WIDTHS: dict[str, int] = {
    **dict.fromkeys("0123456789", 556),
    **dict.fromkeys("abdeghnopquåäöü", 556), **dict.fromkeys("ckvxyzs", 500),
    **dict.fromkeys("fjt", 278), "i": 222, "j": 222, "l": 222, "m": 833, "r": 333, "w": 722,
    **dict.fromkeys("ABEKPSVXYÅÄ", 667), **dict.fromkeys("CDHNRUÜ", 722),
    **dict.fromkeys("GOQÖ", 778), "F": 611, "T": 611, "Z": 611, "I": 278, "J": 500, "L": 556,
    "M": 833, "W": 944,
    " ": 278, "\u00a0": 278, "\u202f": 278, ",": 278, ".": 278, ":": 278, ";": 278, "/": 278,
    "-": 333, "(": 333, ")": 333, "–": 556, "−": 584, "%": 889, "*": 389, "+": 584,
}
_DEFAULT = 600
_SIZE_PT = 9.5  # the default template's table text
_PAD_TWIPS = 2 * 108 + 60  # the cell's left and right margins (0,19 cm each) and some air


def text_width_twips(text: str, bold: bool = False, size_pt: float = _SIZE_PT) -> int:
    """The estimated width of a text in twentieths of a point.

    >>> text_width_twips("heltidstjänster")
    1172
    """
    return _twips(_units(text), bold, size_pt)


def _units(text: str) -> int:
    """A text's advance width in thousandths of an em."""
    return sum(map(_WIDTHS.get, text, repeat(_DEFAULT)))


def _twips(units: int, bold: bool, size_pt: float = _SIZE_PT) -> int:
    return round(units / 1000 * size_pt * 20 * (1.1 if bold else 1.0))


def _cell_words(tc: Any) -> tuple[int, int]:
    """A cell's longest word and longest line (paragraph), in twips, padding included."""
    word = line = 0
    for p in tc.iter(_P):
        style = p.find(_STYLE)
        bold = style is not None and "rubrik" in (style.get(_VAL) or "").lower()
        text = ""
        for el in p.iter(_T, _B):
            if el.tag == _B:
                if el.get(_VAL) not in ("0", "false"):
                    bold = True
            else:
                text += el.text or ""
        # a no-break space joins: a figure and its unit; the line is its words and spaces
        pieces = [_units(piece) for piece in text.split(" ")]
        line = max(line, _twips(sum(pieces) + _WIDTHS[" "] * (len(pieces) - 1), bold))
        word = max(word, _twips(max(pieces), bold))
    return word + _PAD_TWIPS, line + _PAD_TWIPS


def fit_columns(root: Any) -> None:
    """Fit the columns of every fixed-layout table under ``root`` (see the module doc)."""
    for table in root.iter(f"{_W}tbl"):
        _fit(table)


def _fit(table: Any) -> None:
    layout = table.find(f"{_W}tblPr/{_W}tblLayout")
    grid = table.find(f"{_W}tblGrid")
    if layout is None or layout.get(f"{_W}type") != "fixed" or grid is None:
        return
    if next(table.iter(f"{_W}gridSpan", f"{_W}vMerge", f"{_W}hMerge", _DRAWING), None) \
            is not None or any(inner is not table for inner in table.iter(f"{_W}tbl")):
        return
    cols = grid.findall(f"{_W}gridCol")
    try:
        old = [int(c.get(f"{_W}w")) for c in cols]
    except (TypeError, ValueError):
        return
    n = len(cols)
    least = [0] * n
    most = [0] * n
    rows = table.findall(f"{_W}tr")
    for tr in rows:
        cells = tr.findall(f"{_W}tc")
        if len(cells) != n:
            return
        for j, tc in enumerate(cells):
            word, line = _cell_words(tc)
            least[j] = max(least[j], word)
            most[j] = max(most[j], line)
    total = sum(old)
    if sum(least) > total or all(o >= m for o, m in zip(old, most, strict=True)):
        return  # the longest words don't fit anyway, or every line fits as the template has it
    if sum(most) <= total:  # every line fits: the room left goes as the template shared it
        widths = [m + (total - sum(most)) * o // total for m, o in zip(most, old, strict=True)]
    else:  # the columns that wrap share what is left after each column's longest word
        stretch = [m - w for m, w in zip(most, least, strict=True)]
        widths = [w + (total - sum(least)) * s // sum(stretch)
                  for w, s in zip(least, stretch, strict=True)]
    widths[-1] += total - sum(widths)  # rounding
    if widths == old:
        return
    for col, w in zip(cols, widths, strict=True):
        col.set(f"{_W}w", str(w))
    for tr in rows:
        for tc, w in zip(tr.findall(f"{_W}tc"), widths, strict=True):
            tcw = tc.find(f"{_W}tcPr/{_W}tcW")
            if tcw is not None:
                tcw.set(f"{_W}w", str(w))
                tcw.set(f"{_W}type", "dxa")


SHORT_TABLE_ROWS = 15
"""A table of at most this many rows is kept on one page."""


def keep_short_tables(root: Any, rows: int = SHORT_TABLE_ROWS) -> None:
    """Keep every table of at most ``rows`` rows on one page: each paragraph of its rows but
    the last keeps with the next (Word's way; LibreOffice reads it as a table that does not
    split). A table inside another is left to its outer table."""
    for table in root.iter(f"{_W}tbl"):
        if any(inner is not table for inner in table.iter(f"{_W}tbl")):
            continue
        trs = table.findall(f"{_W}tr")
        if len(trs) > rows:
            continue
        for tr in trs[:-1]:
            for p in tr.iter(f"{_W}p"):
                _keep_next(p)


_BEFORE_KEEP_NEXT = (f"{_W}pStyle",)


def _keep_next(p: Any) -> None:
    """Add ``w:keepNext`` to a paragraph's properties, in its place in the schema's order."""
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        ppr = p.makeelement(f"{_W}pPr", {})
        p.insert(0, ppr)
    if ppr.find(f"{_W}keepNext") is not None:
        return
    keep = ppr.makeelement(f"{_W}keepNext", {})
    at = 0
    for i, child in enumerate(ppr):
        if child.tag in _BEFORE_KEEP_NEXT:
            at = i + 1
    ppr.insert(at, keep)
