"""`slutrapport new`: the next report's data file, from the last one or as an empty skeleton."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from slutrapport.checks import check
from slutrapport.cli import main
from slutrapport.loader import load
from slutrapport.models import MARKDOWN, Slutrapport
from slutrapport.rendering import render_bytes
from slutrapport.scaffold import PLACEHOLDER, from_previous, skeleton, write_new
from slutrapport.schema import _metadata, _models
from tests.modelwalk import figures

ROOT = Path(__file__).parents[1]
NIS = ROOT / "fixtures" / "nis60.yaml"


@pytest.fixture(scope="module")
def next_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ny") / "nis70.yaml"
    write_new(path, NIS)
    return path


def texts(node: Any, loc: str = "") -> list[str]:
    """Every narrative (Markdown) text of the report that is not empty, by its path."""
    found: list[str] = []
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            value, here = getattr(node, name), f"{loc}.{name}".lstrip(".")
            markdown = MARKDOWN in _metadata(field)
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                where = f"{here}[{i}]" if isinstance(value, list) else here
                if isinstance(item, str) and markdown and item:
                    found.append(where)
                elif isinstance(item, BaseModel):
                    found.extend(texts(item, where))
    return found


def test_new_from_the_last_report_keeps_what_carries_over(next_report: Path) -> None:
    """Names, headings, categories, financiers and programme steps stay; the rest is emptied."""
    r = load(next_report)
    p, e = r.program_for_tillvaxt, r.ekonomi
    assert p is not None and e is not None and r.resultat is not None
    kept = {
        "kommuner": r.projekt.kommuner,
        "finansiarer": r.projekt.finansiarer,
        "aktiviteter": [(g.rubrik, [o.rubrik for o in g.omraden]) for g in r.aktiviteter],
        "steg": [s.namn for s in p.steg],
        "tabell": p.effekt.tabell.model_dump(),
        "kostnader": [(k.kategori, k.belopp, k.fotnot) for k in e.kostnader],
        "finansiering": [(f.finansiar, f.belopp) for f in e.finansiering],
        "indikatorer": [(i.namn, i.utfall, i.malvarde, i.enhet, i.kalla)
                        for i in r.resultat.indikatorer],
        "kommuner_text": [(k.namn, k.rubrik, k.text) for k in r.kommuner],
        "tomma_listor": (r.sammanfattning, p.workshops.lista, p.effekt.foretag,
                         p.konsulter.omraden if p.konsulter else None,
                         p.strategigrupper.grupper if p.strategigrupper else None),
        "nollstallt": (r.projekt.rapportdatum, e.preliminar, e.under_budget,
                       p.effekt.summa.model_dump(), p.effekt.okning_procent),
        "texter": texts(r),
        "tal": {k: v for k, v in figures(r).items() if v != 0},
    }
    assert kept == {
        "kommuner": ["Robertsfors", "Vindeln", "Vännäs", "Bjurholm", "Nordmaling"],
        "finansiarer": ["Tillväxtverket", "Region Västerbotten", "Robertsfors kommun",
                        "Vindelns kommun", "Nordmalings kommun", "Vännäs kommun",
                        "Bjurholms kommun"],
        "aktiviteter": [
            ("Aktiviteterna.", [
                "Uppsökande verksamhet hos företag.",
                "Mötesplatser/nätverk för kunskapsökning/- överföring samt stimulera till "
                "synergier mellan företag",
                "Utveckla nätverk för företagande kvinnor",
                "Utveckla samordning och underlätta vid expansion",
                "Inventering av företag inom fokusområdena. Marknadsföringsinsatser som skapar "
                "intresse för expansion",
                "Främja innovation och entreprenörskap",
                "Omvärldsbevakning och kunskapsinhämtning"]),
            ("Samverkan Umeå", [
                "Utveckla struktur till företagsfrämjande aktörer",
                "Integrera kranskommunerna till det regionala innovationssystemet."]),
        ],
        "steg": ["Behovsanalys", "Utvecklingsdialog", "Visualisera din Affär", "Mål och vägval",
                 "Coaching", "Hållbarhetsanalys - Framtidsdialog"],
        "tabell": {"namn": "Företagsnamn", "fore": "2019", "efter": "okt-22",
                   "okning": "Ökning", "summa": "Summa antal anställda"},
        "kostnader": [("Externa tjänster", 0, None), ("Material och lokaler", 0, None),
                      ("Personal", 0, None), ("Resor o logi", 0, None),
                      ("Schablonkostnader", 0, "")],
        "finansiering": [("Tillväxtverket", 0), ("Region Västerbotten", 0),
                         ("Robertsfors kommun", 0), ("Vindelns kommun", 0),
                         ("Nordmalings kommun", 0), ("Vännäs kommun", 0),
                         ("Bjurholms kommun", 0)],
        "indikatorer": [
            ("Nådda företag", 0, None, "företag", None),
            ("Andel kvinnor bland deltagarna", 0, None, "%",
             "horisontella_kriterier.deltagare.andel_kvinnor"),
            ("Sysselsättningsökning", 0, None, "heltidstjänster", None)],
        "kommuner_text": [("Robertsfors", "ROBERTSFORS", ""), ("Vindeln", "VINDELN", ""),
                          ("Vännäs", "VÄNNÄS", ""), ("Bjurholm", "BJURHOLM", ""),
                          ("Nordmaling", "NORDMALING", "")],
        "tomma_listor": ([], [], [], [], []),
        "nollstallt": (None, None, None, {"fore": None, "efter": None, "okning": None}, None),
        "texter": [f"program_for_tillvaxt.steg[{i}].beskrivning" for i in range(6)],
        "tal": {},
    }


def test_new_from_the_last_report_lists_only_what_to_fill_in(next_report: Path) -> None:
    """Zeros agree with each other: the checks list only what is left to fill in."""
    findings = check(load(next_report))
    assert {(f.code, f.severity) for f in findings} == {("ej-ifyllt", "info")}
    paths = [f.path for f in findings]
    assert len(paths) == 67
    assert paths[:4] == ["sammanfattning", "inledning.text", "pandemin.text",
                         "aktiviteter[0].omraden[0].antal"]
    assert paths[-2:] == ["ekonomi.finansiering[5].belopp", "ekonomi.finansiering[6].belopp"]


def test_new_from_the_last_report_marks_what_to_fill_in(next_report: Path) -> None:
    """The header is replaced and the project's facts carry TODO comments, line by line."""
    head = next_report.read_text(encoding="utf-8").split("\nrubriker:")[0]
    assert head == """\
# Data för nästa slutrapport, skapad med 'slutrapport new --from nis60.yaml'.
# Rubriker, namn, kommuner, finansiärer, kostnadsslag och programmets steg kommer från
# den förra rapporten. Siffrorna är nollställda, texterna tomma och företagen borttagna.
# Fyll i allt som är märkt TODO och kontrollera sedan med 'slutrapport check FIL'.
# Löptext är Markdown; ett tal i texten kan knytas till datat: [2 949](tal:sökväg).

projekt:
  namn: Näringsliv i samverkan  # TODO: kontrollera namnet på det nya projektet
  kortnamn: NIS 6.0  # TODO: kontrollera kortnamnet
  rapporttyp: Slutrapport
  period:  # TODO: fyll i den nya projektperioden
    fran: "2019"
    till: "2022"
  kommuner:
    - Robertsfors
    - Vindeln
    - Vännäs
    - Bjurholm
    - Nordmaling
  finansiarer:
    - Tillväxtverket
    - Region Västerbotten
    - Robertsfors kommun
    - Vindelns kommun
    - Nordmalings kommun
    - Vännäs kommun
    - Bjurholms kommun
  utvarderare: Regionakademien i Umeå  # TODO: kontrollera
  webbplats: https://www.nis60.se/  # TODO: kontrollera
  rapportdatum:  # TODO: fyll i när rapporten skrivs, t.ex. 2026-12
"""


