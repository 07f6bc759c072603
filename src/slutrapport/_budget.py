"""The time and output budgets of a report's template work (the template's sizes: _sandbox).

- **Output.** What a render writes is counted across all of its runs (docxtpl renders the body,
  each header and footer, footnotes and the document's properties as runs of their own), and
  so is what it captures on the way — ``{% set %}…{% endset %}``, a macro's or a call block's
  text, ``{% filter %}`` — refused past ``chars`` (``SLUTRAPPORT_MALL_TECKEN``).

- **Time.** One budget of ``seconds`` (``SLUTRAPPORT_MALL_SEKUNDER``) for everything a template
  does for one report: the runs one render makes, and — within :func:`shared_budgets`, as the
  command line uses it — also the check of which figures the report shows, which renders the
  template again. It interrupts a loop whatever the loop does: a timer signal in the main
  thread, an asynchronous exception (``PyThreadState_SetAsyncExc``) from a watchdog elsewhere;
  the sandbox's hooks also look at the clock (:func:`check_time`). A single C call can't be
  interrupted, which is why sizes are bounded first (:mod:`slutrapport._sandbox`).

Nothing here needs Jinja: the command line enters :func:`shared_budgets` for every command.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import math
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from slutrapport.errors import TemplateError
from slutrapport.formatting import format_decimal, format_integer

__all__ = ["MAX_BUILT_CHARS", "TEMPLATE_CHARS", "TEMPLATE_SECONDS", "BudgetExceeded",
           "bounded_concat", "charge_built", "check_time", "counted", "limits", "run",
           "shared_budgets"]

TEMPLATE_SECONDS = 120.0
"""How long a template may run for one report, in seconds (``SLUTRAPPORT_MALL_SEKUNDER``)."""
TEMPLATE_CHARS = 400_000_000
"""How many characters of XML a render may write (``SLUTRAPPORT_MALL_TECKEN``)."""
MAX_BUILT_CHARS = 100_000_000
"""The most characters (or items) the expressions of one render may build together."""


class BudgetExceeded(TemplateError):
    """The template ran past a budget: too long a time, too large a value or output."""


class _TimeUp(BaseException):
    """Raised into the rendering thread when its time is up; a BaseException, so that no
    ``except Exception`` on the way swallows it. :func:`run` turns it into BudgetExceeded."""


def limits() -> tuple[float, int]:
    """The time (seconds) and output (characters) budgets in force, from the environment."""
    seconds, chars = TEMPLATE_SECONDS, TEMPLATE_CHARS
    raw = os.environ.get("SLUTRAPPORT_MALL_SEKUNDER")
    if raw:
        try:
            seconds = float(raw.replace(",", "."))
        except ValueError:
            raise TemplateError(f"SLUTRAPPORT_MALL_SEKUNDER ska vara ett antal sekunder, inte "
                                f"'{raw}'") from None
        if not math.isfinite(seconds) or seconds <= 0:
            raise TemplateError(f"SLUTRAPPORT_MALL_SEKUNDER ska vara större än 0, inte '{raw}'")
    raw = os.environ.get("SLUTRAPPORT_MALL_TECKEN")
    if raw:
        if not raw.isdigit() or int(raw) <= 0:
            raise TemplateError(f"SLUTRAPPORT_MALL_TECKEN ska vara ett positivt heltal, inte "
                                f"'{raw}'")
        chars = int(raw)
    return seconds, chars


class _Allowance:
    """The characters (or items) a render may still write, or its expressions still build."""

    def __init__(self, chars: int, refused: str) -> None:
        self.chars = chars
        self.left = chars
        self.refused = refused  # the message past it, with {n} for the limit

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise BudgetExceeded(self.refused.format(n=format_integer(self.chars)))


def _output(chars: int) -> _Allowance:
    """What a render may write (and capture)."""
    return _Allowance(chars, "mallen skriver mer än {n} tecken; den körs inte (gränsen ändras "
                             "med SLUTRAPPORT_MALL_TECKEN)")


def _built(chars: int) -> _Allowance:
    """What a render's expressions may build together."""
    return _Allowance(chars, "mallen försöker bygga texter och listor på sammanlagt mer än {n} "
                             "tecken; det är mer än en rapport kan behöva, och mallen körs inte")


class _Budget:
    """The time of one report's template work: what is spent, and the deadline of a run."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0
        self.deadline = math.inf

    def expired(self) -> BudgetExceeded:
        return BudgetExceeded(
            f"mallen har kört i mer än {_seconds(self.seconds)} sekunder och stoppades (gränsen "
            "ändras med SLUTRAPPORT_MALL_SEKUNDER)")


_ACTIVE: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "slutrapport_mall_tid", default=None)
_OUTPUT: contextvars.ContextVar[_Allowance | None] = contextvars.ContextVar(
    "slutrapport_mall_tecken", default=None)
_BUILT: contextvars.ContextVar[_Allowance | None] = contextvars.ContextVar(
    "slutrapport_mall_byggt", default=None)
_SCOPE: contextvars.ContextVar[dict[tuple[int, str], tuple[_Budget, Any]] | None] = \
    contextvars.ContextVar("slutrapport_mall_budgetar", default=None)


def check_time() -> None:
    """Stop the template if the time of the run in progress is up."""
    budget = _ACTIVE.get()
    if budget is not None and time.monotonic() > budget.deadline:
        raise _TimeUp


def charge_built(size: int) -> None:
    """Charge ``size`` characters (or items) an expression built to the render in progress
    (:data:`MAX_BUILT_CHARS`); outside :func:`run` nothing is counted."""
    built = _BUILT.get()
    if built is not None:
        built.take(size)


def counted(pieces: Iterator[str], chars: int | None = None) -> str:
    """Join what a template writes, refusing it once the render's output budget is spent
    (outside :func:`run`: ``chars``, or the budget in force, for this run alone)."""
    budget = _OUTPUT.get()
    if budget is None:
        budget = _output(chars if chars is not None else limits()[1])
    out: list[str] = []
    for piece in pieces:
        budget.take(len(piece))
        out.append(piece)
    check_time()
    return "".join(out)


def bounded_concat(pieces: Iterable[str]) -> str:
    """The environment's ``concat``, which every capture uses (``{% set %}`` blocks, macros,
    call and filter blocks): what it joins is charged to the render's output budget."""
    out: list[str] = []
    budget = _OUTPUT.get()
    for piece in pieces:
        if budget is not None:
            budget.take(len(piece))
        out.append(piece)
    return "".join(out)


