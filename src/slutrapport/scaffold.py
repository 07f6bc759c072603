"""The data file for the next report: an outline to start from, or the last report's (``new``).

:func:`skeleton` is an empty report in one of the outlines in :mod:`slutrapport.dispositioner`
(``slutrapport new --disposition nis|2021-2027``): the title-page facts, then the outline's
sections, with ``…`` where a text is to be written, 0 where a figure is, and a comment on each
line: ``# TODO: fyll i …`` for what ``slutrapport check`` lists as left to fill in (``ej-ifyllt``),
``# valfritt: …`` for what may stay empty.

:func:`from_previous` (``slutrapport new --from``) keeps the last report's outline — its sections,
kinds, ids, order and headings — and clears the rest:

========================================  =================================================
kept, and marked under ``granska``        cleared
========================================  =================================================
headings (of sections, sub-sections,      figures: 0, or left out where the figure is
  activity areas, table columns)            optional and ``check`` would not list a 0
the project's name, short name, owner,    narrative texts: ``…``; bullet lists: empty
  evaluator, website, municipalities      the rows of one report: companies, participants'
  and financiers                            efforts, workshops, groups, consultants' areas
municipalities' names, financiers'        sums and shares the report states (computed if
  names, cost categories, indicators'       left out), the target values
  names, programme steps' names           the report date, the preliminary-financing note
the period (``fran``/``till``: TODO)      the periods of programmes
========================================  =================================================

Kept without a mark: the programme steps' descriptions, the lead-ins of the cost and financing
tables, indicators' kinds, codes, units and sources, the criteria, the report type and every
section's id. Each kept heading, name or address is listed in the top-level ``granska`` mapping
(its path, as findings name it, and the value), and ``check`` reminds of it (``granska``) until the
value is changed or the line removed. The comments of the old file stay where they were, except
its header and the ``TODO``/``valfritt`` comments this module writes, which are made anew: every
``TODO`` line of the new file is one that ``check`` lists.

Both return YAML text that :func:`slutrapport.load` accepts; :func:`write_new` writes it without
overwriting.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import tempfile
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString, PlainScalarString

from slutrapport import dispositioner, narrative
from slutrapport._files import Written, refuse_backup, write_file
from slutrapport.checks import check, loc_of
from slutrapport.errors import InputError, Problem
from slutrapport.fields import Carry, Loc, Modell, Period
from slutrapport.kinds import kinds
from slutrapport.loader import from_data, load, read_yaml
from slutrapport.models import MARKDOWN, Slutrapport
from slutrapport.names import UNFILLED, nearest
from slutrapport.paths import at, format_loc
from slutrapport.registers import REGISTERS
from slutrapport.schema import field_metadata, validator_names

__all__ = ["PLACEHOLDER", "from_previous", "skeleton", "write_new", "write_new_file"]

PLACEHOLDER = UNFILLED
"""The text a field holds until it is filled in (:data:`names.UNFILLED`); ``check`` lists it as
``ej-ifyllt``."""

_MARKED_NAMES = frozenset({"rubrik", "namn", "kategori", "finansiar", "bildtext"})
"""Headings, names and addresses kept and marked for review, by field name in every model
whose :class:`~slutrapport.fields.Carry` names no other fields to mark."""

_FILL_IN = "TODO: fyll i"
_TODO = re.compile(r"^\s*#\s*TODO: fyll i\b")
_MARKER = re.compile(r"^\s*#\s*(TODO: fyll i\b|valfritt:)")
_TODO_SPACING = re.compile(r"(?<=\S) +# (?=TODO:|valfritt)")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long heading onto two lines
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    return yaml


# --- an outline to start from -----------------------------------------------------------------


def skeleton(disposition: str = dispositioner.DEFAULT, year: int | None = None) -> str:
    """An empty report in the named outline (period from ``year``, this year if None).

    An unknown outline is an :class:`~slutrapport.errors.InputError` that lists the names.
    """
    try:
        body = dispositioner.body(disposition)
        about = dispositioner.description(disposition)
    except KeyError:
        raise InputError([Problem(_unknown_outline(disposition))]) from None
    start = year if year is not None else _dt.date.today().year
    kinds_list = "\n".join(f"#   {typ:<24}{cls.BESKRIVNING}"
                           for typ, cls in sorted(kinds().items()))
    head = (_HEAD.replace("{namn}", disposition).replace("{beskrivning}", about)
            .replace("{typer}", kinds_list)
            .replace("{fran}", str(start)).replace("{till}", str(start + 3))
            .replace("{eu_markering}", dispositioner.eu_mark(disposition)))
    text = head + body + _REGISTER_TAIL
    _validate(text, f"dispositionen {disposition}")
    return text


def _unknown_outline(name: str) -> str:
    known = dispositioner.names()
    close = nearest(name, known)
    guess = f" (menade du '{close}'?)" if close else ""
    listed = " och ".join([", ".join(known[:-1]), known[-1]] if len(known) > 1 else known)
    return (f"okänd disposition '{name}'{guess}; dispositionerna är {listed} "
            "(se 'slutrapport new --help')")


_REGISTER_TAIL = """\

