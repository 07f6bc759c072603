"""The template context: the report's data as a template sees it, every figure ready to print.

The context mirrors the model — the same Swedish names and nesting — with four differences (see
``docs/mallvariabler.md`` for every variable):

- every section is there twice: in the list ``avsnitt`` (to loop over the outline) and by its id
  (``ekonomi.kostnader``), so a template can put a chosen section at a fixed place;

- a figure the report leaves out is filled in with the computed one (``ekonomi.under_budget``,
  ``…effekt.summa``, ``…deltagare.man``), so a template never sums or computes;
- narrative (Markdown) fields are :class:`Narrative` objects: ``{{p x }}`` places their paragraphs,
  ``{{r x.rader() }}`` their runs inside a paragraph, ``{{ x.ren }}`` their plain text;
- a few derived values that read better than template logic (``ekonomi.budget_riktning``,
  ``kostnader[i].markering``, ``programsteg.punkt``);
- captions as Word fields: each section's captioned tables in ``tabeller.<namn>`` and its charts
  in ``diagram.<namn>``, each with ``bildtext`` (plain text, numbered in the report's order),
  ``bildtext_falt`` (the caption as runs, ``Tabell {SEQ Tabell}: …``, for ``{{r … }}``),
  ``nummer_falt`` (only ``Tabell {SEQ Tabell}``) and ``namn``, the name a text refers to it by
  (``[](ref:tabell.ekonomi.kostnader)``); and ``sida.liggande`` / ``sida.staende``, paragraphs
  that put what lies between them on a landscape page (``{{p sida.liggande }}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from pydantic import BaseModel

from slutrapport import fields_word
from slutrapport.kinds import Section
from slutrapport.narrative import (
    LIST_NUMBERING,
    Narrative,
    markdown_fields,
    protect_braces,
    text_mark,
)
from slutrapport.paths import Loc, split_path, walk

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport

__all__ = ["LIST_NUMBERING", "Narrative", "build_context", "caption", "computed",
           "narrative_texts", "protect_braces", "resolve_path", "resolving"]

LinkId = Callable[[str], str]


def _plain(model: BaseModel, link_id: LinkId | None, path: str = "") -> dict[str, Any]:
    narrative = markdown_fields(type(model))
    return {name: _value(getattr(model, name), name in narrative, link_id,
                         f"{path}.{name}" if path else name)
            for name in type(model).model_fields}


def _value(value: Any, md: bool, link_id: LinkId | None, path: str) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value, link_id, path)
    if isinstance(value, list):
        return [_value(v, md, link_id, _item_path(path, v, i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _value(v, md, link_id, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, str) and md:
        return Narrative(value, link_id, text_mark(path, value))
    return value


def _item_path(path: str, item: Any, index: int) -> str:
    """An item's place: a section by its id (``avsnitt.kommuner``), others by their index."""
    return f"{path}.{item.name}" if isinstance(item, Section) else f"{path}[{index}]"


