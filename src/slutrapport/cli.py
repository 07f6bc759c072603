"""The command line: a thin layer over the same API users import.

Exit codes: 0 fine (warnings allowed), 1 findings with errors (or a ``--strict`` refusal),
2 unusable input, 3 an internal error (a bug: one Swedish line, the traceback with
``--debug``). :class:`~slutrapport.errors.SlutrapportError` is reported in its own words;
``--debug`` shows its traceback too.
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from slutrapport import _watch, dispositioner
from slutrapport._budget import shared_budgets
from slutrapport._click_sv import install, swedish_metavars
from slutrapport._files import (
    BackupWarning,
    check_folder,
    os_error_text,
    same_file,
    write_atomic,
    write_file,
)
from slutrapport._safety import check_output
from slutrapport._terminal import escaped
from slutrapport.errors import (
    BatchError,
    InputError,
    OutputError,
    Problem,
    RefusedError,
    SlutrapportError,
)

if TYPE_CHECKING:
    from slutrapport.checks import Finding
    from slutrapport.fill import FillRefusedError
    from slutrapport.office import Started
    from slutrapport.wordimport import Mode

# The commands' own work (checks, fill, the Word import and the report model under them) is
# imported in each command, not here: 'slutrapport --help' and a mistyped option answer without
# loading it (start-up, issue 7: --help ≤ 0,5 s).

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
_LABEL = {"error": "FEL", "warning": "VARNING", "info": "INFO"}


def _debug_option(fn: F) -> F:
    return click.option("--debug", is_flag=True, help="Visa hela spårningen vid fel.")(fn)


def _outside_option(fn: F) -> F:
    return click.option(
        "--tillat-sokvag", "allow_outside", is_flag=True,
        help="Läs registren också utanför datafilens mapp (en sökväg med .., en absolut "
             "sökväg eller en länk ut ur mappen); bara för en datafil du litar på.")(fn)


def _fail(exc: SlutrapportError, debug: bool) -> None:
    if debug:
        traceback.print_exception(exc)
    click.echo(f"{exc.label}: {exc}", err=True)
    sys.exit(exc.exit_code)


class _Command(click.Command):
    """A command whose usage line names its parts in Swedish."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[FLAGGOR]")
        super().__init__(*args, **kwargs)

        swedish_metavars(self.params)


class _Group(click.Group):
    """The command group: an internal error exits 3 with one Swedish line, never 1."""

    command_class = _Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[FLAGGOR]")
        kwargs.setdefault("subcommand_metavar", "KOMMANDO [ARGUMENT]...")
        super().__init__(*args, **kwargs)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        install()  # click's own words ('Usage:', 'Options') in Swedish while we run

        # control characters from the data never reach the terminal raw; a report's template
        # work (its render and its check) has one time budget
        with escaped(), shared_budgets():
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # Ctrl-C is the user's choice, not 'errors found' (1): the shell's 130, in Swedish
            click.echo("\nAvbrutet.", err=True)
            sys.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                SystemExit):
            raise
        except BrokenPipeError:
            # the reader stopped reading (| head): nothing to say, and nothing more to write;
            # the exit a Unix tool that SIGPIPE ends has (128 + 13), neither 'errors found' nor
            # 'unusable input'
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, sys.stdout.fileno())
            sys.exit(141)
        except OSError as exc:  # the machine's answer (a full disk …), in Swedish, not a bug

            if "--debug" in sys.argv[1:]:
                traceback.print_exception(exc)
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Fel: {where}{os_error_text(exc)}", err=True)
            sys.exit(2)
        except Exception as exc:  # a bug of ours: say so plainly, the traceback only on request
            if "--debug" in sys.argv[1:]:
                traceback.print_exception(exc)
            click.echo("Internt fel i slutrapport; inget är skrivet. Kör samma kommando med "
                       "--debug för hela spårningen och rapportera den.", err=True)
            sys.exit(INTERNAL_ERROR)


INTERNAL_ERROR = 3
"""The exit code of an internal error (a bug), kept apart from 1 (errors found) and 2 (input)."""


# color=True: click leaves escape sequences to slutrapport._terminal, which shows them escaped
# (stripping them when not on a terminal would drop text from the data without a word)
@click.group("slutrapport", cls=_Group,
             context_settings={"help_option_names": ["-h", "--help"], "color": True})
@click.version_option(package_name="slutrapport", message="%(prog)s %(version)s",
                      help="Visa versionen och avsluta.")
def main() -> None:
    """Slutrapporter för regionala näringslivsprojekt: kontrollera datat och skriv rapporten.

    \b
    Kom igång:
      slutrapport check rapport.yaml
      slutrapport render rapport.yaml -o rapport.docx
    """


def error_as_dict(exc: SlutrapportError) -> dict[str, Any]:
    """An error as JSON-ready data, keyed like a finding: kind, exit code, message, problems."""

    data: dict[str, Any] = {"kind": _KIND.get(type(exc).__name__, "fel"),
                            "exit_code": exc.exit_code, "message": str(exc)}
    if isinstance(exc, InputError):
        data["problems"] = [{"file": p.file, "line": p.line, "path": p.path or None,
                             "message": p.message} for p in exc.problems]
    return data


_KIND = {"InputError": "indata", "TemplateError": "mall", "UnsafeTemplateError": "mall",
         "RefusedError": "stoppad", "ConversionError": "libreoffice", "OutputError": "utdata"}


