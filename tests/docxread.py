"""Reading a rendered .docx back as text, the way a reader meets it: for tests and golden files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(p: etree._Element) -> str:
    out = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}instrText"):
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}tab":
            out.append("\t")
        elif el.tag == f"{W}br":
            out.append("\n" if el.get(f"{W}type") != "page" else "")
    return "".join(out)


def _style(p: etree._Element) -> str:
    found = p.find(f"{W}pPr/{W}pStyle")
    return found.get(f"{W}val") if found is not None else "Normal"


def parts(data: bytes | Path) -> dict[str, bytes]:
    """Every member of the .docx zip, by name."""
    blob = data.read_bytes() if isinstance(data, Path) else data
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {name: z.read(name) for name in z.namelist()}


def document_text(data: bytes | Path) -> str:
    """All text of the document body, paragraphs joined without separators (as the hook reads)."""
    root = etree.fromstring(parts(data)["word/document.xml"])
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


def outline(data: bytes | Path) -> str:
    """The body as lines: ``[Style] text`` per paragraph, ``| a | b |`` per table row."""
    root = etree.fromstring(parts(data)["word/document.xml"])
    body = root.find(f"{W}body")
    assert body is not None
    lines: list[str] = []
    for el in body:
        if el.tag == f"{W}p":
            lines.append(f"[{_style(el)}] {_paragraph_text(el)}".rstrip())
        elif el.tag == f"{W}tbl":
            for tr in el.iter(f"{W}tr"):
                cells = [" ".join(_paragraph_text(p) for p in tc.iter(f"{W}p"))
                         for tc in tr.iter(f"{W}tc")]
                lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
