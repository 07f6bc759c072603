"""Nothing raw to the terminal: control characters in what the command line writes are escaped.

Text from the user's data — a register's cells, the YAML, a template's paragraphs — reaches the
messages the command line prints. A control character in it would act on the terminal:
``ESC]0;…BEL`` retitles the window, ``ESC[2J`` clears it, ``ESC]52;…`` writes the clipboard.
While the command line runs, its standard output and error are wrapped (:func:`escaped`) so that
every such character is written as an escape instead: ``\\x1b``, ``\\x07``, ``\\r`` for the
C0 controls (U+0000–U+001F, except the line feed and the tab, which keep their meaning), and
``\\u007f``, ``\\u009b``, ``\\u202e`` for DEL, the C1 controls (U+007F–U+009F) and the
bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: a right-to-left
override turns the rest of a line around, so a message could show something else than it says).
The latter are written as JSON writes them, so JSON output (in which ``json.dumps`` escapes C0
but leaves the others as they are) passes the wrapper unchanged in what it means: it parses to
the same values.

One place does it for every message — findings, errors, fill's lines, warnings, ``--debug``'s
traceback — however it is written (``click.echo``, ``print``, ``warnings``). The progress
display draws its own escape sequences, so it writes to the stream beneath (:func:`raw`) and
escapes the names it shows itself.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["EscapingStream", "escaped", "raw", "shown"]

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      "\u2066-\u2069]")
"""The control characters escaped: C0 but the line feed and tab, DEL, C1, and the
bidirectional controls (Unicode's Bidi_Control: marks, embeddings, overrides, isolates)."""

_NAMED = {"\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def shown(text: str) -> str:
    r"""Text as it may be written to a terminal: control characters escaped.

    >>> shown("a\x1b]0;titel\x07b\tc\nd\r\x9b2J\x7f\u202eexe.txt")
    'a\\x1b]0;titel\\x07b\tc\nd\\r\\u009b2J\\u007f\\u202eexe.txt'
    """
    return _CONTROL.sub(_escape, text)


class EscapingStream(io.TextIOBase):
    """A text stream that writes to ``stream`` with control characters escaped (:func:`shown`).

    It answers ``isatty``, ``fileno``, ``encoding`` and ``errors`` as the stream beneath does,
    takes text only (so click writes text to it, never bytes past it), and closing it leaves
    the stream beneath open.
    """

    def __init__(self, stream: IO[str] | Any) -> None:
        super().__init__()
        self.raw_stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("EscapingStream takes text, not bytes")
        self.raw_stream.write(shown(text))
        return len(text)

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        self.raw_stream.flush()

    def isatty(self) -> bool:
        return bool(self.raw_stream.isatty())

    def fileno(self) -> int:
        return self.raw_stream.fileno()

    @property
    def encoding(self) -> Any:  # type: ignore[override]
        return getattr(self.raw_stream, "encoding", "utf-8")

    @property
    def errors(self) -> Any:  # type: ignore[override]
        return getattr(self.raw_stream, "errors", "strict")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.raw_stream.flush()
        super().close()


def raw(stream: Any) -> Any:
    """The stream beneath an :class:`EscapingStream` (any other stream as it is)."""
    while isinstance(stream, EscapingStream):
        stream = stream.raw_stream
    return stream


@contextlib.contextmanager
def escaped() -> Iterator[None]:
    """Escape control characters in all that is written to stdout and stderr meanwhile."""
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None and not isinstance(sys.stdout, EscapingStream):
        sys.stdout = EscapingStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, EscapingStream):
        sys.stderr = EscapingStream(sys.stderr)
    try:
        yield
    finally:
        for wrapper in (sys.stdout, sys.stderr):
            if isinstance(wrapper, EscapingStream) and wrapper not in saved:
                with contextlib.suppress(Exception):
                    wrapper.flush()
        sys.stdout, sys.stderr = saved
