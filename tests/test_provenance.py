"""Every figure traceable (issue 23): the record of provenance of NIS 6.0 with its registers, the
annex, 'slutrapport ursprung' and '--jamfor', and the bad inputs of each."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from lxml import etree
from openxml_audit import FileFormat, OpenXmlValidator

from slutrapport import example_path, load
from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.document import render_bytes
from slutrapport.provenance import (
    ANNEX_HEADING,
    compare,
    compare_text,
    explain,
    explain_text,
    to_json,
    trace,
    with_annex,
)
from slutrapport.registers import read_registers
from tests.docxread import outline
from tests.registerdata import LOG, LOG_HEADER, D, make, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
NUMBER = re.compile(r"\d+(?:\.\d+)+|[−-]?\d+(?:[ \u00a0]\d{3})*(?:,\d+)?")
"""A number as the document writes it (a dotted one, ``NIS 6.0``, is a name, not a figure)."""


def numbers(text: str) -> list[Decimal]:
    """The numbers written in a text, as values; a number that is part of a word (``RCO01``,
    ``okt-22``) or dotted (``NIS 6.0``) is a name, not a figure."""
    out = []
    for m in NUMBER.finditer(text):
        digits = m.start() + (1 if m.group(0)[0] in "-−" else 0)
        word = re.search(r"[^\W\d_][-−]?$", text[:digits]) is not None
        if "." not in m.group(0) and not word:
            out.append(Decimal(m.group(0).replace("−", "-").replace(" ", "")
                               .replace("\u00a0", "").replace(",", ".")))
    return out


def runs(rows: list[int]) -> str:
    """Row numbers as runs: 3, 10, 21–22."""
    out: list[list[int]] = []
    for n in rows:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in out)


def with_registers(folder: Path, name: str = "nis60") -> Path:
    """The example report with its registers appended, in folder (registers copied beside)."""
    shutil.copytree(ROOT / "fixtures" / "register" / name, folder / "register" / name)
    path = folder / f"{name}.yaml"
    path.write_text((ROOT / "fixtures" / f"{name}.yaml").read_text(encoding="utf-8")
                    + (ROOT / "fixtures" / "register" / f"{name}-register.yaml")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def nis60(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NIS 6.0 with its registers, in a folder of its own."""
    return with_registers(tmp_path_factory.mktemp("nis60"))


@pytest.fixture(scope="module")
def record(nis60: Path) -> dict[str, Any]:
    """NIS 6.0's record of provenance."""
    return trace(load(nis60))


@pytest.fixture(scope="module")
def document(nis60: Path) -> bytes:
    """NIS 6.0 rendered (.docx, Word charts)."""
    return render_bytes(load(nis60))


def _paragraph_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def layout(body: etree._Element) -> Counter[Decimal]:
    """The numbers of the document that are layout, not figures: the title page's project facts
    (period, date, web address), caption numbers and the headings in captions, table heading
    rows (the data's column titles, ``2019``), a cross-reference's number (``Bild 1``: a REF
    field's result) and the template's own ``100 %`` in the total row of a table of
    participants."""
    out: Counter[Decimal] = Counter()
    children = list(body.find(f"{W}body"))
    first_summary = next(i for i, el in enumerate(children)
                         if el.find(f"{W}pPr/{W}pStyle[@{W}val='Sammanfattning']") is not None)
    for el in children[:first_summary]:
        out.update(numbers(" ".join(_paragraph_text(p) for p in el.iter(f"{W}p"))))
    for p in body.iter(f"{W}p"):
        if p.find(f"{W}pPr/{W}pStyle[@{W}val='Caption']") is not None:
            out.update(numbers(_paragraph_text(p)))
    for tr in body.iter(f"{W}tr"):
        if tr.find(f"{W}trPr/{W}tblHeader") is not None:
            out.update(numbers(" ".join(_paragraph_text(p) for p in tr.iter(f"{W}p"))))
    for p in body.iter(f"{W}p"):
        shown, instr = "", ""  # the runs between a REF field's separator and its end
        for el in p.iter(f"{W}fldChar", f"{W}instrText", f"{W}t"):
            if el.tag == f"{W}fldChar":
                kind = el.get(f"{W}fldCharType")
                if kind == "begin":
                    instr, shown = "", ""
                elif kind == "end" and instr.split()[:1] == ["REF"]:
                    out.update(numbers(shown))
                    instr = ""
                elif kind == "separate":
                    shown = ""
            elif el.tag == f"{W}instrText":
                instr += el.text or ""
            elif instr:
                shown += el.text or ""
    for tc in body.iter(f"{W}tc"):
        if " ".join(_paragraph_text(p) for p in tc.iter(f"{W}p")) == "100\u00a0%":
            out[Decimal(100)] += 1
    return out


