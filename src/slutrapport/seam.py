"""The seam: every contact with the insides of docxtpl, python-docx and python-pptx, in one place.

slutrapport uses these libraries' public API freely elsewhere (``Document()``,
``add_paragraph``, ``OxmlElement`` …). Where it must go further — a private attribute or method,
a method it overrides, a name the library does not document — the contact is here and nowhere
else, and ``tests/test_seam.py`` holds a contract test for each: it names the library's version
and the assumption, so that an upgrade that breaks one says which and why instead of failing
somewhere far away.

The contacts, by library:

- python-docx: the XML element under a paragraph, table, row or cell proxy (``_element``,
  :func:`element`); a part's bytes set directly (``Part._blob``, :func:`set_blob`).
- docxtpl: the Jinja source of every part a template renders (``patch_xml``, ``get_xml``,
  ``get_headers_footers``, ``get_part_xml``, ``HEADER_URI``/``FOOTER_URI``:
  :func:`template_sources`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["element", "set_blob", "template_sources"]


def element(proxy: Any) -> Any:
    """The lxml element under a python-docx paragraph, table, row or cell (``proxy._element``:
    python-docx 1.x keeps it there for every block item; ``_p``, ``_tbl``, ``_tr`` and ``_tc``
    are the same object)."""
    return proxy._element


def set_blob(part: Any, blob: bytes) -> None:
    """Give a python-docx part (an ``opc.part.Part``, not an XML part) new bytes: ``part.blob``
    has no setter, and ``Part`` keeps them in ``_blob``."""
    part._blob = blob


def template_sources(tpl: Any) -> list[tuple[Any, str]]:
    """The Jinja source of every part a docxtpl template renders, as docxtpl makes it before it
    renders (``patch_xml``: its ``{%p``, ``{%tr`` and run-stitching rewrites): the body, each
    header and footer, and the footnotes; each with its python-docx part."""
    docx = tpl.docx
    out = [(docx.part, tpl.patch_xml(tpl.get_xml()))]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            out.append((part, tpl.patch_xml(tpl.get_part_xml(part))))
    for part in docx.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            out.append((part, tpl.patch_xml(blob)))
    return out
