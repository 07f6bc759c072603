"""The command line: a thin layer over the same API users import.

Exit codes: 0 fine (warnings allowed), 1 findings with errors (or a ``--strict`` refusal),
2 unusable input. Only :class:`~slutrapport.errors.SlutrapportError` is caught; ``--debug`` shows
its traceback too.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from slutrapport.errors import SlutrapportError

if TYPE_CHECKING:
    from slutrapport.checks import Finding

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
_LABEL = {"error": "FEL", "warning": "VARNING", "info": "INFO"}


def _debug_option(fn: F) -> F:
    return click.option("--debug", is_flag=True, help="Visa hela spårningen vid fel.")(fn)


def _fail(exc: SlutrapportError, debug: bool) -> None:
    if debug:
        traceback.print_exception(exc)
    click.echo(f"{type(exc).__name__}: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="slutrapport", message="%(prog)s %(version)s")
def main() -> None:
    """Slutrapporter för regionala näringslivsprojekt: kontrollera datat och skriv rapporten.

    \b
    Kom igång:
      slutrapport check rapport.yaml
      slutrapport render rapport.yaml -o rapport.docx
    """


def summary_line(findings: Sequence[Finding]) -> str:
    """'3 fel, 2 varningar, 3 upplysningar' — counts by severity, in Swedish."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    words = (
        f"{counts['error']} fel",
        f"{counts['warning']} {'varning' if counts['warning'] == 1 else 'varningar'}",
        f"{counts['info']} {'upplysning' if counts['info'] == 1 else 'upplysningar'}",
    )
    return ", ".join(words)


def format_findings(findings: Sequence[Finding], source: str) -> str:
    """The findings as a readable table, one block per finding."""
    lines = [f"{source}: {summary_line(findings)}"]
    if not findings:
        return lines[0] + "\n"
    width = max(len(f.path) for f in findings)
    for f in findings:
        line = f"rad {f.line}" if f.line is not None else "—"
        lines.append(f"  {_LABEL[f.severity]:<8}{line:<9}{f.path:<{width}}  [{f.code}]")
        lines.append(f"  {'':<17}{f.message}")
    return "\n".join(lines) + "\n"


@main.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Utdata som läsbar tabell eller som JSON.")
@_debug_option
def check_command(file: Path, fmt: str, debug: bool) -> None:
    """Kontrollera summor och hänvisningar i FILE (YAML) och lista det som inte stämmer."""
    from slutrapport.checks import check, has_errors
    from slutrapport.loader import load

    try:
        report = load(file)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    findings = check(report)
    if fmt == "json":
        payload = {"file": str(file), "findings": [f.as_dict() for f in findings]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(format_findings(findings, str(file)), nl=False)
    sys.exit(1 if has_errors(findings) else 0)


@main.command("render")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Rapportfilen som skrivs (.docx).")
@click.option("--template", "template", type=click.Path(path_type=Path), default=None,
              help="En egen Word-mall; standardmallen används annars.")
@click.option("--strict", is_flag=True,
              help="Skriv inget om kontrollerna hittar fel (slutkod 1).")
@click.option("--quiet", "-q", is_flag=True, help="Skriv inte ut fynd som inte är fel.")
@_debug_option
def render_command(file: Path, output: Path, template: Path | None, strict: bool, quiet: bool,
                   debug: bool) -> None:
    """Skriv rapporten i FILE (YAML) till en Word-fil, efter att ha kontrollerat den."""
    from slutrapport.checks import check
    from slutrapport.loader import load
    from slutrapport.rendering import render

    try:
        report = load(file)
        findings = check(report)
        shown = [f for f in findings if f.severity == "error"] if quiet else findings
        click.echo(format_findings(shown, str(file)), nl=False, err=True)
        render(report, output, template=template, strict=strict, findings=findings)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    click.echo(f"Skrev {output}")
