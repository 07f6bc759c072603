"""A template must not reach outside, or over, anything (issue 11, section 2).

Each class of hostile template or output is refused with exit 2 and a whole Swedish message, and
nothing is written: a DTD in any encoding XML allows, a relationship LibreOffice would fetch (tested
against a listener on 127.0.0.1), a zip bomb, and an output that is the data, the template, a
device, a FIFO, a folder or a read-only file. Every template is built here (no binary files).
"""

from __future__ import annotations

import io
import os
import re
import socket
import struct
import threading
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport import office
from slutrapport.cli import main
from slutrapport.errors import OutputError, TemplateError
from slutrapport.rendering import check_template_file, render, render_bytes
from tests.docxread import parts

NBSP = "\u00a0"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT = {
    "bild": f"{R}/image",
    "ole-objekt": f"{R}/oleObject",
    "mall": f"{R}/attachedTemplate",
    "ram": f"{R}/frame",
    "underdokument": f"{R}/subDocument",
    "länk": f"{R}/hyperlink",
}
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


def make_template(folder: Path, *paragraphs: str, name: str = "mall.docx") -> Path:
    """A Word template with one paragraph per text, saved in folder."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = folder / name
    document.save(str(path))
    return path


def rewrite(template: Path, changes: dict[str, bytes | Callable[[bytes], bytes]]) -> Path:
    """The template with parts replaced (bytes), changed (a function of the old bytes) or added."""
    out = template.with_name("andrad.docx")
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            blob = source.read(name)
            change = changes.get(name)
            target.writestr(name, change(blob) if callable(change) else
                            change if change is not None else blob)
        for name, change in changes.items():
            if name not in source.namelist():
                assert isinstance(change, bytes)
                target.writestr(name, change)
    return out


def cli(*args: str) -> tuple[int, str, str]:
    """Run the command line in this process: exit code, stderr and stdout."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stderr, result.stdout


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    """An output file from an earlier run, which a refused render must leave as it is."""
    path = tmp_path / "rapport.docx"
    path.write_bytes(b"den tidigare rapporten")
    return path


def render_args(template: Path, output: Path) -> list[str]:
    return ["render", str(slutrapport.example_path("lappland20")), "--template", str(template),
            "-o", str(output), "--no-contents", "--no-charts", "-q"]


# --- a DTD, in any encoding XML allows -------------------------------------------------------

ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
             "iso-8859-1", "windows-1252"]


def with_dtd(xml: bytes, encoding: str, secret: Path) -> bytes:
    """The part re-encoded, with a DTD whose entity names a file, used right after the root tag."""
    text = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml.decode("utf-8"))
    root = re.match(r"<([\w:]+)", text)
    assert root is not None
    doctype = f'<!DOCTYPE {root.group(1)} [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
    text = re.sub(r"^(<[^>]*[^/]>)", r"\1&x;", text, count=1)
    declared = encoding.upper().replace("-LE", "LE").replace("-BE", "BE")
    return (f'<?xml version="1.0" encoding="{declared}"?>\n{doctype}{text}').encode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("part", ["word/document.xml", "docProps/app.xml"])
def test_a_dtd_in_any_encoding_is_refused_and_nothing_is_written(
    tmp_path: Path, earlier: Path, encoding: str, part: str
) -> None:
    """A DTD is found by parsing, so UTF-16 and UTF-32 parts hide none; exit 2, file untouched."""
    secret = tmp_path / "hemlig.txt"
    secret.write_text("HEMLIGT", encoding="utf-8")
    template = rewrite(make_template(tmp_path, "{{ projekt.namn }}"),
                       {part: lambda xml: with_dtd(xml, encoding, secret)})
    code, err, _ = cli(*render_args(template, earlier))
    assert (code, err) == (2, (
        f"Fel i mallen: {template}: mallens del {part} har en DTD (<!DOCTYPE …>), som "
        "Word-filer aldrig har och som kan hämta in andra filer; mallen används inte\n"))
    assert earlier.read_bytes() == b"den tidigare rapporten"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-32-be"])
