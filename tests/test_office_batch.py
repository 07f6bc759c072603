"""A batch of any size (issue 24, section 1): LibreOffices retired after their quota of documents.

Each LibreOffice worker owns its run folder; retiring one (every ``SLUTRAPPORT_LO_DOKUMENT``
documents) removes that folder alone, never the documents the pool's workers share. Six reports
with a quota of two cross it several times, with one LibreOffice and with two side by side.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport import office
from slutrapport.cli import main
from slutrapport.errors import ConversionError
from slutrapport.rendering import render_bytes, render_many
from tests.docxread import outline

LAPPLAND = slutrapport.example_path("lappland20")

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")
slow = pytest.mark.skipif(os.environ.get("SLUTRAPPORT_SLOW") != "1",
                          reason="långsamt: sätt SLUTRAPPORT_SLOW=1")


def headings(docx: bytes) -> list[str]:
    """The headings the contents lists (levels 1 and 2), in order."""
    return [re.sub(r"^\[Heading[12]\] ", "", line) for line in outline(docx).splitlines()
            if re.match(r"\[Heading[12]\] ", line)]


def docx_contents(path: Path) -> list[tuple[str, int]]:
    """The filled contents of a .docx: (title, page) per line; nothing when it is unfilled."""
    lines = [line for line in outline(path.read_bytes()).splitlines()
             if re.match(r"\[TOC\d\] ", line)]
    return [(title, int(page)) for title, page in
            (re.sub(r"^\[TOC\d\] ", "", line).rsplit("\t", 1) for line in lines)]


def pdf_contents(path: Path) -> list[tuple[str, int]]:
    """The contents page of a PDF (its second): (title, page) per line."""
    text = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    found = (re.fullmatch(r"\s*(.*?)\.{2,}\s*(\d+)", line) for line in text.splitlines())
    return [(m[1], int(m[2])) for m in found if m]


def counting_workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one for every LibreOffice started."""
    started: list[int] = []
    real = office._Worker.__init__

    def counting(self: office._Worker, *args: Any, **kwargs: Any) -> None:
        started.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(office._Worker, "__init__", counting)
    return started


@pytest.fixture(scope="module")
def lappland_headings() -> list[str]:
    return headings(render_bytes(slutrapport.load(LAPPLAND), charts=False))


@needs_office
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) saknas")
@pytest.mark.parametrize(("jobs", "kind"), [
    (1, "pdf"), (2, "docx"),
    pytest.param(2, "pdf", marks=[pytest.mark.slow, slow]),
    pytest.param(1, "docx", marks=[pytest.mark.slow, slow])])
def test_a_batch_across_the_quota_of_documents_per_libreoffice_is_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lappland_headings: list[str], jobs: int,
    kind: str
) -> None:
    """Six reports, two per LibreOffice: exit 0, every file written with its contents filled in,
    fresh LibreOffices started on the way, and nothing left in the temporary folder (PDF with
    one LibreOffice, .docx with two; the other two with SLUTRAPPORT_SLOW=1)."""
    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(run_tmp))
    monkeypatch.setenv("SLUTRAPPORT_LO_DOKUMENT", "2")
    started = counting_workers(monkeypatch)
    files = [tmp_path / f"rapport{n}.yaml" for n in range(1, 7)]
    for file in files:
        shutil.copyfile(LAPPLAND, file)
    out = tmp_path / "ut"
    result = CliRunner().invoke(main, ["render", *map(str, files), "-o", f"{out}/", "--to", kind,
                                       "--jobs", str(jobs), "--no-charts", "-q"])
    outputs = [out / f"rapport{n}.{kind}" for n in range(1, 7)]
    assert (result.exit_code, result.stderr, result.stdout) == (
        0, "", "".join(f"Skrev {path}\n" for path in outputs))
    contents = [(pdf_contents if kind == "pdf" else docx_contents)(path) for path in outputs]
    first = contents[0]
    pages = [page for _, page in first]
    assert (contents, [title for title, _ in first], pages == sorted(pages), pages[0]) == (
        [first] * 6, lappland_headings, True, 3)
    # one LibreOffice: 2+2+2; two: each starts at once and is renewed after two documents
    assert len(started) in ({3} if jobs == 1 else {3, 4})
    assert list(run_tmp.iterdir()) == []


