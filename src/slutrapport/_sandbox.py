"""Budgets for running a Word template: time, the size of what it builds, and its arithmetic.

Jinja's sandbox keeps a template away from Python's insides, but not from running for ever
(nested loops) or building a gigabyte (``'a' * 10**9``, ``9 ** 99999999``). Here:

- the operators that can blow up — ``*``, ``**``, ``+``, ``%`` and ``//`` — are intercepted
  (which also stops Jinja from folding them while it compiles) and refused when their result
  would be larger than :data:`MAX_VALUE_CHARS` characters or :data:`MAX_INT_DIGITS` digits;
- string methods and filters that take a width or a count (``ljust``, ``center``, ``indent`` …)
  are refused past the same bound;
- what a template writes is counted as it is written and refused past ``chars``;
- the whole render has ``seconds`` (a timer in the main thread; a single C call can't be
  interrupted, which is why the operators are bounded first).

The limits can be set with ``SLUTRAPPORT_MALL_SEKUNDER`` and ``SLUTRAPPORT_MALL_TECKEN`` or per
call (:func:`slutrapport.rendering.render_bytes`).
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

from slutrapport.errors import TemplateError

__all__ = [
    "MAX_INT_DIGITS",
    "MAX_VALUE_CHARS",
    "TEMPLATE_CHARS",
    "TEMPLATE_SECONDS",
    "BudgetExceeded",
    "bounded_filters",
    "check_binop",
    "check_call",
    "limits",
    "time_limit",
]

MAX_VALUE_CHARS = 10_000_000
"""The longest text or list one operation in a template may make."""
MAX_INT_DIGITS = 1_000
"""The most digits a number computed in a template may have."""
TEMPLATE_SECONDS = 120.0
"""How long a template may run, in seconds (``SLUTRAPPORT_MALL_SEKUNDER``)."""
TEMPLATE_CHARS = 400_000_000
"""How many characters of XML a template may write (``SLUTRAPPORT_MALL_TECKEN``)."""


class BudgetExceeded(TemplateError):
    """The template ran past a budget: too long a time, too large a value or output."""


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


def _too_large(what: str) -> BudgetExceeded:
    return BudgetExceeded(f"mallen försöker bygga {what}; det är mer än en rapport kan behöva, "
                          "och mallen körs inte")


def _n(value: int) -> str:
    from slutrapport.formatting import format_integer

    return format_integer(value)


def _digits(n: int) -> int:
    return int(abs(n).bit_length() * 0.30103) + 1


def _size(value: Any) -> int | None:
    """The length of a text or sequence, None for anything else."""
    if isinstance(value, str | bytes | list | tuple):
        return len(value)
    return None


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be out of all proportion, before it is made."""
    numbers = (isinstance(left, int | float) and not isinstance(left, bool)
               and isinstance(right, int | float) and not isinstance(right, bool))
    if operator == "**" and numbers:
        base, exponent = abs(float(left)), float(right)
        if base > 1 and exponent > 0 and exponent * math.log10(base) > MAX_INT_DIGITS:
            raise _too_large(f"ett tal med över {_n(MAX_INT_DIGITS)} siffror")
        return
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int) and \
                _digits(left) + _digits(right) > MAX_INT_DIGITS:
            raise _too_large(f"ett tal med över {_n(MAX_INT_DIGITS)} siffror")
        for seq, count in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(count, int) and size * count > MAX_VALUE_CHARS:
                raise _too_large(f"en text eller lista på {_n(size * count)} tecken")
        return
    if operator == "+":
        a, b = _size(left), _size(right)
        if a is not None and b is not None and a + b > MAX_VALUE_CHARS:
            raise _too_large(f"en text eller lista på {_n(a + b)} tecken")
        return
    if operator == "%" and isinstance(left, str):
        widths = [int(w) for w in _WIDTH.findall(left)]
        if widths and max(widths) > MAX_VALUE_CHARS:
            raise _too_large(f"en text på {_n(max(widths))} tecken")


_WIDTH = __import__("re").compile(r"%[-+ #0]*(\d+)")
_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})


def check_call(obj: Any, args: tuple[Any, ...]) -> None:
    """Refuse a text method asked for a width or tab size out of all proportion."""
    name = getattr(obj, "__name__", "")
    if name in _WIDTH_METHODS and isinstance(getattr(obj, "__self__", None), str):
        for arg in args:
            if isinstance(arg, int) and arg > MAX_VALUE_CHARS // 8:
                raise _too_large(f"en text på {_n(arg)} tecken")


def bounded_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Jinja's filters that take a width, wrapped to refuse widths out of all proportion."""
    out: dict[str, Callable[..., Any]] = {}
    for name in ("center", "indent", "wordwrap", "truncate"):
        original = filters.get(name)
        if original is None:
            continue

        def bounded(*args: Any, __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            widths = [a for a in (*args[1:], *kwargs.values())
                      if isinstance(a, int) and not isinstance(a, bool)]
            if widths and max(widths) > MAX_VALUE_CHARS // 8:
                raise _too_large(f"en text på {_n(max(widths))} tecken")
            return __original(*args, **kwargs)

        for attr in ("jinja_pass_arg",):
            if hasattr(original, attr):
                setattr(bounded, attr, getattr(original, attr))
        out[name] = bounded
    return out


def counted(pieces: Iterator[str], chars: int) -> str:
    """Join what a template writes, refusing it once it passes ``chars`` characters."""
    out: list[str] = []
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > chars:
            raise BudgetExceeded(
                f"mallen skriver mer än {_n(chars)} tecken; den körs inte (gränsen ändras med "
                "SLUTRAPPORT_MALL_TECKEN)")
        out.append(piece)
    return "".join(out)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop a template that runs past ``seconds`` (in the main thread; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise BudgetExceeded(
            f"mallen har kört i mer än {_seconds(seconds)} sekunder och stoppades (gränsen "
            "ändras med SLUTRAPPORT_MALL_SEKUNDER)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _seconds(value: float) -> str:
    from slutrapport.formatting import format_decimal

    return format_decimal(value, max_decimals=1)
