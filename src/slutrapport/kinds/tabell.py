"""A general table: columns of a stated type, rows of cells, and an optional stated sum row.

For the tables no other kind covers ("Företag som deltagit per kommun och bransch"). Each column
says what its cells hold — ``text``, ``antal``, ``kronor``, ``procent`` or ``anstallda`` — and
every cell is read as that type (a Swedish-written "12 345" too), so a cell of the wrong type is
an input error naming the row, the column and the value. A stated sum row is checked against the
columns' sums; per cent columns are not summed, so a figure there is compared with nothing.

The default template prints the table from :meth:`Tabell.context`'s ``tabell``: Word table XML
made in Python. The number of columns is data, and docxtpl's column loop (``{%tc for %}``) copies
cells without giving them widths of their own — it splits the grid evenly while every cell keeps
the width of the template's one cell, so Word (which reads the cells' widths) and LibreOffice
(which reads the grid) draw different tables, and a text column gets no more room than a figure.
Made in Python, the grid and every cell carry the same widths, sized to each column's contents.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from markupsafe import Markup
from pydantic import (
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails

from slutrapport.fields import (
    Anstallda,
    Antal,
    Belopp,
    Carry,
    Derived,
    Loc,
    Markdown,
    Modell,
    Procent,
)
from slutrapport.formatting import (
    PERCENT_PLACES,
    format_amount,
    format_decimal,
    format_integer,
    format_percent,
)
from slutrapport.kinds import LinkId, Raw, Section
from slutrapport.messages import as_written
from slutrapport.narrative import protect_braces

if TYPE_CHECKING:
    from slutrapport._builder import Builder
    from slutrapport.models import Slutrapport

__all__ = ["Cell", "Kolumn", "Kolumntyp", "Tabell"]

Kolumntyp = Literal["text", "antal", "kronor", "procent", "anstallda"]
"""What a column's cells hold."""

SUMMED: frozenset[str] = frozenset({"antal", "kronor", "anstallda"})
"""Column types whose stated sum is checked (per cent is not summed)."""

_CELL_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}

Cell = Annotated[str | int | Decimal | None, PlainValidator(lambda v: v),
                 WithJsonSchema(_CELL_SCHEMA)]
"""A cell as written; the table reads it as its column's type (an empty cell is None)."""

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "antal": TypeAdapter(Antal), "kronor": TypeAdapter(Belopp),
    "procent": TypeAdapter(Procent), "anstallda": TypeAdapter(Anstallda),
}
_EXPECTED = {
    "text": "ska vara text (sätt citattecken runt ett tal som ska stå som text)",
    "antal": "ska vara ett antal: ett heltal, 0 eller mer",
    "kronor": "ska vara ett belopp i hela kronor (en avvikelse får vara negativ)",
    "procent": "ska vara en procentsats från 0 till 100",
    "anstallda": "ska vara ett antal anställda i hela eller halva tjänster, 0 eller mer",
}


class Kolumn(Modell):
    """A column: its heading and what its cells hold."""

    rubrik: str = Field(min_length=1, description="Kolumnens rubrik, t.ex. Antal företag.")
    typ: Kolumntyp = Field(
        "text",
        description="Vad cellerna innehåller: text, antal, kronor, procent eller anstallda "
                    "(hela eller halva tjänster). Tal högerställs och skrivs på svenskt sätt.")


def read_cell(value: Any, typ: str) -> tuple[str | int | Decimal | None, str | None]:
    """A cell read as its column's type: (value, None), or (None, what it should be).

    None and "" are an empty cell; so is a figure written as blanks only. A text is kept as
    written, blanks and all.
    """
    if value is None or value == "":
        return None, None
    if typ == "text":
        return (value, None) if isinstance(value, str) else (None, _EXPECTED[typ])
    if isinstance(value, str) and not value.strip():
        return None, None
    if isinstance(value, bool | list | dict):
        return None, _EXPECTED[typ]
    try:
        return _ADAPTERS[typ].validate_python(value), None
    except ValidationError as exc:
        detail = next((str(e.get("ctx", {}).get("error", "")) for e in exc.errors()
                       if e["type"] == "value_error"), "")
        return None, detail or _EXPECTED[typ]


