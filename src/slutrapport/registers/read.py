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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from slutrapport.fields import date_bounds
from slutrapport.kinds import Severity
from slutrapport.kinds.aktiviteter import Aktiviteter
from slutrapport.kinds.ekonomi import Ekonomi
from slutrapport.names import name_key, nearest, slug
from slutrapport.numbers import parse_number
from slutrapport.registers.block import REGISTERS, TITLES, Registerfiler, RegisterSpec
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
    row_span,
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
    """What a cell may name, and the id or name it stands for (keys folded with :func:`_key`)."""

    areas: dict[str, str]
    area_ids: list[str]
    municipalities: dict[str, str]
    municipality_ids: list[str]
    categories: dict[str, str]
    category_names: list[str]
    financiers: dict[str, str]
    financier_names: list[str]
    period: tuple[_dt.date, _dt.date]

    @classmethod
    def of(cls, report: Slutrapport, block: Registerfiler) -> _Names:
        areas: dict[str, str] = {}
        area_ids: list[str] = []
        by_heading = {name_key(h): i for i, h in block.omraden.items()}

        def add_area(heading: str, own: str | None) -> None:
            # the area's own id counts; an id register.omraden gives its heading is another
            # name for it
            mapped = by_heading.get(name_key(heading))
            area = own or mapped
            if area is None:
                return
            area_ids.append(area)
            for name in (area, mapped, heading, heading.rstrip(".")):
                if name:
                    areas.setdefault(name_key(name), area)

        for section in report.sections(Aktiviteter):
            assert isinstance(section, Aktiviteter)
            if section.antal is not None:
                add_area(section.rubrik, section.name)
            for area in section.omraden:
                add_area(area.rubrik, getattr(area, "id", None))
        given = {name_key(n): i for i, n in block.kommuner.items()}
        municipalities: dict[str, str] = {}
        municipality_ids: list[str] = []
        for name in report.projekt.kommuner:
            mid = given.get(name_key(name)) or slug(name)
            municipality_ids.append(mid)
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
        return cls(areas, area_ids, municipalities, municipality_ids, categories,
                   category_names, financiers, financier_names,
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


class _Reader:
    """Reads one register's rows into typed rows, noting every problem with its place."""

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
        self.companies: dict[str, int] = {}
        # values repeat down a register (areas, municipalities, dates, small counts): each
        # distinct cell value is read once (only values that read well are kept)
        self.cache: dict[str, dict[Any, Any]] = {}

    def note(self, code: str, severity: Severity, message: str, row: int | None = None) -> None:
        self.notes.append(RegisterProblem(code=code, severity=severity, source=self.spec.key,
                                          message=message,
                                          row=None if row is None else row + 1))

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
            name = own.get(norm) or (norm if norm in known else None)
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
        seen: dict[Any, int] = {}
        counted = skipped = 0
        first = last = None
        padding = [""] * width
        lead = used[0]
        for r in range(start, len(rows)):
            row = rows[r]
            cell = row[lead] if lead < len(row) else None
            filled = cell is not None and cell != "" and (type(cell) is not str or cell.strip())
            if not filled and not any(_filled(c) for c in row) and not (formulas and any(
                    (r, c) in formulas for c in used)):
                blank_run.append(r)
                continue
            if blank_run:
                self.note("register-tom-rad", "warning",
                          f"{self.sheet.place()}, {row_span([b + 1 for b in blank_run])}: "
                          f"{'tom rad' if len(blank_run) == 1 else 'tomma rader'} mitt i "
                          "registret; raderna efter räknas, men ta bort den tomma raden.",
                          blank_run[0])
                blank_run = []
            counted += 1
            if first is None:
                first = r + 1
            last = r + 1
            try:
                if formulas:
                    for c in used:
                        if (r, c) in formulas:
                            name = next(n for n, i in self.cols.items() if i == c)
                            self._fail(r, name, code="register-formel",
                                       why="cellen har en formel vars värde aldrig räknats ut "
                                       "(filen är inte sparad av Excel eller LibreOffice); öppna "
                                       "den och spara den igen")
                padded = row if len(row) >= width else [*row, *padding[len(row):]]
                item, dup = parse(r, padded)
            except _Skip:
                skipped += 1
                continue
            if dup is not None:
                earlier = seen.get(dup)
                if earlier is not None:
                    self.note("register-dubblett", "warning",
                              f"{self.sheet.place(r)}: troligen en dubblett av rad "
                              f"{earlier + 1} ({self._same_what()}); raden räknas.", r)
                else:
                    seen[dup] = r
            out.append(item)
        read.rader, read.ej_raknade = counted, skipped
        read.forsta_rad, read.sista_rad = first, last
        return out

    def _same_what(self) -> str:
        return {"aktivitetslogg": "samma datum, område, kommun och antal",
                "deltagare": "samma person, datum och område"}.get(self.spec.key, "")

    def _fail(self, r: int, name: str, why: str, code: str = "register-varde") -> None:
        self.note(code, "error",
                  f"{self.sheet.place(r, self.cols[name], self.titles[name])}: {why}. Raden "
                  "räknades inte.", r)
        raise _Skip

    def _cell(self, row: Sequence[Any], name: str) -> Any:
        i = self.cols.get(name)
        return None if i is None else row[i]

    def _text(self, r: int, row: Sequence[Any], name: str, required: bool) -> str | None:
        value = self._cell(row, name)
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
        value = self._cell(row, name)
        if type(value) is _dt.date:
            day: _dt.date | None = value
        elif type(value) is str and value in self.cache.setdefault(name, {}):
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
            self.note("register-datum", "warning",
                      f"{self.sheet.place(r, self.cols[name], self.titles[name])}: "
                      f"{day.isoformat()} ligger utanför projektperioden {first.isoformat()}–"
                      f"{last.isoformat()} (projekt.period); raden räknas.", r)
        return day

    def _count(self, r: int, row: Sequence[Any], name: str) -> int | None:
        value = self._cell(row, name)
        if type(value) is int and 0 <= value <= 10**9:
            return value
        if type(value) is float and value.is_integer() and 0 <= value <= 1e9:
            return int(value)
        cached = self.cache.setdefault(name, {}).get(value) if type(value) is str else None
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
               known: list[str], required: bool, what: str) -> str | None:
        value = self._cell(row, name)
        seen = self.cache.setdefault(name, {})
        if type(value) is str and value in seen:
            return str(seen[value])
        text = self._text(r, row, name, required)
        if text is None:
            return None
        found = table.get(name_key(text))
        if found is None:
            if not known:
                return text
            close = nearest(text, known, cutoff=0.5)
            if close:
                hint = f"; närmast: {close}"
            elif len(known) <= 10:
                hint = f"; rapporten har {', '.join(known)}"
            else:
                hint = ""
            self.note("register-okant", "error",
                      f"{self.sheet.place(r, self.cols[name], self.titles[name])}: {what} "
                      f"'{clip(text)}' finns inte i rapporten{hint}. Raden räknades inte "
                      f"(register.etiketter.{name} kan ge registrets egna benämningar).", r)
            raise _Skip
        if type(value) is str:
            seen[value] = found
        return found

    def _area(self, r: int, row: Sequence[Any]) -> str:
        area = self._named(r, row, "omrade", self.names.areas, self.names.area_ids, True,
                           "aktivitetsområdet")
        assert area is not None
        return area

    def _municipality(self, r: int, row: Sequence[Any]) -> str | None:
        if "kommun" not in self.cols:
            return None
        return self._named(r, row, "kommun", self.names.municipalities,
                           self.names.municipality_ids, False, "kommunen")

    # one parser per register: (row, key for likely duplicates)

    def _aktivitetslogg(self, r: int, row: Sequence[Any]) -> tuple[Aktivitet, Any]:
        day = self._date(r, row, "datum", True)
        assert day is not None
        area = self._area(r, row)
        municipality = self._municipality(r, row)
        women = self._count(r, row, "kvinnor")
        men = self._count(r, row, "man")
        total = self._count(r, row, "totalt") if "totalt" in self.cols else None
        if women is None and men is None:
            self.blank_counts += 1
        women, men = women or 0, men or 0
        if total is not None and total != women + men:
            self._fail(r, "totalt", f"totalt {total}, men {women} "
                       f"{'kvinna' if women == 1 else 'kvinnor'} + {men} "
                       f"{'man' if men == 1 else 'män'} = {women + men}")
        item = Aktivitet.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, datum=day, omrade=area,
            kommun=municipality, aktivitet=self._text(r, row, "aktivitet", False),
            foretag=self._text(r, row, "foretag", False), kvinnor=women, man=men)
        return item, (day, area, municipality, women, men)

    def _deltagare(self, r: int, row: Sequence[Any]) -> tuple[Deltagarrad, Any]:
        person = self._text(r, row, "person", True)
        gender_text = self._text(r, row, "kon", True)
        gender = _GENDERS.get(name_key(gender_text or ""))
        if gender is None:
            self._fail(r, "kon", f"'{clip(gender_text)}' är inget kön (skriv kvinna eller man)")
        day = self._date(r, row, "datum", True)
        area = self._area(r, row)
        municipality = self._municipality(r, row)
        assert person is not None and day is not None
        assert gender is not None
        earlier = self.persons.get(person)
        if earlier is not None and earlier[0] != gender:
            self._fail(r, "kon", f"person {clip(person)} är {earlier[0]} på rad {earlier[1] + 1} "
                       f"men {gender} här")
        self.persons.setdefault(person, (gender, r))
        item = Deltagarrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, person=person, kon=gender,
            datum=day, omrade=area, kommun=municipality)
        return item, (person, day, area)

    def _foretag(self, r: int, row: Sequence[Any]) -> tuple[Foretagsrad, Any]:
        name = self._text(r, row, "namn", True)
        assert name is not None
        before = self._heads(r, row, "anstallda_fore")
        after = self._heads(r, row, "anstallda_efter")
        municipality = self._municipality(r, row)
        earlier = self.companies.get(name_key(name))
        if earlier is not None:
            self._fail(r, "namn", f"{clip(name)} står redan på rad {earlier + 1}")
        self.companies[name_key(name)] = r
        item = Foretagsrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, namn=name,
            kommun=municipality, anstallda_fore=before, anstallda_efter=after)
        return item, None

    def _kostnader(self, r: int, row: Sequence[Any]) -> tuple[Kostnadsrad, Any]:
        day = self._date(r, row, "datum", True)
        category = self._named(r, row, "kategori", self.names.categories,
                               self.names.category_names, True, "kostnadsslaget")
        amount = self._amount(r, row, "belopp")
        assert day is not None and category is not None
        item = Kostnadsrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, datum=day,
            kategori=category, belopp=amount,
            verifikation=self._text(r, row, "verifikation", False))
        return item, None

    def _finansiering(self, r: int, row: Sequence[Any]) -> tuple[Finansieringsrad, Any]:
        financier = self._named(r, row, "finansiar", self.names.financiers,
                                self.names.financier_names, True, "finansiären")
        amount = self._amount(r, row, "belopp")
        day = self._date(r, row, "datum", False) if "datum" in self.cols else None
        assert financier is not None
        item = Finansieringsrad.model_construct(
            fil=self.sheet.file, blad=self.sheet.sheet, rad=r + 1, finansiar=financier,
            belopp=amount, datum=day)
        return item, None


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
