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

Each worker owns its run folder and nothing else: retiring one (after its quota of documents, a
failure or a passed time limit) removes that folder alone.

LibreOffice's profile is kept between runs (:func:`take_profile`): making a fresh one costs its
start a tenth of a second or more, and removing it more. The profiles live in the user's cache
folder, in a private folder per LibreOffice installation, as numbered slots; a worker takes the
first slot no running process holds (an ``flock`` on the slot's lock file, which the worker and
its LibreOffice inherit, so the slot is held exactly as long as either lives — also through a
``kill -9`` of slutrapport) and works on that profile alone: two running LibreOffices never share
one. A profile counts as whole only when the LibreOffice that used it last quit by itself (a
mark beside it); one that was killed, or that LibreOffice can't start with, is removed and made
afresh. With the cache off (``SLUTRAPPORT_CACHE=0``), every slot held or no ``flock`` (Windows),
a worker makes a fresh profile in its run folder, as before. The slots kept for a LibreOffice
that is gone or upgraded since are removed when a profile is taken (:func:`remove_stale_profiles`:
each folder names its installation; only slots no process holds, only slutrapport's own files).
The folders a pool's workers share —
the documents of a batch, a caller's folder — are removed by the watchdogs only when this process
is gone, and by their owner otherwise. What a ``kill -9`` of everything leaves (folders named
``slutrapport-lo-<pid>-…`` whose process is gone) the next pool removes (:func:`remove_leftovers`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import queue
import re
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from slutrapport._codecache import private_folder
from slutrapport._layoutcopy import chart_alts
from slutrapport._office_worker import RETIRE, remove_sockets, single_instance_socket
from slutrapport.errors import ConversionError, OfficeStartError
from slutrapport.formatting import format_decimal
from slutrapport.resources import cache_dir, store

try:
    import fcntl
except ImportError:  # Windows: no flock, so no profile is kept between runs
    fcntl = None  # type: ignore[assignment]

__all__ = ["INSTALL_HINT", "OfficeJob", "OfficePool", "OfficeResult", "available",
           "default_workers", "find_soffice", "remove_folder", "remove_leftovers",
           "remove_stale_profiles", "run_folder", "run_office"]

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
    # Each probe starts an interpreter (30 ms); the answer holds for the process (per
    # configuration), and a yes is kept on disk for as long as the interpreter and its uno module
    # are the same files (_UnoAnswers)
    candidates = [configured]
    if soffice:
        candidates.append(str(Path(soffice).resolve().parent / "python"))
    candidates += list(_PYTHON_PLACES)
    answers = _UnoAnswers()
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            if answers.known(candidate):
                return candidate
            probe = subprocess.run(
                [candidate, "-c", "import uno, sys; sys.stdout.write(uno.__file__)"],
                capture_output=True, timeout=30, check=False)
            if probe.returncode == 0:
                answers.keep(candidate, probe.stdout.decode("utf-8", "replace"))
                return candidate
    return None


def _stamp(path: str) -> list[int] | None:
    """What tells a file changed: its modification time and size (None if it is gone)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_mtime_ns, info.st_size]


class _UnoAnswers:
    """Interpreters known to import ``uno``, kept in the cache folder (``uno.json``): each with
    its own and its uno module's stamp, so an upgrade or a removed python3-uno asks again. Only a
    yes is kept (a no may turn into a yes when python3-uno is installed)."""

    def __init__(self) -> None:
        base = cache_dir()
        self.file = None if base is None else base / "libreoffice" / "uno.json"
        self.answers: dict[str, Any] = {}
        if self.file is not None:
            with contextlib.suppress(OSError, ValueError):
                loaded = json.loads(self.file.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.answers = loaded

    def known(self, python: str) -> bool:
        answer = self.answers.get(python)
        if not isinstance(answer, dict) or not isinstance(answer.get("uno"), str):
            return False
        return (answer.get("python") == _stamp(python) is not None
                and answer.get("uno_stamp") == _stamp(answer["uno"]) is not None)

    def keep(self, python: str, uno_file: str) -> None:
        if self.file is None or not uno_file:
            return
        self.answers[python] = {"python": _stamp(python), "uno": uno_file,
                                "uno_stamp": _stamp(uno_file)}
        store(self.file, json.dumps(self.answers, indent=1).encode("utf-8"))


def available() -> bool:
    """Whether LibreOffice (and its Python bridge) can be used here."""
    return find_soffice() is not None and _find_uno_python() is not None


@contextlib.contextmanager
def run_folder() -> Iterator[Path]:
    """A temporary folder for one LibreOffice run, removed on every way out.

    Its name holds this process's id (``slutrapport-lo-<pid>-…``), so its LibreOffice can be told
    from others'. Given to :func:`run_office`, it holds each LibreOffice's run folder (its
    profile and TMPDIR), and the workers remove it if this process is killed.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"slutrapport-lo-{os.getpid()}-"))
    try:
        yield folder
    finally:
        remove_folder(folder)


