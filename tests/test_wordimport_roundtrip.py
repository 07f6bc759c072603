"""The round trip: a report rendered from NIS 7.0 and edited in Word comes back into its data."""

from __future__ import annotations

import base64
import copy
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document

from slutrapport.cli import main
from slutrapport.context import narrative_texts
from slutrapport.document import render_bytes
from slutrapport.errors import InputError
from slutrapport.fields_word import TEXT_MARK
from slutrapport.loader import load
from slutrapport.narrative import prints_anything, text_mark
from slutrapport.office import find_soffice
from slutrapport.wordimport import ChangesRefusedError, import_report
from tests.conftest import docx_text

FIXTURE = Path(__file__).parent.parent / "fixtures" / "nis70.yaml"
ROBERTSFORS = ("För Robertsfors har projektet framför allt betytt stöd till de tillverkande "
               "företagen")
WORK = "NIS 7.0 byggde vidare på arbetssättet"


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_bytes(load(FIXTURE))


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    path = tmp_path / "nis70.yaml"
    shutil.copyfile(FIXTURE, path)
    shutil.copytree(FIXTURE.parent / "bilder", tmp_path / "bilder")  # its pictures beside it
    return path


def _python_docx(source: bytes, out: Path, edit: object) -> Path:
    document = Document(io.BytesIO(source))
    edit(document)  # type: ignore[operator]
    document.save(str(out))
    return out


def _retype(document: object, starts: str, old: str, new: str) -> None:
    """Write over ``old`` in the paragraph that starts with ``starts``, as one run."""
    paragraph = next(p for p in document.paragraphs if p.text.startswith(starts))  # type: ignore[attr-defined]
    text = paragraph.text.replace(old, new, 1)
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _cell(document: object, column: str, row: str) -> Any:
    """The cell in column ``column`` (a header's text) and the row that begins with ``row``, in
    the first table that has both."""
    for table in document.tables:  # type: ignore[attr-defined]
        rows = [[c.text for c in r.cells] for r in table.rows]
        for r, texts in enumerate(rows):
            if texts and texts[0] == row:
                for header in rows[:r]:
                    if column in header:
                        return table.rows[r].cells[header.index(column)]
                if column == "":
                    return table.rows[r].cells[1]
    raise AssertionError(f"ingen tabell med {column!r} och {row!r}")


def _table_index(rendered: bytes, column: str) -> int:
    """The place (0 the first) of the first table with a header ``column``, in document order
    as LibreOffice counts its tables."""
    tables = Document(io.BytesIO(rendered)).tables
    return next(i for i, t in enumerate(tables) if column in [c.text for c in t.rows[0].cells])


def _two_texts_and_a_cell(document: object) -> None:
    _retype(document, ROBERTSFORS, "framför allt", "främst")
    _retype(document, "Styrgruppen bestod av", "en gång i kvartalet", "varannan månad")
    _cell(document, "Tillverkning", "Robertsfors").paragraphs[0].runs[0].text = "25"