def _every_number_has_a_record(document: bytes, record: dict[str, Any]) -> None:
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml"))
    shown: Counter[Decimal] = Counter()
    for p in body.iter(f"{W}p"):
        shown.update(numbers(_paragraph_text(p)))
    recorded: Counter[Decimal] = Counter()
    for r in record["tal"]:
        if r["plats"]["typ"] != "diagram":
            recorded.update(numbers(r["utskrivet"]))
    package = zipfile.ZipFile(io.BytesIO(document))
    margins = [outside_fields(etree.fromstring(package.read(n))) for n in package.namelist()
               if re.fullmatch(r"word/(header|footer)\d*\.xml", n)]
    assert (shown - layout(body) - recorded, recorded - shown, margins) == (
        Counter(), Counter(), [[] for _ in margins])


def outside_fields(root: etree._Element) -> list[Decimal]:
    """The numbers of a header or footer that are not a field's result (the page number, the
    number of pages: layout)."""
    out: list[str] = []
    in_result = False
    for el in root.iter(f"{W}fldChar", f"{W}t"):
        if el.tag == f"{W}fldChar":
            in_result = el.get(f"{W}fldCharType") == "separate"
        elif not in_result:
            out.append(el.text or "")
    return numbers(" ".join(out))


def test_every_number_in_the_text_and_tables_has_a_record_or_is_layout(
        document: bytes, record: dict[str, Any]) -> None:
    """Each number in NIS 6.0's paragraphs and table cells is a record's printed figure or named
    layout, and each record's figure stands in the document: nothing more, nothing less."""
    _every_number_has_a_record(document, record)


@pytest.mark.parametrize("name", ["lappland20", "nis70"])
def test_the_other_examples_have_a_record_for_every_number_too(name: str) -> None:
    """The same holds for the other two examples (a general table made in Python, indicator
    codes, two tables of participants)."""
    report = load(ROOT / "fixtures" / f"{name}.yaml")
    _every_number_has_a_record(render_bytes(report, charts=False), trace(report, charts=False))


def test_every_bar_of_every_chart_has_a_record(document: bytes, record: dict[str, Any]) -> None:
    """Each chart's figures (its workbook cache) are its records' figures, and each label's
    text (the shares and earlier figures beside a bar) stands in its records' printed text."""
    package = zipfile.ZipFile(io.BytesIO(document))
    charts = sorted((n for n in package.namelist()
                     if re.fullmatch(r"word/charts/chart\d+\.xml", n)),
                    key=lambda n: int(re.findall(r"\d+", n)[0]))
    for number, name in enumerate(charts, start=1):
        root = etree.fromstring(package.read(name))
        values = Counter(Decimal(v.text or "") for v in root.iter(f"{C}v")
                         if v.getparent() is not None and v.getparent().getparent() is not None
                         and v.getparent().getparent().tag == f"{C}numCache")
        labels: Counter[Decimal] = Counter()
        for fmt in root.iter(f"{C}numFmt"):
            for quoted in re.findall(r'"([^"]*)"', fmt.get("formatCode", "")):
                labels.update(numbers(quoted))
        mine = [r for r in record["tal"] if r["plats"]["typ"] == "diagram"
                and r["plats"]["bildtext"].startswith(f"Diagram {number}:")]
        printed: Counter[Decimal] = Counter()
        for r in mine:
            printed.update(numbers(r["utskrivet"]))
        assert (values, labels - printed) == (Counter(Decimal(r["tal"]) for r in mine), Counter())


