"""Blocks read from Word split for a narrative: its lead, sub-sections, tables and notes.

:func:`narrative_markdown` is what both ``slutrapport import`` (a whole Word text) and the round
trip (the range of a rendered report that holds one text) write a narrative with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slutrapport.names import same_name
from slutrapport.wordimport._markdown import paragraphs_markdown
from slutrapport.wordimport._reader import Block, Inline, Note, Paragraph, Table, quote

__all__ = ["Composed", "Narrative", "compose", "narrative_markdown", "table_note"]


@dataclass
class Composed:
    """A reading split for a narrative: the text before the first heading, sub-sections (a
    heading and its paragraphs), the tables, and notes."""

    lead: list[Paragraph] = field(default_factory=list)
    subsections: list[tuple[str, list[Paragraph]]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def compose(blocks: list[Block], *, subsections: bool, own_heading: str | None = None,
            why_flat: str = "texten har inga underrubriker") -> Composed:
    """Split blocks for a narrative: headings at the top level become sub-sections when
    ``subsections``, others a bold line (noted, with ``why_flat``); a first heading that is the
    narrative's own (``own_heading``), or that stands above every other heading, is left out
    (noted); tables are set apart."""

    out = Composed()
    headings = [b for b in blocks if isinstance(b, Paragraph) and b.kind == "heading"]
    first = next((b for b in blocks if isinstance(b, Paragraph)), None)
    if own_heading is not None and first is not None and first.kind == "heading" and \
            same_name(first.text, own_heading):
        out.notes.append(Note("import-rubrik", first.place, f"Rubriken {quote(first.text)} är "
                              "textens egen rubrik, som redan står i rapporten; den förs inte "
                              "in en gång till."))
        headings.remove(first)
    elif own_heading is not None and first is not None and first.kind == "heading" and \
            all(h.level > first.level for h in headings if h is not first):
        out.notes.append(Note("import-rubrik", first.place, f"Rubriken {quote(first.text)} står "
                              "överst i Word-filen och tas som textens egen rubrik, som i "
                              f"rapporten är {quote(own_heading)}; ändra den i datafilen om "
                              "Word-filens ska gälla."))
        headings.remove(first)
    else:
        first = None
    top = min((h.level for h in headings), default=0)
    current = out.lead
    for block in blocks:
        if isinstance(block, Table):
            out.tables.append(block)
            continue
        if block is first:
            continue
        if block.kind == "heading":
            title = " ".join(block.text.split())
            if subsections and block.level == top:
                out.subsections.append((title, []))
                current = out.subsections[-1][1]
                continue
            why = "den är en nivå djupare än delavsnittens rubriker" if subsections else why_flat
            out.notes.append(Note("import-rubrik", block.place, f"Rubriken {quote(title)} blir "
                                  f"en rad i fetstil: {why}."))
            current.append(Paragraph("body", [Inline(title, bold=True)], block.place))
            continue
        current.append(block)
    return out


@dataclass
class Narrative:
    """Blocks as a narrative: its Markdown, sub-sections (heading, Markdown) and notes."""

    markdown: str
    subsections: list[tuple[str, str]]
    notes: list[Note]


def narrative_markdown(blocks: list[Block], *, subsections: bool = False,
                       own_heading: str | None = None,
                       why_flat: str = "löptexten har inga rubriker",
                       linker: Any = None) -> Narrative:
    """Blocks read from Word (:func:`read_blocks`: the whole body, or a range of its elements)
    as narrative Markdown: headings split as :func:`compose` does, tables noted, figures linked
    by ``linker`` (a :class:`slutrapport.wordimport._figures.FigureLinker`, or None)."""
    composed = compose(blocks, subsections=subsections, own_heading=own_heading,
                       why_flat=why_flat)
    notes = composed.notes + [table_note(t) for t in composed.tables]
    written = paragraphs_markdown(composed.lead, linker)
    notes += written.notes
    parts = []
    for title, paragraphs in composed.subsections:
        part = paragraphs_markdown(paragraphs, linker)
        parts.append((title, part.text))
        notes += part.notes
    if linker is not None:
        notes += linker.notes
    return Narrative(written.text, parts, notes)


def table_note(table: Table) -> Note:
    """A table that a narrative can't hold, named with its size and first row."""
    columns = max((sum(c.span for c in row) for row in table.rows), default=0)
    first = " | ".join(c.text for c in table.rows[0]) if table.rows else ""
    merged = any(c.span > 1 or c.merged for row in table.rows for c in row)
    extra = ", med sammanslagna celler" if merged else ""
    return Note("import-tabell", table.place,
                f"Tabellen ({len(table.rows)} {'rad' if len(table.rows) == 1 else 'rader'}, "
                f"{columns} {'kolumn' if columns == 1 else 'kolumner'}{extra}; första raden "
                f"{quote(first)}) följer inte med: löptexten kan inte hålla tabeller. Lägg in "
                "den som ett avsnitt av typen tabell.")