def summary_line(findings: Sequence[Finding]) -> str:
    """'3 fel, 2 varningar, 3 upplysningar' — counts by severity, in Swedish."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    words = (
        f"{counts['error']} fel",
        f"{counts['warning']} {'varning' if counts['warning'] == 1 else 'varningar'}",
        f"{counts['info']} {'upplysning' if counts['info'] == 1 else 'upplysningar'}",
    )
    return ", ".join(words)


def format_findings(findings: Sequence[Finding], source: str, *, errors_only: bool = False) -> str:
    """The findings as a readable table, one block per finding (the summary counts them all)."""
    lines = [f"{source}: {summary_line(findings)}"]
    if errors_only:
        findings = [f for f in findings if f.severity == "error"]
        if not findings:
            return ""  # --quiet: nothing to say when nothing is wrong
    if not findings:
        return lines[0] + "\n"
    width = max(len(f.path) for f in findings)
    places = [f"rad {f.line}" if f.line is not None else "—" for f in findings]
    place_width = max(9, *(len(p) + 2 for p in places))  # 'rad 12345' and longer stay aligned
    for f, place in zip(findings, places, strict=True):
        lines.append(f"  {_LABEL[f.severity]:<8}{place:<{place_width}}{f.path:<{width}}  "
                     f"[{f.code}]")
        lines.append(f"  {'':<{8 + place_width}}{f.message}")
    return "\n".join(lines) + "\n"


@main.command("check")
@click.argument("file", type=click.Path(path_type=Path), metavar="FIL")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Utdata som läsbar tabell eller som JSON.")
@click.option("--template", "template", type=click.Path(path_type=Path), default=None,
              help="Den Word-mall rapporten ska skrivas med: tal i datat som den inte visar "
                   "listas. Standardmallen används annars.")
@_outside_option
@_debug_option
def check_command(file: Path, fmt: str, template: Path | None, allow_outside: bool,
                  debug: bool) -> None:
    """Kontrollera summor och hänvisningar i FIL (YAML) och lista det som inte stämmer.

    Listar också tal som står i datat men inte syns i rapporten (tal-visas-inte).
    """
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.checks import check, has_errors
    from slutrapport.loader import load

    try:
        report = load(file)
        findings = check(report, template=template, allow_outside_registers=allow_outside)
    except SlutrapportError as exc:
        if fmt == "json":  # a program reading the JSON gets JSON, on stdout, for this too
            click.echo(json.dumps({"file": str(file), "error": error_as_dict(exc)},
                                  ensure_ascii=False, indent=2))
            if debug:
                traceback.print_exception(exc)
            sys.exit(exc.exit_code)
        _fail(exc, debug)
        return
    if fmt == "json":
        payload = {"file": str(file), "findings": [f.as_dict() for f in findings]}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(format_findings(findings, str(file)), nl=False)
    sys.exit(1 if has_errors(findings) else 0)


def _seconds(ctx: click.Context, param: click.Parameter, value: str) -> float:
    """LibreOffice's time limit: seconds from 1 to 3 600 (not nan, inf, 0 or less)."""
    try:
        seconds = float(value.strip().replace(",", "."))
    except ValueError:
        seconds = math.nan
    if not 1 <= seconds <= 3600:  # nan compares false
        raise click.BadParameter(
            f"ange ett antal sekunder från 1 till 3\u00a0600 (fick {value})", ctx, param)
    return seconds