def test_every_emptied_text_and_zeroed_figure_has_a_todo_comment(next_report: Path) -> None:
    """No line sets a figure to 0 or a text to "" without saying what to fill in."""
    lines = next_report.read_text(encoding="utf-8").splitlines()
    silent = [line for line in lines
              if re.search(r':\s*(0|"")\s*$', line)]
    assert silent == []


def test_new_from_a_new_file_gives_the_same_file_again(next_report: Path) -> None:
    """Making the next report from an already cleared one changes nothing but the header."""
    again = from_previous(next_report)
    body = next_report.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert again.split("\n\n", 1)[1] == body


def test_skeleton_names_every_field_of_every_section() -> None:
    """Each field of each model is written out (or shown in a comment) in the skeleton."""
    text = skeleton(2026)
    missing = [f"{model.__name__}.{name}" for model in _models(Slutrapport)
               for name in model.model_fields
               if not re.search(rf"(^[ #]*(- )?|[{{,'] ?){name}:", text, re.MULTILINE)]
    assert missing == []


def test_skeleton_loads_checks_clean_and_renders(tmp_path: Path) -> None:
    """The skeleton is a valid report whose findings only say what to fill in; it renders."""
    path = tmp_path / "ny.yaml"
    path.write_text(skeleton(2026), encoding="utf-8")
    report = load(path)
    data = render_bytes(report, charts=False)
    findings = check(report)
    assert ({(f.code, f.severity) for f in findings}, report.projekt.namn,
            report.projekt.period.model_dump(), data[:2]) == (
        {("ej-ifyllt", "info")}, PLACEHOLDER, {"fran": "2026", "till": "2029"}, b"PK")
    assert [f.path for f in findings[:3]] == ["projekt.namn", "projekt.kortnamn",
                                               "sammanfattning"]


