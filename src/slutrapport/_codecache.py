"""Compiled code kept on disk between runs, and trusted only when it is provably our own.

Jinja compiles a template to Python code; a fresh process would compile the same template again
(0,08–0,10 s for the default template). This module keeps such code — marshalled code objects, or
anything else that is *run* once read — in a folder of the user's cache and gives it back only
after checking that this user wrote it, for this key.

Threat model. Marshalled code read from a file is run without passing Jinja's sandbox: whoever can
put a file where it is read, or change one, runs code as the user (and ``marshal.loads`` is not
safe against crafted bytes either). So nothing is unmarshalled unless all of this holds:

- the folder (``<cache>/kod``) is a real folder (not a link), owned by this user, with no access
  for group or others (0700); it is made so, and a folder that is not is not used at all — never
  "repaired", since someone else may be holding it;
- the key file in it (``nyckel``: 32 random bytes, made once with ``O_EXCL``) is a regular file
  owned by this user with mode 0600; files are opened relative to the folder's descriptor with
  ``O_NOFOLLOW`` and checked on the opened descriptor (``fstat``), so a folder or file swapped
  between the check and the read is not followed;
- every entry carries an HMAC-SHA256 of its key and bytes under that secret, checked in constant
  time before anything else reads the bytes.

A cache folder set to a shared place (``SLUTRAPPORT_CACHE`` on a shared disk, a folder another
user made first in ``/tmp``), an entry written by another program or user, a truncated or altered
file: each is refused in silence and the code compiled again (the cache only ever costs or saves
time). What is *not* defended against is the user's own account: a program running as the user
can read the key — but it can also change the user's shell start-up files or slutrapport itself.
``SLUTRAPPORT_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from slutrapport.resources import cache_dir

__all__ = ["folder", "private_folder", "read", "write"]

_KEY_FILE = "nyckel"
_TAG = 32  # bytes of an HMAC-SHA256
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def folder() -> Path | None:
    """Where compiled code is kept (``<cache>/kod``), or None when the cache is off or this
    platform can't check who owns a file (then nothing is kept)."""
    base = cache_dir()
    if base is None or not hasattr(os, "getuid") or not _NOFOLLOW:
        return None
    return base / "kod"


def _private(info: os.stat_result, kind: int) -> bool:
    """Whether a file is of the kind asked, this user's, and closed to group and others."""
    return (stat.S_IFMT(info.st_mode) == kind and info.st_uid == os.getuid()
            and info.st_mode & 0o077 == 0)


def private_folder(place: Path) -> bool:
    """Make ``place`` (0700, its parents as usual) if it is missing; whether it is a real folder
    (not a link) of this user's, closed to group and others — a folder fit to hold what is run
    (compiled code, a LibreOffice profile, which can hold macros). One that is not is left as
    it is."""
    if not hasattr(os, "getuid") or not _NOFOLLOW:
        return False
    fd = _open_folder(make=True, place=place)
    if fd is None:
        return False
    os.close(fd)
    return True


def _open_folder(make: bool, place: Path | None = None) -> int | None:
    """A descriptor of the private folder, made if asked and missing; None if it is not ours."""
    if place is None:
        place = folder()
    if place is None:
        return None
    if make:
        with contextlib.suppress(OSError):
            place.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError, OSError):
            os.mkdir(place, 0o700)
    try:
        fd = os.open(place, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
    except OSError:
        return None
    try:
        if _private(os.fstat(fd), stat.S_IFDIR):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _key(dir_fd: int, make: bool) -> bytes | None:
    """The secret key, read from (or, if asked, made in) the folder; None unless it checks."""
    flags = os.O_RDONLY | _NOFOLLOW
    try:
        fd = os.open(_KEY_FILE, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        if not make:
            return None
        try:
            fd = os.open(_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600,
                         dir_fd=dir_fd)
        except FileExistsError:  # another process made it just now: read theirs
            return _key(dir_fd, make=False)
        except OSError:
            return None
        try:
            os.write(fd, secrets.token_bytes(32))
        finally:
            os.close(fd)
        return _key(dir_fd, make=False)
    except OSError:
        return None
    try:
        if not _private(os.fstat(fd), stat.S_IFREG):
            return None
        key = os.read(fd, 64)
    except OSError:
        return None
    finally:
        os.close(fd)
    return key if len(key) == 32 else None


def _name(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest() + ".bin"


def _tag(secret: bytes, key: str, blob: bytes) -> bytes:
    return hmac.new(secret, key.encode("utf-8") + b"\0" + blob, hashlib.sha256).digest()


def read(key: str) -> bytes | None:
    """The bytes kept under ``key``, only if they verify (see the module's docstring)."""
    dir_fd = _open_folder(make=False)
    if dir_fd is None:
        return None
    try:
        secret = _key(dir_fd, make=False)
        if secret is None:
            return None
        try:
            fd = os.open(_name(key), os.O_RDONLY | _NOFOLLOW, dir_fd=dir_fd)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not _private(info, stat.S_IFREG):
                return None
            with os.fdopen(os.dup(fd), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)
    tag, blob = data[:_TAG], data[_TAG:]
    if len(tag) != _TAG or not hmac.compare_digest(tag, _tag(secret, key, blob)):
        return None
    return blob


def write(key: str, blob: bytes) -> None:
    """Keep ``blob`` under ``key``, signed, whole or not at all; a folder that can't be used
    (not ours, read-only, full) only costs the next run the work again."""
    dir_fd = _open_folder(make=True)
    if dir_fd is None:
        return
    try:
        secret = _key(dir_fd, make=True)
        if secret is None:
            return
        name = _name(key)
        temporary = f"{name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600,
                         dir_fd=dir_fd)
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_tag(secret, key, blob) + blob)
            os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)
