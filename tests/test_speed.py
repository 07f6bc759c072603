"""Issue 13: long tables laid out in linear time, LibreOffice side by side, never costing the .docx.

The copy LibreOffice lays out has its long tables split (slutrapport._layoutcopy) while the .docx
keeps them whole; a PDF of a split table reads page by page as the whole table's; LibreOffice
that is missing, hangs or crashes leaves a .docx with its contents for Word and a warning that
says why, while a PDF fails; in a batch one bad report fails alone; progress shows on a
terminal only.
"""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

import slutrapport
from slutrapport import office
from slutrapport._layoutcopy import layout_copy
from slutrapport.cli import main
from slutrapport.errors import BatchError, ConversionError, InputError
from slutrapport.loader import read_yaml
from slutrapport.rendering import render, render_bytes, render_many
from tests.docxread import parts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NIS = slutrapport.example_path()
LAPPLAND = slutrapport.example_path("lappland20")

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")
needs_uno = pytest.mark.skipif(office._probe_uno_python("", None) is None,
                               reason="LibreOffices Python-brygga (python3-uno) saknas här")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) saknas")


def with_companies(count: int) -> slutrapport.Slutrapport:
    """NIS 6.0 with ``count`` made-up companies in its programme's table (totals computed)."""
    return slutrapport.from_data(companies_data(count))


def companies_data(count: int) -> dict[str, Any]:
    """The data of :func:`with_companies`."""
    data, _ = read_yaml(NIS)
    data = copy.deepcopy(data)
    programme = next(s for s in data["avsnitt"] if s.get("id") == "program_for_tillvaxt")
    programme["effekt"]["foretag"] = [
        {"namn": f"Företag {i:05d} AB", "anstallda_fore": i % 40, "anstallda_efter": i % 40 + 1,
         "okning": 1} for i in range(1, count + 1)]
    for key in ("summa", "okning_procent"):
        programme["effekt"].pop(key, None)
    programme.pop("foretag_slut", None)
    text = re.compile(r"\[([^\]]*)\]\(tal:program_for_tillvaxt\.[^)]*\)")

    def unlink(value: Any) -> Any:
        if isinstance(value, str):
            return text.sub(r"\1", value)
        if isinstance(value, dict):
            return {k: unlink(v) for k, v in value.items()}
        if isinstance(value, list):
            return [unlink(v) for v in value]
        return value

    result: dict[str, Any] = unlink(data)
    return result


def body(docx: bytes) -> Any:
    return etree.fromstring(parts(docx)["word/document.xml"]).find(f"{W}body")


def cells(row: Any) -> list[str]:
    return ["".join(t.text or "" for t in cell.iter(f"{W}t")) for cell in row.iter(f"{W}tc")]


def company_tables(docx: bytes) -> list[list[list[str]]]:
    """The tables whose first cell is 'Företagsnamn' (the company table or its parts), as
    text."""
    return [[cells(r) for r in t.iter(f"{W}tr")] for t in body(docx).iter(f"{W}tbl")
            if cells(next(t.iter(f"{W}tr")))[0] == "Företagsnamn"]


# --- the copy LibreOffice lays out ---------------------------------------------------------------

def test_the_nis_report_has_no_long_table_and_is_given_to_libreoffice_as_it_is() -> None:
    """NIS 6.0's tables are short: its copy for LibreOffice is the same bytes, no table split."""
    docx = render_bytes(slutrapport.load(NIS), charts=False)
    copy_, splits = layout_copy(docx)
    assert (copy_ is docx, splits) == (True, [])


def test_a_long_table_is_split_into_parts_with_its_header_and_hidden_paragraphs_between() -> None:
    """2 000 company rows and the sum row: five parts of at most 500 rows, as even as can be
    (401 … 397), each with the header row."""
    docx = render_bytes(with_companies(2000), charts=False)
    whole = company_tables(docx)
    copy_, splits = layout_copy(docx)
    split = company_tables(copy_)
    assert [len(t) for t in whole] == [2002]
    header, rows = whole[0][0], whole[0][1:]
    assert split == [[header, *rows[i * 401:(i + 1) * 401]] for i in range(5)]
    assert [(s.heads, s.overlap, s.rows, len(s.parts)) for s in splits] == [(1, 0, 2001, 5)]
    children = list(body(copy_))
    tables = [i for i, c in enumerate(children) if c.tag == f"{W}tbl"
              and cells(next(c.iter(f"{W}tr")))[0] == "Företagsnamn"]
    separators = [children[i + 1] for i in tables[:-1]]
    assert [(p.tag, p.find(f"{W}pPr/{W}rPr/{W}vanish") is not None, cells(p)) for p in
            separators] == [(f"{W}p", True, [])] * 4
    assert tables == [tables[0] + 2 * k for k in range(5)]
    # the .docx itself is untouched: the table stays whole
    assert company_tables(docx) == whole


