"""Every figure traceable: where each number the report shows stands, and where it comes from.

:func:`trace` gives the *record of provenance* of a rendered report (``render --sparbarhet`` writes
it as JSON beside the document; ``docs/sparbarhet.schema.json`` describes it): one record per
figure the document shows, in the order they stand, each with

- its place (``plats``): the section (id and heading), and a table (its caption, the row and
  column by number and by heading), a paragraph, a narrative text (the sentence) or a chart (its
  caption, the category and the series);
- the value as printed (``utskrivet``) and as a number (``tal``, a decimal string);
- its origin (``ursprung``), one or more of: *stated* (``angivet``: the data file, its line, the
  field), *counted* (``raknat``: the register file, its SHA-256, the sheet, the rule, the rows
  counted, the counted value and whether the stated one agrees), *computed* (``beraknat``: the
  formula and its inputs with their own origins), *written in a text* (``text``: a number
  written in a narrative text, not a figure link) or *the same as* (``samma_som``: a chart's
  bar, and the records of the table or text with the same figure).

The places come from the template itself: the report's context is marked as for the check
``tal-visas-inte`` (:func:`slutrapport.shown.traced`) and the filled template's XML is read for
the markers — a table cell, a paragraph, a narrative text. The registers are read as ``check``
reads them (:func:`slutrapport._registercheck.figures` says which figure each counts), and the
rows a register left out are listed with the reasons (:attr:`Registers.problem`). Participant
records list the register's person keys, company records the companies' names (and their
organisation numbers where the register has them), never more personal data than that.

The same inputs give the same record, byte for byte (:func:`to_json`): no dates, and paths
relative to the data file's folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree
from pydantic import BaseModel

from slutrapport import narrative
from slutrapport._files import os_error_text
from slutrapport._registercheck import Figure, figures
from slutrapport.chartfacts import in_order, short_name
from slutrapport.context import build_context
from slutrapport.errors import InputError, Problem
from slutrapport.fields import Loc
from slutrapport.formatting import format_decimal
from slutrapport.kinds.tabell import Tabell
from slutrapport.kinds.text import Text
from slutrapport.loader import load
from slutrapport.names import nearest
from slutrapport.numbers import parse_number
from slutrapport.paths import at, format_loc, walk
from slutrapport.registers import REGISTERS, Registers, read_registers
from slutrapport.shown import PRINTED, link_target, marks_in, stated_figures, traced

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport

__all__ = ["ANNEX_HEADING", "FORMAT", "compare", "compare_text", "explain", "explain_text",
           "read_record", "registers_of", "to_json", "trace", "with_annex"]

FORMAT = "slutrapport-sparbarhet/1"
"""The record's format and version (``format`` in the JSON)."""

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_GROUP = re.compile(f"(?:{PRINTED}([^{PRINTED}\ue000]*))?((?:\ue000[\U000F0000-\U000FFFFF]{{2}})+)")
_MARKS = re.compile(f"{PRINTED}|\ue000[\U000F0000-\U000FFFFF]{{2}}")
_NUMBER = re.compile(r"\d+(?:\.\d+)+|[−-]?\d+(?:[ \u00a0]\d{3})*(?:,\d+)?")
"""A number as Swedish text writes it (``1 466``, ``49,7``, ``−2``); a dotted one (``6.0``,
a version or a name) is matched so as to be passed over."""
_SENTENCE_END = re.compile(r"(?<=[.!?])[ \t\r\n]+|\n+")

# --- computed figures: the formula and its inputs --------------------------------------------

_FORMULAS: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {
    ("man",): ("totalt − kvinnor", ("totalt", "kvinnor")),
    ("totalt",): ("kvinnor + män", ("kvinnor", "man")),
    ("andel_kvinnor",): ("kvinnor / totalt × 100", ("kvinnor", "totalt")),
    ("andel_man",): ("män / totalt × 100", ("man", "totalt")),
    ("summa_kostnader",): ("summan av kostnadsslagens belopp", ("kostnader[*].belopp",)),
    ("summa_finansiering",): ("summan av finansiärernas belopp", ("finansiering[*].belopp",)),
    ("under_budget",): ("budget − utfall", ("budget", "utfall")),
    ("foretag", "*", "okning"): ("anställda efter − anställda före",
                                 ("anstallda_efter", "anstallda_fore")),
    ("summa", "fore"): ("summan av företagens anställda före", ("^foretag[*].anstallda_fore",)),
    ("summa", "efter"): ("summan av företagens anställda efter",
                         ("^foretag[*].anstallda_efter",)),
    ("summa", "okning"): ("summa efter − summa före", ("efter", "fore")),
    ("okning_procent",): ("summa.okning / summa.fore × 100", ("summa.okning", "summa.fore")),
    ("finansiering", "*", "andel"): ("belopp / summan av finansiärernas belopp × 100",
                                     ("belopp", "^^finansiering[*].belopp")),
}
"""What a figure the data leaves out is computed from, by the last names of its place (a list
index as ``*``): the formula in words and its inputs, relative to the figure's parent (``^``:
its grandparent, ``^^`` the one above; ``[*]``: every item of a list)."""