def folder_name(parent: Path | None = None) -> Path:
    """A fresh name for a run folder (not made) in ``parent`` or the temporary folder:
    ``slutrapport-lo-<pid>-…``, so its LibreOffice can be told from others'."""

    base = parent if parent is not None else Path(tempfile.gettempdir())
    return base / f"slutrapport-lo-{os.getpid()}-{secrets.token_hex(6)}"


PROFILE_SLOTS = 16
"""Profiles kept per LibreOffice installation: as many LibreOffices can run at once on kept
profiles (more make fresh ones in their run folders)."""


@dataclass
class Profile:
    """The LibreOffice profile a worker uses: a kept slot (``fd`` holds its lock, ``kept`` is
    the mark of a whole profile, ``reused`` whether it was found whole), or a fresh one in the
    worker's run folder (no lock, no mark)."""

    path: Path
    fd: int | None = None
    kept: Path | None = None
    reused: bool = False

    def release(self) -> None:
        """Close this process's hold on the slot (the worker's and LibreOffice's stay)."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None


def profiles_folder(soffice: str) -> Path | None:
    """The private folder of kept profiles for this LibreOffice installation (by the path and
    stamp of its executable), made if missing; None when the cache is off or the folder is not
    the user's own (a profile can hold macros: see :mod:`slutrapport._codecache`)."""
    base = cache_dir()
    if base is None or fcntl is None:
        return None
    real = os.path.realpath(soffice)
    folder = base / "libreoffice" / _installation_key(real)
    if not private_folder(folder):
        return None
    marker = folder / _INSTALLATION
    if not marker.is_file():  # which installation the slots are for, for remove_stale_profiles
        with contextlib.suppress(OSError):
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(real)
    return folder


_INSTALLATION = "installation"
"""The file in a folder of kept profiles that names the soffice they were made by."""
_KEY = re.compile(r"[0-9a-f]{16}")


def _installation_key(real: str) -> str:
    """The name of the profiles folder of the LibreOffice at ``real`` (a resolved path): it
    changes with its path and with an upgrade (the stamps of soffice and soffice.bin)."""
    marks = [real, str(_stamp(real))]
    binary = os.path.join(os.path.dirname(real), "soffice.bin")
    if os.path.exists(binary):
        marks += [binary, str(_stamp(binary))]
    return hashlib.sha256("\0".join(marks).encode()).hexdigest()[:16]


