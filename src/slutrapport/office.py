"""LibreOffice headless: a filled table of contents and PDF output.

One LibreOffice start serves any number of documents. It runs under a time limit, with its own
profile and temporary folder inside one run folder, and is always ended — never a hang, never a
stray process, nothing left in /tmp. Without LibreOffice, a .docx keeps a contents field that Word
fills when it opens the file.

LibreOffice's life is tied to ours. A worker (``_office_worker.py``, in LibreOffice's Python)
starts it in a process group of its own and holds the read end of a pipe whose write end only
this process has. However this process ends — normally, by an exception, SIGTERM, SIGHUP or
``kill -9`` — the pipe closes; the worker's watchdog sees that, kills LibreOffice's process group
and removes the run folder. (A parent-death signal would not do: it is cleared on fork, and
soffice.bin is forked by its launcher.)
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slutrapport.errors import ConversionError, OfficeStartError

__all__ = ["INSTALL_HINT", "OfficeResult", "available", "find_soffice", "run_folder",
           "run_office"]

INSTALL_HINT = (
    "Installera LibreOffice med dess Python-brygga, t.ex. "
    "'apt-get install libreoffice-writer-nogui python3-uno' på Debian/Ubuntu, "
    "eller LibreOffice från libreoffice.org; kommandot 'soffice' ska finnas i PATH "
    "(eller ange det med miljövariabeln SLUTRAPPORT_SOFFICE)."
)

_SOFFICE_PLACES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)
_PYTHON_PLACES = (
    "/usr/bin/python3",
    "/usr/lib/libreoffice/program/python",
    "/opt/libreoffice/program/python",
    "/Applications/LibreOffice.app/Contents/Resources/python",
    r"C:\Program Files\LibreOffice\program\python.exe",
)


@dataclass(frozen=True)
class OfficeResult:
    """What LibreOffice reports of one document: contents entries (title, page), page count,
    and the entries of its lists of captions (tables, charts) by caption label."""

    entries: list[tuple[str, int]]
    pages: int
    lists: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def find_soffice() -> str | None:
    """The LibreOffice executable: $SLUTRAPPORT_SOFFICE, 'soffice' in PATH, or a usual place."""
    configured = os.environ.get("SLUTRAPPORT_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _SOFFICE_PLACES if Path(p).exists()), None)


def _find_uno_python() -> str | None:
    """A Python interpreter that can import LibreOffice's ``uno`` module."""
    return _probe_uno_python(os.environ.get("SLUTRAPPORT_UNO_PYTHON", ""), find_soffice())


@functools.cache
def _probe_uno_python(configured: str, soffice: str | None) -> str | None:
    # Each probe starts an interpreter; the answer holds for the process (per configuration).
    candidates = [configured]
    if soffice:
        candidates.append(str(Path(soffice).resolve().parent / "python"))
    candidates += list(_PYTHON_PLACES)
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True,
                                   timeout=30, check=False)
            if probe.returncode == 0:
                return candidate
    return None


def available() -> bool:
    """Whether LibreOffice (and its Python bridge) can be used here."""
    return find_soffice() is not None and _find_uno_python() is not None


@contextlib.contextmanager
def run_folder() -> Iterator[Path]:
    """A temporary folder for one LibreOffice run, removed on every way out.

    Its name holds this process's id (``slutrapport-lo-<pid>-…``), so its LibreOffice can be told
    from others'. Given to :func:`run_office`, it holds the profile and LibreOffice's TMPDIR,
    and the worker removes it if this process is killed.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"slutrapport-lo-{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_GRACE = 5.0
"""Seconds the worker gets to end LibreOffice and tidy up once told to stop; then it is killed."""


def run_office(
    docx_files: Sequence[Path], pdf_files: Sequence[Path | None], *, timeout: float = 180,
    folder: Path | None = None, pdfa: bool = False,
) -> list[OfficeResult]:
    """Open each .docx in one headless LibreOffice; update its contents; export PDFs where asked.

    ``folder`` (see :func:`run_folder`) is where LibreOffice keeps its profile and temporary
    files; without it a run folder of its own is made and removed. PDFs are tagged (headings,
    table headers, alt texts, the document's language); ``pdfa`` makes them PDF/A-2b.
    Raises :class:`~slutrapport.errors.OfficeStartError` when LibreOffice ends (or never answers)
    as it starts, and ConversionError when it is missing, fails or passes the time limit.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) \
            or not math.isfinite(timeout) or timeout <= 0:
        raise ConversionError("Tidsgränsen för LibreOffice ska vara ett antal sekunder över "
                              f"noll (fick {timeout!r}).")
    soffice = find_soffice()
    python = _find_uno_python() if soffice else None
    if soffice is None or python is None:
        raise ConversionError(f"LibreOffice saknas. {INSTALL_HINT}")
    with contextlib.ExitStack() as stack:
        run = folder if folder is not None else stack.enter_context(run_folder())
        payload = _run_worker(python, soffice, run, docx_files, pdf_files, timeout, pdfa)
    error = payload.get("error")
    if error is not None:
        raise _error(str(error), payload)
    return [OfficeResult([(str(t), int(p)) for t, p in r["entries"]], int(r["pages"]),
                         {str(label): [(str(t), int(p)) for t, p in entries]
                          for label, entries in r.get("lists", {}).items()})
            for r in payload["results"]]


