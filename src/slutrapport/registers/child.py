"""Read one spreadsheet in a child process with a memory and time cap (run as a script).

python-calamine lays out a sheet's whole rectangle before it can be looked at, and aborts the
process when it can't get the memory. An .xls or .ods file is read here, in a process of its
own that may use at most the memory and processor time it is given, so the worst a hostile
file can do is end this process. Arguments: memory (bytes), seconds, most cells, most
characters in a cell, the sheet wanted, the file name's suffix, the folder python-calamine is
installed in and the most characters the cells may hold together; the file's bytes come on
standard input. The answer on standard output is a pickled tuple: ``("ok", sheet, rows,
merged)`` or what went wrong (``("memory", sheet)``, ``("unreadable", kind, text)``,
``("no-sheets",)``, ``("sheet", name)``, ``("extent", sheet, rows, columns)``, ``("long",
sheet, row, column, length)``, ``("text", sheet, characters)``): the rows are sent only when
they are within the limits, so the process that reads the report never holds more.

Only the standard library and python-calamine are imported (slutrapport itself is not): the
child starts in a few hundredths of a second.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import tempfile
from typing import Any


def _limit(memory: int, seconds: int) -> None:
    try:
        import resource  # POSIX only
    except ImportError:  # not on this system: the parent's time limit still holds
        return
    for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, seconds)):
        try:
            _soft, hard = resource.getrlimit(which)
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (cap, hard))
        except (ValueError, OSError):
            pass


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _why(raw: bytes, suffix: str) -> tuple[str, str]:
    """Why python-calamine can't open the workbook: read by its name's suffix, it says more
    than 'Cannot detect file format' (an .ods file over its own cell limit, say)."""

    # only once main() has found python-calamine's folder (the child runs with -P)
    import python_calamine

    handle, name = tempfile.mkstemp(suffix=suffix if suffix.isascii() else "")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
        python_calamine.CalamineWorkbook.from_path(name).close()
    except MemoryError:
        raise
    except Exception as exc:
        return type(exc).__name__, str(exc)[:200]
    finally:
        os.unlink(name)
    return "", ""


def read(raw: bytes, wanted: str, most_cells: int, most_chars: int,
         suffix: str = "", most_text: int | None = None) -> tuple[Any, ...]:
    """The answer for one workbook (see the module's description)."""
    # only once main() has found python-calamine's folder (the child runs with -P)
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except MemoryError:
        raise
    except Exception as exc:
        kind, text = _why(raw, suffix) if suffix else ("", "")
        return ("unreadable", kind or type(exc).__name__, text or str(exc)[:200])
    names = list(book.sheet_names)
    if not names:
        return ("no-sheets",)
    chosen = next((n for n in names if _fold(n) == _fold(wanted)), names[0])
    try:
        sheet = book.get_sheet_by_name(chosen)
    except MemoryError:
        return ("memory", chosen)
    except Exception:
        return ("sheet", chosen)
    end = sheet.end
    if end is not None:
        rows, cols = end[0] + 1, end[1] + 1
        if rows * cols > most_cells:
            return ("extent", chosen, rows, cols)
    try:
        data = sheet.to_python(skip_empty_area=False)
        merged = list(sheet.merged_cell_ranges or [])
    except MemoryError:
        return ("memory", chosen)
    except Exception:
        return ("sheet", chosen)
    total = 0
    for r, row in enumerate(data):
        for c, value in enumerate(row):
            if type(value) is str:
                if len(value) > most_chars:
                    return ("long", chosen, r + 1, c + 1, len(value))
                total += len(value)
    if most_text is not None and total > most_text:
        return ("text", chosen, total)
    return ("ok", chosen, data, merged)


def main() -> int:
    """Read the workbook on standard input and write the answer on standard output."""
    memory, seconds, most_cells, most_chars = (int(a) for a in sys.argv[1:5])
    wanted = sys.argv[5]
    suffix = sys.argv[6] if len(sys.argv) > 6 else ""
    most_text = int(sys.argv[8]) if len(sys.argv) > 8 else None
    try:
        import python_calamine  # noqa: F401 - is it where this Python looks?
    except ImportError:  # installed where this Python doesn't look by itself: the parent's
        sys.path.append(sys.argv[7])
    _limit(memory, seconds)
    raw = sys.stdin.buffer.read()
    try:
        answer = read(raw, wanted, most_cells, most_chars, suffix, most_text)
    except MemoryError:
        answer = ("memory", None)
    del raw
    try:
        blob = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        blob = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(blob)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
