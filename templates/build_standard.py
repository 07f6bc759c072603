"""Build the default Word template, ``templates/standard.docx``, from code.

The template is a real Word document: A4, styles for headings, body text, lists, tables and
captions, a title page, a table-of-contents field, page numbers in the footer, and every section of
a final report in the NIS 6.0 report's order, with docxtpl tags for the data. Keeping it as code
makes it reviewable and reproducible; open the result in Word to restyle it (see docs/).

Run: ``python templates/build_standard.py`` (writes ``templates/standard.docx``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
OUT = HERE / "standard.docx"

FONT = "Liberation Sans"  # metric-compatible with Arial; Word substitutes Arial
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
GREY = "D9E2EC"
TEXT_WIDTH_CM = 16.0


def _set_font(style: object, size: float, *, bold: bool | None = None,
              italic: bool | None = None, color: RGBColor | None = None) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _spacing(style: object, before: float, after: float, *, keep_next: bool = False,
             line: float | None = None) -> None:
    pf = style.paragraph_format  # type: ignore[attr-defined]
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    if line is not None:
        pf.line_spacing = line


def _styles(doc: Document) -> None:
    styles = doc.styles
    _set_font(styles["Normal"], 10.5)
    _spacing(styles["Normal"], 0, 6, line=1.15)
    _set_font(styles["Body Text"], 10.5)
    _spacing(styles["Body Text"], 0, 8, line=1.15)
    for name, size, before, after in (("Heading 1", 16, 18, 8), ("Heading 2", 13, 14, 6),
                                      ("Heading 3", 11.5, 10, 4)):
        _set_font(styles[name], size, bold=True, italic=False, color=ACCENT)
        _spacing(styles[name], before, after, keep_next=True)
        styles[name].paragraph_format.keep_together = True
    styles["Heading 1"].paragraph_format.page_break_before = False
    _set_font(styles["Title"], 30, bold=True, color=ACCENT)
    _spacing(styles["Title"], 180, 12)
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    _set_font(styles["Subtitle"], 18, italic=False, color=ACCENT)
    _spacing(styles["Subtitle"], 0, 8)
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2"):
        _set_font(styles[name], 10.5)
        _spacing(styles[name], 0, 4, line=1.15)
    _set_font(styles["Caption"], 9, bold=False, italic=True, color=RGBColor(0x40, 0x40, 0x40))
    _spacing(styles["Caption"], 2, 10)
    _set_font(styles["TOC Heading"], 16, bold=True, color=ACCENT)
    _set_font(styles["Footer"], 9)

    summary = styles.add_style("Sammanfattning", 1)
    summary.base_style = styles["List Bullet"]
    _set_font(summary, 11, bold=True)
    _spacing(summary, 0, 8, line=1.15)

    table_text = styles.add_style("Tabelltext", 1)
    table_text.base_style = styles["Normal"]
    _set_font(table_text, 9.5)
    _spacing(table_text, 1, 1, line=1.0)
    table_number = styles.add_style("Tabelltal", 1)
    table_number.base_style = table_text
    table_number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table_head = styles.add_style("Tabellrubrik", 1)
    table_head.base_style = table_text
    _set_font(table_head, 9.5, bold=True)
    table_head_number = styles.add_style("Tabellrubrik tal", 1)
    table_head_number.base_style = table_head
    table_head_number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    lead = styles.add_style("Tabellingress", 1)
    lead.base_style = styles["Body Text"]
    lead.paragraph_format.keep_with_next = True
    after_table = styles.add_style("Efter tabell", 1)
    after_table.base_style = styles["Normal"]
    after_table.font.size = Pt(2)
    _spacing(after_table, 0, 8, line=1.0)
    figure = styles.add_style("Figur", 1)
    figure.base_style = styles["Normal"]
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(figure, 6, 2, keep_next=True, line=1.0)
    footnote = styles.add_style("Fotnot", 1)
    footnote.base_style = styles["Normal"]
    _set_font(footnote, 9, italic=True)
    _spacing(footnote, 2, 10)
    link = styles.add_style("Hyperlink", 2)
    _set_font(link, 10.5, color=RGBColor(0x05, 0x63, 0xC1))
    link.font.size = None
    link.font.underline = True
    for n in range(1, 4):
        toc = styles.add_style(f"TOC {n}", 1) if f"TOC {n}" not in styles else styles[f"TOC {n}"]
        toc.base_style = styles["Normal"]
        _set_font(toc, 10.5, bold=(n == 1))
        toc.paragraph_format.left_indent = Cm(0.6 * (n - 1))
        _spacing(toc, 4 if n == 1 else 0, 2)
        tabs = toc.paragraph_format.tab_stops
        from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

        tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def _page(doc: Document) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = doc.styles["Footer"]
    footer.add_run("{{ projekt.kortnamn }} – {{ projekt.rapporttyp|lower }}   ·   Sida ")
    _field(footer, "PAGE", "1")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES", "1")


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A simple field (page number, table of contents) that Word and LibreOffice update."""
    def run_with(child: OxmlElement) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

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