def _rule(fig: Figure) -> str:
    """How the register's rows give the figure, in words."""
    last = fig.loc[-1] if fig.loc else ""
    what = {"kvinnor": "kvinnor", "man": "män", "totalt": "alla", "andel_kvinnor":
            "andelen kvinnor", "andel_man": "andelen män"}.get(str(last), str(last))
    if fig.code == "register-antal":
        return f"raderna (aktiviteterna) i området ”{fig.label}”"
    if fig.code == "register-deltagare":
        if fig.register == "deltagare":
            return f"unika personnycklar, var och en en gång, med könet på dess första rad: {what}"
        return f"kolumnerna kvinnor och män summerade över raderna (deltagartillfällen): {what}"
    if fig.code == "register-foretag":
        if "summa" in fig.loc or last == "okning_procent":
            return f"summan över företagen, ett företag en gång: {fig.label}"
        return f"företagets rad: {fig.label}"
    if fig.code in ("register-kostnad", "register-finansiering"):
        if "kostnader" in fig.loc or "finansiering" in fig.loc:
            return (f"summan av beloppen för ”{fig.label}”, i ören, avrundad till hela kronor "
                    "så att tabellens rader summerar till summan")
        return (f"{fig.label}: summan av beloppen för de slag rapporten har, i ören, avrundad "
                "en gång till hela kronor")
    return f"{fig.label}: räknat ur {REGISTERS[fig.register].called} ({fig.where})"


def _company(row: Any) -> str:
    """A company as a record names it: its organisation number (when the register has one)
    and its name."""
    number = getattr(row, "organisationsnummer", None) or getattr(row, "orgnr", None)
    return f"{number} {row.namn}" if number else str(row.namn)


def _problem_rows(problem: Any) -> list[int]:
    """The rows a register problem is on (one, or several of one cause)."""
    many = getattr(problem, "rows", None)
    if many:
        return [int(n) for n in many]
    one = getattr(problem, "row", None)
    return [one] if isinstance(one, int) else []


_NESTED = 12
"""A computed figure's inputs carry their own origins when there are at most this many; a sum
over a list (every company's head count) names its inputs and their figures, and each input has
a record of its own where the document shows it."""


def _formula(loc: Loc) -> tuple[str, tuple[str, ...]] | None:
    names = tuple("*" if isinstance(p, int) else p for p in loc)
    for n in (3, 2, 1):
        found = _FORMULAS.get(names[-n:]) if len(names) >= n else None
        if found is not None:
            return found
    return None


def _inputs(loc: Loc, specs: Sequence[str], ctx: dict[str, Any]) -> list[Loc]:
    out: list[Loc] = []
    for spec in specs:
        ups = len(spec) - len(spec.lstrip("^"))  # each ^ one level further up
        base: Loc = loc[:-1 - ups]
        spec = spec.lstrip("^")
        head, _, tail = spec.partition("[*]")
        head_loc = (*base, *head.split("."))
        if not tail:
            out.append(head_loc)
            continue
        items, ok = walk(ctx, list(head_loc))
        if ok and isinstance(items, list):
            rest = tuple(p for p in tail.split(".") if p)
            out.extend((*head_loc, i, *rest) for i in range(len(items)))
    return out


# --- the record --------------------------------------------------------------------------------


def _number(value: int | Decimal) -> str:
    """A figure as a plain decimal string (``1466``, ``49.7``, ``-2``)."""
    text = format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)
    return "0" if text in ("-0", "") else text


def _swedish(value: int | Decimal) -> str:
    return format_decimal(value, max_decimals=2)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class _Tracer:
    report: Slutrapport
    ctx: dict[str, Any]
    stated: dict[Loc, int | Decimal]
    counted: dict[Loc, Figure]
    registers: Registers | None
    folder: Path
    register_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: dict[Loc, list[dict[str, Any]]] = field(default_factory=dict)
    paths: dict[Loc, str] = field(default_factory=dict)

    def path(self, loc: Loc) -> str:
        found = self.paths.get(loc)
        if found is None:
            found = self.paths[loc] = format_loc(self.report.display_loc(loc))
        return found

    def value(self, loc: Loc) -> int | Decimal | None:
        if loc in self.stated:
            return self.stated[loc]
        found, ok = walk(self.ctx, list(loc))
        if ok and isinstance(found, int | Decimal) and not isinstance(found, bool):
            return found
        return None

    def origin(self, loc: Loc) -> list[dict[str, Any]]:
        if loc in self.origins:
            return self.origins[loc]
        out: list[dict[str, Any]] = []
        if loc in self.stated:
            out.append({"typ": "angivet", "fil": self.data_file(),
                        "rad": self.report.line_of(loc), "falt": self.path(loc),
                        "tal": _number(self.stated[loc])})
        else:
            out.append(self.computed(loc))
        fig = self.counted.get(loc)
        if fig is not None:
            out.append(self.counted_origin(fig))
        self.origins[loc] = out
        return out

    def data_file(self) -> str | None:
        return self.file_name

    @property
    def file_name(self) -> str | None:
        return Path(self.report.source).name if self.report.source else None

    def computed(self, loc: Loc) -> dict[str, Any]:
        found = _formula(loc)
        if found is None:
            return {"typ": "beraknat", "formel": "räknat av slutrapport ur rapportens data",
                    "indata": []}
        formula, specs = found
        given = [(at_, v) for at_ in _inputs(loc, specs, self.ctx)
                 if (v := self.value(at_)) is not None]
        inputs = []
        for input_loc, value in given:
            entry: dict[str, Any] = {"id": self.path(input_loc), "tal": _number(value)}
            if len(given) <= _NESTED:
                entry["ursprung"] = self.origin(input_loc)
            inputs.append(entry)
        return {"typ": "beraknat", "formel": formula, "indata": inputs}

    def counted_origin(self, fig: Figure) -> dict[str, Any]:
        assert self.registers is not None
        key = fig.register
        info = self.register_file(key)
        rows = list(fig.rows)
        out: dict[str, Any] = {
            "typ": "raknat", "register": key, "namn": REGISTERS[key].called,
            "fil": info["fil"], "sha256": info["sha256"], "blad": info["blad"],
            "regel": _rule(fig), "rader": rows, "antal_rader": len(rows),
            "tal": _number(fig.counted), "stammer": fig.agrees(),
        }
        units = self.units(fig)
        if units:
            out["enheter"] = units
        if info["ej_raknade"]:
            out["ej_raknade_i_registret"] = len(info["ej_raknade"])
        return out

    def units(self, fig: Figure) -> list[str]:
        """The unique persons (their keys) or companies a figure counts: each once."""
        assert self.registers is not None
        if fig.register not in ("deltagare", "foretag"):
            return []
        wanted = set(fig.rows)
        rows = [r for r in getattr(self.registers, fig.register) if r.rad in wanted]
        if fig.register == "deltagare":
            return sorted({str(r.person) for r in rows})
        return sorted({_company(r) for r in rows})

    def register_file(self, key: str) -> dict[str, Any]:
        if key in self.register_files:
            return self.register_files[key]
        assert self.registers is not None
        read = self.registers.lasta[key]
        block = self.report.register
        mapp = block.mapp if block is not None and block.mapp else ""
        rel = Path(mapp) / read.fil if mapp else Path(read.fil)
        left_out = [{"rad": n, "skal": p.message} for p in self.registers.problem
                    if p.source == key and p.severity == "error" for n in _problem_rows(p)]
        info = {"namn": REGISTERS[key].called, "fil": rel.as_posix(),
                "sha256": _sha256(self.folder / rel), "blad": read.blad,
                "rader": read.rader, "raknade": read.rader - read.ej_raknade,
                "forsta_rad": read.forsta_rad, "sista_rad": read.sista_rad,
                "ej_raknade": left_out}
        self.register_files[key] = info
        return info


