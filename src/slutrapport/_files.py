"""Writing a file without losing one: every command writes through :func:`write_file`.

The rules, the same for ``render``, ``fill``, ``migrate``, ``new`` (also ``--registers``) and
``schema``:

- An output is never one of the command's inputs (``protect``: the data file, the template, the
  registers), nor a backup of one (``FIL.bak``, ``FIL.1.bak`` …), nor a folder, a device, a FIFO
  or a read-only file (:func:`slutrapport._safety.check_output`).
- An existing data file (a report's YAML, see :func:`is_data_file`: by its name, or by what it
  holds) is never replaced by a file of another kind (``schema -o rapport.yaml`` is refused, as
  is ``schema -o rapport.txt`` when rapport.txt holds a report). Replaced by a data file
  (``new --force``, ``fill``, ``migrate``), it is kept as a backup first.
- Backups are numbered, ``FIL.bak``, ``FIL.1.bak``, ``FIL.2.bak`` …, and none is ever written
  over; each gets the original's mode (and owner, where permitted), byte for byte its content.
- The new bytes go to a temporary file beside the target, which gets the old file's mode and
  owner (where permitted; a new file gets the mode the umask gives), and is renamed into place:
  a failure leaves the old file as it was. A symbolic link stays a link (its target is written).
- A file with more than one name (hard links) is written in place after a backup, so that every
  name sees the new text: renaming would give only this name a new file and leave the other
  names with the old text, and refusing would leave the user to break the link by hand. If the
  write fails, the old bytes are written back (or the message names the backup that holds them).
- Every :class:`OSError` becomes an :class:`~slutrapport.errors.OutputError` worded in Swedish
  (:func:`os_error_text`), never the system's English.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from slutrapport._safety import check_output
from slutrapport.errors import OutputError

__all__ = ["BackupWarning", "Written", "check_folder", "check_target", "is_data_file",
           "os_error_text", "refuse_backup", "same_file", "write_atomic", "write_file",
           "write_over"]

Protect = Iterable[tuple[str, str | Path]]
"""Pairs of a label and a path an output must not be: ``("datafilen", "rapport.yaml")``."""

MAX_BACKUPS = 10_000
"""Numbered backups of one file tried before giving up (``FIL.9999.bak``)."""

_DATA_NAME = re.compile(r"\.ya?ml(?:\.\d+)?(?:\.bak)?$", re.IGNORECASE)
_SCHEMA_HEAD = 4096
_DATA_HEAD = 65_536
_DATA_KEYS = re.compile(rb'^(?:projekt|avsnitt|"projekt"|"avsnitt")[ \t]*:'
                        rb'|^[ \t]*\{?[ \t]*"(?:projekt|avsnitt)"[ \t]*:', re.MULTILINE)
"""A report's own keys where its data begins: ``projekt:`` or ``avsnitt:`` at the start of a
line (YAML), or as a JSON object's key."""

_WORDS = {
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.EACCES: "behörighet saknas",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EISDIR: "det är en mapp",
    errno.ENOTDIR: "en del av sökvägen är ingen mapp",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.EEXIST: "filen finns redan",
    errno.EXDEV: "filen kan inte flyttas mellan två filsystem",
    errno.ENOENT: "filen eller mappen finns inte",
    errno.EIO: "läs- eller skrivfel på enheten",
    errno.ELOOP: "för många symboliska länkar i sökvägen",
    errno.EMFILE: "för många öppna filer",
    errno.ENFILE: "för många öppna filer i systemet",
    errno.EFBIG: "filen blir för stor för filsystemet",
    errno.EBUSY: "filen eller enheten är upptagen",
    errno.ETXTBSY: "filen används av ett program som körs",
    errno.EMLINK: "för många länkar till filen",
    errno.ENODEV: "enheten finns inte",
    errno.ENXIO: "enheten finns inte",
    errno.EINVAL: "åtgärden går inte att göra med den här filen",
    errno.ESTALE: "filen på nätverksdisken finns inte längre",
    errno.ENOMEM: "minnet räcker inte",
    errno.EAGAIN: "resursen är tillfälligt upptagen; försök igen",
    errno.EINTR: "avbröts",
    errno.ETIMEDOUT: "tidsgränsen gick ut",
    errno.ENOTEMPTY: "mappen är inte tom",
    errno.EBADF: "filen är inte öppen",
    errno.ENOTSUP: "filsystemet stöder inte åtgärden",
}
"""Swedish words for the system's error numbers (their own texts are English)."""


def os_error_text(exc: OSError) -> str:
    """Why a file operation failed, in Swedish: 'disken är full' for ENOSPC, and so on.

    An error number without words of its own is named by its code ('systemfel ECONNRESET'),
    never by the system's English text.
    """
    words = _WORDS.get(exc.errno) if exc.errno is not None else None
    if words is not None:
        return words
    if exc.errno is not None:
        return f"systemfel {errno.errorcode.get(exc.errno, exc.errno)}"
    return "okänt systemfel"


