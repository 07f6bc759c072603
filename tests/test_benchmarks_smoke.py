"""The benchmark script runs: ``benchmarks/run.py --smoke`` measures every part once, on 10 rows.

No figure is judged here — timings belong to the benchmark's own report, not to a test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def test_smoke_run_exits_0_and_prints_its_figures(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(RUN), "--smoke", "--outdir", str(tmp_path)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "overhead_vs_docxtpl:" in done.stdout
    figures = dict(re.findall(r"^([a-z0-9_]+): (\S+)$", done.stdout, flags=re.MULTILINE))
    for key in ("overhead_vs_docxtpl", "rows_10_vs_docxtpl", "import_seconds"):
        assert re.fullmatch(r"\d+\.\d+", figures.get(key, "")), (key, figures.get(key))
    assert figures.get("import_loads_docxtpl") == "False"
