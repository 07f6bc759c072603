"""Places in a report's data: as tuples (``Loc``), as the user writes them, and as ``tal:`` links.

A place is a tuple of keys and list indices from the root, ``("ekonomi", "kostnader", 2)``; the
user writes it ``ekonomi.kostnader[2]`` (:func:`format_loc`), and so does a figure link in a text,
``[2 949](tal:horisontella_kriterier.deltagare.totalt)`` (:func:`split_path` reads it back). The
narrative texts of a model are found by :func:`narratives`, and :func:`linked` tells which of a
section's figures its own texts already show through figure links.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from slutrapport.narrative import figure_links, markdown_fields

__all__ = ["Loc", "at", "first_found", "format_loc", "line_at", "linked", "narratives",
           "split_path", "walk"]

Loc = tuple[str | int, ...]
"""A place in the data: keys and list indices from the root."""


def format_loc(loc: Loc) -> str:
    """A path in the data as the user writes it.

    >>> format_loc(("ekonomi", "kostnader", 2, "belopp"))
    'ekonomi.kostnader[2].belopp'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


TEXT_START = "|"
"""In a map of lines (see :func:`line_at`), the key after a text's place under which the line of
its first line stands, for a text written as a literal block (``text: |``), whose lines are the
file's lines one for one (no field is named so: the place of a text has no fields)."""


def line_at(lines: Mapping[Loc, int], loc: Loc) -> int | None:
    """The line (in ``lines``, a place's line in its file) of a place, or of its nearest
    ancestor that has one; None if none has.

    >>> line_at({("ekonomi",): 12}, ("ekonomi", "kostnader", 2)), line_at({}, ("x",))
    (12, None)
    """
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


_PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def split_path(path: str) -> list[str | int] | None:
    """``ekonomi.kostnader[2].belopp`` as its parts; None if it is no path.

    >>> split_path("ekonomi.kostnader[2].belopp"), split_path("12 kr")
    (['ekonomi', 'kostnader', 2, 'belopp'], None)
    """
    spaced = path.replace(".", " ").replace(" [", "[")
    parts: list[str | int] = [m.group(1) if m.group(1) is not None else int(m.group(2))
                              for m in _PATH_PART.finditer(spaced)]
    if not parts or "".join(str(p) for p in parts) != re.sub(r"[.\[\]]", "", path):
        return None
    return parts


def walk(value: Any, parts: Sequence[str | int]) -> tuple[Any, bool]:
    """Follow parts through models, lists and mappings; (value, found)."""
    for part in parts:
        if isinstance(part, int):
            if isinstance(value, list) and 0 <= part < len(value):
                value = value[part]
            else:
                return None, False
        elif isinstance(value, BaseModel) and part in type(value).model_fields:
            value = getattr(value, part)
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None, False
    return value, True


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's field names (pydantic's ``model_fields`` is slow to ask on a class)."""
    return tuple(model.model_fields)


@functools.cache
def _may_hold_text(model: type[BaseModel]) -> bool:
    """Whether a model, or one it nests, has a narrative field (a company row has none)."""
    return bool(markdown_fields(model)) or any(
        _may_hold_text(nested) for name in _fields(model)
        for nested in _models_in(model.model_fields[name].annotation) if nested is not model)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def narratives(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, BaseModel, str, Loc]]:
    """Every narrative text under model: its place, the model that owns it, the text, and the
    owner's place (from which a figure link in the text is read first)."""
    if not _may_hold_text(type(model)):
        return
    md = markdown_fields(type(model))
    for name in _fields(type(model)):
        value = getattr(model, name)
        if isinstance(value, str) and name in md:
            yield (*loc, name), model, value, loc
        elif isinstance(value, BaseModel):
            yield from narratives(value, (*loc, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from narratives(item, (*loc, name, i))
                elif isinstance(item, str) and name in md:
                    yield (*loc, name, i), model, item, loc


def at(root: Any, loc: Loc) -> Any:
    """The value at a place that is known to be there (models, lists and mappings)."""
    value = root
    for part in loc:
        value = value[part] if isinstance(part, int) or isinstance(value, dict) \
            else getattr(value, part)
    return value


def first_found(root: Any, starts: list[tuple[Loc, list[str | int]]]) -> Loc | None:
    """The first place, of the starts tried in order, that a path reaches: one holding a value
    before one left empty."""
    found: Loc | None = None
    for start, rest in starts:
        value, ok = walk(at(root, start), rest)
        if ok and value is not None:
            return (*start, *rest)
        if ok and found is None:
            found = (*start, *rest)
    return found


def linked(section: BaseModel) -> set[Loc]:
    """The figures of a section that a figure link in the section's own texts shows.

    Places are relative to the section (a link may also start with the section's id). A kind's
    ``context`` uses this to let the default template print a stated figure only where the text
    does not already show it.
    """
    name = getattr(section, "id", None)
    found: set[Loc] = set()
    for _, _, text, owner in narratives(section):
        for _, path in figure_links(text):
            parts = split_path(path)
            if parts is None:
                continue
            starts: list[tuple[Loc, list[str | int]]] = [(owner, parts)]
            if name is not None and parts[0] == name:
                starts.append(((), parts[1:]))
            target = first_found(section, starts)
            if target is not None:
                found.add(target)
    return found