def _changed(path: Path) -> list[str]:
    """The lines of the data file that differ from the fixture's."""
    old = FIXTURE.read_text(encoding="utf-8").splitlines()
    new = path.read_text(encoding="utf-8").splitlines()
    return [f"{i + 1}: {b}" for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


CELL = "Tabell 5, Robertsfors, Tillverkning: 25 i Word, 24 i datat"
ROBERTSFORS_CHANGE = ("kommuner.kommuner[0].text (rad 315): i ”För Robertsfors har projektet "
                      "framför al…”: ”framför allt” blev ”främst” (1 stycke → 1 stycke)")
STYRGRUPP_CHANGE = ("arbetssatt.delavsnitt[1].text (rad 96): i ”Styrgruppen bestod av "
                    "näringslivschefern…”: ”en gång i kvartalet” blev ”varannan månad” "
                    "(1 stycke → 1 stycke)")


def test_render_marks_every_printed_text_of_the_data(rendered: bytes) -> None:
    """Each narrative text that prints stands in a bookmark named by its place and its text."""
    xml = zipfile.ZipFile(io.BytesIO(rendered)).read("word/document.xml").decode("utf-8")
    marks = set(re.findall(rf'w:name="({TEXT_MARK}[^"]*)"', xml))
    # the cost's footnote is printed from the ekonomi section's own context, without a mark:
    # edited in Word it is reported as a paragraph of the report, not written back
    assert marks == {text_mark(path, text)
                     for _, path, text in narrative_texts(load(FIXTURE))
                     if prints_anything(text) and not path.endswith(".fotnot")}


def test_two_texts_and_a_cell_edited_with_python_docx(rendered: bytes, data: Path,
                                                      tmp_path: Path) -> None:
    """The two edited texts are written back, nothing else in the file, and the cell reported."""
    edited = _python_docx(rendered, tmp_path / "granskad.docx", _two_texts_and_a_cell)
    result = import_report(edited, data)
    assert result.changes == [STYRGRUPP_CHANGE, ROBERTSFORS_CHANGE]
    assert result.reported == [CELL]
    assert _changed(data) == [
        "97:           Styrgruppen bestod av näringslivscheferna i de fyra kommunerna och en "
        "representant för Region Västerbotten. Den träffades varannan månad och beslutade om "
        "aktivitetsplan och budget för varje år.",
        "316:           För Robertsfors har projektet främst betytt stöd till de tillverkande "
        "företagen, som fortsätter att växa och har svårt att hitta personal. Utbildningen i "
        "export och e-handel gav flera företag sina första kunder utanför Norden. Branschrådet "
        "för tillverkning har blivit en naturlig mötesplats för företagen och kommunen.",
    ]
    again = docx_text(render_bytes(load(data)))
    assert "Den träffades varannan månad" in again and "projektet främst betytt" in again
    # the same Word file once more: the data now says what Word says, nothing to write
    second = import_report(edited, data, dry_run=True)
    assert (second.changes, second.reported) == ([], [CELL])


def test_an_edited_list_item_is_written_back_in_its_place(rendered: bytes, data: Path,
                                                         tmp_path: Path) -> None:
    """A point of a list edited in Word comes back as that item, its line and the rest of the
    file as they were (a list item has no key to write after)."""

    def edit(document: object) -> None:
        _retype(document, "Projektledaren ansvarade", "planering, ekonomi", "planering")

    edited = _python_docx(rendered, tmp_path / "punkt.docx", edit)
    result = import_report(edited, data)
    assert (result.reported, _changed(data)) == ([], [
        "92:           - Projektledaren ansvarade för planering och rapportering till "
        "Tillväxtverket."])
    assert load(data).model_dump() != load(FIXTURE).model_dump()


def test_unchanged_report_brings_nothing_back(rendered: bytes, data: Path,
                                              tmp_path: Path) -> None:
    """A rendered report saved as it is has no change and nothing to report."""
    path = tmp_path / "rapport.docx"
    path.write_bytes(rendered)
    result = import_report(path, data)
    assert (result.changes, result.reported, result.written) == ([], [], None)


def test_edited_figure_keeps_its_link_and_is_reported(rendered: bytes, data: Path,
                                                      tmp_path: Path) -> None:
    """312 företagsbesök made 313 in Word: the link stays, with 313, and the change is said."""
    edited = _python_docx(rendered, tmp_path / "tal.docx",
                          lambda d: _retype(d, "312 företagsbesök", "312", "313"))
    result = import_report(edited, data, dry_run=True)
    assert [text[:40] for text in result.planned.values()] == [
        "[313](tal:antal) företagsbesök genomförd"]
    assert result.reported == [
        "aktiviteter.omraden[0].text: talet 312 (tal:antal) står som 313 i Word; texten förs in "
        "med 313, och check säger till om det inte stämmer med datat — ändra i datat eller "
        "registret om talet ska vara ett annat"]


def test_text_changed_in_the_data_file_and_in_word_is_not_written(rendered: bytes, data: Path,
                                                                  tmp_path: Path) -> None:
    """Both sides changed: the data file's text stays and the conflict is reported."""
    edited = _python_docx(rendered, tmp_path / "granskad.docx", _two_texts_and_a_cell)
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("framför allt betytt", "framför allt har betytt"),
                    encoding="utf-8")
    result = import_report(edited, data, dry_run=True)
    assert [line.partition(" (")[0] for line in result.changes] == [
        "arbetssatt.delavsnitt[1].text"]
    assert result.reported == [
        CELL,
        "kommuner.kommuner[0].text: texten har ändrats både i datafilen (sedan rapporten "
        "skrevs) och i Word; den förs inte in — jämför och för in ändringen för hand",
    ]