# --- where the figures stand -----------------------------------------------------------------


_SPACES = re.compile(r"[ \t\r\n]+")


def _squeeze(text: str) -> str:
    """Runs of spaces and line breaks as one space (a no-break space stays as printed)."""
    return _SPACES.sub(" ", text).strip(" ")


def _clean(text: str) -> str:
    return _squeeze(_MARKS.sub("", text))


def _text_of(el: etree._Element) -> str:
    return _clean("".join(t.text or "" for t in el.iter(f"{W}t")))


def _ancestor(el: etree._Element, tag: str) -> etree._Element | None:
    for a in el.iterancestors(f"{W}{tag}"):
        return a
    return None


def _style(p: etree._Element | None) -> str | None:
    if p is None:
        return None
    found = p.find(f"{W}pPr/{W}pStyle")
    return found.get(f"{W}val") if found is not None else None


def _caption_before(tbl: etree._Element) -> str | None:
    prev = tbl.getprevious()
    while prev is not None and prev.tag != f"{W}p":
        prev = prev.getprevious()
    if prev is not None and _style(prev) == "Caption":
        return _text_of(prev) or None
    return None


class _Places:
    """The table, row and column of an element in a filled part, or its paragraph."""

    def __init__(self, root: etree._Element) -> None:
        # the elements themselves as keys: lxml makes a new proxy for an element no one holds
        self.tables = {t: n for n, t in enumerate(root.iter(f"{W}tbl"), start=1)}
        self._grid: dict[etree._Element, tuple[dict[etree._Element, int], list[str],
                                                str | None]] = {}
        self._rows: dict[etree._Element, list[etree._Element]] = {}
        self._headings: dict[etree._Element, str] = {}

    def grid(self, tbl: etree._Element) -> tuple[dict[etree._Element, int], list[str],
                                                 str | None]:
        """A table's rows by element, its heading row's texts and its caption (once a table:
        a long table's cells would otherwise each search all its rows)."""
        found = self._grid.get(tbl)
        if found is None:
            rows = tbl.findall(f"{W}tr")
            head = [_text_of(tc) for tc in rows[0].findall(f"{W}tc")] if rows else []
            found = ({tr: i for i, tr in enumerate(rows)}, head, _caption_before(tbl))
            self._grid[tbl] = found
            self._rows[tbl] = rows
        return found

    def row_heading(self, tr: etree._Element, cells: list[etree._Element]) -> str:
        """A row's first cell's text (once a row)."""
        found = self._headings.get(tr)
        if found is None:
            found = self._headings[tr] = _text_of(cells[0])
        return found

    def rows(self, tbl: etree._Element) -> list[etree._Element]:
        """A table's rows, in order."""
        self.grid(tbl)
        return self._rows[tbl]

    def of(self, el: etree._Element, part: str) -> dict[str, Any]:
        tc = _ancestor(el, "tc")
        place: dict[str, Any] = {"del": part}
        if tc is not None:
            tr = tc.getparent()
            tbl = tr.getparent() if tr is not None else None
            if tr is not None and tbl is not None:
                rows, head, caption = self.grid(tbl)
                cells = tr.findall(f"{W}tc")
                row, col = rows[tr], cells.index(tc)
                place.update({
                    "typ": "tabell", "tabell": self.tables.get(tbl),
                    "bildtext": caption, "rad": row + 1, "kolumn": col + 1,
                    "radrubrik": self.row_heading(tr, cells) if col else None,
                    "kolumnrubrik": head[col] if row and col < len(head) else None})
                return place
        p = el if el.tag == f"{W}p" else _ancestor(el, "p")
        place.update({"typ": "stycke", "stil": _style(p),
                      "text": _text_of(p) if p is not None else None})
        return place

    def table_after(self, el: etree._Element) -> etree._Element | None:
        """The table a whole-table marker follows (it stands in the paragraph after it)."""
        p = el if el.tag == f"{W}p" else _ancestor(el, "p")
        prev = (p if p is not None else el).getprevious()
        while prev is not None and prev.tag not in (f"{W}tbl", f"{W}p"):
            prev = prev.getprevious()
        return prev if prev is not None and prev.tag == f"{W}tbl" else None


