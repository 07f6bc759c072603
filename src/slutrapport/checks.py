"""Checks of a report's totals and cross-references. Checks return findings, never raise.

A :class:`Finding` is a record, like a pydantic-core validation error: a stable ``code`` for
programs, a ``severity``, the ``path`` in the data and its YAML ``line``, a Swedish ``message`` with
Swedish figures, and the ``expected`` and ``actual`` values. The caller decides what is fatal.

The codes, each with its severity:

========================  ========  ================================================================
code                      severity  what
========================  ========  ================================================================
kostnader-summa           error     the cost categories do not sum to the outcome (or stated sum)
under-budget              error     budget − outcome differs from the stated amount under budget
finansiering-summa        error     financing does not sum to the outcome (warning if preliminary)
foretag-okning            error     a company's stated increase is not after − before
foretag-kolumnsumma       error     a column of the company table does not sum to its stated sum
foretag-total-okning      error     the stated total increase is not total after − total before
foretag-okning-procent    error     the stated increase in per cent differs from the computed one
foretag-antal             warning   the programme's stated number of companies ≠ rows in table
deltagare-summa           error     women + men ≠ all participants
deltagare-andel           error     a stated share of women or men differs from the computed one
deltagare-fler-an-totalt  error     more women than all participants
deltagarprogram-rad       error     a programme effort's women + men ≠ its total (or total < women)
deltagarprogram-kolumnsumma  error  a column of the programme table ≠ its stated sum
deltagarprogram-andel     error     a programme's stated share of women or men ≠ the computed one
deltagarprogram-kommun    warning   a programme effort in a municipality outside the project
tabell-kolumnsumma        error     a column of a table does not sum to its stated sum
kommun-saknas             warning   a municipality of the project has no story of its own
kommun-okand              warning   a story of a municipality the project doesn't list
finansiar-saknas          warning   a financier of the project has no financing row
finansiar-okand           warning   a financing row of a financier the project doesn't list
foretag-kommun            warning   a programme company in a municipality outside the project
period-utanfor            warning   a programme's period reaches outside the project's
rapportdatum              error     the report is dated before the project started
granska                   info      carried over from the last report and not yet reviewed
indikator-uppfyllt        info      an indicator met its target
indikator-ej-uppfyllt     info      an indicator did not meet its target
indikator-kalla           error     an indicator's outcome differs from the figure it names
indikator-register        info      an indicator's outcome names a register figure, but the report
                                    names no registers; it isn't compared
strategigrupper-platser   warning   seats in the strategy groups ≠ companies in the programme
tal-i-text                error     a figure in narrative differs from the data field it links to
tal-okand-sokvag          error     a figure link in narrative names a path that does not exist
tal-autoid                warning   a figure link names a section by an id made from the order
ref-okand                 error     a reference in narrative ([](ref:…)) names no captioned table
                                    or chart of the report (the nearest name is suggested)
text-ej-stodd             warning   narrative uses Markdown outside the supported subset
bild-fil                  error     a picture (in narrative, or a logo) is missing, unreadable, an
                                    address, outside the data file's folder, over 20 MB or 50
                                    megapixels, or not a PNG or JPEG
bild-attribut             error     a picture's attributes ({bredd=…} {#namn}) are wrong
bild-alt                  warning   a picture has no alternative text
bild                      info      a picture the report uses (file, kind, size in pixels)
tal-visas-inte            info      a stated figure the rendered report shows nowhere (shown.py)
nyckeltal-namn-saknas     warning   a key figure the default template can't name (its key's words
                                    with a or o are nowhere in the section's texts, or are spelt
                                    two ways) and the text doesn't link: it is left out
nyckeltal-namn-okant      warning   a name under nyckeltal_namn for a key figure the area lacks
avsnitt-visas-inte        warning   a section the template shows nothing of: no part for its kind,
                                    and its id is not named (shown.py)
diagram-urval             info      a chart has more bars than a page can show readably: it shows
                                    the largest (or those that grew most), the table shows all
ej-ifyllt                 info      a text left empty or as "…", an amount or count left at 0
register-antal            error     an activity area's count differs from the activity log's
register-deltagare        error     participants (women, men, all, shares) differ from the register
register-foretag          error     a company row or sum differs from the company register, or a
                                    company stands on one side only
register-deltagarprogram  error    a programme effort's figure differs from the participants
                                    register, or an effort stands on one side only
register-indikator        error     an indicator's outcome differs from the register figure it names
register-kostnad          error     a cost category, the cost sum or the outcome ≠ the ledger
register-finansiering     error     a financier's amount or the financing sum ≠ the register
register-installning      error     the register block names an area, municipality or section the
                                    report lacks
register-kolumn           error     a register lacks a column (the nearest header is named)
register-rubrik           error     a register's header is merged or stands on two rows
register-okant            error     a row names an area, municipality, category or financier the
                                    report lacks (the nearest is named); the row isn't counted
register-varde            error     a count, amount or date can't be read, or a count is negative;
                                    the row isn't counted
register-formel           error     a formula cell whose value was never calculated
register-datum            warning   a row's date lies outside the project period (still counted)
register-dubblett         warning   a row is likely a duplicate of an earlier one (still counted)
register-tom-rad          warning   a blank row between a register's rows
register-oren             warning   amounts with öre in a register make a figure round (rows named)
register-oanvant          info      a register read that counts no figure of the report, and why
register-kodning          info      a .csv register isn't UTF-8 and was read as Windows-1252
register-rader            info      how many rows a register had and how many weren't counted
========================  ========  ================================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from slutrapport import narrative, pictures
from slutrapport._registercheck import register_findings
from slutrapport.context import resolve_path, resolving
from slutrapport.fields import Loc, date_bounds
from slutrapport.formatting import format_date, format_decimal, format_percent
from slutrapport.kinds import Raw, Severity
from slutrapport.models import Slutrapport, markdown_fields
from slutrapport.names import UNFILLED, nearest
from slutrapport.numbers import figure, parse_number, round_like
from slutrapport.paths import format_loc, narratives, split_path

if TYPE_CHECKING:
    from slutrapport.registers import Registers

__all__ = ["CHECKS", "Finding", "Severity", "check", "has_errors", "loc_of", "reference_names",
           "resolve_path"]

_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One thing the checks found: what, where and by how much."""

    code: str
    severity: Severity
    path: str
    message: str
    expected: Any = None
    actual: Any = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (numbers as int or str, never float)."""
        data = asdict(self)
        for key in ("expected", "actual"):
            value = data[key]
            if isinstance(value, Decimal):
                data[key] = int(value) if value == value.to_integral_value() else str(value)
        return data


Placed = tuple[str, Severity, Loc, str, Any, Any, int]
"""A finding with its own line, finer than its field's (a picture's line in a text)."""
Check = Callable[[Slutrapport], Iterator[Raw | Placed]]
CHECKS: list[Check] = []
"""Checks of the whole report (narrative, to-do list, review marks); each kind has its own too."""


def _check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


def check(report: Slutrapport, *, template: str | Path | None = None,
          registers: Registers | None = None,
          allow_outside_registers: bool = False) -> list[Finding]:
    """Run every check on a report; findings sorted errors first, then by place in the file.

    Whether every stated figure shows in the rendered report (``tal-visas-inte``) is judged
    against ``template``, the default template if None; a template that can't be read or
    filled raises :class:`~slutrapport.errors.TemplateError`.

    A report that names registers (``register:``) is compared with them (``register-*``): they
    are read relative to the report file, unless ``registers`` (from
    :func:`~slutrapport.registers.read_registers`) are given; a report built in code, not
    loaded from a file, is compared only with registers given. A register that can't be read at
    all raises :class:`~slutrapport.errors.InputError`. Nothing is read for a report that names
    none. A register outside the report file's folder is refused unless
    ``allow_outside_registers`` (the command line's ``--tillat-sokvag``).
    """
    # start-up: jinja2 and the template's parts only once a report is checked, not on import
    from slutrapport.shown import unshown

    findings = []
    given = _REGISTERS.set(registers)
    outside = _OUTSIDE.set(allow_outside_registers)
    try:
        every: list[Check] = [*CHECKS, lambda r: unshown(r, template)]
        with resolving():
            for fn in every:
                for raw in fn(report):
                    code, severity, loc, message, expected, actual = raw[:6]
                    line = raw[6] if len(raw) == 7 else report.line_of(loc)
                    findings.append(Finding(code, severity, format_loc(report.display_loc(loc)),
                                            message, expected, actual, line))
    finally:
        _REGISTERS.reset(given)
        _OUTSIDE.reset(outside)
    findings.sort(key=lambda f: (_ORDER[f.severity], f.line or 0, f.path, f.code))
    return findings


_REGISTERS: ContextVar[Registers | None] = ContextVar("_REGISTERS", default=None)
_OUTSIDE: ContextVar[bool] = ContextVar("_OUTSIDE", default=False)


@_check
def _registers(report: Slutrapport) -> Iterator[Raw]:
    """The stated figures against the registers the report names (read only if it names any)."""
    if report.register is None:
        return
    yield from register_findings(report, _REGISTERS.get(), allow_outside=_OUTSIDE.get())


def has_errors(findings: list[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(f.severity == "error" for f in findings)


@_check
def _report_date(report: Slutrapport) -> Iterator[Raw]:
    """A report can't be written before its project started."""
    p = report.projekt
    if p.rapportdatum is not None and \
            date_bounds(p.rapportdatum)[1] < date_bounds(p.period.fran)[0]:
        yield ("rapportdatum", "error", ("projekt", "rapportdatum"),
               f"Rapporten är daterad {format_date(p.rapportdatum)}, före projektets start "
               f"{format_date(p.period.fran)} (projekt.period.fran).",
               p.period.fran, p.rapportdatum)


@_check
def _sections(report: Slutrapport) -> Iterator[Raw]:
    """Each section's own checks, placed under the section."""
    for i, section in enumerate(report.avsnitt):
        for code, severity, loc, message, expected, actual in section.findings(report):
            yield code, severity, ("avsnitt", i, *loc), message, expected, actual


def _shown_like(value: Decimal, shown: str) -> str:
    """A figure written as the text wrote its own: with the per cent sign if the text has one.

    >>> _shown_like(Decimal("49.7"), "49,8%")
    '49,7\xa0%'
    """
    if "%" in shown:
        return format_percent(value)
    return _n(value)


def _n(value: int | Decimal) -> str:
    return format_decimal(value, max_decimals=2)


# --- löptext -----------------------------------------------------------------------------------


@_check
def _figures_in_text(report: Slutrapport) -> Iterator[Raw]:
    for loc, owner, text, owner_loc in narratives(report):
        for construct in narrative.unsupported(text):
            deep = construct == narrative.DEEP_LIST
            shown = ("dess djupare punkter skrivs ut på nivå två" if deep
                     else "den skrivs ut som vanlig text")
            yield ("text-ej-stodd", "warning", loc,
                   f"Texten använder {construct}, som inte ingår i den Markdown som stöds; "
                   f"{shown}.", None, construct)
        for shown, path in narrative.figure_links(text):
            fragile = _numbered_id(report, path)
            if fragile is not None:
                yield ("tal-autoid", "warning", loc,
                       f"Talet '{shown}' i texten hänvisar till avsnittet '{fragile}', ett id som "
                       "räknas fram av avsnittens ordning; flyttas avsnitten pekar länken på ett "
                       f"annat. Ge avsnittet ett eget id (id: …).", path, fragile)
            value, found = resolve_path(report, path, owner, owner_loc)
            stated_figure = figure(value)
            if not found or stated_figure is None:
                what = ("inte finns i datat" if not found else
                        "inte är ifyllt" if value is None else "inte är något tal")
                yield ("tal-okand-sokvag", "error", loc,
                       f"Talet '{shown}' i texten hänvisar till '{path}', som {what}.", path, None)
                continue
            stated = parse_number(shown, leading=True)
            if stated is None:
                yield ("tal-i-text", "error", loc,
                       f"'{shown}' i texten är inget tal, men hänvisar till '{path}' "
                       f"({_n(stated_figure)}).", stated_figure, shown)
            elif round_like(stated_figure, stated) != stated:
                dotted = re.search(r"\d\.\d", shown) is not None  # 7.5, 2.400.000
                hint = (" Svensk text skriver decimalkomma och mellanslag mellan tusental "
                        "(7,5 och 2 400 000), inte punkt." if dotted else "")
                yield ("tal-i-text", "error", loc,
                       f"Texten säger {shown}, men {path} är "
                       f"{_shown_like(stated_figure, shown)}.{hint}", stated_figure, stated)


def _numbered_id(report: Slutrapport, path: str) -> str | None:
    """The id a path starts with, if the report made it up from the order (``aktiviteter_2``)."""
    parts = split_path(path)
    if not parts or not isinstance(parts[0], str):
        return None
    section = report.section(parts[0])
    if section is None or "id" in section.model_fields_set:
        return None
    same_kind = sum(1 for s in report.avsnitt if s.TYP == section.TYP)
    return section.name if same_kind > 1 else None


def reference_names(report: Slutrapport) -> list[str]:
    """The names narrative text can refer to, section by section: each section's captioned
    tables (``tabell.<id>.<namn>``) and charts (``diagram.<id>.<namn>``) that its data has;
    then the captioned pictures of the texts (``bild.<namn>``)."""
    names: list[str] = []
    for section in report.avsnitt:
        names += [section.reference("tabell", name) for name in section.tables()]
        names += [section.reference("diagram", name) for name in section.DIAGRAM
                  if name in section.chart_facts()]
    for _, _, text, _ in narratives(report):  # the captioned pictures of the texts
        names += [picture.name for picture in narrative.pictures(text) if picture.title]
    return names


@_check
def _references(report: Slutrapport) -> Iterator[Raw]:
    """Every reference in narrative text names a table or chart the report captions."""
    known: list[str] | None = None
    for loc, _, text, _ in narratives(report):
        for name in narrative.refs(text):
            if known is None:
                known = reference_names(report)
            if name in known:
                continue
            close = nearest(name, known)
            if close:
                hint = f"; menade du '{close}'?"
            elif known:
                hint = f"; namnen är {', '.join(known)}."
            else:
                hint = "; rapporten har inga tabeller, diagram eller bilder med bildtext."
            yield ("ref-okand", "error", loc,
                   f"Texten hänvisar till '{name}', som inte är någon tabell, något diagram "
                   f"eller någon bild med bildtext i rapporten{hint}", close, name)


@_check
def _pictures(report: Slutrapport) -> Iterator[Raw | Placed]:
    """Every picture of the texts and the title page: a file the report can use, with an
    alternative text; each one used is listed (info), so the author sees what goes in."""
    base = Path(report.source).parent if report.source else Path.cwd()
    for used in pictures.used_pictures(report, base, report.logos()):
        line = report.line_in_text(used.loc, used.ref.line) if used.ref is not None else None
        for raw in _picture_findings(used):
            yield raw if line is None else (*raw, line)


def _picture_findings(used: pictures.Used) -> Iterator[Raw]:
    """What there is to say about one picture (see :func:`_pictures`)."""
    if used.error is not None:
        yield ("bild-fil", "error", used.loc, f"Bilden kan inte användas: {used.error}.",
               None, used.src)
        return
    for problem in used.ref.problems if used.ref is not None else ():
        yield ("bild-attribut", "error", used.loc, f"Bilden {used.src}: {problem}.",
               None, used.src)
    if not used.alt.strip():
        yield ("bild-alt", "warning", used.loc,
               f"Bilden {used.src} saknar alternativtext, som en skärmläsare läser upp i "
               "stället för bilden: skriv den inom hakparentesen, ![Så här ser bilden "
               "ut](…).", None, used.src)
    if used.file is not None:
        yield ("bild", "info", used.loc, f"Bilden {pictures.describe(used.file)} används.",
               None, used.src)


# --- det som återstår att fylla i ----------------------------------------------------------------

PLACEHOLDER = UNFILLED
"""What ``slutrapport new`` leaves where a text must be written (:data:`names.UNFILLED`)."""


def _texts_to_fill(model: BaseModel, loc: Loc) -> Iterator[Loc]:
    """Texts set but left empty (or as the placeholder): narrative and headings alike."""
    texts = markdown_fields(type(model))
    for name in type(model).model_fields:
        value = getattr(model, name)
        md = name in texts
        if isinstance(value, str):
            # a text still to write may hold the pictures new --from carried over
            rest = narrative.without_pictures(value) if md else value
            explicit_empty = md and name in model.model_fields_set and not value.strip()
            if explicit_empty or rest.strip() == PLACEHOLDER:
                yield (*loc, name)
        elif isinstance(value, list):
            if not value and name in model.model_fields_set and md:
                yield (*loc, name)
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _texts_to_fill(item, (*loc, name, i))
                elif isinstance(item, str) and item.strip() == PLACEHOLDER:
                    yield (*loc, name, i)
        elif isinstance(value, BaseModel):
            yield from _texts_to_fill(value, (*loc, name))


@_check
def _unfilled(report: Slutrapport) -> Iterator[Raw]:
    for loc in _texts_to_fill(report, ()):
        yield ("ej-ifyllt", "info", loc, "Texten är inte ifylld.", None, None)
    for i, section in enumerate(report.avsnitt):
        for loc, message in section.unfilled():
            yield ("ej-ifyllt", "info", ("avsnitt", i, *loc), message, None, 0)


@_check
def _review_marks(report: Slutrapport) -> Iterator[Raw]:
    """What ``new --from`` carried over and marked for review, until it is changed."""
    for path, old in report.granska.items():
        value, found = resolve_path(report, path, None)
        if not found:
            yield ("granska", "warning", ("granska", path),
                   f"Granskningsmarkeringen '{path}' pekar på något som inte finns i datat; "
                   "ta bort raden.", path, None)
        elif _same(value, old):
            yield ("granska", "info", loc_of(report, path),
                   "Fördes över från förra rapporten: granska och ändra det, eller ta bort "
                   f"'{path}' under granska.", old, value)


def _same(value: Any, old: Any) -> bool:
    """Whether a value is still the one carried over (lists and texts compared as written)."""
    if isinstance(value, BaseModel):
        return False
    return bool(value == old)


def loc_of(report: Slutrapport, path: str) -> Loc:
    """The data place of a path that names a section by id (for its YAML line)."""
    parts = split_path(path) or []
    if parts and isinstance(parts[0], str):
        for i, section in enumerate(report.avsnitt):
            if section.id == parts[0]:
                return ("avsnitt", i, *parts[1:])
    return tuple(parts)