def remove_stale_profiles(current: Path) -> list[Path]:
    """Remove the kept profiles of other LibreOffice versions: the folders beside ``current``
    (this installation's) made for an installation that is gone or upgraded since (its
    ``installation`` file names it; a folder without one was made before slutrapport named
    them). Only what slutrapport makes there goes — each slot no running process holds (its
    lock taken first), then the folder if nothing else is left in it; a link, a folder that is
    not the user's own or a file of another name is left as it is. What was removed is
    returned."""
    removed: list[Path] = []
    if fcntl is None or not hasattr(os, "getuid"):
        return removed
    try:
        others = sorted(current.parent.iterdir())
    except OSError:
        return removed
    for folder in others:
        if folder == current or not _KEY.fullmatch(folder.name) or not _ours(folder) or \
                _still_installed(folder):
            continue
        slots = {m.group(1) for m in (re.fullmatch(r"(profil-\d+)(?:\.klar|\.lock)?", p.name)
                                        for p in _entries(folder)) if m}
        for slot in sorted(slots):
            if _remove_slot(folder, slot):
                removed.append(folder / slot)
        if not [p for p in _entries(folder) if p.name != _INSTALLATION]:
            with contextlib.suppress(OSError):
                (folder / _INSTALLATION).unlink()
            with contextlib.suppress(OSError):
                folder.rmdir()
    return removed


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _ours(path: Path) -> bool:
    """A real folder (not a link) of this user's."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()


def _still_installed(folder: Path) -> bool:
    """Whether the installation a profiles folder names is there, unchanged since."""
    try:
        fd = os.open(folder / _INSTALLATION, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(fd, encoding="utf-8", errors="replace") as named:
        real = named.read(4096)
    return os.path.isabs(real) and os.path.exists(real) and _installation_key(real) == folder.name


def _remove_slot(folder: Path, slot: str) -> bool:
    """Remove one kept profile and its mark, holding its lock (not if a process holds it), and
    then the lock file; whether it was removed."""
    assert fcntl is not None
    lock = folder / f"{slot}.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a LibreOffice of that version still runs on it
            return False
        profile = folder / slot
        if profile.is_symlink():
            with contextlib.suppress(OSError):
                profile.unlink()  # the link, never what it points to
        else:
            remove_folder(profile, patience=0)
        for leftover in (folder / f"{slot}.klar", lock):  # the lock last, while it is held
            with contextlib.suppress(OSError):
                leftover.unlink()
        return not os.path.lexists(profile)
    finally:
        os.close(fd)


def take_profile(soffice: str, fallback: Path) -> Profile:
    """The first kept profile slot no running process holds, locked; a profile that was not left
    whole is removed (LibreOffice makes it afresh). Without one: a fresh profile at
    ``fallback``."""
    folder = profiles_folder(soffice)
    if folder is None or fcntl is None:
        return Profile(fallback)
    remove_stale_profiles(folder)
    for slot in range(PROFILE_SLOTS):
        try:
            fd = os.open(folder / f"profil-{slot}.lock",
                         os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a running worker or LibreOffice
            os.close(fd)
            continue
        path, kept = folder / f"profil-{slot}", folder / f"profil-{slot}.klar"
        reused = kept.is_file() and path.is_dir() and not path.is_symlink()
        with contextlib.suppress(OSError):
            kept.unlink()  # until a LibreOffice quits whole on it again
        if not reused:
            with contextlib.suppress(OSError):
                path.unlink()  # a link or file where the profile should be
            remove_folder(path, patience=0)
        with contextlib.suppress(OSError):  # left by a LibreOffice killed on this profile
            os.unlink(single_instance_socket(str(path)))
        return Profile(path, fd, kept, reused)
    return Profile(fallback)


def remove_folder(folder: Path, *, patience: float = 3.0) -> None:
    """Remove a folder and what it holds; again, for up to ``patience`` seconds, while a
    LibreOffice that was just killed may still be finishing a write into it."""
    deadline = time.monotonic() + patience
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder) or time.monotonic() > deadline:
            return
        time.sleep(0.05)


_LEFTOVER = re.compile(r"(?:OSL_PIPE_\d+_slutrapport_)?slutrapport-lo-(\d+)-[0-9A-Za-z_]+")


def remove_leftovers(folder: Path | None = None) -> list[Path]:
    """Remove what killed runs left: run folders (``slutrapport-lo-<pid>-…``) in ``folder`` (the
    temporary folder by default) and LibreOffice's sockets of them in /tmp, where the process
    ``<pid>`` is gone and the file is this user's. What was removed is returned.

    Only ``kill -9`` of a run and its LibreOffice workers at once leaves them: however slutrapport
    alone ends, its workers tidy up. A process that is alive (or whose id is in use again) keeps
    its folders.
    """
    if os.name != "posix":  # ids and sockets as on POSIX (os.kill(pid, 0) kills on Windows)
        return []
    places = [folder if folder is not None else Path(tempfile.gettempdir())]
    if Path("/tmp") not in places:
        places.append(Path("/tmp"))  # LibreOffice's sockets are always there
    removed = []
    for place in places:
        try:
            entries = list(os.scandir(place))
        except OSError:
            continue
        for entry in entries:
            match = _LEFTOVER.fullmatch(entry.name)
            if match is None or _alive(int(match.group(1))):
                continue
            path = Path(entry.path)
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_uid != os.getuid():
                    continue
                if stat.S_ISDIR(info.st_mode):
                    if entry.name.startswith("OSL_PIPE_"):
                        continue
                    _remove_sockets_of(path)
                    remove_folder(path, patience=0)
                elif stat.S_ISSOCK(info.st_mode) and entry.name.startswith("OSL_PIPE_"):
                    path.unlink()
                else:
                    continue
            except OSError:
                continue
            removed.append(path)
    return removed


def _remove_sockets_of(run: Path) -> None:
    """The sockets in /tmp of a run folder's LibreOffice (its pipe and single-instance pipe)."""

    remove_sockets(f"slutrapport_{run.name}", str(run / "profil"))


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (this one counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's, or no id at all: not ours to judge
        return True
    return True


_GRACE = 5.0
"""Seconds the worker gets to end LibreOffice and tidy up once told to stop; then it is killed."""


def _check_timeout(timeout: object) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) \
            or not math.isfinite(timeout) or timeout <= 0:
        raise ConversionError("Tidsgränsen för LibreOffice ska vara ett antal sekunder över "
                              f"noll (fick {timeout!r}).")