def test_a_part_in_utf16_or_utf32_without_a_dtd_is_used(tmp_path: Path, encoding: str) -> None:
    """Another encoding is no reason to refuse: a part without a DTD passes in UTF-16 or UTF-32."""
    custom = ('<?xml version="1.0" encoding="{}"?><data xmlns="urn:x">Åsa</data>'
              .format(encoding.upper().replace("-BE", "BE")).encode(encoding))
    template = rewrite(make_template(tmp_path, "{{ projekt.namn }}"),
                       {"customXml/item1.xml": custom})
    check_template_file(template)  # no exception


@pytest.mark.parametrize("blob", [
    b"",
    b"Inte XML",
    "<?xml version='1.0' encoding='EBCDIC-US'?><a/>".encode("cp037"),
    b"<?xml version='1.0' encoding='x-okand'?><a/>",
], ids=["tom", "text", "ebcdic", "okand-kodning"])
def test_an_xml_part_that_cannot_be_read_is_refused(
    tmp_path: Path, earlier: Path, blob: bytes
) -> None:
    """A part declared XML that libxml2 can't read up to its root is refused: nothing is guessed."""
    template = rewrite(make_template(tmp_path, "Text"), {"docProps/app.xml": blob})
    code, err, _ = cli(*render_args(template, earlier))
    assert (code, err) == (2, (
        f"Fel i mallen: {template}: mallens del docProps/app.xml går inte att läsa som XML; "
        "mallen används inte\n"))
    assert earlier.read_bytes() == b"den tidigare rapporten"


# --- relationships LibreOffice would fetch ---------------------------------------------------

def add_relationship(rels: bytes | None, rid: str, kind: str, target: str) -> bytes:
    """A .rels part with one more relationship (external), or a new one if rels is None."""
    text = (rels.decode("utf-8") if rels is not None else
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
            "</Relationships>")
    extra = (f'<Relationship Id="{rid}" Type="{RT[kind]}" Target="{target}" '
             'TargetMode="External"/>')
    return text.replace("</Relationships>", extra + "</Relationships>").encode("utf-8")


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def linked_picture(folder: Path, address: str, kind: str = "bild") -> Path:
    """A template whose picture is linked (a:blip r:link) to address instead of embedded."""
    document = docx.Document()
    document.add_paragraph("Bilden nedan hämtas utifrån.")
    document.add_picture(io.BytesIO(png()))
    rid = document.part.relate_to(address, RT[kind], is_external=True)
    for blip in document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"):
        del blip.attrib[f"{{{R}}}embed"]
        blip.set(f"{{{R}}}link", rid)
    path = folder / "mall.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize(("kind", "rels"), [
    ("bild", "word/_rels/document.xml.rels"),
    ("ole-objekt", "word/_rels/document.xml.rels"),
    ("underdokument", "word/_rels/document.xml.rels"),
    ("mall", "word/_rels/settings.xml.rels"),
    ("ram", "word/_rels/webSettings.xml.rels"),
    ("bild", "word/_rels/footer1.xml.rels"),
])
def test_a_relationship_to_an_outside_address_is_refused_naming_part_and_address(
    tmp_path: Path, earlier: Path, kind: str, rels: str
) -> None:
    """A picture, OLE object, subdocument, attached template or frame from outside: exit 2."""
    address = f"http://127.0.0.1:9/{kind}"
    template = make_template(tmp_path, "Text")
    with zipfile.ZipFile(template) as source:
        old = source.read(rels) if rels in source.namelist() else None
    template = rewrite(template, {rels: add_relationship(old, "rIdUte", kind, address)})
    code, err, _ = cli(*render_args(template, earlier))
    assert (code, err) == (2, (
        f"Fel i mallen: {template}: mallens del {rels} hänvisar till adressen {address}, som "
        "LibreOffice skulle hämta när rapporten skrivs (bara länkar får peka utanför "
        "dokumentet; bädda in bilden eller objektet i mallen i stället); mallen används inte\n"))
    assert earlier.read_bytes() == b"den tidigare rapporten"


