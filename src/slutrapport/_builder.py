"""The default template's builder: paragraphs, tables and docxtpl tags, one helper per kind of line.

Used by :mod:`slutrapport.standard_build` and by each section kind's ``fragment`` (see
:mod:`slutrapport.kinds`). Only building the template imports python-docx through here.
"""

from __future__ import annotations

from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph

from slutrapport.seam import element

__all__ = ["GREY", "Builder", "cant_split", "field", "insert_in_order", "keep_with_next",
           "shade_cell", "table_width"]

GREY = "D9E2EC"

def field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A simple field (page number, table of contents) that Word and LibreOffice update."""
    def run_with(child: Any) -> None:
        r: Any = OxmlElement("w:r")
        r.append(child)
        element(paragraph).append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = shown
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)



class Builder:
    """Adds template paragraphs and tables to a document, one helper per kind of line."""

    GREY = GREY
    """The shade of a table's header and sum rows."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc

    def p(self, text: str, style: str = "Body Text") -> Paragraph:
        paragraph: Paragraph = self.doc.add_paragraph(text, style=style)
        return paragraph

    def tag(self, tag: str) -> Paragraph:
        """A paragraph holding only a docxtpl tag (``{%p … %}`` or ``{{p … }}``)."""
        paragraph: Paragraph = self.doc.add_paragraph(tag, style="Body Text")
        return paragraph

    def h(self, text: str, level: int) -> Paragraph:
        paragraph: Paragraph = self.doc.add_paragraph(text, style=f"Heading {level}")
        return paragraph

    def narrative(self, expr: str) -> None:
        self.tag("{{p " + expr + " }}")

    def section(self, var: str, level: int = 1) -> None:
        """An optional section with a heading and a narrative text."""
        self.tag("{%p if " + var + " %}")
        self.h("{{ " + var + ".rubrik }}", level)
        self.narrative(var + ".text")
        self.tag("{%p endif %}")

    def table(self, headers: list[tuple[str, bool]], widths_cm: list[float]) -> Table:
        """A table with a header row; ``headers`` pairs a heading with 'is a number column'."""
        table: Table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        table_width(table, widths_cm)
        head = table.rows[0]
        repeat_header(head)
        for cell, (text, numeric) in zip(head.cells, headers, strict=True):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = self.doc.styles["Tabellrubrik tal" if numeric
                                                        else "Tabellrubrik"]
            # The header keeps with the first row: LibreOffice (7.4) loses the rows of a table
            # that breaks right after its repeated header row at the foot of a page.
            keep_with_next(cell.paragraphs[0])
            shade_cell(cell, GREY)
        return table

    def row(self, table: Table, cells: list[tuple[str, bool]], *, bold: bool = False,
            shade: str | None = None) -> None:
        row: Any = table.add_row()  # type: ignore[no-untyped-call]
        for cell, (text, numeric) in zip(row.cells, cells, strict=True):
            cell.paragraphs[0].text = text
            style = "Tabellrubrik tal" if bold and numeric else "Tabellrubrik" if bold else (
                "Tabelltal" if numeric else "Tabelltext")
            cell.paragraphs[0].style = self.doc.styles[style]
            if shade:
                shade_cell(cell, shade)
        cant_split(row)

    def amount_table(self, rows: str, item: str, lead: str, caption: str, label: str,
                     name_cell: str, amount_cell: str, total: str,
                     share: tuple[str, str] | None = None) -> None:
        """A lead-in, a caption and a table of amounts with a sum row where ``total`` is not
        None (where the rows add up to the stated total).

        ``caption`` names the table's caption in the context (``a.tabeller.kostnader``).
        ``share`` adds a column of each row's share of the sum: the row's cell and the sum
        row's. Opens ``{%p if rows %}``; the caller closes it (so it can add footnotes first).
        """
        self.tag("{%p if " + rows + " %}")
        self.narrative(lead + ".stycken('Tabellingress')")
        self.caption(caption)
        heads = [(label, False), ("Belopp (kr)", True)] + ([("Andel", True)] if share else [])
        t = self.table(heads, [9.0, 4.0] + ([3.0] if share else []))
        self.loop_row(t, "{%tr for " + item + " in " + rows + " %}")
        self.row(t, [(name_cell, False), (amount_cell, True)]
                 + ([(share[0], True)] if share else []))
        self.loop_row(t, "{%tr endfor %}")
        self.loop_row(t, "{%tr if " + total + " is not none %}")
        self.row(t, [("Summa", False), ("{{ " + total + "|tal }}", True)]
                 + ([(share[1], True)] if share else []), bold=True, shade=GREY)
        self.loop_row(t, "{%tr endif %}")
        self.end_table()

    def end_table(self) -> None:
        """A small paragraph after a table, so the text that follows doesn't touch it."""
        self.doc.add_paragraph("", style="Efter tabell")

    def chart(self, var: str, name: str) -> None:
        """A chart from ``<var>.diagram.<name>`` with its caption, if the section has one."""
        chart = var + ".diagram." + name
        self.tag("{%p if " + chart + " %}")
        self.p("{{ " + chart + ".bild }}", "Figur")
        # centred under the centred chart; a table's caption (the same style) stays left
        self.p("{{r " + chart + ".bildtext_falt }}", "Caption").alignment = \
            WD_ALIGN_PARAGRAPH.CENTER
        self.tag("{%p endif %}")

    def caption(self, var: str) -> Paragraph:
        """A table's caption above it: ``Tabell {SEQ Tabell}: …`` from ``<var>.bildtext_falt``
        (``a.tabeller.kostnader``), kept with the table."""
        paragraph = self.p("{{r " + var + ".bildtext_falt }}", "Caption")
        keep_with_next(paragraph)
        return paragraph

    @staticmethod
    def keep_with_next(paragraph: Paragraph) -> None:
        """Keep the paragraph on the page of the one after it."""
        keep_with_next(paragraph)

    def loop_row(self, table: Table, tag: str) -> None:
        row: Any = table.add_row()  # type: ignore[no-untyped-call]
        row.cells[0].paragraphs[0].text = tag


