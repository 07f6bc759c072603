"""Pictures in the text and on the title page: the files read safely, the check's findings, the
placing in Word (caption, alt text, reference) and in the PDF, and nothing fetched."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from lxml import etree

from slutrapport import load, office
from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.document import render_bytes
from slutrapport.emblem import BLUE, emblem_png
from slutrapport.fields_word import bookmark_name
from slutrapport.loader import from_data
from slutrapport.pictures import PictureError, read_picture, size_px
from tests.docxread import outline, parts
from tests.wordxml import PROJEKT, document, fields

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NIS70 = FIXTURES / "nis70.yaml"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
NBSP = "\u00a0"


def png(width: int, height: int) -> bytes:
    """A real PNG of the given size, grey (the header is what the checks read)."""
    raw = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def huge_png_header(width: int, height: int) -> bytes:
    """The first bytes of a PNG claiming a size, without pixels behind them."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
            + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder with a picture folder: a good PNG, a JPEG header, text named .png, an SVG,
    a picture claiming 10 000 × 6 000 pixels, a 21 MB file, a sub-folder and a pipe named like
    pictures.
    """
    pics = tmp_path / "bilder"
    pics.mkdir()
    (pics / "bra.png").write_bytes(png(40, 20))
    (pics / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00"
                                    b"\x01\x00\x00\xff\xc0\x00\x11\x08\x00\x30\x00\x40\x03"
                                    b"\x01\x22\x00\x02\x11\x01\x03\x11\x01")
    (pics / "text.png").write_text("inte en bild", encoding="utf-8")
    (pics / "ritning.svg").write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/'
                                      '2000/svg" width="10" height="10"/>', encoding="utf-8")
    (pics / "jatte.png").write_bytes(huge_png_header(10_000, 6_000))
    with (pics / "stor.png").open("wb") as big:
        big.truncate(21 * 1024 * 1024)
    (pics / "mapp.png").mkdir()
    os.mkfifo(pics / "ror.png")
    (tmp_path.parent / "utanfor.png").write_bytes(png(4, 4))
    return tmp_path


def test_png_and_jpeg_are_read_with_their_size_in_pixels(folder: Path) -> None:
    """A PNG's and a JPEG's kind and size come from their headers."""
    got = [read_picture(name, folder) for name in ("bilder/bra.png", "bilder/foto.jpg")]
    assert [(p.kind, p.width_px, p.height_px, p.content_type) for p in got] == [
        ("png", 40, 20, "image/png"), ("jpeg", 64, 48, "image/jpeg")]


def test_a_finding_about_a_picture_points_at_the_line_of_the_picture_in_its_text(
        folder: Path) -> None:
    """Each class of picture finding (a file missing, too large, of an unknown format, an SVG, a
    wrong attribute, no alternative text) stands at the line of the picture's own reference in a
    '|' text; a text written on one line, or folded ('>'), at the text's line."""
    data = folder / "r.yaml"
    data.write_text(
        "projekt:\n  namn: Prov\n  kortnamn: P\n  period: {fran: '2023', till: '2026'}\n"
        "avsnitt:\n  - typ: text\n    id: inledning\n    rubrik: Inledning\n    text: |-\n"
        "      Se kartan.\n\n"                                   # 10, 11
        "      ![Saknas](bilder/saknas.png)\n\n"                 # 12
        "      ![Stor](bilder/stor.png)\n\n"                     # 14
        "      ![Text](bilder/text.png)\n\n"                     # 16
        "      ![Ritning](bilder/ritning.svg)\n\n"               # 18
        "      Ett stycke\n      på två rader.\n\n"             # 20, 21
        "      ![Bred](bilder/bra.png){bredd=80cm}\n\n"          # 23
        "      ![](bilder/bra.png)\n"                             # 25
        "  - typ: text\n    id: kort\n    rubrik: Kort\n"
        "    text: '![](bilder/foto.jpg)'\n"                      # 29
        "  - typ: text\n    id: vikt\n    rubrik: Vikt\n    text: >-\n"  # 33
        "      Först.\n\n\n      ![Saknas](bilder/borta.png)\n", encoding="utf-8")
    report = load(data)
    assert [(f.line, f.code, f.path, f.message) for f in check(report)
            if f.code.startswith("bild") and f.severity != "info"] == [
        (12, "bild-fil", "inledning.text", "Bilden kan inte användas: bilden bilder/saknas.png "
         f"finns inte (sökt i {folder / 'bilder'})."),
        (14, "bild-fil", "inledning.text", f"Bilden kan inte användas: bilden bilder/stor.png är "
         f"för stor (21,0{NBSP}MB); en bild får vara högst 20,0{NBSP}MB."),
        (16, "bild-fil", "inledning.text", "Bilden kan inte användas: bilden bilder/text.png är "
         "ingen PNG- eller JPEG-bild."),
        (18, "bild-fil", "inledning.text", "Bilden kan inte användas: bilden bilder/ritning.svg "
         "är en SVG-bild, som inte stöds än; spara den som PNG (i bildens eget program eller "
         "med Exportera i LibreOffice Draw)."),
        (23, "bild-attribut", "inledning.text", "Bilden bilder/bra.png: bredden bredd=80cm ska "
         "vara mellan 0,5 och 50 cm."),
        (33, "bild-fil", "vikt.text", "Bilden kan inte användas: bilden "
         f"bilder/borta.png finns inte (sökt i {folder / 'bilder'}; menade du bilder/bra.png?)."),
        (25, "bild-alt", "inledning.text", "Bilden bilder/bra.png saknar alternativtext, som en "
         "skärmläsare läser upp i stället för bilden: skriv den inom hakparentesen, ![Så här ser "
         "bilden ut](…)."),
        (29, "bild-alt", "kort.text", "Bilden bilder/foto.jpg saknar alternativtext, som "
         "en skärmläsare läser upp i stället för bilden: skriv den inom hakparentesen, ![Så här "
         "ser bilden ut](…)."),
    ]


