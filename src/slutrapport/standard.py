"""The default Word template: the committed ``templates/standard.docx``, or one built for the
kinds there are now.

The template is built from code (:mod:`slutrapport.standard_build`, run by
``python templates/build_standard.py``; a test checks the committed file is what the code makes
now), with a part for each section kind. :func:`default_template` is the template a report
renders with when it names none: the committed file, or — when a kind has been registered that
the committed file has no part for (a plug-in, a kind defined in a test) — a template built for
the kinds there are now, kept in the cache folder. So a new kind's section is never dropped by
the default template: at worst it costs one build (about a second) the first time.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import inspect
import re
import shutil
import tempfile
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from slutrapport.kinds import Section, kinds
from slutrapport.resources import cache_dir, store
from slutrapport.resources import default_template as committed_template

__all__ = ["default_template", "kinds_in"]


_KIND_TEST = re.compile(r"a\.typ == '([a-z][a-z0-9_]*)'")


@functools.cache
def _kinds_of(path: Path, stamp: tuple[int, int]) -> frozenset[str]:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return frozenset(_KIND_TEST.findall(xml))


def kinds_in(path: Path) -> frozenset[str]:
    """The kinds a default template built here has a part for (its ``a.typ == '…'`` tests)."""
    found = path.stat()
    return _kinds_of(path, (found.st_mtime_ns, found.st_size))


def default_template() -> Path:
    """The template a report renders with when it names none (see the module docstring)."""
    committed = committed_template()
    registry = kinds()
    if set(registry) <= kinds_in(committed):
        return committed
    return _built(tuple(sorted(registry)))


def _fingerprint(kind: type[Section]) -> str:
    """What a kind's part of the template is made from: its source, where there is one."""
    try:
        return inspect.getsource(kind)
    except (OSError, TypeError):
        return f"{kind.__module__}.{kind.__qualname__}"


@functools.cache
def _built(typs: tuple[str, ...]) -> Path:
    """The default template for these kinds: from the cache folder, else built (and kept)."""
    registry = kinds()
    try:
        package = version("slutrapport")
    except PackageNotFoundError:
        package = "?"
    key = hashlib.sha256("\n".join(
        [package, hashlib.sha256(committed_template().read_bytes()).hexdigest(),
         *(f"{typ}\n{_fingerprint(registry[typ])}" for typ in typs)]).encode("utf-8"))
    folder = cache_dir()
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="slutrapport-mall-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    target = folder / "standardmall" / key.hexdigest()[:32] / "standard.docx"
    if target.is_file():
        return target
    # start-up time: python-docx is imported only when a template must be built
    from slutrapport.standard_build import build_bytes

    made = build_bytes({typ: registry[typ] for typ in typs})
    store(target, made)
    if not target.is_file():  # a cache folder that can't be written: the build in a temp folder
        spare = Path(tempfile.mkdtemp(prefix="slutrapport-mall-"))
        atexit.register(shutil.rmtree, spare, ignore_errors=True)
        target = spare / "standard.docx"
        target.write_bytes(made)
    return target