class Tabell(Section):
    """A table of typed columns with an optional stated sum row."""

    TYP = "tabell"
    BESKRIVNING = ("En egen tabell med kolumner av angiven typ (text, antal, kronor, procent, "
                   "anställda) och en summarad som kontrolleras.")

    TABELLER = ("tabell",)
    DERIVED: ClassVar[Derived] = {"tabellrader": "rader", "summarad": "summa",
                                  "tabell": ("rader", "summa")}
    CARRY = Carry(
        rows={"rader": "tabellens rader, en per rad: - [kolumnernas värden i ordning]"},
        sum_rows={"summa":
                  "valfritt: summaraden som rapporten anger den, en cell per kolumn"})

    typ: Literal["tabell"] = Field(description="Avsnittets typ.")
    rubrik: str = Field(min_length=1, description="Avsnittets rubrik.")
    text: Markdown = Field("", description="Text före tabellen (Markdown).")
    bildtext: str | None = Field(
        None, description="Tabellens bildtext, t.ex. Företag per kommun och bransch; står "
                          "som 'Tabell 3: …' ovanför tabellen, och en text hänvisar till "
                          "tabellen med [](ref:tabell.<id>).")
    kolumner: list[Kolumn] = Field(
        min_length=1, description="Tabellens kolumner, från vänster till höger.")
    rader: list[list[Cell]] = Field(
        default_factory=list,
        description="Tabellens rader: en lista med en cell per kolumn, i kolumnernas ordning. "
                    "En tom cell skrivs null eller \"\".")
    summa: list[Cell] | None = Field(
        None,
        description="Angiven summarad, en cell per kolumn: i en textkolumn en etikett som "
                    "\"Summa\" (eller null), i en talkolumn den angivna summan (eller null för "
                    "ingen). Summorna kontrolleras mot kolumnerna; procent summeras inte.")
    text_efter: Markdown = Field("", description="Text efter tabellen (Markdown).")
    liggande: bool = Field(
        False, description="true: avsnittet med tabellen står på en egen liggande sida, för en "
                           "tabell med många kolumner.")

    @model_validator(mode="after")
    def _typed_cells(self) -> Tabell:
        """Read every cell as its column's type; refuse rows of the wrong length or type."""
        errors: list[InitErrorDetails] = []
        headings = ", ".join(k.rubrik for k in self.kolumner)
        rows: list[tuple[Loc, str, list[Cell]]] = [
            (("rader", i), f"rad {i + 1}", row) for i, row in enumerate(self.rader)]
        if self.summa is not None:
            rows.append((("summa",), "summaraden", self.summa))
        for loc, label, row in rows:
            name = self._row_name(row)
            who = f"{label} ({name})" if name else label
            if len(row) != len(self.kolumner):
                errors.append(_error(loc, row, (
                    f"{who} har {len(row)} {'cell' if len(row) == 1 else 'celler'}, men "
                    f"tabellen har {len(self.kolumner)} "
                    f"{'kolumn' if len(self.kolumner) == 1 else 'kolumner'} ({headings})")))
                continue
            for j, (cell, kolumn) in enumerate(zip(row, self.kolumner, strict=True)):
                value, problem = read_cell(cell, kolumn.typ)
                if problem is not None:
                    errors.append(_error((*loc, j), cell, (
                        f"{who}, kolumnen '{kolumn.rubrik}' ({kolumn.typ}): {problem} "
                        f"(fick {as_written(cell)})")))
                row[j] = value
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def _row_name(self, row: list[Cell]) -> str | None:
        """The row's first text cell, which names it ('Robertsfors'), if any."""
        for cell, kolumn in zip(row, self.kolumner, strict=False):
            if kolumn.typ == "text" and isinstance(cell, str) and cell.strip():
                return f"'{cell.strip()}'"
        return None

    def column_sum(self, j: int) -> int | Decimal:
        """The sum of column ``j`` over the rows (blank cells count as nothing)."""
        cells = [row[j] for row in self.rader]
        numbers = [c for c in cells if isinstance(c, int | Decimal)]
        if self.kolumner[j].typ == "anstallda":
            return sum((Decimal(c) for c in numbers), Decimal(0))
        return sum(int(c) for c in numbers)

    def percent_places(self) -> list[int | None]:
        """Per column, the decimals its per cent figures are shown with: the most any of its
        cells is written with (0,05 % stays 0,05 %), so 15,0 % stands under 29,9 %; None for
        other types. (At most :data:`~slutrapport.formatting.PERCENT_PLACES`.)"""
        out: list[int | None] = []
        for j, kolumn in enumerate(self.kolumner):
            if kolumn.typ != "procent":
                out.append(None)
                continue
            cells = [row[j] for row in self.rader] + ([self.summa[j]] if self.summa else [])
            exponents = [c.as_tuple().exponent for c in cells if isinstance(c, Decimal)]
            written = [-e for e in exponents if isinstance(e, int)]
            out.append(min(max([0, *written]), PERCENT_PLACES))
        return out

    def findings(self, report: Slutrapport) -> Iterator[Raw]:
        if self.summa is None or not self.rader:
            return
        for j, (kolumn, stated) in enumerate(zip(self.kolumner, self.summa, strict=True)):
            if kolumn.typ not in SUMMED or not isinstance(stated, int | Decimal):
                continue
            computed = self.column_sum(j)
            if computed != stated:
                yield ("tabell-kolumnsumma", "error", ("summa", j),
                       f"Kolumnen '{kolumn.rubrik}' summerar till "
                       f"{format_cell(computed, kolumn.typ, unit=True)}, men summan anges till "
                       f"{format_cell(stated, kolumn.typ, unit=True)}.", computed, stated)

    def tables(self) -> dict[str, str]:
        return {"tabell": self.bildtext} if self.bildtext else {}

    def reference(self, what: Literal["tabell", "diagram"], name: str) -> str:
        """The table is the section's only one: ``tabell.<id>``."""
        return f"tabell.{self.name}" if what == "tabell" else super().reference(what, name)

    def unfilled(self) -> Iterator[tuple[Loc, str]]:
        if not self.rader:
            yield ("rader",), "Tabellen har inga rader."

    def context(self, out: dict[str, Any], link_id: LinkId | None) -> None:
        numeric = [k.typ != "text" for k in self.kolumner]
        for k, is_number in zip(out["kolumner"], numeric, strict=True):
            k["tal"] = is_number
        places = self.percent_places()

        def shown(row: list[Cell]) -> list[str]:
            return [format_cell(c, k.typ, places=p)
                    for c, k, p in zip(row, self.kolumner, places, strict=True)]

        out["tabellrader"] = [shown(row) for row in self.rader]
        out["summarad"] = None if self.summa is None else shown(self.summa)
        out["summor"] = [self.column_sum(j) if k.typ in SUMMED else None
                         for j, k in enumerate(self.kolumner)]
        out["tabell"] = Markup(protect_braces(table_xml(
            [k.rubrik for k in self.kolumner], numeric, out["tabellrader"], out["summarad"],
            LANDSCAPE_WIDTH_TWIPS if self.liggande else TEXT_WIDTH_TWIPS)))

    @classmethod
    def fragment(cls, b: Builder, var: str) -> None:
        # A wide table's section stands on a landscape page of its own (heading, text and
        # table); the text after it goes on in portrait.
        b.tag("{%p if " + var + ".liggande %}")
        b.narrative("sida.liggande")
        b.tag("{%p endif %}")
        b.h("{{ " + var + ".rubrik }}", 1)
        b.narrative(var + ".text.stycken('Tabellingress')")
        b.tag("{%p if " + var + ".tabeller.tabell %}")
        b.caption(var + ".tabeller.tabell")
        b.tag("{%p endif %}")
        b.narrative(var + ".tabell")
        b.end_table()
        b.tag("{%p if " + var + ".liggande %}")
        b.narrative("sida.staende")
        b.tag("{%p endif %}")
        b.narrative(var + ".text_efter")


