"""Runs inside LibreOffice's Python (the interpreter that has ``uno``), started by office.py.

It starts one headless LibreOffice and says so (``{"ready": true}``) on a line of stdout. Then it
reads jobs, one JSON object a line on stdin, and for each opens a .docx, updates its indexes (the
table of contents) twice so page numbers settle — moving the joins of split tables to the tops of
pages first (:func:`fix_joins`) — reads the contents' entries, optionally exports a PDF, closes the
document and answers on a line of stdout: the result, or the failure (``error``: exited,
no-answer, open or failed) for office.py to say in Swedish. It ends when stdin closes.
It imports nothing from slutrapport: it may run under another Python than the library.

LibreOffice runs in a process group of its own, with its TMPDIR in the run folder, which is this
worker's alone, and its profile there too or in a kept slot that this worker holds (office.py
passes the slot's locked descriptor, ``profile_fd``, which LibreOffice inherits too). A kept
profile LibreOffice can't start with is removed and made afresh; when LibreOffice has quit by
itself after its work, the worker marks the profile whole (``profile_kept``).

A watchdog thread reads the pipe office.py handed over (``watch_fd``); when it closes, the
watchdog kills LibreOffice's group, removes the run folder and LibreOffice's sockets in /tmp, and
ends this process. office.py writes ``RETIRE`` to the pipe before closing it when it retires this
worker and goes on; without it — office.py ended, however — the folders the worker shares with
others (``also``: the documents of a batch) are removed too. A worker that ends by itself (its
stdin closed: office.py is done with it) removes its run folder too, once LibreOffice has ended:
office.py may be ended by a signal while it waits for that, and then nobody else would.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

RETIRE = b"retire"
"""What office.py writes to the watched pipe before it closes it to retire this worker alone."""


class _Failure(Exception):
    """A failure office.py words itself: ``kind`` and details for the JSON answer."""

    def __init__(self, kind: str, **details: Any) -> None:
        super().__init__(kind)
        self.answer = {"error": kind, **details}


class _Office:
    """LibreOffice's process group, and the watchdog that ends it when office.py is gone."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.request = request
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = False
        self.done = threading.Event()

    def start(self, args: list[str]) -> subprocess.Popen[bytes]:
        tmp = self.request["tmp"]
        env = {**os.environ, "TMPDIR": tmp, "TMP": tmp, "TEMP": tmp}
        with self.lock:
            # nothing is made in the run folder once the watchdog is at work (it may have
            # removed the folder already: a folder made now would be left behind)
            if self.stopping:
                raise _Failure("failed", detail="stopped")
            os.makedirs(tmp, exist_ok=True)
            held = self.request.get("profile_fd")
            # LibreOffice holds the profile's slot too (see office.take_profile): a slot is free
            # only once neither this worker nor its LibreOffice lives
            self.process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True, env=env,
                pass_fds=(held,) if isinstance(held, int) else ())
            # under the lock: once the watchdog holds it, nothing more is written here; whole
            # or not at all (renamed into place), for office.py may read it at any time
            written = os.path.join(self.request["folder"], "office.pid")
            with open(written + ".tmp", "w", encoding="ascii") as handle:
                handle.write(str(self.process.pid))
            os.replace(written + ".tmp", written)
        return self.process

    def watch(self, fd: int) -> None:
        """Wait for the pipe to close, then end everything: LibreOffice, the run folder and —
        unless office.py said ``RETIRE`` first — the shared folders (``also``)."""
        heard = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(fd, 4096):
                heard = (heard + chunk)[-len(RETIRE):]
        retired = heard == RETIRE
        with self.lock:
            self.stopping = True
            process = self.process
        if process is not None:
            _kill_group(process)
            remove_sockets(self.request["pipe"], self.request["profile"])
        # again while a dying LibreOffice still writes
        shared = [] if retired else self.request.get("also", [])
        deadline = time.monotonic() + 3
        for folder in [self.request["folder"], *shared]:
            _remove(folder, patience=max(0.0, deadline - time.monotonic()))
        os._exit(70)

    def end(self, *, wait: float) -> bool:
        """Let LibreOffice quit for up to ``wait`` seconds, then kill whatever is left of it;
        whether it had quit by itself, with exit code 0."""
        process = self.process
        if process is None:
            return False
        try:
            process.wait(timeout=wait)
            quit_by_itself = process.returncode == 0
        except subprocess.TimeoutExpired:
            quit_by_itself = False
        # what is left of its group (also helpers it started that are gone but not reaped)
        if _kill_group(process):
            remove_sockets(self.request["pipe"], self.request["profile"])
        return quit_by_itself


