"""The outlines ``slutrapport new`` starts from: one YAML file per outline, data and not code.

Each ``<namn>.yaml`` in this folder is an outline ("disposition"). It has a line
``beskrivning: …`` (one Swedish line, shown by ``slutrapport new --help``), a line
``eu_markering: …`` (the programme period whose EU mark the title page carries) and the list
``avsnitt`` of an empty report in that outline, with comments that say what to fill in
(``# TODO: fyll i``, each of which ``slutrapport check`` lists as ``ej-ifyllt``) and what may be
left out (``# valfritt``). Lines above ``avsnitt:`` are notes for whoever edits the file and are not
copied. Adding an outline is adding a file here; :mod:`slutrapport.scaffold` puts the title-page
facts above it.

This module only reads file names and the ``beskrivning`` line, so the command line can list the
outlines in its help without importing anything heavy.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["DEFAULT", "FOLDER", "body", "description", "eu_mark", "names"]

FOLDER = Path(__file__).resolve().parent
"""Where the outline files are, in a checkout and in an installed package alike."""

DEFAULT = "2021-2027"
"""The outline new projects report under."""

_DESCRIPTION = re.compile(r"^beskrivning:[ \t]*(.+?)[ \t]*$", re.MULTILINE)
_EU_MARK = re.compile(r"^eu_markering:[ \t]*\"?([^\"\s#]+)", re.MULTILINE)
_BODY = re.compile(r"^avsnitt:", re.MULTILINE)


def names() -> list[str]:
    """The outlines' names, the default first, then the others alphabetically.

    >>> names()[0]
    '2021-2027'
    """
    found = sorted(p.stem for p in FOLDER.glob("*.yaml") if not p.name.startswith("_"))
    return sorted(found, key=lambda name: (name != DEFAULT, name))


def _text(name: str) -> str:
    if name not in names():
        raise KeyError(name)
    return (FOLDER / f"{name}.yaml").read_text(encoding="utf-8")


def description(name: str) -> str:
    """The outline's one Swedish line (its ``beskrivning``); KeyError for an unknown name."""
    found = _DESCRIPTION.search(_text(name))
    return found.group(1) if found else ""


def eu_mark(name: str) -> str:
    """The EU mark of the outline's programme period (its ``eu_markering`` line: ``2014-2020``
    or ``2021-2027``), ``ingen`` if it names none; KeyError for an unknown name.

    >>> eu_mark("nis"), eu_mark("2021-2027")
    ('2014-2020', '2021-2027')
    """
    found = _EU_MARK.search(_text(name))
    return found.group(1) if found else "ingen"


def body(name: str) -> str:
    """The outline's text from ``avsnitt:`` to the end; KeyError for an unknown name."""
    text = _text(name)
    found = _BODY.search(text)
    if found is None:
        raise ValueError(f"dispositionen {name} saknar 'avsnitt:'")
    return text[found.start():]
