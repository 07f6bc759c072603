"""LibreOffice headless: a filled table of contents and PDF output.

One LibreOffice start serves any number of documents. It runs under a time limit in a process
group of its own, with its own profile folder, and is always ended — never a hang, never a stray
process. Without LibreOffice, a .docx keeps a contents field that Word fills when it opens the file.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from slutrapport.errors import ConversionError

__all__ = ["INSTALL_HINT", "OfficeResult", "available", "find_soffice", "run_office"]

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
    """What LibreOffice reports of one document: contents entries (title, page) and page count."""

    entries: list[tuple[str, int]]
    pages: int


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


def run_office(
    docx_files: Sequence[Path], pdf_files: Sequence[Path | None], *, timeout: float = 180
) -> list[OfficeResult]:
    """Open each .docx in one headless LibreOffice; update its contents; export PDFs where asked.

    Raises ConversionError when LibreOffice is missing, fails or passes the time limit.
    """
    soffice = find_soffice()
    python = _find_uno_python() if soffice else None
    if soffice is None or python is None:
        raise ConversionError(f"LibreOffice saknas. {INSTALL_HINT}")
    worker = Path(__file__).with_name("_office_worker.py")
    # The profile folder names this process, so its LibreOffice can be told from others'.
    with tempfile.TemporaryDirectory(prefix=f"slutrapport-lo-{os.getpid()}-") as profile:
        request = {
            "soffice": soffice,
            "profile": profile,
            "jobs": [{"input": str(d), "pdf": str(p) if p else None}
                     for d, p in zip(docx_files, pdf_files, strict=True)],
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        process = subprocess.Popen(
            [python, str(worker), json.dumps(request)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env,
        )
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()  # collect what is left, which also closes the pipes
            raise ConversionError(
                f"LibreOffice blev inte klart inom {timeout:g} sekunder och avbröts.") from None
        finally:
            _kill_group(process)
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["okänt fel"]
        raise ConversionError(f"LibreOffice misslyckades: {detail[0]}")
    try:
        payload = json.loads(out.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise ConversionError("LibreOffice gav inget svar som gick att läsa.") from exc
    return [OfficeResult([(str(t), int(p)) for t, p in r["entries"]], int(r["pages"]))
            for r in payload["results"]]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """End the worker and everything it started (LibreOffice), if anything is left."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.poll() is None:
        process.wait()
