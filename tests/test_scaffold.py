"""`slutrapport new`: an outline to start from, or the next report made from the last one.

The findings of ``check`` on each new file are kept as golden files (``tests/golden/new_*.txt``);
after an intended change, regenerate them with ``python -m tests.test_scaffold`` and read the diff.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from click.testing import CliRunner
from pydantic import BaseModel
from ruamel.yaml import YAML

from slutrapport import dispositioner
from slutrapport.checks import Finding, check, resolve_path
from slutrapport.cli import format_findings, main
from slutrapport.fields import Period
from slutrapport.kinds import KINDS
from slutrapport.loader import load
from slutrapport.models import MARKDOWN, Projekt, Rubriker, Slutrapport
from slutrapport.rendering import render_bytes
from slutrapport.scaffold import PLACEHOLDER, from_previous, skeleton
from slutrapport.schema import _models, field_metadata
from tests.modelwalk import figures

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "fixtures"
NIS = FIXTURES / "nis60.yaml"
GOLDEN = Path(__file__).parent / "golden"
OUTLINES = dispositioner.names()
TODO_LINE = re.compile(r"^[^#]*\S.*#\s*TODO:")


def golden_text(name: str) -> str:
    """What ``check`` says of a new file, as ``slutrapport check`` prints it."""
    if name.startswith("from_"):
        text = from_previous(FIXTURES / f"{name.removeprefix('from_')}.yaml")
    else:
        text = skeleton(name, 2026)
    return format_findings(check(_loaded(text)), "NY.yaml")


def _loaded(text: str, folder: Path | None = None) -> Slutrapport:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(folder or tmp) / "NY.yaml"
        path.write_text(text, encoding="utf-8")
        return load(path)


def todo_lines(text: str) -> list[int]:
    """The lines whose own comment says TODO."""
    return [i for i, line in enumerate(text.splitlines(), 1) if TODO_LINE.match(line)]


@pytest.fixture(scope="module")
def next_text() -> str:
    """The next report made from NIS 6.0's data file."""
    return from_previous(NIS)


@pytest.fixture(scope="module")
def next_report(next_text: str, tmp_path_factory: pytest.TempPathFactory) -> Slutrapport:
    return _loaded(next_text, tmp_path_factory.mktemp("ny"))


# --- outlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OUTLINES)
def test_an_outline_checks_to_its_golden_to_do_list(name: str) -> None:
    """The whole findings list of a fresh outline is its golden to-do list."""
    assert golden_text(name) == (GOLDEN / f"new_{name}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", OUTLINES)
def test_every_todo_of_an_outline_is_listed_and_nothing_else_is(name: str) -> None:
    """Each line marked TODO is an ej-ifyllt finding, and every finding is such a line."""
    text = skeleton(name, 2026)
    findings = check(_loaded(text))
    assert ({f.code for f in findings}, sorted({f.line or 0 for f in findings})) == (
        {"ej-ifyllt"}, todo_lines(text))


@pytest.mark.parametrize("name", OUTLINES)
def test_an_outline_names_every_field_of_the_kinds_it_uses(name: str) -> None:
    """Each field of the report, its project and its sections' models is written out or named
    in a comment (review marks excepted: only 'new --from' writes them)."""
    text = skeleton(name, 2026)
    report = _loaded(text)
    models = [Slutrapport, Projekt, Period, Rubriker,
              *{m: None for s in report.avsnitt for m in _models(type(s))}]
    missing = [f"{model.__name__}.{field}" for model in models for field in model.model_fields
               if not re.search(rf"(?<![\w.]){field}:", text)]
    assert missing == ["Slutrapport.granska"]


@pytest.mark.parametrize("name", OUTLINES)
def test_an_outline_renders(name: str) -> None:
    """A fresh outline is a report the default template renders."""
    assert render_bytes(_loaded(skeleton(name, 2026)), charts=False)[:2] == b"PK"