def test_the_259_company_visits_list_exactly_the_rows_counted(nis60: Path,
                                                             record: dict[str, Any]) -> None:
    """The record of the 259 företagsbesök lists the activity log's rows of that area, no more."""
    report = load(nis60)
    rows = [r.rad for r in read_registers(report).aktivitetslogg if r.omrade == "foretagsbesok"]
    [visits] = explain(record, "aktiviteterna.omraden[0].antal")
    counted = [o for o in visits["ursprung"] if o["typ"] == "raknat"]
    assert (len(rows), [(o["antal_rader"], o["rader"], o["tal"], o["stammer"]) for o in counted]
            ) == (259, [(259, rows, "259", True)])


def test_the_4_kr_difference_stands_as_stated_against_counted(nis60: Path,
                                                             record: dict[str, Any]) -> None:
    """The outcome's record: stated 15 470 690 at its line, counted 15 470 694 from every
    ledger row, not agreeing."""
    ledger = nis60.parent / "register" / "nis60" / "huvudbok.csv"
    [outcome] = explain(record, "ekonomi.utfall")
    assert outcome["ursprung"] == [
        {"typ": "angivet", "fil": "nis60.yaml", "rad": 504, "falt": "ekonomi.utfall",
         "tal": "15470690"},
        {"typ": "raknat", "register": "kostnader", "namn": "huvudboken",
         "fil": "register/nis60/huvudbok.csv",
         "sha256": hashlib.sha256(ledger.read_bytes()).hexdigest(), "blad": None,
         "regel": "Utfall: summan av beloppen för de slag rapporten har, i ören, avrundad en "
                  "gång till hela kronor",
         "rader": list(range(2, 590)), "antal_rader": 588, "tal": "15470694", "stammer": False},
    ]


def test_the_record_is_the_same_bytes_each_time_and_follows_its_schema(
        nis60: Path, record: dict[str, Any]) -> None:
    """Tracing again gives the same JSON, and the JSON is valid by docs/sparbarhet.schema.json."""
    schema = json.loads((ROOT / "docs" / "sparbarhet.schema.json").read_text(encoding="utf-8"))
    again = to_json(trace(load(nis60)))
    errors = jsonschema.Draft202012Validator(schema).iter_errors(json.loads(again))
    assert ([e.message for e in errors], again) == ([], to_json(record))


