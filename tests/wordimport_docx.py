"""Word files for the import tests, written part by part as Word writes them.

:func:`docx` zips a body (WordprocessingML with the usual prefixes) with the parts it needs:
styles (the built-in headings under Swedish Word's ids ``Rubrik1`` …, and what a test adds),
numbering definitions, comments, footnotes, relationships and media.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)

STYLES = """
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Rubrik"><w:name w:val="Title"/>
  <w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Rubrik1"><w:name w:val="heading 1"/>
  <w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Rubrik2"><w:name w:val="heading 2"/>
  <w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Liststycke"><w:name w:val="List Paragraph"/>
  <w:basedOn w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="Stark"><w:name w:val="Strong"/>
  <w:rPr><w:b/></w:rPr></w:style>
"""

RELS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def p(text: str = "", style: str | None = None, num: tuple[int, int] | None = None,
      runs: str | None = None) -> str:
    """A paragraph: plain text in one run (or ``runs`` as given), a style, a list item."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    body = runs if runs is not None else r(text)
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}</w:p>"


def r(text: str, *props: str) -> str:
    """A run: its text (kept as written) with run properties such as ``<w:b/>``."""
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def numbering(*definitions: str) -> str:
    return "".join(definitions)


def abstract(aid: int, *levels: tuple[int, str, int]) -> str:
    """An abstract numbering definition: (level, format, start) each."""
    lvls = "".join(
        f'<w:lvl w:ilvl="{lvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{"•" if fmt == "bullet" else f"%{lvl + 1}."}"/></w:lvl>'
        for lvl, fmt, start in levels)
    return f'<w:abstractNum w:abstractNumId="{aid}">{lvls}</w:abstractNum>'


def num(nid: int, aid: int, restart: dict[int, int] | None = None) -> str:
    """A numbering instance on an abstract definition, started over at some levels."""
    overrides = "".join(f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{s}"/>'
                        "</w:lvlOverride>" for lvl, s in (restart or {}).items())
    return f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>'


def docx(body: str, *, styles: str = "", numbering_xml: str = "", comments: str = "",
         footnotes: str = "", rels: str = "", media: dict[str, bytes] | None = None,
         extra_parts: dict[str, bytes] | None = None) -> bytes:
    """A .docx with ``body`` as the document body and the parts given."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/numbering.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
        '<Override PartName="/word/comments.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
        '<Override PartName="/word/footnotes.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
        "</Types>")
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELS_TYPE}officeDocument" '
        'Target="word/document.xml"/></Relationships>')
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdS" Type="{RELS_TYPE}styles" Target="styles.xml"/>'
        f'<Relationship Id="rIdN" Type="{RELS_TYPE}numbering" Target="numbering.xml"/>'
        f'<Relationship Id="rIdC" Type="{RELS_TYPE}comments" Target="comments.xml"/>'
        f'<Relationship Id="rIdF" Type="{RELS_TYPE}footnotes" Target="footnotes.xml"/>'
        f"{rels}</Relationships>")
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    parts = {
        "[Content_Types].xml": content_types.encode(),
        "_rels/.rels": package_rels.encode(),
        "word/_rels/document.xml.rels": document_rels.encode(),
        "word/document.xml": (f"{head}<w:document {NAMESPACES}><w:body>{body}"
                              "<w:sectPr/></w:body></w:document>").encode(),
        "word/styles.xml": f"{head}<w:styles {NAMESPACES}>{STYLES}{styles}</w:styles>".encode(),
        "word/numbering.xml": (f"{head}<w:numbering {NAMESPACES}>{numbering_xml}"
                               "</w:numbering>").encode(),
        "word/comments.xml": f"{head}<w:comments {NAMESPACES}>{comments}</w:comments>".encode(),
        "word/footnotes.xml": (f"{head}<w:footnotes {NAMESPACES}>"
                               '<w:footnote w:type="separator" w:id="-1"><w:p><w:r>'
                               "<w:separator/></w:r></w:p></w:footnote>"
                               f"{footnotes}</w:footnotes>").encode(),
    }
    for name, data in (media or {}).items():
        parts[f"word/media/{name}"] = data
    parts.update(extra_parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
