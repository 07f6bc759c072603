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
  ``kostnader[i].markering``, ``programsteg.punkt``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from slutrapport import narrative
from slutrapport.models import Slutrapport, markdown_fields

__all__ = ["Narrative", "build_context", "protect_braces"]

LinkId = Callable[[str], str]


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
                                      run_props="<w:b/>" if fet else "")
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
    for section, out in zip(report.avsnitt, ctx["avsnitt"], strict=True):
        section.context(out, link_id)
        drawn = (charts or {}).get(section.name, {})
        out["diagram"] = {name: drawn.get(name) for name in section.DIAGRAM}
        ctx[section.name] = out
    if extra:
        ctx.update(extra)
    return ctx