def _kill_group(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL LibreOffice's process group; whether anything of it was still there."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
        alive = True
    except (ProcessLookupError, PermissionError):
        alive = False
    with contextlib.suppress(Exception):
        process.wait(timeout=10)
    return alive


def remove_sockets(pipe: str, profile: str) -> None:
    """Remove the sockets LibreOffice leaves in /tmp when it is killed: the pipe we accept on
    and its single-instance pipe (see :func:`single_instance_socket`)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    for name in (f"/tmp/OSL_PIPE_{uid}_{pipe}", single_instance_socket(profile)):
        with contextlib.suppress(OSError):
            os.unlink(name)


def single_instance_socket(profile: str) -> str:
    """The socket in /tmp by which LibreOffice on this profile keeps a second one from starting:
    named by an MD5 of the profile's URL (UTF-16), hex without padding."""
    url = _profile_url(profile)
    digest = hashlib.md5(url.encode("utf-16-le"), usedforsecurity=False).digest()
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return f"/tmp/OSL_PIPE_{uid}_SingleOfficeIPC_" + "".join(format(b, "x") for b in digest)


def _connect(pipe: str, deadline: float, office: subprocess.Popen[bytes]) -> Any:
    # uno: only in LibreOffice's Python (office.py imports this module without it)
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    started = time.monotonic()
    while True:
        try:
            return resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            code = office.poll()
            if code is not None:  # LibreOffice ended before it answered: no use waiting
                raise _Failure("exited", code=code) from None
            if time.monotonic() > deadline:
                raise _Failure("no-answer", seconds=round(deadline - started)) from None
            time.sleep(0.1)


def _props(**kwargs: Any) -> tuple[Any, ...]:
    # uno: only in LibreOffice's Python (office.py imports this module without it)
    from com.sun.star.beans import PropertyValue

    out = []
    for key, value in kwargs.items():
        prop = PropertyValue()
        prop.Name = key
        prop.Value = value
        out.append(prop)
    return tuple(out)


def _url(path: str) -> str:
    # uno: only in LibreOffice's Python (office.py imports this module without it)
    import uno

    return str(uno.systemPathToFileUrl(os.path.abspath(path)))


def _profile_url(profile: str) -> str:
    """The profile folder's URL, given to LibreOffice and hashed for its pipe's name (without
    uno: remove_sockets also runs in slutrapport's own Python)."""

    return Path(os.path.abspath(profile)).as_uri()


def _entries(index: Any) -> list[list[Any]]:
    """An index's lines as [title, page] (a line without a page number is left out)."""
    out: list[list[Any]] = []
    for line in index.getAnchor().getString().split("\n"):
        title, sep, page = line.rpartition("\t")
        if sep and page.strip().isdigit():
            out.append([title, int(page)])
    return out


def _page_of_row(view: Any, table: Any, row: int) -> int:
    """The page a table's row begins on (in the layout as it is now)."""
    cell = table.getCellByName(f"A{row + 1}")
    view.gotoRange(cell.getText().getStart(), False)
    return int(view.getPage())


def fix_joins(doc: Any, splits: list[dict[str, Any]]) -> None:
    """Put each join of a split table (see slutrapport._layoutcopy) where the whole table breaks
    its page.

    Each part but the first begins a page; each part but the last ends with copies of the first
    ``overlap`` rows of the next, laid out as they would follow in the whole table. Going down
    the document: of the copies, those on the page where the part's own rows end are kept, the
    rest deleted, and the originals of the kept ones are deleted from the start of the next part,
    which then begins the following page with its header as the whole table does. (Only the next
    part moves, so this costs about one more layout in all.) Where every copy fits on that page
    (more rows than were copied), all are kept and the next part no longer begins a page: its
    header shows in the middle of the page, nothing is lost. Then the marks are removed, and
    every row is counted: the parts must hold exactly the table's rows.
    """
    view = doc.getCurrentController().getViewCursor()
    marks = doc.getBookmarks()
    for split in splits:
        heads, overlap = int(split["heads"]), int(split["overlap"])
        tables = [marks.getByName(name).getAnchor().TextTable for name in split["parts"]]
        for before, part in itertools.pairwise(tables):
            if overlap == 0:
                continue
            count = before.getRows().getCount()
            first_copy = count - overlap
            page = _page_of_row(view, before, first_copy - 1)  # where its own rows end
            if _page_of_row(view, before, count - 1) <= page:
                keep = overlap  # every copy fits on that page
                _no_break_before(part)
            else:
                low, high = first_copy, count - 1
                while low < high:  # the first copy on the following page
                    middle = (low + high) // 2
                    if _page_of_row(view, before, middle) > page:
                        high = middle
                    else:
                        low = middle + 1
                keep = low - first_copy
            if keep < overlap:
                before.getRows().removeByIndex(first_copy + keep, overlap - keep)
            if keep:
                part.getRows().removeByIndex(heads, keep)
        held = sum(t.getRows().getCount() - heads for t in tables)
        for name in split["parts"]:
            marks.getByName(name).dispose()
        if held != int(split["rows"]):
            raise _Failure("failed", detail=f"en delad tabell har {held} "
                                            f"{'rad' if held == 1 else 'rader'} i stället för "
                                            f"{split['rows']}")


def _no_break_before(table: Any) -> None:
    """Take the page break before a table away (on the table and its first paragraph)."""
    # uno: only in LibreOffice's Python (office.py imports this module without it)
    import uno

    none = uno.Enum("com.sun.star.style.BreakType", "NONE")
    with contextlib.suppress(Exception):
        table.setPropertyValue("BreakType", none)
    with contextlib.suppress(Exception):
        cell = table.getCellByName("A1")
        cell.getText().createEnumeration().nextElement().setPropertyValue("BreakType", none)


def _update_indexes(doc: Any, times: int) -> None:
    indexes = doc.getDocumentIndexes()
    for _ in range(times):
        for i in range(indexes.getCount()):
            indexes.getByIndex(i).update()
        doc.refresh()


_CHART_CLSID = "12dcae26-281f-416f-a234-c3086127382e"
"""The class id of a chart object embedded in a Writer document."""


def _describe_charts(doc: Any, alts: list[str]) -> None:
    """Give each chart its alt text (``alts``, in document order), which LibreOffice's import
    leaves empty, so the tagged PDF's ``/Figure`` of each chart carries it as ``/Alt``.

    Writer names the charts it reads ``Object1``, ``Object2`` … in the order it meets them;
    when the number of charts differs from the number of texts, nothing is guessed.
    """
    objects = doc.getEmbeddedObjects()
    charts = []
    for name in objects.getElementNames():
        obj = objects.getByName(name)
        if str(obj.getPropertyValue("CLSID")).lower() == _CHART_CLSID:
            digits = "".join(c for c in name if c.isdigit())
            charts.append((int(digits) if digits else 0, name, obj))
    if len(charts) != len(alts):
        return
    for (_, _, obj), alt in zip(sorted(charts, key=lambda c: (c[0], c[1])), alts, strict=True):
        if alt and not obj.getPropertyValue("Description"):
            obj.setPropertyValue("Description", alt)


def _run_job(desktop: Any, job: dict[str, Any]) -> dict[str, Any]:
    doc = desktop.loadComponentFromURL(_url(job["input"]), "_blank", 0, _props(Hidden=True))
    if doc is None:
        raise _Failure("open")
    try:
        entries: list[list[Any]] = []
        indexes = doc.getDocumentIndexes()
        splits = job.get("splits") or []
        if any(split["overlap"] for split in splits):
            # the contents first (they may take more pages), then the joins, then the pages
            _update_indexes(doc, 1)
        if splits:
            fix_joins(doc, splits)
        _update_indexes(doc, 2)
        contents_read = False
        lists: dict[str, list[list[Any]]] = {}  # the lists of captions, by label (Tabell …)
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            if index.supportsService("com.sun.star.text.ContentIndex") and not contents_read:
                entries = _entries(index)
                contents_read = True
            elif index.supportsService("com.sun.star.text.IllustrationsIndex"):
                lists.setdefault(str(index.getPropertyValue("LabelCategory")), _entries(index))
        pages = doc.getCurrentController().getPropertyValue("PageCount")
        if job.get("pdf"):
            # uno: only in LibreOffice's Python (office.py imports this module without it)
            import uno

            _describe_charts(doc, job.get("alts") or [])

            # Lossless pictures: the charts are line art, which JPEG smears (and re-encoding
            # them as JPEG was a third of the export's time). Tagged PDF: headings, table
            # headers, alt texts and the language marked for screen readers; PDF/A-2b on asking.
            pdf: dict[str, Any] = {"UseLosslessCompression": True,
                                   "ReduceImageResolution": False, "UseTaggedPDF": True}
            if job.get("pdfa"):
                pdf["SelectPdfVersion"] = 2
            options = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**pdf))
            doc.storeToURL(_url(job["pdf"]),
                           _props(FilterName="writer_pdf_Export", FilterData=options))
        return {"entries": entries, "lists": lists, "pages": pages}
    finally:
        doc.close(True)