# Rapportens tal kan räknas från projektets egna register (aktivitetslogg, deltagare, företag,
# huvudbok, finansiering): ange dem sist i filen, så jämför 'slutrapport check' talen med dem och
# 'slutrapport fill' skriver in dem. 'slutrapport new --registers MAPP' skapar tomma register.
# register:
#   mapp: register
#   aktivitetslogg: aktivitetslogg.xlsx
"""

_HEAD = """\
# Data för en slutrapport, skapad med 'slutrapport new --disposition {namn}':
# {beskrivning}.
# Fyll i det som är märkt TODO och kontrollera sedan med 'slutrapport check FIL', som listar det
# som återstår (ej-ifyllt). Det som är märkt valfritt får stå tomt eller tas bort.
#
# Avsnitten står under 'avsnitt' i den ordning de ska stå i rapporten: flytta, ta bort eller lägg
# till avsnitt efter behov. Varje avsnitt anger sin typ (typ:) och har ett id (id:), som
# tallänkar och en egen mall använder. Typerna:
{typer}
# 'slutrapport schema' beskriver varje fält.
#
# Tips: text med kolon, '#' eller som börjar med ett citattecken skrivs inom citattecken.
# Längre text skrivs efter '|-' på raderna under, indragen. Löptext är Markdown (stycken skiljs
# av en tom rad, '- ' gör punktlistor, *kursiv*, **fet**). Ett tal i texten kan knytas till
# datat så att det kontrolleras: [16 713 030](tal:ekonomi.budget).
# Belopp skrivs i hela kronor, antal anställda i hela eller halva tjänster (2,5), andelar i
# procent (49,7). '…' betyder att något ska fyllas i.

# Titelsidans fakta.
projekt:
  namn: …  # TODO: fyll i projektets namn, t.ex. Näringsliv i samverkan
  kortnamn: …  # TODO: fyll i kortnamnet, t.ex. NIS 6.0
  rapporttyp: Slutrapport
  period:  # projektperioden (år, år-månad eller datum); ändra till projektets egen
    fran: "{fran}"
    till: "{till}"
  kommuner:  # de medverkande kommunerna, en per rad
    - …  # TODO: fyll i kommunens namn, eller ta bort raden
  finansiarer:  # finansiärerna, en per rad, med samma namn som under ekonomi
    - Tillväxtverket
    - …  # TODO: fyll i finansiärens namn, t.ex. regionen, eller ta bort raden
  projektagare:  # valfritt: projektägaren
  utvarderare:  # valfritt: den externa utvärderaren
  webbplats:  # valfritt: projektets webbplats
  rapportdatum:  # valfritt: när rapporten skrevs, t.ex. 2026-12
  arendenummer:  # valfritt: ärendenumret (diarienumret) hos finansiären
  logotyper: []  # valfritt: titelsidans logotyper, t.ex. - {fil: bilder/logo.png, text: Kommunen}
  eu_markering: "{eu_markering}"  # EU-märket på titelsidan: 2021-2027, 2014-2020 eller ingen
  eu_markering_sidfot: false  # true: EU-märkets text också i sidfoten

# Rubriker för rapportens fasta delar.
rubriker:
  innehall: Innehåll
  tabellforteckning:  # valfritt: rubrik för en förteckning över tabellerna, t.ex. Tabeller
  diagramforteckning:  # valfritt: rubrik för en förteckning över diagrammen, t.ex. Diagram
  bildforteckning:  # valfritt: rubrik för en förteckning över bilderna, t.ex. Bilder

# Sammanfattande punkter överst i rapporten (Markdown), en per rad.
sammanfattning:
  - …  # TODO: fyll i en sammanfattande punkt; lägg till fler rader efter behov

