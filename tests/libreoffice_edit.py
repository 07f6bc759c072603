"""Edit a .docx as a person does in LibreOffice, and save it with LibreOffice's own filter.

Runs under LibreOffice's Python (the one with ``uno``), not under the tests' interpreter:

    python3 tests/libreoffice_edit.py SOFFICE IN.docx OUT.docx FOLDER EDITS.json

It starts a headless LibreOffice with its profile in FOLDER, opens IN.docx and makes each edit
of EDITS.json in order, then stores OUT.docx ("MS Word 2007 XML") and ends LibreOffice. An edit:

- ``{"replace": "old", "with": "new"}``: the first place ``old`` stands is written over (typed
  over in the paragraph, as a person selecting it and typing would);
- ``{"after": "text", "paragraph": "new"}``: at the end of the paragraph that holds ``text``, a
  paragraph break and ``new`` (typing Enter at the end and writing);
- ``{"cell": [table, "B3"], "text": "17"}``: the cell of the table (0 the first) gets the text.

It imports nothing from slutrapport or the tests. An edit that finds no place ends it with exit
code 3 and a line on stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def _props(**values: Any) -> tuple[Any, ...]:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        out.append(prop)
    return tuple(out)


def _url(path: str) -> str:
    return uno.systemPathToFileUrl(os.path.abspath(path))


def _connect(pipe: str, office: subprocess.Popen[bytes]) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                                ctx)
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _fail(message: str) -> None:
    print(message, file=sys.stderr)
    sys.exit(3)


def _edit(doc: Any, edit: dict[str, Any]) -> None:
    if "replace" in edit:
        search = doc.createSearchDescriptor()
        search.SearchString = edit["replace"]
        found = doc.findFirst(search)
        if found is None:
            _fail(f"finns inte: {edit['replace']!r}")
        found.setString(edit["with"])
    elif "after" in edit:
        search = doc.createSearchDescriptor()
        search.SearchString = edit["after"]
        found = doc.findFirst(search)
        if found is None:
            _fail(f"finns inte: {edit['after']!r}")
        text = found.getText()
        cursor = text.createTextCursorByRange(found.getEnd())
        cursor.gotoEndOfParagraph(False)
        paragraph_break = uno.getConstantByName(
            "com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK")
        text.insertControlCharacter(cursor, paragraph_break, False)
        text.insertString(cursor, edit["paragraph"], False)
    elif "cell" in edit:
        index, name = edit["cell"]
        table = doc.getTextTables().getByIndex(index)
        cell = table.getCellByName(name)
        if cell is None:
            _fail(f"ingen cell {name} i tabell {index}")
        cell.setString(edit["text"])
    else:
        _fail(f"okänd ändring: {edit!r}")


def main() -> None:
    soffice, source, target, folder, edits_file = sys.argv[1:6]
    with open(edits_file, encoding="utf-8") as handle:
        edits = json.load(handle)
    pipe = f"slutrapport_edit_{os.getpid()}"
    profile = os.path.join(folder, "profil")
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={_url(profile)}", "--headless", "--invisible",
         "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        desktop = _connect(pipe, office)
        doc = desktop.loadComponentFromURL(_url(source), "_blank", 0, _props(Hidden=True))
        for edit in edits:
            _edit(doc, edit)
        doc.storeToURL(_url(target), _props(FilterName="MS Word 2007 XML", Overwrite=True))
        doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge goes down as LibreOffice ends
            pass
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()


if __name__ == "__main__":
    main()
