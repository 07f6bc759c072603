"""slutrapport: the final report ("slutrapport") of a Swedish regional business-development project.

Load a report's data, check its totals and cross-references, and render it into a Word document::

    import slutrapport

    report = slutrapport.load("rapport.yaml")
    for finding in slutrapport.check(report):
        print(finding.severity, finding.path, finding.message)
    slutrapport.render(report, "rapport.docx")

The package root exports a short list of names; everything heavy (docxtpl, matplotlib) is imported
only when a report is rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slutrapport.checks import Finding, check
from slutrapport.errors import (
    InputError,
    RefusedError,
    SlutrapportError,
    TemplateError,
)
from slutrapport.loader import from_data, load
from slutrapport.models import Slutrapport, clean_text
from slutrapport.resources import example_path
from slutrapport.standard import default_template

if TYPE_CHECKING:
    from pathlib import Path

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