def test_for_a_pdf_each_part_begins_a_page_and_ends_with_copies_of_the_next_rows() -> None:
    """overlap=100: parts 2 … 5 have a page break before their header; parts 1 … 4 end with
    the first 100 rows of the part after (the worker keeps those on the last page)."""
    docx = render_bytes(with_companies(2000), charts=False)
    rows = company_tables(docx)[0][1:]
    copy_, splits = layout_copy(docx, overlap=100)
    split = company_tables(copy_)
    starts = [0, 401, 802, 1203, 1604, 2001]
    assert [t[1:] for t in split] == [
        rows[starts[k]:starts[k + 1] + (100 if k < 4 else 0)] for k in range(5)]
    assert [(s.heads, s.overlap, s.rows) for s in splits] == [(1, 100, 2001)]
    breaks = [t.find(f"{W}tr/{W}tc/{W}p/{W}pPr/{W}pageBreakBefore") is not None
              for t in body(copy_).iter(f"{W}tbl")
              if cells(next(t.iter(f"{W}tr")))[0] == "Företagsnamn"]
    assert breaks == [False, True, True, True, True]


# --- LibreOffice with split tables --------------------------------------------------------------

def pdf_pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()]
            for page in text.split("\f")]


@needs_office
@needs_pdftotext
@pytest.mark.libreoffice
def test_a_pdf_of_split_tables_reads_page_by_page_as_the_whole_tables(tmp_path: Path) -> None:
    """600 rows as seven parts of about 100: every page of the table in the PDF holds what
    LibreOffice puts on it when it lays out the whole table (joins at page tops, one header on
    each page)."""
    docx = render_bytes(with_companies(600), charts=False)
    whole, split = tmp_path / "hel.docx", tmp_path / "delad.docx"
    whole.write_bytes(docx)
    data, splits = layout_copy(docx, rows=100, overlap=80)
    split.write_bytes(data)
    with office.OfficePool(1, timeout=300) as pool:
        pool.submit("hel", office.OfficeJob(whole, tmp_path / "hel.pdf"))
        pool.submit("delad", office.OfficeJob(split, tmp_path / "delad.pdf",
                                              splits=[s.as_dict() for s in splits]))
        answers = dict(pool.results())
    assert [type(a) for a in answers.values()] == [office.OfficeResult] * 2
    assert len(splits[0].parts) == 7
    whole_pages, split_pages = pdf_pages(tmp_path / "hel.pdf"), pdf_pages(tmp_path / "delad.pdf")
    last = next(i for i, page in enumerate(whole_pages) if any("Företag 00600" in line
                                                                for line in page))
    # the table's pages are the same, line by line; after it, LibreOffice's layout of the
    # edited document may keep a heading with its text on the next page where a fresh layout
    # didn't (a valid layout, the same text in the same order)
    assert split_pages[3:last + 1] == whole_pages[3:last + 1]
    assert [line for page in split_pages[3:] for line in page if "slutrapport · Sida" not in line
            ] == [line for page in whole_pages[3:] for line in page
                  if "slutrapport · Sida" not in line]
    assert (len(split_pages), answers["delad"].pages) == (len(whole_pages),
                                                          answers["hel"].pages)


# --- a failing LibreOffice never costs the .docx ------------------------------------------------