@pytest.mark.parametrize(("src", "message"), [
    ("bilder/saknas.png", "bilden bilder/saknas.png finns inte (sökt i {folder}/bilder)"),
    ("bilder/fotot.jpg", "bilden bilder/fotot.jpg finns inte (sökt i {folder}/bilder; menade du "
                         "bilder/foto.jpg?)"),
    ("bilder/brak.png", "bilden bilder/brak.png finns inte (sökt i {folder}/bilder; menade du "
                        "bilder/bra.png?)"),
    # only '.png' and a letter in common with stor.png: no suggestion (an outside review)
    ("bilder/vikt.png", "bilden bilder/vikt.png finns inte (sökt i {folder}/bilder)"),
    ("bild/bra.png", "bilden bild/bra.png finns inte (mappen {folder}/bild finns inte; menade "
                     "du bilder/bra.png?)"),
    ("Bilder/Bra.png", "bilden Bilder/Bra.png finns inte (mappen {folder}/Bilder finns inte; "
                       "menade du bilder/bra.png?)"),
    ("ritningar/bra.png", "bilden ritningar/bra.png finns inte (mappen {folder}/ritningar finns "
                          "inte)"),
    ("bilder/mapp.png", "bilden bilder/mapp.png är en mapp, inte en bildfil"),
    ("bilder/ror.png", "bilden bilder/ror.png är ingen vanlig fil"),
    ("bilder/text.png", "bilden bilder/text.png är ingen PNG- eller JPEG-bild"),
    ("bilder/ritning.svg", "bilden bilder/ritning.svg är en SVG-bild, som inte stöds än; spara "
     "den som PNG (i bildens eget program eller med Exportera i LibreOffice Draw)"),
    ("bilder/stor.png", f"bilden bilder/stor.png är för stor (21,0{NBSP}MB); en bild får vara "
                        f"högst 20,0{NBSP}MB"),
    ("bilder/jatte.png", f"bilden bilder/jatte.png har för många bildpunkter (10000 × 6000, "
                         f"60{NBSP}megapixel); en bild får ha högst 50{NBSP}megapixel"),
    ("https://example.com/karta.png", "bilden https://example.com/karta.png är en webbadress; en "
     "bild ska vara en fil bredvid datafilen (verktyget hämtar ingenting från nätet)"),
    ("//example.com/karta.png", "bilden //example.com/karta.png är en webbadress; en bild ska "
     "vara en fil bredvid datafilen (verktyget hämtar ingenting från nätet)"),
    ("/etc/karta.png", "bilden /etc/karta.png anges med en absolut sökväg; ange den relativt "
                       "datafilens mapp, t.ex. bilder/karta.png"),
    ("../utanfor.png", "bilden ../utanfor.png ligger utanför datafilens mapp {folder}"),
    ("", "bilden saknar fil: skriv filens namn inom parentesen, t.ex. "
         "![Alternativtext](bilder/karta.png)"),
])
def test_each_kind_of_unusable_picture_has_its_swedish_message(folder: Path, src: str,
                                                               message: str) -> None:
    """A missing file (with the nearest name beside it, or a missing folder), a folder, a pipe,
    a non-picture, an SVG, a file over 20 MB or 50 megapixels, an address, an absolute path, a
    path out of the folder and no file at all: each says what is wrong."""
    with pytest.raises(PictureError) as caught:
        read_picture(src, folder)
    assert str(caught.value) == message.format(folder=folder)


