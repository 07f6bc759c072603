"""LibreOffice is a child that must not outlive or outlast slutrapport (issue 11, section 3).

Killing slutrapport (SIGKILL, SIGTERM, SIGHUP, Ctrl-C) leaves no LibreOffice process of that run
and no folder of it; a LibreOffice that ends at once is told in Swedish within seconds, not
after a minute of waiting; ``--timeout`` takes only sensible numbers. The processes and folders
of a run are told from others' by the TMPDIR the test gives it, which appears in every command
line or environment of that run's processes (their profile and temporary folder live there).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def long_reports(folder: Path, copies: int, paragraphs: int = 1500) -> list[Path]:
    """Data files of about 230 pages each (by default), from a new report's skeleton: one
    LibreOffice run for them works for many seconds — well past the 5 s, had it outlived
    slutrapport."""
    import yaml

    from slutrapport.scaffold import write_new

    skeleton = folder / "skelett.yaml"
    write_new(skeleton, None)
    data = yaml.safe_load(skeleton.read_text(encoding="utf-8"))
    section = next(s for s in data["avsnitt"] if s["typ"] == "text")
    section["text"] = "\n\n".join([PARAGRAPH] * paragraphs)
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
                # the profile may be a kept one in the cache folder: the pipe's name is read
                pipe = next(a.decode().split("name=", 1)[1].split(";", 1)[0]
                            for a in arguments if a.startswith(b"--accept=pipe,"))
                sockets = [single_instance_socket(profile_url),
                           f"/tmp/OSL_PIPE_{os.getuid()}_{pipe}"]
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


# --- stopped at any moment; what a kill -9 of everything leaves --------------------------------

SLOW = os.environ.get("SLUTRAPPORT_SLOW") == "1"

# the child takes Ctrl-C as a terminal gives it, even where the test runs with SIGINT ignored
CLI = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
       "from slutrapport.cli import main; main()")


def reached(moment: str, run_tmp: Path) -> bool:
    """Whether a run in run_tmp has come to the moment: a LibreOffice worker starting, its
    LibreOffice starting, LibreOffice writing its new profile, LibreOffice given a document (a
    copy is in the documents' folder), or the work done and the workers ending (the lingering
    soffice of :func:`lingering_soffice` waits)."""
    commands = run_processes(str(run_tmp)).values()
    if moment == "arbetsprocess":
        return any("_office_worker.py" in cmd for cmd in commands)
    if moment == "libreoffice":
        return any("soffice.bin" in cmd for cmd in commands)
    if moment == "profil":  # a fresh one in the run folder, or a kept one in the run's cache
        return any("soffice.bin" in cmd for cmd in commands) and any(
            [*run_tmp.glob("slutrapport-lo-*/profil/user"),
             *cache_of(run_tmp).glob("libreoffice/*/profil-*/user")])
    if moment == "avslut":
        return any(cmd.startswith("sleep ") for cmd in commands)
    return any("soffice.bin" in cmd for cmd in commands) and any(
        run_tmp.glob("slutrapport-lo-*/rapport-*.docx"))


def cache_of(run_tmp: Path) -> Path:
    """The cache folder of a run in run_tmp (its own: LibreOffice makes its kept profile anew)."""
    return run_tmp.with_name(run_tmp.name + "-cache")


def lingering_soffice(folder: Path) -> Path:
    """A soffice that runs LibreOffice and, once LibreOffice has quit, lingers 2 seconds: the
    workers end that much later, and slutrapport waits for them (the moment 'avslut')."""
    real = office.find_soffice()
    assert real is not None
    folder.mkdir(exist_ok=True)
    return fake_soffice(folder, f'"{real}" "$@"\nsleep 2')


def files_in(folder: Path) -> list[str]:
    """What a folder holds, at any depth (while it may be being removed)."""
    found = []
    for root, folders, files in os.walk(folder):  # what vanishes meanwhile is passed over
        found += [os.path.relpath(os.path.join(root, name), folder) for name in folders + files]
    return sorted(found)


def stop_at(moment: str, how: signal.Signals, files: list[Path], out: Path,
            run_tmp: Path) -> tuple[int | None, dict[int, str], list[str]]:
    """Run `render` on files, send it the signal at the moment, and give its exit code and what
    of it is left 5 seconds later (processes, files in its temporary folder)."""
    run_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(run_tmp), "SLUTRAPPORT_CACHE": str(cache_of(run_tmp))}
    if moment == "avslut":
        env["SLUTRAPPORT_SOFFICE"] = str(lingering_soffice(run_tmp.with_name(
            run_tmp.name + "-soffice")))
    child = subprocess.Popen(
        [sys.executable, "-c", CLI, "render", *map(str, files), "-o", f"{out}/", "--to", "pdf",
         "-j", "2", "-q"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None \
                and not reached(moment, run_tmp):
            time.sleep(0.01)
        child.send_signal(how)
        code = child.wait(timeout=30)
        left: tuple[dict[int, str], list[str]] = ({}, [])
        stopped = time.monotonic()
        while time.monotonic() - stopped < 5:
            left = (run_processes(str(run_tmp)), files_in(run_tmp))
            if left == ({}, []):
                break
            time.sleep(0.05)
        return code, *left
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for pid in run_processes(str(run_tmp)):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


STOPS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP]
MOMENTS = ["arbetsprocess", "libreoffice", "profil", "dokument", "avslut"]
QUICK = {signal.SIGTERM: "avslut", signal.SIGINT: "profil", signal.SIGHUP: "dokument"}
"""The moment each signal is sent at in the default suite (every moment with
SLUTRAPPORT_SLOW=1)."""


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two reports of about 50 pages: LibreOffice works on them for a second or more."""
    return long_reports(tmp_path_factory.mktemp("rapporter"), 2, paragraphs=300)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="behöver /proc (Linux)")
