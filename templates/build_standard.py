"""Build the default Word template, ``templates/standard.docx``, from code.

The building is :mod:`slutrapport.standard_build` (python-docx, and each section kind's
``fragment``); this script writes its result where the package finds it. A test checks that the
committed file is what the code builds now, so run this after changing a kind's part or the
template's styles.

Run: ``python templates/build_standard.py`` (writes ``templates/standard.docx``).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from slutrapport.standard_build import build_bytes  # noqa: E402

OUT = HERE / "standard.docx"


def main() -> int:
    OUT.write_bytes(build_bytes())
    print(f"skrev {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