# Rapportens avsnitt, i ordning.
"""


# --- the next report from the last one --------------------------------------------------------


def from_previous(previous: str | Path, target: str | Path | None = None, *,
                  registers: Mapping[str, str] | None = None) -> str:
    """The YAML of the next report, made from the last one's data file (see the module doc).

    The old file must load (:func:`slutrapport.load`; a 0.1 file is refused, naming
    ``slutrapport migrate``); its findings do not matter, since its figures are cleared.

    The ``register:`` block is kept (the registers' paths, columns and labels) and its paths are
    listed under ``granska``. When the new file (``target``) lies in another folder, the
    block's ``mapp`` is written so that it names the same folder from there. ``registers``:
    entries that name the new project's registers (``mapp`` and the files, from ``new
    --registers``), written into the block instead and not marked.
    """
    report = load(previous)  # refuses, with file and line, what the model would not accept
    yaml = _yaml()
    doc = yaml.load(Path(previous).read_text(encoding="utf-8-sig"))
    _strip_markers(doc)
    if registers:
        if not isinstance(doc.get("register"), CommentedMap):
            doc["register"] = CommentedMap()
        block = doc["register"]
        named = ("mapp", *REGISTERS)
        for key, value in registers.items():
            if key in block:
                block[key] = value
            else:  # after the entries that come before it in the block's order
                at = [i + 1 for i, k in enumerate(block)
                      if k in named and named.index(k) < named.index(key)]
                block.insert(max(at, default=0), key, value)
    elif target is not None and isinstance(doc.get("register"), CommentedMap):
        _repoint(doc["register"], Path(previous), Path(target))
    clearing = _Clearing(report, registers or ())
    clearing.report_root(doc)
    clearing.settle(doc, *_listed(yaml, doc, str(previous)))
    doc.ca.comment = None
    doc.yaml_set_start_comment(_FROM_HEAD.replace("{fil}", Path(previous).name))
    return _finish(yaml, doc, str(previous))


_FROM_HEAD = """\
Data för nästa slutrapport, skapad med 'slutrapport new --from {fil}'.
Dispositionen, rubrikerna, namnen, kommunerna, finansiärerna, kostnadsslagen och programmets
steg kommer från den förra rapporten; siffrorna är nollställda, texterna tomma och företagen
borttagna. Fyll i allt som är märkt TODO. Det som fördes över står under 'granska' längst ned:
ändra det som inte längre stämmer och ta bort raden för det som ska stå kvar.
Kontrollera sedan med 'slutrapport check FIL': den listar allt som återstår.
Löptext är Markdown; ett tal i texten kan knytas till datat: [2 949](tal:sökväg)."""

_GRANSKA_NOTE = ("fördes över från förra rapporten: ändra värdet ovan eller ta bort raden här "
                 "när det är granskat")


@dataclass
class _Zero:
    """A figure set to 0: where, whether the model lets it be left out, what it is."""

    loc: Loc
    optional: bool
    about: str
    in_mapping: bool = False
    """An entry of a mapping of figures (``nyckeltal``), whose names are the report's own."""