def test_a_hyperlink_used_as_a_picture_address_is_refused(tmp_path: Path, earlier: Path) -> None:
    """A hyperlink relationship named by a picture's r:link would be fetched too: exit 2."""
    address = "http://127.0.0.1:9/bild.png"
    template = linked_picture(tmp_path, address, kind="länk")
    code, err, _ = cli(*render_args(template, earlier))
    assert (code, err) == (2, (
        f"Fel i mallen: {template}: mallens del word/document.xml använder länken till "
        f"{address} (i word/_rels/document.xml.rels) som något annat än en länk (i <blip>), och "
        "då skulle LibreOffice hämta adressen när rapporten skrivs; mallen används inte\n"))
    assert earlier.read_bytes() == b"den tidigare rapporten"


def test_a_picture_address_the_template_writes_from_a_hyperlink_is_refused(
    tmp_path: Path
) -> None:
    """An r:link the template fills in as it renders is checked after rendering: refused."""
    address = "http://127.0.0.1:9/bild.png"
    template = linked_picture(tmp_path, address, kind="länk")
    with zipfile.ZipFile(template) as source:
        rid = re.search(rb'r:link="(\w+)"', source.read("word/document.xml"))
    assert rid is not None
    written = rid.group(1).decode()
    template = rewrite(template, {"word/document.xml": lambda xml: xml.replace(
        rid.group(0), b'r:link="{{ \'' + written[:2].encode() + b"' ~ '"
        + written[2:].encode() + b'\' }}"')})
    with pytest.raises(TemplateError) as refused:
        render_bytes(slutrapport.load(slutrapport.example_path("lappland20")),
                     template=template, charts=False)
    assert str(refused.value) == (
        f"{template}: mallens del word/document.xml använder länken till {address} (i "
        "word/_rels/document.xml.rels) som något annat än en länk (i <blip>), och då skulle "
        "LibreOffice hämta adressen när rapporten skrivs; mallen används inte")


def test_hyperlinks_to_outside_addresses_stay_allowed(tmp_path: Path) -> None:
    """A template with a hyperlink to a web page renders, the link kept as a link."""
    document = docx.Document()
    paragraph = document.add_paragraph("{{ projekt.namn }} ")
    rid = document.part.relate_to("https://example.org/om", RT["länk"], is_external=True)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    link = paragraph._p.makeelement(f"{w}hyperlink", {f"{{{R}}}id": rid})
    run = link.makeelement(f"{w}r", {})
    text = run.makeelement(f"{w}t", {})
    text.text = "Om projektet"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    template = tmp_path / "mall.docx"
    document.save(str(template))
    data = render_bytes(slutrapport.load(slutrapport.example_path("lappland20")),
                        template=template, charts=False)
    rels = parts(data)["word/_rels/document.xml.rels"].decode("utf-8")
    assert re.findall(r'Target="(https?://[^"]*)"', rels) == ["https://example.org/om"]


