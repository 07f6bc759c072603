"""The project's own registers: read them, as typed rows, and count the report's figures from them.

A report may name its registers under the top-level key ``register`` (:class:`Registerfiler`):
the activity log, the participant register, the programme companies, the cost ledger and the
financing — each a spreadsheet (.xlsx or .ods, read with python-calamine) or a .csv file as
Swedish offices export it (``;`` or ``,`` between the fields, decimal comma, UTF-8 with or
without a byte order mark, or Windows-1252). :func:`read_registers` reads what the report names
and gives :class:`Registers`: the typed rows (:class:`Aktivitet`, :class:`Deltagarrad`,
:class:`Foretagsrad`, :class:`Kostnadsrad`, :class:`Finansieringsrad`), each with its place
(``fil``, ``blad``, ``rad``), how many rows each register had and how many were not counted,
and every problem found in them (:class:`RegisterProblem`: Swedish, naming file, sheet, row and
column).

How the registers are read:

- As untrusted input (:mod:`slutrapport.registers.files`): only in the report file's folder
  (unless ``allow_outside``), only regular files, within limits of size, unpacked parts, a
  sheet's extent and a cell's length; .xls and .ods in a child process with a memory cap.
- One sheet per register: the sheet named as in :data:`REGISTERS` (``Logg``, ``Deltagare``,
  ``Foretag``, ``Huvudbok``, ``Finansiering``; any case) if the workbook has one, else its first
  sheet. The header is row 1; row numbers are the sheet's own (the first data row is row 2).
- Columns are found by their header, compared without case, diacritics, spaces or soft hyphens
  (``Män`` is ``man``, ``Anställda före`` is ``anstallda_fore``); ``register.kolumner`` maps a
  register's own titles to the column names.
- Activity areas are referred to by id: an area's own ``id``, or the id ``register.omraden``
  gives its heading; an activity section that states a count of its own is an area too, with
  the section's id. Municipalities by id: ``slug(name)`` (``Vännäs`` is ``vannas``) or the id
  ``register.kommuner`` gives the name. A cell may also hold the heading or name itself, or a
  label that ``register.etiketter`` maps to an id (per column: ``omrade``, ``kommun``,
  ``kategori``, ``finansiar``).
- A row with an error (an unknown area, a count that is not a whole number ≥ 0, a missing date, a
  formula never calculated …) is not counted, and the problem says so; a row with a warning (a
  date outside the project period, a likely duplicate) is counted. A blank row between rows is a
  warning; blank rows at the end are not. A blank count of women or men is 0 (an info counts
  such rows).
- A formula cell whose value was never calculated (a file written by a program, never opened and
  saved in Excel or LibreOffice) reads as an empty cell; in an .xlsx file the sheet's XML is
  searched for formula cells without a value, and each one in a column the register uses is an
  error. (An .ods file always holds the calculated values when LibreOffice saved it.)
- Amounts in the ledger and the financing may have öre: they are summed exactly, per category
  or financier and in all, and each sum is rounded once, half up, to whole kronor (the
  categories so that they add up to the total: :func:`round_to_total`); ``check`` and ``fill``
  say so when the rounding changes a figure (``register-oren``).
- A row that is not counted keeps its amount (when it can be read) in
  :attr:`Lasning.ej_raknade_belopp`, so that a sum can say what it lacks.

The functions below (:func:`aktiviteter_per_omrade`, :func:`deltagare_totalt`,
:func:`unika_personer`, :func:`kostnader_per_kategori` …) count the figures from the rows; they
take any list of rows, so code can count figures of its own (per municipality and year, say).
"""

from __future__ import annotations

from slutrapport.registers.block import (
    ALIASES,
    LABELLED,
    REGISTERS,
    SECTION_KEYS,
    TITLES,
    Registerfiler,
    RegisterKey,
    RegisterSpec,
)
from slutrapport.registers.count import (
    Insatssiffror,
    Konsfordelning,
    aktiviteter_per_ar,
    aktiviteter_per_kommun,
    aktiviteter_per_omrade,
    company_key,
    deltagare_per_aktivitet,
    deltagare_per_omrade,
    deltagare_totalt,
    finansiering_per_finansiar,
    foretagstabell,
    insatssiffror,
    kostnader_per_kategori,
    round_to_total,
    unika_foretag,
    unika_personer,
)
from slutrapport.registers.read import normalize_header, read_registers
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

__all__ = [
    "ALIASES",
    "LABELLED",
    "REGISTERS",
    "SECTION_KEYS",
    "TITLES",
    "Aktivitet",
    "Deltagarrad",
    "Finansieringsrad",
    "Foretagsrad",
    "Insatssiffror",
    "Konsfordelning",
    "Kostnadsrad",
    "Lasning",
    "RegisterKey",
    "RegisterProblem",
    "RegisterSpec",
    "Registerfiler",
    "Registers",
    "aktiviteter_per_ar",
    "aktiviteter_per_kommun",
    "aktiviteter_per_omrade",
    "company_key",
    "deltagare_per_aktivitet",
    "deltagare_per_omrade",
    "deltagare_totalt",
    "finansiering_per_finansiar",
    "foretagstabell",
    "insatssiffror",
    "kostnader_per_kategori",
    "normalize_header",
    "read_registers",
    "round_to_total",
    "row_list",
    "unika_foretag",
    "unika_personer",
]
