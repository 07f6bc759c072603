"""Shared fixtures: the NIS 6.0 example, reading a .docx back as text, hypothesis profiles.

Hypothesis profiles: ``ci`` (200 examples, the default, so the whole suite stays within a few
minutes), ``slow`` (10 000, with ``SLUTRAPPORT_SLOW=1``) and ``dev`` (100);
``HYPOTHESIS_PROFILE=dev`` picks one by name. A test's own ``@settings(max_examples=…)`` still
wins: the fuzzers keep 1 000 examples by default.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import settings
from lxml import etree

import slutrapport

# run by LibreOffice's own Python (it imports uno), never imported by the tests
collect_ignore = ["libreoffice_edit.py"]

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("slow", max_examples=10_000, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(
    "slow" if os.environ.get("SLUTRAPPORT_SLOW") == "1"
    else os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    # Drawn charts are cached on disk; the tests keep their own cache, shared by the processes
    # they start, so they neither read nor fill the user's.
    if "SLUTRAPPORT_CACHE" not in os.environ:
        import tempfile

        os.environ["SLUTRAPPORT_CACHE"] = tempfile.mkdtemp(prefix="slutrapport-test-cache-")
        _MADE.append(os.environ["SLUTRAPPORT_CACHE"])
    # When a property fails, hypothesis imports libcst (if installed) to suggest a patch, which
    # imports a deprecated mypy_extensions name; with warnings as errors that turned the failure
    # report into an INTERNALERROR.
    config.addinivalue_line(
        "filterwarnings", "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")


_MADE: list[str] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    # The cache folder made for this run goes with it (runs left hundreds behind in /tmp).
    import shutil

    for folder in _MADE:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get("SLUTRAPPORT_CACHE") == folder:
            del os.environ["SLUTRAPPORT_CACHE"]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
TEXT_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml",
              "word/endnotes.xml")


def strict_parts(data: bytes) -> dict[str, etree._Element]:
    """Every XML part of a .docx, parsed strictly: no recovery, no entities, no DTD, no network."""
    parser = etree.XMLParser(recover=False, resolve_entities=False, load_dtd=False,
                             no_network=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: etree.fromstring(archive.read(name), parser)
                for name in archive.namelist() if name.endswith((".xml", ".rels"))}


def _paragraph_text(p: etree._Element) -> str:
    """A paragraph's text as Word shows it: a tab is ``\\t`` and a line break ``\\n``.

    Word trims the edges of a ``w:t`` without ``xml:space="preserve"``, and only ``w:tab`` and
    ``w:br`` are a sure tab and line break; this reader trims the same way and reads a raw tab or
    newline inside ``w:t`` as a space, so text that Word would lose is lost here too.
    """
    out = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if el.tag == f"{W}t":
            text = el.text or ""
            if el.get(XML_SPACE) != "preserve":
                text = text.strip(" \t\n\r")
            out.append(text.replace("\t", " ").replace("\n", " "))
        elif el.tag == f"{W}tab":
            out.append("\t")
        elif el.get(f"{W}type", "textWrapping") == "textWrapping":
            out.append("\n")
    return "".join(out)


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph of the body, headers, footers and notes, in order."""
    paragraphs: list[str] = []
    for name, root in sorted(strict_parts(data).items()):
        if name.startswith(TEXT_PARTS):
            paragraphs.extend(_paragraph_text(p) for p in root.iter(f"{W}p"))
    return paragraphs


def docx_text(data: bytes) -> str:
    """All text a reader sees, paragraphs apart by a blank line (``\\n\\n``)."""
    return "\n\n".join(docx_paragraphs(data))


@pytest.fixture(scope="session")
def nis60() -> slutrapport.Slutrapport:
    """The NIS 6.0 example report, loaded (do not change it)."""
    return slutrapport.load(slutrapport.example_path())


@pytest.fixture(scope="session")
def nis60_docx(nis60: slutrapport.Slutrapport) -> bytes:
    """The NIS 6.0 example rendered with the default template, charts included."""
    from slutrapport.rendering import render_bytes

    return render_bytes(nis60)


@pytest.fixture(scope="session")
def read_paragraphs() -> Callable[[bytes], list[str]]:
    """``docx_paragraphs``: a .docx's paragraphs as text, read strictly."""
    return docx_paragraphs


@pytest.fixture(scope="session")
def read_text() -> Callable[[bytes], str]:
    """``docx_text``: a .docx's text, paragraphs apart by a blank line, read strictly."""
    return docx_text