def _update_fields_on_open(doc: Document) -> None:
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    lang = doc.styles.element.find(qn("w:docDefaults"))
    if lang is not None:
        rpr = lang.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            for old in rpr.findall(qn("w:lang")):
                rpr.remove(old)
            el = OxmlElement("w:lang")
            el.set(qn("w:val"), "sv-SE")
            el.set(qn("w:eastAsia"), "sv-SE")
            rpr.append(el)


class Builder:
    """Adds template paragraphs and tables to a document, one helper per kind of line."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def p(self, text: str, style: str = "Body Text") -> Paragraph:
        return self.doc.add_paragraph(text, style=style)

    def tag(self, tag: str) -> Paragraph:
        """A paragraph holding only a docxtpl tag (``{%p … %}`` or ``{{p … }}``)."""
        return self.doc.add_paragraph(tag, style="Body Text")

    def h(self, text: str, level: int) -> Paragraph:
        return self.doc.add_paragraph(text, style=f"Heading {level}")

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
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        _table_width(table, widths_cm)
        head = table.rows[0]
        _repeat_header(head)
        for cell, (text, numeric) in zip(head.cells, headers, strict=True):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = self.doc.styles["Tabellrubrik tal" if numeric
                                                        else "Tabellrubrik"]
            _shade(cell, GREY)
        return table

    def row(self, table: Table, cells: list[tuple[str, bool]], *, bold: bool = False,
            shade: str | None = None) -> None:
        row = table.add_row()
        for cell, (text, numeric) in zip(row.cells, cells, strict=True):
            cell.paragraphs[0].text = text
            style = "Tabellrubrik tal" if bold and numeric else "Tabellrubrik" if bold else (
                "Tabelltal" if numeric else "Tabelltext")
            cell.paragraphs[0].style = self.doc.styles[style]
            if shade:
                _shade(cell, shade)
        _cant_split(row)

    def amount_table(self, rows: str, item: str, lead: str, caption: str, label: str,
                     name_cell: str, amount_cell: str, total: str) -> None:
        """A lead-in, a caption and a two-column table of amounts with a sum row.

        Opens ``{%p if rows %}``; the caller closes it (so it can add footnotes first).
        """
        self.tag("{%p if " + rows + " %}")
        self.narrative(lead + ".stycken('Tabellingress')")
        _keep_with_next(self.p(caption, "Caption"))
        t = self.table([(label, False), ("Belopp (kr)", True)], [9.0, 4.0])
        self.loop_row(t, "{%tr for " + item + " in " + rows + " %}")
        self.row(t, [(name_cell, False), (amount_cell, True)])
        self.loop_row(t, "{%tr endfor %}")
        self.row(t, [("Summa", False), ("{{ " + total + "|tal }}", True)], bold=True, shade=GREY)
        self.end_table()

    def end_table(self) -> None:
        """A small paragraph after a table, so the text that follows doesn't touch it."""
        self.doc.add_paragraph("", style="Efter tabell")

    def chart(self, name: str) -> None:
        """A chart from ``diagram.<name>`` with its caption, if the report has one."""
        var = "diagram." + name
        self.tag("{%p if " + var + " %}")
        self.p("{{ " + var + ".bild }}", "Figur")
        self.p("{{ " + var + ".bildtext }}", "Caption")
        self.tag("{%p endif %}")

    def loop_row(self, table: Table, tag: str) -> None:
        row = table.add_row()
        row.cells[0].paragraphs[0].text = tag