def _error(loc: Loc, value: Any, message: str) -> InitErrorDetails:
    return InitErrorDetails(type="value_error", loc=loc, input=value,
                            ctx={"error": ValueError(message)})


def format_cell(value: str | int | Decimal | None, typ: str, *, unit: bool = False,
                places: int | None = None) -> str:
    """A cell as the table prints it: Swedish figures, kronor without 'kr' (unless ``unit``);
    per cent with ``places`` decimals (None: those it needs, at most one).

    >>> format_cell(1242340, "kronor")
    '1\\xa0242\\xa0340'
    >>> format_cell(Decimal("49.7"), "procent")
    '49,7\\xa0%'
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if typ == "kronor":
        return format_amount(value) if unit else format_amount(value, unit="")
    if typ == "procent":
        return format_percent(value, decimals=places)
    if typ == "anstallda":
        return format_decimal(value, max_decimals=1)
    return format_integer(value)


# --- Word table XML -------------------------------------------------------------------------------

TEXT_WIDTH_TWIPS = 9072
"""The text width of the default template (16 cm) in twentieths of a point."""
LANDSCAPE_WIDTH_TWIPS = 14004
"""The text width of the default template's page turned landscape (24,7 cm)."""
_CM = 567
_GREY = "D9E2EC"
_CHAR_CM = 0.2  # a character of the table's 9,5 pt text, generously
_PAD_CM = 0.45  # the cell's left and right margins and a little air