def fake_soffice(folder: Path, body_: str) -> Path:
    path = folder / "soffice"
    path.write_text(f"#!/bin/sh\n{body_}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


CRASH = """
for arg in "$@"; do
  case "$arg" in --accept=pipe,name=*) pipe=${arg#--accept=pipe,name=};; esac
done
pipe=${pipe%%;*}
SOFFICE "$@" &
while [ ! -e "/tmp/OSL_PIPE_$(id -u)_$pipe" ]; do sleep 0.1; done
sleep 1
kill -9 0
"""
"""A LibreOffice that crashes (its whole process group killed) a while after it answers."""


FAILURES = {
    "hänger": ("exec sleep 600", ["--timeout", "2"],
               "LibreOffice blev inte klart inom 2 sekunder och avbröts."),
    "saknas": (None, [], None),
}


def failing(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], str]:
    """Set up a LibreOffice that fails as ``name`` says; the extra CLI options and the reason."""
    body_, options, why = FAILURES[name]
    if name == "saknas":
        monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(tmp_path / "finns-inte"))
        return options, f"eftersom LibreOffice saknas här. {office.INSTALL_HINT}"
    assert body_ is not None and why is not None
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(fake_soffice(tmp_path, body_)))
    return options, why


@needs_uno
@pytest.mark.parametrize("name", sorted(FAILURES))
def test_a_docx_is_written_with_its_contents_for_word_when_libreoffice_hangs_or_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """LibreOffice missing, or hanging past --timeout: the .docx is written, Word is asked to
    fill the contents, and a warning says why; exit 0."""
    options, why = failing(name, tmp_path, monkeypatch)
    out = tmp_path / "rapport.docx"
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o", str(out), "--no-charts",
                                       "-q", *options])
    separator = "," if why.startswith("eftersom") else "."
    assert (result.exit_code, result.stderr.splitlines()[-1], result.stdout) == (
        0, f"Obs: Innehållsförteckningen fylls i av Word när dokumentet öppnas{separator} {why}",
        f"Skrev {out}\n")
    assert b'<w:updateFields w:val="true"/>' in parts(out.read_bytes())["word/settings.xml"]