def _executables() -> tuple[str, str]:
    """soffice and the Python with uno, or ConversionError saying how to install them."""
    soffice = find_soffice()
    python = _find_uno_python() if soffice else None
    if soffice is None or python is None:
        raise ConversionError(f"LibreOffice saknas. {INSTALL_HINT}")
    return soffice, python


def run_office(
    docx_files: Sequence[Path], pdf_files: Sequence[Path | None], *, timeout: float = 180,
    folder: Path | None = None, pdfa: bool = False,
) -> list[OfficeResult]:
    """Open each .docx in one headless LibreOffice; update its contents; export PDFs where asked.

    ``folder`` (see :func:`run_folder`) is where LibreOffice keeps its profile and temporary
    files; without it a run folder of its own is made and removed. Either way the folder is
    removed if this process is killed. PDFs are tagged (headings,
    table headers, alt texts, the document's language); ``pdfa`` makes them PDF/A-2b.
    ``timeout`` is per document (LibreOffice's start counts towards the first).
    Raises :class:`~slutrapport.errors.OfficeStartError` when LibreOffice ends (or never answers)
    as it starts, and ConversionError when it is missing, fails or passes the time limit.
    For many documents at once, :class:`OfficePool` shares them among several LibreOffices.
    """
    _check_timeout(timeout)
    jobs = [OfficeJob(d, p, pdfa, alts=_alts(d) if p else ())
            for d, p in zip(docx_files, pdf_files, strict=True)]
    if not jobs:
        return []
    with OfficePool(1, timeout=timeout, folder=folder) as pool:
        for key, job in enumerate(jobs):
            pool.submit(key, job)
        answers = dict(pool.results())
    results = []
    for key in range(len(jobs)):
        answer = answers[key]
        if isinstance(answer, ConversionError):
            raise answer
        results.append(answer)
    return results


@dataclass(frozen=True)
class OfficeJob:
    """One document for LibreOffice: the .docx to open, the PDF to write (or None), whether the
    PDF is PDF/A, the split tables whose joins to move (see slutrapport._layoutcopy), and the
    alt text of each chart in document order (for the PDF's structure tree)."""

    docx: Path
    pdf: Path | None = None
    pdfa: bool = False
    splits: Sequence[dict[str, Any]] = ()
    alts: Sequence[str] = ()

    def request(self) -> dict[str, Any]:
        return {"input": str(self.docx), "pdf": str(self.pdf) if self.pdf else None,
                "pdfa": self.pdfa, "splits": list(self.splits), "alts": list(self.alts)}