class _Clearing:
    """One pass over the old file's data: clears, keeps and marks (see the module doc)."""

    def __init__(self, report: Slutrapport, fresh: Iterable[str] = ()) -> None:
        self.report = report
        self.fresh = set(fresh)
        """The register block's entries written anew (not carried over, not marked)."""
        self.marks: dict[str, Any] = {}
        self.zeros: list[_Zero] = []
        self.notes: dict[Loc, str] = {}
        self.hints: dict[Loc, str] = {}
        self.rows: set[Loc] = set()
        self.names_of: dict[Loc, Loc] = {}
        """A mapping of figures' place → the place of the mapping that names its entries."""

    def report_root(self, doc: CommentedMap) -> None:
        """Clear the whole report, section by section."""
        if "granska" in doc:
            del doc["granska"]
        for key in list(doc):
            if key == "register":
                continue
            if key == "avsnitt" and isinstance(doc[key], CommentedSeq):
                for i, item in enumerate(doc[key]):
                    section = self.report.avsnitt[i]
                    if isinstance(item, CommentedMap) and "id" not in item:
                        # the marks name the section by id: one of its own keeps them valid
                        # when a section of the same kind is added
                        item.insert(1 if "typ" in item else 0, "id", section.name)
                    self.model(item, type(section), ("avsnitt", i), (section.name,))
            elif key != "avsnitt":
                self.field(doc, str(key), Slutrapport, (), ())
        if isinstance(doc.get("register"), CommentedMap):
            # the registers' block (their paths, columns and labels) is the project's way of
            # keeping them: kept, and where they are marked for review (the next project's
            # registers lie elsewhere, or start empty)
            block = doc["register"]
            for key in ("mapp", *REGISTERS):
                if isinstance(block.get(key), str) and key not in self.fresh:
                    self.marks[f"register.{key}"] = str(block[key])

    def model(self, node: Any, model: type[BaseModel], loc: Loc, shown: Loc) -> None:
        if isinstance(node, CommentedMap):
            for key in list(node):
                if str(key) in model.model_fields:
                    self.field(node, str(key), model, loc, shown)

    def field(self, node: CommentedMap, key: str, model: type[BaseModel], loc: Loc,
              shown: Loc) -> None:
        info = model.model_fields[key]
        here, shown_here = (*loc, key), (*shown, key)
        value = node[key]
        carry = model.CARRY if issubclass(model, Modell) else Carry()
        kind = _kind(info)
        hint = carry.hints.get(key, carry.rows.get(key))
        if hint is not None:
            self.hints[here] = hint
        if key in carry.renewed:
            self.period(node, here, shown_here)
        elif key in carry.rows:
            node[key] = CommentedSeq()
            self.rows.add(here)
        elif key in carry.sum_rows and isinstance(value, CommentedSeq):
            for i, cell in enumerate(value):
                if not isinstance(cell, str):
                    value[i] = None
            self.notes[here] = carry.sum_rows[key]
        elif key in carry.emptied:
            if value is not None:
                node[key] = None
                self.notes[here] = carry.emptied[key]
        elif value is None or key in carry.kept:
            pass
        elif key in carry.names_of:
            self.names_of[(*loc, carry.names_of[key])] = here
        elif _strip_optional(info.annotation) is Period:
            node[key] = None
            old = _period_text(value)
            self.notes[here] = f"valfritt: {_about(info)}, {{fran: …, till: …}}; förra: {old}"
        elif kind == "figure":
            node[key] = 0
            self.zeros.append(_Zero(here, _allows_none(info), _about(info)))
        elif kind == "figures" and isinstance(value, CommentedMap):
            for figure in list(value):
                value[figure] = 0
                self.zeros.append(_Zero((*here, str(figure)), True, _about(info), True))
        elif kind == "text" and isinstance(value, str) and narrative.picture_sources(value):
            # the text's pictures go on into the next report, after the text to write, and
            # are marked for review
            node[key] = LiteralScalarString(
                "\n\n".join([PLACEHOLDER, *narrative.picture_sources(value)]))
            self.marks[format_loc(shown_here)] = LiteralScalarString(node[key])
        elif kind == "text" and isinstance(value, str):
            node[key] = PlainScalarString(PLACEHOLDER)
            _after_block(node, key, value)
        elif kind == "text" and isinstance(value, list) and value:
            node[key] = CommentedSeq()
        elif kind == "model":
            self.model(value, _element(info), here, shown_here)
        elif kind == "models" and isinstance(value, CommentedSeq):
            for i, item in enumerate(value):
                self.model(item, _element(info), (*here, i), (*shown_here, i))
        marked = carry.marked if carry.marked is not None else _MARKED_NAMES
        if node[key] is not None and key in marked:
            self.mark(shown_here, node[key], info)

    def named_too(self, doc: CommentedMap, loc: Loc, names: list[str]) -> list[str]:
        """The figures left out of the mapping at ``loc``, each with the name the mapping that
        names them gave it (``inventerade_aktorer (Inventerade aktörer)``), which goes too;
        that mapping, once empty, goes as well."""
        named_at = self.names_of.get(loc)
        if named_at is None:
            return names
        parent, key = _at(doc, named_at[:-1]), named_at[-1]
        given = parent.get(key)
        if not isinstance(given, CommentedMap):
            return names
        out = [f"{name} ({given.pop(name)})" if name in given else name for name in names]
        if not given:
            del parent[key]
        return out

    def mark(self, shown: Loc, value: Any, info: FieldInfo) -> None:
        """Mark a kept heading, name or address (a text, or a list of texts) for review."""
        if isinstance(value, str) and value != info.default:
            self.marks[format_loc(shown)] = str(value)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            listed = CommentedSeq(str(v) for v in value)
            listed.fa.set_flow_style()
            self.marks[format_loc(shown)] = listed

    def period(self, node: CommentedMap, here: Loc, shown: Loc) -> None:
        """A period that moves on (the project's): each end is a TODO naming the old period,
        and marked."""
        period = at(self.report, here)
        old = _period_text(period)
        self.notes[(*here, "fran")] = f"TODO: fyll i när det nya projektet börjar (förra: {old})"
        self.notes[(*here, "till")] = "TODO: fyll i när det nya projektet slutar"
        self.marks[format_loc((*shown, "fran"))] = period.fran
        self.marks[format_loc((*shown, "till"))] = period.till

    def settle(self, doc: CommentedMap, listed: list[Loc], unshown: set[Loc]) -> None:
        """Knowing what ``check`` lists as left to fill in and as not shown, decide each
        comment, and leave out each 0 that is neither a listed to-do nor shown."""
        emptied_maps: dict[Loc, tuple[list[str], str]] = {}
        left_out: set[Loc] = set()
        for zero in self.zeros:
            if any(zero.loc[:len(t)] == t for t in listed) and zero.loc not in unshown:
                continue
            parent, key = _at(doc, zero.loc[:-1]), zero.loc[-1]
            if zero.in_mapping:  # a name of the last report's own: left out, named in a comment
                names, _ = emptied_maps.setdefault(zero.loc[:-1], ([], zero.about))
                names.append(str(key))
                del parent[key]
                left_out.add(zero.loc)
            elif zero.optional:
                parent[key] = None
                self.notes[zero.loc] = f"valfritt: {zero.about}"
                left_out.add(zero.loc)
            else:
                self.notes[zero.loc] = _FILL_IN
        for loc, (names, about) in emptied_maps.items():
            names[:] = self.named_too(doc, loc, names)
            if not _at(doc, loc):
                _at(doc, loc[:-1])[loc[-1]] = CommentedMap()
            self.notes[loc] = f"valfritt: {about}; förra: {', '.join(names)}"
        for loc in self.rows:
            if loc not in listed:
                self.notes[loc] = f"valfritt: {self.hints[loc]}"
        for loc in listed:
            if loc not in left_out:
                hint = self.hints.get(loc)
                self.notes[loc] = f"{_FILL_IN} {hint}" if hint else _FILL_IN
        for loc, text in self.notes.items():
            _set_eol(_at(doc, loc[:-1]), loc[-1], text)
        if self.marks:
            marks = CommentedMap(self.marks)
            doc["granska"] = marks
            doc.yaml_add_eol_comment(_GRANSKA_NOTE, "granska")


