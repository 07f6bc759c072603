"""A register file as one sheet of cells: a workbook's sheet, or a .csv file's rows.

:func:`open_sheet` reads the file's bytes (as untrusted input, :mod:`slutrapport.registers.files`)
into a :class:`Sheet`: its rows of cell values, its merged areas, and which formula cells were
never calculated (an .xlsx sheet's XML tells). A .csv file is read as Swedish offices export it:
UTF-8 with or without a byte order mark, or Windows-1252; ``;``, ``,`` or tab between the fields
(Excel's ``sep=`` line too). What can't be read at all is an
:class:`~slutrapport.errors.InputError` naming file, sheet, row and column.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slutrapport.formatting import format_integer
from slutrapport.registers.block import RegisterSpec
from slutrapport.registers.files import (
    FORMULA_TAG,
    MAX_CELL_CHARS,
    MAX_CELLS,
    clip,
    column,
    letters,
    read_bytes,
    read_workbook,
    unusable,
)
from slutrapport.registers.rows import RegisterProblem

__all__ = ["Sheet", "open_sheet"]


class Sheet:
    """One sheet as read: its rows of cell values, and what the file can tell about them."""

    def __init__(self, file: str, sheet: str | None, rows: list[list[Any]],
                 merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
                 formulas: Callable[[], set[tuple[int, int]]] | None = None) -> None:
        self.file = file
        self.sheet = sheet
        self.rows = rows
        self.merged = merged or []
        self._formulas = formulas
        self._formula_cells: set[tuple[int, int]] | None = None

    def uncalculated(self) -> set[tuple[int, int]]:
        """Cells (0-based row, column) holding a formula whose value was never calculated."""
        if self._formula_cells is None:
            self._formula_cells = self._formulas() if self._formulas else set()
        return self._formula_cells

    def column_name(self, col: int, title: str) -> str:
        """'kolumn E (Kvinnor)' in a workbook, 'kolumn 5 (Kvinnor)' in a .csv file."""
        where = letters(col + 1) if self.sheet is not None else str(col + 1)
        return f"kolumn {where} ({clip(title)})" if title else f"kolumn {where}"

    def place(self, row: int | None = None, col: int | None = None, title: str = "") -> str:
        """'aktivitetslogg.xlsx, blad Logg, rad 17, kolumn E (Kvinnor)' (rows 0-based)."""
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"blad {clip(self.sheet)}")
        if row is not None:
            parts.append(f"rad {row + 1}")
        if col is not None:
            parts.append(self.column_name(col, title))
        return ", ".join(parts)


def open_sheet(spec: RegisterSpec, path: Path, shown: str, notes: list[RegisterProblem]) -> Sheet:
    """The register's sheet, or InputError when the file can't be read at all (``path`` is
    the real path, checked by :func:`slutrapport.registers.files.locate`)."""
    raw = read_bytes(path, shown)
    if Path(shown).suffix.lower() == ".csv":
        return _csv_sheet(raw, shown, spec, notes)
    return _workbook_sheet(raw, shown, spec)


def _workbook_sheet(raw: bytes, shown: str, spec: RegisterSpec) -> Sheet:
    suffix = Path(shown).suffix.lower()
    read = read_workbook(raw, shown, suffix, spec.sheet)
    formulas = None
    if raw.startswith(b"PK") and suffix != ".ods" and read.formulas:
        def formulas() -> set[tuple[int, int]]:
            return _uncalculated_formulas(raw, read.sheet)
    return Sheet(shown, read.sheet, read.rows, read.merged, formulas)


_CELL = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]+)([0-9]+)\"[^>]*?(/>|>(.*?)</c>)", re.S)
_VALUE = re.compile(rb"<v>[^<]+</v>|<is>")


def _uncalculated_formulas(raw: bytes, sheet: str) -> set[tuple[int, int]]:
    """Formula cells without a stored value in an .xlsx sheet (0-based row and column).

    calamine reads such a cell as empty, as if nothing were written there; the sheet's XML tells
    the two apart (``<f>`` without ``<v>``). Asked only when a part of the file holds a formula
    (:attr:`~slutrapport.registers.files.WorkbookRead.formulas`: the check of its parts looked);
    the sheet's cells are searched only when the sheet itself holds one.
    """
    try:  # the parts were counted as they unpacked (slutrapport.registers.files): within limits
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            part = _sheet_part(z, sheet)
            if part is None:
                return set()
            data = z.read(part)
    except Exception:  # the parts unpacked once already; if not now, there is nothing to add
        return set()
    if not FORMULA_TAG.search(data):
        return set()
    out: set[tuple[int, int]] = set()
    for m in _CELL.finditer(data):
        body = m.group(4) or b""
        if FORMULA_TAG.search(body) and not _VALUE.search(body):
            out.add((int(m.group(2)) - 1, column(m.group(1)) - 1))
    return out


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member of the named sheet, from the workbook and its relationships."""
    book = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    rid = None
    for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", book):
        attrs = dict(re.findall(r"([\w:]+)=\"([^\"]*)\"", m.group(1)))
        if html.unescape(attrs.get("name", "")) == sheet:
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            break
    if rid is None:
        return None
    for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = dict(re.findall(r"([\w:]+)=\"([^\"]*)\"", m.group(1)))
        if attrs.get("Id") == rid:
            target = str(attrs.get("Target", ""))
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _csv_sheet(raw: bytes, shown: str, spec: RegisterSpec,
               notes: list[RegisterProblem]) -> Sheet:
    """A .csv file as rows of text: encoding detected, delimiter sniffed from the header line."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise unusable("filen är sparad som UTF-16; spara den som CSV (UTF-8) eller "
                       "CSV (semikolonavgränsad)", shown, row=1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        line = raw[: exc.start].count(b"\n") + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc2:
            line2 = raw[: exc2.start].count(b"\n") + 1
            raise unusable(
                f"filen är varken UTF-8 eller Windows-1252 (byte 0x{raw[exc2.start]:02X}); "
                "spara den som CSV (UTF-8)", shown, row=line2) from None
        notes.append(RegisterProblem(
            code="register-kodning", severity="info", source=spec.key, row=line,
            message=f"{shown} är inte UTF-8 (byte 0x{bad:02X} på rad {line}) och lästes som "
                    f"Windows-1252 (t.ex. '{raw[exc.start:exc.start + 1].decode('cp1252')}'); "
                    "spara den som CSV (UTF-8) om tecknen blev fel."))
    sep = _SEP_LINE.match(text)
    if sep:  # Excel's own first line: the delimiter, not a row (Excel doesn't show it)
        text = text[sep.end():]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise unusable("filen innehåller nolltecken (NUL) och är ingen textfil; är det rätt "
                       "fil?", shown, row=line)
    delimiter = sep.group(1) if sep else _sniff(text.split("\n", 1)[0])
    return Sheet(shown, None, _csv_rows(text, delimiter, shown))


_SEP_LINE = re.compile(r'"?sep=([^"\r\n])"?[ \t]*(?:\r\n|\n|\r|$)', re.IGNORECASE)
"""Excel's first line naming the delimiter: ``sep=;``."""


