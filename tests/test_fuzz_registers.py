"""Fuzzed registers: whatever a register file holds, reading it gives findings or a Swedish
refusal — never a traceback, an abort or a hang.

Each example takes one of NIS 6.0's example registers (fixtures/register/nis60: three .xlsx
workbooks and the .csv ledger), often cut to its first rows, and mutates it: bytes flipped,
deleted or repeated, and tokens a hostile or broken file would hold put in anywhere — cells far
out or without a reference, huge texts and numbers, formulas, entities, NUL, a DTD, quotes that
never close, Excel's ``sep=`` line, other encodings. For a workbook the mutation goes into one of
its parts (the sheet most often) and the zip is written again, or into the zip's own bytes. The
register is then read and compared with the report in this process, as ``check`` does
(:func:`slutrapport._registercheck.register_findings`): the only exception allowed is
:class:`~slutrapport.errors.InputError`, and its message must be Swedish, located and without a
traceback.

1 000 examples by default (about 20 seconds on this machine), whatever the hypothesis profile
says, as the other fuzzer (tests/test_fuzz.py); 10 000 with ``SLUTRAPPORT_SLOW=1`` (about 4
minutes).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slutrapport._registercheck import register_findings
from slutrapport.errors import InputError
from slutrapport.loader import load
from slutrapport.models import Slutrapport

ROOT = Path(__file__).parents[1]
_EXAMPLES = 10_000 if os.environ.get("SLUTRAPPORT_SLOW") == "1" else 1_000
REGISTERS = {"aktivitetslogg": "aktivitetslogg.xlsx", "foretag": "foretag.xlsx",
             "kostnader": "huvudbok.csv", "finansiering": "finansiering.xlsx"}


class Setup:
    """The NIS 6.0 report once per register (naming only that one), beside a copy of the
    example registers, and each register's original bytes."""

    def __init__(self, folder: Path, reports: dict[str, Slutrapport],
                 originals: dict[str, bytes]) -> None:
        self.folder = folder
        self.reports = reports
        self.originals = originals

    def __repr__(self) -> str:  # short: hypothesis prints it with a failing example
        return f"Setup({self.folder})"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    folder = tmp_path_factory.mktemp("fuzz-registers")
    shutil.copytree(ROOT / "fixtures" / "register" / "nis60", folder / "register" / "nis60")
    text = (ROOT / "fixtures" / "nis60.yaml").read_text(encoding="utf-8")
    block = (ROOT / "fixtures" / "register" / "nis60-register.yaml").read_text(encoding="utf-8")
    reports = {}
    for key in REGISTERS:
        others = {f"  {k}: {f}\n" for k, f in REGISTERS.items() if k != key}
        lines = [line for line in block.splitlines(keepends=True) if line not in others]
        path = folder / f"{key}.yaml"
        path.write_text(text + "".join(lines), encoding="utf-8")
        reports[key] = load(path)
        assert reports[key].register is not None
        assert [k for k, _ in reports[key].register.named()] == [key]
    originals = {k: (folder / "register" / "nis60" / f).read_bytes()
                 for k, f in REGISTERS.items()}
    return Setup(folder, reports, originals)


TOKENS = [
    '<c r="XFD1048576"><v>1</v></c>', '<c r="A1048576"><v>1</v></c>', '<c r="ZZ9999"><v>1</v></c>',
    '<c r="XFE1"><v>1</v></c>', '<c r="A99999999"><v>1</v></c>', "<c><v>1</v></c>" * 3,
    '<c r="B2" t="s"><v>99999</v></c>', '<c r="C2" t="inlineStr"><is><t>' + "x" * 33_000
    + "</t></is></c>", '<c r="D2" t="n"><v>1e400</v></c>', '<c r="D2"><v>NaN</v></c>',
    '<c r="D2" t="b"><v>2</v></c>', '<c r="D2" t="e"><v>#DIV/0!</v></c>',
    '<c r="D2" t="d"><v>2021-13-45</v></c>', '<c r="A2" s="9999"><v>44000</v></c>',
    '<c r="E2"><f>SUM(A1:A9)</f></c>', '<c r="E2" t="str"><f>1</f><v>x</v></c>',
    '<row r="1048576">', '<row r="0">', "<row>", "</row>", "</sheetData>", "<sheetData>",
    '<dimension ref="A1:XFD1048576"/>', '<x:c r="A3"><x:v>1</x:v></x:c>', 'r="A1" r="XFD9"',
    "<![CDATA[" + "y" * 40_000 + "]]>", "&#0;", "&#x1b;]0;titel\x07", "&amp;", "&nosuch;",
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', "\x00", "\ufeff", "\x1b[2J", "=HYPERLINK(\"x\")",
    "-0", "1e999999999", "9" * 400, "−2", "1\u00a0234,50 kr", "2021-02-30", "kvinna", "man",
    '"', '""', ";", ",", "\t", "\r", "\n", "\r\n;;;;\r\n", "sep=;\r\n", "sep=,\n", "\"sep=\t\"\n",
    "Datum;Kategori;Belopp\r\n", ";" * 2000, "é" * 40, "\ud7ff", "x" * 40_000,
]
"""What a hostile or broken register might hold (any of them anywhere)."""


