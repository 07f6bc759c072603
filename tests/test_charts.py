"""Tests of the charts drawn from a report's data (slutrapport.charts).

Expected strings spell NO-BREAK SPACE (U+00A0) and MINUS SIGN (U+2212) as escapes, so every
assertion is checked code point by code point.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

import slutrapport
from slutrapport import Slutrapport
from slutrapport.chartfacts import short_name
from slutrapport.charts import (
    DPI,
    Chart,
    make_charts,
    tick_label,
)
from slutrapport.kinds.foretagsprogram import MAX_COMPANIES, SELECTION_SIZE

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

NBSP = "\u00a0"
MINUS = "\u2212"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ORDER = [("horisontella_kriterier", "deltagare"), ("program_for_tillvaxt", "anstallda"),
         ("ekonomi", "budget"), ("ekonomi", "kostnader")]
"""The NIS 6.0 charts by section id and name, in the order the report's sections stand."""

Charts = dict[str, dict[str, Chart]]


@pytest.fixture(scope="module")
def nis() -> Slutrapport:
    return slutrapport.load(slutrapport.example_path())


@pytest.fixture(scope="module")
def nis_charts(nis: Slutrapport) -> Charts:
    return make_charts(nis)


def _data(report: Slutrapport) -> dict[str, Any]:
    return report.model_dump(mode="json", exclude_none=True)


def _section(data: dict[str, Any], sid: str) -> dict[str, Any]:
    """The section with this id in plain report data."""
    found: dict[str, Any] = next(s for s in data["avsnitt"] if s["id"] == sid)
    return found


def _flat(charts: Charts) -> dict[tuple[str, str], Chart]:
    """The charts by (section id, name), in their numbered order."""
    return {(sid, name): chart for sid, named in charts.items() for name, chart in named.items()}


def _pixels(cm: float) -> int:
    return round(cm / 2.54 * DPI)


def _digests(charts: Charts) -> dict[str, str]:
    return {f"{sid}.{name}": hashlib.sha256(chart.png).hexdigest()
            for (sid, name), chart in _flat(charts).items()}


def _with_companies(report: Slutrapport, count: int) -> Slutrapport:
    data = _data(report)
    effekt = _section(data, "program_for_tillvaxt")["effekt"]
    effekt["foretag"] = [
        {
            "namn": f"Företag {i:04d} i Västerbotten AB",
            "anstallda_fore": (i * 7) % 50,
            "anstallda_efter": max(0, (i * 7) % 50 + (i * 13) % 9 - 2),
        }
        for i in range(count)
    ]
    effekt["summa"] = {}
    effekt.pop("okning_procent", None)
    return slutrapport.from_data(data)


def test_nis_example_draws_the_four_charts_with_their_captions(
    nis_charts: Charts,
) -> None:
    """The NIS 6.0 example gives exactly the four charts, in the report's order, with captions."""
    summary = {key: (c.bildtext, c.alt, c.width_cm) for key, c in _flat(nis_charts).items()}
    assert summary == {
        ("horisontella_kriterier", "deltagare"): (
            "Diagram 1: Deltagare i projektets aktiviteter efter kön",
            "Liggande stapeldiagram över deltagarna i projektets aktiviteter efter kön: "
            "1\xa0466 (49,7\xa0%) kvinnor och 1\xa0483 (50,3\xa0%) män, totalt 2\xa0949 deltagare.",
            12.0,
        ),
        ("program_for_tillvaxt", "anstallda"): (
            "Diagram 2: Anställda per företag 2019 och okt-22",
            "Liggande stapeldiagram över antal anställda 2019 och okt-22 i de 32 företagen i "
            "programmet. Sammanlagt hade alla 32 företagen 159,5 anställda 2019 och 202 okt-22. "
            "Störst ökning: Svenska Dynor AB (+7), TSSolar (+7) och Frekab i Bjurholm AB (+6).",
            16.0,
        ),
        ("ekonomi", "budget"): (
            "Diagram 3: Budget och utfall",
            "Stapeldiagram som jämför budget och utfall: budgeten var 16\xa0713\xa0030\xa0kr och "
            "utfallet 15\xa0470\xa0690\xa0kr, det vill säga 1\xa0242\xa0340\xa0kr under budget.",
            12.0,
        ),
        ("ekonomi", "kostnader"): (
            "Diagram 4: Kostnader per kostnadsslag",
            "Liggande stapeldiagram över kostnaderna per kostnadsslag, i kronor och andel av "
            "utfallet 15\xa0470\xa0690\xa0kr: Externa tjänster 2\xa0931\xa0397\xa0kr (18,9\xa0%), "
            "Material och lokaler 565\xa0350\xa0kr (3,7\xa0%), Personal 7\xa0095\xa0150\xa0kr "
            "(45,9\xa0%), Resor o logi 120\xa0266\xa0kr (0,8\xa0%) och Schablonkostnader "
            "4\xa0758\xa0531\xa0kr (30,8\xa0%).",
            16.0,
        ),
    }
    assert list(_flat(nis_charts)) == ORDER
    assert all(name == chart.name for (_, name), chart in _flat(nis_charts).items())