def _alts(docx: Path) -> list[str]:
    """The charts' alt texts of a .docx (none when it can't be read: LibreOffice says why)."""
    try:
        return chart_alts(Path(docx).read_bytes())
    except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []


RECYCLE = 25
"""Documents one LibreOffice handles before it is ended and a fresh one started (memory), unless
``SLUTRAPPORT_LO_DOKUMENT`` or the ``recycle`` argument says otherwise."""


def documents_per_office(recycle: int | None = None) -> int:
    """The documents one LibreOffice handles before a fresh one is started: ``recycle``, else
    ``$SLUTRAPPORT_LO_DOKUMENT``, else :data:`RECYCLE`; a ConversionError (in Swedish) for
    anything but a whole number of at least 1."""
    if recycle is None:
        raw = os.environ.get("SLUTRAPPORT_LO_DOKUMENT", "").strip()
        if not raw:
            return RECYCLE
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ConversionError(f"SLUTRAPPORT_LO_DOKUMENT ska vara ett heltal från 1 (antalet "
                                  f"dokument per LibreOffice), inte '{raw}'.")
        return int(raw)
    if isinstance(recycle, bool) or not isinstance(recycle, int) or recycle < 1:
        raise ConversionError("Antalet dokument per LibreOffice ska vara ett heltal från 1 "
                              f"(fick {recycle!r}).")
    return recycle


