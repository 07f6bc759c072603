"""Empty registers to keep from the project's first day (``slutrapport new --registers MAPP``).

:func:`write_registers` writes one workbook (.xlsx) per register that a report can name under
``register:`` — the activity log, the participants, the programme companies, the ledger and the
financing — each with

- its sheet (``Logg``, ``Deltagare``, ``Foretag``, ``Huvudbok``, ``Finansiering``) and a header
  row of Swedish titles that the register reader matches (``Datum``, ``Område``, ``Kommun``,
  ``Kvinnor``, ``Män`` …), bold, frozen, with columns wide enough for what goes in them;
- number formats on the columns: dates ``ÅÅÅÅ-MM-DD``, kronor, head counts with one decimal —
  the decimal comma and the thousands space are the spreadsheet program's own, from its locale;
- drop-down lists (data validation) for the activity areas, the municipalities, the cost
  categories and the financiers, each referring to a column of the workbook's sheet ``Listor``.

:func:`lists_from_report` takes the lists from a report (``--from``): area ids and headings,
municipalities' names (the reader takes a name for the municipality's id), cost categories and
financiers. Without a report the ``Listor`` sheet has the titles only and the drop-downs refer to
its first :data:`FILL_ROWS` rows, so a name added there appears in the list.
:func:`register_block` is the ``register:`` block to put in the report (the report file itself
is never changed).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from slutrapport._files import os_error_text, write_file
from slutrapport.errors import InputError, Problem
from slutrapport.fields import date_bounds
from slutrapport.kinds.aktiviteter import Aktiviteter
from slutrapport.kinds.deltagarprogram import Deltagarprogram
from slutrapport.kinds.ekonomi import Ekonomi
from slutrapport.loader import load, read_yaml
from slutrapport.names import name_key, pair_names, slug, unfilled

if TYPE_CHECKING:
    from slutrapport._files import Protect, Written
    from slutrapport.models import Slutrapport

__all__ = [
    "FILL_ROWS",
    "LIST_SHEET",
    "REGISTERS",
    "Choice",
    "Column",
    "Lists",
    "Register",
    "lists_from_report",
    "new_registers",
    "refuse_existing",
    "register_block",
    "write_registers",
]

Value = Literal["text", "date", "count", "halves", "hours", "kronor", "ore", "gender", "list"]
"""What a column holds: free text, a date, a whole count ≥ 0, a head count (halves allowed),
whole kronor, kronor and öre, kvinna/man, or a choice from a list on the sheet ``Listor``."""

CellValue = str | int | float | Decimal | _dt.date | None
"""A value of a register cell."""

ListName = Literal["omrade", "kommun", "kategori", "finansiar"]

LIST_SHEET = "Listor"
"""The sheet that holds the drop-down lists in each workbook."""

FILL_ROWS = 200
"""Rows of ``Listor`` a drop-down refers to when the list is left to fill in."""

LAST_ROW = 1_048_576
"""The last row of a sheet: validations and formats cover every row below the header."""


@dataclass(frozen=True)
class Column:
    """A register column: its name (as the reader knows it), header title, width and values."""

    name: str
    title: str
    width: float
    value: Value = "text"
    choices: ListName | None = None
    prompt: str = ""


@dataclass(frozen=True)
class Register:
    """A register: its key under ``register:``, file name, sheet name and columns."""

    key: str
    file: str
    sheet: str
    columns: tuple[Column, ...]
    what: str


@dataclass(frozen=True)
class Choice:
    """One entry of a drop-down list: the value that goes in the register cell, and what it
    stands for in the report (an area's heading), if anything else."""

    value: str
    means: str = ""


@dataclass(frozen=True)
class Lists:
    """The drop-down lists of a register set; an empty list is left to fill in on ``Listor``."""

    omrade: tuple[Choice, ...] = ()
    kommun: tuple[Choice, ...] = ()
    kategori: tuple[Choice, ...] = ()
    finansiar: tuple[Choice, ...] = ()
    period: tuple[_dt.date, _dt.date] | None = None
    ids_in_report: frozenset[str] = field(default_factory=frozenset)
    """Area ids the report gives already (``register.omraden`` or the area's ``id``)."""
    unnamed_areas: int = 0
    """Activity areas left out: their heading is still '…' and they have no id of their own,
    so nothing names them yet."""

    def of(self, name: ListName) -> tuple[Choice, ...]:
        """The list by its name."""
        chosen: tuple[Choice, ...] = getattr(self, name)
        return chosen


_AREA_PROMPT = "Aktivitetsområdets id (listan står på bladet Listor)."
_MUNICIPALITY_PROMPT = "Kommunen som rapporten namnger den (listan står på bladet Listor)."

REGISTERS: tuple[Register, ...] = (
    Register("aktivitetslogg", "aktivitetslogg.xlsx", "Logg", (
        Column("datum", "Datum", 12, "date", prompt="Dagen då aktiviteten hölls."),
        Column("omrade", "Område", 30, "list", "omrade", _AREA_PROMPT),
        Column("kommun", "Kommun", 16, "list", "kommun", _MUNICIPALITY_PROMPT),
        Column("aktivitet", "Aktivitet", 40, prompt="Vad som gjordes (fri text)."),
        Column("foretag", "Företag", 28,
               prompt="Företaget som besöktes eller deltog, om det var ett (fri text)."),
        Column("kvinnor", "Kvinnor", 10, "count", prompt="Antal kvinnor som deltog."),
        Column("man", "Män", 10, "count", prompt="Antal män som deltog."),
    ), "en rad per aktivitet (tillfälle) med deltagarna räknade som kvinnor och män"),
    Register("deltagare", "deltagare.xlsx", "Deltagare", (
        Column("person", "Person", 24,
               prompt="Personens nyckel, t.ex. ett löpnummer — samma för samma person."),
        Column("kon", "Kön", 10, "gender", prompt="kvinna eller man."),
        Column("datum", "Datum", 12, "date", prompt="Dagen då personen deltog."),
        Column("omrade", "Område", 30, "list", "omrade", _AREA_PROMPT),
        Column("kommun", "Kommun", 16, "list", "kommun", _MUNICIPALITY_PROMPT),
        Column("insats", "Insats", 30,
               prompt="I ett deltagarprogram: insatsen, som rapporten namnger den."),
        Column("timmar", "Timmar", 10, "hours",
               prompt="I ett deltagarprogram: tillfällets längd i timmar (t.ex. 2,5)."),
    ), "en rad per deltagande person och tillfälle, med en nyckel per person"),
    Register("foretag", "foretag.xlsx", "Foretag", (
        Column("namn", "Namn", 36, prompt="Företagets namn."),
        Column("organisationsnummer", "Organisationsnummer", 20,
               prompt="NNNNNN-NNNN; med det räknas varje företag en gång."),
        Column("kommun", "Kommun", 16, "list", "kommun", _MUNICIPALITY_PROMPT),
        Column("anstallda_fore", "Anställda före", 16, "halves",
               prompt="Anställda vid första mätningen (halva tjänster går bra, t.ex. 2,5)."),
        Column("anstallda_efter", "Anställda efter", 16, "halves",
               prompt="Anställda vid sista mätningen (halva tjänster går bra, t.ex. 2,5)."),
    ), "programföretagen med antal anställda före och efter"),
    Register("kostnader", "huvudbok.xlsx", "Huvudbok", (
        Column("datum", "Datum", 12, "date", prompt="Bokföringsdagen."),
        Column("verifikation", "Verifikation", 14, prompt="Verifikationens nummer."),
        Column("kategori", "Kategori", 28, "list", "kategori",
               "Kostnadsslaget som rapporten redovisar (listan står på bladet Listor)."),
        Column("belopp", "Belopp", 16, "ore", prompt="Beloppet i kronor (ören går bra)."),
    ), "huvudboken: en rad per bokförd kostnad med rapportens kostnadsslag"),
    Register("finansiering", "finansiering.xlsx", "Finansiering", (
        Column("finansiar", "Finansiär", 30, "list", "finansiar",
               "Finansiären (listan står på bladet Listor)."),
        Column("belopp", "Belopp", 16, "kronor", prompt="Beloppet i hela kronor."),
        Column("datum", "Datum", 12, "date", prompt="Beslutets eller utbetalningens dag."),
    ), "finansieringen: en rad per beslut eller utbetalning"),
)
"""Every register that ``new --registers`` writes, in the order of the ``register:`` block."""

# The Listor sheet: per list, the title of the value column and of the column beside it.
_LIST_TITLES: dict[ListName, tuple[str, str]] = {
    "omrade": ("Område", "Rubrik i rapporten"),
    "kommun": ("Kommun", ""),
    "kategori": ("Kategori", ""),
    "finansiar": ("Finansiär", ""),
}

_FORMATS: dict[Value, str] = {
    "date": "yyyy-mm-dd",
    "count": "0",
    "halves": "0.0",
    "hours": "0.0",
    "kronor": '#,##0 "kr"',
    "ore": '#,##0.00 "kr"',
}

_HEADER_FILL = "D9E2F3"


def lists_from_report(report: Slutrapport, raw: Mapping[str, Any] | None = None) -> Lists:
    """The drop-down lists from a report: its activity areas (id and heading), municipalities
    (names), cost categories and financiers, and its period for the dates.

    An area's id is the one ``register.omraden`` maps to its heading, else the area's own
    ``id``, else one made from the heading (:func:`area_id`). An activity section with a count of
    its own (NIS 6.0's ``Samverkan Umeå``) is an area too, with the section's id. An area whose
    heading is still '…' and that has no id is left out (counted in ``unnamed_areas``): an id
    made from '…' would name nothing. ``raw`` is the report file's data as read (for its
    ``register:`` block).
    """

    block = _mapping((raw or {}).get("register"))
    given_areas = {name_key(h): str(i) for i, h in _mapping(block.get("omraden")).items()}
    areas: list[Choice] = []
    in_report: set[str] = set()
    taken: set[str] = set()
    unnamed = 0

    def add(heading: str, own_id: str | None) -> None:
        nonlocal unnamed
        given = given_areas.get(name_key(heading)) or own_id
        if not given and unfilled(heading):
            unnamed += 1
            return
        if given:
            in_report.add(given)
        value = given or area_id(heading, taken)
        taken.add(value)
        areas.append(Choice(value, heading))

    for section in report.avsnitt:
        if isinstance(section, Deltagarprogram):  # a programme's participants name it
            add(section.rubrik, section.name)
            continue
        if not isinstance(section, Aktiviteter):
            continue
        if section.antal is not None:
            add(section.rubrik, section.id)
        for area in section.omraden:
            add(area.rubrik, getattr(area, "id", None))
    municipalities = tuple(Choice(n) for n in report.projekt.kommuner)
    categories: list[str] = []
    financiers: list[str] = list(report.projekt.finansiarer)

    for economy in (s for s in report.avsnitt if isinstance(s, Ekonomi)):
        categories += [k.kategori for k in economy.kostnader if k.kategori not in categories]
        # a financing row's name near a listed financier is a slip (check says which): it is
        # no choice of its own; one left as "…" is not filled in
        pairing = pair_names([f.finansiar for f in economy.finansiering],
                             report.projekt.finansiarer)
        slips = {i for i, meant in pairing.unknown if meant is not None}
        financiers += [f.finansiar for i, f in enumerate(economy.finansiering)
                       if i not in slips and not unfilled(f.finansiar)
                       and not any(name_key(f.finansiar) == name_key(n) for n in financiers)]
    period = report.projekt.period
    return Lists(
        omrade=tuple(areas), kommun=municipalities,
        kategori=tuple(Choice(c) for c in categories),
        finansiar=tuple(Choice(f) for f in financiers),
        period=(date_bounds(period.fran)[0], date_bounds(period.till)[1]),
        ids_in_report=frozenset(in_report), unnamed_areas=unnamed)


def area_id(heading: str, taken: Iterable[str] = ()) -> str:
    """A short id for an activity area, made from its heading: its first words but the small
    ones (och, för, av …), folded, at most 26 characters, numbered if the id is taken.

    >>> area_id("Uppsökande verksamhet hos företag.")
    'uppsokande_verksamhet'
    >>> area_id("Utveckla nätverk för företagande kvinnor")
    'utveckla_natverk'
    >>> area_id("Främja innovation", ["framja_innovation"])
    'framja_innovation_2'
    """

    words = [w for w in slug(heading).split("_") if w not in _SMALL_WORDS] or [slug(heading)]
    out = words[0][:26]
    for word in words[1:]:
        if len(out) + 1 + len(word) > 26:
            break
        out += "_" + word
    used = set(taken)
    candidate, n = out, 2
    while candidate in used:
        candidate, n = f"{out}_{n}", n + 1
    return candidate


_SMALL_WORDS = {"och", "for", "av", "i", "hos", "med", "samt", "vid", "om", "pa", "till",
                "inom", "den", "det", "de", "en", "ett", "som", "att", "fran", "mellan", "under"}


def write_registers(folder: str | Path, lists: Lists | None = None, *, force: bool = False,
                    stamp: _dt.datetime | None = None) -> list[Path]:
    """Write the empty registers of :data:`REGISTERS` into ``folder`` (made if missing) and
    return their paths.

    Refuses (:class:`~slutrapport.errors.InputError`, exit 2), writing nothing, if any of the
    files exists, unless ``force``; a register written over is kept as ``FIL.bak`` (``FIL.1.bak``
    … if that exists) first, since it may hold the project's rows. ``stamp`` fixes the workbooks'
    dates (and the zip entries'), so the same input gives the same bytes.
    """
    return [w.path for w in _write_registers(folder, lists, force=force, stamp=stamp)]


def _write_registers(folder: str | Path, lists: Lists | None = None, *, force: bool = False,
                     stamp: _dt.datetime | None = None, protect: Protect = ()) -> list[Written]:
    """:func:`write_registers`, also telling where each register written over was kept."""

    paths = refuse_existing(folder, force=force)
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError([Problem(f"mappen kan inte skapas ({os_error_text(exc)})",
                                  file=str(target))]) from exc
    lists = lists or Lists()
    return [write_file(path, workbook_bytes(register, lists, stamp=stamp), protect=protect,
                       keep=True)
            for register, path in zip(REGISTERS, paths, strict=True)]


def refuse_existing(folder: str | Path, *, force: bool = False) -> list[Path]:
    """The registers' paths in ``folder``; :class:`~slutrapport.errors.InputError` naming each
    that exists already (unless ``force``), or if ``folder`` is a file."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InputError([Problem("finns redan och är ingen mapp; ange mappen där registren "
                                  "ska skrivas", file=str(target))])
    paths = [target / r.file for r in REGISTERS]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        raise InputError([Problem(
            f"{'registret' if len(existing) == 1 else 'registren'} {names} finns redan här; "
            "välj en annan mapp eller skriv över med --force", file=str(target))])
    return paths


def workbook_bytes(register: Register, lists: Lists, *,
                   rows: Iterable[Sequence[CellValue]] = (),
                   stamp: _dt.datetime | None = None) -> bytes:
    """One register as an .xlsx file's bytes (see the module's description), with ``rows``
    (values in the order of the register's columns) below the header, if any are given.

    Written with XlsxWriter, which never reads a text as a formula here (``strings_to_formulas``
    is off and each cell is written as what it is); its zip entries are dated 1980-01-01, and
    with ``stamp`` the workbook says it was made then, so the same input gives the same bytes.
    """
    out = io.BytesIO()
    book = Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                          "strings_to_numbers": False, "strings_to_urls": False})
    if stamp is not None:
        book.set_properties({"created": stamp, "author": "slutrapport"})
    styles = _Styles(book)
    ws = book.add_worksheet(register.sheet)
    used = [c.choices for c in register.columns if c.choices is not None]
    ranges = _list_sheet(book.add_worksheet(LIST_SHEET), used, lists, styles) if used else {}
    _header(ws, [(c.title, c.width) for c in register.columns], styles,
            [_FORMATS.get(c.value) for c in register.columns])
    for i, column in enumerate(register.columns):
        _validation(ws, i, column, lists, ranges)
    formats = [_FORMATS.get(c.value) for c in register.columns]
    for r, row in enumerate(rows, start=1):
        for i, (value, number_format) in enumerate(zip(row, formats, strict=True)):
            if value is None or value == "":
                continue
            _put(ws, r, i, value, styles, number_format)
    ws.activate()
    book.close()
    return out.getvalue()


class _Styles:
    """The cell formats of one workbook, each made once: the header's, and a cell's by its
    number format and whether its text needs the quote prefix."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.made: dict[tuple[str, str | None, bool], Format] = {}

    def header(self, filled: bool = True) -> Format:
        """Bold on the header's fill, a thin line below (no fill between Listor's lists)."""
        return self._get(("header", None, filled), {
            "bold": True, "valign": "vcenter", "bottom": 1,
            **({"pattern": 1, "bg_color": _HEADER_FILL} if filled else {})})

    def cell(self, number_format: str | None, quoted: bool) -> Format | None:
        """A cell's format: its column's number format, the quote prefix for text that looks
        like a formula; None for neither."""
        if number_format is None and not quoted:
            return None
        return self._get(("cell", number_format, quoted), {
            **({"num_format": number_format} if number_format else {}),
            **({"quote_prefix": True} if quoted else {})})

    def _get(self, key: tuple[str, str | None, bool], properties: dict[str, Any]) -> Format:
        if key not in self.made:
            self.made[key] = self.book.add_format(properties)
        return self.made[key]


def _header(ws: Worksheet, titles: Sequence[tuple[str, float]], styles: _Styles,
            formats: Sequence[str | None] = ()) -> None:
    """Row 1: the titles, bold on a fill, frozen; each column's width and number format."""
    for i, (title, width) in enumerate(titles):
        number_format = formats[i] if i < len(formats) else None
        ws.set_column(i, i, width, styles.cell(number_format, False))
        if title:
            ws.write_string(0, i, title, styles.header())
        else:
            ws.write_blank(0, i, None, styles.header(filled=False))
    ws.freeze_panes(1, 0)


_LIST_ERROR = ("Värdet står inte i listan på bladet Listor. Står det under register.etiketter "
               "i rapporten går det bra ändå.")


def _validation(ws: Worksheet, index: int, column: Column, lists: Lists,
                ranges: Mapping[ListName, str]) -> None:
    """The column's drop-down or check, on every row below the header, with its prompt."""
    rule: dict[str, Any] | None = None
    if column.choices is not None:
        rule = {"validate": "list", "source": "=" + ranges[column.choices],
                "error_type": "warning", "error_title": "Inte i listan",
                "error_message": _LIST_ERROR}
    elif column.value == "gender":
        rule = {"validate": "list", "source": ["kvinna", "man"], "error_title": "Kön",
                "error_message": "Skriv kvinna eller man."}
    elif column.value == "count":
        rule = {"validate": "integer", "criteria": ">=", "value": 0, "error_title": "Antal",
                "error_message": "Ett antal är ett heltal, 0 eller mer."}
    elif column.value == "halves":
        rule = {"validate": "decimal", "criteria": ">=", "value": 0,
                "error_title": "Anställda",
                "error_message": "Antalet anställda är 0 eller mer (t.ex. 2,5)."}
    elif column.value == "hours":
        rule = {"validate": "decimal", "criteria": ">=", "value": 0, "error_title": "Timmar",
                "error_message": "Antalet timmar är 0 eller mer (t.ex. 2,5)."}
    elif column.value == "date" and lists.period is not None:
        start, end = lists.period
        rule = {"validate": "date", "criteria": "between", "minimum": _excel_date(start),
                "maximum": _excel_date(end), "error_type": "warning",
                "error_title": "Utanför projektperioden",
                "error_message": f"Projektperioden är {start.isoformat()}–{end.isoformat()}."}
    if rule is None:
        return
    if column.prompt:
        rule.update(input_title=column.title, input_message=column.prompt)
    ws.data_validation(1, index, LAST_ROW - 1, index, {"ignore_blank": True, **rule})


_FORMULA_START = ("=", "+", "-", "@")
"""What makes a spreadsheet read typed text as a formula (OWASP's list, less tab and CR)."""


def _put(ws: Worksheet, row: int, column: int, value: CellValue, styles: _Styles,
         number_format: str | None = None) -> None:
    """Write a value into a cell (0-based); text always as text, never as a formula.

    Text is stored as a string cell (a report's heading ``=WEBSERVICE("http://…")`` is never a
    formula that would be fetched when the register is opened), and text beginning with ``=``,
    ``+``, ``-`` or ``@`` gets the cell style's quote prefix — the apostrophe Excel and
    LibreOffice show for "this is text" — so the cell shows the text as written and stays text
    when someone edits it.
    """
    if isinstance(value, str):
        ws.write_string(row, column, value,
                        styles.cell(number_format, value.startswith(_FORMULA_START)))
    elif isinstance(value, _dt.date):
        ws.write_datetime(row, column, value, styles.cell(number_format or "yyyy-mm-dd", False))
    else:
        ws.write_number(row, column, value, styles.cell(number_format, False))


def _excel_date(day: _dt.date) -> str:
    """A date as a formula both Excel and LibreOffice read whatever their locale."""
    return f"=DATE({day.year},{day.month},{day.day})"


def _list_sheet(ws: Worksheet, names: Sequence[ListName], lists: Lists,
                styles: _Styles) -> dict[ListName, str]:
    """Fill the sheet ``Listor`` with the lists a register uses; return each list's range."""
    ranges: dict[ListName, str] = {}
    titles: list[tuple[str, float]] = []
    col = 0
    for name in dict.fromkeys(names):
        choices = lists.of(name)
        value_title, means_title = _LIST_TITLES[name]
        letter = xl_col_to_name(col)
        last = 1 + len(choices) if choices else FILL_ROWS + 1
        ranges[name] = f"{LIST_SHEET}!${letter}$2:${letter}${last}"
        width = max([len(value_title) + 4, 16, *(len(c.value) + 2 for c in choices)])
        titles.append((value_title, min(width, 40)))
        for row, choice in enumerate(choices, start=1):
            _put(ws, row, col, choice.value, styles)
        col += 1
        if means_title:
            means_width = max([len(means_title) + 4, *(len(c.means) + 2 for c in choices)])
            titles.append((means_title, min(means_width, 60)))
            for row, choice in enumerate(choices, start=1):
                _put(ws, row, col, choice.means, styles)
            col += 1
        titles.append(("", 3))
        col += 1
    _header(ws, titles[:-1], styles)
    return ranges


def new_registers(folder: str | Path, report: str | Path | None = None, *,
                  force: bool = False, target: str | Path | None = None,
                  block_written: bool = False) -> str:
    """Write the registers into ``folder``, with the lists of ``report`` if given, and return
    what ``slutrapport new --registers`` prints: the files, and the ``register:`` lines to add
    to ``target`` (the report the registers belong to; by default ``report``).

    Nothing is written to any report file here. ``block_written``: ``target`` is a new report
    written with its ``register:`` block already (``new --registers MAPP -o NY.yaml``); only
    what the block still lacks is printed.
    """

    lists = None
    if report is not None:
        lists = lists_from_report(load(report), read_yaml(report)[0])
    protect = [("datafilen", f) for f in (report, target) if f is not None]
    written = _write_registers(folder, lists, force=force, protect=protect)
    paths = [w.path for w in written]
    target = target if target is not None else report
    existing = None
    if target is not None and Path(target).is_file():
        raw = read_yaml(target)[0]
        if isinstance(raw, Mapping) and "register" in raw:
            existing = _mapping(raw["register"])
    source = f" med listorna från {report}" if report is not None else ""
    width = max(len(str(p)) for p in paths)
    out = [f"Skrev {len(paths)} register i {folder}{source}:"]
    out += [f"  {p!s:<{width}}  {r.what}" for p, r in zip(paths, REGISTERS, strict=True)]
    out += [f"Det som stod i {w.path} förut finns kvar som {w.backup}." for w in written
            if w.backup is not None]
    if report is None:
        out += ["", f"Fyll i bladet {LIST_SHEET} i registren: områdenas id och rubriker, "
                "kommunerna, kostnadsslagen och finansiärerna — det som står där blir "
                "rullgardinslistorna."]
    block = register_block(folder, lists, report=target, existing=existing)
    if block_written:
        out += ["", f"Registren står under register: sist i {target}."]
        if any(line.strip() and not line.lstrip().startswith("#")
               for line in block.splitlines()[1:]):
            out += [f"Lägg till de här raderna under register: i {target}:", "",
                    block.rstrip("\n")]
    elif not block:
        out += ["", f"{target} har redan allt som behövs under register:."]
    elif target is None:
        out += ["", "Lägg till det här sist i rapportens datafil:", "", block.rstrip("\n")]
    elif existing is None:
        out += ["", f"Lägg till de här raderna sist i {target} (filen ändras inte här):", "",
                block.rstrip("\n")]
    else:
        out += ["", f"Lägg till de här raderna under register: i {target} "
                "(filen ändras inte här):", "", block.rstrip("\n")]
    return "\n".join(out) + "\n"


def register_block(folder: str | Path, lists: Lists | None = None, *,
                   report: str | Path | None = None,
                   existing: Mapping[str, Any] | None = None) -> str:
    """The ``register:`` block (YAML) that names the registers written into ``folder``.

    ``mapp`` is relative to ``report`` when it is given. With ``existing`` (the report's own
    ``register:`` block) only what it lacks is returned, under ``register:``; an empty string
    when it lacks nothing.
    """
    lists = lists or Lists()
    have = _mapping(existing)
    base = Path(report).parent if report is not None else None
    where = folder_from(folder, report)
    lines = ["register:"]
    if "mapp" not in have:
        note = "relativt rapportfilen" if base is not None else "relativt rapportfilen — ändra " \
            "om rapporten inte ligger i mappen du står i"
        lines.append(f"  mapp: {_yaml_str(Path(where).as_posix())}    # {note}")
    lines += [f"  {r.key}: {r.file}" for r in REGISTERS if r.key not in have]
    given = _mapping(have.get("omraden"))
    areas = [c for c in lists.omrade if c.value not in lists.ids_in_report
             and c.value not in given]
    if areas:
        lines.append("  omraden:" if "omraden" not in have else "  omraden:    # lägg till:")
        lines += [f"    {c.value}: {_yaml_str(c.means)}" for c in areas]
    if lists.unnamed_areas:
        n = lists.unnamed_areas
        which, they = ("ett aktivitetsområde", "det") if n == 1 else \
            (f"{n} aktivitetsområden", "de")
        lines += [f"  # {which} har ännu rubriken '…' och står inte här; när {they} har fått en",
                  "  # rubrik: skriv id och rubrik på bladet Listor och här under omraden "
                  "(id: rubrik)"]
    if not areas and not lists.omrade and "omraden" not in have:
        lines += ["  # omraden:    # områdets id i registren: områdets rubrik i rapporten",
                  "  #   foretagsbesok: \"Uppsökande verksamhet hos företag\""]
    return "" if len(lines) == 1 else "\n".join(lines) + "\n"


def folder_from(folder: str | Path, report: str | Path | None) -> str:
    """``register.mapp`` for the registers in ``folder``: relative to the report's folder (or
    absolute when that would climb more than one folder up); as given without a report."""
    if report is None:
        return str(folder)
    relative = os.path.relpath(Path(folder).resolve(), Path(report).parent.resolve())
    if relative.startswith(f"..{os.sep}.."):
        return str(Path(folder).resolve())
    return relative


def block_entries(folder: str | Path, report: str | Path) -> dict[str, str]:
    """The ``register:`` entries that name the registers ``new --registers`` writes into
    ``folder``, for the report at ``report``: ``mapp`` and each register's file."""
    return {"mapp": Path(folder_from(folder, report)).as_posix(),
            **{r.key: r.file for r in REGISTERS}}


def _yaml_str(text: str) -> str:
    """A YAML scalar for text: plain for a simple path or id, else double-quoted.

    >>> _yaml_str("register/nis60"), _yaml_str("Uppsökande verksamhet: företag")
    ('register/nis60', '"Uppsökande verksamhet: företag"')
    """
    if re.fullmatch(r"[A-Za-z_./][A-Za-z0-9_./-]*", text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