@pytest.mark.parametrize("name", OUTLINES)
def test_an_outline_lists_every_kind_in_its_header(name: str) -> None:
    """The header names every registered kind with its one line, so any section can be added."""
    header = skeleton(name, 2026).split("\nprojekt:")[0]
    assert [typ for typ, cls in sorted(KINDS.items())
            if not re.search(rf"^#   {typ} +{re.escape(cls.BESKRIVNING)}$", header,
                             re.MULTILINE)] == []


def test_the_outlines_are_data_files_with_their_one_line_and_sections() -> None:
    """Each outline is a YAML file whose description and section kinds are what `new` uses."""
    found = {}
    for name in OUTLINES:
        data = pyyaml.safe_load((dispositioner.FOLDER / f"{name}.yaml").read_text("utf-8"))
        found[name] = (data["beskrivning"] == dispositioner.description(name),
                       [s["typ"] for s in data["avsnitt"]])
    assert found == {
        "2021-2027": (True, ["text", "text", "aktiviteter", "indikatorer",
                             "horisontella_principer", "kommuner", "ekonomi"]),
        "nis": (True, ["text", "aktiviteter", "horisontella_kriterier", "foretagsprogram",
                       "indikatorer", "text", "text", "text", "text", "kommuner", "ekonomi"]),
    }


def test_the_2021_2027_outline_has_one_indicator_of_each_kind_with_a_code_to_fill() -> None:
    """Its results hold an activity and a result indicator, each with a code field."""
    data = YAML(typ="safe").load(skeleton("2021-2027", 2026))
    results = next(s for s in data["avsnitt"] if s["typ"] == "indikatorer")
    assert [(i["slag"], "kod" in i, i["utfall"]) for i in results["indikatorer"]] == [
        ("aktivitetsindikator", True, 0), ("resultatindikator", True, 0)]


# --- the next report from the last one --------------------------------------------------------


def _named_by_carry() -> set[tuple[str, str]]:
    """(model, field) for every field a model's rules for 'new --from' (CARRY) name."""
    return {(model.__name__, name) for model in _models(Slutrapport)
            for names in (model.CARRY.rows, model.CARRY.emptied, model.CARRY.sum_rows,
                          model.CARRY.kept, model.CARRY.hints, model.CARRY.marked or (),
                          model.CARRY.renewed)
            for name in names}


def test_the_clearing_rules_name_fields_that_exist() -> None:
    """Every field a model's rules for 'new --from' (its CARRY) name is a field of the model."""
    named = _named_by_carry()
    fields = {(m.__name__, f) for m in _models(Slutrapport) for f in m.model_fields}
    assert sorted(named - fields) == []


def test_the_kinds_hold_the_rules_scaffold_held() -> None:
    """The fields the models' CARRY name are those scaffold.py's class-name tables named (and
    the project's period, which it handled by name)."""
    named = _named_by_carry()
    assert sorted(named) == [
        ("Delavsnitt", "punkter"), ("DeltagarSumma", "kvinnor"), ("DeltagarSumma", "man"),
        ("DeltagarSumma", "tillfallen"), ("DeltagarSumma", "timmar"),
        ("DeltagarSumma", "totalt"), ("Deltagare", "andel_kvinnor"), ("Deltagare", "andel_man"),
        ("Deltagarprogram", "andel_kvinnor"), ("Deltagarprogram", "andel_man"),
        ("Deltagarprogram", "insatser"), ("Effekt", "foretag"), ("Effekt", "okning_procent"),
        ("Ekonomi", "finansiering_ingress"), ("Ekonomi", "kostnader_ingress"),
        ("Ekonomi", "preliminar"), ("Ekonomi", "summa_finansiering"),
        ("Ekonomi", "summa_kostnader"), ("Ekonomi", "under_budget"),
        ("HorisontellaKriterier", "deltagare"), ("HorisontellaPrinciper", "deltagare"),
        ("Indikator", "malvarde"), ("Konsulter", "omraden"), ("Logotyp", "fil"),
        ("Logotyp", "text"), ("Programsteg", "beskrivning"), ("Projekt", "arendenummer"),
        ("Projekt", "eu_markering"), ("Projekt", "finansiarer"), ("Projekt", "kommuner"),
        ("Projekt", "kortnamn"),
        ("Projekt", "namn"), ("Projekt", "period"), ("Projekt", "projektagare"),
        ("Projekt", "rapportdatum"), ("Projekt", "utvarderare"), ("Projekt", "webbplats"),
        ("Slutrapport", "sammanfattning"), ("Strategigrupper", "grupper"), ("Summa", "efter"),
        ("Summa", "fore"), ("Summa", "okning"), ("Tabell", "rader"), ("Tabell", "summa"),
        ("Tabellrubriker", "efter"), ("Tabellrubriker", "fore"), ("Tabellrubriker", "namn"),
        ("Tabellrubriker", "okning"), ("Tabellrubriker", "summa"), ("Text", "punkter"),
        ("Workshops", "lista")]