def _sentence(text: str, start: int) -> str:
    """The sentence of the text that the character at ``start`` stands in."""
    begin = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            return _squeeze(text[begin:m.start()])
        begin = m.end()
    return _squeeze(text[begin:])


def _section_place(report: Slutrapport, loc: Loc) -> dict[str, Any] | None:
    if len(loc) >= 2 and loc[0] == "avsnitt" and isinstance(loc[1], int):
        s = report.avsnitt[loc[1]]
        return {"id": s.name, "rubrik": getattr(s, "rubrik", None), "typ": s.TYP}
    return None


# --- the trace ---------------------------------------------------------------------------------


def registers_of(report: Slutrapport, *, allow_outside: bool = False) -> Registers | None:
    """The registers a report loaded from a file names, read (None when it names none): to
    read them once for both ``check`` and :func:`trace`."""
    if report.register is None or report.source is None:
        return None
    return read_registers(report, allow_outside=allow_outside)


def trace(report: Slutrapport, template: str | Path | None = None, *,
          registers: Registers | None = None, allow_outside: bool = False,
          charts: bool = True) -> dict[str, Any]:
    """The record of provenance of the report rendered with the template (see module doc).

    ``registers`` read beforehand are used as they are; else the registers the report names
    are read (relative to its file) — an unreadable one raises
    :class:`~slutrapport.errors.InputError` as ``check`` does. ``charts``: whether the document
    has its charts (``render --no-charts`` has none).
    """
    parts, meaning = traced(report, template)
    if registers is None:
        registers = registers_of(report, allow_outside=allow_outside)
    counted = {f.loc: f for f in figures(report, registers)} if registers is not None else {}
    folder = Path(report.source).parent if report.source else Path.cwd()
    t = _Tracer(report, build_context(report), dict(stated_figures(report)), counted,
                registers, folder)
    records: list[dict[str, Any]] = []

    def add(loc: Loc | None, where: dict[str, Any], printed: str, value: int | Decimal,
            origin: list[dict[str, Any]], ident: str, standing: Loc | None = None) -> None:
        """A record; ``standing``: the place whose section the figure stands in, when not
        its own (a figure link in another section's text)."""
        place = standing if standing is not None else loc
        records.append({"nr": len(records) + 1, "id": ident,
                        "avsnitt": _section_place(report, place) if place else None,
                        "plats": where, "utskrivet": printed, "tal": _number(value),
                        "ursprung": origin})

    for part, xml in parts:
        if not xml.strip().startswith("<") or "\ue000" not in xml:
            continue
        # the filled XML of a template that renders: a part that can't be parsed is a bug
        root = etree.fromstring(xml.encode("utf-8"),
                                etree.XMLParser(huge_tree=True, resolve_entities=False))
        places = _Places(root)
        for text in root.xpath("//text()[contains(., '\ue000')]"):
            el = text.getparent()
            tail = bool(text.is_tail)
            holder = el.getparent() if tail else el
            if holder is None:
                continue
            for m in _GROUP.finditer(str(text)):
                _records_of(t, m, holder, el if tail else None, part, places, meaning, add)
    if charts:
        _chart_records(t, records, add)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "rapport": {"fil": t.data_file(),
                    "sha256": _sha256(Path(report.source)) if report.source else None},
        "register": dict(sorted(t.register_files.items())),
        "tal": records,
    }
    if registers is not None:
        for key in sorted(registers.lasta):
            doc["register"].setdefault(key, t.register_file(key))
        doc["register"] = dict(sorted(doc["register"].items()))
    return doc


def _records_of(t: _Tracer, m: re.Match[str], holder: etree._Element,
                after: etree._Element | None, part: str, places: _Places,
                meaning: Sequence[Any], add: Any) -> None:
    """The records of one printed group of markers (in ``holder``'s text, or in the text that
    follows the element ``after``)."""
    printed = m.group(1)
    marks = marks_in(m.group(2))
    for n in marks:
        loc, what = meaning[n]
        if what is None:
            continue
        if isinstance(what, str):
            _text_records(t, loc, what, places.of(holder, part), add)
            continue
        value = t.value(loc)
        if value is not None and (printed is not None or not _is_table(holder, after)):
            # printed by itself; or through a filter that passes its marker on without what it
            # printed (a template's own ``|string``, ``|abs``): the figure as Python writes it
            where = places.of(holder, part)
            shown = (printed if len(marks) == 1 else _swedish(value)) if printed is not None \
                else str(value)
            if printed is not None and len(marks) > 1:
                where["sammanhang"] = _clean(printed)
            add(loc, where, _clean(shown), value, t.origin(loc), t.path(loc))
        elif printed is None and what:  # a whole table made in Python, its marker after it
            tbl = after if after is not None and after.tag == f"{W}tbl" else \
                places.table_after(holder)
            for sub, sub_value in t.stated.items():
                if sub[:len(loc)] == loc:
                    where = {"del": part, "typ": "tabell",
                             "tabell": places.tables.get(tbl) if tbl is not None else None,
                             "bildtext": _caption_before(tbl) if tbl is not None else None}
                    where.update(_cell_of(sub[len(loc):], loc[-1]))
                    cell = _cell(places.rows(tbl), where) if tbl is not None else None
                    if cell is not None:
                        where.update(cell[1])
                    add(sub, where, cell[0] if cell is not None else _swedish(sub_value),
                        sub_value, t.origin(sub), t.path(sub))


