"""Filling a Word template with a report: the only module that touches docxtpl and python-docx.

Templates run in a sandboxed Jinja environment with autoescape on and undefined variables as
errors. Output is checked to parse strictly, written atomically, and byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slutrapport import formatting
from slutrapport.checks import Finding, check, has_errors
from slutrapport.context import build_context, protect_braces
from slutrapport.errors import RefusedError, TemplateError, UnsafeTemplateError
from slutrapport.models import Slutrapport
from slutrapport.resources import default_template

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["FILTERS", "environment", "render", "render_bytes", "write_atomic"]

# The date every zip member carries, so the same input gives the same bytes.
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def _period(value: Any, end: Any = None) -> str:
    if isinstance(value, dict):
        return formatting.format_period(value["fran"], value["till"])
    return formatting.format_period(value, end)


def _enumerate(values: Iterable[Any]) -> str:
    """'Robertsfors, Vindeln och Vännäs' — a Swedish enumeration."""
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


FILTERS: dict[str, Callable[..., str]] = {
    **formatting.FILTERS,
    "period": _period,
    "lista": _enumerate,
}
"""The Jinja filters templates may use: ``tal``, ``kr``, ``decimal``, ``procent``, ``andel``,
``datum``, ``manad``, ``period``, ``tecken`` and ``lista``."""


def _finalize(value: Any) -> Any:
    """Print figures the Swedish way even without a filter; None prints nothing."""
    from markupsafe import Markup, escape

    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return formatting.format_integer(value)
    if isinstance(value, Decimal):
        return formatting.format_decimal(value, max_decimals=2)
    if hasattr(value, "__html__"):
        return value
    return Markup(protect_braces(str(escape(str(value)))))


def environment() -> SandboxedEnvironment:
    """The Jinja environment templates run in: sandboxed, autoescaping, strict about names."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    env.filters.update(FILTERS)
    return env


def render_bytes(
    report: Slutrapport,
    *,
    template: str | Path | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """Render a report into .docx bytes with a template (the default one if None)."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from lxml import etree

    class _Template(DocxTemplate):  # type: ignore[misc]
        def fix_tables(self, xml: str) -> Any:
            # docxtpl parses with recover=True, which drops broken content without a word;
            # parse strictly first so nothing is ever lost silently.
            try:
                etree.fromstring(xml.encode("utf-8"))
            except etree.XMLSyntaxError as exc:
                raise TemplateError(
                    f"mallen gav ogiltig XML ({exc}); inget skrevs") from exc
            return super().fix_tables(xml)

    path = Path(template) if template is not None else default_template()
    try:
        tpl = _Template(str(path))
        tpl.init_docx()
    except Exception as exc:  # docx/zip/lxml raise many kinds; all mean "not a Word file"
        raise TemplateError(f"{path}: mallen kan inte läsas som ett Word-dokument ({exc})") from exc
    context = build_context(report, link_id=tpl.build_url_id, extra=extra)
    try:
        tpl.render(context, jinja_env=environment(), autoescape=True)
    except SecurityError as exc:
        raise UnsafeTemplateError(
            f"{path}: mallen försöker nå Pythons inre delar och körs inte ({exc})") from exc
    except UndefinedError as exc:
        raise TemplateError(f"{path}: {_undefined(str(exc))}{_where(exc)}") from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{path}: felaktig malltagg: {exc.message}{_where(exc)}") from exc
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalize_docx(buffer.getvalue())


def _undefined(message: str) -> str:
    found = re.search(r"'([^']+)' is undefined", message)
    if found:
        return f"mallen använder variabeln '{found.group(1)}', som inte finns i datat"
    found = re.search(r"has no attribute '([^']+)'", message)
    if found:
        return f"mallen använder fältet '{found.group(1)}', som inte finns i datat ({message})"
    return f"mallen använder något som inte finns i datat ({message})"


def _where(exc: Exception) -> str:
    lines = [line.strip() for line in getattr(exc, "docx_context", []) if line.strip()]
    return f" — i närheten av: {' / '.join(lines)[:200]}" if lines else ""


def normalize_docx(data: bytes) -> bytes:
    """Rewrite a .docx with fixed timestamps and a stable member order, for identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            blob = source.read(name)
            if name == "docProps/core.xml":
                blob = _fixed_core_dates(blob)
            target.writestr(info, blob)
    return out.getvalue()


def _fixed_core_dates(blob: bytes) -> bytes:
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
        rb"\g<1>2000-01-01T00:00:00Z\g<2>",
        blob,
    )


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write bytes to a temporary file beside path and rename it into place.

    On any failure the earlier file at path is untouched and no temporary file is left behind.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def render(
    report: Slutrapport,
    output: str | Path | None = None,
    *,
    template: str | Path | None = None,
    strict: bool = False,
    findings: list[Finding] | None = None,
) -> bytes:
    """Check and render a report; write it to output (atomically) if given; return the bytes.

    With ``strict=True`` findings with errors raise :class:`~slutrapport.errors.RefusedError`
    and nothing is written.
    """
    if findings is None:
        findings = check(report)
    if strict and has_errors(findings):
        raise RefusedError(findings)
    data = render_bytes(report, template=template)
    if output is not None:
        write_atomic(output, data)
    return data


def today() -> date:
    """Today's date (a seam for tests)."""
    return date.today()
