"""Reading the registers a report names into typed rows, every problem noted with its place.

:func:`read_registers` finds each register (:mod:`slutrapport.registers.files`), opens its sheet
(:mod:`slutrapport.registers.sheets`), finds the columns by their headers and reads each row into
a typed row (:mod:`slutrapport.registers.rows`): areas, municipalities, categories and financiers
by what the report calls them (:class:`_Names`), counts, amounts and dates as Swedish offices
write them (:func:`slutrapport.numbers.parse_number`).
"""

from __future__ import annotations

import datetime as _dt
import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slutrapport.fields import date_bounds
from slutrapport.kinds import Severity
from slutrapport.kinds.aktiviteter import Aktiviteter
from slutrapport.kinds.deltagarprogram import Deltagarprogram
from slutrapport.kinds.ekonomi import Ekonomi
from slutrapport.names import check_digit, name_key, nearest, org_number, slug
from slutrapport.numbers import parse_number
from slutrapport.registers.block import ALIASES, REGISTERS, TITLES, Registerfiler, RegisterSpec
from slutrapport.registers.files import Origin, clip, letters, locate, unusable
from slutrapport.registers.rows import (
    Aktivitet,
    Deltagarrad,
    Finansieringsrad,
    Foretagsrad,
    Kostnadsrad,
    Lasning,
    RegisterProblem,
    Registers,
    row_list,
)
from slutrapport.registers.sheets import Sheet, open_sheet

if TYPE_CHECKING:
    from slutrapport.models import Slutrapport

__all__ = ["normalize_header", "read_registers"]


def read_registers(report: Slutrapport, base_dir: str | Path | None = None, *,
                   allow_outside: bool = False) -> Registers:
    """Read the registers the report names (``report.register``), relative to ``base_dir``.

    ``base_dir`` defaults to the report file's folder (the working folder for a report built in
    code). Problems in the rows are in :attr:`Registers.problem`; a register that can't be read
    at all (missing, not a spreadsheet, no header row, past the limits of
    :mod:`slutrapport.registers.files`) raises :class:`~slutrapport.errors.InputError` naming the
    file, sheet, row and column — or the data file's line when the path is at fault.

    A register must lie in ``base_dir`` or a folder under it (after ``..`` and links are
    followed) and be a regular file; ``allow_outside=True`` (``--tillat-sokvag``) lets it lie
    anywhere.
    """
    block: Registerfiler | None = getattr(report, "register", None)
    out = Registers()
    if block is None:
        return out
    if base_dir is None:
        base_dir = Path(report.source).parent if report.source else Path.cwd()
    folder = Path(base_dir) / block.mapp if block.mapp else Path(base_dir)
    names = _Names.of(report, block)
    for key, file in block.named():
        spec = REGISTERS[key]
        origin = Origin(report.source, report.line_of(("register", key)), f"register.{key}")
        real = locate(folder / file, Path(base_dir), origin, spec.called,
                      allow_outside=allow_outside)
        _read_one(spec, real, file, block, names, report, out)
    return out


def normalize_header(text: Any) -> str:
    """A header as it is matched: folded, without diacritics, soft hyphens or spaces.

    >>> normalize_header(" Anställda\u00adföre "), normalize_header("Belopp SEK")
    ('anstalldafore', 'belopp_sek')
    """
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKD", str(text).replace("\u00ad", "").casefold())
    ascii_ = folded.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_).strip("_")


