"""LibreOffice is a child that must not outlive or outlast slutrapport (issue 11, section 3).

Killing slutrapport (SIGKILL, SIGTERM, SIGHUP, Ctrl-C) leaves no LibreOffice process of that run
and no folder of it; a LibreOffice that ends at once is told in Swedish within seconds, not
after a minute of waiting; ``--timeout`` takes only sensible numbers. The processes and folders
of a run are told from others' by the TMPDIR the test gives it, which appears in every command
line or environment of that run's processes (their profile and temporary folder live there).
"""

from __future__ import annotations

import hashlib
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport import office
from slutrapport.cli import main
from slutrapport.errors import ConversionError
from slutrapport.rendering import render_bytes
from tests.docxread import parts

NBSP = "\u00a0"
LAPPLAND = slutrapport.example_path("lappland20")

needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")
needs_uno = pytest.mark.skipif(office._probe_uno_python("", None) is None,
                               reason="LibreOffices Python-brygga (python3-uno) saknas här")


# --- --timeout ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "0", "-1", "0.5", "3601", "abc",
                                   ""])
def test_a_time_limit_that_is_no_sensible_number_of_seconds_is_refused(value: str) -> None:
    """--timeout nan, inf, 1e309, 0, -1 … exit 2 with a Swedish message, before anything runs."""
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o", "x.docx",
                                       "--timeout", value])
    assert (result.exit_code, result.stderr, result.stdout) == (2, (
        "Användning: slutrapport render [FLAGGOR] FIL...\n"
        "Skriv 'slutrapport render --help' för hjälp.\n\n"
        f"Fel: Ogiltigt värde för '--timeout': ange ett antal sekunder från 1 till 3{NBSP}600 "
        f"(fick {value})\n"), "")


def test_a_time_limit_from_1_to_3600_seconds_is_passed_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1, 3600, 2,5 (decimal comma) and the default 180 reach the render as seconds."""
    from slutrapport import rendering

    seen: list[float] = []

    def fake_render_many(*args: object, timeout: float, **kwargs: object) -> list[bytes]:
        seen.append(timeout)
        return []

    monkeypatch.setattr(rendering, "render_many", fake_render_many)
    for value in (["--timeout", "1"], ["--timeout", "3600"], ["--timeout", "2,5"], []):
        result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o",
                                           str(tmp_path / "r.docx"), *value])
        assert result.exit_code == 0, result.output
    assert seen == [1.0, 3600.0, 2.5, 180.0]


@pytest.mark.parametrize("timeout", [math.nan, math.inf, 0, -1])
def test_the_api_refuses_a_time_limit_that_is_not_a_positive_number(timeout: float) -> None:
    """run_office(timeout=nan|inf|0|-1) is a ConversionError in Swedish, not a crash or a hang."""
    with pytest.raises(ConversionError) as refused:
        office.run_office([], [], timeout=timeout)
    assert str(refused.value) == (
        f"Tidsgränsen för LibreOffice ska vara ett antal sekunder över noll (fick {timeout!r}).")


# --- a LibreOffice that ends at once -------------------------------------------------------------

def fake_soffice(folder: Path, body: str) -> Path:
    """An executable that stands in for soffice and runs the shell body."""
    path = folder / "soffice"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


EARLY = {
    "exit 1": "slutkod 1",
    "exit 0": "slutkod 0",
    "kill -9 $$": "avbröts av signal 9",
}


@needs_uno
@pytest.mark.parametrize("body", sorted(EARLY))
def test_a_libreoffice_that_ends_at_once_still_gives_the_docx_within_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    """The .docx is written (Word fills the contents) with a Swedish warning, in seconds."""
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(fake_soffice(tmp_path, body)))
    out = tmp_path / "rapport.docx"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o", str(out), "--no-charts",
                                       "-q"])
    took = time.monotonic() - started
    assert (result.exit_code, result.stderr, result.stdout) == (0, (  # -q: no errors, no summary
        "Obs: Innehållsförteckningen fylls i av Word när dokumentet öppnas. LibreOffice "
        f"avslutades direkt när det startades ({EARLY[body]}) och kunde inte användas; "
        "kontrollera installationen, t.ex. med 'soffice --headless --version'.\n"),
        f"Skrev {out}\n")
    assert took < 10, f"{took:.1f} s"
    assert b'<w:updateFields w:val="true"/>' in parts(out.read_bytes())["word/settings.xml"]


@needs_uno
def test_a_pdf_from_a_libreoffice_that_ends_at_once_fails_within_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF can't be made: exit 2 with a Swedish message in seconds, nothing written."""
    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(fake_soffice(tmp_path, "exit 1")))
    out = tmp_path / "rapport.pdf"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o", str(out), "--no-charts",
                                       "-q"])
    took = time.monotonic() - started
    assert (result.exit_code, result.stderr.splitlines()[-1], result.stdout) == (2, (
        "LibreOffice startar inte: LibreOffice avslutades direkt när det startades (slutkod 1) och "
        "kunde inte användas; kontrollera installationen, t.ex. med "
        "'soffice --headless --version'."), "")
    assert took < 10, f"{took:.1f} s"
    assert not out.exists()