def narrative_texts(report: Slutrapport) -> Iterator[tuple[Loc, str, str]]:
    """Every narrative text of the report that the context prints with a mark (its
    :attr:`Narrative.mark`): its place in the data, its place as the mark names it
    (``avsnitt.kommuner.kommuner[2].text``) and the text."""

    def walk(value: Any, md: bool, loc: Loc, path: str) -> Iterator[tuple[Loc, str, str]]:
        if isinstance(value, BaseModel):
            narrative = markdown_fields(type(value))
            for name in type(value).model_fields:
                yield from walk(getattr(value, name), name in narrative, (*loc, name),
                                f"{path}.{name}" if path else name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, md, (*loc, i), _item_path(path, item, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, md, (*loc, key), f"{path}.{key}")
        elif isinstance(value, str) and md:
            yield loc, path, value

    yield from walk(report, False, (), "")


def build_context(
    report: Slutrapport, *, link_id: LinkId | None = None,
    charts: dict[str, dict[str, Any]] | None = None, extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context of a report (see the module docstring).

    ``charts`` gives each section's drawn charts by section id and chart name; a chart the
    section's kind can draw but that isn't given is None.
    """
    ctx = _plain(report, link_id)
    tables = 0
    for section, out in zip(report.avsnitt, ctx["avsnitt"], strict=True):
        made: dict[str, dict[str, Any]] = {}
        for name, title in section.tables().items():
            tables += 1
            made[name] = caption(fields_word.TABLE_LABEL, tables, title,
                                 section.reference("tabell", name))
        out["tabeller"] = {name: made.get(name) for name in section.TABELLER}
        section.context(out, link_id)
        drawn = (charts or {}).get(section.name, {})
        out["diagram"] = {name: _chart(drawn.get(name), section.reference("diagram", name))
                          for name in section.DIAGRAM}
        ctx[section.name] = out
    ctx["sida"] = {"liggande": Markup(fields_word.LANDSCAPE_START),
                   "staende": Markup(fields_word.LANDSCAPE_END)}
    if extra:
        ctx.update(extra)
    return ctx


def caption(label: str, number: int, title: str, ref: str) -> dict[str, Any]:
    """A table's or chart's caption as a template sees it (see the module docstring)."""
    return {
        "namn": ref,
        "bildtext": f"{label} {number}: {title}" if title else f"{label} {number}",
        "bildtext_falt": Markup(protect_braces(fields_word.caption_xml(label, number, title,
                                                                       ref))),
        "nummer_falt": Markup(protect_braces(fields_word.number_xml(label, number, ref))),
    }


_NUMBERED = re.compile(r"(\S+) (\d+): (.*)", re.DOTALL)


def _chart(chart: dict[str, Any] | None, ref: str) -> dict[str, Any] | None:
    """A drawn chart with its caption as fields too (its ``bildtext`` reads 'Diagram 3: …')."""
    if chart is None:
        return None
    found = _NUMBERED.fullmatch(str(chart.get("bildtext", "")))
    label, number, title = ((found.group(1), int(found.group(2)), found.group(3)) if found
                            else (fields_word.CHART_LABEL, 0, str(chart.get("bildtext", ""))))
    return {**chart, **{k: v for k, v in caption(label, number, title, ref).items()
                        if k != "bildtext"}}


# --- figures by their path (``tal:ekonomi.kostnader[2].belopp``) ------------------------------

_COMPUTED: ContextVar[dict[int, tuple[Any, dict[str, Any]]] | None] = ContextVar(
    "_COMPUTED", default=None)


@contextmanager
def resolving() -> Iterator[None]:
    """While the block runs, each report's computed context is built once for all the paths
    resolved in it (a check run resolves many, and the reports do not change meanwhile)."""
    token = _COMPUTED.set({})
    try:
        yield
    finally:
        _COMPUTED.reset(token)


def computed(report: Slutrapport) -> dict[str, Any]:
    """The report as the template sees it, computed figures filled in (built once per report
    in a :func:`resolving` block, else each time)."""
    cache = _COMPUTED.get()
    if cache is None:
        return build_context(report)
    hit = cache.get(id(report))
    if hit is not None and hit[0] is report:
        return hit[1]
    context = build_context(report)
    cache[id(report)] = (report, context)  # the report kept: its id is not reused meanwhile
    return context


def resolve_path(report: Slutrapport, path: str, owner: BaseModel | None = None,
                 owner_loc: Loc | None = None) -> tuple[Any, bool]:
    """The value at a dotted path (``ekonomi.kostnader[2].belopp``), relative to owner first.

    The first part may name a section by its id. A figure the data leaves out but the report
    shows computed (a sum, a company's increase, the men among the participants, the number of
    companies) resolves to the computed value, as the template prints it. Returns
    (value, found).
    """
    parts = split_path(path)
    if parts is None:
        return None, False
    starts: list[tuple[Any, list[str | int]]] = []
    if owner is not None:
        starts.append((owner, parts))
    section = report.section(parts[0]) if isinstance(parts[0], str) else None
    if section is not None:
        starts.append((section, parts[1:]))
    starts.append((report, parts))
    for start, rest in starts:
        value, ok = walk(start, rest)
        if ok and value is not None:
            return value, True
    # Left out in the data: what the template shows is the computed figure.
    context = computed(report)
    paths = ([[*owner_loc, *parts]] if owner_loc is not None else []) + [parts]
    for candidate in paths:
        value, ok = walk(context, candidate)
        if ok:
            return value, True
    for start, rest in starts:
        value, ok = walk(start, rest)
        if ok:
            return value, True
    return None, False
