"""The document as a screen reader and a contents list meet it (issue 19.4).

Every chart's alt text (and every picture's) reaches the tagged PDF's structure tree as the
``/Alt`` of its ``/Figure``, plain and PDF/A (LibreOffice reads a Word chart's ``descr`` into
nothing; the worker hands it over). Headings never skip a level, so each is in the contents and
the PDF's bookmarks: "Effekt", which holds NIS 6.0's main results table, among them.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pikepdf
import pytest

import slutrapport
from slutrapport import office
from slutrapport._layoutcopy import chart_alts
from slutrapport.rendering import render_bytes, render_many
from tests.docxread import outline

EXAMPLES = ["nis60", "lappland20", "nis70"]
needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


def _report(name: str) -> slutrapport.Slutrapport:
    return slutrapport.load(slutrapport.example_path(name))


def heading_levels(data: bytes) -> list[tuple[int, str]]:
    """Each heading's level and text, in order."""
    return [(int(m.group(1)), m.group(2)) for m in
            (re.match(r"\[Heading(\d)\] (.*)", line) for line in outline(data).splitlines())
            if m]


def skipped(levels: list[tuple[int, str]]) -> list[str]:
    """The headings that come more than one level below the heading before them."""
    out, before = [], 0
    for level, text in levels:
        if level > before + 1:
            out.append(f"{text} (nivå {level} efter nivå {before})")
        before = level
    return out


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_heading_skips_a_level(name: str) -> None:
    """In each example every heading is at most one level below the one before it."""
    levels = heading_levels(render_bytes(_report(name), charts=False))
    assert levels and skipped(levels) == []


def test_effekt_is_a_second_level_heading_under_its_programme() -> None:
    """NIS 6.0's "Effekt" (the results table) is a level-2 heading under "Program för tillväxt"."""
    levels = heading_levels(render_bytes(_report("nis60"), charts=False))
    at = levels.index((2, "Effekt"))
    assert [t for lvl, t in levels[:at] if lvl == 1][-1] == "Program för tillväxt"


def figures(pdf: pikepdf.Pdf) -> list[Any]:
    """The PDF's ``/Figure`` structure elements, in the structure tree's order."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def alts(data: bytes) -> list[str | None]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [str(f["/Alt"]) if "/Alt" in f else None for f in figures(pdf)]


def bookmarks(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as tree:
        out: list[str] = []

        def walk(items: Any) -> None:
            for item in items:
                out.append(str(item.title))
                walk(item.children)

        walk(tree.root)
        return out


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """The three examples as tagged PDFs (Word charts), made side by side."""
    reports = [_report(name) for name in EXAMPLES]
    return dict(zip(EXAMPLES, render_many(reports, [None] * 3, formats=["pdf"] * 3),
                    strict=True))


@pytest.mark.libreoffice
@needs_office
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_chart_s_alt_text_reaches_the_pdf(pdfs: dict[str, bytes], name: str) -> None:
    """Each /Figure of each example's PDF has /Alt: its chart's alt text, in order."""
    expected = chart_alts(render_bytes(_report(name)))
    assert expected and alts(pdfs[name]) == expected


@pytest.mark.libreoffice
@needs_office
def test_the_pdfa_and_the_pictures_keep_their_alt_texts_too() -> None:
    """PDF/A with Word charts, and a PDF with the charts as pictures: every /Figure has /Alt."""
    report = _report("nis60")
    expected = chart_alts(render_bytes(report))
    pdfa = render_many([report], [None], formats=["pdf"], pdfa=True)[0]
    pictures = render_many([report], [None], formats=["pdf"], diagram="bild")[0]
    assert (alts(pdfa), alts(pictures)) == (expected, expected)


@pytest.mark.libreoffice
@needs_office
def test_every_heading_is_in_the_bookmarks_and_effekt_in_the_contents(
        pdfs: dict[str, bytes]) -> None:
    """Each heading of NIS 6.0 is a PDF bookmark and a line of the contents LibreOffice fills
    in, at its level: "Effekt" among them."""
    report = _report("nis60")
    levels = heading_levels(render_bytes(report, charts=False))
    assert (2, "Effekt") in levels
    assert bookmarks(pdfs["nis60"]) == [text for _, text in levels]
    contents = render_many([report], [None], formats=["docx"], charts=False)[0]
    entries = [(int(m.group(1)), m.group(2)) for m in
               (re.match(r"\[TOC(\d)\] (.*)\t\d+$", line)
                for line in outline(contents).splitlines()) if m]
    assert entries == levels
