"""Hostile registers, built small in the tests: workbooks whose sheets reach far, unpack far or
hold huge cells (.xlsx, .ods, .xls), written byte by byte so nothing smooths them out."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Datum</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Kategori</t></is></c>'
              '<c r="C1" t="inlineStr"><is><t>Belopp</t></is></c></row>')
"""Row 1 of a ledger (huvudboken): the columns the register needs."""


def sheet(rows: str, *, dimension: str | None = None) -> bytes:
    """A worksheet's XML: ``rows`` inside sheetData, with a <dimension> if given."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{SHEET_START}{dim}<sheetData>{rows}</sheetData></worksheet>".encode()


def xlsx(path: Path, sheet_xml: bytes, *, shared: bytes | None = None,
         sheet_name: str = "Huvudbok", stored: bool = False) -> Path:
    """An .xlsx workbook of one sheet (and shared strings, if given), written with zipfile;
    ``stored``: the sheet and the shared strings not packed at all."""
    overrides = ('<Override PartName="/xl/workbook.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
                 'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    if shared is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
             '.org/package/2006/content-types"><Default Extension="rels" ContentType="application'
             '/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
             f'ContentType="application/xml"/>{overrides}</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    book_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
                 f'{REL}/worksheet" Target="worksheets/sheet1.xml"/>')
    if shared is not None:
        book_rels += (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" '
                      'Target="sharedStrings.xml"/>')
    book_rels += "</Relationships>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        packing = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml, compress_type=packing,
                   compresslevel=9)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared, compress_type=packing)
    return path


def shared_strings(*texts: str) -> bytes:
    """A sharedStrings part holding the texts."""
    items = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(texts)}" '
            f'uniqueCount="{len(texts)}">{items}</sst>').encode()


def declare_size(path: Path, part: str, size: int) -> None:
    """Make the zip's central directory say that ``part`` unpacks to ``size`` bytes (a lie the
    zip keeps: the part itself is left as it is)."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at += 4
    raise AssertionError(f"{part} is not in {path}")


def ods(path: Path, table_xml: str, *, name: str = "Huvudbok") -> Path:
    """An .ods spreadsheet of one table holding ``table_xml`` (table:table-row elements)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="{name}">{table_xml}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:'
                'oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="'
                'content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def xls(path: Path, cells: Sequence[tuple[int, int, float | str]], *,
        name: str = "Huvudbok") -> Path:
    """An Excel 97 workbook (.xls: BIFF8 in a compound file) of one sheet; ``cells`` are
    (row, column, value), 0-based, a value a number or a Latin-1 text."""
    body = [_bof(0x0010), _record(0x0200, struct.pack("<IIHHH", 0, 0, 0, 0, 0))]
    for row, col, value in cells:
        if isinstance(value, str):
            text = value.encode("latin-1")
            body.append(_record(0x0204, struct.pack("<HHHHB", row, col, 0, len(value), 0)
                                + text))
        else:
            body.append(_record(0x0203, struct.pack("<HHHd", row, col, 0, value)))
    body.append(_record(0x000A))
    title = name.encode("latin-1")
    head = _bof(0x0005)
    eof = _record(0x000A)
    offset = len(head) + 4 + 8 + len(title) + len(eof)  # where the sheet's BOF begins
    boundsheet = _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(title), 0) + title)
    path.write_bytes(_compound(head + boundsheet + eof + b"".join(body)))
    return path


def _compound(stream: bytes) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding the stream 'Workbook' (padded to
    4 096 bytes, so no mini stream is needed): header, one FAT sector, one directory sector."""
    stream = stream.ljust(4096, b"\x00")
    stream += b"\x00" * (-len(stream) % 512)
    sectors = len(stream) // 512
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fat_sector, end, *range(3, 2 + sectors), end]
    fat += [free] * (128 - len(fat))

    def entry(label: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = label.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", free, free, child) + b"\x00" * 20 + b"\x00" * 16
                + struct.pack("<IIi", start, size, 0))

    directory = (entry("Root Entry", 5, 1, end, 0)
                 + entry("Workbook", 2, free, 2, len(stream))).ljust(512, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    return header + struct.pack("<128I", *fat) + directory + stream
