"""Imported Word texts written into a data file: in place, figures linked, the rest kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from slutrapport.cli import main
from slutrapport.errors import InputError
from slutrapport.wordimport import Note, import_docx
from tests.wordimport_docx import docx, p, r

REPORT = """\
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
      Gammal text.
    delavsnitt:
      - rubrik: Gammalt
        text: Gammal.

  - typ: aktiviteter
    id: aktiviteter
    omraden:
      - rubrik: Företagsbesök
        antal: 259   # från loggen
        nyckeltal:
          branschrad: 4
      - rubrik: Näringslivsträffar
        antal: 148
  - typ: kommuner
    id: kommuner
    kommuner:
      - namn: Robertsfors
        text: Gammal berättelse.  # från förra året
      - namn: Vindeln
        text: |-
          Vindelns text.

# slut
"""


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    path = tmp_path / "rapport.yaml"
    path.write_text(REPORT, encoding="utf-8")
    return path


def word(tmp_path: Path, body: str, name: str = "text.docx", **kwargs: object) -> Path:
    path = tmp_path / name
    path.write_bytes(docx(body, **kwargs))  # type: ignore[arg-type]
    return path


def test_a_municipalitys_story_is_written_in_place_keeping_every_other_byte(
        tmp_path: Path, report: Path) -> None:
    """The story replaces the old one where it stands, as a literal block, its comment kept
    after the block's indicator; the original is kept as a backup."""
    text = word(tmp_path, p("Robertsfors", "Rubrik1") + p("Ny berättelse om Robertsfors.")
                + p("Andra stycket."))
    result = import_docx(text, report, till="kommuner.Robertsfors")
    assert report.read_text(encoding="utf-8") == REPORT.replace(
        "        text: Gammal berättelse.  # från förra året\n",
        "        text: |- # från förra året\n          Ny berättelse om Robertsfors.\n\n"
        "          Andra stycket.\n")
    assert result.backup == tmp_path / "rapport.yaml.bak"
    assert result.backup.read_text(encoding="utf-8") == REPORT
    assert result.changes == ["kommuner.kommuner[0].text (rad 30): 1 stycke → 2 stycken"]
    assert result.notes == [Note(
        "import-rubrik", "stycke 1 (”Robertsfors”)", "Rubriken ”Robertsfors” är textens egen "
        "rubrik, som redan står i rapporten; den förs inte in en gång till.")]


def test_figures_of_the_section_become_links_and_a_close_one_is_noted(
        tmp_path: Path, report: Path) -> None:
    """In an activity area's text, 259 (its count) and 4 branschråd become figure links, a
    year stays, 149 beside the data's 148 is noted; the missing key 'text' is added."""
    text = word(tmp_path, p("Under 2024 gjordes 259 företagsbesök, 149 träffar och 4 "
                            "branschråd i 4 kommuner."))
    result = import_docx(text, report, till="aktiviteter.omraden[0]")
    assert result.markdown == (
        "Under 2024 gjordes [259](tal:antal) företagsbesök, 149 träffar och "
        "[4](tal:nyckeltal.branschrad) branschråd i 4 kommuner.")
    assert report.read_text(encoding="utf-8") == REPORT.replace(
        "        nyckeltal:\n          branschrad: 4\n",
        "        nyckeltal:\n          branschrad: 4\n        text: |-\n"
        "          Under 2024 gjordes [259](tal:antal) företagsbesök, 149 träffar och "
        "[4](tal:nyckeltal.branschrad) branschråd i 4 kommuner.\n")
    assert result.notes == [Note(
        "import-tal", "stycke 1 (”Under 2024 gjordes 259 företagsbesök, 14…”)",
        "Texten säger 149 träffar, datat 148 (aktiviteter.omraden[1].antal). Rätta texten "
        "eller datat; blir de lika kan talet skrivas som tallänk: "
        "[148](tal:aktiviteter.omraden[1].antal).")]