@contextlib.contextmanager
def _ended_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command as an exception does (exit 128 + the signal), so
    LibreOffice and every temporary file are removed on the way out; the old handlers return."""

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {s: signal.signal(s, stop) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@main.command("fill")
@click.argument("file", type=click.Path(path_type=Path), metavar="FIL")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              metavar="UT.yaml", help="Skriv resultatet hit i stället för att skriva om FIL.")
@click.option("--dry-run", is_flag=True, help="Visa bara vad som skulle ändras; skriv inget.")
@click.option("--force", is_flag=True,
              help="Skriv även om registren har fel (rader med fel räknas inte).")
@_outside_option
@_debug_option
def fill_command(file: Path, output: Path | None, dry_run: bool, force: bool,
                 allow_outside: bool, debug: bool) -> None:
    """Fyll i talen i FIL (YAML) från projektets register (under 'register:' i FIL).

    Skriver in antalen från aktivitetsloggen, deltagarna, företagstabellen, kostnaderna och
    finansieringen, och det som beror på dem: summor, andelar, ökningar, belopp under budget och
    texten i tallänkar. Kommentarer, ordning och allt annat i filen behålls. Varje ändrat tal
    skrivs ut (gammalt → nytt); det som inte kan fyllas i listas.

    Ett register utan rader ändrar inget. Ett område, kostnadsslag eller en finansiär som ett
    register saknar rader för får 0 bara om registrets datum når projektperiodens första och
    sista år; annars listas det.

    Har registren fel skrivs inget (slutkod 1) om inte --force anges. Utan -o skrivs FIL om och
    originalet sparas som FIL.bak (finns den redan FIL.1.bak, FIL.2.bak …); så också när -o är
    samma fil som FIL. En datafil som -o skriver över sparas på samma sätt.

    \b
    slutrapport fill rapport.yaml --dry-run    (visa bara)
    slutrapport fill rapport.yaml
    slutrapport fill rapport.yaml -o ny.yaml
    """
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.fill import FillRefusedError, changes_header, changes_text, fill_file, refusal

    refused: FillRefusedError | None = None
    try:
        result = fill_file(file, dry_run=dry_run, force=force, output=output,
                           allow_outside_registers=allow_outside)
    except FillRefusedError as exc:
        refused, result = exc, exc.result
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    problems = [p for p in result.problems if p.code != "register-rader"]
    if problems:
        click.echo(format_findings(problems, f"{file}: registren"), nl=False)
    for note in result.notes:
        click.echo(f"Obs: {note}")
    if not result.changes and not result.left and not result.notes:
        click.echo(f"{file}: talen stämmer redan med registren; inget att ändra.")
    elif not result.changes:
        click.echo(f"{file}: inga tal att ändra.")
    else:
        click.echo(f"{file}: {changes_header(result)}:")
    for line in changes_text(result):
        click.echo(line)
    if refused is not None:
        _fail(refused, debug)
    if result.written:
        assert result.target is not None
        click.echo(f"Skrev {result.target}.")
        _backup_line(file, result.target, result.backup)
        click.echo(f"Kontrollera med: slutrapport check {result.target}")
    elif dry_run and result.changes:
        click.echo("Inget skrevs (--dry-run).")
    if dry_run and result.errors and not force:
        click.echo(f"Stoppad: {refusal(result.errors, dry_run=True)}", err=True)
        sys.exit(1)


def _backup_line(source: Path | None, written: Path, backup: Path | None) -> None:
    """Say where the file written over was kept: the original (a rewrite of ``source``), or
    what stood in the file written."""

    if backup is None:
        return
    if source is not None and same_file(source, written):
        click.echo(f"Originalet finns kvar som {backup}.")
    else:
        click.echo(f"Det som stod i {written} förut finns kvar som {backup}.")


@main.command("render")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="FIL...")
@click.option("-o", "--output", "output_text", type=click.Path(), required=True,
              help="Filen som skrivs (.docx eller .pdf); med flera FIL, eller slutande på /, "
                   "en mapp.")
@click.option("--to", "fmt", type=click.Choice(["docx", "pdf"]), default=None,
              help="Format när -o är en mapp (standard docx); annars avgör filändelsen.")
@click.option("--template", "template", type=click.Path(path_type=Path), default=None,
              help="En egen Word-mall; standardmallen används annars.")
@click.option("--strict", is_flag=True,
              help="Skriv inget om kontrollerna hittar fel eller något som inte är ifyllt "
                   "(slutkod 1).")
@click.option("--no-contents", is_flag=True,
              help="Fyll inte i innehållsförteckningen med LibreOffice (Word fyller i den).")
@click.option("--no-charts", is_flag=True, help="Utan diagram.")
@click.option("--diagram", "diagram", type=click.Choice(["diagram", "bild"]), default="diagram",
              show_default=True,
              help="Diagrammen som Word-diagram med data att redigera (diagram) eller som bilder "
                   "(bild).")
@click.option("--pdfa", is_flag=True,
              help="Skriv PDF/A-2b, för långtidsarkivering (alla typsnitt inbäddade); kräver PDF.")
@click.option("--timeout", type=str, default="180", callback=_seconds, metavar="SEKUNDER",
              show_default=True,
              help="Högsta tid för LibreOffice per rapport, i sekunder från 1 till 3\u00a0600.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="ANTAL",
              help="Så många LibreOffice arbetar samtidigt med flera FIL (standard: en per "
                   "kärna).")
@click.option("--quiet", "-q", is_flag=True,
              help="Visa bara fynd som är fel och inget förlopp (raderna 'Skrev …' på stdout "
                   "kommer ändå).")
@click.option("--watch", "-w", is_flag=True,
              help="Skriv rapporten igen varje gång datafilen, ett register eller mallen sparas "
                   "(LibreOffice hålls igång emellan); avsluta med Ctrl-C.")
@click.option("--sparbarhet", "trace_file", is_flag=True,
              help="Skriv också var varje tal kommer ifrån, som JSON bredvid dokumentet "
                   "(UT.sparbarhet.json; se docs/sparbarhet.md).")
@click.option("--bilaga-sparbarhet", "annex", is_flag=True,
              help="Lägg till bilagan 'Talens ursprung' sist i rapporten: varje tal, var det "
                   "står och dess källa.")
@_outside_option
@_debug_option
@_ended_by_signals()
def render_command(files: tuple[Path, ...], output_text: str, fmt: str | None,
                   template: Path | None,
                   strict: bool, no_contents: bool, no_charts: bool, diagram: str, pdfa: bool,
                   timeout: float, jobs: int | None, quiet: bool, watch: bool, trace_file: bool,
                   annex: bool,
                   allow_outside: bool, debug: bool) -> None:
    """Skriv rapporten i FIL (YAML) till Word eller PDF, efter att ha kontrollerat den.

    \b
    slutrapport render rapport.yaml -o rapport.docx
    slutrapport render rapport.yaml -o rapport.pdf
    slutrapport render rapport.yaml -o rapport.pdf --pdfa   (PDF/A-2b, för arkivering)
    slutrapport render a.yaml b.yaml -o utmapp/ --to pdf   (flera LibreOffice samtidigt)
    slutrapport render rapport.yaml -o rapport.pdf --watch  (igen vid varje sparning)

    Med flera FIL skrivs varje rapport som går; de som inte går listas sist (slutkod 2).
    --timeout gäller varje rapport för sig. På en terminal visas efter en sekund vad som görs.
    """
    output = Path(output_text)
    if watch and len(files) > 1:
        click.echo("Fel i indata: --watch bevakar en rapport i taget; ange en FIL.", err=True)
        sys.exit(2)
    if watch and (trace_file or annex):
        click.echo("Fel i indata: --watch skriver bara rapporten; skriv spårbarheten "
                   "(--sparbarhet, --bilaga-sparbarhet) med en vanlig render utan --watch.",
                   err=True)
        sys.exit(2)

    protect = [("datafilen", f) for f in files] + [("mallen", t) for t in [template] if t]
    folder = output_text.endswith(("/", os.sep))
    many = len(files) > 1 or folder or output.is_dir()
    stems = [f.stem for f in files]
    if len(set(stems)) != len(stems):
        twice = sorted({s for s in stems if stems.count(s) > 1})
        click.echo("Fel i indata: flera indatafiler skulle skrivas till samma utfil "
                   f"({', '.join(twice)}); byt namn på någon av dem.", err=True)
        sys.exit(2)
    if many:
        if output.exists() and not output.is_dir():
            _fail(OutputError(f"{output}: finns och är ingen mapp; med flera indatafiler ska -o "
                              "vara en mapp"), debug)
        if not output.exists() and not folder and output.suffix.lower() in {".docx", ".pdf"}:
            _fail(OutputError(f"{output}: med flera indatafiler ska -o vara en mapp, men namnet "
                              f"slutar på {output.suffix}; skriv en mapp (till exempel "
                              f"{output.with_suffix('')}/) och välj formatet med --to"), debug)
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:

            _fail(OutputError(f"{output}: mappen kan inte skapas ({os_error_text(exc)})"), debug)
        kind = fmt or ("pdf" if pdfa else "docx")
        outputs = [output / f"{f.stem}.{kind}" for f in files]
    else:
        suffix = output.suffix.lower()
        if suffix not in {".docx", ".pdf"} or (fmt is not None and suffix != f".{fmt}"):
            try:  # the data file or the template named as output: that is said first
                check_output(output, protect)
            except SlutrapportError as exc:
                _fail(exc, debug)
        if suffix not in {".docx", ".pdf"}:
            click.echo(f"Fel i indata: {output}: utfilen ska sluta på .docx eller .pdf "
                       "(en mapp anges med / på slutet)", err=True)
            sys.exit(2)
        if fmt is not None and suffix != f".{fmt}":
            click.echo(f"Fel i indata: {output}: filen slutar på {suffix} men --to {fmt} "
                       f"skulle skriva {'en PDF' if fmt == 'pdf' else 'ett Word-dokument'}; "
                       "ändra ändelsen eller utelämna --to", err=True)
            sys.exit(2)
        kind = "pdf" if suffix == ".pdf" else "docx"
        outputs = [output]
    if pdfa and kind != "pdf":
        click.echo("Fel i indata: --pdfa skriver PDF/A, en sorts PDF: ge utfilen ändelsen .pdf "
                   "(eller ange --to pdf)", err=True)
        sys.exit(2)
    if template is not None:
        # start-up: jinja2 and the rendering only when a report is rendered
        from slutrapport.rendering import check_template_file

        try:
            check_template_file(template)
        except SlutrapportError as exc:
            _fail(exc, debug)
            return
    try:  # at once: never the data file, the template, a device, a FIFO or a read-only file,
        for out in outputs:  # nor into a folder that can't take it
            check_output(out, protect)
            check_folder(out)
            if trace_file:
                check_output(_trace_path(out), protect)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    if watch:
        _render_watched(files[0], outputs[0], kind=kind, template=template, strict=strict,
                        contents=not no_contents, charts=not no_charts, diagram=diagram,
                        pdfa=pdfa, timeout=timeout, quiet=quiet, allow_outside=allow_outside,
                        debug=debug)
        return
    failed: dict[int, SlutrapportError] = {}  # a report of several that could not be written
    written: list[int] = []
    # LibreOffice first, when the outputs need it: its start (most of a second) then overlaps
    # reading, checking and filling the template instead of following them
    with _office_ahead(kind == "pdf" or not no_contents, len(files), jobs, timeout,
                       debug) as ahead:
        # start-up: the command's work only when it runs, not for --help
        # start-up: rich only when a render may show its progress
        from slutrapport._progress import Progress
        from slutrapport.checks import check
        from slutrapport.loader import load

        # start-up: jinja2 and the rendering only when a report is rendered
        from slutrapport.rendering import ContentsNotFilledWarning, render_many

        with Progress([str(f) for f in files], enabled=not quiet) as progress:
            try:
                loaded: list[int] = []
                reports = []
                for i, f in enumerate(files):
                    try:
                        progress.stage(i, "läser")
                        reports.append(load(f))
                        # what was read lives as long as this command: the collector need not
                        # walk it again (at 30 000 rows its full collections during rendering
                        # and the layout copy cost seconds, more than in proportion)
                        gc.freeze()
                        loaded.append(i)
                    except SlutrapportError as exc:
                        if not many:
                            raise
                        failed[i] = exc
                        progress.stage(i, "misslyckades")
                findings: list[list[Finding]] = []
                traces: dict[int, dict[str, Any]] = {}  # by file: the record of provenance
                read: dict[int, Any] = {}  # by file: its registers, read once for record and check
                if trace_file or annex:
                    # start-up: the provenance (and jinja2) only when it is asked for
                    from slutrapport.provenance import registers_of, trace, with_annex

                    for n, report in enumerate(reports):
                        progress.stage(loaded[n], "spårar talen")
                        read[loaded[n]] = registers_of(report, allow_outside=allow_outside)
                        traces[loaded[n]] = trace(report, template, registers=read[loaded[n]],
                                                  charts=not no_charts)
                        progress.stage(loaded[n], "väntar")
                    if annex:
                        reports = [with_annex(r, traces[loaded[n]]) for n, r in enumerate(reports)]

                def run_checks() -> None:
                    """Check each report and print its findings (once)."""
                    for n, report in enumerate(reports[len(findings):], start=len(findings)):
                        was = progress.stage_of(loaded[n])  # LibreOffice may be at work on it
                        progress.stage(loaded[n], "kontrollerar")
                        findings.append(check(report, template=template,
                                              registers=read.get(loaded[n]),
                                              allow_outside_registers=allow_outside))
                        if was not in ("väntar", "läser"):
                            progress.stage(loaded[n], was)
                        click.echo(format_findings(findings[-1], str(files[loaded[n]]),
                                                   errors_only=quiet), nl=False, err=True)

                if strict:  # --strict reads the findings before anything is written
                    run_checks()
                    if many:  # each report for itself: the refused ones are listed, not the batch
                        # start-up: jinja2 and the rendering only when a report is rendered
                        from slutrapport.rendering import STRICT_CODES

                        keep = [n for n, fs in enumerate(findings)
                                if not any(f.severity == "error" or f.code in STRICT_CODES
                                           for f in fs)]
                        for n, i in enumerate(loaded):
                            if n not in keep:
                                failed[i] = RefusedError(findings[n])
                                progress.stage(i, "misslyckades")
                        reports = [reports[n] for n in keep]
                        findings = [findings[n] for n in keep]
                        loaded = [loaded[n] for n in keep]
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ContentsNotFilledWarning)
                    warnings.simplefilter("always", BackupWarning)
                    try:
                        if reports:
                            # without --strict the checks run while LibreOffice works
                            render_many(
                                reports, [outputs[i] for i in loaded], template=template,
                                strict=strict, findings=findings if strict else None,
                                contents=not no_contents, charts=not no_charts, diagram=diagram,
                                timeout=timeout, formats=[kind] * len(reports), pdfa=pdfa,
                                jobs=jobs, names=[str(files[i]) for i in loaded],
                                progress=lambda n, stage: progress.stage(loaded[n], stage),
                                meanwhile=run_checks, keep=False, warm=ahead)
                        written = list(loaded)
                    except BatchError as exc:
                        names = {str(files[i]): i for i in loaded}
                        for name, error in exc.failures:
                            failed[names[name]] = error
                        written = [i for i in loaded if i not in failed]
                    except SlutrapportError:
                        run_checks()  # the findings too when the render failed before LibreOffice
                        raise
                    run_checks()
                for warning in caught:
                    click.echo(f"Obs: {warning.message}", err=True)
            except SlutrapportError as exc:
                _fail(exc, debug)
                return
    for i in sorted(written):
        click.echo(f"Skrev {outputs[i]}")
    if trace_file:
        # start-up: the provenance (and jinja2) only when it is asked for
        from slutrapport.provenance import to_json

        for i in sorted(written):
            try:
                write_atomic(_trace_path(outputs[i]), to_json(traces[i]).encode("utf-8"),
                             protect=protect)
            except SlutrapportError as exc:
                _fail(exc, debug)
            click.echo(f"Skrev {_trace_path(outputs[i])}")
    if failed:
        _fail(BatchError([(str(files[i]), failed[i]) for i in sorted(failed)], len(files)),
              debug)


@contextlib.contextmanager
def _office_ahead(wanted: bool, count: int, jobs: int | None, timeout: float,
                  debug: bool) -> Iterator[Started | None]:
    """LibreOffice started now for a render that will need it (``wanted``: a PDF, or contents
    to fill) — as many as the reports may use at once — and ended on the way out; None when it
    is not wanted or not installed (the render then says what that means). A setting it can't
    start with (``SLUTRAPPORT_LO_DOKUMENT``) ends the command as unusable input."""
    # start-up: the LibreOffice machinery only when a render needs it
    from slutrapport import office

    if not wanted or not office.available():
        yield None
        return
    try:
        ahead = office.Started(min(jobs or office.default_workers(), count), timeout=timeout)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    with ahead:
        yield ahead


def _render_watched(file: Path, output: Path, *, kind: str, template: Path | None, strict: bool,
                    contents: bool, charts: bool, diagram: str, pdfa: bool, timeout: float,
                    quiet: bool, allow_outside: bool, debug: bool) -> None:
    """``render --watch``: render now and at every save of the data file, a register it names or
    the template, with one LibreOffice kept running; the findings each time; Ctrl-C ends it (exit
    0), LibreOffice and its folders with it. Bad input is said and the watching goes on."""
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.checks import check
    from slutrapport.loader import load

    # start-up: jinja2 and the rendering only when a report is rendered
    from slutrapport.rendering import ContentsNotFilledWarning, Warm, render_many

    inputs = [file]
    busy = [False]  # whether a render is under way (Ctrl-C then ends LibreOffice at once)

    def watched() -> list[Path]:
        return inputs

    def work() -> None:
        busy[0] = True
        try:
            render_once()
        finally:
            busy[0] = False

    def render_once() -> None:
        started = time.monotonic()
        try:
            report = load(file)
        except SlutrapportError as exc:
            click.echo(f"{exc.label}: {exc}", err=True)
            return
        inputs[:] = _inputs_of(report, file, template)
        findings: list[list[Finding]] = []

        def run_checks() -> None:
            if not findings:
                findings.append(check(report, template=template,
                                      allow_outside_registers=allow_outside))
                click.echo(format_findings(findings[0], str(file), errors_only=quiet), nl=False,
                           err=True)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ContentsNotFilledWarning)
            warnings.simplefilter("always", BackupWarning)
            try:
                if strict:
                    run_checks()
                render_many([report], [output], template=template, strict=strict,
                            findings=findings if strict else None, contents=contents,
                            charts=charts, diagram=diagram, timeout=timeout, formats=[kind],
                            pdfa=pdfa, meanwhile=run_checks, warm=warm)
            except SlutrapportError as exc:
                run_checks()
                click.echo(f"{exc.label}: {exc}", err=True)
                return
            finally:
                for warning in caught:
                    click.echo(f"Obs: {warning.message}", err=True)
        run_checks()
        seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
        click.echo(f"Skrev {output} ({seconds} s)")

    def saved(paths: list[Path]) -> None:
        click.echo(f"\nSparad: {', '.join(str(p) for p in paths)}", err=True)

    click.echo(f"Bevakar {file}; avsluta med Ctrl-C.", err=True)
    try:
        with Warm(timeout=timeout) as warm:
            try:
                _watch.watch(watched, work, saved=saved)
            except KeyboardInterrupt:
                # Ctrl-C is how watching ends: LibreOffice may quit by itself if it is idle
                warm.graceful = not busy[0]
                raise
    except KeyboardInterrupt:
        click.echo("\nBevakningen avslutad.", err=True)
        sys.exit(0)
    except SlutrapportError as exc:  # LibreOffice could not be started at all
        _fail(exc, debug)


def _inputs_of(report: Any, file: Path, template: Path | None) -> list[Path]:
    """The files a render of ``report`` reads: the data file, the registers it names (by
    ``register.mapp``, relative to the data file) and the template."""
    # start-up: the report's kinds (the default template's parts) only when a command runs
    from slutrapport.standard import default_template

    paths = [file]
    block = getattr(report, "register", None)
    if block is not None:
        folder = file.parent / block.mapp if block.mapp else file.parent
        paths += [folder / name for _, name in block.named()]
    paths.append(template if template is not None else default_template())
    return paths


def _trace_path(output: Path) -> Path:
    """Where ``render --sparbarhet`` writes the record: ``UT.sparbarhet.json`` beside UT."""
    return output.with_name(f"{output.stem}.sparbarhet.json")


@main.command("ursprung")
@click.argument("file", required=False, type=click.Path(path_type=Path), metavar="FIL")
@click.argument("path", required=False, metavar="VÄG")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Utdata som text eller som spårbarhetsfilens poster (JSON).")
@click.option("--template", "template", type=click.Path(path_type=Path), default=None,
              help="En egen Word-mall (var talen står beror på mallen); standardmallen annars.")
@click.option("--jamfor", "compared", nargs=2, type=click.Path(path_type=Path), default=None,
              metavar="GAMMAL NY",
              help="Lista talen vars värde eller ursprung ändrats mellan två spårbarhetsfiler "
                   "(eller datafiler).")
@_outside_option
@_debug_option
def provenance_command(file: Path | None, path: str | None, fmt: str, template: Path | None,
                       compared: tuple[Path, Path] | None, allow_outside: bool,
                       debug: bool) -> None:
    """Var kommer talet ifrån? Visar var talet vid VÄG står i rapporten och dess ursprung, ned
    till registrens rader.

    FIL är datafilen (YAML) eller en spårbarhetsfil som 'render --sparbarhet' skrev (.json).
    Utan VÄG listas varje tal som dokumentet visar.

    \b
    slutrapport ursprung rapport.yaml aktiviteterna.omraden[0].antal
    slutrapport ursprung rapport.sparbarhet.json ekonomi.utfall --format json
    slutrapport ursprung --jamfor förra.sparbarhet.json rapport.yaml
    """
    # start-up: the provenance (and jinja2) only when it is asked for
    from slutrapport.provenance import (
        compare,
        compare_text,
        explain,
        explain_text,
        place_text,
        read_record,
        source_words,
    )

    try:
        if compared is not None:
            if file is not None:
                raise InputError([Problem("med --jamfor ges bara de två filerna, efter "
                                          "--jamfor (GAMMAL NY)")])
            old, new = (read_record(p, template, allow_outside=allow_outside)
                        for p in compared)
            changes = compare(old, new)
            if fmt == "json":
                click.echo(json.dumps(changes, ensure_ascii=False, indent=1))
            else:
                click.echo(compare_text(changes), nl=False)
            return
        if file is None:
            raise InputError([Problem("ange datafilen (eller en spårbarhetsfil) och talets väg, "
                                      "till exempel: slutrapport ursprung rapport.yaml "
                                      "ekonomi.utfall")])
        doc = read_record(file, template, allow_outside=allow_outside)
        records = explain(doc, path) if path is not None else doc["tal"]
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=1))
    elif path is not None:
        click.echo(explain_text(records), nl=False)
    else:
        for r in records:
            click.echo(f"{r['id']} = {r['utskrivet']}: {source_words(r['ursprung'])} "
                       f"— {place_text(r)}")


@main.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Skriv schemat till en fil i stället för till skärmen.")
@_debug_option
def schema_command(output: Path | None, debug: bool) -> None:
    """Skriv ut JSON Schema för datafilen, för en editor som kontrollerar YAML (docs/editor.md).

    \b
    slutrapport schema -o slutrapport.schema.json
    """
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.schema import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
        return

    try:
        written = write_file(output, text.encode("utf-8"))
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    click.echo(f"Skrev {output}")
    _backup_line(None, output, written.backup)


def _outlines_help() -> str:
    """The outlines 'new' starts from, one line each (read from the outline files)."""

    names = dispositioner.names()
    width = max(len(n) for n in names)
    lines = [f"  {n:<{width}}  {dispositioner.description(n)}" for n in names]
    return "\b\nDispositioner (--disposition):\n" + "\n".join(lines)


@main.command("new", epilog=_outlines_help())
@click.option("--from", "previous", type=click.Path(path_type=Path), default=None,
              help="Den förra rapportens datafil: dispositionen, rubrikerna och namnen följer "
                   "med och listas under 'granska'.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Den nya datafilen (YAML).")
@click.option("--registers", type=click.Path(path_type=Path), default=None, metavar="MAPP",
              help="Skriv tomma register (.xlsx) i MAPP, med rullgardinslistor för "
                   "aktivitetsområdena och kommunerna (från --from om den anges).")
@click.option("--disposition", default=None, metavar="NAMN",
              help="Dispositionen för en tom rapport (se listan nedan); utan den 2021-2027.")
@click.option("--force", is_flag=True,
              help="Skriv över filen om den redan finns (den sparas först som FIL.bak).")
@click.option("--from-docx", "from_docx", type=click.Path(path_type=Path), default=None,
              metavar="FÖRRA.docx",
              help="En rapport som bara finns i Word: rubrikerna blir avsnitt med sina texter, "
                   "tabellerna tabellavsnitt, allt att granska.")
@click.option("--godta-andringar", "accept", is_flag=True,
              help="Med --from-docx: godta alla spårade ändringar (kommentarerna tas bort).")
@click.option("--forkasta-andringar", "reject", is_flag=True,
              help="Med --from-docx: förkasta alla spårade ändringar (kommentarerna tas bort).")
@_debug_option
def new_command(previous: Path | None, output: Path | None, registers: Path | None,
                disposition: str | None, force: bool, from_docx: Path | None, accept: bool,
                reject: bool, debug: bool) -> None:
    """Skapa datafilen för en ny rapport, tom eller från den förra rapporten, eller tomma
    register att föra under projektet.

    \b
    slutrapport new -o rapport.yaml                        (tom, dispositionen 2021-2027)
    slutrapport new --disposition nis -o rapport.yaml      (tom, NIS 6.0:s disposition)
    slutrapport new --from forra.yaml -o rapport.yaml      (siffror och texter tömda)
    slutrapport new --registers register --from rapport.yaml   (tomma register)
    slutrapport new --from-docx forra.docx -o rapport.yaml (en rapport som bara finns i Word)
    """
    if from_docx is not None:
        _new_from_docx(from_docx, output, previous, registers, disposition, force, accept,
                       reject, debug)
        return
    if accept or reject:
        raise click.UsageError("--godta-andringar och --forkasta-andringar gäller --from-docx.")
    if output is None and registers is None:
        raise click.UsageError("Ange -o FIL för en ny datafil eller --registers MAPP för "
                               "tomma register.")
    if registers is not None:
        # start-up: XlsxWriter only when registers are written
        from slutrapport.register_templates import (
            block_entries,
            new_registers,
            refuse_existing,
            register_block,
        )

        if output is None and disposition is not None:
            raise click.UsageError("--disposition gäller datafilen; ange den med -o FIL.")
        try:
            if output is not None:  # the new report names its registers under register:
                refuse_existing(registers, force=force)
                _new_report(previous, output, disposition, force,
                            registers=block_entries(registers, output),
                            block=register_block(registers, report=output)
                            if previous is None else "")
            click.echo(new_registers(registers, previous, force=force, target=output,
                                     block_written=output is not None), nl=False)
        except SlutrapportError as exc:
            _fail(exc, debug)
        return
    try:
        _new_report(previous, output, disposition, force)
    except SlutrapportError as exc:
        _fail(exc, debug)


def _new_from_docx(docx: Path, output: Path | None, previous: Path | None,
                   registers: Path | None, disposition: str | None, force: bool, accept: bool,
                   reject: bool, debug: bool) -> None:
    """``new --from-docx``: the outline of a report that exists only in Word."""
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.wordimport import new_from_docx, revision_line

    if output is None:
        raise click.UsageError("Ange -o FIL för den nya datafilen.")
    if previous is not None or registers is not None or disposition is not None:
        raise click.UsageError("--from-docx går inte att använda tillsammans med --from, "
                               "--registers eller --disposition.")
    if accept and reject:
        raise click.UsageError("Välj en av --godta-andringar och --forkasta-andringar.")
    mode: Mode = "accept" if accept else "reject" if reject else "refuse"
    try:
        result = new_from_docx(docx, output, mode=mode, force=force)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    for r in result.revisions:
        click.echo(f"{'Godtogs' if accept else 'Förkastades'}: {revision_line(r)}", err=True)
    if result.notes:
        click.echo(f"{docx}: {len(result.notes)} "
                   f"{'sak' if len(result.notes) == 1 else 'saker'} att se över:", err=True)
        for note in result.notes:
            click.echo(f"  {note.place}: {note.message} [{note.code}]", err=True)
    click.echo(f"Skrev {result.written}. Granska avsnitten (de står under 'granska'), fyll i "
               "det som är märkt TODO och kontrollera med:")
    click.echo(f"  slutrapport check {result.written}")
    _backup_line(None, result.written, result.backup)


def _new_report(previous: Path | None, output: Path | None, disposition: str | None,
                force: bool, *, registers: dict[str, str] | None = None,
                block: str = "") -> None:
    """Write the new report's data file and say what to do next."""
    # start-up: ruamel.yaml and the skeletons only when 'new' writes a file
    from slutrapport.scaffold import write_new_file

    assert output is not None
    written = write_new_file(output, previous, disposition=disposition, force=force,
                             registers=registers if previous is not None else None,
                             block=block)
    if previous is None:
        click.echo(f"Skrev {output}. Fyll i det som är märkt TODO och kontrollera med:")
    else:
        click.echo(f"Skrev {output}. Fyll i det som är märkt TODO, granska det som står under "
                   "'granska' och kontrollera med:")
    click.echo(f"  slutrapport check {output}")
    _backup_line(None, output, written.backup)


