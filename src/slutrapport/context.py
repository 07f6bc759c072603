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
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from slutrapport import fields_word, narrative
from slutrapport.models import Slutrapport, markdown_fields

__all__ = ["LIST_NUMBERING", "Narrative", "build_context", "caption", "protect_braces"]

LinkId = Callable[[str], str]

LIST_NUMBERING: ContextVar[Callable[[str, int], str | None] | None] = ContextVar(
    "LIST_NUMBERING", default=None)
"""While a document is rendered: what gives each numbered list of a narrative text its own
numbering (:class:`slutrapport.fields_word.ListNumbering`), so that every list starts at its
first item's number (1, unless the text wrote ``3.``)."""


def protect_braces(xml: str) -> str:
    """Keep docxtpl from turning ``{_{`` in the text into ``{{`` after rendering.

    docxtpl replaces ``{_{``, ``}_}``, ``{_%`` and ``%_}`` in its output; a character reference for
    the underscore keeps such text as written.

    >>> protect_braces("{_{ x }_}")
    '{&#95;{ x }&#95;}'
    """
    return xml.replace("{_", "{&#95;").replace("_}", "&#95;}")


class Narrative:
    """A narrative text for a template: ``{{p x }}`` prints it as Word paragraphs."""

    __slots__ = ("_link_id", "text")

    def __init__(self, text: str, link_id: LinkId | None = None) -> None:
        self.text = text
        self._link_id = link_id

    def __html__(self) -> str:
        return self.stycken()

    def stycken(self, stil: str | None = None, fet: bool = False) -> Markup:
        """The text as paragraphs; ``stil`` names the paragraph style of plain paragraphs."""
        xml = narrative.to_paragraphs(self.text, link_id=self._link_id, paragraph_style=stil,
                                      run_props="<w:b/>" if fet else "",
                                      numbering=LIST_NUMBERING.get())
        return Markup(protect_braces(xml))

    def rader(self, fet: bool = False) -> Markup:
        """The text as runs, for ``{{r x.rader() }}`` inside a paragraph of the template."""
        xml = narrative.to_runs(self.text, link_id=self._link_id,
                                run_props="<w:b/>" if fet else "")
        return Markup(protect_braces(xml))

    @property
    def ren(self) -> str:
        """What a reader sees, without Markdown syntax."""
        return narrative.plain_text(self.text)

    def __bool__(self) -> bool:
        # True when the text prints anything: str.strip() would call a text of only U+0085
        # (which Markdown keeps) empty, and a footnote holding it would be dropped.
        return bool(narrative.to_paragraphs(self.text))

    def __str__(self) -> str:
        return self.ren

    def __repr__(self) -> str:
        return f"Narrative({self.text!r})"


def _plain(model: BaseModel, link_id: LinkId | None) -> dict[str, Any]:
    narrative = markdown_fields(type(model))
    return {name: _value(getattr(model, name), name in narrative, link_id)
            for name in type(model).model_fields}


def _value(value: Any, md: bool, link_id: LinkId | None) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value, link_id)
    if isinstance(value, list):
        return [_value(v, md, link_id) for v in value]
    if isinstance(value, dict):
        return {k: _value(v, md, link_id) for k, v in value.items()}
    if isinstance(value, str) and md:
        return Narrative(value, link_id)
    return value


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
