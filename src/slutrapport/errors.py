"""The exceptions slutrapport raises. Each keeps the data it complains about.

::

    SlutrapportError                  base; the CLI catches only this
    ├── InputError                    the data can't be used (exit 2); .problems lists each
    ├── TemplateError                 the Word template can't be used (exit 2)
    │   └── UnsafeTemplateError       the template reaches for Python internals
    ├── RefusedError                  --strict: errors or unfilled content stop the render (exit 1)
    ├── ConversionError               LibreOffice missing, timed out or failed (exit 2)
    │   └── OfficeStartError          LibreOffice ended, or never answered, as it started
    ├── OutputError                   the output can't be written (no such folder, no room …)
    ├── NotInstalledError             an optional part the task needs is missing (exit 2)
    └── BatchError                    some reports of several failed; the others were written
                                      (exit 1 when every one was a --strict refusal)

Findings (sums that disagree, figures that differ) are *not* exceptions: checks return them and
the caller decides what is fatal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slutrapport.checks import Finding

__all__ = [
    "BatchError",
    "ConversionError",
    "InputError",
    "NotInstalledError",
    "OfficeStartError",
    "OutputError",
    "Problem",
    "RefusedError",
    "SlutrapportError",
    "TemplateError",
    "UnsafeTemplateError",
]


class SlutrapportError(Exception):
    """Base of every error slutrapport raises on purpose; its message is Swedish and complete."""

    exit_code = 2
    label = "Fel"
    """How the command line introduces the message (Swedish, never the class name)."""


@dataclass(frozen=True)
class Problem:
    """One reason the input can't be used: where (file, line, field) and what."""

    message: str
    path: str = ""
    line: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        place = self.file or ""
        if self.line is not None:
            place = f"{place}:{self.line}" if place else f"rad {self.line}"
        parts = [p for p in (place, self.path) if p]
        return ": ".join([*parts, self.message])


class InputError(SlutrapportError):
    """The data can't be used: a missing file, bad YAML, wrong types, unknown keys …"""

    label = "Fel i indata"

    validation_error: Any = None
    """The pydantic error behind the problems, when there is one (for placing it in a file)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TemplateError(SlutrapportError):
    """The Word template can't be used (unreadable, bad tags, unknown variables)."""

    label = "Fel i mallen"


class UnsafeTemplateError(TemplateError):
    """The template tries to reach Python internals; it is refused, not run."""

    label = "Osäker mall"


class RefusedError(SlutrapportError):
    """``strict=True``: the checks found errors or content left to fill in; nothing was written."""

    label = "Stoppad"

    exit_code = 1

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        errors = sum(1 for f in self.findings if f.severity == "error")
        unfilled = sum(1 for f in self.findings if f.code == "ej-ifyllt")
        found = [f"{errors} fel"] if errors else []
        if unfilled:
            found.append(f"{unfilled} {'sak' if unfilled == 1 else 'saker'} att fylla i")
        super().__init__(
            f"rapporten skrevs inte: kontrollerna hittade {' och '.join(found)} (--strict)."
        )


class ConversionError(SlutrapportError):
    """Converting to PDF failed: LibreOffice is missing, timed out or refused the file."""

    label = "Fel i LibreOffice"


class OfficeStartError(ConversionError):
    """LibreOffice is there but ended (or never answered) as it started: a PDF can't be made,
    while a .docx is still written, with its contents left for Word to fill."""

    label = "LibreOffice startar inte"


class OutputError(SlutrapportError):
    """The output file can't be written: its folder is missing, read-only or full."""

    label = "Kan inte skriva"


class NotInstalledError(SlutrapportError):
    """What the task needs is not installed (matplotlib for charts as pictures); the message
    names the command that installs it."""

    label = "Inte installerat"


class BatchError(SlutrapportError):
    """Some reports of several could not be written (the others were); ``failures`` pairs each
    one's name with its error."""

    label = "Några rapporter skrevs inte"

    def __init__(self, failures: Sequence[tuple[str, SlutrapportError]], total: int) -> None:
        self.failures = list(failures)
        if len(self.failures) == total:
            self.label = "Ingen rapport skrevs" if total > 1 else "Rapporten skrevs inte"
        # only --strict refusals: exit 1, as for one report; anything unusable: exit 2
        self.exit_code = 1 if all(isinstance(e, RefusedError) for _, e in self.failures) else 2
        lines = [f"{len(self.failures)} av {total} rapporter kunde inte skrivas:"]
        lines += [f"  {name}: {error}" for name, error in self.failures]
        super().__init__("\n".join(lines))


_PYTHON_ERRORS = {
    "ZeroDivisionError": "delning med noll",
    "TypeError": "ett värde av fel slag för uttrycket",
    "ValueError": "ett ogiltigt värde",
    "KeyError": "en nyckel som inte finns",
    "IndexError": "ett index utanför listan",
    "AttributeError": "ett fält som inte finns",
    "OverflowError": "ett tal som blev för stort",
    "RecursionError": "ett uttryck som anropar sig självt för djupt",
    "MemoryError": "slut på minne",
    "UnicodeError": "ett tecken som inte kan skrivas",
}


def describe(exc: BaseException) -> str:
    """What went wrong in a template expression, in Swedish words (never a Python class name).

    >>> describe(ZeroDivisionError("division by zero"))
    'delning med noll'
    >>> describe(KeyError("x"))
    "en nyckel som inte finns ('x')"
    """
    text = str(exc)
    if isinstance(exc, OverflowError) and "Range too big" in text:
        return "en range() med fler än 100\u00a0000 steg, mer än sandlådan tillåter"
    if isinstance(exc, TypeError) and "not callable" in text:
        return "ett värde som inte går att anropa som en funktion"
    for cls in type(exc).__mro__:
        words = _PYTHON_ERRORS.get(cls.__name__)
        if words is not None:
            break
    else:
        words = "ett oväntat fel"
    if isinstance(exc, KeyError | IndexError) and exc.args:
        words += f" ({exc.args[0]!r})"
    return words