@main.command("import")
@click.argument("docx", type=click.Path(path_type=Path), metavar="TEXT.docx")
@click.argument("file", type=click.Path(path_type=Path), metavar="[FIL.yaml]", required=False)
@click.option("--till", "till", default=None, metavar="AVSNITT[.FÄLT]",
              help="Texten i rapporten som Word-texten ska in i: ett avsnitts id, och kanske "
                   "en kommun, ett område eller ett fält (kommuner.Robertsfors, "
                   "aktiviteter.foretagsbesok, inledning).")
@click.option("--dry-run", is_flag=True, help="Visa bara texten och vad som skulle ändras; "
                                              "skriv inget.")
@click.option("--godta-andringar", "accept", is_flag=True,
              help="Godta alla spårade ändringar i Word-filen (kommentarerna tas bort).")
@click.option("--forkasta-andringar", "reject", is_flag=True,
              help="Förkasta alla spårade ändringar i Word-filen (kommentarerna tas bort).")
@click.option("--template", "template", type=click.Path(path_type=Path), default=None,
              metavar="MALL.docx",
              help="För en rapport som ändrats i Word: mallen den skrevs med (annars "
                   "standardmallen).")
@_debug_option
def import_command(docx: Path, file: Path | None, till: str | None, dry_run: bool,
                   accept: bool, reject: bool, template: Path | None, debug: bool) -> None:
    """För in en text skriven i Word (TEXT.docx) i rapportens löptext, som Markdown.

    Med FIL och --till skrivs texten in i den texten i FIL (originalet sparas som FIL.bak,
    eller FIL.1.bak …); kommentarer, ordning och allt annat i filen behålls. Utan FIL skrivs
    texten ut. Tal i texten som finns i avsnittets data blir tallänkar. Det som inte följer med
    (tabeller, bilder, textrutor, fotnoter …) listas med sin plats; bilderna sparas i mappen
    bilder bredvid FIL.

    Med FIL men utan --till är TEXT.docx en rapport som render skrev från FIL och som sedan
    ändrats i Word: varje text som ändrats där skrivs tillbaka i FIL, och det som slutrapport
    räknar fram ur datat (tabeller, rubriker, tal) och som ändrats i Word listas men förs aldrig
    in.

    Har Word-filen spårade ändringar eller kommentarer förs inget in (slutkod 1) förrän du väljer
    --godta-andringar eller --forkasta-andringar.

    \b
    slutrapport import robertsfors.docx                     (visa texten)
    slutrapport import robertsfors.docx rapport.yaml --till kommuner.Robertsfors
    slutrapport import inledning.docx rapport.yaml --till inledning --dry-run
    slutrapport import rapport-granskad.docx rapport.yaml   (tillbaka från rapporten)
    """
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.wordimport import import_docx

    if accept and reject:
        raise click.UsageError("Välj en av --godta-andringar och --forkasta-andringar.")
    if till is not None and file is None:
        raise click.UsageError("--till anger en text i en datafil; ange datafilen (FIL.yaml) "
                               "efter Word-filen.")
    mode: Mode = "accept" if accept else "reject" if reject else "refuse"
    if template is not None and (file is None or till is not None):
        raise click.UsageError("--template gäller en rapport som ändrats i Word: ange "
                               "datafilen (FIL.yaml) och inget --till.")
    if file is not None and till is None:
        _import_report(docx, file, mode, dry_run, template, debug)
        return
    try:
        result = import_docx(docx, file, till=till, mode=mode, dry_run=dry_run)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    _decided(result.revisions, accept)
    _to_look_at(docx, result.notes)
    if file is None or dry_run:
        click.echo(result.markdown)
        for title, text in result.subsections:
            click.echo(f"\n--- delavsnitt: {title} ---\n{text}")
    if file is None:
        return
    verb = "ändrades" if result.written else "skulle ändras"
    click.echo(f"{file}: {verb}:")
    for line in result.changes:
        click.echo(f"  {line}")
    if result.written is not None:
        click.echo(f"Skrev {result.written}.")
        _backup_line(file, result.written, result.backup)
        click.echo(f"Kontrollera med: slutrapport check {result.written}")
    else:
        click.echo("Inget skrevs (--dry-run).")


