"""The NIS 6.0 fixture holds the whole published reference report, line by line."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from slutrapport.models import Slutrapport

ROOT = Path(__file__).parents[1]
FIXTURE = ROOT / "fixtures" / "nis60.yaml"
SEED = Path(__file__).parents[1].parent / "shared" / "seeds" / "000_3e7cfc8fc2e77f87.txt"

TOC_LINE = re.compile(r"\.{4,}\s*\d+$")
FIGURE_LINK = re.compile(r"\[([^\]]*)\]\(tal:[^)]*\)")
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
WHITESPACE = re.compile(r"[\s\u00a0\u202f]+")

# Lines the template writes from figures in the data, so the fixture holds their figures but not
# their words. The figures of each are still checked.
TEMPLATE_MADE = {
    "Projektet hade en totalbudget på 16 713 030 kr": "written from ekonomi.budget",
    "Utfallet blev 15 470 690kr det vill säga 1 242 340kr under budget.": (
        "written from ekonomi.utfall and ekonomi.under_budget"
    ),
}

# Programme steps are published as "*Name* – description": name and description are separate
# fields (steg[].namn, steg[].beskrivning) and the template puts the dash between them, so the two
# halves of these lines are checked separately, like the cells of a table row.
STEPS_JOINED_BY_TEMPLATE = (
    "Behovsanalys",
    "Utvecklingsdialog",
    "Visualisera din Affär",
    "Mål och vägval",
    "Coaching",
)
STEP_LINE = re.compile(
    r"^(" + "|".join(map(re.escape, STEPS_JOINED_BY_TEMPLATE)) + r")\s+[-\u2013]\s+(.+)$"
)

# Table rows are records: their cells must be the values of one mapping, in the row's order. The
# company table's sum row is the exception: its label is a column heading (effekt.tabell.summa)
# and its figures are a record of their own (effekt.summa).
ROWS_LABELLED_APART = {
    "Summa antal anställda": "label in effekt.tabell.summa, figures in effekt.summa",
}


def normalise(text: str) -> str:
    """Reduce text to what must match: figure-link text only, no markers, no spaces, lower case."""
    text = FIGURE_LINK.sub(r"\1", text)
    text = MARKDOWN_ESCAPE.sub(r"\1", text)
    text = text.replace("*", "")
    text = text.replace("\u2212", "-").replace("\u2013", "-")
    return WHITESPACE.sub("", text).lower()


def as_published(value: Any) -> str:
    """Write a scalar of the fixture the way the report writes it: 159.5 as 159,5, ints plain."""
    if isinstance(value, float):
        return str(Decimal(repr(value))).replace(".", ",")
    return str(value)


def scalars(node: Any) -> list[str]:
    """Every string and number in the loaded YAML, depth first."""
    if isinstance(node, dict):
        return [s for value in node.values() for s in scalars(value)]
    if isinstance(node, list):
        return [s for item in node for s in scalars(item)]
    if node is None or isinstance(node, bool):
        return []
    return [as_published(node)]


def records(node: Any) -> list[list[str]]:
    """The scalar values each mapping holds directly, in key order, one list per mapping."""
    if isinstance(node, dict):
        own = [
            normalise(as_published(v))
            for v in node.values()
            if not isinstance(v, (dict, list, bool)) and v is not None
        ]
        return [own] + [r for value in node.values() for r in records(value)]
    if isinstance(node, list):
        return [r for item in node for r in records(item)]
    return []


def holds_row(cells: list[str], rows: list[list[str]]) -> bool:
    """Whether one mapping holds the cells as consecutive values, in order."""
    wanted = [normalise(cell) for cell in cells]
    n = len(wanted)
    return any(row[i : i + n] == wanted for row in rows for i in range(len(row) - n + 1))


def load_fixture() -> Any:
    """The fixture as plain YAML data."""
    with FIXTURE.open(encoding="utf-8") as stream:
        return YAML(typ="safe").load(stream)


def seed_lines() -> list[str]:
    """The seed's lines that carry content: no table of contents, no blanks, bullets unmarked."""
    if not SEED.exists():
        pytest.skip(f"the reference report is not available at {SEED}")
    lines = []
    for raw in SEED.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or TOC_LINE.search(line):
            continue
        if line.startswith("- "):
            line = line[2:]
        lines.append(line.replace("*", "").strip())
    return lines


def test_every_seed_line_is_in_the_fixture() -> None:
    """Each content line of the published report appears in the fixture's values, verbatim."""
    lines = seed_lines()
    fixture = load_fixture()
    values = [normalise(s) for s in scalars(fixture)]
    haystack = "\x1f".join(values)
    rows = records(fixture)

    def present(piece: str) -> bool:
        return normalise(piece) in haystack

    missing = []
    for line in lines:
        if line in TEMPLATE_MADE:
            figures = re.findall(r"\d[\d\s\u00a0\u202f]*\d|\d", line)
            missing += [f"{line!r}: figure {f!r}" for f in figures if normalise(f) not in values]
            continue
        if "\t" in line:
            cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
            record = cells[1:] if cells[0] in ROWS_LABELLED_APART else cells
            if not holds_row(record, rows):
                missing.append(f"{line!r}: no mapping holds {record!r} in this order")
            pieces = cells
        elif match := STEP_LINE.match(line):
            pieces = list(match.groups())
        else:
            pieces = [line]
        missing += [f"{line!r}: {piece!r}" for piece in pieces if not present(piece)]
    assert not missing, "not in the fixture:\n" + "\n".join(missing)


def test_model_accepts_the_fixture() -> None:
    """The fixture validates as a Slutrapport."""
    report = Slutrapport.model_validate(load_fixture())
    assert report.projekt.kortnamn == "NIS 6.0"
