"""One tree, one pass (issue 25): the copy LibreOffice lays out, the charts' alt texts and the
contents' plan come from the tree rendering built, and give what parsing the .docx again gives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

import slutrapport
from slutrapport import contents
from slutrapport._layoutcopy import (
    OVERLAP_ROWS,
    PART_ROWS,
    PDF_PART_ROWS,
    chart_alts,
    layout_copy,
    legends_for_libreoffice,
    write_layout_copy,
)
from slutrapport.document import Rendered, render_bytes, render_document
from slutrapport.docxzip import replaced_docx
from slutrapport.models import Slutrapport
from tests.test_any_size import big_data

ENTRIES = [("Sammanfattning", 3), ("Projektets mål", 4), ("Ingen sådan rubrik", 9)]
LISTS = {"Tabell": [("Tabell 1 Budget", 5), ("Tabell 2 Företagen", 6)],
         "Diagram": [("Diagram 1 Budget", 7)]}


def _members(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _nis60(**headings: str) -> Slutrapport:
    data = yaml.safe_load(slutrapport.example_path().read_text(encoding="utf-8"))
    data.setdefault("rubriker", {}).update(headings)
    return slutrapport.from_data(data)


@pytest.fixture(scope="module")
def with_lists() -> Slutrapport:
    """NIS 6.0 with a list of tables and of charts after its contents."""
    return _nis60(tabellforteckning="Tabeller", diagramforteckning="Diagram")


@pytest.fixture(scope="module")
def long_table() -> Slutrapport:
    """A report with a table of 2 000 companies, which every layout copy splits."""
    return slutrapport.from_data(big_data())


def test_the_rendered_body_is_the_one_in_the_docx(with_lists: Slutrapport) -> None:
    """render_document keeps word/document.xml as written into its .docx bytes, which are
    render_bytes' bytes."""
    rendered = render_document(with_lists)
    assert (rendered.body, rendered.data) == (
        _members(rendered.data)["word/document.xml"], render_bytes(with_lists))


def test_contents_filled_from_the_plan_equal_those_parsed_again(
        with_lists: Slutrapport) -> None:
    """The contents and both lists filled with the tree's plan (only the fields' paragraphs
    parsed) are the same bytes as filled by parsing the whole body."""
    rendered = render_document(with_lists)
    assert rendered.root is not None and rendered.body is not None
    plan = contents.plan(rendered.root)
    assert plan is not None
    spliced = contents._spliced(rendered.body, ENTRIES, LISTS, plan)
    assert spliced is not None and spliced != rendered.body
    assert contents.fill_contents(rendered.data, ENTRIES, LISTS, plan) == \
        contents.fill_contents(rendered.data, ENTRIES, LISTS)


def test_a_field_the_search_does_not_see_is_filled_by_parsing_the_body(
        with_lists: Slutrapport) -> None:
    """A contents field whose instruction begins with a no-break space (which the byte search
    does not take for space) is not missed: the plan counts it, and the whole body is parsed."""
    rendered = render_document(with_lists)
    body = rendered.body
    assert body is not None
    marked = body.replace(b'> TOC \\o', '>\u00a0TOC \\o'.encode(), 1)
    assert marked != body
    data = replaced_docx(rendered.data, {"word/document.xml": marked})
    plan = contents.plan(etree.fromstring(marked))
    assert plan is not None and contents._spliced(marked, ENTRIES, LISTS, plan) is None
    assert contents.fill_contents(data, ENTRIES, LISTS, plan) == \
        contents.fill_contents(data, ENTRIES, LISTS)


@pytest.mark.parametrize("pdf", [False, True], ids=["sidnummer", "pdf"])
def test_the_copy_split_from_the_tree_equals_the_copy_parsed_again(
        long_table: Slutrapport, pdf: bool) -> None:
    """The layout copy made from the rendered tree has the same parts, splits and (for a PDF)
    charts' alt texts as the copy made by parsing the .docx."""
    def copy(rendered: Rendered | None, data: bytes) -> tuple[Any, ...]:
        root = rendered.root if rendered else None
        body = rendered.body if rendered else None
        if pdf:
            made, splits = layout_copy(legends_for_libreoffice(data), rows=PDF_PART_ROWS,
                                       overlap=OVERLAP_ROWS, root=root, body=body)
        else:
            made, splits = layout_copy(data, rows=PART_ROWS, placeholders=True, root=root,
                                       body=body)
        return _members(made), splits, chart_alts(made, root) if pdf else []

    rendered = render_document(long_table)
    again = copy(None, rendered.data)
    assert again[1], "the table is long enough to be split"
    assert copy(rendered, rendered.data) == again


def test_the_copy_written_to_a_file_is_the_copy_in_memory(
        long_table: Slutrapport, with_lists: Slutrapport, tmp_path: Path) -> None:
    """write_layout_copy, given the tree alone (as rendering gives it), writes into the file the
    members and splits layout_copy gives: a long table split, and NIS 6.0's charts framed."""
    for n, report in enumerate((long_table, with_lists)):
        rendered = render_document(report)
        made, splits = layout_copy(rendered.data, rows=PART_ROWS, placeholders=True)
        target = tmp_path / f"kopia-{n}.docx"
        written = write_layout_copy(target, rendered.data, rows=PART_ROWS, placeholders=True,
                                    root=rendered.root)
        assert (_members(target.read_bytes()), written) == (_members(made), splits)
        assert made != rendered.data