def _decided(revisions: list[Any], accept: bool) -> None:
    """The tracked changes accepted or rejected and the comments removed, on stderr."""
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.wordimport import revision_line
    changes = [r for r in revisions if r.kind != "comment"]
    comments = [r for r in revisions if r.kind == "comment"]
    verb = "Godtogs" if accept else "Förkastades"
    if changes:
        click.echo(f"{verb} ({'--godta-andringar' if accept else '--forkasta-andringar'}):",
                   err=True)
        for r in changes:
            click.echo(f"  {revision_line(r)}", err=True)
    if comments:
        click.echo("Kommentarerna togs bort:", err=True)
        for r in comments:
            click.echo(f"  {revision_line(r)}", err=True)


def _to_look_at(docx: Path, notes: list[Any]) -> None:
    if notes:
        click.echo(f"{docx}: {len(notes)} {'sak' if len(notes) == 1 else 'saker'} att se över:",
                   err=True)
        for note in notes:
            click.echo(f"  {note.place}: {note.message} [{note.code}]", err=True)


def _import_report(docx: Path, file: Path, mode: Mode, dry_run: bool, template: Path | None,
                   debug: bool) -> None:
    """``import RAPPORT.docx FIL.yaml``: the round trip (exit 1 when something is reported)."""
    # start-up: the command's work only when it runs, not for --help
    from slutrapport.wordimport import import_report
    try:
        result = import_report(docx, file, mode=mode, dry_run=dry_run, template=template)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    _decided(result.revisions, mode == "accept")
    _to_look_at(docx, result.notes)
    if result.changes:
        verb = "ändrades" if result.written else "skulle ändras"
        click.echo(f"{file}: {len(result.changes)} "
                   f"{'text' if len(result.changes) == 1 else 'texter'} {verb} i Word och "
                   f"{'skrevs tillbaka' if result.written else 'skulle skrivas tillbaka'}:")
        for line in result.changes:
            click.echo(f"  {line}")
    else:
        click.echo(f"{file}: ingen text i rapporten ändrades i Word.")
    if dry_run:
        for place, text in result.texts:
            click.echo(f"\n--- {place} ---\n{text}")
    if result.reported:
        click.echo(f"{docx}: skiljer sig från datat och förs inte in ({len(result.reported)}); "
                   "tabeller, rubriker och tal skriver slutrapport från datat — ändra i "
                   "datafilen eller registret:", err=True)
        for line in result.reported:
            click.echo(f"  {line}", err=True)
    if result.written is not None:
        click.echo(f"Skrev {result.written}.")
        _backup_line(file, result.written, result.backup)
        click.echo(f"Kontrollera med: slutrapport check {result.written}")
    elif result.changes:
        click.echo("Inget skrevs (--dry-run).")
    if result.reported:
        sys.exit(1)


