"""Rendering the NIS 6.0 report into Word: content, Swedish figures, structure, strict XML."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

import slutrapport
from slutrapport.cli import main
from slutrapport.errors import OutputError
from slutrapport.rendering import render_bytes
from tests.docxread import document_text, outline, parts

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_3e7cfc8fc2e77f87.txt"
GOLDEN = Path(__file__).parent / "golden" / "nis60.txt"


@pytest.fixture(scope="module")
def nis_docx() -> bytes:
    return render_bytes(slutrapport.load(slutrapport.example_path()))


def _norm(text: str) -> str:
    text = text.replace("\u2212", "-").replace("\u2013", "-").replace("*", "")
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)  # a Markdown autolink shows its address
    return re.sub(r"[\s\u00a0\u202f\u200b]", "", text).lower()


@pytest.mark.skipif(not SEED.exists(), reason=f"the reference report is not at {SEED}")
def test_rendered_report_holds_at_least_99_percent_of_the_seed_lines(nis_docx: bytes) -> None:
    """With whitespace and the seed's Markdown (emphasis, list marks, autolinks) set aside,
    ≥ 99 % of the seed's lines (contents aside) are in the text."""
    text = _norm(document_text(nis_docx))
    lines = [re.sub(r"^-\s+", "", line.strip()) for line in SEED.read_text("utf-8").splitlines()]
    lines = [line for line in lines if line and not re.search(r"\.{4,}\s*\d+$", line)]
    missing = [line for line in lines if _norm(line) not in text]
    assert len(missing) / len(lines) <= 0.01, missing
    # The one line left is the sentence the template writes, with the comma the reference lacks.
    assert missing == ["Utfallet blev 15 470 690kr det vill säga 1 242 340kr under budget."]


def test_rendered_report_matches_the_golden_outline(nis_docx: bytes) -> None:
    """The whole rendered text, paragraph by paragraph with styles, equals the golden file."""
    if os.environ.get("SLUTRAPPORT_REGEN"):
        GOLDEN.write_text(outline(nis_docx), encoding="utf-8")
    assert outline(nis_docx) == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "expected",
    [
        "Projektet hade en totalbudget på 16\u00a0713\u00a0030\u00a0kr.",
        "Utfallet blev 15\u00a0470\u00a0690\u00a0kr, det vill säga "
        "1\u00a0242\u00a0340\u00a0kr under",
        "| Kvinnor | 1\u00a0466 | 49,7\u00a0% |",
        "| Män | 1\u00a0483 | 50,3\u00a0% |",
        "| Friluftsbutiken Skog & Rök | 2 | 0 | \u22122 |",
        "| Automattolerans/Smejtec AB | 2,5 | 4 | 1,5 |",
        "| Summa antal anställda | 159,5 | 202 | 43,5 |",
        "| Schablonkostnader | 4\u00a0758\u00a0531* |",
        "| Personal | 7\u00a0095\u00a0150 |",
        "[Subtitle] NIS 6.0 · 2019\u20132022",
        "[BodyText] december 2022",
    ],
)
def test_figures_come_out_the_swedish_way_by_code_point(nis_docx: bytes, expected: str) -> None:
    """Amounts, head counts, shares, minus signs and ranges use NBSP, U+2212 and the en dash."""
    assert expected in outline(nis_docx)


def test_every_xml_part_parses_strictly_and_python_docx_reopens_it(nis_docx: bytes) -> None:
    """Every XML part parses without recovery, and python-docx opens the document again."""
    strict = etree.XMLParser(recover=False, resolve_entities=False)
    for name, blob in parts(nis_docx).items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(blob, strict)
    document = docx.Document(io.BytesIO(nis_docx))
    assert len(document.tables) == 6


def test_headings_lists_and_links_are_real_word_structures(nis_docx: bytes) -> None:
    """Headings use heading styles, bullets list styles, and the website is a clickable link."""
    document = docx.Document(io.BytesIO(nis_docx))
    by_style: dict[str, list[str]] = {}
    for p in document.paragraphs:
        by_style.setdefault(p.style.name if p.style else "", []).append(p.text)
    assert by_style["Heading 1"][:4] == ["NIS 6.0 inleddes", "Coronapandemin.", "Aktiviteterna.",
                                         "Horisontella kriterier"]
    assert by_style["Heading 2"][-5:] == ["ROBERTSFORS", "VINDELN", "VÄNNÄS", "BJURHOLM",
                                          "NORDMALING"]
    assert "Ekonomi" in by_style["Heading 1"]
    assert len(by_style["Sammanfattning"]) == 6
    assert "CadCam" in by_style["List Bullet"]
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert links == ["https://www.nis60.se/"]