# --- killing slutrapport -------------------------------------------------------------------------

def run_processes(marker: str) -> dict[int, str]:
    """The processes (other than this one) whose command line or environment holds marker."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:  # gone, or a zombie without a readable environment
            continue
        if marker.encode() in cmdline + environ:
            found[int(entry)] = cmdline.replace(b"\0", b" ").decode("utf-8", "replace")[:120]
    return found


PARAGRAPH = ("Projektet arbetade med företag i hela regionen; stycket upprepas för att göra "
             "rapporten lång, så att LibreOffice har mycket att göra. ") * 6


def long_reports(folder: Path, copies: int) -> list[Path]:
    """Data files of about 230 pages each, from a new report's skeleton: one LibreOffice run
    for them works for many seconds — well past the 5 s, had it outlived slutrapport."""
    import yaml

    from slutrapport.scaffold import write_new

    skeleton = folder / "skelett.yaml"
    write_new(skeleton, None)
    data = yaml.safe_load(skeleton.read_text(encoding="utf-8"))
    section = next(s for s in data["avsnitt"] if s["typ"] == "text")
    section["text"] = "\n\n".join([PARAGRAPH] * 1500)
    files = [folder / f"rapport{i}.yaml" for i in range(copies)]
    for file in files:
        file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return files


def single_instance_socket(profile_url: str) -> str:
    """The socket LibreOffice makes in /tmp for a profile: an MD5 of its URL (UTF-16), in hex
    without leading zeros, as LibreOffice's desktop module names it."""
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    return f"/tmp/OSL_PIPE_{os.getuid()}_SingleOfficeIPC_" + "".join(f"{b:x}" for b in digest)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="behöver /proc (Linux)")
@needs_office
@pytest.mark.libreoffice
@pytest.mark.parametrize(("how", "code"), [
    (signal.SIGKILL, -signal.SIGKILL),
    (signal.SIGTERM, 128 + signal.SIGTERM),
    (signal.SIGHUP, 128 + signal.SIGHUP),
    (signal.SIGINT, 130),  # Ctrl-C: 'Avbrutet.', the shell's 130 (never 1, 'errors found')
], ids=["SIGKILL", "SIGTERM", "SIGHUP", "Ctrl-C"])
def test_killing_slutrapport_leaves_no_libreoffice_and_no_folder_after_5_seconds(
    tmp_path: Path, how: signal.Signals, code: int | None
) -> None:
    """Killed while LibreOffice works, slutrapport leaves nothing: no process, folder or socket."""
    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(run_tmp)}
    files = long_reports(tmp_path, 4)
    child = subprocess.Popen(
        [sys.executable, "-c", "from slutrapport.cli import main; main()", "render",
         *map(str, files), "-o", str(tmp_path / "ut"), "--to", "pdf", "-q"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        sockets: list[str] = []
        while time.monotonic() < deadline and child.poll() is None:  # until LibreOffice is up
            office_up = [pid for pid, cmd in run_processes(str(run_tmp)).items()
                         if "soffice.bin" in cmd]
            if office_up and not sockets:
                arguments = Path(f"/proc/{office_up[0]}/cmdline").read_bytes().split(b"\0")
                profile_url = next(a.decode().split("=", 1)[1] for a in arguments
                                   if a.startswith(b"-env:UserInstallation="))
                run_folder = Path(profile_url.removeprefix("file://")).parent
                sockets = [single_instance_socket(profile_url),
                           f"/tmp/OSL_PIPE_{os.getuid()}_slutrapport_{run_folder.name}"]
            if sockets and all(Path(s).exists() for s in sockets):
                break  # LibreOffice answers on its pipe: it is up, and working
            time.sleep(0.05)
        assert sockets and all(Path(s).exists() for s in sockets), "LibreOffice came up"

        child.send_signal(how)
        killed = time.monotonic()
        left: tuple[dict[int, str], list[str], list[str]] = ({}, [], [])
        while time.monotonic() - killed < 5:
            left = (run_processes(str(run_tmp)), sorted(p.name for p in run_tmp.iterdir()),
                    [s for s in sockets if Path(s).exists()])
            if left == ({}, [], []):
                break
            time.sleep(0.05)
        assert left == ({}, [], [])
        exit_code = child.wait(timeout=10)
        assert exit_code == code if code is not None else exit_code not in (0, 2)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="behöver /proc (Linux)")
@needs_office
@pytest.mark.libreoffice
def test_a_run_over_its_time_limit_leaves_no_process_and_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the time limit: ConversionError, and LibreOffice and its run folder are gone."""
    import tempfile

    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(run_tmp))
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_bytes(slutrapport.load(LAPPLAND), charts=False))
    with pytest.raises(ConversionError) as refused:
        office.run_office([docx], [tmp_path / "r.pdf"], timeout=0.5)
    assert str(refused.value) == "LibreOffice blev inte klart inom 0,5 sekunder och avbröts."
    assert (run_processes(str(run_tmp)), list(run_tmp.iterdir())) == ({}, [])