def test_a_header_that_does_not_give_a_size_is_no_picture() -> None:
    """A PNG cut inside its header and a JPEG without a frame header give no size."""
    assert [size_px(b"\x89PNG\r\n\x1a\n\x00\x00"), size_px(b"\xff\xd8\xff\xda\x00\x02")] == [
        None, None]


def _report(folder: Path, text: str, logos: list[dict[str, str]] | None = None) -> Any:
    intro = {"typ": "text", "id": "inledning", "rubrik": "Inledning", "text": text}
    projekt = {**PROJEKT, "logotyper": logos or []}
    return from_data({"projekt": projekt, "avsnitt": [intro]}, source=str(folder / "r.yaml"))


def _picture_findings(report: Any) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.severity, f.path, f.message) for f in check(report)
            if f.code.startswith("bild")]


def test_check_lists_the_pictures_and_finds_each_problem(folder: Path) -> None:
    """check lists each picture it will use (info), warns of one without alternative text, and
    gives an error for a file it can't use, a logo too, and for a wrong attribute."""
    text = ("![Karta](bilder/bra.png \"Kommunerna\"){bredd=8cm}\n\n"
            "![](bilder/foto.jpg)\n\n"
            "![Trasig](bilder/text.png \"Trasig\")\n\n"
            "![Bred](bilder/bra.png){bredd=80cm hoger}")
    report = _report(folder, text, [{"fil": "bilder/saknas.png", "text": "Kommunen"}])
    assert _picture_findings(report) == [
        ("bild-attribut", "error", "inledning.text", "Bilden bilder/bra.png: bredden "
         "bredd=80cm ska vara mellan 0,5 och 50 cm."),
        ("bild-attribut", "error", "inledning.text", "Bilden bilder/bra.png: hoger är inget "
         "attribut en bild kan ha (bredd=8cm, bredd=60% eller #namn)."),
        ("bild-fil", "error", "inledning.text", "Bilden kan inte användas: bilden "
         "bilder/text.png är ingen PNG- eller JPEG-bild."),
        ("bild-fil", "error", "projekt.logotyper[0].fil", "Bilden kan inte användas: bilden "
         f"bilder/saknas.png finns inte (sökt i {folder}/bilder)."),
        ("bild-alt", "warning", "inledning.text", "Bilden bilder/foto.jpg saknar "
         "alternativtext, som en skärmläsare läser upp i stället för bilden: skriv den inom "
         "hakparentesen, ![Så här ser bilden ut](…)."),
        ("bild", "info", "inledning.text", "Bilden bilder/bra.png (PNG, 40 × 20 bildpunkter) "
         "används."),
        ("bild", "info", "inledning.text", "Bilden bilder/foto.jpg (JPEG, 64 × 48 bildpunkter) "
         "används."),
        ("bild", "info", "inledning.text", "Bilden bilder/bra.png (PNG, 40 × 20 bildpunkter) "
         "används."),
    ]