def test_cli_render_writes_the_report_and_exits_0_despite_findings(tmp_path: Path) -> None:
    """Without --strict the report is written although the data has errors; exit 0."""
    out = tmp_path / "nis60.docx"
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path()), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Skrev {out}\n"
    assert "3 fel, 2 varningar, 2 upplysningar" in result.stderr
    assert out.read_bytes()[:2] == b"PK"


def test_cli_render_strict_refuses_on_errors_and_writes_nothing(tmp_path: Path) -> None:
    """With --strict, errors in the data stop the render: exit 1 and no file."""
    out = tmp_path / "nis60.docx"
    args = ["render", str(slutrapport.example_path()), "-o", str(out), "--strict"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Stoppad: rapporten skrevs inte: kontrollerna hittade 3 fel (--strict).\n")
    assert not out.exists()
    assert os.listdir(tmp_path) == []


def test_api_render_to_path_and_to_bytes_agree(tmp_path: Path) -> None:
    """slutrapport.render writes the same bytes it returns."""
    report = slutrapport.load(slutrapport.example_path())
    out = tmp_path / "r.docx"
    assert slutrapport.render(report, out) == out.read_bytes()


def test_users_own_template_with_documented_variables_renders(tmp_path: Path) -> None:
    """A user's own .docx using the documented variables and filters works with --template."""
    own = docx.Document()
    own.add_paragraph("{{ projekt.kortnamn }}: {{ projekt.namn }} ({{ projekt.period|period }})")
    own.add_paragraph("Budget {{ ekonomi.budget|kr }}, {{ ekonomi.budgetavvikelse|kr }} "
                      "{{ ekonomi.budget_riktning }} budget.")
    own.add_paragraph("{%p for post in ekonomi.kostnader %}")
    own.add_paragraph("{{ post.kategori }}: {{ post.belopp|tal }}{{ post.markering }}")
    own.add_paragraph("{%p endfor %}")
    own.add_paragraph("{{p inledning.text }}")
    path = tmp_path / "egen.docx"
    own.save(str(path))
    out = tmp_path / "ut.docx"
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path()), "-o", str(out),
                                       "--template", str(path), "--no-contents", "-q"])
    assert result.exit_code == 0, result.output
    lines = outline(out.read_bytes()).splitlines()
    assert lines[:7] == [
        "[Normal] NIS 6.0: Näringsliv i samverkan (2019\u20132022)",
        "[Normal] Budget 16\u00a0713\u00a0030\u00a0kr, 1\u00a0242\u00a0340\u00a0kr under budget.",
        "[Normal] Externa tjänster: 2\u00a0931\u00a0397",
        "[Normal] Material och lokaler: 565\u00a0350",
        "[Normal] Personal: 7\u00a0095\u00a0150",
        "[Normal] Resor o logi: 120\u00a0266",
        "[Normal] Schablonkostnader: 4\u00a0758\u00a0531*",
    ]
    assert lines[7].startswith("[BodyText] NIS 6.0 inleddes med att projektet")


def test_cli_render_into_a_missing_folder_exits_2_without_a_traceback(tmp_path: Path) -> None:
    """An output folder that does not exist is an OutputError (exit 2), not a traceback."""
    out = tmp_path / "saknas" / "nis60.docx"
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path()), "-o", str(out),
                                       "--no-contents", "-q"])
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Kan inte skriva: {out}: kan inte skrivas (mappen {out.parent} finns inte)\n")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/r.doc"],
         "Fel i indata: {tmp}/r.doc: utfilen ska sluta på .docx eller .pdf (en mapp anges med / "
         "på slutet)\n"),
        (["-o", "{tmp}/r.odt", "--to", "pdf"],
         "Fel i indata: {tmp}/r.odt: utfilen ska sluta på .docx eller .pdf (en mapp anges med / "
         "på slutet)\n"),
        (["-o", "{tmp}/r", "--to", "docx"],
         "Fel i indata: {tmp}/r: utfilen ska sluta på .docx eller .pdf (en mapp anges med / på "
         "slutet)\n"),
        (["-o", "{tmp}/r.docx", "--to", "pdf"],
         "Fel i indata: {tmp}/r.docx: filen slutar på .docx men --to pdf skulle skriva en PDF; "
         "ändra ändelsen eller utelämna --to\n"),
        (["-o", "{tmp}/r.pdf", "--to", "docx"],
         "Fel i indata: {tmp}/r.pdf: filen slutar på .pdf men --to docx skulle skriva ett "
         "Word-dokument; ändra ändelsen eller utelämna --to\n"),
        (["{example}", "-o", "{tmp}/båda.pdf"],
         "Kan inte skriva: {tmp}/båda.pdf: med flera indatafiler ska -o vara en mapp, men namnet "
         "slutar på .pdf; skriv en mapp (till exempel {tmp}/båda/) och välj formatet med --to\n"),
        (["-o", "{tmp}/r.docx", "--template", "{tmp}/saknas.docx"],
         "Fel i mallen: {tmp}/saknas.docx: mallen finns inte\n"),
    ],
    ids=["doc", "odt-with-to", "no-suffix-with-to", "docx-to-pdf", "pdf-to-docx",
         "several-to-a-file-name", "missing-template"],
)
def test_cli_render_refuses_an_output_name_that_contradicts_its_format_before_any_work(
        tmp_path: Path, args: list[str], message: str) -> None:
    """An output whose name is no .docx or .pdf, contradicts --to, or is a file name for several
    reports, and a missing template, are refused at once: exit 2, nothing else printed."""
    example = str(slutrapport.example_path("lappland20"))
    filled = [a.format(tmp=tmp_path, example=example) for a in args]
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path()), *filled])
    assert (result.exit_code, result.stderr) == (2, message.format(tmp=tmp_path))
    assert os.listdir(tmp_path) == []