def test_text_changed_only_in_the_data_file_stays_as_the_data_file_has_it(
        rendered: bytes, data: Path, tmp_path: Path) -> None:
    """Word shows a text as it was rendered, the data file changed it since: the data wins."""
    edited = _python_docx(rendered, tmp_path / "granskad.docx", _two_texts_and_a_cell)
    text = data.read_text(encoding="utf-8")
    newer = text.replace("I Vindeln har ledarskapsutbildningen", "I Vindeln har kursen")
    assert newer != text
    data.write_text(newer, encoding="utf-8")
    result = import_report(edited, data)
    assert (result.changes, result.reported) == ([STYRGRUPP_CHANGE, ROBERTSFORS_CHANGE], [CELL])
    assert "I Vindeln har kursen" in data.read_text(encoding="utf-8")


def test_list_items_and_bold_lines_come_back_as_the_texts_they_are(rendered: bytes, data: Path,
                                                                   tmp_path: Path) -> None:
    """A point (printed in the template's bullet style) and a summary line (printed bold) come
    back as plain text: the template's list and bold are not taken for the text's own."""

    def edit(document: object) -> None:
        _retype(document, "de stödda företagen ska skapa", "nya arbetstillfällen",
                "nya och hållbara arbetstillfällen")
        _retype(document, "NIS 7.0 har stärkt", "de små företagen", "de mindre företagen")

    edited = _python_docx(rendered, tmp_path / "punkter.docx", edit)
    result = import_report(edited, data, dry_run=True)
    assert list(result.planned.values()) == [
        "NIS 7.0 har stärkt konkurrenskraften hos de mindre företagen i Robertsfors, Vindeln, "
        "Vännäs och Bjurholm.",
        "de stödda företagen ska skapa nya och hållbara arbetstillfällen,",
    ]
    assert result.reported == []


PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
                       "hQGAhKmMIQAAAABJRU5ErkJggg==")


def test_picture_put_in_a_text_in_word_is_reported(rendered: bytes, data: Path,
                                                   tmp_path: Path) -> None:
    """A picture added to a text can't come back into it: the text stays and that is said."""

    def edit(document: object) -> None:
        paragraph = next(p for p in document.paragraphs  # type: ignore[attr-defined]
                         if p.text.startswith(ROBERTSFORS))
        paragraph.add_run().add_picture(io.BytesIO(PNG))

    edited = _python_docx(rendered, tmp_path / "bild.docx", edit)
    result = import_report(edited, data)
    assert (result.changes, result.written) == ([], None)
    assert result.reported == [
        "kommuner.kommuner[0].text, stycke 90 (”För Robertsfors har projektet framför al…”): "
        "bilden image6.png förs inte in: spara den som PNG eller JPEG bredvid datafilen och "
        "skriv ![beskrivning](fil) i texten där den ska stå"]


def test_text_deleted_in_word_is_reported_and_kept(rendered: bytes, data: Path,
                                                   tmp_path: Path) -> None:
    """A text deleted in Word (its paragraphs and mark gone) stays in the data, and is said."""

    def edit(document: object) -> None:
        paragraph = next(p for p in document.paragraphs  # type: ignore[attr-defined]
                         if p.text.startswith("I Vindeln har"))
        paragraph._p.getparent().remove(paragraph._p)

    edited = _python_docx(rendered, tmp_path / "struken.docx", edit)
    result = import_report(edited, data)
    assert (result.changes, result.written) == ([], None)
    assert result.reported == [
        "kommuner.kommuner[1].text: texten finns inte i Word-filen (den togs bort, eller också "
        "dess osynliga märke); datafilen behåller den"]


def test_hostile_report_is_refused_with_exit_2(rendered: bytes, data: Path,
                                               tmp_path: Path) -> None:
    """A DTD in the report's document part is refused before anything is read (exit 2)."""
    edited = _rezipped(rendered, tmp_path / "dtd.docx", "word/document.xml",
                       lambda xml: xml.replace("?>", '?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
                                               '"file:///etc/passwd">]>', 1))
    out = CliRunner().invoke(main, ["import", str(edited), str(data)])
    assert (out.exit_code, out.stderr) == (
        2, f"Fel i indata: {edited}: Word-filens del word/document.xml har en DTD (<!DOCTYPE …>), "
           "som Word-filer aldrig har och som kan hämta in andra filer; filen läses inte\n")
    assert data.read_bytes() == FIXTURE.read_bytes()