@needs_office
@pytest.mark.libreoffice
def test_render_many_takes_the_quota_as_an_argument_and_writes_each_report_as_it_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lappland_headings: list[str]
) -> None:
    """recycle=1 starts a LibreOffice per report; each output is there when its stage 'klar' is
    told, before the next report's; a .docx and a PDF in one batch both come out right."""
    started = counting_workers(monkeypatch)
    outputs = [tmp_path / "a.docx", tmp_path / "b.pdf"]
    seen: list[tuple[int, list[str]]] = []

    def progress(index: int, stage: str) -> None:
        if stage == "klar":
            seen.append((index, sorted(p.name for p in tmp_path.iterdir())))

    render_many([slutrapport.load(LAPPLAND)] * 2, outputs, jobs=1, recycle=1, charts=False,
                progress=progress)
    pages = [page for _, page in docx_contents(outputs[0])]
    assert (seen, [title for title, _ in docx_contents(outputs[0])], pages == sorted(pages),
            len(started), outputs[1].read_bytes()[:5]) == (
        [(0, ["a.docx"]), (1, ["a.docx", "b.pdf"])], lappland_headings, True, 2, b"%PDF-")


@needs_office
@pytest.mark.parametrize("value", ["0", "-1", "2,5", "x", "1e3", "٣"])
def test_a_quota_that_is_no_whole_number_from_1_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """SLUTRAPPORT_LO_DOKUMENT=0, -1, 2,5, x …: exit 2 with a Swedish message, no file."""
    monkeypatch.setenv("SLUTRAPPORT_LO_DOKUMENT", value)
    out = tmp_path / "rapport.docx"
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o", str(out), "--no-charts",
                                       "-q"])
    assert (result.exit_code, result.stderr, result.stdout, out.exists()) == (
        2, "Fel i LibreOffice: SLUTRAPPORT_LO_DOKUMENT ska vara ett heltal från 1 (antalet "
           f"dokument per LibreOffice), inte '{value}'.\n", "", False)


@pytest.mark.parametrize("value", [0, -2, 1.5, True, "3"])
def test_the_api_refuses_a_quota_that_is_no_whole_number_from_1(value: Any) -> None:
    """recycle=0, -2, 1.5, True or "3" is a ConversionError in Swedish."""
    with pytest.raises(ConversionError) as refused:
        office.documents_per_office(value)
    assert str(refused.value) == (
        f"Antalet dokument per LibreOffice ska vara ett heltal från 1 (fick {value!r}).")


def test_the_quota_is_the_argument_else_the_environment_else_25(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """An argument wins over SLUTRAPPORT_LO_DOKUMENT, which wins over the default 25."""
    monkeypatch.delenv("SLUTRAPPORT_LO_DOKUMENT", raising=False)
    found = [office.documents_per_office(None), office.documents_per_office(7)]
    monkeypatch.setenv("SLUTRAPPORT_LO_DOKUMENT", " 4 ")
    found += [office.documents_per_office(None), office.documents_per_office(7)]
    monkeypatch.setenv("SLUTRAPPORT_LO_DOKUMENT", "")
    found.append(office.documents_per_office(None))
    assert found == [25, 7, 4, 7, 25]


@needs_office
@pytest.mark.libreoffice
def test_a_retiring_libreoffices_successor_starts_during_its_last_document_on_its_own_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two documents per LibreOffice and three waiting, the second LibreOffice is started
    as the first takes its last document (so the third need not wait for a start), on a profile
    of its own; ready() takes only answers that have come, results() the rest, each once; and
    nothing is left in the temporary folder."""
    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(run_tmp))
    profiles: list[Path] = []
    real = office._Worker.__init__

    def counting(self: office._Worker, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        profiles.append(self.profile.path)

    monkeypatch.setattr(office._Worker, "__init__", counting)
    document = render_bytes(slutrapport.load(LAPPLAND), charts=False)
    jobs = []
    for n in range(3):
        (tmp_path / f"r{n}.docx").write_bytes(document)
        jobs.append(office.OfficeJob(tmp_path / f"r{n}.docx"))
    # key, LibreOffices started by then (by the second answer: the successor), an answer
    answered: list[tuple[int, int | None, bool]] = []
    with office.OfficePool(1, recycle=2) as pool:
        for key, job in enumerate(jobs):
            pool.submit(key, job)
        before_any = list(pool.ready())  # LibreOffice is still starting
        for key, answer in pool.results():
            answered.append((key, len(profiles) if key else None,
                             isinstance(answer, office.OfficeResult)))
        after_all = list(pool.ready()) + list(pool.results())
    assert (before_any, answered, len(set(profiles)), after_all, list(run_tmp.iterdir())) == (
        [], [(0, None, True), (1, 2, True), (2, 2, True)], 2, [], [])


def test_a_batch_that_keeps_nothing_writes_every_output_and_returns_empty_bytes(
    tmp_path: Path
) -> None:
    """keep=False (the command line's batches): each report is written as render_bytes makes
    it, and render_many returns b"" for each rather than holding every output."""
    report = slutrapport.load(LAPPLAND)
    outputs = [tmp_path / "a.docx", tmp_path / "b.docx"]
    returned = render_many([report] * 2, outputs, contents=False, charts=False, keep=False)
    expected = render_bytes(report, charts=False)
    assert (returned, [p.read_bytes() == expected for p in outputs]) == ([b"", b""], [True, True])