def test_unknown_filter_in_a_template_is_named_with_the_nearest_one(tmp_path: Path) -> None:
    """A misspelt filter is reported in Swedish with the filter the template probably meant."""
    own = docx.Document()
    own.add_paragraph("{{ ekonomi.budget|krr }}")
    path = tmp_path / "egen.docx"
    own.save(str(path))
    with pytest.raises(slutrapport.TemplateError, match="filtret 'krr' finns inte; menade du 'kr'"):
        render_bytes(slutrapport.load(slutrapport.example_path()), template=path, charts=False)


def test_an_output_ending_in_a_slash_is_a_folder_also_for_one_report(tmp_path: Path) -> None:
    """'-o ut/' with one data file makes the folder and writes the report in it by its name."""
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path("lappland20")),
                                       "-o", f"{tmp_path / 'ut'}/", "--no-contents", "-q"])
    out = tmp_path / "ut" / "lappland20.docx"
    assert (result.exit_code, result.stdout, os.listdir(tmp_path / "ut")) == (
        0, f"Skrev {out}\n", ["lappland20.docx"])


@pytest.mark.parametrize(("name", "to", "message"), [
    ("r.txt", None, "{out}: utfilen ska sluta på .docx eller .pdf (eller ange formatet med to=)"),
    ("r.docx", "pdf", "{out}: filen slutar på .docx men formatet är pdf; ändra ändelsen eller "
                      "formatet"),
    ("r.pdf", "docx", "{out}: filen slutar på .pdf men formatet är docx; ändra ändelsen eller "
                      "formatet"),
], ids=["txt", "docx-to-pdf", "pdf-to-docx"])
def test_the_api_refuses_an_output_name_that_contradicts_its_format(
        tmp_path: Path, name: str, to: str | None, message: str) -> None:
    """render() writes no .docx named .txt and no PDF named .docx: an OutputError, no file."""
    out = tmp_path / name
    with pytest.raises(OutputError) as refused:
        slutrapport.render(slutrapport.load(slutrapport.example_path("lappland20")), out, to=to,
                           contents=False, charts=False)
    assert (str(refused.value), os.listdir(tmp_path)) == (message.format(out=out), [])


UNWRITABLE_FOLDERS = {
    "mappen saknas": ("saknas/r.pdf", "mappen {tmp}/saknas finns inte"),
    "mappen är en fil": ("fil.txt/r.pdf", "en del av sökvägen är ingen mapp"),
}
"""Outputs whose folder can't take a file, and the reason said: a missing folder, and a file
where the folder should be."""


@pytest.mark.parametrize("case", list(UNWRITABLE_FOLDERS))
def test_an_output_whose_folder_cannot_take_it_is_refused_before_the_report_is_read(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF into a missing folder, or through a file named as a folder, is refused at once
    (exit 2, the reason said), before the data is read or LibreOffice started."""
    import slutrapport.loader

    (tmp_path / "fil.txt").write_text("x", encoding="utf-8")
    name, why = UNWRITABLE_FOLDERS[case]
    out = tmp_path / name

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("rapporten lästes")

    monkeypatch.setattr(slutrapport.loader, "load", never)
    result = CliRunner().invoke(main, ["render", str(slutrapport.example_path()), "-o", str(out),
                                       "-q"])
    assert (result.exit_code, result.stderr) == (
        2, f"Kan inte skriva: {out}: kan inte skrivas ({why.format(tmp=tmp_path)})\n")
    assert list(tmp_path.iterdir()) == [tmp_path / "fil.txt"]