class Listener:
    """A socket on 127.0.0.1 that records the first line of every connection to it."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.requests: list[bytes] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    first = connection.recv(4096).split(b"\r\n")[0]
                except OSError:
                    first = b""
                self.requests.append(first)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.server.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    try:
        yield found
    finally:
        found.close()


@needs_office
@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["bild", "länk"])
@pytest.mark.parametrize("to", ["docx", "pdf"])
def test_libreoffice_would_fetch_a_linked_picture_but_the_render_refuses_first(
    tmp_path: Path, listener: Listener, kind: str, to: str
) -> None:
    """Opened by LibreOffice as it is, the template calls the listener; rendered, it never does."""
    file = {"bild": "bild.png", "länk": "lank.png"}[kind]
    address = f"http://127.0.0.1:{listener.port}/{file}"
    template = linked_picture(tmp_path, address, kind=kind)
    # Without the refusal: LibreOffice itself, given the template as a document, fetches it.
    office.run_office([template], [tmp_path / "direkt.pdf"], timeout=120)
    deadline = time.monotonic() + 5
    while not listener.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.requests[:1] in ([f"GET /{file} HTTP/1.1".encode()],
                                     [f"OPTIONS /{file} HTTP/1.1".encode()])
    listener.requests.clear()
    out = tmp_path / f"rapport.{to}"
    result = CliRunner().invoke(main, [
        "render", str(slutrapport.example_path("lappland20")), "--template", str(template),
        "-o", str(out), "--no-charts", "-q"])
    time.sleep(0.5)  # a fetch, had there been one, would have reached the listener by now
    assert (result.exit_code, listener.requests, out.exists()) == (2, [], False)
    if kind == "bild":
        why = (f"mallens del word/_rels/document.xml.rels hänvisar till adressen {address}, som "
               "LibreOffice skulle hämta när rapporten skrivs (bara länkar får peka utanför "
               "dokumentet; bädda in bilden eller objektet i mallen i stället); mallen används "
               "inte")
    else:
        why = (f"mallens del word/document.xml använder länken till {address} (i "
               "word/_rels/document.xml.rels) som något annat än en länk (i <blip>), och då "
               "skulle LibreOffice hämta adressen när rapporten skrivs; mallen används inte")
    assert result.stderr == f"Fel i mallen: {template}: {why}\n"


# --- zip bombs ---------------------------------------------------------------------------------

def _deflated_zeros(size: int) -> bytes:
    """A raw deflate stream of size zero bytes, made in a blink from one repeated block."""
    block = 1 << 20
    assert size % block == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = compressor.compress(bytes(block)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return chunk * (size // block) + b"\x03\x00"  # an empty final block ends the stream


def _crc_of_zeros(size: int) -> int:
    crc, block = 0, bytes(1 << 24)
    for _ in range(size // len(block)):
        crc = zlib.crc32(block, crc)
    return zlib.crc32(bytes(size % len(block)), crc)


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """Write a zip of (name, deflated bytes, size it declares, CRC) members, ZIP64 when needed.

    Written by hand so a member can declare any size: the true one (a bomb) or a lie.
    """
    out = io.BytesIO()
    central = []
    for name, data, size, crc in members:
        offset = out.tell()
        big = size >= 0xFFFFFFFF or len(data) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(data)) if big else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(data), size)
        encoded = name.encode("utf-8")
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, 0, 8, 0, 0x21, crc,
                              *sizes, len(encoded), len(extra)) + encoded + extra + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if big else 20, 0,
                                   8, 0, 0x21, crc, *sizes, len(encoded), len(extra), 0, 0, 0,
                                   0o644 << 16, offset) + encoded + extra)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                                      len(directory), start, 0))
    path.write_bytes(out.getvalue())
    return path


def with_members(template: Path, extra: list[tuple[str, bytes, int, int]]) -> Path:
    """The template's own parts, deflated, followed by extra members, as a hand-written zip."""
    members = []
    with zipfile.ZipFile(template) as source:
        for name in source.namelist():
            blob = source.read(name)
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            members.append((name, compressor.compress(blob) + compressor.flush(), len(blob),
                            zlib.crc32(blob)))
    return raw_zip(template.with_name("bomb.docx"), members + extra)


GB4 = 1 << 32


@pytest.fixture(scope="module")
def four_gb_of_zeros() -> tuple[bytes, int]:
    """4 GiB of zeros, deflated (4 MB), and their CRC."""
    return _deflated_zeros(GB4), _crc_of_zeros(GB4)


def test_a_part_of_4_gb_in_4_mb_is_refused_before_it_is_read(
    tmp_path: Path, earlier: Path, four_gb_of_zeros: tuple[bytes, int]
) -> None:
    """A true zip bomb (ZIP64, right CRC) is refused by its declared size, in little memory."""
    data, crc = four_gb_of_zeros
    template = with_members(make_template(tmp_path, "Text"),
                            [("word/bomb.xml", data, GB4, crc)])
    assert template.stat().st_size < 5_000_000
    tracemalloc.start()
    try:
        code, err, _ = cli(*render_args(template, earlier))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (code, err) == (2, (
        f"Fel i mallen: {template}: mallens del word/bomb.xml blir 4{NBSP}295 MB uppackad, mer "
        "än gränsen 100 MB för en del; mallen används inte\n"))
    assert peak < 50_000_000
    assert earlier.read_bytes() == b"den tidigare rapporten"