def _answer(answer: dict[str, Any]) -> None:
    with contextlib.suppress(OSError, ValueError):  # office.py is gone: the watchdog tidies up
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main() -> None:
    """Start LibreOffice; answer ``{"ready": true}`` (or the failure); then take one job a line
    on stdin and answer each on a line of stdout, until stdin closes. After a failed job whose
    LibreOffice has ended, the answer says ``"ended": true`` and the worker stops."""
    request = json.loads(sys.argv[1])
    if request.get("create"):
        # made here, before the watchdog runs: a slutrapport killed before this process
        # started leaves no folder, and one killed after has it removed by the watchdog
        os.makedirs(request["folder"], mode=0o700, exist_ok=True)
    office = _Office(request)
    if request.get("watch_fd") is not None:
        threading.Thread(target=office.watch, args=(request["watch_fd"],), daemon=True).start()
    try:
        _serve(request, office)
    finally:
        _let_the_watchdog_finish(request, office)
        # LibreOffice has ended (_serve's office.end): its run folder is of no more use
        _remove(request["folder"], patience=3)


def _remove(folder: str, *, patience: float) -> None:
    """Remove a folder; again, for up to ``patience`` seconds, while a LibreOffice that was just
    killed may still be finishing a write into it."""
    deadline = time.monotonic() + patience
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder) or time.monotonic() > deadline:
            return
        time.sleep(0.05)