def test_new_from_the_last_report_renders(next_report: Path) -> None:
    """The cleared NIS report renders with the default template."""
    assert render_bytes(load(next_report), charts=False)[:2] == b"PK"


def test_new_command_writes_the_skeleton_and_refuses_to_overwrite(tmp_path: Path) -> None:
    """`new -o` writes once, refuses a second time (exit 2), and overwrites with --force."""
    out = tmp_path / "rapport.yaml"
    runner = CliRunner()
    first = runner.invoke(main, ["new", "-o", str(out)])
    out.write_text("# mitt eget\n", encoding="utf-8")
    second = runner.invoke(main, ["new", "-o", str(out)])
    kept = out.read_text(encoding="utf-8")
    third = runner.invoke(main, ["new", "--from", str(NIS), "-o", str(out), "--force"])
    assert [(r.exit_code, r.output) for r in (first, second, third)] == [
        (0, f"Skrev {out}. Fyll i det som är märkt TODO och kontrollera med:\n"
            f"  slutrapport check {out}\n"),
        (2, f"InputError: {out}: filen finns redan; välj ett annat namn eller skriv över den "
            "med --force\n"),
        (0, f"Skrev {out}. Fyll i det som är märkt TODO och kontrollera med:\n"
            f"  slutrapport check {out}\n"),
    ]
    assert (kept, out.read_text(encoding="utf-8")) == ("# mitt eget\n", from_previous(NIS))


def test_new_from_a_file_that_does_not_load_exits_2(tmp_path: Path) -> None:
    """A previous report that is not valid data is refused with its file, line and field."""
    old = tmp_path / "gammal.yaml"
    old.write_text("projekt:\n  namn: X\n  kortnamn: X\n  perod: 2019\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", "--from", str(old), "-o", str(tmp_path / "n.yaml")])
    assert (result.exit_code, result.output, (tmp_path / "n.yaml").exists()) == (
        2,
        f"InputError: {old}:4: projekt.perod: okänt fält 'perod'; menade du 'period'?\n",
        False,
    )
