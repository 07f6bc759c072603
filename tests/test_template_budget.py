"""A template can't run without limit: time, the size of what it builds, and its arithmetic.

Each run is a fresh ``slutrapport render`` in a child with a memory and time limit, so a budget
that failed would show as a killed or hung child, not as a slow test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

import slutrapport

TOO_LARGE = "det är mer än en rapport kan behöva, och mallen körs inte"


def _render(tmp_path: Path, text: str, env: dict[str, str] | None = None,
            timeout: float = 60) -> tuple[int | None, str, bool]:
    document = docx.Document()
    document.add_paragraph(text)
    template = tmp_path / "mall.docx"
    document.save(template)
    child = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
             "from slutrapport.cli import main; sys.argv[0] = 'slutrapport'; main()")
    try:
        done = subprocess.run(
            [sys.executable, "-c", child, "render", str(slutrapport.example_path()), "-o",
             "ut.docx", "--template", "mall.docx", "--no-contents", "--no-charts", "-q"],
            capture_output=True, text=True, timeout=timeout, check=False, cwd=tmp_path,
            env={**os.environ, **(env or {})})
    except subprocess.TimeoutExpired:
        return None, f"no answer within {timeout} s", False
    errors = "\n".join(line for line in done.stderr.splitlines()
                       if line.startswith("Fel i mallen"))
    return done.returncode, errors, (tmp_path / "ut.docx").exists()


@pytest.mark.parametrize(("expression", "what"), [
    ("'a' * 10**9", "en text eller lista på 1\u00a0000\u00a0000\u00a0000 tecken"),
    ("[0] * 10**9", "en text eller lista på 1\u00a0000\u00a0000\u00a0000 tecken"),
    ("9 ** 99999999", "ett tal med över 1\u00a0000 siffror"),
    ("(10 ** 600) * (10 ** 600)", "ett tal med över 1\u00a0000 siffror"),
    ("'a'.ljust(10**9)", "en text på 1\u00a0000\u00a0000\u00a0000 tecken"),
    ("'a'|center(10**9)", "en text på 1\u00a0000\u00a0000\u00a0000 tecken"),
    ("'%0999999999d' % 1", "en text på 999\u00a0999\u00a0999 tecken"),
])
def test_an_operation_that_would_build_a_gigabyte_is_refused(tmp_path: Path, expression: str,
                                                             what: str) -> None:
    """One C call that would eat memory is refused before it runs: exit 2, nothing written."""
    assert _render(tmp_path, "{{ " + expression + " }}") == (
        2, f"Fel i mallen: mall.docx: mallen försöker bygga {what}; {TOO_LARGE}", False)


SEVEN = [
    ("{% set ns = namespace(s='a' * 10**6) %}{% for i in range(10) %}"
     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
     "en text på 16\u00a0000\u00a0000 tecken"),
    ("{{ '{:>1500000000}'.format('a') }}", "en text på 1\u00a0500\u00a0000\u00a0000 tecken"),
    ("{{ '%*s' % (1500000000, 'a') }}", "en text på 1\u00a0500\u00a0000\u00a0000 tecken"),
    ("{{ '%.1500000000f' % 1.0 }}", "en text på 1\u00a0500\u00a0000\u00a0007 tecken"),
    ("{{ ('a' * 10**6).replace('a', 'a' * 10).replace('a', 'a' * 10) }}",
     "en text på 100\u00a0000\u00a0000 tecken"),
    ("{{ ([('a' * 10**6)] * 1000)|join }}", "en text på 1\u00a0000\u00a0000\u00a0000 tecken"),
    ("{{ {'a': [1, 2, 3]}|tojson(indent=100000000) }}", "en text på 800\u00a0000\u00a0025 tecken"),
]
"""The seven ways issue 24 built a huge string past the budget: ``~`` doubling, a format's
width, ``%*s``, ``%.Nf``, chained ``replace``, ``join`` of a repeated list, ``tojson`` with a
huge indent."""


MANY = [
    "{{ range(1200)|map('center', 9000000)|list|length }}",
    "{% set ns = namespace(l=[]) %}{% for i in range(1000) %}"
    "{% if ns.l.append('a' * 9000000) %}{% endif %}{% endfor %}{{ ns.l|length }}",
    "{{ range(1000)|map('center', 9000000)|join|length }}",
]
"""Three ways to build a thousand texts each under the limit of one value (9 million
characters): a list of them (10,6 GB), appended in a loop (out of memory), joined (5,8 GB)."""


@pytest.mark.parametrize("text", MANY, ids=["map-list", "append", "map-join"])
def test_many_large_texts_each_under_the_limit_are_refused_together(tmp_path: Path,
                                                                    text: str) -> None:
    """What one render's expressions build is added up, however many values it is spread
    over: refused at 100 million characters, long before memory runs out (the child may use
    3 GB; these took 6–11 GB)."""
    assert _render(tmp_path, text) == (
        2, "Fel i mallen: mall.docx: mallen försöker bygga texter och listor på sammanlagt mer "
        f"än 100\u00a0000\u00a0000 tecken; {TOO_LARGE}", False)


@pytest.mark.parametrize(("text", "what"), SEVEN,
                         ids=["tilde", "format", "printf-star", "precision", "replace", "join",
                              "tojson"])
def test_each_way_issue_24_found_to_build_a_huge_text_is_refused(tmp_path: Path, text: str,
                                                                 what: str) -> None:
    """Each of the seven is refused before the text is made: exit 2, nothing written."""
    assert _render(tmp_path, text) == (
        2, f"Fel i mallen: mall.docx: mallen försöker bygga {what}; {TOO_LARGE}", False)


CATALOGUE = {
    "block-set-fördubbling": (
        "{% set ns = namespace(s='a' * 1000) %}{% for i in range(30) %}{% set t %}{{ ns.s }}"
        "{{ ns.s }}{% endset %}{% set ns.s = t %}{% endfor %}", 5_000_000,
        "mallen skriver mer än 5\u00a0000\u00a0000 tecken; den körs inte (gränsen ändras med "
        "SLUTRAPPORT_MALL_TECKEN)"),
    "makro-fördubbling": (
        "{% macro m(x) %}{{ x }}{{ x }}{% endmacro %}"
        "{{ m(m(m(m(m(m(m(m(m(m(m(m('a' * 10000)))))))))))) }}", 5_000_000,
        "mallen skriver mer än 5\u00a0000\u00a0000 tecken; den körs inte (gränsen ändras med "
        "SLUTRAPPORT_MALL_TECKEN)"),
    "str-join": ("{{ ''.join([('a' * 10**6)] * 1000) }}", 0,
                 "en text på 1\u00a0000\u00a0000\u00a0000 tecken"),
    "format-inbäddad-bredd": ("{{ '{:>{}}'.format('a', 1500000000) }}", 0,
                              "en text på 1\u00a0500\u00a0000\u00a0000 tecken"),
    "format-filter": ("{{ '%*s'|format(1500000000, 'a') }}", 0,
                      "en text på 1\u00a0500\u00a0000\u00a0000 tecken"),
    "utskriven-upprepad-lista": ("{{ [('a' * 10**6)] * 1000 }}", 0,
                                 "en text på 1\u00a0000\u00a0002\u00a0002 tecken"),
    "filter-gör-text-av-lista": ("{{ ([('a' * 10**6)] * 1000)|upper }}", 0,
                                 "en text på 1\u00a0000\u00a0002\u00a0002 tecken"),
    "procent-s-av-lista": ("{{ '%s' % ([('a' * 10**6)] * 1000,) }}", 0,
                           "en text på 1\u00a0000\u00a0002\u00a0002 tecken"),
    "format-av-lista": ("{{ '{}'.format([('a' * 10**6)] * 1000) }}", 0,
                        "en text på 1\u00a0000\u00a0002\u00a0002 tecken"),
    "tilde-med-lista": ("{{ ('a' * 10**6) ~ ([('a' * 10**6)] * 1000) }}", 0,
                        "en text på 1\u00a0001\u00a0002\u00a0002 tecken"),
    "extend-fördubbling": ("{% set l = ['a'] %}{% for i in range(40) %}{{ l.extend(l) }}"
                           "{% endfor %}", 0,
                           "en text eller lista på 16\u00a0777\u00a0216 tecken"),
    "indent": ("{{ ('a\\n' * 5000000)|indent(100) }}", 0,
               "en text på 510\u00a0000\u00a0100 tecken"),
    "wordwrap-avgränsare": ("{{ ('a ' * 5000000)|wordwrap(1, wrapstring='x' * 1000) }}", 0,
                            "en text på 5\u00a0010\u00a0001\u00a0000 tecken"),
    "batch-utfyllnad": ("{{ [1]|batch(1000000000, 'x')|list }}", 0,
                        "en text eller lista på 1\u00a0000\u00a0000\u00a0000 tecken"),
    "lipsum": ("{{ lipsum(1000000) }}", 0, "en text på 1\u00a0200\u00a0000\u00a0000 tecken"),
    "summa-av-listor": ("{{ ([[0] * 100000] * 1000)|sum(start=[]) }}", 0,
                        "en text eller lista på 10\u00a0100\u00a0000 tecken"),
    "expandtabs": ("{{ ('\\t' * 1000000).expandtabs(1000) }}", 0,
                   "en text på 1\u00a0001\u00a0000\u00a0000 tecken"),
    "translate": ("{{ ('a' * 10**6).translate({97: 'b' * 1000}) }}", 0,
                  "en text på 1\u00a0000\u00a0000\u00a0000 tecken"),
    "urlize-mål": ("{{ ('http://a.se ' * 100000)|urlize(target='x' * 1000) }}", 0,
                   "en text på 107\u00a0201\u00a0060 tecken"),
}
"""More ways to build a huge text or list, by class: (template, output budget or 0, message)."""

_CHILD = """
import json, os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from slutrapport import _sandbox
from slutrapport.rendering import environment
out = {}
for name, (text, chars) in json.loads(sys.stdin.read()).items():
    os.environ["SLUTRAPPORT_MALL_TECKEN"] = str(chars or _sandbox.TEMPLATE_CHARS)
    try:
        with _sandbox.run():
            out[name] = ["skrev", environment().from_string(text).render()]
    except Exception as exc:
        out[name] = [type(exc).__name__, str(exc)]
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def catalogue() -> dict[str, list[str]]:
    """Every class of the catalogue run once, in one child with a memory limit of 3 GB."""
    import json

    cases = {name: (text, chars) for name, (text, chars, _) in CATALOGUE.items()}
    cases["vanlig"] = (ORDINARY, 0)
    done = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    answer: dict[str, list[str]] = json.loads(done.stdout)
    return answer


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_class_of_huge_value_is_refused_with_its_size(catalogue: dict[str, list[str]],
                                                           name: str) -> None:
    """A capture, a method, a filter or a text made of a list: refused with the whole message
    (the size it would have, or the output budget it passes)."""
    message = CATALOGUE[name][2]
    if not message.startswith("mallen"):
        message = f"mallen försöker bygga {message}; {TOO_LARGE}"
    assert catalogue[name] == ["BudgetExceeded", message]


