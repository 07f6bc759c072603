"""Unusable input makes ``slutrapport check`` exit 2 with a Swedish message, never a traceback.

The inputs and what each message must say are in ``tests/bad_inputs/`` (``cases.toml``), made
from the reference fixture by ``tests/bad_inputs/make_cases.py``. Cases that fail because of a
known bug in the loader or the models are strict xfails, with the bug as the reason.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slutrapport.cli import main
from slutrapport.loader import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "nis60.yaml"
BAD = Path(__file__).resolve().parent / "bad_inputs"
CATALOGUE: list[dict[str, Any]] = tomllib.loads((BAD / "cases.toml").read_text("utf-8"))["case"]
MB = 1024 * 1024


def _params(cases: list[dict[str, Any]]) -> list[Any]:
    return [
        pytest.param(
            case,
            id=case["name"],
            marks=[pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else [],
        )
        for case in cases
    ]


@dataclass
class Outcome:
    """What a run of the command line left behind."""

    exit_code: int | None
    stdout: str
    stderr: str
    crash: str = ""  # an exception that escaped the command, formatted

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _run(args: list[str], timeout: int = 0) -> Outcome:
    """Run ``slutrapport ARGS`` in this process, or in a child with a time and memory limit."""
    if not timeout:
        result = CliRunner().invoke(main, args)
        crash = ""
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            assert result.exc_info is not None
            crash = "".join(traceback.format_exception(*result.exc_info))
        return Outcome(result.exit_code, result.stdout, result.stderr, crash)
    child = (
        "import resource, sys; "
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
        "from slutrapport.cli import main; sys.argv[0] = 'slutrapport'; main()"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", child, *args],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(None, "", "", f"no answer within {timeout} s")
    return Outcome(done.returncode, done.stdout, done.stderr)


def _write_large(path: Path, size: int) -> None:
    """The fixture padded with comment lines to exactly ``size`` bytes."""
    head = FIXTURE.read_bytes()
    line = b"# " + b"x" * 1021 + b"\n"
    count, rest = divmod(size - len(head), len(line))
    with path.open("wb") as out:
        out.write(head)
        out.write(line * count)
        out.write(b"\n" * rest)
    assert path.stat().st_size == size


def _check(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """Run ``slutrapport check`` on a case, from the folder holding it so the name is bare."""
    setup = case.get("setup")
    if setup:
        monkeypatch.chdir(tmp_path)
        target = tmp_path / case["file"]
        if setup == "mkdir":
            target.mkdir()
        elif setup == "large":
            extra = case["extra"]
            _write_large(target, extra["bytes"] if "bytes" in extra else extra["mb"] * MB)
        else:
            assert setup == "absent"
    else:
        monkeypatch.chdir(BAD)
    return _run(["check", case["file"]], timeout=case.get("timeout", 0))


def _place(case: dict[str, Any]) -> str:
    """Where the message must say the problem is: 'file:line: path: ' as far as known."""
    place = case["file"]
    if "line" in case:
        place += f":{case['line']}"
    if case.get("path"):
        place += f": {case['path']}"
    return place + ": "


@pytest.mark.parametrize("case", _params(CATALOGUE))
def test_bad_input_exits_2_with_a_swedish_message_naming_file_line_and_field(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each malformed input exits 2 and names file, line, field and problem on stderr."""
    got = _check(case, tmp_path, monkeypatch)
    assert not got.crash, f"an exception escaped:\n{got.crash}"
    assert "Traceback" not in got.output
    assert got.exit_code == 2, got.output
    assert got.stdout == "", "the message belongs on stderr"
    assert _place(case) in got.stderr
    for phrase in case["phrases"]:
        assert phrase in got.stderr


@pytest.mark.parametrize("case", _params([c for c in CATALOGUE if "exact" in c]))
def test_representative_messages_are_exactly_as_written(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a handful of cases the whole output is compared, not just parts of it."""
    got = _check(case, tmp_path, monkeypatch)
    assert (got.exit_code, got.stdout, got.stderr) == (2, "", case["exact"])


def test_json_format_reports_bad_input_as_a_json_object_on_stdout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With --format json, bad input exits 2 with the same Swedish message as a JSON object."""
    import json

    monkeypatch.chdir(BAD)
    case = next(c for c in CATALOGUE if c["name"] == "misspelt_ekonomi_kostnadr")
    got = _run(["check", "--format", "json", case["file"]])
    assert (got.exit_code, got.stderr) == (2, "")
    error = json.loads(got.stdout)["error"]
    assert (error["kind"], error["exit_code"], f"Fel i indata: {error['message']}\n") == (
        "indata", 2, case["exact"])
    assert "Traceback" not in got.output


def test_utf8_byte_order_mark_before_valid_yaml_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A UTF-8 BOM is harmless: the report loads and is checked exactly as without it."""
    monkeypatch.chdir(tmp_path)
    Path("rapport.yaml").write_bytes(FIXTURE.read_bytes())
    Path("rapport_bom.yaml").write_bytes(b"\xef\xbb\xbf" + FIXTURE.read_bytes())
    plain = _run(["check", "rapport.yaml"])
    bom = _run(["check", "rapport_bom.yaml"])
    assert (bom.exit_code, bom.stderr, bom.crash) == (1, "", "")  # 1: the NIS data has findings
    assert bom.stdout.startswith("rapport_bom.yaml: 3 fel")
    assert bom.stdout.replace("rapport_bom.yaml", "rapport.yaml") == plain.stdout


def test_size_limit_case_is_over_the_loaders_limit() -> None:
    """The generated large files are over the loader's limit, so the limit is what they test."""
    sizes = [c["extra"].get("bytes", c["extra"].get("mb", 0) * MB)
             for c in CATALOGUE if c.get("setup") == "large"]
    assert sizes and all(size > MAX_FILE_BYTES for size in sizes)


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("bad_inputs_make_cases", BAD / "make_cases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_committed_inputs_are_in_step_with_the_fixture() -> None:
    """The committed inputs and cases.toml are exactly what make_cases.py derives now."""
    expected = _generator().build()
    on_disk = {
        p.name: p.read_bytes() for p in BAD.iterdir() if p.is_file() and p.name != "make_cases.py"
    }
    assert sorted(on_disk) == sorted(expected), "run: python tests/bad_inputs/make_cases.py"
    stale = [name for name, data in expected.items() if on_disk[name] != data]
    assert not stale, f"out of date, run python tests/bad_inputs/make_cases.py: {stale}"


def test_catalogue_has_at_least_32_cases_each_with_an_expectation() -> None:
    """The catalogue is big enough, its names are unique, and every case says what it expects."""
    names = [c["name"] for c in CATALOGUE]
    assert len(names) >= 32
    assert len(set(names)) == len(names)
    for case in CATALOGUE:
        assert case["tests"] and case["phrases"], case["name"]
        assert case["file"].startswith(case["name"]), case["name"]
