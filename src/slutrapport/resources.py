"""Files that ship with slutrapport: the default Word template and the NIS 6.0 example.

In an installed wheel they live in ``slutrapport/_data``; in a source checkout (editable install)
they are read from the repository's ``templates/`` and ``fixtures/`` folders, where they are kept.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_template", "example_path"]

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


def example_path() -> Path:
    """The built-in example: the NIS 6.0 report's data as published (``nis60.yaml``)."""
    return _find("nis60.yaml", "fixtures")