def test_new_from_the_last_report_checks_to_its_golden_list() -> None:
    """The whole findings list of NIS 6.0's successor: review marks and what to fill in."""
    assert golden_text("from_nis60") == (GOLDEN / "new_from_nis60.txt").read_text("utf-8")


@pytest.mark.parametrize("example", ["nis60", "lappland20", "nis70"])
def test_new_from_lists_only_review_marks_and_every_todo(example: str, tmp_path: Path) -> None:
    """Each TODO line is listed (to fill in, or the period's review mark) and vice versa; the
    new file lies beside the pictures the last one used."""
    text = from_previous(FIXTURES / f"{example}.yaml")
    shutil.copytree(FIXTURES / "bilder", tmp_path / "bilder")
    findings = [f for f in check(_loaded(text, tmp_path)) if f.code != "bild"]
    by_code: dict[str, list[int]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f.line or 0)
    period = [f.line for f in findings if f.path.startswith("projekt.period.")]
    assert (sorted(by_code), sorted({*by_code["ej-ifyllt"], *period})) == (
        ["ej-ifyllt", "granska"], todo_lines(text))


def test_new_from_marks_each_kept_value_as_the_last_report_had_it(
        next_report: Slutrapport, nis60: Slutrapport) -> None:
    """Every review mark holds the last report's value at its path, and is listed at its line."""
    old = {path: resolve_path(nis60, path, None)[0] for path in next_report.granska}
    listed = [f.path for f in check(next_report) if f.code == "granska"]
    assert ({p: v == old[p] for p, v in next_report.granska.items()},
            sorted(listed)) == (dict.fromkeys(next_report.granska, True),
                                sorted(next_report.granska))


def test_a_review_mark_points_at_the_line_of_its_field(next_text: str,
                                                       next_report: Slutrapport) -> None:
    """The line of each review mark is the line where its key stands, with its message."""
    lines = next_text.splitlines()
    marks = [f for f in check(next_report) if f.code == "granska"]
    assert [(f.path, re.split(r"[.\]]", f.path)[-1] + ":" in lines[(f.line or 0) - 1])
            for f in marks] == [(f.path, True) for f in marks]
    assert marks[0] == Finding(
        "granska", "info", "projekt.namn",
        "Fördes över från förra rapporten: granska och ändra det, eller ta bort "
        "'projekt.namn' under granska.", "Näringsliv i samverkan", "Näringsliv i samverkan", 10)


EDITS: list[tuple[str, Any]] = [
    ("inledning.rubrik", "NIS 7.0 inleddes"),
    ("projekt.webbplats", "https://www.nis70.se/"),
    ("projekt.kommuner", ["Vindeln", "Robertsfors", "Vännäs", "Bjurholm", "Nordmaling"]),
    ("projekt.period.fran", "2019-03"),
    ("projekt.period.till", "2026"),
    ("aktiviteterna.omraden[2].rubrik", "Nätverk för kvinnor"),
    ("program_for_tillvaxt.effekt.tabell.fore", "2023"),
    ("kommuner.kommuner[4].rubrik", "NORDMALINGS KOMMUN"),
    ("ekonomi.kostnader[3].kategori", "Resor och logi"),
]


