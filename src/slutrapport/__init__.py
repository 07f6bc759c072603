"""slutrapport: the final report ("slutrapport") of a Swedish regional business-development project.

Load a report's data, check its totals and cross-references, and render it into a Word document::

    import slutrapport

    report = slutrapport.load("rapport.yaml")
    for finding in slutrapport.check(report):
        print(finding.severity, finding.path, finding.message)
    slutrapport.render(report, "rapport.docx")

The package root exports a short list of names, each imported when it is first used (PEP 562):
``import slutrapport`` and ``slutrapport --help`` load neither the report model nor the checks,
and everything heavy (docxtpl, matplotlib) only when a report is rendered.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from slutrapport.errors import (
    InputError,
    RefusedError,
    SlutrapportError,
    TemplateError,
)

if TYPE_CHECKING:
    from pathlib import Path

    from slutrapport.checks import Finding, check
    from slutrapport.loader import from_data, load
    from slutrapport.models import Slutrapport, clean_text
    from slutrapport.resources import example_path
    from slutrapport.standard import default_template

_WHERE = {
    "Finding": "slutrapport.checks", "check": "slutrapport.checks",
    "from_data": "slutrapport.loader", "load": "slutrapport.loader",
    "Slutrapport": "slutrapport.models", "clean_text": "slutrapport.models",
    "example_path": "slutrapport.resources", "default_template": "slutrapport.standard",
}
"""The module each exported name is read from, when it is first asked for."""


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'slutrapport' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)  # start-up: first use, not import
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})

__all__ = [
    "Finding",
    "InputError",
    "RefusedError",
    "Slutrapport",
    "SlutrapportError",
    "TemplateError",
    "check",
    "clean_text",
    "default_template",
    "example_path",
    "from_data",
    "load",
    "render",
]


def render(
    report: Slutrapport,
    output: str | Path | None = None,
    *,
    template: str | Path | None = None,
    strict: bool = False,
    **options: Any,
) -> bytes:
    """Check and render a report to .docx (or .pdf by the output's suffix); return the bytes.

    See :func:`slutrapport.rendering.render` for the options.
    """
    # start-up: jinja2 and the rendering only when a report is rendered, not on import
    from slutrapport.rendering import render as _render

    return _render(report, output, template=template, strict=strict, **options)
