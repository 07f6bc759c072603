"""``slutrapport new --from-docx``: a first outline from a report that exists only in Word.

The Word file's headings become sections of kind ``text`` with their texts: the top level (the
highest level used, *Title* aside) a section each, the next level its sub-sections
(``delavsnitt``), deeper headings bold lines; text before the first heading a section of its own.
Each table becomes a section of kind ``tabell``: its first row the columns (a column of whole
numbers is ``antal``, of per cent ``procent``, the rest ``text``), a last row starting with
*Summa* or *Totalt* the stated sum row, and a caption paragraph just before it (``Tabell 3: …``)
its heading and caption (``bildtext``). A table within a section's text follows the section
(noted when text came after it). A merged cell's text stands in its first cell. The title
(*Title* style) is the project's name. Every section's heading is listed under ``granska``, so
that ``check`` reminds of each until it is reviewed; the period and the short name are left to
fill in (``TODO``).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slutrapport.kinds import KINDS, kinds
from slutrapport.models import RESERVED_IDS
from slutrapport.wordimport._markdown import paragraphs_markdown
from slutrapport.wordimport._reader import Block, Inline, Note, Paragraph, Reading, Table, quote
from slutrapport.wordimport._target import block_scalar, plain_scalar

__all__ = ["Outline", "outline_text"]

_CAPTION = re.compile(r"^(?:Tabell|Table)\s*\d+\s*[.:–-]?\s*(.*)$", re.IGNORECASE)
_WHOLE = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*$|^[+-]?\d+$")
_PERCENT = re.compile(r"^\d+(?:,\d+)?[ \u00a0\u202f]?%$")
_SUM = re.compile(r"^(summa|totalt|total)\b", re.IGNORECASE)


@dataclass
class _Section:
    """A text section being gathered: its heading, text, sub-sections and the tables in it."""

    title: str
    lead: list[Paragraph] = field(default_factory=list)
    subs: list[tuple[str, list[Paragraph]]] = field(default_factory=list)
    todo: str | None = None
    tables: list[list[str]] = field(default_factory=list)
    after: list[Table] = field(default_factory=list)
    """Tables with text after them in the section (noted when that text comes)."""


@dataclass
class Outline:
    """The outline's YAML text and what the user should know."""

    text: str
    notes: list[Note] = field(default_factory=list)


def _section_id(title: str, taken: set[str]) -> str:
    kinds()
    folded = unicodedata.normalize("NFKD", title.casefold())
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c) and c.isascii())
    base = re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_")[:40].strip("_") or "avsnitt"
    if not base[0].isalpha():
        base = f"avsnitt_{base}"
    if base in RESERVED_IDS or base in KINDS:
        base = f"{base}_text"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _column_type(cells: list[str]) -> str:
    filled = [c.strip() for c in cells if c.strip()]
    if filled and all(_WHOLE.match(c) and not c.startswith("-") for c in filled):
        return "antal"
    if filled and all(_PERCENT.match(c) for c in filled):
        return "procent"
    return "text"