def _edit(text: str, path: str, value: Any) -> str:
    """The file with the value at a path (as findings name it) replaced, comments kept."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    doc = yaml.load(text)
    parts: list[Any] = [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", path) if p]
    node = doc
    if parts[0] != "projekt":
        node = next(s for s in doc["avsnitt"] if s.get("id") == parts[0])
        parts = parts[1:]
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


@pytest.mark.parametrize(("path", "value"), EDITS, ids=[e[0] for e in EDITS])
def test_changing_a_marked_value_removes_exactly_its_finding(next_text: str, path: str,
                                                             value: Any) -> None:
    """Once a carried-over value is changed, its review mark is no longer listed; all else is."""
    before = [(f.code, f.path) for f in check(_loaded(next_text))]
    after = [(f.code, f.path) for f in check(_loaded(_edit(next_text, path, value)))]
    assert after == [f for f in before if f != ("granska", path)]
    assert len(before) - len(after) == 1


def test_renaming_a_financier_in_both_places_removes_both_marks(next_text: str) -> None:
    """A financier renamed on the title page and in the financing: both reminders end."""
    name = "Tillväxtverket (Europeiska regionala utvecklingsfonden)"
    report = _loaded(next_text)
    named = [name, *report.projekt.finansiarer[1:]]
    text = _edit(_edit(next_text, "projekt.finansiarer", named),
                 "ekonomi.finansiering[0].finansiar", name)
    before = [(f.code, f.path) for f in check(report)]
    after = [(f.code, f.path) for f in check(_loaded(text))]
    assert after == [f for f in before if f not in {
        ("granska", "projekt.finansiarer"), ("granska", "ekonomi.finansiering[0].finansiar")}]
    assert len(before) - len(after) == 2


@pytest.mark.parametrize("path", [e[0] for e in EDITS])
def test_deleting_a_review_line_removes_exactly_its_finding(next_text: str, path: str) -> None:
    """Removing a path's line under granska ends its reminder and nothing else."""
    lines = next_text.splitlines(keepends=True)
    start = lines.index("granska:" + next_text.split("\ngranska:", 1)[1].split("\n", 1)[0]
                        + "\n")
    mark = next(i for i in range(start, len(lines)) if lines[i].startswith(f"  {path}: "))
    before = [(f.code, f.path) for f in check(_loaded(next_text))]
    after = [(f.code, f.path) for f in check(_loaded("".join(lines[:mark] + lines[mark + 1:])))]
    assert after == [f for f in before if f != ("granska", path)]
    assert len(before) - len(after) == 1


def test_the_period_moves_on_as_a_todo_naming_the_old_period(next_text: str) -> None:
    """fran and till keep the old period only to be replaced: a TODO each, the old period said."""
    head = next_text.split("\n  kommuner:")[0].split("\nprojekt:\n")[1]
    assert head == (
        "  namn: Näringsliv i samverkan\n"
        "  kortnamn: NIS 6.0\n"
        "  rapporttyp: Slutrapport\n"
        "  period:\n"
        '    fran: "2019"  # TODO: fyll i när det nya projektet börjar (förra: 2019–2022)\n'
        '    till: "2022"  # TODO: fyll i när det nya projektet slutar')


