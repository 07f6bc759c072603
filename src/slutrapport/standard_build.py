"""Building the default Word template from code (python-docx): see :mod:`slutrapport.standard`.

The template is a real Word document: A4, styles for headings, body text, lists, tables and
captions, a title page, a table-of-contents field, page numbers in the footer, and every section of
a final report: one loop over the report's sections, in which each section kind writes its own
part (:meth:`slutrapport.kinds.Section.fragment`), so any outline renders.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from slutrapport._builder import Builder, cant_split, field, insert_in_order, table_width
from slutrapport.docxzip import normalize_docx
from slutrapport.kinds import Section, kinds
from slutrapport.prune_styles import prune_styles
from slutrapport.seam import set_blob

__all__ = ["build", "build_bytes"]

FONT = "Arial"  # every Word has it; LibreOffice uses its metric twin Liberation Sans (fc-match)
_FONTS_KEPT = frozenset({FONT, "Symbol", "Calibri", "Cambria", "Times New Roman", "Courier"})
"""The font table's fonts: the text's, the bullets', the theme's and the macro text style's
(python-docx's default template also lists Japanese fonts nothing here uses)."""
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
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


def _styles(doc: Any) -> None:
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
    _language(styles["Normal"])

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
        tabs.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    # The lists of tables and of charts: Word's own style for them ("table of figures").
    figures = styles.add_style("Tabellforteckning", 1)
    figures.element.set(qn("w:styleId"), "TableofFigures")
    figures.element.find(qn("w:name")).set(qn("w:val"), "table of figures")
    figures.base_style = styles["Normal"]
    _set_font(figures, 10.5)
    _spacing(figures, 0, 2)
    figures.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT,
                                                    WD_TAB_LEADER.DOTS)


def _language(style: object) -> None:
    """Swedish as the style's language, so that Word checks the spelling in Swedish."""
    _swedish(style.element.get_or_add_rPr())  # type: ignore[attr-defined]


def _swedish(rpr: Any) -> None:
    """Run properties (``w:rPr``) whose language is Swedish, instead of any they had."""
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")
    rpr.append(lang)


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = doc.styles["Footer"]
    footer.add_run("{{ projekt.kortnamn }} – {{ projekt.rapporttyp|lower }}   ·   Sida ")
    field(footer, "PAGE", "1")
    footer.add_run(" av ")
    field(footer, "NUMPAGES", "1")


# The children of w:settings in the schema's order (CT_Settings), from updateFields on: the
# ones a settings part may hold after it.
_SETTINGS_ORDER = ("updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat",
                   "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                   "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
                   "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
                   "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
                   "listSeparator")
_COMPATIBILITY_MODE = "15"  # Word 2013 and later: no "[Kompatibilitetsläge]" in the title bar


def _update_fields_on_open(doc: Any) -> None:
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    insert_in_order(settings, update, _SETTINGS_ORDER)
    for setting in settings.iterfind(qn("w:compat") + "/" + qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), _COMPATIBILITY_MODE)
    # python-docx's default template says its (empty) text was spell-checked: a leftover that
    # would hide the report's own spelling marks in Word.
    for el in settings.findall(qn("w:proofState")):
        settings.remove(el)
    # Swedish settings: the theme's fonts' language, the decimal comma and the list separator
    # Word's field formulas read; no preview picture (nothing draws one).
    for name, value in (("w:themeFontLang", "sv-SE"), ("w:decimalSymbol", ","),
                        ("w:listSeparator", ";")):
        for el in settings.findall(qn(name)):
            el.set(qn("w:val"), value)
            el.attrib.pop(qn("w:eastAsia"), None)
    for el in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(el)
    lang = doc.styles.element.find(qn("w:docDefaults"))
    if lang is not None:
        rpr = lang.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _swedish(rpr)


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
        cant_split(row)
        b.loop_row(table, "{%tr endif %}")
    table_width(table, [3.5, 12.5])
    b.end_table()
    b.tag("{%p endif %}")


def build(registry: dict[str, type[Section]] | None = None) -> Any:
    """The template as a python-docx document, with a part for each kind of ``registry`` (every
    registered kind if None)."""
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
    field(toc, 'TOC \\o "1-2" \\h \\z \\u',
           "Innehållsförteckningen fylls i när dokumentet öppnas eller uppdateras.")
    # Lists of tables and of charts, each where the data names its heading
    for key, label, what in (("tabellforteckning", "Tabell", "Tabellförteckningen"),
                             ("diagramforteckning", "Diagram", "Diagramförteckningen")):
        b.tag("{%p if rubriker." + key + " %}")
        b.p("{{ rubriker." + key + " }}", "TOC Heading")
        listing = doc.add_paragraph(style="Body Text")
        field(listing, f'TOC \\h \\z \\c "{label}"',
              f"{what} fylls i när dokumentet öppnas eller uppdateras.")
        b.tag("{%p endif %}")
    page_break = doc.add_paragraph(style="Body Text")
    page_break.add_run().add_break(WD_BREAK.PAGE)

    # --- The sections, in the report's order: each kind writes its own part ----------------------
    b.tag("{%p for a in avsnitt %}")
    for typ, kind in (kinds() if registry is None else registry).items():
        b.tag("{%p if a.typ == '" + typ + "' %}")
        kind.fragment(b, "a")
        b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    return doc


_APP = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><Application>slutrapport</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>")
"""The extended properties: made by slutrapport (not "Microsoft Macintosh Word", python-docx's
default), without counts of pages and words that would be wrong."""


def _properties(doc: Any) -> None:
    """What the document is, filled in from the report: title, subject, author, language."""
    core = doc.core_properties
    core.title = "{{ projekt.kortnamn }} – {{ projekt.rapporttyp }}"  # the footer's dash
    core.subject = "{{ projekt.namn }}"
    core.author = "{{ projekt.projektagare }}"
    core.language = "sv-SE"
    core.comments = ""  # python-docx's default says "generated by python-docx"
    core.keywords = ""
    core.category = ""
    core.last_modified_by = ""
    package = doc.part.package
    for rel in list(package.rels.values()):
        if rel.reltype.endswith("/extended-properties"):
            set_blob(rel.target_part, _APP.encode("utf-8"))
        elif rel.reltype.endswith("/thumbnail"):  # python-docx's picture of an empty page
            package.rels.pop(rel.rId)
    for rel in list(doc.part.rels.values()):
        # python-docx's default document carries a bibliography store and Word 2010's copy of
        # the styles; neither is the report's
        if rel.reltype.endswith(("/customXml", "/stylesWithEffects")):
            doc.part.rels.pop(rel.rId)
        elif rel.reltype.endswith("/fontTable"):
            fonts = etree.fromstring(rel.target_part.blob)
            for font in fonts.findall(qn("w:font")):
                if font.get(qn("w:name")) not in _FONTS_KEPT:
                    fonts.remove(font)
            set_blob(rel.target_part, etree.tostring(fonts, xml_declaration=True,
                                                     encoding="UTF-8", standalone=True))


def build_bytes(registry: dict[str, type[Section]] | None = None) -> bytes:
    """The default template for the kinds in ``registry`` (all registered ones if None), as
    reproducible .docx bytes: built, with only the styles it needs (:mod:`prune_styles`)."""
    doc = build(registry)
    _properties(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    pruned, _ = prune_styles(buffer.getvalue())
    return normalize_docx(pruned)