def _listed(yaml: YAML, doc: CommentedMap, source: str) -> tuple[list[Loc], set[Loc]]:
    """What ``check`` says of the cleared data: the places it lists as left to fill in
    (``ej-ifyllt``), and the figures the rendered report would not show (``tal-visas-inte``)."""
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    report = _validate(buffer.getvalue(), source)
    findings = check(report)
    return ([loc_of(report, f.path) for f in findings if f.code == "ej-ifyllt"],
            {loc_of(report, f.path) for f in findings if f.code == "tal-visas-inte"})


def _at(doc: Any, loc: Loc) -> Any:
    node = doc
    for part in loc:
        node = node[part]
    return node


def _period_text(period: Any) -> str:
    return f"{period['fran']}–{period['till']}" if isinstance(period, dict) \
        else f"{period.fran}–{period.till}"


def _about(info: FieldInfo) -> str:
    """A field's description as the tail of a comment: 'Antal företag.' -> 'antal företag'."""
    text = (info.description or "").strip().rstrip(".")
    return text[:1].lower() + text[1:]


# --- comments -----------------------------------------------------------------------------------


def _nodes(node: Any) -> Iterator[CommentedMap | CommentedSeq]:
    if isinstance(node, CommentedMap):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, CommentedSeq):
        yield node
        for value in node:
            yield from _nodes(value)