def test_new_from_keeps_the_outline(next_report: Slutrapport, nis60: Slutrapport) -> None:
    """Sections, kinds, ids, order, headings and what carries over stay as they were."""

    def outline(r: Slutrapport) -> list[Any]:
        return [(s.TYP, s.id, getattr(s, "rubrik", None)) for s in r.avsnitt]

    def carried(r: Slutrapport) -> dict[str, Any]:
        p, e, res, h = (r.section("program_for_tillvaxt"), r.section("ekonomi"),
                        r.section("resultat"), r.section("horisontella_kriterier"))
        return {
            "steg": [(s.namn, s.beskrivning) for s in p.steg],  # type: ignore[union-attr]
            "kostnader": [k.kategori for k in e.kostnader],  # type: ignore[union-attr]
            "finansiarer": [f.finansiar for f in e.finansiering],  # type: ignore[union-attr]
            "ingresser": (e.kostnader_ingress, e.finansiering_ingress),  # type: ignore[union-attr]
            "indikatorer": [(i.namn, i.slag, i.kod, i.enhet, i.kalla)
                            for i in res.indikatorer],  # type: ignore[union-attr]
            "kriterier": h.kriterier,  # type: ignore[union-attr]
            "projekt": r.projekt.model_dump(exclude={"rapportdatum"}),
        }

    assert (outline(next_report), carried(next_report)) == (outline(nis60), carried(nis60))


def test_new_from_clears_figures_texts_and_the_rows_of_one_report(
        next_report: Slutrapport) -> None:
    """No figure but 0 is left, every text is '…' or a kept one, and the rows are gone."""
    kept = {"steg", "kostnader_ingress", "finansiering_ingress"}
    p = next_report.section("program_for_tillvaxt")
    assert p is not None
    assert ({k: v for k, v in figures(next_report).items()
             if v != 0 and not k.startswith("granska")},
            sorted({t for path, t in _texts(next_report)
                    if t not in (PLACEHOLDER, "") and not kept & set(re.split(r"[.\[]", path))}),
            (p.workshops.lista, p.effekt.foretag, p.strategigrupper.grupper,  # type: ignore[union-attr]
             p.konsulter.omraden, next_report.sammanfattning)) == (  # type: ignore[union-attr]
        {}, [], ([], [], [], [], []))


def _texts(node: Any, loc: str = "") -> list[tuple[str, str]]:
    """Every narrative (Markdown) text of the report, by its path."""
    found: list[tuple[str, str]] = []
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            value, here = getattr(node, name), f"{loc}.{name}".lstrip(".")
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                where = f"{here}[{i}]" if isinstance(value, list) else here
                if isinstance(item, str) and MARKDOWN in field_metadata(field):
                    found.append((where, item))
                elif isinstance(item, BaseModel):
                    found.extend(_texts(item, where))
    return found


def test_new_from_leaves_out_the_figures_no_to_do_lists(next_report: Slutrapport,
                                                        nis60: Slutrapport) -> None:
    """Sums, shares and targets, and the optional figures check would not list at 0, are left
    out (besides the rows of one report); each says so in a comment."""

    def by_id(path: str) -> str:
        return re.sub(r"^avsnitt\[(\d+)\]", lambda m: nis60.avsnitt[int(m[1])].name, path)

    now = figures(next_report)
    gone = sorted(by_id(k) for k in figures(nis60)
                  if k not in now and not re.search(r"\.(foretag|grupper)\[", k))
    assert gone == [
        "ekonomi.under_budget",
        "horisontella_kriterier.andel_kvinnoledda_foretag",
        "horisontella_kriterier.deltagare.andel_kvinnor",
        "horisontella_kriterier.deltagare.andel_man",
        "horisontella_kriterier.externa_aktiviteter",
        "program_for_tillvaxt.effekt.okning_procent",
        "program_for_tillvaxt.effekt.summa.efter",
        "program_for_tillvaxt.effekt.summa.fore",
        "program_for_tillvaxt.effekt.summa.okning",
        "program_for_tillvaxt.foretag_slut",
        "program_for_tillvaxt.foretag_start",
        "resultat.indikatorer[0].malvarde",
        "resultat.indikatorer[2].malvarde",
        "samverkan_umea.antal",
        "samverkan_umea.omraden[0].nyckeltal.foretagsframjande_aktorer",
    ]