def test_headings_renamed_or_removed_in_word_are_reported(rendered: bytes, data: Path,
                                                          tmp_path: Path) -> None:
    """A heading is data: renamed or deleted in Word it is reported, and nothing is written."""

    def edit(document: object) -> None:
        headings = [p for p in document.paragraphs  # type: ignore[attr-defined]
                    if p.style.name.startswith("Heading") or p.style.name.startswith("Rubrik")]
        styrgrupp = next(p for p in headings if p.text == "Styrgrupp")
        styrgrupp.runs[0].text = "Styrgruppen"
        spridning = next(p for p in headings if p.text == "Spridning av resultatet")
        spridning._element.getparent().remove(spridning._element)

    edited = _python_docx(rendered, tmp_path / "rubriker.docx", edit)
    result = import_report(edited, data)
    assert (result.changes, result.written) == ([], None)
    assert result.reported == [
        "Rubriken ”Styrgrupp” lyder ”Styrgruppen” i Word",
        "Rubriken ”Spridning av resultatet” finns inte i Word-filen",
    ]


def test_a_paragraph_edited_outside_the_texts_is_reported_with_the_edit_in_view(
        rendered: bytes, data: Path, tmp_path: Path) -> None:
    """A sentence slutrapport writes, edited late in Word, is reported with the edited passage
    and about 40 characters around it ('…' only where cut), so the edit shows on both sides."""

    def edit(document: object) -> None:
        _retype(document, "Utfallet blev", "under budget", "lägre än budgeten")
        _retype(document, "*Indirekta kostnader", "*Indirekta", "*De indirekta")

    edited = _python_docx(rendered, tmp_path / "mening.docx", edit)
    result = import_report(edited, data)
    assert (result.changes, result.written) == ([], None)
    assert result.reported == [
        "Stycket ”… 11 862 418 kr, det vill säga 537 582 kr under budget.” lyder ”… 11 862 418 "
        "kr, det vill säga 537 582 kr lägre än budgeten.” i Word",
        "Stycket ”*Indirekta kostnader är en schablon på 15 procent …” lyder ”*De indirekta "
        "kostnader är en schablon på 15 procent …” i Word",
    ]


def test_paragraph_added_after_a_text_belongs_to_it(rendered: bytes, data: Path,
                                                    tmp_path: Path) -> None:
    """A paragraph typed after a text's last paragraph (outside its mark) joins that text."""

    def edit(document: object) -> None:
        paragraph = next(p for p in document.paragraphs  # type: ignore[attr-defined]
                         if p.text.startswith(ROBERTSFORS))
        new = copy.deepcopy(paragraph._p)
        for mark in new.xpath("w:bookmarkStart|w:bookmarkEnd"):
            new.remove(mark)
        for run in new.xpath("w:r")[1:]:
            new.remove(run)
        new.xpath("w:r/w:t")[0].text = "Ett stycke till."
        paragraph._p.addnext(new)

    edited = _python_docx(rendered, tmp_path / "stycke.docx", edit)
    result = import_report(edited, data, dry_run=True)
    assert result.changes == [
        "kommuner.kommuner[0].text (rad 315): lade till ”Ett stycke till.” "
        "(1 stycke → 2 stycken)"]
    assert [text.endswith("\n\nEtt stycke till.") for text in result.planned.values()] == [True]


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _rezipped(source: bytes, out: Path, part: str, edit: object) -> Path:
    """The Word file with one part's XML text changed by ``edit`` (a function of the text)."""
    parts = zipfile.ZipFile(io.BytesIO(source))
    with zipfile.ZipFile(out, "w") as z:
        for item in parts.infolist():
            data = parts.read(item.filename)
            if item.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")  # type: ignore[operator]
            z.writestr(item, data)
    return out