ORDINARY = ("{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ [1] * 4 }} {{ 'x' ~ 'y' }} {{ '%5.2f' % 3.14159 }} "
            "{{ '{:>6}'.format('a') }} {{ [1, 2]|join(', ') }} {{ {'a': 1}|tojson(indent=2) }} "
            "{{ 'a'|center(5) }} {% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('b') }} "
            "{{ ([[1], [2]])|sum(start=[]) }} {{ ['a', 'b']|batch(3, '-')|list }}")


def test_modest_values_of_every_class_are_made_as_before(
        catalogue: dict[str, list[str]]) -> None:
    """Ordinary formats, joins, JSON, macros, sums and batches render exactly as Jinja's."""
    assert catalogue["vanlig"] == ["skrev", (
        "1\u00a0024 ababab [1, 1, 1, 1] xy  3.14      a 1, 2 {\n  \"a\": 1\n}   a   <b> [1, 2] "
        "[[&#39;a&#39;, &#39;b&#39;, &#39;-&#39;]]")]


def test_a_template_that_runs_too_long_is_stopped(tmp_path: Path) -> None:
    """Nested loops of ten billion steps stop at the time budget with a Swedish message."""
    loops = ("{% for i in range(100000) %}{% for j in range(100000) %}"
             "{% endfor %}{% endfor %}")
    assert _render(tmp_path, loops, {"SLUTRAPPORT_MALL_SEKUNDER": "1,5"}) == (
        2, "Fel i mallen: mall.docx: mallen har kört i mer än 1,5 sekunder och stoppades "
           "(gränsen ändras med SLUTRAPPORT_MALL_SEKUNDER)", False)