@needs_uno
@pytest.mark.parametrize("name", sorted(FAILURES))
def test_a_pdf_fails_with_the_reason_when_libreoffice_hangs_or_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The same failures for a PDF: exit 2 with the reason, and no file."""
    options, why = failing(name, tmp_path, monkeypatch)
    if name == "saknas":
        why = f"LibreOffice saknas. {office.INSTALL_HINT}"
    out = tmp_path / "rapport.pdf"
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o", str(out), "--no-charts",
                                       "-q", *options])
    assert (result.exit_code, result.stderr.splitlines()[-1], result.stdout,
            out.exists()) == (2, f"Fel i LibreOffice: {why}", "", False)


@pytest.fixture(scope="module")
def ten_thousand_rows() -> slutrapport.Slutrapport:
    """A report LibreOffice works on for seconds: 10 000 company rows."""
    return with_companies(10000)


@needs_office
@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_libreoffice_that_crashes_while_it_works_costs_the_pdf_but_never_the_docx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str,
    ten_thousand_rows: slutrapport.Slutrapport
) -> None:
    """LibreOffice killed a second after it answers, while it lays out 10 000 rows: the .docx
    is written with a warning, the PDF fails; both say that LibreOffice ended unexpectedly."""
    soffice = office.find_soffice()
    assert soffice is not None
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE",
                       str(fake_soffice(tmp_path, CRASH.replace("SOFFICE", soffice))))
    out = tmp_path / f"rapport.{kind}"
    why = "LibreOffice avslutades oväntat medan det arbetade med dokumentet."
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if kind == "pdf":
            with pytest.raises(ConversionError) as failed:
                render(ten_thousand_rows, out, charts=False)
            assert (str(failed.value), out.exists()) == (why, False)
        else:
            render(ten_thousand_rows, out, charts=False)
            assert b'<w:updateFields w:val="true"/>' in parts(out.read_bytes())[
                "word/settings.xml"]
    assert [str(w.message) for w in caught] == (
        [] if kind == "pdf" else
        [f"Innehållsförteckningen fylls i av Word när dokumentet öppnas. {why}"])


# --- batches -------------------------------------------------------------------------------------

@needs_office
@pytest.mark.libreoffice
def test_one_bad_report_in_a_batch_fails_alone_and_the_others_are_written(
    tmp_path: Path
) -> None:
    """Four data files to PDF, one not YAML and one with an unknown field: the two good PDFs
    are written, and the call exits 2 naming the two others and why."""
    good = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    shutil.copy(LAPPLAND, good[0])
    shutil.copy(NIS, good[1])
    broken = tmp_path / "c.yaml"
    broken.write_text("projekt: [\n", encoding="utf-8")
    unknown = tmp_path / "d.yaml"
    unknown.write_text(LAPPLAND.read_text(encoding="utf-8").replace("projekt:\n",
                                                                   "projekt:\n  okant: 1\n", 1),
                       encoding="utf-8")
    out = tmp_path / "ut"
    result = CliRunner().invoke(main, ["render", *map(str, [*good, broken, unknown]), "-o",
                                       str(out), "--to", "pdf", "--no-charts", "-q", "-j", "2"])
    errors = []
    for path in (broken, unknown):
        with pytest.raises(InputError) as refused:
            slutrapport.load(path)
        errors.append(str(refused.value))
    assert (result.exit_code, result.stdout, result.stderr.split("Några rapporter")[1]) == (
        2, f"Skrev {out / 'a.pdf'}\nSkrev {out / 'b.pdf'}\n",
        f" skrevs inte: 2 av 4 rapporter kunde inte skrivas:\n  {broken}: {errors[0]}\n"
        f"  {unknown}: {errors[1]}\n")
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf", "b.pdf"]
    assert [(out / n).read_bytes()[:5] for n in ("a.pdf", "b.pdf")] == [b"%PDF-"] * 2


@needs_uno
def test_in_a_batch_a_pdf_libreoffice_cannot_finish_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """render_many with a LibreOffice that never answers: each PDF fails with the reason, by
    name, in one BatchError; nothing is written."""
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(fake_soffice(tmp_path, "exec sleep 600")))
    report = slutrapport.load(LAPPLAND)
    outputs = [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    with pytest.raises(BatchError) as failed:
        render_many([report, report], outputs, charts=False, timeout=1, jobs=2)
    why = "LibreOffice blev inte klart inom 1 sekunder och avbröts."
    assert str(failed.value) == (f"2 av 2 rapporter kunde inte skrivas:\n  {outputs[0]}: {why}"
                                 f"\n  {outputs[1]}: {why}")
    assert [type(e) for _, e in failed.value.failures] == [ConversionError] * 2
    assert [p.exists() for p in outputs] == [False, False]


# --- PDF and .docx in memory ------------------------------------------------------------------

@needs_office
def test_render_to_pdf_gives_pdf_bytes_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """render(report, to="pdf") returns a PDF, leaving the working folder as it was."""
    monkeypatch.chdir(tmp_path)
    pdf = slutrapport.render(slutrapport.load(LAPPLAND), to="pdf", charts=False)
    docx = slutrapport.render(slutrapport.load(LAPPLAND), to="docx", charts=False,
                              contents=False)
    assert (pdf[:5], docx[:2], list(tmp_path.iterdir())) == (b"%PDF-", b"PK", [])
    assert zipfile.ZipFile(io.BytesIO(docx)).testzip() is None


def test_render_refuses_a_format_it_does_not_know() -> None:
    """to="odt" is a ValueError that names the two formats."""
    with pytest.raises(ValueError) as refused:
        render(slutrapport.load(LAPPLAND), to="odt")
    assert str(refused.value) == "to ska vara 'docx' eller 'pdf', inte 'odt'"


# --- progress ------------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


def yaml_text(data: Any) -> str:
    """Data as the YAML a user writes (a Decimal as its Swedish text)."""
    import yaml

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value).replace(".", ",")
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return [plain(v) for v in value] if isinstance(value, list) else value

    return str(yaml.safe_dump(plain(data), allow_unicode=True))


def run_on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; its exit code and what the terminal got."""
    import pty

    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    child = subprocess.Popen([sys.executable, "-c", "from slutrapport.cli import main; main()",
                              *args], cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=secondary, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the child has closed the terminal (EIO)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    return child.wait(timeout=300), ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


@needs_office
@pytest.mark.libreoffice
def test_a_render_over_a_second_shows_its_stage_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal, filling the contents of 3 000 rows (seconds) shows the report's name and
    stage."""
    (tmp_path / "stor.yaml").write_text(yaml_text(companies_data(3000)), encoding="utf-8")
    code, shown = run_on_a_terminal(["render", "stor.yaml", "-o", "r.docx", "--no-charts"],
                                    tmp_path)
    assert code == 0
    assert "stor.yaml fyller i innehållsförteckningen" in re.sub(r" +", " ", shown)


@needs_office
@pytest.mark.libreoffice
def test_a_batch_shows_a_bar_per_report_on_a_terminal(tmp_path: Path) -> None:
    """Two reports to PDF, of 1 000 rows each (LibreOffice writes each for a second or more,
    past the display's first second): each has its line with a bar and its stage."""
    text = yaml_text(companies_data(1000))
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, shown = run_on_a_terminal(["render", "a.yaml", "b.yaml", "-o", "ut", "--to", "pdf",
                                     "--no-charts"], tmp_path)
    lines = [re.sub(r" +", " ", line) for line in shown.splitlines()]
    assert code == 0
    for name in ("a.yaml", "b.yaml"):
        assert any(re.search(rf"{name} [━╸╺ ]+ skriver PDF", line) for line in lines), name


@needs_office
@pytest.mark.libreoffice
@pytest.mark.parametrize("how", ["--quiet", "pipe"])
def test_nothing_of_the_progress_shows_with_quiet_or_off_a_terminal(tmp_path: Path,
                                                                    how: str) -> None:
    """With --quiet on a terminal, or stderr not a terminal, no stage is shown."""
    args = ["render", str(LAPPLAND), "-o", "r.docx", "--no-charts"]
    if how == "--quiet":
        code, shown = run_on_a_terminal([*args, "--quiet"], tmp_path)
    else:
        done = subprocess.run([sys.executable, "-c", "from slutrapport.cli import main; main()",
                               *args], cwd=tmp_path, capture_output=True, text=True, check=False,
                              env={**os.environ, "TERM": "xterm-256color"})
        code, shown = done.returncode, done.stderr
    assert code == 0
    assert [stage for stage in ("läser", "kontrollerar", "fyller i", "väntar") if stage in
            shown] == []


@needs_office
@pytest.mark.libreoffice
def test_a_libreoffice_is_started_afresh_after_its_quota_of_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With recycle=2, five documents through one slot take three LibreOffices, and every
    document is converted."""
    started: list[Path | None] = []
    real = office._Worker.__init__

    def counting(self: office._Worker, python: str, soffice: str, folder: Path | None = None,
                 also: Any = ()) -> None:
        started.append(folder)
        real(self, python, soffice, folder, also)

    monkeypatch.setattr(office._Worker, "__init__", counting)
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_bytes(slutrapport.load(LAPPLAND), charts=False))
    with office.OfficePool(1, timeout=120, recycle=2) as pool:
        for i in range(5):
            pool.submit(i, office.OfficeJob(docx, tmp_path / f"r{i}.pdf"))
        answers = dict(pool.results())
    assert (len(started), sorted(answers), {type(a) for a in answers.values()}) == (
        3, [0, 1, 2, 3, 4], {office.OfficeResult})


@needs_office
@pytest.mark.libreoffice
def test_after_a_libreoffice_that_hangs_a_fresh_one_takes_the_next_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first LibreOffice never answers: its document fails at the time limit, and the next
    document is converted by a fresh LibreOffice."""
    soffice = office.find_soffice()
    assert soffice is not None
    marker = tmp_path / "hung"
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(fake_soffice(
        tmp_path, f'if [ ! -e "{marker}" ]; then touch "{marker}"; exec sleep 600; fi\n'
                  f'exec {soffice} "$@"')))
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_bytes(slutrapport.load(LAPPLAND), charts=False))
    # the limit leaves a fresh LibreOffice time to start and convert on a loaded machine
    with office.OfficePool(1, timeout=20) as pool:
        for i in range(2):
            pool.submit(i, office.OfficeJob(docx, tmp_path / f"r{i}.pdf"))
        answers = dict(pool.results())
    assert (str(answers[0]), type(answers[1]), (tmp_path / "r1.pdf").read_bytes()[:5]) == (
        "LibreOffice blev inte klart inom 20 sekunder och avbröts.", office.OfficeResult,
        b"%PDF-")