def test_chart_figure_edited_in_word_is_reported(rendered: bytes, data: Path,
                                                 tmp_path: Path) -> None:
    """A chart's figure edited in Word (its cache, as Word's Edit Data writes it) is reported."""
    edited = _rezipped(rendered, tmp_path / "diagram.docx", "word/charts/chart2.xml",
                       lambda xml: xml.replace("<c:v>1284</c:v>", "<c:v>1300</c:v>", 1))
    result = import_report(edited, data)
    assert (result.changes, result.written) == ([], None)
    assert result.reported == ["Diagram 2, Deltagare, Kvinnor: 1300 i Word, 1284 i datat"]


def test_heading_moved_or_added_in_word_is_reported(rendered: bytes, data: Path,
                                                    tmp_path: Path) -> None:
    """Sections are the data's order: a heading moved or added in Word is reported, not taken."""

    def edit(document: object) -> None:
        paragraphs = document.paragraphs  # type: ignore[attr-defined]
        styrgrupp = next(p for p in paragraphs if p.text == "Styrgrupp")
        samverkan = next(p for p in paragraphs if p.text == "Samverkan med andra aktörer")
        samverkan._p.addnext(styrgrupp._p)  # the heading alone, after the next one
        ny = copy.deepcopy(styrgrupp._p)
        ny.xpath("w:r/w:t")[0].text = "Uppföljning"
        samverkan._p.addprevious(ny)

    edited = _python_docx(rendered, tmp_path / "flyttad.docx", edit)
    result = import_report(edited, data)
    assert (result.changes, result.written) == ([], None)
    assert result.reported == [
        "Rubriken ”Uppföljning” lades till i Word",
        "Rubriken ”Samverkan med andra aktörer” flyttades i Word (står nu efter ”Uppföljning”)",
    ]


WHO = 'w:author="Greta Lund" w:date="2026-09-01T10:00:00Z"'


def _track(xml: str, paragraph: str, old: str, new: str, ids: int, start: int = 0) -> str:
    """A tracked change in raw XML, as Word writes one: in the run where ``paragraph`` (its
    text, or its XML) first stands after ``start``, ``old`` deleted and ``new`` put in, by
    Greta Lund."""
    at = xml.index(paragraph, start)
    run_start = xml.rindex("<w:r>", 0, at)
    run_end = xml.index("</w:r>", at) + len("</w:r>")
    text = xml[xml.index(">", xml.index("<w:t", run_start)) + 1:xml.index("</w:t>", at)]
    before, _, after = text.partition(old)
    runs = (f'<w:r><w:t xml:space="preserve">{before}</w:t></w:r>'
            f'<w:del w:id="{ids}" {WHO}><w:r><w:delText>{old}</w:delText></w:r></w:del>'
            f'<w:ins w:id="{ids + 1}" {WHO}><w:r><w:t>{new}</w:t></w:r></w:ins>'
            f'<w:r><w:t xml:space="preserve">{after}</w:t></w:r>')
    return xml[:run_start] + runs + xml[run_end:]


def _tracked(source: bytes, out: Path) -> Path:
    """Two texts and a table cell (Tabell 5, Robertsfors, Tillverkning) changed with tracked
    changes in raw XML."""

    def edit(xml: str) -> str:
        xml = _track(xml, ROBERTSFORS, "framför allt", "främst", 901)
        xml = _track(xml, "Styrgruppen bestod av", "en gång i kvartalet", "varannan månad", 903)
        header = xml.index(">Tillverkning</w:t>")
        return _track(xml, ">24</w:t>", "24", "25", 905, start=header)

    return _rezipped(source, out, "word/document.xml", edit)


