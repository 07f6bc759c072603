"""What a long render is doing, on stderr in Swedish: one line per report, with a bar in a batch.

Shown only on a terminal (rich is not even imported otherwise), only when the work has taken
about a second (a quick render prints nothing more than before), and never with ``--quiet``.
The display is rich's, drawn on stderr and removed when the work is done; messages written to
stderr meanwhile appear above it. The display writes its own escape sequences to the stream
beneath slutrapport._terminal's wrapper; the names it shows and the messages written meanwhile
have their control characters escaped.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import IO, Any

from slutrapport._terminal import EscapingStream, raw, shown

__all__ = ["STEPS", "Progress"]

STEPS = {
    "väntar": 0,
    "läser": 0,
    "kontrollerar": 1,
    "skriver": 2,
    "fyller i innehållsförteckningen": 3,
    "skriver PDF": 3,
    "klar": 4,
    "misslyckades": 4,
}
"""Each stage a report passes, and how far along the way (of 4) it is then."""

DELAY = 1.0
"""Seconds of work before anything is shown."""


class Progress:
    """The progress of reports named ``names``; ``stage(index, text)`` moves one along.

    Use it as a context manager. With ``enabled=False``, or when ``stream`` is not a terminal,
    it shows nothing and costs nothing.
    """

    def __init__(self, names: Sequence[str], *, enabled: bool = True,
                 stream: IO[str] | None = None, delay: float = DELAY) -> None:
        self._names = list(names)
        self._stages = ["väntar"] * len(self._names)
        self._delay = delay
        self._display: Any = None
        self._tasks: list[Any] = []
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._shown = False
        self._stderr: Any = None
        if not enabled:
            return
        target = stream if stream is not None else raw(sys.stderr)
        try:
            terminal = target.isatty()
        except (AttributeError, OSError, ValueError):
            terminal = False
        if not terminal:
            return  # rich is not even imported: its import is a tenth of a second
        # start-up: rich only when there is a terminal to show the progress on
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Display

        console = Console(file=target)
        if not console.is_terminal:
            return

        columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
        if len(self._names) > 1:
            columns.append(BarColumn(bar_width=20))
        columns += [TextColumn("{task.fields[stage]}"), TimeElapsedColumn()]
        self._display = Display(*columns, console=console, transient=True,
                                redirect_stdout=False, redirect_stderr=False)
        self._tasks = [self._display.add_task(escape(shown(name)), total=4, stage="väntar")
                       for name in self._names]

    def __enter__(self) -> Progress:
        if self._display is not None:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _show(self) -> None:
        with self._lock:
            if self._display is not None and not self._shown:
                self._shown = True
                self._display.start()
                # start-up: rich only when there is a terminal (imported with the display)
                from rich.file_proxy import FileProxy

                # messages meanwhile above the display (as rich's own redirect does), escaped
                self._stderr = sys.stderr
                sys.stderr = EscapingStream(FileProxy(self._display.console, raw(sys.stderr)))

    def stage(self, index: int, text: str) -> None:
        """Report ``index`` has come to stage ``text`` (one of :data:`STEPS`)."""
        self._stages[index] = text
        if self._display is None:
            return
        self._display.update(self._tasks[index], completed=STEPS.get(text, 0), stage=text)

    def stage_of(self, index: int) -> str:
        """The stage report ``index`` was last said to be at."""
        return self._stages[index]

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._shown:
                self._display.stop()
                if self._stderr is not None:

                    sys.stderr = self._stderr
                    self._stderr = None
            self._display = None
