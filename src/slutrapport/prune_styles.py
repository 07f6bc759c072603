"""Drop the styles the default template doesn't use, where the template is built (issue 13.6).

python-docx's blank document carries 178 styles (356 KB of styles.xml: a dozen table styles in six
accent colours each), and LibreOffice reads them all for every report it lays out. A style is
kept when

- the template refers to it (``w:pStyle``, ``w:rStyle``, ``w:tblStyle``, ``w:numStyleLink`` …
  in any of its parts), or names it in a tag's text (``stycken('Tabellingress')``);
- slutrapport's code names it (a string in ``src/slutrapport`` equal to the style's id or name:
  the styles the Markdown text, captions, lists of tables and charts, the contents and
  hyperlinks get when a report is rendered), or it is in :data:`KEEP`;
- it is a default style (``w:default="1"``), or another kept style is based on it, follows it
  (``w:next``) or is linked to it (``w:link``).

Computed each time the template is built, so a style a new part of the template uses survives.
A user's own template is never pruned.
"""

from __future__ import annotations

import ast
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

__all__ = ["KEEP", "prune_styles"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SOURCE = Path(__file__).resolve().parent
"""slutrapport's code, whose strings name the styles rendering gives text."""

KEEP = frozenset({
    # what Word and LibreOffice write when a reader updates a field or adds a list item
    "Caption", "TOCHeading", "TableofFigures", "Hyperlink", "FollowedHyperlink",
    *(f"TOC{n}" for n in range(1, 10)), *(f"Heading{n}" for n in range(1, 10)),
    "ListBullet", "ListBullet2", "ListNumber", "ListNumber2", "ListParagraph",
    "BodyText", "Normal", "TableGrid", "Footer", "Header",
})
"""Style ids kept whether or not anything names them."""

_REFERENCES = ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink")


def _code_strings(folder: Path = SOURCE) -> set[str]:
    """Every string literal in slutrapport's code (style names among them)."""
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def _referenced(parts: Iterable[bytes]) -> tuple[set[str], str]:
    """Style ids the parts refer to, and the text of their tags (docxtpl's and Jinja's)."""
    ids: set[str] = set()
    text: list[str] = []
    for blob in parts:
        root = etree.fromstring(blob)
        for name in _REFERENCES:
            ids.update(str(value) for element in root.iter(f"{W}{name}")
                       for value in [element.get(f"{W}val")] if value)
        text.extend(t.text or "" for t in root.iter(f"{W}t"))
    return ids, "".join(text)


def prune_styles(docx: bytes, *, code: set[str] | None = None) -> tuple[bytes, list[str]]:
    """The document without the styles nothing uses, and the ids of those dropped."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    styles_xml = source.read("word/styles.xml")
    root = etree.fromstring(styles_xml)
    others = [source.read(n) for n in source.namelist()
              if n.startswith("word/") and n.endswith(".xml") and n != "word/styles.xml"]
    used, tag_text = _referenced(others)
    named = _code_strings() if code is None else code
    quoted = set(re.findall(r"""['"]([^'"]+)['"]""", tag_text))
    styles = {str(s.get(f"{W}styleId")): s for s in root.iter(f"{W}style")}
    wanted = set()
    for style_id, style in styles.items():
        name_el = style.find(f"{W}name")
        name = name_el.get(f"{W}val") if name_el is not None else None
        if (style_id in used or style_id in KEEP or style.get(f"{W}default") in ("1", "true")
                or {style_id, name} & (named | quoted)):
            wanted.add(style_id)
    todo = list(wanted)
    while todo:  # what the kept styles are based on, are followed by or are linked to
        style = styles[todo.pop()]
        for link in ("basedOn", "next", "link"):
            el = style.find(f"{W}{link}")
            target = el.get(f"{W}val") if el is not None else None
            if target in styles and target not in wanted:
                wanted.add(target)
                todo.append(target)
    dropped = sorted(set(styles) - wanted)
    for style_id in dropped:
        root.remove(styles[style_id])
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, blob if info.filename == "word/styles.xml"
                             else source.read(info))
    return out.getvalue(), dropped