def test_headings_of_a_text_section_become_its_sub_sections(tmp_path: Path,
                                                            report: Path) -> None:
    """Into a text section, the text before the first heading is its text and each top-level
    heading a sub-section (the old ones replaced, both changes listed); a deeper heading is a
    bold line."""
    text = word(tmp_path, p("Inledning", "Rubrik1") + p("Ny inledning.") + p("Mål", "Rubrik2")
                + p("Målen var tre.") + p("Delmål", "Rubrik3") + p("Ett delmål.")
                + p("Resultat: 2024", "Rubrik2") + p("Det gick bra."))
    result = import_docx(text, report, till="inledning")
    assert report.read_text(encoding="utf-8") == REPORT.replace(
        "    text: |-\n      Gammal text.\n    delavsnitt:\n      - rubrik: Gammalt\n"
        "        text: Gammal.\n",
        "    text: |-\n      Ny inledning.\n    delavsnitt:\n      - rubrik: Mål\n"
        "        text: |-\n          Målen var tre.\n\n          **Delmål**\n\n"
        "          Ett delmål.\n      - rubrik: \"Resultat: 2024\"\n        text: |-\n"
        "          Det gick bra.\n")
    assert result.changes == ["inledning.text (rad 11): 1 stycke → 1 stycke",
                              "inledning.delavsnitt: ”Gammalt” → ”Mål”, ”Resultat: 2024”"]


def test_dry_run_writes_nothing_and_pictures_are_saved_beside_the_data_file(
        tmp_path: Path, report: Path) -> None:
    """--dry-run leaves the file and writes no picture; a real import saves the picture in
    bilder/ without writing over a different file of the same name."""
    rels = ('<Relationship Id="rIdP" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/image" Target="media/image1.png"/>')
    picture = ('<w:r><w:drawing><wp:inline><wp:docPr id="2" name="Bild 1"/><a:graphic>'
               '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
               '<pic:pic><pic:blipFill><a:blip r:embed="rIdP"/></pic:blipFill></pic:pic>'
               "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")
    text = word(tmp_path, p("Vindeln växer.") + p(runs=picture), name="vindeln.docx",
                rels=rels, media={"image1.png": b"\x89PNG ny"})
    dry = import_docx(text, report, till="kommuner.Vindeln", dry_run=True)
    assert report.read_text(encoding="utf-8") == REPORT
    assert dry.written is None and not (tmp_path / "bilder").exists()
    (tmp_path / "bilder").mkdir()
    (tmp_path / "bilder" / "vindeln-image1.png").write_bytes(b"en annan bild")
    done = import_docx(text, report, till="kommuner.Vindeln")
    assert done.pictures == [tmp_path / "bilder" / "vindeln-image1-2.png"]
    assert (tmp_path / "bilder" / "vindeln-image1.png").read_bytes() == b"en annan bild"
    assert (tmp_path / "bilder" / "vindeln-image1-2.png").read_bytes() == b"\x89PNG ny"
    assert done.notes == [Note(
        "import-bild", "stycke 2", "Bilden image1.png följer inte med i texten; den sparades "
        f"som {tmp_path / 'bilder' / 'vindeln-image1-2.png'}; skriv ![beskrivning]"
        "(bilder/vindeln-image1-2.png) i texten där den ska stå.")]


@pytest.mark.parametrize(("till", "message"), [
    ("kommuner.Umeå", "kommuner har inget fält eller namn 'Umeå'; där finns Robertsfors, "
                      "Vindeln"),
    ("ekonomi", "rapporten har inget avsnitt 'ekonomi'; avsnitten är inledning, aktiviteter, "
                "kommuner"),
    ("aktiviteter.omraden[0].rubrik", "aktiviteter.omraden[0].rubrik är ingen löptext "
     "(Markdown); texten kan skrivas in i ett avsnitts, en kommuns, ett aktivitetsområdes eller "
     "ett delavsnitts text"),
    ("aktiviteter.omraden[5]", "aktiviteter.omraden har ingen plats [5]"),
])
def test_a_target_that_is_no_narrative_is_refused_with_what_is_there(
        tmp_path: Path, report: Path, till: str, message: str) -> None:
    """A target that names nothing, or no narrative, is an input error saying what there is."""
    text = word(tmp_path, p("Text."))
    with pytest.raises(InputError) as refused:
        import_docx(text, report, till=till)
    assert str(refused.value) == f"{report}: --till {till}: {message}"
    assert report.read_text(encoding="utf-8") == REPORT


def test_the_command_writes_the_story_and_says_what_it_did(tmp_path: Path,
                                                           report: Path) -> None:
    """`slutrapport import` prints the change, the file written and its backup."""
    text = word(tmp_path, p("Vindeln har fått fler företag."))
    run = CliRunner().invoke(main, ["import", str(text), str(report), "--till",
                                    "kommuner.vindeln"])
    assert run.exit_code == 0, run.output
    assert run.stdout == (
        f"{report}: ändrades:\n  kommuner.kommuner[1].text (rad 32): 1 stycke → 1 stycke\n"
        f"Skrev {report}.\n"
        f"Originalet finns kvar som {report}.bak.\n"
        f"Kontrollera med: slutrapport check {report}\n")
    assert run.stderr == ""