@dataclass
class _Names:
    """What a cell may name, and the id or name it stands for (keys folded with
    :func:`~slutrapport.names.name_key`); what a suggestion may name (``*_choices``: the way to
    write it first, then its other names)."""

    areas: dict[str, str]
    area_ids: list[str]
    area_choices: list[tuple[str, ...]]
    municipalities: dict[str, str]
    municipality_ids: list[str]
    municipality_choices: list[tuple[str, ...]]
    categories: dict[str, str]
    category_names: list[str]
    financiers: dict[str, str]
    financier_names: list[str]
    period: tuple[_dt.date, _dt.date]

    @classmethod
    def of(cls, report: Slutrapport, block: Registerfiler) -> _Names:
        areas: dict[str, str] = {}
        area_ids: list[str] = []
        area_choices: list[tuple[str, ...]] = []
        by_heading = {name_key(h): i for i, h in block.omraden.items()}

        def add_area(heading: str, own: str | None) -> None:
            # the area's own id counts; an id register.omraden gives its heading is another
            # name for it
            mapped = by_heading.get(name_key(heading))
            area = own or mapped
            if area is None:
                return
            area_ids.append(area)
            area_choices.append((area, heading))
            for name in (area, mapped, heading, heading.rstrip(".")):
                if name:
                    areas.setdefault(name_key(name), area)

        for section in report.avsnitt:
            if isinstance(section, Aktiviteter):
                if section.antal is not None:
                    add_area(section.rubrik, section.name)
                for area in section.omraden:
                    add_area(area.rubrik, getattr(area, "id", None))
            elif isinstance(section, Deltagarprogram):  # a programme's rows name the programme
                add_area(section.rubrik, section.name)
        given = {name_key(n): i for i, n in block.kommuner.items()}
        municipalities: dict[str, str] = {}
        municipality_ids: list[str] = []
        municipality_choices: list[tuple[str, ...]] = []
        for name in report.projekt.kommuner:
            mid = given.get(name_key(name)) or slug(name)
            municipality_ids.append(mid)
            municipality_choices.append((name, mid))
            municipalities.setdefault(name_key(mid), mid)
            municipalities.setdefault(name_key(name), mid)
        categories: dict[str, str] = {}
        financiers: dict[str, str] = {}
        for economy in report.sections(Ekonomi):
            assert isinstance(economy, Ekonomi)
            for k in economy.kostnader:
                categories.setdefault(name_key(k.kategori), k.kategori)
            for f in economy.finansiering:
                financiers.setdefault(name_key(f.finansiar), f.finansiar)
        for name in report.projekt.finansiarer:
            financiers.setdefault(name_key(name), name)
        category_names = list(dict.fromkeys(categories.values()))
        financier_names = list(dict.fromkeys(financiers.values()))
        labels = block.etiketter
        for column, table, known in (("omrade", areas, area_ids),
                                     ("kommun", municipalities, municipality_ids),
                                     ("kategori", categories, category_names),
                                     ("finansiar", financiers, financier_names)):
            for label, meant in labels.get(column, {}).items():
                target = table.get(name_key(meant))
                if target is not None or meant in known:
                    table[name_key(label)] = target or meant
        period = report.projekt.period
        return cls(areas, area_ids, area_choices, municipalities, municipality_ids,
                   municipality_choices, categories, category_names, financiers, financier_names,
                   (date_bounds(period.fran)[0], date_bounds(period.till)[1]))


def _read_one(spec: RegisterSpec, path: Path, shown: str, block: Registerfiler, names: _Names,
              report: Slutrapport, out: Registers) -> None:
    notes: list[RegisterProblem] = []
    sheet = open_sheet(spec, path, shown, notes)
    read = Lasning(fil=shown, blad=sheet.sheet)
    out.lasta[spec.key] = read
    reader = _Reader(spec, sheet, block, names, notes)
    # A register of 100 000 rows makes as many objects that live on: the cyclic garbage
    # collector, run again and again while they are made, would take as long as the reading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = reader.run(read)
    finally:
        if collecting:
            gc.enable()
    getattr(out, spec.key).extend(rows)
    out.problem.extend(notes)
    if read.kolumner:
        text = (f"{spec.called} ({sheet.place()}): {read.rader} "
                f"{'rad läst' if read.rader == 1 else 'rader lästa'}, "
                f"{read.ej_raknade} räknades inte.")
        if reader.blank_counts:
            text += (f" {reader.blank_counts} {'rad' if reader.blank_counts == 1 else 'rader'} "
                     "utan kvinnor eller män ifyllda räknades med 0 deltagare.")
        out.problem.append(RegisterProblem(code="register-rader", severity="info",
                                           source=spec.key, message=text))


class _Skip(Exception):
    """The row can't be counted (the problem is noted already)."""


@dataclass
class _Cause:
    """One cause of problems and the rows it is on (0-based): one finding, however many rows."""

    code: str
    severity: Severity
    column: str | None
    what: str
    """The problem on one row, without its place: "'abc' är inget antal"."""
    group: str
    """The problem on many rows, before their count: "Aktivitetsområdet 'x' finns inte …"."""
    hint: str
    counted: bool
    after: str
    rows: list[int]


@dataclass(frozen=True)
class _Pair:
    """A likely duplicate: the earlier row, the later one (0-based) and what they share."""

    earlier: int
    later: int
    same: str


def _usual_count(value: Any, known: dict[Any, Any]) -> int | None:
    """A count cell as it usually is — a whole number (a workbook gives 21 as 21.0) or a text
    met on a row before (``known``) — else None, for the reader's helper to read and judge."""
    if type(value) is int and 0 <= value <= 10**9:
        return value
    if type(value) is float and value.is_integer() and 0 <= value <= 1e9:
        return int(value)
    return known.get(value) if type(value) is str else None