def test_a_template_that_writes_too_much_is_stopped(tmp_path: Path) -> None:
    """Writing past the output budget stops the render; the budget is the user's to set."""
    loops = "{% for i in range(100000) %}{{ projekt.namn }}{% endfor %}"
    assert _render(tmp_path, loops, {"SLUTRAPPORT_MALL_TECKEN": "500000"}) == (
        2, "Fel i mallen: mall.docx: mallen skriver mer än 500\u00a0000 tecken; den körs inte "
           "(gränsen ändras med SLUTRAPPORT_MALL_TECKEN)", False)


def test_ordinary_arithmetic_still_works(tmp_path: Path) -> None:
    """Modest products, powers and joins render as before."""
    code, errors, written = _render(
        tmp_path, "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ [1] * 4 }} {{ 'x' + 'y' }} {{ 7 // 2 }}")
    assert (code, errors, written) == (0, "", True)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "abc"])
def test_a_bad_time_budget_is_refused_by_name(tmp_path: Path, value: str) -> None:
    """SLUTRAPPORT_MALL_SEKUNDER that isn't a positive number is named in the refusal."""
    code, errors, written = _render(tmp_path, "{{ projekt.namn }}",
                                    {"SLUTRAPPORT_MALL_SEKUNDER": value})
    assert (code, written) == (2, False)
    assert "SLUTRAPPORT_MALL_SEKUNDER" in errors and f"'{value}'" in errors