def _table_width(table: Table, widths_cm: list[float]) -> None:
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(w * 567)))
    for column, w in zip(table.columns, widths_cm, strict=True):
        for cell in column.cells:
            cell.width = Cm(w)


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)
    _cant_split(row)


def _cant_split(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))


def _shade(cell: object, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _keep_with_next(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _facts(b: Builder) -> None:
    """A small table of the project's facts on the title page; rows without data are left out."""
    facts = [("Kommuner", "projekt.kommuner", "{{ projekt.kommuner|lista }}"),
             ("Finansiärer", "projekt.finansiarer", "{{ projekt.finansiarer|lista }}"),
             ("Projektägare", "projekt.projektagare", "{{ projekt.projektagare }}"),
             ("Utvärderare", "projekt.utvarderare", "{{ projekt.utvarderare }}"),
             ("Webbplats", "projekt.webbplats", "{{ projekt.webbplats }}")]
    # A table whose every row is left out would be empty, which Word refuses: guard it whole.
    b.tag("{%p if " + " or ".join(condition for _, condition, _ in facts) + " %}")
    table = b.doc.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for label, condition, value in facts:
        b.loop_row(table, "{%tr if " + condition + " %}")
        row = table.add_row()
        for cell, text, bold in ((row.cells[0], label, True), (row.cells[1], value, False)):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = b.doc.styles["Tabellrubrik" if bold else "Tabelltext"]
        _cant_split(row)
        b.loop_row(table, "{%tr endif %}")
    _table_width(table, [3.5, 12.5])
    b.end_table()
    b.tag("{%p endif %}")


def _horizontal_criteria(b: Builder, condition: str) -> None:
    """The horizontal criteria with the participants table and chart, under a condition."""
    b.tag("{%p if " + condition + " %}")
    b.h("{{ horisontella_kriterier.rubrik }}", 1)
    b.narrative("horisontella_kriterier.text")
    b.tag("{%p if horisontella_kriterier.deltagare %}")
    cap = b.p("Tabell: Deltagare i projektets aktiviteter efter kön", "Caption")
    _keep_with_next(cap)
    t = b.table([("Deltagare", False), ("Antal", True), ("Andel", True)], [8.0, 3.5, 3.5])
    d = "horisontella_kriterier.deltagare"
    b.row(t, [("Kvinnor", False), ("{{ " + d + ".kvinnor|tal }}", True),
              ("{{ " + d + ".andel_kvinnor|procent }}", True)])
    b.row(t, [("Män", False), ("{{ " + d + ".man|tal }}", True),
              ("{{ " + d + ".andel_man|procent }}", True)])
    b.row(t, [("Totalt", False), ("{{ " + d + ".totalt|tal }}", True), ("{{ 100|procent }}", True)],
          bold=True)
    b.end_table()
    b.chart("deltagare")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")


def build() -> Document:
    doc = Document()
    _styles(doc)
    _page(doc)
    _update_fields_on_open(doc)
    b = Builder(doc)
    # The first paragraph of python-docx's default document is empty: reuse it for the title.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    # --- Title page --------------------------------------------------------------------------
    b.p("{{ projekt.rapporttyp }}", "Title")
    b.p("{{ projekt.namn }}", "Subtitle")
    b.p("{{ projekt.kortnamn }} · {{ projekt.period|period }}", "Subtitle")
    b.tag("{%p if projekt.rapportdatum %}")
    b.p("{{ projekt.rapportdatum|datum }}", "Body Text")
    b.tag("{%p endif %}")
    _facts(b)
    b.tag("{%p for punkt in sammanfattning %}")
    b.narrative("punkt.stycken('Sammanfattning', fet=True)")
    b.tag("{%p endfor %}")
    page_break = doc.add_paragraph(style="Body Text")
    page_break.add_run().add_break(WD_BREAK.PAGE)

    # --- Contents ----------------------------------------------------------------------------
    b.p("{{ rubriker.innehall }}", "TOC Heading")
    toc = doc.add_paragraph(style="Body Text")
    _field(toc, 'TOC \\o "1-2" \\h \\z \\u',
           "Innehållsförteckningen fylls i när dokumentet öppnas eller uppdateras.")
    page_break = doc.add_paragraph(style="Body Text")
    page_break.add_run().add_break(WD_BREAK.PAGE)

    # --- Narrative sections, in the report's order --------------------------------------------
    b.section("inledning")
    b.section("pandemin")

    # Without activity groups the horizontal criteria still have their place.
    _horizontal_criteria(b, "not aktiviteter and horisontella_kriterier")
    b.tag("{%p for grupp in aktiviteter %}")
    b.h("{{ grupp.rubrik }}", 1)
    b.narrative("grupp.text")
    b.tag("{%p for omrade in grupp.omraden %}")
    b.h("{{ omrade.rubrik }}", 2)
    b.narrative("omrade.text")
    b.tag("{%p endfor %}")
    # The horizontal criteria follow the first group of activities, as in the NIS 6.0 report.
    _horizontal_criteria(b, "loop.first and horisontella_kriterier")
    b.tag("{%p endfor %}")

    # --- Program för tillväxt -----------------------------------------------------------------
    pt = "program_for_tillvaxt"
    b.tag("{%p if " + pt + " %}")
    b.h("{{ " + pt + ".rubrik }}", 1)
    b.narrative(pt + ".text")
    b.narrative(pt + ".workshops.ingress")
    b.tag("{%p for w in " + pt + ".workshops.lista %}")
    b.narrative("w.rad.stycken('ListBullet')")
    b.tag("{%p endfor %}")
    b.narrative(pt + ".steg_ingress")
    b.tag("{%p for s in " + pt + ".steg %}")
    b.narrative("s.punkt.stycken('ListBullet')")
    b.narrative("s.fortsattning")
    b.tag("{%p endfor %}")
    g = pt + ".strategigrupper"
    b.tag("{%p if " + g + " %}")
    b.narrative(g + ".ingress")
    b.h("{{ " + g + ".rubrik }}", 3)
    b.narrative(g + ".text")
    b.tag("{%p endif %}")
    k = pt + ".konsulter"
    b.tag("{%p if " + k + " %}")
    b.h("{{ " + k + ".rubrik }}", 3)
    b.narrative(k + ".text")
    b.tag("{%p for omrade in " + k + ".omraden %}")
    b.p("{{ omrade }}", "List Bullet")
    b.tag("{%p endfor %}")
    b.narrative(k + ".text_efter")
    b.tag("{%p endif %}")
    b.tag("{%p for del in " + pt + ".delar %}")
    b.h("{{ del.rubrik }}", 3)
    b.narrative("del.text")
    b.tag("{%p endfor %}")
    e = pt + ".effekt"
    b.h("{{ " + e + ".rubrik }}", 3)
    b.narrative(e + ".text.stycken('Tabellingress')")
    b.tag("{%p if " + e + ".foretag %}")
    cap = b.p("Tabell: Antal anställda i de deltagande företagen", "Caption")
    _keep_with_next(cap)
    t = b.table([("{{ " + e + ".tabell.namn }}", False), ("{{ " + e + ".tabell.fore }}", True),
                 ("{{ " + e + ".tabell.efter }}", True), ("{{ " + e + ".tabell.okning }}", True)],
                [8.5, 2.5, 2.5, 2.5])
    b.loop_row(t, "{%tr for f in " + e + ".foretag %}")
    b.row(t, [("{{ f.namn }}", False), ("{{ f.anstallda_fore|decimal }}", True),
              ("{{ f.anstallda_efter|decimal }}", True), ("{{ f.okning|decimal }}", True)])
    b.loop_row(t, "{%tr endfor %}")
    b.row(t, [("{{ " + e + ".tabell.summa }}", False),
              ("{{ " + e + ".summa.fore|decimal }}", True),
              ("{{ " + e + ".summa.efter|decimal }}", True),
              ("{{ " + e + ".summa.okning|decimal }}", True)], bold=True, shade=GREY)
    b.end_table()
    b.chart("anstallda")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")

    # --- Resultatet ----------------------------------------------------------------------------
    b.tag("{%p if resultat %}")
    b.h("{{ resultat.rubrik }}", 1)
    b.narrative("resultat.text")
    b.tag("{%p for ind in resultat.indikatorer %}")
    b.narrative("ind.text")
    b.tag("{%p endfor %}")
    b.tag("{%p if resultat.indikatorer %}")
    cap = b.p("Tabell: Indikatorer – utfall mot målvärde", "Caption")
    _keep_with_next(cap)
    t = b.table([("Indikator", False), ("Utfall", True), ("Målvärde", True), ("Uppfyllt", False)],
                [7.5, 3.0, 3.0, 2.5])
    b.loop_row(t, "{%tr for ind in resultat.indikatorer %}")
    b.row(t, [("{{ ind.namn }}", False),
              ("{{ ind.utfall_text }}", True), ("{{ ind.malvarde_text }}", True),
              ("{{ ind.uppfyllt }}", False)])
    b.loop_row(t, "{%tr endfor %}")
    b.end_table()
    b.tag("{%p endif %}")
    b.narrative("resultat.text_efter")
    b.tag("{%p endif %}")

    for name in ("spridning", "utvardering", "slutsatser", "efter_projektet"):
        b.section(name)

    # --- Kommunerna -----------------------------------------------------------------------------
    b.tag("{%p if kommuner %}")
    b.h("{{ rubriker.kommuner }}", 1)
    b.tag("{%p for kommun in kommuner %}")
    b.h("{{ kommun.rubrik }}", 2)
    b.narrative("kommun.text")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")

    # --- Ekonomi ---------------------------------------------------------------------------------
    b.tag("{%p if ekonomi %}")
    b.h("{{ ekonomi.rubrik }}", 1)
    b.p("Projektet hade en totalbudget på {{ ekonomi.budget|kr }}.")
    b.p("Utfallet blev {{ ekonomi.utfall|kr }} det vill säga {{ ekonomi.budgetavvikelse|kr }} "
        "{{ ekonomi.budget_riktning }} budget.")
    b.chart("budget")
    b.narrative("ekonomi.text")
    b.amount_table("ekonomi.kostnader", "post", "ekonomi.kostnader_ingress",
                   "Tabell: Kostnader per kostnadsslag (kr)", "Kostnadsslag",
                   "{{ post.kategori }}", "{{ post.belopp|tal }}{{ post.markering }}",
                   "ekonomi.summa_kostnader")
    b.tag("{%p for fotnot in ekonomi.fotnoter %}")
    b.narrative("fotnot.text.stycken('Fotnot')")
    b.tag("{%p endfor %}")
    b.chart("kostnader")
    b.tag("{%p endif %}")
    b.amount_table("ekonomi.finansiering", "rad", "ekonomi.finansiering_ingress",
                   "Tabell: Finansiering per finansiär (kr)", "Finansiär",
                   "{{ rad.finansiar }}", "{{ rad.belopp|tal }}", "ekonomi.summa_finansiering")
    b.tag("{%p endif %}")
    b.tag("{%p if ekonomi.preliminar %}")
    b.narrative("ekonomi.preliminar.text")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")
    return doc


def main() -> int:
    sys.path.insert(0, str(HERE.parent / "src"))
    from slutrapport.rendering import normalize_docx

    doc = build()
    doc.core_properties.title = "Slutrapport"
    doc.core_properties.author = "slutrapport"
    doc.core_properties.language = "sv-SE"
    import io

    buffer = io.BytesIO()
    doc.save(buffer)
    OUT.write_bytes(normalize_docx(buffer.getvalue()))
    print(f"skrev {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