def test_tracked_changes_are_refused_until_accepted(rendered: bytes, data: Path,
                                                    tmp_path: Path) -> None:
    """Tracked changes stop the round trip; rejected, nothing changed; accepted, the two texts
    are written back, the cell reported, and the report rendered again has the texts."""
    edited = _tracked(rendered, tmp_path / "spårad.docx")
    with pytest.raises(ChangesRefusedError) as refused:
        import_report(edited, data)
    assert str(refused.value).splitlines()[1:] == [
        "  stycke 32 (”Styrgruppen bestod av näringslivschefern…”): Greta Lund strök ”en gång i "
        "kvartalet” (2026-09-01 10:00)",
        "  stycke 32 (”Styrgruppen bestod av näringslivschefern…”): Greta Lund lade till "
        "”varannan månad” (2026-09-01 10:00)",
        "  tabell 7, rad 2, kolumn 2: Greta Lund strök ”24” (2026-09-01 10:00)",
        "  tabell 7, rad 2, kolumn 2: Greta Lund lade till ”25” (2026-09-01 10:00)",
        "  stycke 90 (”För Robertsfors har projektet framför al…”): Greta Lund strök "
        "”framför allt” (2026-09-01 10:00)",
        "  stycke 90 (”För Robertsfors har projektet framför al…”): Greta Lund lade till "
        "”främst” (2026-09-01 10:00)",
        "Godta alla ändringar med --godta-andringar eller förkasta dem med --forkasta-andringar "
        "(kommentarerna tas bort i båda fallen), eller gör det i Word och spara filen igen.",
    ]
    assert data.read_bytes() == FIXTURE.read_bytes()
    rejected = import_report(edited, data, mode="reject")
    assert (rejected.changes, rejected.reported, rejected.written) == ([], [], None)
    result = import_report(edited, data, mode="accept")
    assert (result.changes, result.reported) == ([STYRGRUPP_CHANGE, ROBERTSFORS_CHANGE], [CELL])
    again = docx_text(render_bytes(load(data)))
    assert "Den träffades varannan månad" in again and "projektet främst betytt" in again


def test_word_file_not_rendered_by_slutrapport_needs_till(data: Path, tmp_path: Path) -> None:
    """Without marks there is nothing to match: an input error that points to --till."""
    path = tmp_path / "brev.docx"
    document = Document()
    document.add_paragraph("Hej.")
    document.save(str(path))
    with pytest.raises(InputError) as error:
        import_report(path, data)
    assert str(error.value) == (
        f"{path}: Word-filen är ingen rapport som slutrapport har skrivit (den saknar märkena "
        "runt rapportens texter); ange vilken text den ska in i med --till AVSNITT[.FÄLT], "
        "t.ex. --till kommuner.Robertsfors")


def test_cli_writes_back_and_exits_1_for_what_it_did_not_take(rendered: bytes, data: Path,
                                                              tmp_path: Path) -> None:
    """`import RAPPORT.docx FIL.yaml` lists what it wrote, and (exit 1) the cell it did not."""
    edited = _python_docx(rendered, tmp_path / "granskad.docx", _two_texts_and_a_cell)
    out = CliRunner().invoke(main, ["import", str(edited), str(data)])
    assert out.exit_code == 1
    assert out.stdout.splitlines() == [
        f"{data}: 2 texter ändrades i Word och skrevs tillbaka:",
        f"  {STYRGRUPP_CHANGE}",
        f"  {ROBERTSFORS_CHANGE}",
        f"Skrev {data}.",
        f"Originalet finns kvar som {data}.bak.",
        f"Kontrollera med: slutrapport check {data}",
    ]
    assert out.stderr.splitlines() == [
        f"{edited}: skiljer sig från datat och förs inte in (1); tabeller, rubriker och tal "
        "skriver slutrapport från datat — ändra i datafilen eller registret:",
        f"  {CELL}",
    ]


def test_cli_dry_run_shows_the_texts_and_writes_nothing(rendered: bytes, data: Path,
                                                        tmp_path: Path) -> None:
    """With --dry-run each text that would come back is shown whole, and the file is as it was."""
    edited = _python_docx(rendered, tmp_path / "granskad.docx",
                          lambda d: _retype(d, "Styrgruppen bestod av", "en gång i kvartalet",
                                            "varannan månad"))
    out = CliRunner().invoke(main, ["import", str(edited), str(data), "--dry-run"])
    assert (out.exit_code, out.stderr) == (0, "")
    assert out.stdout.splitlines() == [
        f"{data}: 1 text skulle ändras i Word och skulle skrivas tillbaka:",
        f"  {STYRGRUPP_CHANGE}",
        "",
        "--- arbetssatt.delavsnitt[1].text ---",
        "Styrgruppen bestod av näringslivscheferna i de fyra kommunerna och en representant för "
        "Region Västerbotten. Den träffades varannan månad och beslutade om aktivitetsplan och "
        "budget för varje år.",
        "Inget skrevs (--dry-run).",
    ]
    assert data.read_bytes() == FIXTURE.read_bytes()