def column_widths(headings: list[str], numeric: list[bool], rows: list[list[str]],
                  total: int = TEXT_WIDTH_TWIPS) -> list[int]:
    """Widths in twips that fill ``total``: figures as wide as their longest figure or heading
    word, text columns sharing the rest after their longest text (a long text wraps).

    >>> column_widths(["Kommun", "Antal"], [False, True], [["Vindeln", "12"]])
    [8249, 823]
    """
    def need(j: int, cap: int) -> float:
        words = [len(w) for w in headings[j].split()] or [1]
        cells = [len(row[j]) for row in rows if j < len(row)]
        return min(max([*words, *cells, 3]), cap) * _CHAR_CM + _PAD_CM

    figures = {j: need(j, 16) * _CM for j, is_number in enumerate(numeric) if is_number}
    texts = {j: need(j, 40) * _CM for j, is_number in enumerate(numeric) if not is_number}
    fixed = sum(figures.values())
    if not texts or fixed >= total * 0.75:
        wanted = {**figures, **texts}
        scale = total / sum(wanted.values())
        widths = [int(wanted[j] * scale) for j in range(len(numeric))]
    else:
        room = total - fixed
        weight = sum(texts.values())
        widths = [int(figures[j]) if j in figures else int(room * texts[j] / weight)
                  for j in range(len(numeric))]
    widths[-1] += total - sum(widths)
    return widths


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _cell(text: str, width: int, style: str, shade: bool, keep: bool) -> str:
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{_GREY}"/>' if shade else ""
    run = (f'<w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r>' if text else "")
    keep_next = "<w:keepNext/>" if keep else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep_next}</w:pPr>{run}</w:p></w:tc>')


_STYLES = {(False, False): "Tabelltext", (False, True): "Tabelltal",
           (True, False): "Tabellrubrik", (True, True): "Tabellrubriktal"}
"""The default template's paragraph styles (by id) of a cell: (bold row, figure column)."""


def _row(cells: list[str], widths: list[int], numeric: list[bool], *, bold: bool,
         header: bool = False, keep: bool = True) -> str:
    props = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
    body = "".join(
        _cell(text, width, _STYLES[bold, is_number], bold, keep)
        for text, width, is_number in zip(cells, widths, numeric, strict=True))
    return f"<w:tr>{props}{body}</w:tr>"


def table_xml(headings: list[str], numeric: list[bool], rows: list[list[str]],
              total_row: list[str] | None, total: int = TEXT_WIDTH_TWIPS) -> str:
    """A Word table (``<w:tbl>``) in the default template's table styles: a repeated, shaded
    header row, one row per data row and a bold, shaded sum row; figures right-aligned.

    Every row but the last keeps with the next, so a table that fits on a page is not split
    (Word and LibreOffice break a longer one at the page's end as usual).
    """
    widths = column_widths(headings, numeric, rows + ([total_row] if total_row else []), total)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="'
        f'{sum(widths)}" w:type="dxa"/><w:jc w:val="left"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>',
        _row(headings, widths, numeric, bold=True, header=True),
    ]
    last = len(rows) - (0 if total_row is not None else 1)
    out += [_row(row, widths, numeric, bold=False, keep=i < last) for i, row in enumerate(rows)]
    if total_row is not None:
        out.append(_row(total_row, widths, numeric, bold=True, keep=False))
    out.append("</w:tbl>")
    return "".join(out)