def _cell_value(text: str, typ: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if typ == "antal":
        return int(re.sub(r"[ \u00a0\u202f+]", "", text))
    if typ == "procent":
        return text.replace("%", "").replace("\u00a0", "").strip()
    return text


def _flat(table: Table) -> list[list[str]]:
    """The table's rows as text cells, a merged cell's text in its first cell."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row:
            cells.append("" if cell.merged else re.sub(r"[ \t\r\n]+", " ", cell.text).strip())
            cells += [""] * (cell.span - 1)
        rows.append(cells)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _flow(items: list[tuple[str, Any]]) -> str:
    return "{" + ", ".join(f"{k}: {plain_scalar(v, flow=True)}" for k, v in items) + "}"


def _cell_yaml(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return plain_scalar(str(value), flow=True)


def _table_yaml(table: Table, caption: str | None, taken: set[str],
                notes: list[Note], review: list[tuple[str, str]]) -> list[str]:
    rows = _flat(table)
    if not rows or not any(any(c for c in r) for r in rows):
        return []
    head, body = rows[0], rows[1:]
    summa = body[-1] if body and _SUM.match(body[-1][0]) else None
    if summa is not None:
        body = body[:-1]
    types = [_column_type([r[j] for r in body]) for j in range(len(head))]
    title = caption or f"Tabell {table.number}"
    sid = _section_id(title, taken)
    out = ["  - typ: tabell", f"    id: {sid}", f"    rubrik: {plain_scalar(title)}"]
    if caption:
        out.append(f"    bildtext: {plain_scalar(caption)}")
    out.append("    kolumner:")
    for j, heading in enumerate(head):
        out.append("      - " + _flow([("rubrik", heading or f"Kolumn {j + 1}"),
                                       ("typ", types[j])]))
    if body:
        out.append("    rader:")
        for row in body:
            out.append("      - [" + ", ".join(_cell_yaml(_cell_value(c, t))
                                               for c, t in zip(row, types, strict=True)) + "]")
    if summa is not None:
        out.append("    summa: [" + ", ".join(
            _cell_yaml(_cell_value(c, t) if j else c) for j, (c, t) in
            enumerate(zip(summa, types, strict=True))) + "]")
    if any(c.span > 1 or c.merged for r in table.rows for c in r):
        notes.append(Note("import-tabell", table.place, f"Tabellen {quote(title)} har "
                          "sammanslagna celler; i avsnittet står texten i den första cellen "
                          "och de andra är tomma."))
    review.append((f"{sid}.rubrik", title))
    return out


def _text_section(title: str, lead: list[Paragraph], subs: list[tuple[str, list[Paragraph]]],
                  taken: set[str], notes: list[Note], review: list[tuple[str, str]],
                  todo: str | None = None) -> list[str]:
    sid = _section_id(title, taken)
    out = ["  - typ: text", f"    id: {sid}",
           f"    rubrik: {plain_scalar(title)}" + (f"  # TODO: {todo}" if todo else "")]
    written = paragraphs_markdown(lead)
    notes += written.notes
    if written.text:
        out.append(f"    text: {block_scalar(written.text, 6)}")
    if subs:
        out.append("    delavsnitt:")
        for heading, paragraphs in subs:
            part = paragraphs_markdown(paragraphs)
            notes += part.notes
            out.append(f"      - rubrik: {plain_scalar(heading)}")
            if part.text:
                out.append(f"        text: {block_scalar(part.text, 10)}")
    review.append((f"{sid}.rubrik", title))
    return out


def outline_text(reading: Reading, source: Path, year: int | None = None) -> Outline:
    """The outline of a Word report as a data file's text (see the module)."""
    notes: list[Note] = list(reading.notes)
    blocks: list[Block] = list(reading.blocks)
    title = next((b for b in blocks if isinstance(b, Paragraph) and b.kind == "heading"
                  and b.level == 0), None)
    if title is not None:
        blocks.remove(title)
    levels = [b.level for b in blocks if isinstance(b, Paragraph) and b.kind == "heading"]
    top = min(levels, default=1)
    taken: set[str] = set()
    review: list[tuple[str, str]] = []
    sections: list[list[str]] = []
    current: _Section | None = None
    target: list[Paragraph] = []

    def close() -> None:
        nonlocal current
        if current is not None:
            if current.lead or current.subs or current.todo is None:
                sections.append(_text_section(current.title, current.lead, current.subs, taken,
                                              notes, review, current.todo))
            sections.extend(current.tables)
        current = None

    for block in blocks:
        if isinstance(block, Table):
            caption = None
            if target and target[-1].kind == "body":
                found = _CAPTION.match(" ".join(target[-1].text.split()))
                if found:
                    caption = found.group(1).strip() or None
                    target.pop()
            lines = _table_yaml(block, caption, taken, notes, review)
            if lines and current is not None:
                current.tables.append(lines)
                current.after.append(block)
            elif lines:
                sections.append(lines)
            continue
        if block.kind == "heading":
            text = " ".join(block.text.split())
            if block.level == top:
                close()
                current = _Section(text)
                target = current.lead
                continue
            if block.level == top + 1 and current is not None:
                current.subs.append((text, []))
                target = current.subs[-1][1]
                continue
            notes.append(Note("import-rubrik", block.place, f"Rubriken {quote(text)} blir en rad "
                              "i fetstil: den är djupare än delavsnitten."))
            block = Paragraph("body", [Inline(text, bold=True)], block.place)
        if current is None:
            current = _Section("Inledning", todo="texten stod före första rubriken i "
                               "Word-filen; ge avsnittet en rubrik")
            target = current.lead
        if current.after:
            for table in current.after:
                notes.append(Note("import-tabell", table.place, f"Tabellen står som ett eget "
                                  f"avsnitt efter avsnittet {quote(current.title)}, inte mitt i "
                                  "dess text; flytta texten om den hör till tabellen."))
            current.after = []
        target.append(block)
    close()
    if year is None:
        year = _dt.date.today().year
    name = " ".join(title.text.split()) if title is not None else "…"
    lines = [
        f"# Data för en slutrapport, skapad med 'slutrapport new --from-docx {source.name}':",
        "# Word-filens rubriker blev avsnitt av typen text med sina texter, och dess tabeller",
        "# avsnitt av typen tabell. Granska varje avsnitt (de står under 'granska' längst ned),",
        "# fyll i det som är märkt TODO och kontrollera sedan med 'slutrapport check FIL'.",
        "",
        "projekt:",
        f"  namn: {plain_scalar(name)}  # TODO: "
        + ("granska projektets namn (Word-filens titel)" if title is not None
           else "fyll i projektets namn"),
        "  kortnamn: …  # TODO: fyll i kortnamnet, t.ex. NIS 7.0",
        "  rapporttyp: Slutrapport",
        "  period:  # TODO: projektperioden (år, år-månad eller datum)",
        f'    fran: "{year}"',
        f'    till: "{year + 3}"',
        "",
        "avsnitt:",
    ]
    for n, section in enumerate(sections):
        if n:
            lines.append("")
        lines += section
    if not sections:
        lines[-1] = "avsnitt: []"
    if review:
        lines += ["", "# Det som kom från Word-filen: ändra det, eller ta bort raden när det är "
                  "granskat.", "granska:"]
        lines += [f"  {path}: {plain_scalar(value)}" for path, value in review]
    return Outline("\n".join(lines) + "\n", notes)