def test_parts_each_under_the_limit_but_together_over_it_are_refused(
    tmp_path: Path, earlier: Path
) -> None:
    """Three parts of 90 MB each pass one by one, but not together (250 MB): exit 2."""
    size = 90 * (1 << 20)  # 94.4 MB each
    data, crc = _deflated_zeros(size), _crc_of_zeros(size)
    template = with_members(make_template(tmp_path, "Text"),
                            [(f"word/del{i}.xml", data, size, crc) for i in range(3)])
    code, err, _ = cli(*render_args(template, earlier))
    assert (code, err) == (2, (
        f"Fel i mallen: {template}: mallens delar blir tillsammans 284 MB uppackade, mer än "
        "gränsen 250 MB; mallen används inte\n"))  # 3 × 94.37 MB and the template's own 40 kB
    assert earlier.read_bytes() == b"den tidigare rapporten"


def test_a_part_that_unpacks_to_more_than_it_declares_is_read_no_further(
    tmp_path: Path, earlier: Path
) -> None:
    """A header that lies (1 kB declared, 200 MB inside) stops the read at 1 kB: a damaged part."""
    size = 200 * (1 << 20)
    template = with_members(make_template(tmp_path, "Text"), [
        ("word/bomb.xml", _deflated_zeros(size), 1000, _crc_of_zeros(size))])
    tracemalloc.start()
    try:
        code, err, _ = cli(*render_args(template, earlier))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (code, err) == (2, (
        f"Fel i mallen: {template}: mallen kan inte läsas som ett Word-dokument: delen "
        "word/bomb.xml är skadad\n"))
    assert peak < 50_000_000
    assert earlier.read_bytes() == b"den tidigare rapporten"


@pytest.mark.parametrize(("room", "why"), [
    (100_000_000, "mallens del word/document.xml blir större uppackad än gränsen 1 MB för en "
                  "del"),  # the limit for a part, set to 1 000 bytes here
    (10, "mallens delar blir tillsammans större uppackade än gränsen 250 MB"),
])
def test_what_is_read_is_counted_whatever_the_zip_declares(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int, why: str
) -> None:
    """Should a part unpack to more than its declared size, the count stops the read at the
    limit: for the part (here 1 kB) or for what is left of the total (here 10 bytes)."""
    from slutrapport import _safety

    template = make_template(tmp_path, "Text")
    monkeypatch.setattr(_safety, "MAX_PART_BYTES", 1000)
    with zipfile.ZipFile(template) as archive, pytest.raises(TemplateError) as refused:
        _safety._read(archive, archive.getinfo("word/document.xml"), template, room)
    monkeypatch.undo()
    assert str(refused.value) == f"{template}: {why}; mallen används inte"


# --- outputs that must not be written over -----------------------------------------------------

@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    """A data file of one's own: a new report's skeleton, which loads wherever it lies."""
    from slutrapport.scaffold import write_new

    path = tmp_path / "rapport.yaml"
    write_new(path, None)
    return path


def _output(kind: str, folder: Path, data: Path, template: Path) -> tuple[Path, str]:
    """An output path of the given kind and the refusal it gets (after '<path>: ')."""
    if kind == "datafilen":
        return data, f"är samma fil som datafilen {data} och skrivs inte över; välj ett annat " \
                     "namn för utfilen"
    if kind == "symbolisk länk till datafilen":
        link = folder / "länk.docx"
        link.symlink_to(data)
        return link, f"är samma fil som datafilen {data} och skrivs inte över; välj ett annat " \
                     "namn för utfilen"
    if kind == "hård länk till datafilen":
        link = folder / "hård.docx"
        os.link(data, link)
        return link, f"är samma fil som datafilen {data} och skrivs inte över; välj ett annat " \
                     "namn för utfilen"
    if kind == "mallen":
        return template, f"är samma fil som mallen {template} och skrivs inte över; välj ett " \
                         "annat namn för utfilen"
    if kind == "FIFO":
        fifo = folder / "fifo.docx"
        os.mkfifo(fifo)
        return fifo, "är en namngiven rörledning (FIFO), inte en vanlig fil, och skrivs inte " \
                     "över; välj ett annat namn för utfilen"
    if kind == "enhet":
        return Path(os.devnull), "är en enhetsfil, inte en vanlig fil, och skrivs inte över; " \
                                 "välj ett annat namn för utfilen"
    assert kind == "skrivskyddad"
    locked = folder / "last.docx"
    locked.write_bytes(b"skyddad")
    locked.chmod(0o444)
    return locked, "är skrivskyddad och skrivs inte över; ta bort skrivskyddet eller välj ett " \
                   "annat namn för utfilen"


