"""Reading Word structures back from a rendered .docx: fields, bookmarks, lists, sections."""

from __future__ import annotations

from typing import Any

from lxml import etree

from tests.docxread import W, parts

PROJEKT: dict[str, Any] = {"namn": "Prov", "kortnamn": "P",
                           "period": {"fran": "2023", "till": "2026"}}


def ekonomi(section_id: str, rubrik: str = "Ekonomi") -> dict[str, Any]:
    """An economy section with both tables and both charts."""
    return {"typ": "ekonomi", "id": section_id, "rubrik": rubrik, "budget": 100, "utfall": 90,
            "kostnader": [{"kategori": "Lön", "belopp": 60}, {"kategori": "Resor", "belopp": 30}],
            "finansiering": [{"finansiar": "Tillväxtverket", "belopp": 90}]}


def document(data: bytes) -> etree._Element:
    return etree.fromstring(parts(data)["word/document.xml"])


def fields(root: etree._Element) -> list[tuple[str, str]]:
    """Every complex field of the body in order: its instruction (spaces collapsed) and the
    text of its result."""
    out: list[tuple[str, str]] = []
    stack: list[list[Any]] = []  # [instruction, result, in result]
    for run in root.iter(f"{W}r"):
        char = run.find(f"{W}fldChar")
        kind = char.get(f"{W}fldCharType") if char is not None else None
        if kind == "begin":
            stack.append(["", "", False])
        elif kind == "separate":
            stack[-1][2] = True
        elif kind == "end":
            instruction, result, _ = stack.pop()
            out.append((" ".join(instruction.split()), result))
        elif stack:
            top = stack[-1]
            if top[2]:
                top[1] += "".join(t.text or "" for t in run.iter(f"{W}t"))
            else:
                top[0] += "".join(t.text or "" for t in run.iter(f"{W}instrText"))
    return out


def paragraph_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def bookmarks(root: etree._Element) -> dict[str, tuple[str, str]]:
    """Each bookmark by name: the text it spans and the text of its whole paragraph."""
    out: dict[str, tuple[str, str]] = {}
    for start in root.iter(f"{W}bookmarkStart"):
        paragraph = start.getparent()
        inside = False
        spanned = []
        for el in paragraph.iter(f"{W}bookmarkStart", f"{W}bookmarkEnd", f"{W}t"):
            if el is start:
                inside = True
            elif el.tag == f"{W}bookmarkEnd" and el.get(f"{W}id") == start.get(f"{W}id"):
                inside = False
            elif el.tag == f"{W}t" and inside:
                spanned.append(el.text or "")
        out[start.get(f"{W}name", "")] = ("".join(spanned), paragraph_text(paragraph))
    return out
