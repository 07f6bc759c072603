"""``render --watch``: the document written again at each save, LibreOffice kept warm (issue 25).

A test drives it as a user does: start it, save the data file twice, read the two new documents,
press Ctrl-C — and nothing of the run is left (no process, no folder). The loop itself
(:mod:`slutrapport._watch`) is driven on real files too: a burst of writes is one run, a register
named in an edit is watched from then on.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport import _watch, office
from slutrapport.checks import check
from slutrapport.cli import format_findings, main
from tests.docxread import document_text
from tests.test_hardening_office import run_processes

LAPPLAND = slutrapport.example_path("lappland20")
needs_office = pytest.mark.skipif(not office.available(),
                                  reason="LibreOffice (soffice och python3-uno) saknas här")


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


def _next_line(lines: queue.Queue[str], seconds: float = 120) -> str:
    return lines.get(timeout=seconds)


def _findings(path: Path) -> str:
    """What ``render`` prints of a data file's findings, as the watching run should."""
    return format_findings(check(slutrapport.load(path)), path.name)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="behöver /proc (Linux)")
@needs_office
@pytest.mark.libreoffice
def test_watching_writes_the_document_again_at_each_save_and_ctrl_c_leaves_nothing(
    tmp_path: Path
) -> None:
    """Saved twice: two new documents, each with the edit; Ctrl-C ends it with exit 0, and no
    LibreOffice, worker or folder of the run is left."""
    run_tmp = tmp_path / "tmp"
    run_tmp.mkdir()
    data = tmp_path / "r.yaml"
    shutil.copy(LAPPLAND, data)
    original = data.read_text(encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", "from slutrapport.cli import main; main()", "render", "r.yaml",
         "-o", "ut.docx", "--watch"],
        cwd=tmp_path, env={**os.environ, "TMPDIR": str(run_tmp)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, encoding="utf-8")
    lines: queue.Queue[str] = queue.Queue()
    errors: list[str] = []
    threading.Thread(target=_lines, args=(child.stdout, lines), daemon=True).start()
    reader = threading.Thread(target=lambda: errors.extend(child.stderr or ()), daemon=True)
    reader.start()
    try:
        written = [_next_line(lines)]
        texts, expected_findings = [], [_findings(data)]
        for name in ("Besöksnäring i Lappland, sparad en gång", "Besöksnäring i Lappland, två"):
            time.sleep(0.05)
            data.write_text(original.replace("namn: Besöksnäring i Lappland", f"namn: {name}", 1),
                            encoding="utf-8")
            written.append(_next_line(lines))
            texts.append(document_text(tmp_path / "ut.docx"))
            expected_findings.append(_findings(data))
        child.send_signal(signal.SIGINT)
        code = child.wait(timeout=30)
        reader.join(timeout=10)
        left: tuple[dict[int, str], list[str]] = ({}, [])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            left = (run_processes(str(run_tmp)), sorted(p.name for p in run_tmp.iterdir()))
            if left == ({}, []):
                break
            time.sleep(0.05)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    seconds = re.compile(r"\(\d+,\d s\)")
    assert [seconds.sub("(t s)", line) for line in written] == ["Skrev ut.docx (t s)\n"] * 3
    assert ["sparad en gång" in texts[0], "två" in texts[1], "sparad en gång" in texts[1]] == [
        True, True, False]
    assert (code, "".join(errors), left) == (0, (
        "Bevakar r.yaml; avsluta med Ctrl-C.\n" + expected_findings[0]
        + "\nSparad: r.yaml\n" + expected_findings[1]
        + "\nSparad: r.yaml\n" + expected_findings[2]
        + "\nBevakningen avslutad.\n"), ({}, []))


def test_watching_takes_one_report() -> None:
    """--watch with two data files: exit 2, in Swedish, before anything runs."""
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), str(LAPPLAND), "-o", "ut/",
                                       "--watch"])
    assert (result.exit_code, result.stderr) == (
        2, "Fel i indata: --watch bevakar en rapport i taget; ange en FIL.\n")


@pytest.mark.parametrize("option", ["--sparbarhet", "--bilaga-sparbarhet"])
def test_watching_writes_no_provenance(tmp_path: Path, option: str) -> None:
    """--watch with the record or the annex of provenance: exit 2, in Swedish, nothing written."""
    result = CliRunner().invoke(main, ["render", str(LAPPLAND), "-o", str(tmp_path / "r.pdf"),
                                       "--watch", option])
    assert (result.exit_code, result.stderr, list(tmp_path.iterdir())) == (
        2, "Fel i indata: --watch skriver bara rapporten; skriv spårbarheten (--sparbarhet, "
           "--bilaga-sparbarhet) med en vanlig render utan --watch.\n", [])


class _Stop(Exception):
    """Ends the loop in these tests, as Ctrl-C does for a user."""


def test_a_burst_of_writes_is_one_run_and_a_newly_named_file_is_watched(tmp_path: Path) -> None:
    """Three quick writes of one file give one run; a file the run names from then on (a
    register added to the data) is watched, and its save gives a run too."""
    data, register = tmp_path / "data.txt", tmp_path / "register.csv"
    data.write_text("0", encoding="utf-8")
    register.write_text("a", encoding="utf-8")
    runs: list[str] = []
    heard: list[list[str]] = []
    named = [data]

    def work() -> None:
        runs.append(data.read_text(encoding="utf-8"))
        if runs[-1] == "3":  # the edit names the register
            named.append(register)
        if len(runs) == 3:
            raise _Stop

    def edits() -> None:
        time.sleep(0.3)
        for text in ("1", "2", "3"):  # one save, as an editor's several writes
            data.write_text(text, encoding="utf-8")
            time.sleep(0.02)
        time.sleep(0.8)
        register.write_text("b", encoding="utf-8")

    threading.Thread(target=edits, daemon=True).start()
    with pytest.raises(_Stop):
        _watch.watch(lambda: list(named), work,
                     saved=lambda paths: heard.append([p.name for p in paths]),
                     interval=0.02, settle=0.15)
    assert (runs, heard) == (["0", "3", "3"], [["data.txt"], ["register.csv"]])
