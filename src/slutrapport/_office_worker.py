"""Runs inside LibreOffice's Python (the interpreter that has ``uno``), started by office.py.

It starts one headless LibreOffice, and for each job opens a .docx, updates its indexes (the table
of contents) twice so page numbers settle, reads the contents' entries, optionally exports a PDF,
and closes the document. It prints one JSON object with the results. It imports nothing from
slutrapport: it may run under another Python than the library.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any


def _connect(pipe: str, deadline: float) -> Any:
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            return resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _props(**kwargs: Any) -> tuple[Any, ...]:
    from com.sun.star.beans import PropertyValue

    out = []
    for key, value in kwargs.items():
        prop = PropertyValue()
        prop.Name = key
        prop.Value = value
        out.append(prop)
    return tuple(out)


def _url(path: str) -> str:
    import uno

    return str(uno.systemPathToFileUrl(os.path.abspath(path)))


def _run_job(desktop: Any, job: dict[str, Any]) -> dict[str, Any]:
    doc = desktop.loadComponentFromURL(_url(job["input"]), "_blank", 0, _props(Hidden=True))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {job['input']}")
    try:
        entries = []
        indexes = doc.getDocumentIndexes()
        for _ in range(2):
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            doc.refresh()
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            if index.supportsService("com.sun.star.text.ContentIndex"):
                text = index.getAnchor().getString()
                for line in text.split("\n"):
                    title, sep, page = line.rpartition("\t")
                    if sep and page.strip().isdigit():
                        entries.append([title, int(page)])
                break
        pages = doc.getCurrentController().getPropertyValue("PageCount")
        if job.get("pdf"):
            import uno

            # Lossless pictures: the charts are line art, which JPEG smears (and re-encoding
            # them as JPEG was a third of the export's time). Tagged PDF stays on (default).
            options = uno.Any("[]com.sun.star.beans.PropertyValue", _props(
                UseLosslessCompression=True, ReduceImageResolution=False))
            doc.storeToURL(_url(job["pdf"]),
                           _props(FilterName="writer_pdf_Export", FilterData=options))
        return {"entries": entries, "pages": pages}
    finally:
        doc.close(True)


def main() -> None:
    request = json.loads(sys.argv[1])
    pipe = f"slutrapport_{uuid.uuid4().hex}"
    profile = request["profile"]
    office = subprocess.Popen(
        [request["soffice"], "--headless", "--invisible", "--nologo", "--norestore",
         "--nodefault", "--nolockcheck", "--nofirststartwizard",
         f"-env:UserInstallation={_url(profile)}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = []
    try:
        context = _connect(pipe, time.monotonic() + request.get("start_timeout", 60))
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        for job in request["jobs"]:
            results.append(_run_job(desktop, job))
        try:
            desktop.terminate()
        except Exception:  # the bridge drops as LibreOffice quits; that is the goal
            pass
    finally:
        try:
            office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()
