"""A Word text to import is untrusted input: hostile files are refused whole (exit 2), and a
file LibreOffice has opened and saved again reads as the original did."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from slutrapport.cli import main
from slutrapport.office import find_soffice
from slutrapport.wordimport import import_docx
from tests.wordimport_docx import abstract, docx, num, numbering, p, r

IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def refused(path: Path) -> tuple[int, str]:
    run = CliRunner().invoke(main, ["import", str(path)])
    return run.exit_code, run.stderr


def replaced(data: bytes, name: str, new: bytes) -> bytes:
    """The .docx with one part's bytes replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w",
                                                                  zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, new if info.filename == name else src.read(info))
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    """A part that unpacks to more than 100 MB (from about 100 kB) is refused, exit 2."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx(p("Text.")))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("word/media/bomb.bin", "w", force_zip64=True) as part:
        chunk = b"\0" * (1 << 20)
        for _ in range(101):
            part.write(chunk)
    assert refused(path) == (2, f"Fel i indata: {path}: Word-filens del word/media/bomb.bin "
                                "blir 106 MB uppackad, mer än gränsen 100 MB för en del; filen "
                                "läses inte\n")


def test_a_picture_fetched_from_outside_is_refused(tmp_path: Path) -> None:
    """A relationship to an outside address that is not a link (a picture Word or LibreOffice
    would fetch) is refused, exit 2; nothing is fetched."""
    rels = (f'<Relationship Id="rIdX" Type="{IMAGE}" Target="http://127.0.0.1:9/spår.png" '
            'TargetMode="External"/>')
    path = tmp_path / "extern.docx"
    path.write_bytes(docx(p("Text."), rels=rels))
    assert refused(path) == (
        2, f"Fel i indata: {path}: Word-filens del word/_rels/document.xml.rels hänvisar till "
           "adressen http://127.0.0.1:9/spår.png, som Word eller LibreOffice skulle hämta när "
           "filen öppnas (bara länkar får peka utanför dokumentet; bädda in bilden eller "
           "objektet i Word och spara igen); filen läses inte\n")


def test_a_part_with_a_dtd_is_refused(tmp_path: Path) -> None:
    """A DTD (which could pull in other files through entities) is refused, exit 2."""
    data = docx(p("Text."))
    document = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
                b'"file:///etc/passwd">]><w:document xmlns:w="http://schemas.openxmlformats.org/'
                b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>'
                b"</w:body></w:document>")
    path = tmp_path / "dtd.docx"
    path.write_bytes(replaced(data, "word/document.xml", document))
    assert refused(path) == (
        2, f"Fel i indata: {path}: Word-filens del word/document.xml har en DTD (<!DOCTYPE …>), "
           "som Word-filer aldrig har och som kan hämta in andra filer; filen läses inte\n")


def test_nesting_deeper_than_any_word_document_is_refused(tmp_path: Path) -> None:
    """Elements nested hundreds of levels deep are refused, exit 2, not walked."""
    deep = "<w:sdt><w:sdtContent>" * 200 + p("Djupt.") + "</w:sdtContent></w:sdt>" * 200
    path = tmp_path / "djup.docx"
    path.write_bytes(docx(deep))
    assert refused(path) == (
        2, f"Fel i indata: {path}: Word-filens del word/document.xml har element nästlade i fler "
           "än 256 nivåer, mer än ett Word-dokument har; filen läses inte\n")


def test_a_file_that_is_no_word_file_is_refused(tmp_path: Path) -> None:
    """A file that is no zip at all is refused, exit 2, with what it is not."""
    path = tmp_path / "text.docx"
    path.write_text("Det här är ingen Word-fil.", encoding="utf-8")
    assert refused(path) == (2, f"Fel i indata: {path}: Word-filen kan inte läsas som ett "
                                "Word-dokument (zip-arkivet är skadat)\n")


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) saknas här")
def test_a_text_saved_again_by_libreoffice_reads_the_same(tmp_path: Path) -> None:
    """LibreOffice's own save of a Word text (its styles, its numbering definitions, the tracked
    change kept) gives the same Markdown and the same changes as the original."""
    defs = numbering(abstract(0, (0, "decimal", 1), (1, "bullet", 1)),
                     abstract(1, (0, "bullet", 1)), num(1, 0), num(2, 0, {0: 1}), num(4, 1))
    styles = ('<w:style w:type="paragraph" w:customStyle="1" w:styleId="MinRubrik">'
              '<w:name w:val="Min rubrik"/><w:basedOn w:val="Rubrik2"/></w:style>')
    rels = ('<Relationship Id="rIdL" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/hyperlink" Target="https://nis.se/" TargetMode="External"/>')
    body = (p("Robertsfors", "Rubrik1")
            + p(runs=r("Vi besökte ") + r("fö", "<w:b/>") + r("retag", "<w:b/>") + r(" i ")
                + r("Robertsfors", "<w:i/>") + r(" – se ") + '<w:hyperlink r:id="rIdL">'
                + r("sidan") + "</w:hyperlink>" + r(".") + "<w:r><w:br/></w:r>"
                + r("Ny rad med\u00a0hårt blanksteg och ”citat”."))
            + p("Detaljer", "MinRubrik") + p("ett", num=(1, 0)) + p("två", num=(1, 0))
            + p("under", num=(1, 1)) + p("Mellan.") + p("tre", num=(1, 0))
            + p("ett igen", num=(2, 0)) + p("Sist.") + p("punkt", num=(4, 0))
            + p(runs=r("Vi gjorde ")
                + '<w:del w:id="1" w:author="Anna Berg" w:date="2024-03-01T14:02:00Z"><w:r>'
                + "<w:delText>260</w:delText></w:r></w:del>"
                + '<w:ins w:id="2" w:author="Anna Berg" w:date="2024-03-01T14:02:00Z">'
                + r("259") + "</w:ins>" + r(" besök.")))
    original = tmp_path / "text.docx"
    original.write_bytes(docx(body, styles=styles, numbering_xml=defs, rels=rels))
    soffice = find_soffice()
    assert soffice is not None
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless",
                    "--convert-to", "docx", "--outdir", str(tmp_path / "sparad"),
                    str(original)], check=True, capture_output=True, timeout=120)
    saved = tmp_path / "sparad" / "text.docx"
    assert saved.read_bytes() != original.read_bytes()
    expected = ("**Robertsfors**\n\nVi besökte **företag** i *Robertsfors* – se "
                "[sidan](https://nis.se/).\nNy rad med\u00a0hårt blanksteg och ”citat”.\n\n"
                "**Detaljer**\n\n1. ett\n2. två\n   - under\n\nMellan.\n\n3. tre\n1) ett igen"
                "\n\nSist.\n\n- punkt\n\nVi gjorde 259 besök.")
    for path in (original, saved):
        result = import_docx(path, mode="accept")
        assert result.markdown == expected
        assert [(c.kind, c.author, c.text) for c in result.revisions] == [
            ("del", "Anna Berg", "260"), ("ins", "Anna Berg", "259")]


def test_a_missing_word_file_or_a_folder_is_named_as_such(tmp_path: Path) -> None:
    """A Word file that isn't there, or is a folder, is refused (exit 2) saying so."""
    assert refused(tmp_path / "saknas.docx") == (
        2, f"Fel i indata: {tmp_path / 'saknas.docx'}: filen finns inte\n")
    assert refused(tmp_path) == (2, f"Fel i indata: {tmp_path}: är en mapp; ange Word-filen "
                                    "(.docx)\n")