@pytest.mark.parametrize(("src", "message"), [
    ("bilder/saknas.png", "bilden bilder/saknas.png finns inte (sökt i {folder}/bilder)"),
    ("bilder/stor.png", f"bilden bilder/stor.png är för stor (21,0{NBSP}MB); en bild får vara "
                        f"högst 20,0{NBSP}MB"),
    ("bilder/text.png", "bilden bilder/text.png är ingen PNG- eller JPEG-bild"),
    ("http://127.0.0.1:9/karta.png", "bilden http://127.0.0.1:9/karta.png är en webbadress; en "
     "bild ska vara en fil bredvid datafilen (verktyget hämtar ingenting från nätet)"),
])
def test_render_refuses_an_unusable_picture_with_file_line_and_field(
        folder: Path, src: str, message: str) -> None:
    """render lists the check's finding, then stops with exit 2 and the located Swedish
    message, never a traceback, and writes nothing."""
    data = folder / "r.yaml"
    data.write_text("projekt:\n  namn: Prov\n  kortnamn: P\n  period: {fran: '2023', till: "
                    "'2026'}\navsnitt:\n  - typ: text\n    id: inledning\n    rubrik: Inledning"
                    f"\n    text: |-\n      Se kartan.\n\n      ![Karta]({src} \"Karta\")\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(folder / "r.docx")])
    said = message.format(folder=folder)
    assert (result.exit_code, result.output) == (2, (
        f"{data}: 1 fel, 0 varningar, 0 upplysningar\n"
        "  FEL     rad 12   inledning.text  [bild-fil]\n"
        f"                   Bilden kan inte användas: {said}.\n"
        f"Fel i indata: {data}:12: inledning.text: {said}\n"))
    assert not (folder / "r.docx").exists()


def test_a_caption_under_a_picture_or_chart_is_centred_and_a_table_caption_is_not(
        folder: Path) -> None:
    """The captions under a centred picture and a centred chart are centred; a table's caption,
    above its table at the left margin, stays left (all in the Caption style)."""
    report = from_data({"projekt": PROJEKT, "avsnitt": [
        {"typ": "text", "id": "inledning", "rubrik": "Inledning",
         "text": '![Karta](bilder/bra.png "Kommunerna"){bredd=4cm}'},
        {"typ": "horisontella_kriterier", "rubrik": "Kriterier",
         "deltagare": {"kvinnor": 6, "totalt": 15}}]}, source=str(folder / "r.yaml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    captions = [("".join(t.text or "" for t in p.iter(f"{w}t")),
                 next((jc.get(f"{w}val") for jc in p.iterfind(f"{w}pPr/{w}jc")), None))
                for p in document(render_bytes(report)).iter(f"{w}p")
                if p.find(f"{w}pPr/{w}pStyle[@{w}val='Caption']") is not None]
    assert captions == [
        ("Bild 1: Kommunerna", "center"),
        ("Tabell 1: Deltagare i projektets aktiviteter efter kön", None),
        ("Diagram 1: Deltagare i projektets aktiviteter efter kön", "center"),
    ]


@pytest.fixture(scope="module")
def nis70_docx() -> bytes:
    return render_bytes(load(NIS70), charts=False)


def test_nis70_places_its_goal_tree_with_caption_alt_text_and_reference(
        nis70_docx: bytes) -> None:
    """The goal tree is in the document as its own PNG, with its alt text, the caption
    'Bild 1: Projektets målträd', and the text's reference reads 'Bild 1'."""
    root = document(nis70_docx)
    drawn = {d.get("name"): d.get("descr") for d in root.iter(f"{WP}docPr")}
    tree = load(NIS70).section("arbetssatt").text  # type: ignore[union-attr]
    alt = re.search(r"!\[([^\]]*)\]", tree).group(1)  # type: ignore[union-attr]
    assert drawn["bild.maltrad"] == alt
    media = [data for name, data in parts(nis70_docx).items() if name.startswith("word/media/")]
    assert (FIXTURES / "bilder" / "nis70-maltrad.png").read_bytes() in media
    lines = outline(nis70_docx).splitlines()
    at = lines.index("[Caption] Bild 1: Projektets målträd")
    assert lines[at - 2:at + 1] == [
        "[BodyText] Planeringen utgick från projektets målträd (Bild 1), som styrgruppen tog "
        "fram vid projektets start och som visar hur varje aktivitet leder mot ett av de tre "
        "projektmålen:", "[Figur]", "[Caption] Bild 1: Projektets målträd"]
    assert [(instr, result) for instr, result in fields(root) if "bild" in instr.lower()] == [
        (f"REF {bookmark_name('bild.maltrad')} \\h", "Bild 1"), ("SEQ Bild \\* ARABIC", "1")]


def test_nis70_title_page_has_emblem_statement_logos_and_case_number(nis70_docx: bytes) -> None:
    """Before the title: the EU emblem beside 'Medfinansieras av Europeiska unionen', then the
    three logos in one paragraph; the facts start with the case number, which is also the
    document's identifier."""
    root = document(nis70_docx)
    names = [(d.get("descr")) for d in root.iter(f"{WP}docPr")]
    assert names[:4] == ["EU-emblemet", "NIS 7.0", "Vännäs kommun, projektägare",
                         "Region Västerbotten"]
    lines = outline(nis70_docx).splitlines()
    assert lines[:6] == [
        "|  | Medfinansieras av Europeiska unionen |",
        "[Eftertabell]",
        "[Logotyper]",  # the three logos, em spaces between (a line ends without them)
        "[Title] Slutrapport",
        "[Subtitle] Näringsliv i samverkan 7.0",
        "[Subtitle] NIS 7.0 · januari 2023–juni 2026",
    ]
    assert "| Ärendenummer | 20302741 |" in lines
    core = etree.fromstring(parts(nis70_docx)["docProps/core.xml"])
    ident = core.find("{http://purl.org/dc/elements/1.1/}identifier")
    assert ident is not None and ident.text == "20302741"


def test_the_emblem_is_drawn_to_the_eu_construction() -> None:
    """3:2, blue, with twelve gold stars on a circle of a third of the height: the pixel at the
    centre and at the middle of the ring's gap are blue, the top star's centre is gold."""
    data = emblem_png(180)
    assert size_px(data) == ("png", 270, 180)
    pixels = _pixels(data)
    # the centre; the top star's centre (90 - 180/3 = 30); the ring halfway between the top
    # star and the next (15° round: 135 + 60·sin 15°, 90 - 60·cos 15°)
    assert [pixels[90][135], pixels[30][135], pixels[32][150]] == [BLUE, (255, 204, 0), BLUE]


def _pixels(data: bytes) -> list[list[tuple[int, int, int]]]:
    """An 8-bit RGB PNG without filters (as emblem_png writes it) as rows of pixels."""
    width, height = struct.unpack(">II", data[16:24])
    idat = b""
    i = 8
    while i < len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        if data[i + 4:i + 8] == b"IDAT":
            idat += data[i + 8:i + 8 + length]
        i += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 3 * width
    return [[tuple(raw[r * stride + 1 + 3 * c:r * stride + 4 + 3 * c])  # type: ignore[misc]
             for c in range(width)] for r in range(height)]


def test_an_outline_writes_the_eu_mark_of_its_programme_period() -> None:
    """'new --disposition nis' gives the 2014–2020 flag, the 2021–2027 outline the emblem."""
    from slutrapport.scaffold import skeleton

    assert [re.search(r'eu_markering: "([^"]+)"', skeleton(name, 2026)).group(1)  # type: ignore[union-attr]
            for name in ("nis", "2021-2027")] == ["2014-2020", "2021-2027"]


def test_new_from_carries_the_pictures_and_marks_them(tmp_path: Path) -> None:
    """The next report's text keeps the picture after the text to write, and marks it."""
    from slutrapport.scaffold import from_previous

    text = from_previous(NIS70)
    shutil.copytree(FIXTURES / "bilder", tmp_path / "bilder")
    (tmp_path / "NY.yaml").write_text(text, encoding="utf-8")
    report = load(tmp_path / "NY.yaml")
    section = report.section("arbetssatt")
    assert section.text.split("\n\n")[0] == "…"  # type: ignore[union-attr]
    assert "](bilder/nis70-maltrad.png \"Projektets målträd\"){#maltrad}" in \
        section.text  # type: ignore[union-attr]
    assert "arbetssatt.text" in report.granska
    assert sorted(f.code for f in check(report) if f.path == "arbetssatt.text") == [
        "bild", "ej-ifyllt", "granska"]


# --- the PDF ----------------------------------------------------------------------------------

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png(4, 4))

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A local HTTP server that counts the requests it gets."""
    _Counter.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.libreoffice
@needs_office
def test_nis70_pdf_has_its_pictures_and_the_emblem_blue_on_the_title_page(
        tmp_path: Path, server: str) -> None:
    """pdfimages finds the emblem, the three logos and the goal tree; the title page at 40 dpi
    is the emblem's blue where the template puts it (top left); LibreOffice fetched nothing,
    though the website, a picture's address and a link point at a server that counts."""
    source = NIS70.read_text(encoding="utf-8").replace(
        "webbplats: https://www.nis70.se/", f"webbplats: {server}/webbplats")
    source = source.replace("Planeringen utgick", f"[Planeringen]({server}/lank) utgick")
    shutil.copytree(FIXTURES / "bilder", tmp_path / "bilder")
    (tmp_path / "nis70.yaml").write_text(source, encoding="utf-8")
    pdf = tmp_path / "nis70.pdf"
    result = CliRunner().invoke(main, ["render", str(tmp_path / "nis70.yaml"), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    images = [(int(row.split()[0]), row.split()[2], int(row.split()[3]), int(row.split()[4]))
              for row in listed]
    assert [i for i in images if i[1] == "image"] == [
        (1, "image", 300, 200), (1, "image", 496, 165), (1, "image", 496, 165),
        (1, "image", 496, 165), (4, "image", 1259, 787)]
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(pdf),
                    str(tmp_path / "sida")], check=True)
    page = next(tmp_path.glob("sida*.png")).read_bytes()
    blue = _blue_share(page, (2.7, 2.6, 5.0, 4.0))
    assert blue > 0.7, blue
    assert _Counter.hits == []


