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