class _Reader:
    """Reads one register's rows into typed rows, noting every problem with its place; the same
    problem on many rows is noted once, with the rows (:class:`_Cause`)."""

    def __init__(self, spec: RegisterSpec, sheet: Sheet, block: Registerfiler, names: _Names,
                 notes: list[RegisterProblem]) -> None:
        self.spec = spec
        self.sheet = sheet
        self.block = block
        self.names = names
        self.notes = notes
        self.cols: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self.blank_counts = 0
        self.persons: dict[str, tuple[str, int]] = {}
        self.occasions: dict[Any, tuple[Decimal, int]] = {}
        self.causes: dict[tuple[Any, ...], _Cause] = {}
        self.pairs: list[_Pair] = []
        self.not_duplicates = {row - 1 for row in block.ej_dubbletter.get(spec.key, [])}
        # values repeat down a register (areas, municipalities, dates, small counts): each
        # distinct cell value is read once (only values that read well are kept)
        self.cache: defaultdict[str, dict[Any, Any]] = defaultdict(dict)

    def note(self, code: str, severity: Severity, message: str, row: int | None = None) -> None:
        """A problem of the whole register or its header (noted as it is, never grouped)."""
        shown = None if row is None else row + 1
        self.notes.append(RegisterProblem(code=code, severity=severity, source=self.spec.key,
                                          message=message, row=shown,
                                          rows=() if shown is None else (shown,)))

    def problem(self, code: str, severity: Severity, r: int, column: str | None, what: str, *,
                group: str | None = None, hint: str = "", counted: bool = False,
                after: str = "") -> None:
        """A problem on row ``r`` (0-based) in ``column``: rows with the same problem are one
        finding (see :meth:`finish`). ``what`` says it of one row, ``group`` of many (``what``
        with a capital if not given); ``hint`` what to do; ``counted`` whether the row counts
        all the same; ``after`` a note after 'Raden räknades inte'."""
        key = (code, column, group or what, hint, counted, after)
        cause = self.causes.get(key)
        if cause is None:
            cause = self.causes[key] = _Cause(code, severity, column, what,
                                              group or what[:1].upper() + what[1:], hint,
                                              counted, after, [])
        cause.rows.append(r)

    def finish(self) -> None:
        """Note every cause once, in the order first met: one row as before ("rad 5, kolumn B
        (Område): …"), many with their count and rows ("…: 226 rader (rad 2–227)")."""
        for cause in self.causes.values():
            rows = cause.rows
            col = None if cause.column is None else self.cols[cause.column]
            title = "" if cause.column is None else self.titles[cause.column]
            hint = f"; {cause.hint}" if cause.hint else ""
            after = f" {cause.after}" if cause.after else ""
            if len(rows) == 1:
                tail = "; raden räknas." if cause.counted else f". Raden räknades inte{after}."
                message = f"{self.sheet.place(rows[0], col, title)}: {cause.what}{hint}{tail}"
            else:
                tail = "; raderna räknas." if cause.counted else \
                    f". Raderna räknades inte{after}."
                message = (f"{self.sheet.place(None, col, title)}: {cause.group}: "
                           f"{_rows(rows)}{hint}{tail}")
            self.notes.append(RegisterProblem(
                code=cause.code, severity=cause.severity, source=self.spec.key, message=message,
                row=rows[0] + 1, rows=tuple(r + 1 for r in rows), counted=cause.counted))
        by_what: dict[str, list[_Pair]] = {}
        for pair in self.pairs:
            by_what.setdefault(pair.same, []).append(pair)
        company = self.spec.key == "foretag"
        for same, pairs in by_what.items():
            counted = "bara den första räknas" if company else "raden räknas"
            mark = ("Är det inte samma, skriv något i kolumnen Ej dubblett på den senare raden "
                    f"(eller ange den under register.ej_dubbletter.{self.spec.key})")
            if len(pairs) == 1:
                pair = pairs[0]
                message = (f"{self.sheet.place(pair.later)}: troligen en dubblett av rad "
                           f"{pair.earlier + 1} ({same}); {counted}. {mark}.")
            else:
                shown = ", ".join(f"rad {p.later + 1} (som rad {p.earlier + 1})"
                                  for p in pairs[:6]) + (" …" if len(pairs) > 6 else "")
                counted = "bara de första räknas" if company else "raderna räknas"
                message = (f"{self.sheet.place()}: {len(pairs)} rader är troligen dubbletter av "
                           f"tidigare rader ({same}): {shown}; {counted}. {mark}.")
            both = tuple(sorted({r + 1 for p in pairs for r in (p.earlier, p.later)}))
            self.notes.append(RegisterProblem(
                code="register-dubblett", severity="warning", source=self.spec.key,
                message=message, row=pairs[0].later + 1, rows=both, counted=not company))

    # header

    def _match(self, cells: Sequence[Any]) -> tuple[dict[str, int], dict[str, int]]:
        """Our columns found in a header row, and duplicates (column name -> second index)."""
        own = {normalize_header(t): c for t, c in self.block.kolumner.get(self.spec.key,
                                                                          {}).items()}
        found: dict[str, int] = {}
        twice: dict[str, int] = {}
        known = set(self.spec.columns)
        for i, cell in enumerate(cells):
            norm = normalize_header(cell)
            if not norm:
                continue
            alias = ALIASES.get(norm)
            name = own.get(norm) or (norm if norm in known else
                                     alias if alias in known else None)
            if name is None:
                continue
            if name in found:
                twice.setdefault(name, i)
            else:
                found[name] = i
        return found, twice

    def header(self) -> int:
        """Find the columns; the index of the first data row. Raises _Skip if none can be read."""
        rows = self.sheet.rows
        sheet = self.sheet
        if not rows or not any(_filled(c) for c in rows[0]):
            if not any(any(_filled(c) for c in r) for r in rows):
                empty = "tomt" if self.spec.neuter else "tom"
                raise unusable(f"{self.spec.called} är {empty}: rubrikraden saknas (rad 1 ska ha "
                               f"kolumnerna {_titles(self.spec.required)})", sheet.file,
                               sheet.sheet, 1)
            first = next(i for i, r in enumerate(rows) if any(_filled(c) for c in r))
            raise unusable(f"rad 1 är tom; rubrikraden ska stå på rad 1 (det första som står "
                           f"på bladet är rad {first + 1})", sheet.file, sheet.sheet, 1)
        found, twice = self._match(rows[0])
        start = 1
        merged_header = [m for m in sheet.merged if m[0][0] <= 0 <= m[1][0] or
                         (m[0][0] <= 1 <= m[1][0] and m[0][0] == 0)]
        missing = [c for c in self.spec.required if c not in found]
        if len(rows) > 1:
            second, _ = self._match(rows[1])
            combined = dict(second)
            combined.update(found)
            if missing and all(c in combined for c in missing) and \
                    any(c in second for c in missing):
                span = ", ".join(sheet.column_name(second[c], TITLES[c]) for c in missing
                                 if c in second)
                self.note("register-rubrik", "error",
                          f"{sheet.place(0)}–2: rubriken står på två rader ({span} står på rad 2); "
                          "ett register ska ha en enda rubrikrad, på rad 1. Registret lästes med "
                          "båda raderna som rubrik och data från rad 3.", 0)
                found, start, missing = combined, 2, []
        for m in merged_header:
            (r0, c0), (r1, c1) = m
            area = f"{letters(c0 + 1)}{r0 + 1}:{letters(c1 + 1)}{r1 + 1}"
            if missing:
                raise unusable(
                    f"rubrikraden har sammanslagna celler ({area}) och kolumnerna "
                    f"{_titles(missing)} kan inte hittas; dela upp cellerna så att varje "
                    "kolumn har en egen rubrik på rad 1", sheet.file, sheet.sheet, 1,
                    f"celler {area}")
            self.note("register-rubrik", "error",
                      f"{sheet.place(0)}: rubrikraden har sammanslagna celler ({area}); dela upp "
                      "dem så att varje kolumn har en egen rubrik.", 0)
        for name, i in twice.items():
            self.note("register-kolumn", "error",
                      f"{sheet.place(0, i, str(rows[0][i]))}: kolumnen {TITLES[name]} finns "
                      f"redan ({sheet.column_name(found[name], str(rows[0][found[name]]))}); "
                      "den första används.", 0)
        if missing:
            headers = [str(c).strip() for c in rows[0] if _filled(c)]
            for name in missing:
                close = nearest(TITLES[name], headers, cutoff=0.5)
                hint = (f"; närmast finns '{clip(close)}' — byt namn på kolumnen eller ange "
                        f"register.kolumner.{self.spec.key}: {{\"{clip(close)}\": {name}}}"
                        if close else f"; rubrikerna är {_listed(headers)}")
                self.note("register-kolumn", "error",
                          f"{sheet.place(0)}: kolumnen {TITLES[name]} saknas{hint}. Registret "
                          "räknades inte.", 0)
            raise _Skip
        self.cols = found
        # each title from the header row it stands on (row 2 too when the header spans two)
        self.titles = {}
        for n, i in found.items():
            cell = next((r[i] for r in rows[:start] if i < len(r) and _filled(r[i])), None)
            self.titles[n] = str(cell).strip() if cell is not None else TITLES[n]
        return start

    # rows

    def run(self, read: Lasning) -> list[Any]:
        try:
            start = self.header()
        except _Skip:
            read.kolumner = False
            return []
        rows = self.sheet.rows
        width = max(self.cols.values()) + 1
        used = sorted(self.cols.values())
        formulas = {(r, c) for r, c in self.sheet.uncalculated() if c in used and r >= start}
        parse = getattr(self, "_" + self.spec.key)
        out: list[Any] = []
        blank_run: list[int] = []
        blanks: list[int] = []
        seen: dict[Any, int] = {}
        counted = skipped = 0
        first = last = None
        padding = [""] * width
        lead = used[0]
        mark = self.cols.get("ej_dubblett")
        company = self.spec.key == "foretag"
        money = self.spec.key in ("kostnader", "finansiering")
        for r in range(start, len(rows)):
            row = rows[r]
            cell = row[lead] if lead < len(row) else None
            filled = cell is not None and cell != "" and (type(cell) is not str or cell.strip())
            if not filled and not any(_filled(c) for c in row) and not (formulas and any(
                    (r, c) in formulas for c in used)):
                blank_run.append(r)
                continue
            if blank_run:
                blanks += blank_run
                blank_run = []
            counted += 1
            if first is None:
                first = r + 1
            last = r + 1
            padded = row if len(row) >= width else [*row, *padding[len(row):]]
            try:
                if formulas:
                    for c in used:
                        if (r, c) in formulas:
                            name = next(n for n, i in self.cols.items() if i == c)
                            self._fail(r, name, code="register-formel",
                                       why="cellen har en formel vars värde aldrig räknats ut "
                                       "(filen är inte sparad av Excel eller LibreOffice)",
                                       group="Formler vars värde aldrig räknats ut (filen är "
                                       "inte sparad av Excel eller LibreOffice)",
                                       hint="öppna filen och spara den igen")
                item, keys = parse(r, padded)
            except _Skip:
                skipped += 1
                if money:  # what a sum left without this row lacks
                    amount = _as_number(self._cell(padded, "belopp"))
                    read.ej_raknade_belopp[r + 1] = \
                        amount if amount is not None and abs(amount) < 10**12 else None
                continue
            if len(keys) == 1:  # the row's one key, looked up and kept at once
                key, same = keys[0]
                before = seen.setdefault(key, r)
                if before != r and not self._intended(r, row, mark):
                    self.pairs.append(_Pair(before, r, same))
                    if company:  # one company, one row of the table
                        continue
                out.append(item)
                continue
            earlier = None
            for key, same in keys:
                if key in seen and earlier is None:
                    earlier = (seen[key], same)
            if earlier is not None and not self._intended(r, row, mark):
                self.pairs.append(_Pair(earlier[0], r, earlier[1]))
                if company:
                    continue
            for key, _ in keys:
                seen.setdefault(key, r)
            out.append(item)
        if blanks:
            self._blank_rows(blanks)
        self.finish()
        read.rader, read.ej_raknade = counted, skipped
        read.forsta_rad, read.sista_rad = first, last
        return out

    def _intended(self, r: int, row: Sequence[Any], mark: int | None) -> bool:
        """Whether row ``r`` is marked as no duplicate (a text in its column Ej dubblett, or
        the row under register.ej_dubbletter)."""
        return r in self.not_duplicates or (
            mark is not None and mark < len(row) and _filled(row[mark]))

    def _blank_rows(self, blanks: list[int]) -> None:
        """Blank rows between the rows: one warning, naming them all."""
        shown = [b + 1 for b in blanks]
        runs = row_list(shown)
        one = len(shown) == 1
        self.notes.append(RegisterProblem(
            code="register-tom-rad", severity="warning", source=self.spec.key,
            message=(f"{self.sheet.place()}, {runs}: {'tom rad' if one else 'tomma rader'} mitt "
                     f"i registret; raderna efter räknas, men ta bort "
                     f"{'den tomma raden' if one else 'de tomma raderna'}."),
            row=shown[0], rows=tuple(shown)))

    def _fail(self, r: int, name: str, why: str, code: str = "register-varde", *,
              group: str | None = None, hint: str = "") -> None:
        self.problem(code, "error", r, name, why, group=group, hint=hint)
        raise _Skip

    @staticmethod
    def _key(text: str | None) -> str:
        """The :func:`~slutrapport.names.name_key` of a text :meth:`_text` gave ('' for none):
        such a text is stripped, its words one space apart, so unless it holds another kind of
        space (a no-break space, a line break …: none is printable) it is only folded."""
        if text is None:
            return ""
        return text.casefold() if text.isprintable() else name_key(text)

    def _cell(self, row: Sequence[Any], name: str) -> Any:
        i = self.cols.get(name)
        return None if i is None else row[i]

    def _text(self, r: int, row: Sequence[Any], name: str, required: bool) -> str | None:
        i = self.cols.get(name)
        value = None if i is None else row[i]
        if type(value) is str:
            text = value.strip()
            if text and "  " not in text and "\n" not in text and "\t" not in text:
                return text
        if not _filled(value):
            if required:
                self._fail(r, name, f"{TITLES[name].lower()} saknas")
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, _dt.datetime | _dt.date):
            return value.isoformat()
        return " ".join(str(value).split())

    def _date(self, r: int, row: Sequence[Any], name: str, required: bool) -> _dt.date | None:
        i = self.cols.get(name)
        value = None if i is None else row[i]
        if type(value) is _dt.date:
            day: _dt.date | None = value
        elif type(value) is str and value in self.cache[name]:
            day = self.cache[name][value]
        else:
            if not _filled(value):
                if required:
                    self._fail(r, name, "datum saknas")
                return None
            day = _as_date(value)
            if day is not None and type(value) is str:
                self.cache[name][value] = day
        if day is None:
            shown = _shown(value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                self._fail(r, name, f"{shown} är ett tal, inte ett datum; formatera kolumnen "
                           "som datum (ÅÅÅÅ-MM-DD)")
            self._fail(r, name, f"'{shown}' är inget datum (skriv ÅÅÅÅ-MM-DD)")
        assert day is not None
        first, last = self.names.period
        if not first <= day <= last:
            period = f"projektperioden {first.isoformat()}–{last.isoformat()} (projekt.period)"
            self.problem("register-datum", "warning", r, name,
                         f"{day.isoformat()} ligger utanför {period}",
                         group=f"Datum utanför {period}", counted=True)
        return day

    def _count(self, r: int, row: Sequence[Any], name: str) -> int | None:
        i = self.cols.get(name)
        value = None if i is None else row[i]
        if type(value) is int and 0 <= value <= 10**9:
            return value
        if type(value) is float and value.is_integer() and 0 <= value <= 1e9:
            return int(value)
        cached = self.cache[name].get(value) if type(value) is str else None
        if cached is not None:
            return int(cached)
        if not _filled(value):
            return None
        number = _as_number(value)
        if number is None:
            self._fail(r, name, f"'{_shown(value)}' är inget antal")
        assert number is not None
        if number != number.to_integral_value():
            self._fail(r, name, f"{_shown(value)} är inget heltal")
        if number < 0:
            self._fail(r, name, f"antalet är negativt ({_shown(value)})")
        if number > 10**9:
            self._fail(r, name, f"antalet är orimligt stort ({_shown(value)})")
        if type(value) is str:
            self.cache[name][value] = int(number)
        return int(number)

    def _figure(self, r: int, row: Sequence[Any], name: str, what: str,
                missing: str) -> tuple[Any, Decimal]:
        """A cell that must hold a number: its value and the number (else the row fails)."""
        value = self._cell(row, name)
        if not _filled(value):
            self._fail(r, name, missing)
        number = _as_number(value)
        if number is None:
            self._fail(r, name, f"'{_shown(value)}' är inget {what}")
        assert number is not None
        return value, number

    def _amount(self, r: int, row: Sequence[Any], name: str) -> Decimal:
        value, number = self._figure(r, row, name, "belopp", "beloppet saknas")
        if abs(number) >= 10**12:
            self._fail(r, name, f"beloppet är orimligt stort ({_shown(value)})")
        return number

    def _heads(self, r: int, row: Sequence[Any], name: str) -> Decimal:
        value, number = self._figure(r, row, name, "antal anställda", "antalet anställda saknas")
        if number < 0:
            self._fail(r, name, f"antalet anställda är negativt ({_shown(value)})")
        if number * 2 != (number * 2).to_integral_value() or number > 10**7:
            self._fail(r, name, f"{_shown(value)} anställda: ange hela eller halva tjänster")
        return number.normalize() if number == number.to_integral_value() else number

    def _named(self, r: int, row: Sequence[Any], name: str, table: dict[str, str],
               known: Sequence[str | tuple[str, ...]], required: bool,
               what: str) -> str | None:
        """The id or name a cell names (``table``); an unknown one is an error suggesting the
        nearest of ``known`` (each the way to write it first, then its other names)."""
        i = self.cols.get(name)
        value = None if i is None else row[i]
        seen = self.cache[name]
        if type(value) is str and value in seen:
            return str(seen[value])
        text = self._text(r, row, name, required)
        if text is None:
            return None
        found = table.get(name_key(text))
        if found is None:
            if not known:
                return text
            self.problem("register-okant", "error", r, name,
                         f"{what} '{clip(text)}' finns inte i rapporten",
                         hint=self._suggestion(name, text, known),
                         after=f"(register.etiketter.{name} kan ge registrets egna "
                               "benämningar)")
            raise _Skip
        if type(value) is str:
            seen[value] = found
        return found

    def _suggestion(self, name: str, text: str, known: Sequence[str | tuple[str, ...]]) -> str:
        """'närmast: Skellefteå' — what to write instead, found on both names and ids (each
        unknown value once)."""
        misses = self.cache["?" + name]
        if text in misses:
            return str(misses[text])
        close = nearest(text, known, cutoff=0.5)
        firsts = [k if isinstance(k, str) else k[0] for k in known]
        if close is not None:
            choice = next((k for k in known if not isinstance(k, str) and k[0] == close), None)
            also = f" ({choice[1]})" if name == "omrade" and choice is not None and \
                len(choice) > 1 and choice[1] != close else ""
            hint = f"närmast: {close}{also}"
        elif len(firsts) <= 10:
            hint = f"rapporten har {', '.join(firsts)}"
        else:
            hint = ""
        misses[text] = hint
        return hint

    def _area(self, r: int, row: Sequence[Any]) -> str:
        area = self._named(r, row, "omrade", self.names.areas, self.names.area_choices, True,
                           "aktivitetsområdet")
        assert area is not None
        return area

    def _municipality(self, r: int, row: Sequence[Any]) -> str | None:
        if "kommun" not in self.cols:
            return None
        return self._named(r, row, "kommun", self.names.municipalities,
                           self.names.municipality_choices, False, "kommunen")

    # one parser per register: (row, keys for likely duplicates, each with what it means)

    def _aktivitetslogg(self, r: int, row: Sequence[Any]) -> tuple[Aktivitet, _Keys]:
        # The usual cell is taken as it is here (a date in the period, an area or municipality
        # met on a row before, a whole count, which a workbook gives as 21.0); any other goes
        # to its helper, which reads it and says what is wrong: the same rows, the same
        # problems, in the same order.
        cols, cache = self.cols, self.cache
        value = row[cols["datum"]]
        day = value if type(value) is _dt.date else \
            cache["datum"].get(value) if type(value) is str else None
        first, last = self.names.period
        if day is None or not first <= day <= last:
            day = self._date(r, row, "datum", True)
            assert day is not None
        value = row[cols["omrade"]]
        area = cache["omrade"].get(value) if type(value) is str else None
        if area is None:
            area = self._area(r, row)
        at = cols.get("kommun")
        municipality = None
        if at is not None:
            value = row[at]
            municipality = cache["kommun"].get(value) if type(value) is str else None
            if municipality is None:
                municipality = self._municipality(r, row)
        women = _usual_count(row[cols["kvinnor"]], cache["kvinnor"])
        if women is None:
            women = self._count(r, row, "kvinnor")
        men = _usual_count(row[cols["man"]], cache["man"])
        if men is None:
            men = self._count(r, row, "man")
        total = self._count(r, row, "totalt") if "totalt" in cols else None
        if women is None and men is None:
            self.blank_counts += 1
        women, men = women or 0, men or 0
        if total is not None and total != women + men:
            self._fail(r, "totalt", f"totalt {total}, men {women} "
                       f"{'kvinna' if women == 1 else 'kvinnor'} + {men} "
                       f"{'man' if men == 1 else 'män'} = {women + men}")
        company = self._text(r, row, "foretag", False) if "foretag" in cols else None
        activity = self._text(r, row, "aktivitet", False) if "aktivitet" in cols else None
        item = Aktivitet.trusted(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, datum=day, omrade=area,
            kommun=municipality, aktivitet=activity, foretag=company, kvinnor=women, man=men)
        key = (day, area, municipality, self._key(company), self._key(activity), women, men)
        return item, ((key, "samma datum, område, kommun, företag, aktivitet och antal"),)

    def _deltagare(self, r: int, row: Sequence[Any]) -> tuple[Deltagarrad, _Keys]:
        person = self._text(r, row, "person", True)
        gender_text = self._text(r, row, "kon", True)
        gender = _GENDERS.get(self._key(gender_text))
        if gender is None:
            self._fail(r, "kon", f"'{clip(gender_text)}' är inget kön (skriv kvinna eller man)")
        day = self._date(r, row, "datum", True)
        area = self._area(r, row)
        municipality = self._municipality(r, row)
        effort = self._text(r, row, "insats", False) if "insats" in self.cols else None
        hours = self._hours(r, row) if "timmar" in self.cols else None
        assert person is not None and day is not None
        assert gender is not None
        earlier = self.persons.get(person)
        if earlier is not None and earlier[0] != gender:
            self._fail(r, "kon", f"person {clip(person)} är {earlier[0]} på rad {earlier[1] + 1} "
                       f"men {gender} här")
        if hours is not None:
            occasion = (area, self._key(effort), municipality, day)
            before = self.occasions.get(occasion)
            if before is not None and before[0] != hours:
                self.problem("register-varde", "warning", r, "timmar",
                             f"{_shown_number(hours)} timmar, men rad {before[1] + 1} ger samma "
                             f"tillfälle {_shown_number(before[0])} timmar",
                             hint=f"tillfällets timmar räknas från rad {before[1] + 1}",
                             counted=True)
            self.occasions.setdefault(occasion, (hours, r))
        self.persons.setdefault(person, (gender, r))
        item = Deltagarrad.trusted(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, person=person, kon=gender,
            datum=day, omrade=area, kommun=municipality, insats=effort, timmar=hours)
        key = (person, day, area, self._key(effort))
        return item, ((key, "samma person, datum, område och insats"),)

    def _hours(self, r: int, row: Sequence[Any]) -> Decimal | None:
        """An occasion's hours: blank, or a number 0 or more (decimals allowed: 2,5)."""
        if not _filled(self._cell(row, "timmar")):
            return None
        value, number = self._figure(r, row, "timmar", "antal timmar", "timmarna saknas")
        if number < 0 or number > 10**4:
            self._fail(r, "timmar", f"{_shown(value)} timmar är inget rimligt antal")
        return number.normalize() if number == number.to_integral_value() else number

    def _foretag(self, r: int, row: Sequence[Any]) -> tuple[Foretagsrad, _Keys]:
        name = self._text(r, row, "namn", True)
        assert name is not None
        number = self._org_number(r, row) if "organisationsnummer" in self.cols else None
        before = self._heads(r, row, "anstallda_fore")
        after = self._heads(r, row, "anstallda_efter")
        municipality = self._municipality(r, row)
        item = Foretagsrad.trusted(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, namn=name,
            organisationsnummer=number, kommun=municipality, anstallda_fore=before,
            anstallda_efter=after)
        keys: list[tuple[Any, str]] = []
        if number is not None:
            keys.append((("nr", number), "samma organisationsnummer"))
        keys.append((("namn", self._key(name)), "samma namn"))
        return item, tuple(keys)

    def _org_number(self, r: int, row: Sequence[Any]) -> str | None:
        """The organisation number, NNNNNN-NNNN, its check digit right; blank is None."""
        text = self._text(r, row, "organisationsnummer", False)
        if text is None:
            return None
        number = org_number(text)
        if number is None:
            self._fail(r, "organisationsnummer",
                       f"'{_shown(text)}' är inget organisationsnummer (skriv NNNNNN-NNNN)")
        assert number is not None
        digit = check_digit(number)
        if int(number[-1]) != digit:
            self._fail(r, "organisationsnummer",
                       f"organisationsnumret {number} stämmer inte: kontrollsiffran (den sista) "
                       f"ska vara {digit}; kontrollera numret")
        return number

    def _kostnader(self, r: int, row: Sequence[Any]) -> tuple[Kostnadsrad, _Keys]:
        day = self._date(r, row, "datum", True)
        category = self._named(r, row, "kategori", self.names.categories,
                               self.names.category_names, True, "kostnadsslaget")
        amount = self._amount(r, row, "belopp")
        assert day is not None and category is not None
        voucher = self._text(r, row, "verifikation", False)
        account = self._text(r, row, "konto", False) if "konto" in self.cols else None
        item = Kostnadsrad.trusted(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, datum=day,
            kategori=category, belopp=amount, verifikation=voucher, konto=account)
        booked = ("konto", account) if account is not None else ("kategori", category)
        on = "konto" if account is not None else "kostnadsslag"
        if voucher is not None:
            return item, ((("v", voucher, booked, amount),
                           f"samma verifikation, {on} och belopp"),)
        return item, ((("d", day, booked, amount), f"samma datum, {on} och belopp"),)

    def _finansiering(self, r: int, row: Sequence[Any]) -> tuple[Finansieringsrad, _Keys]:
        financier = self._named(r, row, "finansiar", self.names.financiers,
                                self.names.financier_names, True, "finansiären")
        amount = self._amount(r, row, "belopp")
        day = self._date(r, row, "datum", False) if "datum" in self.cols else None
        assert financier is not None
        item = Finansieringsrad.trusted(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, finansiar=financier,
            belopp=amount, datum=day)
        return item, (((financier, day, amount), "samma finansiär, datum och belopp"),)


_Keys = tuple[tuple[Any, str], ...]
"""A row's keys for likely duplicates, each with what two rows of the same key share."""


def _rows(rows: Sequence[int]) -> str:
    """'226 rader (rad 2–227)' for 0-based rows."""
    return f"{len(rows)} rader ({row_list([r + 1 for r in rows])})"


def _shown_number(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


_GENDERS: dict[str, Literal["kvinna", "man"]] = {
    "kvinna": "kvinna", "kvinnor": "kvinna", "k": "kvinna", "kv": "kvinna",
    "man": "man", "män": "man", "m": "man"}


def _titles(names: Iterable[str]) -> str:
    return ", ".join(TITLES[n] for n in names)


def _listed(headers: Sequence[str], most: int = 20) -> str:
    """A header row's texts for a message: each clipped, at most ``most`` of them."""
    if not headers:
        return "inga"
    shown = ", ".join(clip(h) for h in headers[:most])
    return shown if len(headers) <= most else f"{shown} och {len(headers) - most} till"


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def _shown(value: Any) -> str:
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text.replace(".", ",")
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def _as_number(value: Any) -> Decimal | None:
    """A cell as a number: Swedish text ('1 234,50', '−2', '12 kr') or a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value)).normalize() if not value.is_integer() else Decimal(int(value))
    if not isinstance(value, str):
        return None
    return parse_number(value, grouping=True, unit=True)


def _as_date(value: Any) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if not isinstance(value, str):
        return None
    m = _DATE.fullmatch(value.strip())
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
