"""Nothing stated is lost: ``tal-visas-inte`` lists the stated figures a report won't show."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import types
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport import shown
from slutrapport.checks import Finding, check
from slutrapport.cli import main
from slutrapport.formatting import format_integer
from slutrapport.paths import split_path
from slutrapport.rendering import render_bytes
from slutrapport.resources import default_template, example_path
from tests.docxread import outline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def data() -> dict[str, Any]:
    """A small report: an economy, two activity areas (one linked in its text), participants."""
    return {
        "projekt": {"namn": "P", "kortnamn": "P 1", "period": {"fran": "2020", "till": "2022"}},
        "avsnitt": [
            {"typ": "ekonomi", "budget": 100, "utfall": 90},
            {"typ": "aktiviteter", "id": "aktiviteterna", "omraden": [
                {"rubrik": "A", "antal": 5, "text": "[5](tal:antal) besök."},
                {"rubrik": "B", "antal": 7, "text": "Sju träffar."}]},
            {"typ": "horisontella_kriterier", "deltagare": {"kvinnor": 10, "totalt": 30}},
        ],
    }


def template(folder: Path, *paragraphs: str) -> Path:
    """A Word template of the given paragraphs (docxtpl tags and all)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = folder / "mall.docx"
    document.save(str(path))
    return path


def unshown(report: slutrapport.Slutrapport, *paths: str) -> list[Finding]:
    """The ``tal-visas-inte`` findings the check gives for these whole-number figures."""
    out = []
    for path in paths:
        loc = _loc(report, path)
        value: Any = report
        for part in loc:
            value = value[part] if isinstance(part, int) else getattr(value, part)
        figure = format_integer(value)
        out.append(Finding(
            "tal-visas-inte", "info", path,
            f"Talet {figure} syns inte i rapporten: mallen skriver inte ut {path}, och ingen "
            f"tallänk i en text som kommer med visar det. Skriv det i texten som "
            f"[{figure}](tal:{path}), eller ta med det i mallen.", None, value,
            report.line_of(loc)))
    return out


def hidden(report: slutrapport.Slutrapport, *ids: str) -> list[Finding]:
    """The ``avsnitt-visas-inte`` warnings the check gives for these sections, which the
    template shows nothing of."""
    out = []
    for sid in ids:
        section = report.section(sid)
        assert section is not None
        out.append(Finding(
            "avsnitt-visas-inte", "warning", sid,
            f"Avsnittet '{sid}' (typ {section.TYP}) syns inte i rapporten: mallen har ingen del "
            f"för typen {section.TYP} och nämner inte avsnittet vid dess id. Lägg till en del "
            "för typen i mallen (se 'slutrapport template check'), eller ta bort avsnittet.",
            None, section.TYP, report.line_of(("avsnitt", report.avsnitt.index(section)))))
    return out


def every_hidden(report: slutrapport.Slutrapport) -> list[Finding]:
    """The warnings for a template that shows none of the small report's sections."""
    return hidden(report, "aktiviteterna", "ekonomi", "horisontella_kriterier")


def _loc(report: slutrapport.Slutrapport, path: str) -> tuple[str | int, ...]:
    parts = split_path(path)
    assert parts is not None
    for i, section in enumerate(report.avsnitt):
        if section.id == parts[0]:
            return ("avsnitt", i, *parts[1:])
    return tuple(parts)


EVERY_FIGURE = ("aktiviteterna.omraden[0].antal", "aktiviteterna.omraden[1].antal",
                "ekonomi.budget", "ekonomi.utfall", "horisontella_kriterier.deltagare.kvinnor",
                "horisontella_kriterier.deltagare.totalt")
"""The small report's stated figures, in the order findings without lines come (by path)."""


@pytest.fixture
def report() -> slutrapport.Slutrapport:
    return slutrapport.from_data(data())


def test_the_small_report_shows_every_figure_with_the_default_template(
        report: slutrapport.Slutrapport) -> None:
    """With the default template nothing of the small report is lost: no finding at all."""
    assert check(report) == []


def test_a_template_that_prints_nothing_lists_every_stated_figure_and_no_computed_one(
        report: slutrapport.Slutrapport, tmp_path: Path) -> None:
    """Men and the shares are left out (computed), so only the six stated figures are listed;
    and each section, of which nothing shows, is named."""
    found = check(report, template=template(tmp_path, "{{ projekt.namn }}"))
    assert found == every_hidden(report) + unshown(report, *EVERY_FIGURE)


