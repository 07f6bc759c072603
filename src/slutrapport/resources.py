"""Files that ship with slutrapport: the default Word template and three example reports.

In an installed wheel they live in ``slutrapport/_data``; in a source checkout (editable install)
they are read from the repository's ``templates/`` and ``fixtures/`` folders, where they are kept.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["EXAMPLES", "cache_dir", "default_template", "example_path", "store"]

EXAMPLES: dict[str, str] = {
    "nis60": "NIS 6.0 (2019–2022) som den publicerades, med sina fel",
    "lappland20": "Besöksnäring i Lappland 2.0 (2021–2024), påhittad och utan fel",
    "nis70": "NIS 7.0 (2023–2026), påhittad, i 2021–2027 års form och utan fel",
}
"""The examples that ship, by name, each with a Swedish line on what it is."""

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent.parent


def _find(name: str, repo_folder: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _REPO / repo_folder / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{name} saknas i installationen av slutrapport")


def default_template() -> Path:
    """The default Word template (``standard.docx``)."""
    return _find("standard.docx", "templates")


def example_path(name: str | None = None) -> Path:
    """A built-in example's data file by name (see :data:`EXAMPLES`); by default ``nis60``,
    the NIS 6.0 report as published.

    >>> example_path("nis70").name
    'nis70.yaml'
    """
    name = "nis60" if name is None else name
    if name not in EXAMPLES:
        raise ValueError(f"exemplet '{name}' finns inte; exemplen som finns: "
                         f"{', '.join(EXAMPLES)}")
    return _find(f"{name}.yaml", "fixtures")


def cache_dir() -> Path | None:
    """Where slutrapport keeps what it can make again (drawn charts, compiled templates, a
    default template for kinds added since it was built): $SLUTRAPPORT_CACHE, else the user's
    cache folder; None when ``SLUTRAPPORT_CACHE=0`` turns the cache off."""
    configured = os.environ.get("SLUTRAPPORT_CACHE")
    if configured is not None:
        return None if configured in {"", "0", "off"} else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "slutrapport" / "charts"


def store(target: Path, blob: bytes) -> None:
    """Keep ``blob`` in the cache folder at ``target``, whole or not at all (a temporary file
    renamed into place); a read-only or full folder only costs the next run the work again."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, target)
    except OSError:
        pass