TIME_UP = ("mallen har kört i mer än 0,5 sekunder och stoppades (gränsen ändras med "
           "SLUTRAPPORT_MALL_SEKUNDER)")

ENDLESS = ("{% set r = range(100000) %}{% for i in r %}{% for j in r %}{% endfor %}"
           "{% endfor %}")
"""Ten billion loop steps that call nothing the sandbox sees: only an interrupt stops them."""


def test_the_runs_for_one_report_share_one_time_budget(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    """Within shared_budgets (as the command line runs), a report's second run with the same
    template starts with what the first left: nothing, so it is refused before it runs; another
    report has its own budget."""
    from slutrapport import _sandbox

    monkeypatch.setenv("SLUTRAPPORT_MALL_SEKUNDER", "0,5")
    report, other, template = object(), object(), tmp_path / "mall.docx"
    ran: list[str] = []
    with _sandbox.shared_budgets():
        with pytest.raises(_sandbox.BudgetExceeded) as first, _sandbox.run(report, template):
            while True:  # a loop of pure Python: the timer's interrupt stops it
                pass
        monkeypatch.setenv("SLUTRAPPORT_MALL_SEKUNDER", "600")  # for budgets made from now on
        with pytest.raises(_sandbox.BudgetExceeded) as second, _sandbox.run(report, template):
            ran.append("samma rapport")
        with _sandbox.run(other, template):
            ran.append("en annan rapport")
    with _sandbox.run(report, template):  # outside: a budget of its own
        ran.append("utanför")
    assert (str(first.value), str(second.value), ran) == (
        TIME_UP, TIME_UP, ["en annan rapport", "utanför"])


def test_a_check_after_a_render_that_spent_the_budget_runs_nothing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """render and then check of the same report, as `slutrapport render` runs them, cost one
    budget: the check is refused at once. (Run alone, the same check does run the template —
    and fails on a name only the render's context had.)"""
    from slutrapport._sandbox import shared_budgets
    from slutrapport.checks import check
    from slutrapport.errors import TemplateError
    from slutrapport.rendering import render_bytes

    monkeypatch.setenv("SLUTRAPPORT_MALL_SEKUNDER", "0,5")
    document = docx.Document()
    document.add_paragraph("{{ spor.append(1) }}" + ENDLESS)
    template = tmp_path / "mall.docx"
    document.save(template)
    report = slutrapport.load(slutrapport.example_path("lappland20"))
    trace: list[int] = []
    with shared_budgets():
        with pytest.raises(TemplateError) as rendered:
            render_bytes(report, template=template, charts=False, extra={"spor": trace})
        with pytest.raises(TemplateError) as checked:
            check(report, template=template)
    monkeypatch.setenv("SLUTRAPPORT_MALL_SEKUNDER", "600")  # time enough to fail on the name
    with pytest.raises(TemplateError) as alone:
        check(report, template=template)
    assert (str(rendered.value), str(checked.value), str(alone.value), trace) == (
        f"{template}: {TIME_UP}", f"{template}: {TIME_UP}",
        f"{template}: mallen använder variabeln 'spor', som inte finns i datat (i stycket "
        "«{{ spor.append(1) }}{% set r = range(100000) %}{% for i in r %}{% for j in r …»)",
        [1])


def test_a_render_outside_the_main_thread_is_stopped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no timer signal can reach (another thread), a watchdog interrupts the loop."""
    import threading

    from slutrapport import _sandbox
    from slutrapport.rendering import environment

    monkeypatch.setenv("SLUTRAPPORT_MALL_SEKUNDER", "0,5")
    outcome: list[str] = []

    def work() -> None:
        try:
            with _sandbox.run():
                environment().from_string(ENDLESS).render()
            outcome.append("klar")
        except _sandbox.BudgetExceeded as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout=300)  # a hang guard, not a measurement
    assert (worker.is_alive(), outcome) == (False, [TIME_UP])