@pytest.mark.parametrize("shows_budget", [
    ["{{ ekonomi.budget|kr }}"],
    ["{{ ekonomi.budget }}"],
    ["Budget: {{ 'totalt ' ~ ekonomi.budget ~ ' kr' }}"],
    ["{{ ekonomi.budget|abs|kr }}"],
    ["{{ ekonomi['budget']|tal }}"],
    ["{%p for a in avsnitt %}", "{%p if a.typ == 'ekonomi' %}", "{{ a.budget|kr }}",
     "{%p endif %}", "{%p endfor %}"],
], ids=["id", "bare", "in-a-text", "abs", "item", "loop"])
def test_a_figure_a_user_template_prints_is_not_listed(
        report: slutrapport.Slutrapport, tmp_path: Path, shows_budget: list[str]) -> None:
    """By id, bare, inside a longer text, through filters or in the loop: the budget shows."""
    found = check(report, template=template(tmp_path, *shows_budget))
    assert found == hidden(report, "aktiviteterna", "horisontella_kriterier") + unshown(
        report, *(p for p in EVERY_FIGURE if p != "ekonomi.budget"))


def test_a_figure_in_a_paragraph_docxtpl_drops_is_listed(
        report: slutrapport.Slutrapport, tmp_path: Path) -> None:
    """A ``{%p`` tag takes its whole paragraph away, so the budget beside it never prints."""
    mall = template(tmp_path, "{%p if ekonomi %}", "{{ ekonomi.budget|kr }}{%p endif %}")
    assert check(report, template=mall) == every_hidden(report) + unshown(report, *EVERY_FIGURE)


@pytest.mark.parametrize("uses_budget", [
    "{%p if ekonomi.budget %}",
    "{%p if ekonomi.budget|kr %}",
    "{%p if ekonomi.budget > ekonomi.utfall %}",
])
def test_a_figure_used_only_in_a_condition_is_listed(
        report: slutrapport.Slutrapport, tmp_path: Path, uses_budget: str) -> None:
    """A value tested but never printed shows nothing: the budget stays on the list."""
    found = check(report, template=template(tmp_path, uses_budget, "Text", "{%p endif %}"))
    assert found == every_hidden(report) + unshown(report, *EVERY_FIGURE)


def test_a_figure_shown_only_through_a_figure_link_is_not_listed(
        report: slutrapport.Slutrapport, tmp_path: Path) -> None:
    """Printing the areas' texts shows area A's count, which its text links; B's stays listed."""
    mall = template(tmp_path, "{{ ekonomi.budget }} {{ ekonomi.utfall }}",
                    "{{ horisontella_kriterier.deltagare.kvinnor }}",
                    "{{ horisontella_kriterier.deltagare.totalt }}",
                    "{%p for omrade in aktiviteterna.omraden %}", "{{p omrade.text }}",
                    "{%p endfor %}")
    assert check(report, template=mall) == unshown(report, "aktiviteterna.omraden[1].antal")


def test_a_figure_link_in_a_text_the_template_leaves_out_shows_nothing(
        report: slutrapport.Slutrapport, tmp_path: Path) -> None:
    """Area A's text is never printed, so its figure link shows no figure."""
    mall = template(tmp_path, "{{ ekonomi.budget }} {{ ekonomi.utfall }}",
                    "{{ horisontella_kriterier.deltagare.kvinnor }}",
                    "{{ horisontella_kriterier.deltagare.totalt }}")
    assert check(report, template=mall) == hidden(report, "aktiviteterna") + unshown(
        report, "aktiviteterna.omraden[0].antal", "aktiviteterna.omraden[1].antal")


def test_a_figure_in_a_chart_only_is_listed(
        report: slutrapport.Slutrapport, tmp_path: Path) -> None:
    """A chart's picture, caption and alt text show no figure: budget and outcome are listed."""
    mall = template(tmp_path, "{%p if ekonomi.diagram.budget %}",
                    "{{ ekonomi.diagram.budget.bild }}", "{{ ekonomi.diagram.budget.bildtext }}",
                    "{{ ekonomi.diagram.budget.alt }}", "{%p endif %}",
                    "{{ aktiviteterna.omraden[0].antal }} {{ aktiviteterna.omraden[1].antal }}",
                    "{{ horisontella_kriterier.deltagare.kvinnor }}",
                    "{{ horisontella_kriterier.deltagare.totalt }}")
    assert check(report, template=mall) == unshown(report, "ekonomi.budget", "ekonomi.utfall")