def _strip_markers(doc: CommentedMap) -> None:
    """Drop the ``# TODO`` end-of-line comments of the old file: they are made anew.

    (A ``# valfritt`` comment stays, unless a new comment takes its place.)
    """
    for node in _nodes(doc):
        slot = 0 if isinstance(node, CommentedSeq) else 2
        for entry in node.ca.items.values():
            token = entry[slot] if len(entry) > slot else None
            if token is not None and _TODO.match(token.value.split("\n", 1)[0]):
                line, _, rest = token.value.partition("\n")
                _, sep, note = line.strip().partition("  # ")  # a note after the mark stays
                if sep:
                    token.value = f"# {note}" + (f"\n{rest}" if rest else "")
                elif rest:
                    token.value = "\n" + rest
                else:
                    entry[slot] = None
        comment = node.ca.comment
        if comment and comment[0] is not None and _TODO.match(comment[0].value):
            comment[0] = None


def _after_block(node: CommentedMap, key: str, old: Any) -> None:
    """A block scalar (``|-``) replaced by a plain one: its following lines keep their place.

    After a block scalar, the comment ruamel keeps for a key starts on the next line; after a
    plain one it starts with the rest of the key's own line.
    """
    token = node.ca.items.get(key, [None, None, None])[2]
    if token is not None and isinstance(old, LiteralScalarString | FoldedScalarString):
        token.value = "\n" + token.value


def _set_eol(node: Any, key: Any, text: str) -> None:
    """Put text as key's end-of-line comment, keeping the comment lines that follow it."""
    if isinstance(node, CommentedSeq) and isinstance(node[key], CommentedMap) and node[key]:
        node, key = node[key], next(iter(node[key]))  # on the item's first line
    # the old file's comment after a block scalar's indicator ('text: |-  # …'): kept after ours
    block = node.ca.items.get(key) if isinstance(node, CommentedMap) else None
    after = ""
    if block is not None and len(block) > 3 and block[3]:
        after = " ".join(str(getattr(c, "value", c)).strip() for c in block[3])
        block[3] = None
        if _MARKER.match(after):
            after = ""
    if isinstance(node[key], LiteralScalarString) and not isinstance(node, CommentedSeq):
        # a block scalar's comment stands after its indicator, on the key's line: 'text: |-  # …'
        node[key].comment = f"  # {text}" + (f"  {after}" if after else "")
        return
    if after:
        text += f"  {after}"
    if node.fa.flow_style():
        node.fa.set_block_style()  # a comment ends the line: {a: 1  # …} is not a line
    slot = 0 if isinstance(node, CommentedSeq) else 2
    entry = node.ca.items.get(key)
    old = entry[slot] if entry is not None and len(entry) > slot else None
    first, rest = "", ""
    if old is not None:
        first, _, rest = old.value.partition("\n")
    value = node[key]
    if isinstance(value, CommentedMap | CommentedSeq) and value.ca.comment:
        value.ca.comment[0] = None  # the same comment, held by the child too
    note = first.strip()
    if _MARKER.match(first):  # this module's own mark, made anew; a note after it is kept
        _, sep, tail = note.partition("  # ")
        note = f"# {tail}" if sep else ""
    node.yaml_add_eol_comment(text + (f"  {note}" if note else ""), key)
    token = node.ca.items[key][slot]
    if rest:
        token.value += "\n" + rest


# --- shared -------------------------------------------------------------------------------------


_TOP_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:")


def _space_sections(text: str) -> str:
    """One blank line before each top-level key (and the comments just above it)."""
    out: list[str] = []
    for line in text.splitlines():
        if _TOP_KEY.match(line) and not any(_TOP_KEY.match(seen) for seen in out):
            if out and out[-1].startswith("#"):
                out.append("")  # after the header
        elif _TOP_KEY.match(line):
            block: list[str] = []
            while out and out[-1].startswith("#"):
                block.insert(0, out.pop())
            while out and not out[-1].strip():
                out.pop()
            out.extend(["", *block])
        out.append(line)
    return "\n".join(out) + "\n"


def _finish(yaml: YAML, doc: Any, source: str) -> str:
    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    text = _space_sections(_TODO_SPACING.sub("  # ", buffer.getvalue()))
    _validate(text, source)
    return text


def _validate(text: str, source: str) -> Slutrapport:
    """Make sure the new file loads; a failure here is a bug, reported as unusable input.

    The text is read as a file would be (the loader's fast reader, YAML 1.2).
    """

    try:
        with tempfile.TemporaryDirectory(prefix="slutrapport-") as folder:
            path = Path(folder) / "ny.yaml"
            path.write_text(text, encoding="utf-8")
            data, _ = read_yaml(path)
        return from_data(data)
    except InputError as exc:
        raise InputError([Problem(
            f"den nya filen blev ogiltig ({p.path}: {p.message}); rapportera detta som ett fel",
            file=source) for p in exc.problems]) from exc