def silent_lines(text: str) -> list[str]:
    """Lines left at 0, '…', [], {} or nothing without a comment, their own or a parent's."""
    lines = text.splitlines()
    out = []
    for i, line in enumerate(lines):
        found = re.match(r"^(\s*)(- )?[\w.\[\]]+:\s*(0|…|\[\]|\{\})?$", line)
        if not found or " #" in line:
            continue
        indent = len(found[1]) + (2 if found[2] else 0)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if found[3] is None and len(following) - len(following.lstrip()) > indent:
            continue  # a key whose block follows
        parents = [p for p in lines[:i] if p.strip() and not p.lstrip().startswith("#")]
        for parent in reversed(parents):
            if len(parent) - len(parent.lstrip()) < len(found[1]):
                if "# TODO" in parent:
                    break
                indent = len(parent) - len(parent.lstrip())
                if indent == 0:
                    out.append(line)
                    break
        else:
            out.append(line)
    return out


@pytest.mark.parametrize("name", [*OUTLINES, "from_nis60", "from_nis70", "from_lappland20"])
def test_every_emptied_value_says_what_it_is(name: str) -> None:
    """No line is left at 0, '…', [], {} or empty without a TODO or valfritt comment."""
    if name.startswith("from_"):
        text = from_previous(FIXTURES / f"{name.removeprefix('from_')}.yaml")
    else:
        text = skeleton(name, 2026)
    assert silent_lines(text) == []


def test_new_from_keeps_the_old_files_comments(tmp_path: Path) -> None:
    """Comments on lines, between sections and on cleared values stay; the header is new."""
    old = tmp_path / "forra.yaml"
    old.write_text(
        "# Förra rapporten.\n"
        "projekt:\n"
        "  namn: Litet projekt  # enligt beslutet\n"
        "  kortnamn: LP\n"
        "  period: {fran: 2020, till: 2021}\n"
        "avsnitt:\n"
        "  - typ: text\n"
        "    rubrik: Början\n"
        "    text: Det började.  # TODO: ring Anna\n"
        "  # Ekonomin sist.\n"
        "  - typ: ekonomi\n"
        "    budget: 100  # TODO: fyll i budgeten\n"
        "    utfall: 100\n", encoding="utf-8")
    body = from_previous(old).split("\n\n", 1)[1]
    assert body == (
        "projekt:\n"
        "  namn: Litet projekt  # enligt beslutet\n"
        "  kortnamn: LP\n"
        "  period:\n"
        "    fran: 2020  # TODO: fyll i när det nya projektet börjar (förra: 2020–2021)\n"
        "    till: 2021  # TODO: fyll i när det nya projektet slutar\n"
        "\n"
        "avsnitt:\n"
        "  - typ: text\n"
        "    id: text\n"
        "    rubrik: Början\n"
        "    text: …  # TODO: fyll i  # TODO: ring Anna\n"
        "  # Ekonomin sist.\n"
        "  - typ: ekonomi\n"
        "    id: ekonomi\n"
        "    budget: 0  # TODO: fyll i\n"
        "    utfall: 0  # TODO: fyll i\n"
        "\n"
        "granska:  # fördes över från förra rapporten: ändra värdet ovan eller ta bort raden "
        "här när det är granskat\n"
        "  projekt.namn: Litet projekt\n"
        "  projekt.kortnamn: LP\n"
        "  projekt.period.fran: '2020'\n"
        "  projekt.period.till: '2021'\n"
        "  text.rubrik: Början\n")


@pytest.mark.parametrize("name", OUTLINES)
def test_new_from_a_filled_in_outline_keeps_its_comment_lines(name: str, tmp_path: Path) -> None:
    """The outline's own comments (what is optional, how to add rows) stay for the next report."""
    old = tmp_path / "forra.yaml"
    text = skeleton(name, 2026)
    old.write_text(text, encoding="utf-8")
    comments = [line.strip() for line in text.split("\navsnitt:\n")[1].splitlines()
                if line.lstrip().startswith("#")]
    again = from_previous(old)
    assert [c for c in comments if c not in again] == []