def test_the_command_without_a_data_file_prints_the_markdown(tmp_path: Path) -> None:
    """Without FIL the Markdown goes to stdout and the notes to stderr."""
    text = word(tmp_path, p("Rubrik", "Rubrik1") + p("Text med *stjärna*."))
    run = CliRunner().invoke(main, ["import", str(text)])
    assert run.exit_code == 0, run.output
    assert run.stdout == "**Rubrik**\n\nText med \\*stjärna\\*.\n"
    assert run.stderr == (
        f"{text}: 1 sak att se över:\n  stycke 1 (”Rubrik”): Rubriken ”Rubrik” blir en rad i "
        "fetstil: löptexten har inga rubriker. [import-rubrik]\n")


def test_the_command_refuses_tracked_changes_with_exit_1(tmp_path: Path,
                                                        report: Path) -> None:
    """Tracked changes stop the command (exit 1) with the list, and nothing is written."""
    body = p(runs='<w:ins w:id="1" w:author="Anna" w:date="2024-03-01T14:02:00Z">'
             + r("Nytt.") + "</w:ins>")
    text = word(tmp_path, body)
    run = CliRunner().invoke(main, ["import", str(text), str(report), "--till", "inledning"])
    assert run.exit_code == 1
    assert run.stderr == (
        f"Stoppad: {text} har 1 spårad ändring som ingen har tagit ställning till; inget "
        "fördes in:\n  stycke 1 (”Nytt.”): Anna lade till ”Nytt.” (2024-03-01 14:02)\n"
        "Godta alla ändringar med --godta-andringar eller förkasta dem med --forkasta-andringar "
        "(kommentarerna tas bort i båda fallen), eller gör det i Word och spara filen igen.\n")
    assert report.read_text(encoding="utf-8") == REPORT
    accepted = CliRunner().invoke(main, ["import", str(text), "--godta-andringar"])
    assert accepted.exit_code == 0
    assert accepted.stdout == "Nytt.\n"
    assert accepted.stderr == ("Godtogs (--godta-andringar):\n  stycke 1 (”Nytt.”): Anna lade "
                               "till ”Nytt.” (2024-03-01 14:02)\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--godta-andringar", "--forkasta-andringar"],
     "Välj en av --godta-andringar och --forkasta-andringar."),
    (["--till", "inledning"],
     "--till anger en text i en datafil; ange datafilen (FIL.yaml) efter Word-filen."),
])
def test_the_command_refuses_contradicting_options(tmp_path: Path, args: list[str],
                                                   message: str) -> None:
    """Both choices at once, or a target without a data file, is a usage error (exit 2)."""
    text = word(tmp_path, p("Text."))
    run = CliRunner().invoke(main, ["import", str(text), *args])
    assert run.exit_code == 2
    assert run.stderr.splitlines()[-1] == f"Fel: {message}"


def test_a_file_with_windows_line_endings_keeps_them(tmp_path: Path, report: Path) -> None:
    """A data file written with CRLF gets the new text with CRLF too, every other byte kept."""
    report.write_bytes(REPORT.replace("\n", "\r\n").encode("utf-8"))
    text = word(tmp_path, p("Ett.") + p("Två."))
    import_docx(text, report, till="kommuner.Robertsfors")
    assert report.read_bytes().decode("utf-8") == REPORT.replace(
        "        text: Gammal berättelse.  # från förra året\n",
        "        text: |- # från förra året\n          Ett.\n\n          Två.\n",
    ).replace("\n", "\r\n")


def test_a_text_within_braces_is_written_on_one_line(tmp_path: Path, report: Path) -> None:
    """A story written inside { } is replaced by a double-quoted text on the same line."""
    report.write_text(REPORT.replace(
        "      - namn: Vindeln\n        text: |-\n          Vindelns text.\n",
        "      - {namn: Vindeln, text: Vindelns text.}\n"), encoding="utf-8")
    text = word(tmp_path, p("Ett ”citat”.") + p("Två."))
    import_docx(text, report, till="kommuner.Vindeln")
    assert report.read_text(encoding="utf-8") == REPORT.replace(
        "      - namn: Vindeln\n        text: |-\n          Vindelns text.\n",
        '      - {namn: Vindeln, text: "Ett ”citat”.\\n\\nTvå."}\n')