def default_workers() -> int:
    """LibreOffices to run side by side by default: one per usable core."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return max(1, len(usable) if usable else (os.cpu_count() or 1))


class OfficePool:
    """A few LibreOffices working side by side, each started at once in a run folder of its own.

    ``submit`` hands a document over (any thread may); ``results`` yields ``(key, answer)`` for
    every submitted document as each is done, the answer an :class:`OfficeResult` or the
    :class:`~slutrapport.errors.ConversionError` that document failed with. ``timeout`` is per
    document, from when a LibreOffice takes it. A LibreOffice is ended and a fresh one started
    after a failure, a passed time limit and every ``recycle`` documents (see
    :func:`documents_per_office`); when LibreOffice cannot start at all, every document fails at
    once with that reason. Each LibreOffice has a run folder of its own (in ``folder`` if given,
    else in the temporary folder), and ending one removes that folder alone. Leaving the
    ``with`` block ends every LibreOffice and removes its folder (and the watchdog does so if
    this process is killed). ``documents`` (and ``folder``) are shared: the watchdogs remove them
    when this process is killed or leaves the block by an exception, never when a LibreOffice is
    retired; make ``documents`` once the pool has started (then no way of ending this process
    leaves it behind) and remove it after the pool has closed (:func:`remove_folder`).
    ``keep_warm``: a retired LibreOffice is replaced at once, not when the next document comes
    (for a pool kept between renders, where the next document should not wait for a start).
    """

    def __init__(self, workers: int | None = None, *, timeout: float = 180,
                 recycle: int | None = None, folder: Path | None = None,
                 documents: Path | None = None, keep_warm: bool = False) -> None:
        _check_timeout(timeout)
        self.keep_warm = keep_warm
        self.recycle = documents_per_office(recycle)
        self.soffice, self.python = _executables()
        self.workers = max(1, workers if workers is not None else default_workers())
        self.timeout = float(timeout)
        self._folder = folder
        self._also = [p for p in (folder, documents) if p is not None]
        self._jobs: queue.Queue[tuple[Any, OfficeJob] | None] = queue.Queue()
        self._done: queue.Queue[tuple[Any, OfficeResult | ConversionError]] = queue.Queue()
        self._submitted = 0
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        self._closed = False
        self._start_failure: ConversionError | None = None
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> OfficePool:
        with contextlib.suppress(Exception):  # tidying up after others must never stop this run
            remove_leftovers()
        try:
            for slot in range(self.workers):
                worker = self._new_worker()  # LibreOffice starts now, while the caller works on
                thread = threading.Thread(target=self._serve, args=(worker,), daemon=True,
                                          name=f"slutrapport-libreoffice-{slot}")
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.close()  # the LibreOffices already started, too
            raise
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(graceful=kind is None)

    def submit(self, key: Any, job: OfficeJob) -> None:
        with self._lock:
            self._submitted += 1
        self._jobs.put((key, job))

    def results(self) -> Iterator[tuple[Any, OfficeResult | ConversionError]]:
        """Each submitted document's answer not yet taken, as it comes (call after the last
        ``submit``)."""
        while True:
            with self._lock:
                if self._submitted == 0:
                    return
                self._submitted -= 1
            while True:
                try:
                    yield self._done.get(timeout=0.2)  # wakes up for Ctrl-C and signals
                    break
                except queue.Empty:
                    continue

    def ready(self) -> Iterator[tuple[Any, OfficeResult | ConversionError]]:
        """The answers that have come and are not yet taken, without waiting for more: a caller
        that still submits takes each finished document's answer (and lets go of what it holds
        for it) as it goes, rather than all at the end."""
        while True:
            with self._lock:
                if self._submitted == 0:
                    return
                try:
                    answer = self._done.get_nowait()
                except queue.Empty:
                    return
                self._submitted -= 1
            yield answer

    def close(self, *, graceful: bool = False) -> None:
        """End every LibreOffice and remove its folder: all told at once, so it is quick;
        ``graceful`` (after the work is done) lets each quit by itself first."""
        with self._lock:
            self._closed = True
            live = list(self._live)
        for _ in self._threads:
            self._jobs.put(None)
        for worker in live:
            if graceful:
                worker.close_input()
            else:  # the pool ends: the shared folders go too
                worker.signal(shared=True)
        for worker in live:
            worker.stop(graceful=graceful)
        for thread in self._threads:
            thread.join(timeout=2 * _GRACE + 10)

    def _new_worker(self) -> _Worker | None:
        with self._lock:
            if self._closed:
                return None
        worker = _Worker(self.python, self.soffice, self._folder, self._also)
        with self._lock:
            self._live.add(worker)
            if self._closed:
                worker.signal()
        return worker

    def _retire(self, worker: _Worker, *, graceful: bool = False) -> None:
        worker.stop(graceful=graceful)
        with self._lock:
            self._live.discard(worker)

    def _serve(self, worker: _Worker | None) -> None:
        successor: _Worker | None = None  # started while ``worker`` does its last document
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    return
                key, job = item
                try:
                    if worker is None and self._start_failure is None:
                        # after a failure or RECYCLE documents
                        worker, successor = successor or self._new_worker(), None
                    if successor is None and self._succeed(worker):
                        successor = self._new_worker()
                    result = self._convert_one(worker, job)
                except Exception as exc:  # never leave results() waiting for an answer
                    result = ConversionError(f"LibreOffice misslyckades: {exc}")
                if worker is not None and worker.broken:
                    self._retire(worker)  # before the answer: a failed one is gone by then
                    worker = None
                self._done.put((key, result))
                if worker is not None and worker.done >= self.recycle:
                    self._retire(worker)  # its own folder only: the answer is used meanwhile
                    worker = None
                if worker is None and self.keep_warm and self._start_failure is None:
                    worker, successor = successor or self._new_worker(), None
        finally:
            for left in (worker, successor):
                if left is not None:
                    self._retire(left, graceful=True)

    def _succeed(self, worker: _Worker | None) -> bool:
        """Whether to start ``worker``'s successor now, as it takes its last document before
        retiring: LibreOffice's start (most of a second) then overlaps that document's work
        rather than holding up the next. Only while enough documents wait that every worker
        will take another (a successor started for nothing costs a start); a keep-warm pool
        replaces a retired one at once anyway."""
        return (worker is not None and not self.keep_warm and self._start_failure is None
                and worker.done + 1 >= self.recycle and self._jobs.qsize() >= self.workers)

    def _convert_one(self, worker: _Worker | None,
                     job: OfficeJob) -> OfficeResult | ConversionError:
        if self._start_failure is not None:
            return self._start_failure
        if worker is None:
            return ConversionError("LibreOffice avbröts.")
        answer = worker.run(job.request(), time.monotonic() + self.timeout)
        if answer is None:
            worker.broken = True
            return ConversionError(f"LibreOffice blev inte klart inom {_seconds(self.timeout)} "
                                   "sekunder och avbröts.")
        error = answer.get("error")
        if error is not None:
            worker.broken = True
            failure = _error(str(error), answer)
            if isinstance(failure, OfficeStartError):
                self._start_failure = failure  # it will not start for the next one either
            return failure
        worker.done += 1
        if job.pdf is not None and not job.pdf.exists():
            return ConversionError("LibreOffice skrev ingen PDF.")
        return OfficeResult([(str(t), int(p)) for t, p in answer["entries"]], int(answer["pages"]),
                            {str(label): [(str(t), int(p)) for t, p in entries]
                             for label, entries in answer.get("lists", {}).items()})


class Started:
    """LibreOffice started ahead of the work that needs it: a pool of ``workers`` LibreOffices
    and the folder the documents they open go in, for :func:`slutrapport.rendering.render_many`
    (its ``warm``). The command line starts it before it reads the data file, so LibreOffice's
    start — most of a second — overlaps reading, checking and filling the template instead of
    following them; ``render --watch`` keeps one (``keep_warm``) between saves. Use it as a
    context manager: leaving the block ends every LibreOffice and removes the folders, and a
    block left without an exception (with ``graceful`` still true) lets each quit by itself
    first, which keeps its profile whole for the next run."""

    def __init__(self, workers: int = 1, *, timeout: float = 180, recycle: int | None = None,
                 keep_warm: bool = False) -> None:
        self.folder = folder_name()
        self.pool = OfficePool(workers, timeout=timeout, recycle=recycle, documents=self.folder,
                               keep_warm=keep_warm)
        self.graceful = True

    def __enter__(self) -> Started:
        self.pool.__enter__()
        try:
            self.folder.mkdir(mode=0o700)
        except BaseException:
            self.pool.close()
            raise
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            self.pool.close(graceful=kind is None and self.graceful)
        finally:
            remove_folder(self.folder)


class _Worker:
    """One worker process (``_office_worker.py``) and its LibreOffice, in a run folder of its own
    (made in ``folder``, else in the temporary folder); ``also`` are the folders it shares with
    others, which its watchdog removes only when this process is gone."""

    def __init__(self, python: str, soffice: str, folder: Path | None = None,
                 also: Sequence[Path] = ()) -> None:
        # the worker makes its folder itself (see _office_worker.main), so that no folder is
        # left when this process is killed before the worker is up
        self.folder = folder_name(folder)
        self.profile = take_profile(soffice, self.folder / "profil")
        self.ready = False
        self.broken = False
        self.done = 0
        self._stopped = False
        self._stop_lock = threading.Lock()
        self._gone = threading.Event()
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._errors: list[str] = []
        worker = Path(__file__).with_name("_office_worker.py")
        watch, self._keep = os.pipe()  # only the worker gets the read end (pass_fds)
        request = {
            "soffice": soffice,
            "folder": str(self.folder),
            "profile": str(self.profile.path),
            "profile_fd": self.profile.fd,  # the slot's lock: the worker and LibreOffice hold it
            "profile_kept": str(self.profile.kept) if self.profile.kept else None,
            "profile_reused": self.profile.reused,
            "tmp": str(self.folder / "tmp"),
            "pipe": f"slutrapport_{self.folder.name}",
            "watch_fd": watch,
            "create": True,
            "also": [str(p) for p in also],  # removed with the run folder if we are killed
        }
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        held = (watch,) if self.profile.fd is None else (watch, self.profile.fd)
        try:
            self.process = subprocess.Popen(
                [python, str(worker), json.dumps(request)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env,
                pass_fds=held)
        except BaseException:
            os.close(self._keep)  # a worker that began anyway sees it and tidies up
            raise
        finally:
            os.close(watch)
            self.profile.release()  # the slot is the worker's (and its LibreOffice's) now
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self._lines.put(line)
        self._lines.put(None)

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        with self.process.stderr:
            for line in self.process.stderr:
                text = line.decode("utf-8", "replace").strip()
                if text:
                    self._errors = [*self._errors[-9:], text]

    def _answer(self, deadline: float) -> dict[str, Any] | None:
        """The worker's next answer; None when the deadline passes first."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            line = self._lines.get(timeout=remaining)
        except queue.Empty:
            return None
        if line is None:  # the worker ended without answering
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=2)
            detail = self._errors[-1] if self._errors else (
                f"arbetsprocessen avslutades (slutkod {self.process.returncode})")
            return {"error": "failed", "detail": detail}
        try:
            answer = json.loads(line.decode("utf-8"))
        except ValueError:
            return {"error": "failed", "detail": "LibreOffice gav inget svar som gick att läsa."}
        return answer if isinstance(answer, dict) else {
            "error": "failed", "detail": "LibreOffice gav inget svar som gick att läsa."}

    def run(self, job: dict[str, Any], deadline: float) -> dict[str, Any] | None:
        """Do one job: the answer, or None when the deadline passes (LibreOffice's start, the
        first time, counts towards it)."""
        if not self.ready:
            answer = self._answer(deadline)
            if answer is None or "error" in answer:
                return answer
            self.ready = True
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except OSError:
            pass  # the worker has ended: its answer (or end) says why
        return self._answer(deadline)

    def signal(self, *, shared: bool = False) -> None:
        """Tell the worker to end LibreOffice now (its watchdog sees our pipe close) and remove
        its run folder; with ``shared`` the folders it shares with others too, as when this
        process is killed. Only the first call counts."""

        with self._stop_lock:
            if self._keep >= 0:
                if not shared:
                    with contextlib.suppress(OSError):  # the worker has ended already
                        os.write(self._keep, RETIRE)
                os.close(self._keep)
                self._keep = -1

    def close_input(self) -> None:
        """No more jobs: the worker ends LibreOffice and itself when its current job is done."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()

    def stop(self, *, graceful: bool = False) -> None:
        """End the worker and its LibreOffice; remove the run folder. Safe to call twice.

        ``graceful`` lets a worker without a job quit LibreOffice itself; otherwise LibreOffice
        is killed at once. The folders it shares with others are left in place.
        """
        with self._stop_lock:
            if self._stopped:
                stopping_elsewhere = True
            else:
                stopping_elsewhere = False
                self._stopped = True
        if stopping_elsewhere:
            self._gone.wait(2 * _GRACE + 10)
            return
        try:
            self._stop(graceful)
        finally:
            self._gone.set()

    def _stop(self, graceful: bool) -> None:
        self.close_input()
        try:
            if graceful:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=_GRACE)
        finally:  # also when a signal ends this process while it waits
            self.signal()
            _stop(self.process, self.folder, self.profile.path)
            remove_folder(self.folder)


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
    if payload.get("ended"):
        return ConversionError("LibreOffice avslutades oväntat medan det arbetade med "
                               "dokumentet.")
    return ConversionError(f"LibreOffice misslyckades: {payload.get('detail') or 'okänt fel'}")


def _stop(process: subprocess.Popen[bytes], run: Path, profile: Path) -> None:
    """Once our end of the pipe is closed (the worker ends LibreOffice): wait a little, then
    kill."""
    if process.poll() is not None:
        return
    try:
        process.wait(timeout=_GRACE)
        return
    except subprocess.TimeoutExpired:
        pass
    # The worker did not end by itself: kill it, and LibreOffice's group it may have left.
    _kill_group(process.pid)
    office = _office_pid(run)
    if office is not None:
        _kill_group(office)
    process.wait()
    remove_sockets(f"slutrapport_{run.name}", str(profile))


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

    try:
        return format_decimal(Decimal(str(value)), max_decimals=1)
    except ArithmeticError:
        return str(value)