@main.command("migrate")
@click.argument("file", type=click.Path(path_type=Path), metavar="FIL")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Skriv resultatet hit i stället för att skriva om FIL.")
@_debug_option
def migrate_command(file: Path, output: Path | None, debug: bool) -> None:
    """Skriv om en datafil från version 0.1 till dagens form med listan 'avsnitt'.

    Kommentarer, ordning och alla värden behålls. Utan -o skrivs FIL om och originalet sparas
    som FIL.bak (finns den redan FIL.1.bak, FIL.2.bak …); så också när -o är samma fil som FIL.
    En datafil som -o skriver över sparas på samma sätt. En fil som redan har den nya formen
    lämnas som den är.
    """
    # start-up: ruamel.yaml only when a file is migrated
    from slutrapport.migrate import migrate_file

    try:
        done = migrate_file(file, output)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    if done is None:
        click.echo(f"{file} har redan den nya formen (avsnitten står i listan 'avsnitt'); "
                   "inget att göra.")
        return
    written, backup = done
    click.echo(f"Skrev {written} i den nya formen.")
    _backup_line(file, written, backup)
    click.echo(f"Kontrollera med: slutrapport check {written}")


@main.group("template", cls=_Group)
def template_group() -> None:
    """Word-mallen: kontrollera att den bara använder namn som finns i datat."""


@template_group.command("check")
@click.argument("template", type=click.Path(path_type=Path), required=False, metavar="[MALL]")
@_debug_option
def template_check_command(template: Path | None, debug: bool) -> None:
    """Kontrollera MALL (standardmallen om den utelämnas) mot datat.

    Listar variabler, fält, filter och loopar som datat inte har, med det närmaste rätta namnet,
    och de avsnitt som mallen aldrig använder. Slutkod 1 om något namn är okänt.
    """
    # start-up: jinja2 only when a template is checked
    # start-up: the report's kinds (the default template's parts) only when a command runs
    from slutrapport.standard import default_template
    from slutrapport.templatecheck import (
        check_template,
        format_template_findings,
        has_unknown,
    )

    path = template if template is not None else default_template()
    try:
        findings = check_template(path)
    except SlutrapportError as exc:
        _fail(exc, debug)
        return
    click.echo(format_template_findings(findings, str(path)), nl=False)
    sys.exit(1 if has_unknown(findings) else 0)
