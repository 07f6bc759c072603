"""Charts, a filled table of contents and PDF through LibreOffice headless; a light start."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport import office
from slutrapport.cli import main
from slutrapport.errors import ConversionError
from slutrapport.rendering import ContentsNotFilledWarning, render, render_bytes, render_many
from tests.docxread import outline, parts

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")

HEADINGS_1 = ["NIS 6.0 inleddes", "Coronapandemin.", "Aktiviteterna.", "Horisontella kriterier",
              "Samverkan Umeå", "Program för tillväxt", "Resultatet", "Spridning av resultatet",
              "Utvärdering", "Slutsatser", "Efter projekt slut",
              "Projektets betydelse för den egna kommunen.", "Ekonomi"]


@pytest.fixture(scope="module")
def nis() -> slutrapport.Slutrapport:
    return slutrapport.load(slutrapport.example_path())


def test_report_holds_four_charts_as_pictures_in_the_text(nis: slutrapport.Slutrapport) -> None:
    """With diagram="bild" the default template places the four charts as inline pictures."""
    data = render_bytes(nis, diagram="bild")
    document = parts(data)["word/document.xml"].decode("utf-8")
    assert document.count("<w:drawing>") == 4
    assert len(re.findall(r'<wp:docPr [^>]*descr="[^"]+"', document)) == 4
    assert sorted(n for n in parts(data) if n.startswith("word/media/")) == [
        f"word/media/image{i}.png" for i in range(1, 5)]
    captions = [line for line in outline(data).splitlines() if line.startswith("[Caption] Diagram")]
    assert captions == [
        "[Caption] Diagram 1: Deltagare i projektets aktiviteter efter kön",
        "[Caption] Diagram 2: Anställda per företag 2019 och okt-22",
        "[Caption] Diagram 3: Budget och utfall",
        "[Caption] Diagram 4: Kostnader per kostnadsslag",
    ]


def test_charts_can_be_turned_off(nis: slutrapport.Slutrapport) -> None:
    """charts=False leaves no picture and no chart caption in the report."""
    data = render_bytes(nis, charts=False)
    assert b"<w:drawing>" not in parts(data)["word/document.xml"]
    assert "Diagram" not in outline(data)


@needs_office
def test_docx_contents_lists_every_heading_with_its_page(nis: slutrapport.Slutrapport,
                                                        tmp_path: Path) -> None:
    """With LibreOffice, the .docx's contents field shows each heading and its page number."""
    data = render(nis, tmp_path / "nis.docx")
    entries = [line for line in outline(data).splitlines() if line.startswith("[TOC1]")]
    titles = [re.sub(r"\t\d+$", "", line.removeprefix("[TOC1] ")) for line in entries]
    assert titles == HEADINGS_1
    pages = [int(line.rsplit("\t", 1)[1]) for line in entries]
    assert pages == sorted(pages) and pages[0] == 3
    assert b"updateFields" not in parts(data)["word/settings.xml"]


@needs_office
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) saknas")
def test_pdf_contents_page_lists_the_headings_with_page_numbers(
        nis: slutrapport.Slutrapport, tmp_path: Path) -> None:
    """The PDF's second page is the contents: every main heading with a page number."""
    pdf = tmp_path / "nis.pdf"
    data = render(nis, pdf)
    assert data[:5] == b"%PDF-" and pdf.read_bytes() == data
    text = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    for heading in HEADINGS_1:
        assert re.search(re.escape(heading) + r"[ .]*\d+\s*$", text, re.MULTILINE), heading


@needs_office
def test_several_reports_share_a_pool_of_libreoffices(nis: slutrapport.Slutrapport,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """render_many hands its PDFs to at most ``jobs`` LibreOffices, started once each."""
    started: list[int] = []
    real = office._Worker.__init__

    def counting(self: office._Worker, *args: object, **kwargs: object) -> None:
        started.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(office._Worker, "__init__", counting)
    outputs = [tmp_path / f"r{i}.pdf" for i in range(3)]
    render_many([nis] * 3, outputs, jobs=2, charts=False)
    assert (len(started), [p.read_bytes()[:5] for p in outputs]) == (2, [b"%PDF-"] * 3)


def _office_processes() -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if f"slutrapport-lo-{os.getpid()}-" in cmd:
                found.append(cmd)
    return found


@needs_office
def test_time_limit_stops_libreoffice_and_leaves_no_process(tmp_path: Path) -> None:
    """A conversion over its time limit raises ConversionError and ends every process it began."""
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_bytes(slutrapport.load(slutrapport.example_path()), charts=False))
    with pytest.raises(ConversionError, match=r"inom 0,2 sekunder"):
        office.run_office([docx], [tmp_path / "r.pdf"], timeout=0.2)
    assert _office_processes() == []


def test_missing_libreoffice_is_explained_and_docx_falls_back_to_word(
        nis: slutrapport.Slutrapport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without LibreOffice a PDF is refused with an install hint; a .docx asks Word to fill it."""
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(ConversionError, match="apt-get install libreoffice-writer-nogui"):
        render(nis, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render(nis, tmp_path / "r.docx")
    assert [type(w.message) for w in caught] == [ContentsNotFilledWarning]
    assert b'<w:updateFields w:val="true"/>' in parts(data)["word/settings.xml"]


def test_cli_says_when_word_will_fill_the_contents(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI tells the user the contents will be filled by Word when LibreOffice is missing."""
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(tmp_path / "no-such-soffice"))
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path()), "-o", str(out),
                                       "-q"])
    assert result.exit_code == 0
    assert "Obs: Innehållsförteckningen fylls i av Word när dokumentet öppnas" in result.stderr


def test_import_and_help_load_neither_docxtpl_nor_matplotlib() -> None:
    """`import slutrapport` and `slutrapport --help` import neither docxtpl nor matplotlib."""
    code = (
        "import sys, slutrapport\n"
        "from click.testing import CliRunner\n"
        "from slutrapport.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "print(sorted(m for m in ('docxtpl', 'matplotlib', 'docx', 'jinja2') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout == "[]\n"


def test_a_chart_drawn_once_is_read_back_without_matplotlib(tmp_path: Path) -> None:
    """The second render of the same data reads its pictures from the cache, byte for byte."""
    code = (
        "import sys, slutrapport\n"
        "from slutrapport.rendering import render_bytes\n"
        "data = render_bytes(slutrapport.load(slutrapport.example_path()), diagram='bild')\n"
        "sys.stdout.buffer.write(data)\n"
        "sys.stderr.write(str('matplotlib' in sys.modules))\n"
    )
    env = {**os.environ, "SLUTRAPPORT_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, env=env,
                           check=True) for _ in range(2)]
    assert [r.stderr for r in runs] == [b"True", b"False"]
    assert runs[0].stdout == runs[1].stdout
    assert len(list((tmp_path / "cache").glob("*.png"))) == 4


def test_the_chart_cache_can_be_turned_off(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """SLUTRAPPORT_CACHE=0 draws every time and writes nothing."""
    from slutrapport.resources import cache_dir

    monkeypatch.setenv("SLUTRAPPORT_CACHE", "0")
    assert cache_dir() is None