def test_new_from_a_new_file_gives_the_same_file_again(next_text: str, tmp_path: Path) -> None:
    """Making the next report from an already cleared one changes nothing but the header."""
    path = tmp_path / "nis70.yaml"
    path.write_text(next_text, encoding="utf-8")
    assert from_previous(path).split("\n\n", 1)[1] == next_text.split("\n\n", 1)[1]


def test_new_from_the_last_report_renders(next_report: Slutrapport) -> None:
    """The cleared NIS report renders with the default template."""
    assert render_bytes(next_report, charts=False)[:2] == b"PK"


# --- the command ------------------------------------------------------------------------------


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["new", *(str(a) for a in args)])
    return result.exit_code, result.output


def test_new_command_writes_an_outline_and_needs_force_to_overwrite(tmp_path: Path) -> None:
    """`new -o` writes the default outline once, refuses a second time, overwrites with --force
    keeping what stood there as FIL.bak."""
    out = tmp_path / "rapport.yaml"
    first = _run("-o", out)
    written = out.read_text(encoding="utf-8")
    out.write_text("# mitt eget\n", encoding="utf-8")
    second = _run("-o", out, "--disposition", "nis")
    kept = out.read_text(encoding="utf-8")
    third = _run("--from", NIS, "-o", out, "--force")
    assert [first, second, third] == [
        (0, f"Skrev {out}. Fyll i det som är märkt TODO och kontrollera med:\n"
            f"  slutrapport check {out}\n"),
        (2, f"Fel i indata: {out}: filen finns redan; välj ett annat namn eller skriv över den "
            "med --force\n"),
        (0, f"Skrev {out}. Fyll i det som är märkt TODO, granska det som står under 'granska' "
            f"och kontrollera med:\n  slutrapport check {out}\n"
            f"Det som stod i {out} förut finns kvar som {out}.bak.\n"),
    ]
    assert (written.split("\nprojekt:")[1], kept, out.read_text(encoding="utf-8"),
            (tmp_path / "rapport.yaml.bak").read_text(encoding="utf-8")) == (
        skeleton().split("\nprojekt:")[1], "# mitt eget\n", from_previous(NIS), "# mitt eget\n")


def test_new_command_writes_the_named_outline(tmp_path: Path) -> None:
    """`--disposition nis` writes NIS 6.0's outline."""
    out = tmp_path / "rapport.yaml"
    assert (_run("-o", out, "--disposition", "nis")[0], out.read_text(encoding="utf-8")) == (
        0, skeleton("nis"))


@pytest.mark.parametrize("name", ["nsi", "2021", "NIS 6.0"])
def test_a_misspelt_outline_exits_2_listing_the_outlines_in_swedish(name: str,
                                                                    tmp_path: Path) -> None:
    """An unknown outline is refused with the names to choose from; nothing is written."""
    out = tmp_path / "rapport.yaml"
    # 'NIS 6.0' is near 'nis' now that names are compared without regard to case
    guess = {"nsi": " (menade du 'nis'?)", "2021": " (menade du '2021-2027'?)",
             "NIS 6.0": " (menade du 'nis'?)"}[name]
    assert (*_run("-o", out, "--disposition", name), out.exists()) == (
        2, f"Fel i indata: okänd disposition '{name}'{guess}; dispositionerna är 2021-2027 och "
           "nis (se 'slutrapport new --help')\n", False)


def test_an_outline_and_a_previous_report_together_exit_2(tmp_path: Path) -> None:
    """--disposition with --from is refused: the last report's outline is the one kept."""
    out = tmp_path / "rapport.yaml"
    assert (*_run("--from", NIS, "--disposition", "nis", "-o", out), out.exists()) == (
        2, "Fel i indata: --disposition och --from går inte att använda tillsammans: med --from "
           "följer den förra rapportens disposition med\n", False)