def _error(kind: str, payload: dict[str, Any]) -> ConversionError:
    """The worker's report of a failure, in Swedish."""
    if kind == "exited":
        code = payload.get("code")
        how = (f"avbröts av signal {-code}" if isinstance(code, int) and code < 0
               else f"slutkod {code}")
        return OfficeStartError(
            f"LibreOffice avslutades direkt när det startades ({how}) och kunde inte användas; "
            f"kontrollera installationen, t.ex. med 'soffice --headless --version'.")
    if kind == "no-answer":
        return OfficeStartError(
            f"LibreOffice startade men svarade inte inom {_seconds(payload.get('seconds'))} "
            "sekunder.")
    if kind == "open":
        return ConversionError("LibreOffice kunde inte öppna det skrivna dokumentet.")
    return ConversionError(f"LibreOffice misslyckades: {payload.get('detail') or 'okänt fel'}")


def _run_worker(python: str, soffice: str, run: Path, docx_files: Sequence[Path],
                pdf_files: Sequence[Path | None], timeout: float,
                pdfa: bool = False) -> dict[str, Any]:
    """Start the worker with the read end of our pipe; always end it and what it started."""
    worker = Path(__file__).with_name("_office_worker.py")
    watch, keep = os.pipe()  # non-inheritable: only the worker gets the read end (pass_fds)
    request = {
        "soffice": soffice,
        "folder": str(run),
        "profile": str(run / "profil"),
        "tmp": str(run / "tmp"),
        "pipe": f"slutrapport_{run.name}",
        "watch_fd": watch,
        "jobs": [{"input": str(d), "pdf": str(p) if p else None, "pdfa": pdfa}
                 for d, p in zip(docx_files, pdf_files, strict=True)],
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    try:
        process = subprocess.Popen(
            [python, str(worker), json.dumps(request)], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env,
            pass_fds=(watch,))
    except BaseException:
        os.close(keep)
        raise
    finally:
        os.close(watch)
    out = err = b""
    timed_out = False
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        _stop(process, keep, run)  # also on Ctrl-C, SIGTERM turned exception, any error
    if timed_out:
        raise ConversionError(
            f"LibreOffice blev inte klart inom {_seconds(timeout)} sekunder och avbröts.")
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["okänt fel"]
        raise ConversionError(f"LibreOffice misslyckades: {detail[0]}")
    try:
        payload = json.loads(out.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise ConversionError("LibreOffice gav inget svar som gick att läsa.") from exc
    if not isinstance(payload, dict):
        raise ConversionError("LibreOffice gav inget svar som gick att läsa.")
    return payload


def _stop(process: subprocess.Popen[bytes], keep: int, run: Path) -> None:
    """Close our end of the pipe (the worker ends LibreOffice), wait a little, then kill."""
    os.close(keep)
    if process.returncode is not None:
        return
    try:
        process.communicate(timeout=_GRACE)
        return
    except subprocess.TimeoutExpired:
        pass
    # The worker did not end by itself: kill it, and LibreOffice's group it may have left.
    _kill_group(process.pid)
    office = _office_pid(run)
    if office is not None:
        _kill_group(office)
    process.communicate()
    from slutrapport._office_worker import remove_sockets

    remove_sockets(f"slutrapport_{run.name}", str(run / "profil"))


def _office_pid(run: Path) -> int | None:
    try:
        return int((run / "office.pid").read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def _kill_group(pgid: int) -> None:
    """SIGKILL a process group, if anything of it is left."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _seconds(value: object) -> str:
    """Seconds the Swedish way: '0,5', '180'."""
    from decimal import Decimal

    from slutrapport.formatting import format_decimal

    try:
        return format_decimal(Decimal(str(value)), max_decimals=1)
    except ArithmeticError:
        return str(value)
