"""The template context: the report's data as a template sees it, every figure ready to print.

The context mirrors the model — the same Swedish names and nesting (``ekonomi.kostnader``) — with
three differences (see ``docs/mallvariabler.md`` for every variable):

- a figure the report leaves out is filled in with the computed one (``ekonomi.under_budget``,
  ``…effekt.summa``, ``…deltagare.man``), so a template never sums or computes;
- narrative (Markdown) fields are :class:`Narrative` objects: ``{{p x }}`` places their paragraphs,
  ``{{r x.rader() }}`` their runs inside a paragraph, ``{{ x.ren }}`` their plain text;
- a few derived values that read better than template logic (``ekonomi.budget_riktning``,
  ``kostnader[i].markering``, ``programsteg.punkt``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
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


def _pct(part: Decimal | int, whole: Decimal | int) -> Decimal:
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def build_context(
    report: Slutrapport, *, link_id: LinkId | None = None, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The template context of a report (see the module docstring)."""
    ctx = _plain(report, link_id)
    _participants(report, ctx)
    _programme(report, ctx, link_id)
    _municipalities(ctx)
    _economy(report, ctx, link_id)
    _indicators(ctx)
    if extra:
        ctx.update(extra)
    return ctx


def _participants(report: Slutrapport, ctx: dict[str, Any]) -> None:
    h = report.horisontella_kriterier
    if h is None or h.deltagare is None:
        return
    d = h.deltagare
    out = ctx["horisontella_kriterier"]["deltagare"]
    out["man"] = d.man_beraknat
    out["totalt"] = d.totalt_beraknat
    for key, count in (("andel_kvinnor", d.kvinnor), ("andel_man", d.man_beraknat)):
        if out[key] is None:
            out[key] = _pct(count, d.totalt_beraknat) if d.totalt_beraknat else Decimal(0)


def _programme(report: Slutrapport, ctx: dict[str, Any], link_id: LinkId | None) -> None:
    p = report.program_for_tillvaxt
    if p is None:
        return
    out = ctx["program_for_tillvaxt"]
    for w, wout in zip(p.workshops.lista, out["workshops"]["lista"], strict=True):
        if w.text is not None:
            line = w.text
        else:
            who = narrative.escape(w.forelasare)
            if w.organisation:
                who += f", {narrative.escape(w.organisation)}"
            line = f"{who}: {narrative.escape(w.amne)}"
        wout["rad"] = Narrative(line, link_id)
    for s, sout in zip(p.steg, out["steg"], strict=True):
        # Only the blank space Markdown ignores: a bare strip() also ate U+0085 and the like.
        first, _, rest = s.beskrivning.strip(" \t\n").partition("\n\n")
        lead = f"*{narrative.escape(s.namn)}*"
        sout["punkt"] = Narrative(f"{lead} – {first}" if first else lead, link_id)
        sout["fortsattning"] = Narrative(rest, link_id)
    eff, eout = p.effekt, out["effekt"]
    for f, fout in zip(eff.foretag, eout["foretag"], strict=True):
        if fout["okning"] is None:
            fout["okning"] = f.okning_beraknad
    summa = eout["summa"]
    if summa["fore"] is None:
        summa["fore"] = sum((f.anstallda_fore for f in eff.foretag), Decimal(0))
    if summa["efter"] is None:
        summa["efter"] = sum((f.anstallda_efter for f in eff.foretag), Decimal(0))
    if summa["okning"] is None:
        summa["okning"] = summa["efter"] - summa["fore"]
    if eout["okning_procent"] is None and summa["fore"]:
        eout["okning_procent"] = _pct(summa["efter"] - summa["fore"], summa["fore"])
    if p.strategigrupper is not None:
        out["strategigrupper"]["platser"] = p.strategigrupper.platser
    out["antal_foretag"] = len(eff.foretag)


def _municipalities(ctx: dict[str, Any]) -> None:
    for k in ctx["kommuner"]:
        if k["rubrik"] is None:
            k["rubrik"] = k["namn"].upper()


def _economy(report: Slutrapport, ctx: dict[str, Any], link_id: LinkId | None) -> None:
    e = report.ekonomi
    if e is None:
        return
    out = ctx["ekonomi"]
    if out["under_budget"] is None:
        out["under_budget"] = e.budget - e.utfall
    out["budgetavvikelse"] = abs(out["under_budget"])
    out["budget_riktning"] = "under" if out["under_budget"] >= 0 else "över"
    if out["summa_kostnader"] is None:
        out["summa_kostnader"] = sum(k.belopp for k in e.kostnader)
    if out["summa_finansiering"] is None:
        out["summa_finansiering"] = sum(f.belopp for f in e.finansiering)
    notes: list[dict[str, Any]] = []
    for k in out["kostnader"]:
        k["markering"] = ""
        if k["fotnot"]:
            k["markering"] = "*" * (len(notes) + 1)
            marked = narrative.escape(k["markering"]) + k["fotnot"].text
            notes.append({"markering": k["markering"], "text": Narrative(marked, link_id)})
    out["fotnoter"] = notes


def _with_unit(value: Decimal | None, unit: str | None) -> str:
    """'503\u00a0företag', '49,7\u00a0%', '–' for a missing value."""
    from slutrapport.formatting import NBSP, format_decimal, format_percent

    if value is None:
        return "–"
    if unit == "%":
        return format_percent(value)
    number = format_decimal(value, max_decimals=2)
    return f"{number}{NBSP}{unit}" if unit else number


def _indicators(ctx: dict[str, Any]) -> None:
    if ctx["resultat"] is None:
        return
    for ind in ctx["resultat"]["indikatorer"]:
        ind["utfall_text"] = _with_unit(ind["utfall"], ind["enhet"])
        ind["malvarde_text"] = _with_unit(ind["malvarde"], ind["enhet"])
        if ind["malvarde"] is None:
            ind["uppfyllt"] = "–"
        else:
            ind["uppfyllt"] = "Ja" if ind["utfall"] >= ind["malvarde"] else "Nej"