# The children of w:tblPr in the schema's order (CT_TblPr): Word refuses them in another.
TBL_PR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
                "tblPrChange")


def insert_in_order(parent: Any, child: Any, order: tuple[str, ...]) -> None:
    """Put ``child`` in ``parent`` at the place the schema's sequence ``order`` (local names of
    the w: children) gives it, in place of any of its own name: OOXML is a sequence, not a bag.
    """
    name = child.tag.rsplit("}", 1)[-1]
    for old in parent.findall(qn("w:" + name)):
        parent.remove(old)
    after = set(order[order.index(name) + 1:])
    for existing in parent:
        if isinstance(existing.tag, str) and existing.tag.rsplit("}", 1)[-1] in after:
            existing.addprevious(child)
            return
    parent.append(child)


def table_width(table: Table, widths_cm: list[float]) -> None:
    tbl_pr: Any = element(table).tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    insert_in_order(tbl_pr, width, TBL_PR_ORDER)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    insert_in_order(tbl_pr, layout, TBL_PR_ORDER)
    grid = element(table).tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(w * 567)))
    for column, w in zip(table.columns, widths_cm, strict=True):
        for cell in column.cells:
            cell.width = Cm(w)


TR_PR_ORDER = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
               "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden", "ins",
               "del", "trPrChange")
"""The children of a row's properties in the order ECMA-376 lists them (§17.4.79; the schema
allows any order, but Word's own files and stricter validators keep this one)."""


def repeat_header(row: object) -> None:
    tr_pr = element(row).get_or_add_trPr()
    insert_in_order(tr_pr, OxmlElement("w:tblHeader"), TR_PR_ORDER)
    cant_split(row)


def cant_split(row: object) -> None:
    tr_pr = element(row).get_or_add_trPr()
    insert_in_order(tr_pr, OxmlElement("w:cantSplit"), TR_PR_ORDER)


def shade_cell(cell: object, fill: str) -> None:
    tc_pr = element(cell).get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


