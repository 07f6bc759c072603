"""Writing a data file over itself (``migrate``, ``fill``): the original is kept as ``FIL.bak``.

A file is rewritten in place when no output is named, and also when the output named is the same
file as the input (``-o rapport.yaml``, or a link to it): then too the original bytes go to
``FIL.bak`` first, and an existing ``FIL.bak`` is never overwritten. The new bytes are written to
the file itself, through a symbolic link, so a link to it stays a link.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from slutrapport.errors import InputError, OutputError, Problem

__all__ = ["same_file", "write_over"]


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (also through a link); False if one is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_over(source: str | Path, output: str | Path | None, data: bytes, original: bytes, *,
               protect: Iterable[tuple[str, str | Path]] = ()) -> tuple[Path, Path | None]:
    """Write ``data`` to ``output``, or over ``source`` when ``output`` is None or the same file.

    Written over ``source``, its ``original`` bytes are kept in ``<source>.bak`` first, which must
    not exist (:class:`~slutrapport.errors.InputError`, nothing written); the backup is removed
    again if the new file can't be written. Returns the path written (as given) and the backup
    (None when written elsewhere). ``protect`` as for
    :func:`slutrapport.rendering.write_atomic`.
    """
    from slutrapport._safety import check_output
    from slutrapport.rendering import write_atomic

    src = Path(source)
    protect = list(protect)
    if output is not None and not same_file(src, output):
        return write_atomic(output, data, protect=protect), None
    shown = Path(output) if output is not None else src
    real = Path(os.path.realpath(src))
    check_output(real, protect)
    backup = src.with_name(src.name + ".bak")
    try:
        handle = open(backup, "xb")  # noqa: SIM115 - closed below; removed if writing fails
    except FileExistsError:
        if output is None:
            message = f"{backup} finns redan; flytta den eller ange -o UT.yaml"
        else:
            message = (f"{backup} finns redan; -o {output} är samma fil som {src}, som då "
                       f"skrivs om med originalet sparat som {backup}. Flytta {backup} eller ange "
                       "en annan fil med -o")
        raise InputError([Problem(message, file=str(src))]) from None
    except OSError as exc:
        raise OutputError(f"{backup}: kan inte skrivas ({exc.strerror})") from exc
    try:
        with handle:
            handle.write(original)
            handle.flush()
            os.fsync(handle.fileno())
        write_atomic(real, data, protect=protect)
    except BaseException as exc:
        backup.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{backup}: kan inte skrivas ({exc.strerror})") from exc
        raise
    return shown, backup