def _blue_share(page_png: bytes, box_cm: tuple[float, float, float, float]) -> float:
    """The share of a box on a 40-dpi page that is close to the emblem's blue."""
    # pdftoppm writes RGB PNGs with filters: read through Pillow, which matplotlib brings
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(page_png)).convert("RGB")
    dots = 40 / 2.54
    left, top, right, bottom = (round(v * dots) for v in box_cm)
    inside = [image.getpixel((x, y)) for x in range(left, right) for y in range(top, bottom)]
    near = [p for p in inside if all(abs(a - b) < 40 for a, b in zip(p, BLUE, strict=True))]
    return len(near) / len(inside)


def test_render_fetches_no_picture_from_an_address(tmp_path: Path, server: str) -> None:
    """A picture and a logo at a server's address are refused before anything is made, and
    the server gets no request."""
    data = tmp_path / "r.yaml"
    data.write_text("projekt:\n  namn: Prov\n  kortnamn: P\n  period: {fran: '2023', till: "
                    f"'2026'}}\n  logotyper:\n    - fil: {server}/logo.png\n      text: Logo\n"
                    "avsnitt:\n  - typ: text\n    id: inledning\n    rubrik: Inledning\n"
                    f"    text: '![Karta]({server}/karta.png)'\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(data), "-o", str(tmp_path / "r.pdf")])
    why = "är en webbadress; en bild ska vara en fil bredvid datafilen (verktyget hämtar " \
          "ingenting från nätet)"
    assert (result.exit_code, result.output) == (2, (
        f"{data}: 2 fel, 0 varningar, 0 upplysningar\n"
        "  FEL     rad 6    projekt.logotyper[0].fil  [bild-fil]\n"
        f"                   Bilden kan inte användas: bilden {server}/logo.png {why}.\n"
        "  FEL     rad 12   inledning.text            [bild-fil]\n"
        f"                   Bilden kan inte användas: bilden {server}/karta.png {why}.\n"
        f"Fel i indata: {data}:6: projekt.logotyper[0].fil: bilden {server}/logo.png {why}\n"
        f"{data}:12: inledning.text: bilden {server}/karta.png {why}\n"))
    assert _Counter.hits == []
    assert os.listdir(tmp_path) == ["r.yaml"]


def test_a_list_of_pictures_follows_the_contents_where_the_data_names_its_heading(
        folder: Path) -> None:
    """rubriker.bildforteckning gives its heading and a list field of the 'Bild' captions."""
    report = _report(folder, '![Karta](bilder/bra.png "Kommunerna")')
    report.rubriker.bildforteckning = "Bilder"
    data = render_bytes(report, charts=False)
    lines = outline(data).splitlines()
    assert "[TOCHeading] Bilder" in lines
    assert [instr for instr, _ in fields(document(data)) if instr.startswith("TOC")] == [
        'TOC \\o "1-2" \\h \\z \\u', 'TOC \\h \\z \\c "Bild"']


def test_the_2014_2020_flag_has_its_two_lines_and_the_footer_repeats_them_if_asked(
        folder: Path) -> None:
    """eu_markering 2014-2020 gives the flag with the Union's and the fund's names; with
    eu_markering_sidfot the footer holds them too; without an EU mark there is neither."""
    def render(**projekt: Any) -> bytes:
        report = from_data({"projekt": {**PROJEKT, **projekt}, "avsnitt": []},
                           source=str(folder / "r.yaml"))
        return render_bytes(report, charts=False)

    def footer(data: bytes) -> list[str]:
        return [line for name, xml in parts(data).items() if name.startswith("word/footer")
                for line in _texts(xml)]

    flag = render(eu_markering="2014-2020", eu_markering_sidfot=True)
    none = render(eu_markering="ingen")
    assert outline(flag).splitlines()[:3] == [
        "|  | Europeiska unionen Europeiska regionala utvecklingsfonden |", "[Eftertabell]",
        "[Title] Slutrapport"]
    assert [d.get("descr") for d in document(flag).iter(f"{WP}docPr")] == ["EU-flaggan"]
    assert "Europeiska unionen, Europeiska regionala utvecklingsfonden" in footer(flag)
    assert outline(none).splitlines()[0] == "[Title] Slutrapport"
    assert not any("Europeiska" in line for line in footer(none))


def _texts(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in root.iter(f"{w}p")]