def _why(exc: OSError, target: Path) -> str:
    """Why ``target`` can't be written: a missing folder is named, the rest in Swedish words."""
    folder = target.parent if str(target.parent) else Path(".")
    if exc.errno == errno.ENOENT and not folder.exists():
        return f"mappen {folder} finns inte"
    return os_error_text(exc)


def _cannot_write(target: Path, exc: OSError, after: str = "") -> OutputError:
    return OutputError(f"{target}: kan inte skrivas ({_why(exc, target)}){after}")


@dataclass(frozen=True)
class Written:
    """A file written: its path (as given) and where what stood there before was kept."""

    path: Path
    backup: Path | None = None


class BackupWarning(UserWarning):
    """A file was kept as a backup where the caller can't say so itself (a hard-linked output
    of ``render``, written in place after a backup)."""


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (also through a link); False if one is missing."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def is_data_file(path: str | Path) -> bool:
    """Whether ``path`` is an existing data file: a non-empty regular file that is not a JSON
    schema (as ``slutrapport schema`` writes one), and either named as one — ``.yaml`` or
    ``.yml``, or a backup of one, ``.yaml.bak``, ``.yaml.2.bak`` — or, whatever its name (check
    and render read ``rapport.txt`` too), text that begins as a report does: ``projekt:`` or
    ``avsnitt:`` at the start of a line in its first 64 KB."""
    target = Path(path)
    named = bool(_DATA_NAME.search(target.name))
    try:
        found = target.stat()
        if not stat.S_ISREG(found.st_mode) or found.st_size == 0:
            return False
        with open(target, "rb") as handle:
            head = handle.read(_SCHEMA_HEAD if named else _DATA_HEAD)
    except OSError:
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"{") and b'"$schema"' in text[:_SCHEMA_HEAD]:
        return False
    return named or (b"\x00" not in head and _DATA_KEYS.search(head) is not None)


def _backup_of(target: Path, protect: Protect) -> tuple[str, str | Path] | None:
    """The protected file that ``target`` is named as a backup of (``FIL.bak``, ``FIL.3.bak``
    beside it), if any."""
    name = target.name
    if not name.lower().endswith(".bak"):
        return None
    for label, source in protect:
        src = Path(source)
        names = {src.name, Path(os.path.realpath(src)).name}
        for base in names:
            if re.fullmatch(re.escape(base) + r"(?:\.\d+)?\.bak", name) and \
                    _same_folder(target, src if base == src.name else
                                 Path(os.path.realpath(src))):
                return label, source
    return None


def _same_folder(a: Path, b: Path) -> bool:
    return os.path.realpath(a.parent if str(a.parent) else ".") == \
        os.path.realpath(b.parent if str(b.parent) else ".")


def check_target(path: str | Path, protect: Protect = (), *, data_file: bool = False) -> None:
    """Refuse, before any work, an output :func:`write_file` would refuse (an
    :class:`~slutrapport.errors.OutputError` naming the output and why)."""

    target = Path(path)
    protect = list(protect)
    check_output(target, protect)
    refuse_backup(target, protect)
    if not data_file and is_data_file(target):
        raise OutputError(f"{target}: är en datafil med en rapport och skrivs inte över med en "
                          "annan sorts fil; välj ett annat namn för utfilen")


