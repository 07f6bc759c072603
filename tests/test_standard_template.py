"""The committed default template is what the code builds now (issue 18.3)."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from slutrapport.kinds import kinds
from slutrapport.resources import default_template
from slutrapport.standard import kinds_in
from slutrapport.standard_build import build_bytes


def _parts(data: bytes) -> dict[str, bytes]:
    """A .docx's parts, each XML part in canonical form (attribute order, quoting and the
    declaration do not count; the content does)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            blob = archive.read(name)
            if name.endswith((".xml", ".rels")):
                blob = etree.tostring(etree.fromstring(blob), method="c14n")
            out[name] = blob
    return out


def test_the_committed_template_is_what_build_standard_builds() -> None:
    """templates/standard.docx equals, part by part, what templates/build_standard.py makes; if
    this fails, a kind's part or the styles changed: run the script and commit the file."""
    assert _parts(default_template().read_bytes()) == _parts(build_bytes())


def test_the_committed_template_has_a_part_for_every_kind_of_the_package() -> None:
    """Each kind the package has is tested for in the template's loop over the sections."""
    assert kinds_in(default_template()) == frozenset(kinds())