def _kind(field: FieldInfo) -> str:
    """'figure', 'figures' (a mapping of figures), 'text' (Markdown), 'model', 'models' or ''."""
    metadata = field_metadata(field)
    names = validator_names(metadata)
    base = _strip_optional(field.annotation)
    if typing.get_origin(base) is dict:
        return "figures"
    if names & {"_whole", "read_number", "_percent"}:
        return "figure"
    if MARKDOWN in metadata:
        return "text"
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "model"
    if typing.get_origin(base) is list:
        element = typing.get_args(base)[0]
        if isinstance(element, type) and issubclass(element, BaseModel):
            return "models"
    return ""


def _allows_none(field: FieldInfo) -> bool:
    """Whether a field may be left empty (null)."""
    return typing.get_origin(field.annotation) in (typing.Union, types.UnionType) and \
        type(None) in typing.get_args(field.annotation)


def _strip_optional(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _element(field: FieldInfo) -> type[BaseModel]:
    base = _strip_optional(field.annotation)
    if typing.get_origin(base) is list:
        base = typing.get_args(base)[0]
    assert isinstance(base, type) and issubclass(base, BaseModel)
    return base


def _repoint(block: CommentedMap, previous: Path, target: Path) -> None:
    """The register block's ``mapp`` as the new file must write it to name the same folder,
    where that folder lies within the new file's (a data file reads registers only there); else
    it stays as written, for the user to change (it is under ``granska``)."""
    given = block.get("mapp")
    if isinstance(given, str) and Path(given).is_absolute():
        return
    old_base = previous.resolve().parent
    new_base = target.resolve().parent
    if old_base == new_base:
        return
    folder = old_base / given if isinstance(given, str) else old_base
    where = Path(os.path.relpath(folder, new_base)).as_posix()
    if where.startswith(".."):
        return
    if "mapp" in block:
        block["mapp"] = where
    else:
        block.insert(0, "mapp", where)


def write_new(output: str | Path, previous: str | Path | None = None, *,
              disposition: str | None = None, force: bool = False) -> Path:
    """Write the next report's data file (see :func:`from_previous` and :func:`skeleton`).

    ``disposition`` names the outline of an empty report (the default outline if None); with
    ``previous`` the last report's outline is kept, so giving both is refused. Refuses
    (:class:`~slutrapport.errors.InputError`) to overwrite an existing file unless ``force``;
    a data file written over is kept as ``FIL.bak`` (``FIL.1.bak`` … if that exists); writes
    atomically.
    """
    return write_new_file(output, previous, disposition=disposition, force=force).path


def write_new_file(output: str | Path, previous: str | Path | None = None, *,
                   disposition: str | None = None, force: bool = False,
                   registers: Mapping[str, str] | None = None, block: str = "") -> Written:
    """:func:`write_new`, also telling where a data file written over was kept.

    ``registers`` (with ``previous``): the ``register:`` entries of the new project's registers
    (see :func:`from_previous`); ``block`` (without): a ``register:`` block to end the file with.
    """

    if previous is not None and disposition is not None:
        raise InputError([Problem(
            "--disposition och --from går inte att använda tillsammans: med --from följer "
            "den förra rapportens disposition med")])
    if disposition is not None and disposition not in dispositioner.names():
        raise InputError([Problem(_unknown_outline(disposition))])
    target = Path(output)
    if previous is not None:  # the previous report itself may be written over (it is kept)
        refuse_backup(target, [("den förra rapporten", previous)])
    if target.exists() and not force:
        raise InputError([Problem(
            "filen finns redan; välj ett annat namn eller skriv över den med --force",
            file=str(target))])
    if target.is_dir():
        raise InputError([Problem("är en mapp; ange filen som ska skrivas", file=str(target))])
    if target.parent != Path() and not target.parent.is_dir():
        raise InputError([Problem(f"mappen {target.parent} finns inte", file=str(target))])
    if previous is not None:
        text = from_previous(previous, target, registers=registers)
    else:
        text = skeleton(disposition or dispositioner.DEFAULT)
        if block:
            text = text.rstrip("\n") + "\n\n" + block
    return write_file(target, text.encode("utf-8"), data_file=True)
