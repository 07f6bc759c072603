"""The written file: atomic (all or nothing, no stray temp file) and reproducible to the byte."""

from __future__ import annotations

import errno
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

import slutrapport
from slutrapport.cli import main
from slutrapport.errors import OutputError, TemplateError
from slutrapport.rendering import render_bytes

EARLIER = b"the earlier report, which must survive a failed render"


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    """An earlier report in an otherwise empty folder of its own."""
    folder = tmp_path / "ut"
    folder.mkdir()
    path = folder / "rapport.docx"
    path.write_bytes(EARLIER)
    return path


def _render(report: slutrapport.Slutrapport, path: Path, **options: Any) -> bytes:
    return slutrapport.render(report, path, contents=False, charts=False, **options)


def test_render_replaces_the_earlier_file_and_leaves_no_temp_file(
    existing: Path, nis60: slutrapport.Slutrapport
) -> None:
    """A successful render puts exactly the returned bytes at the path, and nothing else."""
    data = _render(nis60, existing)
    assert existing.read_bytes() == data
    assert os.listdir(existing.parent) == ["rapport.docx"]


def test_template_error_leaves_the_earlier_file_untouched(
    existing: Path, tmp_path: Path, nis60: slutrapport.Slutrapport
) -> None:
    """A template that fails stops the render before anything is written."""
    template = tmp_path / "mall.docx"
    document = docx.Document()
    document.add_paragraph("{{ projket.namn }}")
    document.save(template)
    with pytest.raises(TemplateError):
        _render(nis60, existing, template=template)
    assert existing.read_bytes() == EARLIER
    assert os.listdir(existing.parent) == ["rapport.docx"]


def test_failing_rename_leaves_the_earlier_file_and_no_temp_file(
    existing: Path, nis60: slutrapport.Slutrapport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the final rename fails, the earlier file stays as it was and the temp file is removed;
    the system's reason is said in Swedish."""
    def refuse(src: Any, dst: Any) -> None:
        raise OSError(errno.EXDEV, "simulated failure to rename")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError) as caught:
        _render(nis60, existing)
    assert str(caught.value) == (
        f"{existing}: kan inte skrivas (filen kan inte flyttas mellan två filsystem)")
    assert existing.read_bytes() == EARLIER
    assert os.listdir(existing.parent) == ["rapport.docx"]


class _DiskFullHalfway:
    """A file handle that writes half of what it is given and then fails (a full disk)."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def __enter__(self) -> _DiskFullHalfway:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, "simulated full disk")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def test_failure_in_the_middle_of_writing_leaves_the_earlier_file_and_no_temp_file(
    existing: Path, nis60: slutrapport.Slutrapport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half a file written when the disk fills up never replaces the earlier one; 'disken är
    full' is said in Swedish."""
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen",
                        lambda *args, **kwargs: _DiskFullHalfway(real_fdopen(*args, **kwargs)))
    with pytest.raises(OutputError) as caught:
        _render(nis60, existing)
    assert str(caught.value) == f"{existing}: kan inte skrivas (disken är full)"
    assert existing.read_bytes() == EARLIER
    assert os.listdir(existing.parent) == ["rapport.docx"]


@pytest.mark.parametrize("broken", ["not a zip", "bad tag"])
def test_cli_with_a_broken_template_exits_2_and_leaves_the_earlier_file(
    existing: Path, tmp_path: Path, broken: str
) -> None:
    """``slutrapport render … --template broken.docx -o existing.docx``: exit 2, file untouched."""
    template = tmp_path / "broken.docx"
    if broken == "not a zip":
        template.write_bytes(b"this is not a Word document")
        problem = "är inte ett Word-dokument (.docx); spara mallen som .docx"
    else:
        document = docx.Document()
        document.add_paragraph("{{ projekt.namn ")
        document.save(template)
        problem = ("felaktig malltagg: taggen '{{' avslutas inte med '}}' (i stycket "
                   "«{{ projekt.namn»)")
    args = ["render", str(slutrapport.example_path()), "--template", str(template),
            "-o", str(existing), "--no-contents", "--no-charts"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"Fel i mallen: {template}: {problem}"
    assert result.stdout == ""
    assert existing.read_bytes() == EARLIER
    assert os.listdir(existing.parent) == ["rapport.docx"]


# --- Reproducible bytes --------------------------------------------------------------------------


def test_rendering_twice_gives_identical_bytes(
    nis60: slutrapport.Slutrapport, nis60_docx: bytes
) -> None:
    """The NIS example, charts and all, renders to the same bytes a second time."""
    assert render_bytes(nis60) == nis60_docx


def test_other_processes_with_other_hash_seeds_give_identical_bytes(nis60_docx: bytes) -> None:
    """Fresh interpreters with PYTHONHASHSEED 1 and 2 write the very bytes this process does."""
    script = ("import sys, slutrapport\n"
              "from slutrapport.rendering import render_bytes\n"
              "report = slutrapport.load(slutrapport.example_path())\n"
              "sys.stdout.buffer.write(render_bytes(report))\n")
    outputs = [
        subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                       timeout=300, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    ]
    assert outputs == [nis60_docx, nis60_docx]


def test_zip_members_have_fixed_dates_and_modes_in_a_stable_order(nis60_docx: bytes) -> None:
    """[Content_Types].xml first, then by name; every member dated 2000-01-01, mode 644."""
    with zipfile.ZipFile(io.BytesIO(nis60_docx)) as archive:
        infos = [(i.filename, i.date_time, i.external_attr >> 16, i.compress_type)
                 for i in archive.infolist()]
    names = [name for name, *_ in infos]
    order = ["[Content_Types].xml", *sorted(n for n in names if n != "[Content_Types].xml")]
    # pictures are stored as they are (PNG is compressed already), the XML parts deflated
    assert infos == [(n, (2000, 1, 1, 0, 0, 0), 0o644,
                      zipfile.ZIP_STORED if n.startswith("word/media/") else zipfile.ZIP_DEFLATED)
                     for n in order]


def test_document_dates_are_fixed_whatever_the_template_says(
    tmp_path: Path, nis60: slutrapport.Slutrapport
) -> None:
    """A template created in 2013 still gives a document created and modified on the report's
    date (NIS 6.0: 2022-12, so 2022-12-01), and one without a date 2000-01-01."""
    template = tmp_path / "mall.docx"
    document = docx.Document()  # python-docx's own template: created 2013-12-23
    document.add_paragraph("{{ projekt.namn }}")
    document.save(template)
    with zipfile.ZipFile(io.BytesIO(render_bytes(nis60, template=template, charts=False))) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    assert re.findall(r"<dcterms:(\w+)[^>]*>([^<]*)<", core) == [
        ("created", "2022-12-01T00:00:00Z"), ("modified", "2022-12-01T00:00:00Z")]
    undated = nis60.model_copy(deep=True)
    undated.projekt.rapportdatum = None
    with zipfile.ZipFile(io.BytesIO(render_bytes(undated, template=template, charts=False))) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    assert re.findall(r"<dcterms:(\w+)[^>]*>([^<]*)<", core) == [
        ("created", "2000-01-01T00:00:00Z"), ("modified", "2000-01-01T00:00:00Z")]
