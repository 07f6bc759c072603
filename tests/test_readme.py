"""The README's first commands and its example output are the contract with a new user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from slutrapport.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_check_example_is_what_check_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of the README's check example starts the line check prints at its place."""
    block = re.search(r"```text\n\$ slutrapport check (\S+)\n(.*?)```", README, re.S)
    assert block is not None
    file, shown = block.group(1), block.group(2).splitlines()
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", file])
    printed = result.stdout.splitlines()
    assert result.exit_code == 1
    kept = [line for line in shown if line.strip() != "…"]
    assert len(kept) <= len(printed)
    for readme_line, real in zip(kept, printed, strict=False):
        assert real.replace("\u00a0", " ").startswith(readme_line.removesuffix(" …")), (
            readme_line, real)


def test_every_command_in_the_table_exists() -> None:
    """Each command the README's table names answers --help."""
    commands = set(re.findall(r"^\| `slutrapport ([a-z]+(?: check)?)", README, re.M))
    assert commands >= {"check", "render", "new", "fill", "migrate", "schema", "template check"}
    for command in commands:
        result = CliRunner().invoke(main, [*command.split(), "--help"])
        assert result.exit_code == 0, command