def test_help_lists_every_outline_with_its_line() -> None:
    """`new --help` ends with each outline's name and its one Swedish line."""
    result = CliRunner().invoke(main, ["new", "--help"])
    tail = result.output.split("Dispositioner (--disposition):\n")[1]
    assert tail == "".join(f"    {n:<9}  {dispositioner.description(n)}\n" for n in OUTLINES)


@pytest.mark.parametrize("case", ["no previous file", "no such folder", "a folder"])
def test_an_unusable_input_or_output_exits_2_and_writes_nothing(case: str,
                                                               tmp_path: Path) -> None:
    """A missing previous report, a missing folder or a folder as output: exit 2, said so."""
    missing, folder = tmp_path / "finns_inte.yaml", tmp_path / "mapp"
    folder.mkdir()
    args, message = {
        "no previous file": (["--from", missing, "-o", tmp_path / "n.yaml"],
                             f"{missing}: filen finns inte"),
        "no such folder": (["-o", folder / "saknas" / "n.yaml"],
                           f"{folder / 'saknas' / 'n.yaml'}: mappen {folder / 'saknas'} finns "
                           "inte"),
        "a folder": (["-o", folder, "--force"],
                     f"{folder}: är en mapp; ange filen som ska skrivas"),
    }[case]
    assert (*_run(*args), sorted(p.name for p in tmp_path.rglob("*"))) == (
        2, f"Fel i indata: {message}\n", ["mapp"])


def test_new_from_a_01_file_exits_2_naming_migrate(tmp_path: Path) -> None:
    """A data file of slutrapport 0.1 is refused, naming the command that rewrites it."""
    old = tmp_path / "gammal.yaml"
    old.write_text("projekt:\n  namn: X\n  kortnamn: X\n  period: {fran: 2019, till: 2020}\n"
                   "inledning:\n  rubrik: Start\n", encoding="utf-8")
    out = tmp_path / "n.yaml"
    assert (*_run("--from", old, "-o", out), out.exists()) == (
        2, f"Fel i indata: {old}: filen är skriven för slutrapport 0.1, där avsnitten stod som "
           "egna fält (inledning, aktiviteter, ekonomi …); nu står de i listan 'avsnitt'. Skriv "
           f"om den med 'slutrapport migrate {old}' (kommentarer och ordning behålls)\n", False)


def test_new_from_a_file_that_does_not_load_exits_2(tmp_path: Path) -> None:
    """A previous report that is not valid data is refused with its file, line and field."""
    old = tmp_path / "gammal.yaml"
    old.write_text("projekt:\n  namn: X\n  kortnamn: X\n  perod: 2019\n", encoding="utf-8")
    out = tmp_path / "n.yaml"
    assert (*_run("--from", old, "-o", out), out.exists()) == (
        2, f"Fel i indata: {old}:4: projekt.perod: okänt fält 'perod'; menade du 'period'?\n",
        False)


if __name__ == "__main__":  # regenerate the golden files after an intended change
    for golden in [*(f"new_{n}" for n in OUTLINES), "new_from_nis60"]:
        (GOLDEN / f"{golden}.txt").write_text(golden_text(golden.removeprefix("new_")),
                                              encoding="utf-8")
        print(f"skrev {GOLDEN / golden}.txt")


def test_new_from_keeps_a_comment_after_a_block_scalar_indicator(tmp_path: Path) -> None:
    """A note after '|-' ('text: |-  # min anteckning') stays after the TODO of the cleared
    text, instead of breaking new --from."""
    old = tmp_path / "forra.yaml"
    old.write_text("projekt: {namn: Prov, kortnamn: P, period: {fran: '2023', till: '2026'}}\n"
                   "avsnitt:\n  - typ: text\n    id: inledning\n    rubrik: Inledning\n"
                   "    text: |-  # min anteckning\n      Förra årets text.\n", encoding="utf-8")
    lines = from_previous(old).splitlines()
    assert [line for line in lines if line.lstrip().startswith("text:")] == [
        "    text: …  # TODO: fyll i  # min anteckning"]