def test_a_text_shared_through_an_alias_is_not_written(tmp_path: Path, report: Path) -> None:
    """A story that is an anchor's value used again through an alias is refused, unchanged."""
    shared = REPORT.replace("        text: Gammal berättelse.  # från förra året\n",
                            "        text: &samma Gammal berättelse.\n").replace(
        "        text: |-\n          Vindelns text.\n", "        text: *samma\n")
    report.write_text(shared, encoding="utf-8")
    text = word(tmp_path, p("Ny."))
    with pytest.raises(InputError) as refused:
        import_docx(text, report, till="kommuner.Vindeln")
    assert str(refused.value) == (
        f"{report}: kommuner.kommuner[1].text står med ett ankare eller alias (&namn, *namn) "
        "eller en tagg (!!…) i filen, och import skriver inte över det; skriv ut värdet och kör "
        "import igen")
    assert report.read_text(encoding="utf-8") == shared


def test_shares_link_to_shares_and_a_figure_of_two_places_is_not_linked(
        tmp_path: Path) -> None:
    """A number with % links only to a share (a table's per cent column); a number two figures
    of the section have, with no word naming one, is noted instead of linked."""
    path = tmp_path / "rapport.yaml"
    path.write_text("""\
projekt: {namn: Prov, kortnamn: P, period: {fran: "2023", till: "2026"}}
avsnitt:
  - typ: tabell
    id: per_kommun
    rubrik: Företag per kommun
    kolumner:
      - {rubrik: Kommun, typ: text}
      - {rubrik: Företag, typ: antal}
      - {rubrik: Besök, typ: antal}
      - {rubrik: Andel, typ: procent}
    rader:
      - [Robertsfors, 40, 40, 40]
      - [Vindeln, 60, 15, 60]
""", encoding="utf-8")
    text = word(tmp_path, p("Vindeln hade 60,0 % av företagen; 40 av dem låg i Robertsfors."))
    result = import_docx(text, path, till="per_kommun.text")
    assert result.markdown == ("Vindeln hade [60,0 %](tal:rader[1][3]) av företagen; 40 av "
                               "dem låg i Robertsfors.")
    assert result.notes == [Note(
        "import-tal", "stycke 1 (”Vindeln hade 60,0 % av företagen; 40 av…”)",
        "Talet 40 finns på flera ställen i avsnittets data (rader[0][1], rader[0][2]); det blir "
        "ingen tallänk. Skriv den själv: [talet](tal:sökväg).")]


def test_sub_sections_and_points_the_text_does_not_replace_are_said_to_stay(
        tmp_path: Path, report: Path) -> None:
    """A text without headings into a text section replaces its text only; the sub-sections
    and bullet points that stay are named among the changes."""
    report.write_text(REPORT.replace("    delavsnitt:\n", "    punkter: [Ett, Två]\n"
                                                          "    delavsnitt:\n"), encoding="utf-8")
    text = word(tmp_path, p("Bara text."))
    result = import_docx(text, report, till="inledning", dry_run=True)
    assert result.changes == ["inledning.text (rad 11): 1 stycke → 1 stycke",
                              "inledning.delavsnitt: ”Gammalt” lämnas som de är",
                              "inledning.punkter: 2 punkter efter texten lämnas som de är"]


def test_a_heading_above_all_others_at_the_top_is_taken_as_the_texts_own(
        tmp_path: Path, report: Path) -> None:
    """A first heading that no other heading stands above is the text's own, even when it is
    worded otherwise than in the data: it is left out, and the note names both."""
    text = word(tmp_path, p("Berättelse från Robertsfors kommun", "Rubrik") + p("Text.")
                + p("Företagen", "Rubrik1") + p("Mer text."))
    result = import_docx(text, report, till="kommuner.Robertsfors", dry_run=True)
    assert result.markdown == "Text.\n\n**Företagen**\n\nMer text."
    assert result.notes == [
        Note("import-rubrik", "stycke 1 (”Berättelse från Robertsfors kommun”)",
             "Rubriken ”Berättelse från Robertsfors kommun” står överst i Word-filen och tas "
             "som textens egen rubrik, som i rapporten är ”Robertsfors”; ändra den i datafilen "
             "om Word-filens ska gälla."),
        Note("import-rubrik", "stycke 3 (”Företagen”)", "Rubriken ”Företagen” blir en rad i "
             "fetstil: texten har inga delavsnitt."),
    ]
