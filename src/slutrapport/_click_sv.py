"""click's own words in Swedish: 'Användning:', 'Flaggor', 'Visa den här hjälpen och avsluta.'

click marks its texts for gettext but ships no Swedish catalogue. Rather than change the whole
process's gettext domain (other click programs may share it when slutrapport is used as a
library), the ``slutrapport`` command gives click's modules a translating ``_`` and
``ngettext`` while it runs (:func:`install`). A text not listed here stays as click wrote it.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

__all__ = ["METAVARS", "SWEDISH", "install", "swedish_metavars", "translate"]

SWEDISH: dict[str, str] = {
    "Usage:": "Användning:",
    "Options": "Flaggor",
    "Commands": "Kommandon",
    "Positional arguments": "Argument",
    "Show this message and exit.": "Visa den här hjälpen och avsluta.",
    "Show the version and exit.": "Visa versionen och avsluta.",
    "Error: {message}": "Fel: {message}",
    "Try '{command} {option}' for help.": "Skriv '{command} {option}' för hjälp.",
    "Missing argument": "Argument saknas",
    "Missing option": "Flagga saknas",
    "Missing parameter": "Värde saknas",
    "Missing parameter: {param_name}": "Värde saknas: {param_name}",
    "Missing {param_type}": "{param_type} saknas",
    "Missing command.": "Kommando saknas.",
    "No such command {name!r}.": "Kommandot {name!r} finns inte.",
    "No such option {name!r}.": "Flaggan {name!r} finns inte.",
    "Option {name!r} does not take a value.": "Flaggan {name!r} tar inget värde.",
    "Option {name!r} requires an argument.": "Flaggan {name!r} behöver ett värde.",
    "Option {name!r} requires {nargs} arguments.": "Flaggan {name!r} behöver {nargs} värden.",
    "Invalid value for {param_hint}: {message}": "Ogiltigt värde för {param_hint}: {message}",
    "Invalid value: {message}": "Ogiltigt värde: {message}",
    "{value!r} is not {choice}.": "{value!r} är inte {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} är inte något av {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} är inte ett tal.",
    "{value} is not in the range {range}.": "{value} ligger utanför {range}.",
    "Got unexpected extra argument ({args})": "Oväntat extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Oväntade extra argument ({args})",
    "Did you mean {possibility}?": "Menade du {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Menade du något av: {possibilities}?)",
    "Aborted!": "Avbrutet!",
    "default: {default}": "standard: {default}",
    "required": "krävs",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "file": "fil",
    "directory": "mapp",
    "path": "sökväg",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finns inte.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} är en mapp.",
    "{name} {filename!r} is a file.": "{name} {filename!r} är en fil.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} kan inte läsas.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} kan inte skrivas.",
    "Could not open file {filename!r}: {message}": "Filen {filename!r} kan inte öppnas: {message}",
}
"""click's message ids and their Swedish."""

_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
            "click.parser", "click.types", "click.termui", "click.utils")


def translate(message: str) -> str:
    """click's text in Swedish, if listed.

    >>> translate("Usage:")
    'Användning:'
    """
    return SWEDISH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


METAVARS = {"PATH": "FIL", "FLOAT": "TAL", "INTEGER": "HELTAL", "TEXT": "TEXT"}
"""Swedish placeholders for click's type names in usage and help (``-o FIL``)."""


def swedish_metavars(params: list[Any]) -> None:
    """Give options without a placeholder of their own a Swedish one, from their type."""

    for param in params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            name = getattr(param.type, "name", "").upper()
            if name in METAVARS:
                param.metavar = METAVARS[name]


def install() -> None:
    """Give click's modules the Swedish ``_`` and ``ngettext`` (idempotent)."""
    for name in _MODULES:
        try:
            module: Any = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
