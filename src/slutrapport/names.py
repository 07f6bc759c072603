"""Names: ids made from headings, names compared as people write them, and "did you mean".

Every message that suggests the nearest name (``menade du 'text'?``, ``närmast: Vindeln``) finds
it with :func:`nearest`, so one rule decides what is near: names are compared without regard to
case, accents, underscores or spacing, whole words count above letters (``Resa`` is near
``Resor och logi``, whose first word it nearly is), and a name given with its id is matched on
both but suggested by its name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["CUTOFF", "ID_PATTERN", "UNFILLED", "Pairing", "called", "check_digit", "name_key",
           "nearest", "org_number", "pair_names", "same_name", "slug", "unfilled"]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""An id: lower-case ASCII letters, digits and underscores, starting with a letter."""

CUTOFF = 0.6
"""How alike (0–1) a name must be to be suggested: the share of letters, or of a word's
letters, the two have in common (difflib's ratio)."""


UNFILLED = "\u2026"
"""What ``new`` writes where a name or text is still to be filled in ("…")."""


def unfilled(name: str) -> bool:
    """Whether a name is not filled in yet: still ``…``, or blank.

    >>> unfilled(" … "), unfilled(""), unfilled("Umeå")
    (True, True, False)
    """
    return name.strip() in ("", UNFILLED)


def called(name: str, unnamed: str, *, quoted: bool = True) -> str:
    """A thing's name as a message gives it (in quotes unless ``quoted`` is false); ``unnamed``
    (what the thing is, said without a name) when the name is not filled in yet, so '…' never
    reads as a name.

    >>> called("Besök", "området (ännu utan rubrik)"), called("…", "området (ännu utan rubrik)")
    ("'Besök'", 'området (ännu utan rubrik)')
    """
    if unfilled(name):
        return unnamed
    return f"'{name}'" if quoted else name