def _let_the_watchdog_finish(request: dict[str, Any], office: _Office) -> None:
    """When office.py has ended (killed, say: stdin closes then as well as the watched pipe),
    wait for the watchdog, which tidies up and ends this process; never end before it."""
    with office.lock:
        stopping = office.stopping
    if not stopping and request.get("watch_fd") is not None:

        with contextlib.suppress(OSError, ValueError):
            stopping = bool(select.select([request["watch_fd"]], [], [], 0)[0])
    if stopping:
        office.done.wait(30)


def _start(request: dict[str, Any], office: _Office) -> tuple[subprocess.Popen[bytes], Any]:
    """Start LibreOffice and connect to it. A kept profile it can't start with is removed and
    LibreOffice started once more, on a fresh one."""
    pipe = request["pipe"]
    attempts = 2 if request.get("profile_reused") else 1
    deadline = time.monotonic() + request.get("start_timeout", 60)
    for attempt in range(attempts):
        process = office.start(
            [request["soffice"], "--headless", "--invisible", "--nologo", "--norestore",
             "--nodefault", "--nolockcheck", "--nofirststartwizard",
             f"-env:UserInstallation={_profile_url(request['profile'])}",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"])
        try:
            return process, _connect(pipe, deadline, process)
        except _Failure:
            if attempt + 1 == attempts:
                raise
            office.end(wait=0)
            shutil.rmtree(request["profile"], ignore_errors=True)
    raise AssertionError("unreachable")


def mark_version_seen(context: Any) -> bool:
    """Note in the profile that this LibreOffice version has started on it, as its first start
    after an upgrade does with a window; whether it had to be noted.

    Until then LibreOffice takes every start for the first of a new version and runs its graphics
    render tests (``GraphicsRenderTests.log`` in the profile) before it answers: 0,8 of its 0,9
    seconds' start here (LibreOffice 7.4, 2 cores), for a check of the screen's drawing that a
    headless LibreOffice does not use. Headless, it never notes the version itself. Only kept
    profiles are marked: they are slutrapport's own and used by nothing else (office.py)."""
    from com.sun.star.beans import PropertyValue  # uno: only in LibreOffice's Python

    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context)
    node = PropertyValue()
    node.Name, node.Value = "nodepath", "/org.openoffice.Setup/Product"
    product = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (node,))
    version = product.getByName("ooSetupVersion")
    if not version or product.getByName("ooSetupLastVersion") == version:
        return False
    product.replaceByName("ooSetupLastVersion", version)
    product.commitChanges()
    return True


def _serve(request: dict[str, Any], office: _Office) -> None:
    desktop: Any = None
    whole = False  # whether every job left LibreOffice working (its profile then stays whole)
    try:
        process, context = _start(request, office)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        _answer({"ready": True})
        if request.get("profile_kept"):
            with contextlib.suppress(Exception):  # only the next start's speed depends on it
                mark_version_seen(context)
        whole = True
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                answer = _run_job(desktop, json.loads(line))
            except _Failure as failure:
                answer = failure.answer
            except Exception as exc:
                answer = {"error": "failed", "detail": f"{type(exc).__name__}: {exc}"}
            if "error" in answer and process.poll() is not None:
                whole = False
                answer["ended"] = True
                _answer(answer)
                break
            _answer(answer)
        try:
            desktop.terminate()
        except Exception:  # the bridge drops as LibreOffice quits; that is the goal
            pass
    except _Failure as failure:
        _answer(failure.answer)
    except Exception as exc:
        _answer({"error": "failed", "detail": f"{type(exc).__name__}: {exc}"})
    finally:
        quit_by_itself = office.end(wait=10)
        kept = request.get("profile_kept")
        if kept and whole and quit_by_itself:
            with office.lock:  # not once the watchdog is at work: then nothing is whole
                if not office.stopping:
                    with contextlib.suppress(OSError), open(kept, "w", encoding="ascii"):
                        pass


if __name__ == "__main__":
    main()