@pytest.mark.parametrize("name", ["lappland20", "nis70"])
def test_the_other_examples_records_follow_the_schema(name: str) -> None:
    """The records of the other two examples are valid by docs/sparbarhet.schema.json too."""
    schema = json.loads((ROOT / "docs" / "sparbarhet.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(to_json(trace(load(ROOT / "fixtures" / f"{name}.yaml"))))
    assert [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)] == []


def test_render_writes_the_record_beside_the_document_and_the_annex_in_it(
        tmp_path: Path) -> None:
    """render --sparbarhet --bilaga-sparbarhet writes UT.sparbarhet.json, the record the library
    gives of the report as written (the annex has no figure of its own), and the annex last."""
    report = with_registers(tmp_path)
    result = CliRunner().invoke(main, ["render", str(report), "-o", str(tmp_path / "ut.docx"),
                                       "--no-contents", "--sparbarhet", "--bilaga-sparbarhet",
                                       "-q"])
    text = outline(tmp_path / "ut.docx")
    assert (result.exit_code, result.stdout, text.count(f"[Heading1] {ANNEX_HEADING}\n")) == (
        0, f"Skrev {tmp_path / 'ut.docx'}\nSkrev {tmp_path / 'ut.sparbarhet.json'}\n", 1)
    assert (tmp_path / "ut.sparbarhet.json").read_text(encoding="utf-8") == \
        to_json(trace(load(report)))


def test_the_record_is_not_written_where_it_must_not_be(tmp_path: Path) -> None:
    """A record whose place is a folder is refused before anything is written (exit 2)."""
    report = with_registers(tmp_path)
    (tmp_path / "ut.sparbarhet.json").mkdir()
    result = CliRunner().invoke(main, ["render", str(report), "-o", str(tmp_path / "ut.docx"),
                                       "--no-contents", "--sparbarhet", "-q"])
    assert (result.exit_code, result.stderr, (tmp_path / "ut.docx").exists()) == (
        2, f"Kan inte skriva: {tmp_path / 'ut.sparbarhet.json'}: är en mapp och skrivs inte "
        "över; ange en fil\n",
        False)


def _plain_nis60(tmp_path: Path) -> Path:
    path = tmp_path / "nis60.yaml"
    shutil.copy(ROOT / "fixtures" / "nis60.yaml", path)
    return path


def test_ursprung_answers_for_a_stated_figure(tmp_path: Path) -> None:
    """A figure the data states: where it stands, and its file, line and field."""
    result = CliRunner().invoke(main, ["ursprung", str(_plain_nis60(tmp_path)), "ekonomi.budget"])
    assert (result.exit_code, result.stdout) == (0, (
        "ekonomi.budget = 16\u00a0713\u00a0030\u00a0kr\n"
        "  står i avsnittet Ekonomi, stycket: ”Projektet hade en totalbudget på "
        "16\u00a0713\u00a0030\u00a0kr.”\n"
        "  angivet i nis60.yaml, rad 503, fältet ekonomi.budget: 16713030\n"))


def test_ursprung_answers_for_a_computed_figure_down_to_its_inputs(tmp_path: Path) -> None:
    """A figure the tool computes: the formula, and each input with its own origin."""
    result = CliRunner().invoke(main, ["ursprung", str(_plain_nis60(tmp_path)),
                                       "horisontella_kriterier.deltagare.man"])
    assert (result.exit_code, result.stdout) == (0, (
        "horisontella_kriterier.deltagare.man = 1\u00a0483\n"
        "  står i avsnittet Horisontella kriterier, Tabell 1: Deltagare i projektets aktiviteter "
        "efter kön: Män, Antal\n"
        "  beräknat: totalt − kvinnor\n"
        "    horisontella_kriterier.deltagare.totalt = 2949\n"
        "      angivet i nis60.yaml, rad 140, fältet horisontella_kriterier.deltagare.totalt: "
        "2949\n"
        "    horisontella_kriterier.deltagare.kvinnor = 1466\n"
        "      angivet i nis60.yaml, rad 139, fältet horisontella_kriterier.deltagare.kvinnor: "
        "1466\n"))


def test_ursprung_answers_for_a_counted_figure_down_to_the_rows(nis60: Path) -> None:
    """A figure a register counts: the register file, its hash, the rule and the rows."""
    ledger = nis60.parent / "register" / "nis60" / "huvudbok.csv"
    digest = hashlib.sha256(ledger.read_bytes()).hexdigest()[:12]
    result = CliRunner().invoke(main, ["ursprung", str(nis60), "ekonomi.kostnader[3].belopp"])
    rows = [r.rad for r in read_registers(load(nis60)).kostnader if r.kategori == "Resor o logi"]
    assert (result.exit_code, result.stdout) == (0, (
        "ekonomi.kostnader[3].belopp = 120\u00a0266\n"
        "  står i avsnittet Ekonomi, Tabell 4: Kostnader per kostnadsslag (kr): Resor o logi, "
        "Belopp (kr)\n"
        "  angivet i nis60.yaml, rad 515, fältet ekonomi.kostnader[3].belopp: 120266\n"
        f"  räknat i huvudboken (register/nis60/huvudbok.csv, sha256 {digest}…): 120266 "
        "(stämmer)\n"
        "    regel: summan av beloppen för ”Resor o logi”, i ören, avrundad till hela kronor "
        "så att tabellens rader summerar till summan\n"
        f"    {len(rows)} rader: {runs(rows)}\n"))


def test_ursprung_as_json_is_the_records_of_the_sidecar(nis60: Path,
                                                        record: dict[str, Any]) -> None:
    """--format json prints the figure's records as the sidecar holds them."""
    result = CliRunner().invoke(main, ["ursprung", str(nis60), "ekonomi.utfall", "--format",
                                       "json"])
    assert (result.exit_code, json.loads(result.stdout)) == (
        0, explain(record, "ekonomi.utfall"))


def test_ursprung_without_a_path_lists_every_record(nis60: Path,
                                                    record: dict[str, Any]) -> None:
    """Without VÄG, --format json prints every record of the document, in order."""
    result = CliRunner().invoke(main, ["ursprung", str(nis60), "--format", "json"])
    assert (result.exit_code, json.loads(result.stdout)) == (0, record["tal"])


def test_jamfor_names_the_figures_a_removed_register_row_changes(tmp_path: Path) -> None:
    """The ledger's last row (Externa tjänster) taken away: the register's new file, and the
    category and the outcome, each with the row no longer counted and its new count."""
    report = with_registers(tmp_path)
    before = tmp_path / "forra.sparbarhet.json"
    before.write_text(to_json(trace(load(report))), encoding="utf-8")
    ledger = tmp_path / "register" / "nis60" / "huvudbok.csv"
    lines = ledger.read_bytes().split(b"\r\n" if b"\r\n" in ledger.read_bytes() else b"\n")
    kept = [line for line in lines if line][:-1]
    ledger.write_bytes(b"\n".join(kept) + b"\n")
    result = CliRunner().invoke(main, ["ursprung", "--jamfor", str(before), str(report)])
    gone = "huvudboken: rader som inte längre räknas: 589"
    assert (result.exit_code, result.stdout) == (0, (
        "register.kostnader (ändrat): huvudboken (register/nis60/huvudbok.csv) är en annan fil: "
        "588 → 587 rader, 588 → 587 räknade\n"
        "2 tal har ändrats:\n"
        f"  ekonomi.utfall (ändrat): {gone}; räknat 15470694 → 15442587\n"
        f"  ekonomi.kostnader[0].belopp (ändrat): {gone}; räknat 2931397 → 2903290\n"))


def test_the_same_record_compared_with_itself_changes_nothing(record: dict[str, Any]) -> None:
    """Two equal records: no figure changed."""
    assert compare(record, record) == []


def test_the_same_data_under_another_name_changes_nothing(tmp_path: Path) -> None:
    """A copy of the data file under a new name (as `new --from` makes the next report) has the
    same figures from the same origins: --jamfor says nothing changed."""
    first, copy = tmp_path / "forra.yaml", tmp_path / "nasta.yaml"
    shutil.copyfile(example_path("lappland20"), first)
    shutil.copyfile(example_path("lappland20"), copy)
    result = CliRunner().invoke(main, ["ursprung", "--jamfor", str(first), str(copy)])
    assert (result.exit_code, result.stdout) == (0, "Inget tal har ändrats.\n")


def test_a_text_that_says_another_number_than_its_figure_is_named(tmp_path: Path) -> None:
    """A figure link whose own text (212) is not the figure it names (214): ursprung shows both,
    rather than the text's number as the figure's."""
    data = tmp_path / "l.yaml"
    text = example_path("lappland20").read_text(encoding="utf-8")
    data.write_text(text.replace("[214](tal:resultat.indikatorer[0].utfall)",
                                 "[212](tal:resultat.indikatorer[0].utfall)", 1),
                    encoding="utf-8")
    shutil.copytree(example_path("lappland20").parent / "bilder", tmp_path / "bilder")
    result = CliRunner().invoke(main, ["ursprung", str(data), "resultat.indikatorer[0].utfall"])
    assert (result.exit_code, result.stdout.splitlines()[0]) == (
        0, "resultat.indikatorer[0].utfall = 212 — men talet är 214: texten säger något annat "
           "än datat (check säger till)")


def test_participants_counted_as_persons_list_the_register_keys_only(tmp_path: Path) -> None:
    """A participant count from the participant register lists each person key once — the key
    column, nothing else of the person."""
    (tmp_path / "deltagare.csv").write_text(
        "Person;Kön;Datum;Område\nP-17;kvinna;2020-03-02;besok\nP-03;man;2020-04-06;besok\n"
        "P-17;kvinna;2021-05-03;besok\nP-09;kvinna;2021-06-07;besok\n", encoding="utf-8")
    (tmp_path / "rapport.yaml").write_text(
        "projekt:\n  namn: Testprojektet\n  kortnamn: TP\n  period: {fran: '2020', till: "
        "'2022'}\n  kommuner: [Vännäs]\n  finansiarer: [Tillväxtverket]\navsnitt:\n"
        "  - typ: aktiviteter\n    rubrik: Aktiviteterna\n    omraden:\n      - id: besok\n"
        "        rubrik: Besök\n        antal: 4\n"
        "  - typ: horisontella_kriterier\n    deltagare: {kvinnor: 2, totalt: 3}\n"
        "register:\n  deltagare: deltagare.csv\n", encoding="utf-8")
    doc = trace(load(tmp_path / "rapport.yaml"))
    [women] = [r for r in explain(doc, "horisontella_kriterier.deltagare.kvinnor")
               if r["plats"]["typ"] == "tabell"]
    assert [o.get("enheter") for o in women["ursprung"]] == [None, ["P-03", "P-09", "P-17"]]


@pytest.mark.parametrize("name", ["nis60", "lappland20", "nis70"])
def test_the_annex_renders_in_every_example_and_checks_like_the_rest(name: str,
                                                                     tmp_path: Path) -> None:
    """Each example with the annex: its heading and a table per section with figures stand last,
    the annex adds no finding to the report's own, and the document is valid OOXML (read by
    openxml-audit, as Word would)."""
    report = load(ROOT / "fixtures" / f"{name}.yaml")
    doc = trace(report)
    annexed = with_annex(report, doc)
    data = render_bytes(annexed, charts=False)
    (tmp_path / "bilaga.docx").write_bytes(data)
    checked = OpenXmlValidator(file_format=FileFormat.OFFICE_2016, max_errors=0).validate(
        tmp_path / "bilaga.docx")
    text = outline(data)
    tail = text[text.index(f"[Heading1] {ANNEX_HEADING}"):]
    sections = list(dict.fromkeys((r["avsnitt"] or {"rubrik": "Rapporten"})["rubrik"]
                                  for r in doc["tal"]))
    headings = [line.removeprefix("[Heading1] ") for line in tail.splitlines()
                if line.startswith("[Heading1] ")]
    rows = [line for line in tail.splitlines() if line.startswith("| ")]
    before = [(f.code, f.path, f.message) for f in check(report)]
    after = [(f.code, f.path, f.message) for f in check(annexed)]
    assert (headings, len(rows), after, [e.description for e in checked.errors]) == (
        [ANNEX_HEADING, *[f"Talens ursprung: {s}" for s in sections]],
        len(doc["tal"]) + len(sections), before, [])


@pytest.mark.parametrize(("args", "message"), [
    (["ursprung", "{dir}/nis60.yaml", "ekonomi.utfal"],
     "Fel i indata: nis60.yaml: dokumentet visar inget tal vid ekonomi.utfal; menade du "
     "ekonomi.utfall?\n"),
    (["ursprung", "{dir}/nis60.yaml", "ekonomi.kostnader"],
     "Fel i indata: nis60.yaml: dokumentet visar inget tal vid ekonomi.kostnader; tal under "
     "den: ekonomi.kostnader[0].belopp, ekonomi.kostnader[1].belopp, "
     "ekonomi.kostnader[2].belopp, ekonomi.kostnader[3].belopp, ekonomi.kostnader[4].belopp\n"),
    (["ursprung", "{dir}/saknas.json", "ekonomi.utfall"],
     "Fel i indata: {dir}/saknas.json: filen kan inte läsas (filen eller mappen finns inte)\n"),
    (["ursprung", "{dir}/trasig.json", "ekonomi.utfall"],
     "Fel i indata: {dir}/trasig.json:2: filen är inte JSON\n"),
    (["ursprung", "{dir}/annan.json", "ekonomi.utfall"],
     "Fel i indata: {dir}/annan.json: filen är ingen spårbarhetsfil (format "
     "slutrapport-sparbarhet/1, som 'render --sparbarhet' skriver)\n"),
    (["ursprung"],
     "Fel i indata: ange datafilen (eller en spårbarhetsfil) och talets väg, till exempel: "
     "slutrapport ursprung rapport.yaml ekonomi.utfall\n"),
    (["ursprung", "{dir}/nis60.yaml", "--jamfor", "{dir}/nis60.yaml", "{dir}/nis60.yaml"],
     "Fel i indata: med --jamfor ges bara de två filerna, efter --jamfor (GAMMAL NY)\n"),
])
def test_a_question_ursprung_can_not_answer_exits_2_saying_why(tmp_path: Path, args: list[str],
                                                               message: str) -> None:
    """A path the document shows no figure at (a near one, or the figures under it), a missing
    file, a file that is not JSON or not a record, no file, and a file beside --jamfor."""
    _plain_nis60(tmp_path)
    (tmp_path / "trasig.json").write_text('{"format":\n', encoding="utf-8")
    (tmp_path / "annan.json").write_text('{"format": "annat", "tal": []}', encoding="utf-8")
    result = CliRunner().invoke(main, [a.format(dir=tmp_path) for a in args])
    assert (result.exit_code, result.stderr) == (2, message.format(dir=tmp_path))


def test_explain_text_names_each_place_a_figure_stands(record: dict[str, Any]) -> None:
    """A figure shown at four places (figure links in three texts, a table) is explained at
    each, in the document's order."""
    records = explain(record, "horisontella_kriterier.deltagare.totalt")
    text = explain_text(records)
    assert [line for line in text.splitlines() if line.startswith("  står i")] == [
        "  står i " + _place for _place in (
            "rapportens sammanfattning[5], texten: ”2949 personer har deltagit i någon av "
            "projektets aktiviteter.”",
            "avsnittet Horisontella kriterier, texten: ”(Redovisade deltagare vid NIS6.0:s "
            "aktiviteter, totalt 2\u00a0949)”",
            "avsnittet Horisontella kriterier, Tabell 1: Deltagare i projektets aktiviteter efter "
            "kön: Totalt, Antal",
            "avsnittet Resultatet, texten: ”1466 av 2949 deltagare.”")]


def test_the_rows_a_register_left_out_stand_with_their_reasons(tmp_path: Path) -> None:
    """A log row with a negative count is not counted: the record's register block names its
    row and the reason check gives, and the counted figures list the other rows only."""
    log = [LOG_HEADER, *LOG, [D(2021, 1, 1), "foretagsbesok", "Vännäs", "Besök", -1, 0]]
    path = make(tmp_path, log=log)
    [problem] = [f for f in check(load(path)) if f.code == "register-varde"]
    doc = trace(load(path))
    [visits] = [o for r in explain(doc, "aktiviteter.omraden[0].antal") for o in r["ursprung"]
                if o["typ"] == "raknat"]
    assert (doc["register"]["aktivitetslogg"], visits["rader"],
            visits["ej_raknade_i_registret"]) == (
        {"namn": "aktivitetsloggen", "fil": "logg.xlsx",
         "sha256": hashlib.sha256((tmp_path / "logg.xlsx").read_bytes()).hexdigest(),
         "blad": "Logg", "rader": 6, "raknade": 5, "forsta_rad": 2, "sista_rad": 7,
         "ej_raknade": [{"rad": 7, "skal": problem.message}]},
        [2, 3, 4], 1)


def test_an_own_template_places_the_figures_where_it_prints_them(tmp_path: Path) -> None:
    """With a template of two paragraphs, the budget printed by a formatting filter and through
    Jinja's string filter: a record for each, at its paragraph, as printed."""
    from docx import Document

    template = Document()
    template.add_paragraph("Budget: {{ ekonomi.budget|kr }}")
    template.add_paragraph("Som text: {{ ekonomi.budget|string }}")
    path = tmp_path / "mall.docx"
    template.save(str(path))
    doc = trace(load(ROOT / "fixtures" / "nis60.yaml"), path, charts=False)
    assert [(r["id"], r["plats"]["text"], r["utskrivet"]) for r in doc["tal"]] == [
        ("ekonomi.budget", "Budget: 16\u00a0713\u00a0030\u00a0kr", "16\u00a0713\u00a0030\u00a0kr"),
        ("ekonomi.budget", "Som text: 16713030", "16713030")]


def test_a_figure_from_one_register_row_is_told_in_the_singular(tmp_path: Path) -> None:
    """A company's head count comes from one row of the company register: '1 rad', '1 unik'."""
    path = make(tmp_path)
    digest = hashlib.sha256((tmp_path / "foretag.xlsx").read_bytes()).hexdigest()[:12]
    result = CliRunner().invoke(main, ["ursprung", str(path),
                                       "program.effekt.foretag[0].anstallda_efter"])
    assert (result.exit_code, result.stdout) == (0, (
        "program.effekt.foretag[0].anstallda_efter = 4\n"
        "  står i avsnittet Program för tillväxt, Tabell 2: Antal anställda i de deltagande "
        "företagen: Alfa AB, Efter\n"
        "  angivet i rapport.yaml, rad 28, fältet program.effekt.foretag[0].anstallda_efter: 4\n"
        f"  räknat i företagsregistret (foretag.xlsx, blad Foretag, sha256 {digest}…): 4 "
        "(stämmer)\n"
        "    regel: företagets rad: Alfa AB, anställda efter\n"
        "    1 rad: 2\n"
        "    1 unik: Alfa AB\n"))


def test_jamfor_follows_a_removed_row_into_the_figures_computed_from_counted_ones(
        tmp_path: Path) -> None:
    """The activity log's last row (a meeting place, 250 women and 250 men) taken away: the
    area, the participants counted and the men and their share computed from them are named,
    each computed one with the inputs that moved."""
    path = make(tmp_path)
    before = trace(load(path))
    write_xlsx(tmp_path / "logg.xlsx", "Logg", [LOG_HEADER, *LOG[:4]])
    gone = "aktivitetsloggen: rader som inte längre räknas: 6"
    total = f"indata horisontella_kriterier.deltagare.totalt ({gone}; räknat 1004 → 504)"
    women = f"indata horisontella_kriterier.deltagare.kvinnor ({gone}; räknat 502 → 252)"
    assert compare_text(compare(before, trace(load(path)))) == (
        "register.aktivitetslogg (ändrat): aktivitetsloggen (logg.xlsx) är en annan fil: 5 → 4 "
        "rader, 5 → 4 räknade\n"
        "8 tal har ändrats:\n"
        f"  aktiviteter.omraden[1].antal (ändrat): {gone}; räknat 2 → 1\n"
        f"  horisontella_kriterier.deltagare.totalt (ändrat): {gone}; räknat 1004 → 504\n"
        f"  horisontella_kriterier.deltagare.andel_kvinnor (ändrat): {gone}\n"
        f"  horisontella_kriterier.deltagare.kvinnor (ändrat): {gone}; räknat 502 → 252\n"
        f"  horisontella_kriterier.deltagare.andel_kvinnor (ändrat): {gone}\n"
        f"  horisontella_kriterier.deltagare.man (ändrat): {total}; {women}\n"
        "  horisontella_kriterier.deltagare.andel_man (ändrat): indata "
        f"horisontella_kriterier.deltagare.man ({total}; {women}); {total}\n"
        f"  horisontella_kriterier.deltagare.totalt (ändrat): {gone}; räknat 1004 → 504\n")