def test_charts_are_numbered_in_the_order_their_sections_stand(nis: Slutrapport) -> None:
    """With the economy moved first, its charts are numbers 1 and 2 and the others follow."""
    data = _data(nis)
    economy = _section(data, "ekonomi")
    data["avsnitt"] = [economy, *(s for s in data["avsnitt"] if s is not economy)]
    charts = make_charts(slutrapport.from_data(data))
    assert {key: c.bildtext for key, c in _flat(charts).items()} == {
        ("ekonomi", "budget"): "Diagram 1: Budget och utfall",
        ("ekonomi", "kostnader"): "Diagram 2: Kostnader per kostnadsslag",
        ("horisontella_kriterier", "deltagare"):
            "Diagram 3: Deltagare i projektets aktiviteter efter kön",
        ("program_for_tillvaxt", "anstallda"):
            "Diagram 4: Anställda per företag 2019 och okt-22",
    }


def test_same_report_gives_identical_bytes_twice(
    nis: Slutrapport, nis_charts: Charts
) -> None:
    """Drawing the same report again gives byte-for-byte the same PNGs."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SLUTRAPPORT_CACHE", "0")  # draw twice for real, not once and then read back
        assert _digests(make_charts(nis)) == _digests(make_charts(nis)) == _digests(nis_charts)


def test_same_report_gives_identical_bytes_in_other_processes(
    nis_charts: Charts,
) -> None:
    """Two fresh processes with different hash seeds draw the same bytes as this one."""
    script = (
        "import hashlib, json, slutrapport\n"
        "from slutrapport.charts import make_charts\n"
        "charts = make_charts(slutrapport.load(slutrapport.example_path()))\n"
        "print(json.dumps({f'{s}.{k}': hashlib.sha256(c.png).hexdigest()\n"
        "                  for s, named in charts.items() for k, c in named.items()}))\n"
    )
    seen = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "SLUTRAPPORT_CACHE": "0"}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True,
            timeout=120, check=True,
        )
        seen.append(json.loads(done.stdout))
    assert seen[0] == seen[1] == _digests(nis_charts)


def test_pngs_are_valid_small_and_sized_for_their_width(nis_charts: Charts) -> None:
    """Every PNG opens, is as wide as its width in cm at the stated dpi, and stays small."""
    for chart in _flat(nis_charts).values():
        assert chart.png.startswith(PNG_SIGNATURE)
        assert len(chart.png) < 250_000
        with Image.open(io.BytesIO(chart.png)) as image:
            image.verify()
        with Image.open(io.BytesIO(chart.png)) as image:
            assert image.format == "PNG"
            assert image.width == _pixels(chart.width_cm)
            assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)
            assert chart.width_cm <= 16
    heights = {name: Image.open(io.BytesIO(c.png)).height
               for (_, name), c in _flat(nis_charts).items()}
    # 32 companies, half a centimetre each, plus the frame: the tallest of the four.
    assert heights["anstallda"] == _pixels(2.6 + 0.5 * 32)
    assert heights["anstallda"] == max(heights.values())


def test_report_without_economy_or_programme_draws_only_what_it_can(nis: Slutrapport) -> None:
    """Without ekonomi and programme only the participants chart is drawn, and it is number 1."""
    kept = [s for s in nis.avsnitt if s.id not in ("ekonomi", "program_for_tillvaxt")]
    charts = make_charts(nis.model_copy(update={"avsnitt": kept}))
    assert {key: c.bildtext for key, c in _flat(charts).items()} == {
        ("horisontella_kriterier", "deltagare"):
            "Diagram 1: Deltagare i projektets aktiviteter efter kön"}


def test_missing_and_empty_data_leave_charts_out_and_numbers_close_up(nis: Slutrapport) -> None:
    """Empty costs, no companies and no participants skip their charts; numbering has no gap."""
    data = _data(nis)
    ekonomi, effekt = _section(data, "ekonomi"), _section(data, "program_for_tillvaxt")["effekt"]
    ekonomi["kostnader"] = []
    ekonomi.pop("summa_kostnader", None)
    effekt["foretag"] = []
    effekt["summa"] = {}
    effekt.pop("okning_procent", None)
    del _section(data, "horisontella_kriterier")["deltagare"]
    charts = make_charts(slutrapport.from_data(data))
    assert {key: c.bildtext for key, c in _flat(charts).items()} == {
        ("ekonomi", "budget"): "Diagram 1: Budget och utfall"
    }
    bare = slutrapport.from_data({"projekt": data["projekt"]})
    assert make_charts(bare) == {}


def test_outcome_over_budget_is_described_as_over(nis: Slutrapport) -> None:
    """An outcome above the budget is told as an amount over budget."""
    data = _data(nis)
    _section(data, "ekonomi")["utfall"] = 17_000_000
    _section(data, "ekonomi").pop("under_budget", None)
    chart = make_charts(slutrapport.from_data(data))["ekonomi"]["budget"]
    assert chart.alt.endswith("det vill säga 286\xa0970\xa0kr över budget.")


def test_two_thousand_companies_draw_quickly_as_a_selection(nis: Slutrapport) -> None:
    """2 000 companies draw within seconds, as the 30 that grew most, and the caption says so."""
    report = _with_companies(nis, 2000)
    start = time.perf_counter()
    chart = make_charts(report)["program_for_tillvaxt"]["anstallda"]
    elapsed = time.perf_counter() - start
    assert elapsed < 10
    assert chart.bildtext == (
        "Diagram 2: Anställda per företag 2019 och okt-22 – urval: de 30 av 2\xa0000 företag "
        "som ökade mest"
    )
    assert "de 30 av 2\xa0000 företag i programmet som ökade mest" in chart.alt
    assert len(chart.png) < 250_000
    with Image.open(io.BytesIO(chart.png)) as image:
        assert image.height == _pixels(2.6 + 0.5 * SELECTION_SIZE)


def test_up_to_the_limit_every_company_is_shown_in_a_page_high_chart(nis: Slutrapport) -> None:
    """At the limit all companies are drawn, no taller than a page, without a selection."""
    chart = make_charts(_with_companies(nis, MAX_COMPANIES))["program_for_tillvaxt"]["anstallda"]
    assert "urval" not in chart.bildtext
    assert f"de {MAX_COMPANIES} företagen i programmet" in chart.alt
    assert len(chart.png) < 250_000
    with Image.open(io.BytesIO(chart.png)) as image:
        assert image.height == _pixels(22.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (5.0, "5"),
        (2000.0, "2\u00a0000"),
        (16_000_000.0, "16\u00a0000\u00a0000"),
        (-1_234_567.0, "\u22121\u00a0234\u00a0567"),
        (-2.0, "\u22122"),
        (2.5, "2,5"),
        (-0.5, "\u22120,5"),
        (0.30000000000000004, "0,3"),
        (1999.9999999999998, "2\u00a0000"),
    ],
)
def test_tick_labels_use_no_break_spaces_minus_sign_and_comma(value: float, expected: str) -> None:
    """The tick formatter writes Swedish figures, checked code point by code point."""
    label = tick_label(value, None)
    assert [hex(ord(c)) for c in label] == [hex(ord(c)) for c in expected]
    assert "-" not in label and " " not in label


def test_drawn_tick_labels_are_the_swedish_ones(nis: Slutrapport) -> None:
    """The axes of a drawn chart carry labels from the Swedish formatter, not matplotlib's own."""
    from matplotlib.figure import Figure

    from slutrapport import charts as module

    made: list[Figure] = []
    real = module._png

    def keep(fig: Figure) -> bytes:
        made.append(fig)
        return real(fig)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(module, "_png", keep)
        mp.setenv("SLUTRAPPORT_CACHE", "0")  # draw for real, not from the cache
        module.make_charts(nis)
    ax = made[ORDER.index(("ekonomi", "budget"))].axes[0]
    low, high = ax.get_ylim()
    labels = [
        label.get_text()
        for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
        if low <= tick <= high
    ]
    assert labels == ["0", "4\xa0000\xa0000", "8\xa0000\xa0000", "12\xa0000\xa0000",
                      "16\xa0000\xa0000"]