def check_folder(path: str | Path) -> None:
    """Refuse, before any work, an output whose folder can't take a new file — missing, no
    folder, read-only, full or not the user's to write in — by making an empty file there and
    removing it again (what the folder says is what counts, not what its mode seems to say): an
    :class:`~slutrapport.errors.OutputError` with the same words the write would fail with."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".slutrapport-", suffix=".prov")
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def refuse_backup(path: str | Path, sources: Protect) -> None:
    """Refuse ``path`` if it is named as a backup of one of ``sources`` (``FIL.bak``,
    ``FIL.2.bak`` beside it), whether or not that backup exists yet."""
    target = Path(path)
    backed = _backup_of(target, sources)
    if backed is not None:
        label, source = backed
        raise OutputError(f"{target}: är en säkerhetskopia av {label} {source} och skrivs inte "
                          "över; välj ett annat namn för utfilen")


def write_file(path: str | Path, data: bytes, *, protect: Protect = (),
               data_file: bool = False, keep: bool = False) -> Written:
    """Write ``data`` to ``path`` by the module's rules; return the path and the backup made.

    ``data_file``: the bytes are a report's data file, so an existing data file at ``path`` is
    kept as a backup (otherwise it is refused). ``keep``: keep whatever exists at ``path`` as a
    backup (a rewrite of an input, a register written over with ``--force``). A file with more
    than one hard link always gets a backup and is written in place.
    """
    target = Path(path)
    check_target(target, protect, data_file=data_file)
    try:
        found: os.stat_result | None = target.stat()
    except OSError:
        found = None  # nothing there (or not reachable): the write says why, if it fails
    real = Path(os.path.realpath(target)) if found is not None else target
    backup = None
    if found is not None:
        linked = found.st_nlink > 1
        if keep or linked or (data_file and is_data_file(real)):
            backup = _backup(target, real, found)
        if linked:
            assert backup is not None
            _write_in_place(target, real, data, backup)
            return Written(target, backup)
    try:
        _replace(target, real, data, found)
    except BaseException:
        if backup is not None:
            backup.unlink(missing_ok=True)  # the old file is untouched: the copy is not needed
        raise
    return Written(target, backup)


def write_atomic(path: str | Path, data: bytes, *, protect: Protect = ()) -> Path:
    """Write bytes to ``path`` (see :func:`write_file`; the bytes are not a data file).

    On any failure the earlier file at path is untouched and no temporary file is left behind;
    a file system error becomes an :class:`~slutrapport.errors.OutputError`. A folder, device,
    FIFO or read-only file at path is refused, not replaced, and so is a data file, the same file
    as one in ``protect`` (label, path) pairs, e.g. ``("datafilen", "rapport.yaml")``, or a
    backup of one. A backup made (of a hard-linked file) is told as a :class:`BackupWarning`.
    """
    written = write_file(path, data, protect=protect)
    if written.backup is not None:
        warnings.warn(BackupWarning(
            f"{written.path} har flera namn (hårda länkar) och skrevs om på plats, så att alla "
            f"namnen visar den nya filen; det som stod där förut finns kvar som {written.backup}"),
            stacklevel=2)
    return written.path


def write_over(source: str | Path, output: str | Path | None, data: bytes, *,
               protect: Protect = ()) -> tuple[Path, Path | None]:
    """Write a data file made from ``source``: over ``source`` when ``output`` is None or the
    same file (also through a link), else to ``output``.

    Written over ``source``, what stands there is kept as a numbered backup first (``FIL.bak``,
    then ``FIL.1.bak`` …); written to ``output``, an existing data file there is kept the same
    way, and ``source`` and its backups are refused as ``output``. Returns the path written (as
    given) and the backup (None when none was made).
    """
    src = Path(source)
    protect = list(protect)
    if output is not None and not same_file(src, output):
        written = write_file(output, data, protect=[("datafilen", src), *protect],
                             data_file=True)
        return written.path, written.backup
    written = write_file(src, data, protect=protect, data_file=True, keep=True)
    return (Path(output) if output is not None else src), written.backup


# --- the parts ----------------------------------------------------------------------------------


def _backup(target: Path, real: Path, found: os.stat_result) -> Path:
    """Copy the file at ``real`` to the first free ``<target>.bak``, ``<target>.N.bak`` beside
    ``target``, with its mode (and owner, where permitted)."""
    for n in range(MAX_BACKUPS):
        candidate = target.with_name(target.name + (".bak" if n == 0 else f".{n}.bak"))
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _cannot_write(candidate, exc, "; inget skrevs") from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                _same_owner_and_mode(handle.fileno(), found)
                with open(real, "rb") as original:
                    while chunk := original.read(1 << 20):
                        handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException as exc:
            candidate.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _cannot_write(candidate, exc, "; inget skrevs") from exc
            raise
        return candidate
    raise OutputError(f"{target}: har redan {MAX_BACKUPS} säkerhetskopior ({target.name}.bak "
                      f"till {target.name}.{MAX_BACKUPS - 1}.bak); flytta bort dem som inte "
                      "behövs")


def _same_owner_and_mode(fd: int, found: os.stat_result) -> None:
    """Give an open file the owner (where permitted) and the mode of ``found``."""
    if (found.st_uid, found.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(fd, found.st_uid, found.st_gid)
        except PermissionError:  # only root gives a file away; the group may still be ours
            try:
                os.fchown(fd, -1, found.st_gid)
            except PermissionError:
                pass
    os.fchmod(fd, stat.S_IMODE(found.st_mode))  # after chown, which may clear set-id bits


def _replace(target: Path, real: Path, data: bytes, found: os.stat_result | None) -> None:
    """Write through a temporary file beside ``real``, renamed over it."""
    folder = real.parent if str(real.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name[:100]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _cannot_write(target, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            if found is not None:
                _same_owner_and_mode(handle.fileno(), found)
            else:  # mkstemp makes the file private (0600): the mode a new file normally gets
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(handle.fileno(), 0o666 & ~umask)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, real)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(target, exc) from exc
        raise


def _write_in_place(target: Path, real: Path, data: bytes, backup: Path) -> None:
    """Write over the file's own bytes (every hard link sees them); on failure write the old
    bytes back from ``backup``, or say that it holds them."""
    try:
        with open(real, "r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:  # a full disk, or Ctrl-C halfway: the old bytes go back
        try:
            with open(backup, "rb") as old, open(real, "r+b") as handle:
                handle.write(old.read())
                handle.truncate()
            backup.unlink()
        except OSError:
            if isinstance(exc, OSError):
                raise _cannot_write(target, exc, f"; det som stod där finns kvar i {backup}") \
                    from exc
            raise exc from None
        if isinstance(exc, OSError):
            raise _cannot_write(target, exc, "; filen är som förut") from exc
        raise
