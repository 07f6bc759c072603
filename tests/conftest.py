"""Shared fixtures: the NIS 6.0 example, reading a .docx back as text, hypothesis profiles, and
the OOXML validation of every document the suite renders.

Hypothesis profiles: ``ci`` (200 examples, the default, so the whole suite stays within a few
minutes), ``slow`` (10 000, with ``SLUTRAPPORT_SLOW=1``) and ``dev`` (100);
``HYPOTHESIS_PROFILE=dev`` picks one by name. A test's own ``@settings(max_examples=…)`` still
wins: the fuzzers keep 1 000 examples by default.
"""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

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


# --------------------------------------------------------------------------------------------
# Every document the suite renders is valid OOXML (issue 19.1)

_RENDERED: dict[str, tuple[Path, str]] = {}
"""Each distinct document kept for validation in this process, by its bytes' hash: where it was
written and the first test that rendered it."""
_MODULES: set[str] = set()
_SKIPPED: list[str] = []
_EVERY = "1" in (os.environ.get("SLUTRAPPORT_SLOW"), os.environ.get("SLUTRAPPORT_VALIDERA_ALLA"))
"""Validate every distinct document (about 300, two minutes and more on two cores), or by
default the first one each test module renders (about 40); ``SLUTRAPPORT_VALIDERA_ALLA=1``
asks for every one without the slow tests."""


def _keep(folder: Path, data: bytes) -> None:
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    module = test.split("::", 1)[0]
    if not _EVERY and module in _MODULES:
        return
    digest = hashlib.sha256(data).hexdigest()
    if digest in _RENDERED:
        return
    if b"word/stylesWithEffects.xml" in data:
        # python-docx's blank document, which tests use as a user's template, has a
        # stylesWithEffects part that lacks styles its styles part has: the template's defect
        _SKIPPED.append(test)
        return
    _MODULES.add(module)
    path = folder / f"{len(_RENDERED):05d}.docx"
    path.write_bytes(data)
    _RENDERED[digest] = (path, test)


@pytest.fixture(scope="session", autouse=True)
def every_rendered_document_is_valid(
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The .docx files the library makes while the suite runs — each save of a rendered report
    (``seam.saved``, which ``seam.save`` goes through) and each document whose contents
    LibreOffice filled
    (``rendering.fill_contents``) — are validated at the end of the session with openxml-audit
    (Office 2016): one error fails the session (at the teardown of a worker's last test),
    naming the test that rendered the document, the part, the path in it and the rule. With
    ``SLUTRAPPORT_SLOW=1`` or ``SLUTRAPPORT_VALIDERA_ALLA=1`` every distinct document
    (identical bytes once), by default the first each test module renders. A document made
    from python-docx's blank template (a test's own template, whose defect is its author's)
    is left out. The counts and the time taken are written to ``validering.txt`` in pytest's
    base temporary folder."""
    from openxml_audit import FileFormat, OpenXmlValidator

    from slutrapport import rendering, seam

    folder = tmp_path_factory.mktemp("renderade")
    save, fill = seam.saved, rendering.fill_contents

    def saving(*args: object, **kwargs: object) -> tuple[bytes, bytes | None]:
        data: tuple[bytes, bytes | None] = save(*args, **kwargs)
        _keep(folder, data[0])
        return data

    def filling(*args: object, **kwargs: object) -> bytes:
        data: bytes = fill(*args, **kwargs)  # type: ignore[arg-type]
        _keep(folder, data)
        return data

    seam.saved, rendering.fill_contents = saving, filling  # type: ignore[assignment]
    try:
        yield
    finally:
        seam.saved, rendering.fill_contents = save, fill
    started = time.perf_counter()
    validator = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0)
    errors = []
    for path, test in _RENDERED.values():
        errors += [f"{test}: {e.part_uri} {e.path} [{e.id or e.error_type.value}] "
                   f"{e.description}" for e in validator.validate(path).errors]
    seconds = time.perf_counter() - started
    worker = os.environ.get("PYTEST_XDIST_WORKER", "huvud")
    with open(tmp_path_factory.getbasetemp() / "validering.txt", "a", encoding="utf-8") as log:
        log.write(f"{worker}: {len(_RENDERED)} dokument, {len(errors)} fel, {seconds:.1f} s; "
                  f"{len(_SKIPPED)} ur python-docx:s tomma mall utelämnade\n")
    if errors:
        pytest.fail("Dokument som testerna renderade bryter mot OOXML-schemat:\n"
                    + "\n".join(errors), pytrace=False)