@needs_office
@pytest.mark.libreoffice
@pytest.mark.parametrize("how", STOPS, ids=[s.name for s in STOPS])
def test_stopped_at_any_moment_of_libreoffice_work_slutrapport_leaves_nothing_in_its_temp_folder(
    tmp_path: Path, two_reports: list[Path], how: signal.Signals
) -> None:
    """SIGTERM, Ctrl-C or SIGHUP while a worker starts, while LibreOffice starts, while it
    writes its new profile, while it has a document, or while the workers end after the work
    (a folder was left 5 times in 50 there): exit 128 + the signal, no process and nothing in
    the temporary folder (one moment per signal; every moment, three times, with
    SLUTRAPPORT_SLOW=1)."""
    moments = MOMENTS * 3 if SLOW else [QUICK[how]]
    found = [stop_at(moment, how, [LAPPLAND] if moment == "avslut" else two_reports,
                     tmp_path / "ut", tmp_path / f"tmp{n}")  # 'avslut': after all the work
             for n, moment in enumerate(moments)]
    assert found == [(128 + how, {}, [])] * len(moments)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="behöver /proc (Linux)")
@needs_office
@pytest.mark.libreoffice
def test_what_a_kill_9_of_a_run_and_its_libreoffices_leaves_the_next_run_removes(
    tmp_path: Path, two_reports: list[Path]
) -> None:
    """kill -9 of slutrapport, its workers and LibreOffice at once leaves their folders and
    sockets; the next run that starts LibreOffice removes them, and leaves nothing itself."""
    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(run_tmp), "SLUTRAPPORT_CACHE": str(cache_of(run_tmp))}
    child = subprocess.Popen(
        [sys.executable, "-c", CLI, "render", str(two_reports[0]), "-o",
         str(tmp_path / "lang.pdf"), "-q"], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)

    def pipe_up() -> bool:  # LibreOffice answers on its pipe
        return any(Path(f"/tmp/OSL_PIPE_{os.getuid()}_slutrapport_{p.name}").exists()
                   for p in run_tmp.iterdir())

    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (reached("dokument", run_tmp) and pipe_up()):
            time.sleep(0.05)
        everything = {child.pid, *run_processes(str(run_tmp))}
        # the profile LibreOffice runs on (a kept one, in the run's cache folder)
        profile_url = next(
            a.split("=", 1)[1] for pid, cmd in run_processes(str(run_tmp)).items()
            if "soffice.bin" in cmd
            for a in Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            if a.startswith("-env:UserInstallation="))
        for how in (signal.SIGSTOP, signal.SIGKILL):  # at once: no watchdog gets to work
            for pid in everything:
                with contextlib.suppress(OSError):
                    os.kill(pid, how)
    finally:
        child.wait()
    time.sleep(0.5)  # the killed processes are reaped
    runs = sorted(run_tmp.iterdir())
    sockets = [*(f"/tmp/OSL_PIPE_{os.getuid()}_slutrapport_{run.name}" for run in runs),
               single_instance_socket(profile_url)]
    # LibreOffice's run folder and the documents' folder; its profile's single-instance socket
    # (its pipe's socket, named for a process that is gone, any other test's run may remove)
    assert (len(runs), Path(sockets[-1]).exists()) == (2, True)

    done = subprocess.run(
        [sys.executable, "-c", CLI, "render", str(LAPPLAND), "-o", str(tmp_path / "r.docx"),
         "--no-charts", "-q"], env=env, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr, list(run_tmp.iterdir()),
            [s for s in sockets if Path(s).exists()]) == (0, "", [], [])