def test_untitled_table_is_named_by_what_stands_before_it(rendered: bytes, data: Path,
                                                          tmp_path: Path) -> None:
    """The project's facts table has no caption: its cell is placed by the text above it."""

    def edit(document: object) -> None:
        _cell(document, "", "Kommuner").paragraphs[0].runs[0].text = "Umeå"

    edited = _python_docx(rendered, tmp_path / "fakta.docx", edit)
    result = import_report(edited, data, dry_run=True)
    assert result.reported == [
        "Tabellen efter ”september 2026”, Kommuner, kolumn 2: ”Umeå” i Word, "
        "”Robertsfors, Vindeln, Vännäs och Bjurhol…” i datat"]


def _libreoffice_python() -> str | None:
    python = shutil.which("python3", path="/usr/bin")
    if python is None or find_soffice() is None:
        return None
    found = subprocess.run([python, "-c", "import uno"], capture_output=True, check=False)
    return python if found.returncode == 0 else None


@pytest.mark.skipif(_libreoffice_python() is None,
                    reason="LibreOffice med Python-UNO (/usr/bin/python3 -c 'import uno') saknas")
def test_two_texts_and_a_cell_edited_and_saved_by_libreoffice(rendered: bytes, data: Path,
                                                              tmp_path: Path) -> None:
    """LibreOffice keeps the marks when it saves: the two texts come back, the cell is said."""
    source = tmp_path / "rapport.docx"
    source.write_bytes(rendered)
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps([
        {"replace": "framför allt betytt", "with": "främst betytt"},
        {"after": WORK, "paragraph": "Ett nytt stycke skrivet i LibreOffice."},
        {"cell": [_table_index(rendered, "Tillverkning"), "B2"], "text": "25"},
    ]), encoding="utf-8")
    edited = tmp_path / "granskad.docx"
    python, soffice = _libreoffice_python(), find_soffice()
    assert python is not None and soffice is not None
    subprocess.run([python, str(Path(__file__).parent / "libreoffice_edit.py"), soffice,
                    str(source), str(edited), str(tmp_path), str(edits)], check=True,
                   timeout=180)
    result = import_report(edited, data)
    assert result.changes == [
        "arbetssatt.text (rad 81): lade till ”Ett nytt stycke skrivet i LibreOffice.” "
        "(3 stycken → 4 stycken)",
        ROBERTSFORS_CHANGE,
    ]
    assert result.reported == [CELL]
    again = docx_text(render_bytes(load(data)))
    assert "Ett nytt stycke skrivet i LibreOffice." in again
    assert "projektet främst betytt" in again


SMALL = """\
# Rapporten
projekt:
  namn: Prov
  kortnamn: P
  period: {fran: "2023", till: "2026"}
  kommuner: [Robertsfors, Vindeln]
avsnitt:
  - typ: text
    id: inledning
    rubrik: Inledning
    text: |-
      Första stycket, skrivet
      över två rader med *kursiv* text.

      - ett
      - två
        - djupare

      Tredje.   # står i texten
    delavsnitt:
      - rubrik: Gammalt
        text: Gammal.   # en kommentar
"""


def test_unchanged_paragraphs_keep_their_spelling_and_lists_their_nesting(tmp_path: Path) -> None:
    """Only the edited paragraphs are rewritten; a nested list (List Bullet 2) stays nested."""
    data = tmp_path / "rapport.yaml"
    data.write_text(SMALL, encoding="utf-8")

    def edit(document: object) -> None:
        for paragraph in document.paragraphs:  # type: ignore[attr-defined]
            if paragraph.text == "två":
                paragraph.runs[0].text = "två och en halv"
            elif paragraph.text.startswith("Tredje"):
                paragraph.runs[0].text = "Tredje stycket."

    edited = _python_docx(render_bytes(load(data)), tmp_path / "granskad.docx", edit)
    result = import_report(edited, data)
    assert (result.changes, result.reported) == (
        ["inledning.text (rad 11): i ”ett två djupare”: lade till ”och en halv”; i ”Tredje. # "
         "står i texten”: ”Tredje. # står i texten” blev ”Tredje stycket.” "
         "(3 stycken → 3 stycken)"], [])
    assert data.read_text(encoding="utf-8") == SMALL.replace(
        "      - två\n", "      - två och en halv\n").replace(
        "      Tredje.   # står i texten\n", "      Tredje stycket.\n")