OUTPUT_KINDS = ["datafilen", "symbolisk länk till datafilen", "hård länk till datafilen",
                "mallen", "FIFO", "enhet", "skrivskyddad"]


def _fingerprint(path: Path) -> tuple[int, int, bytes]:
    found = os.stat(path)
    body = path.read_bytes() if path.is_file() and not path.is_char_device() else b""
    return found.st_ino, found.st_mode, body


@pytest.mark.parametrize("kind", OUTPUT_KINDS)
def test_an_output_that_must_not_be_overwritten_is_refused_at_once(
    tmp_path: Path, data_file: Path, kind: str
) -> None:
    """The data file, the template (also through a link), a FIFO, a device or a read-only file
    as output: exit 2 naming it, before the data is even read, and it is left as it was."""
    template = make_template(tmp_path, "{{ projekt.namn }}")
    out, why = _output(kind, tmp_path, data_file, template)
    before = _fingerprint(out)
    code, err, stdout = cli("render", str(data_file), "-o", str(out), "--to", "docx",
                            "--template", str(template), "--no-contents", "--no-charts")
    assert (code, err, stdout) == (2, f"Kan inte skriva: {out}: {why}\n", "")
    assert _fingerprint(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("kind", OUTPUT_KINDS)
def test_the_api_refuses_the_same_outputs(tmp_path: Path, data_file: Path, kind: str) -> None:
    """render() knows a loaded report's data file and refuses the same outputs as the CLI."""
    template = make_template(tmp_path, "{{ projekt.namn }}")
    out, why = _output(kind, tmp_path, data_file, template)
    before = _fingerprint(out)
    with pytest.raises(OutputError) as refused:
        render(slutrapport.load(data_file), out, template=template, contents=False, charts=False)
    assert str(refused.value) == f"{out}: {why}"
    assert _fingerprint(out) == before


def test_the_standard_template_as_output_is_refused(
    tmp_path: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --template the standard template is protected too (here a copy stands in)."""
    from slutrapport import rendering
    from slutrapport.resources import default_template

    standard = tmp_path / "standard.docx"
    standard.write_bytes(default_template().read_bytes())
    monkeypatch.setattr(rendering, "default_template", lambda: standard)
    with pytest.raises(OutputError) as refused:
        render(slutrapport.load(data_file), standard, contents=False, charts=False)
    assert str(refused.value) == (f"{standard}: är samma fil som mallen {standard} och skrivs "
                                  "inte över; välj ett annat namn för utfilen")
    assert standard.read_bytes() == default_template().read_bytes()


def test_a_folder_as_the_output_file_is_refused(tmp_path: Path, data_file: Path) -> None:
    """render() to a path that is a folder: OutputError naming it; the folder stays empty."""
    folder = tmp_path / "utdata.docx"
    folder.mkdir()
    with pytest.raises(OutputError) as refused:
        render(slutrapport.load(data_file), folder, contents=False, charts=False)
    assert str(refused.value) == f"{folder}: är en mapp och skrivs inte över; ange en fil"
    assert list(folder.iterdir()) == []


def test_several_inputs_with_an_output_that_is_no_folder_are_refused(
    tmp_path: Path, data_file: Path
) -> None:
    """Two data files and -o naming a FIFO (not a folder): exit 2, no traceback, FIFO kept."""
    other = tmp_path / "andra.yaml"
    other.write_bytes(data_file.read_bytes())
    fifo = tmp_path / "ut"
    os.mkfifo(fifo)
    code, err, _ = cli("render", str(data_file), str(other), "-o", str(fifo), "--no-contents",
                       "--no-charts")
    assert (code, err) == (2, (f"Kan inte skriva: {fifo}: finns och är ingen mapp; med flera "
                               "indatafiler ska -o vara en mapp\n"))
    assert fifo.is_fifo()