def _csv_rows(text: str, delimiter: str, shown: str) -> list[list[Any]]:
    """The rows of a .csv file's text; quotes must open and close as CSV has them, no field may
    be longer than a cell, nor the fields more than a sheet may have (InputError, Swedish)."""
    rows: list[list[Any]] = []
    fields = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            fields += len(row)
            if fields > MAX_CELLS:
                raise unusable(f"filen har fler än {format_integer(MAX_CELLS)} fält, gränsen "
                               "för ett register; registret läses inte", shown,
                               row=len(rows) + 1)
            if row and max(map(len, row)) > MAX_CELL_CHARS:
                col = next(i for i, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS)
                raise unusable(f"fältet har {format_integer(len(row[col]))} tecken, fler än de "
                               f"{format_integer(MAX_CELL_CHARS)} som en cell rymmer; registret "
                               "läses inte", shown, row=len(rows) + 1, where=f"kolumn {col + 1}")
            rows.append(row)
    except csv.Error as exc:  # the row being read is the one after those read
        raise unusable(_csv_problem(str(exc), delimiter), shown, row=len(rows) + 1) from None
    return rows


def _csv_problem(text: str, delimiter: str) -> str:
    """What Python's csv reader found wrong, in Swedish."""
    shown = "tabb" if delimiter == "\t" else f"'{delimiter}'"
    if "unexpected end of data" in text:
        return ("ett citattecken (\") öppnar ett fält på raden men stängs aldrig, så resten av "
                "filen skulle bli ett enda fält; lägg till det avslutande citattecknet")
    if "expected after" in text:
        return (f"efter ett citattecken (\") som avslutar ett fält ska {shown} eller radslut "
                "komma; skriv två citattecken (\"\") för ett citattecken i ett fält")
    if "field larger than field limit" in text:
        return (f"raden har ett fält med fler än {format_integer(MAX_CELL_CHARS)} tecken, mer än "
                "en cell rymmer; registret läses inte")
    if "new-line" in text:
        return "raden har en radbrytning mitt i ett fält utan citattecken"
    return "raden kan inte läsas som CSV"


def _sniff(header: str) -> str:
    """The delimiter of a header line: ';', ',' or tab, whichever stands most outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"