def test_matplotlib_settings_of_the_caller_neither_change_the_bytes_nor_are_changed(
    nis: Slutrapport, nis_charts: Charts
) -> None:
    """A caller's rcParams do not reach the charts, and drawing leaves them as they were."""
    import matplotlib

    with matplotlib.rc_context({"font.size": 30, "hatch.linewidth": 3, "axes.unicode_minus": True}):
        before = dict(matplotlib.rcParams)
        again = make_charts(nis)
        assert dict(matplotlib.rcParams) == before
    assert _digests(again) == _digests(nis_charts)


def test_importing_the_module_does_not_import_matplotlib() -> None:
    """`import slutrapport.charts` imports neither matplotlib nor Pillow; drawing does."""
    script = (
        "import sys, slutrapport.charts\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_long_names_are_shortened_in_the_middle(nis: Slutrapport) -> None:
    """A company name too long for the axis keeps its start and its end around an ellipsis."""
    short = short_name("Företaget med ett mycket mycket långt namn nummer 19 Aktiebolag")
    assert short == "Företaget med ett myc…mmer 19 Aktiebolag"
    assert len(short) == 40
    assert short_name("Smide & Industrimontage I Norr AB") == "Smide & Industrimontage I Norr AB"
    data = copy.deepcopy(_data(nis))
    _section(data, "program_for_tillvaxt")["effekt"]["foretag"][0]["namn"] = "X" * 500
    assert "anstallda" in make_charts(slutrapport.from_data(data))["program_for_tillvaxt"]