def _is_table(holder: etree._Element, after: etree._Element | None) -> bool:
    """Whether a marker stands right after a table (a whole table made in Python)."""
    return (after is not None and after.tag == f"{W}tbl") or holder.tag == f"{W}body"


def _cell(rows: list[etree._Element], where: dict[str, Any]
          ) -> tuple[str, dict[str, Any]] | None:
    """The text of the cell at ``where`` of a table's rows (row ``summa``: the last), and its
    headings."""
    row, col = where.get("rad"), where.get("kolumn")
    if row == "summa":
        row = len(rows)
        where["rad"] = row
    if not isinstance(row, int) or not isinstance(col, int) or not 0 < row <= len(rows):
        return None
    cells = rows[row - 1].findall(f"{W}tc")
    head = rows[0].findall(f"{W}tc")
    if not 0 < col <= len(cells):
        return None
    return _text_of(cells[col - 1]), {
        "radrubrik": _text_of(cells[0]) if col > 1 else None,
        "kolumnrubrik": _text_of(head[col - 1]) if row > 1 and col <= len(head) else None}


def _cell_of(rest: Loc, whole: Any) -> dict[str, Any]:
    """Row and column of a figure in a table made in Python (``rader[i][j]``, ``summa[j]``)."""
    if whole == "rader" and len(rest) == 2 and all(isinstance(x, int) for x in rest):
        return {"rad": int(rest[0]) + 2, "kolumn": int(rest[1]) + 1}
    if whole == "summa" and len(rest) == 1 and isinstance(rest[0], int):
        return {"rad": "summa", "kolumn": int(rest[0]) + 1}
    return {}


def _in_a_word(text: str, start: int) -> bool:
    """Whether a number found at ``start`` belongs to a word (``RCO01``, ``okt-22``, ``CO2``):
    a name or a code, not a figure."""
    digits = start + 1 if text[start] in "-−" else start
    before = text[:digits].removesuffix("-").removesuffix("−")
    return before[-1:].isalpha()


def _text_field(report: Slutrapport, owner: Loc, text: str) -> Loc:
    """The field of the owner's model that holds the text (or an item of a list field)."""
    model = at(report, owner)
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            value = getattr(model, name)
            if value == text:
                return (*owner, name)
            if isinstance(value, list) and text in value:
                return (*owner, name, value.index(text))
    return owner


def _text_records(t: _Tracer, owner: Loc, text: str, where: dict[str, Any], add: Any) -> None:
    """A narrative text's figures: each figure link (a record of the figure it names) and each
    number written in the text without a link (written in the text, at the text's line)."""
    report = t.report
    plain = narrative.plain_text(text)
    links = narrative.figure_links(text)
    taken: list[tuple[int, int]] = []
    pos = 0
    base = {"del": where["del"], "typ": "text", "falt": t.path(_text_field(report, owner, text))}
    # a link's label as written ('2 949') is printed with no-break spaces ('2\u00a0949'): found
    # with either space (the same length, so the places hold in the printed text)
    spaced = plain.replace("\u00a0", " ")
    for label, path in links:
        start = spaced.find(label.replace("\u00a0", " "), pos) if label else -1
        if start >= 0:
            taken.append((start, start + len(label)))
            pos = start + len(label)
        target = link_target(report, path, owner)
        value = t.value(target) if target is not None else None
        if target is None or value is None:
            continue
        add(target, {**base, "tallank": path, "mening": _sentence(plain, max(start, 0))},
            label or _swedish(value), value, t.origin(target), t.path(target), owner)
    for m in _NUMBER.finditer(plain):
        if "." in m.group(0) or _in_a_word(plain, m.start()) or \
                any(a <= m.start() < b for a, b in taken):
            continue
        value = parse_number(m.group(0))
        assert value is not None  # _NUMBER matches only what it reads
        holder = _text_field(report, owner, text)
        origin = [{"typ": "text", "fil": t.data_file(), "rad": report.line_of(holder),
                   "falt": t.path(holder)}]
        add(owner, {**base, "mening": _sentence(plain, m.start())}, m.group(0), value, origin,
            f"{t.path(holder)}~{m.group(0)}")


def _chart_records(t: _Tracer, records: list[dict[str, Any]], add: Any) -> None:
    """Each bar of each chart, as the same figure as the records of its section (a bar without
    a label of its own, whose figure another bar's label shows, is printed as "")."""
    report = t.report
    by_value: dict[tuple[str, Decimal], list[dict[str, Any]]] = {}
    for r in records:  # a section's table and text records by figure, once for all bars
        if r["avsnitt"] and r["plats"]["typ"] != "diagram":
            by_value.setdefault((r["avsnitt"]["id"], Decimal(r["tal"])), []).append(r)
    for section, name, bars, number in in_order(report.avsnitt):
        i = report.avsnitt.index(section)
        for k, series in enumerate(bars.series):
            which = f"[{k}]" if len(bars.series) > 1 else ""
            for j, category in enumerate(bars.categories):
                label = bars.label(series, j)  # "" for a bar another label speaks for
                value = series.values[j]
                equal = by_value.get((section.name, Decimal(value)), [])
                in_row = [r for r in equal if r["plats"].get("radrubrik") is not None
                          and short_name(r["plats"]["radrubrik"]) == category]
                in_column = [r for r in in_row if r["plats"].get("kolumnrubrik") == series.name]
                same = sorted({r["id"] for r in (in_column or in_row or equal)})
                origin = [{"typ": "samma_som", "id": same}]
                add(("avsnitt", i), {"del": "word/document.xml", "typ": "diagram",
                                     "diagram": name, "bildtext": f"Diagram {number}: "
                                     f"{bars.title}", "kategori": category,
                                     "serie": series.name},
                    label, value, origin, f"diagram.{section.name}.{name}{which}[{j}]")


