"""Watching files for saves (``render --watch``): the loop, without knowing what a save means.

:func:`watch` runs its ``work`` once, then again each time one of the files ``inputs`` names is
saved — seen by polling each file's modification time, size and inode every ``interval`` seconds
(no extra library, and an editor that saves by writing a new file and renaming it is seen too),
and *debounced*: the work waits until the files have stayed unchanged for ``settle`` seconds, so
an editor's several writes of one save (or a save of several files) give one run. A save during a
run gives another run after it. ``inputs`` is asked after each run (a report may name other
registers once edited). The loop ends only by an exception (Ctrl-C: KeyboardInterrupt).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["stamp", "watch"]

Stamp = tuple[int, int, int] | None


def stamp(path: Path) -> Stamp:
    """What tells that a file was saved: its modification time, size and inode (None if it is
    missing or can't be read)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _stamps(paths: list[Path]) -> dict[Path, Stamp]:
    return {p: stamp(p) for p in paths}


def watch(inputs: Callable[[], list[Path]], work: Callable[[], None], *,
          saved: Callable[[list[Path]], None] = lambda paths: None,
          interval: float = 0.05, settle: float = 0.1) -> None:
    """Run ``work`` now and after every save of a file ``inputs`` names (``saved`` hears which
    files changed first); see the module's docstring."""
    before = _stamps(inputs())
    work()
    known = {p: before[p] if p in before else stamp(p) for p in inputs()}
    while True:
        time.sleep(interval)
        now = _stamps(list(known))
        if now == known:
            continue
        while True:  # settled: unchanged for `settle` seconds
            time.sleep(settle)
            later = _stamps(list(known))
            if later == now:
                break
            now = later
        saved([p for p in known if now[p] != known[p]])
        work()
        # stamped before the work: a save while it ran is a change the next round sees; a file
        # the run named anew (a register added to the data) counts from after it
        known = {p: now[p] if p in now else stamp(p) for p in inputs()}
