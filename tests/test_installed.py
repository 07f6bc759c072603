"""The package as users get it: every command works from `pip install .`, outside the repository.

The install test is slow (a fresh virtual environment and an install from the package index), so
it runs only with ``SLUTRAPPORT_SLOW=1``. The API reference's examples run in every profile.
"""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SECOND_EXAMPLE = ROOT / "fixtures" / "lappland20.yaml"
OLD_EXAMPLE = ROOT / "tests" / "data" / "lappland20_v01.yaml"

slow = pytest.mark.skipif(os.environ.get("SLUTRAPPORT_SLOW") != "1",
                          reason="långsamt: sätt SLUTRAPPORT_SLOW=1")


def test_the_api_reference_examples_run() -> None:
    """Every example in docs/api.md runs and prints what the document says."""
    result = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False,
                              optionflags=doctest.ELLIPSIS, verbose=False)
    assert (result.failed, result.attempted > 30) == (0, True)


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the package installed from the repository."""
    folder = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([str(folder / "bin" / "pip"), "install", "-q", str(ROOT)], check=True,
                   timeout=900)
    return folder


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from the repository."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder),
                    str(ROOT)], check=True, timeout=900)
    return next(folder.glob("slutrapport-*.whl"))


@pytest.mark.slow
@slow
def test_the_wheel_holds_every_module_the_template_and_the_example(wheel: Path) -> None:
    """Each module of src/slutrapport (the kinds' too), py.typed, the template and the three
    examples, with NIS 7.0's pictures, are in the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "src" / "slutrapport"
    expected = {f"slutrapport/{p.relative_to(package).as_posix()}" for p in package.rglob("*")
                if p.suffix == ".py" or p.name == "py.typed"}
    assert "slutrapport/kinds/ekonomi.py" in expected
    expected |= {"slutrapport/_data/nis60.yaml", "slutrapport/_data/lappland20.yaml",
                 "slutrapport/_data/nis70.yaml", "slutrapport/_data/standard.docx"}
    expected |= {f"slutrapport/_data/bilder/{name}.png" for name in (
        "nis70-maltrad", "logo-nis70", "logo-vannas", "logo-region")}
    assert sorted(expected - names) == []


@pytest.mark.slow
@slow
def test_every_command_works_from_the_installed_package(venv: Path, tmp_path: Path) -> None:
    """schema, new, new --from, check, template check, render and migrate all work outside the
    repo."""
    bin_ = venv / "bin"
    example = run(bin_ / "python", "-c", "import slutrapport; print(slutrapport.example_path())",
                  cwd=tmp_path).stdout.strip()
    results = {
        "schema": run(bin_ / "slutrapport", "schema", cwd=tmp_path),
        "new": run(bin_ / "slutrapport", "new", "-o", "x.yaml", cwd=tmp_path),
        "new --from": run(bin_ / "slutrapport", "new", "--from", example, "-o", "y.yaml",
                          cwd=tmp_path),
        "check": run(bin_ / "slutrapport", "check", "y.yaml", cwd=tmp_path),
        "template check": run(bin_ / "slutrapport", "template", "check", cwd=tmp_path),
        "render": run(bin_ / "slutrapport", "render", SECOND_EXAMPLE, "-o", "z.docx",
                      "--no-contents", cwd=tmp_path),
        "migrate": run(bin_ / "slutrapport", "migrate", OLD_EXAMPLE, "-o", "v.yaml",
                       cwd=tmp_path),
    }
    assert {name: (r.returncode, r.stderr if r.returncode else "")
            for name, r in results.items()} == dict.fromkeys(results, (0, ""))
    template = Path(example).parent / "standard.docx"
    assert (
        example.startswith(str(venv)),
        results["schema"].stdout.startswith('{\n  "$schema": "https://json-schema.org/'),
        results["check"].stdout.splitlines()[0],
        results["template check"].stdout,
        results["render"].stdout,
        (tmp_path / "z.docx").read_bytes()[:2],
        results["migrate"].stdout,
    ) == (
        True, True,
        # the review marks and to-do list, as the golden file of 'new --from nis60' counts them
        "y.yaml" + (ROOT / "tests" / "golden" / "new_from_nis60.txt").read_text(
            encoding="utf-8").splitlines()[0].removeprefix("NY.yaml"),
        f"{template}: 0 okända namn, 0 avsnitt som mallen inte använder\n",
        "Skrev z.docx\n",
        b"PK",
        "Skrev v.yaml i den nya formen.\nKontrollera med: slutrapport check v.yaml\n",
    )


@pytest.mark.slow
@slow
def test_the_api_reference_examples_run_against_the_installed_package(
    venv: Path, tmp_path: Path
) -> None:
    """docs/api.md's examples pass with the installed package, run from outside the repo."""
    result = run(venv / "bin" / "python", "-m", "doctest", "-o", "ELLIPSIS",
                 ROOT / "docs" / "api.md", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