def to_json(doc: dict[str, Any]) -> str:
    """The record as JSON: the same record, the same bytes. A figure's record is one line (a
    reader greps it; Python's fast encoder writes it), the rest indented."""
    head = {k: v for k, v in doc.items() if k != "tal"}
    text = json.dumps(head, ensure_ascii=False, indent=1)
    records = ",\n".join(json.dumps(r, ensure_ascii=False) for r in doc["tal"])
    return text[:-2] + ',\n "tal": [\n' + records + "\n ]\n}\n"


# --- one figure's story, and what changed --------------------------------------------------


def explain(doc: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """The records of the figure at ``path`` (``aktiviteterna.omraden[0].antal``): one per
    place it stands. A path the document shows no figure at is an
    :class:`~slutrapport.errors.InputError`, with the nearest paths that it does show."""
    want = path.replace(" ", "")
    found = [r for r in doc["tal"] if r["id"] == want]
    if found:
        return found
    ids = list(dict.fromkeys(r["id"] for r in doc["tal"]))
    under = [i for i in ids if i.startswith(want + ".") or i.startswith(want + "[")]
    close = nearest(want, ids)
    hint = (f"; tal under den: {', '.join(under[:8])}{' …' if len(under) > 8 else ''}" if under
            else f"; menade du {close}?" if close else "")
    raise InputError([Problem(f"dokumentet visar inget tal vid {want}{hint}",
                              file=doc["rapport"].get("fil"))])


def read_record(path: Path, template: str | Path | None = None, *,
                allow_outside: bool = False) -> dict[str, Any]:
    """A record of provenance: read from a file ``render --sparbarhet`` wrote (.json), or made
    now from a data file (any other name) rendered with the template."""
    if path.suffix.lower() != ".json":
        return trace(load(path), template, allow_outside=allow_outside)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(f"filen kan inte läsas ({os_error_text(exc)})",
                                  file=str(path))]) from None
    except UnicodeDecodeError:
        raise InputError([Problem("filen är inte UTF-8-text", file=str(path))]) from None
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        raise InputError([Problem("filen är inte JSON", file=str(path), line=line)]) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or \
            not isinstance(doc.get("tal"), list):
        raise InputError([Problem(f"filen är ingen spårbarhetsfil (format {FORMAT}, som "
                                  "'render --sparbarhet' skriver)", file=str(path))])
    return doc


def _origin_lines(origins: Sequence[dict[str, Any]], indent: str) -> Iterator[str]:
    for o in origins:
        kind = o["typ"]
        if kind == "angivet":
            yield f"{indent}angivet i {o['fil']}, rad {o['rad']}, fältet {o['falt']}: {o['tal']}"
        elif kind == "text":
            yield f"{indent}skrivet i texten {o['falt']} ({o['fil']}, rad {o['rad']})"
        elif kind == "raknat":
            agree = "stämmer" if o["stammer"] else "STÄMMER INTE med det angivna"
            sheet = f", blad {o['blad']}" if o["blad"] else ""
            yield (f"{indent}räknat i {o['namn']} ({o['fil']}{sheet}, sha256 "
                   f"{(o['sha256'] or '?')[:12]}…): {o['tal']} ({agree})")
            yield f"{indent}  regel: {o['regel']}"
            yield f"{indent}  {_rows(o['antal_rader'])}: {_runs(o['rader'])}"
            if o.get("enheter"):
                units = len(o["enheter"])
                yield f"{indent}  {units} {'unik' if units == 1 else 'unika'}: " \
                      f"{', '.join(o['enheter'])}"
            if o.get("ej_raknade_i_registret"):
                yield (f"{indent}  {_rows(o['ej_raknade_i_registret'])} i registret räknades "
                       "inte (se registrets fel)")
        elif kind == "beraknat":
            yield f"{indent}beräknat: {o['formel']}"
            for entry in o["indata"]:
                yield f"{indent}  {entry['id']} = {entry['tal']}"
                yield from _origin_lines(entry.get("ursprung", []), indent + "    ")
        elif kind == "samma_som":
            yield f"{indent}samma tal som {', '.join(o['id']) or 'inget annat i avsnittet'}"


def _rows(n: int) -> str:
    """A count of rows, the noun agreeing with it: 1 rad, 2 rader."""
    return f"{n} {'rad' if n == 1 else 'rader'}"


def _runs(numbers: Sequence[int]) -> str:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs) or "inga"


def place_text(record: dict[str, Any]) -> str:
    """Where a record's figure stands, in words."""
    p = record["plats"]
    section = record.get("avsnitt")
    head = (f"avsnittet {section['rubrik'] or section['id']}" if section
            else f"rapportens {p['falt']}" if p.get("falt") else "rapporten")
    if p["typ"] == "tabell":
        cap = p.get("bildtext") or f"tabell {p.get('tabell')}"
        cell = ", ".join(str(x) for x in (p.get("radrubrik"), p.get("kolumnrubrik")) if x)
        where = cell or f"rad {p.get('rad')}, kolumn {p.get('kolumn')}"
        return f"{head}, {cap}: {where}"
    if p["typ"] == "diagram":
        return f"{head}, {p['bildtext']}: {p['kategori']} ({p['serie']})"
    if p["typ"] == "text":
        return f"{head}, texten: ”{p['mening']}”"
    return f"{head}, stycket: ”{p.get('text') or ''}”"


