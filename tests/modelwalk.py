"""Walking a report's model in tests: every figure it holds, by its path."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel


def figures(node: Any, loc: str = "") -> dict[str, int | Decimal]:
    """Every figure (int or Decimal, not bool) in the data, by its path."""
    found: dict[str, int | Decimal] = {}
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            found.update(figures(getattr(node, name), f"{loc}.{name}".lstrip(".")))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found.update(figures(item, f"{loc}[{i}]"))
    elif isinstance(node, dict):
        for key, item in node.items():
            found.update(figures(item, f"{loc}.{key}"))
    elif isinstance(node, int | Decimal) and not isinstance(node, bool):
        found[loc] = node
    return found