@contextlib.contextmanager
def shared_budgets() -> Iterator[None]:
    """Meanwhile, the template work for a report (by the report object and the template's
    path) shares one time budget however many runs it takes: rendering it and checking it."""
    token = _SCOPE.set({})
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _key(owner: Any, template: Any) -> tuple[int, str]:
    return id(owner), os.path.realpath(os.fspath(template)) if template is not None else ""


@contextlib.contextmanager
def run(owner: Any = None, template: Any = None) -> Iterator[None]:
    """One render of a template (all its runs): a fresh count of its output and of what its
    expressions build (:data:`MAX_BUILT_CHARS`), and the report's time.

    The time is that of a run in progress (a run within a run shares it), or of the report
    ``owner`` and ``template`` within :func:`shared_budgets`, or else its own. Past it, the run
    is interrupted (see the module's description) and :class:`BudgetExceeded` raised.
    """
    seconds, chars = limits()
    output = _OUTPUT.set(_output(chars))
    built = _BUILT.set(_built(MAX_BUILT_CHARS))
    try:
        active = _ACTIVE.get()
        if active is not None:
            with _converted(active):
                yield
            return
        scope = _SCOPE.get()
        budget: _Budget | None = None
        if scope is not None and owner is not None:
            key = _key(owner, template)
            if key in scope:
                budget = scope[key][0]
            else:
                budget = _Budget(seconds)
                scope[key] = (budget, owner)  # the owner kept alive: its id stays its own
        if budget is None:
            budget = _Budget(seconds)
        left = budget.seconds - budget.spent
        if left <= 0:
            raise budget.expired()
        started = time.monotonic()
        budget.deadline = started + left
        token = _ACTIVE.set(budget)
        try:
            with _converted(budget), _interrupt_after(left):
                yield
        finally:
            _ACTIVE.reset(token)
            budget.spent += time.monotonic() - started
            budget.deadline = math.inf
    except BudgetExceeded as exc:
        # the template's frames emptied and collected: they hold what it built, which the
        # command line's next step (the findings, after a failed render) would otherwise find
        # still in memory (the traceback stays, for --debug)
        _forget_frames(exc)
        raise
    finally:
        _BUILT.reset(built)
        _OUTPUT.reset(output)


def _forget_frames(exc: BaseException) -> None:
    """Empty the frames an exception's traceback holds, and the frames that called them, as
    far as they have ended (Jinja's rewritten frames keep the template's variables in a dict of
    their own; the template's real frames are reached only as callers), along its chain; then
    collect what they held."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        tb = cause.__traceback__
        while tb is not None:
            frame: Any = tb.tb_frame
            while frame is not None and id(frame) not in seen:
                seen.add(id(frame))
                caller = frame.f_back
                try:
                    frame.clear()
                except RuntimeError:  # still running: the caller's own frames
                    break
                frame.f_locals.clear()
                frame = caller
            tb = tb.tb_next
        cause = cause.__context__
    gc.collect()


@contextlib.contextmanager
def _converted(budget: _Budget) -> Iterator[None]:
    try:
        yield
    except _TimeUp:
        raise budget.expired() from None


@contextlib.contextmanager
def _interrupt_after(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimeUp` in this thread after ``seconds``, whatever it is running then."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def expired(signum: int, frame: Any) -> None:
            raise _TimeUp

        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    watchdog = _Watchdog(threading.get_ident(), seconds)
    try:
        yield
    finally:
        watchdog.disarm()


class _Watchdog:
    """Outside the main thread: raise :class:`_TimeUp` in a thread after ``seconds`` through
    CPython's asynchronous exceptions; disarmed, it raises nothing and leaves nothing pending.
    (Where that is not available the sandbox's hooks still look at the clock.)"""

    def __init__(self, thread: int, seconds: float) -> None:
        self._thread = thread
        self._lock = threading.Lock()
        self._armed = True
        self._fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _raise(self, exception: type[BaseException] | None) -> None:
        try:
            # CPython's own: another Python has no pythonapi (caught below)
            import ctypes

            set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
        except (ImportError, AttributeError):  # not CPython
            return
        set_async(ctypes.c_ulong(self._thread),
                  ctypes.py_object(exception) if exception is not None else None)

    def _fire(self) -> None:
        with self._lock:
            if self._armed:
                self._fired = True
                self._raise(_TimeUp)

    def disarm(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._armed = False
            if self._fired:
                self._raise(None)  # not delivered yet: taken back


def _seconds(value: float) -> str:
    return format_decimal(value, max_decimals=1)