def explain_text(records: Sequence[dict[str, Any]]) -> str:
    """The records of one figure for a reader: where it stands, and its origin, down to rows."""
    lines: list[str] = []
    for r in records:
        lines.append(f"{r['id']} = {r['utskrivet']}{_disagreeing(r)}")
        lines.append(f"  står i {place_text(r)}")
        lines.extend(_origin_lines(r["ursprung"], "  "))
    return "\n".join(lines) + "\n"


def _disagreeing(record: dict[str, Any]) -> str:
    """' — men talet är 120 …' when what the place prints (a figure link's own text) is
    another number than the figure it names; '' otherwise."""
    printed = parse_number(record["utskrivet"], leading=True)
    figure = Decimal(record["tal"])
    if printed is None or printed == figure:
        return ""
    return (f" — men talet är {_swedish(figure)}: texten säger något annat än datat "
            "(check säger till)")


def _keyed(doc: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    seen: dict[str, int] = {}
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for r in doc.get("tal", []):
        n = seen.get(r["id"], 0)
        seen[r["id"]] = n + 1
        out[(r["id"], n)] = r
    return out


_INCIDENTAL = frozenset({"sha256", "rad", "ej_raknade_i_registret", "fil"})
"""What may change in an origin without the figure's origin changing: a register file's hash
and name (told once, for the register), the data file's line numbers (a line added above) and
its name (the next report is a copy under a new name)."""


def _essence(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _essence(v) for k, v in value.items() if k not in _INCIDENTAL}
    if isinstance(value, list):
        return [_essence(v) for v in value]
    return value


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two records: first each register whose file changed (another
    SHA-256, rows read) or that came or went, then each figure whose value or origin changed
    (rows counted, the counted value, the formula's inputs, where it is stated), or that came or
    went: ``{"id", "andring", "fore", "efter", "skal"}``, figures in the new record's order."""
    out: list[dict[str, Any]] = []
    old_registers, new_registers = old.get("register", {}), new.get("register", {})
    for key, n in new_registers.items():
        o = old_registers.get(key)
        if o is None:
            out.append({"id": f"register.{key}", "andring": "ny", "fore": None,
                        "efter": n["sha256"], "skal": [f"{n['namn']} ({n['fil']}) läses nu"]})
        elif o["sha256"] != n["sha256"]:
            out.append({"id": f"register.{key}", "andring": "andrad", "fore": o["sha256"],
                        "efter": n["sha256"], "skal": [
                            f"{n['namn']} ({n['fil']}) är en annan fil: {o['rader']} → "
                            f"{n['rader']} rader, {o['raknade']} → {n['raknade']} räknade"]})
    for key, o in old_registers.items():
        if key not in new_registers:
            out.append({"id": f"register.{key}", "andring": "borta", "fore": o["sha256"],
                        "efter": None, "skal": [f"{o['namn']} ({o['fil']}) läses inte längre"]})
    before, after = _keyed(old), _keyed(new)
    for key, r in after.items():
        o = before.get(key)
        if o is None:
            out.append({"id": key[0], "andring": "ny", "fore": None, "efter": r["tal"],
                        "skal": ["talet fanns inte i den förra"]})
            continue
        why = []
        if o["tal"] != r["tal"]:
            why.append(f"värdet {o['tal']} → {r['tal']}")
        if _essence(o["ursprung"]) != _essence(r["ursprung"]):
            why.extend(_origin_changes(o["ursprung"], r["ursprung"]))
        if why:
            out.append({"id": key[0], "andring": "andrad", "fore": o["tal"], "efter": r["tal"],
                        "skal": why})
    for key, o in before.items():
        if key not in after:
            out.append({"id": key[0], "andring": "borta", "fore": o["tal"], "efter": None,
                        "skal": ["talet finns inte i den nya"]})
    return out


def _flat(origins: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for o in origins:
        yield o
        for entry in o.get("indata", []):
            yield from _flat(entry.get("ursprung", []))


def _origin_changes(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> list[str]:
    why: list[str] = []
    old_counted = {o["register"]: o for o in old if o["typ"] == "raknat"}
    new_counted = {o["register"]: o for o in new if o["typ"] == "raknat"}
    for key, n in new_counted.items():
        o = old_counted.get(key)
        if o is None:
            why.append(f"räknas nu i {n['namn']}")
            continue
        gone = sorted(set(o["rader"]) - set(n["rader"]))
        came = sorted(set(n["rader"]) - set(o["rader"]))
        if gone:
            why.append(f"{n['namn']}: rader som inte längre räknas: {_runs(gone)}")
        if came:
            why.append(f"{n['namn']}: rader som räknas nu: {_runs(came)}")
        if o["tal"] != n["tal"]:
            why.append(f"räknat {o['tal']} → {n['tal']}")
    for key, o in old_counted.items():
        if key not in new_counted:
            why.append(f"räknas inte längre i {o['namn']}")
    old_stated = [o["falt"] for o in old if o["typ"] == "angivet"]
    new_stated = [o["falt"] for o in new if o["typ"] == "angivet"]
    if old_stated != new_stated:
        why.append("angivet i andra fält")
    old_inputs = {e["id"]: e for o in old if o["typ"] == "beraknat" for e in o["indata"]}
    for n in (o for o in new if o["typ"] == "beraknat"):
        for entry in n["indata"]:
            before = old_inputs.get(entry["id"])
            if before is None:
                why.append(f"indata {entry['id']} är ny")
            elif _essence(before) != _essence(entry):
                inner = ([f"värdet {before['tal']} → {entry['tal']}"]
                         if before["tal"] != entry["tal"] else [])
                inner += _origin_changes(before.get("ursprung", []), entry.get("ursprung", []))
                why.append(f"indata {entry['id']} ({'; '.join(inner)})")
    return why or ["ursprunget är ändrat"]


def compare_text(changes: Sequence[dict[str, Any]]) -> str:
    """The changes for a reader, a register or a figure a line."""
    if not changes:
        return "Inget tal har ändrats.\n"
    words = {"ny": "nytt", "borta": "borta", "andrad": "ändrat"}
    registers = [c for c in changes if c["id"].startswith("register.")]
    figures_ = [c for c in changes if not c["id"].startswith("register.")]
    lines = [f"{c['id']} ({words[c['andring']]}): {'; '.join(c['skal'])}" for c in registers]
    lines.append(f"{len(figures_)} tal har ändrats" + (":" if figures_ else "."))
    lines.extend(f"  {c['id']} ({words[c['andring']]}): {'; '.join(c['skal'])}"
                 for c in figures_)
    return "\n".join(lines) + "\n"


def annex_rows(doc: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """The annex "Talens ursprung": per section (id, heading), each figure's printed value,
    where it stands and its source in words."""
    out: dict[str, tuple[str, list[tuple[str, str, str]]]] = {}
    for r in doc["tal"]:
        s = r.get("avsnitt")
        sid = s["id"] if s else ""
        heading = (s["rubrik"] or s["id"]) if s else "Rapporten"
        rows = out.setdefault(sid, (heading, []))[1]
        rows.append((r["utskrivet"] or _swedish(Decimal(r["tal"])), place_text(r),
                     source_words(r["ursprung"])))
    return [(sid, heading, rows) for sid, (heading, rows) in out.items()]


def source_words(origins: Sequence[dict[str, Any]]) -> str:
    """A figure's origin in a few words (``aktivitetsloggen, blad Logg, 259 rader: 2–260``)."""
    parts = []
    for o in origins:
        kind = o["typ"]
        if kind == "angivet":
            parts.append(f"angivet, {o['fil']} rad {o['rad']}")
        elif kind == "text":
            parts.append(f"skrivet i texten, {o['fil']} rad {o['rad']}")
        elif kind == "raknat":
            sheet = f", blad {o['blad']}" if o["blad"] else ""
            differs = "" if o["stammer"] else f" (räknat {o['tal']}, stämmer inte)"
            parts.append(f"{o['namn']}{sheet}, {_rows(o['antal_rader'])}: "
                         f"{_runs(o['rader'])}{differs}")
        elif kind == "beraknat":
            parts.append(f"beräknat: {o['formel']}")
        elif kind == "samma_som":
            parts.append("samma som " + (", ".join(o["id"]) or "—"))
    return "; ".join(parts)


ANNEX_HEADING = "Bilaga: Talens ursprung"


def with_annex(report: Slutrapport, doc: dict[str, Any]) -> Slutrapport:
    """The report with the annex "Bilaga: Talens ursprung" at its end: a text, then one table
    per section with figures — each figure as printed, where it stands and its source in words —
    so a printed report can be audited without the files. The annex holds only text, no figure
    of its own."""
    taken = {s.name for s in report.avsnitt}

    def free(name: str) -> str:
        n, out = 1, name
        while out in taken:
            n += 1
            out = f"{name}_{n}"
        taken.add(out)
        return out

    records = doc["tal"]
    intro = (f"Bilagan visar var vart och ett av rapportens {len(records)} tal kommer ifrån: "
             "angivet i datafilen (fil och rad), räknat i ett register (blad och rader) eller "
             "beräknat ur andra tal. Registren är lästa så här:")
    bullets = [narrative.escape(
        f"{info['namn'].capitalize()}: {info['fil']}"
        + (f", blad {info['blad']}" if info["blad"] else "")
        + f", {_rows(info['rader'])}, {info['raknade']} "
        + ("räknad" if info["raknade"] == 1 else "räknade")
        + (f" (SHA-256 {info['sha256'][:16]}…)" if info["sha256"] else ""))
        for info in doc["register"].values()]
    text: dict[str, Any] = {"typ": "text", "id": free("bilaga_ursprung"), "rubrik": ANNEX_HEADING,
                            "text": narrative.escape(intro)}
    if bullets:
        text["punkter"] = bullets
    else:
        text["text"] = narrative.escape(intro.replace(" Registren är lästa så här:", ""))
    sections: list[Any] = [Text.model_validate(text)]
    for sid, heading, rows in annex_rows(doc):
        sections.append(Tabell.model_validate({
            "typ": "tabell", "id": free(f"bilaga_ursprung_{sid or 'rapporten'}"),
            "rubrik": f"Talens ursprung: {heading}",
            "bildtext": f"Talens ursprung: {heading}",
            # "Talet", not "Tal": the general table sizes a short text column too narrow for "259"
            "kolumner": [{"rubrik": "Talet", "typ": "text"},
                         {"rubrik": "Var det står", "typ": "text"},
                         {"rubrik": "Källa", "typ": "text"}],
            "rader": [list(row) for row in rows]}))
    return report.model_copy(update={"avsnitt": [*report.avsnitt, *sections]})
