"""Text fidelity: every character of every text field reaches the Word document as written.

A small report with a section of every kind and one row in every list holds a text in each
kind of text field the default template shows; a field is named by its section's id
(``ekonomi.kostnader[0].kategori``), as users name it. Plain fields (names, headings, table
cells) get the text as it is; narrative (Markdown) fields get ``narrative.escape(text)``, which
must render as the text itself. The document is read back strictly (see
``conftest.docx_paragraphs``: a ``w:tab`` is ``\\t``, a ``w:br`` is ``\\n``, and edges Word would
trim are trimmed).

Fields the default template does not show (``projekt.finansiarer``, ``projektagare``,
``utvarderare``, ``webbplats``, ``horisontella_kriterier.kriterier``, ``Strategigrupp.namn``,
``Foretag.kommun``, ``Indikator.enhet``/``kalla``; ``Kommun.namn`` only in capitals when
``rubrik`` is missing) are left out here.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slutrapport
from slutrapport import narrative
from slutrapport.errors import InputError
from slutrapport.rendering import render_bytes

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Slot:
    """A text field in the skeleton report: plain (may be empty or not) or Markdown."""

    kind: str


PLAIN = Slot("plain")
REQUIRED = Slot("required")  # plain, and at least one character
MARKDOWN = Slot("markdown")


def _section(typ: str = "text") -> dict[str, Any]:
    return {"typ": typ, "rubrik": REQUIRED, "text": MARKDOWN}


TOP: dict[str, Any] = {
    "projekt": {"namn": REQUIRED, "kortnamn": REQUIRED, "rapporttyp": PLAIN,
                "period": {"fran": "2019", "till": "2022"}, "kommuner": [PLAIN]},
    "rubriker": {"innehall": PLAIN},
    "sammanfattning": [MARKDOWN],
}
SECTIONS: dict[str, Any] = {  # by id, in the report's order; 'typ' names the kind
    "inledning": _section() | {
        "punkter": [MARKDOWN],
        "delavsnitt": [{"rubrik": REQUIRED, "text": MARKDOWN, "punkter": [MARKDOWN]}]},
    "pandemin": _section(),
    "aktiviteter": _section("aktiviteter") | {"omraden": [_section() | {"typ": None}]},
    "horisontella_kriterier": {"typ": "horisontella_kriterier", "rubrik": REQUIRED,
                               "text": MARKDOWN, "deltagare": {"kvinnor": 1, "man": 1}},
    "program_for_tillvaxt": {
        "typ": "foretagsprogram",
        "rubrik": PLAIN,
        "text": MARKDOWN,
        "workshops": {"ingress": MARKDOWN, "lista": [
            {"forelasare": REQUIRED, "organisation": PLAIN, "amne": REQUIRED},
            {"forelasare": "f", "amne": "a", "text": MARKDOWN},
        ]},
        "steg_ingress": MARKDOWN,
        "steg": [{"namn": REQUIRED, "beskrivning": MARKDOWN}],
        "strategigrupper": {"ingress": MARKDOWN, "rubrik": PLAIN, "text": MARKDOWN,
                            "grupper": [{"antal_foretag": 1}]},
        "konsulter": {"rubrik": PLAIN, "text": MARKDOWN, "omraden": [PLAIN],
                      "text_efter": MARKDOWN},
        "delar": [{"rubrik": REQUIRED, "text": MARKDOWN}],
        "effekt": {"rubrik": PLAIN, "text": MARKDOWN,
                   "tabell": {"namn": PLAIN, "fore": PLAIN, "efter": PLAIN, "okning": PLAIN,
                              "summa": PLAIN},
                   "foretag": [{"namn": REQUIRED, "anstallda_fore": 1, "anstallda_efter": 2}]},
    },
    "resultat": {"typ": "indikatorer", "rubrik": REQUIRED, "text": MARKDOWN,
                 "text_efter": MARKDOWN,
                 "indikatorer": [{"namn": REQUIRED, "utfall": 1, "text": MARKDOWN}]},
    "spridning": _section(),
    "utvardering": _section(),
    "slutsatser": _section(),
    "efter_projektet": _section(),
    "kommuner": {"typ": "kommuner", "rubrik": REQUIRED, "text": MARKDOWN,
                 "kommuner": [{"namn": "k", "rubrik": PLAIN, "text": MARKDOWN}]},
    "principer": {"typ": "horisontella_principer", "rubrik": REQUIRED, "text": MARKDOWN,
                  "principer": [{"namn": REQUIRED, "text": MARKDOWN}]},
    "deltagarprogram": {"typ": "deltagarprogram", "rubrik": REQUIRED, "text": MARKDOWN,
                        "insatser": [{"namn": REQUIRED, "kommun": PLAIN, "kvinnor": 1, "man": 1}],
                        "text_efter": MARKDOWN},
    "tabell": {"typ": "tabell", "rubrik": REQUIRED, "text": MARKDOWN, "bildtext": PLAIN,
               "kolumner": [{"rubrik": REQUIRED}], "rader": [[PLAIN]], "text_efter": MARKDOWN},
    "ekonomi": {
        "typ": "ekonomi", "rubrik": PLAIN, "budget": 10, "utfall": 10, "text": MARKDOWN,
        "kostnader_ingress": MARKDOWN,
        "kostnader": [{"kategori": REQUIRED, "belopp": 10, "fotnot": MARKDOWN}],
        "finansiering_ingress": MARKDOWN,
        "finansiering": [{"finansiar": REQUIRED, "belopp": 10}],
        "preliminar": {"text": MARKDOWN},
    },
}
SKELETON: dict[str, Any] = TOP | SECTIONS
"""Every text field by the path a user names it with: a section's fields under its id."""