def test_a_worker_whose_slutrapport_is_gone_before_it_is_up_leaves_no_folder(
    tmp_path: Path
) -> None:
    """The watched pipe closed before the worker starts: its watchdog removes the run folder the
    worker has just made, and the worker makes nothing after that (40 times)."""
    worker = Path(office.__file__).with_name("_office_worker.py")
    for n in range(40):
        folder = tmp_path / f"run{n}"
        watch, keep = os.pipe()
        os.close(keep)  # slutrapport is gone
        request = {"soffice": "/bin/true", "folder": str(folder), "profile": str(folder / "p"),
                   "tmp": str(folder / "tmp"), "pipe": f"slutrapport_test_{n}", "watch_fd": watch,
                   "create": True, "also": []}
        try:
            subprocess.run([sys.executable, str(worker), json.dumps(request)], pass_fds=(watch,),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False)
        finally:
            os.close(watch)
    assert list(tmp_path.iterdir()) == []


@needs_uno
@pytest.mark.parametrize(("retired", "left"), [(True, ["rapport-0.docx"]), (False, None)],
                         ids=["pensionerad", "borta"])
def test_a_retired_worker_removes_its_own_folder_and_only_a_killed_slutrapport_the_shared_one(
    tmp_path: Path, retired: bool, left: list[str] | None
) -> None:
    """Told RETIRE before its pipe closes, a worker ends its LibreOffice and removes its run
    folder, and leaves the folder it shares with others; without it (slutrapport gone) it
    removes both."""
    from slutrapport._office_worker import RETIRE

    python = office._probe_uno_python("", None)
    assert python is not None
    worker = Path(office.__file__).with_name("_office_worker.py")
    soffice = fake_soffice(tmp_path, "exec sleep 600")  # a LibreOffice that never answers
    shared, folder = tmp_path / "delad", tmp_path / "egen"
    shared.mkdir()
    (shared / "rapport-0.docx").write_bytes(b"PK")
    watch, keep = os.pipe()
    request = {"soffice": str(soffice), "folder": str(folder), "profile": str(folder / "p"),
               "tmp": str(folder / "tmp"), "pipe": "slutrapport_test_retire", "watch_fd": watch,
               "create": True, "also": [str(shared)]}
    started = subprocess.Popen([python, str(worker), json.dumps(request)], pass_fds=(watch,),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    os.close(watch)
    try:
        deadline = time.monotonic() + 30
        while not (folder / "office.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # its LibreOffice has started
        office_pid = int((folder / "office.pid").read_text(encoding="ascii"))
        if retired:
            os.write(keep, RETIRE)
    finally:
        os.close(keep)
        code = started.wait(timeout=60)
    assert (code, folder.exists(), sorted(p.name for p in shared.iterdir())
            if shared.exists() else None, Path(f"/proc/{office_pid}").exists()) == (
        70, False, left, False)


@needs_office
@pytest.mark.libreoffice
def test_a_worker_that_ends_by_itself_removes_its_own_folder(tmp_path: Path) -> None:
    """Its input closed after the work (slutrapport is done with it), a worker quits its
    LibreOffice and removes its run folder itself: slutrapport may be ended by a signal while
    it waits for that, and then nobody else would (slutrapport's end of the watched pipe stays
    open here, so the watchdog does nothing)."""
    worker = Path(office.__file__).with_name("_office_worker.py")
    soffice, python = office._executables()
    folder = tmp_path / "egen"
    watch, keep = os.pipe()
    request = {"soffice": soffice, "folder": str(folder), "profile": str(folder / "profil"),
               "tmp": str(folder / "tmp"), "pipe": f"slutrapport_test_{os.getpid()}",
               "watch_fd": watch, "create": True, "also": []}
    started = subprocess.Popen([python, str(worker), json.dumps(request)], pass_fds=(watch,),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    os.close(watch)
    try:
        assert started.stdout is not None and started.stdin is not None
        ready = json.loads(started.stdout.readline())
        office_pid = int((folder / "office.pid").read_text(encoding="ascii"))
        started.stdin.close()
        code = started.wait(timeout=60)
        assert (ready, code, folder.exists(), Path(f"/proc/{office_pid}").exists()) == (
            {"ready": True}, 0, False, False)
    finally:
        os.close(keep)
        if started.poll() is None:
            started.kill()
            started.wait()
        if started.stdout is not None:
            started.stdout.close()


@needs_office
@pytest.mark.libreoffice
def test_a_signal_while_the_pool_waits_for_its_workers_to_end_still_removes_their_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The work done, the pool waits for its workers to quit LibreOffice (here 2 seconds, a
    soffice that lingers); a signal that ends slutrapport meanwhile (SystemExit, as the command
    line's handler raises it) still has every worker stopped and its run folder removed."""
    import tempfile

    monkeypatch.setenv("SLUTRAPPORT_SOFFICE", str(lingering_soffice(tmp_path / "soffice")))
    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(run_tmp))
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_bytes(slutrapport.load(LAPPLAND), charts=False))

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    pool = office.OfficePool(1)
    previous = signal.signal(signal.SIGALRM, stop)
    try:
        with pytest.raises(SystemExit), pool:
            pool.submit(0, office.OfficeJob(docx))
            assert isinstance(dict(pool.results())[0], office.OfficeResult)
            workers = list(pool._live)
            signal.setitimer(signal.ITIMER_REAL, 0.5)  # while the pool closes
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    for worker in workers:
        worker.process.wait(timeout=30)
    assert ([w.folder.exists() for w in workers], run_processes(str(run_tmp)),
            list(run_tmp.iterdir())) == ([False], {}, [])


def test_the_leftovers_of_processes_that_are_gone_are_removed_and_no_others(
    tmp_path: Path
) -> None:
    """Run folders and sockets named for a process that is gone are removed; a living process's
    folder, a file by such a name, and anything else stay."""
    import socket

    ended = subprocess.Popen(["true"])
    ended.wait()
    gone, alive = ended.pid, os.getppid()
    folders = [f"slutrapport-lo-{gone}-0a1b2c3d4e5f", f"slutrapport-lo-{alive}-0a1b2c3d4e5f",
               "annat"]
    for name in folders:
        (tmp_path / name / "profil").mkdir(parents=True)
    (tmp_path / f"slutrapport-lo-{gone}-fil").write_text("x", encoding="utf-8")
    held = Path(f"/tmp/OSL_PIPE_{os.getuid()}_slutrapport_slutrapport-lo-{gone}-0a1b2c3d4e5f")
    with contextlib.closing(socket.socket(socket.AF_UNIX)) as listening:
        listening.bind(str(held))
        try:
            removed = office.remove_leftovers(tmp_path)  # (and any such in /tmp)
            assert ([p for p in removed if p.parent == tmp_path],
                    sorted(p.name for p in tmp_path.iterdir()), held.exists()) == (
                [tmp_path / folders[0]], sorted([*folders[1:], f"slutrapport-lo-{gone}-fil"]),
                False)
        finally:
            held.unlink(missing_ok=True)


# --- LibreOffice started before the data is read -----------------------------------------------

BAD_AFTER_START = {
    "trasig YAML": ("namn: [\n", ["render"], 2),
    "fel i datat": ("projekt: 12\n", ["render"], 2),
    "--strict vägrar": (None, ["render", "--strict"], 1),
}
"""Input found unusable (or refused) only after LibreOffice was started for the render: what
each data file holds (None: the NIS 6.0 example, with its published errors), the command and the
exit code."""


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="behöver /proc (Linux)")
@needs_office
@pytest.mark.libreoffice
@pytest.mark.parametrize("case", list(BAD_AFTER_START))
def test_input_refused_after_libreoffice_started_leaves_no_process_and_no_folder(
    tmp_path: Path, case: str
) -> None:
    """A render starts LibreOffice before it reads the data file; broken YAML, data that is no
    report and a --strict refusal each end it with their exit code, nothing written and no
    process or folder of the run left once slutrapport has ended."""
    text, command, code = BAD_AFTER_START[case]
    data = tmp_path / "rapport.yaml"
    if text is None:
        data.write_bytes(slutrapport.example_path().read_bytes())
    else:
        data.write_text(text, encoding="utf-8")
    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    out = tmp_path / "rapport.pdf"
    env = {**os.environ, "TMPDIR": str(run_tmp), "SLUTRAPPORT_CACHE": str(cache_of(run_tmp))}
    done = subprocess.run([sys.executable, "-c", CLI, *command, str(data), "-o", str(out), "-q"],
                          env=env, capture_output=True, check=False)
    assert (done.returncode, out.exists(), run_processes(str(run_tmp)), files_in(run_tmp)) == (
        code, False, {}, [])


@needs_office
@pytest.mark.libreoffice
def test_a_kept_profile_starts_libreoffice_without_its_render_tests_the_second_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice takes a profile's first start of its version for an upgrade and runs its
    graphics render tests (most of its start); a kept profile notes the version, so its next
    start runs none."""
    monkeypatch.setenv("SLUTRAPPORT_CACHE", str(tmp_path / "cache"))
    docx = tmp_path / "r.docx"
    docx.write_bytes(render_bytes(slutrapport.load(LAPPLAND), charts=False))
    office.run_office([docx], [tmp_path / "r1.pdf"])
    [log] = (tmp_path / "cache").glob("libreoffice/*/profil-0/user/GraphicsRenderTests.log")
    log.unlink()  # written by the first start, on the profile made for it
    office.run_office([docx], [tmp_path / "r2.pdf"])
    assert (log.exists(), (tmp_path / "r2.pdf").read_bytes()[:5]) == (False, b"%PDF-")