def _default_without(tmp_path: Path, tag: str) -> Path:
    """The default template with one tag taken out of its body."""
    source = default_template().read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            blob = old.read(item.filename)
            if item.filename == "word/document.xml":
                assert blob.count(tag.encode()) == 1
                blob = blob.replace(tag.encode(), b"")
            new.writestr(item, blob)
    path = tmp_path / "utan.docx"
    path.write_bytes(out.getvalue())
    return path


def test_check_template_lists_exactly_the_figure_a_template_drops(tmp_path: Path) -> None:
    """The default template without the budget: lappland's findings plus the budget, exit 0."""
    lappland = slutrapport.load(FIXTURES / "lappland20.yaml")
    mall = _default_without(tmp_path, "{{ a.budget|kr }}")
    result = CliRunner().invoke(main, ["check", str(FIXTURES / "lappland20.yaml"), "--template",
                                       str(mall), "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = sorted([*check(lappland), *unshown(lappland, "ekonomi.budget")],
                      key=lambda f: ({"error": 0, "warning": 1, "info": 2}[f.severity],
                                     f.line or 0, f.path, f.code))
    assert json.loads(result.stdout)["findings"] == [f.as_dict() for f in expected]
    assert check(lappland, template=mall) == expected


def test_check_template_that_is_missing_exits_2_as_render_does(tmp_path: Path) -> None:
    """A template that isn't there: the same Swedish refusal as render gives, exit 2."""
    missing = tmp_path / "saknas.docx"
    result = CliRunner().invoke(main, ["check", str(example_path()), "--template", str(missing)])
    assert result.exit_code == 2
    assert result.stderr == f"Fel i mallen: {missing}: mallen finns inte\n"


def test_check_template_with_a_broken_tag_says_what_render_says(tmp_path: Path) -> None:
    """An unclosed tag: check gives render's own message (one wording for both)."""
    mall = template(tmp_path, "{{ projekt.namn")
    report = slutrapport.load(example_path())
    with pytest.raises(slutrapport.TemplateError) as by_check:
        check(report, template=mall)
    with pytest.raises(slutrapport.TemplateError) as by_render:
        render_bytes(report, template=mall, charts=False)
    assert str(by_check.value) == str(by_render.value)


@pytest.mark.parametrize("name", ["nis60.yaml", "lappland20.yaml"])
def test_the_examples_findings_are_as_before_with_no_figure_lost(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """NIS 6.0 and Lappland: the same whole findings list with the check as without it."""
    report = slutrapport.load(FIXTURES / name)
    with_it = check(report)

    def nothing(report: slutrapport.Slutrapport, template: Any = None) -> Iterator[Any]:
        return iter(())

    monkeypatch.setattr(shown, "unshown", nothing)
    assert with_it == check(report)


def _area_lines(report: slutrapport.Slutrapport) -> list[str]:
    lines = outline(render_bytes(report, charts=False)).splitlines()
    return [line for line in lines if "Redovisat antal" in line]


def test_the_default_template_prints_a_count_only_where_no_figure_link_shows_it() -> None:
    """Area A's text links its count; area B's doesn't: only B gets 'Redovisat antal: 7.'"""
    assert _area_lines(slutrapport.from_data(data())) == ["[BodyText] Redovisat antal: 7."]


def test_the_default_template_prints_key_figures_and_programme_counts_left_unlinked() -> None:
    """Key figures, the programme's company counts and group sizes print when no link does."""
    raw = data()
    raw["avsnitt"][1]["omraden"][1]["nyckeltal"] = {"nya_paket": 12}
    raw["avsnitt"][1]["omraden"][1]["text"] = "Sju träffar gav nya paket."  # the name's words
    raw["avsnitt"].append({"typ": "foretagsprogram", "foretag_start": 4, "foretag_slut": 6,
                           "strategigrupper": {"grupper": [{"antal_foretag": 2},
                                                           {"namn": "Norr", "antal_foretag": 4}]}})
    report = slutrapport.from_data(raw)
    lines = outline(render_bytes(report, charts=False)).splitlines()
    assert [line for line in lines if line.startswith(("[BodyText] Nya", "[BodyText] Antal f",
                                                       "[BodyText] Företag per"))] == [
        "[BodyText] Nya paket: 12.", "[BodyText] Antal företag när programmet började: 4.",
        "[BodyText] Antal företag när programmet slutade: 6.",
        "[BodyText] Företag per grupp: 2 och Norr (4)."]
    assert [f for f in check(report) if f.code == "tal-visas-inte"] == []


def test_a_second_process_reads_the_compiled_template_without_docxtpl(tmp_path: Path) -> None:
    """The compiled template is kept on disk: a later check neither imports docxtpl nor compiles."""
    script = ("import sys, slutrapport; r = slutrapport.load(slutrapport.example_path()); "
              "slutrapport.check(r); print('docxtpl' in sys.modules)")
    env = {**os.environ, "SLUTRAPPORT_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True).stdout for _ in range(2)]
    assert runs == ["True\n", "False\n"]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The templates the check runs (each run of the marked template, by its path), with the
    answers kept in this process forgotten first."""
    runs: list[Path] = []
    anew = shown._printed_anew

    def spy(report: slutrapport.Slutrapport, path: Path) -> shown.Shown:
        runs.append(path)
        return anew(report, path)

    monkeypatch.setattr(shown, "_printed_anew", spy)
    monkeypatch.setattr(shown, "_answers", {})
    return runs


def _seen(answer: shown.Shown) -> tuple[set[Any], set[Any], set[Any]]:
    return answer.exact, answer.under, answer.sections


def test_the_same_data_and_template_are_checked_with_one_template_run(
        tmp_path: Path, counted: list[Path]) -> None:
    """A second check of the same data with the same template, in this process or a fresh one
    (the answer read back from the signed cache), runs the template no more and finds the same."""
    path = template(tmp_path, "{{ ekonomi.budget }}")
    first = check(slutrapport.from_data(data()), template=path)
    again = check(slutrapport.from_data(data()), template=path)
    shown._answers.clear()  # as a fresh process: only the cache on disk remains
    fresh = check(slutrapport.from_data(data()), template=path)
    assert counted == [path]
    assert again == first and fresh == first
    assert [f.path for f in first if f.code == "tal-visas-inte"] == [
        "aktiviteterna.omraden[0].antal", "aktiviteterna.omraden[1].antal", "ekonomi.utfall",
        "horisontella_kriterier.deltagare.kvinnor", "horisontella_kriterier.deltagare.totalt"]


def test_changed_data_or_a_changed_template_is_worked_out_again(
        tmp_path: Path, counted: list[Path]) -> None:
    """Each change the answer depends on — a figure link taken out of a text, the template
    edited in place — runs the template again, and the answer follows the change."""
    texts = "{%for o in aktiviteterna.omraden %}{{ o.text }}{% endfor %}"
    path = template(tmp_path, "{{ ekonomi.budget }}" + texts)
    report = slutrapport.from_data(data())
    before = _seen(shown.printed(report, path))
    report.avsnitt[1].omraden[0].text = "Fem besök."  # type: ignore[union-attr]
    unlinked = _seen(shown.printed(report, path))
    template(tmp_path, "{{ ekonomi.budget }} {{ ekonomi.utfall }}" + texts)
    reprinted = _seen(shown.printed(report, path))
    assert counted == [path, path, path]
    assert ("avsnitt", 1, "omraden", 0, "antal") in before[0] - unlinked[0]
    assert reprinted[0] - unlinked[0] == {("avsnitt", 0, "utfall")}
    assert reprinted == _seen(shown._printed_anew(report, path))  # as if nothing were kept


def test_a_kind_made_in_code_without_a_source_file_keeps_no_answer(
        tmp_path: Path, counted: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A section kind whose module has no file (made in code) can change unseen: with it
    registered, every check runs the template."""
    from slutrapport.kinds import unregister
    source = (Path(__file__).with_name("tidplan.py")).read_text(encoding="utf-8")
    module = types.ModuleType("tidplan_i_kod")  # no __file__: nothing to read its source from
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(source, "<gjord i kod>", "exec"), module.__dict__)
    assert module.register().__module__ == "tidplan_i_kod"
    try:
        path = template(tmp_path, "{{ ekonomi.budget }}")
        report = slutrapport.from_data(data())
        assert _seen(shown.printed(report, path)) == _seen(shown.printed(report, path))
        assert counted == [path, path]
    finally:
        unregister("tidplan")