def name_key(text: str) -> str:
    """A name as names are told apart: its words, in lower case (any case, any spacing).

    >>> name_key("  Alfa   AB ")
    'alfa ab'
    """
    return " ".join(str(text).split()).casefold()


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same, whatever their case or surrounding space.

    >>> same_name("Vännäs", " VÄNNÄS ")
    True
    """
    return name_key(a) == name_key(b)


@dataclass(frozen=True)
class Pairing:
    """Names written in a section's rows set against the names a list gives (:func:`pair_names`).

    ``unknown`` holds each row whose name is not on the list, with the listed name it most
    likely means (the index of a listed name no row has), or None; ``missing`` the listed names
    no row has and no unknown row is taken to mean — so a misspelt name is one finding, not an
    unknown row and a missing one.
    """

    unknown: tuple[tuple[int, int | None], ...]
    missing: tuple[int, ...]


def pair_names(written: Sequence[str], listed: Sequence[str], *,
               unfilled: str = UNFILLED) -> Pairing:
    """Rows' names (``written``) against a list of names (``listed``), both ways; a name left as
    ``unfilled`` (the new report's "…") is neither unknown nor missing — it is not filled in.

    >>> pair_names(["Region Norrbottten", "Tillväxtverket"],
    ...            ["Tillväxtverket", "Region Norrbotten", "Piteå kommun"])
    Pairing(unknown=((0, 1),), missing=(2,))
    >>> pair_names(["…"], ["Umeå"]), pair_names(["Umeå"], ["…"])
    (Pairing(unknown=(), missing=(0,)), Pairing(unknown=((0, None),), missing=()))
    """
    filled = [i for i, name in enumerate(listed) if name.strip() != unfilled]
    keys = {name_key(listed[i]) for i in filled}
    written_keys = {name_key(name) for name in written}
    free = [i for i in filled if name_key(listed[i]) not in written_keys]
    unknown: list[tuple[int, int | None]] = []
    for row, name in enumerate(written):
        if name.strip() == unfilled or name_key(name) in keys:
            continue
        close = nearest(name, [listed[i] for i in free])
        meant = next((i for i in free if listed[i] == close), None)
        if meant is not None:
            free.remove(meant)
        unknown.append((row, meant))
    taken = {meant for _, meant in unknown}
    missing = tuple(i for i in filled
                    if name_key(listed[i]) not in written_keys and i not in taken)
    return Pairing(tuple(unknown), missing)


def slug(text: str) -> str:
    """An id made from a heading: ASCII-folded snake_case.

    >>> slug("Samverkan Umeå")
    'samverkan_umea'
    """
    out = re.sub(r"[^a-z0-9]+", "_", _ascii(text).lower()).strip("_")
    if not out or not out[0].isalpha():
        out = "avsnitt_" + out if out else "avsnitt"
    return out[:40].rstrip("_")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _folded(text: str) -> str:
    """A name as it is compared: lower case, no accents, words split at spaces, ``_`` and ``-``.

    >>> _folded("Resor_och  Logi"), _folded("Skellefteå")
    ('resor och logi', 'skelleftea')
    """
    return " ".join(re.sub(r"[_\-\s]+", " ", _ascii(text.casefold()) or text.casefold()).split())


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _words(given: list[str], other: list[str], cutoff: float) -> float:
    """How much of the given name stands among the other's words: each given word alike enough
    to a word of the other (``cutoff``) counts by its letters and its likeness, the rest not at
    all (so a shared ``AB`` does not make two companies alike).

    >>> round(_words(["resa"], ["resor", "och", "logi"], 0.6), 2), _words(["beta", "ab"],
    ...                                                                  ["alfa", "ab"], 0.6)
    (0.67, 0.3333333333333333)
    """
    if not given or not other:
        return 0.0
    total = 0.0
    for word in given:
        alike = max(_ratio(word, candidate) for candidate in other)
        if alike >= cutoff:
            total += alike * len(word)
    return total / sum(len(word) for word in given)


def nearest(given: str, candidates: Iterable[str | tuple[str, ...]], *,
            cutoff: float = CUTOFF) -> str | None:
    """The candidate nearest to ``given``, or None when none is near enough (``cutoff``).

    A candidate is a name, or a tuple of the ways it may be written (a name and its id) whose
    first is the one suggested. Names are compared folded (:func:`_folded`); a candidate is as
    near as its letters are alike, or as its words are (:func:`_words`), whichever is more; of
    two as near, the one whose words are more alike comes first, then the one whose letters
    are, then the first given.

    >>> nearest("Resa", ["Personal", "Resor och logi", "Externa tjänster"])
    'Resor och logi'
    >>> nearest("Skelleftå", [("Umeå", "umea"), ("Skellefteå", "skelleftea")])
    'Skellefteå'
    >>> nearest("ekonmi", ["ekonomi", "kommuner"]), nearest("Beta AB", ["Alfa AB", "Gamma AB"])
    ('ekonomi', None)
    """
    key = _folded(given)
    words = key.split()
    best: str | None = None
    best_rank = (cutoff, 0.0, 0.0)
    for candidate in candidates:
        spellings = (candidate,) if isinstance(candidate, str) else candidate
        if not spellings:
            continue
        for spelling in spellings:
            other = _folded(spelling)
            letters = _ratio(key, other)
            whole = _words(words, other.split(), cutoff)
            rank = (max(letters, whole), whole, letters)
            if rank > best_rank or (best is None and rank[0] >= cutoff):
                best, best_rank = spellings[0], rank
    return best


_ORG_NUMBER = re.compile(r"(?:16)?(\d{6})[-\u2010\u2011\u2013 ]?(\d{4})")


def org_number(text: str) -> str | None:
    """A Swedish organisation number written as ``NNNNNN-NNNN`` (the way people write it: with or
    without the hyphen, with the ``16`` prefix the tax agency adds), or None when the text is
    not ten digits. Whether its check digit is right is :func:`check_digit`'s to say.

    >>> org_number("556036-0793"), org_number("5560360793"), org_number("16556036-0793")
    ('556036-0793', '556036-0793', '556036-0793')
    >>> org_number("55603-0793") is None
    True
    """
    found = _ORG_NUMBER.fullmatch(" ".join(str(text).split()))
    return f"{found.group(1)}-{found.group(2)}" if found else None


def check_digit(number: str) -> int:
    """The check digit (Luhn's, over the first nine digits) an organisation number must end in.

    >>> check_digit("556036-0793")
    3
    """
    digits = [int(c) for c in number if c.isdigit()][:9]
    total = 0
    for i, digit in enumerate(digits):
        doubled = digit * (2 if i % 2 == 0 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return (10 - total % 10) % 10