def _slots(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Slot]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _slots(value, (*path, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _slots(value, (*path, n))
    elif isinstance(node, Slot):
        yield path, node


SLOTS: list[tuple[Path_, Slot]] = list(_slots(SKELETON))


def _without_none(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_without_none(v) for v in node]
    return node


def as_report_data(keyed: dict[str, Any]) -> dict[str, Any]:
    """Data keyed like SKELETON as a report's data: the sections in the list ``avsnitt``."""
    keyed = _without_none(keyed)
    return {key: keyed[key] for key in TOP} | {
        "avsnitt": [{"id": sid} | keyed[sid] for sid in SECTIONS]}


def place(data: dict[str, Any], path: Path_) -> tuple[Any, str | int]:
    """The container and key of ``path`` (a section's fields under its id) in report data."""
    node: Any = data
    parts = list(path)
    if parts[0] in SECTIONS:
        sid = parts.pop(0)
        node = next(s for s in data["avsnitt"] if s["id"] == sid)
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def skeleton_data(texts: Sequence[str]) -> dict[str, Any]:
    """The skeleton with ``texts[i]`` in the i-th slot (escaped in Markdown fields)."""
    data = as_report_data(copy.deepcopy(SKELETON))
    for (path, slot), text in zip(SLOTS, texts, strict=True):
        node, key = place(data, path)
        node[key] = narrative.escape(text) if slot is MARKDOWN else text
    return data


def report(texts: Sequence[str]) -> slutrapport.Slutrapport:
    """The skeleton report with ``texts[i]`` in the i-th slot."""
    return slutrapport.from_data(skeleton_data(texts))


def texts_with(path: Path_, text: str) -> list[str]:
    """Texts for every slot: ``text`` in the slot at ``path``, 'x' elsewhere."""
    texts = ["x"] * len(SLOTS)
    texts[[p for p, _ in SLOTS].index(path)] = text
    return texts


def expected_paragraphs(texts: Sequence[str]) -> dict[Path_, str]:
    """For each slot, the whole paragraph (or table cell) its text must appear as."""
    value = {path: text for (path, _), text in zip(SLOTS, texts, strict=True)}
    expected = dict(value)
    expected[("projekt", "kortnamn")] = f"{value['projekt', 'kortnamn']} · 2019–2022"
    w = ("program_for_tillvaxt", "workshops", "lista", 0)
    expected[(*w, "forelasare")] = expected[(*w, "organisation")] = expected[(*w, "amne")] = (
        f"{value[(*w, 'forelasare')]}, {value[(*w, 'organisation')]}: {value[(*w, 'amne')]}")
    s = ("program_for_tillvaxt", "steg", 0)
    expected[(*s, "namn")] = expected[(*s, "beskrivning")] = (
        f"{value[(*s, 'namn')]} – {value[(*s, 'beskrivning')]}")
    # the fifth captioned table: after the participants', the companies', the indicators' and
    # the programme's
    expected[("tabell", "bildtext")] = f"Tabell 5: {value['tabell', 'bildtext']}"
    fotnot = ("ekonomi", "kostnader", 0, "fotnot")
    expected[fotnot] = f"*{value[fotnot]}"  # after the mark it has in the table
    return expected


# "@" is replaced by the slot's number, so that each field's text is its own.
SAMPLES = {
    "xml": "Smide & Industrimontage <AB> @ \"citat\" 'apostrof' ]]> &amp; &#95; <w:p>",
    "jinja": "{{ x }} {% if x %} @ {%tr for a in b %} {{p x }} {{r x }} {# c #} }} %}",
    "docxtpl": "{_{ x }_} {_% y %_} @ {_{",
    "emoji": "😀 👩‍👩‍👧 @ 🇸🇪 🏳️‍🌈",
    "rtl": "שלום עולם @ مرحبا بالعالم \u202eabc\u202c",
    "combining": "e\u0301 a\u0308 @ Z\u0335\u0317\u0320 \u0915\u094d\u0937",
    "markdown": "**inte fet** _inte @ kursiv_ [inte](https://x.se) # - 1. > `kod`",
    "whitespace": "  två mellanslag, tabb\tmitt i @, radbrytning\nmitt i och efter  ",
    # Python's str.strip() takes U+0085 for space, Markdown does not.
    "separators": "\x85NEL \u2028LS @ \u2029PS \xa0NBSP \ufeffBOM \u200bZWSP\x85",
}


@pytest.mark.parametrize("sample", list(SAMPLES.values()), ids=list(SAMPLES))
def test_hostile_text_in_every_field_is_its_paragraph_verbatim(
    sample: str, read_paragraphs: Callable[[bytes], list[str]]
) -> None:
    """Markup, tags, braces, emoji, RTL, combining marks and edge spaces reach each paragraph."""
    texts = [sample.replace("@", str(n)) for n in range(len(SLOTS))]
    paragraphs = read_paragraphs(render_bytes(report(texts), charts=False))
    missing = {path: p for path, p in expected_paragraphs(texts).items() if p not in paragraphs}
    assert missing == {}


def test_footnote_of_only_a_next_line_character_is_still_printed(
    read_paragraphs: Callable[[bytes], list[str]]
) -> None:
    """A narrative that prints something counts as present, even if str.strip() empties it."""
    texts = texts_with(("ekonomi", "kostnader", 0, "fotnot"), "\x85")
    texts[[p for p, _ in SLOTS].index(("ekonomi", "kostnader", 0, "kategori"))] = "Resor"
    paragraphs = read_paragraphs(render_bytes(report(texts), charts=False))
    row = paragraphs.index("Resor")
    assert paragraphs[row:row + 6] == ["Resor", "10*", "Summa", "10", "", "*\x85"]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _content(paragraph: Any) -> list[tuple[str, str]]:
    """A paragraph's text elements in order, as (local name, text)."""
    return [(el.tag.removeprefix(W), el.text or "")
            for el in paragraph._p.iter(f"{W}t", f"{W}tab", f"{W}br")]


def test_tab_and_newline_become_word_tabs_and_line_breaks_in_plain_and_narrative_text() -> None:
    """'a\\tb\\nc' is a w:tab and a w:br, not raw characters, in a heading and in narrative."""
    texts = texts_with(("inledning", "rubrik"), "a\tb\nc")
    texts[[path for path, _ in SLOTS].index(("inledning", "text"))] = "a\tb\nc"
    document = docx.Document(io.BytesIO(render_bytes(report(texts), charts=False)))
    found = [_content(p) for p in document.paragraphs if p.text.startswith("a")]
    tab_and_break = [("t", "a"), ("tab", ""), ("t", "b"), ("br", ""), ("t", "c")]
    assert found == [tab_and_break, tab_and_break]


FORBIDDEN = ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ud800", "\udfff", "\ufffe",
             "\uffff"]


PLACES = {
    "table cell": (("ekonomi", "kostnader", 0, "kategori"), "ekonomi.kostnader[0].kategori"),
    "narrative": (("inledning", "text"), "inledning.text"),
    "list item": (("program_for_tillvaxt", "konsulter", "omraden", 0),
                  "program_for_tillvaxt.konsulter.omraden"),
}
CASES = [
    pytest.param(char, *place, id=f"{name}-U+{ord(char):04X}")
    for name, place in PLACES.items() for char in FORBIDDEN
]


@pytest.mark.parametrize(("char", "path", "shown"), CASES)
def test_characters_xml_forbids_are_refused_naming_the_field(
    char: str, path: Path_, shown: str
) -> None:
    """A character XML 1.0 forbids stops validation with a message naming the field."""
    data = skeleton_data(texts_with(path, "x"))
    node, key = place(data, path)
    node[key] = f"ab{char}c"
    with pytest.raises(InputError) as refused:
        slutrapport.from_data(data)
    assert str(refused.value) == (
        f"{shown}: otillåtet tecken U+{ord(char):04X} på position 3 (ett styrtecken som inte får "
        "finnas i ett Word-dokument); ta bort det, eller tvätta texten med slutrapport.clean_text")
    assert slutrapport.clean_text(f"ab{char}c") == "abc"


def test_document_properties_take_the_text_verbatim(tmp_path: Path) -> None:
    """A template's title and subject with tags get the report's text, not escaped XML."""
    template = docx.Document()
    template.add_paragraph("{{ projekt.kortnamn }}")
    template.core_properties.title = "{{ projekt.namn }} – {{ projekt.kortnamn }}"
    template.core_properties.subject = "{{ ekonomi.budget }} kr"
    template.save(tmp_path / "mall.docx")
    name = SAMPLES["xml"] + " " + SAMPLES["docxtpl"]
    data = render_bytes(report(texts_with(("projekt", "namn"), name)),
                        template=tmp_path / "mall.docx", charts=False)
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert (properties.title, properties.subject) == (f"{name} – x", "10 kr")


def test_company_name_with_ampersand_is_intact_in_the_nis_company_table(nis60_docx: bytes) -> None:
    """Autoescape: 'Smide & Industrimontage I Norr AB' fills its row of the company table."""
    rows = [[cell.text for cell in row.cells]
            for table in docx.Document(io.BytesIO(nis60_docx)).tables for row in table.rows]
    assert [row for row in rows if row[0].startswith("Smide")] == [
        ["Smide & Industrimontage I Norr AB", "1", "2", "1"]]


def test_less_than_in_narrative_keeps_its_paragraph(
    read_paragraphs: Callable[[bytes], list[str]]
) -> None:
    """'<' and '&' in Markdown (raw, not escaped) leave the paragraph whole (docxtpl #634)."""
    text = "Om 5 < 10 & 3 > 2 blir <b>fet</b> text <!-- kvar --> kvar, a<b."
    data = skeleton_data(texts_with(("inledning", "rubrik"), "Inledning"))
    node, key = place(data, ("inledning", "text"))
    node[key] = text  # Markdown as written, not escaped
    paragraphs = read_paragraphs(render_bytes(slutrapport.from_data(data), charts=False))
    heading = paragraphs.index("Inledning")
    assert paragraphs[heading:heading + 2] == ["Inledning", text]


# --- The property: any text, in every field at once -------------------------------------------

_EXCLUDED = "\r\ufffe\uffff" + "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n")
_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters=_EXCLUDED)
# Pieces that have broken Word generators before, mixed with arbitrary characters.
_FRAGMENTS = [
    "&", "<", ">", '"', "'", "]]>", "{{ x }}", "{{", "}}", "{%", "%}", "{%tr", "{%p", "{{p",
    "{{r", "{#", "#}", "{_{", "}_}", "{_%", "%_}", "&#95;", "&amp;", "&#10;", "<w:p>", "\\",
    "*", "_", "[", "](", "`", "#", "- ", "1. ", "> ", "|", "\t", "\n", "\n\n", " ", "  \n",
    " \n", "\n ", "\t\n", "\xa0", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b", "\u202e",
    "e\u0301", "\u0301", "😀", "\U0001f468\u200d\U0001f469", "שלום", "مرحبا",
]
TEXT = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(_CHARACTERS, max_size=4)),
                max_size=6).map("".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts=st.tuples(*(TEXT.filter(bool) if slot is REQUIRED else TEXT for _, slot in SLOTS)))
def test_any_text_in_every_field_at_once_is_in_the_document(
    texts: tuple[str, ...], read_text: Callable[[bytes], str]
) -> None:
    """Arbitrary text (XML-legal, without CR) in each text field reaches the document unchanged."""
    document = read_text(render_bytes(report(texts), charts=False))
    missing = {path: text for (path, _), text in zip(SLOTS, texts, strict=True)
               if text not in document}
    assert missing == {}