@dataclass(frozen=True)
class Mutation:
    """One change to a file's bytes, placed at a fraction of its length."""

    kind: str
    at: float
    span: float
    token: int
    byte: int

    def apply(self, data: bytes) -> bytes:
        i = int(self.at * len(data))
        j = min(len(data), i + 1 + int(self.span * 4096))
        if self.kind == "flip":
            return data[:i] + bytes([self.byte]) + data[i + 1:]
        if self.kind == "delete":
            return data[:i] + data[j:]
        if self.kind == "repeat":
            return data[:j] + data[i:j] * (1 + self.byte % 8) + data[j:]
        token = TOKENS[self.token % len(TOKENS)].encode("utf-8", "surrogatepass")
        return data[:i] + token + data[i:]


mutations = st.builds(
    Mutation, st.sampled_from(["flip", "delete", "repeat", "token", "token", "token"]),
    st.floats(0, 1), st.floats(0, 1), st.integers(0, len(TOKENS) - 1), st.integers(0, 255))


def _first_rows(data: bytes, rows: int) -> bytes:
    """A sheet's XML with only its first rows (the rest of sheetData dropped)."""
    starts = [m.start() for m in re.finditer(rb"<row[\s>]", data)]
    end = data.find(b"</sheetData>")
    if len(starts) <= rows or end < 0:
        return data
    return data[:starts[rows]] + data[end:]


def _csv_lines(data: bytes, rows: int) -> bytes:
    return b"".join(data.splitlines(keepends=True)[:rows])


def _mutated(original: bytes, csv: bool, rows: int | None, part: int, zip_level: bool,
             changes: list[Mutation], encoding: str | None) -> bytes:
    """The register's bytes after the changes (see the module's description)."""
    if csv:
        data = _csv_lines(original, rows) if rows is not None else original
        for change in changes:
            data = change.apply(data)
        if encoding is not None:
            data = data.decode("utf-8", "replace").encode(encoding, "replace")
        return data
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    names = sorted(parts)
    sheet = "xl/worksheets/sheet1.xml"
    name = sheet if part < 6 else names[part % len(names)]
    if rows is not None:
        parts[sheet] = _first_rows(parts[sheet], rows)
    if not zip_level:
        for change in changes:
            parts[name] = change.apply(parts[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for n in names:
            z.writestr(n, parts[n])
    data = out.getvalue()
    if zip_level:
        for change in changes:
            data = change.apply(data)
    return data


@settings(deadline=None, max_examples=_EXAMPLES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(REGISTERS)),
       rows=st.one_of(st.none(), st.integers(0, 40), st.integers(0, 40)),
       part=st.integers(0, 15), zip_level=st.integers(0, 9).map(lambda n: n == 0),
       changes=st.lists(mutations, min_size=1, max_size=4),
       encoding=st.sampled_from([None, None, None, None, "cp1252", "utf-16", "latin-1"]))
def test_any_register_gives_findings_or_a_swedish_refusal(
        setup: Setup, key: str, rows: int | None, part: int, zip_level: bool,
        changes: list[Mutation], encoding: str | None) -> None:
    """A mutated register is read and compared, or refused with a located Swedish message."""
    csv = REGISTERS[key].endswith(".csv")
    data = _mutated(setup.originals[key], csv, rows, part, zip_level, changes, encoding)
    (setup.folder / "register" / "nis60" / REGISTERS[key]).write_bytes(data)
    try:
        found = list(register_findings(setup.reports[key]))
    except InputError as exc:
        text = str(exc)
        assert text.startswith(REGISTERS[key] + ": ") or text.startswith(
            str(setup.folder)), text[:300]
        assert "Traceback" not in text, text[:300]
        return
    assert all(message for _code, _severity, _loc, message, _e, _a in found)
