"""Figures in imported text: a number that is a figure of the section becomes a figure link.

The figures are the numbers the section states (counts, amounts, key figures, table cells),
with the paths figure links use: relative to the text's owner where the figure is the owner's
(``antal``, ``nyckeltal.branschrad``), else from the section's id
(``aktiviteter.omraden[1].antal``). A number in the text (Swedish: ``2 949``, ``49,7 %``)

- **equal** to one figure (rounded as the text writes it) becomes ``[2 949](tal:…)``. A number
  under 10 must also be followed by a word that names the figure (``4 branschråd`` for
  ``nyckeltal.branschrad``), since small numbers are everywhere; a number that several figures
  have is linked to the one the word names, or not at all (a note says so);
- **close** to one (both at least 50, at most 5 % apart) but different is a note: "texten säger
  260 företagsbesök, datat 259".

Years (four digits from 1900 to 2099, written without a space) are never taken for figures. A
number with ``%`` is compared only with shares (fields named ``andel…``/``…procent``, table
columns of type ``procent``), a number without only with the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel

from slutrapport.checks import resolve_path
from slutrapport.fields import Loc
from slutrapport.formatting import format_decimal
from slutrapport.models import Slutrapport
from slutrapport.numbers import figure as number
from slutrapport.numbers import round_like
from slutrapport.wordimport._markdown import Figure
from slutrapport.wordimport._reader import Note

__all__ = ["Candidate", "FigureLinker", "candidates"]

_NUMBER = re.compile(
    r"(?<![\w,.\-\u2212/:])([+\-\u2212]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?"
    r"(?:([ \u00a0\u202f]?)(%))?(?!\w)(?![.,:/\-\u2013]\d)")
_WORD = re.compile(r"[ \u00a0\u202f]*([^\W\d_]+)")
_CLOSE = Decimal("0.05")
_LEAST_CLOSE = 50
_SMALL = 10


@dataclass(frozen=True)
class Candidate:
    """A figure of the section: its value, link path, words that name it, and if a share."""

    value: Decimal
    path: str
    words: tuple[str, ...]
    share: bool


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(*texts: str) -> tuple[str, ...]:
    out: list[str] = []
    for text in texts:
        out += [w for w in re.split(r"[\W_]+", _fold(text)) if len(w) >= 3]
    return tuple(out)


def _path(parts: Loc) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def candidates(report: Slutrapport, section_index: int, owner_loc: Loc) -> list[Candidate]:
    """Every figure the section states, with its path (see the module)."""
    section = report.avsnitt[section_index]
    out: list[Candidate] = []
    base: Loc = ("avsnitt", section_index)
    relative = owner_loc[len(base):]

    def add(value: Any, here: Loc, names: tuple[str, ...], share: bool) -> None:
        figure = number(value)
        if figure is None:
            return
        inside = here[: len(relative)] == relative
        path = _path(here[len(relative):]) if inside and len(here) > len(relative) else \
            _path((section.name, *here))
        out.append(Candidate(figure, path, names, share))

    def walk(value: Any, here: Loc, names: tuple[str, ...], share: bool) -> None:
        if isinstance(value, BaseModel):
            label = tuple(str(getattr(value, k)) for k in ("rubrik", "namn", "kategori",
                                                            "finansiar")
                          if isinstance(getattr(value, k, None), str))
            kinds = None
            if value.__class__.__name__ == "Tabell":
                kinds = [k.typ for k in getattr(value, "kolumner", [])]
            for name in type(value).model_fields:
                if name in ("id", "typ"):
                    continue
                child = getattr(value, name)
                if kinds is not None and name in ("rader", "summa"):
                    _table(child, (*here, name), kinds, add, _words(*label))
                    continue
                walk(child, (*here, name), _words(*label, name) if not isinstance(
                    child, BaseModel | list) else _words(*label),
                    "andel" in name or "procent" in name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*here, i), names, share)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*here, str(key)), (*names, *_words(str(key))), share)
        else:
            add(value, here, names, share)

    walk(section, (), (), False)
    return out


def _table(rows: Any, here: Loc, kinds: list[str], add: Any, names: tuple[str, ...]) -> None:
    if not isinstance(rows, list):
        return
    nested = bool(rows) and all(isinstance(r, list) for r in rows)
    for i, row in enumerate(rows if nested else [rows]):
        label = next((str(c) for c in row if isinstance(c, str)), "")
        for j, cell in enumerate(row):
            at = (*here, i, j) if nested else (*here, j)
            add(cell, at, (*names, *_words(label)), j < len(kinds) and kinds[j] == "procent")


def _value(sign: str, whole: str, decimals: str | None) -> Decimal | None:
    digits = re.sub(r"[ \u00a0\u202f]", "", whole)
    try:
        value = Decimal(f"{digits}.{decimals}" if decimals else digits)
    except InvalidOperation:
        return None
    return -value if sign in ("-", "\u2212") else value


class FigureLinker:
    """Finds the figures of a text (see the module); notes what is close but differs."""

    def __init__(self, report: Slutrapport, section_index: int, owner: Any,
                 owner_loc: Loc) -> None:
        self.report = report
        self.owner = owner
        self.owner_loc = owner_loc
        self.candidates = candidates(report, section_index, owner_loc)
        self.notes: list[Note] = []

    def __call__(self, text: str, place: str) -> list[Figure]:
        out: list[Figure] = []
        for found in _NUMBER.finditer(text):
            sign, whole, decimals, _, percent = found.groups()
            if not decimals and not percent and len(whole) == 4 and whole.isdigit() and \
                    1900 <= int(whole) <= 2099:
                continue  # a year
            value = _value(sign, whole, decimals)
            if value is None:
                continue
            word_match = _WORD.match(text, found.end())
            word = word_match.group(1) if word_match and not percent else ""
            figure = self.figure(value, bool(percent), word, found.group(0).strip(), place)
            if figure is not None:
                out.append(Figure(found.start(), found.end(), figure))
        return out

    def figure(self, value: Decimal, share: bool, word: str, shown: str,
               place: str) -> str | None:
        pool = [c for c in self.candidates if c.share == share]
        named = [c for c in pool if word and _names(word, c.words)]
        equal = [c for c in pool if round_like(c.value, value) == value]
        if abs(value) < _SMALL:
            equal = [c for c in equal if c in named]
        paths = list(dict.fromkeys(c.path for c in equal))
        if len(paths) > 1:
            named_paths = list(dict.fromkeys(c.path for c in equal if c in named))
            paths = named_paths if named_paths else paths
        if len(paths) == 1:
            if self.resolves(paths[0], value):
                return paths[0]
            return None
        if len(paths) > 1:
            self.notes.append(Note("import-tal", place, f"Talet {shown} finns på flera ställen i "
                                   f"avsnittets data ({', '.join(paths[:4])}); det blir ingen "
                                   "tallänk. Skriv den själv: [talet](tal:sökväg)."))
            return None
        if abs(value) < _LEAST_CLOSE:
            return None
        close = [c for c in pool if abs(c.value) >= _LEAST_CLOSE and c.value != value and
                 abs(c.value - value) <= _CLOSE * abs(c.value)]
        if len(close) > 1 and named:
            close = [c for c in close if c in named] or close
        if len(close) == 1:
            c = close[0]
            said = f"{shown} {word}" if word else shown
            data = format_decimal(c.value, max_decimals=2) + (" %" if share else "")
            self.notes.append(Note("import-tal", place, f"Texten säger {said}, datat "
                                   f"{data} ({c.path}). Rätta texten eller datat; blir de lika "
                                   f"kan talet skrivas som tallänk: [{data}](tal:{c.path})."))
        return None

    def resolves(self, path: str, value: Decimal) -> bool:
        """Whether the link's path leads to the figure, as the checks will follow it."""
        found, ok = resolve_path(self.report, path, self.owner, self.owner_loc)
        figure = number(found)
        return ok and figure is not None and round_like(figure, value) == value


def _names(word: str, words: tuple[str, ...]) -> bool:
    """Whether a word of the text names a figure: 'branschråd' names 'branschrad', and
    'företagsbesök' names 'foretagsbesok' (a shared start of five letters, or the whole
    shorter word)."""
    folded = _fold(word)
    if len(folded) < 3:
        return False
    for w in words:
        n = min(len(folded), len(w), 5)
        if n >= 3 and folded[:n] == w[:n] and (n >= 5 or n == min(len(folded), len(w))):
            return True
    return False
